//! `cclab cost catalog import` and the catalog dates (issue 15), through the
//! binary: provider price files become a catalog file that `--catalog FILE` uses,
//! every cost output states its `as_of` range, and the listing flags stale rows.

mod common;

use common::{cclab, stderr, stdout};

const AWS: &str = "crates/cc-cost/tests/data/aws_data_transfer_offer.json";
const AZ1: &str = "crates/cc-cost/tests/data/azure_retail_prices_page1.json";
const AZ2: &str = "crates/cc-cost/tests/data/azure_retail_prices_page2.json";

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cclab-cost-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
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

fn import_to(out: &str) -> std::process::Output {
    cclab(&[
        "cost",
        "catalog",
        "import",
        "--aws-offer",
        AWS,
        "--azure-retail",
        AZ1,
        "--azure-retail",
        AZ2,
        "--retrieved",
        "2026-12-07",
        "--out",
        out,
    ])
}

#[test]
fn issue15_imported_catalog_is_listed_and_used() {
    let file = tmp("imported.csv");
    let path = file.to_str().expect("utf-8");
    let out = import_to(path);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("imported 12 rows from 3 files"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("skipped 1: Azure: price type `Reservation`"));

    // every row shows its source and date
    let v = json(&["cost", "catalog", "--catalog", path, "--json"]);
    let prices = v["prices"].as_array().expect("prices");
    assert_eq!(prices.len(), 12);
    for p in prices {
        assert!(
            p["source"]
                .as_str()
                .is_some_and(|s| s.contains("retrieved 2026-12-07"))
        );
        assert!(
            p["as_of"] == "2026-11-20" || p["as_of"] == "2026-12-07",
            "{p}"
        );
        assert_eq!(p["stale"], false);
    }
    assert!(
        prices
            .iter()
            .any(|p| p["kind"] == "compute" && p["unit"] == "hour")
    );

    // and a cost command prices with it, saying how old its data is
    let r = json(&[
        "cost",
        "transfer",
        "--messages-per-day",
        "1000000",
        "--message-bytes",
        "1000",
        "--path",
        "us-east-1:eu-west-1",
        "--catalog",
        path,
        "--json",
    ]);
    assert_eq!(r["per_day_usd"], "0.02");
    assert_eq!(r["catalog_as_of"]["oldest"], "2022-04-16", "the RTT matrix");
    assert_eq!(r["catalog_as_of"]["newest"], "2026-11-20", "the offer file");
    assert!(
        r["assumptions"]
            .as_array()
            .expect("assumptions")
            .iter()
            .any(|a| a["source"]
                .as_str()
                .is_some_and(|s| s.contains("SKU SAMPLEIR1")))
    );
    // --json without --out: the rows and what was skipped, nothing written
    let v = json(&["cost", "catalog", "import", "--aws-offer", AWS, "--json"]);
    assert_eq!(v["out"], serde_json::Value::Null);
    assert_eq!(v["rows"].as_array().expect("rows").len(), 6);
    assert_eq!(v["skipped"]["AWS: transfer type `InterRegion Inbound`"], 1);
    assert_eq!(v["rows"][0]["as_of"], "2026-11-20");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn issue15_import_errors_name_file_line_and_json_path() {
    let bad = tmp("bad_page.json");
    let text = std::fs::read_to_string(common::workspace_root().join(AZ1)).expect("sample");
    std::fs::write(
        &bad,
        text.replacen(
            "\"unitOfMeasure\": \"1 Hour\"",
            "\"unitOfMeasure\": \"1 Year\"",
            1,
        ),
    )
    .expect("write");
    let b = bad.to_str().expect("utf-8");
    let out = cclab(&[
        "cost",
        "catalog",
        "import",
        "--azure-retail",
        b,
        "--retrieved",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(b) && err.contains("Items[3].unitOfMeasure"),
        "{err}"
    );
    assert!(err.contains("1 Year"), "{err}");
    // a file that is not JSON: serde_json's line and column
    std::fs::write(&bad, "{\n  \"Items\": [\n    {,\n").expect("write");
    let out = cclab(&[
        "cost",
        "catalog",
        "import",
        "--azure-retail",
        b,
        "--retrieved",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{b}:3:")),
        "{}",
        stderr(&out)
    );
    // options of one form are refused in another
    for args in [
        &["cost", "catalog", "import"][..],
        &["cost", "catalog", "export"],
        &["cost", "catalog", "--retrieved", "2026-12-07"],
        &["cost", "2pc", "--as-of", "2026-12-07"],
        &["cost", "catalog", "--as-of", "2026-02-30"],
    ] {
        let out = cclab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let _ = std::fs::remove_file(&bad);
}

#[test]
fn issue15_listing_flags_stale_rows_against_a_stated_date() {
    let text = stdout(&cclab(&["cost", "catalog"]));
    assert!(
        text.contains("older than 365 days before 2026-12-07 (the catalog's newest date"),
        "{text}"
    );
    assert!(text.contains("STALE"), "{text}");
    let v = json(&[
        "cost",
        "catalog",
        "--as-of",
        "2027-02-01",
        "--max-age-days",
        "30",
        "--json",
    ]);
    assert_eq!(v["staleness"]["today"], "2027-02-01");
    assert_eq!(v["staleness"]["today_from"], "given");
    assert_eq!(v["staleness"]["max_age_days"], 30);
    let prices = v["prices"].as_array().expect("prices");
    assert!(
        prices.iter().all(|p| p["stale"] == true),
        "every row is over 30 days old"
    );
    assert_eq!(v["as_of"]["oldest"], "2022-04-16");
    // the same catalog lists the same flags whatever the day: no clock
    assert_eq!(
        json(&["cost", "catalog", "--json"])["staleness"]["today"],
        "2026-12-07"
    );
}

#[test]
fn issue15_every_cost_output_states_its_as_of_range() {
    let args = [
        "cost",
        "raft",
        "--participants",
        "3",
        "--regions",
        "us-east-1,us-east-2,eu-west-1",
    ];
    let text = stdout(&cclab(&args));
    assert!(
        text.contains("catalog data as of         2022-04-16 .. 2023-04-27"),
        "{text}"
    );
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let v = json(&with_json);
    assert_eq!(v["catalog_as_of"]["oldest"], "2022-04-16");
    assert_eq!(v["catalog_as_of"]["newest"], "2023-04-27");
    // flat prices and a uniform RTT use no catalog row, and say so
    let text = stdout(&cclab(&[
        "cost",
        "2pc",
        "--rtt-ms",
        "100",
        "--price-per-1000-messages",
        "0.01",
    ]));
    assert!(
        text.contains("catalog data as of         none (no catalog price or RTT row used)"),
        "{text}"
    );
}
