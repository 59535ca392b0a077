//! Raft (Ongaro & Ousterhout 2014) as a real state machine on the event engine.
//!
//! Implemented: randomized election timeouts (uniform in
//! `[election_min, election_min + election_spread]`), `RequestVote` with the
//! up-to-date check (§5.4.1), `AppendEntries` with consistency check, log
//! truncation and pipelined replication (`next_index` advanced on send, backed
//! up on rejection), commit index advanced only for entries of the current
//! term by a majority `match_index`, heartbeats when idle, batching (`batch`
//! entries per `AppendEntries`), crash/recovery (term, vote and log persist;
//! role, commit index and leader state are volatile).
//!
//! **Messages per committed entry** (fault-free, steady state, batch `b`):
//! the leader sends one `AppendEntries` per batch to each of the `n − 1`
//! followers and each replies once: `2(n − 1)/b`. Heartbeats (empty
//! appends) and elections are counted separately (kinds `heartbeat`,
//! `heartbeat-reply`, `request-vote`, `vote`).
//!
//! **Bytes** ([`super::wire`], `c` = [`RaftConfig::command_bytes`]):
//!
//! ```text
//! request-vote     term, last_index, last_term                 16 + 3·8 = 40
//! vote             term, granted                               16 + 2·8 = 32
//! append           term, prev_index, prev_term, commit, count  16 + 5·8 + e·(16 + c)
//! append-reply     term, success, match_index                  16 + 3·8 = 40
//! heartbeat(-reply) as append (e = 0) and append-reply          56, 40
//! ```
//!
//! so the fault-free replication bytes per committed entry are
//! `(n − 1)·((56 + 40)/b + 16 + c)`.
//!
//! **Checkers**: election safety (at most one leader per term); leader
//! completeness (a new leader's log holds every entry committed so far —
//! "no committed entry lost"); state-machine safety (an index is never
//! committed with two different entries; a committed entry is never
//! truncated); log matching (checked over all pairs at the end: equal term at
//! an index implies equal prefixes).
//!
//! **Mutation** `skip_up_to_date_check`: votes are granted without comparing
//! logs; the fault sweep finds a leader missing a committed entry.

use super::faults::{
    Amount, DEFAULT_CLOCKS, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window,
};
use super::wire;
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{LatencyDist, MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
    max_rtt,
};
use crate::rng::{ChaCha8Rng, unit};
use crate::stats::Stat;
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

pub mod reads;
use reads::{NOOP_BASE, READ_BASE, ReadRec, ReadState};
pub use reads::{ReadConfig, ReadPath};

/// A log entry: (term, command id).
pub type Entry = (u64, u64);

/// Raft message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RaftMsg {
    /// RequestVote.
    Vote {
        /// Candidate term.
        term: u64,
        /// Candidate's last log index.
        last_index: u64,
        /// Term of that entry.
        last_term: u64,
    },
    /// RequestVote reply.
    VoteReply {
        /// Voter term.
        term: u64,
        /// Granted.
        granted: bool,
    },
    /// AppendEntries.
    Append {
        /// Leader term.
        term: u64,
        /// Index before the entries.
        prev_index: u64,
        /// Term at `prev_index`.
        prev_term: u64,
        /// Entries.
        entries: Vec<Entry>,
        /// Leader commit index.
        commit: u64,
        /// Bytes of each entry's command.
        command_bytes: u32,
        /// The leader's heartbeat round this append belongs to (echoed in
        /// the reply; read paths count the rounds a majority acknowledged).
        round: u64,
        /// Sent for a ReadIndex confirmation (kind `read-heartbeat` when empty).
        read: bool,
    },
    /// AppendEntries reply.
    AppendReply {
        /// Follower term.
        term: u64,
        /// Accepted.
        success: bool,
        /// Highest index known to match (on success) or a back-up hint.
        match_index: u64,
        /// Replies to an `Append` without entries (a heartbeat).
        heartbeat: bool,
        /// The round of the `Append` it answers.
        round: u64,
        /// Answers a ReadIndex confirmation.
        read: bool,
    },
}

message_kinds! {
    enum RaftKind {
        Vote = "request-vote",
        VoteReply = "vote",
        Append = "append",
        AppendReply = "append-reply",
        Heartbeat = "heartbeat",
        HeartbeatReply = "heartbeat-reply",
        ReadHeartbeat = "read-heartbeat",
        ReadHeartbeatReply = "read-heartbeat-reply",
    }
}

impl Message for RaftMsg {
    const KINDS: &'static [&'static str] = RaftKind::NAMES;
    const PAYLOAD_KINDS: u64 = RaftKind::Append.bit();
    fn kind(&self) -> u8 {
        (match self {
            RaftMsg::Vote { .. } => RaftKind::Vote,
            RaftMsg::VoteReply { .. } => RaftKind::VoteReply,
            RaftMsg::Append {
                entries,
                read: true,
                ..
            } if entries.is_empty() => RaftKind::ReadHeartbeat,
            RaftMsg::Append { entries, .. } if entries.is_empty() => RaftKind::Heartbeat,
            RaftMsg::Append { .. } => RaftKind::Append,
            RaftMsg::AppendReply {
                heartbeat: true,
                read: true,
                ..
            } => RaftKind::ReadHeartbeatReply,
            RaftMsg::AppendReply {
                heartbeat: true, ..
            } => RaftKind::HeartbeatReply,
            RaftMsg::AppendReply { .. } => RaftKind::AppendReply,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            RaftMsg::Vote { .. } => VOTE,
            RaftMsg::VoteReply { .. } => VOTE_REPLY,
            RaftMsg::Append {
                entries,
                read: true,
                ..
            } if entries.is_empty() => READ_HEARTBEAT,
            RaftMsg::Append {
                entries,
                command_bytes,
                ..
            } => wire::message_entries(5, entries.len() as u32, *command_bytes),
            RaftMsg::AppendReply {
                heartbeat: true,
                read: true,
                ..
            } => READ_HEARTBEAT_REPLY,
            RaftMsg::AppendReply { .. } => APPEND_REPLY,
        }
    }
}

