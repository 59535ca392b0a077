//! `cclab`: communication complexity you can use.
//!
//! The binary is deliberately thin: it parses arguments with clap, reads the files
//! it is given, calls the library crates, prints human-readable text or stable JSON,
//! and maps errors to exit codes:
//!
//! | exit | meaning |
//! | ---: | --- |
//! | 0 | success |
//! | 1 | internal failure (I/O while writing output, a bug) |
//! | 2 | bad input: usage, a file that cannot be read or parsed, a parameter out of range, a certificate that does not verify |
//! | 3 | `report --check`: the report directory is stale |
//! | 4 | `sweep` without `--mutant`: a checker found a violation |
//!
//! `report` refuses a bad `--out` with exit 2, and before computing anything when it
//! can: a path that is not a directory, a non-empty directory without cclab's
//! `.cclab-manifest`, generated files edited since cclab wrote them (unless `--force`),
//! files cclab did not write at a generated path, a symbolic link inside the directory,
//! a malformed manifest. A refused directory is left exactly as it was.
//!
//! A closed standard output (`cclab … | head`) is not an error: output stops quietly and
//! the exit code is the one the command would have had anyway (0, 3 or 4), so a stale
//! `report --check` still exits 3; it never panics and prints nothing about the pipe. All output goes through `error::emit` / `error::emit_err`:
//! `print!`, `println!`, `eprint!` and `eprintln!` are denied below, since they panic on
//! a closed pipe.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cmd;
mod error;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// Communication complexity you can use: exact lower bounds with certificates,
/// protocol simulation, pricing, and reference reports.
#[derive(Debug, Parser)]
#[command(
    name = "cclab",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Examples:\n  cclab bounds eq --bits 3\n  cclab check --matrix m.txt --fooling f.txt\n  \
        cclab sim raft --faults default\n  cclab sweep raft\n  cclab cost catalog\n  \
        cclab report --out my-report\n\n\
        User guide (a page per task, every file format): docs/guide/README.md in the source tree"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Exact, certified lower bounds and complexity measures of a communication matrix.
    Bounds(cmd::bounds::BoundsArgs),
    /// Check a student's certificate: protocol tree, cover, partition or fooling set.
    Check(cmd::check::CheckArgs),
    /// Simulate a dissemination or coordination protocol (Monte Carlo, seeded).
    Sim(cmd::sim::SimArgs),
    /// Safety sweep of a coordination protocol over seeded fault schedules (and its mutants).
    Sweep(cmd::sweep::SweepArgs),
    /// Run protocols over a grid of network conditions (whole, or one deterministic shard).
    Grid(cmd::grid::GridArgs),
    /// Merge the shards of a grid into the output of the unsharded run, byte for byte.
    Merge(cmd::grid::MergeArgs),
    /// Recommend a protocol for given network conditions, with the evidence (grid or simulation).
    Advise(cmd::advise::AdviseArgs),
    /// Price a coordination protocol's messages and waits in dollars and seconds.
    Cost(cmd::cost::CostArgs),
    /// Write (or check) the whole reference report set from embedded defaults.
    Report(cmd::report::ReportArgs),
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Bounds(args) => cmd::bounds::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Sweep(args) => cmd::sweep::run(args),
        Command::Grid(args) => cmd::grid::run(args),
        Command::Merge(args) => cmd::grid::merge(args),
        Command::Advise(args) => cmd::advise::run(args),
        Command::Cost(args) => cmd::cost::run(args),
        Command::Report(args) => cmd::report::run(args),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => e.report(),
    }
}
