//! The one message-counting convention of every report page (issue 13 item 4).
//!
//! Every page that counts messages states [`COUNTING_CONVENTION`] once and counts by
//! it: **messages between servers** (replicas, participants, coordinators, leaders)
//! are one figure; **client messages** (a client's request and the reply it gets)
//! are a second figure, never silently folded into the first. A claim that adds
//! them is judged against the sum and says so.

use cc_cost::protocols::TrafficModel;

/// The convention, in the words every page prints.
pub(crate) const COUNTING_CONVENTION: &str = "**Counting convention (every page):** messages \
     *between servers* (replicas, participants, coordinators, leaders) and *client messages* \
     (a client's request and the reply it gets: 2 per client operation) are counted \
     separately; a figure that includes client messages says so. Under this convention the \
     text's 2N for Paxos/Raft is right when the client's request and reply are counted: \
     2(N − 1) + 2 = 2N.";

/// A client operation's messages: one request and one reply.
pub(crate) const CLIENT_MESSAGES_PER_OPERATION: u64 = 2;

/// Messages of one unit of work split by the convention (exact counts; the model's
/// denominator must divide them, which holds for every unbatched model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    /// Messages between servers.
    pub(crate) servers: u64,
    /// Messages to or from a node whose role is `client`.
    pub(crate) client: u64,
}

impl Split {
    /// Both figures added.
    pub(crate) fn total(self) -> u64 {
        self.servers + self.client
    }
}

/// Splits `model`'s messages into server and client messages by node role.
pub(crate) fn split(model: &TrafficModel) -> Split {
    let is_client = |i: usize| model.nodes.get(i).is_some_and(|r| r.role == "client");
    let (mut servers, mut client) = (0u64, 0u64);
    for e in &model.edges {
        if is_client(e.from) || is_client(e.to) {
            client += e.count;
        } else {
            servers += e.count;
        }
    }
    let d = model.denominator.max(1);
    Split {
        servers: servers / d,
        client: client / d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cc_cost::Protocol;

    #[test]
    fn pbft_splits_into_2n_n_minus_1_and_n_plus_1() {
        for n in [4u64, 7, 10] {
            let m = Protocol::Pbft { nodes: n as u32 }.model().unwrap();
            let s = split(&m);
            assert_eq!(s.servers, 2 * n * (n - 1));
            assert_eq!(s.client, n + 1);
            assert_eq!(s.total(), 2 * n * n - n + 1);
        }
    }

    #[test]
    fn raft_has_no_modelled_client() {
        let m = Protocol::Raft { nodes: 5, batch: 1 }.model().unwrap();
        assert_eq!(
            split(&m),
            Split {
                servers: 8,
                client: 0
            }
        );
    }
}
