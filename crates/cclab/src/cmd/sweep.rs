//! `cclab sweep`: a coordination protocol's safety sweep over seeded fault
//! schedules, optionally with one of its deliberately broken variants.

use std::fmt::Write as _;
use std::process::ExitCode;

use cc_sim::coord::sweep::{SWEEPS, Sweep, sweep};
use clap::Args;

use crate::error::{CliError, emit, input, print_json};

/// Arguments of `cclab sweep`.
#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Protocol: 2pc, 3pc, paxos, multi-paxos, raft, isr, quorum, pbft, commit-wait,
    /// crdt-counter, lcr, hs (`--list` shows sizes and mutants).
    #[arg(required_unless_present = "list")]
    protocol: Option<String>,
    /// Nodes (default: the protocol's sweep size; `--list` says what they count).
    #[arg(long)]
    nodes: Option<usize>,
    /// Fault schedules to run; schedule i draws from the ChaCha stream (seed, i).
    #[arg(long, default_value_t = 10_000)]
    runs: u32,
    /// Sweep seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Run a deliberately broken variant instead (see `--list`): the checkers must catch it.
    #[arg(long)]
    mutant: Option<String>,
    /// Lines of the shortest violating run's event trace to print (JSON has all of them).
    #[arg(long, default_value_t = 40)]
    trace_lines: usize,
    /// List the protocols, their sweep sizes and mutants.
    #[arg(long)]
    list: bool,
    /// Print JSON with stable keys instead of text.
    #[arg(long)]
    json: bool,
}

fn list(json: bool) -> Result<ExitCode, CliError> {
    if json {
        let v: Vec<serde_json::Value> = SWEEPS
            .iter()
            .map(|s| {
                serde_json::json!({
                    "protocol": s.protocol,
                    "default_nodes": s.default_nodes,
                    "min_nodes": s.min_nodes,
                    "max_nodes": s.max_nodes,
                    "nodes_are": s.nodes_are,
                    "mutants": s.mutants.iter().map(|(name, bug)| serde_json::json!({"name": name, "bug": bug})).collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for s in SWEEPS {
        let _ = writeln!(
            out,
            "{} (nodes {}..={}, default {}: {})",
            s.protocol, s.min_nodes, s.max_nodes, s.default_nodes, s.nodes_are
        );
        for (name, bug) in s.mutants {
            let _ = writeln!(out, "  --mutant {name}: {bug}");
        }
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

fn text(s: &Sweep, trace_lines: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} sweep: {} fault schedules, seed {}, {} nodes, {}",
        s.protocol,
        s.runs,
        s.seed,
        s.nodes,
        match &s.mutant {
            Some(m) => format!("mutant {m}"),
            None => "no mutant".to_string(),
        }
    );
    for (k, v) in &s.progress {
        let _ = writeln!(out, "  {k}: {v}");
    }
    match (&s.first_index, &s.shortest) {
        (Some(first), Some(sh)) => {
            let _ = writeln!(
                out,
                "violating runs: {} of {} (first: schedule {first})",
                s.violating_runs, s.runs
            );
            let _ = writeln!(
                out,
                "shortest violating run: schedule {} (trial stream ({}, {}))",
                sh.index, s.seed, sh.index
            );
            for v in &sh.violations {
                let _ = writeln!(out, "  violation: {v}");
            }
            let _ = writeln!(out, "  event trace ({} deliveries):", sh.trace.len());
            for l in sh.trace.iter().take(trace_lines) {
                let _ = writeln!(out, "    {l}");
            }
            if sh.trace.len() > trace_lines {
                let _ = writeln!(
                    out,
                    "    … {} more (--trace-lines, or --json for all)",
                    sh.trace.len() - trace_lines
                );
            }
        }
        _ => {
            let _ = writeln!(out, "violating runs: 0 of {}", s.runs);
        }
    }
    out
}

pub(crate) fn run(args: SweepArgs) -> Result<ExitCode, CliError> {
    if args.list {
        return list(args.json);
    }
    let protocol = args
        .protocol
        .as_deref()
        .ok_or_else(|| CliError::input("a protocol is required (or --list)"))?;
    let s = sweep(
        protocol,
        args.nodes,
        args.seed,
        args.runs,
        args.mutant.as_deref(),
    )
    .map_err(input)?;
    if args.json {
        print_json(&s)?;
    } else {
        emit(&text(&s, args.trace_lines))?;
    }
    // A violation of the real protocol is a finding: exit 4. A mutant is expected to violate.
    if s.violating_runs > 0 && s.mutant.is_none() {
        return Ok(ExitCode::from(4));
    }
    Ok(ExitCode::SUCCESS)
}
