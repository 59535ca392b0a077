//! Linearizable reads in Raft (Ongaro's thesis §6.4, "Processing read-only
//! queries more efficiently"): through the log, by ReadIndex, and by a
//! leader lease — the `raft-read` protocol of the registry.
//!
//! A read client (node `n`, which never crashes) issues `count` reads,
//! `interval` apart from `start`; each goes to a server that believes it is
//! the leader (one drawn uniformly if, during a partition, several do — a
//! client stuck with a deposed leader is the interesting case), or finds none
//! (counted as unavailable). A read returns the state machine at some log
//! index; the client's hop is not simulated, so a read's messages and
//! latency are the servers' own. Every new leader first commits a no-op of
//! its term (thesis §6.4 step 1), so its commit index is current.
//!
//! * **log** — the read is appended as a log entry and answered, at its own
//!   index, when it commits: one replication round, `2(n − 1)` messages
//!   (`append` + `append-reply`), latency one round trip.
//! * **read-index** — the leader records its commit index, sends one
//!   heartbeat round tagged with the read (`read-heartbeat`, echoed by
//!   `read-heartbeat-reply`), and answers once a majority acknowledged that
//!   round or a later one: `2(n − 1)` messages, one round trip, no log write.
//! * **lease** — every heartbeat round a majority acknowledged extends the
//!   leader's lease to the round's start on its own clock plus
//!   `election_min · (1 − ρ)/(1 + ρ)`, `ρ` the clock-drift bound; while it
//!   holds (and the leader has committed in its term) a read is answered
//!   locally: **0 messages, 0 latency**; otherwise it falls back to a
//!   ReadIndex round. Safe because followers do not vote within
//!   `election_min` (on their clocks) of hearing from a leader (thesis
//!   §4.2.3; a restarted server waits as long), so no other leader can exist
//!   before a majority's guards lapse, which on the leader's clock takes at
//!   least the lease.
//!
//! `messages_per_decision` of `cclab sim raft-read` is, for `log`, the
//! replication messages per committed entry (writes, reads and no-ops alike;
//! a read on the log is one entry) and otherwise the tagged rounds' messages
//! per answered read.
//!
//! Exact fault-free counts with `R` reads (no writes): **log**: `append` and
//! `append-reply` `(n − 1)(R + 1)` each (the reads and the no-op);
//! **read-index**: `read-heartbeat` and its reply `(n − 1)·R` each, `append`
//! `(n − 1)` (the no-op); **lease**: no `read-heartbeat` at all. Sizes:
//! `read-heartbeat` 64 bytes, its reply 48 (a heartbeat plus the round).
//!
//! **Checker** (linearizability of reads against the committed log): a read
//! invoked after index `i` committed must return a state at index `≥ i`,
//! and no read returns an index not yet committed. Raft's own checkers run
//! too. **Mutant** `lease-without-drift-bound`: the lease lasts the full
//! `election_min` on the leader's clock; with clocks drifting by up to ρ a
//! deposed leader serves stale reads after a new leader committed writes.

use super::{Raft, RaftConfig, RaftMsg, RaftSim, RaftTimer, Role};
use crate::SimError;
use crate::coord::faults::{Amount, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window};
use crate::des::{EventConfig, Message, run_events, trace_lines};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{ClockSkew, MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, NodeRange, OptionGroup, Prepared, Scenario, SimProtocol, latency_hint, max_rtt,
};
use crate::rng::{ChaCha8Rng, below, chance, unit};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;
use std::collections::BTreeMap;

/// Command ids at or above this mark read entries (`READ_BASE + read id`).
pub(super) const READ_BASE: u64 = 1 << 60;
/// Command ids at or above this mark a new leader's no-op (`NOOP_BASE + term`).
pub(super) const NOOP_BASE: u64 = 1 << 61;

/// How reads are made linearizable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReadPath {
    /// Through the log: the read is an entry.
    Log,
    /// ReadIndex: one heartbeat round confirms leadership.
    ReadIndex,
    /// Leader lease: answered locally while the lease holds.
    Lease,
}

impl ReadPath {
    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReadPath::Log => "log",
            ReadPath::ReadIndex => "read-index",
            ReadPath::Lease => "lease",
        }
    }
}

