//! Fuzzing every cc-theory parser with proptest-driven generators (issue 20):
//! arbitrary bytes, and strings built from each format's own tokens, must come
//! back as `Ok` or a located `Err` — never a panic, an abort or a hang. The
//! committed corpus (`CORPUS`) holds the inputs that once broke a parser.
//!
//! `cargo test -p cc-theory --test fuzz_parsers` runs `CCLAB_FUZZ_CASES`
//! generated inputs per target (default 2,000, a few seconds); a longer run:
//! `CCLAB_FUZZ_CASES=1000000 cargo test --release -p cc-theory --test fuzz_parsers`.

use cc_theory::{
    matrix_from_expr, parse_cells, parse_matrix, parse_protocol_tree, parse_rectangles,
};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("CCLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Inputs that broke a parser once (issue 20): BOMs, comments before JSON,
/// huge numbers, deep and long expressions, stray bytes.
const CORPUS: &[&str] = &[
    "\u{feff}01\n10\n",
    "\u{feff}{\"matrix\": [[0, 1], [1, 0]]}",
    "# comment\n{\"matrix\": [[1]]}",
    "0,1\n99999999999999999999999,0\n",
    "[[0,1],[1",
    "{\"matrix\": []}",
    "",
    "\n\n#\n",
    "1 2 3\n4 5\n",
    "rows 0 1 ; cols",
    "A 0 -> 1",
    "x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x",
    "((((((((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))))))))",
    "-----------------------------------------------------x",
    "x % 0",
    "popcount(x & y) % 2 == ",
];

/// Every parser on one input: it must return, whatever it returns.
fn all_parsers(s: &str) {
    let _ = parse_matrix(s);
    let _ = parse_cells(s);
    let _ = parse_rectangles(s);
    let _ = parse_protocol_tree(s);
    let _ = cc_theory::decode_utf8(s.as_bytes());
    if s.len() < 4096 {
        let _ = matrix_from_expr(s, 3);
    }
}

#[test]
fn corpus_never_panics() {
    for s in CORPUS {
        all_parsers(s);
    }
    // the long flat chain and the deep nesting that overflowed the stack
    let long = vec!["x"; 100_000].join("+");
    let _ = matrix_from_expr(&long, 2);
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let _ = matrix_from_expr(&deep, 2);
}

/// A token soup from the formats' own alphabets.
fn tokens() -> impl Strategy<Value = String> {
    let tok = prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just(",".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("#".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"matrix\":".to_string()),
        Just(";".to_string()),
        Just("rows".to_string()),
        Just("cols".to_string()),
        Just("->".to_string()),
        Just("\u{feff}".to_string()),
        "[0-9]{1,25}",
        "[a-z()+*&|^%<>=!~-]{1,4}",
    ];
    prop::collection::vec(tok, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_parsers_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = cc_theory::parse::parse_matrix_bytes(&bytes);
        if let Ok(s) = std::str::from_utf8(&bytes) {
            all_parsers(s);
        }
    }

    #[test]
    fn fuzz_parsers_on_format_tokens(s in tokens()) {
        all_parsers(&s);
    }

    #[test]
    fn fuzz_expressions(s in "[xy0-9 ()+*&|^%<>=!~/-]{0,80}") {
        let _ = matrix_from_expr(&s, 3);
    }
}
