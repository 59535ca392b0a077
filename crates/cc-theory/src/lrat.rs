//! DIMACS CNF formulas and an independent LRAT proof checker.
//!
//! The cover and partition searches ([`crate::cover`]) prove a lower bound
//! `C^b >= k` by showing that the CNF "there is a cover with `k - 1`
//! rectangles" is unsatisfiable. The solver (varisat) writes the proof in
//! **LRAT** (Cruz-Filipe, Heule, Hunt, Kaufmann, Schneider-Kamp 2017): every
//! added clause carries the ids of the clauses whose unit propagation
//! refutes its negation, so checking is one pass of hinted unit propagation
//! per line, without search. This module re-checks such proofs with code
//! that shares nothing with the solver or its own checker.
//!
//! ## Why a checker of our own
//! The DRAT checkers (`drat-trim`, `rate`) are binaries, not libraries, and
//! `varisat-checker` is the solver's own. LRAT was designed so that a small
//! checker suffices (the verified checkers `cake_lpr` and ACL2's are built
//! the same way); this one is about a hundred lines, accepts only RUP steps
//! with hints (varisat writes no RAT step), and is tested on hand-made
//! proofs, tampered proofs and every proof the cover search emits.
//!
//! ## Formats
//! * CNF (DIMACS): `c` comment lines, a header `p cnf <vars> <clauses>`,
//!   then clauses as non-zero integers (`v` or `-v`, `1 <= v <= vars`)
//!   ended by `0`; clause `i` (1-based, in file order) has id `i`.
//! * LRAT (text): an addition `id l_1 ... l_p 0 h_1 ... h_q 0` adds the
//!   clause `(l_1 | ... | l_p)` under the new id `id` (greater than every id
//!   before it): assuming every `l` false, each hint clause `h` in turn must
//!   become unit (its one unassigned literal is then set true) or falsified,
//!   and the last must be falsified. A deletion `id d i_1 ... i_q 0` removes
//!   clauses. The proof is complete when the empty clause is added.
//!
//! ```
//! use cc_theory::lrat::{check_lrat, parse_dimacs};
//! // (a | b), (a | -b), (-a | b), (-a | -b)
//! let cnf = parse_dimacs("p cnf 2 4\n1 2 0\n1 -2 0\n-1 2 0\n-1 -2 0\n")?;
//! // (a) by RUP from clauses 1 and 2, then the empty clause from 5, 3 and 4
//! let proof = "5 1 0 1 2 0\n6 0 5 3 4 0\n";
//! assert!(check_lrat(&cnf, proof).is_ok());
//! assert!(check_lrat(&cnf, "5 1 0 1 0\n6 0 5 3 4 0\n").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use crate::error::{Result, TheoryError};

/// A CNF formula: clauses of literals `+v` / `-v` (`v >= 1`), plus the
/// comment lines of its file (without the leading `c `), which carry what
/// the formula encodes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cnf {
    /// Number of variables.
    pub vars: u32,
    /// The clauses, in order (clause `i` has id `i + 1`).
    pub clauses: Vec<Vec<i32>>,
    /// Comment lines (text after `c `), in order.
    pub comments: Vec<String>,
}

impl Cnf {
    /// The formula in DIMACS text: the comments, the header, one clause per line.
    pub fn to_dimacs(&self) -> String {
        let mut s = String::new();
        for c in &self.comments {
            s.push_str("c ");
            s.push_str(c);
            s.push('\n');
        }
        s.push_str(&format!("p cnf {} {}\n", self.vars, self.clauses.len()));
        for cl in &self.clauses {
            for l in cl {
                s.push_str(&l.to_string());
                s.push(' ');
            }
            s.push_str("0\n");
        }
        s
    }
}

fn perr(line: usize, column: usize, message: impl Into<String>) -> TheoryError {
    TheoryError::Parse {
        line,
        column,
        message: message.into(),
    }
}

/// The whitespace-separated tokens of a line with their 1-based columns.
fn tokens(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = line.as_ptr() as usize;
    line.split_whitespace()
        .map(move |t| (t.as_ptr() as usize - base + 1, t))
}

