//! Commit wait with clock uncertainty ε (Spanner-style TrueTime).
//!
//! Server `i`'s clock reads `t + θᵢ` at true time `t`, with a fixed offset
//! `θᵢ` uniform in `[−skew, skew]`; `TT.now()` returns
//! `[clock − ε, clock + ε]`, which contains the true time whenever
//! `skew ≤ ε`. A client (node `n`) issues transactions at exponential
//! intervals, each to a random server. The server assigns the commit
//! timestamp `s = TT.now().latest`, **waits until `TT.now().earliest > s`**
//! (about `2ε`), then acknowledges; the client sees the commit when the
//! acknowledgement arrives.
//!
//! External consistency (checked over all pairs): if transaction `j` is
//! issued after transaction `i`'s acknowledgement reached the client (in true
//! time), then `s_j > s_i`. Messages per transaction: 2; latency
//! `RTT + 2ε`. Mutations: no commit wait, or `ε` smaller than the real skew —
//! both violate external consistency.
//!
//! The offsets are installed as the servers' clocks in the event engine
//! ([`crate::net::ClockSkew`], the mechanism every protocol's timers use):
//! `clock()` is [`crate::des::Sim::local_time`] and the commit-wait timer is a
//! duration on the server's clock. Clock skew already present in the network
//! model (a drift, say) is added to the drawn offsets — with drift the clock
//! error grows with time, and once it exceeds ε external consistency can fail.

use crate::SimError;
use crate::des::{Delivery, EventConfig, Protocol, Sim, run_events, trace_lines};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{ClockSkew, LatencyDist, MS, NetworkModel, NodeId, Time};
use crate::rng::{ChaCha8Rng, below, unit};
use serde::Serialize;

/// Message kinds.
const KINDS: &[&str] = &["request", "ack"];
const REQ: u8 = 0;
const ACK: u8 = 1;
const T_ISSUE: u64 = 1;
const T_WAIT: u64 = 2;

/// Commit-wait configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CommitWaitConfig {
    /// Servers (`1..=1024`).
    pub servers: usize,
    /// Assumed clock uncertainty ε (ns).
    pub epsilon: Time,
    /// Actual clock offsets are uniform in `[−skew, skew]` (ns).
    pub skew: Time,
    /// Transactions.
    pub transactions: usize,
    /// Mean time between transactions (ns).
    pub interarrival: Time,
    /// Perform the commit wait (`false` = mutation).
    pub commit_wait: bool,
}

/// Commit-wait state.
#[derive(Debug, Clone)]
pub struct CommitWait {
    cfg: CommitWaitConfig,
    offset: Vec<i64>,
    issued: Vec<Time>,
    ts: Vec<Option<i64>>,
    acked: Vec<Option<Time>>,
    waiting: Vec<Vec<(usize, i64)>>,
}

impl CommitWait {
    /// Fresh state; clock offsets drawn from `rng`.
    pub fn new(cfg: CommitWaitConfig, rng: &mut ChaCha8Rng) -> Self {
        let offset = (0..cfg.servers)
            .map(|_| ((unit(rng) * 2.0 - 1.0) * cfg.skew as f64) as i64)
            .collect();
        CommitWait {
            cfg,
            offset,
            issued: Vec::new(),
            ts: vec![None; cfg.transactions],
            acked: vec![None; cfg.transactions],
            waiting: vec![Vec::new(); cfg.servers],
        }
    }

    fn clock(&self, sim: &Sim<u64>, i: usize) -> i64 {
        sim.local_time(i as NodeId)
    }

    /// The servers' clocks (drawn offsets, no drift) merged into `net`'s
    /// clocks: offsets add, drift is kept.
    pub fn clocks(&self, net: &NetworkModel) -> Vec<ClockSkew> {
        let mut out: Vec<ClockSkew> = net.clocks.clone();
        for (i, &off) in self.offset.iter().enumerate() {
            match out.iter_mut().find(|c| c.node as usize == i) {
                Some(c) => c.offset_ns = c.offset_ns.saturating_add(off),
                None => out.push(ClockSkew {
                    node: i as NodeId,
                    offset_ns: off,
                    drift_ppm: 0,
                }),
            }
        }
        out
    }

