#![allow(clippy::needless_range_loop)]

use super::*;
use proptest::prelude::*;

fn msgs(p: Protocol) -> f64 {
    p.model().unwrap().messages_per_unit()
}

#[test]
fn two_pc_counts() {
    for n in 1..20u32 {
        let m = Protocol::TwoPc {
            participants: n,
            coordinator: Coordinator::Separate,
        }
        .model()
        .unwrap();
        assert_eq!(m.messages_fraction(), (u64::from(3 * n - 1), 1));
        assert_eq!(m.message_delays(), if n == 1 { 2 } else { 4 });
    }
    for n in 2..20u32 {
        let m = Protocol::TwoPc {
            participants: n,
            coordinator: Coordinator::CoLocated,
        }
        .model()
        .unwrap();
        assert_eq!(m.messages_fraction(), (u64::from(3 * n - 3), 1));
        assert_eq!(m.message_delays(), 3);
    }
    let m = Protocol::TwoPc {
        participants: 5,
        coordinator: Coordinator::Separate,
    }
    .model()
    .unwrap();
    // 4 delays of 50 ms each
    assert_eq!(m.uniform_latency_ms(100.0), 200.0);
}

#[test]
fn three_pc_counts() {
    for n in 2..12u32 {
        assert_eq!(
            msgs(Protocol::ThreePc {
                participants: n,
                coordinator: Coordinator::Separate
            }),
            f64::from(5 * n - 1)
        );
        assert_eq!(
            msgs(Protocol::ThreePc {
                participants: n,
                coordinator: Coordinator::CoLocated
            }),
            f64::from(5 * n - 5)
        );
    }
    let m = Protocol::ThreePc {
        participants: 3,
        coordinator: Coordinator::Separate,
    }
    .model()
    .unwrap();
    assert_eq!(m.message_delays(), 6);
    assert_eq!(m.uniform_latency_ms(100.0), 300.0);
}

#[test]
fn consensus_counts() {
    for n in [3u32, 5, 7, 9] {
        assert_eq!(msgs(Protocol::Paxos { nodes: n }), f64::from(4 * (n - 1)));
        assert_eq!(
            msgs(Protocol::Raft { nodes: n, batch: 1 }),
            f64::from(2 * (n - 1))
        );
        assert_eq!(
            Protocol::MultiPaxos {
                nodes: n,
                batch: 100
            }
            .model()
            .unwrap()
            .messages_fraction(),
            (u64::from(2 * (n - 1)), 100)
        );
        let m = Protocol::Raft { nodes: n, batch: 1 }.model().unwrap();
        assert_eq!(m.message_delays(), 2);
        assert_eq!(m.uniform_latency_ms(80.0), 80.0);
    }
    assert_eq!(
        msgs(Protocol::Leader {
            nodes: 5,
            synchronous: true
        }),
        8.0
    );
    assert_eq!(
        msgs(Protocol::Leader {
            nodes: 5,
            synchronous: false
        }),
        4.0
    );
    assert_eq!(
        Protocol::Leader {
            nodes: 5,
            synchronous: false
        }
        .model()
        .unwrap()
        .uniform_latency_ms(80.0),
        0.0
    );
}

#[test]
fn quorum_counts_and_validation() {
    let m = Protocol::Quorum { n: 3, r: 2, w: 2 }.model().unwrap();
    // Issue 13 item 5: a read goes to all N replicas, like a write (cc-sim's count).
    assert_eq!(m.messages_per_unit(), 12.0);
    assert_eq!(m.uniform_latency_ms(10.0), 20.0);
    let e = Protocol::Quorum { n: 3, r: 2, w: 4 }.model().unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "w"));
    let e = Protocol::Quorum { n: 3, r: 4, w: 1 }.model().unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "r"));
}

#[test]
fn pbft_counts() {
    for n in [4u32, 7, 10, 13] {
        let m = Protocol::Pbft { nodes: n }.model().unwrap();
        let n64 = u64::from(n);
        assert_eq!(m.messages_fraction(), (2 * n64 * n64 - n64 + 1, 1));
        assert_eq!(m.message_delays(), 5);
        assert_eq!(m.uniform_latency_ms(100.0), 200.0); // request and reply are local
    }
    assert!(Protocol::Pbft { nodes: 3 }.model().is_err());
}

#[test]
fn election_counts() {
    for n in 1..12u32 {
        assert_eq!(election_messages(n, 1).unwrap(), u64::from(2 * (n - 1)));
        assert_eq!(
            election_messages(n, n).unwrap(),
            u64::from(n) * u64::from(2 * (n - 1))
        );
    }
    // one candidate costs the same as one Paxos phase 1 (Prepare/Promise)
    assert_eq!(
        2 * election_messages(5, 1).unwrap(),
        Protocol::Paxos { nodes: 5 }
            .model()
            .unwrap()
            .messages_fraction()
            .0
    );
    let e = election_messages(3, 4).unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "candidates"));
    assert!(election_messages(3, 0).is_err());
    assert!(election_messages(0, 0).is_err());
}

