use super::*;
use crate::Catalog;
use crate::catalog::PriceUnit;

const AWS: &str = include_str!("../../tests/data/aws_data_transfer_offer.json");
const AZ1: &str = include_str!("../../tests/data/azure_retail_prices_page1.json");
const AZ2: &str = include_str!("../../tests/data/azure_retail_prices_page2.json");

fn src(format: ImportFormat, file: &str, text: &str) -> ImportSource {
    ImportSource {
        format,
        file: file.into(),
        text: text.into(),
    }
}

fn all() -> Vec<ImportSource> {
    vec![
        src(ImportFormat::AwsOffer, "aws.json", AWS),
        src(ImportFormat::AzureRetail, "az1.json", AZ1),
        src(ImportFormat::AzureRetail, "az2.json", AZ2),
    ]
}

fn cat() -> Catalog {
    Catalog::try_builtin().unwrap()
}

fn find<'a>(rows: &'a [PriceRow], kind: PriceKind, from: &str, to: &str) -> Vec<&'a PriceRow> {
    rows.iter()
        .filter(|r| r.kind == kind && r.from == from && r.to == to)
        .collect()
}

#[test]
fn aws_offer_maps_data_transfer_products() {
    let imp = import(&all()[..1], None, &cat().regions).unwrap();
    let rows = &imp.rows;
    assert_eq!(rows.len(), 6, "{rows:#?}");
    let ir = find(rows, PriceKind::InterRegion, "us-east-1", "eu-west-1");
    assert_eq!(ir[0].usd.exact_string(), "0.02");
    assert_eq!(ir[0].as_of, "2026-11-20", "publicationDate");
    assert!(ir[0].source.contains("SKU SAMPLEIR1"), "{}", ir[0].source);
    // located by the location name when the file has no region code
    let ohio = find(rows, PriceKind::InterRegion, "us-east-2", "us-east-1");
    assert_eq!(ohio[0].usd.exact_string(), "0.01");
    let egress = find(rows, PriceKind::InternetEgress, "us-east-1", "internet");
    let tiers: Vec<_> = egress
        .iter()
        .map(|r| (r.tier_start_gb, r.tier_end_gb, r.usd.exact_string()))
        .collect();
    assert_eq!(
        tiers,
        [
            (Some(0), Some(100), "0.00".to_string()),
            (Some(100), Some(10240), "0.09".to_string()),
            (Some(10240), None, "0.085".to_string())
        ]
    );
    let az = find(rows, PriceKind::CrossZone, "us-east-1", "*");
    assert_eq!(az[0].billing, Billing::BothSides);
    assert_eq!(
        imp.skipped.get("AWS: transfer type `InterRegion Inbound`"),
        Some(&1)
    );
    assert_eq!(
        imp.skipped
            .get("AWS: region not in the catalog's region table"),
        Some(&1)
    );
    assert_eq!(
        imp.skipped.get("AWS: product family `NAT Gateway`"),
        Some(&1)
    );
    // each row points at its price dimension
    let line = AWS
        .lines()
        .position(|l| l.contains("\"SAMPLEIR1.JRTCKXETXF.6YS6EN2CT7\" : {"))
        .unwrap()
        + 1;
    assert_eq!(ir[0].line, line);
}

#[test]
fn azure_pages_map_egress_storage_and_vms_with_tiers_across_pages() {
    let imp = import(&all()[1..], Some("2026-12-07"), &cat().regions).unwrap();
    let rows = &imp.rows;
    let egress = find(rows, PriceKind::InternetEgress, "eastus", "internet");
    let tiers: Vec<_> = egress
        .iter()
        .map(|r| (r.tier_start_gb, r.tier_end_gb, r.usd.exact_string()))
        .collect();
    assert_eq!(
        tiers,
        [
            (Some(0), Some(100), "0.00".to_string()),
            (Some(100), Some(10240), "0.087".to_string()),
            (Some(10240), None, "0.083".to_string())
        ]
    );
    let blob = find(rows, PriceKind::Storage, "eastus2", "blob-hot-lrs");
    assert_eq!(blob.len(), 2);
    assert_eq!(blob[0].unit, PriceUnit::GbMonth);
    assert_eq!(blob[0].usd.exact_string(), "0.0184");
    assert_eq!(blob[0].tier_end_gb, Some(51200));
    let vm = find(rows, PriceKind::Compute, "eastus", "D2s_v5");
    assert_eq!(
        vm.len(),
        1,
        "Windows and reservation items are not the Linux price"
    );
    assert_eq!(vm[0].unit, PriceUnit::Hour);
    assert_eq!(vm[0].usd.exact_string(), "0.096");
    assert_eq!(vm[0].as_of, "2026-12-07");
    assert!(vm[0].note.contains("effectiveStartDate 2021-11-01"));
    assert_eq!(imp.skipped.get("Azure: price type `Reservation`"), Some(&1));
    assert_eq!(
        imp.skipped.get("Azure: Virtual Machines item not mapped"),
        Some(&1)
    );
    assert_eq!(
        imp.skipped
            .get("Azure: region not in the catalog's region table"),
        Some(&1)
    );
    assert_eq!(imp.skipped.get("Azure: Storage item not mapped"), Some(&1));
}

