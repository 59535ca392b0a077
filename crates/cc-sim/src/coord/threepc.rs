//! Three-phase commit (Skeen 1981; Bernstein, Hadzilacos & Goodman 1987,
//! §7.4) as a state machine on the event engine, with participant timeouts
//! and the termination protocol (an elected recovery coordinator).
//!
//! **Roles and placement** — the same convention as [`super::twopc`]: a
//! coordinator (TM, node 0) and `N` participants; *separate* puts them on
//! nodes `1..=N`, *co-located* puts participant 1 on node 0 with the TM
//! (messages between them are local and free).
//!
//! **Normal case.** Participant 1 starts commit by sending its `Yes` vote to
//! the TM (as in 2PC's Gray–Lamport counting); the TM sends `CanCommit` to
//! participants `2..=N`, each answers `Yes` or `No`; with all votes yes the TM
//! sends `PreCommit` to every participant, each acknowledges (`Ack`); with all
//! acknowledgements the TM sends `DoCommit`. Messages and message delays,
//! fault-free:
//!
//! ```text
//! separate TM:   1 + (N−1) + (N−1) + N + N + N = 5N − 1 messages, 6 delays
//! co-located:    (N−1) · 5                     = 5N − 5 messages, 5 delays
//! ```
//!
//! (`Yes`₁, `CanCommit`, `Yes`, `PreCommit`, `Ack`, `DoCommit`; the
//! optional `HaveCommitted` acknowledgements that let a TM forget the
//! transaction are not sent.) Compared with 2PC (`3N − 1`, 4 delays) 3PC pays
//! `2N` messages and 2 delays for the `PreCommit` round.
//!
//! **Participant states** `q` (working) → `w` (voted yes, uncertain) → `p`
//! (pre-committed, committable) → `c`; `a` from `q` or `w`. No participant is
//! ever in `w` while another has committed: that is what makes 3PC
//! non-blocking.
//!
//! **Timeouts.** TM: missing vote after `vote_timeout` → abort; missing ack
//! after `ack_timeout` → commit anyway (the silent participant is presumed
//! crashed). Participant: no `CanCommit` within `rm_timeout` → abort
//! unilaterally; in `w` or `p` with no decision within `rm_timeout` → the
//! **termination protocol**.
//!
//! **Termination protocol** (epochs; epoch 0 is the TM's). A participant that
//! times out in epoch `e` moves to epoch `e + 1`, whose coordinator is
//! participant `((e) mod N) + 1`; it sends its state to that coordinator
//! (`State`) and waits `epoch_timeout` before moving on. The coordinator of
//! epoch `e` (on its own timeout, or on the first `State` of epoch `e`) asks
//! every participant for its state (`StateReq(e)`); a participant adopts the
//! highest epoch it has seen and ignores `PreCommit`s of lower epochs; an
//! unvoted participant asked for its state aborts first; a decided one
//! answers with its decision. After `collect_timeout` the coordinator decides
//! on the reports it has (its own included):
//!
//! 1. some participant committed → commit; some aborted → abort;
//! 2. all reports uncertain (`w`) → abort;
//! 3. some pre-committed (`p`), none decided → send `PreCommit(e)` to the
//!    uncertain ones, wait for their `Ack`s (at most `ack_timeout`), commit.
//!
//! Decisions (`DoCommit`, `Abort`) are accepted from any coordinator.
//!
//! **Fault model, stated.** 3PC is correct (atomic and non-blocking) under
//! *crash-stop* failures with a *synchronous* network: no loss, no
//! partitions, one-way delays at most `D`, timer drift at most `ρ`, and
//! timeouts that exceed the worst case of what they wait for
//! ([`ThreePcConfig::timing_ok`] states the inequalities). The sweep
//! ([`crate::sweep::sweep`] over [`THREEPC_MIX`]) draws exactly that —
//! crash-stop at random times, including in the middle of a broadcast (each
//! broadcast sends one message per `send_gap`), latencies uniform in
//! `[1, 20]` ms, duplication, clock drift ±1 % — and finds no violation and no
//! blocked participant, where 2PC under the same schedules blocks.
//! Under **network partitions** 3PC can violate atomicity (Skeen 1981): a
//! partition that cuts the TM and a pre-committed participant off from the
//! uncertain ones lets the TM commit on its ack timeout while the uncertain
//! side's recovery coordinator aborts. [`partition_counterexample`] runs that
//! schedule; [`THREEPC_PARTITION_MIX`] draws random partitions and
//! reports the violating seeds.
//!
//! **Checker** (after every run): *agreement* — no participant (crashed or
//! not) commits while another aborts, and the TM's decision matches;
//! *validity* — commit only if every participant voted yes; *fault-free
//! termination* — with no faults every participant decides, commit iff all
//! voted yes. Participants that are up and undecided at the end are reported
//! as `blocked`.
//!
//! **Mutation** `recovery_ignores_precommit`: the recovery coordinator treats
//! pre-committed reports like uncertain ones (so it aborts unless someone
//! reports a commit) — the 2PC intuition "abort on timeout". The crash-stop
//! sweep catches it: the TM crashes in the middle of its `DoCommit`
//! broadcast, the participant that committed crashes too, and the survivors —
//! all pre-committed — abort.

use super::faults::{
    Amount, DEFAULT_CLOCKS, FaultMix, Faults, MixLatency, Recovery as Outage, Window,
    draw_with_votes,
};
use crate::SimError;
use crate::des::{Delivery, EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{LatencyDist, MS, NetworkModel, NodeId, Partition, Time};
use crate::registry::{
    Chosen, Family, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint, max_rtt,
};
use crate::rng::ChaCha8Rng;
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

message_kinds! {
    /// Kinds of 3PC messages.
    pub enum TpKind {
        /// A participant votes yes.
        Yes = "yes",
        /// A participant votes no.
        No = "no",
        /// The TM asks for votes.
        CanCommit = "can-commit",
        /// Pre-commit (TM or recovery coordinator).
        PreCommit = "pre-commit",
        /// Acknowledges a pre-commit.
        Ack = "ack",
        /// Commit decision.
        DoCommit = "do-commit",
        /// Abort decision.
        Abort = "abort",
        /// A recovery coordinator asks for states.
        StateReq = "state-req",
        /// A participant reports its state.
        State = "state",
    }
}

/// 3PC message (48 bytes on the wire): its kind, the sender's epoch (0 = the
/// TM's) and, for `State`, the reported participant state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TpMsg {
    kind: TpKind,
    epoch: u32,
    state: St,
}

impl Message for TpMsg {
    const KINDS: &'static [&'static str] = TpKind::NAMES;
    fn kind(&self) -> u8 {
        self.kind as u8
    }
    fn wire_bytes(&self) -> u32 {
        48
    }
}

