//! `cclab grid` and `cclab merge`: the benchmark grid of protocols × network conditions,
//! run whole or as deterministic shards, and the shards merged back.
//!
//! A grid's output document (`--out FILE`, or `--json`) holds the spec, the shard it ran
//! (`null` for the whole grid) and one row per point. `cclab merge` of the `N` shards'
//! documents prints exactly the document of the unsharded run, byte for byte.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cc_sim::grid::{self, GridRow, GridSpec, Shard};
use clap::Args;
use serde::{Deserialize, Serialize};

use crate::cmd::{args, progress};
use crate::error::{CliError, emit, emit_err, input, read_file};

/// Arguments of `cclab grid`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cclab grid --protocols push,flood,tree,raft --latency-ms 1,50 --loss 0,0.01 --trials 10\n  \
    cclab grid grid.toml --out grid.json --csv grid.csv\n  \
    cclab grid grid.toml --shard 2/7 --out shard-2.json    # the third of seven slices\n  \
    cclab grid grid.toml --shard auto/7 --out shard.json  # K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX\n  \
    cclab merge shard-*.json --out grid.json\n\n\
    A grid file (TOML) has the keys of the flags: protocols, nodes, latency_ms, loss,\n\
    bandwidth_mbps, jitter_ms, crash (lists), trials, seed, and a table nodes_by_protocol\n\
    (e.g. raft = [5, 64]) overriding nodes for some protocols. Flags override the file.\n\n\
    Guide: docs/guide/simulate.md")]
pub(crate) struct GridArgs {
    /// A grid file (TOML); flags override its keys.
    file: Option<PathBuf>,
    /// Protocols, comma-separated (any of `cclab sim --list`).
    #[arg(long, value_delimiter = ',')]
    protocols: Vec<String>,
    /// Node counts, comma-separated (default: each protocol's own).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true, value_parser = args::count::<usize>)]
    nodes: Vec<usize>,
    /// One-way link latencies in ms, comma-separated (default 10).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    latency_ms: Vec<f64>,
    /// Loss probabilities, comma-separated (default 0).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    loss: Vec<f64>,
    /// Link bandwidths in Mbit/s, comma-separated (default unlimited).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    bandwidth_mbps: Vec<f64>,
    /// Jitters in ms, comma-separated (default 0).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    jitter_ms: Vec<f64>,
    /// Crash fractions, comma-separated (default 0).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    crash: Vec<f64>,
    /// Trials per point [default: 20, or the file's].
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    trials: Option<u32>,
    /// Seed of every point [default: 0, or the file's].
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>)]
    seed: Option<u64>,
    /// Run only slice K of N (`K/N`, 0-based); `auto/N` takes K from `SLURM_ARRAY_TASK_ID` or
    /// `JOB_COMPLETION_INDEX` (a Slurm job array or a Kubernetes Indexed Job).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Write the output document (JSON) to FILE; if FILE already holds this grid's complete
    /// output for this shard, nothing is run (resume).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the rows as CSV to FILE (stable columns).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Price the bytes on a network path of the catalog, `SRC->DST` with placements as in
    /// `cclab cost --regions` (adds `usd_per_op` to text and CSV).
    #[arg(long, value_name = "SRC->DST")]
    price_path: Option<String>,
    /// Print the output document (JSON) instead of the table.
    #[arg(long)]
    json: bool,
}

/// Arguments of `cclab merge`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  cclab merge shard-0.json shard-1.json shard-2.json --out grid.json\n\n\
    Guide: docs/guide/simulate.md"
)]
pub(crate) struct MergeArgs {
    /// The shards' output documents (`cclab grid … --shard K/N --out FILE`), in any order.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write the merged document to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write the rows as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// The output document of a grid run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GridDoc {
    /// Format marker.
    format: String,
    /// What was swept.
    pub(crate) spec: GridSpec,
    /// The slice this document holds; `None` for the whole grid.
    shard: Option<Shard>,
    /// Points in the whole grid.
    points: usize,
    /// One row per point of the slice, in point order.
    pub(crate) rows: Vec<GridRow>,
}

const FORMAT: &str = "cclab-grid-1";

impl GridDoc {
    fn complete(&self) -> bool {
        let shard = self.shard.unwrap_or(Shard::ALL);
        let expected = (0..self.points).filter(|&i| shard.holds(i)).count();
        self.format == FORMAT && self.rows.len() == expected
    }
}

