//! Closed-form traffic models of coordination protocols.
//!
//! **One home per protocol.** Each protocol family has its own module — `commit`
//! (2PC, 3PC, tree 2PC), `consensus` (Paxos, Multi-Paxos, Raft, two-level
//! replication), `replication` (leader-based, leaderless quorum), `gossip`, `pbft`
//! and `health` — holding its traffic model (one small function per variant of
//! [`Protocol`]) and its [`ProtocolSpec`]: the name, help, parameters and the
//! function that builds the typed [`Protocol`] from [`ProtocolArgs`]. [`PROTOCOLS`]
//! lists the specs; `cclab cost --help`, the list of known models and the request
//! adapter read it.
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
//! | leaderless quorum (N, R, W): one write + one read, each to all N | client + N | 4N | 4 |
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

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::CostError;
use crate::report::Assumption;

mod commit;
mod consensus;
mod gossip;
mod health;
mod pbft;
mod replication;
#[cfg(test)]
mod tests;

pub use consensus::election_messages;
pub use gossip::gossip_rounds;

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
    /// (to all N, wait R).
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

pub(crate) fn need(name: &str, v: u32, min: u32) -> Result<(), CostError> {
    need_max(name, v, min, MAX_NODES_LINEAR)
}

pub(crate) fn need_max(name: &str, v: u32, min: u32, max: u32) -> Result<(), CostError> {
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
pub(crate) fn tree_groups(
    parts: &[usize],
    m: usize,
    wait: impl Fn(&TreeGroup) -> usize,
) -> Vec<TreeGroup> {
    let mut by_key: BTreeMap<usize, Vec<usize>> = Default::default();
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

pub(crate) fn roles(spec: &[(&str, usize, Option<usize>)]) -> Vec<NodeRole> {
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

/// Directed message counts of a model under construction, merged per `(from, to)`.
#[derive(Debug, Default)]
pub(crate) struct Edges(BTreeMap<(usize, usize), u64>);

impl Edges {
    /// Adds `count` messages `from → to`.
    pub(crate) fn add(&mut self, from: usize, to: usize, count: u64) {
        *self.0.entry((from, to)).or_insert(0) += count;
    }

    /// Adds `count` messages in each direction between `a` and every node of `others`.
    pub(crate) fn both_ways(&mut self, a: usize, others: &[usize], count: u64) {
        for &i in others {
            self.add(a, i, count);
            self.add(i, a, count);
        }
    }

    fn into_vec(self) -> Vec<Edge> {
        self.0
            .into_iter()
            .map(|((from, to), count)| Edge { from, to, count })
            .collect()
    }
}

/// What one protocol's model function returns besides its edges.
#[derive(Debug)]
pub(crate) struct Shape {
    /// Nodes with their roles.
    pub(crate) nodes: Vec<NodeRole>,
    /// Critical path.
    pub(crate) phases: Vec<Phase>,
    /// Message-count formula in words.
    pub(crate) formula: String,
    /// One unit of work.
    pub(crate) unit: String,
    /// Units the edges are for (1 unless batched or spread).
    pub(crate) denominator: u64,
}

impl Shape {
    /// A shape whose edges are for one unit of work.
    pub(crate) fn new(
        nodes: Vec<NodeRole>,
        phases: Vec<Phase>,
        formula: impl Into<String>,
        unit: impl Into<String>,
    ) -> Shape {
        Shape {
            nodes,
            phases,
            formula: formula.into(),
            unit: unit.into(),
            denominator: 1,
        }
    }

    /// The same shape with its edges counted per `denominator` units.
    pub(crate) fn per(mut self, denominator: u64) -> Shape {
        self.denominator = denominator;
        self
    }
}

impl Protocol {
    /// Model name as used on the command line (the [`ProtocolSpec::name`] of its
    /// registry row).
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// The registry row of this protocol.
    pub fn spec(&self) -> &'static ProtocolSpec {
        match self {
            Protocol::TwoPc { .. } | Protocol::HierarchicalTwoPc { .. } => &commit::TWO_PC,
            Protocol::ThreePc { .. } => &commit::THREE_PC,
            Protocol::Paxos { .. } => &consensus::PAXOS,
            Protocol::MultiPaxos { .. } | Protocol::HierarchicalConsensus { raft: false, .. } => {
                &consensus::MULTI_PAXOS
            }
            Protocol::Raft { .. } | Protocol::HierarchicalConsensus { raft: true, .. } => {
                &consensus::RAFT
            }
            Protocol::Leader { .. } => &replication::LEADER,
            Protocol::Quorum { .. } => &replication::QUORUM,
            Protocol::Gossip { .. } => &gossip::GOSSIP,
            Protocol::Pbft { .. } => &pbft::PBFT,
            Protocol::HealthCheck { .. } => &health::HEALTH_CHECK,
        }
    }

    /// Validates the parameters and builds the traffic model.
    pub fn model(&self) -> Result<TrafficModel, CostError> {
        let mut e = Edges::default();
        let shape = match *self {
            Protocol::TwoPc {
                participants,
                coordinator,
            } => commit::flat(participants, coordinator, false, &mut e),
            Protocol::ThreePc {
                participants,
                coordinator,
            } => commit::flat(participants, coordinator, true, &mut e),
            Protocol::HierarchicalTwoPc {
                participants,
                coordinator,
                groups,
            } => commit::tree(participants, coordinator, groups, &mut e),
            Protocol::Paxos { nodes } => consensus::paxos(nodes, &mut e),
            Protocol::MultiPaxos { nodes, batch } => consensus::log(nodes, batch, false, &mut e),
            Protocol::Raft { nodes, batch } => consensus::log(nodes, batch, true, &mut e),
            Protocol::HierarchicalConsensus {
                nodes,
                batch,
                groups,
                raft,
            } => consensus::two_level(nodes, batch, groups, raft, &mut e),
            Protocol::Leader { nodes, synchronous } => {
                replication::leader(nodes, synchronous, &mut e)
            }
            Protocol::Quorum { n, r, w } => replication::quorum(n, r, w, &mut e),
            Protocol::Gossip { nodes, fanout } => gossip::push(nodes, fanout, &mut e),
            Protocol::Pbft { nodes } => pbft::normal_case(nodes, &mut e),
            Protocol::HealthCheck { nodes, topology } => health::interval(nodes, topology, &mut e),
        }?;
        Ok(TrafficModel {
            protocol: self.clone(),
            nodes: shape.nodes,
            edges: e.into_vec(),
            denominator: shape.denominator,
            phases: shape.phases,
            formula: shape.formula,
            unit: shape.unit,
        })
    }

    /// Replicas (or participants) the protocol coordinates: N of the command line,
    /// without a separate coordinator or a co-located client.
    pub fn participants(&self) -> u32 {
        match *self {
            Protocol::TwoPc { participants, .. }
            | Protocol::ThreePc { participants, .. }
            | Protocol::HierarchicalTwoPc { participants, .. } => participants,
            Protocol::Paxos { nodes }
            | Protocol::MultiPaxos { nodes, .. }
            | Protocol::Raft { nodes, .. }
            | Protocol::HierarchicalConsensus { nodes, .. }
            | Protocol::Leader { nodes, .. }
            | Protocol::Gossip { nodes, .. }
            | Protocol::Pbft { nodes }
            | Protocol::HealthCheck { nodes, .. } => nodes,
            Protocol::Quorum { n, .. } => n,
        }
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

/// The protocol parameters of `cclab cost`, typed (the CLI parses the strings).
/// Each protocol reads the ones its [`ProtocolSpec::parameters`] names and ignores
/// the rest; `None` takes the protocol's default, which is recorded as an
/// [`Assumption`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtocolArgs {
    /// N: participants / replicas / nodes.
    pub participants: Option<u32>,
    /// 2PC/3PC coordinator placement.
    pub coordinator: Option<Coordinator>,
    /// Leader model: wait for the backups.
    pub synchronous: Option<bool>,
    /// Gossip fan-out.
    pub fanout: Option<u32>,
    /// Health checks: group size of the hierarchical topology.
    pub group_size: Option<u32>,
    /// Hierarchical form with this many groups (2PC, Raft, Multi-Paxos).
    pub groups: Option<u32>,
    /// Batch size (only its default is recorded here; batching is priced by the
    /// scenario, see [`crate::Pricing::batch`]).
    pub batch: Option<u32>,
    /// Quorum N (defaults to `participants`).
    pub n: Option<u32>,
    /// Quorum R.
    pub r: Option<u32>,
    /// Quorum W.
    pub w: Option<u32>,
}

/// One cost model's registry row: everything `cclab cost` needs to know about it.
#[derive(Debug)]
pub struct ProtocolSpec {
    /// Name on the command line.
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// The [`ProtocolArgs`] fields (as command-line flags) the protocol reads.
    pub parameters: &'static [&'static str],
    /// Builds the typed protocol, recording every default it takes.
    build: fn(&ProtocolArgs, &mut Vec<Assumption>) -> Result<Protocol, CostError>,
}

impl ProtocolSpec {
    /// Builds the typed [`Protocol`] from `args`, appending to `assumptions` every
    /// default used (participants, coordinator convention, …) with its source.
    /// Errors name the parameter and its valid range.
    pub fn build(
        &self,
        args: &ProtocolArgs,
        assumptions: &mut Vec<Assumption>,
    ) -> Result<Protocol, CostError> {
        (self.build)(args, assumptions)
    }
}

/// Every protocol cost model, in the order `cclab cost --help` lists them.
pub static PROTOCOLS: [&ProtocolSpec; 10] = [
    &commit::TWO_PC,
    &commit::THREE_PC,
    &consensus::PAXOS,
    &consensus::MULTI_PAXOS,
    &consensus::RAFT,
    &replication::LEADER,
    &replication::QUORUM,
    &gossip::GOSSIP,
    &pbft::PBFT,
    &health::HEALTH_CHECK,
];

/// The registry row named `name`, if any.
pub fn protocol_spec(name: &str) -> Option<&'static ProtocolSpec> {
    PROTOCOLS.iter().copied().find(|s| s.name == name)
}

/// `participants`, or `default` recorded as an assumption with `why`.
pub(crate) fn participants_or(
    args: &ProtocolArgs,
    default: u32,
    why: &str,
    a: &mut Vec<Assumption>,
) -> u32 {
    args.participants.unwrap_or_else(|| {
        a.push(Assumption::new("participants", default.to_string(), why));
        default
    })
}

/// The default participants of the replicated models.
pub(crate) const FIVE_REPLICAS: &str = "default: 5 replicas, tolerating 2 crash failures";

/// Refuses `groups` for a protocol without a hierarchical form.
pub(crate) fn no_groups(args: &ProtocolArgs) -> Result<(), CostError> {
    match args.groups {
        None => Ok(()),
        Some(0) => Err(CostError::invalid("groups", "must be ≥ 1")),
        Some(_) => Err(CostError::invalid(
            "groups",
            "hierarchical groups apply to 2pc, raft and multi-paxos \
             (health-check takes --group-size)",
        )),
    }
}

/// The groups of a protocol with a hierarchical form (`None`: flat).
pub(crate) fn groups(args: &ProtocolArgs) -> Result<Option<u32>, CostError> {
    match args.groups {
        Some(0) => Err(CostError::invalid("groups", "must be ≥ 1")),
        g => Ok(g),
    }
}
