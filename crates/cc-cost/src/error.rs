//! The error type of cc-cost.

/// Everything that can go wrong in cc-cost.
///
/// Parse and validation errors of data files always name the file (the label the
/// caller passed with the text), the 1-based line and the field (column).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CostError {
    /// A parameter is outside its valid range.
    #[error("invalid parameter `{name}`: {message}")]
    InvalidParameter {
        /// Parameter name as the user typed it.
        name: String,
        /// The valid range and what was given.
        message: String,
    },
    /// A required parameter was not given.
    #[error("missing parameter `{name}`: {message}")]
    MissingParameter {
        /// Parameter name as the user types it.
        name: String,
        /// Why it is needed.
        message: String,
    },
    /// The model name is not one cc-cost knows.
    #[error("unknown model `{name}`; known models: {known}")]
    UnknownModel {
        /// What was asked for.
        name: String,
        /// Comma-separated list of known models.
        known: String,
    },
    /// A region (or `cloud:region`) is in neither the catalog nor the latency data.
    #[error("unknown region `{region}` in `{name}`{hint}")]
    UnknownRegion {
        /// Parameter (or file field) that named the region.
        name: String,
        /// The region as given.
        region: String,
        /// Optional hint (e.g. a list of known regions), starting with `; `.
        hint: String,
    },
    /// A data file (price catalog, region list, RTT matrix) is malformed or invalid.
    #[error("{file}:{line}: field `{field}`: {message}")]
    Data {
        /// File name or label given by the caller.
        file: String,
        /// 1-based line number (0 when the problem concerns the whole file).
        line: usize,
        /// Column / field name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No price is known for a path between two placements.
    #[error("no price for path {from} -> {to}: {message}")]
    NoPrice {
        /// Source placement.
        from: String,
        /// Destination placement.
        to: String,
        /// Why.
        message: String,
    },
    /// A numerical routine did not converge or got an unusable distribution.
    #[error("numerical problem in {what}: {message}")]
    Numerical {
        /// Which computation.
        what: String,
        /// Details.
        message: String,
    },
}

impl CostError {
    /// Shorthand for [`CostError::InvalidParameter`].
    pub fn invalid(name: impl Into<String>, message: impl Into<String>) -> CostError {
        CostError::InvalidParameter {
            name: name.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`CostError::MissingParameter`].
    pub fn missing(name: impl Into<String>, message: impl Into<String>) -> CostError {
        CostError::MissingParameter {
            name: name.into(),
            message: message.into(),
        }
    }

    /// Shorthand for [`CostError::Data`].
    pub fn data(
        file: impl Into<String>,
        line: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> CostError {
        CostError::Data {
            file: file.into(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}
