//! One module per subcommand.

pub(crate) mod advise;
pub(crate) mod args;
pub(crate) mod bounds;
pub(crate) mod check;
pub(crate) mod cost;
pub(crate) mod grid;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod sim;
pub(crate) mod sweep;
pub(crate) mod views;
