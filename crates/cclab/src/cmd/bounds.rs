//! `cclab bounds`.

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;

/// Arguments of `cclab bounds`.
#[derive(Debug, Args)]
pub(crate) struct BoundsArgs {
    /// Everything after the subcommand (this layer is not available yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

pub(crate) fn run(_args: BoundsArgs) -> Result<ExitCode, CliError> {
    Err(CliError::input(
        "`cclab bounds` is not available yet in this build",
    ))
}
