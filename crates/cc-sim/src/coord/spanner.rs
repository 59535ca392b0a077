//! Spanner-style multi-group commit: Paxos groups, two-phase commit across
//! their leaders, TrueTime and commit wait (Corbett et al., *Spanner*, OSDI
//! 2012, §4.1–4.2).
//!
//! **Layout.** `groups` Paxos groups of `replicas` nodes each; node
//! `g·R + r` is replica `r` of group `g`, replica 0 its leader. A client
//! (node `G·R`) issues `transactions` read-write transactions at exponential
//! intervals; each writes one record in each of `participants` (`P`) groups
//! drawn uniformly without replacement, and its coordinator is the leader of
//! the first group drawn (a participant itself, as in Spanner). Transactions
//! with disjoint participants are ordered only by their timestamps — which is
//! what the commit wait is for: two transactions sharing a group are also
//! ordered by that leader's monotone timestamps. Node `i`'s clock reads `t + θᵢ` with `θᵢ` uniform in
//! `[−skew, skew]` (drawn from the trial's generator); `TT.now()` is
//! `[clock − ε, clock + ε]`, which contains true time whenever `skew ≤ ε`.
//!
//! **Protocol.** The client sends the transaction (its buffered write) to
//! every participant leader. A non-coordinator leader picks a prepare timestamp
//! `p = max(TT.now().latest, last + 1)` (larger than any timestamp it
//! assigned before), logs a prepare record in its group — one majority round:
//! `Accept` to the `R − 1` replicas, done when `⌊R/2⌋` of them answer — and
//! sends `Prepared(p)` to the coordinator. When the coordinator has the
//! client's request and every other participant's `Prepared`, it picks the commit
//! timestamp `s = max(every p, TT.now().latest, last + 1)`, logs the commit
//! record in its group, and **waits until `TT.after(s)`** (its clock minus ε
//! passes `s`) — the wait overlaps the Paxos round. Then it replies to the
//! client and sends `Commit(s)` to the other participant leaders, which log
//! it in their groups. With one participant there is no two-phase commit: the leader stamps,
//! logs and waits.
//!
//! **Checkers.** *External consistency*: if transaction `j` is issued after
//! the client received transaction `i`'s commit (in true time), then
//! `s_j > s_i`. *Prepare bound*: `s ≥ p` for every participant's prepare
//! timestamp — a participant with a transaction prepared at `p` may already
//! serve snapshot reads at any `t < p` without it (its safe time is
//! `p − 1`), so a commit timestamp below `p` would rewrite history those
//! reads have seen.
//!
//! **Exact fault-free counts**, per transaction (`P` participants, `R`
//! replicas, `P ≥ 1`, every transaction committed):
//!
//! ```text
//! client → P leaders                        P
//! prepare rounds in P − 1 groups            (P − 1) · 2(R − 1)
//! Prepared to the coordinator               P − 1
//! commit round in the coordinator's group   2(R − 1)
//! reply to the client                       1
//! Commit to P − 1 leaders                   P − 1
//! commit rounds in P − 1 groups             (P − 1) · 2(R − 1)
//! total                                     3P − 1 + 2(R − 1)(2P − 1)
//! bytes                                     140P + 64(P − 1) + 32
//!                                           + (R − 1)(260(P − 1) + 72)
//! ```
//!
//! (`Begin` 140 bytes, `Accept` of a prepare record 156, of a commit
//! record 40, every other message 32; see [`SpMsg::wire_bytes`].)
//!
//! Latency with a constant one-way delay `d`, exact clocks and `R ≥ 2`:
//! `4d + max(2d, 2ε) + d` for `P ≥ 2` (client → leaders, prepare round,
//! `Prepared`, commit round overlapped with the wait, reply: 7 message
//! delays when `ε = 0`), `d + max(2d, 2ε) + d` for `P = 1` (4 delays); the
//! wait runs 1 ns past `2ε` (`TT.after` is strict).
//!
//! **Mutants**: `no-commit-wait` (reply as soon as the commit record is
//! logged) breaks external consistency; `timestamp-before-last-prepare` (the
//! coordinator leaves the last `Prepared` to arrive out of the maximum)
//! breaks the prepare bound.

