//! The error type of cc-theory.

/// Everything that can go wrong in cc-theory.
///
/// Every variant carries enough context to tell a student what to fix: parse
/// errors name the 1-based line and column, unknown names list the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TheoryError {
    /// A matrix, certificate or expression could not be parsed.
    #[error("line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line of the offending input.
        line: usize,
        /// 1-based column of the offending input.
        column: usize,
        /// What was wrong and what to do.
        message: String,
    },
    /// An expression parsed but could not be evaluated on some input pair.
    #[error("expression position {position} (at x = {x}, y = {y}): {message}")]
    Evaluation {
        /// 1-based character position in the expression of the failing operator.
        position: usize,
        /// Alice's input where evaluation failed.
        x: u64,
        /// Bob's input where evaluation failed.
        y: u64,
        /// What went wrong (division by zero, overflow, value out of range).
        message: String,
    },
    /// The matrix has no rows or no columns.
    #[error("the matrix is empty (it needs at least one row and one column)")]
    EmptyMatrix,
    /// The matrix exceeds the size limit.
    #[error("matrix of {rows} x {cols} exceeds the size limit ({limit})")]
    TooLarge {
        /// Requested number of rows.
        rows: usize,
        /// Requested number of columns.
        cols: usize,
        /// Human-readable statement of the limit.
        limit: String,
    },
    /// An unknown named function was requested.
    #[error("unknown function `{name}`; valid names: {valid}")]
    UnknownFunction {
        /// The name that was asked for.
        name: String,
        /// Comma-separated list of valid names.
        valid: String,
    },
    /// An unknown measure was requested.
    #[error("unknown measure `{name}`; valid measures: {valid}")]
    UnknownMeasure {
        /// The name that was asked for.
        name: String,
        /// Comma-separated list of valid names.
        valid: String,
    },
    /// A parameter is out of range or missing.
    #[error("invalid parameter `{parameter}`: {message}")]
    InvalidParameter {
        /// Name of the parameter.
        parameter: String,
        /// What is wrong and what range is allowed.
        message: String,
    },
    /// An operation that needs a Boolean (0/1) matrix got a larger alphabet.
    #[error(
        "{operation} needs a Boolean (0/1) matrix, but the matrix has values up to {max_value}"
    )]
    NotBoolean {
        /// The operation that was asked for.
        operation: String,
        /// Largest value found in the matrix.
        max_value: u8,
    },
    /// A certificate refers to a cell outside the matrix.
    #[error("{what} ({row}, {col}) is outside the {rows} x {cols} matrix")]
    OutOfBounds {
        /// What referred to the cell.
        what: String,
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        col: usize,
        /// Number of rows of the matrix.
        rows: usize,
        /// Number of columns of the matrix.
        cols: usize,
    },
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, TheoryError>;
