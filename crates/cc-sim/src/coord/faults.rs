//! Fault specifications for coordination runs (`--faults`).
//!
//! * `none` — no faults.
//! * `default` — each protocol's documented mix
//!   ([`super::twopc::fault_schedule`], [`super::raft::raft_fault_schedule`],
//!   [`super::crdt::crdt_fault_schedule`], [`super::threepc::threepc_fault_schedule`],
//!   [`FaultSpec::default`] for Paxos, Multi-Paxos and ISR replication); every
//!   default mix includes clock skew ([`default_clocks`]).
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
//!   Message reordering follows from the random latencies.
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
use crate::net::{ClockSkew, Crash, LatencyDist, MS, NetworkModel, NodeId, Partition};
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
        }
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
                "latency" if num > 0.0 && num <= 3.6e6 => f.latency_ms = num,
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

    /// Draw a schedule for `n` nodes from `r` (clocks from [`draw_clocks`]).
    pub fn schedule(&self, n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
        let clocks = draw_clocks(n, (self.skew_ms * MS as f64) as u64, self.drift_ppm, r);
        let w = self.window_ms.max(1) as u32;
        let mut crashes = Vec::new();
        for v in 0..n as NodeId {
            if chance(r, self.crash) {
                let at = u64::from(below(r, w)) * MS;
                let recover_at =
                    chance(r, self.recover).then(|| at + u64::from(below(r, w) + 1) * MS);
                crashes.push(Crash {
                    node: v,
                    at,
                    recover_at,
                });
            }
        }
        let mut partitions = Vec::new();
        if chance(r, self.partition) {
            let start = u64::from(below(r, w)) * MS;
            let end = start + u64::from(below(r, w) + 1) * MS;
            partitions.push(Partition {
                start,
                end,
                side: (0..n as NodeId).filter(|_| chance(r, 0.5)).collect(),
            });
        }
        NetworkModel {
            latency: LatencyDist::Exponential {
                mean_ns: self.latency_ms * MS as f64,
            },
            loss: self.loss,
            duplication: self.dup,
            crashes,
            partitions,
            clocks,
            ..NetworkModel::default()
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
        assert_eq!(fault_schedule(&TwoPcConfig::new(3), r).0.clocks.len(), 4);
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
