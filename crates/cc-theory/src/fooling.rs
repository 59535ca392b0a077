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
//! 2003/2010, San Segundo et al. 2011), vertices in smallest-last
//! (degeneracy) order, with Russian-doll bounds over suffixes of that order
//! (Östergård 2002). It stops early when the best set meets an external upper
//! bound (e.g. `rk_F(M_b)^2`, Dietzfelbinger–Hromkovič–Schnitger 1996), and
//! after `budget` search nodes it returns the best set found with the best
//! proven upper bound and the reason it stopped.
//!
//! ## Symmetry
//!
//! A row permutation `π` and column permutation `σ` with
//! `M[π x][σ y] = M[x][y]` (or, for a square matrix, an isomorphism onto the
//! transpose, `(x, y) -> (σ y, π x)`) map fooling sets to fooling sets, so
//! they are automorphisms of the compatibility graph. For graphs of at least
//! 32 vertices the search first computes such automorphisms by
//! individualisation–refinement (McKay 1981), **verifying every generator**
//! on the whole matrix; a work budget bounds that search, and a truncated
//! search still yields verified generators of a subgroup. The branch and
//! bound then does orbital branching (Margot 2003; Ostrowski et al. 2011):
//! at a node whose clique is fixed by a group `H` that maps the candidate
//! set onto itself, it explores one vertex and then drops its whole
//! `H`-orbit, because every clique through another orbit member is the
//! image of one through the explored vertex. Stabilisers of the first four
//! cells of the clique are recomputed the same way; deeper, the parent's
//! generators fixing the new cell are reused. Highly symmetric matrices
//! (`IP_n`, `EQ_n`, `DISJ_n`, Cayley tables) shrink by orders of magnitude
//! (IP_4, colour 0: 143,866 nodes to 263); matrices without symmetry run the
//! plain search after one refinement pass. The fooling set returned is still
//! an ordinary certificate checked by [`verify_fooling_set`].

use serde::{Deserialize, Serialize};

use crate::matrix::CommMatrix;

/// Largest number of `b`-cells (after duplicate removal) for the exact search.
pub const MAX_CLIQUE_VERTICES: usize = 8192;
/// Greedy passes (restarts) beyond the exact-search limit.
const GREEDY_PASSES: usize = 4;

/// Knobs of the exact search (crate-internal; tests use them to force or
/// forbid symmetry pruning).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tuning {
    /// Smallest compatibility graph for which matrix automorphisms are sought.
    pub(crate) symmetry_min_vertices: usize,
    /// Stabilisers are searched for cliques of fewer than this many cells
    /// (deeper, the parent's generators that fix the new cell are reused).
    pub(crate) symmetry_depth: usize,
    /// Work budget of one automorphism search (vertex pairs inspected).
    pub(crate) symmetry_call_budget: u64,
    /// Work budget of all automorphism searches of one fooling-set search.
    pub(crate) symmetry_total_budget: u64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            symmetry_min_vertices: 32,
            symmetry_depth: 4,
            symmetry_call_budget: 4_000_000,
            symmetry_total_budget: 40_000_000,
        }
    }
}

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
        "cells #{first} ({r1}, {c1}) and #{second} ({r2}, {c2}) do not fool: the crossing cells ({r1}, {c2}) and ({r2}, {c1}) both have value {colour}, so rows {} x columns {} is a {colour}-monochromatic rectangle containing both",
        index_set(*.r1, *.r2),
        index_set(*.c1, *.c2)
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
    /// Symmetry of the matrix, if any automorphism moves a vertex.
    sym: Option<Symmetry>,
    /// Reusable buffers: colouring scratch, colour orders and candidate sets.
    scratch_nz: Vec<usize>,
    scratch_u: Vec<u64>,
    scratch_q: Vec<u64>,
    orders: Vec<Vec<(usize, usize)>>,
    sets: Vec<Vec<u64>>,
}

