//! Commit wait with clock uncertainty ε (Spanner-style TrueTime).
//!
//! Server `i`'s clock reads `t + θᵢ` at true time `t`, with a fixed offset
//! `θᵢ` uniform in `[−skew, skew]`; `TT.now()` returns
//! `[clock − ε, clock + ε]`, which contains the true time whenever
//! `skew ≤ ε`. A client (node `n`) issues transactions at exponential
//! intervals, each to a random server. The server assigns the commit
//! timestamp `s = TT.now().latest`, **waits until `TT.now().earliest > s`**
//! (about `2ε`), then acknowledges; the client sees the commit when the
//! acknowledgement arrives.
//!
//! External consistency (checked over all pairs): if transaction `j` is
//! issued after transaction `i`'s acknowledgement reached the client (in true
//! time), then `s_j > s_i`. Messages per transaction: 2; latency
//! `RTT + 2ε`. Mutations: no commit wait, or `ε` smaller than the real skew —
//! both violate external consistency.
//!
//! The offsets are installed as the servers' clocks in the event engine
//! ([`crate::net::ClockSkew`], the mechanism every protocol's timers use):
//! `clock()` is [`crate::des::Sim::local_time`] and the commit-wait timer is a
//! duration on the server's clock. Clock skew already present in the network
//! model (a drift, say) is added to the drawn offsets — with drift the clock
//! error grows with time, and once it exceeds ε external consistency can fail.

use super::faults::{Amount, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window};
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

/// Commit-wait message: a transaction's request (64 bytes) or its
/// acknowledgement (32 bytes), identified by the transaction's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CwMsg {
    /// The client asks a server to commit transaction `k`.
    Request(usize),
    /// The server acknowledges transaction `k`.
    Ack(usize),
}

message_kinds! {
    enum CwKind { Request = "request", Ack = "ack" }
}

impl Message for CwMsg {
    const KINDS: &'static [&'static str] = CwKind::NAMES;
    const PAYLOAD_KINDS: u64 = CwKind::Request.bit();
    fn kind(&self) -> u8 {
        (match self {
            CwMsg::Request(_) => CwKind::Request,
            CwMsg::Ack(_) => CwKind::Ack,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            CwMsg::Request(_) => 64,
            CwMsg::Ack(_) => 32,
        }
    }
}

/// Commit-wait timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CwTimer {
    /// The client issues the next transaction.
    Issue,
    /// A server's commit wait may be over.
    Wait,
}

impl Timer for CwTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match self {
            CwTimer::Issue => 1,
            CwTimer::Wait => 2,
        }
    }
}

type CwSim = Sim<CwMsg, CwTimer>;

/// Commit-wait configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CommitWaitConfig {
    /// Servers (`1..=1024`).
    pub servers: usize,
    /// Assumed clock uncertainty ε (ns).
    pub epsilon: Time,
    /// Actual clock offsets are uniform in `[−skew, skew]` (ns).
    pub skew: Time,
    /// Transactions.
    pub transactions: usize,
    /// Mean time between transactions (ns).
    pub interarrival: Time,
    /// Perform the commit wait (`false` = mutation).
    pub commit_wait: bool,
}

/// Commit-wait state.
#[derive(Debug, Clone)]
pub struct CommitWait {
    cfg: CommitWaitConfig,
    offset: Vec<i64>,
    issued: Vec<Time>,
    ts: Vec<Option<i64>>,
    acked: Vec<Option<Time>>,
    waiting: Vec<Vec<(usize, i64)>>,
}

impl CommitWait {
    /// Fresh state; clock offsets drawn from `rng`.
    pub fn new(cfg: CommitWaitConfig, rng: &mut ChaCha8Rng) -> Self {
        let offset = (0..cfg.servers)
            .map(|_| ((unit(rng) * 2.0 - 1.0) * cfg.skew as f64) as i64)
            .collect();
        CommitWait {
            cfg,
            offset,
            issued: Vec::new(),
            ts: vec![None; cfg.transactions],
            acked: vec![None; cfg.transactions],
            waiting: vec![Vec::new(); cfg.servers],
        }
    }

    fn clock(&self, sim: &CwSim, i: usize) -> i64 {
        sim.local_time(i as NodeId)
    }

    /// The servers' clocks (drawn offsets, no drift) merged into `net`'s
    /// clocks: offsets add, drift is kept.
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