/// Parses a DIMACS CNF file (see the module docs); every error names its
/// line and column.
pub fn parse_dimacs(input: &str) -> Result<Cnf> {
    let input = crate::parse::strip_bom(input);
    let mut cnf = Cnf::default();
    let mut declared: Option<(u32, usize)> = None;
    let mut current: Vec<i32> = Vec::new();
    let mut last = (1, 1);
    for (li, line) in input.lines().enumerate() {
        let ln = li + 1;
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_prefix('c')
            && (rest.is_empty() || rest.starts_with(char::is_whitespace))
        {
            cnf.comments
                .push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            continue;
        }
        if t.starts_with('p') {
            let toks: Vec<(usize, &str)> = tokens(line).collect();
            let ok = toks.len() == 4 && toks[0].1 == "p" && toks[1].1 == "cnf";
            let vars = toks.get(2).and_then(|t| t.1.parse::<u32>().ok());
            let count = toks.get(3).and_then(|t| t.1.parse::<usize>().ok());
            match (ok, vars, count, declared) {
                (true, Some(v), Some(c), None) if v < i32::MAX as u32 => declared = Some((v, c)),
                (_, _, _, Some(_)) => return Err(perr(ln, 1, "a second `p cnf` header")),
                _ => return Err(perr(ln, 1, "the header is `p cnf <variables> <clauses>`")),
            }
            cnf.vars = vars.unwrap_or(0);
            continue;
        }
        let Some((vars, _)) = declared else {
            return Err(perr(ln, 1, "clauses before the `p cnf` header"));
        };
        for (col, tok) in tokens(line) {
            last = (ln, col);
            let lit: i32 = tok
                .parse()
                .map_err(|_| perr(ln, col, format!("`{tok}` is not a literal")))?;
            if lit == 0 {
                cnf.clauses.push(std::mem::take(&mut current));
            } else if lit.unsigned_abs() > vars {
                return Err(perr(
                    ln,
                    col,
                    format!("literal {lit} names a variable above the declared {vars}"),
                ));
            } else {
                current.push(lit);
            }
        }
    }
    let Some((_, count)) = declared else {
        return Err(perr(1, 1, "no `p cnf` header"));
    };
    if !current.is_empty() {
        return Err(perr(last.0, last.1, "the last clause is not ended by 0"));
    }
    if cnf.clauses.len() != count {
        return Err(perr(
            last.0,
            last.1,
            format!(
                "the header declares {count} clauses, the file has {}",
                cnf.clauses.len()
            ),
        ));
    }
    Ok(cnf)
}

/// Why an LRAT proof does not refute a formula.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LratViolation {
    /// The proof text is malformed.
    #[error("LRAT proof: {0}")]
    Parse(#[from] TheoryError),
    /// A step's hints do not refute the negation of its clause.
    #[error("LRAT proof line {line}: clause {id} is not implied by its hints ({why})")]
    NotImplied {
        /// Line of the step.
        line: usize,
        /// Id of the added clause.
        id: u64,
        /// What went wrong during hinted unit propagation.
        why: String,
    },
    /// The proof ends without deriving the empty clause.
    #[error("LRAT proof ends without the empty clause: it proves nothing")]
    NoEmptyClause,
}

/// One parsed LRAT line.
enum Step {
    Add {
        id: u64,
        lits: Vec<i32>,
        hints: Vec<(usize, i64)>,
    },
    Delete(Vec<u64>),
}