/// `append` without entries (term, prev_index, prev_term, commit, count).
const APPEND_FIXED: u32 = wire::message(5);
/// `append-reply` (term, success, match_index).
const APPEND_REPLY: u32 = wire::message(3);
/// `request-vote` (term, last_index, last_term).
const VOTE: u32 = wire::message(3);
/// `vote` (term, granted).
const VOTE_REPLY: u32 = wire::message(2);
/// `read-heartbeat`: a heartbeat plus its read context (the round).
const READ_HEARTBEAT: u32 = wire::message(6);
/// `read-heartbeat-reply`: a heartbeat reply plus the echoed round.
const READ_HEARTBEAT_REPLY: u32 = wire::message(4);

/// Raft timers: the election and heartbeat timeouts are re-armable (one
/// slot each), proposals carry the term they were armed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaftTimer {
    /// Election timeout.
    Election,
    /// The leader's heartbeat interval.
    Heartbeat,
    /// The leader of `term` proposes the next command (stops when the term is over).
    Propose {
        /// Term of the leader that armed it.
        term: u64,
    },
    /// Figure 16 experiment: crash the first leader.
    CrashLeader,
    /// The read client (node `n`) issues its next read.
    Read,
}

impl Timer for RaftTimer {
    const SLOTS: usize = 2;
    fn slot(&self) -> Option<usize> {
        match self {
            RaftTimer::Election => Some(0),
            RaftTimer::Heartbeat => Some(1),
            _ => None,
        }
    }
    fn trace_id(&self, generation: u64) -> u64 {
        const MASK: u64 = (1 << 56) - 1;
        match *self {
            RaftTimer::Election => 1 << 56 | generation & MASK,
            RaftTimer::Heartbeat => 2 << 56 | generation & MASK,
            RaftTimer::Propose { term } => 3 << 56 | term & MASK,
            RaftTimer::CrashLeader => 3 << 56 | MASK,
            RaftTimer::Read => 4 << 56,
        }
    }
}

type RaftSim = Sim<RaftMsg, RaftTimer>;

/// Raft configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RaftConfig {
    /// Servers (`3..=64`).
    pub n: usize,
    /// Minimum election timeout.
    pub election_min: Time,
    /// Width of the uniform randomisation added to `election_min`.
    pub election_spread: Time,
    /// Heartbeat interval (idle leader).
    pub heartbeat: Time,
    /// Commands to commit.
    pub commands: u64,
    /// Interval between client commands at the leader.
    pub propose_interval: Time,
    /// Entries per AppendEntries (`>= 1`).
    pub batch: u32,
    /// Stop when all commands are committed.
    pub stop_when_done: bool,
    /// Injected bug: grant votes without the up-to-date check.
    pub skip_up_to_date_check: bool,
    /// Crash the first leader this long after it is elected (Figure 16 experiment).
    pub crash_first_leader_after: Option<Time>,
    /// The crash of `crash_first_leader_after` happens at a uniform random
    /// extra delay in `[0, crash_jitter)` (Figure 16 crashes the leader at a
    /// uniform point of its heartbeat interval); 0 = exactly at `after`.
    pub crash_jitter: Time,
    /// Payload bytes of one client command (`0..=1 MiB`; see [`super::wire`]).
    pub command_bytes: u32,
    /// Linearizable reads ([`reads`]); `None`: none (the plain Raft above).
    pub reads: Option<ReadConfig>,
}

impl RaftConfig {
    /// Defaults: timeouts 150–300 ms, heartbeat 50 ms, 100 commands every 1 ms, batch 1.
    pub fn new(n: usize) -> Self {
        RaftConfig {
            n,
            election_min: 150 * MS,
            election_spread: 150 * MS,
            heartbeat: 50 * MS,
            commands: 100,
            propose_interval: MS,
            batch: 1,
            stop_when_done: true,
            skip_up_to_date_check: false,
            crash_first_leader_after: None,
            crash_jitter: 0,
            command_bytes: wire::DEFAULT_COMMAND_BYTES,
            reads: None,
        }
    }

    /// Timeouts for a network whose slowest member-to-member round trip is
    /// `max_rtt`, by etcd's tuning rule (etcd docs, "Tuning"): the heartbeat
    /// interval about the round-trip time, the election timeout at least ten
    /// times it. Heartbeat `max(heartbeat, max_rtt)`, election timeout
    /// uniform in `[T, 2T]` with `T = max(election_min, 10·max_rtt)`; a
    /// configuration already that slow is returned unchanged.
    pub fn tuned_for_rtt(self, max_rtt: Time) -> Self {
        let t = max_rtt.saturating_mul(10);
        if t <= self.election_min {
            return self;
        }
        RaftConfig {
            heartbeat: self.heartbeat.max(max_rtt),
            election_min: t,
            election_spread: t,
            ..self
        }
    }

    /// Fault-free `append` + `append-reply` bytes per committed entry with
    /// every batch full: `(n − 1)·((56 + 40)/b + 16 + c)`.
    pub fn formula_bytes_per_entry(&self) -> f64 {
        (self.n as f64 - 1.0)
            * (f64::from(APPEND_FIXED + APPEND_REPLY) / f64::from(self.batch)
                + f64::from(wire::ENTRY_META + self.command_bytes))
    }

