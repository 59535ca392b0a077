//! The error type of cc-report.

use std::path::PathBuf;

/// Everything that can go wrong while computing, writing or checking reports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A page's computation failed in cc-theory.
    #[error("report page `{page}`: {source}")]
    Theory {
        /// The page being computed.
        page: &'static str,
        /// The underlying error.
        #[source]
        source: cc_theory::TheoryError,
    },
    /// A page's computation failed in cc-sim.
    #[error("report page `{page}`: {source}")]
    Sim {
        /// The page being computed.
        page: &'static str,
        /// The underlying error.
        #[source]
        source: cc_sim::SimError,
    },
    /// A page's computation failed in cc-cost.
    #[error("report page `{page}`: {source}")]
    Cost {
        /// The page being computed.
        page: &'static str,
        /// The underlying error.
        #[source]
        source: cc_cost::CostError,
    },
    /// A computed certificate did not pass its checker (a bug in the computing layer).
    #[error("report page `{page}`: certificate of {what} failed verification: {message}")]
    Verification {
        /// The page being computed.
        page: &'static str,
        /// What was being verified.
        what: String,
        /// What the checker said.
        message: String,
    },
    /// A figure could not be drawn.
    #[error("report page `{page}`: drawing figure `{figure}` failed: {message}")]
    Figure {
        /// The page being computed.
        page: &'static str,
        /// The figure's file name.
        figure: String,
        /// What the plotting backend said.
        message: String,
    },
    /// Reading or writing a report file failed.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done ("writing", "reading", "removing", …).
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}
