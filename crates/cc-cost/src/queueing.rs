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
//! * Availability: with n servers each up independently with probability A, the
//!   service has ≥ c servers with probability Σ_{j ≥ c} C(n, j) Aʲ (1 − A)^{n−j}.

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

    /// The `q`-quantile of the response time (e.g. 0.99), seconds.
    pub fn response_quantile(&self, q: f64) -> Result<f64, CostError> {
        if !(q > 0.0 && q < 1.0) {
            return Err(CostError::invalid(
                "quantile",
                format!("must be in (0, 1), got {q}"),
            ));
        }
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

/// Smallest number of servers whose M/M/c response-time `q`-quantile is at most
/// `target_seconds`.
pub fn servers_for_quantile(
    lambda: f64,
    mu: f64,
    q: f64,
    target_seconds: f64,
) -> Result<u32, CostError> {
    pos("lambda", lambda)?;
    pos("mu", mu)?;
    pos("target", target_seconds)?;
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
    let mut c = (lambda / mu).floor() as u32 + 1;
    loop {
        let m = MMc::new(lambda, mu, c)?;
        if m.response_quantile(q)? <= target_seconds {
            return Ok(c);
        }
        c = c
            .checked_add(1)
            .ok_or_else(|| CostError::invalid("servers", "overflow"))?;
    }
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
    fn availability() {
        assert!((prob_at_least_up(2, 1, 0.9) - 0.99).abs() < 1e-12);
        assert!((prob_at_least_up(3, 2, 0.9) - 0.972).abs() < 1e-12);
        let n = servers_for_availability(10, 0.99, 0.999).unwrap();
        assert!(prob_at_least_up(n, 10, 0.99) >= 0.999);
        assert!(prob_at_least_up(n - 1, 10, 0.99) < 0.999);
    }
}