use super::faults::{Amount, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window};
use super::wire::{DEFAULT_COMMAND_BYTES, message, message_commands, message_entries};
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::net::{ClockSkew, MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, below, unit};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;

/// Which record a group's majority round logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// A participant's prepare record (carries the write).
    Prepare,
    /// The commit record (the commit timestamp).
    Commit,
}

impl Record {
    fn index(self) -> usize {
        match self {
            Record::Prepare => 0,
            Record::Commit => 1,
        }
    }
}

/// A message of the multi-group commit; `k` is the transaction's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpMsg {
    /// Client → leader: transaction `k` with its buffered write.
    Begin(usize),
    /// Leader → replica: log `record` of transaction `k`.
    Accept(usize, Record),
    /// Replica → leader: logged.
    Accepted(usize, Record),
    /// Participant leader → coordinator: prepared at this timestamp.
    PreparedAt(usize, i64),
    /// Coordinator → participant leader: commit at this timestamp.
    Commit(usize, i64),
    /// Coordinator → client: committed at this timestamp.
    Reply(usize, i64),
}

message_kinds! {
    enum SpKind {
        Begin = "begin",
        Accept = "accept",
        Accepted = "accepted",
        Prepared = "prepared",
        Commit = "commit",
        Reply = "reply",
    }
}

impl Message for SpMsg {
    const KINDS: &'static [&'static str] = SpKind::NAMES;
    const PAYLOAD_KINDS: u64 = SpKind::Begin.bit();
    fn kind(&self) -> u8 {
        (match self {
            SpMsg::Begin(_) => SpKind::Begin,
            SpMsg::Accept(..) => SpKind::Accept,
            SpMsg::Accepted(..) => SpKind::Accepted,
            SpMsg::PreparedAt(..) => SpKind::Prepared,
            SpMsg::Commit(..) => SpKind::Commit,
            SpMsg::Reply(..) => SpKind::Reply,
        }) as u8
    }
    /// `Begin`: txn, coordinator + one command; `Accept(Prepare)`: txn,
    /// record, timestamp + one entry; `Accept(Commit)`: txn, record,
    /// timestamp; `Accepted`: txn, record; `Prepared`, `Commit`, `Reply`:
    /// txn, timestamp (see [`super::wire`]).
    fn wire_bytes(&self) -> u32 {
        match self {
            SpMsg::Begin(_) => message_commands(2, 1, DEFAULT_COMMAND_BYTES),
            SpMsg::Accept(_, Record::Prepare) => message_entries(3, 1, DEFAULT_COMMAND_BYTES),
            SpMsg::Accept(_, Record::Commit) => message(3),
            SpMsg::Accepted(..) => message(2),
            SpMsg::PreparedAt(..) | SpMsg::Commit(..) | SpMsg::Reply(..) => message(2),
        }
    }
}

/// Timers: the client's next transaction, a coordinator's commit wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpTimer {
    /// The client issues the next transaction.
    Issue,
    /// The commit wait of transaction `k` may be over.
    Wait(usize),
}

impl Timer for SpTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match self {
            SpTimer::Issue => 1,
            SpTimer::Wait(k) => 2 + *k as u64,
        }
    }
}

type SpSim = Sim<SpMsg, SpTimer>;

/// Configuration of the multi-group commit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpannerConfig {
    /// Paxos groups `G` (`1..=16`).
    pub groups: usize,
    /// Groups each transaction writes, `P` (`1..=G`).
    pub participants: usize,
    /// Replicas per group `R`, leader included (`1..=9`).
    pub replicas: usize,
    /// TrueTime's uncertainty ε (ns): `TT.now()` has width `2ε`.
    pub epsilon: Time,
    /// Real clock offsets are uniform in `[−skew, skew]` (ns); `skew ≤ ε`
    /// is TrueTime's guarantee, larger breaks it.
    pub skew: Time,
    /// Transactions (`1..=10000`).
    pub transactions: usize,
    /// Mean time between the client's transactions (ns).
    pub interarrival: Time,
    /// Perform the commit wait (`false`: mutant `no-commit-wait`).
    pub commit_wait: bool,
    /// Include every prepare timestamp in the commit timestamp (`false`:
    /// mutant `timestamp-before-last-prepare`).
    pub all_prepares: bool,
}

