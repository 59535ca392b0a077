//! Flooding and tree broadcast.
//!
//! **Flooding**: the origin sends the payload to all its neighbours; every
//! other node, on its *first* reception, forwards it to all neighbours except
//! the one it first received it from, and ignores later copies. On a
//! connected graph with no loss or crash each node forwards exactly once, so
//! the number of payload messages is
//! `deg(origin) + Σ_{v ≠ origin} (deg(v) − 1) = 2|E| − (n − 1)`,
//! independent of latencies.
//!
//! **Tree broadcast**: nodes are arranged in a `k`-ary tree by id (children
//! of `i` are `k·i + 1 … k·i + k`, root 0); each node forwards to its
//! children: exactly `n − 1` messages and `⌈log_k((k−1)n + 1)⌉ − 1` hops.

use crate::SimError;
use crate::des::{EventConfig, Message, Protocol, Sim, run_events};
use crate::net::NodeId;
use crate::registry::{
    Chosen, Family, Knob, MAX_EVENT_NODES, NodeRange, Prepared, Scenario, SimProtocol,
};
use crate::summary::TrialMetrics;
use crate::topology::{Graph, Topology};
use std::collections::BTreeMap;

/// The payload of a broadcast, `bytes` long, after `hops` hops (kind `gossip`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gossip {
    /// Hops travelled on arrival.
    pub hops: u32,
    /// Size on the wire.
    pub bytes: u32,
}

impl Message for Gossip {
    const KINDS: &'static [&'static str] = &["gossip"];
    const PAYLOAD_KINDS: u64 = 1;
    #[inline]
    fn kind(&self) -> u8 {
        0
    }
    #[inline]
    fn wire_bytes(&self) -> u32 {
        self.bytes
    }
}

/// Flooding over `graph` from `origin`. Messages carry their hop count.
#[derive(Debug, Clone)]
pub struct Flood<'g> {
    graph: &'g Graph,
    origin: NodeId,
    payload_bytes: u32,
}

impl<'g> Flood<'g> {
    /// Flood from `origin` with `payload_bytes`-byte messages.
    pub fn new(graph: &'g Graph, origin: NodeId, payload_bytes: u32) -> Self {
        Flood {
            graph,
            origin,
            payload_bytes,
        }
    }

    fn gossip(&self, hops: u32) -> Gossip {
        Gossip {
            hops,
            bytes: self.payload_bytes,
        }
    }
}

impl Protocol for Flood<'_> {
    type Msg = Gossip;
    type Timer = ();
    fn start(&mut self, sim: &mut Sim<Gossip, ()>) {
        if !sim.is_up(self.origin) {
            return;
        }
        sim.mark_delivered(self.origin, 0);
        for &u in self.graph.neighbors(self.origin) {
            sim.send(self.origin, u, self.gossip(1));
        }
    }
    fn on_message(&mut self, sim: &mut Sim<Gossip, ()>, to: NodeId, from: NodeId, msg: Gossip) {
        if sim.mark_delivered(to, msg.hops) {
            for &u in self.graph.neighbors(to) {
                if u != from {
                    sim.send(to, u, self.gossip(msg.hops + 1));
                }
            }
        }
    }
    fn extra(&self, sim: &Sim<Gossip, ()>) -> BTreeMap<String, f64> {
        let ldh = sim
            .hops()
            .iter()
            .filter(|&&h| h != u32::MAX)
            .max()
            .copied()
            .unwrap_or(0);
        BTreeMap::from([("last_delivery_hop".to_string(), f64::from(ldh))])
    }
}

/// `k`-ary tree broadcast from node 0.
#[derive(Debug, Clone)]
pub struct TreeBroadcast {
    k: u32,
    payload_bytes: u32,
}

impl TreeBroadcast {
    /// Tree of arity `k >= 1`.
    pub fn new(k: u32, payload_bytes: u32) -> Self {
        TreeBroadcast {
            k: k.max(1),
            payload_bytes,
        }
    }

    fn forward(&self, sim: &mut Sim<Gossip, ()>, v: NodeId, hops: u32) {
        let n = sim.n() as u64;
        let first = u64::from(self.k) * u64::from(v) + 1;
        for c in first..(first + u64::from(self.k)).min(n) {
            let msg = Gossip {
                hops: hops + 1,
                bytes: self.payload_bytes,
            };
            sim.send(v, c as NodeId, msg);
        }
    }
}

impl Protocol for TreeBroadcast {
    type Msg = Gossip;
    type Timer = ();
    fn start(&mut self, sim: &mut Sim<Gossip, ()>) {
        if sim.is_up(0) {
            sim.mark_delivered(0, 0);
            self.forward(sim, 0, 0);
        }
    }
    fn on_message(&mut self, sim: &mut Sim<Gossip, ()>, to: NodeId, _from: NodeId, msg: Gossip) {
        if sim.mark_delivered(to, msg.hops) {
            self.forward(sim, to, msg.hops);
        }
    }
    fn extra(&self, sim: &Sim<Gossip, ()>) -> BTreeMap<String, f64> {
        let ldh = sim
            .hops()
            .iter()
            .filter(|&&h| h != u32::MAX)
            .max()
            .copied()
            .unwrap_or(0);
        BTreeMap::from([("last_delivery_hop".to_string(), f64::from(ldh))])
    }
}