/// 3PC timers. A participant's `Rm` timeout and its recovery coordinator's
/// `Collect`/`RecoveryAck` timeouts are re-armable (one slot each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TpTimer {
    /// Send the next message of the node's paced broadcast.
    Send,
    /// The TM's wait for votes.
    TmVote,
    /// The TM's wait for pre-commit acks.
    TmAck,
    /// A participant's timeout (abort when unvoted, else start an epoch).
    Rm,
    /// A recovery coordinator's wait for state reports.
    Collect,
    /// A recovery coordinator's wait for pre-commit acks.
    RecoveryAck,
}

impl Timer for TpTimer {
    const SLOTS: usize = 2;
    fn slot(&self) -> Option<usize> {
        match self {
            TpTimer::Rm => Some(0),
            TpTimer::Collect | TpTimer::RecoveryAck => Some(1),
            _ => None,
        }
    }
    fn trace_id(&self, generation: u64) -> u64 {
        let tag: u64 = match self {
            TpTimer::Send => 1,
            TpTimer::TmVote => 2,
            TpTimer::TmAck => 3,
            TpTimer::Rm => 4,
            TpTimer::Collect => 5,
            TpTimer::RecoveryAck => 6,
        };
        tag << 60 | generation & ((1 << 60) - 1)
    }
}

type TpSim = Sim<TpMsg, TpTimer>;

/// A participant's state (Skeen's `q`, `w`, `p`, `c`, `a`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum St {
    /// Working, not voted (`q`).
    Working,
    /// Voted yes, uncertain (`w`).
    Uncertain,
    /// Pre-committed, committable (`p`).
    PreCommitted,
    /// Committed (`c`).
    Committed,
    /// Aborted (`a`).
    Aborted,
}

impl St {
    fn decided(self) -> bool {
        matches!(self, St::Committed | St::Aborted)
    }
}

/// 3PC configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ThreePcConfig {
    /// Number of participants `N >= 1` (`>= 2` co-located).
    pub participants: u32,
    /// TM co-located with participant 1.
    pub colocated: bool,
    /// Probability that a participant votes no (used by the fault schedules).
    pub no_probability: f64,
    /// TM's wait for votes before aborting.
    pub vote_timeout: Time,
    /// TM's (and a recovery coordinator's) wait for `Ack`s before committing.
    pub ack_timeout: Time,
    /// Participant's wait for `CanCommit` (then abort) or for a decision (then terminate).
    pub rm_timeout: Time,
    /// Recovery coordinator's wait for state reports.
    pub collect_timeout: Time,
    /// Participant's wait for the coordinator of an epoch `>= 1`.
    pub epoch_timeout: Time,
    /// Time between consecutive messages of one broadcast (0 = all at once);
    /// a crash in the middle of a broadcast loses its remaining messages.
    pub send_gap: Time,
    /// Injected bug: the recovery coordinator treats pre-committed like uncertain.
    pub recovery_ignores_precommit: bool,
}

impl ThreePcConfig {
    /// Defaults for `n` participants: separate TM, all yes, vote and ack
    /// timeouts 100 ms, participant timeout 200 ms, state collection 60 ms,
    /// epoch timeout 300 ms, broadcasts all at once.
    pub fn new(n: u32) -> Self {
        ThreePcConfig {
            participants: n,
            colocated: false,
            no_probability: 0.0,
            vote_timeout: 100 * MS,
            ack_timeout: 100 * MS,
            rm_timeout: 200 * MS,
            collect_timeout: 60 * MS,
            epoch_timeout: 300 * MS,
            send_gap: 0,
            recovery_ignores_precommit: false,
        }
    }

    /// Number of nodes: `N + 1` separate, `N` co-located.
    pub fn nodes(&self) -> usize {
        self.participants as usize + usize::from(!self.colocated)
    }

    /// Fault-free message count: `5N − 1` separate, `5N − 5` co-located.
    pub fn formula_messages(&self) -> u64 {
        let n = u64::from(self.participants);
        if self.colocated { 5 * n - 5 } else { 5 * n - 1 }
    }

    /// Fault-free message delays until every participant has decided: 6 separate, 5 co-located.
    pub fn formula_delays(&self) -> u32 {
        if self.colocated { 5 } else { 6 }
    }

    /// Whether the timeouts are safe for one-way delays `<= max_delay` and
    /// clock drift `<= drift_ppm` (the synchronous model), with `s` the time
    /// one broadcast takes (`(N − 1)·send_gap`) and `k = (1 + ρ)/(1 − ρ)` the
    /// worst ratio of two timers' true durations:
    ///
    /// ```text
    /// rm_timeout      > k·(vote_timeout + s + D),  k·(ack_timeout + s + D)
    /// collect_timeout > k·(2D + s),  ack_timeout > k·(2D + s)
    /// epoch_timeout   > k·(D + s + rm-timer spread + collect_timeout + ack_timeout + 2s + D)
    /// ```
    ///
    /// where the rm-timer spread is `D + s` (participants enter `w` or `p`
    /// at most that far apart). Conservative, not tight.
    pub fn timing_ok(&self, max_delay: Time, drift_ppm: u32) -> bool {
        let rho = f64::from(drift_ppm) / 1e6;
        let k = (1.0 + rho) / (1.0 - rho);
        let d = max_delay as f64;
        let s = f64::from(self.participants.saturating_sub(1)) * self.send_gap as f64;
        let t = |x: Time| x as f64;
        t(self.rm_timeout) > k * (t(self.vote_timeout) + s + d)
            && t(self.rm_timeout) > k * (t(self.ack_timeout) + s + d)
            && t(self.collect_timeout) > k * (2.0 * d + s)
            && t(self.ack_timeout) > k * (2.0 * d + s)
            && t(self.epoch_timeout)
                > k * (d
                    + s
                    + (d + s)
                    + t(self.collect_timeout)
                    + t(self.ack_timeout)
                    + 2.0 * s
                    + d)
    }

