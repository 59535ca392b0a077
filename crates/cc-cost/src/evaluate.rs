//! The typed core behind `cclab cost`: [`evaluate`] prices one [`Protocol`] under a
//! [`Pricing`] with a [`Catalog`] and returns a [`CostReport`].
//!
//! ## Pricing rules
//! * **Messages.** [`MessagePrice::Flat`] prices every message flat (the source
//!   text's form). Otherwise ([`MessagePrice::Catalog`]) each directed message is
//!   priced by the catalog path of its two nodes' placements times its bytes, plus
//!   the per-request fee of a managed `bus` if one is named. Without placements,
//!   every message is priced at the catalog's generic AWS inter-region row
//!   ($0.02/GB) — stated in the assumptions.
//! * **NAT.** With `via_nat`, every byte on an inter-region or internet path also
//!   pays the source provider's `nat_processing` row, once per byte ([`NAT_MODEL`]);
//!   recorded in the assumptions with the row's source.
//! * **Placement.** Node 0 is the coordinator/leader. Nodes that are not co-located
//!   with another node take `placements[i mod len]` in order; co-located nodes (the
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
//! ```
//! use cc_cost::protocols::{Coordinator, Protocol};
//! use cc_cost::{Catalog, LatencyPrice, MessagePrice, Pricing, Usd, evaluate};
//!
//! let protocol = Protocol::TwoPc { participants: 5, coordinator: Coordinator::Separate };
//! let pricing = Pricing {
//!     rtt_ms: Some(100.0),
//!     messages: MessagePrice::Flat { per_1000: Usd::parse_decimal("0.01")? },
//!     latency_value: LatencyPrice::Flat { usd_per_second: Usd::from_dollars(1) },
//!     tx_per_day: Some(1_000_000),
//!     ..Pricing::default()
//! };
//! let report = evaluate(&protocol, &pricing, &Catalog::try_builtin()?)?;
//! assert_eq!(report.per_day_usd.to_string(), "200140.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::CostError;
use crate::asof::AsOfRange;
use crate::catalog::{Catalog, PathClass, Placement, PriceKind, PriceRow, Provider, RttMatrix};
use crate::econ::{Beta, DEFAULT_BETA_PER_SECOND, LatencyValue};
use crate::money::Usd;

mod scenario;

use crate::protocols::{Protocol, TrafficModel};
use crate::report::{Assumption, CostReport, DAYS_PER_YEAR};
pub(crate) use scenario::scale_u64;
use scenario::{MsgPricing, PricedEdge, Scenario, UNIT};

/// Default transactions per day (the source text's scenario).
pub const DEFAULT_TX_PER_DAY: u64 = 1_000_000;
/// Default message size in bytes ("~1 KB" in the source text, taken as 1000 B).
pub const DEFAULT_MESSAGE_BYTES: u64 = 1000;
/// Largest accepted placement list.
pub const MAX_REGION_ENTRIES: usize = 2000;

/// The NAT placement model applied with `via_nat`, as recorded in the assumptions.
pub const NAT_MODEL: &str = "nodes in private subnets reach other regions and providers through a NAT \
     gateway (public endpoints, no VPC peering or Transit Gateway); the sender's NAT processes its \
     outbound bytes and a connection initiator's NAT processes the return bytes, so each byte that \
     leaves the VPC is processed once; same-zone and cross-zone paths stay private and skip the \
     NAT; the hourly gateway charge is not per byte and is not modelled";

/// How messages are priced.
#[derive(Debug, Clone, PartialEq)]
pub enum MessagePrice {
    /// Every message at a flat price per 1000 messages (the source text's form).
    Flat {
        /// USD per 1000 messages.
        per_1000: Usd,
    },
    /// Bytes priced on each message's catalog path (the generic AWS inter-region row
    /// without placements).
    Catalog {
        /// A managed bus whose per-request fee applies to every message (a
        /// [`PriceKind::Request`] row, see [`Catalog::request_price`]).
        bus: Option<Box<PriceRow>>,
        /// Nodes in private subnets: bytes leaving the VPC also pay the NAT
        /// gateway's processing fee ([`NAT_MODEL`]).
        via_nat: bool,
    },
}

impl Default for MessagePrice {
    fn default() -> MessagePrice {
        MessagePrice::Catalog {
            bus: None,
            via_nat: false,
        }
    }
}

