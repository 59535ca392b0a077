//! `cclab sim`: Monte Carlo simulation of a protocol, seeded and reproducible.

use std::fmt::Write as _;
use std::process::ExitCode;

use cc_sim::SimRequest;
use cc_sim::registry::{Engine, Family, REGISTRY, SimProtocol};
use clap::Args;

use crate::cmd::{args, progress};
use crate::error::{CliError, emit, print_json};

/// The protocol list of `--help`, from the registry.
fn protocols_help() -> String {
    let mut out =
        String::from("Protocols (`cclab sim --list` for nodes, parameters and options):\n");
    for family in [Family::Dissemination, Family::Coordination] {
        let names: Vec<&str> = REGISTRY
            .iter()
            .filter(|p| p.family() == family)
            .map(|p| p.name())
            .collect();
        let _ = writeln!(out, "  {family:?}: {}", names.join(", "));
    }
    out.push_str(
        "\nExamples:\n  cclab sim push --nodes 10000 --trials 20 --seed 7\n  \
         cclab sim raft --faults default\n  \
         cclab sim 2pc --nodes 6 --faults loss=0.1,crash=0.2 --trials 100\n  \
         cclab sim 2pc --latency regions --jitter 5 --bandwidth 100\n\n\
         Guide: docs/guide/simulate.md\n",
    );
    out
}

