//! The source scenarios priced with the shipped catalog and RTT matrices.

use cc_cost::catalog::{Catalog, Placement};
use cc_cost::econ::Beta;
use cc_cost::{
    Coordinator, CostError, CostReport, HealthTopology, LatencyPrice, Pricing, Protocol, Transfer,
    TransferPrice, Usd, evaluate, transfer,
};

/// What a real-data scenario prices: a protocol under a pricing, or a transfer.
#[derive(Debug, Clone, PartialEq)]
enum Input {
    Protocol(Protocol, Pricing),
    Transfer(Transfer),
}

/// One real-data scenario before pricing: id, title, placement in words, input.
struct Scenario {
    id: String,
    title: String,
    regions: String,
    input: Input,
}

fn scenario(
    id: impl Into<String>,
    title: impl Into<String>,
    regions: &str,
    input: Input,
) -> Scenario {
    Scenario {
        id: id.into(),
        title: title.into(),
        regions: regions.into(),
        input,
    }
}

/// A source scenario priced with the shipped catalog and RTT matrices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PricedScenario {
    /// Matches an [`AuditRow::id`](super::AuditRow::id) prefix where applicable.
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Regions chosen and why.
    pub(crate) regions: String,
    /// The result.
    pub(crate) report: CostReport,
}

/// AWS placements `aws:<region>`.
fn aws(cat: &Catalog, regions: &[&str]) -> Result<Vec<Placement>, CostError> {
    regions
        .iter()
        .map(|r| cat.placement("regions", &format!("aws:{r}")))
        .collect()
}

/// The 2PC coordinator and five participants of the text's cross-region example.
const SIX: [&str; 6] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
];

/// A placed protocol with `bytes`-byte messages.
fn placed(
    protocol: Protocol,
    placements: Vec<Placement>,
    bytes: u64,
    latency_value: LatencyPrice,
    tx_per_day: u64,
) -> Input {
    Input::Protocol(
        protocol,
        Pricing {
            message_bytes: Some(bytes),
            tx_per_day: Some(tx_per_day),
            placements: Some(placements),
            latency_value,
            ..Pricing::default()
        },
    )
}

/// `messages_per_day` messages of `bytes` bytes on the path `from → to`.
fn on_path(
    cat: &Catalog,
    messages_per_day: u64,
    bytes: u64,
    from: &str,
    to: &str,
) -> Result<Input, CostError> {
    Ok(Input::Transfer(Transfer {
        messages_per_day,
        message_bytes: bytes,
        price: TransferPrice::Path {
            from: cat.placement("path", from)?,
            to: cat.placement("path", to)?,
        },
        via_nat: false,
        latency_value: LatencyPrice::NotPriced,
    }))
}

fn two_pc(participants: u32) -> Protocol {
    Protocol::TwoPc {
        participants,
        coordinator: Coordinator::Separate,
    }
}

fn per_second(dollars: i64) -> LatencyPrice {
    LatencyPrice::Flat {
        usd_per_second: Usd::from_dollars(dollars),
    }
}

/// β (default: Amazon's 0.1/s) × `dollars` revenue per transaction.
fn revenue(dollars: i64, beta: Option<Beta>) -> LatencyPrice {
    LatencyPrice::Revenue {
        revenue_per_tx: Usd::from_dollars(dollars),
        beta,
    }
}

/// The cross-region 2PC example, with the text's $1/s and with beta.
fn two_pc_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    let where_ = "coordinator us-east-1; participants us-east-2, us-west-2, eu-west-1, eu-central-1, ap-northeast-1 (AWS)";
    Ok(vec![
        scenario(
            "2pc",
            "Cross-region 2PC, 5 participants, 1M transactions/day, 1 KB messages, latency at the text's $1/s",
            where_,
            placed(two_pc(5), aws(cat, &SIX)?, 1000, per_second(1), 1_000_000),
        ),
        scenario(
            "2pc-revenue",
            "The same 2PC with latency valued at beta = 0.1/s (Amazon) on a $1 transaction",
            "as above",
            placed(
                two_pc(5),
                aws(cat, &SIX)?,
                1000,
                revenue(1, Some(Beta::new(0.1)?)),
                1_000_000,
            ),
        ),
    ])
}

