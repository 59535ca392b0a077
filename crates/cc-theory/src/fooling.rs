//! Largest fooling sets (exact, by maximum clique) and fooling-set checking.
//!
//! A **b-fooling set** is a set of cells `(x_i, y_i)` with `f(x_i, y_i) = b`
//! such that for `i != j`, `f(x_i, y_j) != b` or `f(x_j, y_i) != b` (Yao 1979;
//! Kushilevitz–Nisan §1.3). No `b`-monochromatic rectangle contains two of
//! its cells, so `C^b(f) >= |S|`. For non-Boolean matrices the same
//! definition is used per colour `b`.
//!
//! The largest b-fooling set is a maximum clique of the *compatibility
//! graph* whose vertices are the `b`-cells and whose edges join fooling pairs.
//! Duplicate rows and columns are removed first (two cells in identical rows
//! can never be a fooling pair). The clique search is bitset branch and bound
//! with a greedy colouring bound (the MCQ/MCS/BBMC family: Tomita et al.
//! 2003/2010, San Segundo et al. 2011), vertices ordered by non-increasing
//! degree. It stops early when the best set meets an external upper bound
//! (e.g. `rk_F(M_b)^2`, Dietzfelbinger–Hromkovič–Schnitger 1996), and after
//! `budget` search nodes it returns the best set found with the best proven
//! upper bound and the reason it stopped.

use serde::{Deserialize, Serialize};

use crate::matrix::CommMatrix;

/// Largest number of `b`-cells (after duplicate removal) for the exact search.
pub const MAX_CLIQUE_VERTICES: usize = 8192;

/// Result of a largest-fooling-set search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoolingResult {
    /// The colour `b`.
    pub colour: u8,
    /// Size of the best fooling set found (a proven lower bound).
    pub lower: usize,
    /// Proven upper bound on the largest fooling set.
    pub upper: usize,
    /// The fooling set (original row and column indices).
    pub set: Vec<(usize, usize)>,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
    /// Why the search stopped (`complete`, `met upper bound ...`, `budget ...`).
    pub reason: String,
    /// Which bound gives `upper`.
    pub upper_reason: String,
}

/// Why a fooling set is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FoolingViolation {
    /// A cell is outside the matrix.
    #[error("cell #{index} ({row}, {col}) is outside the {rows} x {cols} matrix")]
    OutOfRange {
        /// Position in the list (0-based).
        index: usize,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// A cell does not have the colour of the set.
    #[error("cell #{index} ({row}, {col}) has value {value}, not {colour}")]
    WrongColour {
        /// Position in the list (0-based).
        index: usize,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
        /// Its value.
        value: u8,
        /// The colour of the set.
        colour: u8,
    },
    /// Two cells are not a fooling pair.
    #[error(
        "cells #{first} ({r1}, {c1}) and #{second} ({r2}, {c2}) do not fool: the crossing cells ({r1}, {c2}) and ({r2}, {c1}) both have value {colour}, so rows {{{r1}, {r2}}} x columns {{{c1}, {c2}}} is a {colour}-monochromatic rectangle containing both"
    )]
    NotFooling {
        /// Index of the first cell.
        first: usize,
        /// Index of the second cell.
        second: usize,
        /// Row of the first cell.
        r1: usize,
        /// Column of the first cell.
        c1: usize,
        /// Row of the second cell.
        r2: usize,
        /// Column of the second cell.
        c2: usize,
        /// The colour.
        colour: u8,
    },
}

/// Checks that `cells` is a `colour`-fooling set of `m`; on failure returns
/// the first offending cell or pair (in list order) and the rule broken.
pub fn verify_fooling_set(
    m: &CommMatrix,
    cells: &[(usize, usize)],
    colour: u8,
) -> Result<(), FoolingViolation> {
    for (index, &(row, col)) in cells.iter().enumerate() {
        let Some(value) = m.try_get(row, col) else {
            return Err(FoolingViolation::OutOfRange {
                index,
                row,
                col,
                rows: m.rows(),
                cols: m.cols(),
            });
        };
        if value != colour {
            return Err(FoolingViolation::WrongColour {
                index,
                row,
                col,
                value,
                colour,
            });
        }
    }
    for (i, &(r1, c1)) in cells.iter().enumerate() {
        for (j, &(r2, c2)) in cells.iter().enumerate().skip(i + 1) {
            if m.get(r1, c2) == colour && m.get(r2, c1) == colour {
                return Err(FoolingViolation::NotFooling {
                    first: i,
                    second: j,
                    r1,
                    c1,
                    r2,
                    c2,
                    colour,
                });
            }
        }
    }
    Ok(())
}

