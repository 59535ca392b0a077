//! A plain traffic summary, so that measured or simulated runs can be priced.
//!
//! cc-cost depends on no other workspace crate: a simulator's output is converted
//! (elsewhere) into a [`TrafficSummary`] — messages and bytes per node pair or per
//! path class, the number of transactions the run covered, its rounds / message
//! delays and latency samples — and [`price_traffic`] prices it with a [`Catalog`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::CostError;
use crate::asof::AsOfRange;
use crate::catalog::{Catalog, PathClass, PriceKind, Provider};
use crate::econ::{LatencyValue, ms_to_ns};
use crate::money::Usd;

/// Where a flow of messages travels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FlowPath {
    /// Between two placements (`provider:region[:zone]` or bare region codes).
    Pair {
        /// Source placement.
        from: String,
        /// Destination placement.
        to: String,
    },
    /// A path class of one provider, priced by that provider's generic row. Only
    /// `same_zone`, `cross_zone` and `internet` are accepted (inter-region prices
    /// depend on the regions: use [`FlowPath::Pair`]).
    Class {
        /// Provider.
        provider: Provider,
        /// Class.
        class: PathClass,
    },
}

/// Messages and bytes on one path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// The path.
    pub path: FlowPath,
    /// Number of messages.
    pub messages: u64,
    /// Total bytes.
    pub bytes: u64,
    /// Managed bus the messages go through (`sqs-standard`, …), adding its
    /// per-request fee per message.
    #[serde(default)]
    pub bus: Option<String>,
}

/// A run's traffic, as produced by a simulator or measurement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrafficSummary {
    /// Label of the run.
    pub label: String,
    /// Transactions (units of work) the run covered (> 0).
    pub transactions: u64,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Communication rounds / message delays per transaction, if known.
    #[serde(default)]
    pub rounds: Option<u32>,
    /// Per-transaction latency samples, ms.
    #[serde(default)]
    pub latency_samples_ms: Vec<f64>,
}

/// Price of one flow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowCost {
    /// The flow's path, rendered.
    pub path: String,
    /// Path class.
    pub class: PathClass,
    /// Messages.
    pub messages: u64,
    /// Bytes.
    pub bytes: u64,
    /// Transfer cost.
    pub transfer_usd: Usd,
    /// Per-request fees.
    pub request_usd: Usd,
    /// Citation of the price used.
    pub source: String,
}

/// A priced [`TrafficSummary`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficCost {
    /// Label of the run.
    pub label: String,
    /// Per-flow costs.
    pub flows: Vec<FlowCost>,
    /// Total cost of the run.
    pub total_usd: Usd,
    /// Total / transactions.
    pub per_tx_usd: Usd,
    /// Messages per transaction.
    pub messages_per_tx: f64,
    /// Rounds per transaction, if given.
    pub rounds: Option<u32>,
    /// Mean of the latency samples, ms.
    pub latency_mean_ms: Option<f64>,
    /// Median (nearest-rank), ms.
    pub latency_p50_ms: Option<f64>,
    /// 99th percentile (nearest-rank), ms.
    pub latency_p99_ms: Option<f64>,
    /// Mean latency cost per transaction (mean over the samples of the value of
    /// each sample's latency); zero without samples or without a latency value.
    pub latency_cost_per_tx_usd: Usd,
    /// Transfer + request cost + latency cost per transaction.
    pub total_per_tx_usd: Usd,
    /// Oldest and newest date of the catalog rows that priced the flows.
    pub catalog_as_of: AsOfRange,
}

