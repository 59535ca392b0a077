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

use crate::SimError;
use crate::des::{EventConfig, Protocol, Sim, run_events};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{Crash, LatencyDist, MS, NetworkModel, NodeId, Partition, Time};
use crate::rng::{ChaCha8Rng, below, chance, other, unit};
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

const T_GOSSIP: u64 = 1;
const T_OP: u64 = 2;

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
    type Msg = CounterState;
    fn kinds(&self) -> &'static [&'static str] {
        &["state"]
    }
    fn payload_kinds(&self) -> u64 {
        1
    }
    fn start(&mut self, sim: &mut Sim<CounterState>) {
        for v in 0..self.cfg.n as NodeId {
            let phase = (unit(sim.rng()) * self.cfg.period as f64) as Time;
            sim.set_timer(v, phase, T_GOSSIP);
            let gap = (-(self.cfg.op_interval as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
            sim.set_timer(v, gap, T_OP);
        }
    }
    fn on_message(
        &mut self,
        sim: &mut Sim<CounterState>,
        to: NodeId,
        _from: NodeId,
        _k: u8,
        m: CounterState,
    ) {
        self.merge(to as usize, &m);
        if self.converged_at.is_none() && sim.now() >= self.cfg.ops_until && self.all_equal() {
            self.converged_at = Some(sim.now());
        }
    }
    fn on_timer(&mut self, sim: &mut Sim<CounterState>, v: NodeId, id: u64) {
        let i = v as usize;
        if id == T_GOSSIP {
            let peer = other(sim.rng(), self.cfg.n as u32, v);
            let bytes = 16 * self.cfg.n as u32;
            sim.send(v, peer, 0, bytes, self.state[i].clone());
            sim.set_timer(v, self.cfg.period, T_GOSSIP);
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
            sim.set_timer(v, gap.max(1), T_OP);
        }
    }
    fn on_recover(&mut self, sim: &mut Sim<CounterState>, v: NodeId) {
        sim.set_timer(v, self.cfg.period, T_GOSSIP);
        sim.set_timer(v, self.cfg.op_interval, T_OP);
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

/// Seeded fault schedule: loss in [0, 0.3), duplication in [0, 0.2),
/// exponential latency (mean 10 ms), each replica crashing with probability
/// 0.4 during the workload and recovering within 1.5 s, a partition with
/// probability 0.5 healing by 3 s, and every clock skewed by
/// [`super::faults::default_clocks`] (gossip periods drift by up to ±1 %).
pub fn crdt_fault_schedule(n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    let clocks = super::faults::default_clocks(n, r);
    let mut crashes = Vec::new();
    for v in 0..n as NodeId {
        if chance(r, 0.4) {
            let at = u64::from(below(r, 1000)) * MS;
            crashes.push(Crash {
                node: v,
                at,
                recover_at: Some(at + u64::from(below(r, 1500) + 1) * MS),
            });
        }
    }
    let mut partitions = Vec::new();
    if chance(r, 0.5) {
        let start = u64::from(below(r, 1000)) * MS;
        let end = start + u64::from(below(r, 2000) + 1) * MS;
        partitions.push(Partition {
            start,
            end,
            side: (0..n as NodeId).filter(|_| chance(r, 0.5)).collect(),
        });
    }
    NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 1e7 },
        loss: unit(r) * 0.3,
        duplication: unit(r) * 0.2,
        crashes,
        partitions,
        clocks,
        ..NetworkModel::default()
    }
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

/// Sweep `runs` seeded fault schedules; returns (violating runs, first violating index).
pub fn sweep_crdt(cfg: &CrdtConfig, seed: u64, runs: u32) -> Result<(u64, Option<u64>), SimError> {
    let res = run_trials(seed, runs, &no_progress, |i, mut rng| {
        let net = crdt_fault_schedule(cfg.n, &mut rng);
        Ok((i, run_crdt(cfg, &net, rng)?.violations.is_empty()))
    })?;
    let bad: Vec<u64> = res.iter().filter(|r| !r.1).map(|r| r.0).collect();
    Ok((bad.len() as u64, bad.first().copied()))
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
        let cfg = CrdtConfig {
            horizon: 4500 * MS,
            ..CrdtConfig::new(5, true)
        };
        let (bad, first) = sweep_crdt(&cfg, 0, 10_000).unwrap();
        assert_eq!(bad, 0, "first violating schedule {first:?}");
        let (bad, first) = sweep_crdt(
            &CrdtConfig {
                sum_merge: true,
                ..cfg
            },
            0,
            200,
        )
        .unwrap();
        assert!(bad > 0 && first.is_some());
    }
}
