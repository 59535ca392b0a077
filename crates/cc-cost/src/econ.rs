//! Latency economics: what an added second of user-visible latency costs.
//!
//! Two forms are supported ([`LatencyValue`]):
//!
//! * **revenue elasticity** (recommended): cost = β × R × Δt, where R is the revenue
//!   per transaction, Δt the added user-visible seconds and β the fractional revenue
//!   loss per second of delay estimated in published A/B experiments
//!   ([`published_studies`]). Amazon's widely quoted "1 % of sales per 100 ms" is
//!   β = 0.10 s⁻¹ (the default); Bing's 2009 experiment (−1.2 % revenue per user at
//!   +500 ms) gives β ≈ 0.024 s⁻¹; Google's 2009 search-delay experiment
//!   (−0.2 … −0.6 % searches per user at +100 … +400 ms) gives β ≈ 0.015 s⁻¹ on
//!   engagement rather than revenue. The effects were measured for page-level delays
//!   of a few hundred ms and are extrapolated linearly here — an assumption.
//! * **flat rate** (the source text's form): cost = L × Δt with L in $/s, a
//!   business-impact rate that is not tied to the transaction's value. Note that
//!   L = β × R, so "$1 per second" is the Amazon elasticity on a $10 transaction.
//!
//! Money stays exact: β is quantised to 10⁻⁹ s⁻¹, latency to whole nanoseconds, and
//! the product is rounded once to 10⁻¹⁸ USD.

use serde::Serialize;

use crate::CostError;
use crate::money::Usd;

/// Fractional loss per second of delay, stored in units of 10⁻⁹ s⁻¹.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Beta {
    nano_per_second: i128,
}

impl Beta {
    /// From an `f64` fraction per second (e.g. `0.1` for 1 % per 100 ms).
    pub fn new(per_second: f64) -> Result<Beta, CostError> {
        if !(per_second.is_finite() && (0.0..=1000.0).contains(&per_second)) {
            return Err(CostError::invalid(
                "beta",
                format!("must be a fraction per second in [0, 1000], got {per_second}"),
            ));
        }
        Ok(Beta {
            nano_per_second: (per_second * 1e9).round() as i128,
        })
    }
    /// As `f64` per second.
    pub fn per_second(self) -> f64 {
        self.nano_per_second as f64 / 1e9
    }
}

/// How latency is turned into dollars.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum LatencyValue {
    /// `usd_per_second` × seconds.
    Flat {
        /// Dollars per second of added latency.
        usd_per_second: Usd,
    },
    /// β × revenue per transaction × seconds.
    Revenue {
        /// Revenue per transaction.
        revenue_per_tx: Usd,
        /// Fractional revenue loss per second.
        beta: Beta,
    },
}

/// Converts ms to whole nanoseconds (rounded); negative or non-finite → error.
pub fn ms_to_ns(ms: f64) -> Result<u64, CostError> {
    if !(ms.is_finite() && ms >= 0.0) {
        return Err(CostError::invalid(
            "latency_ms",
            format!("must be ≥ 0, got {ms}"),
        ));
    }
    Ok((ms * 1e6).round() as u64)
}

impl LatencyValue {
    /// Dollar cost of `ns` nanoseconds of added user-visible latency.
    pub fn cost(&self, ns: u64) -> Usd {
        let per_second = match *self {
            LatencyValue::Flat { usd_per_second } => usd_per_second,
            LatencyValue::Revenue {
                revenue_per_tx,
                beta,
            } => revenue_per_tx.mul_ratio(beta.nano_per_second, 1_000_000_000),
        };
        per_second.mul_ratio(i128::from(ns), 1_000_000_000)
    }

    /// The equivalent flat $/s rate (β × R for the revenue form).
    pub fn usd_per_second(&self) -> Usd {
        self.cost(1_000_000_000)
    }
}

/// A published A/B study of latency's effect on revenue or engagement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbStudy {
    /// Short name.
    pub name: String,
    /// Citation.
    pub source: String,
    /// Year of publication / talk.
    pub year: u32,
    /// Added delay in the experiment, ms.
    pub delay_ms: f64,
    /// Metric affected.
    pub metric: String,
    /// Relative drop of the metric, percent.
    pub effect_pct: f64,
    /// Implied β = effect / delay, per second.
    pub beta_per_second: f64,
    /// Caveats.
    pub note: String,
}

/// The default β: Amazon's "≈1 % of sales per 100 ms", i.e. 0.1 per second.
pub const DEFAULT_BETA_PER_SECOND: f64 = 0.1;

/// The studies the defaults come from.
pub fn published_studies() -> Vec<AbStudy> {
    let mk = |name: &str,
              source: &str,
              year,
              delay_ms: f64,
              metric: &str,
              effect_pct: f64,
              note: &str| AbStudy {
        name: name.into(),
        source: source.into(),
        year,
        delay_ms,
        metric: metric.into(),
        effect_pct,
        beta_per_second: effect_pct / 100.0 / (delay_ms / 1000.0),
        note: note.into(),
    };
    vec![
        mk(
            "Amazon, 100 ms",
            "Greg Linden, \"Make Data Useful\" (talk slides, Stanford, 2006), as widely quoted",
            2006,
            100.0,
            "sales",
            1.0,
            "second-hand: the experiment itself is unpublished; treat as an order of magnitude",
        ),
        mk(
            "Google search, 400 ms",
            "Jake Brutlag, \"Speed Matters for Google Web Search\", Google, June 2009",
            2009,
            400.0,
            "searches per user",
            0.6,
            "100-400 ms server delay reduced daily searches per user by about 0.2-0.6 %; engagement, not revenue",
        ),
        mk(
            "Bing, 500 ms",
            "Eric Schurman and Jake Brutlag, \"Performance Related Changes and their User Impact\", Velocity 2009",
            2009,
            500.0,
            "revenue per user",
            1.2,
            "the same talk reports -4.3 % revenue per user at +2000 ms (beta ~0.0215/s)",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_form_is_exact() {
        let v = LatencyValue::Flat {
            usd_per_second: Usd::from_dollars(1),
        };
        assert_eq!(v.cost(ms_to_ns(300.0).unwrap()), Usd::from_cents(30));
        assert_eq!(v.cost(ms_to_ns(200.0).unwrap()).exact_string(), "0.20");
    }

    #[test]
    fn revenue_form() {
        let v = LatencyValue::Revenue {
            revenue_per_tx: Usd::from_dollars(10),
            beta: Beta::new(DEFAULT_BETA_PER_SECOND).unwrap(),
        };
        // β·R = $1/s, equal to the text's flat rate
        assert_eq!(v.usd_per_second(), Usd::from_dollars(1));
        assert_eq!(v.cost(ms_to_ns(100.0).unwrap()), Usd::from_cents(10));
        assert!(Beta::new(-0.1).is_err());
        assert!(ms_to_ns(f64::NAN).is_err());
    }

    #[test]
    fn studies_imply_their_betas() {
        let s = published_studies();
        assert!((s[0].beta_per_second - 0.1).abs() < 1e-12);
        assert!((s[1].beta_per_second - 0.015).abs() < 1e-12);
        assert!((s[2].beta_per_second - 0.024).abs() < 1e-12);
    }
}
