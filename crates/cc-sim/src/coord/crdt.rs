//! State-based G-counter and PN-counter CRDTs converging by gossip.
//!
//! Replica `i` keeps vectors `P` (and `N` for the PN-counter); an increment
//! at `i` adds to `P[i]`, a decrement to `N[i]`; the value is `ΣP − ΣN`.
//! Every `period` each live replica pushes its full state to a uniformly
//! random peer, which merges by element-wise maximum (commutative,
//! associative, idempotent — so loss, duplication and reordering are
//! harmless). Replica state survives crashes (crash-recover).
//!
//! Workload: during `[0, ops_until)` each replica performs an operation
//! every `op_interval` on average (exponential gaps): +1…+5, or for the
//! PN-counter −1…−5 with probability ½.
//!
//! **Checker** at the end (after every partition healed and every crashed
//! replica recovered, plus `settle` of gossip): all replicas hold the same
//! state, their value equals the sum of all operations performed, and no
//! replica's own entry lost an operation. Merges are checked to be monotone.
//! **Mutation** `sum_merge` (merge by addition) double-counts and is caught.

use super::faults::{
    Amount, DEFAULT_CLOCKS, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window,
};
use crate::SimError;
use crate::des::{EventConfig, Message, Protocol, Sim, Timer, run_events, trace_lines};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{Chosen, Family, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol};
use crate::rng::{ChaCha8Rng, below, chance, other, unit};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;

/// CRDT run configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CrdtConfig {
    /// Replicas (`2..=256`).
    pub n: usize,
    /// PN-counter (`true`) or G-counter.
    pub pn: bool,
    /// Gossip period.
    pub period: Time,
    /// Mean time between operations at one replica.
    pub op_interval: Time,
    /// Operations stop at this time.
    pub ops_until: Time,
    /// Simulated time of the run.
    pub horizon: Time,
    /// Injected bug: merge by addition instead of maximum.
    pub sum_merge: bool,
}

impl CrdtConfig {
    /// Defaults: gossip every 50 ms, an op every 20 ms per replica for 1 s, 6 s horizon.
    pub fn new(n: usize, pn: bool) -> Self {
        CrdtConfig {
            n,
            pn,
            period: 50 * MS,
            op_interval: 20 * MS,
            ops_until: 1000 * MS,
            horizon: 6000 * MS,
            sum_merge: false,
        }
    }
}

/// Gossiped state: (P, N) vectors.
pub type CounterState = (Vec<u64>, Vec<u64>);

/// A replica's whole state, gossiped (16 bytes per replica: one P and one
/// N entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMsg(pub CounterState);

impl Message for StateMsg {
    const KINDS: &'static [&'static str] = &["state"];
    const PAYLOAD_KINDS: u64 = 1;
    fn kind(&self) -> u8 {
        0
    }
    fn wire_bytes(&self) -> u32 {
        16 * self.0.0.len() as u32
    }
}

/// CRDT timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrdtTimer {
    /// Gossip the state to a random peer.
    Gossip,
    /// Perform a local operation.
    Op,
}

impl Timer for CrdtTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match self {
            CrdtTimer::Gossip => 1,
            CrdtTimer::Op => 2,
        }
    }
}

type CrdtSim = Sim<StateMsg, CrdtTimer>;

/// The replicated counter.
#[derive(Debug, Clone)]
pub struct Counter {
    cfg: CrdtConfig,
    state: Vec<CounterState>,
    performed_p: Vec<u64>,
    performed_n: Vec<u64>,
    violations: Vec<String>,
    converged_at: Option<Time>,
}

impl Counter {
    /// Fresh replicas.
    pub fn new(cfg: CrdtConfig) -> Self {
        let n = cfg.n;
        Counter {
            cfg,
            state: vec![(vec![0; n], vec![0; n]); n],
            performed_p: vec![0; n],
            performed_n: vec![0; n],
            violations: Vec::new(),
            converged_at: None,
        }
    }

    /// Value at replica `i`.
    pub fn value(&self, i: usize) -> i128 {
        let (p, n) = &self.state[i];
        p.iter().map(|&x| i128::from(x)).sum::<i128>()
            - n.iter().map(|&x| i128::from(x)).sum::<i128>()
    }

    /// True total of all operations performed.
    pub fn truth(&self) -> i128 {
        self.performed_p
            .iter()
            .map(|&x| i128::from(x))
            .sum::<i128>()
            - self
                .performed_n
                .iter()
                .map(|&x| i128::from(x))
                .sum::<i128>()
    }

    fn merge(&mut self, to: usize, incoming: &CounterState) {
        let sum = self.cfg.sum_merge;
        let (p, n) = &mut self.state[to];
        for (a, b) in p
            .iter_mut()
            .zip(&incoming.0)
            .chain(n.iter_mut().zip(&incoming.1))
        {
            let new = if sum {
                a.saturating_add(*b)
            } else {
                (*a).max(*b)
            };
            if new < *a {
                self.violations.push("merge decreased an entry".into());
            }
            *a = new;
        }
    }

