//! Multi-Paxos (Lamport 1998/2001; van Renesse & Altinbuken, "Paxos Made
//! Moderately Complex", 2015) as a state machine on the event engine: a
//! stable leader runs phase 1 once for all future slots, then phase 2 per
//! slot, with batching, pipelining, leader failover and no-op gap filling.
//!
//! **Replicas** `0..n` (`3..=64`) each play proposer, acceptor and learner.
//! Ballots are `round · 64 + id` (totally ordered, unique per replica).
//!
//! * **Phase 1, once per leadership.** A candidate (replica 0 at time 0; any
//!   replica whose randomized election timeout in `[election_min,
//!   election_min + election_spread]` expires without hearing from a leader)
//!   picks a ballot above every ballot it has seen and sends
//!   `Prepare(b, from)` where `from` is its first slot not known chosen. An
//!   acceptor whose promise is lower promises `b` for *all* slots and reports
//!   every value it accepted at slots `>= from` (`Promise(b, [(slot, ballot,
//!   value)])`); otherwise it answers `Nack`.
//! * **Taking over.** With a majority of promises (its own included) the new
//!   leader re-proposes, for every slot in `[from, highest reported]`, the
//!   value reported with the highest ballot, fills slots with no report
//!   with a **no-op**, and continues with fresh slots.
//! * **Phase 2 per slot.** Commands reach the leader every `propose_interval`;
//!   each `batch` commands form one slot's value; at most `window` slots are
//!   outstanding (pipelining). `Accept(b, slot, value, commit)` goes to the
//!   `n − 1` other acceptors, each answers `Accepted(b, slot)`; a majority
//!   (the leader's own acceptance included) chooses the value. The leader's
//!   `commit` (all slots up to it are chosen) is **piggybacked on the next
//!   `Accept`**; a follower learns a slot `<= commit` it accepted in the same
//!   ballot. An idle leader sends `Heartbeat(b, commit)` every `heartbeat`.
//! * A `Nack` (a higher promise) deposes a leader or candidate. Acceptor and
//!   learner state (promise, accepted values, learned values) survive
//!   crashes; leader state is volatile.
//!
//! **Message count** (convention, the same as Raft's here): replica-to-replica
//! messages of a stable leader, fault-free, counting `Accept` and `Accepted`
//! only:
//!
//! ```text
//! per slot     2(n − 1)
//! per command  2(n − 1) / b        (batch b, every slot full)
//! ```
//!
//! Phase 1 (`prepare`, `promise`: `2(n − 1)` once per leadership),
//! heartbeats and nacks are counted under their own kinds. Commit latency at
//! the leader, fault-free, batch 1: 2 message delays.
//!
//! **Bytes** ([`super::wire`], `c` = [`MultiPaxosConfig::command_bytes`], a
//! slot value of `k` commands):
//!
//! ```text
//! prepare     ballot, from                        16 + 2·8 = 32
//! promise     ballot, count + per reported slot
//!             (slot, ballot, count, k commands)   32 + Σ (24 + k·(8 + c))
//! accept      ballot, slot, commit, count         48 + k·(8 + c)
//! accepted    ballot, slot                        32
//! heartbeat   ballot, commit                      32
//! nack        promised                            24
//! ```
//!
//! Fault-free phase-2 bytes per slot of `b` commands: `(n − 1)·(80 + b·(8 + c))`
//! ([`MultiPaxosConfig::formula_bytes_per_slot`]).
//!
//! **Checkers** (a global oracle counts acceptances per `(slot, ballot)`):
//! *per-slot agreement* — a slot is never chosen with two values, and every
//! value a replica learns is the chosen one; *validity* — only no-ops and
//! proposed commands are chosen, and no command is chosen in two slots;
//! *no chosen command lost* — when a new leader finishes phase 1, its value
//! for every slot chosen so far equals the chosen value.
//!
//! **Mutation** `ignore_promised_values`: the new leader fills every open
//! slot with a no-op, ignoring the values reported in the promises — the
//! fault sweep catches it (a slot chosen under the old leader whose commit
//! notification had not yet reached the new leader).

use super::faults::{FaultTargets, Faults};
use super::raft::RAFT_MIX;
use super::wire;
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, unit};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// A slot's value: a batch of command ids (empty = no-op).
pub type Value = Rc<[u64]>;

/// Multi-Paxos message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MpMsg {
    /// Phase 1a for all slots `>= from`.
    Prepare {
        /// Ballot.
        ballot: u64,
        /// First slot covered.
        from: u64,
    },
    /// Phase 1b: the values accepted at slots `>= from`.
    Promise {
        /// Ballot promised.
        ballot: u64,
        /// `(slot, accepted ballot, value)`.
        accepted: Vec<(u64, u64, Value)>,
        /// Bytes of each command.
        command_bytes: u32,
    },
    /// Phase 2a, with the leader's commit index piggybacked.
    Accept {
        /// Ballot.
        ballot: u64,
        /// Slot.
        slot: u64,
        /// Value.
        value: Value,
        /// Every slot `<= commit` is chosen.
        commit: u64,
        /// Bytes of each command.
        command_bytes: u32,
    },
    /// Phase 2b.
    Accepted {
        /// Ballot.
        ballot: u64,
        /// Slot.
        slot: u64,
    },
    /// Idle leader's heartbeat with its commit index.
    Heartbeat {
        /// Ballot.
        ballot: u64,
        /// Commit index.
        commit: u64,
    },
    /// Rejection: the acceptor promised a higher ballot.
    Nack {
        /// The acceptor's promise.
        promised: u64,
    },
}

