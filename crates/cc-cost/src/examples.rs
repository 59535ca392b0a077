//! Small models of the lecture text's worked examples (`000`), with the text's
//! inputs as parameters.
//!
//! Each function recomputes one example from its stated inputs and returns every
//! figure the example prints or implies, so that a report can set the text's figure
//! beside the recomputed one. Nothing here judges: the verdicts live in the claims
//! ledger of `cc-report`. The models are deliberately plain (counts and rates), and
//! every formula is in the function's documentation.
//!
//! ```
//! use cc_cost::examples::volume_vs_peak;
//!
//! // 100 billion messages a day average 1,157,407 per second.
//! let v = volume_vs_peak(100e9, 1e6)?;
//! assert!(v.peak_to_mean < 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::CostError;

/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// Hours in a 365-day year.
pub const HOURS_PER_YEAR: f64 = 8_760.0;

fn positive(name: &str, v: f64) -> Result<f64, CostError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(CostError::invalid(
            name,
            format!("must be a finite positive number, got {v}"),
        ))
    }
}

fn fraction(name: &str, v: f64) -> Result<f64, CostError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(CostError::invalid(
            name,
            format!("must be a fraction in [0, 1], got {v}"),
        ))
    }
}

/// A daily message volume against a stated peak rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VolumePeak {
    /// Mean rate over the day (messages per second).
    pub mean_per_s: f64,
    /// Stated peak ÷ mean. A peak is at least the mean, so a value below 1 means the
    /// two figures cannot both hold.
    pub peak_to_mean: f64,
}

/// The mean rate implied by a daily volume, and the stated peak's ratio to it.
///
/// ```text
/// mean = messages_per_day / 86 400 s;   peak_to_mean = peak / mean
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a non-positive input.
pub fn volume_vs_peak(messages_per_day: f64, peak_per_s: f64) -> Result<VolumePeak, CostError> {
    let mean_per_s = positive("messages_per_day", messages_per_day)? / SECONDS_PER_DAY;
    Ok(VolumePeak {
        mean_per_s,
        peak_to_mean: positive("peak_per_s", peak_per_s)? / mean_per_s,
    })
}

/// Warming `servers` edge caches with a catalog, as the text's Netflix example does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheWarming {
    /// Naive full sync: every title to every server, one message each (titles × servers).
    pub naive_messages: f64,
    /// Bytes the naive sync moves in total (a volume, not a rate).
    pub naive_bytes: f64,
    /// The naive volume spread over `hours` as a rate, in bits per second.
    pub naive_rate_bps: f64,
    /// The text's optimised count: hot titles × log₂(servers).
    pub text_optimised_messages: f64,
    /// Deliveries the hot titles need: hot titles × servers (each server must get each).
    pub hot_deliveries: f64,
    /// Messages any scheme needs: every server must receive at least one message.
    pub min_messages: f64,
}

/// The cache-warming example's counts and the lower bound they must respect.
///
/// ```text
/// naive      = titles × servers           bytes = naive × bytes_per_message
/// rate       = bytes × 8 / (hours × 3600)
/// text's     = hot × log2(servers)
/// deliveries = hot × servers ;  messages ≥ servers (each server receives ≥ 1)
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a non-positive input.
pub fn cache_warming(
    titles: f64,
    servers: f64,
    bytes_per_message: f64,
    hours: f64,
    hot_titles: f64,
) -> Result<CacheWarming, CostError> {
    let naive_messages = positive("titles", titles)? * positive("servers", servers)?;
    let naive_bytes = naive_messages * positive("bytes_per_message", bytes_per_message)?;
    Ok(CacheWarming {
        naive_messages,
        naive_bytes,
        naive_rate_bps: naive_bytes * 8.0 / (positive("hours", hours)? * 3600.0),
        text_optimised_messages: positive("hot_titles", hot_titles)? * servers.log2(),
        hot_deliveries: hot_titles * servers,
        min_messages: servers,
    })
}

