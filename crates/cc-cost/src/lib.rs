//! # cc-cost
//!
//! Dollar and latency pricing of protocol traffic from dated price and RTT data.

pub mod catalog;
pub mod econ;
mod error;
pub mod money;
pub mod orderstat;
pub mod protocols;
pub mod queueing;
mod table;

pub use error::CostError;
