//! Closed-form traffic models of coordination protocols.
//!
//! Each [`Protocol`] expands into a [`TrafficModel`]: the directed messages between
//! numbered nodes for one unit of work (a transaction, decision, write+read pair,
//! broadcast or health-check interval), and the **critical path** as a list of
//! [`Phase`]s. Node 0 is always the coordinator / leader / primary. Counting
//! conventions (all message counts exclude retries and failures):
//!
//! | model | nodes | messages per unit | message delays |
//! |---|---|---|---|
//! | 2PC, separate coordinator (Gray & Lamport 2006) | TM + N RMs | 3N − 1 | 4 |
//! | 2PC, coordinator co-located with an RM | N RMs | 3N − 3 | 3 |
//! | 3PC (Skeen), separate coordinator | TM + N | 5N − 1 | 6 |
//! | 3PC, co-located | N | 5N − 5 | 5 |
//! | Paxos (one decree, proposer is an acceptor) | N | 4(N − 1) | 4 |
//! | Multi-Paxos / Raft, stable leader, batch b | N | 2(N − 1)/b | 2 |
//! | leader-based primary-backup, synchronous | N | 2(N − 1) | 2 |
//! | leader-based, asynchronous | N | N − 1 | 0 on the user path |
//! | leaderless quorum (N, R, W): one write + one read | client + N | 2N + 2R | 4 |
//! | push gossip, fanout f | N | N·f·r, r = ⌈log₁₊f N + (ln N)/f⌉ | r |
//! | PBFT normal case incl. request and replies | client + n | 2n² − n + 1 | 5 |
//! | health checks, full mesh, per interval | N | 2N(N − 1) | 2 |
//! | health checks, hierarchical (groups of g) | N | 2[(N − G) + G(G − 1)], G = ⌈N/g⌉ | 4 |
//!
//! **2PC convention.** The default follows Gray & Lamport, *Consensus on
//! Transaction Commit* (2006): an RM that wants to commit sends *Prepared* to a
//! separate transaction manager (1), the TM sends *Prepare* to the other N − 1 RMs,
//! they answer *Prepared* (N − 1), and the TM sends *Commit* to all N: 3N − 1
//! messages, 4 message delays. With the TM co-located with the first RM the first
//! message and the messages to itself vanish: 3N − 3 messages, 3 delays.
//! 3PC adds a *pre-commit*/*ack* round to the same skeleton. Client requests and
//! replies are not counted except in PBFT, where the conventional 2n² − n + 1
//! includes them. Raft and Multi-Paxos commit indices piggyback on the next append,
//! so they are not extra messages; Paxos learners other than the proposer learn
//! from such piggybacked messages as well.
//!
//! **Gossip rounds.** For push gossip with fanout f the number of rounds until all
//! N nodes are informed is about log₁₊f N + (ln N)/f (Pittel 1987 for f = 1:
//! log₂ N + ln N + O(1)); the model charges every node f messages per round for r
//! rounds (periodic anti-entropy), an upper bound on a single rumour's traffic.

use std::fmt;

use serde::Serialize;

use crate::CostError;

/// Where the 2PC/3PC coordinator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Coordinator {
    /// A separate transaction manager (Gray & Lamport's count, the default).
    Separate,
    /// The coordinator is one of the participants.
    CoLocated,
}

/// Health-check topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthTopology {
    /// Every node probes every other node.
    FullMesh,
    /// Nodes in groups of `group_size`; the first node of a group probes its members
    /// and the group aggregators probe each other.
    Hierarchical {
        /// Members per group (≥ 1).
        group_size: u32,
    },
}

/// A protocol with its size parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "protocol", rename_all = "snake_case")]
pub enum Protocol {
    /// Two-phase commit over `participants` resource managers.
    TwoPc {
        /// Number of resource managers N.
        participants: u32,
        /// Coordinator placement convention.
        coordinator: Coordinator,
    },
    /// Three-phase commit.
    ThreePc {
        /// Number of participants N.
        participants: u32,
        /// Coordinator placement convention.
        coordinator: Coordinator,
    },
    /// Single-decree Paxos among `nodes` acceptors.
    Paxos {
        /// Acceptors N.
        nodes: u32,
    },
    /// Multi-Paxos with a stable leader, `batch` decisions per accept round.
    MultiPaxos {
        /// Replicas N.
        nodes: u32,
        /// Batch size b ≥ 1.
        batch: u32,
    },
    /// Raft log replication with `batch` entries per AppendEntries.
    Raft {
        /// Replicas N.
        nodes: u32,
        /// Batch size b ≥ 1.
        batch: u32,
    },
    /// Leader-based primary-backup replication.
    Leader {
        /// Replicas N including the leader.
        nodes: u32,
        /// Whether the leader waits for all backups' acks.
        synchronous: bool,
    },
    /// Leaderless quorum replication: one write (to all N, wait W) plus one read
    /// (from R replicas).
    Quorum {
        /// Replicas N.
        n: u32,
        /// Read quorum R.
        r: u32,
        /// Write quorum W.
        w: u32,
    },
    /// Push gossip of one update.
    Gossip {
        /// Nodes N.
        nodes: u32,
        /// Peers contacted per round f ≥ 1.
        fanout: u32,
    },
    /// PBFT normal-case operation with n = 3f + 1 replicas.
    Pbft {
        /// Replicas n ≥ 4.
        nodes: u32,
    },
    /// One interval of health checks.
    HealthCheck {
        /// Nodes N.
        nodes: u32,
        /// Topology.
        topology: HealthTopology,
    },
    /// Hierarchical (tree) 2PC: the root coordinator runs 2PC with one
    /// sub-coordinator per group, and each sub-coordinator (itself a participant)
    /// runs 2PC with the other participants of its group — the tree-of-processes
    /// commit of R* (Mohan, Lindsay & Obermarck 1986). Node `i` is in group
    /// `i mod groups`, which matches the `regions[i mod len]` placement when
    /// `groups` is the number of region entries.
    HierarchicalTwoPc {
        /// Number of resource managers N.
        participants: u32,
        /// Whether the root is a separate transaction manager or participant 0.
        coordinator: Coordinator,
        /// Number of groups m ≥ 1 (one sub-coordinator each).
        groups: u32,
    },
    /// Two-level Raft or Multi-Paxos replication: the nodes form `groups` groups
    /// (node `i` in group `i mod groups`); the leader replicates to the other group
    /// leaders, each group leader replicates to its members and acknowledges once a
    /// majority of its group has the entry; the entry commits once a majority of
    /// groups has it.
    HierarchicalConsensus {
        /// Replicas N.
        nodes: u32,
        /// Batch size b ≥ 1.
        batch: u32,
        /// Number of groups m ≥ 1.
        groups: u32,
        /// `true` for Raft, `false` for Multi-Paxos (the same message pattern).
        raft: bool,
    },
}

