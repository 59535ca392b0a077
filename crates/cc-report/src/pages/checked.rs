//! Checked simulation rows: a report row never shows a run that violated a safety checker
//! or failed to decide unless the row is about that failure.
//!
//! Every simulation a page shows goes through [`simulate`] (or, for results cc-sim computes
//! in its own loops, [`check`]) with the row's identity ([`RowId`]) and an explicit
//! [`Expect`]. A run that does not meet the expectation is refused with
//! [`ReportError::InvalidRow`], which names the page, the row and what the run did, so
//! `cargo xtask reports` fails instead of printing it.
//!
//! ```text
//! Expect::Decides      no violation, every trial decided / delivered     (the default)
//! Expect::Safe(why)    no violation; trials may stay undecided (faults cost liveness)
//! Expect::Failure(w)   the row is about the failure it shows: anything may appear
//! ```

use cc_sim::registry::Family;
use cc_sim::stats::Fraction;
use cc_sim::{SimRequest, SimSummary};

use crate::ReportError;

/// What a report row may show of the runs behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Expect {
    /// No checker violation, and every trial decided (coordination) or delivered
    /// (dissemination) as the protocol defines it. The default.
    #[default]
    Decides,
    /// No checker violation, but trials may stay undecided: the row shows a fault mix that
    /// costs liveness, not safety. The text says why trials may not decide.
    Safe(&'static str),
    /// The row is about the failure it shows (a fault, a mutant, a partition, a timeout
    /// without randomness): violations and undecided trials may appear. The text says what
    /// the row shows.
    Failure(&'static str),
}

impl Expect {
    fn allows_violations(self) -> bool {
        matches!(self, Expect::Failure(_))
    }

    fn allows_undecided(self) -> bool {
        !matches!(self, Expect::Decides)
    }

    fn describe(self) -> String {
        match self {
            Expect::Decides => "no violation and every trial decided".into(),
            Expect::Safe(why) => format!("no violation (undecided trials allowed: {why})"),
            Expect::Failure(what) => format!("a failure ({what})"),
        }
    }
}

/// The identity of one report row: its page and a name a reader can find on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowId {
    page: &'static str,
    row: String,
}

impl RowId {
    /// Row `row` of page `page` (the page's slug).
    pub(crate) fn new(page: &'static str, row: impl Into<String>) -> RowId {
        RowId {
            page,
            row: row.into(),
        }
    }
}

/// What the safety checkers said about the runs behind a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Checks {
    /// The checkers ran: `count` runs violated one, the first at `first_run` with `first`.
    Ran {
        count: u64,
        first_run: Option<u64>,
        first: Option<String>,
    },
    /// No checker result exists for these runs, for the reason given (a dissemination
    /// protocol has no safety checker; cc-sim's Figure 16 table does not return them).
    None(&'static str),
}

/// The outcome of the runs behind one row, as far as the helper judges it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    /// The checkers' verdict.
    pub(crate) checks: Checks,
    /// Decided (or delivered) out of eligible, pooled over the runs; `None` when the
    /// runs have no single decision to count (a sweep's progress figures).
    pub(crate) decided: Option<(u64, u64)>,
}

impl Outcome {
    /// The outcome of a `cclab sim` run. A coordination protocol without checker results
    /// is reported as violating (cc-sim always checks coordination runs).
    pub(crate) fn of(s: &SimSummary) -> Outcome {
        let checks = match &s.violations {
            Some(v) => Checks::Ran {
                count: v.count,
                first_run: v.first_seed,
                first: v.first.clone(),
            },
            None if is_coordination(&s.protocol) => Checks::Ran {
                count: u64::from(s.trials),
                first_run: None,
                first: Some("a coordination run returned no checker results".into()),
            },
            None => Checks::None("dissemination protocol: no safety checker"),
        };
        Outcome {
            checks,
            decided: Some(pooled(&s.delivery_pooled)),
        }
    }
}

fn pooled(f: &Fraction) -> (u64, u64) {
    (f.successes, f.total)
}

fn is_coordination(protocol: &str) -> bool {
    cc_sim::find(protocol).is_ok_and(|p| p.family() == Family::Coordination)
}

