//! PBFT normal case (Castro & Liskov 1999) with `f` Byzantine backups.
//!
//! Replicas `0..n` (`n = 3f + 1`, primary 0, view 0), client node `n`.
//! The client sends `REQUEST` to the primary; the primary multicasts
//! `PRE-PREPARE` to the `n − 1` backups; each backup that accepts it
//! multicasts `PREPARE` to the other `n − 1` replicas; a replica with the
//! pre-prepare and `2f` matching prepares is *prepared* and multicasts
//! `COMMIT` to the other `n − 1` replicas; with `2f + 1` matching commits it
//! executes and sends `REPLY` to the client, which accepts `f + 1` matching
//! replies. Fault-free message count:
//!
//! `1 + (n−1) + (n−1)² + n(n−1) + n = 2n² − n + 1`.
//!
//! Byzantine backups (the `byzantine` highest ids) are either **silent**
//! (send nothing) or **equivocating** (send prepares, commits and replies
//! for a forged digest to half of the replicas and the true digest to the
//! others). View changes are not modelled, so the primary is always correct.
//!
//! Checker: every correct replica that commits commits the client's digest
//! (validity + agreement), the client accepts the true result, and with at
//! most `f` faulty replicas every correct replica commits (liveness without
//! loss).
//!
//! **Sweep** ([`sweep_pbft`]): seeded schedules ([`pbft_fault_schedule`]) of
//! latency, loss, duplication, backup crashes, a partition and clock skew,
//! each with a random number `0..=f` of Byzantine backups of a random
//! behaviour; safety is checked in every run (liveness only without faults).
//! **Mutation** `client_accepts_f_replies`: the client accepts a result
//! vouched for by `f` replicas instead of `f + 1` — `f` equivocating
//! replicas then make it accept a forged result; the sweep catches it.

use crate::SimError;
use crate::des::{Delivery, EventConfig, Protocol, Sim, run_events, trace_lines};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{Crash, LatencyDist, MS, NetworkModel, NodeId, Partition, Time};
use crate::rng::{ChaCha8Rng, below, chance, unit};
use serde::Serialize;
use std::collections::BTreeSet;

const REQUEST: u8 = 0;
const PRE_PREPARE: u8 = 1;
const PREPARE: u8 = 2;
const COMMIT: u8 = 3;
const REPLY: u8 = 4;
const KINDS: &[&str] = &["request", "pre-prepare", "prepare", "commit", "reply"];

const TRUE_DIGEST: u64 = 0x5eed;
const FORGED_DIGEST: u64 = 0xbad;

/// Behaviour of the Byzantine replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Byzantine {
    /// Send nothing.
    Silent,
    /// Send conflicting digests to different replicas.
    Equivocating,
}

/// PBFT run configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PbftConfig {
    /// Fault tolerance `f`; `n = 3f + 1` replicas.
    pub f: usize,
    /// Number of Byzantine backups (`<= f` for the guarantees).
    pub byzantine: usize,
    /// Their behaviour.
    pub behaviour: Byzantine,
    /// Injected bug: the client accepts `f` matching replies instead of `f + 1`.
    pub client_accepts_f_replies: bool,
}

impl PbftConfig {
    /// Replicas.
    pub fn n(&self) -> usize {
        3 * self.f + 1
    }

    /// Fault-free messages: `2n² − n + 1`.
    pub fn formula_messages(&self) -> u64 {
        let n = self.n() as u64;
        2 * n * n - n + 1
    }
}

/// PBFT state.
#[derive(Debug, Clone)]
pub struct Pbft {
    cfg: PbftConfig,
    pre_prepared: Vec<Option<u64>>,
    prepares: Vec<BTreeSet<(u64, NodeId)>>,
    commits: Vec<BTreeSet<(u64, NodeId)>>,
    prepared: Vec<bool>,
    committed: Vec<Option<u64>>,
    replies: BTreeSet<(u64, NodeId)>,
    accepted: Option<(u64, Time)>,
}

impl Pbft {
    /// Fresh state.
    pub fn new(cfg: PbftConfig) -> Self {
        let n = cfg.n();
        Pbft {
            cfg,
            pre_prepared: vec![None; n],
            prepares: vec![BTreeSet::new(); n],
            commits: vec![BTreeSet::new(); n],
            prepared: vec![false; n],
            committed: vec![None; n],
            replies: BTreeSet::new(),
            accepted: None,
        }
    }

    fn faulty(&self, v: NodeId) -> bool {
        (v as usize) >= self.cfg.n() - self.cfg.byzantine
    }