    /// The timeouts scaled by the least integer factor `c >= 1` that makes
    /// [`ThreePcConfig::timing_ok`] hold for one-way delays up to `max_delay`
    /// and perfect clocks: 3PC's synchronous model asks every timeout to
    /// exceed what it waits for, so on slow links (cross-region) they grow
    /// with the delay instead of aborting fault-free runs. Unchanged where
    /// the defaults already hold (`c = 1`).
    pub fn tuned_for_delay(self, max_delay: Time) -> Self {
        let scaled = |c: u64| ThreePcConfig {
            vote_timeout: self.vote_timeout * c,
            ack_timeout: self.ack_timeout * c,
            rm_timeout: self.rm_timeout * c,
            collect_timeout: self.collect_timeout * c,
            epoch_timeout: self.epoch_timeout * c,
            ..self
        };
        (1..=1_000_000)
            .map(scaled)
            .find(|c| c.timing_ok(max_delay, 0))
            .unwrap_or(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TmState {
    Init,
    Waiting,
    PreCommitting,
    Done(bool),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Collect(BTreeMap<usize, St>),
    PreCommitting(BTreeSet<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Recovery {
    epoch: u32,
    phase: Phase,
}

/// The 3PC state machine (TM + participants).
#[derive(Debug, Clone)]
pub struct ThreePc {
    cfg: ThreePcConfig,
    votes_yes: Vec<bool>,
    st: Vec<St>,
    epoch: Vec<u32>,
    rec: Vec<Option<Recovery>>,
    tm: TmState,
    tm_votes: BTreeSet<usize>,
    tm_acks: BTreeSet<usize>,
    outbox: Vec<VecDeque<(NodeId, TpMsg)>>,
    down: Vec<bool>,
    decided_at: Vec<Option<Time>>,
    terminations: u64,
    violations: Vec<String>,
}

impl ThreePc {
    /// A transaction whose participants vote according to `votes_yes` (index 0 = participant 1).
    pub fn new(cfg: ThreePcConfig, votes_yes: Vec<bool>) -> Self {
        let n = cfg.participants as usize;
        ThreePc {
            cfg,
            votes_yes,
            st: vec![St::Working; n],
            epoch: vec![0; n],
            rec: vec![None; n],
            tm: TmState::Init,
            tm_votes: BTreeSet::new(),
            tm_acks: BTreeSet::new(),
            outbox: vec![VecDeque::new(); cfg.nodes().max(2)],
            down: vec![false; cfg.nodes().max(2)],
            decided_at: vec![None; n],
            terminations: 0,
            violations: Vec::new(),
        }
    }

    fn n(&self) -> usize {
        self.cfg.participants as usize
    }

    fn node_of(&self, i: usize) -> NodeId {
        if self.cfg.colocated {
            i as NodeId
        } else {
            i as NodeId + 1
        }
    }

    fn part_of(&self, node: NodeId) -> Option<usize> {
        let i = if self.cfg.colocated {
            node as usize
        } else {
            (node as usize).checked_sub(1)?
        };
        (i < self.n()).then_some(i)
    }

    /// Coordinator (participant index) of epoch `e >= 1`.
    fn coordinator(&self, e: u32) -> usize {
        (e as usize - 1) % self.n()
    }

    fn msg(kind: TpKind, epoch: u32) -> TpMsg {
        TpMsg {
            kind,
            epoch,
            state: St::Working,
        }
    }

    /// Send one message now, or handle it locally when both ends share a node.
    fn send_now(&mut self, sim: &mut TpSim, from: NodeId, to: NodeId, m: TpMsg) {
        if from == to {
            self.handle(sim, to, from, m);
        } else {
            sim.send(from, to, m);
        }
    }

    /// Send `m` to every node in `targets`, one per `send_gap`.
    fn broadcast(&mut self, sim: &mut TpSim, from: NodeId, targets: &[NodeId], m: TpMsg) {
        if self.cfg.send_gap == 0 {
            for &t in targets {
                self.send_now(sim, from, t, m);
            }
            return;
        }
        let idle = self.outbox[from as usize].is_empty();
        for &t in targets {
            self.outbox[from as usize].push_back((t, m));
        }
        if idle {
            self.pump(sim, from);
        }
    }

    fn pump(&mut self, sim: &mut TpSim, node: NodeId) {
        if let Some((to, m)) = self.outbox[node as usize].pop_front() {
            self.send_now(sim, node, to, m);
            if !self.outbox[node as usize].is_empty() {
                sim.set_timer(node, self.cfg.send_gap, TpTimer::Send);
            }
        }
    }

    fn all_participants(&self) -> Vec<NodeId> {
        (0..self.n()).map(|i| self.node_of(i)).collect()
    }

    fn others(&self, i: usize) -> Vec<NodeId> {
        (0..self.n())
            .filter(|&j| j != i)
            .map(|j| self.node_of(j))
            .collect()
    }

    fn arm_rm(&mut self, sim: &mut TpSim, i: usize, after: Time) {
        sim.set_timer(self.node_of(i), after, TpTimer::Rm);
    }

    fn set_state(&mut self, sim: &mut TpSim, i: usize, s: St) {
        let cur = self.st[i];
        if cur == s {
            return;
        }
        if cur.decided() {
            self.violations.push(format!(
                "agreement: participant {} told {s:?} after {cur:?}",
                i + 1
            ));
            return;
        }
        self.st[i] = s;
        if s.decided() {
            self.decided_at[i] = Some(sim.now());
            self.rec[i] = None;
            // cancel the participant's timeout and its recovery's
            let node = self.node_of(i);
            sim.cancel_timer(node, TpTimer::Rm);
            sim.cancel_timer(node, TpTimer::Collect);
        }
    }

    // ---- TM ----

    fn tm_decide(&mut self, sim: &mut TpSim, commit: bool) {
        if matches!(self.tm, TmState::Done(_)) {
            return;
        }
        self.tm = TmState::Done(commit);
        let targets = self.all_participants();
        self.broadcast(
            sim,
            0,
            &targets,
            Self::msg(
                if commit {
                    TpKind::DoCommit
                } else {
                    TpKind::Abort
                },
                0,
            ),
        );
    }

    fn tm_on_vote(&mut self, sim: &mut TpSim, i: usize, yes: bool) {
        if !yes {
            if matches!(self.tm, TmState::Init | TmState::Waiting) {
                self.tm_decide(sim, false);
            }
            return;
        }
        match self.tm {
            TmState::Init => {
                // participant 1's vote starts the transaction
                self.tm = TmState::Waiting;
                self.tm_votes.insert(i);
                let targets = self.others(i);
                sim.set_timer(0, self.cfg.vote_timeout, TpTimer::TmVote);
                self.broadcast(sim, 0, &targets, Self::msg(TpKind::CanCommit, 0));
                self.tm_check_votes(sim);
            }
            TmState::Waiting => {
                self.tm_votes.insert(i);
                self.tm_check_votes(sim);
            }
            _ => {}
        }
    }

    fn tm_check_votes(&mut self, sim: &mut TpSim) {
        if self.tm == TmState::Waiting && self.tm_votes.len() == self.n() {
            self.tm = TmState::PreCommitting;
            sim.set_timer(0, self.cfg.ack_timeout, TpTimer::TmAck);
            let targets = self.all_participants();
            self.broadcast(sim, 0, &targets, Self::msg(TpKind::PreCommit, 0));
        }
    }

    // ---- participants ----

    fn vote(&mut self, sim: &mut TpSim, i: usize) {
        let me = self.node_of(i);
        match self.st[i] {
            St::Working => {
                if self.votes_yes[i] {
                    self.st[i] = St::Uncertain;
                    self.arm_rm(sim, i, self.cfg.rm_timeout);
                    self.send_now(sim, me, 0, Self::msg(TpKind::Yes, 0));
                } else {
                    self.set_state(sim, i, St::Aborted);
                    self.send_now(sim, me, 0, Self::msg(TpKind::No, 0));
                }
            }
            St::Aborted => self.send_now(sim, me, 0, Self::msg(TpKind::No, 0)),
            _ => {}
        }
    }

    /// Participant `i` moves to epoch `e` (by timeout): report to its coordinator.
    fn enter_epoch(&mut self, sim: &mut TpSim, i: usize, e: u32) {
        self.epoch[i] = e;
        self.rec[i] = None;
        sim.cancel_timer(self.node_of(i), TpTimer::Collect);
        self.terminations += 1;
        self.arm_rm(sim, i, self.cfg.epoch_timeout);
        let c = self.coordinator(e);
        if c == i {
            self.start_recovery(sim, i, e);
        } else {
            let m = TpMsg {
                kind: TpKind::State,
                epoch: e,
                state: self.st[i],
            };
            let (me, to) = (self.node_of(i), self.node_of(c));
            self.send_now(sim, me, to, m);
        }
    }

    fn start_recovery(&mut self, sim: &mut TpSim, i: usize, e: u32) {
        self.rec[i] = Some(Recovery {
            epoch: e,
            phase: Phase::Collect(BTreeMap::from([(i, self.st[i])])),
        });
        sim.set_timer(self.node_of(i), self.cfg.collect_timeout, TpTimer::Collect);
        let targets = self.others(i);
        self.broadcast(
            sim,
            self.node_of(i),
            &targets,
            Self::msg(TpKind::StateReq, e),
        );
    }

    fn recovery_commit(&mut self, sim: &mut TpSim, i: usize, e: u32) {
        self.set_state(sim, i, St::Committed);
        let targets = self.others(i);
        self.broadcast(
            sim,
            self.node_of(i),
            &targets,
            Self::msg(TpKind::DoCommit, e),
        );
    }

    fn recovery_abort(&mut self, sim: &mut TpSim, i: usize, e: u32) {
        self.set_state(sim, i, St::Aborted);
        let targets = self.others(i);
        self.broadcast(sim, self.node_of(i), &targets, Self::msg(TpKind::Abort, e));
    }

    /// The termination rules, applied by participant `i` to the collected reports.
    fn recovery_decide(&mut self, sim: &mut TpSim, i: usize) {
        let Some(Recovery {
            epoch: e,
            phase: Phase::Collect(reports),
        }) = self.rec[i].clone()
        else {
            return;
        };
        let mut reports = reports;
        reports.insert(i, self.st[i]);
        if reports.values().any(|&s| s == St::Committed) {
            return self.recovery_commit(sim, i, e);
        }
        if reports
            .values()
            .any(|&s| matches!(s, St::Aborted | St::Working))
        {
            return self.recovery_abort(sim, i, e);
        }
        let committable = !self.cfg.recovery_ignores_precommit
            && reports.values().any(|&s| s == St::PreCommitted);
        if !committable {
            return self.recovery_abort(sim, i, e);
        }
        // TR4: bring the uncertain ones to pre-committed, then commit.
        self.st[i] = St::PreCommitted;
        let uncertain: BTreeSet<usize> = reports
            .iter()
            .filter(|&(&j, &s)| j != i && s == St::Uncertain)
            .map(|(&j, _)| j)
            .collect();
        if uncertain.is_empty() {
            return self.recovery_commit(sim, i, e);
        }
        let targets: Vec<NodeId> = uncertain.iter().map(|&j| self.node_of(j)).collect();
        self.rec[i] = Some(Recovery {
            epoch: e,
            phase: Phase::PreCommitting(uncertain),
        });
        sim.set_timer(self.node_of(i), self.cfg.ack_timeout, TpTimer::RecoveryAck);
        self.broadcast(
            sim,
            self.node_of(i),
            &targets,
            Self::msg(TpKind::PreCommit, e),
        );
    }

    fn decision_to(&mut self, sim: &mut TpSim, i: usize, to: NodeId) {
        let kind = match self.st[i] {
            St::Committed => TpKind::DoCommit,
            St::Aborted => TpKind::Abort,
            _ => return,
        };
        let e = self.epoch[i];
        let me = self.node_of(i);
        self.send_now(sim, me, to, Self::msg(kind, e));
    }

    fn handle(&mut self, sim: &mut TpSim, to: NodeId, from: NodeId, m: TpMsg) {
        match m.kind {
            TpKind::Yes | TpKind::No if to == 0 => {
                if let Some(i) = self.part_of(from) {
                    self.tm_on_vote(sim, i, m.kind == TpKind::Yes);
                }
            }
            TpKind::Ack if to == 0 && m.epoch == 0 => {
                if self.tm == TmState::PreCommitting
                    && let Some(i) = self.part_of(from)
                {
                    self.tm_acks.insert(i);
                    if self.tm_acks.len() == self.n() {
                        self.tm_decide(sim, true);
                    }
                }
            }
            _ => {
                if let Some(i) = self.part_of(to) {
                    self.participant(sim, i, from, m);
                }
            }
        }
    }

    fn participant(&mut self, sim: &mut TpSim, i: usize, from: NodeId, m: TpMsg) {
        match m.kind {
            TpKind::CanCommit => self.vote(sim, i),
            TpKind::PreCommit => {
                if m.epoch < self.epoch[i]
                    || !matches!(self.st[i], St::Uncertain | St::PreCommitted)
                {
                    return;
                }
                if m.epoch > self.epoch[i] {
                    self.epoch[i] = m.epoch;
                    self.rec[i] = None;
                }
                self.st[i] = St::PreCommitted;
                let t = if m.epoch == 0 {
                    self.cfg.rm_timeout
                } else {
                    self.cfg.epoch_timeout
                };
                self.arm_rm(sim, i, t);
                let me = self.node_of(i);
                self.send_now(sim, me, from, Self::msg(TpKind::Ack, m.epoch));
            }
            TpKind::DoCommit => self.set_state(sim, i, St::Committed),
            TpKind::Abort => self.set_state(sim, i, St::Aborted),
            TpKind::StateReq => {
                if self.st[i] == St::Working {
                    // never voted: abort unilaterally (no one can have pre-committed)
                    self.set_state(sim, i, St::Aborted);
                }
                if self.st[i].decided() {
                    return self.decision_to(sim, i, from);
                }
                if m.epoch < self.epoch[i] {
                    return;
                }
                if m.epoch > self.epoch[i] {
                    self.epoch[i] = m.epoch;
                    self.rec[i] = None;
                    sim.cancel_timer(self.node_of(i), TpTimer::Collect);
                    self.arm_rm(sim, i, self.cfg.epoch_timeout);
                }
                let me = self.node_of(i);
                let r = TpMsg {
                    kind: TpKind::State,
                    epoch: m.epoch,
                    state: self.st[i],
                };
                self.send_now(sim, me, from, r);
            }
            TpKind::State => {
                if self.st[i].decided() {
                    return self.decision_to(sim, i, from);
                }
                if self.coordinator(m.epoch) != i || m.epoch < self.epoch[i] {
                    return;
                }
                if m.epoch > self.epoch[i] || self.rec[i].is_none() {
                    if self.st[i] == St::Working {
                        self.set_state(sim, i, St::Aborted);
                        return self.decision_to(sim, i, from);
                    }
                    self.epoch[i] = m.epoch;
                    self.terminations += 1;
                    self.arm_rm(sim, i, self.cfg.epoch_timeout);
                    self.start_recovery(sim, i, m.epoch);
                }
                if let Some(j) = self.part_of(from)
                    && let Some(Recovery {
                        epoch,
                        phase: Phase::Collect(reports),
                    }) = self.rec[i].as_mut()
                    && *epoch == m.epoch
                {
                    reports.insert(j, m.state);
                    if reports.len() == self.n() {
                        self.recovery_decide(sim, i);
                    }
                }
            }
            TpKind::Ack => {
                let e = self.epoch[i];
                if let Some(j) = self.part_of(from)
                    && let Some(Recovery {
                        epoch,
                        phase: Phase::PreCommitting(waiting),
                    }) = self.rec[i].as_mut()
                    && *epoch == m.epoch
                {
                    waiting.remove(&j);
                    if waiting.is_empty() {
                        self.recovery_commit(sim, i, e);
                    }
                }
            }
            _ => {}
        }
    }

    /// Final check after a run; returns the violations.
    pub fn check(&mut self, fault_free: bool) -> Vec<String> {
        let commits = self.st.iter().filter(|&&s| s == St::Committed).count();
        let aborts = self.st.iter().filter(|&&s| s == St::Aborted).count();
        if commits > 0 && aborts > 0 {
            self.violations.push(format!(
                "agreement: {commits} participant(s) committed and {aborts} aborted: {:?}",
                self.st
            ));
        }
        if let TmState::Done(d) = self.tm
            && ((d && aborts > 0) || (!d && commits > 0))
        {
            self.violations
                .push("agreement: TM decision differs from a participant".into());
        }
        if commits > 0 && self.votes_yes.iter().any(|&y| !y) {
            self.violations
                .push("validity: committed although a participant voted no".into());
        }
        if fault_free {
            let want = if self.votes_yes.iter().all(|&y| y) {
                St::Committed
            } else {
                St::Aborted
            };
            if self.st.iter().any(|&s| s != want) {
                self.violations.push(format!(
                    "fault-free run ended with {:?}, expected all {want:?}",
                    self.st
                ));
            }
        }
        self.violations.clone()
    }

    /// Participants up at the end and still undecided (blocked).
    pub fn blocked(&self) -> usize {
        (0..self.n())
            .filter(|&i| !self.st[i].decided() && !self.down[self.node_of(i) as usize])
            .count()
    }

    /// Final participant states.
    pub fn states(&self) -> &[St] {
        &self.st
    }
}

impl Protocol for ThreePc {
    type Msg = TpMsg;
    type Timer = TpTimer;
    fn start(&mut self, sim: &mut TpSim) {
        for i in 0..self.n() {
            let node = self.node_of(i);
            self.down[node as usize] = !sim.is_up(node);
            if i > 0 {
                self.arm_rm(sim, i, self.cfg.rm_timeout);
            }
        }
        self.down[0] = !sim.is_up(0);
        if sim.is_up(self.node_of(0)) {
            self.vote(sim, 0);
        }
    }
    fn on_message(&mut self, sim: &mut TpSim, to: NodeId, from: NodeId, m: TpMsg) {
        self.handle(sim, to, from, m);
    }
    fn on_timer(&mut self, sim: &mut TpSim, node: NodeId, timer: TpTimer) {
        match timer {
            TpTimer::Send => self.pump(sim, node),
            TpTimer::TmVote if node == 0 && self.tm == TmState::Waiting => {
                self.tm_decide(sim, false)
            }
            // silent participants are presumed crashed
            TpTimer::TmAck if node == 0 && self.tm == TmState::PreCommitting => {
                self.tm_decide(sim, true);
            }
            TpTimer::Rm => {
                let Some(i) = self.part_of(node) else { return };
                match self.st[i] {
                    St::Working => self.set_state(sim, i, St::Aborted),
                    St::Uncertain | St::PreCommitted => {
                        let e = self.epoch[i] + 1;
                        self.enter_epoch(sim, i, e);
                    }
                    _ => {}
                }
            }
            TpTimer::Collect | TpTimer::RecoveryAck => {
                let Some(i) = self.part_of(node) else { return };
                if self.st[i].decided() {
                    return;
                }
                let e = self.epoch[i];
                match self.rec[i].as_ref().map(|r| &r.phase) {
                    Some(Phase::Collect(_)) if timer == TpTimer::Collect => {
                        self.recovery_decide(sim, i)
                    }
                    // silent uncertain participants are presumed crashed
                    Some(Phase::PreCommitting(_)) if timer == TpTimer::RecoveryAck => {
                        self.recovery_commit(sim, i, e);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    fn on_crash(&mut self, _sim: &mut TpSim, node: NodeId) {
        self.down[node as usize] = true;
        self.outbox[node as usize].clear();
        if let Some(i) = self.part_of(node) {
            self.rec[i] = None;
        }
    }
    fn on_recover(&mut self, sim: &mut TpSim, node: NodeId) {
        self.down[node as usize] = false;
        if node == 0 {
            match self.tm {
                // votes were volatile and nobody can be pre-committed: abort
                TmState::Waiting => self.tm_decide(sim, false),
                TmState::Done(d) => {
                    let targets = self.all_participants();
                    let kind = if d { TpKind::DoCommit } else { TpKind::Abort };
                    self.broadcast(sim, 0, &targets, Self::msg(kind, 0));
                }
                // pre-committing: the outcome belongs to the termination protocol now
                _ => {}
            }
        }
        if let Some(i) = self.part_of(node) {
            match self.st[i] {
                St::Working if i == 0 => self.vote(sim, 0),
                St::Working | St::Uncertain | St::PreCommitted => {
                    self.arm_rm(sim, i, self.cfg.rm_timeout);
                }
                _ => {}
            }
        }
    }
    fn extra(&self, _sim: &TpSim) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("blocked".to_string(), self.blocked() as f64),
            ("terminations".to_string(), self.terminations as f64),
            ("violations".to_string(), self.violations.len() as f64),
        ])
    }
}

/// Outcome of one 3PC run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreePcRun {
    /// Messages sent (all kinds).
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Time until the last participant decided (ns), if all decided.
    pub latency_ns: Option<Time>,
    /// Whether the transaction committed (majority of decided participants;
    /// `None` if none decided).
    pub committed: Option<bool>,
    /// Participants up at the end and undecided.
    pub blocked: usize,
    /// Final participant states.
    pub states: Vec<St>,
    /// Epochs entered by the termination protocol.
    pub terminations: u64,
    /// Violations found by the checker.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
    /// Delivered messages, in order (for traces).
    pub trace: Vec<String>,
}

/// Run one transaction with `votes_yes` over `net`.
pub fn run_3pc(
    cfg: &ThreePcConfig,
    votes_yes: Vec<bool>,
    net: &NetworkModel,
    fault_free: bool,
    rng: ChaCha8Rng,
) -> Result<ThreePcRun, SimError> {
    if cfg.participants < 1 || (cfg.colocated && cfg.participants < 2) {
        return Err(SimError::param(
            "nodes",
            "3pc needs at least 1 participant (2 when co-located)",
        ));
    }
    if cfg.participants > 10_000 {
        return Err(SimError::param(
            "nodes",
            "3pc supports at most 10000 participants",
        ));
    }
    if votes_yes.len() != cfg.participants as usize {
        return Err(SimError::param("votes", "one vote per participant"));
    }
    let n = cfg.nodes().max(2);
    let mut p = ThreePc::new(*cfg, votes_yes);
    // long enough for every participant's epoch to come round four times
    let horizon = 60 * cfg.rm_timeout + 4 * (u64::from(cfg.participants) + 1) * cfg.epoch_timeout;
    let ecfg = EventConfig {
        max_time: horizon,
        origin: None,
        log_deliveries: true,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, n, net, &ecfg, rng)?;
    let violations = p.check(fault_free);
    let latency_ns = p
        .decided_at
        .iter()
        .copied()
        .collect::<Option<Vec<Time>>>()
        .and_then(|v| v.into_iter().max());
    let commits = p.st.iter().filter(|&&s| s == St::Committed).count();
    let aborts = p.st.iter().filter(|&&s| s == St::Aborted).count();
    let trace = log
        .iter()
        .map(|d: &Delivery| {
            format!(
                "{} ms: {} -> {} {}",
                d.time as f64 / MS as f64,
                d.from,
                d.to,
                TpKind::NAMES[d.kind as usize]
            )
        })
        .collect();
    Ok(ThreePcRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        latency_ns,
        committed: (commits + aborts > 0).then_some(commits >= aborts),
        blocked: p.blocked(),
        states: p.st.clone(),
        terminations: p.terminations,
        violations,
        events: m.events,
        trace,
    })
}

/// 3PC's stated fault model (crash-stop, synchronous), as a mix: latency
/// uniform in `[1, 20]` ms (`D = 20 ms`), no loss, no partitions,
/// duplication in `[0, 0.05)`, the TM crash-stopping with probability 0.5
/// and every participant with probability 0.3, each at a uniform time in
/// `[0, 120)` ms (the protocol's active window, microsecond resolution) and
/// never recovering, and clock skew ([`super::faults::DEFAULT_CLOCKS`], drift ±1 %).
pub const THREEPC_MIX: FaultMix = FaultMix {
    latency: MixLatency::Uniform(1, 20),
    loss: Amount::Fixed(0.0),
    dup: Amount::UpTo(0.05),
    crash: 0.3,
    coordinator_crash: Some(0.5),
    crash_at: Window {
        count: 120_000,
        step_ns: MS / 1000,
    },
    recovery: Outage::Never,
    partition: 0.0,
    partition_at: Window::ms(1),
    partition_for: Window::ms(1),
    clocks: DEFAULT_CLOCKS,
};

/// Random partitions instead of crashes (outside 3PC's fault model): the
/// same latencies and clocks as [`THREEPC_MIX`], no crashes, and one
/// partition of a random side opening at a uniform time in `[0, 100)` ms
/// and lasting `[1, 2000]` ms.
pub const THREEPC_PARTITION_MIX: FaultMix = FaultMix {
    latency: MixLatency::Uniform(1, 20),
    loss: Amount::Fixed(0.0),
    dup: Amount::Fixed(0.0),
    crash: 0.0,
    coordinator_crash: None,
    crash_at: Window::ms(1),
    recovery: Outage::Never,
    partition: 1.0,
    partition_at: Window {
        count: 100_000,
        step_ns: MS / 1000,
    },
    partition_for: Window::ms(2000),
    clocks: DEFAULT_CLOCKS,
};

/// One schedule of `mix` for `cfg` (every node may crash), then each
/// participant's vote: no with probability `cfg.no_probability`.
pub fn schedule_3pc(
    cfg: &ThreePcConfig,
    mix: &FaultMix,
    r: &mut ChaCha8Rng,
) -> (NetworkModel, Vec<bool>) {
    draw_with_votes(mix, cfg.nodes(), cfg.participants, cfg.no_probability, r)
}

/// One schedule of the 3PC sweep ([`THREEPC_MIX`]).
pub fn threepc_fault_schedule(
    cfg: &ThreePcConfig,
    r: &mut ChaCha8Rng,
) -> (NetworkModel, Vec<bool>) {
    schedule_3pc(cfg, &THREEPC_MIX, r)
}

/// One sweep run of `cfg` under `mix`.
fn threepc_sweep_run(
    cfg: &ThreePcConfig,
    mix: &FaultMix,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<SweepRun, SimError> {
    let (net, votes) = schedule_3pc(cfg, mix, &mut rng);
    let r = run_3pc(cfg, votes, &net, false, rng)?;
    Ok(SweepRun {
        messages: r.messages,
        progress: vec![
            ("committed_runs", Tally::Runs(r.committed == Some(true))),
            ("blocked_runs", Tally::Runs(r.blocked > 0)),
        ],
        violations: r.violations,
        trace: if log { r.trace } else { Vec::new() },
    })
}

/// `3pc` in the protocol registry.
pub struct ThreePcProtocol;

/// The registry entry of three-phase commit.
pub static THREE_PC: ThreePcProtocol = ThreePcProtocol;

impl SimProtocol for ThreePcProtocol {
    fn name(&self) -> &'static str {
        "3pc"
    }
    fn about(&self) -> &'static str {
        "three-phase commit of one transaction with participant timeouts and the termination protocol"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 4,
            min: 2,
            max: 10_001,
            what: "nodes (participants + a separate TM; --option colocated: participants)",
        }
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                (
                    "separate",
                    "the TM is a node of its own (5N − 1 messages, 6 delays)",
                ),
                (
                    "colocated",
                    "the TM shares node 0 with participant 1 (5N − 5, 5 delays)",
                ),
            ],
            default: Some("separate"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "THREEPC_MIX, 3PC's stated model: crash-stop, no loss, no partitions, delays <= 20 ms, clock drift",
        )
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let colocated = options.has("colocated");
        let n = sc.nodes;
        let participants = if colocated { n } else { n - 1 };
        if participants > 10_000 {
            return Err(SimError::param(
                "nodes",
                format!("3pc supports 2..=10001 nodes, got {n}"),
            ));
        }
        // with faults each broadcast sends one message per 2 ms
        let gap = if sc.faults == Faults::None { 0 } else { 2 * MS };
        let mut cfg = ThreePcConfig {
            colocated,
            send_gap: gap,
            ..ThreePcConfig::new(participants as u32)
        };
        // On slow links (`--latency`) the timeouts follow the slowest one-way
        // delay, as 3PC's synchronous model requires (issue 13 item 1: with
        // the LAN timeouts a cross-region run aborted fault-free).
        if let Some(l) = &sc.latency {
            cfg = cfg.tuned_for_delay(max_rtt(l, cfg.nodes()) / 2);
        }
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let (net, votes) = match sc.fault_mix(THREEPC_MIX) {
                Some(mix) => {
                    let (net, votes) = schedule_3pc(&cfg, &mix, &mut rng);
                    (sc.with_links(net), votes)
                }
                None => {
                    // as for 2pc: participant 1 (the initiator) never crashes; crashes at 15 ms
                    let mut net = sc.base_network();
                    let rm1 = u32::from(!cfg.colocated);
                    net.crash_fraction(cfg.nodes(), sc.crash, 15 * MS, rm1, &mut rng)?;
                    (net, vec![true; cfg.participants as usize])
                }
            };
            let link = latency_hint(&net.latency);
            let r = run_3pc(&cfg, votes, &net, sc.fault_free(), rng)?;
            Ok(TrialMetrics::single_decision(
                r.messages,
                r.bytes,
                r.latency_ns,
                r.trace_hash,
                r.violations,
            )
            .with("blocked", r.blocked as f64)
            .with("committed", f64::from(u8::from(r.committed == Some(true))))
            .with("terminations", r.terminations as f64)
            .link_latency_ns(link))
        })
        .param("options", if colocated { "colocated" } else { "separate" })
        .param("send_gap_ms", gap / MS)
        .param("vote_timeout_ms", cfg.vote_timeout / MS))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 4,
                min: 2,
                max: 64,
                what: "participants + a separate coordinator",
            },
            mutants: &[Mutant {
                name: "recovery-ignores-precommit",
                bug: "the recovery coordinator treats pre-committed reports as uncertain",
            }],
            case: |n, mutant| {
                let cfg = ThreePcConfig {
                    no_probability: 0.05,
                    send_gap: 2 * MS,
                    recovery_ignores_precommit: mutant == Some("recovery-ignores-precommit"),
                    ..ThreePcConfig::new(n as u32 - 1)
                };
                Ok(Box::new(move |rng, log| {
                    threepc_sweep_run(&cfg, &THREEPC_MIX, rng, log)
                }))
            },
        })
    }
}

