//! Shared helpers of the CLI integration tests: the workspace root and the
//! `cclab` binary that cargo built for these tests (`CARGO_BIN_EXE_cclab`, same
//! profile and features as the tests themselves — no nested `cargo build`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(Path::parent)
        .unwrap_or(here)
        .to_path_buf()
}

/// The `cclab` binary under test.
pub fn cclab_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cclab"))
}

/// Runs `cclab` with `args` (no stdin) in the workspace root and returns its output.
pub fn cclab(args: &[&str]) -> Output {
    cclab_env(args, &[])
}

/// Like [`cclab`] but with extra environment variables.
pub fn cclab_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(cclab_bin());
    cmd.args(args)
        .current_dir(workspace_root())
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("cclab runs")
}

/// Standard output as UTF-8 text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as UTF-8 text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
