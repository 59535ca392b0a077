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
//! Checker: exactly one node is elected and it holds the largest UID.

use crate::SimError;
use crate::des::{EventConfig, Protocol, Sim, run_events};
use crate::net::{NetworkModel, NodeId, Time};
use crate::rng::{ChaCha8Rng, below};
use serde::Serialize;

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

/// Ring message: (uid, phase, hops so far, is-reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingMsg {
    uid: u32,
    phase: u32,
    hops: u32,
    reply: bool,
}

/// Ring election state.
#[derive(Debug, Clone)]
pub struct RingElection {
    algo: RingAlgorithm,
    uid: Vec<u32>,
    replies: Vec<u8>,
    phase: Vec<u32>,
    elected: Vec<NodeId>,
    elected_at: Option<Time>,
}

impl RingElection {
    /// A ring with the given UIDs (distinct).
    pub fn new(algo: RingAlgorithm, uid: Vec<u32>) -> Self {
        let n = uid.len();
        RingElection {
            algo,
            uid,
            replies: vec![0; n],
            phase: vec![0; n],
            elected: Vec::new(),
            elected_at: None,
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

    fn probe(&self, sim: &mut Sim<RingMsg>, v: NodeId) {
        let m = RingMsg {
            uid: self.uid[v as usize],
            phase: self.phase[v as usize],
            hops: 1,
            reply: false,
        };
        sim.send(v, self.right(v), 0, 16, m);
        sim.send(v, self.left(v), 0, 16, m);
    }

    fn elect(&mut self, sim: &mut Sim<RingMsg>, v: NodeId) {
        if !self.elected.contains(&v) {
            self.elected.push(v);
            self.elected_at.get_or_insert(sim.now());
        }
    }

    /// Checker: exactly one leader, holding the maximum UID.
    pub fn check(&self) -> Vec<String> {
        let max = self.uid.iter().copied().max().unwrap_or(0);
        let mut v = Vec::new();
        if self.elected.len() != 1 {
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
}

impl Protocol for RingElection {
    type Msg = RingMsg;
    fn kinds(&self) -> &'static [&'static str] {
        &["uid"]
    }
    fn payload_kinds(&self) -> u64 {
        0
    }
    fn start(&mut self, sim: &mut Sim<RingMsg>) {
        for v in 0..self.n() {
            match self.algo {
                RingAlgorithm::Lcr => {
                    let m = RingMsg {
                        uid: self.uid[v as usize],
                        phase: 0,
                        hops: 1,
                        reply: false,
                    };
                    sim.send(v, self.right(v), 0, 16, m);
                }
                RingAlgorithm::Hs => self.probe(sim, v),
            }
        }
    }
    fn on_message(&mut self, sim: &mut Sim<RingMsg>, to: NodeId, from: NodeId, _k: u8, m: RingMsg) {
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
                    sim.send(
                        to,
                        self.right(to),
                        0,
                        16,
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
                        sim.send(to, onward, 0, 16, m);
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
                        sim.send(
                            to,
                            onward,
                            0,
                            16,
                            RingMsg {
                                hops: m.hops + 1,
                                ..m
                            },
                        );
                    } else {
                        sim.send(to, from, 0, 16, RingMsg { reply: true, ..m });
                    }
                }
            }
        }
    }
}

/// Outcome of one ring election.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RingRun {
    /// Messages.
    pub messages: u64,
    /// Bytes sent (all kinds; see [`super::wire`]).
    pub bytes: u64,
    /// The engine's event-trace hash.
    pub trace_hash: u64,
    /// Time of the election (ns).
    pub elected_at: Option<Time>,
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

/// Run one election on a ring of `n` nodes.
pub fn run_ring(
    algo: RingAlgorithm,
    n: usize,
    arrangement: Arrangement,
    net: &NetworkModel,
    mut rng: ChaCha8Rng,
) -> Result<RingRun, SimError> {
    if n < 3 {
        return Err(SimError::param(
            "nodes",
            format!("ring election needs n >= 3, got {n}"),
        ));
    }
    let mut p = RingElection::new(algo, uids(n, arrangement, &mut rng));
    let cfg = EventConfig {
        origin: None,
        track_per_node: false,
        ..EventConfig::default()
    };
    let (m, _) = run_events(&mut p, n, net, &cfg, rng)?;
    Ok(RingRun {
        messages: m.messages,
        bytes: m.bytes,
        trace_hash: m.trace_hash,
        elected_at: p.elected_at,
        violations: p.check(),
    })
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
}
