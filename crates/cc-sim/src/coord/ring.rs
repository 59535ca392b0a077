//! Leader election on a ring: LCR (Le Lann, Chang–Roberts) and
//! Hirschberg–Sinclair, as message-passing state machines on the event engine.
//!
//! Node `i`'s clockwise neighbour is `i + 1 mod n`. UIDs are arranged
//! `ascending` (`uid(i) = i`), `descending` (`uid(i) = n − 1 − i`) or `random`.
//!
//! * **LCR** (unidirectional): every node sends its UID clockwise; a node
//!   forwards a UID larger than its own, drops a smaller one and is elected
//!   when its own UID returns. Messages: ascending `2n − 1`, descending
//!   `n(n+1)/2` (the worst case), `Θ(n log n)` expected for random UIDs.
//! * **Hirschberg–Sinclair** (bidirectional): in phase `k` a node still in the
//!   running probes distance `2^k` in both directions; a probe is relayed
//!   while it beats every UID it meets and turned back as a reply at distance
//!   `2^k`; a node that gets both replies enters phase `k + 1`; a node whose
//!   own probe comes back around the ring is elected. At most
//!   `8n(⌈log₂ n⌉ + 1)` messages.
//!
//! Both algorithms assume reliable links. **Under faults** ([`RingLinks::Reliable`])
//! every election message travels over a per-link reliable channel: a
//! sequence number per directed link, an acknowledgement for every copy
//! received, retransmission of unacknowledged messages after a timeout that
//! doubles up to a cap (and resets on progress), and duplicate suppression at
//! the receiver by the set of sequence numbers delivered. Node state survives
//! a crash (crash-recover with stable storage; a recovered node resumes its
//! retransmissions). Fault-free runs use plain links, so the counts above stay
//! exact; with reliable links `messages` counts every frame (acks and
//! retransmissions included) and `protocol_messages` the election messages.
//!
//! **Checkers**: at most one node is elected and only the node with the
//! largest UID (safety, every run); once every crashed node has recovered and
//! every partition has healed, a leader is elected before the horizon
//! (liveness, checked only in runs where the faults heal). **Mutations**, both
//! caught by the sweep ([`crate::sweep::sweep`]) as liveness violations:
//! [`RingLinks::NoResumeAfterRecovery`] — a recovered node keeps its pending
//! messages but not its retransmission timers (caught for LCR and
//! Hirschberg–Sinclair); [`RingLinks::HighWaterDedup`] — the receiver
//! suppresses duplicates by the highest sequence number seen instead of the
//! set delivered, so a message overtaken by a later one (reordering) is
//! acknowledged and dropped for good (caught for Hirschberg–Sinclair, whose
//! links carry probes and replies in both directions; LCR's sweep did not
//! expose it in 10,000 schedules at n = 4, 6, 8 or 12).

use super::faults::{FaultSpec, Faults};
use super::wire;
use crate::SimError;
use crate::des::{Delivery, EventConfig, Message, Protocol, Sim, Timer, run_events, trace_lines};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::{ChaCha8Rng, below};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepCase, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeSet;

/// UID arrangement around the ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Arrangement {
    /// `uid(i) = i`.
    Ascending,
    /// `uid(i) = n − 1 − i`.
    Descending,
    /// A uniformly random permutation.
    Random,
}

/// Ring election algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RingAlgorithm {
    /// Le Lann / Chang–Roberts.
    Lcr,
    /// Hirschberg–Sinclair.
    Hs,
}

/// How election messages cross a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RingLinks {
    /// Plain sends: the algorithms' textbook model (reliable network assumed).
    Plain,
    /// Sequence numbers, acks, retransmission with backoff, duplicate suppression.
    Reliable,
    /// Injected bug: [`RingLinks::Reliable`] with duplicates suppressed by the
    /// highest sequence number seen (loses reordered messages).
    HighWaterDedup,
    /// Injected bug: [`RingLinks::Reliable`] whose recovered node does not
    /// resume retransmitting what it had pending when it crashed (its
    /// pending messages survive, its timers do not).
    NoResumeAfterRecovery,
}

