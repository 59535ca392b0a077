//! The network and fault model shared by round mode and discrete-event mode.
//!
//! A message sent at time `t` from `a` to `b` with `s` bytes is
//!
//! 1. dropped if `a` is down at `t` (it is not sent and not counted);
//! 2. counted as sent (messages, bytes, kind, sender);
//! 3. lost with probability `loss`;
//! 4. otherwise delivered at `t + L(a, b) + J + 8·s·10⁹ / bandwidth_bps`
//!    where `L` is drawn from the link latency distribution and `J` is
//!    uniform jitter in `[0, jitter_ns]`; with probability `duplication`
//!    a second copy with an independent delay is scheduled too;
//! 5. discarded at delivery if `b` is down or an open partition separates
//!    `a` and `b` at the delivery instant (or separated them at send time).
//!
//! In round mode, round `r` happens at time `r · round_ns`; latency and
//! bandwidth do not apply (every exchange completes within its round) but
//! loss, crashes and partitions do, evaluated at the round's time.
//!
//! **Clocks** (event mode): node `v` may have a skewed clock ([`ClockSkew`])
//! reading `C_v(t) = t + θ_v + ρ_v·t` at true time `t`, with offset `θ_v`
//! (ns) and drift rate `ρ_v` (parts per million). Every timer a protocol sets
//! is a duration on its node's clock, so it fires after the true duration
//! `⌈d / (1 + ρ_v)⌉`; protocols that read clocks (commit wait) see `C_v(t)`.
//! Without entries every clock is perfect and nothing changes.

use crate::SimError;
use crate::error::check_prob;
use crate::rng::{ChaCha8Rng, below, normal, unit};
use serde::Serialize;

/// Simulation time in integer nanoseconds.
pub type Time = u64;
/// Node identifier `0..n`.
pub type NodeId = u32;

/// Nanoseconds per millisecond.
pub const MS: Time = 1_000_000;

/// An empirical region-to-region round-trip-time matrix; nodes are placed in
/// regions round-robin (`node i` in region `i mod R`), one-way latency is RTT/2.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionMatrix {
    /// Region names.
    pub names: Vec<String>,
    /// Symmetric RTT matrix in milliseconds (diagonal: intra-region RTT).
    pub rtt_ms: Vec<Vec<f64>>,
}

impl RegionMatrix {
    /// An illustrative five-region matrix (us-east, us-west, eu-west,
    /// ap-northeast, sa-east) with RTTs of the order publicly reported by
    /// cloud inter-region ping dashboards. Approximate values for modelling,
    /// not measurements of any provider.
    pub fn five_regions() -> RegionMatrix {
        let names = ["us-east", "us-west", "eu-west", "ap-northeast", "sa-east"];
        let rtt = vec![
            vec![1.0, 62.0, 68.0, 145.0, 115.0],
            vec![62.0, 1.0, 130.0, 100.0, 175.0],
            vec![68.0, 130.0, 1.0, 210.0, 180.0],
            vec![145.0, 100.0, 210.0, 1.0, 255.0],
            vec![115.0, 175.0, 180.0, 255.0, 1.0],
        ];
        RegionMatrix {
            names: names.iter().map(|s| s.to_string()).collect(),
            rtt_ms: rtt,
        }
    }

    /// Region of `node`.
    pub fn region_of(&self, node: NodeId) -> usize {
        node as usize % self.names.len()
    }

    fn validate(&self) -> Result<(), SimError> {
        let r = self.names.len();
        if r == 0 || self.rtt_ms.len() != r || self.rtt_ms.iter().any(|row| row.len() != r) {
            return Err(SimError::param(
                "latency",
                "region matrix must be R×R with R >= 1",
            ));
        }
        if self
            .rtt_ms
            .iter()
            .flatten()
            .any(|x| !(x.is_finite() && *x >= 0.0))
        {
            return Err(SimError::param(
                "latency",
                "region RTTs must be finite and >= 0 ms",
            ));
        }
        Ok(())
    }
}