message_kinds! {
    enum MpKind {
        Prepare = "prepare",
        Promise = "promise",
        Accept = "accept",
        Accepted = "accepted",
        Heartbeat = "heartbeat",
        Nack = "nack",
    }
}

impl Message for MpMsg {
    const KINDS: &'static [&'static str] = MpKind::NAMES;
    const PAYLOAD_KINDS: u64 = MpKind::Accept.bit();
    fn kind(&self) -> u8 {
        (match self {
            MpMsg::Prepare { .. } => MpKind::Prepare,
            MpMsg::Promise { .. } => MpKind::Promise,
            MpMsg::Accept { .. } => MpKind::Accept,
            MpMsg::Accepted { .. } => MpKind::Accepted,
            MpMsg::Heartbeat { .. } => MpKind::Heartbeat,
            MpMsg::Nack { .. } => MpKind::Nack,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            MpMsg::Prepare { .. } => PREPARE,
            // (ballot, count) and per accepted slot (slot, ballot, value)
            MpMsg::Promise {
                accepted,
                command_bytes,
                ..
            } => accepted.iter().fold(wire::message(2), |b, a| {
                b.saturating_add(
                    wire::message_commands(3, a.2.len() as u32, *command_bytes) - wire::HEADER,
                )
            }),
            // (ballot, slot, commit, count) and the batch
            MpMsg::Accept {
                value,
                command_bytes,
                ..
            } => wire::message_commands(4, value.len() as u32, *command_bytes),
            MpMsg::Accepted { .. } => ACCEPTED,
            MpMsg::Heartbeat { .. } => HEARTBEAT,
            MpMsg::Nack { .. } => NACK,
        }
    }
}

/// `prepare` (ballot, from).
const PREPARE: u32 = wire::message(2);
/// `accepted` (ballot, slot).
const ACCEPTED: u32 = wire::message(2);
/// `heartbeat` (ballot, commit).
const HEARTBEAT: u32 = wire::message(2);
/// `nack` (promised).
const NACK: u32 = wire::message(1);

/// Multi-Paxos timers: the election and heartbeat timeouts are re-armable
/// (one slot each), proposals carry the ballot they were armed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MpTimer {
    /// Election timeout.
    Election,
    /// The leader's heartbeat interval.
    Heartbeat,
    /// The leader of `ballot` proposes the next command (stops when the ballot is over).
    Propose {
        /// Ballot of the leader that armed it.
        ballot: u64,
    },
    /// Crash the first leader (failover experiment).
    CrashLeader,
}

impl Timer for MpTimer {
    const SLOTS: usize = 2;
    fn slot(&self) -> Option<usize> {
        match self {
            MpTimer::Election => Some(0),
            MpTimer::Heartbeat => Some(1),
            _ => None,
        }
    }
    fn trace_id(&self, generation: u64) -> u64 {
        const MASK: u64 = (1 << 56) - 1;
        match *self {
            MpTimer::Election => 1 << 56 | generation & MASK,
            MpTimer::Heartbeat => 2 << 56 | generation & MASK,
            MpTimer::Propose { ballot } => 3 << 56 | ballot & MASK,
            MpTimer::CrashLeader => 4 << 56,
        }
    }
}

type MpSim = Sim<MpMsg, MpTimer>;

/// Multi-Paxos configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MultiPaxosConfig {
    /// Replicas (`3..=64`).
    pub n: usize,
    /// Commands to choose.
    pub commands: u64,
    /// Interval between client commands at the leader.
    pub propose_interval: Time,
    /// Commands per slot (`1..=1024`).
    pub batch: u32,
    /// Outstanding (proposed, not yet chosen) slots at the leader (`1..=4096`).
    pub window: u32,
    /// Minimum election timeout.
    pub election_min: Time,
    /// Width of the uniform randomisation added to `election_min`.
    pub election_spread: Time,
    /// Heartbeat interval of an idle leader.
    pub heartbeat: Time,
    /// Stop when all commands are chosen and known to the leader.
    pub stop_when_done: bool,
    /// Injected bug: a new leader ignores the values reported in promises.
    pub ignore_promised_values: bool,
    /// Crash the first leader this long after it takes over (failover experiment).
    pub crash_first_leader_after: Option<Time>,
    /// Payload bytes of one client command (`0..=1 MiB`; see [`super::wire`]).
    pub command_bytes: u32,
}

impl MultiPaxosConfig {
    /// Defaults: 200 commands every 1 ms, batch 1, window 64, election
    /// timeouts 150–300 ms, heartbeat 50 ms.
    pub fn new(n: usize) -> Self {
        MultiPaxosConfig {
            n,
            commands: 200,
            propose_interval: MS,
            batch: 1,
            window: 64,
            election_min: 150 * MS,
            election_spread: 150 * MS,
            heartbeat: 50 * MS,
            stop_when_done: true,
            ignore_promised_values: false,
            crash_first_leader_after: None,
            command_bytes: wire::DEFAULT_COMMAND_BYTES,
        }
    }

    /// Fault-free `Accept` + `Accepted` bytes per full slot:
    /// `(n − 1)·(48 + b·(8 + c) + 32)`.
    pub fn formula_bytes_per_slot(&self) -> u64 {
        (self.n as u64 - 1)
            * u64::from(wire::message_commands(4, self.batch, self.command_bytes) + ACCEPTED)
    }

    /// Fault-free `Accept` + `Accepted` messages per slot: `2(n − 1)`.
    pub fn formula_messages_per_slot(&self) -> u64 {
        2 * (self.n as u64 - 1)
    }