fn spec(args: &GridArgs) -> Result<GridSpec, CliError> {
    let mut spec = match &args.file {
        Some(path) => {
            let text = read_file(path, "grid file")?;
            toml::from_str::<GridSpec>(&text)
                .map_err(|e| CliError::input(format!("in grid file `{}`: {e}", path.display())))?
        }
        None => GridSpec {
            protocols: Vec::new(),
            nodes: Vec::new(),
            nodes_by_protocol: std::collections::BTreeMap::new(),
            latency_ms: Vec::new(),
            loss: Vec::new(),
            bandwidth_mbps: Vec::new(),
            jitter_ms: Vec::new(),
            crash: Vec::new(),
            trials: 20,
            seed: 0,
        },
    };
    let set = |dst: &mut Vec<f64>, src: &[f64]| {
        if !src.is_empty() {
            *dst = src.to_vec();
        }
    };
    if !args.protocols.is_empty() {
        spec.protocols = args.protocols.clone();
    }
    if !args.nodes.is_empty() {
        spec.nodes = args.nodes.clone();
    }
    set(&mut spec.latency_ms, &args.latency_ms);
    set(&mut spec.loss, &args.loss);
    set(&mut spec.bandwidth_mbps, &args.bandwidth_mbps);
    set(&mut spec.jitter_ms, &args.jitter_ms);
    set(&mut spec.crash, &args.crash);
    spec.trials = args.trials.unwrap_or(spec.trials);
    spec.seed = args.seed.unwrap_or(spec.seed);
    spec.validate()
        .map_err(|e| args::sim_error::<GridArgs>(e, false))?;
    Ok(spec)
}

/// `K/N`, or `auto/N` with K from the scheduler's environment.
fn shard(text: &str) -> Result<Shard, CliError> {
    let bad = || CliError::input(format!("invalid --shard `{text}`: expected K/N or auto/N"));
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    let k: usize = if k.trim() == "auto" {
        let (var, value) = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"]
            .iter()
            .find_map(|v| std::env::var(v).ok().map(|x| (*v, x)))
            .ok_or_else(|| {
                CliError::input(
                    "--shard auto/N needs SLURM_ARRAY_TASK_ID (Slurm job array) or \
                     JOB_COMPLETION_INDEX (Kubernetes Indexed Job) in the environment",
                )
            })?;
        value
            .trim()
            .parse()
            .map_err(|_| CliError::input(format!("{var}=`{value}` is not a shard index")))?
    } else {
        k.trim().parse().map_err(|_| bad())?
    };
    Shard::new(k, n).map_err(|e| args::sim_error::<GridArgs>(e, false))
}

/// Price per byte on `SRC:DST`, as a function of bytes.
pub(crate) struct Pricer {
    row: cc_cost::catalog::PriceRow,
    label: String,
}

pub(crate) fn pricer(spec: &str) -> Result<Pricer, CliError> {
    let catalog = cc_cost::Catalog::try_builtin().map_err(input)?;
    let (a, b) = spec.split_once("->").ok_or_else(|| {
        CliError::input(format!(
            "invalid --price-path `{spec}`: expected SRC->DST, e.g. aws:us-east-1->aws:us-west-2"
        ))
    })?;
    let a = catalog.placement("price-path", a).map_err(input)?;
    let b = catalog.placement("price-path", b).map_err(input)?;
    let price = catalog.path_price(&a, &b).map_err(input)?;
    Ok(Pricer {
        row: price.row,
        label: format!("{a} -> {b}"),
    })
}

impl Pricer {
    fn per_op(&self, r: &GridRow) -> String {
        self.usd(r).format_fixed(9)
    }

    /// Dollars per operation of `r`: its mean bytes per operation on the priced path.
    pub(crate) fn usd(&self, r: &GridRow) -> cc_cost::Usd {
        let bytes = (r.bytes_mean / r.ops_per_trial.max(1.0)).round() as u64;
        self.row.cost_of_bytes(bytes)
    }

    /// `SRC -> DST (kind, source, as of DATE)`.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{} ({}, {}, as of {})",
            self.label,
            self.row.kind.name(),
            self.row.source,
            self.row.as_of
        )
    }
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| format!("{v}"))
}

