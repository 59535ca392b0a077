//! The transfer calculator: messages per day × bytes × a price per GB, or the
//! catalog price of one network path (`cclab cost transfer`).
//!
//! ```text
//! per day  = messages/day × bytes × (price per unit [× 2 if billed on both sides]
//!            + NAT processing per unit) / unit size   (GB = 10⁹ B, GiB = 2³⁰ B)
//! per year = per day × 365
//! ```
//!
//! ```
//! use cc_cost::{Catalog, LatencyPrice, Transfer, TransferPrice, Usd, transfer};
//!
//! // 100M messages a day of 1 KB at $0.02/GB: 100 GB a day.
//! let report = transfer(
//!     &Transfer {
//!         messages_per_day: 100_000_000,
//!         message_bytes: 1000,
//!         price: TransferPrice::PerGb(Usd::from_cents(2)),
//!         via_nat: false,
//!         latency_value: LatencyPrice::NotPriced,
//!     },
//!     &Catalog::try_builtin()?,
//! )?;
//! assert_eq!(report.per_day_usd.to_string(), "2.00");
//! assert_eq!(report.per_year_usd.to_string(), "730.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::CostError;
use crate::asof::AsOfRange;
use crate::catalog::{Catalog, Placement, PriceRow};
use crate::econ::{LatencyValue, ms_to_ns};
use crate::evaluate::{
    LatencyPrice, NAT_MODEL, crosses_nat, latency_value, nat_assumption, nat_row, non_negative,
    scale_u64,
};
use crate::money::Usd;
use crate::report::{Assumption, CostReport, DAYS_PER_YEAR, PathLine, rank_tornado, tornado_row};

/// The model name of the transfer calculator in [`CostReport::model`] and on the
/// command line (the one `cclab cost` model that is not a protocol).
pub const TRANSFER: &str = "transfer";

/// Where the per-byte price of a transfer comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferPrice {
    /// A price per decimal GB (10⁹ bytes).
    PerGb(Usd),
    /// The catalog price of the directed path `from → to` (one-way latency RTT/2
    /// from the catalog when both ends are with one provider).
    Path {
        /// Source.
        from: Placement,
        /// Destination.
        to: Placement,
    },
}

/// A transfer: `messages_per_day` messages of `message_bytes` bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// Messages per day.
    pub messages_per_day: u64,
    /// Bytes per message.
    pub message_bytes: u64,
    /// Price per byte.
    pub price: TransferPrice,
    /// The path leaves the VPC through a NAT gateway ([`NAT_MODEL`]); needs
    /// [`TransferPrice::Path`].
    pub via_nat: bool,
    /// Value of the one-way latency of each message.
    pub latency_value: LatencyPrice,
}

/// The priced path of a transfer.
struct Priced {
    price: Usd,
    unit_bytes: u64,
    /// 2 when billed on both sides.
    sides: i128,
    label: String,
    latency_ms: f64,
    statistic: String,
    nat: Option<PriceRow>,
    /// Dates of the catalog rows used.
    as_of: AsOfRange,
}

