//! Dynamo-style quorum replication (N, R, W) and PBS stale-read probability.
//!
//! A key lives on `N` replicas (nodes `0..N`); the coordinator (node `N`)
//! writes version `v` by sending it to all `N` replicas and reports the write
//! committed when `W` acknowledgements arrived. A read issued `t` after the
//! commit is sent to all `N` replicas and returns the highest version among
//! the first `R` responses. The read is **stale** if that is older than `v`.
//! This is the *probabilistically bounded staleness* (PBS, Bailis et al. 2012)
//! "t-visibility" experiment, run message by message on the event engine.
//!
//! Messages per write: `2N` (N writes + N acks); per read: `2N`.
//! Invariant checked: with `R + W > N` (strict quorum) and no failures a read
//! never returns a stale version — every read quorum intersects the write
//! quorum.

use crate::SimError;
use crate::des::{EventConfig, Protocol, Sim, run_events};
use crate::montecarlo::{no_progress, run_trials};
use crate::net::{LatencyDist, NetworkModel, NodeId, Time};
use crate::stats::Fraction;
use serde::Serialize;

const WRITE: u8 = 0;
const WRITE_ACK: u8 = 1;
const READ: u8 = 2;
const READ_REPLY: u8 = 3;
const KINDS: &[&str] = &["write", "write-ack", "read", "read-reply"];

/// Quorum configuration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuorumConfig {
    /// Replicas `N` (`1..=64`).
    pub n: usize,
    /// Read quorum `R` (`1..=N`).
    pub r: usize,
    /// Write quorum `W` (`1..=N`).
    pub w: usize,
    /// Delay between the write commit and the read.
    pub read_after: Time,
}

/// One write followed by one read.
#[derive(Debug, Clone)]
pub struct QuorumRun {
    cfg: QuorumConfig,
    version: Vec<u64>,
    acks: usize,
    committed_at: Option<Time>,
    replies: Vec<u64>,
    read_result: Option<u64>,
    read_done_at: Option<Time>,
}

impl QuorumRun {
    /// Fresh state: every replica holds version 1; the write installs version 2.
    pub fn new(cfg: QuorumConfig) -> Self {
        QuorumRun {
            cfg,
            version: vec![1; cfg.n],
            acks: 0,
            committed_at: None,
            replies: Vec::new(),
            read_result: None,
            read_done_at: None,
        }
    }
}

impl Protocol for QuorumRun {
    type Msg = u64;
    fn kinds(&self) -> &'static [&'static str] {
        KINDS
    }
    fn payload_kinds(&self) -> u64 {
        1 << WRITE
    }
    fn start(&mut self, sim: &mut Sim<u64>) {
        let c = self.cfg.n as NodeId;
        for r in 0..c {
            sim.send(c, r, WRITE, 128, 2);
        }
    }
    fn on_message(&mut self, sim: &mut Sim<u64>, to: NodeId, from: NodeId, kind: u8, v: u64) {
        let c = self.cfg.n as NodeId;
        match kind {
            WRITE => {
                let slot = &mut self.version[to as usize];
                *slot = (*slot).max(v);
                sim.send(to, c, WRITE_ACK, 16, v);
            }
            WRITE_ACK => {
                self.acks += 1;
                if self.acks == self.cfg.w {
                    self.committed_at = Some(sim.now());
                    sim.set_timer(c, self.cfg.read_after, 1);
                }
            }
            READ => sim.send(to, from, READ_REPLY, 128, self.version[to as usize]),
            _ => {
                if self.read_result.is_none() {
                    self.replies.push(v);
                    if self.replies.len() == self.cfg.r {
                        self.read_result = self.replies.iter().copied().max();
                        self.read_done_at = Some(sim.now());
                    }
                }
            }
        }
    }
    fn on_timer(&mut self, sim: &mut Sim<u64>, node: NodeId, _id: u64) {
        for r in 0..self.cfg.n as NodeId {
            sim.send(node, r, READ, 16, 0);
        }
    }
}

