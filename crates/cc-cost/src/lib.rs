//! # cc-cost
//!
//! Dollar and latency pricing of protocol traffic from dated price and RTT data.

pub mod audit;
pub mod catalog;
pub mod econ;
mod error;
pub mod money;
pub mod orderstat;
pub mod protocols;
pub mod queueing;
pub mod request;
mod table;
pub mod traffic;

pub use error::CostError;
