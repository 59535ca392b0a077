//! The AWS Price List bulk offer file (JSON) → data-transfer catalog rows.
//!
//! Schema (AWS Billing, "Reading the service price list file for an AWS service",
//! <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html>,
//! retrieved 2026-12-07): top-level `formatVersion`, `offerCode`, `version`,
//! `publicationDate`, `products` (a map SKU → `{sku, productFamily, attributes}`) and
//! `terms` (`OnDemand` → SKU → offer term code → `{offerTermCode, sku,
//! effectiveDate, priceDimensions}`, each price dimension `{rateCode, description,
//! unit, beginRange, endRange, pricePerUnit: {USD}}`; the documentation's schema
//! names the range fields `startingRange`/`endingRange`, the files write
//! `beginRange`/`endRange` — both are read).
//!
//! Mapping (products of family `Data Transfer` only):
//!
//! | `attributes.transferType` | catalog kind | from → to | billing |
//! | --- | --- | --- | --- |
//! | `InterRegion Outbound` | `inter_region` | `fromRegionCode` → `toRegionCode` | one side |
//! | `AWS Outbound` | `internet_egress` (tiers from the ranges, GB) | `fromRegionCode` → `internet` | one side |
//! | `IntraRegion` | `cross_zone` | region → `*` | both sides |
//!
//! A region is `fromRegionCode`/`toRegionCode`, or else the region whose catalog
//! `location` is the parenthesised part of `fromLocation`/`toLocation`
//! (`US East (N. Virginia)` → `N. Virginia` → `us-east-1`). Every price dimension
//! must be in `GB`. Other families, transfer types, regions outside the catalog's
//! region table and tiered prices of kinds cclab prices flat are skipped and
//! counted. A row's `as_of` is the file's `publicationDate`.

use serde_json::Value;

use super::jsonpos::{Doc, JsonPath};
use super::{Import, ImportSource, date_part, known_region};
use crate::CostError;
use crate::catalog::{Billing, PriceKind, PriceRow, PriceUnit, Provider, RegionInfo};
use crate::money::Usd;

/// What one product maps to.
struct Target {
    kind: PriceKind,
    from: String,
    to: String,
    billing: Billing,
}

/// The file-level facts every row cites.
struct Offer<'a> {
    file: &'a str,
    offer_code: &'a str,
    version: &'a str,
    published: &'a str,
    as_of: String,
    retrieved: Option<&'a str>,
}

pub(super) fn import_offer(
    src: &ImportSource,
    retrieved: Option<&str>,
    regions: &[RegionInfo],
    out: &mut Import,
) -> Result<(), CostError> {
    let doc = Doc::parse(&src.file, &src.text)?;
    let root = JsonPath::default();
    let published = doc.str_at(&root.key("publicationDate"))?;
    let as_of = date_part(published)
        .ok_or_else(|| {
            doc.err(
                &root.key("publicationDate"),
                format!("`{published}` is not an ISO 8601 date-time"),
            )
        })?
        .to_string();
    let offer = Offer {
        file: &src.file,
        offer_code: doc.str_at(&root.key("offerCode"))?,
        version: doc.str_at(&root.key("version"))?,
        published,
        as_of,
        retrieved,
    };
    let products = doc.obj_at(&root.key("products"))?;
    for sku in products.keys() {
        let p = root.key("products").key(sku);
        let family = doc.opt_str_at(&p.key("productFamily"))?.unwrap_or("");
        if family != "Data Transfer" {
            out.skip(format!("AWS: product family `{family}`"));
            continue;
        }
        let Some(target) = target(&doc, &p, regions, out)? else {
            continue;
        };
        let terms = root.key("terms").key("OnDemand").key(sku);
        let Some(Value::Object(offers)) = doc.get(&terms) else {
            out.skip("AWS: no OnDemand term");
            continue;
        };
        for code in offers.keys() {
            rows_of_term(&doc, &offer, &p, &terms.key(code), &target, out)?;
        }
    }
    Ok(())
}

