//! Shared helpers of the cross-crate, CLI and report tests in `tests/tests/`.
//!
//! The tests themselves live in `tests/tests/*.rs`; this library only offers what
//! several of them need: the workspace root, and a freshly built `cclab` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root());
    cmd
}

/// Path to the `cclab` binary, built (once per test process) in the same profile
/// as the tests, so that a test never runs a stale binary.
pub fn cclab_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = cargo()
            .args(["build", "--quiet", "--package", "cclab", "--bin", "cclab"])
            .status()
            .expect("cargo can be run from the tests");
        assert!(status.success(), "building cclab failed");
        // The test executable lives in target/<profile>/deps/; the binary in target/<profile>/.
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>/deps layout");
        let bin = profile_dir.join(format!("cclab{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "cclab binary not found at {}", bin.display());
        bin
    })
    .clone()
}

/// Runs `cclab` with `args` (no stdin, `CI` unset so nothing tries a terminal) and returns its output.
pub fn cclab(args: &[&str]) -> Output {
    Command::new(cclab_bin())
        .args(args)
        .current_dir(workspace_root())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cclab runs")
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
