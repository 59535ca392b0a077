//! The string adapter behind `cclab sim <protocol> …`.
//!
//! [`SimRequest`] mirrors the command line: names and spellings as typed.
//! [`SimRequest::scenario`] parses them into the typed [`Scenario`] (each
//! error names the parameter), and [`run`] finds the protocol in the
//! [registry](crate::registry) and calls [`simulate`]. What each protocol
//! does, the parameters it takes and its defaults are its registry entry
//! ([`crate::registry::REGISTRY`]; `cclab sim --list` prints them).
//!
//! Times: rounds for round-mode protocols, milliseconds for event-mode ones
//! (`time_unit`). `crash` is the fraction of nodes (never the origin/root)
//! that crash-stop; `--faults` instead draws a coordination protocol's fault
//! mix ([`crate::coord::faults`]), which sets loss, duplication, crashes,
//! partitions and clock skew — and the latency only where `latency` is not
//! given.

use crate::SimError;
use crate::coord::faults::Faults;
use crate::coord::isr::Acks;
use crate::montecarlo::Progress;
use crate::net::{LatencyDist, MS};
use crate::registry::{Params, Scenario, find, simulate};
use crate::summary::SimSummary;
use crate::topology::Topology;
use serde::Serialize;

/// A simulation request as typed on the command line,
/// `cclab sim <protocol> --nodes N [--trials T] [--seed S] [--latency …] [--faults …] …`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimRequest {
    /// A protocol name of the registry ([`crate::registry::names`]).
    pub protocol: String,
    /// Number of nodes (`>= 2`; see the protocol's range).
    pub nodes: usize,
    /// Monte Carlo trials (`1..=1_000_000`).
    pub trials: u32,
    /// Scenario seed.
    pub seed: u64,
    /// Calls per round (gossip), tree arity (`tree`), group size (`health-check`); `1..=n-1`.
    pub fanout: Option<usize>,
    /// Rumor-mongering parameter `k` (`1..=255`, default 1).
    pub k: Option<u32>,
    /// Message loss probability in `[0, 1]`.
    pub loss: f64,
    /// Fraction of nodes that crash, in `[0, 1]`.
    pub crash: f64,
    /// Overlay for `flood`, `plumtree`, `eager-push` (see [`Topology::parse`]).
    pub overlay: Option<String>,
    /// Protocol options, e.g. `["blind", "coin"]` for `rumor`.
    pub options: Vec<String>,
    /// Latency spelling for event mode (see [`LatencyDist::parse`]); default `const:10`.
    pub latency: Option<String>,
    /// Message duplication probability in `[0, 1]` (event mode).
    pub duplication: f64,
    /// Broadcasts per trial for `plumtree` / `eager-push` (`2..=1000`, default 10).
    pub broadcasts: Option<u32>,
    /// Fault mix for coordination protocols: `none` (default), `default`
    /// (the protocol's documented mix; clock skew included) or an explicit
    /// `key=value,…` list ([`crate::coord::faults::FaultSpec::parse`]).
    pub faults: Option<String>,
    /// Entries per replication message for `raft`, commands per slot for
    /// `multi-paxos` (`1..=1024`, default 1).
    pub batch: Option<u32>,
    /// Byzantine replicas for `pbft` (`0..=f`, default 0).
    pub byzantine: Option<usize>,
    /// Concurrent proposers for `paxos` (`1..=16`, default 1).
    pub proposers: Option<usize>,
    /// `quorum`: read quorum R (`1..=N`, default majority).
    pub read_quorum: Option<usize>,
    /// `quorum`: write quorum W (`1..=N`, default majority).
    pub write_quorum: Option<usize>,
    /// `quorum`: delay between write commit and read, ms (`>= 0`, default 0).
    pub read_after_ms: Option<f64>,
    /// `commit-wait`: clock uncertainty ε in ms (`0..=10000`, default 7); clock
    /// offsets are uniform within ±ε.
    pub epsilon_ms: Option<f64>,
    /// `isr`: producer acks, `"0"`, `"1"` or `"all"` (default `"all"`).
    /// Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acks: Option<String>,
    /// `isr`: `min.insync.replicas`, `1..=N` (default `min(2, N)`).
    /// Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_insync: Option<usize>,
    /// `multi-paxos`: pipelining window, outstanding slots `1..=4096`
    /// (default 64). Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<u32>,
    /// `spanner-commit`: replicas per Paxos group, leader included (`1..=9`,
    /// default 3). Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<usize>,
    /// `spanner-commit`: groups each transaction writes (`1..=nodes`,
    /// default 2). Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<usize>,
    /// `kafka-batch`: the producer's `linger.ms` (`[0, 60000]`, default 5).
    /// Omitted from the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linger_ms: Option<f64>,
    /// `etcd-watch`: keys watched (`1..=100000`, default 10). Omitted from
    /// the JSON when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<usize>,
    /// Extra uniform jitter per message in ms (event mode, `[0, 3600000]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<f64>,
    /// Link bandwidth in Mbit/s (event mode, `> 0`): serialisation delay `8·bytes/bw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth_mbps: Option<f64>,
}

