//! Per-trial metrics and their summary over the trials of a scenario.

use crate::metrics::RunMetrics;
use crate::net::MS;
use crate::registry::{Engine, Family, Scenario, SimProtocol};
use crate::stats::{Fraction, Stat, fmt_num};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// What one trial measured, typed. Times are in the engine's unit
/// (rounds, or milliseconds in event mode) unless the name says `_ns`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrialMetrics {
    /// Rounds to termination (round mode).
    pub rounds: Option<f64>,
    /// Messages sent (all kinds).
    pub messages: f64,
    /// Messages that carried the payload.
    pub payload: f64,
    /// Bytes sent.
    pub bytes: f64,
    /// Fraction delivered (dissemination) or decided (coordination).
    pub ratio: f64,
    /// Delivered or decided count, for the pooled fraction.
    pub delivered: u64,
    /// Eligible count, for the pooled fraction.
    pub eligible: u64,
    /// Mean delivery or decision time.
    pub t_ave: Option<f64>,
    /// Last delivery or decision time.
    pub t_last: Option<f64>,
    /// The engine's event-trace hash.
    pub hash: u64,
    /// Mean one-way link latency of the trial's network (ms).
    pub link_ms: Option<f64>,
    /// Protocol-specific measurements, reported under these names.
    pub extra: BTreeMap<String, f64>,
    /// Decision latency (ns).
    pub decision_latency_ns: Option<f64>,
    /// Safety-checker findings.
    pub violations: Vec<String>,
    /// Messages per decision.
    pub decision_messages: Option<f64>,
    /// Every decision's latency (ns), for percentiles.
    pub latencies_ns: Vec<f64>,
}

impl TrialMetrics {
    /// A run that reaches (at most) one decision, at `decided_at` nanoseconds: the
    /// decided fraction is 1 if it decided, the decision's messages are all the run's.
    pub fn single_decision(
        messages: u64,
        bytes: u64,
        decided_at: Option<u64>,
        hash: u64,
        violations: Vec<String>,
    ) -> TrialMetrics {
        let ms = |t: u64| t as f64 / MS as f64;
        TrialMetrics {
            messages: messages as f64,
            bytes: bytes as f64,
            ratio: if decided_at.is_some() { 1.0 } else { 0.0 },
            delivered: u64::from(decided_at.is_some()),
            eligible: 1,
            t_ave: decided_at.map(ms),
            t_last: decided_at.map(ms),
            hash,
            decision_latency_ns: decided_at.map(|t| t as f64),
            decision_messages: Some(messages as f64),
            latencies_ns: decided_at.map(|t| vec![t as f64]).unwrap_or_default(),
            violations,
            ..TrialMetrics::default()
        }
    }

    /// The metrics of a dissemination run: delivery to the live nodes, times
    /// in rounds (`round`) or milliseconds, the protocol's extra measurements.
    pub fn from_run(m: RunMetrics, round: bool) -> TrialMetrics {
        let (delivered, eligible) = m.delivered_counts();
        let dt = m.delivery_times();
        let conv = |x: f64| if round { x } else { x / MS as f64 };
        TrialMetrics {
            rounds: round.then_some(f64::from(m.rounds)),
            messages: m.messages as f64,
            payload: m.payload_messages as f64,
            bytes: m.bytes as f64,
            ratio: m.delivery_ratio(),
            delivered,
            eligible,
            t_ave: dt.map(|d| conv(d.mean)),
            t_last: dt.map(|d| conv(d.max)),
            hash: m.trace_hash,
            extra: m.extra,
            ..TrialMetrics::default()
        }
    }

    /// Add a protocol-specific measurement.
    pub fn with(mut self, name: &str, value: f64) -> TrialMetrics {
        self.extra.insert(name.to_string(), value);
        self
    }

    /// Record the mean one-way latency of the trial's links (ns).
    pub fn link_latency_ns(mut self, ns: u64) -> TrialMetrics {
        self.link_ms = Some(ns as f64 / MS as f64);
        self
    }
}

