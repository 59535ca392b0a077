//! # cc-theory
//!
//! Exact, certified lower bounds for small communication matrices.

pub mod analyze;
mod error;
pub mod expr;
pub mod fooling;
pub mod gf2;
pub mod matrix;
pub mod named;
pub mod parse;
pub mod rank;

pub use analyze::{
    AnalysisOptions, BoundsReport, Budget, Measure, analyze, parse_measures, verify_report,
};
pub use error::{Result, TheoryError};
pub use expr::matrix_from_expr;
pub use matrix::{BitMatrix, CommMatrix};
pub use named::{NamedFunction, named_matrix};
