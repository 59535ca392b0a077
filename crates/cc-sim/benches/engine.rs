//! Criterion benches for the round and event engines.
//!
//! * `round/push_1e6`: push gossip of one rumor to 10⁶ nodes (fanout 1,
//!   per-node counters off) — compare with the workspace's `bench/anchors/push_numpy.py`.
//! * `round/push_pull_1e6`: push-pull on 10⁶ nodes.
//! * `round/push_1e5`: push gossip on 10⁵ nodes — the size at which the SimPy
//!   anchor (`bench/anchors/push_simpy.py`) is always measured.
//! * `des/flood_regular8_1e5`: flooding on a random 8-regular graph with
//!   10⁵ nodes and exponential latency; throughput in events/s.
//! * `des/hold_1e4`: classic hold model — 10⁴ timers pending, each firing
//!   re-arms itself with an exponential delay; throughput in events/s.
//! * `raft/raft5_100k_commits`: a 5-server Raft cluster commits 100 000
//!   entries (batch 1, 1 ms links).
#![allow(missing_docs)]

use cc_sim::coord::raft::{RaftConfig, run_raft};
use cc_sim::des::{EventConfig, Message, Protocol, Sim, run_events};
use cc_sim::net::{LatencyDist, NetworkModel, NodeId};
use cc_sim::protocols::flood::Flood;
use cc_sim::rng::{trial_rng, unit};
use cc_sim::round::{RoundConfig, RoundProtocol, Spread, run_rounds};
use cc_sim::topology::Topology;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn rounds(c: &mut Criterion) {
    let net = NetworkModel::default();
    let mut g = c.benchmark_group("round");
    g.sample_size(20);
    for (name, n, p) in [
        ("push_1e6", 1_000_000, Spread::Push),
        ("push_pull_1e6", 1_000_000, Spread::PushPull),
        ("push_1e5", 100_000, Spread::Push),
    ] {
        let mut cfg = RoundConfig::new(n);
        cfg.track_per_node = false;
        let mut seed = 0;
        g.bench_function(name, |b| {
            b.iter(|| {
                seed += 1;
                let mut rng = trial_rng(seed, 0);
                let m = run_rounds(&cfg, &RoundProtocol::Gossip(p), &net, &mut rng).unwrap();
                black_box(m.rounds)
            })
        });
    }
    g.finish();
}

/// Hold model: every node keeps one timer pending; each firing re-arms it.
struct Hold {
    remaining: u64,
    mean_ns: f64,
}

/// The hold model sends no messages.
#[derive(Debug, Clone, Copy)]
struct NoMsg;

impl Message for NoMsg {
    const KINDS: &'static [&'static str] = &["none"];
    fn kind(&self) -> u8 {
        0
    }
    fn wire_bytes(&self) -> u32 {
        0
    }
}

impl Protocol for Hold {
    type Msg = NoMsg;
    type Timer = u64;
    fn start(&mut self, sim: &mut Sim<NoMsg>) {
        for v in 0..sim.n() as NodeId {
            let d = (-self.mean_ns * (1.0 - unit(sim.rng())).ln()) as u64;
            sim.set_timer(v, d, 0);
        }
    }
    fn on_message(&mut self, _: &mut Sim<NoMsg>, _: NodeId, _: NodeId, _: NoMsg) {}
    fn on_timer(&mut self, sim: &mut Sim<NoMsg>, node: NodeId, _id: u64) {
        if self.remaining > 0 {
            self.remaining -= 1;
            let d = (-self.mean_ns * (1.0 - unit(sim.rng())).ln()) as u64;
            sim.set_timer(node, d, 0);
        }
    }
}

fn events(c: &mut Criterion) {
    let n = 100_000;
    let g = Topology::RandomRegular { k: 8 }
        .build(n, &mut trial_rng(1, 0))
        .unwrap();
    let net = NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 1e7 },
        ..NetworkModel::default()
    };
    let cfg = EventConfig {
        track_per_node: false,
        ..EventConfig::default()
    };
    let (m, _) = run_events(&mut Flood::new(&g, 0, 1024), n, &net, &cfg, trial_rng(2, 0)).unwrap();
    let mut grp = c.benchmark_group("des");
    grp.sample_size(20);
    grp.throughput(Throughput::Elements(m.events));
    grp.bench_function("flood_regular8_1e5", |b| {
        b.iter(|| {
            let (m, _) =
                run_events(&mut Flood::new(&g, 0, 1024), n, &net, &cfg, trial_rng(2, 0)).unwrap();
            black_box(m.events)
        })
    });
    let hold_events = 2_000_000u64;
    let hold_n = 10_000;
    grp.throughput(Throughput::Elements(hold_events + hold_n as u64));
    grp.bench_function("hold_1e4", |b| {
        b.iter(|| {
            let mut p = Hold {
                remaining: hold_events,
                mean_ns: 1e6,
            };
            let (m, _) = run_events(
                &mut p,
                hold_n,
                &NetworkModel::default(),
                &cfg,
                trial_rng(3, 0),
            )
            .unwrap();
            black_box(m.events)
        })
    });
    grp.finish();
}

fn raft(c: &mut Criterion) {
    let cfg = RaftConfig {
        commands: 100_000,
        ..RaftConfig::new(5)
    };
    let net = NetworkModel {
        latency: LatencyDist::Constant { ns: 1_000_000 },
        ..NetworkModel::default()
    };
    let mut g = c.benchmark_group("raft");
    g.sample_size(10);
    g.bench_function("raft5_100k_commits", |b| {
        b.iter(|| {
            let r = run_raft(&cfg, &net, u64::MAX / 4, trial_rng(5, 0)).unwrap();
            assert_eq!(r.committed, 100_000);
            black_box(r.events)
        })
    });
    g.finish();
}

criterion_group!(benches, rounds, events, raft);
criterion_main!(benches);
