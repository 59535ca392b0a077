//! Dates of catalog data: the `as_of` range of the rows a figure rests on, and
//! staleness of catalog rows.
//!
//! Every price row and RTT matrix carries an `as_of` date, `YYYY-MM-DD` or
//! `YYYY-MM` (the document's own date, or its retrieval date when it states none).
//! For ordering and ages a month-only date counts as the **first** day of its month,
//! so its age is never understated.
//!
//! * [`AsOfRange`] — the oldest and newest date among the rows a report used; every
//!   [`crate::CostReport`] carries one (`catalog_as_of`).
//! * [`Staleness`] — the rule of `cclab cost catalog`: a row is *stale* when its
//!   date lies more than `max_age_days` (default [`DEFAULT_MAX_AGE_DAYS`]) before
//!   "today". Today is **not** the wall clock: it is a date given explicitly
//!   (`--as-of`), or else the newest date in the catalog itself, so that the same
//!   catalog always lists the same flags (reports do not change with the day they are
//!   generated).
//!
//! ```
//! use cc_cost::asof::{AsOfRange, Staleness, days_between};
//!
//! let r = AsOfRange::of(["2023-04-27", "2026-12-07", "2024-06"]);
//! assert_eq!(r.oldest.as_deref(), Some("2023-04-27"));
//! assert_eq!(r.newest.as_deref(), Some("2026-12-07"));
//! assert_eq!(days_between("2025-12-07", "2026-12-07"), Some(365));
//! let s = Staleness::new(None, 365, ["2023-04-27", "2026-12-07"])?;
//! assert_eq!(s.today, "2026-12-07");
//! assert!(s.is_stale("2023-04-27"));
//! assert!(!s.is_stale("2026-01-01"));
//! # Ok::<(), cc_cost::CostError>(())
//! ```

use std::fmt;

use serde::Serialize;

use crate::CostError;

/// Default age, in days, beyond which `cclab cost catalog` flags a row as stale.
pub const DEFAULT_MAX_AGE_DAYS: u32 = 365;

/// Days since 1970-01-01 of a calendar date `YYYY-MM-DD` or `YYYY-MM` (the first
/// of the month); `None` when `s` is not such a date (month 01–12, a day the month
/// has).
pub fn day_number(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split('-').collect();
    if !(parts.len() == 2 || parts.len() == 3)
        || parts[0].len() != 4
        || parts[1..].iter().any(|p| p.len() != 2)
        || parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let y: i64 = parts[0].parse().ok()?;
    let m: i64 = parts[1].parse().ok()?;
    let d: i64 = match parts.get(2) {
        Some(d) => d.parse().ok()?,
        None => 1,
    };
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier); `None` when
/// either is not a date.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some(day_number(to)? - day_number(from)?)
}

/// The oldest and newest `as_of` date among the catalog rows a result used.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct AsOfRange {
    /// Oldest date (`None` when no dated catalog row was used).
    pub oldest: Option<String>,
    /// Newest date.
    pub newest: Option<String>,
    /// How many dated rows (price rows and RTT matrices) the range covers.
    pub rows: usize,
}

impl AsOfRange {
    /// The range of `dates` (strings that are not dates are ignored; equal days
    /// are ordered by their text, so the result does not depend on input order).
    pub fn of<'a>(dates: impl IntoIterator<Item = &'a str>) -> AsOfRange {
        let mut dated: Vec<(i64, &str)> = dates
            .into_iter()
            .filter_map(|d| day_number(d).map(|n| (n, d)))
            .collect();
        dated.sort();
        AsOfRange {
            oldest: dated.first().map(|(_, d)| d.to_string()),
            newest: dated.last().map(|(_, d)| d.to_string()),
            rows: dated.len(),
        }
    }
}

impl fmt::Display for AsOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.oldest, &self.newest) {
            (Some(a), Some(b)) if a == b => write!(f, "{a} ({} catalog rows)", self.rows),
            (Some(a), Some(b)) => write!(f, "{a} .. {b} ({} catalog rows)", self.rows),
            _ => f.write_str("none (no catalog price or RTT row used)"),
        }
    }
}