    /// Fault-free messages per command: `2(n − 1)/b`.
    pub fn formula_messages_per_command(&self) -> f64 {
        self.formula_messages_per_slot() as f64 / f64::from(self.batch)
    }

    fn validate(&self) -> Result<(), SimError> {
        if !(3..=64).contains(&self.n) {
            return Err(SimError::param(
                "nodes",
                format!("multi-paxos supports 3..=64 replicas, got {}", self.n),
            ));
        }
        if !(1..=1024).contains(&self.batch) {
            return Err(SimError::param(
                "batch",
                format!("must be in 1..=1024, got {}", self.batch),
            ));
        }
        if !(1..=4096).contains(&self.window) {
            return Err(SimError::param(
                "window",
                format!("must be in 1..=4096, got {}", self.window),
            ));
        }
        if self.commands > 10_000_000 {
            return Err(SimError::param("commands", "must be <= 10000000"));
        }
        wire::check_command_bytes(self.command_bytes)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Follower,
    Candidate,
    Leader,
}

#[derive(Debug, Clone)]
struct Replica {
    // persistent
    promised: u64,
    accepted: BTreeMap<u64, (u64, Value)>,
    learned: BTreeMap<u64, Value>,
    max_seen: u64,
    // volatile
    role: Role,
    ballot: u64,
    from: u64,
    promises: u64,
    reported: BTreeMap<u64, (u64, Value)>,
    next_slot: u64,
    proposals: BTreeMap<u64, (Value, u64)>,
    queue: VecDeque<u64>,
}

impl Replica {
    /// Highest `c` such that every slot `1..=c` is learned.
    fn commit(&self) -> u64 {
        let mut c = 0;
        for &s in self.learned.keys() {
            if s == c + 1 {
                c = s;
            } else {
                break;
            }
        }
        c
    }
}

/// Multi-Paxos cluster state and measurements.
#[derive(Debug, Clone)]
pub struct MultiPaxos {
    cfg: MultiPaxosConfig,
    r: Vec<Replica>,
    next_cmd: u64,
    proposed_at: BTreeMap<u64, Time>,
    commit_latency: Vec<Time>,
    votes: BTreeMap<(u64, u64), (Value, u64)>,
    chosen: BTreeMap<u64, Value>,
    chosen_in: BTreeMap<u64, u64>,
    leader_learned: BTreeMap<u64, ()>,
    leader_learned_cmds: u64,
    leaderships: u64,
    first_leader: Option<(Time, NodeId)>,
    crashed_leader_at: Option<Time>,
    reelected_at: Option<Time>,
    violations: Vec<String>,
}

impl MultiPaxos {
    /// A cluster in its initial state.
    pub fn new(cfg: MultiPaxosConfig) -> Self {
        let replica = Replica {
            promised: 0,
            accepted: BTreeMap::new(),
            learned: BTreeMap::new(),
            max_seen: 0,
            role: Role::Follower,
            ballot: 0,
            from: 1,
            promises: 0,
            reported: BTreeMap::new(),
            next_slot: 1,
            proposals: BTreeMap::new(),
            queue: VecDeque::new(),
        };
        MultiPaxos {
            cfg,
            r: vec![replica; cfg.n],
            next_cmd: 0,
            proposed_at: BTreeMap::new(),
            commit_latency: Vec::new(),
            votes: BTreeMap::new(),
            chosen: BTreeMap::new(),
            chosen_in: BTreeMap::new(),
            leader_learned: BTreeMap::new(),
            leader_learned_cmds: 0,
            leaderships: 0,
            first_leader: None,
            crashed_leader_at: None,
            reelected_at: None,
            violations: Vec::new(),
        }
    }

    fn majority(&self) -> u32 {
        (self.cfg.n / 2 + 1) as u32
    }

    fn reset_election(&mut self, sim: &mut MpSim, v: NodeId) {
        let spread = self.cfg.election_spread;
        let jitter = if spread == 0 {
            0
        } else {
            (unit(sim.rng()) * (spread as f64 + 1.0)) as Time
        };
        sim.set_timer(v, self.cfg.election_min + jitter, MpTimer::Election);
    }

    fn step_down(&mut self, sim: &mut MpSim, v: usize) {
        let r = &mut self.r[v];
        r.role = Role::Follower;
        r.proposals.clear();
        r.queue.clear();
        r.reported.clear();
        r.promises = 0;
        sim.cancel_timer(v as NodeId, MpTimer::Heartbeat);
    }

    fn observe(&mut self, v: usize, ballot: u64) {
        let r = &mut self.r[v];
        r.max_seen = r.max_seen.max(ballot);
    }

    // ---- oracle and checkers ----

    /// Acceptor `a` accepted `value` at `(slot, ballot)`.
    fn vote(&mut self, a: usize, slot: u64, ballot: u64, value: &Value) {
        let maj = self.majority();
        let e = self
            .votes
            .entry((slot, ballot))
            .or_insert_with(|| (value.clone(), 0));
        if e.0 != *value {
            self.violations.push(format!(
                "two values proposed in ballot {ballot} for slot {slot}"
            ));
            return;
        }
        if e.1 & (1 << a) != 0 {
            return;
        }
        e.1 |= 1 << a;
        if e.1.count_ones() == maj {
            self.choose(slot, value.clone());
        }
    }

