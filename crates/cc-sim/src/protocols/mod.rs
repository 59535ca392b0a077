//! Dissemination and monitoring protocols on the event engine.
//!
//! * [`flood::Flood`] — flooding over a graph.
//! * [`flood::TreeBroadcast`] — `k`-ary tree broadcast.
//! * [`plumtree::Plumtree`] — epidemic broadcast trees (Leitão, Pereira,
//!   Rodrigues 2007), and plain eager push on the same overlay.
//! * [`gossip`] — the round-mode gossip protocols in the registry.
//! * [`health::HealthCheck`] — full-mesh and hierarchical heartbeat health
//!   checking with aggregation.

pub mod flood;
pub mod gossip;
pub mod health;
pub mod plumtree;
