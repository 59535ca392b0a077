use cc_cost::Usd;

use super::*;

/// The audit rows, computed once per test process (the gossip row simulates).
fn rows() -> Vec<AuditRow> {
    static ROWS: std::sync::OnceLock<Vec<AuditRow>> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let m = Measured::compute(crate::DEFAULT_SEED).unwrap();
        source_examples(&m).unwrap()
    })
    .clone()
}

fn find<'a>(rows: &'a [AuditRow], id: &str) -> &'a AuditRow {
    rows.iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("row {id}"))
}

#[test]
fn audit_rows_recompute() {
    let rows = rows();
    let r = find(&rows, "2pc-latency");
    assert!(r.recomputed.starts_with("4 message delays = 200 ms"));
    // 14 × $0.00001 + 0.2 s × $1/s
    let r = find(&rows, "2pc-per-tx");
    assert!(
        r.recomputed.contains("$0.30015") && r.recomputed.contains("$0.20014"),
        "{}",
        r.recomputed
    );
    let r = find(&rows, "2pc-per-day");
    assert!(r.recomputed.contains("$300,150.00") && r.recomputed.contains("$200,140.00"));
    let r = find(&rows, "2pc-per-year");
    // 0.20014 × 1e6 × 365 = 73,051,100
    assert!(r.recomputed.contains("$73,051,100.00") && r.recomputed.contains("$109,554,750.00"));
    let r = find(&rows, "calc-per-day");
    assert!(r.recomputed.contains("$2.00/day"));
    // 1.024e11 B / 2^30 × 0.02 = 1.9073…
    assert!(r.recomputed.contains("$1.91/day"));
    assert_eq!(r.verdict, Verdict::ArithmeticError { factor: 1000.0 });
    assert_eq!(
        find(&rows, "calc-per-year").verdict,
        Verdict::ArithmeticError { factor: 1000.0 }
    );
    assert_eq!(
        find(&rows, "dashboard-health").verdict,
        Verdict::ArithmeticError { factor: 0.001 }
    );
    let r = find(&rows, "dashboard-total");
    assert!(r.recomputed.starts_with("$136,000.00/day"));
    if let Verdict::ArithmeticError { factor } = r.verdict {
        assert!((factor - 36_100.0 / 136_000.0).abs() < 1e-9);
    } else {
        panic!("verdict");
    }
    assert!(
        find(&rows, "dashboard-year")
            .recomputed
            .starts_with("$49,640,000.00/year")
    );
    // issue 13 item 8: 99.8% is exactly batching × affinity (1 − 0.01 × 0.2)
    let r = find(&rows, "strategies-combined");
    assert!(
        r.recomputed.contains("1 − 0.01 × 0.2 = 99.8%"),
        "{}",
        r.recomputed
    );
    assert!(r.recomputed.contains("99.98%"));
    assert_eq!(r.verdict.kind(), "right in its model");
    assert!(r.explanation.starts_with("Debatable, so the reasoning"));
    // issue 13 item 4: 2N = 2(N − 1) + 2 with the client's request and reply
    for (n, m) in [(3, 4), (5, 8), (7, 12), (9, 16)] {
        let r = find(&rows, &format!("consensus-{n}"));
        assert!(
            r.recomputed
                .starts_with(&format!("2(N − 1) = {m} messages")),
            "{}",
            r.recomputed
        );
        assert!(
            r.recomputed
                .contains(&format!("+ 2 client messages = {}", 2 * n)),
            "{}",
            r.recomputed
        );
        assert_eq!(
            r.verdict,
            Verdict::RightInModel {
                model: format!("client request and reply counted: 2(N − 1) + 2 = {}", 2 * n)
            }
        );
    }
    assert!(find(&rows, "consensus-5").recomputed.contains("(+100%)"));
    assert!(
        find(&rows, "consensus-7")
            .recomputed
            .contains("21 paths (+600% vs 3 nodes)")
    );
    assert!(
        find(&rows, "multipaxos-batching")
            .recomputed
            .contains("0.08 per decision")
    );
    assert!(
        find(&rows, "health-hierarchical")
            .recomputed
            .contains("(360 messages)")
    );
    assert!(
        find(&rows, "health-full-mesh")
            .recomputed
            .contains("9,900 probes, 19,800 messages")
    );
    // figures that used to be typed in are computed; check them against hand values
    let r = find(&rows, "2pc-latency-cost");
    assert!(
        r.recomputed.starts_with(
            "$0.30 (with the text's 300 ms); $0.20 with the 4 message delays = 200 ms"
        ),
        "{}",
        r.recomputed
    );
    let r = find(&rows, "2pc-latency-value");
    // beta 0.1/s × $1 × 0.2 s = $0.02
    assert_eq!(
        r.verdict,
        model_err(
            "beta × R × Δt with published A/B betas",
            "$0.02 per transaction for R = $1 at beta = 0.1/s and 200 ms"
        )
    );
    assert!(r.explanation.contains("lose $0.30 to 300 ms"));
    // $0.01 per 1000 vs SQS $0.40/M (= $0.0004 per 1000) and 1 KB at $0.02/GB
    let r = find(&rows, "2pc-message-price");
    assert!(
        r.explanation
            .contains("charges $0.40 per million requests, 25× less"),
        "{}",
        r.explanation
    );
    assert!(
        r.explanation
            .contains("costs $0.00002 per 1000 messages, 500× less"),
        "{}",
        r.explanation
    );
    assert!(!r.explanation.contains("No AWS price"));
    let r = find(&rows, "paxos-election");
    assert!(r.recomputed.contains("2(N − 1) = 8") && r.recomputed.contains("= 40)"));
    let r = find(&rows, "multipaxos-batching");
    // 100 decisions × 8 + one phase 1 of 8
    assert!(r.recomputed.contains("(808 per 100 incl. one phase 1)"));
    assert_eq!(r.text_figure, "2N + 99 = 109 (N = 5), ~1 per decision");
    assert!(
        find(&rows, "health-hierarchical")
            .recomputed
            .contains("= 90 + 90 = 180 probes (360 messages)")
    );
    let r = find(&rows, "config-push");
    // 1000 nodes polling every 30 s: 33.3/s, 2,880,000 a day; push at 10 changes/day
    assert!(
        r.recomputed.contains("(1,000 for 1,000 nodes)")
            && r.recomputed
                .contains("33.3/s for T = 30 s, 2,880,000 a day")
            && r.recomputed.contains("push sends 10,000 messages")
            && r.recomputed.contains("until 2880 changes a day"),
        "{}",
        r.recomputed
    );
    let r = find(&rows, "discovery-cache");
    assert!(
        r.recomputed.contains("100× for M = 1/s") && r.recomputed.contains("300× for M = 10/s")
    );
    let r = find(&rows, "aws-cross-region");
    assert!(
        r.recomputed.contains("$0.01 us-east-1 ↔ us-east-2")
            && r.recomputed.contains("$0.138/GB from sa-east-1")
            && r.recomputed.ends_with("same AZ $0.00"),
        "{}",
        r.recomputed
    );
    // 200 B across AZs: 200 × $0.02 / 10⁹ = $0.000000004
    assert!(
        find(&rows, "dashboard-health")
            .explanation
            .contains("$0.00 within an AZ and $0.000000004 across AZs")
    );
    // $13M ÷ $49.64M
    if let Verdict::ArithmeticError { factor } = find(&rows, "dashboard-year").verdict {
        assert!((factor - 13.0 / 49.64).abs() < 1e-9, "{factor}");
    } else {
        panic!("verdict");
    }
    // (0.02 + 0.08 + 0.09 + 0.01 + 0.015) / 5 = 0.043
    assert!(
        find(&rows, "000-replication-asynchronous")
            .explanation
            .contains("their mean is $0.043")
    );
    assert!(
        find(&rows, "exercise-1")
            .recomputed
            .contains("50 requests in flight; 200 at 200 ms; 100 at 2,000 RPS")
    );
    assert!(
        find(&rows, "000-replication-synchronous")
            .recomputed
            .starts_with("$2,000.00/day, $730,000.00/year")
    );
    // (500 − 175) TB × $40/TB − $50 = $12,950/day
    assert!(
        find(&rows, "000-compression-dictionary")
            .recomputed
            .contains("net $12,950.00/day = $4,726,750.00/year")
    );
    assert!(find(&rows, "sharding").recomputed.contains("9.3 messages"));
    // ids are unique
    let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rows.len());
}

