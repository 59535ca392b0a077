//! Single-decree Paxos with dueling proposers.
//!
//! Acceptors are nodes `0..n`, proposers nodes `n..n+p` (proposer `j` wants to
//! choose value `100 + j`). Proposer `j` uses ballots `r·p + j + 1` for rounds
//! `r = 0, 1, …`:
//!
//! 1. `PREPARE(b)` to all acceptors; an acceptor with `promised < b` promises
//!    (`PROMISE(b, accepted ballot, accepted value)`), otherwise answers `NACK(promised)`.
//! 2. With a majority of promises the proposer sends `ACCEPT(b, v)`, `v` being
//!    the value of the highest-ballot accepted proposal among the promises
//!    (its own value if none); an acceptor with `promised ≤ b` accepts and
//!    answers `ACCEPTED(b)`, otherwise `NACK`.
//! 3. A majority of `ACCEPTED(b)` means `v` is chosen; the proposer decides.
//!
//! A proposer that gets a `NACK` or times out starts a new round after a
//! random back-off in `[0, timeout)` — this breaks duelling livelock in
//! practice. The round timeout starts at `retry` and doubles (up to
//! `64 · retry`) each time a round times out, so a proposer whose round trip
//! to a majority is longer than `retry` (e.g. across regions) still completes
//! a round instead of abandoning every one of them. Acceptor state survives
//! crashes.
//!
//! Fault-free, one proposer: `4n` messages and 4 message delays with the
//! proposer separate from the acceptors; `4(n − 1)` messages (and still 4
//! delays) when proposer `j` is co-located with acceptor `j`.
//!
//! Checker: a value is *chosen* when a majority of acceptors accepted it in
//! the same ballot; at most one value is ever chosen (agreement), it was
//! proposed (validity), and every decision equals it.
//! Mutation `ignore_promised_values`: phase 2 always uses the proposer's own
//! value — the fault sweep finds two chosen values.

use super::faults::{FaultMix, FaultSpec, FaultTargets};
use crate::SimError;
use crate::des::{
    EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, unit};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

message_kinds! {
    /// Kinds of Paxos messages.
    pub enum PxKind {
        /// Phase 1a (32 bytes).
        Prepare = "prepare",
        /// Phase 1b (32 bytes).
        Promise = "promise",
        /// Phase 2a, carrying the value (64 bytes).
        Accept = "accept",
        /// Phase 2b (16 bytes).
        Accepted = "accepted",
        /// A refusal naming the promised ballot (16 bytes).
        Nack = "nack",
    }
}

/// Paxos message: its kind and (ballot, accepted ballot, value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PxMsg {
    kind: PxKind,
    ballot: u64,
    acc_ballot: u64,
    value: u64,
}

impl Message for PxMsg {
    const KINDS: &'static [&'static str] = PxKind::NAMES;
    const PAYLOAD_KINDS: u64 = PxKind::Accept.bit();
    fn kind(&self) -> u8 {
        self.kind as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self.kind {
            PxKind::Prepare | PxKind::Promise => 32,
            PxKind::Accept => 64,
            PxKind::Accepted | PxKind::Nack => 16,
        }
    }
}

/// Paxos timers: a proposer's round timeout or its random back-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PxTimer {
    /// The back-off after a failed round is over: start the next round.
    Backoff,
    /// Round `ballot` timed out (ignored once the proposer moved on).
    Round(u64),
}

impl Timer for PxTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match *self {
            PxTimer::Backoff => 0,
            PxTimer::Round(ballot) => ballot,
        }
    }
}

type PxSim = Sim<PxMsg, PxTimer>;

/// Paxos configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaxosConfig {
    /// Acceptors (`1..=255`).
    pub acceptors: usize,
    /// Proposers (`1..=16`), all starting at time 0.
    pub proposers: usize,
    /// Initial round timeout and maximum random back-off; doubled on each
    /// round timeout, up to `64 · retry`.
    pub retry: Time,
    /// Injected bug: ignore values reported in promises.
    pub ignore_promised_values: bool,
    /// Proposer `j` runs on acceptor `j`'s node (messages between them are
    /// local and free): `4(n − 1)` messages fault-free instead of `4n`.
    pub colocated: bool,
}

impl PaxosConfig {
    /// Simulated nodes: the acceptors (at least 2) with co-located proposers,
    /// acceptors + proposers otherwise.
    pub fn nodes(&self) -> usize {
        if self.colocated {
            self.acceptors.max(2)
        } else {
            self.acceptors + self.proposers
        }
    }