/// The peak-traffic example's derived figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeakTraffic {
    /// Requests per second that miss the edge cache and reach the origin.
    pub origin_per_s: f64,
    /// Served bits per second per concurrent stream.
    pub bps_per_stream: f64,
    /// The stated peak-hour cost × hours in a year: the most a year can cost if no
    /// hour costs more than the peak hour.
    pub year_at_peak_cost: f64,
}

/// Origin load, per-stream bitrate and the yearly ceiling of a peak-hour cost.
///
/// ```text
/// origin     = requests_per_s × (1 − hit_rate)
/// per stream = served_bps / streams
/// ceiling    = peak_hour_cost × 8 760
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a non-positive input or a hit rate outside [0, 1].
pub fn peak_traffic(
    requests_per_s: f64,
    hit_rate: f64,
    streams: f64,
    served_bps: f64,
    peak_hour_cost: f64,
) -> Result<PeakTraffic, CostError> {
    Ok(PeakTraffic {
        origin_per_s: positive("requests_per_s", requests_per_s)?
            * (1.0 - fraction("hit_rate", hit_rate)?),
        bps_per_stream: positive("served_bps", served_bps)? / positive("streams", streams)?,
        year_at_peak_cost: positive("peak_hour_cost", peak_hour_cost)? * HOURS_PER_YEAR,
    })
}

/// The matching example's counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matching {
    /// Every rider compared with every driver.
    pub naive_comparisons: f64,
    /// Naive comparisons × messages per comparison.
    pub naive_messages: f64,
    /// Seconds the naive comparisons take at `ops_per_s`.
    pub naive_seconds: f64,
    /// Riders per region.
    pub riders_per_region: f64,
    /// Drivers per region.
    pub drivers_per_region: f64,
    /// Comparisons when matching only within a region, all regions.
    pub regional_comparisons: f64,
    /// Regional comparisons × messages per match attempt.
    pub regional_messages: f64,
    /// 1 − regional messages ÷ naive messages.
    pub reduction: f64,
}

/// Naive against geohash-regional matching.
///
/// ```text
/// naive = riders × drivers;  messages = naive × m_naive;  seconds = naive / rate
/// per region: riders / regions, drivers / regions
/// regional = regions × (riders/regions) × (drivers/regions);  messages = regional × m_match
/// reduction = 1 − regional messages / naive messages
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a non-positive input.
pub fn matching(
    riders: f64,
    drivers: f64,
    regions: f64,
    ops_per_s: f64,
    messages_per_comparison: f64,
    messages_per_match: f64,
) -> Result<Matching, CostError> {
    let naive_comparisons = positive("riders", riders)? * positive("drivers", drivers)?;
    let naive_messages =
        naive_comparisons * positive("messages_per_comparison", messages_per_comparison)?;
    let regions = positive("regions", regions)?;
    let (rp, dp) = (riders / regions, drivers / regions);
    let regional_comparisons = regions * rp * dp;
    let regional_messages =
        regional_comparisons * positive("messages_per_match", messages_per_match)?;
    Ok(Matching {
        naive_comparisons,
        naive_messages,
        naive_seconds: naive_comparisons / positive("ops_per_s", ops_per_s)?,
        riders_per_region: rp,
        drivers_per_region: dp,
        regional_comparisons,
        regional_messages,
        reduction: 1.0 - regional_messages / naive_messages,
    })
}

/// The surge-pricing example's counts and the revenue figures against each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surge {
    /// Messages per pricing cycle: one analysis message per region plus the driver
    /// and rider notifications.
    pub messages_per_cycle: f64,
    /// Pricing cycles in a 365-day year.
    pub cycles_per_year: f64,
    /// The stated revenue per cycle × cycles per year.
    pub yearly_if_per_cycle: f64,
    /// The stated revenue read as per hour × hours per year.
    pub yearly_if_per_hour: f64,
}