    fn choose(&mut self, slot: u64, value: Value) {
        match self.chosen.get(&slot) {
            Some(prev) if *prev != value => {
                self.violations.push(format!(
                    "agreement: slot {slot} chosen as {prev:?} and {value:?}"
                ));
            }
            Some(_) => {}
            None => {
                for &c in value.iter() {
                    if c >= self.next_cmd {
                        self.violations
                            .push(format!("validity: command {c} chosen but never proposed"));
                    }
                    if let Some(&other) = self.chosen_in.get(&c)
                        && other != slot
                    {
                        self.violations.push(format!(
                            "validity: command {c} chosen in slots {other} and {slot}"
                        ));
                    }
                    self.chosen_in.insert(c, slot);
                }
                self.chosen.insert(slot, value);
            }
        }
    }

    /// Replica `v` learns `value` at `slot`.
    fn learn(&mut self, sim: &mut MpSim, v: usize, slot: u64, value: Value, leader: bool) {
        if self.r[v].learned.contains_key(&slot) {
            return;
        }
        if self.chosen.get(&slot) != Some(&value) {
            self.violations.push(format!(
                "agreement: replica {v} learned {value:?} at slot {slot}, chosen {:?}",
                self.chosen.get(&slot)
            ));
        }
        if leader && self.leader_learned.insert(slot, ()).is_none() {
            self.leader_learned_cmds += value.len() as u64;
            for c in value.iter() {
                if let Some(t) = self.proposed_at.remove(c) {
                    self.commit_latency.push(sim.now() - t);
                }
            }
            if self.cfg.stop_when_done && self.leader_learned_cmds >= self.cfg.commands {
                sim.stop();
            }
        }
        self.r[v].learned.insert(slot, value);
    }

    /// Commands chosen, in flight at the leader, or queued there.
    fn budget_used(&self, v: usize) -> u64 {
        let r = &self.r[v];
        let inflight: u64 = r
            .proposals
            .iter()
            .filter(|(s, _)| !self.chosen.contains_key(s))
            .map(|(_, (val, _))| val.len() as u64)
            .sum();
        self.chosen_in.len() as u64 + inflight + r.queue.len() as u64
    }

    // ---- leader ----

    fn start_candidacy(&mut self, sim: &mut MpSim, v: NodeId) {
        let vi = v as usize;
        self.step_down(sim, vi);
        let r = &mut self.r[vi];
        let round = r.max_seen.max(r.promised) / 64 + 1;
        let ballot = round * 64 + u64::from(v);
        r.ballot = ballot;
        r.max_seen = ballot;
        r.promised = ballot;
        r.role = Role::Candidate;
        r.from = r.commit() + 1;
        let from = r.from;
        r.promises = 1 << v;
        r.reported = r
            .accepted
            .range(from..)
            .map(|(&s, (b, val))| (s, (*b, val.clone())))
            .collect();
        self.reset_election(sim, v);
        for p in 0..self.cfg.n as NodeId {
            if p != v {
                sim.send(v, p, MpMsg::Prepare { ballot, from });
            }
        }
    }

    fn become_leader(&mut self, sim: &mut MpSim, v: NodeId) {
        let vi = v as usize;
        self.leaderships += 1;
        let r = &mut self.r[vi];
        r.role = Role::Leader;
        sim.cancel_timer(v, MpTimer::Election); // a leader does not time out
        let ballot = r.ballot;
        let from = r.from;
        let top = r
            .reported
            .keys()
            .next_back()
            .copied()
            .unwrap_or(0)
            .max(r.learned.keys().next_back().copied().unwrap_or(0));
        let mut plan: Vec<(u64, Value)> = Vec::new();
        for s in from..=top {
            let val = if let Some(l) = r.learned.get(&s) {
                l.clone()
            } else if self.cfg.ignore_promised_values {
                Value::from(Vec::new())
            } else {
                r.reported
                    .get(&s)
                    .map_or_else(|| Value::from(Vec::new()), |(_, val)| val.clone())
            };
            plan.push((s, val));
        }
        r.reported.clear();
        r.next_slot = top.max(from - 1) + 1;
        // No chosen command lost: the new leader's value for every chosen slot is the chosen one.
        for (&s, c) in self.chosen.range(from..) {
            let mine = plan
                .iter()
                .find(|(ps, _)| *ps == s)
                .map(|(_, val)| val.clone())
                .or_else(|| self.r[vi].learned.get(&s).cloned());
            if mine.as_ref() != Some(c) {
                self.violations.push(format!(
                    "lost chosen value: leader {v} (ballot {ballot}) proposes {mine:?} at slot {s}, chosen {c:?}"
                ));
                break;
            }
        }
        if self.first_leader.is_none() {
            self.first_leader = Some((sim.now(), v));
            if let Some(after) = self.cfg.crash_first_leader_after {
                sim.set_timer(v, after, MpTimer::CrashLeader);
            }
        } else if self.crashed_leader_at.is_some() && self.reelected_at.is_none() {
            self.reelected_at = Some(sim.now());
        }
        for (s, val) in plan {
            self.propose_slot(sim, v, s, val);
        }
        self.arm_heartbeat(sim, v);
        if self.cfg.commands > 0 {
            sim.set_timer(v, self.cfg.propose_interval, MpTimer::Propose { ballot });
        }
    }

    fn arm_heartbeat(&mut self, sim: &mut MpSim, v: NodeId) {
        sim.set_timer(v, self.cfg.heartbeat, MpTimer::Heartbeat);
    }