impl SpannerConfig {
    /// `groups` groups of 3 replicas, every transaction writing
    /// `participants` of them, ε = 7 ms with clock offsets within it, 100
    /// transactions 20 ms apart on average, the correct protocol.
    pub fn new(groups: usize, participants: usize) -> SpannerConfig {
        SpannerConfig {
            groups,
            participants,
            replicas: 3,
            epsilon: 7 * MS,
            skew: 7 * MS,
            transactions: 100,
            interarrival: 20 * MS,
            commit_wait: true,
            all_prepares: true,
        }
    }

    /// Messages of one committed transaction, fault-free:
    /// `3P − 1 + 2(R − 1)(2P − 1)`.
    pub fn messages_per_transaction(&self) -> u64 {
        let (g, r) = (self.participants as u64, self.replicas as u64);
        3 * g - 1 + 2 * (r - 1) * (2 * g - 1)
    }

    /// Bytes of one committed transaction, fault-free:
    /// `140P + 64(P − 1) + 32 + (R − 1)(260(P − 1) + 72)`.
    pub fn bytes_per_transaction(&self) -> u64 {
        let (g, r) = (self.participants as u64, self.replicas as u64);
        140 * g + 64 * (g - 1) + 32 + (r - 1) * (260 * (g - 1) + 72)
    }

    fn validate(&self) -> Result<(), SimError> {
        if !(1..=16).contains(&self.groups) {
            return Err(SimError::param(
                "nodes",
                format!(
                    "spanner-commit takes 1..=16 Paxos groups, got {}",
                    self.groups
                ),
            ));
        }
        if !(1..=self.groups).contains(&self.participants) {
            return Err(SimError::param(
                "participants",
                format!(
                    "must be in 1..={} (the groups), got {}",
                    self.groups, self.participants
                ),
            ));
        }
        if !(1..=9).contains(&self.replicas) {
            return Err(SimError::param(
                "replicas",
                format!("must be in 1..=9 per group, got {}", self.replicas),
            ));
        }
        if !(1..=10_000).contains(&self.transactions) {
            return Err(SimError::param(
                "transactions",
                format!("must be in 1..=10000, got {}", self.transactions),
            ));
        }
        Ok(())
    }
}

/// What happened to one transaction.
#[derive(Debug, Clone, Default)]
struct Txn {
    issued: Time,
    coordinator: usize,
    /// The groups it writes (the coordinator's first).
    participants: Vec<usize>,
    /// Each group's prepare timestamp, as its leader picked it.
    prepare_ts: Vec<Option<i64>>,
    /// The prepare timestamps the coordinator received, by group.
    received: Vec<Option<i64>>,
    /// The group whose `Prepared` reached the coordinator last.
    last_prepared: Option<usize>,
    /// The client's request reached the coordinator.
    begun_at_coordinator: bool,
    /// Commit timestamp.
    ts: Option<i64>,
    logged_at: Option<Time>,
    waited_at: Option<Time>,
    replied: bool,
    /// Replica acknowledgements per group and record (bit per replica).
    acks: Vec<[u16; 2]>,
    /// Round of the record already completed, per group.
    logged: Vec<[bool; 2]>,
    /// A participant has started logging the commit record.
    commit_started: Vec<bool>,
    /// Commit applied at each group (its commit record logged).
    applied: Vec<Option<i64>>,
    acked: Option<Time>,
}

/// State of a multi-group commit run.
#[derive(Debug, Clone)]
pub struct Spanner {
    cfg: SpannerConfig,
    offset: Vec<i64>,
    /// Largest timestamp each group leader has assigned.
    last: Vec<i64>,
    txns: Vec<Txn>,
}

