//! The arithmetic of one priced scenario: message and latency cost per
//! transaction with every input scaled by a knob, and the ±10 % tornado.

use crate::catalog::{PathClass, PriceRow};
use crate::econ::{LatencyValue, ms_to_ns};
use crate::money::Usd;
use crate::report::{PathLine, SensitivityRow, rank_tornado, tornado_row};

#[derive(Debug, Clone)]
pub(crate) enum MsgPricing {
    Flat {
        per_1000: Usd,
    },
    Paths {
        edges: Vec<PricedEdge>,
        bus: Option<Box<PriceRow>>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct PricedEdge {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) class: PathClass,
    pub(crate) count: u64,
    pub(crate) row: PriceRow,
    pub(crate) nat: Option<PriceRow>,
}

#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    pub(crate) pricing: MsgPricing,
    pub(crate) total_count: u64,
    pub(crate) denominator: u64,
    pub(crate) bytes: u64,
    pub(crate) batch: u64,
    pub(crate) latency_ms: f64,
    pub(crate) tx_per_day: u64,
    pub(crate) value: Option<LatencyValue>,
}

type KnobSetter = fn(&mut Knobs, f64);

#[derive(Debug, Clone, Copy)]
pub(crate) struct Knobs {
    pub(crate) price: f64,
    pub(crate) bytes: f64,
    pub(crate) rtt: f64,
    pub(crate) value: f64,
    pub(crate) volume: f64,
}

pub(crate) const UNIT: Knobs = Knobs {
    price: 1.0,
    bytes: 1.0,
    rtt: 1.0,
    value: 1.0,
    volume: 1.0,
};

#[derive(Debug, Clone)]
pub(crate) struct Computed {
    pub(crate) msg: Usd,
    pub(crate) lat: Usd,
    pub(crate) latency_ms: f64,
    pub(crate) wait_ms: f64,
    pub(crate) tx_per_day: u64,
    pub(crate) lines: Vec<PathLine>,
}

impl Computed {
    pub(crate) fn per_tx(&self) -> Usd {
        self.msg + self.lat
    }
    pub(crate) fn per_day_exact(&self) -> Usd {
        self.per_tx().times(self.tx_per_day)
    }
}

pub(crate) fn scale_u64(x: u64, f: f64) -> u64 {
    (x as f64 * f).round() as u64
}

impl Scenario {
    pub(crate) fn compute(&self, k: Knobs) -> Computed {
        let den = i128::from(self.denominator) * i128::from(self.batch);
        let bytes = scale_u64(self.bytes, k.bytes);
        let mut lines = Vec::new();
        let msg = match &self.pricing {
            MsgPricing::Flat { per_1000 } => per_1000
                .scale(k.price)
                .mul_ratio(i128::from(self.total_count), 1000 * den),
            MsgPricing::Paths { edges, bus } => {
                let mut total = Usd::ZERO;
                let bus_fee = bus.as_ref().map(|b| {
                    b.cost_of_request(bytes.saturating_mul(self.batch))
                        .scale(k.price)
                });
                for e in edges {
                    // each message carries `batch` payloads; per transaction the bytes are
                    // count × bytes × batch / (den × batch)
                    let on_path = e.row.cost_of_bytes(bytes.saturating_mul(e.count))
                        + e.nat.as_ref().map_or(Usd::ZERO, |n| {
                            n.cost_of_bytes(bytes.saturating_mul(e.count))
                        });
                    let transfer = on_path
                        .scale(k.price)
                        .mul_ratio(1, i128::from(self.denominator));
                    let fees = bus_fee
                        .map(|f| f.times(e.count).mul_ratio(1, den))
                        .unwrap_or(Usd::ZERO);
                    let usd = transfer + fees;
                    total += usd;
                    lines.push(PathLine {
                        from: e.from.clone(),
                        to: e.to.clone(),
                        class: e.class.name().to_string(),
                        messages_per_tx: e.count as f64 / den as f64,
                        usd_per_tx: usd,
                        price: format!(
                            "{} {}/{} ({}){}{}",
                            e.row.provider,
                            e.row.effective_usd().exact_string(),
                            e.row.unit.label(),
                            e.row.kind.name(),
                            e.nat.as_ref().map_or(String::new(), |n| format!(
                                " + NAT {}/{}",
                                n.effective_usd().exact_string(),
                                n.unit.label()
                            )),
                            bus.as_ref().map_or(String::new(), |b| format!(
                                " + {} {}/1M requests",
                                b.to,
                                b.usd.exact_string()
                            ))
                        ),
                    });
                }
                total
            }
        };
        let tx_per_day = scale_u64(self.tx_per_day, k.volume);
        let wait_ms = if self.batch > 1 && tx_per_day > 0 {
            (self.batch - 1) as f64 / 2.0 / (tx_per_day as f64 / 86_400.0) * 1000.0
        } else {
            0.0
        };
        let latency_ms = self.latency_ms * k.rtt + wait_ms;
        let lat = match self.value {
            None => Usd::ZERO,
            Some(v) => v.cost(ms_to_ns(latency_ms).unwrap_or(0)).scale(k.value),
        };
        Computed {
            msg,
            lat,
            latency_ms,
            wait_ms,
            tx_per_day,
            lines,
        }
    }

    pub(crate) fn tornado(&self, has_paths_bytes: bool) -> (Vec<SensitivityRow>, String) {
        let base = self.compute(UNIT).per_day_exact();
        let mut inputs: Vec<(&str, KnobSetter)> = vec![
            ("message price", |k, f| k.price = f),
            ("round-trip time", |k, f| k.rtt = f),
            ("latency value ($/s or beta x revenue)", |k, f| k.value = f),
            ("transactions per day", |k, f| k.volume = f),
        ];
        if has_paths_bytes {
            inputs.insert(1, ("message bytes", |k, f| k.bytes = f));
        }
        let rows: Vec<(SensitivityRow, Usd)> = inputs
            .into_iter()
            .map(|(name, set)| {
                let mut lo = UNIT;
                set(&mut lo, 0.9);
                let mut hi = UNIT;
                set(&mut hi, 1.1);
                let l = self.compute(lo).per_day_exact();
                let h = self.compute(hi).per_day_exact();
                tornado_row(name, l, h, base)
            })
            .collect();
        rank_tornado(rows)
    }
}
