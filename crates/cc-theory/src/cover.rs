//! Cover numbers `C^b` and partition numbers `chi_b`, exact by SAT, and
//! checking of covers and partitions.
//!
//! * `C^b(f)`: fewest `b`-monochromatic rectangles whose union is the set of
//!   `b`-cells (for `b = 1` the Boolean rank of `M`); `N^b(f) = ceil(log2 C^b(f))`
//!   is the nondeterministic complexity (Kushilevitz–Nisan §2.1).
//! * `chi_b(f)`: fewest pairwise disjoint such rectangles; `chi = chi_0 + chi_1`
//!   and `D(f) >= ceil(log2 chi(f))` (KN §1.2, §2.2).
//!
//! For `k = lower, lower + 1, ...` the question "is there a cover
//! (partition) with `k` rectangles?" is encoded in CNF ([`crate::cover_sat`]:
//! covers by one variable per maximal rectangle, with a largest fooling set
//! fixing one rectangle per cell; partitions by row and column variables per
//! rectangle) and given to the `varisat` SAT solver (pure Rust), which writes
//! an LRAT proof of every "unsatisfiable". The lower bound starts at the
//! largest fooling set (and at `rk_Q(M_b)` and `rk_GF(2)(M_b)` for
//! partitions), the upper bound at the best of the row partition, the column
//! partition and a greedy cover by maximal rectangles. The first satisfiable
//! `k` gives the certificate; for `k - 1` the CNF and its LRAT refutation
//! ([`CoverResult::unsat`]) prove the lower bound, re-checked by
//! [`crate::cover_sat::verify_cover_lower_bound`] with an independent LRAT
//! checker ([`crate::lrat`]). A conflict budget per call (counted in LRAT
//! proof lines: learnt clauses and deletion batches) returns the proven
//! interval.

use serde::{Deserialize, Serialize};

use crate::cover_sat::{
    AreaBound, CoverQuery, MAX_MAXIMAL_RECTANGLES, Outcome, UnsatCertificate, area_bound,
    choose_encoding, encode, maximal_rectangles, solve,
};
use crate::error::{Result, TheoryError};
use crate::fooling::max_fooling_set;
use crate::matrix::CommMatrix;
use crate::rank::{RankOptions, rank_gf2_of, rank_q};

/// A rectangle `rows x cols` (original indices, ascending).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rectangle {
    /// Rows.
    pub rows: Vec<usize>,
    /// Columns.
    pub cols: Vec<usize>,
}

/// Cover or partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverKind {
    /// Rectangles may overlap.
    Cover,
    /// Rectangles are pairwise disjoint.
    Partition,
}

/// Result of [`cover_number`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverResult {
    /// The colour `b`.
    pub colour: u8,
    /// Cover or partition.
    pub kind: CoverKind,
    /// Proven lower bound.
    pub lower: usize,
    /// Upper bound: the number of rectangles in `rectangles`.
    pub upper: usize,
    /// A cover / partition with `upper` rectangles.
    pub rectangles: Vec<Rectangle>,
    /// What proves `lower` and why the search stopped.
    pub reason: String,
    /// When `lower` comes from the solver: the CNF "a cover with `lower - 1`
    /// rectangles" and its LRAT refutation
    /// ([`crate::cover_sat::verify_cover_lower_bound`] checks it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsat: Option<UnsatCertificate>,
    /// When the area bound gives `lower` (checked by
    /// [`crate::cover_sat::verify_area_bound`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaBound>,
}

