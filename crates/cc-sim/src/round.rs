//! Synchronous round mode: random-phone-call gossip at millions of nodes.
//!
//! In round `r = 1, 2, …` every live node acts once (or `fanout` times)
//! based on the state at the *start* of the round; nodes informed during
//! round `r` act from round `r + 1` on. State lives in flat arrays (one
//! `u16` "informed in round" per node plus an index list); there is no
//! event heap. The network model of [`crate::net`] applies per message:
//! loss, crashes and partitions evaluated at time `r · round_ns`.
//!
//! Protocols (the paper conventions are in each variant's docs):
//!
//! * [`Spread::Push`]: each informed node pushes the rumor to `fanout`
//!   uniformly random other nodes. Frieze–Grimmett / Pittel:
//!   `log₂ n + ln n + O(1)` rounds.
//! * [`Spread::Pull`]: each *uninformed* node sends a pull request to a
//!   random node; an informed callee replies with the rumor. Every payload
//!   transmission (reply) informs a distinct node, so with no loss there are
//!   exactly `n − 1` payload transmissions.
//! * [`Spread::PushPull`]: every node calls a random node; informed callers
//!   push, uninformed callers pull. Karp et al. 2000: `log₃ n + O(log log n)` rounds.
//! * [`RumorConfig`]: Demers et al. 1987 rumor mongering (feedback/blind,
//!   counter/coin, push/pull, parameter `k`) — runs until no site is infective;
//!   [`RoundProtocol::RumorSequential`] is the same with sites acting one at a
//!   time in a random order within each cycle.
//! * [`AeMode`]: anti-entropy, every node exchanges digests with a random partner
//!   each cycle and missing updates are sent.

use crate::SimError;
use crate::metrics::{Recorder, RunMetrics, TimeUnit};
use crate::net::{CrashIndex, NetworkModel, NodeId, PartitionIndex, Time};
use crate::rng::{ChaCha8Rng, below, chance, other};
use serde::Serialize;
use std::collections::BTreeMap;

/// Random-phone-call spreading mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Spread {
    /// Informed nodes push.
    Push,
    /// Uninformed nodes pull.
    Pull,
    /// Informed callers push, uninformed callers pull.
    PushPull,
}

/// Demers et al. 1987 rumor-mongering variant.
///
/// A site is *susceptible* (does not know the update), *infective* (knows and
/// spreads it) or *removed* (knows, stopped spreading). Loss of interest:
///
/// * feedback + counter: after `k` contacts that found the partner already
///   knowing (Demers Table 1 / Table 3). "Already knowing" means knowing at
///   the start of the cycle, so two pushes reaching one susceptible site in
///   the same cycle both count as useful;
/// * feedback + coin: after each such contact with probability `1/k`;
/// * blind + counter: after `k` contacts regardless of the partner;
/// * blind + coin: after each contact with probability `1/k` (Table 2).
///
/// Push: each infective calls a random site and sends the update. Pull: every
/// site calls a random site each cycle; an infective callee sends the update;
/// an infective's counter/coin step is applied once per cycle in which at least
/// one of its sends was unnecessary (feedback) or at least one send happened (blind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RumorConfig {
    /// Feedback (`true`) or blind (`false`).
    pub feedback: bool,
    /// Counter (`true`) or coin (`false`).
    pub counter: bool,
    /// Pull (`true`) or push (`false`).
    pub pull: bool,
    /// Parameter `k >= 1`.
    pub k: u32,
}

/// Anti-entropy exchange direction (Demers et al. 1987).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AeMode {
    /// Caller sends what the callee lacks.
    Push,
    /// Callee sends what the caller lacks.
    Pull,
    /// Both.
    PushPull,
}

/// A round-mode protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RoundProtocol {
    /// Random phone call spreading, never stops on its own.
    Gossip(Spread),
    /// Demers rumor mongering, synchronous cycles (see [`RumorConfig`]).
    Rumor(RumorConfig),
    /// Demers rumor mongering, sequential cycles: within a cycle the sites act
    /// one at a time in a fresh random order and every contact sees, and
    /// changes, the state left by the contacts before it.
    ///
    /// * A site informed earlier in the cycle already counts as knowing the
    ///   update: a second push to it, or its own pull, is unnecessary.
    /// * A site informed in cycle `r` spreads (push: sends; pull: answers) from
    ///   cycle `r + 1` on, as in the synchronous variant. (Demers Table 2,
    ///   blind coin `k = 1`, is a chain of single pushes; its printed
    ///   `t_last = 38` for about 40 informed sites is one hop per cycle.)
    /// * The counter (or coin) moves at the contact that triggers it, so a site
    ///   can lose interest in the middle of a cycle and answers no later pull.
    ///   With feedback and counter and no loss, every transmission either
    ///   informs a site or is one of the `k` unnecessary ones of its sender, so
    ///   traffic is exactly `(k + 1)·informed − 1` (the lower bound of the paper).
    /// * Traffic counts update transmissions only (pushes; pull replies), not
    ///   pull requests.
    ///
    /// Demers et al. 1987 (CSL-89-1 §1.4) measure cycles but the stored copies
    /// of the paper retrieved for this project do not describe how their
    /// simulator orders the sites within a cycle; this is the sequential
    /// reading, [`RoundProtocol::Rumor`] the synchronous one. Loss, crashes and
    /// partitions apply per message as in the other protocols.
    ///
    /// Sources read: Tables 1–2 in CSL-89-1 p. 10,
    /// <https://yumpu.com/en/document/view/51309180/csl-89-1-epidemic-algorithms-for-replicated-database-maintenance/13>;
    /// the counter ("lose interest only after `k` unnecessary contacts") and
    /// the traffic bounds `(k+1)m − 1` and `k(2m − 1)` in the authors' §1.4
    /// TeX draft, <https://xeroxparcarchive.computerhistory.org/_cd6_/ralpine/chspaper/as1r4.tex!1>.
    RumorSequential(RumorConfig),
    /// Anti-entropy.
    AntiEntropy(AeMode),
}

