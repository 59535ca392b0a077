//! The ledger's rows resolve, cover both texts, and every computed verdict is
//! recomputed here from the text's inputs.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::*;

fn all() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| rows(crate::DEFAULT_SEED).unwrap())
}

fn get(id: &str) -> &'static Row {
    all()
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("ledger row {id}"))
}

#[test]
fn ids_are_unique_and_every_row_is_in_a_part() {
    let rows = all();
    let ids: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rows.len());
    for r in rows {
        assert!(
            PARTS.iter().any(|(t, p)| *t == r.text && *p == r.part),
            "{}: part `{}` of {} is not in PARTS",
            r.id,
            r.part,
            r.text
        );
        assert!(r.id.starts_with(r.text), "{}", r.id);
    }
    for (t, p) in PARTS {
        assert!(
            rows.iter().any(|r| r.text == *t && r.part == *p),
            "{t} {p} has no row"
        );
    }
}

#[test]
fn every_audit_row_is_linked_once() {
    let m = Measured::compute(crate::DEFAULT_SEED).unwrap();
    let audit = crate::audit::source_examples(&m).unwrap();
    for a in &audit {
        let id = ledger_id_of_audit(&a.id);
        let r = get(&id);
        assert_eq!(r.verdict, LedgerVerdict::from(&a.verdict), "{id}");
        assert!(r.links[0].contains(&audit_anchor(&a.id)), "{id}");
    }
}

#[test]
fn links_point_at_computations_that_exist() {
    let m = Measured::compute(crate::DEFAULT_SEED).unwrap();
    let audit: BTreeSet<String> = crate::audit::source_examples(&m)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    // Anchors of the other pages, from their sources (rendering them is slow).
    let sources = [
        (
            "theory-claims.md",
            include_str!("../pages/theory_claims.rs"),
        ),
        ("sim-gossip.md", include_str!("../pages/sim_gossip.rs")),
        ("sim-grid.md", include_str!("../pages/sim_grid.rs")),
    ];
    for e in rows_000::ENTRIES.iter().chain(rows_004::ENTRIES) {
        for l in e.see {
            match l {
                Link::Audit(id) => assert!(audit.contains(*id), "{}: audit row {id}", e.id),
                Link::Page(file, anchor) => {
                    let src = sources
                        .iter()
                        .find(|(f, _)| f == file)
                        .map(|(_, s)| *s)
                        .unwrap_or_else(|| panic!("{}: unknown page {file}", e.id));
                    assert!(
                        src.contains(&format!("<a id=\\\"{anchor}\\\"></a>")),
                        "{}: {file} has no anchor {anchor}",
                        e.id
                    );
                }
            }
        }
    }
    // …and the rows the theory-claims page links exist.
    let ids: BTreeSet<&str> = all().iter().map(|r| r.id.as_str()).collect();
    let src = include_str!("../pages/theory_claims.rs");
    for tok in src
        .split('"')
        .filter(|t| t.starts_with("000-") && !t.contains(' '))
    {
        assert!(
            ids.contains(tok),
            "theory-claims links missing ledger row {tok}"
        );
    }
}

#[test]
fn every_command_is_a_cclab_command() {
    for c in commands() {
        let mut words = c.split_whitespace();
        assert_eq!(words.next(), Some("cclab"), "{c}");
        assert!(
            matches!(
                words.next(),
                Some("sim" | "cost" | "bounds" | "report" | "sweep" | "check" | "grid")
            ),
            "{c}"
        );
    }
    // rows that compute something name a command; anecdotes do not
    for e in rows_000::ENTRIES.iter().chain(rows_004::ENTRIES) {
        match e.check {
            Check::Computed(_) => assert!(!e.command.is_empty(), "{}", e.id),
            Check::NotCheckable(_) | Check::NotYetModelled(_) => {}
        }
    }
}

#[test]
fn not_yet_modelled_rows_keep_their_ids() {
    for id in [
        "000-p2-kafka-batching-production",
        "000-p2-kafka-adaptive-isr",
        "000-p2-etcd-production",
        "000-p3-benchmark-configs",
        "000-p4-network-coding-multicast",
        "000-p4-storage-code-repair",
        "000-p3-compression-ratios",
        "000-p3-replication-bytes",
        "004-lock-scope",
    ] {
        assert_eq!(get(id).verdict.kind(), "not yet modelled", "{id}");
    }
}

