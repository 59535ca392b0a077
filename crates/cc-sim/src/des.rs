//! Discrete-event mode: a priority queue of events keyed by integer
//! nanoseconds, ties broken by insertion order (a monotone radix heap,
//! [`crate::queue::RadixQueue`], FIFO among equal times, which pops in
//! exactly the order of a binary heap on `(time, insertion sequence)` and
//! stays cache-friendly with millions of pending events).
//!
//! A protocol implements [`Protocol`]: it reacts to message deliveries,
//! timers, crashes and recoveries of individual nodes and acts through the
//! [`Sim`] handle (send, set a timer, record a delivery). The engine is typed
//! at its seams: a protocol's message type implements [`Message`] (its kind,
//! named in [`Message::KINDS`], and its wire size come from the message
//! itself, so [`Sim::send`] takes just the message), and its timers are a
//! typed value implementing [`Timer`]; a timer with a [`Timer::slot`] is
//! re-armable: arming it again, or [`Sim::cancel_timer`], cancels the one
//! pending in that slot (the engine tracks the generations). The engine applies
//! the [`NetworkModel`]: loss, duplication,
//! latency + jitter + serialisation delay, partitions (checked at send and
//! at delivery) and crash/recovery schedules (crash and recovery events are
//! queued first, so at equal times they precede deliveries; a crash
//! cancels the node's pending timers). Nothing is ever delivered to a node
//! that is down or across an open partition. Timers are durations on the
//! node's own clock ([`crate::net::ClockSkew`]): a node whose clock drifts by
//! `ρ` sees its timer of `d` fire after the true time `⌈d / (1 + ρ)⌉`, and
//! [`Sim::local_time`] reads its clock.
//!
//! Determinism: one [`ChaCha8Rng`] per run, events ordered by
//! `(time, insertion order)`; every processed event is folded into the trace hash.

use crate::SimError;
use crate::metrics::{Recorder, RunMetrics, TimeUnit};
use crate::net::{
    ClockSkew, CrashIndex, LatencyDist, NetworkModel, NodeId, PartitionIndex, Time, real_duration,
};
use crate::queue::RadixQueue;
use crate::rng::{ChaCha8Rng, chance, unit};
use std::collections::BTreeMap;

/// A message of a protocol on the event engine: it names its own kind and
/// knows its own wire size, so the engine needs nothing else to count,
/// trace and delay it.
pub trait Message: Clone {
    /// Names of the message kinds; [`Message::kind`] indexes this table
    /// (per-kind counts and delivery traces print these names).
    const KINDS: &'static [&'static str];
    /// Bit mask of the kinds that carry the payload (bit `i` = `KINDS[i]`).
    const PAYLOAD_KINDS: u64 = 0;
    /// This message's kind: an index into [`Message::KINDS`].
    fn kind(&self) -> u8;
    /// Bytes on the wire (sizes follow [`crate::coord::wire`]).
    fn wire_bytes(&self) -> u32;
}

/// A protocol's timer: a small typed value handed back when it fires.
///
/// A timer with a [`Timer::slot`] is *re-armable*: the engine keeps one
/// generation per node and slot, arming a timer in a slot (or
/// [`Sim::cancel_timer`]) bumps it, and a timer armed under an older
/// generation is cancelled — it still counts as an event and is folded into
/// the trace hash when it comes due, but the protocol never sees it. Timers
/// without a slot always fire (unless their node crashed meanwhile).
pub trait Timer: Copy + Eq + std::fmt::Debug {
    /// Number of re-armable slots per node (every [`Timer::slot`] is below it).
    const SLOTS: usize = 0;
    /// The slot this timer re-arms, if any.
    fn slot(&self) -> Option<usize> {
        None
    }
    /// The `u64` folded into the trace hash when this timer comes due; `generation`
    /// is its slot's generation when it was armed (0 without a slot). Each
    /// protocol keeps the value it hashed before timers were typed, so trace
    /// hashes are stable.
    fn trace_id(&self, generation: u64) -> u64;
}

/// A plain numbered timer that always fires; its number is its trace id.
impl Timer for u64 {
    fn trace_id(&self, _gen: u64) -> u64 {
        *self
    }
}

/// No timers at all.
impl Timer for () {
    fn trace_id(&self, _gen: u64) -> u64 {
        0
    }
}

