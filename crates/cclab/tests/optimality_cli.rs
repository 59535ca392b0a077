//! Issue 20: `cclab bounds --certificates full` emits the other side of every exact value, and
//! `cclab check` verifies each kind of optimality certificate, rejects tampered ones (exit 2)
//! and locates errors in malformed files.

mod common;

use common::{cclab, stderr, stdout};

fn tmp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cclab-optimality-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run_ok(args: &[&str]) -> String {
    let out = cclab(args);
    assert!(
        out.status.success(),
        "cclab {args:?}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn run_invalid(args: &[&str]) -> String {
    let out = cclab(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "cclab {args:?}: {}",
        stdout(&out)
    );
    stdout(&out) + &stderr(&out)
}

/// IP_4: `--certificates-dir` writes the cover_0 CNF and LRAT proof, the cover_1 area bound,
/// the rank factorisations; `cclab check` accepts each, and a tampered proof is rejected.
#[test]
fn issue20_ip4_optimality_certificates_round_trip_through_check() {
    let dir = tmp_dir("ip4");
    let d = dir.to_str().expect("utf-8 path");
    let json = run_ok(&[
        "bounds",
        "ip",
        "--bits",
        "4",
        "--measures",
        "cover_0,cover_1,rank_q,rank_gf2_complement",
        "--json",
        "--certificates",
        "full",
        "--certificates-dir",
        d,
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["measures"]["cover_0"]["lower"], 15);
    assert_eq!(v["measures"]["cover_1"]["lower"], 15);
    assert_eq!(v["optimality"]["cover_0"]["kind"], "unsat_proof");
    assert_eq!(v["optimality"]["cover_1"]["kind"], "area_bound");
    assert_eq!(v["optimality"]["rank_q"]["kind"], "rank_factorisation");
    let f = |name: &str| dir.join(name).to_str().expect("utf-8").to_string();
    let ok = run_ok(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--cnf",
        &f("cover_0.cnf"),
        "--lrat",
        &f("cover_0.lrat"),
    ]);
    assert!(ok.contains("C^0(f) >= 15"), "{ok}");
    let ok = run_ok(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--area-bound",
        &f("cover_1.area.json"),
    ]);
    assert!(ok.contains("C^1(f) >= ceil(120 / 8) = 15"), "{ok}");
    let ok = run_ok(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--rank-factorisation",
        &f("rank_q.factorisation.txt"),
    ]);
    assert!(ok.contains("rk_Q(M) <= 15"), "{ok}");
    let ok = run_ok(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--complement",
        "--rank-factorisation",
        &f("rank_gf2_complement.factorisation.txt"),
    ]);
    assert!(ok.contains("rk_GF(2)(J - M) <= 5"), "{ok}");
    // M's factorisation over Q (15 basis rows) is not one of J - M, whose rank is 16
    run_invalid(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--complement",
        "--rank-factorisation",
        &f("rank_q.factorisation.txt"),
    ]);
    // the proof checked against another matrix fails
    run_invalid(&[
        "check",
        "eq",
        "--bits",
        "4",
        "--cnf",
        &f("cover_0.cnf"),
        "--lrat",
        &f("cover_0.lrat"),
    ]);
    // a proof cut before the empty clause proves nothing
    let lrat = std::fs::read_to_string(dir.join("cover_0.lrat")).expect("lrat");
    let cut: String = lrat
        .lines()
        .take(lrat.lines().count() / 2)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("cut.lrat"), cut).expect("write");
    let msg = run_invalid(&[
        "check",
        "ip",
        "--bits",
        "4",
        "--cnf",
        &f("cover_0.cnf"),
        "--lrat",
        &f("cut.lrat"),
    ]);
    assert!(msg.contains("without the empty clause"), "{msg}");
    // the directory is not reused: no file of the user's is replaced
    let again = cclab(&[
        "bounds",
        "ip",
        "--bits",
        "2",
        "--certificates",
        "full",
        "--certificates-dir",
        d,
    ]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

/// EQ_3: the fooling classes meet the fooling set (8), and a class with a fooling pair is rejected.
#[test]
fn issue20_fooling_upper_bound_is_checked() {
    let dir = tmp_dir("eq3");
    std::fs::create_dir_all(&dir).expect("dir");
    let good = dir.join("good.txt");
    let cells: Vec<String> = (0..8).map(|i| format!("{i},{i}\n")).collect();
    std::fs::write(&good, format!("colour 1\n{}", cells.concat())).expect("write");
    let ok = run_ok(&[
        "check",
        "eq",
        "--bits",
        "3",
        "--fooling-upper",
        good.to_str().expect("utf-8"),
    ]);
    assert!(ok.contains("at most 8 cells"), "{ok}");
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, format!("colour 1\n0,0 1,1\n{}", cells[2..].concat())).expect("write");
    let msg = run_invalid(&[
        "check",
        "eq",
        "--bits",
        "3",
        "--fooling-upper",
        bad.to_str().expect("utf-8"),
    ]);
    assert!(msg.contains("fooling pair"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Malformed certificate files get line and column, never a panic.
#[test]
fn issue20_malformed_certificates_are_located() {
    let dir = tmp_dir("bad");
    std::fs::create_dir_all(&dir).expect("dir");
    let w = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p.to_str().expect("utf-8").to_string()
    };
    let cnf = w("a.cnf", "p cnf 2 1\n1 x 0\n");
    let lrat = w("a.lrat", "3 0 1 0\n");
    let msg = run_invalid(&["check", "eq", "--bits", "1", "--cnf", &cnf, "--lrat", &lrat]);
    assert!(msg.contains("line 2, column 3"), "{msg}");
    let rank = w("r.txt", "field Q\nbasis 0 one\n");
    let msg = run_invalid(&["check", "eq", "--bits", "1", "--rank-factorisation", &rank]);
    assert!(msg.contains("line 2, column 9"), "{msg}");
    let classes = w("c.txt", "0,0\n1;1\n");
    let msg = run_invalid(&["check", "eq", "--bits", "1", "--fooling-upper", &classes]);
    assert!(msg.contains("line 2, column 1"), "{msg}");
    let area = w("a.json", "{\"colour\": 1,\n \"cells\": x}");
    let msg = run_invalid(&["check", "eq", "--bits", "1", "--area-bound", &area]);
    assert!(msg.contains("line 2"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}
