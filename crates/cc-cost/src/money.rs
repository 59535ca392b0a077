//! Exact money: [`Usd`], an integer count of atto-dollars (10⁻¹⁸ USD).
//!
//! Every dollar amount in cc-cost is a [`Usd`]. Sums and integer products are exact;
//! the only roundings are (a) dividing by 2³⁰ for prices quoted per GiB and by
//! 10⁹ for per-nanosecond latency charges, both rounded half-to-even at 10⁻¹⁸ USD,
//! far below a cent, and (b) the explicit [`Usd::round_to_cents`] used for per-day
//! and per-year totals. Decimal input such as `"0.01"` is parsed exactly, so
//! `0.1 + 0.2` prints as `0.30`, never `0.30000000000000004`.
//!
//! JSON representation: a [`Usd`] serializes as a **string** holding its exact
//! decimal value with at least two decimals and no trailing zeros beyond that
//! (`"0.30"`, `"0.00015"`, `"109500000.00"`).

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

use serde::{Deserialize, Serialize};

use crate::CostError;

/// Atto-dollars per dollar.
pub const ATTO_PER_USD: i128 = 1_000_000_000_000_000_000;

/// An exact amount of US dollars, stored as an integer number of atto-dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Usd(i128);

/// Integer division rounding half to even. `den` must be positive.
pub(crate) fn div_round_half_even(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    let twice = 2 * r;
    if twice > den || (twice == den && q % 2 != 0) {
        q + 1
    } else {
        q
    }
}

impl Usd {
    /// Zero dollars.
    pub const ZERO: Usd = Usd(0);

    /// From a raw atto-dollar count.
    pub const fn from_atto(atto: i128) -> Usd {
        Usd(atto)
    }

    /// The raw atto-dollar count.
    pub const fn atto(self) -> i128 {
        self.0
    }

    /// Whole dollars.
    pub const fn from_dollars(d: i64) -> Usd {
        Usd(d as i128 * ATTO_PER_USD)
    }

    /// Whole cents.
    pub const fn from_cents(c: i64) -> Usd {
        Usd(c as i128 * (ATTO_PER_USD / 100))
    }