    /// Leader `v` proposes `value` at `slot` in its ballot (phase 2a).
    fn propose_slot(&mut self, sim: &mut MpSim, v: NodeId, slot: u64, value: Value) {
        let vi = v as usize;
        let ballot = self.r[vi].ballot;
        // the leader's own acceptor accepts (promised == ballot)
        self.r[vi].accepted.insert(slot, (ballot, value.clone()));
        self.r[vi].proposals.insert(slot, (value.clone(), 1 << v));
        self.vote(vi, slot, ballot, &value);
        let commit = self.r[vi].commit();
        for p in 0..self.cfg.n as NodeId {
            if p != v {
                let m = MpMsg::Accept {
                    ballot,
                    slot,
                    value: value.clone(),
                    commit,
                    command_bytes: self.cfg.command_bytes,
                };
                sim.send(v, p, m);
            }
        }
        self.arm_heartbeat(sim, v);
        self.maybe_chosen(sim, v, slot);
    }

    fn maybe_chosen(&mut self, sim: &mut MpSim, v: NodeId, slot: u64) {
        let vi = v as usize;
        let Some((val, acks)) = self.r[vi].proposals.get(&slot) else {
            return;
        };
        if acks.count_ones() >= self.majority() {
            let val = val.clone();
            self.r[vi].proposals.remove(&slot);
            self.learn(sim, vi, slot, val, true);
            self.open_slots(sim, v);
        }
    }

    /// Open slots from the queue while the window allows.
    fn open_slots(&mut self, sim: &mut MpSim, v: NodeId) {
        let vi = v as usize;
        let b = self.cfg.batch as usize;
        loop {
            let r = &self.r[vi];
            if r.role != Role::Leader || r.proposals.len() >= self.cfg.window as usize {
                return;
            }
            let exhausted = self.budget_used(vi) >= self.cfg.commands;
            let flush = exhausted && !r.queue.is_empty();
            if r.queue.len() < b && !flush {
                return;
            }
            let r = &mut self.r[vi];
            let take = r.queue.len().min(b);
            let value: Value = r.queue.drain(..take).collect::<Vec<u64>>().into();
            let slot = r.next_slot;
            r.next_slot += 1;
            self.propose_slot(sim, v, slot, value);
        }
    }

    // ---- acceptor / learner ----

    fn learn_upto(&mut self, sim: &mut MpSim, v: usize, ballot: u64, commit: u64) {
        let r = &self.r[v];
        let start = r.commit() + 1;
        if commit < start {
            return;
        }
        let learnable: Vec<(u64, Value)> = r
            .accepted
            .range(start..=commit)
            .filter(|(s, (b, _))| *b == ballot && !r.learned.contains_key(s))
            .map(|(&s, (_, val))| (s, val.clone()))
            .collect();
        for (s, val) in learnable {
            self.learn(sim, v, s, val, false);
        }
    }

    /// A message from the leader of `ballot`: accept its authority if not stale.
    fn hear_leader(&mut self, sim: &mut MpSim, to: NodeId, ballot: u64) -> bool {
        let ti = to as usize;
        self.observe(ti, ballot);
        if ballot < self.r[ti].promised {
            return false;
        }
        self.r[ti].promised = ballot;
        if self.r[ti].role != Role::Follower && self.r[ti].ballot != ballot {
            self.step_down(sim, ti);
        }
        if self.r[ti].role == Role::Follower {
            self.reset_election(sim, to);
        }
        true
    }

