//! The error type of cc-theory.

/// Everything that can go wrong in cc-theory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TheoryError {
    /// A matrix or expression could not be parsed.
    #[error("line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line of the offending input.
        line: usize,
        /// 1-based column of the offending input.
        column: usize,
        /// What was wrong and what to do.
        message: String,
    },
}
