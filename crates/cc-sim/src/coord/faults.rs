//! Fault specifications for coordination runs (`--faults`).
//!
//! * `none` — no faults.
//! * `default` — each protocol's documented mix, a [`FaultMix`] constant
//!   ([`super::twopc::TWOPC_MIX`], [`super::raft::RAFT_MIX`],
//!   [`super::crdt::CRDT_MIX`], [`super::threepc::THREEPC_MIX`], …; see each
//!   protocol's registry entry); every default mix but the quorum's includes
//!   clock skew ([`DEFAULT_CLOCKS`]). Every mix is drawn by one function,
//!   [`FaultMix::draw`].
//! * an explicit list `key=value,…` with keys
//!   `loss` (probability per message, `[0, 1]`),
//!   `dup` (duplication probability, `[0, 1]`),
//!   `crash` (probability that a node crashes, `[0, 1]`),
//!   `recover` (probability that a crashed node recovers, `[0, 1]`),
//!   `partition` (probability of one partition window, `[0, 1]`),
//!   `window` (ms; crashes and partitions start uniformly in `[0, window)`,
//!   outages last up to `window` ms; `1..=3600000`),
//!   `latency` (mean one-way latency in ms, exponential; `(0, 3600000]`),
//!   `skew` (ms; every node's clock offset is uniform in `[−skew, skew]`;
//!   `[0, 60000]`),
//!   `drift` (ppm; every node's clock rate error is uniform in
//!   `[−drift, drift]` parts per million; `0..=200000`).
//!   Unlisted keys keep their defaults
//!   (`loss=0.05,dup=0.02,crash=0.3,recover=0.7,partition=0.3,window=1000,latency=10,skew=10,drift=10000`).
//!   Message reordering follows from the random latencies. A spec's
//!   `latency` applies only when `--latency` is not given (setting both is
//!   refused); `--latency`, `--jitter` and `--bandwidth` compose with any mix.
//!
//! **Clock skew** is a fault of every protocol: a node's timers (election
//! timeouts, participant and vote timeouts, heartbeats, replica-lag checks,
//! commit wait) are durations on its own clock, so a clock that runs `ρ` fast
//! fires them after `d / (1 + ρ)` true time (see [`crate::net::ClockSkew`]);
//! offsets matter to protocols that read clocks. The default drift bound
//! (±1 %, far beyond real quartz, ~±100 ppm) stays well inside every
//! protocol's timing margins (e.g. Raft's 50 ms heartbeat vs 150 ms election
//! timeout), so the protocols still make progress. Clocks are drawn from a
//! stream derived from the schedule's generator without consuming it
//! ([`draw_clocks`]), so adding skew leaves the crash and partition draws of
//! a seed unchanged.
//!
//! Parse errors name the 1-based column of the offending item.

use crate::SimError;
use crate::net::{ClockSkew, Crash, LatencyDist, MS, NetworkModel, NodeId, Partition, Time};
use crate::rng::{ChaCha8Rng, below, chance, unit};
use serde::Serialize;

/// A parsed explicit fault specification.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FaultSpec {
    /// Message loss probability.
    pub loss: f64,
    /// Duplication probability.
    pub dup: f64,
    /// Per-node crash probability.
    pub crash: f64,
    /// Probability that a crashed node recovers.
    pub recover: f64,
    /// Probability of a partition window.
    pub partition: f64,
    /// Window for fault start times and durations (ms).
    pub window_ms: u64,
    /// Mean one-way latency (ms).
    pub latency_ms: f64,
    /// Bound on every node's clock offset (ms): uniform in `[−skew, skew]`.
    pub skew_ms: f64,
    /// Bound on every node's clock drift (ppm): uniform in `[−drift, drift]`.
    pub drift_ppm: u32,
    /// Whether the spec set `latency` itself (then `--latency` may not).
    #[serde(skip)]
    pub latency_given: bool,
}

/// Default clock-offset bound of `--faults default` (ms).
pub const DEFAULT_SKEW_MS: f64 = 10.0;
/// Default clock-drift bound of `--faults default` (ppm): ±1 %.
pub const DEFAULT_DRIFT_PPM: u32 = 10_000;
/// Largest accepted `drift` (ppm): ±20 %.
pub const MAX_FAULT_DRIFT_PPM: u32 = 200_000;

impl Default for FaultSpec {
    fn default() -> Self {
        FaultSpec {
            loss: 0.05,
            dup: 0.02,
            crash: 0.3,
            recover: 0.7,
            partition: 0.3,
            window_ms: 1000,
            latency_ms: 10.0,
            skew_ms: DEFAULT_SKEW_MS,
            drift_ppm: DEFAULT_DRIFT_PPM,
            latency_given: false,
        }
    }
}

