//! The error type of cc-sim.

/// Everything that can go wrong in cc-sim.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A parameter is outside its valid range.
    #[error("invalid parameter `{name}`: {message}")]
    InvalidParameter {
        /// Parameter name as the user typed it.
        name: String,
        /// The valid range and what was given.
        message: String,
    },
}
