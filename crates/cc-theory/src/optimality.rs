//! Optimality certificates: the other side of every exact value.
//!
//! A feasibility certificate (a fooling set, a cover, a protocol tree, a
//! nonsingular minor) proves one side of a measure. The certificates here
//! prove the other side, and each has a checker that recomputes nothing the
//! search computed:
//!
//! | measure | side | certificate | checked by |
//! | --- | --- | --- | --- |
//! | `rk_Q`, `rk_GF(2)` (and of `J - M`) | upper | [`RankFactorisation`]: `r` basis rows and, for every other row, its exact coefficients: `M = B C` with inner dimension `r` | [`verify_rank_factorisation`], exact rationals / bits |
//! | fooling set of colour `b` | upper | [`FoolingClasses`]: the `b`-cells split into classes with no fooling pair inside a class (a clique cover of the complement of the compatibility graph) | [`verify_fooling_classes`] |
//! | `C^b`, `chi_b` | lower | CNF + LRAT refutation of "a cover with `k - 1`" | [`crate::cover_sat::verify_cover_lower_bound`] |
//! | `C^b`, `chi_b` | lower | area bound `ceil(cells / max area)` | [`crate::cover_sat::verify_area_bound`] |
//!
//! ## Formats
//! A rank factorisation, as text (`#` comments):
//!
//! ```text
//! field Q                 # or GF(2)
//! basis 0 1 3             # the basis rows, 0-based
//! row 2 : 1 -1/2 0        # row 2 = 1*row 0 - 1/2*row 1 + 0*row 3 (one coefficient per basis row)
//! ```
//! Every row of the matrix is a basis row or has one `row` line, so
//! `rk <= |basis|`. For GF(2) the coefficients are `0` and `1`.
//!
//! Fooling classes, as text: one class per line, cells as `row,col`
//! separated by spaces, with an optional first line `colour b`:
//!
//! ```text
//! colour 1
//! 0,0 1,1
//! 2,2
//! ```
//! A fooling set has at most one cell per class, so `|S| <= #classes`.
//! Both formats are also accepted as the JSON of the structs below.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Deserialize, Serialize};

use crate::cover_sat::{AreaBound, UnsatCertificate};
use crate::error::{Result, TheoryError};
use crate::matrix::CommMatrix;

/// The field of a [`RankFactorisation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactorField {
    /// The rationals: coefficients are fractions `p/q`.
    #[serde(rename = "Q")]
    Q,
    /// GF(2): coefficients are bits, sums are XOR.
    #[serde(rename = "GF(2)")]
    Gf2,
}

/// `M = B C` with inner dimension `|basis|`: `C` is the basis rows of `M`,
/// and row `i` of `B` is the unit vector of a basis row or the coefficients
/// of row `i` (see the module docs). Proves `rk_F(M) <= |basis|`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankFactorisation {
    /// The field.
    pub field: FactorField,
    /// Basis rows (0-based).
    pub basis: Vec<usize>,
    /// Every other row with one coefficient per basis row (`p/q`, `p`, or a bit).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A split of the `colour`-cells into classes without fooling pairs: proves
/// that every `colour`-fooling set has at most `classes.len()` cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoolingClasses {
    /// The colour `b`.
    pub colour: u8,
    /// The classes, cells `(row, col)`.
    pub classes: Vec<Vec<(usize, usize)>>,
}

/// The certificate of the side of a measure that its main certificate does
/// not prove (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Optimality {
    /// Upper bound of a rank.
    RankFactorisation(RankFactorisation),
    /// Upper bound of a fooling set.
    FoolingClasses(FoolingClasses),
    /// Lower bound of a cover or partition number by a refuted CNF.
    UnsatProof(UnsatCertificate),
    /// Lower bound of a cover or partition number by area.
    AreaBound(AreaBound),
    /// The bound needs no certificate beyond the measure's own (e.g. it is
    /// the number of distinct rows), or none is available; says which.
    Stated {
        /// What proves the bound, or why no certificate is given.
        why: String,
    },
}

fn matrix_rows(m: &CommMatrix) -> Vec<Vec<u8>> {
    (0..m.rows())
        .map(|i| (0..m.cols()).map(|j| m.get(i, j)).collect())
        .collect()
}

/// Largest `rows * cols * rank` for which [`rank_factorisation`] runs over Q.
pub const MAX_FACTOR_WORK: usize = 4_000_000;

