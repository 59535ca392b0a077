//! Prints a placed Raft cost report as a table and as JSON, the strategies for it,
//! and the catalog listing — through the typed API.

use cc_cost::{
    Catalog, LatencyPrice, Pricing, Protocol, Usd, catalog_listing, evaluate, strategies,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let catalog = Catalog::try_builtin()?;
    let placements = [
        "aws:us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "ap-northeast-1",
    ]
    .iter()
    .map(|s| catalog.placement("regions", s))
    .collect::<Result<Vec<_>, _>>()?;
    let protocol = Protocol::Raft { nodes: 5, batch: 1 };
    let pricing = Pricing {
        message_bytes: Some(1000),
        tx_per_day: Some(1_000_000),
        placements: Some(placements),
        latency_value: LatencyPrice::Revenue {
            revenue_per_tx: Usd::from_dollars(10),
            beta: None,
        },
        ..Pricing::default()
    };
    let report = evaluate(&protocol, &pricing, &catalog)?;
    println!("{report}");
    println!("{}", serde_json::to_string_pretty(&report)?);
    for s in strategies(&protocol, &pricing, &catalog)? {
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
