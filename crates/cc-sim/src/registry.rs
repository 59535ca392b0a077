//! The protocol registry: one entry per simulated protocol.
//!
//! A protocol is one module that implements [`SimProtocol`] — its name and
//! help, the nodes it accepts, the protocol-specific parameters ([`Knob`]s)
//! and options it takes, its default fault mix, how one trial runs and, for
//! coordination protocols, its sweep and mutants ([`crate::sweep::SweepDef`])
//! — plus one line in [`REGISTRY`]. Everything else is derived from the
//! registry: the list of protocols, `cclab sim`'s validation, help and
//! per-protocol defaults, `cclab sweep --list` and the sweep entry point
//! ([`crate::sweep::sweep`]), and the report's protocol tables.
//!
//! The core is typed: [`simulate`] takes a [`Scenario`] (nodes, trials, seed,
//! a network model, a fault choice and typed [`Params`]) and returns a
//! [`SimSummary`]. [`crate::request`] is the string adapter behind the CLI.
//!
//! ```
//! use cc_sim::registry::{Scenario, find, simulate};
//!
//! let raft = find("raft")?;
//! assert_eq!(raft.nodes().default, 5);
//! let summary = simulate(raft, &Scenario { trials: 2, ..Scenario::new(raft.nodes().default) }, &|_, _| {})?;
//! assert_eq!(summary.violations.as_ref().map(|v| v.count), Some(0));
//! # Ok::<(), cc_sim::SimError>(())
//! ```

use crate::SimError;
use crate::coord::faults::{FaultMix, FaultTargets, Faults};
use crate::coord::isr::Acks;
use crate::error::check_prob;
use crate::montecarlo::{Progress, run_trials};
use crate::net::{LatencyDist, MS, NetworkModel, Time};
use crate::rng::ChaCha8Rng;
use crate::summary::{SimSummary, TrialMetrics, summarise};
use crate::sweep::SweepDef;
use crate::topology::Topology;
use std::collections::BTreeMap;

/// Largest accepted `trials`.
pub const MAX_TRIALS: u32 = 1_000_000;
/// Largest accepted `nodes` for round-mode protocols.
pub const MAX_ROUND_NODES: usize = 100_000_000;
/// Largest accepted `nodes` for event-mode dissemination protocols.
pub const MAX_EVENT_NODES: usize = 2_000_000;
/// Memory the trials of one request may hold at once (bytes): a trial that
/// alone needs more is refused before it runs; otherwise fewer trials run at
/// once (the results do not depend on how many run at once).
pub const MEMORY_BUDGET: u64 = 4 << 30;

/// What a protocol does: spread information, or agree on something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Gossip, flooding, broadcast trees, health checking: delivery ratio and times.
    Dissemination,
    /// Commit, consensus, replication, quorums, elections: decisions, their
    /// messages and latency, and safety checkers.
    Coordination,
}

/// Which engine runs the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Synchronous rounds ([`crate::round`]); times in rounds.
    Round,
    /// Discrete events ([`crate::des`]); times in milliseconds.
    Event,
}

/// The node counts a protocol accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRange {
    /// The default of `cclab sim` (and of `cclab sweep` for the sweep's range).
    pub default: usize,
    /// Smallest accepted.
    pub min: usize,
    /// Largest accepted.
    pub max: usize,
    /// What `nodes` counts, e.g. `servers` or `participants + a separate coordinator`.
    pub what: &'static str,
}

impl NodeRange {
    /// Refuse `n` outside the range, naming the protocol and the range.
    pub fn check(&self, protocol: &str, n: usize) -> Result<(), SimError> {
        if (self.min..=self.max).contains(&n) {
            Ok(())
        } else {
            Err(SimError::param(
                "nodes",
                format!(
                    "{protocol} supports {}..={} {}, got {n}",
                    self.min, self.max, self.what
                ),
            ))
        }
    }
}