/// Surge pricing: messages per cycle and the yearly revenue its per-cycle figure implies.
///
/// ```text
/// messages = regions × (1 + drivers + riders)
/// cycles/year = 8 760 × 3 600 / cycle_seconds
/// yearly = revenue × cycles/year   (or × 8 760 if the revenue is per hour)
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a non-positive input.
pub fn surge(
    regions: f64,
    drivers_per_region: f64,
    riders_per_region: f64,
    cycle_seconds: f64,
    revenue: f64,
) -> Result<Surge, CostError> {
    let regions = positive("regions", regions)?;
    let cycles_per_year = HOURS_PER_YEAR * 3600.0 / positive("cycle_seconds", cycle_seconds)?;
    let revenue = positive("revenue", revenue)?;
    Ok(Surge {
        messages_per_cycle: regions
            * (1.0
                + positive("drivers", drivers_per_region)?
                + positive("riders", riders_per_region)?),
        cycles_per_year,
        yearly_if_per_cycle: revenue * cycles_per_year,
        yearly_if_per_hour: revenue * HOURS_PER_YEAR,
    })
}

/// The figures of the text's `analyze_protocol` formula table for one protocol.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormulaRow {
    /// The table's message complexity.
    pub messages: f64,
    /// The table's round complexity.
    pub rounds: f64,
    /// The table's "bandwidth" (messages per round × a factor).
    pub bandwidth: f64,
}

/// `analyze_protocol`'s table as the text writes it (natural logarithms, as Python's
/// `math.log`).
///
/// ```text
/// gossip:   n ln n,   ln n, m ln n
/// flooding: n(n − 1), 1,    m n
/// tree:     n − 1,    ln n, m
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for an unknown protocol or fewer than 2 nodes.
pub fn analyze_protocol_table(
    protocol: &str,
    nodes: u64,
    messages_per_round: f64,
) -> Result<FormulaRow, CostError> {
    if nodes < 2 {
        return Err(CostError::invalid("nodes", "at least 2 nodes"));
    }
    let n = nodes as f64;
    let m = messages_per_round;
    match protocol {
        "gossip" => Ok(FormulaRow {
            messages: n * n.ln(),
            rounds: n.ln(),
            bandwidth: m * n.ln(),
        }),
        "flooding" => Ok(FormulaRow {
            messages: n * (n - 1.0),
            rounds: 1.0,
            bandwidth: m * n,
        }),
        "tree_broadcast" => Ok(FormulaRow {
            messages: n - 1.0,
            rounds: n.ln(),
            bandwidth: m,
        }),
        other => Err(CostError::invalid(
            "protocol",
            format!("`{other}` is not in the text's table (gossip, flooding, tree_broadcast)"),
        )),
    }
}

/// Exact messages of flooding one update on the complete graph K_n: the source sends
/// to its n − 1 neighbours and each of them forwards once to its n − 2 others.
///
/// ```text
/// (n − 1) + (n − 1)(n − 2) = (n − 1)²
/// ```
pub fn flooding_complete_messages(nodes: u64) -> u64 {
    let k = nodes.saturating_sub(1);
    k * k
}

/// Rounds of a broadcast down a complete b-ary tree of `nodes` nodes: its depth, the
/// smallest d with 1 + b + … + b^d ≥ nodes.
pub fn tree_broadcast_rounds(nodes: u64, branching: u64) -> u32 {
    let b = branching.max(2);
    let (mut covered, mut level, mut depth) = (1u64, 1u64, 0u32);
    while covered < nodes {
        level = level.saturating_mul(b);
        covered = covered.saturating_add(level);
        depth += 1;
    }
    depth
}

/// The text's Kafka comparison: "traditional consensus" against the ISR.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KafkaComparison {
    /// m · n · ln n.
    pub traditional_messages: f64,
    /// ln n.
    pub traditional_rounds: f64,
    /// m · |ISR|.
    pub isr_messages: f64,
    /// traditional ÷ ISR.
    pub efficiency: f64,
}

