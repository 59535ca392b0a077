//! Optimisation strategies, computed for a scenario — never asserted.
//!
//! [`strategies`] takes a typed scenario — a [`Protocol`] under a [`Pricing`] (the
//! "before") — and evaluates each strategy as a modified scenario with cc-cost's own
//! models, returning before/after dollars and latency. [`STRATEGIES`] lists them, one
//! small function per row:
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

use std::collections::BTreeSet;

use serde::Serialize;

use crate::CostError;
use crate::catalog::{Catalog, Provider};
use crate::evaluate::{Pricing, evaluate};
use crate::money::Usd;
use crate::protocols::{Coordinator, HealthTopology, Protocol};
use crate::report::CostReport;

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

/// A strategy: its name and the function that computes its outcome(s) against the
/// scenario before.
pub struct Strategy {
    /// Name as in [`StrategyOutcome::strategy`] (the async row also yields CRDTs).
    pub name: &'static str,
    apply: fn(&Before<'_>, &mut Vec<StrategyOutcome>) -> Result<(), CostError>,
}

impl std::fmt::Debug for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Strategy")
            .field("name", &self.name)
            .finish()
    }
}

/// Every strategy, in output order.
pub static STRATEGIES: [Strategy; 5] = [
    Strategy {
        name: "batching",
        apply: batching,
    },
    Strategy {
        name: "hierarchical coordination",
        apply: hierarchy,
    },
    Strategy {
        name: "regional affinity",
        apply: affinity,
    },
    Strategy {
        name: "sharding",
        apply: sharding,
    },
    Strategy {
        name: "async replication",
        apply: async_replication,
    },
];

/// How many replicas the async-replication and CRDT strategies ship to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsyncReplicas {
    /// The protocol's N ([`Protocol::participants`]).
    Participants,
    /// Every node of the model (with a separate 2PC/3PC coordinator, N + 1) — what
    /// `cclab cost` does when `--participants` is not given.
    AllNodes,
}

/// The scenario before, shared by the strategies.
pub(crate) struct Before<'a> {
    protocol: &'a Protocol,
    pricing: &'a Pricing,
    catalog: &'a Catalog,
    report: CostReport,
    replicas: AsyncReplicas,
}

impl Before<'_> {
    fn eval(&self, protocol: &Protocol, pricing: &Pricing) -> Result<CostReport, CostError> {
        evaluate(protocol, pricing, self.catalog)
    }

    /// A strategy computed as `after`.
    fn outcome(
        &self,
        strategy: &str,
        parameters: String,
        after: (Usd, f64, f64),
        note: &str,
    ) -> StrategyOutcome {
        outcome(
            strategy,
            parameters,
            &self.report,
            after.0,
            after.1,
            after.2,
            note,
        )
    }

    /// Number of distinct `provider:region`s among the placements (zones do not
    /// count as different regions).
    fn distinct_regions(&self) -> Option<usize> {
        let list = self.pricing.placements.as_ref().filter(|r| !r.is_empty())?;
        let set: BTreeSet<(Provider, &str)> = list
            .iter()
            .map(|p| (p.provider, p.region.as_str()))
            .collect();
        Some(set.len())
    }

    /// The first placement's `provider:region`.
    fn home_region(&self) -> Option<String> {
        let p = self.pricing.placements.as_ref()?.first()?;
        Some(format!("{}:{}", p.provider, p.region))
    }

    /// Replicated state: consensus, primary-backup and quorum models.
    fn replicated(&self) -> bool {
        matches!(
            self.protocol,
            Protocol::Raft { .. }
                | Protocol::MultiPaxos { .. }
                | Protocol::HierarchicalConsensus { .. }
                | Protocol::Paxos { .. }
                | Protocol::Leader { .. }
                | Protocol::Quorum { .. }
        )
    }
}

/// Evaluates every strategy of [`STRATEGIES`] against `protocol` under `pricing`.
pub fn strategies(
    protocol: &Protocol,
    pricing: &Pricing,
    catalog: &Catalog,
) -> Result<Vec<StrategyOutcome>, CostError> {
    strategies_with(protocol, pricing, catalog, AsyncReplicas::Participants)
}

pub(crate) fn strategies_with(
    protocol: &Protocol,
    pricing: &Pricing,
    catalog: &Catalog,
    replicas: AsyncReplicas,
) -> Result<Vec<StrategyOutcome>, CostError> {
    let before = Before {
        protocol,
        pricing,
        catalog,
        report: evaluate(protocol, pricing, catalog)?,
        replicas,
    };
    let mut out = Vec::new();
    for s in &STRATEGIES {
        (s.apply)(&before, &mut out)?;
    }
    Ok(out)
}

/// b transactions per protocol instance, 10 × the batch before.
fn batching(before: &Before<'_>, out: &mut Vec<StrategyOutcome>) -> Result<(), CostError> {
    let b = before.pricing.batch.max(1).saturating_mul(10);
    let batched = before.eval(
        before.protocol,
        &Pricing {
            batch: b,
            ..before.pricing.clone()
        },
    )?;
    out.push(before.outcome(
        "batching",
        format!("b = {b}"),
        totals(&batched),
        "messages and request fees ÷ b, bytes unchanged; adds the mean batch-fill wait (b − 1)/(2λ)",
    ));
    Ok(())
}

