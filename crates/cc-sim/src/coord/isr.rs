//! Kafka-style in-sync-replica (ISR) replication of one partition, as a
//! state machine on the event engine.
//!
//! **Nodes.** Brokers `0..N` hold the replicas (broker 0 leads epoch 1); node
//! `N` is the **controller** (the replicated KRaft quorum, modelled as one
//! node that does not crash); node `N + 1` is the **producer**, node `N + 2`
//! a **consumer**.
//!
//! * **Fetching.** Followers pull: `Fetch(epoch, offset = their log end,
//!   epoch of their last entry)`. The leader checks that the follower's last
//!   entry matches its own (same epoch at that offset); if not, it answers
//!   with the offset to truncate to (the end of the follower's last epoch in
//!   the leader's log, KIP-101/279 style). Otherwise the fetch offset is the
//!   follower's log end offset (LEO): the leader answers at once with the
//!   records from there and its high watermark (HW), or **parks** the fetch
//!   until a record arrives or `fetch_max_wait` passes (long poll; the
//!   expiry answer is a `fetch-empty`). A follower fetches again as soon as
//!   it has appended a response, re-sends after `fetch_timeout` of silence,
//!   and sets its HW to `min(leader HW, own LEO)`.
//! * **ISR.** The leader records when each follower was last caught up (its
//!   fetch offset reached the leader's LEO, Kafka's `lastCaughtUpTimeMs`); a
//!   follower not caught up for more than `lag_max` (`replica.lag.time.max`)
//!   is removed, and a follower outside the ISR whose fetch offset reaches the
//!   leader's LEO is added back — both through `AlterIsr` to the controller
//!   (KIP-497: the change counts once the controller has committed it; while
//!   it is pending the leader uses the *maximal* ISR, the union of the
//!   committed and the proposed one). The controller also removes a broker
//!   from the ISR when it fences it.
//! * **High watermark** = `min` over the (maximal) ISR of the LEOs, never
//!   decreasing. Consumers read only offsets below the leader's HW.
//! * **Producer acks.** `acks = 0`: fire and forget; `acks = 1`: the leader
//!   answers after appending; `acks = all`: the leader refuses the write with
//!   `NotEnoughReplicas` when the committed ISR is smaller than
//!   `min_insync` (`min.insync.replicas`), otherwise answers once the HW
//!   covers the record (`NotEnoughReplicasAfterAppend` if the ISR shrank
//!   below `min_insync` meanwhile). The producer keeps one request in flight,
//!   retries after errors and `request_timeout`, and refreshes the leader
//!   from the controller.
//! * **Failover.** Brokers heartbeat the controller every `heartbeat`; after
//!   `session_timeout` of silence it fences the broker. A fenced leader is
//!   replaced by the first live member of the ISR (**clean election**, new
//!   leader epoch, ISR minus the old leader); if no ISR member is live the
//!   partition goes offline until one returns. Heartbeat answers and pushed
//!   `LeaderAndIsr` messages carry the partition state. Logs survive
//!   crashes; all other broker state is volatile.
//!
//! **Message count** (convention): one record per produce request and one in
//! flight; fault-free, each follower's parked fetch is answered with the new
//! record (`fetch-response`) and the follower's next `fetch` acknowledges it.
//! Counting `produce`, `produce-ack`, `fetch`, `fetch-response`:
//!
//! ```text
//! per record   1 + (N − 1) + (N − 1) + 1 = 2N     (acks = 1, all)
//!              1 + (N − 1) + (N − 1)     = 2N − 1 (acks = 0)
//! once         N − 1 opening fetches (the first long polls)
//! delays       acks = all: 4 (produce, fetch-response, fetch, ack)
//!              acks = 1:   2 (produce, ack);  acks = 0: 1 (to the leader's append)
//! ```
//!
//! Heartbeats, controller traffic, metadata and consumer fetches have their
//! own kinds and are not part of the figure.
//!
//! **Bytes** ([`super::wire`], `c` = [`IsrConfig::record_bytes`]; a record
//! in a log is an entry: epoch, id and payload; the partition state is 4
//! fields: leader, epoch, ISR, version):
//!
//! ```text
//! produce            request id + 1 record (id, payload)        24 + (8 + c)
//! produce-ack        request id, result                         32
//! fetch              epoch, offset, last epoch, sequence        48
//! fetch-response     epoch, sequence, start, HW, truncate-to,
//! / fetch-empty      error, count + k records                   72 + k·(16 + c)
//! alter-isr          epoch, version, ISR, request id            48
//! alter-isr-response request id, ok + partition state           64
//! leader-and-isr, heartbeat-response, metadata-response: state  48
//! heartbeat, metadata                                           16
//! consumer-fetch     offset                                     24
//! consumer-records   start, error, count + k records (id, payload) 40 + k·(8 + c)
//! ```
//!
//! Fault-free replication bytes per record (`acks = 1, all`):
//! `(32 + c) + (N − 1)·(88 + c) + (N − 1)·48 + 32`; without the ack for
//! `acks = 0`; plus `(N − 1)·48` once for the opening fetches
//! ([`IsrConfig::formula_bytes_per_record`]).
//!
//! **Checkers.** *No acknowledged `acks = all` write lost*: whenever the
//! controller elects a leader, and at the end, the leader's log holds every
//! acknowledged `acks = all` record (and every consumed record) at its
//! offset. *HW safety*: whenever the legitimate leader (the controller's
//! leader of the current epoch) advances its HW or serves a consumer, every
//! member of the committed ISR holds the leader's log up to that offset —
//! the HW never exceeds an ISR member's LEO and never covers an un-replicated
//! record; consumers see only offsets below it. *Prefix*: at the end, every
//! ISR member that has fetched from the current leader holds a prefix of its
//! log. Writes acknowledged with `acks = 1` may be lost on failover — Kafka's
//! documented trade-off — and are counted (`lost_acks1`), not flagged.
//!
//! **Mutations** (the sweep catches both): `unclean_election` — the controller
//! elects a live broker outside the ISR when no ISR member is live
//! (`unclean.leader.election.enable`); `hw_on_leader_leo` — the leader sets
//! its HW to its own LEO.

use super::faults::{
    Amount, DEFAULT_CLOCKS, FaultMix, FaultTargets, Faults, MixLatency, Recovery, Window,
};
use super::wire;
use crate::SimError;
use crate::des::{
    Delivery, EventConfig, Message, Protocol, Sim, Timer, message_kinds, run_events, trace_lines,
};
use crate::net::{MS, NetworkModel, NodeId, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::rng::ChaCha8Rng;
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};
use serde::Serialize;

pub mod kafka;
use std::collections::BTreeMap;

/// Producer acknowledgement mode (`acks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Acks {
    /// `acks=0`: no acknowledgement.
    Zero,
    /// `acks=1`: the leader's append.
    One,
    /// `acks=all`: every member of the ISR.
    All,
}

impl Acks {
    /// Parse `0`, `1` or `all` (also `-1`, Kafka's alias of `all`).
    pub fn parse(s: &str) -> Result<Acks, SimError> {
        match s.trim() {
            "0" => Ok(Acks::Zero),
            "1" => Ok(Acks::One),
            "all" | "-1" => Ok(Acks::All),
            other => Err(SimError::param(
                "acks",
                format!("must be one of 0, 1, all, got `{other}`"),
            )),
        }
    }

    /// The spelling `0`, `1` or `all`.
    pub fn name(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

/// Outcome of a produce request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProduceResult {
    /// Acknowledged at this offset.
    Ok(u64),
    /// The broker is not the leader.
    NotLeader,
    /// `acks=all` refused: ISR smaller than `min.insync.replicas`.
    NotEnoughReplicas,
    /// `acks=all`: the ISR shrank below `min.insync.replicas` after the append.
    NotEnoughReplicasAfterAppend,
}

/// Partition state as the controller publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionState {
    /// Leader (`None` = offline).
    pub leader: Option<u32>,
    /// Leader epoch.
    pub epoch: u32,
    /// Committed ISR (bit mask of brokers).
    pub isr: u64,
    /// ISR version.
    pub version: u32,
}

/// ISR message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsrMsg {
    /// Producer → leader.
    Produce {
        /// Request id.
        req: u64,
        /// Record id (the first of the batch).
        record: u64,
        /// Bytes of the record.
        record_bytes: u32,
        /// Records in the request: ids `record..record + count` (1 without
        /// producer batching, [`IsrConfig::batching`]).
        count: u32,
    },
    /// Leader → producer.
    ProduceAck {
        /// Request id.
        req: u64,
        /// Outcome.
        result: ProduceResult,
    },
    /// Follower → leader.
    Fetch {
        /// Follower's leader epoch.
        epoch: u32,
        /// Fetch offset (the follower's LEO).
        offset: u64,
        /// Epoch of the follower's entry at `offset − 1` (0 if none).
        last_epoch: u32,
        /// Sequence number (matches the response).
        seq: u64,
    },
    /// Leader → follower.
    FetchResp {
        /// Leader epoch.
        epoch: u32,
        /// Sequence number of the fetch.
        seq: u64,
        /// Offset of the first record.
        start: u64,
        /// Records `(epoch, id)` from `start`.
        records: Vec<(u32, u64)>,
        /// Leader's HW.
        hw: u64,
        /// Divergence: truncate the log to this offset and fetch again.
        truncate_to: Option<u64>,
        /// Epoch mismatch or not the leader.
        error: bool,
        /// Bytes of each record.
        record_bytes: u32,
    },
    /// Leader → controller: propose a new ISR.
    AlterIsr {
        /// Leader epoch.
        epoch: u32,
        /// ISR version the change is based on.
        version: u32,
        /// Proposed ISR.
        isr: u64,
        /// Request id (echoed in the response).
        req: u64,
    },
    /// Controller → leader.
    AlterIsrResp {
        /// Request id.
        req: u64,
        /// Accepted.
        ok: bool,
        /// The partition state after the request.
        state: PartitionState,
    },
    /// Controller → brokers: the partition state changed.
    LeaderAndIsr(PartitionState),
    /// Broker → controller.
    BrokerHeartbeat,
    /// Controller → broker: the partition state.
    HeartbeatResp(PartitionState),
    /// Client → controller.
    Metadata,
    /// Controller → client.
    MetadataResp(PartitionState),
    /// Consumer → leader.
    ConsumerFetch {
        /// Next offset to read.
        offset: u64,
    },
    /// Leader → consumer: records `[start, hw)`.
    ConsumerRecords {
        /// First offset.
        start: u64,
        /// Record ids.
        records: Vec<u64>,
        /// The broker is not the leader.
        error: bool,
        /// Bytes of each record.
        record_bytes: u32,
    },
}