/// How user-visible latency turns into dollars.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum LatencyPrice {
    /// Latency is not priced ($0).
    #[default]
    NotPriced,
    /// A flat value per second of latency (the source text's form).
    Flat {
        /// USD per second.
        usd_per_second: Usd,
    },
    /// β × revenue per transaction × seconds.
    Revenue {
        /// Revenue per transaction.
        revenue_per_tx: Usd,
        /// Fractional revenue loss per second; `None` takes
        /// [`DEFAULT_BETA_PER_SECOND`] (Amazon) and records it as a default.
        beta: Option<Beta>,
    },
}

/// Everything but the protocol: workload, placement, latency and prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing {
    /// Payload bytes per message (per transaction carried); `None`:
    /// [`DEFAULT_MESSAGE_BYTES`], recorded as a default.
    pub message_bytes: Option<u64>,
    /// Transactions (units of work) per day; `None`: [`DEFAULT_TX_PER_DAY`].
    pub tx_per_day: Option<u64>,
    /// Batch size b ≥ 1: transactions per protocol instance.
    pub batch: u32,
    /// Placements (node i at `placements[i mod len]`), at most
    /// [`MAX_REGION_ENTRIES`]; `None`: unplaced.
    pub placements: Option<Vec<Placement>>,
    /// Uniform round-trip time between distinct nodes, ms; `None`: the catalog RTT
    /// matrix of the placements (which are then required).
    pub rtt_ms: Option<f64>,
    /// Message prices.
    pub messages: MessagePrice,
    /// Latency value.
    pub latency_value: LatencyPrice,
}

impl Default for Pricing {
    /// Defaults for bytes and volume, batch 1, no placement, catalog prices,
    /// latency not priced (an RTT or placements must still be given).
    fn default() -> Pricing {
        Pricing {
            message_bytes: None,
            tx_per_day: None,
            batch: 1,
            placements: None,
            rtt_ms: None,
            messages: MessagePrice::default(),
            latency_value: LatencyPrice::NotPriced,
        }
    }
}

/// Prices `protocol` under `pricing` with `catalog`: messages, latency, totals per
/// transaction, day and (365-day) year, the ±10 % tornado and every assumption.
/// The defaults `pricing` takes are recorded; defaults the caller applied before
/// (e.g. [`crate::protocols::ProtocolSpec::build`]) are the caller's to prepend.
pub fn evaluate(
    protocol: &Protocol,
    pricing: &Pricing,
    catalog: &Catalog,
) -> Result<CostReport, CostError> {
    let model = protocol.model()?;
    let batch = pricing.batch;
    if batch == 0 {
        return Err(CostError::invalid("batch", "must be ≥ 1"));
    }
    let mut a = Vec::new();
    let bytes = or_default(
        pricing.message_bytes,
        DEFAULT_MESSAGE_BYTES,
        "message bytes",
        "default: the source text's ~1 KB, taken as 1000 bytes",
        &mut a,
    );
    let tx_per_day = or_default(
        pricing.tx_per_day,
        DEFAULT_TX_PER_DAY,
        "transactions per day",
        "default: the source text's 1M transactions/day scenario",
        &mut a,
    );
    let placed = match &pricing.placements {
        None => None,
        Some(list) => Some(Placed::new(&model, list, &mut a)?),
    };
    let msg_pricing = message_pricing(&model, placed.as_ref(), &pricing.messages, catalog, &mut a)?;
    let (latency_ms, latency_statistic) =
        protocol_latency(&model, pricing.rtt_ms, placed.as_ref(), catalog, &mut a)?;
    let matrix_used = match (pricing.rtt_ms, placed.as_ref()) {
        (None, Some(p)) => catalog.matrix(p.list[0].provider),
        _ => None,
    };
    let catalog_as_of = catalog_as_of(&msg_pricing, matrix_used);
    let value = latency_value(&pricing.latency_value, &mut a)?;
    if batch > 1 {
        a.push(Assumption::new(
            "batch",
            batch.to_string(),
            "user input; each message carries the batch's payloads, batch fill wait (b-1)/(2 lambda) added",
        ));
    }
    a.push(Assumption::new("year", "365 days", "convention"));
    let (num, den) = model.messages_fraction();
    let sc = Scenario {
        pricing: msg_pricing,
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
    let per_day = per_tx.times(tx_per_day);
    let per_year = per_day.times(DAYS_PER_YEAR);
    check_in_range(
        &[c.msg, c.lat, per_tx, per_day, per_year],
        &format!(
            "{tx_per_day} transactions/day of {bytes}-byte messages ({} per transaction)",
            per_tx.pretty()
        ),
    )?;
    Ok(CostReport {
        model: protocol.name().to_string(),
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
        per_day_usd: per_day.round_to_cents(),
        per_year_usd: per_year.round_to_cents(),
        days_per_year: DAYS_PER_YEAR,
        paths: c.lines,
        dominant_input,
        sensitivity,
        assumptions: a,
        catalog_as_of,
    })
}

/// The `as_of` range of the catalog data a report used: the row of every priced
/// path and its NAT row, the managed-bus row, and the RTT matrix when latencies
/// came from it (each row counted once).
fn catalog_as_of(pricing: &MsgPricing, matrix: Option<&RttMatrix>) -> AsOfRange {
    let mut used: BTreeMap<(&str, usize), &str> = BTreeMap::new();
    if let MsgPricing::Paths { edges, bus } = pricing {
        for row in edges
            .iter()
            .flat_map(|e| std::iter::once(&e.row).chain(e.nat.as_ref()))
            .chain(bus.as_deref())
        {
            used.insert((&row.file, row.line), &row.as_of);
        }
    }
    if let Some(m) = matrix {
        used.insert((&m.file, 0), &m.as_of);
    }
    AsOfRange::of(used.into_values())
}

/// Refuse figures that overflowed the exact money range instead of printing
/// the saturated maximum as a figure (issue 20 item 7), naming the inputs.
pub(crate) fn check_in_range(figures: &[Usd], inputs: &str) -> Result<(), CostError> {
    if figures.iter().any(|u| u.is_saturated()) {
        return Err(CostError::invalid(
            "tx_per_day",
            format!(
                "{inputs}: the cost exceeds the exact money range (about 1.7e20 USD a year); lower the volume, the message size or the prices"
            ),
        ));
    }
    Ok(())
}

/// `value`, or `default` recorded as an assumption.
fn or_default(
    value: Option<u64>,
    default: u64,
    name: &str,
    why: &str,
    a: &mut Vec<Assumption>,
) -> u64 {
    value.unwrap_or_else(|| {
        a.push(Assumption::new(name, default.to_string(), why));
        default
    })
}

/// Placements of a model's nodes: the list and, per node, its index into it.
struct Placed<'a> {
    list: &'a [Placement],
    index: Vec<usize>,
    host: Vec<usize>,
}

