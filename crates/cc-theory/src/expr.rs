//! Matrices from expressions in `x` and `y`.
//!
//! Grammar (C precedence, lowest first): `c ? a : b`, `||`, `&&`, `|`, `^`,
//! `&`, `== !=`, `< <= > >=`, `<< >>`, `+ -`, `* / %`, unary `! ~ -`, then
//! atoms: integers (decimal, `0x..`, `0b..`), `x`, `y`, `n` (the bit width)
//! and `popcount(e)`, with parentheses.
//!
//! Semantics: `x` and `y` range over `0..2^n`; arithmetic is on signed 64-bit
//! integers and overflow is an error; `~e` is the bitwise complement within
//! `n` bits, `(!e) & (2^n - 1)`; `!e`, comparisons, `&&` and `||` give 0/1;
//! `/` and `%` truncate and a zero divisor is an error; shift amounts must be
//! in `0..64`; `popcount` of a negative value is an error. The value at every
//! `(x, y)` must lie in `0..=255`.

use crate::error::{Result, TheoryError};
use crate::matrix::CommMatrix;
use crate::named::MAX_BITS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Or,
    And,
    BitOr,
    BitXor,
    BitAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone)]
enum Node {
    Num(i64),
    X,
    Y,
    N,
    Not(Box<Node>),
    BitNot(Box<Node>),
    Neg(usize, Box<Node>),
    Popcount(usize, Box<Node>),
    /// A left-associative chain of operators of one precedence level,
    /// `((first op1 a1) op2 a2) ...`, stored flat so that neither evaluation
    /// nor dropping recurses on its length.
    Chain(Box<Node>, Vec<(Op, usize, Node)>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(i64),
    Ident(String),
    Sym(&'static str),
}

/// A parsed expression, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Expr {
    root: Node,
    source: String,
}

fn pos_err(src: &str, offset: usize, message: impl Into<String>) -> TheoryError {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    TheoryError::Parse {
        line,
        column,
        message: message.into(),
    }
}

const SYMS: [&str; 27] = [
    "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "&", "|", "^", "~", "!", "<", ">", "+", "-",
    "*", "/", "%", "(", ")", "?", ":", ",", "=", ";",
];

fn lex(src: &str) -> Result<Vec<(usize, Tok)>> {
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let text = &src[start..i];
            let parsed = if let Some(h) = text.strip_prefix("0x") {
                i64::from_str_radix(h, 16)
            } else if let Some(b) = text.strip_prefix("0b") {
                i64::from_str_radix(b, 2)
            } else {
                text.parse::<i64>()
            };
            let v = parsed
                .map_err(|_| pos_err(src, start, format!("`{text}` is not a valid integer")))?;
            out.push((start, Tok::Num(v)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push((start, Tok::Ident(src[start..i].to_string())));
            continue;
        }
        let rest = &src[i..];
        match SYMS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) if *s != "=" && *s != ";" => {
                out.push((i, Tok::Sym(s)));
                i += s.len();
            }
            Some(s) => {
                return Err(pos_err(
                    src,
                    i,
                    format!("unexpected `{s}` (use `==` to compare)"),
                ));
            }
            None => {
                let ch = rest.chars().next().unwrap_or(' ');
                return Err(pos_err(src, i, format!("unexpected character {ch:?}")));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(usize, Tok)>,
    pos: usize,
}

fn binop(sym: &str) -> Option<(Op, u8)> {
    Some(match sym {
        "||" => (Op::Or, 1),
        "&&" => (Op::And, 2),
        "|" => (Op::BitOr, 3),
        "^" => (Op::BitXor, 4),
        "&" => (Op::BitAnd, 5),
        "==" => (Op::Eq, 6),
        "!=" => (Op::Ne, 6),
        "<" => (Op::Lt, 7),
        "<=" => (Op::Le, 7),
        ">" => (Op::Gt, 7),
        ">=" => (Op::Ge, 7),
        "<<" => (Op::Shl, 8),
        ">>" => (Op::Shr, 8),
        "+" => (Op::Add, 9),
        "-" => (Op::Sub, 9),
        "*" => (Op::Mul, 10),
        "/" => (Op::Div, 10),
        "%" => (Op::Rem, 10),
        _ => return None,
    })
}

impl Parser<'_> {
    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |t| t.0)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn err(&self, msg: impl Into<String>) -> TheoryError {
        pos_err(self.src, self.here(), msg)
    }
    fn found(&self) -> String {
        match self.peek() {
            None => "end of expression".into(),
            Some(Tok::Num(v)) => format!("number {v}"),
            Some(Tok::Ident(s)) => format!("`{s}`"),
            Some(Tok::Sym(s)) => format!("`{s}`"),
        }
    }
    fn eat(&mut self, sym: &str) -> bool {
        if self.peek()
            == Some(&Tok::Sym(match SYMS.iter().find(|s| **s == sym) {
                Some(s) => s,
                None => return false,
            }))
        {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expr(&mut self, depth: usize) -> Result<Node> {
        if depth > 200 {
            return Err(self.err("expression nested too deeply"));
        }
        let cond = self.binary(1, depth)?;
        if self.eat("?") {
            let a = self.expr(depth + 1)?;
            if !self.eat(":") {
                return Err(self.err(format!(
                    "expected `:` of the conditional, found {}",
                    self.found()
                )));
            }
            let b = self.expr(depth + 1)?;
            return Ok(Node::Cond(Box::new(cond), Box::new(a), Box::new(b)));
        }
        Ok(cond)
    }
    fn peek_binop(&self) -> Option<(Op, u8)> {
        match self.peek() {
            Some(Tok::Sym(s)) => binop(s),
            _ => None,
        }
    }
    /// Precedence climbing that collects each left-associative run of one
    /// precedence level into one flat [`Node::Chain`] with a loop: the
    /// recursion depth is bounded by the number of levels and the nesting of
    /// parentheses, never by the length of a chain like `x + x + ... + x`.
    fn binary(&mut self, min_prec: u8, depth: usize) -> Result<Node> {
        let mut lhs = self.unary(depth)?;
        while let Some((_, prec)) = self.peek_binop().filter(|&(_, p)| p >= min_prec) {
            let mut rest = Vec::new();
            while let Some((op, _)) = self.peek_binop().filter(|&(_, p)| p == prec) {
                let at = self.here();
                self.pos += 1;
                let rhs = self.binary(prec + 1, depth + 1)?;
                rest.push((op, at, rhs));
            }
            lhs = Node::Chain(Box::new(lhs), rest);
        }
        Ok(lhs)
    }
    fn unary(&mut self, depth: usize) -> Result<Node> {
        if depth > 200 {
            return Err(self.err("expression nested too deeply"));
        }
        let at = self.here();
        if self.eat("!") {
            return Ok(Node::Not(Box::new(self.unary(depth + 1)?)));
        }
        if self.eat("~") {
            return Ok(Node::BitNot(Box::new(self.unary(depth + 1)?)));
        }
        if self.eat("-") {
            return Ok(Node::Neg(at, Box::new(self.unary(depth + 1)?)));
        }
        self.atom(depth)
    }
    fn atom(&mut self, depth: usize) -> Result<Node> {
        let at = self.here();
        match self.peek().cloned() {
            Some(Tok::Num(v)) => {
                self.pos += 1;
                Ok(Node::Num(v))
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                match name.as_str() {
                    "x" => Ok(Node::X),
                    "y" => Ok(Node::Y),
                    "n" => Ok(Node::N),
                    "popcount" => {
                        if !self.eat("(") {
                            return Err(self.err(format!(
                                "expected `(` after popcount, found {}",
                                self.found()
                            )));
                        }
                        let e = self.expr(depth + 1)?;
                        if !self.eat(")") {
                            return Err(self.err(format!("expected `)`, found {}", self.found())));
                        }
                        Ok(Node::Popcount(at, Box::new(e)))
                    }
                    _ => Err(pos_err(
                        self.src,
                        at,
                        format!("unknown name `{name}`: use x, y, n or popcount(...)"),
                    )),
                }
            }
            Some(Tok::Sym("(")) => {
                self.pos += 1;
                let e = self.expr(depth + 1)?;
                if !self.eat(")") {
                    return Err(self.err(format!("expected `)`, found {}", self.found())));
                }
                Ok(e)
            }
            _ => Err(self.err(format!(
                "expected a number, x, y, n, popcount(...) or `(`, found {}",
                self.found()
            ))),
        }
    }
}

struct Env {
    x: i64,
    y: i64,
    n: i64,
    mask: i64,
}

fn char_pos(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].chars().count() + 1
}

impl Expr {
    /// Parses an expression; errors name the line and column.
    pub fn parse(source: &str) -> Result<Expr> {
        let toks = lex(source)?;
        let mut p = Parser {
            src: source,
            toks,
            pos: 0,
        };
        if p.toks.is_empty() {
            return Err(pos_err(source, 0, "empty expression"));
        }
        let root = p.expr(0)?;
        if p.pos < p.toks.len() {
            return Err(p.err(format!(
                "unexpected {} after a complete expression",
                p.found()
            )));
        }
        Ok(Expr {
            root,
            source: source.to_string(),
        })
    }

