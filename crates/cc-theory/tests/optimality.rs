//! Issue 20: every optimality certificate cclab emits verifies, and a tampered one is rejected.
//!
//! Random small Boolean matrices go through `analyze` and `add_optimality_certificates`; each
//! certificate is checked by its checker (the LRAT proofs by cc-theory's own LRAT checker, which
//! shares no code with the solver), then changed in one place and checked again.

use cc_theory::CommMatrix;
use cc_theory::analyze::{
    AnalysisOptions, Budget, add_optimality_certificates, analyze, verify_optimality, verify_report,
};
use cc_theory::cover::{CoverKind, cover_number};
use cc_theory::cover_sat::verify_cover_lower_bound;
use cc_theory::lrat::{check_lrat, parse_dimacs};
use cc_theory::named_matrix;
use cc_theory::optimality::{
    FactorField, Optimality, rank_factorisation, verify_rank_factorisation,
};
use proptest::prelude::*;

fn boolean_matrix(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    (1..=max, 1..=max)
        .prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(0u8..2, c), r))
}

/// Drops the last hint of the last addition that has hints: the proof must then fail.
fn tamper_lrat(lrat: &str) -> Option<String> {
    let mut lines: Vec<String> = lrat.lines().map(str::to_string).collect();
    let k = lines.iter().rposition(|l| {
        let t: Vec<&str> = l.split_whitespace().collect();
        t.get(1) != Some(&"d") && t.iter().filter(|&&x| x == "0").count() == 2 && t.len() > 3
    })?;
    let mut t: Vec<&str> = lines[k].split_whitespace().collect();
    let last_hint = t.len() - 2;
    if t[last_hint] == "0" {
        return None;
    }
    t.remove(last_hint);
    lines[k] = t.join(" ");
    Some(lines.join("\n") + "\n")
}

/// Adds the literal `v` to the first clause of the CNF text (the header's count is unchanged).
fn tamper_cnf(cnf: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in cnf.lines() {
        if !done && !line.starts_with('c') && !line.starts_with('p') {
            out.push_str(&format!("1 {line}\n"));
            done = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every emitted optimality certificate verifies and proves its side of the interval.
    #[test]
    fn issue20_every_optimality_certificate_verifies(rows in boolean_matrix(6)) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let mut report = analyze(&m, &AnalysisOptions::default()).unwrap();
        add_optimality_certificates(&m, &mut report).unwrap();
        prop_assert_eq!(verify_report(&m, &report), Ok(()));
        for (name, o) in &report.optimality {
            let r = &report.measures[name];
            prop_assert_eq!(verify_optimality(&m, name, r, o), Ok(()), "{}", name);
            if name.starts_with("rank") {
                prop_assert!(matches!(o, Optimality::RankFactorisation(_)), "{name}: {o:?}");
            }
        }
    }

    /// A cover lower bound's LRAT proof with a hint removed, or its CNF with a clause changed, or
    /// the same proof against a matrix with one cell flipped, is rejected (or, for the flipped
    /// matrix, proves only what holds there).
    #[test]
    fn issue20_tampered_cover_proofs_are_rejected(rows in boolean_matrix(5), colour in 0u8..2) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        for kind in [CoverKind::Cover, CoverKind::Partition] {
            let c = cover_number(&m, colour, kind, u64::MAX).unwrap();
            let Some(u) = c.unsat else { continue };
            let lb = verify_cover_lower_bound(&m, &u.cnf, &u.lrat).unwrap();
            prop_assert_eq!(lb.lower, c.lower);
            let cnf = parse_dimacs(&u.cnf).unwrap();
            prop_assert_eq!(check_lrat(&cnf, &u.lrat), Ok(()));
            if let Some(bad) = tamper_lrat(&u.lrat) {
                // a proof line with fewer hints may still be valid when the hint was redundant,
                // so only require the independent checker and cclab's verifier to agree
                let independent = check_lrat(&cnf, &bad).is_ok();
                prop_assert_eq!(verify_cover_lower_bound(&m, &u.cnf, &bad).is_ok(), independent);
            }
            prop_assert!(verify_cover_lower_bound(&m, &tamper_cnf(&u.cnf), &u.lrat).is_err());
            let mut flipped = rows.clone();
            flipped[0][0] ^= 1;
            let f = CommMatrix::from_rows(&flipped).unwrap();
            if let Ok(b) = verify_cover_lower_bound(&f, &u.cnf, &u.lrat) {
                let truth = cover_number(&f, b.colour, b.kind, u64::MAX).unwrap();
                prop_assert!(truth.lower >= b.lower, "{:?} proves more than holds", b);
            }
        }
    }

    /// A rank factorisation with one coefficient changed, or one basis row dropped, is rejected.
    #[test]
    fn issue20_tampered_rank_factorisations_are_rejected(rows in boolean_matrix(6), gf2 in any::<bool>()) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let field = if gf2 { FactorField::Gf2 } else { FactorField::Q };
        let f = rank_factorisation(&m, field).unwrap();
        let r = verify_rank_factorisation(&m, &f).unwrap();
        let exact = if gf2 { cc_theory::rank::rank_gf2_of(&m).lower } else {
            cc_theory::rank::rank_q(&m, &Default::default()).lower
        };
        prop_assert_eq!(r, exact);
        if let Some((i, c)) = f.rows.first() {
            // changing the coefficients of a row that is not all zero breaks it; a zero row is
            // written by every coefficient vector whose basis rows it kills, so flip toward 1 and 2
            let mut bad = f.clone();
            let new: Vec<String> = c.iter().map(|x| if x == "0" { "1".into() } else { "0".into() }).collect();
            bad.rows[0] = (*i, new.clone());
            let combo_is_row = {
                let basis: Vec<&Vec<u8>> = f.basis.iter().map(|&b| &rows[b]).collect();
                (0..rows[0].len()).all(|j| {
                    let s: i64 = new.iter().zip(&basis).map(|(x, b)| x.parse::<i64>().unwrap() * i64::from(b[j])).sum();
                    if gf2 { s.rem_euclid(2) == i64::from(rows[*i][j]) } else { s == i64::from(rows[*i][j]) }
                })
            };
            prop_assert_eq!(verify_rank_factorisation(&m, &bad).is_ok(), combo_is_row);
        }
        if !f.basis.is_empty() {
            let mut short = f.clone();
            short.basis.pop();
            prop_assert!(verify_rank_factorisation(&m, &short).is_err());
        }
    }
}