/// The text's formulas for `m` records on `n` replicas with `isr` in-sync replicas.
///
/// ```text
/// traditional = m n ln n,  rounds ln n;   isr = m |ISR|;   efficiency = traditional / isr
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for fewer than 2 replicas or an empty ISR.
pub fn kafka_comparison(
    messages: f64,
    replicas: u64,
    isr: u64,
) -> Result<KafkaComparison, CostError> {
    if replicas < 2 || isr == 0 || isr > replicas {
        return Err(CostError::invalid(
            "replicas",
            format!("need 2 ≤ n and 1 ≤ |ISR| ≤ n, got n = {replicas}, |ISR| = {isr}"),
        ));
    }
    let n = replicas as f64;
    let m = positive("messages", messages)?;
    let traditional_messages = m * n * n.ln();
    let isr_messages = m * isr as f64;
    Ok(KafkaComparison {
        traditional_messages,
        traditional_rounds: n.ln(),
        isr_messages,
        efficiency: traditional_messages / isr_messages,
    })
}

/// The text's quantum fingerprinting figures for a payload of `data_bytes` bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantumFingerprint {
    /// What the text calls classical bits: `len(data)`, which is a byte count.
    pub text_classical: u64,
    /// The payload's real size in bits.
    pub classical_bits: u64,
    /// ⌊log₂ len(data)⌋, the text's qubits.
    pub text_qubits: u64,
    /// text_classical ÷ text_qubits, the printed advantage.
    pub text_factor: f64,
    /// Bits ÷ ⌊log₂ bits⌋: the same formula applied to bits.
    pub bits_factor: f64,
}

fn floor_log2(x: u64) -> u64 {
    u64::from(63 - x.max(1).leading_zeros())
}

/// The quantum fingerprinting example's arithmetic.
///
/// ```text
/// text: classical = len(bytes), qubits = ⌊log2 len⌋, factor = classical / qubits
/// bits = 8 len;  bits factor = bits / ⌊log2 bits⌋
/// ```
pub fn quantum_fingerprint(data_bytes: u64) -> QuantumFingerprint {
    let bits = data_bytes * 8;
    let q = floor_log2(data_bytes).max(1);
    QuantumFingerprint {
        text_classical: data_bytes,
        classical_bits: bits,
        text_qubits: q,
        text_factor: data_bytes as f64 / q as f64,
        bits_factor: bits as f64 / floor_log2(bits).max(1) as f64,
    }
}

/// The text's quantum leader election figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantumElection {
    /// n · ⌊log₂ n⌋ classical messages.
    pub classical_messages: u64,
    /// ⌊π/4 · √n⌋ Grover iterations.
    pub grover_iterations: u64,
    /// classical ÷ iterations, the printed advantage.
    pub text_factor: f64,
}

/// The quantum leader election example's arithmetic.
///
/// ```text
/// classical = n ⌊log2 n⌋;  iterations = ⌊π/4 √n⌋;  factor = classical / iterations
/// ```
pub fn quantum_election(nodes: u64) -> QuantumElection {
    let classical_messages = nodes * floor_log2(nodes);
    let grover_iterations = ((std::f64::consts::PI / 4.0) * (nodes as f64).sqrt()).floor() as u64;
    QuantumElection {
        classical_messages,
        grover_iterations,
        text_factor: classical_messages as f64 / grover_iterations.max(1) as f64,
    }
}

/// The text's quantum Byzantine agreement comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantumByzantine {
    /// 2n(n − 1) classical messages.
    pub classical_messages: u64,
    /// f + 1 classical rounds.
    pub classical_rounds: u64,
    /// ⌊(n − 1)/3⌋ classical tolerance.
    pub classical_tolerance: u64,
    /// n² · 32 classical bits.
    pub classical_bits: u64,
    /// n ⌊log₂ n⌋ quantum messages (also the qubits).
    pub quantum_messages: u64,
    /// ⌊(n − 1)/2⌋ quantum tolerance.
    pub quantum_tolerance: u64,
    /// classical bits ÷ quantum qubits, the printed "communication improvement".
    pub bits_per_qubit_factor: f64,
    /// classical messages ÷ quantum messages (like with like).
    pub message_factor: f64,
}

