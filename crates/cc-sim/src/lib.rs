//! # cc-sim
//!
//! Deterministic simulation of dissemination protocols (gossip, rumor
//! mongering, anti-entropy, flooding, tree broadcast, Plumtree, health
//! checking) on a shared network and fault model, with Monte Carlo
//! summaries (the report crate checks them against the literature).
//!
//! ## Two engines, one model
//!
//! * **Round mode** ([`round`]): synchronous rounds over flat arrays (no heap),
//!   for random-phone-call gossip at millions of nodes. In round `r` every
//!   node acts on the state at the start of the round.
//! * **Event mode** ([`des`]): a monotone priority queue of events keyed by
//!   integer nanoseconds, ties broken by insertion order ([`queue`]), for protocols with
//!   timers and latency. Protocols implement [`des::Protocol`].
//!
//! Both use [`net::NetworkModel`] — latency distributions (constant, uniform,
//! exponential, log-normal, Pareto, mixtures, a region-to-region RTT matrix),
//! jitter, loss, duplication, bandwidth (serialisation delay `8·bytes/bw`),
//! partition windows, crash-stop / crash-recover schedules and per-node
//! clock skew (timers run on each node's clock) — and record
//! [`metrics::RunMetrics`]: messages and bytes (total, per node, by kind),
//! payload transmissions, per-node delivery times (mean, p50, p99, max),
//! delivery ratio / residue, and an event-trace hash.
//!
//! Topologies ([`topology`]): complete, random `k`-regular, Erdős–Rényi,
//! ring, grid, `k`-ary tree, HyParView-like partial views.
//!
//! ## Determinism
//!
//! Randomness comes only from `rand_chacha`: trial `i` of a scenario with
//! seed `s` uses `ChaCha8Rng::seed_from_u64(s)` on stream `i`
//! ([`rng::trial_rng`]). Trials run on rayon, are collected in order and
//! reduced sequentially ([`montecarlo`]), so results do not depend on the
//! thread count. Ordered maps only; integer time.
//!
//! ## Statistics
//!
//! Every summary ([`stats::Stat`]) carries mean with a 95 % Student-t
//! interval, median, min and max over the trials; pooled fractions carry
//! Wilson intervals ([`stats::wilson95`]). Every summary states its trials and seed.
//!
//! ## Entry points
//!
//! * [`registry`] — one entry per protocol ([`REGISTRY`]): name, help,
//!   nodes, parameters, options, default fault mix, trial, sweep and mutants.
//!   [`simulate`] runs a typed [`Scenario`] and returns a [`SimSummary`]
//!   (`Serialize` + `Display`).
//! * [`run`] with a [`SimRequest`] — the string adapter `cclab sim` calls.
//! * [`sweep`](mod@sweep) — one sweep over seeded fault schedules for every
//!   coordination protocol (`cclab sweep`), its mutants included.
//! * [`coord`] — coordination protocols under faults (2PC, 3PC, Raft, Paxos,
//!   Multi-Paxos, Kafka-style ISR replication, PBFT, ring elections, CRDT
//!   counters, quorums, commit wait) with safety checkers, seeded fault
//!   sweeps (clock skew included) and mutations the sweeps catch.
//!
//! ```
//! use cc_sim::{SimRequest, run};
//!
//! // Push gossip on 10 000 nodes: rounds ≈ log₂ n + ln n (Frieze–Grimmett, Pittel).
//! let req = SimRequest {
//!     protocol: "push".into(),
//!     nodes: 10_000,
//!     trials: 16,
//!     seed: 7,
//!     ..SimRequest::default()
//! };
//! let summary = run(&req, &|_done, _total| {})?;
//! let theory = (10_000f64).log2() + (10_000f64).ln();
//! let rounds = summary.rounds.as_ref().expect("round mode reports rounds");
//! assert!((rounds.mean - theory).abs() < 3.0);
//! assert_eq!(summary.delivery_ratio.mean, 1.0);
//!
//! // Pull transmits the rumor payload exactly n − 1 times.
//! let pull = run(&SimRequest { protocol: "pull".into(), ..req.clone() }, &|_, _| {})?;
//! assert_eq!(pull.payload_messages.min, 9_999.0);
//! assert_eq!(pull.payload_messages.max, 9_999.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod error;

pub mod coord;
pub mod des;
pub mod grid;
pub mod metrics;
pub mod montecarlo;
pub mod net;
pub mod protocols;
pub mod queue;
pub mod registry;
pub mod request;
pub mod rng;
pub mod round;
pub mod stats;
pub mod summary;
pub mod sweep;
pub mod topology;

#[cfg(test)]
mod proptests;

pub use coord::faults::{FaultMix, FaultSpec, Faults};
pub use error::SimError;
pub use net::{LatencyDist, NetworkModel, RegionMatrix};
pub use registry::{
    Engine, Family, Knob, NodeRange, Params, REGISTRY, Scenario, SimProtocol, find, names, simulate,
};
pub use request::{SimRequest, run};
pub use stats::{Fraction, Stat};
pub use summary::{SimSummary, TrialMetrics};
pub use sweep::{Findings, Sweep, sweep, sweepable};