/// Initial retransmission timeout of the reliable links.
pub const RING_RTO: Time = 50 * MS;
/// Cap of the doubling retransmission timeout.
pub const RING_RTO_MAX: Time = 800 * MS;

/// Ring message: (uid, phase, hops so far, is-reply) and the link sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingMsg {
    uid: u32,
    phase: u32,
    hops: u32,
    reply: bool,
    seq: u32,
}

/// What crosses a ring link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingPacket {
    /// An election message on a plain link: uid, phase, hops (3 fields).
    Plain(RingMsg),
    /// An election message on a reliable link: a 4th field, the sequence number.
    Reliable(RingMsg),
    /// Acknowledgement of the reliable message `m`: its sequence number.
    Ack(RingMsg),
}

impl Message for RingPacket {
    const KINDS: &'static [&'static str] = &["uid", "ack"];
    fn kind(&self) -> u8 {
        u8::from(matches!(self, RingPacket::Ack(_)))
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            RingPacket::Plain(_) => wire::message(3),
            RingPacket::Reliable(_) => wire::message(4),
            RingPacket::Ack(_) => wire::message(1),
        }
    }
}

/// A node's retransmission timer (re-armable: one per node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retransmit;

impl Timer for Retransmit {
    const SLOTS: usize = 1;
    fn slot(&self) -> Option<usize> {
        Some(0)
    }
    fn trace_id(&self, generation: u64) -> u64 {
        1 | generation << 8
    }
}

type RingSim = Sim<RingPacket, Retransmit>;

/// An unacknowledged election message at its sender.
#[derive(Debug, Clone, Copy)]
struct Pending {
    to: NodeId,
    msg: RingMsg,
    /// When to retransmit.
    due: Time,
    /// Current timeout (doubles per retransmission up to [`RING_RTO_MAX`]).
    rto: Time,
}

/// Receiver-side record of the sequence numbers delivered on one link.
#[derive(Debug, Clone, Default)]
struct Delivered {
    /// Every sequence number below this was delivered.
    below: u32,
    /// Delivered sequence numbers at or above `below`.
    above: BTreeSet<u32>,
    /// Highest sequence number seen plus one (the mutant's only record).
    high: u32,
}

impl Delivered {
    /// Record `seq`; `true` if it is new.
    fn insert(&mut self, seq: u32) -> bool {
        if seq < self.below || !self.above.insert(seq) {
            return false;
        }
        while self.above.remove(&self.below) {
            self.below += 1;
        }
        true
    }

    /// The mutant: new iff above every sequence number seen.
    fn insert_high_water(&mut self, seq: u32) -> bool {
        if seq < self.high {
            return false;
        }
        self.high = seq + 1;
        true
    }
}

/// Ring election state.
#[derive(Debug, Clone)]
pub struct RingElection {
    algo: RingAlgorithm,
    links: RingLinks,
    uid: Vec<u32>,
    replies: Vec<u8>,
    phase: Vec<u32>,
    elected: Vec<NodeId>,
    elected_at: Option<Time>,
    /// Election messages sent (each logical message once).
    protocol_messages: u64,
    /// Reliable links: next sequence number per node and direction (0 clockwise, 1 counter-clockwise).
    next_seq: Vec<[u32; 2]>,
    /// Reliable links: unacknowledged messages per node.
    unacked: Vec<Vec<Pending>>,
    /// Reliable links: delivered sequence numbers per node and incoming direction
    /// (0 from the counter-clockwise neighbour, 1 from the clockwise one).
    delivered: Vec<[Delivered; 2]>,
    /// Generation of each node's armed retransmission timer (older ones are ignored).
    /// When each node's armed retransmission timer is due, if one is armed.
    timer_at: Vec<Option<Time>>,
    retransmissions: u64,
}

