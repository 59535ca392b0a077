//! Capacity planning: Little's law, M/M/c (Erlang C) waits and tail latency,
//! servers needed for a latency target and for an availability target.
//!
//! With arrival rate λ, per-server service rate μ (mean service time S = 1/μ), c
//! servers and offered load a = λ/μ (utilisation ρ = a/c < 1):
//!
//! * Little's law: L = λ W (mean number in the system = arrival rate × mean time in it).
//! * Erlang B by the stable recursion B(0) = 1, B(j) = a B(j−1) / (j + a B(j−1));
//!   Erlang C, the probability an arrival must wait:
//!   C(c, a) = c B(c) / (c − a (1 − B(c))).
//! * Waiting time W_q: P(W_q > t) = C e^{−θt} with θ = cμ − λ; E(W_q) = C/θ.
//! * Response time T = W_q + S with S ~ Exp(μ) independent:
//!   P(T > t) = (1 − C) e^{−μt} + C (θ e^{−μt} − μ e^{−θt}) / (θ − μ) (θ ≠ μ), and
//!   (1 − C) e^{−μt} + C (1 + μt) e^{−μt} when θ = μ. Percentiles by bisection.
//!   The waiting-time quantile is closed-form: w_q = max(0, ln(C/(1 − q))/θ).
//! * Availability: with n servers each up independently with probability A, the
//!   service has ≥ c servers with probability Σ_{j ≥ c} C(n, j) Aʲ (1 − A)^{n−j}.
//! * Capacity plan ([`capacity_plan`]): the smallest c meeting the latency quantile,
//!   then the smallest n ≥ c that keeps ≥ c servers up with the target probability.

use serde::Serialize;

use crate::CostError;

fn pos(name: &str, x: f64) -> Result<(), CostError> {
    if !(x.is_finite() && x > 0.0) {
        return Err(CostError::invalid(
            name,
            format!("must be a finite number > 0, got {x}"),
        ));
    }
    Ok(())
}

/// Little's law L = λ W (`lambda` per second, `w_seconds` seconds).
pub fn little_l(lambda: f64, w_seconds: f64) -> Result<f64, CostError> {
    pos("lambda", lambda)?;
    pos("w_seconds", w_seconds)?;
    Ok(lambda * w_seconds)
}

/// An M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MMc {
    /// Arrival rate λ per second.
    pub lambda: f64,
    /// Service rate μ per server per second.
    pub mu: f64,
    /// Servers c.
    pub servers: u32,
}

impl MMc {
    /// Validates λ, μ > 0, c ≥ 1 and stability λ < cμ.
    pub fn new(lambda: f64, mu: f64, servers: u32) -> Result<MMc, CostError> {
        pos("lambda", lambda)?;
        pos("mu", mu)?;
        if servers == 0 {
            return Err(CostError::invalid("servers", "must be ≥ 1"));
        }
        if lambda >= f64::from(servers) * mu {
            return Err(CostError::invalid(
                "servers",
                format!(
                    "unstable: λ = {lambda}/s ≥ cμ = {}/s (need more than {:.2} servers)",
                    f64::from(servers) * mu,
                    lambda / mu
                ),
            ));
        }
        Ok(MMc {
            lambda,
            mu,
            servers,
        })
    }

    /// Utilisation ρ = λ/(cμ).
    pub fn utilisation(&self) -> f64 {
        self.lambda / (f64::from(self.servers) * self.mu)
    }

    /// Erlang C: probability that an arrival waits.
    pub fn erlang_c(&self) -> f64 {
        let a = self.lambda / self.mu;
        let mut b = 1.0;
        for j in 1..=self.servers {
            b = a * b / (f64::from(j) + a * b);
        }
        let c = f64::from(self.servers);
        c * b / (c - a * (1.0 - b))
    }

    fn theta(&self) -> f64 {
        f64::from(self.servers) * self.mu - self.lambda
    }

    /// Mean queueing wait E(W_q), seconds.
    pub fn mean_wait(&self) -> f64 {
        self.erlang_c() / self.theta()
    }

