//! The SAT encodings behind [`crate::cover::cover_number`], the solver run
//! that emits an LRAT proof, and the checker of cover lower bounds.
//!
//! A query asks: *do `k` `b`-monochromatic rectangles cover (partition) the
//! `b`-cells of the reduced matrix `R`* (duplicate rows and columns removed,
//! which changes no cover or partition number)? It is written as a DIMACS CNF
//! whose comment lines `c cclab <key> <value>` record the query (`colour`,
//! `kind`, `k`, `encoding`, `pins`), so that a checker can rebuild the CNF
//! from the matrix alone and compare it clause by clause before checking the
//! proof ([`verify_cover_lower_bound`]).
//!
//! ## Encoding `maximal` (covers)
//! Every rectangle of a cover lies in a maximal `b`-rectangle, so a cover
//! with `k` rectangles exists iff one with `k` maximal rectangles does. The
//! maximal rectangles are the formal concepts `(A, B)` with
//! `B = ∩_{i in A} N(i)`, `A = {i : N(i) ⊇ B}`, `N(i) = {j : R[i][j] = b}`;
//! they are enumerated as the intersections of the rows' `N(i)` (at most
//! [`MAX_MAXIMAL_RECTANGLES`]). With `P = (p_1 .. p_s)` a fooling set (the
//! pins), no rectangle holds two pins, so a cover with `k` rectangles gives
//! each pin its own rectangle `z_t` (one through `p_t`) and leaves `k - s`
//! free rectangles `w`:
//!
//! ```text
//! z[t][R] for R through p_t:  exactly one per t (one clause, pairwise exclusions)
//! w[R] for every R:           sum_R w[R] <= k - s (sequential counter, Sinz 2005)
//! for every b-cell (i, j):    OR of z[t][R] and w[R] over R containing (i, j)
//! ```
//! The formula is satisfiable iff a cover with `k` rectangles exists; the
//! pins leave no symmetry between the rectangles `z_t`, and the free ones
//! are a set, not a sequence.
//!
//! ## Encoding `cells` (partitions; covers with too many maximal rectangles)
//! Variables `r[t][i]`, `c[t][j]` put row `i` / column `j` in rectangle `t`
//! (`t < k`); `!r[t][i] | !c[t][j]` for every cell of another colour; every
//! `b`-cell in some rectangle through `y[t][i][j] -> r[t][i] & c[t][j]`, and
//! for partitions `y[t][i][j] <-> r[t][i] & c[t][j]` and at most one `t`. For
//! covers every rectangle is maximal (a row outside rectangle `t` meets a
//! cell of another colour in `t`'s columns, and likewise for columns). The
//! fooling set is pinned, cell `t` into rectangle `t` (its cells lie in
//! distinct rectangles) — or, when the square matrix has automorphisms that
//! swap rows `i, j` together with columns `i, j`, lex-leader constraints
//! (Crawford et al. 1996) for those and for consecutive rectangles instead.

use varisat::{ExtendFormula, Lit, Solver};

use crate::cover::{CoverKind, Rectangle};
use crate::error::{Result, TheoryError};
use crate::lrat::{Cnf, check_lrat, parse_dimacs};
use crate::matrix::CommMatrix;

/// Largest number of maximal rectangles for the `maximal` encoding.
pub const MAX_MAXIMAL_RECTANGLES: usize = 20_000;
/// Largest `candidates x k` for the sequential counter of the `maximal` encoding.
const MAX_COUNTER_CELLS: usize = 2_000_000;

/// Which CNF encoding a query uses (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// One variable per maximal rectangle (covers only).
    Maximal,
    /// Row and column variables per rectangle slot.
    Cells,
}

/// The question a CNF encodes: a `kind` of `colour` with `k` rectangles of
/// the reduced matrix, with `pins` a `colour`-fooling set of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverQuery {
    /// The colour `b`.
    pub colour: u8,
    /// Cover or partition.
    pub kind: CoverKind,
    /// Number of rectangles.
    pub k: usize,
    /// The encoding.
    pub encoding: Encoding,
    /// A fooling set of the reduced matrix (reduced indices).
    pub pins: Vec<(usize, usize)>,
}