/// A protocol-specific parameter of `cclab sim` (the common ones — nodes,
/// trials, seed, latency, jitter, bandwidth, loss, duplication, crash,
/// faults — apply to every protocol of an engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Knob {
    /// Calls per round, tree arity or group size.
    Fanout,
    /// Rumor-mongering counter or coin parameter.
    K,
    /// Overlay network.
    Overlay,
    /// Broadcasts per trial.
    Broadcasts,
    /// Commands per replication message.
    Batch,
    /// Outstanding slots.
    Window,
    /// Byzantine replicas.
    Byzantine,
    /// Duelling proposers.
    Proposers,
    /// Read quorum R.
    ReadQuorum,
    /// Write quorum W.
    WriteQuorum,
    /// Delay between a write and the read.
    ReadAfterMs,
    /// Clock uncertainty ε.
    EpsilonMs,
    /// Producer acks.
    Acks,
    /// `min.insync.replicas`.
    MinInsync,
    /// Replicas per group (leader included).
    Replicas,
    /// Groups a transaction writes.
    Participants,
    /// Producer `linger.ms`.
    LingerMs,
    /// Watched keys.
    Keys,
}

impl Knob {
    /// Every knob, in help order.
    pub const ALL: &'static [Knob] = &[
        Knob::Fanout,
        Knob::K,
        Knob::Overlay,
        Knob::Broadcasts,
        Knob::Batch,
        Knob::Window,
        Knob::Byzantine,
        Knob::Proposers,
        Knob::ReadQuorum,
        Knob::WriteQuorum,
        Knob::ReadAfterMs,
        Knob::EpsilonMs,
        Knob::Acks,
        Knob::MinInsync,
        Knob::Replicas,
        Knob::Participants,
        Knob::LingerMs,
        Knob::Keys,
    ];

    /// The parameter's name in errors and JSON, e.g. `read_quorum`.
    pub fn name(self) -> &'static str {
        match self {
            Knob::Fanout => "fanout",
            Knob::K => "k",
            Knob::Overlay => "overlay",
            Knob::Broadcasts => "broadcasts",
            Knob::Batch => "batch",
            Knob::Window => "window",
            Knob::Byzantine => "byzantine",
            Knob::Proposers => "proposers",
            Knob::ReadQuorum => "read_quorum",
            Knob::WriteQuorum => "write_quorum",
            Knob::ReadAfterMs => "read_after_ms",
            Knob::EpsilonMs => "epsilon_ms",
            Knob::Acks => "acks",
            Knob::MinInsync => "min_insync",
            Knob::Replicas => "replicas",
            Knob::Participants => "participants",
            Knob::LingerMs => "linger_ms",
            Knob::Keys => "keys",
        }
    }

    /// The protocols of [`REGISTRY`] that take this knob.
    pub fn protocols(self) -> Vec<&'static str> {
        REGISTRY
            .iter()
            .filter(|p| p.knobs().contains(&self))
            .map(|p| p.name())
            .collect()
    }
}

/// One group of mutually exclusive `--option` values of a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionGroup {
    /// `(value, what it does)`.
    pub choices: &'static [(&'static str, &'static str)],
    /// The value in force when none of the group is given (`None`: off).
    pub default: Option<&'static str>,
}

/// The options in force for one request: one value per group at most.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chosen(Vec<&'static str>);

impl Chosen {
    /// Whether `value` is in force (given, or its group's default).
    pub fn has(&self, value: &str) -> bool {
        self.0.contains(&value)
    }

    /// The values in force, comma-separated, in group order.
    pub fn joined(&self) -> String {
        self.0.join(",")
    }
}

/// Typed protocol-specific parameters; `None` takes the protocol's default.
/// Which protocols take which parameter is [`SimProtocol::knobs`]; a given
/// parameter that the protocol does not take is refused by [`simulate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    /// Calls per round (gossip), tree arity (`tree`), group size (`health-check`); `1..=n-1`.
    pub fanout: Option<usize>,
    /// Rumor-mongering parameter `k` (`1..=255`, default 1).
    pub k: Option<u32>,
    /// Overlay for `flood`, `plumtree`, `eager-push`.
    pub overlay: Option<Topology>,
    /// Broadcasts per trial for `plumtree` / `eager-push` (`2..=1000`, default 10).
    pub broadcasts: Option<u32>,
    /// Entries per replication message (`raft`), commands per slot
    /// (`multi-paxos`), records per produce request (`kafka-batch`, default 16); `1..=1024`.
    pub batch: Option<u32>,
    /// `multi-paxos`: outstanding slots `1..=4096` (default 64).
    pub window: Option<u32>,
    /// `pbft`: Byzantine backups `0..=f` (default 0).
    pub byzantine: Option<usize>,
    /// `paxos`: concurrent proposers `1..=16` (default 1).
    pub proposers: Option<usize>,
    /// `quorum`: read quorum R (`1..=N`, default majority).
    pub read_quorum: Option<usize>,
    /// `quorum`: write quorum W (`1..=N`, default majority).
    pub write_quorum: Option<usize>,
    /// `quorum`: delay between the write's commit and the read (ms, default 0).
    pub read_after_ms: Option<f64>,
    /// `commit-wait`: clock uncertainty ε (ms, `0..=10000`, default 7).
    pub epsilon_ms: Option<f64>,
    /// `isr`: producer acks (default all).
    pub acks: Option<Acks>,
    /// `isr`: `min.insync.replicas` (`1..=N`, default `min(2, N)`).
    pub min_insync: Option<usize>,
    /// `spanner-commit`: replicas per Paxos group, leader included (`1..=9`, default 3).
    pub replicas: Option<usize>,
    /// `spanner-commit`: groups each transaction writes (`1..=nodes`, default 2).
    pub participants: Option<usize>,
    /// `kafka-batch`: the producer's `linger.ms` (`[0, 60000]`, default 5).
    pub linger_ms: Option<f64>,
    /// `etcd-watch`: keys watched (`1..=100000`, default 10).
    pub keys: Option<usize>,
    /// `--option` values (see [`SimProtocol::options`]).
    pub options: Vec<String>,
}