impl RingElection {
    /// A ring with the given UIDs (distinct) over plain links.
    pub fn new(algo: RingAlgorithm, uid: Vec<u32>) -> Self {
        Self::with_links(algo, uid, RingLinks::Plain)
    }

    /// A ring with the given UIDs (distinct) and link discipline.
    pub fn with_links(algo: RingAlgorithm, uid: Vec<u32>, links: RingLinks) -> Self {
        let n = uid.len();
        RingElection {
            algo,
            links,
            uid,
            replies: vec![0; n],
            phase: vec![0; n],
            elected: Vec::new(),
            elected_at: None,
            protocol_messages: 0,
            next_seq: vec![[0; 2]; n],
            unacked: vec![Vec::new(); n],
            delivered: vec![Default::default(); n],
            timer_at: vec![None; n],
            retransmissions: 0,
        }
    }

    fn n(&self) -> u32 {
        self.uid.len() as u32
    }

    fn right(&self, v: NodeId) -> NodeId {
        (v + 1) % self.n()
    }

    fn left(&self, v: NodeId) -> NodeId {
        (v + self.n() - 1) % self.n()
    }

    /// Send one election message from `v` to its neighbour `to`.
    fn transmit(&mut self, sim: &mut RingSim, v: NodeId, to: NodeId, mut m: RingMsg) {
        self.protocol_messages += 1;
        if self.links == RingLinks::Plain {
            sim.send(v, to, RingPacket::Plain(m));
            return;
        }
        let dir = usize::from(to != self.right(v));
        let i = v as usize;
        m.seq = self.next_seq[i][dir];
        self.next_seq[i][dir] += 1;
        self.unacked[i].push(Pending {
            to,
            msg: m,
            due: sim.now() + RING_RTO,
            rto: RING_RTO,
        });
        sim.send(v, to, RingPacket::Reliable(m));
        self.arm(sim, v);
    }

    /// Arm `v`'s retransmission timer for its earliest due message, unless
    /// a timer due no later is armed already.
    fn arm(&mut self, sim: &mut RingSim, v: NodeId) {
        let i = v as usize;
        let Some(next) = self.unacked[i].iter().map(|p| p.due).min() else {
            return;
        };
        if self.timer_at[i].is_some_and(|t| t <= next) {
            return;
        }
        self.timer_at[i] = Some(next);
        let delay = next.saturating_sub(sim.now()).max(1);
        sim.set_timer(v, delay, Retransmit);
    }

    fn probe(&mut self, sim: &mut RingSim, v: NodeId) {
        let m = RingMsg {
            uid: self.uid[v as usize],
            phase: self.phase[v as usize],
            hops: 1,
            reply: false,
            seq: 0,
        };
        self.transmit(sim, v, self.right(v), m);
        self.transmit(sim, v, self.left(v), m);
    }

    fn elect(&mut self, sim: &mut RingSim, v: NodeId) {
        if !self.elected.contains(&v) {
            self.elected.push(v);
            self.elected_at.get_or_insert(sim.now());
        }
    }

    /// Safety checker: at most one leader, holding the maximum UID.
    pub fn check(&self) -> Vec<String> {
        let max = self.uid.iter().copied().max().unwrap_or(0);
        let mut v = Vec::new();
        if self.elected.len() > 1 {
            v.push(format!(
                "{} leaders elected: {:?}",
                self.elected.len(),
                self.elected
            ));
        }
        if self.elected.iter().any(|&e| self.uid[e as usize] != max) {
            v.push("a node without the maximum UID was elected".into());
        }
        v
    }