/// Result of [`crate::registry::simulate`]: every metric summarised over the trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimSummary {
    /// Protocol name.
    pub protocol: String,
    /// Number of nodes.
    pub nodes: usize,
    /// Trials run.
    pub trials: u32,
    /// Scenario seed.
    pub seed: u64,
    /// All effective parameters (after defaults), as text.
    pub parameters: BTreeMap<String, String>,
    /// `rounds` or `ms`: unit of `rounds`, `t_last`, `t_ave`.
    pub time_unit: &'static str,
    /// Rounds to termination (round mode only).
    pub rounds: Option<Stat>,
    /// Messages per trial (all kinds).
    pub messages: Stat,
    /// Messages per node per trial.
    pub messages_per_node: Stat,
    /// Payload messages per trial.
    pub payload_messages: Stat,
    /// Fraction of live nodes never informed.
    pub residue: Stat,
    /// Delivery time of the last informed node.
    pub t_last: Option<Stat>,
    /// Mean delivery time (origin excluded).
    pub t_ave: Option<Stat>,
    /// Fraction of live nodes informed.
    pub delivery_ratio: Stat,
    /// Delivered / live nodes pooled over all trials, with a Wilson interval.
    pub delivery_pooled: Fraction,
    /// Bytes per trial.
    pub bytes: Stat,
    /// Protocol-specific measurements (e.g. `rmr`, `last_delivery_hop`).
    pub extra: BTreeMap<String, Stat>,
    /// Hash of all per-trial trace hashes, in trial order.
    pub trace_hash: String,
    /// Coordination protocols: messages per decision.
    pub messages_per_decision: Option<Stat>,
    /// Coordination protocols: decision latency in units of the mean one-way
    /// latency (equals the message-delay count with constant latency).
    pub message_delays: Option<Stat>,
    /// Coordination protocols: decision latency percentiles over trials (ms).
    pub latency_ms: Option<Percentiles>,
    /// Coordination protocols: safety-checker results.
    pub violations: Option<Violations>,
}

/// Nearest-rank percentiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// Safety-checker summary over the trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violations {
    /// Trials with at least one violation.
    pub count: u64,
    /// First violating trial index (reproduce with `trial_rng(seed, index)`).
    pub first_seed: Option<u64>,
    /// The first violation's description.
    pub first: Option<String>,
}

/// Summary of a non-negative metric (counts, bytes, times): the interval is kept `>= 0`.
fn stat(xs: impl Iterator<Item = f64>) -> Stat {
    let v: Vec<f64> = xs.collect();
    Stat::of(&v)
        .map(|s| s.clamped(0.0, f64::INFINITY))
        .unwrap_or(Stat {
            mean: f64::NAN,
            ci95: None,
            median: f64::NAN,
            p99: f64::NAN,
            min: f64::NAN,
            max: f64::NAN,
            count: 0,
        })
}

/// Summary of an optional non-negative metric (times, rounds).
fn opt_stat(xs: impl Iterator<Item = Option<f64>>) -> Option<Stat> {
    let v: Vec<f64> = xs.flatten().collect();
    Stat::of(&v).map(|s| s.clamped(0.0, f64::INFINITY))
}

/// Summary of a fraction: the interval is kept within `[0, 1]`.
fn fraction_stat(xs: impl Iterator<Item = f64>) -> Stat {
    stat(xs).clamped(0.0, 1.0)
}

