//! Quorum latency as an order statistic.
//!
//! A coordinator that sends to n replicas and waits for k replies sees the k-th
//! smallest of the n reply latencies, T₍ₖ₎. For independent (not necessarily
//! identically distributed) latencies with CDFs F₁, …, Fₙ,
//!
//! P(T₍ₖ₎ ≤ t) = P(at least k of the n are ≤ t) = Σ_{j ≥ k} P(N(t) = j),
//!
//! where N(t) = Σᵢ 1(Xᵢ ≤ t) is Poisson-binomial with success probabilities
//! pᵢ = Fᵢ(t); its distribution is computed exactly by the O(n²) recursion
//! P_m(j) = P_{m−1}(j)(1 − p_m) + P_{m−1}(j − 1) p_m. The mean follows from
//! E(T₍ₖ₎) = ∫₀^∞ (1 − P(T₍ₖ₎ ≤ t)) dt (latencies are non-negative): exactly as a
//! finite sum when all distributions are empirical or deterministic (the survival
//! function is then a step function), otherwise by composite Simpson integration
//! between the distributions' breakpoints and up to 60 mean lifetimes of the slowest
//! exponential tail.
//!
//! Closed form for i.i.d. exponentials with rate λ (Rényi's representation):
//! E(T₍ₖ₎) = Σ_{i=0}^{k−1} 1 / ((n − i) λ); in particular the minimum of n has mean
//! 1/(nλ) and the majority (k = ⌊n/2⌋ + 1) grows like ln 2/λ.
//!
//! [`placed_kth_rtt`] gives the deterministic counterpart from an RTT matrix, e.g.
//! the commit latency of a leader in `us-east-1` that needs ⌊N/2⌋ follower acks.

use serde::Serialize;

use crate::CostError;
use crate::catalog::{Catalog, Placement};

/// The latency distribution of one replica's reply, in ms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LatencyDist {
    /// Exponential with the given mean.
    Exponential {
        /// Mean, ms (> 0).
        mean_ms: f64,
    },
    /// `shift_ms` + an exponential with mean `mean_excess_ms` (a propagation floor
    /// plus queueing).
    ShiftedExponential {
        /// Minimum latency, ms.
        shift_ms: f64,
        /// Mean of the exponential part, ms (> 0).
        mean_excess_ms: f64,
    },
    /// Always exactly `ms`.
    Deterministic {
        /// Latency, ms.
        ms: f64,
    },
    /// Uniform over the given samples (each sample has probability 1/len).
    Empirical {
        /// Samples, ms (non-empty).
        samples_ms: Vec<f64>,
    },
}

impl LatencyDist {
    fn validate(&self, name: &str) -> Result<(), CostError> {
        let bad = |m: String| Err(CostError::invalid(name, m));
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        match self {
            LatencyDist::Exponential { mean_ms } if !(ok(*mean_ms) && *mean_ms > 0.0) => {
                bad(format!("exponential mean must be > 0, got {mean_ms}"))
            }
            LatencyDist::ShiftedExponential {
                shift_ms,
                mean_excess_ms,
            } if !(ok(*shift_ms) && ok(*mean_excess_ms) && *mean_excess_ms > 0.0) => bad(format!(
                "shifted exponential needs shift ≥ 0 and mean > 0, got {shift_ms}, {mean_excess_ms}"
            )),
            LatencyDist::Deterministic { ms } if !ok(*ms) => {
                bad(format!("latency must be ≥ 0, got {ms}"))
            }
            LatencyDist::Empirical { samples_ms } if samples_ms.is_empty() => {
                bad("empirical distribution needs at least one sample".into())
            }
            LatencyDist::Empirical { samples_ms } if !samples_ms.iter().all(|x| ok(*x)) => {
                bad("samples must be finite and ≥ 0".into())
            }
            _ => Ok(()),
        }
    }

    /// CDF P(X ≤ t).
    pub fn cdf(&self, t: f64) -> f64 {
        match self {
            LatencyDist::Exponential { mean_ms } => {
                if t <= 0.0 {
                    0.0
                } else {
                    -(-t / mean_ms).exp_m1()
                }
            }
            LatencyDist::ShiftedExponential {
                shift_ms,
                mean_excess_ms,
            } => {
                if t <= *shift_ms {
                    0.0
                } else {
                    -(-(t - shift_ms) / mean_excess_ms).exp_m1()
                }
            }
            LatencyDist::Deterministic { ms } => {
                if t >= *ms {
                    1.0
                } else {
                    0.0
                }
            }
            LatencyDist::Empirical { samples_ms } => {
                samples_ms.iter().filter(|&&x| x <= t).count() as f64 / samples_ms.len() as f64
            }
        }
    }