/// The catalog kind and endpoints of a data-transfer product (`None`: skipped).
fn target(
    doc: &Doc<'_>,
    p: &JsonPath,
    regions: &[RegionInfo],
    out: &mut Import,
) -> Result<Option<Target>, CostError> {
    let a = p.key("attributes");
    let transfer = doc.str_at(&a.key("transferType"))?;
    let region = |code: &str, loc: &str| -> Result<Option<String>, CostError> {
        if let Some(c) = doc.opt_str_at(&a.key(code))? {
            return Ok(known_region(regions, Provider::Aws, c).then(|| c.to_string()));
        }
        let name = doc.opt_str_at(&a.key(loc))?.unwrap_or("");
        let inner = name
            .rsplit_once('(')
            .and_then(|(_, r)| r.strip_suffix(')'))
            .unwrap_or("");
        Ok(regions
            .iter()
            .find(|r| r.provider == Provider::Aws && !inner.is_empty() && r.location == inner)
            .map(|r| r.region.clone()))
    };
    let from = region("fromRegionCode", "fromLocation")?;
    let (kind, to, billing) = match transfer {
        "InterRegion Outbound" => (
            PriceKind::InterRegion,
            region("toRegionCode", "toLocation")?,
            Billing::OneSide,
        ),
        "AWS Outbound" => (
            PriceKind::InternetEgress,
            Some("internet".to_string()),
            Billing::OneSide,
        ),
        "IntraRegion" => (PriceKind::CrossZone, Some("*".into()), Billing::BothSides),
        other => {
            out.skip(format!("AWS: transfer type `{other}`"));
            return Ok(None);
        }
    };
    match (from, to) {
        (Some(from), Some(to)) => Ok(Some(Target {
            kind,
            from,
            to,
            billing,
        })),
        _ => {
            out.skip("AWS: region not in the catalog's region table");
            Ok(None)
        }
    }
}

/// One row per price dimension of an OnDemand offer term.
fn rows_of_term(
    doc: &Doc<'_>,
    offer: &Offer<'_>,
    product: &JsonPath,
    term: &JsonPath,
    t: &Target,
    out: &mut Import,
) -> Result<(), CostError> {
    let effective = doc.opt_str_at(&term.key("effectiveDate"))?.unwrap_or("");
    let dims_path = term.key("priceDimensions");
    let dims = doc.obj_at(&dims_path)?;
    if dims.len() > 1 && t.kind != PriceKind::InternetEgress {
        out.skip("AWS: tiered price of a kind cclab prices flat");
        return Ok(());
    }
    for rate in dims.keys() {
        let d = dims_path.key(rate);
        let unit = doc.str_at(&d.key("unit"))?;
        if unit != "GB" {
            return Err(doc.err(
                &d.key("unit"),
                format!("unit `{unit}`: data transfer is priced per GB"),
            ));
        }
        let usd_path = d.key("pricePerUnit").key("USD");
        let text = doc.str_at(&usd_path)?;
        let usd = Usd::parse_decimal(text).map_err(|m| doc.err(&usd_path, m))?;
        if usd.is_negative() {
            return Err(doc.err(&usd_path, format!("negative price `{text}`")));
        }
        let (lo, hi) = (range(doc, &d, "beginRange", "startingRange")?, {
            range(doc, &d, "endRange", "endingRange")?
        });
        if let (Some(a), Some(b)) = (lo, hi)
            && b <= a
        {
            return Err(doc.err(&d, format!("range end {b} is not above its start {a}")));
        }
        let tiered = t.kind == PriceKind::InternetEgress;
        let attrs = product.key("attributes");
        let loc = |k: &str| -> Result<&str, CostError> {
            Ok(doc.opt_str_at(&attrs.key(k))?.unwrap_or("?"))
        };
        out.rows.push(PriceRow {
            provider: Provider::Aws,
            kind: t.kind,
            from: t.from.clone(),
            to: t.to.clone(),
            usd,
            unit: PriceUnit::Gb,
            billing: t.billing,
            tier_start_gb: if tiered { Some(lo.unwrap_or(0)) } else { None },
            tier_end_gb: if tiered { hi } else { None },
            chunk_bytes: None,
            source: format!(
                "AWS Price List bulk offer file {} version {} (publicationDate {}), file {}; \
                 SKU {}, rate code {}{}",
                offer.offer_code,
                offer.version,
                offer.published,
                offer.file,
                doc.str_at(&product.key("sku"))?,
                rate,
                offer
                    .retrieved
                    .map(|r| format!("; retrieved {r}"))
                    .unwrap_or_default()
            ),
            as_of: offer.as_of.clone(),
            note: format!(
                "imported: {} {} -> {}; OnDemand effectiveDate {}; {}",
                doc.str_at(&attrs.key("transferType"))?,
                loc("fromLocation")?,
                loc("toLocation")?,
                effective,
                doc.opt_str_at(&d.key("description"))?.unwrap_or("")
            ),
            file: offer.file.to_string(),
            line: doc.line(&d),
        });
    }
    Ok(())
}

/// A range bound in GB: an integer, `Inf` (→ `None`) or absent (→ `None`).
fn range(doc: &Doc<'_>, d: &JsonPath, key: &str, alias: &str) -> Result<Option<u64>, CostError> {
    let path = if doc.get(&d.key(key)).is_some() {
        d.key(key)
    } else {
        d.key(alias)
    };
    match doc.opt_str_at(&path)? {
        None | Some("Inf") => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| doc.err(&path, format!("`{v}` is not a whole number of GB or `Inf`"))),
    }
}
