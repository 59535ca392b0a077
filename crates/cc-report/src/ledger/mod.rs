//! The claims ledger (issue 14): one row per item of both source texts — every
//! system, algorithm, table, worked example and numeric claim — with what cclab
//! computes for it, the command that reproduces it and a verdict from a fixed set.
//!
//! The rows are data. A row of the lecture text (`000`) is an [`Entry`] in
//! [`rows_000::ENTRIES`]; its [`Check`] is a function pointer to a computation
//! (so a computation that disappears is a compile error), a production anecdote
//! ([`Check::NotCheckable`]) or a capability not built yet ([`Check::NotYetModelled`],
//! with a stable id so that the work that builds it can fill the row). The audited
//! cost claims (all of `004` and part of `000`) are not repeated: every row of
//! [`crate::audit::source_examples`] becomes a ledger row linking back to it, and the
//! remaining items of `004` are entries in [`rows_004::ENTRIES`]. Links to other
//! pages are checked by the tests, and every command is run by a test of the CLI.

mod computed;
pub(crate) use computed::ASSUMED_MAX_STREAM_BPS;
mod rows_000;
mod rows_004;
#[cfg(test)]
mod tests;

use crate::ReportError;
use crate::audit::{self, AuditRow, Measured, Verdict};

/// The fixed set of verdicts of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LedgerVerdict {
    /// The claim holds as stated.
    Right,
    /// The claim holds under the named reading or model.
    RightInModel(String),
    /// The model is fine, the arithmetic is off by `factor` (text ÷ recomputed).
    ArithmeticError {
        /// text ÷ recomputed.
        factor: f64,
    },
    /// A quantity is given in the wrong unit (what is mixed up).
    UnitError(String),
    /// The formula or model does not describe what it names (the better model).
    ModelError(String),
    /// No reading of the claim can hold (why).
    Impossible(String),
    /// Nothing in the text lets it be checked (a production anecdote: why).
    NotCheckable(String),
    /// cclab cannot check it yet: the capability it needs.
    NotYetModelled(String),
}

/// The verdict kinds, in the order the coverage summary lists them.
pub(crate) const KINDS: [&str; 8] = [
    "right",
    "right in its model",
    "arithmetic error",
    "unit error",
    "model error",
    "impossible as stated",
    "not checkable",
    "not yet modelled",
];

impl LedgerVerdict {
    /// The verdict's kind (one of [`KINDS`]).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            LedgerVerdict::Right => KINDS[0],
            LedgerVerdict::RightInModel(_) => KINDS[1],
            LedgerVerdict::ArithmeticError { .. } => KINDS[2],
            LedgerVerdict::UnitError(_) => KINDS[3],
            LedgerVerdict::ModelError(_) => KINDS[4],
            LedgerVerdict::Impossible(_) => KINDS[5],
            LedgerVerdict::NotCheckable(_) => KINDS[6],
            LedgerVerdict::NotYetModelled(_) => KINDS[7],
        }
    }

    /// The verdict as the page prints it.
    pub(crate) fn render(&self) -> String {
        match self {
            LedgerVerdict::Right => "right".into(),
            LedgerVerdict::RightInModel(m) => format!("right in its model: {m}"),
            LedgerVerdict::ArithmeticError { factor } => format!(
                "**arithmetic error** (text ÷ recomputed = {})",
                crate::fmt::num(*factor)
            ),
            LedgerVerdict::UnitError(w) => format!("**unit error**: {w}"),
            LedgerVerdict::ModelError(w) => format!("**model error**: {w}"),
            LedgerVerdict::Impossible(w) => format!("**impossible as stated**: {w}"),
            LedgerVerdict::NotCheckable(w) => format!("not checkable: {w}"),
            LedgerVerdict::NotYetModelled(w) => format!("*not yet modelled*: {w}"),
        }
    }
}

impl From<&Verdict> for LedgerVerdict {
    fn from(v: &Verdict) -> LedgerVerdict {
        match v {
            Verdict::Right => LedgerVerdict::Right,
            Verdict::RightInModel { model } => LedgerVerdict::RightInModel(model.clone()),
            Verdict::ArithmeticError { factor } => {
                LedgerVerdict::ArithmeticError { factor: *factor }
            }
            Verdict::ModelError {
                better_model,
                better_figure,
            } => LedgerVerdict::ModelError(format!("better: {better_model} → {better_figure}")),
            Verdict::WorkedAnswer => LedgerVerdict::NotCheckable(
                "an exercise without a figure in the text; cclab's worked answer is on the cost audit"
                    .into(),
            ),
        }
    }
}