/// `flood` in the protocol registry.
pub struct FloodProtocol;

/// The registry entry of flooding.
pub static FLOOD: FloodProtocol = FloodProtocol;

/// Nodes of an event-mode dissemination protocol.
pub(crate) const EVENT_NODES: NodeRange = NodeRange {
    default: 1000,
    min: 2,
    max: MAX_EVENT_NODES,
    what: "nodes",
};

impl SimProtocol for FloodProtocol {
    fn name(&self) -> &'static str {
        "flood"
    }
    fn about(&self) -> &'static str {
        "flooding of one payload over `overlay` (default regular:6): every node forwards it once"
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn nodes(&self) -> NodeRange {
        EVENT_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Overlay]
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let overlay = sc
            .params
            .overlay
            .clone()
            .unwrap_or(Topology::RandomRegular { k: 6 });
        let name = overlay.name();
        let memory = graph_broadcast_bytes(overlay.expected_adjacency(sc.nodes));
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let n = sc.nodes;
            let g = overlay.build(n, &mut rng)?;
            let mut net = sc.base_network();
            net.crash_fraction(n, sc.crash, 0, 0, &mut rng)?;
            let mut p = Flood::new(&g, 0, 1024);
            let (m, _) = run_events(&mut p, n, &net, &EventConfig::default(), rng)?;
            Ok(TrialMetrics::from_run(m, false))
        })
        .param("overlay", name)
        .memory(memory))
    }
}

/// Estimated peak bytes of one broadcast over a graph with `adjacency`
/// directed entries: the adjacency (4 B each) and, at worst, one pending
/// message per entry in the event queue (about 72 B with the queue's growth:
/// flooding the complete graph on 7,071 nodes peaked at 3.9 GB resident).
pub(crate) fn graph_broadcast_bytes(adjacency: u64) -> u64 {
    adjacency.saturating_mul(4 + 72)
}

/// `tree` in the protocol registry.
pub struct TreeProtocol;

/// The registry entry of tree broadcast.
pub static TREE: TreeProtocol = TreeProtocol;

impl SimProtocol for TreeProtocol {
    fn name(&self) -> &'static str {
        "tree"
    }
    fn about(&self) -> &'static str {
        "broadcast down a `fanout`-ary tree rooted at node 0 (default arity 2)"
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
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let k = sc.params.fanout.unwrap_or(2) as u32;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let mut net = sc.base_network();
            net.crash_fraction(sc.nodes, sc.crash, 0, 0, &mut rng)?;
            let mut p = TreeBroadcast::new(k, 1024);
            let (m, _) = run_events(&mut p, sc.nodes, &net, &EventConfig::default(), rng)?;
            Ok(TrialMetrics::from_run(m, false))
        })
        .param("fanout", k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::des::{EventConfig, run_events};
    use crate::net::{LatencyDist, NetworkModel};
    use crate::rng::trial_rng;
    use crate::topology::Topology;

    #[test]
    fn flood_count_formula_on_many_graphs() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 5e6 },
            ..NetworkModel::default()
        };
        for (i, t) in [
            Topology::Ring,
            Topology::Grid,
            Topology::RandomRegular { k: 4 },
            Topology::KaryTree { k: 3 },
            Topology::HyParView { active: 5 },
            Topology::Complete,
        ]
        .iter()
        .enumerate()
        {
            let mut rng = trial_rng(i as u64, 0);
            let g = t.build(200, &mut rng).unwrap();
            assert!(g.is_connected());
            let mut p = Flood::new(&g, 0, 100);
            let (m, _) = run_events(&mut p, 200, &net, &EventConfig::default(), rng).unwrap();
            assert_eq!(
                m.payload_messages as usize,
                2 * g.edge_count() - 199,
                "{t:?}"
            );
            assert_eq!(m.delivery_ratio(), 1.0);
        }
    }

    #[test]
    fn tree_n_minus_1_and_depth() {
        let net = NetworkModel::default();
        for k in 1..5u32 {
            let mut p = TreeBroadcast::new(k, 100);
            let (m, _) =
                run_events(&mut p, 100, &net, &EventConfig::default(), trial_rng(0, 0)).unwrap();
            assert_eq!(m.messages, 99);
            assert_eq!(m.delivery_ratio(), 1.0);
            let depth = if k == 1 {
                99.0
            } else {
                (((f64::from(k) - 1.0) * 100.0 + 1.0).ln() / f64::from(k).ln()).ceil() - 1.0
            };
            assert_eq!(m.extra["last_delivery_hop"], depth, "k={k}");
        }
    }
}