/// The same crash-stop schedules for 2PC and 3PC: runs in which some
/// participant that is up at the end never decides, `(2PC, 3PC)`. Schedule
/// `i` is [`threepc_fault_schedule`] on `trial_rng(seed, i)`; 2PC uses the
/// same nodes (TM = node 0), timeouts scaled alike (votes 100 ms, participant
/// 200 ms).
pub fn blocking_comparison(n: u32, seed: u64, runs: u32) -> Result<(u64, u64), SimError> {
    use super::twopc::{TwoPcConfig, run_2pc};
    let cfg3 = ThreePcConfig {
        send_gap: MS,
        ..ThreePcConfig::new(n)
    };
    let cfg2 = TwoPcConfig {
        vote_timeout: 100 * MS,
        rm_timeout: 200 * MS,
        ..TwoPcConfig::new(n)
    };
    let res = run_trials(seed, runs, &no_progress, |_, mut rng| {
        let (net, votes) = threepc_fault_schedule(&cfg3, &mut rng);
        let r3 = run_3pc(&cfg3, votes.clone(), &net, false, rng.clone())?;
        let r2 = run_2pc(&cfg2, votes, &net, false, rng)?;
        Ok((r2.blocked_live > 0, r3.blocked > 0))
    })?;
    Ok((
        res.iter().filter(|r| r.0).count() as u64,
        res.iter().filter(|r| r.1).count() as u64,
    ))
}

