//! The round-mode gossip protocols of [`crate::round`] in the protocol
//! registry: push, pull and push-pull spreading (random phone call), Demers
//! et al.'s rumor mongering and anti-entropy.

use crate::SimError;
use crate::registry::{
    Chosen, Engine, Family, Knob, MAX_ROUND_NODES, NodeRange, OptionGroup, Prepared, Scenario,
    SimProtocol,
};
use crate::round::{AeMode, RoundConfig, RoundProtocol, RumorConfig, Spread, run_rounds};
use crate::summary::TrialMetrics;

/// Nodes of a round-mode protocol.
const ROUND_NODES: NodeRange = NodeRange {
    default: 1000,
    min: 2,
    max: MAX_ROUND_NODES,
    what: "nodes",
};

/// A prepared round-mode run of `protocol` with `fanout` calls per round.
fn round_trial(protocol: RoundProtocol, fanout: u32) -> Prepared {
    Prepared::new(move |sc: &Scenario, mut rng| {
        let mut cfg = RoundConfig::new(sc.nodes);
        cfg.fanout = fanout;
        let mut net = sc.base_network();
        net.crash_fraction(sc.nodes, sc.crash, 0, cfg.origin, &mut rng)?;
        let m = run_rounds(&cfg, &protocol, &net, &mut rng)?;
        Ok(TrialMetrics::from_run(m, true))
    })
}

/// Refuse a fanout other than 1 for a protocol that calls one partner per cycle.
fn one_partner(sc: &Scenario, what: &str) -> Result<(), SimError> {
    if sc.params.fanout.is_some_and(|f| f != 1) {
        return Err(SimError::param(
            "fanout",
            format!("{what} one partner per cycle; valid: 1"),
        ));
    }
    Ok(())
}

/// `push`, `pull` and `push-pull` in the protocol registry.
pub struct GossipProtocol(Spread);

/// The registry entry of push gossip.
pub static PUSH: GossipProtocol = GossipProtocol(Spread::Push);
/// The registry entry of pull gossip.
pub static PULL: GossipProtocol = GossipProtocol(Spread::Pull);
/// The registry entry of push-pull gossip.
pub static PUSH_PULL: GossipProtocol = GossipProtocol(Spread::PushPull);

impl SimProtocol for GossipProtocol {
    fn name(&self) -> &'static str {
        match self.0 {
            Spread::Push => "push",
            Spread::Pull => "pull",
            Spread::PushPull => "push-pull",
        }
    }
    fn about(&self) -> &'static str {
        match self.0 {
            Spread::Push => {
                "push gossip of one rumor (random phone call) until every live node knows it"
            }
            Spread::Pull => {
                "pull gossip of one rumor (random phone call) until every live node knows it"
            }
            Spread::PushPull => {
                "push-pull gossip of one rumor (random phone call) until every live node knows it"
            }
        }
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn engine(&self) -> Engine {
        Engine::Round
    }
    fn nodes(&self) -> NodeRange {
        ROUND_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Fanout]
    }
    fn prepare(&self, sc: &Scenario, _options: &Chosen) -> Result<Prepared, SimError> {
        let fanout = sc.params.fanout.unwrap_or(1) as u32;
        Ok(round_trial(RoundProtocol::Gossip(self.0), fanout).param("fanout", fanout))
    }
}

/// `rumor` in the protocol registry.
pub struct RumorProtocol;

/// The registry entry of Demers rumor mongering.
pub static RUMOR: RumorProtocol = RumorProtocol;

impl SimProtocol for RumorProtocol {
    fn name(&self) -> &'static str {
        "rumor"
    }
    fn about(&self) -> &'static str {
        "Demers et al. rumor mongering until no site is infective (k: counter limit or 1/k coin)"
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn engine(&self) -> Engine {
        Engine::Round
    }
    fn nodes(&self) -> NodeRange {
        ROUND_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Fanout, Knob::K]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[
            OptionGroup {
                choices: &[
                    (
                        "feedback",
                        "lose interest after contacting an informed site",
                    ),
                    ("blind", "lose interest regardless of the partner's state"),
                ],
                default: Some("feedback"),
            },
            OptionGroup {
                choices: &[
                    ("counter", "lose interest after k unnecessary contacts"),
                    (
                        "coin",
                        "lose interest with probability 1/k per unnecessary contact",
                    ),
                ],
                default: Some("counter"),
            },
            OptionGroup {
                choices: &[
                    ("push", "infective sites push"),
                    ("pull", "every site pulls"),
                ],
                default: Some("push"),
            },
        ]
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        one_partner(sc, "rumor mongering calls")?;
        let rc = RumorConfig {
            feedback: options.has("feedback"),
            counter: options.has("counter"),
            pull: options.has("pull"),
            k: sc.params.k.unwrap_or(1),
        };
        Ok(round_trial(RoundProtocol::Rumor(rc), 1)
            .param("options", options.joined())
            .param("k", rc.k))
    }
}

/// `anti-entropy` in the protocol registry.
pub struct AntiEntropyProtocol;

/// The registry entry of anti-entropy.
pub static ANTI_ENTROPY: AntiEntropyProtocol = AntiEntropyProtocol;

impl SimProtocol for AntiEntropyProtocol {
    fn name(&self) -> &'static str {
        "anti-entropy"
    }
    fn about(&self) -> &'static str {
        "anti-entropy: a digest exchange with a random partner every cycle until every site is up to date"
    }
    fn family(&self) -> Family {
        Family::Dissemination
    }
    fn engine(&self) -> Engine {
        Engine::Round
    }
    fn nodes(&self) -> NodeRange {
        ROUND_NODES
    }
    fn knobs(&self) -> &'static [Knob] {
        &[Knob::Fanout]
    }
    fn options(&self) -> &'static [OptionGroup] {
        &[OptionGroup {
            choices: &[
                ("push", "the caller sends what the callee lacks"),
                ("pull", "the callee sends what the caller lacks"),
                ("push-pull", "both"),
            ],
            default: Some("push-pull"),
        }]
    }
    fn prepare(&self, sc: &Scenario, options: &Chosen) -> Result<Prepared, SimError> {
        one_partner(sc, "anti-entropy exchanges with")?;
        let mode = if options.has("push") {
            AeMode::Push
        } else if options.has("pull") {
            AeMode::Pull
        } else {
            AeMode::PushPull
        };
        Ok(round_trial(RoundProtocol::AntiEntropy(mode), 1)
            .param("options", format!("{mode:?}").to_lowercase()))
    }
}
