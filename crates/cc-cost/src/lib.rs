//! # cc-cost
//!
//! Dollar and latency pricing of protocol traffic from dated price and RTT data.

mod error;

pub use error::CostError;
