//! Architecture invariant: dependencies between workspace crates point down only.
//!
//! [`ALLOWED`] is the single source of the layering: the test reads `cargo
//! metadata` and fails on any edge not in it, and on a library crate depending on
//! clap, anyhow or (outside dev-dependencies) insta; and `docs/ARCHITECTURE.md`
//! carries the same table — with the edges in use today — between `layering`
//! markers, which `architecture_doc_shows_the_layering_table` regenerates and
//! compares. `illegal_edge_fixture_is_caught` shows the check biting on a fixture
//! in which cc-theory depends on cc-sim.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Workspace crate -> the workspace crates it may depend on (any dependency kind).
const ALLOWED: &[(&str, &[&str])] = &[
    ("cc-theory", &[]),
    ("cc-sim", &["cc-theory"]),
    ("cc-cost", &[]),
    ("cc-report", &["cc-theory", "cc-sim", "cc-cost"]),
    ("cclab", &["cc-report", "cc-theory", "cc-sim", "cc-cost"]),
    ("xtask", &[]),
    ("cclab-tests", &[]),
];

/// Library crates: never clap or anyhow; insta only as a dev-dependency.
const LIBRARIES: &[&str] = &["cc-theory", "cc-sim", "cc-cost", "cc-report"];

fn violations(metadata: &Value) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let members: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut out = Vec::new();
    for p in &packages {
        let name = p["name"].as_str().unwrap_or("?");
        let Some(ok) = allowed.get(name) else {
            out.push(format!(
                "workspace crate `{name}` has no entry in the layering table"
            ));
            continue;
        };
        for d in p["dependencies"].as_array().into_iter().flatten() {
            let dep = d["name"].as_str().unwrap_or("?");
            let kind = d["kind"].as_str().unwrap_or("normal");
            if members.contains(&dep) && !ok.contains(&dep) {
                out.push(format!("illegal edge {name} -> {dep} ({kind} dependency)"));
            }
            if LIBRARIES.contains(&name) {
                let banned = matches!(dep, "clap" | "anyhow") || (dep == "insta" && kind != "dev");
                if banned {
                    out.push(format!(
                        "library crate {name} must not depend on {dep} ({kind} dependency)"
                    ));
                }
            }
        }
    }
    out
}

/// The crates the architecture document shows, top of the table first.
const DOCUMENTED: &[&str] = &["cc-theory", "cc-sim", "cc-cost", "cc-report", "cclab"];

/// Workspace crates each documented crate depends on now (any kind), from `cargo metadata`.
fn edges_now(metadata: &Value) -> BTreeMap<String, Vec<String>> {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let members: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut out = BTreeMap::new();
    for p in &packages {
        let name = p["name"].as_str().unwrap_or("?");
        let mut deps: Vec<String> = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["name"].as_str())
            .filter(|d| members.contains(d))
            .map(str::to_string)
            .collect();
        deps.sort();
        deps.dedup();
        out.insert(name.to_string(), deps);
    }
    out
}

/// The markdown table of `docs/ARCHITECTURE.md`, from [`ALLOWED`] and the edges in use.
fn layering_table(now: &BTreeMap<String, Vec<String>>) -> String {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let list = |xs: Vec<String>| {
        if xs.is_empty() {
            "—".to_string()
        } else {
            xs.join(", ")
        }
    };
    let mut out = String::from("| crate | may depend on | depends on now |\n| --- | --- | --- |\n");
    for &name in DOCUMENTED {
        let may: Vec<String> = allowed
            .get(name)
            .map(|a| a.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let uses = now.get(name).cloned().unwrap_or_default();
        out.push_str(&format!("| {name} | {} | {} |\n", list(may), list(uses)));
    }
    out
}

fn metadata() -> Value {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(cclab_tests::workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

#[test]
fn architecture_doc_shows_the_layering_table() {
    let table = layering_table(&edges_now(&metadata()));
    let path = cclab_tests::workspace_root().join("docs/ARCHITECTURE.md");
    let doc = std::fs::read_to_string(&path).expect("docs/ARCHITECTURE.md is readable");
    let (start, end) = ("<!-- layering:begin -->\n", "<!-- layering:end -->");
    let shown = doc
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(block, _)| block)
        .expect("docs/ARCHITECTURE.md has the layering markers");
    assert_eq!(
        shown, table,
        "docs/ARCHITECTURE.md's layering table is out of date; replace the block between the markers with:\n{table}"
    );
}

#[test]
fn workspace_dependencies_point_down_only() {
    let metadata = metadata();
    let names: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for expected in [
        "cc-theory",
        "cc-sim",
        "cc-cost",
        "cc-report",
        "cclab",
        "xtask",
        "cclab-tests",
    ] {
        assert!(
            names.contains(&expected),
            "workspace member {expected} missing: {names:?}"
        );
    }
    let v = violations(&metadata);
    assert!(v.is_empty(), "layering violations:\n  {}", v.join("\n  "));
}

#[test]
fn illegal_edge_fixture_is_caught() {
    let fixture = serde_json::json!({
        "packages": [
            {"name": "cc-theory", "dependencies": [{"name": "cc-sim", "kind": null}]},
            {"name": "cc-sim", "dependencies": [{"name": "cc-theory", "kind": null}]},
            {"name": "cc-cost", "dependencies": [{"name": "anyhow", "kind": null}, {"name": "insta", "kind": "dev"}]},
            {"name": "cc-report", "dependencies": [{"name": "insta", "kind": null}]}
        ]
    });
    let v = violations(&fixture);
    assert_eq!(
        v,
        vec![
            "illegal edge cc-theory -> cc-sim (normal dependency)".to_string(),
            "library crate cc-cost must not depend on anyhow (normal dependency)".to_string(),
            "library crate cc-report must not depend on insta (normal dependency)".to_string(),
        ]
    );
}