impl<'a> Placed<'a> {
    fn new(
        model: &TrafficModel,
        list: &'a [Placement],
        a: &mut Vec<Assumption>,
    ) -> Result<Placed<'a>, CostError> {
        check_placements(list.len())?;
        let host: Vec<usize> = (0..model.nodes.len())
            .map(|i| model.nodes[i].colocated_with.unwrap_or(i))
            .collect();
        let mut index = vec![0usize; model.nodes.len()];
        let mut next = 0usize;
        for (i, n) in model.nodes.iter().enumerate() {
            if n.colocated_with.is_none() {
                index[i] = next % list.len();
                next += 1;
            }
        }
        for i in 0..model.nodes.len() {
            index[i] = index[host[i]];
        }
        let shown = model.nodes.len().min(12);
        let mut desc: Vec<String> = (0..shown)
            .map(|i| format!("{}#{i}@{}", model.nodes[i].role, list[index[i]]))
            .collect();
        if model.nodes.len() > shown {
            desc.push(format!("… {} nodes in all", model.nodes.len()));
        }
        a.push(Assumption::new(
            "placement",
            desc.join(", "),
            "node i takes regions[i mod len] (co-located nodes share their host's zone); \
             nodes sharing an entry without a zone are in different zones",
        ));
        Ok(Placed { list, index, host })
    }
}

/// The length rules of a placement list.
pub(crate) fn check_placements(len: usize) -> Result<(), CostError> {
    if len == 0 {
        return Err(CostError::invalid("regions", "empty region list"));
    }
    if len > MAX_REGION_ENTRIES {
        return Err(CostError::invalid(
            "regions",
            format!("at most {MAX_REGION_ENTRIES} entries, got {len}"),
        ));
    }
    Ok(())
}

