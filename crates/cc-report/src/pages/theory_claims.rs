//! Page: the source texts' claims about communication, stated precisely and checked.

use std::fmt::Write as _;

use super::theory_bounds::analyze_verified;
use super::{Page, Rendered};
use crate::fmt::num;
use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportOptions};

const PAGE: &str = "theory-claims";

/// Worst case over pairs `x != y` of n-bit inputs of `Pr_H[Hx = Hy]` for a uniformly random
/// `k × n` matrix `H` over GF(2), computed exactly by enumerating every `H` (k·n ≤ 20).
/// Returns (numerator, denominator).
pub(crate) fn public_coin_hash_error(n: u32, k: u32) -> (u64, u64) {
    let total: u64 = 1 << (k * n);
    let mut worst = 0u64;
    // Hx = Hy iff H(x xor y) = 0: depends only on d = x xor y != 0.
    for d in 1u64..(1 << n) {
        let mut collisions = 0u64;
        for h in 0..total {
            // row r of H is bits [r*n, (r+1)*n) of h
            let zero = (0..k).all(|r| {
                ((h >> (r * n)) & ((1 << n) - 1) & d)
                    .count_ones()
                    .is_multiple_of(2)
            });
            if zero {
                collisions += 1;
            }
        }
        worst = worst.max(collisions);
    }
    (worst, total)
}

fn primes_up_to(m: u64) -> Vec<u64> {
    let mut sieve = vec![true; (m + 1) as usize];
    let mut out = Vec::new();
    for p in 2..=m {
        if sieve[p as usize] {
            out.push(p);
            let mut q = p * p;
            while q <= m {
                sieve[q as usize] = false;
                q += p;
            }
        }
    }
    out
}

/// Private-coin fingerprint for EQ on n-bit inputs: Alice draws a uniformly random prime
/// `p ≤ m` and sends `(p, x mod p)`; Bob answers whether `y mod p` matches. The error on
/// `x != y` is the fraction of those primes dividing `|x − y|`; the worst case over all
/// `d = |x − y| ∈ [1, 2^n − 1]` is computed exactly. Returns (bits sent, worst errors, primes).
fn prime_fingerprint(n: u32, m: u64) -> (u32, u64, u64) {
    let primes = primes_up_to(m);
    let mut worst = 0u64;
    for d in 1u64..(1 << n) {
        let bad = primes.iter().filter(|&&p| d % p == 0).count() as u64;
        worst = worst.max(bad);
    }
    let bits_p = 64 - (primes.len() as u64 - 1).leading_zeros().min(63); // index of the prime
    let bits_r = 64 - (m - 1).leading_zeros(); // the residue
    (bits_p + bits_r + 1, worst, primes.len() as u64)
}

/// "Ledger: …" with a link to each named row of the claims ledger.
fn ledger_links(ids: &[&str]) -> String {
    let links: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "[`{id}`](claims-ledger.md#{})",
                crate::ledger::ledger_anchor(id)
            )
        })
        .collect();
    format!("Ledger: {}.\n\n", links.join(", "))
}

/// One section of the page: appends its Markdown.
type Section = fn(&mut String, u64) -> Result<(), ReportError>;

/// The page's sections, in order.
const SECTIONS: &[Section] = &[
    deterministic_bounds,
    randomized_equality,
    quantum_fingerprinting,
    broadcast,
    leader_election,
];

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let mut out = page_header(page.title, Some(options.seed));
    out.push_str(
        "The lecture text (`000`) makes claims about the communication that distributed tasks \
         need. Each is stated precisely here and checked against values computed by cclab \
         (`cc-theory`, certificates re-verified) or measured by simulation (`cc-sim`, seed above). \
         D counts the answer bit (Kushilevitz–Nisan). Each claim links to its row in the \
         [claims ledger](claims-ledger.md).\n\n",
    );
    out.push_str(crate::convention::COUNTING_CONVENTION);
    out.push_str("\n\n");
    for section in SECTIONS {
        section(&mut out, options.seed)?;
    }
    Ok(Rendered {
        markdown: out,
        extra: Vec::new(),
    })
}