    /// External-consistency violations (pairs), as text.
    pub fn check(&self) -> Vec<String> {
        let mut v = Vec::new();
        for i in 0..self.issued.len() {
            let (Some(ci), Some(si)) = (self.acked[i], self.ts[i]) else {
                continue;
            };
            for j in 0..self.issued.len() {
                if self.issued[j] > ci
                    && let Some(sj) = self.ts[j]
                    && sj <= si
                {
                    v.push(format!(
                        "T{j} issued after T{i} committed but s{j} = {sj} <= s{i} = {si}"
                    ));
                    if v.len() >= 5 {
                        return v;
                    }
                }
            }
        }
        v
    }

    /// Commit latencies (issue to acknowledgement, ns).
    pub fn latencies(&self) -> Vec<Time> {
        self.issued
            .iter()
            .zip(&self.acked)
            .filter_map(|(&a, c)| c.map(|c| c - a))
            .collect()
    }
}

impl Protocol for CommitWait {
    type Msg = u64;
    fn kinds(&self) -> &'static [&'static str] {
        KINDS
    }
    fn payload_kinds(&self) -> u64 {
        1
    }
    fn start(&mut self, sim: &mut Sim<u64>) {
        sim.set_timer(self.cfg.servers as NodeId, 0, T_ISSUE);
    }
    fn on_timer(&mut self, sim: &mut Sim<u64>, node: NodeId, id: u64) {
        if id == T_ISSUE {
            let k = self.issued.len();
            if k >= self.cfg.transactions {
                return;
            }
            self.issued.push(sim.now());
            let server = below(sim.rng(), self.cfg.servers as u32);
            sim.send(node, server, REQ, 64, k as u64);
            let gap = (-(self.cfg.interarrival as f64) * (1.0 - unit(sim.rng())).ln()) as Time;
            sim.set_timer(node, gap.max(1), T_ISSUE);
        } else if id == T_WAIT {
            let i = node as usize;
            let earliest = self.clock(sim, i) - self.cfg.epsilon as i64;
            let ready: Vec<(usize, i64)> = self.waiting[i]
                .iter()
                .copied()
                .filter(|&(_, s)| earliest > s)
                .collect();
            self.waiting[i].retain(|&(_, s)| earliest <= s);
            for (k, _) in ready {
                sim.send(node, self.cfg.servers as NodeId, ACK, 32, k as u64);
            }
        }
    }
    fn on_message(&mut self, sim: &mut Sim<u64>, to: NodeId, from: NodeId, kind: u8, k: u64) {
        let k = k as usize;
        if kind == REQ {
            if self.ts[k].is_some() {
                // a duplicated request: the server already stamped (and will
                // acknowledge) this transaction; it is identified by its id
                return;
            }
            let i = to as usize;
            let s = self.clock(sim, i) + self.cfg.epsilon as i64; // TT.now().latest
            self.ts[k] = Some(s);
            if self.cfg.commit_wait {
                // wait until TT.now().earliest > s, i.e. clock > s + ε
                let wait = (s + self.cfg.epsilon as i64 + 1 - self.clock(sim, i)).max(0) as Time;
                self.waiting[i].push((k, s));
                sim.set_timer(to, wait, T_WAIT);
            } else {
                sim.send(to, from, ACK, 32, k as u64);
            }
        } else if self.acked[k].is_none() {
            self.acked[k] = Some(sim.now());
        }
    }
}

/// Outcome of a commit-wait run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitWaitRun {
    /// Messages.
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Committed transactions.
    pub committed: usize,
    /// Mean commit latency (ns).
    pub mean_latency_ns: f64,
    /// Per-transaction latencies (ns).
    pub latencies_ns: Vec<Time>,
    /// External-consistency violations.
    pub violations: Vec<String>,
}

