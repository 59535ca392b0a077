//! The error type of cc-cost.

/// Everything that can go wrong in cc-cost.
#[derive(Debug, thiserror::Error)]
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
}
