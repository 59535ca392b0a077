//! Plumtree: epidemic broadcast trees (Leitão, Pereira, Rodrigues, SRDS 2007).
//!
//! Each node splits its overlay neighbours into *eager* peers (initially all)
//! and *lazy* peers (initially none).
//!
//! * First `GOSSIP(id)` from `s`: deliver; forward `GOSSIP` to eager peers ≠ `s`,
//!   send `IHAVE(id)` to lazy peers ≠ `s`; make `s` eager.
//! * Duplicate `GOSSIP(id)` from `s`: make `s` lazy and send `PRUNE` to `s`.
//! * `PRUNE` from `s`: make `s` lazy.
//! * `IHAVE(id)` from `s` for a missing `id`: remember `s`; if no timer runs for
//!   `id`, start one (`timeout1`).
//! * Timer for a still-missing `id`: take the oldest announcer `s`, make it
//!   eager, send `GRAFT(id)` to it and re-arm with `timeout2` while announcers remain.
//! * `GRAFT(id)` from `s`: make `s` eager; if the message is known, send `GOSSIP(id)`.
//! * Neighbour failure: a neighbour's crash is noticed after `detect_ns`
//!   (the TCP-connection failure detector of HyParView); the peer is dropped
//!   from both sets (no passive-view replacement is modelled).
//!
//! `IHAVE` is sent immediately rather than batched. With `eager_only` the
//! protocol is plain eager push (flooding over the overlay).
//!
//! Measures per broadcast (only broadcasts with index ≥ `warmup` are averaged):
//!
//! * **RMR** (relative message redundancy) = `m / (d − 1) − 1`, where `m` is the
//!   number of `GOSSIP` payload messages of that broadcast and `d` the number of
//!   nodes that delivered it (0 means a perfect spanning tree);
//! * **LDH** (last delivery hop) = the largest hop count of a first delivery;
//! * **reliability** = nodes up at the broadcast that delivered it / nodes up.

