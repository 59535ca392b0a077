//! etcd-style watch fan-out (`etcd-watch`): `N` watchers on `M` keys and a
//! stream of updates, notified naively or through watchers grouped by key
//! range behind proxies that share one event stream (etcd's watch
//! multiplexing and gRPC-proxy coalescing), with progress notifications.
//!
//! **Nodes.** Node 0 is the server; nodes `1..=R` are the proxies of the
//! `R = min(M, 16)` key ranges (key `k` is in range `k mod R`); nodes
//! `R + 1 ..= R + N` are the watchers — watcher `w` watches key `w mod M`.
//! The server applies `updates` updates, one every `interval`, each to a
//! key drawn uniformly; update `u` has revision `u + 1`.
//!
//! * **naive** — the server sends every event to every watcher, which keeps
//!   the events of its key: `N` messages per update, `N − c(k)` of them
//!   redundant (`c(k)` = the watchers of the updated key).
//! * **grouped** — the server sends each event once, to the proxy of its
//!   key's range; the proxy forwards it to the watchers of that key:
//!   `1 + c(k)` messages per update, none redundant.
//!
//! Every stream is ordered by a chain: an event carries the revision of the
//! previous event on its stream (the server's whole stream for naive, the
//! range's stream to a proxy, the key's stream to a watcher); a receiver
//! buffers out-of-order events and drops duplicates, as TCP and etcd's
//! revision checks do. Every `progress` the server sends a progress
//! notification (the current revision) on every stream: `N` (naive) or
//! `R + N` (grouped, each proxy passing it to its watchers) messages.
//!
//! **Exact fault-free counts** for updates to keys `k₁ … k_U`:
//!
//! ```text
//! naive     U·N events,                 U·N − Σ c(kᵤ) redundant
//! grouped   U + Σ c(kᵤ) events,          0 redundant
//! c(k) = ⌊N/M⌋ + [k < N mod M]
//! bytes     event 148 (revision, key, previous revision + a 100-byte value),
//!           progress notification 24
//! ```
//!
//! **Checker**: every watcher sees every update of its key exactly once, in
//! revision order. **Fault mix**: reordering latency and duplication (no
//! loss: watch streams run over TCP, and resuming a broken stream is out of
//! scope). **Mutant** `deliver-on-arrival`: receivers hand events on as they
//! arrive, without the chain — reordered or duplicated events reach the
//! watchers.

use super::faults::{Amount, FaultMix, FaultTargets, MixLatency, Recovery, Window};
use super::wire::{message, message_commands};
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, message_kinds, run_events, trace_lines,
};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, below};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

/// A watch message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMsg {
    /// An event: revision, key, and the previous revision on its stream (0 = none).
    Event(u64, usize, u64),
    /// A progress notification: the server's current revision.
    Progress(u64),
}

message_kinds! {
    enum WatchKind { Event = "event", Progress = "progress" }
}

impl Message for WatchMsg {
    const KINDS: &'static [&'static str] = WatchKind::NAMES;
    const PAYLOAD_KINDS: u64 = WatchKind::Event.bit();
    fn kind(&self) -> u8 {
        (match self {
            WatchMsg::Event(..) => WatchKind::Event,
            WatchMsg::Progress(_) => WatchKind::Progress,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            WatchMsg::Event(..) => message_commands(3, 1, 100),
            WatchMsg::Progress(_) => message(1),
        }
    }
}

/// Server timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchTimer {
    /// Apply the next update.
    Update,
    /// Send progress notifications.
    Progress,
}

impl crate::des::Timer for WatchTimer {
    fn trace_id(&self, _generation: u64) -> u64 {
        match self {
            WatchTimer::Update => 1,
            WatchTimer::Progress => 2,
        }
    }
}

type WatchSim = Sim<WatchMsg, WatchTimer>;

/// Configuration of a watch fan-out run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WatchConfig {
    /// Watchers `N` (`1..=100000`).
    pub watchers: usize,
    /// Keys `M` (`1..=100000`).
    pub keys: usize,
    /// Grouped by key range behind proxies (`false`: naive).
    pub grouped: bool,
    /// Updates `U` (`1..=1000000`).
    pub updates: u64,
    /// Time between updates (ns, `> 0`).
    pub interval: Time,
    /// Time between progress notifications (ns; 0 = none).
    pub progress: Time,
    /// Receivers follow the chain (`false`: mutant `deliver-on-arrival`).
    pub ordered: bool,
}

impl WatchConfig {
    /// Key ranges (proxies): `min(M, 16)`.
    pub fn ranges(&self) -> usize {
        self.keys.min(16)
    }