/// What the search needs to turn matrix automorphisms into vertex permutations.
struct Symmetry {
    /// The 0/1 indicator of the colour in the reduced matrix: the
    /// compatibility graph depends on nothing else, so all of its
    /// automorphisms act on the graph.
    matrix: CommMatrix,
    /// Cell of each vertex (reduced matrix).
    cell_of: Vec<(usize, usize)>,
    /// Vertex of each cell `row * cols + col`, `u32::MAX` for other colours.
    vertex_of: Vec<u32>,
    tuning: Tuning,
    /// Work spent on automorphism searches so far.
    work: u64,
}

impl Symmetry {
    /// The symmetry data of the `colour` indicator of `rm` with vertex `v`
    /// the cell `cell_of[v]`, if the matrix is small enough to refine.
    fn of(
        rm: &CommMatrix,
        colour: u8,
        cell_of: &[(usize, usize)],
        tuning: Tuning,
    ) -> Option<Symmetry> {
        if rm.rows() + rm.cols() > crate::symmetry::MAX_VERTICES {
            return None;
        }
        let matrix = CommMatrix::from_bits(rm.indicator(colour)).ok()?;
        let mut vertex_of = vec![u32::MAX; rm.rows() * rm.cols()];
        for (v, &(i, j)) in cell_of.iter().enumerate() {
            vertex_of[i * rm.cols() + j] = v as u32;
        }
        Some(Symmetry {
            matrix,
            cell_of: cell_of.to_vec(),
            vertex_of,
            tuning,
            work: 0,
        })
    }

    /// Vertex permutations induced by verified automorphisms fixing the
    /// cells of `clique`, keeping those that map `p` onto itself and move
    /// some vertex of `p` (so that `p` is invariant under the group they
    /// generate).
    fn group(&mut self, clique: &[usize], p: &[u64]) -> Vec<Vec<u32>> {
        let fixed: Vec<(usize, usize)> = clique.iter().map(|&v| self.cell_of[v]).collect();
        let a =
            crate::symmetry::automorphisms(&self.matrix, &fixed, self.tuning.symmetry_call_budget);
        self.work += a.work;
        let cols = self.matrix.cols();
        let mut out = Vec::new();
        'gens: for g in &a.gens {
            let mut perm = Vec::with_capacity(self.cell_of.len());
            for &c in &self.cell_of {
                let image = a
                    .map_cell(g, c)
                    .and_then(|(x, y)| self.vertex_of.get(x * cols + y));
                match image {
                    Some(&u) if u != u32::MAX => perm.push(u),
                    _ => continue 'gens,
                }
            }
            if clique.iter().any(|&v| perm[v] as usize != v) {
                continue;
            }
            let mut moves = false;
            for v in bits(p) {
                let u = perm[v] as usize;
                if (p[u / 64] >> (u % 64)) & 1 == 0 {
                    continue 'gens;
                }
                moves |= u != v;
            }
            if moves {
                out.push(perm);
            }
        }
        out
    }

    /// The group for the child `clique` (whose last vertex `v` was just
    /// added) with candidates `p`, given the generators `parent` of the
    /// parent's group. Each returned permutation fixes every vertex of
    /// `clique` and maps `p` onto itself.
    fn child(&mut self, parent: &[Vec<u32>], clique: &[usize], p: &[u64]) -> Vec<Vec<u32>> {
        let Some(&v) = clique.last() else {
            return Vec::new();
        };
        let moves_p = |g: &Vec<u32>| bits(p).any(|u| g[u] as usize != u);
        // Parent generators fixing v fix the clique and map p = (parent's
        // candidates) ∩ N(v) onto itself: they generate a subgroup of the
        // stabiliser, all of it when every generator fixes v.
        let fixing: Vec<Vec<u32>> = parent
            .iter()
            .filter(|g| g[v] as usize == v)
            .filter(|g| moves_p(g))
            .cloned()
            .collect();
        let all_fix = parent.iter().all(|g| g[v] as usize == v);
        if all_fix
            || clique.len() >= self.tuning.symmetry_depth
            || self.work >= self.tuning.symmetry_total_budget
        {
            return fixing;
        }
        self.group(clique, p)
    }
}