/// (id, verdict kind, a figure the computation must print).
const COMPUTED: &[(&str, &str, &str)] = &[
    // 4 × 4 × 4 × 4 = 256 network points; 6 protocols × 2 sizes → 3,072 grid points
    (
        "000-p3-benchmark-grid",
        "right in its model",
        "= 256 network points; with 6 protocols at 2 sizes each, 3072 grid points",
    ),
    (
        "000-p2-etcd-n-log-m",
        "model error",
        "2(m − 1) = 12 messages per operation (log₂ m = 2.81)",
    ),
    // 100e9 / 86400 = 1,157,407.4/s; 1e6 / that = 0.864
    (
        "000-c0-whatsapp-scale",
        "impossible as stated",
        "1,157,407 messages/s",
    ),
    (
        "000-c0-whatsapp-scale",
        "impossible as stated",
        "0.864 × the mean",
    ),
    // 10 Tbit/s / 8 / 1e6 = 1.25 MB
    (
        "000-c0-bandwidth",
        "right in its model",
        "1,250,000 bytes per message",
    ),
    ("000-p1-class-o1", "model error", "(200 messages)"),
    (
        "000-p1-class-o1",
        "model error",
        "full mesh of 100 services 19,800",
    ),
    (
        "000-p1-class-log-tree",
        "right in its model",
        "999 messages in 9 rounds",
    ),
    (
        "000-p1-class-n-all-to-all",
        "model error",
        "N(N − 1) = 9900",
    ),
    ("000-p1-class-n2-flooding", "right", "(N − 1)² = 9801"),
    (
        "000-p1-class-sqrt-grid",
        "right in its model",
        "2(√N − 1) = 198",
    ),
    ("000-p1-table-flooding", "model error", "N(N − 1) = 9900"),
    (
        "000-p1-table-tree",
        "right in its model",
        "ln N = 10.13 rounds",
    ),
    ("000-p1-table-tree", "right in its model", "binary tree 14"),
    ("000-p1-cdn-gossip", "model error", "253,166 messages"),
    (
        "000-p1-cdn-gossip",
        "model error",
        "\"bandwidth\" of 10,127",
    ),
    (
        "000-p1-ebt-3-rounds",
        "impossible as stated",
        "(5 + 1)³ = 216",
    ),
    (
        "000-p1-ebt-3-rounds",
        "impossible as stated",
        "0.216 % of 100,000",
    ),
    ("000-p1-fooling-disj", "right in its model", "D ≥ 4 = n + 1"),
    ("000-p1-fooling-eq", "model error", "error 1/8"),
    (
        "000-p1-fooling-election",
        "right in its model",
        "2(N − 1) = 2046",
    ),
    ("000-p2-truetime", "right in its model", "2ε = 14 ms"),
    (
        "000-p2-spanner-rounds",
        "model error",
        "2PC (4 message delays)",
    ),
    (
        "000-p2-spanner-no-consensus",
        "model error",
        "2(N − 1) = 8 messages",
    ),
    (
        "000-p2-kafka-traditional",
        "model error",
        "\"efficiency\" 1.61×",
    ),
    (
        "000-p2-kafka-batching",
        "right in its model",
        "8 messages per entry unbatched, 0.08",
    ),
    ("000-p3-warming-naive", "right", "= 225,000,000 messages"),
    (
        "000-p3-warming-units",
        "unit error",
        "225,000,000,000 bytes",
    ),
    ("000-p3-warming-units", "unit error", "20.83 Mbit/s"),
    (
        "000-p3-warming-optimised",
        "impossible as stated",
        "= 11,098 messages",
    ),
    (
        "000-p3-warming-optimised",
        "impossible as stated",
        "12,000,000 deliveries",
    ),
    (
        "000-p3-netflix-reduction",
        "arithmetic error",
        "99.995 % reduction",
    ),
    ("000-p3-peak-origin", "right", "100,000 origin requests/s"),
    (
        "000-p3-peak-served",
        "impossible as stated",
        "300 Mbit/s per stream",
    ),
    (
        "000-p3-peak-cost",
        "impossible as stated",
        "$1,095,000,000 per year",
    ),
    (
        "000-p3-uber-naive",
        "right",
        "1,000,000,000,000 comparisons",
    ),
    ("000-p3-uber-time", "arithmetic error", "1,000,000 s"),
    (
        "000-p3-uber-regional",
        "right in its model",
        "40 riders and 10 drivers",
    ),
    (
        "000-p3-uber-regional",
        "right in its model",
        "60,000,000 messages",
    ),
    ("000-p3-uber-speedup", "arithmetic error", "869.6×"),
    ("000-p3-uber-reduction", "right", "= 99.997 %"),
    ("000-p3-surge-messages", "right", "= 630,000 messages"),
    (
        "000-p3-surge-revenue",
        "impossible as stated",
        "$1,314,000,000,000 a year",
    ),
    (
        "000-p3-surge-revenue",
        "impossible as stated",
        "$21,900,000,000 a year",
    ),
    (
        "000-p3-compression-others",
        "right in its model",
        "semantic: saves $17,000/day",
    ),
    (
        "000-p4-q-fingerprint",
        "unit error",
        "26000 is a byte count (208000 bits)",
    ),
    ("000-p4-q-fingerprint", "unit error", "factor 1857×"),
    (
        "000-p4-q-election",
        "model error",
        "10240 messages against ⌊π/4 √n⌋ = 25",
    ),
    ("000-p4-q-election", "model error", "409.6×"),
    ("000-p4-q-byzantine", "model error", "30752 bits"),
    ("000-p4-q-byzantine", "model error", "124 qubits = 248×"),
    ("000-p4-q-byzantine", "model error", "tolerance 10 vs 15"),
    ("000-p4-nc-overhead", "right", "16 / 1500 = 1.07 %"),
    ("000-p4-nc-ops", "model error", "16 × 1500 = 24000"),
    ("000-p4-storage-overhead", "right", "n/k = 1.25"),
    ("000-p4-storage-overhead", "right", "$830K"),
    ("004-2pc-failure-modes", "right", "has 6 processes"),
    (
        "004-takeaway-hierarchy",
        "right",
        "full mesh 19,800 messages per interval, groups of 10 360",
    ),
    (
        "004-event-sourcing",
        "right in its model",
        "2(N − 1) = 8 messages",
    ),
    (
        "004-async-when-possible",
        "right in its model",
        "synchronous 8 messages",
    ),
];