    /// Evaluates at `(x, y)` with bit width `n`.
    pub fn eval(&self, x: u64, y: u64, n: u32) -> Result<i64> {
        let mask = if n >= 63 { i64::MAX } else { (1i64 << n) - 1 };
        let env = Env {
            x: x as i64,
            y: y as i64,
            n: i64::from(n),
            mask,
        };
        self.eval_node(&self.root, &env)
    }

    fn fail(&self, at: usize, env: &Env, msg: &str) -> TheoryError {
        TheoryError::Evaluation {
            position: char_pos(&self.source, at),
            x: env.x as u64,
            y: env.y as u64,
            message: msg.to_string(),
        }
    }

    fn eval_node(&self, node: &Node, env: &Env) -> Result<i64> {
        Ok(match node {
            Node::Num(v) => *v,
            Node::X => env.x,
            Node::Y => env.y,
            Node::N => env.n,
            Node::Not(e) => i64::from(self.eval_node(e, env)? == 0),
            Node::BitNot(e) => !self.eval_node(e, env)? & env.mask,
            Node::Neg(at, e) => self
                .eval_node(e, env)?
                .checked_neg()
                .ok_or_else(|| self.fail(*at, env, "overflow in negation"))?,
            Node::Popcount(at, e) => {
                let v = self.eval_node(e, env)?;
                if v < 0 {
                    return Err(self.fail(*at, env, "popcount of a negative value"));
                }
                i64::from(v.count_ones())
            }
            Node::Cond(c, a, b) => {
                if self.eval_node(c, env)? != 0 {
                    self.eval_node(a, env)?
                } else {
                    self.eval_node(b, env)?
                }
            }
            Node::Chain(first, rest) => {
                let mut acc = self.eval_node(first, env)?;
                for (op, at, node) in rest {
                    acc = match op {
                        // `a && b`: `b` is evaluated only when `a` is nonzero (and `||` dually),
                        // so once the chain's value is settled no later operand is evaluated
                        Op::And => {
                            if acc == 0 {
                                break;
                            }
                            i64::from(self.eval_node(node, env)? != 0)
                        }
                        Op::Or => {
                            if acc != 0 {
                                acc = 1;
                                break;
                            }
                            i64::from(self.eval_node(node, env)? != 0)
                        }
                        _ => {
                            let b = self.eval_node(node, env)?;
                            self.apply(*op, *at, acc, b, env)?
                        }
                    };
                }
                acc
            }
        })
    }