/// The set bits of a bitset, ascending.
fn bits(s: &[u64]) -> impl Iterator<Item = usize> + '_ {
    s.iter().enumerate().flat_map(|(i, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                i * 64 + b
            })
        })
    })
}

fn first_bit(s: &[u64]) -> Option<usize> {
    s.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

impl Search<'_> {
    /// The final `(upper, reason, upper_reason)` of a search that found a
    /// set of `lower` cells below the bound `upper` (proved by `upper_reason`).
    fn outcome(&self, lower: usize, upper: usize, upper_reason: String) -> (usize, String, String) {
        if self.stopped && lower < upper {
            let budget = self.budget;
            return (
                upper,
                format!("budget of {budget} search nodes exhausted"),
                upper_reason,
            );
        }
        let exhaustive = if self.sym.is_some() {
            "exhaustive branch and bound with orbital branching over verified matrix automorphisms"
        } else {
            "exhaustive branch and bound"
        };
        let upper_reason = if lower < upper {
            exhaustive.to_string()
        } else {
            upper_reason
        };
        let reason = if self.nodes == 0 || lower == self.cap {
            format!("complete: best set meets the upper bound ({upper_reason})")
        } else {
            format!("complete: {exhaustive}")
        };
        (lower, reason, upper_reason)
    }

    /// Russian dolls (Östergård 2002) over suffixes of the vertex order, each
    /// searched with the colouring bound; `doll[i]` keeps the best clique size
    /// within vertices `i..`.
    fn russian_dolls(&mut self, clique: &mut Vec<usize>) {
        let g = self.g;
        let mut suffix = vec![0u64; g.w];
        for i in (0..g.n).rev() {
            let mut p: Vec<u64> = suffix.iter().zip(g.row(i)).map(|(a, b)| a & b).collect();
            clique.push(i);
            if p.iter().all(|&w| w == 0) {
                if self.best.is_empty() {
                    self.best = clique.clone();
                }
            } else {
                self.expand(clique, &mut p, &[]);
            }
            clique.pop();
            self.doll[i] = self.best.len();
            suffix[i / 64] |= 1 << (i % 64);
            if self.stopped || self.best.len() >= self.cap {
                break;
            }
        }
    }

    /// Greedy sequential colouring of `p` into `out`: vertices in colour
    /// order (ascending within a colour class) with their colour `1..`.
    /// Only the non-zero words of `p` are visited, and bits below the vertex
    /// just coloured are already clear in the class being built, so scans and
    /// row masks start at its word.
    fn colour_sort(&mut self, p: &[u64], out: &mut Vec<(usize, usize)>) {
        let g = self.g;
        out.clear();
        let nz = &mut self.scratch_nz;
        nz.clear();
        nz.extend((0..p.len()).filter(|&i| p[i] != 0));
        let m = nz.len();
        // u and q hold the words of p listed in nz, compactly.
        let u = &mut self.scratch_u;
        u.clear();
        u.extend(nz.iter().map(|&i| p[i]));
        let q = &mut self.scratch_q;
        q.clear();
        q.resize(m, 0);
        let mut k = 0;
        let mut lo = 0;
        loop {
            while lo < m && u[lo] == 0 {
                lo += 1;
            }
            if lo == m {
                break;
            }
            k += 1;
            q[lo..].copy_from_slice(&u[lo..]);
            let mut t = lo;
            loop {
                while t < m && q[t] == 0 {
                    t += 1;
                }
                if t == m {
                    break;
                }
                let b = q[t].trailing_zeros() as usize;
                let v = nz[t] * 64 + b;
                q[t] &= !(1 << b);
                u[t] &= !(1 << b);
                let row = g.row(v);
                for (x, &i) in q[t..].iter_mut().zip(&nz[t..]) {
                    *x &= !row[i];
                }
                out.push((v, k));
            }
        }
    }

    /// Branch and bound below `clique` with candidates `p`. `group` holds
    /// vertex permutations (automorphisms of the graph fixing `clique` and
    /// mapping `p` onto itself); after a vertex is explored its whole orbit
    /// is removed from `p`, since any clique through an orbit member is the
    /// image of one through the explored vertex.
    fn expand(&mut self, clique: &mut Vec<usize>, p: &mut [u64], group: &[Vec<u32>]) {
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
        let mut order = self.orders.pop().unwrap_or_default();
        self.colour_sort(p, &mut order);
        let orbit = (!group.is_empty()).then(|| orbit_roots(group, p, self.g.n));
        for &(v, colour) in order.iter().rev() {
            if (p[v / 64] >> (v % 64)) & 1 == 0 {
                continue; // removed with the orbit of an explored vertex
            }
            if clique.len() + colour <= self.best.len() || self.best.len() >= self.cap {
                break;
            }
            if let Some(f) = first_bit(p)
                && clique.len().saturating_add(self.doll[f]) <= self.best.len()
            {
                break;
            }
            clique.push(v);
            let mut np = self.sets.pop().unwrap_or_default();
            np.clear();
            np.extend(p.iter().zip(self.g.row(v)).map(|(a, b)| a & b));
            if np.iter().all(|&w| w == 0) {
                if clique.len() > self.best.len() {
                    self.best = clique.clone();
                }
            } else {
                let child = match &mut self.sym {
                    Some(sym) if !group.is_empty() => sym.child(group, clique, &np),
                    _ => Vec::new(),
                };
                self.expand(clique, &mut np, &child);
            }
            self.sets.push(np);
            clique.pop();
            match &orbit {
                Some(root) => {
                    for (i, w) in p.iter_mut().enumerate() {
                        let mut bitsw = *w;
                        while bitsw != 0 {
                            let b = bitsw.trailing_zeros() as usize;
                            bitsw &= bitsw - 1;
                            if root[i * 64 + b] == root[v] {
                                *w &= !(1 << b);
                            }
                        }
                    }
                }
                None => p[v / 64] &= !(1 << (v % 64)),
            }
            if self.stopped {
                break;
            }
        }
        self.orders.push(order);
    }
}