/// A basis of the rows of `m` over `field` and the exact coefficients of
/// every other row in it (Gaussian elimination in exact rationals or bits,
/// rows taken in order, so the basis is the first maximal independent set),
/// or `None` when `rows * cols * rank` exceeds [`MAX_FACTOR_WORK`] over Q.
pub fn rank_factorisation(m: &CommMatrix, field: FactorField) -> Option<RankFactorisation> {
    let rows = matrix_rows(m);
    let n = m.cols();
    // echelon vectors with their pivot and their expression in the basis
    let mut ech: Vec<(usize, Vec<BigRational>, Vec<BigRational>)> = Vec::new();
    let mut basis: Vec<usize> = Vec::new();
    let mut combos: Vec<(usize, Vec<BigRational>)> = Vec::new();
    let reduce = |x: BigRational| match field {
        FactorField::Q => x,
        FactorField::Gf2 => {
            let r = x.to_integer() % BigInt::from(2);
            BigRational::from_integer(if r.is_zero() { r } else { BigInt::one() })
        }
    };
    for (i, row) in rows.iter().enumerate() {
        if field == FactorField::Q && rows.len() * n * (basis.len() + 1) > MAX_FACTOR_WORK {
            return None;
        }
        let mut v: Vec<BigRational> = row
            .iter()
            .map(|&x| reduce(BigRational::from_integer(x.into())))
            .collect();
        let mut c: Vec<BigRational> = vec![BigRational::zero(); basis.len()];
        for (p, e, expr) in &ech {
            if v[*p].is_zero() {
                continue;
            }
            let f = &v[*p] / &e[*p];
            for j in 0..n {
                v[j] = reduce(&v[j] - &f * &e[j]);
            }
            for (k, x) in expr.iter().enumerate() {
                c[k] = reduce(&c[k] + &f * x);
            }
        }
        match v.iter().position(|x| !x.is_zero()) {
            None => combos.push((i, c)),
            Some(p) => {
                // v = row_i - sum c_k basis_k, so expr(v) = unit(new) - c
                let mut expr: Vec<BigRational> = c.iter().map(|x| reduce(-x)).collect();
                expr.push(BigRational::one());
                for (_, _, e) in ech.iter_mut() {
                    e.push(BigRational::zero());
                }
                for (_, cc) in combos.iter_mut() {
                    cc.push(BigRational::zero());
                }
                basis.push(i);
                ech.push((p, v, expr));
            }
        }
    }
    let rows = combos
        .into_iter()
        .map(|(i, c)| (i, c.iter().map(ToString::to_string).collect()))
        .collect();
    Some(RankFactorisation { field, basis, rows })
}

fn parse_coefficient(s: &str) -> Option<BigRational> {
    match s.split_once('/') {
        None => s.parse::<BigInt>().ok().map(BigRational::from_integer),
        Some((p, q)) => {
            let (p, q) = (p.parse::<BigInt>().ok()?, q.parse::<BigInt>().ok()?);
            (q.sign() == num_bigint::Sign::Plus).then(|| BigRational::new(p, q))
        }
    }
}

/// Checks a [`RankFactorisation`] of `m` exactly and returns the bound it
/// proves, `rk_F(m) <= |basis|`: basis rows distinct and in range, every
/// other row listed once, and `row_i = sum_k c_k row_{basis_k}` entry by
/// entry in exact rationals (over GF(2): bits `0`/`1`, sums mod 2).
#[allow(clippy::needless_range_loop)] // rows[b][j] and rows[i][j] read best as indices
pub fn verify_rank_factorisation(
    m: &CommMatrix,
    f: &RankFactorisation,
) -> std::result::Result<usize, String> {
    let rows = matrix_rows(m);
    let mut seen = vec![false; rows.len()];
    for &b in &f.basis {
        if b >= rows.len() || std::mem::replace(&mut seen[b], true) {
            return Err(format!(
                "basis row {b} is outside the matrix or listed twice"
            ));
        }
    }
    for (i, coeffs) in &f.rows {
        if *i >= rows.len() || std::mem::replace(&mut seen[*i], true) {
            return Err(format!("row {i} is outside the matrix or listed twice"));
        }
        if coeffs.len() != f.basis.len() {
            return Err(format!(
                "row {i} has {} coefficients for {} basis rows",
                coeffs.len(),
                f.basis.len()
            ));
        }
        let c: Vec<BigRational> = coeffs
            .iter()
            .map(|s| match (f.field, parse_coefficient(s)) {
                (FactorField::Gf2, Some(x)) if x.is_zero() || x.is_one() => Ok(x),
                (FactorField::Q, Some(x)) => Ok(x),
                _ => Err(format!(
                    "row {i}: `{s}` is not a coefficient over {}",
                    match f.field {
                        FactorField::Q => "Q (write p or p/q, q > 0)",
                        FactorField::Gf2 => "GF(2) (write 0 or 1)",
                    }
                )),
            })
            .collect::<std::result::Result<_, _>>()?;
        for j in 0..m.cols() {
            let mut sum = BigRational::zero();
            for (k, &b) in f.basis.iter().enumerate() {
                sum += &c[k] * BigRational::from_integer(rows[b][j].into());
            }
            let target = BigRational::from_integer(rows[*i][j].into());
            let ok = match f.field {
                FactorField::Q => sum == target,
                FactorField::Gf2 => {
                    ((sum.to_integer() - target.to_integer()) % BigInt::from(2)).is_zero()
                }
            };
            if !ok {
                return Err(format!(
                    "row {i}, column {j}: the combination gives {sum}, the matrix has {target}"
                ));
            }
        }
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(format!(
            "row {i} is neither a basis row nor written in the basis"
        ));
    }
    Ok(f.basis.len())
}

