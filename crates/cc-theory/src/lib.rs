//! # cc-theory
//!
//! Exact, certified lower bounds for small communication matrices.
//!
//! This crate is the bottom layer of cclab: it has no dependency on any other
//! workspace crate and performs no I/O.

mod error;

pub use error::TheoryError;