/// A CNF and how to read a cover back from a model.
pub(crate) struct Encoded {
    pub(crate) cnf: Cnf,
    /// `maximal`: the rectangle of variable `v + 1`; `cells`: empty.
    rects: Vec<Rectangle>,
    /// `cells`: variables of `r[t][i]`, `c[t][j]`.
    slots: Vec<(Vec<i32>, Vec<i32>)>,
}

/// The maximal `colour`-rectangles of `rm` (at most 64 columns), sorted, or
/// `None` when there are more than `limit`.
pub fn maximal_rectangles(rm: &CommMatrix, colour: u8, limit: usize) -> Option<Vec<Rectangle>> {
    let (n, m) = (rm.rows(), rm.cols());
    if m > 64 {
        return None;
    }
    let nb: Vec<u64> = (0..n)
        .map(|i| {
            (0..m)
                .filter(|&j| rm.get(i, j) == colour)
                .fold(0, |a, j| a | 1 << j)
        })
        .collect();
    let mut intents: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    for &row in &nb {
        if row == 0 {
            continue;
        }
        let new: Vec<u64> = intents
            .iter()
            .map(|&b| b & row)
            .filter(|&b| b != 0)
            .collect();
        intents.insert(row);
        intents.extend(new);
        if intents.len() > limit {
            return None;
        }
    }
    let mut out: Vec<Rectangle> = intents
        .into_iter()
        .map(|b| Rectangle {
            rows: (0..n).filter(|&i| nb[i] & b == b).collect(),
            cols: (0..m).filter(|&j| b >> j & 1 == 1).collect(),
        })
        .collect();
    out.sort();
    Some(out)
}

/// The encoding a query of this kind uses on `rm`.
///
/// `maximal` for covers, unless the matrix has automorphisms swapping rows
/// `i, j` together with columns `i, j` (as the crowns `J - I` do), where the
/// lex-leader constraints of the `cells` encoding break far more symmetry.
pub(crate) fn choose_encoding(rm: &CommMatrix, colour: u8, kind: CoverKind) -> Encoding {
    if kind == CoverKind::Cover
        && rm.cols() <= 64
        && swap_automorphisms(rm).is_empty()
        && maximal_rectangles(rm, colour, MAX_MAXIMAL_RECTANGLES).is_some()
    {
        Encoding::Maximal
    } else {
        Encoding::Cells
    }
}

fn header(q: &CoverQuery, rm: &CommMatrix) -> Vec<String> {
    let pins: Vec<String> = q.pins.iter().map(|(i, j)| format!("{i}:{j}")).collect();
    vec![
        format!(
            "is there a {} of the {}-cells of the reduced {} x {} matrix by {} rectangles?",
            kind_name(q.kind),
            q.colour,
            rm.rows(),
            rm.cols(),
            q.k
        ),
        "unsatisfiable means: no such cover exists (cclab check --cnf FILE --lrat FILE)".into(),
        format!("cclab colour {}", q.colour),
        format!("cclab kind {}", kind_name(q.kind)),
        format!("cclab k {}", q.k),
        format!(
            "cclab encoding {}",
            match q.encoding {
                Encoding::Maximal => "maximal",
                Encoding::Cells => "cells",
            }
        ),
        format!("cclab pins {}", pins.join(" ")),
    ]
}

fn kind_name(kind: CoverKind) -> &'static str {
    match kind {
        CoverKind::Cover => "cover",
        CoverKind::Partition => "partition",
    }
}

/// Builds the CNF of a query on the reduced matrix `rm`.
pub(crate) fn encode(rm: &CommMatrix, q: &CoverQuery) -> Result<Encoded> {
    let mut cnf = Cnf {
        comments: header(q, rm),
        ..Cnf::default()
    };
    match q.encoding {
        Encoding::Maximal => {
            let all =
                maximal_rectangles(rm, q.colour, MAX_MAXIMAL_RECTANGLES).ok_or_else(|| {
                    TheoryError::InvalidParameter {
                        parameter: "encoding".into(),
                        message: format!(
                            "more than {MAX_MAXIMAL_RECTANGLES} maximal rectangles; use `cells`"
                        ),
                    }
                })?;
            let rects = encode_maximal(rm, q, all, &mut cnf)?;
            Ok(Encoded {
                cnf,
                rects,
                slots: Vec::new(),
            })
        }
        Encoding::Cells => {
            let slots = encode_cells(rm, q, &mut cnf);
            Ok(Encoded {
                cnf,
                rects: Vec::new(),
                slots,
            })
        }
    }
}