/// The quantum Byzantine agreement example's arithmetic for f faulty of n.
///
/// ```text
/// classical: 2n(n − 1) messages, f + 1 rounds, ⌊(n − 1)/3⌋, 32 n² bits
/// quantum:   n ⌊log2 n⌋ messages and qubits, 1 round, ⌊(n − 1)/2⌋
/// ```
pub fn quantum_byzantine(faulty: u64, nodes: u64) -> QuantumByzantine {
    let n = nodes.max(1);
    let classical_messages = 2 * n * (n - 1);
    let classical_bits = n * n * 32;
    let quantum_messages = n * floor_log2(n);
    QuantumByzantine {
        classical_messages,
        classical_rounds: faulty + 1,
        classical_tolerance: (n - 1) / 3,
        classical_bits,
        quantum_messages,
        quantum_tolerance: (n - 1) / 2,
        bits_per_qubit_factor: classical_bits as f64 / quantum_messages.max(1) as f64,
        message_factor: classical_messages as f64 / quantum_messages.max(1) as f64,
    }
}

/// The compression table's economics for one technique (the text's script).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompressionRoi {
    /// Dollars saved per day on transfer.
    pub saving_per_day: f64,
    /// CPU dollars per day.
    pub cpu_per_day: f64,
    /// Saving − CPU.
    pub net_per_day: f64,
    /// Net × 365.
    pub net_per_year: f64,
    /// Net ÷ CPU × 100.
    pub roi_percent: f64,
}

