//! The `cclab cost` adapter: [`CostRequest`] (strings and optional numbers, as the
//! command line gives them) is parsed into the typed values of the core — a
//! [`Protocol`] through its [`crate::protocols::ProtocolSpec`], a [`Pricing`], or a
//! [`Transfer`] — and priced by [`crate::evaluate`] or [`crate::transfer`].
//! Defaults taken here are recorded in the report's assumptions, like the core's.
//!
//! See [`crate::evaluate()`] for the pricing rules and [`crate::report`] for the JSON.

use serde::{Deserialize, Serialize};

use crate::CostError;
use crate::catalog::{Catalog, CatalogListing, Placement, PriceKind, PriceRow};
use crate::econ::Beta;
use crate::evaluate::{LatencyPrice, MessagePrice, Pricing, check_placements, evaluate};
use crate::money::usd_param;
use crate::optimize::{AsyncReplicas, StrategyOutcome, strategies_with};
use crate::protocols::{
    Coordinator, PROTOCOLS, Protocol, ProtocolArgs, ProtocolSpec, protocol_spec,
};
use crate::report::{Assumption, CostReport};
use crate::transfer::{TRANSFER, Transfer, TransferPrice, transfer};

/// Every model name `cclab cost` knows: the protocols of the registry, then
/// [`TRANSFER`].
pub fn model_names() -> impl Iterator<Item = &'static str> {
    PROTOCOLS.iter().map(|s| s.name).chain([TRANSFER])
}

/// The help of the model argument of `cclab cost`, read from the registry.
pub fn model_help() -> String {
    format!(
        "Model: {} — or `catalog` to list the shipped price and latency data with sources and dates",
        model_names().collect::<Vec<_>>().join(", ")
    )
}

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

/// Mirrors `cclab cost <model> [options]`: strings and optional numbers as the
/// command line gives them. Every field but `model` is optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CostRequest {
    /// A [`crate::protocols::PROTOCOLS`] name or [`TRANSFER`].
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
    /// gateway data-processing fee, once per byte (see [`crate::NAT_MODEL`]).
    #[serde(default)]
    pub via_nat: bool,
    /// `2pc`, `raft`, `multi-paxos`: run the hierarchical form with this many groups
    /// (node `i` in group `i mod groups`, so `groups` = the number of `regions`
    /// entries gives one group per entry): a root coordinator / leader talks to one
    /// sub-coordinator / group leader per group, which talks to its local nodes.
    #[serde(default)]
    pub groups: Option<u32>,
}

/// What a request's model names.
enum Model {
    Protocol(&'static ProtocolSpec),
    Transfer,
}

impl CostRequest {
    fn model(&self) -> Result<Model, CostError> {
        match protocol_spec(&self.model) {
            Some(spec) => Ok(Model::Protocol(spec)),
            None if self.model == TRANSFER => Ok(Model::Transfer),
            None => Err(CostError::UnknownModel {
                name: self.model.clone(),
                known: model_names().collect::<Vec<_>>().join(", "),
            }),
        }
    }

    fn catalog(&self) -> Result<Catalog, CostError> {
        self.catalog
            .as_ref()
            .unwrap_or(&CatalogSource::Builtin)
            .load()
    }

    /// The protocol parameters, typed.
    pub fn protocol_args(&self) -> Result<ProtocolArgs, CostError> {
        Ok(ProtocolArgs {
            participants: self.participants,
            coordinator: self
                .coordinator
                .as_deref()
                .map(parse_coordinator)
                .transpose()?,
            synchronous: self.synchronous,
            fanout: self.fanout,
            group_size: self.group_size,
            groups: self.groups,
            batch: self.batch,
            n: self.n,
            r: self.r,
            w: self.w,
        })
    }

