//! Regression tests named after the issues they pin (issue 13 item 2, issue 20 items 2 and 8).

use cc_theory::analyze::{AnalysisOptions, Certificate, Measure, analyze, verify_report};
use cc_theory::matrix::CommMatrix;
use cc_theory::parse::{
    MAX_INPUT_BYTES, MatrixFormat, decode_utf8, detect_format, parse_cells, parse_json,
    parse_matrix, parse_matrix_bytes,
};
use cc_theory::protocol::{
    AnswerBit, deterministic_complexity, one_way, one_way_counts, one_way_protocol,
    verify_protocol_tree,
};
use cc_theory::{TheoryError, matrix_from_expr};
use proptest::prelude::*;

fn one_way_report(m: &CommMatrix) -> cc_theory::BoundsReport {
    let opts = AnalysisOptions {
        measures: Some(vec![
            Measure::Deterministic,
            Measure::OneWayAb,
            Measure::OneWayBa,
        ]),
        ..Default::default()
    };
    let rep = analyze(m, &opts).expect("analyze");
    verify_report(m, &rep).expect("certificates verify");
    rep
}

/// Issue 13 item 2: `000/111/000/111` depends on x alone, so Alice sends the answer
/// itself: one_way_ab = 1 = D (it was 2). Its columns are all `0101` (one class), so
/// one_way_ba = 0 + 1 = 1 as before: Alice announces the answer.
#[test]
fn issue13_item2_one_way_all_rows_constant() {
    let m = parse_matrix("000\n111\n000\n111\n").expect("matrix");
    let d = deterministic_complexity(&m, u64::MAX).expect("D");
    assert_eq!((d.lower, d.upper), (1, 1));
    assert_eq!(one_way(&m), (1, 1));
    let rep = one_way_report(&m);
    assert_eq!(rep.measures["one_way_ab"].upper, 1);
    assert_eq!(rep.measures["one_way_ba"].upper, 1);
    match &rep.measures["one_way_ab"].certificate {
        Certificate::OneWay {
            distinct,
            constant,
            weight,
            answer_bit,
            message_bits,
        } => {
            assert_eq!((*distinct, *constant, *weight), (2, 2, 2));
            assert_eq!(*answer_bit, AnswerBit::Counted);
            assert_eq!(*message_bits, 1);
        }
        other => panic!("unexpected certificate {other:?}"),
    }
    // the convention is in the JSON output
    let v = serde_json::to_value(&rep).expect("json");
    assert_eq!(
        v["measures"]["one_way_ab"]["certificate"]["answer_bit"],
        "counted"
    );
    for alice in [true, false] {
        let t = one_way_protocol(&m, alice).expect("tree");
        assert_eq!(verify_protocol_tree(&m, &t), Ok(1));
    }
    // a non-Boolean function of x alone: Alice names one of 3 values in 2 bits
    let m = parse_matrix("000\n111\n222\n").expect("matrix");
    assert_eq!(one_way(&m).0, 2);
}

/// Issue 13 item 2, transposed: every column constant (f depends on y alone), so
/// Bob sends the answer: one_way_ba = D.
#[test]
fn issue13_item2_one_way_all_columns_constant() {
    let m = parse_matrix("0101\n0101\n0101\n").expect("matrix");
    let d = deterministic_complexity(&m, u64::MAX).expect("D");
    assert_eq!(d.upper, 1);
    let (ab, ba) = one_way_counts(&m);
    assert_eq!((ba.bits, ba.constant, ba.distinct), (1, 2, 2));
    assert_eq!(ab.bits, 1, "one class of rows, then Bob answers");
    let rep = one_way_report(&m);
    assert_eq!(rep.measures["one_way_ba"].upper, 1);
    // four columns of a function of y alone with four values: 2 bits, not 2 + 2
    let m = parse_matrix("0123\n0123\n").expect("matrix");
    assert_eq!(one_way(&m).1, 2);
    // mixed rows: {000, 111, 010} need 2 bits (the old formula said ceil(log2 3) + 1 = 3)
    let m = parse_matrix("000\n111\n010\n").expect("matrix");
    assert_eq!(one_way(&m).0, 2);
    let t = one_way_protocol(&m, true).expect("tree");
    assert_eq!(verify_protocol_tree(&m, &t), Ok(2));
}