/// `produce-ack` (request id, result).
const PRODUCE_ACK: u32 = wire::message(2);
/// `fetch` (epoch, offset, last epoch, sequence).
const FETCH: u32 = wire::message(4);
/// A message carrying the partition state (leader, epoch, ISR, version).
const STATE_MSG: u32 = wire::message(4);

message_kinds! {
    enum IsrKind {
        Produce = "produce",
        ProduceAck = "produce-ack",
        Fetch = "fetch",
        FetchResp = "fetch-response",
        FetchEmpty = "fetch-empty",
        AlterIsr = "alter-isr",
        AlterIsrResp = "alter-isr-response",
        LeaderAndIsr = "leader-and-isr",
        BrokerHeartbeat = "broker-heartbeat",
        HeartbeatResp = "heartbeat-response",
        Metadata = "metadata",
        MetadataResp = "metadata-response",
        ConsumerFetch = "consumer-fetch",
        ConsumerRecords = "consumer-records",
    }
}

impl Message for IsrMsg {
    const KINDS: &'static [&'static str] = IsrKind::NAMES;
    const PAYLOAD_KINDS: u64 = IsrKind::FetchResp.bit();
    fn kind(&self) -> u8 {
        (match self {
            IsrMsg::Produce { .. } => IsrKind::Produce,
            IsrMsg::ProduceAck { .. } => IsrKind::ProduceAck,
            IsrMsg::Fetch { .. } => IsrKind::Fetch,
            IsrMsg::FetchResp { records, .. } if records.is_empty() => IsrKind::FetchEmpty,
            IsrMsg::FetchResp { .. } => IsrKind::FetchResp,
            IsrMsg::AlterIsr { .. } => IsrKind::AlterIsr,
            IsrMsg::AlterIsrResp { .. } => IsrKind::AlterIsrResp,
            IsrMsg::LeaderAndIsr(_) => IsrKind::LeaderAndIsr,
            IsrMsg::BrokerHeartbeat => IsrKind::BrokerHeartbeat,
            IsrMsg::HeartbeatResp(_) => IsrKind::HeartbeatResp,
            IsrMsg::Metadata => IsrKind::Metadata,
            IsrMsg::MetadataResp(_) => IsrKind::MetadataResp,
            IsrMsg::ConsumerFetch { .. } => IsrKind::ConsumerFetch,
            IsrMsg::ConsumerRecords { .. } => IsrKind::ConsumerRecords,
        }) as u8
    }
    fn wire_bytes(&self) -> u32 {
        match self {
            IsrMsg::Produce {
                record_bytes,
                count,
                ..
            } => wire::message_commands(1, *count, *record_bytes),
            IsrMsg::ProduceAck { .. } => PRODUCE_ACK,
            IsrMsg::Fetch { .. } => FETCH,
            // (epoch, seq, start, hw, truncate_to, error, count) and the records
            IsrMsg::FetchResp {
                records,
                record_bytes,
                ..
            } => wire::message_entries(7, records.len() as u32, *record_bytes),
            // (epoch, version, isr, req)
            IsrMsg::AlterIsr { .. } => wire::message(4),
            // (req, ok) and the partition state
            IsrMsg::AlterIsrResp { .. } => wire::message(6),
            IsrMsg::LeaderAndIsr(_) | IsrMsg::HeartbeatResp(_) | IsrMsg::MetadataResp(_) => {
                STATE_MSG
            }
            IsrMsg::BrokerHeartbeat | IsrMsg::Metadata => wire::message(0),
            // (offset)
            IsrMsg::ConsumerFetch { .. } => wire::message(1),
            // (start, error, count) and the records
            IsrMsg::ConsumerRecords {
                records,
                record_bytes,
                ..
            } => wire::message_commands(3, records.len() as u32, *record_bytes),
        }
    }
}

/// ISR timers. The producer's next step (produce or request timeout) is
/// re-armable (one slot); the others carry the incarnation, request, fetch or
/// epoch they belong to and check it when they fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsrTimer {
    /// A broker's periodic heartbeat to the controller.
    Heartbeat {
        /// The broker's incarnation (1 at start, one more per recovery).
        incarnation: u64,
    },
    /// A follower's fetch `seq` timed out.
    Fetch {
        /// Sequence number of the fetch.
        seq: u64,
    },
    /// The leader answers the fetches it parked with park id `id`.
    Park {
        /// Park id.
        id: u64,
    },
    /// The leader of `epoch` checks its followers' lag.
    IsrCheck {
        /// Leader epoch.
        epoch: u32,
    },
    /// The AlterIsr request `req` timed out.
    AlterTimeout {
        /// Request id.
        req: u64,
    },
    /// The controller checks broker liveness.
    CtrlCheck,
    /// The producer produces the next record.
    Produce,
    /// The producer's request timed out.
    RequestTimeout,
    /// The consumer polls.
    Consume,
    /// The producer refreshes its metadata (`acks = 0`).
    Meta,
}

impl Timer for IsrTimer {
    const SLOTS: usize = 1;
    fn slot(&self) -> Option<usize> {
        match self {
            IsrTimer::Produce | IsrTimer::RequestTimeout => Some(0),
            _ => None,
        }
    }
    fn trace_id(&self, generation: u64) -> u64 {
        const MASK: u64 = (1 << 48) - 1;
        let (tag, n): (u64, u64) = match *self {
            IsrTimer::Heartbeat { incarnation } => (1, incarnation),
            IsrTimer::Fetch { seq } => (2, seq),
            IsrTimer::Park { id } => (3, id),
            IsrTimer::IsrCheck { epoch } => (4, u64::from(epoch)),
            IsrTimer::AlterTimeout { req } => (5, req),
            IsrTimer::CtrlCheck => (6, 0),
            IsrTimer::Produce => (7, generation),
            IsrTimer::RequestTimeout => (8, generation),
            IsrTimer::Consume => (9, 0),
            IsrTimer::Meta => (10, 0),
        };
        tag << 56 | n & MASK
    }
}

type IsrSim = Sim<IsrMsg, IsrTimer>;
const MAX_FETCH_RECORDS: usize = 1024;

/// ISR replication configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IsrConfig {
    /// Brokers = replication factor (`2..=64`).
    pub brokers: usize,
    /// Producer acks.
    pub acks: Acks,
    /// `min.insync.replicas` (`1..=brokers`; applies to `acks = all`).
    pub min_insync: usize,
    /// Records to produce.
    pub records: u64,
    /// `acks = 0`: time between records; all modes: retry back-off.
    pub produce_interval: Time,
    /// `replica.lag.time.max`.
    pub lag_max: Time,
    /// Long-poll wait of a parked fetch.
    pub fetch_max_wait: Time,
    /// Follower re-sends a fetch after this silence.
    pub fetch_timeout: Time,
    /// Producer request timeout.
    pub request_timeout: Time,
    /// Controller's broker session timeout.
    pub session_timeout: Time,
    /// Broker heartbeat interval.
    pub heartbeat: Time,
    /// Consumer poll interval.
    pub consumer_interval: Time,
    /// Stop when every record is produced and replicated to the ISR.
    pub stop_when_done: bool,
    /// Injected bug: elect a live broker outside the ISR when no ISR member is live.
    pub unclean_election: bool,
    /// Injected bug: the leader's HW is its own LEO.
    pub hw_on_leader_leo: bool,
    /// Payload bytes of one record (`0..=1 MiB`; see [`super::wire`]).
    pub record_bytes: u32,
    /// Producer batching (`linger.ms`, `batch.size`) with records arriving
    /// at a steady rate ([`kafka`]); `None`: one record per request,
    /// closed loop (the figures above).
    pub batching: Option<Batching>,
}

/// The producer's batching: records arrive every `arrival`; a request
/// carries up to `batch` of them and leaves when the batch is full or its
/// oldest record has waited `linger`, one request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Batching {
    /// Records per request at most (`batch.size` in records, `1..=1024`).
    pub batch: u32,
    /// `linger.ms` (ns).
    pub linger: Time,
    /// Time between record arrivals at the producer (ns, `> 0`).
    pub arrival: Time,
}

