//! Optimisation strategies, computed for a scenario — never asserted.
//!
//! [`strategies`] takes a [`CostRequest`] (the "before") and evaluates each
//! strategy as a modified scenario with cc-cost's own models, returning before/after
//! dollars and latency:
//!
//! * **batching** — b transactions per protocol instance (10 × the request's batch
//!   size): messages and request fees ÷ b, bytes unchanged, plus the batch-fill wait
//!   (b − 1)/(2λ) — which at low rates can cost more latency than it saves.
//! * **hierarchical coordination** — health checks through one aggregator per
//!   region (or groups of ⌈√N⌉ without regions); 2PC as a tree commit (root
//!   coordinator, one sub-coordinator per `regions` entry running 2PC with its local
//!   participants); Raft and Multi-Paxos as two-level replication (the leader
//!   replicates to one group leader per `regions` entry, which replicates locally).
//!   Without regions, ⌈√N⌉ groups under the uniform RTT — where the tree only adds
//!   hops.
//! * **regional affinity** — a fraction p = 0.8 of transactions runs with all nodes
//!   in the home region (its zones a, b, c), the rest as before:
//!   after = p · local + (1 − p) · before.
//! * **sharding** — 10 shards of the same replication group; per-transaction cost is
//!   unchanged for single-shard transactions, and a fraction x = 0.1 of cross-shard
//!   transactions runs the group protocol on 2 shards plus a 2-participant 2PC.
//! * **async replication** — the leader ships the update to N − 1 replicas without
//!   waiting: N − 1 messages, no replication wait on the user path.
//! * **CRDTs** — no coordination on the request path; each update is still shipped
//!   to the N − 1 other replicas in the background (priced like async replication).

use serde::Serialize;

use crate::CostError;
use crate::money::Usd;
use crate::request::{CostReport, CostRequest, evaluate};

/// Fraction of transactions kept in the home region by the affinity strategy.
pub const AFFINITY_LOCAL_FRACTION: (i128, i128) = (4, 5);
/// Cross-shard fraction assumed by the sharding strategy.
pub const CROSS_SHARD_FRACTION: (i128, i128) = (1, 10);

/// Before/after of one strategy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyOutcome {
    /// Strategy name.
    pub strategy: String,
    /// Whether it applies to the model.
    pub applicable: bool,
    /// Parameters used.
    pub parameters: String,
    /// Per-transaction total before.
    pub before_per_tx_usd: Usd,
    /// Per-transaction total after.
    pub after_per_tx_usd: Usd,
    /// Per-day total before (cents).
    pub before_per_day_usd: Usd,
    /// Per-day total after (cents).
    pub after_per_day_usd: Usd,
    /// Messages per transaction before.
    pub before_messages_per_tx: f64,
    /// Messages per transaction after.
    pub after_messages_per_tx: f64,
    /// Latency before, ms.
    pub before_latency_ms: f64,
    /// Latency after, ms.
    pub after_latency_ms: f64,
    /// Saving of the per-day total, percent (negative = more expensive).
    pub saving_pct: f64,
    /// Caveats.
    pub note: String,
}

fn outcome(
    strategy: &str,
    parameters: String,
    before: &CostReport,
    after_tx: Usd,
    after_msgs: f64,
    after_latency_ms: f64,
    note: &str,
) -> StrategyOutcome {
    let after_day = after_tx.times(before.tx_per_day);
    let before_day = before.per_tx_usd.times(before.tx_per_day);
    StrategyOutcome {
        strategy: strategy.into(),
        applicable: true,
        parameters,
        before_per_tx_usd: before.per_tx_usd,
        after_per_tx_usd: after_tx,
        before_per_day_usd: before.per_day_usd,
        after_per_day_usd: after_day.round_to_cents(),
        before_messages_per_tx: before.messages_per_tx,
        after_messages_per_tx: after_msgs,
        before_latency_ms: before.latency_ms,
        after_latency_ms,
        saving_pct: if before_day == Usd::ZERO {
            0.0
        } else {
            (1.0 - after_day.ratio(before_day)) * 100.0
        },
        note: note.into(),
    }
}