/// The read workload and path of a Raft run ([`RaftConfig::reads`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReadConfig {
    /// The path.
    pub path: ReadPath,
    /// Reads issued.
    pub count: u64,
    /// Time of the first read (ns).
    pub start: Time,
    /// Time between reads (ns).
    pub interval: Time,
    /// Lease: the clock-drift bound ρ in ppm; `None` is the mutant
    /// `lease-without-drift-bound` (the lease lasts `election_min`).
    pub drift_bound_ppm: Option<u32>,
}

impl ReadConfig {
    /// Length of a lease on the leader's clock (ns):
    /// `election_min · (1 − ρ)/(1 + ρ)`, or `election_min` without a bound.
    pub fn lease_ns(&self, election_min: Time) -> i64 {
        let e = election_min as f64;
        match self.drift_bound_ppm {
            Some(ppm) => {
                let rho = f64::from(ppm) / 1e6;
                (e * (1.0 - rho) / (1.0 + rho)) as i64
            }
            None => e as i64,
        }
    }
}

/// A server's read state (volatile: lost with leadership or a crash).
#[derive(Debug, Clone, Default)]
pub(super) struct ReadState {
    /// Heartbeat rounds started in this leadership.
    pub(super) round: u64,
    /// Start of round `r` on the leader's clock, at index `r − 1`.
    round_start: Vec<i64>,
    /// Highest round each follower acknowledged.
    pub(super) acked: Vec<u64>,
    /// The lease holds while the leader's clock is below this.
    lease_until: Option<i64>,
    /// Reads waiting for a round: (read id, round).
    pending: Vec<(usize, u64)>,
    /// When (own clock) this server last heard from a leader.
    pub(super) last_heard: Option<i64>,
}

impl ReadState {
    pub(super) fn new_round(&mut self, local: i64) {
        self.round += 1;
        self.round_start.push(local);
    }

    pub(super) fn ack(&mut self, follower: usize, round: u64) {
        if let Some(a) = self.acked.get_mut(follower) {
            *a = (*a).max(round);
        }
    }

    pub(super) fn lose_leadership(&mut self) {
        self.round = 0;
        self.round_start.clear();
        self.acked.clear();
        self.lease_until = None;
        self.pending.clear();
    }

    /// The latest round a majority (the leader included) acknowledged.
    fn majority_round(&self, leader: usize, n: usize) -> u64 {
        let mut r: Vec<u64> = (0..n)
            .map(|p| {
                if p == leader {
                    self.round
                } else {
                    self.acked.get(p).copied().unwrap_or(0)
                }
            })
            .collect();
        r.sort_unstable_by(|a, b| b.cmp(a));
        r[n / 2]
    }
}

/// One read.
#[derive(Debug, Clone)]
pub(super) struct ReadRec {
    invoked: Time,
    /// The highest index committed when it was invoked.
    must_see: u64,
    leader: NodeId,
    path: ReadPath,
    served: Option<(u64, Time)>,
}

impl Raft {
    fn own_term_committed(&self, v: usize) -> bool {
        let s = &self.s[v];
        s.commit > 0 && s.log.get(s.commit as usize - 1).map(|e| e.0) == Some(s.term)
    }

    /// Thesis §4.2.3 (only with leases): a follower that heard from a leader
    /// less than `election_min` ago on its clock ignores vote requests.
    pub(super) fn vote_guarded(&self, sim: &RaftSim, v: NodeId) -> bool {
        let s = &self.s[v as usize];
        self.cfg.reads.is_some_and(|r| r.path == ReadPath::Lease)
            && s.role == Role::Follower
            && s.rd
                .last_heard
                .is_some_and(|h| sim.local_time(v) - h < self.cfg.election_min as i64)
    }