    /// Send `kind` with `digest` from replica `v` to every other replica
    /// (a Byzantine replica misbehaves here).
    fn multicast(&self, sim: &mut Sim<u64>, v: NodeId, kind: u8, digest: u64) {
        let n = self.cfg.n() as NodeId;
        for to in 0..n {
            if to == v {
                continue;
            }
            if self.faulty(v) {
                match self.cfg.behaviour {
                    Byzantine::Silent => {}
                    Byzantine::Equivocating => {
                        let d = if to % 2 == 0 { FORGED_DIGEST } else { digest };
                        sim.send(v, to, kind, 64, d);
                    }
                }
            } else {
                sim.send(v, to, kind, 64, digest);
            }
        }
    }

    fn quorum(&self) -> usize {
        2 * self.cfg.f
    }

    fn try_prepare(&mut self, sim: &mut Sim<u64>, v: NodeId) {
        let i = v as usize;
        if self.prepared[i] {
            return;
        }
        let Some(d) = self.pre_prepared[i] else {
            return;
        };
        let matching = self.prepares[i]
            .iter()
            .filter(|(x, from)| *x == d && *from != 0)
            .count();
        if matching >= self.quorum() {
            self.prepared[i] = true;
            self.commits[i].insert((d, v));
            self.multicast(sim, v, COMMIT, d);
            self.try_commit(sim, v);
        }
    }

    fn try_commit(&mut self, sim: &mut Sim<u64>, v: NodeId) {
        let i = v as usize;
        if !self.prepared[i] || self.committed[i].is_some() {
            return;
        }
        let Some(d) = self.pre_prepared[i] else {
            return;
        };
        let matching = self.commits[i].iter().filter(|(x, _)| *x == d).count();
        if matching > self.quorum() {
            self.committed[i] = Some(d);
            let client = self.cfg.n() as NodeId;
            let reply = if self.faulty(v) && self.cfg.behaviour == Byzantine::Equivocating {
                FORGED_DIGEST
            } else {
                d
            };
            if !(self.faulty(v) && self.cfg.behaviour == Byzantine::Silent) {
                sim.send(v, client, REPLY, 64, reply);
            }
        }
    }

    /// Checker.
    pub fn check(&self, expect_liveness: bool) -> Vec<String> {
        let mut v = Vec::new();
        for i in 0..self.cfg.n() {
            if self.faulty(i as NodeId) {
                continue;
            }
            match self.committed[i] {
                Some(d) if d != TRUE_DIGEST => {
                    v.push(format!("replica {i} committed a forged digest"))
                }
                None if expect_liveness => v.push(format!("correct replica {i} did not commit")),
                _ => {}
            }
        }
        match self.accepted {
            Some((d, _)) if d != TRUE_DIGEST => v.push("client accepted a forged result".into()),
            None if expect_liveness => v.push("client accepted no result".into()),
            _ => {}
        }
        v
    }
}

impl Protocol for Pbft {
    type Msg = u64;
    fn kinds(&self) -> &'static [&'static str] {
        KINDS
    }
    fn payload_kinds(&self) -> u64 {
        1 << REQUEST
    }
    fn start(&mut self, sim: &mut Sim<u64>) {
        let client = self.cfg.n() as NodeId;
        sim.send(client, 0, REQUEST, 256, TRUE_DIGEST);
    }
    fn on_message(&mut self, sim: &mut Sim<u64>, to: NodeId, from: NodeId, kind: u8, d: u64) {
        let i = to as usize;
        let client = self.cfg.n() as NodeId;
        match kind {
            REQUEST if to == 0 && self.pre_prepared[0].is_none() => {
                self.pre_prepared[0] = Some(d);
                self.multicast(sim, 0, PRE_PREPARE, d);
                self.try_prepare(sim, 0);
            }
            PRE_PREPARE if from == 0 && self.pre_prepared[i].is_none() => {
                self.pre_prepared[i] = Some(d);
                self.prepares[i].insert((d, to));
                self.multicast(sim, to, PREPARE, d);
                self.try_prepare(sim, to);
            }
            PREPARE if to != client => {
                self.prepares[i].insert((d, from));
                self.try_prepare(sim, to);
            }
            COMMIT if to != client => {
                self.commits[i].insert((d, from));
                self.try_commit(sim, to);
            }
            REPLY if to == client => {
                self.replies.insert((d, from));
                let matching = self.replies.iter().filter(|(x, _)| *x == d).count();
                let needed = if self.cfg.client_accepts_f_replies {
                    self.cfg.f
                } else {
                    self.cfg.f + 1
                };
                if matching >= needed && self.accepted.is_none() {
                    self.accepted = Some((d, sim.now()));
                }
            }
            _ => {}
        }
    }
}