/// Declare a `#[repr(u8)]` enum of message kinds whose variants carry their
/// names: `Kind::NAMES[k as usize]` is the name of `k`, so a message type's
/// [`Message::KINDS`] is `Kind::NAMES` and its [`Message::kind`] a `match`.
macro_rules! message_kinds {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        $vis enum $name { $($(#[$vm])* $var),+ }
        impl $name {
            /// Kind names, in variant order.
            const NAMES: &'static [&'static str] = &[$($s),+];
            /// Bit of this kind in a kind mask.
            #[allow(dead_code)]
            const fn bit(self) -> u64 {
                1 << self as u8
            }
        }
    };
}
pub(crate) use message_kinds;

/// What happens at an event.
#[derive(Debug, Clone)]
enum Ev<M, T> {
    Msg {
        from: NodeId,
        to: NodeId,
        kind: u8,
        msg: M,
    },
    Timer {
        node: NodeId,
        epoch: u32,
        generation: u32,
        timer: T,
    },
    Crash(NodeId),
    Recover(NodeId),
}

/// One delivered message, recorded when [`EventConfig::log_deliveries`] is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Delivery time.
    pub time: Time,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Message kind index.
    pub kind: u8,
}

/// One line per delivered message, `"<time> ns: <from> -> <to> <kind>"`: the
/// event trace a sweep prints for its shortest violating run.
pub fn trace_lines(log: &[Delivery], kinds: &[&str]) -> Vec<String> {
    log.iter()
        .map(|d| {
            let kind = kinds.get(d.kind as usize).copied().unwrap_or("?");
            format!("{} ns: {} -> {} {kind}", d.time, d.from, d.to)
        })
        .collect()
}

/// A protocol running on the event engine.
pub trait Protocol {
    /// Message type (its kinds and sizes included).
    type Msg: Message;
    /// Timer type.
    type Timer: Timer;
    /// Called once at time 0.
    fn start(&mut self, sim: &mut Sim<Self::Msg, Self::Timer>);
    /// A message `msg` from `from` arrives at live node `to`.
    fn on_message(
        &mut self,
        sim: &mut Sim<Self::Msg, Self::Timer>,
        to: NodeId,
        from: NodeId,
        msg: Self::Msg,
    );
    /// Timer `timer` of live node `node` fires (not cancelled since armed).
    fn on_timer(
        &mut self,
        _sim: &mut Sim<Self::Msg, Self::Timer>,
        _node: NodeId,
        _timer: Self::Timer,
    ) {
    }
    /// `node` crashed (its pending timers are cancelled).
    fn on_crash(&mut self, _sim: &mut Sim<Self::Msg, Self::Timer>, _node: NodeId) {}
    /// `node` recovered.
    fn on_recover(&mut self, _sim: &mut Sim<Self::Msg, Self::Timer>, _node: NodeId) {}
    /// Protocol-specific measurements added to [`RunMetrics::extra`].
    fn extra(&self, _sim: &Sim<Self::Msg, Self::Timer>) -> BTreeMap<String, f64> {
        BTreeMap::new()
    }
}

/// Limits and options of an event run.
#[derive(Debug, Clone, PartialEq)]
pub struct EventConfig {
    /// Abort with [`SimError::Budget`] after this many events.
    pub max_events: u64,
    /// Stop (normally) at the first event later than this time.
    pub max_time: Time,
    /// Count messages per sending node.
    pub track_per_node: bool,
    /// Origin of the payload (excluded from delivery-time statistics).
    pub origin: Option<NodeId>,
    /// Keep a log of all deliveries (for tests and audits).
    pub log_deliveries: bool,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            max_events: 500_000_000,
            max_time: Time::MAX,
            track_per_node: true,
            origin: Some(0),
            log_deliveries: false,
        }
    }
}

