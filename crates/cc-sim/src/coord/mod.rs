//! Coordination protocols under faults (issue 6), with safety checkers and
//! seeded fault-schedule sweeps.
//!
//! * [`twopc`] — two-phase commit (Gray & Lamport message counting),
//!   coordinator crash, participant timeouts and blocking.

pub mod twopc;
