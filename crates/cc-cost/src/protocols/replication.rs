//! Replication without consensus: leader-based primary-backup and leaderless
//! quorums (N, R, W).

use super::{
    Edges, FIVE_REPLICAS, Phase, Protocol, ProtocolSpec, Shape, need, no_groups, participants_or,
    roles,
};
use crate::CostError;
use crate::report::Assumption;

/// `leader`: primary-backup, synchronous unless `--asynchronous`.
pub(crate) static LEADER: ProtocolSpec = ProtocolSpec {
    name: "leader",
    help: "leader-based primary-backup: 2(N − 1) messages waiting for every backup, N − 1 with \
           --asynchronous",
    parameters: &["participants", "asynchronous"],
    build: |args, a| {
        if args.synchronous.is_none() {
            a.push(Assumption::new(
                "replication",
                "synchronous: the leader waits for every backup's ack",
                "default (strong consistency); asynchronous replication does not wait",
            ));
        }
        no_groups(args)?;
        Ok(Protocol::Leader {
            nodes: participants_or(args, 5, FIVE_REPLICAS, a),
            synchronous: args.synchronous.unwrap_or(true),
        })
    },
};

/// `quorum`: one write and one read, each sent to all N replicas (waiting for W and R replies).
pub(crate) static QUORUM: ProtocolSpec = ProtocolSpec {
    name: "quorum",
    help: "leaderless quorum (N, R, W): one write plus one read, each to all N replicas: 4N messages",
    parameters: &["n", "r", "w", "participants"],
    build: |args, _| {
        no_groups(args)?;
        let n = match (args.n, args.participants) {
            (Some(x), Some(y)) if x != y => {
                return Err(CostError::invalid(
                    "n",
                    format!("N = {x} disagrees with participants = {y}"),
                ));
            }
            (Some(x), _) | (None, Some(x)) => x,
            (None, None) => {
                return Err(CostError::missing(
                    "n",
                    "quorum needs N (or --participants)",
                ));
            }
        };
        let r = args
            .r
            .ok_or_else(|| CostError::missing("r", "quorum needs R"))?;
        let w = args
            .w
            .ok_or_else(|| CostError::missing("w", "quorum needs W"))?;
        Ok(Protocol::Quorum { n, r, w })
    },
};

/// Primary-backup: the leader sends to N − 1 backups and, if synchronous, waits for
/// every ack.
pub(crate) fn leader(nodes: u32, synchronous: bool, e: &mut Edges) -> Result<Shape, CostError> {
    need("participants", nodes, 1)?;
    let n = nodes as usize;
    let others: Vec<usize> = (1..n).collect();
    for &i in &others {
        e.add(0, i, 1);
        if synchronous {
            e.add(i, 0, 1);
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
    let formula = if synchronous {
        "2(N − 1): the leader sends the update to N − 1 backups and waits for all acks"
    } else {
        "N − 1: the leader sends the update to N − 1 backups and does not wait"
    };
    Ok(Shape::new(
        roles(&[("leader", 1, None), ("backup", n - 1, None)]),
        phases,
        formula,
        "one update",
    ))
}

/// Leaderless quorum: a client-side coordinator (node 0, co-located with replica 1)
/// sends a write to all N replicas (waits for W replies) and a read to all N
/// replicas (waits for R replies), as Dynamo does and as cc-sim's `quorum` protocol
/// simulates: 2N messages per operation, 4N per write plus read.
///
/// ```text
/// messages(one write + one read) = 2N + 2N = 4N
/// ```
pub(crate) fn quorum(n: u32, r: u32, w: u32, e: &mut Edges) -> Result<Shape, CostError> {
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
    let reps: Vec<usize> = (1..=nn).collect();
    e.both_ways(0, &reps, 1);
    e.both_ways(0, &reps, 1);
    let mut nodes = roles(&[("coordinator", 1, Some(1))]);
    nodes.extend(roles(&[("replica", nn, None)]));
    Ok(Shape::new(
        nodes,
        vec![
            Phase::RoundTrip {
                from: 0,
                to: reps.clone(),
                wait_for: w as usize,
            },
            Phase::RoundTrip {
                from: 0,
                to: reps,
                wait_for: r as usize,
            },
        ],
        "4N: a write and a read each go to all N replicas (2N messages per operation); \
         W and R are the replies awaited, not the messages sent (the text's W + R)",
        "one write plus one read",
    ))
}
