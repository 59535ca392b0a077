//! `cclab cost`: price a protocol's messages and waits in dollars and seconds.

use std::path::Path;
use std::process::ExitCode;

use cc_cost::{CatalogSource, CostReport, CostRequest, StrategyOutcome};
use clap::Args;

use crate::cmd::args;
use crate::error::{CliError, emit, input, print_json, read_file};

/// Arguments of `cclab cost`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cclab cost 2pc --participants 5 --rtt-ms 100 --price-per-1000-messages 0.01 --latency-usd-per-s 1 --tx-per-day 1000000\n  \
    cclab cost raft --regions us-east-1,us-west-2,eu-west-1 --latency-usd-per-s 1 --tx-per-day 100000\n  \
    cclab cost catalog\n  \
    cclab cost catalog import --aws-offer offer.json --retrieved 2026-12-07 --out mine.csv\n\n\
    Guide: docs/guide/price.md")]
pub(crate) struct CostArgs {
    // The help lists the models of cc-cost's registry (`cc_cost::PROTOCOLS`).
    #[arg(help = cc_cost::model_help())]
    model: String,
    /// With `catalog`: `import` converts provider price files (--aws-offer, --azure-retail) into
    /// a catalog price file.
    #[arg(value_name = "ACTION")]
    action: Option<String>,
    /// N: participants, replicas or nodes.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    participants: Option<u32>,
    /// Uniform round-trip time between distinct nodes, in milliseconds.
    #[arg(long, allow_negative_numbers = true, conflicts_with = "regions")]
    rtt_ms: Option<f64>,
    /// Placements, comma-separated: region, provider:region or provider:region:zone (first = leader/coordinator).
    #[arg(long, value_delimiter = ',')]
    regions: Option<Vec<String>>,
    /// Payload bytes per message.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>)]
    message_bytes: Option<u64>,
    /// Flat price per 1000 messages, USD (instead of pricing bytes on their network path).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "catalog")]
    price_per_1000_messages: Option<f64>,
    /// Price and latency data: `builtin` (the shipped data, whatever files the directory holds),
    /// or a file of your own (prices, regions or an RTT matrix; `./builtin` for a file of that name).
    #[arg(long, value_name = "NAME|FILE")]
    catalog: Option<String>,
    /// Flat value of latency, USD per second of added user-visible wait.
    #[arg(long, conflicts_with_all = ["revenue_per_tx", "beta"])]
    latency_usd_per_s: Option<f64>,
    /// Revenue per transaction, USD (latency cost = beta x revenue x seconds).
    #[arg(long, allow_negative_numbers = true)]
    revenue_per_tx: Option<f64>,
    /// Fraction of revenue lost per second of latency (default from the published A/B studies).
    #[arg(long, allow_negative_numbers = true)]
    beta: Option<f64>,
    /// Transactions per day.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>)]
    tx_per_day: Option<u64>,
    /// Batch size b (commands per consensus instance).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    batch: Option<u32>,
    /// Quorum: replicas N (defaults to --participants).
    #[arg(long = "n", allow_negative_numbers = true, value_parser = args::count::<u32>)]
    quorum_n: Option<u32>,
    /// Quorum: read quorum R.
    #[arg(long = "r", allow_negative_numbers = true, value_parser = args::count::<u32>)]
    quorum_r: Option<u32>,
    /// Quorum: write quorum W.
    #[arg(long = "w", allow_negative_numbers = true, value_parser = args::count::<u32>)]
    quorum_w: Option<u32>,
    /// 2PC/3PC coordinator placement: separate (default) or colocated.
    #[arg(long)]
    coordinator: Option<String>,
    /// Leader model: do not wait for the backups (asynchronous replication).
    #[arg(long)]
    asynchronous: bool,
    /// Gossip fan-out.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    fanout: Option<u32>,
    /// Health checks: group size of the hierarchical topology (full mesh when not given).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    group_size: Option<u32>,
    /// 2pc, raft, multi-paxos: hierarchical form with G groups (node i in group i mod G; with
    /// G = the number of --regions entries, one group per entry): the coordinator/leader talks to
    /// one sub-coordinator/group leader per group, which runs the protocol with its local nodes.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>, value_name = "G")]
    groups: Option<u32>,
    /// Managed bus whose per-request fee applies to every message (e.g. sqs-standard).
    #[arg(long)]
    bus: Option<String>,
    /// transfer: messages per day.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>)]
    messages_per_day: Option<u64>,
    /// transfer: price per (decimal) GB, USD.
    #[arg(long, allow_negative_numbers = true, conflicts_with = "path")]
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
    /// catalog: the date rows are aged against (default: the catalog's newest date, so the
    /// listing does not change with the day it is run).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// catalog: flag rows whose as_of is more than this many days before --as-of [default: 365].
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>, value_name = "DAYS")]
    max_age_days: Option<u32>,
    /// catalog import: an AWS Price List bulk offer file (JSON), e.g. AWSDataTransfer's.
    #[arg(long, value_name = "FILE")]
    aws_offer: Vec<String>,
    /// catalog import: one page of an Azure Retail Prices API response (JSON); repeat per page.
    #[arg(long, value_name = "FILE")]
    azure_retail: Vec<String>,
    /// catalog import: the day the files were downloaded (required for Azure, whose
    /// response carries no date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    retrieved: Option<String>,
    /// catalog import: write the catalog price file here (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
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