/// Round-mode run configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundConfig {
    /// Number of nodes (`>= 2`).
    pub n: usize,
    /// Calls per node per round (`1..n`).
    pub fanout: u32,
    /// Origin of the rumor.
    pub origin: NodeId,
    /// Round budget (`1..=65000`); the run stops there with partial delivery.
    pub max_rounds: u32,
    /// Payload message size in bytes.
    pub payload_bytes: u32,
    /// Control message (request/digest) size in bytes.
    pub control_bytes: u32,
    /// Count messages per sending node.
    pub track_per_node: bool,
}

impl RoundConfig {
    /// Defaults for `n` nodes: fanout 1, origin 0, budget `20⌈log₂ n⌉ + 200`,
    /// 1 KiB payload, 32-byte control messages, per-node tracking on.
    pub fn new(n: usize) -> RoundConfig {
        let lg = (n.max(2) as f64).log2().ceil() as u32;
        RoundConfig {
            n,
            fanout: 1,
            origin: 0,
            max_rounds: (20 * lg + 200).min(65_000),
            payload_bytes: 1024,
            control_bytes: 32,
            track_per_node: true,
        }
    }
}

/// Message kinds of round mode.
pub const ROUND_KINDS: &[&str] = &["push", "pull-req", "pull-reply", "digest", "update"];
const PUSH: u8 = 0;
const PULL_REQ: u8 = 1;
const PULL_REPLY: u8 = 2;
const DIGEST: u8 = 3;
const UPDATE: u8 = 4;
const PAYLOAD_MASK: u64 = (1 << PUSH) | (1 << PULL_REPLY) | (1 << UPDATE);
const NONE: u16 = u16::MAX;

/// Network view used inside one round.
struct RoundNet<'a> {
    loss: f64,
    faults: bool,
    crashes: CrashIndex,
    parts: PartitionIndex,
    net: &'a NetworkModel,
}

enum Fate {
    Ok,
    Lost,
    Down,
    Cut,
}

impl RoundNet<'_> {
    #[inline]
    fn fate(&self, a: NodeId, b: NodeId, t: Time, rng: &mut ChaCha8Rng) -> Fate {
        if self.loss > 0.0 && chance(rng, self.loss) {
            return Fate::Lost;
        }
        if self.faults {
            if self.crashes.down(b, t) {
                return Fate::Down;
            }
            if !self.parts.is_empty() && self.parts.separated(a, b, t) {
                return Fate::Cut;
            }
        }
        Fate::Ok
    }
    #[inline]
    fn up(&self, v: NodeId, t: Time) -> bool {
        !self.faults || !self.crashes.down(v, t)
    }
}

/// Send one message through the round network; true if delivered.
#[inline]
#[allow(clippy::too_many_arguments)]
fn send(
    rec: &mut Recorder,
    rn: &RoundNet<'_>,
    a: NodeId,
    b: NodeId,
    kind: u8,
    bytes: u32,
    t: Time,
    rng: &mut ChaCha8Rng,
) -> bool {
    rec.sent(a, kind, bytes);
    match rn.fate(a, b, t, rng) {
        Fate::Ok => true,
        Fate::Lost => {
            rec.lost += 1;
            false
        }
        Fate::Down => {
            rec.dropped_crashed += 1;
            false
        }
        Fate::Cut => {
            rec.dropped_partition += 1;
            false
        }
    }
}

fn validate(cfg: &RoundConfig, net: &NetworkModel, proto: &RoundProtocol) -> Result<(), SimError> {
    if cfg.n < 2 {
        return Err(SimError::param(
            "nodes",
            format!("must be >= 2, got {}", cfg.n),
        ));
    }
    if cfg.n > (u32::MAX / 2) as usize {
        return Err(SimError::param(
            "nodes",
            format!("must be <= {}, got {}", u32::MAX / 2, cfg.n),
        ));
    }
    if cfg.fanout == 0 || cfg.fanout as usize >= cfg.n {
        return Err(SimError::param(
            "fanout",
            format!("must be in 1..={} (n - 1), got {}", cfg.n - 1, cfg.fanout),
        ));
    }
    if cfg.origin as usize >= cfg.n {
        return Err(SimError::param(
            "origin",
            format!("must be < n = {}", cfg.n),
        ));
    }
    if cfg.max_rounds == 0 || cfg.max_rounds > 65_000 {
        return Err(SimError::param(
            "max_rounds",
            format!("must be in 1..=65000, got {}", cfg.max_rounds),
        ));
    }
    if let RoundProtocol::Rumor(rc) | RoundProtocol::RumorSequential(rc) = proto
        && (rc.k == 0 || rc.k > 255)
    {
        return Err(SimError::param(
            "k",
            format!("must be in 1..=255, got {}", rc.k),
        ));
    }
    net.validate(cfg.n)
}

