//! One sweep for every coordination protocol (`cclab sweep`): run `runs`
//! seeded fault schedules, check every run, and report the violating runs,
//! the lowest violating schedule and the shortest violating run with its
//! event trace. A `mutant` names one of the protocol's deliberately broken
//! variants, to show that the checkers bite.
//!
//! A protocol contributes a [`SweepDef`] through
//! [`crate::registry::SimProtocol::sweep`]: its node range, its mutants and
//! a function that builds the [`SweepCase`] — one schedule drawn from the
//! trial's stream and run, returning a [`SweepRun`]. Everything else —
//! validation, parallel runs, the tallies, the choice of the shortest
//! violating run and its trace — is [`run_schedules`], shared by all.
//!
//! **Shortest** means the fewest messages sent; ties go to the lowest
//! schedule index. Schedule `i` of a sweep with seed `s` draws from
//! `trial_rng(s, i)`, so a reported index reproduces its run exactly, and the
//! result does not depend on the number of threads.
//!
//! ```
//! let s = cc_sim::sweep::sweep("raft", None, 0, 200, None)?.findings;
//! assert_eq!((s.runs, s.violating_runs), (200, 0));
//! let m = cc_sim::sweep::sweep("crdt-counter", None, 0, 50, Some("sum-merge"))?.findings;
//! assert!(m.violating_runs > 0 && m.shortest.is_some());
//! # Ok::<(), cc_sim::SimError>(())
//! ```

use crate::SimError;
use crate::montecarlo::{no_progress, run_trials};
use crate::registry::{NodeRange, REGISTRY, SimProtocol, find};
use crate::rng::{ChaCha8Rng, trial_rng};
use serde::Serialize;
use std::collections::BTreeMap;

/// Largest accepted `runs`.
pub const MAX_RUNS: u32 = 10_000_000;

/// A deliberately broken variant of a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mutant {
    /// Name on the command line (`--mutant NAME`).
    pub name: &'static str,
    /// The bug it injects.
    pub bug: &'static str,
}

/// One schedule of a sweep: draw it from the stream and run it; with
/// `log`, also return the delivered-message trace.
pub type SweepCase = Box<dyn Fn(ChaCha8Rng, bool) -> Result<SweepRun, SimError> + Send + Sync>;

/// A protocol's sweep.
#[derive(Clone, Copy)]
pub struct SweepDef {
    /// Accepted node counts and the default size.
    pub nodes: NodeRange,
    /// Its mutants.
    pub mutants: &'static [Mutant],
    /// Build the schedule function for `nodes` and an optional mutant (a
    /// name of `mutants`, already validated).
    pub case: fn(nodes: usize, mutant: Option<&str>) -> Result<SweepCase, SimError>,
}

/// How one run adds to a sweep's progress figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tally {
    /// Counts the runs where this is true.
    Runs(bool),
    /// Averaged over all runs.
    Mean(f64),
    /// Summed over all runs.
    Sum(f64),
}

/// What one scheduled run reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepRun {
    /// Messages sent (the measure of "shortest").
    pub messages: u64,
    /// Progress figures, by name.
    pub progress: Vec<(&'static str, Tally)>,
    /// What the checkers found.
    pub violations: Vec<String>,
    /// Delivered messages, one line each (only when asked to log).
    pub trace: Vec<String>,
}

/// The violating run with the fewest messages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShortestViolation {
    /// Schedule index (`trial_rng(seed, index)`).
    pub index: u64,
    /// What the checkers found.
    pub violations: Vec<String>,
    /// Delivered messages, one line each ([`crate::des::trace_lines`]).
    pub trace: Vec<String>,
}

/// What a set of scheduled runs found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Findings {
    /// Schedules run.
    pub runs: u64,
    /// Runs with at least one violation.
    pub violating_runs: u64,
    /// Lowest violating schedule index.
    pub first_index: Option<u64>,
    /// The shortest violating run.
    pub shortest: Option<ShortestViolation>,
    /// Progress figures (e.g. `committed_runs`, `mean_committed`).
    pub progress: BTreeMap<String, f64>,
}

/// Result of [`sweep`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// Protocol.
    pub protocol: String,
    /// Nodes (see [`NodeRange::what`]).
    pub nodes: usize,
    /// Seed.
    pub seed: u64,
    /// The injected bug, if any.
    pub mutant: Option<String>,
    /// What the runs found.
    #[serde(flatten)]
    pub findings: Findings,
}