fn contains(r: &Rectangle, (i, j): (usize, usize)) -> bool {
    r.rows.binary_search(&i).is_ok() && r.cols.binary_search(&j).is_ok()
}

fn encode_maximal(
    rm: &CommMatrix,
    q: &CoverQuery,
    all: Vec<Rectangle>,
    cnf: &mut Cnf,
) -> Result<Vec<Rectangle>> {
    let free = q.k.saturating_sub(q.pins.len());
    if all.len().saturating_mul(free) > MAX_COUNTER_CELLS {
        return Err(TheoryError::InvalidParameter {
            parameter: "encoding".into(),
            message: format!(
                "{} rectangles x {free} free slots is too large a counter",
                all.len()
            ),
        });
    }
    // variables: z[t][R] for the rectangles R through pin t, then w[R] for every R
    let mut vars: Vec<Rectangle> = Vec::new();
    let mut groups: Vec<Vec<i32>> = Vec::new();
    for &p in &q.pins {
        let mut g = Vec::new();
        for r in all.iter().filter(|r| contains(r, p)) {
            vars.push(r.clone());
            g.push(vars.len() as i32);
        }
        groups.push(g);
    }
    let w: Vec<i32> = if free > 0 {
        vars.extend(all.iter().cloned());
        ((vars.len() - all.len() + 1) as i32..=vars.len() as i32).collect()
    } else {
        Vec::new()
    };
    cnf.vars = vars.len() as u32;
    for i in 0..rm.rows() {
        for j in 0..rm.cols() {
            if rm.get(i, j) == q.colour {
                let cl: Vec<i32> = (0..vars.len())
                    .filter(|&v| contains(&vars[v], (i, j)))
                    .map(|v| v as i32 + 1)
                    .collect();
                cnf.clauses.push(cl);
            }
        }
    }
    for g in &groups {
        cnf.clauses.push(g.clone());
        for (a, &u) in g.iter().enumerate() {
            for &x in &g[a + 1..] {
                cnf.clauses.push(vec![-u, -x]);
            }
        }
    }
    at_most(cnf, &w, free);
    Ok(vars)
}

#[allow(clippy::needless_range_loop)] // s(i, j) and xs[i] read best as indices
/// `sum xs <= k` by the sequential counter (Sinz 2005): `s[i][j]` means "at
/// least `j + 1` of `xs[0..=i]` are true".
fn at_most(cnf: &mut Cnf, xs: &[i32], k: usize) {
    let n = xs.len();
    if n <= k {
        return;
    }
    if k == 0 {
        cnf.clauses.extend(xs.iter().map(|&x| vec![-x]));
        return;
    }
    let base = cnf.vars as i32;
    let s = |i: usize, j: usize| base + (i * k + j) as i32 + 1;
    cnf.vars += ((n - 1) * k) as u32;
    cnf.clauses.push(vec![-xs[0], s(0, 0)]);
    for j in 1..k {
        cnf.clauses.push(vec![-s(0, j)]);
    }
    for i in 1..n - 1 {
        cnf.clauses.push(vec![-xs[i], s(i, 0)]);
        cnf.clauses.push(vec![-s(i - 1, 0), s(i, 0)]);
        for j in 1..k {
            cnf.clauses.push(vec![-xs[i], -s(i - 1, j - 1), s(i, j)]);
            cnf.clauses.push(vec![-s(i - 1, j), s(i, j)]);
        }
        cnf.clauses.push(vec![-xs[i], -s(i - 1, k - 1)]);
    }
    cnf.clauses.push(vec![-xs[n - 1], -s(n - 2, k - 1)]);
}