impl IsrConfig {
    /// Defaults for `n` brokers: `acks = all`, `min.insync = min(2, n)`, 200
    /// records, 50 ms produce interval / back-off, lag max 300 ms, long poll
    /// 100 ms, fetch timeout 300 ms, request timeout 500 ms, session timeout
    /// 300 ms, heartbeats 50 ms, consumer polls every 100 ms.
    pub fn new(n: usize) -> Self {
        IsrConfig {
            brokers: n,
            acks: Acks::All,
            min_insync: n.clamp(1, 2),
            records: 200,
            produce_interval: 50 * MS,
            lag_max: 300 * MS,
            fetch_max_wait: 100 * MS,
            fetch_timeout: 300 * MS,
            request_timeout: 500 * MS,
            session_timeout: 300 * MS,
            heartbeat: 50 * MS,
            consumer_interval: 100 * MS,
            stop_when_done: true,
            unclean_election: false,
            hw_on_leader_leo: false,
            record_bytes: wire::DEFAULT_COMMAND_BYTES,
            batching: None,
        }
    }

    /// Fault-free bytes per record of `produce`, `fetch-response`, `fetch` and
    /// `produce-ack` (the last not for `acks = 0`):
    /// `(32 + c) + (N − 1)·(88 + c) + (N − 1)·48 + 32`.
    pub fn formula_bytes_per_record(&self) -> u64 {
        let f = self.brokers as u64 - 1;
        let c = self.record_bytes;
        let ack = if self.acks == Acks::Zero {
            0
        } else {
            PRODUCE_ACK
        };
        u64::from(wire::message_commands(1, 1, c))
            + f * u64::from(wire::message_entries(7, 1, c))
            + f * u64::from(FETCH)
            + u64::from(ack)
    }

    /// Fault-free bytes of the opening fetches, once: `(N − 1)·48`.
    pub fn opening_fetch_bytes(&self) -> u64 {
        self.opening_fetches() * u64::from(FETCH)
    }

    /// Fault-free replication messages per record: `2N` (acks 1, all) or `2N − 1` (acks 0).
    pub fn formula_messages_per_record(&self) -> u64 {
        let n = self.brokers as u64;
        if self.acks == Acks::Zero {
            2 * n - 1
        } else {
            2 * n
        }
    }

    /// Opening fetches, once: `N − 1`.
    pub fn opening_fetches(&self) -> u64 {
        self.brokers as u64 - 1
    }

    /// Fault-free message delays per record: 4 (all), 2 (1), 1 (0).
    pub fn formula_delays(&self) -> u32 {
        match self.acks {
            Acks::All => 4,
            Acks::One => 2,
            Acks::Zero => 1,
        }
    }

    /// Nodes simulated: brokers, controller, producer, consumer.
    pub fn nodes(&self) -> usize {
        self.brokers + 3
    }

    fn validate(&self) -> Result<(), SimError> {
        if !(2..=64).contains(&self.brokers) {
            return Err(SimError::param(
                "nodes",
                format!("isr supports 2..=64 brokers, got {}", self.brokers),
            ));
        }
        if !(1..=self.brokers).contains(&self.min_insync) {
            return Err(SimError::param(
                "min_insync",
                format!(
                    "must be in 1..={} (the replication factor), got {}",
                    self.brokers, self.min_insync
                ),
            ));
        }
        if self.records > 1_000_000 {
            return Err(SimError::param("records", "must be <= 1000000"));
        }
        if let Some(b) = self.batching
            && (!(1..=1024).contains(&b.batch) || b.arrival == 0)
        {
            return Err(SimError::param(
                "batch",
                format!(
                    "must be in 1..=1024 records with arrivals > 0 ns apart, got {} every {} ns",
                    b.batch, b.arrival
                ),
            ));
        }
        if self.record_bytes > wire::MAX_COMMAND_BYTES {
            return Err(SimError::param(
                "record_bytes",
                format!(
                    "must be in 0..={}, got {}",
                    wire::MAX_COMMAND_BYTES,
                    self.record_bytes
                ),
            ));
        }
        Ok(())
    }
}

/// The fields of a `Fetch`.
#[derive(Debug, Clone, Copy)]
struct FetchReq {
    epoch: u32,
    offset: u64,
    last_epoch: u32,
    seq: u64,
}

#[derive(Debug, Clone, Default)]
struct Broker {
    // persistent
    log: Vec<(u32, u64)>,
    hw: u64,
    // metadata (volatile)
    state: Option<PartitionState>,
    // leader (volatile)
    leading: bool,
    follower_leo: Vec<u64>,
    last_caught_up: Vec<i64>,
    leo_at_last_fetch: Vec<u64>,
    last_fetch_time: Vec<i64>,
    parked: BTreeMap<u32, (u64, u64)>,
    park_gen: u64,
    pending_isr: Option<u64>,
    alter_gen: u64,
    waiting: BTreeMap<u64, u64>,
    // follower (volatile)
    fetch_seq: u64,
    fetched_epoch: u32,
    incarnation: u64,
}

impl Broker {
    fn epoch(&self) -> u32 {
        self.state.map_or(0, |s| s.epoch)
    }
    fn leo(&self) -> u64 {
        self.log.len() as u64
    }
}

#[derive(Debug, Clone)]
struct Controller {
    st: PartitionState,
    last_hb: Vec<i64>,
    fenced: Vec<bool>,
}

#[derive(Debug, Clone, Default)]
struct Producer {
    next_record: u64,
    req: u64,
    inflight: Option<(u64, u64, Time)>,
    /// Records in the in-flight request (batching; 1 otherwise).
    batch_len: u64,
    leader: Option<u32>,
    done: bool,
}

/// The ISR replication state machine (brokers, controller, producer, consumer).
#[derive(Debug, Clone)]
pub struct Isr {
    cfg: IsrConfig,
    b: Vec<Broker>,
    ctrl: Controller,
    prod: Producer,
    cons_leader: Option<u32>,
    cons_next: u64,
    consumed: BTreeMap<u64, u64>,
    acked_all: BTreeMap<u64, u64>,
    acked_one: BTreeMap<u64, u64>,
    sent_at: BTreeMap<u64, Time>,
    latencies: Vec<Time>,
    refused: u64,
    elections: u64,
    offline_ns: Time,
    offline_since: Option<Time>,
    isr_shrinks: u64,
    isr_expands: u64,
    violations: Vec<String>,
}

fn bits(mask: u64) -> impl Iterator<Item = u32> {
    (0..64u32).filter(move |&i| mask & (1 << i) != 0)
}

impl Isr {
    /// Fresh state: broker 0 leads epoch 1 with every broker in the ISR.
    pub fn new(cfg: IsrConfig) -> Self {
        let n = cfg.brokers;
        let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        let st = PartitionState {
            leader: Some(0),
            epoch: 1,
            isr: all,
            version: 1,
        };
        Isr {
            cfg,
            b: vec![Broker::default(); n],
            ctrl: Controller {
                st,
                last_hb: vec![0; n],
                fenced: vec![false; n],
            },
            prod: Producer {
                leader: Some(0),
                ..Producer::default()
            },
            cons_leader: Some(0),
            cons_next: 0,
            consumed: BTreeMap::new(),
            acked_all: BTreeMap::new(),
            acked_one: BTreeMap::new(),
            sent_at: BTreeMap::new(),
            latencies: Vec::new(),
            refused: 0,
            elections: 0,
            offline_ns: 0,
            offline_since: None,
            isr_shrinks: 0,
            isr_expands: 0,
            violations: Vec::new(),
        }
    }

    fn ctrl_node(&self) -> NodeId {
        self.cfg.brokers as NodeId
    }
    fn prod_node(&self) -> NodeId {
        self.cfg.brokers as NodeId + 1
    }
    fn cons_node(&self) -> NodeId {
        self.cfg.brokers as NodeId + 2
    }

    /// Whether broker `v` is the controller's leader of the current epoch.
    fn legit(&self, v: usize) -> bool {
        self.b[v].leading
            && self.ctrl.st.leader == Some(v as u32)
            && self.b[v].epoch() == self.ctrl.st.epoch
    }

    // ---- checkers ----

    /// Every committed-ISR member holds the leader `v`'s log below `upto`.
    fn check_replicated(&mut self, v: usize, upto: u64, what: &str) {
        if !self.legit(v) {
            return;
        }
        let upto = upto as usize;
        for m in bits(self.ctrl.st.isr) {
            let m = m as usize;
            if m == v {
                continue;
            }
            let (ml, vl) = (&self.b[m].log, &self.b[v].log);
            if ml.len() < upto || ml[..upto] != vl[..upto] {
                self.violations.push(format!(
                    "{what} {upto} at leader {v} (epoch {}), but ISR member {m} has LEO {} {}",
                    self.b[v].epoch(),
                    ml.len(),
                    if ml.len() >= upto {
                        "with different records"
                    } else {
                        "(un-replicated record covered)"
                    }
                ));
                return;
            }
        }
    }

    /// The log of broker `v` holds every acknowledged `acks=all` and every consumed record.
    fn check_durable(&mut self, v: usize, when: &str) {
        let log = &self.b[v].log;
        for (what, map) in [
            ("acknowledged", &self.acked_all),
            ("consumed", &self.consumed),
        ] {
            if let Some((&o, &id)) = map
                .iter()
                .find(|&(&o, &id)| log.get(o as usize).map(|e| e.1) != Some(id))
            {
                self.violations.push(format!(
                    "lost {what} write: record {id} at offset {o} missing from leader {v}'s log {when}"
                ));
                return;
            }
        }
    }