/// The coordination cost calculator's 100M messages a day on real paths.
fn calculator_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    let title = "Coordination cost calculator: 100M messages/day of 1 KB";
    let mut out = Vec::new();
    for (id, from, to, what) in [
        (
            "calc-aws-us-eu",
            "aws:us-east-1",
            "aws:eu-west-1",
            "AWS us-east-1 → eu-west-1 ($0.02/GB)",
        ),
        (
            "calc-aws-tokyo-us",
            "aws:ap-northeast-1",
            "aws:us-east-1",
            "AWS ap-northeast-1 → us-east-1 ($0.09/GB, source-priced)",
        ),
        (
            "calc-gcp-us-eu",
            "gcp:us-central1",
            "gcp:europe-west1",
            "GCP us-central1 → europe-west1 ($0.08/GiB)",
        ),
        (
            "calc-azure-us-eu",
            "azure:eastus",
            "azure:westeurope",
            "Azure eastus → westeurope (intercontinental)",
        ),
    ] {
        out.push(scenario(
            id,
            title,
            what,
            on_path(cat, 100_000_000, 1000, from, to)?,
        ));
    }
    out.push(scenario(
        "calc-aws-cross-az",
        "Coordination cost calculator: 100M messages/day of 1 KB across AZs",
        "AWS us-east-1 zone a → zone b (both sides billed)",
        on_path(cat, 100_000_000, 1000, "aws:us-east-1:a", "aws:us-east-1:b")?,
    ));
    Ok(out)
}

/// Raft with 3, 5, 7 and 9 nodes, in one region's zones and across regions.
fn consensus_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    let regions9 = [
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-northeast-1",
        "us-west-1",
        "ca-central-1",
        "eu-west-2",
    ];
    let zones = aws(cat, &["us-east-1:a", "us-east-1:b", "us-east-1:c"])?;
    let mut out = Vec::new();
    for n in [3u32, 5, 7, 9] {
        let raft = Protocol::Raft { nodes: n, batch: 1 };
        let geo = &regions9[..n as usize];
        out.push(scenario(
            format!("consensus-{n}-az"),
            format!("Raft with {n} nodes in one region across 3 AZs, 1M entries/day, 1 KB"),
            "AWS us-east-1 zones a, b, c (round-robin)",
            placed(
                raft.clone(),
                zones.clone(),
                1000,
                revenue(10, None),
                1_000_000,
            ),
        ));
        out.push(scenario(
            format!("consensus-{n}-geo"),
            format!(
                "Raft with {n} nodes across regions, leader in us-east-1, 1M entries/day, 1 KB"
            ),
            &format!("AWS {}", geo.join(", ")),
            placed(raft, aws(cat, geo)?, 1000, revenue(10, None), 1_000_000),
        ));
    }
    Ok(out)
}

/// Multi-Paxos batches of 1, 10 and 100 at a low and a high rate.
fn batching_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    let mut out = Vec::new();
    for (rate, tag, label) in [
        (
            1_000_000u64,
            "",
            "1M decisions/day (11.6/s): fixed-size batches wait long to fill",
        ),
        (1_000_000_000, "-hot", "1G decisions/day (11,574/s)"),
    ] {
        for b in [1u32, 10, 100] {
            let mut input = placed(
                Protocol::MultiPaxos { nodes: 5, batch: 1 },
                aws(cat, &SIX[..5])?,
                1000,
                revenue(10, None),
                rate,
            );
            if let Input::Protocol(_, pricing) = &mut input {
                pricing.batch = b;
            }
            out.push(scenario(
                format!("multipaxos-b{b}{tag}"),
                format!("Multi-Paxos, 5 replicas across regions, batch {b}, {label}"),
                "AWS us-east-1 (leader), us-east-2, us-west-2, eu-west-1, eu-central-1",
                input,
            ));
        }
    }
    Ok(out)
}

/// 100 nodes, 20 per region: node i in region i / 20 (each region listed 20 times
/// in a row).
fn hundred_in_five(cat: &Catalog) -> Result<Vec<Placement>, CostError> {
    let per_region = aws(
        cat,
        &[
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-northeast-1",
        ],
    )?;
    Ok(per_region
        .iter()
        .flat_map(|r| std::iter::repeat_n(r.clone(), 20))
        .collect())
}