struct Vars<'a>(&'a mut Cnf);

impl Vars<'_> {
    fn new_var(&mut self) -> i32 {
        self.0.vars += 1;
        self.0.vars as i32
    }
    fn add(&mut self, cl: Vec<i32>) {
        self.0.clauses.push(cl);
    }
}

#[allow(clippy::needless_range_loop)] // r[t][i], c[t][j] read best as indices
fn encode_cells(rm: &CommMatrix, q: &CoverQuery, cnf: &mut Cnf) -> Vec<(Vec<i32>, Vec<i32>)> {
    let (n, m, k, colour, kind) = (rm.rows(), rm.cols(), q.k, q.colour, q.kind);
    let mut s = Vars(cnf);
    let r: Vec<Vec<i32>> = (0..k)
        .map(|_| (0..n).map(|_| s.new_var()).collect())
        .collect();
    let c: Vec<Vec<i32>> = (0..k)
        .map(|_| (0..m).map(|_| s.new_var()).collect())
        .collect();
    for i in 0..n {
        for j in 0..m {
            if rm.get(i, j) != colour {
                for t in 0..k {
                    s.add(vec![-r[t][i], -c[t][j]]);
                }
                continue;
            }
            let ys: Vec<i32> = (0..k).map(|_| s.new_var()).collect();
            for t in 0..k {
                s.add(vec![-ys[t], r[t][i]]);
                s.add(vec![-ys[t], c[t][j]]);
                if kind == CoverKind::Partition {
                    s.add(vec![ys[t], -r[t][i], -c[t][j]]);
                }
            }
            s.add(ys.clone());
            if kind == CoverKind::Partition {
                for a in 0..k {
                    for b in (a + 1)..k {
                        s.add(vec![-ys[a], -ys[b]]);
                    }
                }
            }
        }
    }
    if kind == CoverKind::Cover {
        for t in 0..k {
            for i in 0..n {
                let mut cl = vec![r[t][i]];
                cl.extend((0..m).filter(|&j| rm.get(i, j) != colour).map(|j| c[t][j]));
                s.add(cl);
            }
            for j in 0..m {
                let mut cl = vec![c[t][j]];
                cl.extend((0..n).filter(|&i| rm.get(i, j) != colour).map(|i| r[t][i]));
                s.add(cl);
            }
        }
    }
    let autos = swap_automorphisms(rm);
    if autos.is_empty() {
        for (t, &(i, j)) in q.pins.iter().enumerate().take(k) {
            s.add(vec![r[t][i]]);
            s.add(vec![c[t][j]]);
        }
    } else {
        for &(i, j) in &autos {
            let pairs: Vec<(i32, i32)> = (0..k)
                .flat_map(|t| [(r[t][i], r[t][j]), (c[t][i], c[t][j])])
                .collect();
            lex_leader(&mut s, &pairs);
        }
        for t in 0..k.saturating_sub(1) {
            let pairs: Vec<(i32, i32)> = (0..n)
                .map(|i| (r[t][i], r[t + 1][i]))
                .chain((0..m).map(|j| (c[t][j], c[t + 1][j])))
                .collect();
            lex_leader(&mut s, &pairs);
        }
    }
    r.into_iter().zip(c).collect()
}

/// The pairs `(i, j)` of a square matrix whose simultaneous swap of rows i, j
/// and columns i, j is an automorphism.
fn swap_automorphisms(rm: &CommMatrix) -> Vec<(usize, usize)> {
    let (n, m) = (rm.rows(), rm.cols());
    if n != m {
        return Vec::new();
    }
    let sw = |i: usize, j: usize, x: usize| {
        if x == i {
            j
        } else if x == j {
            i
        } else {
            x
        }
    };
    (0..n)
        .flat_map(|i| ((i + 1)..n).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            (0..n).all(|a| (0..m).all(|b| rm.get(a, b) == rm.get(sw(i, j, a), sw(i, j, b))))
        })
        .collect()
}

