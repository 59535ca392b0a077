use super::*;
use crate::net::{LatencyDist, NetworkModel};
use crate::rng::trial_rng;

fn one_ms() -> NetworkModel {
    NetworkModel {
        latency: LatencyDist::Constant { ns: MS },
        ..NetworkModel::default()
    }
}

#[test]
fn fault_free_batches_match_the_formulas() {
    let records = 96;
    for n in [2usize, 3, 5] {
        for acks in [Acks::Zero, Acks::One, Acks::All] {
            for b in [4u32, 8, 16] {
                let cfg = batch_config(n, acks, records, b, 100 * MS, MS);
                let r = run_isr(&cfg, &one_ms(), 60_000 * MS, trial_rng(1, 0)).unwrap();
                let what = format!("n={n} acks={} b={b}", acks.name());
                assert!(r.violations.is_empty(), "{what}: {:?}", r.violations);
                assert_eq!(r.acknowledged, records, "{what}");
                assert_eq!(r.by_kind["produce"], records / u64::from(b), "{what}");
                let data = r.replication_messages() - cfg.opening_fetches();
                let want = messages_per_record(n, acks, b) * records as f64;
                assert_eq!(data as f64, want, "{what}");
                let bytes = r.replication_bytes() - cfg.opening_fetch_bytes();
                let want = bytes_per_record(n, acks, b, cfg.record_bytes) * records as f64;
                assert!(
                    (bytes as f64 - want).abs() < 1e-6,
                    "{what}: {bytes} vs {want}"
                );
                // waiting for the batch to fill, (b − 1)/2 ms on average, plus the delays
                let delays = match acks {
                    Acks::Zero => 1.0,
                    Acks::One => 2.0,
                    Acks::All => 4.0,
                };
                let mean = r.latencies_ns.iter().sum::<Time>() as f64 / records as f64 / MS as f64;
                let want = f64::from(b - 1) / 2.0 + delays;
                assert!((mean - want).abs() < 1e-9, "{what}: {mean} vs {want}");
            }
        }
    }
    // b = 1 costs what unbatched ISR costs per record: 2N
    assert_eq!(messages_per_record(3, Acks::All, 1), 6.0);
}

#[test]
fn linger_caps_the_wait_and_the_batch() {
    // linger 3 ms < the 15 ms a batch of 16 needs to fill: batches of 4
    // leave every 4 ms (3 ms linger + the 1 ms the ack takes to free the
    // producer: 4 delays with acks = all)
    let cfg = batch_config(3, Acks::All, 96, 16, 3 * MS, MS);
    let r = run_isr(&cfg, &one_ms(), 60_000 * MS, trial_rng(1, 0)).unwrap();
    assert!(r.violations.is_empty());
    assert_eq!(r.acknowledged, 96);
    assert_eq!(r.by_kind["produce"], 24);
    assert!(
        r.latencies_ns.iter().all(|&t| t <= 7 * MS),
        "{:?}",
        r.latencies_ns
    );
}

#[test]
fn sweep_is_safe_and_the_mutant_is_caught() {
    use crate::sweep::sweep;
    let ok = sweep("kafka-batch", None, 0, 300, None).unwrap().findings;
    assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
    assert!(ok.progress["mean_acknowledged"] > 30.0, "{:?}", ok.progress);
    let bad = sweep("kafka-batch", None, 0, 300, Some("hw-on-leader-leo"))
        .unwrap()
        .findings;
    assert!(bad.violating_runs > 0, "mutant not caught");
    let v = bad.shortest.unwrap().violations;
    assert!(v[0].contains("HW") || v[0].contains("lost"), "{v:?}");
}

#[test]
fn registry_entry_batches_and_refuses_bad_linger() {
    let p = crate::registry::find("kafka-batch").unwrap();
    let sc = Scenario {
        trials: 2,
        ..Scenario::new(3)
    };
    let s = crate::registry::simulate(p, &sc, &|_, _| {}).unwrap();
    assert_eq!(s.violations.as_ref().map(|v| v.count), Some(0));
    assert_eq!(s.delivery_ratio.min, 1.0);
    let per = s.extra["records_per_produce"].mean;
    assert!(per > 1.0 && per <= 16.0, "{per}");
    let bad = Scenario {
        params: crate::registry::Params {
            linger_ms: Some(-1.0),
            ..Default::default()
        },
        ..Scenario::new(3)
    };
    let e = crate::registry::simulate(p, &bad, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert!(e.contains("linger_ms"), "{e}");
}