impl Params {
    /// The knobs that are set.
    pub fn given(&self) -> Vec<Knob> {
        let set = [
            (Knob::Fanout, self.fanout.is_some()),
            (Knob::K, self.k.is_some()),
            (Knob::Overlay, self.overlay.is_some()),
            (Knob::Broadcasts, self.broadcasts.is_some()),
            (Knob::Batch, self.batch.is_some()),
            (Knob::Window, self.window.is_some()),
            (Knob::Byzantine, self.byzantine.is_some()),
            (Knob::Proposers, self.proposers.is_some()),
            (Knob::ReadQuorum, self.read_quorum.is_some()),
            (Knob::WriteQuorum, self.write_quorum.is_some()),
            (Knob::ReadAfterMs, self.read_after_ms.is_some()),
            (Knob::EpsilonMs, self.epsilon_ms.is_some()),
            (Knob::Acks, self.acks.is_some()),
            (Knob::MinInsync, self.min_insync.is_some()),
            (Knob::Replicas, self.replicas.is_some()),
            (Knob::Participants, self.participants.is_some()),
            (Knob::LingerMs, self.linger_ms.is_some()),
            (Knob::Keys, self.keys.is_some()),
        ];
        set.into_iter().filter(|s| s.1).map(|s| s.0).collect()
    }
}

/// One simulation request, typed: the common parameters and the protocol's.
///
/// The network model composes: `latency`, `jitter_ns` and `bandwidth_bps`
/// each set their own part; a fault mix (`faults`) adds crashes,
/// partitions, clock skew, loss and duplication, and supplies the latency
/// only where `latency` is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Number of nodes (see [`SimProtocol::nodes`]).
    pub nodes: usize,
    /// Monte Carlo trials (`1..=1_000_000`).
    pub trials: u32,
    /// Scenario seed: trial `i` draws from `trial_rng(seed, i)`.
    pub seed: u64,
    /// One-way link latency (event mode); `None`: 10 ms constant, or the fault mix's.
    pub latency: Option<LatencyDist>,
    /// Extra uniform jitter in `[0, jitter_ns]` per message (event mode).
    pub jitter_ns: Time,
    /// Link bandwidth in bits per second (event mode); `None` = infinite.
    pub bandwidth_bps: Option<u64>,
    /// Message loss probability (without `faults`).
    pub loss: f64,
    /// Message duplication probability (event mode, without `faults`).
    pub duplication: f64,
    /// Fraction of nodes that crash-stop (without `faults`).
    pub crash: f64,
    /// Fault mix of a coordination protocol.
    pub faults: Faults,
    /// Protocol-specific parameters.
    pub params: Params,
}

impl Scenario {
    /// `nodes` nodes, 20 trials, seed 1, a fault-free network with the default latency.
    pub fn new(nodes: usize) -> Scenario {
        Scenario {
            nodes,
            trials: 20,
            seed: 1,
            latency: None,
            jitter_ns: 0,
            bandwidth_bps: None,
            loss: 0.0,
            duplication: 0.0,
            crash: 0.0,
            faults: Faults::None,
            params: Params::default(),
        }
    }

