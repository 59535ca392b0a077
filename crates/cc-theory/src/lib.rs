//! # cc-theory
//!
//! Exact, certified lower bounds and complexity measures of small
//! communication matrices — the bottom layer of cclab. The crate is pure: no
//! I/O, no dependency on other workspace crates; the CLI reads files and
//! passes their text to the parsers here.
//!
//! ## Conventions
//!
//! * A function `f: X x Y -> Z` is a [`CommMatrix`] `M[x][y] = f(x, y)`:
//!   **rows are Alice's `x`, columns Bob's `y`**; for `n`-bit inputs bit `i`
//!   of `x` is `(x >> i) & 1`. Outputs are small integers (`0..=255`);
//!   Boolean matrices are the first-class case.
//! * `D(f)` counts every bit exchanged **including the bit announcing the
//!   answer** (Kushilevitz–Nisan 1997, §1.1), so `D(EQ_n) = n + 1`. Equivalently,
//!   a protocol tree of depth `d` has at most `2^d` monochromatic leaves.
//! * Every value is a proven interval `lower <= value <= upper` with a
//!   certificate, and every certificate kind has a public checker
//!   ([`rank::verify_rank`], [`fooling::verify_fooling_set`],
//!   [`analyze::verify_report`]). Arithmetic is exact (integers, finite
//!   fields); floating point appears only in the labelled cross-check
//!   [`rank::numerical_rank`].
//! * Same input, same output bytes (ordered collections only).
//!
//! ## What is computed
//!
//! | measure | method | certificate |
//! | --- | --- | --- |
//! | `rank_gf2`, `rank_gf2_complement` | M4RI elimination ([`gf2`]) | nonsingular minor mod 2; exact elimination |
//! | `rank_q`, `rank_q_complement` | Bareiss in `i128`, else multimodular mod primes `~2^21` ([`rank`]) | minor nonzero mod a prime; exact elimination or product of primes > Hadamard bound (or a stated error bound) |
//! | `fooling_1`, `fooling_0` | maximum clique, bitset branch and bound with orbital branching over verified matrix automorphisms ([`fooling`]) | the fooling set; upper bound `rk_F(M_b)^2` (DHS 1996), colouring or exhaustion |
//! | `deterministic` | iterative deepening over protocol trees, memoised on normal forms invariant under transpose and complement ([`protocol`]); beyond 64 distinct rows or columns only when the rank bound meets the one-way bound | an optimal protocol tree |
//! | `cover_b`, `partition_b`, `partition` | SAT (varisat) with k increasing: maximal rectangles pinned by a fooling set ([`cover`], [`cover_sat`]) | the rectangles; "no k-1" by a CNF and its LRAT proof, re-checked ([`lrat`]) |
//! | `one_way_ab`, `one_way_ba` | answer bit counted like `D`: `ceil(log2 sum_r 2^ceil(log2 #values in r))` over distinct rows/cols `r` — `ceil(log2 #distinct) + 1` without constant rows, `ceil(log2 #distinct)` when all are constant ([`protocol::one_way`]) | the distinct and constant counts, recomputed |
//! | `discrepancy_uniform` | exact enumeration of row subsets ([`discrepancy`]) | an optimal rectangle |
//!
//! and the lower bounds on `D(f)` they imply (log-rank, rank sum
//! `ceil(log2(rk_F(M) + rk_F(J-M)))`, fooling sets `ceil(log2(|S_1| + |S_0|))`,
//! partition `ceil(log2 chi)`, discrepancy `R_1/3 >= log2((1/3)/disc)`), each
//! with its theorem, plus the relations between measures checked on every
//! answer (`fool_b <= C^b <= chi_b`, `rk_F(M) <= chi_1`, `ceil(log2 chi) <= D`,
//! `D <= (N^0+1)(N^1+1)`, `D <= one-way`); see [`analyze::analyze`].
//! `gamma_2` is not computed: the one Rust SDP solver (clarabel) needs a
//! system BLAS/LAPACK for its PSD cone, which a Rust-only build lacks.
//!
//! ## Checking a student's work
//!
//! Pure functions on strings the CLI has read: [`parse::parse_cells`] +
//! [`fooling::verify_fooling_set`]; [`protocol::parse_protocol_tree`] (text
//! format documented in [`protocol`], or JSON) + [`protocol::verify_protocol_tree`]
//! (returns the depth) and [`protocol::ProtocolTree::explain`] for an indented
//! view; [`cover::parse_rectangles`] + [`cover::verify_cover`]. A wrong
//! certificate gets the first counterexample cell or pair and the rule broken.
//!
//! ## Reference data
//!
//! [`reference::standard_table`], [`reference::tightness`],
//! [`reference::fooling_beats_rank`], [`reference::census_exhaustive`],
//! [`reference::census_sample`].
//!
//! ## Input formats
//!
//! * Named functions ([`named`]): `eq`, `neq`, `gt`, `ge`, `lt`, `disj`, `int`,
//!   `ip`, `maj` (strict majority of the `2n` bits; a tie gives 0), `hameq`,
//!   `hamdist` (distance `<= t`), `index`, `kushilevitz-and`.
//! * Text, CSV and JSON matrices and cell lists ([`parse`]); errors name the
//!   line and column.
//! * Expressions in `x`, `y` over `n`-bit integers ([`expr`]), e.g.
//!   `popcount(x & y) % 2`.
//!
//! ## Example
//!
//! ```
//! use cc_theory::{AnalysisOptions, analyze, named_matrix, parse::parse_matrix, verify_report};
//!
//! // EQ on 3 bits: rank 8 over every field, largest 0-fooling set 3.
//! let eq = named_matrix("eq", 3, None)?;
//! let report = analyze(&eq, &AnalysisOptions::default())?;
//! assert_eq!(report.measures["rank_q"].lower, 8);
//! assert_eq!(report.measures["fooling_0"].upper, 3);
//! verify_report(&eq, &report)?;
//! // D(EQ_3) >= ceil(log2(8 + 3)) = 4 = n + 1.
//! assert_eq!(report.bounds.iter().map(|b| b.value).max(), Some(4));
//!
//! // A matrix typed by a student, with a comment.
//! let m = parse_matrix("# J - I\n011\n101\n110\n")?;
//! let r = analyze(&m, &AnalysisOptions::default())?;
//! assert_eq!(r.measures["rank_gf2"].lower, 2);
//! assert_eq!(r.measures["fooling_1"].lower, 3); // the fooling set beats rank over GF(2)
//! println!("{r}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(unreachable_pub)]

