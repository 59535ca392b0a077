//! Property tests of engine safety and liveness.

use crate::des::{EventConfig, run_events};
use crate::net::{
    Crash, CrashIndex, LatencyDist, MS, NetworkModel, NodeId, Partition, PartitionIndex, Time,
};
use crate::protocols::flood::Flood;
use crate::protocols::plumtree::Plumtree;
use crate::request::{SimRequest, run};
use crate::rng::trial_rng;
use crate::round::{AeMode, RoundConfig, RoundProtocol, Spread, run_rounds};
use crate::topology::Topology;
use proptest::prelude::*;

fn faults(n: usize, seed: u64, loss: f64, dup: f64) -> NetworkModel {
    use crate::rng::{below, chance};
    let mut r = trial_rng(seed, 99);
    let mut crashes = Vec::new();
    for v in 1..n as NodeId {
        if chance(&mut r, 0.3) {
            let at = u64::from(below(&mut r, 400)) * MS;
            let recover_at =
                chance(&mut r, 0.5).then(|| at + u64::from(below(&mut r, 400) + 1) * MS);
            crashes.push(Crash {
                node: v,
                at,
                recover_at,
            });
        }
    }
    let mut partitions = Vec::new();
    for _ in 0..below(&mut r, 3) {
        let start = u64::from(below(&mut r, 300)) * MS;
        let end = start + u64::from(below(&mut r, 300) + 1) * MS;
        let side = (0..n as NodeId).filter(|_| chance(&mut r, 0.5)).collect();
        partitions.push(Partition { start, end, side });
    }
    NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 2e7 },
        jitter_ns: MS,
        loss,
        duplication: dup,
        crashes,
        partitions,
        round_ns: 10 * MS,
        ..NetworkModel::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// No message is ever delivered to a crashed node or across an open partition.
    #[test]
    fn no_delivery_to_crashed_or_across_partition(
        n in 3usize..40, seed in 0u64..1_000_000, loss in 0.0f64..0.3, dup in 0.0f64..0.3, plum in any::<bool>()
    ) {
        let net = faults(n, seed, loss, dup);
        let mut rng = trial_rng(seed, 0);
        let g = Topology::ErdosRenyi { p: 0.3 }.build(n, &mut rng).unwrap();
        let cfg = EventConfig { log_deliveries: true, ..EventConfig::default() };
        let log = if plum {
            let mut p = Plumtree::new(&g, false, 4, 150 * MS, vec![0], 10 * MS);
            run_events(&mut p, n, &net, &cfg, rng).unwrap().1
        } else {
            run_events(&mut Flood::new(&g, 0, 64), n, &net, &cfg, rng).unwrap().1
        };
        let crashes = CrashIndex::new(&net.crashes, n);
        let parts = PartitionIndex::new(&net.partitions, n);
        for d in &log {
            prop_assert!(!crashes.down(d.to, d.time), "delivered to crashed node: {:?}", d);
            prop_assert!(!parts.separated(d.from, d.to, d.time), "delivered across a partition: {:?}", d);
        }
    }

    /// Round mode: no node is informed while it is down.
    #[test]
    fn round_mode_never_informs_down_nodes(n in 3usize..300, seed in 0u64..1_000_000, which in 0usize..4) {
        let net = faults(n, seed, 0.1, 0.0);
        let p = [
            RoundProtocol::Gossip(Spread::Push),
            RoundProtocol::Gossip(Spread::Pull),
            RoundProtocol::Gossip(Spread::PushPull),
            RoundProtocol::AntiEntropy(AeMode::PushPull),
        ][which];
        let m = run_rounds(&RoundConfig::new(n), &p, &net, &mut trial_rng(seed, 0)).unwrap();
        let crashes = CrashIndex::new(&net.crashes, n);
        for (v, &r) in m.delivered_at.iter().enumerate() {
            if r != Time::MAX && v != 0 {
                prop_assert!(!crashes.down(v as NodeId, r * net.round_ns), "node {} informed in round {} while down", v, r);
            }
        }
    }

    /// Without loss or faults every protocol that promises delivery delivers to all nodes.
    #[test]
    fn fault_free_delivery(n in 2usize..150, seed in 0u64..1_000_000, which in 0usize..9) {
        let protocol = ["push", "pull", "push-pull", "anti-entropy", "flood", "tree", "plumtree", "eager-push", "health-check"][which];
        let overlay = match protocol {
            "flood" | "plumtree" | "eager-push" if n < 8 => Some("complete".to_string()),
            "flood" => Some("hyparview:4".to_string()),
            _ => None,
        };
        let req = SimRequest { protocol: protocol.into(), nodes: n, trials: 1, seed, overlay, broadcasts: matches!(protocol, "plumtree" | "eager-push").then_some(3), ..SimRequest::default() };
        match run(&req, &|_, _| {}) {
            Ok(s) => prop_assert_eq!(s.delivery_ratio.min, 1.0, "{}", protocol),
            // a sparse random overlay may be disconnected; that is a topology error, not a delivery failure
            Err(crate::SimError::Topology { .. }) => {}
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}