/// DISJ and EQ need n + 1 bits deterministically.
fn deterministic_bounds(out: &mut String, _seed: u64) -> Result<(), ReportError> {
    let mut t = Table::new(&[
        "f",
        ">n",
        ">largest 1-fooling set",
        ">rk_Q(M)",
        ">proven D(f) ≥",
        "n + 1",
    ]);
    for name in ["disj", "eq"] {
        for bits in [2u32, 3, 4, 5] {
            let (_, r) = analyze_verified(name, bits)?;
            let best = r.bounds.iter().map(|b| b.value).max().unwrap_or(0);
            let get = |k: &str| {
                r.measures
                    .get(k)
                    .map_or("—".to_string(), |m| m.lower.to_string())
            };
            t.row([
                name.to_uppercase(),
                bits.to_string(),
                get("fooling_1"),
                get("rank_q"),
                best.to_string(),
                (bits + 1).to_string(),
            ]);
        }
    }
    out.push_str(
        "<a id=\"tc-deterministic\"></a>\n\n## Set disjointness and equality need Ω(n) bits\n\n",
    );
    out.push_str(&ledger_links(&["000-p1-fooling-disj", "000-p1-fooling-eq"]));
    out.push_str(
        "**Claim (000, fooling-set section):** set disjointness and equality testing need Ω(n) bits.\n\n\
         **Precisely:** every *deterministic* protocol for DISJ_n or EQ_n exchanges at least n + 1 \
         bits. The diagonal of EQ and the cells `(x, complement of x)` of DISJ are 1-fooling sets of \
         2^n cells, and one more leaf is needed for the other answer.\n\n",
    );
    out.push_str(&t.render());
    out.push_str(
        "\n**Verdict: right for deterministic protocols** — the computed bound equals n + 1 in every \
         row. For DISJ it stays Ω(n) even with randomization and error (Kalyanasundaram–Schnitger \
         1992, Razborov 1992). For EQ it does **not**; see the next section.\n\n",
    );
    Ok(())
}

/// Randomized equality: exact error probabilities of two hashing protocols.
fn randomized_equality(out: &mut String, _seed: u64) -> Result<(), ReportError> {
    out.push_str(
        "<a id=\"tc-merkle\"></a>\n\n## \"Optimal protocols achieve this\"; \"Merkle trees achieve optimal communication\"\n\n\
         **Claim (000):** equality testing needs Ω(n) bits, optimal protocols achieve this, and \
         Merkle trees achieve optimal communication.\n\n\
         **Precisely:** a Merkle-tree comparison is a *hashing* protocol: it exchanges digests \
         instead of data and is allowed a (tiny) error. With error allowed, equality is cheap, so \
         Merkle trees do not \"achieve\" the Ω(n) deterministic bound — they escape it. Exact error \
         probabilities of two such protocols, computed by enumeration:\n\n",
    );
    let mut t = Table::new(&[
        "protocol",
        ">n",
        ">bits exchanged",
        ">worst-case error on x ≠ y (exact)",
        ">deterministic D(EQ_n)",
    ]);
    for (n, k) in [(4u32, 1u32), (4, 2), (4, 3), (5, 4)] {
        let (bad, total) = public_coin_hash_error(n, k);
        t.row([
            format!("public coin: Alice sends Hx for a shared random {k}×{n} GF(2) matrix H"),
            n.to_string(),
            (k + 1).to_string(),
            format!("{bad}/{total} = {}", num(bad as f64 / total as f64)),
            (n + 1).to_string(),
        ]);
    }
    for (n, m) in [(16u32, 64u64), (16, 256), (16, 1024)] {
        let (bits, worst, primes) = prime_fingerprint(n, m);
        t.row([
            format!("private coin: Alice picks a random prime p ≤ {m} ({primes} primes), sends (p, x mod p)"),
            n.to_string(),
            bits.to_string(),
            format!("{worst}/{primes} = {}", num(worst as f64 / primes as f64)),
            (n + 1).to_string(),
        ]);
    }
    out.push_str(&t.render());
    out.push_str(
        "\n**Verdict: model error.** With public randomness, k + 1 bits give error exactly 2^−k for \
         every n (the table shows 1/2, 1/4, 1/8, 1/16); with private randomness, O(log n) bits suffice \
         (Newman 1991: R^priv(EQ) = Θ(log n)). At n = 16 the prime fingerprint is not yet cheaper than \
         sending x (12–19 bits against 17); what matters is growth: its cost grows like log n, the \
         deterministic cost like n. The Ω(n) bound is for deterministic protocols, which \
         Merkle trees are not.\n\n",
    );
    out.push_str(&ledger_links(&["000-p1-fooling-eq"]));
    Ok(())
}

/// Quantum fingerprinting's model.
fn quantum_fingerprinting(out: &mut String, _seed: u64) -> Result<(), ReportError> {
    out.push_str(
        "<a id=\"tc-quantum\"></a>\n\n## Quantum fingerprinting: \"exponential (O(n) → O(log n))\"\n\n\
         **Claim (000, quantum section):** classical equality testing needs O(n) bits, quantum \
         fingerprinting O(log n) qubits: an exponential advantage.\n\n\
         **Precisely:** the O(log n) quantum fingerprints (Buhrman–Cleve–Watrous–de Wolf 2001) live in \
         the *simultaneous message* model without shared randomness, where the classical cost is \
         Θ(√n) (Newman–Szegedy 1996; Babai–Kimmel 1997) — an exponential gap between √n and log n, \
         not between n and log n. In the two-way model with private coins the classical cost is \
         already Θ(log n) (table above), and with shared randomness O(1).\n\n\
         **Verdict: model error** — the comparison is against the deterministic two-way bound.\n\n",
    );
    out.push_str(&ledger_links(&["000-p4-q-fingerprint"]));
    Ok(())
}