impl std::fmt::Display for FaultSpec {
    /// Every key with its effective value, in the order of the module docs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.effective(true))
    }
}

impl FaultSpec {
    /// Every key with its effective value; `latency` only if `with_latency`
    /// (it does not apply when `--latency` sets the links).
    pub fn effective(&self, with_latency: bool) -> String {
        let latency = if with_latency {
            format!(",latency={}", self.latency_ms)
        } else {
            String::new()
        };
        format!(
            "loss={},dup={},crash={},recover={},partition={},window={}{latency},skew={},drift={}",
            self.loss,
            self.dup,
            self.crash,
            self.recover,
            self.partition,
            self.window_ms,
            self.skew_ms,
            self.drift_ppm
        )
    }
}

const KEYS: &str = "loss, dup, crash, recover, partition, window, latency, skew, drift";

/// Clock offsets uniform in `[−skew_ns, skew_ns]` and drifts uniform in
/// `[−drift_ppm, drift_ppm]` for nodes `0..n`, drawn from a stream derived
/// from `r` (same seed and word position, stream `r.get_stream() XOR 2⁶³`)
/// without advancing `r`. Empty when both bounds are 0.
pub fn draw_clocks(n: usize, skew_ns: u64, drift_ppm: u32, r: &ChaCha8Rng) -> Vec<ClockSkew> {
    if skew_ns == 0 && drift_ppm == 0 {
        return Vec::new();
    }
    let mut c = r.clone();
    c.set_stream(r.get_stream() ^ (1 << 63));
    let skew = skew_ns.min(crate::net::MAX_CLOCK_OFFSET as u64) as f64;
    let drift = drift_ppm.min(crate::net::MAX_DRIFT_PPM as u32);
    (0..n as NodeId)
        .map(|node| {
            let offset_ns = ((unit(&mut c) * 2.0 - 1.0) * skew) as i64;
            let drift_ppm = below(&mut c, 2 * drift + 1) as i32 - drift as i32;
            ClockSkew {
                node,
                offset_ns,
                drift_ppm,
            }
        })
        .collect()
}

/// The clock skew of every `--faults default` mix: offsets within
/// ±[`DEFAULT_SKEW_MS`], drift within ±[`DEFAULT_DRIFT_PPM`] (see [`draw_clocks`]).
pub fn default_clocks(n: usize, r: &ChaCha8Rng) -> Vec<ClockSkew> {
    draw_clocks(
        n,
        (DEFAULT_SKEW_MS * MS as f64) as u64,
        DEFAULT_DRIFT_PPM,
        r,
    )
}

impl FaultSpec {
    /// Parse `key=value,…` (see the module docs). Errors name the key, its
    /// valid range and the 1-based column where the offending item starts.
    ///
    /// ```
    /// use cc_sim::coord::faults::FaultSpec;
    /// let f = FaultSpec::parse("loss=0.1,crash=0.5,drift=500")?;
    /// assert_eq!((f.loss, f.drift_ppm), (0.1, 500));
    /// let e = FaultSpec::parse("loss=0.1,skew=-3").unwrap_err().to_string();
    /// assert!(e.contains("skew") && e.contains("column 10"), "{e}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(s: &str) -> Result<FaultSpec, SimError> {
        let mut f = FaultSpec::default();
        let mut pos = 0usize;
        for raw in s.split(',') {
            let lead = raw.len() - raw.trim_start().len();
            let col = s[..pos + lead].chars().count() + 1;
            pos += raw.len() + 1;
            let part = raw.trim();
            if part.is_empty() {
                continue;
            }
            let err = |msg: String| {
                SimError::param("faults", format!("at column {col} (`{part}`): {msg}"))
            };
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| err(format!("not key=value; keys: {KEYS}")))?;
            let k = k.trim();
            let num = v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| err(format!("`{k}`: `{}` is not a number", v.trim())))?;
            let prob = |name: &str| -> Result<f64, SimError> {
                if (0.0..=1.0).contains(&num) {
                    Ok(num)
                } else {
                    Err(err(format!(
                        "`{name}` must be a probability in [0, 1], got {num}"
                    )))
                }
            };
            match k {
                "loss" => f.loss = prob("loss")?,
                "dup" => f.dup = prob("dup")?,
                "crash" => f.crash = prob("crash")?,
                "recover" => f.recover = prob("recover")?,
                "partition" => f.partition = prob("partition")?,
                "window" if (1.0..=3.6e6).contains(&num) => f.window_ms = num as u64,
                "window" => {
                    return Err(err(format!(
                        "`window` must be in 1..=3600000 ms, got {num}"
                    )));
                }
                "latency" if num > 0.0 && num <= 3.6e6 => {
                    f.latency_ms = num;
                    f.latency_given = true;
                }
                "latency" => {
                    return Err(err(format!(
                        "`latency` must be in (0, 3600000] ms, got {num}"
                    )));
                }
                "skew" if (0.0..=60_000.0).contains(&num) => f.skew_ms = num,
                "skew" => {
                    return Err(err(format!("`skew` must be in [0, 60000] ms, got {num}")));
                }
                "drift" if (0.0..=f64::from(MAX_FAULT_DRIFT_PPM)).contains(&num) => {
                    f.drift_ppm = num as u32;
                }
                "drift" => {
                    return Err(err(format!(
                        "`drift` must be in 0..={MAX_FAULT_DRIFT_PPM} ppm, got {num}"
                    )));
                }
                other => {
                    return Err(err(format!("unknown key `{other}`; keys: {KEYS}")));
                }
            }
        }
        Ok(f)
    }

    /// Draw a schedule for `n` nodes, every one crashable, from `r`
    /// ([`FaultMix::draw`] of the spec as a mix).
    pub fn schedule(&self, n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
        FaultMix::from(*self).draw(&FaultTargets::all(n), r)
    }
}

