//! Heartbeat health checking with aggregation.
//!
//! * **Full mesh**: every `period` each node sends a heartbeat to every other
//!   node — `n(n−1)` messages per period. Node `v` suspects `u` when it has
//!   not heard from `u` for `timeout_periods · period`; a crash is *detected*
//!   when every live node suspects it.
//! * **Hierarchical**: nodes form groups of `group` consecutive ids; the first
//!   id of a group is its leader and node 0 (leader of group 0) is the root.
//!   Members heartbeat their leader every period; every leader sends the root
//!   one aggregate per period listing its suspected members —
//!   `(n − G) + (G − 1) = n − 1` messages per period for `G` groups. A member
//!   crash is detected when the root receives an aggregate naming it; a leader
//!   crash when the root's own timeout for that leader's aggregates expires.
//!   When the root detects a leader crash it sends `ADOPT` to that group's
//!   members, which from then on heartbeat the root directly (the root
//!   starts their timeout at the adoption instant), so crashed members of a
//!   crashed leader are still detected.
//!
//! Detection latency is measured from the crash instant. False suspicions
//! (a live node suspected, e.g. through loss) are counted.

use super::flood::EVENT_NODES;
use crate::SimError;
use crate::des::{EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events};
use crate::net::{MS, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol,
};
use crate::summary::TrialMetrics;
use std::collections::BTreeMap;

/// Health-checking topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthMode {
    /// All-to-all heartbeats.
    FullMesh,
    /// Groups with leaders reporting to a root.
    Hierarchical {
        /// Group size (`>= 2`).
        group: u32,
    },
}

/// Health-checking message (fixed 16-byte header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthMsg {
    /// A heartbeat.
    Heartbeat,
    /// A group leader's aggregate over its group of `group` nodes (4 bytes each).
    Aggregate {
        /// Nodes of the group, the leader included.
        group: u32,
    },
    /// The root adopts an orphaned member.
    Adopt,
}

message_kinds! {
    enum HealthKind { Heartbeat = "heartbeat", Aggregate = "aggregate", Adopt = "adopt" }
}

impl Message for HealthMsg {
    const KINDS: &'static [&'static str] = HealthKind::NAMES;
    const PAYLOAD_KINDS: u64 = HealthKind::Heartbeat.bit() | HealthKind::Aggregate.bit();
    fn kind(&self) -> u8 {
        (match self {
            HealthMsg::Heartbeat => HealthKind::Heartbeat,
            HealthMsg::Aggregate { .. } => HealthKind::Aggregate,
            HealthMsg::Adopt => HealthKind::Adopt,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            HealthMsg::Aggregate { group } => 16 + 4 * group,
            HealthMsg::Heartbeat | HealthMsg::Adopt => 16,
        }
    }
}

/// The one timer of health checking: the node's next period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period;

impl Timer for Period {
    fn trace_id(&self, _gen: u64) -> u64 {
        1
    }
}

type HealthSim = Sim<HealthMsg, Period>;

/// Health-checking protocol state.
#[derive(Debug, Clone)]
pub struct HealthCheck {
    mode: HealthMode,
    n: usize,
    /// Heartbeat period.
    pub period: Time,
    /// Periods of silence before suspicion.
    pub timeout_periods: u32,
    /// Number of periods to run.
    pub periods: u32,
    crash_time: BTreeMap<NodeId, Time>,
    // FullMesh: last_heard[v*n+u]; Hierarchical: leader's view of members and
    // the root's view of leaders (indexed by node).
    last_heard: Vec<Time>,
    suspected: Vec<bool>,
    suspect_count: Vec<u32>,
    detected_at: BTreeMap<NodeId, Time>,
    false_suspicions: u64,
    parent: Vec<NodeId>,
    adopted: Vec<NodeId>,
    root_view: Vec<Time>,
}