/// Adjacency bitsets of the compatibility graph on `cells` (distinct cells
/// of one colour, in this order; `rows x cols` is the matrix). Cell `b` is
/// *not* compatible with `a = (r, c)` if it shares its row or column, or if
/// both crossing cells `(r, b.1)` and `(b.0, c)` have the colour, i.e. are in
/// `cells`: `b` lies in `A_r = ∪ {cells in column c' : (r, c') ∈ cells}` and
/// in `B_c = ∪ {cells in row r' : (r', c) ∈ cells}`. So each row is
/// `¬(row_r ∪ col_c ∪ (A_r ∩ B_c))`, computed word by word.
fn compatibility_rows(cells: &[(usize, usize)], rows: usize, cols: usize) -> Vec<u64> {
    let n = cells.len();
    let w = n.div_ceil(64);
    // Compact ids of the rows and columns that hold a cell.
    let mut row_id = vec![usize::MAX; rows];
    let mut col_id = vec![usize::MAX; cols];
    let (mut nr, mut nc) = (0, 0);
    for &(i, j) in cells {
        if row_id[i] == usize::MAX {
            row_id[i] = nr;
            nr += 1;
        }
        if col_id[j] == usize::MAX {
            col_id[j] = nc;
            nc += 1;
        }
    }
    let mut in_row = vec![0u64; nr * w];
    let mut in_col = vec![0u64; nc * w];
    for (k, &(i, j)) in cells.iter().enumerate() {
        in_row[row_id[i] * w + k / 64] |= 1 << (k % 64);
        in_col[col_id[j] * w + k / 64] |= 1 << (k % 64);
    }
    let mut a_row = vec![0u64; nr * w];
    let mut b_col = vec![0u64; nc * w];
    for &(i, j) in cells {
        let (r, c) = (row_id[i], col_id[j]);
        for t in 0..w {
            a_row[r * w + t] |= in_col[c * w + t];
            b_col[c * w + t] |= in_row[r * w + t];
        }
    }
    let mut adj = vec![0u64; n * w];
    for (k, &(i, j)) in cells.iter().enumerate() {
        let (r, c) = (row_id[i] * w, col_id[j] * w);
        for t in 0..w {
            let bad = (a_row[r + t] & b_col[c + t]) | in_row[r + t] | in_col[c + t];
            let valid = if (t + 1) * 64 <= n {
                u64::MAX
            } else {
                (1u64 << (n % 64)) - 1
            };
            adj[k * w + t] = !bad & valid;
        }
    }
    adj
}

