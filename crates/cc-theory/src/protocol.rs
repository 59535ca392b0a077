//! Exact deterministic communication complexity `D(f)` with an optimal
//! protocol tree as certificate, and checking of protocol trees.
//!
//! ## Model and convention
//!
//! A protocol tree (Kushilevitz–Nisan Def. 1.1) has internal nodes owned by
//! Alice or Bob; the owner's inputs in the node's rectangle are split into
//! those that send bit 0 and those that send bit 1. Each leaf is labelled
//! with an output. The tree is correct if every input `(x, y)` reaches a
//! leaf labelled `f(x, y)`; then the inputs reaching a leaf form a
//! monochromatic rectangle. `D(f)` is the least depth of a correct tree,
//! counting the answer bit (KN convention: a depth-`d` tree has at most
//! `2^d` leaves, `D(EQ_n) = n + 1`). [`AnswerBit::NotCounted`] reports one
//! less for non-constant functions (the last speaker need not announce the
//! answer).
//!
//! ## Algorithm
//!
//! Iterative deepening on "solvable in `b` bits" from the best cheap lower
//! bound up to the one-way upper bound `min(ceil(log2 #rows), ceil(log2 #cols)) + 1`.
//! `solvable(M, b)`: `M` monochromatic, or some split of the rows (or the
//! columns) into two nonempty parts gives two sub-matrices solvable in
//! `b - 1` bits. Sub-matrices are memoised on a normal form (duplicate rows
//! and columns removed, rows and columns sorted as bit masks), taken as the
//! least of the normal forms of `M`, `J - M`, `M^T` and `J - M^T`, since
//! solvability is invariant under complement (relabel the leaves) and
//! transpose (swap the players). The first row is fixed in the 0-part (the
//! two parts are symmetric). A sub-problem is cut when its lower bound
//! exceeds `b`: `ceil(log2(rk_F(M) + rk_F'(J - M)))` with the better of
//! F = GF(2) and GF(2^31 - 1) on each side (KN Lemma 1.28: a tree has at
//! least `rk_F(M)` 1-leaves and `rk_F'(J - M)` 0-leaves), and
//! `ceil(log2(|S_1| + |S_0|))` for greedy fooling sets `S_1`, `S_0` (KN §1.3);
//! it is solved at once when its one-way bound is `<= b`. A node budget
//! returns the proven interval. The search is sequential: at the sizes it
//! accepts (at most 64 distinct rows and columns) it takes milliseconds on
//! the hardest 10 x 10 matrices found, so threads would not pay for their
//! memo synchronisation.
//!
//! Beyond 64 distinct rows or columns `D(f)` is still exact when the rank
//! bound meets the one-way bound (e.g. `EQ_n`, `IP_n`, `INDEX_k` for every
//! size accepted); otherwise [`deterministic_complexity`] reports
//! [`TheoryError::TooLarge`].
//!
//! ## Text format of protocol trees
//!
//! One node per line; children are indented deeper than their parent, the
//! 0-child first, then the 1-child. `#` starts a comment.
//!
//! ```text
//! alice 0 2 5     # Alice speaks: her inputs 0, 2, 5 send 0, all others send 1
//!   bob 1         # after bit 0, Bob speaks: his input 1 sends 0
//!     leaf 1
//!     leaf 0
//!   leaf 0        # after bit 1
//! ```
//!
//! `alice` / `bob` may be abbreviated `a` / `b`; an empty list means all
//! inputs send 1. JSON uses the serde form of [`ProtocolTree`], e.g.
//! `{"leaf": 1}` or `{"alice": {"zero": [0, 2], "on_zero": ..., "on_one": ...}}`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TheoryError};
use crate::gf2::rank_gf2_masks;
use crate::matrix::CommMatrix;

/// Largest number of distinct rows and of distinct columns for the exact search.
pub const MAX_PROTOCOL_DIM: usize = 64;

/// A protocol tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolTree {
    /// A leaf announcing `output`.
    Leaf(u8),
    /// Alice sends a bit.
    Alice(Split),
    /// Bob sends a bit.
    Bob(Split),
}

/// An internal node: the speaker's inputs in `zero` send 0, all others send 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Inputs of the speaker (original indices) that send bit 0.
    pub zero: Vec<usize>,
    /// Subtree after bit 0.
    pub on_zero: Box<ProtocolTree>,
    /// Subtree after bit 1.
    pub on_one: Box<ProtocolTree>,
}

impl ProtocolTree {
    /// Depth (longest root-to-leaf path, in bits).
    pub fn depth(&self) -> u32 {
        match self {
            ProtocolTree::Leaf(_) => 0,
            ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => {
                1 + s.on_zero.depth().max(s.on_one.depth())
            }
        }
    }

    /// Number of leaves.
    pub fn leaves(&self) -> usize {
        match self {
            ProtocolTree::Leaf(_) => 1,
            ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => s.on_zero.leaves() + s.on_one.leaves(),
        }
    }

    /// Output of the protocol on `(x, y)` and the number of bits exchanged.
    pub fn run(&self, x: usize, y: usize) -> (u8, u32) {
        let mut node = self;
        let mut bits = 0;
        loop {
            match node {
                ProtocolTree::Leaf(v) => return (*v, bits),
                ProtocolTree::Alice(s) => {
                    bits += 1;
                    node = if s.zero.contains(&x) {
                        &s.on_zero
                    } else {
                        &s.on_one
                    };
                }
                ProtocolTree::Bob(s) => {
                    bits += 1;
                    node = if s.zero.contains(&y) {
                        &s.on_zero
                    } else {
                        &s.on_one
                    };
                }
            }
        }
    }

    /// Renders the tree in the text format (round-trips through [`parse_protocol_tree`]).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out, 0, None);
        out
    }

    /// Renders the tree with a comment per node giving the rectangle reached
    /// (rows x columns) — the `--explain` view.
    pub fn explain(&self, m: &CommMatrix) -> String {
        let mut out = String::new();
        let rows: Vec<usize> = (0..m.rows()).collect();
        let cols: Vec<usize> = (0..m.cols()).collect();
        self.write_text(&mut out, 0, Some((m, rows, cols)));
        out
    }

    fn write_text(
        &self,
        out: &mut String,
        depth: usize,
        rect: Option<(&CommMatrix, Vec<usize>, Vec<usize>)>,
    ) {
        let pad = "  ".repeat(depth);
        let note = |rows: &[usize], cols: &[usize]| {
            format!("  # rectangle {} x {}", rows.len(), cols.len())
        };
        match self {
            ProtocolTree::Leaf(v) => {
                let _ = write!(out, "{pad}leaf {v}");
                if let Some((_, r, c)) = &rect {
                    out.push_str(&note(r, c));
                }
                out.push('\n');
            }
            ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => {
                let alice = matches!(self, ProtocolTree::Alice(_));
                let who = if alice { "alice" } else { "bob" };
                let list: Vec<String> = s.zero.iter().map(ToString::to_string).collect();
                let _ = write!(out, "{pad}{who}");
                if !list.is_empty() {
                    let _ = write!(out, " {}", list.join(" "));
                }
                let children = rect.map(|(m, r, c)| {
                    out.push_str(&note(&r, &c));
                    if alice {
                        let (z, o): (Vec<usize>, Vec<usize>) =
                            r.iter().partition(|x| s.zero.contains(x));
                        ((m, z, c.clone()), (m, o, c))
                    } else {
                        let (z, o): (Vec<usize>, Vec<usize>) =
                            c.iter().partition(|y| s.zero.contains(y));
                        ((m, r.clone(), z), (m, r, o))
                    }
                });
                out.push('\n');
                match children {
                    Some((a, b)) => {
                        s.on_zero.write_text(out, depth + 1, Some(a));
                        s.on_one.write_text(out, depth + 1, Some(b));
                    }
                    None => {
                        s.on_zero.write_text(out, depth + 1, None);
                        s.on_one.write_text(out, depth + 1, None);
                    }
                }
            }
        }
    }
}

