//! PBFT normal-case operation (Castro & Liskov 1999), request and replies included.

use super::{
    Edges, MAX_NODES_QUADRATIC, Phase, Protocol, ProtocolSpec, Shape, need_max, no_groups,
    participants_or, roles,
};
use crate::CostError;

/// `pbft`: n = 3f + 1 replicas and a client co-located with the primary.
pub(crate) static PBFT: ProtocolSpec = ProtocolSpec {
    name: "pbft",
    help: "PBFT normal case: 2n² − n + 1 messages including the request and the replies, 5 delays",
    parameters: &["participants"],
    build: |args, a| {
        no_groups(args)?;
        Ok(Protocol::Pbft {
            nodes: participants_or(
                args,
                4,
                "default: the smallest PBFT group, n = 3f + 1 with f = 1",
                a,
            ),
        })
    },
};

/// Request, pre-prepare, prepare, commit and reply among n replicas.
pub(crate) fn normal_case(nodes: u32, e: &mut Edges) -> Result<Shape, CostError> {
    need_max("participants", nodes, 4, MAX_NODES_QUADRATIC)?;
    let nn = nodes as usize;
    let f = (nn - 1) / 3;
    let client = nn; // node n, co-located with the primary
    let backups: Vec<usize> = (1..nn).collect();
    let all: Vec<usize> = (0..nn).collect();
    e.add(client, 0, 1);
    for &i in &backups {
        e.add(0, i, 1); // pre-prepare
    }
    for &i in &backups {
        for &j in &all {
            if i != j {
                e.add(i, j, 1); // prepare from backups
            }
        }
    }
    for &i in &all {
        for &j in &all {
            if i != j {
                e.add(i, j, 1); // commit
            }
        }
        e.add(i, client, 1); // reply
    }
    let mut r = roles(&[("primary", 1, None), ("backup", nn - 1, None)]);
    r.extend(roles(&[("client", 1, Some(0))]));
    Ok(Shape::new(
        r,
        vec![
            Phase::Single {
                from: client,
                to: 0,
            },
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
         + n replies (Castro & Liskov 1999 normal case)",
        "one PBFT request",
    ))
}
