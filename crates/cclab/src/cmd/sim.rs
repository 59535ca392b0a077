//! `cclab sim`: Monte Carlo simulation of a protocol, seeded and reproducible.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use cc_sim::SimRequest;
use clap::Args;

use crate::error::{CliError, emit, input, print_json};

/// Arguments of `cclab sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Protocol. Dissemination: push, pull, push-pull, flood, tree, plumtree, eager-push, rumor,
    /// anti-entropy, health-check. Coordination: 2pc, 3pc, paxos, multi-paxos, raft, isr, quorum,
    /// pbft, commit-wait, lcr, hs, crdt-counter.
    protocol: String,
    /// Number of nodes (at least 2).
    #[arg(long, default_value_t = 1000)]
    nodes: usize,
    /// Monte Carlo trials.
    #[arg(long, default_value_t = 20)]
    trials: u32,
    /// Scenario seed: trial i uses its own ChaCha stream derived from (seed, i).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Calls per round (gossip), tree arity (tree), group size (health-check).
    #[arg(long)]
    fanout: Option<usize>,
    /// Rumor-mongering parameter k (counter limit, or 1/k stop probability with --coin).
    #[arg(long)]
    k: Option<u32>,
    /// Message loss probability in [0, 1].
    #[arg(long, default_value_t = 0.0)]
    loss: f64,
    /// Fraction of nodes that crash, in [0, 1].
    #[arg(long, default_value_t = 0.0)]
    crash: f64,
    /// Message duplication probability in [0, 1] (event-driven protocols).
    #[arg(long, default_value_t = 0.0)]
    duplication: f64,
    /// Overlay: complete, ring, grid, tree:K, regular:K, er:P, hyparview:K (flood, plumtree, eager-push).
    #[arg(long)]
    overlay: Option<String>,
    /// One-way link latency in ms: const:MS, uniform:LO-HI, exp:MEAN, lognormal:MEDIAN,SIGMA,
    /// pareto:SCALE,SHAPE, or `regions` (nodes placed round-robin in five cloud regions, one-way
    /// latency = RTT/2 of the region-to-region matrix).
    #[arg(long)]
    latency: Option<String>,
    /// Broadcasts per trial (plumtree, eager-push).
    #[arg(long)]
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
    #[arg(long)]
    batch: Option<u32>,
    /// Fault mix of every coordination protocol (2pc, 3pc, paxos, multi-paxos, raft, isr, quorum,
    /// pbft, commit-wait, lcr, hs, crdt-counter): `none`
    /// (default), `default` (the protocol's documented mix), or an explicit spec
    /// `loss=P,dup=P,crash=F,recover=P,partition=P,window=MS,latency=MS,skew=MS,drift=PPM`
    /// (keys left out take the default mix's values).
    #[arg(long)]
    faults: Option<String>,
    /// pbft: Byzantine backups, at most f = (n - 1) / 3 (behaviour: --option silent|equivocating).
    #[arg(long)]
    byzantine: Option<usize>,
    /// paxos: concurrent (duelling) proposers, 1..=16.
    #[arg(long)]
    proposers: Option<usize>,
    /// quorum: read quorum R, 1..=N (default majority).
    #[arg(long)]
    read_quorum: Option<usize>,
    /// quorum: write quorum W, 1..=N (default majority).
    #[arg(long)]
    write_quorum: Option<usize>,
    /// quorum: delay between the write's commit and the read, in ms.
    #[arg(long, default_value_t = 0.0)]
    read_after_ms: f64,
    /// commit-wait: clock uncertainty epsilon in ms, 0..=10000 (default 7).
    #[arg(long)]
    epsilon_ms: Option<f64>,
    /// isr: producer acks, 0, 1 or all (default all).
    #[arg(long)]
    acks: Option<String>,
    /// isr: min.insync.replicas, 1..=N (default min(2, N)).
    #[arg(long)]
    min_insync: Option<usize>,
    /// multi-paxos: pipelining window, outstanding slots 1..=4096 (default 64).
    #[arg(long)]
    window: Option<u32>,
    /// Extra protocol options, e.g. --option full-mesh for health-check, --option colocated for
    /// 2pc/3pc/paxos, --option descending for lcr/hs, --option g for crdt-counter (repeatable).
    #[arg(long = "option", value_name = "OPTION")]
    options: Vec<String>,
    /// Print JSON with stable keys instead of the table (and no progress bar).
    #[arg(long)]
    json: bool,
}

impl SimArgs {
    fn request(&self) -> SimRequest {
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
            protocol: self.protocol.clone(),
            nodes: self.nodes,
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
        }
    }
}

pub(crate) fn run(args: SimArgs) -> Result<ExitCode, CliError> {
    let req = args.request();
    let show_bar = !args.json && std::io::stderr().is_terminal();
    let bar = if show_bar {
        indicatif::ProgressBar::new(u64::from(req.trials))
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} trials ({eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{} n={}", req.protocol, req.nodes));
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let summary = cc_sim::run(&req, &progress).map_err(input);
    bar.finish_and_clear();
    let summary = summary?;
    if args.json {
        print_json(&summary)?;
    } else {
        emit(&summary.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}
