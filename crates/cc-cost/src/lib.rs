//! # cc-cost
//!
//! Dollar and latency pricing of protocol traffic from dated price and RTT data.

pub mod catalog;
mod error;
pub mod money;
mod table;

pub use error::CostError;