fn boolean_matrix(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    (1..=max, 1..=max)
        .prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(0u8..2, c), r))
}

/// Brute force, independent of the formula: the least depth of a correct protocol
/// tree in which the sender (the rows of `m`) speaks first and the receiver only
/// afterwards, by search over every split of every set of rows.
fn brute_one_way(m: &CommMatrix) -> u32 {
    let rows = m.to_rows();
    let n = rows.len();
    assert!(n <= 8);
    // the receiver alone finishes rows `s` in `d` bits iff the rows are identical
    // and the row has at most 2^d values
    let receiver = |s: u32, d: u32| -> bool {
        let idx: Vec<usize> = (0..n).filter(|&i| s >> i & 1 == 1).collect();
        let first = &rows[idx[0]];
        if idx.iter().any(|&i| rows[i] != *first) {
            return false;
        }
        let values: std::collections::BTreeSet<u8> = first.iter().copied().collect();
        values.len() <= 1 << d
    };
    fn solvable(s: u32, d: u32, receiver: &dyn Fn(u32, u32) -> bool) -> bool {
        if receiver(s, d) {
            return true;
        }
        if d == 0 {
            return false;
        }
        let low = s & s.wrapping_neg();
        // subsets `a` of `s` holding its lowest row, `a != s`
        let rest = s & !low;
        let mut sub = rest;
        loop {
            let a = sub | low;
            if a != s && solvable(a, d - 1, receiver) && solvable(s & !a, d - 1, receiver) {
                return true;
            }
            if sub == 0 {
                return false;
            }
            sub = (sub - 1) & rest;
        }
    }
    let all = (1u32 << n) - 1;
    (0..=16)
        .find(|&d| solvable(all, d, &receiver))
        .unwrap_or(u32::MAX)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Issue 13 item 2: one_way >= D always (both count the answer bit), the one-way value
    /// is the least depth of a sender-first tree (brute force), and the optimal one-way
    /// tree verifies with exactly that depth.
    #[test]
    fn issue13_item2_one_way_at_least_d(rows in boolean_matrix(6)) {
        let m = CommMatrix::from_rows(&rows).expect("matrix");
        let d = deterministic_complexity(&m, u64::MAX).expect("D");
        let (ab, ba) = one_way(&m);
        prop_assert!(d.upper <= ab && d.upper <= ba, "D = {}, one-way = ({ab}, {ba})", d.upper);
        prop_assert_eq!(ab, brute_one_way(&m));
        prop_assert_eq!(ba, brute_one_way(&m.transpose()));
        for (alice, v) in [(true, ab), (false, ba)] {
            let t = one_way_protocol(&m, alice).expect("tree");
            prop_assert_eq!(verify_protocol_tree(&m, &t), Ok(v));
        }
        let rep = one_way_report(&m);
        prop_assert!(rep.relations.iter().all(|r| r.holds));
    }
}

/// The one-way value is D's own value on functions of one player's input.
#[test]
fn issue13_item2_one_way_equals_d_on_one_sided_functions() {
    for bits in 1..=3u32 {
        for src in ["x % 2", "x > 2", "popcount(x) % 2", "x == 0"] {
            let m = matrix_from_expr(src, bits).expect("expr");
            let d = deterministic_complexity(&m, u64::MAX).expect("D");
            assert_eq!(one_way(&m).0, d.upper, "{src} at {bits}");
            assert_eq!(one_way(&m.transpose()).1, d.upper, "{src}^T at {bits}");
        }
    }
}

