use crate::request::{CostRequest, model_names, strategies_for_request as strategies};

#[test]
fn strategies_for_geo_raft() {
    let req = CostRequest {
        model: "raft".into(),
        participants: Some(5),
        regions: Some(vec![
            "aws:us-east-1".into(),
            "aws:us-east-2".into(),
            "aws:us-west-2".into(),
            "aws:eu-west-1".into(),
            "aws:eu-central-1".into(),
        ]),
        message_bytes: Some(1000),
        revenue_per_tx: Some(10.0),
        tx_per_day: Some(1_000_000),
        ..Default::default()
    };
    let s = strategies(&req).unwrap();
    let get = |n: &str| s.iter().find(|x| x.strategy == n).unwrap();
    let aff = get("regional affinity");
    assert!(aff.after_latency_ms < aff.before_latency_ms);
    // 0.8 × 1 ms + 0.2 × 67 ms
    assert!((aff.after_latency_ms - (0.8 * 1.0 + 0.2 * aff.before_latency_ms)).abs() < 1e-9);
    let asy = get("async replication");
    assert_eq!(asy.after_latency_ms, 0.0);
    assert_eq!(asy.after_messages_per_tx, 4.0);
    let sh = get("sharding");
    assert!(sh.after_per_tx_usd > sh.before_per_tx_usd);
    let b = get("batching");
    assert!((b.after_messages_per_tx - 0.8).abs() < 1e-12);
    // one replica per region: every group is a lone group leader, so the two-level
    // form is the flat protocol — computed, same dollars and latency
    let h = get("hierarchical coordination");
    assert!(h.applicable);
    assert_eq!(h.after_per_tx_usd, h.before_per_tx_usd);
    assert_eq!(h.after_latency_ms, h.before_latency_ms);
    assert_eq!(h.after_messages_per_tx, 8.0);
}

fn nine_over_three(model: &str) -> CostRequest {
    CostRequest {
        model: model.into(),
        participants: Some(9),
        regions: Some(vec![
            "us-east-1".into(),
            "eu-west-1".into(),
            "ap-northeast-1".into(),
        ]),
        message_bytes: Some(1000),
        tx_per_day: Some(1_000_000),
        ..Default::default()
    }
}

#[test]
fn hierarchical_raft_per_region_by_hand() {
    let s = strategies(&nine_over_three("raft")).unwrap();
    let h = s
        .iter()
        .find(|x| x.strategy == "hierarchical coordination")
        .unwrap();
    assert!(h.applicable);
    assert!(h.parameters.contains("3 group leaders"), "{}", h.parameters);
    // node i at regions[i mod 3]. Flat: 16 messages; per GB of payload
    // 2 cross-zone x 2 x $0.02 (both sides) + 3 x $0.02 (us->eu) + 3 x $0.02 (eu->us)
    // + 3 x $0.02 (us->ap) + 3 x $0.09 (ap->us) = $0.53 -> $0.53/day for 1 GB/day
    assert_eq!(h.before_per_day_usd.exact_string(), "0.53");
    // two-level: cross 0->1, 1->0, 0->2 at $0.02 and 2->0 at $0.09 = $0.15; intra
    // 3 groups x 4 cross-zone messages x $0.02 = $0.24; total $0.39
    assert_eq!(h.after_per_day_usd.exact_string(), "0.39");
    assert_eq!(h.after_messages_per_tx, 16.0);
    // flat: 4th fastest of follower RTTs from us-east-1 (Skyplane's mean RTTs:
    // eu-west-1 84.936, ap-northeast-1 167.805, cross-zone 1)
    // [1, 1, 84.936 x 3, 167.805 x 3] = 84.936 ms;
    // two-level: groups done at 1, 84.936 + 1, 167.805 + 1 ms, majority of 3 groups = 85.936 ms
    assert_eq!(h.before_latency_ms, 84.936);
    assert!(
        (h.after_latency_ms - 85.936).abs() < 1e-9,
        "{}",
        h.after_latency_ms
    );
    assert!(
        h.note
            .contains("before 12 cross-region + 4 intra-region msgs/tx, after 4 cross-region + 12 intra-region"),
        "{}",
        h.note
    );
}

#[test]
fn hierarchical_2pc_per_region_by_hand() {
    let req = CostRequest {
        latency_usd_per_s: Some(1.0),
        ..nine_over_three("2pc")
    };
    let s = strategies(&req).unwrap();
    let h = s
        .iter()
        .find(|x| x.strategy == "hierarchical coordination")
        .unwrap();
    assert!(h.applicable);
    // flat Gray-Lamport 3N - 1 = 26; tree 3N + 1 = 28 (the initiating RM's request,
    // then 3 messages per sub-coordinator and per local participant)
    assert_eq!(h.before_messages_per_tx, 26.0);
    assert_eq!(h.after_messages_per_tx, 28.0);
    // TM at us-east-1, RM i at regions[i mod 3]; RM 1 (eu-west-1) initiates.
    // flat: 84.93/2 (eu-west-1 -> us-east-1) + max RTT 167.805 (us-east-1 -> ap-northeast-1)
    // + 167.805/2 = 294.1725 ms
    assert!(
        (h.before_latency_ms - 294.1725).abs() < 1e-9,
        "{}",
        h.before_latency_ms
    );
    // tree: 42.465 + (167.805 + 1 cross-zone) + (83.9025 + 0.5) = 295.6725 ms
    assert!(
        (h.after_latency_ms - 295.6725).abs() < 1e-9,
        "{}",
        h.after_latency_ms
    );
    // per tx: latency 0.2956725 s x $1/s + messages; per GB: cross = request eu->us $0.02
    // + Prepare and Commit us->eu and us->ap 4 x $0.02 + votes eu->us $0.02, ap->us $0.09
    // = $0.21; intra: RM 3 <-> TM cross-zone 3 msgs + 3 groups x 6, 21 x $0.02 = $0.42;
    // 1000 B x $0.63/GB = $0.00000063
    assert_eq!(h.after_per_tx_usd.exact_string(), "0.29567313");
    assert!(
        h.note.contains("after 7 cross-region + 21 intra-region"),
        "{}",
        h.note
    );
}

