use super::*;
use crate::money::Usd;
use crate::report::NO_DOMINANT_INPUT;

fn req(model: &str) -> CostRequest {
    CostRequest {
        model: model.into(),
        ..Default::default()
    }
}

#[test]
fn text_2pc_scenario_under_gray_lamport() {
    let r = evaluate_request(&CostRequest {
        participants: Some(5),
        rtt_ms: Some(100.0),
        price_per_1000_messages: Some(0.01),
        latency_usd_per_s: Some(1.0),
        tx_per_day: Some(1_000_000),
        ..req("2pc")
    })
    .unwrap();
    assert_eq!(r.messages_per_tx, 14.0);
    assert_eq!(r.rounds, 4);
    assert_eq!(r.latency_ms, 200.0);
    assert_eq!(r.message_cost_usd_per_tx.exact_string(), "0.00014");
    assert_eq!(r.latency_cost_usd_per_tx.exact_string(), "0.20");
    assert_eq!(r.per_tx_usd.exact_string(), "0.20014");
    assert_eq!(r.per_day_usd.exact_string(), "200140.00");
    assert_eq!(r.per_year_usd.exact_string(), "73051100.00");
    assert_eq!(r.dominant_input, "latency value ($/s or beta x revenue)");
    let j = serde_json::to_value(&r).unwrap();
    for k in [
        "messages_per_tx",
        "rounds",
        "latency_ms",
        "message_cost_usd_per_tx",
        "latency_cost_usd_per_tx",
        "per_tx_usd",
        "per_day_usd",
        "per_year_usd",
        "assumptions",
    ] {
        assert!(j.get(k).is_some(), "{k}");
    }
    assert_eq!(j["per_tx_usd"], "0.20014");
    let text = r.to_string();
    assert!(text.contains("$200,140.00"));
}

#[test]
fn colocated_2pc() {
    let r = evaluate_request(&CostRequest {
        participants: Some(5),
        rtt_ms: Some(100.0),
        price_per_1000_messages: Some(0.01),
        latency_usd_per_s: Some(1.0),
        coordinator: Some("colocated".into()),
        ..req("2pc")
    })
    .unwrap();
    assert_eq!(r.messages_per_tx, 12.0);
    assert_eq!(r.latency_ms, 150.0);
    assert_eq!(r.per_tx_usd.exact_string(), "0.15012");
}

#[test]
fn exact_cents_no_float_noise() {
    // 0.1 + 0.2 style: 3 messages at $0.1 per 1000 → 0.0003; latency 0 → exact
    let r = evaluate_request(&CostRequest {
        participants: Some(2),
        rtt_ms: Some(0.0),
        price_per_1000_messages: Some(0.1),
        tx_per_day: Some(1000),
        coordinator: Some("colocated".into()),
        ..req("2pc")
    })
    .unwrap();
    assert_eq!(r.message_cost_usd_per_tx.exact_string(), "0.0003");
    assert_eq!(r.per_day_usd.exact_string(), "0.30");
    let j = serde_json::to_string(&r).unwrap();
    assert!(!j.contains("0000000000004"));
}

#[test]
fn placed_raft_from_us_east_1() {
    let c = Catalog::try_builtin().unwrap();
    let r = evaluate_request(&CostRequest {
        participants: Some(5),
        regions: Some(vec![
            "aws:us-east-1".into(),
            "us-east-2".into(),
            "us-west-2".into(),
            "eu-west-1".into(),
            "ap-northeast-1".into(),
        ]),
        message_bytes: Some(1000),
        revenue_per_tx: Some(10.0),
        tx_per_day: Some(1_000_000),
        ..req("raft")
    })
    .unwrap();
    // the 2nd fastest follower RTT from us-east-1
    let p = |s: &str| c.placement("r", s).unwrap();
    let mut v: Vec<f64> = ["us-east-2", "us-west-2", "eu-west-1", "ap-northeast-1"]
        .iter()
        .map(|x| c.rtt_ms(&p("us-east-1"), &p(x)).unwrap().0)
        .collect();
    v.sort_by(f64::total_cmp);
    assert_eq!(r.latency_ms, v[1]);
    // bytes: leader→4 followers and back, 1000 B each. Leader in us-east-1 pays
    // 0.01 (to us-east-2) + 3 × 0.02; replies: us-east-2 0.01, us-west-2 0.02,
    // eu-west-1 0.02, ap-northeast-1 0.09 → 0.07 + 0.14 = $0.21/GB·1000 B
    assert_eq!(
        r.message_cost_usd_per_tx,
        Usd::parse_decimal("0.00000021").unwrap()
    );
    assert_eq!(r.messages_per_tx, 8.0);
    assert!(
        r.assumptions
            .iter()
            .any(|a| a.name == "beta (revenue loss per second)")
    );
}

