//! `cclab cost`: price a protocol's messages and waits in dollars and seconds.

use std::path::Path;
use std::process::ExitCode;

use cc_cost::{CatalogSource, CostReport, CostRequest, StrategyOutcome};
use clap::Args;

use crate::error::{CliError, emit, input, print_json, read_file};

/// Arguments of `cclab cost`.
#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    // The help lists the models of cc-cost's registry (`cc_cost::PROTOCOLS`).
    #[arg(help = cc_cost::model_help())]
    model: String,
    /// N: participants, replicas or nodes.
    #[arg(long)]
    participants: Option<u32>,
    /// Uniform round-trip time between distinct nodes, in milliseconds.
    #[arg(long, conflicts_with = "regions")]
    rtt_ms: Option<f64>,
    /// Placements, comma-separated: region, provider:region or provider:region:zone (first = leader/coordinator).
    #[arg(long, value_delimiter = ',')]
    regions: Option<Vec<String>>,
    /// Payload bytes per message.
    #[arg(long)]
    message_bytes: Option<u64>,
    /// Flat price per 1000 messages, USD (instead of pricing bytes on their network path).
    #[arg(long, conflicts_with = "catalog")]
    price_per_1000_messages: Option<f64>,
    /// Price and latency data: `builtin` (the shipped data, whatever files the directory holds),
    /// or a file of your own (prices, regions or an RTT matrix; `./builtin` for a file of that name).
    #[arg(long, value_name = "NAME|FILE")]
    catalog: Option<String>,
    /// Flat value of latency, USD per second of added user-visible wait.
    #[arg(long, conflicts_with_all = ["revenue_per_tx", "beta"])]
    latency_usd_per_s: Option<f64>,
    /// Revenue per transaction, USD (latency cost = beta x revenue x seconds).
    #[arg(long)]
    revenue_per_tx: Option<f64>,
    /// Fraction of revenue lost per second of latency (default from the published A/B studies).
    #[arg(long)]
    beta: Option<f64>,
    /// Transactions per day.
    #[arg(long)]
    tx_per_day: Option<u64>,
    /// Batch size b (commands per consensus instance).
    #[arg(long)]
    batch: Option<u32>,
    /// Quorum: replicas N (defaults to --participants).
    #[arg(long = "n")]
    quorum_n: Option<u32>,
    /// Quorum: read quorum R.
    #[arg(long = "r")]
    quorum_r: Option<u32>,
    /// Quorum: write quorum W.
    #[arg(long = "w")]
    quorum_w: Option<u32>,
    /// 2PC/3PC coordinator placement: separate (default) or colocated.
    #[arg(long)]
    coordinator: Option<String>,
    /// Leader model: do not wait for the backups (asynchronous replication).
    #[arg(long)]
    asynchronous: bool,
    /// Gossip fan-out.
    #[arg(long)]
    fanout: Option<u32>,
    /// Health checks: group size of the hierarchical topology (full mesh when not given).
    #[arg(long)]
    group_size: Option<u32>,
    /// 2pc, raft, multi-paxos: hierarchical form with G groups (node i in group i mod G; with
    /// G = the number of --regions entries, one group per entry): the coordinator/leader talks to
    /// one sub-coordinator/group leader per group, which runs the protocol with its local nodes.
    #[arg(long, value_name = "G")]
    groups: Option<u32>,
    /// Managed bus whose per-request fee applies to every message (e.g. sqs-standard).
    #[arg(long)]
    bus: Option<String>,
    /// transfer: messages per day.
    #[arg(long)]
    messages_per_day: Option<u64>,
    /// transfer: price per (decimal) GB, USD.
    #[arg(long, conflicts_with = "path")]
    price_per_gb: Option<f64>,
    /// transfer: network path SRC:DST priced from the catalog.
    #[arg(long)]
    path: Option<String>,
    /// Nodes sit in private subnets behind a NAT gateway: every byte on an inter-region or
    /// internet path also pays the catalog's NAT data-processing fee (AWS $0.045/GB), once per
    /// byte; same-zone and cross-zone paths skip the NAT. Needs --regions or --path (or the
    /// default AWS inter-region pricing); not with --price-per-1000-messages or --price-per-gb.
    #[arg(long)]
    via_nat: bool,
    /// Also compute the optimisation strategies (batching, hierarchy, regional affinity,
    /// sharding, asynchronous replication, CRDTs) as before/after dollars and latency.
    #[arg(long)]
    strategies: bool,
    /// Print JSON with stable keys instead of the table.
    #[arg(long)]
    json: bool,
}