impl Default for SimRequest {
    fn default() -> Self {
        SimRequest {
            protocol: "push".into(),
            nodes: 1000,
            trials: 20,
            seed: 1,
            fanout: None,
            k: None,
            loss: 0.0,
            crash: 0.0,
            overlay: None,
            options: Vec::new(),
            latency: None,
            duplication: 0.0,
            broadcasts: None,
            faults: None,
            batch: None,
            byzantine: None,
            proposers: None,
            read_quorum: None,
            write_quorum: None,
            read_after_ms: None,
            epsilon_ms: None,
            acks: None,
            min_insync: None,
            window: None,
            replicas: None,
            participants: None,
            linger_ms: None,
            keys: None,
            jitter_ms: None,
            bandwidth_mbps: None,
        }
    }
}

impl SimRequest {
    /// Parse the spellings into a typed [`Scenario`]; every error names the
    /// parameter and what it accepts.
    pub fn scenario(&self) -> Result<Scenario, SimError> {
        let latency = self
            .latency
            .as_deref()
            .map(LatencyDist::parse)
            .transpose()?;
        let faults = Faults::parse(self.faults.as_deref())?;
        if let (Some(l), Faults::Spec(spec)) = (&self.latency, faults)
            && spec.latency_given
        {
            return Err(SimError::param(
                "latency",
                format!(
                    "set the latency once: --latency {l} and the faults key `latency={}` both set it",
                    spec.latency_ms
                ),
            ));
        }
        let jitter_ns = match self.jitter_ms {
            None => 0,
            Some(j) if j.is_finite() && (0.0..=3.6e6).contains(&j) => (j * MS as f64) as u64,
            Some(j) => {
                return Err(SimError::param(
                    "jitter",
                    format!("must be in [0, 3600000] ms, got {j}"),
                ));
            }
        };
        let bandwidth_bps = match self.bandwidth_mbps {
            None => None,
            Some(b) if b.is_finite() && b > 0.0 && b <= 1e9 => Some(((b * 1e6) as u64).max(1)),
            Some(b) => {
                return Err(SimError::param(
                    "bandwidth",
                    format!("must be in (0, 1000000000] Mbit/s, got {b}"),
                ));
            }
        };
        Ok(Scenario {
            nodes: self.nodes,
            trials: self.trials,
            seed: self.seed,
            latency,
            jitter_ns,
            bandwidth_bps,
            loss: self.loss,
            duplication: self.duplication,
            crash: self.crash,
            faults,
            params: Params {
                fanout: self.fanout,
                k: self.k,
                overlay: self.overlay.as_deref().map(Topology::parse).transpose()?,
                broadcasts: self.broadcasts,
                batch: self.batch,
                window: self.window,
                byzantine: self.byzantine,
                proposers: self.proposers,
                read_quorum: self.read_quorum,
                write_quorum: self.write_quorum,
                read_after_ms: self.read_after_ms,
                epsilon_ms: self.epsilon_ms,
                acks: self.acks.as_deref().map(Acks::parse).transpose()?,
                min_insync: self.min_insync,
                replicas: self.replicas,
                participants: self.participants,
                linger_ms: self.linger_ms,
                keys: self.keys,
                options: self.options.clone(),
            },
        })
    }
}