/// A per-link one-way latency distribution (values in nanoseconds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum LatencyDist {
    /// Always `ns`.
    Constant {
        /// Latency.
        ns: Time,
    },
    /// Uniform on `[lo_ns, hi_ns]`.
    Uniform {
        /// Lower bound.
        lo_ns: Time,
        /// Upper bound.
        hi_ns: Time,
    },
    /// Exponential with the given mean: `-mean · ln U`.
    Exponential {
        /// Mean.
        mean_ns: f64,
    },
    /// Log-normal: `exp(mu + sigma·Z)` nanoseconds.
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Pareto with scale `x_m` and shape `α`: `x_m · U^{-1/α}`.
    Pareto {
        /// Scale (minimum value).
        scale_ns: f64,
        /// Shape `α > 0`.
        shape: f64,
    },
    /// Mixture: component `i` chosen with probability `w_i / Σw`.
    Mixture(Vec<(f64, LatencyDist)>),
    /// Region-to-region matrix: `RTT(region(a), region(b)) / 2`.
    Regions(RegionMatrix),
}

/// Upper bound on any single sampled latency (one hour), so heavy tails cannot overflow time.
pub const MAX_LATENCY: Time = 3_600_000_000_000;

impl LatencyDist {
    /// Check the parameters.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |m: &str| Err(SimError::param("latency", m.to_string()));
        match self {
            LatencyDist::Constant { .. } => Ok(()),
            LatencyDist::Uniform { lo_ns, hi_ns } if lo_ns > hi_ns => {
                bad("uniform latency needs lo <= hi")
            }
            LatencyDist::Uniform { .. } => Ok(()),
            LatencyDist::Exponential { mean_ns } if !(mean_ns.is_finite() && *mean_ns >= 0.0) => {
                bad("exponential mean must be finite and >= 0")
            }
            LatencyDist::Exponential { .. } => Ok(()),
            LatencyDist::LogNormal { mu, sigma }
                if !(mu.is_finite() && sigma.is_finite() && *sigma >= 0.0) =>
            {
                bad("log-normal needs finite mu and sigma >= 0")
            }
            LatencyDist::LogNormal { .. } => Ok(()),
            LatencyDist::Pareto { scale_ns, shape }
                if !(scale_ns.is_finite()
                    && *scale_ns >= 0.0
                    && shape.is_finite()
                    && *shape > 0.0) =>
            {
                bad("pareto needs scale >= 0 and shape > 0")
            }
            LatencyDist::Pareto { .. } => Ok(()),
            LatencyDist::Mixture(parts) => {
                if parts.is_empty() || parts.iter().any(|(w, _)| !(w.is_finite() && *w >= 0.0)) {
                    return bad("mixture needs at least one component and weights >= 0");
                }
                if parts.iter().map(|(w, _)| w).sum::<f64>() <= 0.0 {
                    return bad("mixture weights must not all be 0");
                }
                parts.iter().try_for_each(|(_, d)| d.validate())
            }
            LatencyDist::Regions(m) => m.validate(),
        }
    }

    /// Draw a one-way latency for a message from `from` to `to`.
    #[inline]
    pub fn sample(&self, from: NodeId, to: NodeId, rng: &mut ChaCha8Rng) -> Time {
        match self {
            LatencyDist::Constant { ns } => *ns,
            LatencyDist::Exponential { mean_ns } => {
                let x = -mean_ns * (1.0 - unit(rng)).ln();
                if x.is_finite() {
                    (x.max(0.0) as Time).min(MAX_LATENCY)
                } else {
                    MAX_LATENCY
                }
            }
            _ => self.sample_general(from, to, rng),
        }
    }

    fn sample_general(&self, from: NodeId, to: NodeId, rng: &mut ChaCha8Rng) -> Time {
        let x: f64 = match self {
            LatencyDist::Constant { ns } => return *ns,
            LatencyDist::Uniform { lo_ns, hi_ns } => {
                let span = hi_ns - lo_ns;
                return if span == 0 {
                    *lo_ns
                } else if span < u64::from(u32::MAX) {
                    lo_ns + u64::from(below(rng, span as u32 + 1))
                } else {
                    lo_ns + (unit(rng) * span as f64) as u64
                };
            }
            LatencyDist::Exponential { mean_ns } => -mean_ns * (1.0 - unit(rng)).ln(),
            LatencyDist::LogNormal { mu, sigma } => (mu + sigma * normal(rng)).exp(),
            LatencyDist::Pareto { scale_ns, shape } => {
                scale_ns * (1.0 - unit(rng)).powf(-1.0 / shape)
            }
            LatencyDist::Mixture(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w).sum();
                let mut u = unit(rng) * total;
                for (w, d) in parts {
                    if u < *w {
                        return d.sample(from, to, rng);
                    }
                    u -= w;
                }
                return parts[parts.len() - 1].1.sample(from, to, rng);
            }
            LatencyDist::Regions(m) => {
                m.rtt_ms[m.region_of(from)][m.region_of(to)] * 0.5 * MS as f64
            }
        };
        if x.is_finite() {
            (x.max(0.0) as Time).min(MAX_LATENCY)
        } else {
            MAX_LATENCY
        }
    }

    /// Parse a `--latency` spelling: `const:MS`, `uniform:LO-HI` (ms),
    /// `exp:MEAN`, `lognormal:MEDIAN,SIGMA`, `pareto:SCALE,SHAPE`, `regions`.
    pub fn parse(s: &str) -> Result<LatencyDist, SimError> {
        let err = || {
            SimError::param(
                "latency",
                format!(
                    "`{s}` not understood; valid: const:MS, uniform:LO-HI, exp:MEAN, lognormal:MEDIAN,SIGMA, pareto:SCALE,SHAPE, regions (times in ms)"
                ),
            )
        };
        // Every number is a finite, non-negative time in ms up to one hour
        // (issue 20 item 6: negatives and NaN became 0 ms, `inf` produced nonsense).
        let num = |x: &str| -> Result<f64, SimError> {
            let v = x.trim().parse::<f64>().map_err(|_| err())?;
            if v.is_finite() && (0.0..=MAX_LATENCY as f64 / MS as f64).contains(&v) {
                Ok(v)
            } else {
                Err(SimError::param(
                    "latency",
                    format!(
                        "`{s}`: `{}` must be a finite number in [0, 3600000] ms",
                        x.trim()
                    ),
                ))
            }
        };
        let ms = |x: f64| x * MS as f64;
        let (name, arg) = s.split_once(':').unwrap_or((s, ""));
        let d = match name {
            "const" | "constant" => LatencyDist::Constant {
                ns: ms(num(arg)?) as Time,
            },
            "uniform" => {
                let (a, b) = arg.split_once('-').ok_or_else(err)?;
                LatencyDist::Uniform {
                    lo_ns: ms(num(a)?) as Time,
                    hi_ns: ms(num(b)?) as Time,
                }
            }
            "exp" | "exponential" => LatencyDist::Exponential {
                mean_ns: ms(num(arg)?),
            },
            "lognormal" => {
                let (a, b) = arg.split_once(',').ok_or_else(err)?;
                let median = ms(num(a)?);
                if median <= 0.0 {
                    return Err(err());
                }
                LatencyDist::LogNormal {
                    mu: median.ln(),
                    sigma: num(b)?,
                }
            }
            "pareto" => {
                let (a, b) = arg.split_once(',').ok_or_else(err)?;
                LatencyDist::Pareto {
                    scale_ns: ms(num(a)?),
                    shape: num(b)?,
                }
            }
            "regions" if arg.is_empty() => LatencyDist::Regions(RegionMatrix::five_regions()),
            "regions" => {
                return Err(SimError::param(
                    "latency",
                    format!("`{s}`: `regions` takes no argument (the five-region matrix)"),
                ));
            }
            _ => return Err(err()),
        };
        d.validate()?;
        Ok(d)
    }
}