/// Issue 13 item 7: C^1(IP_4) = C^0(IP_4) = 15 at the default budget; the lower bounds come with
/// certificates: the area bound for C^1 and a CNF refuted by an LRAT proof for C^0, which the
/// independent LRAT checker accepts.
#[test]
fn issue13_ip4_covers_exact_by_default_with_certificates() {
    let ip = named_matrix("ip", 4, None).unwrap();
    let report = analyze(
        &ip,
        &AnalysisOptions {
            measures: Some(vec![
                cc_theory::analyze::Measure::Cover0,
                cc_theory::analyze::Measure::Cover1,
            ]),
            budget: Budget::default(),
        },
    )
    .unwrap();
    for name in ["cover_0", "cover_1"] {
        let r = &report.measures[name];
        assert_eq!((r.lower, r.upper), (15, 15), "{name}: {}", r.reason);
    }
    assert!(matches!(report.optimality["cover_1"], Optimality::AreaBound(a) if a.max_area == 8));
    let Optimality::UnsatProof(u) = &report.optimality["cover_0"] else {
        panic!(
            "cover_0 needs its LRAT proof: {:?}",
            report.optimality.get("cover_0")
        );
    };
    assert_eq!(u.k, 14);
    let cnf = parse_dimacs(&u.cnf).unwrap();
    assert_eq!(check_lrat(&cnf, &u.lrat), Ok(()));
    assert_eq!(verify_report(&ip, &report), Ok(()));
}

/// A CNF whose header asks for an absurd k, or a matrix too large for cclab's encodings, is
/// refused before anything is built from it.
#[test]
fn issue20_cover_proof_headers_out_of_range_are_refused() {
    let eq = named_matrix("eq", 2, None).unwrap();
    let cnf = "c cclab colour 0\nc cclab kind cover\nc cclab k 999999999999\nc cclab encoding cells\nc cclab pins\np cnf 1 1\n1 0\n";
    let e = verify_cover_lower_bound(&eq, cnf, "2 0 1 0\n").unwrap_err();
    assert!(e.to_string().contains("exceeds"), "{e}");
    let big = CommMatrix::from_rows(
        &(0..80)
            .map(|i| (0..80).map(|j| u8::from(i == j)).collect())
            .collect::<Vec<Vec<u8>>>(),
    )
    .unwrap();
    let cnf = cnf.replace("999999999999", "2");
    let e = verify_cover_lower_bound(&big, &cnf, "2 0 1 0\n").unwrap_err();
    assert!(e.to_string().contains("at most 64"), "{e}");
}