/// Run one round-mode simulation.
///
/// ```
/// use cc_sim::round::{run_rounds, RoundConfig, RoundProtocol, Spread};
/// use cc_sim::net::NetworkModel;
/// let mut rng = cc_sim::rng::trial_rng(1, 0);
/// let m = run_rounds(&RoundConfig::new(1000), &RoundProtocol::Gossip(Spread::Pull),
///                    &NetworkModel::default(), &mut rng)?;
/// assert_eq!(m.payload_messages, 999); // pull: exactly n - 1 transmissions
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_rounds(
    cfg: &RoundConfig,
    proto: &RoundProtocol,
    net: &NetworkModel,
    rng: &mut ChaCha8Rng,
) -> Result<RunMetrics, SimError> {
    validate(cfg, net, proto)?;
    let n = cfg.n;
    let rn = RoundNet {
        loss: net.loss,
        faults: !net.crashes.is_empty() || !net.partitions.is_empty(),
        crashes: CrashIndex::new(&net.crashes, n),
        parts: PartitionIndex::new(&net.partitions, n),
        net,
    };
    // delivery times are built from `st.round` at the end (no fill up front)
    let mut rec = Recorder::new(n, ROUND_KINDS, PAYLOAD_MASK, cfg.track_per_node, false);
    let mut st = State::new(cfg, &rn);
    let mut extra = BTreeMap::new();
    let rounds = match *proto {
        RoundProtocol::Gossip(Spread::Push) => push(cfg, &rn, &mut st, &mut rec, rng),
        RoundProtocol::Gossip(Spread::Pull) => pull(cfg, &rn, &mut st, &mut rec, rng),
        RoundProtocol::Gossip(Spread::PushPull) => push_pull(cfg, &rn, &mut st, &mut rec, rng),
        RoundProtocol::Rumor(rc) => {
            let r = rumor(cfg, rc, &rn, &mut st, &mut rec, rng);
            extra.insert("k".into(), f64::from(rc.k));
            r
        }
        RoundProtocol::RumorSequential(rc) => {
            let r = rumor_sequential(cfg, rc, &rn, &mut st, &mut rec, rng);
            extra.insert("k".into(), f64::from(rc.k));
            r
        }
        RoundProtocol::AntiEntropy(mode) => anti_entropy(cfg, mode, &rn, &mut st, &mut rec, rng),
    };
    // One pass builds the delivery times (the recorder left them unallocated).
    rec.delivered_at = st
        .round
        .iter()
        .map(|&r| if r == NONE { Time::MAX } else { Time::from(r) })
        .collect();
    let end_t = Time::from(rounds) * rn.net.round_ns;
    let up_at_end: Vec<bool> = if rn.faults {
        (0..n as NodeId)
            .map(|v| !rn.crashes.down(v, end_t))
            .collect()
    } else {
        vec![true; n]
    };
    Ok(rec.finish(
        TimeUnit::Rounds,
        rounds,
        Time::from(rounds),
        up_at_end,
        Some(cfg.origin),
        extra,
    ))
}

struct State {
    /// Round in which each node was informed (`NONE` = never).
    round: Vec<u16>,
    /// Informed nodes in order of infection.
    list: Vec<u32>,
    /// Informed nodes that are not crash-stopped.
    informed_eligible: usize,
    /// Nodes that are not crash-stopped.
    eligible: usize,
    forever_down: Vec<bool>,
}

impl State {
    fn new(cfg: &RoundConfig, rn: &RoundNet<'_>) -> State {
        let mut round = vec![NONE; cfg.n];
        round[cfg.origin as usize] = 0;
        let forever_down: Vec<bool> = if rn.faults {
            (0..cfg.n as NodeId)
                .map(|v| rn.crashes.down_forever(v))
                .collect()
        } else {
            Vec::new()
        };
        let eligible = cfg.n - forever_down.iter().filter(|&&d| d).count();
        let origin_eligible = forever_down.get(cfg.origin as usize).is_none_or(|d| !d);
        State {
            round,
            list: vec![cfg.origin],
            informed_eligible: usize::from(origin_eligible),
            eligible,
            forever_down,
        }
    }

    #[inline]
    fn inform(&mut self, v: NodeId, r: u32, rec: &mut Recorder) -> bool {
        let slot = &mut self.round[v as usize];
        if *slot != NONE {
            return false;
        }
        *slot = r as u16;
        self.list.push(v);
        if self.forever_down.get(v as usize).is_none_or(|d| !d) {
            self.informed_eligible += 1;
        }
        rec.hash.add(u64::from(r) << 32 | u64::from(v));
        true
    }

    /// [`State::inform`] for a node known to be uninformed (fault-free push
    /// path, where the bitset already decided): a blind store, no load.
    #[inline]
    fn inform_new(&mut self, v: NodeId, r: u32, rec: &mut Recorder) {
        self.round[v as usize] = r as u16;
        self.list.push(v);
        self.informed_eligible += 1;
        rec.hash.add(u64::from(r) << 32 | u64::from(v));
    }

    #[inline]
    fn knew_before(&self, v: NodeId, r: u32) -> bool {
        (self.round[v as usize] as u32) < r
    }

    fn done(&self) -> bool {
        self.informed_eligible >= self.eligible
    }
}

