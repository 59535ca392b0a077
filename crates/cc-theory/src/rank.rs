//! Exact ranks over Q, GF(2) and GF(p), with certificates, plus a labelled
//! floating-point cross-check.
//!
//! * **GF(2)**: M4RI elimination ([`crate::gf2::rank_gf2`]).
//! * **GF(p)**, `p < 2^21`: blocked Gaussian elimination with delayed modular
//!   reduction (row updates accumulate `l * v < p^2 < 2^42` in `u64` and are
//!   reduced only when a value is used as a pivot or multiplier); larger
//!   primes `p < 2^32` use plain elimination with a reduction per operation.
//! * **Q**: fraction-free Bareiss elimination in `i128` with checked
//!   arithmetic (every intermediate is a minor of the matrix, so it is exact
//!   while no overflow occurs), otherwise *multimodular*: the rank modulo the
//!   primes just below `2^21`. A nonzero minor mod `p` is a nonzero integer,
//!   so `rank_Q >= rank_p` always (certified lower bound, witness = pivot rows
//!   and columns). For the upper bound: if `rank_Q > r`, some `(r+1)`-minor
//!   `D != 0` with `|D| <= H` (Hadamard: `H = prod ||row_i||` over the `r+1`
//!   rows of largest norm) is divisible by every prime `p_i` with
//!   `rank_{p_i} <= r`, so `prod p_i <= |D| <= H`. Hence `prod p_i > H` proves
//!   `rank_Q <= r` (checked with integer bit lengths: each `p_i >= 2^20`
//!   contributes 20 bits, `log2 H <= sum bitlen(ceil(sqrt(||row_i||^2)))`).
//!   When that needs more work than the budget allows, the upper bound is
//!   reported as *not certified* together with the error bound that random
//!   primes would give (stated as a heuristic: the primes used are fixed).

use serde::{Deserialize, Serialize};

use crate::error::{Result, TheoryError};
use crate::gf2::{rank_gf2, rank_gf2_plain};
use crate::matrix::{BitMatrix, CommMatrix};

/// Bits contributed by each prime of the multimodular method (`p >= 2^20`).
pub(crate) const PRIME_BITS: u32 = 20;
/// Number of primes in `[2^20, 2^21)`, used in the stated Monte Carlo bound.
pub(crate) const PRIMES_IN_RANGE: u64 = 73_586;

/// Trial-division primality test (for `u64` inputs up to about `2^40` it is instant).
pub(crate) fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d = 3u64;
    while d.saturating_mul(d) <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// The `k`-th prime below `2^21` counting downwards from the largest (`k = 0`
/// is 2097143). Deterministic; all are `>= 2^20`.
pub fn modulus(k: usize) -> u64 {
    // A small cache would be faster; this is only called a few dozen times.
    let mut count = 0;
    let mut p = (1u64 << 21) - 1;
    loop {
        if is_prime(p) {
            if count == k {
                return p;
            }
            count += 1;
        }
        p -= 2;
    }
}

#[cfg(test)]
fn primes_desc(k: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity(k);
    let mut p = (1u64 << 21) - 1;
    while out.len() < k && p >= 1 << 20 {
        if is_prime(p) {
            out.push(p);
        }
        p -= 2;
    }
    out
}

pub(crate) fn modinv(a: u64, p: u64) -> u64 {
    // Fermat: a^(p-2) mod p (p prime, p < 2^32).
    let mut base = a % p;
    let mut e = p - 2;
    let mut acc = 1u64;
    while e > 0 {
        if e & 1 == 1 {
            acc = acc * base % p;
        }
        base = base * base % p;
        e >>= 1;
    }
    acc
}

/// Rank modulo a prime with pivot witness (row indices are positions in the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModRank {
    /// The rank modulo `p`.
    pub rank: usize,
    /// Linearly independent rows (input indices), in pivot order.
    pub pivot_rows: Vec<usize>,
    /// Pivot columns, ascending.
    pub pivot_cols: Vec<usize>,
}

/// Rank of a row-major `n x m` matrix of values modulo the prime `p < 2^32`.
pub fn rank_mod_p(vals: &[u32], n: usize, m: usize, p: u64) -> ModRank {
    if p < (1 << 21) {
        rank_mod_small_p(vals, n, m, p)
    } else {
        rank_mod_p_simple(vals, n, m, p)
    }
}