    // ---- controller ----

    fn publish(&mut self, sim: &mut IsrSim) {
        let c = self.ctrl_node();
        for v in 0..self.cfg.brokers {
            if !self.ctrl.fenced[v] {
                sim.send(c, v as NodeId, IsrMsg::LeaderAndIsr(self.ctrl.st));
            }
        }
    }

    fn elect(&mut self, sim: &mut IsrSim, dead: Option<u32>) {
        let st = self.ctrl.st;
        let isr = match dead {
            Some(d) if st.isr.count_ones() > 1 => st.isr & !(1 << d),
            _ => st.isr,
        };
        let live = |v: u32| !self.ctrl.fenced[v as usize];
        let mut leader = bits(isr).find(|&v| live(v));
        let mut new_isr = isr;
        if leader.is_none() && self.cfg.unclean_election {
            leader = (0..self.cfg.brokers as u32).find(|&v| live(v));
            if let Some(l) = leader {
                new_isr = 1 << l;
            }
        }
        let now = sim.now();
        match leader {
            Some(_) => {
                if let Some(t) = self.offline_since.take() {
                    self.offline_ns += now - t;
                }
            }
            None => {
                self.offline_since.get_or_insert(now);
            }
        }
        self.ctrl.st = PartitionState {
            leader,
            epoch: st.epoch + 1,
            isr: new_isr,
            version: st.version + 1,
        };
        if let Some(l) = leader {
            self.elections += 1;
            self.check_durable(
                l as usize,
                &format!("when elected for epoch {}", st.epoch + 1),
            );
        }
        self.publish(sim);
    }

    fn ctrl_check(&mut self, sim: &mut IsrSim) {
        let c = self.ctrl_node();
        let now = sim.local_time(c);
        for v in 0..self.cfg.brokers {
            if self.ctrl.fenced[v] || now - self.ctrl.last_hb[v] <= self.cfg.session_timeout as i64
            {
                continue;
            }
            self.ctrl.fenced[v] = true;
            let st = self.ctrl.st;
            if st.leader == Some(v as u32) {
                self.elect(sim, Some(v as u32));
            } else if st.isr & (1 << v) != 0 && st.isr.count_ones() > 1 {
                self.ctrl.st.isr &= !(1 << v);
                self.ctrl.st.version += 1;
                self.publish(sim);
            }
        }
        sim.set_timer(c, self.cfg.heartbeat, IsrTimer::CtrlCheck);
    }

    fn ctrl_message(&mut self, sim: &mut IsrSim, from: NodeId, msg: IsrMsg) {
        let c = self.ctrl_node();
        match msg {
            IsrMsg::BrokerHeartbeat => {
                let v = from as usize;
                if v >= self.cfg.brokers {
                    return;
                }
                self.ctrl.last_hb[v] = sim.local_time(c);
                if self.ctrl.fenced[v] {
                    self.ctrl.fenced[v] = false;
                    let st = self.ctrl.st;
                    let clean = st.isr & (1 << v) != 0;
                    if st.leader.is_none() && (clean || self.cfg.unclean_election) {
                        self.elect(sim, None);
                    }
                }
                sim.send(c, from, IsrMsg::HeartbeatResp(self.ctrl.st));
            }
            IsrMsg::AlterIsr {
                epoch,
                version,
                isr,
                req,
            } => {
                let st = self.ctrl.st;
                let ok = st.leader == Some(from)
                    && epoch == st.epoch
                    && version == st.version
                    && isr & (1 << from) != 0
                    && bits(isr)
                        .all(|v| (v as usize) < self.cfg.brokers && !self.ctrl.fenced[v as usize]);
                if ok {
                    self.ctrl.st.isr = isr;
                    self.ctrl.st.version += 1;
                }
                let state = self.ctrl.st;
                let m = IsrMsg::AlterIsrResp { req, ok, state };
                sim.send(c, from, m);
            }
            IsrMsg::Metadata => {
                sim.send(c, from, IsrMsg::MetadataResp(self.ctrl.st));
            }
            _ => {}
        }
    }

    // ---- brokers ----

    fn maximal_isr(&self, v: usize) -> u64 {
        let committed = self.b[v].state.map_or(0, |s| s.isr);
        committed | self.b[v].pending_isr.unwrap_or(0)
    }

    fn committed_isr_size(&self, v: usize) -> usize {
        self.b[v].state.map_or(0, |s| s.isr.count_ones() as usize)
    }

    /// Adopt a partition state published by the controller.
    fn adopt(&mut self, sim: &mut IsrSim, v: usize, st: PartitionState) {
        let cur = self.b[v].state;
        let newer_epoch = cur.is_none_or(|c| st.epoch > c.epoch);
        let newer_isr = cur.is_some_and(|c| st.epoch == c.epoch && st.version > c.version);
        if newer_epoch {
            if self.b[v].leading {
                self.stop_leading(sim, v);
            }
            self.b[v].state = Some(st);
            if st.leader == Some(v as u32) {
                self.start_leading(sim, v);
            } else if st.leader.is_some() {
                self.send_fetch(sim, v);
            }
        } else if newer_isr {
            self.b[v].state = Some(st);
            if self.b[v].leading {
                if self.b[v].pending_isr.is_some() {
                    self.b[v].pending_isr = None;
                    self.b[v].alter_gen += 1;
                }
                self.advance_hw(sim, v);
            }
        }
    }

    fn start_leading(&mut self, sim: &mut IsrSim, v: usize) {
        let n = self.cfg.brokers;
        let now = sim.local_time(v as NodeId);
        let leo = self.b[v].leo();
        let br = &mut self.b[v];
        br.leading = true;
        br.follower_leo = vec![0; n];
        br.follower_leo[v] = leo;
        br.last_caught_up = vec![now; n];
        br.leo_at_last_fetch = vec![0; n];
        br.last_fetch_time = vec![now; n];
        br.parked.clear();
        br.pending_isr = None;
        br.waiting.clear();
        br.alter_gen += 1;
        br.fetched_epoch = br.epoch();
        let epoch = br.epoch();
        sim.set_timer(
            v as NodeId,
            self.cfg.lag_max / 2,
            IsrTimer::IsrCheck { epoch },
        );
    }

    fn stop_leading(&mut self, sim: &mut IsrSim, v: usize) {
        self.b[v].leading = false;
        self.b[v].parked.clear();
        self.b[v].pending_isr = None;
        let waiting = std::mem::take(&mut self.b[v].waiting);
        let p = self.prod_node();
        for (_, req) in waiting {
            let m = IsrMsg::ProduceAck {
                req,
                result: ProduceResult::NotLeader,
            };
            sim.send(v as NodeId, p, m);
        }
    }

    fn send_fetch(&mut self, sim: &mut IsrSim, v: usize) {
        let br = &mut self.b[v];
        let Some(PartitionState {
            leader: Some(l),
            epoch,
            ..
        }) = br.state
        else {
            return;
        };
        if l as usize == v {
            return;
        }
        br.fetch_seq += 1;
        let m = IsrMsg::Fetch {
            epoch,
            offset: br.leo(),
            last_epoch: br.log.last().map_or(0, |e| e.0),
            seq: br.fetch_seq,
        };
        let timer = IsrTimer::Fetch { seq: br.fetch_seq };
        sim.send(v as NodeId, l, m);
        sim.set_timer(v as NodeId, self.cfg.fetch_timeout, timer);
    }

    fn respond_fetch(&mut self, sim: &mut IsrSim, v: usize, f: u32, seq: u64, offset: u64) {
        let br = &self.b[v];
        let end = br.log.len().min(offset as usize + MAX_FETCH_RECORDS);
        let records: Vec<(u32, u64)> = br
            .log
            .get(offset as usize..end)
            .map(<[(u32, u64)]>::to_vec)
            .unwrap_or_default();
        let m = IsrMsg::FetchResp {
            record_bytes: self.cfg.record_bytes,
            epoch: br.epoch(),
            seq,
            start: offset,
            records,
            hw: br.hw,
            truncate_to: None,
            error: false,
        };
        sim.send(v as NodeId, f, m);
    }

    fn on_fetch(&mut self, sim: &mut IsrSim, v: usize, f: u32, req: FetchReq) {
        let FetchReq {
            epoch,
            offset,
            last_epoch,
            seq,
        } = req;
        let fi = f as usize;
        if !self.b[v].leading || epoch != self.b[v].epoch() || fi >= self.cfg.brokers {
            let m = IsrMsg::FetchResp {
                record_bytes: self.cfg.record_bytes,
                epoch: self.b[v].epoch(),
                seq,
                start: offset,
                records: Vec::new(),
                hw: 0,
                truncate_to: None,
                error: true,
            };
            sim.send(v as NodeId, f, m);
            return;
        }
        let leo = self.b[v].leo();
        let log = &self.b[v].log;
        let consistent = offset == 0 || (offset <= leo && log[offset as usize - 1].0 == last_epoch);
        if !consistent {
            // end offset of the follower's last epoch in the leader's log
            let end = log.partition_point(|e| e.0 <= last_epoch) as u64;
            let m = IsrMsg::FetchResp {
                record_bytes: self.cfg.record_bytes,
                epoch: self.b[v].epoch(),
                seq,
                start: offset,
                records: Vec::new(),
                hw: self.b[v].hw,
                truncate_to: Some(end.min(offset - 1)),
                error: false,
            };
            sim.send(v as NodeId, f, m);
            return;
        }
        let now = sim.local_time(v as NodeId);
        let br = &mut self.b[v];
        br.follower_leo[fi] = offset;
        if offset >= leo {
            br.last_caught_up[fi] = now;
        } else if offset >= br.leo_at_last_fetch[fi] {
            br.last_caught_up[fi] = br.last_caught_up[fi].max(br.last_fetch_time[fi]);
        }
        br.leo_at_last_fetch[fi] = leo;
        br.last_fetch_time[fi] = now;
        // rejoin: a follower outside the ISR that has caught up to the leader's LEO
        if self.maximal_isr(v) & (1 << f) == 0 && offset >= leo && self.b[v].pending_isr.is_none() {
            let isr = self.b[v].state.map_or(0, |s| s.isr) | (1 << f);
            self.alter_isr(sim, v, isr);
        }
        self.advance_hw(sim, v);
        if offset < self.b[v].leo() {
            self.respond_fetch(sim, v, f, seq, offset);
        } else {
            let br = &mut self.b[v];
            br.park_gen += 1;
            let g = br.park_gen;
            br.parked.insert(f, (seq, g));
            sim.set_timer(
                v as NodeId,
                self.cfg.fetch_max_wait,
                IsrTimer::Park { id: g },
            );
        }
    }

