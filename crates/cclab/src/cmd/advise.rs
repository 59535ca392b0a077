//! `cclab advise`: which protocol to run under given conditions, with the evidence.
//!
//! The candidates are measured rows: read from a grid output (`--grid FILE`) where the
//! grid holds the exact conditions asked, simulated on demand where it does not. The
//! answer is the candidate with the least weighted score ([`cc_sim::grid::scores`]); every
//! other candidate is shown with why it loses — dominated by another (no better in any
//! objective), or on the Pareto front but worse under the weights.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use cc_sim::grid::{self, Candidate, GridRow, GridSpec, Point, Weights};
use clap::Args;
use serde::Serialize;

use crate::cmd::args;
use crate::cmd::grid::{GridDoc, Pricer, pricer, read_doc};
use crate::error::{CliError, emit, print_json};

/// Arguments of `cclab advise`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cclab advise --nodes 100 --latency-ms 50 --loss 0.01 --bandwidth-mbps 10 --jitter-ms 10\n  \
    cclab advise --grid grid.json --nodes 100 --latency-ms 50 --loss 0.01 --weights p99=1,bytes=0\n  \
    cclab advise --task consensus --nodes 5 --latency-ms 20 --loss 0.001\n\n\
    Guide: docs/guide/simulate.md")]
pub(crate) struct AdviseArgs {
    /// A grid output (`cclab grid … --out FILE`) to answer from where it covers the conditions.
    #[arg(long, value_name = "FILE")]
    grid: Option<PathBuf>,
    /// The job: `broadcast` (one node's update to every node), `commit` (an atomic commit
    /// across participants) or `consensus` (replicas agree on a value or a log).
    #[arg(long, default_value = "broadcast")]
    task: String,
    /// Candidates, comma-separated (default: the task's protocols — broadcast: push, pull,
    /// push-pull, flood, tree, plumtree, eager-push, rumor; commit: 2pc, 3pc; consensus: paxos,
    /// multi-paxos, raft, pbft — of those the grid holds when a grid is given).
    #[arg(long, value_delimiter = ',')]
    protocols: Vec<String>,
    /// Nodes.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    nodes: usize,
    /// One-way link latency (ms).
    #[arg(long, allow_negative_numbers = true, default_value_t = 10.0)]
    latency_ms: f64,
    /// Message loss probability.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    loss: f64,
    /// Link bandwidth (Mbit/s); unlimited when not given.
    #[arg(long, allow_negative_numbers = true)]
    bandwidth_mbps: Option<f64>,
    /// Jitter (ms).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    jitter_ms: f64,
    /// Crash fraction.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    crash: f64,
    /// Weights of the objectives, `p99=W,bytes=W,usd=W,loss=W` (keys left out keep their
    /// defaults 1, 1, 0, 100); each objective is divided by the best candidate's value.
    #[arg(long, value_name = "K=W,…")]
    weights: Option<String>,
    /// Price each operation's bytes on a catalog path (`SRC->DST`), for the `usd` objective.
    #[arg(long, value_name = "SRC->DST")]
    price_path: Option<String>,
    /// Trials of an on-demand simulation.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>, default_value_t = 20)]
    trials: u32,
    /// Seed of an on-demand simulation.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>, default_value_t = 2026)]
    seed: u64,
    /// Print JSON with stable keys instead of text.
    #[arg(long)]
    json: bool,
}

fn weights(text: Option<&str>) -> Result<Weights, CliError> {
    let mut w = Weights::default();
    for part in text
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            CliError::input(format!(
                "invalid --weights entry `{part}`: expected KEY=WEIGHT"
            ))
        })?;
        let v: f64 = v
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                CliError::input(format!(
                    "invalid --weights entry `{part}`: a weight is a number >= 0"
                ))
            })?;
        match k.trim() {
            "p99" => w.p99 = v,
            "bytes" => w.bytes = v,
            "usd" => w.usd = v,
            "loss" => w.loss = v,
            other => {
                return Err(CliError::input(format!(
                    "unknown --weights key `{other}`{}; keys: p99, bytes, usd, loss",
                    args::did_you_mean(other, ["p99", "bytes", "usd", "loss"])
                )));
            }
        }
    }
    Ok(w)
}

/// The protocols that do each job, compared by default.
const TASKS: &[(&str, &[&str])] = &[
    (
        "broadcast",
        &[
            "push",
            "pull",
            "push-pull",
            "flood",
            "tree",
            "plumtree",
            "eager-push",
            "rumor",
        ],
    ),
    ("commit", &["2pc", "3pc"]),
    ("consensus", &["paxos", "multi-paxos", "raft", "pbft"]),
];