fn swap_rows<T>(a: &mut [T], w: usize, i: usize, j: usize) {
    if i == j {
        return;
    }
    let (lo, hi) = (i.min(j), i.max(j));
    let (x, y) = a.split_at_mut(hi * w);
    x[lo * w..lo * w + w].swap_with_slice(&mut y[..w]);
}

fn rank_mod_p_simple(vals: &[u32], n: usize, m: usize, p: u64) -> ModRank {
    let mut a: Vec<u64> = vals.iter().map(|&v| u64::from(v) % p).collect();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut pivot_cols = Vec::new();
    let mut r = 0;
    for c in 0..m {
        if r == n {
            break;
        }
        let Some(i) = (r..n).find(|&i| a[i * m + c] != 0) else {
            continue;
        };
        swap_rows(&mut a, m, i, r);
        perm.swap(i, r);
        let inv = modinv(a[r * m + c], p);
        for i in r + 1..n {
            let v = a[i * m + c];
            if v == 0 {
                continue;
            }
            let l = (p - v * inv % p) % p;
            let (top, bottom) = a.split_at_mut(i * m);
            let prow = &top[r * m + c..r * m + m];
            for (x, &y) in bottom[c..m].iter_mut().zip(prow) {
                *x = (*x + l * y) % p;
            }
        }
        pivot_cols.push(c);
        r += 1;
    }
    ModRank {
        rank: r,
        pivot_rows: perm[..r].to_vec(),
        pivot_cols,
    }
}

/// Blocked elimination with delayed reduction, `p < 2^21`, `min(n, m) <= 2^16`.
fn rank_mod_small_p(vals: &[u32], n: usize, m: usize, p: u64) -> ModRank {
    const B: usize = 32;
    let mut a: Vec<u64> = vals.iter().map(|&v| u64::from(v) % p).collect();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut pivot_cols = Vec::new();
    let mut mult = vec![0u32; n * B];
    let mut pivbuf: Vec<u32> = vec![0; B * m];
    let mut r = 0;
    let mut c = 0;
    while r < n && c < m {
        let ce = (c + B).min(m);
        for i in r..n {
            for x in &mut a[i * m + c..i * m + ce] {
                *x %= p;
            }
        }
        mult[r * B..n * B].fill(0);
        let mut piv: Vec<usize> = Vec::with_capacity(B);
        for j in c..ce {
            let start = r + piv.len();
            if start >= n {
                break;
            }
            for i in start..n {
                a[i * m + j] %= p;
            }
            let Some(i) = (start..n).find(|&i| a[i * m + j] != 0) else {
                continue;
            };
            swap_rows(&mut a, m, i, start);
            swap_rows(&mut mult, B, i, start);
            perm.swap(i, start);
            for x in &mut a[start * m + j..start * m + ce] {
                *x %= p;
            }
            let inv = modinv(a[start * m + j], p);
            let t = piv.len();
            for i in start + 1..n {
                let v = a[i * m + j];
                if v == 0 {
                    continue;
                }
                let l = (p - v * inv % p) % p;
                mult[i * B + t] = l as u32;
                // delayed reduction: l, y < 2^21 and at most 2^16 additions per entry overall
                let (top, bottom) = a.split_at_mut(i * m);
                let prow = &top[start * m + j..start * m + ce];
                for (x, &y) in bottom[j..ce].iter_mut().zip(prow) {
                    *x += l * y;
                }
            }
            piv.push(j);
        }
        let np = piv.len();
        if np > 0 && ce < m {
            let tw = m - ce;
            for t in 0..np {
                let row = r + t;
                for s in 0..t {
                    let l = u64::from(mult[row * B + s]);
                    if l != 0 {
                        let pr = &pivbuf[s * tw..(s + 1) * tw];
                        for (x, &y) in a[row * m + ce..(row + 1) * m].iter_mut().zip(pr) {
                            *x += l * u64::from(y);
                        }
                    }
                }
                for k in 0..tw {
                    let v = a[row * m + ce + k] % p;
                    a[row * m + ce + k] = v;
                    pivbuf[t * tw + k] = v as u32;
                }
            }
            for i in r + np..n {
                let row = &mut a[i * m + ce..(i + 1) * m];
                let ms = &mult[i * B..i * B + np];
                let mut s = 0;
                // four pivot rows per pass over the row (products fit: l, y < 2^21)
                while s + 4 <= np {
                    let (l0, l1, l2, l3) = (ms[s], ms[s + 1], ms[s + 2], ms[s + 3]);
                    if (l0 | l1 | l2 | l3) != 0 {
                        let p0 = &pivbuf[s * tw..(s + 1) * tw];
                        let p1 = &pivbuf[(s + 1) * tw..(s + 2) * tw];
                        let p2 = &pivbuf[(s + 2) * tw..(s + 3) * tw];
                        let p3 = &pivbuf[(s + 3) * tw..(s + 4) * tw];
                        for k in 0..tw {
                            row[k] += u64::from(l0) * u64::from(p0[k])
                                + u64::from(l1) * u64::from(p1[k])
                                + u64::from(l2) * u64::from(p2[k])
                                + u64::from(l3) * u64::from(p3[k]);
                        }
                    }
                    s += 4;
                }
                while s < np {
                    let l = ms[s];
                    if l != 0 {
                        let pr = &pivbuf[s * tw..(s + 1) * tw];
                        for (x, &y) in row.iter_mut().zip(pr) {
                            *x += u64::from(l) * u64::from(y);
                        }
                    }
                    s += 1;
                }
            }
        }
        pivot_cols.extend_from_slice(&piv);
        r += np;
        c = ce;
    }
    ModRank {
        rank: r,
        pivot_rows: perm[..r].to_vec(),
        pivot_cols,
    }
}