use super::flood::EVENT_NODES;
use crate::SimError;
use crate::des::{EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events};
use crate::net::{MS, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::below;
use crate::summary::TrialMetrics;
use crate::topology::{Graph, Topology};
use std::collections::BTreeMap;

/// Plumtree message; each carries its size (`payload_bytes` for `GOSSIP`,
/// `control_bytes` for the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtMsg {
    /// `GOSSIP(id)`: the payload, after `hops` hops.
    Gossip {
        /// Broadcast id.
        id: u32,
        /// Hops travelled.
        hops: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// `IHAVE(id)`.
    IHave {
        /// Broadcast id.
        id: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// `GRAFT(id)`.
    Graft {
        /// Broadcast id.
        id: u32,
        /// Size on the wire.
        bytes: u32,
    },
    /// `PRUNE`.
    Prune {
        /// Size on the wire.
        bytes: u32,
    },
}

message_kinds! {
    enum PtKind { Gossip = "gossip", IHave = "ihave", Graft = "graft", Prune = "prune" }
}

impl Message for PtMsg {
    const KINDS: &'static [&'static str] = PtKind::NAMES;
    const PAYLOAD_KINDS: u64 = PtKind::Gossip.bit();
    fn kind(&self) -> u8 {
        (match self {
            PtMsg::Gossip { .. } => PtKind::Gossip,
            PtMsg::IHave { .. } => PtKind::IHave,
            PtMsg::Graft { .. } => PtKind::Graft,
            PtMsg::Prune { .. } => PtKind::Prune,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match *self {
            PtMsg::Gossip { bytes, .. }
            | PtMsg::IHave { bytes, .. }
            | PtMsg::Graft { bytes, .. }
            | PtMsg::Prune { bytes } => bytes,
        }
    }
}

/// Plumtree timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtTimer {
    /// Start broadcast `b` (at its source).
    Broadcast(u32),
    /// Broadcast `id` announced by `IHAVE` is still missing: GRAFT.
    Missing(u32),
    /// The failure detector reports this neighbour down.
    NeighbourDown(NodeId),
}

impl Timer for PtTimer {
    fn trace_id(&self, _gen: u64) -> u64 {
        match *self {
            PtTimer::Broadcast(b) => 1 << 62 | u64::from(b),
            PtTimer::Missing(id) => u64::from(id),
            PtTimer::NeighbourDown(v) => 1 << 61 | u64::from(v),
        }
    }
}

type PtSim = Sim<PtMsg, PtTimer>;

/// Plumtree (or eager push) configuration and state.
#[derive(Debug, Clone)]
pub struct Plumtree<'g> {
    graph: &'g Graph,
    /// Plain eager push (flooding) instead of Plumtree.
    pub eager_only: bool,
    /// Number of broadcasts.
    pub broadcasts: u32,
    /// Time between broadcast starts.
    pub interval: Time,
    /// First `warmup` broadcasts are not averaged.
    pub warmup: u32,
    /// IHAVE timeout before the first GRAFT.
    pub timeout1: Time,
    /// Timeout between later GRAFTs.
    pub timeout2: Time,
    /// Failure-detection delay for crashed neighbours.
    pub detect_ns: Time,
    /// Payload size.
    pub payload_bytes: u32,
    /// Control message size.
    pub control_bytes: u32,
    sources: Vec<NodeId>,
    eager: Vec<Vec<NodeId>>,
    lazy: Vec<Vec<NodeId>>,
    hop: Vec<u32>,
    missing: BTreeMap<(NodeId, u32), (Vec<NodeId>, bool)>,
    start_time: Vec<Time>,
    payload: Vec<u64>,
    delivered: Vec<u32>,
    ldh: Vec<u32>,
    last_time: Vec<Time>,
    up_at_start: Vec<u32>,
}

impl<'g> Plumtree<'g> {
    /// `broadcasts` broadcasts from the given `sources` (one per broadcast, cycled)
    /// every `interval`; timeouts default to 20× / 10× `latency_hint` (longer than a
    /// typical tree path, so GRAFTs mostly repair failures rather than races).
    pub fn new(
        graph: &'g Graph,
        eager_only: bool,
        broadcasts: u32,
        interval: Time,
        sources: Vec<NodeId>,
        latency_hint: Time,
    ) -> Self {
        let n = graph.n();
        let b = broadcasts as usize;
        Plumtree {
            graph,
            eager_only,
            broadcasts,
            interval,
            warmup: 1,
            timeout1: 20 * latency_hint,
            timeout2: 10 * latency_hint,
            detect_ns: 2 * latency_hint,
            payload_bytes: 1024,
            control_bytes: 32,
            sources,
            eager: (0..n as NodeId)
                .map(|v| graph.neighbors(v).to_vec())
                .collect(),
            lazy: vec![Vec::new(); n],
            hop: vec![u32::MAX; n * b],
            missing: BTreeMap::new(),
            start_time: vec![0; b],
            payload: vec![0; b],
            delivered: vec![0; b],
            ldh: vec![0; b],
            last_time: vec![0; b],
            up_at_start: vec![0; b],
        }
    }

    fn idx(&self, v: NodeId, id: u32) -> usize {
        v as usize * self.broadcasts as usize + id as usize
    }

    fn make_eager(&mut self, v: NodeId, s: NodeId) {
        let (e, l) = (&mut self.eager[v as usize], &mut self.lazy[v as usize]);
        l.retain(|&x| x != s);
        if !e.contains(&s) {
            e.push(s);
        }
    }

    fn make_lazy(&mut self, v: NodeId, s: NodeId) {
        let (e, l) = (&mut self.eager[v as usize], &mut self.lazy[v as usize]);
        e.retain(|&x| x != s);
        if !l.contains(&s) {
            l.push(s);
        }
    }

    fn deliver(&mut self, sim: &mut PtSim, v: NodeId, from: Option<NodeId>, id: u32, hops: u32) {
        let i = self.idx(v, id);
        self.hop[i] = hops;
        let b = id as usize;
        self.delivered[b] += 1;
        self.ldh[b] = self.ldh[b].max(hops);
        self.last_time[b] = self.last_time[b].max(sim.now() - self.start_time[b]);
        if id + 1 == self.broadcasts {
            sim.mark_delivered(v, hops);
        }
        self.missing.remove(&(v, id));
        let msg = PtMsg::Gossip {
            id,
            hops: hops + 1,
            bytes: self.payload_bytes,
        };
        let ihave = PtMsg::IHave {
            id,
            bytes: self.control_bytes,
        };
        if self.eager_only {
            for &u in self.graph.neighbors(v) {
                if Some(u) != from {
                    self.payload[b] += 1;
                    sim.send(v, u, msg);
                }
            }
            return;
        }
        for k in 0..self.eager[v as usize].len() {
            let u = self.eager[v as usize][k];
            if Some(u) != from {
                self.payload[b] += 1;
                sim.send(v, u, msg);
            }
        }
        for k in 0..self.lazy[v as usize].len() {
            let u = self.lazy[v as usize][k];
            if Some(u) != from {
                sim.send(v, u, ihave);
            }
        }
        if let Some(s) = from {
            self.make_eager(v, s);
        }
    }

    /// Per-broadcast (RMR, LDH, reliability, last delivery time) for broadcasts ≥ warmup
    /// that reached at least two nodes.
    pub fn per_broadcast(&self) -> Vec<(f64, u32, f64, Time)> {
        (self.warmup as usize..self.broadcasts as usize)
            .filter(|&b| self.delivered[b] >= 2)
            .map(|b| {
                let d = f64::from(self.delivered[b]);
                let rmr = self.payload[b] as f64 / (d - 1.0) - 1.0;
                let rel = d / f64::from(self.up_at_start[b].max(1));
                (rmr, self.ldh[b], rel.min(1.0), self.last_time[b])
            })
            .collect()
    }
}

impl Protocol for Plumtree<'_> {
    type Msg = PtMsg;
    type Timer = PtTimer;
    fn start(&mut self, sim: &mut PtSim) {
        for b in 0..self.broadcasts {
            if self.sources.is_empty() {
                break;
            }
            let s = self.sources[b as usize % self.sources.len()];
            sim.set_timer(s, Time::from(b) * self.interval, PtTimer::Broadcast(b));
        }
    }
    fn on_message(&mut self, sim: &mut PtSim, to: NodeId, from: NodeId, msg: PtMsg) {
        let have = |p: &Self, id: u32| p.hop[p.idx(to, id)] != u32::MAX;
        match msg {
            PtMsg::Gossip { id, hops, .. } => {
                if !have(self, id) {
                    self.deliver(sim, to, Some(from), id, hops);
                } else if !self.eager_only {
                    self.make_lazy(to, from);
                    let prune = PtMsg::Prune {
                        bytes: self.control_bytes,
                    };
                    sim.send(to, from, prune);
                }
            }
            PtMsg::IHave { id, .. } => {
                if !have(self, id) {
                    let entry = self.missing.entry((to, id)).or_insert((Vec::new(), false));
                    entry.0.push(from);
                    if !entry.1 {
                        entry.1 = true;
                        sim.set_timer(to, self.timeout1, PtTimer::Missing(id));
                    }
                }
            }
            PtMsg::Graft { id, .. } => {
                self.make_eager(to, from);
                if have(self, id) {
                    let hops = self.hop[self.idx(to, id)] + 1;
                    self.payload[id as usize] += 1;
                    let gossip = PtMsg::Gossip {
                        id,
                        hops,
                        bytes: self.payload_bytes,
                    };
                    sim.send(to, from, gossip);
                }
            }
            PtMsg::Prune { .. } => self.make_lazy(to, from),
        }
    }
    fn on_timer(&mut self, sim: &mut PtSim, node: NodeId, timer: PtTimer) {
        let bid = match timer {
            PtTimer::Broadcast(b) => {
                self.start_time[b as usize] = sim.now();
                self.up_at_start[b as usize] =
                    (0..sim.n() as NodeId).filter(|&v| sim.is_up(v)).count() as u32;
                self.deliver(sim, node, None, b, 0);
                return;
            }
            PtTimer::NeighbourDown(dead) => {
                self.eager[node as usize].retain(|&x| x != dead);
                self.lazy[node as usize].retain(|&x| x != dead);
                return;
            }
            PtTimer::Missing(bid) => bid,
        };
        if self.hop[self.idx(node, bid)] != u32::MAX {
            return;
        }
        let next = match self.missing.get_mut(&(node, bid)) {
            Some((ann, running)) if !ann.is_empty() => {
                let s = ann.remove(0);
                *running = !ann.is_empty();
                s
            }
            Some((_, running)) => {
                *running = false;
                return;
            }
            None => return,
        };
        self.make_eager(node, next);
        let graft = PtMsg::Graft {
            id: bid,
            bytes: self.control_bytes,
        };
        sim.send(node, next, graft);
        if self.missing.get(&(node, bid)).is_some_and(|e| e.1) {
            sim.set_timer(node, self.timeout2, timer);
        }
    }
    fn on_crash(&mut self, sim: &mut PtSim, node: NodeId) {
        for &u in self.graph.neighbors(node) {
            if sim.is_up(u) {
                sim.set_timer(u, self.detect_ns, PtTimer::NeighbourDown(node));
            }
        }
    }
    fn extra(&self, _sim: &PtSim) -> BTreeMap<String, f64> {
        let rows = self.per_broadcast();
        let m = rows.len().max(1) as f64;
        let mut out = BTreeMap::new();
        out.insert("rmr".into(), rows.iter().map(|r| r.0).sum::<f64>() / m);
        out.insert(
            "last_delivery_hop".into(),
            rows.iter().map(|r| f64::from(r.1)).sum::<f64>() / m,
        );
        out.insert(
            "reliability".into(),
            rows.iter().map(|r| r.2).sum::<f64>() / m,
        );
        out.insert("last_delivery_ns".into(), self.mean_last_delivery_ns());
        out.insert("measured_broadcasts".into(), rows.len() as f64);
        out
    }
}