/// What a computation found: the figure(s) cclab computes and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    /// What cclab computes or measures, with its figures.
    pub(crate) computed: String,
    /// The verdict.
    pub(crate) verdict: LedgerVerdict,
}

/// What the computations may use: the seed and the audit rows (computed once).
pub(crate) struct Ctx {
    /// Seed of every simulation.
    pub(crate) seed: u64,
    /// The cost audit's rows.
    pub(crate) audit: Vec<AuditRow>,
    /// The simulated figures the audit shares.
    pub(crate) measured: Measured,
}

/// A computation behind a row.
pub(crate) type Computation = fn(&Ctx) -> Result<Finding, ReportError>;

/// How a row is checked.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    /// Computed by this function.
    Computed(Computation),
    /// A production anecdote or a claim without inputs: why it cannot be checked.
    NotCheckable(&'static str),
    /// Needs a capability not built yet: which.
    NotYetModelled(&'static str),
}

/// A link from a row to where a page shows the computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// A row of the cost audit, by id.
    Audit(&'static str),
    /// An anchor on another page: (file, anchor).
    Page(&'static str, &'static str),
}

/// One item of a source text that is not an audited cost claim.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    /// Stable id (the anchor on the ledger page).
    pub(crate) id: &'static str,
    /// `000` or `004`.
    pub(crate) text: &'static str,
    /// Part and section of the text (`Part / section`).
    pub(crate) section: &'static str,
    /// A short quote (a figure or a few words).
    pub(crate) quote: &'static str,
    /// The claim in a few words.
    pub(crate) claim: &'static str,
    /// How it is checked.
    pub(crate) check: Check,
    /// The CLI command that reproduces it (run by a test of the CLI).
    pub(crate) command: &'static str,
    /// Where pages show it.
    pub(crate) see: &'static [Link],
}

/// The command reproducing every computation that only the report pages show.
pub(crate) const REPORT_COMMAND: &str = "cclab report --out cclab-report";

/// One rendered ledger row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Stable id.
    pub(crate) id: String,
    /// `000` or `004`.
    pub(crate) text: &'static str,
    /// Part (the grouping of the page).
    pub(crate) part: String,
    /// Section within the part.
    pub(crate) section: String,
    /// Short quote.
    pub(crate) quote: String,
    /// The claim.
    pub(crate) claim: String,
    /// What cclab computes.
    pub(crate) computed: String,
    /// Verdict.
    pub(crate) verdict: LedgerVerdict,
    /// Command.
    pub(crate) command: String,
    /// Links (Markdown).
    pub(crate) links: Vec<String>,
}

/// The anchor of an audit row on the cost-audit page.
pub(crate) fn audit_anchor(id: &str) -> String {
    format!("audit-{id}")
}

/// The ledger anchor of the row that links audit row `id`.
pub(crate) fn ledger_anchor_of_audit(id: &str) -> String {
    ledger_anchor(&ledger_id_of_audit(id))
}

/// The ledger id of the row that links audit row `id` (`004-…` or `000-…`).
pub(crate) fn ledger_id_of_audit(id: &str) -> String {
    if id.starts_with("000-") {
        id.to_string()
    } else {
        format!("004-{id}")
    }
}

/// The anchor of ledger row `id`.
pub(crate) fn ledger_anchor(id: &str) -> String {
    format!("ledger-{id}")
}

/// The parts of each text, in the text's order: (text, part).
pub(crate) const PARTS: &[(&str, &str)] = &[
    ("000", "Cold Open: the WhatsApp broadcast"),
    ("000", "Part 1: Theoretical Foundations"),
    ("000", "Part 2: Real-World Production Systems"),
    ("000", "Part 3: Performance Metrics and Benchmarking"),
    ("000", "Part 4: Research & Extensions"),
    ("000", "Summary and Key Takeaways"),
    ("004", "2-Phase Commit Costs"),
    ("004", "Paxos/Raft Costs"),
    ("004", "Consensus Scaling Costs"),
    ("004", "Coordination Patterns Compared"),
    ("004", "Real Dollar Costs"),
    ("004", "Coordination Elimination"),
    ("004", "Hidden Coordination Costs"),
    ("004", "Cost-Aware Architecture"),
    ("004", "Monitoring Coordination Costs"),
    ("004", "Key Takeaways"),
    ("004", "Practical Calculations"),
];