/// One subtree of a [`Phase::Tree`]: a group head and its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeGroup {
    /// The group's head (sub-coordinator or group leader); may be the tree's root.
    pub head: usize,
    /// The other nodes of the group.
    pub members: Vec<usize>,
    /// Member replies (or deliveries) the head needs before it answers the root.
    pub wait_for: usize,
}

/// One step of the critical path. Node indices refer to [`TrafficModel::nodes`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// A single one-way message `from → to`.
    Single {
        /// Sender.
        from: usize,
        /// Receiver.
        to: usize,
    },
    /// `from` sends to every node of `to` and waits for the `wait_for`-th fastest
    /// reply: the `wait_for`-th smallest RTT (an order statistic).
    RoundTrip {
        /// Initiator.
        from: usize,
        /// Peers.
        to: Vec<usize>,
        /// Replies needed (1 ≤ k ≤ |to|).
        wait_for: usize,
    },
    /// `from` sends one-way to `to`; done when `wait_for` have received it.
    OneWay {
        /// Sender.
        from: usize,
        /// Receivers.
        to: Vec<usize>,
        /// Deliveries needed.
        wait_for: usize,
    },
    /// Each node of `senders` sends to every node of `receivers`; each receiver
    /// waits for `wait_for` messages from others; the phase ends when the slowest
    /// receiver is done (phases are assumed to start together).
    AllToAll {
        /// Senders.
        senders: Vec<usize>,
        /// Receivers.
        receivers: Vec<usize>,
        /// Messages each receiver needs.
        wait_for: usize,
    },
    /// `from` waits for `wait_for` one-way messages, one from each of `senders`.
    Gather {
        /// Senders.
        senders: Vec<usize>,
        /// Receiver.
        to: usize,
        /// Messages needed.
        wait_for: usize,
    },
    /// `count` gossip rounds among `among`, each costing the mean one-way delay over
    /// all ordered pairs.
    Rounds {
        /// Participants.
        among: Vec<usize>,
        /// Number of rounds.
        count: u32,
    },
    /// A two-level tree. With `round_trip`, group `j` is done after
    /// RTT(root, head) + the `wait_for`-th smallest RTT(head, member); without it,
    /// after half of each (one-way delivery down the tree). The phase ends when
    /// `wait_groups` groups are done (an order statistic over the groups). A group
    /// whose head is the root has no first hop.
    Tree {
        /// The root.
        root: usize,
        /// The groups.
        groups: Vec<TreeGroup>,
        /// Groups needed (1 ≤ k ≤ |groups|).
        wait_groups: usize,
        /// Round trip (request and reply) or one-way delivery.
        round_trip: bool,
    },
}

impl Phase {
    /// Message delays this phase contributes (a round trip counts 2).
    pub fn delays(&self) -> u32 {
        match self {
            Phase::RoundTrip { .. } => 2,
            Phase::Rounds { count, .. } => *count,
            Phase::Tree {
                root,
                groups,
                round_trip,
                ..
            } => {
                let up = u32::from(groups.iter().any(|g| g.head != *root));
                let down = u32::from(groups.iter().any(|g| !g.members.is_empty()));
                (up + down) * if *round_trip { 2 } else { 1 }
            }
            _ => 1,
        }
    }
}

/// Role of a node in a traffic model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRole {
    /// Role name (`coordinator`, `participant`, `leader`, `client`, …).
    pub role: String,
    /// If set, the node is co-located (same zone) with this other node and takes no
    /// entry of the region list.
    pub colocated_with: Option<usize>,
}

/// Directed messages `from → to`, `count` per [`TrafficModel::denominator`] units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// Sender.
    pub from: usize,
    /// Receiver.
    pub to: usize,
    /// Count (to be divided by the model's denominator).
    pub count: u64,
}

/// Messages and critical path of one unit of work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficModel {
    /// The protocol.
    pub protocol: Protocol,
    /// Nodes with their roles.
    pub nodes: Vec<NodeRole>,
    /// Directed messages.
    pub edges: Vec<Edge>,
    /// Units of work the edges are for (batch size, gossip spread).
    pub denominator: u64,
    /// Critical path.
    pub phases: Vec<Phase>,
    /// The message-count formula and its convention, in words.
    pub formula: String,
    /// What one unit of work is.
    pub unit: String,
}

impl TrafficModel {
    /// Total messages per unit of work as an exact fraction (numerator, denominator).
    pub fn messages_fraction(&self) -> (u64, u64) {
        (self.edges.iter().map(|e| e.count).sum(), self.denominator)
    }

    /// Messages per unit of work.
    pub fn messages_per_unit(&self) -> f64 {
        let (n, d) = self.messages_fraction();
        n as f64 / d as f64
    }

    /// Message delays on the critical path.
    pub fn message_delays(&self) -> u32 {
        self.phases.iter().map(Phase::delays).sum()
    }

    /// Latency in ms when every pair of distinct nodes has round-trip time
    /// `rtt_ms` and co-located nodes have 0.
    pub fn uniform_latency_ms(&self, rtt_ms: f64) -> f64 {
        let host = |i: usize| self.nodes[i].colocated_with.unwrap_or(i);
        self.latency_ms_with(&|i, j| if host(i) == host(j) { 0.0 } else { rtt_ms })
    }

