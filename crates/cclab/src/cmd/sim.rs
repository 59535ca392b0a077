//! `cclab sim`.

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;

/// Arguments of `cclab sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Everything after the subcommand (this layer is not available yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

pub(crate) fn run(_args: SimArgs) -> Result<ExitCode, CliError> {
    Err(CliError::input(
        "`cclab sim` is not available yet in this build",
    ))
}
