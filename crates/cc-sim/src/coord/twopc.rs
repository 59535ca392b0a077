//! Two-phase commit as a real state machine on the event engine.
//!
//! **Roles.** A transaction manager (TM, node 0) and `N` resource managers
//! (RMs). With a *separate* coordinator the RMs are nodes `1..=N`; *co-located*
//! puts RM 1 on node 0 with the TM (their messages are local and free).
//!
//! **Normal case** (Gray & Lamport, "Consensus on Transaction Commit", 2006,
//! counting convention): RM 1 starts commit by sending its `Prepared` vote to
//! the TM; the TM sends `Prepare` to RMs `2..=N`; each replies `Prepared`
//! (yes) or `Aborted` (no); with all votes yes the TM decides commit and sends
//! `Commit` to every RM. Messages and message delays:
//!
//! | placement | messages | delays |
//! |---|---|---|
//! | separate TM | `1 + (N−1) + (N−1) + N = 3N − 1` | 4 |
//! | TM co-located with RM 1 | `(N−1) + (N−1) + (N−1) = 3N − 3` | 3 |
//!
//! **Faults.** The TM logs its decision (it survives a crash); an undecided
//! TM that recovers, or whose vote timer expires, decides abort (presumed
//! abort). An RM that has not voted and hears nothing for `rm_timeout`
//! aborts unilaterally (safe: the TM cannot commit without its vote). A
//! *prepared* RM cannot decide alone: it re-sends `Query` to the TM every
//! `rm_timeout` until it learns the decision — it is **blocked** while the TM
//! is down, which the metrics show (`blocked` RMs at the end, blocked time).
//!
//! **Checker** (after every run): *agreement* — no RM commits while another
//! aborts, and the TM's decision matches every RM's; *validity* — commit only
//! if every RM voted yes; *fault-free termination* — with no faults every RM
//! decides, and commits iff all voted yes.
//!
//! **Mutation** `commit_on_missing_vote`: on vote timeout the TM commits unless
//! it saw a `No` — the sweep finds the agreement violation (a lost `Prepare`
//! makes an RM abort unilaterally while the TM commits).

use super::faults::{
    Amount, DEFAULT_CLOCKS, FaultMix, MixLatency, Recovery, Window, draw_with_votes,
};
use crate::SimError;
use crate::des::{
    EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::ChaCha8Rng;
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

message_kinds! {
    /// A 2PC message (64 bytes on the wire); the variants are the kinds.
    pub enum TwoPcMsg {
        /// An RM votes yes.
        Prepared = "prepared",
        /// An RM votes no.
        Aborted = "aborted",
        /// The TM asks an RM to vote.
        Prepare = "prepare",
        /// The TM's commit decision.
        Commit = "commit",
        /// The TM's abort decision.
        Abort = "abort",
        /// A prepared RM asks the TM for the decision.
        Query = "query",
    }
}

impl Message for TwoPcMsg {
    const KINDS: &'static [&'static str] = TwoPcMsg::NAMES;
    fn kind(&self) -> u8 {
        *self as u8
    }
    fn wire_bytes(&self) -> u32 {
        64
    }
}

/// 2PC timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoPcTimer {
    /// The TM's wait for votes.
    Votes,
    /// An RM's wait before unilateral abort (unprepared) or re-query (prepared).
    Rm,
}

impl Timer for TwoPcTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match self {
            TwoPcTimer::Votes => 1,
            TwoPcTimer::Rm => 2,
        }
    }
}

type TwoPcSim = Sim<TwoPcMsg, TwoPcTimer>;

/// 2PC configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TwoPcConfig {
    /// Number of resource managers `N >= 1`.
    pub participants: u32,
    /// TM co-located with RM 1.
    pub colocated: bool,
    /// Probability that an RM votes no.
    pub no_probability: f64,
    /// TM's wait for votes before deciding abort.
    pub vote_timeout: Time,
    /// RM's wait before unilateral abort (unprepared) or re-query (prepared).
    pub rm_timeout: Time,
    /// Injected bug: commit on vote timeout unless a `No` was seen.
    pub commit_on_missing_vote: bool,
}