    /// The node RTT matrix for a uniform RTT (co-located pairs get 0).
    pub fn uniform_matrix(&self, rtt_ms: f64) -> Vec<Vec<f64>> {
        let n = self.nodes.len();
        let host = |i: usize| self.nodes[i].colocated_with.unwrap_or(i);
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| if host(i) == host(j) { 0.0 } else { rtt_ms })
                    .collect()
            })
            .collect()
    }

    /// Critical-path latency in ms given a node-to-node RTT matrix (ms).
    pub fn latency_ms(&self, rtt: &[Vec<f64>]) -> f64 {
        self.latency_ms_with(&|i, j| rtt[i][j])
    }

    /// Critical-path latency in ms given the RTT (ms) between nodes `i` and `j`.
    pub fn latency_ms_with(&self, rtt: &dyn Fn(usize, usize) -> f64) -> f64 {
        fn kth(mut v: Vec<f64>, k: usize) -> f64 {
            v.sort_by(f64::total_cmp);
            if v.is_empty() || k == 0 {
                0.0
            } else {
                v[(k - 1).min(v.len() - 1)]
            }
        }
        let mut total = 0.0;
        for ph in &self.phases {
            total += match ph {
                Phase::Single { from, to } => rtt(*from, *to) / 2.0,
                Phase::RoundTrip { from, to, wait_for } => {
                    kth(to.iter().map(|&t| rtt(*from, t)).collect(), *wait_for)
                }
                Phase::OneWay { from, to, wait_for } => {
                    kth(to.iter().map(|&t| rtt(*from, t) / 2.0).collect(), *wait_for)
                }
                Phase::AllToAll {
                    senders,
                    receivers,
                    wait_for,
                } => receivers
                    .iter()
                    .map(|&r| {
                        kth(
                            senders
                                .iter()
                                .filter(|&&s| s != r)
                                .map(|&s| rtt(s, r) / 2.0)
                                .collect(),
                            *wait_for,
                        )
                    })
                    .fold(0.0, f64::max),
                Phase::Gather {
                    senders,
                    to,
                    wait_for,
                } => kth(
                    senders.iter().map(|&s| rtt(s, *to) / 2.0).collect(),
                    *wait_for,
                ),
                Phase::Tree {
                    root,
                    groups,
                    wait_groups,
                    round_trip,
                } => {
                    let f = if *round_trip { 1.0 } else { 0.5 };
                    let done: Vec<f64> = groups
                        .iter()
                        .map(|g| {
                            let up = if g.head == *root {
                                0.0
                            } else {
                                f * rtt(*root, g.head)
                            };
                            let local = kth(
                                g.members.iter().map(|&m| f * rtt(g.head, m)).collect(),
                                g.wait_for,
                            );
                            up + local
                        })
                        .collect();
                    kth(done, *wait_groups)
                }
                Phase::Rounds { among, count } => {
                    let mut sum = 0.0;
                    let mut pairs = 0usize;
                    for &a in among {
                        for &b in among {
                            if a != b {
                                sum += rtt(a, b) / 2.0;
                                pairs += 1;
                            }
                        }
                    }
                    if pairs == 0 {
                        0.0
                    } else {
                        f64::from(*count) * sum / pairs as f64
                    }
                }
            };
        }
        total
    }
}

/// Largest node count for models whose traffic is linear in N.
pub const MAX_NODES_LINEAR: u32 = 100_000;
/// Largest node count for models with Θ(N²) messages (PBFT, full-mesh health
/// checks, gossip's all-pairs spread).
pub const MAX_NODES_QUADRATIC: u32 = 1_000;

fn need(name: &str, v: u32, min: u32) -> Result<(), CostError> {
    need_max(name, v, min, MAX_NODES_LINEAR)
}

fn need_max(name: &str, v: u32, min: u32, max: u32) -> Result<(), CostError> {
    if v > max {
        return Err(CostError::invalid(
            name,
            format!("must be ≤ {max} for this model, got {v}"),
        ));
    }
    if v < min {
        return Err(CostError::invalid(
            name,
            format!("must be ≥ {min}, got {v}"),
        ));
    }
    if v > 100_000 {
        return Err(CostError::invalid(
            name,
            format!("must be ≤ 100000, got {v}"),
        ));
    }
    Ok(())
}

/// Groups `parts` by node index mod `m` (empty groups dropped, in key order); the
/// smallest index of a group is its head; `wait` gives the head's member wait.
fn tree_groups(parts: &[usize], m: usize, wait: impl Fn(&TreeGroup) -> usize) -> Vec<TreeGroup> {
    let mut by_key: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for &i in parts {
        by_key.entry(i % m.max(1)).or_default().push(i);
    }
    by_key
        .into_values()
        .map(|v| {
            let mut g = TreeGroup {
                head: v[0],
                members: v[1..].to_vec(),
                wait_for: 0,
            };
            g.wait_for = wait(&g);
            g
        })
        .collect()
}

fn roles(spec: &[(&str, usize, Option<usize>)]) -> Vec<NodeRole> {
    let mut v = Vec::new();
    for (role, count, co) in spec {
        for _ in 0..*count {
            v.push(NodeRole {
                role: role.to_string(),
                colocated_with: *co,
            });
        }
    }
    v
}

/// Gossip rounds r = ⌈log₁₊f N + (ln N)/f⌉ (0 for N = 1).
pub fn gossip_rounds(nodes: u32, fanout: u32) -> u32 {
    if nodes <= 1 {
        return 0;
    }
    let n = f64::from(nodes);
    let f = f64::from(fanout.max(1));
    (n.ln() / (1.0 + f).ln() + n.ln() / f).ceil() as u32
}

/// Messages of one leader election among `nodes` replicas when `candidates` of them
/// campaign at the same time: each candidate asks the N − 1 others for their vote
/// (Raft RequestVote, Paxos phase-1 Prepare) and each answers, so
///
/// ```text
/// messages = candidates · 2(N − 1)
/// ```
///
/// One candidate (the normal case with randomised timeouts) costs 2(N − 1); the
/// quadratic N · 2(N − 1) needs every node to campaign at once.
///
/// ```
/// use cc_cost::protocols::election_messages;
/// assert_eq!(election_messages(5, 1)?, 8);
/// assert_eq!(election_messages(5, 5)?, 40);
/// # Ok::<(), cc_cost::CostError>(())
/// ```
pub fn election_messages(nodes: u32, candidates: u32) -> Result<u64, CostError> {
    need("participants", nodes, 1)?;
    if candidates == 0 || candidates > nodes {
        return Err(CostError::invalid(
            "candidates",
            format!("must be in 1..={nodes}, got {candidates}"),
        ));
    }
    Ok(u64::from(candidates) * 2 * u64::from(nodes - 1))
}

