//! Summary statistics for Monte Carlo results.
//!
//! * Mean with a two-sided 95 % confidence interval from Student's t
//!   distribution: `mean ± t_{0.975, m-1} · s / √m`, where `s` is the sample
//!   standard deviation of the `m` trial values.
//! * Median (average of the two middle values for even `m`), minimum and maximum.
//! * Wilson score interval for a pooled fraction `x / N`:
//!   `(p̂ + z²/2N ± z·√(p̂(1-p̂)/N + z²/4N²)) / (1 + z²/N)` with `z = 1.959964`.
//! * Percentiles use the nearest-rank rule: `p`-th percentile of sorted
//!   `x_1..x_m` is `x_⌈p·m⌉`.

use serde::Serialize;

/// Two-sided 97.5 % quantile of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// 97.5 % quantile of the standard normal distribution.
pub const Z975: f64 = 1.959_963_984_540_054;

/// The 0.975 quantile of Student's t distribution with `df` degrees of freedom
/// (table for `df <= 30`, Cornish–Fisher expansion above, error < 1e-4).
pub fn t975(df: usize) -> f64 {
    match df {
        0 => f64::INFINITY,
        1..=30 => T975[df - 1],
        _ => {
            let z = Z975;
            let v = df as f64;
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            z + (z3 + z) / (4.0 * v) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Summary of one metric over Monte Carlo trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stat {
    /// Arithmetic mean.
    pub mean: f64,
    /// 95 % t-interval `[lo, hi]` for the mean; `None` with fewer than 2 trials.
    pub ci95: Option<[f64; 2]>,
    /// Median.
    pub median: f64,
    /// 99th percentile, nearest rank: the `⌈0.99·m⌉`-th smallest of the `m` values
    /// (the maximum when `m < 100`).
    pub p99: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Number of values summarised.
    pub count: usize,
}

impl Stat {
    /// Summarise `xs`; `None` if `xs` is empty or contains a NaN.
    pub fn of(xs: &[f64]) -> Option<Stat> {
        if xs.is_empty() || xs.iter().any(|x| x.is_nan()) {
            return None;
        }
        let m = xs.len();
        let mean = xs.iter().sum::<f64>() / m as f64;
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let median = if m % 2 == 1 {
            sorted[m / 2]
        } else {
            0.5 * (sorted[m / 2 - 1] + sorted[m / 2])
        };
        let ci95 = if m >= 2 {
            let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (m - 1) as f64;
            let half = t975(m - 1) * (var / m as f64).sqrt();
            Some([mean - half, mean + half])
        } else {
            None
        };
        Some(Stat {
            mean,
            ci95,
            median,
            p99: percentile_sorted(&sorted, 0.99).unwrap_or(sorted[m - 1]),
            min: sorted[0],
            max: sorted[m - 1],
            count: m,
        })
    }

    /// The same summary for a quantity known to lie in `[lo, hi]` (a fraction in `[0, 1]`,
    /// a count or a time `>= 0`): the t-interval is intersected with that range, so that a
    /// few trials of a skewed fraction do not report an interval like `[-0.05, 1.5]`.
    ///
    /// ```text
    /// ci95 = [max(lo, mean - h), min(hi, mean + h)]
    /// ```
    ///
    /// ```
    /// use cc_sim::stats::Stat;
    /// let s = Stat::of(&[0.0, 1.0, 1.0, 1.0]).unwrap().clamped(0.0, 1.0);
    /// let [lo, hi] = s.ci95.unwrap();
    /// assert!(lo >= 0.0 && hi <= 1.0 && lo < s.mean && s.mean < hi);
    /// ```
    #[must_use]
    pub fn clamped(mut self, lo: f64, hi: f64) -> Stat {
        if let Some([a, b]) = self.ci95 {
            self.ci95 = Some([a.clamp(lo, hi), b.clamp(lo, hi)]);
        }
        self
    }
}

impl std::fmt::Display for Stat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ci95 {
            Some([lo, hi]) => write!(
                f,
                "{} [{}, {}]  median {}  p99 {}  min {}  max {}",
                fmt_num(self.mean),
                fmt_num(lo),
                fmt_num(hi),
                fmt_num(self.median),
                fmt_num(self.p99),
                fmt_num(self.min),
                fmt_num(self.max)
            ),
            None => write!(f, "{} (single trial)", fmt_num(self.mean)),
        }
    }
}

/// Compact number formatting used by the tables (4 significant digits).
pub fn fmt_num(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e6 || x.abs() < 1e-3 {
        format!("{x:.3e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{x:.digits$}")
    }
}

/// Wilson score 95 % interval for `successes` out of `total` (`[0, 1]` when `total == 0`).
pub fn wilson95(successes: u64, total: u64) -> [f64; 2] {
    if total == 0 {
        return [0.0, 1.0];
    }
    let n = total as f64;
    let p = successes as f64 / n;
    let z = Z975;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = p + z2 / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    [
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    ]
}

/// A pooled fraction with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fraction {
    /// Successes.
    pub successes: u64,
    /// Total.
    pub total: u64,
    /// `successes / total` (0 when total is 0).
    pub value: f64,
    /// Wilson 95 % interval.
    pub wilson95: [f64; 2],
}

