//! The `cclab cost` entry point: [`CostRequest`] → [`evaluate`] → [`CostReport`].
//!
//! ## Pricing rules
//! * **Messages.** `price_per_1000_messages` prices every message flat (the source
//!   text's form). Otherwise each directed message is priced by the catalog path of
//!   its two nodes' placements (`regions`) times its bytes, plus the per-request fee
//!   of a managed `bus` if one is named. Without either, every message is priced at
//!   the catalog's generic AWS inter-region row ($0.02/GB) — stated in the
//!   assumptions.
//! * **NAT.** With `via_nat`, every byte on an inter-region or internet path also
//!   pays the source provider's `nat_processing` row, once per byte ([`NAT_MODEL`]);
//!   recorded in the assumptions with the row's source.
//! * **Hierarchy.** `groups` selects tree 2PC or two-level Raft / Multi-Paxos, with
//!   node i in group i mod `groups`.
//! * **Placement.** Node 0 is the coordinator/leader. Nodes that are not co-located
//!   with another node take `regions[i mod len]` in order; co-located nodes (the
//!   quorum coordinator, the PBFT client) share their host's zone.
//! * **Latency.** `rtt_ms` gives every pair of distinct nodes that RTT; otherwise the
//!   RTT matrix of the placements is used and waits are order statistics (e.g. the
//!   ⌊N/2⌋-th fastest follower for Raft). With batching (b > 1) the average wait for
//!   a batch to fill, (b − 1)/(2λ) with λ = tx_per_day/86 400 s, is added.
//! * **Batching.** A batch of b transactions shares one protocol instance: messages
//!   and per-request fees per transaction drop by b, but each message carries the b
//!   payloads, so bytes (and per-GB charges) per transaction do not change.
//! * **Totals.** per_tx = message cost + latency cost (exact); per_day = per_tx ×
//!   tx_per_day and per_year = per_tx × tx_per_day × 365 (a 365-day year), each
//!   rounded once to the cent (half away from zero).
//!
//! ## JSON
//! [`CostReport`] serializes with the keys `model`, `formula`, `unit`, `nodes`,
//! `messages_per_tx` (number), `messages_per_tx_exact` (string fraction),
//! `rounds` (message delays), `latency_ms`, `batching_wait_ms`, `latency_statistic`,
//! `message_cost_usd_per_tx`, `latency_cost_usd_per_tx`, `per_tx_usd`, `tx_per_day`,
//! `per_day_usd`, `per_year_usd`, `days_per_year`, `paths`, `sensitivity`,
//! `dominant_input` and `assumptions` (a list of `{name, value, source}`). Money
//! values are **strings** holding exact decimals (see [`crate::money`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CostError;
use crate::catalog::{Catalog, PathClass, Placement, PriceKind, PriceRow, Provider};
use crate::econ::{Beta, DEFAULT_BETA_PER_SECOND, LatencyValue, ms_to_ns};
use crate::money::{Usd, usd_param};
use crate::protocols::{Coordinator, HealthTopology, Protocol};

/// Days in the year used for annual totals.
pub const DAYS_PER_YEAR: u64 = 365;
/// Default transactions per day (the source text's scenario).
pub const DEFAULT_TX_PER_DAY: u64 = 1_000_000;
/// Default message size in bytes ("~1 KB" in the source text, taken as 1000 B).
pub const DEFAULT_MESSAGE_BYTES: u64 = 1000;
/// Largest accepted `regions` list.
pub const MAX_REGION_ENTRIES: usize = 2000;

/// The models `evaluate` knows.
pub const MODELS: [&str; 11] = [
    "2pc",
    "3pc",
    "paxos",
    "multi-paxos",
    "raft",
    "leader",
    "quorum",
    "gossip",
    "pbft",
    "health-check",
    "transfer",
];

/// Which price/latency data to use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogSource {
    /// The shipped data (also selected by the names `builtin` and `default`).
    Builtin,
    /// A user file (prices, regions or an RTT matrix) laid over the shipped data.
    File {
        /// File name or label, used in error messages.
        name: String,
        /// File contents.
        text: String,
    },
}

impl CatalogSource {
    /// Resolves a catalog *name* given on the command line (`builtin`, `default`).
    pub fn named(name: &str) -> Result<CatalogSource, CostError> {
        match name {
            "builtin" | "default" => Ok(CatalogSource::Builtin),
            _ => Err(CostError::invalid(
                "catalog",
                format!(
                    "unknown catalog name `{name}` (builtin); pass a file path to use your own data"
                ),
            )),
        }
    }

    /// Loads the catalog.
    pub fn load(&self) -> Result<Catalog, CostError> {
        let base = Catalog::try_builtin()?;
        match self {
            CatalogSource::Builtin => Ok(base),
            CatalogSource::File { name, text } => base.with_user_file(name, text),
        }
    }
}

/// Mirrors `cclab cost <model> [options]`. Every field but `model` is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostRequest {
    /// One of [`MODELS`].
    pub model: String,
    /// N: participants / replicas / nodes.
    pub participants: Option<u32>,
    /// Uniform round-trip time between distinct nodes, ms.
    pub rtt_ms: Option<f64>,
    /// Placements (`region`, `provider:region` or `provider:region:zone`).
    pub regions: Option<Vec<String>>,
    /// Payload bytes per message (per transaction carried).
    pub message_bytes: Option<u64>,
    /// Flat price per 1000 messages, USD.
    pub price_per_1000_messages: Option<f64>,
    /// Catalog to use.
    pub catalog: Option<CatalogSource>,
    /// Flat latency value, USD per second.
    pub latency_usd_per_s: Option<f64>,
    /// Revenue per transaction, USD (with `beta`).
    pub revenue_per_tx: Option<f64>,
    /// Fractional revenue loss per second (default 0.1, Amazon).
    pub beta: Option<f64>,
    /// Transactions (units of work) per day.
    pub tx_per_day: Option<u64>,
    /// Batch size b.
    pub batch: Option<u32>,
    /// Quorum N (defaults to `participants`).
    pub n: Option<u32>,
    /// Quorum R.
    pub r: Option<u32>,
    /// Quorum W.
    pub w: Option<u32>,
    /// 2PC/3PC coordinator: `separate` (default) or `colocated`.
    pub coordinator: Option<String>,
    /// Leader model: wait for backups (default true).
    pub synchronous: Option<bool>,
    /// Gossip fan-out (default 1).
    pub fanout: Option<u32>,
    /// Health checks: group size for the hierarchical topology (full mesh if unset).
    pub group_size: Option<u32>,
    /// Managed bus whose per-request fee applies to every message (`sqs-standard`, …).
    pub bus: Option<String>,
    /// `transfer`: messages per day.
    pub messages_per_day: Option<u64>,
    /// `transfer`: price per decimal GB, USD.
    pub price_per_gb: Option<f64>,
    /// `transfer`: path `SRC:DST` (bare regions) or `p:SRC:p:DST`, also `SRC->DST`.
    pub path: Option<String>,
    /// Nodes sit in private subnets: every byte on a path that leaves the VPC
    /// (inter-region or internet/cross-provider) is also charged the provider's NAT
    /// gateway data-processing fee, once per byte (see [`NAT_MODEL`]).
    #[serde(default)]
    pub via_nat: bool,
    /// `2pc`, `raft`, `multi-paxos`: run the hierarchical form with this many groups
    /// (node `i` in group `i mod groups`, so `groups` = the number of `regions`
    /// entries gives one group per entry): a root coordinator / leader talks to one
    /// sub-coordinator / group leader per group, which talks to its local nodes.
    #[serde(default)]
    pub groups: Option<u32>,
}