impl std::fmt::Display for LatencyDist {
    /// The `--latency` spelling ([`LatencyDist::parse`] reads it back), in ms.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // ns as ms, rounded to a nanosecond of a millisecond to hide float noise
        let ms = |ns: f64| (ns / MS as f64 * 1e9).round() / 1e9;
        match self {
            LatencyDist::Constant { ns } => write!(f, "const:{}", ms(*ns as f64)),
            LatencyDist::Uniform { lo_ns, hi_ns } => {
                write!(f, "uniform:{}-{}", ms(*lo_ns as f64), ms(*hi_ns as f64))
            }
            LatencyDist::Exponential { mean_ns } => write!(f, "exp:{}", ms(*mean_ns)),
            LatencyDist::LogNormal { mu, sigma } => {
                write!(f, "lognormal:{},{sigma}", ms(mu.exp()))
            }
            LatencyDist::Pareto { scale_ns, shape } => {
                write!(f, "pareto:{},{shape}", ms(*scale_ns))
            }
            LatencyDist::Mixture(parts) => {
                let p: Vec<String> = parts.iter().map(|(w, d)| format!("{w}×{d}")).collect();
                write!(f, "mixture({})", p.join(" + "))
            }
            LatencyDist::Regions(_) => write!(f, "regions"),
        }
    }
}

