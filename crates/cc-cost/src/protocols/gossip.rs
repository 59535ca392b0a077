//! Push gossip of one update (periodic anti-entropy charged for every round).

use super::{
    Edges, MAX_NODES_QUADRATIC, Phase, Protocol, ProtocolSpec, Shape, need_max, no_groups,
    participants_or, roles,
};
use crate::CostError;
use crate::report::Assumption;

/// The default node count of the gossip and health-check models.
pub(crate) const HUNDRED_SERVICES: &str = "default: the source text's 100 services";

/// `gossip`: push gossip with fan-out f.
pub(crate) static GOSSIP: ProtocolSpec = ProtocolSpec {
    name: "gossip",
    help: "push gossip with fan-out f: N·f·r messages in r = ⌈log₁₊f N + (ln N)/f⌉ rounds",
    parameters: &["participants", "fanout"],
    build: |args, a| {
        if args.fanout.is_none() {
            a.push(Assumption::new(
                "fanout",
                "1",
                "default: push to one random peer per round (Pittel 1987 round count)",
            ));
        }
        no_groups(args)?;
        Ok(Protocol::Gossip {
            nodes: participants_or(args, 100, HUNDRED_SERVICES, a),
            fanout: args.fanout.unwrap_or(1),
        })
    },
};

/// Gossip rounds r = ⌈log₁₊f N + (ln N)/f⌉ (0 for N = 1).
pub fn gossip_rounds(nodes: u32, fanout: u32) -> u32 {
    if nodes <= 1 {
        return 0;
    }
    let n = f64::from(nodes);
    let f = f64::from(fanout.max(1));
    (n.ln() / (1.0 + f).ln() + n.ln() / f).ceil() as u32
}

/// Every node pushes to f peers per round for r rounds, spread evenly over the
/// N − 1 peers (so the edges are per N − 1 units).
pub(crate) fn push(nodes: u32, fanout: u32, e: &mut Edges) -> Result<Shape, CostError> {
    need_max("participants", nodes, 2, MAX_NODES_QUADRATIC)?;
    need_max("fanout", fanout, 1, 1000)?;
    let nn = nodes as usize;
    let rounds = gossip_rounds(nodes, fanout);
    for i in 0..nn {
        for j in 0..nn {
            if i != j {
                e.add(i, j, u64::from(fanout) * u64::from(rounds));
            }
        }
    }
    Ok(Shape::new(
        roles(&[("origin", 1, None), ("peer", nn - 1, None)]),
        vec![Phase::Rounds {
            among: (0..nn).collect(),
            count: rounds,
        }],
        format!(
            "N·f·r with r = ⌈log₁₊f N + (ln N)/f⌉ = {rounds} rounds: every node pushes to f \
             random peers per round (spread evenly over the N − 1 peers)"
        ),
        "one update disseminated to all nodes",
    )
    .per((nn - 1) as u64))
}
