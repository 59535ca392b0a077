//! Coordination protocols under faults (issue 6), with safety checkers and
//! seeded fault-schedule sweeps.
//!
//! * [`twopc`] — two-phase commit (Gray & Lamport message counting),
//!   coordinator crash, participant timeouts and blocking.
//! * [`raft`] — Raft leader election and log replication with checkers and
//!   the Figure-16 election-time experiment.
//! * [`ring`] — LCR and Hirschberg–Sinclair ring leader election.
//! * [`crdt`] — G-counter and PN-counter CRDTs converging by gossip.
//! * [`paxos`] — single-decree Paxos with duelling proposers.
//! * [`pbft`] — PBFT normal case with silent or equivocating Byzantine backups.
//! * [`quorum`] — Dynamo-style (N, R, W) quorums and PBS stale-read probability.
//! * [`commitwait`] — commit wait with clock uncertainty ε (external consistency).
//! * [`faults`] — `--faults` parsing (`none`, `default`, explicit `key=value` lists).

pub mod commitwait;
pub mod crdt;
pub mod faults;
pub mod paxos;
pub mod pbft;
pub mod quorum;
pub mod raft;
pub mod ring;
pub mod twopc;