fn not_applicable(strategy: &str, before: &CostReport, why: &str) -> StrategyOutcome {
    StrategyOutcome {
        strategy: strategy.into(),
        applicable: false,
        parameters: String::new(),
        before_per_tx_usd: before.per_tx_usd,
        after_per_tx_usd: before.per_tx_usd,
        before_per_day_usd: before.per_day_usd,
        after_per_day_usd: before.per_day_usd,
        before_messages_per_tx: before.messages_per_tx,
        after_messages_per_tx: before.messages_per_tx,
        before_latency_ms: before.latency_ms,
        after_latency_ms: before.latency_ms,
        saving_pct: 0.0,
        note: why.into(),
    }
}

fn mix(a: Usd, b: Usd, (num, den): (i128, i128)) -> Usd {
    a.mul_ratio(num, den) + b.mul_ratio(den - num, den)
}

fn mixf(a: f64, b: f64, (num, den): (i128, i128)) -> f64 {
    let p = num as f64 / den as f64;
    p * a + (1.0 - p) * b
}

/// The first placement's `provider:region` (a bare region code is resolved through the
/// request's catalog, so that zones can be appended to it).
fn home_region(req: &CostRequest) -> Option<String> {
    let first = req.regions.as_ref()?.first()?.clone();
    let catalog = req
        .catalog
        .clone()
        .unwrap_or(crate::request::CatalogSource::Builtin)
        .load()
        .ok()?;
    let placed = catalog.placement("regions", &first).ok()?;
    Some(format!("{}:{}", placed.provider, placed.region))
}

/// Number of distinct `provider:region`s among the request's placements (zones and
/// the spelling `us-east-1` vs `aws:us-east-1` do not count as different regions).
fn distinct_regions(req: &CostRequest) -> Option<usize> {
    let list = req.regions.as_ref().filter(|r| !r.is_empty())?;
    let catalog = req
        .catalog
        .clone()
        .unwrap_or(crate::request::CatalogSource::Builtin)
        .load()
        .ok()?;
    let mut set = std::collections::BTreeSet::new();
    for spec in list {
        let p = catalog.placement("regions", spec).ok()?;
        set.insert((p.provider, p.region));
    }
    Some(set.len())
}

/// Messages per transaction on paths that leave a region (inter-region or internet)
/// and on paths within one region, from a placed report's path breakdown; `None`
/// when the report has no placements.
fn cross_intra(r: &CostReport) -> Option<(f64, f64)> {
    if r.paths.is_empty() || r.paths.iter().any(|p| p.from == "any node") {
        return None;
    }
    let (mut cross, mut intra) = (0.0, 0.0);
    for p in &r.paths {
        if p.class == "inter_region" || p.class == "internet" {
            cross += p.messages_per_tx;
        } else {
            intra += p.messages_per_tx;
        }
    }
    Some((cross, intra))
}