    /// External-consistency violations (pairs), as text.
    pub fn check(&self) -> Vec<String> {
        let mut v = Vec::new();
        for i in 0..self.issued.len() {
            let (Some(ci), Some(si)) = (self.acked[i], self.ts[i]) else {
                continue;
            };
            for j in 0..self.issued.len() {
                if self.issued[j] > ci
                    && let Some(sj) = self.ts[j]
                    && sj <= si
                {
                    v.push(format!(
                        "T{j} issued after T{i} committed but s{j} = {sj} <= s{i} = {si}"
                    ));
                    if v.len() >= 5 {
                        return v;
                    }
                }
            }
        }
        v
    }

    /// Commit latencies (issue to acknowledgement, ns).
    pub fn latencies(&self) -> Vec<Time> {
        self.issued
            .iter()
            .zip(&self.acked)
            .filter_map(|(&a, c)| c.map(|c| c - a))
            .collect()
    }
}

impl Protocol for CommitWait {
    type Msg = CwMsg;
    type Timer = CwTimer;
    fn start(&mut self, sim: &mut CwSim) {
        sim.set_timer(self.cfg.servers as NodeId, 0, CwTimer::Issue);
    }
    fn on_timer(&mut self, sim: &mut CwSim, node: NodeId, timer: CwTimer) {
        if timer == CwTimer::Issue {
            let k = self.issued.len();
            if k >= self.cfg.transactions {
                return;
            }
            self.issued.push(sim.now());
            let server = below(sim.rng(), self.cfg.servers as u32);
            sim.send(node, server, CwMsg::Request(k));
            let gap = (-(self.cfg.interarrival as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
            sim.set_timer(node, gap.max(1), CwTimer::Issue);
        } else {
            let i = node as usize;
            let earliest = self.clock(sim, i) - self.cfg.epsilon as i64;
            let ready: Vec<(usize, i64)> = self.waiting[i]
                .iter()
                .copied()
                .filter(|&(_, s)| earliest > s)
                .collect();
            self.waiting[i].retain(|&(_, s)| earliest <= s);
            for (k, _) in ready {
                sim.send(node, self.cfg.servers as NodeId, CwMsg::Ack(k));
            }
        }
    }
    fn on_message(&mut self, sim: &mut CwSim, to: NodeId, from: NodeId, msg: CwMsg) {
        let k = match msg {
            CwMsg::Request(k) | CwMsg::Ack(k) => k,
        };
        if let CwMsg::Request(_) = msg {
            if self.ts[k].is_some() {
                // a duplicated request: the server already stamped (and will
                // acknowledge) this transaction; it is identified by its id
                return;
            }
            let i = to as usize;
            let s = self.clock(sim, i) + self.cfg.epsilon as i64; // TT.now().latest
            self.ts[k] = Some(s);
            if self.cfg.commit_wait {
                // wait until TT.now().earliest > s, i.e. clock > s + ε
                let wait = (s + self.cfg.epsilon as i64 + 1 - self.clock(sim, i)).max(0) as Time;
                self.waiting[i].push((k, s));
                sim.set_timer(to, wait, CwTimer::Wait);
            } else {
                sim.send(to, from, CwMsg::Ack(k));
            }
        } else if self.acked[k].is_none() {
            self.acked[k] = Some(sim.now());
        }
    }
}

/// Outcome of a commit-wait run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitWaitRun {
    /// Messages.
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Committed transactions.
    pub committed: usize,
    /// Mean commit latency (ns).
    pub mean_latency_ns: f64,
    /// Per-transaction latencies (ns).
    pub latencies_ns: Vec<Time>,
    /// External-consistency violations.
    pub violations: Vec<String>,
}

/// Run one commit-wait experiment.
pub fn run_commit_wait(
    cfg: &CommitWaitConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<CommitWaitRun, SimError> {
    Ok(run_commit_wait_logged(cfg, net, rng, false)?.0)
}

/// [`run_commit_wait`], also returning the delivered messages when `log` is set.
pub fn run_commit_wait_logged(
    cfg: &CommitWaitConfig,
    net: &NetworkModel,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<(CommitWaitRun, Vec<Delivery>), SimError> {
    if !(1..=1024).contains(&cfg.servers) || cfg.transactions == 0 || cfg.transactions > 100_000 {
        return Err(SimError::param(
            "nodes",
            "commit-wait needs 1..=1024 servers and 1..=100000 transactions",
        ));
    }
    let mut p = CommitWait::new(*cfg, &mut rng);
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
    let (m, deliveries) = run_events(&mut p, cfg.servers + 1, &net, &ecfg, rng)?;
    let lat = p.latencies();
    let run = CommitWaitRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        committed: lat.len(),
        mean_latency_ns: if lat.is_empty() {
            f64::NAN
        } else {
            lat.iter().sum::<Time>() as f64 / lat.len() as f64
        },
        latencies_ns: lat,
        violations: p.check(),
    };
    Ok((run, deliveries))
}

/// The network part of the commit-wait fault mix: exponential latency with a
/// mean drawn in `[0.2, 5)` ms (reordering requests and acknowledgements) and
/// loss in `[0, 0.1)`; no crash, no partition, no duplication (the clock
/// offsets are the protocol's own, see [`commit_wait_fault_schedule`]).
pub const COMMIT_WAIT_MIX: FaultMix = FaultMix {
    latency: MixLatency::ExponentialMeanIn(0.2, 4.8),
    loss: Amount::UpTo(0.1),
    dup: Amount::Fixed(0.0),
    crash: 0.0,
    coordinator_crash: None,
    crash_at: Window::ms(1),
    recovery: Recovery::Never,
    partition: 0.0,
    partition_at: Window::ms(1),
    partition_for: Window::ms(1),
    clocks: (0, 0),
};

/// Which nodes commit wait's faults touch: the servers and the client
/// (node `servers`) for clocks and partitions; only servers crash.
fn commit_wait_targets(cfg: &CommitWaitConfig) -> FaultTargets {
    FaultTargets {
        nodes: cfg.servers + 1,
        crashable: 0..cfg.servers as NodeId,
    }
}

/// Fault schedule `r` of the commit-wait sweep (and `--faults default`): the
/// servers' real clock offsets uniform in `[−s, s]` with `s` drawn in
/// `[0, ε]` (TrueTime's guarantee: the error stays within the uncertainty it
/// reports), then the network of [`COMMIT_WAIT_MIX`] (a lost request or
/// acknowledgement leaves that transaction uncommitted, never inconsistent),
/// then transactions arriving with a mean gap drawn in `[0.5, 10)` ms, so
/// many are in flight during one another's commit waits.
pub fn commit_wait_fault_schedule(
    cfg: &CommitWaitConfig,
    r: &mut ChaCha8Rng,
) -> (CommitWaitConfig, NetworkModel) {
    let skew = (unit(r) * cfg.epsilon as f64) as Time;
    let net = COMMIT_WAIT_MIX.draw(&commit_wait_targets(cfg), r);
    let c = CommitWaitConfig {
        skew,
        interarrival: ((0.5 + unit(r) * 9.5) * MS as f64) as Time,
        ..*cfg
    };
    (c, net)
}

/// `commit-wait` in the protocol registry.
pub struct CommitWaitProtocol;

/// The registry entry of TrueTime-style commit wait.
pub static COMMIT_WAIT: CommitWaitProtocol = CommitWaitProtocol;

/// Transactions of one `cclab sim commit-wait` trial.
const SIM_TRANSACTIONS: usize = 200;

impl SimProtocol for CommitWaitProtocol {
    fn name(&self) -> &'static str {
        "commit-wait"
    }
    fn about(&self) -> &'static str {
        "200 transactions on servers with clock offsets within ±ε, TrueTime commit wait (RTT + 2ε)"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 2,
            max: 1024,
            what: "servers",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::EpsilonMs]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("offsets within ε, loss < 0.1, reordering latency (commit_wait_fault_schedule)")
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let eps = sc.params.epsilon_ms.unwrap_or(7.0);
        if !(eps.is_finite() && (0.0..=10_000.0).contains(&eps)) {
            return Err(SimError::param(
                "epsilon_ms",
                format!("must be in [0, 10000] ms, got {eps}"),
            ));
        }
        let e = (eps * MS as f64) as u64;
        let cfg0 = CommitWaitConfig {
            servers: sc.nodes,
            epsilon: e,
            skew: e,
            transactions: SIM_TRANSACTIONS,
            interarrival: 5 * MS,
            commit_wait: true,
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let (cfg, net) = match sc.faults {
                // the commit-wait sweep's schedule: offsets within ε, loss, reordering
                Faults::Default => {
                    let (c, net) = commit_wait_fault_schedule(&cfg0, &mut rng);
                    (c, sc.with_links(net))
                }
                // explicit specs apply to the servers (the client does not
                // crash); their clock skew adds to the drawn offsets and may exceed ε
                Faults::Spec(spec) => (
                    cfg0,
                    sc.faulty_network(&spec.into(), &commit_wait_targets(&cfg0), &mut rng),
                ),
                Faults::None => (cfg0, sc.base_network()),
            };
            let link = latency_hint(&net.latency);
            let r = run_commit_wait(&cfg, &net, rng)?;
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
            .link_latency_ns(link))
        })
        .param("epsilon_ms", eps)
        .param("transactions", SIM_TRANSACTIONS))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 2,
                max: 64,
                what: "servers",
            },
            mutants: &[Mutant {
                name: "no-commit-wait",
                bug: "commit without waiting out ε",
            }],
            case: |n, mutant| {
                let cfg = CommitWaitConfig {
                    servers: n,
                    epsilon: 7 * MS,
                    skew: 0,
                    transactions: 40,
                    interarrival: 3 * MS,
                    commit_wait: mutant != Some("no-commit-wait"),
                };
                Ok(Box::new(move |mut rng, log| {
                    let (c, net) = commit_wait_fault_schedule(&cfg, &mut rng);
                    let (r, deliveries) = run_commit_wait_logged(&c, &net, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![("committed_transactions", Tally::Sum(r.committed as f64))],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, CwMsg::KINDS),
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{LatencyDist, MS};
    use crate::rng::trial_rng;

    fn cfg(commit_wait: bool, skew: Time) -> CommitWaitConfig {
        CommitWaitConfig {
            servers: 5,
            epsilon: 7 * MS,
            skew,
            transactions: 300,
            interarrival: 3 * MS,
            commit_wait,
        }
    }

    #[test]
    fn sweep_is_safe_and_mutants_are_caught() {
        use crate::sweep::sweep;
        let ok = sweep("commit-wait", Some(5), 0, 10_000, None)
            .unwrap()
            .findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        assert!(ok.shortest.is_none());
        // Most transactions commit despite the loss.
        let committed = ok.progress["committed_transactions"];
        assert!(committed > f64::from(10_000 * 40 * 7 / 10), "{committed}");
        let bad = sweep("commit-wait", Some(5), 0, 10_000, Some("no-commit-wait"))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0);
        assert!(bad.first_index.is_some());
        let sh = bad.shortest.unwrap();
        assert!(
            sh.violations.iter().any(|l| l.contains("issued after")),
            "{:?}",
            sh.violations
        );
        assert!(sh.trace.iter().any(|l| l.contains("ack")));
    }

    #[test]
    fn commit_wait_is_externally_consistent_and_costs_2_epsilon() {
        let net = NetworkModel {
            latency: LatencyDist::Constant { ns: MS },
            ..NetworkModel::default()
        };
        for seed in 0..20 {
            let r = run_commit_wait(&cfg(true, 7 * MS), &net, trial_rng(seed, 0)).unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
            assert_eq!(r.committed, 300);
            assert_eq!(r.messages, 600);
            // RTT 2 ms + commit wait 2ε = 14 ms (+1 ns rounding)
            let mean = r.mean_latency_ns / MS as f64;
            assert!((mean - 16.0).abs() < 0.01, "{mean}");
        }
    }

    #[test]
    fn mutations_violate_external_consistency() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            ..NetworkModel::default()
        };
        let no_wait = (0..20).any(|s| {
            !run_commit_wait(&cfg(false, 7 * MS), &net, trial_rng(s, 1))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(no_wait, "no commit wait must violate external consistency");
        let small_eps = CommitWaitConfig {
            epsilon: MS,
            ..cfg(true, 7 * MS)
        };
        let bad = (0..20).any(|s| {
            !run_commit_wait(&small_eps, &net, trial_rng(s, 2))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(
            bad,
            "epsilon below the real skew must violate external consistency"
        );
    }

    #[test]
    fn clock_drift_through_the_engine_breaks_commit_wait() {
        // Offsets within ε are safe; a drift of 1 % makes the clock error grow
        // past ε = 7 ms within a second, and external consistency fails.
        use crate::net::ClockSkew;
        let base = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            ..NetworkModel::default()
        };
        let cfg = CommitWaitConfig {
            transactions: 400,
            ..cfg(true, 7 * MS)
        };
        let drifting = |ppm: i32| NetworkModel {
            clocks: (0..5)
                .map(|node| ClockSkew {
                    node,
                    offset_ns: 0,
                    drift_ppm: if node % 2 == 0 { ppm } else { -ppm },
                })
                .collect(),
            ..base.clone()
        };
        for seed in 0..10 {
            let r = run_commit_wait(&cfg, &drifting(0), trial_rng(seed, 3)).unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
        }
        let bad = (0..10).any(|seed| {
            !run_commit_wait(&cfg, &drifting(10_000), trial_rng(seed, 3))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(bad, "1 % drift must eventually exceed ε");
    }
}
