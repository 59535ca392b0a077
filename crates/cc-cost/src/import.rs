//! Importers for the providers' machine-readable price files (`cclab cost catalog
//! import`): the **AWS Price List bulk offer file** (JSON) and the **Azure Retail
//! Prices API** response (JSON), turned into cclab's price catalog format (the CSV
//! of `data/prices.csv`, which `--catalog FILE` loads).
//!
//! * [`aws`] — the offer file documented in AWS Billing, "Reading the service price
//!   list file for an AWS service"
//!   (<https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-file-for-services.html>,
//!   retrieved 2026-12-07), downloaded with the Price List Bulk API ("Getting price
//!   list files using the AWS Price List Bulk API",
//!   <https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html>).
//! * [`azure`] — the response documented in Microsoft Learn, "Azure Retail Prices
//!   overview" (<https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices>,
//!   retrieved 2026-12-07); one file per page (follow `NextPageLink` and pass every
//!   page).
//!
//! Errors are [`CostError::Data`] like the CSV loader's: the file, the 1-based line,
//! and as the field the JSON path of the offending value (`Items[3].unitOfMeasure`,
//! `products["SKU"].attributes.transferType`); syntax errors carry serde_json's line
//! and column. Entries that are valid but that cclab does not model (another product
//! family, a Windows VM, a region outside the catalog's region table) are skipped
//! and counted by reason in [`Import::skipped`], never guessed.
//!
//! ## Dates and determinism
//! An imported row's `as_of` is the date the file itself states — the AWS offer
//! file's `publicationDate` — or, for Azure (whose response carries no date), the
//! retrieval date the user gives (`--retrieved`); no importer reads the clock.
//!
//! ## Exactness
//! AWS writes prices as decimal strings, read exactly. Azure writes JSON numbers;
//! serde_json reads one as an `f64` and prints it back as the shortest decimal that
//! reads back to the same `f64`, which is the decimal in the file for every price of
//! up to 15 significant digits (all published retail prices).
//!
//! ```
//! use cc_cost::import::{ImportFormat, ImportSource, import, to_price_csv};
//! use cc_cost::Catalog;
//!
//! let text = r#"{"Items": [{"currencyCode": "USD", "tierMinimumUnits": 0.0,
//!   "retailPrice": 0.0184, "unitPrice": 0.0184, "armRegionName": "eastus2",
//!   "effectiveStartDate": "2017-02-03T00:00:00Z", "meterId": "m-1",
//!   "meterName": "Hot LRS Data Stored", "productName": "General Block Blob v2",
//!   "skuName": "Hot LRS", "serviceName": "Storage", "unitOfMeasure": "1 GB/Month",
//!   "type": "Consumption"}], "NextPageLink": null}"#;
//! let catalog = Catalog::try_builtin()?;
//! let imported = import(
//!     &[ImportSource { format: ImportFormat::AzureRetail, file: "page1.json".into(), text: text.into() }],
//!     Some("2026-12-07"),
//!     &catalog.regions,
//! )?;
//! assert_eq!(imported.rows.len(), 1);
//! let csv = to_price_csv(&imported.rows);
//! let loaded = catalog.with_user_file("imported.csv", &csv)?;
//! assert_eq!(loaded.prices[0].usd.exact_string(), "0.0184");
//! # Ok::<(), cc_cost::CostError>(())
//! ```

pub mod aws;
pub mod azure;
mod jsonpos;

use std::collections::{BTreeMap, BTreeSet};

use crate::CostError;
use crate::asof::day_number;
use crate::catalog::{Billing, PriceKind, PriceRow, Provider, RegionInfo};

/// Which provider format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// AWS Price List bulk offer file (JSON), e.g. the `AWSDataTransfer` offer.
    AwsOffer,
    /// One page of the Azure Retail Prices API response (JSON).
    AzureRetail,
}

/// One downloaded file to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// Its format.
    pub format: ImportFormat,
    /// File name or label, used in errors and in each row's `source`.
    pub file: String,
    /// Contents.
    pub text: String,
}

/// The result of an import: catalog rows, and what was skipped and why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Import {
    /// Rows, ordered by provider, kind, from, to and tier.
    pub rows: Vec<PriceRow>,
    /// Entries skipped, counted by reason.
    pub skipped: BTreeMap<String, usize>,
}

