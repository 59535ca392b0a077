//! Prints a placed Raft cost report as a table and as JSON, the strategies for it,
//! and the catalog listing.

use cc_cost::{CostRequest, catalog_listing, evaluate, optimize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let req = CostRequest {
        model: "raft".into(),
        participants: Some(5),
        regions: Some(
            [
                "aws:us-east-1",
                "us-east-2",
                "us-west-2",
                "eu-west-1",
                "ap-northeast-1",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        message_bytes: Some(1000),
        revenue_per_tx: Some(10.0),
        tx_per_day: Some(1_000_000),
        ..Default::default()
    };
    let report = evaluate(&req)?;
    println!("{report}");
    println!("{}", serde_json::to_string_pretty(&report)?);
    for s in optimize::strategies(&req)? {
        println!(
            "{:<26} {:<60} ${} -> ${} per tx, {:.1} -> {:.1} ms, saving {:.1}%",
            s.strategy,
            s.parameters,
            s.before_per_tx_usd,
            s.after_per_tx_usd,
            s.before_latency_ms,
            s.after_latency_ms,
            s.saving_pct
        );
    }
    println!("{}", catalog_listing(None)?);
    Ok(())
}