/// A time drawn uniformly as `below(count) · step_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Number of equally likely values.
    pub count: u32,
    /// Resolution in ns.
    pub step_ns: Time,
}

impl Window {
    /// `count` values one millisecond apart: `[0, count)` ms.
    pub const fn ms(count: u32) -> Window {
        Window { count, step_ns: MS }
    }

    /// `below(count) · step_ns`: a time in `[0, count · step)`.
    fn start(&self, r: &mut ChaCha8Rng) -> Time {
        u64::from(below(r, self.count.max(1))) * self.step_ns
    }

    /// `(below(count) + 1) · step_ns`: a duration in `[1, count] · step`.
    fn length(&self, r: &mut ChaCha8Rng) -> Time {
        (u64::from(below(r, self.count.max(1))) + 1) * self.step_ns
    }
}

/// A probability (loss, duplication) that is fixed or drawn per schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Amount {
    /// Exactly this value (no draw).
    Fixed(f64),
    /// Uniform in `[0, hi)` (one draw).
    UpTo(f64),
}

impl Amount {
    fn draw(&self, r: &mut ChaCha8Rng) -> f64 {
        match *self {
            Amount::Fixed(x) => x,
            Amount::UpTo(hi) => unit(r) * hi,
        }
    }
}

/// The link latency of a fault mix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum MixLatency {
    /// Exponential with this mean (ms).
    Exponential(f64),
    /// Uniform in `[lo, hi]` ms.
    Uniform(u64, u64),
    /// Exponential whose mean is drawn uniformly in `[lo, lo + span)` ms per schedule.
    ExponentialMeanIn(f64, f64),
}

/// Whether and when a crashed node recovers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Recovery {
    /// Crash-stop.
    Never,
    /// With probability `p`, after a duration drawn from `after`
    /// (`[1, count] · step`); no draw for `p` of 0 or 1.
    After {
        /// Recovery probability.
        p: f64,
        /// Outage duration.
        after: Window,
    },
}

/// A fault mix as data: every protocol's `--faults default` and every sweep
/// schedule is one of these, drawn by [`FaultMix::draw`].
///
/// The draws, in order, from the schedule's stream: clock offsets and drifts
/// from a derived stream ([`draw_clocks`], nothing consumed); for each
/// crashable node in order, a crash with probability `crash` (or
/// `coordinator_crash` for node 0) at a time from `crash_at`, then its
/// recovery; a partition with probability `partition` opening at a time from
/// `partition_at` and lasting a duration from `partition_for`, its side a
/// fair coin per node (all nodes, exempt ones included); the latency (when
/// drawn), the loss and the duplication probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FaultMix {
    /// Link latency.
    pub latency: MixLatency,
    /// Loss probability per message.
    pub loss: Amount,
    /// Duplication probability per delivered message.
    pub dup: Amount,
    /// Crash probability per crashable node.
    pub crash: f64,
    /// Crash probability of node 0 when it is crashable, if it differs (3PC's coordinator).
    pub coordinator_crash: Option<f64>,
    /// Crash time.
    pub crash_at: Window,
    /// Recovery after a crash.
    pub recovery: Recovery,
    /// Probability of one partition window.
    pub partition: f64,
    /// Opening time of the partition.
    pub partition_at: Window,
    /// Duration of the partition.
    pub partition_for: Window,
    /// Clock offset bound (ns) and drift bound (ppm); `(0, 0)` = perfect clocks.
    pub clocks: (u64, u32),
}

