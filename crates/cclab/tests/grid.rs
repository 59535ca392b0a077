//! `cclab grid` and `cclab merge` (issue 17): shards run as separate processes merge into
//! the unsharded output byte for byte; a complete shard is not run again; the scheduler's
//! index variables pick the shard; bad grids are refused before anything runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cclab_bin, stderr, stdout};

const GRID: &str = "\
# a small grid: two dissemination and two coordination protocols
protocols = [\"push\", \"tree\", \"2pc\", \"raft\"]
nodes = [8, 16]
latency_ms = [1, 50]
loss = [0, 0.05]
jitter_ms = [0, 10]
trials = 3
seed = 11
";

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cclab-grid-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    std::fs::write(d.join("grid.toml"), GRID).expect("grid file");
    d
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(cclab_bin());
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cclab runs");
    assert!(
        out.status.success(),
        "cclab {args:?}: {}\n{}",
        stderr(&out),
        stdout(&out)
    );
    out
}

/// The first differing line of two outputs, for a readable failure.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    a.lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map_or(
            "one output is a prefix of the other".to_string(),
            |(i, (x, y))| format!("line {}: `{x}` vs `{y}`", i + 1),
        )
}

#[test]
fn shards_run_as_separate_processes_merge_into_the_unsharded_bytes() {
    let dir = scratch("merge");
    run(
        &dir,
        &[
            "grid",
            "grid.toml",
            "--out",
            "whole.json",
            "--csv",
            "whole.csv",
        ],
        &[],
    );
    let whole = std::fs::read(dir.join("whole.json")).expect("whole");
    for n in [1usize, 3, 7] {
        let mut files = Vec::new();
        for k in 0..n {
            let f = format!("s{n}-{k}.json");
            run(
                &dir,
                &[
                    "grid",
                    "grid.toml",
                    "--shard",
                    &format!("{k}/{n}"),
                    "--out",
                    &f,
                ],
                &[],
            );
            files.push(f);
        }
        files.reverse(); // order of the arguments does not matter
        let mut args = vec!["merge"];
        args.extend(files.iter().map(String::as_str));
        let merged = run(&dir, &args, &[]);
        assert!(
            merged.stdout == whole,
            "merge of {n} shards differs from the whole grid:\n{}",
            first_difference(&whole, &merged.stdout)
        );
        let mut args = vec!["merge", "--csv", "merged.csv"];
        args.extend(files.iter().map(String::as_str));
        run(&dir, &args, &[]);
        assert_eq!(
            std::fs::read(dir.join("merged.csv")).expect("csv"),
            std::fs::read(dir.join("whole.csv")).expect("csv")
        );
    }
    let csv = std::fs::read_to_string(dir.join("whole.csv")).expect("csv");
    assert!(csv.starts_with(
        "point,protocol,family,nodes,latency_ms,loss,bandwidth_mbps,jitter_ms,crash,trials,\
         time_model,latency_p50_ms,latency_p99_ms,latency_max_ms,messages_mean,messages_p99,\
         bytes_mean,bytes_p99,ops_per_trial,delivered,violations\n"
    ));
    assert_eq!(csv.lines().count(), 1 + 4 * 2 * 2 * 2 * 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_or_foreign_shard_is_refused() {
    let dir = scratch("refuse");
    run(
        &dir,
        &["grid", "grid.toml", "--shard", "0/2", "--out", "a.json"],
        &[],
    );
    let out = Command::new(cclab_bin())
        .args(["merge", "a.json"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
    run(
        &dir,
        &[
            "grid",
            "--protocols",
            "push",
            "--shard",
            "1/2",
            "--out",
            "b.json",
        ],
        &[],
    );
    let out = Command::new(cclab_bin())
        .args(["merge", "a.json", "b.json"])
        .current_dir(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("different grids"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_complete_shard_is_not_run_again_and_an_incomplete_one_is() {
    let dir = scratch("resume");
    let first = run(
        &dir,
        &["grid", "grid.toml", "--shard", "1/3", "--out", "s.json"],
        &[],
    );
    assert!(!stderr(&first).contains("nothing to run"));
    let before = std::fs::read(dir.join("s.json")).expect("shard");
    let again = run(
        &dir,
        &["grid", "grid.toml", "--shard", "1/3", "--out", "s.json"],
        &[],
    );
    assert!(
        stderr(&again).contains("nothing to run"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(dir.join("s.json")).expect("shard"), before);
    // A truncated output is run again and completed.
    std::fs::write(dir.join("s.json"), &before[..before.len() / 2]).expect("truncate");
    let rerun = run(
        &dir,
        &["grid", "grid.toml", "--shard", "1/3", "--out", "s.json"],
        &[],
    );
    assert!(!stderr(&rerun).contains("nothing to run"));
    assert_eq!(std::fs::read(dir.join("s.json")).expect("shard"), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_schedulers_index_variables_pick_the_shard() {
    let dir = scratch("auto");
    run(
        &dir,
        &[
            "grid",
            "grid.toml",
            "--shard",
            "2/4",
            "--out",
            "explicit.json",
        ],
        &[],
    );
    run(
        &dir,
        &[
            "grid",
            "grid.toml",
            "--shard",
            "auto/4",
            "--out",
            "slurm.json",
        ],
        &[("SLURM_ARRAY_TASK_ID", "2")],
    );
    run(
        &dir,
        &[
            "grid",
            "grid.toml",
            "--shard",
            "auto/4",
            "--out",
            "k8s.json",
        ],
        &[("JOB_COMPLETION_INDEX", "2")],
    );
    let explicit = std::fs::read(dir.join("explicit.json")).expect("out");
    assert_eq!(
        std::fs::read(dir.join("slurm.json")).expect("out"),
        explicit
    );
    assert_eq!(std::fs::read(dir.join("k8s.json")).expect("out"), explicit);
    let out = Command::new(cclab_bin())
        .args(["grid", "grid.toml", "--shard", "auto/4"])
        .current_dir(&dir)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SLURM_ARRAY_TASK_ID"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_grids_are_refused_at_once_with_line_and_column_or_the_range() {
    let dir = scratch("bad");
    for (file, needle) in [
        (
            "protocols = [\"push\"]\nlatency_ms = [5\n",
            "line 2, column",
        ),
        ("protocols = [\"push\"]\nlos = [0]\n", "unknown field `los`"),
        ("protocols = [\"push\"]\nloss = [0, 2]\n", "[0, 1], got 2"),
        ("protocols = [\"raft\"]\nnodes = [100]\n", "3..=64"),
        ("protocols = [\"paxso\"]\n", "did you mean `paxos`?"),
    ] {
        std::fs::write(dir.join("g.toml"), file).expect("write");
        let out = Command::new(cclab_bin())
            .args(["grid", "g.toml"])
            .current_dir(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(stderr(&out).contains(needle), "{file}: {}", stderr(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rows_are_priced_on_a_catalog_path() {
    let dir = scratch("price");
    let out = run(
        &dir,
        &[
            "grid",
            "--protocols",
            "tree",
            "--nodes",
            "16",
            "--trials",
            "2",
            "--price-path",
            "aws:us-east-1->aws:us-west-2",
        ],
        &[],
    );
    let text = stdout(&out);
    assert!(text.contains("usd_per_op"), "{text}");
    assert!(text.contains("as of"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn advise_answers_from_the_grid_where_it_covers_the_point_and_simulates_elsewhere() {
    let dir = scratch("advise");
    run(
        &dir,
        &[
            "grid",
            "--protocols",
            "push,flood,tree",
            "--nodes",
            "64",
            "--latency-ms",
            "20",
            "--loss",
            "0,0.05",
            "--trials",
            "5",
            "--out",
            "g.json",
        ],
        &[],
    );
    let covered = run(
        &dir,
        &[
            "advise",
            "--grid",
            "g.json",
            "--nodes",
            "64",
            "--latency-ms",
            "20",
            "--loss",
            "0",
            "--json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&covered.stdout).expect("json");
    let cands = v["candidates"].as_array().expect("candidates");
    assert_eq!(cands.len(), 3, "{v}");
    assert!(
        cands
            .iter()
            .all(|c| c["source"].as_str().unwrap_or("").starts_with("grid point"))
    );
    assert!(v["recommended"].is_string());
    // Bytes alone: the tree's n - 1 messages win when nothing is lost.
    let bytes = run(
        &dir,
        &[
            "advise",
            "--grid",
            "g.json",
            "--nodes",
            "64",
            "--latency-ms",
            "20",
            "--loss",
            "0",
            "--weights",
            "p99=0,bytes=1,loss=0",
            "--json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&bytes.stdout).expect("json");
    assert_eq!(v["recommended"], "tree", "{v}");
    // Every loser says why.
    let losers = v["candidates"].as_array().expect("candidates");
    assert!(
        losers
            .iter()
            .filter(|c| c["protocol"] != "tree")
            .all(|c| c["loses"].is_string())
    );
    // Not in the grid: simulated on demand, and said so.
    let fresh = run(
        &dir,
        &[
            "advise",
            "--grid",
            "g.json",
            "--nodes",
            "64",
            "--latency-ms",
            "30",
            "--json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&fresh.stdout).expect("json");
    assert!(v["candidates"].as_array().expect("c").iter().all(|c| {
        c["source"]
            .as_str()
            .unwrap_or("")
            .starts_with("simulated now")
    }));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn advise_says_which_protocols_cannot_run_and_refuses_bad_weights() {
    let dir = scratch("advise-bad");
    let out = run(
        &dir,
        &["advise", "--task", "consensus", "--nodes", "100"],
        &[],
    );
    let text = stdout(&out);
    assert!(
        text.contains("raft cannot run here") && text.contains("3..=64"),
        "{text}"
    );
    for (args, needle) in [
        (
            &["advise", "--nodes", "10", "--weights", "byte=1"][..],
            "did you mean `bytes`?",
        ),
        (
            &["advise", "--nodes", "10", "--weights", "p99=-1"][..],
            ">= 0",
        ),
        (
            &["advise", "--nodes", "10", "--task", "comit"][..],
            "did you mean `commit`?",
        ),
    ] {
        let out = Command::new(cclab_bin())
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