    /// Watchers of key `k`: `⌊N/M⌋ + [k < N mod M]`.
    pub fn watchers_of(&self, k: usize) -> u64 {
        (self.watchers / self.keys + usize::from(k < self.watchers % self.keys)) as u64
    }

    fn validate(&self) -> Result<(), SimError> {
        if !(1..=100_000).contains(&self.watchers) || !(1..=100_000).contains(&self.keys) {
            return Err(SimError::param(
                "keys",
                format!(
                    "etcd-watch takes 1..=100000 watchers and keys, got {} and {}",
                    self.watchers, self.keys
                ),
            ));
        }
        if !(1..=1_000_000).contains(&self.updates) || self.interval == 0 {
            return Err(SimError::param(
                "updates",
                "must be 1..=1000000 updates at an interval > 0",
            ));
        }
        Ok(())
    }
}

/// One ordered stream at a receiver: the last revision handed on and the
/// events waiting for their predecessor.
#[derive(Debug, Clone, Default)]
struct Stream {
    last: u64,
    buffered: BTreeMap<u64, (usize, u64)>,
}

/// State of a watch run.
#[derive(Debug, Clone)]
pub struct Watch {
    cfg: WatchConfig,
    rev: u64,
    /// Key of each update (index = revision − 1).
    keys: Vec<usize>,
    /// Last revision of each range and of each key at the server.
    last_of_range: Vec<u64>,
    last_of_key: Vec<u64>,
    /// Receive streams of proxies and watchers (by node).
    streams: Vec<Stream>,
    /// Revisions each watcher handed to its application, in order.
    seen: Vec<Vec<u64>>,
    /// Events watchers received for keys they do not watch.
    redundant: u64,
}

impl Watch {
    /// Fresh state.
    pub fn new(cfg: WatchConfig) -> Self {
        let nodes = 1 + cfg.ranges() + cfg.watchers;
        Watch {
            cfg,
            rev: 0,
            keys: Vec::new(),
            last_of_range: vec![0; cfg.ranges()],
            last_of_key: vec![0; cfg.keys],
            streams: vec![Stream::default(); nodes],
            seen: vec![Vec::new(); cfg.watchers],
            redundant: 0,
        }
    }

    fn watcher_node(&self, w: usize) -> NodeId {
        (1 + self.cfg.ranges() + w) as NodeId
    }

    fn nodes(&self) -> usize {
        1 + self.cfg.ranges() + self.cfg.watchers
    }

    fn update(&mut self, sim: &mut WatchSim) {
        let k = below(sim.rng(), self.cfg.keys as u32) as usize;
        self.rev += 1;
        let rev = self.rev;
        self.keys.push(k);
        if self.cfg.grouped {
            let r = k % self.cfg.ranges();
            let prev = std::mem::replace(&mut self.last_of_range[r], rev);
            sim.send(0, (1 + r) as NodeId, WatchMsg::Event(rev, k, prev));
        } else {
            for w in 0..self.cfg.watchers {
                sim.send(0, self.watcher_node(w), WatchMsg::Event(rev, k, rev - 1));
            }
        }
    }

    fn progress(&mut self, sim: &mut WatchSim) {
        let r = self.cfg.ranges();
        // grouped: one stream per proxy (nodes 1..=R); naive: one per watcher
        let streams = if self.cfg.grouped {
            1..1 + r
        } else {
            1 + r..1 + r + self.cfg.watchers
        };
        for v in streams {
            sim.send(0, v as NodeId, WatchMsg::Progress(self.rev));
        }
    }

    /// Receive an event on `node`'s stream; returns the events now in order.
    fn receive(&mut self, node: usize, rev: u64, key: usize, prev: u64) -> Vec<(u64, usize)> {
        let s = &mut self.streams[node];
        if !self.cfg.ordered {
            return vec![(rev, key)];
        }
        if rev <= s.last || s.buffered.contains_key(&prev) {
            return Vec::new(); // a duplicate
        }
        s.buffered.insert(prev, (key, rev));
        let mut out = Vec::new();
        while let Some((k, r)) = s.buffered.remove(&s.last) {
            s.last = r;
            out.push((r, k));
        }
        out
    }

