//! One page of the Azure Retail Prices API response (JSON) → catalog rows.
//!
//! Schema (Microsoft Learn, "Azure Retail Prices overview",
//! <https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices>,
//! retrieved 2026-12-07): `{BillingCurrency, CustomerEntityId, CustomerEntityType,
//! Items: [...], NextPageLink, Count}`, each item with `currencyCode`,
//! `tierMinimumUnits`, `retailPrice`, `unitPrice`, `armRegionName`, `location`,
//! `effectiveStartDate`, `meterId`, `meterName`, `productId`, `skuId`,
//! `productName`, `skuName`, `serviceName`, `serviceId`, `serviceFamily`,
//! `unitOfMeasure`, `type`, `isPrimaryMeterRegion` and `armSkuName`. A response holds
//! at most one page; pass every page (`NextPageLink`) as its own file.
//!
//! Mapping (items of `type` `Consumption` in `USD` only; the price is
//! `retailPrice` per `unitOfMeasure`, `N GB`, `N GB/Month` or `N Hour`):
//!
//! | `serviceName` | which items | catalog kind | from → to |
//! | --- | --- | --- | --- |
//! | `Bandwidth` | `productName` `Bandwidth`, `meterName` `Standard Data Transfer Out` | `internet_egress` (tiers from `tierMinimumUnits`, GB) | `armRegionName` → `internet` |
//! | `Storage` | `productName` `General Block Blob v2`, `meterName` ending `Data Stored` | `storage` per GB-month (tiers as above) | `armRegionName` → `blob-<skuName>` (`blob-hot-lrs`) |
//! | `Virtual Machines` | Linux (no `Windows` in `productName`), not `Spot` or `Low Priority` | `compute` per hour | `armRegionName` → `armSkuName` without `Standard_` (`D2s_v5`) |
//!
//! The mapping is deliberately narrow: Azure's inter-region bandwidth meters name
//! continents and zones rather than regions, so they are skipped (counted), as are
//! other services and regions outside the catalog's region table. A tier ends where
//! the next tier of the same row starts. The response carries no date, so a row's
//! `as_of` is the retrieval date the user states (`--retrieved`).

use serde_json::Value;

use super::jsonpos::{Doc, JsonPath};
use super::{Import, ImportSource, date_part, known_region};
use crate::CostError;
use crate::catalog::{Billing, PriceKind, PriceRow, PriceUnit, Provider, RegionInfo};
use crate::money::Usd;

pub(super) fn import_page(
    src: &ImportSource,
    retrieved: Option<&str>,
    regions: &[RegionInfo],
    out: &mut Import,
) -> Result<(), CostError> {
    let doc = Doc::parse(&src.file, &src.text)?;
    let items_path = JsonPath::default().key("Items");
    let Some(Value::Array(items)) = doc.get(&items_path) else {
        return Err(doc.err(
            &JsonPath::default(),
            "expected an Azure Retail Prices response: an object with an `Items` array",
        ));
    };
    let retrieved = retrieved.ok_or_else(|| {
        CostError::missing(
            "retrieved",
            "an Azure Retail Prices response carries no date; pass --retrieved YYYY-MM-DD \
             (the day you downloaded it)",
        )
    })?;
    let mut meters = std::collections::BTreeSet::new();
    for i in 0..items.len() {
        let it = items_path.index(i);
        if let Some(row) = item_row(&doc, &it, retrieved, regions, out)? {
            let meter = doc.opt_str_at(&it.key("meterId"))?.unwrap_or("");
            if !meter.is_empty() && !meters.insert((meter.to_string(), row.tier_start_gb)) {
                out.skip("Azure: meter listed again (same meterId and tier)");
                continue;
            }
            out.rows.push(row);
        }
    }
    Ok(())
}

/// Sets each Azure tier's end to the next tier's start among Azure rows with the
/// same kind, from and to (tiers may be spread over pages).
pub(super) fn close_tiers(rows: &mut [PriceRow]) {
    let starts: Vec<(PriceKind, String, String, u64)> = rows
        .iter()
        .filter(|r| r.provider == Provider::Azure)
        .filter_map(|r| {
            r.tier_start_gb
                .map(|s| (r.kind, r.from.clone(), r.to.clone(), s))
        })
        .collect();
    for r in rows.iter_mut().filter(|r| r.provider == Provider::Azure) {
        let Some(s) = r.tier_start_gb else { continue };
        r.tier_end_gb = starts
            .iter()
            .filter(|(k, f, t, x)| *k == r.kind && *f == r.from && *t == r.to && *x > s)
            .map(|(_, _, _, x)| *x)
            .min();
    }
}

