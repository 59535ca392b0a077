//! Figures that more than one page shows, each computed by exactly one function
//! (issue 13 item 5): a page that shows one of these calls the function here, and a
//! test asserts that the pages print the same figure.

use cc_sim::SimRequest;

use crate::ReportError;
use crate::pages::checked::{self, Expect, RowId};

/// Trials of every simulated figure of this module (the sim-coordination page's
/// fault-free trial count).
pub(crate) const TRIALS: u32 = 20;

/// The gossip size the cost audit quotes (the sim-coordination page's middle row).
pub(crate) const GOSSIP_AUDIT_NODES: usize = 1000;

/// One update spread by push gossip in the random phone call model: every
/// *informed* node calls one random node per round until all are informed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PushGossip {
    /// Nodes N.
    pub(crate) nodes: usize,
    /// Trials.
    pub(crate) trials: u32,
    /// Seed.
    pub(crate) seed: u64,
    /// Mean rounds until every node is informed.
    pub(crate) rounds_mean: f64,
    /// Mean messages in total.
    pub(crate) messages_mean: f64,
    /// Mean messages per node (total ÷ N).
    pub(crate) per_node_mean: f64,
}

/// The request behind [`push_gossip`] (the sim-coordination page's gossip rows run
/// exactly this request).
pub(crate) fn push_gossip_request(nodes: usize, seed: u64) -> SimRequest {
    SimRequest {
        protocol: "push".into(),
        nodes,
        trials: TRIALS,
        seed,
        ..SimRequest::default()
    }
}

/// Push gossip of one update on `nodes` nodes, [`TRIALS`] trials, `seed`.
///
/// # Errors
/// [`ReportError::Sim`] or [`ReportError::InvalidRow`] when the run fails or does not
/// inform every node.
pub(crate) fn push_gossip(nodes: usize, seed: u64) -> Result<PushGossip, ReportError> {
    let row = RowId::new("cost-audit", format!("gossip: push, N = {nodes}"));
    let s = checked::simulate(&row, Expect::Decides, &push_gossip_request(nodes, seed))?;
    Ok(PushGossip {
        nodes,
        trials: s.trials,
        seed,
        rounds_mean: s.rounds.as_ref().map_or(f64::NAN, |r| r.mean),
        messages_mean: s.messages.mean,
        per_node_mean: s.messages_per_node.mean,
    })
}