/// Fraction-free Bareiss elimination in `i128` with checked arithmetic.
/// Returns `None` on overflow. On success: rank, pivot rows, pivot columns
/// and the absolute value of the pivot minor `det M[pivot_rows][pivot_cols]`.
pub fn bareiss_rank(
    vals: &[i64],
    n: usize,
    m: usize,
) -> Option<(usize, Vec<usize>, Vec<usize>, i128)> {
    let mut a: Vec<i128> = vals.iter().map(|&v| i128::from(v)).collect();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut prev: i128 = 1;
    let mut r = 0;
    let mut pivot_cols = Vec::new();
    for c in 0..m {
        if r == n {
            break;
        }
        let Some(i) = (r..n).find(|&i| a[i * m + c] != 0) else {
            continue;
        };
        swap_rows(&mut a, m, i, r);
        perm.swap(i, r);
        let pv = a[r * m + c];
        for i in r + 1..n {
            let f = a[i * m + c];
            for j in c + 1..m {
                let num = pv
                    .checked_mul(a[i * m + j])?
                    .checked_sub(f.checked_mul(a[r * m + j])?)?;
                a[i * m + j] = num / prev;
            }
            a[i * m + c] = 0;
        }
        prev = pv;
        pivot_cols.push(c);
        r += 1;
    }
    Some((r, perm[..r].to_vec(), pivot_cols, prev.abs()))
}

/// A field for rank computations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Field {
    /// The rationals.
    Q,
    /// GF(2).
    Gf2,
    /// GF(p) for a prime `p`.
    Gfp(u64),
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Q => f.write_str("Q"),
            Field::Gf2 => f.write_str("GF(2)"),
            Field::Gfp(p) => write!(f, "GF({p})"),
        }
    }
}

/// How the upper bound of a rank is justified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UpperCertificate {
    /// The rank equals the number of rows or columns (after removing duplicates).
    FullRank,
    /// Exact elimination over the field itself (GF(2), GF(p), or Bareiss over Z).
    ExactElimination,
    /// Multimodular: rank modulo each prime is at most the bound and the
    /// product of the primes exceeds the Hadamard bound of `(r+1)`-minors.
    PrimeProduct {
        /// The primes used.
        primes: Vec<u64>,
        /// Upper bound on `log2` of any `(r+1) x (r+1)` minor.
        hadamard_bits: u64,
    },
    /// Not certified: stated error bound only.
    NotCertified {
        /// The primes used.
        primes: Vec<u64>,
        /// Upper bound on `log2` of any `(r+1) x (r+1)` minor.
        hadamard_bits: u64,
        /// Plain statement of the error bound.
        error_bound: String,
    },
}

/// The certificate of a rank: a nonsingular minor (lower bound) and the
/// justification of the upper bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankCertificate {
    /// The field, e.g. `"Q"`, `"GF(2)"`.
    pub field: String,
    /// Rows (original indices) of a nonsingular minor.
    pub pivot_rows: Vec<usize>,
    /// Columns (original indices) of the nonsingular minor.
    pub pivot_cols: Vec<usize>,
    /// The minor is nonzero modulo this prime (2 for GF(2)).
    pub witness_modulus: u64,
    /// Absolute value of the minor's determinant when computed exactly (decimal).
    pub minor_abs: Option<String>,
    /// Justification of the upper bound.
    pub upper: UpperCertificate,
}