/// Summarise the trials of `sc` run by `p`.
pub(crate) fn summarise(
    p: &dyn SimProtocol,
    sc: &Scenario,
    parameters: BTreeMap<String, String>,
    trials: &[TrialMetrics],
) -> SimSummary {
    let n = sc.nodes as f64;
    let mut hash = crate::metrics::TraceHash::default();
    for t in trials {
        hash.add(t.hash);
    }
    let mut names: Vec<&str> = trials
        .iter()
        .flat_map(|t| t.extra.keys().map(String::as_str))
        .collect();
    if trials.iter().any(|t| t.link_ms.is_some()) {
        names.push(LINK_MS);
    }
    names.sort_unstable();
    names.dedup();
    let extra = names
        .into_iter()
        .filter_map(|k| {
            let v: Vec<f64> = trials
                .iter()
                .filter_map(|t| {
                    if k == LINK_MS {
                        t.link_ms
                    } else {
                        t.extra.get(k).copied()
                    }
                })
                .filter(|x| !x.is_nan())
                .collect();
            // every extra metric is a count, a 0/1 flag, a fraction or a time: all
            // non-negative, and flags and fractions at most 1
            let hi = if FRACTIONS.contains(&k) {
                1.0
            } else {
                f64::INFINITY
            };
            Stat::of(&v).map(|s| (k.to_string(), s.clamped(0.0, hi)))
        })
        .collect();
    let round = p.engine() == Engine::Round;
    let coord = p.family() == Family::Coordination;
    let link_ms: f64 = trials.iter().filter_map(|t| t.link_ms).sum::<f64>() / trials.len() as f64;
    let mut lat: Vec<f64> = trials
        .iter()
        .flat_map(|t| t.latencies_ns.iter().map(|x| x / MS as f64))
        .collect();
    lat.sort_by(f64::total_cmp);
    let first_bad = trials.iter().position(|t| !t.violations.is_empty());
    SimSummary {
        protocol: p.name().to_string(),
        nodes: sc.nodes,
        trials: sc.trials,
        seed: sc.seed,
        parameters,
        time_unit: if round { "rounds" } else { "ms" },
        rounds: opt_stat(trials.iter().map(|t| t.rounds)),
        messages: stat(trials.iter().map(|t| t.messages)),
        messages_per_node: stat(trials.iter().map(|t| t.messages / n)),
        payload_messages: stat(trials.iter().map(|t| t.payload)),
        residue: fraction_stat(trials.iter().map(|t| 1.0 - t.ratio)),
        t_last: opt_stat(trials.iter().map(|t| t.t_last)),
        t_ave: opt_stat(trials.iter().map(|t| t.t_ave)),
        delivery_ratio: fraction_stat(trials.iter().map(|t| t.ratio)),
        delivery_pooled: Fraction::new(
            trials.iter().map(|t| t.delivered).sum(),
            trials.iter().map(|t| t.eligible).sum(),
        ),
        bytes: stat(trials.iter().map(|t| t.bytes)),
        extra,
        trace_hash: format!("{:016x}", hash.value()),
        messages_per_decision: if coord {
            opt_stat(trials.iter().map(|t| t.decision_messages))
        } else {
            None
        },
        message_delays: if coord {
            opt_stat(
                trials
                    .iter()
                    .map(|t| t.decision_latency_ns.map(|x| x / MS as f64 / link_ms)),
            )
        } else {
            None
        },
        latency_ms: (coord && !lat.is_empty()).then(|| Percentiles {
            p50: crate::stats::percentile_sorted(&lat, 0.5).unwrap_or(f64::NAN),
            p99: crate::stats::percentile_sorted(&lat, 0.99).unwrap_or(f64::NAN),
            max: lat.last().copied().unwrap_or(f64::NAN),
        }),
        violations: coord.then(|| Violations {
            count: trials.iter().filter(|t| !t.violations.is_empty()).count() as u64,
            first_seed: first_bad.map(|i| i as u64),
            first: first_bad.map(|i| trials[i].violations[0].clone()),
        }),
    }
}

/// The name under which [`TrialMetrics::link_ms`] is reported in `extra`.
const LINK_MS: &str = "mean_link_latency_ms";

impl fmt::Display for SimSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "cclab sim {} — {} nodes, {} trials, seed {}",
            self.protocol, self.nodes, self.trials, self.seed
        )?;
        let params: Vec<String> = self
            .parameters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        writeln!(f, "parameters: {}", params.join(" "))?;
        writeln!(
            f,
            "{:<22} {:>12} {:>27} {:>12} {:>12} {:>12} {:>12}",
            "metric", "mean", "95% CI", "median", "p99", "min", "max"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, s: &Stat| -> fmt::Result {
            let ci = s.ci95.map_or("—".to_string(), |[a, b]| {
                format!("[{}, {}]", fmt_num(a), fmt_num(b))
            });
            writeln!(
                f,
                "{:<22} {:>12} {:>27} {:>12} {:>12} {:>12} {:>12}",
                name,
                fmt_num(s.mean),
                ci,
                fmt_num(s.median),
                fmt_num(s.p99),
                fmt_num(s.min),
                fmt_num(s.max)
            )
        };
        if let Some(r) = &self.rounds {
            row(f, "rounds", r)?;
        }
        row(f, "messages", &self.messages)?;
        row(f, "messages_per_node", &self.messages_per_node)?;
        row(f, "payload_messages", &self.payload_messages)?;
        row(f, "bytes", &self.bytes)?;
        if let Some(t) = &self.t_ave {
            row(f, &format!("t_ave ({})", self.time_unit), t)?;
        }
        if let Some(t) = &self.t_last {
            row(f, &format!("t_last ({})", self.time_unit), t)?;
        }
        row(f, "delivery_ratio", &self.delivery_ratio)?;
        row(f, "residue", &self.residue)?;
        for (k, s) in &self.extra {
            row(f, k, s)?;
        }
        if let Some(m) = &self.messages_per_decision {
            row(f, "messages_per_decision", m)?;
        }
        if let Some(d) = &self.message_delays {
            row(f, "message_delays", d)?;
        }
        if let Some(l) = &self.latency_ms {
            writeln!(
                f,
                "decision latency: p50 {} ms, p99 {} ms",
                fmt_num(l.p50),
                fmt_num(l.p99)
            )?;
        }
        if let Some(v) = &self.violations {
            match (&v.first_seed, &v.first) {
                (Some(s), Some(what)) => {
                    writeln!(f, "violations: {} (first at trial {s}: {what})", v.count)?
                }
                _ => writeln!(f, "violations: 0")?,
            }
        }
        let p = &self.delivery_pooled;
        writeln!(
            f,
            "pooled delivery {}/{} = {} (Wilson 95% [{}, {}]); trace {}",
            p.successes,
            p.total,
            fmt_num(p.value),
            fmt_num(p.wilson95[0]),
            fmt_num(p.wilson95[1]),
            self.trace_hash
        )?;
        writeln!(f, "legend ({}):", COLUMNS_LEGEND)?;
        for name in self.row_names() {
            writeln!(f, "  {name}: {}", legend(&name).unwrap_or("(no legend)"))?;
        }
        writeln!(
            f,
            "  trace: a hash of every trial's event sequence, equal for equal runs"
        )
    }
}