impl HealthCheck {
    /// `periods` periods of health checking on `n` nodes; `crashes` lists the
    /// nodes that will crash and when (used only to score detection).
    pub fn new(
        mode: HealthMode,
        n: usize,
        period: Time,
        periods: u32,
        crashes: &[(NodeId, Time)],
    ) -> Self {
        let cells = match mode {
            HealthMode::FullMesh => n * n,
            HealthMode::Hierarchical { .. } => n,
        };
        HealthCheck {
            mode,
            n,
            period,
            timeout_periods: 3,
            periods,
            crash_time: crashes.iter().copied().collect(),
            last_heard: vec![0; cells],
            suspected: vec![false; cells],
            suspect_count: vec![0; n],
            detected_at: BTreeMap::new(),
            false_suspicions: 0,
            parent: match mode {
                HealthMode::FullMesh => Vec::new(),
                HealthMode::Hierarchical { group } => {
                    (0..n as NodeId).map(|v| v - v % group).collect()
                }
            },
            adopted: Vec::new(),
            root_view: vec![0; n],
        }
    }

    fn leader_of(&self, v: NodeId, group: u32) -> NodeId {
        v - v % group
    }

    fn suspect(&mut self, sim: &HealthSim, cell: usize, target: NodeId, full_mesh_live: usize) {
        if self.suspected[cell] {
            return;
        }
        self.suspected[cell] = true;
        match self.crash_time.get(&target) {
            Some(&t) if sim.now() >= t => {
                self.suspect_count[target as usize] += 1;
                let needed = if matches!(self.mode, HealthMode::FullMesh) {
                    full_mesh_live
                } else {
                    1
                };
                if self.suspect_count[target as usize] as usize >= needed {
                    self.detected_at.entry(target).or_insert(sim.now() - t);
                }
            }
            _ => self.false_suspicions += 1,
        }
    }

    /// Detection latency (ns) per crashed node that was detected.
    pub fn detections(&self) -> &BTreeMap<NodeId, Time> {
        &self.detected_at
    }
}