/// Parses a protocol tree: JSON if the text starts with `{`, else the text format.
pub fn parse_protocol_tree(input: &str) -> Result<ProtocolTree> {
    let input = crate::parse::strip_bom(input);
    let trimmed = input.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(input).map_err(|e| TheoryError::Parse {
            line: e.line(),
            column: e.column(),
            message: format!("invalid JSON protocol tree: {e}"),
        });
    }
    let mut lines = Vec::new();
    for (li, raw) in input.lines().enumerate() {
        let data = raw.split('#').next().unwrap_or("");
        if data.trim().is_empty() {
            continue;
        }
        let indent = data.len() - data.trim_start().len();
        lines.push((li + 1, indent, data.trim().to_string(), indent + 1));
    }
    if lines.is_empty() {
        return Err(TheoryError::Parse {
            line: 1,
            column: 1,
            message: "empty protocol tree".into(),
        });
    }
    let mut pos = 0;
    let tree = parse_node(&lines, &mut pos, None, 0)?;
    if let Some((line, _, _, col)) = lines.get(pos) {
        return Err(TheoryError::Parse {
            line: *line,
            column: *col,
            message: "extra node after a complete tree (check the indentation)".into(),
        });
    }
    Ok(tree)
}

type Line = (usize, usize, String, usize);

/// Deepest protocol tree accepted by the text parser.
pub const MAX_TREE_DEPTH: usize = 1024;

fn parse_node(
    lines: &[Line],
    pos: &mut usize,
    parent_indent: Option<(usize, usize)>,
    depth: usize,
) -> Result<ProtocolTree> {
    let Some((line, indent, text, col)) = lines.get(*pos) else {
        let (pl, _) = parent_indent.unwrap_or((1, 0));
        return Err(TheoryError::Parse {
            line: pl,
            column: 1,
            message: "this node needs two children (0-child, then 1-child), found fewer".into(),
        });
    };
    if let Some((pl, pi)) = parent_indent
        && *indent <= pi
    {
        return Err(TheoryError::Parse {
            line: *line,
            column: *col,
            message: format!("expected a child of the node on line {pl} (indented deeper than it)"),
        });
    }
    if depth > MAX_TREE_DEPTH {
        return Err(TheoryError::Parse {
            line: *line,
            column: *col,
            message: format!("protocol tree deeper than {MAX_TREE_DEPTH} levels"),
        });
    }
    *pos += 1;
    let mut words = text.split_whitespace();
    let head = words.next().unwrap_or("").to_ascii_lowercase();
    let perr = |m: String| TheoryError::Parse {
        line: *line,
        column: *col,
        message: m,
    };
    match head.as_str() {
        "leaf" | "l" => {
            let v = words
                .next()
                .ok_or_else(|| perr("leaf needs an output value".into()))?;
            let v = v
                .parse::<u8>()
                .map_err(|_| perr(format!("`{v}` is not an output value 0..=255")))?;
            if let Some(extra) = words.next() {
                return Err(perr(format!("unexpected `{extra}` after the leaf value")));
            }
            Ok(ProtocolTree::Leaf(v))
        }
        "alice" | "a" | "bob" | "b" => {
            let mut zero = Vec::new();
            for w in words {
                for part in w.split(',').filter(|p| !p.is_empty()) {
                    zero.push(
                        part.parse::<usize>()
                            .map_err(|_| perr(format!("`{part}` is not an input index")))?,
                    );
                }
            }
            zero.sort_unstable();
            zero.dedup();
            let on_zero = Box::new(parse_node(lines, pos, Some((*line, *indent)), depth + 1)?);
            let on_one = Box::new(parse_node(lines, pos, Some((*line, *indent)), depth + 1)?);
            let s = Split {
                zero,
                on_zero,
                on_one,
            };
            Ok(if head.starts_with('a') {
                ProtocolTree::Alice(s)
            } else {
                ProtocolTree::Bob(s)
            })
        }
        other => Err(perr(format!(
            "unknown node `{other}`: use `alice <inputs sending 0>`, `bob <inputs>` or `leaf <value>`"
        ))),
    }
}

/// Why a protocol tree is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// An index in a split is not an input of that player.
    #[error("a {player} node lists input {index}, but {player} has only {count} inputs")]
    BadIndex {
        /// `alice` or `bob`.
        player: String,
        /// The index.
        index: usize,
        /// Number of that player's inputs.
        count: usize,
    },
    /// Some input reaches a leaf with the wrong output.
    #[error(
        "input (x = {x}, y = {y}) reaches a leaf announcing {announced}, but f(x, y) = {value}: that leaf's rectangle is not monochromatic"
    )]
    WrongLeaf {
        /// Alice's input.
        x: usize,
        /// Bob's input.
        y: usize,
        /// Output of the leaf.
        announced: u8,
        /// True value.
        value: u8,
    },
}

/// Checks a protocol tree against `m`: every index is valid and every input
/// `(x, y)` (row-major order) reaches a leaf announcing `f(x, y)`. Returns the
/// depth (worst-case bits) on success. Every input reaches exactly one leaf
/// by construction, so the leaf rectangles partition the matrix.
pub fn verify_protocol_tree(
    m: &CommMatrix,
    tree: &ProtocolTree,
) -> std::result::Result<u32, ProtocolViolation> {
    fn indices(
        t: &ProtocolTree,
        rows: usize,
        cols: usize,
    ) -> std::result::Result<(), ProtocolViolation> {
        match t {
            ProtocolTree::Leaf(_) => Ok(()),
            ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => {
                let (player, count) = if matches!(t, ProtocolTree::Alice(_)) {
                    ("alice", rows)
                } else {
                    ("bob", cols)
                };
                if let Some(&index) = s.zero.iter().find(|&&i| i >= count) {
                    return Err(ProtocolViolation::BadIndex {
                        player: player.into(),
                        index,
                        count,
                    });
                }
                indices(&s.on_zero, rows, cols)?;
                indices(&s.on_one, rows, cols)
            }
        }
    }
    indices(tree, m.rows(), m.cols())?;
    // Walk the tree with the rectangle of inputs reaching each node (the
    // rows and columns stay ascending); at each leaf find its first wrong
    // cell in row-major order, and report the least of these.
    struct Walk<'a> {
        m: &'a CommMatrix,
        mark_rows: Vec<bool>,
        mark_cols: Vec<bool>,
        first: Option<ProtocolViolation>,
    }
    impl Walk<'_> {
        fn go(&mut self, t: &ProtocolTree, rows: &[usize], cols: &[usize]) {
            match t {
                ProtocolTree::Leaf(announced) => {
                    let found = rows.iter().find_map(|&x| {
                        cols.iter().find_map(|&y| {
                            let value = self.m.get(x, y);
                            (value != *announced).then_some((x, y, value))
                        })
                    });
                    if let Some((x, y, value)) = found {
                        let better = match &self.first {
                            Some(ProtocolViolation::WrongLeaf { x: fx, y: fy, .. }) => {
                                (x, y) < (*fx, *fy)
                            }
                            _ => true,
                        };
                        if better {
                            self.first = Some(ProtocolViolation::WrongLeaf {
                                x,
                                y,
                                announced: *announced,
                                value,
                            });
                        }
                    }
                }
                ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => {
                    let alice = matches!(t, ProtocolTree::Alice(_));
                    let mark = if alice {
                        &mut self.mark_rows
                    } else {
                        &mut self.mark_cols
                    };
                    for &i in &s.zero {
                        mark[i] = true;
                    }
                    let own = if alice { rows } else { cols };
                    let (zero, one): (Vec<usize>, Vec<usize>) = own.iter().partition(|&&i| mark[i]);
                    for &i in &s.zero {
                        mark[i] = false;
                    }
                    if alice {
                        self.go(&s.on_zero, &zero, cols);
                        self.go(&s.on_one, &one, cols);
                    } else {
                        self.go(&s.on_zero, rows, &zero);
                        self.go(&s.on_one, rows, &one);
                    }
                }
            }
        }
    }
    let mut w = Walk {
        m,
        mark_rows: vec![false; m.rows()],
        mark_cols: vec![false; m.cols()],
        first: None,
    };
    let rows: Vec<usize> = (0..m.rows()).collect();
    let cols: Vec<usize> = (0..m.cols()).collect();
    w.go(tree, &rows, &cols);
    match w.first {
        Some(v) => Err(v),
        None => Ok(tree.depth()),
    }
}