    fn alter_isr(&mut self, sim: &mut IsrSim, v: usize, isr: u64) {
        let Some(st) = self.b[v].state else { return };
        if isr == st.isr {
            return;
        }
        if isr.count_ones() > st.isr.count_ones() {
            self.isr_expands += 1;
        } else {
            self.isr_shrinks += 1;
        }
        self.b[v].pending_isr = Some(isr);
        self.send_alter(sim, v);
    }

    /// (Re-)send the pending ISR change; it stays pending until a response
    /// to this very request (or a newer partition state) arrives.
    fn send_alter(&mut self, sim: &mut IsrSim, v: usize) {
        let (Some(st), Some(isr)) = (self.b[v].state, self.b[v].pending_isr) else {
            return;
        };
        self.b[v].alter_gen += 1;
        let g = self.b[v].alter_gen;
        let c = self.ctrl_node();
        let m = IsrMsg::AlterIsr {
            epoch: st.epoch,
            version: st.version,
            isr,
            req: g,
        };
        sim.send(v as NodeId, c, m);
        sim.set_timer(
            v as NodeId,
            self.cfg.request_timeout,
            IsrTimer::AlterTimeout { req: g },
        );
    }

    fn advance_hw(&mut self, sim: &mut IsrSim, v: usize) {
        if !self.b[v].leading {
            return;
        }
        let leo = self.b[v].leo();
        let computed = if self.cfg.hw_on_leader_leo {
            leo
        } else {
            let isr = self.maximal_isr(v) | (1 << v);
            bits(isr)
                .map(|m| {
                    if m as usize == v {
                        leo
                    } else {
                        self.b[v].follower_leo.get(m as usize).copied().unwrap_or(0)
                    }
                })
                .min()
                .unwrap_or(leo)
                .min(leo)
        };
        if computed <= self.b[v].hw {
            return;
        }
        self.b[v].hw = computed;
        self.check_replicated(v, computed, "HW");
        // complete acks=all requests now covered
        let covered: Vec<(u64, u64)> = self.b[v]
            .waiting
            .range(..computed)
            .map(|(&o, &r)| (o, r))
            .collect();
        let enough = self.committed_isr_size(v) >= self.cfg.min_insync;
        let p = self.prod_node();
        for (o, req) in covered {
            self.b[v].waiting.remove(&o);
            let result = if enough {
                ProduceResult::Ok(o)
            } else {
                ProduceResult::NotEnoughReplicasAfterAppend
            };
            sim.send(v as NodeId, p, IsrMsg::ProduceAck { req, result });
        }
        self.maybe_stop(sim);
    }

    fn on_produce(&mut self, sim: &mut IsrSim, v: usize, req: u64, first: u64, count: u32) {
        let p = self.prod_node();
        let reply = |sim: &mut IsrSim, result: ProduceResult| {
            sim.send(v as NodeId, p, IsrMsg::ProduceAck { req, result });
        };
        if !self.b[v].leading {
            if self.cfg.acks != Acks::Zero {
                reply(sim, ProduceResult::NotLeader);
            }
            return;
        }
        if self.cfg.acks == Acks::All && self.committed_isr_size(v) < self.cfg.min_insync {
            self.refused += 1;
            reply(sim, ProduceResult::NotEnoughReplicas);
            return;
        }
        let epoch = self.b[v].epoch();
        let mut offset = self.b[v].leo();
        for record in first..first + u64::from(count.max(1)) {
            offset = self.b[v].leo();
            self.b[v].log.push((epoch, record));
            if self.cfg.acks == Acks::Zero
                && let Some(t) = self.sent_at.remove(&record)
            {
                self.latencies.push(sim.now() - t);
            }
        }
        self.b[v].follower_leo[v] = offset + 1;
        match self.cfg.acks {
            Acks::Zero => {}
            Acks::One => reply(sim, ProduceResult::Ok(offset)),
            Acks::All => {
                self.b[v].waiting.insert(offset, req);
            }
        }
        // wake the parked fetches
        let parked = std::mem::take(&mut self.b[v].parked);
        for (f, (seq, _)) in parked {
            let off = self.b[v].follower_leo[f as usize];
            self.respond_fetch(sim, v, f, seq, off);
        }
        self.advance_hw(sim, v);
    }

    fn on_fetch_resp(&mut self, sim: &mut IsrSim, v: usize, from: u32, msg: IsrMsg) {
        let IsrMsg::FetchResp {
            epoch,
            seq,
            start,
            records,
            hw,
            truncate_to,
            error,
            ..
        } = msg
        else {
            return;
        };
        let br = &mut self.b[v];
        let current = br.state.and_then(|s| s.leader) == Some(from)
            && br.epoch() == epoch
            && seq == br.fetch_seq
            && !br.leading;
        if !current {
            return;
        }
        br.fetch_seq += 1; // cancels the fetch timeout
        if error {
            let timer = IsrTimer::Fetch { seq: br.fetch_seq };
            sim.set_timer(v as NodeId, self.cfg.produce_interval, timer);
            return;
        }
        if let Some(t) = truncate_to {
            br.log.truncate(t as usize);
            br.hw = br.hw.min(t);
            self.send_fetch(sim, v);
            return;
        }
        if start != br.leo() {
            self.send_fetch(sim, v);
            return;
        }
        br.log.extend(records);
        br.hw = hw.min(br.leo());
        br.fetched_epoch = epoch;
        self.send_fetch(sim, v);
    }

    // ---- producer and consumer ----

    fn produce_next(&mut self, sim: &mut IsrSim) {
        let p = self.prod_node();
        if self.prod.done {
            return;
        }
        if let Some(b) = self.cfg.batching {
            self.produce_batch(sim, b);
            return;
        }
        let record = match self.prod.inflight {
            Some((_, r, _)) => r,
            None => {
                if self.prod.next_record >= self.cfg.records {
                    self.prod.done = true;
                    self.maybe_stop(sim);
                    return;
                }
                let r = self.prod.next_record;
                self.prod.next_record += 1;
                r
            }
        };
        let Some(l) = self.prod.leader else {
            sim.send(p, self.ctrl_node(), IsrMsg::Metadata);
            let first_sent = self.prod.inflight.map_or(sim.now(), |x| x.2);
            self.prod.inflight = Some((0, record, first_sent));
            sim.set_timer(p, self.cfg.produce_interval, IsrTimer::Produce);
            return;
        };
        self.prod.req += 1;
        let req = self.prod.req;
        let first_sent = self.prod.inflight.map_or(sim.now(), |x| x.2);
        self.sent_at.entry(record).or_insert(first_sent);
        let produce = IsrMsg::Produce {
            req,
            record,
            record_bytes: self.cfg.record_bytes,
            count: 1,
        };
        sim.send(p, l, produce);
        if self.cfg.acks == Acks::Zero {
            self.prod.inflight = None;
            sim.set_timer(p, self.cfg.produce_interval, IsrTimer::Produce);
        } else {
            self.prod.inflight = Some((req, record, first_sent));
            sim.set_timer(p, self.cfg.request_timeout, IsrTimer::RequestTimeout);
        }
    }

    fn on_produce_ack(&mut self, sim: &mut IsrSim, req: u64, result: ProduceResult) {
        let Some((r, record, _)) = self.prod.inflight else {
            return;
        };
        if r != req {
            return;
        }
        match result {
            ProduceResult::Ok(last) => {
                // a batch of `len` records sits at offsets last − len + 1..=last
                let len = self.prod.batch_len.max(1);
                for i in 0..len {
                    let (offset, record) = ((last + 1 + i).saturating_sub(len), record + i);
                    if let Some(t) = self.sent_at.remove(&record) {
                        self.latencies.push(sim.now() - t);
                    }
                    match self.cfg.acks {
                        Acks::All => self.acked_all.insert(offset, record),
                        _ => self.acked_one.insert(offset, record),
                    };
                }
                self.prod.inflight = None;
                self.produce_next(sim);
            }
            _ => {
                // refresh the leader, retry after the back-off
                let p = self.prod_node();
                sim.send(p, self.ctrl_node(), IsrMsg::Metadata);
                sim.set_timer(p, self.cfg.produce_interval, IsrTimer::Produce);
            }
        }
    }

