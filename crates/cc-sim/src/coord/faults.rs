//! Fault specifications for coordination runs (`--faults`).
//!
//! * `none` — no faults.
//! * `default` — each protocol's documented mix
//!   ([`super::twopc::fault_schedule`], [`super::raft::raft_fault_schedule`],
//!   [`super::crdt::crdt_fault_schedule`]).
//! * an explicit list `key=value,…` with keys
//!   `loss` (probability per message, `[0, 1]`),
//!   `dup` (duplication probability, `[0, 1]`),
//!   `crash` (probability that a node crashes, `[0, 1]`),
//!   `recover` (probability that a crashed node recovers, `[0, 1]`),
//!   `partition` (probability of one partition window, `[0, 1]`),
//!   `window` (ms; crashes and partitions start uniformly in `[0, window)`,
//!   outages last up to `window` ms; `> 0`),
//!   `latency` (mean one-way latency in ms, exponential; `> 0`).
//!   Unlisted keys keep their defaults (`loss=0.05,dup=0.02,crash=0.3,recover=0.7,partition=0.3,window=1000,latency=10`).
//!   Message reordering follows from the random latencies.

use crate::SimError;
use crate::net::{Crash, LatencyDist, MS, NetworkModel, NodeId, Partition};
use crate::rng::{ChaCha8Rng, below, chance};
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
}

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
        }
    }
}

impl FaultSpec {
    /// Parse `key=value,…` (see the module docs).
    ///
    /// ```
    /// use cc_sim::coord::faults::FaultSpec;
    /// let f = FaultSpec::parse("loss=0.1,crash=0.5")?;
    /// assert_eq!(f.loss, 0.1);
    /// assert!(FaultSpec::parse("loss=2").unwrap_err().to_string().contains("loss"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(s: &str) -> Result<FaultSpec, SimError> {
        let mut f = FaultSpec::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                SimError::param("faults", format!("`{part}` is not key=value; keys: loss, dup, crash, recover, partition, window, latency"))
            })?;
            let num = v
                .trim()
                .parse::<f64>()
                .map_err(|_| SimError::param("faults", format!("`{k}`: `{v}` is not a number")))?;
            let prob = |name: &str| -> Result<f64, SimError> {
                if (0.0..=1.0).contains(&num) {
                    Ok(num)
                } else {
                    Err(SimError::param(
                        "faults",
                        format!("`{name}` must be a probability in [0, 1], got {num}"),
                    ))
                }
            };
            match k.trim() {
                "loss" => f.loss = prob("loss")?,
                "dup" => f.dup = prob("dup")?,
                "crash" => f.crash = prob("crash")?,
                "recover" => f.recover = prob("recover")?,
                "partition" => f.partition = prob("partition")?,
                "window" if (1.0..=3.6e6).contains(&num) => f.window_ms = num as u64,
                "window" => {
                    return Err(SimError::param(
                        "faults",
                        format!("`window` must be in 1..=3600000 ms, got {num}"),
                    ));
                }
                "latency" if num > 0.0 && num <= 3.6e6 => f.latency_ms = num,
                "latency" => {
                    return Err(SimError::param(
                        "faults",
                        format!("`latency` must be in (0, 3600000] ms, got {num}"),
                    ));
                }
                other => {
                    return Err(SimError::param(
                        "faults",
                        format!(
                            "unknown key `{other}`; keys: loss, dup, crash, recover, partition, window, latency"
                        ),
                    ));
                }
            }
        }
        Ok(f)
    }

    /// Draw a schedule for `n` nodes from `r`.
    pub fn schedule(&self, n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
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
        for (bad, key) in [
            ("loss=1.5", "loss"),
            ("crash=x", "crash"),
            ("skew=3", "skew"),
            ("window=0", "window"),
            ("latency", "latency"),
        ] {
            let e = FaultSpec::parse(bad).unwrap_err().to_string();
            assert!(e.contains("faults") && e.contains(key), "{bad}: {e}");
        }
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
    }
}