    /// The fault-free network: `loss`, `duplication`, and the latency,
    /// jitter and bandwidth of the scenario.
    pub fn base_network(&self) -> NetworkModel {
        self.with_links(NetworkModel {
            loss: self.loss,
            duplication: self.duplication,
            ..NetworkModel::default()
        })
    }

    /// `net` with the scenario's latency (when given), jitter and bandwidth.
    pub fn with_links(&self, mut net: NetworkModel) -> NetworkModel {
        if let Some(l) = &self.latency {
            net.latency = l.clone();
        }
        net.jitter_ns = self.jitter_ns;
        net.bandwidth_bps = self.bandwidth_bps;
        net
    }

    /// The network of one faulty trial: `mix` drawn for `targets`, with the
    /// scenario's latency (when given), jitter and bandwidth.
    pub fn faulty_network(
        &self,
        mix: &FaultMix,
        targets: &FaultTargets,
        rng: &mut ChaCha8Rng,
    ) -> NetworkModel {
        self.with_links(mix.draw(targets, rng))
    }

    /// The mix of `--faults`: `None` without faults, `default_mix` for
    /// `default`, the explicit spec otherwise.
    pub fn fault_mix(&self, default_mix: FaultMix) -> Option<FaultMix> {
        match self.faults {
            Faults::None => None,
            Faults::Default => Some(default_mix),
            Faults::Spec(s) => Some(s.into()),
        }
    }

    /// Whether the run has no fault of any kind.
    pub fn fault_free(&self) -> bool {
        self.faults == Faults::None
            && self.loss == 0.0
            && self.crash == 0.0
            && self.duplication == 0.0
    }
}

/// How one trial runs, with the configuration validated and captured.
pub type TrialFn =
    Box<dyn Fn(&Scenario, ChaCha8Rng) -> Result<TrialMetrics, SimError> + Send + Sync>;

/// A validated request: the effective parameters and the trial function.
pub struct Prepared {
    /// Effective protocol-specific parameters (after defaults), as text.
    pub parameters: BTreeMap<String, String>,
    /// One trial.
    pub trial: TrialFn,
    /// Estimated peak memory of one trial in bytes, where it can be large.
    pub memory_per_trial: Option<u64>,
}

impl Prepared {
    /// A prepared request with no parameter recorded yet.
    pub fn new(
        trial: impl Fn(&Scenario, ChaCha8Rng) -> Result<TrialMetrics, SimError> + Send + Sync + 'static,
    ) -> Prepared {
        Prepared {
            parameters: BTreeMap::new(),
            trial: Box::new(trial),
            memory_per_trial: None,
        }
    }

    /// Record the estimated peak memory of one trial (bytes).
    pub fn memory(mut self, bytes: u64) -> Prepared {
        self.memory_per_trial = Some(bytes);
        self
    }

    /// Record an effective parameter.
    pub fn param(mut self, key: &str, value: impl ToString) -> Prepared {
        self.parameters.insert(key.to_string(), value.to_string());
        self
    }
}

/// A simulated protocol: everything the CLI, the sweeps and the reports need
/// to know about it. One module implements it; one line of [`REGISTRY`] lists it.
pub trait SimProtocol: Sync {
    /// Name on the command line, e.g. `raft`.
    fn name(&self) -> &'static str;
    /// One line: what a trial does.
    fn about(&self) -> &'static str;
    /// Dissemination or coordination.
    fn family(&self) -> Family;
    /// Round or event engine.
    fn engine(&self) -> Engine {
        Engine::Event
    }
    /// Accepted node counts and the default.
    fn nodes(&self) -> NodeRange;
    /// Protocol-specific parameters it takes.
    fn knobs(&self) -> &'static [Knob] {
        &[]
    }
    /// Its `--option` groups.
    fn options(&self) -> &'static [OptionGroup] {
        &[]
    }
    /// What `--faults default` draws, if the protocol takes `--faults`.
    fn default_faults(&self) -> Option<&'static str> {
        None
    }
    /// Validate the protocol-specific part of `sc` and build the trial.
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError>;
    /// Its safety sweep and mutants, if it has one.
    fn sweep(&self) -> Option<SweepDef> {
        None
    }
}