#[test]
fn batching_reduces_messages_not_bytes() {
    let base = CostRequest {
        participants: Some(5),
        rtt_ms: Some(10.0),
        regions: Some(vec!["us-east-1".into(), "eu-west-1".into()]),
        message_bytes: Some(1000),
        tx_per_day: Some(86_400),
        ..req("multi-paxos")
    };
    let r1 = evaluate_request(&base).unwrap();
    let r100 = evaluate_request(&CostRequest {
        batch: Some(100),
        ..base
    })
    .unwrap();
    assert_eq!(r1.messages_per_tx, 8.0);
    assert_eq!(r100.messages_per_tx, 0.08);
    assert_eq!(r100.messages_per_tx_exact, "2/25");
    assert_eq!(r1.message_cost_usd_per_tx, r100.message_cost_usd_per_tx);
    // 1 tx/s: mean fill wait (100 − 1)/2 s
    assert_eq!(r100.batching_wait_ms, 49_500.0);
}

#[test]
fn transfer_calculator() {
    let r = evaluate_request(&CostRequest {
        messages_per_day: Some(100_000_000),
        message_bytes: Some(1000),
        price_per_gb: Some(0.02),
        ..req("transfer")
    })
    .unwrap();
    assert_eq!(r.per_day_usd.exact_string(), "2.00");
    assert_eq!(r.per_year_usd.exact_string(), "730.00");
    let r = evaluate_request(&CostRequest {
        messages_per_day: Some(100_000_000),
        message_bytes: Some(1000),
        path: Some("us-east-1:us-east-2".into()),
        ..req("transfer")
    })
    .unwrap();
    assert_eq!(r.per_day_usd.exact_string(), "1.00");
}

#[test]
fn bus_fees() {
    let r = evaluate_request(&CostRequest {
        participants: Some(3),
        regions: Some(vec!["aws:us-east-1:a".into()]),
        rtt_ms: Some(1.0),
        bus: Some("sqs-standard".into()),
        message_bytes: Some(1000),
        ..req("leader")
    })
    .unwrap();
    // same placement entry with an explicit zone → same zone → transfer $0;
    // 4 messages × $0.40/1M
    assert_eq!(
        r.message_cost_usd_per_tx,
        Usd::parse_decimal("0.0000016").unwrap()
    );
}