impl Protocol for HealthCheck {
    type Msg = HealthMsg;
    type Timer = Period;
    fn start(&mut self, sim: &mut HealthSim) {
        for v in 0..self.n as NodeId {
            sim.set_timer(v, self.period, Period);
        }
    }
    fn on_message(&mut self, sim: &mut HealthSim, to: NodeId, from: NodeId, msg: HealthMsg) {
        let now = sim.now();
        match (self.mode, msg) {
            (HealthMode::FullMesh, _) => {
                let cell = to as usize * self.n + from as usize;
                self.last_heard[cell] = now;
            }
            (HealthMode::Hierarchical { .. }, HealthMsg::Heartbeat) => {
                if to == 0 {
                    self.root_view[from as usize] = now;
                }
                self.last_heard[from as usize] = now;
            }
            (HealthMode::Hierarchical { .. }, HealthMsg::Adopt) => self.parent[to as usize] = from,
            (HealthMode::Hierarchical { group }, _) => {
                // Aggregate from leader `from` at the root: it carries the
                // leader's current suspicions (read from its state).
                self.last_heard[from as usize] = now;
                let members = from + 1..(from + group).min(self.n as NodeId);
                for m in members {
                    if self.suspected[m as usize] {
                        let root_cell = m as usize; // leader-level suspicion is reported
                        self.report_at_root(sim, root_cell, m);
                    }
                }
            }
        }
    }
    fn on_timer(&mut self, sim: &mut HealthSim, v: NodeId, _timer: Period) {
        let now = sim.now();
        let deadline = u64::from(self.timeout_periods) * self.period;
        match self.mode {
            HealthMode::FullMesh => {
                for u in 0..self.n as NodeId {
                    if u != v {
                        sim.send(v, u, HealthMsg::Heartbeat);
                    }
                }
                let live = (0..self.n as NodeId).filter(|&x| sim.is_up(x)).count();
                for u in 0..self.n as NodeId {
                    let cell = v as usize * self.n + u as usize;
                    if u != v && now.saturating_sub(self.last_heard[cell]) > deadline {
                        // every live node other than the target must suspect it
                        let needed = live - usize::from(sim.is_up(u));
                        self.suspect(sim, cell, u, needed);
                    }
                }
            }
            HealthMode::Hierarchical { group } => {
                let leader = self.leader_of(v, group);
                if leader != v {
                    sim.send(v, self.parent[v as usize], HealthMsg::Heartbeat);
                } else {
                    let end = (v + group).min(self.n as NodeId);
                    for m in v + 1..end {
                        if now.saturating_sub(self.last_heard[m as usize]) > deadline {
                            // leader-local suspicion, reported in the aggregate
                            self.suspected[m as usize] = true;
                        }
                    }
                    if v != 0 {
                        sim.send(v, 0, HealthMsg::Aggregate { group: end - v });
                    } else {
                        // The root is leader of group 0 and reads its own suspicions,
                        // and checks the other leaders' aggregates.
                        for m in 1..end {
                            if self.suspected[m as usize] {
                                self.report_at_root(sim, m as usize, m);
                            }
                        }
                        let mut l = group;
                        while (l as usize) < self.n {
                            if now.saturating_sub(self.last_heard[l as usize]) > deadline
                                && !self.suspected[l as usize]
                            {
                                self.suspected[l as usize] = true;
                                self.report_at_root(sim, l as usize, l);
                                // adopt the orphaned group
                                for m in l + 1..(l + group).min(self.n as NodeId) {
                                    sim.send(0, m, HealthMsg::Adopt);
                                    self.root_view[m as usize] = now;
                                    self.adopted.push(m);
                                }
                            }
                            l += group;
                        }
                        for i in 0..self.adopted.len() {
                            let m = self.adopted[i];
                            if now.saturating_sub(self.root_view[m as usize]) > deadline {
                                self.report_at_root(sim, m as usize, m);
                            }
                        }
                    }
                }
            }
        }
        if now < u64::from(self.periods) * self.period {
            sim.set_timer(v, self.period, Period);
        }
    }
    fn extra(&self, _sim: &HealthSim) -> BTreeMap<String, f64> {
        let crashed = self.crash_time.len() as f64;
        let det: Vec<f64> = self.detected_at.values().map(|&t| t as f64).collect();
        let mean = if det.is_empty() {
            f64::NAN
        } else {
            det.iter().sum::<f64>() / det.len() as f64
        };
        let max = det.iter().copied().fold(f64::NAN, f64::max);
        BTreeMap::from([
            ("crashed".into(), crashed),
            ("detected".into(), det.len() as f64),
            ("detect_mean_ns".into(), mean),
            ("detect_max_ns".into(), max),
            ("false_suspicions".into(), self.false_suspicions as f64),
        ])
    }
}

impl HealthCheck {
    fn report_at_root(&mut self, sim: &HealthSim, _cell: usize, target: NodeId) {
        if let Some(&t) = self.crash_time.get(&target)
            && sim.now() >= t
        {
            self.detected_at.entry(target).or_insert(sim.now() - t);
        } else if !self.detected_at.contains_key(&target) {
            // a live node reported as failed: count once per report
            self.false_suspicions += 1;
        }
    }
}

/// Largest accepted `nodes` for full-mesh health checking (n² messages per period).
pub const MAX_FULL_MESH_NODES: usize = 2_000;

/// `health-check` in the protocol registry.
pub struct HealthProtocol;

/// The registry entry of heartbeat health checking.
pub static HEALTH_CHECK: HealthProtocol = HealthProtocol;