    /// The read client's timer: issue the next read.
    pub(super) fn issue_read(&mut self, sim: &mut RaftSim, client: NodeId) {
        let Some(rc) = self.cfg.reads else { return };
        let issued = self.reads.len() as u64 + self.unavailable;
        if issued >= rc.count {
            return;
        }
        if issued + 1 < rc.count {
            sim.set_timer(client, rc.interval, RaftTimer::Read);
        }
        let leaders: Vec<usize> = (0..self.cfg.n)
            .filter(|&v| self.s[v].role == Role::Leader && sim.is_up(v as NodeId))
            .collect();
        let v = match leaders.len() {
            0 => {
                self.unavailable += 1;
                return;
            }
            1 => leaders[0],
            k => leaders[below(sim.rng(), k as u32) as usize],
        };
        let id = self.reads.len();
        let must_see = self.committed.keys().next_back().copied().unwrap_or(0);
        let lease_ok = rc.path == ReadPath::Lease
            && self.own_term_committed(v)
            && self.s[v]
                .rd
                .lease_until
                .is_some_and(|u| sim.local_time(v as NodeId) < u);
        let path = match rc.path {
            ReadPath::Lease if !lease_ok => {
                self.lease_fallbacks += 1;
                ReadPath::ReadIndex
            }
            p => p,
        };
        self.reads.push(ReadRec {
            invoked: sim.now(),
            must_see,
            leader: v as NodeId,
            path: rc.path,
            served: None,
        });
        match path {
            ReadPath::Log => {
                let s = &mut self.s[v];
                s.log.push((s.term, READ_BASE + id as u64));
                s.matched[v] = s.log.len() as u64;
                self.broadcast(sim, v as NodeId, false);
            }
            ReadPath::ReadIndex => {
                self.broadcast(sim, v as NodeId, true);
                let r = self.s[v].rd.round;
                self.s[v].rd.pending.push((id, r));
                self.serve_reads(sim, v as NodeId);
            }
            ReadPath::Lease => {
                let commit = self.s[v].commit;
                self.resolve_read(sim, id, commit);
            }
        }
    }

    /// After an acknowledgement: extend the lease, answer confirmed reads.
    pub(super) fn serve_reads(&mut self, sim: &mut RaftSim, v: NodeId) {
        let (Some(rc), vi) = (self.cfg.reads, v as usize) else {
            return;
        };
        if self.s[vi].role != Role::Leader || !self.own_term_committed(vi) {
            return;
        }
        let m = self.s[vi].rd.majority_round(vi, self.cfg.n);
        if m == 0 {
            return;
        }
        let lease = rc.lease_ns(self.cfg.election_min);
        let rd = &mut self.s[vi].rd;
        if rc.path == ReadPath::Lease
            && let Some(&start) = rd.round_start.get(m as usize - 1)
        {
            let until = start.saturating_add(lease);
            rd.lease_until = Some(rd.lease_until.map_or(until, |u| u.max(until)));
        }
        let ready: Vec<usize> = rd
            .pending
            .iter()
            .filter(|p| p.1 <= m)
            .map(|p| p.0)
            .collect();
        rd.pending.retain(|p| p.1 > m);
        let commit = self.s[vi].commit;
        for id in ready {
            self.resolve_read(sim, id, commit);
        }
    }

    /// Read `id` returns the state at `index`: check it.
    pub(super) fn resolve_read(&mut self, sim: &mut RaftSim, id: usize, index: u64) {
        let committed = self.committed.keys().next_back().copied().unwrap_or(0);
        let Some(r) = self.reads.get_mut(id) else {
            return;
        };
        if r.served.is_some() {
            return;
        }
        r.served = Some((index, sim.now()));
        if index < r.must_see {
            self.violations.push(format!(
                "linearizability: read {id} ({}, at server {}) returned the state at index {index}, but index {} committed before it was invoked",
                r.path.name(),
                r.leader,
                r.must_see
            ));
        }
        if index > committed {
            self.violations.push(format!(
                "linearizability: read {id} returned index {index}, beyond the committed {committed}"
            ));
        }
    }
}

/// Outcome of a Raft run with reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadRun {
    /// Messages by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Total messages.
    pub messages: u64,
    /// Total bytes.
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Reads issued to a leader.
    pub issued: u64,
    /// Reads answered.
    pub served: u64,
    /// Reads that found no leader.
    pub unavailable: u64,
    /// Lease reads that fell back to a ReadIndex round.
    pub lease_fallbacks: u64,
    /// Latency of each answered read (ns).
    pub latencies_ns: Vec<Time>,
    /// Log entries committed (writes, reads on the log, no-ops).
    pub committed: u64,
    /// Terms that had a leader.
    pub terms: u64,
    /// Checker findings (Raft's and the reads').
    pub violations: Vec<String>,
}

impl ReadRun {
    /// Messages of one kind.
    pub fn kind(&self, k: &str) -> u64 {
        self.by_kind.get(k).copied().unwrap_or(0)
    }

    /// Election messages: `request-vote` + `vote`.
    pub fn election_messages(&self) -> u64 {
        self.kind("request-vote") + self.kind("vote")
    }
}