#[test]
fn hierarchy_is_computed_exactly_for_its_models() {
    for model in model_names().filter(|m| *m != "transfer") {
        for regions in [
            None,
            Some(vec!["us-east-1".to_string(), "eu-west-1".to_string()]),
        ] {
            let s = strategies(&CostRequest {
                model: model.into(),
                participants: Some(if model == "pbft" { 4 } else { 6 }),
                rtt_ms: regions.is_none().then_some(20.0),
                regions: regions.clone(),
                r: (model == "quorum").then_some(2),
                w: (model == "quorum").then_some(2),
                via_nat: regions.is_some(),
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("{model}: {e}"));
            let h: Vec<_> = s
                .iter()
                .filter(|x| x.strategy == "hierarchical coordination")
                .collect();
            assert_eq!(h.len(), 1, "{model}");
            assert_eq!(
                h[0].applicable,
                matches!(model, "2pc" | "raft" | "multi-paxos" | "health-check"),
                "{model}: {:?}",
                h[0]
            );
        }
    }
}

#[test]
fn hierarchy_not_applicable_models_say_why() {
    for (model, needle) in [("3pc", "tree 3PC"), ("paxos", "multi-paxos")] {
        let s = strategies(&CostRequest {
            model: model.into(),
            participants: Some(5),
            rtt_ms: Some(10.0),
            ..Default::default()
        })
        .unwrap();
        let h = s
            .iter()
            .find(|x| x.strategy == "hierarchical coordination")
            .unwrap();
        assert!(!h.applicable);
        assert!(h.note.contains(needle), "{}", h.note);
    }
}

#[test]
fn hierarchical_health_checks_save() {
    let req = CostRequest {
        model: "health-check".into(),
        participants: Some(100),
        rtt_ms: Some(2.0),
        message_bytes: Some(100),
        tx_per_day: Some(8640),
        ..Default::default()
    };
    let s = strategies(&req).unwrap();
    let h = s
        .iter()
        .find(|x| x.strategy == "hierarchical coordination")
        .unwrap();
    assert!(h.applicable);
    // groups of 10: 360 vs 19,800 messages
    assert_eq!(h.after_messages_per_tx, 360.0);
    assert!(h.saving_pct > 98.0);
}

#[test]
fn hierarchy_groups_by_distinct_region_not_by_list_entry() {
    // 100 nodes placed round-robin over two regions written four ways: two
    // regions, so one aggregator per region and groups of 50
    let req = CostRequest {
        model: "health-check".into(),
        participants: Some(100),
        regions: Some(vec![
            "us-east-1".into(),
            "aws:eu-west-1:a".into(),
            "aws:us-east-1:b".into(),
            "eu-west-1".into(),
        ]),
        message_bytes: Some(100),
        tx_per_day: Some(8640),
        ..Default::default()
    };
    let s = strategies(&req).unwrap();
    let h = s
        .iter()
        .find(|x| x.strategy == "hierarchical coordination")
        .unwrap();
    assert_eq!(h.parameters, "groups of 50 with one aggregator each");
    // G = 2: 2[(100 − 2) + 2·1] = 200 messages
    assert_eq!(h.after_messages_per_tx, 200.0);
}

#[test]
fn regional_affinity_accepts_bare_region_codes() {
    let req = CostRequest {
        model: "raft".into(),
        participants: Some(3),
        regions: Some(vec![
            "us-east-1".into(),
            "us-west-2".into(),
            "eu-west-1".into(),
        ]),
        ..Default::default()
    };
    let out = strategies(&req).unwrap();
    let affinity = out
        .iter()
        .find(|s| s.strategy == "regional affinity")
        .unwrap();
    assert!(affinity.applicable);
    assert!(affinity.after_latency_ms < affinity.before_latency_ms);
}

#[test]
fn async_replicas_follow_the_given_participants_or_every_node() {
    let asy = |participants: Option<u32>| {
        let s = strategies(&CostRequest {
            model: "2pc".into(),
            participants,
            rtt_ms: Some(10.0),
            ..Default::default()
        })
        .unwrap();
        s.iter()
            .find(|x| x.strategy == "async replication")
            .unwrap()
            .after_messages_per_tx
    };
    // given N = 5: the leader ships to 4 replicas; not given: every node of the
    // model (TM + 5 RMs) takes part, so 5 messages
    assert_eq!(asy(Some(5)), 4.0);
    assert_eq!(asy(None), 5.0);
    // the typed API always uses the protocol's N
    let cat = crate::Catalog::try_builtin().unwrap();
    let typed = crate::strategies(
        &crate::Protocol::TwoPc {
            participants: 5,
            coordinator: crate::Coordinator::Separate,
        },
        &crate::Pricing {
            rtt_ms: Some(10.0),
            ..crate::Pricing::default()
        },
        &cat,
    )
    .unwrap();
    assert_eq!(
        typed
            .iter()
            .map(|s| s.strategy.as_str())
            .collect::<Vec<_>>(),
        [
            "batching",
            "hierarchical coordination",
            "regional affinity",
            "sharding",
            "async replication",
            "CRDTs"
        ]
    );
    assert_eq!(typed[4].after_messages_per_tx, 4.0);
}
