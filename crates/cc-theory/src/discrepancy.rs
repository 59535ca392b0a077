//! Discrepancy under the uniform distribution, exact by enumeration.
//!
//! For a Boolean `f` on `X x Y` with sign matrix `A = (-1)^(1 - f)` (so
//! `A = +1` on 1-cells, `-1` on 0-cells) and the uniform distribution,
//! `disc(f) = max_{S, T} |sum_{x in S, y in T} A(x, y)| / (|X| |Y|)`
//! (Kushilevitz–Nisan §3.5). For a fixed row set `S` the best `T` takes all
//! columns with positive column sum over `S` (or all with negative sum), so
//! enumerating the `2^k` subsets of the `k` distinct rows (weighted by
//! multiplicity; duplicates of a row are all in or all out of some optimal
//! `S`) in Gray-code order, updating the column sums, gives the exact value.
//! The randomized bound is `R_eps(f) >= log2((1 - 2 eps) / disc(f))`
//! (Chor–Goldreich 1988; KN Prop. 3.28).

use serde::{Deserialize, Serialize};

use crate::error::{Result, TheoryError};
use crate::matrix::CommMatrix;

/// Largest number of distinct rows (on the smaller side) for exact enumeration.
pub const MAX_DISC_SIDE: usize = 24;

/// An exact rational `num / den` in lowest terms, with a float for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rational {
    /// Numerator.
    pub num: u64,
    /// Denominator (> 0).
    pub den: u64,
    /// `num / den` as a float (display only).
    pub float: f64,
}

impl Eq for Rational {}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl Rational {
    /// `num / den` reduced to lowest terms.
    pub fn new(num: u64, den: u64) -> Rational {
        let g = gcd(num, den).max(1);
        Rational {
            num: num / g,
            den: den / g,
            float: num as f64 / den as f64,
        }
    }
}

/// Result of [`discrepancy_uniform`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscrepancyResult {
    /// The discrepancy `bias / (rows * cols)`.
    pub value: Rational,
    /// `|sum of A over the best rectangle|`.
    pub bias: u64,
    /// Rows of a rectangle attaining it (original indices).
    pub rows: Vec<usize>,
    /// Columns of that rectangle.
    pub cols: Vec<usize>,
    /// Exact lower bound on `R_{1/3}(f)`: the least integer `k` with
    /// `2^k >= (1/3) / disc`, i.e. `2^k * 3 * bias >= rows * cols` (0 if none needed).
    pub randomized_lower_bound: u32,
}

/// Checks that the rectangle `rows x cols` has `|sum A| = bias`.
pub fn rectangle_bias(m: &CommMatrix, rows: &[usize], cols: &[usize]) -> Option<u64> {
    let mut s: i64 = 0;
    for &i in rows {
        for &j in cols {
            s += if m.try_get(i, j)? == 1 { 1 } else { -1 };
        }
    }
    Some(s.unsigned_abs())
}

