//! Page: coordination protocols simulated, counted exactly, and checked under faults.

use std::fmt::Write as _;

use cc_sim::{SimRequest, SimSummary};

use super::checked::{self, Expect, RowId};
use super::{Page, Rendered};
use crate::fmt::{num, stat};
use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportOptions};

const PAGE: &str = "sim-coordination";
const TRIALS: u32 = 20;
const FAULT_TRIALS: u32 = 200;
const ELECTION_TRIALS: u32 = 200;

/// What the test suite's safety sweeps run (see the named tests in cc-sim).
const SWEEPS_NOTE: &str = "\nThe test suite (`cargo test --workspace`) runs larger sweeps of seeded \
     schedules: 10,000 per protocol for 2PC, 3PC (crash-stop model), Paxos, Multi-Paxos, Raft, ISR \
     replication, the CRDT counters, Dynamo quorums (strict R + W > N under \
     loss, heavy duplication, crashes and a partition), PBFT (up to f Byzantine backups, silent or \
     equivocating), commit wait (real clock offsets within ε, loss, reordering) and the LCR and \
     Hirschberg–Sinclair ring elections over reliable links (the mixes above), with zero \
     violations, and the same sweeps catch the deliberately broken variants (2PC committing on a \
     missing vote, 3PC's recovery coordinator treating pre-committed reports as uncertain, Paxos and \
     Multi-Paxos ignoring promised values, Raft granting votes without the log up-to-date check, \
     unclean ISR leader election and a high watermark on the leader's log end, CRDT merge by sum, a \
     quorum counting a duplicated reply twice, a PBFT client accepting f replies, commit without the \
     commit wait, a recovered ring node that does not resume its retransmissions, and — for \
     Hirschberg–Sinclair — duplicate suppression by the highest sequence number seen, which drops \
     reordered messages; LCR's sweep does not expose that last bug). A violation prints its seed and \
     the shortest event trace that reproduces it. `cclab sweep <protocol> [--mutant NAME]` runs \
     the same sweeps from the command line (`cclab sweep --list` names the mutants); each takes \
     well under a minute on 2 cores (criterion bench `sweep/<protocol>`, bench/RESULTS.md).\n";

fn finite(x: f64) -> String {
    if x.is_finite() { num(x) } else { "—".into() }
}

fn latency(s: &SimSummary) -> String {
    s.latency_ms.as_ref().map_or_else(
        || "—".into(),
        |l| format!("{} / {}", num(l.p50), num(l.p99)),
    )
}

/// Whether the registry has `protocol`.
fn known(protocol: &str) -> bool {
    cc_sim::find(protocol).is_ok()
}

fn sim(source: cc_sim::SimError) -> ReportError {
    ReportError::Sim { page: PAGE, source }
}

/// A fault-free request: {TRIALS} trials of `protocol` on `nodes` nodes, seed `seed`.
fn request(protocol: &str, nodes: usize, seed: u64) -> SimRequest {
    SimRequest {
        protocol: protocol.into(),
        nodes,
        trials: TRIALS,
        seed,
        ..SimRequest::default()
    }
}

fn options(options: &[&str]) -> Vec<String> {
    options.iter().map(|o| (*o).to_string()).collect()
}

/// One row of the fault-free counting table.
struct Case {
    protocol: &'static str,
    label: &'static str,
    /// N as the formula uses it.
    sizes: &'static [u64],
    /// Nodes to simulate for a given N.
    nodes: fn(u64) -> usize,
    options: &'static [&'static str],
    /// cclab's formula for messages per decision, and its text.
    formula: fn(u64) -> f64,
    formula_text: &'static str,
    /// The seed text's claim (004, "Coordination Patterns Compared").
    text_claim: fn(u64) -> String,
}

fn ident(n: u64) -> usize {
    n as usize
}