/// The NAT placement model applied by [`CostRequest::via_nat`], as recorded in the
/// assumptions.
pub const NAT_MODEL: &str = "nodes in private subnets reach other regions and providers through a NAT \
     gateway (public endpoints, no VPC peering or Transit Gateway); the sender's NAT processes its \
     outbound bytes and a connection initiator's NAT processes the return bytes, so each byte that \
     leaves the VPC is processed once; same-zone and cross-zone paths stay private and skip the \
     NAT; the hourly gateway charge is not per byte and is not modelled";

/// A default or input used, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assumption {
    /// Parameter.
    pub name: String,
    /// Value used.
    pub value: String,
    /// Where it comes from (user input, a default and its citation, a data row).
    pub source: String,
}

/// Cost of one node-pair path per transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathLine {
    /// Source node (role and placement).
    pub from: String,
    /// Destination node.
    pub to: String,
    /// Path class.
    pub class: String,
    /// Messages per transaction on this path.
    pub messages_per_tx: f64,
    /// Dollars per transaction on this path.
    pub usd_per_tx: Usd,
    /// Price used.
    pub price: String,
}

/// One bar of the ±10 % tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    /// Input varied.
    pub input: String,
    /// Per-day total with the input at −10 %.
    pub low_per_day_usd: Usd,
    /// Per-day total with the input at +10 %.
    pub high_per_day_usd: Usd,
    /// |high − low|.
    pub swing_usd: Usd,
    /// Elasticity (ΔT/T)/(Δx/x) from the ±10 % central difference.
    pub elasticity: f64,
}

/// The result of [`evaluate`]. `Display` renders a readable table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    /// Model name.
    pub model: String,
    /// Message-count formula and convention.
    pub formula: String,
    /// What one transaction is.
    pub unit: String,
    /// Nodes in the model.
    pub nodes: usize,
    /// Messages per transaction.
    pub messages_per_tx: f64,
    /// Messages per transaction as an exact fraction.
    pub messages_per_tx_exact: String,
    /// Message delays on the critical path.
    pub rounds: u32,
    /// User-visible latency per transaction, ms (including batching wait).
    pub latency_ms: f64,
    /// Part of `latency_ms` spent waiting for a batch to fill.
    pub batching_wait_ms: f64,
    /// Where the latency came from and its statistic.
    pub latency_statistic: String,
    /// Message (transfer + request) cost per transaction.
    pub message_cost_usd_per_tx: Usd,
    /// Latency cost per transaction.
    pub latency_cost_usd_per_tx: Usd,
    /// Total per transaction.
    pub per_tx_usd: Usd,
    /// Transactions per day.
    pub tx_per_day: u64,
    /// Per day, rounded to the cent.
    pub per_day_usd: Usd,
    /// Per year (365 days), rounded to the cent.
    pub per_year_usd: Usd,
    /// 365.
    pub days_per_year: u64,
    /// Per-path breakdown (catalog pricing only).
    pub paths: Vec<PathLine>,
    /// ±10 % tornado of the per-day total.
    pub sensitivity: Vec<SensitivityRow>,
    /// The cost driver with the largest swing (volume, which scales every term,
    /// is not counted as a driver).
    pub dominant_input: String,
    /// Every default and input used, with its source.
    pub assumptions: Vec<Assumption>,
}

#[derive(Debug, Clone)]
enum MsgPricing {
    Flat {
        per_1000: Usd,
    },
    Paths {
        edges: Vec<PricedEdge>,
        bus: Option<Box<PriceRow>>,
    },
}

#[derive(Debug, Clone)]
struct PricedEdge {
    from: String,
    to: String,
    class: PathClass,
    count: u64,
    row: PriceRow,
    nat: Option<PriceRow>,
}

#[derive(Debug, Clone)]
struct Scenario {
    pricing: MsgPricing,
    total_count: u64,
    denominator: u64,
    bytes: u64,
    batch: u64,
    latency_ms: f64,
    tx_per_day: u64,
    value: Option<LatencyValue>,
}

type KnobSetter = fn(&mut Knobs, f64);

#[derive(Debug, Clone, Copy)]
struct Knobs {
    price: f64,
    bytes: f64,
    rtt: f64,
    value: f64,
    volume: f64,
}

const UNIT: Knobs = Knobs {
    price: 1.0,
    bytes: 1.0,
    rtt: 1.0,
    value: 1.0,
    volume: 1.0,
};

#[derive(Debug, Clone)]
struct Computed {
    msg: Usd,
    lat: Usd,
    latency_ms: f64,
    wait_ms: f64,
    tx_per_day: u64,
    lines: Vec<PathLine>,
}

impl Computed {
    fn per_tx(&self) -> Usd {
        self.msg + self.lat
    }
    fn per_day_exact(&self) -> Usd {
        self.per_tx().times(self.tx_per_day)
    }
}

fn scale_u64(x: u64, f: f64) -> u64 {
    (x as f64 * f).round() as u64
}