/// Run one commit-wait experiment.
pub fn run_commit_wait(
    cfg: &CommitWaitConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<CommitWaitRun, SimError> {
    Ok(run_commit_wait_logged(cfg, net, rng, false)?.0)
}

/// [`run_commit_wait`], also returning the delivered messages when `log` is set.
pub fn run_commit_wait_logged(
    cfg: &CommitWaitConfig,
    net: &NetworkModel,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<(CommitWaitRun, Vec<Delivery>), SimError> {
    if !(1..=1024).contains(&cfg.servers) || cfg.transactions == 0 || cfg.transactions > 100_000 {
        return Err(SimError::param(
            "nodes",
            "commit-wait needs 1..=1024 servers and 1..=100000 transactions",
        ));
    }
    let mut p = CommitWait::new(*cfg, &mut rng);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let net = NetworkModel {
        clocks: p.clocks(net),
        ..net.clone()
    };
    let (m, deliveries) = run_events(&mut p, cfg.servers + 1, &net, &ecfg, rng)?;
    let lat = p.latencies();
    let run = CommitWaitRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        committed: lat.len(),
        mean_latency_ns: if lat.is_empty() {
            f64::NAN
        } else {
            lat.iter().sum::<Time>() as f64 / lat.len() as f64
        },
        latencies_ns: lat,
        violations: p.check(),
    };
    Ok((run, deliveries))
}

/// Fault schedule `r` of the commit-wait sweep: the servers' real clock
/// offsets uniform in `[−s, s]` with `s` drawn in `[0, ε]` (TrueTime's
/// guarantee: the error stays within the uncertainty it reports), message
/// loss in `[0, 0.1)` (a lost request or acknowledgement leaves that
/// transaction uncommitted, never inconsistent) and exponential latency with a
/// mean drawn in `[0.2, 5)` ms, which reorders requests and acknowledgements.
/// Transactions arrive with a mean gap drawn in `[0.5, 10)` ms, so many are
/// in flight during one another's commit waits.
pub fn commit_wait_fault_schedule(
    cfg: &CommitWaitConfig,
    r: &mut ChaCha8Rng,
) -> (CommitWaitConfig, NetworkModel) {
    let skew = (unit(r) * cfg.epsilon as f64) as Time;
    let net = NetworkModel {
        latency: LatencyDist::Exponential {
            mean_ns: (0.2 + unit(r) * 4.8) * MS as f64,
        },
        loss: unit(r) * 0.1,
        ..NetworkModel::default()
    };
    let c = CommitWaitConfig {
        skew,
        interarrival: ((0.5 + unit(r) * 9.5) * MS as f64) as Time,
        ..*cfg
    };
    (c, net)
}

/// Result of a commit-wait fault sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitWaitSweep {
    /// Schedules run.
    pub runs: u64,
    /// Runs with an external-consistency violation.
    pub violating_runs: u64,
    /// Lowest violating schedule index (reproduce with `trial_rng(seed, index)`).
    pub first_seed: Option<u64>,
    /// Violating run with the fewest messages: (index, violations).
    pub shortest: Option<(u64, Vec<String>)>,
    /// Delivered-message trace of that run ([`crate::des::trace_lines`]).
    pub shortest_trace: Vec<String>,
    /// Transactions committed over all runs.
    pub committed: u64,
}