/// Whether the final answer bit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerBit {
    /// Kushilevitz–Nisan: leaves announce the answer, `D(EQ_n) = n + 1` (default).
    #[default]
    Counted,
    /// The answer need not be sent: one less for non-constant functions.
    NotCounted,
}

/// Result of [`deterministic_complexity`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeterministicResult {
    /// Proven lower bound on `D(f)` (answer bit counted).
    pub lower: u32,
    /// Upper bound: depth of `tree`.
    pub upper: u32,
    /// A correct protocol tree of depth `upper` (original indices).
    pub tree: ProtocolTree,
    /// Search nodes used.
    pub nodes: u64,
    /// Why the search stopped, and what proves the lower bound.
    pub reason: String,
}

impl DeterministicResult {
    /// The proven interval in the given convention: `NotCounted` subtracts the
    /// answer bit for non-constant functions (`D > 0`).
    pub fn interval(&self, convention: AnswerBit) -> (u32, u32) {
        match convention {
            AnswerBit::Counted => (self.lower, self.upper),
            AnswerBit::NotCounted => (self.lower.saturating_sub(1), self.upper.saturating_sub(1)),
        }
    }
}

/// A sub-matrix in normal form: distinct sorted row masks over `cols` columns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    cols: u32,
    rows: Vec<u64>,
}

/// Transposes the leading `s x s` block (`s` a power of two, `8 <= s <= N`)
/// of a bit matrix in place: afterwards bit `i` of `a[j]` is the former bit
/// `j` of `a[i]` (recursive block swaps, Warren, *Hacker's Delight* §7-3).
/// Rows and bits beyond `s` must be zero.
fn transpose_block<const N: usize>(a: &mut [u64; N], s: usize) {
    let mut j = s / 2;
    let mut m: u64 = (1u64 << j) - 1;
    while j != 0 {
        let mut k = 0;
        while k < s {
            let t = ((a[k] >> j) ^ a[k + j]) & m;
            a[k] ^= t << j;
            a[k + j] ^= t;
            k = (k + j + 1) & !j;
        }
        j >>= 1;
        m ^= m << j;
    }
}

/// A matrix of at most `N x N` (`N` in 16, 32, 64) as row masks on the stack.
#[derive(Clone, Copy)]
struct Small<const N: usize> {
    rows: [u64; N],
    nrows: usize,
    ncols: usize,
}

impl<const N: usize> Small<N> {
    fn new(rows: &[u64], ncols: usize) -> Self {
        let mut a = [0u64; N];
        a[..rows.len()].copy_from_slice(rows);
        Small {
            rows: a,
            nrows: rows.len(),
            ncols,
        }
    }

    fn transpose(&self) -> Self {
        let mut a = self.rows;
        let side = self.nrows.max(self.ncols).next_power_of_two().max(8);
        transpose_block(&mut a, side);
        Small {
            rows: a,
            nrows: self.ncols,
            ncols: self.nrows,
        }
    }

    fn complement(&self) -> Self {
        let mask = full_mask(self.ncols as u32);
        let mut out = *self;
        for r in &mut out.rows[..self.nrows] {
            *r = !*r & mask;
        }
        out
    }

    /// Sorts the rows and removes duplicates.
    fn sort_dedup(&mut self) {
        let v = &mut self.rows[..self.nrows];
        v.sort_unstable();
        let mut k = 0;
        for i in 0..v.len() {
            if i == 0 || v[i] != v[k - 1] {
                v[k] = v[i];
                k += 1;
            }
        }
        self.rows[k..].fill(0);
        self.nrows = k;
    }

    /// Normal form: distinct rows and columns, sorted (rows are sorted last).
    fn normal_form(mut self) -> Self {
        self.sort_dedup();
        let mut t = self.transpose();
        t.sort_dedup();
        let mut r = t.transpose();
        r.rows[..r.nrows].sort_unstable();
        r
    }

    fn key_order(&self) -> (usize, &[u64]) {
        (self.ncols, &self.rows[..self.nrows])
    }

    fn to_key(self) -> Key {
        Key {
            cols: self.ncols as u32,
            rows: self.rows[..self.nrows].to_vec(),
        }
    }

    /// See [`canonical`].
    fn canonical(rows: &[u64], cols: usize) -> Key {
        let k = Self::new(rows, cols).normal_form();
        let t = k.transpose();
        let mut best = k;
        for cand in [k.complement(), t, t.complement()] {
            let c = cand.normal_form();
            if c.key_order() < best.key_order() {
                best = c;
            }
        }
        best.to_key()
    }
}

fn transpose_masks(rows: &[u64], cols: usize) -> Vec<u64> {
    Small::<64>::new(rows, cols).transpose().rows[..cols].to_vec()
}

fn normal_form(rows: &[u64], cols: usize) -> Key {
    Small::<64>::new(rows, cols).normal_form().to_key()
}

/// The memo key of a sub-matrix: the least of the normal forms of `M`,
/// `J - M`, `M^T` and `J - M^T`. Solvability in `b` bits is invariant under
/// complement (relabel the leaves) and transpose (swap the players), so all
/// four share one memo entry.
fn canonical(rows: &[u64], cols: usize) -> Key {
    match rows.len().max(cols) {
        0..=16 => Small::<16>::canonical(rows, cols),
        17..=32 => Small::<32>::canonical(rows, cols),
        _ => Small::<64>::canonical(rows, cols),
    }
}

fn full_mask(cols: u32) -> u64 {
    if cols >= 64 {
        u64::MAX
    } else {
        (1u64 << cols) - 1
    }
}

