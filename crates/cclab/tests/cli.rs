//! CLI behaviour: exit codes, error messages, help.

mod common;

use common::{cclab, stderr, stdout};

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

fn write_tmp(name: &str, contents: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cclab-cli-{}", std::process::id()));
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

fn assert_input_error(args: &[&str], needles: &[&str]) {
    let out = cclab(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "cclab {args:?}: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(
            err.contains(n),
            "cclab {args:?}: stderr lacks {n:?}:\n{err}"
        );
    }
}

// ---- bounds ----

#[test]
fn bounds_json_has_the_documented_keys_and_exact_values() {
    let v = json(&["bounds", "eq", "--bits", "3", "--json"]);
    for key in [
        "rows",
        "cols",
        "distinct_rows",
        "distinct_cols",
        "measures",
        "bounds",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let rank_q = &v["measures"]["rank_q"];
    for key in ["lower", "upper", "certificate", "method"] {
        assert!(rank_q.get(key).is_some(), "rank_q lacks {key}");
    }
    assert_eq!(rank_q["lower"], 8);
    assert_eq!(rank_q["upper"], 8);
    assert_eq!(v["measures"]["fooling_0"]["lower"], 3);
    for b in v["bounds"].as_array().expect("bounds array") {
        for key in ["name", "value", "theorem"] {
            assert!(b.get(key).is_some(), "bound lacks {key}: {b}");
        }
    }
}

#[test]
fn bounds_measures_flag_computes_only_what_is_asked() {
    let v = json(&[
        "bounds",
        "ip",
        "--bits",
        "4",
        "--measures",
        "rank_gf2",
        "--json",
    ]);
    let measures = v["measures"].as_object().expect("measures object");
    assert!(measures.contains_key("rank_gf2"));
    assert!(!measures.contains_key("fooling_0"), "{measures:?}");
    assert_eq!(v["measures"]["rank_gf2"]["lower"], 4);
}

#[test]
fn bounds_reads_text_csv_and_json_matrices_and_expressions() {
    let text = write_tmp("m.txt", "# identity\n1 0 0\n0 1 0\n\n0 0 1\n");
    let csv = write_tmp("m.csv", "1,0,0\n0,1,0\n0,0,1\n");
    let js = write_tmp("m.json", "[[1,0,0],[0,1,0],[0,0,1]]");
    for path in [&text, &csv, &js] {
        let v = json(&[
            "bounds",
            "--matrix",
            path.to_str().expect("utf-8"),
            "--json",
        ]);
        assert_eq!(v["measures"]["rank_q"]["lower"], 3, "{}", path.display());
    }
    let v = json(&[
        "bounds",
        "--expr",
        "popcount(x & y) % 2",
        "--bits",
        "3",
        "--json",
    ]);
    assert_eq!(v["measures"]["rank_gf2"]["lower"], 3);
}

#[test]
fn bounds_parse_errors_name_line_and_column() {
    let ragged = write_tmp("ragged.txt", "0 1\n1\n");
    assert_input_error(
        &["bounds", "--matrix", ragged.to_str().expect("utf-8")],
        &["line 2"],
    );
    let bad = write_tmp("bad.txt", "0 1\n1 x\n");
    assert_input_error(
        &["bounds", "--matrix", bad.to_str().expect("utf-8")],
        &["line 2, column 3"],
    );
    let empty = write_tmp("empty.txt", "# nothing\n\n");
    assert_input_error(
        &["bounds", "--matrix", empty.to_str().expect("utf-8")],
        &["empty"],
    );
    assert_input_error(
        &["bounds", "--expr", "x +* y", "--bits", "2"],
        &["column 4"],
    );
    assert_input_error(
        &["bounds", "--expr", "x / (y - y)", "--bits", "2"],
        &["zero"],
    );
    assert_input_error(
        &["bounds", "frob", "--bits", "2"],
        &["unknown function", "eq"],
    );
    assert_input_error(
        &["bounds", "--matrix", "/nonexistent/m.txt"],
        &["cannot read matrix file"],
    );
    assert_input_error(
        &["bounds", "eq", "--bits", "3", "--measures", "rank_x"],
        &["rank_x"],
    );
}

#[test]
fn bounds_verifies_a_students_fooling_set() {
    let good = write_tmp("good.txt", "0 0\n1 1\n2 2\n3 3\n");
    let out = cclab(&[
        "bounds",
        "eq",
        "--bits",
        "2",
        "--check-fooling",
        good.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("valid"));
    let bad = write_tmp("bad-fool.txt", "0 1\n1 0\n1 2\n2 1\n");
    let out = cclab(&[
        "bounds",
        "eq",
        "--bits",
        "2",
        "--check-fooling",
        bad.to_str().expect("utf-8"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["valid"], false);
    assert!(
        v["violation"]
            .as_str()
            .expect("violation text")
            .contains("do not fool"),
        "{v}"
    );
}

// ---- sim ----

#[test]
fn sim_json_has_the_documented_keys() {
    let v = json(&[
        "sim", "push", "--nodes", "1000", "--trials", "8", "--seed", "3", "--json",
    ]);
    for key in [
        "protocol",
        "nodes",
        "trials",
        "seed",
        "rounds",
        "messages",
        "messages_per_node",
        "residue",
        "t_last",
        "t_ave",
        "delivery_ratio",
        "bytes",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in ["mean", "ci95", "median", "min", "max"] {
        assert!(v["rounds"].get(key).is_some(), "rounds lacks {key}");
    }
    assert_eq!(v["delivery_ratio"]["min"], 1.0);
}

#[test]
fn sim_is_deterministic_across_runs_and_thread_counts() {
    let args = [
        "sim",
        "push-pull",
        "--nodes",
        "5000",
        "--trials",
        "16",
        "--seed",
        "11",
        "--json",
    ];
    let a = common::cclab_env(&args, &[("RAYON_NUM_THREADS", "1")]);
    let b = common::cclab_env(&args, &[("RAYON_NUM_THREADS", "2")]);
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout, "JSON differs between 1 and 2 threads");
    let c = cclab(&[
        "sim",
        "push-pull",
        "--nodes",
        "5000",
        "--trials",
        "16",
        "--seed",
        "12",
        "--json",
    ]);
    assert_ne!(
        a.stdout, c.stdout,
        "a different seed should give a different run"
    );
}

#[test]
fn sim_refuses_bad_parameters_naming_them() {
    assert_input_error(&["sim", "push", "--nodes", "1"], &["nodes"]);
    assert_input_error(
        &["sim", "push", "--nodes", "10", "--loss", "1.5"],
        &["loss"],
    );
    assert_input_error(
        &["sim", "push", "--nodes", "10", "--fanout", "10"],
        &["fanout"],
    );
    assert_input_error(&["sim", "telepathy", "--nodes", "10"], &["telepathy"]);
}

#[test]
fn sim_coordination_json_and_protocol_flags() {
    // Every coordination protocol's JSON carries the issue's keys.
    for (protocol, nodes) in [
        ("2pc", "5"),
        ("3pc", "5"),
        ("paxos", "5"),
        ("multi-paxos", "5"),
        ("raft", "5"),
        ("isr", "5"),
        ("quorum", "5"),
        ("pbft", "4"),
        ("commit-wait", "5"),
        ("spanner-commit", "4"),
        ("raft-read", "5"),
    ] {
        let v = json(&["sim", protocol, "--nodes", nodes, "--trials", "3", "--json"]);
        for key in ["messages_per_decision", "message_delays", "violations"] {
            assert!(v.get(key).is_some(), "{protocol} lacks {key}: {v}");
        }
        assert!(v["latency_ms"].get("p50").is_some(), "{protocol}: {v}");
        assert!(v["latency_ms"].get("p99").is_some(), "{protocol}: {v}");
        assert_eq!(v["violations"]["count"], 0, "{protocol}: {v}");
    }
    // The protocol-specific flags reach the simulation: acks = 0 skips the ack, 2N - 1.
    let v = json(&[
        "sim", "isr", "--nodes", "5", "--acks", "0", "--trials", "2", "--json",
    ]);
    assert_eq!(v["messages_per_decision"]["mean"], 9.0, "{v}");
    assert_eq!(v["parameters"]["acks"], "0");
    // Batching divides Multi-Paxos messages per command: 2(N - 1)/b.
    let v = json(&[
        "sim",
        "multi-paxos",
        "--nodes",
        "5",
        "--batch",
        "10",
        "--window",
        "8",
        "--trials",
        "2",
        "--json",
    ]);
    assert_eq!(v["messages_per_decision"]["mean"], 0.8, "{v}");
    assert_eq!(v["parameters"]["window"], "8");
    let v = json(&[
        "sim",
        "pbft",
        "--nodes",
        "7",
        "--byzantine",
        "2",
        "--option",
        "equivocating",
        "--trials",
        "3",
        "--json",
    ]);
    assert_eq!(v["violations"]["count"], 0, "{v}");
    let v = json(&[
        "sim",
        "commit-wait",
        "--nodes",
        "3",
        "--epsilon-ms",
        "2",
        "--trials",
        "2",
        "--json",
    ]);
    assert_eq!(v["parameters"]["epsilon_ms"], "2");
    // Impossible configurations are refused, naming the parameter.
    assert_input_error(
        &["sim", "pbft", "--nodes", "7", "--byzantine", "3"],
        &["byzantine"],
    );
    assert_input_error(&["sim", "pbft", "--nodes", "5"], &["nodes", "3f + 1"]);
    assert_input_error(
        &["sim", "quorum", "--nodes", "5", "--write-quorum", "6"],
        &["`--write-quorum`"],
    );
    assert_input_error(&["sim", "isr", "--nodes", "5", "--acks", "2"], &["acks"]);
    assert_input_error(
        &[
            "sim",
            "raft",
            "--nodes",
            "5",
            "--faults",
            "loss=0.1,wobble=3",
        ],
        &["faults", "wobble"],
    );
}

// ---- cost ----

/// The source text's cross-region 2PC example (5 participants, RTT 100 ms, $0.01 per 1000
/// messages, $1/s, 1M transactions a day).
const COST_2PC_TEXT_EXAMPLE: [&str; 13] = [
    "cost",
    "2pc",
    "--participants",
    "5",
    "--rtt-ms",
    "100",
    "--price-per-1000-messages",
    "0.01",
    "--latency-usd-per-s",
    "1",
    "--tx-per-day",
    "1000000",
    "--json",
];

#[test]
fn cost_json_has_the_documented_keys() {
    let v = json(&COST_2PC_TEXT_EXAMPLE);
    for key in [
        "messages_per_tx",
        "rounds",
        "latency_ms",
        "message_cost_usd_per_tx",
        "latency_cost_usd_per_tx",
        "per_tx_usd",
        "per_day_usd",
        "per_year_usd",
        "assumptions",
    ] {
        assert!(v.get(key).is_some(), "missing {key}: {v}");
    }
}

#[test]
fn cost_refuses_impossible_configurations() {
    assert_input_error(
        &[
            "cost",
            "quorum",
            "--participants",
            "3",
            "--r",
            "4",
            "--w",
            "2",
        ],
        &["R"],
    );
    assert_input_error(&["cost", "consensus-magic"], &["consensus-magic"]);
    assert_input_error(
        &[
            "cost",
            "2pc",
            "--participants",
            "3",
            "--regions",
            "us-east-1,atlantis-1,eu-west-1",
        ],
        &["atlantis-1"],
    );
    let bad = write_tmp("prices.csv", "this is not a catalog\n");
    assert_input_error(
        &["cost", "catalog", "--catalog", bad.to_str().expect("utf-8")],
        &["prices.csv"],
    );
}

#[test]
fn cost_catalog_lists_sources_and_dates() {
    let out = cclab(&["cost", "catalog"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("as_of") || text.contains("as of"), "{text}");
    assert!(
        text.contains("aws") && text.contains("gcp") && text.contains("azure"),
        "{text}"
    );
}

// ---- snapshots of the stable JSON outputs ----

#[test]
fn snapshot_bounds_eq2_json() {
    insta::assert_snapshot!(stdout(&cclab(&["bounds", "eq", "--bits", "2", "--json"])));
}

#[test]
fn snapshot_cost_2pc_json() {
    insta::assert_snapshot!(stdout(&cclab(&COST_2PC_TEXT_EXAMPLE)));
}

#[test]
fn snapshot_sim_push_json() {
    insta::assert_snapshot!(stdout(&cclab(&[
        "sim", "push", "--nodes", "200", "--trials", "5", "--seed", "9", "--json"
    ])));
}

// ---- check ----

#[test]
fn check_accepts_a_correct_protocol_and_names_the_first_wrong_input() {
    let m = write_tmp("eq1.txt", "1 0\n0 1\n");
    let good = write_tmp(
        "tree.txt",
        "alice 0\n  bob 0\n    leaf 1\n    leaf 0\n  bob 0\n    leaf 0\n    leaf 1\n",
    );
    let bad = write_tmp("bad-tree.txt", "alice 0\n  leaf 1\n  leaf 0\n");
    let m = m.to_str().expect("utf-8");
    let out = cclab(&[
        "check",
        "--matrix",
        m,
        "--protocol",
        good.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["valid"], true);
    assert_eq!(v["depth"], 2);
    let out = cclab(&[
        "check",
        "--matrix",
        m,
        "--protocol",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("x = 0, y = 1"), "{}", stdout(&out));
}

#[test]
fn check_covers_partitions_and_fooling_sets() {
    let m = write_tmp("eq1b.txt", "1 0\n0 1\n");
    let m = m.to_str().expect("utf-8");
    let part = write_tmp("part.txt", "rows 0 ; cols 0\nrows 1 ; cols 1\n");
    let out = cclab(&[
        "check",
        "--matrix",
        m,
        "--partition",
        part.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let bad = write_tmp("badcov.txt", "rows 0 1 ; cols 0\n");
    let out = cclab(&[
        "check",
        "--matrix",
        m,
        "--cover",
        bad.to_str().expect("utf-8"),
        "--colour",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("cell (1, 0)"), "{}", stdout(&out));
    let fool = write_tmp("fool.txt", "0 0\n1 1\n");
    let out = cclab(&[
        "check",
        "--matrix",
        m,
        "--fooling",
        fool.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stdout(&out));
    let garbage = write_tmp("garbage.txt", "alice zero\n");
    assert_input_error(
        &[
            "check",
            "--matrix",
            m,
            "--protocol",
            garbage.to_str().expect("utf-8"),
        ],
        &["line 1"],
    );
}

#[test]
fn explained_optimal_tree_passes_the_protocol_checker() {
    for (f, bits, d) in [("gt", "2", 3), ("eq", "2", 3), ("disj", "2", 3)] {
        let out = cclab(&["bounds", f, "--bits", bits, "--explain"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let tree: String = text
            .split_once("protocol tree (")
            .and_then(|(_, rest)| rest.split_once('\n'))
            .map(|(_, tree)| tree.to_string())
            .expect("--explain prints a tree");
        let path = write_tmp(&format!("explained-{f}.txt"), &tree);
        let out = cclab(&[
            "check",
            f,
            "--bits",
            bits,
            "--protocol",
            path.to_str().expect("utf-8"),
            "--json",
        ]);
        assert!(out.status.success(), "{f}: {}\n{tree}", stdout(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(v["depth"], d, "{f}");
    }
}

#[test]
fn the_other_answer_bit_convention_is_one_less_for_eq() {
    let v = json(&[
        "bounds",
        "eq",
        "--bits",
        "3",
        "--measures",
        "deterministic",
        "--answer-bit",
        "not-counted",
        "--json",
    ]);
    assert_eq!(
        v["measures"]["deterministic"]["lower"], 4,
        "KN convention: D(EQ_3) = 4"
    );
    assert_eq!(v["deterministic_answer_bit_not_counted"]["lower"], 3);
    assert_eq!(v["deterministic_answer_bit_not_counted"]["upper"], 3);
}

#[test]
fn cost_strategies_are_computed_before_and_after() {
    let v = json(&[
        "cost",
        "raft",
        "--participants",
        "3",
        "--regions",
        "us-east-1,us-west-2,eu-west-1",
        "--strategies",
        "--json",
    ]);
    let strategies = v["strategies"].as_array().expect("strategies array");
    let names: Vec<&str> = strategies
        .iter()
        .filter_map(|s| s["strategy"].as_str())
        .collect();
    for expected in [
        "batching",
        "regional affinity",
        "sharding",
        "async replication",
        "CRDTs",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(
        v.get("per_day_usd").is_some(),
        "the report itself is still there"
    );
}

#[test]
fn cost_catalog_json_lists_prices_and_rtt_matrices_with_values() {
    let v = json(&["cost", "catalog", "--json"]);
    let prices = v["prices"].as_array().expect("prices");
    assert!(
        prices
            .iter()
            .any(|p| p["kind"] == "nat_processing" && p["usd"] == "0.045")
    );
    assert!(
        prices
            .iter()
            .all(|p| p["source"].as_str().is_some_and(|s| !s.is_empty())
                && p["as_of"].as_str().is_some())
    );
    let ms = v["matrices"].as_array().expect("matrices");
    assert_eq!(ms.len(), 3);
    for m in ms {
        let n = m["regions"].as_array().expect("regions").len();
        // AWS's retrieved grid (Skyplane) is a mean; Azure's and GCP's are medians
        let stat = if m["provider"] == "aws" {
            "mean"
        } else {
            "median"
        };
        assert_eq!(m["statistic"], stat);
        assert!(m["as_of"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(m["source"].as_str().is_some_and(|s| !s.is_empty()));
        let rows = m["rtt_ms"].as_array().expect("rtt_ms");
        assert_eq!(rows.len(), n);
        assert!(rows.iter().all(|r| r.as_array().expect("row").len() == n));
    }
    let aws = ms.iter().find(|m| m["provider"] == "aws").expect("aws");
    assert_eq!(aws["regions"][0], "us-east-1");
    assert_eq!(aws["regions"][6], "eu-west-1");
    assert_eq!(aws["rtt_ms"][0][6], 84.936);
    let p95 = write_tmp(
        "rtt_p95.csv",
        "# provider: aws\n# statistic: p95\n# source: test\n# as_of: 2024-01\n# same_zone_rtt_ms: 0.1\nfrom,us-east-1,eu-west-1\nus-east-1,1,70\neu-west-1,71,1\n",
    );
    let v = json(&[
        "cost",
        "catalog",
        "--catalog",
        p95.to_str().expect("utf-8"),
        "--json",
    ]);
    let aws = v["matrices"]
        .as_array()
        .expect("matrices")
        .iter()
        .find(|m| m["provider"] == "aws")
        .expect("aws")
        .clone();
    assert_eq!(aws["statistic"], "p95");
    assert_eq!(aws["rtt_ms"], serde_json::json!([[1.0, 70.0], [71.0, 1.0]]));
}

#[test]
fn cost_transfer_via_nat_adds_nat_processing() {
    let v = json(&[
        "cost",
        "transfer",
        "--messages-per-day",
        "100000000",
        "--message-bytes",
        "1000",
        "--path",
        "us-east-1:eu-west-1",
        "--via-nat",
        "--json",
    ]);
    // 100 GB a day x ($0.02 inter-region + $0.045 NAT processing).
    assert_eq!(v["per_day_usd"], "6.50");
    assert_eq!(v["per_year_usd"], "2372.50");
    assert!(
        v["assumptions"]
            .as_array()
            .expect("assumptions")
            .iter()
            .any(|a| a["name"] == "NAT gateway processing"
                && a["source"]
                    .as_str()
                    .is_some_and(|s| s.contains("cloudburn.io")))
    );
    assert_input_error(
        &[
            "cost",
            "transfer",
            "--messages-per-day",
            "1",
            "--message-bytes",
            "1",
            "--price-per-gb",
            "0.02",
            "--via-nat",
        ],
        &["via-nat"],
    );
    let help = stdout(&cclab(&["cost", "--help"]));
    assert!(
        help.contains("--via-nat") && help.contains("--groups"),
        "{help}"
    );
}

#[test]
fn cost_strategies_compute_hierarchical_raft() {
    let v = json(&[
        "cost",
        "raft",
        "--participants",
        "9",
        "--regions",
        "us-east-1,eu-west-1,ap-northeast-1",
        "--message-bytes",
        "1000",
        "--tx-per-day",
        "1000000",
        "--strategies",
        "--json",
    ]);
    let h = v["strategies"]
        .as_array()
        .expect("strategies")
        .iter()
        .find(|s| s["strategy"] == "hierarchical coordination")
        .expect("row")
        .clone();
    assert_eq!(h["applicable"], true);
    assert_eq!(h["before_per_day_usd"], "0.53");
    assert_eq!(h["after_per_day_usd"], "0.39");
    // 4th fastest follower RTT from us-east-1: eu-west-1's 84.936 ms (Skyplane means);
    // two levels: the second of the groups done at 1, 85.936, 168.805 ms
    assert_eq!(h["before_latency_ms"], 84.936);
    let after = h["after_latency_ms"].as_f64().expect("a number");
    assert!((after - 85.936).abs() < 1e-9, "{after}");
}

#[test]
fn sim_commit_wait_takes_faults_and_reports_clock_errors_beyond_epsilon() {
    // The default mix keeps the real clock error within ε: externally consistent.
    let v = json(&[
        "sim",
        "commit-wait",
        "--nodes",
        "5",
        "--faults",
        "default",
        "--trials",
        "10",
        "--json",
    ]);
    assert_eq!(v["violations"]["count"], 0, "{v}");
    assert!(v["latency_ms"]["p50"].as_f64().is_some_and(|x| x > 14.0));
    // Clock offsets of up to 50 ms against ε = 7 ms break external consistency.
    let v = json(&[
        "sim",
        "commit-wait",
        "--nodes",
        "5",
        "--faults",
        "skew=50",
        "--trials",
        "10",
        "--json",
    ]);
    assert!(
        v["violations"]["count"].as_u64().is_some_and(|c| c > 0),
        "{v}"
    );
    assert!(v["violations"]["first_seed"].is_u64(), "{v}");
    assert_input_error(
        &["sim", "commit-wait", "--nodes", "5", "--faults", "skew=-1"],
        &["skew"],
    );
}

#[test]
fn sim_every_coordination_protocol_takes_faults() {
    // pbft, quorum and the ring elections accept `--faults` like the others;
    // their checkers run on every faulty schedule and find nothing.
    for (protocol, nodes) in [("pbft", "4"), ("quorum", "5"), ("lcr", "8"), ("hs", "8")] {
        for faults in ["default", "loss=0.2,crash=0.5,recover=1"] {
            let v = json(&[
                "sim", protocol, "--nodes", nodes, "--faults", faults, "--trials", "20", "--json",
            ]);
            assert_eq!(v["violations"]["count"], 0, "{protocol} {faults}: {v}");
            // the effective mix: every key, the given values
            let shown = v["parameters"]["faults"].as_str().expect("a string");
            for part in faults.split(',') {
                assert!(shown.split(',').any(|s| s == part), "{part}: {shown}");
            }
        }
    }
    // Ring elections over reliable links: every fault heals (recover=1), so
    // every run elects, paying acks and retransmissions on top of the election.
    let v = json(&[
        "sim",
        "lcr",
        "--nodes",
        "8",
        "--faults",
        "loss=0.3,crash=0.5,recover=1",
        "--trials",
        "20",
        "--json",
    ]);
    assert_eq!(v["delivery_ratio"]["mean"], 1.0, "{v}");
    let plain = json(&["sim", "lcr", "--nodes", "8", "--trials", "20", "--json"]);
    assert!(
        v["messages"]["mean"].as_f64() > plain["messages"]["mean"].as_f64(),
        "{v} {plain}"
    );
    // A strict quorum under heavy duplication and crashes never reads stale data;
    // with R + W <= N it does.
    let v = json(&[
        "sim",
        "quorum",
        "--nodes",
        "5",
        "--read-quorum",
        "1",
        "--write-quorum",
        "1",
        "--faults",
        "default",
        "--trials",
        "200",
        "--json",
    ]);
    assert_eq!(v["violations"]["count"], 0, "{v}");
    assert!(v["delivery_ratio"]["mean"].as_f64() < Some(1.0), "{v}");
    assert_input_error(
        &["sim", "pbft", "--nodes", "4", "--faults", "loss=2"],
        &["loss", "column 1"],
    );
}

#[test]
fn sweep_runs_every_protocol_and_catches_its_mutants() {
    let list = json(&["sweep", "--list", "--json"]);
    let protocols = list.as_array().expect("a list");
    assert_eq!(protocols.len(), 16, "{list}");
    for p in protocols {
        let name = p["protocol"].as_str().unwrap();
        let v = json(&["sweep", name, "--runs", "500", "--json"]);
        assert_eq!(v["violating_runs"], 0, "{name}: {v}");
        assert_eq!(v["runs"], 500);
        assert!(v["shortest"].is_null() && v["first_index"].is_null(), "{v}");
        let mutants = p["mutants"].as_array().unwrap();
        assert!(!mutants.is_empty(), "{name}");
    }
    // A mutant is caught: the shortest violating run comes with its trace, exit 0.
    let v = json(&[
        "sweep",
        "raft",
        "--mutant",
        "skip-up-to-date-check",
        "--runs",
        "3000",
        "--json",
    ]);
    assert!(v["violating_runs"].as_u64().unwrap() > 0, "{v}");
    let sh = &v["shortest"];
    assert!(sh["index"].is_u64() && !sh["trace"].as_array().unwrap().is_empty());
    assert!(
        sh["violations"][0].as_str().unwrap().contains("leader"),
        "{v}"
    );
    // Same seed, same bytes.
    let args = [
        "sweep",
        "hs",
        "--mutant",
        "high-water-dedup",
        "--runs",
        "400",
        "--json",
    ];
    assert_eq!(stdout(&cclab(&args)), stdout(&cclab(&args)));
    // The text form names the schedule and prints the trace.
    let out = cclab(&[
        "sweep",
        "crdt-counter",
        "--mutant",
        "sum-merge",
        "--runs",
        "50",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("shortest violating run (fewest messages): schedule"),
        "{text}"
    );
    assert!(text.contains("-> ") && text.contains("state"), "{text}");
    // Bad requests name the parameter.
    assert_input_error(
        &["sweep", "raft", "--mutant", "nope"],
        &["mutant", "skip-up-to-date-check"],
    );
    assert_input_error(&["sweep", "pbft", "--nodes", "5"], &["nodes", "3f + 1"]);
    assert_input_error(&["sweep", "telepathy"], &["protocol", "raft"]);
    assert_input_error(&["sweep", "raft", "--runs", "0"], &["runs"]);
}

// ---- issue 12: the protocol registry ----

#[test]
fn issue12_latency_and_faults_compose() {
    // --latency sets the links, --faults the faults: 50 ms links under a fault mix
    let v = json(&[
        "sim",
        "2pc",
        "--latency",
        "const:50",
        "--faults",
        "loss=0",
        "--trials",
        "5",
        "--json",
    ]);
    assert_eq!(v["extra"]["mean_link_latency_ms"]["mean"], 50.0, "{v}");
    assert_eq!(v["parameters"]["latency"], "const:50", "{v}");
    let plain = json(&[
        "sim",
        "2pc",
        "--latency",
        "const:50",
        "--trials",
        "5",
        "--json",
    ]);
    assert_eq!(plain["latency_ms"]["p50"], 200.0, "{plain}");
    // without --latency the mix's own latency applies (exponential, mean 10 ms)
    let mix = json(&[
        "sim", "2pc", "--faults", "loss=0", "--trials", "5", "--json",
    ]);
    let link = mix["extra"]["mean_link_latency_ms"]["mean"]
        .as_f64()
        .expect("a number");
    assert!(link > 5.0 && link < 20.0, "{mix}");
    // one way to set each part
    assert_input_error(
        &[
            "sim",
            "2pc",
            "--latency",
            "const:5",
            "--faults",
            "latency=3",
        ],
        &["latency"],
    );
    assert_input_error(
        &["sim", "2pc", "--loss", "0.1", "--faults", "default"],
        &["loss", "--faults"],
    );
}

#[test]
fn issue12_sim_defaults_come_from_the_registry() {
    let list = json(&["sim", "--list", "--json"]);
    let entries = list.as_array().expect("an array");
    assert_eq!(entries.len(), 26);
    for e in entries {
        let name = e["protocol"].as_str().expect("a name");
        if e["family"] != "coordination" {
            continue;
        }
        // every coordination protocol runs on its own default size
        let v = json(&["sim", name, "--trials", "2", "--json"]);
        assert_eq!(v["nodes"], e["nodes"]["default"], "{name}");
        assert_eq!(v["violations"]["count"], 0, "{name}: {v}");
    }
    // sweeps list exactly the registry's protocols that have one
    let sweeps = json(&["sweep", "--list", "--json"]);
    let with_sweep = entries.iter().filter(|e| e["sweep"] == true).count();
    assert_eq!(sweeps.as_array().expect("an array").len(), with_sweep);
    // the protocol list of --help is the registry's
    let help = stdout(&cclab(&["sim", "--help"]));
    for e in entries {
        assert!(
            help.contains(e["protocol"].as_str().expect("a name")),
            "{help}"
        );
    }
}

#[test]
fn issue12_jitter_and_bandwidth_reach_the_network() {
    let base = json(&[
        "sim",
        "2pc",
        "--latency",
        "const:10",
        "--trials",
        "20",
        "--json",
    ]);
    assert_eq!(base["latency_ms"]["p99"], 40.0, "{base}");
    let jitter = json(&[
        "sim",
        "2pc",
        "--latency",
        "const:10",
        "--jitter",
        "5",
        "--trials",
        "20",
        "--json",
    ]);
    let p99 = jitter["latency_ms"]["p99"].as_f64().expect("a number");
    assert!(p99 > 40.0 && p99 <= 60.0, "{jitter}");
    assert_eq!(jitter["parameters"]["jitter_ms"], "5");
    let slow = json(&[
        "sim",
        "2pc",
        "--latency",
        "const:10",
        "--bandwidth",
        "0.1",
        "--trials",
        "2",
        "--json",
    ]);
    assert!(
        slow["latency_ms"]["p50"].as_f64().expect("a number") > 40.0,
        "{slow}"
    );
    assert_input_error(&["sim", "push", "--jitter", "5"], &["round mode"]);
    assert_input_error(&["sim", "2pc", "--bandwidth", "0"], &["bandwidth"]);
}

#[test]
fn issue20_item8_a_file_named_builtin_does_not_shadow_the_builtin_catalog() {
    let dir = std::env::temp_dir().join(format!("cclab-builtin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("builtin"), "not a catalog\n").expect("write");
    let out = std::process::Command::new(common::cclab_bin())
        .args(["cost", "catalog", "--catalog", "builtin", "--json"])
        .current_dir(&dir)
        .output()
        .expect("cclab runs");
    assert!(out.status.success(), "{}", stderr(&out));
    // the file itself is still reachable by its path
    let out = std::process::Command::new(common::cclab_bin())
        .args(["cost", "catalog", "--catalog", "./builtin"])
        .current_dir(&dir)
        .output()
        .expect("cclab runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue20_item7_money_overflow_is_an_error_not_a_saturated_figure() {
    // was printed as $170,141,183,460,469,231,731.69 per day and per year
    assert_input_error(
        &[
            "cost",
            "2pc",
            "--participants",
            "5",
            "--rtt-ms",
            "100",
            "--price-per-1000-messages",
            "1000",
            "--tx-per-day",
            "18000000000000000000",
        ],
        &[
            "`--tx-per-day`",
            "18000000000000000000",
            "exact money range",
        ],
    );
}

#[test]
fn issue18_spanner_commit_and_raft_read_from_the_cli() {
    // 3 participants of 5 groups of 5 replicas: 3P - 1 + 2(R - 1)(2P - 1) = 48 messages a transaction
    let v = json(&[
        "sim",
        "spanner-commit",
        "--nodes",
        "5",
        "--participants",
        "3",
        "--replicas",
        "5",
        "--epsilon-ms",
        "4",
        "--trials",
        "2",
        "--json",
    ]);
    assert_eq!(v["messages_per_decision"]["mean"], 48.0, "{v}");
    assert_eq!(v["parameters"]["participants"], "3");
    assert_eq!(v["violations"]["count"], 0, "{v}");
    let v = json(&[
        "sim",
        "spanner-commit",
        "--faults",
        "default",
        "--trials",
        "5",
        "--json",
    ]);
    assert_eq!(v["violations"]["count"], 0, "{v}");
    // real clock offsets of up to 50 ms against ε = 7 ms: external consistency fails
    let v = json(&[
        "sim",
        "spanner-commit",
        "--faults",
        "skew=50,crash=0,partition=0,loss=0,dup=0",
        "--trials",
        "10",
        "--json",
    ]);
    assert!(
        v["violations"]["count"].as_u64().is_some_and(|c| c > 0),
        "{v}"
    );
    assert_input_error(
        &["sim", "spanner-commit", "--participants", "5"],
        &["participants"],
    );
    assert_input_error(&["sim", "raft", "--replicas", "3"], &["replicas"]);
    // a lease read costs no message
    let v = json(&[
        "sim",
        "raft-read",
        "--option",
        "lease",
        "--trials",
        "2",
        "--json",
    ]);
    assert_eq!(v["messages_per_decision"]["mean"], 0.0, "{v}");
    assert_eq!(v["parameters"]["read_path"], "lease");
    let v = json(&[
        "sim",
        "raft-read",
        "--faults",
        "default",
        "--trials",
        "4",
        "--json",
    ]);
    assert_eq!(v["violations"]["count"], 0, "{v}");
}
