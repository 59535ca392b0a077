//! `cclab report`: write or check the reference report set.

use std::path::PathBuf;
use std::process::ExitCode;

use cc_report::{DriftKind, ReportOptions};
use clap::Args;
use serde::Serialize;

use crate::error::{CliError, emit, print_json};

/// Arguments of `cclab report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Directory to write the report set into (created if needed).
    #[arg(long, default_value = "cclab-report")]
    out: PathBuf,
    /// Compare the directory with the generated set instead of writing; exit 3 when stale.
    #[arg(long)]
    check: bool,
    /// When writing, also remove generated files (.md, .svg, .csv, .json) that are no longer generated.
    #[arg(long, conflicts_with = "check")]
    prune: bool,
    /// Seed of every randomized computation.
    #[arg(long, default_value_t = cc_report::DEFAULT_SEED)]
    seed: u64,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    out: String,
    seed: u64,
    check: bool,
    files: usize,
    stale: Vec<String>,
    missing: Vec<String>,
    orphans: Vec<String>,
}

pub(crate) fn run(args: ReportArgs) -> Result<ExitCode, CliError> {
    let files = cc_report::generate(&ReportOptions { seed: args.seed })
        .map_err(|e| CliError::Internal(e.into()))?;
    let drift = if args.check {
        cc_report::check_dir(&args.out, &files)
    } else {
        cc_report::write_dir(&args.out, &files, args.prune)
    }
    .map_err(|e| CliError::Internal(e.into()))?;
    let pick = |k: DriftKind| {
        drift
            .iter()
            .filter(|d| d.kind == k)
            .map(|d| d.path.clone())
            .collect::<Vec<_>>()
    };
    let summary = Summary {
        out: args.out.display().to_string(),
        seed: args.seed,
        check: args.check,
        files: files.len(),
        stale: pick(DriftKind::Stale),
        missing: pick(DriftKind::Missing),
        orphans: pick(DriftKind::Orphan),
    };
    if args.json {
        print_json(&summary)?;
    } else if args.check {
        if drift.is_empty() {
            println!(
                "{}: all {} report files are fresh",
                summary.out,
                files.len()
            );
        } else {
            for d in &drift {
                eprintln!("{}/{d}", summary.out);
            }
            eprintln!(
                "error: {} of the report files under {} are out of date: run `cargo xtask reports` and commit the result",
                drift.len(),
                summary.out
            );
        }
    } else {
        emit(&format!(
            "wrote {} report files to {} ({} changed{}); open {}/index.md\n",
            files.len(),
            summary.out,
            summary.stale.len() + summary.missing.len(),
            if args.prune {
                format!(", {} orphans removed", summary.orphans.len())
            } else {
                String::new()
            },
            summary.out
        ))?;
    }
    Ok(if args.check && !drift.is_empty() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