impl Protocol {
    /// Model name as used on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Protocol::TwoPc { .. } => "2pc",
            Protocol::ThreePc { .. } => "3pc",
            Protocol::Paxos { .. } => "paxos",
            Protocol::MultiPaxos { .. } => "multi-paxos",
            Protocol::Raft { .. } => "raft",
            Protocol::Leader { .. } => "leader",
            Protocol::Quorum { .. } => "quorum",
            Protocol::Gossip { .. } => "gossip",
            Protocol::Pbft { .. } => "pbft",
            Protocol::HealthCheck { .. } => "health-check",
            Protocol::HierarchicalTwoPc { .. } => "2pc",
            Protocol::HierarchicalConsensus { raft: true, .. } => "raft",
            Protocol::HierarchicalConsensus { raft: false, .. } => "multi-paxos",
        }
    }

    /// Validates the parameters and builds the traffic model.
    pub fn model(&self) -> Result<TrafficModel, CostError> {
        let mut edge_map: std::collections::BTreeMap<(usize, usize), u64> = Default::default();
        let mut add = |from: usize, to: usize, count: u64| {
            *edge_map.entry((from, to)).or_insert(0) += count;
        };
        let mut denominator = 1u64;
        let (nodes, phases, formula, unit) = match *self {
            Protocol::TwoPc {
                participants: n,
                coordinator,
            }
            | Protocol::ThreePc {
                participants: n,
                coordinator,
            } => {
                let three = matches!(self, Protocol::ThreePc { .. });
                let n = n as usize;
                let name = if three { "3PC" } else { "2PC" };
                match coordinator {
                    Coordinator::Separate => {
                        need("participants", n as u32, 1)?;
                        // node 0 = TM, nodes 1..=n = RMs; RM 1 initiates.
                        let rms: Vec<usize> = (1..=n).collect();
                        let others: Vec<usize> = (2..=n).collect();
                        add(1, 0, 1);
                        for &i in &others {
                            add(0, i, 1);
                            add(i, 0, 1);
                        }
                        let mut phases = vec![Phase::Single { from: 1, to: 0 }];
                        if !others.is_empty() {
                            phases.push(Phase::RoundTrip {
                                from: 0,
                                to: others.clone(),
                                wait_for: others.len(),
                            });
                        }
                        if three {
                            for &i in &rms {
                                add(0, i, 1);
                                add(i, 0, 1);
                            }
                            phases.push(Phase::RoundTrip {
                                from: 0,
                                to: rms.clone(),
                                wait_for: rms.len(),
                            });
                        }
                        for &i in &rms {
                            add(0, i, 1);
                        }
                        phases.push(Phase::OneWay {
                            from: 0,
                            to: rms.clone(),
                            wait_for: rms.len(),
                        });
                        let formula = if three {
                            "5N − 1: Prepared from the initiating RM, Prepare/Prepared with the other N − 1, \
                             PreCommit/Ack with all N, Commit to all N (separate coordinator)"
                        } else {
                            "3N − 1: Prepared from the initiating RM, Prepare/Prepared with the other N − 1, \
                             Commit to all N (Gray & Lamport 2006, separate coordinator)"
                        };
                        (
                            roles(&[("coordinator", 1, None), ("participant", n, None)]),
                            phases,
                            formula.to_string(),
                            format!("one {name} transaction"),
                        )
                    }
                    Coordinator::CoLocated => {
                        need("participants", n as u32, 2)?;
                        let others: Vec<usize> = (1..n).collect();
                        let rounds = if three { 2 } else { 1 };
                        let mut phases = Vec::new();
                        for _ in 0..rounds {
                            for &i in &others {
                                add(0, i, 1);
                                add(i, 0, 1);
                            }
                            phases.push(Phase::RoundTrip {
                                from: 0,
                                to: others.clone(),
                                wait_for: others.len(),
                            });
                        }
                        for &i in &others {
                            add(0, i, 1);
                        }
                        phases.push(Phase::OneWay {
                            from: 0,
                            to: others.clone(),
                            wait_for: others.len(),
                        });
                        let formula = if three {
                            "5(N − 1): three phases to the N − 1 other participants, coordinator co-located"
                        } else {
                            "3(N − 1) = 3N − 3: Prepare, Prepared and Commit with the N − 1 other \
                             participants, coordinator co-located with one RM"
                        };
                        (
                            roles(&[
                                ("coordinator+participant", 1, None),
                                ("participant", n - 1, None),
                            ]),
                            phases,
                            formula.to_string(),
                            format!("one {name} transaction"),
                        )
                    }
                }
            }
            Protocol::Paxos { nodes: n } => {
                need("participants", n, 1)?;
                let n = n as usize;
                let others: Vec<usize> = (1..n).collect();
                let maj = n / 2; // replies needed from others: ⌊N/2⌋ (+ self = majority)
                for &i in &others {
                    add(0, i, 2);
                    add(i, 0, 2);
                }
                let rt = Phase::RoundTrip {
                    from: 0,
                    to: others.clone(),
                    wait_for: maj,
                };
                (
                    roles(&[("proposer", 1, None), ("acceptor", n - 1, None)]),
                    if n > 1 { vec![rt.clone(), rt] } else { vec![] },
                    "4(N − 1): Prepare/Promise and Accept/Accepted with the N − 1 other acceptors; \
                     the proposer needs ⌊N/2⌋ replies per phase"
                        .to_string(),
                    "one Paxos decision".to_string(),
                )
            }
            Protocol::MultiPaxos { nodes: n, batch } | Protocol::Raft { nodes: n, batch } => {
                need("participants", n, 1)?;
                need("batch", batch, 1)?;
                let raft = matches!(self, Protocol::Raft { .. });
                let n = n as usize;
                let others: Vec<usize> = (1..n).collect();
                for &i in &others {
                    add(0, i, 1);
                    add(i, 0, 1);
                }
                denominator = u64::from(batch);
                (
                    roles(&[("leader", 1, None), ("follower", n - 1, None)]),
                    if n > 1 {
                        vec![Phase::RoundTrip {
                            from: 0,
                            to: others,
                            wait_for: n / 2,
                        }]
                    } else {
                        vec![]
                    },
                    if raft {
                        "2(N − 1)/b: AppendEntries and its response with each of the N − 1 followers per \
                         batch of b entries; commit after ⌊N/2⌋ follower acks"
                    } else {
                        "2(N − 1)/b: Accept/Accepted with each of the N − 1 other replicas per batch of b \
                         decisions (phase 1 amortised away by the stable leader)"
                    }
                    .to_string(),
                    if raft { "one Raft log entry" } else { "one Multi-Paxos decision" }.to_string(),
                )
            }
            Protocol::Leader {
                nodes: n,
                synchronous,
            } => {
                need("participants", n, 1)?;
                let n = n as usize;
                let others: Vec<usize> = (1..n).collect();
                for &i in &others {
                    add(0, i, 1);
                    if synchronous {
                        add(i, 0, 1);
                    }
                }
                let phases = if synchronous && n > 1 {
                    vec![Phase::RoundTrip {
                        from: 0,
                        to: others.clone(),
                        wait_for: others.len(),
                    }]
                } else {
                    vec![]
                };
                (
                    roles(&[("leader", 1, None), ("backup", n - 1, None)]),
                    phases,
                    if synchronous {
                        "2(N − 1): the leader sends the update to N − 1 backups and waits for all acks"
                    } else {
                        "N − 1: the leader sends the update to N − 1 backups and does not wait"
                    }
                    .to_string(),
                    "one update".to_string(),
                )
            }
            Protocol::Quorum { n, r, w } => {
                need("n", n, 1)?;
                if w == 0 || w > n {
                    return Err(CostError::invalid(
                        "w",
                        format!("W must be in 1..=N ({n}), got {w}"),
                    ));
                }
                if r == 0 || r > n {
                    return Err(CostError::invalid(
                        "r",
                        format!("R must be in 1..=N ({n}), got {r}"),
                    ));
                }
                let nn = n as usize;
                // node 0 = coordinator (client-side), co-located with replica 1.
                let reps: Vec<usize> = (1..=nn).collect();
                for &i in &reps {
                    add(0, i, 1);
                    add(i, 0, 1);
                }
                let readers: Vec<usize> = (1..=r as usize).collect();
                for &i in &readers {
                    add(0, i, 1);
                    add(i, 0, 1);
                }
                (
                    {
                        let mut v = roles(&[("coordinator", 1, Some(1))]);
                        v.extend(roles(&[("replica", nn, None)]));
                        v
                    },
                    vec![
                        Phase::RoundTrip {
                            from: 0,
                            to: reps,
                            wait_for: w as usize,
                        },
                        Phase::RoundTrip {
                            from: 0,
                            to: readers.clone(),
                            wait_for: readers.len(),
                        },
                    ],
                    "2N + 2R: a write goes to all N replicas (W acks awaited), a read asks R replicas; \
                     the text's W + R counts only the awaited quorum members' requests"
                        .to_string(),
                    "one write plus one read".to_string(),
                )
            }
            Protocol::Gossip { nodes: n, fanout } => {
                need_max("participants", n, 2, MAX_NODES_QUADRATIC)?;
                need_max("fanout", fanout, 1, 1000)?;
                let nn = n as usize;
                let rounds = gossip_rounds(n, fanout);
                for i in 0..nn {
                    for j in 0..nn {
                        if i != j {
                            add(i, j, u64::from(fanout) * u64::from(rounds));
                        }
                    }
                }
                denominator = (nn - 1) as u64;
                (
                    roles(&[("origin", 1, None), ("peer", nn - 1, None)]),
                    vec![Phase::Rounds {
                        among: (0..nn).collect(),
                        count: rounds,
                    }],
                    format!(
                        "N·f·r with r = ⌈log₁₊f N + (ln N)/f⌉ = {rounds} rounds: every node pushes to f \
                         random peers per round (spread evenly over the N − 1 peers)"
                    ),
                    "one update disseminated to all nodes".to_string(),
                )
            }
            Protocol::Pbft { nodes: n } => {
                need_max("participants", n, 4, MAX_NODES_QUADRATIC)?;
                let nn = n as usize;
                let f = (nn - 1) / 3;
                let client = nn; // node n, co-located with the primary
                let backups: Vec<usize> = (1..nn).collect();
                let all: Vec<usize> = (0..nn).collect();
                add(client, 0, 1);
                for &i in &backups {
                    add(0, i, 1); // pre-prepare
                }
                for &i in &backups {
                    for &j in &all {
                        if i != j {
                            add(i, j, 1); // prepare from backups
                        }
                    }
                }
                for &i in &all {
                    for &j in &all {
                        if i != j {
                            add(i, j, 1); // commit
                        }
                    }
                    add(i, client, 1); // reply
                }
                let mut r = roles(&[("primary", 1, None), ("backup", nn - 1, None)]);
                r.extend(roles(&[("client", 1, Some(0))]));
                (
                    r,
                    vec![
                        Phase::Single { from: client, to: 0 },
                        Phase::OneWay {
                            from: 0,
                            to: backups.clone(),
                            wait_for: backups.len(),
                        },
                        Phase::AllToAll {
                            senders: backups,
                            receivers: all.clone(),
                            wait_for: 2 * f,
                        },
                        Phase::AllToAll {
                            senders: all.clone(),
                            receivers: all.clone(),
                            wait_for: 2 * f,
                        },
                        Phase::Gather {
                            senders: all,
                            to: client,
                            wait_for: f + 1,
                        },
                    ],
                    "2n² − n + 1 = 1 request + (n − 1) pre-prepares + (n − 1)² prepares + n(n − 1) commits \
                     + n replies (Castro & Liskov 1999 normal case)"
                        .to_string(),
                    "one PBFT request".to_string(),
                )
            }
            Protocol::HierarchicalTwoPc {
                participants: n,
                coordinator,
                groups: m,
            } => {
                let colocated = coordinator == Coordinator::CoLocated;
                need("participants", n, if colocated { 2 } else { 1 })?;
                need("groups", m, 1)?;
                let nn = n as usize;
                // separate: node 0 = root TM, nodes 1..=N = RMs; co-located: RM 0 is the root
                let parts: Vec<usize> = if colocated {
                    (0..nn).collect()
                } else {
                    (1..=nn).collect()
                };
                let groups = tree_groups(&parts, m as usize, |g| g.members.len());
                let mut nodes = if colocated {
                    Vec::new()
                } else {
                    roles(&[("coordinator", 1, None)])
                };
                for &i in &parts {
                    let head = groups.iter().any(|g| g.head == i);
                    nodes.push(NodeRole {
                        role: match (i == 0, head) {
                            (true, _) => "coordinator",
                            (false, true) => "sub-coordinator",
                            (false, false) => "participant",
                        }
                        .to_string(),
                        colocated_with: None,
                    });
                }
                for g in &groups {
                    if g.head != 0 {
                        add(0, g.head, 2); // Prepare and Commit
                        add(g.head, 0, 1); // the group's vote
                    }
                    for &x in &g.members {
                        add(g.head, x, 2);
                        add(x, g.head, 1);
                    }
                }
                let k = groups.len();
                let cross = groups.iter().filter(|g| g.head != 0).count();
                let mut phases = Vec::new();
                if !colocated {
                    // the initiating RM (node 1) asks the root to commit, as in the flat count
                    add(1, 0, 1);
                    phases.push(Phase::Single { from: 1, to: 0 });
                }
                phases.extend([
                    Phase::Tree {
                        root: 0,
                        groups: groups.clone(),
                        wait_groups: k,
                        round_trip: true,
                    },
                    Phase::Tree {
                        root: 0,
                        groups,
                        wait_groups: k,
                        round_trip: false,
                    },
                ]);
                (
                    nodes,
                    phases,
                    format!(
                        "3N{} with m = {k} groups: {}Prepare, vote and Commit between the root and each of \
                         its {cross} sub-coordinators (3 × {cross} = {} cross-group) and between each \
                         sub-coordinator and its local participants (3(N − m) = {} intra-group); \
                         tree 2PC as in R* (Mohan, Lindsay & Obermarck 1986), {} coordinator",
                        if colocated { " − 3" } else { " + 1" },
                        if colocated {
                            ""
                        } else {
                            "the initiating RM's request to the root (1), then "
                        },
                        3 * cross,
                        3 * (nn - k),
                        if colocated { "co-located" } else { "separate" },
                    ),
                    "one 2PC transaction".to_string(),
                )
            }
            Protocol::HierarchicalConsensus {
                nodes: n,
                batch,
                groups: m,
                raft,
            } => {
                need("participants", n, 1)?;
                need("batch", batch, 1)?;
                need("groups", m, 1)?;
                let nn = n as usize;
                let parts: Vec<usize> = (0..nn).collect();
                // a group of g nodes has a local majority once its head and ⌊g/2⌋ members have it
                let groups = tree_groups(&parts, m as usize, |g| g.members.len().div_ceil(2));
                let mut nodes = Vec::new();
                for i in 0..nn {
                    let head = groups.iter().any(|g| g.head == i);
                    nodes.push(NodeRole {
                        role: match (i == 0, head) {
                            (true, _) => "leader",
                            (false, true) => "group leader",
                            (false, false) => "follower",
                        }
                        .to_string(),
                        colocated_with: None,
                    });
                }
                for g in &groups {
                    if g.head != 0 {
                        add(0, g.head, 1);
                        add(g.head, 0, 1);
                    }
                    for &x in &g.members {
                        add(g.head, x, 1);
                        add(x, g.head, 1);
                    }
                }
                denominator = u64::from(batch);
                let k = groups.len();
                let phases = if nn > 1 {
                    vec![Phase::Tree {
                        root: 0,
                        groups,
                        wait_groups: k / 2 + 1,
                        round_trip: true,
                    }]
                } else {
                    vec![]
                };
                let (msg, unit) = if raft {
                    ("AppendEntries and its response", "one Raft log entry")
                } else {
                    ("Accept/Accepted", "one Multi-Paxos decision")
                };
                (
                    nodes,
                    phases,
                    format!(
                        "2(N − 1)/b with m = {k} groups: {msg} between the leader and the {} other group \
                         leaders (2(m − 1) = {} cross-group) and between each group leader and its members \
                         (2(N − m) = {} intra-group); commit once ⌊m/2⌋ + 1 groups each hold the entry on a \
                         local majority (tolerates a minority of groups down and a minority within each \
                         group, not any minority of nodes)",
                        k - 1,
                        2 * (k - 1),
                        2 * (nn - k),
                    ),
                    unit.to_string(),
                )
            }
            Protocol::HealthCheck { nodes: n, topology } => {
                need("participants", n, 2)?;
                let nn = n as usize;
                match topology {
                    HealthTopology::FullMesh => {
                        need_max("participants", n, 2, MAX_NODES_QUADRATIC)?;
                        for i in 0..nn {
                            for j in 0..nn {
                                if i != j {
                                    add(i, j, 2); // probe i→j and its reply j→i, counted per ordered pair
                                }
                            }
                        }
                        (
                            roles(&[("node", nn, None)]),
                            vec![Phase::RoundTrip {
                                from: 0,
                                to: (1..nn).collect(),
                                wait_for: nn - 1,
                            }],
                            "2N(N − 1): each node probes the N − 1 others (probe + reply) per interval"
                                .to_string(),
                            "one health-check interval".to_string(),
                        )
                    }
                    HealthTopology::Hierarchical { group_size } => {
                        need("group_size", group_size, 1)?;
                        need_max("group_size", n.div_ceil(group_size), 1, MAX_NODES_QUADRATIC)
                            .map_err(|_| {
                                CostError::invalid(
                                    "group_size",
                                    format!(
                                        "⌈N/g⌉ = {} aggregators exceed {MAX_NODES_QUADRATIC}; use larger groups",
                                        n.div_ceil(group_size)
                                    ),
                                )
                            })?;
                        let g = group_size as usize;
                        let aggs: Vec<usize> = (0..nn).step_by(g).collect();
                        for &a in &aggs {
                            for m in a + 1..(a + g).min(nn) {
                                add(a, m, 1);
                                add(m, a, 1);
                            }
                            for &b in &aggs {
                                if a != b {
                                    add(a, b, 1);
                                    add(b, a, 1);
                                }
                            }
                        }
                        let members: Vec<usize> = (1..g.min(nn)).collect();
                        let mut phases = Vec::new();
                        if !members.is_empty() {
                            phases.push(Phase::RoundTrip {
                                from: 0,
                                to: members.clone(),
                                wait_for: members.len(),
                            });
                        }
                        if aggs.len() > 1 {
                            phases.push(Phase::RoundTrip {
                                from: 0,
                                to: aggs[1..].to_vec(),
                                wait_for: aggs.len() - 1,
                            });
                        }
                        (
                            roles(&[("node", nn, None)]),
                            phases,
                            format!(
                                "2[(N − G) + G(G − 1)] with G = ⌈N/g⌉ = {} groups: aggregators probe their \
                                 members and each other; O(N) for g ≈ √N or a fixed fan-out tree",
                                aggs.len()
                            ),
                            "one health-check interval".to_string(),
                        )
                    }
                }
            }
        };
        let edges = edge_map
            .into_iter()
            .map(|((from, to), count)| Edge { from, to, count })
            .collect();
        Ok(TrafficModel {
            protocol: self.clone(),
            nodes,
            edges,
            denominator,
            phases,
            formula,
            unit,
        })
    }
}