#[test]
fn real_data_scenarios() {
    let s = priced_with_real_data().unwrap();
    let get = |id: &str| &s.iter().find(|x| x.id == id).unwrap().report;
    // 100M × 1000 B at $0.02/GB = $2/day; Tokyo source $0.09 → $9/day
    assert_eq!(get("calc-aws-us-eu").per_day_usd, Usd::from_dollars(2));
    assert_eq!(get("calc-aws-tokyo-us").per_day_usd, Usd::from_dollars(9));
    assert_eq!(get("calc-aws-cross-az").per_day_usd, Usd::from_dollars(2));
    // GCP: 1e11 B / 2^30 × 0.08 = 7.4505… → $7.45
    assert_eq!(get("calc-gcp-us-eu").per_day_usd.exact_string(), "7.45");
    // 2PC messages: 3N − 1
    assert_eq!(get("2pc").messages_per_tx, 14.0);
    // consensus in one region: cross-AZ RTT 1 ms, cost from bytes only
    let az = get("consensus-5-az");
    assert_eq!(az.latency_ms, 1.0);
    // batching: message count falls 100×, bytes cost constant
    assert_eq!(get("multipaxos-b100").messages_per_tx, 0.08);
    assert_eq!(
        get("multipaxos-b1").message_cost_usd_per_tx,
        get("multipaxos-b100").message_cost_usd_per_tx
    );
    // at 11,574 decisions/s a batch of 100 fills in 99/(2·11574) s ≈ 4.28 ms
    let hot = get("multipaxos-b100-hot");
    assert!((hot.batching_wait_ms - 99.0 / 2.0 / (1e9 / 86_400.0) * 1000.0).abs() < 1e-9);
    assert!(hot.latency_ms < get("multipaxos-b1").latency_ms + 5.0);
    // hierarchical health checks are far cheaper than full mesh
    assert!(get("health-hierarchical").per_day_usd < get("health-full-mesh").per_day_usd);
    assert_eq!(get("health-full-mesh").messages_per_tx, 19_800.0);
    // the dashboard with real data
    let d2pc = get("dashboard-2pc");
    assert_eq!(d2pc.tx_per_day, 50_000);
    assert_eq!(d2pc.messages_per_tx, 14.0);
    assert_eq!(d2pc.latency_ms, get("2pc").latency_ms);
    assert_eq!(d2pc.per_tx_usd, get("2pc").per_tx_usd);
    // 2 × 10⁸ × 100 B = 20 GB across AZs at $0.01 each side = $0.40
    assert_eq!(get("dashboard-health").per_day_usd, Usd::from_cents(40));
    // config push: 99 one-way messages of 1 KB from us-east-1, 19 across AZs
    // ($0.02/GB both sides) and 80 to other US/EU/Asia regions ($0.02/GB from
    // us-east-1): 99 × 1000 × 0.02 / 10⁹ per change, × 10,000 changes = $0.0198
    let cfg = get("dashboard-config");
    assert_eq!(cfg.messages_per_tx, 99.0);
    assert_eq!(cfg.latency_ms, 0.0);
    assert_eq!(
        cfg.message_cost_usd_per_tx,
        Usd::parse_decimal("0.00000198").unwrap()
    );
    assert_eq!(cfg.per_day_usd, Usd::from_cents(2));
    let total = dashboard_total_per_day(&s);
    let by_hand = [
        "dashboard-2pc",
        "dashboard-raft",
        "dashboard-health",
        "dashboard-config",
    ]
    .iter()
    .map(|id| get(id).per_day_usd)
    .sum::<Usd>();
    assert_eq!(total, by_hand);
    // the real dashboard is dominated by the latency valuation, not by messages
    assert!(
        get("dashboard-raft").latency_cost_usd_per_tx
            > get("dashboard-raft").message_cost_usd_per_tx
    );
}