fn task(text: &str) -> Result<&'static [&'static str], CliError> {
    TASKS
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, protocols)| *protocols)
        .ok_or_else(|| {
            CliError::input(format!(
                "unknown --task `{text}`{}; valid: broadcast, commit, consensus",
                args::did_you_mean(text, TASKS.iter().map(|(n, _)| *n))
            ))
        })
}

/// Where a candidate's figures come from.
#[derive(Debug, Serialize)]
struct Evidence {
    protocol: String,
    /// `grid point N` or `simulated now (T trials, seed S)`.
    source: String,
    candidate: Candidate,
    score: f64,
    dominated_by: Option<String>,
    /// Why it is not the recommendation (`None` for the recommendation).
    loses: Option<String>,
}

/// A protocol that could not be a candidate here, and why.
#[derive(Debug, Serialize)]
struct Excluded {
    protocol: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct Advice {
    conditions: Point,
    weights: Weights,
    priced_on: Option<String>,
    recommended: Option<String>,
    candidates: Vec<Evidence>,
    excluded: Vec<Excluded>,
}

fn same(a: &Point, b: &Point) -> bool {
    a.nodes == b.nodes
        && a.latency_ms == b.latency_ms
        && a.loss == b.loss
        && a.bandwidth_mbps == b.bandwidth_mbps
        && a.jitter_ms == b.jitter_ms
        && a.crash == b.crash
}

fn simulate(args: &AdviseArgs, at: &Point) -> Result<GridRow, cc_sim::SimError> {
    let spec = GridSpec {
        protocols: vec![at.protocol.clone()],
        nodes: vec![at.nodes],
        nodes_by_protocol: std::collections::BTreeMap::new(),
        latency_ms: vec![at.latency_ms],
        loss: vec![at.loss],
        bandwidth_mbps: at.bandwidth_mbps.into_iter().collect(),
        jitter_ms: vec![at.jitter_ms],
        crash: vec![at.crash],
        trials: args.trials,
        seed: args.seed,
    };
    spec.validate()?;
    grid::run_point(
        &spec,
        &Point {
            index: 0,
            ..at.clone()
        },
    )
}

fn candidates_of(
    args: &AdviseArgs,
    defaults: &[&str],
    doc: Option<&GridDoc>,
) -> Result<Vec<String>, CliError> {
    if !args.protocols.is_empty() {
        for p in &args.protocols {
            cc_sim::find(p).map_err(|e| args::sim_error::<AdviseArgs>(e, false))?;
        }
        return Ok(args.protocols.clone());
    }
    Ok(defaults
        .iter()
        .filter(|p| doc.is_none_or(|d| d.spec.protocols.iter().any(|q| q == *p)))
        .map(|p| (*p).to_string())
        .collect())
}

fn why_loses(c: &[f64; 4], best: &[f64; 4], best_name: &str) -> String {
    let mut parts = Vec::new();
    let names = ["p99 latency", "bytes/op", "usd/op"];
    for k in 0..3 {
        if best[k] > 0.0 && c[k] > best[k] * 1.0005 {
            parts.push(format!("{} ×{:.2}", names[k], c[k] / best[k]));
        }
    }
    if c[3] > best[3] + 1e-12 {
        parts.push(format!(
            "undelivered {:.2}% vs {:.2}%",
            100.0 * c[3],
            100.0 * best[3]
        ));
    }
    if parts.is_empty() {
        format!("as good as {best_name} in every objective, lower weight only by rounding")
    } else {
        format!("against {best_name}: {}", parts.join(", "))
    }
}

fn advise(args: &AdviseArgs) -> Result<Advice, CliError> {
    let defaults = task(&args.task)?;
    let w = weights(args.weights.as_deref())?;
    let doc = args.grid.as_deref().map(read_doc).transpose()?;
    let pr: Option<Pricer> = args.price_path.as_deref().map(pricer).transpose()?;
    let conditions = Point {
        index: 0,
        protocol: String::new(),
        nodes: args.nodes,
        latency_ms: args.latency_ms,
        loss: args.loss,
        bandwidth_mbps: args.bandwidth_mbps,
        jitter_ms: args.jitter_ms,
        crash: args.crash,
    };
    let mut evidence = Vec::new();
    let mut excluded = Vec::new();
    for name in candidates_of(args, defaults, doc.as_ref())? {
        let at = Point {
            protocol: name.clone(),
            ..conditions.clone()
        };
        let from_grid = doc.as_ref().and_then(|d| {
            d.rows
                .iter()
                .find(|r| r.point.protocol == name && same(&r.point, &at))
        });
        let (row, source) = match from_grid {
            Some(r) => (r.clone(), format!("grid point {}", r.point.index)),
            None => match simulate(args, &at) {
                Ok(r) => (
                    r,
                    format!("simulated now ({} trials, seed {})", args.trials, args.seed),
                ),
                Err(e) => {
                    excluded.push(Excluded {
                        protocol: name,
                        reason: e.to_string(),
                    });
                    continue;
                }
            },
        };
        let usd_per_op = pr.as_ref().map(|p| p.usd(&row).to_f64());
        evidence.push(Evidence {
            protocol: name,
            source,
            candidate: Candidate { row, usd_per_op },
            score: 0.0,
            dominated_by: None,
            loses: None,
        });
    }
    let cands: Vec<Candidate> = evidence.iter().map(|e| e.candidate.clone()).collect();
    let scores = grid::scores(&cands, w);
    let dom = grid::dominated_by(&cands);
    let best = (0..cands.len()).min_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    for (i, e) in evidence.iter_mut().enumerate() {
        e.score = scores[i];
        e.dominated_by = dom[i].map(|j| cands[j].row.point.protocol.clone());
        if let Some(b) = best.filter(|&b| b != i) {
            let why = why_loses(
                &cands[i].objectives(),
                &cands[b].objectives(),
                &cands[b].row.point.protocol,
            );
            e.loses = Some(match &e.dominated_by {
                Some(d) => format!("dominated by {d}; {why}"),
                None => format!("on the Pareto front, higher weighted score; {why}"),
            });
        }
    }
    Ok(Advice {
        recommended: best.map(|b| cands[b].row.point.protocol.clone()),
        conditions,
        weights: w,
        priced_on: pr.as_ref().map(Pricer::describe),
        candidates: evidence,
        excluded,
    })
}

fn text(a: &Advice) -> String {
    let num = cc_sim::stats::fmt_num;
    let c = &a.conditions;
    let mut out = format!(
        "cclab advise — n={}, latency {} ms, loss {}, bandwidth {}, jitter {} ms, crash {}\n\
         weights: p99 {}, bytes {}, usd {}, loss {} (each objective relative to the best candidate's)\n",
        c.nodes,
        num(c.latency_ms),
        num(c.loss),
        c.bandwidth_mbps
            .map_or("unlimited".to_string(), |b| format!("{} Mbit/s", num(b))),
        num(c.jitter_ms),
        num(c.crash),
        a.weights.p99,
        a.weights.bytes,
        a.weights.usd,
        a.weights.loss
    );
    if let Some(p) = &a.priced_on {
        let _ = writeln!(out, "usd/op: bytes per operation priced on {p}");
    }
    match &a.recommended {
        Some(r) => {
            let _ = writeln!(out, "recommended: {r}\n");
        }
        None => out.push_str("no candidate could run under these conditions\n\n"),
    }
    let _ = writeln!(
        out,
        "{:<12} {:>10} {:>10} {:>12} {:>24} {:>6} {:>8}  source",
        "protocol", "p99_ms", "bytes/op", "usd/op", "delivered [95%]", "front", "score"
    );
    for e in &a.candidates {
        let r = &e.candidate.row;
        let [lo, hi] = r.delivered_ci95;
        let _ = writeln!(
            out,
            "{:<12} {:>10} {:>10} {:>12} {:>24} {:>6} {:>8}  {}",
            e.protocol,
            r.latency_p99_ms.map_or("—".to_string(), num),
            num(r.bytes_mean / r.ops_per_trial.max(1.0)),
            e.candidate
                .usd_per_op
                .map_or("—".to_string(), |u| format!("{u:.9}")),
            format!("{} [{}, {}]", num(r.delivered), num(lo), num(hi)),
            if e.dominated_by.is_none() {
                "yes"
            } else {
                "no"
            },
            num(e.score),
            e.source
        );
    }
    for e in &a.candidates {
        if let Some(why) = &e.loses {
            let _ = writeln!(out, "  {}: {why}", e.protocol);
        }
    }
    for x in &a.excluded {
        let _ = writeln!(out, "  {} cannot run here: {}", x.protocol, x.reason);
    }
    out
}

pub(crate) fn run(args: AdviseArgs) -> Result<ExitCode, CliError> {
    let advice = advise(&args)?;
    if args.json {
        print_json(&advice)?;
    } else {
        emit(&text(&advice))?;
    }
    Ok(ExitCode::SUCCESS)
}