/// Nearest-rank percentile of sorted samples.
pub fn nearest_rank(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Prices a traffic summary with a catalog.
///
/// `value` (optional) turns each latency sample into dollars; the mean over the
/// samples is the latency cost per transaction.
pub fn price_traffic(
    catalog: &Catalog,
    t: &TrafficSummary,
    value: Option<&LatencyValue>,
) -> Result<TrafficCost, CostError> {
    if t.transactions == 0 {
        return Err(CostError::invalid("transactions", "must be > 0"));
    }
    let mut flows = Vec::new();
    let mut total = Usd::ZERO;
    let mut msgs = 0u64;
    let mut used: BTreeMap<(String, usize), String> = BTreeMap::new();
    for (i, f) in t.flows.iter().enumerate() {
        let (class, row, path) = match &f.path {
            FlowPath::Pair { from, to } => {
                let a = catalog.placement(&format!("flows[{i}].from"), from)?;
                let b = catalog.placement(&format!("flows[{i}].to"), to)?;
                let pp = catalog.path_price(&a, &b)?;
                (pp.class, pp.row, format!("{a} -> {b}"))
            }
            FlowPath::Class { provider, class } => {
                let kind = match class {
                    PathClass::SameZone => PriceKind::SameZone,
                    PathClass::CrossZone => PriceKind::CrossZone,
                    PathClass::Internet => PriceKind::InternetEgress,
                    PathClass::InterRegion => {
                        return Err(CostError::invalid(
                            format!("flows[{i}].path"),
                            "inter-region flows need a `pair` path (prices depend on the regions)",
                        ));
                    }
                };
                let row = catalog
                    .prices
                    .iter()
                    .filter(|r| r.provider == *provider && r.kind == kind && r.from == "*")
                    .filter(|r| kind != PriceKind::InternetEgress || r.usd > Usd::ZERO)
                    .min_by_key(|r| (r.tier_start_gb.unwrap_or(0), r.line))
                    .ok_or_else(|| CostError::NoPrice {
                        from: provider.to_string(),
                        to: class.name().to_string(),
                        message: "no generic row".into(),
                    })?;
                (*class, row.clone(), format!("{provider} {}", class.name()))
            }
        };
        let transfer = row.cost_of_bytes(f.bytes);
        let request = match &f.bus {
            None => Usd::ZERO,
            Some(bus) => {
                let r = catalog.request_price(bus).ok_or_else(|| {
                    CostError::invalid(
                        format!("flows[{i}].bus"),
                        format!("unknown managed bus `{bus}`"),
                    )
                })?;
                used.insert((r.file.clone(), r.line), r.as_of.clone());
                let per_msg_bytes = f.bytes.checked_div(f.messages).unwrap_or(0);
                r.cost_of_request(per_msg_bytes).times(f.messages)
            }
        };
        total += transfer + request;
        msgs += f.messages;
        used.insert((row.file.clone(), row.line), row.as_of.clone());
        flows.push(FlowCost {
            path,
            class,
            messages: f.messages,
            bytes: f.bytes,
            transfer_usd: transfer,
            request_usd: request,
            source: format!("{} (as of {})", row.source, row.as_of),
        });
    }
    if t.latency_samples_ms
        .iter()
        .any(|x| !(x.is_finite() && *x >= 0.0))
    {
        return Err(CostError::invalid(
            "latency_samples_ms",
            "samples must be finite and ≥ 0",
        ));
    }
    let mut s = t.latency_samples_ms.clone();
    s.sort_by(f64::total_cmp);
    let latency_cost = match (value, s.is_empty()) {
        (Some(v), false) => {
            let mut sum = Usd::ZERO;
            for x in &s {
                sum += v.cost(ms_to_ns(*x)?);
            }
            sum.mul_ratio(1, s.len() as i128)
        }
        _ => Usd::ZERO,
    };
    let per_tx = total.mul_ratio(1, i128::from(t.transactions));
    Ok(TrafficCost {
        label: t.label.clone(),
        flows,
        total_usd: total,
        per_tx_usd: per_tx,
        latency_cost_per_tx_usd: latency_cost,
        total_per_tx_usd: per_tx + latency_cost,
        messages_per_tx: msgs as f64 / t.transactions as f64,
        rounds: t.rounds,
        latency_mean_ms: (!s.is_empty()).then(|| s.iter().sum::<f64>() / s.len() as f64),
        latency_p50_ms: nearest_rank(&s, 0.5),
        latency_p99_ms: nearest_rank(&s, 0.99),
        catalog_as_of: AsOfRange::of(used.values().map(String::as_str)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_a_run() {
        let c = Catalog::try_builtin().unwrap();
        let t = TrafficSummary {
            label: "sim".into(),
            transactions: 1000,
            flows: vec![
                Flow {
                    path: FlowPath::Pair {
                        from: "us-east-1".into(),
                        to: "eu-west-1".into(),
                    },
                    messages: 4000,
                    bytes: 4_000_000_000,
                    bus: None,
                },
                Flow {
                    path: FlowPath::Class {
                        provider: Provider::Aws,
                        class: PathClass::CrossZone,
                    },
                    messages: 2000,
                    bytes: 2_000_000,
                    bus: Some("sqs-standard".into()),
                },
            ],
            rounds: Some(4),
            latency_samples_ms: vec![10.0, 20.0, 30.0, 40.0],
        };
        let v = LatencyValue::Flat {
            usd_per_second: Usd::from_dollars(1),
        };
        let r = price_traffic(&c, &t, Some(&v)).unwrap();
        // mean latency 25 ms at $1/s
        assert_eq!(
            r.latency_cost_per_tx_usd,
            Usd::parse_decimal("0.025").unwrap()
        );
        assert_eq!(
            r.total_per_tx_usd,
            Usd::parse_decimal("0.02508084").unwrap()
        );
        // 4 GB × $0.02 + 2 MB × $0.02 (both sides) + 2000 × $0.40/1M (1 KB < 64 KB chunk)
        assert_eq!(r.flows[0].transfer_usd, Usd::from_cents(8));
        assert_eq!(
            r.flows[1].transfer_usd,
            Usd::parse_decimal("0.00004").unwrap()
        );
        assert_eq!(
            r.flows[1].request_usd,
            Usd::parse_decimal("0.0008").unwrap()
        );
        assert_eq!(r.total_usd, Usd::parse_decimal("0.08084").unwrap());
        assert_eq!(r.per_tx_usd, Usd::parse_decimal("0.00008084").unwrap());
        assert_eq!(r.messages_per_tx, 6.0);
        assert_eq!(r.latency_p50_ms, Some(20.0));
        assert_eq!(r.latency_p99_ms, Some(40.0));
        // inter-region (Skyplane 2023), cross-AZ (2026-04-27) and SQS (2026-03-14) rows
        assert_eq!(r.catalog_as_of.oldest.as_deref(), Some("2023-04-27"));
        assert_eq!(r.catalog_as_of.newest.as_deref(), Some("2026-04-27"));
        assert_eq!(r.catalog_as_of.rows, 3);
    }

    #[test]
    fn bad_inputs() {
        let c = Catalog::try_builtin().unwrap();
        let mut t = TrafficSummary {
            label: "x".into(),
            transactions: 0,
            ..Default::default()
        };
        assert!(price_traffic(&c, &t, None).is_err());
        t.transactions = 1;
        t.flows.push(Flow {
            path: FlowPath::Pair {
                from: "nowhere".into(),
                to: "us-east-1".into(),
            },
            messages: 1,
            bytes: 1,
            bus: None,
        });
        let e = price_traffic(&c, &t, None).unwrap_err();
        assert!(matches!(&e, CostError::UnknownRegion { name, .. } if name == "flows[0].from"));
    }
}