/// Why a cover or partition is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CoverViolation {
    /// An index is outside the matrix.
    #[error("rectangle #{rectangle} uses {what} {index}, outside the matrix")]
    OutOfRange {
        /// Rectangle index.
        rectangle: usize,
        /// `row` or `column`.
        what: String,
        /// The index.
        index: usize,
    },
    /// A rectangle contains a cell of another colour.
    #[error(
        "rectangle #{rectangle} is not {colour}-monochromatic: cell ({row}, {col}) has value {value}"
    )]
    NotMonochromatic {
        /// Rectangle index.
        rectangle: usize,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
        /// Its value.
        value: u8,
        /// Required colour.
        colour: u8,
    },
    /// A cell of the colour is not covered.
    #[error("cell ({row}, {col}) has value {colour} but no rectangle covers it")]
    Uncovered {
        /// Row.
        row: usize,
        /// Column.
        col: usize,
        /// Colour.
        colour: u8,
    },
    /// Two rectangles of a partition overlap.
    #[error(
        "rectangles #{first} and #{second} both contain cell ({row}, {col}); a partition needs disjoint rectangles"
    )]
    Overlap {
        /// First rectangle.
        first: usize,
        /// Second rectangle.
        second: usize,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
    },
}

/// Checks that `rects` is a `colour`-monochromatic cover (or partition) of
/// the `colour`-cells of `m`; returns the first counterexample.
pub fn verify_cover(
    m: &CommMatrix,
    rects: &[Rectangle],
    colour: u8,
    kind: CoverKind,
) -> std::result::Result<(), CoverViolation> {
    let mut owner: Vec<Option<usize>> = vec![None; m.rows() * m.cols()];
    for (t, r) in rects.iter().enumerate() {
        if let Some(&i) = r.rows.iter().find(|&&i| i >= m.rows()) {
            return Err(CoverViolation::OutOfRange {
                rectangle: t,
                what: "row".into(),
                index: i,
            });
        }
        if let Some(&j) = r.cols.iter().find(|&&j| j >= m.cols()) {
            return Err(CoverViolation::OutOfRange {
                rectangle: t,
                what: "column".into(),
                index: j,
            });
        }
        for &i in &r.rows {
            for &j in &r.cols {
                let value = m.get(i, j);
                if value != colour {
                    return Err(CoverViolation::NotMonochromatic {
                        rectangle: t,
                        row: i,
                        col: j,
                        value,
                        colour,
                    });
                }
                let slot = &mut owner[i * m.cols() + j];
                if let Some(first) = *slot {
                    if kind == CoverKind::Partition && first != t {
                        return Err(CoverViolation::Overlap {
                            first,
                            second: t,
                            row: i,
                            col: j,
                        });
                    }
                } else {
                    *slot = Some(t);
                }
            }
        }
    }
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            if m.get(i, j) == colour && owner[i * m.cols() + j].is_none() {
                return Err(CoverViolation::Uncovered {
                    row: i,
                    col: j,
                    colour,
                });
            }
        }
    }
    Ok(())
}

/// Parses a list of rectangles: JSON `[{"rows": [..], "cols": [..]}, ...]`
/// or text, one rectangle per line as `rows 0 1 2 ; cols 3 4` (the words
/// `rows`/`cols` are optional: `0 1 2 ; 3 4`), `#` comments. Indices are 0-based.
pub fn parse_rectangles(input: &str) -> Result<Vec<Rectangle>> {
    let input = crate::parse::strip_bom(input);
    if input.trim_start().starts_with('[') {
        return serde_json::from_str(input).map_err(|e| TheoryError::Parse {
            line: e.line(),
            column: e.column(),
            message: format!("invalid JSON rectangle list: {e}"),
        });
    }
    let mut out = Vec::new();
    for (li, raw) in input.lines().enumerate() {
        let data = raw.split('#').next().unwrap_or("");
        if data.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = data.split(';').collect();
        if parts.len() != 2 {
            return Err(TheoryError::Parse {
                line: li + 1,
                column: 1,
                message: "a rectangle is `rows <indices> ; cols <indices>` (one `;`)".into(),
            });
        }
        let mut sides = Vec::new();
        let mut offset = 0;
        for (k, part) in parts.iter().enumerate() {
            let mut v = Vec::new();
            let mut col = offset;
            for tok in part.split(|ch: char| ch.is_whitespace() || ch == ',') {
                col += tok.len() + 1;
                if tok.is_empty() || (k == 0 && tok == "rows") || (k == 1 && tok == "cols") {
                    continue;
                }
                let idx = tok.parse::<usize>().map_err(|_| TheoryError::Parse {
                    line: li + 1,
                    column: col - tok.len(),
                    message: format!("`{tok}` is not a 0-based index"),
                })?;
                v.push(idx);
            }
            v.sort_unstable();
            v.dedup();
            sides.push(v);
            offset += part.len() + 1;
        }
        let cols = sides.pop().unwrap_or_default();
        let rows = sides.pop().unwrap_or_default();
        out.push(Rectangle { rows, cols });
    }
    Ok(out)
}