fn push(
    cfg: &RoundConfig,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    if rn.loss == 0.0 && !rn.faults {
        return push_fault_free(cfg, st, rec, rng);
    }
    let n = cfg.n as u32;
    let mut r = 0;
    while !st.done() && r < cfg.max_rounds {
        r += 1;
        let t = Time::from(r) * rn.net.round_ns;
        let active = st.list.len();
        rec.events += active as u64;
        for i in 0..active {
            let v = st.list[i];
            if !rn.up(v, t) {
                continue;
            }
            for _ in 0..cfg.fanout {
                let u = other(rng, n, v);
                if send(rec, rn, v, u, PUSH, cfg.payload_bytes, t, rng) {
                    st.inform(u, r, rec);
                }
            }
        }
    }
    r
}

/// Successes of the skipping push phase drawn before they are applied.
const SKIP_BLOCK: usize = 64;

/// Uniform 32-bit draws from the ChaCha8 stream, fetched in blocks.
struct Draws {
    buf: [u32; 512],
    pos: usize,
}

impl Draws {
    fn new() -> Self {
        Draws {
            buf: [0; 512],
            pos: 512,
        }
    }

    #[inline]
    fn next(&mut self, rng: &mut ChaCha8Rng) -> u32 {
        if self.pos == self.buf.len() {
            rand::Rng::fill(rng, &mut self.buf[..]);
            self.pos = 0;
        }
        let x = self.buf[self.pos];
        self.pos += 1;
        x
    }

    /// Unbiased uniform in `0..s` (Lemire), `s >= 1`.
    #[inline]
    fn below(&mut self, rng: &mut ChaCha8Rng, s: u32) -> u32 {
        let mut m = u64::from(self.next(rng)) * u64::from(s);
        if (m as u32) < s {
            let threshold = s.wrapping_neg() % s;
            while (m as u32) < threshold {
                m = u64::from(self.next(rng)) * u64::from(s);
            }
        }
        (m >> 32) as u32
    }
}

/// Push without loss or faults: the same random process as [`push`] with
/// the network checks compiled out, an informed bitset (n/8 bytes, cache
/// resident at 10⁶ nodes) and block-buffered random draws.
///
/// While at least half the nodes are uninformed every push draws its target.
/// Afterwards the round is sampled *exactly in distribution* by skipping
/// pushes that land on informed nodes (they change no state): each of the
/// `I·fanout` pushes hits the uninformed set `U` independently with
/// probability `|U|/(n−1)` and then a uniform member of `U`; the successes
/// are located by geometric skips. Message counts are exact (`I·fanout` per
/// round); per-node counts follow from the rounds: a node informed in round
/// `r₀` pushes `fanout` times in each of rounds `r₀+1 ..= R`.
fn push_fault_free(
    cfg: &RoundConfig,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    let s = n - 1;
    let mut known = vec![0u64; cfg.n.div_ceil(64)];
    known[(cfg.origin >> 6) as usize] |= 1 << (cfg.origin & 63);
    let mut draws = Draws::new();
    let mut r = 0;
    let per_push = u64::from(cfg.fanout);
    let mut skip = false;
    let mut unknown: Vec<u32> = Vec::new();
    st.list.reserve_exact(cfg.n - st.list.len());
    while !st.done() && r < cfg.max_rounds {
        r += 1;
        let active = st.list.len();
        rec.events += active as u64;
        let pushes = active as u64 * per_push;
        if !skip && 2 * (cfg.n - st.list.len()) < cfg.n {
            // Switch to skipping once fewer than half the nodes are uninformed.
            skip = true;
            unknown.reserve_exact(cfg.n - st.list.len());
            for (w, &word) in known.iter().enumerate() {
                let mut free = !word;
                while free != 0 {
                    let u = (w as u32) << 6 | free.trailing_zeros();
                    if u < n {
                        unknown.push(u);
                    }
                    free &= free - 1;
                }
            }
        }
        if skip {
            // Each push lands on an uninformed node with probability
            // p = |U|/(n-1) (senders are informed, so self-exclusion never
            // removes an uninformed target), independently, and then on a
            // uniform member of U. Successes are found by geometric skips over
            // the `pushes` Bernoulli(p) trials; failed pushes change nothing.
            if !unknown.is_empty() {
                let p = unknown.len() as f64 / f64::from(s);
                let lq = (-p).ln_1p();
                let len = unknown.len() as u32;
                let mut pos = 0u64;
                // Successes are drawn in blocks, then applied in order: the
                // draws do not depend on `known` within a round (`unknown` is
                // only pruned after it), so the random stream and the order
                // of infections are those of one success at a time, while the
                // block's random loads from `unknown` (megabytes at 10⁶ nodes)
                // are issued back to back and overlap.
                let mut block = [0u32; SKIP_BLOCK];
                let mut done = false;
                while !done {
                    let mut k = 0;
                    while k < SKIP_BLOCK {
                        // g >= 0, so truncation below is the floor
                        let g = (1.0 - crate::rng::unit(rng)).ln() / lq;
                        if g.is_nan() || g >= (pushes - pos) as f64 {
                            done = true;
                            break;
                        }
                        pos += g as u64 + 1;
                        block[k] = draws.below(rng, len);
                        k += 1;
                        if pos >= pushes {
                            done = true;
                            break;
                        }
                    }
                    // a tight gather: the block's loads are independent
                    for i in &mut block[..k] {
                        *i = unknown[*i as usize];
                    }
                    for &u in &block[..k] {
                        let w = (u >> 6) as usize;
                        let bit = 1u64 << (u & 63);
                        if known[w] & bit == 0 {
                            known[w] |= bit;
                            st.inform_new(u, r, rec);
                        }
                    }
                }
                unknown.retain(|&u| known[(u >> 6) as usize] & (1 << (u & 63)) == 0);
            }
        } else {
            for i in 0..active {
                let v = st.list[i];
                for _ in 0..cfg.fanout {
                    let t = draws.below(rng, s);
                    let u = t + u32::from(t >= v);
                    let w = (u >> 6) as usize;
                    let bit = 1u64 << (u & 63);
                    if known[w] & bit == 0 {
                        known[w] |= bit;
                        st.inform_new(u, r, rec);
                    }
                }
            }
        }
        let sent = active as u64 * per_push;
        rec.msgs[PUSH as usize] += sent;
        rec.bytes[PUSH as usize] += sent * u64::from(cfg.payload_bytes);
    }
    if rec.track_per_node {
        for (v, &r0) in st.round.iter().enumerate() {
            if r0 != NONE {
                rec.per_node[v] = (u64::from(r - u32::from(r0)) * per_push) as u32;
            }
        }
    }
    r
}