/// The engine state a protocol acts through.
#[derive(Debug)]
pub struct Sim<M, T = u64> {
    n: usize,
    now: Time,
    queue: RadixQueue<Ev<M, T>>,
    latency: LatencyDist,
    jitter_ns: Time,
    loss: f64,
    duplication: f64,
    bandwidth_bps: Option<u64>,
    parts: PartitionIndex,
    /// Down nodes, one bit per node (L1-resident for 10⁵ nodes).
    down: Vec<u64>,
    epoch: Vec<u32>,
    /// Generation of each node's re-armable timer slots (`n * T::SLOTS`).
    gens: Vec<u32>,
    rng: ChaCha8Rng,
    rec: Recorder,
    hops: Vec<u32>,
    /// Nodes that received the payload, one bit per node: duplicates are
    /// recognised without touching the 8-byte delivery times.
    delivered_bits: Vec<u64>,
    log: Option<Vec<Delivery>>,
    stopped: bool,
    /// Per-node clocks (empty = all perfect).
    clocks: Vec<ClockSkew>,
}

impl<M: Message, T: Timer> Sim<M, T> {
    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Current simulated time (ns).
    pub fn now(&self) -> Time {
        self.now
    }

    /// The run's random stream.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Whether `v` is up now.
    #[inline]
    pub fn is_up(&self, v: NodeId) -> bool {
        !self.is_down(v)
    }

    #[inline]
    fn is_down(&self, v: NodeId) -> bool {
        self.down[(v >> 6) as usize] >> (v & 63) & 1 != 0
    }

    #[inline]
    fn set_down(&mut self, v: NodeId, down: bool) {
        let w = &mut self.down[(v >> 6) as usize];
        if down {
            *w |= 1 << (v & 63);
        } else {
            *w &= !(1 << (v & 63));
        }
    }

    /// Stop the run after the current event.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    #[inline]
    fn push(&mut self, time: Time, ev: Ev<M, T>) {
        // Keys never go backwards (time >= now); equal times pop in push order.
        self.queue.push(time, ev);
    }

    #[inline]
    fn delay(&mut self, from: NodeId, to: NodeId, bytes: u32) -> Time {
        let mut d = self.latency.sample(from, to, &mut self.rng);
        if self.jitter_ns > 0 {
            d += (unit(&mut self.rng) * (self.jitter_ns as f64 + 1.0)) as Time;
        }
        if let Some(bw) = self.bandwidth_bps {
            d += (u128::from(bytes) * 8 * 1_000_000_000 / u128::from(bw)) as Time;
        }
        d
    }

    /// Send `msg` from `from` to `to` through the network model (its kind and
    /// size are the message's own). Does nothing if `from` is down.
    #[inline]
    pub fn send(&mut self, from: NodeId, to: NodeId, msg: M) {
        if self.is_down(from) {
            return;
        }
        let kind = msg.kind();
        let bytes = msg.wire_bytes();
        self.rec.sent(from, kind, bytes);
        if self.loss > 0.0 && chance(&mut self.rng, self.loss) {
            self.rec.lost += 1;
            return;
        }
        if !self.parts.is_empty() && self.parts.separated(from, to, self.now) {
            self.rec.dropped_partition += 1;
            return;
        }
        if self.duplication > 0.0 && chance(&mut self.rng, self.duplication) {
            let d = self.delay(from, to, bytes);
            let t = self.now.saturating_add(d);
            self.push(
                t,
                Ev::Msg {
                    from,
                    to,
                    kind,
                    msg: msg.clone(),
                },
            );
        }
        let d = self.delay(from, to, bytes);
        let t = self.now.saturating_add(d);
        self.push(
            t,
            Ev::Msg {
                from,
                to,
                kind,
                msg,
            },
        );
    }

    /// Fire `timer` at `node` after `delay` ns *of the node's clock*
    /// (cancelled if the node crashes first). With a drifting clock the true
    /// delay is `⌈delay / (1 + ρ)⌉`. A re-armable timer ([`Timer::slot`])
    /// cancels the one pending in its slot.
    #[inline]
    pub fn set_timer(&mut self, node: NodeId, delay: Time, timer: T) {
        let epoch = self.epoch[node as usize];
        let generation = match timer.slot() {
            Some(s) => {
                let g = &mut self.gens[node as usize * T::SLOTS + s];
                *g += 1;
                *g
            }
            None => 0,
        };
        let delay = if self.clocks.is_empty() {
            delay
        } else {
            real_duration(delay, self.clocks[node as usize].drift_ppm)
        };
        let t = self.now.saturating_add(delay);
        self.push(
            t,
            Ev::Timer {
                node,
                epoch,
                generation,
                timer,
            },
        );
    }