/// Prices a transfer: per message, per day and per year, with the ±10 % tornado
/// over price, bytes, volume and latency value.
pub fn transfer(t: &Transfer, catalog: &Catalog) -> Result<CostReport, CostError> {
    let mut a = Vec::new();
    let p = match &t.price {
        TransferPrice::PerGb(usd) => per_gb(*usd, t.via_nat, &mut a)?,
        TransferPrice::Path { from, to } => on_path(catalog, from, to, t.via_nat, &mut a)?,
    };
    let (m, b) = (t.messages_per_day, t.message_bytes);
    if u128::from(b) * u128::from(m) > 10u128.pow(30) {
        return Err(CostError::invalid(
            "messages-per-day",
            "messages per day × message bytes exceeds 10^30 bytes",
        ));
    }
    let value = latency_value(&t.latency_value, &mut a)?;
    a.push(Assumption::new("year", "365 days", "convention"));
    let knobs = |k: [f64; 4]| p.compute(b, m, value, k);
    let (per_day, per_msg, lat) = knobs([1.0; 4]);
    let sens_exact = [
        "price per GB",
        "message bytes",
        "messages per day",
        "latency value ($/s or beta x revenue)",
    ]
    .iter()
    .enumerate()
    .map(|(idx, name)| {
        let f = |x: f64| {
            let mut k = [1.0; 4];
            k[idx] = x;
            knobs(k).0
        };
        tornado_row(name, f(0.9), f(1.1), per_day)
    })
    .collect();
    let (sensitivity, dominant_input) = rank_tornado(sens_exact);
    crate::evaluate::check_in_range(
        &[per_msg, lat, per_day, per_day.times(DAYS_PER_YEAR)],
        &format!("{m} messages/day ({} each)", per_msg.pretty()),
    )?;
    Ok(CostReport {
        model: TRANSFER.into(),
        formula: if p.nat.is_some() {
            "messages/day × bytes × (path price + NAT processing price) per unit (GB = 10^9 B, GiB = 2^30 B)".into()
        } else {
            "messages/day × bytes × price per unit (GB = 10^9 B, GiB = 2^30 B)".into()
        },
        unit: "one message".into(),
        nodes: 2,
        messages_per_tx: 1.0,
        messages_per_tx_exact: "1".into(),
        rounds: 1,
        latency_ms: p.latency_ms,
        batching_wait_ms: 0.0,
        latency_statistic: p.statistic.clone(),
        message_cost_usd_per_tx: per_msg,
        latency_cost_usd_per_tx: lat,
        per_tx_usd: per_msg + lat,
        tx_per_day: m,
        per_day_usd: per_day.round_to_cents(),
        per_year_usd: per_day.times(DAYS_PER_YEAR).round_to_cents(),
        days_per_year: DAYS_PER_YEAR,
        paths: vec![PathLine {
            from: p.label.clone(),
            to: String::new(),
            class: "transfer".into(),
            messages_per_tx: 1.0,
            usd_per_tx: per_msg,
            price: p.label,
        }],
        dominant_input,
        sensitivity,
        assumptions: a,
        catalog_as_of: p.as_of,
    })
}

fn per_gb(usd: Usd, via_nat: bool, a: &mut Vec<Assumption>) -> Result<Priced, CostError> {
    if via_nat {
        return Err(CostError::invalid(
            "via-nat",
            "needs --path SRC:DST (the NAT fee depends on the provider and on whether \
             the path leaves the VPC), not --price-per-gb",
        ));
    }
    non_negative("price-per-gb", usd)?;
    a.push(Assumption::new(
        "price",
        format!("${}/GB (GB = 10^9 bytes)", usd.exact_string()),
        "user input",
    ));
    Ok(Priced {
        price: usd,
        unit_bytes: 1_000_000_000,
        sides: 1,
        label: "user price".to_string(),
        latency_ms: 0.0,
        statistic: "no path given".to_string(),
        nat: None,
        as_of: AsOfRange::default(),
    })
}

fn on_path(
    catalog: &Catalog,
    x: &Placement,
    y: &Placement,
    via_nat: bool,
    a: &mut Vec<Assumption>,
) -> Result<Priced, CostError> {
    let pp = catalog.path_price(x, y)?;
    let (rtt, stat) = if x.provider == y.provider {
        catalog.rtt_ms(x, y)?
    } else {
        (0.0, "no cross-provider RTT".to_string())
    };
    let both_sides = pp.row.effective_usd() != pp.row.usd;
    a.push(Assumption::new(
        "price",
        format!(
            "${}/{}{} ({})",
            pp.row.usd.exact_string(),
            pp.row.unit.label(),
            if both_sides { " each side" } else { "" },
            pp.class.name()
        ),
        format!(
            "{} as of {} ({}:{})",
            pp.row.source, pp.row.as_of, pp.row.file, pp.row.line
        ),
    ));
    let nat = if via_nat && crosses_nat(pp.class) {
        let n = nat_row(catalog, x.provider, &x.to_string())?;
        a.push(nat_assumption(&n));
        Some(n)
    } else {
        if via_nat {
            a.push(Assumption::new(
                "NAT gateway processing",
                format!("none: a {} path stays inside the VPC", pp.class.name()),
                format!("user input --via-nat; model: {NAT_MODEL}"),
            ));
        }
        None
    };
    let matrix_date = (x.provider == y.provider)
        .then(|| catalog.matrix(x.provider).map(|m| m.as_of.as_str()))
        .flatten();
    let as_of = AsOfRange::of(
        std::iter::once(pp.row.as_of.as_str())
            .chain(nat.as_ref().map(|n| n.as_of.as_str()))
            .chain(matrix_date),
    );
    Ok(Priced {
        price: pp.row.usd,
        unit_bytes: pp.row.unit.size(),
        sides: if both_sides { 2 } else { 1 },
        label: format!("{x} -> {y}"),
        latency_ms: rtt / 2.0,
        statistic: format!("one-way = RTT/2, {stat} RTT from the catalog"),
        nat,
        as_of,
    })
}