    /// Fault-free messages per committed entry: `2(n − 1)/b`.
    pub fn formula_messages_per_entry(&self) -> f64 {
        2.0 * (self.n as f64 - 1.0) / f64::from(self.batch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Follower,
    Candidate,
    Leader,
}

#[derive(Debug, Clone)]
struct Server {
    term: u64,
    voted_for: Option<NodeId>,
    log: Vec<Entry>,
    commit: u64,
    role: Role,
    votes: u64,
    next: Vec<u64>,
    matched: Vec<u64>,
    pending: u32,
    /// Read state (only used with [`RaftConfig::reads`]).
    rd: ReadState,
}

/// Raft cluster state and measurements.
#[derive(Debug, Clone)]
pub struct Raft {
    cfg: RaftConfig,
    s: Vec<Server>,
    next_cmd: u64,
    proposed_at: BTreeMap<u64, Time>,
    commit_latency: Vec<Time>,
    committed: BTreeMap<u64, Entry>,
    leaders: BTreeMap<u64, NodeId>,
    violations: Vec<String>,
    first_leader: Option<(Time, NodeId)>,
    crashed_leader_at: Option<Time>,
    reelected_at: Option<Time>,
    /// Reads issued by the read client.
    reads: Vec<ReadRec>,
    /// Reads issued while no server claimed leadership.
    unavailable: u64,
    /// Lease reads that found no valid lease and confirmed by a round.
    lease_fallbacks: u64,
}

impl Raft {
    /// A cluster in its initial state.
    pub fn new(cfg: RaftConfig) -> Self {
        let n = cfg.n;
        let server = Server {
            term: 0,
            voted_for: None,
            log: Vec::new(),
            commit: 0,
            role: Role::Follower,
            votes: 0,
            next: vec![1; n],
            matched: vec![0; n],
            pending: 0,
            rd: ReadState::default(),
        };
        Raft {
            cfg,
            s: vec![server; n],
            next_cmd: 0,
            proposed_at: BTreeMap::new(),
            commit_latency: Vec::new(),
            committed: BTreeMap::new(),
            leaders: BTreeMap::new(),
            violations: Vec::new(),
            first_leader: None,
            crashed_leader_at: None,
            reelected_at: None,
            reads: Vec::new(),
            unavailable: 0,
            lease_fallbacks: 0,
        }
    }

    fn last(&self, v: usize) -> (u64, u64) {
        let l = &self.s[v].log;
        (l.len() as u64, l.last().map_or(0, |e| e.0))
    }

    fn reset_election(&mut self, sim: &mut RaftSim, v: NodeId) {
        let spread = self.cfg.election_spread;
        let jitter = if spread == 0 {
            0
        } else {
            (unit(sim.rng()) * (spread as f64 + 1.0)) as Time
        };
        sim.set_timer(v, self.cfg.election_min + jitter, RaftTimer::Election);
    }

    fn step_down(&mut self, v: usize, term: u64) {
        let s = &mut self.s[v];
        if term > s.term {
            s.term = term;
            s.voted_for = None;
        }
        s.role = Role::Follower;
        s.votes = 0;
        s.rd.lose_leadership();
    }

    fn send_append(&mut self, sim: &mut RaftSim, l: NodeId, p: usize) {
        self.send_append_ctx(sim, l, p, false);
    }

    fn send_append_ctx(&mut self, sim: &mut RaftSim, l: NodeId, p: usize, read: bool) {
        let s = &self.s[l as usize];
        let from = s.next[p].max(1);
        let prev_index = from - 1;
        let prev_term = if prev_index == 0 {
            0
        } else {
            s.log[prev_index as usize - 1].0
        };
        let entries: Vec<Entry> = s.log[(from - 1) as usize..]
            .iter()
            .take(4096)
            .copied()
            .collect();
        let sent_to = prev_index + entries.len() as u64;
        let msg = RaftMsg::Append {
            term: s.term,
            prev_index,
            prev_term,
            entries,
            commit: s.commit,
            command_bytes: self.cfg.command_bytes,
            round: s.rd.round,
            read,
        };
        self.s[l as usize].next[p] = sent_to + 1;
        sim.send(l, p as NodeId, msg);
    }

    fn broadcast_append(&mut self, sim: &mut RaftSim, l: NodeId) {
        self.broadcast(sim, l, false);
    }

    /// One replication round to every follower (a read confirmation when `read`).
    fn broadcast(&mut self, sim: &mut RaftSim, l: NodeId, read: bool) {
        if self.cfg.reads.is_some() {
            let now = sim.local_time(l);
            self.s[l as usize].rd.new_round(now);
        }
        for p in 0..self.cfg.n {
            if p != l as usize {
                self.send_append_ctx(sim, l, p, read);
            }
        }
        self.s[l as usize].pending = 0;
        sim.set_timer(l, self.cfg.heartbeat, RaftTimer::Heartbeat);
    }

    fn become_leader(&mut self, sim: &mut RaftSim, v: NodeId) {
        let term = self.s[v as usize].term;
        if let Some(&other) = self.leaders.get(&term)
            && other != v
        {
            self.violations.push(format!(
                "election safety: two leaders ({other}, {v}) in term {term}"
            ));
        }
        self.leaders.insert(term, v);
        for (&i, &e) in &self.committed {
            if self.s[v as usize].log.get(i as usize - 1) != Some(&e) {
                self.violations.push(format!(
                    "leader completeness: leader {v} of term {term} lacks committed entry {i} {e:?}"
                ));
                break;
            }
        }
        let last = self.s[v as usize].log.len() as u64;
        let s = &mut self.s[v as usize];
        s.role = Role::Leader;
        s.next = vec![last + 1; self.cfg.n];
        s.matched = vec![0; self.cfg.n];
        s.matched[v as usize] = last;
        s.pending = 0;
        s.rd.lose_leadership();
        s.rd.acked = vec![0; self.cfg.n];
        if self.cfg.reads.is_some() {
            // Raft §8: a new leader commits a no-op of its term before reads
            s.log.push((term, NOOP_BASE + term));
            s.matched[v as usize] = last + 1;
        }
        sim.cancel_timer(v, RaftTimer::Election);
        if self.first_leader.is_none() {
            self.first_leader = Some((sim.now(), v));
            if let Some(after) = self.cfg.crash_first_leader_after {
                let extra = if self.cfg.crash_jitter > 0 {
                    (unit(sim.rng()) * self.cfg.crash_jitter as f64) as Time
                } else {
                    0
                };
                sim.set_timer(v, after + extra, RaftTimer::CrashLeader);
            }
        } else if self.crashed_leader_at.is_some() && self.reelected_at.is_none() {
            self.reelected_at = Some(sim.now());
            if !self.cfg.stop_when_done || self.cfg.commands == 0 {
                sim.stop();
            }
        }
        self.broadcast_append(sim, v);
        if self.cfg.commands > 0 {
            sim.set_timer(v, self.cfg.propose_interval, RaftTimer::Propose { term });
        }
    }

    fn advance_commit(&mut self, sim: &mut RaftSim, l: usize) {
        let n = self.cfg.n;
        let s = &self.s[l];
        let mut new_commit = s.commit;
        for idx in (s.commit + 1)..=(s.log.len() as u64) {
            if s.log[idx as usize - 1].0 != s.term {
                continue;
            }
            let acks = (0..n).filter(|&p| p == l || s.matched[p] >= idx).count();
            if 2 * acks > n {
                new_commit = idx;
            } else {
                break;
            }
        }
        let old = s.commit;
        if new_commit > old {
            for idx in old + 1..=new_commit {
                let e = self.s[l].log[idx as usize - 1];
                self.record_commit(sim, idx, e);
            }
            self.s[l].commit = new_commit;
        }
    }

    fn record_commit(&mut self, sim: &mut RaftSim, idx: u64, e: Entry) {
        match self.committed.get(&idx) {
            Some(&prev) if prev != e => {
                self.violations.push(format!(
                    "state machine safety: index {idx} committed as {prev:?} and {e:?}"
                ));
            }
            Some(_) => {}
            None => {
                self.committed.insert(idx, e);
                if (READ_BASE..NOOP_BASE).contains(&e.1) {
                    self.resolve_read(sim, (e.1 - READ_BASE) as usize, idx);
                }
                if let Some(t) = self.proposed_at.remove(&e.1) {
                    self.commit_latency.push(sim.now() - t);
                }
                if self.cfg.stop_when_done && self.committed.len() as u64 >= self.cfg.commands {
                    sim.stop();
                }
            }
        }
    }

    /// Violations found (empty = safe).
    pub fn check(&mut self) -> Vec<String> {
        // Log matching over all pairs.
        for a in 0..self.cfg.n {
            for b in a + 1..self.cfg.n {
                let (la, lb) = (&self.s[a].log, &self.s[b].log);
                let m = la.len().min(lb.len());
                if let Some(i) = (0..m).rev().find(|&i| la[i].0 == lb[i].0)
                    && la[..=i] != lb[..=i]
                {
                    self.violations.push(format!(
                        "log matching: servers {a} and {b} differ before index {}",
                        i + 1
                    ));
                }
            }
        }
        self.violations.clone()
    }
}

impl Protocol for Raft {
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    fn start(&mut self, sim: &mut RaftSim) {
        // Servers boot at different instants: the first timeout is staggered
        // by up to 150 ms whatever the configured randomness.
        for v in 0..self.cfg.n as NodeId {
            if sim.is_up(v) {
                let stagger = (unit(sim.rng()) * 150.0 * MS as f64) as Time;
                sim.set_timer(v, self.cfg.election_min + stagger, RaftTimer::Election);
            }
        }
        if let Some(r) = self.cfg.reads {
            sim.set_timer(self.cfg.n as NodeId, r.start, RaftTimer::Read);
        }
    }
    fn on_timer(&mut self, sim: &mut RaftSim, v: NodeId, timer: RaftTimer) {
        let vi = v as usize;
        match timer {
            RaftTimer::Election => {
                if self.s[vi].role == Role::Leader {
                    return;
                }
                let s = &mut self.s[vi];
                s.term += 1;
                s.role = Role::Candidate;
                s.voted_for = Some(v);
                s.votes = 1 << v;
                let term = s.term;
                let (last_index, last_term) = self.last(vi);
                self.reset_election(sim, v);
                for p in 0..self.cfg.n as NodeId {
                    if p != v {
                        sim.send(
                            v,
                            p,
                            RaftMsg::Vote {
                                term,
                                last_index,
                                last_term,
                            },
                        );
                    }
                }
            }
            RaftTimer::Heartbeat => {
                if self.s[vi].role == Role::Leader {
                    self.broadcast_append(sim, v);
                }
            }
            RaftTimer::Read => self.issue_read(sim, v),
            RaftTimer::CrashLeader => {
                // Figure 16 experiment: crash this (first) leader.
                if self.s[vi].role == Role::Leader {
                    self.crashed_leader_at = Some(sim.now());
                    sim.crash_node(v, None);
                }
            }
            RaftTimer::Propose { term } => {
                let s = &self.s[vi];
                if s.role != Role::Leader || term != s.term {
                    return;
                }
                let outstanding = (s.log.len() as u64).saturating_sub(s.commit);
                if (self.committed.len() as u64) + outstanding < self.cfg.commands {
                    let cmd = self.next_cmd;
                    self.next_cmd += 1;
                    self.proposed_at.insert(cmd, sim.now());
                    let s = &mut self.s[vi];
                    s.log.push((s.term, cmd));
                    s.matched[vi] = s.log.len() as u64;
                    s.pending += 1;
                    if s.pending >= self.cfg.batch {
                        self.broadcast_append(sim, v);
                    }
                    if self.cfg.n == 1 {
                        self.advance_commit(sim, vi);
                    }
                }
                sim.set_timer(v, self.cfg.propose_interval, timer);
            }
        }
    }
    fn on_message(&mut self, sim: &mut RaftSim, to: NodeId, from: NodeId, msg: RaftMsg) {
        let ti = to as usize;
        match msg {
            RaftMsg::Vote {
                term,
                last_index,
                last_term,
            } => {
                if self.vote_guarded(sim, to) {
                    // Raft thesis §4.2.3: heard from a leader within the
                    // minimum election timeout: neither the term nor the vote changes
                    return;
                }
                if term > self.s[ti].term {
                    self.step_down(ti, term);
                }
                let (my_index, my_term) = self.last(ti);
                let up_to_date =
                    last_term > my_term || (last_term == my_term && last_index >= my_index);
                let s = &self.s[ti];
                let grant = term == s.term
                    && s.voted_for.is_none_or(|c| c == from)
                    && (self.cfg.skip_up_to_date_check || up_to_date);
                if grant {
                    self.s[ti].voted_for = Some(from);
                    self.reset_election(sim, to);
                }
                let reply = RaftMsg::VoteReply {
                    term: self.s[ti].term,
                    granted: grant,
                };
                sim.send(to, from, reply);
            }
            RaftMsg::VoteReply { term, granted } => {
                if term > self.s[ti].term {
                    self.step_down(ti, term);
                    return;
                }
                let s = &mut self.s[ti];
                if s.role == Role::Candidate && term == s.term && granted {
                    s.votes |= 1 << from;
                    if 2 * s.votes.count_ones() as usize > self.cfg.n {
                        self.become_leader(sim, to);
                    }
                }
            }
            RaftMsg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
                read,
                ..
            } => {
                let heartbeat = entries.is_empty();
                if term < self.s[ti].term {
                    let r = RaftMsg::AppendReply {
                        term: self.s[ti].term,
                        success: false,
                        match_index: 0,
                        heartbeat,
                        round,
                        read,
                    };
                    sim.send(to, from, r);
                    return;
                }
                if term > self.s[ti].term || self.s[ti].role != Role::Follower {
                    self.step_down(ti, term);
                }
                self.reset_election(sim, to);
                self.s[ti].rd.last_heard = Some(sim.local_time(to));
                let s = &self.s[ti];
                let ok = prev_index == 0
                    || (prev_index <= s.log.len() as u64
                        && s.log[prev_index as usize - 1].0 == prev_term);
                if !ok {
                    let hint = (s.log.len() as u64).min(prev_index.saturating_sub(1));
                    let r = RaftMsg::AppendReply {
                        term,
                        success: false,
                        match_index: hint,
                        heartbeat,
                        round,
                        read,
                    };
                    sim.send(to, from, r);
                    return;
                }
                for (k, e) in entries.iter().enumerate() {
                    let idx = prev_index + 1 + k as u64;
                    let s = &mut self.s[ti];
                    if (s.log.len() as u64) >= idx {
                        if s.log[idx as usize - 1].0 != e.0 {
                            if self.committed.contains_key(&idx)
                                && self.committed[&idx] == s.log[idx as usize - 1]
                            {
                                self.violations.push(format!(
                                    "committed entry {idx} truncated at server {to}"
                                ));
                            }
                            s.log.truncate(idx as usize - 1);
                            s.commit = s.commit.min(idx - 1);
                            s.log.push(*e);
                        }
                    } else {
                        s.log.push(*e);
                    }
                }
                let last_new = prev_index + entries.len() as u64;
                let s = &mut self.s[ti];
                if commit > s.commit {
                    s.commit = commit.min(last_new).max(s.commit);
                }
                let r = RaftMsg::AppendReply {
                    term,
                    success: true,
                    match_index: last_new,
                    heartbeat,
                    round,
                    read,
                };
                sim.send(to, from, r);
            }
            RaftMsg::AppendReply {
                term,
                success,
                match_index,
                round,
                ..
            } => {
                if term > self.s[ti].term {
                    self.step_down(ti, term);
                    return;
                }
                let fi = from as usize;
                if self.s[ti].role != Role::Leader || term != self.s[ti].term {
                    return;
                }
                self.s[ti].rd.ack(fi, round);
                if success {
                    let s = &mut self.s[ti];
                    s.matched[fi] = s.matched[fi].max(match_index);
                    s.next[fi] = s.next[fi].max(match_index + 1);
                    self.advance_commit(sim, ti);
                } else {
                    self.s[ti].next[fi] = match_index + 1;
                    self.send_append(sim, to, fi);
                }
                if self.cfg.reads.is_some() {
                    self.serve_reads(sim, to);
                }
            }
        }
    }
    fn on_recover(&mut self, sim: &mut RaftSim, v: NodeId) {
        let s = &mut self.s[v as usize];
        s.role = Role::Follower;
        s.votes = 0;
        s.commit = 0;
        s.pending = 0;
        s.rd.lose_leadership();
        // a restarted server waits a minimum election timeout before it
        // votes: it may have acknowledged a leader's lease before the crash
        s.rd.last_heard = Some(sim.local_time(v));
        self.reset_election(sim, v);
    }
    fn extra(&self, _sim: &RaftSim) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("committed".to_string(), self.committed.len() as f64),
            ("terms".to_string(), self.leaders.len() as f64),
        ])
    }
}