/// Lex-leader clauses `(a_1 .. a_p) <=lex (b_1 .. b_p)` over `pairs` (Crawford
/// et al. 1996), with one auxiliary equality variable per position.
fn lex_leader(s: &mut Vars<'_>, pairs: &[(i32, i32)]) {
    let mut prev: Option<i32> = None;
    for &(a, b) in pairs {
        let pre: Vec<i32> = prev.map(|e| vec![-e]).unwrap_or_default();
        let mut cl = pre.clone();
        cl.extend([-a, b]);
        s.add(cl);
        let e = s.new_var();
        let mut c1 = pre.clone();
        c1.extend([-a, -b, e]);
        s.add(c1);
        let mut c2 = pre;
        c2.extend([a, b, e]);
        s.add(c2);
        prev = Some(e);
    }
}

/// The outcome of one solver call.
pub(crate) enum Outcome {
    /// A cover (reduced indices), empty rectangles dropped.
    Sat(Vec<Rectangle>),
    /// Unsatisfiable, with the LRAT proof.
    Unsat(String),
    /// The conflict budget ran out.
    Unknown,
}

/// The LRAT text as the solver writes it, counting its lines (one per
/// learnt clause, plus deletion lines) and refusing more than `limit`,
/// which stops the solver: the conflict budget.
struct Budgeted<'a> {
    out: &'a mut Vec<u8>,
    lines: u64,
    limit: u64,
}

impl std::io::Write for Budgeted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lines += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        if self.lines > self.limit {
            return Err(std::io::Error::other("conflict budget exhausted"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Solves an encoded query with varisat, writing an LRAT proof; `used`
/// grows by the learnt clauses.
pub(crate) fn solve(enc: &Encoded, conflicts: u64, used: &mut u64) -> Result<Outcome> {
    let mut proof: Vec<u8> = Vec::new();
    let mut sink = Budgeted {
        out: &mut proof,
        lines: 0,
        limit: conflicts,
    };
    let (res, model, flushed) = {
        let mut lrat = varisat_lrat::WriteLrat::new(&mut sink, false);
        let (res, model) = {
            let mut solver = Solver::new();
            solver.add_proof_processor(&mut lrat);
            let mut formula = varisat::CnfFormula::new();
            formula.set_var_count(enc.cnf.vars as usize);
            for cl in &enc.cnf.clauses {
                let lits: Vec<Lit> = cl.iter().map(|&l| Lit::from_dimacs(l as isize)).collect();
                formula.add_clause(&lits);
            }
            solver.add_formula(&formula);
            (solver.solve(), solver.model())
        };
        let flushed = lrat.flush();
        (res, model, flushed)
    };
    let (lines, limit) = (sink.lines, sink.limit);
    *used += lines.min(limit);
    if lines > limit {
        return Ok(Outcome::Unknown);
    }
    flushed.map_err(internal)?;
    match (res, model) {
        (Ok(true), Some(model)) => Ok(Outcome::Sat(decode(enc, &model))),
        (Ok(false), _) => Ok(Outcome::Unsat(String::from_utf8(proof).map_err(internal)?)),
        (Err(e), _) => Err(internal(e)),
        (Ok(true), None) => Err(internal("satisfiable without a model")),
    }
}

fn internal(e: impl std::fmt::Display) -> TheoryError {
    TheoryError::InvalidParameter {
        parameter: "sat".into(),
        message: format!("SAT solver failure: {e}"),
    }
}

fn decode(enc: &Encoded, model: &[Lit]) -> Vec<Rectangle> {
    let mut truth = vec![false; enc.cnf.vars as usize + 1];
    for l in model {
        let v = l.to_dimacs();
        if v > 0 && (v as usize) < truth.len() {
            truth[v as usize] = true;
        }
    }
    if enc.slots.is_empty() {
        let mut out: Vec<Rectangle> = (0..enc.rects.len())
            .filter(|&v| truth[v + 1])
            .map(|v| enc.rects[v].clone())
            .collect();
        out.sort();
        out.dedup();
        return out;
    }
    enc.slots
        .iter()
        .map(|(r, c)| Rectangle {
            rows: (0..r.len()).filter(|&i| truth[r[i] as usize]).collect(),
            cols: (0..c.len()).filter(|&j| truth[c[j] as usize]).collect(),
        })
        .filter(|r| !r.rows.is_empty() && !r.cols.is_empty())
        .collect()
}

/// The proof that no cover (partition) with `k` rectangles exists, so the
/// number is at least `k + 1`: the CNF of the query and its LRAT refutation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnsatCertificate {
    /// The number of rectangles shown impossible.
    pub k: usize,
    /// The query as DIMACS CNF (its `c cclab` lines say what it encodes).
    pub cnf: String,
    /// The LRAT refutation of `cnf`.
    pub lrat: String,
}

/// What [`verify_cover_lower_bound`] proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverLowerBound {
    /// The colour.
    pub colour: u8,
    /// Cover or partition.
    pub kind: CoverKind,
    /// The proven bound: the number is at least `k + 1`.
    pub lower: usize,
}

fn header_value<'a>(cnf: &'a Cnf, key: &str) -> Result<&'a str> {
    let want = format!("cclab {key}");
    cnf.comments
        .iter()
        .find_map(|c| {
            let rest = c.strip_prefix(&want)?;
            (rest.is_empty() || rest.starts_with(' ')).then(|| rest.trim())
        })
        .ok_or_else(|| TheoryError::Parse {
            line: 1,
            column: 1,
            message: format!("the CNF has no `c cclab {key} ...` line saying what it encodes"),
        })
}

