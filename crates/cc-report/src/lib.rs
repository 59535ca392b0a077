//! # cc-report
//!
//! Renders the reference reports of cclab.
