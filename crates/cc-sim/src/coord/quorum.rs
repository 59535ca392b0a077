//! Dynamo-style quorum replication (N, R, W) and PBS stale-read probability.
//!
//! A key lives on `N` replicas (nodes `0..N`); the coordinator (node `N`)
//! writes version `v` by sending it to all `N` replicas and reports the write
//! committed when `W` acknowledgements arrived. A read issued `t` after the
//! commit is sent to all `N` replicas and returns the highest version among
//! the first `R` responses. The read is **stale** if that is older than `v`.
//! This is the *probabilistically bounded staleness* (PBS, Bailis et al. 2012)
//! "t-visibility" experiment, run message by message on the event engine.
//!
//! Messages per write: `2N` (N writes + N acks); per read: `2N`.
//!
//! **Bytes** ([`super::wire`]; the value is one command of
//! [`VALUE_BYTES`] = 100 payload bytes):
//!
//! ```text
//! write        key, version + value (id, payload)   32 + 108 = 140
//! write-ack    key, version                         32
//! read         key                                  24
//! read-reply   key, version + value                 140
//! ```
//!
//! so a write and a read move `N·(140 + 32) + N·(24 + 140) = 336·N` bytes.
//! Invariant checked: with `R + W > N` (strict quorum) a read never returns
//! a stale version — every read quorum intersects the write quorum. Acks and
//! replies count once per replica (the network may duplicate messages).
//!
//! **Sweep** ([`crate::sweep::sweep`]): seeded schedules ([`quorum_fault_schedule`])
//! of latency, loss, heavy duplication, replica crashes and a partition, each
//! with a random strict `(R, W)` and read delay; every completed read after a
//! committed write is checked. **Mutation** `count_duplicates`: duplicated
//! acks and replies count again, so a "quorum" can be one replica heard twice
//! — the sweep finds stale reads.

use super::faults::{Amount, FaultMix, FaultTargets, MixLatency, Recovery, Window};
use super::wire;
use crate::SimError;
use crate::des::{
    EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{LatencyDist, MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, below};
use crate::stats::Fraction;
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;

/// Payload bytes of the stored value.
pub const VALUE_BYTES: u32 = wire::DEFAULT_COMMAND_BYTES;

/// Quorum message; each version-carrying one holds the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuorumMsg {
    /// The client writes version `v` (key, version and the value).
    Write(u64),
    /// A replica acknowledges version `v` (key, version).
    WriteAck(u64),
    /// The client reads (key).
    Read,
    /// A replica replies with its version (key, version and the value).
    ReadReply(u64),
}

message_kinds! {
    enum QuorumKind { Write = "write", WriteAck = "write-ack", Read = "read", ReadReply = "read-reply" }
}

impl Message for QuorumMsg {
    const KINDS: &'static [&'static str] = QuorumKind::NAMES;
    const PAYLOAD_KINDS: u64 = QuorumKind::Write.bit();
    fn kind(&self) -> u8 {
        (match self {
            QuorumMsg::Write(_) => QuorumKind::Write,
            QuorumMsg::WriteAck(_) => QuorumKind::WriteAck,
            QuorumMsg::Read => QuorumKind::Read,
            QuorumMsg::ReadReply(_) => QuorumKind::ReadReply,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            QuorumMsg::Write(_) | QuorumMsg::ReadReply(_) => {
                wire::message_commands(2, 1, VALUE_BYTES)
            }
            QuorumMsg::WriteAck(_) => wire::message(2),
            QuorumMsg::Read => wire::message(1),
        }
    }
}

/// The client's one timer: read now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadNow;

impl Timer for ReadNow {
    fn trace_id(&self, _generation: u64) -> u64 {
        1
    }
}

type QuorumSim = Sim<QuorumMsg, ReadNow>;

/// Quorum configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuorumConfig {
    /// Replicas `N` (`1..=64`).
    pub n: usize,
    /// Read quorum `R` (`1..=N`).
    pub r: usize,
    /// Write quorum `W` (`1..=N`).
    pub w: usize,
    /// Delay between the write commit and the read.
    pub read_after: Time,
    /// Injected bug: a duplicated ack or reply counts again.
    pub count_duplicates: bool,
}

/// One write followed by one read.
#[derive(Debug, Clone)]
pub struct QuorumRun {
    cfg: QuorumConfig,
    version: Vec<u64>,
    acks: usize,
    acked: u64,
    committed_at: Option<Time>,
    replies: Vec<u64>,
    replied: u64,
    read_result: Option<u64>,
    read_done_at: Option<Time>,
}