    /// Violations found (empty = safe).
    pub fn check(&self) -> Vec<String> {
        self.violations.clone()
    }
}

impl Protocol for MultiPaxos {
    type Msg = MpMsg;
    type Timer = MpTimer;
    fn start(&mut self, sim: &mut MpSim) {
        // Replica 0 is the designated first leader; the others boot staggered.
        for v in 0..self.cfg.n as NodeId {
            if !sim.is_up(v) {
                continue;
            }
            if v == 0 {
                self.start_candidacy(sim, 0);
            } else {
                let stagger = (unit(sim.rng()) * 150.0 * MS as f64) as Time;
                sim.set_timer(v, self.cfg.election_min + stagger, MpTimer::Election);
            }
        }
    }
    fn on_timer(&mut self, sim: &mut MpSim, v: NodeId, timer: MpTimer) {
        let vi = v as usize;
        match timer {
            MpTimer::Election if self.r[vi].role != Role::Leader => {
                self.start_candidacy(sim, v);
            }
            MpTimer::Heartbeat => {
                let r = &self.r[vi];
                if r.role == Role::Leader {
                    let (ballot, commit) = (r.ballot, r.commit());
                    for p in 0..self.cfg.n as NodeId {
                        if p != v {
                            sim.send(v, p, MpMsg::Heartbeat { ballot, commit });
                        }
                    }
                    self.arm_heartbeat(sim, v);
                }
            }
            MpTimer::Propose { ballot } => {
                let r = &self.r[vi];
                if r.role != Role::Leader || ballot != r.ballot {
                    return;
                }
                if self.budget_used(vi) < self.cfg.commands {
                    let c = self.next_cmd;
                    self.next_cmd += 1;
                    self.proposed_at.insert(c, sim.now());
                    self.r[vi].queue.push_back(c);
                }
                self.open_slots(sim, v);
                sim.set_timer(v, self.cfg.propose_interval, timer);
            }
            MpTimer::CrashLeader if self.r[vi].role == Role::Leader => {
                self.crashed_leader_at = Some(sim.now());
                sim.crash_node(v, None);
            }
            _ => {}
        }
    }
    fn on_message(&mut self, sim: &mut MpSim, to: NodeId, from: NodeId, msg: MpMsg) {
        let ti = to as usize;
        match msg {
            MpMsg::Prepare {
                ballot,
                from: first,
            } => {
                self.observe(ti, ballot);
                if ballot > self.r[ti].promised {
                    self.r[ti].promised = ballot;
                    if self.r[ti].role != Role::Follower {
                        self.step_down(sim, ti);
                    }
                    self.reset_election(sim, to);
                    let accepted: Vec<(u64, u64, Value)> = self.r[ti]
                        .accepted
                        .range(first..)
                        .map(|(&s, (b, val))| (s, *b, val.clone()))
                        .collect();
                    let promise = MpMsg::Promise {
                        ballot,
                        accepted,
                        command_bytes: self.cfg.command_bytes,
                    };
                    sim.send(to, from, promise);
                } else {
                    let promised = self.r[ti].promised;
                    sim.send(to, from, MpMsg::Nack { promised });
                }
            }
            MpMsg::Promise {
                ballot, accepted, ..
            } => {
                let maj = self.majority();
                let r = &mut self.r[ti];
                if r.role != Role::Candidate || ballot != r.ballot || r.promises & (1 << from) != 0
                {
                    return;
                }
                r.promises |= 1 << from;
                for (s, b, val) in accepted {
                    if s >= r.from && r.reported.get(&s).is_none_or(|(rb, _)| b > *rb) {
                        r.reported.insert(s, (b, val));
                    }
                }
                if r.promises.count_ones() >= maj {
                    self.become_leader(sim, to);
                }
            }
            MpMsg::Accept {
                ballot,
                slot,
                value,
                commit,
                ..
            } => {
                if !self.hear_leader(sim, to, ballot) {
                    let promised = self.r[ti].promised;
                    sim.send(to, from, MpMsg::Nack { promised });
                    return;
                }
                self.r[ti].accepted.insert(slot, (ballot, value.clone()));
                self.vote(ti, slot, ballot, &value);
                sim.send(to, from, MpMsg::Accepted { ballot, slot });
                self.learn_upto(sim, ti, ballot, commit);
            }
            MpMsg::Accepted { ballot, slot } => {
                let r = &mut self.r[ti];
                if r.role != Role::Leader || ballot != r.ballot {
                    return;
                }
                if let Some((_, acks)) = r.proposals.get_mut(&slot) {
                    *acks |= 1 << from;
                    self.maybe_chosen(sim, to, slot);
                }
            }
            MpMsg::Heartbeat { ballot, commit } => {
                if self.hear_leader(sim, to, ballot) {
                    self.learn_upto(sim, ti, ballot, commit);
                } else {
                    let promised = self.r[ti].promised;
                    sim.send(to, from, MpMsg::Nack { promised });
                }
            }
            MpMsg::Nack { promised } => {
                self.observe(ti, promised);
                if self.r[ti].role != Role::Follower && promised > self.r[ti].ballot {
                    self.step_down(sim, ti);
                    self.reset_election(sim, to);
                }
            }
        }
    }
    fn on_recover(&mut self, sim: &mut MpSim, v: NodeId) {
        self.step_down(sim, v as usize);
        self.reset_election(sim, v);
    }
    fn extra(&self, _sim: &MpSim) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("chosen_slots".to_string(), self.chosen.len() as f64),
            ("leaderships".to_string(), self.leaderships as f64),
        ])
    }
}

/// Outcome of one Multi-Paxos run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultiPaxosRun {
    /// Commands chosen and learned by a leader.
    pub committed: u64,
    /// Slots chosen (no-ops included).
    pub chosen_slots: u64,
    /// Messages by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Total messages.
    pub messages: u64,
    /// Bytes by kind ([`super::wire`]).
    pub bytes_by_kind: BTreeMap<String, u64>,
    /// Total bytes.
    pub bytes: u64,
    /// Mean proposal-to-commit latency at the leader (ns).
    pub commit_latency_ns: Option<f64>,
    /// Per-command commit latencies (ns), in commit order.
    pub latencies_ns: Vec<Time>,
    /// Leaderships (successful phase 1s).
    pub leaderships: u64,
    /// Time from the first leader's crash to the next leader (ns).
    pub reelection_ns: Option<Time>,
    /// Violations.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
    /// Trace hash of the run.
    pub trace_hash: u64,
}

impl MultiPaxosRun {
    /// `Accept` + `Accepted` messages (the per-slot convention).
    pub fn phase2_messages(&self) -> u64 {
        self.by_kind.get("accept").copied().unwrap_or(0)
            + self.by_kind.get("accepted").copied().unwrap_or(0)
    }
}

/// Run one Multi-Paxos cluster over `net` until `max_time` (or all commands chosen).
pub fn run_multipaxos(
    cfg: &MultiPaxosConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
) -> Result<MultiPaxosRun, SimError> {
    run_multipaxos_logged(cfg, net, max_time, rng, false).map(|r| r.0)
}