impl Spanner {
    /// Fresh state; clock offsets of the `G·R` servers drawn from `rng`.
    pub fn new(cfg: SpannerConfig, rng: &mut ChaCha8Rng) -> Self {
        let offset = (0..cfg.groups * cfg.replicas)
            .map(|_| ((unit(rng) * 2.0 - 1.0) * cfg.skew as f64) as i64)
            .collect();
        Spanner {
            cfg,
            offset,
            last: vec![i64::MIN; cfg.groups],
            txns: Vec::new(),
        }
    }

    fn client(&self) -> NodeId {
        (self.cfg.groups * self.cfg.replicas) as NodeId
    }

    fn leader(&self, g: usize) -> NodeId {
        (g * self.cfg.replicas) as NodeId
    }

    fn group_of(&self, node: NodeId) -> usize {
        node as usize / self.cfg.replicas
    }

    /// The servers' clocks (drawn offsets) merged into `net`'s clocks:
    /// offsets add, drift is kept.
    pub fn clocks(&self, net: &NetworkModel) -> Vec<ClockSkew> {
        let mut out: Vec<ClockSkew> = net.clocks.clone();
        for (i, &off) in self.offset.iter().enumerate() {
            match out.iter_mut().find(|c| c.node as usize == i) {
                Some(c) => c.offset_ns = c.offset_ns.saturating_add(off),
                None => out.push(ClockSkew {
                    node: i as NodeId,
                    offset_ns: off,
                    drift_ppm: 0,
                }),
            }
        }
        out
    }

    /// `TT.now().latest` at `node`.
    fn latest(&self, sim: &SpSim, node: NodeId) -> i64 {
        sim.local_time(node) + self.cfg.epsilon as i64
    }

    /// A fresh timestamp at group `g`'s leader: at least `floor`, at least
    /// `TT.now().latest`, above every timestamp it assigned before.
    fn assign(&mut self, sim: &SpSim, g: usize, floor: i64) -> i64 {
        let t = self
            .latest(sim, self.leader(g))
            .max(floor)
            .max(self.last[g].saturating_add(1));
        self.last[g] = t;
        t
    }

    /// Start logging `rec` of transaction `k` in group `g`.
    fn replicate(&mut self, sim: &mut SpSim, g: usize, k: usize, rec: Record) {
        let leader = self.leader(g);
        for r in 1..self.cfg.replicas {
            sim.send(leader, leader + r as NodeId, SpMsg::Accept(k, rec));
        }
        if self.cfg.replicas / 2 == 0 {
            self.logged(sim, g, k, rec);
        }
    }

    /// Group `g` has logged `rec` of transaction `k` on a majority.
    fn logged(&mut self, sim: &mut SpSim, g: usize, k: usize, rec: Record) {
        let (from, to) = (self.leader(g), self.leader(self.txns[k].coordinator));
        let t = &mut self.txns[k];
        if t.logged[g][rec.index()] {
            return;
        }
        t.logged[g][rec.index()] = true;
        match rec {
            Record::Prepare => {
                if let Some(p) = t.prepare_ts[g] {
                    sim.send(from, to, SpMsg::PreparedAt(k, p));
                }
            }
            Record::Commit if g == t.coordinator => {
                t.logged_at = Some(sim.now());
                self.finish(sim, k);
            }
            Record::Commit => t.applied[g] = t.ts,
        }
    }

    /// The coordinator decides once it has the request and every prepare.
    fn try_decide(&mut self, sim: &mut SpSim, k: usize) {
        let t = &self.txns[k];
        let c = t.coordinator;
        let ready = t.ts.is_none()
            && t.begun_at_coordinator
            && t.participants
                .iter()
                .all(|&g| g == c || t.received[g].is_some());
        if !ready {
            return;
        }
        let floor = (0..self.cfg.groups)
            .filter(|&g| self.cfg.all_prepares || t.last_prepared != Some(g))
            .filter_map(|g| t.received[g])
            .max()
            .unwrap_or(i64::MIN);
        let s = self.assign(sim, c, floor);
        let now = sim.now();
        let t = &mut self.txns[k];
        t.ts = Some(s);
        self.replicate(sim, c, k, Record::Commit);
        if self.cfg.commit_wait {
            self.arm_wait(sim, k);
        } else {
            self.txns[k].waited_at = Some(now);
            self.finish(sim, k);
        }
    }