impl Scenario {
    fn compute(&self, k: Knobs) -> Computed {
        let den = i128::from(self.denominator) * i128::from(self.batch);
        let bytes = scale_u64(self.bytes, k.bytes);
        let mut lines = Vec::new();
        let msg = match &self.pricing {
            MsgPricing::Flat { per_1000 } => per_1000
                .scale(k.price)
                .mul_ratio(i128::from(self.total_count), 1000 * den),
            MsgPricing::Paths { edges, bus } => {
                let mut total = Usd::ZERO;
                let bus_fee = bus.as_ref().map(|b| {
                    b.cost_of_request(bytes.saturating_mul(self.batch))
                        .scale(k.price)
                });
                for e in edges {
                    // each message carries `batch` payloads; per transaction the bytes are
                    // count × bytes × batch / (den × batch)
                    let on_path = e.row.cost_of_bytes(bytes.saturating_mul(e.count))
                        + e.nat.as_ref().map_or(Usd::ZERO, |n| {
                            n.cost_of_bytes(bytes.saturating_mul(e.count))
                        });
                    let transfer = on_path
                        .scale(k.price)
                        .mul_ratio(1, i128::from(self.denominator));
                    let fees = bus_fee
                        .map(|f| f.times(e.count).mul_ratio(1, den))
                        .unwrap_or(Usd::ZERO);
                    let usd = transfer + fees;
                    total += usd;
                    lines.push(PathLine {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        class: e.class.name().to_string(),
                        messages_per_tx: e.count as f64 / den as f64,
                        usd_per_tx: usd,
                        price: format!(
                            "{} {}/{} ({}){}{}",
                            e.row.provider,
                            e.row.effective_usd().exact_string(),
                            e.row.unit.label(),
                            e.row.kind.name(),
                            e.nat.as_ref().map_or(String::new(), |n| format!(
                                " + NAT {}/{}",
                                n.effective_usd().exact_string(),
                                n.unit.label()
                            )),
                            bus.as_ref().map_or(String::new(), |b| format!(
                                " + {} {}/1M requests",
                                b.to,
                                b.usd.exact_string()
                            ))
                        ),
                    });
                }
                total
            }
        };
        let tx_per_day = scale_u64(self.tx_per_day, k.volume);
        let wait_ms = if self.batch > 1 && tx_per_day > 0 {
            (self.batch - 1) as f64 / 2.0 / (tx_per_day as f64 / 86_400.0) * 1000.0
        } else {
            0.0
        };
        let latency_ms = self.latency_ms * k.rtt + wait_ms;
        let lat = match self.value {
            None => Usd::ZERO,
            Some(v) => v.cost(ms_to_ns(latency_ms).unwrap_or(0)).scale(k.value),
        };
        Computed {
            msg,
            lat,
            latency_ms,
            wait_ms,
            tx_per_day,
            lines,
        }
    }

    fn tornado(&self, has_paths_bytes: bool) -> (Vec<SensitivityRow>, String) {
        let base = self.compute(UNIT).per_day_exact();
        let mut inputs: Vec<(&str, KnobSetter)> = vec![
            ("message price", |k, f| k.price = f),
            ("round-trip time", |k, f| k.rtt = f),
            ("latency value ($/s or beta x revenue)", |k, f| k.value = f),
            ("transactions per day", |k, f| k.volume = f),
        ];
        if has_paths_bytes {
            inputs.insert(1, ("message bytes", |k, f| k.bytes = f));
        }
        let rows: Vec<(SensitivityRow, Usd)> = inputs
            .into_iter()
            .map(|(name, set)| {
                let mut lo = UNIT;
                set(&mut lo, 0.9);
                let mut hi = UNIT;
                set(&mut hi, 1.1);
                let l = self.compute(lo).per_day_exact();
                let h = self.compute(hi).per_day_exact();
                tornado_row(name, l, h, base)
            })
            .collect();
        rank_tornado(rows)
    }
}

fn assumption(name: &str, value: impl Into<String>, source: impl Into<String>) -> Assumption {
    Assumption {
        name: name.to_string(),
        value: value.into(),
        source: source.into(),
    }
}

fn positive_f64(name: &str, x: f64) -> Result<f64, CostError> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(CostError::invalid(
            name,
            format!("must be a finite number ≥ 0, got {x}"),
        ));
    }
    Ok(x)
}

/// Whether a path of this class leaves the VPC (and so crosses a NAT gateway
/// under [`CostRequest::via_nat`]).
fn crosses_nat(class: PathClass) -> bool {
    matches!(class, PathClass::InterRegion | PathClass::Internet)
}

/// The NAT gateway data-processing row of `provider`.
fn nat_row(catalog: &Catalog, provider: Provider, at: &str) -> Result<PriceRow, CostError> {
    catalog
        .prices
        .iter()
        .find(|r| r.provider == provider && r.kind == PriceKind::NatProcessing)
        .cloned()
        .ok_or_else(|| CostError::NoPrice {
            from: at.to_string(),
            to: "NAT gateway".into(),
            message: format!("--via-nat: the catalog has no `nat_processing` row for {provider}"),
        })
}

fn nat_assumption(row: &PriceRow) -> Assumption {
    assumption(
        "NAT gateway processing",
        format!(
            "{} ${}/{} on every byte of an inter_region or internet path, on top of the transfer price",
            row.provider,
            row.usd.exact_string(),
            row.unit.label()
        ),
        format!(
            "user input --via-nat; {} as of {} ({}:{}); model: {NAT_MODEL}",
            row.source, row.as_of, row.file, row.line
        ),
    )
}