    /// Mean response time E(T) = E(W_q) + 1/μ, seconds.
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + 1.0 / self.mu
    }

    /// Mean number in system by Little's law, L = λ E(T).
    pub fn mean_in_system(&self) -> f64 {
        self.lambda * self.mean_response()
    }

    /// P(T > t) for the response time, `t` in seconds.
    pub fn response_survival(&self, t: f64) -> f64 {
        let c = self.erlang_c();
        let (mu, th) = (self.mu, self.theta());
        let es = (-mu * t).exp();
        let mixed = if (th - mu).abs() < 1e-9 * mu {
            (1.0 + mu * t) * es
        } else {
            (th * es - mu * (-th * t).exp()) / (th - mu)
        };
        ((1.0 - c) * es + c * mixed).clamp(0.0, 1.0)
    }

    /// P(W_q > t), `t` in seconds.
    pub fn wait_survival(&self, t: f64) -> f64 {
        self.erlang_c() * (-self.theta() * t).exp()
    }

    /// The `q`-quantile of the queueing wait W_q, seconds (0 when the probability of
    /// waiting at all is at most 1 − q):
    ///
    /// ```text
    /// w_q = max(0, ln(C / (1 − q)) / (cμ − λ))
    /// ```
    pub fn wait_quantile(&self, q: f64) -> Result<f64, CostError> {
        check_q(q)?;
        let c = self.erlang_c();
        Ok(if c <= 1.0 - q {
            0.0
        } else {
            (c / (1.0 - q)).ln() / self.theta()
        })
    }

    /// The `q`-quantile of the response time (e.g. 0.99), seconds.
    pub fn response_quantile(&self, q: f64) -> Result<f64, CostError> {
        check_q(q)?;
        let target = 1.0 - q;
        let mut hi = 1.0 / self.mu;
        while self.response_survival(hi) > target {
            hi *= 2.0;
        }
        let mut lo = 0.0;
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if self.response_survival(mid) > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Ok(hi)
    }
}

fn check_q(q: f64) -> Result<(), CostError> {
    if !(q > 0.0 && q < 1.0) {
        return Err(CostError::invalid(
            "quantile",
            format!("must be in (0, 1), got {q}"),
        ));
    }
    Ok(())
}

/// Smallest number of servers whose M/M/c response-time `q`-quantile is at most
/// `target_seconds`.
///
/// The search starts at the first stable c = ⌊λ/μ⌋ + 1 and stops with an error if
/// the target is not met by max(4·λ/μ, λ/μ + 10 000) servers (a target at the
/// service-time quantile itself is only approached as c grows).
pub fn servers_for_quantile(
    lambda: f64,
    mu: f64,
    q: f64,
    target_seconds: f64,
) -> Result<u32, CostError> {
    pos("lambda", lambda)?;
    pos("mu", mu)?;
    pos("target", target_seconds)?;
    check_q(q)?;
    // Even with no queueing the response time is Exp(μ): its q-quantile is −ln(1−q)/μ.
    let floor = -(1.0 - q).ln() / mu;
    if floor > target_seconds {
        return Err(CostError::invalid(
            "target",
            format!(
                "unreachable: the service time alone has a {q} quantile of {:.1} ms",
                floor * 1e3
            ),
        ));
    }
    let a = lambda / mu;
    if a >= f64::from(u32::MAX / 8) {
        return Err(CostError::invalid(
            "lambda",
            format!("offered load λ/μ = {a} Erlangs is too large"),
        ));
    }
    let limit = (4.0 * a).max(a + 10_000.0) as u32;
    let mut c = a.floor() as u32 + 1;
    while c <= limit {
        let m = MMc::new(lambda, mu, c)?;
        if m.response_quantile(q)? <= target_seconds {
            return Ok(c);
        }
        c += 1;
    }
    Err(CostError::invalid(
        "target",
        format!(
            "not met with {limit} servers: the service time alone has a {q} quantile of {:.3} ms",
            floor * 1e3
        ),
    ))
}

/// Servers needed for a response-time quantile target **and** an availability target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CapacityPlan {
    /// Servers that must be up for the latency target (M/M/c).
    pub servers_for_latency: u32,
    /// Servers to deploy so that at least `servers_for_latency` are up with the
    /// target probability.
    pub servers_deployed: u32,
    /// Utilisation ρ = λ/(cμ) with `servers_for_latency` up.
    pub utilisation: f64,
    /// The achieved response-time quantile with `servers_for_latency` up, seconds.
    pub achieved_quantile_seconds: f64,
    /// Probability that at least `servers_for_latency` of `servers_deployed` are up.
    pub achieved_availability: f64,
}