    fn apply(&self, op: Op, at: usize, a: i64, b: i64, env: &Env) -> Result<i64> {
        let overflow = || self.fail(at, env, "arithmetic overflow");
        Ok(match op {
            Op::BitOr => a | b,
            Op::BitXor => a ^ b,
            Op::BitAnd => a & b,
            Op::Eq => i64::from(a == b),
            Op::Ne => i64::from(a != b),
            Op::Lt => i64::from(a < b),
            Op::Le => i64::from(a <= b),
            Op::Gt => i64::from(a > b),
            Op::Ge => i64::from(a >= b),
            Op::Shl | Op::Shr => {
                if !(0..64).contains(&b) {
                    return Err(self.fail(at, env, &format!("shift amount {b} is not in 0..64")));
                }
                if op == Op::Shl {
                    let r = a.checked_shl(b as u32).ok_or_else(overflow)?;
                    if (r >> b) != a {
                        return Err(overflow());
                    }
                    r
                } else {
                    a >> b
                }
            }
            Op::Add => a.checked_add(b).ok_or_else(overflow)?,
            Op::Sub => a.checked_sub(b).ok_or_else(overflow)?,
            Op::Mul => a.checked_mul(b).ok_or_else(overflow)?,
            Op::Div | Op::Rem => {
                if b == 0 {
                    return Err(self.fail(at, env, "division by zero"));
                }
                if op == Op::Div {
                    a.checked_div(b).ok_or_else(overflow)?
                } else {
                    a.checked_rem(b).ok_or_else(overflow)?
                }
            }
            Op::And => i64::from(a != 0 && b != 0),
            Op::Or => i64::from(a != 0 || b != 0),
        })
    }
}

/// Builds the `2^bits x 2^bits` matrix of an expression in `x` and `y`.
///
/// `bits` must be in `1..=12`. Every value must be in `0..=255`, otherwise an
/// [`TheoryError::Evaluation`] names the first failing `(x, y)` (row-major order).
///
/// ```
/// let m = cc_theory::matrix_from_expr("popcount(x & y) % 2", 3)?;
/// assert_eq!(m, cc_theory::named_matrix("ip", 3, None)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn matrix_from_expr(source: &str, bits: u32) -> Result<CommMatrix> {
    if !(1..=MAX_BITS).contains(&bits) {
        return Err(TheoryError::InvalidParameter {
            parameter: "bits".into(),
            message: format!("bits must be in 1..={MAX_BITS}"),
        });
    }
    let e = Expr::parse(source)?;
    let size = 1usize << bits;
    let mut vals = vec![0u8; size * size];
    for x in 0..size {
        for y in 0..size {
            let v = e.eval(x as u64, y as u64, bits)?;
            if !(0..=255).contains(&v) {
                return Err(TheoryError::Evaluation {
                    position: 1,
                    x: x as u64,
                    y: y as u64,
                    message: format!("value {v} is outside the output alphabet 0..=255"),
                });
            }
            vals[x * size + y] = v as u8;
        }
    }
    CommMatrix::from_fn(size, size, |i, j| vals[i * size + j])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    #[test]
    fn named_functions_as_expressions() {
        let cases = [
            ("x == y", "eq"),
            ("x != y", "neq"),
            ("x > y", "gt"),
            ("x >= y", "ge"),
            ("x < y", "lt"),
            ("(x & y) == 0", "disj"),
            ("!!(x & y)", "int"),
            ("popcount(x & y) % 2", "ip"),
            ("popcount(x) + popcount(y) > n", "maj"),
            ("popcount(x) == popcount(y)", "hameq"),
        ];
        for (src, name) in cases {
            for bits in 1..=4 {
                assert_eq!(
                    matrix_from_expr(src, bits).unwrap(),
                    named_matrix(name, bits, None).unwrap(),
                    "{src} vs {name} at {bits}"
                );
            }
        }
    }

