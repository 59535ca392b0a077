//! Per-run metrics shared by both engines.
//!
//! Definitions (used throughout the crate and in the JSON output):
//!
//! * **message**: one point-to-point transmission handed to the network by a
//!   live sender (lost messages count, messages of crashed senders do not).
//! * **payload message / transmission**: a message that carries the
//!   disseminated item (rumor, update, broadcast body). Requests, digests,
//!   IHAVE/GRAFT/PRUNE and heartbeats are control messages.
//! * **delivery time** of a node: round (round mode) or nanosecond (event
//!   mode) at which it first received the payload; the origin is excluded
//!   from delivery-time statistics.
//! * **delivery ratio**: nodes that are up at the end and received the
//!   payload (including the origin), divided by nodes up at the end;
//!   **residue** = 1 − delivery ratio.
//! * **trace hash**: a 64-bit hash folded over every processed event
//!   (time, endpoints, kind) — equal hashes mean identical executions.

use crate::net::{NodeId, Time};
use serde::Serialize;
use std::collections::BTreeMap;

/// Unit of times in a [`RunMetrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// Synchronous rounds (cycles).
    Rounds,
    /// Nanoseconds of simulated time.
    Nanos,
}

/// Count and volume of one message kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// Messages.
    pub messages: u64,
    /// Bytes.
    pub bytes: u64,
}

/// Delivery-time statistics over delivered non-origin nodes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeliveryTimes {
    /// Mean.
    pub mean: f64,
    /// Median (nearest rank).
    pub p50: f64,
    /// 99th percentile (nearest rank).
    pub p99: f64,
    /// Maximum (`t_last`).
    pub max: f64,
}

/// Everything measured in one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunMetrics {
    /// Number of nodes.
    pub n: usize,
    /// Unit of `delivered_at`, `end_time`.
    pub time_unit: TimeUnit,
    /// Rounds executed (round mode; 0 in event mode).
    pub rounds: u32,
    /// Time of the last processed event or round.
    pub end_time: Time,
    /// Total messages.
    pub messages: u64,
    /// Total bytes.
    pub bytes: u64,
    /// Messages that carried the payload.
    pub payload_messages: u64,
    /// Messages and bytes by kind.
    pub by_kind: BTreeMap<String, KindCount>,
    /// Messages sent by each node (empty if per-node tracking was off).
    pub sent_per_node: Vec<u32>,
    /// First payload reception per node (`Time::MAX` = never; the origin has 0).
    pub delivered_at: Vec<Time>,
    /// Whether each node is up at the end of the run.
    pub up_at_end: Vec<bool>,
    /// Origin of the payload (excluded from delivery times).
    pub origin: Option<NodeId>,
    /// Processed events (event mode) or node actions (round mode).
    pub events: u64,
    /// Messages lost by the loss model.
    pub lost: u64,
    /// Messages discarded because the receiver was down.
    pub dropped_crashed: u64,
    /// Messages discarded by an open partition.
    pub dropped_partition: u64,
    /// Hash of the event trace.
    pub trace_hash: u64,
    /// Protocol-specific extra measurements.
    pub extra: BTreeMap<String, f64>,
}

impl RunMetrics {
    /// Messages sent of each kind.
    pub fn messages_by_kind(&self) -> BTreeMap<String, u64> {
        self.by_kind
            .iter()
            .map(|(k, c)| (k.clone(), c.messages))
            .collect()
    }

    /// Bytes sent of each kind.
    pub fn bytes_by_kind(&self) -> BTreeMap<String, u64> {
        self.by_kind
            .iter()
            .map(|(k, c)| (k.clone(), c.bytes))
            .collect()
    }

    /// Nodes up at the end that received the payload, and nodes up at the end.
    pub fn delivered_counts(&self) -> (u64, u64) {
        let mut up = 0;
        let mut got = 0;
        for (v, &u) in self.up_at_end.iter().enumerate() {
            if u {
                up += 1;
                if self.delivered_at[v] != Time::MAX {
                    got += 1;
                }
            }
        }
        (got, up)
    }

    /// Delivery ratio (see module docs); 1 if no node is up.
    pub fn delivery_ratio(&self) -> f64 {
        let (got, up) = self.delivered_counts();
        if up == 0 { 1.0 } else { got as f64 / up as f64 }
    }

    /// `1 − delivery_ratio`.
    pub fn residue(&self) -> f64 {
        1.0 - self.delivery_ratio()
    }

