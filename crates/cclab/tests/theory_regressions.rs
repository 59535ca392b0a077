//! CLI regression tests of cc-theory issues (issue 13 item 2, issue 20 items 2 and 8),
//! each named after the issue it pins.

mod common;

use common::{cclab, stderr, stdout};

fn write_tmp(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cclab-theory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write temp file");
    path
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = cclab(args);
    assert!(
        out.status.success(),
        "cclab {args:?} failed: {}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("valid JSON")
}

fn input_error(args: &[&str]) -> String {
    let out = cclab(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "cclab {args:?}: {}",
        stderr(&out)
    );
    stderr(&out)
}

/// Issue 13 item 2: f depends on x alone, so Alice announces the answer herself:
/// one_way_ab = D = 1 (it was 2); the JSON names the convention.
#[test]
fn issue13_item2_cli_one_way_when_f_depends_on_x_alone() {
    let path = write_tmp("x-alone.txt", b"000\n111\n000\n111\n");
    let v = json(&[
        "bounds",
        "--matrix",
        path.to_str().expect("utf-8 path"),
        "--measures",
        "deterministic,one_way_ab,one_way_ba",
        "--json",
    ]);
    assert_eq!(v["measures"]["deterministic"]["upper"], 1);
    assert_eq!(v["measures"]["one_way_ab"]["upper"], 1);
    assert_eq!(v["measures"]["one_way_ba"]["upper"], 1);
    let cert = &v["measures"]["one_way_ab"]["certificate"];
    assert_eq!(cert["answer_bit"], "counted");
    assert_eq!(cert["constant"], 2);
    assert_eq!(cert["message_bits"], 1);
    let help = stdout(&cclab(&["bounds", "--help"]));
    assert!(
        help.contains("`one_way_ab` and") && help.contains("count the answer bit"),
        "{help}"
    );
}

/// Issue 20 item 2: `cclab bounds --expr "x+x+…+x"` (47,000 terms, what fits in one
/// argument) ends with a value or a clear error, never SIGABRT.
#[test]
fn issue20_item2_cli_long_flat_expression() {
    let sum = vec!["x"; 47_000].join("+");
    let err = input_error(&["bounds", "--expr", &sum, "--bits", "1"]);
    assert!(err.contains("outside the output alphabet"), "{err}");
    let or = vec!["x"; 47_000].join("|");
    let v = json(&[
        "bounds",
        "--expr",
        &or,
        "--bits",
        "1",
        "--measures",
        "deterministic",
        "--json",
    ]);
    assert_eq!(v["measures"]["deterministic"]["upper"], 1);
}

/// Issue 20 item 8: a matrix file that is not UTF-8 gets the line and column of the
/// first bad byte.
#[test]
fn issue20_item8_cli_non_utf8_line_and_column() {
    let path = write_tmp("latin1.txt", b"01\n1\xff0\n");
    let err = input_error(&["bounds", "--matrix", path.to_str().expect("utf-8 path")]);
    assert!(
        err.contains("line 2, column 2") && err.contains("0xFF"),
        "{err}"
    );
}

/// Issue 20 item 8: a BOM before a JSON matrix is skipped (not taken for CSV), and a
/// `#` comment line may precede the JSON.
#[test]
fn issue20_item8_cli_bom_and_comment_before_json() {
    for (name, text) in [
        ("bom.json", &b"\xEF\xBB\xBF[[0, 1], [1, 0]]\n"[..]),
        (
            "comment.json",
            &b"# EQ_1 complement\n[[0, 1],\n [1, 0]]\n"[..],
        ),
        (
            "bom-comment.json",
            &b"\xEF\xBB\xBF# c\n[[0, 1], [1, 0]]\n"[..],
        ),
    ] {
        let path = write_tmp(name, text);
        let v = json(&[
            "bounds",
            "--matrix",
            path.to_str().expect("utf-8 path"),
            "--measures",
            "rank_q",
            "--json",
        ]);
        assert_eq!(v["rows"], 2, "{name}");
        assert_eq!(v["measures"]["rank_q"]["lower"], 2, "{name}");
    }
}

/// Issue 20 item 8: an out-of-range number is echoed as typed.
#[test]
fn issue20_item8_cli_out_of_range_number_as_typed() {
    let path = write_tmp("big.json", b"[[0, 1], [1, 99999999999999999999999]]");
    let err = input_error(&["bounds", "--matrix", path.to_str().expect("utf-8 path")]);
    assert!(
        err.contains("99999999999999999999999 is out of range 0..=255"),
        "{err}"
    );
}

/// Issue 20 item 8: `--matrix /dev/zero` stops at the input cap with an error naming it.
#[test]
fn issue20_item8_cli_input_size_cap() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let err = input_error(&["bounds", "--matrix", "/dev/zero"]);
    assert!(err.contains("64 MiB"), "{err}");
}