/// Outcome of one PBFT request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PbftRun {
    /// Messages (all kinds, including request and replies).
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Time at which the client accepted a result (ns).
    pub accepted_at: Option<Time>,
    /// Violations.
    pub violations: Vec<String>,
}

/// Run one request.
pub fn run_pbft(
    cfg: &PbftConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<PbftRun, SimError> {
    run_pbft_logged(cfg, net, rng, false).map(|r| r.0)
}

fn run_pbft_logged(
    cfg: &PbftConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(PbftRun, Vec<Delivery>), SimError> {
    if cfg.f == 0 || cfg.f > 30 {
        return Err(SimError::param(
            "nodes",
            "pbft needs n = 3f + 1 replicas with 1 <= f <= 30 (n = 4, 7, 10, …)",
        ));
    }
    if cfg.byzantine > cfg.f {
        return Err(SimError::param(
            "byzantine",
            format!(
                "at most f = {} faulty replicas, got {}",
                cfg.f, cfg.byzantine
            ),
        ));
    }
    let mut p = Pbft::new(*cfg);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.n() + 1, net, &ecfg, rng)?;
    let live = net.loss == 0.0 && net.crashes.is_empty() && net.partitions.is_empty();
    Ok((
        PbftRun {
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            accepted_at: p.accepted.map(|a| a.1),
            violations: p.check(live),
        },
        log,
    ))
}

/// The PBFT sweep's fault schedule for `n = 3f + 1` replicas and the client
/// (node `n`): exponential latency (mean 10 ms), loss in `[0, 0.1)`,
/// duplication in `[0, 0.05)`, each backup crashing with probability 0.2 at a
/// uniform time in `[0, 60 ms)` (recovering after `[1, 100]` ms with
/// probability 0.5), a partition of a random side of all nodes with
/// probability 0.3 opening in `[0, 60 ms)` for `[1, 100]` ms, and clocks from
/// [`super::faults::default_clocks`]. The primary and the client do not crash
/// (view changes are not modelled).
pub fn pbft_fault_schedule(f: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    let n = 3 * f + 1;
    let clocks = super::faults::default_clocks(n + 1, r);
    let mut crashes = Vec::new();
    for v in 1..n as NodeId {
        if chance(r, 0.2) {
            let at = u64::from(below(r, 60)) * MS;
            let recover_at = chance(r, 0.5).then(|| at + u64::from(below(r, 100) + 1) * MS);
            crashes.push(Crash {
                node: v,
                at,
                recover_at,
            });
        }
    }
    let mut partitions = Vec::new();
    if chance(r, 0.3) {
        let start = u64::from(below(r, 60)) * MS;
        let end = start + u64::from(below(r, 100) + 1) * MS;
        let side = (0..=n as NodeId).filter(|_| chance(r, 0.5)).collect();
        partitions.push(Partition { start, end, side });
    }
    NetworkModel {
        latency: LatencyDist::Exponential { mean_ns: 1e7 },
        loss: unit(r) * 0.1,
        duplication: unit(r) * 0.05,
        crashes,
        partitions,
        clocks,
        ..NetworkModel::default()
    }
}

/// Result of a PBFT fault sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PbftSweep {
    /// Schedules run.
    pub runs: u64,
    /// Runs with a safety violation.
    pub violating_runs: u64,
    /// Lowest violating schedule index (reproduce with `trial_rng(seed, index)`).
    pub first_seed: Option<u64>,
    /// Violating run with the fewest messages: (index, violations).
    pub shortest: Option<(u64, Vec<String>)>,
    /// Delivered-message trace of that run ([`crate::des::trace_lines`]).
    pub shortest_trace: Vec<String>,
    /// Runs in which the client accepted a result.
    pub accepted_runs: u64,
}

/// The Byzantine backups of sweep schedule `r`: a count in `0..=f` and a behaviour.
fn sweep_byzantine(cfg: &PbftConfig, r: &mut ChaCha8Rng) -> PbftConfig {
    PbftConfig {
        byzantine: below(r, cfg.f as u32 + 1) as usize,
        behaviour: if chance(r, 0.5) {
            Byzantine::Silent
        } else {
            Byzantine::Equivocating
        },
        ..*cfg
    }
}

