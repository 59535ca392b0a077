//! Fuzzing cc-cost's parsers with proptest-driven generators (issue 20):
//! decimal prices, user catalog files (prices, regions, RTT matrices) and the
//! importers of provider price files (AWS offer file, Azure Retail Prices pages)
//! return `Ok` or a located error — never a panic or a hang.
//! `CCLAB_FUZZ_CASES` sets the number of generated inputs per target
//! (default 2,000).

use cc_cost::import::{ImportFormat, ImportSource, import};
use cc_cost::{Catalog, Usd};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("CCLAB_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Inputs that once misbehaved (issue 20 items 4 and 8).
const CORPUS: &[&str] = &[
    "1e2147483630",
    "0e2147483647",
    "1e2147483647",
    "1e-2147483648",
    "-0",
    "+.5",
    ".",
    "1e",
    "9223372036854775808e9223372036854775807",
];

#[test]
fn corpus_never_panics() {
    for s in CORPUS {
        let _ = Usd::parse_decimal(s);
    }
    let base = Catalog::try_builtin().expect("the shipped catalog loads");
    for text in [
        "# provider: aws\n# statistic: median\n# source: x\n# as_of: 2024-02-31\n# same_zone_rtt_ms: 0.1\nfrom,us-east-1\nus-east-1,1\n",
        "provider,kind,from,to,usd,unit,billing,tier_start_gb,tier_end_gb,chunk_bytes,source,as_of,note\naws,inter_region,*,*,1e2147483630,GB,one_side,,,,s,2024-06,\n",
    ] {
        let _ = base.clone().with_user_file("fuzz.csv", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_decimals(s in "[+-]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][+-]?[0-9]{0,12})?") {
        let _ = Usd::parse_decimal(&s);
    }

    #[test]
    fn fuzz_catalog_files(lines in prop::collection::vec(
        prop_oneof![
            Just("# provider: aws".to_string()),
            Just("# statistic: median".to_string()),
            Just("# source: fuzz".to_string()),
            Just("# as_of: 2024-06".to_string()),
            Just("# same_zone_rtt_ms: 0.2".to_string()),
            Just("from,us-east-1,eu-west-1".to_string()),
            Just("provider,kind,from,to,usd,unit,billing,tier_start_gb,tier_end_gb,chunk_bytes,source,as_of,note".to_string()),
            "[a-z0-9:*,. -]{0,60}",
            "(aws|gcp|azure),(inter_region|same_zone|request),[a-z0-9*-]{1,12},[a-z0-9*-]{1,12},[0-9e.-]{1,10},(GB|GiB),one_side,,,,src,2024-0[1-9],",
        ],
        0..12,
    )) {
        let text = lines.join("\n");
        let base = Catalog::try_builtin().expect("the shipped catalog loads");
        let _ = base.with_user_file("fuzz.csv", &text);
    }
}

const AWS_SAMPLE: &str = include_str!("data/aws_data_transfer_offer.json");
const AZURE_SAMPLE: &str = include_str!("data/azure_retail_prices_page1.json");

fn import_one(format: ImportFormat, text: String) {
    let base = Catalog::try_builtin().expect("the shipped catalog loads");
    let src = ImportSource {
        format,
        file: "fuzz.json".into(),
        text,
    };
    if let Ok(imp) = import(&[src], Some("2026-12-07"), &base.regions) {
        // whatever imports must load as a catalog file
        let csv = cc_cost::import::to_price_csv(&imp.rows);
        base.with_user_file("fuzz.csv", &csv)
            .expect("an imported file loads");
    }
}

/// Mutations of a sample: a byte range replaced by a fragment.
fn mutated(sample: &'static str) -> impl Strategy<Value = String> {
    (
        0..sample.len(),
        0usize..40,
        prop_oneof![
            Just(String::new()),
            Just("\"".to_string()),
            Just("{".to_string()),
            Just("]".to_string()),
            Just("-1".to_string()),
            Just("1e400".to_string()),
            Just("\"Inf\"".to_string()),
            Just("null".to_string()),
            "[ -~]{0,12}",
        ],
    )
        .prop_map(move |(at, len, frag)| {
            let mut at = at;
            while !sample.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + len).min(sample.len());
            while !sample.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{}{}", &sample[..at], frag, &sample[end..])
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_aws_offer_import(text in mutated(AWS_SAMPLE)) {
        import_one(ImportFormat::AwsOffer, text);
    }

    #[test]
    fn fuzz_azure_retail_import(text in mutated(AZURE_SAMPLE)) {
        import_one(ImportFormat::AzureRetail, text);
    }

    #[test]
    fn fuzz_import_arbitrary_json(text in "[{}\\[\\]\",:0-9a-zA-Z .-]{0,200}") {
        import_one(ImportFormat::AwsOffer, text.clone());
        import_one(ImportFormat::AzureRetail, text);
    }
}