/// Arguments of `cclab sim`.
#[derive(Debug, Args)]
#[command(after_help = protocols_help())]
pub(crate) struct SimArgs {
    /// Protocol (see the list below, or --list).
    #[arg(required_unless_present = "list")]
    protocol: Option<String>,
    /// List every protocol: what a trial does, its nodes, parameters, options and fault mix.
    #[arg(long)]
    list: bool,
    /// Number of nodes (default: the protocol's, see --list).
    #[arg(long, allow_negative_numbers = true)]
    nodes: Option<i64>,
    /// Monte Carlo trials.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>, default_value_t = 20)]
    trials: u32,
    /// Scenario seed: trial i uses its own ChaCha stream derived from (seed, i).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u64>, default_value_t = 1)]
    seed: u64,
    /// Calls per round (gossip), tree arity (tree), group size (health-check).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    fanout: Option<usize>,
    /// Rumor-mongering parameter k (counter limit, or 1/k stop probability with --coin).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    k: Option<u32>,
    /// Message loss probability in [0, 1].
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    loss: f64,
    /// Fraction of nodes that crash, in [0, 1].
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    crash: f64,
    /// Message duplication probability in [0, 1] (event-driven protocols).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    duplication: f64,
    /// Overlay: complete, ring, grid, tree:K, regular:K, er:P, hyparview:K (flood, plumtree, eager-push).
    #[arg(long)]
    overlay: Option<String>,
    /// One-way link latency in ms: const:MS, uniform:LO-HI, exp:MEAN, lognormal:MEDIAN,SIGMA,
    /// pareto:SCALE,SHAPE, or `regions` (nodes placed round-robin in five cloud regions, one-way
    /// latency = RTT/2 of the region-to-region matrix). Applies with --faults too.
    #[arg(long)]
    latency: Option<String>,
    /// Extra uniform jitter per message in ms, 0..=3600000 (event-driven protocols).
    #[arg(long, allow_negative_numbers = true, value_name = "MS")]
    jitter: Option<f64>,
    /// Link bandwidth in Mbit/s (event-driven protocols): each message waits 8·bytes/bandwidth.
    #[arg(long, allow_negative_numbers = true, value_name = "MBPS")]
    bandwidth: Option<f64>,
    /// Broadcasts per trial (plumtree, eager-push).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    broadcasts: Option<u32>,
    /// Rumor mongering: stop on feedback (a call to an already-informed site).
    #[arg(long, conflicts_with = "blind")]
    feedback: bool,
    /// Rumor mongering: lose interest regardless of the partner's state.
    #[arg(long)]
    blind: bool,
    /// Rumor mongering: lose interest after k unnecessary contacts.
    #[arg(long, conflicts_with = "coin")]
    counter: bool,
    /// Rumor mongering: lose interest with probability 1/k per unnecessary contact.
    #[arg(long)]
    coin: bool,
    /// Rumor mongering / anti-entropy: pull instead of push.
    #[arg(long)]
    pull: bool,
    /// Commands (log entries) per replication message, for the replicated-log protocols.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    batch: Option<u32>,
    /// Fault mix of a coordination protocol: `none` (default), `default` (the protocol's
    /// documented mix, see --list), or an explicit spec
    /// `loss=P,dup=P,crash=F,recover=P,partition=P,window=MS,latency=MS,skew=MS,drift=PPM`
    /// (keys left out take the default mix's values). Sets loss, duplication and crashes, so
    /// --loss, --duplication and --crash do not apply with it; --latency, --jitter and
    /// --bandwidth do.
    #[arg(long)]
    faults: Option<String>,
    /// pbft: Byzantine backups, at most f = (n - 1) / 3 (behaviour: --option silent|equivocating).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    byzantine: Option<usize>,
    /// paxos: concurrent (duelling) proposers, 1..=16.
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    proposers: Option<usize>,
    /// quorum: read quorum R, 1..=N (default majority).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    read_quorum: Option<usize>,
    /// quorum: write quorum W, 1..=N (default majority).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    write_quorum: Option<usize>,
    /// quorum: delay between the write's commit and the read, in ms (default 0).
    #[arg(long, allow_negative_numbers = true)]
    read_after_ms: Option<f64>,
    /// commit-wait: clock uncertainty epsilon in ms, 0..=10000 (default 7).
    #[arg(long, allow_negative_numbers = true)]
    epsilon_ms: Option<f64>,
    /// isr: producer acks, 0, 1 or all (default all).
    #[arg(long)]
    acks: Option<String>,
    /// isr: min.insync.replicas, 1..=N (default min(2, N)).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<usize>)]
    min_insync: Option<usize>,
    /// multi-paxos: pipelining window, outstanding slots 1..=4096 (default 64).
    #[arg(long, allow_negative_numbers = true, value_parser = args::count::<u32>)]
    window: Option<u32>,
    /// spanner-commit: replicas per Paxos group, leader included, 1..=9 (default 3).
    #[arg(long)]
    replicas: Option<usize>,
    /// spanner-commit: Paxos groups each transaction writes, 1..=nodes (default 2).
    #[arg(long)]
    participants: Option<usize>,
    /// kafka-batch: the producer's linger.ms, 0..=60000 (default 5; --batch is batch.size in records).
    #[arg(long)]
    linger_ms: Option<f64>,
    /// etcd-watch: keys watched, 1..=100000 (default 10).
    #[arg(long)]
    keys: Option<usize>,
    /// Extra protocol options, e.g. --option full-mesh for health-check, --option colocated for
    /// 2pc/3pc/paxos, --option descending for lcr/hs, --option g for crdt-counter (repeatable).
    #[arg(long = "option", value_name = "OPTION")]
    options: Vec<String>,
    /// Print JSON with stable keys instead of the table (and no progress bar).
    #[arg(long)]
    json: bool,
}

