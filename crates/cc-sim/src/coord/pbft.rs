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
//! **Sweep** ([`crate::sweep::sweep`]): seeded schedules ([`pbft_fault_schedule`]) of
//! latency, loss, duplication, backup crashes, a partition and clock skew,
//! each with a random number `0..=f` of Byzantine backups of a random
//! behaviour; safety is checked in every run (liveness only without faults).
//! **Mutation** `client_accepts_f_replies`: the client accepts a result
//! vouched for by `f` replicas instead of `f + 1` — `f` equivocating
//! replicas then make it accept a forged result; the sweep catches it.

use super::faults::{Amount, DEFAULT_CLOCKS, FaultMix, FaultTargets, MixLatency, Recovery, Window};
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, message_kinds, run_events, trace_lines,
};
use crate::net::{NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, below, chance};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepCase, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeSet;

message_kinds! {
    /// Kinds of PBFT messages.
    pub enum PbftKind {
        /// The client's request (256 bytes).
        Request = "request",
        /// The primary's pre-prepare.
        PrePrepare = "pre-prepare",
        /// A backup's prepare.
        Prepare = "prepare",
        /// A replica's commit.
        Commit = "commit",
        /// A replica's reply to the client.
        Reply = "reply",
    }
}

/// PBFT message: its kind and the digest it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PbftMsg {
    kind: PbftKind,
    digest: u64,
}

impl Message for PbftMsg {
    const KINDS: &'static [&'static str] = PbftKind::NAMES;
    const PAYLOAD_KINDS: u64 = PbftKind::Request.bit();
    fn kind(&self) -> u8 {
        self.kind as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self.kind {
            PbftKind::Request => 256,
            _ => 64,
        }
    }
}