    /// Cancel the timer pending at `node` in `timer`'s slot (nothing for a
    /// timer without a slot, which cannot be cancelled).
    #[inline]
    pub fn cancel_timer(&mut self, node: NodeId, timer: T) {
        if let Some(s) = timer.slot() {
            self.gens[node as usize * T::SLOTS + s] += 1;
        }
    }

    /// `node`'s clock reading now (`now + θ + ρ·now`; equals `now` for a perfect clock).
    pub fn local_time(&self, node: NodeId) -> i64 {
        match self.clocks.get(node as usize) {
            Some(c) => c.read(self.now),
            None => self.now.min(i64::MAX as Time) as i64,
        }
    }

    /// `node`'s clock (offset 0 and drift 0 when perfect).
    pub fn clock(&self, node: NodeId) -> ClockSkew {
        self.clocks
            .get(node as usize)
            .copied()
            .unwrap_or(ClockSkew {
                node,
                offset_ns: 0,
                drift_ppm: 0,
            })
    }

    /// Crash `node` right after the current event (its timers are cancelled
    /// and nothing is delivered to it while down); it recovers after
    /// `recover_after` if given. For protocol-driven experiments such as
    /// "crash the current leader".
    pub fn crash_node(&mut self, node: NodeId, recover_after: Option<Time>) {
        let now = self.now;
        self.push(now, Ev::Crash(node));
        if let Some(d) = recover_after {
            self.push(now.saturating_add(d.max(1)), Ev::Recover(node));
        }
    }

    /// Record that `node` received the payload now, after `hops` hops; returns
    /// `true` on the first delivery.
    #[inline]
    pub fn mark_delivered(&mut self, node: NodeId, hops: u32) -> bool {
        let (w, b) = ((node >> 6) as usize, 1u64 << (node & 63));
        if self.delivered_bits[w] & b != 0 {
            return false;
        }
        self.delivered_bits[w] |= b;
        // The bit was clear, so this is the first delivery: blind stores (no
        // dependent load of the 8-byte delivery time).
        self.rec.delivered_at[node as usize] = self.now;
        self.hops[node as usize] = hops;
        true
    }

    /// Whether `node` has received the payload.
    #[inline]
    pub fn delivered(&self, node: NodeId) -> bool {
        self.delivered_bits[(node >> 6) as usize] >> (node & 63) & 1 != 0
    }

    /// Hop count of each node's first payload reception (`u32::MAX` = none).
    pub fn hops(&self) -> &[u32] {
        &self.hops
    }

    /// Messages sent so far.
    pub fn messages_so_far(&self) -> u64 {
        self.rec.msgs.iter().sum()
    }

    /// Messages of `kind` sent so far.
    pub fn kind_count(&self, kind: u8) -> u64 {
        self.rec.msgs[kind as usize]
    }
}