/// Evaluates every strategy against the scenario `before`.
pub fn strategies(before_req: &CostRequest) -> Result<Vec<StrategyOutcome>, CostError> {
    let before = evaluate(before_req)?;
    let model = before_req.model.as_str();
    if model == "transfer" {
        return Err(CostError::invalid(
            "model",
            "strategies apply to protocol models, not `transfer`",
        ));
    }
    let mut out = Vec::new();
    let replicated = matches!(
        model,
        "raft" | "multi-paxos" | "paxos" | "leader" | "quorum"
    );

    // batching
    let b = before_req.batch.unwrap_or(1).max(1).saturating_mul(10);
    let batched = evaluate(&CostRequest {
        batch: Some(b),
        ..before_req.clone()
    })?;
    out.push(outcome(
        "batching",
        format!("b = {b}"),
        &before,
        batched.per_tx_usd,
        batched.messages_per_tx,
        batched.latency_ms,
        "messages and request fees ÷ b, bytes unchanged; adds the mean batch-fill wait (b − 1)/(2λ)",
    ));

    // hierarchical coordination
    if model == "health-check" {
        let n = before.nodes;
        let g = match distinct_regions(before_req) {
            Some(k) => n.div_ceil(k.max(1)),
            None => (n as f64).sqrt().ceil() as usize,
        };
        let h = evaluate(&CostRequest {
            group_size: Some(g as u32),
            ..before_req.clone()
        })?;
        out.push(outcome(
            "hierarchical coordination",
            format!("groups of {g} with one aggregator each"),
            &before,
            h.per_tx_usd,
            h.messages_per_tx,
            h.latency_ms,
            "aggregators probe their group and each other: O(N) probes instead of N(N − 1)",
        ));
    } else if matches!(model, "2pc" | "raft" | "multi-paxos") && before_req.groups.is_none() {
        // participants that can be grouped (a separate 2PC coordinator is the root)
        let separate_tm = model == "2pc"
            && !matches!(
                before_req.coordinator.as_deref(),
                Some("colocated" | "co-located")
            );
        let n = before.nodes - usize::from(separate_tm);
        // one group per --regions entry (node i sits at regions[i mod len] and is in
        // group i mod groups), or ⌈√N⌉ groups under a uniform RTT
        let (g, how) = match before_req.regions.as_ref().map(Vec::len) {
            Some(k) if k > 0 => (k.min(n).max(1), "one per --regions entry"),
            _ => (
                ((n as f64).sqrt().ceil() as usize).max(1),
                "⌈√N⌉ groups under the uniform RTT",
            ),
        };
        let h = evaluate(&CostRequest {
            groups: Some(g as u32),
            ..before_req.clone()
        })?;
        let split = |r: &CostReport| {
            cross_intra(r).map_or(String::new(), |(c, i)| {
                format!("{c} cross-region + {i} intra-region msgs/tx")
            })
        };
        let (what, extra) = if model == "2pc" {
            (
                format!("tree 2PC: root coordinator + {g} sub-coordinators ({how})"),
                "each sub-coordinator runs 2PC with its local participants: cross-group traffic falls to 3 messages per group, at the price of one extra local hop down and up the tree (2 more message delays)",
            )
        } else {
            (
                format!("two-level {model}: leader + {g} group leaders ({how})"),
                "group leaders replicate locally and answer once a local majority holds the entry; commit needs a majority of groups, which changes the failures tolerated (a minority of groups, and a minority within each group)",
            )
        };
        let mut placed = match (split(&before), split(&h)) {
            (b, a) if !b.is_empty() => format!("; before {b}, after {a}"),
            _ => String::new(),
        };
        if distinct_regions(before_req).is_some_and(|d| d < g) {
            placed.push_str(
                "; groups follow the --regions entries, so entries naming the same region form separate groups",
            );
        }
        out.push(outcome(
            "hierarchical coordination",
            what,
            &before,
            h.per_tx_usd,
            h.messages_per_tx,
            h.latency_ms,
            &format!("{extra}{placed}"),
        ));
    } else {
        out.push(not_applicable(
            "hierarchical coordination",
            &before,
            match model {
                "2pc" | "raft" | "multi-paxos" => "the scenario is already hierarchical (--groups)",
                "3pc" => "tree 3PC is not modelled (its extra PreCommit round would pass through the tree like 2PC's rounds)",
                "paxos" => "single-decree Paxos has no stable leader to build a tree under; see multi-paxos",
                _ => "computed for health checks, 2PC, Raft and Multi-Paxos; this model has no coordinator to split into groups",
            },
        ));
    }

    // regional affinity
    let local_req = match home_region(before_req) {
        Some(home) => CostRequest {
            regions: Some(vec![
                format!("{home}:a"),
                format!("{home}:b"),
                format!("{home}:c"),
            ]),
            rtt_ms: None,
            ..before_req.clone()
        },
        None => CostRequest {
            rtt_ms: Some(1.0),
            ..before_req.clone()
        },
    };
    let local = evaluate(&local_req)?;
    out.push(outcome(
        "regional affinity",
        format!(
            "{}% of transactions served within the home region ({})",
            AFFINITY_LOCAL_FRACTION.0 * 100 / AFFINITY_LOCAL_FRACTION.1,
            home_region(before_req).unwrap_or_else(|| "RTT 1 ms".into())
        ),
        &before,
        mix(local.per_tx_usd, before.per_tx_usd, AFFINITY_LOCAL_FRACTION),
        mixf(local.messages_per_tx, before.messages_per_tx, AFFINITY_LOCAL_FRACTION),
        mixf(local.latency_ms, before.latency_ms, AFFINITY_LOCAL_FRACTION),
        "after = p · (all nodes in the home region's zones a, b, c) + (1 − p) · before; latency is the mean",
    ));

    // sharding
    if replicated {
        let twopc = evaluate(&CostRequest {
            model: "2pc".into(),
            participants: Some(2),
            n: None,
            r: None,
            w: None,
            batch: None,
            coordinator: None,
            synchronous: None,
            fanout: None,
            group_size: None,
            groups: None,
            ..before_req.clone()
        })?;
        let cross = before.per_tx_usd.times(2) + twopc.per_tx_usd;
        out.push(outcome(
            "sharding",
            "10 shards, 10% cross-shard transactions touching 2 shards".into(),
            &before,
            mix(cross, before.per_tx_usd, CROSS_SHARD_FRACTION),
            mixf(2.0 * before.messages_per_tx + twopc.messages_per_tx, before.messages_per_tx, CROSS_SHARD_FRACTION),
            mixf(before.latency_ms + twopc.latency_ms, before.latency_ms, CROSS_SHARD_FRACTION),
            "sharding divides load per group (smaller machines), not messages per transaction; cross-shard transactions pay 2PC on top",
        ));
    } else {
        out.push(not_applicable(
            "sharding",
            &before,
            "applies to replicated-state models (raft, multi-paxos, paxos, leader, quorum)",
        ));
    }

    // async replication and CRDTs
    if replicated || model == "2pc" || model == "3pc" {
        let n = match model {
            "quorum" => before_req.n.or(before_req.participants),
            _ => before_req.participants,
        };
        let asy = evaluate(&CostRequest {
            model: "leader".into(),
            participants: Some(n.unwrap_or(before.nodes as u32).max(1)),
            synchronous: Some(false),
            n: None,
            r: None,
            w: None,
            coordinator: None,
            groups: None,
            ..before_req.clone()
        })?;
        out.push(outcome(
            "async replication",
            "leader ships the update to N − 1 replicas and returns".into(),
            &before,
            asy.per_tx_usd,
            asy.messages_per_tx,
            asy.latency_ms,
            "no replication wait on the user path; a leader failure can lose acknowledged updates",
        ));
        out.push(outcome(
            "CRDTs",
            "commutative merges, no request-path coordination".into(),
            &before,
            asy.per_tx_usd,
            asy.messages_per_tx,
            asy.latency_ms,
            "each update still reaches the N − 1 other replicas in the background; only operations with a commutative merge qualify",
        ));
    } else {
        out.push(not_applicable(
            "async replication",
            &before,
            "no replication wait in this model",
        ));
        out.push(not_applicable(
            "CRDTs",
            &before,
            "no replicated state in this model",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // flat: 4th fastest of follower RTTs [1, 1, 68, 68, 68, 148, 148, 148] = 68 ms;
        // two-level: groups done at 1, 68 + 1, 148 + 1 ms, majority of 3 groups = 69 ms
        assert_eq!(h.before_latency_ms, 68.0);
        assert_eq!(h.after_latency_ms, 69.0);
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
        // flat: 68/2 + max RTT 148 + 148/2 = 256 ms
        assert_eq!(h.before_latency_ms, 256.0);
        // tree: 34 + (148 + 1 cross-zone) + (74 + 0.5) = 257.5 ms
        assert_eq!(h.after_latency_ms, 257.5);
        // per tx: latency 0.2575 s x $1/s + messages; per GB: cross = request eu->us $0.02
        // + Prepare and Commit us->eu and us->ap 4 x $0.02 + votes eu->us $0.02, ap->us $0.09
        // = $0.21; intra: RM 3 <-> TM cross-zone 3 msgs + 3 groups x 6, 21 x $0.02 = $0.42;
        // 1000 B x $0.63/GB = $0.00000063
        assert_eq!(h.after_per_tx_usd.exact_string(), "0.25750063");
        assert!(
            h.note.contains("after 7 cross-region + 21 intra-region"),
            "{}",
            h.note
        );
    }

    #[test]
    fn hierarchy_is_computed_exactly_for_its_models() {
        for model in crate::request::MODELS.iter().filter(|m| **m != "transfer") {
            for regions in [
                None,
                Some(vec!["us-east-1".to_string(), "eu-west-1".to_string()]),
            ] {
                let s = strategies(&CostRequest {
                    model: (*model).into(),
                    participants: Some(if *model == "pbft" { 4 } else { 6 }),
                    rtt_ms: regions.is_none().then_some(20.0),
                    regions: regions.clone(),
                    r: Some(2),
                    w: Some(2),
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
                    matches!(*model, "2pc" | "raft" | "multi-paxos" | "health-check"),
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
}