    /// The election logic proper: `m` arrives at `to` from its neighbour `from`.
    fn deliver(&mut self, sim: &mut RingSim, to: NodeId, from: NodeId, m: RingMsg) {
        let own = self.uid[to as usize];
        // continue in the direction of travel: away from the sender
        let onward = if from == self.left(to) {
            self.right(to)
        } else {
            self.left(to)
        };
        match self.algo {
            RingAlgorithm::Lcr => {
                if m.uid > own {
                    let next = self.right(to);
                    self.transmit(
                        sim,
                        to,
                        next,
                        RingMsg {
                            hops: m.hops + 1,
                            ..m
                        },
                    );
                } else if m.uid == own {
                    self.elect(sim, to);
                }
            }
            RingAlgorithm::Hs => {
                if m.reply {
                    if m.uid != own {
                        self.transmit(sim, to, onward, m);
                    } else if m.phase == self.phase[to as usize] {
                        self.replies[to as usize] += 1;
                        if self.replies[to as usize] == 2 {
                            self.replies[to as usize] = 0;
                            self.phase[to as usize] += 1;
                            self.probe(sim, to);
                        }
                    }
                } else if m.uid == own {
                    self.elect(sim, to);
                } else if m.uid > own {
                    let reach = 1u64 << m.phase.min(40);
                    if u64::from(m.hops) < reach {
                        self.transmit(
                            sim,
                            to,
                            onward,
                            RingMsg {
                                hops: m.hops + 1,
                                ..m
                            },
                        );
                    } else {
                        self.transmit(sim, to, from, RingMsg { reply: true, ..m });
                    }
                }
            }
        }
    }
}

impl Protocol for RingElection {
    type Msg = RingPacket;
    type Timer = Retransmit;
    fn start(&mut self, sim: &mut RingSim) {
        for v in 0..self.n() {
            match self.algo {
                RingAlgorithm::Lcr => {
                    let m = RingMsg {
                        uid: self.uid[v as usize],
                        phase: 0,
                        hops: 1,
                        reply: false,
                        seq: 0,
                    };
                    let next = self.right(v);
                    self.transmit(sim, v, next, m);
                }
                RingAlgorithm::Hs => self.probe(sim, v),
            }
        }
    }
    fn on_message(&mut self, sim: &mut RingSim, to: NodeId, from: NodeId, packet: RingPacket) {
        let i = to as usize;
        let m = match packet {
            RingPacket::Plain(m) => {
                self.deliver(sim, to, from, m);
                return;
            }
            RingPacket::Ack(m) => {
                self.unacked[i].retain(|p| !(p.to == from && p.msg.seq == m.seq));
                return;
            }
            RingPacket::Reliable(m) => m,
        };
        sim.send(to, from, RingPacket::Ack(m));
        let dir = usize::from(from != self.left(to));
        let new = if self.links == RingLinks::HighWaterDedup {
            self.delivered[i][dir].insert_high_water(m.seq)
        } else {
            self.delivered[i][dir].insert(m.seq)
        };
        if new {
            self.deliver(sim, to, from, m);
        }
    }
    fn on_timer(&mut self, sim: &mut RingSim, v: NodeId, _timer: Retransmit) {
        let i = v as usize;
        self.timer_at[i] = None;
        let now = sim.now();
        for k in 0..self.unacked[i].len() {
            let p = &mut self.unacked[i][k];
            if p.due <= now {
                p.rto = (p.rto * 2).min(RING_RTO_MAX);
                p.due = now + p.rto;
                let (to, m) = (p.to, p.msg);
                sim.send(v, to, RingPacket::Reliable(m));
                self.retransmissions += 1;
            }
        }
        self.arm(sim, v);
    }
    fn on_crash(&mut self, _sim: &mut RingSim, v: NodeId) {
        self.timer_at[v as usize] = None;
    }
    fn on_recover(&mut self, sim: &mut RingSim, v: NodeId) {
        // timers set while down never fire: retransmit everything pending now
        if self.links == RingLinks::NoResumeAfterRecovery {
            return;
        }
        let i = v as usize;
        let now = sim.now();
        for p in &mut self.unacked[i] {
            p.due = now;
            p.rto = RING_RTO;
        }
        self.timer_at[i] = None;
        self.arm(sim, v);
    }
}