/// Largest number of distinct rows and columns handled by the SAT encoding.
pub const MAX_COVER_DIM: usize = 64;

/// Greedy set cover by maximal rectangles (the one covering most uncovered
/// cells first, ties to the first in order), or `None` without them.
fn greedy_cover(rm: &CommMatrix, colour: u8) -> Option<Vec<Rectangle>> {
    let rects = maximal_rectangles(rm, colour, MAX_MAXIMAL_RECTANGLES)?;
    let mut uncovered: Vec<bool> = (0..rm.rows() * rm.cols())
        .map(|x| rm.get(x / rm.cols(), x % rm.cols()) == colour)
        .collect();
    let gain = |r: &Rectangle, unc: &[bool]| {
        r.rows
            .iter()
            .flat_map(|&i| r.cols.iter().map(move |&j| i * rm.cols() + j))
            .filter(|&x| unc[x])
            .count()
    };
    let mut out = Vec::new();
    while uncovered.iter().any(|&u| u) {
        let (best, g) = rects
            .iter()
            .enumerate()
            .map(|(t, r)| (t, gain(r, &uncovered)))
            .fold((0, 0), |acc, x| if x.1 > acc.1 { x } else { acc });
        if g == 0 {
            return None;
        }
        for &i in &rects[best].rows {
            for &j in &rects[best].cols {
                uncovered[i * rm.cols() + j] = false;
            }
        }
        out.push(rects[best].clone());
    }
    Some(out)
}

/// Trivial cover/partition: one rectangle per distinct row with a `b`-cell.
fn row_partition(rm: &CommMatrix, colour: u8) -> Vec<Rectangle> {
    (0..rm.rows())
        .filter_map(|i| {
            let cols: Vec<usize> = (0..rm.cols()).filter(|&j| rm.get(i, j) == colour).collect();
            (!cols.is_empty()).then(|| Rectangle {
                rows: vec![i],
                cols,
            })
        })
        .collect()
}