    fn at_proxy(&mut self, sim: &mut WatchSim, node: usize, msg: WatchMsg) {
        let (from, m) = (node as NodeId, self.cfg.keys);
        match msg {
            WatchMsg::Event(rev, key, prev) => {
                for (r, k) in self.receive(node, rev, key, prev) {
                    let prev = std::mem::replace(&mut self.last_of_key[k], r);
                    for w in (k..self.cfg.watchers).step_by(m) {
                        sim.send(from, self.watcher_node(w), WatchMsg::Event(r, k, prev));
                    }
                }
            }
            WatchMsg::Progress(rev) => {
                let r = node - 1;
                for w in (0..self.cfg.watchers).filter(|w| (w % m) % self.cfg.ranges() == r) {
                    sim.send(from, self.watcher_node(w), WatchMsg::Progress(rev));
                }
            }
        }
    }

    fn at_watcher(&mut self, node: usize, msg: WatchMsg) {
        let w = node - 1 - self.cfg.ranges();
        if let WatchMsg::Event(rev, key, prev) = msg {
            for (r, k) in self.receive(node, rev, key, prev) {
                if k == w % self.cfg.keys {
                    self.seen[w].push(r);
                } else {
                    self.redundant += 1;
                }
            }
        }
    }

    /// Checker findings (at most 5).
    pub fn check(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (w, seen) in self.seen.iter().enumerate() {
            let key = w % self.cfg.keys;
            let want: Vec<u64> = (1u64..)
                .zip(&self.keys)
                .filter(|&(_, &k)| k == key)
                .map(|(r, _)| r)
                .collect();
            if *seen != want {
                let first = seen
                    .iter()
                    .zip(&want)
                    .position(|(a, b)| a != b)
                    .unwrap_or(seen.len().min(want.len()));
                v.push(format!(
                    "watcher {w} of key {key}: saw {} events, expected {} in revision order once each (first difference at position {first})",
                    seen.len(),
                    want.len()
                ));
                if v.len() >= 5 {
                    break;
                }
            }
        }
        v
    }
}

impl Protocol for Watch {
    type Msg = WatchMsg;
    type Timer = WatchTimer;
    fn start(&mut self, sim: &mut WatchSim) {
        sim.set_timer(0, self.cfg.interval, WatchTimer::Update);
        if self.cfg.progress > 0 {
            sim.set_timer(0, self.cfg.progress, WatchTimer::Progress);
        }
    }
    fn on_timer(&mut self, sim: &mut WatchSim, _node: NodeId, timer: WatchTimer) {
        let done = self.rev >= self.cfg.updates;
        match timer {
            WatchTimer::Update if !done => {
                self.update(sim);
                if self.rev < self.cfg.updates {
                    sim.set_timer(0, self.cfg.interval, WatchTimer::Update);
                }
            }
            WatchTimer::Progress if !done => {
                self.progress(sim);
                sim.set_timer(0, self.cfg.progress, WatchTimer::Progress);
            }
            _ => {}
        }
    }
    fn on_message(&mut self, sim: &mut WatchSim, to: NodeId, _from: NodeId, msg: WatchMsg) {
        let node = to as usize;
        if node <= self.cfg.ranges() && self.cfg.grouped {
            self.at_proxy(sim, node, msg);
        } else if node > self.cfg.ranges() {
            self.at_watcher(node, msg);
        }
    }
}

/// Outcome of a watch run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchRun {
    /// Messages by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Messages.
    pub messages: u64,
    /// Bytes.
    pub bytes: u64,
    /// Trace hash.
    pub trace_hash: u64,
    /// Events watchers received for keys they do not watch.
    pub redundant: u64,
    /// `Σ c(kᵤ)`: the notifications watchers need.
    pub needed: u64,
    /// Events handed to watchers for their keys.
    pub delivered: u64,
    /// Checker findings.
    pub violations: Vec<String>,
}

impl WatchRun {
    /// Messages of one kind.
    pub fn kind(&self, k: &str) -> u64 {
        self.by_kind.get(k).copied().unwrap_or(0)
    }
}