/// Find the protocol, parse the request, run its trials (in parallel,
/// deterministic) and summarise.
///
/// ```
/// use cc_sim::{SimRequest, run};
/// let req = SimRequest { protocol: "push-pull".into(), nodes: 10_000, trials: 8, ..SimRequest::default() };
/// let s = run(&req, &|_, _| {})?;
/// assert_eq!(s.delivery_ratio.mean, 1.0);
/// println!("{s}");
/// let json = serde_json::to_value(&s)?;
/// assert!(json["rounds"]["ci95"].is_array());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(req: &SimRequest, progress: Progress<'_>) -> Result<SimSummary, SimError> {
    let p = find(&req.protocol)?;
    let sc = req.scenario()?;
    simulate(p, &sc, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> SimRequest {
        SimRequest {
            protocol: p.into(),
            nodes: 300,
            trials: 4,
            ..SimRequest::default()
        }
    }

    #[test]
    fn every_protocol_runs_and_delivers_without_faults() {
        for p in crate::registry::names() {
            let r = if [
                "raft",
                "crdt-counter",
                "paxos",
                "quorum",
                "multi-paxos",
                "isr",
                "spanner-commit",
                "raft-read",
                "kafka-batch",
            ]
            .contains(&p)
            {
                SimRequest { nodes: 5, ..req(p) }
            } else if p == "pbft" {
                SimRequest {
                    nodes: 10,
                    ..req(p)
                }
            } else {
                req(p)
            };
            let s = run(&r, &|_, _| {}).unwrap();
            assert_eq!(s.trials, 4);
            if p != "rumor" {
                assert_eq!(s.delivery_ratio.min, 1.0, "{p}");
            }
            assert!(s.messages.mean > 0.0, "{p}");
            let text = s.to_string();
            assert!(
                text.contains("seed 1") && text.contains("4 trials"),
                "{text}"
            );
        }
    }

    #[test]
    fn json_shape() {
        let s = run(&req("push"), &|_, _| {}).unwrap();
        let j = serde_json::to_value(&s).unwrap();
        for k in [
            "protocol",
            "nodes",
            "trials",
            "seed",
            "rounds",
            "messages",
            "messages_per_node",
            "residue",
            "t_last",
            "t_ave",
            "delivery_ratio",
            "bytes",
        ] {
            assert!(j.get(k).is_some(), "missing {k}");
        }
        for k in ["mean", "ci95", "median", "min", "max"] {
            assert!(j["messages"].get(k).is_some(), "missing messages.{k}");
        }
    }

    #[test]
    fn same_seed_same_summary_any_threads() {
        let r = SimRequest {
            protocol: "plumtree".into(),
            nodes: 200,
            trials: 6,
            crash: 0.2,
            ..SimRequest::default()
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| run(&r, &|_, _| {}).unwrap());
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| run(&r, &|_, _| {}).unwrap());
        assert_eq!(one, two);
        let other = run(
            &SimRequest {
                seed: 2,
                ..r.clone()
            },
            &|_, _| {},
        )
        .unwrap();
        assert_ne!(one.trace_hash, other.trace_hash);
    }

    #[test]
    fn new_coordination_protocols_are_deterministic_under_faults() {
        for (p, n) in [("3pc", 5usize), ("multi-paxos", 5), ("isr", 3)] {
            let r = SimRequest {
                nodes: n,
                trials: 8,
                faults: Some("default".into()),
                ..req(p)
            };
            let pool = |k| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(k)
                    .build()
                    .unwrap()
            };
            let one = pool(1).install(|| run(&r, &|_, _| {}).unwrap());
            let two = pool(2).install(|| run(&r, &|_, _| {}).unwrap());
            assert_eq!(one, two, "{p}");
            let other = run(
                &SimRequest {
                    seed: 2,
                    ..r.clone()
                },
                &|_, _| {},
            )
            .unwrap();
            assert_ne!(one.trace_hash, other.trace_hash, "{p}");
        }
    }

    #[test]
    fn invalid_requests_name_the_parameter() {
        let cases: Vec<(SimRequest, &str)> = vec![
            (
                SimRequest {
                    nodes: 1,
                    ..req("push")
                },
                "nodes",
            ),
            (
                SimRequest {
                    loss: 1.5,
                    ..req("push")
                },
                "loss",
            ),
            (
                SimRequest {
                    crash: -0.1,
                    ..req("flood")
                },
                "crash",
            ),
            (
                SimRequest {
                    fanout: Some(300),
                    ..req("push")
                },
                "fanout",
            ),
            (
                SimRequest {
                    trials: 0,
                    ..req("push")
                },
                "trials",
            ),
            (
                SimRequest {
                    k: Some(0),
                    ..req("rumor")
                },
                "k",
            ),
            (
                SimRequest {
                    overlay: Some("torus".into()),
                    ..req("flood")
                },
                "overlay",
            ),
            (
                SimRequest {
                    overlay: Some("ring".into()),
                    ..req("push")
                },
                "overlay",
            ),
            (
                SimRequest {
                    options: vec!["sideways".into()],
                    ..req("rumor")
                },
                "options",
            ),
            (
                SimRequest {
                    options: vec!["blind,feedback".into()],
                    ..req("rumor")
                },
                "options",
            ),
            (
                SimRequest {
                    latency: Some("gamma:1".into()),
                    ..req("flood")
                },
                "latency",
            ),
            (
                SimRequest {
                    batch: Some(2),
                    ..req("push")
                },
                "batch",
            ),
            (
                SimRequest {
                    faults: Some("default".into()),
                    ..req("flood")
                },
                "faults",
            ),
            (
                SimRequest {
                    k: Some(2),
                    ..req("push")
                },
                "k",
            ),
            (
                SimRequest {
                    nodes: 5000,
                    options: vec!["full-mesh".into()],
                    ..req("health-check")
                },
                "nodes",
            ),
        ];
        for (r, name) in cases {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
        let e = run(&req("carrier-pigeon"), &|_, _| {})
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("carrier-pigeon") && e.contains("push-pull"),
            "{e}"
        );
    }

    #[test]
    fn two_phase_commit_request() {
        for (opt, n, want) in [("separate", 6usize, 14.0), ("colocated", 5, 12.0)] {
            let r = SimRequest {
                nodes: n,
                options: vec![opt.into()],
                ..req("2pc")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            // 5 participants: 3N-1 = 14 separate, 3N-3 = 12 co-located
            assert_eq!(
                s.messages_per_decision.as_ref().unwrap().mean,
                want,
                "{opt}"
            );
            let delays = s.message_delays.as_ref().unwrap().mean;
            assert!(
                (delays - if opt == "separate" { 4.0 } else { 3.0 }).abs() < 1e-9,
                "{delays}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            let j = serde_json::to_value(&s).unwrap();
            assert!(j["latency_ms"]["p99"].is_number() && j["violations"]["count"] == 0);
        }
        let r = SimRequest {
            nodes: 4,
            trials: 200,
            faults: Some("default".into()),
            ..req("2pc")
        };
        let s = run(&r, &|_, _| {}).unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 50,
                faults: Some("loss=0.2,crash=0.5".into()),
                ..req("2pc")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let e = run(
            &SimRequest {
                faults: Some("chaos".into()),
                ..req("2pc")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`faults`"));
    }

    #[test]
    fn three_phase_commit_request() {
        for (opt, n, want, delays) in [("separate", 6usize, 24.0, 6.0), ("colocated", 5, 20.0, 5.0)]
        {
            let s = run(
                &SimRequest {
                    nodes: n,
                    options: vec![opt.into()],
                    ..req("3pc")
                },
                &|_, _| {},
            )
            .unwrap();
            // 5 participants: 5N − 1 = 24 separate, 5N − 5 = 20 co-located
            let m = s.messages_per_decision.as_ref().unwrap();
            assert_eq!((m.min, m.max), (want, want), "{opt}");
            let d = s.message_delays.as_ref().unwrap();
            assert!(
                (d.min - delays).abs() < 1e-9 && (d.max - delays).abs() < 1e-9,
                "{d:?}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.parameters["options"], opt);
        }
        // the documented fault model (crash-stop, synchronous): safe and non-blocking
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 300,
                faults: Some("default".into()),
                ..req("3pc")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert_eq!(s.extra["blocked"].max, 0.0);
        assert!(s.extra["terminations"].max > 0.0);
        // partitions are outside it: violations are reported, not hidden
        let s = run(
            &SimRequest {
                nodes: 4,
                trials: 300,
                faults: Some("partition=1,crash=0,loss=0,dup=0,window=200".into()),
                ..req("3pc")
            },
            &|_, _| {},
        )
        .unwrap();
        let v = s.violations.as_ref().unwrap();
        assert!(
            v.count > 0 && v.first.as_ref().unwrap().contains("agreement"),
            "{v:?}"
        );
    }

    #[test]
    fn multi_paxos_request() {
        for (n, b) in [(3usize, 1u32), (5, 10), (7, 100)] {
            let s = run(
                &SimRequest {
                    nodes: n,
                    batch: Some(b),
                    trials: 2,
                    ..req("multi-paxos")
                },
                &|_, _| {},
            )
            .unwrap();
            // 200 commands: every slot full for b = 1, 10, 100 → exactly 2(N − 1)/b
            let m = s.messages_per_decision.as_ref().unwrap();
            let want = 2.0 * (n as f64 - 1.0) / f64::from(b);
            assert_eq!((m.min, m.max), (want, want), "n={n} b={b}");
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
            if b == 1 {
                assert!((s.message_delays.as_ref().unwrap().mean - 2.0).abs() < 1e-9);
            }
        }
        let s = run(
            &SimRequest {
                nodes: 5,
                trials: 50,
                faults: Some("default".into()),
                ..req("multi-paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        for (r, name) in [
            (
                SimRequest {
                    nodes: 5,
                    batch: Some(0),
                    ..req("multi-paxos")
                },
                "batch",
            ),
            (
                SimRequest {
                    nodes: 5,
                    window: Some(0),
                    ..req("multi-paxos")
                },
                "window",
            ),
            (
                SimRequest {
                    nodes: 2,
                    ..req("multi-paxos")
                },
                "nodes",
            ),
            (
                SimRequest {
                    nodes: 5,
                    window: Some(4),
                    ..req("raft")
                },
                "window",
            ),
        ] {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
    }

    #[test]
    fn isr_request() {
        for (acks, want, delays) in [("all", 10.0, 4.0), ("1", 10.0, 2.0), ("0", 9.0, 1.0)] {
            let s = run(
                &SimRequest {
                    nodes: 5,
                    trials: 2,
                    acks: Some(acks.into()),
                    ..req("isr")
                },
                &|_, _| {},
            )
            .unwrap();
            // 2N per record (2N − 1 for acks=0), N = 5
            let m = s.messages_per_decision.as_ref().unwrap();
            assert_eq!((m.min, m.max), (want, want), "acks={acks}");
            let d = s.message_delays.as_ref().unwrap();
            assert!((d.mean - delays).abs() < 1e-9, "acks={acks}: {d:?}");
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.parameters["acks"], acks);
            assert_eq!(s.parameters["min_insync"], "2");
        }
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 40,
                faults: Some("default".into()),
                ..req("isr")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        let j = serde_json::to_value(&s).unwrap();
        assert!(j["extra"]["refused"]["max"].is_number());
        for (r, name) in [
            (
                SimRequest {
                    nodes: 3,
                    min_insync: Some(4),
                    ..req("isr")
                },
                "min_insync",
            ),
            (
                SimRequest {
                    nodes: 3,
                    acks: Some("2".into()),
                    ..req("isr")
                },
                "acks",
            ),
            (
                SimRequest {
                    nodes: 3,
                    acks: Some("all".into()),
                    ..req("raft")
                },
                "acks",
            ),
            (
                SimRequest {
                    nodes: 100,
                    ..req("isr")
                },
                "nodes",
            ),
        ] {
            let e = run(&r, &|_, _| {}).unwrap_err().to_string();
            assert!(e.contains(&format!("`{name}`")), "{name}: {e}");
        }
        // new fields stay out of the request JSON unless set
        let j = serde_json::to_value(SimRequest::default()).unwrap();
        assert!(
            j.get("acks").is_none() && j.get("min_insync").is_none() && j.get("window").is_none()
        );
    }

    #[test]
    fn coordination_bytes_are_measured_and_scale_with_entries() {
        // every coordination protocol reports the engine's byte count (wire sizes)
        for p in [
            "2pc",
            "3pc",
            "paxos",
            "multi-paxos",
            "raft",
            "isr",
            "quorum",
            "pbft",
            "commit-wait",
            "lcr",
            "hs",
            "crdt-counter",
        ] {
            let nodes = if p == "pbft" { 4 } else { 5 };
            let s = run(&SimRequest { nodes, ..req(p) }, &|_, _| {}).unwrap();
            assert!(s.bytes.min > 0.0, "{p}: bytes {:?}", s.bytes);
            assert!(
                s.bytes.mean >= 16.0 * s.messages.mean,
                "{p}: a header per message"
            );
        }
        // quorum: exactly 336·N per write + read
        let s = run(
            &SimRequest {
                nodes: 5,
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!((s.bytes.min, s.bytes.max), (336.0 * 5.0, 336.0 * 5.0));
        // batching divides messages, not the entries' bytes
        for p in ["raft", "multi-paxos"] {
            let at = |b| {
                run(
                    &SimRequest {
                        nodes: 5,
                        batch: Some(b),
                        trials: 2,
                        ..req(p)
                    },
                    &|_, _| {},
                )
                .unwrap()
            };
            let (one, ten) = (at(1), at(10));
            let per = |s: &SimSummary| s.bytes.mean / s.extra["committed"].mean;
            // every committed command crosses 4 links with its 100 payload bytes
            assert!(per(&ten) >= 4.0 * 108.0, "{p}: {}", per(&ten));
            assert!(ten.messages.mean < 0.3 * one.messages.mean, "{p}");
            assert!(
                per(&ten) > 0.5 * per(&one),
                "{p}: {} vs {}",
                per(&ten),
                per(&one)
            );
        }
    }

    #[test]
    fn raft_request() {
        for (n, b) in [(3usize, 1u32), (5, 4)] {
            let r = SimRequest {
                nodes: n,
                batch: Some(b),
                trials: 3,
                ..req("raft")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            let want = 2.0 * (n as f64 - 1.0) / f64::from(b);
            let got = s.messages_per_decision.as_ref().unwrap().mean;
            assert!(
                (got - want).abs() <= n as f64 / 200.0 + 1e-9,
                "{got} vs {want}"
            );
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
        let s = run(
            &SimRequest {
                nodes: 5,
                trials: 50,
                faults: Some("default".into()),
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.unwrap().count, 0);
        let e = run(
            &SimRequest {
                nodes: 2,
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`nodes`"));
        let e = run(
            &SimRequest {
                nodes: 5,
                batch: Some(0),
                ..req("raft")
            },
            &|_, _| {},
        )
        .unwrap_err();
        assert!(e.to_string().contains("`batch`"));
    }

    #[test]
    fn ring_requests() {
        let s = run(
            &SimRequest {
                nodes: 20,
                options: vec!["descending".into()],
                ..req("lcr")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.messages_per_decision.as_ref().unwrap().mean, 210.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        let s = run(
            &SimRequest {
                nodes: 64,
                ..req("hs")
            },
            &|_, _| {},
        )
        .unwrap();
        assert!(s.messages_per_decision.as_ref().unwrap().max <= 8.0 * 64.0 * 7.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
    }

    #[test]
    fn crdt_request() {
        for f in [
            None,
            Some("default".to_string()),
            Some("loss=0.3,crash=0.5,recover=0.2,partition=1".to_string()),
        ] {
            let s = run(
                &SimRequest {
                    nodes: 6,
                    trials: 20,
                    faults: f,
                    ..req("crdt-counter")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
    }

    #[test]
    fn pbft_request() {
        for n in [4usize, 7, 10] {
            let s = run(
                &SimRequest {
                    nodes: n,
                    ..req("pbft")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(
                s.messages_per_decision.as_ref().unwrap().mean,
                (2 * n * n - n + 1) as f64
            );
            let f = (n - 1) / 3;
            let s = run(
                &SimRequest {
                    nodes: n,
                    byzantine: Some(f),
                    options: vec!["equivocating".into()],
                    ..req("pbft")
                },
                &|_, _| {},
            )
            .unwrap();
            assert_eq!(s.violations.as_ref().unwrap().count, 0);
            assert_eq!(s.delivery_ratio.min, 1.0);
        }
        assert!(
            run(
                &SimRequest {
                    nodes: 5,
                    ..req("pbft")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`nodes`")
        );
        assert!(
            run(
                &SimRequest {
                    nodes: 4,
                    byzantine: Some(2),
                    ..req("pbft")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`byzantine`")
        );
    }

    #[test]
    fn paxos_request() {
        let s = run(
            &SimRequest {
                nodes: 5,
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(
            s.messages_per_decision.as_ref().unwrap().mean,
            16.0,
            "co-located: 4(N-1)"
        );
        let s = run(
            &SimRequest {
                nodes: 5,
                options: vec!["separate".into()],
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(
            s.messages_per_decision.as_ref().unwrap().mean,
            20.0,
            "separate: 4N"
        );
        assert!((s.message_delays.as_ref().unwrap().mean - 4.0).abs() < 1e-9);
        let s = run(
            &SimRequest {
                nodes: 5,
                proposers: Some(3),
                trials: 30,
                faults: Some("default".into()),
                ..req("paxos")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert!(
            run(
                &SimRequest {
                    nodes: 5,
                    proposers: Some(0),
                    ..req("paxos")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`proposers`")
        );
    }

    #[test]
    fn quorum_request() {
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 200,
                read_quorum: Some(1),
                write_quorum: Some(1),
                latency: Some("exp:5".into()),
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert!(s.delivery_ratio.mean < 1.0, "R=W=1 must show stale reads");
        let s = run(
            &SimRequest {
                nodes: 3,
                trials: 200,
                latency: Some("exp:5".into()),
                ..req("quorum")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.delivery_ratio.min, 1.0);
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert!(
            run(
                &SimRequest {
                    nodes: 3,
                    read_quorum: Some(4),
                    ..req("quorum")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`read_quorum`")
        );
    }

    #[test]
    fn commit_wait_request() {
        let s = run(
            &SimRequest {
                nodes: 5,
                epsilon_ms: Some(4.0),
                ..req("commit-wait")
            },
            &|_, _| {},
        )
        .unwrap();
        assert_eq!(s.violations.as_ref().unwrap().count, 0);
        assert_eq!(s.messages_per_decision.as_ref().unwrap().mean, 2.0);
        // RTT 20 ms + 2ε = 28 ms
        assert!((s.t_ave.as_ref().unwrap().mean - 28.0).abs() < 0.01);
        assert!(
            run(
                &SimRequest {
                    epsilon_ms: Some(-1.0),
                    ..req("commit-wait")
                },
                &|_, _| {}
            )
            .unwrap_err()
            .to_string()
            .contains("`epsilon_ms`")
        );
    }

    #[test]
    fn edge_inputs_return_results_or_errors_never_panic() {
        for p in crate::registry::names() {
            for nodes in [0usize, 1, 2, 3, 4] {
                for (loss, crash) in [(0.0, 0.0), (1.0, 1.0), (0.5, 0.99)] {
                    let r = SimRequest {
                        nodes,
                        trials: 2,
                        loss,
                        crash,
                        ..req(p)
                    };
                    match run(&r, &|_, _| {}) {
                        Ok(s) => assert_eq!(s.trials, 2),
                        Err(e) => assert!(e.to_string().contains('`'), "{p} n={nodes}: {e}"),
                    }
                }
            }
        }
    }

    #[test]
    fn health_check_detects_crashes() {
        for opt in ["hierarchical", "full-mesh"] {
            let r = SimRequest {
                crash: 0.1,
                options: vec![opt.into()],
                nodes: 100,
                ..req("health-check")
            };
            let s = run(&r, &|_, _| {}).unwrap();
            assert_eq!(s.delivery_ratio.min, 1.0, "{opt}");
            // one timeout (3 periods) + reporting; orphans of a crashed leader need a second timeout
            let bound = if opt == "full-mesh" { 600.0 } else { 1000.0 };
            let tl = s.t_last.as_ref().unwrap().max;
            assert!(tl <= bound, "{opt}: {tl}");
            assert_eq!(s.extra["false_suspicions"].max, 0.0, "{opt}");
        }
    }
}
