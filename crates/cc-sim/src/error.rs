//! The error type of cc-sim.

/// Everything that can go wrong in cc-sim.
///
/// Every variant names the offending parameter (as the user typed it on the
/// command line, e.g. `nodes`, `loss`, `fanout`) and its valid range, so the
/// CLI can print the message verbatim.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    /// A protocol name that is not in the registry ([`crate::REGISTRY`]).
    #[error("unknown protocol `{given}`; valid protocols: {valid}")]
    UnknownProtocol {
        /// What the user asked for.
        given: String,
        /// Comma-separated list of valid names.
        valid: String,
    },
    /// A topology could not be built (for example a random regular graph
    /// whose degree/size combination admits no simple graph).
    #[error("cannot build topology `{topology}`: {message}")]
    Topology {
        /// Topology name.
        topology: String,
        /// Why it failed.
        message: String,
    },
    /// The simulation exceeded its round or event budget without terminating.
    #[error("simulation did not terminate within {limit} {unit}")]
    Budget {
        /// The limit that was hit.
        limit: u64,
        /// `rounds` or `events`.
        unit: &'static str,
    },
}

impl SimError {
    /// Shorthand for [`SimError::InvalidParameter`].
    pub fn param(name: &str, message: impl Into<String>) -> Self {
        SimError::InvalidParameter {
            name: name.to_string(),
            message: message.into(),
        }
    }
}

/// Check that a probability lies in `[0, 1]` (and is not NaN).
pub(crate) fn check_prob(name: &str, p: f64) -> Result<(), SimError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(SimError::param(
            name,
            format!("must be a probability in [0, 1], got {p}"),
        ))
    }
}