/// Run schedules `0..runs` of `case` (schedule `i` on `trial_rng(seed, i)`,
/// in parallel, reduced in order), tally them, and trace the shortest
/// violating run. Every sweep, and every test of a sweep, goes through here.
pub fn run_schedules<F>(case: F, seed: u64, runs: u32) -> Result<Findings, SimError>
where
    F: Fn(ChaCha8Rng, bool) -> Result<SweepRun, SimError> + Sync,
{
    run_schedules_with_progress(case, seed, runs, &no_progress)
}

/// [`run_schedules`], reporting `(done, total)` schedules to `progress` as they finish.
pub fn run_schedules_with_progress<F>(
    case: F,
    seed: u64,
    runs: u32,
    progress: crate::montecarlo::Progress<'_>,
) -> Result<Findings, SimError>
where
    F: Fn(ChaCha8Rng, bool) -> Result<SweepRun, SimError> + Sync,
{
    if runs == 0 || runs > MAX_RUNS {
        return Err(SimError::param(
            "runs",
            format!("must be in 1..={MAX_RUNS}, got {runs}"),
        ));
    }
    let res = run_trials(seed, runs, progress, |_, rng| case(rng, false))?;
    let mut violating_runs = 0;
    let mut first_index = None;
    let mut best: Option<(u64, u64)> = None;
    // (name, averaged?, total), in order of first appearance
    let mut sums: Vec<(&'static str, bool, f64)> = Vec::new();
    for (i, r) in (0u64..).zip(&res) {
        if !r.violations.is_empty() {
            violating_runs += 1;
            first_index.get_or_insert(i);
            if best.is_none_or(|(_, m)| r.messages < m) {
                best = Some((i, r.messages));
            }
        }
        for &(name, t) in &r.progress {
            let (mean, x) = match t {
                Tally::Runs(b) => (false, f64::from(u8::from(b))),
                Tally::Mean(x) => (true, x),
                Tally::Sum(x) => (false, x),
            };
            match sums.iter_mut().find(|s| s.0 == name) {
                Some(s) => s.2 += x,
                None => sums.push((name, mean, x)),
            }
        }
    }
    let progress = sums
        .into_iter()
        .map(|(name, mean, total)| {
            let v = if mean { total / f64::from(runs) } else { total };
            (name.to_string(), v)
        })
        .collect();
    let shortest = best
        .map(|(index, _)| {
            let again = case(trial_rng(seed, index), true)?;
            Ok::<_, SimError>(ShortestViolation {
                index,
                violations: res[index as usize].violations.clone(),
                trace: again.trace,
            })
        })
        .transpose()?;
    Ok(Findings {
        runs: u64::from(runs),
        violating_runs,
        first_index,
        shortest,
        progress,
    })
}

/// The protocols that have a sweep, in registry order.
pub fn sweepable() -> Vec<(&'static dyn SimProtocol, SweepDef)> {
    REGISTRY
        .iter()
        .filter_map(|p| p.sweep().map(|s| (*p, s)))
        .collect()
}

/// Run the sweep of `protocol` on `nodes` (default: the sweep's size).
pub fn sweep(
    protocol: &str,
    nodes: Option<usize>,
    seed: u64,
    runs: u32,
    mutant: Option<&str>,
) -> Result<Sweep, SimError> {
    sweep_with_progress(protocol, nodes, seed, runs, mutant, &no_progress)
}

/// [`sweep`], reporting `(done, total)` schedules to `progress` as they finish (for a
/// progress bar; the result does not depend on it).
///
/// # Errors
/// As [`sweep`].
pub fn sweep_with_progress(
    protocol: &str,
    nodes: Option<usize>,
    seed: u64,
    runs: u32,
    mutant: Option<&str>,
    progress: crate::montecarlo::Progress<'_>,
) -> Result<Sweep, SimError> {
    let no_sweep = || {
        SimError::param(
            "protocol",
            format!(
                "no sweep for `{protocol}`; sweeps: {}",
                sweepable()
                    .iter()
                    .map(|(p, _)| p.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    };
    let p = find(protocol).map_err(|_| no_sweep())?;
    let def = p.sweep().ok_or_else(no_sweep)?;
    let n = nodes.unwrap_or(def.nodes.default);
    if !(def.nodes.min..=def.nodes.max).contains(&n) {
        return Err(SimError::param(
            "nodes",
            format!(
                "the {} sweep takes {}..={} {}, got {n}",
                p.name(),
                def.nodes.min,
                def.nodes.max,
                def.nodes.what
            ),
        ));
    }
    if runs == 0 || runs > MAX_RUNS {
        return Err(SimError::param(
            "runs",
            format!("must be in 1..={MAX_RUNS}, got {runs}"),
        ));
    }
    if let Some(m) = mutant
        && !def.mutants.iter().any(|x| x.name == m)
    {
        return Err(SimError::param(
            "mutant",
            format!(
                "`{m}` is not a {} mutant; mutants: {}",
                p.name(),
                def.mutants
                    .iter()
                    .map(|x| x.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let case = (def.case)(n, mutant)?;
    let findings = run_schedules_with_progress(case, seed, runs, progress)?;
    Ok(Sweep {
        protocol: p.name().to_string(),
        nodes: n,
        seed,
        mutant: mutant.map(str::to_string),
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protocol_sweeps_and_every_mutant_is_named() {
        let all = sweepable();
        assert_eq!(all.len(), 16);
        for (p, s) in all {
            let ok = sweep(p.name(), None, 7, 300, None).unwrap();
            let f = &ok.findings;
            assert_eq!(f.violating_runs, 0, "{}: {:?}", p.name(), f.shortest);
            assert!(f.shortest.is_none() && f.first_index.is_none());
            assert!(!f.progress.is_empty());
            assert!(!s.mutants.is_empty());
        }
        // deterministic: the same seed gives the same result
        assert_eq!(
            sweep("hs", Some(5), 3, 200, Some("high-water-dedup")).unwrap(),
            sweep("hs", Some(5), 3, 200, Some("high-water-dedup")).unwrap()
        );
    }

    #[test]
    fn mutants_are_caught_with_a_reproducing_trace() {
        for (protocol, mutant, runs) in [
            ("2pc", "commit-on-missing-vote", 2_000),
            ("quorum", "count-duplicates", 2_000),
            ("paxos", "ignore-promised-values", 10_000),
            ("crdt-counter", "sum-merge", 100),
            ("lcr", "no-resume-after-recovery", 2_000),
        ] {
            let s = sweep(protocol, None, 0, runs, Some(mutant)).unwrap();
            let f = s.findings;
            assert!(f.violating_runs > 0, "{protocol} {mutant}: not caught");
            let sh = f.shortest.unwrap();
            assert!(
                !sh.violations.is_empty() && !sh.trace.is_empty(),
                "{protocol}"
            );
            assert!(f.first_index.unwrap() <= sh.index);
            // the reported index reproduces the violation
            let p = find(protocol).unwrap();
            let case = (p.sweep().unwrap().case)(s.nodes, Some(mutant)).unwrap();
            let again = case(trial_rng(0, sh.index), false).unwrap();
            assert_eq!(again.violations, sh.violations);
        }
    }

    #[test]
    fn bad_requests_name_the_parameter() {
        for (p, n, m, key) in [
            ("telepathy", None, None, "protocol"),
            ("push", None, None, "protocol"),
            ("pbft", Some(5), None, "nodes"),
            ("raft", Some(2), None, "nodes"),
            ("raft", None, Some("sum-merge"), "mutant"),
        ] {
            let e = sweep(p, n, 0, 10, m).unwrap_err().to_string();
            assert!(e.contains(key), "{e}");
        }
        assert!(
            sweep("raft", None, 0, 0, None)
                .unwrap_err()
                .to_string()
                .contains("runs")
        );
    }

    #[test]
    fn tallies_count_average_and_sum() {
        let f = run_schedules(
            |mut rng, _| {
                let x = crate::rng::below(&mut rng, 10);
                Ok(SweepRun {
                    messages: u64::from(x),
                    progress: vec![
                        ("even_runs", Tally::Runs(x.is_multiple_of(2))),
                        ("mean_x", Tally::Mean(f64::from(x))),
                        ("total_x", Tally::Sum(f64::from(x))),
                    ],
                    violations: if x < 3 {
                        vec![format!("x = {x}")]
                    } else {
                        Vec::new()
                    },
                    trace: vec![String::new(); x as usize],
                })
            },
            5,
            100,
        )
        .unwrap();
        let p = &f.progress;
        assert!((p["mean_x"] * 100.0 - p["total_x"]).abs() < 1e-9);
        assert!(p["even_runs"] >= 1.0 && p["even_runs"] <= 99.0);
        let sh = f.shortest.unwrap();
        assert_eq!(sh.violations, vec!["x = 0".to_string()]);
        assert!(f.first_index.unwrap() <= sh.index);
    }
}