impl QuorumRun {
    /// Fresh state: every replica holds version 1; the write installs version 2.
    pub fn new(cfg: QuorumConfig) -> Self {
        QuorumRun {
            cfg,
            version: vec![1; cfg.n],
            acks: 0,
            acked: 0,
            committed_at: None,
            replies: Vec::new(),
            replied: 0,
            read_result: None,
            read_done_at: None,
        }
    }
}

impl Protocol for QuorumRun {
    type Msg = QuorumMsg;
    type Timer = ReadNow;
    fn start(&mut self, sim: &mut QuorumSim) {
        let c = self.cfg.n as NodeId;
        for r in 0..c {
            sim.send(c, r, QuorumMsg::Write(2));
        }
    }
    fn on_message(&mut self, sim: &mut QuorumSim, to: NodeId, from: NodeId, msg: QuorumMsg) {
        let c = self.cfg.n as NodeId;
        match msg {
            QuorumMsg::Write(v) => {
                let slot = &mut self.version[to as usize];
                *slot = (*slot).max(v);
                sim.send(to, c, QuorumMsg::WriteAck(v));
            }
            QuorumMsg::WriteAck(_) => {
                let bit = 1u64 << from;
                if self.acked & bit != 0 && !self.cfg.count_duplicates {
                    return;
                }
                self.acked |= bit;
                self.acks += 1;
                if self.acks == self.cfg.w {
                    self.committed_at = Some(sim.now());
                    sim.set_timer(c, self.cfg.read_after, ReadNow);
                }
            }
            QuorumMsg::Read => sim.send(to, from, QuorumMsg::ReadReply(self.version[to as usize])),
            QuorumMsg::ReadReply(v) => {
                let bit = 1u64 << from;
                if self.replied & bit != 0 && !self.cfg.count_duplicates {
                    return;
                }
                self.replied |= bit;
                if self.read_result.is_none() {
                    self.replies.push(v);
                    if self.replies.len() == self.cfg.r {
                        self.read_result = self.replies.iter().copied().max();
                        self.read_done_at = Some(sim.now());
                    }
                }
            }
        }
    }
    fn on_timer(&mut self, sim: &mut QuorumSim, node: NodeId, _timer: ReadNow) {
        for r in 0..self.cfg.n as NodeId {
            sim.send(node, r, QuorumMsg::Read);
        }
    }
}

/// PBS result for one configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PbsRow {
    /// N.
    pub n: usize,
    /// R.
    pub r: usize,
    /// W.
    pub w: usize,
    /// Read delay after commit (ms).
    pub t_ms: f64,
    /// Stale reads among trials, with Wilson interval.
    pub stale: Fraction,
    /// Mean write latency (ms).
    pub write_ms: f64,
    /// Mean read latency (ms).
    pub read_ms: f64,
    /// Messages per write + read.
    pub messages: f64,
    /// Bytes per write + read ([`super::wire`]).
    pub bytes: f64,
    /// Trials.
    pub trials: u32,
    /// Seed.
    pub seed: u64,
}

/// Estimate the stale-read probability for `cfg` with one-way latencies
/// drawn from `latency` (`trials` write+read pairs).
pub fn pbs(
    cfg: &QuorumConfig,
    latency: &LatencyDist,
    seed: u64,
    trials: u32,
) -> Result<PbsRow, SimError> {
    if !(1..=64).contains(&cfg.n) || !(1..=cfg.n).contains(&cfg.r) || !(1..=cfg.n).contains(&cfg.w)
    {
        return Err(SimError::param(
            "quorum",
            format!(
                "need 1 <= R, W <= N <= 64, got N={} R={} W={}",
                cfg.n, cfg.r, cfg.w
            ),
        ));
    }
    let net = NetworkModel {
        latency: latency.clone(),
        ..NetworkModel::default()
    };
    let res = run_trials(seed, trials, &no_progress, |_, rng| {
        let mut p = QuorumRun::new(*cfg);
        let ecfg = EventConfig {
            origin: None,
            track_per_node: false,
            ..EventConfig::default()
        };
        let (m, _) = run_events(&mut p, cfg.n + 1, &net, &ecfg, rng)?;
        let commit = p.committed_at.unwrap_or(0);
        let read = p.read_done_at.map_or(0, |t| t - commit - cfg.read_after);
        Ok((p.read_result == Some(1), commit, read, m.messages, m.bytes))
    })?;
    let ms = |x: u64| x as f64 / 1e6;
    let t = f64::from(trials);
    Ok(PbsRow {
        n: cfg.n,
        r: cfg.r,
        w: cfg.w,
        t_ms: ms(cfg.read_after),
        stale: Fraction::new(res.iter().filter(|x| x.0).count() as u64, u64::from(trials)),
        write_ms: res.iter().map(|x| ms(x.1)).sum::<f64>() / t,
        read_ms: res.iter().map(|x| ms(x.2)).sum::<f64>() / t,
        messages: res.iter().map(|x| x.3 as f64).sum::<f64>() / t,
        bytes: res.iter().map(|x| x.4 as f64).sum::<f64>() / t,
        trials,
        seed,
    })
}

