//! `cclab cost`.

use std::process::ExitCode;

use clap::Args;

use crate::error::CliError;

/// Arguments of `cclab cost`.
#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    /// Everything after the subcommand (this layer is not available yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    rest: Vec<String>,
}

pub(crate) fn run(_args: CostArgs) -> Result<ExitCode, CliError> {
    Err(CliError::input(
        "`cclab cost` is not available yet in this build",
    ))
}
