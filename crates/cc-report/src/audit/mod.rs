//! The source texts' worked examples, recomputed and audited: the data of the
//! `cost-audit` page.
//!
//! [`source_examples`] returns one [`AuditRow`] per numeric claim of
//! "Coordination Cost Models" (`004`) — and the replication/compression cost tables
//! of the lecture text (`000`) — with the text's figure, cclab's recomputation and a
//! [`Verdict`]. [`scenarios::priced_with_real_data`] prices the same scenarios with
//! the price catalog and RTT matrices shipped in cc-cost (regions stated per scenario).
//!
//! The verdicts, quotes and prose live here, in the report layer; every recomputed
//! figure comes from cc-cost's typed models and functions (nothing is copied from
//! the text), and the unit tests check them against independently hand-computed
//! values.

mod cost_claims;
mod protocol_claims;
mod scenarios;

use cc_cost::catalog::Catalog;
use cc_cost::econ::LatencyValue;
use cc_cost::{CostError, Protocol, Usd};

pub(crate) use scenarios::{dashboard_total_per_day, priced_with_real_data};

/// The audit's judgement of a claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    /// The figure follows from its inputs and the model fits the protocol.
    Right,
    /// The model is fine but the arithmetic is off by `factor` (text / recomputed).
    ArithmeticError {
        /// text figure ÷ recomputed figure.
        factor: f64,
    },
    /// The formula or model does not match the protocol/prices it names.
    ModelError {
        /// The better model.
        better_model: String,
        /// What it gives.
        better_figure: String,
    },
    /// An exercise without a figure in the text: cclab's worked answer.
    WorkedAnswer,
    /// Right under a stated reading of the claim (`model`), which the page names.
    RightInModel {
        /// The reading under which the figure is right.
        model: String,
    },
}

impl Verdict {
    /// The verdict's kind, as counted in summaries.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::RightInModel { .. } => "right in its model",
            Verdict::ArithmeticError { .. } => "arithmetic error",
            Verdict::ModelError { .. } => "model error",
            Verdict::WorkedAnswer => "worked answer",
        }
    }
}

/// What the audit takes from simulation: the same figures the sim-coordination
/// page shows, computed by the same function ([`crate::figures`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    /// Push gossip (random phone call model, informed nodes push until all are
    /// informed) at N = [`crate::figures::GOSSIP_AUDIT_NODES`].
    pub(crate) gossip: crate::figures::PushGossip,
}

impl Measured {
    /// Runs the simulations the audit needs, with `seed`.
    pub(crate) fn compute(seed: u64) -> Result<Measured, crate::ReportError> {
        Ok(Measured {
            gossip: crate::figures::push_gossip(crate::figures::GOSSIP_AUDIT_NODES, seed)?,
        })
    }
}

fn right_in(model: impl Into<String>) -> Verdict {
    Verdict::RightInModel {
        model: model.into(),
    }
}

/// One audited claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AuditRow {
    /// Stable identifier.
    pub(crate) id: String,
    /// Source text (`004` or `000`).
    pub(crate) text: String,
    /// Section of the text.
    pub(crate) section: String,
    /// The claim in a few words.
    pub(crate) claim: String,
    /// The text's figure, quoted.
    pub(crate) text_figure: String,
    /// cclab's recomputation of the claim with the text's own inputs.
    pub(crate) recomputed: String,
    /// Verdict.
    pub(crate) verdict: Verdict,
    /// Why.
    pub(crate) explanation: String,
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    text: &str,
    section: &str,
    claim: &str,
    text_figure: &str,
    recomputed: String,
    verdict: Verdict,
    explanation: String,
) -> AuditRow {
    AuditRow {
        id: id.into(),
        text: text.into(),
        section: section.into(),
        claim: claim.into(),
        text_figure: text_figure.into(),
        recomputed,
        verdict,
        explanation,
    }
}

fn model_err(better_model: impl Into<String>, better_figure: impl Into<String>) -> Verdict {
    Verdict::ModelError {
        better_model: better_model.into(),
        better_figure: better_figure.into(),
    }
}

fn msgs(p: Protocol) -> Result<u64, CostError> {
    let m = p.model()?;
    let (n, d) = m.messages_fraction();
    Ok(n / d)
}

/// text ÷ recomputed, rounded to 9 decimals so that exact ratios print cleanly.
fn factor(text: Usd, recomputed: Usd) -> f64 {
    (text.ratio(recomputed) * 1e9).round() / 1e9
}

fn pct(new: f64, old: f64) -> String {
    format!("{:+.0}%", (new / old - 1.0) * 100.0)
}

/// An integer with thousands separators (`19,800`).
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A decimal literal of the audit (never fails for the literals used here).
fn dec(text: &str) -> Result<Usd, CostError> {
    Usd::parse_decimal(text).map_err(|m| CostError::invalid("audit", m))
}

/// The flat "$L per second" latency value of the text.
fn flat_per_s(dollars: i64) -> LatencyValue {
    LatencyValue::Flat {
        usd_per_second: Usd::from_dollars(dollars),
    }
}

/// An audited section of the source texts: its rows, computed.
type Section = fn(&Catalog, &Measured) -> Result<Vec<AuditRow>, CostError>;

/// The audited sections, in the order of the texts (and of the report).
const SECTIONS: [Section; 11] = [
    protocol_claims::two_pc_protocol,
    protocol_claims::two_pc_totals,
    protocol_claims::paxos_raft,
    protocol_claims::consensus_scaling,
    protocol_claims::patterns,
    cost_claims::real_dollar_costs,
    cost_claims::elimination,
    cost_claims::hidden_costs,
    cost_claims::dashboard,
    cost_claims::exercises,
    cost_claims::text_000,
];

/// Recomputes the audited cost claims of the source texts (the `cost-audit` rows;
/// the claims ledger links every one of them).
pub(crate) fn source_examples(measured: &Measured) -> Result<Vec<AuditRow>, CostError> {
    let cat = Catalog::try_builtin()?;
    let mut rows = Vec::new();
    for section in SECTIONS {
        rows.extend(section(&cat, measured)?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests;
