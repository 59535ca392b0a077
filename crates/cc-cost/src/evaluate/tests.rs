use super::*;
use crate::catalog::PriceKind;
use crate::protocols::Coordinator;

fn text_2pc() -> (Protocol, Pricing) {
    (
        Protocol::TwoPc {
            participants: 5,
            coordinator: Coordinator::Separate,
        },
        Pricing {
            rtt_ms: Some(100.0),
            messages: MessagePrice::Flat {
                per_1000: Usd::from_cents(1),
            },
            latency_value: LatencyPrice::Flat {
                usd_per_second: Usd::from_dollars(1),
            },
            tx_per_day: Some(1_000_000),
            ..Pricing::default()
        },
    )
}

fn invalid_name(e: CostError) -> String {
    match e {
        CostError::InvalidParameter { name, .. } | CostError::MissingParameter { name, .. } => name,
        other => other.to_string(),
    }
}

#[test]
fn typed_text_2pc_matches_the_hand_figures() {
    let cat = Catalog::try_builtin().unwrap();
    let (p, pricing) = text_2pc();
    let r = evaluate(&p, &pricing, &cat).unwrap();
    // 14 messages x $0.00001 + 0.2 s x $1/s
    assert_eq!(r.model, "2pc");
    assert_eq!(r.messages_per_tx_exact, "14");
    assert_eq!(r.per_tx_usd.exact_string(), "0.20014");
    assert_eq!(r.per_year_usd.exact_string(), "73051100.00");
    // only the defaults this call took are recorded: message bytes
    let defaults: Vec<&str> = r
        .assumptions
        .iter()
        .filter(|a| a.source.starts_with("default"))
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(defaults, ["message bytes"]);
}

#[test]
fn typed_inputs_out_of_range_name_the_parameter() {
    let cat = Catalog::try_builtin().unwrap();
    let (p, base) = text_2pc();
    let with = |pricing: Pricing| invalid_name(evaluate(&p, &pricing, &cat).unwrap_err());
    assert_eq!(
        with(Pricing {
            messages: MessagePrice::Flat {
                per_1000: -Usd::from_cents(1)
            },
            ..base.clone()
        }),
        "price-per-1000-messages"
    );
    assert_eq!(
        with(Pricing {
            latency_value: LatencyPrice::Revenue {
                revenue_per_tx: -Usd::from_dollars(1),
                beta: None
            },
            ..base.clone()
        }),
        "revenue-per-tx"
    );
    assert_eq!(
        with(Pricing {
            batch: 0,
            ..base.clone()
        }),
        "batch"
    );
    assert_eq!(
        with(Pricing {
            rtt_ms: None,
            ..base.clone()
        }),
        "rtt-ms"
    );
    assert_eq!(
        with(Pricing {
            rtt_ms: Some(f64::NAN),
            ..base.clone()
        }),
        "rtt-ms"
    );
    assert_eq!(
        with(Pricing {
            placements: Some(Vec::new()),
            ..base.clone()
        }),
        "regions"
    );
    let not_a_bus = cat.prices[0].clone();
    assert_ne!(not_a_bus.kind, PriceKind::Request);
    assert_eq!(
        with(Pricing {
            messages: MessagePrice::Catalog {
                bus: Some(Box::new(not_a_bus)),
                via_nat: false
            },
            ..base
        }),
        "bus"
    );
}

#[test]
fn beta_default_and_given_beta_are_told_apart() {
    let cat = Catalog::try_builtin().unwrap();
    let (p, base) = text_2pc();
    let beta_source = |beta: Option<Beta>| {
        let r = evaluate(
            &p,
            &Pricing {
                latency_value: LatencyPrice::Revenue {
                    revenue_per_tx: Usd::from_dollars(10),
                    beta,
                },
                ..base.clone()
            },
            &cat,
        )
        .unwrap();
        let a = r
            .assumptions
            .iter()
            .find(|a| a.name == "beta (revenue loss per second)")
            .unwrap()
            .clone();
        (a.value, a.source, r.latency_cost_usd_per_tx)
    };
    let (v, s, default_cost) = beta_source(None);
    assert_eq!(v, "0.1");
    assert!(s.starts_with("default: Amazon"), "{s}");
    let (v, s, given_cost) = beta_source(Some(Beta::new(0.05).unwrap()));
    assert_eq!((v.as_str(), s.as_str()), ("0.05", "user input"));
    // 0.2 s x $10 x 0.1/s = $0.20; at 0.05/s half of it
    assert_eq!(default_cost.exact_string(), "0.20");
    assert_eq!(given_cost.exact_string(), "0.10");
}