struct Graph {
    n: usize,
    w: usize,
    adj: Vec<u64>,
}

impl Graph {
    fn row(&self, v: usize) -> &[u64] {
        &self.adj[v * self.w..(v + 1) * self.w]
    }
}

struct Search<'a> {
    g: &'a Graph,
    best: Vec<usize>,
    nodes: u64,
    budget: u64,
    cap: usize,
    stopped: bool,
    /// Russian-doll bounds: `doll[i]` = size of a largest clique within vertices `i..n`.
    doll: Vec<usize>,
}

fn first_bit(s: &[u64]) -> Option<usize> {
    s.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

impl Search<'_> {
    /// Greedy sequential colouring; returns vertices in colour order with their colour.
    fn colour_sort(&self, p: &[u64]) -> Vec<(usize, usize)> {
        let mut u = p.to_vec();
        let mut out = Vec::new();
        let mut k = 0;
        let mut q = vec![0u64; u.len()];
        while u.iter().any(|&w| w != 0) {
            k += 1;
            q.copy_from_slice(&u);
            while let Some(v) = first_bit(&q) {
                q[v / 64] &= !(1 << (v % 64));
                u[v / 64] &= !(1 << (v % 64));
                for (x, &a) in q.iter_mut().zip(self.g.row(v)) {
                    *x &= !a;
                }
                out.push((v, k));
            }
        }
        out
    }

    fn expand(&mut self, clique: &mut Vec<usize>, p: &mut [u64]) {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.stopped = true;
            return;
        }
        if let Some(f) = first_bit(p)
            && clique.len().saturating_add(self.doll[f]) <= self.best.len()
        {
            return;
        }
        let order = self.colour_sort(p);
        for &(v, colour) in order.iter().rev() {
            if clique.len() + colour <= self.best.len() || self.best.len() >= self.cap {
                return;
            }
            if let Some(f) = first_bit(p)
                && clique.len().saturating_add(self.doll[f]) <= self.best.len()
            {
                return;
            }
            clique.push(v);
            let mut np: Vec<u64> = p.iter().zip(self.g.row(v)).map(|(a, b)| a & b).collect();
            if np.iter().all(|&w| w == 0) {
                if clique.len() > self.best.len() {
                    self.best = clique.clone();
                }
            } else {
                self.expand(clique, &mut np);
            }
            clique.pop();
            p[v / 64] &= !(1 << (v % 64));
            if self.stopped {
                return;
            }
        }
    }
}