/// A rank with its proven interval `lower <= rank <= upper`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankResult {
    /// The field.
    pub field: Field,
    /// Proven lower bound (size of the witness minor).
    pub lower: usize,
    /// Upper bound (certified iff `upper_certified`).
    pub upper: usize,
    /// True if `upper` is proven.
    pub upper_certified: bool,
    /// Algorithm used (`m4ri`, `bareiss-i128`, `blocked-mod-p`, `multimodular`).
    pub method: String,
    /// The certificate.
    pub certificate: RankCertificate,
}

/// Options for the rank over Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankOptions {
    /// Budget of multiply-add operations for certifying a deficient rank by
    /// extra primes (roughly one nanosecond each).
    pub max_work: u64,
}

impl Default for RankOptions {
    fn default() -> Self {
        RankOptions {
            max_work: 2_000_000_000,
        }
    }
}

fn values_u32(m: &CommMatrix) -> Vec<u32> {
    let mut v = Vec::with_capacity(m.rows() * m.cols());
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            v.push(u32::from(m.get(i, j)));
        }
    }
    v
}

/// Exact rank over GF(2) (M4RI) with a witness; for a non-Boolean matrix
/// the entries are taken mod 2.
pub fn rank_gf2_of(m: &CommMatrix) -> RankResult {
    // plane 0 holds bit 0 of every value, i.e. the value mod 2
    let bits = &m.planes()[0];
    let res = rank_gf2(bits);
    let full = res.rank == m.rows().min(m.cols());
    RankResult {
        field: Field::Gf2,
        lower: res.rank,
        upper: res.rank,
        upper_certified: true,
        method: "m4ri".into(),
        certificate: RankCertificate {
            field: "GF(2)".into(),
            pivot_rows: res.pivot_rows,
            pivot_cols: res.pivot_cols,
            witness_modulus: 2,
            minor_abs: None,
            upper: if full {
                UpperCertificate::FullRank
            } else {
                UpperCertificate::ExactElimination
            },
        },
    }
}

/// Exact rank over GF(p) for a prime `2 <= p < 2^32`, entries taken mod `p`.
pub fn rank_gfp(m: &CommMatrix, p: u64) -> Result<RankResult> {
    if !is_prime(p) || p >= 1 << 32 {
        return Err(TheoryError::InvalidParameter {
            parameter: "p".into(),
            message: format!("{p} is not a prime below 2^32"),
        });
    }
    if p == 2 {
        return Ok(rank_gf2_of(m));
    }
    let red = m.reduce();
    let rm = &red.matrix;
    let vals = values_u32(rm);
    let res = rank_mod_p(&vals, rm.rows(), rm.cols(), p);
    let full = res.rank == rm.rows().min(rm.cols());
    Ok(RankResult {
        field: Field::Gfp(p),
        lower: res.rank,
        upper: res.rank,
        upper_certified: true,
        method: if p < 1 << 21 {
            "blocked-mod-p".into()
        } else {
            "gauss-mod-p".into()
        },
        certificate: RankCertificate {
            field: format!("GF({p})"),
            pivot_rows: res
                .pivot_rows
                .iter()
                .map(|&i| red.row_representative[i])
                .collect(),
            pivot_cols: res
                .pivot_cols
                .iter()
                .map(|&j| red.col_representative[j])
                .collect(),
            witness_modulus: p,
            minor_abs: None,
            upper: if full {
                UpperCertificate::FullRank
            } else {
                UpperCertificate::ExactElimination
            },
        },
    })
}

fn isqrt_ceil(v: u64) -> u64 {
    let mut s = (v as f64).sqrt() as u64;
    while s * s > v {
        s -= 1;
    }
    while s * s < v {
        s += 1;
    }
    s
}

/// Upper bound (in bits) on `log2 |D|` for every `k x k` minor `D` of the
/// row-major integer matrix: `sum over the k rows of largest norm of
/// bitlen(ceil(sqrt(||row||^2)))` (Hadamard's inequality).
pub(crate) fn hadamard_bits(vals: &[u32], n: usize, m: usize, k: usize) -> u64 {
    let mut norms: Vec<u64> = (0..n)
        .map(|i| {
            vals[i * m..(i + 1) * m]
                .iter()
                .map(|&v| u64::from(v) * u64::from(v))
                .sum()
        })
        .collect();
    norms.sort_unstable_by(|a, b| b.cmp(a));
    norms
        .iter()
        .take(k)
        .map(|&q| u64::from(64 - isqrt_ceil(q).leading_zeros()))
        .sum()
}

