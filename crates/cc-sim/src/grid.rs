//! The benchmark grid: every registered protocol swept over a product of network
//! conditions, one summary row per point, in deterministic slices (shards) that merge
//! into exactly the rows of the unsharded run.
//!
//! ## Points
//!
//! A [`GridSpec`] names protocols, node counts, one-way link latencies, loss
//! probabilities, link bandwidths, jitters and crash fractions. Its points are the
//! Cartesian product in that order (protocol outermost, crash innermost); point `i` is the
//! `i`-th of that enumeration ([`GridSpec::points`]). Every point runs `trials` trials
//! with the grid's seed — the same random streams at every point (common random numbers),
//! so two protocols at one point, or one protocol at two points, differ by the model and
//! not by the draw.
//!
//! ## Time
//!
//! Event-engine protocols run with a constant one-way latency, the jitter (uniform extra
//! delay per message) and the bandwidth (each message waits `8·bytes/bandwidth`) as given.
//! Round-engine protocols (push, pull, rumor mongering, …) are synchronous: their time is
//! counted in rounds, and a round is taken to last one message's delivery at its worst,
//!
//! ```text
//! round_ms = latency_ms + jitter_ms + 8 · payload_bytes / bandwidth      (bandwidth in bit/ms)
//! ```
//!
//! which the row states in `time_model`. Loss and crashes apply in both engines.
//!
//! ## Shards
//!
//! Shard `k` of `n` holds the points `i` with `i mod n = k` (round-robin, so that the
//! expensive protocols spread over the shards). Each point's rows depend only on the spec
//! and the point, never on the shard or the thread count, so [`merge`] of the `n` shards'
//! rows is exactly [`run`] of the whole grid.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::montecarlo::Progress;
use crate::net::{LatencyDist, MS};
use crate::registry::{Engine, Family, Scenario, SimProtocol, find, simulate};
use crate::summary::SimSummary;

/// Largest number of points a grid may have.
pub const MAX_POINTS: usize = 1_000_000;

/// Payload size (bytes) of one round-engine message, for the round duration.
const ROUND_PAYLOAD_BYTES: f64 = 1024.0;

/// What to sweep. Every list must be non-empty once defaults are applied
/// ([`GridSpec::validate`]); a value list left empty in a file takes the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridSpec {
    /// Protocol names of the registry ([`crate::registry::names`]).
    pub protocols: Vec<String>,
    /// Node counts; empty: each protocol's default size.
    #[serde(default)]
    pub nodes: Vec<usize>,
    /// Node counts of particular protocols, overriding `nodes` for them (say
    /// `raft = [5, 64]` beside `nodes = [100, 1000]`, as Raft groups are small).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nodes_by_protocol: BTreeMap<String, Vec<usize>>,
    /// One-way link latency (ms); empty: 10 ms.
    #[serde(default)]
    pub latency_ms: Vec<f64>,
    /// Message loss probability; empty: 0.
    #[serde(default)]
    pub loss: Vec<f64>,
    /// Link bandwidth (Mbit/s); empty: unlimited.
    #[serde(default)]
    pub bandwidth_mbps: Vec<f64>,
    /// Extra uniform jitter per message (ms); empty: 0.
    #[serde(default)]
    pub jitter_ms: Vec<f64>,
    /// Fraction of nodes that crash-stop; empty: 0.
    #[serde(default)]
    pub crash: Vec<f64>,
    /// Trials per point.
    #[serde(default = "default_trials")]
    pub trials: u32,
    /// Seed of every point.
    #[serde(default)]
    pub seed: u64,
}

fn default_trials() -> u32 {
    20
}

/// One point of a grid: a protocol under one set of conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Index in the grid's enumeration.
    pub index: usize,
    /// Protocol name.
    pub protocol: String,
    /// Nodes.
    pub nodes: usize,
    /// One-way link latency (ms).
    pub latency_ms: f64,
    /// Loss probability.
    pub loss: f64,
    /// Bandwidth (Mbit/s); `None`: unlimited.
    pub bandwidth_mbps: Option<f64>,
    /// Jitter (ms).
    pub jitter_ms: f64,
    /// Crash fraction.
    pub crash: f64,
}

