//! # cc-report
//!
//! The reference reports of cclab, rendered from the three computing layers.
//!
//! `cc-report` is the only library crate that knows [`cc_theory`], [`cc_sim`] and
//! [`cc_cost`] at once. It turns their results into a set of files — a Markdown
//! index, one Markdown page per topic, and SVG figures where a plot says more than
//! a table — and knows how to write that set to a directory or to check a
//! directory against it (the staleness check behind `cargo xtask reports --check`).
//!
//! A directory written by [`write_dir`] holds a manifest, [`MANIFEST_FILE`], of the files
//! cclab wrote there with their SHA-256; cclab overwrites and prunes only those, refuses
//! a non-empty directory it did not create, and never follows a symbolic link inside it.
//!
//! Every page is computed from embedded defaults: nothing has to be prepared on
//! disk. Output is deterministic: the same [`ReportOptions`] give byte-identical
//! files, whatever the number of rayon threads.
//!
//! ```
//! use cc_report::{generate, ReportOptions};
//!
//! let files = generate(&ReportOptions::default())?;
//! assert!(files.iter().any(|f| f.path == "index.md"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The source texts' cost examples — their figures, verdicts and explanations — are
//! audited here, not in `cc-cost` (which exports facts and functions only): the
//! audit is the data of the `cost-audit` page.
//!
//! The claims ledger (the `claims-ledger` page) lists every item of both source
//! texts with what cclab computes for it, the command that reproduces it
//! ([`ledger_commands`]) and a verdict from a fixed set; it links the audit's rows
//! instead of repeating them. Every page that counts messages states one counting
//! convention: messages between servers and client messages, counted separately.

#![warn(unreachable_pub)]

mod audit;
mod bridge;
mod convention;
mod error;
mod figures;
mod files;
mod fmt;
mod ledger;
mod markdown;
mod pages;
mod svg;

// The facade: the report set (generate, write, check) for the CLI, xtask and the
// tests, and the sim-to-cost bridge; pages, the audit and the building blocks are
// private.
pub use bridge::traffic_from_sim;
pub use error::ReportError;
pub use files::{
    Drift, DriftKind, MANIFEST_FILE, ReportFile, WriteOptions, check_dir, validate_dir, write_dir,
};
pub use pages::{PageInfo, page_list};

/// Every CLI command the claims ledger names to reproduce a figure, sorted and
/// deduplicated (each starts with `cclab `). The CLI's tests run them, so a ledger
/// row cannot name a command that no longer works.
pub fn ledger_commands() -> Vec<&'static str> {
    ledger::commands()
}

/// The seed every randomized report page uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 2026;

/// What the report generator is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    /// Seed of every randomized computation in the reports.
    pub seed: u64,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self { seed: DEFAULT_SEED }
    }
}

/// Computes every page of the reference report set and returns the files, index
/// first, in a fixed order.
///
/// # Errors
/// Returns the first [`ReportError`] a page raises while computing its figures.
pub fn generate(options: &ReportOptions) -> Result<Vec<ReportFile>, ReportError> {
    pages::generate_all(options, &|_, _, _| {})
}

/// [`generate`], calling `progress(page, done, total)` before each page is computed (for a
/// progress bar: `done` pages of `total` are finished, `page` is the slug being computed).
///
/// # Errors
/// As [`generate`].
pub fn generate_with_progress(
    options: &ReportOptions,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<Vec<ReportFile>, ReportError> {
    pages::generate_all(options, progress)
}
