//! Monte Carlo runner on rayon.
//!
//! Trial `i` gets the random stream [`trial_rng(seed, i)`](crate::rng::trial_rng);
//! trials run in parallel, results are collected in trial order and reduced
//! sequentially, so the outcome is identical for any number of threads.
//! Progress is reported through a caller-supplied `Fn(done, total)`; the
//! library itself prints nothing.

use crate::SimError;
use crate::rng::{ChaCha8Rng, trial_rng};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

/// A progress callback: `(done, total)`. Called from worker threads, possibly
/// out of order; it is only for display.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// A progress callback that ignores its arguments.
pub fn no_progress(_done: u64, _total: u64) {}

/// Run `trials` independent trials of `f(trial_index, rng)` in parallel and
/// return the results in trial order (first error in trial order wins).
///
/// ```
/// use rand::RngCore;
/// let xs = cc_sim::montecarlo::run_trials(7, 4, &cc_sim::montecarlo::no_progress,
///     |_, mut rng| Ok(rng.next_u32()))?;
/// assert_eq!(xs.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_trials<T, F>(
    seed: u64,
    trials: u32,
    progress: Progress<'_>,
    f: F,
) -> Result<Vec<T>, SimError>
where
    T: Send,
    F: Fn(u64, ChaCha8Rng) -> Result<T, SimError> + Sync,
{
    if trials == 0 {
        return Err(SimError::param("trials", "must be >= 1, got 0"));
    }
    let total = u64::from(trials);
    let done = AtomicU64::new(0);
    let results: Vec<Result<T, SimError>> = (0..total)
        .into_par_iter()
        .map(|i| {
            let r = f(i, trial_rng(seed, i));
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(d, total);
            r
        })
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn thread_count_does_not_matter() {
        let job = || run_trials(11, 64, &no_progress, |i, mut r| Ok(r.next_u64() ^ i)).unwrap();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(job);
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(job);
        assert_eq!(one, two);
    }

    #[test]
    fn progress_reaches_total_and_zero_trials_refused() {
        let last = AtomicU64::new(0);
        run_trials(
            1,
            10,
            &|d, t| {
                assert_eq!(t, 10);
                last.fetch_max(d, Ordering::Relaxed);
            },
            |_, _| Ok(()),
        )
        .unwrap();
        assert_eq!(last.load(Ordering::Relaxed), 10);
        let e = run_trials(1, 0, &no_progress, |_, _| Ok(())).unwrap_err();
        assert!(e.to_string().contains("trials"));
    }
}