/// Extra metrics that are fractions or 0/1 flags: their intervals are kept within [0, 1].
const FRACTIONS: &[&str] = &["reliability", "stale", "read_completed"];

/// What the columns of the metric table are.
pub const COLUMNS_LEGEND: &str = "columns over the trials: mean, its 95% t-interval, median, \
     nearest-rank 99th percentile, minimum, maximum";

/// What each metric row of `cclab sim` means: the legend printed under the table.
pub const LEGEND: &[(&str, &str)] = &[
    ("rounds", "synchronous rounds until the protocol stopped"),
    (
        "messages",
        "messages sent in a trial, every kind (requests, replies, acks, heartbeats)",
    ),
    ("messages_per_node", "messages / nodes"),
    (
        "payload_messages",
        "messages that carried the rumour or update itself (digests, requests and acks excluded)",
    ),
    ("bytes", "bytes sent in a trial (headers and payloads)"),
    (
        "t_ave",
        "mean time at which a node was reached or a decision taken (origin excluded)",
    ),
    (
        "t_last",
        "time at which the last node was reached or the last decision taken",
    ),
    (
        "delivery_ratio",
        "fraction of live nodes reached (dissemination) or of operations decided (coordination)",
    ),
    (
        "residue",
        "1 - delivery_ratio: live nodes never reached, or operations never decided",
    ),
    (
        "messages_per_decision",
        "messages of a trial divided by its decisions",
    ),
    (
        "message_delays",
        "decision latency in units of the mean one-way link latency",
    ),
    (
        "mean_link_latency_ms",
        "mean one-way latency of the trial's links (ms)",
    ),
    ("acknowledged", "records the producer saw acknowledged"),
    (
        "applied_everywhere",
        "transactions applied at every replica of every participant group",
    ),
    ("bytes_per_update", "bytes sent to watchers per key update"),
    (
        "election_messages",
        "vote requests and votes sent in leader elections",
    ),
    ("events_per_update", "watch events sent per key update"),
    (
        "exposed_commit_wait_ms",
        "commit wait not hidden behind replication: added to commit latency (ms)",
    ),
    (
        "lease_fallbacks",
        "reads a lease could not serve (lease expired), served by ReadIndex instead",
    ),
    (
        "progress_messages",
        "progress notifications sent to watchers",
    ),
    ("reads_served", "linearizable reads answered"),
    (
        "reads_unavailable",
        "reads not answered (no leader could confirm its leadership in time)",
    ),
    (
        "records_per_produce",
        "records per produce request (the batch actually sent)",
    ),
    (
        "redundant_per_update",
        "watch events per key update that went to a watcher not watching that key",
    ),
    (
        "replication_bytes_per_record",
        "bytes of produce, fetch and acknowledgement traffic per record",
    ),
    ("terms", "Raft terms begun (elections started)"),
    (
        "blocked",
        "participants left blocked (prepared, outcome unknown) at the end",
    ),
    ("chosen_slots", "log slots chosen"),
    (
        "committed",
        "1 if the transaction committed, 0 if it aborted or never decided",
    ),
    ("consumed", "records a consumer read"),
    ("crashed", "nodes that crashed during the run"),
    ("detected", "crashed nodes the failure detector reported"),
    (
        "false_suspicions",
        "live nodes the failure detector wrongly reported as failed",
    ),
    ("elections", "leader elections held"),
    (
        "first_election_ms",
        "time until the first leader was elected (ms)",
    ),
    (
        "formula_messages",
        "the closed-form message count the run is checked against",
    ),
    (
        "last_delivery_hop",
        "hops from the origin to the last node reached",
    ),
    (
        "last_delivery_ns",
        "time at which the last node was reached, averaged over broadcasts (ns)",
    ),
    (
        "leaderships",
        "distinct leaderships (ballots that became leader)",
    ),
    (
        "k",
        "the rumour-mongering parameter k the trial ran with (counter limit, or 1/k coin)",
    ),
    (
        "lost_acks1",
        "records acknowledged with acks=1 and later lost",
    ),
    (
        "measured_broadcasts",
        "broadcasts measured after the overlay's warm-up",
    ),
    ("messages_per_period", "messages in one health-check period"),
    ("offline_ms", "time the partition had no leader (ms)"),
    (
        "protocol_messages",
        "election messages, retransmissions excluded",
    ),
    ("read_completed", "1 if the read gathered its quorum"),
    ("read_ms", "read latency (ms)"),
    (
        "refused",
        "produce requests refused (fewer in-sync replicas than min.insync)",
    ),
    (
        "reliability",
        "fraction of the nodes reached, averaged over broadcasts",
    ),
    ("retransmissions", "messages sent again after a timeout"),
    (
        "rmr",
        "relative message redundancy: payload messages / (nodes reached - 1) - 1",
    ),
    (
        "stale",
        "1 if the read returned a value older than the last write",
    ),
    ("terminations", "runs of the termination protocol"),
    ("write_ms", "write latency (ms)"),
];