/// Outcome of one Raft run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaftRun {
    /// Entries committed.
    pub committed: u64,
    /// Messages by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Total messages.
    pub messages: u64,
    /// Bytes by kind ([`super::wire`]).
    pub bytes_by_kind: BTreeMap<String, u64>,
    /// Total bytes.
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Mean proposal-to-commit latency at the leader (ns).
    pub commit_latency_ns: Option<f64>,
    /// Per-entry commit latencies (ns), in commit order.
    pub latencies_ns: Vec<Time>,
    /// Time of the first election (ns).
    pub first_leader_ns: Option<Time>,
    /// Time from the leader crash to the next leader (ns), Figure 16.
    pub reelection_ns: Option<Time>,
    /// Violations.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
}

/// Run one Raft cluster over `net` until `max_time` (or all commands committed).
pub fn run_raft(
    cfg: &RaftConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
) -> Result<RaftRun, SimError> {
    run_raft_logged(cfg, net, max_time, rng, false).map(|r| r.0)
}

fn run_raft_logged(
    cfg: &RaftConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(RaftRun, Vec<Delivery>), SimError> {
    if !(3..=64).contains(&cfg.n) {
        return Err(SimError::param(
            "nodes",
            format!("raft supports 3..=64 servers, got {}", cfg.n),
        ));
    }
    if cfg.batch == 0 {
        return Err(SimError::param("batch", "must be >= 1"));
    }
    wire::check_command_bytes(cfg.command_bytes)?;
    let mut p = Raft::new(*cfg);
    let ecfg = EventConfig {
        max_time,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.n, net, &ecfg, rng)?;
    let violations = p.check();
    let lat = &p.commit_latency;
    Ok((
        RaftRun {
            committed: p.committed.len() as u64,
            by_kind: m.messages_by_kind(),
            messages: m.messages,
            bytes_by_kind: m.bytes_by_kind(),
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            commit_latency_ns: (!lat.is_empty())
                .then(|| lat.iter().sum::<Time>() as f64 / lat.len() as f64),
            latencies_ns: lat.clone(),
            first_leader_ns: p.first_leader.map(|x| x.0),
            reelection_ns: p.crashed_leader_at.zip(p.reelected_at).map(|(c, r)| r - c),
            violations,
            events: m.events,
        },
        log,
    ))
}

/// The Raft fault mix (`--faults default`, the Raft and Multi-Paxos sweeps):
/// exponential latency (mean 10 ms), loss in [0, 0.1), duplication in
/// [0, 0.05), each server crashing with probability 0.4 at a uniform time in
/// [0, 2 s) and recovering with probability 0.8 after [1, 1500] ms, a
/// partition with probability 0.4 opening in [0, 2 s) for [1, 1500] ms, and
/// every clock skewed ([`super::faults::DEFAULT_CLOCKS`]: offset ±10 ms,
/// drift ±1 %: election timeouts and heartbeats stretch or shrink).
pub const RAFT_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(10.0),
    loss: Amount::UpTo(0.1),
    dup: Amount::UpTo(0.05),
    crash: 0.4,
    coordinator_crash: None,
    crash_at: Window::ms(2000),
    recovery: Recovery::After {
        p: 0.8,
        after: Window::ms(1500),
    },
    partition: 0.4,
    partition_at: Window::ms(2000),
    partition_for: Window::ms(1500),
    clocks: DEFAULT_CLOCKS,
};