/// Finds a largest `colour`-fooling set of `m`.
///
/// `external_upper` lists proven upper bounds with their justification (e.g.
/// `(rk_GF2(M)^2, "rk_GF(2)(M)^2 (DHS 1996)")`); the search stops as soon as
/// a set of that size is found. `budget` caps the branch-and-bound nodes.
/// Upper bound when the search is incomplete: the minimum of the external
/// bounds, the number of distinct rows and of distinct columns, the number
/// of `b`-cells and the greedy colouring number of the compatibility graph.
pub fn max_fooling_set(
    m: &CommMatrix,
    colour: u8,
    budget: u64,
    external_upper: &[(usize, String)],
) -> FoolingResult {
    let red = m.reduce();
    let rm = &red.matrix;
    let mut cells = Vec::new();
    for i in 0..rm.rows() {
        for j in 0..rm.cols() {
            if rm.get(i, j) == colour {
                cells.push((i, j));
            }
        }
    }
    let mut upper = cells.len();
    let mut upper_reason = format!("number of {colour}-cells in distinct rows/columns");
    let mut consider = |u: usize, why: String| {
        if u < upper {
            upper = u;
            upper_reason = why;
        }
    };
    consider(rm.rows(), "number of distinct rows".into());
    consider(rm.cols(), "number of distinct columns".into());
    for (u, why) in external_upper {
        consider(*u, why.clone());
    }
    let to_orig = |set: &[(usize, usize)]| -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = set
            .iter()
            .map(|&(i, j)| (red.row_representative[i], red.col_representative[j]))
            .collect();
        v.sort_unstable();
        v
    };
    if cells.is_empty() {
        return FoolingResult {
            colour,
            lower: 0,
            upper: 0,
            set: Vec::new(),
            nodes: 0,
            reason: "complete: no cell has this colour".into(),
            upper_reason: "no cell has this colour".into(),
        };
    }
    let compatible = |a: (usize, usize), b: (usize, usize)| {
        a.0 != b.0 && a.1 != b.1 && (rm.get(a.0, b.1) != colour || rm.get(b.0, a.1) != colour)
    };
    if cells.len() > MAX_CLIQUE_VERTICES {
        // Greedy only: scan cells, keep those compatible with all kept so far.
        let mut set: Vec<(usize, usize)> = Vec::new();
        let mut checks = 0u64;
        let mut used_rows = vec![false; rm.rows()];
        for &c in &cells {
            if used_rows[c.0] {
                continue;
            }
            checks += set.len() as u64 + 1;
            if checks > budget.saturating_mul(64) {
                break;
            }
            if set.iter().all(|&s| compatible(s, c)) {
                used_rows[c.0] = true;
                set.push(c);
            }
        }
        let lower = set.len();
        return FoolingResult {
            colour,
            lower,
            upper: upper.max(lower),
            set: to_orig(&set),
            nodes: 0,
            reason: format!(
                "greedy only: {} {colour}-cells exceed the exact-search limit of {MAX_CLIQUE_VERTICES}",
                cells.len()
            ),
            upper_reason,
        };
    }
    // Build the compatibility graph, vertices ordered by non-increasing degree.
    let n0 = cells.len();
    let w0 = n0.div_ceil(64);
    let mut adj0 = vec![0u64; n0 * w0];
    for a in 0..n0 {
        for b in (a + 1)..n0 {
            if compatible(cells[a], cells[b]) {
                adj0[a * w0 + b / 64] |= 1 << (b % 64);
                adj0[b * w0 + a / 64] |= 1 << (a % 64);
            }
        }
    }
    let deg: Vec<u32> = (0..n0)
        .map(|a| {
            adj0[a * w0..(a + 1) * w0]
                .iter()
                .map(|w| w.count_ones())
                .sum()
        })
        .collect();
    // smallest-last (degeneracy) order: repeatedly take a vertex of minimum
    // remaining degree and put it at the end.
    let mut order: Vec<usize> = Vec::with_capacity(n0);
    {
        let mut d = deg.clone();
        let mut removed = vec![false; n0];
        for _ in 0..n0 {
            let mut v = usize::MAX;
            for u in 0..n0 {
                if !removed[u] && (v == usize::MAX || d[u] < d[v]) {
                    v = u;
                }
            }
            removed[v] = true;
            order.push(v);
            for u in 0..n0 {
                if !removed[u] && (adj0[v * w0 + u / 64] >> (u % 64)) & 1 == 1 {
                    d[u] -= 1;
                }
            }
        }
        // (kept in removal order)
    }
    let mut pos = vec![0; n0];
    for (k, &v) in order.iter().enumerate() {
        pos[v] = k;
    }
    let mut adj = vec![0u64; n0 * w0];
    for a in 0..n0 {
        let pa = pos[a];
        for b in 0..n0 {
            if (adj0[a * w0 + b / 64] >> (b % 64)) & 1 == 1 {
                let pb = pos[b];
                adj[pa * w0 + pb / 64] |= 1 << (pb % 64);
            }
        }
    }
    let g = Graph { n: n0, w: w0, adj };
    // greedy initial clique in degree order
    let mut greedy: Vec<usize> = Vec::new();
    for v in 0..g.n {
        if greedy
            .iter()
            .all(|&u| (g.row(u)[v / 64] >> (v % 64)) & 1 == 1)
        {
            greedy.push(v);
        }
    }
    let mut s = Search {
        g: &g,
        best: greedy,
        nodes: 0,
        budget,
        cap: upper,
        stopped: false,
        doll: vec![usize::MAX; g.n + 1],
    };
    let mut all = vec![0u64; g.w];
    for v in 0..g.n {
        all[v / 64] |= 1 << (v % 64);
    }
    let root_colours = s.colour_sort(&all).last().map_or(0, |&(_, k)| k);
    if root_colours < upper {
        upper = root_colours;
        upper_reason = "greedy colouring of the compatibility graph".into();
    }
    s.cap = upper;
    // Russian dolls (Östergård 2002) over suffixes of the vertex order, each
    // searched with the colouring bound.
    let mut clique = Vec::new();
    if s.best.len() < upper {
        let mut suffix = vec![0u64; g.w];
        for i in (0..g.n).rev() {
            let mut p: Vec<u64> = suffix.iter().zip(g.row(i)).map(|(a, b)| a & b).collect();
            clique.push(i);
            if p.iter().all(|&w| w == 0) {
                if s.best.is_empty() {
                    s.best = clique.clone();
                }
            } else {
                s.expand(&mut clique, &mut p);
            }
            clique.pop();
            s.doll[i] = s.best.len();
            suffix[i / 64] |= 1 << (i % 64);
            if s.stopped || s.best.len() >= s.cap {
                break;
            }
        }
    }
    let best: Vec<(usize, usize)> = s.best.iter().map(|&k| cells[order[k]]).collect();
    let lower = best.len();
    let reason;
    if s.stopped && lower < upper {
        reason = format!("budget of {budget} search nodes exhausted");
    } else {
        if lower < upper {
            upper_reason = "exhaustive branch and bound".into();
        }
        upper = lower;
        reason = if s.nodes == 0 || lower == s.cap {
            format!("complete: best set meets the upper bound ({upper_reason})")
        } else {
            "complete: exhaustive branch and bound".into()
        };
    }
    FoolingResult {
        colour,
        lower,
        upper,
        set: to_orig(&best),
        nodes: s.nodes,
        reason,
        upper_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    /// Brute force over all subsets of b-cells of the reduced matrix (tiny matrices only).
    fn brute(m: &CommMatrix, colour: u8) -> usize {
        let rm = m.reduce().matrix;
        let cells: Vec<(usize, usize)> = (0..rm.rows())
            .flat_map(|i| (0..rm.cols()).map(move |j| (i, j)))
            .filter(|&(i, j)| rm.get(i, j) == colour)
            .collect();
        assert!(cells.len() <= 20);
        let mut best = 0;
        for mask in 0u32..(1 << cells.len()) {
            let set: Vec<(usize, usize)> = (0..cells.len())
                .filter(|k| (mask >> k) & 1 == 1)
                .map(|k| cells[k])
                .collect();
            if set.len() > best && verify_fooling_set(&rm, &set, colour).is_ok() {
                best = set.len();
            }
        }
        best
    }

    #[test]
    fn eq_zero_fooling_brute_force() {
        // Brute-force check of the claim "largest 0-fooling set of EQ_n is 3 for n >= 2".
        let eq2 = named_matrix("eq", 2, None).unwrap();
        let b = brute(&eq2, 0);
        let r = max_fooling_set(&eq2, 0, u64::MAX, &[]);
        assert_eq!(r.lower, b);
        assert_eq!(r.upper, b);
        verify_fooling_set(&eq2, &r.set, 0).unwrap();
        for n in 3..=5 {
            let eq = named_matrix("eq", n, None).unwrap();
            let r = max_fooling_set(&eq, 0, u64::MAX, &[]);
            assert_eq!(r.lower, r.upper);
            verify_fooling_set(&eq, &r.set, 0).unwrap();
        }
    }

    #[test]
    fn small_random_against_brute_force() {
        let mut seed = 3u64;
        for _ in 0..60 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bits = seed >> 20;
            let m = CommMatrix::from_bool_fn(4, 4, |i, j| (bits >> (i * 4 + j)) & 1 == 1).unwrap();
            for colour in 0..2 {
                let r = max_fooling_set(&m, colour, u64::MAX, &[]);
                assert_eq!(r.lower, brute(&m, colour));
                assert_eq!(r.upper, r.lower);
                verify_fooling_set(&m, &r.set, colour).unwrap();
            }
        }
    }

    #[test]
    fn budget_gives_interval() {
        let ip = named_matrix("ip", 4, None).unwrap();
        let r = max_fooling_set(&ip, 0, 1, &[]);
        assert!(r.lower <= r.upper);
        verify_fooling_set(&ip, &r.set, 0).unwrap();
        let full = max_fooling_set(&ip, 0, u64::MAX, &[]);
        assert!(r.lower <= full.lower && full.lower <= r.upper);
    }

    #[test]
    fn violations() {
        let eq = named_matrix("eq", 2, None).unwrap();
        assert!(verify_fooling_set(&eq, &[(0, 0), (1, 1), (2, 2), (3, 3)], 1).is_ok());
        assert!(matches!(
            verify_fooling_set(&eq, &[(0, 1)], 1),
            Err(FoolingViolation::WrongColour { .. })
        ));
        assert!(matches!(
            verify_fooling_set(&eq, &[(9, 1)], 1),
            Err(FoolingViolation::OutOfRange { .. })
        ));
        let err = verify_fooling_set(&eq, &[(0, 1), (2, 3), (1, 0)], 0).unwrap_err();
        assert_eq!(
            err,
            FoolingViolation::NotFooling {
                first: 0,
                second: 1,
                r1: 0,
                c1: 1,
                r2: 2,
                c2: 3,
                colour: 0
            }
        );
        assert!(err.to_string().contains("monochromatic"));
    }
}