const OPERATORS: [&str; 18] = [
    "+", "-", "*", "/", "%", "&", "|", "^", "<", "<=", ">", ">=", "==", "!=", "<<", ">>", "&&",
    "||",
];

/// Issue 20 item 2: 100,000-term chains of every binary operator parse and evaluate
/// on a 2 MiB stack, giving a value or a clear error, never a stack overflow.
#[test]
fn issue20_item2_long_flat_expression_no_overflow() {
    let run = || {
        for op in OPERATORS {
            let src = vec!["x"; 100_000].join(&format!(" {op} "));
            match matrix_from_expr(&src, 1) {
                Ok(m) => assert_eq!(m.rows(), 2),
                Err(e) => {
                    let text = e.to_string();
                    assert!(matches!(e, TheoryError::Evaluation { .. }), "{op}: {text}");
                }
            }
        }
        // values are right on long chains
        let src = vec!["1"; 100_000].join(" + ");
        let e = cc_theory::expr::Expr::parse(&src).expect("parse");
        assert_eq!(e.eval(0, 0, 1), Ok(100_000));
        let src = format!("{} + x", vec!["y"; 100_000].join(" | "));
        let e = cc_theory::expr::Expr::parse(&src).expect("parse");
        assert_eq!(e.eval(2, 1, 2), Ok(3));
        // a mix of levels in one long expression
        let src = vec!["x * 2 + y < 7 && 1"; 20_000].join(" || ");
        let e = cc_theory::expr::Expr::parse(&src).expect("parse");
        assert_eq!(e.eval(1, 1, 2), Ok(1));
        // `&&` and `||` still short-circuit along a chain: the division is never evaluated
        let src = format!("0 && {}", vec!["1 / 0"; 1000].join(" && "));
        assert_eq!(
            cc_theory::expr::Expr::parse(&src)
                .expect("parse")
                .eval(0, 0, 1),
            Ok(0)
        );
        let src = format!("x || {}", vec!["1 / 0"; 1000].join(" || "));
        assert_eq!(
            cc_theory::expr::Expr::parse(&src)
                .expect("parse")
                .eval(3, 0, 2),
            Ok(1)
        );
        // deep nesting is a clear located error, as before
        for src in [
            format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("{}x", "-".repeat(100_000)),
            format!("{}x", "x ? x : ".repeat(100_000)),
        ] {
            let err = matrix_from_expr(&src, 1).expect_err("too deep");
            assert!(err.to_string().contains("nested too deeply"), "{err}");
        }
    };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow");
}

