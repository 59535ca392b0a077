//! What [`crate::evaluate`] and [`crate::transfer`] return: [`CostReport`] with its
//! per-path breakdown, ±10 % tornado and assumptions; `Display` renders the table
//! of `cclab cost`.
//!
//! ## JSON
//! [`CostReport`] serializes with the keys `model`, `formula`, `unit`, `nodes`,
//! `messages_per_tx` (number), `messages_per_tx_exact` (string fraction),
//! `rounds` (message delays), `latency_ms`, `batching_wait_ms`, `latency_statistic`,
//! `message_cost_usd_per_tx`, `latency_cost_usd_per_tx`, `per_tx_usd`, `tx_per_day`,
//! `per_day_usd`, `per_year_usd`, `days_per_year`, `paths`, `sensitivity`,
//! `dominant_input`, `assumptions` (a list of `{name, value, source}`) and
//! `catalog_as_of` (`{oldest, newest, rows}`: the oldest and newest `as_of` date
//! among the catalog price rows and RTT matrix the figures rest on, `null` dates
//! when none was used; see [`crate::asof`]). Money values are **strings** holding
//! exact decimals (see [`crate::money`]).

use std::fmt;

use serde::Serialize;

use crate::asof::AsOfRange;
use crate::money::Usd;

/// Days in the year used for annual totals.
pub const DAYS_PER_YEAR: u64 = 365;

/// A default or input used, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assumption {
    /// Parameter.
    pub name: String,
    /// Value used.
    pub value: String,
    /// Where it comes from (user input, a default and its citation, a data row).
    pub source: String,
}

impl Assumption {
    /// An assumption `name = value [source]`.
    pub fn new(name: &str, value: impl Into<String>, source: impl Into<String>) -> Assumption {
        Assumption {
            name: name.to_string(),
            value: value.into(),
            source: source.into(),
        }
    }
}

/// Cost of one node-pair path per transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathLine {
    /// Source node (role and placement).
    pub from: String,
    /// Destination node.
    pub to: String,
    /// Path class.
    pub class: String,
    /// Messages per transaction on this path.
    pub messages_per_tx: f64,
    /// Dollars per transaction on this path.
    pub usd_per_tx: Usd,
    /// Price used.
    pub price: String,
}

/// One bar of the ±10 % tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    /// Input varied.
    pub input: String,
    /// Per-day total with the input at −10 %.
    pub low_per_day_usd: Usd,
    /// Per-day total with the input at +10 %.
    pub high_per_day_usd: Usd,
    /// |high − low|.
    pub swing_usd: Usd,
    /// Elasticity (ΔT/T)/(Δx/x) from the ±10 % central difference.
    pub elasticity: f64,
}

/// The result of [`crate::evaluate`] and [`crate::transfer`]. `Display` renders a readable table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    /// Model name.
    pub model: String,
    /// Message-count formula and convention.
    pub formula: String,
    /// What one transaction is.
    pub unit: String,
    /// Nodes in the model.
    pub nodes: usize,
    /// Messages per transaction.
    pub messages_per_tx: f64,
    /// Messages per transaction as an exact fraction.
    pub messages_per_tx_exact: String,
    /// Message delays on the critical path.
    pub rounds: u32,
    /// User-visible latency per transaction, ms (including batching wait).
    pub latency_ms: f64,
    /// Part of `latency_ms` spent waiting for a batch to fill.
    pub batching_wait_ms: f64,
    /// Where the latency came from and its statistic.
    pub latency_statistic: String,
    /// Message (transfer + request) cost per transaction.
    pub message_cost_usd_per_tx: Usd,
    /// Latency cost per transaction.
    pub latency_cost_usd_per_tx: Usd,
    /// Total per transaction.
    pub per_tx_usd: Usd,
    /// Transactions per day.
    pub tx_per_day: u64,
    /// Per day, rounded to the cent.
    pub per_day_usd: Usd,
    /// Per year (365 days), rounded to the cent.
    pub per_year_usd: Usd,
    /// 365.
    pub days_per_year: u64,
    /// Per-path breakdown (catalog pricing only).
    pub paths: Vec<PathLine>,
    /// ±10 % tornado of the per-day total.
    pub sensitivity: Vec<SensitivityRow>,
    /// The cost driver with the largest swing (volume, which scales every term,
    /// is not counted as a driver).
    pub dominant_input: String,
    /// Every default and input used, with its source.
    pub assumptions: Vec<Assumption>,
    /// Oldest and newest date of the catalog rows used (staleness at a glance).
    pub catalog_as_of: AsOfRange,
}
/// Text of [`CostReport::dominant_input`] when no input moves the total.
pub const NO_DOMINANT_INPUT: &str = "none (no input changes the total)";

