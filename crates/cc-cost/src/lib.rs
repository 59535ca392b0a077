//! # cc-cost
//!
//! What coordination costs in dollars and in latency, priced from dated, cited
//! cloud price lists and round-trip-time matrices.
//!
//! cc-cost turns a coordination protocol (or a measured/simulated run) into
//! messages, bytes, message delays and waits, prices every message on the network
//! path it actually takes, converts user-visible latency into dollars with an
//! explicit, sourced model, and reports per-transaction, per-day and per-year
//! totals — exact to the cent — with the sensitivity of the total to each input.
//!
//! ## What is in the crate
//!
//! * [`catalog`] — the shipped data (embedded with `include_str!`, overridable by a
//!   user file given as text): a price catalog (AWS same-AZ, cross-AZ billed on both
//!   sides, inter-region by source region with pair exceptions, internet egress
//!   tiers, NAT processing; GCP intra-/inter-zone, inter-region by continent pair,
//!   internet tiers — in **GiB**; Azure inter-region by continent and internet
//!   tiers; per-request prices of SQS, SNS, Kinesis and DynamoDB writes), a region
//!   table and median RTT matrices for AWS (14 regions), Azure (12) and GCP (9).
//!   Every row carries its `source` and `as_of` date; loading validates and reports
//!   `file:line: field` errors. [`catalog::Catalog::listing`] is the data behind
//!   `cclab cost catalog`.
//! * [`protocols`] — closed-form traffic models (2PC and 3PC with a stated
//!   coordinator convention, Paxos, Multi-Paxos and Raft with batching, leader-based,
//!   leaderless quorum (N, R, W), gossip, PBFT, full-mesh vs hierarchical health
//!   checks, tree 2PC and two-level Raft / Multi-Paxos) as directed message edges
//!   plus a critical path of phases, and
//!   leader-election message counts ([`protocols::election_messages`]).
//! * [`orderstat`] — quorum latency as an order statistic: the k-th of n
//!   independent reply latencies (exponential, shifted-exponential, deterministic,
//!   empirical), exactly via the Poisson-binomial recursion, and from placed RTTs.
//! * [`econ`] — latency economics: cost = β × revenue per transaction × added
//!   seconds with β from published A/B studies, or the flat $/s form.
//! * [`request`] — the `cclab cost` entry point: [`CostRequest`] → [`evaluate`] →
//!   [`CostReport`] (`Serialize` + `Display`).
//! * [`traffic`] — a plain [`traffic::TrafficSummary`] (messages and bytes per path,
//!   rounds, latency samples) so that simulated runs can be priced.
//! * [`optimize`] — batching, hierarchy, regional affinity, sharding, async
//!   replication and CRDTs, each computed as before/after dollars and latency.
//! * [`hidden`] — config push vs pull with jitter, discovery polling vs push.
//! * [`queueing`] — Little's law, M/M/c (Erlang C) waits and percentiles, servers
//!   for a p99 target and for an availability target, and both together
//!   ([`queueing::capacity_plan`]).
//! * [`audit`] — the source texts' worked examples recomputed with verdicts, and the
//!   same scenarios priced with the shipped data.
//! * [`money`] — [`Usd`], exact integer atto-dollars; JSON as decimal strings.
//!
//! ## Formulas in one place
//!
//! * message cost per transaction = Σ over directed messages (bytes × price per
//!   byte of its path [× 2 if billed on both sides] + per-request fee) ÷ batch size;
//! * latency cost per transaction = β × R × Δt (or L × Δt with L in $/s);
//! * per day = per transaction × transactions per day; per year = per day × 365;
//! * waiting for k of n replies: P(T₍ₖ₎ ≤ t) = P(Σᵢ 1(Xᵢ ≤ t) ≥ k); for i.i.d.
//!   exponentials E(T₍ₖ₎) = Σ_{i<k} 1/((n − i)λ);
//! * Erlang C: C(c, a) = c·B(c, a) / (c − a(1 − B(c, a))), E(W_q) = C/(cμ − λ).
//!
//! ## Example
//!
//! The source text's cross-region 2PC (5 participants, RTT 100 ms, $0.01 per 1000
//! messages, $1 per second of latency, 1M transactions per day), under Gray &
//! Lamport's count of 3N − 1 messages and 4 message delays:
//!
//! ```
//! use cc_cost::{CostRequest, evaluate};
//!
//! let report = evaluate(&CostRequest {
//!     model: "2pc".into(),
//!     participants: Some(5),
//!     rtt_ms: Some(100.0),
//!     price_per_1000_messages: Some(0.01),
//!     latency_usd_per_s: Some(1.0),
//!     tx_per_day: Some(1_000_000),
//!     ..Default::default()
//! })?;
//! assert_eq!(report.messages_per_tx, 14.0);
//! assert_eq!(report.latency_ms, 200.0);
//! assert_eq!(report.per_tx_usd.to_string(), "0.20014");
//! assert_eq!(report.per_day_usd.to_string(), "200140.00");
//! assert_eq!(report.per_year_usd.pretty(), "$73,051,100.00");
//!
//! // The same protocol placed on real regions, priced from the shipped catalog.
//! let placed = evaluate(&CostRequest {
//!     model: "raft".into(),
//!     participants: Some(5),
//!     regions: Some(vec!["aws:us-east-1".into(), "us-east-2".into(), "us-west-2".into(),
//!                        "eu-west-1".into(), "ap-northeast-1".into()]),
//!     message_bytes: Some(1000),
//!     revenue_per_tx: Some(10.0),   // beta defaults to 0.1/s (≈1 % per 100 ms)
//!     ..Default::default()
//! })?;
//! println!("{placed}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod audit;
pub mod catalog;
pub mod econ;
mod error;
pub mod hidden;
pub mod money;
pub mod optimize;
pub mod orderstat;
pub mod protocols;
pub mod queueing;
pub mod request;
mod table;
pub mod traffic;

pub use catalog::{Catalog, CatalogListing};
pub use error::CostError;
pub use money::Usd;
pub use request::{
    CatalogSource, CostReport, CostRequest, catalog_listing, evaluate, evaluate_with,
};