impl SimProtocol for HealthProtocol {
    fn name(&self) -> &'static str {
        "health-check"
    }
    fn about(&self) -> &'static str {
        "heartbeats for 20 periods of 100 ms, crashes at 2.5 periods: detection latency and messages"
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn nodes(&self) -> NodeRange {
        EVENT_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Fanout]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                (
                    "hierarchical",
                    "groups of `fanout` (default ⌈√n⌉) with aggregators",
                ),
                ("full-mesh", "every node heartbeats every other node"),
            ],
            default: Some("hierarchical"),
        }]
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        let (mode, prepared_params): (HealthMode, Vec<(&str, String)>) = if options.has("full-mesh")
        {
            if n > MAX_FULL_MESH_NODES {
                return Err(SimError::param(
                    "nodes",
                    format!(
                        "full-mesh health checking sends n(n-1) messages per period; valid: 2..={MAX_FULL_MESH_NODES}, got {n}"
                    ),
                ));
            }
            (HealthMode::FullMesh, vec![("options", "full-mesh".into())])
        } else {
            let g = sc
                .params
                .fanout
                .unwrap_or_else(|| (n as f64).sqrt().ceil() as usize)
                .max(2);
            (
                HealthMode::Hierarchical { group: g as u32 },
                vec![
                    ("options", "hierarchical".into()),
                    ("fanout", g.to_string()),
                ],
            )
        };
        let mut prepared = Prepared::new(move |sc: &Scenario, mut rng| {
            let period = 100 * MS;
            let crash_at = 5 * period / 2;
            let mut net = sc.base_network();
            let crashed = net.crash_fraction(sc.nodes, sc.crash, crash_at, 0, &mut rng)?;
            let list: Vec<(NodeId, u64)> = crashed.iter().map(|&c| (c, crash_at)).collect();
            let mut p = HealthCheck::new(mode, sc.nodes, period, 20, &list);
            let cfg = EventConfig {
                origin: None,
                ..EventConfig::default()
            };
            let (m, _) = run_events(&mut p, sc.nodes, &net, &cfg, rng)?;
            let det = p.detections();
            let vals: Vec<f64> = det.values().map(|&t| t as f64 / MS as f64).collect();
            let mut t = TrialMetrics::from_run(m, false);
            t.delivered = det.len() as u64;
            t.eligible = crashed.len() as u64;
            t.ratio = if crashed.is_empty() {
                1.0
            } else {
                det.len() as f64 / crashed.len() as f64
            };
            t.t_ave = (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64);
            t.t_last = vals.iter().copied().reduce(f64::max);
            let per_period = t.messages / 20.0;
            Ok(t.with("messages_per_period", per_period))
        });
        for (k, v) in prepared_params {
            prepared = prepared.param(k, v);
        }
        Ok(prepared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::des::{EventConfig, run_events};
    use crate::net::{Crash, MS, NetworkModel};
    use crate::rng::trial_rng;

    fn run(mode: HealthMode, n: usize) -> (crate::metrics::RunMetrics, HealthCheck) {
        let crash_at = 250 * MS;
        let crashes = vec![(5, crash_at), (13, crash_at)];
        let net = NetworkModel {
            crashes: crashes
                .iter()
                .map(|&(node, at)| Crash {
                    node,
                    at,
                    recover_at: None,
                })
                .collect(),
            ..NetworkModel::default()
        };
        let mut p = HealthCheck::new(mode, n, 100 * MS, 12, &crashes);
        let cfg = EventConfig {
            origin: None,
            ..EventConfig::default()
        };
        let (m, _) = run_events(&mut p, n, &net, &cfg, trial_rng(1, 0)).unwrap();
        (m, p)
    }

    #[test]
    fn full_mesh_detects_and_counts() {
        let (m, p) = run(HealthMode::FullMesh, 20);
        assert_eq!(p.detections().len(), 2);
        assert_eq!(m.extra["false_suspicions"], 0.0);
        // timeout 3 periods: detection within (3, 5] periods of the crash
        for &d in p.detections().values() {
            assert!(d > 300 * MS && d <= 500 * MS, "{d}");
        }
        // 20·19 per period for live senders: periods 1,2 all 20 nodes, later 18.
        let expected = 2 * 20 * 19 + 10 * 18 * 19;
        assert_eq!(m.messages, expected as u64);
    }

    #[test]
    fn hierarchical_detects_with_n_minus_1_messages_per_period() {
        let (m, p) = run(HealthMode::Hierarchical { group: 4 }, 20);
        assert_eq!(p.detections().len(), 2);
        assert_eq!(m.extra["false_suspicions"], 0.0);
        // 19 messages per period before the crash (2 periods)
        assert!(m.messages <= 19 * 13);
        assert!(m.messages >= 17 * 11);
    }
}
