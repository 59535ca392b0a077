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
//!   region (or groups of ⌈√N⌉ without regions).
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
    } else {
        out.push(not_applicable(
            "hierarchical coordination",
            &before,
            "computed for health checks; for commit/consensus protocols a tree only adds hops unless participants cluster by region",
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
        assert!(!get("hierarchical coordination").applicable);
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