/// `--json --strategies` output: the report with the strategies beside it.
#[derive(serde::Serialize)]
struct WithStrategies<'a> {
    #[serde(flatten)]
    report: &'a CostReport,
    strategies: &'a [StrategyOutcome],
}

fn strategies_table(rows: &[StrategyOutcome]) -> String {
    let mut out =
        String::from("\noptimisation strategies (computed for this scenario, per day):\n");
    out.push_str(&format!(
        "  {:<26} {:>16} {:>16} {:>8} {:>12} {:>12}  {}\n",
        "strategy", "before", "after", "saving", "msgs/tx", "latency ms", "parameters / note"
    ));
    for s in rows {
        if !s.applicable {
            out.push_str(&format!(
                "  {:<26} {:>16}  {}\n",
                s.strategy, "not applicable", s.note
            ));
            continue;
        }
        out.push_str(&format!(
            "  {:<26} {:>16} {:>16} {:>7.1}% {:>5.1}→{:<6.1} {:>5.0}→{:<6.0}  {}; {}\n",
            s.strategy,
            format!("${}", s.before_per_day_usd),
            format!("${}", s.after_per_day_usd),
            s.saving_pct,
            s.before_messages_per_tx,
            s.after_messages_per_tx,
            s.before_latency_ms,
            s.after_latency_ms,
            s.parameters,
            s.note
        ));
    }
    out
}

/// `--catalog`: the names `builtin` and `default` always mean the shipped data
/// (issue 20 item 8: a file named `builtin` in the working directory shadowed
/// it); a file of that name is given as `./builtin`.
fn catalog_source(spec: &str) -> Result<CatalogSource, CliError> {
    if matches!(spec, "builtin" | "default") {
        return Ok(CatalogSource::Builtin);
    }
    let path = Path::new(spec);
    if path.exists() {
        let text = read_file(path, "catalog file")?;
        Ok(CatalogSource::File {
            name: spec.to_string(),
            text,
        })
    } else {
        CatalogSource::named(spec).map_err(input)
    }
}

pub(crate) fn run(args: CostArgs) -> Result<ExitCode, CliError> {
    let catalog = args.catalog.as_deref().map(catalog_source).transpose()?;
    if args.model == "catalog" {
        let catalog = catalog
            .unwrap_or(CatalogSource::Builtin)
            .load()
            .map_err(input)?;
        let listing = catalog.listing();
        if args.json {
            print_json(&listing)?;
        } else {
            emit(&listing.to_string())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let req = CostRequest {
        model: args.model,
        participants: args.participants,
        rtt_ms: args.rtt_ms,
        regions: args.regions,
        message_bytes: args.message_bytes,
        price_per_1000_messages: args.price_per_1000_messages,
        catalog,
        latency_usd_per_s: args.latency_usd_per_s,
        revenue_per_tx: args.revenue_per_tx,
        beta: args.beta,
        tx_per_day: args.tx_per_day,
        batch: args.batch,
        n: args.quorum_n,
        r: args.quorum_r,
        w: args.quorum_w,
        coordinator: args.coordinator,
        synchronous: args.asynchronous.then_some(false),
        fanout: args.fanout,
        group_size: args.group_size,
        bus: args.bus,
        messages_per_day: args.messages_per_day,
        price_per_gb: args.price_per_gb,
        path: args.path,
        via_nat: args.via_nat,
        groups: args.groups,
    };
    let report = cc_cost::evaluate_request(&req).map_err(input)?;
    let strategies = if args.strategies {
        Some(cc_cost::strategies_for_request(&req).map_err(input)?)
    } else {
        None
    };
    if args.json {
        match &strategies {
            Some(st) => print_json(&WithStrategies {
                report: &report,
                strategies: st,
            })?,
            None => print_json(&report)?,
        }
    } else {
        emit(&report.to_string())?;
        if let Some(st) = &strategies {
            emit(&strategies_table(st))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