/// One tornado bar from the exact per-day totals at −10 % (`l`) and +10 % (`h`)
/// of an input, with the exact swing kept for ranking.
pub(crate) fn tornado_row(name: &str, l: Usd, h: Usd, base: Usd) -> (SensitivityRow, Usd) {
    let swing = if h > l { h - l } else { l - h };
    (
        SensitivityRow {
            input: name.to_string(),
            low_per_day_usd: l.round_to_cents(),
            high_per_day_usd: h.round_to_cents(),
            swing_usd: swing.round_to_cents(),
            elasticity: if base == Usd::ZERO {
                0.0
            } else {
                (h - l).ratio(base) / 0.2
            },
        },
        swing,
    )
}

/// Orders the tornado by the **exact** swing (largest first, ties by name) and names
/// the dominant input: the first with a non-zero swing that is not a volume input
/// (volume scales every term alike, elasticity 1). Ranking by the exact swing
/// matters when totals are below a cent: rounded swings are then all $0.00 and
/// would rank alphabetically.
pub(crate) fn rank_tornado(mut rows: Vec<(SensitivityRow, Usd)>) -> (Vec<SensitivityRow>, String) {
    rows.sort_by(|(a, sa), (b, sb)| sb.cmp(sa).then(a.input.cmp(&b.input)));
    let dominant = rows
        .iter()
        .find(|(r, swing)| *swing > Usd::ZERO && !r.input.ends_with("per day"))
        .map_or_else(|| NO_DOMINANT_INPUT.to_string(), |(r, _)| r.input.clone());
    (rows.into_iter().map(|(r, _)| r).collect(), dominant)
}

impl fmt::Display for CostReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cost model: {} — per {}", self.model, self.unit)?;
        writeln!(f, "  formula: {}", self.formula)?;
        let rows = [
            (
                "messages per tx",
                format!(
                    "{} ({})",
                    self.messages_per_tx_exact,
                    fmt_f(self.messages_per_tx)
                ),
            ),
            ("message delays (rounds)", self.rounds.to_string()),
            (
                "latency",
                format!("{} ms ({})", fmt_f(self.latency_ms), self.latency_statistic),
            ),
            (
                "  of which batch fill wait",
                format!("{} ms", fmt_f(self.batching_wait_ms)),
            ),
            (
                "message cost per tx",
                format!("${}", self.message_cost_usd_per_tx),
            ),
            (
                "latency cost per tx",
                format!("${}", self.latency_cost_usd_per_tx),
            ),
            ("total per tx", format!("${}", self.per_tx_usd)),
            ("transactions per day", self.tx_per_day.to_string()),
            ("per day", self.per_day_usd.pretty()),
            (
                &format!("per year ({} days)", self.days_per_year),
                self.per_year_usd.pretty(),
            ),
            ("catalog data as of", self.catalog_as_of.to_string()),
        ];
        for (k, v) in rows {
            writeln!(f, "  {k:<26} {v}")?;
        }
        if !self.paths.is_empty() && self.model != crate::transfer::TRANSFER {
            writeln!(f, "  paths (per tx):")?;
            for p in self.paths.iter().take(20) {
                writeln!(
                    f,
                    "    {} -> {} [{}] {} msgs, ${} at {}",
                    p.from,
                    p.to,
                    p.class,
                    fmt_f(p.messages_per_tx),
                    p.usd_per_tx,
                    p.price
                )?;
            }
            if self.paths.len() > 20 {
                writeln!(f, "    … {} more paths", self.paths.len() - 20)?;
            }
        }
        writeln!(f, "  sensitivity of the per-day total (±10 % tornado):")?;
        for s in &self.sensitivity {
            writeln!(
                f,
                "    {:<40} {} .. {}  swing {}  elasticity {:.3}",
                s.input,
                s.low_per_day_usd.pretty(),
                s.high_per_day_usd.pretty(),
                s.swing_usd.pretty(),
                s.elasticity
            )?;
        }
        writeln!(f, "  dominant input: {}", self.dominant_input)?;
        writeln!(f, "  assumptions:")?;
        for a in &self.assumptions {
            writeln!(f, "    - {}: {} [{}]", a.name, a.value, a.source)?;
        }
        Ok(())
    }
}

fn fmt_f(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