    fn on_consumer_fetch(&mut self, sim: &mut IsrSim, v: usize, offset: u64) {
        let q = self.cons_node();
        if !self.b[v].leading {
            let m = IsrMsg::ConsumerRecords {
                record_bytes: self.cfg.record_bytes,
                start: offset,
                records: Vec::new(),
                error: true,
            };
            sim.send(v as NodeId, q, m);
            return;
        }
        let hw = self.b[v].hw;
        let records: Vec<u64> = self.b[v]
            .log
            .get(offset as usize..hw as usize)
            .map(|r| r.iter().map(|e| e.1).collect())
            .unwrap_or_default();
        if !records.is_empty() {
            self.check_replicated(v, hw, "consumer served offsets below");
        }
        let m = IsrMsg::ConsumerRecords {
            record_bytes: self.cfg.record_bytes,
            start: offset,
            records,
            error: false,
        };
        sim.send(v as NodeId, q, m);
    }

    fn maybe_stop(&mut self, sim: &mut IsrSim) {
        if !self.cfg.stop_when_done || !self.prod.done {
            return;
        }
        if let Some(l) = self.ctrl.st.leader {
            let br = &self.b[l as usize];
            if br.leading && br.hw == br.leo() && br.leo() >= self.cfg.records {
                sim.stop();
            }
        }
    }

    /// Final checks; returns the violations.
    pub fn check(&mut self) -> Vec<String> {
        if let Some(l) = self.ctrl.st.leader {
            let l = l as usize;
            self.check_durable(l, "at the end");
            let epoch = self.ctrl.st.epoch;
            for m in bits(self.ctrl.st.isr) {
                let m = m as usize;
                if m == l
                    || self.b[m].fetched_epoch != epoch
                    || self.b[m].state.is_none_or(|s| s.epoch != epoch)
                {
                    continue;
                }
                let (ml, ll) = (&self.b[m].log, &self.b[l].log);
                if ml.len() > ll.len() || ml[..] != ll[..ml.len()] {
                    self.violations.push(format!(
                        "prefix: ISR member {m}'s log (LEO {}) is not a prefix of leader {l}'s (LEO {})",
                        ml.len(),
                        ll.len()
                    ));
                    break;
                }
            }
        }
        self.violations.clone()
    }

    /// `acks=1` acknowledged records missing from the final leader's log.
    pub fn lost_acks1(&self) -> usize {
        let Some(l) = self.ctrl.st.leader else {
            return 0;
        };
        let log = &self.b[l as usize].log;
        self.acked_one
            .iter()
            .filter(|&(&o, &id)| log.get(o as usize).map(|e| e.1) != Some(id))
            .count()
    }
}

impl Protocol for Isr {
    type Msg = IsrMsg;
    type Timer = IsrTimer;
    fn start(&mut self, sim: &mut IsrSim) {
        let st = self.ctrl.st;
        let c = self.ctrl_node();
        let now = sim.local_time(c);
        self.ctrl.last_hb = vec![now; self.cfg.brokers];
        sim.set_timer(c, self.cfg.heartbeat, IsrTimer::CtrlCheck);
        for v in 0..self.cfg.brokers {
            let node = v as NodeId;
            if !sim.is_up(node) {
                continue;
            }
            self.b[v].incarnation += 1;
            let incarnation = self.b[v].incarnation;
            sim.set_timer(
                node,
                self.cfg.heartbeat,
                IsrTimer::Heartbeat { incarnation },
            );
            self.adopt(sim, v, st);
        }
        self.produce_next(sim);
        let q = self.cons_node();
        sim.set_timer(q, self.cfg.consumer_interval, IsrTimer::Consume);
        if self.cfg.acks == Acks::Zero {
            sim.set_timer(
                self.prod_node(),
                10 * self.cfg.produce_interval,
                IsrTimer::Meta,
            );
        }
    }
    fn on_timer(&mut self, sim: &mut IsrSim, node: NodeId, timer: IsrTimer) {
        let v = node as usize;
        match timer {
            IsrTimer::Heartbeat { incarnation }
                if v < self.cfg.brokers && incarnation == self.b[v].incarnation =>
            {
                sim.send(node, self.ctrl_node(), IsrMsg::BrokerHeartbeat);
                sim.set_timer(node, self.cfg.heartbeat, timer);
            }
            IsrTimer::Fetch { seq }
                if v < self.cfg.brokers && seq == self.b[v].fetch_seq && !self.b[v].leading =>
            {
                self.send_fetch(sim, v);
            }
            IsrTimer::Park { id } if v < self.cfg.brokers => {
                let expired: Vec<(u32, u64)> = self.b[v]
                    .parked
                    .iter()
                    .filter(|(_, (_, pg))| *pg == id)
                    .map(|(&f, &(seq, _))| (f, seq))
                    .collect();
                for (f, seq) in expired {
                    self.b[v].parked.remove(&f);
                    let off = self.b[v].follower_leo[f as usize];
                    self.respond_fetch(sim, v, f, seq, off);
                }
            }
            IsrTimer::IsrCheck { epoch } if v < self.cfg.brokers => {
                if !self.b[v].leading || epoch != self.b[v].epoch() {
                    return;
                }
                if self.b[v].pending_isr.is_none() {
                    let now = sim.local_time(node);
                    let st_isr = self.b[v].state.map_or(0, |s| s.isr);
                    let lagging: u64 = bits(st_isr)
                        .filter(|&f| {
                            f as usize != v
                                && now - self.b[v].last_caught_up[f as usize]
                                    > self.cfg.lag_max as i64
                        })
                        .fold(0, |m, f| m | (1 << f));
                    if lagging != 0 {
                        self.alter_isr(sim, v, st_isr & !lagging);
                    }
                }
                sim.set_timer(node, self.cfg.lag_max / 2, timer);
            }
            IsrTimer::AlterTimeout { req }
                if v < self.cfg.brokers && req == self.b[v].alter_gen && self.b[v].leading =>
            {
                self.send_alter(sim, v);
            }
            IsrTimer::CtrlCheck if node == self.ctrl_node() => self.ctrl_check(sim),
            IsrTimer::Produce | IsrTimer::RequestTimeout if node == self.prod_node() => {
                if timer == IsrTimer::RequestTimeout {
                    sim.send(node, self.ctrl_node(), IsrMsg::Metadata);
                }
                self.produce_next(sim);
            }
            IsrTimer::Meta if node == self.prod_node() && !self.prod.done => {
                sim.send(node, self.ctrl_node(), IsrMsg::Metadata);
                sim.set_timer(node, 10 * self.cfg.produce_interval, IsrTimer::Meta);
            }
            IsrTimer::Consume if node == self.cons_node() => {
                match self.cons_leader {
                    Some(l) => {
                        let m = IsrMsg::ConsumerFetch {
                            offset: self.cons_next,
                        };
                        sim.send(node, l, m);
                    }
                    None => sim.send(node, self.ctrl_node(), IsrMsg::Metadata),
                }
                sim.set_timer(node, self.cfg.consumer_interval, IsrTimer::Consume);
            }
            _ => {}
        }
    }
    fn on_message(&mut self, sim: &mut IsrSim, to: NodeId, from: NodeId, msg: IsrMsg) {
        let v = to as usize;
        if to == self.ctrl_node() {
            return self.ctrl_message(sim, from, msg);
        }
        if to == self.prod_node() {
            match msg {
                IsrMsg::ProduceAck { req, result } => self.on_produce_ack(sim, req, result),
                IsrMsg::MetadataResp(st) => self.prod.leader = st.leader,
                _ => {}
            }
            return;
        }
        if to == self.cons_node() {
            match msg {
                IsrMsg::ConsumerRecords {
                    start,
                    records,
                    error,
                    ..
                } => {
                    if error {
                        sim.send(to, self.ctrl_node(), IsrMsg::Metadata);
                    } else if start == self.cons_next {
                        for (k, id) in records.into_iter().enumerate() {
                            self.consumed.insert(start + k as u64, id);
                        }
                        self.cons_next = self.consumed.len() as u64;
                    }
                }
                IsrMsg::MetadataResp(st) => self.cons_leader = st.leader,
                _ => {}
            }
            return;
        }
        match msg {
            IsrMsg::Produce {
                req, record, count, ..
            } => self.on_produce(sim, v, req, record, count),
            IsrMsg::Fetch {
                epoch,
                offset,
                last_epoch,
                seq,
            } => {
                let req = FetchReq {
                    epoch,
                    offset,
                    last_epoch,
                    seq,
                };
                self.on_fetch(sim, v, from, req);
            }
            m @ IsrMsg::FetchResp { .. } => self.on_fetch_resp(sim, v, from, m),
            IsrMsg::LeaderAndIsr(st) | IsrMsg::HeartbeatResp(st) => self.adopt(sim, v, st),
            IsrMsg::AlterIsrResp { req, ok: _, state } => {
                if self.b[v].leading
                    && self.b[v].pending_isr.is_some()
                    && req == self.b[v].alter_gen
                {
                    self.b[v].pending_isr = None;
                    self.b[v].alter_gen += 1;
                }
                self.adopt(sim, v, state);
                self.advance_hw(sim, v);
            }
            IsrMsg::ConsumerFetch { offset } => self.on_consumer_fetch(sim, v, offset),
            _ => {}
        }
    }
    fn on_crash(&mut self, _sim: &mut IsrSim, node: NodeId) {
        let v = node as usize;
        if v < self.cfg.brokers {
            let br = &mut self.b[v];
            // volatile state is lost; the log and HW checkpoint survive (and
            // the generation counters, so no stale message or timer matches)
            let old = std::mem::take(br);
            *br = Broker {
                log: old.log,
                hw: old.hw,
                fetch_seq: old.fetch_seq,
                incarnation: old.incarnation,
                park_gen: old.park_gen,
                alter_gen: old.alter_gen,
                ..Broker::default()
            };
        }
    }
    fn on_recover(&mut self, sim: &mut IsrSim, node: NodeId) {
        let v = node as usize;
        // the controller and the clients (not crashed by the sweeps) resume their loops
        if node == self.ctrl_node() {
            sim.set_timer(node, self.cfg.heartbeat, IsrTimer::CtrlCheck);
        } else if node == self.prod_node() {
            sim.set_timer(node, self.cfg.produce_interval, IsrTimer::Produce);
        } else if node == self.cons_node() {
            sim.set_timer(node, self.cfg.consumer_interval, IsrTimer::Consume);
        }
        if v < self.cfg.brokers {
            self.b[v].incarnation += 1;
            let incarnation = self.b[v].incarnation;
            sim.send(node, self.ctrl_node(), IsrMsg::BrokerHeartbeat);
            sim.set_timer(
                node,
                self.cfg.heartbeat,
                IsrTimer::Heartbeat { incarnation },
            );
        }
    }
    fn extra(&self, _sim: &IsrSim) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("elections".to_string(), self.elections as f64),
            ("isr_shrinks".to_string(), self.isr_shrinks as f64),
            ("isr_expands".to_string(), self.isr_expands as f64),
        ])
    }
}

