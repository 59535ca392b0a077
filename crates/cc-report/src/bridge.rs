//! Conversions between layers: a simulated run from cc-sim as a traffic summary
//! that cc-cost can price. (cc-sim and cc-cost do not know each other; this
//! crate is the only place that knows both.)

use cc_cost::traffic::{Flow, FlowPath, TrafficSummary};
use cc_sim::SimSummary;

/// The traffic of a simulated run, per Monte Carlo trial, on one network path.
///
/// Every message of the run is put on `path` (a path class of one provider, or a
/// node pair). Messages and bytes are the **means over the trials**, rounded to
/// the nearest integer; `transactions_per_trial` says how many units of work one
/// trial performs (e.g. the number of broadcasts), so that the priced result is
/// per unit of work:
///
/// ```text
/// messages = round(mean messages per trial),  bytes = round(mean bytes per trial)
/// per-transaction cost = cost(messages, bytes on path) / transactions_per_trial
/// ```
///
/// ```
/// use cc_cost::catalog::{PathClass, Provider};
/// use cc_cost::traffic::FlowPath;
///
/// let req = cc_sim::SimRequest { protocol: "tree".into(), nodes: 64, trials: 2, ..Default::default() };
/// let run = cc_sim::run(&req, &|_, _| {})?;
/// let path = FlowPath::Class { provider: Provider::Aws, class: PathClass::CrossZone };
/// let traffic = cc_report::traffic_from_sim(&run, path, 1);
/// assert_eq!(traffic.flows[0].messages, 63); // a spanning tree: n - 1 payloads
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn traffic_from_sim(
    run: &SimSummary,
    path: FlowPath,
    transactions_per_trial: u64,
) -> TrafficSummary {
    let round = |x: f64| {
        if x.is_finite() && x > 0.0 {
            x.round() as u64
        } else {
            0
        }
    };
    TrafficSummary {
        label: format!(
            "cc-sim {} n={} ({} trials, seed {})",
            run.protocol, run.nodes, run.trials, run.seed
        ),
        transactions: transactions_per_trial.max(1),
        flows: vec![Flow {
            path,
            messages: round(run.messages.mean),
            bytes: round(run.bytes.mean),
            bus: None,
        }],
        rounds: run.rounds.as_ref().map(|r| round(r.median) as u32),
        latency_samples_ms: Vec::new(),
    }
}