/// Run one watch experiment; with `log`, also the delivery trace lines.
pub fn run_watch(
    cfg: &WatchConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(WatchRun, Vec<String>), SimError> {
    cfg.validate()?;
    let mut p = Watch::new(*cfg);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let nodes = p.nodes();
    let (m, deliveries): (_, Vec<Delivery>) = run_events(&mut p, nodes, net, &ecfg, rng)?;
    let needed = p.keys.iter().map(|&k| cfg.watchers_of(k)).sum();
    Ok((
        WatchRun {
            by_kind: m.messages_by_kind(),
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            redundant: p.redundant,
            needed,
            delivered: p.seen.iter().map(|s| s.len() as u64).sum(),
            violations: p.check(),
        },
        trace_lines(&deliveries, WatchMsg::KINDS),
    ))
}

/// The watch fault mix: exponential latency with a mean drawn in `[0.2, 5)`
/// ms (events overtake each other) and duplication below 0.1; no loss, no
/// crash, no partition (see the module docs).
pub const WATCH_MIX: FaultMix = FaultMix {
    latency: MixLatency::ExponentialMeanIn(0.2, 4.8),
    loss: Amount::Fixed(0.0),
    dup: Amount::UpTo(0.1),
    crash: 0.0,
    coordinator_crash: None,
    crash_at: Window::ms(1),
    recovery: Recovery::Never,
    partition: 0.0,
    partition_at: Window::ms(1),
    partition_for: Window::ms(1),
    clocks: (0, 0),
};

/// `etcd-watch` in the protocol registry.
pub struct WatchProtocol;

/// The registry entry of etcd-style watch fan-out.
pub static ETCD_WATCH: WatchProtocol = WatchProtocol;

/// Updates of one `cclab sim etcd-watch` trial.
const SIM_UPDATES: u64 = 200;

impl SimProtocol for WatchProtocol {
    fn name(&self) -> &'static str {
        "etcd-watch"
    }
    fn about(&self) -> &'static str {
        "200 updates on --keys keys, 1 ms apart, notified to N watchers naively or grouped by key range; progress every 100 ms"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 100,
            min: 2,
            max: 10_000,
            what: "watchers (plus a server and min(keys, 16) proxies)",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Keys]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("naive", "the server sends every event to every watcher"),
                (
                    "grouped",
                    "one stream per key range to a proxy, which notifies the key's watchers",
                ),
            ],
            default: Some("grouped"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "WATCH_MIX: reordering latency, duplication < 0.1 (streams are ordered and deduplicated by revision)",
        )
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let cfg = WatchConfig {
            watchers: sc.nodes,
            keys: sc.params.keys.unwrap_or(10),
            grouped: !options.has("naive"),
            updates: SIM_UPDATES,
            interval: MS,
            progress: 100 * MS,
            ordered: true,
        };
        cfg.validate()?;
        let spec_loss = match sc.faults {
            crate::coord::faults::Faults::Spec(f) => {
                f.loss > 0.0 || f.crash > 0.0 || f.partition > 0.0
            }
            _ => false,
        };
        if sc.loss > 0.0 || sc.crash > 0.0 || spec_loss {
            return Err(SimError::param(
                "loss",
                "etcd-watch streams are reliable and resumption is not modelled: loss, crashes and partitions do not apply (reordering and duplication do)",
            ));
        }
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let net = match sc.fault_mix(WATCH_MIX) {
                Some(mix) => sc.faulty_network(&mix, &FaultTargets::all(1), &mut rng),
                None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let (r, _) = run_watch(&cfg, &net, rng, false)?;
            let u = cfg.updates as f64;
            Ok(TrialMetrics {
                messages: r.messages as f64,
                payload: r.kind("event") as f64,
                bytes: r.bytes as f64,
                ratio: r.delivered as f64 / r.needed.max(1) as f64,
                delivered: r.delivered,
                eligible: r.needed,
                hash: r.trace_hash,
                decision_messages: Some(r.kind("event") as f64 / u),
                violations: r.violations.clone(),
                ..TrialMetrics::default()
            }
            .with("events_per_update", r.kind("event") as f64 / u)
            .with("bytes_per_update", r.bytes as f64 / u)
            .with("redundant_per_update", r.redundant as f64 / u)
            .with("progress_messages", r.kind("progress") as f64)
            .link_latency_ns(link))
        })
        .param("keys", cfg.keys)
        .param("mode", if cfg.grouped { "grouped" } else { "naive" })
        .param("updates", SIM_UPDATES)
        .param("progress_ms", 100))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 20,
                min: 2,
                max: 1000,
                what: "watchers on 5 keys (mode drawn per schedule)",
            },
            mutants: &[Mutant {
                name: "deliver-on-arrival",
                bug: "receivers hand events on as they arrive: no reordering, no duplicate check",
            }],
            case: |n, mutant| {
                let base = WatchConfig {
                    watchers: n,
                    keys: 5,
                    grouped: true,
                    updates: 60,
                    interval: MS,
                    progress: 20 * MS,
                    ordered: mutant != Some("deliver-on-arrival"),
                };
                base.validate()?;
                Ok(Box::new(move |mut rng, log| {
                    let cfg = WatchConfig {
                        grouped: below(&mut rng, 2) == 1,
                        ..base
                    };
                    let net = WATCH_MIX.draw(&FaultTargets::all(1), &mut rng);
                    let (r, trace) = run_watch(&cfg, &net, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![("mean_delivered", Tally::Mean(r.delivered as f64))],
                        violations: r.violations,
                        trace,
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests;