    /// Parses an exact decimal such as `"0.01"`, `"-3"`, `"1e-5"` or `"2.5E3"`.
    ///
    /// At most 18 fractional digits survive (more is an error, not a rounding).
    pub fn parse_decimal(text: &str) -> Result<Usd, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty number".into());
        }
        let (mantissa, exp) = match t.find(['e', 'E']) {
            Some(i) => {
                let e: i64 = t[i + 1..]
                    .parse()
                    .map_err(|_| format!("`{t}` is not a decimal number"))?;
                (&t[..i], e)
            }
            None => (t, 0),
        };
        let (neg, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((a, b)) => (a, b),
            None => (digits, ""),
        };
        if (int_part.is_empty() && frac_part.is_empty())
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(format!("`{t}` is not a decimal number"));
        }
        let all: String = format!("{int_part}{frac_part}");
        let all = all.trim_start_matches('0');
        if all.is_empty() {
            // zero, whatever its exponent (issue 20 item 4: `0e2147483647` spun for 22 s)
            return Ok(Usd(0));
        }
        // value = all × 10^scale atto; i64 cannot overflow here (|exp| < 2^63 - 2^32)
        let scale = exp
            .checked_sub(frac_part.len() as i64)
            .and_then(|x| x.checked_add(18))
            .ok_or_else(|| format!("`{t}` is out of range"))?;
        let too_big = || {
            format!("`{t}` is out of range: amounts are exact to 1e-18 USD up to about 1.7e20 USD")
        };
        if scale > 38 {
            return Err(too_big());
        }
        let mut v: i128 = 0;
        for b in all.bytes() {
            v = v
                .checked_mul(10)
                .and_then(|x| x.checked_add(i128::from(b - b'0')))
                .ok_or_else(too_big)?;
        }
        if scale >= 0 {
            for _ in 0..scale {
                v = v.checked_mul(10).ok_or_else(too_big)?;
            }
        } else {
            // v > 0 has at most 39 digits, so a non-zero remainder stops this loop early
            for _ in 0..(-scale) {
                if v % 10 != 0 {
                    return Err(format!("`{t}` has more than 18 decimals"));
                }
                v /= 10;
            }
        }
        Ok(Usd(if neg { -v } else { v }))
    }

    /// Converts an `f64` through its shortest round-trip decimal form, so `0.01_f64`
    /// becomes exactly one cent. Errors on NaN, infinities and values needing more
    /// than 18 decimals (beyond 1e-18 the value is rounded to 18 decimals).
    pub fn from_f64(x: f64) -> Result<Usd, String> {
        if !x.is_finite() {
            return Err(format!("{x} is not a finite number"));
        }
        match Usd::parse_decimal(&format!("{x}")) {
            Ok(u) => Ok(u),
            Err(_) => Usd::parse_decimal(&format!("{x:.18}")),
        }
    }

    /// Approximate value as `f64` (for ratios and charts only, never for output).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ATTO_PER_USD as f64
    }

    /// Whether the value hit the end of the representable range (about
    /// ±1.7e20 USD), where the saturating arithmetic stops being exact.
    pub fn is_saturated(self) -> bool {
        self.0 == i128::MAX || self.0 == i128::MIN
    }

    /// Exact product with an integer count.
    pub fn times(self, n: u64) -> Usd {
        Usd(self.0.saturating_mul(i128::from(n)))
    }

    /// `self × num / den`, rounded half to even at one atto-dollar. `den` must be > 0.
    pub fn mul_ratio(self, num: i128, den: i128) -> Usd {
        debug_assert!(den > 0);
        // self = q·den + r and num = nq·den + nr, so
        // self·num/den = q·nq·den + q·nr + r·nq + r·nr/den, with r·nr < den².
        let (q, r) = (self.0.div_euclid(den), self.0.rem_euclid(den));
        let (nq, nr) = (num.div_euclid(den), num.rem_euclid(den));
        let tail = match r.checked_mul(nr) {
            Some(x) => div_round_half_even(x, den),
            None => (r as f64 * nr as f64 / den as f64).round() as i128,
        };
        Usd(q
            .saturating_mul(nq)
            .saturating_mul(den)
            .saturating_add(q.saturating_mul(nr))
            .saturating_add(r.saturating_mul(nq))
            .saturating_add(tail))
    }

    /// Multiplies by an `f64` factor, rounding to the nearest atto-dollar
    /// (used for sensitivity scalings such as ×1.1; the factor is first turned
    /// into an exact decimal with 9 decimals).
    pub fn scale(self, factor: f64) -> Usd {
        let nano = (factor * 1e9).round() as i128;
        self.mul_ratio(nano, 1_000_000_000)
    }

    /// Ratio `self / other` as `f64` (`NaN` if `other` is zero).
    pub fn ratio(self, other: Usd) -> f64 {
        self.0 as f64 / other.0 as f64
    }

    /// Rounds to whole cents, half away from zero (the usual invoicing rule).
    pub fn round_to_cents(self) -> Usd {
        let cent = ATTO_PER_USD / 100;
        let q = self.0 / cent;
        let r = self.0 % cent;
        let q = if 2 * r.abs() >= cent {
            q + r.signum()
        } else {
            q
        };
        Usd(q.saturating_mul(cent))
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Formats with exactly `decimals` fractional digits (rounded half away from zero).
    pub fn format_fixed(self, decimals: u32) -> String {
        let decimals = decimals.min(18);
        let unit = 10_i128.pow(18 - decimals);
        let q = self.0 / unit;
        let r = self.0 % unit;
        let q = if 2 * r.abs() >= unit {
            q + r.signum()
        } else {
            q
        };
        let neg = q < 0;
        let a = q.unsigned_abs();
        let p = 10_u128.pow(decimals);
        let (i, f) = (a / p, a % p);
        let sign = if neg { "-" } else { "" };
        if decimals == 0 {
            format!("{sign}{i}")
        } else {
            format!("{sign}{i}.{f:0width$}", width = decimals as usize)
        }
    }

    /// Exact decimal with at least two decimals (the JSON form).
    pub fn exact_string(self) -> String {
        let s = self.format_fixed(18);
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut frac = frac.trim_end_matches('0').to_string();
        while frac.len() < 2 {
            frac.push('0');
        }
        format!("{int}.{frac}")
    }

    /// Human form with thousands separators: `$1,234.50` for amounts of at least a
    /// cent, otherwise the exact value (`$0.00015`).
    pub fn pretty(self) -> String {
        if self.0 != 0 && self.0.abs() < ATTO_PER_USD / 100 {
            return format!("${}", self.exact_string());
        }
        let s = self.format_fixed(2);
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r.to_string()),
            None => (false, s),
        };
        let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{}${grouped}.{frac}", if neg { "-" } else { "" })
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.exact_string())
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, o: Usd) -> Usd {
        Usd(self.0.saturating_add(o.0))
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, o: Usd) {
        self.0 = self.0.saturating_add(o.0);
    }
}

impl Sub for Usd {
    type Output = Usd;
    fn sub(self, o: Usd) -> Usd {
        Usd(self.0.saturating_sub(o.0))
    }
}

impl Neg for Usd {
    type Output = Usd;
    fn neg(self) -> Usd {
        Usd(-self.0)
    }
}

impl std::iter::Sum for Usd {
    fn sum<I: Iterator<Item = Usd>>(iter: I) -> Usd {
        iter.fold(Usd::ZERO, |a, b| a + b)
    }
}

impl Serialize for Usd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.exact_string())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Usd, D::Error> {
        let s = String::deserialize(d)?;
        Usd::parse_decimal(&s).map_err(serde::de::Error::custom)
    }
}