/// The row of one item (`None`: skipped and counted).
fn item_row(
    doc: &Doc<'_>,
    it: &JsonPath,
    retrieved: &str,
    regions: &[RegionInfo],
    out: &mut Import,
) -> Result<Option<PriceRow>, CostError> {
    let s = |k: &str| -> Result<&str, CostError> { doc.str_at(&it.key(k)) };
    let currency = s("currencyCode")?;
    if currency != "USD" {
        return Err(doc.err(
            &it.key("currencyCode"),
            format!("currency `{currency}`: cclab prices in USD (request currencyCode='USD')"),
        ));
    }
    if s("type")? != "Consumption" {
        out.skip(format!("Azure: price type `{}`", s("type")?));
        return Ok(None);
    }
    let (service, product, meter) = (s("serviceName")?, s("productName")?, s("meterName")?);
    let sku = doc.opt_str_at(&it.key("skuName"))?.unwrap_or("");
    let (kind, to) = match service {
        "Bandwidth" if product == "Bandwidth" && meter == "Standard Data Transfer Out" => {
            (PriceKind::InternetEgress, "internet".to_string())
        }
        "Storage" if product == "General Block Blob v2" && meter.ends_with("Data Stored") => (
            PriceKind::Storage,
            format!("blob-{}", sku.to_ascii_lowercase().replace(' ', "-")),
        ),
        "Virtual Machines"
            if !product.contains("Windows")
                && !meter.contains("Spot")
                && !meter.contains("Low Priority") =>
        {
            let arm = s("armSkuName")?;
            let ty = arm.strip_prefix("Standard_").unwrap_or(arm).trim();
            if ty.is_empty() {
                // Some meters carry no SKU; a price row needs its instance type.
                out.skip("Azure: Virtual Machines item without an armSkuName");
                return Ok(None);
            }
            (PriceKind::Compute, ty.to_string())
        }
        _ => {
            out.skip(format!("Azure: {service} item not mapped"));
            return Ok(None);
        }
    };
    let region = s("armRegionName")?;
    if !known_region(regions, Provider::Azure, region) {
        out.skip("Azure: region not in the catalog's region table");
        return Ok(None);
    }
    let (unit, per) = unit_of(doc, it, kind)?;
    let usd = number(doc, &it.key("retailPrice"))?;
    let tier_start = tier_of(doc, &it.key("tierMinimumUnits"))?;
    let effective = doc.opt_str_at(&it.key("effectiveStartDate"))?.unwrap_or("");
    Ok(Some(PriceRow {
        provider: Provider::Azure,
        kind,
        from: region.to_string(),
        to,
        usd: usd.mul_ratio(1, i128::from(per)),
        unit,
        billing: Billing::OneSide,
        tier_start_gb: (kind != PriceKind::Compute).then_some(tier_start),
        tier_end_gb: None,
        chunk_bytes: None,
        source: format!(
            "Azure Retail Prices API response (Microsoft, https://prices.azure.com/api/retail/prices), \
             file {}; meterId {}; retrieved {retrieved}",
            doc.file,
            doc.opt_str_at(&it.key("meterId"))?.unwrap_or("?")
        ),
        as_of: retrieved.to_string(),
        note: format!(
            "imported: {service} / {product} / {sku} / {meter}, {} per {}; effectiveStartDate {}",
            usd.exact_string(),
            s("unitOfMeasure")?,
            date_part(effective).unwrap_or(effective)
        ),
        file: doc.file.to_string(),
        line: doc.line(it),
    }))
}

/// The catalog unit and the count `N` of `unitOfMeasure` `N GB`, `N GB/Month` or
/// `N Hour`, which must fit the row's kind.
fn unit_of(doc: &Doc<'_>, it: &JsonPath, kind: PriceKind) -> Result<(PriceUnit, u64), CostError> {
    let path = it.key("unitOfMeasure");
    let v = doc.str_at(&path)?;
    let parsed = v.split_once(' ').and_then(|(n, u)| {
        let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
        let unit = match u {
            "GB" => PriceUnit::Gb,
            "GB/Month" => PriceUnit::GbMonth,
            "Hour" | "Hours" => PriceUnit::Hour,
            _ => return None,
        };
        Some((unit, n))
    });
    match parsed {
        Some((unit, n)) if unit.fits(kind) => Ok((unit, n)),
        _ => Err(doc.err(
            &path,
            format!(
                "unit `{v}` does not fit a {} row (expected `1 GB`, `1 GB/Month` or `1 Hour`)",
                kind.name()
            ),
        )),
    }
}

/// `tierMinimumUnits`: a whole, non-negative number of units (`0.0`, `51200.0`).
fn tier_of(doc: &Doc<'_>, path: &JsonPath) -> Result<u64, CostError> {
    let whole = match doc.get(path) {
        Some(Value::Number(n)) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..1e15).contains(f))
                .map(|f| f as u64)
        }),
        None => Some(0),
        Some(_) => None,
    };
    whole.ok_or_else(|| doc.err(path, "expected a whole, non-negative number of units"))
}

/// A non-negative JSON number, exactly as its shortest decimal form.
fn number(doc: &Doc<'_>, path: &JsonPath) -> Result<Usd, CostError> {
    let v = match doc.get(path) {
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(doc.err(path, "expected a number")),
        None => return Err(doc.err(path, "missing number")),
    };
    let usd = Usd::parse_decimal(&v).map_err(|m| doc.err(path, m))?;
    if usd.is_negative() {
        return Err(doc.err(path, format!("negative value `{v}`")));
    }
    Ok(usd)
}
