//! The library entry point behind `cclab sim <protocol> …`.
//!
//! [`SimRequest`] mirrors the command line; [`run`] validates it, runs the
//! Monte Carlo trials and returns a [`SimSummary`] (`Serialize` for
//! `--json`, `Display` for the table).
//!
//! | protocol | engine | what one trial does |
//! |---|---|---|
//! | `push`, `pull`, `push-pull` | round | random phone call spreading of one rumor until everyone live knows it |
//! | `rumor` | round | Demers rumor mongering (`options`: `feedback`/`blind`, `counter`/`coin`, `push`/`pull`; `k`) until no site is infective |
//! | `anti-entropy` | round | digest exchange with a random partner each cycle (`options`: `push`/`pull`/`push-pull`) |
//! | `flood` | event | flooding over `overlay` (default `regular:6`) |
//! | `tree` | event | `fanout`-ary tree broadcast (default 2) |
//! | `plumtree`, `eager-push` | event | `broadcasts` broadcasts (default 10) over `overlay` (default `hyparview:5`); crash applied after the first |
//! | `2pc` | event | one transaction, `nodes − 1` participants and a separate TM (`options`: `colocated` → `nodes` participants); `faults`: `none` or `default` |
//! | `3pc` | event | one three-phase-commit transaction, the same placement convention as `2pc` (`options`: `separate` (default, 5N − 1 messages, 6 delays) or `colocated` (5N − 5, 5 delays)); participant timeouts and the termination protocol; `faults`: `default` is 3PC's stated model (crash-stop, no loss, no partitions, delays ≤ 20 ms), explicit specs may include partitions, under which 3PC can violate atomicity (reported in `violations`); with faults each broadcast sends one message per 2 ms; `extra.blocked`, `extra.terminations` |
//! | `raft` | event | 3..=64 servers commit 200 commands (`batch` entries per AppendEntries); `faults`: `none`, `default` or a spec; with `latency` and no faults the timeouts follow etcd's rule ([`RaftConfig::tuned_for_rtt`]: heartbeat ≈ slowest RTT, election timeout ≥ 10 RTT; `options`: `lan-timeouts` keeps 50 ms / 150–300 ms) |
//! | `multi-paxos` | event | 3..=64 replicas choose 200 commands under a stable leader (phase 1 once, phase 2 per slot; `batch` commands per slot, `window` outstanding slots, default 64); `messages_per_decision` = (accept + accepted) / chosen command = 2(N − 1)/b fault-free; `faults`: `default` = Raft's mix |
//! | `isr` | event | Kafka-style ISR replication: `nodes` brokers (2..=64) plus a controller, a producer and a consumer; 200 records, one in flight; `acks` `0`, `1` or `all` (default), `min_insync` (1..=N, default min(2, N)); `messages_per_decision` = (produce + produce-ack + fetch + fetch-response − (N − 1) opening fetches) / acknowledged record = 2N (acks 1, all) or 2N − 1 (acks 0) fault-free; `message_delays` 4 / 2 / 1; `extra.refused` (NotEnoughReplicas), `extra.lost_acks1`; `faults`: `default` = the ISR sweep's mix, explicit specs apply to the brokers |
//! | `lcr`, `hs` | event | ring leader election (`options`: `ascending`, `descending`, `random` UIDs); `faults`: `default` = the generic mix ([`FaultSpec::default`]) or an explicit spec, under which election messages travel over reliable links (acks, retransmission with backoff, duplicate suppression; `messages` counts every frame, `extra.protocol_messages` the election messages, `extra.retransmissions`); a run whose faults heal must elect the maximum UID |
//! | `crdt-counter` | event | PN-counter (`options`: `pn` (default) or `g`) on 2..=256 replicas, ops for 1 s, gossip every 50 ms, 6 s run; `t_ave`/`t_last` = convergence time after the last operation (ms); `delivery_ratio` = fraction of trials that converged to the exact sum; `faults`: `none` or `default` |
//! | `pbft` | event | one request, `nodes` = 3f + 1 replicas, `byzantine` (≤ f) faulty backups (`options`: `silent` or `equivocating`); `faults`: `default` = the PBFT sweep's mix ([`crate::coord::pbft::pbft_fault_schedule`]), explicit specs apply to the backups (the primary and the client do not crash: no view change is modelled); no retransmission, so faults cost liveness, not safety |
//! | `paxos` | event | single-decree Paxos, `nodes` acceptors, `proposers` (1..=16) duelling proposers co-located with acceptors `0..p` (`options`: `colocated` (default, 4(N−1) messages) or `separate` (4N)); `faults` |
//! | `quorum` | event | one write (W acks of N) then one read (first R of N replies) `read_after_ms` later; `delivery_ratio` = fresh reads, `extra.stale`; `t_ave` = write latency, `t_last` = read latency; `messages_per_decision` = 2N per operation; `faults`: `default` = the quorum sweep's mix ([`crate::coord::quorum::quorum_fault_schedule`]), explicit specs apply to the replicas (the coordinator does not crash); a stale read under R + W > N is a violation |
//! | `commit-wait` | event | 200 transactions on `nodes` servers with clock offsets within ±`epsilon_ms`, TrueTime commit wait; `message_delays` = mean latency / link latency (RTT + 2ε); `faults`: `default` = the commit-wait sweep's mix (offsets within ε, loss, reordering), explicit specs apply to the servers and their clock skew may exceed ε (reported in `violations`) |
//! | `health-check` | event | heartbeats for 20 periods of 100 ms (`options`: `hierarchical` (default, group = `fanout` or ⌈√n⌉) or `full-mesh`); crash applied at 2.5 periods |
//!
//! `crash` is the fraction of nodes (never the origin/root) that crash-stop;
//! in round mode and for `flood`/`tree` they are down from the start.
//!
//! Every `--faults default` mix includes clock skew (drift ±1 %, offsets
//! ±10 ms): timers run on each node's own clock ([`crate::coord::faults`]).
//!
//! Times: rounds for round-mode protocols, milliseconds for event-mode ones
//! (`time_unit`). For `health-check`, `t_ave`/`t_last` are the mean/max
//! detection latency of the crashed nodes and `delivery_ratio` is the fraction
//! of crashed nodes detected.

use crate::SimError;
use crate::coord::commitwait::{CommitWaitConfig, commit_wait_fault_schedule, run_commit_wait};
use crate::coord::crdt::{CrdtConfig, crdt_fault_schedule, run_crdt};
use crate::coord::faults::FaultSpec;
use crate::coord::faults::Faults;
use crate::coord::isr::{Acks, IsrConfig, isr_fault_schedule, run_isr};
use crate::coord::multipaxos::{MultiPaxosConfig, run_multipaxos};
use crate::coord::paxos::{PaxosConfig, run_paxos};
use crate::coord::pbft::{Byzantine, PbftConfig, pbft_fault_schedule, run_pbft};
use crate::coord::quorum::{QuorumConfig, quorum_fault_schedule, run_quorum};
use crate::coord::raft::{RaftConfig, raft_fault_schedule, run_raft};
use crate::coord::ring::{
    Arrangement, RingAlgorithm, RingConfig, RingLinks, ring_horizon, run_ring_with,
};
use crate::coord::threepc::{ThreePcConfig, run_3pc, threepc_fault_schedule};
use crate::coord::twopc::{TwoPcConfig, fault_schedule, run_2pc};
use crate::des::{EventConfig, run_events};
use crate::error::check_prob;
use crate::metrics::RunMetrics;
use crate::montecarlo::{Progress, run_trials};
use crate::net::{LatencyDist, MS, NetworkModel, NodeId};
use crate::protocols::flood::{Flood, TreeBroadcast};
use crate::protocols::health::{HealthCheck, HealthMode};
use crate::protocols::plumtree::Plumtree;
use crate::rng::ChaCha8Rng;
use crate::round::{AeMode, RoundConfig, RoundProtocol, RumorConfig, Spread, run_rounds};
use crate::stats::{Fraction, Stat, fmt_num};
use crate::topology::Topology;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Protocol names accepted by [`run`].
pub const PROTOCOLS: &[&str] = &[
    "push",
    "pull",
    "push-pull",
    "flood",
    "tree",
    "plumtree",
    "eager-push",
    "rumor",
    "anti-entropy",
    "health-check",
    "2pc",
    "raft",
    "lcr",
    "hs",
    "crdt-counter",
    "pbft",
    "paxos",
    "quorum",
    "commit-wait",
    "3pc",
    "multi-paxos",
    "isr",
];

/// Largest accepted `trials`.
pub const MAX_TRIALS: u32 = 1_000_000;
/// Largest accepted `nodes` for round-mode protocols.
pub const MAX_ROUND_NODES: usize = 100_000_000;
/// Largest accepted `nodes` for event-mode dissemination protocols.
pub const MAX_EVENT_NODES: usize = 2_000_000;
/// Largest accepted `nodes` for full-mesh health checking (n² messages per period).
pub const MAX_FULL_MESH_NODES: usize = 2_000;

