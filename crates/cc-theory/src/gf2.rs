//! Rank over GF(2) of bit-packed matrices.
//!
//! The algorithm is Gaussian elimination with the Method of Four Russians
//! (M4RI, Arlazarov–Dinic–Kronrod–Faradzev 1970; Albrecht–Bard–Hart 2010):
//! columns are processed in blocks of `k = 8`; within a block up to `k`
//! pivot rows are found and reduced among themselves, a table of all `2^p`
//! combinations of the `p` pivot rows is built (Gray-code order, one row XOR
//! per entry), and every remaining row is cleared on the block with a single
//! table lookup and one row XOR. Cost `O(n m^2 / (64 k))` word operations.

use crate::matrix::BitMatrix;

/// Rank over GF(2) with a witness: `pivot_rows x pivot_cols` (original
/// indices) is a nonsingular `rank x rank` submatrix over GF(2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gf2Rank {
    /// The rank.
    pub rank: usize,
    /// Original indices of linearly independent rows, in pivot order.
    pub pivot_rows: Vec<usize>,
    /// The pivot columns (ascending).
    pub pivot_cols: Vec<usize>,
}

/// XORs `src` row into `dst` row from word `from` on.
#[inline]
fn xor_rows(a: &mut [u64], w: usize, dst: usize, src: usize, from: usize) {
    if dst == src {
        return;
    }
    if dst < src {
        let (lo, hi) = a.split_at_mut(src * w);
        let d = &mut lo[dst * w + from..dst * w + w];
        let s = &hi[from..w];
        for (x, y) in d.iter_mut().zip(s) {
            *x ^= *y;
        }
    } else {
        let (lo, hi) = a.split_at_mut(dst * w);
        let s = &lo[src * w + from..src * w + w];
        let d = &mut hi[from..w];
        for (x, y) in d.iter_mut().zip(s) {
            *x ^= *y;
        }
    }
}

#[inline]
fn swap_rows(a: &mut [u64], w: usize, i: usize, j: usize) {
    if i == j {
        return;
    }
    let (lo, hi) = (i.min(j), i.max(j));
    let (x, y) = a.split_at_mut(hi * w);
    x[lo * w..lo * w + w].swap_with_slice(&mut y[..w]);
}

/// Rank over GF(2) with a nonsingular-minor witness (M4RI elimination).
///
/// `rank_GF(2)(M)` is the largest `r` such that some `r x r` submatrix has
/// determinant 1 mod 2; the returned pivot rows/columns are such a submatrix.
pub fn rank_gf2(m: &BitMatrix) -> Gf2Rank {
    const K: usize = 8;
    let n = m.rows();
    let cols = m.cols();
    let w = m.words_per_row();
    let mut a = m.words().to_vec();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut pivot_cols = Vec::new();
    let mut table = vec![0u64; (1 << K) * w];
    let mut lut = [0usize; 1 << K];
    let mut r = 0;
    let mut c = 0;
    while c < cols && r < n {
        let kk = K.min(cols - c);
        let word = c / 64;
        let shift = c % 64;
        let mut block_pivots: Vec<usize> = Vec::with_capacity(kk);
        for j in c..c + kk {
            let start = r + block_pivots.len();
            let mut found = None;
            for i in start..n {
                for (pi, &pc) in block_pivots.iter().enumerate() {
                    if (a[i * w + pc / 64] >> (pc % 64)) & 1 == 1 {
                        xor_rows(&mut a, w, i, r + pi, word);
                    }
                }
                if (a[i * w + j / 64] >> (j % 64)) & 1 == 1 {
                    found = Some(i);
                    break;
                }
            }
            if let Some(i) = found {
                swap_rows(&mut a, w, i, start);
                perm.swap(i, start);
                for pi in 0..block_pivots.len() {
                    if (a[(r + pi) * w + j / 64] >> (j % 64)) & 1 == 1 {
                        xor_rows(&mut a, w, r + pi, start, word);
                    }
                }
                block_pivots.push(j);
            }
        }
        let p = block_pivots.len();
        if p > 0 {
            let span = w - word;
            table[..span].fill(0);
            for idx in 1..(1usize << p) {
                let low = idx.trailing_zeros() as usize;
                let prev = idx & (idx - 1);
                let src = (r + low) * w + word;
                for t in 0..span {
                    table[idx * span + t] = table[prev * span + t] ^ a[src + t];
                }
            }
            for (v, slot) in lut.iter_mut().enumerate().take(1 << kk) {
                let mut idx = 0;
                for (pi, &pc) in block_pivots.iter().enumerate() {
                    if (v >> (pc - c)) & 1 == 1 {
                        idx |= 1 << pi;
                    }
                }
                *slot = idx;
            }
            let bmask = (1u64 << kk) - 1;
            for i in r + p..n {
                let v = ((a[i * w + word] >> shift) & bmask) as usize;
                let idx = lut[v];
                if idx != 0 {
                    let row = &mut a[i * w + word..(i + 1) * w];
                    let t = &table[idx * span..(idx + 1) * span];
                    for (x, y) in row.iter_mut().zip(t) {
                        *x ^= *y;
                    }
                }
            }
        }
        pivot_cols.extend_from_slice(&block_pivots);
        r += p;
        c += kk;
    }
    Gf2Rank {
        rank: r,
        pivot_rows: perm[..r].to_vec(),
        pivot_cols,
    }
}