/// Issue 20 item 8: bytes that are not UTF-8 get a line and column.
#[test]
fn issue20_item8_non_utf8_has_line_and_column() {
    let err = parse_matrix_bytes(b"01\n10\n1\xC3(\n").expect_err("invalid");
    assert!(
        matches!(
            err,
            TheoryError::Parse {
                line: 3,
                column: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("0xC3"), "{err}");
    // columns count characters, as in every parse error
    let err = decode_utf8(b"# \xC3\xA9x\xFF").expect_err("invalid");
    assert!(
        matches!(
            err,
            TheoryError::Parse {
                line: 1,
                column: 5,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        parse_matrix_bytes(b"01\n10\n").expect("ok").to_rows(),
        vec![vec![0, 1], vec![1, 0]]
    );
}

/// Issue 20 item 8: a UTF-8 byte-order mark is skipped in every format, and a JSON
/// matrix with one is not taken for CSV.
#[test]
fn issue20_item8_bom_is_skipped() {
    for src in [
        "\u{feff}01\n10\n",
        "\u{feff}0,1\n1,0\n",
        "\u{feff}[[0,1],[1,0]]",
    ] {
        let m = parse_matrix(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(m.to_rows(), vec![vec![0, 1], vec![1, 0]]);
    }
    assert_eq!(detect_format("\u{feff}[[0,1],[1,0]]"), MatrixFormat::Json);
    let bytes = b"\xEF\xBB\xBF[[1, 0], [0, 1]]\n";
    assert_eq!(parse_matrix_bytes(bytes).expect("bom").get(0, 0), 1);
    assert_eq!(parse_cells("\u{feff}0 1\n").expect("cells"), vec![(0, 1)]);
    assert_eq!(
        parse_cells("\u{feff}[[0, 1]]").expect("cells"),
        vec![(0, 1)]
    );
    // errors after a BOM still count columns from the first visible character
    assert!(matches!(
        parse_matrix("\u{feff}0x\n"),
        Err(TheoryError::Parse {
            line: 1,
            column: 2,
            ..
        })
    ));
}

/// Issue 20 item 8: `#` comment lines before (and inside) a JSON matrix are accepted.
#[test]
fn issue20_item8_json_after_comment_line() {
    let m = parse_matrix("# EQ_1\n# as JSON\n[[1, 0],\n [0, 1]]  # done\n").expect("json");
    assert_eq!(m.to_rows(), vec![vec![1, 0], vec![0, 1]]);
    let m = parse_matrix("[ # rows follow\n [1, 0], # first\n [0, 1]\n]\n").expect("json");
    assert_eq!(m.rows(), 2);
    // positions after a comment line are still exact
    assert!(matches!(
        parse_json("# c\n[[0, 1],\n [1, x]]"),
        Err(TheoryError::Parse {
            line: 3,
            column: 6,
            ..
        })
    ));
    assert_eq!(
        parse_cells("# fooling set\n[[0, 1], [1, 0]]").expect("cells"),
        vec![(0, 1), (1, 0)]
    );
}

/// Issue 20 item 8: an out-of-range number is echoed as typed, not capped.
#[test]
fn issue20_item8_out_of_range_number_echoed_as_typed() {
    for typed in ["256", "99999999999999999999999", "18446744073709551616"] {
        let err = parse_json(&format!("[[0, {typed}]]")).expect_err("out of range");
        let text = err.to_string();
        assert!(
            text.contains(&format!("{typed} is out of range 0..=255")),
            "{text}"
        );
        assert!(
            matches!(
                err,
                TheoryError::Parse {
                    line: 1,
                    column: 6,
                    ..
                }
            ),
            "{err}"
        );
    }
    let err = parse_cells("[[0, 99999999999999999999]]").expect_err("too large");
    assert!(
        err.to_string()
            .contains("99999999999999999999 is out of range"),
        "{err}"
    );
    let err = parse_matrix("0,1\n0,99999999999999999999\n").expect_err("csv");
    assert!(err.to_string().contains("`99999999999999999999`"), "{err}");
}

/// Issue 20 item 8: input beyond the cap is refused with an error naming the cap.
#[test]
fn issue20_item8_input_size_cap() {
    let big = vec![b'0'; MAX_INPUT_BYTES + 1];
    let err = decode_utf8(&big).expect_err("too large");
    let text = err.to_string();
    assert!(text.contains("64 MiB"), "{text}");
    assert!(matches!(err, TheoryError::InvalidParameter { .. }), "{err}");
}

/// Issue 13 item 7: C^0(EQ_5) and C^0(EQ_6) were the intervals [7, 32] and [7, 64]; the
/// 0-cells of EQ_n form a crown, so the de Caen–Gregory–Pullman theorem closes them at
/// 7 and 8 with a Sperner-family cover that the cover checker verifies.
#[test]
fn issue13_item7_crown_cover_eq5_eq6() {
    use cc_theory::cover::{CoverKind, crown_cover, verify_cover};
    for (bits, k) in [(5u32, 7u64), (6, 8)] {
        let eq = cc_theory::named_matrix("eq", bits, None).expect("eq");
        let opts = AnalysisOptions {
            measures: Some(vec![Measure::Cover0]),
            ..Default::default()
        };
        let rep = analyze(&eq, &opts).expect("analyze");
        let c0 = &rep.measures["cover_0"];
        assert_eq!(
            (c0.lower, c0.upper, c0.exact),
            (k, k, true),
            "{}",
            c0.reason
        );
        match &c0.certificate {
            Certificate::DeCaenGregoryPullman {
                colour,
                side,
                rectangles,
                theorem,
                ..
            } => {
                assert_eq!((*colour, *side), (0, 1 << bits));
                assert_eq!(rectangles.len() as u64, k);
                assert!(verify_cover(&eq, rectangles, 0, CoverKind::Cover).is_ok());
                assert!(theorem.contains("de Caen"), "{theorem}");
            }
            other => panic!("unexpected certificate {other:?}"),
        }
        verify_report(&eq, &rep).expect("verifies");
        let v = serde_json::to_value(c0).expect("json");
        assert_eq!(v["certificate"]["kind"], "de_caen_gregory_pullman");
        // the checker rejects a certificate on a matrix that is not a crown
        let mut other = eq.to_rows();
        other[0][1] = 1;
        let m = CommMatrix::from_rows(&other).expect("matrix");
        assert!(verify_report(&m, &rep).is_err());
        // and a lower bound the theorem does not give
        let mut bad = rep.clone();
        if let Some(r) = bad.measures.get_mut("cover_0") {
            r.lower = k + 1;
        }
        assert!(verify_report(&eq, &bad).is_err());
        assert!(
            crown_cover(&eq, 1).is_none(),
            "the 1-cells of EQ are no crown"
        );
    }
}

/// Issue 13 item 7: the theorem's value and the Sperner cover agree with the exact SAT
/// search on small crowns (with duplicated rows and columns, in any order); the generic
/// path is unchanged where it is already exact.
#[test]
fn issue13_item7_crown_theorem_matches_sat_on_small_crowns() {
    use cc_theory::cover::{
        CoverKind, cover_number, crown_cover, crown_cover_number, crown_side, verify_cover,
    };
    assert_eq!(
        (1..=12).map(crown_cover_number).collect::<Vec<_>>(),
        vec![0, 2, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6]
    );
    assert_eq!(crown_cover_number(35), 7);
    assert_eq!(crown_cover_number(36), 8);
    assert_eq!(crown_cover_number(70), 8);
    assert_eq!(crown_cover_number(71), 9);
    for n in 2..=7usize {
        // a permutation, a duplicated row and a duplicated column
        let perm: Vec<usize> = (0..n).map(|i| (i + 2) % n).collect();
        let mut rows: Vec<Vec<u8>> = (0..n)
            .map(|i| {
                let mut r: Vec<u8> = (0..n).map(|j| u8::from(j != perm[i])).collect();
                r.push(r[0]);
                r
            })
            .collect();
        rows.push(rows[n - 1].clone());
        let m = CommMatrix::from_rows(&rows).expect("matrix");
        assert_eq!(crown_side(&m, 1).map(|x| x.0), Some(n));
        let c = crown_cover(&m, 1).expect("crown");
        assert!(verify_cover(&m, &c.rectangles, 1, CoverKind::Cover).is_ok());
        let sat = cover_number(&m, 1, CoverKind::Cover, u64::MAX).expect("sat");
        assert_eq!((sat.lower, sat.upper), (c.size, c.size), "n = {n}");
        // exact already: analyze keeps the generic certificate
        let rep = analyze(
            &m,
            &AnalysisOptions {
                measures: Some(vec![Measure::Cover1]),
                ..Default::default()
            },
        )
        .expect("analyze");
        assert!(matches!(
            rep.measures["cover_1"].certificate,
            Certificate::Rectangles { .. }
        ));
    }
    // not a crown: two other cells in a row
    let m = parse_matrix("001\n101\n110\n").expect("matrix");
    assert!(crown_side(&m, 1).is_none());
    // and not square
    let m = parse_matrix("011\n101\n").expect("matrix");
    assert!(crown_side(&m, 1).is_none());
}