/// A simulation request, mirroring
/// `cclab sim <protocol> --nodes N [--trials T] [--seed S] [--fanout F] [--k K] [--loss P] [--crash FRACTION] [--overlay …] [--json]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimRequest {
    /// One of [`PROTOCOLS`].
    pub protocol: String,
    /// Number of nodes (`>= 2`).
    pub nodes: usize,
    /// Monte Carlo trials (`1..=1_000_000`).
    pub trials: u32,
    /// Scenario seed.
    pub seed: u64,
    /// Calls per round (gossip), tree arity (`tree`), group size (`health-check`); `1..=n-1`.
    pub fanout: Option<usize>,
    /// Rumor-mongering parameter `k` (`1..=255`, default 1).
    pub k: Option<u32>,
    /// Message loss probability in `[0, 1]`.
    pub loss: f64,
    /// Fraction of nodes that crash, in `[0, 1]`.
    pub crash: f64,
    /// Overlay for `flood`, `plumtree`, `eager-push` (see [`Topology::parse`]).
    pub overlay: Option<String>,
    /// Protocol options, e.g. `["blind", "coin"]` for `rumor`.
    pub options: Vec<String>,
    /// Latency spelling for event mode (see [`LatencyDist::parse`]); default `const:10`.
    pub latency: Option<String>,
    /// Message duplication probability in `[0, 1]` (event mode).
    pub duplication: f64,
    /// Broadcasts per trial for `plumtree` / `eager-push` (`2..=1000`, default 10).
    pub broadcasts: Option<u32>,
    /// Fault mix for coordination protocols: `none` (default), `default`
    /// (each protocol's documented seeded schedule, e.g.
    /// [`crate::coord::twopc::fault_schedule`]; clock skew included) or an
    /// explicit `key=value,…` list ([`crate::coord::faults::FaultSpec::parse`]).
    pub faults: Option<String>,
    /// Entries per replication message for `raft`, commands per slot for
    /// `multi-paxos` (`1..=1024`, default 1).
    pub batch: Option<u32>,
    /// Byzantine replicas for `pbft` (`0..=f`, default 0).
    pub byzantine: Option<usize>,
    /// Concurrent proposers for `paxos` (`1..=16`, default 1).
    pub proposers: Option<usize>,
    /// `quorum`: read quorum R (`1..=N`, default majority).
    pub read_quorum: Option<usize>,
    /// `quorum`: write quorum W (`1..=N`, default majority).
    pub write_quorum: Option<usize>,
    /// `quorum`: delay between write commit and read, ms (`>= 0`, default 0).
    pub read_after_ms: f64,
    /// `commit-wait`: clock uncertainty ε in ms (`0..=10000`, default 7); clock
    /// offsets are uniform within ±ε.
    pub epsilon_ms: Option<f64>,
    /// `isr`: producer acks, `"0"`, `"1"` or `"all"` (default `"all"`).
    /// Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acks: Option<String>,
    /// `isr`: `min.insync.replicas`, `1..=N` (default `min(2, N)`).
    /// Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_insync: Option<usize>,
    /// `multi-paxos`: pipelining window, outstanding slots `1..=4096`
    /// (default 64). Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<u32>,
}

impl Default for SimRequest {
    fn default() -> Self {
        SimRequest {
            protocol: "push".into(),
            nodes: 1000,
            trials: 20,
            seed: 1,
            fanout: None,
            k: None,
            loss: 0.0,
            crash: 0.0,
            overlay: None,
            options: Vec::new(),
            latency: None,
            duplication: 0.0,
            broadcasts: None,
            faults: None,
            batch: None,
            byzantine: None,
            proposers: None,
            read_quorum: None,
            write_quorum: None,
            read_after_ms: 0.0,
            epsilon_ms: None,
            acks: None,
            min_insync: None,
            window: None,
        }
    }
}

/// Result of [`run`]: every metric summarised over the trials.
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

struct Trial {
    rounds: Option<f64>,
    messages: f64,
    payload: f64,
    bytes: f64,
    ratio: f64,
    delivered: u64,
    eligible: u64,
    t_ave: Option<f64>,
    t_last: Option<f64>,
    hash: u64,
    extra: BTreeMap<String, f64>,
    decision_latency_ns: Option<f64>,
    violations: Vec<String>,
    decision_messages: Option<f64>,
    latencies_ns: Vec<f64>,
}

impl Trial {
    /// A run that reaches (at most) one decision, at `decided_at` nanoseconds: the
    /// delivery ratio is 1 if it decided, the decision's messages are all the run's.
    fn single_decision(
        messages: u64,
        payload: f64,
        bytes: u64,
        decided_at: Option<u64>,
        hash: u64,
        extra: BTreeMap<String, f64>,
        violations: Vec<String>,
    ) -> Trial {
        Trial {
            rounds: None,
            messages: messages as f64,
            payload,
            bytes: bytes as f64,
            ratio: if decided_at.is_some() { 1.0 } else { 0.0 },
            delivered: u64::from(decided_at.is_some()),
            eligible: 1,
            t_ave: decided_at.map(|t| t as f64 / MS as f64),
            t_last: decided_at.map(|t| t as f64 / MS as f64),
            hash,
            extra,
            decision_latency_ns: decided_at.map(|t| t as f64),
            decision_messages: Some(messages as f64),
            latencies_ns: decided_at.map(|t| vec![t as f64]).unwrap_or_default(),
            violations,
        }
    }
}

#[derive(Debug, Clone)]
enum Plan {
    Round(RoundProtocol, u32),
    Flood(Topology),
    Tree(u32),
    Plumtree {
        eager: bool,
        overlay: Topology,
        broadcasts: u32,
    },
    Health(HealthMode),
    TwoPc(TwoPcConfig, Faults),
    Raft(RaftConfig, Faults),
    Ring(RingAlgorithm, Arrangement, Faults),
    Crdt(CrdtConfig, Faults),
    Pbft(PbftConfig, Faults),
    Paxos(PaxosConfig, Faults),
    Quorum(QuorumConfig, Faults),
    CommitWait(CommitWaitConfig, Faults),
    ThreePc(ThreePcConfig, Faults),
    MultiPaxos(MultiPaxosConfig, Faults),
    Isr(IsrConfig, Faults),
}