fn parse_step(line: &str, ln: usize) -> Result<Option<Step>> {
    let toks: Vec<(usize, &str)> = tokens(line).collect();
    let Some(&(col, first)) = toks.first() else {
        return Ok(None);
    };
    if first == "c" {
        return Ok(None);
    }
    let id: u64 = first
        .parse()
        .map_err(|_| perr(ln, col, format!("`{first}` is not a clause id")))?;
    let num = |(c, t): (usize, &str)| -> Result<(usize, i64)> {
        t.parse::<i64>()
            .map(|v| (c, v))
            .map_err(|_| perr(ln, c, format!("`{t}` is not an integer")))
    };
    let end_col = toks.last().map_or(1, |t| t.0);
    if toks.get(1).map(|t| t.1) == Some("d") {
        let vals = toks[2..]
            .iter()
            .map(|&t| num(t))
            .collect::<Result<Vec<_>>>()?;
        if vals.last().map(|v| v.1) != Some(0) {
            return Err(perr(ln, end_col, "a deletion ends with 0"));
        }
        let ids = vals[..vals.len() - 1]
            .iter()
            .map(|&(c, v)| u64::try_from(v).map_err(|_| perr(ln, c, "negative clause id")))
            .collect::<Result<Vec<u64>>>()?;
        return Ok(Some(Step::Delete(ids)));
    }
    let vals = toks[1..]
        .iter()
        .map(|&t| num(t))
        .collect::<Result<Vec<_>>>()?;
    let Some(sep) = vals.iter().position(|v| v.1 == 0) else {
        return Err(perr(ln, end_col, "the clause is not ended by 0"));
    };
    let lits = vals[..sep]
        .iter()
        .map(|&(c, v)| i32::try_from(v).map_err(|_| perr(ln, c, "literal out of range")))
        .collect::<Result<Vec<i32>>>()?;
    let hints = vals[sep + 1..].to_vec();
    if hints.last().map(|v| v.1) != Some(0) {
        return Err(perr(ln, end_col, "the hints are not ended by 0"));
    }
    let hints = hints[..hints.len() - 1].to_vec();
    if let Some(&(c, _)) = hints.iter().find(|h| h.1 == 0) {
        return Err(perr(ln, c, "a step has exactly two 0s"));
    }
    Ok(Some(Step::Add { id, lits, hints }))
}

/// Hinted unit propagation: with every literal of `lits` false, each hint
/// must be unit or falsified, and a falsified one ends the check.
fn rup(
    db: &HashMap<u64, Vec<i32>>,
    lits: &[i32],
    hints: &[(usize, i64)],
    assign: &mut HashMap<u32, bool>,
) -> std::result::Result<(), String> {
    assign.clear();
    let value =
        |assign: &HashMap<u32, bool>, l: i32| assign.get(&l.unsigned_abs()).map(|&v| v == (l > 0));
    for &l in lits {
        if value(assign, l) == Some(true) {
            return Ok(()); // a tautology is implied by anything
        }
        assign.insert(l.unsigned_abs(), l < 0);
    }
    for &(_, h) in hints {
        if h < 0 {
            return Err(format!(
                "hint {h} is a RAT hint; only RUP steps are accepted"
            ));
        }
        let clause = db
            .get(&(h as u64))
            .ok_or_else(|| format!("hint {h} names no live clause"))?;
        let mut unit = None;
        for &l in clause {
            match value(assign, l) {
                Some(true) => return Err(format!("hint {h} is already satisfied")),
                Some(false) => {}
                None if unit.is_none() || unit == Some(l) => unit = Some(l),
                None => return Err(format!("hint {h} has two unassigned literals")),
            }
        }
        match unit {
            None => return Ok(()),
            Some(l) => {
                assign.insert(l.unsigned_abs(), l > 0);
            }
        }
    }
    Err("the hints end without a falsified clause".into())
}

/// Checks that the LRAT `proof` (text, see the module docs) derives the
/// empty clause from `cnf`, so that `cnf` is unsatisfiable.
pub fn check_lrat(cnf: &Cnf, proof: &str) -> std::result::Result<(), LratViolation> {
    let mut db: HashMap<u64, Vec<i32>> = HashMap::new();
    for (i, c) in cnf.clauses.iter().enumerate() {
        if c.is_empty() {
            return Ok(());
        }
        db.insert(i as u64 + 1, c.clone());
    }
    let mut last_id = cnf.clauses.len() as u64;
    let mut assign = HashMap::new();
    for (li, line) in crate::parse::strip_bom(proof).lines().enumerate() {
        let ln = li + 1;
        match parse_step(line, ln)? {
            None => {}
            Some(Step::Delete(ids)) => {
                for id in ids {
                    db.remove(&id);
                }
            }
            Some(Step::Add { id, lits, hints }) => {
                if id <= last_id {
                    return Err(
                        perr(ln, 1, format!("clause id {id} is not above {last_id}")).into(),
                    );
                }
                if let Some(&l) = lits.iter().find(|l| l.unsigned_abs() > cnf.vars) {
                    return Err(
                        perr(ln, 1, format!("literal {l} names an undeclared variable")).into(),
                    );
                }
                rup(&db, &lits, &hints, &mut assign).map_err(|why| LratViolation::NotImplied {
                    line: ln,
                    id,
                    why,
                })?;
                if lits.is_empty() {
                    return Ok(());
                }
                last_id = id;
                db.insert(id, lits);
            }
        }
    }
    Err(LratViolation::NoEmptyClause)
}

