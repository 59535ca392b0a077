use super::*;
use crate::net::LatencyDist;
use crate::rng::trial_rng;

fn cfg(watchers: usize, keys: usize, grouped: bool) -> WatchConfig {
    WatchConfig {
        watchers,
        keys,
        grouped,
        updates: 100,
        interval: MS,
        progress: 30 * MS,
        ordered: true,
    }
}

fn constant() -> NetworkModel {
    NetworkModel {
        latency: LatencyDist::Constant { ns: MS },
        ..NetworkModel::default()
    }
}

#[test]
fn fault_free_counts_match_the_formulas() {
    for n in [1usize, 7, 50, 200] {
        for m in [1usize, 3, 10, 40] {
            let (naive, _) =
                run_watch(&cfg(n, m, false), &constant(), trial_rng(2, 0), false).unwrap();
            let (grouped, _) =
                run_watch(&cfg(n, m, true), &constant(), trial_rng(2, 0), false).unwrap();
            let what = format!("N={n} M={m}");
            for r in [&naive, &grouped] {
                assert!(r.violations.is_empty(), "{what}: {:?}", r.violations);
                assert_eq!(r.delivered, r.needed, "{what}");
                assert_eq!(r.bytes, r.kind("event") * 148 + r.kind("progress") * 24);
            }
            // the same update keys in both runs (the server draws first)
            assert_eq!(naive.needed, grouped.needed, "{what}");
            let u = 100u64;
            assert_eq!(naive.kind("event"), u * n as u64, "{what}");
            assert_eq!(naive.redundant, u * n as u64 - naive.needed, "{what}");
            assert_eq!(grouped.kind("event"), u + grouped.needed, "{what}");
            assert_eq!(grouped.redundant, 0);
            // progress: 3 rounds (30, 60, 90 ms) on every stream
            let r = m.min(16) as u64;
            assert_eq!(naive.kind("progress"), 3 * n as u64, "{what}");
            assert_eq!(grouped.kind("progress"), 3 * (r + n as u64), "{what}");
        }
    }
    // c(k) = ⌊N/M⌋ + [k < N mod M]
    let c = cfg(7, 3, true);
    assert_eq!(
        (0..3).map(|k| c.watchers_of(k)).collect::<Vec<_>>(),
        [3, 2, 2]
    );
}

#[test]
fn sweep_is_safe_and_the_mutant_is_caught() {
    use crate::sweep::sweep;
    let ok = sweep("etcd-watch", None, 0, 300, None).unwrap().findings;
    assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
    let bad = sweep("etcd-watch", None, 0, 300, Some("deliver-on-arrival"))
        .unwrap()
        .findings;
    assert!(bad.violating_runs > 100, "{}", bad.violating_runs);
    assert!(bad.shortest.unwrap().violations[0].contains("revision order"));
}

#[test]
fn registry_entry_reports_per_update_figures() {
    let p = crate::registry::find("etcd-watch").unwrap();
    for (opt, events) in [("naive", 100.0), ("grouped", 1.0 + 10.0)] {
        let sc = Scenario {
            trials: 2,
            params: crate::registry::Params {
                options: vec![opt.into()],
                ..Default::default()
            },
            ..Scenario::new(100)
        };
        let s = crate::registry::simulate(p, &sc, &|_, _| {}).unwrap();
        assert_eq!(s.violations.as_ref().map(|v| v.count), Some(0), "{opt}");
        assert_eq!(s.delivery_ratio.min, 1.0);
        // 100 watchers on 10 keys: c(k) = 10 for every key
        assert_eq!(s.extra["events_per_update"].mean, events, "{opt}");
    }
}