/// One schedule of [`RAFT_MIX`] for `n` servers.
pub fn raft_fault_schedule(n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    RAFT_MIX.draw(&FaultTargets::all(n), r)
}

/// `raft` in the protocol registry.
pub struct RaftProtocol;

/// The registry entry of Raft.
pub static RAFT: RaftProtocol = RaftProtocol;

/// Commands a `cclab sim raft` trial commits.
const SIM_COMMANDS: u64 = 200;

impl SimProtocol for RaftProtocol {
    fn name(&self) -> &'static str {
        "raft"
    }
    fn about(&self) -> &'static str {
        "Raft: elect a leader and commit 200 commands (`batch` entries per AppendEntries)"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 3,
            max: 64,
            what: "servers",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Batch]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[(
                "lan-timeouts",
                "keep heartbeat 50 ms and election timeout 150–300 ms under --latency",
            )],
            default: None,
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("RAFT_MIX: crash-recover, loss < 0.1, duplication < 0.05, a partition, clock skew")
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        let batch = sc.params.batch.unwrap_or(1);
        if !(1..=1024).contains(&batch) {
            return Err(SimError::param(
                "batch",
                format!("must be in 1..=1024, got {batch}"),
            ));
        }
        let mut cfg = RaftConfig {
            batch,
            commands: SIM_COMMANDS,
            ..RaftConfig::new(n)
        };
        // On a slow network (`--latency`, no fault mix) the timeouts follow
        // etcd's rule: heartbeat ~ RTT, election timeout >= 10 RTT
        // (`options`: `lan-timeouts` keeps the LAN defaults).
        let lan = options.has("lan-timeouts");
        if let (Some(l), Faults::None, false) = (&sc.latency, sc.faults, lan) {
            cfg = cfg.tuned_for_rtt(max_rtt(l, n));
        }
        let mut prepared = Prepared::new(move |sc: &Scenario, mut rng| {
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
            let r = run_raft(&cfg, &net, horizon, rng)?;
            let kind = |k: &str| r.by_kind.get(k).copied().unwrap_or(0);
            let data = kind("append") + kind("append-reply");
            let ms = |t: f64| t / MS as f64;
            let mut t = TrialMetrics {
                messages: r.messages as f64,
                payload: kind("append") as f64,
                bytes: r.bytes as f64,
                ratio: (r.committed as f64 / cfg.commands as f64).min(1.0),
                delivered: r.committed,
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
            .link_latency_ns(link);
            if let Some(first) = r.first_leader_ns {
                t = t.with("first_election_ms", ms(first as f64));
            }
            Ok(t)
        })
        .param("batch", batch)
        .param("commands", SIM_COMMANDS)
        .param(
            "election_timeout_ms",
            format!(
                "{}-{}",
                cfg.election_min / MS,
                (cfg.election_min + cfg.election_spread) / MS
            ),
        )
        .param("heartbeat_ms", cfg.heartbeat / MS);
        if lan {
            prepared = prepared.param("options", "lan-timeouts");
        }
        Ok(prepared)
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 3,
                max: 64,
                what: "servers",
            },
            mutants: &[Mutant {
                name: "skip-up-to-date-check",
                bug: "votes are granted without the log up-to-date check",
            }],
            case: |n, mutant| {
                let cfg = RaftConfig {
                    commands: 30,
                    propose_interval: 20 * MS,
                    skip_up_to_date_check: mutant == Some("skip-up-to-date-check"),
                    ..RaftConfig::new(n)
                };
                Ok(Box::new(move |mut rng, log| {
                    let net = raft_fault_schedule(cfg.n, &mut rng);
                    let (r, deliveries) = run_raft_logged(&cfg, &net, 4000 * MS, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![("mean_committed", Tally::Mean(r.committed as f64))],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, RaftMsg::KINDS),
                    })
                }))
            },
        })
    }
}