    /// `n` acceptors, `p` proposers, retry 100 ms.
    pub fn new(acceptors: usize, proposers: usize) -> Self {
        PaxosConfig {
            acceptors,
            proposers,
            retry: 100 * MS,
            ignore_promised_values: false,
            colocated: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Proposer {
    round: u64,
    ballot: u64,
    promises: std::collections::BTreeSet<NodeId>,
    best: (u64, u64),
    accepts: std::collections::BTreeSet<NodeId>,
    phase: u8,
    decided: Option<u64>,
    /// Current round timeout (0 = not started: use `retry`).
    timeout: Time,
}

/// Paxos state.
#[derive(Debug, Clone)]
pub struct Paxos {
    cfg: PaxosConfig,
    promised: Vec<u64>,
    accepted: Vec<(u64, u64)>,
    props: Vec<Proposer>,
    votes: BTreeMap<u64, (u64, usize)>,
    chosen: Vec<u64>,
    decided_at: Option<Time>,
    violations: Vec<String>,
}

impl Paxos {
    /// Fresh state.
    pub fn new(cfg: PaxosConfig) -> Self {
        Paxos {
            cfg,
            promised: vec![0; cfg.acceptors],
            accepted: vec![(0, 0); cfg.acceptors],
            props: vec![Proposer::default(); cfg.proposers],
            votes: BTreeMap::new(),
            chosen: Vec::new(),
            decided_at: None,
            violations: Vec::new(),
        }
    }

    /// Node of proposer `j`.
    pub fn proposer_node(&self, j: usize) -> NodeId {
        if self.cfg.colocated {
            j as NodeId
        } else {
            (self.cfg.acceptors + j) as NodeId
        }
    }

    fn proposer_of(&self, node: NodeId) -> Option<usize> {
        let j = if self.cfg.colocated {
            node as usize
        } else {
            (node as usize).checked_sub(self.cfg.acceptors)?
        };
        (j < self.cfg.proposers).then_some(j)
    }

    /// Send, or deliver locally when both roles share a node.
    fn send(&mut self, sim: &mut PxSim, from: NodeId, to: NodeId, m: PxMsg) {
        if from == to {
            self.handle(sim, to, from, m);
        } else {
            sim.send(from, to, m);
        }
    }

    fn majority(&self) -> u64 {
        (self.cfg.acceptors / 2 + 1) as u64
    }

    fn start_round(&mut self, sim: &mut PxSim, j: usize) {
        let p = &mut self.props[j];
        if p.decided.is_some() {
            return;
        }
        p.ballot = p.round * self.cfg.proposers as u64 + j as u64 + 1;
        p.round += 1;
        p.promises.clear();
        p.accepts.clear();
        p.best = (0, 0);
        p.phase = 1;
        if p.timeout == 0 {
            p.timeout = self.cfg.retry;
        }
        let (ballot, timeout) = (p.ballot, p.timeout);
        let node = self.proposer_node(j);
        sim.set_timer(node, timeout, PxTimer::Round(ballot));
        for a in 0..self.cfg.acceptors as NodeId {
            self.send(
                sim,
                node,
                a,
                PxMsg {
                    kind: PxKind::Prepare,
                    ballot,
                    acc_ballot: 0,
                    value: 0,
                },
            );
        }
    }

    fn retry_later(&mut self, sim: &mut PxSim, j: usize) {
        let p = &mut self.props[j];
        if p.phase == 0 || p.decided.is_some() {
            return;
        }
        p.phase = 0;
        let span = p.timeout.max(self.cfg.retry);
        let node = self.proposer_node(j);
        let backoff = (unit(sim.rng()) * span as f64) as Time + 1;
        sim.set_timer(node, backoff, PxTimer::Backoff);
    }

    /// Checker; returns the violations.
    pub fn check(&self) -> Vec<String> {
        let mut v = self.violations.clone();
        let distinct: std::collections::BTreeSet<u64> = self.chosen.iter().copied().collect();
        if distinct.len() > 1 {
            v.push(format!("agreement: values {distinct:?} chosen"));
        }
        for &c in &distinct {
            if !(100..100 + self.cfg.proposers as u64).contains(&c) {
                v.push(format!("validity: {c} was never proposed"));
            }
        }
        for (j, p) in self.props.iter().enumerate() {
            if let Some(d) = p.decided
                && !distinct.contains(&d)
            {
                v.push(format!("proposer {j} decided {d}, which was not chosen"));
            }
        }
        v
    }
}

impl Protocol for Paxos {
    type Msg = PxMsg;
    type Timer = PxTimer;
    fn start(&mut self, sim: &mut PxSim) {
        for j in 0..self.cfg.proposers {
            if sim.is_up(self.proposer_node(j)) {
                self.start_round(sim, j);
            }
        }
    }
    fn on_timer(&mut self, sim: &mut PxSim, node: NodeId, timer: PxTimer) {
        let Some(j) = self.proposer_of(node) else {
            return;
        };
        if timer == PxTimer::Backoff {
            if self.props[j].phase == 0 {
                self.start_round(sim, j);
            }
        } else if timer == PxTimer::Round(self.props[j].ballot) && self.props[j].decided.is_none() {
            // The round timed out: the majority's round trip may be longer
            // than the timeout, so give the next round twice as long.
            let cap = self.cfg.retry.saturating_mul(64);
            let p = &mut self.props[j];
            p.timeout = p.timeout.saturating_mul(2).min(cap).max(self.cfg.retry);
            self.retry_later(sim, j);
        }
    }
    fn on_recover(&mut self, sim: &mut PxSim, node: NodeId) {
        if let Some(j) = self.proposer_of(node) {
            self.props[j].phase = 0;
            self.start_round(sim, j);
        }
    }
    fn on_message(&mut self, sim: &mut PxSim, to: NodeId, from: NodeId, m: PxMsg) {
        self.handle(sim, to, from, m);
    }
}

impl Paxos {
    fn handle(&mut self, sim: &mut PxSim, to: NodeId, from: NodeId, m: PxMsg) {
        let n = self.cfg.acceptors;
        if m.kind == PxKind::Prepare || m.kind == PxKind::Accept {
            let a = to as usize;
            match m.kind {
                PxKind::Prepare => {
                    if m.ballot > self.promised[a] {
                        self.promised[a] = m.ballot;
                        let (b, v) = self.accepted[a];
                        self.send(
                            sim,
                            to,
                            from,
                            PxMsg {
                                kind: PxKind::Promise,
                                ballot: m.ballot,
                                acc_ballot: b,
                                value: v,
                            },
                        );
                    } else {
                        self.send(
                            sim,
                            to,
                            from,
                            PxMsg {
                                kind: PxKind::Nack,
                                ballot: m.ballot,
                                acc_ballot: self.promised[a],
                                value: 0,
                            },
                        );
                    }
                }
                PxKind::Accept => {
                    if m.ballot >= self.promised[a] {
                        self.promised[a] = m.ballot;
                        if self.accepted[a].0 != m.ballot {
                            self.accepted[a] = (m.ballot, m.value);
                            let e = self.votes.entry(m.ballot).or_insert((m.value, 0));
                            if e.0 != m.value {
                                self.violations
                                    .push(format!("two values in ballot {}", m.ballot));
                            }
                            e.1 += 1;
                            if e.1 as u64 == (n / 2 + 1) as u64 {
                                self.chosen.push(m.value);
                            }
                        }
                        self.send(
                            sim,
                            to,
                            from,
                            PxMsg {
                                kind: PxKind::Accepted,
                                ballot: m.ballot,
                                acc_ballot: 0,
                                value: m.value,
                            },
                        );
                    } else {
                        self.send(
                            sim,
                            to,
                            from,
                            PxMsg {
                                kind: PxKind::Nack,
                                ballot: m.ballot,
                                acc_ballot: self.promised[a],
                                value: 0,
                            },
                        );
                    }
                }
                _ => {}
            }
            return;
        }
        let Some(j) = self.proposer_of(to) else {
            return;
        };
        let maj = self.majority();
        let p = &mut self.props[j];
        if m.ballot != p.ballot || p.decided.is_some() {
            return;
        }
        match m.kind {
            PxKind::Promise if p.phase == 1 => {
                // count distinct acceptors (messages may be duplicated)
                if !p.promises.insert(from) {
                    return;
                }
                if m.acc_ballot > p.best.0 {
                    p.best = (m.acc_ballot, m.value);
                }
                if p.promises.len() as u64 == maj {
                    p.phase = 2;
                    let own = 100 + j as u64;
                    let value = if p.best.0 > 0 && !self.cfg.ignore_promised_values {
                        p.best.1
                    } else {
                        own
                    };
                    let ballot = p.ballot;
                    for a in 0..n as NodeId {
                        self.send(
                            sim,
                            to,
                            a,
                            PxMsg {
                                kind: PxKind::Accept,
                                ballot,
                                acc_ballot: 0,
                                value,
                            },
                        );
                    }
                }
            }
            PxKind::Accepted if p.phase == 2 => {
                if !p.accepts.insert(from) {
                    return;
                }
                if p.accepts.len() as u64 == maj {
                    p.decided = Some(m.value);
                    p.phase = 3;
                    self.decided_at.get_or_insert(sim.now());
                }
            }
            PxKind::Nack if p.phase == 1 || p.phase == 2 => self.retry_later(sim, j),
            _ => {}
        }
    }
}

/// Outcome of one consensus instance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaxosRun {
    /// Messages.
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// First decision time (ns).
    pub decided_at: Option<Time>,
    /// Violations.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
}

/// Run one instance over `net` for at most `horizon`.
pub fn run_paxos(
    cfg: &PaxosConfig,
    net: &NetworkModel,
    horizon: Time,
    rng: ChaCha8Rng,
) -> Result<PaxosRun, SimError> {
    run_paxos_logged(cfg, net, horizon, rng, false).map(|r| r.0)
}

/// [`run_paxos`], also returning the delivery log when `log` is set.
pub(crate) fn run_paxos_logged(
    cfg: &PaxosConfig,
    net: &NetworkModel,
    horizon: Time,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(PaxosRun, Vec<crate::des::Delivery>), SimError> {
    if !(1..=255).contains(&cfg.acceptors) || !(1..=16).contains(&cfg.proposers) {
        return Err(SimError::param(
            "nodes",
            "paxos needs 1..=255 acceptors and 1..=16 proposers",
        ));
    }
    if cfg.colocated && cfg.proposers > cfg.acceptors {
        return Err(SimError::param(
            "proposers",
            "co-located proposers need proposers <= acceptors",
        ));
    }
    let mut p = Paxos::new(*cfg);
    let ecfg = EventConfig {
        max_time: horizon,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let nodes = cfg.nodes();
    let (m, log) = run_events(&mut p, nodes, net, &ecfg, rng)?;
    Ok((
        PaxosRun {
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            decided_at: p.decided_at,
            violations: p.check(),
            events: m.events,
        },
        log,
    ))
}

/// The Paxos sweep's mix: [`FaultSpec::default`] with loss 0.1 and a 300 ms window.
pub fn paxos_sweep_mix() -> FaultMix {
    FaultSpec {
        loss: 0.1,
        window_ms: 300,
        ..FaultSpec::default()
    }
    .into()
}

/// One sweep schedule of `cfg`: [`paxos_sweep_mix`] over all nodes, 3 s.
fn paxos_sweep_run(
    cfg: &PaxosConfig,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<SweepRun, SimError> {
    let net = paxos_sweep_mix().draw(&FaultTargets::all(cfg.nodes()), &mut rng);
    let (r, deliveries) = run_paxos_logged(cfg, &net, 3000 * MS, rng, log)?;
    Ok(SweepRun {
        messages: r.messages,
        progress: vec![("decided_runs", Tally::Runs(r.decided_at.is_some()))],
        violations: r.violations,
        trace: trace_lines(&deliveries, PxMsg::KINDS),
    })
}

/// `paxos` in the protocol registry.
pub struct PaxosProtocol;

/// The registry entry of single-decree Paxos.
pub static PAXOS: PaxosProtocol = PaxosProtocol;

impl SimProtocol for PaxosProtocol {
    fn name(&self) -> &'static str {
        "paxos"
    }
    fn about(&self) -> &'static str {
        "single-decree Paxos: N acceptors, `proposers` duelling proposers, one value chosen"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 2,
            max: 255,
            what: "acceptors",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Proposers]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                (
                    "colocated",
                    "proposer j runs on acceptor j's node: 4(N − 1) messages",
                ),
                ("separate", "proposers are nodes of their own: 4N messages"),
            ],
            default: Some("colocated"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("the generic mix (FaultSpec::default) over all nodes")
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        let colocated = options.has("colocated");
        let p = sc.params.proposers.unwrap_or(1);
        if !(1..=16).contains(&p) {
            return Err(SimError::param(
                "proposers",
                format!("must be in 1..=16, got {p}"),
            ));
        }
        if colocated && p > n {
            return Err(SimError::param(
                "proposers",
                format!("co-located proposers must be in 1..={n} (acceptors), got {p}"),
            ));
        }
        let cfg = PaxosConfig {
            colocated,
            ..PaxosConfig::new(n, p)
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let net = match sc.fault_mix(FaultSpec::default().into()) {
                Some(mix) => sc.faulty_network(&mix, &FaultTargets::all(cfg.nodes()), &mut rng),
                None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let r = run_paxos(&cfg, &net, 60_000 * MS, rng)?;
            Ok(TrialMetrics::single_decision(
                r.messages,
                r.bytes,
                r.decided_at,
                r.trace_hash,
                r.violations,
            )
            .link_latency_ns(link))
        })
        .param("proposers", p)
        .param("options", if colocated { "colocated" } else { "separate" }))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 3,
                max: 64,
                what: "acceptors (3 separate duelling proposers)",
            },
            mutants: &[Mutant {
                name: "ignore-promised-values",
                bug: "a proposer ignores the values reported in promises",
            }],
            case: |n, mutant| {
                let cfg = PaxosConfig {
                    retry: 40 * MS,
                    ignore_promised_values: mutant == Some("ignore-promised-values"),
                    ..PaxosConfig::new(n, 3)
                };
                Ok(Box::new(move |rng, log| paxos_sweep_run(&cfg, rng, log)))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::LatencyDist;
    use crate::rng::trial_rng;

    #[test]
    fn single_proposer_4n_messages_4_delays() {
        let net = NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        };
        for n in [3usize, 5, 7, 9] {
            let r = run_paxos(&PaxosConfig::new(n, 1), &net, 10_000 * MS, trial_rng(1, 0)).unwrap();
            assert!(r.violations.is_empty());
            assert_eq!(r.messages, 4 * n as u64);
            assert_eq!(r.decided_at, Some(40 * MS));
            let co = PaxosConfig {
                colocated: true,
                ..PaxosConfig::new(n, 1)
            };
            let r = run_paxos(&co, &net, 10_000 * MS, trial_rng(1, 0)).unwrap();
            assert!(r.violations.is_empty());
            assert_eq!(r.messages, 4 * (n as u64 - 1));
            assert_eq!(r.decided_at, Some(40 * MS));
        }
    }

    #[test]
    fn cross_region_round_trips_longer_than_the_timeout_still_decide() {
        // us-east proposer, majority round trip ~68 ms per phase, so a round
        // needs ~136 ms against a 100 ms initial timeout: the doubling
        // timeout must let the second round finish (it once livelocked).
        let net = NetworkModel {
            latency: LatencyDist::Regions(crate::net::RegionMatrix::five_regions()),
            ..NetworkModel::default()
        };
        for proposers in [1usize, 3] {
            for seed in 0..50 {
                let co = PaxosConfig {
                    colocated: true,
                    ..PaxosConfig::new(5, proposers)
                };
                let r = run_paxos(&co, &net, 60_000 * MS, trial_rng(seed, 0)).unwrap();
                assert!(r.violations.is_empty(), "{:?}", r.violations);
                let t = r.decided_at.expect("decides");
                assert!(t < 5_000 * MS, "seed {seed}: decided at {t} ns");
                assert!(r.messages < 400, "seed {seed}: {} messages", r.messages);
            }
        }
    }

    #[test]
    fn dueling_proposers_agree() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e7 },
            ..NetworkModel::default()
        };
        for seed in 0..200 {
            let r = run_paxos(
                &PaxosConfig::new(5, 3),
                &net,
                60_000 * MS,
                trial_rng(seed, 0),
            )
            .unwrap();
            assert!(r.violations.is_empty(), "{seed}: {:?}", r.violations);
            assert!(r.decided_at.is_some());
        }
    }

    #[test]
    fn sweep_safe_and_mutant_caught() {
        use crate::sweep::{run_schedules, sweep};
        let ok = sweep("paxos", Some(5), 0, 10_000, None).unwrap().findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        assert!(ok.progress["decided_runs"] > 5_000.0);
        let bad = sweep("paxos", Some(5), 0, 10_000, Some("ignore-promised-values"))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0, "mutant not caught");
        let co = PaxosConfig {
            retry: 40 * MS,
            colocated: true,
            ..PaxosConfig::new(5, 3)
        };
        let f = run_schedules(|rng, log| paxos_sweep_run(&co, rng, log), 1, 10_000).unwrap();
        assert_eq!(f.violating_runs, 0, "co-located: {:?}", f.shortest);
    }
}
