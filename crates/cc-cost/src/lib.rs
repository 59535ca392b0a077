//! # cc-cost
//!
//! Dollar and latency pricing of protocol traffic from dated price and RTT data.

pub mod catalog;
mod error;
pub mod money;
pub mod protocols;
mod table;

pub use error::CostError;