/// Run Raft with `cfg.reads` (required) over `net` until `max_time`; with
/// `log`, also return the delivery trace lines.
pub fn run_raft_reads(
    cfg: &RaftConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(ReadRun, Vec<String>), SimError> {
    let Some(rc) = cfg.reads else {
        return Err(SimError::param("reads", "a read run needs a read workload"));
    };
    if !(3..=64).contains(&cfg.n) {
        return Err(SimError::param(
            "nodes",
            format!("raft-read supports 3..=64 servers, got {}", cfg.n),
        ));
    }
    if rc.count == 0 || rc.count > 100_000 || rc.interval == 0 {
        return Err(SimError::param(
            "reads",
            format!(
                "needs 1..=100000 reads at an interval > 0, got {} every {} ns",
                rc.count, rc.interval
            ),
        ));
    }
    let mut p = Raft::new(*cfg);
    let ecfg = EventConfig {
        max_time,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, deliveries) = run_events(&mut p, cfg.n + 1, net, &ecfg, rng)?;
    let violations = p.check();
    let latencies_ns: Vec<Time> = p
        .reads
        .iter()
        .filter_map(|r| r.served.map(|(_, t)| t - r.invoked))
        .collect();
    Ok((
        ReadRun {
            by_kind: m.messages_by_kind(),
            messages: m.messages,
            bytes: m.bytes,
            trace_hash: m.trace_hash,
            issued: p.reads.len() as u64,
            served: latencies_ns.len() as u64,
            unavailable: p.unavailable,
            lease_fallbacks: p.lease_fallbacks,
            latencies_ns,
            committed: p.committed.len() as u64,
            terms: p.leaders.len() as u64,
            violations,
        },
        trace_lines(&deliveries, RaftMsg::KINDS),
    ))
}

/// Clock-drift bound of the read fault mix and of the lease (ppm): ±20 %
/// (the largest `--faults` accepts; real quartz drifts ~±100 ppm, so this
/// stresses the bound rather than modelling hardware).
pub const READ_DRIFT_PPM: u32 = 200_000;

/// The network part of the `raft-read` fault mix: exponential latency with
/// a mean drawn in `[0.5, 5)` ms, loss below 0.05, duplication below 0.02,
/// each server crashing with probability 0.15 in the first 1.2 s and
/// recovering with probability 0.8 within 500 ms, and a partition with
/// probability 0.8 opening between 0.4 and 1.2 s (after the first election)
/// for up to 800 ms, deposing leaders that clients still read from. The
/// clocks are drawn by [`raft_read_fault_schedule`].
pub const RAFT_READ_MIX: FaultMix = FaultMix {
    latency: MixLatency::ExponentialMeanIn(0.5, 4.5),
    loss: Amount::UpTo(0.05),
    dup: Amount::UpTo(0.02),
    crash: 0.15,
    coordinator_crash: None,
    crash_at: Window::ms(1200),
    recovery: Recovery::After {
        p: 0.8,
        after: Window::ms(500),
    },
    partition: 0.8,
    partition_at: Window {
        count: 800,
        step_ns: MS,
    },
    partition_for: Window::ms(800),
    clocks: (0, 0),
};

/// One `raft-read` fault schedule for `n` servers: [`RAFT_READ_MIX`], the
/// partition shifted to open at 400 ms or later, then every server's clock
/// offset uniform in ±10 ms and its drift **at the bound**, `+ρ` or `−ρ`
/// ([`READ_DRIFT_PPM`]) by a fair coin — the extremes are the worst case
/// for a lease, so the sweep meets them often.
pub fn raft_read_fault_schedule(n: usize, r: &mut ChaCha8Rng) -> NetworkModel {
    let mut net = RAFT_READ_MIX.draw(&read_targets(n), r);
    for p in &mut net.partitions {
        p.start += 400 * MS;
        p.end += 400 * MS;
    }
    net.clocks = (0..n as NodeId)
        .map(|node| ClockSkew {
            node,
            offset_ns: ((unit(r) * 2.0 - 1.0) * 10.0 * MS as f64) as i64,
            drift_ppm: if chance(r, 0.5) {
                READ_DRIFT_PPM as i32
            } else {
                -(READ_DRIFT_PPM as i32)
            },
        })
        .collect();
    net
}

/// The servers crash, the read client does not.
fn read_targets(n: usize) -> FaultTargets {
    FaultTargets {
        nodes: n + 1,
        crashable: 0..n as NodeId,
    }
}

/// The configuration of one `raft-read` run: `n` servers, `path`, `count`
/// reads every `interval` from `start`, writes every 10 ms (at most
/// `writes` entries), the lease bounded by [`READ_DRIFT_PPM`] unless
/// `drift_bound` is false (the mutant).
pub fn read_config(
    n: usize,
    path: ReadPath,
    count: u64,
    start: Time,
    interval: Time,
    writes: u64,
    drift_bound: bool,
) -> RaftConfig {
    RaftConfig {
        commands: writes,
        propose_interval: 10 * MS,
        stop_when_done: false,
        reads: Some(ReadConfig {
            path,
            count,
            start,
            interval,
            drift_bound_ppm: drift_bound.then_some(READ_DRIFT_PPM),
        }),
        ..RaftConfig::new(n)
    }
}

/// Election-timeout spread of the `raft-read` sweep (150–160 ms): a
/// deposed leader's followers stand for election as soon as their vote
/// guards allow, the hardest case for a lease.
pub const SWEEP_ELECTION_SPREAD: Time = 10 * MS;

/// Election traffic with and without a lease, on the same schedules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElectionTraffic {
    /// Servers.
    pub n: usize,
    /// Seed.
    pub seed: u64,
    /// Schedules of [`raft_read_fault_schedule`] (1.2 s each).
    pub runs: u32,
    /// Mean `request-vote` + `vote` messages per run with the lease (and its vote guard).
    pub lease_election_messages: f64,
    /// The same with ReadIndex (no guard: plain Raft elections).
    pub read_index_election_messages: f64,
    /// Mean terms with a leader per run, with the lease.
    pub lease_terms: f64,
    /// The same with ReadIndex.
    pub read_index_terms: f64,
}

