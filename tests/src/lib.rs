//! Shared helpers of the cross-crate tests in `tests/tests/` (the layering
//! invariant). The CLI and report tests live with the binary they run, in
//! `crates/cclab/tests/`, where cargo builds `cclab` for them
//! (`CARGO_BIN_EXE_cclab`) in the same profile and with the same features.

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}