/// Refuse `outcome` for `row` unless `expect` allows it.
///
/// # Errors
/// [`ReportError::InvalidRow`] naming the page, the row, what the runs did and what the
/// row expects.
pub(crate) fn check(row: &RowId, expect: Expect, outcome: &Outcome) -> Result<(), ReportError> {
    let mut problems = Vec::new();
    if let Checks::Ran {
        count,
        first_run,
        first,
    } = &outcome.checks
        && *count > 0
        && !expect.allows_violations()
    {
        let at = first_run.map_or_else(String::new, |i| format!(" (first at run {i}"));
        let what = first.as_deref().unwrap_or("no description");
        problems.push(if at.is_empty() {
            format!("{count} run(s) violated a checker: {what}")
        } else {
            format!("{count} run(s) violated a checker{at}: {what})")
        });
    }
    if let Some((decided, total)) = outcome.decided
        && !expect.allows_undecided()
    {
        if total == 0 {
            problems.push("no decision was measured (0 eligible)".into());
        } else if decided < total {
            problems.push(format!("decided {decided} of {total}"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(ReportError::InvalidRow {
        page: row.page,
        row: row.row.clone(),
        problem: problems.join("; "),
        expected: expect.describe(),
    })
}

/// Run `req` for `row` and return its summary if it meets `expect`.
///
/// # Errors
/// [`ReportError::Sim`] when the simulation fails, [`ReportError::InvalidRow`] when its
/// outcome does not meet `expect`.
pub(crate) fn simulate(
    row: &RowId,
    expect: Expect,
    req: &SimRequest,
) -> Result<SimSummary, ReportError> {
    let s = cc_sim::run(req, &|_, _| {}).map_err(|source| ReportError::Sim {
        page: row.page,
        source,
    })?;
    check(row, expect, &Outcome::of(&s))?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(protocol: &str, nodes: usize) -> SimRequest {
        SimRequest {
            protocol: protocol.into(),
            nodes,
            trials: 10,
            seed: 2026,
            ..SimRequest::default()
        }
    }

    fn refusal(e: ReportError) -> (String, String, String) {
        let text = e.to_string();
        match e {
            ReportError::InvalidRow {
                page, row, problem, ..
            } => {
                assert!(text.contains(&row), "{text}");
                (page.to_string(), row, problem)
            }
            other => panic!("expected InvalidRow, got {other}"),
        }
    }

    #[test]
    fn fault_free_3pc_across_regions_passes() {
        let row = RowId::new("sim-coordination", "regions: 3pc, 6 nodes");
        let req = SimRequest {
            latency: Some("regions".into()),
            options: vec!["separate".into()],
            ..request("3pc", 6)
        };
        let s = simulate(&row, Expect::Decides, &req).unwrap();
        assert_eq!(s.violations.as_ref().map(|v| v.count), Some(0));
        assert_eq!(s.delivery_pooled.successes, s.delivery_pooled.total);
    }

    #[test]
    fn undecided_quorum_is_refused_unless_the_row_expects_it() {
        // R + W <= N under the quorum's fault mix: reads miss the write (13 of 20 decide).
        let req = SimRequest {
            read_quorum: Some(1),
            write_quorum: Some(1),
            faults: Some("default".into()),
            trials: 20,
            ..request("quorum", 5)
        };
        let row = RowId::new("sim-coordination", "faults: quorum R = W = 1");
        let (page, name, problem) = refusal(simulate(&row, Expect::Decides, &req).unwrap_err());
        assert_eq!(page, "sim-coordination");
        assert_eq!(name, "faults: quorum R = W = 1");
        assert!(
            problem.starts_with("decided ") && problem.ends_with(" of 20"),
            "{problem}"
        );
        // the same run is fine for a row about liveness under faults, and about failure
        simulate(&row, Expect::Safe("faults cost liveness"), &req).unwrap();
        simulate(&row, Expect::Failure("non-strict quorum"), &req).unwrap();
    }

    #[test]
    fn a_violation_is_refused_unless_the_row_is_about_it() {
        let row = RowId::new("sim-coordination", "sweeps: 2pc mutant");
        let violated = Outcome {
            checks: Checks::Ran {
                count: 3,
                first_run: Some(7),
                first: Some("agreement: 1 committed and 1 aborted".into()),
            },
            decided: Some((20, 20)),
        };
        for expect in [Expect::Decides, Expect::Safe("faults")] {
            let (_, name, problem) = refusal(check(&row, expect, &violated).unwrap_err());
            assert_eq!(name, "sweeps: 2pc mutant");
            assert_eq!(
                problem,
                "3 run(s) violated a checker (first at run 7: agreement: 1 committed and 1 aborted)"
            );
        }
        check(&row, Expect::Failure("a mutant"), &violated).unwrap();
    }

    #[test]
    fn both_problems_are_named_and_nothing_measured_is_refused() {
        let row = RowId::new("p", "r");
        let both = Outcome {
            checks: Checks::Ran {
                count: 1,
                first_run: None,
                first: None,
            },
            decided: Some((1, 2)),
        };
        let (_, _, problem) = refusal(check(&row, Expect::Decides, &both).unwrap_err());
        assert_eq!(
            problem,
            "1 run(s) violated a checker: no description; decided 1 of 2"
        );
        let (_, _, problem) = refusal(check(&row, Expect::Safe("x"), &both).unwrap_err());
        assert_eq!(problem, "1 run(s) violated a checker: no description");
        let nothing = Outcome {
            checks: Checks::None("dissemination"),
            decided: Some((0, 0)),
        };
        let (_, _, problem) = refusal(check(&row, Expect::Decides, &nothing).unwrap_err());
        assert_eq!(problem, "no decision was measured (0 eligible)");
        let clean = Outcome {
            checks: Checks::None("dissemination"),
            decided: None,
        };
        check(&row, Expect::Decides, &clean).unwrap();
    }

    #[test]
    fn a_coordination_summary_without_checker_results_counts_as_violating() {
        let req = request("2pc", 4);
        let mut s = cc_sim::run(&req, &|_, _| {}).unwrap();
        assert!(matches!(
            Outcome::of(&s).checks,
            Checks::Ran { count: 0, .. }
        ));
        s.violations = None;
        let row = RowId::new("p", "2pc");
        let (_, _, problem) = refusal(check(&row, Expect::Decides, &Outcome::of(&s)).unwrap_err());
        assert!(problem.contains("no checker results"), "{problem}");
        let push = cc_sim::run(&request("push", 100), &|_, _| {}).unwrap();
        assert!(matches!(Outcome::of(&push).checks, Checks::None(_)));
        check(&row, Expect::Decides, &Outcome::of(&push)).unwrap();
    }
}
