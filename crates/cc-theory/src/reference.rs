//! Data for the reference report: the table of standard functions and the
//! smallest matrices where the fooling-set method beats the rank method.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::{AnalysisOptions, BoundsReport, Certificate, analyze};
use crate::error::Result;
use crate::fooling::{max_fooling_set, verify_fooling_set};
use crate::matrix::CommMatrix;
use crate::named::NamedFunction;
use crate::rank::{RankOptions, RankResult, rank_gf2_of, rank_q, verify_rank};

/// The functions of the standard table, in order.
pub(crate) const STANDARD_FUNCTIONS: [NamedFunction; 9] = [
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
///
/// Cost: `n <= 3` takes milliseconds; at `n = 4` the cover number `C^0(IP_4)`
/// dominates: with the default budget the solver refutes a cover with 14
/// rectangles (and writes its LRAT proof) in well under a second, and
/// `C^1(IP_4) = 15` follows from the area bound.
pub fn standard_table(max_n: u32, budget: &crate::analyze::Budget) -> Result<Vec<StandardRow>> {
    let mut out = Vec::new();
    for f in STANDARD_FUNCTIONS {
        for n in 1..=max_n {
            let m = f.matrix(n, None)?;
            let report = analyze(
                &m,
                &AnalysisOptions {
                    measures: None,
                    budget: *budget,
                },
            )?;
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
    /// Number of matrices the search examined before and including this one,
    /// over every smaller shape too (issue 13 item 7: this was the position
    /// within the last shape only).
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
        let mut examined = 0u64;
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
                    examined += 1;
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
        // every matrix of every earlier shape was examined first (1x1 .. 2x4 and 1x9, then 3x3 up to it)
        let smaller: u64 = [
            (1, 1),
            (1, 2),
            (1, 3),
            (2, 2),
            (1, 4),
            (1, 5),
            (1, 6),
            (2, 3),
            (1, 7),
            (1, 8),
            (2, 4),
            (1, 9),
        ]
        .iter()
        .map(|&(r, c): &(u32, u32)| 1u64 << (r * c))
        .sum();
        assert_eq!(gf2.examined, smaller + 239, "{gf2:?}");
        for f in &found {
            let m = CommMatrix::from_rows(&f.matrix).unwrap();
            verify_fooling_set(&m, &f.fooling_set, 1).unwrap();
            verify_rank(&m, &f.rank_certificate).unwrap();
            assert!(f.fooling_set.len() > f.rank);
        }
    }

    #[test]
    fn table_small() {
        let t = standard_table(2, &crate::analyze::Budget::default()).unwrap();
        assert_eq!(t.len(), 18);
        let eq2 = t.iter().find(|r| r.function == "eq" && r.n == 2).unwrap();
        assert_eq!(eq2.best_lower_bound, 3);
    }
}

/// A row of the extended table: `D(f)` and which lower bounds are tight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TightnessRow {
    /// Function name.
    pub function: String,
    /// Input bits.
    pub n: u32,
    /// Proven interval for `D(f)` (answer bit counted).
    pub deterministic: (u64, u64),
    /// Each derived lower bound with its value.
    pub bounds: Vec<(String, u64)>,
    /// The bounds equal to `D(f)` (when `D` is exact).
    pub tight: Vec<String>,
}

/// The extended table: for each row of [`standard_table`], `D(f)` and the
/// lower bounds that meet it.
pub fn tightness(table: &[StandardRow]) -> Vec<TightnessRow> {
    table
        .iter()
        .filter_map(|r| {
            let d = r.report.measures.get("deterministic")?;
            let bounds: Vec<(String, u64)> = r
                .report
                .bounds
                .iter()
                .map(|b| (b.name.clone(), b.value))
                .collect();
            let tight = if d.exact {
                bounds
                    .iter()
                    .filter(|(_, v)| *v == d.upper)
                    .map(|(n, _)| n.clone())
                    .collect()
            } else {
                Vec::new()
            };
            Some(TightnessRow {
                function: r.function.clone(),
                n: r.n,
                deterministic: (d.lower, d.upper),
                bounds,
                tight,
            })
        })
        .collect()
}

/// Census of small Boolean matrices: how often each lower bound equals `D(f)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Census {
    /// `rows x cols` of the matrices.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// `"exhaustive up to row/column permutation and complement"` or `"sample of N, seed S"`.
    pub scope: String,
    /// Number of matrices (classes) examined.
    pub count: u64,
    /// For each bound name, how many matrices have that bound equal to `D(f)`.
    pub tight: BTreeMap<String, u64>,
    /// Distribution of `D(f)`: value -> count.
    pub d_histogram: BTreeMap<u64, u64>,
    /// Matrices with `D(f) > ceil(log2 chi(f))`, with an optimal protocol tree (at most 3).
    pub d_exceeds_partition_bound: Vec<GapExample>,
}

/// A matrix where `D(f) > ceil(log2 chi(f))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapExample {
    /// The matrix.
    pub matrix: Vec<Vec<u8>>,
    /// `D(f)`.
    pub deterministic: u64,
    /// `chi(f)`.
    pub partition: u64,
    /// An optimal protocol tree in the text format.
    pub tree: String,
}