#[test]
fn invalid_inputs_name_the_parameter() {
    let check = |r: CostRequest, name: &str| {
        let e = evaluate_request(&r).unwrap_err();
        let got = match &e {
            CostError::InvalidParameter { name, .. }
            | CostError::MissingParameter { name, .. }
            | CostError::UnknownRegion { name, .. } => name.clone(),
            CostError::UnknownModel { .. } => "model".into(),
            other => format!("{other}"),
        };
        assert_eq!(got, name, "{e}");
    };
    check(req("4pc"), "model");
    check(
        CostRequest {
            n: Some(3),
            r: Some(1),
            w: Some(4),
            rtt_ms: Some(1.0),
            ..req("quorum")
        },
        "w",
    );
    check(
        CostRequest {
            n: Some(3),
            r: Some(5),
            w: Some(2),
            rtt_ms: Some(1.0),
            ..req("quorum")
        },
        "r",
    );
    check(
        CostRequest {
            n: Some(3),
            w: Some(2),
            rtt_ms: Some(1.0),
            ..req("quorum")
        },
        "r",
    );
    check(
        CostRequest {
            rtt_ms: Some(1.0),
            price_per_1000_messages: Some(-0.01),
            ..req("2pc")
        },
        "price-per-1000-messages",
    );
    check(
        CostRequest {
            regions: Some(vec!["mars-1".into()]),
            ..req("raft")
        },
        "regions",
    );
    check(req("raft"), "rtt-ms");
    check(
        CostRequest {
            rtt_ms: Some(-5.0),
            ..req("raft")
        },
        "rtt-ms",
    );
    check(
        CostRequest {
            rtt_ms: Some(1.0),
            batch: Some(0),
            ..req("raft")
        },
        "batch",
    );
    check(
        CostRequest {
            rtt_ms: Some(1.0),
            latency_usd_per_s: Some(1.0),
            revenue_per_tx: Some(1.0),
            ..req("raft")
        },
        "latency-usd-per-s",
    );
    check(
        CostRequest {
            rtt_ms: Some(1.0),
            participants: Some(3),
            ..req("pbft")
        },
        "participants",
    );
    check(
        CostRequest {
            messages_per_day: Some(1),
            ..req("transfer")
        },
        "message-bytes",
    );
    check(
        CostRequest {
            messages_per_day: Some(1),
            message_bytes: Some(1),
            path: Some("a:b:c".into()),
            ..req("transfer")
        },
        "path",
    );
    check(
        CostRequest {
            rtt_ms: Some(1.0),
            bus: Some("kafka".into()),
            ..req("raft")
        },
        "bus",
    );
    check(
        CostRequest {
            catalog: Some(CatalogSource::Builtin),
            rtt_ms: Some(1.0),
            coordinator: Some("x".into()),
            ..req("2pc")
        },
        "coordinator",
    );
    assert!(CatalogSource::named("nope").is_err());
}

#[test]
fn user_catalog_errors_name_file() {
    let e = evaluate_request(&CostRequest {
        rtt_ms: Some(1.0),
        catalog: Some(CatalogSource::File {
            name: "prices-2025.csv".into(),
            text: "provider,kind,from,to,usd,unit,billing,source,as_of\naws,inter_region,*,*,abc,GB,one_side,x,2025-01\n".into(),
        }),
        ..req("raft")
    })
    .unwrap_err();
    assert!(
        e.to_string().starts_with("prices-2025.csv:2: field `usd`"),
        "{e}"
    );
}

#[test]
fn issue21_item8_a_parameter_the_model_does_not_read_is_refused() {
    let e = evaluate_request(&CostRequest {
        rtt_ms: Some(50.0),
        fanout: Some(3),
        ..req("raft")
    })
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("`fanout`") && msg.contains("does not apply to `raft`"),
        "{msg}"
    );
    assert!(msg.contains("--batch"), "{msg}");
    // The same flag is read where it applies.
    evaluate_request(&CostRequest {
        rtt_ms: Some(50.0),
        fanout: Some(3),
        ..req("gossip")
    })
    .unwrap();
}

#[test]
fn every_model_evaluates() {
    for m in model_names() {
        if m == "transfer" {
            continue;
        }
        let quorum = m == "quorum";
        let r = evaluate_request(&CostRequest {
            rtt_ms: Some(50.0),
            n: quorum.then_some(3),
            r: quorum.then_some(2),
            w: quorum.then_some(2),
            latency_usd_per_s: Some(1.0),
            ..req(m)
        })
        .unwrap();
        assert!(r.messages_per_tx > 0.0, "{m}");
        assert!(r.per_tx_usd > Usd::ZERO, "{m}");
        assert!(!r.to_string().is_empty());
    }
}