/// Splits `Part / section` at the first ` / `.
fn split_section(s: &str) -> (String, String) {
    match s.split_once(" / ") {
        Some((p, rest)) => (p.to_string(), rest.to_string()),
        None => (s.to_string(), String::new()),
    }
}

fn link_markdown(l: &Link) -> String {
    match l {
        Link::Audit(id) => format!("[cost audit `{id}`](cost-audit.md#{})", audit_anchor(id)),
        Link::Page(file, anchor) => format!("[{file}#{anchor}]({file}#{anchor})"),
    }
}

fn entry_row(e: &Entry, ctx: &Ctx) -> Result<Row, ReportError> {
    let (computed, verdict) = match e.check {
        Check::Computed(f) => {
            let found = f(ctx)?;
            (found.computed, found.verdict)
        }
        Check::NotCheckable(why) => (
            "nothing to compute: the text gives no inputs".into(),
            LedgerVerdict::NotCheckable(why.into()),
        ),
        Check::NotYetModelled(what) => (
            "not computed yet".into(),
            LedgerVerdict::NotYetModelled(what.into()),
        ),
    };
    let (part, section) = split_section(e.section);
    Ok(Row {
        id: e.id.into(),
        text: e.text,
        part,
        section,
        quote: e.quote.into(),
        claim: e.claim.into(),
        computed,
        verdict,
        command: e.command.into(),
        links: e.see.iter().map(link_markdown).collect(),
    })
}

/// The part of the ledger an audit row belongs to: its section's first component,
/// or for `000` rows the part named by the section.
fn audit_row(r: &AuditRow) -> Row {
    let (part, section) = split_section(&r.section);
    let text: &'static str = if r.text == "000" { "000" } else { "004" };
    // 004's Exercises are under "Practical Calculations / Exercise n".
    Row {
        id: ledger_id_of_audit(&r.id),
        text,
        part,
        section,
        quote: r.text_figure.clone(),
        claim: r.claim.clone(),
        computed: r.recomputed.clone(),
        verdict: LedgerVerdict::from(&r.verdict),
        command: audit_command(&r.id).into(),
        links: vec![format!(
            "[cost audit `{}`](cost-audit.md#{})",
            r.id,
            audit_anchor(&r.id)
        )],
    }
}

/// The CLI command that reproduces an audit row (a cost model where one applies).
fn audit_command(id: &str) -> &'static str {
    computed::AUDIT_COMMANDS
        .iter()
        .find(|(prefix, _)| id.starts_with(prefix))
        .map_or(REPORT_COMMAND, |(_, c)| c)
}

/// Every row of the ledger, in the order of the texts (grouped by [`PARTS`]).
///
/// # Errors
/// The first error of a computation.
pub(crate) fn rows(seed: u64) -> Result<Vec<Row>, ReportError> {
    let measured = Measured::compute(seed)?;
    let audit = audit::source_examples(&measured)
        .map_err(|source| ReportError::Cost { page: PAGE, source })?;
    let ctx = Ctx {
        seed,
        audit,
        measured,
    };
    let mut all = Vec::new();
    for e in rows_000::ENTRIES.iter().chain(rows_004::ENTRIES) {
        all.push(entry_row(e, &ctx)?);
    }
    for r in &ctx.audit {
        all.push(audit_row(r));
    }
    let rank = |r: &Row| {
        PARTS
            .iter()
            .position(|(t, p)| *t == r.text && *p == r.part)
            .unwrap_or(PARTS.len())
    };
    // Stable: rows keep the text's order within a part.
    all.sort_by_key(rank);
    Ok(all)
}

/// The page name used in errors.
pub(crate) const PAGE: &str = "claims-ledger";

/// Every distinct CLI command the ledger names (the entries' and the audit rows'),
/// sorted; the CLI's tests run each of them.
pub(crate) fn commands() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = rows_000::ENTRIES
        .iter()
        .chain(rows_004::ENTRIES)
        .map(|e| e.command)
        .chain(computed::AUDIT_COMMANDS.iter().map(|(_, c)| *c))
        .chain(std::iter::once(REPORT_COMMAND))
        .filter(|c| !c.is_empty())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}
