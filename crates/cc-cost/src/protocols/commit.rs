//! Atomic commit: two-phase commit (Gray & Lamport's count), three-phase commit
//! (Skeen) and tree 2PC (R*).

use super::{
    Coordinator, Edges, NodeRole, Phase, Protocol, ProtocolArgs, ProtocolSpec, Shape, groups, need,
    no_groups, participants_or, roles, tree_groups,
};
use crate::CostError;
use crate::report::Assumption;

const FIVE_PARTICIPANTS: &str = "default: the source text's 5-participant example";

/// `2pc`: flat, or the tree form with `--groups`.
pub(crate) static TWO_PC: ProtocolSpec = ProtocolSpec {
    name: "2pc",
    help: "two-phase commit: 3N − 1 messages, 4 delays (Gray & Lamport; separate coordinator), \
           tree 2PC with --groups",
    parameters: &["participants", "coordinator", "groups"],
    build: |args, a| {
        let coordinator = coordinator_or_default(args, a);
        let participants = participants_or(args, 5, FIVE_PARTICIPANTS, a);
        Ok(match groups(args)? {
            None => Protocol::TwoPc {
                participants,
                coordinator,
            },
            Some(groups) => Protocol::HierarchicalTwoPc {
                participants,
                coordinator,
                groups,
            },
        })
    },
};

/// `3pc`: flat only.
pub(crate) static THREE_PC: ProtocolSpec = ProtocolSpec {
    name: "3pc",
    help: "three-phase commit: 5N − 1 messages, 6 delays (separate coordinator)",
    parameters: &["participants", "coordinator"],
    build: |args, a| {
        let coordinator = coordinator_or_default(args, a);
        no_groups(args)?;
        Ok(Protocol::ThreePc {
            participants: participants_or(args, 5, FIVE_PARTICIPANTS, a),
            coordinator,
        })
    },
};

fn coordinator_or_default(args: &ProtocolArgs, a: &mut Vec<Assumption>) -> Coordinator {
    args.coordinator.unwrap_or_else(|| {
        a.push(Assumption::new(
            "coordinator",
            "separate transaction manager",
            "default: Gray & Lamport, Consensus on Transaction Commit (2006); \
             `colocated` puts it on a participant",
        ));
        Coordinator::Separate
    })
}

/// Flat 2PC (`three = false`) or 3PC.
pub(crate) fn flat(
    participants: u32,
    coordinator: Coordinator,
    three: bool,
    e: &mut Edges,
) -> Result<Shape, CostError> {
    let n = participants as usize;
    let unit = format!("one {} transaction", if three { "3PC" } else { "2PC" });
    match coordinator {
        Coordinator::Separate => {
            need("participants", participants, 1)?;
            // node 0 = TM, nodes 1..=n = RMs; RM 1 initiates.
            let rms: Vec<usize> = (1..=n).collect();
            let others: Vec<usize> = (2..=n).collect();
            e.add(1, 0, 1);
            e.both_ways(0, &others, 1);
            let mut phases = vec![Phase::Single { from: 1, to: 0 }];
            if !others.is_empty() {
                phases.push(Phase::RoundTrip {
                    from: 0,
                    to: others.clone(),
                    wait_for: others.len(),
                });
            }
            if three {
                e.both_ways(0, &rms, 1);
                phases.push(Phase::RoundTrip {
                    from: 0,
                    to: rms.clone(),
                    wait_for: rms.len(),
                });
            }
            for &i in &rms {
                e.add(0, i, 1);
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
            Ok(Shape::new(
                roles(&[("coordinator", 1, None), ("participant", n, None)]),
                phases,
                formula,
                unit,
            ))
        }
        Coordinator::CoLocated => {
            need("participants", participants, 2)?;
            let others: Vec<usize> = (1..n).collect();
            let rounds = if three { 2 } else { 1 };
            let mut phases = Vec::new();
            for _ in 0..rounds {
                e.both_ways(0, &others, 1);
                phases.push(Phase::RoundTrip {
                    from: 0,
                    to: others.clone(),
                    wait_for: others.len(),
                });
            }
            for &i in &others {
                e.add(0, i, 1);
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
            Ok(Shape::new(
                roles(&[
                    ("coordinator+participant", 1, None),
                    ("participant", n - 1, None),
                ]),
                phases,
                formula,
                unit,
            ))
        }
    }
}

/// Tree 2PC with `m` groups (see [`Protocol::HierarchicalTwoPc`]).
pub(crate) fn tree(
    participants: u32,
    coordinator: Coordinator,
    m: u32,
    e: &mut Edges,
) -> Result<Shape, CostError> {
    let colocated = coordinator == Coordinator::CoLocated;
    need("participants", participants, if colocated { 2 } else { 1 })?;
    need("groups", m, 1)?;
    let nn = participants as usize;
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
            e.add(0, g.head, 2); // Prepare and Commit
            e.add(g.head, 0, 1); // the group's vote
        }
        for &x in &g.members {
            e.add(g.head, x, 2);
            e.add(x, g.head, 1);
        }
    }
    let k = groups.len();
    let cross = groups.iter().filter(|g| g.head != 0).count();
    let mut phases = Vec::new();
    if !colocated {
        // the initiating RM (node 1) asks the root to commit, as in the flat count
        e.add(1, 0, 1);
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
    let formula = format!(
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
    );
    Ok(Shape::new(nodes, phases, formula, "one 2PC transaction"))
}