#[test]
fn gossip_counts() {
    assert_eq!(gossip_rounds(1024, 1), 17); // log2 1024 + ln 1024 = 10 + 6.93
    assert_eq!(gossip_rounds(512, 1), 16); // 9 + 6.24
    assert!(
        Protocol::Gossip {
            nodes: 1024,
            fanout: 1
        }
        .model()
        .is_err()
    ); // Θ(N²) edges: capped
    let m = Protocol::Gossip {
        nodes: 512,
        fanout: 1,
    }
    .model()
    .unwrap();
    assert_eq!(m.messages_per_unit(), 512.0 * 16.0);
    assert_eq!(m.uniform_latency_ms(2.0), 16.0);
}

#[test]
fn hierarchical_2pc_counts_and_uniform_latency() {
    // separate TM, N = 9, 3 groups: 1 request + 3 x 3 root<->head + 6 x 3 in-group = 28
    let m = Protocol::HierarchicalTwoPc {
        participants: 9,
        coordinator: Coordinator::Separate,
        groups: 3,
    }
    .model()
    .unwrap();
    assert_eq!(m.messages_per_unit(), 28.0);
    assert_eq!(m.nodes.len(), 10);
    assert_eq!(m.nodes[1].role, "sub-coordinator");
    assert_eq!(m.nodes[4].role, "participant");
    // request 1 delay, tree round trip 4, tree commit 2
    assert_eq!(m.message_delays(), 7);
    // uniform 100 ms: 50 + (100 + 100) + (50 + 50) = 350 ms
    assert_eq!(m.uniform_latency_ms(100.0), 350.0);
    // co-located root (RM 0), N = 6, 2 groups {0, 2, 4} and {1, 3, 5}:
    // 3 root<->RM 1 + 2 x 3 + 2 x 3 = 15 = 3N - 3, the flat co-located count
    let c = Protocol::HierarchicalTwoPc {
        participants: 6,
        coordinator: Coordinator::CoLocated,
        groups: 2,
    }
    .model()
    .unwrap();
    assert_eq!(c.messages_per_unit(), 15.0);
    let flat = Protocol::TwoPc {
        participants: 6,
        coordinator: Coordinator::CoLocated,
    }
    .model()
    .unwrap();
    assert_eq!(flat.messages_per_unit(), 15.0);
    // round trip: group 0 (head = root) 100, group 1: 100 + 100; commit 50 + 50
    assert_eq!(c.uniform_latency_ms(100.0), 300.0);
    // one group per participant degenerates to the flat protocol's rounds
    let one = Protocol::HierarchicalTwoPc {
        participants: 4,
        coordinator: Coordinator::CoLocated,
        groups: 4,
    }
    .model()
    .unwrap();
    let flat = Protocol::TwoPc {
        participants: 4,
        coordinator: Coordinator::CoLocated,
    }
    .model()
    .unwrap();
    assert_eq!(one.messages_per_unit(), flat.messages_per_unit());
    assert_eq!(one.uniform_latency_ms(80.0), flat.uniform_latency_ms(80.0));
    assert_eq!(one.message_delays(), flat.message_delays());
    assert!(
        Protocol::HierarchicalTwoPc {
            participants: 3,
            coordinator: Coordinator::Separate,
            groups: 0
        }
        .model()
        .is_err()
    );
}

#[test]
fn hierarchical_consensus_counts_and_uniform_latency() {
    for raft in [true, false] {
        let m = Protocol::HierarchicalConsensus {
            nodes: 9,
            batch: 1,
            groups: 3,
            raft,
        }
        .model()
        .unwrap();
        // 2(m - 1) = 4 cross-group + 2(N - m) = 12 intra-group = 2(N - 1)
        assert_eq!(m.messages_per_unit(), 16.0);
        assert_eq!(m.message_delays(), 4);
        // group 0 (the leader's): 1 of 2 members, 100; groups 1, 2: 100 + 100;
        // majority of 3 groups: the 2nd smallest, 200
        assert_eq!(m.uniform_latency_ms(100.0), 200.0);
    }
    // singleton groups are flat Raft
    let h = Protocol::HierarchicalConsensus {
        nodes: 5,
        batch: 1,
        groups: 5,
        raft: true,
    }
    .model()
    .unwrap();
    let f = Protocol::Raft { nodes: 5, batch: 1 }.model().unwrap();
    assert_eq!(h.messages_per_unit(), f.messages_per_unit());
    let rtt = |i: usize, j: usize| if i == j { 0.0 } else { (i + j) as f64 * 10.0 };
    assert_eq!(h.latency_ms_with(&rtt), f.latency_ms_with(&rtt));
}

#[test]
fn health_check_counts() {
    let full = Protocol::HealthCheck {
        nodes: 100,
        topology: HealthTopology::FullMesh,
    };
    assert_eq!(msgs(full), 19_800.0);
    let h = Protocol::HealthCheck {
        nodes: 100,
        topology: HealthTopology::Hierarchical { group_size: 10 },
    };
    // 10 groups: 90 member probes + 90 aggregator probes, ×2 messages
    assert_eq!(msgs(h), 360.0);
    let h = Protocol::HealthCheck {
        nodes: 10,
        topology: HealthTopology::Hierarchical { group_size: 3 },
    };
    // G = 4, (10 − 4) + 4·3 = 18 probes
    assert_eq!(msgs(h), 36.0);
}