/// Refuses options that belong to another form of `cclab cost`.
fn check_forms(args: &CostArgs) -> Result<(), CliError> {
    let importing = args.model == "catalog" && args.action.as_deref() == Some("import");
    match (args.model.as_str(), args.action.as_deref()) {
        (_, None) | ("catalog", Some("import")) => {}
        ("catalog", Some(a)) => {
            return Err(CliError::input(format!(
                "unknown catalog action `{a}` (import)"
            )));
        }
        (m, Some(a)) => {
            return Err(CliError::input(format!(
                "unexpected argument `{a}` after the model `{m}`"
            )));
        }
    }
    let import_only = [
        ("--aws-offer", !args.aws_offer.is_empty()),
        ("--azure-retail", !args.azure_retail.is_empty()),
        ("--retrieved", args.retrieved.is_some()),
        ("--out", args.out.is_some()),
    ];
    if let Some((flag, _)) = import_only.iter().find(|(_, set)| *set && !importing) {
        return Err(CliError::input(format!(
            "{flag} only applies to `cclab cost catalog import`"
        )));
    }
    let listing_only = [
        ("--as-of", args.as_of.is_some()),
        ("--max-age-days", args.max_age_days.is_some()),
    ];
    if let Some((flag, _)) = listing_only
        .iter()
        .find(|(_, set)| *set && (args.model != "catalog" || importing))
    {
        return Err(CliError::input(format!(
            "{flag} only applies to `cclab cost catalog` (the listing)"
        )));
    }
    Ok(())
}

/// `cclab cost catalog import`: provider price files → a catalog price file.
fn import(args: &CostArgs, catalog: Option<CatalogSource>) -> Result<ExitCode, CliError> {
    use cc_cost::import::{ImportFormat, ImportSource};
    let mut sources = Vec::new();
    for (format, files) in [
        (ImportFormat::AwsOffer, &args.aws_offer),
        (ImportFormat::AzureRetail, &args.azure_retail),
    ] {
        for f in files {
            sources.push(ImportSource {
                format,
                file: f.clone(),
                text: read_file(Path::new(f), "price file")?,
            });
        }
    }
    if sources.is_empty() {
        return Err(CliError::input(
            "catalog import needs at least one --aws-offer or --azure-retail file",
        ));
    }
    // Regions come from the catalog in use (a --catalog region file extends them).
    let base = catalog
        .unwrap_or(CatalogSource::Builtin)
        .load()
        .map_err(input)?;
    let imported = cc_cost::import::import(&sources, args.retrieved.as_deref(), &base.regions)
        .map_err(input)?;
    let csv = cc_cost::import::to_price_csv(&imported.rows);
    // The written file must load: checked before anything is written.
    base.clone()
        .with_user_file(args.out.as_deref().unwrap_or("imported catalog"), &csv)
        .map_err(input)?;
    let mut summary = format!(
        "imported {} rows from {} files",
        imported.rows.len(),
        sources.len()
    );
    for (reason, n) in &imported.skipped {
        summary.push_str(&format!("\n  skipped {n}: {reason}"));
    }
    summary.push('\n');
    if let Some(out) = &args.out {
        std::fs::write(out, &csv)
            .map_err(|e| CliError::input(format!("cannot write the catalog file `{out}`: {e}")))?;
    }
    if args.json {
        #[derive(serde::Serialize)]
        struct Imported<'a> {
            out: Option<&'a str>,
            rows: &'a [cc_cost::catalog::PriceRow],
            skipped: &'a std::collections::BTreeMap<String, usize>,
        }
        print_json(&Imported {
            out: args.out.as_deref(),
            rows: &imported.rows,
            skipped: &imported.skipped,
        })?;
    } else if args.out.is_some() {
        emit(&summary)?;
    } else {
        emit(&csv)?;
        crate::error::emit_err(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run(args: CostArgs) -> Result<ExitCode, CliError> {
    check_forms(&args)?;
    let catalog = args.catalog.as_deref().map(catalog_source).transpose()?;
    if args.model == "catalog" && args.action.is_some() {
        return import(&args, catalog);
    }
    if args.model == "catalog" {
        let catalog = catalog
            .unwrap_or(CatalogSource::Builtin)
            .load()
            .map_err(input)?;
        let staleness = cc_cost::asof::Staleness::new(
            args.as_of.as_deref(),
            args.max_age_days
                .unwrap_or(cc_cost::asof::DEFAULT_MAX_AGE_DAYS),
            catalog.dates(),
        )
        .map_err(input)?;
        let listing = catalog.listing_at(&staleness).map_err(input)?;
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
    let report = cc_cost::evaluate_request(&req).map_err(cost_error)?;
    let strategies = if args.strategies {
        Some(cc_cost::strategies_for_request(&req).map_err(cost_error)?)
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

/// A cc-cost error with parameters under their flags' spelling (`--group-size`) and a "did
/// you mean" for a near-miss model name.
fn cost_error(e: cc_cost::CostError) -> CliError {
    match e {
        cc_cost::CostError::InvalidParameter { name, message } => {
            let flags = args::long_flags::<CostArgs>();
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            CliError::input(format!(
                "invalid parameter `{}`: {message}",
                args::flag(&name, &flags)
            ))
        }
        cc_cost::CostError::UnknownModel { name, known } => CliError::input(format!(
            "unknown model `{name}`{}; valid models: {known}",
            args::did_you_mean(&name, known.split(", "))
        )),
        other => input(other),
    }
}