impl Plumtree<'_> {
    /// Mean over the measured broadcasts of the time from a broadcast's start
    /// to its last delivery (ns).
    pub fn mean_last_delivery_ns(&self) -> f64 {
        let rows = self.per_broadcast();
        let m = rows.len().max(1) as f64;
        rows.iter().map(|r| r.3 as f64).sum::<f64>() / m
    }
}

/// `plumtree` and `eager-push` in the protocol registry.
pub struct PlumtreeProtocol {
    eager: bool,
}

/// The registry entry of Plumtree.
pub static PLUMTREE: PlumtreeProtocol = PlumtreeProtocol { eager: false };
/// The registry entry of plain eager push on the same overlay.
pub static EAGER_PUSH: PlumtreeProtocol = PlumtreeProtocol { eager: true };

impl SimProtocol for PlumtreeProtocol {
    fn name(&self) -> &'static str {
        if self.eager { "eager-push" } else { "plumtree" }
    }
    fn about(&self) -> &'static str {
        if self.eager {
            "eager push of `broadcasts` broadcasts over `overlay` (default hyparview:5), Plumtree's baseline"
        } else {
            "Plumtree epidemic broadcast trees: `broadcasts` broadcasts over `overlay` (default hyparview:5)"
        }
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn nodes(&self) -> NodeRange {
        EVENT_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Overlay, Knob::Broadcasts]
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let overlay = sc
            .params
            .overlay
            .clone()
            .unwrap_or(Topology::HyParView { active: 5 });
        let b = sc.params.broadcasts.unwrap_or(10);
        if !(2..=1000).contains(&b) {
            return Err(SimError::param(
                "broadcasts",
                format!("must be in 2..=1000, got {b}"),
            ));
        }
        let eager = self.eager;
        let name = overlay.name();
        let memory = super::flood::graph_broadcast_bytes(overlay.expected_adjacency(sc.nodes));
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let n = sc.nodes;
            let g = overlay.build(n, &mut rng)?;
            let mut net = sc.base_network();
            let hint = latency_hint(&net.latency);
            let interval = 1000 * MS + 100 * hint;
            // crashes happen after the first broadcast
            let crashed = net.crash_fraction(n, sc.crash, interval + interval / 2, 0, &mut rng)?;
            let mut is_crashed = vec![false; n];
            for &c in &crashed {
                is_crashed[c as usize] = true;
            }
            let live: Vec<NodeId> = (0..n as NodeId)
                .filter(|&v| !is_crashed[v as usize])
                .collect();
            let sources: Vec<NodeId> = (0..b)
                .map(|_| live[below(&mut rng, live.len() as u32) as usize])
                .collect();
            let mut p = Plumtree::new(&g, eager, b, interval, sources, hint);
            let cfg = EventConfig {
                origin: None,
                ..EventConfig::default()
            };
            let (m, _) = run_events(&mut p, n, &net, &cfg, rng)?;
            let mut t = TrialMetrics::from_run(m, false);
            // Delivery statistics refer to the last broadcast; its time origin is its start.
            let ms = |x: f64| x / MS as f64;
            let start = f64::from(b - 1) * interval as f64;
            t.t_ave = t.t_ave.map(|x| x - ms(start));
            t.t_last = Some(ms(p.mean_last_delivery_ns()));
            Ok(t)
        })
        .param("overlay", name)
        .param("broadcasts", b)
        .memory(memory))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::des::{EventConfig, run_events};
    use crate::net::{MS, NetworkModel};
    use crate::rng::trial_rng;
    use crate::topology::Topology;

    fn run(
        eager_only: bool,
        crash: f64,
        seed: u64,
    ) -> (crate::metrics::RunMetrics, Vec<(f64, u32, f64, Time)>) {
        let n = 300;
        let mut rng = trial_rng(seed, 0);
        let g = Topology::HyParView { active: 5 }
            .build(n, &mut rng)
            .unwrap();
        let mut net = NetworkModel::default();
        let crashed = net
            .crash_fraction(n, crash, 1500 * MS, 0, &mut rng)
            .unwrap();
        let sources: Vec<NodeId> = (0..n as NodeId)
            .filter(|v| !crashed.contains(v))
            .take(7)
            .collect();
        let mut p = Plumtree::new(&g, eager_only, 6, 1000 * MS, sources, 10 * MS);
        let (m, _) = run_events(&mut p, n, &net, &EventConfig::default(), rng).unwrap();
        (m, p.per_broadcast())
    }

    #[test]
    fn plumtree_builds_a_tree() {
        let (_, rows) = run(false, 0.0, 1);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r.2, 1.0, "broadcast {i} reliability");
            // after the first broadcast the eager graph is a spanning tree
            assert!(r.0 < 0.02, "broadcast {i} rmr {}", r.0);
        }
        let (_, eager) = run(true, 0.0, 1);
        assert!(eager.iter().all(|r| r.0 > 1.0 && r.2 == 1.0));
    }

    #[test]
    fn plumtree_repairs_after_crashes() {
        for seed in 2..5 {
            let (_, rows) = run(false, 0.2, seed);
            let (_, eager) = run(true, 0.2, seed);
            // Broadcasts after the crash (index >= 2) reach every live node that
            // flooding reaches on the same overlay (tree repaired by GRAFT).
            for (r, e) in rows.iter().zip(&eager).skip(1) {
                assert!(e.2 > 0.9);
                assert_eq!(
                    r.2, e.2,
                    "seed {seed}: reliability {} vs eager {}",
                    r.2, e.2
                );
            }
            // Once repaired, the tree is cheap again.
            assert!(rows.last().unwrap().0 < 0.1, "{:?}", rows);
            eprintln!("{rows:?}");
        }
    }
}