/// Health checks of 100 services in 5 regions, full mesh and one aggregator per
/// region.
fn health_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    let mut out = Vec::new();
    for (id, topology, how) in [
        ("health-full-mesh", HealthTopology::FullMesh, "full mesh"),
        (
            "health-hierarchical",
            HealthTopology::Hierarchical { group_size: 20 },
            "one aggregator per region",
        ),
    ] {
        out.push(scenario(
            id,
            format!(
                "Health checks, 100 services in 5 regions (20 each), 100 B probes every 10 s (8,640 intervals/day), {how}"
            ),
            "AWS us-east-1, us-west-2, eu-west-1, eu-central-1, ap-northeast-1",
            placed(
                Protocol::HealthCheck {
                    nodes: 100,
                    topology,
                },
                hundred_in_five(cat)?,
                100,
                LatencyPrice::NotPriced,
                8_640,
            ),
        ));
    }
    Ok(out)
}

/// The cost dashboard's four lines, with real prices and RTTs.
fn dashboard_scenarios(cat: &Catalog) -> Result<Vec<Scenario>, CostError> {
    Ok(vec![
        scenario(
            "dashboard-2pc",
            "Cost dashboard, 2PC line: 50K transactions/day, 5 participants, 1 KB, latency at the text's $1/s",
            "coordinator us-east-1; participants us-east-2, us-west-2, eu-west-1, eu-central-1, ap-northeast-1 (AWS)",
            placed(two_pc(5), aws(cat, &SIX)?, 1000, per_second(1), 50_000),
        ),
        scenario(
            "dashboard-raft",
            "Cost dashboard, Raft line: 1M entries/day, 5 replicas, 1 KB, latency at the text's $1/s",
            "AWS us-east-1 (leader), us-east-2, us-west-2, eu-west-1, eu-central-1",
            placed(
                Protocol::Raft { nodes: 5, batch: 1 },
                aws(cat, &SIX[..5])?,
                1000,
                per_second(1),
                1_000_000,
            ),
        ),
        scenario(
            "dashboard-health",
            "Cost dashboard, health-check line: 100M probes/day, each probe and its reply 100 B (200M messages)",
            "AWS us-east-1 zone a → zone b (both sides billed)",
            on_path(cat, 200_000_000, 100, "aws:us-east-1:a", "aws:us-east-1:b")?,
        ),
        scenario(
            "dashboard-config",
            "Cost dashboard, config line: 10K changes/day pushed to 100 nodes (20 per region), 1 KB, asynchronous",
            "pusher in us-east-1; AWS us-east-1, us-west-2, eu-west-1, eu-central-1, ap-northeast-1",
            placed(
                Protocol::Leader {
                    nodes: 100,
                    synchronous: false,
                },
                hundred_in_five(cat)?,
                1000,
                LatencyPrice::NotPriced,
                10_000,
            ),
        ),
    ])
}

/// A group of real-data scenarios.
type ScenarioGroup = fn(&Catalog) -> Result<Vec<Scenario>, CostError>;

/// The groups of real-data scenarios, in report order.
const SCENARIOS: [ScenarioGroup; 6] = [
    two_pc_scenarios,
    calculator_scenarios,
    consensus_scenarios,
    batching_scenarios,
    health_scenarios,
    dashboard_scenarios,
];

/// The source scenarios priced with the real catalog and RTT matrix.
pub(crate) fn priced_with_real_data() -> Result<Vec<PricedScenario>, CostError> {
    let cat = Catalog::try_builtin()?;
    let mut out = Vec::new();
    for group in SCENARIOS {
        for s in group(&cat)? {
            let report = match &s.input {
                Input::Protocol(p, pricing) => evaluate(p, pricing, &cat)?,
                Input::Transfer(t) => transfer(t, &cat)?,
            };
            out.push(PricedScenario {
                id: s.id,
                title: s.title,
                regions: s.regions,
                report,
            });
        }
    }
    Ok(out)
}

/// Per-day total of the cost dashboard priced with real data: the sum of the
/// `dashboard-*` scenarios of [`priced_with_real_data`] (each already rounded to the
/// cent, as a dashboard shows its lines).
pub(crate) fn dashboard_total_per_day(scenarios: &[PricedScenario]) -> Usd {
    scenarios
        .iter()
        .filter(|s| s.id.starts_with("dashboard-"))
        .map(|s| s.report.per_day_usd)
        .sum()
}
