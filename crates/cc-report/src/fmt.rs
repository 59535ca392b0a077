//! Number formatting shared by the pages.

use cc_sim::stats::{Fraction, Stat};

/// A number with a sensible precision: integers plainly, large values with
/// thousands separators, small ones with up to `sig` significant digits.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x == 0.0 {
        return "0".into(); // also -0.0
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return group(format!("{x:.0}"));
    }
    let a = x.abs();
    let s = if a >= 1000.0 {
        group(format!("{x:.0}"))
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else if a >= 0.01 {
        format!("{x:.3}")
    } else if a == 0.0 {
        "0".into()
    } else {
        format!("{x:.2e}")
    };
    if s.starts_with('-') && s[1..].chars().all(|c| matches!(c, '0' | '.')) {
        s[1..].to_string()
    } else {
        s
    }
}

fn group(s: String) -> String {
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    if digits.len() <= 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return s.clone();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// `mean [lo, hi]` of a statistic (95 % t-interval), or just the mean with one value.
pub(crate) fn stat(s: &Stat) -> String {
    match s.ci95 {
        Some([lo, hi]) if hi > lo => format!("{} [{}, {}]", num(s.mean), num(lo), num(hi)),
        _ => num(s.mean),
    }
}

/// `value [lo, hi]` of a fraction with its Wilson interval.
pub(crate) fn fraction(f: &Fraction) -> String {
    format!(
        "{} [{}, {}]",
        num(f.value),
        num(f.wilson95[0]),
        num(f.wilson95[1])
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(1_234_567.0), "1,234,567");
        assert_eq!(num(29.153), "29.15");
        assert_eq!(num(0.0364), "0.036");
        assert_eq!(num(0.0012), "1.20e-3");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(123.45), "123.5");
    }
}