    #[test]
    fn operators() {
        let e = |s: &str, x, y| Expr::parse(s).unwrap().eval(x, y, 4).unwrap();
        assert_eq!(e("1 + 2 * 3", 0, 0), 7);
        assert_eq!(e("(1 + 2) * 3", 0, 0), 9);
        assert_eq!(e("~x", 0b0101, 0), 0b1010);
        assert_eq!(e("x << 2 | y >> 1", 1, 4), 6);
        assert_eq!(e("x > 2 ? 5 : 7", 3, 0), 5);
        assert_eq!(e("x > 2 ? 5 : 7", 1, 0), 7);
        assert_eq!(e("0x10 + 0b11", 0, 0), 19);
        assert_eq!(e("x % 3 == 1 && y || 0", 4, 2), 1);
        assert_eq!(e("-x + 10", 3, 0), 7);
        assert_eq!(e("1 ^ 3 & 2", 0, 0), 3);
    }

    #[test]
    fn errors_have_positions() {
        let err = Expr::parse("x +* y").unwrap_err();
        assert!(
            matches!(
                err,
                TheoryError::Parse {
                    line: 1,
                    column: 4,
                    ..
                }
            ),
            "{err}"
        );
        let err = Expr::parse("popcount(x").unwrap_err();
        assert!(
            matches!(
                err,
                TheoryError::Parse {
                    line: 1,
                    column: 11,
                    ..
                }
            ),
            "{err}"
        );
        let err = Expr::parse("x = y").unwrap_err();
        assert!(matches!(err, TheoryError::Parse { column: 3, .. }), "{err}");
        let err = Expr::parse("foo(x)").unwrap_err();
        assert!(matches!(err, TheoryError::Parse { column: 1, .. }), "{err}");
        assert!(Expr::parse("").is_err());
        assert!(Expr::parse("x y").is_err());
        let err = matrix_from_expr("x / y", 2).unwrap_err();
        assert_eq!(
            err,
            TheoryError::Evaluation {
                position: 3,
                x: 0,
                y: 0,
                message: "division by zero".into()
            }
        );
        assert!(matches!(
            matrix_from_expr("x - y", 2),
            Err(TheoryError::Evaluation { .. })
        ));
        assert!(matches!(
            matrix_from_expr("x << 64", 2),
            Err(TheoryError::Evaluation { .. })
        ));
        assert!(matches!(
            matrix_from_expr("x", 13),
            Err(TheoryError::InvalidParameter { .. })
        ));
        assert!(matches!(
            Expr::parse("x @ y"),
            Err(TheoryError::Parse { column: 3, .. })
        ));
    }

    #[test]
    fn non_boolean_output() {
        let m = matrix_from_expr("(x + y) % 3", 2).unwrap();
        assert_eq!(m.max_value(), 2);
        assert_eq!(m.get(2, 3), 2);
    }
}