/// The broadcast claims, computed and measured.
fn broadcast(out: &mut String, seed: u64) -> Result<(), ReportError> {
    out.push_str(
        "<a id=\"tc-broadcast\"></a>\n\n## Broadcast: \"O(n²) naive\", \"O(n log log n)\", \"99.99 % within 3 rounds\"\n\n",
    );
    out.push_str(&ledger_links(&[
        "000-c0-naive-broadcast",
        "000-p1-ebt-loglog",
        "000-p1-ebt-3-rounds",
    ]));
    let n_users: f64 = 2.8e9;
    let _ = write!(
        out,
        "**Claim (000, opening diagram):** O(n²) naive broadcast to 2.8 billion users is \"7.8 trillion \
         operations\". **Computed:** n² = (2.8 × 10⁹)² = {} ≈ 7.8 × 10¹⁸, and a naive all-to-all exchange \
         sends n(n − 1) ≈ the same. **Verdict: arithmetic error, factor 10⁶.**\n\n",
        num(n_users * n_users)
    );
    let n: usize = 100_000;
    let fanout: usize = 5;
    let req = cc_sim::SimRequest {
        protocol: "push".into(),
        nodes: n,
        trials: 10,
        seed,
        fanout: Some(fanout),
        ..Default::default()
    };
    let run =
        cc_sim::run(&req, &|_, _| {}).map_err(|source| ReportError::Sim { page: PAGE, source })?;
    let reach3 = (fanout as u64 + 1).pow(3);
    let rounds = run
        .rounds
        .as_ref()
        .map_or_else(|| "—".to_string(), crate::fmt::stat);
    let _ = write!(
        out,
        "**Claim (000, epidemic broadcast trees):** with 100,000 nodes and fan-out 5, 99.99 % delivery \
         within 3 network rounds. **Computed:** if every informed node sends at most 5 messages per \
         round, at most (5 + 1)³ = {reach3} nodes can be informed after 3 rounds: {} % of 100,000. \
         **Measured:** push gossip with fan-out 5 on {} nodes ({} trials, seed {seed}) needs {rounds} \
         rounds to inform everyone. **Verdict: impossible as stated** (unless \"round\" means something \
         other than one message delay).\n\n",
        num(reach3 as f64 / n as f64 * 100.0),
        num(n as f64),
        run.trials,
    );
    out.push_str(
        "**Claim (000):** epidemic broadcast trees have message complexity O(n log log n) instead of \
         naive O(n²). **Precisely:** any broadcast to n nodes needs at least n − 1 payload messages, and \
         a spanning tree achieves exactly n − 1; push gossip costs Θ(n log n) payloads; flooding \
         2|E| − (n − 1). Plumtree's steady state is the tree: its relative message redundancy (RMR) \
         is measured at about 0 without failures (page [Dissemination protocols](sim-gossip.md)), i.e. \
         Θ(n) payloads plus lazy IHAVE control messages on the remaining overlay edges. \
         **Verdict: model error** — the payload cost is Θ(n), and no log log n term appears in \
         Leitão–Pereira–Rodrigues 2007.\n\n",
    );
    Ok(())
}

/// Leader election's Ω(n log n) and its model.
fn leader_election(out: &mut String, _seed: u64) -> Result<(), ReportError> {
    out.push_str(
        "<a id=\"tc-leader-election\"></a>\n\n## Leader election: \"Ω(n log n) messages\"\n\n\
         **Claim (000):** leader election needs Ω(n log n) messages in the worst case and cannot be \
         improved without assumptions. **Precisely:** Ω(n log n) holds for comparison-based election on \
         asynchronous rings (Burns 1980; Frederickson–Lynch 1987), and Hirschberg–Sinclair meets it; \
         Raft and Paxos elect with 2(N − 1) messages per candidate on a complete network with \
         timeouts (see the [cost audit](cost-audit.md), row `paxos-election`). **Verdict: right in its \
         model**, which is not the model of the systems the text applies it to.\n\n",
    );
    out.push_str(&ledger_links(&[
        "000-p1-fooling-election",
        "000-p4-q-election",
    ]));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_coin_hash_error_is_two_to_minus_k() {
        for (n, k) in [(3, 1), (3, 2), (4, 3)] {
            let (bad, total) = public_coin_hash_error(n, k);
            assert_eq!(bad * (1 << k), total, "n={n} k={k}");
        }
    }

    #[test]
    fn prime_fingerprint_counts_divisors_exactly() {
        // Primes <= 10: 2, 3, 5, 7. d = 210 = 2*3*5*7 is < 2^8, so with n = 8 the worst case is 4/4.
        let (_, worst, primes) = prime_fingerprint(8, 10);
        assert_eq!((worst, primes), (4, 4));
        // With n = 2, d <= 3: at most one prime divides d.
        let (_, worst, _) = prime_fingerprint(2, 10);
        assert_eq!(worst, 1);
    }
}
