//! Data for the reference report: the table of standard functions and the
//! smallest matrices where the fooling-set method beats the rank method.

use serde::{Deserialize, Serialize};

use crate::analyze::{AnalysisOptions, BoundsReport, analyze};
use crate::error::Result;
use crate::fooling::{max_fooling_set, verify_fooling_set};
use crate::matrix::CommMatrix;
use crate::named::NamedFunction;
use crate::rank::{RankOptions, RankResult, rank_gf2_of, rank_q, verify_rank};

/// The functions of the standard table, in order.
pub const STANDARD_FUNCTIONS: [NamedFunction; 9] = [
    NamedFunction::Eq,
    NamedFunction::Neq,
    NamedFunction::Gt,
    NamedFunction::Ge,
    NamedFunction::Disj,
    NamedFunction::Int,
    NamedFunction::Ip,
    NamedFunction::Maj,
    NamedFunction::HamEq,
];

/// One row of the standard table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardRow {
    /// Function name (`eq`, `ip`, ...).
    pub function: String,
    /// Input bits `n`.
    pub n: u32,
    /// The full certified report (every certificate re-verified).
    pub report: BoundsReport,
    /// The best lower bound on `D(f)` (answer bit counted).
    pub best_lower_bound: u64,
    /// Names of the bounds attaining it.
    pub best_bounds: Vec<String>,
}

/// Computes the table of EQ, NEQ, GT, GE, DISJ, INT, IP, MAJ, HAMEQ for
/// `n = 1..=max_n` with all measures; every certificate is re-verified
/// (an error is returned if one fails, which would be a bug).
pub fn standard_table(max_n: u32) -> Result<Vec<StandardRow>> {
    let mut out = Vec::new();
    for f in STANDARD_FUNCTIONS {
        for n in 1..=max_n {
            let m = f.matrix(n, None)?;
            let report = analyze(&m, &AnalysisOptions::default())?;
            if let Err(e) = crate::analyze::verify_report(&m, &report) {
                return Err(crate::error::TheoryError::InvalidParameter {
                    parameter: "internal".into(),
                    message: format!("certificate check failed for {f}_{n}: {e}"),
                });
            }
            let best = report.bounds.iter().map(|b| b.value).max().unwrap_or(0);
            let best_bounds = report
                .bounds
                .iter()
                .filter(|b| b.value == best)
                .map(|b| b.name.clone())
                .collect();
            out.push(StandardRow {
                function: f.name().into(),
                n,
                report,
                best_lower_bound: best,
                best_bounds,
            });
        }
    }
    Ok(out)
}

/// A matrix whose largest 1-fooling set exceeds its rank over a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoolingBeatsRank {
    /// `"GF(2)"` or `"Q"`.
    pub field: String,
    /// The matrix rows.
    pub matrix: Vec<Vec<u8>>,
    /// Its rank over the field (certified, exact).
    pub rank: usize,
    /// A largest 1-fooling set.
    pub fooling_set: Vec<(usize, usize)>,
    /// Rank certificate.
    pub rank_certificate: RankResult,
    /// Number of matrices of this size examined.
    pub examined: u64,
}

/// Finds, for GF(2) and for Q, the first Boolean matrix (by increasing
/// number of cells, then rows, then the bit pattern read row-major with
/// cell (0,0) as the least significant bit) whose largest 1-fooling set is
/// larger than its rank over that field. Sizes up to `max_cells` cells
/// (with at most 4 x 4 = 16 cells the search is exhaustive and fast).
pub fn fooling_beats_rank(max_cells: usize) -> Vec<FoolingBeatsRank> {
    let mut out = Vec::new();
    for field in ["GF(2)", "Q"] {
        'sizes: for cells in 1..=max_cells.min(20) {
            for rows in 1..=cells {
                if cells % rows != 0 {
                    continue;
                }
                let cols = cells / rows;
                if rows > cols {
                    continue;
                }
                for bits in 0u64..(1u64 << cells) {
                    let examined = bits + 1;
                    let Ok(m) = CommMatrix::from_bool_fn(rows, cols, |i, j| {
                        (bits >> (i * cols + j)) & 1 == 1
                    }) else {
                        continue;
                    };
                    let r = if field == "Q" {
                        rank_q(&m, &RankOptions::default())
                    } else {
                        rank_gf2_of(&m)
                    };
                    if r.upper >= rows.min(cols) {
                        continue;
                    }
                    let f = max_fooling_set(&m, 1, u64::MAX, &[]);
                    if f.lower > r.upper && f.lower == f.upper {
                        debug_assert!(verify_fooling_set(&m, &f.set, 1).is_ok());
                        debug_assert!(verify_rank(&m, &r).is_ok());
                        out.push(FoolingBeatsRank {
                            field: field.into(),
                            matrix: m.to_rows(),
                            rank: r.upper,
                            fooling_set: f.set,
                            rank_certificate: r,
                            examined,
                        });
                        break 'sizes;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_examples() {
        let found = fooling_beats_rank(16);
        let gf2 = found
            .iter()
            .find(|f| f.field == "GF(2)")
            .expect("a GF(2) example within 4x4");
        assert_eq!(
            gf2.matrix.len() * gf2.matrix[0].len(),
            9,
            "3x3 is the smallest: {:?}",
            gf2.matrix
        );
        for f in &found {
            let m = CommMatrix::from_rows(&f.matrix).unwrap();
            verify_fooling_set(&m, &f.fooling_set, 1).unwrap();
            verify_rank(&m, &f.rank_certificate).unwrap();
            assert!(f.fooling_set.len() > f.rank);
        }
    }

    #[test]
    fn table_small() {
        let t = standard_table(2).unwrap();
        assert_eq!(t.len(), 18);
        let eq2 = t.iter().find(|r| r.function == "eq" && r.n == 2).unwrap();
        assert_eq!(eq2.best_lower_bound, 3);
    }
}