/// Exact rank over Q with certificate (see the module docs for the method).
pub fn rank_q(m: &CommMatrix, opts: &RankOptions) -> RankResult {
    let red = m.reduce();
    let rm = &red.matrix;
    let (n, cols) = (rm.rows(), rm.cols());
    let vals = values_u32(rm);
    let map_rows = |v: &[usize]| {
        v.iter()
            .map(|&i| red.row_representative[i])
            .collect::<Vec<_>>()
    };
    let map_cols = |v: &[usize]| {
        v.iter()
            .map(|&j| red.col_representative[j])
            .collect::<Vec<_>>()
    };
    let full_dim = n.min(cols);
    if full_dim <= 64 {
        let iv: Vec<i64> = vals.iter().map(|&v| i64::from(v)).collect();
        if let Some((r, pr, pc, minor)) = bareiss_rank(&iv, n, cols) {
            let witness = if r == 0 {
                2
            } else {
                (0..)
                    .map(modulus)
                    .find(|&p| minor % i128::from(p) != 0)
                    .unwrap_or(2)
            };
            return RankResult {
                field: Field::Q,
                lower: r,
                upper: r,
                upper_certified: true,
                method: "bareiss-i128".into(),
                certificate: RankCertificate {
                    field: "Q".into(),
                    pivot_rows: map_rows(&pr),
                    pivot_cols: map_cols(&pc),
                    witness_modulus: witness,
                    minor_abs: Some(minor.to_string()),
                    upper: if r == full_dim {
                        UpperCertificate::FullRank
                    } else {
                        UpperCertificate::ExactElimination
                    },
                },
            };
        }
    }
    // multimodular
    let mut best = rank_mod_p(&vals, n, cols, modulus(0));
    let mut best_p = modulus(0);
    let mut used = vec![modulus(0)];
    let upper = loop {
        let r = best.rank;
        if r == full_dim {
            break UpperCertificate::FullRank;
        }
        let hb = hadamard_bits(&vals, n, cols, r + 1);
        let need = (hb / u64::from(PRIME_BITS) + 1) as usize;
        let per_prime = (n as u64) * (cols as u64) * (r.max(1) as u64);
        let extra = need.saturating_sub(used.len()) as u64;
        if extra.saturating_mul(per_prime) > opts.max_work {
            let failing = hb / u64::from(PRIME_BITS);
            let mut num = failing;
            let mut den = PRIMES_IN_RANGE;
            for _ in 1..used.len() {
                num = num.saturating_mul(failing);
                den = den.saturating_mul(PRIMES_IN_RANGE);
            }
            break UpperCertificate::NotCertified {
                primes: used.clone(),
                hadamard_bits: hb,
                error_bound: format!(
                    "rank over Q exceeds {r} only if each of the {k} prime(s) used divides every ({r1} x {r1}) minor; \
                     a nonzero such minor has at most {failing} prime factors >= 2^20, so for primes drawn \
                     uniformly from the {PRIMES_IN_RANGE} primes in [2^20, 2^21) the error probability would be at most \
                     {num}/{den}; the primes used are fixed in advance (the largest below 2^21), not drawn at random, \
                     so this is a heuristic bound, not a proof; certifying would need {need} primes",
                    k = used.len(),
                    r1 = r + 1
                ),
            };
        }
        if used.len() >= need {
            break UpperCertificate::PrimeProduct {
                primes: used.clone(),
                hadamard_bits: hb,
            };
        }
        let p = modulus(used.len());
        used.push(p);
        let res = rank_mod_p(&vals, n, cols, p);
        if res.rank > best.rank {
            best = res;
            best_p = p;
        }
    };
    let certified = !matches!(upper, UpperCertificate::NotCertified { .. });
    RankResult {
        field: Field::Q,
        lower: best.rank,
        upper: best.rank,
        upper_certified: certified,
        method: "multimodular".into(),
        certificate: RankCertificate {
            field: "Q".into(),
            pivot_rows: map_rows(&best.pivot_rows),
            pivot_cols: map_cols(&best.pivot_cols),
            witness_modulus: best_p,
            minor_abs: None,
            upper,
        },
    }
}