type PbftSim = Sim<PbftMsg, ()>;

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
    fn multicast(&self, sim: &mut PbftSim, v: NodeId, kind: PbftKind, digest: u64) {
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
                        sim.send(v, to, PbftMsg { kind, digest: d });
                    }
                }
            } else {
                sim.send(v, to, PbftMsg { kind, digest });
            }
        }
    }

    fn quorum(&self) -> usize {
        2 * self.cfg.f
    }

    fn try_prepare(&mut self, sim: &mut PbftSim, v: NodeId) {
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
            self.multicast(sim, v, PbftKind::Commit, d);
            self.try_commit(sim, v);
        }
    }

    fn try_commit(&mut self, sim: &mut PbftSim, v: NodeId) {
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
                let reply = PbftMsg {
                    kind: PbftKind::Reply,
                    digest: reply,
                };
                sim.send(v, client, reply);
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
    type Msg = PbftMsg;
    type Timer = ();
    fn start(&mut self, sim: &mut PbftSim) {
        let client = self.cfg.n() as NodeId;
        let request = PbftMsg {
            kind: PbftKind::Request,
            digest: TRUE_DIGEST,
        };
        sim.send(client, 0, request);
    }
    fn on_message(&mut self, sim: &mut PbftSim, to: NodeId, from: NodeId, msg: PbftMsg) {
        let i = to as usize;
        let client = self.cfg.n() as NodeId;
        let d = msg.digest;
        match msg.kind {
            PbftKind::Request if to == 0 && self.pre_prepared[0].is_none() => {
                self.pre_prepared[0] = Some(d);
                self.multicast(sim, 0, PbftKind::PrePrepare, d);
                self.try_prepare(sim, 0);
            }
            PbftKind::PrePrepare if from == 0 && self.pre_prepared[i].is_none() => {
                self.pre_prepared[i] = Some(d);
                self.prepares[i].insert((d, to));
                self.multicast(sim, to, PbftKind::Prepare, d);
                self.try_prepare(sim, to);
            }
            PbftKind::Prepare if to != client => {
                self.prepares[i].insert((d, from));
                self.try_prepare(sim, to);
            }
            PbftKind::Commit if to != client => {
                self.commits[i].insert((d, from));
                self.try_commit(sim, to);
            }
            PbftKind::Reply if to == client => {
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

/// The PBFT fault mix (`--faults default` and the sweep) for `n = 3f + 1`
/// replicas and the client (node `n`): exponential latency (mean 10 ms), loss
/// in `[0, 0.1)`, duplication in `[0, 0.05)`, each backup crashing with
/// probability 0.2 at a uniform time in `[0, 60 ms)` (recovering after
/// `[1, 100]` ms with probability 0.5), a partition of a random side of all
/// nodes with probability 0.3 opening in `[0, 60 ms)` for `[1, 100]` ms, and
/// clock skew ([`super::faults::DEFAULT_CLOCKS`]). The primary and the client
/// do not crash (view changes are not modelled): see [`pbft_targets`].
pub const PBFT_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(10.0),
    loss: Amount::UpTo(0.1),
    dup: Amount::UpTo(0.05),
    crash: 0.2,
    coordinator_crash: None,
    crash_at: Window::ms(60),
    recovery: Recovery::After {
        p: 0.5,
        after: Window::ms(100),
    },
    partition: 0.3,
    partition_at: Window::ms(60),
    partition_for: Window::ms(100),
    clocks: DEFAULT_CLOCKS,
};

/// Which nodes PBFT's faults touch for `f`: all `3f + 2` nodes (replicas and
/// client) for clocks and partitions; only the backups `1..3f + 1` crash.
pub fn pbft_targets(f: usize) -> FaultTargets {
    let n = 3 * f + 1;
    FaultTargets {
        nodes: n + 1,
        crashable: 1..n as NodeId,
    }
}

/// One schedule of [`PBFT_MIX`] for `f`.
pub fn pbft_fault_schedule(f: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    PBFT_MIX.draw(&pbft_targets(f), r)
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

/// `pbft` in the protocol registry.
pub struct PbftProtocol;

/// The registry entry of PBFT.
pub static PBFT: PbftProtocol = PbftProtocol;

fn pbft_sweep_case(n: usize, mutant: Option<&str>) -> SweepCase {
    let cfg = PbftConfig {
        f: (n - 1) / 3,
        byzantine: 0,
        behaviour: Byzantine::Silent,
        client_accepts_f_replies: mutant == Some("client-accepts-f-replies"),
    };
    Box::new(move |mut rng, log| {
        let c = sweep_byzantine(&cfg, &mut rng);
        let net = pbft_fault_schedule(cfg.f, &mut rng);
        let (r, deliveries) = run_pbft_logged(&c, &net, rng, log)?;
        Ok(SweepRun {
            messages: r.messages,
            progress: vec![("accepted_runs", Tally::Runs(r.accepted_at.is_some()))],
            violations: r.violations,
            trace: trace_lines(&deliveries, PbftMsg::KINDS),
        })
    })
}

impl SimProtocol for PbftProtocol {
    fn name(&self) -> &'static str {
        "pbft"
    }
    fn about(&self) -> &'static str {
        "PBFT normal case: one client request, n = 3f + 1 replicas, up to f Byzantine backups"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 4,
            min: 4,
            max: 91,
            what: "replicas, n = 3f + 1 (4, 7, 10, …)",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Byzantine]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("silent", "Byzantine backups send nothing"),
                (
                    "equivocating",
                    "Byzantine backups send a forged digest to half of the replicas",
                ),
            ],
            default: Some("silent"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("PBFT_MIX: backup crashes, loss < 0.1, duplication < 0.05, a partition, clock skew")
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        if !(n - 1).is_multiple_of(3) {
            return Err(SimError::param(
                "nodes",
                format!("pbft needs n = 3f + 1 in 4..=91 (4, 7, 10, …), got {n}"),
            ));
        }
        let f = (n - 1) / 3;
        let byzantine = sc.params.byzantine.unwrap_or(0);
        if byzantine > f {
            return Err(SimError::param(
                "byzantine",
                format!("must be in 0..={f} (f for n = {n}), got {byzantine}"),
            ));
        }
        let behaviour = if options.has("equivocating") {
            Byzantine::Equivocating
        } else {
            Byzantine::Silent
        };
        let cfg = PbftConfig {
            f,
            byzantine,
            behaviour,
            client_accepts_f_replies: false,
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            // the primary (node 0) and the client (node n) do not crash, as
            // view changes are not modelled
            let net = match sc.fault_mix(PBFT_MIX) {
                Some(mix) => sc.faulty_network(&mix, &pbft_targets(cfg.f), &mut rng),
                None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let r = run_pbft(&cfg, &net, rng)?;
            let mut t = TrialMetrics::single_decision(
                r.messages,
                r.bytes,
                r.accepted_at,
                r.trace_hash,
                r.violations,
            )
            .with("formula_messages", cfg.formula_messages() as f64)
            .link_latency_ns(link);
            t.payload = 1.0;
            Ok(t)
        })
        .param("byzantine", byzantine)
        .param("options", format!("{behaviour:?}").to_lowercase()))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 4,
                min: 4,
                max: 31,
                what: "replicas, n = 3f + 1 (up to f Byzantine, drawn per schedule)",
            },
            mutants: &[Mutant {
                name: "client-accepts-f-replies",
                bug: "the client accepts f matching replies instead of f + 1",
            }],
            case: |n, mutant| {
                if !(n - 1).is_multiple_of(3) {
                    return Err(SimError::param(
                        "nodes",
                        format!("pbft needs n = 3f + 1 (4, 7, 10, …), got {n}"),
                    ));
                }
                Ok(pbft_sweep_case(n, mutant))
            },
        })
    }
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
        use crate::sweep::sweep;
        for n in [4usize, 7] {
            let ok = sweep("pbft", Some(n), 0, 10_000, None).unwrap().findings;
            assert_eq!(ok.violating_runs, 0, "n={n}: {:?}", ok.shortest);
            // no retransmission in the normal case: loss and crashes cost liveness, not safety
            assert!(ok.progress["accepted_runs"] > 3_000.0, "n={n}: {ok:?}");
            let bad = sweep("pbft", Some(n), 0, 10_000, Some("client-accepts-f-replies"))
                .unwrap()
                .findings;
            assert!(bad.violating_runs > 0, "n={n}: mutant not caught");
            let sh = bad.shortest.unwrap();
            assert!(
                sh.violations.iter().any(|s| s.contains("forged")),
                "{:?}",
                sh.violations
            );
            assert!(sh.trace.iter().any(|l| l.contains("reply")));
            // the reported schedule reproduces the violation
            let again =
                pbft_sweep_case(n, Some("client-accepts-f-replies"))(trial_rng(0, sh.index), false)
                    .unwrap();
            assert_eq!(again.violations, sh.violations);
        }
    }
}