/// The capacity plan behind the source text's Exercise 2: the fewest servers whose
/// M/M/c response-time `q`-quantile is ≤ `target_seconds`
/// ([`servers_for_quantile`]), then the fewest deployed servers that keep that many up
/// with probability ≥ `availability_target` when each is up independently with
/// probability `server_availability` ([`servers_for_availability`]).
///
/// ```
/// use cc_cost::queueing::capacity_plan;
/// // 50,000 RPS, 10 ms mean service, p99 ≤ 100 ms, 99 % servers, 99.9 % target
/// let plan = capacity_plan(50_000.0, 100.0, 0.99, 0.1, 0.99, 0.999)?;
/// assert!(plan.achieved_quantile_seconds <= 0.1);
/// assert!(plan.achieved_availability >= 0.999);
/// assert!(plan.servers_deployed > plan.servers_for_latency);
/// # Ok::<(), cc_cost::CostError>(())
/// ```
pub fn capacity_plan(
    lambda: f64,
    mu: f64,
    q: f64,
    target_seconds: f64,
    server_availability: f64,
    availability_target: f64,
) -> Result<CapacityPlan, CostError> {
    let c = servers_for_quantile(lambda, mu, q, target_seconds)?;
    let n = servers_for_availability(c, server_availability, availability_target)?;
    let m = MMc::new(lambda, mu, c)?;
    Ok(CapacityPlan {
        servers_for_latency: c,
        servers_deployed: n,
        utilisation: m.utilisation(),
        achieved_quantile_seconds: m.response_quantile(q)?,
        achieved_availability: prob_at_least_up(n, c, server_availability),
    })
}

/// P(at least `needed` of `n` servers are up) with independent availability `a`.
pub fn prob_at_least_up(n: u32, needed: u32, a: f64) -> f64 {
    if needed == 0 {
        return 1.0;
    }
    if needed > n {
        return 0.0;
    }
    if a >= 1.0 {
        return 1.0;
    }
    if a <= 0.0 {
        return 0.0;
    }
    let (la, lb) = (a.ln(), (1.0 - a).ln());
    // log C(n, j) built incrementally
    let mut log_c = 0.0f64;
    let mut total = 0.0;
    for j in 0..=n {
        if j > 0 {
            log_c += f64::from(n - j + 1).ln() - f64::from(j).ln();
        }
        if j >= needed {
            total += (log_c + f64::from(j) * la + f64::from(n - j) * lb).exp();
        }
    }
    total.min(1.0)
}

