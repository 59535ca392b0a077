//! Consensus: single-decree Paxos, Multi-Paxos and Raft log replication with a
//! stable leader, their two-level (grouped) form, and leader elections.

use super::{
    Edges, FIVE_REPLICAS, NodeRole, Phase, Protocol, ProtocolArgs, ProtocolSpec, Shape, groups,
    need, no_groups, participants_or, roles, tree_groups,
};
use crate::CostError;
use crate::report::Assumption;

/// `paxos`: one decree.
pub(crate) static PAXOS: ProtocolSpec = ProtocolSpec {
    name: "paxos",
    help: "single-decree Paxos: 4(N − 1) messages, 4 delays, ⌊N/2⌋ replies per phase",
    parameters: &["participants"],
    build: |args, a| {
        no_groups(args)?;
        Ok(Protocol::Paxos {
            nodes: participants_or(args, 5, FIVE_REPLICAS, a),
        })
    },
};

/// `multi-paxos`: stable leader, one Accept round per batch.
pub(crate) static MULTI_PAXOS: ProtocolSpec = ProtocolSpec {
    name: "multi-paxos",
    help: "Multi-Paxos with a stable leader: 2(N − 1)/b messages, 2 delays; two-level with --groups",
    parameters: &["participants", "batch", "groups"],
    build: |args, a| log_replication(args, false, a),
};

/// `raft`: AppendEntries per batch.
pub(crate) static RAFT: ProtocolSpec = ProtocolSpec {
    name: "raft",
    help: "Raft log replication: 2(N − 1)/b messages, 2 delays; two-level with --groups",
    parameters: &["participants", "batch", "groups"],
    build: |args, a| log_replication(args, true, a),
};

fn log_replication(
    args: &ProtocolArgs,
    raft: bool,
    a: &mut Vec<Assumption>,
) -> Result<Protocol, CostError> {
    if args.batch.is_none() {
        a.push(Assumption::new(
            "batch",
            "1",
            "default: one log entry per replication round (no batching)",
        ));
    }
    let groups = groups(args)?;
    let nodes = participants_or(args, 5, FIVE_REPLICAS, a);
    // batching is priced by the scenario (messages ÷ b, plus the fill wait), so the
    // protocol itself carries one entry per round
    Ok(match (groups, raft) {
        (None, true) => Protocol::Raft { nodes, batch: 1 },
        (None, false) => Protocol::MultiPaxos { nodes, batch: 1 },
        (Some(groups), raft) => Protocol::HierarchicalConsensus {
            nodes,
            batch: 1,
            groups,
            raft,
        },
    })
}

/// Single-decree Paxos: Prepare/Promise and Accept/Accepted with the N − 1 others.
pub(crate) fn paxos(nodes: u32, e: &mut Edges) -> Result<Shape, CostError> {
    need("participants", nodes, 1)?;
    let n = nodes as usize;
    let others: Vec<usize> = (1..n).collect();
    let maj = n / 2; // replies needed from others: ⌊N/2⌋ (+ self = majority)
    e.both_ways(0, &others, 2);
    let rt = Phase::RoundTrip {
        from: 0,
        to: others,
        wait_for: maj,
    };
    Ok(Shape::new(
        roles(&[("proposer", 1, None), ("acceptor", n - 1, None)]),
        if n > 1 { vec![rt.clone(), rt] } else { vec![] },
        "4(N − 1): Prepare/Promise and Accept/Accepted with the N − 1 other acceptors; \
         the proposer needs ⌊N/2⌋ replies per phase",
        "one Paxos decision",
    ))
}

/// Multi-Paxos (`raft = false`) or Raft with a stable leader, `batch` entries per round.
pub(crate) fn log(nodes: u32, batch: u32, raft: bool, e: &mut Edges) -> Result<Shape, CostError> {
    need("participants", nodes, 1)?;
    need("batch", batch, 1)?;
    let n = nodes as usize;
    let others: Vec<usize> = (1..n).collect();
    e.both_ways(0, &others, 1);
    let phases = if n > 1 {
        vec![Phase::RoundTrip {
            from: 0,
            to: others,
            wait_for: n / 2,
        }]
    } else {
        vec![]
    };
    let (formula, unit) = if raft {
        (
            "2(N − 1)/b: AppendEntries and its response with each of the N − 1 followers per \
             batch of b entries; commit after ⌊N/2⌋ follower acks",
            "one Raft log entry",
        )
    } else {
        (
            "2(N − 1)/b: Accept/Accepted with each of the N − 1 other replicas per batch of b \
             decisions (phase 1 amortised away by the stable leader)",
            "one Multi-Paxos decision",
        )
    };
    Ok(Shape::new(
        roles(&[("leader", 1, None), ("follower", n - 1, None)]),
        phases,
        formula,
        unit,
    )
    .per(u64::from(batch)))
}

/// Two-level Raft / Multi-Paxos with `m` groups (see [`Protocol::HierarchicalConsensus`]).
pub(crate) fn two_level(
    nodes: u32,
    batch: u32,
    m: u32,
    raft: bool,
    e: &mut Edges,
) -> Result<Shape, CostError> {
    need("participants", nodes, 1)?;
    need("batch", batch, 1)?;
    need("groups", m, 1)?;
    let nn = nodes as usize;
    let parts: Vec<usize> = (0..nn).collect();
    // a group of g nodes has a local majority once its head and ⌊g/2⌋ members have it
    let groups = tree_groups(&parts, m as usize, |g| g.members.len().div_ceil(2));
    let roles: Vec<NodeRole> = (0..nn)
        .map(|i| {
            let head = groups.iter().any(|g| g.head == i);
            NodeRole {
                role: match (i == 0, head) {
                    (true, _) => "leader",
                    (false, true) => "group leader",
                    (false, false) => "follower",
                }
                .to_string(),
                colocated_with: None,
            }
        })
        .collect();
    for g in &groups {
        if g.head != 0 {
            e.both_ways(0, &[g.head], 1);
        }
        e.both_ways(g.head, &g.members, 1);
    }
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
    let formula = format!(
        "2(N − 1)/b with m = {k} groups: {msg} between the leader and the {} other group \
         leaders (2(m − 1) = {} cross-group) and between each group leader and its members \
         (2(N − m) = {} intra-group); commit once ⌊m/2⌋ + 1 groups each hold the entry on a \
         local majority (tolerates a minority of groups down and a minority within each \
         group, not any minority of nodes)",
        k - 1,
        2 * (k - 1),
        2 * (nn - k),
    );
    Ok(Shape::new(roles, phases, formula, unit).per(u64::from(batch)))
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
