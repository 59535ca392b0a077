//! Page: the coordination cost models of the source texts, reproduced and audited.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cc_cost::catalog::{Catalog, PathClass, Placement, Provider};
use cc_cost::traffic::FlowPath;
use cc_cost::{Coordinator, HealthTopology, LatencyPrice, Pricing, Protocol, Usd};

use super::{Page, Rendered};
use crate::audit::{self, Verdict};
use crate::fmt::num;
use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportOptions, traffic_from_sim};

const PAGE: &str = "cost-audit";

fn cost(source: cc_cost::CostError) -> ReportError {
    ReportError::Cost { page: PAGE, source }
}

fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Right => "right".into(),
        Verdict::ArithmeticError { factor } => format!(
            "**arithmetic error** (text ÷ recomputed = {})",
            num(*factor)
        ),
        Verdict::ModelError {
            better_model,
            better_figure,
        } => {
            format!("**model error** — better: {better_model} → {better_figure}")
        }
        Verdict::WorkedAnswer => "worked answer (no figure in the text)".into(),
        Verdict::RightInModel { model } => format!("right in its model: {model}"),
    }
}

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let mut out = page_header(page.title, Some(options.seed));
    out.push_str(
        "The two source texts (`004` *Coordination Cost Models*, `000` the lecture text) state \
         costs of coordination protocols. Each numeric claim is recomputed here by `cc-cost` from \
         the text's own inputs, then judged: **right**, **right in its model** (right under the \
         reading the verdict names; debatable verdicts give their reasoning), **arithmetic error** \
         (the model is fine, the arithmetic is not; the factor is text ÷ recomputed), or **model \
         error** (the formula does not describe the protocol or price it names; the better model \
         and its figure are given). The texts' sentences and code are not reproduced; figures are \
         quoted. Each row's id links to its entry in the [claims ledger](claims-ledger.md), which \
         lists every item of both texts.\n\n",
    );
    out.push_str(crate::convention::COUNTING_CONVENTION);
    out.push_str("\n\n");
    let measured = audit::Measured::compute(options.seed)?;
    let rows = audit::source_examples(&measured).map_err(cost)?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *counts.entry(r.verdict.kind()).or_default() += 1;
    }
    let _ = writeln!(
        out,
        "**{} claims audited:** {}.\n",
        rows.len(),
        counts
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut t = Table::new(&[
        "id",
        "text §",
        "claim",
        "text's figure",
        "recomputed",
        "verdict",
        "why",
    ]);
    for r in &rows {
        t.row([
            format!(
                "<a id=\"{}\"></a>[`{}`](claims-ledger.md#{})",
                crate::ledger::audit_anchor(&r.id),
                r.id,
                crate::ledger::ledger_anchor_of_audit(&r.id)
            ),
            format!("{} {}", r.text, r.section),
            r.claim.clone(),
            r.text_figure.clone(),
            r.recomputed.clone(),
            verdict(&r.verdict),
            r.explanation.clone(),
        ]);
    }
    out.push_str(&t.render());

    out.push_str(
        "\n## The same scenarios with real prices and measured round-trip times\n\n\
         Priced with the catalog shipped in `cc-cost` (list prices with their sources and dates: \
         `cclab cost catalog`) and its inter-region RTT matrices. Latency cost uses the text's \
         flat $/s where the scenario does, otherwise the stated default.\n\n",
    );
    let priced = audit::priced_with_real_data().map_err(cost)?;
    let mut t = Table::new(&[
        "scenario",
        "placement",
        ">messages / tx",
        ">message delays",
        ">latency (ms)",
        ">message $ / tx",
        ">latency $ / tx",
        ">$ / day",
        ">$ / year",
        "dominant input",
        "catalog data as of",
    ]);
    for p in &priced {
        let r = &p.report;
        t.row([
            p.title.clone(),
            p.regions.clone(),
            num(r.messages_per_tx),
            r.rounds.to_string(),
            format!("{} ({})", num(r.latency_ms), r.latency_statistic),
            r.message_cost_usd_per_tx.to_string(),
            r.latency_cost_usd_per_tx.to_string(),
            r.per_day_usd.to_string(),
            r.per_year_usd.to_string(),
            r.dominant_input.clone(),
            r.catalog_as_of.to_string(),
        ]);
    }
    out.push_str(&t.render());
    let dashboard = audit::dashboard_total_per_day(&priced);
    let _ = write!(
        out,
        "\nThe cost dashboard's lines (the `dashboard-*` rows) priced with real data total \
         **{} per day, {} per year** (365-day year), against the text's \"$36K/day = $13M/year\".\n",
        dashboard,
        dashboard.times(365),
    );

    out.push_str(&strategies_section()?);
    out.push_str(&simulated_runs_priced(options.seed)?);
    Ok(Rendered {
        markdown: out,
        extra: Vec::new(),
    })
}