/// Whether cells `a` and `b` form a `colour`-fooling pair of `m`.
fn fooling_pair(m: &CommMatrix, colour: u8, a: (usize, usize), b: (usize, usize)) -> bool {
    m.get(a.0, b.1) != colour || m.get(b.0, a.1) != colour
}

/// Classes of `colour`-cells without fooling pairs, by greedy colouring of
/// the compatibility graph of the reduced matrix (cells in smallest-last
/// order, each into the first class it fools no member of), mapped back to
/// every original cell.
pub fn fooling_classes(m: &CommMatrix, colour: u8) -> FoolingClasses {
    let red = m.reduce();
    let rm = &red.matrix;
    let cells: Vec<(usize, usize)> = (0..rm.rows())
        .flat_map(|i| (0..rm.cols()).map(move |j| (i, j)))
        .filter(|&(i, j)| rm.get(i, j) == colour)
        .collect();
    let mut classes: Vec<Vec<(usize, usize)>> = Vec::new();
    for &c in &cells {
        match classes.iter().position(|cl| {
            cl.iter()
                .all(|&d| c == d || !fooling_pair(rm, colour, c, d))
        }) {
            Some(k) => classes[k].push(c),
            None => classes.push(vec![c]),
        }
    }
    let mut class_of = std::collections::BTreeMap::new();
    for (k, cl) in classes.iter().enumerate() {
        for &c in cl {
            class_of.insert(c, k);
        }
    }
    let mut out = vec![Vec::new(); classes.len()];
    for i in 0..m.rows() {
        for j in 0..m.cols() {
            if let Some(&k) = class_of.get(&(red.row_class[i], red.col_class[j])) {
                out[k].push((i, j));
            }
        }
    }
    FoolingClasses {
        colour,
        classes: out,
    }
}

/// Checks [`FoolingClasses`] and returns the bound they prove: every cell
/// in range and of the colour, every `colour`-cell in a class, no class with
/// a fooling pair; then every fooling set has at most `#classes` cells.
pub fn verify_fooling_classes(
    m: &CommMatrix,
    f: &FoolingClasses,
) -> std::result::Result<usize, String> {
    let mut covered = vec![false; m.rows() * m.cols()];
    for (k, class) in f.classes.iter().enumerate() {
        for &(i, j) in class {
            if i >= m.rows() || j >= m.cols() {
                return Err(format!("class {k}: cell ({i}, {j}) is outside the matrix"));
            }
            if m.get(i, j) != f.colour {
                return Err(format!(
                    "class {k}: cell ({i}, {j}) is not a {}-cell",
                    f.colour
                ));
            }
            covered[i * m.cols() + j] = true;
        }
        for (a, &x) in class.iter().enumerate() {
            if let Some(&y) = class[a + 1..]
                .iter()
                .find(|&&y| x != y && fooling_pair(m, f.colour, x, y))
            {
                return Err(format!(
                    "class {k}: cells ({}, {}) and ({}, {}) form a fooling pair",
                    x.0, x.1, y.0, y.1
                ));
            }
        }
    }
    if let Some(x) =
        (0..covered.len()).find(|&x| !covered[x] && m.get(x / m.cols(), x % m.cols()) == f.colour)
    {
        return Err(format!(
            "cell ({}, {}) is a {}-cell in no class",
            x / m.cols(),
            x % m.cols(),
            f.colour
        ));
    }
    Ok(f.classes.len())
}