/// Which nodes a protocol's faults may touch: clocks and partition sides cover
/// all `nodes`; crashes only `crashable` (a coordinator or a client may be exempt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultTargets {
    /// Nodes in the run (`0..nodes`).
    pub nodes: usize,
    /// Nodes that may crash.
    pub crashable: std::ops::Range<NodeId>,
}

impl FaultTargets {
    /// Every one of `nodes` nodes may crash.
    pub fn all(nodes: usize) -> FaultTargets {
        FaultTargets {
            nodes,
            crashable: 0..nodes as NodeId,
        }
    }
}

/// The default clock skew of every `--faults default` mix, as `FaultMix::clocks`.
pub const DEFAULT_CLOCKS: (u64, u32) = ((DEFAULT_SKEW_MS as u64) * MS, DEFAULT_DRIFT_PPM);

impl FaultMix {
    /// Draw one schedule for `targets` from `r` (see the type's docs for the order).
    pub fn draw(&self, targets: &FaultTargets, r: &mut ChaCha8Rng) -> NetworkModel {
        let n = targets.nodes;
        let clocks = draw_clocks(n, self.clocks.0, self.clocks.1, r);
        let mut crashes = Vec::new();
        for v in targets.crashable.clone() {
            let p = match (v, self.coordinator_crash) {
                (0, Some(p)) => p,
                _ => self.crash,
            };
            if chance(r, p) {
                let at = self.crash_at.start(r);
                let recover_at = match self.recovery {
                    Recovery::Never => None,
                    Recovery::After { p, after } => chance(r, p).then(|| at + after.length(r)),
                };
                crashes.push(Crash {
                    node: v,
                    at,
                    recover_at,
                });
            }
        }
        let mut partitions = Vec::new();
        if chance(r, self.partition) {
            let start = self.partition_at.start(r);
            let end = start + self.partition_for.length(r);
            let side = (0..n as NodeId).filter(|_| chance(r, 0.5)).collect();
            partitions.push(Partition { start, end, side });
        }
        let latency = match self.latency {
            MixLatency::Exponential(mean_ms) => LatencyDist::Exponential {
                mean_ns: mean_ms * MS as f64,
            },
            MixLatency::Uniform(lo, hi) => LatencyDist::Uniform {
                lo_ns: lo * MS,
                hi_ns: hi * MS,
            },
            MixLatency::ExponentialMeanIn(lo, span) => LatencyDist::Exponential {
                mean_ns: (lo + unit(r) * span) * MS as f64,
            },
        };
        NetworkModel {
            latency,
            loss: self.loss.draw(r),
            duplication: self.dup.draw(r),
            crashes,
            partitions,
            clocks,
            ..NetworkModel::default()
        }
    }
}

/// A commit protocol's schedule: `mix` drawn over all `nodes` (every one may
/// crash), then each of the `participants` votes no with probability
/// `no_probability` (2PC and 3PC draw their schedules this way).
pub fn draw_with_votes(
    mix: &FaultMix,
    nodes: usize,
    participants: u32,
    no_probability: f64,
    r: &mut ChaCha8Rng,
) -> (NetworkModel, Vec<bool>) {
    let net = mix.draw(&FaultTargets::all(nodes), r);
    let votes = (0..participants)
        .map(|_| !chance(r, no_probability))
        .collect();
    (net, votes)
}

impl From<FaultSpec> for FaultMix {
    /// An explicit `--faults` spec as a mix: fixed loss and duplication, crash
    /// times, outages and the partition window all drawn within `window` ms.
    fn from(s: FaultSpec) -> FaultMix {
        let w = Window::ms(s.window_ms.clamp(1, u64::from(u32::MAX)) as u32);
        FaultMix {
            latency: MixLatency::Exponential(s.latency_ms),
            loss: Amount::Fixed(s.loss),
            dup: Amount::Fixed(s.dup),
            crash: s.crash,
            coordinator_crash: None,
            crash_at: w,
            recovery: Recovery::After {
                p: s.recover,
                after: w,
            },
            partition: s.partition,
            partition_at: w,
            partition_for: w,
            clocks: ((s.skew_ms * MS as f64) as u64, s.drift_ppm),
        }
    }
}

/// The `--faults` choice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Faults {
    /// No faults.
    None,
    /// The protocol's documented default mix.
    Default,
    /// An explicit specification.
    Spec(FaultSpec),
}