/// Exact uniform discrepancy of a Boolean matrix (see the module docs).
///
/// Errors: [`TheoryError::NotBoolean`]; [`TheoryError::TooLarge`] when both
/// sides have more than [`MAX_DISC_SIDE`] distinct rows/columns.
pub fn discrepancy_uniform(m: &CommMatrix) -> Result<DiscrepancyResult> {
    if !m.is_boolean() {
        return Err(TheoryError::NotBoolean {
            operation: "discrepancy".into(),
            max_value: m.max_value(),
        });
    }
    let red = m.reduce();
    let transpose = red.matrix.rows() > red.matrix.cols();
    let (mat, row_class, col_class) = if transpose {
        (red.matrix.transpose(), &red.col_class, &red.row_class)
    } else {
        (red.matrix.clone(), &red.row_class, &red.col_class)
    };
    let k = mat.rows();
    if k > MAX_DISC_SIDE {
        return Err(TheoryError::TooLarge {
            rows: m.rows(),
            cols: m.cols(),
            limit: format!(
                "exact discrepancy needs at most {MAX_DISC_SIDE} distinct rows or columns"
            ),
        });
    }
    let c = mat.cols();
    let mut row_w = vec![0i64; k];
    for &cl in row_class.iter() {
        row_w[cl] += 1;
    }
    let mut col_w = vec![0i64; c];
    for &cl in col_class.iter() {
        col_w[cl] += 1;
    }
    // a[i][j] = sign * column weight
    let a: Vec<Vec<i64>> =
        (0..k).map(|i| (0..c).map(|j| if mat.get(i, j) == 1 { col_w[j] } else { -col_w[j] } * row_w[i]).collect()).collect();
    let mut sums = vec![0i64; c];
    let mut best = 0i64;
    let mut best_set = 0u64;
    let mut best_sign = 1i64;
    let mut set = 0u64;
    for step in 1u64..(1u64 << k) {
        let bit = step.trailing_zeros() as usize;
        set ^= 1 << bit;
        let add = (set >> bit) & 1 == 1;
        for (s, &v) in sums.iter_mut().zip(&a[bit]) {
            if add {
                *s += v;
            } else {
                *s -= v;
            }
        }
        let pos: i64 = sums.iter().filter(|&&s| s > 0).sum();
        let neg: i64 = -sums.iter().filter(|&&s| s < 0).sum::<i64>();
        if pos > best {
            best = pos;
            best_set = set;
            best_sign = 1;
        }
        if neg > best {
            best = neg;
            best_set = set;
            best_sign = -1;
        }
    }
    // recompute the best column set for the best row set
    let mut col_sums = vec![0i64; c];
    for (i, row) in a.iter().enumerate() {
        if (best_set >> i) & 1 == 1 {
            for (s, &v) in col_sums.iter_mut().zip(row) {
                *s += v;
            }
        }
    }
    let sel_rows: Vec<usize> = (0..k).filter(|&i| (best_set >> i) & 1 == 1).collect();
    let sel_cols: Vec<usize> = (0..c).filter(|&j| col_sums[j] * best_sign > 0).collect();
    let orig = |classes: &Vec<usize>, sel: &[usize]| -> Vec<usize> {
        (0..classes.len())
            .filter(|&i| sel.contains(&classes[i]))
            .collect()
    };
    let (rows, cols) = if transpose {
        (orig(col_class, &sel_cols), orig(row_class, &sel_rows))
    } else {
        (orig(row_class, &sel_rows), orig(col_class, &sel_cols))
    };
    let bias = best.unsigned_abs();
    let total = (m.rows() * m.cols()) as u64;
    let mut kbits = 0u32;
    if bias > 0 {
        while (1u128 << kbits) * 3 * u128::from(bias) < u128::from(total) {
            kbits += 1;
        }
    }
    Ok(DiscrepancyResult {
        value: Rational::new(bias, total),
        bias,
        rows,
        cols,
        randomized_lower_bound: kbits,
    })
}

/// Largest matrix side for which [`discrepancy_spectral`] computes a singular value decomposition.
pub const SPECTRAL_MAX_SIDE: usize = 1024;

/// A spectral **upper** bound on the uniform discrepancy, with a certified rectangle
/// giving a lower bound — for matrices too large for exact enumeration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpectralBound {
    /// Largest singular value `‖A‖` of the ±1 sign matrix (floating point).
    pub norm: f64,
    /// Upper bound on the bias of any rectangle: `⌈‖A‖ · sqrt(rows · cols)⌉`
    /// (numerical: `‖A‖` comes from a floating-point SVD).
    pub bias_upper: u64,
    /// `bias_upper / (rows · cols)` as a float.
    pub disc_upper: f64,
    /// A rectangle with an exactly computed bias (a proven lower bound on the bias).
    pub rows: Vec<usize>,
    /// Columns of that rectangle.
    pub cols: Vec<usize>,
    /// Its bias `|sum of A|` (exact).
    pub bias_lower: u64,
    /// Lower bound on `R_{1/3}(f)` implied by `disc <= disc_upper`: the least `k` with
    /// `2^k * 3 * bias_upper >= rows * cols` (numerical, through `bias_upper`).
    pub randomized_lower_bound: u32,
}