#[test]
fn import_round_trips_through_the_catalog_file() {
    let imp = import(&all(), Some("2026-12-07"), &cat().regions).unwrap();
    let csv = to_price_csv(&imp.rows);
    let loaded = cat().with_user_file("imported.csv", &csv).unwrap();
    assert_eq!(loaded.prices.len(), imp.rows.len());
    for (a, b) in imp.rows.iter().zip(&loaded.prices) {
        let strip = |r: &PriceRow| PriceRow {
            file: String::new(),
            line: 0,
            ..r.clone()
        };
        assert_eq!(strip(a), strip(b));
        assert_eq!(b.file, "imported.csv");
    }
    // the loaded file prices paths and resources
    let p = |s: &str| loaded.placement("p", s).unwrap();
    let pp = loaded
        .path_price(&p("aws:us-east-1"), &p("aws:eu-west-1"))
        .unwrap();
    assert_eq!(pp.row.usd.exact_string(), "0.02");
    let vm = loaded
        .resource_price(PriceKind::Compute, Provider::Azure, "eastus", "D2s_v5")
        .unwrap();
    assert_eq!(vm.usd.exact_string(), "0.096");
    // of a tiered storage class, the first tier (the list price)
    let blob = loaded
        .resource_price(
            PriceKind::Storage,
            Provider::Azure,
            "eastus2",
            "blob-hot-lrs",
        )
        .unwrap();
    assert_eq!(blob.usd.exact_string(), "0.0184");
}

fn err_of(format: ImportFormat, text: &str, retrieved: Option<&str>) -> CostError {
    import(&[src(format, "f.json", text)], retrieved, &cat().regions).unwrap_err()
}

#[test]
fn errors_name_file_line_and_json_path() {
    let bad_unit = AWS.replacen("\"unit\" : \"GB\"", "\"unit\" : \"Hrs\"", 1);
    let line = bad_unit.lines().position(|l| l.contains("Hrs")).unwrap() + 1;
    let CostError::Data {
        file,
        line: l,
        field,
        message,
    } = err_of(ImportFormat::AwsOffer, &bad_unit, None)
    else {
        panic!("not a data error")
    };
    assert_eq!((file.as_str(), l), ("f.json", line));
    assert_eq!(
        field,
        "terms.OnDemand.SAMPLEIR1[\"SAMPLEIR1.JRTCKXETXF\"].priceDimensions[\"SAMPLEIR1.JRTCKXETXF.6YS6EN2CT7\"].unit"
    );
    assert!(message.contains("Hrs"), "{message}");

    let bad_price = AZ1.replacen("\"retailPrice\": 0.0184", "\"retailPrice\": \"0.0184\"", 1);
    let e = err_of(ImportFormat::AzureRetail, &bad_price, Some("2026-12-07"));
    assert!(
        matches!(&e, CostError::Data { field, .. } if field == "Items[2].retailPrice"),
        "{e}"
    );
    let syntax = err_of(
        ImportFormat::AzureRetail,
        "{\n\"Items\": [\n}",
        Some("2026-12-07"),
    );
    assert!(
        matches!(syntax, CostError::Data { line: 3, .. }),
        "{syntax}"
    );
    let eur = AZ1.replacen("\"currencyCode\": \"USD\"", "\"currencyCode\": \"EUR\"", 1);
    let e = err_of(ImportFormat::AzureRetail, &eur, Some("2026-12-07"));
    assert!(e.to_string().contains("Items[0].currencyCode"), "{e}");
    let no_date = err_of(ImportFormat::AzureRetail, AZ1, None);
    assert!(no_date.to_string().contains("retrieved"), "{no_date}");
    let bad_pub = AWS.replace("2026-11-20T00:00:00Z", "yesterday");
    let e = err_of(ImportFormat::AwsOffer, &bad_pub, None);
    assert!(
        matches!(&e, CostError::Data { field, line: 6, .. } if field == "publicationDate"),
        "{e}"
    );
    let twice = import(
        &[
            src(ImportFormat::AwsOffer, "a.json", AWS),
            src(ImportFormat::AwsOffer, "b.json", AWS),
        ],
        None,
        &cat().regions,
    )
    .unwrap_err();
    assert!(twice.to_string().contains("a.json"), "{twice}");
    assert!(
        import(&[], Some("2026-02-30"), &cat().regions).is_err(),
        "impossible retrieval date"
    );
}

/// Found by the 100,000-case fuzz run in CI: a VM item whose `armSkuName` is empty (or just
/// `Standard_`) produced a row without an instance type, which the written catalog file then
/// refused to load. Such items are skipped, counted, and the file still round-trips.
#[test]
fn fuzz_regression_a_vm_item_without_sku_is_skipped_not_written_empty() {
    for empty in ["", "Standard_", "  "] {
        let text = AZ1.replacen(
            "\"armSkuName\": \"Standard_D2s_v5\"",
            &format!("\"armSkuName\": \"{empty}\""),
            1,
        );
        assert_ne!(text, AZ1, "the sample holds a D2s_v5 item");
        let imp = import(
            &[src(ImportFormat::AzureRetail, "az1.json", &text)],
            Some("2026-12-07"),
            &cat().regions,
        )
        .unwrap();
        assert!(imp.rows.iter().all(|r| !r.to.trim().is_empty()));
        let csv = to_price_csv(&imp.rows);
        cat().with_user_file("imported.csv", &csv).unwrap();
    }
}