/// Orbit representative of each vertex of `p` under the group generated by
/// `group` (union-find; other vertices map to themselves).
fn orbit_roots(group: &[Vec<u32>], p: &[u64], n: usize) -> Vec<u32> {
    fn find(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            let q = parent[v as usize];
            parent[v as usize] = parent[q as usize];
            v = q;
        }
        v
    }
    let mut parent: Vec<u32> = (0..n as u32).collect();
    for g in group {
        for v in bits(p) {
            let a = find(&mut parent, v as u32);
            let b = find(&mut parent, g[v]);
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
    }
    (0..n as u32).map(|v| find(&mut parent, v)).collect()
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
    max_fooling_set_tuned(m, colour, budget, external_upper, Tuning::default())
}

/// [`max_fooling_set`] with explicit search knobs.
pub(crate) fn max_fooling_set_tuned(
    m: &CommMatrix,
    colour: u8,
    budget: u64,
    external_upper: &[(usize, String)],
    tuning: Tuning,
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
    if cells.len() > MAX_CLIQUE_VERTICES {
        let set = greedy_only(&mut cells, rm, colour, budget, upper);
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
    // Build the compatibility graph, vertices in smallest-last order.
    let n0 = cells.len();
    let w0 = n0.div_ceil(64);
    let adj0 = compatibility_rows(&cells, rm.rows(), rm.cols());
    // smallest-last (degeneracy) order: repeatedly take a vertex of minimum
    // remaining degree (the first such index) and list it; removed vertices
    // get degree u32::MAX.
    let order = smallest_last_order(&adj0, n0, w0);
    let ordered: Vec<(usize, usize)> = order.iter().map(|&k| cells[k]).collect();
    let adj = compatibility_rows(&ordered, rm.rows(), rm.cols());
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
        sym: None,
        scratch_nz: Vec::new(),
        scratch_u: Vec::new(),
        scratch_q: Vec::new(),

        orders: Vec::new(),
        sets: Vec::new(),
    };
    let mut all = vec![0u64; g.w];
    for v in 0..g.n {
        all[v / 64] |= 1 << (v % 64);
    }
    let mut root_order = Vec::new();
    s.colour_sort(&all, &mut root_order);
    let root_colours = root_order.last().map_or(0, |&(_, k)| k);
    if root_colours < upper {
        upper = root_colours;
        upper_reason = "greedy colouring of the compatibility graph".into();
    }
    s.cap = upper;
    // Russian dolls (Östergård 2002) over suffixes of the vertex order, each
    // searched with the colouring bound.
    let mut clique = Vec::new();
    // Symmetry: matrix automorphisms act on the vertices; at the top and the
    // first levels only one vertex per orbit is explored.
    let mut top_group = Vec::new();
    if s.best.len() < upper
        && g.n >= tuning.symmetry_min_vertices
        && let Some(mut sym) = Symmetry::of(rm, colour, &ordered, tuning)
    {
        top_group = sym.group(&[], &all);
        if !top_group.is_empty() {
            s.sym = Some(sym);
        }
    }
    if s.best.len() < upper && !top_group.is_empty() {
        s.expand(&mut clique, &mut all.clone(), &top_group);
    } else if s.best.len() < upper {
        s.russian_dolls(&mut clique);
    }
    let best: Vec<(usize, usize)> = s.best.iter().map(|&k| cells[order[k]]).collect();
    let lower = best.len();
    let (upper, reason, upper_reason) = s.outcome(lower, upper, upper_reason);
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

/// Greedy fooling sets only (too many cells for the exact search). A cell
/// whose row and column hold few `colour` entries is compatible with most
/// others (a pair fails only if both crossing cells have the colour), so
/// cells are scanned in ascending order of (row count + column count) — an
/// all-`colour` row or column comes last instead of blocking everything
/// after it. Then restarts from evenly spaced offsets of that order
/// (wrapping around), while the check budget lasts; the largest set wins.
fn greedy_only(
    cells: &mut [(usize, usize)],
    rm: &CommMatrix,
    colour: u8,
    budget: u64,
    upper: usize,
) -> Vec<(usize, usize)> {
    let compatible = |a: (usize, usize), b: (usize, usize)| {
        a.0 != b.0 && a.1 != b.1 && (rm.get(a.0, b.1) != colour || rm.get(b.0, a.1) != colour)
    };
    let mut row_count = vec![0u32; rm.rows()];
    let mut col_count = vec![0u32; rm.cols()];
    for &(i, j) in cells.iter() {
        row_count[i] += 1;
        col_count[j] += 1;
    }
    cells.sort_by_key(|&(i, j)| (row_count[i] + col_count[j], i, j));
    let limit = budget.saturating_mul(64);
    let mut checks = 0u64;
    let mut set: Vec<(usize, usize)> = Vec::new();
    for pass in 0..GREEDY_PASSES {
        if checks > limit {
            break;
        }
        let start = cells.len() / GREEDY_PASSES * pass;
        let mut cand: Vec<(usize, usize)> = Vec::new();
        let mut used_rows = vec![false; rm.rows()];
        let mut used_cols = vec![false; rm.cols()];
        for &c in cells[start..].iter().chain(&cells[..start]) {
            if used_rows[c.0] || used_cols[c.1] {
                continue;
            }
            checks += cand.len() as u64 + 1;
            if checks > limit {
                break;
            }
            if cand.iter().all(|&s| compatible(s, c)) {
                used_rows[c.0] = true;
                used_cols[c.1] = true;
                cand.push(c);
            }
        }
        if cand.len() > set.len() {
            set = cand;
        }
        if set.len() >= upper {
            break;
        }
    }
    set
}

/// Smallest-last (degeneracy) order of the graph with adjacency rows `adj0`
/// (`n0` vertices, `w0` words a row): repeatedly take a vertex of minimum
/// remaining degree (the first such index) and list it; removed vertices get
/// degree `u32::MAX`.
fn smallest_last_order(adj0: &[u64], n0: usize, w0: usize) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(n0);
    let mut d: Vec<u32> = adj0
        .chunks_exact(w0)
        .map(|r| r.iter().map(|w| w.count_ones()).sum())
        .collect();
    let mut alive = vec![0u64; w0];
    for v in 0..n0 {
        alive[v / 64] |= 1 << (v % 64);
    }
    for _ in 0..n0 {
        let mut v = 0;
        for u in 1..n0 {
            if d[u] < d[v] {
                v = u;
            }
        }
        d[v] = u32::MAX;
        alive[v / 64] &= !(1 << (v % 64));
        order.push(v);
        for (t, (&a, &l)) in adj0[v * w0..(v + 1) * w0].iter().zip(&alive).enumerate() {
            let mut x = a & l;
            while x != 0 {
                d[t * 64 + x.trailing_zeros() as usize] -= 1;
                x &= x - 1;
            }
        }
    }
    order
}