/// Spectral bound on the uniform discrepancy of a Boolean matrix, labelled numerical.
///
/// With `A[x][y] = (-1)^(1 - f(x, y))` and `R = S × T`,
///
/// ```text
/// |1_S^T A 1_T| <= ‖A‖ · ‖1_S‖ · ‖1_T‖ <= ‖A‖ · sqrt(rows · cols)
/// disc_U(f) = max_R |1_S^T A 1_T| / (rows · cols) <= ‖A‖ / sqrt(rows · cols)
/// ```
///
/// (Kushilevitz–Nisan Ex. 3.29). `‖A‖` is computed by nalgebra's SVD in floating point, so
/// the upper bound is numerical (rounded up with a relative margin of 1e-9); the lower bound
/// is the exact bias of the best single row or column split by value.
///
/// ```
/// let m = cc_theory::named_matrix("ip", 3, None)?;
/// let s = cc_theory::discrepancy::discrepancy_spectral(&m)?;
/// assert!((s.norm - 8f64.sqrt()).abs() < 1e-9); // IP's sign matrix is a Hadamard matrix
/// assert!(s.bias_lower <= s.bias_upper);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Errors: [`TheoryError::NotBoolean`]; [`TheoryError::TooLarge`] beyond
/// [`SPECTRAL_MAX_SIDE`] rows or columns.
pub fn discrepancy_spectral(m: &CommMatrix) -> Result<SpectralBound> {
    if !m.is_boolean() {
        return Err(TheoryError::NotBoolean {
            operation: "the spectral discrepancy bound".into(),
            max_value: m.max_value(),
        });
    }
    let (r, c) = (m.rows(), m.cols());
    if r > SPECTRAL_MAX_SIDE || c > SPECTRAL_MAX_SIDE {
        return Err(TheoryError::TooLarge {
            rows: r,
            cols: c,
            limit: format!(
                "the spectral discrepancy bound is limited to {SPECTRAL_MAX_SIDE} rows and columns"
            ),
        });
    }
    let norm =
        crate::rank::singular_values(r, c, |i, j| if m.get(i, j) == 1 { 1.0 } else { -1.0 })?
            .into_iter()
            .fold(0.0f64, f64::max);
    let cells = (r as u64) * (c as u64);
    let raw = norm * ((r * c) as f64).sqrt() * (1.0 + 1e-9);
    let bias_upper = (raw.ceil() as u64).min(cells).max(1);
    // Best single row (or column), keeping the cells of its majority value.
    let mut best: (u64, Vec<usize>, Vec<usize>) = (0, Vec::new(), Vec::new());
    for i in 0..r {
        let ones: Vec<usize> = (0..c).filter(|&j| m.get(i, j) == 1).collect();
        let zeros: Vec<usize> = (0..c).filter(|&j| m.get(i, j) == 0).collect();
        let (b, cols) = if ones.len() >= zeros.len() {
            (ones.len(), ones)
        } else {
            (zeros.len(), zeros)
        };
        if b as u64 > best.0 {
            best = (b as u64, vec![i], cols);
        }
    }
    for j in 0..c {
        let ones: Vec<usize> = (0..r).filter(|&i| m.get(i, j) == 1).collect();
        let zeros: Vec<usize> = (0..r).filter(|&i| m.get(i, j) == 0).collect();
        let (b, rows) = if ones.len() >= zeros.len() {
            (ones.len(), ones)
        } else {
            (zeros.len(), zeros)
        };
        if b as u64 > best.0 {
            best = (b as u64, rows, vec![j]);
        }
    }
    let mut k = 0u32;
    while (1u64 << k).saturating_mul(3).saturating_mul(bias_upper) < cells && k < 63 {
        k += 1;
    }
    Ok(SpectralBound {
        norm,
        bias_upper,
        disc_upper: bias_upper as f64 / cells as f64,
        rows: best.1,
        cols: best.2,
        bias_lower: best.0,
        randomized_lower_bound: k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    fn brute(m: &CommMatrix) -> u64 {
        let (r, c) = (m.rows(), m.cols());
        let mut best = 0;
        for s in 1u32..(1 << r) {
            for t in 1u32..(1 << c) {
                let rows: Vec<usize> = (0..r).filter(|i| (s >> i) & 1 == 1).collect();
                let cols: Vec<usize> = (0..c).filter(|j| (t >> j) & 1 == 1).collect();
                best = best.max(rectangle_bias(m, &rows, &cols).unwrap());
            }
        }
        best
    }

    #[test]
    fn agrees_with_brute_force_and_certificate() {
        let mut seed = 5u64;
        for _ in 0..30 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bits = seed >> 10;
            let m = CommMatrix::from_bool_fn(4, 5, |i, j| (bits >> (i * 5 + j)) & 1 == 1).unwrap();
            let d = discrepancy_uniform(&m).unwrap();
            assert_eq!(d.bias, brute(&m));
            assert_eq!(rectangle_bias(&m, &d.rows, &d.cols), Some(d.bias));
        }
    }

    #[test]
    fn ip_and_eq() {
        let ip = named_matrix("ip", 3, None).unwrap();
        let d = discrepancy_uniform(&ip).unwrap();
        assert_eq!(rectangle_bias(&ip, &d.rows, &d.cols), Some(d.bias));
        assert!(
            d.value.float <= (8f64).sqrt() / 8.0 + 1e-12,
            "Lindsey: disc(IP_n) <= 2^(-n/2)"
        );
        let eq = named_matrix("eq", 2, None).unwrap();
        let d = discrepancy_uniform(&eq).unwrap();
        assert_eq!(d.bias, brute(&eq));
    }

    #[test]
    #[cfg(not(feature = "nalgebra"))]
    fn without_nalgebra_the_spectral_bound_names_the_feature() {
        let m = crate::named_matrix("ip", 3, None).unwrap();
        let e = discrepancy_spectral(&m).unwrap_err().to_string();
        assert!(e.contains("`nalgebra` feature"), "{e}");
    }

    #[test]
    #[cfg(feature = "nalgebra")]
    fn spectral_bound_brackets_the_exact_discrepancy() {
        for (name, bits) in [("ip", 3u32), ("eq", 3), ("gt", 4), ("disj", 3), ("ip", 4)] {
            let m = crate::named_matrix(name, bits, None).unwrap();
            let exact = discrepancy_uniform(&m).unwrap();
            let sb = discrepancy_spectral(&m).unwrap();
            assert!(
                sb.bias_lower <= exact.bias,
                "{name}{bits}: lower {} > exact {}",
                sb.bias_lower,
                exact.bias
            );
            assert!(
                exact.bias <= sb.bias_upper,
                "{name}{bits}: exact {} > upper {}",
                exact.bias,
                sb.bias_upper
            );
            assert_eq!(rectangle_bias(&m, &sb.rows, &sb.cols), Some(sb.bias_lower));
            assert!(sb.randomized_lower_bound <= exact.randomized_lower_bound);
        }
    }

    #[test]
    #[cfg(feature = "nalgebra")]
    fn analyze_falls_back_to_the_spectral_bound_beyond_the_enumeration_limit() {
        let m = crate::named_matrix("ip", 5, None).unwrap();
        let opts = crate::AnalysisOptions {
            measures: Some(vec![crate::Measure::DiscrepancyUniform]),
            ..Default::default()
        };
        let rep = crate::analyze(&m, &opts).unwrap();
        let d = &rep.measures["discrepancy_uniform"];
        assert!(!d.exact && !d.upper_certified);
        // IP_5's sign matrix is a 32 x 32 Hadamard matrix: ||A|| = sqrt(32), bias <= 32 * 32 / sqrt(32) * (1 + 1e-9).
        assert_eq!(d.upper, 182);
        crate::verify_report(&m, &rep).unwrap();
    }
}
