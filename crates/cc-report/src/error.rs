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
    /// A data file embedded in the report generator (e.g. `docs/grid/text-grid.toml`) does not
    /// parse (a bug: the files are checked by the tests).
    #[error("report page `{page}`: embedded data: {message}")]
    Data {
        /// The page being computed.
        page: &'static str,
        /// What is wrong, naming the file.
        message: String,
    },
    /// A row would show simulated runs that violated a safety checker or did not decide,
    /// and the row is not about that failure.
    #[error(
        "report page `{page}`, row `{row}`: {problem}, but the row expects {expected}; fix the simulation or the row (a row may show a violation or undecided runs only when its text is about that failure)"
    )]
    InvalidRow {
        /// The page being computed.
        page: &'static str,
        /// The row, as a reader finds it on the page (section and row label).
        row: String,
        /// What the runs did: violations (count, first run, first description) and/or
        /// the decided fraction.
        problem: String,
        /// What the row expects of its runs.
        expected: String,
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
    /// The report directory's path names something that is not a directory.
    #[error(
        "`{path}` is not a directory: reports are written into a directory; choose a new or empty one"
    )]
    NotADirectory {
        /// The path given as the report directory.
        path: PathBuf,
    },
    /// A non-empty directory without a manifest: cclab did not create it.
    #[error(
        "refusing to write into `{dir}`: it is not empty ({entries}) and has no .cclab-manifest, so cclab did not create it; choose a new or empty directory, or pass `--force` to add the reports beside its files (cclab never overwrites or removes a file it did not write)"
    )]
    NotCclabDirectory {
        /// The directory.
        dir: PathBuf,
        /// A few of its entries, for the message.
        entries: String,
    },
    /// Files at generated paths that cclab did not write (not in the manifest).
    #[error(
        "refusing to overwrite files in `{dir}` that cclab did not write (they are not in its .cclab-manifest): {paths}; move them away or choose another directory"
    )]
    NotWritten {
        /// The report directory.
        dir: PathBuf,
        /// The files, relative to `dir`, for the message.
        paths: String,
    },
    /// Files cclab wrote that were edited since (their hash differs from the manifest's).
    #[error(
        "refusing to overwrite or remove files in `{dir}` that were edited since cclab wrote them: {paths}; move them away, or pass `--force` to replace them"
    )]
    Edited {
        /// The report directory.
        dir: PathBuf,
        /// The files, relative to `dir`, for the message.
        paths: String,
    },
    /// A symbolic link inside the report directory, where cclab would write.
    #[error(
        "refusing to write through `{path}`: it is a symbolic link, and cclab never follows symbolic links inside a report directory; replace it with a real file or directory, or choose another directory"
    )]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// The directory's manifest cannot be read as one.
    #[error(
        "`{path}` line {line}: {message}; cclab writes this file and trusts nothing else: restore it (e.g. from version control) or remove the report directory"
    )]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A path inside or to the report directory that cclab will not use.
    #[error("refusing `{path}`: {reason}")]
    UnsafePath {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl ReportError {
    /// Whether this error is a refusal of the report directory (the user's input: a path
    /// that is not a directory, a directory cclab did not write, edited or foreign files,
    /// a symbolic link, a malformed manifest). Nothing was written when it is.
    #[must_use]
    pub fn is_refused_dir(&self) -> bool {
        matches!(
            self,
            Self::NotADirectory { .. }
                | Self::NotCclabDirectory { .. }
                | Self::NotWritten { .. }
                | Self::Edited { .. }
                | Self::Symlink { .. }
                | Self::Manifest { .. }
                | Self::UnsafePath { .. }
        )
    }
}