#[test]
fn dominant_input_ranks_exact_swings_below_a_cent() {
    // 100 health-checked nodes in one region's three AZs, hierarchical, 100 B probes,
    // 10 intervals a day: the per-day total is a fraction of a cent, so every rounded
    // swing is $0.00 — the ranking must still follow the exact swings.
    let r = evaluate_request(&CostRequest {
        participants: Some(100),
        group_size: Some(10),
        regions: Some(vec![
            "aws:us-east-1:a".into(),
            "aws:us-east-1:b".into(),
            "aws:us-east-1:c".into(),
        ]),
        message_bytes: Some(100),
        tx_per_day: Some(10),
        ..req("health-check")
    })
    .unwrap();
    assert_eq!(r.per_day_usd, Usd::ZERO);
    assert!(r.per_tx_usd > Usd::ZERO);
    assert!(r.sensitivity.iter().all(|s| s.swing_usd == Usd::ZERO));
    // bytes and price both have elasticity 1 (tie broken by name); the latency
    // value is zero and must not be named
    assert_eq!(r.dominant_input, "message bytes");
    assert_eq!(r.sensitivity[0].input, "message bytes");
    assert_eq!(r.sensitivity[1].input, "message price");
    // nothing costs anything: no dominant input
    let free = evaluate_request(&CostRequest {
        participants: Some(3),
        rtt_ms: Some(0.0),
        price_per_1000_messages: Some(0.0),
        ..req("raft")
    })
    .unwrap();
    assert_eq!(free.per_tx_usd, Usd::ZERO);
    assert_eq!(free.dominant_input, NO_DOMINANT_INPUT);
    // the transfer model ranks the same way
    let t = evaluate_request(&CostRequest {
        messages_per_day: Some(10),
        message_bytes: Some(100),
        price_per_gb: Some(0.02),
        ..req("transfer")
    })
    .unwrap();
    assert_eq!(t.per_day_usd, Usd::ZERO);
    assert_ne!(t.dominant_input, "latency value ($/s or beta x revenue)");
    assert_ne!(t.dominant_input, NO_DOMINANT_INPUT);
}

#[test]
fn every_default_used_is_an_assumption_with_its_source() {
    let names =
        |r: &CostReport| -> Vec<String> { r.assumptions.iter().map(|a| a.name.clone()).collect() };
    let base = |m: &str| CostRequest {
        rtt_ms: Some(10.0),
        ..req(m)
    };
    for (m, expected) in [
        ("2pc", &["participants", "coordinator"][..]),
        ("3pc", &["participants", "coordinator"]),
        ("paxos", &["participants"]),
        ("multi-paxos", &["participants", "batch"]),
        ("raft", &["participants", "batch"]),
        ("leader", &["participants", "replication"]),
        ("gossip", &["participants", "fanout"]),
        ("pbft", &["participants"]),
        ("health-check", &["participants", "topology"]),
    ] {
        let r = evaluate_request(&base(m)).unwrap();
        let got = names(&r);
        for e in expected
            .iter()
            .chain(&["message bytes", "transactions per day", "message price"])
        {
            assert!(got.iter().any(|g| g == e), "{m}: missing {e} in {got:?}");
        }
        assert!(
            r.assumptions.iter().all(|a| !a.source.is_empty()),
            "{m}: {:?}",
            r.assumptions
        );
    }
    // given values are not reported as defaults
    let r = evaluate_request(&CostRequest {
        participants: Some(3),
        coordinator: Some("separate".into()),
        ..base("2pc")
    })
    .unwrap();
    assert!(
        !names(&r)
            .iter()
            .any(|n| n == "participants" || n == "coordinator")
    );
    let r = evaluate_request(&CostRequest {
        fanout: Some(2),
        ..base("gossip")
    })
    .unwrap();
    assert!(!names(&r).iter().any(|n| n == "fanout"));
}