fn totals(r: &CostReport) -> (Usd, f64, f64) {
    (r.per_tx_usd, r.messages_per_tx, r.latency_ms)
}

/// Health checks through aggregators; 2PC as a tree; Raft and Multi-Paxos on two
/// levels.
fn hierarchy(before: &Before<'_>, out: &mut Vec<StrategyOutcome>) -> Result<(), CostError> {
    const NAME: &str = "hierarchical coordination";
    let why = match *before.protocol {
        Protocol::HealthCheck { nodes, .. } => return health_groups(before, nodes, out),
        Protocol::TwoPc {
            participants,
            coordinator,
        } => {
            return grouped(before, out, |groups| Protocol::HierarchicalTwoPc {
                participants,
                coordinator,
                groups,
            });
        }
        Protocol::Raft { nodes, batch } | Protocol::MultiPaxos { nodes, batch } => {
            let raft = matches!(before.protocol, Protocol::Raft { .. });
            return grouped(before, out, |groups| Protocol::HierarchicalConsensus {
                nodes,
                batch,
                groups,
                raft,
            });
        }
        Protocol::HierarchicalTwoPc { .. } | Protocol::HierarchicalConsensus { .. } => {
            "the scenario is already hierarchical (--groups)"
        }
        Protocol::ThreePc { .. } => {
            "tree 3PC is not modelled (its extra PreCommit round would pass through the tree like 2PC's rounds)"
        }
        Protocol::Paxos { .. } => {
            "single-decree Paxos has no stable leader to build a tree under; see multi-paxos"
        }
        _ => {
            "computed for health checks, 2PC, Raft and Multi-Paxos; this model has no coordinator to split into groups"
        }
    };
    out.push(not_applicable(NAME, &before.report, why));
    Ok(())
}

/// One aggregator per region (groups of ⌈√N⌉ without placements).
fn health_groups(
    before: &Before<'_>,
    nodes: u32,
    out: &mut Vec<StrategyOutcome>,
) -> Result<(), CostError> {
    let n = before.report.nodes;
    let g = match before.distinct_regions() {
        Some(k) => n.div_ceil(k.max(1)),
        None => (n as f64).sqrt().ceil() as usize,
    };
    let h = before.eval(
        &Protocol::HealthCheck {
            nodes,
            topology: HealthTopology::Hierarchical {
                group_size: g as u32,
            },
        },
        before.pricing,
    )?;
    out.push(before.outcome(
        "hierarchical coordination",
        format!("groups of {g} with one aggregator each"),
        totals(&h),
        "aggregators probe their group and each other: O(N) probes instead of N(N − 1)",
    ));
    Ok(())
}

/// Tree 2PC or two-level Raft / Multi-Paxos with one group per placement entry
/// (⌈√N⌉ groups under a uniform RTT).
fn grouped(
    before: &Before<'_>,
    out: &mut Vec<StrategyOutcome>,
    tree: impl Fn(u32) -> Protocol,
) -> Result<(), CostError> {
    // participants that can be grouped (a separate 2PC coordinator is the root)
    let separate_tm = matches!(
        before.protocol,
        Protocol::TwoPc {
            coordinator: Coordinator::Separate,
            ..
        }
    );
    let n = before.report.nodes - usize::from(separate_tm);
    // node i sits at placements[i mod len] and is in group i mod groups
    let (g, how) = match before.pricing.placements.as_ref().map(Vec::len) {
        Some(k) if k > 0 => (k.min(n).max(1), "one per --regions entry"),
        _ => (
            ((n as f64).sqrt().ceil() as usize).max(1),
            "⌈√N⌉ groups under the uniform RTT",
        ),
    };
    let tree = tree(g as u32);
    let (what, extra) = match tree {
        Protocol::HierarchicalTwoPc { .. } => (
            format!("tree 2PC: root coordinator + {g} sub-coordinators ({how})"),
            "each sub-coordinator runs 2PC with its local participants: cross-group traffic falls to 3 messages per group, at the price of one extra local hop down and up the tree (2 more message delays)",
        ),
        _ => (
            format!(
                "two-level {}: leader + {g} group leaders ({how})",
                before.protocol.name()
            ),
            "group leaders replicate locally and answer once a local majority holds the entry; commit needs a majority of groups, which changes the failures tolerated (a minority of groups, and a minority within each group)",
        ),
    };
    let h = before.eval(&tree, before.pricing)?;
    let split = |r: &CostReport| {
        cross_intra(r).map_or(String::new(), |(c, i)| {
            format!("{c} cross-region + {i} intra-region msgs/tx")
        })
    };
    let mut placed = match (split(&before.report), split(&h)) {
        (b, a) if !b.is_empty() => format!("; before {b}, after {a}"),
        _ => String::new(),
    };
    if before.distinct_regions().is_some_and(|d| d < g) {
        placed.push_str(
            "; groups follow the --regions entries, so entries naming the same region form separate groups",
        );
    }
    out.push(before.outcome(
        "hierarchical coordination",
        what,
        totals(&h),
        &format!("{extra}{placed}"),
    ));
    Ok(())
}

