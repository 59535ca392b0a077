//! The `cclab` command-line tool.
fn main() {}