    /// Mean, ms.
    pub fn mean(&self) -> f64 {
        match self {
            LatencyDist::Exponential { mean_ms } => *mean_ms,
            LatencyDist::ShiftedExponential {
                shift_ms,
                mean_excess_ms,
            } => shift_ms + mean_excess_ms,
            LatencyDist::Deterministic { ms } => *ms,
            LatencyDist::Empirical { samples_ms } => {
                samples_ms.iter().sum::<f64>() / samples_ms.len() as f64
            }
        }
    }

    fn breakpoints(&self, out: &mut Vec<f64>) {
        match self {
            LatencyDist::Exponential { .. } => {}
            LatencyDist::ShiftedExponential { shift_ms, .. } => out.push(*shift_ms),
            LatencyDist::Deterministic { ms } => out.push(*ms),
            LatencyDist::Empirical { samples_ms } => out.extend(samples_ms.iter().copied()),
        }
    }

    fn tail_mean(&self) -> Option<f64> {
        match self {
            LatencyDist::Exponential { mean_ms } => Some(*mean_ms),
            LatencyDist::ShiftedExponential { mean_excess_ms, .. } => Some(*mean_excess_ms),
            _ => None,
        }
    }
}

fn check_k(n: usize, k: usize) -> Result<(), CostError> {
    if n == 0 {
        return Err(CostError::invalid("replicas", "need at least one replica"));
    }
    if k == 0 || k > n {
        return Err(CostError::invalid(
            "k",
            format!("must be in 1..={n} (replies awaited out of {n}), got {k}"),
        ));
    }
    Ok(())
}

/// P(T₍ₖ₎ ≤ t): the k-th fastest of the independent replies has arrived by `t`.
pub fn kth_cdf(dists: &[LatencyDist], k: usize, t: f64) -> Result<f64, CostError> {
    check_k(dists.len(), k)?;
    for d in dists {
        d.validate("distribution")?;
    }
    Ok(kth_cdf_unchecked(dists, k, t))
}

fn kth_cdf_unchecked(dists: &[LatencyDist], k: usize, t: f64) -> f64 {
    let n = dists.len();
    let mut p = vec![0.0f64; n + 1];
    p[0] = 1.0;
    for (m, d) in dists.iter().enumerate() {
        let q = d.cdf(t);
        for j in (0..=m + 1).rev() {
            let stay = p[j] * (1.0 - q);
            let up = if j > 0 { p[j - 1] * q } else { 0.0 };
            p[j] = stay + up;
        }
    }
    p[k..].iter().sum::<f64>().clamp(0.0, 1.0)
}

