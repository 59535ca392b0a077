//! Named functions on `n`-bit inputs.
//!
//! Conventions: rows are Alice's `x`, columns Bob's `y`, both in `0..2^n`
//! (except INDEX), and bit `i` of `x` is `(x >> i) & 1`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TheoryError};
use crate::matrix::CommMatrix;

/// Largest `n` accepted for the `2^n x 2^n` named functions (4096 x 4096).
pub const MAX_BITS: u32 = 12;

/// The ten faces of the hemi-icosahedron on vertices `0..6` used by
/// Kushilevitz's function (each pair of vertices lies in exactly two faces).
pub const HEMI_ICOSAHEDRON: [[u32; 3]; 10] = [
    [0, 1, 4],
    [0, 1, 5],
    [0, 2, 3],
    [0, 2, 5],
    [0, 3, 4],
    [1, 2, 3],
    [1, 2, 4],
    [1, 3, 5],
    [2, 4, 5],
    [3, 4, 5],
];

/// A named two-party function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NamedFunction {
    /// `EQ(x, y) = [x == y]`.
    Eq,
    /// `NEQ(x, y) = [x != y]`.
    Neq,
    /// `GT(x, y) = [x > y]` (as unsigned integers).
    Gt,
    /// `GE(x, y) = [x >= y]`.
    Ge,
    /// `LT(x, y) = [x < y]`.
    Lt,
    /// `DISJ(x, y) = [x & y == 0]` (the sets are disjoint).
    Disj,
    /// `INT(x, y) = [x & y != 0]` (the sets intersect).
    Int,
    /// `IP(x, y) = popcount(x & y) mod 2`.
    Ip,
    /// `MAJ(x, y) = [popcount(x) + popcount(y) > n]`: strict majority of the
    /// `2n` bits; a tie (exactly `n` ones) gives 0.
    Maj,
    /// `HAMEQ(x, y) = [popcount(x) == popcount(y)]`.
    HamEq,
    /// `HAMDIST_t(x, y) = [popcount(x ^ y) <= t]`.
    HamDist,
    /// `INDEX_k`: Alice holds `x` in `0..2^(2^k)` (a string of `2^k` bits),
    /// Bob an index `y` in `0..2^k`; the value is bit `y` of `x`.
    Index,
    /// Kushilevitz's function `K` on 6 bits composed with AND:
    /// `f(x, y) = K(x & y)` for 6-bit `x`, `y`, where
    /// `K(z) = sum z_i - sum_{i<j} z_i z_j + sum_{faces} z_i z_j z_k` over the
    /// ten faces of the hemi-icosahedron ([`HEMI_ICOSAHEDRON`]); `K(z) = 1`
    /// iff `|z|` is 1, 2 or 6, or `|z| = 3` and `z` is a face.
    KushilevitzAnd,
}

/// All named functions with their lookup names, in listing order.
pub(crate) const NAMED_FUNCTIONS: [(NamedFunction, &str, &str); 13] = [
    (NamedFunction::Eq, "eq", "equality [x == y]"),
    (NamedFunction::Neq, "neq", "inequality [x != y]"),
    (NamedFunction::Gt, "gt", "greater than [x > y]"),
    (NamedFunction::Ge, "ge", "greater or equal [x >= y]"),
    (NamedFunction::Lt, "lt", "less than [x < y]"),
    (NamedFunction::Disj, "disj", "disjointness [x & y == 0]"),
    (NamedFunction::Int, "int", "intersection [x & y != 0]"),
    (
        NamedFunction::Ip,
        "ip",
        "inner product popcount(x & y) mod 2",
    ),
    (
        NamedFunction::Maj,
        "maj",
        "majority of the 2n bits (tie -> 0)",
    ),
    (NamedFunction::HamEq, "hameq", "equal Hamming weight"),
    (
        NamedFunction::HamDist,
        "hamdist",
        "Hamming distance <= t (parameter t)",
    ),
    (
        NamedFunction::Index,
        "index",
        "INDEX: Alice 2^k bits, Bob an index in 0..2^k (bits = k)",
    ),
    (
        NamedFunction::KushilevitzAnd,
        "kushilevitz-and",
        "Kushilevitz's hemi-icosahedron function of x & y (bits = 6)",
    ),
];

/// The lookup names, for a CLI's help text.
pub fn function_names() -> Vec<&'static str> {
    NAMED_FUNCTIONS.iter().map(|(_, n, _)| *n).collect()
}