impl Priced {
    /// (per day, per message, latency cost per message) with the price, bytes,
    /// volume and value scaled by `k`.
    fn compute(
        &self,
        bytes: u64,
        messages: u64,
        value: Option<LatencyValue>,
        k: [f64; 4],
    ) -> (Usd, Usd, Usd) {
        let [price_f, bytes_f, vol_f, value_f] = k;
        let bytes = i128::from(scale_u64(bytes, bytes_f));
        let msgs = scale_u64(messages, vol_f);
        let price = self.price.scale(price_f);
        let nat_fee = |n: i128| {
            self.nat.as_ref().map_or(Usd::ZERO, |r| {
                r.usd.scale(price_f).mul_ratio(n, i128::from(r.unit.size()))
            })
        };
        let unit = i128::from(self.unit_bytes);
        let per_day_transfer = price.mul_ratio(bytes * i128::from(msgs) * self.sides, unit)
            + nat_fee(bytes * i128::from(msgs));
        let per_msg = price.mul_ratio(bytes * self.sides, unit) + nat_fee(bytes);
        let lat = value
            .map(|v| {
                v.cost(ms_to_ns(self.latency_ms).unwrap_or(0))
                    .scale(value_f)
            })
            .unwrap_or(Usd::ZERO);
        (per_day_transfer + lat.times(msgs), per_msg, lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(price: TransferPrice, via_nat: bool) -> Transfer {
        Transfer {
            messages_per_day: 100_000_000,
            message_bytes: 1000,
            price,
            via_nat,
            latency_value: LatencyPrice::NotPriced,
        }
    }

    #[test]
    fn typed_transfer_prices_a_gb_and_a_path() {
        let cat = Catalog::try_builtin().unwrap();
        let r = transfer(&t(TransferPrice::PerGb(Usd::from_cents(2)), false), &cat).unwrap();
        assert_eq!(r.per_day_usd.exact_string(), "2.00");
        assert_eq!(r.model, "transfer");
        let path = TransferPrice::Path {
            from: cat.placement("path", "us-east-1").unwrap(),
            to: cat.placement("path", "eu-west-1").unwrap(),
        };
        // 100 GB x ($0.02 + $0.045 NAT)
        let r = transfer(&t(path, true), &cat).unwrap();
        assert_eq!(r.per_day_usd.exact_string(), "6.50");
    }

    #[test]
    fn typed_transfer_refuses_what_it_cannot_price() {
        let cat = Catalog::try_builtin().unwrap();
        let name = |r: Result<CostReport, CostError>| match r.unwrap_err() {
            CostError::InvalidParameter { name, .. } => name,
            other => other.to_string(),
        };
        let per_gb = |usd| TransferPrice::PerGb(usd);
        assert_eq!(
            name(transfer(&t(per_gb(Usd::from_cents(2)), true), &cat)),
            "via-nat"
        );
        assert_eq!(
            name(transfer(&t(per_gb(-Usd::from_cents(2)), false), &cat)),
            "price-per-gb"
        );
        let huge = Transfer {
            messages_per_day: u64::MAX,
            message_bytes: u64::MAX,
            ..t(per_gb(Usd::from_cents(2)), false)
        };
        assert_eq!(name(transfer(&huge, &cat)), "messages-per-day");
    }
}