/// One row of the Figure-16 reproduction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElectionRow {
    /// Election timeout range label, e.g. `150-200ms`.
    pub timeout: String,
    /// Servers.
    pub n: usize,
    /// Trials.
    pub trials: u32,
    /// Seed.
    pub seed: u64,
    /// Trials in which a new leader was elected within 20 s of the crash.
    pub completed: crate::stats::Fraction,
    /// Time without a leader after the leader crash (ms), completed trials only.
    pub election_ms: Option<Stat>,
    /// 90th percentile (ms).
    pub p90_ms: f64,
    /// 99th percentile (ms).
    pub p99_ms: f64,
}

/// Heartbeat interval of the Figure 16 experiment: half the minimum election
/// timeout of 150 ms, as in the paper.
pub const FIG16_HEARTBEAT: Time = 75 * MS;

/// Shape of Ongaro & Ousterhout 2014 Figure 16 (top), in the paper's setup:
/// 5 servers, links uniform 5–10 ms, the heartbeat interval half the minimum
/// election timeout (75 ms); the first leader is crashed at a uniform point
/// of its heartbeat interval 500 ms or more after its election
/// ([`FIG16_HEARTBEAT`]) and the time until a new leader is measured, for election
/// timeouts 150–150, 150–151, 150–155, 150–175, 150–200 and 150–300 ms.
/// Each trial runs until 20 s of simulated time; with no randomness the
/// followers' timers stay synchronised (no jitter in timer firing is
/// modelled) and split votes can repeat for the whole horizon, which the
/// `completed` fraction shows.
pub fn election_time_table(seed: u64, trials: u32) -> Result<Vec<ElectionRow>, SimError> {
    let heartbeat = FIG16_HEARTBEAT;
    let net = NetworkModel {
        latency: LatencyDist::Uniform {
            lo_ns: 5 * MS,
            hi_ns: 10 * MS,
        },
        ..NetworkModel::default()
    };
    let mut rows = Vec::new();
    for spread in [0u64, 1, 5, 25, 50, 150] {
        let cfg = RaftConfig {
            election_spread: spread * MS,
            commands: 0,
            stop_when_done: false,
            crash_first_leader_after: Some(500 * MS),
            crash_jitter: heartbeat,
            heartbeat,
            ..RaftConfig::new(5)
        };
        let res = run_trials(seed, trials, &no_progress, |_, rng| {
            let r = run_raft(&cfg, &net, 20_000 * MS, rng)?;
            Ok(r.reelection_ns.map_or(f64::NAN, |t| t as f64 / MS as f64))
        })?;
        let mut v: Vec<f64> = res.into_iter().filter(|x| !x.is_nan()).collect();
        v.sort_by(f64::total_cmp);
        rows.push(ElectionRow {
            timeout: format!("150-{}ms", 150 + spread),
            n: 5,
            trials,
            seed,
            completed: crate::stats::Fraction::new(v.len() as u64, u64::from(trials)),
            election_ms: Stat::of(&v),
            p90_ms: crate::stats::percentile_sorted(&v, 0.9).unwrap_or(f64::NAN),
            p99_ms: crate::stats::percentile_sorted(&v, 0.99).unwrap_or(f64::NAN),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::trial_rng;

    fn constant() -> NetworkModel {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 5 * MS },
            ..NetworkModel::default()
        }
    }

    #[test]
    fn fault_free_messages_per_entry_match_formula() {
        for n in [3usize, 5, 7, 9] {
            for batch in [1u32, 4] {
                let cfg = RaftConfig {
                    batch,
                    commands: 200,
                    ..RaftConfig::new(n)
                };
                let r = run_raft(&cfg, &constant(), 60_000 * MS, trial_rng(n as u64, 0)).unwrap();
                assert!(r.violations.is_empty(), "{:?}", r.violations);
                assert_eq!(r.committed, 200);
                let data = r.by_kind.get("append").copied().unwrap_or(0)
                    + r.by_kind.get("append-reply").copied().unwrap_or(0);
                // the run stops at the last commit: the last batch's remaining replies may be in flight
                let per = data as f64 / 200.0;
                let want = cfg.formula_messages_per_entry();
                assert!(
                    (per - want).abs() <= (n as f64) / 200.0 + 1e-9,
                    "n={n} b={batch}: {per} vs {want}"
                );
                // commit latency = one round trip (2 delays) plus batching wait
                let lat = r.commit_latency_ns.unwrap() / (5 * MS) as f64;
                assert!(lat >= 2.0 - 1e-9 && lat <= 2.0 + f64::from(batch), "{lat}");
            }
        }
    }

    #[test]
    fn fault_free_bytes_match_the_wire_formula() {
        for n in [3usize, 5, 7, 9] {
            for (batch, command_bytes) in [(1u32, 100u32), (4, 100), (10, 0), (20, 1000)] {
                let cfg = RaftConfig {
                    batch,
                    commands: 200,
                    command_bytes,
                    ..RaftConfig::new(n)
                };
                let r = run_raft(&cfg, &constant(), 60_000 * MS, trial_rng(n as u64, 1)).unwrap();
                assert_eq!(r.committed, 200);
                let f = (n - 1) as u64;
                // every batch is full (a batch fills in b ms < the 50 ms heartbeat) and
                // each entry goes exactly once to each follower
                assert_eq!(r.by_kind["append"], f * 200 / u64::from(batch));
                let entry = u64::from(16 + command_bytes);
                assert_eq!(
                    r.bytes_by_kind["append"],
                    r.by_kind["append"] * 56 + f * 200 * entry,
                    "n={n} b={batch} c={command_bytes}"
                );
                assert_eq!(
                    r.bytes_by_kind["append-reply"],
                    r.by_kind["append-reply"] * 40
                );
                assert_eq!(
                    r.bytes_by_kind["request-vote"],
                    r.by_kind["request-vote"] * 40
                );
                assert_eq!(r.bytes_by_kind["vote"], r.by_kind["vote"] * 32);
                assert_eq!(r.bytes, r.bytes_by_kind.values().sum::<u64>());
                // per committed entry: the formula, less the replies still in flight at the stop
                let data = r.bytes_by_kind["append"] + r.bytes_by_kind["append-reply"];
                let per = data as f64 / 200.0;
                let want = cfg.formula_bytes_per_entry();
                assert!(
                    per <= want + 1e-9 && per >= want - (f as f64) * 40.0 / 200.0,
                    "n={n} b={batch}: {per} vs {want}"
                );
            }
        }
        let bad = RaftConfig {
            command_bytes: wire::MAX_COMMAND_BYTES + 1,
            ..RaftConfig::new(3)
        };
        let e = run_raft(&bad, &constant(), MS, trial_rng(0, 0)).unwrap_err();
        assert!(e.to_string().contains("command_bytes"), "{e}");
    }

    #[test]
    fn leader_crash_reelects_and_keeps_committed_entries() {
        let cfg = RaftConfig {
            commands: 300,
            crash_first_leader_after: Some(100 * MS),
            ..RaftConfig::new(5)
        };
        let r = run_raft(&cfg, &constant(), 60_000 * MS, trial_rng(7, 0)).unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.committed, 300);
        assert!(r.reelection_ns.unwrap() >= 150 * MS);
    }

    #[test]
    fn sweep_is_safe_and_mutant_is_caught() {
        use crate::sweep::sweep;
        let ok = sweep("raft", Some(5), 0, 10_000, None).unwrap().findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        assert!(ok.progress["mean_committed"] > 5.0);
        let bad = sweep("raft", Some(5), 0, 10_000, Some("skip-up-to-date-check"))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0, "mutant not caught");
        let sh = bad.shortest.unwrap();
        assert!(sh.trace.iter().any(|l| l.contains("request-vote")));
        let cfg = RaftConfig {
            commands: 30,
            propose_interval: 20 * MS,
            skip_up_to_date_check: true,
            ..RaftConfig::new(5)
        };
        let mut rng = trial_rng(0, sh.index);
        let net = raft_fault_schedule(5, &mut rng);
        let again = run_raft(&cfg, &net, 4000 * MS, rng).unwrap();
        assert_eq!(again.violations, sh.violations);
    }

    #[test]
    fn figure_16_shape() {
        let rows = election_time_table(16, 40).unwrap();
        let row = |label: &str| rows.iter().find(|r| r.timeout == label).unwrap();
        // more randomness -> fewer split votes -> faster, always-completing elections
        assert_eq!(row("150-300ms").completed.value, 1.0, "{rows:?}");
        assert!(row("150-150ms").completed.value <= row("150-300ms").completed.value);
        let med = |label: &str| row(label).election_ms.as_ref().unwrap().median;
        assert!(med("150-300ms") < med("150-155ms"), "{rows:?}");
        // The crash falls up to one heartbeat after the last heartbeat, so a
        // follower's 150 ms timer can fire as early as 150 − 75 + 5 ms after it.
        let hb = FIG16_HEARTBEAT as f64 / MS as f64;
        assert!(
            rows.iter()
                .filter_map(|r| r.election_ms.as_ref())
                .all(|s| s.min >= 150.0 - hb + 5.0),
            "{rows:?}"
        );
    }
}
