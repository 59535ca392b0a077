//! Health checks per interval: full mesh, or aggregators over groups.

use super::gossip::HUNDRED_SERVICES;
use super::{
    Edges, HealthTopology, MAX_NODES_QUADRATIC, Phase, Protocol, ProtocolSpec, Shape, need,
    need_max, no_groups, participants_or, roles,
};
use crate::CostError;
use crate::report::Assumption;

/// `health-check`: full mesh, or hierarchical with `--group-size`.
pub(crate) static HEALTH_CHECK: ProtocolSpec = ProtocolSpec {
    name: "health-check",
    help: "health checks per interval: full mesh 2N(N − 1) messages, or aggregators over groups of \
           g with --group-size",
    parameters: &["participants", "group-size"],
    build: |args, a| {
        if args.group_size.is_none() {
            a.push(Assumption::new(
                "topology",
                "full mesh",
                "default: every node probes every other node; a group size selects the hierarchy",
            ));
        }
        no_groups(args)?;
        Ok(Protocol::HealthCheck {
            nodes: participants_or(args, 100, HUNDRED_SERVICES, a),
            topology: match args.group_size {
                None => HealthTopology::FullMesh,
                Some(group_size) => HealthTopology::Hierarchical { group_size },
            },
        })
    },
};

/// One health-check interval among `nodes` nodes.
pub(crate) fn interval(
    nodes: u32,
    topology: HealthTopology,
    e: &mut Edges,
) -> Result<Shape, CostError> {
    need("participants", nodes, 2)?;
    match topology {
        HealthTopology::FullMesh => full_mesh(nodes, e),
        HealthTopology::Hierarchical { group_size } => hierarchical(nodes, group_size, e),
    }
}

fn full_mesh(nodes: u32, e: &mut Edges) -> Result<Shape, CostError> {
    need_max("participants", nodes, 2, MAX_NODES_QUADRATIC)?;
    let nn = nodes as usize;
    for i in 0..nn {
        for j in 0..nn {
            if i != j {
                e.add(i, j, 2); // probe i→j and its reply j→i, counted per ordered pair
            }
        }
    }
    Ok(Shape::new(
        roles(&[("node", nn, None)]),
        vec![Phase::RoundTrip {
            from: 0,
            to: (1..nn).collect(),
            wait_for: nn - 1,
        }],
        "2N(N − 1): each node probes the N − 1 others (probe + reply) per interval",
        "one health-check interval",
    ))
}

fn hierarchical(nodes: u32, group_size: u32, e: &mut Edges) -> Result<Shape, CostError> {
    need("group_size", group_size, 1)?;
    need_max(
        "group_size",
        nodes.div_ceil(group_size),
        1,
        MAX_NODES_QUADRATIC,
    )
    .map_err(|_| {
        CostError::invalid(
            "group_size",
            format!(
                "⌈N/g⌉ = {} aggregators exceed {MAX_NODES_QUADRATIC}; use larger groups",
                nodes.div_ceil(group_size)
            ),
        )
    })?;
    let nn = nodes as usize;
    let g = group_size as usize;
    let aggs: Vec<usize> = (0..nn).step_by(g).collect();
    for &a in &aggs {
        for m in a + 1..(a + g).min(nn) {
            e.add(a, m, 1);
            e.add(m, a, 1);
        }
        for &b in &aggs {
            if a != b {
                e.add(a, b, 1);
                e.add(b, a, 1);
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
    Ok(Shape::new(
        roles(&[("node", nn, None)]),
        phases,
        format!(
            "2[(N − G) + G(G − 1)] with G = ⌈N/g⌉ = {} groups: aggregators probe their \
             members and each other; O(N) for g ≈ √N or a fixed fan-out tree",
            aggs.len()
        ),
        "one health-check interval",
    ))
}