#[test]
fn via_nat_adds_nat_processing_on_paths_leaving_the_vpc() {
    let t = |path: &str, nat: bool| {
        evaluate_request(&CostRequest {
            messages_per_day: Some(100_000_000),
            message_bytes: Some(1000),
            path: Some(path.into()),
            via_nat: nat,
            ..req("transfer")
        })
    };
    // 10^8 messages x 1000 B = 100 GB a day.
    // inter-region: 100 GB x $0.02 = $2.00; with the NAT 100 GB x ($0.02 + $0.045) = $6.50
    let plain = t("us-east-1:eu-west-1", false).unwrap();
    assert_eq!(plain.per_day_usd.exact_string(), "2.00");
    let r = t("us-east-1:eu-west-1", true).unwrap();
    assert_eq!(r.per_day_usd.exact_string(), "6.50");
    assert_eq!(r.per_year_usd.exact_string(), "2372.50");
    // per message: 1000 B x $0.065 / 10^9 B
    assert_eq!(r.message_cost_usd_per_tx.exact_string(), "0.000000065");
    let nat = r
        .assumptions
        .iter()
        .find(|a| a.name == "NAT gateway processing")
        .unwrap();
    assert!(nat.value.contains("$0.045/GB"), "{nat:?}");
    // the NAT row cites the retrieved page and its date
    assert!(nat.source.contains("cloudburn.io"), "{nat:?}");
    assert!(nat.source.contains("2026-02-24"), "{nat:?}");
    // internet (cross-provider): first paid tier $0.09 + NAT $0.045 = $13.50 for 100 GB
    let r = t("aws:us-east-1->gcp:us-central1", true).unwrap();
    assert_eq!(r.per_day_usd.exact_string(), "13.50");
    // cross-zone stays in the VPC: 100 GB x $0.01 x 2 sides = $2.00, no NAT fee
    let r = t("aws:us-east-1:a->aws:us-east-1:b", true).unwrap();
    assert_eq!(r.per_day_usd.exact_string(), "2.00");
    assert!(
        r.assumptions
            .iter()
            .any(|a| a.name == "NAT gateway processing" && a.value.starts_with("none")),
        "{:?}",
        r.assumptions
    );
    // no NAT row for GCP in the shipped catalog: an error, not a silent zero
    let e = t("gcp:us-central1->gcp:europe-west1", true).unwrap_err();
    assert!(e.to_string().contains("nat_processing"), "{e}");
    // a flat price knows no path
    let e = evaluate_request(&CostRequest {
        messages_per_day: Some(1),
        message_bytes: Some(1),
        price_per_gb: Some(0.02),
        via_nat: true,
        ..req("transfer")
    })
    .unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "via-nat"));
    let e = evaluate_request(&CostRequest {
        participants: Some(3),
        rtt_ms: Some(10.0),
        price_per_1000_messages: Some(0.01),
        via_nat: true,
        ..req("2pc")
    })
    .unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "via-nat"));
}

#[test]
fn per_year_states_the_365_day_year() {
    let protocol = evaluate_request(&CostRequest {
        participants: Some(5),
        rtt_ms: Some(100.0),
        price_per_1000_messages: Some(0.01),
        latency_usd_per_s: Some(1.0),
        tx_per_day: Some(1_000_000),
        ..req("2pc")
    })
    .unwrap();
    let transfer = evaluate_request(&CostRequest {
        messages_per_day: Some(100_000_000),
        message_bytes: Some(1000),
        price_per_gb: Some(0.02),
        ..req("transfer")
    })
    .unwrap();
    for r in [&protocol, &transfer] {
        let j = serde_json::to_value(r).unwrap();
        assert_eq!(j["days_per_year"], 365);
        assert!(
            r.assumptions
                .iter()
                .any(|a| a.name == "year" && a.value == "365 days"),
            "{:?}",
            r.assumptions
        );
        assert!(r.to_string().contains("per year (365 days)"));
    }
    // 200,140.00 a day x 365 (not 365.25 or 360)
    assert_eq!(protocol.per_year_usd.exact_string(), "73051100.00");
    assert_eq!(transfer.per_year_usd.exact_string(), "730.00");
}

#[test]
fn groups_select_the_hierarchical_form_of_2pc_raft_and_multi_paxos() {
    let g = |model: &str, groups: u32| {
        evaluate_request(&CostRequest {
            participants: Some(9),
            rtt_ms: Some(100.0),
            groups: Some(groups),
            ..req(model)
        })
    };
    let r = g("2pc", 3).unwrap();
    assert_eq!(r.messages_per_tx_exact, "28");
    assert_eq!(r.rounds, 7);
    assert_eq!(r.latency_ms, 350.0);
    assert!(r.formula.contains("R*"), "{}", r.formula);
    for m in ["raft", "multi-paxos"] {
        let r = g(m, 3).unwrap();
        assert_eq!(r.messages_per_tx_exact, "16");
        assert_eq!(r.latency_ms, 200.0);
    }
    for m in ["3pc", "paxos", "leader", "health-check"] {
        let e = g(m, 3).unwrap_err();
        assert!(
            matches!(&e, CostError::InvalidParameter { name, .. } if name == "groups"),
            "{m}: {e}"
        );
    }
    let e = g("2pc", 0).unwrap_err();
    assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "groups"));
}

