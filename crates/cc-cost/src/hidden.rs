//! Hidden coordination costs: configuration push vs pull with jitter, service
//! discovery polling vs cached push.
//!
//! **Config.** N nodes, C changes per day. Push sends N messages per change
//! (N·C per day) and all N nodes refetch at once (a burst of N). Pull with period T
//! costs N·86 400/T requests per day whatever C is; polls start uniformly at random
//! within a jitter window J ≤ T, so the request rate peaks at about N/J per second
//! instead of an N-wide burst; a change becomes visible after T/2 on average and T
//! at worst. Pull beats push on message count when 86 400/T < C.
//!
//! **Discovery.** N services each resolving M times per second: polling the registry
//! costs N·M queries per second; a local cache with lifetime TTL plus pushed
//! invalidations costs N/TTL refreshes per second plus N·C/86 400 pushes, a
//! reduction of about M·TTL.

use serde::Serialize;

use crate::CostError;

/// Push vs pull for configuration distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigComparison {
    /// Messages per day with push (N × changes).
    pub push_messages_per_day: f64,
    /// Peak burst with push (all N at once).
    pub push_burst: f64,
    /// Requests per day with pull.
    pub pull_requests_per_day: f64,
    /// Peak pull rate per second with jitter (≈ N / J).
    pub pull_peak_per_second: f64,
    /// Mean staleness with pull, seconds (T/2).
    pub pull_mean_staleness_s: f64,
    /// Worst-case staleness with pull, seconds (T).
    pub pull_max_staleness_s: f64,
    /// Which sends fewer messages.
    pub cheaper: String,
}

fn pos(name: &str, x: f64) -> Result<(), CostError> {
    if !(x.is_finite() && x > 0.0) {
        return Err(CostError::invalid(
            name,
            format!("must be a finite number > 0, got {x}"),
        ));
    }
    Ok(())
}

/// Compares config push with pull every `period_s` seconds jittered over `jitter_s`.
pub fn config_push_vs_pull(
    nodes: u64,
    changes_per_day: f64,
    period_s: f64,
    jitter_s: f64,
) -> Result<ConfigComparison, CostError> {
    if nodes == 0 {
        return Err(CostError::invalid("nodes", "must be ≥ 1"));
    }
    if !(changes_per_day.is_finite() && changes_per_day >= 0.0) {
        return Err(CostError::invalid("changes_per_day", "must be ≥ 0"));
    }
    pos("period_s", period_s)?;
    pos("jitter_s", jitter_s)?;
    if jitter_s > period_s {
        return Err(CostError::invalid("jitter_s", "must not exceed the period"));
    }
    let n = nodes as f64;
    let push = n * changes_per_day;
    let pull = n * 86_400.0 / period_s;
    Ok(ConfigComparison {
        push_messages_per_day: push,
        push_burst: n,
        pull_requests_per_day: pull,
        pull_peak_per_second: n / jitter_s,
        pull_mean_staleness_s: period_s / 2.0,
        pull_max_staleness_s: period_s,
        cheaper: if push <= pull { "push" } else { "pull" }.into(),
    })
}

/// Registry load with polling vs a cache with pushed invalidations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryComparison {
    /// Registry queries per second when every lookup polls.
    pub polling_qps: f64,
    /// Registry load per second with caching + push.
    pub cached_qps: f64,
    /// polling / cached.
    pub reduction: f64,
}

/// Compares registry polling with local caching (lifetime `ttl_s`) plus push.
pub fn discovery_polling_vs_push(
    services: u64,
    lookups_per_s: f64,
    ttl_s: f64,
    changes_per_day: f64,
) -> Result<DiscoveryComparison, CostError> {
    if services == 0 {
        return Err(CostError::invalid("services", "must be ≥ 1"));
    }
    pos("lookups_per_s", lookups_per_s)?;
    pos("ttl_s", ttl_s)?;
    if !(changes_per_day.is_finite() && changes_per_day >= 0.0) {
        return Err(CostError::invalid("changes_per_day", "must be ≥ 0"));
    }
    let n = services as f64;
    let polling = n * lookups_per_s;
    // a cache entry is refreshed at most once per TTL and at most once per lookup
    let cached = n * lookups_per_s.min(1.0 / ttl_s) + n * changes_per_day / 86_400.0;
    Ok(DiscoveryComparison {
        polling_qps: polling,
        cached_qps: cached,
        reduction: polling / cached,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config() {
        let c = config_push_vs_pull(1000, 10.0, 30.0, 30.0).unwrap();
        assert_eq!(c.push_messages_per_day, 10_000.0);
        assert_eq!(c.pull_requests_per_day, 2_880_000.0);
        assert!((c.pull_peak_per_second - 33.333333333333336).abs() < 1e-9);
        assert_eq!(c.cheaper, "push");
        let c = config_push_vs_pull(10, 100_000.0, 30.0, 5.0).unwrap();
        assert_eq!(c.cheaper, "pull");
        assert!(config_push_vs_pull(10, 1.0, 30.0, 60.0).is_err());
    }

    #[test]
    fn discovery() {
        let d = discovery_polling_vs_push(1000, 1.0, 100.0, 0.0).unwrap();
        assert!((d.reduction - 100.0).abs() < 1e-9);
        let d = discovery_polling_vs_push(1000, 10.0, 30.0, 0.0).unwrap();
        assert!((d.reduction - 300.0).abs() < 1e-9);
        assert!(discovery_polling_vs_push(0, 1.0, 1.0, 0.0).is_err());
    }
}