fn run_multipaxos_logged(
    cfg: &MultiPaxosConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(MultiPaxosRun, Vec<Delivery>), SimError> {
    cfg.validate()?;
    let mut p = MultiPaxos::new(*cfg);
    let ecfg = EventConfig {
        max_time,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.n, net, &ecfg, rng)?;
    let lat = &p.commit_latency;
    Ok((
        MultiPaxosRun {
            committed: p.leader_learned_cmds,
            chosen_slots: p.chosen.len() as u64,
            by_kind: m.messages_by_kind(),
            messages: m.messages,
            bytes_by_kind: m.bytes_by_kind(),
            bytes: m.bytes,
            commit_latency_ns: (!lat.is_empty())
                .then(|| lat.iter().sum::<Time>() as f64 / lat.len() as f64),
            latencies_ns: lat.clone(),
            leaderships: p.leaderships,
            reelection_ns: p.crashed_leader_at.zip(p.reelected_at).map(|(c, r)| r - c),
            violations: p.check(),
            events: m.events,
            trace_hash: m.trace_hash,
        },
        log,
    ))
}

/// `multi-paxos` in the protocol registry.
pub struct MultiPaxosProtocol;

/// The registry entry of Multi-Paxos.
pub static MULTI_PAXOS: MultiPaxosProtocol = MultiPaxosProtocol;

/// Commands a `cclab sim multi-paxos` trial chooses.
const SIM_COMMANDS: u64 = 200;

impl SimProtocol for MultiPaxosProtocol {
    fn name(&self) -> &'static str {
        "multi-paxos"
    }
    fn about(&self) -> &'static str {
        "Multi-Paxos under a stable leader: 200 commands, phase 1 once, phase 2 per slot (`batch`, `window`)"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 3,
            max: 64,
            what: "replicas",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Batch, Knob::Window]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "RAFT_MIX (Raft's): crash-recover, loss < 0.1, duplication < 0.05, a partition, clock skew",
        )
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let batch = sc.params.batch.unwrap_or(1);
        if !(1..=1024).contains(&batch) {
            return Err(SimError::param(
                "batch",
                format!("must be in 1..=1024, got {batch}"),
            ));
        }
        let window = sc.params.window.unwrap_or(64);
        if !(1..=4096).contains(&window) {
            return Err(SimError::param(
                "window",
                format!("must be in 1..=4096, got {window}"),
            ));
        }
        let cfg = MultiPaxosConfig {
            batch,
            window,
            commands: SIM_COMMANDS,
            ..MultiPaxosConfig::new(sc.nodes)
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let horizon = if sc.faults == Faults::None {
                60_000 * MS
            } else {
                4000 * MS
            };
            let net = match sc.fault_mix(RAFT_MIX) {
                Some(mix) => sc.faulty_network(&mix, &FaultTargets::all(cfg.n), &mut rng),
                None => {
                    let mut net = sc.base_network();
                    net.crash_fraction(cfg.n, sc.crash, 500 * MS, 0, &mut rng)?;
                    net
                }
            };
            let link = latency_hint(&net.latency);
            let r = run_multipaxos(&cfg, &net, horizon, rng)?;
            let data = r.phase2_messages();
            let ms = |t: f64| t / MS as f64;
            Ok(TrialMetrics {
                messages: r.messages as f64,
                payload: r.by_kind.get("accept").copied().unwrap_or(0) as f64,
                bytes: r.bytes as f64,
                ratio: (r.committed as f64 / cfg.commands as f64).min(1.0),
                delivered: r.committed.min(cfg.commands),
                eligible: cfg.commands,
                t_ave: r.commit_latency_ns.map(ms),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                decision_latency_ns: r.commit_latency_ns,
                decision_messages: (r.committed > 0).then(|| data as f64 / r.committed as f64),
                latencies_ns: r.latencies_ns.iter().map(|&t| t as f64).collect(),
                violations: r.violations,
                ..TrialMetrics::default()
            }
            .with("committed", r.committed as f64)
            .with("chosen_slots", r.chosen_slots as f64)
            .with("leaderships", r.leaderships as f64)
            .link_latency_ns(link))
        })
        .param("batch", batch)
        .param("window", window)
        .param("commands", SIM_COMMANDS))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 3,
                max: 64,
                what: "replicas",
            },
            mutants: &[Mutant {
                name: "ignore-promised-values",
                bug: "a new leader ignores the values reported in promises",
            }],
            case: |n, mutant| {
                let cfg = MultiPaxosConfig {
                    commands: 30,
                    propose_interval: 20 * MS,
                    batch: 2,
                    window: 4,
                    ignore_promised_values: mutant == Some("ignore-promised-values"),
                    ..MultiPaxosConfig::new(n)
                };
                Ok(Box::new(move |mut rng, log| {
                    let net = RAFT_MIX.draw(&FaultTargets::all(cfg.n), &mut rng);
                    let (r, deliveries) = run_multipaxos_logged(&cfg, &net, 4000 * MS, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![
                            ("mean_committed", Tally::Mean(r.committed as f64)),
                            ("failover_runs", Tally::Runs(r.leaderships > 1)),
                        ],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, MpMsg::KINDS),
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::LatencyDist;
    use crate::rng::trial_rng;

    fn constant() -> NetworkModel {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        }
    }

    #[test]
    fn fault_free_messages_per_slot_exact_for_n_and_batch() {
        for n in [3usize, 5, 7, 9] {
            for batch in [1u32, 10, 100] {
                let cfg = MultiPaxosConfig {
                    batch,
                    commands: 1000,
                    ..MultiPaxosConfig::new(n)
                };
                let r = run_multipaxos(&cfg, &constant(), 600_000 * MS, trial_rng(n as u64, 0))
                    .unwrap();
                assert!(r.violations.is_empty(), "{:?}", r.violations);
                assert_eq!(r.committed, 1000);
                let slots = 1000 / u64::from(batch);
                assert_eq!(r.chosen_slots, slots);
                // exactly 2(n − 1) per slot, 2(n − 1)/b per command
                assert_eq!(
                    r.phase2_messages(),
                    cfg.formula_messages_per_slot() * slots,
                    "n={n} b={batch}"
                );
                assert_eq!(
                    r.phase2_messages() as f64 / r.committed as f64,
                    cfg.formula_messages_per_command()
                );
                // bytes: (n − 1)·(48 + b·(8 + c) + 32) per slot
                let phase2_bytes = r.bytes_by_kind["accept"] + r.bytes_by_kind["accepted"];
                assert_eq!(phase2_bytes, cfg.formula_bytes_per_slot() * slots);
                assert_eq!(
                    r.bytes_by_kind["accept"],
                    (n as u64 - 1) * slots * (48 + u64::from(batch) * 108)
                );
                assert_eq!(r.bytes_by_kind["prepare"], (n as u64 - 1) * 32);
                // nothing accepted before the first leader: empty promises
                assert_eq!(r.bytes_by_kind["promise"], (n as u64 - 1) * 32);
                assert_eq!(r.bytes, r.bytes_by_kind.values().sum::<u64>());
                // phase 1 ran exactly once: 2(n − 1)
                assert_eq!(r.by_kind.get("prepare"), Some(&(n as u64 - 1)));
                assert_eq!(r.by_kind.get("promise"), Some(&(n as u64 - 1)));
                assert_eq!(r.leaderships, 1);
                let lat = r.commit_latency_ns.unwrap() / (10 * MS) as f64;
                if batch == 1 {
                    // every command: Accept + Accepted = 2 message delays
                    assert!(r.latencies_ns.iter().all(|&t| t == 20 * MS));
                } else {
                    // plus the wait for the batch to fill (mean (b − 1)/2 ms)
                    let want = 2.0 + f64::from(batch - 1) / 2.0 / 10.0;
                    assert!(
                        (lat - want).abs() < 1e-9,
                        "n={n} b={batch}: {lat} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn pipelining_window_bounds_outstanding_slots() {
        // window 1: one slot at a time, so commands queue behind a 20 ms round trip
        let cfg = MultiPaxosConfig {
            window: 1,
            commands: 100,
            ..MultiPaxosConfig::new(5)
        };
        let r = run_multipaxos(&cfg, &constant(), 600_000 * MS, trial_rng(1, 0)).unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.committed, 100);
        let wide = run_multipaxos(
            &MultiPaxosConfig { window: 64, ..cfg },
            &constant(),
            600_000 * MS,
            trial_rng(1, 0),
        )
        .unwrap();
        assert!(r.commit_latency_ns.unwrap() > 5.0 * wide.commit_latency_ns.unwrap());
        // a full window never drops or duplicates commands
        assert_eq!(r.phase2_messages(), wide.phase2_messages());
    }

    #[test]
    fn leader_crash_fails_over_and_keeps_chosen_commands() {
        let cfg = MultiPaxosConfig {
            commands: 400,
            crash_first_leader_after: Some(150 * MS),
            ..MultiPaxosConfig::new(5)
        };
        let r = run_multipaxos(&cfg, &constant(), 60_000 * MS, trial_rng(7, 0)).unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert!(r.committed >= 400, "{}", r.committed);
        assert!(r.leaderships >= 2);
        assert!(r.reelection_ns.unwrap() >= 150 * MS);
        // the mutant, with the same crash, loses a chosen slot
        let bad = run_multipaxos(
            &MultiPaxosConfig {
                ignore_promised_values: true,
                ..cfg
            },
            &constant(),
            60_000 * MS,
            trial_rng(7, 0),
        )
        .unwrap();
        assert!(
            bad.violations.iter().any(|v| v.contains("lost chosen")),
            "{:?}",
            bad.violations
        );
    }

    #[test]
    fn invalid_configs_are_refused() {
        for (cfg, name) in [
            (MultiPaxosConfig::new(2), "nodes"),
            (
                MultiPaxosConfig {
                    batch: 0,
                    ..MultiPaxosConfig::new(3)
                },
                "batch",
            ),
            (
                MultiPaxosConfig {
                    window: 0,
                    ..MultiPaxosConfig::new(3)
                },
                "window",
            ),
        ] {
            let e = run_multipaxos(&cfg, &constant(), MS, trial_rng(0, 0)).unwrap_err();
            assert!(e.to_string().contains(&format!("`{name}`")), "{e}");
        }
    }

    #[test]
    fn sweep_is_safe_and_mutant_is_caught() {
        use crate::sweep::sweep;
        let ok = sweep("multi-paxos", Some(5), 0, 10_000, None)
            .unwrap()
            .findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        let p = &ok.progress;
        assert!(p["mean_committed"] > 5.0, "{ok:?}");
        assert!(p["failover_runs"] > 1000.0, "{ok:?}");
        let bad = sweep(
            "multi-paxos",
            Some(5),
            0,
            10_000,
            Some("ignore-promised-values"),
        )
        .unwrap()
        .findings;
        println!(
            "multi-paxos sweep: {} runs, 0 violations, {} with failover, mean committed {:.1}; mutant: {} violating runs",
            ok.runs, p["failover_runs"], p["mean_committed"], bad.violating_runs
        );
        assert!(bad.violating_runs > 0, "mutant not caught");
        let sh = bad.shortest.unwrap();
        assert!(sh.trace.iter().any(|l| l.contains("accept")));
        let mutant = MultiPaxosConfig {
            commands: 30,
            propose_interval: 20 * MS,
            batch: 2,
            window: 4,
            ignore_promised_values: true,
            ..MultiPaxosConfig::new(5)
        };
        let mut rng = trial_rng(0, sh.index);
        let net = super::super::raft::raft_fault_schedule(5, &mut rng);
        let again = run_multipaxos(&mutant, &net, 4000 * MS, rng).unwrap();
        assert_eq!(again.violations, sh.violations);
    }
}