fn simpson<F: Fn(f64) -> f64>(f: &F, a: f64, b: f64, intervals: usize) -> f64 {
    if b <= a {
        return 0.0;
    }
    let n = intervals.max(2) & !1;
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let x = a + h * i as f64;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

/// E(T₍ₖ₎), the mean latency until `k` of the independent replies have arrived, ms.
pub fn kth_mean(dists: &[LatencyDist], k: usize) -> Result<f64, CostError> {
    check_k(dists.len(), k)?;
    for d in dists {
        d.validate("distribution")?;
    }
    let mut bps = vec![0.0];
    for d in dists {
        d.breakpoints(&mut bps);
    }
    bps.sort_by(f64::total_cmp);
    bps.dedup();
    let surv = |t: f64| 1.0 - kth_cdf_unchecked(dists, k, t);
    let tail = dists
        .iter()
        .filter_map(LatencyDist::tail_mean)
        .fold(0.0, f64::max);
    let mut total = 0.0;
    for w in bps.windows(2) {
        total += if tail == 0.0 {
            // step function: constant on [w0, w1)
            (w[1] - w[0]) * surv(w[0])
        } else {
            // smooth inside the segment; nudge off the jump points
            let eps = (w[1] - w[0]) * 1e-12;
            simpson(&surv, w[0] + eps, w[1] - eps, 2000)
        };
    }
    if tail > 0.0 {
        let start = *bps.last().unwrap_or(&0.0);
        let end = start + 60.0 * tail;
        total += simpson(&surv, start + start.abs() * 1e-12, end, 20_000);
    }
    Ok(total)
}

/// The `q`-quantile of T₍ₖ₎ (e.g. `q = 0.99`), ms, by bisection to 1 µs.
pub fn kth_quantile(dists: &[LatencyDist], k: usize, q: f64) -> Result<f64, CostError> {
    check_k(dists.len(), k)?;
    if !(q > 0.0 && q < 1.0) {
        return Err(CostError::invalid(
            "quantile",
            format!("must be in (0, 1), got {q}"),
        ));
    }
    for d in dists {
        d.validate("distribution")?;
    }
    let mut hi = 1.0;
    while kth_cdf_unchecked(dists, k, hi) < q {
        hi *= 2.0;
        if hi > 1e12 {
            return Err(CostError::Numerical {
                what: "kth_quantile".into(),
                message: "quantile beyond 1e12 ms".into(),
            });
        }
    }
    let mut lo = 0.0;
    while hi - lo > 1e-3 {
        let mid = 0.5 * (lo + hi);
        if kth_cdf_unchecked(dists, k, mid) >= q {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// Closed form E(T₍ₖ₎) for n i.i.d. exponentials with mean `mean_ms`:
/// Σ_{i=0}^{k−1} mean / (n − i).
pub fn exp_iid_kth_mean(n: usize, k: usize, mean_ms: f64) -> Result<f64, CostError> {
    check_k(n, k)?;
    if !(mean_ms.is_finite() && mean_ms > 0.0) {
        return Err(CostError::invalid(
            "mean_ms",
            format!("must be > 0, got {mean_ms}"),
        ));
    }
    Ok((0..k).map(|i| mean_ms / (n - i) as f64).sum())
}

/// The k-th smallest RTT from `from` to the placements `to` (ms), with the
/// statistic label of the matrix used: the latency of waiting for k replies when
/// each reply takes its path's RTT.
pub fn placed_kth_rtt(
    catalog: &Catalog,
    from: &Placement,
    to: &[Placement],
    k: usize,
) -> Result<(f64, String), CostError> {
    check_k(to.len(), k)?;
    let mut v = Vec::with_capacity(to.len());
    let mut stat = String::new();
    for p in to {
        let (r, s) = catalog.rtt_ms(from, p)?;
        v.push(r);
        stat = s;
    }
    v.sort_by(f64::total_cmp);
    Ok((v[k - 1], stat))
}

/// Majority-commit latency of a leader: with N = 1 + followers replicas the leader
/// needs ⌊N/2⌋ follower acknowledgements (itself being the remaining vote), so the
/// latency is the ⌊N/2⌋-th smallest leader→follower RTT.
pub fn majority_commit_rtt(
    catalog: &Catalog,
    leader: &Placement,
    followers: &[Placement],
) -> Result<(f64, String), CostError> {
    let n = followers.len() + 1;
    if n < 2 {
        return Err(CostError::invalid("regions", "need at least one follower"));
    }
    placed_kth_rtt(catalog, leader, followers, n / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }
    }

    #[test]
    fn min_of_exponentials_closed_form() {
        // min of n i.i.d. Exp(mean m) is Exp(mean m/n)
        for n in 1..8 {
            let d = vec![LatencyDist::Exponential { mean_ms: 30.0 }; n];
            let got = kth_mean(&d, 1).unwrap();
            assert!((got - 30.0 / n as f64).abs() < 1e-6, "{n}: {got}");
        }
        // min of independent non-identical exponentials: rate = Σ rates
        let d = [
            LatencyDist::Exponential { mean_ms: 10.0 },
            LatencyDist::Exponential { mean_ms: 20.0 },
            LatencyDist::Exponential { mean_ms: 40.0 },
        ];
        let rate = 0.1 + 0.05 + 0.025;
        assert!((kth_mean(&d, 1).unwrap() - 1.0 / rate).abs() < 1e-6);
        // median of min: ln 2 / rate
        assert!((kth_quantile(&d, 1, 0.5).unwrap() - 2f64.ln() / rate).abs() < 2e-3);
    }

    #[test]
    fn kth_of_iid_exponentials_matches_renyi() {
        for n in 1..8 {
            for k in 1..=n {
                let d = vec![LatencyDist::Exponential { mean_ms: 25.0 }; n];
                let got = kth_mean(&d, k).unwrap();
                let want = exp_iid_kth_mean(n, k, 25.0).unwrap();
                assert!(
                    (got - want).abs() < 1e-5 * want,
                    "n={n} k={k}: {got} vs {want}"
                );
            }
        }
        // max of 2: 1.5 × mean
        assert!((exp_iid_kth_mean(2, 2, 10.0).unwrap() - 15.0).abs() < 1e-12);
    }

    #[test]
    fn empirical_matches_brute_force_enumeration() {
        let d = vec![
            LatencyDist::Empirical {
                samples_ms: vec![10.0, 50.0, 90.0],
            },
            LatencyDist::Empirical {
                samples_ms: vec![20.0, 30.0],
            },
            LatencyDist::Empirical {
                samples_ms: vec![5.0, 60.0, 61.0, 200.0],
            },
            LatencyDist::Deterministic { ms: 40.0 },
        ];
        for k in 1..=4 {
            // enumerate all 3·2·4 equally likely outcomes
            let mut sum = 0.0;
            let mut count = 0.0;
            for a in [10.0, 50.0, 90.0] {
                for b in [20.0, 30.0] {
                    for c in [5.0, 60.0, 61.0, 200.0] {
                        let mut v = [a, b, c, 40.0];
                        v.sort_by(f64::total_cmp);
                        sum += v[k - 1];
                        count += 1.0;
                    }
                }
            }
            let got = kth_mean(&d, k).unwrap();
            assert!(
                (got - sum / count).abs() < 1e-9,
                "k={k}: {got} vs {}",
                sum / count
            );
        }
    }

    #[test]
    fn mixed_matches_monte_carlo() {
        let d = vec![
            LatencyDist::ShiftedExponential {
                shift_ms: 70.0,
                mean_excess_ms: 5.0,
            },
            LatencyDist::ShiftedExponential {
                shift_ms: 12.0,
                mean_excess_ms: 2.0,
            },
            LatencyDist::Exponential { mean_ms: 40.0 },
            LatencyDist::Empirical {
                samples_ms: vec![30.0, 35.0, 100.0],
            },
        ];
        let mut rng = Lcg(42);
        let trials = 200_000;
        let mut sum = 0.0;
        for _ in 0..trials {
            let mut v = [
                70.0 - 5.0 * rng.next().ln(),
                12.0 - 2.0 * rng.next().ln(),
                -40.0 * rng.next().ln(),
                [30.0, 35.0, 100.0][((rng.next() * 3.0) as usize).min(2)],
            ];
            v.sort_by(f64::total_cmp);
            sum += v[2];
        }
        let mc = sum / trials as f64;
        let got = kth_mean(&d, 3).unwrap();
        assert!((got - mc).abs() < 0.01 * mc, "{got} vs MC {mc}");
    }

    #[test]
    fn invalid_inputs_are_errors() {
        let d = vec![LatencyDist::Exponential { mean_ms: 1.0 }; 3];
        assert!(matches!(
            kth_mean(&d, 4),
            Err(CostError::InvalidParameter { .. })
        ));
        assert!(kth_mean(&d, 0).is_err());
        assert!(kth_mean(&[LatencyDist::Exponential { mean_ms: -1.0 }], 1).is_err());
        assert!(kth_mean(&[LatencyDist::Empirical { samples_ms: vec![] }], 1).is_err());
        assert!(kth_quantile(&d, 1, 1.0).is_err());
    }

    #[test]
    fn placed_majority_from_us_east_1() {
        let c = Catalog::try_builtin().unwrap();
        let p = |s: &str| c.placement("regions", s).unwrap();
        let leader = p("us-east-1");
        let followers = [
            p("us-east-2"),
            p("us-west-2"),
            p("eu-west-1"),
            p("ap-northeast-1"),
        ];
        let (ms, stat) = majority_commit_rtt(&c, &leader, &followers).unwrap();
        // N = 5 → 2 follower acks: the second smallest of the four RTTs
        let mut v: Vec<f64> = followers
            .iter()
            .map(|f| c.rtt_ms(&leader, f).unwrap().0)
            .collect();
        v.sort_by(f64::total_cmp);
        assert_eq!(ms, v[1]);
        // the AWS matrix is Skyplane's mean of one ping run per pair
        assert_eq!(stat, "mean");
    }

    proptest! {
        #[test]
        fn kth_mean_monotone_in_k(means in proptest::collection::vec(1.0f64..100.0, 1..6)) {
            let d: Vec<LatencyDist> = means.iter().map(|&m| LatencyDist::Exponential { mean_ms: m }).collect();
            let mut prev = 0.0;
            for k in 1..=d.len() {
                let m = kth_mean(&d, k).unwrap();
                prop_assert!(m >= prev - 1e-9);
                prev = m;
            }
        }

        #[test]
        fn kth_cdf_monotone_in_t(samples in proptest::collection::vec(0.0f64..100.0, 1..5), t in 0.0f64..100.0) {
            let d: Vec<LatencyDist> = samples.iter().map(|&s| LatencyDist::Deterministic { ms: s }).collect();
            for k in 1..=d.len() {
                prop_assert!(kth_cdf(&d, k, t).unwrap() <= kth_cdf(&d, k, t + 1.0).unwrap());
            }
        }
    }
}
