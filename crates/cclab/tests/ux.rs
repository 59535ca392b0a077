//! What a new user meets (issue 21): consistent names, range messages, suggestions and help
//! with examples. Tests are named after the issue item they pin.

mod common;

use common::{cclab, stderr, stdout};

fn input_error(args: &[&str]) -> String {
    let out = cclab(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "cclab {args:?} should exit 2\nstdout: {}\nstderr: {}",
        stdout(&out),
        stderr(&out)
    );
    stderr(&out)
}

#[test]
fn issue21_item8_negative_numbers_get_a_range_message_not_a_clap_tip() {
    for args in [
        &["sim", "raft", "--nodes", "-3"][..],
        &["sweep", "raft", "--nodes", "-3", "--runs", "1"][..],
    ] {
        let err = input_error(args);
        assert!(err.contains("3..=64") && err.contains("-3"), "{err}");
        assert!(!err.contains("-- -3"), "{err}");
    }
    let err = input_error(&["sim", "push", "--trials", "-1"]);
    assert!(
        err.contains("must be in 0..=") && !err.contains("-- -1"),
        "{err}"
    );
    let err = input_error(&["sim", "2pc", "--loss", "-0.5"]);
    assert!(err.contains("`--loss`") && err.contains("[0, 1]"), "{err}");
}

#[test]
fn issue21_item8_messages_name_the_flag_as_typed() {
    let err = input_error(&["sim", "quorum", "--nodes", "5", "--read-quorum", "0"]);
    assert!(err.contains("`--read-quorum`"), "{err}");
    assert!(!err.contains("read_quorum"), "{err}");
}

#[test]
fn issue21_item8_near_miss_names_get_did_you_mean() {
    let err = input_error(&["sim", "raf"]);
    assert!(err.contains("did you mean `raft`?"), "{err}");
    let err = input_error(&["sweep", "paxso", "--runs", "1"]);
    assert!(err.contains("did you mean `paxos`?"), "{err}");
    // Far from every name: no guess, just the list.
    let err = input_error(&["sim", "zzzzzz"]);
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn issue21_item8_protocol_names_are_case_insensitive_like_function_names() {
    let out = cclab(&["sim", "RAFT", "--trials", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cclab(&["sweep", "Raft", "--runs", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn issue21_item8_top_level_help_lists_sweep_and_points_to_the_guide() {
    let text = stdout(&cclab(&["--help"]));
    assert!(text.contains("sweep"), "{text}");
    assert!(text.contains("docs/guide/"), "{text}");
}

#[test]
fn issue21_every_subcommand_help_has_an_example() {
    for sub in [
        "bounds", "check", "sim", "sweep", "report", "cost", "grid", "merge", "advise",
    ] {
        let out = cclab(&[sub, "--help"]);
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(
            text.contains("Examples:\n  cclab "),
            "`cclab {sub} --help` has no example:\n{text}"
        );
        assert!(text.contains("docs/guide/"), "`cclab {sub} --help`: {text}");
    }
}

#[test]
fn issue21_item8_cost_refuses_a_flag_its_model_does_not_read() {
    let err = input_error(&[
        "cost",
        "raft",
        "--fanout",
        "3",
        "--participants",
        "5",
        "--rtt-ms",
        "10",
    ]);
    assert!(
        err.contains("`--fanout`") && err.contains("does not apply to `raft`"),
        "{err}"
    );
    let err = input_error(&["cost", "raft", "--participants", "-5", "--rtt-ms", "10"]);
    assert!(
        err.contains("must be in 0..=") && !err.contains("-- -5"),
        "{err}"
    );
    let err = input_error(&["cost", "raf", "--participants", "5"]);
    assert!(err.contains("did you mean `raft`?"), "{err}");
}

#[test]
fn issue21_item8_the_gamma2_paragraph_is_one_line_in_text_and_whole_in_json() {
    let text = stdout(&cclab(&["bounds", "eq", "--bits", "2"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("gamma2"))
        .expect("a gamma2 line");
    assert!(line.len() < 140 && !text.contains("clarabel"), "{line}");
    let json = stdout(&cclab(&["bounds", "eq", "--bits", "2", "--json"]));
    assert!(json.contains("clarabel"), "the JSON keeps the reason");
}

#[test]
fn issue21_item8_near_miss_function_and_measure_names_get_did_you_mean() {
    let err = input_error(&["bounds", "eqq", "--bits", "2"]);
    assert!(err.contains("did you mean `eq`?"), "{err}");
    let err = input_error(&["bounds", "eq", "--bits", "2", "--measures", "rank_qq"]);
    assert!(err.contains("did you mean `rank_q`?"), "{err}");
}

const GT2: &str = "0000\n1000\n1100\n1110\n";

#[test]
fn issue21_item1_certificates_are_drawn_in_the_text_output() {
    let dir = std::env::temp_dir().join(format!("cclab-ux-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("gt2.txt");
    std::fs::write(&path, GT2).expect("write");
    let p = path.to_str().expect("utf-8");
    let text = stdout(&cclab(&["bounds", "--matrix", p]));
    // the fooling cells listed and marked on the grid (plain style: not a terminal)
    assert!(
        text.contains("fooling_1 = 3: a 1-fooling set of 3 cells"),
        "{text}"
    );
    assert!(text.contains("(1, 0) (2, 1) (3, 2)"), "{text}");
    assert!(text.contains("    1 [1] 0  0  0"), "{text}");
    // a cover's rectangles by letter
    assert!(
        text.contains("cover_1 = 3: a cover of the 1-cells by 3"),
        "{text}"
    );
    assert!(text.contains("    3  c  c  c  ."), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour codes when stdout is not a terminal"
    );
    // --explain with --json: the same views, by measure, and the tree
    let json = stdout(&cclab(&["bounds", "--matrix", p, "--json", "--explain"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        v["explain"]["fooling_1"]
            .as_str()
            .unwrap_or("")
            .contains("[1]")
    );
    assert!(
        v["explain"]["deterministic"]
            .as_str()
            .unwrap_or("")
            .contains("alice")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_non_fooling_pair_in_one_column_names_the_column_once() {
    let dir = std::env::temp_dir().join(format!("cclab-ux-col-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("gt2.txt"), GT2).expect("write");
    std::fs::write(dir.join("f.txt"), "1 0\n2 0\n").expect("write");
    let out = cclab(&[
        "check",
        "--matrix",
        dir.join("gt2.txt").to_str().expect("utf-8"),
        "--fooling",
        dir.join("f.txt").to_str().expect("utf-8"),
    ]);
    let text = stdout(&out);
    assert!(text.contains("rows {1, 2} x columns {0} is"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