fn perr(line: usize, column: usize, message: impl Into<String>) -> TheoryError {
    TheoryError::Parse {
        line,
        column,
        message: message.into(),
    }
}

fn json<T: serde::de::DeserializeOwned>(input: &str, what: &str) -> Result<T> {
    serde_json::from_str(input)
        .map_err(|e| perr(e.line(), e.column(), format!("invalid JSON {what}: {e}")))
}

/// Data lines of a text file: `(line number, column of the text, text)`,
/// without `#` comments and blank lines.
fn data_lines(input: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    input.lines().enumerate().filter_map(|(li, raw)| {
        let data = raw.split('#').next().unwrap_or("");
        let t = data.trim();
        (!t.is_empty()).then(|| (li + 1, data.len() - data.trim_start().len() + 1, t))
    })
}

/// Parses a rank factorisation (text or JSON; see the module docs).
pub fn parse_rank_factorisation(input: &str) -> Result<RankFactorisation> {
    let input = crate::parse::strip_bom(input);
    if input.trim_start().starts_with('{') {
        return json(input, "rank factorisation");
    }
    let (mut field, mut basis) = (None, None);
    let mut rows = Vec::new();
    for (ln, col, t) in data_lines(input) {
        let (key, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let rest_col = col + key.len() + (t.len() - key.len() - rest.len());
        match key {
            "field" => {
                field = Some(match rest.trim() {
                    "Q" => FactorField::Q,
                    "GF(2)" | "GF2" => FactorField::Gf2,
                    other => {
                        return Err(perr(
                            ln,
                            rest_col,
                            format!("field `{other}`: write Q or GF(2)"),
                        ));
                    }
                })
            }
            "basis" => basis = Some(indices(rest, ln, rest_col)?),
            "row" => {
                let (i, cs) = rest
                    .split_once(':')
                    .ok_or_else(|| perr(ln, col, "a row line is `row <i> : <coefficients>`"))?;
                let i = indices(i, ln, rest_col)?;
                let [i] = i[..] else {
                    return Err(perr(ln, rest_col, "a row line names one row"));
                };
                rows.push((i, cs.split_whitespace().map(str::to_string).collect()));
            }
            other => {
                return Err(perr(
                    ln,
                    col,
                    format!("`{other}`: lines start with field, basis or row"),
                ));
            }
        }
    }
    Ok(RankFactorisation {
        field: field.ok_or_else(|| perr(1, 1, "no `field Q` or `field GF(2)` line"))?,
        basis: basis.ok_or_else(|| perr(1, 1, "no `basis ...` line"))?,
        rows,
    })
}

fn indices(s: &str, ln: usize, col: usize) -> Result<Vec<usize>> {
    let base = s.as_ptr() as usize;
    s.split_whitespace()
        .map(|t| {
            t.parse::<usize>().map_err(|_| {
                perr(
                    ln,
                    col + (t.as_ptr() as usize - base),
                    format!("`{t}` is not a 0-based index"),
                )
            })
        })
        .collect()
}

/// Parses fooling classes (text or JSON; see the module docs); `colour` is
/// used when the file has no `colour` line.
pub fn parse_fooling_classes(input: &str, colour: u8) -> Result<FoolingClasses> {
    let input = crate::parse::strip_bom(input);
    if input.trim_start().starts_with('{') {
        return json(input, "fooling classes");
    }
    let mut out = FoolingClasses {
        colour,
        classes: Vec::new(),
    };
    for (ln, col, t) in data_lines(input) {
        if let Some(rest) = t.strip_prefix("colour") {
            out.colour = rest
                .trim()
                .parse()
                .map_err(|_| perr(ln, col, "the colour line is `colour <value>`"))?;
            continue;
        }
        let base = t.as_ptr() as usize;
        let class = t
            .split_whitespace()
            .map(|c| {
                let at = col + (c.as_ptr() as usize - base);
                let (a, b) = c
                    .split_once(',')
                    .ok_or_else(|| perr(ln, at, format!("`{c}` is not `row,col`")))?;
                match (a.parse(), b.parse()) {
                    (Ok(a), Ok(b)) => Ok((a, b)),
                    _ => Err(perr(
                        ln,
                        at,
                        format!("`{c}` is not `row,col` with 0-based indices"),
                    )),
                }
            })
            .collect::<Result<Vec<(usize, usize)>>>()?;
        out.classes.push(class);
    }
    Ok(out)
}

/// The text format of a [`RankFactorisation`] (see the module docs).
pub fn rank_factorisation_text(f: &RankFactorisation) -> String {
    let mut s = format!(
        "# M = B C: the basis rows of M, then every other row in that basis\nfield {}\nbasis",
        match f.field {
            FactorField::Q => "Q",
            FactorField::Gf2 => "GF(2)",
        }
    );
    for b in &f.basis {
        s.push_str(&format!(" {b}"));
    }
    s.push('\n');
    for (i, c) in &f.rows {
        s.push_str(&format!("row {i} : {}\n", c.join(" ")));
    }
    s
}

/// The text format of [`FoolingClasses`] (see the module docs).
pub fn fooling_classes_text(f: &FoolingClasses) -> String {
    let mut s = format!(
        "# no two cells of a line form a fooling pair\ncolour {}\n",
        f.colour
    );
    for class in &f.classes {
        let cells: Vec<String> = class.iter().map(|(i, j)| format!("{i},{j}")).collect();
        s.push_str(&cells.join(" "));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    #[test]
    fn rank_factorisations_of_ip_verify_over_both_fields() {
        let ip = named_matrix("ip", 3, None).unwrap();
        let q = rank_factorisation(&ip, FactorField::Q).unwrap();
        assert_eq!(verify_rank_factorisation(&ip, &q), Ok(7));
        let g = rank_factorisation(&ip, FactorField::Gf2).unwrap();
        assert_eq!(verify_rank_factorisation(&ip, &g), Ok(3));
        // the text format round-trips
        assert_eq!(
            parse_rank_factorisation(&rank_factorisation_text(&g)).unwrap(),
            g
        );
        // a GF(2) factorisation is not one over Q
        let mut wrong = g.clone();
        wrong.field = FactorField::Q;
        assert!(verify_rank_factorisation(&ip, &wrong).is_err());
    }

    #[test]
    fn rational_coefficients_are_exact() {
        // row 2 = 1/2 row 0 + 1/2 row 1 would need halves; rows 0, 1, 0+1 need integers
        let m = CommMatrix::from_rows(&[vec![1, 0, 1], vec![0, 1, 1], vec![1, 1, 2]]).unwrap();
        let f = rank_factorisation(&m, FactorField::Q).unwrap();
        assert_eq!(f.basis, vec![0, 1]);
        assert_eq!(f.rows, vec![(2, vec!["1".to_string(), "1".to_string()])]);
        let text = "field Q\nbasis 0 1\nrow 2 : 1 1/1\n";
        assert_eq!(
            verify_rank_factorisation(&m, &parse_rank_factorisation(text).unwrap()),
            Ok(2)
        );
        let off = "field Q\nbasis 0 1\nrow 2 : 1 1/2\n";
        assert!(verify_rank_factorisation(&m, &parse_rank_factorisation(off).unwrap()).is_err());
    }

    #[test]
    fn parse_errors_are_located() {
        let at = |s: &str| match parse_rank_factorisation(s) {
            Err(TheoryError::Parse { line, column, .. }) => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(at("field Q\nbasis 0 x\n"), (2, 9));
        assert_eq!(at("field R\n"), (1, 7));
        assert_eq!(at("field Q\nbasis 0\nrows 1 : 1\n"), (3, 1));
        assert_eq!(at("basis 0\n"), (1, 1));
        let fc = |s: &str| match parse_fooling_classes(s, 1) {
            Err(TheoryError::Parse { line, column, .. }) => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(fc("0,0 1,1\n  2;2\n"), (2, 3));
        assert_eq!(fc("colour x\n"), (1, 1));
    }

    #[test]
    fn fooling_classes_of_eq_meet_the_fooling_set() {
        let eq = named_matrix("eq", 3, None).unwrap();
        let f = fooling_classes(&eq, 1);
        assert_eq!(verify_fooling_classes(&eq, &f), Ok(8));
        assert_eq!(
            parse_fooling_classes(&fooling_classes_text(&f), 0).unwrap(),
            f
        );
        // merging two diagonal cells makes a class with a fooling pair
        let mut bad = f.clone();
        let moved = bad.classes.pop().unwrap();
        bad.classes[0].extend(moved);
        assert!(
            verify_fooling_classes(&eq, &bad)
                .unwrap_err()
                .contains("fooling pair")
        );
        // dropping a class leaves a cell uncovered
        let mut short = f;
        short.classes.pop();
        assert!(
            verify_fooling_classes(&eq, &short)
                .unwrap_err()
                .contains("in no class")
        );
    }
}