const P31: u64 = (1 << 31) - 1;

/// Rank modulo `2^31 - 1` of a 0/1 matrix of at most 64 x 64 given as row
/// masks (of its complement when `complement`).
fn rank_mod_p_masks(rows: &[u64], cols: usize, complement: bool) -> usize {
    let mask = full_mask(cols as u32);
    let n = rows.len();
    let mut a = [[0u32; 64]; 64];
    for (row, &r) in a.iter_mut().zip(rows) {
        let r = if complement { !r & mask } else { r };
        for (j, x) in row[..cols].iter_mut().enumerate() {
            *x = ((r >> j) & 1) as u32;
        }
    }
    let mut rank = 0;
    for c in 0..cols {
        let Some(i) = (rank..n).find(|&i| a[i][c] != 0) else {
            continue;
        };
        a.swap(i, rank);
        let inv = crate::rank::modinv(u64::from(a[rank][c]), P31);
        let (top, bottom) = a.split_at_mut(rank + 1);
        let prow = &top[rank];
        for row in bottom[..n - rank - 1].iter_mut() {
            let v = u64::from(row[c]);
            if v != 0 {
                let l = (P31 - v * inv % P31) % P31;
                for (x, &y) in row[c..cols].iter_mut().zip(&prow[c..cols]) {
                    *x = ((u64::from(*x) + l * u64::from(y)) % P31) as u32;
                }
            }
        }
        rank += 1;
        if rank == n {
            break;
        }
    }
    rank
}

/// Size of a greedy 1-fooling set of the 0/1 matrix given by row masks.
fn greedy_fooling(rows: &[u64], cols: usize) -> usize {
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut used_cols = 0u64;
    for (i, &r) in rows.iter().enumerate() {
        let mut w = r & !used_cols & full_mask(cols as u32);
        while w != 0 {
            let j = w.trailing_zeros() as usize;
            w &= w - 1;
            if kept
                .iter()
                .all(|&(a, b)| (r >> b) & 1 == 0 || (rows[a] >> j) & 1 == 0)
            {
                kept.push((i, j));
                used_cols |= 1 << j;
                break;
            }
        }
    }
    kept.len()
}