/// Outcome of one ISR run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IsrRun {
    /// Records acknowledged (acks 1, all) or appended at a leader (acks 0).
    pub acknowledged: u64,
    /// Messages by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Total messages.
    pub messages: u64,
    /// Bytes by kind ([`super::wire`]).
    pub bytes_by_kind: BTreeMap<String, u64>,
    /// Total bytes.
    pub bytes: u64,
    /// Per-record latencies (ns): send to acknowledgement (acks 0: to the leader's append).
    pub latencies_ns: Vec<Time>,
    /// Produce requests refused with `NotEnoughReplicas`.
    pub refused: u64,
    /// Leader elections by the controller.
    pub elections: u64,
    /// ISR shrinks and expansions proposed by leaders.
    pub isr_changes: (u64, u64),
    /// Time without a leader (ns).
    pub offline_ns: Time,
    /// `acks=1` acknowledged records missing from the final leader (allowed by Kafka's semantics).
    pub lost_acks1: usize,
    /// Records consumed.
    pub consumed: usize,
    /// Violations.
    pub violations: Vec<String>,
    /// Processed events.
    pub events: u64,
    /// Trace hash.
    pub trace_hash: u64,
}

impl IsrRun {
    /// Bytes of the replication convention's kinds (produce, produce-ack, fetch, fetch-response).
    pub fn replication_bytes(&self) -> u64 {
        ["produce", "produce-ack", "fetch", "fetch-response"]
            .iter()
            .map(|k| self.bytes_by_kind.get(*k).copied().unwrap_or(0))
            .sum()
    }

    /// Messages of the replication convention: produce, produce-ack, fetch, fetch-response.
    pub fn replication_messages(&self) -> u64 {
        ["produce", "produce-ack", "fetch", "fetch-response"]
            .iter()
            .map(|k| self.by_kind.get(*k).copied().unwrap_or(0))
            .sum()
    }
}

/// Run one ISR-replicated partition over `net` until `max_time` (or all records replicated).
pub fn run_isr(
    cfg: &IsrConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
) -> Result<IsrRun, SimError> {
    run_isr_logged(cfg, net, max_time, rng, false).map(|r| r.0)
}

fn run_isr_logged(
    cfg: &IsrConfig,
    net: &NetworkModel,
    max_time: Time,
    rng: ChaCha8Rng,
    log: bool,
) -> Result<(IsrRun, Vec<Delivery>), SimError> {
    cfg.validate()?;
    let mut p = Isr::new(*cfg);
    let ecfg = EventConfig {
        max_time,
        origin: None,
        track_per_node: false,
        log_deliveries: log,
        ..EventConfig::default()
    };
    let (m, log) = run_events(&mut p, cfg.nodes(), net, &ecfg, rng)?;
    let violations = p.check();
    if let Some(t) = p.offline_since {
        p.offline_ns += m.end_time.saturating_sub(t);
    }
    Ok((
        IsrRun {
            acknowledged: p.latencies.len() as u64,
            by_kind: m.messages_by_kind(),
            messages: m.messages,
            bytes_by_kind: m.bytes_by_kind(),
            bytes: m.bytes,
            latencies_ns: p.latencies.clone(),
            refused: p.refused,
            elections: p.elections,
            isr_changes: (p.isr_shrinks, p.isr_expands),
            offline_ns: p.offline_ns,
            lost_acks1: p.lost_acks1(),
            consumed: p.consumed.len(),
            violations,
            events: m.events,
            trace_hash: m.trace_hash,
        },
        log,
    ))
}

/// The ISR fault mix (`--faults default` and the sweep): exponential latency
/// (mean 10 ms), loss in `[0, 0.05)`, duplication in `[0, 0.05)`, each broker
/// crashing with probability 0.4 at a uniform time in `[0, 2 s)` and
/// recovering with probability 0.7 after `[1, 1500]` ms, a partition of a
/// random side of all nodes (controller and clients included) with
/// probability 0.4 opening in `[0, 2 s)` for `[1, 1500]` ms, and clock skew
/// ([`super::faults::DEFAULT_CLOCKS`]). The controller, producer and consumer
/// do not crash ([`isr_targets`]).
pub const ISR_MIX: FaultMix = FaultMix {
    latency: MixLatency::Exponential(10.0),
    loss: Amount::UpTo(0.05),
    dup: Amount::UpTo(0.05),
    crash: 0.4,
    coordinator_crash: None,
    crash_at: Window::ms(2000),
    recovery: Recovery::After {
        p: 0.7,
        after: Window::ms(1500),
    },
    partition: 0.4,
    partition_at: Window::ms(2000),
    partition_for: Window::ms(1500),
    clocks: DEFAULT_CLOCKS,
};

/// Which nodes ISR's faults touch: every node for clocks and partitions,
/// only the brokers crash.
pub fn isr_targets(cfg: &IsrConfig) -> FaultTargets {
    FaultTargets {
        nodes: cfg.nodes(),
        crashable: 0..cfg.brokers as NodeId,
    }
}

/// One schedule of [`ISR_MIX`] for `cfg`.
pub fn isr_fault_schedule(cfg: &IsrConfig, r: &mut ChaCha8Rng) -> NetworkModel {
    ISR_MIX.draw(&isr_targets(cfg), r)
}

/// One ISR sweep schedule of `cfg`: [`ISR_MIX`], 5 s.
fn isr_sweep_run(cfg: &IsrConfig, mut rng: ChaCha8Rng, log: bool) -> Result<SweepRun, SimError> {
    let net = isr_fault_schedule(cfg, &mut rng);
    let (r, deliveries) = run_isr_logged(cfg, &net, 5000 * MS, rng, log)?;
    Ok(SweepRun {
        messages: r.messages,
        progress: vec![
            ("mean_acknowledged", Tally::Mean(r.acknowledged as f64)),
            ("failover_runs", Tally::Runs(r.elections > 0)),
            ("refused_runs", Tally::Runs(r.refused > 0)),
            ("lost_acks1_runs", Tally::Runs(r.lost_acks1 > 0)),
        ],
        violations: r.violations,
        trace: trace_lines(&deliveries, IsrMsg::KINDS),
    })
}

/// The sweep's configuration on `n` brokers.
fn isr_sweep_cfg(n: usize) -> IsrConfig {
    IsrConfig {
        records: 60,
        produce_interval: 20 * MS,
        ..IsrConfig::new(n)
    }
}

/// `isr` in the protocol registry.
pub struct IsrProtocol;

/// The registry entry of Kafka-style ISR replication.
pub static ISR: IsrProtocol = IsrProtocol;

/// Records a `cclab sim isr` trial produces.
const SIM_RECORDS: u64 = 200;