impl SimArgs {
    fn request(&self, protocol: &dyn SimProtocol, nodes: Option<usize>) -> SimRequest {
        let mut options = self.options.clone();
        for (flag, name) in [
            (self.feedback, "feedback"),
            (self.blind, "blind"),
            (self.counter, "counter"),
            (self.coin, "coin"),
            (self.pull, "pull"),
        ] {
            if flag {
                options.push(name.to_string());
            }
        }
        SimRequest {
            protocol: protocol.name().to_string(),
            nodes: nodes.unwrap_or(protocol.nodes().default),
            trials: self.trials,
            seed: self.seed,
            fanout: self.fanout,
            k: self.k,
            loss: self.loss,
            crash: self.crash,
            overlay: self.overlay.clone(),
            options,
            latency: self.latency.clone(),
            duplication: self.duplication,
            broadcasts: self.broadcasts,
            faults: self.faults.clone(),
            batch: self.batch,
            byzantine: self.byzantine,
            proposers: self.proposers,
            read_quorum: self.read_quorum,
            write_quorum: self.write_quorum,
            read_after_ms: self.read_after_ms,
            epsilon_ms: self.epsilon_ms,
            acks: self.acks.clone(),
            min_insync: self.min_insync,
            window: self.window,
            replicas: self.replicas,
            participants: self.participants,
            linger_ms: self.linger_ms,
            keys: self.keys,
            jitter_ms: self.jitter,
            bandwidth_mbps: self.bandwidth,
        }
    }
}

/// `cclab sim --list`: every registry entry.
fn list(json: bool) -> Result<ExitCode, CliError> {
    if json {
        let v: Vec<serde_json::Value> = REGISTRY
            .iter()
            .map(|p| {
                let r = p.nodes();
                serde_json::json!({
                    "protocol": p.name(),
                    "family": format!("{:?}", p.family()).to_lowercase(),
                    "engine": format!("{:?}", p.engine()).to_lowercase(),
                    "about": p.about(),
                    "nodes": {"default": r.default, "min": r.min, "max": r.max, "what": r.what},
                    "parameters": p.knobs().iter().map(|k| k.name()).collect::<Vec<_>>(),
                    "options": p.options().iter().map(|g| serde_json::json!({
                        "choices": g.choices.iter().map(|c| serde_json::json!({"name": c.0, "help": c.1})).collect::<Vec<_>>(),
                        "default": g.default,
                    })).collect::<Vec<_>>(),
                    "default_faults": p.default_faults(),
                    "sweep": p.sweep().is_some(),
                })
            })
            .collect();
        print_json(&v)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for p in REGISTRY {
        let r = p.nodes();
        let _ = writeln!(
            out,
            "{} ({}, {} engine): {}",
            p.name(),
            format!("{:?}", p.family()).to_lowercase(),
            if p.engine() == Engine::Round {
                "round"
            } else {
                "event"
            },
            p.about()
        );
        let _ = writeln!(
            out,
            "  --nodes {}..={} (default {}): {}",
            r.min, r.max, r.default, r.what
        );
        if !p.knobs().is_empty() {
            let flags: Vec<String> = p
                .knobs()
                .iter()
                .map(|k| format!("--{}", k.name().replace('_', "-")))
                .collect();
            let _ = writeln!(out, "  parameters: {}", flags.join(", "));
        }
        for g in p.options() {
            let choices: Vec<String> = g
                .choices
                .iter()
                .map(|c| {
                    let def = if g.default == Some(c.0) {
                        " (default)"
                    } else {
                        ""
                    };
                    format!("{}{def}: {}", c.0, c.1)
                })
                .collect();
            let _ = writeln!(out, "  --option {}", choices.join(" | "));
        }
        if let Some(f) = p.default_faults() {
            let _ = writeln!(out, "  --faults default: {f}");
        }
    }
    emit(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run(args: SimArgs) -> Result<ExitCode, CliError> {
    let Some(name) = args.protocol.as_deref() else {
        return list(args.json);
    };
    let protocol = cc_sim::find(name).map_err(|e| args::sim_error::<SimArgs>(e, false))?;
    let nodes = args::nodes(args.nodes, protocol, protocol.nodes())?;
    let req = args.request(protocol, nodes);
    let bar = progress::bar(
        args.json,
        u64::from(req.trials),
        format!("{} n={}", req.protocol, req.nodes),
        "trials",
    );
    let progress = progress::reporter(&bar);
    let summary = cc_sim::run(&req, &progress).map_err(|e| args::sim_error::<SimArgs>(e, false));
    bar.finish_and_clear();
    let summary = summary?;
    if args.json {
        print_json(&summary)?;
    } else {
        emit(&summary.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