/// How "today" was chosen for a staleness check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TodayFrom {
    /// Given explicitly (`--as-of`).
    Given,
    /// The newest date in the catalog (the default: deterministic output).
    NewestCatalogDate,
}

/// The staleness rule: rows dated more than `max_age_days` before `today` are stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staleness {
    /// The reference date.
    pub today: String,
    /// Where `today` came from.
    pub today_from: TodayFrom,
    /// Maximum age in days before a row is flagged.
    pub max_age_days: u32,
}

impl Staleness {
    /// The rule with `today` = `given` (validated) or else the newest of `dates`.
    pub fn new<'a>(
        given: Option<&str>,
        max_age_days: u32,
        dates: impl IntoIterator<Item = &'a str>,
    ) -> Result<Staleness, CostError> {
        let (today, today_from) = match given {
            Some(d) => {
                if day_number(d).is_none() {
                    return Err(CostError::invalid(
                        "as-of",
                        format!("`{d}` is not a date YYYY-MM-DD or YYYY-MM"),
                    ));
                }
                (d.to_string(), TodayFrom::Given)
            }
            None => {
                let newest = AsOfRange::of(dates).newest.ok_or_else(|| {
                    CostError::invalid("as-of", "the catalog has no dated row; pass --as-of")
                })?;
                (newest, TodayFrom::NewestCatalogDate)
            }
        };
        Ok(Staleness {
            today,
            today_from,
            max_age_days,
        })
    }

    /// Age of `as_of` in days before `today` (`None` if `as_of` is not a date).
    pub fn age_days(&self, as_of: &str) -> Option<i64> {
        days_between(as_of, &self.today)
    }

    /// Whether a row dated `as_of` is older than the maximum age.
    pub fn is_stale(&self, as_of: &str) -> bool {
        self.age_days(as_of)
            .is_some_and(|a| a > i64::from(self.max_age_days))
    }
}

impl fmt::Display for Staleness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "older than {} days before {} ({})",
            self.max_age_days,
            self.today,
            match self.today_from {
                TodayFrom::Given => "given with --as-of",
                TodayFrom::NewestCatalogDate =>
                    "the catalog's newest date, not the clock; pass --as-of DATE to change it",
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_match_the_calendar() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(days_between("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(days_between("2023-02-28", "2023-03-01"), Some(1));
        assert_eq!(day_number("2024-06"), day_number("2024-06-01"));
        for bad in ["2024-02-30", "2024-13", "24-01-01", "2024-1-01", "x", ""] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn range_ignores_order_and_non_dates() {
        let a = AsOfRange::of(["2026-12-07", "n/a", "2023-02-06", "2024-06"]);
        let b = AsOfRange::of(["2024-06", "2023-02-06", "2026-12-07"]);
        assert_eq!(a, b);
        assert_eq!(a.rows, 3);
        assert_eq!(a.to_string(), "2023-02-06 .. 2026-12-07 (3 catalog rows)");
        assert_eq!(
            AsOfRange::of([]).to_string(),
            "none (no catalog price or RTT row used)"
        );
    }

    #[test]
    fn staleness_uses_the_given_date_or_the_newest_row() {
        let s = Staleness::new(None, 365, ["2025-12-06", "2026-12-07"]).unwrap();
        assert_eq!(s.today_from, TodayFrom::NewestCatalogDate);
        assert!(s.is_stale("2025-12-06"), "366 days");
        assert!(!s.is_stale("2025-12-07"), "365 days is not older than 365");
        let g = Staleness::new(Some("2030-01-01"), 30, ["2026-12-07"]).unwrap();
        assert_eq!(g.today_from, TodayFrom::Given);
        assert!(g.is_stale("2026-12-07"));
        assert!(Staleness::new(Some("2030-02-30"), 30, []).is_err());
        assert!(Staleness::new(None, 30, []).is_err());
    }
}