    /// Arm the commit-wait timer of transaction `k` for the remaining wait
    /// on the coordinator's clock (until `clock − ε > s`).
    fn arm_wait(&mut self, sim: &mut SpSim, k: usize) {
        let t = &self.txns[k];
        let (Some(s), node) = (t.ts, self.leader(t.coordinator)) else {
            return;
        };
        let earliest = sim.local_time(node) - self.cfg.epsilon as i64;
        if earliest > s {
            self.txns[k].waited_at = Some(sim.now());
            self.finish(sim, k);
        } else {
            let wait = (s - earliest + 1).max(1) as Time;
            sim.set_timer(node, wait, SpTimer::Wait(k));
        }
    }

    /// Reply and send the commit once the record is logged and the wait is over.
    fn finish(&mut self, sim: &mut SpSim, k: usize) {
        let t = &self.txns[k];
        let (Some(s), true, true, false) = (
            t.ts,
            t.logged_at.is_some(),
            t.waited_at.is_some(),
            t.replied,
        ) else {
            return;
        };
        let c = t.coordinator;
        self.txns[k].replied = true;
        self.txns[k].applied[c] = Some(s);
        let from = self.leader(c);
        sim.send(from, self.client(), SpMsg::Reply(k, s));
        for i in 1..self.txns[k].participants.len() {
            let g = self.txns[k].participants[i];
            sim.send(from, self.leader(g), SpMsg::Commit(k, s));
        }
    }

    fn on_begin(&mut self, sim: &mut SpSim, g: usize, k: usize) {
        let t = &self.txns[k];
        if g == t.coordinator {
            if !t.begun_at_coordinator {
                self.txns[k].begun_at_coordinator = true;
                self.try_decide(sim, k);
            }
        } else if t.prepare_ts[g].is_none() {
            let p = self.assign(sim, g, i64::MIN);
            self.txns[k].prepare_ts[g] = Some(p);
            self.replicate(sim, g, k, Record::Prepare);
        }
    }

    fn on_accepted(&mut self, sim: &mut SpSim, from: NodeId, k: usize, rec: Record) {
        let g = self.group_of(from);
        let bit = 1u16 << (from as usize - g * self.cfg.replicas);
        let acks = &mut self.txns[k].acks[g][rec.index()];
        if *acks & bit != 0 {
            return;
        }
        *acks |= bit;
        if acks.count_ones() as usize == self.cfg.replicas / 2 {
            self.logged(sim, g, k, rec);
        }
    }

    /// Committed transactions (the client received the reply).
    pub fn committed(&self) -> usize {
        self.txns.iter().filter(|t| t.acked.is_some()).count()
    }

    /// Transactions whose commit record is logged in every group.
    pub fn applied_everywhere(&self) -> usize {
        self.txns
            .iter()
            .filter(|t| t.participants.iter().all(|&g| t.applied[g].is_some()))
            .count()
    }

    /// Commit latencies, issue to the client's receipt of the reply (ns).
    pub fn latencies(&self) -> Vec<Time> {
        self.txns
            .iter()
            .filter_map(|t| t.acked.map(|a| a - t.issued))
            .collect()
    }

    /// How long the coordinators waited after their commit record was
    /// logged (ns, per decided transaction): the part of the commit wait
    /// the Paxos round did not hide.
    pub fn exposed_waits(&self) -> Vec<Time> {
        self.txns
            .iter()
            .filter_map(|t| Some(t.waited_at?.saturating_sub(t.logged_at?)))
            .collect()
    }

    /// Every checker's findings (at most 5 of each), as text.
    pub fn check(&self) -> Vec<String> {
        let mut v = self.external_consistency();
        v.extend(self.prepare_bound());
        v
    }