/// Run `runs` seeded fault schedules of one PBFT request (`cfg.f`; the
/// Byzantine count and behaviour are drawn per schedule, see
/// [`pbft_fault_schedule`]) and check safety in every run.
pub fn sweep_pbft(cfg: &PbftConfig, seed: u64, runs: u32) -> Result<PbftSweep, SimError> {
    let res = run_trials(seed, runs, &no_progress, |i, mut rng| {
        let c = sweep_byzantine(cfg, &mut rng);
        let net = pbft_fault_schedule(cfg.f, &mut rng);
        let r = run_pbft(&c, &net, rng)?;
        Ok((i, r.messages, r.accepted_at.is_some(), r.violations))
    })?;
    let bad: Vec<&(u64, u64, bool, Vec<String>)> = res.iter().filter(|r| !r.3.is_empty()).collect();
    let shortest = bad.iter().min_by_key(|r| r.1).map(|r| (r.0, r.3.clone()));
    let shortest_trace = match &shortest {
        Some((i, _)) => {
            let mut rng = crate::rng::trial_rng(seed, *i);
            let c = sweep_byzantine(cfg, &mut rng);
            let net = pbft_fault_schedule(cfg.f, &mut rng);
            let (_, log) = run_pbft_logged(&c, &net, rng, true)?;
            trace_lines(&log, KINDS)
        }
        None => Vec::new(),
    };
    Ok(PbftSweep {
        runs: u64::from(runs),
        violating_runs: bad.len() as u64,
        first_seed: bad.first().map(|r| r.0),
        shortest,
        shortest_trace,
        accepted_runs: res.iter().filter(|r| r.2).count() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{LatencyDist, MS};
    use crate::rng::trial_rng;

    #[test]
    fn fault_free_count_is_2n2_minus_n_plus_1() {
        let net = NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        };
        for f in 1..=3 {
            let cfg = PbftConfig {
                f,
                byzantine: 0,
                behaviour: Byzantine::Silent,
                client_accepts_f_replies: false,
            };
            let r = run_pbft(&cfg, &net, trial_rng(1, 0)).unwrap();
            assert!(r.violations.is_empty(), "{:?}", r.violations);
            assert_eq!(r.messages, cfg.formula_messages(), "n = {}", cfg.n());
            // request, pre-prepare, prepare, commit, reply: 5 message delays
            assert_eq!(r.accepted_at, Some(50 * MS));
        }
    }

    #[test]
    fn tolerates_f_byzantine_replicas() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e7 },
            duplication: 0.1,
            ..NetworkModel::default()
        };
        for f in 1..=3 {
            for behaviour in [Byzantine::Silent, Byzantine::Equivocating] {
                for seed in 0..50 {
                    let cfg = PbftConfig {
                        f,
                        byzantine: f,
                        behaviour,
                        client_accepts_f_replies: false,
                    };
                    let r = run_pbft(&cfg, &net, trial_rng(seed, f as u64)).unwrap();
                    assert!(
                        r.violations.is_empty(),
                        "f={f} {behaviour:?} seed {seed}: {:?}",
                        r.violations
                    );
                }
            }
        }
        let e = run_pbft(
            &PbftConfig {
                f: 1,
                byzantine: 2,
                behaviour: Byzantine::Silent,
                client_accepts_f_replies: false,
            },
            &net,
            trial_rng(0, 0),
        )
        .unwrap_err();
        assert!(e.to_string().contains("byzantine"));
    }

    #[test]
    fn sweep_is_safe_and_mutant_is_caught() {
        for f in [1usize, 2] {
            let cfg = PbftConfig {
                f,
                byzantine: 0,
                behaviour: Byzantine::Silent,
                client_accepts_f_replies: false,
            };
            let ok = sweep_pbft(&cfg, 0, 10_000).unwrap();
            assert_eq!(ok.violating_runs, 0, "f={f}: {:?}", ok.shortest);
            // no retransmission in the normal case: loss and crashes cost liveness, not safety
            assert!(ok.accepted_runs > 3_000, "f={f}: {ok:?}");
            let mutant = PbftConfig {
                client_accepts_f_replies: true,
                ..cfg
            };
            let bad = sweep_pbft(&mutant, 0, 10_000).unwrap();
            assert!(bad.violating_runs > 0, "f={f}: mutant not caught");
            let (i, v) = bad.shortest.unwrap();
            assert!(v.iter().any(|s| s.contains("forged")), "{v:?}");
            assert!(bad.shortest_trace.iter().any(|l| l.contains("reply")));
            // the reported schedule reproduces the violation
            let mut rng = trial_rng(0, i);
            let c = sweep_byzantine(&mutant, &mut rng);
            let net = pbft_fault_schedule(f, &mut rng);
            assert!(!run_pbft(&c, &net, rng).unwrap().violations.is_empty());
        }
    }
}
