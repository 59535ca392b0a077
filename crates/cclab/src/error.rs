//! Errors of the CLI and their exit codes.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// A failure, classified by whose fault it is.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Bad input: exit code 2.
    Input(anyhow::Error),
    /// Internal failure: exit code 1.
    Internal(anyhow::Error),
}

impl CliError {
    /// A bad-input error with a message.
    pub(crate) fn input(msg: impl std::fmt::Display) -> Self {
        Self::Input(anyhow::anyhow!("{msg}"))
    }

    /// Prints `error: …` with the cause chain on stderr and returns the exit code.
    pub(crate) fn report(self) -> ExitCode {
        let (err, code) = match self {
            Self::Input(e) => (e, 2),
            Self::Internal(e) => (e, 1),
        };
        let mut msg = format!("error: {err}");
        for cause in err.chain().skip(1) {
            let _ = write!(msg, "\n  caused by: {cause}");
        }
        msg.push('\n');
        emit_err(&msg);
        ExitCode::from(code)
    }
}

/// Maps a library error (always caused by the user's input or parameters) to exit code 2.
pub(crate) fn input<E: std::error::Error + Send + Sync + 'static>(e: E) -> CliError {
    CliError::Input(anyhow::Error::new(e))
}

/// Reads a user-named text file, as bad input (exit 2) when it cannot be read, is larger
/// than [`cc_theory::parse::MAX_INPUT_BYTES`] (reading stops there, so `/dev/zero` is refused
/// quickly), or is not UTF-8 (the error names the line and column of the first bad byte).
/// A leading UTF-8 byte-order mark is dropped.
pub(crate) fn read_file(path: &std::path::Path, what: &str) -> Result<String, CliError> {
    use std::io::Read as _;
    let cap = cc_theory::parse::MAX_INPUT_BYTES;
    let cannot = |e: std::io::Error| {
        CliError::Input(
            anyhow::Error::new(e).context(format!("cannot read {what} `{}`", path.display())),
        )
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap as u64 + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() > cap {
        return Err(CliError::input(format!(
            "{what} `{}` is larger than the input limit of {} MiB ({cap} bytes)",
            path.display(),
            cap >> 20
        )));
    }
    cc_theory::parse::decode_utf8(&bytes)
        .map(str::to_owned)
        .map_err(|e| {
            CliError::Input(
                anyhow::Error::new(e).context(format!("in {what} `{}`", path.display())),
            )
        })
}

/// Set once standard output turned out to be a closed pipe; later output is skipped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output. Every byte cclab prints to standard output goes
/// through here (never `print!`/`println!`, which panic on a closed pipe).
///
/// A closed pipe (`cclab … | head`, `| true`) is not an error: the reader has gone, so
/// output ends quietly — nothing more is written, nothing is said on stderr — and the
/// command finishes with the exit code it would have had anyway (0, or 3/4 for a stale
/// report directory or a violation). Any other write failure is internal (exit 1).
pub(crate) fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::Internal(
            anyhow::Error::new(e).context("writing to standard output"),
        )),
    }
}

/// Writes `text` to standard error (never `eprint!`/`eprintln!`, which panic when it
/// is a closed pipe). A failure to write there cannot be reported anywhere, so it is
/// ignored; the exit code still tells what happened.
pub(crate) fn emit_err(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Prints JSON (pretty, with a trailing newline) of a serializable value.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| CliError::Internal(e.into()))?;
    s.push('\n');
    emit(&s)
}