impl ElectionTraffic {
    /// Fraction of election messages the lease saves.
    pub fn saving(&self) -> f64 {
        1.0 - self.lease_election_messages / self.read_index_election_messages
    }
}

/// Run `runs` schedules of [`raft_read_fault_schedule`] on `n` servers
/// twice — lease reads (with the vote guard) and ReadIndex reads — and
/// average the election messages and terms: what a leader lease saves in
/// election traffic.
pub fn election_traffic(n: usize, seed: u64, runs: u32) -> Result<ElectionTraffic, SimError> {
    let one = |path: ReadPath| {
        run_trials(seed, runs, &no_progress, |_, mut rng| {
            let cfg = read_config(n, path, 300, 0, 4 * MS, 120, true);
            let net = raft_read_fault_schedule(n, &mut rng);
            let (r, _) = run_raft_reads(&cfg, &net, 1200 * MS, rng, false)?;
            Ok((r.election_messages() as f64, r.terms as f64))
        })
    };
    let mean = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| {
        v.iter().map(f).sum::<f64>() / v.len().max(1) as f64
    };
    let lease = one(ReadPath::Lease)?;
    let index = one(ReadPath::ReadIndex)?;
    Ok(ElectionTraffic {
        n,
        seed,
        runs,
        lease_election_messages: mean(&lease, |x| x.0),
        read_index_election_messages: mean(&index, |x| x.0),
        lease_terms: mean(&lease, |x| x.1),
        read_index_terms: mean(&index, |x| x.1),
    })
}

/// `raft-read` in the protocol registry.
pub struct RaftReadProtocol;

/// The registry entry of Raft's read paths.
pub static RAFT_READ: RaftReadProtocol = RaftReadProtocol;

/// Reads of one `cclab sim raft-read` trial (every 5 ms from 1 s).
const SIM_READS: u64 = 200;