fn protocol_for(req: &CostRequest, a: &mut Vec<Assumption>) -> Result<Protocol, CostError> {
    let n = |default: u32, a: &mut Vec<Assumption>| -> u32 {
        match req.participants {
            Some(v) => v,
            None => {
                let why = match req.model.as_str() {
                    "2pc" | "3pc" => "default: the source text's 5-participant example",
                    "gossip" | "health-check" => "default: the source text's 100 services",
                    "pbft" => "default: the smallest PBFT group, n = 3f + 1 with f = 1",
                    _ => "default: 5 replicas, tolerating 2 crash failures",
                };
                a.push(assumption("participants", default.to_string(), why));
                default
            }
        }
    };
    if matches!(req.model.as_str(), "2pc" | "3pc") && req.coordinator.is_none() {
        a.push(assumption(
            "coordinator",
            "separate transaction manager",
            "default: Gray & Lamport, Consensus on Transaction Commit (2006); \
             `colocated` puts it on a participant",
        ));
    }
    match req.model.as_str() {
        "leader" if req.synchronous.is_none() => a.push(assumption(
            "replication",
            "synchronous: the leader waits for every backup's ack",
            "default (strong consistency); asynchronous replication does not wait",
        )),
        "gossip" if req.fanout.is_none() => a.push(assumption(
            "fanout",
            "1",
            "default: push to one random peer per round (Pittel 1987 round count)",
        )),
        "health-check" if req.group_size.is_none() => a.push(assumption(
            "topology",
            "full mesh",
            "default: every node probes every other node; a group size selects the hierarchy",
        )),
        "multi-paxos" | "raft" if req.batch.is_none() => a.push(assumption(
            "batch",
            "1",
            "default: one log entry per replication round (no batching)",
        )),
        _ => {}
    }
    let coordinator = match req.coordinator.as_deref() {
        None | Some("separate") => Coordinator::Separate,
        Some("colocated") | Some("co-located") => Coordinator::CoLocated,
        Some(other) => {
            return Err(CostError::invalid(
                "coordinator",
                format!("expected `separate` or `colocated`, got `{other}`"),
            ));
        }
    };
    if let Some(g) = req.groups {
        if g == 0 {
            return Err(CostError::invalid("groups", "must be ≥ 1"));
        }
        return match req.model.as_str() {
            "2pc" => Ok(Protocol::HierarchicalTwoPc {
                participants: n(5, a),
                coordinator,
                groups: g,
            }),
            "raft" | "multi-paxos" => Ok(Protocol::HierarchicalConsensus {
                nodes: n(5, a),
                batch: 1,
                groups: g,
                raft: req.model == "raft",
            }),
            _ => Err(CostError::invalid(
                "groups",
                "hierarchical groups apply to 2pc, raft and multi-paxos \
                 (health-check takes --group-size)",
            )),
        };
    }
    Ok(match req.model.as_str() {
        "2pc" => Protocol::TwoPc {
            participants: n(5, a),
            coordinator,
        },
        "3pc" => Protocol::ThreePc {
            participants: n(5, a),
            coordinator,
        },
        "paxos" => Protocol::Paxos { nodes: n(5, a) },
        "multi-paxos" => Protocol::MultiPaxos {
            nodes: n(5, a),
            batch: 1,
        },
        "raft" => Protocol::Raft {
            nodes: n(5, a),
            batch: 1,
        },
        "leader" => Protocol::Leader {
            nodes: n(5, a),
            synchronous: req.synchronous.unwrap_or(true),
        },
        "quorum" => {
            let nn = match (req.n, req.participants) {
                (Some(x), Some(y)) if x != y => {
                    return Err(CostError::invalid(
                        "n",
                        format!("N = {x} disagrees with participants = {y}"),
                    ));
                }
                (Some(x), _) | (None, Some(x)) => x,
                (None, None) => {
                    return Err(CostError::missing(
                        "n",
                        "quorum needs N (or --participants)",
                    ));
                }
            };
            let r = req
                .r
                .ok_or_else(|| CostError::missing("r", "quorum needs R"))?;
            let w = req
                .w
                .ok_or_else(|| CostError::missing("w", "quorum needs W"))?;
            Protocol::Quorum { n: nn, r, w }
        }
        "gossip" => Protocol::Gossip {
            nodes: n(100, a),
            fanout: req.fanout.unwrap_or(1),
        },
        "pbft" => Protocol::Pbft { nodes: n(4, a) },
        "health-check" => Protocol::HealthCheck {
            nodes: n(100, a),
            topology: match req.group_size {
                None => HealthTopology::FullMesh,
                Some(g) => HealthTopology::Hierarchical { group_size: g },
            },
        },
        other => {
            return Err(CostError::UnknownModel {
                name: other.to_string(),
                known: MODELS.join(", "),
            });
        }
    })
}

fn latency_value(
    req: &CostRequest,
    a: &mut Vec<Assumption>,
) -> Result<Option<LatencyValue>, CostError> {
    match (req.latency_usd_per_s, req.revenue_per_tx) {
        (Some(_), Some(_)) => Err(CostError::invalid(
            "latency-usd-per-s",
            "give either --latency-usd-per-s or --revenue-per-tx (with --beta), not both",
        )),
        (Some(l), None) => {
            if req.beta.is_some() {
                return Err(CostError::invalid(
                    "beta",
                    "--beta only applies with --revenue-per-tx",
                ));
            }
            let v = usd_param("latency-usd-per-s", l)?;
            a.push(assumption(
                "latency value",
                format!("${}/s flat", v.exact_string()),
                "user input (the source text's form)",
            ));
            Ok(Some(LatencyValue::Flat { usd_per_second: v }))
        }
        (None, Some(r)) => {
            let rev = usd_param("revenue-per-tx", r)?;
            let (b, src) = match req.beta {
                Some(b) => (b, "user input".to_string()),
                None => (
                    DEFAULT_BETA_PER_SECOND,
                    "default: Amazon ~1% of sales per 100 ms (Linden 2006, second-hand)"
                        .to_string(),
                ),
            };
            let beta = Beta::new(b)?;
            a.push(assumption(
                "revenue per transaction",
                format!("${}", rev.exact_string()),
                "user input",
            ));
            a.push(assumption(
                "beta (revenue loss per second)",
                format!("{b}"),
                src,
            ));
            Ok(Some(LatencyValue::Revenue {
                revenue_per_tx: rev,
                beta,
            }))
        }
        (None, None) => {
            if req.beta.is_some() {
                return Err(CostError::invalid(
                    "beta",
                    "--beta only applies with --revenue-per-tx",
                ));
            }
            a.push(assumption(
                "latency value",
                "not priced ($0)",
                "no --latency-usd-per-s or --revenue-per-tx given",
            ));
            Ok(None)
        }
    }
}

/// The catalog listing for `cclab cost catalog` (shipped data, or with a user file
/// laid over it).
pub fn catalog_listing(
    source: Option<&CatalogSource>,
) -> Result<crate::catalog::CatalogListing, CostError> {
    Ok(source.unwrap_or(&CatalogSource::Builtin).load()?.listing())
}

/// Evaluates a request.
pub fn evaluate(req: &CostRequest) -> Result<CostReport, CostError> {
    let catalog = req
        .catalog
        .clone()
        .unwrap_or(CatalogSource::Builtin)
        .load()?;
    evaluate_with(req, &catalog)
}