fn bad_header(key: &str, value: &str) -> TheoryError {
    TheoryError::Parse {
        line: 1,
        column: 1,
        message: format!("`c cclab {key} {value}`: not a valid value"),
    }
}

/// Reads the query a cclab CNF states in its `c cclab` lines.
pub fn parse_query(cnf: &Cnf) -> Result<CoverQuery> {
    let colour = header_value(cnf, "colour")?;
    let colour: u8 = colour.parse().map_err(|_| bad_header("colour", colour))?;
    let kind = match header_value(cnf, "kind")? {
        "cover" => CoverKind::Cover,
        "partition" => CoverKind::Partition,
        other => return Err(bad_header("kind", other)),
    };
    let k = header_value(cnf, "k")?;
    let k: usize = k.parse().map_err(|_| bad_header("k", k))?;
    let encoding = match header_value(cnf, "encoding")? {
        "maximal" => Encoding::Maximal,
        "cells" => Encoding::Cells,
        other => return Err(bad_header("encoding", other)),
    };
    let pins = header_value(cnf, "pins")?
        .split_whitespace()
        .map(|p| {
            let (a, b) = p.split_once(':').ok_or_else(|| bad_header("pins", p))?;
            Ok((
                a.parse().map_err(|_| bad_header("pins", p))?,
                b.parse().map_err(|_| bad_header("pins", p))?,
            ))
        })
        .collect::<Result<Vec<(usize, usize)>>>()?;
    Ok(CoverQuery {
        colour,
        kind,
        k,
        encoding,
        pins,
    })
}

/// Why a cover lower-bound certificate fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoverProofViolation {
    /// The CNF or its header is malformed.
    #[error("CNF: {0}")]
    Cnf(TheoryError),
    /// The pins are not a fooling set of the reduced matrix.
    #[error("the pinned cells are not a {colour}-fooling set of the reduced matrix: {why}")]
    Pins {
        /// Colour.
        colour: u8,
        /// The checker's message.
        why: String,
    },
    /// The CNF is not the encoding of its stated query on this matrix.
    #[error("the CNF is not cclab's encoding of its stated query on this matrix: {0}")]
    NotTheEncoding(String),
    /// The proof does not refute the CNF.
    #[error("{0}")]
    Proof(crate::lrat::LratViolation),
}

