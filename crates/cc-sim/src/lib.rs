//! # cc-sim
//!
//! Deterministic simulation of dissemination and coordination protocols.
//! The random number generator is always passed in, never created inside.

mod error;

pub use error::SimError;