impl Import {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_insert(0) += 1;
    }
}

/// Imports every file into one set of rows, validated against `regions` (the
/// catalog's region table: rows for other regions are skipped). `retrieved` is the
/// download date (`YYYY-MM-DD`), required for Azure responses and recorded in every
/// row's source. Two entries pricing the same provider, kind, from, to and tier are
/// an error naming both.
pub fn import(
    sources: &[ImportSource],
    retrieved: Option<&str>,
    regions: &[RegionInfo],
) -> Result<Import, CostError> {
    if let Some(d) = retrieved
        && day_number(d).is_none()
    {
        return Err(CostError::invalid(
            "retrieved",
            format!("`{d}` is not a date YYYY-MM-DD"),
        ));
    }
    let mut out = Import::default();
    for s in sources {
        match s.format {
            ImportFormat::AwsOffer => aws::import_offer(s, retrieved, regions, &mut out)?,
            ImportFormat::AzureRetail => azure::import_page(s, retrieved, regions, &mut out)?,
        }
    }
    azure::close_tiers(&mut out.rows);
    let mut seen: BTreeMap<(Provider, PriceKind, String, String, Option<u64>), usize> =
        BTreeMap::new();
    for (i, r) in out.rows.iter().enumerate() {
        let key = (
            r.provider,
            r.kind,
            r.from.clone(),
            r.to.clone(),
            r.tier_start_gb,
        );
        if let Some(j) = seen.insert(key, i) {
            let first = &out.rows[j];
            return Err(CostError::data(
                &r.file,
                r.line,
                "price",
                format!(
                    "prices the same {} {} {} -> {} tier as {}:{}; keep one of them",
                    r.provider,
                    r.kind.name(),
                    r.from,
                    r.to,
                    first.file,
                    first.line
                ),
            ));
        }
    }
    out.rows.sort_by(|a, b| {
        (a.provider, a.kind, &a.from, &a.to, a.tier_start_gb).cmp(&(
            b.provider,
            b.kind,
            &b.from,
            &b.to,
            b.tier_start_gb,
        ))
    });
    Ok(out)
}

/// The date part `YYYY-MM-DD` of an ISO 8601 timestamp such as
/// `2026-11-20T23:41:35Z`, if it is a calendar date.
pub(crate) fn date_part(ts: &str) -> Option<&str> {
    let d = ts.get(..10)?;
    day_number(d).map(|_| d)
}

/// Whether `region` is in the catalog's region table for `provider`.
pub(crate) fn known_region(regions: &[RegionInfo], provider: Provider, region: &str) -> bool {
    regions
        .iter()
        .any(|r| r.provider == provider && r.region == region)
}

const HEADER: &str = "provider,kind,from,to,usd,unit,billing,tier_start_gb,tier_end_gb,chunk_bytes,source,as_of,note";

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The rows as a cclab price file (the format of `data/prices.csv`), loadable with
/// [`crate::Catalog::with_user_file`] / `--catalog FILE`. Source and note are quoted;
/// line breaks inside them become spaces (the CSV format has one record per line).
pub fn to_price_csv(rows: &[PriceRow]) -> String {
    let mut files = BTreeSet::new();
    for r in rows {
        files.insert(r.file.as_str());
    }
    let mut out = String::from("# Imported by `cclab cost catalog import` from: ");
    out.push_str(
        &files
            .into_iter()
            .map(|f| f.replace(['\n', '\r'], " "))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push('\n');
    out.push_str(HEADER);
    out.push('\n');
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    for r in rows {
        let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
        let fields = [
            r.provider.name().to_string(),
            r.kind.name().to_string(),
            csv_field(&one_line(&r.from)),
            csv_field(&one_line(&r.to)),
            r.usd.exact_string(),
            r.unit.label().to_string(),
            match r.billing {
                Billing::OneSide => "one_side".to_string(),
                Billing::BothSides => "both_sides".to_string(),
            },
            opt(r.tier_start_gb),
            opt(r.tier_end_gb),
            opt(r.chunk_bytes),
            csv_field(&one_line(&r.source)),
            r.as_of.clone(),
            csv_field(&one_line(&r.note)),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