/// What one point measured, over its trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRow {
    /// The point.
    #[serde(flatten)]
    pub point: Point,
    /// `dissemination` or `coordination`.
    pub family: String,
    /// `event` or `rounds × round_ms` (see the module docs).
    pub time_model: String,
    /// Trials run.
    pub trials: u32,
    /// Median latency (ms): decision latency, or the time the last node is reached.
    pub latency_p50_ms: Option<f64>,
    /// 99th-percentile latency (ms), nearest rank.
    pub latency_p99_ms: Option<f64>,
    /// Largest latency (ms).
    pub latency_max_ms: Option<f64>,
    /// Mean messages per trial.
    pub messages_mean: f64,
    /// 95% t-interval of `messages_mean` (`None` with one trial).
    pub messages_ci95: Option<[f64; 2]>,
    /// 99th-percentile messages per trial.
    pub messages_p99: f64,
    /// Mean bytes per trial.
    pub bytes_mean: f64,
    /// 99th-percentile bytes per trial.
    pub bytes_p99: f64,
    /// Operations per trial: decisions of a coordination protocol, broadcasts of a
    /// dissemination protocol.
    pub ops_per_trial: f64,
    /// Delivered fraction of live nodes (dissemination) or decided fraction
    /// (coordination), pooled over the trials.
    pub delivered: f64,
    /// Wilson 95% interval of `delivered`.
    pub delivered_ci95: [f64; 2],
    /// Trials in which a safety checker found a violation (coordination only).
    pub violations: Option<u64>,
}

/// The `k`-th of `n` deterministic slices of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, `0..count`.
    pub index: usize,
    /// How many slices.
    pub count: usize,
}