/// CSV of `rows`: a header and one line per point; stable columns.
fn csv(rows: &[GridRow], pricer: Option<&Pricer>) -> String {
    let mut out = String::from(
        "point,protocol,family,nodes,latency_ms,loss,bandwidth_mbps,jitter_ms,crash,trials,\
         time_model,latency_p50_ms,latency_p99_ms,latency_max_ms,messages_mean,messages_p99,\
         bytes_mean,bytes_p99,ops_per_trial,delivered,violations",
    );
    if pricer.is_some() {
        out.push_str(",usd_per_op");
    }
    out.push('\n');
    for r in rows {
        let p = &r.point;
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            p.index,
            p.protocol,
            r.family,
            p.nodes,
            p.latency_ms,
            p.loss,
            fmt_opt(p.bandwidth_mbps),
            p.jitter_ms,
            p.crash,
            r.trials,
            r.time_model,
            fmt_opt(r.latency_p50_ms),
            fmt_opt(r.latency_p99_ms),
            fmt_opt(r.latency_max_ms),
            r.messages_mean,
            r.messages_p99,
            r.bytes_mean,
            r.bytes_p99,
            r.ops_per_trial,
            r.delivered,
            r.violations.map_or(String::new(), |v| v.to_string()),
        );
        if let Some(pr) = pricer {
            let _ = write!(out, ",{}", pr.per_op(r));
        }
        out.push('\n');
    }
    out
}

fn table(doc: &GridDoc, pricer: Option<&Pricer>) -> String {
    let num = cc_sim::stats::fmt_num;
    let opt = |x: Option<f64>| x.map_or("—".to_string(), num);
    let mut out = format!(
        "cclab grid — {} of {} points, {} trials each, seed {}{}\n",
        doc.rows.len(),
        doc.points,
        doc.spec.trials,
        doc.spec.seed,
        doc.shard.map_or(String::new(), |s| format!(
            ", shard {}/{}",
            s.index, s.count
        ))
    );
    if let Some(p) = pricer {
        let _ = writeln!(
            out,
            "usd_per_op: bytes per operation priced on {} ({}, {}, as of {})",
            p.label,
            p.row.kind.name(),
            p.row.source,
            p.row.as_of
        );
    }
    let _ = writeln!(
        out,
        "{:>5} {:<13} {:>6} {:>8} {:>6} {:>8} {:>7} {:>6} {:>10} {:>10} {:>10} {:>10} {:>7} {:>4}{}",
        "point",
        "protocol",
        "nodes",
        "lat_ms",
        "loss",
        "bw_mbps",
        "jit_ms",
        "crash",
        "p50_ms",
        "p99_ms",
        "msgs",
        "bytes",
        "deliv",
        "viol",
        if pricer.is_some() { "  usd_per_op" } else { "" }
    );
    for r in &doc.rows {
        let p = &r.point;
        let _ = write!(
            out,
            "{:>5} {:<13} {:>6} {:>8} {:>6} {:>8} {:>7} {:>6} {:>10} {:>10} {:>10} {:>10} {:>7} {:>4}",
            p.index,
            p.protocol,
            p.nodes,
            num(p.latency_ms),
            num(p.loss),
            p.bandwidth_mbps.map_or("∞".to_string(), num),
            num(p.jitter_ms),
            num(p.crash),
            opt(r.latency_p50_ms),
            opt(r.latency_p99_ms),
            num(r.messages_mean),
            num(r.bytes_mean),
            num(r.delivered),
            r.violations.map_or("—".to_string(), |v| v.to_string()),
        );
        if let Some(pr) = pricer {
            let _ = write!(out, "  {}", pr.per_op(r));
        }
        out.push('\n');
    }
    out.push_str(
        "p50/p99 latency: decision latency (coordination) or time to reach the last node \
         (dissemination; round protocols in rounds × round length, see time_model in --json/--csv); \
         msgs, bytes: mean per trial; deliv: delivered or decided fraction; viol: trials with a \
         checker violation\n",
    );
    out
}

fn to_json(doc: &GridDoc) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(doc).map_err(|e| CliError::Internal(e.into()))?;
    s.push('\n');
    Ok(s)
}

/// Writes `text` to `path` atomically (a temporary file in the same directory, renamed).
fn write_atomic(path: &Path, text: &str) -> Result<(), CliError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let name = path
        .file_name()
        .ok_or_else(|| CliError::input(format!("`{}` is not a file name", path.display())))?;
    let tmp = dir.unwrap_or(Path::new(".")).join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            CliError::Input(
                anyhow::Error::new(e).context(format!("cannot write `{}`", path.display())),
            )
        })
}