/// A simulated run priced: Plumtree versus eager push on the same overlay, every
/// message crossing an AWS availability-zone boundary.
fn simulated_runs_priced(seed: u64) -> Result<String, ReportError> {
    let mut out = String::from(
        "\n## A simulated run, priced\n\n\
         cc-sim's measured traffic converted to a cc-cost traffic summary (`cc_report::traffic_from_sim`) \
         and priced with the shipped catalog: 1,000 nodes on a HyParView-like overlay (active view 5), \
         10 broadcasts per trial, every message crossing an AWS availability-zone boundary (billed on \
         both sides). Messages and bytes are means over the trials.\n\n",
    );
    let catalog = Catalog::try_builtin().map_err(cost)?;
    let mut t = Table::new(&[
        "protocol",
        ">trials",
        ">messages / broadcast",
        ">bytes / broadcast",
        ">$ / broadcast",
        ">$ per 1M broadcasts",
        "catalog data as of",
    ]);
    for protocol in ["eager-push", "plumtree"] {
        let req = cc_sim::SimRequest {
            protocol: protocol.into(),
            nodes: 1000,
            trials: 10,
            seed,
            overlay: Some("hyparview:5".into()),
            broadcasts: Some(10),
            ..Default::default()
        };
        let run = cc_sim::run(&req, &|_, _| {})
            .map_err(|source| ReportError::Sim { page: PAGE, source })?;
        let path = FlowPath::Class {
            provider: Provider::Aws,
            class: PathClass::CrossZone,
        };
        let traffic = traffic_from_sim(&run, path, 10);
        let priced = cc_cost::traffic::price_traffic(&catalog, &traffic, None).map_err(cost)?;
        let million = priced.per_tx_usd.times(1_000_000);
        t.row([
            protocol.to_string(),
            run.trials.to_string(),
            num(run.messages.mean / 10.0),
            num(run.bytes.mean / 10.0),
            priced.per_tx_usd.to_string(),
            million.to_string(),
            priced.catalog_as_of.to_string(),
        ]);
    }
    out.push_str(&t.render());
    Ok(out)
}

/// The optimisation strategies, computed (never asserted) for two scenarios.
fn strategies_section() -> Result<String, ReportError> {
    let mut out = String::from(
        "\n## Optimisation strategies, computed\n\n\
         Each strategy is applied to the scenario and priced again with the same models and data \
         (`cclab cost <model> … --strategies`). Per-day totals; latency is the user-visible \
         coordination wait; a negative saving means the strategy costs more here.\n",
    );
    let catalog = Catalog::try_builtin().map_err(cost)?;
    let placed = |regions: &[&str]| -> Result<Vec<Placement>, ReportError> {
        regions
            .iter()
            .map(|r| catalog.placement("regions", r).map_err(cost))
            .collect()
    };
    let scenarios = [
        (
            "Cross-region 2PC, 5 participants (RTT 100 ms, the text's $1/s latency value, 1M tx/day)",
            Protocol::TwoPc {
                participants: 5,
                coordinator: Coordinator::Separate,
            },
            Pricing {
                rtt_ms: Some(100.0),
                latency_value: LatencyPrice::Flat {
                    usd_per_second: Usd::from_dollars(1),
                },
                tx_per_day: Some(1_000_000),
                ..Pricing::default()
            },
        ),
        (
            "Raft, 5 replicas in us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1 (1M entries/day; no latency value given, so transfer cost only)",
            Protocol::Raft { nodes: 5, batch: 1 },
            Pricing {
                placements: Some(placed(&[
                    "us-east-1",
                    "us-east-2",
                    "us-west-2",
                    "eu-west-1",
                    "eu-central-1",
                ])?),
                tx_per_day: Some(1_000_000),
                ..Pricing::default()
            },
        ),
        (
            "Full-mesh health checks, 100 nodes spread over us-east-1, us-west-2, eu-west-1, ap-northeast-1, one probe round per second (86,400 a day)",
            Protocol::HealthCheck {
                nodes: 100,
                topology: HealthTopology::FullMesh,
            },
            Pricing {
                placements: Some(placed(&[
                    "us-east-1",
                    "us-west-2",
                    "eu-west-1",
                    "ap-northeast-1",
                ])?),
                tx_per_day: Some(86_400),
                ..Pricing::default()
            },
        ),
    ];
    for (title, protocol, pricing) in scenarios {
        let rows = cc_cost::strategies(&protocol, &pricing, &catalog).map_err(cost)?;
        let _ = write!(out, "\n**{title}**\n\n");
        let mut t = Table::new(&[
            "strategy",
            ">$ / day before",
            ">$ / day after",
            ">saving",
            ">messages / tx",
            ">latency (ms)",
            "parameters and caveats",
        ]);
        for r in rows {
            if !r.applicable {
                t.row([
                    r.strategy.clone(),
                    "—".into(),
                    "—".into(),
                    "not applicable".into(),
                    String::new(),
                    String::new(),
                    r.note.clone(),
                ]);
                continue;
            }
            t.row([
                r.strategy.clone(),
                r.before_per_day_usd.to_string(),
                r.after_per_day_usd.to_string(),
                format!("{:.1} %", r.saving_pct),
                format!(
                    "{} → {}",
                    num(r.before_messages_per_tx),
                    num(r.after_messages_per_tx)
                ),
                format!("{} → {}", num(r.before_latency_ms), num(r.after_latency_ms)),
                format!("{}; {}", r.parameters, r.note),
            ]);
        }
        out.push_str(&t.render());
    }
    Ok(out)
}
