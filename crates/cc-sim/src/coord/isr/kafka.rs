//! Kafka producer batching on the ISR protocol (`kafka-batch`): `linger.ms`
//! and `batch.size` (in records) with acks 0, 1 and all.
//!
//! Records arrive at the producer every `arrival`; the producer keeps one
//! request in flight and sends the waiting records as one `produce` when
//! `batch` have accumulated or the oldest has waited `linger` (Kafka's
//! `RecordAccumulator`: a batch is sendable when full or lingered). The
//! leader appends the batch as consecutive offsets and answers once for it
//! (acks = all: when the high watermark covers its last record); each
//! follower's parked fetch returns the whole batch in one `fetch-response`.
//! Replication, ISR, failover and the checkers are those of
//! [`super`] (an acknowledged record is never lost with acks = all).
//!
//! **Fault-free counts** with full batches of `b` records (`b ≥ 4`, links of
//! 1 ms, arrivals 1 ms apart, `linger ≥ (b − 1)` ms: a batch fills while the
//! previous one is in flight), per record:
//!
//! ```text
//! messages   2N/b (acks 1, all), (2N − 1)/b (acks 0)
//! bytes      [24 + b(8 + c) + (N − 1)(72 + b(16 + c)) + (N − 1)·48 + 32]/b
//!            (the 32-byte produce-ack not for acks 0)
//! latency    (b − 1)/2 · arrival (waiting for the batch to fill, on average)
//!            + 4d (acks all), 2d (acks 1), d (acks 0: to the leader's append)
//! ```
//!
//! plus `N − 1` opening fetches once.

use super::{Acks, Batching, ISR_MIX, IsrConfig, IsrMsg, IsrSim, IsrTimer, isr_targets, run_isr};
use super::{FETCH, PRODUCE_ACK, run_isr_logged};
use crate::SimError;
use crate::coord::faults::Faults;
use crate::coord::wire;
use crate::des::{Message, trace_lines};
use crate::net::{MS, Time};
use crate::registry::{
    Chosen, Family, Knob, NodeRange, Prepared, Scenario, SimProtocol, latency_hint,
};
use crate::summary::TrialMetrics;
use crate::sweep::{Mutant, SweepDef, SweepRun, Tally};

impl super::Isr {
    /// The batching producer: send the in-flight batch again, or the next
    /// one if it is full or lingered, or wait until it is.
    pub(super) fn produce_batch(&mut self, sim: &mut IsrSim, b: Batching) {
        let p = self.prod_node();
        let now = sim.now();
        let arrival_of = |r: u64| r.saturating_mul(b.arrival);
        let (first, len) = match self.prod.inflight {
            Some((_, first, _)) => (first, self.prod.batch_len),
            None => {
                let next = self.prod.next_record;
                if next >= self.cfg.records {
                    self.prod.done = true;
                    self.maybe_stop(sim);
                    return;
                }
                let arrived = (now / b.arrival + 1).min(self.cfg.records);
                let avail = arrived.saturating_sub(next);
                let batch = u64::from(b.batch);
                let lingered = avail > 0 && now >= arrival_of(next).saturating_add(b.linger);
                if avail < batch && !lingered {
                    // wake when the batch fills or the oldest record has lingered
                    let linger_end = arrival_of(next).saturating_add(b.linger);
                    let wake = if next + batch <= self.cfg.records {
                        linger_end.min(arrival_of(next + batch - 1))
                    } else {
                        linger_end
                    };
                    sim.set_timer(p, wake.saturating_sub(now).max(1), IsrTimer::Produce);
                    return;
                }
                let len = avail.min(batch);
                for r in next..next + len {
                    self.sent_at.entry(r).or_insert(arrival_of(r));
                }
                self.prod.next_record = next + len;
                (next, len)
            }
        };
        self.prod.batch_len = len;
        let Some(l) = self.prod.leader else {
            sim.send(p, self.ctrl_node(), IsrMsg::Metadata);
            self.prod.inflight = Some((0, first, now));
            sim.set_timer(p, self.cfg.produce_interval, IsrTimer::Produce);
            return;
        };
        self.prod.req += 1;
        let req = self.prod.req;
        let produce = IsrMsg::Produce {
            req,
            record: first,
            record_bytes: self.cfg.record_bytes,
            count: len as u32,
        };
        sim.send(p, l, produce);
        if self.cfg.acks == Acks::Zero {
            self.prod.inflight = None;
            sim.set_timer(p, 0, IsrTimer::Produce);
        } else {
            self.prod.inflight = Some((req, first, now));
            sim.set_timer(p, self.cfg.request_timeout, IsrTimer::RequestTimeout);
        }
    }
}

/// Fault-free messages per record with full batches of `b`: `2N/b`
/// (acks 1, all) or `(2N − 1)/b` (acks 0).
pub fn messages_per_record(n: usize, acks: Acks, b: u32) -> f64 {
    let n = n as f64;
    let per_batch = if acks == Acks::Zero {
        2.0 * n - 1.0
    } else {
        2.0 * n
    };
    per_batch / f64::from(b)
}

