//! Deterministic random streams.
//!
//! Every simulation draws from a [`ChaCha8Rng`]. Monte Carlo trial `i` of a
//! scenario with seed `s` uses `ChaCha8Rng::seed_from_u64(s)` switched to
//! stream `i` ([`trial_rng`]), so trials are independent of each other and of
//! the number of threads that run them.

use rand::{RngCore, SeedableRng};
pub use rand_chacha::ChaCha8Rng;

/// The random stream of Monte Carlo trial `trial` of a scenario seeded with `seed`.
///
/// ```
/// use rand::RngCore;
/// let mut a = cc_sim::rng::trial_rng(7, 3);
/// let mut b = cc_sim::rng::trial_rng(7, 3);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
pub fn trial_rng(seed: u64, trial: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(trial);
    r
}

/// Uniform integer in `0..n` (requires `n >= 1`), unbiased (Lemire's
/// multiply-and-reject method: one 32-bit draw and one multiplication in the
/// common case).
#[inline]
pub fn below(rng: &mut ChaCha8Rng, n: u32) -> u32 {
    debug_assert!(n > 0);
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    let mut low = m as u32;
    if low < n {
        let threshold = n.wrapping_neg() % n;
        while low < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
            low = m as u32;
        }
    }
    (m >> 32) as u32
}

/// Uniform node in `0..n` other than `me` (requires `n >= 2`).
#[inline]
pub fn other(rng: &mut ChaCha8Rng, n: u32, me: u32) -> u32 {
    let t = below(rng, n - 1);
    if t >= me { t + 1 } else { t }
}

/// Uniform `f64` in `[0, 1)` with 53 random bits.
#[inline]
pub fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `true` with probability `p` (no draw when `p` is 0 or 1).
#[inline]
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        unit(rng) < p
    }
}

/// Standard normal variate (Box–Muller).
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - unit(rng); // (0, 1]
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A uniformly random subset of `0..n` of size `k` (Floyd's algorithm),
/// returned sorted. Requires `k <= n`.
pub fn sample_subset(rng: &mut ChaCha8Rng, n: u32, k: u32) -> Vec<u32> {
    let mut chosen = std::collections::BTreeSet::new();
    for j in (n - k)..n {
        let t = below(rng, j + 1);
        if !chosen.insert(t) {
            chosen.insert(j);
        }
    }
    chosen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = trial_rng(1, 0);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[below(&mut r, 7) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn other_never_returns_me() {
        let mut r = trial_rng(2, 0);
        for _ in 0..10_000 {
            assert_ne!(other(&mut r, 3, 1), 1);
        }
    }

    #[test]
    fn streams_differ() {
        let mut a = trial_rng(9, 0);
        let mut b = trial_rng(9, 1);
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn subset_is_distinct_and_sized() {
        let mut r = trial_rng(3, 0);
        let s = sample_subset(&mut r, 100, 40);
        assert_eq!(s.len(), 40);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert!(s.iter().all(|&x| x < 100));
    }
}