    /// External consistency over all pairs of transactions.
    pub fn external_consistency(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (i, a) in self.txns.iter().enumerate() {
            let (Some(ci), Some(si)) = (a.acked, a.ts) else {
                continue;
            };
            for (j, b) in self.txns.iter().enumerate() {
                if b.issued > ci
                    && let Some(sj) = b.ts
                    && sj <= si
                {
                    v.push(format!(
                        "external consistency: T{j} began after T{i} committed but s{j} = {sj} <= s{i} = {si}"
                    ));
                    if v.len() >= 5 {
                        return v;
                    }
                }
            }
        }
        v
    }

    /// The commit timestamp is at least every participant's prepare timestamp.
    pub fn prepare_bound(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (k, t) in self.txns.iter().enumerate() {
            let Some(s) = t.ts else { continue };
            for (g, p) in t.prepare_ts.iter().enumerate() {
                if let Some(p) = *p
                    && s < p
                {
                    v.push(format!(
                        "prepare bound: T{k} committed at s = {s} below group {g}'s prepare timestamp {p}, where reads at t < {p} were already safe"
                    ));
                    if v.len() >= 5 {
                        return v;
                    }
                }
            }
        }
        v
    }
}

impl Protocol for Spanner {
    type Msg = SpMsg;
    type Timer = SpTimer;
    fn start(&mut self, sim: &mut SpSim) {
        sim.set_timer(self.client(), 0, SpTimer::Issue);
    }
    fn on_timer(&mut self, sim: &mut SpSim, node: NodeId, timer: SpTimer) {
        match timer {
            SpTimer::Issue => {
                let k = self.txns.len();
                if k >= self.cfg.transactions {
                    return;
                }
                let g = self.cfg.groups;
                // P distinct groups, uniformly: a partial Fisher–Yates shuffle
                let mut order: Vec<usize> = (0..g).collect();
                for i in 0..self.cfg.participants {
                    let j = i + below(sim.rng(), (g - i) as u32) as usize;
                    order.swap(i, j);
                }
                order.truncate(self.cfg.participants);
                self.txns.push(Txn {
                    issued: sim.now(),
                    coordinator: order[0],
                    participants: order.clone(),
                    prepare_ts: vec![None; g],
                    received: vec![None; g],
                    acks: vec![[0; 2]; g],
                    logged: vec![[false; 2]; g],
                    commit_started: vec![false; g],
                    applied: vec![None; g],
                    ..Txn::default()
                });
                for grp in order {
                    sim.send(node, self.leader(grp), SpMsg::Begin(k));
                }
                let gap = (-(self.cfg.interarrival as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
                sim.set_timer(node, gap.max(1), SpTimer::Issue);
            }
            SpTimer::Wait(k) => self.arm_wait(sim, k),
        }
    }
    fn on_message(&mut self, sim: &mut SpSim, to: NodeId, from: NodeId, msg: SpMsg) {
        let g = self.group_of(to);
        match msg {
            SpMsg::Begin(k) => self.on_begin(sim, g, k),
            SpMsg::Accept(k, rec) => sim.send(to, from, SpMsg::Accepted(k, rec)),
            SpMsg::Accepted(k, rec) => self.on_accepted(sim, from, k, rec),
            SpMsg::PreparedAt(k, p) => {
                let pg = self.group_of(from);
                let t = &mut self.txns[k];
                if t.received[pg].is_none() {
                    t.received[pg] = Some(p);
                    t.last_prepared = Some(pg);
                    self.try_decide(sim, k);
                }
            }
            SpMsg::Commit(k, _) => {
                let t = &mut self.txns[k];
                if g != t.coordinator && !t.commit_started[g] {
                    t.commit_started[g] = true;
                    self.replicate(sim, g, k, Record::Commit);
                }
            }
            SpMsg::Reply(k, _) => {
                let t = &mut self.txns[k];
                if t.acked.is_none() {
                    t.acked = Some(sim.now());
                }
            }
        }
    }
}

/// Outcome of a multi-group commit run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpannerRun {
    /// Messages.
    pub messages: u64,
    /// Bytes sent (see [`SpMsg::wire_bytes`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Transactions whose reply reached the client.
    pub committed: usize,
    /// Transactions whose commit record is logged in every group.
    pub applied_everywhere: usize,
    /// Per committed transaction: issue to reply (ns).
    pub latencies_ns: Vec<Time>,
    /// Mean commit latency (ns; NaN when nothing committed).
    pub mean_latency_ns: f64,
    /// Mean wait after the coordinator's commit record was logged (ns).
    pub mean_exposed_wait_ns: f64,
    /// Checker findings.
    pub violations: Vec<String>,
}

fn mean(xs: &[Time]) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64
    }
}