/// Canonical form under row permutation, column permutation and complement:
/// the minimum bit pattern. For a fixed column permutation the best row
/// order is the rows sorted so that the row at the highest position is smallest.
fn canonical(bits: u64, r: usize, c: usize) -> u64 {
    fn perms(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut out = Vec::new();
        for p in perms(n - 1) {
            for k in 0..n {
                let mut q = p.clone();
                q.insert(k, n - 1);
                out.push(q);
            }
        }
        out
    }
    let rmask = (1u64 << c) - 1;
    let full = (1u64 << (r * c)) - 1;
    let mut best = u64::MAX;
    for pc in perms(c) {
        for comp in [false, true] {
            let b = if comp { !bits & full } else { bits };
            let mut rows: Vec<u64> = (0..r)
                .map(|i| {
                    let row = (b >> (i * c)) & rmask;
                    (0..c).fold(0u64, |acc, j| acc | (((row >> pc[j]) & 1) << j))
                })
                .collect();
            rows.sort_unstable_by(|x, y| y.cmp(x));
            let v = rows
                .iter()
                .enumerate()
                .fold(0u64, |acc, (i, &row)| acc | (row << (i * c)));
            best = best.min(v);
        }
    }
    best
}

fn census_one(m: &CommMatrix, c: &mut Census) -> Result<()> {
    let opts = AnalysisOptions::default();
    let rep = analyze(m, &opts)?;
    let Some(d) = rep.measures.get("deterministic") else {
        return Ok(());
    };
    c.count += 1;
    *c.d_histogram.entry(d.upper).or_default() += 1;
    for b in &rep.bounds {
        if d.exact && b.value == d.upper {
            *c.tight.entry(b.name.clone()).or_default() += 1;
        }
    }
    if let (Some(p), Certificate::ProtocolTree { tree }) =
        (rep.measures.get("partition"), &d.certificate)
        && p.exact
        && d.exact
        && d.upper > crate::analyze::ceil_log2(p.upper)
        && c.d_exceeds_partition_bound.len() < 3
    {
        c.d_exceeds_partition_bound.push(GapExample {
            matrix: m.to_rows(),
            deterministic: d.upper,
            partition: p.upper,
            tree: tree.to_text(),
        });
    }
    Ok(())
}

/// Exhaustive census of all `rows x cols` Boolean matrices (`rows * cols <= 16`)
/// up to row/column permutation and complement.
pub fn census_exhaustive(rows: usize, cols: usize) -> Result<Census> {
    if rows * cols > 16 || rows == 0 || cols == 0 {
        return Err(crate::error::TheoryError::InvalidParameter {
            parameter: "size".into(),
            message: "the exhaustive census handles at most 16 cells".into(),
        });
    }
    let mut c = Census {
        rows,
        cols,
        scope: "exhaustive up to row/column permutation and complement".into(),
        count: 0,
        tight: BTreeMap::new(),
        d_histogram: BTreeMap::new(),
        d_exceeds_partition_bound: Vec::new(),
    };
    let mut seen = std::collections::BTreeSet::new();
    for bits in 0u64..(1u64 << (rows * cols)) {
        let k = canonical(bits, rows, cols);
        if !seen.insert(k) {
            continue;
        }
        let m = CommMatrix::from_bool_fn(rows, cols, |i, j| (k >> (i * cols + j)) & 1 == 1)?;
        census_one(&m, &mut c)?;
    }
    Ok(c)
}

/// Census of `samples` uniformly random `n x n` Boolean matrices drawn with a
/// fixed-seed SplitMix64 generator (deterministic).
pub fn census_sample(n: usize, samples: u64, seed: u64) -> Result<Census> {
    let mut c = Census {
        rows: n,
        cols: n,
        scope: format!("sample of {samples}, SplitMix64 seed {seed}"),
        count: 0,
        tight: BTreeMap::new(),
        d_histogram: BTreeMap::new(),
        d_exceeds_partition_bound: Vec::new(),
    };
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for _ in 0..samples {
        let bits = next();
        let m = CommMatrix::from_bool_fn(n, n, |i, j| (bits >> ((i * n + j) % 64)) & 1 == 1)?;
        census_one(&m, &mut c)?;
    }
    Ok(c)
}

#[cfg(test)]
mod census_tests {
    use super::*;

    #[test]
    fn census_small() {
        let c = census_exhaustive(2, 2).unwrap();
        // 2x2 classes up to row/column permutation and complement:
        // 00/00, 00/01, 00/11 (a full row), 01/01 (a full column), 01/10
        assert_eq!(c.count, 5);
        assert_eq!(c.d_histogram.values().sum::<u64>(), 5);
        let s = census_sample(5, 5, 1).unwrap();
        assert_eq!(s.count, 5);
        assert_eq!(census_sample(5, 5, 1).unwrap(), s, "deterministic");
    }

    #[test]
    fn tightness_rows() {
        let t = standard_table(2, &crate::analyze::Budget::default()).unwrap();
        let rows = tightness(&t);
        assert_eq!(rows.len(), t.len());
        assert!(rows.iter().all(|r| r.deterministic.0 == r.deterministic.1));
    }

    #[test]
    fn canonical_is_invariant() {
        let a = canonical(0b0110_1001_0000_1111, 4, 4);
        // swap rows 0 and 3
        let m = 0b0110_1001_0000_1111u64;
        let r = |i: u64| (m >> (i * 4)) & 0xf;
        let swapped = r(3) | (r(1) << 4) | (r(2) << 8) | (r(0) << 12);
        assert_eq!(canonical(swapped, 4, 4), a);
        assert_eq!(canonical(!m & 0xffff, 4, 4), a);
    }
}
