//! CLI behaviour: exit codes, error messages, help.

use cclab_tests::{cclab, stderr, stdout};

#[test]
fn help_lists_every_subcommand() {
    let out = cclab(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for sub in ["bounds", "check", "sim", "cost", "report"] {
        assert!(text.contains(sub), "help lacks {sub}:\n{text}");
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error_with_exit_2() {
    let out = cclab(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("frobnicate"));
}

#[test]
fn report_json_summary_has_stable_keys() {
    let dir = std::env::temp_dir().join(format!("cclab-json-{}", std::process::id()));
    let out = cclab(&["report", "--json", "--out", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    for key in [
        "out", "seed", "check", "files", "stale", "missing", "orphans",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}: {v}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