    /// Delivery times of delivered non-origin nodes, in the run's unit
    /// (`None` if nobody but the origin was reached).
    pub fn delivery_times(&self) -> Option<DeliveryTimes> {
        let mut ts: Vec<Time> = self
            .delivered_at
            .iter()
            .enumerate()
            .filter(|&(v, &t)| t != Time::MAX && Some(v as NodeId) != self.origin)
            .map(|(_, &t)| t)
            .collect();
        if ts.is_empty() {
            return None;
        }
        ts.sort_unstable();
        let mean = ts.iter().map(|&t| t as f64).sum::<f64>() / ts.len() as f64;
        let p = |q| crate::stats::percentile_sorted(&ts, q).map_or(f64::NAN, |t| t as f64);
        Some(DeliveryTimes {
            mean,
            p50: p(0.5),
            p99: p(0.99),
            max: ts[ts.len() - 1] as f64,
        })
    }

    /// Mean messages sent per node (`messages / n`).
    pub fn messages_per_node(&self) -> f64 {
        self.messages as f64 / self.n as f64
    }

    /// Largest number of messages sent by one node (0 without per-node tracking).
    pub fn max_sent_by_node(&self) -> u32 {
        self.sent_per_node.iter().copied().max().unwrap_or(0)
    }
}

/// Incremental 64-bit trace hash (SplitMix64 finaliser over folded words).
#[derive(Debug, Clone, Copy)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0x6a09_e667_f3bc_c908)
    }
}

impl TraceHash {
    /// Fold one word into the hash.
    #[inline]
    pub fn add(&mut self, x: u64) {
        let mut z = (self.0 ^ x).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        self.0 = z ^ (z >> 31);
    }

    /// Current value.
    pub fn value(&self) -> u64 {
        self.0
    }
}

/// Accumulates message counts for an engine run.
#[derive(Debug, Clone)]
pub(crate) struct Recorder {
    pub(crate) kinds: &'static [&'static str],
    pub(crate) payload_kinds: u64,
    pub(crate) msgs: Vec<u64>,
    pub(crate) bytes: Vec<u64>,
    pub(crate) per_node: Vec<u32>,
    pub(crate) track_per_node: bool,
    pub(crate) delivered_at: Vec<Time>,
    pub(crate) hash: TraceHash,
    pub(crate) lost: u64,
    pub(crate) dropped_crashed: u64,
    pub(crate) dropped_partition: u64,
    pub(crate) events: u64,
}

impl Recorder {
    pub(crate) fn new(
        n: usize,
        kinds: &'static [&'static str],
        payload_kinds: u64,
        track_per_node: bool,
        deliveries: bool,
    ) -> Self {
        Recorder {
            kinds,
            payload_kinds,
            msgs: vec![0; kinds.len()],
            bytes: vec![0; kinds.len()],
            per_node: if track_per_node {
                vec![0; n]
            } else {
                Vec::new()
            },
            track_per_node,
            delivered_at: if deliveries {
                vec![Time::MAX; n]
            } else {
                Vec::new()
            },
            hash: TraceHash::default(),
            lost: 0,
            dropped_crashed: 0,
            dropped_partition: 0,
            events: 0,
        }
    }

    #[inline]
    pub(crate) fn sent(&mut self, from: NodeId, kind: u8, bytes: u32) {
        self.msgs[kind as usize] += 1;
        self.bytes[kind as usize] += u64::from(bytes);
        if self.track_per_node {
            self.per_node[from as usize] += 1;
        }
    }

    pub(crate) fn finish(
        self,
        time_unit: TimeUnit,
        rounds: u32,
        end_time: Time,
        up_at_end: Vec<bool>,
        origin: Option<NodeId>,
        extra: BTreeMap<String, f64>,
    ) -> RunMetrics {
        let mut by_kind = BTreeMap::new();
        let mut payload = 0;
        for (i, name) in self.kinds.iter().enumerate() {
            if self.msgs[i] > 0 {
                by_kind.insert(
                    name.to_string(),
                    KindCount {
                        messages: self.msgs[i],
                        bytes: self.bytes[i],
                    },
                );
            }
            if self.payload_kinds & (1 << i) != 0 {
                payload += self.msgs[i];
            }
        }
        RunMetrics {
            n: self.delivered_at.len(),
            time_unit,
            rounds,
            end_time,
            messages: self.msgs.iter().sum(),
            bytes: self.bytes.iter().sum(),
            payload_messages: payload,
            by_kind,
            sent_per_node: self.per_node,
            delivered_at: self.delivered_at,
            up_at_end,
            origin,
            events: self.events,
            lost: self.lost,
            dropped_crashed: self.dropped_crashed,
            dropped_partition: self.dropped_partition,
            trace_hash: self.hash.value(),
            extra,
        }
    }
}
