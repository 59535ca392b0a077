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

use crate::des::{Protocol, Sim};
use crate::net::NodeId;
use crate::topology::Graph;
use std::collections::BTreeMap;

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
}

impl Protocol for Flood<'_> {
    type Msg = u32;
    fn kinds(&self) -> &'static [&'static str] {
        &["gossip"]
    }
    fn payload_kinds(&self) -> u64 {
        1
    }
    fn start(&mut self, sim: &mut Sim<u32>) {
        if !sim.is_up(self.origin) {
            return;
        }
        sim.mark_delivered(self.origin, 0);
        for &u in self.graph.neighbors(self.origin) {
            sim.send(self.origin, u, 0, self.payload_bytes, 1);
        }
    }
    fn on_message(&mut self, sim: &mut Sim<u32>, to: NodeId, from: NodeId, _kind: u8, hops: u32) {
        if sim.mark_delivered(to, hops) {
            for &u in self.graph.neighbors(to) {
                if u != from {
                    sim.send(to, u, 0, self.payload_bytes, hops + 1);
                }
            }
        }
    }
    fn extra(&self, sim: &Sim<u32>) -> BTreeMap<String, f64> {
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

    fn forward(&self, sim: &mut Sim<u32>, v: NodeId, hops: u32) {
        let n = sim.n() as u64;
        let first = u64::from(self.k) * u64::from(v) + 1;
        for c in first..(first + u64::from(self.k)).min(n) {
            sim.send(v, c as NodeId, 0, self.payload_bytes, hops + 1);
        }
    }
}

impl Protocol for TreeBroadcast {
    type Msg = u32;
    fn kinds(&self) -> &'static [&'static str] {
        &["gossip"]
    }
    fn payload_kinds(&self) -> u64 {
        1
    }
    fn start(&mut self, sim: &mut Sim<u32>) {
        if sim.is_up(0) {
            sim.mark_delivered(0, 0);
            self.forward(sim, 0, 0);
        }
    }
    fn on_message(&mut self, sim: &mut Sim<u32>, to: NodeId, _from: NodeId, _kind: u8, hops: u32) {
        if sim.mark_delivered(to, hops) {
            self.forward(sim, to, hops);
        }
    }
    fn extra(&self, sim: &Sim<u32>) -> BTreeMap<String, f64> {
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