/// Plain (textbook) Gaussian elimination over GF(2); used by checkers and
/// as an independent cross-check of [`rank_gf2`].
pub fn rank_gf2_plain(m: &BitMatrix) -> usize {
    let n = m.rows();
    let w = m.words_per_row();
    let mut a = m.words().to_vec();
    let mut r = 0;
    for c in 0..m.cols() {
        if r == n {
            break;
        }
        let Some(i) = (r..n).find(|&i| (a[i * w + c / 64] >> (c % 64)) & 1 == 1) else {
            continue;
        };
        swap_rows(&mut a, w, i, r);
        for k in r + 1..n {
            if (a[k * w + c / 64] >> (c % 64)) & 1 == 1 {
                xor_rows(&mut a, w, k, r, c / 64);
            }
        }
        r += 1;
    }
    r
}

/// Rank over GF(2) of a small matrix given as row masks (`cols <= 64`).
pub fn rank_gf2_masks(rows: &[u64]) -> usize {
    let mut basis = [0u64; 64];
    let mut r = 0;
    for &row in rows {
        let mut v = row;
        while v != 0 {
            let b = 63 - v.leading_zeros() as usize;
            if basis[b] == 0 {
                basis[b] = v;
                r += 1;
                break;
            }
            v ^= basis[b];
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn m4ri_agrees_with_plain_and_witness_is_nonsingular() {
        let mut seed = 7u64;
        for trial in 0..60 {
            let n = 1 + (lcg(&mut seed) % 150) as usize;
            let m = 1 + (lcg(&mut seed) % 150) as usize;
            let density = lcg(&mut seed) % 4;
            let mut b = BitMatrix::from_fn(n, m, |_, _| lcg(&mut seed) % 4 <= density);
            // make some rows dependent
            if trial % 2 == 0 && n > 3 {
                for i in (2..n).step_by(3) {
                    let (r0, r1): (Vec<u64>, Vec<u64>) =
                        (b.row(i - 2).to_vec(), b.row(i - 1).to_vec());
                    for (k, x) in b.row_mut(i).iter_mut().enumerate() {
                        *x = r0[k] ^ r1[k];
                    }
                }
            }
            let res = rank_gf2(&b);
            assert_eq!(res.rank, rank_gf2_plain(&b), "trial {trial} {n}x{m}");
            let sub = BitMatrix::from_fn(res.rank, res.rank, |i, j| {
                b.get(res.pivot_rows[i], res.pivot_cols[j])
            });
            assert_eq!(rank_gf2_plain(&sub), res.rank);
            if m <= 64 {
                let masks: Vec<u64> = (0..n).map(|i| b.row(i)[0]).collect();
                assert_eq!(rank_gf2_masks(&masks), res.rank);
            }
        }
    }

    #[test]
    fn identity_and_zero() {
        let id = BitMatrix::from_fn(300, 300, |i, j| i == j);
        assert_eq!(rank_gf2(&id).rank, 300);
        let z = BitMatrix::zeros(10, 10);
        assert_eq!(rank_gf2(&z).rank, 0);
    }
}