#[test]
fn issue13_item6_each_dashboard_line_explains_its_own_price() {
    let rows = rows();
    for (id, price) in [
        ("dashboard-2pc", "$0.30"),
        ("dashboard-raft", "$0.02"),
        ("dashboard-config", "$0.10"),
    ] {
        let r = find(&rows, id);
        assert!(r.claim.contains(price), "{id}: {}", r.claim);
        // the explanation names this line's price, never another line's
        assert!(r.explanation.contains(price), "{id}: {}", r.explanation);
        if id != "dashboard-2pc" {
            assert!(!r.explanation.contains("$0.30"), "{id}: {}", r.explanation);
        }
    }
}

#[test]
fn issue13_item4_one_counting_convention() {
    let rows = rows();
    // Paxos: 2(N − 1) server messages + 2 client messages = 2N = 10 for N = 5.
    let r = find(&rows, "paxos-normal");
    assert!(
        r.recomputed.contains("2(N − 1) = 8 server messages")
            && r.recomputed
                .contains("plus 2 client messages (request, reply): 10 = 2N"),
        "{}",
        r.recomputed
    );
    assert_eq!(r.verdict.kind(), "right in its model");
    // PBFT's 2n² − n + 1 split the same way: 2n(n − 1) + (n + 1).
    let r = find(&rows, "byzantine");
    assert!(
        r.recomputed.contains("24 + 5 = 29 for n = 4"),
        "{}",
        r.recomputed
    );
    assert!(
        r.recomputed.contains("84 + 8 = 92 for n = 7"),
        "{}",
        r.recomputed
    );
    // The leader row counts servers and client separately and stays a model error.
    let r = find(&rows, "leader");
    assert!(
        r.recomputed.contains("2(N − 1) = 8 with acks"),
        "{}",
        r.recomputed
    );
    assert_eq!(r.verdict.kind(), "model error");
}