impl Faults {
    /// Parse `none`, `default` or `key=value,…`.
    pub fn parse(s: Option<&str>) -> Result<Faults, SimError> {
        match s.map(str::trim) {
            None | Some("none") | Some("") => Ok(Faults::None),
            Some("default") => Ok(Faults::Default),
            Some(spec) => FaultSpec::parse(spec).map(Faults::Spec),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_key() {
        assert_eq!(Faults::parse(None).unwrap(), Faults::None);
        assert_eq!(Faults::parse(Some("default")).unwrap(), Faults::Default);
        let f = FaultSpec::parse("loss=0.2, dup=0, window=500, latency=3").unwrap();
        assert_eq!(
            (f.loss, f.dup, f.window_ms, f.latency_ms),
            (0.2, 0.0, 500, 3.0)
        );
        for (bad, key, col) in [
            ("loss=1.5", "loss", 1),
            ("crash=x", "crash", 1),
            ("chaos=3", "chaos", 1),
            ("window=0", "window", 1),
            ("latency", "latency", 1),
            ("loss=0.1, skew=-1", "skew", 11),
            ("loss=0.1,dup=0,drift=300000", "drift", 16),
            ("loss=0.1,,drift=NaN", "drift", 11),
        ] {
            let e = FaultSpec::parse(bad).unwrap_err().to_string();
            assert!(
                e.contains("faults") && e.contains(key) && e.contains(&format!("column {col} ")),
                "{bad}: {e}"
            );
        }
        let f = FaultSpec::parse("skew=0,drift=0").unwrap();
        assert_eq!((f.skew_ms, f.drift_ppm), (0.0, 0));
    }

    #[test]
    fn schedule_respects_the_spec() {
        let f = FaultSpec {
            crash: 1.0,
            recover: 1.0,
            partition: 1.0,
            ..FaultSpec::default()
        };
        let net = f.schedule(10, &mut crate::rng::trial_rng(1, 0));
        assert_eq!(net.crashes.len(), 10);
        assert!(net.crashes.iter().all(|c| c.recover_at.is_some()));
        assert_eq!(net.partitions.len(), 1);
        assert!(net.validate(10).is_ok());
        assert_eq!(net.clocks.len(), 10);
        assert!(
            net.clocks
                .iter()
                .all(|c| c.offset_ns.abs() <= 10 * MS as i64 && c.drift_ppm.abs() <= 10_000)
        );
        assert!(net.clocks.iter().any(|c| c.drift_ppm != 0));
        // clocks come from a derived stream: the crash/partition draws do not change
        let no_skew = FaultSpec {
            skew_ms: 0.0,
            drift_ppm: 0,
            ..f
        }
        .schedule(10, &mut crate::rng::trial_rng(1, 0));
        assert!(no_skew.clocks.is_empty());
        assert_eq!(
            (no_skew.crashes, no_skew.partitions),
            (net.crashes, net.partitions)
        );
    }

    #[test]
    fn every_default_mix_skews_clocks_and_timers_follow_them() {
        use crate::coord::raft::{RaftConfig, raft_fault_schedule, run_raft};
        use crate::coord::twopc::{TwoPcConfig, fault_schedule};
        let r = &mut crate::rng::trial_rng(4, 0);
        assert_eq!(
            fault_schedule(&TwoPcConfig::new(3), &crate::coord::twopc::TWOPC_MIX, r)
                .0
                .clocks
                .len(),
            4
        );
        assert_eq!(raft_fault_schedule(5, r).clocks.len(), 5);
        assert_eq!(
            crate::coord::crdt::crdt_fault_schedule(5, r).clocks.len(),
            5
        );
        assert_eq!(FaultSpec::default().schedule(5, r).clocks.len(), 5);
        // A Raft cluster whose clocks run 20 % slow elects its first leader later.
        let cfg = RaftConfig {
            commands: 0,
            stop_when_done: false,
            ..RaftConfig::new(5)
        };
        let skewed = |ppm: i32| NetworkModel {
            latency: LatencyDist::Constant { ns: MS },
            clocks: (0..5)
                .map(|node| ClockSkew {
                    node,
                    offset_ns: 0,
                    drift_ppm: ppm,
                })
                .collect(),
            ..NetworkModel::default()
        };
        let t = |ppm| {
            run_raft(&cfg, &skewed(ppm), 2000 * MS, crate::rng::trial_rng(1, 0))
                .unwrap()
                .first_leader_ns
                .unwrap()
        };
        let (fast, exact, slow) = (t(200_000), t(0), t(-200_000));
        assert!(fast < exact && exact < slow, "{fast} {exact} {slow}");
    }
}