/// Evaluates a request with an already loaded catalog (the `catalog` field is
/// ignored).
pub fn evaluate_with(req: &CostRequest, catalog: &Catalog) -> Result<CostReport, CostError> {
    if req.model == "transfer" {
        return evaluate_transfer(req, catalog);
    }
    for (name, set) in [
        ("messages-per-day", req.messages_per_day.is_some()),
        ("price-per-gb", req.price_per_gb.is_some()),
        ("path", req.path.is_some()),
    ] {
        if set {
            return Err(CostError::invalid(
                name,
                "only applies to the `transfer` model",
            ));
        }
    }
    let mut a = Vec::new();
    let protocol = protocol_for(req, &mut a)?;
    let model = protocol.model()?;
    let batch = req.batch.unwrap_or(1);
    if batch == 0 {
        return Err(CostError::invalid("batch", "must be ≥ 1"));
    }
    let bytes = match req.message_bytes {
        Some(b) => b,
        None => {
            a.push(assumption(
                "message bytes",
                DEFAULT_MESSAGE_BYTES.to_string(),
                "default: the source text's ~1 KB, taken as 1000 bytes",
            ));
            DEFAULT_MESSAGE_BYTES
        }
    };
    let tx_per_day = match req.tx_per_day {
        Some(t) => t,
        None => {
            a.push(assumption(
                "transactions per day",
                DEFAULT_TX_PER_DAY.to_string(),
                "default: the source text's 1M transactions/day scenario",
            ));
            DEFAULT_TX_PER_DAY
        }
    };
    // placements: node i -> index into the parsed region list
    let host = |i: usize| model.nodes[i].colocated_with.unwrap_or(i);
    let placed: Option<(Vec<Placement>, Vec<usize>)> = match &req.regions {
        None => None,
        Some(list) => {
            if list.is_empty() {
                return Err(CostError::invalid("regions", "empty region list"));
            }
            if list.len() > MAX_REGION_ENTRIES {
                return Err(CostError::invalid(
                    "regions",
                    format!("at most {MAX_REGION_ENTRIES} entries, got {}", list.len()),
                ));
            }
            let parsed: Vec<Placement> = list
                .iter()
                .map(|s| catalog.placement("regions", s))
                .collect::<Result<_, _>>()?;
            let mut idx = vec![0usize; model.nodes.len()];
            let mut next = 0usize;
            for (i, n) in model.nodes.iter().enumerate() {
                if n.colocated_with.is_none() {
                    idx[i] = next % parsed.len();
                    next += 1;
                }
            }
            for i in 0..model.nodes.len() {
                idx[i] = idx[host(i)];
            }
            let shown = model.nodes.len().min(12);
            let mut desc: Vec<String> = (0..shown)
                .map(|i| format!("{}#{i}@{}", model.nodes[i].role, parsed[idx[i]]))
                .collect();
            if model.nodes.len() > shown {
                desc.push(format!("… {} nodes in all", model.nodes.len()));
            }
            a.push(assumption(
                "placement",
                desc.join(", "),
                "node i takes regions[i mod len] (co-located nodes share their host's zone); \
                 nodes sharing an entry without a zone are in different zones",
            ));
            Some((parsed, idx))
        }
    };
    // message pricing
    let bus = match &req.bus {
        None => None,
        Some(b) => Some(
            catalog
                .request_price(b)
                .ok_or_else(|| {
                    CostError::invalid(
                        "bus",
                        format!(
                            "unknown managed bus `{b}` (known: {})",
                            catalog
                                .prices
                                .iter()
                                .filter(|r| r.kind == PriceKind::Request)
                                .map(|r| r.to.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?
                .clone(),
        ),
    };
    let pricing = if let Some(p) = req.price_per_1000_messages {
        if bus.is_some() {
            return Err(CostError::invalid(
                "bus",
                "not combinable with --price-per-1000-messages",
            ));
        }
        if req.via_nat {
            return Err(CostError::invalid(
                "via-nat",
                "not combinable with --price-per-1000-messages (a flat price has no paths)",
            ));
        }
        let v = usd_param("price-per-1000-messages", p)?;
        a.push(assumption(
            "message price",
            format!("${} per 1000 messages, flat", v.exact_string()),
            "user input",
        ));
        MsgPricing::Flat { per_1000: v }
    } else {
        // aggregate edges by (from placement, to placement, same host)
        let mut agg: BTreeMap<(usize, usize, bool), u64> = BTreeMap::new();
        for e in &model.edges {
            let key = match &placed {
                Some((_, idx)) => (idx[e.from], idx[e.to], host(e.from) == host(e.to)),
                None => (0, 0, false),
            };
            *agg.entry(key).or_insert(0) += e.count;
        }
        let mut edges = Vec::new();
        for ((fi, ti, same_host), count) in agg {
            let (class, row, from, to) = match &placed {
                Some((parsed, _)) => {
                    let (pa, pb) = (&parsed[fi], &parsed[ti]);
                    let (class, row) = if same_host {
                        let row = catalog
                            .prices
                            .iter()
                            .find(|r| r.provider == pa.provider && r.kind == PriceKind::SameZone)
                            .ok_or_else(|| CostError::NoPrice {
                                from: pa.to_string(),
                                to: pb.to_string(),
                                message: "no same_zone row".into(),
                            })?;
                        (PathClass::SameZone, row.clone())
                    } else {
                        let pp = catalog.path_price(pa, pb)?;
                        (pp.class, pp.row)
                    };
                    (class, row, pa.to_string(), pb.to_string())
                }
                None => {
                    let row = catalog
                        .prices
                        .iter()
                        .find(|r| {
                            r.provider == crate::catalog::Provider::Aws
                                && r.kind == PriceKind::InterRegion
                                && r.from == "*"
                                && r.to == "*"
                        })
                        .ok_or_else(|| {
                            CostError::missing(
                                "regions",
                                "no --regions and no generic AWS inter-region price in the catalog; \
                                 pass --regions or --price-per-1000-messages",
                            )
                        })?;
                    (
                        PathClass::InterRegion,
                        row.clone(),
                        "any node".to_string(),
                        "any other node".to_string(),
                    )
                }
            };
            let nat = if req.via_nat && crosses_nat(class) {
                Some(nat_row(catalog, row.provider, &from)?)
            } else {
                None
            };
            edges.push(PricedEdge {
                from,
                to,
                class,
                count,
                row,
                nat,
            });
        }
        if req.via_nat {
            match edges.iter().find_map(|e| e.nat.as_ref()) {
                Some(n) => a.push(nat_assumption(n)),
                None => a.push(assumption(
                    "NAT gateway processing",
                    "none: no path of this placement leaves the VPC",
                    format!("user input --via-nat; model: {NAT_MODEL}"),
                )),
            }
        }
        if placed.is_none() {
            if let Some(e) = edges.first() {
                a.push(assumption(
                    "message price",
                    format!(
                        "every message at {} ${}/{} (inter-region)",
                        e.row.provider,
                        e.row.usd.exact_string(),
                        e.row.unit.label()
                    ),
                    format!(
                        "default (no --regions): {} as of {}",
                        e.row.source, e.row.as_of
                    ),
                ));
            }
        } else {
            let mut seen = std::collections::BTreeSet::new();
            for e in &edges {
                if seen.insert((e.row.file.clone(), e.row.line)) {
                    a.push(assumption(
                        &format!("price {} {}", e.row.provider, e.row.kind.name()),
                        format!(
                            "${}/{}{}{}",
                            e.row.usd.exact_string(),
                            e.row.unit.label(),
                            if e.row.effective_usd() != e.row.usd {
                                " each side"
                            } else {
                                ""
                            },
                            if e.row.from == "*" && e.row.to == "*" {
                                String::new()
                            } else {
                                format!(" ({} -> {})", e.row.from, e.row.to)
                            }
                        ),
                        format!(
                            "{} as of {} ({}:{})",
                            e.row.source, e.row.as_of, e.row.file, e.row.line
                        ),
                    ));
                }
            }
        }
        if let Some(b) = &bus {
            a.push(assumption(
                "managed bus fee",
                format!(
                    "{} ${}/1M requests, {} B chunks",
                    b.to,
                    b.usd.exact_string(),
                    b.chunk_bytes.unwrap_or(0)
                ),
                format!("{} as of {}", b.source, b.as_of),
            ));
        }
        MsgPricing::Paths {
            edges,
            bus: bus.map(Box::new),
        }
    };
    // latency
    let (latency_ms, latency_statistic) = match (req.rtt_ms, &placed) {
        (Some(r), _) => {
            let r = positive_f64("rtt-ms", r)?;
            a.push(assumption(
                "RTT",
                format!("{r} ms between distinct nodes"),
                "user input",
            ));
            (
                model.uniform_latency_ms(r),
                format!("uniform RTT {r} ms (user input)"),
            )
        }
        (None, Some((parsed, idx))) => {
            let k = parsed.len();
            let mut pm = vec![vec![0.0; k]; k];
            let mut stat = String::new();
            for x in 0..k {
                for y in 0..k {
                    let (v, st) = catalog.rtt_ms(&parsed[x], &parsed[y])?;
                    pm[x][y] = v;
                    stat = st;
                }
            }
            let same_zone = catalog
                .matrix(parsed[0].provider)
                .map_or(0.0, |mx| mx.same_zone_rtt_ms);
            let rtt = |i: usize, j: usize| {
                if i == j {
                    0.0
                } else if host(i) == host(j) {
                    same_zone
                } else {
                    pm[idx[i]][idx[j]]
                }
            };
            if let Some(mx) = catalog.matrix(parsed[0].provider) {
                a.push(assumption(
                    "RTT matrix",
                    format!("{} {} RTT", mx.provider, mx.statistic),
                    format!("{} as of {} ({})", mx.source, mx.as_of, mx.file),
                ));
            }
            (
                model.latency_ms_with(&rtt),
                format!("{stat} RTTs from the catalog matrix; waits are order statistics"),
            )
        }
        (None, None) => {
            return Err(CostError::missing(
                "rtt-ms",
                "give --rtt-ms X or --regions a,b,c to know the latency",
            ));
        }
    };
    let value = latency_value(req, &mut a)?;
    if batch > 1 {
        a.push(assumption(
            "batch",
            batch.to_string(),
            "user input; each message carries the batch's payloads, batch fill wait (b-1)/(2 lambda) added",
        ));
    }
    a.push(assumption("year", "365 days", "convention"));
    let (num, den) = model.messages_fraction();
    let sc = Scenario {
        pricing,
        total_count: num,
        denominator: den,
        bytes,
        batch: u64::from(batch),
        latency_ms,
        tx_per_day,
        value,
    };
    let c = sc.compute(UNIT);
    let has_bytes = matches!(sc.pricing, MsgPricing::Paths { .. });
    let (sensitivity, dominant_input) = sc.tornado(has_bytes);
    let total_den = den * u64::from(batch);
    let g = gcd(num, total_den);
    let mut formula = model.formula.clone();
    if batch > 1 {
        formula.push_str(&format!("; divided by the batch size b = {batch}"));
    }
    let per_tx = c.per_tx();
    Ok(CostReport {
        model: req.model.clone(),
        formula,
        unit: model.unit.clone(),
        nodes: model.nodes.len(),
        messages_per_tx: num as f64 / total_den as f64,
        messages_per_tx_exact: if total_den / g == 1 {
            (num / g).to_string()
        } else {
            format!("{}/{}", num / g, total_den / g)
        },
        rounds: model.message_delays(),
        latency_ms: c.latency_ms,
        batching_wait_ms: c.wait_ms,
        latency_statistic,
        message_cost_usd_per_tx: c.msg,
        latency_cost_usd_per_tx: c.lat,
        per_tx_usd: per_tx,
        tx_per_day,
        per_day_usd: per_tx.times(tx_per_day).round_to_cents(),
        per_year_usd: per_tx
            .times(tx_per_day)
            .times(DAYS_PER_YEAR)
            .round_to_cents(),
        days_per_year: DAYS_PER_YEAR,
        paths: c.lines,
        dominant_input,
        sensitivity,
        assumptions: a,
    })
}

/// Text of [`CostReport::dominant_input`] when no input moves the total.
pub const NO_DOMINANT_INPUT: &str = "none (no input changes the total)";

/// One tornado bar from the exact per-day totals at −10 % (`l`) and +10 % (`h`)
/// of an input, with the exact swing kept for ranking.
fn tornado_row(name: &str, l: Usd, h: Usd, base: Usd) -> (SensitivityRow, Usd) {
    let swing = if h > l { h - l } else { l - h };
    (
        SensitivityRow {
            input: name.to_string(),
            low_per_day_usd: l.round_to_cents(),
            high_per_day_usd: h.round_to_cents(),
            swing_usd: swing.round_to_cents(),
            elasticity: if base == Usd::ZERO {
                0.0
            } else {
                (h - l).ratio(base) / 0.2
            },
        },
        swing,
    )
}

/// Orders the tornado by the **exact** swing (largest first, ties by name) and names
/// the dominant input: the first with a non-zero swing that is not a volume input
/// (volume scales every term alike, elasticity 1). Ranking by the exact swing
/// matters when totals are below a cent: rounded swings are then all $0.00 and
/// would rank alphabetically.
fn rank_tornado(mut rows: Vec<(SensitivityRow, Usd)>) -> (Vec<SensitivityRow>, String) {
    rows.sort_by(|(a, sa), (b, sb)| sb.cmp(sa).then(a.input.cmp(&b.input)));
    let dominant = rows
        .iter()
        .find(|(r, swing)| *swing > Usd::ZERO && !r.input.ends_with("per day"))
        .map_or_else(|| NO_DOMINANT_INPUT.to_string(), |(r, _)| r.input.clone());
    (rows.into_iter().map(|(r, _)| r).collect(), dominant)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

fn parse_path(catalog: &Catalog, spec: &str) -> Result<(Placement, Placement), CostError> {
    let (a, b) = if let Some((a, b)) = spec.split_once("->") {
        (a.trim().to_string(), b.trim().to_string())
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.as_slice() {
            [a, b] => (a.to_string(), b.to_string()),
            [p, a, q, b] => (format!("{p}:{a}"), format!("{q}:{b}")),
            _ => {
                return Err(CostError::invalid(
                    "path",
                    format!(
                        "expected SRC:DST (e.g. us-east-1:eu-west-1) or p:SRC:p:DST, got `{spec}`"
                    ),
                ));
            }
        }
    };
    Ok((
        catalog.placement("path", &a)?,
        catalog.placement("path", &b)?,
    ))
}

fn evaluate_transfer(req: &CostRequest, catalog: &Catalog) -> Result<CostReport, CostError> {
    let mut a = Vec::new();
    let m = req.messages_per_day.ok_or_else(|| {
        CostError::missing(
            "messages-per-day",
            "the transfer model needs --messages-per-day",
        )
    })?;
    let b = req.message_bytes.ok_or_else(|| {
        CostError::missing("message-bytes", "the transfer model needs --message-bytes")
    })?;
    for (name, set) in [
        ("participants", req.participants.is_some()),
        ("tx-per-day", req.tx_per_day.is_some()),
        ("batch", req.batch.is_some()),
        (
            "price-per-1000-messages",
            req.price_per_1000_messages.is_some(),
        ),
    ] {
        if set {
            return Err(CostError::invalid(
                name,
                "does not apply to the `transfer` model",
            ));
        }
    }
    let (row_price, unit_bytes, mult, label, latency_ms, lat_stat, nat) =
        match (req.price_per_gb, &req.path) {
            (Some(_), Some(_)) => {
                return Err(CostError::invalid(
                    "price-per-gb",
                    "give either --price-per-gb or --path, not both",
                ));
            }
            (None, None) => {
                return Err(CostError::missing(
                    "price-per-gb",
                    "the transfer model needs --price-per-gb or --path",
                ));
            }
            (Some(p), None) => {
                if req.via_nat {
                    return Err(CostError::invalid(
                        "via-nat",
                        "needs --path SRC:DST (the NAT fee depends on the provider and on whether \
                         the path leaves the VPC), not --price-per-gb",
                    ));
                }
                let v = usd_param("price-per-gb", p)?;
                a.push(assumption(
                    "price",
                    format!("${}/GB (GB = 10^9 bytes)", v.exact_string()),
                    "user input",
                ));
                (
                    v,
                    1_000_000_000u64,
                    1i128,
                    "user price".to_string(),
                    0.0,
                    "no path given".to_string(),
                    None,
                )
            }
            (None, Some(spec)) => {
                let (x, y) = parse_path(catalog, spec)?;
                let pp = catalog.path_price(&x, &y)?;
                let (rtt, stat) = if x.provider == y.provider {
                    catalog.rtt_ms(&x, &y)?
                } else {
                    (0.0, "no cross-provider RTT".to_string())
                };
                a.push(assumption(
                    "price",
                    format!(
                        "${}/{}{} ({})",
                        pp.row.usd.exact_string(),
                        pp.row.unit.label(),
                        if pp.row.effective_usd() != pp.row.usd {
                            " each side"
                        } else {
                            ""
                        },
                        pp.class.name()
                    ),
                    format!(
                        "{} as of {} ({}:{})",
                        pp.row.source, pp.row.as_of, pp.row.file, pp.row.line
                    ),
                ));
                let mult = if pp.row.effective_usd() != pp.row.usd {
                    2
                } else {
                    1
                };
                let nat = if req.via_nat && crosses_nat(pp.class) {
                    let n = nat_row(catalog, x.provider, &x.to_string())?;
                    a.push(nat_assumption(&n));
                    Some(n)
                } else {
                    if req.via_nat {
                        a.push(assumption(
                            "NAT gateway processing",
                            format!("none: a {} path stays inside the VPC", pp.class.name()),
                            format!("user input --via-nat; model: {NAT_MODEL}"),
                        ));
                    }
                    None
                };
                (
                    pp.row.usd,
                    pp.row.unit.size(),
                    mult,
                    format!("{x} -> {y}"),
                    rtt / 2.0,
                    format!("one-way = RTT/2, {stat} RTT from the catalog"),
                    nat,
                )
            }
        };
    if u128::from(b) * u128::from(m) > 10u128.pow(30) {
        return Err(CostError::invalid(
            "messages-per-day",
            "messages per day × message bytes exceeds 10^30 bytes",
        ));
    }
    let value = latency_value(req, &mut a)?;
    a.push(assumption("year", "365 days", "convention"));
    let compute = |price_f: f64, bytes_f: f64, vol_f: f64, value_f: f64| -> (Usd, Usd, Usd, u64) {
        let bytes = scale_u64(b, bytes_f);
        let msgs = scale_u64(m, vol_f);
        let price = row_price.scale(price_f);
        let nat_fee = |n: i128| {
            nat.as_ref().map_or(Usd::ZERO, |r| {
                r.usd.scale(price_f).mul_ratio(n, i128::from(r.unit.size()))
            })
        };
        let per_day_transfer = price.mul_ratio(
            i128::from(bytes) * i128::from(msgs) * mult,
            i128::from(unit_bytes),
        ) + nat_fee(i128::from(bytes) * i128::from(msgs));
        let per_msg = price.mul_ratio(i128::from(bytes) * mult, i128::from(unit_bytes))
            + nat_fee(i128::from(bytes));
        let lat = value
            .map(|v| v.cost(ms_to_ns(latency_ms).unwrap_or(0)).scale(value_f))
            .unwrap_or(Usd::ZERO);
        (per_day_transfer + lat.times(msgs), per_msg, lat, msgs)
    };
    let (per_day, per_msg, lat, _) = compute(1.0, 1.0, 1.0, 1.0);
    let mut sens_exact = Vec::new();
    for (name, idx) in [
        ("price per GB", 0),
        ("message bytes", 1),
        ("messages per day", 2),
        ("latency value ($/s or beta x revenue)", 3),
    ] {
        let f = |x: f64| {
            let mut k = [1.0; 4];
            k[idx] = x;
            compute(k[0], k[1], k[2], k[3]).0
        };
        let (l, h) = (f(0.9), f(1.1));
        sens_exact.push(tornado_row(name, l, h, per_day));
    }
    let (sens, dominant_input) = rank_tornado(sens_exact);
    Ok(CostReport {
        model: "transfer".into(),
        formula: if nat.is_some() {
            "messages/day × bytes × (path price + NAT processing price) per unit (GB = 10^9 B, GiB = 2^30 B)".into()
        } else {
            "messages/day × bytes × price per unit (GB = 10^9 B, GiB = 2^30 B)".into()
        },
        unit: "one message".into(),
        nodes: 2,
        messages_per_tx: 1.0,
        messages_per_tx_exact: "1".into(),
        rounds: 1,
        latency_ms,
        batching_wait_ms: 0.0,
        latency_statistic: lat_stat,
        message_cost_usd_per_tx: per_msg,
        latency_cost_usd_per_tx: lat,
        per_tx_usd: per_msg + lat,
        tx_per_day: m,
        per_day_usd: per_day.round_to_cents(),
        per_year_usd: per_day.times(DAYS_PER_YEAR).round_to_cents(),
        days_per_year: DAYS_PER_YEAR,
        paths: vec![PathLine {
            from: label.clone(),
            to: String::new(),
            class: "transfer".into(),
            messages_per_tx: 1.0,
            usd_per_tx: per_msg,
            price: label,
        }],
        dominant_input,
        sensitivity: sens,
        assumptions: a,
    })
}

impl fmt::Display for CostReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cost model: {} — per {}", self.model, self.unit)?;
        writeln!(f, "  formula: {}", self.formula)?;
        let rows = [
            (
                "messages per tx",
                format!(
                    "{} ({})",
                    self.messages_per_tx_exact,
                    fmt_f(self.messages_per_tx)
                ),
            ),
            ("message delays (rounds)", self.rounds.to_string()),
            (
                "latency",
                format!("{} ms ({})", fmt_f(self.latency_ms), self.latency_statistic),
            ),
            (
                "  of which batch fill wait",
                format!("{} ms", fmt_f(self.batching_wait_ms)),
            ),
            (
                "message cost per tx",
                format!("${}", self.message_cost_usd_per_tx),
            ),
            (
                "latency cost per tx",
                format!("${}", self.latency_cost_usd_per_tx),
            ),
            ("total per tx", format!("${}", self.per_tx_usd)),
            ("transactions per day", self.tx_per_day.to_string()),
            ("per day", self.per_day_usd.pretty()),
            (
                &format!("per year ({} days)", self.days_per_year),
                self.per_year_usd.pretty(),
            ),
        ];
        for (k, v) in rows {
            writeln!(f, "  {k:<26} {v}")?;
        }
        if !self.paths.is_empty() && self.model != "transfer" {
            writeln!(f, "  paths (per tx):")?;
            for p in self.paths.iter().take(20) {
                writeln!(
                    f,
                    "    {} -> {} [{}] {} msgs, ${} at {}",
                    p.from,
                    p.to,
                    p.class,
                    fmt_f(p.messages_per_tx),
                    p.usd_per_tx,
                    p.price
                )?;
            }
            if self.paths.len() > 20 {
                writeln!(f, "    … {} more paths", self.paths.len() - 20)?;
            }
        }
        writeln!(f, "  sensitivity of the per-day total (±10 % tornado):")?;
        for s in &self.sensitivity {
            writeln!(
                f,
                "    {:<40} {} .. {}  swing {}  elasticity {:.3}",
                s.input,
                s.low_per_day_usd.pretty(),
                s.high_per_day_usd.pretty(),
                s.swing_usd.pretty(),
                s.elasticity
            )?;
        }
        writeln!(f, "  dominant input: {}", self.dominant_input)?;
        writeln!(f, "  assumptions:")?;
        for a in &self.assumptions {
            writeln!(f, "    - {}: {} [{}]", a.name, a.value, a.source)?;
        }
        Ok(())
    }
}

fn fmt_f(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(model: &str) -> CostRequest {
        CostRequest {
            model: model.into(),
            ..Default::default()
        }
    }

    #[test]
    fn text_2pc_scenario_under_gray_lamport() {
        let r = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
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
        let r1 = evaluate(&base).unwrap();
        let r100 = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
            messages_per_day: Some(100_000_000),
            message_bytes: Some(1000),
            price_per_gb: Some(0.02),
            ..req("transfer")
        })
        .unwrap();
        assert_eq!(r.per_day_usd.exact_string(), "2.00");
        assert_eq!(r.per_year_usd.exact_string(), "730.00");
        let r = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
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
            let e = evaluate(&r).unwrap_err();
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
        let e = evaluate(&CostRequest {
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
    fn every_model_evaluates() {
        for m in MODELS {
            if m == "transfer" {
                continue;
            }
            let r = evaluate(&CostRequest {
                rtt_ms: Some(50.0),
                n: Some(3),
                r: Some(2),
                w: Some(2),
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
        let r = evaluate(&CostRequest {
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
        let free = evaluate(&CostRequest {
            participants: Some(3),
            rtt_ms: Some(0.0),
            price_per_1000_messages: Some(0.0),
            ..req("raft")
        })
        .unwrap();
        assert_eq!(free.per_tx_usd, Usd::ZERO);
        assert_eq!(free.dominant_input, NO_DOMINANT_INPUT);
        // the transfer model ranks the same way
        let t = evaluate(&CostRequest {
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
        let names = |r: &CostReport| -> Vec<String> {
            r.assumptions.iter().map(|a| a.name.clone()).collect()
        };
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
            let r = evaluate(&base(m)).unwrap();
            let got = names(&r);
            for e in
                expected
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
        let r = evaluate(&CostRequest {
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
        let r = evaluate(&CostRequest {
            fanout: Some(2),
            ..base("gossip")
        })
        .unwrap();
        assert!(!names(&r).iter().any(|n| n == "fanout"));
    }

    #[test]
    fn via_nat_adds_nat_processing_on_paths_leaving_the_vpc() {
        let t = |path: &str, nat: bool| {
            evaluate(&CostRequest {
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
        assert!(nat.source.contains("aws.amazon.com/vpc/pricing"), "{nat:?}");
        assert!(nat.source.contains("2024-06"), "{nat:?}");
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
        let e = evaluate(&CostRequest {
            messages_per_day: Some(1),
            message_bytes: Some(1),
            price_per_gb: Some(0.02),
            via_nat: true,
            ..req("transfer")
        })
        .unwrap_err();
        assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "via-nat"));
        let e = evaluate(&CostRequest {
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
        let protocol = evaluate(&CostRequest {
            participants: Some(5),
            rtt_ms: Some(100.0),
            price_per_1000_messages: Some(0.01),
            latency_usd_per_s: Some(1.0),
            tx_per_day: Some(1_000_000),
            ..req("2pc")
        })
        .unwrap();
        let transfer = evaluate(&CostRequest {
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
            evaluate(&CostRequest {
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
            evaluate(&CostRequest {
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
            model in 0usize..MODELS.len(),
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
                model: MODELS[model].to_string(),
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
            if let Ok(rep) = evaluate(&r) {
                prop_assert!(!rep.to_string().is_empty());
            }
        }

        #[test]
        fn cost_monotone_in_bytes(b in 0u64..100_000, extra in 1u64..10_000) {
            let mk = |bytes| evaluate(&CostRequest {
                participants: Some(3),
                regions: Some(vec!["us-east-1".into(), "eu-west-1".into(), "ap-northeast-1".into()]),
                message_bytes: Some(bytes),
                ..req("raft")
            }).unwrap().message_cost_usd_per_tx;
            prop_assert!(mk(b + extra) >= mk(b));
        }

        #[test]
        fn per_day_is_per_tx_times_volume(t in 0u64..10_000_000, p in 0u32..1000) {
            let r = evaluate(&CostRequest {
                participants: Some(4),
                rtt_ms: Some(10.0),
                price_per_1000_messages: Some(f64::from(p) / 100.0),
                tx_per_day: Some(t),
                ..req("paxos")
            }).unwrap();
            prop_assert_eq!(r.per_day_usd, r.per_tx_usd.times(t).round_to_cents());
        }
    }
}