/// Fault-free bytes per record with full batches of `b` records of `c`
/// bytes: `[24 + b(8 + c) + (N − 1)(72 + b(16 + c)) + (N − 1)·48 + 32]/b`.
pub fn bytes_per_record(n: usize, acks: Acks, b: u32, c: u32) -> f64 {
    let f = n as u64 - 1;
    let ack = if acks == Acks::Zero { 0 } else { PRODUCE_ACK };
    let batch = u64::from(wire::message_commands(1, b, c))
        + f * u64::from(wire::message_entries(7, b, c))
        + f * u64::from(FETCH)
        + u64::from(ack);
    batch as f64 / f64::from(b)
}

/// A batching configuration: `n` brokers, `records` arriving every
/// `arrival`, batches of up to `batch` records lingering up to `linger`.
pub fn batch_config(
    n: usize,
    acks: Acks,
    records: u64,
    batch: u32,
    linger: Time,
    arrival: Time,
) -> IsrConfig {
    IsrConfig {
        acks,
        records,
        batching: Some(Batching {
            batch,
            linger,
            arrival,
        }),
        ..IsrConfig::new(n)
    }
}

/// `kafka-batch` in the protocol registry.
pub struct KafkaBatchProtocol;

/// The registry entry of Kafka producer batching on ISR.
pub static KAFKA_BATCH: KafkaBatchProtocol = KafkaBatchProtocol;

/// Records of one `cclab sim kafka-batch` trial (one every 1 ms).
const SIM_RECORDS: u64 = 1000;

impl SimProtocol for KafkaBatchProtocol {
    fn name(&self) -> &'static str {
        "kafka-batch"
    }
    fn about(&self) -> &'static str {
        "ISR with producer batching: 1000 records 1 ms apart, batch.size and linger.ms, acks 0/1/all"
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
        &[Knob::Acks, Knob::MinInsync, Knob::Batch, Knob::LingerMs]
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
        let batch = sc.params.batch.unwrap_or(16);
        let linger_ms = sc.params.linger_ms.unwrap_or(5.0);
        if !(linger_ms.is_finite() && (0.0..=60_000.0).contains(&linger_ms)) {
            return Err(SimError::param(
                "linger_ms",
                format!("must be in [0, 60000] ms, got {linger_ms}"),
            ));
        }
        let cfg = IsrConfig {
            min_insync,
            ..batch_config(
                n,
                acks,
                SIM_RECORDS,
                batch,
                (linger_ms * MS as f64) as Time,
                MS,
            )
        };
        cfg.validate()?;
        Ok(Prepared::new(move |sc: &Scenario, mut rng| {
            let horizon = if sc.faults == Faults::None {
                600_000 * MS
            } else {
                20_000 * MS
            };
            let net = match sc.fault_mix(ISR_MIX) {
                Some(mix) => sc.faulty_network(&mix, &isr_targets(&cfg), &mut rng),
                None => sc.base_network(),
            };
            let link = latency_hint(&net.latency);
            let r = run_isr(&cfg, &net, horizon, rng)?;
            let produces = r.by_kind.get("produce").copied().unwrap_or(0);
            let repl_bytes = r.replication_bytes() as f64 / r.acknowledged.max(1) as f64;
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
            .with(
                "records_per_produce",
                cfg.records as f64 / produces.max(1) as f64,
            )
            .with("replication_bytes_per_record", repl_bytes)
            .with("elections", r.elections as f64)
            .link_latency_ns(link))
        })
        .param("acks", acks.name())
        .param("min_insync", min_insync)
        .param("batch", batch)
        .param("linger_ms", linger_ms)
        .param("records", SIM_RECORDS)
        .param("arrival_ms", 1))
    }
    fn sweep(&self) -> Option<SweepDef> {
        Some(SweepDef {
            nodes: NodeRange {
                default: 3,
                min: 2,
                max: 64,
                what: "brokers",
            },
            mutants: &[Mutant {
                name: "hw-on-leader-leo",
                bug: "the high watermark follows the leader's log end: batches acknowledged before they are replicated",
            }],
            case: |n, mutant| {
                let cfg = IsrConfig {
                    hw_on_leader_leo: mutant == Some("hw-on-leader-leo"),
                    ..batch_config(n, Acks::All, 300, 8, 5 * MS, 10 * MS)
                };
                cfg.validate()?;
                Ok(Box::new(move |mut rng, log| {
                    let net = super::isr_fault_schedule(&cfg, &mut rng);
                    let (r, deliveries) = run_isr_logged(&cfg, &net, 5000 * MS, rng, log)?;
                    Ok(SweepRun {
                        messages: r.messages,
                        progress: vec![
                            ("mean_acknowledged", Tally::Mean(r.acknowledged as f64)),
                            ("failover_runs", Tally::Runs(r.elections > 0)),
                        ],
                        violations: r.violations,
                        trace: trace_lines(&deliveries, IsrMsg::KINDS),
                    })
                }))
            },
        })
    }
}

#[cfg(test)]
mod tests;