fn ceil_log2(x: usize) -> u32 {
    if x <= 1 {
        0
    } else {
        usize::BITS - (x - 1).leading_zeros()
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Proven: not solvable with fewer than `lo` bits.
    lo: u32,
    /// The cheap lower bound came from greedy fooling sets, not from ranks.
    lo_by_fooling: bool,
    /// Proven: solvable with `hi` bits.
    hi: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Yes,
    No,
    Unknown,
}

struct Solver {
    memo: BTreeMap<Key, Entry>,
    nodes: u64,
    budget: u64,
}

impl Solver {
    fn bounds(key: &Key) -> Entry {
        let mask = full_mask(key.cols);
        let ones = key.rows.iter().any(|&r| r != 0);
        let zeros = key.rows.iter().any(|&r| r != mask);
        if !(ones && zeros) {
            return Entry::default();
        }
        let (nr, nc) = (key.rows.len(), key.cols as usize);
        let full = nr.min(nc);
        let hi = ceil_log2(full) + 1;
        // A tree has at least rk_F(M) 1-leaves and rk_F'(J - M) 0-leaves for
        // any fields F, F' (KN Lemma 1.28): take the better of GF(2) and
        // GF(2^31 - 1) on each side; the prime is tried only where GF(2)
        // falls short of full rank and the bound could still improve.
        let comp: Vec<u64> = key.rows.iter().map(|&r| !r & mask).collect();
        let mut r1 = rank_gf2_masks(&key.rows);
        let mut r0 = rank_gf2_masks(&comp);
        if ceil_log2(r1 + r0) < hi {
            if r1 < full {
                r1 = r1.max(rank_mod_p_masks(&key.rows, nc, false));
            }
            if r0 < full {
                r0 = r0.max(rank_mod_p_masks(&key.rows, nc, true));
            }
        }
        let mut lo = ceil_log2(r1 + r0).max(1);
        let mut lo_by_fooling = false;
        if lo < hi {
            let f1 = greedy_fooling(&key.rows, nc);
            let f0 = greedy_fooling(&comp, nc);
            let fool = ceil_log2(f1 + f0);
            if fool > lo {
                lo = fool;
                lo_by_fooling = true;
            }
        }
        Entry {
            lo,
            lo_by_fooling,
            hi,
        }
    }

    fn entry(&mut self, key: &Key) -> Entry {
        if let Some(e) = self.memo.get(key) {
            return *e;
        }
        let e = Self::bounds(key);
        self.memo.insert(key.clone(), e);
        e
    }

    fn solve(&mut self, key: &Key, b: u32) -> Answer {
        let e = self.entry(key);
        if b >= e.hi {
            return Answer::Yes;
        }
        if b < e.lo {
            return Answer::No;
        }
        if self.nodes >= self.budget {
            return Answer::Unknown;
        }
        self.nodes += 1;
        let mut unknown = false;
        for side in 0..2 {
            let (rows, cols) = if side == 0 {
                (key.rows.clone(), key.cols as usize)
            } else {
                (
                    transpose_masks(&key.rows, key.cols as usize),
                    key.rows.len(),
                )
            };
            let r = rows.len();
            // row 0 always in the 0-part; enumerate the others
            for sub in 0..(1u64 << (r - 1)) - 1 {
                if self.nodes >= self.budget {
                    return Answer::Unknown;
                }
                // one unit per 64 cells examined, so the budget tracks work
                self.nodes += 1 + (r * cols / 64) as u64;
                let part = (sub << 1) | 1;
                let (mut a, mut bpart) = ([0u64; 64], [0u64; 64]);
                let (mut na, mut nb) = (0, 0);
                for (i, &row) in rows.iter().enumerate() {
                    if (part >> i) & 1 == 1 {
                        a[na] = row;
                        na += 1;
                    } else {
                        bpart[nb] = row;
                        nb += 1;
                    }
                }
                let ka = canonical(&a[..na], cols);
                let kb = canonical(&bpart[..nb], cols);
                let (ea, eb) = (self.entry(&ka), self.entry(&kb));
                if ea.lo > b - 1 || eb.lo > b - 1 {
                    continue;
                }
                let ra = self.solve(&ka, b - 1);
                if ra == Answer::No {
                    continue;
                }
                let rb = self.solve(&kb, b - 1);
                match (ra, rb) {
                    (Answer::Yes, Answer::Yes) => {
                        let e = self.memo.entry(key.clone()).or_default();
                        e.hi = e.hi.min(b);
                        return Answer::Yes;
                    }
                    (_, Answer::No) => {}
                    _ => unknown = true,
                }
            }
        }
        if unknown {
            return Answer::Unknown;
        }
        let e = self.memo.entry(key.clone()).or_default();
        e.lo = e.lo.max(b + 1);
        Answer::No
    }

    /// Builds a tree of depth <= b for the rectangle `rows x cols` (original
    /// indices), given that `solve` proved it solvable in `b` bits.
    fn build(&mut self, m: &[u64], rows: &[usize], cols: &[usize], b: u32) -> ProtocolTree {
        let sub: Vec<u64> = rows
            .iter()
            .map(|&i| {
                cols.iter()
                    .enumerate()
                    .fold(0u64, |acc, (k, &j)| acc | (((m[i] >> j) & 1) << k))
            })
            .collect();
        let mask = full_mask(cols.len() as u32);
        if sub.iter().all(|&r| r == 0) {
            return ProtocolTree::Leaf(0);
        }
        if sub.iter().all(|&r| r == mask) {
            return ProtocolTree::Leaf(1);
        }
        // group rows/cols into distinct classes
        let key = normal_form(&sub, cols.len());
        let oneway = ceil_log2(key.rows.len().min(key.cols as usize)) + 1;
        if b >= oneway {
            return one_way_tree(m, rows, cols);
        }
        for side in 0..2 {
            let (own, other) = if side == 0 {
                (rows, cols)
            } else {
                (cols, rows)
            };
            // classes of the speaker's inputs by their row (or column) pattern
            let pattern = |k: usize| -> u64 {
                if side == 0 {
                    sub[k]
                } else {
                    sub.iter()
                        .enumerate()
                        .fold(0u64, |acc, (i, &r)| acc | (((r >> k) & 1) << i))
                }
            };
            let mut classes: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
            for (k, &orig) in own.iter().enumerate() {
                classes.entry(pattern(k)).or_default().push(orig);
            }
            let cls: Vec<Vec<usize>> = classes.into_values().collect();
            let r = cls.len();
            if r < 2 {
                continue;
            }
            for s in 0..(1u64 << (r - 1)) - 1 {
                let part = (s << 1) | 1;
                let mut z = Vec::new();
                let mut o = Vec::new();
                for (i, c) in cls.iter().enumerate() {
                    if (part >> i) & 1 == 1 {
                        z.extend_from_slice(c);
                    } else {
                        o.extend_from_slice(c);
                    }
                }
                z.sort_unstable();
                o.sort_unstable();
                let (za, zb) = if side == 0 {
                    (z.as_slice(), other)
                } else {
                    (other, z.as_slice())
                };
                let (oa, ob) = if side == 0 {
                    (o.as_slice(), other)
                } else {
                    (other, o.as_slice())
                };
                let kz = key_of(m, za, zb);
                let ko = key_of(m, oa, ob);
                if self.solve(&kz, b - 1) == Answer::Yes && self.solve(&ko, b - 1) == Answer::Yes {
                    let on_zero = Box::new(self.build(m, za, zb, b - 1));
                    let on_one = Box::new(self.build(m, oa, ob, b - 1));
                    let split = Split {
                        zero: z,
                        on_zero,
                        on_one,
                    };
                    return if side == 0 {
                        ProtocolTree::Alice(split)
                    } else {
                        ProtocolTree::Bob(split)
                    };
                }
            }
        }
        one_way_tree(m, rows, cols)
    }
}

fn key_of(m: &[u64], rows: &[usize], cols: &[usize]) -> Key {
    let sub: Vec<u64> = rows
        .iter()
        .map(|&i| {
            cols.iter()
                .enumerate()
                .fold(0u64, |acc, (k, &j)| acc | (((m[i] >> j) & 1) << k))
        })
        .collect();
    canonical(&sub, cols.len())
}

/// The one-way protocol on the rectangle: the player with fewer distinct
/// inputs names their class by binary halving, then the other announces the answer.
fn one_way_tree(m: &[u64], rows: &[usize], cols: &[usize]) -> ProtocolTree {
    let row_pat = |i: usize| {
        cols.iter()
            .enumerate()
            .fold(0u64, |acc, (k, &j)| acc | (((m[i] >> j) & 1) << k))
    };
    let col_pat = |j: usize| {
        rows.iter()
            .enumerate()
            .fold(0u64, |acc, (k, &i)| acc | (((m[i] >> j) & 1) << k))
    };
    let mut rc: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for &i in rows {
        rc.entry(row_pat(i)).or_default().push(i);
    }
    let mut cc: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    for &j in cols {
        cc.entry(col_pat(j)).or_default().push(j);
    }
    let alice_first = rc.len() <= cc.len();
    let classes: Vec<Vec<usize>> = if alice_first {
        rc.into_values().collect()
    } else {
        cc.into_values().collect()
    };
    fn halve(m: &[u64], classes: &[Vec<usize>], other: &[usize], alice: bool) -> ProtocolTree {
        if classes.len() == 1 {
            let own = &classes[0];
            let x = own[0];
            // the other player announces the value
            let (zero, one): (Vec<usize>, Vec<usize>) = other.iter().partition(|&&o| {
                let v = if alice {
                    (m[x] >> o) & 1
                } else {
                    (m[o] >> x) & 1
                };
                v == 0
            });
            if one.is_empty() {
                return ProtocolTree::Leaf(0);
            }
            if zero.is_empty() {
                return ProtocolTree::Leaf(1);
            }
            let split = Split {
                zero,
                on_zero: Box::new(ProtocolTree::Leaf(0)),
                on_one: Box::new(ProtocolTree::Leaf(1)),
            };
            return if alice {
                ProtocolTree::Bob(split)
            } else {
                ProtocolTree::Alice(split)
            };
        }
        let half = classes.len().div_ceil(2);
        let mut zero: Vec<usize> = classes[..half].iter().flatten().copied().collect();
        zero.sort_unstable();
        let split = Split {
            zero,
            on_zero: Box::new(halve(m, &classes[..half], other, alice)),
            on_one: Box::new(halve(m, &classes[half..], other, alice)),
        };
        if alice {
            ProtocolTree::Alice(split)
        } else {
            ProtocolTree::Bob(split)
        }
    }
    if alice_first {
        halve(m, &classes, cols, true)
    } else {
        halve(m, &classes, rows, false)
    }
}

/// Exact `D(f)` (answer bit counted) of a Boolean matrix with an optimal
/// protocol tree; `budget` caps the search work, counted as one unit per
/// candidate split plus one per 64 cells of the split matrix (then the result is the
/// proven interval `lower <= D <= upper` and `reason` says why it stopped).
///
/// Errors: [`TheoryError::NotBoolean`] for non-Boolean matrices,
/// [`TheoryError::TooLarge`] beyond 64 distinct rows or columns unless the
/// rank lower bound meets the one-way upper bound there.
pub fn deterministic_complexity(m: &CommMatrix, budget: u64) -> Result<DeterministicResult> {
    if !m.is_boolean() {
        return Err(TheoryError::NotBoolean {
            operation: "deterministic complexity".into(),
            max_value: m.max_value(),
        });
    }
    let red = m.reduce();
    if red.matrix.rows() > MAX_PROTOCOL_DIM || red.matrix.cols() > MAX_PROTOCOL_DIM {
        return beyond_search_limit(&red);
    }
    let rm = &red.matrix;
    let masks: Vec<u64> = (0..rm.rows())
        .map(|i| (0..rm.cols()).fold(0u64, |acc, j| acc | (u64::from(rm.get(i, j)) << j)))
        .collect();
    let key = canonical(&masks, rm.cols());
    let mut solver = Solver {
        memo: BTreeMap::new(),
        nodes: 0,
        budget,
    };
    let e = solver.entry(&key);
    let mut lower = e.lo;
    let mut upper = e.hi;
    let mut stopped = false;
    let mut b = lower;
    while b < upper {
        match solver.solve(&key, b) {
            Answer::Yes => {
                upper = b;
                break;
            }
            Answer::No => {
                lower = b + 1;
                b += 1;
            }
            Answer::Unknown => {
                stopped = true;
                break;
            }
        }
    }
    let rows: Vec<usize> = (0..rm.rows()).collect();
    let cols: Vec<usize> = (0..rm.cols()).collect();
    let small_tree = solver.build(&masks, &rows, &cols, upper);
    let tree = expand_tree(&small_tree, &red.row_class, &red.col_class);
    let upper = tree.depth();
    let reason = if stopped {
        format!("budget of {budget} search nodes exhausted; proven {lower} <= D(f) <= {upper}")
    } else if e.lo == upper && e.lo_by_fooling {
        "fooling-set lower bound ceil(log2(|S_1| + |S_0|)) (greedy sets) meets the tree depth"
            .to_string()
    } else if e.lo == upper {
        "rank lower bound ceil(log2(rk(M) + rk(J-M))) meets the tree depth".to_string()
    } else {
        format!(
            "exhaustive search: no protocol with {} bits ({} nodes)",
            upper.saturating_sub(1),
            solver.nodes
        )
    };
    Ok(DeterministicResult {
        lower: lower.min(upper),
        upper,
        tree,
        nodes: solver.nodes,
        reason,
    })
}

/// Rewrites a tree on the reduced matrix into original indices.
fn expand_tree(t: &ProtocolTree, row_class: &[usize], col_class: &[usize]) -> ProtocolTree {
    fn go(t: &ProtocolTree, classes: [&[usize]; 2], marks: &mut [Vec<bool>; 2]) -> ProtocolTree {
        match t {
            ProtocolTree::Leaf(v) => ProtocolTree::Leaf(*v),
            ProtocolTree::Alice(s) | ProtocolTree::Bob(s) => {
                let alice = matches!(t, ProtocolTree::Alice(_));
                let side = usize::from(!alice);
                let class = classes[side];
                for &c in &s.zero {
                    marks[side][c] = true;
                }
                let zero: Vec<usize> = (0..class.len())
                    .filter(|&i| marks[side][class[i]])
                    .collect();
                for &c in &s.zero {
                    marks[side][c] = false;
                }
                let split = Split {
                    zero,
                    on_zero: Box::new(go(&s.on_zero, classes, marks)),
                    on_one: Box::new(go(&s.on_one, classes, marks)),
                };
                if alice {
                    ProtocolTree::Alice(split)
                } else {
                    ProtocolTree::Bob(split)
                }
            }
        }
    }
    let size = |c: &[usize]| c.iter().max().map_or(0, |&k| k + 1);
    let mut marks = [vec![false; size(row_class)], vec![false; size(col_class)]];
    go(t, [row_class, col_class], &mut marks)
}

/// `D(f)` of a matrix with more than [`MAX_PROTOCOL_DIM`] distinct rows or
/// columns: exact when the rank bound `ceil(log2(rk_F(M) + rk_F'(J - M)))`
/// (best of GF(2) and GF(2^31 - 1) on each side) meets the one-way upper
/// bound, with the one-way protocol as the tree; otherwise
/// [`TheoryError::TooLarge`].
fn beyond_search_limit(red: &crate::matrix::Reduced) -> Result<DeterministicResult> {
    let rm = &red.matrix;
    let (nr, nc) = (rm.rows(), rm.cols());
    let full = nr.min(nc);
    let hi = ceil_log2(full) + 1;
    let bits = rm.to_bits()?;
    let comp = bits.complement();
    let mut r1 = crate::gf2::rank_gf2(&bits).rank;
    let mut r0 = crate::gf2::rank_gf2(&comp).rank;
    // GF(p) elimination costs about rows * cols * rank; try it only on thin matrices.
    if ceil_log2(r1 + r0) < hi && full <= 256 {
        let c = CommMatrix::from_bits(comp)?;
        if r1 < full {
            r1 = r1.max(crate::rank::rank_gfp(rm, P31)?.lower);
        }
        if r0 < full {
            r0 = r0.max(crate::rank::rank_gfp(&c, P31)?.lower);
        }
    }
    let lo = ceil_log2(r1 + r0).max(1);
    if lo < hi {
        return Err(TheoryError::TooLarge {
            rows: nr,
            cols: nc,
            limit: format!(
                "exact D(f) needs at most {MAX_PROTOCOL_DIM} distinct rows and columns, or a rank \
                 lower bound that meets the one-way upper bound (here {lo} < {hi})"
            ),
        });
    }
    let tree = expand_tree(&one_way_tree_reduced(rm), &red.row_class, &red.col_class);
    let upper = tree.depth();
    Ok(DeterministicResult {
        lower: lo.min(upper),
        upper,
        tree,
        nodes: 0,
        reason: format!(
            "rank lower bound ceil(log2(rk(M) + rk(J-M))) = ceil(log2({r1} + {r0})) meets the one-way \
             protocol's depth ({nr} x {nc} distinct, beyond the {MAX_PROTOCOL_DIM} of the exact search)"
        ),
    })
}

/// The one-way protocol on a reduced Boolean matrix (pairwise distinct rows
/// and columns): the player with fewer inputs names theirs by binary
/// halving, then the other announces the answer.
fn one_way_tree_reduced(rm: &CommMatrix) -> ProtocolTree {
    fn halve(rm: &CommMatrix, own: &[usize], other: usize, alice: bool) -> ProtocolTree {
        if own.len() == 1 {
            let x = own[0];
            let value = |o: usize| if alice { rm.get(x, o) } else { rm.get(o, x) };
            let zero: Vec<usize> = (0..other).filter(|&o| value(o) == 0).collect();
            if zero.is_empty() {
                return ProtocolTree::Leaf(1);
            }
            if zero.len() == other {
                return ProtocolTree::Leaf(0);
            }
            let split = Split {
                zero,
                on_zero: Box::new(ProtocolTree::Leaf(0)),
                on_one: Box::new(ProtocolTree::Leaf(1)),
            };
            return if alice {
                ProtocolTree::Bob(split)
            } else {
                ProtocolTree::Alice(split)
            };
        }
        let half = own.len().div_ceil(2);
        let split = Split {
            zero: own[..half].to_vec(),
            on_zero: Box::new(halve(rm, &own[..half], other, alice)),
            on_one: Box::new(halve(rm, &own[half..], other, alice)),
        };
        if alice {
            ProtocolTree::Alice(split)
        } else {
            ProtocolTree::Bob(split)
        }
    }
    let alice = rm.rows() <= rm.cols();
    let (own, other) = if alice {
        (rm.rows(), rm.cols())
    } else {
        (rm.cols(), rm.rows())
    };
    let own: Vec<usize> = (0..own).collect();
    halve(rm, &own, other, alice)
}

/// The optimal one-way protocol in one direction, with the counts that prove it.
///
/// Convention: **the answer bit is counted, as in `D(f)`** — the complexity is
/// the least depth of a correct protocol tree in which the sender speaks
/// first and the receiver only afterwards, so every leaf is a monochromatic
/// rectangle. The sender names the class of its input among the distinct
/// rows; the receiver then announces the answer, unless the sender's row is
/// constant, when the sender's message already determines it:
///
/// ```text
/// bits = ceil(log2 weight),   weight = sum over distinct rows r of 2^ceil(log2 v_r)
/// ```
///
/// with `v_r` the number of distinct values in row `r` (for a Boolean
/// matrix: 1 for a constant row, 2 otherwise). Upper bound: a prefix code
/// with lengths `bits - ceil(log2 v_r)` exists by Kraft's inequality.
/// Lower bound: a sender's leaf must hold identical rows (the receiver's
/// leaves below it are monochromatic rectangles over all of its rows), and
/// below the leaf of row `r` the receiver needs `v_r` leaves, so
/// `sum_r 2^(ceil(log2 v_r) - bits) <= 1`. When every row is
/// non-constant this is `ceil(log2 #distinct rows) + ceil(log2 #values)`
/// (Kushilevitz–Nisan 1997, Sec. 4.2, plus the answer); when every row is
/// constant it is `ceil(log2 #distinct rows)`, which equals `D(f)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneWayCount {
    /// Distinct inputs of the sender (distinct rows for A->B, columns for B->A).
    pub distinct: usize,
    /// How many of those distinct inputs give a constant row (no answer needs to be sent there).
    pub constant: usize,
    /// `sum over distinct rows r of 2^ceil(log2 v_r)`.
    pub weight: u64,
    /// The one-way complexity, answer bit counted: `ceil(log2 weight)`.
    pub bits: u32,
    /// The sender's message alone, `ceil(log2 distinct)`: Kushilevitz–Nisan's
    /// `D^{A->B}` in the convention where the receiver outputs the answer
    /// without sending it.
    pub message_bits: u32,
}