/// One ring election's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RingConfig {
    /// Algorithm.
    pub algo: RingAlgorithm,
    /// Ring size (`3..=100000`).
    pub n: usize,
    /// UID arrangement.
    pub arrangement: Arrangement,
    /// Link discipline.
    pub links: RingLinks,
    /// Simulated time limit (ns).
    pub horizon: Time,
}

impl RingConfig {
    /// Plain links, no time limit.
    pub fn new(algo: RingAlgorithm, n: usize, arrangement: Arrangement) -> Self {
        RingConfig {
            algo,
            n,
            arrangement,
            links: RingLinks::Plain,
            horizon: Time::MAX,
        }
    }
}

/// Time a run must have after its faults heal before liveness is demanded.
pub const RING_SETTLE: Time = 20_000 * MS;

/// Outcome of one ring election.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RingRun {
    /// Frames sent (election messages, acknowledgements and retransmissions).
    pub messages: u64,
    /// Election messages (each logical message once; equals `messages` on plain links).
    pub protocol_messages: u64,
    /// Retransmitted frames (reliable links).
    pub retransmissions: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Time of the election (ns).
    pub elected_at: Option<Time>,
    /// Whether the run had to elect a leader (its faults healed in time; see the module docs).
    pub liveness_checked: bool,
    /// Violations.
    pub violations: Vec<String>,
}

/// UIDs for `n` nodes in the given arrangement.
pub fn uids(n: usize, arrangement: Arrangement, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let mut u: Vec<u32> = (0..n as u32).collect();
    match arrangement {
        Arrangement::Ascending => {}
        Arrangement::Descending => u.reverse(),
        Arrangement::Random => {
            for i in (1..n).rev() {
                let j = below(rng, i as u32 + 1) as usize;
                u.swap(i, j);
            }
        }
    }
    u
}

/// When every fault of `net` is over: `None` if a node crashes for good.
pub fn heal_time(net: &NetworkModel) -> Option<Time> {
    let mut t: Time = 0;
    for c in &net.crashes {
        t = t.max(c.recover_at?);
    }
    for p in &net.partitions {
        t = t.max(p.end);
    }
    Some(t)
}