/// Exact cover number `C^b` or partition number `chi_b` of a Boolean matrix
/// (see the module docs); `conflicts` is the total SAT conflict budget
/// over all values of `k`.
///
/// Errors: [`TheoryError::NotBoolean`]; [`TheoryError::TooLarge`] beyond
/// [`MAX_COVER_DIM`] distinct rows or columns.
pub fn cover_number(
    m: &CommMatrix,
    colour: u8,
    kind: CoverKind,
    conflicts: u64,
) -> Result<CoverResult> {
    if !m.is_boolean() {
        return Err(TheoryError::NotBoolean {
            operation: "covers and partitions".into(),
            max_value: m.max_value(),
        });
    }
    let red = m.reduce();
    let rm = &red.matrix;
    if rm.rows() > MAX_COVER_DIM || rm.cols() > MAX_COVER_DIM {
        return Err(TheoryError::TooLarge {
            rows: rm.rows(),
            cols: rm.cols(),
            limit: format!("covers need at most {MAX_COVER_DIM} distinct rows and columns"),
        });
    }
    let expand = |rects: Vec<Rectangle>| -> Vec<Rectangle> {
        let mut out: Vec<Rectangle> = rects
            .into_iter()
            .map(|r| {
                let rows: Vec<usize> = (0..red.row_class.len())
                    .filter(|&i| r.rows.contains(&red.row_class[i]))
                    .collect();
                let cols: Vec<usize> = (0..red.col_class.len())
                    .filter(|&j| r.cols.contains(&red.col_class[j]))
                    .collect();
                Rectangle { rows, cols }
            })
            .collect();
        out.sort();
        out
    };
    let fool = max_fooling_set(rm, colour, 100_000, &[]);
    let mut lower = fool.lower;
    let mut why = format!("largest {colour}-fooling set has {} cells", fool.lower);
    // the area bound, where it beats the fooling set (and its checker's brute
    // force over row subsets stays small)
    let area = area_bound(m, colour).filter(|a| a.lower() > lower);
    if let Some(a) = area {
        lower = a.lower();
        why = format!(
            "area bound: {} {colour}-cells, every {colour}-rectangle has at most {} cells, ceil({} / {}) = {}",
            a.cells, a.max_area, a.cells, a.max_area, lower
        );
    }
    if kind == CoverKind::Partition {
        let target = if colour == 1 {
            rm.clone()
        } else {
            rm.complement()?
        };
        let rq = rank_q(&target, &RankOptions::default()).lower;
        let r2 = rank_gf2_of(&target).lower;
        let name = if colour == 1 { "M" } else { "J-M" };
        if rq.max(r2) > lower {
            lower = rq.max(r2);
            why = format!("rank of {name}: rk_Q = {rq}, rk_GF(2) = {r2}");
        }
    }
    let mut best = row_partition(rm, colour);
    let cols_part: Vec<Rectangle> = row_partition(&rm.transpose(), colour)
        .into_iter()
        .map(|r| Rectangle {
            rows: r.cols,
            cols: r.rows,
        })
        .collect();
    if cols_part.len() < best.len() {
        best = cols_part;
    }
    if kind == CoverKind::Cover
        && let Some(g) = greedy_cover(rm, colour)
        && g.len() < best.len()
    {
        best = g;
    }
    // The fooling set was computed on the reduced matrix, so its cells are
    // already reduced indices (mapping them through `row_class`/`col_class`
    // again pinned wrong cells whenever `m` had duplicate rows or columns,
    // and the solver then "proved" covers impossible that exist).
    debug_assert!(crate::fooling::verify_fooling_set(rm, &fool.set, colour).is_ok());
    let encoding = choose_encoding(rm, colour, kind);
    // k = lower first (a tight fooling set ends the search at once). After an
    // UNSAT there, the maximal encoding goes downward from the best cover found
    // (its satisfiable calls are cheap), so that the one UNSAT call left is the
    // one that proves optimality (monotone: a cover with fewer rectangles is one
    // with more); the cell encoding, whose calls grow with k, goes upward.
    let top_down = encoding == crate::cover_sat::Encoding::Maximal;
    let mut k = lower;
    let mut reason = String::new();
    let mut used = 0u64;
    let mut unsat = None;
    while k >= lower && k < best.len() {
        if used >= conflicts {
            reason = format!("conflict budget of {conflicts} exhausted before k = {k}; ");
            break;
        }
        let query = CoverQuery {
            colour,
            kind,
            k,
            encoding,
            pins: fool.set.clone(),
        };
        let enc = encode(rm, &query)?;
        match solve(&enc, conflicts - used, &mut used)? {
            Outcome::Sat(rects) => {
                best = rects;
                if !top_down {
                    break;
                }
                k = best.len().saturating_sub(1);
            }
            Outcome::Unsat(lrat) => {
                lower = k + 1;
                why = format!(
                    "SAT solver: no {} with {k} rectangles (LRAT proof)",
                    if kind == CoverKind::Cover {
                        "cover"
                    } else {
                        "partition"
                    }
                );
                unsat = Some(UnsatCertificate {
                    k,
                    cnf: enc.cnf.to_dimacs(),
                    lrat,
                });
                k = if top_down {
                    best.len().saturating_sub(1)
                } else {
                    k + 1
                };
            }
            Outcome::Unknown => {
                reason = format!("conflict budget of {conflicts} exhausted at k = {k}; ");
                break;
            }
        }
    }
    let upper = best.len();
    let lower = lower.min(upper);
    let reason = format!("{reason}lower bound: {why}; upper bound: explicit {upper} rectangles");
    Ok(CoverResult {
        colour,
        kind,
        lower,
        upper,
        rectangles: expand(best),
        reason,
        unsat: unsat.filter(|u| u.k + 1 == lower),
        area: area.filter(|a| a.lower() == lower),
    })
}