impl TwoPcConfig {
    /// Defaults for `n` RMs: separate TM, all yes, timeouts 200 ms / 300 ms.
    pub fn new(n: u32) -> Self {
        TwoPcConfig {
            participants: n,
            colocated: false,
            no_probability: 0.0,
            vote_timeout: 200 * MS,
            rm_timeout: 300 * MS,
            commit_on_missing_vote: false,
        }
    }

    /// Number of nodes: `N + 1` separate, `N` co-located.
    pub fn nodes(&self) -> usize {
        self.participants as usize + usize::from(!self.colocated)
    }

    /// Fault-free message count: `3N − 1` separate, `3N − 3` co-located.
    pub fn formula_messages(&self) -> u64 {
        let n = u64::from(self.participants);
        if self.colocated { 3 * n - 3 } else { 3 * n - 1 }
    }

    /// Fault-free message delays: 4 separate, 3 co-located.
    pub fn formula_delays(&self) -> u32 {
        if self.colocated { 3 } else { 4 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RmState {
    Working,
    Prepared,
    Committed,
    Aborted,
}

/// The 2PC state machine (TM + RMs).
#[derive(Debug, Clone)]
pub struct TwoPc {
    cfg: TwoPcConfig,
    votes_yes: Vec<bool>,
    rm: Vec<RmState>,
    voted: Vec<Option<bool>>,
    tm_votes: Vec<Option<bool>>,
    tm_decision: Option<bool>,
    decided_at: Vec<Option<Time>>,
    prepared_at: Vec<Option<Time>>,
    blocked_ns: Vec<Time>,
    violations: Vec<String>,
}

impl TwoPc {
    /// A transaction whose RMs vote according to `votes_yes` (index 0 = RM 1).
    pub fn new(cfg: TwoPcConfig, votes_yes: Vec<bool>) -> Self {
        let n = cfg.participants as usize;
        TwoPc {
            cfg,
            votes_yes,
            rm: vec![RmState::Working; n],
            voted: vec![None; n],
            tm_votes: vec![None; n],
            tm_decision: None,
            decided_at: vec![None; n],
            prepared_at: vec![None; n],
            blocked_ns: vec![0; n],
            violations: Vec::new(),
        }
    }

    fn node_of(&self, rm: usize) -> NodeId {
        if self.cfg.colocated {
            rm as NodeId
        } else {
            rm as NodeId + 1
        }
    }

    fn rm_of(&self, node: NodeId) -> Option<usize> {
        let n = self.cfg.participants as usize;
        let i = if self.cfg.colocated {
            node as usize
        } else {
            (node as usize).checked_sub(1)?
        };
        (i < n).then_some(i)
    }

    /// Send, or handle locally when the endpoints share a node.
    fn send(&mut self, sim: &mut TwoPcSim, from: NodeId, to: NodeId, msg: TwoPcMsg) {
        if from == to {
            self.handle(sim, to, from, msg);
        } else {
            sim.send(from, to, msg);
        }
    }

    fn rm_vote(&mut self, sim: &mut TwoPcSim, i: usize) {
        let me = self.node_of(i);
        match self.rm[i] {
            RmState::Working => {
                if self.votes_yes[i] {
                    self.rm[i] = RmState::Prepared;
                    self.prepared_at[i] = Some(sim.now());
                    self.voted[i] = Some(true);
                    self.send(sim, me, 0, TwoPcMsg::Prepared);
                    sim.set_timer(me, self.cfg.rm_timeout, TwoPcTimer::Rm);
                } else {
                    self.voted[i] = Some(false);
                    self.set_rm(sim, i, RmState::Aborted);
                    self.send(sim, me, 0, TwoPcMsg::Aborted);
                }
            }
            RmState::Prepared => self.send(sim, me, 0, TwoPcMsg::Prepared),
            RmState::Aborted => self.send(sim, me, 0, TwoPcMsg::Aborted),
            RmState::Committed => {}
        }
    }

    fn set_rm(&mut self, sim: &TwoPcSim, i: usize, s: RmState) {
        if let Some(t) = self.prepared_at[i].take() {
            self.blocked_ns[i] += sim.now() - t;
        }
        if self.decided_at[i].is_none() {
            self.decided_at[i] = Some(sim.now());
        }
        self.rm[i] = s;
        let commits = self.rm.contains(&RmState::Committed);
        let aborts = self.rm.contains(&RmState::Aborted);
        if commits && aborts && self.violations.is_empty() {
            self.violations.push(format!(
                "agreement: RMs committed and aborted (t = {} ns)",
                sim.now()
            ));
        }
        if s == RmState::Committed && self.voted.iter().any(|v| *v != Some(true)) {
            self.violations.push(format!(
                "validity: RM {} committed without all yes votes",
                i + 1
            ));
        }
    }

    fn decide(&mut self, sim: &mut TwoPcSim, commit: bool) {
        if let Some(d) = self.tm_decision {
            if d != commit {
                self.violations.push("TM changed its decision".into());
            }
            return;
        }
        self.tm_decision = Some(commit);
        let msg = if commit {
            TwoPcMsg::Commit
        } else {
            TwoPcMsg::Abort
        };
        for i in 0..self.cfg.participants as usize {
            let to = self.node_of(i);
            self.send(sim, 0, to, msg);
        }
    }

    fn tm_on_vote(&mut self, sim: &mut TwoPcSim, i: usize, yes: bool) {
        if self.tm_decision.is_some() {
            return;
        }
        let first = self.tm_votes.iter().all(Option::is_none);
        self.tm_votes[i] = Some(yes);
        if !yes {
            self.decide(sim, false);
            return;
        }
        if i == 0 && first {
            // RM 1's vote starts the protocol.
            sim.set_timer(0, self.cfg.vote_timeout, TwoPcTimer::Votes);
            for j in 1..self.cfg.participants as usize {
                let to = self.node_of(j);
                self.send(sim, 0, to, TwoPcMsg::Prepare);
            }
        }
        if self.tm_votes.iter().all(|v| *v == Some(true)) {
            self.decide(sim, true);
        }
    }

    fn handle(&mut self, sim: &mut TwoPcSim, to: NodeId, from: NodeId, msg: TwoPcMsg) {
        match msg {
            TwoPcMsg::Prepared | TwoPcMsg::Aborted if to == 0 => {
                if let Some(i) = self.rm_of(from) {
                    self.tm_on_vote(sim, i, msg == TwoPcMsg::Prepared);
                }
            }
            TwoPcMsg::Query if to == 0 => {
                if let Some(d) = self.tm_decision {
                    self.send(
                        sim,
                        0,
                        from,
                        if d { TwoPcMsg::Commit } else { TwoPcMsg::Abort },
                    );
                }
            }
            TwoPcMsg::Prepare => {
                if let Some(i) = self.rm_of(to) {
                    self.rm_vote(sim, i);
                }
            }
            TwoPcMsg::Commit | TwoPcMsg::Abort => {
                if let Some(i) = self.rm_of(to) {
                    let s = if msg == TwoPcMsg::Commit {
                        RmState::Committed
                    } else {
                        RmState::Aborted
                    };
                    match self.rm[i] {
                        RmState::Working | RmState::Prepared => self.set_rm(sim, i, s),
                        cur if cur != s => {
                            self.violations.push(format!(
                                "agreement: RM {} told {:?} after {:?}",
                                i + 1,
                                s,
                                cur
                            ));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// Safety violations found (empty = safe).
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// Final check after a run; returns the violations.
    pub fn check(&mut self, fault_free: bool) -> Vec<String> {
        let commits = self.rm.iter().filter(|&&s| s == RmState::Committed).count();
        let aborts = self.rm.iter().filter(|&&s| s == RmState::Aborted).count();
        if commits > 0 && aborts > 0 && self.violations.is_empty() {
            self.violations
                .push("agreement: final states differ".into());
        }
        if let Some(d) = self.tm_decision
            && ((d && aborts > 0) || (!d && commits > 0))
        {
            self.violations
                .push("agreement: TM decision differs from an RM".into());
        }
        if fault_free {
            let all_yes = self.votes_yes.iter().all(|&y| y);
            let want = if all_yes {
                RmState::Committed
            } else {
                RmState::Aborted
            };
            if self.rm.iter().any(|&s| s != want) {
                self.violations.push(format!(
                    "fault-free run ended with {:?}, expected all {want:?}",
                    self.rm
                ));
            }
        }
        self.violations.clone()
    }

    /// RMs still prepared (blocked) at the end.
    pub fn blocked(&self) -> usize {
        self.rm.iter().filter(|&&s| s == RmState::Prepared).count()
    }

    /// Decision time of each RM (`None` = undecided).
    pub fn decided_at(&self) -> &[Option<Time>] {
        &self.decided_at
    }
}

impl Protocol for TwoPc {
    type Msg = TwoPcMsg;
    type Timer = TwoPcTimer;
    fn start(&mut self, sim: &mut TwoPcSim) {
        for i in 1..self.cfg.participants as usize {
            let node = self.node_of(i);
            sim.set_timer(node, self.cfg.rm_timeout, TwoPcTimer::Rm);
        }
        let rm1 = self.node_of(0);
        if sim.is_up(rm1) {
            self.rm_vote(sim, 0);
        }
    }
    fn on_message(&mut self, sim: &mut TwoPcSim, to: NodeId, from: NodeId, msg: TwoPcMsg) {
        self.handle(sim, to, from, msg);
    }
    fn on_timer(&mut self, sim: &mut TwoPcSim, node: NodeId, timer: TwoPcTimer) {
        if timer == TwoPcTimer::Votes && node == 0 {
            if self.tm_decision.is_none() {
                let saw_no = self.tm_votes.contains(&Some(false));
                let commit = self.cfg.commit_on_missing_vote && !saw_no;
                self.decide(sim, commit);
            }
            return;
        }
        if let Some(i) = self.rm_of(node) {
            match self.rm[i] {
                RmState::Working => {
                    self.voted[i] = Some(false);
                    self.set_rm(sim, i, RmState::Aborted);
                }
                RmState::Prepared => {
                    self.send(sim, node, 0, TwoPcMsg::Query);
                    sim.set_timer(node, self.cfg.rm_timeout, TwoPcTimer::Rm);
                }
                _ => {}
            }
        }
    }
    fn on_recover(&mut self, sim: &mut TwoPcSim, node: NodeId) {
        if node == 0 && self.tm_decision.is_none() && self.tm_votes.iter().any(Option::is_some) {
            // Votes were volatile; presumed abort.
            self.decide(sim, false);
        }
        if let Some(i) = self.rm_of(node) {
            sim.set_timer(node, self.cfg.rm_timeout, TwoPcTimer::Rm);
            if i == 0 && self.rm[0] == RmState::Working {
                self.rm_vote(sim, 0);
            }
        }
    }
    fn extra(&self, _sim: &TwoPcSim) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("blocked".to_string(), self.blocked() as f64),
            (
                "blocked_ms".to_string(),
                self.blocked_ns.iter().sum::<Time>() as f64 / MS as f64,
            ),
            ("violations".to_string(), self.violations.len() as f64),
        ])
    }
}

/// Outcome of one 2PC run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwoPcRun {
    /// Messages sent (all kinds).
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Time until the last RM decided (ns), if all decided.
    pub latency_ns: Option<Time>,
    /// Whether the transaction committed (TM decision).
    pub committed: Option<bool>,
    /// RMs blocked (prepared, undecided) at the end.
    pub blocked: usize,
    /// Blocked RMs that are up at the end (crashed ones excluded).
    pub blocked_live: usize,
    /// Violations found by the checker.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
    /// Delivered messages, in order (for traces).
    pub trace: Vec<String>,
}

/// Run one transaction with `votes_yes` over `net`.
pub fn run_2pc(
    cfg: &TwoPcConfig,
    votes_yes: Vec<bool>,
    net: &NetworkModel,
    fault_free: bool,
    rng: ChaCha8Rng,
) -> Result<TwoPcRun, SimError> {
    if cfg.participants < 1 || (cfg.colocated && cfg.participants < 2) {
        return Err(SimError::param(
            "nodes",
            "2pc needs at least 1 participant (2 when co-located)",
        ));
    }
    if votes_yes.len() != cfg.participants as usize {
        return Err(SimError::param("votes", "one vote per participant"));
    }
    let n = cfg.nodes().max(2);
    let mut p = TwoPc::new(*cfg, votes_yes);
    let ecfg = EventConfig {
        max_time: 60 * cfg.rm_timeout,
        origin: None,
        log_deliveries: true,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, n, net, &ecfg, rng)?;
    let violations = p.check(fault_free);
    let latency_ns = p
        .decided_at()
        .iter()
        .copied()
        .collect::<Option<Vec<Time>>>()
        .and_then(|v| v.into_iter().max());
    let trace = trace_lines(&log, TwoPcMsg::KINDS);
    Ok(TwoPcRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        latency_ns,
        committed: p.tm_decision,
        blocked: p.blocked(),
        blocked_live: (0..cfg.participants as usize)
            .filter(|&i| {
                p.rm[i] == RmState::Prepared
                    && m.up_at_end.get(p.node_of(i) as usize) == Some(&true)
            })
            .count(),
        violations,
        events: m.events,
        trace,
    })
}

/// The 2PC fault mix (`--faults default` and the sweep): exponential latency
/// (mean 10 ms), loss in [0, 0.2), duplication in [0, 0.1), each node
/// crashing with probability 0.3 at a uniform time in [0, 100 ms) and
/// recovering with probability 0.7 after [1, 400] ms, a partition of a
/// random side with probability 0.3 opening in [0, 200 ms) for [1, 500] ms,
/// and every clock skewed ([`super::faults::DEFAULT_CLOCKS`]: offset ±10 ms,
/// drift ±1 %).
pub const TWOPC_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(10.0),
    loss: Amount::UpTo(0.2),
    dup: Amount::UpTo(0.1),
    crash: 0.3,
    coordinator_crash: None,
    crash_at: Window::ms(100),
    recovery: Recovery::After {
        p: 0.7,
        after: Window::ms(400),
    },
    partition: 0.3,
    partition_at: Window::ms(200),
    partition_for: Window::ms(500),
    clocks: DEFAULT_CLOCKS,
};

/// One schedule of `mix` for `cfg` (every node may crash), then each RM's
/// vote: no with probability `cfg.no_probability`. Schedule `i` of a sweep
/// with seed `s` is reproduced by `fault_schedule(cfg, &TWOPC_MIX, &mut trial_rng(s, i))`.
pub fn fault_schedule(
    cfg: &TwoPcConfig,
    mix: &FaultMix,
    r: &mut ChaCha8Rng,
) -> (NetworkModel, Vec<bool>) {
    draw_with_votes(mix, cfg.nodes(), cfg.participants, cfg.no_probability, r)
}

/// `2pc` in the protocol registry.
pub struct TwoPcProtocol;

/// The registry entry of two-phase commit.
pub static TWO_PC: TwoPcProtocol = TwoPcProtocol;

const PLACEMENT: &[OptionGroup] = &[OptionGroup {
    choices: &[
        (
            "separate",
            "the TM is a node of its own (3N − 1 messages, 4 delays)",
        ),
        (
            "colocated",
            "the TM shares node 0 with RM 1 (3N − 3 messages, 3 delays)",
        ),
    ],
    default: Some("separate"),
}];

impl SimProtocol for TwoPcProtocol {
    fn name(&self) -> &'static str {
        "2pc"
    }
    fn about(&self) -> &'static str {
        "two-phase commit of one transaction: N participants and a transaction manager (Gray & Lamport counting)"
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
        PLACEMENT
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("TWOPC_MIX: crash-recover, loss < 0.2, duplication < 0.1, a partition, clock skew")
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let colocated = options.has("colocated");
        let n = sc.nodes;
        let participants = if colocated { n } else { n - 1 };
        if participants > 10_000 {
            return Err(SimError::param(
                "nodes",
                format!("2pc supports 2..=10001 nodes, got {n}"),
            ));
        }
        let cfg = TwoPcConfig {
            colocated,
            ..TwoPcConfig::new(participants as u32)
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let (net, votes) = match sc.fault_mix(TWOPC_MIX) {
                Some(mix) => {
                    let (net, votes) = fault_schedule(&cfg, &mix, &mut rng);
                    (sc.with_links(net), votes)
                }
                None => {
                    // RM 1 (the initiator) never crashes here; crashes happen mid-protocol at 15 ms.
                    let mut net = sc.base_network();
                    let rm1 = u32::from(!cfg.colocated);
                    net.crash_fraction(cfg.nodes(), sc.crash, 15 * MS, rm1, &mut rng)?;
                    (net, vec![true; cfg.participants as usize])
                }
            };
            let link = latency_hint(&net.latency);
            let r = run_2pc(&cfg, votes, &net, sc.fault_free(), rng)?;
            Ok(TrialMetrics::single_decision(
                r.messages,
                r.bytes,
                r.latency_ns,
                r.trace_hash,
                r.violations,
            )
            .with("blocked", r.blocked as f64)
            .with("committed", f64::from(u8::from(r.committed == Some(true))))
            .link_latency_ns(link))
        })
        .param("options", if colocated { "colocated" } else { "separate" }))
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
                name: "commit-on-missing-vote",
                bug: "the coordinator commits when a vote is missing",
            }],
            case: |n, mutant| {
                let cfg = TwoPcConfig {
                    no_probability: 0.1,
                    commit_on_missing_vote: mutant == Some("commit-on-missing-vote"),
                    ..TwoPcConfig::new(n as u32 - 1)
                };
                Ok(Box::new(move |mut rng, log| {
                    let (net, votes) = fault_schedule(&cfg, &TWOPC_MIX, &mut rng);
                    let r = run_2pc(&cfg, votes, &net, false, rng)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![
                            ("committed_runs", Tally::Runs(r.committed == Some(true))),
                            ("blocked_runs", Tally::Runs(r.blocked > 0)),
                        ],
                        violations: r.violations,
                        trace: if log { r.trace } else { Vec::new() },
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Crash, LatencyDist};
    use crate::rng::trial_rng;

    fn constant_net() -> NetworkModel {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        }
    }

    #[test]
    fn fault_free_messages_and_delays_match_formula() {
        for n in [3u32, 5, 7, 9] {
            for colocated in [false, true] {
                let cfg = TwoPcConfig {
                    colocated,
                    ..TwoPcConfig::new(n)
                };
                let r = run_2pc(
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
                    Some(u64::from(cfg.formula_delays()) * 10 * MS)
                );
            }
        }
    }

    #[test]
    fn a_no_vote_aborts_everyone() {
        let cfg = TwoPcConfig::new(4);
        let r = run_2pc(
            &cfg,
            vec![true, true, false, true],
            &constant_net(),
            true,
            trial_rng(2, 0),
        )
        .unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.committed, Some(false));
    }

    #[test]
    fn coordinator_crash_after_prepare_blocks_participants() {
        // TM crashes at 15 ms (Prepare sent at 10 ms, votes arrive at 20 ms) and never recovers.
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 0,
                at: 15 * MS,
                recover_at: None,
            }],
            ..constant_net()
        };
        let r = run_2pc(
            &TwoPcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert!(r.violations.is_empty());
        assert_eq!(r.blocked, 3, "prepared RMs cannot decide without the TM");
        // With recovery the TM decides (presumed abort) and unblocks them.
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 0,
                at: 15 * MS,
                recover_at: Some(500 * MS),
            }],
            ..constant_net()
        };
        let r = run_2pc(
            &TwoPcConfig::new(3),
            vec![true; 3],
            &net,
            false,
            trial_rng(3, 0),
        )
        .unwrap();
        assert_eq!(r.blocked, 0);
        assert_eq!(r.committed, Some(false));
        assert!(r.violations.is_empty());
    }

    #[test]
    fn sweep_finds_no_violation_and_catches_the_mutant() {
        use crate::sweep::sweep;
        let ok = sweep("2pc", Some(4), 0, 10_000, None).unwrap().findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        assert!(ok.progress["blocked_runs"] > 0.0 && ok.progress["committed_runs"] > 0.0);
        let bad = sweep("2pc", Some(4), 0, 10_000, Some("commit-on-missing-vote"))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0);
        let sh = bad.shortest.unwrap();
        assert!(
            sh.violations
                .iter()
                .any(|s| s.contains("agreement") || s.contains("validity")),
            "{:?}",
            sh.violations
        );
        assert!(!sh.trace.is_empty());
        // The reported index reproduces the violation.
        let mutant = TwoPcConfig {
            no_probability: 0.1,
            commit_on_missing_vote: true,
            ..TwoPcConfig::new(3)
        };
        let mut rng = trial_rng(0, sh.index);
        let (net, votes) = fault_schedule(&mutant, &TWOPC_MIX, &mut rng);
        let again = run_2pc(&mutant, votes, &net, false, rng).unwrap();
        assert!(!again.violations.is_empty());
    }
}