/// PBS table: N = 3 with (R, W) in {(1,1), (1,2), (2,1), (2,2)} and read
/// delays 0, 1, 5, 10, 50 ms; exponential one-way latency with mean 5 ms
/// (2000 trials per cell).
pub fn pbs_table(seed: u64) -> Result<Vec<PbsRow>, SimError> {
    let lat = LatencyDist::Exponential { mean_ns: 5e6 };
    let mut rows = Vec::new();
    for (r, w) in [(1, 1), (1, 2), (2, 1), (2, 2)] {
        for t in [0u64, 1, 5, 10, 50] {
            let cfg = QuorumConfig {
                n: 3,
                r,
                w,
                read_after: t * 1_000_000,
                count_duplicates: false,
            };
            rows.push(pbs(&cfg, &lat, seed, 2000)?);
        }
    }
    Ok(rows)
}

/// The quorum fault mix (`--faults default` and the sweep) for `n` replicas
/// (nodes `0..n`) and the coordinator (node `n`, which does not crash; see
/// [`quorum_targets`]): exponential latency (mean 5 ms), loss in `[0, 0.05)`,
/// duplication in `[0, 0.3)`, each replica crashing with probability 0.2 at
/// a uniform time in `[0, 20 ms)` (recovering after `[1, 30]` ms with
/// probability 0.5; its store survives), a partition of a random side with
/// probability 0.3 opening in `[0, 20 ms)` for `[1, 30]` ms, perfect clocks.
pub const QUORUM_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(5.0),
    loss: Amount::UpTo(0.05),
    dup: Amount::UpTo(0.3),
    crash: 0.2,
    coordinator_crash: None,
    crash_at: Window::ms(20),
    recovery: Recovery::After {
        p: 0.5,
        after: Window::ms(30),
    },
    partition: 0.3,
    partition_at: Window::ms(20),
    partition_for: Window::ms(30),
    clocks: (0, 0),
};

/// Which nodes the quorum's faults touch: all `n + 1` nodes for partitions,
/// only the replicas `0..n` crash.
pub fn quorum_targets(n: usize) -> FaultTargets {
    FaultTargets {
        nodes: n + 1,
        crashable: 0..n as NodeId,
    }
}

/// One schedule of [`QUORUM_MIX`] for `n` replicas.
pub fn quorum_fault_schedule(n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    QUORUM_MIX.draw(&quorum_targets(n), r)
}

/// The strict quorum and read delay of sweep schedule `r`: `W` uniform in
/// `1..=N`, `R` uniform in `N − W + 1..=N`, read delay uniform in `0..=20` ms.
fn sweep_quorum_config(cfg: &QuorumConfig, r: &mut ChaCha8Rng) -> QuorumConfig {
    let n = cfg.n as u32;
    let w = below(r, n) + 1;
    let rq = n - w + 1 + below(r, w);
    QuorumConfig {
        r: rq as usize,
        w: w as usize,
        read_after: u64::from(below(r, 21)) * MS,
        ..*cfg
    }
}

/// Outcome of one write followed by one read ([`run_quorum`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuorumOutcome {
    /// Messages (all kinds).
    pub messages: u64,
    /// Bytes sent ([`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// When the write reached `W` acknowledgements (ns).
    pub committed_at: Option<Time>,
    /// When the read had `R` replies (ns).
    pub read_done_at: Option<Time>,
    /// Version the read returned (1 = old, 2 = the write's).
    pub read_version: Option<u64>,
}

impl QuorumOutcome {
    /// The write committed and the read completed.
    pub fn checked(&self) -> bool {
        self.committed_at.is_some() && self.read_version.is_some()
    }

    /// A completed read after a committed write returned the old version.
    pub fn stale(&self) -> bool {
        self.checked() && self.read_version != Some(2)
    }
}