fn parse_options(req: &SimRequest, allowed: &[&str]) -> Result<Vec<String>, SimError> {
    let mut out = Vec::new();
    for o in &req.options {
        for part in o.split([',', ' ']).filter(|p| !p.is_empty()) {
            if !allowed.contains(&part) {
                return Err(SimError::param(
                    "options",
                    format!(
                        "`{part}` is not an option of `{}`; valid: {}",
                        req.protocol,
                        if allowed.is_empty() {
                            "none".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ),
                ));
            }
            out.push(part.to_string());
        }
    }
    Ok(out)
}

/// Record the `faults` parameter as given (`none` when absent).
fn record_faults(req: &SimRequest, params: &mut BTreeMap<String, String>) {
    params.insert(
        "faults".into(),
        req.faults.clone().unwrap_or_else(|| "none".into()),
    );
}

fn plan(req: &SimRequest) -> Result<(Plan, BTreeMap<String, String>), SimError> {
    let n = req.nodes;
    if !PROTOCOLS.contains(&req.protocol.as_str()) {
        return Err(SimError::UnknownProtocol {
            given: req.protocol.clone(),
            valid: PROTOCOLS.join(", "),
        });
    }
    if n < 2 {
        return Err(SimError::param("nodes", format!("must be >= 2, got {n}")));
    }
    // Protocol-specific fields are refused where they do not apply.
    let proto = req.protocol.as_str();
    let only = |name: &str, given: bool, valid: &[&str]| -> Result<(), SimError> {
        if given && !valid.contains(&proto) {
            return Err(SimError::param(
                name,
                format!(
                    "does not apply to `{proto}`; it applies to: {}",
                    valid.join(", ")
                ),
            ));
        }
        Ok(())
    };
    only(
        "faults",
        req.faults.is_some(),
        &[
            "2pc",
            "raft",
            "paxos",
            "crdt-counter",
            "3pc",
            "multi-paxos",
            "isr",
            "commit-wait",
            "pbft",
            "quorum",
            "lcr",
            "hs",
        ],
    )?;
    only("batch", req.batch.is_some(), &["raft", "multi-paxos"])?;
    only("window", req.window.is_some(), &["multi-paxos"])?;
    only("acks", req.acks.is_some(), &["isr"])?;
    only("min_insync", req.min_insync.is_some(), &["isr"])?;
    only("byzantine", req.byzantine.is_some(), &["pbft"])?;
    only("proposers", req.proposers.is_some(), &["paxos"])?;
    only("read_quorum", req.read_quorum.is_some(), &["quorum"])?;
    only("write_quorum", req.write_quorum.is_some(), &["quorum"])?;
    only("read_after_ms", req.read_after_ms != 0.0, &["quorum"])?;
    only("epsilon_ms", req.epsilon_ms.is_some(), &["commit-wait"])?;
    only(
        "broadcasts",
        req.broadcasts.is_some(),
        &["plumtree", "eager-push"],
    )?;
    only("k", req.k.is_some(), &["rumor"])?;
    if req.trials == 0 || req.trials > MAX_TRIALS {
        return Err(SimError::param(
            "trials",
            format!("must be in 1..={MAX_TRIALS}, got {}", req.trials),
        ));
    }
    check_prob("loss", req.loss)?;
    check_prob("crash", req.crash)?;
    check_prob("duplication", req.duplication)?;
    if let Some(f) = req.fanout
        && (f == 0 || f >= n)
    {
        return Err(SimError::param(
            "fanout",
            format!("must be in 1..={} (n - 1), got {f}", n - 1),
        ));
    }
    if let Some(k) = req.k
        && (k == 0 || k > 255)
    {
        return Err(SimError::param("k", format!("must be in 1..=255, got {k}")));
    }
    let mut params = BTreeMap::new();
    params.insert("loss".to_string(), req.loss.to_string());
    params.insert("crash".to_string(), req.crash.to_string());
    let is_round = matches!(
        req.protocol.as_str(),
        "push" | "pull" | "push-pull" | "rumor" | "anti-entropy"
    );
    if is_round {
        if n > MAX_ROUND_NODES {
            return Err(SimError::param(
                "nodes",
                format!("must be <= {MAX_ROUND_NODES} in round mode, got {n}"),
            ));
        }
        if let Some(o) = &req.overlay
            && o != "complete"
        {
            return Err(SimError::param(
                "overlay",
                format!(
                    "`{}` runs on the complete graph (random phone call); valid: complete, got `{o}`",
                    req.protocol
                ),
            ));
        }
        if req.latency.is_some() || req.duplication > 0.0 {
            return Err(SimError::param(
                "latency",
                format!(
                    "`{}` runs in round mode; latency and duplication do not apply",
                    req.protocol
                ),
            ));
        }
    } else if n > MAX_EVENT_NODES {
        return Err(SimError::param(
            "nodes",
            format!("must be <= {MAX_EVENT_NODES} in event mode, got {n}"),
        ));
    }
    let fanout = req.fanout.unwrap_or(1) as u32;
    let p = match req.protocol.as_str() {
        "push" | "pull" | "push-pull" => {
            parse_options(req, &[])?;
            params.insert("fanout".into(), fanout.to_string());
            let s = match req.protocol.as_str() {
                "push" => Spread::Push,
                "pull" => Spread::Pull,
                _ => Spread::PushPull,
            };
            Plan::Round(RoundProtocol::Gossip(s), fanout)
        }
        "rumor" => {
            let opts = parse_options(
                req,
                &["feedback", "blind", "counter", "coin", "push", "pull"],
            )?;
            let has = |o: &str| opts.iter().any(|x| x == o);
            for (a, b) in [("feedback", "blind"), ("counter", "coin"), ("push", "pull")] {
                if has(a) && has(b) {
                    return Err(SimError::param(
                        "options",
                        format!("choose one of `{a}` and `{b}`"),
                    ));
                }
            }
            if req.fanout.is_some_and(|f| f != 1) {
                return Err(SimError::param(
                    "fanout",
                    "rumor mongering calls one partner per cycle; valid: 1",
                ));
            }
            let rc = RumorConfig {
                feedback: !has("blind"),
                counter: !has("coin"),
                pull: has("pull"),
                k: req.k.unwrap_or(1),
            };
            params.insert(
                "options".into(),
                format!(
                    "{},{},{}",
                    if rc.feedback { "feedback" } else { "blind" },
                    if rc.counter { "counter" } else { "coin" },
                    if rc.pull { "pull" } else { "push" }
                ),
            );
            params.insert("k".into(), rc.k.to_string());
            Plan::Round(RoundProtocol::Rumor(rc), 1)
        }
        "anti-entropy" => {
            let opts = parse_options(req, &["push", "pull", "push-pull"])?;
            let mode = match opts.last().map(String::as_str) {
                Some("push") => AeMode::Push,
                Some("pull") => AeMode::Pull,
                _ => AeMode::PushPull,
            };
            if req.fanout.is_some_and(|f| f != 1) {
                return Err(SimError::param(
                    "fanout",
                    "anti-entropy exchanges with one partner per cycle; valid: 1",
                ));
            }
            params.insert("options".into(), format!("{mode:?}").to_lowercase());
            Plan::Round(RoundProtocol::AntiEntropy(mode), 1)
        }
        "flood" => {
            parse_options(req, &[])?;
            let o = req.overlay.clone().unwrap_or_else(|| "regular:6".into());
            params.insert("overlay".into(), o.clone());
            Plan::Flood(Topology::parse(&o)?)
        }
        "tree" => {
            parse_options(req, &[])?;
            let k = req.fanout.unwrap_or(2) as u32;
            params.insert("fanout".into(), k.to_string());
            Plan::Tree(k)
        }
        "plumtree" | "eager-push" => {
            parse_options(req, &[])?;
            let o = req.overlay.clone().unwrap_or_else(|| "hyparview:5".into());
            let b = req.broadcasts.unwrap_or(10);
            if !(2..=1000).contains(&b) {
                return Err(SimError::param(
                    "broadcasts",
                    format!("must be in 2..=1000, got {b}"),
                ));
            }
            params.insert("overlay".into(), o.clone());
            params.insert("broadcasts".into(), b.to_string());
            Plan::Plumtree {
                eager: req.protocol == "eager-push",
                overlay: Topology::parse(&o)?,
                broadcasts: b,
            }
        }
        "raft" => {
            let opts = parse_options(req, &["lan-timeouts"])?;
            if !(3..=64).contains(&n) {
                return Err(SimError::param(
                    "nodes",
                    format!("raft supports 3..=64 servers, got {n}"),
                ));
            }
            let batch = req.batch.unwrap_or(1);
            if !(1..=1024).contains(&batch) {
                return Err(SimError::param(
                    "batch",
                    format!("must be in 1..=1024, got {batch}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert("batch".into(), batch.to_string());
            record_faults(req, &mut params);
            params.insert("commands".into(), "200".into());
            let mut cfg = RaftConfig {
                batch,
                commands: 200,
                ..RaftConfig::new(n)
            };
            // On a slow network (`--latency`, no fault mix) the timeouts follow
            // etcd's rule: heartbeat ~ RTT, election timeout >= 10 RTT
            // (`options`: `lan-timeouts` keeps the LAN defaults).
            let lan = opts.iter().any(|o| o == "lan-timeouts");
            if let (Some(l), Faults::None, false) = (&req.latency, faults, lan) {
                cfg = cfg.tuned_for_rtt(max_rtt(&LatencyDist::parse(l)?, n));
            }
            if lan {
                params.insert("options".into(), "lan-timeouts".into());
            }
            params.insert(
                "election_timeout_ms".into(),
                format!(
                    "{}-{}",
                    cfg.election_min / MS,
                    (cfg.election_min + cfg.election_spread) / MS
                ),
            );
            params.insert("heartbeat_ms".into(), (cfg.heartbeat / MS).to_string());
            Plan::Raft(cfg, faults)
        }
        "lcr" | "hs" => {
            let opts = parse_options(req, &["ascending", "descending", "random"])?;
            if n < 3 {
                return Err(SimError::param(
                    "nodes",
                    format!("ring election needs n >= 3, got {n}"),
                ));
            }
            let arr = match opts.last().map(String::as_str) {
                Some("ascending") => Arrangement::Ascending,
                Some("descending") => Arrangement::Descending,
                _ => Arrangement::Random,
            };
            params.insert("options".into(), format!("{arr:?}").to_lowercase());
            let algo = if req.protocol == "lcr" {
                RingAlgorithm::Lcr
            } else {
                RingAlgorithm::Hs
            };
            let faults = Faults::parse(req.faults.as_deref())?;
            record_faults(req, &mut params);
            Plan::Ring(algo, arr, faults)
        }
        "crdt-counter" => {
            let opts = parse_options(req, &["pn", "g"])?;
            if !(2..=256).contains(&n) {
                return Err(SimError::param(
                    "nodes",
                    format!("crdt-counter supports 2..=256 replicas, got {n}"),
                ));
            }
            let pn = !opts.iter().any(|o| o == "g");
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert("options".into(), if pn { "pn" } else { "g" }.into());
            record_faults(req, &mut params);
            Plan::Crdt(CrdtConfig::new(n, pn), faults)
        }
        "commit-wait" => {
            parse_options(req, &[])?;
            if n > 1024 {
                return Err(SimError::param(
                    "nodes",
                    format!("commit-wait supports 2..=1024 servers, got {n}"),
                ));
            }
            let eps = req.epsilon_ms.unwrap_or(7.0);
            if !(eps.is_finite() && (0.0..=10_000.0).contains(&eps)) {
                return Err(SimError::param(
                    "epsilon_ms",
                    format!("must be in [0, 10000] ms, got {eps}"),
                ));
            }
            params.insert("epsilon_ms".into(), eps.to_string());
            params.insert("transactions".into(), "200".into());
            let e = (eps * MS as f64) as u64;
            let faults = Faults::parse(req.faults.as_deref())?;
            record_faults(req, &mut params);
            Plan::CommitWait(
                CommitWaitConfig {
                    servers: n,
                    epsilon: e,
                    skew: e,
                    transactions: 200,
                    interarrival: 5 * MS,
                    commit_wait: true,
                },
                faults,
            )
        }
        "quorum" => {
            parse_options(req, &[])?;
            if n > 64 {
                return Err(SimError::param(
                    "nodes",
                    format!("quorum supports N in 2..=64 replicas, got {n}"),
                ));
            }
            let maj = n / 2 + 1;
            let (r, w) = (
                req.read_quorum.unwrap_or(maj),
                req.write_quorum.unwrap_or(maj),
            );
            for (name, q) in [("read_quorum", r), ("write_quorum", w)] {
                if !(1..=n).contains(&q) {
                    return Err(SimError::param(
                        name,
                        format!("must be in 1..={n} (N), got {q}"),
                    ));
                }
            }
            if !(req.read_after_ms.is_finite() && (0.0..=3.6e6).contains(&req.read_after_ms)) {
                return Err(SimError::param(
                    "read_after_ms",
                    format!("must be in [0, 3600000] ms, got {}", req.read_after_ms),
                ));
            }
            params.insert("read_quorum".into(), r.to_string());
            params.insert("write_quorum".into(), w.to_string());
            params.insert("read_after_ms".into(), req.read_after_ms.to_string());
            let faults = Faults::parse(req.faults.as_deref())?;
            record_faults(req, &mut params);
            Plan::Quorum(
                QuorumConfig {
                    n,
                    r,
                    w,
                    read_after: (req.read_after_ms * MS as f64) as u64,
                    count_duplicates: false,
                },
                faults,
            )
        }
        "paxos" => {
            let opts = parse_options(req, &["colocated", "separate"])?;
            let colocated = !opts.iter().any(|o| o == "separate");
            if !(1..=255).contains(&n) {
                return Err(SimError::param(
                    "nodes",
                    format!("paxos supports 1..=255 acceptors, got {n}"),
                ));
            }
            let p = req.proposers.unwrap_or(1);
            if !(1..=16).contains(&p) {
                return Err(SimError::param(
                    "proposers",
                    format!("must be in 1..=16, got {p}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            if colocated && p > n {
                return Err(SimError::param(
                    "proposers",
                    format!("co-located proposers must be in 1..={n} (acceptors), got {p}"),
                ));
            }
            params.insert("proposers".into(), p.to_string());
            params.insert(
                "options".into(),
                if colocated { "colocated" } else { "separate" }.into(),
            );
            record_faults(req, &mut params);
            Plan::Paxos(
                PaxosConfig {
                    colocated,
                    ..PaxosConfig::new(n, p)
                },
                faults,
            )
        }
        "pbft" => {
            let opts = parse_options(req, &["silent", "equivocating"])?;
            if n < 4 || !(n - 1).is_multiple_of(3) || n > 91 {
                return Err(SimError::param(
                    "nodes",
                    format!("pbft needs n = 3f + 1 in 4..=91 (4, 7, 10, …), got {n}"),
                ));
            }
            let f = (n - 1) / 3;
            let byzantine = req.byzantine.unwrap_or(0);
            if byzantine > f {
                return Err(SimError::param(
                    "byzantine",
                    format!("must be in 0..={f} (f for n = {n}), got {byzantine}"),
                ));
            }
            let behaviour = if opts.iter().any(|o| o == "equivocating") {
                Byzantine::Equivocating
            } else {
                Byzantine::Silent
            };
            params.insert("byzantine".into(), byzantine.to_string());
            params.insert("options".into(), format!("{behaviour:?}").to_lowercase());
            let faults = Faults::parse(req.faults.as_deref())?;
            record_faults(req, &mut params);
            Plan::Pbft(
                PbftConfig {
                    f,
                    byzantine,
                    behaviour,
                    client_accepts_f_replies: false,
                },
                faults,
            )
        }
        "3pc" => {
            let opts = parse_options(req, &["colocated", "separate"])?;
            let colocated = opts.iter().any(|o| o == "colocated");
            let participants = if colocated { n } else { n - 1 };
            if participants > 10_000 {
                return Err(SimError::param(
                    "nodes",
                    format!("3pc supports 2..=10001 nodes, got {n}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert(
                "options".into(),
                if colocated { "colocated" } else { "separate" }.into(),
            );
            record_faults(req, &mut params);
            let gap = if faults == Faults::None { 0 } else { 2 * MS };
            params.insert("send_gap_ms".into(), (gap / MS).to_string());
            Plan::ThreePc(
                ThreePcConfig {
                    colocated,
                    send_gap: gap,
                    ..ThreePcConfig::new(participants as u32)
                },
                faults,
            )
        }
        "multi-paxos" => {
            parse_options(req, &[])?;
            if !(3..=64).contains(&n) {
                return Err(SimError::param(
                    "nodes",
                    format!("multi-paxos supports 3..=64 replicas, got {n}"),
                ));
            }
            let batch = req.batch.unwrap_or(1);
            if !(1..=1024).contains(&batch) {
                return Err(SimError::param(
                    "batch",
                    format!("must be in 1..=1024, got {batch}"),
                ));
            }
            let window = req.window.unwrap_or(64);
            if !(1..=4096).contains(&window) {
                return Err(SimError::param(
                    "window",
                    format!("must be in 1..=4096, got {window}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert("batch".into(), batch.to_string());
            params.insert("window".into(), window.to_string());
            params.insert("commands".into(), "200".into());
            record_faults(req, &mut params);
            Plan::MultiPaxos(
                MultiPaxosConfig {
                    batch,
                    window,
                    commands: 200,
                    ..MultiPaxosConfig::new(n)
                },
                faults,
            )
        }
        "isr" => {
            parse_options(req, &[])?;
            if !(2..=64).contains(&n) {
                return Err(SimError::param(
                    "nodes",
                    format!("isr supports 2..=64 brokers, got {n}"),
                ));
            }
            let acks = Acks::parse(req.acks.as_deref().unwrap_or("all"))?;
            let min_insync = req.min_insync.unwrap_or(n.min(2));
            if !(1..=n).contains(&min_insync) {
                return Err(SimError::param(
                    "min_insync",
                    format!("must be in 1..={n} (the replication factor N), got {min_insync}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert("acks".into(), acks.name().into());
            params.insert("min_insync".into(), min_insync.to_string());
            params.insert("records".into(), "200".into());
            record_faults(req, &mut params);
            Plan::Isr(
                IsrConfig {
                    acks,
                    min_insync,
                    records: 200,
                    ..IsrConfig::new(n)
                },
                faults,
            )
        }
        "2pc" => {
            let opts = parse_options(req, &["colocated", "separate"])?;
            let colocated = opts.iter().any(|o| o == "colocated");
            let participants = if colocated { n } else { n - 1 };
            if participants > 10_000 {
                return Err(SimError::param(
                    "nodes",
                    format!("2pc supports 2..=10001 nodes, got {n}"),
                ));
            }
            let faults = Faults::parse(req.faults.as_deref())?;
            params.insert(
                "options".into(),
                if colocated { "colocated" } else { "separate" }.into(),
            );
            record_faults(req, &mut params);
            Plan::TwoPc(
                TwoPcConfig {
                    colocated,
                    ..TwoPcConfig::new(participants as u32)
                },
                faults,
            )
        }
        _ => {
            // health-check
            let opts = parse_options(req, &["hierarchical", "full-mesh"])?;
            let mode = if opts.iter().any(|o| o == "full-mesh") {
                if n > MAX_FULL_MESH_NODES {
                    return Err(SimError::param(
                        "nodes",
                        format!(
                            "full-mesh health checking sends n(n-1) messages per period; valid: 2..={MAX_FULL_MESH_NODES}, got {n}"
                        ),
                    ));
                }
                params.insert("options".into(), "full-mesh".into());
                HealthMode::FullMesh
            } else {
                let g = req
                    .fanout
                    .unwrap_or_else(|| (n as f64).sqrt().ceil() as usize)
                    .max(2);
                params.insert("options".into(), "hierarchical".into());
                params.insert("fanout".into(), g.to_string());
                HealthMode::Hierarchical { group: g as u32 }
            };
            Plan::Health(mode)
        }
    };
    if !is_round {
        let lat = req.latency.clone().unwrap_or_else(|| "const:10".into());
        LatencyDist::parse(&lat)?;
        params.insert("latency".into(), lat);
        params.insert("duplication".into(), req.duplication.to_string());
    }
    Ok((p, params))
}

/// A seed for a nested run, drawn from the trial's stream.
fn rng_seed(rng: &mut ChaCha8Rng) -> u64 {
    rand::RngCore::next_u64(rng)
}

/// The slowest round trip between two of nodes `0..n`: exact for a region
/// matrix, twice the mean one-way latency otherwise.
fn max_rtt(d: &LatencyDist, n: usize) -> u64 {
    match d {
        LatencyDist::Regions(m) => {
            let r = m.names.len().min(n);
            let worst = (0..r)
                .flat_map(|a| (0..r).map(move |b| (a, b)))
                .filter(|(a, b)| a != b || n > m.names.len())
                .map(|(a, b)| m.rtt_ms[a][b])
                .fold(0.0, f64::max);
            (worst * MS as f64) as u64
        }
        _ => 2 * latency_hint(d),
    }
}

fn latency_hint(d: &LatencyDist) -> u64 {
    let mut r = crate::rng::trial_rng(0, u64::MAX);
    let s: u64 = (0..64).map(|i| d.sample(i, i + 1, &mut r) / 64).sum();
    s.max(MS / 10)
}

fn one_trial(req: &SimRequest, plan: &Plan, mut rng: ChaCha8Rng) -> Result<Trial, SimError> {
    let n = req.nodes;
    let mut net = NetworkModel {
        loss: req.loss,
        duplication: req.duplication,
        ..NetworkModel::default()
    };
    if let Some(l) = &req.latency {
        net.latency = LatencyDist::parse(l)?;
    }
    let ms = |t: f64| t / MS as f64;
    let trial_from = |m: RunMetrics, round: bool| -> Trial {
        let (delivered, eligible) = m.delivered_counts();
        let dt = m.delivery_times();
        let conv = |x: f64| if round { x } else { ms(x) };
        Trial {
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
            decision_latency_ns: None,
            violations: Vec::new(),
            decision_messages: None,
            latencies_ns: Vec::new(),
        }
    };
    match plan {
        Plan::Round(p, fanout) => {
            let mut cfg = RoundConfig::new(n);
            cfg.fanout = *fanout;
            net.crash_fraction(n, req.crash, 0, cfg.origin, &mut rng)?;
            let m = run_rounds(&cfg, p, &net, &mut rng)?;
            Ok(trial_from(m, true))
        }
        Plan::Flood(t) => {
            let g = t.build(n, &mut rng)?;
            net.crash_fraction(n, req.crash, 0, 0, &mut rng)?;
            let mut p = Flood::new(&g, 0, 1024);
            let (m, _) = run_events(&mut p, n, &net, &EventConfig::default(), rng)?;
            Ok(trial_from(m, false))
        }
        Plan::Tree(k) => {
            net.crash_fraction(n, req.crash, 0, 0, &mut rng)?;
            let mut p = TreeBroadcast::new(*k, 1024);
            let (m, _) = run_events(&mut p, n, &net, &EventConfig::default(), rng)?;
            Ok(trial_from(m, false))
        }
        Plan::Plumtree {
            eager,
            overlay,
            broadcasts,
        } => {
            let g = overlay.build(n, &mut rng)?;
            let hint = latency_hint(&net.latency);
            let interval = 1000 * MS + 100 * hint;
            let crashed = net.crash_fraction(n, req.crash, interval + interval / 2, 0, &mut rng)?;
            let mut is_crashed = vec![false; n];
            for &c in &crashed {
                is_crashed[c as usize] = true;
            }
            let live: Vec<NodeId> = (0..n as NodeId)
                .filter(|&v| !is_crashed[v as usize])
                .collect();
            let sources: Vec<NodeId> = (0..*broadcasts)
                .map(|_| live[crate::rng::below(&mut rng, live.len() as u32) as usize])
                .collect();
            let mut p = Plumtree::new(&g, *eager, *broadcasts, interval, sources, hint);
            let cfg = EventConfig {
                origin: None,
                ..EventConfig::default()
            };
            let (m, _) = run_events(&mut p, n, &net, &cfg, rng)?;
            let mut t = trial_from(m, false);
            // Delivery statistics refer to the last broadcast; its time origin is its start.
            let start = f64::from(*broadcasts - 1) * interval as f64;
            t.t_ave = t.t_ave.map(|x| x - ms(start));
            t.t_last = t.extra.get("last_delivery_ns").map(|&x| ms(x));
            Ok(t)
        }
        Plan::TwoPc(cfg, faults) => {
            let (net, votes) = if *faults == Faults::Default {
                fault_schedule(cfg, &mut rng)
            } else if let Faults::Spec(spec) = faults {
                (
                    spec.schedule(cfg.nodes(), &mut rng),
                    vec![true; cfg.participants as usize],
                )
            } else {
                // RM 1 (the initiator) never crashes here; crashes happen mid-protocol at 15 ms.
                let rm1 = u32::from(!cfg.colocated);
                net.crash_fraction(cfg.nodes(), req.crash, 15 * MS, rm1, &mut rng)?;
                (net, vec![true; cfg.participants as usize])
            };
            let fault_free = *faults == Faults::None
                && req.loss == 0.0
                && req.crash == 0.0
                && req.duplication == 0.0;
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_2pc(cfg, votes, &net, fault_free, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("blocked".to_string(), r.blocked as f64);
            extra.insert(
                "committed".to_string(),
                f64::from(u8::from(r.committed == Some(true))),
            );
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: 0.0,
                bytes: r.bytes as f64,
                ratio: if r.latency_ns.is_some() { 1.0 } else { 0.0 },
                delivered: u64::from(r.latency_ns.is_some()),
                eligible: 1,
                t_ave: r.latency_ns.map(|t| ms(t as f64)),
                t_last: r.latency_ns.map(|t| ms(t as f64)),
                hash: r.trace_hash,
                extra,
                decision_latency_ns: r.latency_ns.map(|t| t as f64),
                decision_messages: Some(r.messages as f64),
                latencies_ns: r.latency_ns.map(|t| vec![t as f64]).unwrap_or_default(),
                violations: r.violations,
            })
        }
        Plan::Raft(cfg, faults) => {
            let horizon = if *faults == Faults::None {
                60_000 * MS
            } else {
                4000 * MS
            };
            if *faults == Faults::Default {
                net = raft_fault_schedule(cfg.n, &mut rng);
            } else if let Faults::Spec(spec) = faults {
                net = spec.schedule(cfg.n, &mut rng);
            } else {
                net.crash_fraction(cfg.n, req.crash, 500 * MS, 0, &mut rng)?;
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_raft(cfg, &net, horizon, rng)?;
            let data = r.by_kind.get("append").copied().unwrap_or(0)
                + r.by_kind.get("append-reply").copied().unwrap_or(0);
            let mut extra = BTreeMap::new();
            extra.insert("committed".to_string(), r.committed as f64);
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            if let Some(t) = r.first_leader_ns {
                extra.insert("first_election_ms".to_string(), ms(t as f64));
            }
            let done = r.committed as f64 / cfg.commands as f64;
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: r.by_kind.get("append").copied().unwrap_or(0) as f64,
                bytes: r.bytes as f64,
                ratio: done.min(1.0),
                delivered: r.committed,
                eligible: cfg.commands,
                t_ave: r.commit_latency_ns.map(ms),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                extra,
                decision_latency_ns: r.commit_latency_ns,
                decision_messages: (r.committed > 0).then(|| data as f64 / r.committed as f64),
                latencies_ns: r.latencies_ns.iter().map(|&t| t as f64).collect(),
                violations: r.violations,
            })
        }
        Plan::Ring(algo, arr, faults) => {
            let spec = match faults {
                Faults::None => None,
                Faults::Default => Some(FaultSpec::default()),
                Faults::Spec(s) => Some(*s),
            };
            let mut cfg = RingConfig::new(*algo, n, *arr);
            if let Some(spec) = spec {
                // faults: election messages travel over reliable links (acks, retransmission)
                net = spec.schedule(n, &mut rng);
                cfg.links = RingLinks::Reliable;
                cfg.horizon = ring_horizon(&spec);
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_ring_with(&cfg, &net, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            extra.insert("protocol_messages".to_string(), r.protocol_messages as f64);
            extra.insert("retransmissions".to_string(), r.retransmissions as f64);
            Ok(Trial::single_decision(
                r.messages,
                0.0,
                r.bytes,
                r.elected_at,
                r.trace_hash,
                extra,
                r.violations,
            ))
        }
        Plan::Crdt(cfg, faults) => {
            if *faults == Faults::Default {
                net = crdt_fault_schedule(cfg.n, &mut rng);
            } else if let Faults::Spec(spec) = faults {
                // Convergence is judged after healing: crashes recover and
                // partitions end within the spec's window, capped at 3 s.
                net = spec.schedule(cfg.n, &mut rng);
                let cap = 3000 * MS;
                for c in &mut net.crashes {
                    c.at = c.at.min(cap - 1);
                    c.recover_at = Some(c.recover_at.unwrap_or(cap).min(cap).max(c.at + 1));
                }
                for p in &mut net.partitions {
                    p.start = p.start.min(cap - 1);
                    p.end = p.end.min(cap).max(p.start);
                }
            } else if req.crash > 0.0 {
                // crash-recover: crashed replicas come back after 1 s
                net.crash_fraction(cfg.n, req.crash, 500 * MS, 0, &mut rng)?;
                for c in &mut net.crashes {
                    c.recover_at = Some(c.at + 1000 * MS);
                }
            }
            let r = run_crdt(cfg, &net, rng)?;
            let conv = r
                .converged_at
                .map(|t| ms(t.saturating_sub(cfg.ops_until) as f64));
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: r.messages as f64,
                bytes: r.bytes as f64,
                ratio: if r.violations.is_empty() { 1.0 } else { 0.0 },
                delivered: u64::from(r.violations.is_empty()),
                eligible: 1,
                t_ave: conv,
                t_last: conv,
                hash: r.trace_hash,
                extra: BTreeMap::new(),
                decision_latency_ns: None,
                decision_messages: None,
                latencies_ns: Vec::new(),
                violations: r.violations,
            })
        }
        Plan::Paxos(cfg, faults) => {
            let spec = match faults {
                Faults::None => None,
                Faults::Default => Some(FaultSpec::default()),
                Faults::Spec(s) => Some(*s),
            };
            if let Some(spec) = spec {
                let nodes = cfg.nodes();
                net = spec.schedule(nodes, &mut rng);
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_paxos(cfg, &net, 60_000 * MS, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            Ok(Trial::single_decision(
                r.messages,
                0.0,
                r.bytes,
                r.decided_at,
                r.trace_hash,
                extra,
                r.violations,
            ))
        }
        Plan::ThreePc(cfg, faults) => {
            let (net, votes) = match faults {
                Faults::Default => threepc_fault_schedule(cfg, &mut rng),
                Faults::Spec(spec) => (
                    spec.schedule(cfg.nodes(), &mut rng),
                    vec![true; cfg.participants as usize],
                ),
                Faults::None => {
                    // as for 2pc: participant 1 (the initiator) never crashes; crashes at 15 ms
                    let rm1 = u32::from(!cfg.colocated);
                    net.crash_fraction(cfg.nodes(), req.crash, 15 * MS, rm1, &mut rng)?;
                    (net, vec![true; cfg.participants as usize])
                }
            };
            let fault_free = *faults == Faults::None
                && req.loss == 0.0
                && req.crash == 0.0
                && req.duplication == 0.0;
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_3pc(cfg, votes, &net, fault_free, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("blocked".to_string(), r.blocked as f64);
            extra.insert(
                "committed".to_string(),
                f64::from(u8::from(r.committed == Some(true))),
            );
            extra.insert("terminations".to_string(), r.terminations as f64);
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            Ok(Trial::single_decision(
                r.messages,
                0.0,
                r.bytes,
                r.latency_ns,
                r.trace_hash,
                extra,
                r.violations,
            ))
        }
        Plan::MultiPaxos(cfg, faults) => {
            let horizon = if *faults == Faults::None {
                60_000 * MS
            } else {
                4000 * MS
            };
            match faults {
                Faults::Default => net = raft_fault_schedule(cfg.n, &mut rng),
                Faults::Spec(spec) => net = spec.schedule(cfg.n, &mut rng),
                Faults::None => {
                    net.crash_fraction(cfg.n, req.crash, 500 * MS, 0, &mut rng)?;
                }
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_multipaxos(cfg, &net, horizon, rng)?;
            let data = r.phase2_messages();
            let mut extra = BTreeMap::new();
            extra.insert("committed".to_string(), r.committed as f64);
            extra.insert("chosen_slots".to_string(), r.chosen_slots as f64);
            extra.insert("leaderships".to_string(), r.leaderships as f64);
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            let done = r.committed as f64 / cfg.commands as f64;
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: r.by_kind.get("accept").copied().unwrap_or(0) as f64,
                bytes: r.bytes as f64,
                ratio: done.min(1.0),
                delivered: r.committed.min(cfg.commands),
                eligible: cfg.commands,
                t_ave: r.commit_latency_ns.map(ms),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                extra,
                decision_latency_ns: r.commit_latency_ns,
                decision_messages: (r.committed > 0).then(|| data as f64 / r.committed as f64),
                latencies_ns: r.latencies_ns.iter().map(|&t| t as f64).collect(),
                violations: r.violations,
            })
        }
        Plan::Isr(cfg, faults) => {
            let horizon = if *faults == Faults::None {
                600_000 * MS
            } else {
                20_000 * MS
            };
            match faults {
                Faults::Default => net = isr_fault_schedule(cfg, &mut rng),
                // explicit specs apply to the brokers (controller and clients are exempt)
                Faults::Spec(spec) => net = spec.schedule(cfg.brokers, &mut rng),
                Faults::None => {
                    net.crash_fraction(cfg.brokers, req.crash, 500 * MS, 0, &mut rng)?;
                }
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_isr(cfg, &net, horizon, rng)?;
            let data = r
                .replication_messages()
                .saturating_sub(cfg.opening_fetches());
            let lat: Vec<f64> = r.latencies_ns.iter().map(|&t| t as f64).collect();
            let mean = (!lat.is_empty()).then(|| lat.iter().sum::<f64>() / lat.len() as f64);
            let mut extra = BTreeMap::new();
            extra.insert("acknowledged".to_string(), r.acknowledged as f64);
            extra.insert("refused".to_string(), r.refused as f64);
            extra.insert("elections".to_string(), r.elections as f64);
            extra.insert("lost_acks1".to_string(), r.lost_acks1 as f64);
            extra.insert("offline_ms".to_string(), ms(r.offline_ns as f64));
            extra.insert("consumed".to_string(), r.consumed as f64);
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: r.by_kind.get("fetch-response").copied().unwrap_or(0) as f64,
                bytes: r.bytes as f64,
                ratio: (r.acknowledged as f64 / cfg.records as f64).min(1.0),
                delivered: r.acknowledged.min(cfg.records),
                eligible: cfg.records,
                t_ave: mean.map(ms),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                extra,
                decision_latency_ns: mean,
                decision_messages: (r.acknowledged > 0)
                    .then(|| data as f64 / r.acknowledged as f64),
                latencies_ns: lat,
                violations: r.violations,
            })
        }
        Plan::CommitWait(cfg0, faults) => {
            let mut cfg = *cfg0;
            match faults {
                // the commit-wait sweep's schedule: offsets within ε, loss, reordering
                Faults::Default => {
                    let (c, n) = commit_wait_fault_schedule(cfg0, &mut rng);
                    cfg = c;
                    net = n;
                }
                // explicit specs apply to the servers (the client is exempt);
                // their clock skew adds to the drawn offsets and may exceed ε
                Faults::Spec(spec) => net = spec.schedule(cfg.servers, &mut rng),
                Faults::None => {}
            }
            let cfg = &cfg;
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_commit_wait(cfg, &net, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            extra.insert("committed".to_string(), r.committed as f64);
            Ok(Trial {
                rounds: None,
                messages: r.messages as f64,
                payload: 0.0,
                bytes: r.bytes as f64,
                ratio: r.committed as f64 / cfg.transactions as f64,
                delivered: r.committed as u64,
                eligible: cfg.transactions as u64,
                t_ave: Some(ms(r.mean_latency_ns)),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                extra,
                decision_latency_ns: Some(r.mean_latency_ns),
                decision_messages: Some(r.messages as f64 / r.committed.max(1) as f64),
                latencies_ns: r.latencies_ns.iter().map(|&t| t as f64).collect(),
                violations: r.violations,
            })
        }
        Plan::Quorum(cfg, faults) if *faults != Faults::None => {
            // one write and one read on a faulty network; the coordinator (node N) does not crash
            net = match faults {
                Faults::Spec(spec) => {
                    let mut net = spec.schedule(cfg.n + 1, &mut rng);
                    net.crashes.retain(|c| c.node as usize != cfg.n);
                    net
                }
                _ => quorum_fault_schedule(cfg.n, &mut rng),
            };
            let mean_latency = latency_hint(&net.latency) as f64;
            let o = run_quorum(cfg, &net, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            extra.insert("stale".to_string(), f64::from(u8::from(o.stale())));
            extra.insert(
                "committed".to_string(),
                f64::from(u8::from(o.committed_at.is_some())),
            );
            extra.insert(
                "read_completed".to_string(),
                f64::from(u8::from(o.checked())),
            );
            let violations = if o.stale() && cfg.r + cfg.w > cfg.n {
                vec!["strict quorum returned a stale read".to_string()]
            } else {
                Vec::new()
            };
            let fresh = o.checked() && !o.stale();
            let write_ns = o.committed_at.map(|t| t as f64);
            let read_ms = match (o.read_done_at, o.committed_at) {
                (Some(r), Some(c)) => Some(ms(r.saturating_sub(c + cfg.read_after) as f64)),
                _ => None,
            };
            Ok(Trial {
                rounds: None,
                messages: o.messages as f64,
                payload: 0.0,
                bytes: o.bytes as f64,
                ratio: if fresh { 1.0 } else { 0.0 },
                delivered: u64::from(fresh),
                eligible: 1,
                t_ave: write_ns.map(ms),
                t_last: read_ms,
                hash: o.trace_hash,
                extra,
                decision_latency_ns: write_ns,
                decision_messages: o.committed_at.map(|_| o.messages as f64 / 2.0),
                latencies_ns: write_ns.into_iter().collect(),
                violations,
            })
        }
        Plan::Quorum(cfg, _) => {
            let lat = net.latency.clone();
            let row = crate::coord::quorum::pbs(cfg, &lat, rng_seed(&mut rng), 1)?;
            let stale = row.stale.successes > 0;
            let mut extra = BTreeMap::new();
            extra.insert("stale".to_string(), f64::from(u8::from(stale)));
            extra.insert("write_ms".to_string(), row.write_ms);
            extra.insert("read_ms".to_string(), row.read_ms);
            let violations = if stale && cfg.r + cfg.w > cfg.n {
                vec!["strict quorum returned a stale read".to_string()]
            } else {
                Vec::new()
            };
            Ok(Trial {
                rounds: None,
                messages: row.messages,
                payload: 0.0,
                bytes: row.bytes,
                ratio: if stale { 0.0 } else { 1.0 },
                delivered: u64::from(!stale),
                eligible: 1,
                t_ave: Some(row.write_ms),
                t_last: Some(row.read_ms),
                hash: row.messages as u64
                    ^ (row.write_ms * 1e6) as u64
                    ^ ((row.read_ms * 1e6) as u64).rotate_left(32),
                extra,
                decision_latency_ns: Some(row.write_ms * MS as f64),
                decision_messages: Some(row.messages / 2.0),
                latencies_ns: vec![row.write_ms * MS as f64],
                violations,
            })
        }
        Plan::Pbft(cfg, faults) => {
            match faults {
                Faults::Default => net = pbft_fault_schedule(cfg.f, &mut rng),
                // explicit specs: the primary (node 0) and the client (node n)
                // do not crash, as view changes are not modelled
                Faults::Spec(spec) => {
                    let n = cfg.n();
                    net = spec.schedule(n + 1, &mut rng);
                    net.crashes.retain(|c| c.node != 0 && c.node as usize != n);
                }
                Faults::None => {}
            }
            let mean_latency = latency_hint(&net.latency) as f64;
            let r = run_pbft(cfg, &net, rng)?;
            let mut extra = BTreeMap::new();
            extra.insert("mean_link_latency_ms".to_string(), ms(mean_latency));
            extra.insert(
                "formula_messages".to_string(),
                cfg.formula_messages() as f64,
            );
            Ok(Trial::single_decision(
                r.messages,
                1.0,
                r.bytes,
                r.accepted_at,
                r.trace_hash,
                extra,
                r.violations,
            ))
        }
        Plan::Health(mode) => {
            let period = 100 * MS;
            let crash_at = 5 * period / 2;
            let crashed = net.crash_fraction(n, req.crash, crash_at, 0, &mut rng)?;
            let list: Vec<(NodeId, u64)> = crashed.iter().map(|&c| (c, crash_at)).collect();
            let mut p = HealthCheck::new(*mode, n, period, 20, &list);
            let cfg = EventConfig {
                origin: None,
                ..EventConfig::default()
            };
            let (m, _) = run_events(&mut p, n, &net, &cfg, rng)?;
            let det = p.detections();
            let vals: Vec<f64> = det.values().map(|&t| ms(t as f64)).collect();
            let mut t = trial_from(m, false);
            t.delivered = det.len() as u64;
            t.eligible = crashed.len() as u64;
            t.ratio = if crashed.is_empty() {
                1.0
            } else {
                det.len() as f64 / crashed.len() as f64
            };
            t.t_ave = (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64);
            t.t_last = vals.iter().copied().reduce(f64::max);
            t.extra
                .insert("messages_per_period".into(), t.messages / 20.0);
            Ok(t)
        }
    }
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

/// Validate `req`, run its trials (in parallel, deterministic) and summarise.
///
/// ```
/// use cc_sim::{SimRequest, run};
/// let req = SimRequest { protocol: "push-pull".into(), nodes: 10_000, trials: 8, ..SimRequest::default() };
/// let s = run(&req, &|_, _| {})?;
/// assert_eq!(s.delivery_ratio.mean, 1.0);
/// println!("{s}");
/// let json = serde_json::to_value(&s)?;
/// assert!(json["rounds"]["ci95"].is_array());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(req: &SimRequest, progress: Progress<'_>) -> Result<SimSummary, SimError> {
    let (plan, parameters) = plan(req)?;
    let trials = run_trials(req.seed, req.trials, progress, |_, rng| {
        one_trial(req, &plan, rng)
    })?;
    let n = req.nodes as f64;
    let mut hash = crate::metrics::TraceHash::default();
    for t in &trials {
        hash.add(t.hash);
    }
    let mut keys: Vec<String> = Vec::new();
    for t in &trials {
        for k in t.extra.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let extra = keys
        .into_iter()
        .filter_map(|k| {
            let v: Vec<f64> = trials
                .iter()
                .filter_map(|t| t.extra.get(&k).copied())
                .filter(|x| !x.is_nan())
                .collect();
            // every extra metric is a count, a 0/1 flag or a time: all non-negative
            Stat::of(&v).map(|s| (k, s.clamped(0.0, f64::INFINITY)))
        })
        .collect();
    let round = matches!(plan, Plan::Round(..));
    let coord = matches!(
        plan,
        Plan::TwoPc(..)
            | Plan::Raft(..)
            | Plan::Ring(..)
            | Plan::Crdt(..)
            | Plan::Pbft(..)
            | Plan::Paxos(..)
            | Plan::Quorum(..)
            | Plan::CommitWait(..)
            | Plan::ThreePc(..)
            | Plan::MultiPaxos(..)
            | Plan::Isr(..)
    );
    let link_ms: f64 = trials
        .iter()
        .filter_map(|t| t.extra.get("mean_link_latency_ms"))
        .sum::<f64>()
        / trials.len() as f64;
    let mut lat: Vec<f64> = trials
        .iter()
        .flat_map(|t| t.latencies_ns.iter().map(|x| x / MS as f64))
        .collect();
    lat.sort_by(f64::total_cmp);
    let first_bad = trials.iter().position(|t| !t.violations.is_empty());
    Ok(SimSummary {
        protocol: req.protocol.clone(),
        nodes: req.nodes,
        trials: req.trials,
        seed: req.seed,
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
        }),
        violations: coord.then(|| Violations {
            count: trials.iter().filter(|t| !t.violations.is_empty()).count() as u64,
            first_seed: first_bad.map(|i| i as u64),
            first: first_bad.map(|i| trials[i].violations[0].clone()),
        }),
    })
}

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
            "{:<22} {:>12} {:>27} {:>12} {:>12} {:>12}",
            "metric", "mean", "95% CI", "median", "min", "max"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, s: &Stat| -> fmt::Result {
            let ci = s.ci95.map_or("—".to_string(), |[a, b]| {
                format!("[{}, {}]", fmt_num(a), fmt_num(b))
            });
            writeln!(
                f,
                "{:<22} {:>12} {:>27} {:>12} {:>12} {:>12}",
                name,
                fmt_num(s.mean),
                ci,
                fmt_num(s.median),
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
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> SimRequest {
        SimRequest {
            protocol: p.into(),
            nodes: 300,
            trials: 4,
            ..SimRequest::default()
        }
    }

    #[test]
    fn every_protocol_runs_and_delivers_without_faults() {
        for &p in PROTOCOLS {
            let r = if [
                "raft",
                "crdt-counter",
                "paxos",
                "quorum",
                "multi-paxos",
                "isr",
            ]
            .contains(&p)
            {
                SimRequest { nodes: 5, ..req(p) }
            } else if p == "pbft" {
                SimRequest {
                    nodes: 10,
                    ..req(p)
                }
            } else {
                req(p)
            };
            let s = run(&r, &|_, _| {}).unwrap();
            assert_eq!(s.trials, 4);
            if p != "rumor" {
                assert_eq!(s.delivery_ratio.min, 1.0, "{p}");
            }
            assert!(s.messages.mean > 0.0, "{p}");
            let text = s.to_string();
            assert!(
                text.contains("seed 1") && text.contains("4 trials"),
                "{text}"
            );
        }
    }

    #[test]
    fn json_shape() {
        let s = run(&req("push"), &|_, _| {}).unwrap();
        let j = serde_json::to_value(&s).unwrap();
        for k in [
            "protocol",
            "nodes",
            "trials",
            "seed",
            "rounds",
            "messages",
            "messages_per_node",
            "residue",
            "t_last",
            "t_ave",
            "delivery_ratio",
            "bytes",
        ] {
            assert!(j.get(k).is_some(), "missing {k}");
        }
        for k in ["mean", "ci95", "median", "min", "max"] {
            assert!(j["messages"].get(k).is_some(), "missing messages.{k}");
        }
    }

    #[test]
    fn same_seed_same_summary_any_threads() {
        let r = SimRequest {
            protocol: "plumtree".into(),
            nodes: 200,
            trials: 6,
            crash: 0.2,
            ..SimRequest::default()
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| run(&r, &|_, _| {}).unwrap());
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| run(&r, &|_, _| {}).unwrap());
        assert_eq!(one, two);
        let other = run(
            &SimRequest {
                seed: 2,
                ..r.clone()
            },
            &|_, _| {},
        )
        .unwrap();
        assert_ne!(one.trace_hash, other.trace_hash);
    }

    #[test]
    fn new_coordination_protocols_are_deterministic_under_faults() {
        for (p, n) in [("3pc", 5usize), ("multi-paxos", 5), ("isr", 3)] {
            let r = SimRequest {
                nodes: n,
                trials: 8,
                faults: Some("default".into()),
                ..req(p)
            };
            let pool = |k| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(k)
                    .build()
                    .unwrap()
            };
            let one = pool(1).install(|| run(&r, &|_, _| {}).unwrap());
            let two = pool(2).install(|| run(&r, &|_, _| {}).unwrap());
            assert_eq!(one, two, "{p}");
            let other = run(
                &SimRequest {
                    seed: 2,
                    ..r.clone()
                },
                &|_, _| {},
            )
            .unwrap();
            assert_ne!(one.trace_hash, other.trace_hash, "{p}");
        }
    }

    #[test]
    fn invalid_requests_name_the_parameter() {
        let cases: Vec<(SimRequest, &str)> = vec![
            (
                SimRequest {
                    nodes: 1,
                    ..req("push")
                },
                "nodes",
            ),
            (
                SimRequest {
                    loss: 1.5,
                    ..req("push")
                },
                "loss",
            ),
            (
                SimRequest {
                    crash: -0.1,
                    ..req("flood")
                },
                "crash",
            ),
            (
                SimRequest {
                    fanout: Some(300),
                    ..req("push")
                },
                "fanout",
            ),
            (
                SimRequest {
                    trials: 0,
                    ..req("push")
                },
                "trials",
            ),
            (
                SimRequest {
                    k: Some(0),
                    ..req("rumor")
                },
                "k",
            ),
            (
                SimRequest {
                    overlay: Some("torus".into()),
                    ..req("flood")
                },
                "overlay",
            ),
            (
                SimRequest {
                    overlay: Some("ring".into()),
                    ..req("push")
                },
                "overlay",
            ),
            (
                SimRequest {
                    options: vec!["sideways".into()],
                    ..req("rumor")
                },
                "options",
            ),
            (
                SimRequest {
                    options: vec!["blind,feedback".into()],
                    ..req("rumor")
                },
                "options",
            ),
            (
                SimRequest {
                    latency: Some("gamma:1".into()),
                    ..req("flood")
                },
                "latency",
            ),
            (
                SimRequest {
                    batch: Some(2),
                    ..req("push")
                },
                "batch",
            ),
            (
                SimRequest {
                    faults: Some("default".into()),
                    ..req("flood")
                },
                "faults",
            ),
            (
                SimRequest {
                    k: Some(2),
                    ..req("push")
                },
                "k",
            ),
            (
                SimRequest {
                    nodes: 5000,
                    options: vec!["full-mesh".into()],
                    ..req("health-check")
                },
                "nodes",
            ),
        ];
        for (r, name) in cases {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
        let e = run(&req("carrier-pigeon"), &|_, _| {})
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("carrier-pigeon") && e.contains("push-pull"),
            "{e}"
        );
    }

    #[test]
    fn two_phase_commit_request() {
        for (opt, n, want) in [("separate", 6usize, 14.0), ("colocated", 5, 12.0)] {
            let r = SimRequest {
                nodes: n,
                options: vec![opt.into()],
                ..req("2pc")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            // 5 participants: 3N-1 = 14 separate, 3N-3 = 12 co-located
            assert_eq!(
                s.messages_per_decision.as_ref().unwrap().mean,
                want,
                "{opt}"
            );
            let delays = s.message_delays.as_ref().unwrap().mean;
            assert!(
                (delays - if opt == "separate" { 4.0 } else { 3.0 }).abs() < 1e-9,
                "{delays}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            let j = serde_json::to_value(&s).unwrap();
            assert!(j["latency_ms"]["p99"].is_number() && j["violations"]["count"] == 0);
        }
        let r = SimRequest {
            nodes: 4,
            trials: 200,
            faults: Some("default".into()),
            ..req("2pc")
        };
        let s = run(&r, &|_, _| {}).unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 50,
                faults: Some("loss=0.2,crash=0.5".into()),
                ..req("2pc")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let e = run(
            &SimRequest {
                faults: Some("chaos".into()),
                ..req("2pc")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`faults`"));
    }

    #[test]
    fn three_phase_commit_request() {
        for (opt, n, want, delays) in [("separate", 6usize, 24.0, 6.0), ("colocated", 5, 20.0, 5.0)]
        {
            let s = run(
                &SimRequest {
                    nodes: n,
                    options: vec![opt.into()],
                    ..req("3pc")
                },
                &|_, _| {},
            )
            .unwrap();
            // 5 participants: 5N − 1 = 24 separate, 5N − 5 = 20 co-located
            let m = s.messages_per_decision.as_ref().unwrap();
            assert_eq!((m.min, m.max), (want, want), "{opt}");
            let d = s.message_delays.as_ref().unwrap();
            assert!(
                (d.min - delays).abs() < 1e-9 && (d.max - delays).abs() < 1e-9,
                "{d:?}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.parameters["options"], opt);
        }
        // the documented fault model (crash-stop, synchronous): safe and non-blocking
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 300,
                faults: Some("default".into()),
                ..req("3pc")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert_eq!(s.extra["blocked"].max, 0.0);
        assert!(s.extra["terminations"].max > 0.0);
        // partitions are outside it: violations are reported, not hidden
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 300,
                faults: Some("partition=1,crash=0,loss=0,dup=0,window=200".into()),
                ..req("3pc")
            },
            &|_, _| {},
        )
        .unwrap();
        let v = s.violations.as_ref().unwrap();
        assert!(
            v.count > 0 && v.first.as_ref().unwrap().contains("agreement"),
            "{v:?}"
        );
    }

    #[test]
    fn multi_paxos_request() {
        for (n, b) in [(3usize, 1u32), (5, 10), (7, 100)] {
            let s = run(
                &SimRequest {
                    nodes: n,
                    batch: Some(b),
                    trials: 2,
                    ..req("multi-paxos")
                },
                &|_, _| {},
            )
            .unwrap();
            // 200 commands: every slot full for b = 1, 10, 100 → exactly 2(N − 1)/b
            let m = s.messages_per_decision.as_ref().unwrap();
            let want = 2.0 * (n as f64 - 1.0) / f64::from(b);
            assert_eq!((m.min, m.max), (want, want), "n={n} b={b}");
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
            if b == 1 {
                assert!((s.message_delays.as_ref().unwrap().mean - 2.0).abs() < 1e-9);
            }
        }
        let s = run(
            &SimRequest {
                nodes: 5,
                trials: 50,
                faults: Some("default".into()),
                ..req("multi-paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        for (r, name) in [
            (
                SimRequest {
                    nodes: 5,
                    batch: Some(0),
                    ..req("multi-paxos")
                },
                "batch",
            ),
            (
                SimRequest {
                    nodes: 5,
                    window: Some(0),
                    ..req("multi-paxos")
                },
                "window",
            ),
            (
                SimRequest {
                    nodes: 2,
                    ..req("multi-paxos")
                },
                "nodes",
            ),
            (
                SimRequest {
                    nodes: 5,
                    window: Some(4),
                    ..req("raft")
                },
                "window",
            ),
        ] {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
    }

    #[test]
    fn isr_request() {
        for (acks, want, delays) in [("all", 10.0, 4.0), ("1", 10.0, 2.0), ("0", 9.0, 1.0)] {
            let s = run(
                &SimRequest {
                    nodes: 5,
                    trials: 2,
                    acks: Some(acks.into()),
                    ..req("isr")
                },
                &|_, _| {},
            )
            .unwrap();
            // 2N per record (2N − 1 for acks=0), N = 5
            let m = s.messages_per_decision.as_ref().unwrap();
            assert_eq!((m.min, m.max), (want, want), "acks={acks}");
            let d = s.message_delays.as_ref().unwrap();
            assert!((d.mean - delays).abs() < 1e-9, "acks={acks}: {d:?}");
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.parameters["acks"], acks);
            assert_eq!(s.parameters["min_insync"], "2");
        }
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 40,
                faults: Some("default".into()),
                ..req("isr")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        let j = serde_json::to_value(&s).unwrap();
        assert!(j["extra"]["refused"]["max"].is_number());
        for (r, name) in [
            (
                SimRequest {
                    nodes: 3,
                    min_insync: Some(4),
                    ..req("isr")
                },
                "min_insync",
            ),
            (
                SimRequest {
                    nodes: 3,
                    acks: Some("2".into()),
                    ..req("isr")
                },
                "acks",
            ),
            (
                SimRequest {
                    nodes: 3,
                    acks: Some("all".into()),
                    ..req("raft")
                },
                "acks",
            ),
            (
                SimRequest {
                    nodes: 100,
                    ..req("isr")
                },
                "nodes",
            ),
        ] {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
        // new fields stay out of the request JSON unless set
        let j = serde_json::to_value(SimRequest::default()).unwrap();
        assert!(
            j.get("acks").is_none() && j.get("min_insync").is_none() && j.get("window").is_none()
        );
    }

    #[test]
    fn coordination_bytes_are_measured_and_scale_with_entries() {
        // every coordination protocol reports the engine's byte count (wire sizes)
        for p in [
            "2pc",
            "3pc",
            "paxos",
            "multi-paxos",
            "raft",
            "isr",
            "quorum",
            "pbft",
            "commit-wait",
            "lcr",
            "hs",
            "crdt-counter",
        ] {
            let nodes = if p == "pbft" { 4 } else { 5 };
            let s = run(&SimRequest { nodes, ..req(p) }, &|_, _| {}).unwrap();
            assert!(s.bytes.min > 0.0, "{p}: bytes {:?}", s.bytes);
            assert!(
                s.bytes.mean >= 16.0 * s.messages.mean,
                "{p}: a header per message"
            );
        }
        // quorum: exactly 336·N per write + read
        let s = run(
            &SimRequest {
                nodes: 5,
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!((s.bytes.min, s.bytes.max), (336.0 * 5.0, 336.0 * 5.0));
        // batching divides messages, not the entries' bytes
        for p in ["raft", "multi-paxos"] {
            let at = |b| {
                run(
                    &SimRequest {
                        nodes: 5,
                        batch: Some(b),
                        trials: 2,
                        ..req(p)
                    },
                    &|_, _| {},
                )
                .unwrap()
            };
            let (one, ten) = (at(1), at(10));
            let per = |s: &SimSummary| s.bytes.mean / s.extra["committed"].mean;
            // every committed command crosses 4 links with its 100 payload bytes
            assert!(per(&ten) >= 4.0 * 108.0, "{p}: {}", per(&ten));
            assert!(ten.messages.mean < 0.3 * one.messages.mean, "{p}");
            assert!(
                per(&ten) > 0.5 * per(&one),
                "{p}: {} vs {}",
                per(&ten),
                per(&one)
            );
        }
    }

    #[test]
    fn raft_request() {
        for (n, b) in [(3usize, 1u32), (5, 4)] {
            let r = SimRequest {
                nodes: n,
                batch: Some(b),
                trials: 3,
                ..req("raft")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            let want = 2.0 * (n as f64 - 1.0) / f64::from(b);
            let got = s.messages_per_decision.as_ref().unwrap().mean;
            assert!(
                (got - want).abs() <= n as f64 / 200.0 + 1e-9,
                "{got} vs {want}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
        let s = run(
            &SimRequest {
                nodes: 5,
                trials: 50,
                faults: Some("default".into()),
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let e = run(
            &SimRequest {
                nodes: 2,
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`nodes`"));
        let e = run(
            &SimRequest {
                nodes: 5,
                batch: Some(0),
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`batch`"));
    }

    #[test]
    fn ring_requests() {
        let s = run(
            &SimRequest {
                nodes: 20,
                options: vec!["descending".into()],
                ..req("lcr")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.messages_per_decision.as_ref().unwrap().mean, 210.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        let s = run(
            &SimRequest {
                nodes: 64,
                ..req("hs")
            },
            &|_, _| {},
        )
        .unwrap();
        assert!(s.messages_per_decision.as_ref().unwrap().max <= 8.0 * 64.0 * 7.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
    }

    #[test]
    fn crdt_request() {
        for f in [
            None,
            Some("default".to_string()),
            Some("loss=0.3,crash=0.5,recover=0.2,partition=1".to_string()),
        ] {
            let s = run(
                &SimRequest {
                    nodes: 6,
                    trials: 20,
                    faults: f,
                    ..req("crdt-counter")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
    }

    #[test]
    fn pbft_request() {
        for n in [4usize, 7, 10] {
            let s = run(
                &SimRequest {
                    nodes: n,
                    ..req("pbft")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(
                s.messages_per_decision.as_ref().unwrap().mean,
                (2 * n * n - n + 1) as f64
            );
            let f = (n - 1) / 3;
            let s = run(
                &SimRequest {
                    nodes: n,
                    byzantine: Some(f),
                    options: vec!["equivocating".into()],
                    ..req("pbft")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
        assert!(
            run(
                &SimRequest {
                    nodes: 5,
                    ..req("pbft")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`nodes`")
        );
        assert!(
            run(
                &SimRequest {
                    nodes: 4,
                    byzantine: Some(2),
                    ..req("pbft")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`byzantine`")
        );
    }

    #[test]
    fn paxos_request() {
        let s = run(
            &SimRequest {
                nodes: 5,
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(
            s.messages_per_decision.as_ref().unwrap().mean,
            16.0,
            "co-located: 4(N-1)"
        );
        let s = run(
            &SimRequest {
                nodes: 5,
                options: vec!["separate".into()],
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(
            s.messages_per_decision.as_ref().unwrap().mean,
            20.0,
            "separate: 4N"
        );
        assert!((s.message_delays.as_ref().unwrap().mean - 4.0).abs() < 1e-9);
        let s = run(
            &SimRequest {
                nodes: 5,
                proposers: Some(3),
                trials: 30,
                faults: Some("default".into()),
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert!(
            run(
                &SimRequest {
                    nodes: 5,
                    proposers: Some(0),
                    ..req("paxos")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`proposers`")
        );
    }

    #[test]
    fn quorum_request() {
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 200,
                read_quorum: Some(1),
                write_quorum: Some(1),
                latency: Some("exp:5".into()),
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert!(s.delivery_ratio.mean < 1.0, "R=W=1 must show stale reads");
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 200,
                latency: Some("exp:5".into()),
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.delivery_ratio.min, 1.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert!(
            run(
                &SimRequest {
                    nodes: 3,
                    read_quorum: Some(4),
                    ..req("quorum")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`read_quorum`")
        );
    }

    #[test]
    fn commit_wait_request() {
        let s = run(
            &SimRequest {
                nodes: 5,
                epsilon_ms: Some(4.0),
                ..req("commit-wait")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert_eq!(s.messages_per_decision.as_ref().unwrap().mean, 2.0);
        // RTT 20 ms + 2ε = 28 ms
        assert!((s.t_ave.as_ref().unwrap().mean - 28.0).abs() < 0.01);
        assert!(
            run(
                &SimRequest {
                    epsilon_ms: Some(-1.0),
                    ..req("commit-wait")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`epsilon_ms`")
        );
    }

    #[test]
    fn edge_inputs_return_results_or_errors_never_panic() {
        for &p in PROTOCOLS {
            for nodes in [0usize, 1, 2, 3, 4] {
                for (loss, crash) in [(0.0, 0.0), (1.0, 1.0), (0.5, 0.99)] {
                    let r = SimRequest {
                        nodes,
                        trials: 2,
                        loss,
                        crash,
                        ..req(p)
                    };
                    match run(&r, &|_, _| {}) {
                        Ok(s) => assert_eq!(s.trials, 2),
                        Err(e) => assert!(e.to_string().contains('`'), "{p} n={nodes}: {e}"),
                    }
                }
            }
        }
    }

    #[test]
    fn health_check_detects_crashes() {
        for opt in ["hierarchical", "full-mesh"] {
            let r = SimRequest {
                crash: 0.1,
                options: vec![opt.into()],
                nodes: 100,
                ..req("health-check")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            assert_eq!(s.delivery_ratio.min, 1.0, "{opt}");
            // one timeout (3 periods) + reporting; orphans of a crashed leader need a second timeout
            let bound = if opt == "full-mesh" { 600.0 } else { 1000.0 };
            let tl = s.t_last.as_ref().unwrap().max;
            assert!(tl <= bound, "{opt}: {tl}");
            assert_eq!(s.extra["false_suspicions"].max, 0.0, "{opt}");
        }
    }
}