/// A fraction p of transactions with all nodes in the home region's zones a, b, c.
fn affinity(before: &Before<'_>, out: &mut Vec<StrategyOutcome>) -> Result<(), CostError> {
    let home = before.home_region();
    let local_pricing = match &home {
        Some(home) => Pricing {
            placements: Some(
                ["a", "b", "c"]
                    .iter()
                    .map(|z| before.catalog.placement("regions", &format!("{home}:{z}")))
                    .collect::<Result<_, _>>()?,
            ),
            rtt_ms: None,
            ..before.pricing.clone()
        },
        None => Pricing {
            rtt_ms: Some(1.0),
            ..before.pricing.clone()
        },
    };
    let local = before.eval(before.protocol, &local_pricing)?;
    let r = &before.report;
    out.push(before.outcome(
        "regional affinity",
        format!(
            "{}% of transactions served within the home region ({})",
            AFFINITY_LOCAL_FRACTION.0 * 100 / AFFINITY_LOCAL_FRACTION.1,
            home.unwrap_or_else(|| "RTT 1 ms".into())
        ),
        (
            mix(local.per_tx_usd, r.per_tx_usd, AFFINITY_LOCAL_FRACTION),
            mixf(local.messages_per_tx, r.messages_per_tx, AFFINITY_LOCAL_FRACTION),
            mixf(local.latency_ms, r.latency_ms, AFFINITY_LOCAL_FRACTION),
        ),
        "after = p · (all nodes in the home region's zones a, b, c) + (1 − p) · before; latency is the mean",
    ));
    Ok(())
}

/// Shards of the same group; cross-shard transactions run 2 groups plus a
/// 2-participant 2PC.
fn sharding(before: &Before<'_>, out: &mut Vec<StrategyOutcome>) -> Result<(), CostError> {
    let r = &before.report;
    if !before.replicated() {
        out.push(not_applicable(
            "sharding",
            r,
            "applies to replicated-state models (raft, multi-paxos, paxos, leader, quorum)",
        ));
        return Ok(());
    }
    let twopc = before.eval(
        &Protocol::TwoPc {
            participants: 2,
            coordinator: Coordinator::Separate,
        },
        &Pricing {
            batch: 1,
            ..before.pricing.clone()
        },
    )?;
    let cross = r.per_tx_usd.times(2) + twopc.per_tx_usd;
    out.push(before.outcome(
        "sharding",
        "10 shards, 10% cross-shard transactions touching 2 shards".into(),
        (
            mix(cross, r.per_tx_usd, CROSS_SHARD_FRACTION),
            mixf(
                2.0 * r.messages_per_tx + twopc.messages_per_tx,
                r.messages_per_tx,
                CROSS_SHARD_FRACTION,
            ),
            mixf(
                r.latency_ms + twopc.latency_ms,
                r.latency_ms,
                CROSS_SHARD_FRACTION,
            ),
        ),
        "sharding divides load per group (smaller machines), not messages per transaction; cross-shard transactions pay 2PC on top",
    ));
    Ok(())
}

/// Asynchronous replication and CRDTs: the update shipped to N − 1 replicas
/// without waiting (the same traffic, different guarantees).
fn async_replication(before: &Before<'_>, out: &mut Vec<StrategyOutcome>) -> Result<(), CostError> {
    let r = &before.report;
    let commit = matches!(
        before.protocol,
        Protocol::TwoPc { .. } | Protocol::HierarchicalTwoPc { .. } | Protocol::ThreePc { .. }
    );
    if !(before.replicated() || commit) {
        out.push(not_applicable(
            "async replication",
            r,
            "no replication wait in this model",
        ));
        out.push(not_applicable(
            "CRDTs",
            r,
            "no replicated state in this model",
        ));
        return Ok(());
    }
    let nodes = match before.replicas {
        AsyncReplicas::Participants => before.protocol.participants(),
        AsyncReplicas::AllNodes => r.nodes as u32,
    };
    let asy = before.eval(
        &Protocol::Leader {
            nodes: nodes.max(1),
            synchronous: false,
        },
        before.pricing,
    )?;
    out.push(before.outcome(
        "async replication",
        "leader ships the update to N − 1 replicas and returns".into(),
        totals(&asy),
        "no replication wait on the user path; a leader failure can lose acknowledged updates",
    ));
    out.push(before.outcome(
        "CRDTs",
        "commutative merges, no request-path coordination".into(),
        totals(&asy),
        "each update still reaches the N − 1 other replicas in the background; only operations with a commutative merge qualify",
    ));
    Ok(())
}

#[cfg(test)]
mod tests;