/// Run `runs` seeded fault schedules ([`commit_wait_fault_schedule`]) of
/// `cfg` and check external consistency after each.
pub fn sweep_commit_wait(
    cfg: &CommitWaitConfig,
    seed: u64,
    runs: u32,
) -> Result<CommitWaitSweep, SimError> {
    let res = run_trials(seed, runs, &no_progress, |i, mut rng| {
        let (c, net) = commit_wait_fault_schedule(cfg, &mut rng);
        let r = run_commit_wait(&c, &net, rng)?;
        Ok((i, r.messages, r.committed as u64, r.violations))
    })?;
    let bad: Vec<&(u64, u64, u64, Vec<String>)> = res.iter().filter(|r| !r.3.is_empty()).collect();
    let shortest = bad.iter().min_by_key(|r| r.1).map(|r| (r.0, r.3.clone()));
    let shortest_trace = match &shortest {
        Some((i, _)) => {
            let mut rng = crate::rng::trial_rng(seed, *i);
            let (c, net) = commit_wait_fault_schedule(cfg, &mut rng);
            let (_, log) = run_commit_wait_logged(&c, &net, rng, true)?;
            trace_lines(&log, KINDS)
        }
        None => Vec::new(),
    };
    Ok(CommitWaitSweep {
        runs: u64::from(runs),
        violating_runs: bad.len() as u64,
        first_seed: bad.first().map(|r| r.0),
        shortest,
        shortest_trace,
        committed: res.iter().map(|r| r.2).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{LatencyDist, MS};
    use crate::rng::trial_rng;

    fn cfg(commit_wait: bool, skew: Time) -> CommitWaitConfig {
        CommitWaitConfig {
            servers: 5,
            epsilon: 7 * MS,
            skew,
            transactions: 300,
            interarrival: 3 * MS,
            commit_wait,
        }
    }

    #[test]
    fn sweep_is_safe_and_mutants_are_caught() {
        let base = CommitWaitConfig {
            transactions: 40,
            ..cfg(true, 0)
        };
        let ok = sweep_commit_wait(&base, 0, 10_000).unwrap();
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        assert!(ok.shortest_trace.is_empty());
        // Most transactions commit despite the loss.
        assert!(ok.committed > 10_000 * 40 * 7 / 10, "{}", ok.committed);
        let no_wait = CommitWaitConfig {
            commit_wait: false,
            ..base
        };
        let bad = sweep_commit_wait(&no_wait, 0, 10_000).unwrap();
        assert!(bad.violating_runs > 0);
        assert!(bad.first_seed.is_some());
        let (_, v) = bad.shortest.as_ref().unwrap();
        assert!(v.iter().any(|l| l.contains("issued after")), "{v:?}");
        assert!(bad.shortest_trace.iter().any(|l| l.contains("ack")));
    }

    #[test]
    fn commit_wait_is_externally_consistent_and_costs_2_epsilon() {
        let net = NetworkModel {
            latency: LatencyDist::Constant { ns: MS },
            ..NetworkModel::default()
        };
        for seed in 0..20 {
            let r = run_commit_wait(&cfg(true, 7 * MS), &net, trial_rng(seed, 0)).unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
            assert_eq!(r.committed, 300);
            assert_eq!(r.messages, 600);
            // RTT 2 ms + commit wait 2ε = 14 ms (+1 ns rounding)
            let mean = r.mean_latency_ns / MS as f64;
            assert!((mean - 16.0).abs() < 0.01, "{mean}");
        }
    }

    #[test]
    fn mutations_violate_external_consistency() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            ..NetworkModel::default()
        };
        let no_wait = (0..20).any(|s| {
            !run_commit_wait(&cfg(false, 7 * MS), &net, trial_rng(s, 1))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(no_wait, "no commit wait must violate external consistency");
        let small_eps = CommitWaitConfig {
            epsilon: MS,
            ..cfg(true, 7 * MS)
        };
        let bad = (0..20).any(|s| {
            !run_commit_wait(&small_eps, &net, trial_rng(s, 2))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(
            bad,
            "epsilon below the real skew must violate external consistency"
        );
    }

    #[test]
    fn clock_drift_through_the_engine_breaks_commit_wait() {
        // Offsets within ε are safe; a drift of 1 % makes the clock error grow
        // past ε = 7 ms within a second, and external consistency fails.
        use crate::net::ClockSkew;
        let base = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            ..NetworkModel::default()
        };
        let cfg = CommitWaitConfig {
            transactions: 400,
            ..cfg(true, 7 * MS)
        };
        let drifting = |ppm: i32| NetworkModel {
            clocks: (0..5)
                .map(|node| ClockSkew {
                    node,
                    offset_ns: 0,
                    drift_ppm: if node % 2 == 0 { ppm } else { -ppm },
                })
                .collect(),
            ..base.clone()
        };
        for seed in 0..10 {
            let r = run_commit_wait(&cfg, &drifting(0), trial_rng(seed, 3)).unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
        }
        let bad = (0..10).any(|seed| {
            !run_commit_wait(&cfg, &drifting(10_000), trial_rng(seed, 3))
                .unwrap()
                .violations
                .is_empty()
        });
        assert!(bad, "1 % drift must eventually exceed ε");
    }
}