    fn all_equal(&self) -> bool {
        self.state.windows(2).all(|w| w[0] == w[1])
    }

    /// Checker (see module docs).
    pub fn check(&mut self) -> Vec<String> {
        if !self.all_equal() {
            self.violations.push("replicas did not converge".into());
        }
        let truth = self.truth();
        for i in 0..self.cfg.n {
            if self.value(i) != truth {
                self.violations.push(format!(
                    "replica {i} value {} != sum of operations {truth}",
                    self.value(i)
                ));
                break;
            }
        }
        for i in 0..self.cfg.n {
            if self.state[i].0[i] != self.performed_p[i]
                || self.state[i].1[i] != self.performed_n[i]
            {
                self.violations
                    .push(format!("replica {i} lost or invented a local operation"));
                break;
            }
        }
        self.violations.clone()
    }
}

impl Protocol for Counter {
    type Msg = StateMsg;
    type Timer = CrdtTimer;
    fn start(&mut self, sim: &mut CrdtSim) {
        for v in 0..self.cfg.n as NodeId {
            let phase = (unit(sim.rng()) * self.cfg.period as f64) as Time;
            sim.set_timer(v, phase, CrdtTimer::Gossip);
            let gap = (-(self.cfg.op_interval as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
            sim.set_timer(v, gap, CrdtTimer::Op);
        }
    }
    fn on_message(&mut self, sim: &mut CrdtSim, to: NodeId, _from: NodeId, StateMsg(m): StateMsg) {
        self.merge(to as usize, &m);
        if self.converged_at.is_none() && sim.now() >= self.cfg.ops_until && self.all_equal() {
            self.converged_at = Some(sim.now());
        }
    }
    fn on_timer(&mut self, sim: &mut CrdtSim, v: NodeId, timer: CrdtTimer) {
        let i = v as usize;
        if timer == CrdtTimer::Gossip {
            let peer = other(sim.rng(), self.cfg.n as u32, v);
            sim.send(v, peer, StateMsg(self.state[i].clone()));
            sim.set_timer(v, self.cfg.period, CrdtTimer::Gossip);
        } else if sim.now() < self.cfg.ops_until {
            let amount = u64::from(below(sim.rng(), 5)) + 1;
            if self.cfg.pn && chance(sim.rng(), 0.5) {
                self.performed_n[i] += amount;
                self.state[i].1[i] += amount;
            } else {
                self.performed_p[i] += amount;
                self.state[i].0[i] += amount;
            }
            let gap = (-(self.cfg.op_interval as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
            sim.set_timer(v, gap.max(1), CrdtTimer::Op);
        }
    }
    fn on_recover(&mut self, sim: &mut CrdtSim, v: NodeId) {
        sim.set_timer(v, self.cfg.period, CrdtTimer::Gossip);
        sim.set_timer(v, self.cfg.op_interval, CrdtTimer::Op);
    }
}

/// Outcome of one CRDT run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrdtRun {
    /// Messages (state transfers).
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Sum of the operations performed.
    pub operations_value: i128,
    /// First time after the workload at which all replicas agreed (ns).
    pub converged_at: Option<Time>,
    /// Violations.
    pub violations: Vec<String>,
}

/// The CRDT fault mix (`--faults default` and the sweep): loss in [0, 0.3),
/// duplication in [0, 0.2), exponential latency (mean 10 ms), each replica
/// crashing with probability 0.4 during the workload ([0, 1 s)) and
/// recovering within [1, 1500] ms, a partition with probability 0.5 opening
/// in [0, 1 s) for [1, 2000] ms (healed by 3 s), and every clock skewed
/// ([`super::faults::DEFAULT_CLOCKS`]: gossip periods drift by up to ±1 %).
pub const CRDT_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(10.0),
    loss: Amount::UpTo(0.3),
    dup: Amount::UpTo(0.2),
    crash: 0.4,
    coordinator_crash: None,
    crash_at: Window::ms(1000),
    recovery: Recovery::After {
        p: 1.0,
        after: Window::ms(1500),
    },
    partition: 0.5,
    partition_at: Window::ms(1000),
    partition_for: Window::ms(2000),
    clocks: DEFAULT_CLOCKS,
};

/// One schedule of [`CRDT_MIX`] for `n` replicas.
pub fn crdt_fault_schedule(n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    CRDT_MIX.draw(&FaultTargets::all(n), r)
}

/// Run one replicated counter over `net`.
pub fn run_crdt(
    cfg: &CrdtConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<CrdtRun, SimError> {
    run_crdt_logged(cfg, net, rng, false).map(|r| r.0)
}

/// [`run_crdt`], also returning the delivery log when `log` is set.
pub(crate) fn run_crdt_logged(
    cfg: &CrdtConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(CrdtRun, Vec<crate::des::Delivery>), SimError> {
    if !(2..=256).contains(&cfg.n) {
        return Err(SimError::param(
            "nodes",
            format!("crdt-counter supports 2..=256 replicas, got {}", cfg.n),
        ));
    }
    let mut p = Counter::new(*cfg);
    let ecfg = EventConfig {
        max_time: cfg.horizon,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.n, net, &ecfg, rng)?;
    let violations = p.check();
    Ok((
        CrdtRun {
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            operations_value: p.truth(),
            converged_at: p.converged_at,
            violations,
        },
        log,
    ))
}

/// `crdt-counter` in the protocol registry.
pub struct CrdtProtocol;

/// The registry entry of the replicated counter.
pub static CRDT_COUNTER: CrdtProtocol = CrdtProtocol;

impl SimProtocol for CrdtProtocol {
    fn name(&self) -> &'static str {
        "crdt-counter"
    }
    fn about(&self) -> &'static str {
        "a G- or PN-counter CRDT: operations for 1 s, gossip every 50 ms; converged to the exact sum?"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 2,
            max: 256,
            what: "replicas",
        }
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("pn", "PN-counter: increments and decrements"),
                ("g", "G-counter: increments only"),
            ],
            default: Some("pn"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "CRDT_MIX: crash-recover, loss < 0.3, duplication < 0.2, a partition healed by 3 s, clock skew",
        )
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let pn = options.has("pn");
        let cfg = CrdtConfig::new(sc.nodes, pn);
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let net = match sc.faults {
                Faults::None => {
                    let mut net = sc.base_network();
                    if sc.crash > 0.0 {
                        // crash-recover: crashed replicas come back after 1 s
                        net.crash_fraction(cfg.n, sc.crash, 500 * MS, 0, &mut rng)?;
                        for c in &mut net.crashes {
                            c.recover_at = Some(c.at + 1000 * MS);
                        }
                    }
                    net
                }
                Faults::Default => {
                    sc.faulty_network(&CRDT_MIX, &FaultTargets::all(cfg.n), &mut rng)
                }
                Faults::Spec(spec) => {
                    // Convergence is judged after healing: crashes recover and
                    // partitions end within the spec's window, capped at 3 s.
                    let mut net = sc.with_links(spec.schedule(cfg.n, &mut rng));
                    let cap = 3000 * MS;
                    for c in &mut net.crashes {
                        c.at = c.at.min(cap - 1);
                        c.recover_at = Some(c.recover_at.unwrap_or(cap).min(cap).max(c.at + 1));
                    }
                    for p in &mut net.partitions {
                        p.start = p.start.min(cap - 1);
                        p.end = p.end.min(cap).max(p.start);
                    }
                    net
                }
            };
            let r = run_crdt(&cfg, &net, rng)?;
            let conv = r
                .converged_at
                .map(|t| t.saturating_sub(cfg.ops_until) as f64 / MS as f64);
            let ok = r.violations.is_empty();
            Ok(TrialMetrics {
                messages: r.messages as f64,
                payload: r.messages as f64,
                bytes: r.bytes as f64,
                ratio: if ok { 1.0 } else { 0.0 },
                delivered: u64::from(ok),
                eligible: 1,
                t_ave: conv,
                t_last: conv,
                hash: r.trace_hash,
                violations: r.violations,
                ..TrialMetrics::default()
            })
        })
        .param("options", if pn { "pn" } else { "g" }))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 2,
                max: 64,
                what: "replicas (PN-counter)",
            },
            mutants: &[Mutant {
                name: "sum-merge",
                bug: "merge by addition instead of maximum",
            }],
            case: |n, mutant| {
                let cfg = CrdtConfig {
                    horizon: 4500 * MS,
                    sum_merge: mutant == Some("sum-merge"),
                    ..CrdtConfig::new(n, true)
                };
                Ok(Box::new(move |mut rng, log| {
                    let net = crdt_fault_schedule(cfg.n, &mut rng);
                    let (r, deliveries) = run_crdt_logged(&cfg, &net, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![("converged_runs", Tally::Runs(r.converged_at.is_some()))],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, StateMsg::KINDS),
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::trial_rng;

    #[test]
    fn converges_without_faults() {
        for pn in [false, true] {
            let r = run_crdt(
                &CrdtConfig::new(8, pn),
                &NetworkModel::default(),
                trial_rng(1, 0),
            )
            .unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
            assert!(r.converged_at.is_some());
            assert!(r.operations_value != 0);
        }
    }

    #[test]
    fn sweep_converges_after_heal_and_mutant_is_caught() {
        use crate::sweep::sweep;
        let ok = sweep("crdt-counter", Some(5), 0, 10_000, None)
            .unwrap()
            .findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        let bad = sweep("crdt-counter", Some(5), 0, 200, Some("sum-merge"))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0 && bad.first_index.is_some());
    }
}