/// Run one write and, `cfg.read_after` after it commits, one read over `net`
/// (replicas `0..N`, coordinator `N`; the coordinator should not crash).
pub fn run_quorum(
    cfg: &QuorumConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<QuorumOutcome, SimError> {
    run_quorum_logged(cfg, net, rng, false).map(|r| r.0)
}

/// [`run_quorum`], also returning the delivery log when `log` is set.
pub(crate) fn run_quorum_logged(
    cfg: &QuorumConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(QuorumOutcome, Vec<crate::des::Delivery>), SimError> {
    if !(1..=63).contains(&cfg.n) || !(1..=cfg.n).contains(&cfg.r) || !(1..=cfg.n).contains(&cfg.w)
    {
        return Err(SimError::param(
            "quorum",
            format!(
                "need 1 <= R, W <= N <= 63, got N={} R={} W={}",
                cfg.n, cfg.r, cfg.w
            ),
        ));
    }
    let mut p = QuorumRun::new(*cfg);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.n + 1, net, &ecfg, rng)?;
    Ok((
        QuorumOutcome {
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            committed_at: p.committed_at,
            read_done_at: p.read_done_at,
            read_version: p.read_result,
        },
        log,
    ))
}

/// One schedule of the sweep (quorum, read delay and network drawn from `rng`).
fn quorum_sweep_run(
    cfg: &QuorumConfig,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<SweepRun, SimError> {
    let c = sweep_quorum_config(cfg, &mut rng);
    let net = quorum_fault_schedule(c.n, &mut rng);
    let (o, deliveries) = run_quorum_logged(&c, &net, rng, log)?;
    Ok(SweepRun {
        messages: o.messages,
        progress: vec![("checked_runs", Tally::Runs(o.checked()))],
        violations: if o.stale() {
            vec!["a strict quorum read returned the old version".into()]
        } else {
            Vec::new()
        },
        trace: trace_lines(&deliveries, QuorumMsg::KINDS),
    })
}

/// `quorum` in the protocol registry.
pub struct QuorumProtocol;

/// The registry entry of Dynamo-style quorums.
pub static QUORUM: QuorumProtocol = QuorumProtocol;

const STALE: &str = "strict quorum returned a stale read";

impl SimProtocol for QuorumProtocol {
    fn name(&self) -> &'static str {
        "quorum"
    }
    fn about(&self) -> &'static str {
        "Dynamo-style quorum: one write (W of N acks), then one read (first R of N replies)"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 2,
            max: 64,
            what: "replicas",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::ReadQuorum, Knob::WriteQuorum, Knob::ReadAfterMs]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("QUORUM_MIX: replica crashes, loss < 0.05, duplication < 0.3, a partition")
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        let maj = n / 2 + 1;
        let (r, w) = (
            sc.params.read_quorum.unwrap_or(maj),
            sc.params.write_quorum.unwrap_or(maj),
        );
        for (name, q) in [("read_quorum", r), ("write_quorum", w)] {
            if !(1..=n).contains(&q) {
                return Err(SimError::param(
                    name,
                    format!("must be in 1..={n} (N), got {q}"),
                ));
            }
        }
        let after = sc.params.read_after_ms.unwrap_or(0.0);
        if !(after.is_finite() && (0.0..=3.6e6).contains(&after)) {
            return Err(SimError::param(
                "read_after_ms",
                format!("must be in [0, 3600000] ms, got {after}"),
            ));
        }
        let cfg = QuorumConfig {
            n,
            r,
            w,
            read_after: (after * MS as f64) as u64,
            count_duplicates: false,
        };
        let strict = r + w > n;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let ms = |t: f64| t / MS as f64;
            let Some(mix) = sc.fault_mix(QUORUM_MIX) else {
                let lat = sc.base_network().latency;
                let seed = rand::RngCore::next_u64(&mut rng);
                let row = pbs(&cfg, &lat, seed, 1)?;
                let stale = row.stale.successes > 0;
                return Ok(TrialMetrics {
                    messages: row.messages,
                    bytes: row.bytes,
                    ratio: if stale { 0.0 } else { 1.0 },
                    delivered: u64::from(!stale),
                    eligible: 1,
                    t_ave: Some(row.write_ms),
                    t_last: Some(row.read_ms),
                    hash: row.messages as u64
                        ^ (row.write_ms * 1e6) as u64
                        ^ ((row.read_ms * 1e6) as u64).rotate_left(32),
                    decision_latency_ns: Some(row.write_ms * MS as f64),
                    decision_messages: Some(row.messages / 2.0),
                    latencies_ns: vec![row.write_ms * MS as f64],
                    violations: if stale && strict {
                        vec![STALE.to_string()]
                    } else {
                        Vec::new()
                    },
                    ..TrialMetrics::default()
                }
                .with("stale", f64::from(u8::from(stale)))
                .with("write_ms", row.write_ms)
                .with("read_ms", row.read_ms));
            };
            // one write and one read on a faulty network; the coordinator (node N) does not crash
            let net = sc.faulty_network(&mix, &quorum_targets(cfg.n), &mut rng);
            let link = latency_hint(&net.latency);
            let o = run_quorum(&cfg, &net, rng)?;
            let fresh = o.checked() && !o.stale();
            let write_ns = o.committed_at.map(|t| t as f64);
            let read_ms = match (o.read_done_at, o.committed_at) {
                (Some(r), Some(c)) => Some(ms(r.saturating_sub(c + cfg.read_after) as f64)),
                _ => None,
            };
            Ok(TrialMetrics {
                messages: o.messages as f64,
                bytes: o.bytes as f64,
                ratio: if fresh { 1.0 } else { 0.0 },
                delivered: u64::from(fresh),
                eligible: 1,
                t_ave: write_ns.map(ms),
                t_last: read_ms,
                hash: o.trace_hash,
                decision_latency_ns: write_ns,
                decision_messages: o.committed_at.map(|_| o.messages as f64 / 2.0),
                latencies_ns: write_ns.into_iter().collect(),
                violations: if o.stale() && strict {
                    vec![STALE.to_string()]
                } else {
                    Vec::new()
                },
                ..TrialMetrics::default()
            }
            .with("stale", f64::from(u8::from(o.stale())))
            .with("committed", f64::from(u8::from(o.committed_at.is_some())))
            .with("read_completed", f64::from(u8::from(o.checked())))
            .link_latency_ns(link))
        })
        .param("read_quorum", r)
        .param("write_quorum", w)
        .param("read_after_ms", after))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 1,
                max: 63,
                what: "replicas (strict R, W drawn per schedule)",
            },
            mutants: &[Mutant {
                name: "count-duplicates",
                bug: "a duplicated ack or reply counts again",
            }],
            case: |n, mutant| {
                let cfg = QuorumConfig {
                    n,
                    r: 1,
                    w: n,
                    read_after: 0,
                    count_duplicates: mutant == Some("count-duplicates"),
                };
                Ok(Box::new(move |rng, log| quorum_sweep_run(&cfg, rng, log)))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_quorums_are_never_stale_and_partial_ones_are() {
        let rows = pbs_table(12).unwrap();
        for r in &rows {
            assert_eq!(r.messages, 4.0 * r.n as f64, "2N per write + 2N per read");
            assert_eq!(r.bytes, 336.0 * r.n as f64, "N(140 + 32) + N(24 + 140)");
            if r.r + r.w > r.n {
                assert_eq!(r.stale.successes, 0, "{r:?}");
            }
        }
        let at = |rr, ww, t: f64| {
            rows.iter()
                .find(|x| x.r == rr && x.w == ww && x.t_ms == t)
                .unwrap()
                .stale
                .value
        };
        assert!(
            at(1, 1, 0.0) > 0.1,
            "R=W=1 reads right after the commit are often stale"
        );
        assert!(at(1, 1, 50.0) < at(1, 1, 0.0), "staleness decays with t");
        assert!(
            pbs(
                &QuorumConfig {
                    n: 3,
                    r: 4,
                    w: 1,
                    read_after: 0,
                    count_duplicates: false,
                },
                &LatencyDist::Constant { ns: 1 },
                0,
                1
            )
            .is_err()
        );
    }

    #[test]
    fn sweep_is_safe_and_mutant_is_caught() {
        use crate::sweep::sweep;
        for n in [3usize, 5] {
            let ok = sweep("quorum", Some(n), 0, 10_000, None).unwrap().findings;
            assert_eq!(ok.violating_runs, 0, "n={n}: first {:?}", ok.first_index);
            // no retries: crashes, loss and partitions leave some writes uncommitted or reads unanswered
            assert!(ok.progress["checked_runs"] > 3_000.0, "n={n}: {ok:?}");
            let bad = sweep("quorum", Some(n), 0, 10_000, Some("count-duplicates"))
                .unwrap()
                .findings;
            assert!(bad.violating_runs > 0, "n={n}: mutant not caught");
            // the first violating schedule reproduces
            let mutant = QuorumConfig {
                n,
                r: 1,
                w: n,
                read_after: 0,
                count_duplicates: true,
            };
            let i = bad.first_index.unwrap();
            let again = quorum_sweep_run(&mutant, crate::rng::trial_rng(0, i), false).unwrap();
            assert!(!again.violations.is_empty());
        }
    }
}