fn message_pricing(
    model: &TrafficModel,
    placed: Option<&Placed<'_>>,
    price: &MessagePrice,
    catalog: &Catalog,
    a: &mut Vec<Assumption>,
) -> Result<MsgPricing, CostError> {
    let (bus, via_nat) = match price {
        MessagePrice::Flat { per_1000 } => {
            non_negative("price-per-1000-messages", *per_1000)?;
            a.push(Assumption::new(
                "message price",
                format!("${} per 1000 messages, flat", per_1000.exact_string()),
                "user input",
            ));
            return Ok(MsgPricing::Flat {
                per_1000: *per_1000,
            });
        }
        MessagePrice::Catalog { bus, via_nat } => (bus, *via_nat),
    };
    if let Some(b) = bus.as_ref().filter(|b| b.kind != PriceKind::Request) {
        return Err(CostError::invalid(
            "bus",
            format!(
                "a managed bus is priced per request; `{}` is a {} row",
                b.to,
                b.kind.name()
            ),
        ));
    }
    let edges = priced_edges(model, placed, via_nat, catalog)?;
    if via_nat {
        match edges.iter().find_map(|e| e.nat.as_ref()) {
            Some(n) => a.push(nat_assumption(n)),
            None => a.push(Assumption::new(
                "NAT gateway processing",
                "none: no path of this placement leaves the VPC",
                format!("user input --via-nat; model: {NAT_MODEL}"),
            )),
        }
    }
    price_assumptions(&edges, placed.is_some(), a);
    if let Some(b) = bus {
        a.push(Assumption::new(
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
    Ok(MsgPricing::Paths {
        edges,
        bus: bus.clone(),
    })
}

/// The model's edges aggregated by (from placement, to placement, same host), each
/// with its catalog price row (and NAT row).
fn priced_edges(
    model: &TrafficModel,
    placed: Option<&Placed<'_>>,
    via_nat: bool,
    catalog: &Catalog,
) -> Result<Vec<PricedEdge>, CostError> {
    let mut agg: BTreeMap<(usize, usize, bool), u64> = BTreeMap::new();
    for e in &model.edges {
        let key = match placed {
            Some(p) => (
                p.index[e.from],
                p.index[e.to],
                p.host[e.from] == p.host[e.to],
            ),
            None => (0, 0, false),
        };
        *agg.entry(key).or_insert(0) += e.count;
    }
    let mut edges = Vec::new();
    for ((fi, ti, same_host), count) in agg {
        let (class, row, from, to) = match placed {
            Some(p) => placed_row(catalog, &p.list[fi], &p.list[ti], same_host)?,
            None => (
                PathClass::InterRegion,
                generic_row(catalog)?,
                "any node".to_string(),
                "any other node".to_string(),
            ),
        };
        let nat = if via_nat && crosses_nat(class) {
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
    Ok(edges)
}

/// The price row of the path `pa → pb` (same zone when the nodes share a host).
fn placed_row(
    catalog: &Catalog,
    pa: &Placement,
    pb: &Placement,
    same_host: bool,
) -> Result<(PathClass, PriceRow, String, String), CostError> {
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
    Ok((class, row, pa.to_string(), pb.to_string()))
}

/// The generic AWS inter-region row that prices unplaced messages.
fn generic_row(catalog: &Catalog) -> Result<PriceRow, CostError> {
    catalog
        .prices
        .iter()
        .find(|r| {
            r.provider == Provider::Aws
                && r.kind == PriceKind::InterRegion
                && r.from == "*"
                && r.to == "*"
        })
        .cloned()
        .ok_or_else(|| {
            CostError::missing(
                "regions",
                "no --regions and no generic AWS inter-region price in the catalog; \
                 pass --regions or --price-per-1000-messages",
            )
        })
}

/// The price rows used, once each, with their sources.
fn price_assumptions(edges: &[PricedEdge], placed: bool, a: &mut Vec<Assumption>) {
    if !placed {
        if let Some(e) = edges.first() {
            a.push(Assumption::new(
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
        return;
    }
    let mut seen = BTreeSet::new();
    for e in edges {
        if seen.insert((e.row.file.clone(), e.row.line)) {
            a.push(Assumption::new(
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

/// Critical-path latency (ms) and where it came from: a uniform RTT, or the catalog
/// RTT matrix of the placements with waits as order statistics.
fn protocol_latency(
    model: &TrafficModel,
    rtt_ms: Option<f64>,
    placed: Option<&Placed<'_>>,
    catalog: &Catalog,
    a: &mut Vec<Assumption>,
) -> Result<(f64, String), CostError> {
    match (rtt_ms, placed) {
        (Some(r), _) => {
            let r = positive_f64("rtt-ms", r)?;
            a.push(Assumption::new(
                "RTT",
                format!("{r} ms between distinct nodes"),
                "user input",
            ));
            Ok((
                model.uniform_latency_ms(r),
                format!("uniform RTT {r} ms (user input)"),
            ))
        }
        (None, Some(p)) => {
            let mut stat = String::new();
            let mut pm = Vec::with_capacity(p.list.len());
            for x in p.list {
                let mut row = Vec::with_capacity(p.list.len());
                for y in p.list {
                    let (v, st) = catalog.rtt_ms(x, y)?;
                    row.push(v);
                    stat = st;
                }
                pm.push(row);
            }
            let matrix = catalog.matrix(p.list[0].provider);
            let same_zone = matrix.map_or(0.0, |mx| mx.same_zone_rtt_ms);
            let rtt = |i: usize, j: usize| {
                if i == j {
                    0.0
                } else if p.host[i] == p.host[j] {
                    same_zone
                } else {
                    pm[p.index[i]][p.index[j]]
                }
            };
            if let Some(mx) = matrix {
                a.push(Assumption::new(
                    "RTT matrix",
                    format!("{} {} RTT", mx.provider, mx.statistic),
                    format!("{} as of {} ({})", mx.source, mx.as_of, mx.file),
                ));
            }
            Ok((
                model.latency_ms_with(&rtt),
                format!("{stat} RTTs from the catalog matrix; waits are order statistics"),
            ))
        }
        (None, None) => Err(CostError::missing(
            "rtt-ms",
            "give --rtt-ms X or --regions a,b,c to know the latency",
        )),
    }
}

/// The latency value with its assumptions.
pub(crate) fn latency_value(
    price: &LatencyPrice,
    a: &mut Vec<Assumption>,
) -> Result<Option<LatencyValue>, CostError> {
    match *price {
        LatencyPrice::NotPriced => {
            a.push(Assumption::new(
                "latency value",
                "not priced ($0)",
                "no --latency-usd-per-s or --revenue-per-tx given",
            ));
            Ok(None)
        }
        LatencyPrice::Flat { usd_per_second } => {
            non_negative("latency-usd-per-s", usd_per_second)?;
            a.push(Assumption::new(
                "latency value",
                format!("${}/s flat", usd_per_second.exact_string()),
                "user input (the source text's form)",
            ));
            Ok(Some(LatencyValue::Flat { usd_per_second }))
        }
        LatencyPrice::Revenue {
            revenue_per_tx,
            beta,
        } => {
            non_negative("revenue-per-tx", revenue_per_tx)?;
            let (beta, src) = match beta {
                Some(b) => (b, "user input"),
                None => (
                    Beta::new(DEFAULT_BETA_PER_SECOND)?,
                    "default: Amazon ~1% of sales per 100 ms (Linden 2006, second-hand)",
                ),
            };
            a.push(Assumption::new(
                "revenue per transaction",
                format!("${}", revenue_per_tx.exact_string()),
                "user input",
            ));
            a.push(Assumption::new(
                "beta (revenue loss per second)",
                format!("{}", beta.per_second()),
                src,
            ));
            Ok(Some(LatencyValue::Revenue {
                revenue_per_tx,
                beta,
            }))
        }
    }
}

/// Refuses a negative amount of money.
pub(crate) fn non_negative(name: &str, usd: Usd) -> Result<(), CostError> {
    if usd.is_negative() {
        return Err(CostError::invalid(
            name,
            format!("must be ≥ 0, got {}", usd.exact_string()),
        ));
    }
    Ok(())
}

pub(crate) fn positive_f64(name: &str, x: f64) -> Result<f64, CostError> {
    if !(x.is_finite() && x >= 0.0) {
        return Err(CostError::invalid(
            name,
            format!("must be a finite number ≥ 0, got {x}"),
        ));
    }
    Ok(x)
}

/// Whether a path of this class leaves the VPC (and so crosses a NAT gateway with
/// `via_nat`).
pub(crate) fn crosses_nat(class: PathClass) -> bool {
    matches!(class, PathClass::InterRegion | PathClass::Internet)
}

/// The NAT gateway data-processing row of `provider`.
pub(crate) fn nat_row(
    catalog: &Catalog,
    provider: Provider,
    at: &str,
) -> Result<PriceRow, CostError> {
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

pub(crate) fn nat_assumption(row: &PriceRow) -> Assumption {
    Assumption::new(
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

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests;