/// Checks a cover / partition lower bound: the CNF text `cnf` must be
/// exactly cclab's encoding (rebuilt here from `m` and the query in its
/// `c cclab` lines, pins checked as a fooling set) and `lrat` must refute
/// it ([`check_lrat`]). Then no cover (partition) of the `colour`-cells with
/// `k` rectangles exists: `C^b >= k + 1` (`chi_b >= k + 1`).
pub fn verify_cover_lower_bound(
    m: &CommMatrix,
    cnf: &str,
    lrat: &str,
) -> std::result::Result<CoverLowerBound, CoverProofViolation> {
    let cnf = parse_dimacs(cnf).map_err(CoverProofViolation::Cnf)?;
    let q = parse_query(&cnf).map_err(CoverProofViolation::Cnf)?;
    if !m.is_boolean() {
        return Err(CoverProofViolation::NotTheEncoding(
            "the matrix is not Boolean".into(),
        ));
    }
    let red = m.reduce();
    let rm = &red.matrix;
    if rm.rows() > crate::cover::MAX_COVER_DIM || rm.cols() > crate::cover::MAX_COVER_DIM {
        return Err(CoverProofViolation::NotTheEncoding(format!(
            "cclab encodes covers of at most {} distinct rows and columns",
            crate::cover::MAX_COVER_DIM
        )));
    }
    // a cover with min(rows, cols) rectangles always exists: no query asks for more
    if q.k > rm.rows().min(rm.cols()) {
        return Err(CoverProofViolation::NotTheEncoding(format!(
            "k = {} exceeds the {} x {} reduced matrix's trivial cover",
            q.k,
            rm.rows(),
            rm.cols()
        )));
    }
    if let Some(&(i, j)) = q
        .pins
        .iter()
        .find(|&&(i, j)| i >= rm.rows() || j >= rm.cols())
    {
        return Err(CoverProofViolation::Pins {
            colour: q.colour,
            why: format!(
                "({i}, {j}) is outside the reduced {} x {} matrix",
                rm.rows(),
                rm.cols()
            ),
        });
    }
    crate::fooling::verify_fooling_set(rm, &q.pins, q.colour).map_err(|e| {
        CoverProofViolation::Pins {
            colour: q.colour,
            why: e.to_string(),
        }
    })?;
    if q.encoding == Encoding::Maximal && q.pins.len() > q.k {
        return Err(CoverProofViolation::NotTheEncoding(
            "more pins than rectangles".into(),
        ));
    }
    let rebuilt = encode(rm, &q).map_err(|e| CoverProofViolation::NotTheEncoding(e.to_string()))?;
    if rebuilt.cnf.vars != cnf.vars || rebuilt.cnf.clauses.len() != cnf.clauses.len() {
        return Err(CoverProofViolation::NotTheEncoding(format!(
            "expected {} variables and {} clauses, found {} and {}",
            rebuilt.cnf.vars,
            rebuilt.cnf.clauses.len(),
            cnf.vars,
            cnf.clauses.len()
        )));
    }
    if let Some(i) = (0..cnf.clauses.len()).find(|&i| rebuilt.cnf.clauses[i] != cnf.clauses[i]) {
        return Err(CoverProofViolation::NotTheEncoding(format!(
            "clause {} differs: expected {:?}, found {:?}",
            i + 1,
            rebuilt.cnf.clauses[i],
            cnf.clauses[i]
        )));
    }
    check_lrat(&cnf, lrat).map_err(CoverProofViolation::Proof)?;
    Ok(CoverLowerBound {
        colour: q.colour,
        kind: q.kind,
        lower: q.k + 1,
    })
}

/// The area bound on covers (Kushilevitz–Nisan §1.3, the size method): if
/// every `b`-monochromatic rectangle has at most `max_area` cells, covering
/// the `cells` `b`-cells needs
///
/// ```text
/// C^b >= ceil(cells / max_area)
/// ```
/// rectangles (and so does every partition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AreaBound {
    /// The colour `b`.
    pub colour: u8,
    /// Number of `b`-cells.
    pub cells: usize,
    /// Largest number of cells of a `b`-monochromatic rectangle.
    pub max_area: usize,
}

impl AreaBound {
    /// `ceil(cells / max_area)` (0 without cells).
    pub fn lower(&self) -> usize {
        if self.max_area == 0 {
            0
        } else {
            self.cells.div_ceil(self.max_area)
        }
    }
}