/// Skeen's partition counterexample, deterministic: 3 participants and a
/// separate TM, constant 10 ms links, all vote yes. At 35 ms — after the TM
/// has sent `PreCommit` (30 ms) and before it arrives (40 ms) — a partition
/// separates {TM, participant 1} from {participants 2, 3} for good.
/// Participant 1 pre-commits and acknowledges; the TM's ack timeout expires
/// and it commits (participants 2 and 3 look crashed), so participant 1
/// commits. Participants 2 and 3, uncertain, time out, find participant 1
/// unreachable, and participant 2 as coordinator of epoch 2 sees only
/// uncertain states and aborts. The run's `violations` report the
/// disagreement and `trace` lists every delivered message.
pub fn partition_counterexample(seed: u64) -> Result<ThreePcRun, SimError> {
    let cfg = ThreePcConfig::new(3);
    let net = NetworkModel {
        latency: LatencyDist::Constant { ns: 10 * MS },
        partitions: vec![Partition {
            start: 35 * MS,
            end: Time::MAX,
            side: vec![0, 1],
        }],
        ..NetworkModel::default()
    };
    run_3pc(
        &cfg,
        vec![true; 3],
        &net,
        false,
        crate::rng::trial_rng(seed, 0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Crash;
    use crate::rng::trial_rng;

    fn constant_net() -> NetworkModel {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        }
    }

    use crate::sweep::run_schedules;

    fn sweep_cfg() -> ThreePcConfig {
        ThreePcConfig {
            no_probability: 0.05,
            send_gap: 2 * MS,
            ..ThreePcConfig::new(3)
        }
    }

    #[test]
    fn fault_free_messages_and_delays_match_formula() {
        for n in [3u32, 5, 7, 9] {
            for colocated in [false, true] {
                let cfg = ThreePcConfig {
                    colocated,
                    ..ThreePcConfig::new(n)
                };
                let r = run_3pc(
                    &cfg,
                    vec![true; n as usize],
                    &constant_net(),
                    true,
                    trial_rng(1, 0),
                )
                .unwrap();
                assert!(r.violations.is_empty(), "{:?}", r.violations);
                assert_eq!(r.committed, Some(true));
                assert_eq!(
                    r.messages,
                    cfg.formula_messages(),
                    "n={n} colocated={colocated}"
                );
                assert_eq!(
                    r.latency_ns,
                    Some(u64::from(cfg.formula_delays()) * 10 * MS),
                    "n={n} colocated={colocated}"
                );
                assert_eq!(r.terminations, 0);
            }
        }
        // 5N − 1 vs 2PC's 3N − 1: the PreCommit round costs 2N messages and 2 delays.
        let three = ThreePcConfig::new(5);
        let two = super::super::twopc::TwoPcConfig::new(5);
        assert_eq!(three.formula_messages() - two.formula_messages(), 10);
        assert_eq!(three.formula_delays() - two.formula_delays(), 2);
    }

    #[test]
    fn a_no_vote_aborts_everyone() {
        let r = run_3pc(
            &ThreePcConfig::new(4),
            vec![true, true, false, true],
            &constant_net(),
            true,
            trial_rng(2, 0),
        )
        .unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.committed, Some(false));
        assert_eq!(r.blocked, 0);
    }

    #[test]
    fn coordinator_crash_does_not_block_where_2pc_blocks() {
        use super::super::twopc::{TwoPcConfig, run_2pc};
        // TM crash-stops at 15 ms: before any decision. 2PC: prepared RMs block.
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 0,
                at: 15 * MS,
                recover_at: None,
            }],
            ..constant_net()
        };
        let two = run_2pc(
            &TwoPcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert_eq!(two.blocked, 3);
        let three = run_3pc(
            &ThreePcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert!(three.violations.is_empty(), "{:?}", three.violations);
        assert_eq!(three.blocked, 0, "{:?}", three.states);
        assert_eq!(
            three.committed,
            Some(false),
            "all uncertain: the survivors abort"
        );
        // TM crash-stops at 45 ms, after PreCommit (30 ms) and before the acks (50 ms):
        // everyone is pre-committed and the termination protocol commits.
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 0,
                at: 45 * MS,
                recover_at: None,
            }],
            ..constant_net()
        };
        let three = run_3pc(
            &ThreePcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert!(three.violations.is_empty(), "{:?}", three.violations);
        assert_eq!(three.states, vec![St::Committed; 3]);
        // TM and participant 1 (the epoch-1 coordinator) both crash: epoch 2 decides.
        let net = NetworkModel {
            crashes: vec![
                Crash {
                    node: 0,
                    at: 45 * MS,
                    recover_at: None,
                },
                Crash {
                    node: 1,
                    at: 45 * MS,
                    recover_at: None,
                },
            ],
            ..constant_net()
        };
        let three = run_3pc(
            &ThreePcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert!(three.violations.is_empty(), "{:?}", three.violations);
        assert_eq!(three.blocked, 0);
        assert_eq!(&three.states[1..], &[St::Committed; 2]);
    }

    #[test]
    fn sweep_timeouts_satisfy_the_synchronous_bounds() {
        // D = 20 ms, drift ±1 %: the sweep's model.
        assert!(sweep_cfg().timing_ok(20 * MS, 10_000));
        assert!(
            ThreePcConfig {
                participants: 9,
                ..sweep_cfg()
            }
            .timing_ok(20 * MS, 10_000)
        );
        // too short a participant timeout is not
        assert!(
            !ThreePcConfig {
                rm_timeout: 110 * MS,
                ..sweep_cfg()
            }
            .timing_ok(20 * MS, 10_000)
        );
    }

    #[test]
    fn crash_stop_sweep_is_safe_non_blocking_and_catches_the_mutant() {
        use crate::sweep::sweep;
        let ok = sweep("3pc", Some(4), 0, 10_000, None).unwrap().findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        let p = &ok.progress;
        assert_eq!(
            p["blocked_runs"], 0.0,
            "3PC must not block under crash-stop"
        );
        assert!(p["committed_runs"] > 1000.0, "{ok:?}");
        let bad = sweep(
            "3pc",
            Some(4),
            0,
            10_000,
            Some("recovery-ignores-precommit"),
        )
        .unwrap()
        .findings;
        println!(
            "3PC crash-stop sweep: {} runs, {} violating, {} blocked, {} committed; mutant: {} violating (first schedule {:?})",
            ok.runs,
            ok.violating_runs,
            p["blocked_runs"],
            p["committed_runs"],
            bad.violating_runs,
            bad.first_index
        );
        assert!(bad.violating_runs > 0, "mutant not caught: {bad:?}");
        let sh = bad.shortest.unwrap();
        assert!(
            sh.violations.iter().any(|s| s.contains("agreement")),
            "{:?}",
            sh.violations
        );
        assert!(!sh.trace.is_empty());
        // the reported index reproduces it
        let mutant = ThreePcConfig {
            recovery_ignores_precommit: true,
            ..sweep_cfg()
        };
        let mut rng = trial_rng(0, sh.index);
        let (net, votes) = threepc_fault_schedule(&mutant, &mut rng);
        assert!(
            !run_3pc(&mutant, votes, &net, false, rng)
                .unwrap()
                .violations
                .is_empty()
        );
    }

    #[test]
    fn timeouts_below_the_synchronous_bound_break_safety() {
        // A participant timeout shorter than vote timeout + delay: uncertain
        // participants run the termination protocol (and abort) while the TM,
        // alive but waiting for a slow vote, goes on to commit.
        let short = ThreePcConfig {
            rm_timeout: 60 * MS,
            ..sweep_cfg()
        };
        assert!(!short.timing_ok(20 * MS, 10_000));
        let rep = run_schedules(
            |rng, log| threepc_sweep_run(&short, &THREEPC_MIX, rng, log),
            0,
            2000,
        )
        .unwrap();
        assert!(rep.violating_runs > 0, "{rep:?}");
    }

    #[test]
    fn issue13_item1_three_pc_commits_fault_free_across_regions() {
        // With the LAN timeouts a cross-region run aborted fault-free (the
        // coordinator's 100 ms ack timeout is shorter than a 2D round trip);
        // the timeouts now follow the slowest link.
        let req = crate::SimRequest {
            protocol: "3pc".into(),
            nodes: 6,
            trials: 20,
            seed: 2026,
            latency: Some("regions".into()),
            ..crate::SimRequest::default()
        };
        let s = crate::run(&req, &|_, _| {}).unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0, "{s}");
        assert_eq!(s.extra["committed"].min, 1.0, "{s}");
        assert_eq!(
            s.messages_per_decision.as_ref().unwrap().mean,
            24.0,
            "5N - 1 with N = 5"
        );
        let lan = ThreePcConfig::new(5);
        assert_eq!(
            lan.tuned_for_delay(10 * MS),
            lan,
            "LAN defaults already hold"
        );
        let slow = lan.tuned_for_delay(115 * MS);
        assert!(slow.timing_ok(115 * MS, 0) && !lan.timing_ok(115 * MS, 0));
    }

    #[test]
    fn two_pc_blocks_where_three_pc_does_not() {
        let (b2, b3) = blocking_comparison(3, 7, 2000).unwrap();
        println!(
            "crash-stop schedules with a live participant blocked: 2PC {b2} / 2000, 3PC {b3} / 2000"
        );
        assert_eq!(b3, 0);
        assert!(b2 > 50, "2PC blocked in {b2} of 2000 crash-stop schedules");
    }

    #[test]
    fn partitions_break_atomicity_skeen_counterexample() {
        let r = partition_counterexample(0).unwrap();
        println!(
            "3PC partition counterexample (seed 0): states {:?}",
            r.states
        );
        for line in &r.trace {
            println!("  {line}");
        }
        assert_eq!(
            r.states,
            vec![St::Committed, St::Aborted, St::Aborted],
            "{:?}",
            r.trace
        );
        assert!(
            r.violations.iter().any(|v| v.contains("agreement")),
            "{:?}",
            r.violations
        );
        // Random partitions (no crashes) find such schedules too; they are reported, not hidden.
        let cfg = sweep_cfg();
        let rep = run_schedules(
            |rng, log| threepc_sweep_run(&cfg, &THREEPC_PARTITION_MIX, rng, log),
            0,
            2000,
        )
        .unwrap();
        assert!(rep.violating_runs > 0, "{rep:?}");
        let sh = rep.shortest.unwrap();
        println!(
            "3PC under random partitions: {} of 2000 schedules violate; shortest: sweep seed 0, schedule {}: {:?}",
            rep.violating_runs, sh.index, sh.violations
        );
        for line in &sh.trace {
            println!("  {line}");
        }
    }
}