impl NamedFunction {
    /// The lowercase lookup name.
    pub fn name(self) -> &'static str {
        NAMED_FUNCTIONS
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, n, _)| n)
    }

    /// One-line description.
    pub fn description(self) -> &'static str {
        NAMED_FUNCTIONS
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("?", |(_, _, d)| d)
    }

    /// True if the function takes the threshold parameter `t`.
    pub fn needs_parameter(self) -> bool {
        self == NamedFunction::HamDist
    }

    /// Builds the communication matrix for `bits`-bit inputs.
    ///
    /// `param` is the threshold `t` of `hamdist` (required there, rejected
    /// elsewhere). `bits` must be in `1..=12` (`INDEX`: `k` in `1..=4`, giving
    /// `2^(2^k) x 2^k`; `kushilevitz-and`: exactly 6).
    pub fn matrix(self, bits: u32, param: Option<u32>) -> Result<CommMatrix> {
        if self.needs_parameter() != param.is_some() {
            return Err(TheoryError::InvalidParameter {
                parameter: "t".into(),
                message: if self.needs_parameter() {
                    format!("`{}` needs a threshold parameter t", self.name())
                } else {
                    format!("`{}` takes no parameter", self.name())
                },
            });
        }
        let bad_bits = |msg: &str| TheoryError::InvalidParameter {
            parameter: "bits".into(),
            message: msg.into(),
        };
        match self {
            NamedFunction::Index => {
                if !(1..=4).contains(&bits) {
                    return Err(bad_bits("index needs k = bits in 1..=4 (2^(2^k) rows)"));
                }
                let cols = 1usize << bits;
                let rows = 1usize << cols;
                return CommMatrix::from_fn(rows, cols, |x, y| ((x >> y) & 1) as u8);
            }
            NamedFunction::KushilevitzAnd => {
                if bits != 6 {
                    return Err(bad_bits("kushilevitz-and is defined for bits = 6"));
                }
                return CommMatrix::from_fn(64, 64, |x, y| kushilevitz((x & y) as u32));
            }
            _ => {}
        }
        if !(1..=MAX_BITS).contains(&bits) {
            return Err(bad_bits(&format!("bits must be in 1..={MAX_BITS}")));
        }
        let n = bits;
        let size = 1usize << n;
        let t = param.unwrap_or(0);
        let f = move |x: usize, y: usize| -> bool {
            let (x, y) = (x as u64, y as u64);
            match self {
                NamedFunction::Eq => x == y,
                NamedFunction::Neq => x != y,
                NamedFunction::Gt => x > y,
                NamedFunction::Ge => x >= y,
                NamedFunction::Lt => x < y,
                NamedFunction::Disj => x & y == 0,
                NamedFunction::Int => x & y != 0,
                NamedFunction::Ip => (x & y).count_ones() % 2 == 1,
                NamedFunction::Maj => x.count_ones() + y.count_ones() > n,
                NamedFunction::HamEq => x.count_ones() == y.count_ones(),
                NamedFunction::HamDist => (x ^ y).count_ones() <= t,
                NamedFunction::Index | NamedFunction::KushilevitzAnd => false,
            }
        };
        CommMatrix::from_bool_fn(size, size, f)
    }
}

/// Kushilevitz's function on the low 6 bits of `z` (see [`NamedFunction::KushilevitzAnd`]).
pub fn kushilevitz(z: u32) -> u8 {
    let z = z & 63;
    let w = z.count_ones() as i64;
    let faces = HEMI_ICOSAHEDRON
        .iter()
        .filter(|f| f.iter().all(|&v| (z >> v) & 1 == 1))
        .count() as i64;
    let v = w - w * (w - 1) / 2 + faces;
    u8::from(v == 1)
}

impl fmt::Display for NamedFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for NamedFunction {
    type Err = TheoryError;
    /// Looks a function up by its lowercase name (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        NAMED_FUNCTIONS
            .iter()
            .find(|(_, n, _)| *n == lower)
            .map(|(f, _, _)| *f)
            .ok_or_else(|| TheoryError::UnknownFunction {
                name: s.to_string(),
                valid: function_names().join(", "),
            })
    }
}

/// Convenience: looks up `name` and builds its matrix.
pub fn named_matrix(name: &str, bits: u32, param: Option<u32>) -> Result<CommMatrix> {
    name.parse::<NamedFunction>()?.matrix(bits, param)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_errors() {
        assert_eq!("EQ".parse::<NamedFunction>().unwrap(), NamedFunction::Eq);
        let err = "foo".parse::<NamedFunction>().unwrap_err();
        assert!(err.to_string().contains("kushilevitz-and"));
        assert!(named_matrix("hamdist", 3, None).is_err());
        assert!(named_matrix("eq", 3, Some(1)).is_err());
        assert!(named_matrix("eq", 0, None).is_err());
        assert!(named_matrix("eq", 13, None).is_err());
        assert!(named_matrix("kushilevitz-and", 5, None).is_err());
        for (f, name, _) in NAMED_FUNCTIONS {
            assert_eq!(f.name(), name);
            assert_eq!(name.parse::<NamedFunction>().unwrap(), f);
        }
    }

    #[test]
    fn conventions() {
        let gt = named_matrix("gt", 2, None).unwrap();
        assert_eq!(gt.get(3, 1), 1);
        assert_eq!(gt.get(1, 3), 0);
        let maj = named_matrix("maj", 2, None).unwrap();
        assert_eq!(maj.get(3, 0), 0, "tie is 0");
        assert_eq!(maj.get(3, 1), 1);
        let idx = named_matrix("index", 2, None).unwrap();
        assert_eq!((idx.rows(), idx.cols()), (16, 4));
        assert_eq!(idx.get(0b0100, 2), 1);
        let hd = named_matrix("hamdist", 3, Some(1)).unwrap();
        assert_eq!(hd.get(0b000, 0b001), 1);
        assert_eq!(hd.get(0b000, 0b011), 0);
    }

    #[test]
    fn hemi_icosahedron_and_kushilevitz() {
        // every pair of vertices lies in exactly two faces
        for a in 0..6u32 {
            for b in (a + 1)..6 {
                let c = HEMI_ICOSAHEDRON
                    .iter()
                    .filter(|f| f.contains(&a) && f.contains(&b))
                    .count();
                assert_eq!(c, 2);
            }
        }
        // the polynomial is 0/1-valued on all inputs (checked without the final [v == 1])
        for z in 0..64u32 {
            let w = z.count_ones() as i64;
            let faces = HEMI_ICOSAHEDRON
                .iter()
                .filter(|f| f.iter().all(|&v| (z >> v) & 1 == 1))
                .count() as i64;
            let v = w - w * (w - 1) / 2 + faces;
            assert!(v == 0 || v == 1, "z = {z:06b} gives {v}");
            let expected = matches!(w, 1 | 2 | 6) || (w == 3 && faces == 1);
            assert_eq!(kushilevitz(z) == 1, expected);
        }
    }
}