impl SimProtocol for IsrProtocol {
    fn name(&self) -> &'static str {
        "isr"
    }
    fn about(&self) -> &'static str {
        "Kafka-style ISR replication: 200 records, fetch-based followers, high watermark, acks 0/1/all"
    }
    fn family(&self) -> Family {
        Family::Coordination
    }
    fn nodes(&self) -> NodeRange {
        NodeRange {
            default: 3,
            min: 2,
            max: 64,
            what: "brokers (plus a controller, a producer and a consumer)",
        }
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Acks, Knob::MinInsync]
    }
    fn default_faults(&self) -> Option<&'static str> {
        Some(
            "ISR_MIX: broker crash-recover, loss < 0.05, duplication < 0.05, a partition, clock skew",
        )
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let n = sc.nodes;
        let acks = sc.params.acks.unwrap_or(Acks::All);
        let min_insync = sc.params.min_insync.unwrap_or(n.min(2));
        if !(1..=n).contains(&min_insync) {
            return Err(SimError::param(
                "min_insync",
                format!("must be in 1..={n} (the replication factor N), got {min_insync}"),
            ));
        }
        let cfg = IsrConfig {
            acks,
            min_insync,
            records: SIM_RECORDS,
            ..IsrConfig::new(n)
        };
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let horizon = if sc.faults == Faults::None {
                600_000 * MS
            } else {
                20_000 * MS
            };
            let net = match sc.fault_mix(ISR_MIX) {
                Some(mix) => sc.faulty_network(&mix, &isr_targets(&cfg), &mut rng),
                None => {
                    let mut net = sc.base_network();
                    net.crash_fraction(cfg.brokers, sc.crash, 500 * MS, 0, &mut rng)?;
                    net
                }
            };
            let link = latency_hint(&net.latency);
            let r = run_isr(&cfg, &net, horizon, rng)?;
            let data = r
                .replication_messages()
                .saturating_sub(cfg.opening_fetches());
            let lat: Vec<f64> = r.latencies_ns.iter().map(|&t| t as f64).collect();
            let mean = (!lat.is_empty()).then(|| lat.iter().sum::<f64>() / lat.len() as f64);
            let ms = |t: f64| t / MS as f64;
            Ok(TrialMetrics {
                messages: r.messages as f64,
                payload: r.by_kind.get("fetch-response").copied().unwrap_or(0) as f64,
                bytes: r.bytes as f64,
                ratio: (r.acknowledged as f64 / cfg.records as f64).min(1.0),
                delivered: r.acknowledged.min(cfg.records),
                eligible: cfg.records,
                t_ave: mean.map(ms),
                t_last: r.latencies_ns.iter().max().map(|&t| ms(t as f64)),
                hash: r.trace_hash,
                decision_latency_ns: mean,
                decision_messages: (r.acknowledged > 0)
                    .then(|| data as f64 / r.acknowledged as f64),
                latencies_ns: lat,
                violations: r.violations,
                ..TrialMetrics::default()
            }
            .with("acknowledged", r.acknowledged as f64)
            .with("refused", r.refused as f64)
            .with("elections", r.elections as f64)
            .with("lost_acks1", r.lost_acks1 as f64)
            .with("offline_ms", ms(r.offline_ns as f64))
            .with("consumed", r.consumed as f64)
            .link_latency_ns(link))
        })
        .param("acks", acks.name())
        .param("min_insync", min_insync)
        .param("records", SIM_RECORDS))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 3,
                min: 2,
                max: 64,
                what: "brokers",
            },
            mutants: &[
                Mutant {
                    name: "unclean-election",
                    bug: "a replica outside the ISR may become leader",
                },
                Mutant {
                    name: "hw-on-leader-leo",
                    bug: "the high watermark follows the leader's log end",
                },
            ],
            case: |n, mutant| {
                let cfg = IsrConfig {
                    unclean_election: mutant == Some("unclean-election"),
                    hw_on_leader_leo: mutant == Some("hw-on-leader-leo"),
                    ..isr_sweep_cfg(n)
                };
                Ok(Box::new(move |rng, log| isr_sweep_run(&cfg, rng, log)))
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Crash, LatencyDist};
    use crate::rng::trial_rng;

    fn constant() -> NetworkModel {
        NetworkModel {
            latency: LatencyDist::Constant { ns: 10 * MS },
            ..NetworkModel::default()
        }
    }

    #[test]
    fn fault_free_messages_per_record_and_delays_are_exact() {
        for n in [3usize, 5, 7, 9] {
            for acks in [Acks::Zero, Acks::One, Acks::All] {
                let cfg = IsrConfig {
                    acks,
                    records: 100,
                    ..IsrConfig::new(n)
                };
                let r = run_isr(&cfg, &constant(), 600_000 * MS, trial_rng(n as u64, 0)).unwrap();
                assert!(r.violations.is_empty(), "{:?}", r.violations);
                assert_eq!(r.acknowledged, 100, "n={n} acks={acks:?}");
                assert_eq!(
                    r.replication_messages(),
                    cfg.formula_messages_per_record() * 100 + cfg.opening_fetches(),
                    "n={n} acks={acks:?}: {:?}",
                    r.by_kind
                );
                assert_eq!(r.by_kind.get("fetch-empty"), None, "no long poll expired");
                assert_eq!(
                    r.replication_bytes(),
                    cfg.formula_bytes_per_record() * 100 + cfg.opening_fetch_bytes(),
                    "n={n} acks={acks:?}"
                );
                // with c = 100: 132 + (N − 1)·188 + (N − 1)·48 (+ 32)
                let f = n as u64 - 1;
                let ack = if acks == Acks::Zero { 0 } else { 32 };
                assert_eq!(cfg.formula_bytes_per_record(), 132 + f * 188 + f * 48 + ack);
                let want = u64::from(cfg.formula_delays()) * 10 * MS;
                assert!(
                    r.latencies_ns.iter().all(|&t| t == want),
                    "n={n} acks={acks:?}"
                );
                assert_eq!((r.elections, r.isr_changes), (0, (0, 0)));
            }
        }
    }

    #[test]
    fn acks_all_is_refused_below_min_insync_and_resumes_after_rejoin() {
        // Two of three brokers are down from 100 ms to 800 ms: the ISR shrinks to
        // the leader alone, acks=all with min.insync=2 is refused, then the
        // followers catch up, rejoin the ISR and writes complete.
        let net = NetworkModel {
            crashes: vec![
                Crash {
                    node: 1,
                    at: 100 * MS,
                    recover_at: Some(800 * MS),
                },
                Crash {
                    node: 2,
                    at: 100 * MS,
                    recover_at: Some(800 * MS),
                },
            ],
            ..constant()
        };
        let cfg = IsrConfig {
            records: 40,
            ..IsrConfig::new(3)
        };
        let r = run_isr(&cfg, &net, 60_000 * MS, trial_rng(1, 0)).unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert!(r.refused > 0, "{r:?}");
        assert_eq!(r.acknowledged, 40);
        assert!(r.isr_changes.1 > 0, "followers rejoined: {r:?}");
        // with min.insync=1 the same outage does not refuse
        let r = run_isr(
            &IsrConfig {
                min_insync: 1,
                ..cfg
            },
            &net,
            60_000 * MS,
            trial_rng(1, 0),
        )
        .unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.refused, 0);
    }

    #[test]
    fn leader_failover_is_clean_and_keeps_acknowledged_writes() {
        let net = NetworkModel {
            crashes: vec![Crash {
                node: 0,
                at: 500 * MS,
                recover_at: None,
            }],
            ..constant()
        };
        let r = run_isr(&IsrConfig::new(3), &net, 60_000 * MS, trial_rng(2, 0)).unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.elections, 1);
        assert_eq!(r.acknowledged, 200);
        assert!(r.offline_ns == 0 && r.consumed > 0);
    }

    #[test]
    fn invalid_configs_are_refused() {
        for (cfg, name) in [
            (IsrConfig::new(1), "nodes"),
            (
                IsrConfig {
                    min_insync: 4,
                    ..IsrConfig::new(3)
                },
                "min_insync",
            ),
            (
                IsrConfig {
                    min_insync: 0,
                    ..IsrConfig::new(3)
                },
                "min_insync",
            ),
        ] {
            let e = run_isr(&cfg, &constant(), MS, trial_rng(0, 0)).unwrap_err();
            assert!(e.to_string().contains(&format!("`{name}`")), "{e}");
        }
        assert_eq!(Acks::parse("all").unwrap(), Acks::All);
        assert_eq!(Acks::parse("-1").unwrap(), Acks::All);
        assert!(Acks::parse("2").unwrap_err().to_string().contains("`acks`"));
    }

    #[test]
    fn sweep_is_safe_and_both_mutants_are_caught() {
        use crate::sweep::{run_schedules, sweep};
        let ok = sweep("isr", Some(3), 0, 10_000, None).unwrap().findings;
        assert_eq!(ok.violating_runs, 0, "{:?}", ok.shortest);
        let p = &ok.progress;
        assert!(
            p["failover_runs"] > 1000.0 && p["refused_runs"] > 100.0,
            "{ok:?}"
        );
        let unclean = sweep("isr", Some(3), 0, 10_000, Some("unclean-election"))
            .unwrap()
            .findings;
        let hw = sweep("isr", Some(3), 0, 10_000, Some("hw-on-leader-leo"))
            .unwrap()
            .findings;
        println!(
            "isr sweep: {} runs, 0 violations, {} with failover, {} with refused writes, mean acknowledged {:.1}; unclean election caught in {} runs, HW-on-leader-LEO in {}",
            ok.runs,
            p["failover_runs"],
            p["refused_runs"],
            p["mean_acknowledged"],
            unclean.violating_runs,
            hw.violating_runs
        );
        assert!(unclean.violating_runs > 0, "unclean election not caught");
        let sh = unclean.shortest.unwrap();
        assert!(sh.trace.iter().any(|l| l.contains("fetch")));
        assert!(ok.shortest.is_none());
        assert!(
            sh.violations.iter().any(|v| v.contains("lost")),
            "{:?}",
            sh.violations
        );
        assert!(hw.violating_runs > 0, "HW mutant not caught");
        // acks=1 under the same faults: no violation flagged, but acknowledged writes can be lost
        let one = IsrConfig {
            acks: Acks::One,
            ..isr_sweep_cfg(3)
        };
        let f = run_schedules(|rng, log| isr_sweep_run(&one, rng, log), 0, 2000).unwrap();
        assert_eq!(f.violating_runs, 0, "{:?}", f.shortest);
        assert!(f.progress["lost_acks1_runs"] > 0.0, "{f:?}");
    }
}