pub(crate) fn read_doc(path: &Path) -> Result<GridDoc, CliError> {
    let text = read_file(path, "grid output")?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::input(format!(
            "`{}` is not a cclab grid output: {e}",
            path.display()
        ))
    })
}

/// The previous output at `out`, when it is this grid's complete output for this shard.
fn resumable(out: &Path, spec: &GridSpec, shard: Option<Shard>) -> Option<GridDoc> {
    let doc = read_doc(out).ok()?;
    (doc.spec == *spec && doc.shard == shard && doc.complete()).then_some(doc)
}

fn finish(
    doc: &GridDoc,
    out: Option<&Path>,
    csv_path: Option<&Path>,
    json: bool,
    pricer: Option<&Pricer>,
) -> Result<(), CliError> {
    let text = to_json(doc)?;
    if let Some(path) = out {
        write_atomic(path, &text)?;
    }
    if let Some(path) = csv_path {
        write_atomic(path, &csv(&doc.rows, pricer))?;
    }
    if json {
        emit(&text)
    } else {
        emit(&table(doc, pricer))
    }
}

pub(crate) fn run(args: GridArgs) -> Result<ExitCode, CliError> {
    let spec = spec(&args)?;
    let shard = args.shard.as_deref().map(shard).transpose()?;
    let pricer = args.price_path.as_deref().map(pricer).transpose()?;
    if let Some(doc) = args.out.as_deref().and_then(|o| resumable(o, &spec, shard)) {
        emit_err(&format!(
            "`{}` already holds this grid's complete output{}; nothing to run\n",
            args.out
                .as_deref()
                .map_or(String::new(), |p| p.display().to_string()),
            shard.map_or(String::new(), |s| format!(
                " for shard {}/{}",
                s.index, s.count
            ))
        ));
        finish(&doc, None, args.csv.as_deref(), args.json, pricer.as_ref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let bar = progress::bar(args.json, 0, "grid".to_string(), "points");
    let progress = progress::reporter(&bar);
    let rows = grid::run(&spec, shard.unwrap_or(Shard::ALL), &progress)
        .map_err(|e| args::sim_error::<GridArgs>(e, false));
    bar.finish_and_clear();
    let doc = GridDoc {
        format: FORMAT.to_string(),
        points: spec.point_count(),
        spec,
        shard,
        rows: rows?,
    };
    finish(
        &doc,
        args.out.as_deref(),
        args.csv.as_deref(),
        args.json,
        pricer.as_ref(),
    )?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn merge(args: MergeArgs) -> Result<ExitCode, CliError> {
    let docs: Vec<(PathBuf, GridDoc)> = args
        .files
        .iter()
        .map(|p| read_doc(p).map(|d| (p.clone(), d)))
        .collect::<Result<_, _>>()?;
    let (first_path, first) = &docs[0];
    for (path, d) in &docs {
        if d.spec != first.spec {
            return Err(CliError::input(format!(
                "`{}` and `{}` are shards of different grids",
                first_path.display(),
                path.display()
            )));
        }
        if !d.complete() {
            return Err(CliError::input(format!(
                "`{}` is incomplete: {} rows of its shard",
                path.display(),
                d.rows.len()
            )));
        }
    }
    let spec = first.spec.clone();
    let rows = grid::merge(&spec, docs.into_iter().map(|(_, d)| d.rows).collect())
        .map_err(|e| args::sim_error::<MergeArgs>(e, false))?;
    let doc = GridDoc {
        format: FORMAT.to_string(),
        points: spec.point_count(),
        spec,
        shard: None,
        rows,
    };
    let text = to_json(&doc)?;
    if let Some(path) = &args.csv {
        write_atomic(path, &csv(&doc.rows, None))?;
    }
    match &args.out {
        Some(path) => {
            write_atomic(path, &text)?;
            emit_err(&format!(
                "merged {} shard files ({} points) into `{}`\n",
                args.files.len(),
                doc.points,
                path.display()
            ));
        }
        None => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_spellings() {
        assert_eq!(shard("2/7").ok(), Some(Shard { index: 2, count: 7 }));
        assert!(shard("7/7").is_err());
        assert!(shard("x").is_err());
        assert!(shard("1/0").is_err());
    }
}