impl Shard {
    /// The whole grid as one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// A shard, refused unless `index < count` and `count >= 1`.
    ///
    /// # Errors
    /// [`SimError::InvalidParameter`] naming `shard`.
    pub fn new(index: usize, count: usize) -> Result<Shard, SimError> {
        if count == 0 || index >= count {
            return Err(SimError::param(
                "shard",
                format!("must be K/N with 0 <= K < N, got {index}/{count}"),
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether point `i` belongs to this shard.
    pub fn holds(self, i: usize) -> bool {
        i % self.count == self.index
    }
}

fn or_default<T: Clone>(v: &[T], default: T) -> Vec<T> {
    if v.is_empty() {
        vec![default]
    } else {
        v.to_vec()
    }
}

fn check_values(name: &str, v: &[f64], lo: f64, hi: f64) -> Result<(), SimError> {
    match v.iter().find(|x| !(lo..=hi).contains(*x)) {
        Some(x) => Err(SimError::param(
            name,
            format!("every value must be in [{lo}, {hi}], got {x}"),
        )),
        None => Ok(()),
    }
}

impl GridSpec {
    /// Refuses a grid that cannot run, before anything runs: unknown protocols, node
    /// counts outside a protocol's range, values out of range, too many points.
    ///
    /// # Errors
    /// [`SimError`] naming the field and the offending value.
    pub fn validate(&self) -> Result<(), SimError> {
        if self.protocols.is_empty() {
            return Err(SimError::param("protocols", "name at least one protocol"));
        }
        for name in self.nodes_by_protocol.keys() {
            if !self.protocols.contains(name) {
                return Err(SimError::param(
                    "nodes_by_protocol",
                    format!("`{name}` is not one of the grid's protocols"),
                ));
            }
        }
        for name in &self.protocols {
            let p = find(name)?;
            for &n in self.nodes_of(name) {
                p.nodes().check(p.name(), n)?;
            }
        }
        check_values("latency_ms", &self.latency_ms, 0.0, 3_600_000.0)?;
        check_values("jitter_ms", &self.jitter_ms, 0.0, 3_600_000.0)?;
        check_values("loss", &self.loss, 0.0, 1.0)?;
        check_values("crash", &self.crash, 0.0, 1.0)?;
        check_values("bandwidth_mbps", &self.bandwidth_mbps, 1e-3, 1e9)?;
        if self.trials == 0 || self.trials > 100_000 {
            return Err(SimError::param(
                "trials",
                format!("must be in 1..=100000, got {}", self.trials),
            ));
        }
        let count = self.point_count();
        if count > MAX_POINTS {
            return Err(SimError::param(
                "grid",
                format!("{count} points is more than the limit of {MAX_POINTS}"),
            ));
        }
        Ok(())
    }

    /// The node counts asked of protocol `name` (empty: its default).
    fn nodes_of(&self, name: &str) -> &[usize] {
        self.nodes_by_protocol
            .get(name)
            .filter(|v| !v.is_empty())
            .unwrap_or(&self.nodes)
    }

    /// Number of points (saturating).
    pub fn point_count(&self) -> usize {
        let nodes = self.protocols.iter().fold(0usize, |a, p| {
            a.saturating_add(self.nodes_of(p).len().max(1))
        });
        [
            nodes,
            self.latency_ms.len().max(1),
            self.loss.len().max(1),
            self.bandwidth_mbps.len().max(1),
            self.jitter_ms.len().max(1),
            self.crash.len().max(1),
        ]
        .iter()
        .fold(1usize, |a, &b| a.saturating_mul(b))
    }

    /// Every point, in the grid's order (see the module docs). Call
    /// [`GridSpec::validate`] first.
    ///
    /// # Errors
    /// [`SimError::UnknownProtocol`] for a name the registry lacks.
    pub fn points(&self) -> Result<Vec<Point>, SimError> {
        let mut out = Vec::new();
        for name in &self.protocols {
            let p = find(name)?;
            let nodes = or_default(self.nodes_of(name), p.nodes().default);
            for &n in &nodes {
                for &lat in &or_default(&self.latency_ms, 10.0) {
                    for &loss in &or_default(&self.loss, 0.0) {
                        let bws: Vec<Option<f64>> = if self.bandwidth_mbps.is_empty() {
                            vec![None]
                        } else {
                            self.bandwidth_mbps.iter().copied().map(Some).collect()
                        };
                        for &bw in &bws {
                            for &jit in &or_default(&self.jitter_ms, 0.0) {
                                for &crash in &or_default(&self.crash, 0.0) {
                                    out.push(Point {
                                        index: out.len(),
                                        protocol: p.name().to_string(),
                                        nodes: n,
                                        latency_ms: lat,
                                        loss,
                                        bandwidth_mbps: bw,
                                        jitter_ms: jit,
                                        crash,
                                    });
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// How long one synchronous round lasts at `pt` (ms): see the module docs.
pub fn round_ms(pt: &Point) -> f64 {
    let transfer = pt
        .bandwidth_mbps
        .map_or(0.0, |mbps| 8.0 * ROUND_PAYLOAD_BYTES / (mbps * 1e3));
    pt.latency_ms + pt.jitter_ms + transfer
}

fn ms_to_ns(ms: f64) -> u64 {
    (ms * MS as f64).round() as u64
}

/// The scenario of one point.
fn scenario(p: &dyn SimProtocol, pt: &Point, spec: &GridSpec) -> Scenario {
    let mut sc = Scenario::new(pt.nodes);
    sc.trials = spec.trials;
    sc.seed = spec.seed;
    sc.loss = pt.loss;
    sc.crash = pt.crash;
    if p.engine() == Engine::Event {
        sc.latency = Some(LatencyDist::Constant {
            ns: ms_to_ns(pt.latency_ms),
        });
        sc.jitter_ns = ms_to_ns(pt.jitter_ms);
        sc.bandwidth_bps = pt.bandwidth_mbps.map(|m| (m * 1e6).round() as u64);
    }
    sc
}

fn row(p: &dyn SimProtocol, pt: &Point, spec: &GridSpec, s: &SimSummary) -> GridRow {
    let round = p.engine() == Engine::Round;
    let coord = p.family() == Family::Coordination;
    let scale = if round { round_ms(pt) } else { 1.0 };
    let (p50, p99, max) = match (&s.latency_ms, &s.t_last) {
        (Some(l), _) if coord => (Some(l.p50), Some(l.p99), Some(l.max)),
        (_, Some(t)) if !coord => (
            Some(t.median * scale),
            Some(t.p99 * scale),
            Some(t.max * scale),
        ),
        _ => (None, None, None),
    };
    let ops = match &s.messages_per_decision {
        Some(per) if per.mean > 0.0 => s.messages.mean / per.mean,
        _ => s
            .extra
            .get("measured_broadcasts")
            .map_or(1.0, |b| b.mean.max(1.0)),
    };
    GridRow {
        point: pt.clone(),
        family: if coord {
            "coordination"
        } else {
            "dissemination"
        }
        .to_string(),
        time_model: if round {
            format!("rounds × {} ms", crate::stats::fmt_num(scale))
        } else {
            "event".to_string()
        },
        trials: spec.trials,
        latency_p50_ms: p50,
        latency_p99_ms: p99,
        latency_max_ms: max,
        messages_mean: s.messages.mean,
        messages_ci95: s.messages.ci95,
        messages_p99: s.messages.p99,
        bytes_mean: s.bytes.mean,
        bytes_p99: s.bytes.p99,
        ops_per_trial: ops,
        delivered: s.delivery_pooled.value,
        delivered_ci95: s.delivery_pooled.wilson95,
        violations: s.violations.as_ref().map(|v| v.count),
    }
}

/// Runs one point.
///
/// # Errors
/// The [`SimError`] of the point's simulation, prefixed with the point.
pub fn run_point(spec: &GridSpec, pt: &Point) -> Result<GridRow, SimError> {
    let p = find(&pt.protocol)?;
    let sc = scenario(p, pt, spec);
    let summary = simulate(p, &sc, &crate::montecarlo::no_progress).map_err(|e| match e {
        SimError::InvalidParameter { name, message } => {
            SimError::param(&name, format!("{message} (at {})", describe(pt)))
        }
        other => other,
    })?;
    Ok(row(p, pt, spec, &summary))
}

/// `raft n=5 latency=10ms loss=0 bandwidth=unlimited jitter=0ms crash=0`.
pub fn describe(pt: &Point) -> String {
    format!(
        "{} n={} latency={}ms loss={} bandwidth={} jitter={}ms crash={}",
        pt.protocol,
        pt.nodes,
        pt.latency_ms,
        pt.loss,
        pt.bandwidth_mbps
            .map_or("unlimited".to_string(), |b| format!("{b}Mbps")),
        pt.jitter_ms,
        pt.crash
    )
}

/// Runs the points of `shard`, in order, reporting `(done, total)` after each.
///
/// # Errors
/// The first invalid spec value or failing point.
pub fn run(
    spec: &GridSpec,
    shard: Shard,
    progress: Progress<'_>,
) -> Result<Vec<GridRow>, SimError> {
    spec.validate()?;
    let points: Vec<Point> = spec
        .points()?
        .into_iter()
        .filter(|p| shard.holds(p.index))
        .collect();
    let total = points.len() as u64;
    let mut rows = Vec::with_capacity(points.len());
    for (i, pt) in points.iter().enumerate() {
        rows.push(run_point(spec, pt)?);
        progress(i as u64 + 1, total);
    }
    Ok(rows)
}

/// Combines the rows of the shards `0..n` of one grid into the rows of the unsharded
/// run: every point exactly once, in order.
///
/// # Errors
/// [`SimError::InvalidParameter`] naming `merge` when a point is missing or repeated.
pub fn merge(spec: &GridSpec, parts: Vec<Vec<GridRow>>) -> Result<Vec<GridRow>, SimError> {
    let count = spec.point_count();
    let mut rows: Vec<GridRow> = parts.into_iter().flatten().collect();
    rows.sort_by_key(|r| r.point.index);
    for (i, r) in rows.iter().enumerate() {
        if r.point.index != i {
            let what = if r.point.index < i {
                "appears twice"
            } else {
                "is missing"
            };
            let at = r.point.index.min(i);
            return Err(SimError::param(
                "merge",
                format!("point {at} {what}: the shards do not partition the grid"),
            ));
        }
    }
    if rows.len() != count {
        return Err(SimError::param(
            "merge",
            format!(
                "the shards hold {} of the grid's {count} points (from point {} on they are missing)",
                rows.len(),
                rows.len()
            ),
        ));
    }
    Ok(rows)
}

/// How much each objective weighs in [`scores`]; every objective is minimised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// 99th-percentile latency.
    pub p99: f64,
    /// Bytes per operation.
    pub bytes: f64,
    /// Dollars per operation (needs prices).
    pub usd: f64,
    /// Undelivered (or undecided) fraction.
    pub loss: f64,
}

impl Default for Weights {
    /// Latency and bytes count equally, dollars not at all; a candidate that leaves 1% of
    /// the nodes uninformed pays as much as one twice as slow (`loss` 100).
    fn default() -> Self {
        Weights {
            p99: 1.0,
            bytes: 1.0,
            usd: 0.0,
            loss: 100.0,
        }
    }
}

/// One protocol's figures at the conditions asked, as the advisor compares them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The row measured (from a grid file or simulated on demand).
    pub row: GridRow,
    /// Dollars per operation, when prices were given.
    pub usd_per_op: Option<f64>,
}

impl Candidate {
    /// The objectives, all to be minimised: p99 latency (ms), bytes per operation,
    /// dollars per operation, undelivered fraction.
    pub fn objectives(&self) -> [f64; 4] {
        let r = &self.row;
        [
            r.latency_p99_ms.unwrap_or(f64::INFINITY),
            r.bytes_mean / r.ops_per_trial.max(1.0),
            self.usd_per_op.unwrap_or(0.0),
            1.0 - r.delivered,
        ]
    }
}

/// For each candidate, the index of one candidate that dominates it (no worse in every
/// objective, better in one), or `None` when it is on the Pareto front.
pub fn dominated_by(cands: &[Candidate]) -> Vec<Option<usize>> {
    let objs: Vec<[f64; 4]> = cands.iter().map(Candidate::objectives).collect();
    objs.iter()
        .map(|a| {
            objs.iter().position(|b| {
                b.iter().zip(a).all(|(x, y)| x <= y) && b.iter().zip(a).any(|(x, y)| x < y)
            })
        })
        .collect()
}

/// Scores of the candidates (lower is better), each objective divided by the best value
/// any candidate reaches (so the weights compare relative costs):
///
/// ```text
/// score(c) = Σ_k  w_k · x_k(c) / max(min_c' x_k(c'), ε_k)
/// ```
///
/// with `ε` = 1 ms, 1 byte, $10⁻¹² and 10⁻³ (a 0.1% loss floor, so that a perfect
/// delivery does not make every other fraction infinitely worse).
pub fn scores(cands: &[Candidate], w: Weights) -> Vec<f64> {
    let objs: Vec<[f64; 4]> = cands.iter().map(Candidate::objectives).collect();
    let eps = [1.0, 1.0, 1e-12, 1e-3];
    let best: Vec<f64> = (0..4)
        .map(|k| {
            objs.iter()
                .map(|o| o[k])
                .fold(f64::INFINITY, f64::min)
                .max(eps[k])
        })
        .collect();
    let wk = [w.p99, w.bytes, w.usd, w.loss];
    objs.iter()
        .map(|o| (0..4).map(|k| wk[k] * o[k] / best[k]).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> GridSpec {
        GridSpec {
            protocols: vec!["push".into(), "flood".into(), "2pc".into()],
            nodes: vec![],
            nodes_by_protocol: BTreeMap::new(),
            latency_ms: vec![1.0, 50.0],
            loss: vec![0.0, 0.05],
            bandwidth_mbps: vec![],
            jitter_ms: vec![0.0, 10.0],
            crash: vec![],
            trials: 3,
            seed: 9,
        }
    }

    #[test]
    fn points_are_the_product_in_order() {
        let s = spec();
        let pts = s.points().unwrap();
        assert_eq!(pts.len(), 3 * 2 * 2 * 2);
        assert_eq!(pts.len(), s.point_count());
        assert!(pts.iter().enumerate().all(|(i, p)| p.index == i));
        assert_eq!(pts[0].protocol, "push");
        assert_eq!(pts[1].jitter_ms, 10.0);
        assert_eq!(pts[2].loss, 0.05);
        assert_eq!(pts[8].protocol, "flood");
        assert_eq!(pts[0].nodes, find("push").unwrap().nodes().default);
    }

    #[test]
    fn shards_partition_the_points_and_merge_back() {
        let s = GridSpec {
            protocols: vec!["push".into(), "2pc".into()],
            nodes: vec![],
            nodes_by_protocol: BTreeMap::new(),
            latency_ms: vec![5.0],
            loss: vec![0.0, 0.1],
            bandwidth_mbps: vec![10.0],
            jitter_ms: vec![],
            crash: vec![],
            trials: 2,
            seed: 3,
        };
        let whole = run(&s, Shard::ALL, &crate::montecarlo::no_progress).unwrap();
        for n in [1, 3, 7] {
            let parts: Vec<Vec<GridRow>> = (0..n)
                .map(|k| {
                    run(
                        &s,
                        Shard::new(k, n).unwrap(),
                        &crate::montecarlo::no_progress,
                    )
                    .unwrap()
                })
                .collect();
            assert_eq!(merge(&s, parts).unwrap(), whole, "n = {n}");
        }
        let mut parts: Vec<Vec<GridRow>> = (0..3)
            .map(|k| {
                run(
                    &s,
                    Shard::new(k, 3).unwrap(),
                    &crate::montecarlo::no_progress,
                )
                .unwrap()
            })
            .collect();
        parts.pop();
        assert!(merge(&s, parts).is_err());
    }

    #[test]
    fn rows_measure_what_they_say() {
        let s = GridSpec {
            protocols: vec!["tree".into(), "2pc".into(), "push".into()],
            nodes: vec![],
            nodes_by_protocol: BTreeMap::new(),
            latency_ms: vec![20.0],
            loss: vec![],
            bandwidth_mbps: vec![],
            jitter_ms: vec![],
            crash: vec![],
            trials: 4,
            seed: 1,
        };
        let rows = run(&s, Shard::ALL, &crate::montecarlo::no_progress).unwrap();
        // tree: n - 1 messages, every node reached.
        let tree = &rows[0];
        assert_eq!(tree.messages_mean, (tree.point.nodes - 1) as f64);
        assert_eq!(tree.delivered, 1.0);
        assert_eq!(tree.violations, None);
        // 2PC fault-free: decided, no violation, a latency that is a multiple of 20 ms.
        let tpc = &rows[1];
        assert_eq!(tpc.delivered, 1.0);
        assert_eq!(tpc.violations, Some(0));
        let p50 = tpc.latency_p50_ms.unwrap();
        assert!(p50 > 0.0 && (p50 / 20.0).fract().abs() < 1e-9, "{p50}");
        // push gossip in rounds of 20 ms (no bandwidth, no jitter).
        let push = &rows[2];
        assert_eq!(push.time_model, "rounds × 20 ms");
        assert_eq!(push.latency_p50_ms.unwrap() % 20.0, 0.0);
    }

    #[test]
    fn the_pareto_front_and_the_scores_rank_candidates() {
        let s = GridSpec {
            protocols: vec!["push".into(), "flood".into(), "tree".into()],
            nodes: vec![200],
            nodes_by_protocol: BTreeMap::new(),
            latency_ms: vec![20.0],
            loss: vec![0.01],
            bandwidth_mbps: vec![],
            jitter_ms: vec![],
            crash: vec![],
            trials: 10,
            seed: 5,
        };
        let cands: Vec<Candidate> = run(&s, Shard::ALL, &crate::montecarlo::no_progress)
            .unwrap()
            .into_iter()
            .map(|row| Candidate {
                row,
                usd_per_op: None,
            })
            .collect();
        let dom = dominated_by(&cands);
        // A dominated candidate is worse than its dominator in some objective, never better.
        for (i, d) in dom.iter().enumerate() {
            if let Some(j) = *d {
                let (a, b) = (cands[i].objectives(), cands[j].objectives());
                assert!(b.iter().zip(&a).all(|(x, y)| x <= y), "{i} by {j}");
            }
        }
        assert!(dom.iter().any(Option::is_none));
        // Only bytes count: the tree (n - 1 messages) wins; only latency: it does not.
        let bytes_only = scores(
            &cands,
            Weights {
                p99: 0.0,
                bytes: 1.0,
                usd: 0.0,
                loss: 0.0,
            },
        );
        let best = (0..3)
            .min_by(|&a, &b| bytes_only[a].total_cmp(&bytes_only[b]))
            .unwrap();
        assert_eq!(cands[best].row.point.protocol, "tree");
        assert!((bytes_only[best] - 1.0).abs() < 1e-12);
        // With the default weights the tree's lost deliveries under 1% loss cost it the win.
        let default = scores(&cands, Weights::default());
        let best = (0..3)
            .min_by(|&a, &b| default[a].total_cmp(&default[b]))
            .unwrap();
        assert_ne!(cands[best].row.point.protocol, "tree");
    }

    #[test]
    fn bad_grids_are_refused_before_running() {
        let mut s = spec();
        s.loss = vec![1.5];
        assert!(s.validate().unwrap_err().to_string().contains("loss"));
        let mut s = spec();
        s.protocols = vec!["raft".into()];
        s.nodes = vec![1000];
        assert!(s.validate().unwrap_err().to_string().contains("3..=64"));
        // Raft's own sizes beside everyone else's.
        let mut s = spec();
        s.protocols = vec!["push".into(), "raft".into()];
        s.nodes = vec![1000];
        s.nodes_by_protocol.insert("raft".into(), vec![5, 9]);
        s.validate().unwrap();
        let pts = s.points().unwrap();
        assert_eq!(pts.len(), s.point_count());
        assert_eq!(pts.len(), (1 + 2) * 2 * 2 * 2);
        assert!(
            pts.iter()
                .all(|p| (p.protocol == "raft") == (p.nodes != 1000))
        );
        s.nodes_by_protocol.insert("paxos".into(), vec![5]);
        assert!(s.validate().is_err());
        assert!(Shard::new(3, 3).is_err());
        assert!(Shard::new(0, 0).is_err());
    }
}
