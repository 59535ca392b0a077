//! Cross-crate, CLI and report snapshot tests of the cclab workspace live in `tests/tests/`.