const CASES: &[Case] = &[
    Case {
        protocol: "2pc",
        label: "2PC, separate coordinator (N participants + TM)",
        sizes: &[3, 5, 7, 9],
        nodes: |n| n as usize + 1,
        options: &[],
        formula: |n| (3 * n - 1) as f64,
        formula_text: "3N − 1 (Gray & Lamport 2006)",
        text_claim: |n| format!("3N = {}, 3 rounds", 3 * n),
    },
    Case {
        protocol: "2pc",
        label: "2PC, coordinator co-located with a participant",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &["colocated"],
        formula: |n| (3 * n - 3) as f64,
        formula_text: "3N − 3",
        text_claim: |n| format!("3N = {}, 3 rounds", 3 * n),
    },
    Case {
        protocol: "paxos",
        label: "single-decree Paxos, proposer co-located with an acceptor",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &["colocated"],
        formula: |n| (4 * (n - 1)) as f64,
        formula_text: "4(N − 1): prepare, promise, accept, accepted with the N − 1 other acceptors",
        text_claim: |n| format!("2N = {}", 2 * n),
    },
    Case {
        protocol: "paxos",
        label: "single-decree Paxos, proposer separate from the N acceptors",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &["separate"],
        formula: |n| (4 * n) as f64,
        formula_text: "4N: prepare, promise, accept, accepted with every acceptor",
        text_claim: |n| format!("2N = {}", 2 * n),
    },
    Case {
        protocol: "3pc",
        label: "3PC, separate coordinator (N participants + TM)",
        sizes: &[3, 5, 7, 9],
        nodes: |n| n as usize + 1,
        options: &["separate"],
        formula: |n| (5 * n - 1) as f64,
        formula_text: "5N − 1 (2PC plus the PreCommit/Ack round)",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "3pc",
        label: "3PC, coordinator co-located with a participant",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &["colocated"],
        formula: |n| (5 * n - 5) as f64,
        formula_text: "5N − 5",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "multi-paxos",
        label: "Multi-Paxos, stable leader, one command per slot",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &[],
        formula: |n| (2 * (n - 1)) as f64,
        formula_text: "2(N − 1): Accept and Accepted, commit piggybacked",
        text_claim: |n| format!("2N = {}", 2 * n),
    },
    Case {
        protocol: "raft",
        label: "Raft, stable leader, one entry per AppendEntries",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &[],
        formula: |n| (2 * (n - 1)) as f64,
        formula_text: "2(N − 1), commit index piggybacked",
        text_claim: |n| format!("2N = {}", 2 * n),
    },
    Case {
        protocol: "isr",
        label: "Kafka-style ISR replication, acks = all (fetch-based followers)",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &[],
        formula: |n| (2 * n) as f64,
        formula_text: "2N per record: produce, N − 1 fetch responses, N − 1 fetches, ack",
        text_claim: |n| format!("leader-based: N = {n}, 1 round"),
    },
    Case {
        protocol: "quorum",
        label: "Dynamo-style quorum (one write + one read, R = W = majority)",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &[],
        formula: |n| (2 * n) as f64,
        formula_text: "2N per operation (requests to all N, N replies)",
        text_claim: |n| {
            let q = n / 2 + 1;
            format!("W + R = {}", 2 * q)
        },
    },
    Case {
        protocol: "pbft",
        label: "PBFT normal case (n = 3f + 1, request and replies counted)",
        sizes: &[4, 7, 10],
        nodes: ident,
        options: &[],
        formula: |n| (2 * n * n - n + 1) as f64,
        formula_text: "2n² − n + 1 (Castro & Liskov 1999)",
        text_claim: |_| "O(N²)".into(),
    },
    Case {
        protocol: "commit-wait",
        label: "commit wait (TrueTime-style ε = 7 ms), client to one server",
        sizes: &[3, 5, 7, 9],
        nodes: ident,
        options: &[],
        formula: |_| 2.0,
        formula_text: "2 per transaction; latency RTT + 2ε",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "spanner-commit",
        label: "Spanner multi-group commit: N Paxos groups of R = 3, P = 2 participants a transaction, ε = 7 ms",
        sizes: &[2, 4, 8],
        nodes: ident,
        options: &[],
        formula: |_| 17.0,
        formula_text: "3P − 1 + 2(R − 1)(2P − 1) = 17 (2PC over group leaders, a majority round per record)",
        text_claim: |_| "\"2 rounds instead of 3–4\"".into(),
    },
    Case {
        protocol: "raft-read",
        label: "Raft read, ReadIndex (one tagged heartbeat round)",
        sizes: &[3, 5, 7],
        nodes: ident,
        options: &["read-index"],
        formula: |n| (2 * (n - 1)) as f64,
        formula_text: "2(N − 1) per read",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "raft-read",
        label: "Raft read, leader lease (drift bound ±20 %)",
        sizes: &[3, 5, 7],
        nodes: ident,
        options: &["lease"],
        formula: |_| 0.0,
        formula_text: "0 per read",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "raft-read",
        label: "Raft read through the log (per committed entry: reads, writes, no-ops)",
        sizes: &[3, 5, 7],
        nodes: ident,
        options: &["log"],
        formula: |n| (2 * (n - 1)) as f64,
        formula_text: "2(N − 1) per entry",
        text_claim: |_| "—".into(),
    },
    Case {
        protocol: "etcd-watch",
        label: "etcd watch, naive: every event to every one of N watchers (10 keys)",
        sizes: &[10, 100, 1000],
        nodes: ident,
        options: &["naive"],
        formula: |n| n as f64,
        formula_text: "N events per update, N − N/M redundant",
        text_claim: |_| "O(n²)".into(),
    },
    Case {
        protocol: "etcd-watch",
        label: "etcd watch, grouped by key range behind proxies (10 keys)",
        sizes: &[10, 100, 1000],
        nodes: ident,
        options: &["grouped"],
        formula: |n| 1.0 + n as f64 / 10.0,
        formula_text: "1 + N/M events per update, none redundant",
        text_claim: |_| "O(n log n), \"95 % fewer redundant notifications\"".into(),
    },
];
/// One section of the page: its title (which names its rows in a refusal) and the
/// function that appends it.
struct Section {
    title: &'static str,
    render: fn(&Section, u64, &mut String) -> Result<(), ReportError>,
}

impl Section {
    /// The identity of row `label` of this section.
    fn row(&self, label: impl std::fmt::Display) -> RowId {
        RowId::new(PAGE, format!("{}: {label}", self.title))
    }
}

/// The page, in order.
const SECTIONS: &[Section] = &[
    Section {
        title: "introduction",
        render: intro,
    },
    Section {
        title: "messages per decision, fault-free",
        render: counting,
    },
    Section {
        title: "gossip: the text's O(log N) messages",
        render: gossip,
    },
    Section {
        title: "batching",
        render: batching,
    },
    Section {
        title: "latency under a region-to-region RTT matrix",
        render: regions,
    },
    Section {
        title: "Raft: time to elect a new leader (Figure 16)",
        render: raft_election,
    },
    Section {
        title: "ring leader election",
        render: ring_election,
    },
    Section {
        title: "under faults",
        render: faults,
    },
    Section {
        title: "safety sweeps",
        render: sweeps,
    },
];

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let mut out = page_header(page.title, Some(options.seed));
    for section in SECTIONS {
        (section.render)(section, options.seed, &mut out)?;
    }
    Ok(Rendered {
        markdown: out,
        extra: Vec::new(),
    })
}