/// Run `proto` on `n` nodes over `net` until the queue empties, the
/// protocol stops, or `cfg.max_time` passes.
///
/// Returns the metrics and, if requested, the delivery log.
pub fn run_events<P: Protocol>(
    proto: &mut P,
    n: usize,
    net: &NetworkModel,
    cfg: &EventConfig,
    rng: ChaCha8Rng,
) -> Result<(RunMetrics, Vec<Delivery>), SimError> {
    if n < 2 {
        return Err(SimError::param("nodes", format!("must be >= 2, got {n}")));
    }
    if n > (u32::MAX / 2) as usize {
        return Err(SimError::param(
            "nodes",
            format!("must be <= {}, got {n}", u32::MAX / 2),
        ));
    }
    net.validate(n)?;
    let slots = <P::Timer as Timer>::SLOTS;
    let mut sim: Sim<P::Msg, P::Timer> = Sim {
        n,
        now: 0,
        queue: RadixQueue::new(),
        latency: net.latency.clone(),
        jitter_ns: net.jitter_ns,
        loss: net.loss,
        duplication: net.duplication,
        bandwidth_bps: net.bandwidth_bps,
        parts: PartitionIndex::new(&net.partitions, n),
        down: vec![0; n.div_ceil(64)],
        epoch: vec![0; n],
        gens: vec![0; n * slots],
        rng,
        rec: Recorder::new(
            n,
            <P::Msg as Message>::KINDS,
            <P::Msg as Message>::PAYLOAD_KINDS,
            cfg.track_per_node,
            true,
        ),
        hops: vec![u32::MAX; n],
        delivered_bits: vec![0; n.div_ceil(64)],
        log: cfg.log_deliveries.then(Vec::new),
        stopped: false,
        clocks: Vec::new(),
    };
    if !net.clocks.is_empty() {
        sim.clocks = (0..n as NodeId)
            .map(|node| ClockSkew {
                node,
                offset_ns: 0,
                drift_ppm: 0,
            })
            .collect();
        for c in &net.clocks {
            sim.clocks[c.node as usize] = *c;
        }
    }
    // Fault schedule first: pushed first, so at equal times
    // crashes/recoveries precede deliveries.
    let mut sched: Vec<(Time, bool, NodeId)> = Vec::new();
    for c in &net.crashes {
        sched.push((c.at, true, c.node));
        if let Some(r) = c.recover_at {
            sched.push((r, false, c.node));
        }
    }
    sched.sort_unstable();
    for (t, crash, v) in sched {
        if t == 0 && crash {
            sim.set_down(v, true);
            continue;
        }
        sim.push(t, if crash { Ev::Crash(v) } else { Ev::Recover(v) });
    }
    proto.start(&mut sim);
    while let Some((time, ev)) = sim.queue.pop() {
        if time > cfg.max_time {
            break;
        }
        sim.now = time;
        sim.rec.events += 1;
        if sim.rec.events > cfg.max_events {
            return Err(SimError::Budget {
                limit: cfg.max_events,
                unit: "events",
            });
        }
        match ev {
            Ev::Msg {
                from,
                to,
                kind,
                msg,
            } => {
                sim.rec.hash.add(
                    time.rotate_left(29)
                        ^ (u64::from(from) << 40 | u64::from(to) << 8 | u64::from(kind)),
                );
                if sim.is_down(to) {
                    sim.rec.dropped_crashed += 1;
                    continue;
                }
                if !sim.parts.is_empty() && sim.parts.separated(from, to, time) {
                    sim.rec.dropped_partition += 1;
                    continue;
                }
                if let Some(log) = sim.log.as_mut() {
                    log.push(Delivery {
                        time,
                        from,
                        to,
                        kind,
                    });
                }
                proto.on_message(&mut sim, to, from, msg);
            }
            Ev::Timer {
                node,
                epoch,
                generation,
                timer,
            } => {
                if sim.is_down(node) || epoch != sim.epoch[node as usize] {
                    continue;
                }
                // one fold per timer: time, node and the trace id's low 40 bits
                // (ids carry a tag in their top byte; fold it in too)
                let id = timer.trace_id(u64::from(generation));
                sim.rec.hash.add(
                    time.rotate_left(17)
                        ^ (u64::from(node) << 40 | (id ^ id >> 40) & 0xff_ffff_ffff)
                        ^ 0x7431,
                );
                if let Some(s) = timer.slot()
                    && generation != sim.gens[node as usize * slots + s]
                {
                    continue; // re-armed or cancelled since
                }
                proto.on_timer(&mut sim, node, timer);
            }
            Ev::Crash(v) => {
                sim.rec.hash.add(time ^ 0xc4a5);
                sim.rec.hash.add(u64::from(v));
                if !sim.is_down(v) {
                    sim.set_down(v, true);
                    sim.epoch[v as usize] += 1;
                    proto.on_crash(&mut sim, v);
                }
            }
            Ev::Recover(v) => {
                sim.rec.hash.add(time ^ 0x4ec0);
                sim.rec.hash.add(u64::from(v));
                if sim.is_down(v) {
                    sim.set_down(v, false);
                    proto.on_recover(&mut sim, v);
                }
            }
        }
        if sim.stopped {
            break;
        }
    }
    let extra = proto.extra(&sim);
    let crashes = CrashIndex::new(&net.crashes, n);
    let up_at_end: Vec<bool> = (0..n as NodeId).map(|v| !crashes.down_forever(v)).collect();
    let log = sim.log.take().unwrap_or_default();
    let end = sim.now;
    let m = sim
        .rec
        .finish(TimeUnit::Nanos, 0, end, up_at_end, cfg.origin, extra);
    Ok((m, log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Crash, MS};
    use crate::rng::trial_rng;

    /// Ping-pong between pairs, with a periodic timer: exercises every event type.
    struct PingPong {
        rounds: u32,
        received: Vec<u32>,
    }

    /// A ping carrying its round number.
    #[derive(Debug, Clone, Copy)]
    struct Ping(u32);

    impl Message for Ping {
        const KINDS: &'static [&'static str] = &["ping"];
        const PAYLOAD_KINDS: u64 = 1;
        fn kind(&self) -> u8 {
            0
        }
        fn wire_bytes(&self) -> u32 {
            100
        }
    }

    impl Protocol for PingPong {
        type Msg = Ping;
        type Timer = u64;
        fn start(&mut self, sim: &mut Sim<Ping>) {
            for v in 0..sim.n() as NodeId {
                sim.set_timer(v, MS, 0);
            }
        }
        fn on_message(&mut self, sim: &mut Sim<Ping>, to: NodeId, from: NodeId, Ping(x): Ping) {
            self.received[to as usize] += 1;
            sim.mark_delivered(to, x);
            if x < self.rounds {
                sim.send(to, from, Ping(x + 1));
            }
        }
        fn on_timer(&mut self, sim: &mut Sim<Ping>, node: NodeId, _id: u64) {
            let peer = (node + 1) % sim.n() as NodeId;
            sim.send(node, peer, Ping(0));
        }
    }

    fn run(seed: u64, net: &NetworkModel) -> RunMetrics {
        let mut p = PingPong {
            rounds: 10,
            received: vec![0; 8],
        };
        run_events(&mut p, 8, net, &EventConfig::default(), trial_rng(seed, 0))
            .unwrap()
            .0
    }

    #[test]
    fn deterministic_trace_hash() {
        let net = NetworkModel {
            latency: LatencyDist::Exponential { mean_ns: 1e6 },
            loss: 0.1,
            duplication: 0.1,
            jitter_ns: 1000,
            ..NetworkModel::default()
        };
        let a = run(42, &net);
        let b = run(42, &net);
        assert_eq!(a.trace_hash, b.trace_hash);
        assert_eq!(a, b);
        let c = run(43, &net);
        assert_ne!(a.trace_hash, c.trace_hash);
    }

    #[test]
    fn messages_counted_and_time_advances() {
        let m = run(1, &NetworkModel::default());
        // 8 timers start 8 chains of 11 messages each (x = 0..=10).
        assert_eq!(m.messages, 88);
        assert_eq!(m.end_time, MS + 11 * 10 * MS);
    }

    #[test]
    fn crash_cancels_timers_and_drops_messages() {
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 3,
                at: 0,
                recover_at: None,
            }],
            ..NetworkModel::default()
        };
        let m = run(1, &net);
        // node 3 never starts a chain; chain from 2 to 3 dies at the first message.
        assert_eq!(m.delivered_at[3], Time::MAX);
        assert_eq!(m.dropped_crashed, 1);
        assert_eq!(m.messages, 6 * 11 + 1);
    }

    #[test]
    fn budget_is_an_error() {
        let mut p = PingPong {
            rounds: 1000,
            received: vec![0; 8],
        };
        let cfg = EventConfig {
            max_events: 50,
            ..EventConfig::default()
        };
        let e = run_events(&mut p, 8, &NetworkModel::default(), &cfg, trial_rng(0, 0)).unwrap_err();
        assert_eq!(
            e,
            SimError::Budget {
                limit: 50,
                unit: "events"
            }
        );
    }

    #[test]
    fn bandwidth_adds_serialisation_delay() {
        let net = NetworkModel {
            latency: LatencyDist::Constant { ns: 0 },
            bandwidth_bps: Some(800_000), // 100 bytes = 1 ms
            ..NetworkModel::default()
        };
        let m = run(1, &net);
        assert_eq!(m.end_time, MS + 11 * MS);
    }

    #[test]
    fn drifting_clocks_scale_timers_and_offsets_show_in_readings() {
        use crate::net::ClockSkew;
        /// One timer of 1 s per node, recording when it fired and the local reading.
        struct Once(Vec<(Time, i64)>);
        impl Protocol for Once {
            type Msg = Ping;
            type Timer = u64;
            fn start(&mut self, sim: &mut Sim<Ping>) {
                for v in 0..sim.n() as NodeId {
                    sim.set_timer(v, 1000 * MS, 0);
                }
            }
            fn on_message(&mut self, _: &mut Sim<Ping>, _: NodeId, _: NodeId, _: Ping) {}
            fn on_timer(&mut self, sim: &mut Sim<Ping>, node: NodeId, _id: u64) {
                self.0[node as usize] = (sim.now(), sim.local_time(node));
            }
        }
        let net = NetworkModel {
            clocks: vec![
                ClockSkew {
                    node: 1,
                    offset_ns: 5 * MS as i64,
                    drift_ppm: 10_000,
                },
                ClockSkew {
                    node: 2,
                    offset_ns: -3 * MS as i64,
                    drift_ppm: -10_000,
                },
            ],
            ..NetworkModel::default()
        };
        let mut p = Once(vec![(0, 0); 3]);
        run_events(&mut p, 3, &net, &EventConfig::default(), trial_rng(0, 0)).unwrap();
        // perfect clock: exactly 1 s
        assert_eq!(p.0[0], (1000 * MS, 1000 * MS as i64));
        // 1 % fast: fires after ⌈1 s / 1.01⌉ true time; its clock then reads offset + 1 s
        let t1 = (1000 * MS * 1_000_000).div_ceil(1_010_000);
        assert_eq!(p.0[1].0, t1);
        assert!((p.0[1].1 - (1005 * MS) as i64).abs() <= 1, "{:?}", p.0[1]);
        let t2 = (1000 * MS * 1_000_000).div_ceil(990_000);
        assert_eq!(p.0[2].0, t2);
        assert!((p.0[2].1 - (997 * MS) as i64).abs() <= 1, "{:?}", p.0[2]);
        // invalid clocks are refused, naming the parameter
        let bad = NetworkModel {
            clocks: vec![ClockSkew {
                node: 7,
                offset_ns: 0,
                drift_ppm: 0,
            }],
            ..NetworkModel::default()
        };
        let e = bad.validate(3).unwrap_err().to_string();
        assert!(e.contains("`clocks`"), "{e}");
        let bad = NetworkModel {
            clocks: vec![ClockSkew {
                node: 0,
                offset_ns: 0,
                drift_ppm: 600_000,
            }],
            ..NetworkModel::default()
        };
        assert!(bad.validate(3).unwrap_err().to_string().contains("ppm"));
    }
}