#[test]
fn issue13_item5_quorum_and_gossip_have_one_value() {
    let rows = rows();
    // a read goes to all N like a write: 2N per operation, 4N = 12 for the pair (N = 3)
    let r = find(&rows, "quorum");
    assert!(
        r.recomputed.contains("2N = 6 per operation"),
        "{}",
        r.recomputed
    );
    assert!(r.recomputed.contains("12 for the pair"), "{}", r.recomputed);
    // gossip: the simulated per-node figure, not the anti-entropy model's r per node
    let m = Measured::compute(crate::DEFAULT_SEED).unwrap();
    let r = find(&rows, "gossip");
    assert!(
        r.recomputed.contains(&format!(
            "{} messages per node",
            crate::fmt::num(m.gossip.per_node_mean)
        )),
        "{}",
        r.recomputed
    );
    assert!(m.gossip.per_node_mean < 12.0, "{}", m.gossip.per_node_mean);
}

#[test]
fn issue13_item8_debatable_verdicts_give_their_reasoning() {
    let rows = rows();
    for id in ["strategies-combined", "health-hierarchical", "crdt"] {
        let r = find(&rows, id);
        assert!(
            r.explanation.starts_with("Debatable, so the reasoning"),
            "{id}: {}",
            r.explanation
        );
    }
    let r = find(&rows, "health-hierarchical");
    assert!(
        r.explanation.contains("valid upper bound"),
        "{}",
        r.explanation
    );
    assert!(
        r.explanation.contains("180 probes here"),
        "{}",
        r.explanation
    );
    assert!(
        r.explanation.contains("exactly N − 1 = 99 probes"),
        "{}",
        r.explanation
    );
    let r = find(&rows, "crdt");
    assert!(r.explanation.contains("operation-based counter"));
}