/// Why a rank certificate is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RankViolation {
    /// An index is out of range or repeated.
    #[error("bad witness index: {0}")]
    BadIndex(String),
    /// The witness minor is singular modulo the witness prime.
    #[error(
        "the {size} x {size} witness minor is singular modulo {modulus} (its rank there is {rank})"
    )]
    SingularMinor {
        /// Size of the minor.
        size: usize,
        /// The witness modulus.
        modulus: u64,
        /// Rank of the minor modulo the witness.
        rank: usize,
    },
    /// The upper bound does not hold.
    #[error("upper bound fails: {0}")]
    Upper(String),
}

/// Re-verifies a rank result independently: the witness minor has full rank
/// modulo the witness prime (so the rank over the field is at least `lower`),
/// and the upper-bound certificate holds (recomputing ranks with plain
/// elimination, or modulo each listed prime plus the Hadamard comparison).
pub fn verify_rank(m: &CommMatrix, res: &RankResult) -> std::result::Result<(), RankViolation> {
    let c = &res.certificate;
    if c.pivot_rows.len() != res.lower || c.pivot_cols.len() != res.lower {
        return Err(RankViolation::BadIndex(format!(
            "{} rows and {} columns for a claimed rank of {}",
            c.pivot_rows.len(),
            c.pivot_cols.len(),
            res.lower
        )));
    }
    let mut sr = c.pivot_rows.clone();
    sr.sort_unstable();
    sr.dedup();
    let mut sc = c.pivot_cols.clone();
    sc.sort_unstable();
    sc.dedup();
    if sr.len() != res.lower || sc.len() != res.lower {
        return Err(RankViolation::BadIndex("repeated row or column".into()));
    }
    if sr.last().is_some_and(|&r| r >= m.rows()) || sc.last().is_some_and(|&j| j >= m.cols()) {
        return Err(RankViolation::BadIndex("index out of range".into()));
    }
    let k = res.lower;
    let p = c.witness_modulus;
    let sub: Vec<u32> = c
        .pivot_rows
        .iter()
        .flat_map(|&i| c.pivot_cols.iter().map(move |&j| (i, j)))
        .map(|(i, j)| u32::from(m.get(i, j)))
        .collect();
    if k > 0 {
        let rk = if p == 2 {
            rank_gf2_plain(&BitMatrix::from_fn(k, k, |i, j| sub[i * k + j] % 2 == 1))
        } else {
            rank_mod_p_simple(&sub, k, k, p).rank
        };
        if rk != k {
            return Err(RankViolation::SingularMinor {
                size: k,
                modulus: p,
                rank: rk,
            });
        }
    }
    match (&res.field, &c.upper) {
        (_, UpperCertificate::FullRank) => {
            let dims = m.reduce();
            if res.upper < dims.matrix.rows().min(dims.matrix.cols()) {
                return Err(RankViolation::Upper("not full rank".into()));
            }
        }
        (Field::Gf2, _) => {
            let bits = m.planes()[0].clone();
            let rk = rank_gf2_plain(&bits);
            if rk > res.upper {
                return Err(RankViolation::Upper(format!(
                    "plain elimination gives {rk}"
                )));
            }
        }
        (Field::Gfp(q), _) => {
            let vals = values_u32(m);
            let rk = rank_mod_p_simple(&vals, m.rows(), m.cols(), *q).rank;
            if rk > res.upper {
                return Err(RankViolation::Upper(format!(
                    "plain elimination gives {rk}"
                )));
            }
        }
        (Field::Q, UpperCertificate::ExactElimination) => {
            let iv: Vec<i64> = values_u32(m).iter().map(|&v| i64::from(v)).collect();
            match bareiss_rank(&iv, m.rows(), m.cols()) {
                Some((rk, ..)) if rk <= res.upper => {}
                Some((rk, ..)) => return Err(RankViolation::Upper(format!("Bareiss gives {rk}"))),
                None => {
                    return Err(RankViolation::Upper(
                        "Bareiss overflow while re-checking".into(),
                    ));
                }
            }
        }
        (Field::Q, UpperCertificate::PrimeProduct { primes, .. }) => {
            let red = m.reduce();
            let vals = values_u32(&red.matrix);
            let (n, cols) = (red.matrix.rows(), red.matrix.cols());
            let hb = hadamard_bits(&vals, n, cols, res.upper + 1);
            let mut distinct = primes.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() != primes.len() || primes.iter().any(|&q| !is_prime(q) || q < 1 << 20)
            {
                return Err(RankViolation::Upper(
                    "primes must be distinct primes >= 2^20".into(),
                ));
            }
            if (primes.len() as u64) * u64::from(PRIME_BITS) <= hb {
                return Err(RankViolation::Upper(format!(
                    "{} primes give {} bits, Hadamard bound needs more than {hb}",
                    primes.len(),
                    primes.len() as u64 * u64::from(PRIME_BITS)
                )));
            }
            for &q in primes {
                let rk = rank_mod_p_simple(&vals, n, cols, q).rank;
                if rk > res.upper {
                    return Err(RankViolation::Upper(format!("rank mod {q} is {rk}")));
                }
            }
        }
        (Field::Q, UpperCertificate::NotCertified { .. }) => {
            if res.upper_certified {
                return Err(RankViolation::Upper(
                    "claimed certified without a certificate".into(),
                ));
            }
        }
    }
    Ok(())
}