fn pull(
    cfg: &RoundConfig,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    let mut waiting: Vec<u32> = (0..n).filter(|&v| v != cfg.origin).collect();
    let mut r = 0;
    while !st.done() && r < cfg.max_rounds {
        r += 1;
        let t = Time::from(r) * rn.net.round_ns;
        rec.events += waiting.len() as u64;
        let mut keep = 0;
        for i in 0..waiting.len() {
            let v = waiting[i];
            let mut got = false;
            if rn.up(v, t) {
                for _ in 0..cfg.fanout {
                    let u = other(rng, n, v);
                    if send(rec, rn, v, u, PULL_REQ, cfg.control_bytes, t, rng)
                        && st.knew_before(u, r)
                        && send(rec, rn, u, v, PULL_REPLY, cfg.payload_bytes, t, rng)
                    {
                        st.inform(v, r, rec);
                        got = true;
                        break;
                    }
                }
            }
            if !got {
                waiting[keep] = v;
                keep += 1;
            }
        }
        waiting.truncate(keep);
    }
    r
}

fn push_pull(
    cfg: &RoundConfig,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    let mut r = 0;
    while !st.done() && r < cfg.max_rounds {
        r += 1;
        let t = Time::from(r) * rn.net.round_ns;
        rec.events += u64::from(n);
        for v in 0..n {
            if !rn.up(v, t) {
                continue;
            }
            for _ in 0..cfg.fanout {
                let u = other(rng, n, v);
                if st.knew_before(v, r) {
                    if send(rec, rn, v, u, PUSH, cfg.payload_bytes, t, rng) {
                        st.inform(u, r, rec);
                    }
                } else if send(rec, rn, v, u, PULL_REQ, cfg.control_bytes, t, rng)
                    && st.knew_before(u, r)
                    && send(rec, rn, u, v, PULL_REPLY, cfg.payload_bytes, t, rng)
                {
                    st.inform(v, r, rec);
                }
            }
        }
    }
    r
}

fn rumor(
    cfg: &RoundConfig,
    rc: RumorConfig,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    // 0 = not infective (susceptible or removed; see st.round), 1 = infective.
    let mut infective = vec![false; cfg.n];
    let mut counter = vec![0u8; cfg.n];
    infective[cfg.origin as usize] = true;
    let mut hot: Vec<u32> = vec![cfg.origin];
    let k = rc.k;
    let inv_k = 1.0 / f64::from(k);
    // Apply one loss-of-interest step to v; true if v stays infective.
    let step = |v: usize, counter: &mut [u8], rng: &mut ChaCha8Rng| -> bool {
        if rc.counter {
            counter[v] += 1;
            u32::from(counter[v]) < k
        } else {
            !chance(rng, inv_k)
        }
    };
    let mut r = 0;
    if !rc.pull {
        while !hot.is_empty() && r < cfg.max_rounds {
            r += 1;
            let t = Time::from(r) * rn.net.round_ns;
            let active = hot.len();
            rec.events += active as u64;
            let mut keep = 0;
            let mut fresh = Vec::new();
            for i in 0..active {
                let v = hot[i];
                let mut stays = true;
                if rn.up(v, t) {
                    let u = other(rng, n, v);
                    let delivered = send(rec, rn, v, u, PUSH, cfg.payload_bytes, t, rng);
                    let newly = delivered && st.inform(u, r, rec);
                    if newly {
                        infective[u as usize] = true;
                        fresh.push(u);
                    }
                    // Feedback reports whether the partner knew the update at
                    // the start of the cycle (two pushes reaching the same
                    // susceptible site in one cycle are both useful to their senders).
                    let unnecessary = delivered && st.knew_before(u, r);
                    if !rc.feedback || unnecessary {
                        stays = step(v as usize, &mut counter, rng);
                    }
                }
                if stays {
                    hot[keep] = v;
                    keep += 1;
                } else {
                    infective[v as usize] = false;
                }
            }
            hot.truncate(keep);
            hot.extend_from_slice(&fresh);
        }
    } else {
        let mut touched = vec![0u8; cfg.n]; // bit0: sent this cycle, bit1: unnecessary send
        while !hot.is_empty() && r < cfg.max_rounds {
            r += 1;
            let t = Time::from(r) * rn.net.round_ns;
            rec.events += u64::from(n);
            for v in 0..n {
                if !rn.up(v, t) {
                    continue;
                }
                let u = other(rng, n, v);
                if !send(rec, rn, v, u, PULL_REQ, cfg.control_bytes, t, rng) {
                    continue;
                }
                // The callee answers only if it was infective at the start of the cycle.
                if !(infective[u as usize] && st.knew_before(u, r)) {
                    continue;
                }
                let delivered = send(rec, rn, u, v, PULL_REPLY, cfg.payload_bytes, t, rng);
                touched[u as usize] |= 1;
                if delivered {
                    if st.inform(v, r, rec) {
                        infective[v as usize] = true;
                        hot.push(v);
                    } else {
                        touched[u as usize] |= 2;
                    }
                }
            }
            let mut keep = 0;
            for i in 0..hot.len() {
                let v = hot[i];
                let mark = touched[v as usize];
                touched[v as usize] = 0;
                let trigger = if rc.feedback {
                    mark & 2 != 0
                } else {
                    mark & 1 != 0
                };
                let stays = !trigger || step(v as usize, &mut counter, rng);
                if stays {
                    hot[keep] = v;
                    keep += 1;
                } else {
                    infective[v as usize] = false;
                }
            }
            hot.truncate(keep);
        }
    }
    r
}

