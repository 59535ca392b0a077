//! `cclab report`: write or check the reference report set.
//!
//! The output directory is validated before anything is computed, so a bad `--out`
//! (a regular file, a directory cclab did not create, an edited generated file, a
//! symbolic link) fails at once with exit 2. See `cc_report`'s `files` rules: cclab
//! writes only into a new or empty directory or one holding its `.cclab-manifest`, and
//! overwrites or prunes only the files that manifest lists.

use std::path::PathBuf;
use std::process::ExitCode;

use cc_report::{Drift, DriftKind, MANIFEST_FILE, ReportError, ReportOptions, WriteOptions};
use clap::Args;
use serde::Serialize;

use crate::error::{CliError, emit, emit_err, print_json};

/// Arguments of `cclab report`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  cclab report --out my-report\n  \
    cclab report --out my-report --check\n\nGuide: docs/guide/reports.md")]
pub(crate) struct ReportArgs {
    /// Directory to write the report set into (created if needed). It must be new, empty,
    /// or written by cclab before (it holds a `.cclab-manifest` listing the files cclab wrote).
    #[arg(long, default_value = "cclab-report")]
    out: PathBuf,
    /// Compare the directory with the generated set instead of writing; exit 3 when stale.
    #[arg(long)]
    check: bool,
    /// When writing, also remove files cclab wrote earlier (listed in the manifest) that are
    /// no longer generated, and the directories that held them once empty.
    #[arg(long, conflicts_with = "check")]
    prune: bool,
    /// Overwrite (or prune) generated files edited since cclab wrote them, and write into a
    /// non-empty directory without a manifest. Files cclab did not write are never
    /// overwritten or removed, and symbolic links are never followed, even with --force.
    #[arg(long, conflicts_with = "check")]
    force: bool,
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

/// A refused directory is the user's input (exit 2); anything else is internal (exit 1).
fn classify(e: ReportError) -> CliError {
    if e.is_refused_dir() {
        CliError::Input(e.into())
    } else {
        CliError::Internal(e.into())
    }
}

/// What to run to bring a stale directory up to date, for the stale message. It names
/// the CLI (`cargo xtask reports` is the xtask's own advice): `--prune` when cclab's
/// orphans are there; for a directory without a manifest but with report files (written
/// before manifests existed), `--force` when those files are all current — cclab then
/// takes them over — and otherwise a fresh directory, since cclab never overwrites files
/// it has no record of writing.
fn advice(args: &ReportArgs, drift: &[Drift], generated: usize) -> String {
    let mut cmd = format!("cclab report --out {}", args.out.display());
    if drift.iter().any(|d| d.kind == DriftKind::Orphan) {
        cmd.push_str(" --prune");
    }
    if args.seed != cc_report::DEFAULT_SEED {
        cmd.push_str(&format!(" --seed {}", args.seed));
    }
    let no_manifest = drift
        .iter()
        .any(|d| d.kind == DriftKind::Missing && d.path == MANIFEST_FILE);
    let missing_files = drift
        .iter()
        .filter(|d| d.kind == DriftKind::Missing && d.path != MANIFEST_FILE)
        .count();
    if !no_manifest || missing_files == generated {
        return format!("run `{cmd}` to regenerate them");
    }
    if drift.iter().any(|d| d.kind == DriftKind::Stale) {
        format!(
            "the directory has no {MANIFEST_FILE}, so cclab will not overwrite its files: move it away, then run `{cmd}`"
        )
    } else {
        format!("run `{cmd} --force` to take the directory over and complete it")
    }
}

pub(crate) fn run(args: ReportArgs) -> Result<ExitCode, CliError> {
    let options = WriteOptions {
        prune: args.prune,
        force: args.force,
    };
    cc_report::validate_dir(&args.out, (!args.check).then_some(&options)).map_err(classify)?;
    let bar = crate::cmd::progress::bar(args.json, 0, "report".to_string(), "pages");
    let progress = |page: &str, done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(format!("report: {page}"));
    };
    let files = cc_report::generate_with_progress(&ReportOptions { seed: args.seed }, &progress)
        .map_err(|e| CliError::Internal(e.into()));
    bar.finish_and_clear();
    let files = files?;
    let drift = if args.check {
        cc_report::check_dir(&args.out, &files)
    } else {
        cc_report::write_dir(&args.out, &files, &options)
    }
    .map_err(classify)?;
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
            emit(&format!(
                "{}: all {} report files are fresh\n",
                summary.out,
                files.len()
            ))?;
        } else {
            let mut msg = String::new();
            for d in &drift {
                msg.push_str(&format!("{}/{d}\n", summary.out));
            }
            msg.push_str(&format!(
                "error: {} of the report files under {} are out of date: {}\n",
                drift.len(),
                summary.out,
                advice(&args, &drift, files.len())
            ));
            emit_err(&msg);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(seed: u64) -> ReportArgs {
        ReportArgs {
            out: PathBuf::from("out"),
            check: true,
            prune: false,
            force: false,
            seed,
            json: false,
        }
    }

    fn drift(list: &[(DriftKind, &str)]) -> Vec<Drift> {
        list.iter()
            .map(|&(kind, path)| Drift {
                kind,
                path: path.to_owned(),
            })
            .collect()
    }

    #[test]
    fn stale_message_told_cli_users_to_run_an_xtask() {
        use DriftKind::{Missing, Orphan, Stale};
        let cases: [(Vec<Drift>, u64, &str); 5] = [
            (
                drift(&[(Stale, "index.md")]),
                cc_report::DEFAULT_SEED,
                "run `cclab report --out out` to regenerate them",
            ),
            (
                drift(&[(Orphan, "old.md")]),
                7,
                "run `cclab report --out out --prune --seed 7` to regenerate them",
            ),
            (
                drift(&[
                    (Missing, MANIFEST_FILE),
                    (Missing, "a.md"),
                    (Missing, "b.md"),
                ]),
                cc_report::DEFAULT_SEED,
                "run `cclab report --out out` to regenerate them",
            ),
            (
                drift(&[(Missing, MANIFEST_FILE), (Missing, "a.md")]),
                cc_report::DEFAULT_SEED,
                "run `cclab report --out out --force` to take the directory over",
            ),
            (
                drift(&[(Missing, MANIFEST_FILE), (Stale, "a.md")]),
                cc_report::DEFAULT_SEED,
                "move it away, then run `cclab report --out out`",
            ),
        ];
        for (d, seed, expected) in cases {
            let text = advice(&args(seed), &d, 2);
            assert!(text.contains(expected), "{d:?}: {text}");
            assert!(!text.contains("xtask"), "{text}");
        }
    }
}