fn one_way_count(m: &CommMatrix) -> OneWayCount {
    let all = m.values().len();
    let mut constant = 0usize;
    let mut weight = 0u64;
    for i in 0..m.rows() {
        let mut seen = [false; 256];
        let mut count = 0usize;
        for j in 0..m.cols() {
            let v = usize::from(m.get(i, j));
            if !seen[v] {
                seen[v] = true;
                count += 1;
                if count == all {
                    break;
                }
            }
        }
        if count <= 1 {
            constant += 1;
        }
        weight += 1u64 << ceil_log2(count);
    }
    OneWayCount {
        distinct: m.rows(),
        constant,
        weight,
        bits: ceil_log2(usize::try_from(weight).unwrap_or(usize::MAX)),
        message_bits: ceil_log2(m.rows()),
    }
}

/// The one-way counts `(A->B, B->A)` of [`OneWayCount`] (answer bit counted).
pub fn one_way_counts(m: &CommMatrix) -> (OneWayCount, OneWayCount) {
    one_way_counts_reduced(&m.reduce())
}

/// [`one_way_counts`] of a matrix already reduced.
pub(crate) fn one_way_counts_reduced(red: &crate::matrix::Reduced) -> (OneWayCount, OneWayCount) {
    (
        one_way_count(&red.matrix),
        one_way_count(&red.matrix.transpose()),
    )
}