pub mod analyze;
pub mod cover;
pub mod cover_sat;
pub mod discrepancy;
mod error;
pub mod expr;
pub mod fooling;
pub mod gf2;
pub mod lrat;
pub mod matrix;
pub mod named;
pub mod optimality;
pub mod parse;
pub mod protocol;
pub mod rank;
pub mod reference;
mod symmetry;

// The facade: what the CLI and the report layer use, by name at the crate root.
// The modules above stay public for their reference documentation and the
// specialised entry points (the rank, cover and census functions); the helpers the
// modules share among themselves are `pub(crate)`.
pub use analyze::{
    AnalysisOptions, BoundsReport, Budget, Certificate, Measure, MeasureResult,
    add_optimality_certificates, analyze, ceil_log2, parse_measures, verify_optimality,
    verify_report,
};
pub use cover::{CoverKind, Rectangle, parse_rectangles, verify_cover};
pub use error::{Result, TheoryError};
pub use expr::matrix_from_expr;
pub use fooling::verify_fooling_set;
pub use matrix::{BitMatrix, CommMatrix};
pub use named::{NamedFunction, named_matrix};
pub use parse::{MAX_INPUT_BYTES, decode_utf8, parse_cells, parse_matrix};
pub use protocol::{ProtocolTree, parse_protocol_tree, verify_protocol_tree};