/// The script's economics of compressing `tb_per_day` to `ratio` of its size.
///
/// ```text
/// saving = (tb − tb × ratio) × 1000 × usd_per_gb;  cpu = cpu% / 100 × cpu_baseline
/// net = saving − cpu;  year = 365 net;  roi = net / cpu × 100
/// ```
///
/// # Errors
/// [`CostError::InvalidParameter`] for a ratio outside [0, 1] or a non-positive input.
pub fn compression_roi(
    tb_per_day: f64,
    ratio: f64,
    usd_per_gb: f64,
    cpu_percent: f64,
    cpu_baseline_per_day: f64,
) -> Result<CompressionRoi, CostError> {
    let tb = positive("tb_per_day", tb_per_day)?;
    let saving_per_day =
        (tb - tb * fraction("ratio", ratio)?) * 1000.0 * positive("usd_per_gb", usd_per_gb)?;
    let cpu_per_day = positive("cpu_percent", cpu_percent)? / 100.0
        * positive("cpu_baseline", cpu_baseline_per_day)?;
    let net_per_day = saving_per_day - cpu_per_day;
    Ok(CompressionRoi {
        saving_per_day,
        cpu_per_day,
        net_per_day,
        net_per_year: net_per_day * 365.0,
        roi_percent: net_per_day / cpu_per_day * 100.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_peak_is_below_its_own_mean() {
        let v = volume_vs_peak(100e9, 1e6).unwrap();
        assert!((v.mean_per_s - 1_157_407.407).abs() < 0.001);
        assert!((v.peak_to_mean - 0.864).abs() < 1e-9);
        assert!(volume_vs_peak(0.0, 1.0).is_err());
    }

    #[test]
    fn netflix_cache_warming() {
        let c = cache_warming(15_000.0, 15_000.0, 1000.0, 24.0, 800.0).unwrap();
        assert_eq!(c.naive_messages, 225e6);
        assert_eq!(c.naive_bytes, 225e9);
        // 225 GB over a day: 20.8 Mbit/s
        assert!((c.naive_rate_bps - 20_833_333.33).abs() < 0.01);
        assert!((c.text_optimised_messages - 11_098.14).abs() < 0.01);
        assert_eq!(c.hot_deliveries, 12e6);
        assert!(c.text_optimised_messages < c.min_messages);
    }

    #[test]
    fn netflix_peak() {
        let p = peak_traffic(2e6, 0.95, 50e6, 15e15, 125_000.0).unwrap();
        assert!((p.origin_per_s - 100_000.0).abs() < 1e-6);
        assert_eq!(p.bps_per_stream, 300e6);
        assert_eq!(p.year_at_peak_cost, 1.095e9);
        assert!(peak_traffic(1.0, 1.5, 1.0, 1.0, 1.0).is_err());
    }

    #[test]
    fn uber_matching_and_surge() {
        let m = matching(2e6, 5e5, 5e4, 1e6, 2.0, 3.0).unwrap();
        assert_eq!(m.naive_comparisons, 1e12);
        assert_eq!(m.naive_messages, 2e12);
        assert_eq!(m.naive_seconds, 1e6);
        assert_eq!((m.riders_per_region, m.drivers_per_region), (40.0, 10.0));
        assert_eq!(m.regional_comparisons, 20e6);
        assert_eq!(m.regional_messages, 60e6);
        assert!((m.reduction - 0.99997).abs() < 1e-12);
        let s = surge(5000.0, 25.0, 100.0, 60.0, 2.5e6).unwrap();
        assert_eq!(s.messages_per_cycle, 630_000.0);
        assert_eq!(s.cycles_per_year, 525_600.0);
        assert_eq!(s.yearly_if_per_cycle, 1.314e12);
        assert_eq!(s.yearly_if_per_hour, 2.19e10);
    }

    #[test]
    fn formula_table_and_exact_counts() {
        let g = analyze_protocol_table("gossip", 25_000, 1000.0).unwrap();
        assert!((g.messages - 253_165.78).abs() < 0.01);
        assert!((g.rounds - 10.1266).abs() < 1e-4);
        assert!((g.bandwidth - 10_126.6).abs() < 0.1);
        assert!(analyze_protocol_table("paxos", 5, 1.0).is_err());
        assert_eq!(flooding_complete_messages(10), 81);
        assert_eq!(tree_broadcast_rounds(1, 2), 0);
        assert_eq!(tree_broadcast_rounds(3, 2), 1);
        assert_eq!(tree_broadcast_rounds(4, 2), 2);
        assert_eq!(tree_broadcast_rounds(25_000, 2), 14);
    }

    #[test]
    fn kafka_and_quantum() {
        let k = kafka_comparison(1e6, 5, 5).unwrap();
        assert!((k.efficiency - 5f64.ln()).abs() < 1e-12);
        assert!(kafka_comparison(1.0, 5, 6).is_err());
        let f = quantum_fingerprint(26_000);
        assert_eq!((f.text_classical, f.text_qubits), (26_000, 14));
        assert!((f.text_factor - 1857.142857).abs() < 1e-6);
        assert_eq!(f.classical_bits, 208_000);
        let e = quantum_election(1024);
        assert_eq!((e.classical_messages, e.grover_iterations), (10_240, 25));
        assert_eq!(e.text_factor, 409.6);
        let b = quantum_byzantine(10, 31);
        assert_eq!(b.classical_bits, 30_752);
        assert_eq!(b.quantum_messages, 124);
        assert_eq!(b.bits_per_qubit_factor, 248.0);
        assert_eq!((b.classical_tolerance, b.quantum_tolerance), (10, 15));
        assert_eq!(b.classical_messages, 1860);
    }

    #[test]
    fn compression_script() {
        let r = compression_roi(500.0, 0.35, 0.04, 5.0, 1000.0).unwrap();
        assert!((r.net_per_day - 12_950.0).abs() < 1e-6);
        assert!((r.roi_percent - 25_900.0).abs() < 1e-6);
    }
}