/// One-way complexities `(D^{A->B}, D^{B->A})`, **answer bit counted like
/// `D(f)`**, so `D(f) <= min(D^{A->B}, D^{B->A})`: `ceil(log2 #distinct rows) + 1`
/// for a Boolean matrix without constant rows, `ceil(log2 #distinct rows)`
/// when every row is constant (`f` depends on `x` alone: Alice sends the
/// answer itself), and in general `ceil(log2 weight)` of [`OneWayCount`];
/// 0 for a constant function. Kushilevitz–Nisan §4.2.
///
/// ```
/// use cc_theory::{parse::parse_matrix, protocol::one_way};
/// // f depends on x alone: Alice announces the answer herself (1 bit, not 1 + 1);
/// // Bob's columns are all alike, so he sends nothing and Alice answers (0 + 1).
/// let m = parse_matrix("000\n111\n000\n111\n")?;
/// assert_eq!(one_way(&m), (1, 1));
/// // EQ_1: both name their input, then the other answers
/// assert_eq!(one_way(&parse_matrix("10\n01\n")?), (2, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn one_way(m: &CommMatrix) -> (u32, u32) {
    let (ab, ba) = one_way_counts(m);
    (ab.bits, ba.bits)
}

/// An optimal one-way protocol tree of a Boolean matrix (depth
/// [`OneWayCount::bits`]): the sender (Alice when `alice_first`, else Bob)
/// names the class of their input with a prefix code whose codeword for a
/// non-constant row is one bit shorter, then the receiver announces the
/// answer where the row is not constant. Check it with [`verify_protocol_tree`].
///
/// Errors: [`TheoryError::NotBoolean`] for a non-Boolean matrix.
pub fn one_way_protocol(m: &CommMatrix, alice_first: bool) -> Result<ProtocolTree> {
    if !m.is_boolean() {
        return Err(TheoryError::NotBoolean {
            operation: "one-way protocol tree".into(),
            max_value: m.max_value(),
        });
    }
    let red = m.reduce();
    let view = if alice_first {
        red.matrix.clone()
    } else {
        red.matrix.transpose()
    };
    let count = one_way_count(&view);
    // (class, weight), heaviest first: a greedy prefix of descending powers of
    // two reaches every power of two at most their sum exactly
    let mut items: Vec<(usize, u64)> = (0..view.rows())
        .map(|i| {
            let constant = (1..view.cols()).all(|j| view.get(i, j) == view.get(i, 0));
            (i, if constant { 1 } else { 2 })
        })
        .collect();
    items.sort_by_key(|&(i, w)| (std::cmp::Reverse(w), i));
    let receiver = |i: usize| -> ProtocolTree {
        let zero: Vec<usize> = (0..view.cols()).filter(|&j| view.get(i, j) == 0).collect();
        if zero.is_empty() {
            return ProtocolTree::Leaf(1);
        }
        if zero.len() == view.cols() {
            return ProtocolTree::Leaf(0);
        }
        let split = Split {
            zero,
            on_zero: Box::new(ProtocolTree::Leaf(0)),
            on_one: Box::new(ProtocolTree::Leaf(1)),
        };
        if alice_first {
            ProtocolTree::Bob(split)
        } else {
            ProtocolTree::Alice(split)
        }
    };
    // builds a tree of depth <= `depth` for classes of total weight <= 2^depth
    fn code(
        items: &[(usize, u64)],
        depth: u32,
        alice_first: bool,
        receiver: &dyn Fn(usize) -> ProtocolTree,
    ) -> ProtocolTree {
        if items.len() == 1 {
            return receiver(items[0].0);
        }
        let half = 1u64 << depth.saturating_sub(1);
        let total: u64 = items.iter().map(|x| x.1).sum();
        if total <= half {
            return code(items, depth - 1, alice_first, receiver);
        }
        let mut acc = 0;
        let cut = items
            .iter()
            .position(|x| {
                acc += x.1;
                acc >= half
            })
            .map_or(items.len() - 1, |p| p + 1)
            .clamp(1, items.len() - 1);
        let mut zero: Vec<usize> = items[..cut].iter().map(|x| x.0).collect();
        zero.sort_unstable();
        let split = Split {
            zero,
            on_zero: Box::new(code(&items[..cut], depth - 1, alice_first, receiver)),
            on_one: Box::new(code(&items[cut..], depth - 1, alice_first, receiver)),
        };
        if alice_first {
            ProtocolTree::Alice(split)
        } else {
            ProtocolTree::Bob(split)
        }
    }
    // with `alice_first == false`, `view` is the transpose: its rows are Bob's
    // classes (reduced column indices) and its columns Alice's, as the tree needs
    let small = code(&items, count.bits, alice_first, &receiver);
    Ok(expand_tree(&small, &red.row_class, &red.col_class))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    #[test]
    fn named_functions_n_le_4() {
        for (name, n, d) in [
            ("eq", 2, 3),
            ("eq", 4, 5),
            ("gt", 3, 4),
            ("ip", 3, 4),
            ("disj", 3, 4),
            ("maj", 3, 3),
        ] {
            let m = named_matrix(name, n, None).unwrap();
            let r = deterministic_complexity(&m, u64::MAX).unwrap();
            assert_eq!((r.lower, r.upper), (d, d), "{name}_{n}: {}", r.reason);
            assert_eq!(verify_protocol_tree(&m, &r.tree), Ok(d));
            let text = r.tree.to_text();
            assert_eq!(parse_protocol_tree(&text).unwrap(), r.tree);
            let json = serde_json::to_string(&r.tree).unwrap();
            assert_eq!(parse_protocol_tree(&json).unwrap(), r.tree);
        }
    }

    /// Brute-force D for tiny matrices: try every protocol tree recursively.
    fn brute(m: &[u64], rows: &[usize], cols: &[usize], b: u32) -> bool {
        let vals: Vec<u64> = rows
            .iter()
            .flat_map(|&i| cols.iter().map(move |&j| (m[i] >> j) & 1))
            .collect();
        if vals.iter().all(|&v| v == vals[0]) {
            return true;
        }
        if b == 0 {
            return false;
        }
        for (own, alice) in [(rows, true), (cols, false)] {
            for s in 1..(1u64 << own.len()) - 1 {
                let z: Vec<usize> = own
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| (s >> k) & 1 == 1)
                    .map(|(_, &v)| v)
                    .collect();
                let o: Vec<usize> = own
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| (s >> k) & 1 == 0)
                    .map(|(_, &v)| v)
                    .collect();
                let ok = if alice {
                    brute(m, &z, cols, b - 1) && brute(m, &o, cols, b - 1)
                } else {
                    brute(m, rows, &z, b - 1) && brute(m, rows, &o, b - 1)
                };
                if ok {
                    return true;
                }
            }
        }
        false
    }

    #[test]
    fn random_small_against_brute_force() {
        let mut seed = 17u64;
        for _ in 0..40 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bits = seed >> 16;
            let (r, c) = (4, 4);
            let m = CommMatrix::from_bool_fn(r, c, |i, j| (bits >> (i * c + j)) & 1 == 1).unwrap();
            let masks: Vec<u64> = (0..r)
                .map(|i| (0..c).fold(0, |a, j| a | (u64::from(m.get(i, j)) << j)))
                .collect();
            let rows: Vec<usize> = (0..r).collect();
            let cols: Vec<usize> = (0..c).collect();
            let d = (0..).find(|&b| brute(&masks, &rows, &cols, b)).unwrap();
            let res = deterministic_complexity(&m, u64::MAX).unwrap();
            assert_eq!((res.lower, res.upper), (d, d));
            assert_eq!(verify_protocol_tree(&m, &res.tree), Ok(d));
        }
    }

    #[test]
    fn checker_finds_wrong_leaf_and_bad_index() {
        let m = named_matrix("eq", 1, None).unwrap();
        let t = parse_protocol_tree("alice 0\n  bob 0\n    leaf 1\n    leaf 0\n  leaf 1 # wrong\n")
            .unwrap();
        assert_eq!(
            verify_protocol_tree(&m, &t),
            Err(ProtocolViolation::WrongLeaf {
                x: 1,
                y: 0,
                announced: 1,
                value: 0
            })
        );
        let t = parse_protocol_tree("bob 7\n  leaf 1\n  leaf 0\n").unwrap();
        assert!(matches!(
            verify_protocol_tree(&m, &t),
            Err(ProtocolViolation::BadIndex { index: 7, .. })
        ));
        assert!(matches!(
            parse_protocol_tree("alice 0\n  leaf 1\n"),
            Err(TheoryError::Parse { .. })
        ));
        assert!(matches!(
            parse_protocol_tree("alice 0\nleaf 1\nleaf 0\n"),
            Err(TheoryError::Parse { line: 2, .. })
        ));
        assert!(matches!(
            parse_protocol_tree("carol\n"),
            Err(TheoryError::Parse { line: 1, .. })
        ));
        assert!(matches!(
            parse_protocol_tree("{\"leaf\": x}"),
            Err(TheoryError::Parse { .. })
        ));
    }

    #[test]
    fn block_transpose_matches_the_definition() {
        let mut seed = 99u64;
        for rows in 1..=64usize {
            for cols in [1, 7, 8, 9, 16, 17, 31, 33, 63, 64] {
                let masks: Vec<u64> = (0..rows)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        seed & full_mask(cols as u32)
                    })
                    .collect();
                let t = transpose_masks(&masks, cols);
                assert_eq!(t.len(), cols);
                for (j, &col) in t.iter().enumerate() {
                    for (i, &row) in masks.iter().enumerate() {
                        assert_eq!((col >> i) & 1, (row >> j) & 1, "{rows} x {cols}");
                    }
                    assert_eq!(col & !full_mask(rows as u32), 0);
                }
                if rows.max(cols) <= 16 {
                    let small = Small::<16>::new(&masks, cols).transpose();
                    assert_eq!(&small.rows[..cols], t.as_slice());
                }
                // the memo key is the normal form of one of M, J - M, M^T, J - M^T
                let key = canonical(&masks, cols);
                let t_rows = transpose_masks(&masks, cols);
                let complement = |v: &[u64], c: usize| -> Vec<u64> {
                    v.iter().map(|&r| !r & full_mask(c as u32)).collect()
                };
                let variants = [
                    normal_form(&masks, cols),
                    normal_form(&complement(&masks, cols), cols),
                    normal_form(&t_rows, rows),
                    normal_form(&complement(&t_rows, rows), rows),
                ];
                let sizes = |k: &Key| {
                    let mut d = [k.rows.len(), k.cols as usize];
                    d.sort_unstable();
                    d
                };
                assert!(variants.iter().all(|v| sizes(v) == sizes(&key)));
                assert!(key <= variants[0]);
            }
        }
    }

    #[test]
    fn deep_text_tree_is_an_error() {
        let deep: String = (0..1100)
            .map(|d| format!("{}alice 0\n", " ".repeat(d)))
            .collect();
        assert!(matches!(
            parse_protocol_tree(&deep),
            Err(TheoryError::Parse { .. })
        ));
    }

    #[test]
    fn one_way_values_and_explain() {
        let m = named_matrix("eq", 3, None).unwrap();
        assert_eq!(one_way(&m), (4, 4));
        let d = deterministic_complexity(&m, u64::MAX).unwrap();
        assert_eq!(d.interval(AnswerBit::NotCounted), (3, 3));
        assert_eq!(d.interval(AnswerBit::Counted), (4, 4));
        let r = deterministic_complexity(&m, u64::MAX).unwrap();
        let text = r.tree.explain(&m);
        assert!(text.contains("rectangle 8 x 8"), "{text}");
        assert!(
            deterministic_complexity(&crate::expr::matrix_from_expr("x % 3", 2).unwrap(), 10)
                .is_err()
        );
    }
}