/// [`RoundProtocol::RumorSequential`]: one cycle is a random permutation of
/// all sites, each acting once on the current state.
fn rumor_sequential(
    cfg: &RoundConfig,
    rc: RumorConfig,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    let mut infective = vec![false; cfg.n];
    let mut counter = vec![0u8; cfg.n];
    infective[cfg.origin as usize] = true;
    let mut hot = 1usize;
    let k = rc.k;
    let inv_k = 1.0 / f64::from(k);
    // One loss-of-interest step for v; true if v stays infective.
    let step = |v: usize, counter: &mut [u8], rng: &mut ChaCha8Rng| -> bool {
        if rc.counter {
            counter[v] += 1;
            u32::from(counter[v]) < k
        } else {
            !chance(rng, inv_k)
        }
    };
    let mut order: Vec<u32> = (0..n).collect();
    let mut r = 0;
    while hot > 0 && r < cfg.max_rounds {
        r += 1;
        let t = Time::from(r) * rn.net.round_ns;
        // Fisher–Yates: a fresh uniformly random order every cycle.
        for i in (1..order.len()).rev() {
            let j = below(rng, i as u32 + 1) as usize;
            order.swap(i, j);
        }
        for &v in &order {
            if !rn.up(v, t) {
                continue;
            }
            // (sender, receiver) of the update, if this contact carries one.
            let (from, to) = if rc.pull {
                rec.events += 1;
                let u = other(rng, n, v);
                if !send(rec, rn, v, u, PULL_REQ, cfg.control_bytes, t, rng) {
                    continue;
                }
                // A callee informed in this cycle answers from the next one.
                if !infective[u as usize] || !st.knew_before(u, r) {
                    continue;
                }
                (u, v)
            } else {
                // A site informed in this cycle pushes from the next one.
                if !infective[v as usize] || !st.knew_before(v, r) {
                    continue;
                }
                rec.events += 1;
                (v, other(rng, n, v))
            };
            let kind = if rc.pull { PULL_REPLY } else { PUSH };
            let delivered = send(rec, rn, from, to, kind, cfg.payload_bytes, t, rng);
            let knew = st.round[to as usize] != NONE;
            if delivered && !knew {
                st.inform(to, r, rec);
                infective[to as usize] = true;
                hot += 1;
            }
            let unnecessary = delivered && knew;
            if (!rc.feedback || unnecessary) && !step(from as usize, &mut counter, rng) {
                infective[from as usize] = false;
                hot -= 1;
            }
        }
    }
    r
}