/// The theorem behind [`crown_cover`], with its source.
pub const CROWN_THEOREM: &str = "de Caen-Gregory-Pullman: the Boolean rank of J_n - I_n (the biclique cover \
     number of the crown graph, K_{n,n} minus a perfect matching) is the least k with \
     C(k, floor(k/2)) >= n (D. de Caen, D. A. Gregory, N. J. Pullman, The Boolean rank of zero-one \
     matrices, 1981); lower bound: the row sets S_x = {t : x in rectangle t} form an antichain, \
     so n <= C(k, floor(k/2)) by Sperner's theorem (1928)";

/// `C(k, floor(k/2))`, saturating.
fn central_binomial(k: usize) -> u128 {
    // C(k, j) = prod_{i=1..j} (k - j + i) / i, exact at every step
    let j = k / 2;
    (1..=j).fold(1u128, |acc, i| {
        acc.saturating_mul((k - j + i) as u128) / i as u128
    })
}

/// The least `k` with `C(k, floor(k/2)) >= n`: the biclique cover number of
/// the crown graph on `n + n` vertices, i.e. the cover number of the cells of
/// an `n x n` matrix outside a permutation ([`CROWN_THEOREM`]).
///
/// ```text
/// n      1  2  3  4..6  7..10  11..20  21..35  36..70
/// k      0  2  3  4     5      6       7       8
/// ```
/// (`n = 1` has no cell to cover.)
pub fn crown_cover_number(n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let mut k = 1;
    while central_binomial(k) < n as u128 {
        k += 1;
    }
    k
}

/// If the `colour`-cells of the Boolean matrix `m` form a crown — after
/// removing duplicate rows and columns the matrix is square, `n x n`, and its
/// other cells form a permutation matrix (exactly one per row and per
/// column) — returns `n` and, for each reduced row, the column of its one
/// other cell. `None` otherwise.
pub fn crown_side(m: &CommMatrix, colour: u8) -> Option<(usize, Vec<usize>)> {
    if !m.is_boolean() {
        return None;
    }
    let red = m.reduce();
    let rm = &red.matrix;
    let n = rm.rows();
    if rm.cols() != n {
        return None;
    }
    let mut perm = Vec::with_capacity(n);
    let mut used = vec![false; n];
    for i in 0..n {
        let mut other = (0..n).filter(|&j| rm.get(i, j) != colour);
        let j = other.next()?;
        if other.next().is_some() || used[j] {
            return None;
        }
        used[j] = true;
        perm.push(j);
    }
    Some((n, perm))
}

/// An optimal cover of the `colour`-cells of a crown (see [`crown_side`]),
/// exact by [`CROWN_THEOREM`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrownCover {
    /// `n`: distinct rows (= distinct columns) of the crown.
    pub side: usize,
    /// The cover number, [`crown_cover_number`]`(side)`.
    pub size: usize,
    /// A cover with `size` rectangles (original indices).
    pub rectangles: Vec<Rectangle>,
}