#[test]
fn computed_verdicts_recompute() {
    let mut bad = Vec::new();
    for (id, kind, figure) in COMPUTED {
        let r = get(id);
        if r.verdict.kind() != *kind || !r.computed.contains(figure) {
            bad.push(format!(
                "{id}: expected {kind} with `{figure}`, got {}: {}",
                r.verdict.kind(),
                r.computed
            ));
        }
    }
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

#[test]
fn independent_recomputations() {
    // text ÷ recomputed for the arithmetic errors, by hand
    assert_eq!(
        get("000-c0-naive-broadcast").verdict,
        LedgerVerdict::ArithmeticError {
            factor: computed::ratio(7.8e12, 2.8e9 * 2.8e9)
        }
    );
    assert_eq!(
        get("000-p3-uber-time").verdict,
        LedgerVerdict::ArithmeticError { factor: 0.002 }
    );
    // 0.9 % against 11,098.14 / 225M = 0.0049326 %
    if let LedgerVerdict::ArithmeticError { factor } = get("000-p3-netflix-reduction").verdict {
        assert!(
            (factor - 0.009 / (11_098.139_904 / 225e6)).abs() < 1e-3,
            "{factor}"
        );
    } else {
        panic!("netflix reduction verdict");
    }
    assert_eq!(computed::ratio(2000.0, 1e6), 0.002);
}

#[test]
fn every_entry_is_computed_or_says_why_not() {
    let n = rows_000::ENTRIES.len() + rows_004::ENTRIES.len();
    let computed = rows_000::ENTRIES
        .iter()
        .chain(rows_004::ENTRIES)
        .filter(|e| matches!(e.check, Check::Computed(_)))
        .count();
    // every computed entry's verdict is pinned by COMPUTED or a simulation test below
    let pinned: BTreeSet<&str> = COMPUTED.iter().map(|c| c.0).collect();
    let simulated = [
        "000-c0-naive-broadcast",
        "000-c0-ebt-log-n",
        "000-p1-class-n-gossip",
        "000-p1-table-gossip",
        "000-p1-ebt-algorithm",
        "000-p1-ebt-loglog",
        "000-p1-ebt-85",
        "000-p1-ebt-20",
        "000-p2-kafka-rounds",
        "000-p2-k8s-batch-consensus",
        "000-p3-sync-penalty",
        "004-paxos-conflict-rounds",
        "004-batch-coordination",
        "004-strategy-hierarchy",
        "004-strategy-batching",
        "004-strategy-affinity",
        "000-p4-adaptive-selection",
        "000-p2-spanner-multi-group-commit",
        "000-p2-k8s-watch",
        "000-p2-etcd-leases",
    ];
    for e in rows_000::ENTRIES.iter().chain(rows_004::ENTRIES) {
        if matches!(e.check, Check::Computed(_)) {
            assert!(
                pinned.contains(e.id) || simulated.contains(&e.id),
                "{} has no test of its figure",
                e.id
            );
        }
    }
    assert!(computed * 2 > n / 2, "{computed} of {n}");
}

#[test]
fn simulated_verdicts() {
    let g = &Measured::compute(crate::DEFAULT_SEED).unwrap().gossip;
    for id in [
        "000-c0-ebt-log-n",
        "000-p1-class-n-gossip",
        "000-p1-table-gossip",
    ] {
        let r = get(id);
        assert_eq!(r.verdict.kind(), "model error", "{id}");
        assert!(
            r.computed.contains(&crate::fmt::num(g.messages_mean)),
            "{id}"
        );
    }
    // ln 1000 = 6.9 rounds in the table; push gossip needs about log2 N + ln N
    assert!(g.rounds_mean > 1.5 * (1000f64).ln());
    let r = get("000-p2-kafka-rounds");
    assert_eq!(r.verdict.kind(), "model error");
    let r = get("004-paxos-conflict-rounds");
    assert!(
        r.computed.contains("3 concurrent proposers"),
        "{}",
        r.computed
    );
    for id in ["000-p1-ebt-85", "000-p1-ebt-20"] {
        let k = get(id).verdict.kind();
        assert!(k == "right in its model" || k == "model error", "{id}: {k}");
    }
    assert!(get("000-p3-sync-penalty").computed.contains("ms"));
    for id in [
        "004-strategy-hierarchy",
        "004-strategy-batching",
        "004-strategy-affinity",
    ] {
        let r = get(id);
        assert!(r.computed.contains("saving"), "{id}: {}", r.computed);
        let k = r.verdict.kind();
        assert!(k == "right in its model" || k == "model error", "{id}: {k}");
    }
}

/// The Part 2 mechanisms now simulated (issue 18): their rows print the exact fault-free
/// figures the protocols pin (Spanner: 7 one-way delays across groups, 4 within one; watch:
/// n events per update naively).
#[test]
fn part2_mechanism_rows_print_the_simulated_figures() {
    let spanner = get("000-p2-spanner-multi-group-commit");
    assert!(
        spanner.computed.contains("1 group: 4 one-way delays")
            && spanner.computed.contains("3 groups: 7 one-way delays"),
        "{}",
        spanner.computed
    );
    assert_eq!(spanner.verdict.kind(), "model error");
    let watch = get("000-p2-k8s-watch");
    assert!(watch.computed.contains("100 vs"), "{}", watch.computed);
    assert!(watch.computed.contains("1000 vs"), "{}", watch.computed);
    let lease = get("000-p2-etcd-leases");
    assert!(
        lease.computed.contains("election messages per run"),
        "{}",
        lease.computed
    );
    assert_eq!(lease.verdict.kind(), "model error");
}