impl Fraction {
    /// Build from counts.
    pub fn new(successes: u64, total: u64) -> Fraction {
        Fraction {
            successes,
            total,
            value: if total == 0 {
                0.0
            } else {
                successes as f64 / total as f64
            },
            wilson95: wilson95(successes, total),
        }
    }
}

/// Nearest-rank percentile of an ascending slice (`p` in `[0, 1]`); `None` if empty.
pub fn percentile_sorted<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p99_is_the_nearest_rank_percentile() {
        let xs: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(Stat::of(&xs).unwrap().p99, 198.0);
        let xs: Vec<f64> = (1..=1000).rev().map(f64::from).collect();
        assert_eq!(Stat::of(&xs).unwrap().p99, 990.0);
    }

    #[test]
    fn stat_basic() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.median, 2.5);
        assert_eq!(s.p99, 4.0);
        assert_eq!(s.min, 1.0);
        assert_eq!(s.max, 4.0);
        let [lo, hi] = s.ci95.unwrap();
        // sd = 1.29099, se = 0.645497, t(3) = 3.182
        assert!((hi - 2.5 - 3.182 * 0.645_497).abs() < 1e-4);
        assert!((2.5 - lo - 3.182 * 0.645_497).abs() < 1e-4);
        assert!(Stat::of(&[]).is_none());
        assert!(Stat::of(&[5.0]).unwrap().ci95.is_none());
    }

    #[test]
    fn t_quantile_continuity() {
        assert!((t975(30) - 2.042).abs() < 1e-3);
        assert!((t975(31) - 2.0395).abs() < 1e-3);
        assert!((t975(120) - 1.9799).abs() < 1e-3);
        assert!((t975(100_000) - Z975).abs() < 1e-3);
    }

    #[test]
    fn wilson_known_value() {
        // 10 successes of 100: Wilson interval [0.0552, 0.1747].
        let [lo, hi] = wilson95(10, 100);
        assert!((lo - 0.0552).abs() < 1e-3, "{lo}");
        assert!((hi - 0.1747).abs() < 1e-3, "{hi}");
        let [lo, hi] = wilson95(0, 50);
        assert!(lo.abs() < 1e-12, "{lo}");
        assert!(hi > 0.0 && hi < 0.1);
    }

    #[test]
    fn percentile_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile_sorted(&v, 0.5), Some(50));
        assert_eq!(percentile_sorted(&v, 0.99), Some(99));
        assert_eq!(percentile_sorted(&v, 1.0), Some(100));
        assert_eq!(percentile_sorted::<u32>(&[], 0.5), None);
    }
}
