//! Coordination protocols under faults (issue 6), with safety checkers and
//! seeded fault-schedule sweeps.
//!
//! * [`twopc`] — two-phase commit (Gray & Lamport message counting),
//!   coordinator crash, participant timeouts and blocking.
//! * [`threepc`] — three-phase commit with the termination protocol:
//!   non-blocking under crash-stop, and Skeen's partition counterexample.
//! * [`raft`] — Raft leader election and log replication with checkers and
//!   the Figure-16 election-time experiment.
//! * [`ring`] — LCR and Hirschberg–Sinclair ring leader election, over
//!   reliable links (acks, retransmission) under faults.
//! * [`crdt`] — G-counter and PN-counter CRDTs converging by gossip.
//! * [`paxos`] — single-decree Paxos with duelling proposers.
//! * [`multipaxos`] — Multi-Paxos: stable leader, batching, pipelining,
//!   failover with re-proposal and no-op gap filling.
//! * [`pbft`] — PBFT normal case with silent or equivocating Byzantine backups.
//! * [`isr`] — Kafka-style ISR replication: fetch-based followers, high
//!   watermark, acks 0/1/all, `min.insync.replicas`, clean leader election.
//! * [`quorum`] — Dynamo-style (N, R, W) quorums and PBS stale-read probability.
//! * [`commitwait`] — commit wait with clock uncertainty ε (external consistency).
//! * [`spanner`] — Spanner-style multi-group commit: Paxos groups, 2PC
//!   across their leaders, TrueTime timestamps and commit wait.
//! * [`watch`] — etcd-style watch fan-out: naive or grouped by key range,
//!   progress notifications.
//! * [`wire`] — wire sizes of coordination messages (the `bytes` metric).
//! * [`faults`] — `--faults` parsing (`none`, `default`, explicit `key=value`
//!   lists) and clock skew, a fault of every protocol's timers.

pub mod commitwait;
pub mod crdt;
pub mod faults;
pub mod isr;
pub mod multipaxos;
pub mod paxos;
pub mod pbft;
pub mod quorum;
pub mod raft;
pub mod ring;
pub mod spanner;
pub mod threepc;
pub mod twopc;
pub mod watch;
pub mod wire;