/// Run one multi-group commit experiment.
pub fn run_spanner(
    cfg: &SpannerConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<SpannerRun, SimError> {
    Ok(run_spanner_logged(cfg, net, rng, false)?.0)
}

/// [`run_spanner`], also returning the delivered messages when `log` is set.
pub fn run_spanner_logged(
    cfg: &SpannerConfig,
    net: &NetworkModel,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<(SpannerRun, Vec<Delivery>), SimError> {
    cfg.validate()?;
    let mut p = Spanner::new(*cfg, &mut rng);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let net = NetworkModel {
        clocks: p.clocks(net),
        ..net.clone()
    };
    let n = cfg.groups * cfg.replicas + 1;
    let (m, deliveries) = run_events(&mut p, n, &net, &ecfg, rng)?;
    let lat = p.latencies();
    let run = SpannerRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        committed: p.committed(),
        applied_everywhere: p.applied_everywhere(),
        mean_latency_ns: mean(&lat),
        mean_exposed_wait_ns: mean(&p.exposed_waits()),
        latencies_ns: lat,
        violations: p.check(),
    };
    Ok((run, deliveries))
}

/// The network part of the multi-group commit's fault mix: exponential
/// latency with a mean drawn in `[0.2, 5)` ms, loss below 0.05, duplication
/// below 0.02, each server crashing (for good) with probability 0.1 in the
/// first 300 ms, and a partition with probability 0.3 opening in the first
/// 300 ms for up to 300 ms. The clock offsets are the protocol's own (see
/// [`spanner_fault_schedule`]). A lost message or a crashed leader leaves
/// its transactions undecided, never inconsistent.
pub const SPANNER_MIX: FaultMix = FaultMix {
    latency: MixLatency::ExponentialMeanIn(0.2, 4.8),
    loss: Amount::UpTo(0.05),
    dup: Amount::UpTo(0.02),
    crash: 0.1,
    coordinator_crash: None,
    crash_at: Window::ms(300),
    recovery: Recovery::Never,
    partition: 0.3,
    partition_at: Window::ms(300),
    partition_for: Window::ms(300),
    clocks: (0, 0),
};

/// The servers crash, the client does not; clocks and partition sides cover all.
fn spanner_targets(cfg: &SpannerConfig) -> FaultTargets {
    let servers = cfg.groups * cfg.replicas;
    FaultTargets {
        nodes: servers + 1,
        crashable: 0..servers as NodeId,
    }
}

/// Fault schedule `r` of the sweep (and `--faults default`): clock offsets
/// within `±s` with `s` drawn in `[0, ε]`, the network of [`SPANNER_MIX`],
/// and transactions arriving with a mean gap drawn in `[0.5, 10)` ms (many
/// in flight during one another's commit waits).
pub fn spanner_fault_schedule(
    cfg: &SpannerConfig,
    r: &mut ChaCha8Rng,
) -> (SpannerConfig, NetworkModel) {
    let skew = (unit(r) * cfg.epsilon as f64) as Time;
    let net = SPANNER_MIX.draw(&spanner_targets(cfg), r);
    let c = SpannerConfig {
        skew,
        interarrival: ((0.5 + unit(r) * 9.5) * MS as f64) as Time,
        ..*cfg
    };
    (c, net)
}

/// `spanner-commit` in the protocol registry.
pub struct SpannerProtocol;

/// The registry entry of the multi-group commit.
pub static SPANNER_COMMIT: SpannerProtocol = SpannerProtocol;

/// Transactions of one sweep schedule.
const SWEEP_TRANSACTIONS: usize = 20;

impl SimProtocol for SpannerProtocol {
    fn name(&self) -> &'static str {
        "spanner-commit"
    }
    fn about(&self) -> &'static str {
        "100 transactions, each on --participants of the Paxos groups: 2PC over their leaders, TrueTime, commit wait"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 4,
            min: 2,
            max: 16,
            what: "Paxos groups (each a leader and --replicas - 1 replicas; a client besides)",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Replicas, Knob::Participants, Knob::EpsilonMs]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "offsets within ε, loss < 0.05, dup < 0.02, server crashes, a partition (spanner_fault_schedule)",
        )
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let eps = sc.params.epsilon_ms.unwrap_or(7.0);
        if !(eps.is_finite() && (0.0..=10_000.0).contains(&eps)) {
            return Err(SimError::param(
                "epsilon_ms",
                format!("must be in [0, 10000] ms, got {eps}"),
            ));
        }
        let e = (eps * MS as f64) as Time;
        let cfg0 = SpannerConfig {
            replicas: sc.params.replicas.unwrap_or(3),
            epsilon: e,
            skew: e,
            ..SpannerConfig::new(sc.nodes, sc.params.participants.unwrap_or(2))
        };
        cfg0.validate()?;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let (cfg, net) = match sc.faults {
                Faults::Default => {
                    let (c, net) = spanner_fault_schedule(&cfg0, &mut rng);
                    (c, sc.with_links(net))
                }
                // an explicit spec's clock skew adds to the drawn offsets and may exceed ε
                Faults::Spec(spec) => (
                    cfg0,
                    sc.faulty_network(&spec.into(), &spanner_targets(&cfg0), &mut rng),
                ),
                Faults::None => (cfg0, sc.base_network()),
            };
            let link = latency_hint(&net.latency);
            let r = run_spanner(&cfg, &net, rng)?;
            let ms = |t: f64| t / MS as f64;
            Ok(TrialMetrics {
                messages: r.messages as f64,
                bytes: r.bytes as f64,
                ratio: r.committed as f64 / cfg.transactions as f64,
                delivered: r.committed as u64,
                eligible: cfg.transactions as u64,
                t_ave: Some(ms(r.mean_latency_ns)),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                decision_latency_ns: Some(r.mean_latency_ns),
                decision_messages: Some(r.messages as f64 / r.committed.max(1) as f64),
                latencies_ns: r.latencies_ns.iter().map(|&t| t as f64).collect(),
                violations: r.violations,
                ..TrialMetrics::default()
            }
            .with("committed", r.committed as f64)
            .with("applied_everywhere", r.applied_everywhere as f64)
            .with("exposed_commit_wait_ms", ms(r.mean_exposed_wait_ns))
            .link_latency_ns(link))
        })
        .param("replicas", cfg0.replicas)
        .param("participants", cfg0.participants)
        .param("epsilon_ms", eps)
        .param("transactions", cfg0.transactions))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 4,
                min: 2,
                max: 16,
                what: "Paxos groups of 3 replicas, 2 participants a transaction",
            },
            mutants: &[
                Mutant {
                    name: "no-commit-wait",
                    bug: "reply as soon as the commit record is logged, without waiting out ε",
                },
                Mutant {
                    name: "timestamp-before-last-prepare",
                    bug: "the commit timestamp leaves the last prepare timestamp to arrive out of its maximum",
                },
            ],
            case: |n, mutant| {
                let cfg = SpannerConfig {
                    transactions: SWEEP_TRANSACTIONS,
                    commit_wait: mutant != Some("no-commit-wait"),
                    all_prepares: mutant != Some("timestamp-before-last-prepare"),
                    ..SpannerConfig::new(n, 2)
                };
                cfg.validate()?;
                Ok(Box::new(move |mut rng, log| {
                    let (c, net) = spanner_fault_schedule(&cfg, &mut rng);
                    let (r, deliveries) = run_spanner_logged(&c, &net, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![
                            ("committed_transactions", Tally::Sum(r.committed as f64)),
                            (
                                "all_committed_runs",
                                Tally::Runs(r.committed == c.transactions),
                            ),
                        ],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, SpMsg::KINDS),
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests;