/// Every protocol, in the order the CLI lists them.
pub static REGISTRY: &[&dyn SimProtocol] = &[
    &crate::protocols::gossip::PUSH,
    &crate::protocols::gossip::PULL,
    &crate::protocols::gossip::PUSH_PULL,
    &crate::protocols::flood::FLOOD,
    &crate::protocols::flood::TREE,
    &crate::protocols::plumtree::PLUMTREE,
    &crate::protocols::plumtree::EAGER_PUSH,
    &crate::protocols::gossip::RUMOR,
    &crate::protocols::gossip::ANTI_ENTROPY,
    &crate::protocols::health::HEALTH_CHECK,
    &crate::coord::twopc::TWO_PC,
    &crate::coord::threepc::THREE_PC,
    &crate::coord::paxos::PAXOS,
    &crate::coord::multipaxos::MULTI_PAXOS,
    &crate::coord::raft::RAFT,
    &crate::coord::raft::reads::RAFT_READ,
    &crate::coord::isr::ISR,
    &crate::coord::isr::kafka::KAFKA_BATCH,
    &crate::coord::quorum::QUORUM,
    &crate::coord::pbft::PBFT,
    &crate::coord::commitwait::COMMIT_WAIT,
    &crate::coord::spanner::SPANNER_COMMIT,
    &crate::coord::watch::ETCD_WATCH,
    &crate::coord::crdt::CRDT_COUNTER,
    &crate::coord::ring::LCR,
    &crate::coord::ring::HS,
];

/// The names of [`REGISTRY`], in order.
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|p| p.name()).collect()
}

/// The protocol called `name` (case-insensitive).
pub fn find(name: &str) -> Result<&'static dyn SimProtocol, SimError> {
    REGISTRY
        .iter()
        .copied()
        .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| SimError::UnknownProtocol {
            given: name.to_string(),
            valid: names().join(", "),
        })
}

/// Pick one value per option group from `given` (comma- or space-separated
/// lists allowed); two values of one group are refused.
pub fn choose_options(p: &dyn SimProtocol, given: &[String]) -> Result<Chosen, SimError> {
    let groups = p.options();
    let mut picked: Vec<Option<&'static str>> = vec![None; groups.len()];
    for part in given
        .iter()
        .flat_map(|o| o.split([',', ' ']))
        .filter(|x| !x.is_empty())
    {
        let hit = groups
            .iter()
            .enumerate()
            .find_map(|(g, group)| group.choices.iter().find(|c| c.0 == part).map(|c| (g, c.0)));
        let Some((g, value)) = hit else {
            let valid: Vec<&str> = groups
                .iter()
                .flat_map(|g| g.choices.iter().map(|c| c.0))
                .collect();
            return Err(SimError::param(
                "options",
                format!(
                    "`{part}` is not an option of `{}`; valid: {}",
                    p.name(),
                    if valid.is_empty() {
                        "none".to_string()
                    } else {
                        valid.join(", ")
                    }
                ),
            ));
        };
        match picked[g] {
            Some(prev) if prev != value => {
                return Err(SimError::param(
                    "options",
                    format!("choose one of `{prev}` and `{value}`"),
                ));
            }
            _ => picked[g] = Some(value),
        }
    }
    Ok(Chosen(
        picked
            .into_iter()
            .zip(groups)
            .filter_map(|(v, g)| v.or(g.default))
            .collect(),
    ))
}

/// Refuse what does not apply to `p`: knobs it does not take, `--faults`
/// where it takes none, a second way of setting loss, duplication or
/// crashes, and network options in round mode.
fn check_applicable(p: &dyn SimProtocol, sc: &Scenario) -> Result<(), SimError> {
    let name = p.name();
    for knob in sc.params.given() {
        if !p.knobs().contains(&knob) {
            return Err(SimError::param(
                knob.name(),
                format!(
                    "does not apply to `{name}`; it applies to: {}",
                    knob.protocols().join(", ")
                ),
            ));
        }
    }
    if sc.faults != Faults::None {
        if p.default_faults().is_none() {
            let takes: Vec<&str> = REGISTRY
                .iter()
                .filter(|q| q.default_faults().is_some())
                .map(|q| q.name())
                .collect();
            return Err(SimError::param(
                "faults",
                format!(
                    "does not apply to `{name}`; it applies to: {}",
                    takes.join(", ")
                ),
            ));
        }
        for (what, v) in [
            ("loss", sc.loss),
            ("duplication", sc.duplication),
            ("crash", sc.crash),
        ] {
            if v != 0.0 {
                return Err(SimError::param(
                    what,
                    format!(
                        "set it once: with --faults the fault mix sets {what} (its key `{}`), so --{what} does not apply",
                        if what == "duplication" { "dup" } else { what }
                    ),
                ));
            }
        }
    }
    if p.engine() == Engine::Round {
        if let Some(o) = &sc.params.overlay
            && *o != Topology::Complete
        {
            return Err(SimError::param(
                "overlay",
                format!(
                    "`{name}` runs on the complete graph (random phone call); valid: complete, got `{}`",
                    o.name()
                ),
            ));
        }
        if sc.latency.is_some()
            || sc.duplication > 0.0
            || sc.jitter_ns > 0
            || sc.bandwidth_bps.is_some()
        {
            return Err(SimError::param(
                "latency",
                format!(
                    "`{name}` runs in round mode; latency, jitter, bandwidth and duplication do not apply"
                ),
            ));
        }
    }
    Ok(())
}