/// Run one election on a ring of `n` nodes over plain links.
pub fn run_ring(
    algo: RingAlgorithm,
    n: usize,
    arrangement: Arrangement,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<RingRun, SimError> {
    run_ring_with(&RingConfig::new(algo, n, arrangement), net, rng)
}

/// Run one election as configured.
pub fn run_ring_with(
    cfg: &RingConfig,
    net: &NetworkModel,
    rng: ChaCha8Rng,
) -> Result<RingRun, SimError> {
    run_ring_logged(cfg, net, rng, false).map(|r| r.0)
}

fn run_ring_logged(
    cfg: &RingConfig,
    net: &NetworkModel,
    mut rng: ChaCha8Rng,
    log: bool,
) -> Result<(RingRun, Vec<Delivery>), SimError> {
    let n = cfg.n;
    if !(3..=100_000).contains(&n) {
        return Err(SimError::param(
            "nodes",
            format!("ring election needs 3 <= n <= 100000, got {n}"),
        ));
    }
    let mut p = RingElection::with_links(cfg.algo, uids(n, cfg.arrangement, &mut rng), cfg.links);
    let ecfg = EventConfig {
        origin: None,
        track_per_node: false,
        max_time: cfg.horizon,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, n, net, &ecfg, rng)?;
    let faultless = net.loss == 0.0 && net.crashes.is_empty() && net.partitions.is_empty();
    let liveness_checked = match heal_time(net) {
        Some(t) if cfg.links != RingLinks::Plain => t.saturating_add(RING_SETTLE) <= cfg.horizon,
        _ => faultless,
    };
    let mut violations = p.check();
    if liveness_checked && p.elected.is_empty() {
        violations.push(match heal_time(net) {
            Some(t) if t > 0 => format!(
                "no leader elected although every fault healed at {} ms",
                t / MS
            ),
            _ => "no leader elected on a fault-free ring".to_string(),
        });
    }
    Ok((
        RingRun {
            messages: m.messages,
            protocol_messages: p.protocol_messages,
            retransmissions: p.retransmissions,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            elected_at: p.elected_at,
            liveness_checked,
            violations,
        },
        log,
    ))
}

/// Horizon of a faulty ring election under `spec`: faults start within the
/// window and last up to the window, then [`RING_SETTLE`] to elect.
pub fn ring_horizon(spec: &FaultSpec) -> Time {
    2 * spec.window_ms * MS + RING_SETTLE
}

/// Schedule `r` of the ring sweep: the arrangement (ascending, descending or
/// random, uniformly) and the network from `FaultSpec::default()` (loss,
/// duplication, crash-recover and crash-stop, a partition, random latency, clock skew).
fn ring_schedule(cfg: &RingConfig, r: &mut ChaCha8Rng) -> (RingConfig, NetworkModel) {
    let arrangement = match below(r, 3) {
        0 => Arrangement::Ascending,
        1 => Arrangement::Descending,
        _ => Arrangement::Random,
    };
    let spec = FaultSpec::default();
    let net = spec.schedule(cfg.n, r);
    (
        RingConfig {
            arrangement,
            horizon: ring_horizon(&spec),
            ..*cfg
        },
        net,
    )
}

/// `lcr` and `hs` in the protocol registry.
pub struct RingProtocol(RingAlgorithm);

/// The registry entry of LCR ring election.
pub static LCR: RingProtocol = RingProtocol(RingAlgorithm::Lcr);
/// The registry entry of Hirschberg–Sinclair ring election.
pub static HS: RingProtocol = RingProtocol(RingAlgorithm::Hs);

const RING_MUTANTS: &[Mutant] = &[
    Mutant {
        name: "no-resume-after-recovery",
        bug: "a recovered node does not resume its retransmissions",
    },
    Mutant {
        name: "high-water-dedup",
        bug: "duplicates suppressed by the highest sequence number seen",
    },
];

fn ring_sweep_case(algo: RingAlgorithm, n: usize, mutant: Option<&str>) -> SweepCase {
    let links = match mutant {
        Some("no-resume-after-recovery") => RingLinks::NoResumeAfterRecovery,
        Some("high-water-dedup") => RingLinks::HighWaterDedup,
        _ => RingLinks::Reliable,
    };
    let cfg = RingConfig {
        links,
        ..RingConfig::new(algo, n, Arrangement::Random)
    };
    Box::new(move |mut rng, log| {
        let (c, net) = ring_schedule(&cfg, &mut rng);
        let (r, deliveries) = run_ring_logged(&c, &net, rng, log)?;
        Ok(SweepRun {
            messages: r.messages,
            progress: vec![
                ("elected_runs", Tally::Runs(r.elected_at.is_some())),
                ("liveness_checked_runs", Tally::Runs(r.liveness_checked)),
            ],
            violations: r.violations,
            trace: trace_lines(&deliveries, RingPacket::KINDS),
        })
    })
}

impl SimProtocol for RingProtocol {
    fn name(&self) -> &'static str {
        match self.0 {
            RingAlgorithm::Lcr => "lcr",
            RingAlgorithm::Hs => "hs",
        }
    }
    fn about(&self) -> &'static str {
        match self.0 {
            RingAlgorithm::Lcr => {
                "LCR ring leader election (unidirectional, O(n²) messages); reliable links under faults"
            }
            RingAlgorithm::Hs => {
                "Hirschberg–Sinclair ring leader election (bidirectional, O(n log n)); reliable links under faults"
            }
        }
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 6,
            min: 3,
            max: 100_000,
            what: "ring nodes",
        }
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("ascending", "uid(i) = i"),
                ("descending", "uid(i) = n − 1 − i"),
                ("random", "a uniformly random permutation of the UIDs"),
            ],
            default: Some("random"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some("the generic mix (FaultSpec::default), election messages over reliable links")
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let arrangement = if options.has("ascending") {
            Arrangement::Ascending
        } else if options.has("descending") {
            Arrangement::Descending
        } else {
            Arrangement::Random
        };
        let algo = self.0;
        let n = sc.nodes;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let spec = match sc.faults {
                Faults::None => None,
                Faults::Default => Some(FaultSpec::default()),
                Faults::Spec(s) => Some(s),
            };
            let mut cfg = RingConfig::new(algo, n, arrangement);
            let net = match spec {
                // faults: election messages travel over reliable links (acks, retransmission)
                Some(spec) => {
                    cfg.links = RingLinks::Reliable;
                    cfg.horizon = ring_horizon(&spec);
                    sc.with_links(spec.schedule(n, &mut rng))
                }
                None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let r = run_ring_with(&cfg, &net, rng)?;
            Ok(TrialMetrics::single_decision(
                r.messages,
                r.bytes,
                r.elected_at,
                r.trace_hash,
                r.violations,
            )
            .with("protocol_messages", r.protocol_messages as f64)
            .with("retransmissions", r.retransmissions as f64)
            .link_latency_ns(link))
        })
        .param("options", format!("{arrangement:?}").to_lowercase()))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 6,
                min: 3,
                max: 256,
                what: "ring nodes",
            },
            mutants: RING_MUTANTS,
            case: match self.0 {
                RingAlgorithm::Lcr => |n, m| Ok(ring_sweep_case(RingAlgorithm::Lcr, n, m)),
                RingAlgorithm::Hs => |n, m| Ok(ring_sweep_case(RingAlgorithm::Hs, n, m)),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::LatencyDist;
    use crate::rng::trial_rng;

    #[test]
    fn lcr_exact_counts() {
        let net = NetworkModel::default();
        for n in [3usize, 10, 57] {
            let a = run_ring(
                RingAlgorithm::Lcr,
                n,
                Arrangement::Ascending,
                &net,
                trial_rng(1, 0),
            )
            .unwrap();
            assert_eq!(a.messages, 2 * n as u64 - 1);
            assert!(a.violations.is_empty());
            let d = run_ring(
                RingAlgorithm::Lcr,
                n,
                Arrangement::Descending,
                &net,
                trial_rng(1, 0),
            )
            .unwrap();
            assert_eq!(d.messages, (n * (n + 1) / 2) as u64);
            assert!(d.violations.is_empty());
        }
    }

    #[test]
    fn hs_bound_and_safety_under_random_latency() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            ..NetworkModel::default()
        };
        for n in [3usize, 8, 100, 257] {
            let bound = 8 * n as u64 * ((n as f64).log2().ceil() as u64 + 1);
            for (i, arr) in [
                Arrangement::Ascending,
                Arrangement::Descending,
                Arrangement::Random,
            ]
            .into_iter()
            .enumerate()
            {
                let r = run_ring(
                    RingAlgorithm::Hs,
                    n,
                    arr,
                    &net,
                    trial_rng(n as u64, i as u64),
                )
                .unwrap();
                assert!(r.violations.is_empty(), "{n} {arr:?}: {:?}", r.violations);
                assert!(r.messages <= bound, "{n} {arr:?}: {} > {bound}", r.messages);
                let l = run_ring(
                    RingAlgorithm::Lcr,
                    n,
                    arr,
                    &net,
                    trial_rng(n as u64, i as u64),
                )
                .unwrap();
                assert!(l.violations.is_empty());
                if n >= 100 && arr == Arrangement::Descending {
                    assert!(r.messages < l.messages, "HS beats LCR's worst case");
                }
            }
        }
    }
    #[test]
    fn reliable_links_cost_frames_not_election_messages() {
        let net = NetworkModel::default();
        for algo in [RingAlgorithm::Lcr, RingAlgorithm::Hs] {
            let plain = run_ring(algo, 17, Arrangement::Random, &net, trial_rng(3, 0)).unwrap();
            let cfg = RingConfig {
                links: RingLinks::Reliable,
                ..RingConfig::new(algo, 17, Arrangement::Random)
            };
            let rel = run_ring_with(&cfg, &net, trial_rng(3, 0)).unwrap();
            assert!(rel.violations.is_empty(), "{:?}", rel.violations);
            // same election, every election message acknowledged once, nothing retransmitted
            assert_eq!(rel.protocol_messages, plain.messages);
            assert_eq!(rel.messages, 2 * plain.messages);
            assert_eq!(rel.retransmissions, 0);
            assert!(rel.liveness_checked);
        }
    }

    #[test]
    fn delivered_set_suppresses_duplicates_in_any_order() {
        let mut d = Delivered::default();
        assert!(d.insert(2) && d.insert(0) && !d.insert(0) && d.insert(1) && !d.insert(2));
        assert_eq!((d.below, d.above.len()), (3, 0));
        let mut h = Delivered::default();
        assert!(h.insert_high_water(2));
        assert!(
            !h.insert_high_water(0),
            "the mutant drops the overtaken message"
        );
    }

    #[test]
    fn plain_links_lose_the_election_under_loss_reliable_ones_do_not() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e7 },
            loss: 0.3,
            ..NetworkModel::default()
        };
        let mut plain_failed = 0;
        for s in 0..20 {
            let p = run_ring(
                RingAlgorithm::Lcr,
                12,
                Arrangement::Random,
                &net,
                trial_rng(s, 1),
            )
            .unwrap();
            assert!(p.violations.is_empty(), "{p:?}");
            plain_failed += u32::from(p.elected_at.is_none());
            let cfg = RingConfig {
                links: RingLinks::Reliable,
                horizon: RING_SETTLE,
                ..RingConfig::new(RingAlgorithm::Lcr, 12, Arrangement::Random)
            };
            let r = run_ring_with(&cfg, &net, trial_rng(s, 1)).unwrap();
            assert!(r.violations.is_empty() && r.elected_at.is_some(), "{r:?}");
            assert!(r.retransmissions > 0);
        }
        assert!(plain_failed > 10, "{plain_failed}");
    }

    #[test]
    fn sweep_is_safe_and_live_and_mutant_is_caught() {
        use crate::sweep::sweep;
        for (name, algo) in [("lcr", RingAlgorithm::Lcr), ("hs", RingAlgorithm::Hs)] {
            let ok = sweep(name, Some(6), 0, 10_000, None).unwrap().findings;
            assert_eq!(ok.violating_runs, 0, "{algo:?}: {:?}", ok.shortest);
            let checked = ok.progress["liveness_checked_runs"];
            assert!(checked > 5_000.0, "{algo:?}: {ok:?}");
            assert!(ok.progress["elected_runs"] >= checked);
            let mutants: &[&str] = match algo {
                RingAlgorithm::Lcr => &["no-resume-after-recovery"],
                RingAlgorithm::Hs => &["no-resume-after-recovery", "high-water-dedup"],
            };
            for &m in mutants {
                let bad = sweep(name, Some(6), 0, 10_000, Some(m)).unwrap().findings;
                assert!(bad.violating_runs > 0, "{algo:?} {m}: mutant not caught");
                let sh = bad.shortest.unwrap();
                assert!(
                    sh.violations.iter().any(|s| s.contains("no leader")),
                    "{:?}",
                    sh.violations
                );
                assert!(sh.trace.iter().any(|l| l.contains("ack")));
                // the reported schedule reproduces the violation
                let again =
                    ring_sweep_case(algo, 6, Some(m))(trial_rng(0, sh.index), false).unwrap();
                assert_eq!(again.violations, sh.violations);
            }
        }
    }
}