/// `{a, b}`, or `{a}` when they are equal (two cells in one row or column).
fn index_set(a: usize, b: usize) -> String {
    if a == b {
        format!("{{{a}}}")
    } else {
        format!("{{{a}, {b}}}")
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
    fn greedy_beyond_the_exact_limit_is_verified_and_not_blocked_by_a_zero_row() {
        // IP_8 has 256 x 256 cells, more of each colour than the exact search
        // takes. Its all-zero row and column would block a row-major greedy at
        // one 0-cell; sparse-first ordering with restarts does far better.
        let ip = named_matrix("ip", 8, None).unwrap();
        for colour in [0u8, 1] {
            let r = max_fooling_set(&ip, colour, 1_000_000, &[]);
            assert!(r.reason.contains("greedy only"), "{}", r.reason);
            verify_fooling_set(&ip, &r.set, colour).unwrap();
            assert_eq!(r.lower, r.set.len());
            assert!(r.lower >= 16 && r.lower <= r.upper, "{colour}: {}", r.lower);
        }
        // deterministic
        let a = max_fooling_set(&ip, 0, 1_000_000, &[]);
        assert_eq!(a.set, max_fooling_set(&ip, 0, 1_000_000, &[]).set);
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
    fn compatibility_rows_match_the_pairwise_definition() {
        let mut seed = 5u64;
        for trial in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (r, c) = (3 + trial % 9, 2 + (trial * 7) % 11);
            let m = CommMatrix::from_fn(r, c, |i, j| ((seed >> ((i * 5 + j * 3) % 61)) % 3) as u8)
                .unwrap();
            for colour in 0..3 {
                let mut cells: Vec<(usize, usize)> = (0..r)
                    .flat_map(|i| (0..c).map(move |j| (i, j)))
                    .filter(|&(i, j)| m.get(i, j) == colour)
                    .collect();
                cells.reverse(); // any order
                let adj = compatibility_rows(&cells, r, c);
                let w = cells.len().div_ceil(64);
                for (a, &ca) in cells.iter().enumerate() {
                    for (b, &cb) in cells.iter().enumerate() {
                        let want = a != b && verify_fooling_set(&m, &[ca, cb], colour).is_ok();
                        assert_eq!((adj[a * w + b / 64] >> (b % 64)) & 1 == 1, want);
                    }
                    if !cells.len().is_multiple_of(64) {
                        assert_eq!(adj[a * w + w - 1] >> (cells.len() % 64), 0);
                    }
                }
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

    /// Symmetry pruning forced on from the smallest graph and to any depth.
    fn forced(call_budget: u64) -> Tuning {
        Tuning {
            symmetry_min_vertices: 0,
            symmetry_depth: usize::MAX,
            symmetry_call_budget: call_budget,
            symmetry_total_budget: u64::MAX,
        }
    }

    /// No symmetry pruning: the plain branch and bound.
    const PLAIN: Tuning = Tuning {
        symmetry_min_vertices: usize::MAX,
        symmetry_depth: 0,
        symmetry_call_budget: 0,
        symmetry_total_budget: 0,
    };

    #[test]
    fn named_exact_values() {
        // (function, n, largest 1-fooling set, largest 0-fooling set)
        let mut table = vec![];
        for n in 1..=4u32 {
            let p = 1usize << n;
            table.push((
                "ip",
                n,
                [1, 3, 7, 11][n as usize - 1],
                [2, 3, 7, 10][n as usize - 1],
            ));
            table.push(("eq", n, p, if n == 1 { 2 } else { 3 }));
            table.push(("disj", n, p, n as usize));
            table.push(("gt", n, p - 1, p));
        }
        table.push(("ip", 5, 21, 18));
        for (name, n, one, zero) in table {
            let m = named_matrix(name, n, None).unwrap();
            for (colour, want) in [(1u8, one), (0, zero)] {
                let mut tunings = vec![Tuning::default(), forced(u64::MAX)];
                if n <= 4 {
                    tunings.push(PLAIN);
                }
                for t in tunings {
                    let r = max_fooling_set_tuned(&m, colour, u64::MAX, &[], t);
                    assert_eq!(
                        (r.lower, r.upper),
                        (want, want),
                        "{name}_{n} colour {colour} {t:?}"
                    );
                    verify_fooling_set(&m, &r.set, colour).unwrap();
                }
            }
        }
    }

    #[test]
    fn symmetry_cuts_ip4_search() {
        let ip = named_matrix("ip", 4, None).unwrap();
        for colour in [0u8, 1] {
            let plain = max_fooling_set_tuned(&ip, colour, u64::MAX, &[], PLAIN);
            let sym = max_fooling_set(&ip, colour, u64::MAX, &[]);
            assert_eq!(sym.lower, plain.lower);
            assert!(
                sym.nodes * 20 < plain.nodes,
                "{} vs {}",
                sym.nodes,
                plain.nodes
            );
        }
    }

    #[test]
    fn budget_with_symmetry_gives_proven_interval() {
        let ip = named_matrix("ip", 5, None).unwrap();
        for (colour, exact) in [(1u8, 21), (0, 18)] {
            for budget in [1, 10, 100, 1000] {
                let r = max_fooling_set(&ip, colour, budget, &[]);
                assert!(r.lower <= exact && exact <= r.upper, "{budget}: {r:?}");
                assert_eq!(r.set.len(), r.lower);
                verify_fooling_set(&ip, &r.set, colour).unwrap();
            }
        }
    }

    /// A matrix with many automorphisms: `kind` 0 is `h(x XOR y)` on
    /// `2^k` points, 1 is `h((x + y) mod n)`, 2 is `h(x - y mod n)`,
    /// 3 a function of `(|x & y|, |x|, |y|)` on `k`-bit strings, 4 a
    /// Kronecker product; then rows and columns are shuffled.
    fn structured(kind: u8, size: usize, table: &[u8], pr: &[usize], pc: &[usize]) -> CommMatrix {
        let h = |z: usize| table[z % table.len()];
        let k = size.clamp(1, 4);
        let s = (size % 3) + 2;
        let (r, c) = match kind {
            0 | 3 => (1 << k, 1 << k),
            1 | 2 => (size, size),
            _ => (s * 3, s * 3),
        };
        let f = |x: usize, y: usize| match kind {
            0 => h(x ^ y),
            1 => h((x + y) % size),
            2 => h((x + size - y) % size),
            3 => {
                let a = (x & y).count_ones() as usize;
                h(a * 25 + x.count_ones() as usize * 5 + y.count_ones() as usize)
            }
            _ => h((x / 3) * 7 + y / 3) ^ h(40 + (x % 3) * 3 + y % 3),
        };
        let pr: Vec<usize> = pr.iter().copied().filter(|&i| i < r).collect();
        let pc: Vec<usize> = pc.iter().copied().filter(|&j| j < c).collect();
        CommMatrix::from_fn(r, c, |i, j| f(pr[i], pc[j])).unwrap()
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Orbit pruning (with complete or budget-truncated automorphism
            /// groups) finds fooling sets of the same size as the plain search.
            #[test]
            fn symmetry_equals_plain_search(
                kind in 0u8..5,
                size in 3usize..=12,
                values in 2u8..=3,
                table in proptest::collection::vec(0u8..=255, 64),
                pr in Just((0..16).collect::<Vec<usize>>()).prop_shuffle(),
                pc in Just((0..16).collect::<Vec<usize>>()).prop_shuffle(),
                call_budget in prop_oneof![Just(u64::MAX), 50u64..20_000],
            ) {
                let table: Vec<u8> = table.iter().map(|v| v % values).collect();
                let m = structured(kind, size, &table, &pr, &pc);
                for colour in 0..values {
                    let plain = max_fooling_set_tuned(&m, colour, u64::MAX, &[], PLAIN);
                    let sym = max_fooling_set_tuned(&m, colour, u64::MAX, &[], forced(call_budget));
                    prop_assert_eq!((sym.lower, sym.upper), (plain.lower, plain.upper));
                    prop_assert_eq!(sym.lower, sym.upper);
                    prop_assert_eq!(sym.set.len(), sym.lower);
                    prop_assert!(verify_fooling_set(&m, &sym.set, colour).is_ok());
                }
            }

            /// The same on unstructured matrices (mostly trivial groups).
            #[test]
            fn symmetry_equals_plain_search_random(
                rows in proptest::collection::vec(proptest::collection::vec(0u8..2, 7), 7),
            ) {
                let m = CommMatrix::from_rows(&rows).unwrap();
                for colour in 0..2 {
                    let plain = max_fooling_set_tuned(&m, colour, u64::MAX, &[], PLAIN);
                    let sym = max_fooling_set_tuned(&m, colour, u64::MAX, &[], forced(u64::MAX));
                    prop_assert_eq!(sym.lower, plain.lower);
                    prop_assert!(verify_fooling_set(&m, &sym.set, colour).is_ok());
                }
            }
        }
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