#[test]
fn placed_majority_is_an_order_statistic() {
    let m = Protocol::Raft { nodes: 5, batch: 1 }.model().unwrap();
    let mut rtt = vec![vec![0.0; 5]; 5];
    let leader_rtts = [0.0, 70.0, 10.0, 140.0, 90.0];
    for j in 0..5 {
        rtt[0][j] = leader_rtts[j];
        rtt[j][0] = leader_rtts[j];
    }
    // needs 2 follower acks: sorted 10, 70, 90, 140 → 70
    assert_eq!(m.latency_ms(&rtt), 70.0);
}

proptest! {
    #[test]
    fn quorum_latency_monotone_in_w(n in 1u32..9, seed in 0u64..1000) {
        let mut prev = -1.0;
        for w in 1..=n {
            let m = Protocol::Quorum { n, r: 1, w }.model().unwrap();
            let k = m.nodes.len();
            let mut rtt = vec![vec![0.0; k]; k];
            for j in 1..k {
                let v = ((seed * 31 + j as u64 * 17) % 97) as f64;
                rtt[0][j] = v; rtt[j][0] = v;
            }
            let l = m.latency_ms(&rtt);
            prop_assert!(l >= prev);
            prev = l;
        }
    }

    #[test]
    fn messages_grow_with_participants(n in 2u32..40) {
        let makers: [fn(u32) -> Protocol; 5] = [
            |n| Protocol::TwoPc { participants: n, coordinator: Coordinator::Separate },
            |n| Protocol::Paxos { nodes: n },
            |n| Protocol::Raft { nodes: n, batch: 1 },
            |n: u32| Protocol::Pbft { nodes: n.max(4) },
            |n| Protocol::HealthCheck { nodes: n, topology: HealthTopology::FullMesh },
        ];
        for a in makers {
            prop_assert!(msgs(a(n + 1)) >= msgs(a(n)));
        }
    }
}

#[test]
fn the_registry_builds_every_protocol_it_lists() {
    let mut names: Vec<&str> = PROTOCOLS.iter().map(|s| s.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), PROTOCOLS.len(), "names are unique");
    for spec in PROTOCOLS {
        assert!(
            !spec.help.is_empty() && !spec.parameters.is_empty(),
            "{}",
            spec.name
        );
        assert!(std::ptr::eq(protocol_spec(spec.name).unwrap(), spec));
        let args = ProtocolArgs {
            n: Some(3),
            r: Some(2),
            w: Some(2),
            ..ProtocolArgs::default()
        };
        let mut a = Vec::new();
        let p = spec.build(&args, &mut a).unwrap();
        assert_eq!(p.name(), spec.name);
        assert!(std::ptr::eq(p.spec(), spec));
        let m = p.model().unwrap();
        assert!(m.messages_per_unit() > 0.0, "{}", spec.name);
        // every default taken is stated with its source
        assert!(a.iter().all(|x| !x.source.is_empty()), "{a:?}");
        if spec.name != "quorum" {
            assert!(
                a.iter().any(|x| x.name == "participants"),
                "{}: {a:?}",
                spec.name
            );
        }
    }
    assert!(protocol_spec("4pc").is_none());
    assert!(protocol_spec("transfer").is_none());
}

#[test]
fn the_registry_refuses_bad_arguments_naming_them() {
    let build = |name: &str, args: ProtocolArgs| {
        protocol_spec(name)
            .unwrap()
            .build(&args, &mut Vec::new())
            .unwrap_err()
    };
    let named = |e: &CostError| match e {
        CostError::InvalidParameter { name, .. } | CostError::MissingParameter { name, .. } => {
            name.clone()
        }
        other => other.to_string(),
    };
    let groups = |g| ProtocolArgs {
        groups: Some(g),
        ..ProtocolArgs::default()
    };
    assert_eq!(named(&build("2pc", groups(0))), "groups");
    assert_eq!(named(&build("paxos", groups(2))), "groups");
    assert_eq!(named(&build("quorum", ProtocolArgs::default())), "n");
    let e = build(
        "quorum",
        ProtocolArgs {
            n: Some(3),
            participants: Some(4),
            r: Some(1),
            w: Some(1),
            ..ProtocolArgs::default()
        },
    );
    assert_eq!(named(&e), "n");
    // given values are used as given, and no default is recorded for them
    let mut a = Vec::new();
    let p = protocol_spec("raft")
        .unwrap()
        .build(
            &ProtocolArgs {
                participants: Some(7),
                batch: Some(10),
                groups: Some(3),
                ..ProtocolArgs::default()
            },
            &mut a,
        )
        .unwrap();
    assert_eq!(
        p,
        Protocol::HierarchicalConsensus {
            nodes: 7,
            batch: 1,
            groups: 3,
            raft: true
        }
    );
    assert!(a.is_empty(), "{a:?}");
}