/// Validates a user-supplied non-negative dollar amount given as `f64`.
#[allow(dead_code)]
pub(crate) fn usd_param(name: &str, x: f64) -> Result<Usd, CostError> {
    let u = Usd::from_f64(x).map_err(|m| CostError::invalid(name, m))?;
    if u.is_negative() {
        return Err(CostError::invalid(name, format!("must be ≥ 0, got {x}")));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(Usd::parse_decimal("0.01").unwrap(), Usd::from_cents(1));
        assert_eq!(
            Usd::parse_decimal("1e-5").unwrap().atto(),
            10_000_000_000_000
        );
        assert_eq!(
            Usd::parse_decimal("2.5E3").unwrap(),
            Usd::from_dollars(2500)
        );
        assert_eq!(Usd::parse_decimal("-0.5").unwrap(), -Usd::from_cents(50));
        assert!(Usd::parse_decimal("abc").is_err());
        assert!(Usd::parse_decimal("1e-19").is_err());
    }

    #[test]
    fn issue20_item4_exponent_overflow() {
        // was read as $0.000000000000000001
        let e = Usd::parse_decimal("1e2147483630").unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        // was 22 s of CPU
        assert_eq!(Usd::parse_decimal("0e2147483647").unwrap(), Usd(0));
        assert_eq!(
            Usd::parse_decimal("0.000e-9223372036854775808").unwrap(),
            Usd(0)
        );
        let e = Usd::parse_decimal("1e2147483647").unwrap_err();
        assert!(e.contains("out of range") && e.contains("1.7e20"), "{e}");
        assert!(
            Usd::parse_decimal("1e-2147483647")
                .unwrap_err()
                .contains("18 decimals")
        );
        assert!(Usd::parse_decimal("1e9223372036854775807").is_err());
        assert_eq!(
            Usd::parse_decimal("1.5e2").unwrap(),
            Usd::from_cents(15_000)
        );
        assert!(Usd::parse_decimal("").is_err());
        assert!(Usd::parse_decimal("1.2.3").is_err());
    }

    #[test]
    fn no_binary_float_noise() {
        let a = Usd::from_f64(0.1).unwrap() + Usd::from_f64(0.2).unwrap();
        assert_eq!(a.exact_string(), "0.30");
        assert_eq!(a.format_fixed(2), "0.30");
        assert_eq!(Usd::from_f64(0.00015).unwrap().exact_string(), "0.00015");
        assert_eq!(Usd::from_dollars(109_500_000).pretty(), "$109,500,000.00");
        assert_eq!(Usd::from_f64(0.00015).unwrap().pretty(), "$0.00015");
        assert!(Usd::from_f64(f64::NAN).is_err());
    }

    #[test]
    fn rounding_rules() {
        assert_eq!(
            Usd::parse_decimal("0.005").unwrap().round_to_cents(),
            Usd::from_cents(1)
        );
        assert_eq!(
            Usd::parse_decimal("0.0049").unwrap().round_to_cents(),
            Usd::ZERO
        );
        assert_eq!(
            Usd::parse_decimal("-0.005").unwrap().round_to_cents(),
            -Usd::from_cents(1)
        );
        assert_eq!(div_round_half_even(5, 2), 2);
        assert_eq!(div_round_half_even(7, 2), 4);
        assert_eq!(div_round_half_even(-5, 2), -2);
        assert_eq!(
            Usd::from_dollars(1).mul_ratio(1, 3).atto(),
            333_333_333_333_333_333
        );
    }

    #[test]
    fn json_is_a_string() {
        let j = serde_json::to_string(&Usd::from_cents(30)).unwrap();
        assert_eq!(j, "\"0.30\"");
        let back: Usd = serde_json::from_str(&j).unwrap();
        assert_eq!(back, Usd::from_cents(30));
    }

    proptest! {
        #[test]
        fn decimal_roundtrip(cents in -10_000_000_000i64..10_000_000_000i64, extra in 0u32..1_000_000) {
            let u = Usd::from_cents(cents) + Usd::from_atto(i128::from(extra));
            prop_assert_eq!(Usd::parse_decimal(&u.exact_string()).unwrap(), u);
        }

        #[test]
        fn mul_ratio_matches_direct_rounding(a in -1_000_000_000_000i128..1_000_000_000_000, num in 0i128..10_000_000, den in 1i128..1_000_000_000) {
            prop_assert_eq!(Usd::from_atto(a).mul_ratio(num, den).atto(), div_round_half_even(a * num, den));
        }

        #[test]
        fn times_is_repeated_addition(c in 0i64..1_000_000, n in 0u64..50) {
            let u = Usd::from_cents(c);
            let mut s = Usd::ZERO;
            for _ in 0..n { s += u; }
            prop_assert_eq!(u.times(n), s);
        }
    }
}