impl SimProtocol for RaftReadProtocol {
    fn name(&self) -> &'static str {
        "raft-read"
    }
    fn about(&self) -> &'static str {
        "Raft with 200 linearizable reads 5 ms apart (from 1 s, or 3 election timeouts) and writes: via the log, ReadIndex or a leader lease"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 5,
            min: 3,
            max: 64,
            what: "servers (and a read client)",
        }
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("log", "append each read to the log, answer when it commits"),
                (
                    "read-index",
                    "confirm leadership with one heartbeat round per read",
                ),
                (
                    "lease",
                    "answer locally under a leader lease bounded for ±20 % clock drift",
                ),
            ],
            default: Some("read-index"),
        }]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "RAFT_READ_MIX: crash-recover, loss < 0.05, dup < 0.02, a partition after 0.4 s, offsets ±10 ms, drift ±20 % at the bound",
        )
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        let path = if options.has("log") {
            ReadPath::Log
        } else if options.has("lease") {
            ReadPath::Lease
        } else {
            ReadPath::ReadIndex
        };
        let mut cfg = read_config(sc.nodes, path, SIM_READS, 1000 * MS, 5 * MS, 100, true);
        // on a slow network (`--latency`, no fault mix) the timeouts follow
        // etcd's rule as in `raft`, and the reads start once a leader can exist
        if let (Some(l), Faults::None) = (&sc.latency, sc.faults) {
            cfg = cfg.tuned_for_rtt(max_rtt(l, sc.nodes));
            if let Some(r) = cfg.reads.as_mut() {
                r.start = r.start.max(3 * cfg.election_min);
            }
        }
        let start = cfg.reads.map_or(0, |r| r.start);
        let horizon = start + SIM_READS * 5 * MS + 2 * cfg.election_min + 1000 * MS;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let net = match sc.faults {
                Faults::Default => sc.with_links(raft_read_fault_schedule(cfg.n, &mut rng)),
                Faults::Spec(spec) => {
                    sc.faulty_network(&spec.into(), &read_targets(cfg.n), &mut rng)
                }
                Faults::None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let (r, _) = run_raft_reads(&cfg, &net, horizon, rng, false)?;
            let ms = |t: f64| t / MS as f64;
            // per read: a read on the log is one entry, so the replication
            // messages per committed entry; otherwise the tagged rounds per read
            let per_read = match path {
                ReadPath::Log => {
                    (r.kind("append") + r.kind("append-reply")) as f64 / r.committed.max(1) as f64
                }
                _ => {
                    (r.kind("read-heartbeat") + r.kind("read-heartbeat-reply")) as f64
                        / r.served.max(1) as f64
                }
            };
            let lat: Vec<f64> = r.latencies_ns.iter().map(|&t| t as f64).collect();
            let mean = if lat.is_empty() {
                f64::NAN
            } else {
                lat.iter().sum::<f64>() / lat.len() as f64
            };
            Ok(TrialMetrics {
                messages: r.messages as f64,
                bytes: r.bytes as f64,
                ratio: r.served as f64 / SIM_READS as f64,
                delivered: r.served,
                eligible: SIM_READS,
                t_ave: Some(ms(mean)),
                t_last: lat.iter().copied().reduce(f64::max).map(ms),
                hash: r.trace_hash,
                decision_latency_ns: Some(mean),
                decision_messages: Some(per_read),
                latencies_ns: lat,
                violations: r.violations.clone(),
                ..TrialMetrics::default()
            }
            .with("reads_served", r.served as f64)
            .with("reads_unavailable", r.unavailable as f64)
            .with("lease_fallbacks", r.lease_fallbacks as f64)
            .with("election_messages", r.election_messages() as f64)
            .with("terms", r.terms as f64)
            .link_latency_ns(link))
        })
        .param("reads", SIM_READS)
        .param("read_path", path.name())
        .param("writes", 100)
        .param(
            "election_timeout_ms",
            format!(
                "{}-{}",
                cfg.election_min / MS,
                (cfg.election_min + cfg.election_spread) / MS
            ),
        )
        .param("heartbeat_ms", cfg.heartbeat / MS)
        .param("reads_from_ms", start / MS))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 5,
                min: 3,
                max: 64,
                what: "servers (the read path drawn per schedule)",
            },
            mutants: &[Mutant {
                name: "lease-without-drift-bound",
                bug: "the lease lasts the full minimum election timeout on the leader's drifting clock",
            }],
            case: |n, mutant| {
                let bad = mutant == Some("lease-without-drift-bound");
                Ok(Box::new(move |mut rng, log| {
                    let path = if bad {
                        ReadPath::Lease
                    } else {
                        [ReadPath::Log, ReadPath::ReadIndex, ReadPath::Lease]
                            [below(&mut rng, 3) as usize]
                    };
                    let cfg = RaftConfig {
                        election_spread: SWEEP_ELECTION_SPREAD,
                        ..read_config(n, path, 300, 0, 4 * MS, 120, !bad)
                    };
                    let net = raft_read_fault_schedule(n, &mut rng);
                    let (r, trace) = run_raft_reads(&cfg, &net, 1200 * MS, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![
                            ("mean_reads_served", Tally::Mean(r.served as f64)),
                            ("mean_committed", Tally::Mean(r.committed as f64)),
                            ("leader_change_runs", Tally::Runs(r.terms > 1)),
                        ],
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