/// The area bound from the maximal rectangles (see [`AreaBound`]), or `None`
/// when there are too many of them.
/// `None` also when the smaller side has more than [`MAX_AREA_CHECK_SIDE`]
/// distinct lines (or the larger more than 64), where [`verify_area_bound`]
/// could not check it.
pub(crate) fn area_bound(m: &CommMatrix, colour: u8) -> Option<AreaBound> {
    let rm = m.reduce().matrix;
    if rm.rows().min(rm.cols()) > MAX_AREA_CHECK_SIDE || rm.rows().max(rm.cols()) > 64 {
        return None;
    }
    let rects = maximal_rectangles(&rm, colour, MAX_MAXIMAL_RECTANGLES)?;
    let cells = (0..m.rows())
        .map(|i| (0..m.cols()).filter(|&j| m.get(i, j) == colour).count())
        .sum();
    // area in the original matrix: duplicates multiply the reduced rectangle
    let red = m.reduce();
    let mult = |class: &[usize], idx: &[usize]| -> usize {
        idx.iter()
            .map(|&x| class.iter().filter(|&&c| c == x).count())
            .sum()
    };
    let max_area = rects
        .iter()
        .map(|r| mult(&red.row_class, &r.rows) * mult(&red.col_class, &r.cols))
        .max()
        .unwrap_or(0);
    Some(AreaBound {
        colour,
        cells,
        max_area,
    })
}

/// Largest side (distinct rows or columns) [`verify_area_bound`] enumerates.
pub const MAX_AREA_CHECK_SIDE: usize = 16;

/// Checks an [`AreaBound`] independently of the search: counts the
/// `b`-cells, and finds the largest `b`-rectangle by brute force over every
/// subset `A` of the distinct rows (or columns, whichever side is smaller,
/// at most [`MAX_AREA_CHECK_SIDE`]), with area `weight(A) * weight(B(A))`,
/// `B(A)` the columns that are `b` on all of `A`.
pub fn verify_area_bound(m: &CommMatrix, bound: &AreaBound) -> std::result::Result<(), String> {
    let colour = bound.colour;
    let cells: usize = (0..m.rows())
        .map(|i| (0..m.cols()).filter(|&j| m.get(i, j) == colour).count())
        .sum();
    if cells != bound.cells {
        return Err(format!(
            "the matrix has {cells} {colour}-cells, not {}",
            bound.cells
        ));
    }
    let red = m.reduce();
    let (mat, wr, wc) = if red.matrix.rows() <= red.matrix.cols() {
        (
            red.matrix.clone(),
            red.row_class.clone(),
            red.col_class.clone(),
        )
    } else {
        (
            red.matrix.transpose(),
            red.col_class.clone(),
            red.row_class.clone(),
        )
    };
    let (n, k) = (mat.rows(), mat.cols());
    if n > MAX_AREA_CHECK_SIDE || k > 64 {
        return Err(format!(
            "{n} x {k} distinct rows and columns: the brute-force check takes at most \
             {MAX_AREA_CHECK_SIDE} on the smaller side and 64 on the larger"
        ));
    }
    let weight = |class: &[usize], x: usize| class.iter().filter(|&&c| c == x).count();
    let row_w: Vec<usize> = (0..n).map(|i| weight(&wr, i)).collect();
    let col_w: Vec<usize> = (0..k).map(|j| weight(&wc, j)).collect();
    let masks: Vec<u64> = (0..n)
        .map(|i| {
            (0..k)
                .filter(|&j| mat.get(i, j) == colour)
                .fold(0, |a, j| a | 1 << j)
        })
        .collect();
    let mut best = 0;
    for a in 1u64..(1u64 << n) {
        let (mut wa, mut common) = (0, u64::MAX);
        for i in (0..n).filter(|&i| a >> i & 1 == 1) {
            wa += row_w[i];
            common &= masks[i];
        }
        let wb: usize = (0..k)
            .filter(|&j| common >> j & 1 == 1)
            .map(|j| col_w[j])
            .sum();
        best = best.max(wa * wb);
    }
    if best != bound.max_area {
        return Err(format!(
            "the largest {colour}-rectangle has {best} cells, not {}",
            bound.max_area
        ));
    }
    Ok(())
}