/// Validate `sc` for `p`, run its trials (in parallel, deterministic) and summarise.
pub fn simulate(
    p: &dyn SimProtocol,
    sc: &Scenario,
    progress: Progress<'_>,
) -> Result<SimSummary, SimError> {
    let n = sc.nodes;
    if n < 2 {
        return Err(SimError::param("nodes", format!("must be >= 2, got {n}")));
    }
    check_applicable(p, sc)?;
    if sc.trials == 0 || sc.trials > MAX_TRIALS {
        return Err(SimError::param(
            "trials",
            format!("must be in 1..={MAX_TRIALS}, got {}", sc.trials),
        ));
    }
    check_prob("loss", sc.loss)?;
    check_prob("crash", sc.crash)?;
    check_prob("duplication", sc.duplication)?;
    if let Some(f) = sc.params.fanout
        && (f == 0 || f >= n)
    {
        return Err(SimError::param(
            "fanout",
            format!("must be in 1..={} (n - 1), got {f}", n - 1),
        ));
    }
    if let Some(k) = sc.params.k
        && (k == 0 || k > 255)
    {
        return Err(SimError::param("k", format!("must be in 1..=255, got {k}")));
    }
    if sc.jitter_ns > crate::net::MAX_LATENCY {
        return Err(SimError::param(
            "jitter",
            format!("must be in [0, 3600000] ms, got {} ms", sc.jitter_ns / MS),
        ));
    }
    if sc.bandwidth_bps == Some(0) {
        return Err(SimError::param("bandwidth", "must be > 0"));
    }
    if let Some(l) = &sc.latency {
        l.validate()?;
    }
    p.nodes().check(p.name(), n)?;
    let options = choose_options(p, &sc.params.options)?;
    let prepared = p.prepare(sc, &options)?;
    let mut parameters = prepared.parameters;
    // With a fault mix, loss, duplication and crashes come from the mix (shown whole under
    // `faults`); listing the unused plain settings beside it would show `loss=0` for a run
    // that loses messages (issue 21 item 7).
    let plain = matches!(sc.faults, Faults::None);
    if plain {
        parameters.insert("loss".into(), sc.loss.to_string());
        parameters.insert("crash".into(), sc.crash.to_string());
    }
    if p.default_faults().is_some() {
        let f = match sc.faults {
            Faults::None => "none".to_string(),
            Faults::Default => "default".to_string(),
            Faults::Spec(s) => s.effective(sc.latency.is_none()),
        };
        parameters.insert("faults".into(), f);
    }
    if p.engine() == Engine::Event {
        let latency = match (&sc.latency, sc.faults) {
            (Some(l), _) => l.to_string(),
            (None, Faults::None) => NetworkModel::default().latency.to_string(),
            (None, _) => "the fault mix's".to_string(),
        };
        parameters.insert("latency".into(), latency);
        if plain {
            parameters.insert("duplication".into(), sc.duplication.to_string());
        }
        if sc.jitter_ns > 0 {
            parameters.insert(
                "jitter_ms".into(),
                (sc.jitter_ns as f64 / MS as f64).to_string(),
            );
        }
        if let Some(b) = sc.bandwidth_bps {
            parameters.insert("bandwidth_mbps".into(), (b as f64 / 1e6).to_string());
        }
    }
    let trial = &prepared.trial;
    let run = || run_trials(sc.seed, sc.trials, progress, |_, rng| trial(sc, rng));
    let trials = match trials_at_once(p.name(), n, prepared.memory_per_trial)? {
        Some(at_once) if at_once < rayon::current_num_threads() => rayon::ThreadPoolBuilder::new()
            .num_threads(at_once)
            .build()
            .map_err(|e| {
                SimError::param(
                    "trials",
                    format!("cannot start {at_once} worker thread(s): {e}"),
                )
            })?
            .install(run)?,
        _ => run()?,
    };
    Ok(summarise(p, sc, parameters, &trials))
}