    /// The typed protocol and the defaults it took; an error for `transfer`, an
    /// unknown model or options that only apply to `transfer`.
    pub fn protocol(&self) -> Result<(Protocol, Vec<Assumption>), CostError> {
        let spec = match self.model()? {
            Model::Protocol(spec) => spec,
            Model::Transfer => {
                return Err(CostError::invalid(
                    "model",
                    "`transfer` is not a protocol model",
                ));
            }
        };
        for (name, set) in [
            ("messages-per-day", self.messages_per_day.is_some()),
            ("price-per-gb", self.price_per_gb.is_some()),
            ("path", self.path.is_some()),
        ] {
            if set {
                return Err(CostError::invalid(
                    name,
                    "only applies to the `transfer` model",
                ));
            }
        }
        // A protocol parameter the model does not read is refused, not silently ignored
        // (issue 21 item 8: `cost raft --fanout 3`).
        for (name, set) in [
            ("coordinator", self.coordinator.is_some()),
            ("asynchronous", self.synchronous == Some(false)),
            ("fanout", self.fanout.is_some()),
            ("group-size", self.group_size.is_some()),
            ("groups", self.groups.is_some()),
            ("batch", self.batch.is_some()),
            ("n", self.n.is_some()),
            ("r", self.r.is_some()),
            ("w", self.w.is_some()),
        ] {
            if set && !spec.parameters.contains(&name) {
                return Err(CostError::invalid(
                    name,
                    format!(
                        "does not apply to `{}`; its parameters: {}",
                        spec.name,
                        spec.parameters
                            .iter()
                            .map(|p| format!("--{p}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let mut assumptions = Vec::new();
        let protocol = spec.build(&self.protocol_args()?, &mut assumptions)?;
        Ok((protocol, assumptions))
    }

    /// The typed pricing of a protocol model (placements parsed with `catalog`).
    pub fn pricing(&self, catalog: &Catalog) -> Result<Pricing, CostError> {
        let placements = match &self.regions {
            None => None,
            Some(list) => {
                check_placements(list.len())?;
                Some(
                    list.iter()
                        .map(|s| catalog.placement("regions", s))
                        .collect::<Result<Vec<Placement>, _>>()?,
                )
            }
        };
        let bus = self
            .bus
            .as_deref()
            .map(|b| bus_row(catalog, b).map(Box::new))
            .transpose()?;
        let messages = match self.price_per_1000_messages {
            None => MessagePrice::Catalog {
                bus,
                via_nat: self.via_nat,
            },
            Some(p) => {
                if bus.is_some() {
                    return Err(CostError::invalid(
                        "bus",
                        "not combinable with --price-per-1000-messages",
                    ));
                }
                if self.via_nat {
                    return Err(CostError::invalid(
                        "via-nat",
                        "not combinable with --price-per-1000-messages (a flat price has no paths)",
                    ));
                }
                MessagePrice::Flat {
                    per_1000: usd_param("price-per-1000-messages", p)?,
                }
            }
        };
        Ok(Pricing {
            message_bytes: self.message_bytes,
            tx_per_day: self.tx_per_day,
            batch: self.batch.unwrap_or(1),
            placements,
            rtt_ms: self.rtt_ms,
            messages,
            latency_value: self.latency_price()?,
        })
    }

    /// The latency value: flat $/s, or revenue per transaction with beta.
    pub fn latency_price(&self) -> Result<LatencyPrice, CostError> {
        match (self.latency_usd_per_s, self.revenue_per_tx) {
            (Some(_), Some(_)) => Err(CostError::invalid(
                "latency-usd-per-s",
                "give either --latency-usd-per-s or --revenue-per-tx (with --beta), not both",
            )),
            (Some(l), None) => {
                self.no_beta()?;
                Ok(LatencyPrice::Flat {
                    usd_per_second: usd_param("latency-usd-per-s", l)?,
                })
            }
            (None, Some(r)) => Ok(LatencyPrice::Revenue {
                revenue_per_tx: usd_param("revenue-per-tx", r)?,
                beta: self.beta.map(Beta::new).transpose()?,
            }),
            (None, None) => {
                self.no_beta()?;
                Ok(LatencyPrice::NotPriced)
            }
        }
    }

    fn no_beta(&self) -> Result<(), CostError> {
        match self.beta {
            Some(_) => Err(CostError::invalid(
                "beta",
                "--beta only applies with --revenue-per-tx",
            )),
            None => Ok(()),
        }
    }

    /// The typed transfer of the `transfer` model.
    pub fn transfer(&self, catalog: &Catalog) -> Result<Transfer, CostError> {
        let messages_per_day = self.messages_per_day.ok_or_else(|| {
            CostError::missing(
                "messages-per-day",
                "the transfer model needs --messages-per-day",
            )
        })?;
        let message_bytes = self.message_bytes.ok_or_else(|| {
            CostError::missing("message-bytes", "the transfer model needs --message-bytes")
        })?;
        for (name, set) in [
            ("participants", self.participants.is_some()),
            ("tx-per-day", self.tx_per_day.is_some()),
            ("batch", self.batch.is_some()),
            (
                "price-per-1000-messages",
                self.price_per_1000_messages.is_some(),
            ),
        ] {
            if set {
                return Err(CostError::invalid(
                    name,
                    "does not apply to the `transfer` model",
                ));
            }
        }
        let price = match (self.price_per_gb, &self.path) {
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
            (Some(p), None) => TransferPrice::PerGb(usd_param("price-per-gb", p)?),
            (None, Some(spec)) => {
                let (from, to) = parse_path(catalog, spec)?;
                TransferPrice::Path { from, to }
            }
        };
        Ok(Transfer {
            messages_per_day,
            message_bytes,
            price,
            via_nat: self.via_nat,
            latency_value: self.latency_price()?,
        })
    }
}

fn parse_coordinator(s: &str) -> Result<Coordinator, CostError> {
    match s {
        "separate" => Ok(Coordinator::Separate),
        "colocated" | "co-located" => Ok(Coordinator::CoLocated),
        other => Err(CostError::invalid(
            "coordinator",
            format!("expected `separate` or `colocated`, got `{other}`"),
        )),
    }
}

/// The per-request price row of a managed bus.
fn bus_row(catalog: &Catalog, name: &str) -> Result<PriceRow, CostError> {
    catalog.request_price(name).cloned().ok_or_else(|| {
        CostError::invalid(
            "bus",
            format!(
                "unknown managed bus `{name}` (known: {})",
                catalog
                    .prices
                    .iter()
                    .filter(|r| r.kind == PriceKind::Request)
                    .map(|r| r.to.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
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

/// The catalog listing for `cclab cost catalog` (shipped data, or with a user file
/// laid over it).
pub fn catalog_listing(source: Option<&CatalogSource>) -> Result<CatalogListing, CostError> {
    source.unwrap_or(&CatalogSource::Builtin).load()?.listing()
}

/// Evaluates a request with the catalog it names.
pub fn evaluate_request(req: &CostRequest) -> Result<CostReport, CostError> {
    evaluate_request_with(req, &req.catalog()?)
}

/// Evaluates a request with an already loaded catalog (the `catalog` field is
/// ignored): parses it into typed values and calls [`crate::evaluate`] (protocol
/// models) or [`crate::transfer`].
pub fn evaluate_request_with(
    req: &CostRequest,
    catalog: &Catalog,
) -> Result<CostReport, CostError> {
    match req.model()? {
        Model::Transfer => transfer(&req.transfer(catalog)?, catalog),
        Model::Protocol(_) => {
            let (protocol, defaults) = req.protocol()?;
            let mut report = evaluate(&protocol, &req.pricing(catalog)?, catalog)?;
            report.assumptions.splice(0..0, defaults);
            Ok(report)
        }
    }
}

/// The optimisation strategies of a request's scenario ([`crate::optimize`]).
/// Without `participants`, async replication and CRDTs ship to every node of the
/// model (for 2PC/3PC with a separate coordinator: N + 1).
pub fn strategies_for_request(req: &CostRequest) -> Result<Vec<StrategyOutcome>, CostError> {
    let catalog = req.catalog()?;
    if let Model::Transfer = req.model()? {
        evaluate_request_with(req, &catalog)?;
        return Err(CostError::invalid(
            "model",
            "strategies apply to protocol models, not `transfer`",
        ));
    }
    let (protocol, _) = req.protocol()?;
    let replicas = match (req.participants, &protocol) {
        (None, p) if !matches!(p, Protocol::Quorum { .. }) => AsyncReplicas::AllNodes,
        _ => AsyncReplicas::Participants,
    };
    strategies_with(&protocol, &req.pricing(&catalog)?, &catalog, replicas)
}

#[cfg(test)]
mod tests;