#[cfg(test)]
mod timer_tests {
    use super::*;
    use crate::net::{Crash, MS};
    use crate::rng::trial_rng;

    message_kinds! {
        enum Kind { Tick = "tick", Tock = "tock" }
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Msg {
        Tick,
        Tock,
    }

    impl Message for Msg {
        const KINDS: &'static [&'static str] = Kind::NAMES;
        const PAYLOAD_KINDS: u64 = Kind::Tock.bit();
        fn kind(&self) -> u8 {
            (match self {
                Msg::Tick => Kind::Tick,
                Msg::Tock => Kind::Tock,
            }) as u8
        }
        fn wire_bytes(&self) -> u32 {
            10
        }
    }

    /// `Wait` is re-armable (slot 0), `Once(k)` is not.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum T {
        Wait,
        Once(u8),
    }

    impl Timer for T {
        const SLOTS: usize = 1;
        fn slot(&self) -> Option<usize> {
            matches!(self, T::Wait).then_some(0)
        }
        fn trace_id(&self, generation: u64) -> u64 {
            match self {
                T::Wait => 1 << 56 | generation,
                T::Once(k) => 2 << 56 | u64::from(*k),
            }
        }
    }

    /// Node 0 arms `Wait` three times (only the last fires) and cancels a
    /// fourth; two equal `Once` timers both fire.
    #[derive(Default)]
    struct Rearm(Vec<(Time, NodeId, T)>);

    impl Protocol for Rearm {
        type Msg = Msg;
        type Timer = T;
        fn start(&mut self, sim: &mut Sim<Msg, T>) {
            sim.set_timer(0, 5 * MS, T::Wait);
            sim.set_timer(0, 3 * MS, T::Wait);
            sim.set_timer(0, 7 * MS, T::Wait);
            sim.set_timer(1, 2 * MS, T::Once(4));
            sim.set_timer(1, 2 * MS, T::Once(4));
            sim.set_timer(1, 15 * MS, T::Wait);
            sim.set_timer(2, 4 * MS, T::Wait);
            sim.send(0, 1, Msg::Tick);
        }
        fn on_message(&mut self, sim: &mut Sim<Msg, T>, to: NodeId, from: NodeId, msg: Msg) {
            if msg == Msg::Tick {
                sim.send(to, from, Msg::Tock);
                sim.cancel_timer(1, T::Wait);
            }
        }
        fn on_timer(&mut self, sim: &mut Sim<Msg, T>, node: NodeId, timer: T) {
            self.0.push((sim.now(), node, timer));
        }
    }

    #[test]
    fn rearming_cancels_the_pending_timer_of_its_slot_and_crashes_cancel_all() {
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 2,
                at: 3 * MS,
                recover_at: Some(5 * MS),
            }],
            ..NetworkModel::default()
        };
        let mut p = Rearm::default();
        let (m, log) = run_events(
            &mut p,
            3,
            &net,
            &EventConfig {
                log_deliveries: true,
                ..EventConfig::default()
            },
            trial_rng(0, 0),
        )
        .unwrap();
        assert_eq!(
            p.0,
            vec![
                (2 * MS, 1, T::Once(4)),
                (2 * MS, 1, T::Once(4)),
                (7 * MS, 0, T::Wait)
            ]
        );
        // cancelled timers still count as events: crash and recovery, two
        // messages and seven timers
        assert_eq!(m.events, 11);
        assert_eq!((m.messages, m.payload_messages, m.bytes), (2, 1, 20));
        assert_eq!(
            trace_lines(&log, Msg::KINDS),
            vec!["10000000 ns: 0 -> 1 tick", "20000000 ns: 1 -> 0 tock"]
        );
    }
}