/// Numerical rank and singular values (nalgebra SVD, `f64`): a **labelled
/// floating-point cross-check only**, never used for a bound.
///
/// `rank = #{ sigma_i > tol }` with `tol = max(n, m) * sigma_max * f64::EPSILON`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericalRank {
    /// Number of singular values above the tolerance.
    pub rank: usize,
    /// Singular values, descending.
    pub singular_values: Vec<f64>,
    /// The tolerance used.
    pub tolerance: f64,
}

/// Computes [`NumericalRank`]; matrices larger than 512 x 512 are rejected.
pub fn numerical_rank(m: &CommMatrix) -> Result<NumericalRank> {
    if m.rows() > 512 || m.cols() > 512 {
        return Err(TheoryError::InvalidParameter {
            parameter: "matrix".into(),
            message: "the floating-point cross-check is limited to 512 x 512".into(),
        });
    }
    let mut sv = singular_values(m.rows(), m.cols(), |i, j| f64::from(m.get(i, j)))?;
    sv.sort_by(|x, y| y.total_cmp(x));
    let smax = sv.first().copied().unwrap_or(0.0);
    let tol = (m.rows().max(m.cols()) as f64) * smax * f64::EPSILON;
    let rank = sv.iter().filter(|&&s| s > tol).count();
    Ok(NumericalRank {
        rank,
        singular_values: sv,
        tolerance: tol,
    })
}

/// Singular values of the `rows x cols` matrix `f` (nalgebra's SVD), in no set order.
#[cfg(feature = "nalgebra")]
pub(crate) fn singular_values(
    rows: usize,
    cols: usize,
    f: impl Fn(usize, usize) -> f64,
) -> Result<Vec<f64>> {
    let a = nalgebra::DMatrix::from_fn(rows, cols, f);
    Ok(a.singular_values().iter().copied().collect())
}