/// Smallest n ≥ `needed` with P(at least `needed` up) ≥ `target`.
pub fn servers_for_availability(needed: u32, a: f64, target: f64) -> Result<u32, CostError> {
    if !(a > 0.0 && a <= 1.0) {
        return Err(CostError::invalid(
            "server_availability",
            format!("must be in (0, 1], got {a}"),
        ));
    }
    if !(target > 0.0 && target < 1.0) {
        return Err(CostError::invalid(
            "availability_target",
            format!("must be in (0, 1), got {target}"),
        ));
    }
    let mut n = needed.max(1);
    while prob_at_least_up(n, needed, a) < target {
        n += 1;
        if n > needed.saturating_mul(10).max(needed + 1000) {
            return Err(CostError::invalid(
                "server_availability",
                "target unreachable",
            ));
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mm1_closed_forms() {
        // M/M/1: C = ρ, E[T] = 1/(μ − λ), T ~ Exp(μ − λ)
        let m = MMc::new(80.0, 100.0, 1).unwrap();
        assert!((m.erlang_c() - 0.8).abs() < 1e-12);
        assert!((m.mean_response() - 1.0 / 20.0).abs() < 1e-12);
        let p99 = m.response_quantile(0.99).unwrap();
        assert!((p99 - 100f64.ln() / 20.0).abs() < 1e-9);
        assert!((m.mean_in_system() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn erlang_c_textbook_value() {
        // a = 2 Erlangs, c = 3: C = (8/6 · 3) / (1 + 2 + 2 + 8/6 · 3) = 4 / 9
        let m = MMc::new(2.0, 1.0, 3).unwrap();
        assert!((m.erlang_c() - 4.0 / 9.0).abs() < 1e-12);
        assert!(MMc::new(3.0, 1.0, 3).is_err());
    }

    #[test]
    fn survival_matches_numerical_convolution() {
        // brute force: P(T > t) = P(S > t) + ∫ P(W ∈ dw) P(S > t − w)
        let m = MMc::new(9.0, 2.0, 5).unwrap();
        let (c, th, mu) = (m.erlang_c(), m.theta(), m.mu);
        let t = 0.7;
        let steps = 200_000;
        let h = t / steps as f64;
        let mut integral = 0.0;
        for i in 0..steps {
            let w = (i as f64 + 0.5) * h;
            integral += c * th * (-th * w).exp() * (-mu * (t - w)).exp() * h;
        }
        let brute = (1.0 - c) * (-mu * t).exp() + c * (-th * t).exp() + integral;
        assert!((m.response_survival(t) - brute).abs() < 1e-8);
    }

    #[test]
    fn littles_law_exercise_one() {
        assert_eq!(little_l(1000.0, 0.05).unwrap(), 50.0);
        assert_eq!(little_l(1000.0, 0.2).unwrap(), 200.0);
        assert_eq!(little_l(2000.0, 0.05).unwrap(), 100.0);
        assert!(little_l(-1.0, 0.05).is_err());
    }

    #[test]
    fn capacity_search() {
        let c = servers_for_quantile(50_000.0, 100.0, 0.99, 0.1).unwrap();
        let m = MMc::new(50_000.0, 100.0, c).unwrap();
        assert!(m.response_quantile(0.99).unwrap() <= 0.1);
        let fewer = MMc::new(50_000.0, 100.0, c - 1);
        assert!(fewer.is_err() || fewer.unwrap().response_quantile(0.99).unwrap() > 0.1);
        assert!(servers_for_quantile(10.0, 10.0, 0.99, 0.1).is_err()); // S p99 = 460 ms
    }

    #[test]
    fn wait_quantile_closed_form() {
        // M/M/1 at ρ = 0.8: P(W_q > t) = 0.8 e^{−20 t}; p99: ln(0.8/0.01)/20
        let m = MMc::new(80.0, 100.0, 1).unwrap();
        let w99 = m.wait_quantile(0.99).unwrap();
        assert!((w99 - (80f64).ln() / 20.0).abs() < 1e-12);
        assert!((m.wait_survival(w99) - 0.01).abs() < 1e-12);
        // the median wait is 0 when fewer than half the arrivals wait
        let light = MMc::new(10.0, 100.0, 2).unwrap();
        assert!(light.erlang_c() < 0.5);
        assert_eq!(light.wait_quantile(0.5).unwrap(), 0.0);
        // the response-time quantile exceeds the wait quantile
        assert!(m.response_quantile(0.99).unwrap() > w99);
        assert!(m.wait_quantile(1.0).is_err());
    }

    #[test]
    fn capacity_search_validates_and_terminates() {
        let e = servers_for_quantile(100.0, 10.0, 1.0, 1.0).unwrap_err();
        assert!(matches!(&e, CostError::InvalidParameter { name, .. } if name == "quantile"));
        assert!(servers_for_quantile(100.0, 10.0, 0.0, 1.0).is_err());
        // below the service-time quantile: unreachable, said at once
        let floor = -(0.01f64).ln() / 10.0;
        let e = servers_for_quantile(100.0, 10.0, 0.99, floor * 0.999).unwrap_err();
        assert!(
            matches!(&e, CostError::InvalidParameter { name, .. } if name == "target"),
            "{e}"
        );
        // at the service-time quantile: the search ends (met within rounding, or a
        // clear error after the stated limit), never loops
        match servers_for_quantile(100.0, 10.0, 0.99, floor) {
            Ok(c) => {
                let m = MMc::new(100.0, 10.0, c).unwrap();
                assert!(m.response_quantile(0.99).unwrap() <= floor);
            }
            Err(e) => assert!(
                matches!(&e, CostError::InvalidParameter { name, .. } if name == "target"),
                "{e}"
            ),
        }
    }

    #[test]
    fn capacity_plan_for_exercise_two() {
        let plan = capacity_plan(50_000.0, 100.0, 0.99, 0.1, 0.99, 0.999).unwrap();
        let c = servers_for_quantile(50_000.0, 100.0, 0.99, 0.1).unwrap();
        assert_eq!(plan.servers_for_latency, c);
        assert_eq!(
            plan.servers_deployed,
            servers_for_availability(c, 0.99, 0.999).unwrap()
        );
        assert!(plan.achieved_quantile_seconds <= 0.1);
        assert!(plan.achieved_availability >= 0.999);
        assert!(prob_at_least_up(plan.servers_deployed - 1, c, 0.99) < 0.999);
        assert!((plan.utilisation - 50_000.0 / (f64::from(c) * 100.0)).abs() < 1e-12);
        // the offered load is 500 Erlangs: c > 500
        assert!(c > 500);
    }

    #[test]
    fn availability() {
        assert!((prob_at_least_up(2, 1, 0.9) - 0.99).abs() < 1e-12);
        assert!((prob_at_least_up(3, 2, 0.9) - 0.972).abs() < 1e-12);
        let n = servers_for_availability(10, 0.99, 0.999).unwrap();
        assert!(prob_at_least_up(n, 10, 0.99) >= 0.999);
        assert!(prob_at_least_up(n - 1, 10, 0.99) < 0.999);
    }
}