/// A partition: during `[start, end)` nodes in `side` cannot exchange
/// messages with nodes outside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partition {
    /// Opening time.
    pub start: Time,
    /// Healing time (`Time::MAX` = never heals).
    pub end: Time,
    /// One side of the cut.
    pub side: Vec<NodeId>,
}

/// A crash of `node` at `at`, recovering at `recover_at` (crash-recover)
/// or never (crash-stop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Crash {
    /// Node.
    pub node: NodeId,
    /// Crash time.
    pub at: Time,
    /// Recovery time, if any.
    pub recover_at: Option<Time>,
}

/// Largest accepted clock drift rate: ±50 % (500 000 ppm), so every clock
/// still runs forward.
pub const MAX_DRIFT_PPM: i32 = 500_000;
/// Largest accepted clock offset: ±1 hour.
pub const MAX_CLOCK_OFFSET: i64 = 3_600_000_000_000;

/// A skewed clock: node `node` reads `t + offset_ns + drift_ppm · t / 10⁶` at
/// true time `t`. Timers are durations on this clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockSkew {
    /// Node.
    pub node: NodeId,
    /// Offset `θ` in ns (`|θ| <= 1 h`).
    pub offset_ns: i64,
    /// Drift rate `ρ` in parts per million (`|ρ| <= 500 000`); positive = runs fast.
    pub drift_ppm: i32,
}

impl ClockSkew {
    /// The clock reading at true time `t`: `t + θ + ⌊ρ·t / 10⁶⌋`.
    pub fn read(&self, t: Time) -> i64 {
        let t = i128::from(t);
        let c = t + i128::from(self.offset_ns) + t * i128::from(self.drift_ppm) / 1_000_000;
        c.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// True duration of a timer of `d` ns on this clock: `⌈d · 10⁶ / (10⁶ + ρ)⌉`
    /// (exactly `d` when `ρ = 0`).
    pub fn real_duration(&self, d: Time) -> Time {
        real_duration(d, self.drift_ppm)
    }
}

#[inline]
pub(crate) fn real_duration(d: Time, ppm: i32) -> Time {
    if ppm == 0 {
        return d;
    }
    let den = (1_000_000 + i64::from(ppm)).max(1) as u128;
    let r = (u128::from(d) * 1_000_000).div_ceil(den);
    r.min(u128::from(Time::MAX)) as Time
}

/// Network and fault model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkModel {
    /// One-way latency distribution.
    pub latency: LatencyDist,
    /// Additional uniform jitter in `[0, jitter_ns]`.
    pub jitter_ns: Time,
    /// Independent loss probability per message.
    pub loss: f64,
    /// Probability that a delivered message is duplicated.
    pub duplication: f64,
    /// Link bandwidth in bits per second (serialisation delay `8·bytes/bw`); `None` = infinite.
    pub bandwidth_bps: Option<u64>,
    /// Partition schedule.
    pub partitions: Vec<Partition>,
    /// Crash schedule.
    pub crashes: Vec<Crash>,
    /// Duration of one round in round mode.
    pub round_ns: Time,
    /// Skewed clocks (event mode); nodes not listed have perfect clocks.
    pub clocks: Vec<ClockSkew>,
}

impl Default for NetworkModel {
    fn default() -> Self {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            jitter_ns: 0,
            loss: 0.0,
            duplication: 0.0,
            bandwidth_bps: None,
            partitions: Vec::new(),
            crashes: Vec::new(),
            round_ns: 100 * MS,
            clocks: Vec::new(),
        }
    }
}

