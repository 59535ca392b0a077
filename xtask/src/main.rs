//! Maintainer tasks for the cclab workspace, run as `cargo xtask <task>`.
//!
//! - `cargo xtask reports` regenerates every reference report under `docs/reports/`
//!   and its `.cclab-manifest` (`cclab report --prune --force`: files edited by hand are
//!   regenerated, files no longer produced are removed; files cclab never wrote, i.e.
//!   not in the manifest, are left alone).
//! - `cargo xtask reports --check` regenerates in memory and exits non-zero, naming each
//!   stale, missing or orphaned file, when `docs/reports/` is out of date.
//! - `cargo xtask ci` runs exactly what CI runs (`bash .ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  reports           regenerate docs/reports/ from the embedded defaults
  reports --check   fail (naming each file) if docs/reports/ is stale
  ci                run what CI runs (bash .ci/run)";

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root());
    cmd
}

fn reports(check: bool) -> Result<()> {
    let root = workspace_root();
    let out = root.join("docs").join("reports");
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--quiet",
        "--package",
        "cclab",
        "--",
        "report",
        "--out",
    ])
    .arg(&out);
    if !check {
        // docs/reports is under version control: regenerate it whatever was edited by
        // hand, and drop pages no longer generated. Files cclab did not write are still
        // never touched (they are not in docs/reports/.cclab-manifest).
        cmd.args(["--prune", "--force"]);
        let status = cmd
            .status()
            .context("running `cargo run -p cclab -- report`")?;
        if !status.success() {
            bail!("`cclab report` failed ({status})");
        }
        return Ok(());
    }
    cmd.arg("--check");
    let output = cmd
        .stderr(Stdio::piped())
        .output()
        .context("running `cargo run -p cclab -- report --check`")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    match output.status.code() {
        Some(0) => {
            eprint!("{stderr}");
            Ok(())
        }
        Some(3) => {
            // The file list, without cclab's own advice (`cclab report --out …`): here
            // the fix is the xtask, which also prunes and commits.
            for line in stderr.lines().filter(|l| !l.starts_with("error: ")) {
                eprintln!("{line}");
            }
            bail!("docs/reports is stale: run `cargo xtask reports` and commit the result")
        }
        _ => {
            eprint!("{stderr}");
            bail!("`cclab report --check` failed ({})", output.status)
        }
    }
}

fn ci() -> Result<()> {
    let root = workspace_root();
    let status = Command::new("bash")
        .arg(root.join(".ci").join("run"))
        .current_dir(&root)
        .status()
        .context("running `bash .ci/run`")?;
    if !status.success() {
        bail!("CI failed ({status})");
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["reports"] => reports(false),
        ["reports", "--check"] => reports(true),
        ["ci"] => ci(),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task `{}`\n\n{USAGE}", other.join(" ")),
    }
}