/// The exact cover number of the `colour`-cells of a crown with an explicit
/// optimal cover, or `None` when `m` is not a crown for `colour`.
///
/// Construction (the Sperner family): with `k = crown_cover_number(n)`,
/// give each reduced row `x` a distinct `floor(k/2)`-subset `S_x` of
/// `{0..k-1}` (the first `n` in lexicographic order) and its permuted column
/// the same set; rectangle `t` is `{x : t in S_x} x {y : t not in S_y}`. A
/// cell `(x, y)` off the permutation is covered because `S_x` is not a
/// subset of `S_y` (distinct sets of equal size); a cell on it never is.
/// Check the result with [`verify_cover`].
///
/// ```
/// use cc_theory::cover::{CoverKind, crown_cover, verify_cover};
/// let eq = cc_theory::named_matrix("eq", 5, None)?;
/// let c = crown_cover(&eq, 0).expect("the 0-cells of EQ_n form a crown");
/// assert_eq!((c.side, c.size), (32, 7));
/// assert!(verify_cover(&eq, &c.rectangles, 0, CoverKind::Cover).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn crown_cover(m: &CommMatrix, colour: u8) -> Option<CrownCover> {
    let (n, perm) = crown_side(m, colour)?;
    let k = crown_cover_number(n);
    if k > 64 {
        return None;
    }
    let half = k / 2;
    // the first n subsets of size `half` of {0..k-1}, lexicographically, as bit masks
    let mut sets: Vec<u64> = Vec::with_capacity(n);
    let mut comb: Vec<usize> = (0..half).collect();
    while sets.len() < n {
        sets.push(comb.iter().fold(0u64, |acc, &t| acc | 1 << t));
        // next combination
        let Some(i) = (0..half).rev().find(|&i| comb[i] < k - half + i) else {
            break;
        };
        comb[i] += 1;
        for l in i + 1..half {
            comb[l] = comb[l - 1] + 1;
        }
    }
    if sets.len() < n {
        return None;
    }
    let red = m.reduce();
    // the set of reduced column perm[x] is the set of row x
    let mut col_set = vec![0u64; n];
    for (x, &j) in perm.iter().enumerate() {
        col_set[j] = sets[x];
    }
    let rectangles = (0..k)
        .map(|t| Rectangle {
            rows: (0..red.row_class.len())
                .filter(|&i| sets[red.row_class[i]] >> t & 1 == 1)
                .collect(),
            cols: (0..red.col_class.len())
                .filter(|&j| col_set[red.col_class[j]] >> t & 1 == 0)
                .collect(),
        })
        .collect();
    Some(CrownCover {
        side: n,
        size: k,
        rectangles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    #[test]
    fn eq4_zero_cover_is_six() {
        let eq = named_matrix("eq", 4, None).unwrap();
        let r = cover_number(&eq, 0, CoverKind::Cover, 1_000_000).unwrap();
        assert_eq!((r.lower, r.upper), (6, 6), "{}", r.reason);
        verify_cover(&eq, &r.rectangles, 0, CoverKind::Cover).unwrap();
        let one = cover_number(&eq, 1, CoverKind::Partition, 1_000_000).unwrap();
        assert_eq!((one.lower, one.upper), (16, 16));
        verify_cover(&eq, &one.rectangles, 1, CoverKind::Partition).unwrap();
    }

    /// Issue 13 item 7: C^1(IP_4) = C^0(IP_4) = 15 within the default budget; C^1 by the area
    /// bound (every 1-rectangle of IP_4 has at most 8 of its 120 1-cells), C^0 by a CNF and an
    /// LRAT proof that verify; the proof does not verify against another matrix.
    #[test]
    fn issue13_ip4_covers_exact_with_checked_proofs() {
        let ip = named_matrix("ip", 4, None).unwrap();
        let c1 = cover_number(&ip, 1, CoverKind::Cover, 200_000).unwrap();
        assert_eq!((c1.lower, c1.upper), (15, 15), "{}", c1.reason);
        let area = c1.area.expect("the area bound gives 15");
        assert_eq!((area.cells, area.max_area), (120, 8));
        assert_eq!(crate::cover_sat::verify_area_bound(&ip, &area), Ok(()));
        let c0 = cover_number(&ip, 0, CoverKind::Cover, 200_000).unwrap();
        assert_eq!((c0.lower, c0.upper), (15, 15), "{}", c0.reason);
        verify_cover(&ip, &c0.rectangles, 0, CoverKind::Cover).unwrap();
        let u = c0.unsat.expect("the lower bound 15 needs a proof");
        assert_eq!(u.k, 14);
        let lb = crate::cover_sat::verify_cover_lower_bound(&ip, &u.cnf, &u.lrat).unwrap();
        assert_eq!((lb.colour, lb.lower), (0, 15));
        let eq = named_matrix("eq", 4, None).unwrap();
        assert!(crate::cover_sat::verify_cover_lower_bound(&eq, &u.cnf, &u.lrat).is_err());
    }

    #[test]
    fn small_values() {
        // EQ_2: C^0 = 4 (n + ... ) cover of the off-diagonal by 4 rectangles (bit i differs)
        let eq = named_matrix("eq", 2, None).unwrap();
        let c0 = cover_number(&eq, 0, CoverKind::Cover, 100_000).unwrap();
        assert_eq!(c0.upper, c0.lower);
        verify_cover(&eq, &c0.rectangles, 0, CoverKind::Cover).unwrap();
        let p0 = cover_number(&eq, 0, CoverKind::Partition, 100_000).unwrap();
        assert!(p0.lower >= c0.lower);
        verify_cover(&eq, &p0.rectangles, 0, CoverKind::Partition).unwrap();
    }

    /// Regression: with a duplicate column before the fooling set's cells, the pins landed
    /// on wrong cells and the solver "proved" that no cover with 2 rectangles exists.
    #[test]
    fn duplicates_do_not_misplace_the_pinned_fooling_set() {
        let dup =
            CommMatrix::from_rows(&[vec![0, 0, 0, 1], vec![0, 0, 0, 0], vec![0, 0, 1, 0]]).unwrap();
        let plain = CommMatrix::from_rows(&[vec![0, 0, 1], vec![0, 0, 0], vec![0, 1, 0]]).unwrap();
        for m in [&dup, &plain] {
            let c = cover_number(m, 0, CoverKind::Cover, u64::MAX).unwrap();
            assert_eq!((c.lower, c.upper), (2, 2), "{}", c.reason);
            verify_cover(m, &c.rectangles, 0, CoverKind::Cover).unwrap();
        }
        // the same with duplicate rows, for partitions too
        let rows =
            CommMatrix::from_rows(&[vec![0, 0, 0], vec![0, 0, 0], vec![0, 0, 1], vec![0, 1, 0]])
                .unwrap();
        for kind in [CoverKind::Cover, CoverKind::Partition] {
            let a = cover_number(&rows, 0, kind, u64::MAX).unwrap();
            let b = cover_number(&plain, 0, kind, u64::MAX).unwrap();
            assert_eq!((a.lower, a.upper), (b.lower, b.upper), "{kind:?}");
        }
    }

    #[test]
    fn parse_rectangles_formats() {
        let r = parse_rectangles("# cover\nrows 0 1 ; cols 2\n3,4;5\n").unwrap();
        assert_eq!(
            r,
            vec![
                Rectangle {
                    rows: vec![0, 1],
                    cols: vec![2]
                },
                Rectangle {
                    rows: vec![3, 4],
                    cols: vec![5]
                }
            ]
        );
        let j = parse_rectangles(r#"[{"rows":[0,1],"cols":[2]}]"#).unwrap();
        assert_eq!(j[0], r[0]);
        assert!(matches!(
            parse_rectangles("0 1 2\n"),
            Err(TheoryError::Parse { line: 1, .. })
        ));
        assert!(matches!(
            parse_rectangles("0 x ; 1\n"),
            Err(TheoryError::Parse {
                line: 1,
                column: 3,
                ..
            })
        ));
    }

    #[test]
    fn violations() {
        let eq = named_matrix("eq", 1, None).unwrap();
        let full = Rectangle {
            rows: vec![0, 1],
            cols: vec![0, 1],
        };
        assert!(matches!(
            verify_cover(&eq, &[full], 1, CoverKind::Cover),
            Err(CoverViolation::NotMonochromatic { row: 0, col: 1, .. })
        ));
        let a = Rectangle {
            rows: vec![0],
            cols: vec![0],
        };
        assert_eq!(
            verify_cover(&eq, std::slice::from_ref(&a), 1, CoverKind::Cover),
            Err(CoverViolation::Uncovered {
                row: 1,
                col: 1,
                colour: 1
            })
        );
        let b = Rectangle {
            rows: vec![1],
            cols: vec![1],
        };
        assert!(verify_cover(&eq, &[a.clone(), b.clone(), a.clone()], 1, CoverKind::Cover).is_ok());
        assert!(matches!(
            verify_cover(&eq, &[a.clone(), b, a], 1, CoverKind::Partition),
            Err(CoverViolation::Overlap {
                first: 0,
                second: 2,
                ..
            })
        ));
    }
}