/// Without the `nalgebra` feature there is no SVD: an error naming the feature.
#[cfg(not(feature = "nalgebra"))]
pub(crate) fn singular_values(
    _rows: usize,
    _cols: usize,
    _f: impl Fn(usize, usize) -> f64,
) -> Result<Vec<f64>> {
    Err(TheoryError::InvalidParameter {
        parameter: "feature".into(),
        message: "this floating-point cross-check needs cc-theory's `nalgebra` feature (on by \
                  default)"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn primes() {
        assert_eq!(modulus(0), 2097143);
        assert!(is_prime(modulus(5)));
        assert!(modulus(5) < modulus(4));
        assert_eq!(primes_desc(3), vec![modulus(0), modulus(1), modulus(2)]);
        assert!(!is_prime(1) && is_prime(2) && !is_prime(9));
    }

    #[test]
    fn blocked_agrees_with_simple() {
        let mut seed = 11u64;
        for _ in 0..40 {
            let n = 1 + (lcg(&mut seed) % 90) as usize;
            let m = 1 + (lcg(&mut seed) % 90) as usize;
            let mut vals: Vec<u32> = (0..n * m).map(|_| (lcg(&mut seed) % 3) as u32).collect();
            for i in (2..n).step_by(4) {
                for j in 0..m {
                    vals[i * m + j] = vals[(i - 1) * m + j] + vals[(i - 2) * m + j];
                }
            }
            for p in [modulus(0), 3, 101] {
                let a = rank_mod_small_p(&vals, n, m, p);
                let b = rank_mod_p_simple(&vals, n, m, p);
                assert_eq!(a.rank, b.rank);
                let k = a.rank;
                let vr = &vals;
                let sub: Vec<u32> = a
                    .pivot_rows
                    .iter()
                    .flat_map(|&i| a.pivot_cols.iter().map(move |&j| vr[i * m + j]))
                    .collect();
                assert_eq!(rank_mod_p_simple(&sub, k, k, p).rank, k);
            }
        }
    }

    #[test]
    fn bareiss_and_multimodular_agree() {
        let mut seed = 5u64;
        for _ in 0..30 {
            let n = 1 + (lcg(&mut seed) % 40) as usize;
            let m = 1 + (lcg(&mut seed) % 40) as usize;
            let mut vals: Vec<u32> = (0..n * m).map(|_| (lcg(&mut seed) % 2) as u32).collect();
            for i in (3..n).step_by(3) {
                for j in 0..m {
                    vals[i * m + j] = vals[(i - 1) * m + j] * vals[(i - 3) * m + j];
                }
            }
            let iv: Vec<i64> = vals.iter().map(|&v| i64::from(v)).collect();
            let (r, ..) = bareiss_rank(&iv, n, m).unwrap();
            let mm = rank_mod_p(&vals, n, m, modulus(0)).rank;
            assert_eq!(r, mm);
        }
    }

    #[test]
    fn closed_forms_and_verification() {
        for n in 1..=5u32 {
            let ip = named_matrix("ip", n, None).unwrap();
            let rq = rank_q(&ip, &RankOptions::default());
            assert_eq!((rq.lower, rq.upper), ((1 << n) - 1, (1 << n) - 1));
            verify_rank(&ip, &rq).unwrap();
            let r2 = rank_gf2_of(&ip);
            assert_eq!(r2.lower, n as usize);
            verify_rank(&ip, &r2).unwrap();
            let eq = named_matrix("eq", n, None).unwrap();
            assert_eq!(rank_q(&eq, &RankOptions::default()).lower, 1 << n);
            assert_eq!(rank_gf2_of(&eq).lower, 1 << n);
        }
    }

    #[test]
    fn multimodular_certifies_ip7() {
        let ip = named_matrix("ip", 7, None).unwrap();
        let rq = rank_q(&ip, &RankOptions::default());
        assert_eq!(rq.method, "multimodular");
        assert_eq!(rq.lower, 127);
        assert!(rq.upper_certified, "{:?}", rq.certificate.upper);
        verify_rank(&ip, &rq).unwrap();
        let stingy = rank_q(&ip, &RankOptions { max_work: 0 });
        assert!(!stingy.upper_certified);
        assert_eq!(stingy.lower, 127);
        assert!(verify_rank(&ip, &stingy).is_ok());
    }

    #[test]
    fn tampered_certificates_are_rejected() {
        let ip = named_matrix("ip", 3, None).unwrap();
        let mut rq = rank_q(&ip, &RankOptions::default());
        rq.certificate.pivot_rows[0] = rq.certificate.pivot_rows[1];
        assert!(matches!(
            verify_rank(&ip, &rq),
            Err(RankViolation::BadIndex(_))
        ));
        let mut rq = rank_q(&ip, &RankOptions::default());
        rq.lower = 6;
        rq.upper = 6;
        rq.certificate.pivot_rows.pop();
        rq.certificate.pivot_cols.pop();
        assert!(matches!(
            verify_rank(&ip, &rq),
            Err(RankViolation::Upper(_))
        ));
        let mut r2 = rank_gf2_of(&ip);
        r2.certificate.pivot_rows[0] = 0; // the zero row
        assert!(verify_rank(&ip, &r2).is_err());
    }

    #[test]
    #[cfg(feature = "nalgebra")]
    fn numerical_cross_check() {
        let ip = named_matrix("ip", 4, None).unwrap();
        assert_eq!(numerical_rank(&ip).unwrap().rank, 15);
    }

    #[test]
    fn gfp() {
        let ip = named_matrix("ip", 3, None).unwrap();
        assert_eq!(rank_gfp(&ip, 3).unwrap().lower, 7);
        assert_eq!(rank_gfp(&ip, 2).unwrap().lower, 3);
        assert!(rank_gfp(&ip, 4).is_err());
        let r = rank_gfp(&ip, 4294967291).unwrap();
        verify_rank(&ip, &r).unwrap();
    }
}
