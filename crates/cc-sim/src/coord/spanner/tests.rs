use super::*;
use crate::net::LatencyDist;
use crate::rng::trial_rng;

fn constant(ms: u64) -> NetworkModel {
    NetworkModel {
        latency: LatencyDist::Constant { ns: ms * MS },
        ..NetworkModel::default()
    }
}

fn cfg(participants: usize, replicas: usize, eps_ms: u64) -> SpannerConfig {
    SpannerConfig {
        replicas,
        epsilon: eps_ms * MS,
        skew: eps_ms * MS,
        transactions: 50,
        interarrival: 5 * MS,
        ..SpannerConfig::new(5, participants)
    }
}

#[test]
fn fault_free_counts_match_the_formulas() {
    for g in 1..=5 {
        for r in [1, 2, 3, 5] {
            let c = cfg(g, r, 7);
            let run = run_spanner(&c, &constant(1), trial_rng(3, g as u64)).unwrap();
            assert!(run.violations.is_empty(), "{:?}", run.violations);
            assert_eq!((run.committed, run.applied_everywhere), (50, 50));
            let (g64, r64) = (g as u64, r as u64);
            assert_eq!(
                run.messages,
                50 * (3 * g64 - 1 + 2 * (r64 - 1) * (2 * g64 - 1)),
                "P={g} R={r}"
            );
            assert_eq!(run.messages, 50 * c.messages_per_transaction());
            assert_eq!(run.bytes, 50 * c.bytes_per_transaction(), "P={g} R={r}");
        }
    }
    // one transaction on 3 of the groups of 3: 3 begins, 2 prepare rounds of 4,
    // 2 prepared, a commit round of 4, 1 reply, 2 commits, 2 commit rounds of 4
    let one = SpannerConfig {
        transactions: 1,
        ..cfg(3, 3, 7)
    };
    assert_eq!(one.messages_per_transaction(), 3 + 8 + 2 + 4 + 1 + 2 + 8);
}

#[test]
fn latency_is_seven_delays_plus_the_exposed_wait() {
    // exact clocks (skew 0), d = 1 ms: P >= 2 takes 4d + max(2d, 2ε) + d,
    // P = 1 takes d + max(2d, 2ε) + d; TT.after is strict (+1 ns) and a
    // timestamp bumped past the previous one may add a few ns
    for (g, eps, expect_ms) in [
        (1, 0, 4.0),
        (2, 0, 7.0),
        (5, 0, 7.0),
        (1, 7, 16.0),
        (3, 7, 19.0),
        (3, 1, 7.0),
    ] {
        let c = SpannerConfig {
            skew: 0,
            ..cfg(g, 3, eps)
        };
        let run = run_spanner(&c, &constant(1), trial_rng(1, 0)).unwrap();
        assert!(run.violations.is_empty(), "{:?}", run.violations);
        for &l in &run.latencies_ns {
            let ms = l as f64 / MS as f64;
            assert!((ms - expect_ms).abs() < 0.001, "P={g} ε={eps}: {ms}");
        }
        let exposed = run.mean_exposed_wait_ns / MS as f64;
        let want = (2.0 * eps as f64 - 2.0).max(0.0);
        assert!((exposed - want).abs() < 0.001, "P={g} ε={eps}: {exposed}");
    }
}

#[test]
fn externally_consistent_with_skew_within_epsilon() {
    let net = NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 1e6 },
        ..NetworkModel::default()
    };
    for seed in 0..30 {
        let c = SpannerConfig {
            interarrival: 2 * MS,
            ..cfg(2, 3, 7)
        };
        let run = run_spanner(&c, &net, trial_rng(seed, 0)).unwrap();
        assert!(run.violations.is_empty(), "{seed}: {:?}", run.violations);
        assert_eq!(run.committed, 50);
    }
}

#[test]
fn skew_beyond_epsilon_and_both_mutants_trip_the_checkers() {
    let net = NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 1e6 },
        ..NetworkModel::default()
    };
    let trips = |c: SpannerConfig, what: &str| {
        (0..30).any(|seed| {
            run_spanner(&c, &net, trial_rng(seed, 7))
                .unwrap()
                .violations
                .iter()
                .any(|v| v.starts_with(what))
        })
    };
    let base = SpannerConfig {
        interarrival: 2 * MS,
        ..cfg(2, 3, 7)
    };
    assert!(!trips(base, "external") && !trips(base, "prepare"));
    // real offsets up to ±4ε: TT.now() no longer contains true time
    let skewed = SpannerConfig {
        skew: 28 * MS,
        ..base
    };
    assert!(trips(skewed, "external consistency"));
    let no_wait = SpannerConfig {
        commit_wait: false,
        ..base
    };
    assert!(trips(no_wait, "external consistency"));
    let early = SpannerConfig {
        all_prepares: false,
        ..base
    };
    assert!(trips(early, "prepare bound"));
}

#[test]
fn sweep_is_safe_and_catches_every_mutant() {
    use crate::sweep::sweep;
    let ok = sweep("spanner-commit", None, 0, 500, None)
        .unwrap()
        .findings;
    assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
    // faults stall some transactions, most commit
    let committed = ok.progress["committed_transactions"];
    assert!(committed > 500.0 * 20.0 * 0.3, "{committed}");
    assert!(ok.progress["all_committed_runs"] < 500.0);
    for m in ["no-commit-wait", "timestamp-before-last-prepare"] {
        let bad = sweep("spanner-commit", None, 0, 500, Some(m))
            .unwrap()
            .findings;
        assert!(bad.violating_runs > 0, "{m} not caught");
        let sh = bad.shortest.unwrap();
        assert!(!sh.trace.is_empty() && !sh.violations.is_empty());
    }
}

#[test]
fn same_seed_same_run_and_registry_entry_runs_on_regions() {
    let c = cfg(3, 3, 7);
    let net = NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 2e6 },
        ..NetworkModel::default()
    };
    let a = run_spanner(&c, &net, trial_rng(9, 1)).unwrap();
    let b = run_spanner(&c, &net, trial_rng(9, 1)).unwrap();
    assert_eq!(a, b);
    let p = crate::registry::find("spanner-commit").unwrap();
    let sc = Scenario {
        trials: 2,
        latency: Some(LatencyDist::parse("regions").unwrap()),
        ..Scenario::new(4)
    };
    let s = crate::registry::simulate(p, &sc, &|_, _| {}).unwrap();
    assert_eq!(s.violations.as_ref().map(|v| v.count), Some(0));
    assert_eq!(s.delivery_ratio.min, 1.0);
    let per = s.messages_per_decision.unwrap().mean;
    assert_eq!(
        per,
        SpannerConfig::new(4, 2).messages_per_transaction() as f64
    );
    let bad = Scenario {
        params: crate::registry::Params {
            replicas: Some(10),
            ..Default::default()
        },
        ..Scenario::new(4)
    };
    let e = crate::registry::simulate(p, &bad, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("replicas"), "{e}");
    let bad = Scenario {
        params: crate::registry::Params {
            participants: Some(5),
            ..Default::default()
        },
        ..Scenario::new(4)
    };
    let e = crate::registry::simulate(p, &bad, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("participants"), "{e}");
}