/// How many trials of `bytes` each may run at once within [`MEMORY_BUDGET`]
/// (`None`: no estimate, no limit); a trial that alone exceeds it is refused
/// before it runs, naming the budget (issue 20 item 3).
fn trials_at_once(
    protocol: &str,
    nodes: usize,
    bytes: Option<u64>,
) -> Result<Option<usize>, SimError> {
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    if bytes > MEMORY_BUDGET {
        return Err(SimError::param(
            "nodes",
            format!(
                "one trial of `{protocol}` on {nodes} nodes needs about {:.1} GiB, more than the {} GiB budget; use fewer nodes or a sparser overlay",
                bytes as f64 / (1u64 << 30) as f64,
                MEMORY_BUDGET >> 30
            ),
        ));
    }
    Ok(Some((MEMORY_BUDGET / bytes.max(1)).max(1) as usize))
}

/// The slowest round trip between two of nodes `0..n`: exact for a region
/// matrix, twice the mean one-way latency otherwise.
pub(crate) fn max_rtt(d: &LatencyDist, n: usize) -> u64 {
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

/// The mean one-way latency of `d`, estimated from 64 fixed draws (at least 0.1 ms).
pub(crate) fn latency_hint(d: &LatencyDist) -> u64 {
    let mut r = crate::rng::trial_rng(0, u64::MAX);
    let s: u64 = (0..64).map(|i| d.sample(i, i + 1, &mut r) / 64).sum();
    s.max(MS / 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_default_size_is_accepted() {
        let names = names();
        for (i, a) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(a), "{a} twice");
        }
        for p in REGISTRY {
            let r = p.nodes();
            assert!(
                r.min >= 2 && r.min <= r.default && r.default <= r.max,
                "{}",
                p.name()
            );
            assert!(!p.about().is_empty());
            if let Some(s) = p.sweep() {
                assert!(!s.mutants.is_empty(), "{}", p.name());
                assert_eq!(p.family(), Family::Coordination);
            }
        }
        assert_eq!(find("RAFT").map(|p| p.name()), Ok("raft"));
        assert!(matches!(
            find("telepathy"),
            Err(SimError::UnknownProtocol { .. })
        ));
    }

    #[test]
    fn issue20_item3_big_graphs_run_fewer_trials_at_once_or_are_refused() {
        // flood on the complete graph of 7071 nodes: 50M adjacency entries,
        // about 3.5 GiB a trial (3.9 GB resident measured), so one trial at a
        // time (it aborted past 6 GB with trials in parallel)
        let flood = find("flood").unwrap();
        let sc = Scenario {
            params: Params {
                overlay: Some(Topology::Complete),
                ..Params::default()
            },
            trials: 4,
            ..Scenario::new(7071)
        };
        let prepared = flood
            .prepare(&sc, &choose_options(flood, &[]).unwrap())
            .unwrap();
        let bytes = prepared.memory_per_trial.unwrap();
        assert!(bytes > 3 << 30 && bytes < MEMORY_BUDGET, "{bytes}");
        assert_eq!(trials_at_once("flood", 7071, Some(bytes)).unwrap(), Some(1));
        assert_eq!(
            trials_at_once("flood", 1000, Some(1 << 20)).unwrap(),
            Some(4096)
        );
        let e = trials_at_once("flood", 9_999, Some(MEMORY_BUDGET + 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nodes") && e.contains("4 GiB budget"), "{e}");
        assert_eq!(trials_at_once("push", 10, None).unwrap(), None);
    }

    #[test]
    fn option_groups_pick_one_value_each() {
        let rumor = find("rumor").unwrap();
        let c = choose_options(rumor, &["blind,coin".into()]).unwrap();
        assert!(c.has("blind") && c.has("coin") && c.has("push"));
        let e = choose_options(rumor, &["blind".into(), "feedback".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("choose one of"), "{e}");
        let e = choose_options(rumor, &["fast".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("options") && e.contains("feedback"), "{e}");
    }
}