impl fmt::Display for TrafficModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, d) = self.messages_fraction();
        write!(
            f,
            "{}: {} messages per {} ({}), {} message delays",
            self.protocol.name(),
            if d == 1 {
                n.to_string()
            } else {
                format!("{n}/{d}")
            },
            self.unit,
            self.formula,
            self.message_delays()
        )
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn msgs(p: Protocol) -> f64 {
        p.model().unwrap().messages_per_unit()
    }

    #[test]
    fn two_pc_counts() {
        for n in 1..20u32 {
            let m = Protocol::TwoPc {
                participants: n,
                coordinator: Coordinator::Separate,
            }
            .model()
            .unwrap();
            assert_eq!(m.messages_fraction(), (u64::from(3 * n - 1), 1));
            assert_eq!(m.message_delays(), if n == 1 { 2 } else { 4 });
        }
        for n in 2..20u32 {
            let m = Protocol::TwoPc {
                participants: n,
                coordinator: Coordinator::CoLocated,
            }
            .model()
            .unwrap();
            assert_eq!(m.messages_fraction(), (u64::from(3 * n - 3), 1));
            assert_eq!(m.message_delays(), 3);
        }
        let m = Protocol::TwoPc {
            participants: 5,
            coordinator: Coordinator::Separate,
        }
        .model()
        .unwrap();
        // 4 delays of 50 ms each
        assert_eq!(m.uniform_latency_ms(100.0), 200.0);
    }

    #[test]
    fn three_pc_counts() {
        for n in 2..12u32 {
            assert_eq!(
                msgs(Protocol::ThreePc {
                    participants: n,
                    coordinator: Coordinator::Separate
                }),
                f64::from(5 * n - 1)
            );
            assert_eq!(
                msgs(Protocol::ThreePc {
                    participants: n,
                    coordinator: Coordinator::CoLocated
                }),
                f64::from(5 * n - 5)
            );
        }
        let m = Protocol::ThreePc {
            participants: 3,
            coordinator: Coordinator::Separate,
        }
        .model()
        .unwrap();
        assert_eq!(m.message_delays(), 6);
        assert_eq!(m.uniform_latency_ms(100.0), 300.0);
    }

    #[test]
    fn consensus_counts() {
        for n in [3u32, 5, 7, 9] {
            assert_eq!(msgs(Protocol::Paxos { nodes: n }), f64::from(4 * (n - 1)));
            assert_eq!(
                msgs(Protocol::Raft { nodes: n, batch: 1 }),
                f64::from(2 * (n - 1))
            );
            assert_eq!(
                Protocol::MultiPaxos {
                    nodes: n,
                    batch: 100
                }
                .model()
                .unwrap()
                .messages_fraction(),
                (u64::from(2 * (n - 1)), 100)
            );
            let m = Protocol::Raft { nodes: n, batch: 1 }.model().unwrap();
            assert_eq!(m.message_delays(), 2);
            assert_eq!(m.uniform_latency_ms(80.0), 80.0);
        }
        assert_eq!(
            msgs(Protocol::Leader {
                nodes: 5,
                synchronous: true
            }),
            8.0
        );
        assert_eq!(
            msgs(Protocol::Leader {
                nodes: 5,
                synchronous: false
            }),
            4.0
        );
        assert_eq!(
            Protocol::Leader {
                nodes: 5,
                synchronous: false
            }
            .model()
            .unwrap()
            .uniform_latency_ms(80.0),
            0.0
        );
    }

    #[test]
    fn quorum_counts_and_validation() {
        let m = Protocol::Quorum { n: 3, r: 2, w: 2 }.model().unwrap();
        assert_eq!(m.messages_per_unit(), 10.0);
        assert_eq!(m.uniform_latency_ms(10.0), 20.0);
        let e = Protocol::Quorum { n: 3, r: 2, w: 4 }.model().unwrap_err();
        assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "w"));
        let e = Protocol::Quorum { n: 3, r: 4, w: 1 }.model().unwrap_err();
        assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "r"));
    }

    #[test]
    fn pbft_counts() {
        for n in [4u32, 7, 10, 13] {
            let m = Protocol::Pbft { nodes: n }.model().unwrap();
            let n64 = u64::from(n);
            assert_eq!(m.messages_fraction(), (2 * n64 * n64 - n64 + 1, 1));
            assert_eq!(m.message_delays(), 5);
            assert_eq!(m.uniform_latency_ms(100.0), 200.0); // request and reply are local
        }
        assert!(Protocol::Pbft { nodes: 3 }.model().is_err());
    }

    #[test]
    fn election_counts() {
        for n in 1..12u32 {
            assert_eq!(election_messages(n, 1).unwrap(), u64::from(2 * (n - 1)));
            assert_eq!(
                election_messages(n, n).unwrap(),
                u64::from(n) * u64::from(2 * (n - 1))
            );
        }
        // one candidate costs the same as one Paxos phase 1 (Prepare/Promise)
        assert_eq!(
            2 * election_messages(5, 1).unwrap(),
            Protocol::Paxos { nodes: 5 }
                .model()
                .unwrap()
                .messages_fraction()
                .0
        );
        let e = election_messages(3, 4).unwrap_err();
        assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "candidates"));
        assert!(election_messages(3, 0).is_err());
        assert!(election_messages(0, 0).is_err());
    }

    #[test]
    fn gossip_counts() {
        assert_eq!(gossip_rounds(1024, 1), 17); // log2 1024 + ln 1024 = 10 + 6.93
        assert_eq!(gossip_rounds(512, 1), 16); // 9 + 6.24
        assert!(
            Protocol::Gossip {
                nodes: 1024,
                fanout: 1
            }
            .model()
            .is_err()
        ); // Θ(N²) edges: capped
        let m = Protocol::Gossip {
            nodes: 512,
            fanout: 1,
        }
        .model()
        .unwrap();
        assert_eq!(m.messages_per_unit(), 512.0 * 16.0);
        assert_eq!(m.uniform_latency_ms(2.0), 16.0);
    }

    #[test]
    fn hierarchical_2pc_counts_and_uniform_latency() {
        // separate TM, N = 9, 3 groups: 1 request + 3 x 3 root<->head + 6 x 3 in-group = 28
        let m = Protocol::HierarchicalTwoPc {
            participants: 9,
            coordinator: Coordinator::Separate,
            groups: 3,
        }
        .model()
        .unwrap();
        assert_eq!(m.messages_per_unit(), 28.0);
        assert_eq!(m.nodes.len(), 10);
        assert_eq!(m.nodes[1].role, "sub-coordinator");
        assert_eq!(m.nodes[4].role, "participant");
        // request 1 delay, tree round trip 4, tree commit 2
        assert_eq!(m.message_delays(), 7);
        // uniform 100 ms: 50 + (100 + 100) + (50 + 50) = 350 ms
        assert_eq!(m.uniform_latency_ms(100.0), 350.0);
        // co-located root (RM 0), N = 6, 2 groups {0, 2, 4} and {1, 3, 5}:
        // 3 root<->RM 1 + 2 x 3 + 2 x 3 = 15 = 3N - 3, the flat co-located count
        let c = Protocol::HierarchicalTwoPc {
            participants: 6,
            coordinator: Coordinator::CoLocated,
            groups: 2,
        }
        .model()
        .unwrap();
        assert_eq!(c.messages_per_unit(), 15.0);
        let flat = Protocol::TwoPc {
            participants: 6,
            coordinator: Coordinator::CoLocated,
        }
        .model()
        .unwrap();
        assert_eq!(flat.messages_per_unit(), 15.0);
        // round trip: group 0 (head = root) 100, group 1: 100 + 100; commit 50 + 50
        assert_eq!(c.uniform_latency_ms(100.0), 300.0);
        // one group per participant degenerates to the flat protocol's rounds
        let one = Protocol::HierarchicalTwoPc {
            participants: 4,
            coordinator: Coordinator::CoLocated,
            groups: 4,
        }
        .model()
        .unwrap();
        let flat = Protocol::TwoPc {
            participants: 4,
            coordinator: Coordinator::CoLocated,
        }
        .model()
        .unwrap();
        assert_eq!(one.messages_per_unit(), flat.messages_per_unit());
        assert_eq!(one.uniform_latency_ms(80.0), flat.uniform_latency_ms(80.0));
        assert_eq!(one.message_delays(), flat.message_delays());
        assert!(
            Protocol::HierarchicalTwoPc {
                participants: 3,
                coordinator: Coordinator::Separate,
                groups: 0
            }
            .model()
            .is_err()
        );
    }

    #[test]
    fn hierarchical_consensus_counts_and_uniform_latency() {
        for raft in [true, false] {
            let m = Protocol::HierarchicalConsensus {
                nodes: 9,
                batch: 1,
                groups: 3,
                raft,
            }
            .model()
            .unwrap();
            // 2(m - 1) = 4 cross-group + 2(N - m) = 12 intra-group = 2(N - 1)
            assert_eq!(m.messages_per_unit(), 16.0);
            assert_eq!(m.message_delays(), 4);
            // group 0 (the leader's): 1 of 2 members, 100; groups 1, 2: 100 + 100;
            // majority of 3 groups: the 2nd smallest, 200
            assert_eq!(m.uniform_latency_ms(100.0), 200.0);
        }
        // singleton groups are flat Raft
        let h = Protocol::HierarchicalConsensus {
            nodes: 5,
            batch: 1,
            groups: 5,
            raft: true,
        }
        .model()
        .unwrap();
        let f = Protocol::Raft { nodes: 5, batch: 1 }.model().unwrap();
        assert_eq!(h.messages_per_unit(), f.messages_per_unit());
        let rtt = |i: usize, j: usize| if i == j { 0.0 } else { (i + j) as f64 * 10.0 };
        assert_eq!(h.latency_ms_with(&rtt), f.latency_ms_with(&rtt));
    }

    #[test]
    fn health_check_counts() {
        let full = Protocol::HealthCheck {
            nodes: 100,
            topology: HealthTopology::FullMesh,
        };
        assert_eq!(msgs(full), 19_800.0);
        let h = Protocol::HealthCheck {
            nodes: 100,
            topology: HealthTopology::Hierarchical { group_size: 10 },
        };
        // 10 groups: 90 member probes + 90 aggregator probes, ×2 messages
        assert_eq!(msgs(h), 360.0);
        let h = Protocol::HealthCheck {
            nodes: 10,
            topology: HealthTopology::Hierarchical { group_size: 3 },
        };
        // G = 4, (10 − 4) + 4·3 = 18 probes
        assert_eq!(msgs(h), 36.0);
    }

    #[test]
    fn placed_majority_is_an_order_statistic() {
        let m = Protocol::Raft { nodes: 5, batch: 1 }.model().unwrap();
        let mut rtt = vec![vec![0.0; 5]; 5];
        let leader_rtts = [0.0, 70.0, 10.0, 140.0, 90.0];
        for j in 0..5 {
            rtt[0][j] = leader_rtts[j];
            rtt[j][0] = leader_rtts[j];
        }
        // needs 2 follower acks: sorted 10, 70, 90, 140 → 70
        assert_eq!(m.latency_ms(&rtt), 70.0);
    }

    proptest! {
        #[test]
        fn quorum_latency_monotone_in_w(n in 1u32..9, seed in 0u64..1000) {
            let mut prev = -1.0;
            for w in 1..=n {
                let m = Protocol::Quorum { n, r: 1, w }.model().unwrap();
                let k = m.nodes.len();
                let mut rtt = vec![vec![0.0; k]; k];
                for j in 1..k {
                    let v = ((seed * 31 + j as u64 * 17) % 97) as f64;
                    rtt[0][j] = v; rtt[j][0] = v;
                }
                let l = m.latency_ms(&rtt);
                prop_assert!(l >= prev);
                prev = l;
            }
        }

        #[test]
        fn messages_grow_with_participants(n in 2u32..40) {
            let makers: [fn(u32) -> Protocol; 5] = [
                |n| Protocol::TwoPc { participants: n, coordinator: Coordinator::Separate },
                |n| Protocol::Paxos { nodes: n },
                |n| Protocol::Raft { nodes: n, batch: 1 },
                |n: u32| Protocol::Pbft { nodes: n.max(4) },
                |n| Protocol::HealthCheck { nodes: n, topology: HealthTopology::FullMesh },
            ];
            for a in makers {
                prop_assert!(msgs(a(n + 1)) >= msgs(a(n)));
            }
        }
    }
}