/// The legend of metric `name` (a unit suffix such as ` (ms)` is ignored).
pub fn legend(name: &str) -> Option<&'static str> {
    let bare = name.split(" (").next().unwrap_or(name);
    LEGEND.iter().find(|(k, _)| *k == bare).map(|(_, v)| *v)
}

impl SimSummary {
    /// The metric rows the table shows, in its order.
    pub fn row_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.rounds.is_some() {
            names.push("rounds".to_string());
        }
        for n in ["messages", "messages_per_node", "payload_messages", "bytes"] {
            names.push(n.to_string());
        }
        if self.t_ave.is_some() {
            names.push("t_ave".to_string());
        }
        if self.t_last.is_some() {
            names.push("t_last".to_string());
        }
        names.push("delivery_ratio".to_string());
        names.push("residue".to_string());
        names.extend(self.extra.keys().cloned());
        if self.messages_per_decision.is_some() {
            names.push("messages_per_decision".to_string());
        }
        if self.message_delays.is_some() {
            names.push("message_delays".to_string());
        }
        names
    }
}

#[cfg(test)]
mod legend_tests {
    use crate::registry::{REGISTRY, Scenario, simulate};

    /// Issue 21 item 7: every row `cclab sim` prints, for every registered protocol, has a
    /// legend line (a new metric without one fails here).
    #[test]
    fn issue21_item7_every_metric_row_of_every_protocol_has_a_legend() {
        for p in REGISTRY {
            let r = p.nodes();
            let mut sc = Scenario::new(r.default.clamp(r.min, r.max.min(200)));
            sc.trials = 2;
            let mut runs = vec![sc.clone()];
            if p.default_faults().is_some() {
                sc.faults = crate::Faults::Default;
                runs.push(sc);
            }
            for sc in runs {
                let s = simulate(*p, &sc, &crate::montecarlo::no_progress)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
                let missing: Vec<String> = s
                    .row_names()
                    .into_iter()
                    .filter(|n| super::legend(n).is_none())
                    .collect();
                assert!(
                    missing.is_empty(),
                    "{}: no legend for {missing:?}",
                    p.name()
                );
                let text = s.to_string();
                assert!(text.contains("legend (columns over the trials"), "{text}");
            }
        }
    }
}