impl NetworkModel {
    /// Validate all parameters against `n` nodes.
    pub fn validate(&self, n: usize) -> Result<(), SimError> {
        self.latency.validate()?;
        check_prob("loss", self.loss)?;
        check_prob("duplication", self.duplication)?;
        if self.bandwidth_bps == Some(0) {
            return Err(SimError::param("bandwidth", "must be > 0 bits/s"));
        }
        if self.round_ns == 0 {
            return Err(SimError::param("round_ns", "must be > 0"));
        }
        for p in &self.partitions {
            if p.start > p.end {
                return Err(SimError::param("partitions", "start must be <= end"));
            }
            if p.side.iter().any(|&v| v as usize >= n) {
                return Err(SimError::param(
                    "partitions",
                    format!("node ids must be < {n}"),
                ));
            }
        }
        for c in &self.crashes {
            if c.node as usize >= n {
                return Err(SimError::param("crash", format!("node ids must be < {n}")));
            }
            if c.recover_at.is_some_and(|r| r < c.at) {
                return Err(SimError::param(
                    "crash",
                    "recovery must not precede the crash",
                ));
            }
        }
        let mut seen = vec![false; if self.clocks.is_empty() { 0 } else { n }];
        for c in &self.clocks {
            if c.node as usize >= n {
                return Err(SimError::param("clocks", format!("node ids must be < {n}")));
            }
            if std::mem::replace(&mut seen[c.node as usize], true) {
                return Err(SimError::param(
                    "clocks",
                    format!("node {} has two clock entries", c.node),
                ));
            }
            if c.drift_ppm.abs() > MAX_DRIFT_PPM {
                return Err(SimError::param(
                    "clocks",
                    format!(
                        "drift must be within ±{MAX_DRIFT_PPM} ppm, got {} for node {}",
                        c.drift_ppm, c.node
                    ),
                ));
            }
            if c.offset_ns.abs() > MAX_CLOCK_OFFSET {
                return Err(SimError::param(
                    "clocks",
                    format!(
                        "offset must be within ±1 h, got {} ns for node {}",
                        c.offset_ns, c.node
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Crash-stop a uniformly random `fraction` of the nodes other than `protect`
    /// at time `at` (rounded down to whole nodes).
    pub fn crash_fraction(
        &mut self,
        n: usize,
        fraction: f64,
        at: Time,
        protect: NodeId,
        rng: &mut ChaCha8Rng,
    ) -> Result<Vec<NodeId>, SimError> {
        check_prob("crash", fraction)?;
        let k = ((n as f64 - 1.0) * fraction).floor() as u32;
        let picks = crate::rng::sample_subset(rng, n as u32 - 1, k);
        let nodes: Vec<NodeId> = picks
            .into_iter()
            .map(|x| if x >= protect { x + 1 } else { x })
            .collect();
        for &node in &nodes {
            self.crashes.push(Crash {
                node,
                at,
                recover_at: None,
            });
        }
        Ok(nodes)
    }

    /// Serialisation delay of `bytes` on one link.
    pub fn serialization_ns(&self, bytes: u32) -> Time {
        match self.bandwidth_bps {
            None => 0,
            Some(bw) => (u128::from(bytes) * 8 * 1_000_000_000 / u128::from(bw)) as Time,
        }
    }
}

/// Per-node partition membership, precomputed for fast separation checks.
#[derive(Debug, Clone)]
pub(crate) struct PartitionIndex {
    windows: Vec<(Time, Time, Vec<bool>)>,
}

impl PartitionIndex {
    pub(crate) fn new(parts: &[Partition], n: usize) -> Self {
        let windows = parts
            .iter()
            .map(|p| {
                let mut side = vec![false; n];
                for &v in &p.side {
                    side[v as usize] = true;
                }
                (p.start, p.end, side)
            })
            .collect();
        PartitionIndex { windows }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// Whether an open partition separates `a` and `b` at time `t`.
    #[inline]
    pub(crate) fn separated(&self, a: NodeId, b: NodeId, t: Time) -> bool {
        self.windows
            .iter()
            .any(|(s, e, side)| *s <= t && t < *e && side[a as usize] != side[b as usize])
    }
}

/// Per-node up/down state at any time, from a crash schedule.
#[derive(Debug, Clone)]
pub(crate) struct CrashIndex {
    per_node: Vec<Vec<(Time, Time)>>,
    any: bool,
}

impl CrashIndex {
    pub(crate) fn new(crashes: &[Crash], n: usize) -> Self {
        let mut per_node = if crashes.is_empty() {
            Vec::new()
        } else {
            vec![Vec::new(); n]
        };
        for c in crashes {
            per_node[c.node as usize].push((c.at, c.recover_at.unwrap_or(Time::MAX)));
        }
        CrashIndex {
            per_node,
            any: !crashes.is_empty(),
        }
    }

    /// Whether `v` is down at `t` (down during `[at, recover_at)`).
    #[inline]
    pub(crate) fn down(&self, v: NodeId, t: Time) -> bool {
        self.any
            && self.per_node[v as usize]
                .iter()
                .any(|&(a, r)| a <= t && t < r)
    }

    /// Whether `v` is down at the end of the run (crash-stopped or not yet recovered).
    pub(crate) fn down_forever(&self, v: NodeId) -> bool {
        self.any
            && self.per_node[v as usize]
                .iter()
                .any(|&(_, r)| r == Time::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue20_item6_invalid_latencies_are_refused() {
        for bad in [
            "const:-5",
            "const:nan",
            "exp:-1",
            "uniform:nan-inf",
            "const:inf",
            "regions:5",
            "uniform:5-1",
            "pareto:1,0",
            "lognormal:-3,1",
            "const:3600001",
        ] {
            let e = LatencyDist::parse(bad).unwrap_err().to_string();
            assert!(e.contains("latency"), "{bad}: {e}");
        }
        for good in [
            "const:0",
            "const:10",
            "uniform:1-20",
            "exp:5",
            "lognormal:20,0.5",
            "pareto:5,2",
            "regions",
        ] {
            LatencyDist::parse(good).unwrap();
        }
    }
    use crate::rng::trial_rng;

    #[test]
    fn distributions_have_expected_means() {
        let mut r = trial_rng(1, 0);
        let m = 20_000;
        let mean = |d: &LatencyDist, r: &mut ChaCha8Rng| {
            (0..m).map(|_| d.sample(0, 1, r) as f64).sum::<f64>() / m as f64
        };
        let e = LatencyDist::Exponential { mean_ns: 1e6 };
        assert!((mean(&e, &mut r) / 1e6 - 1.0).abs() < 0.03);
        let u = LatencyDist::Uniform {
            lo_ns: 100,
            hi_ns: 300,
        };
        assert!((mean(&u, &mut r) - 200.0).abs() < 3.0);
        // log-normal mean = exp(mu + sigma²/2)
        let ln = LatencyDist::LogNormal {
            mu: 10.0,
            sigma: 0.5,
        };
        let want = (10.0f64 + 0.125).exp();
        assert!((mean(&ln, &mut r) / want - 1.0).abs() < 0.03);
        // Pareto mean = α x_m / (α - 1)
        let p = LatencyDist::Pareto {
            scale_ns: 1000.0,
            shape: 3.0,
        };
        assert!((mean(&p, &mut r) / 1500.0 - 1.0).abs() < 0.05);
        let mix = LatencyDist::Mixture(vec![
            (3.0, LatencyDist::Constant { ns: 0 }),
            (1.0, LatencyDist::Constant { ns: 4000 }),
        ]);
        assert!((mean(&mix, &mut r) - 1000.0).abs() < 60.0);
        let reg = LatencyDist::Regions(RegionMatrix::five_regions());
        assert_eq!(reg.sample(0, 2, &mut r), 34 * MS);
        assert_eq!(reg.sample(0, 5, &mut r), MS / 2);
    }

    #[test]
    fn parse_and_validate() {
        assert_eq!(
            LatencyDist::parse("const:5").unwrap(),
            LatencyDist::Constant { ns: 5 * MS }
        );
        assert!(LatencyDist::parse("uniform:5-1").is_err());
        assert!(LatencyDist::parse("pareto:1,0").is_err());
        assert!(LatencyDist::parse("gamma:3").is_err());
        let net = NetworkModel {
            loss: 1.5,
            ..NetworkModel::default()
        };
        let e = net.validate(10).unwrap_err().to_string();
        assert!(e.contains("loss") && e.contains("[0, 1]"), "{e}");
    }

    #[test]
    fn indices() {
        let p = PartitionIndex::new(
            &[Partition {
                start: 10,
                end: 20,
                side: vec![0, 1],
            }],
            4,
        );
        assert!(p.separated(0, 2, 10));
        assert!(!p.separated(0, 1, 15));
        assert!(!p.separated(0, 2, 20));
        let c = CrashIndex::new(
            &[Crash {
                node: 1,
                at: 5,
                recover_at: Some(9),
            }],
            3,
        );
        assert!(!c.down(1, 4) && c.down(1, 5) && !c.down(1, 9) && !c.down(0, 6));
        assert!(!c.down_forever(1));
    }

    #[test]
    fn bandwidth_delay() {
        let net = NetworkModel {
            bandwidth_bps: Some(8_000_000),
            ..NetworkModel::default()
        };
        assert_eq!(net.serialization_ns(1000), 1_000_000);
    }
}
