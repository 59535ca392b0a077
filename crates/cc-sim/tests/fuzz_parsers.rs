//! Fuzzing cc-sim's spelling parsers (`--faults`, `--latency`, `--overlay`)
//! with proptest-driven generators (issue 20): every input returns `Ok` or an
//! error naming the parameter — never a panic. `CCLAB_FUZZ_CASES` sets the
//! number of generated inputs per target (default 2,000).

use cc_sim::{FaultSpec, Faults, LatencyDist, SimError, topology::Topology};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("CCLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Inputs that once slipped through (issue 20 item 6) or look dangerous.
const CORPUS: &[&str] = &[
    "const:-5",
    "const:nan",
    "exp:-1",
    "uniform:nan-inf",
    "const:inf",
    "regions:5",
    "loss=1e309",
    "window=0",
    "latency=",
    "=",
    ",,,",
    "tree:0",
    "regular:18446744073709551616",
    "er:-0.5",
    "hyparview:",
];

fn named_error(e: &SimError) -> bool {
    let t = e.to_string();
    ["faults", "latency", "overlay", "k"]
        .iter()
        .any(|p| t.contains(p))
}

fn all(s: &str) {
    if let Err(e) = LatencyDist::parse(s) {
        assert!(named_error(&e), "{s:?}: {e}");
    }
    if let Err(e) = FaultSpec::parse(s) {
        assert!(named_error(&e), "{s:?}: {e}");
    }
    let _ = Faults::parse(Some(s));
    if let Ok(t) = Topology::parse(s) {
        let _ = t.build(8, &mut cc_sim::rng::trial_rng(1, 0));
    }
}

#[test]
fn corpus_never_panics() {
    for s in CORPUS {
        all(s);
    }
}

fn tokens() -> impl Strategy<Value = String> {
    let tok = prop_oneof![
        Just("const:".to_string()),
        Just("uniform:".to_string()),
        Just("exp:".to_string()),
        Just("lognormal:".to_string()),
        Just("pareto:".to_string()),
        Just("regions".to_string()),
        Just("tree:".to_string()),
        Just("regular:".to_string()),
        Just("er:".to_string()),
        Just("loss=".to_string()),
        Just("crash=".to_string()),
        Just("window=".to_string()),
        Just("skew=".to_string()),
        Just("drift=".to_string()),
        Just(",".to_string()),
        Just("-".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        "-?[0-9]{0,12}(\\.[0-9]{0,6})?(e-?[0-9]{1,4})?",
    ];
    prop::collection::vec(tok, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_spellings(s in tokens()) {
        all(&s);
    }

    #[test]
    fn fuzz_arbitrary_strings(s in "\\PC{0,40}") {
        all(&s);
    }
}

#[test]
fn erdos_renyi_with_a_tiny_probability_builds() {
    // found by `fuzz_spellings`: the geometric skip overflowed i64
    let g = Topology::parse("er:1e-300")
        .unwrap()
        .build(100, &mut cc_sim::rng::trial_rng(3, 0));
    assert!(g.is_ok());
}