/// Regression, issue 12 ("event engine typed at its seams"): typing messages
/// and timers kept every event of every event-engine protocol, in order, with
/// the same RNG draws — these trace hashes were recorded with the engine
/// before its seams were typed (`kind: u8` + bytes at `send`, hand-packed
/// `u64` timer ids).
#[cfg(test)]
mod trace_pins {
    use crate::request::{SimRequest, run};

    /// (protocol, nodes, `--faults`, `--crash`, trace hash of 4 trials, seed 1).
    const PINS: &[(&str, usize, Option<&str>, f64, &str)] = &[
        ("raft", 5, Some("default"), 0.0, "86a5a523e7a14c05"),
        ("multi-paxos", 5, Some("default"), 0.0, "6ba79d9103e206cb"),
        ("paxos", 5, Some("default"), 0.0, "74bcde79bae29d97"),
        ("isr", 3, Some("default"), 0.0, "8410e7dea9fb6c24"),
        ("2pc", 4, Some("default"), 0.0, "e8c39858174d593f"),
        ("3pc", 4, Some("default"), 0.0, "cc947f853ef5e741"),
        ("quorum", 5, Some("default"), 0.0, "5d081c65d289e8f8"),
        ("pbft", 4, Some("default"), 0.0, "6053342b2ffd3292"),
        ("commit-wait", 5, Some("default"), 0.0, "4f1ba93d6b7f4284"),
        ("crdt-counter", 5, Some("default"), 0.0, "0af570cf919d8d5e"),
        ("lcr", 6, Some("default"), 0.0, "7ceeb465ea9acc29"),
        ("hs", 6, Some("default"), 0.0, "ec4c539fbab7d82c"),
        ("flood", 300, None, 0.1, "22801e99a45c46c1"),
        ("tree", 300, None, 0.1, "261cadd0c05325cd"),
        ("plumtree", 200, None, 0.2, "60d7111a0bd23f22"),
        ("eager-push", 200, None, 0.2, "cebaeaab855c8a82"),
        ("health-check", 100, None, 0.1, "68b79fd6ad64c394"),
    ];

    #[test]
    fn issue_12_trace_hashes_unchanged_by_typed_messages_and_timers() {
        for &(protocol, nodes, faults, crash, want) in PINS {
            let req = SimRequest {
                protocol: protocol.into(),
                nodes,
                trials: 4,
                faults: faults.map(Into::into),
                crash,
                ..SimRequest::default()
            };
            let s = run(&req, &|_, _| {}).unwrap();
            assert_eq!(s.trace_hash, want, "{protocol}");
        }
    }
}