fn intro(_: &Section, _: u64, out: &mut String) -> Result<(), ReportError> {
    let _ = write!(
        out,
        "Each protocol is a state machine on cc-sim's discrete-event engine (constant 10 ms links \
         unless stated), not a formula. Fault-free rows run {TRIALS} trials each; messages are \
         counted per decision as the protocol's convention says (the table names it). Safety checkers \
         (agreement, validity, one leader per term, log matching, no committed entry lost, \
         convergence) run after every simulated run.\n\n"
    );
    Ok(())
}

fn counting(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    out.push_str(
        "## Messages per decision, fault-free: measured, formula, and the source text's table\n\n",
    );
    let mut t = Table::new(&[
        "protocol",
        ">N",
        ">measured messages / decision",
        "formula",
        ">formula value",
        "equal",
        "source text (004)",
        ">message delays",
        ">latency p50 / p99 (ms)",
    ]);
    for case in CASES.iter().filter(|c| known(c.protocol)) {
        for &n in case.sizes {
            let req = SimRequest {
                options: options(case.options),
                ..request(case.protocol, (case.nodes)(n), seed)
            };
            let row = section.row(format_args!("{}, N = {n}", case.label));
            let s = checked::simulate(&row, Expect::Decides, &req)?;
            t.row(case_cells(case, n, &s));
        }
    }
    out.push_str(&t.render());
    out.push_str(
        "\nWhere the source text's pattern table differs: 2PC is 3N − 1 messages in 4 message delays \
         (3N only without the initiating participant's vote, and \"3 rounds\" counts one-way phases as \
         round trips); consensus with a stable leader is 2(N − 1), not 2N (the leader does not message \
         itself); leader-based replication is not N messages per update once the followers' \
         acknowledgements are counted — the ISR leader needs the N − 1 followers' fetches before it \
         acknowledges an acks = all write, 2N in all and 4 message delays, not 1 round; a Dynamo \
         quorum operation sends to all N replicas and waits for the first W or R replies, so it costs \
         2N messages, while W + R is the number of replies it *waits for*; PBFT's O(N²) is right, \
         with the exact count 2n² − n + 1.\n",
    );
    Ok(())
}

/// The cells of one counting row: `case` at size `n`, measured in `s`.
fn case_cells(case: &Case, n: u64, s: &SimSummary) -> [String; 9] {
    let measured = s.messages_per_decision.as_ref();
    let formula = (case.formula)(n);
    let equal = measured.is_some_and(|m| m.min == formula && m.max == formula);
    [
        case.label.to_string(),
        n.to_string(),
        measured.map_or_else(|| "—".into(), stat),
        case.formula_text.to_string(),
        num(formula),
        if equal {
            "yes, every trial".into()
        } else {
            "**no**".into()
        },
        (case.text_claim)(n),
        s.message_delays
            .as_ref()
            .filter(|d| d.median.is_finite())
            .map_or_else(|| "—".into(), |d| num(d.median)),
        latency(s),
    ]
}