/// PBS result for one configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PbsRow {
    /// N.
    pub n: usize,
    /// R.
    pub r: usize,
    /// W.
    pub w: usize,
    /// Read delay after commit (ms).
    pub t_ms: f64,
    /// Stale reads among trials, with Wilson interval.
    pub stale: Fraction,
    /// Mean write latency (ms).
    pub write_ms: f64,
    /// Mean read latency (ms).
    pub read_ms: f64,
    /// Messages per write + read.
    pub messages: f64,
    /// Trials.
    pub trials: u32,
    /// Seed.
    pub seed: u64,
}

/// Estimate the stale-read probability for `cfg` with one-way latencies
/// drawn from `latency` (`trials` write+read pairs).
pub fn pbs(
    cfg: &QuorumConfig,
    latency: &LatencyDist,
    seed: u64,
    trials: u32,
) -> Result<PbsRow, SimError> {
    if !(1..=64).contains(&cfg.n) || !(1..=cfg.n).contains(&cfg.r) || !(1..=cfg.n).contains(&cfg.w)
    {
        return Err(SimError::param(
            "quorum",
            format!(
                "need 1 <= R, W <= N <= 64, got N={} R={} W={}",
                cfg.n, cfg.r, cfg.w
            ),
        ));
    }
    let net = NetworkModel {
        latency: latency.clone(),
        ..NetworkModel::default()
    };
    let res = run_trials(seed, trials, &no_progress, |_, rng| {
        let mut p = QuorumRun::new(*cfg);
        let ecfg = EventConfig {
            origin: None,
            track_per_node: false,
            ..EventConfig::default()
        };
        let (m, _) = run_events(&mut p, cfg.n + 1, &net, &ecfg, rng)?;
        let commit = p.committed_at.unwrap_or(0);
        let read = p.read_done_at.map_or(0, |t| t - commit - cfg.read_after);
        Ok((p.read_result == Some(1), commit, read, m.messages))
    })?;
    let ms = |x: u64| x as f64 / 1e6;
    let t = f64::from(trials);
    Ok(PbsRow {
        n: cfg.n,
        r: cfg.r,
        w: cfg.w,
        t_ms: ms(cfg.read_after),
        stale: Fraction::new(res.iter().filter(|x| x.0).count() as u64, u64::from(trials)),
        write_ms: res.iter().map(|x| ms(x.1)).sum::<f64>() / t,
        read_ms: res.iter().map(|x| ms(x.2)).sum::<f64>() / t,
        messages: res.iter().map(|x| x.3 as f64).sum::<f64>() / t,
        trials,
        seed,
    })
}

/// PBS table: N = 3 with (R, W) in {(1,1), (1,2), (2,1), (2,2)} and read
/// delays 0, 1, 5, 10, 50 ms; exponential one-way latency with mean 5 ms
/// (2000 trials per cell).
pub fn pbs_table(seed: u64) -> Result<Vec<PbsRow>, SimError> {
    let lat = LatencyDist::Exponential { mean_ns: 5e6 };
    let mut rows = Vec::new();
    for (r, w) in [(1, 1), (1, 2), (2, 1), (2, 2)] {
        for t in [0u64, 1, 5, 10, 50] {
            let cfg = QuorumConfig {
                n: 3,
                r,
                w,
                read_after: t * 1_000_000,
            };
            rows.push(pbs(&cfg, &lat, seed, 2000)?);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_quorums_are_never_stale_and_partial_ones_are() {
        let rows = pbs_table(12).unwrap();
        for r in &rows {
            assert_eq!(r.messages, 4.0 * r.n as f64, "2N per write + 2N per read");
            if r.r + r.w > r.n {
                assert_eq!(r.stale.successes, 0, "{r:?}");
            }
        }
        let at = |rr, ww, t: f64| {
            rows.iter()
                .find(|x| x.r == rr && x.w == ww && x.t_ms == t)
                .unwrap()
                .stale
                .value
        };
        assert!(
            at(1, 1, 0.0) > 0.1,
            "R=W=1 reads right after the commit are often stale"
        );
        assert!(at(1, 1, 50.0) < at(1, 1, 0.0), "staleness decays with t");
        assert!(
            pbs(
                &QuorumConfig {
                    n: 3,
                    r: 4,
                    w: 1,
                    read_after: 0
                },
                &LatencyDist::Constant { ns: 1 },
                0,
                1
            )
            .is_err()
        );
    }
}