#[test]
fn via_nat_on_a_placed_protocol_charges_only_the_inter_region_messages() {
    // Raft, N = 3: leader us-east-1, follower 1 in another us-east-1 zone, follower 2
    // in eu-west-1; 2(N - 1) = 4 messages of 1000 B per entry.
    let r = |nat: bool| {
        evaluate_request(&CostRequest {
            participants: Some(3),
            regions: Some(vec![
                "us-east-1".into(),
                "us-east-1".into(),
                "eu-west-1".into(),
            ]),
            message_bytes: Some(1000),
            tx_per_day: Some(1_000_000_000),
            via_nat: nat,
            ..req("raft")
        })
        .unwrap()
    };
    // without: 2 cross-zone x 1000 B x $0.02 + 2 inter-region x 1000 B x $0.02 = 8e-8
    let plain = r(false);
    assert_eq!(plain.message_cost_usd_per_tx.exact_string(), "0.00000008");
    // with: + 2 inter-region x 1000 B x $0.045 = 9e-8 -> 1.7e-7; x 10^9 tx = $170/day
    let nat = r(true);
    assert_eq!(nat.message_cost_usd_per_tx.exact_string(), "0.00000017");
    assert_eq!(nat.per_day_usd.exact_string(), "170.00");
    assert_eq!(nat.per_year_usd.exact_string(), "62050.00");
    for p in &nat.paths {
        assert_eq!(p.price.contains("NAT"), p.class == "inter_region", "{p:?}");
    }
    // latency is unchanged by the NAT fee
    assert_eq!(nat.latency_ms, plain.latency_ms);
}

use proptest::prelude::*;
proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn never_panics(
        model in 0usize..model_names().count(),
        participants in proptest::option::of(0u32..300),
        rtt in proptest::option::of(-1.0f64..1e6),
        bytes in proptest::option::of(any::<u64>()),
        tx in proptest::option::of(any::<u64>()),
        batch in proptest::option::of(0u32..1_000_000),
        price in proptest::option::of(-1.0f64..1e6),
        lat in proptest::option::of(-1.0f64..1e6),
        nrw in (0u32..8, 0u32..8, 0u32..8),
        use_regions in any::<bool>(),
        mpd in proptest::option::of(any::<u64>()),
        groups in proptest::option::of(0u32..400),
        via_nat in any::<bool>(),
    ) {
        let r = CostRequest {
            model: model_names().nth(model).unwrap_or(TRANSFER).to_string(),
            participants,
            rtt_ms: rtt,
            regions: use_regions.then(|| vec!["us-east-1".into(), "eu-west-1:b".into()]),
            message_bytes: bytes,
            price_per_1000_messages: price,
            latency_usd_per_s: lat,
            tx_per_day: tx,
            batch,
            n: Some(nrw.0),
            r: Some(nrw.1),
            w: Some(nrw.2),
            messages_per_day: mpd,
            price_per_gb: price.map(|p| p / 100.0),
            groups,
            via_nat,
            ..Default::default()
        };
        // Ok or a clear error, never a panic
        if let Ok(rep) = evaluate_request(&r) {
            prop_assert!(!rep.to_string().is_empty());
        }
    }

    #[test]
    fn cost_monotone_in_bytes(b in 0u64..100_000, extra in 1u64..10_000) {
        let mk = |bytes| evaluate_request(&CostRequest {
            participants: Some(3),
            regions: Some(vec!["us-east-1".into(), "eu-west-1".into(), "ap-northeast-1".into()]),
            message_bytes: Some(bytes),
            ..req("raft")
        }).unwrap().message_cost_usd_per_tx;
        prop_assert!(mk(b + extra) >= mk(b));
    }

    #[test]
    fn per_day_is_per_tx_times_volume(t in 0u64..10_000_000, p in 0u32..1000) {
        let r = evaluate_request(&CostRequest {
            participants: Some(4),
            rtt_ms: Some(10.0),
            price_per_1000_messages: Some(f64::from(p) / 100.0),
            tx_per_day: Some(t),
            ..req("paxos")
        }).unwrap();
        prop_assert_eq!(r.per_day_usd, r.per_tx_usd.times(t).round_to_cents());
    }
}