fn gossip(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    out.push_str(
        "\n### Gossip: the text's \"O(log N) messages\"\n\n\
         Push gossip of one update in the random phone call model (every informed node calls one \
         random node per round until all are informed), 20 trials each:\n\n",
    );
    let mut t = Table::new(&[
        ">N",
        ">rounds",
        ">log2 N + ln N",
        ">messages in total",
        ">messages per node",
        ">ln N",
    ]);
    for n in [100usize, 1000, 10_000] {
        let row = section.row(format_args!("push, N = {n}"));
        let s = checked::simulate(&row, Expect::Decides, &request("push", n, seed))?;
        let nf = n as f64;
        t.row([
            num(nf),
            s.rounds.as_ref().map_or_else(|| "—".into(), stat),
            num(nf.log2() + nf.ln()),
            stat(&s.messages),
            num(s.messages_per_node.mean),
            num(nf.ln()),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(
        "\nRounds are O(log N) as the text says, but messages are O(log N) *per node*: the total is \
         Θ(N log N), which is what a bill counts.\n",
    );
    Ok(())
}

fn batching(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    out.push_str(
        "\n## Batching: b commands per replication message (N = 5)\n\n\
         Raft puts b entries in one AppendEntries, Multi-Paxos b commands in one slot; each run \
         commits 200 commands arriving at the leader every 1 ms. Bytes count every message of the \
         run (heartbeats and elections included) divided by the commands committed.\n\n",
    );
    let mut t = Table::new(&[
        "protocol",
        ">b",
        ">measured messages / decision",
        ">2(N − 1)/b",
        ">bytes / command",
        ">message delays",
        ">latency p50 / p99 (ms)",
    ]);
    for protocol in ["raft", "multi-paxos"].into_iter().filter(|p| known(p)) {
        for b in [1u32, 10, 100] {
            let req = SimRequest {
                batch: Some(b),
                ..request(protocol, 5, seed)
            };
            let row = section.row(format_args!("{protocol}, b = {b}"));
            let s = checked::simulate(&row, Expect::Decides, &req)?;
            let commands = s
                .parameters
                .get("commands")
                .and_then(|c| c.parse::<f64>().ok())
                .filter(|&c| c > 0.0);
            t.row([
                protocol.to_string(),
                b.to_string(),
                s.messages_per_decision
                    .as_ref()
                    .map_or_else(|| "—".into(), stat),
                num(8.0 / f64::from(b)),
                commands.map_or_else(|| "—".into(), |c| num(s.bytes.mean / c)),
                s.message_delays
                    .as_ref()
                    .map_or_else(|| "—".into(), |d| num(d.median)),
                latency(&s),
            ]);
        }
    }
    out.push_str(&t.render());
    out.push_str(
        "\nWith b = 100 there are only two batches, so the leader's heartbeats while a batch fills \
         are a visible part of Raft's count and the measured figure exceeds 2(N − 1)/b; the \
         batch-fill wait raises the message delays and the latency of the first commands of each \
         batch. Batching divides messages, not bytes: each message carries b commands.\n",
    );
    Ok(())
}

/// What the row "raft, LAN timeouts" may show: it is about LAN timeouts failing on this
/// network (followers time out before the leader's heartbeats arrive and re-elect), and
/// commands proposed around the re-elections may stay uncommitted.
const LAN_TIMEOUTS: Expect = Expect::Safe(
    "LAN timeouts across regions: followers time out before the leader's heartbeats arrive and re-elect, and commands proposed around a re-election may stay uncommitted",
);

/// The rows of the region table: protocol, nodes, options, what the row may show.
const REGION_ROWS: &[(&str, usize, &[&str], Expect)] = &[
    ("2pc", 6, &[], Expect::Decides),
    ("3pc", 6, &["separate"], Expect::Decides),
    ("paxos", 5, &[], Expect::Decides),
    ("multi-paxos", 5, &[], Expect::Decides),
    ("raft", 5, &[], Expect::Decides),
    ("raft", 5, &["lan-timeouts"], LAN_TIMEOUTS),
    ("isr", 5, &[], Expect::Decides),
    ("quorum", 5, &[], Expect::Decides),
    ("pbft", 4, &[], Expect::Decides),
    ("commit-wait", 5, &[], Expect::Decides),
    ("spanner-commit", 4, &[], Expect::Decides),
    ("raft-read", 5, &["read-index"], Expect::Decides),
    ("raft-read", 5, &["lease"], Expect::Decides),
];

fn regions(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    out.push_str(
        "\n## Latency under a region-to-region RTT matrix (`--latency regions`)\n\n\
         Nodes are placed round-robin in five regions (node i in region i mod 5, so node 0 — the \
         2PC and 3PC coordinator, the first leader of Multi-Paxos and ISR, PBFT's primary — is in \
         the first); one-way latency is half the RTT below. The matrix is cc-sim's illustrative \
         five-region matrix (approximate public inter-region ping figures, not a measurement); \
         `cc-cost` carries the dated, cited matrices.\n\n",
    );
    out.push_str(&rtt_table());
    out.push('\n');
    let mut t = Table::new(&[
        "protocol",
        ">nodes",
        ">messages / decision",
        ">message delays (median)",
        ">latency p50 (ms)",
        ">latency p99 (ms)",
    ]);
    let (mut raft, mut lan) = (None, None);
    for &(protocol, nodes, opts, expect) in REGION_ROWS.iter().filter(|r| known(r.0)) {
        let label = match opts {
            ["lan-timeouts"] => format!("{protocol}, LAN timeouts"),
            // raft-read's rows differ by their read path
            [path] if protocol == "raft-read" => format!("{protocol}, {path}"),
            _ => protocol.to_string(),
        };
        let req = SimRequest {
            latency: Some("regions".into()),
            options: options(opts),
            ..request(protocol, nodes, seed)
        };
        let row = section.row(format_args!("{label}, {nodes} nodes"));
        let s = checked::simulate(&row, expect, &req)?;
        t.row([
            label,
            nodes.to_string(),
            s.messages_per_decision
                .as_ref()
                .map_or_else(|| "—".into(), |m| num(m.mean)),
            s.message_delays
                .as_ref()
                .filter(|d| d.median.is_finite())
                .map_or_else(|| "—".into(), |d| num(d.median)),
            s.latency_ms
                .as_ref()
                .map_or_else(|| "—".into(), |l| num(l.p50)),
            s.latency_ms
                .as_ref()
                .map_or_else(|| "—".into(), |l| num(l.p99)),
        ]);
        match (protocol, opts) {
            ("raft", []) => raft = Some(s),
            ("raft", _) => lan = Some(s),
            _ => {}
        }
    }
    out.push_str(&t.render());
    out.push_str(&regions_note(raft.as_ref(), lan.as_ref()));
    Ok(())
}

/// The region-to-region RTT matrix as a table.
fn rtt_table() -> String {
    let regions = cc_sim::net::RegionMatrix::five_regions();
    let mut headers: Vec<String> = vec!["RTT (ms)".into()];
    headers.extend(regions.names.iter().map(|n| format!(">{n}")));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(&header_refs);
    for (name, row) in regions.names.iter().zip(&regions.rtt_ms) {
        let mut cells = vec![name.clone()];
        cells.extend(row.iter().map(|&x| num(x)));
        t.row(cells);
    }
    t.render()
}

/// The paragraph after the region table; `raft` and `lan` are the Raft rows (tuned and
/// LAN timeouts), whose measured first election and uncommitted commands it states.
fn regions_note(raft: Option<&SimSummary>, lan: Option<&SimSummary>) -> String {
    let first_election = raft
        .and_then(|s| s.extra.get("first_election_ms"))
        .map_or_else(String::new, |e| {
            format!(
                " Raft has no designated leader: the first election ended {}–{} ms into the \
                 run (mean {}), and cc-sim does not report which server won it, so Raft's \
                 percentiles are over all trials together, whichever region led each.",
                num(e.min),
                num(e.max),
                num(e.mean)
            )
        });
    let uncommitted = lan
        .map(|s| &s.delivery_pooled)
        .filter(|d| d.successes < d.total)
        .map_or_else(String::new, |d| {
            format!(
                "; {} of its {} commands were not committed by the end of the run",
                d.total - d.successes,
                d.total
            )
        });
    format!(
        "\nMessage delays are the decision latency divided by the mean link latency of the run, so \
         with unequal links they are no longer whole numbers. A leader-based protocol pays the RTT \
         to its majority's slowest member; the 2PC coordinator waits for the farthest participant.\
         {first_election} \
         Raft's timeouts follow etcd's tuning rule on this network (heartbeat about the slowest \
         member-to-member RTT, election timeout at least ten times it: here 255 ms and 2550–5100 \
         ms). The row \"raft, LAN timeouts\" keeps the defaults (heartbeat 50 ms, election timeout \
         150–300 ms): followers far from the leader time out before its heartbeats arrive, and the \
         re-elections show in its p99 and its messages per decision{uncommitted}. \
         Single-decree Paxos starts with a 100 ms round timeout, shorter than two round trips to a \
         majority across these regions: its first round times out, the proposer doubles the \
         timeout, and the second round decides — which is why it sends about twice 4(N − 1) \
         messages here.\n"
    )
}

/// What the paper states for a row of the Figure 16 table.
fn paper_figure(timeout: &str) -> &'static str {
    match timeout {
        "150-150ms" => "consistently > 10 s",
        "150-155ms" => "median 287 ms",
        "150-200ms" => "max 513 ms (1000 trials)",
        _ => "—",
    }
}

/// What a Figure 16 row may show. With no or 1 ms of randomness split votes repeat and
/// trials end without a new leader: the paper's "consistently > 10 s", and the text after
/// the table states how many. Every other row must elect in every trial.
fn election_expect(timeout: &str) -> Expect {
    match timeout {
        "150-150ms" => Expect::Safe(
            "no randomness: the paper's \"consistently > 10 s\"; trials without a new leader are counted in the text",
        ),
        "150-151ms" => Expect::Safe(
            "1 ms of randomness: split votes repeat; trials without a new leader are counted in the text",
        ),
        _ => Expect::Decides,
    }
}

/// The sentence counting the trials of `rows` without a new leader within the horizon.
fn unelected_note(rows: &[cc_sim::coord::raft::ElectionRow]) -> String {
    let missing: Vec<String> = rows
        .iter()
        .filter(|r| r.completed.successes < r.completed.total)
        .map(|r| {
            format!(
                "{} of {} at {}",
                r.completed.total - r.completed.successes,
                r.completed.total,
                r.timeout
            )
        })
        .collect();
    if missing.is_empty() {
        return String::new();
    }
    format!(
        "\nTrials without a new leader within 20 s: {}.\n",
        missing.join(", ")
    )
}

fn raft_election(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    if !known("raft") {
        return Ok(());
    }
    let rows = cc_sim::coord::raft::election_time_table(seed, ELECTION_TRIALS).map_err(sim)?;
    let _ = write!(
        out,
        "\n## Raft: time to elect a new leader against timeout randomness (Ongaro & Ousterhout 2014, Figure 16)\n\n\
         The paper's setup: 5 servers, one-way link latency uniform in 5–10 ms, heartbeats every \
         75 ms (half the minimum election timeout); the first leader crashes at a uniform point of \
         its heartbeat interval, 500–575 ms after its election, and the time without a leader is measured, \
         {ELECTION_TRIALS} trials per row (20 s horizon). The paper states three figures \
         for its top graph (LogCabin on a LAN, broadcast time about 15 ms, the leader crashed \
         at a uniform point of its heartbeat interval): with no randomness elections \
         consistently took longer than 10 s; 5 ms of randomness gave a median downtime of \
         287 ms; 50 ms gave a worst case of 513 ms over 1000 trials. The column \"paper\" \
         repeats them next to the measured statistic they describe.\n\n"
    );
    let mut t = Table::new(&[
        "election timeout",
        ">trials",
        ">new leader within 20 s",
        ">median (ms)",
        ">mean [95% CI] (ms)",
        ">p90 (ms)",
        ">p99 (ms)",
        ">max (ms)",
        "paper",
    ]);
    for r in &rows {
        let outcome = checked::Outcome {
            checks: checked::Checks::None(
                "election_time_table does not return the runs' checker results",
            ),
            decided: Some((r.completed.successes, r.completed.total)),
        };
        checked::check(
            &section.row(&r.timeout),
            election_expect(&r.timeout),
            &outcome,
        )?;
        t.row([
            r.timeout.clone(),
            r.trials.to_string(),
            crate::fmt::fraction(&r.completed),
            r.election_ms
                .as_ref()
                .map_or_else(|| "—".into(), |e| num(e.median)),
            r.election_ms.as_ref().map_or_else(|| "—".into(), stat),
            finite(r.p90_ms),
            finite(r.p99_ms),
            r.election_ms
                .as_ref()
                .map_or_else(|| "—".into(), |e| num(e.max)),
            paper_figure(&r.timeout).to_string(),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(&unelected_note(&rows));
    out.push_str(
        "\nThe shape matches and the 50 ms worst case is close to the paper's (over fewer trials), \
         but with 5 ms of randomness the simulation elects far more slowly than the paper's \
         cluster: every follower restarts its timer from the same last heartbeat, so their \
         expiries differ only by the 5 ms link-latency spread plus the 5 ms of randomness, while a \
         RequestVote needs 5–10 ms to arrive — the first candidate rarely gets far enough ahead to \
         collect two votes before the others time out too, and split votes repeat. cc-sim fires \
         timers exactly; a real cluster's timer and processing jitter adds randomness the model \
         leaves out.\n",
    );
    Ok(())
}

fn ring_election(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    if !(known("lcr") && known("hs")) {
        return Ok(());
    }
    out.push_str(
        "\n## Ring leader election against the Ω(n log n) lower bound\n\n\
         LCR (Le Lann 1977, Chang–Roberts 1979) sends n(n + 1)/2 messages when identifiers decrease \
         along the ring and about n·H_n with random identifiers; Hirschberg–Sinclair is O(n log n) in \
         the worst case. Comparison-based election on a ring needs Ω(n log n) messages \
         (Burns 1980; Frederickson–Lynch 1987).\n\n",
    );
    let mut t = Table::new(&[
        "algorithm",
        "identifiers",
        ">n",
        ">messages (mean)",
        ">reference",
        ">n log2 n",
    ]);
    for n in [16u64, 64, 256] {
        let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
        for (algo, arrangement, reference) in [
            (
                "lcr",
                "descending",
                format!("n(n+1)/2 = {}", n * (n + 1) / 2),
            ),
            (
                "lcr",
                "random",
                format!("n·H_n ≈ {}", num(n as f64 * harmonic)),
            ),
            ("hs", "random", "O(n log n)".to_string()),
        ] {
            let req = SimRequest {
                options: vec![arrangement.to_string()],
                ..request(algo, n as usize, seed)
            };
            let row = section.row(format_args!("{algo}, {arrangement} identifiers, n = {n}"));
            let s = checked::simulate(&row, Expect::Decides, &req)?;
            t.row([
                algo.to_uppercase(),
                arrangement.to_string(),
                n.to_string(),
                num(s.messages.mean),
                reference,
                num(n as f64 * (n as f64).log2()),
            ]);
        }
    }
    out.push_str(&t.render());
    Ok(())
}

/// The fault mix a row of the fault table describes.
enum Mix {
    /// The protocol's own mix, described here.
    Own(&'static str),
    /// The generic default mix ([`cc_sim::coord::faults::FaultSpec::default`]).
    Generic,
    /// The generic mix, election messages over reliable links.
    GenericReliable,
}

/// One row of the fault table: `protocol` on `nodes` nodes under its default mix.
struct FaultRow {
    protocol: &'static str,
    nodes: usize,
    mix: Mix,
}

/// What every fault row may show: faults cost liveness (2PC blocks, a ring with a node
/// crashed for good elects nobody — the text says so), never safety.
const FAULT_EXPECT: Expect = Expect::Safe(
    "the protocol's default fault mix: crashes, loss and partitions may leave decisions unreached, shown in \"decided / converged\"",
);

const FAULT_ROWS: &[FaultRow] = &[
    FaultRow {
        protocol: "2pc",
        nodes: 6,
        mix: Mix::Own(
            "exponential latency (mean 10 ms), loss in [0, 0.2), duplication in [0, 0.1), each node \
             crashing with probability 0.3 in the first 100 ms and recovering with probability 0.7, \
             an optional partition, a no vote with probability 0.1, clock skew",
        ),
    },
    FaultRow {
        protocol: "3pc",
        nodes: 6,
        mix: Mix::Own(
            "3PC's stated model: crash-stop, synchronous (latency uniform 1–20 ms, no loss, no \
             partitions), duplication in [0, 0.05), the coordinator crashing with probability 0.5 \
             and each participant with probability 0.3, clock drift",
        ),
    },
    FaultRow {
        protocol: "paxos",
        nodes: 5,
        mix: Mix::Generic,
    },
    FaultRow {
        protocol: "multi-paxos",
        nodes: 5,
        mix: Mix::Generic,
    },
    FaultRow {
        protocol: "raft",
        nodes: 5,
        mix: Mix::Own(
            "exponential latency (mean 10 ms), loss in [0, 0.1), duplication in [0, 0.05), each \
             server crashing with probability 0.4 in the first 2 s and recovering with probability \
             0.8, a partition with probability 0.4, clock skew",
        ),
    },
    FaultRow {
        protocol: "isr",
        nodes: 5,
        mix: Mix::Generic,
    },
    FaultRow {
        protocol: "quorum",
        nodes: 5,
        mix: Mix::Own(
            "exponential latency (mean 5 ms), loss in [0, 0.05), duplication in [0, 0.3), each \
             replica crashing with probability 0.2 in the first 20 ms (recovering with probability \
             0.5), a partition with probability 0.3; R = W = 3, the read right after the commit",
        ),
    },
    FaultRow {
        protocol: "pbft",
        nodes: 4,
        mix: Mix::Own(
            "exponential latency (mean 10 ms), loss in [0, 0.1), duplication in [0, 0.05), each \
             backup crashing with probability 0.2 in the first 60 ms (recovering with probability \
             0.5), a partition with probability 0.3, clock skew; no Byzantine replica (the sweep adds \
             them); no retransmission or view change, so faults cost liveness, not safety",
        ),
    },
    FaultRow {
        protocol: "lcr",
        nodes: 8,
        mix: Mix::GenericReliable,
    },
    FaultRow {
        protocol: "hs",
        nodes: 8,
        mix: Mix::GenericReliable,
    },
    FaultRow {
        protocol: "crdt-counter",
        nodes: 5,
        mix: Mix::Own(
            "loss in [0, 0.3), duplication in [0, 0.2), exponential latency (mean 10 ms), each \
             replica crashing with probability 0.4 and recovering within 1.5 s, a partition with \
             probability 0.5 healing by 3 s, clock skew",
        ),
    },
];

/// The generic default fault mix, in words.
fn generic_mix() -> String {
    let d = cc_sim::coord::faults::FaultSpec::default();
    format!(
        "loss {} %, duplication {} %, each node crashing with probability {} (recovering with \
         probability {}), a partition window with probability {}, fault times within the first {} \
         ms, exponential latency (mean {} ms), clock offsets within ±{} ms and drift within ±{} ppm",
        num(d.loss * 100.0),
        num(d.dup * 100.0),
        num(d.crash),
        num(d.recover),
        num(d.partition),
        d.window_ms,
        num(d.latency_ms),
        num(d.skew_ms),
        d.drift_ppm,
    )
}

fn faults(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    let generic = generic_mix();
    let _ = write!(
        out,
        "\n## Under faults: each protocol's documented default mix ({FAULT_TRIALS} seeded schedules each)\n\n\
         `--faults default` draws one schedule per trial from the protocol's own documented mix \
         (below; the cc-sim API docs give each in full). Random latencies also reorder messages; \
         every mix skews the clocks, so timers (election timeouts, heartbeats, participant \
         timeouts, lag checks, gossip periods) run fast or slow. \"decided\" is the fraction of \
         decisions reached (per transaction, command or record; per run for the CRDT counters, \
         which must converge to the exact sum once the network heals; per run for the quorum — \
         a read that returned the write —, for PBFT — the client accepted a result — and for the \
         ring elections — a leader was elected): 2PC blocks when its coordinator crashes, and a ring \
         with a node crashed for good elects nobody — shown, not hidden. For the ring elections \
         messages count every frame (election messages, acks, retransmissions). The checkers \
         (agreement and validity, one leader per term, log matching, no committed or acknowledged \
         entry lost, ISR high watermark, convergence, no stale strict-quorum read, a single leader \
         with the largest identifier and one elected once every fault healed) run after every \
         schedule.\n\n"
    );
    let mut t = Table::new(&[
        "protocol",
        ">N",
        "default fault mix",
        ">schedules",
        ">decided / converged",
        ">messages / decision (mean)",
        ">violations",
    ]);
    for r in FAULT_ROWS.iter().filter(|r| known(r.protocol)) {
        let mix = match r.mix {
            Mix::Own(text) => text.to_string(),
            Mix::Generic => generic.clone(),
            Mix::GenericReliable => {
                format!("{generic}; election messages over reliable links (acks, retransmission)")
            }
        };
        let req = SimRequest {
            trials: if r.protocol == "crdt-counter" {
                FAULT_TRIALS / 4
            } else {
                FAULT_TRIALS
            },
            faults: Some("default".into()),
            ..request(r.protocol, r.nodes, seed)
        };
        let row = section.row(format_args!("{}, N = {}", r.protocol, r.nodes));
        let s = checked::simulate(&row, FAULT_EXPECT, &req)?;
        t.row([
            r.protocol.to_string(),
            r.nodes.to_string(),
            mix,
            req.trials.to_string(),
            crate::fmt::fraction(&s.delivery_pooled),
            s.messages_per_decision
                .as_ref()
                .map_or_else(|| "—".into(), |m| num(m.mean)),
            violations_cell(&s),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(SWEEPS_NOTE);
    Ok(())
}

/// The violations column of the fault table.
fn violations_cell(s: &SimSummary) -> String {
    match s.violations.as_ref() {
        Some(v) if v.count == 0 => "0".to_string(),
        Some(v) => format!(
            "**{}** (first seed {:?}: {})",
            v.count,
            v.first_seed,
            v.first.clone().unwrap_or_default()
        ),
        None => "not checked".to_string(),
    }
}

/// Schedules per sweep on this page (the test suite's count).
const SWEEP_RUNS: u32 = 10_000;

/// What a sweep's "as written" row may show: its mix costs liveness (the progress
/// column), never safety.
const SWEEP_EXPECT: Expect =
    Expect::Safe("the sweep's fault mix: progress is shown, not every run decides");

/// The outcome of a sweep for [`checked::check`]: violations only (progress has no
/// single decided fraction).
fn sweep_outcome(f: &cc_sim::sweep::Findings) -> checked::Outcome {
    checked::Outcome {
        checks: checked::Checks::Ran {
            count: f.violating_runs,
            first_run: f.first_index,
            first: f
                .shortest
                .as_ref()
                .and_then(|sh| sh.violations.first().cloned()),
        },
        decided: None,
    }
}

/// Every protocol's sweep and every mutant, run here (`cclab sweep`).
fn sweeps(section: &Section, seed: u64, out: &mut String) -> Result<(), ReportError> {
    let _ = write!(
        out,
        "\n## Safety sweeps, run for this page ({SWEEP_RUNS} seeded fault schedules each, seed {seed})\n\n\
         Each row runs the protocol's sweep mix (the cc-sim API docs give each schedule) on the \
         default size of `cclab sweep --list`, once as written and once per deliberately broken \
         variant. \"progress\" is what the correct variant achieved despite the faults; a mutant's \
         row names the shortest violating schedule (fewest messages sent; reproduce with `cclab sweep <protocol> --seed \
         {seed} --mutant <name>`, which prints its event trace) and what the checkers found there.\n\n"
    );
    let mut t = Table::new(&[
        "protocol",
        ">nodes",
        "variant",
        ">violating schedules",
        "progress / shortest violation",
    ]);
    let mut caught: Vec<(&str, &str, bool)> = Vec::new();
    for (p, spec) in cc_sim::sweep::sweepable() {
        let protocol = p.name();
        sweep_as_written(section, seed, protocol, &mut t)?;
        for mutant in spec.mutants {
            let hit = sweep_mutant(section, seed, protocol, (mutant.name, mutant.bug), &mut t)?;
            caught.push((protocol, mutant.name, hit));
        }
    }
    out.push_str(&t.render());
    uncaught_notes(out, &caught);
    Ok(())
}

/// The "as written" row of `protocol`'s sweep.
fn sweep_as_written(
    section: &Section,
    seed: u64,
    protocol: &str,
    t: &mut Table,
) -> Result<(), ReportError> {
    let ok = cc_sim::sweep::sweep(protocol, None, seed, SWEEP_RUNS, None).map_err(sim)?;
    let row = section.row(format_args!("{protocol}, as written"));
    checked::check(&row, SWEEP_EXPECT, &sweep_outcome(&ok.findings))?;
    let progress: Vec<String> = ok
        .findings
        .progress
        .iter()
        .map(|(k, v)| format!("{k} {}", num(*v)))
        .collect();
    t.row([
        protocol.to_string(),
        ok.nodes.to_string(),
        "as written".to_string(),
        ok.findings.violating_runs.to_string(),
        progress.join(", "),
    ]);
    Ok(())
}

/// The row of one mutant (`name`, `bug`) of `protocol`'s sweep; whether it was caught.
fn sweep_mutant(
    section: &Section,
    seed: u64,
    protocol: &str,
    (name, bug): (&str, &'static str),
    t: &mut Table,
) -> Result<bool, ReportError> {
    let m = cc_sim::sweep::sweep(protocol, None, seed, SWEEP_RUNS, Some(name))
        .map_err(sim)?
        .findings;
    let row = section.row(format_args!("{protocol}, mutant `{name}`"));
    checked::check(&row, Expect::Failure(bug), &sweep_outcome(&m))?;
    let detail = match &m.shortest {
        Some(sh) => format!(
            "schedule {} ({} deliveries): {}",
            sh.index,
            sh.trace.len(),
            sh.violations.first().cloned().unwrap_or_default()
        ),
        None => "not caught".to_string(),
    };
    t.row([
        String::new(),
        String::new(),
        format!("mutant `{name}`: {bug}"),
        if m.violating_runs > 0 {
            m.violating_runs.to_string()
        } else {
            "**0**".to_string()
        },
        detail,
    ]);
    Ok(m.violating_runs > 0)
}

/// One note per mutant a sweep does not expose, naming the sweeps that do.
fn uncaught_notes(out: &mut String, caught: &[(&str, &str, bool)]) {
    for &(protocol, name, _) in caught.iter().filter(|c| !c.2) {
        let elsewhere: Vec<&str> = caught
            .iter()
            .filter(|c| c.1 == name && c.2)
            .map(|c| c.0)
            .collect();
        let _ = write!(
            out,
            "\nThe {protocol} sweep does not expose mutant `{name}` (0 of {SWEEP_RUNS} schedules){}.\n",
            if elsewhere.is_empty() {
                String::new()
            } else {
                format!(
                    "; the same bug is caught by the {} sweep",
                    elsewhere.join(", ")
                )
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lengths of the functions of `source` (from `fn` to its closing brace at the same
    /// indentation), by name.
    fn function_lengths(source: &str) -> Vec<(String, usize)> {
        let lines: Vec<&str> = source.lines().collect();
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let Some(rest) = ["fn ", "pub(crate) fn "]
                .iter()
                .find_map(|p| body.strip_prefix(p))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let close = format!("{indent}}}");
            if let Some(end) = lines[i..].iter().position(|l| *l == close) {
                out.push((name, end + 1));
            }
        }
        out
    }

    #[test]
    fn no_function_of_the_page_reaches_150_lines() {
        let lengths = function_lengths(include_str!("sim_coordination.rs"));
        assert!(lengths.iter().any(|(n, _)| n == "render"), "{lengths:?}");
        for (name, len) in &lengths {
            assert!(
                *len < 150,
                "`{name}` is {len} lines: make its cases data rows"
            );
        }
        // the measure itself: a 150-line function is found
        let long = format!("fn long() {{\n{}}}\n", "    let _ = 1;\n".repeat(148));
        assert_eq!(function_lengths(&long), vec![("long".to_string(), 150)]);
    }

    #[test]
    fn every_row_names_a_registered_protocol_and_every_section_a_title() {
        // `known` skips an unregistered protocol silently; here that is an error.
        let protocols = CASES
            .iter()
            .map(|c| c.protocol)
            .chain(REGION_ROWS.iter().map(|r| r.0))
            .chain(FAULT_ROWS.iter().map(|r| r.protocol))
            .chain(["push", "raft", "multi-paxos", "lcr", "hs"]);
        for p in protocols {
            assert!(known(p), "`{p}` is not in cc-sim's registry");
        }
        let mut titles: Vec<&str> = SECTIONS.iter().map(|s| s.title).collect();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(
            titles.len(),
            SECTIONS.len(),
            "section titles name rows: keep them unique"
        );
    }

    #[test]
    fn a_row_is_named_by_page_section_and_label() {
        let e = checked::check(
            &SECTIONS[1].row("2PC, N = 3"),
            Expect::Decides,
            &checked::Outcome {
                checks: checked::Checks::None("test"),
                decided: Some((19, 20)),
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "report page `sim-coordination`, row `messages per decision, fault-free: 2PC, N = 3`: decided 19 of 20"
            ),
            "{e}"
        );
    }
}
