//! Progress on long operations: one bar or spinner per command, drawn on standard error only
//! when it is a terminal and the output is not JSON, so scripts and pipes never see it.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressStyle};

/// Whether to draw progress: stderr is a terminal and the output is not `--json`.
fn visible(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

/// A bar of `len` steps labelled `what` (e.g. `trials`), with `message` before it; hidden
/// when not [`visible`].
pub(crate) fn bar(json: bool, len: u64, message: String, what: &str) -> ProgressBar {
    if !visible(json) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {what} ({{eta}})"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}

/// A spinner with the elapsed time for work whose length is unknown; hidden when not
/// [`visible`].
pub(crate) fn spinner(json: bool, message: String) -> ProgressBar {
    if !visible(json) {
        return ProgressBar::hidden();
    }
    let s = ProgressBar::new_spinner();
    s.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    s.set_message(message);
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    s
}

/// The `(done, total)` callback the libraries call, moving `bar`.
pub(crate) fn reporter(bar: &ProgressBar) -> impl Fn(u64, u64) + Sync + '_ {
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}