#[cfg(test)]
mod tests {
    use super::*;

    const XOR: &str = "c all four clauses on a, b\np cnf 2 4\n1 2 0\n1 -2 0\n-1 2 0\n-1 -2 0\n";

    #[test]
    fn parses_and_prints_dimacs() {
        let cnf = parse_dimacs(XOR).unwrap();
        assert_eq!(cnf.vars, 2);
        assert_eq!(cnf.clauses.len(), 4);
        assert_eq!(cnf.comments, vec!["all four clauses on a, b".to_string()]);
        assert_eq!(parse_dimacs(&cnf.to_dimacs()).unwrap(), cnf);
    }

    #[test]
    fn dimacs_errors_are_located() {
        let e = |s: &str| match parse_dimacs(s) {
            Err(TheoryError::Parse { line, column, .. }) => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(e("p cnf 2 1\n1 x 0\n"), (2, 3));
        assert_eq!(e("p cnf 2 1\n1 3 0\n"), (2, 3));
        assert_eq!(e("1 2 0\n"), (1, 1));
        assert_eq!(e("p cnf 2 2\n1 2 0\n"), (2, 5));
        assert_eq!(e("p cnf 2 1\n1 2\n"), (2, 3));
        assert_eq!(e("p cnf two 1\n"), (1, 1));
    }

    #[test]
    fn accepts_a_correct_proof() {
        let cnf = parse_dimacs(XOR).unwrap();
        assert_eq!(
            check_lrat(&cnf, "5 1 0 1 2 0\n5 d 1 2 0\n6 0 5 3 4 0\n"),
            Ok(())
        );
    }

    #[test]
    fn rejects_wrong_proofs() {
        let cnf = parse_dimacs(XOR).unwrap();
        let bad = |p: &str| check_lrat(&cnf, p).unwrap_err();
        // hint missing: clause 1 alone leaves b unassigned without conflict
        assert!(matches!(
            bad("5 1 0 1 0\n"),
            LratViolation::NotImplied { line: 1, id: 5, .. }
        ));
        // deleted clause used as a hint
        assert!(matches!(
            bad("5 1 0 1 2 0\n5 d 3 0\n6 0 5 3 4 0\n"),
            LratViolation::NotImplied { line: 3, .. }
        ));
        // no empty clause
        assert_eq!(bad("5 1 0 1 2 0\n"), LratViolation::NoEmptyClause);
        // ids must grow
        assert!(matches!(
            bad("4 1 0 1 2 0\n"),
            LratViolation::Parse(TheoryError::Parse { line: 1, .. })
        ));
        // a RAT hint
        assert!(matches!(
            bad("5 1 0 -3 1 2 0\n"),
            LratViolation::NotImplied { .. }
        ));
        // malformed
        assert!(matches!(
            bad("5 1 0 1 x 0\n"),
            LratViolation::Parse(TheoryError::Parse {
                line: 1,
                column: 9,
                ..
            })
        ));
        assert!(matches!(bad("5 1 0 1 2\n"), LratViolation::Parse(_)));
        // a satisfiable formula has no refutation
        let sat = parse_dimacs("p cnf 2 1\n1 2 0\n").unwrap();
        assert!(check_lrat(&sat, "2 0 1 0\n").is_err());
    }
}