fn anti_entropy(
    cfg: &RoundConfig,
    mode: AeMode,
    rn: &RoundNet<'_>,
    st: &mut State,
    rec: &mut Recorder,
    rng: &mut ChaCha8Rng,
) -> u32 {
    let n = cfg.n as u32;
    let mut r = 0;
    while !st.done() && r < cfg.max_rounds {
        r += 1;
        let t = Time::from(r) * rn.net.round_ns;
        rec.events += u64::from(n);
        for v in 0..n {
            if !rn.up(v, t) {
                continue;
            }
            let u = below(rng, n - 1);
            let u = if u >= v { u + 1 } else { u };
            // Digest exchange: v -> u, then u -> v.
            if !send(rec, rn, v, u, DIGEST, cfg.control_bytes, t, rng) {
                continue;
            }
            let v_has = st.knew_before(v, r);
            let u_has = st.knew_before(u, r);
            if !send(rec, rn, u, v, DIGEST, cfg.control_bytes, t, rng) {
                continue;
            }
            if u_has && !v_has && mode != AeMode::Push {
                if send(rec, rn, u, v, UPDATE, cfg.payload_bytes, t, rng) {
                    st.inform(v, r, rec);
                }
            } else if v_has
                && !u_has
                && mode != AeMode::Pull
                && send(rec, rn, v, u, UPDATE, cfg.payload_bytes, t, rng)
            {
                st.inform(u, r, rec);
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Crash, Partition};
    use crate::rng::trial_rng;

    fn run(n: usize, p: RoundProtocol, net: &NetworkModel, seed: u64) -> RunMetrics {
        run_rounds(&RoundConfig::new(n), &p, net, &mut trial_rng(seed, 0)).unwrap()
    }

    #[test]
    fn pull_exactly_n_minus_1_payloads() {
        for seed in 0..5 {
            let m = run(
                500,
                RoundProtocol::Gossip(Spread::Pull),
                &NetworkModel::default(),
                seed,
            );
            assert_eq!(m.payload_messages, 499);
            assert_eq!(m.delivery_ratio(), 1.0);
        }
    }

    #[test]
    fn all_spreads_deliver_everything() {
        for p in [Spread::Push, Spread::Pull, Spread::PushPull] {
            let m = run(2000, RoundProtocol::Gossip(p), &NetworkModel::default(), 3);
            assert_eq!(m.delivery_ratio(), 1.0, "{p:?}");
            assert!(m.rounds < 60);
        }
        for mode in [AeMode::Push, AeMode::Pull, AeMode::PushPull] {
            let m = run(
                2000,
                RoundProtocol::AntiEntropy(mode),
                &NetworkModel::default(),
                3,
            );
            assert_eq!(m.delivery_ratio(), 1.0, "{mode:?}");
        }
    }

    #[test]
    fn push_counts_one_message_per_informed_node_round() {
        let cfg = RoundConfig::new(300);
        let m = run_rounds(
            &cfg,
            &RoundProtocol::Gossip(Spread::Push),
            &NetworkModel::default(),
            &mut trial_rng(5, 0),
        )
        .unwrap();
        // messages = sum over rounds of nodes informed before that round.
        let mut expected = 0u64;
        for r in 1..=m.rounds {
            expected += m
                .delivered_at
                .iter()
                .filter(|&&t| t < Time::from(r))
                .count() as u64;
        }
        assert_eq!(m.messages, expected);
        assert_eq!(
            m.sent_per_node.iter().map(|&x| u64::from(x)).sum::<u64>(),
            m.messages
        );
    }

    #[test]
    fn fast_push_path_matches_general_path_in_distribution() {
        // A partition that opens long after the end forces the general path
        // (every push drawn and checked) without changing the process.
        let general = NetworkModel {
            partitions: vec![Partition {
                start: Time::MAX - 1,
                end: Time::MAX,
                side: vec![0],
            }],
            ..NetworkModel::default()
        };
        let mean = |net: &NetworkModel, stream: u64| {
            let trials = 300;
            let (mut rounds, mut msgs) = (0.0, 0.0);
            for i in 0..trials {
                let m = run_rounds(
                    &RoundConfig::new(4000),
                    &RoundProtocol::Gossip(Spread::Push),
                    net,
                    &mut trial_rng(stream, i),
                )
                .unwrap();
                rounds += f64::from(m.rounds);
                msgs += m.messages as f64;
            }
            (rounds / trials as f64, msgs / trials as f64)
        };
        let (rf, mf) = mean(&NetworkModel::default(), 1);
        let (rg, mg) = mean(&general, 2);
        // sd of rounds is about 1.1, so the standard error of a difference of means is about 0.09
        assert!((rf - rg).abs() < 0.4, "fast {rf} vs general {rg}");
        assert!((mf / mg - 1.0).abs() < 0.03, "fast {mf} vs general {mg}");
    }

    #[test]
    fn crashed_nodes_never_informed_and_run_ends() {
        let mut net = NetworkModel::default();
        let mut rng = trial_rng(1, 1);
        let crashed = net.crash_fraction(1000, 0.2, 0, 0, &mut rng).unwrap();
        assert_eq!(crashed.len(), 199);
        for p in [Spread::Push, Spread::Pull, Spread::PushPull] {
            let m = run(1000, RoundProtocol::Gossip(p), &net, 2);
            for &c in &crashed {
                assert_eq!(m.delivered_at[c as usize], Time::MAX);
            }
            assert_eq!(m.delivery_ratio(), 1.0);
            assert!(m.rounds < 100);
        }
    }

    #[test]
    fn partition_blocks_until_heal() {
        let net = NetworkModel {
            partitions: vec![Partition {
                start: 0,
                end: 10 * 100 * crate::net::MS,
                side: (0..50).collect(),
            }],
            ..NetworkModel::default()
        };
        let m = run(100, RoundProtocol::Gossip(Spread::PushPull), &net, 4);
        for v in 50..100 {
            assert!(
                m.delivered_at[v] >= 10,
                "node {v} informed during partition"
            );
        }
        assert_eq!(m.delivery_ratio(), 1.0);
        assert!(m.dropped_partition > 0);
    }

    #[test]
    fn crash_recover_node_gets_informed_after_recovery() {
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 7,
                at: 0,
                recover_at: Some(30 * 100 * crate::net::MS),
            }],
            ..NetworkModel::default()
        };
        let m = run(64, RoundProtocol::AntiEntropy(AeMode::PushPull), &net, 9);
        assert!(m.delivered_at[7] >= 30);
    }

    #[test]
    fn rumor_terminates_and_respects_k() {
        for feedback in [true, false] {
            for counter in [true, false] {
                for pull in [true, false] {
                    let rc = RumorConfig {
                        feedback,
                        counter,
                        pull,
                        k: 3,
                    };
                    let m = run(1000, RoundProtocol::Rumor(rc), &NetworkModel::default(), 11);
                    assert!(m.rounds < 200, "{rc:?}");
                    assert!(m.residue() < 0.5, "{rc:?} residue {}", m.residue());
                    if counter && !pull {
                        // each infective sends at most k unnecessary pushes (feedback) or k pushes (blind)
                        if !feedback {
                            assert!(m.sent_per_node.iter().all(|&c| c <= 3));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn invalid_parameters_are_named() {
        let mut cfg = RoundConfig::new(10);
        cfg.fanout = 10;
        let e = run_rounds(
            &cfg,
            &RoundProtocol::Gossip(Spread::Push),
            &NetworkModel::default(),
            &mut trial_rng(0, 0),
        )
        .unwrap_err();
        assert!(e.to_string().contains("fanout"), "{e}");
        let e = run_rounds(
            &RoundConfig::new(1),
            &RoundProtocol::Gossip(Spread::Push),
            &NetworkModel::default(),
            &mut trial_rng(0, 0),
        )
        .unwrap_err();
        assert!(e.to_string().contains("nodes"), "{e}");
        let rc = RumorConfig {
            feedback: true,
            counter: true,
            pull: false,
            k: 0,
        };
        let e = run_rounds(
            &RoundConfig::new(10),
            &RoundProtocol::RumorSequential(rc),
            &NetworkModel::default(),
            &mut trial_rng(0, 0),
        )
        .unwrap_err();
        assert!(e.to_string().contains('k'), "{e}");
    }

    fn informed(m: &RunMetrics) -> u64 {
        m.delivered_counts().0
    }

    #[test]
    fn sequential_feedback_counter_traffic_is_the_lower_bound() {
        // Every transmission informs a site or is one of the k unnecessary
        // ones of its sender: traffic = (k + 1)·informed − 1 exactly, push and pull.
        for pull in [false, true] {
            for k in 1..=4 {
                let rc = RumorConfig {
                    feedback: true,
                    counter: true,
                    pull,
                    k,
                };
                for seed in 0..5 {
                    let m = run(
                        1000,
                        RoundProtocol::RumorSequential(rc),
                        &NetworkModel::default(),
                        seed,
                    );
                    let inf = informed(&m);
                    assert_eq!(
                        m.payload_messages,
                        (u64::from(k) + 1) * inf - 1,
                        "{rc:?} seed {seed}"
                    );
                }
            }
        }
    }

    #[test]
    fn sequential_pull_counts_replies_not_requests() {
        let rc = RumorConfig {
            feedback: true,
            counter: true,
            pull: true,
            k: 2,
        };
        let m = run(
            500,
            RoundProtocol::RumorSequential(rc),
            &NetworkModel::default(),
            3,
        );
        // every site sends one request per cycle; only replies carry the update
        assert_eq!(m.messages - m.payload_messages, 500 * u64::from(m.rounds));
        assert!(m.payload_messages < 5 * 500);
    }

    #[test]
    fn sequential_blind_coin_k1_is_a_chain_one_hop_per_cycle() {
        // Each informed site pushes exactly once and only from the cycle after
        // it was informed: the informed sites form a chain, one per cycle.
        let rc = RumorConfig {
            feedback: false,
            counter: false,
            pull: false,
            k: 1,
        };
        for seed in 0..20 {
            let m = run(
                1000,
                RoundProtocol::RumorSequential(rc),
                &NetworkModel::default(),
                seed,
            );
            let inf = informed(&m);
            assert_eq!(m.payload_messages, inf, "seed {seed}");
            assert_eq!(u64::from(m.rounds), inf, "seed {seed}");
            let d = m.delivery_times().unwrap();
            assert_eq!(d.max as u64, inf - 1, "seed {seed}");
        }
    }

    #[test]
    fn sequential_counts_same_cycle_duplicates_as_unnecessary() {
        // The synchronous variant lets two pushes reaching one susceptible site
        // in the same cycle both count as useful, so it removes fewer senders
        // and sends at least as much traffic per informed site.
        let rc = RumorConfig {
            feedback: true,
            counter: true,
            pull: false,
            k: 3,
        };
        let mut extra_sync = 0u64;
        for seed in 0..20 {
            let m = run(
                1000,
                RoundProtocol::Rumor(rc),
                &NetworkModel::default(),
                seed,
            );
            let bound = 4 * informed(&m) - 1;
            assert!(m.payload_messages >= bound, "seed {seed}");
            extra_sync += m.payload_messages - bound;
        }
        assert!(extra_sync > 0);
    }

    #[test]
    fn sequential_rumor_survives_loss_and_terminates() {
        let net = NetworkModel {
            loss: 0.3,
            ..NetworkModel::default()
        };
        for pull in [false, true] {
            for feedback in [true, false] {
                let rc = RumorConfig {
                    feedback,
                    counter: true,
                    pull,
                    k: 3,
                };
                let m = run(500, RoundProtocol::RumorSequential(rc), &net, 8);
                assert!(m.rounds < 300, "{rc:?}");
                assert!(m.lost > 0, "{rc:?}");
                assert!(informed(&m) > 1, "{rc:?}");
            }
        }
    }

    #[test]
    fn loss_one_informs_nobody() {
        let net = NetworkModel {
            loss: 1.0,
            ..NetworkModel::default()
        };
        let mut cfg = RoundConfig::new(50);
        cfg.max_rounds = 20;
        let m = run_rounds(
            &cfg,
            &RoundProtocol::Gossip(Spread::Push),
            &net,
            &mut trial_rng(0, 0),
        )
        .unwrap();
        assert_eq!(m.rounds, 20);
        assert!((m.delivery_ratio() - 1.0 / 50.0).abs() < 1e-12);
        assert_eq!(m.lost, 20);
    }
}
