//! The price catalog, region table and round-trip-time matrices, with validation.
//!
//! Three kinds of data files are shipped (embedded with `include_str!`) and each can
//! be overridden by a user file passed as text together with a file name/label:
//!
//! * **prices** (`data/prices.csv`): one row per priced path —
//!   `provider,kind,from,to,usd,unit,billing,tier_start_gb,tier_end_gb,chunk_bytes,source,as_of,note`.
//!   `unit` is `GB` (10⁹ bytes), `GiB` (2³⁰ bytes) or `1M requests`; GB and GiB are
//!   never mixed up: a price per GiB is divided by 1 073 741 824, a price per GB by
//!   1 000 000 000. `billing = both_sides` means the byte is charged on egress **and**
//!   ingress (AWS cross-AZ), so its effective price is twice the listed one.
//! * **regions** (`data/regions.csv`): `provider,region,continent,location` — which
//!   continent a region is in, for continent-pair pricing.
//! * **RTT matrices** (`data/rtt_*.csv`): a square matrix of round-trip times in ms,
//!   header `from,<region>,...`, one row per region in the same order, plus metadata
//!   comments `# provider:`, `# statistic:` (`median`, `p95`, …), `# source:`,
//!   `# as_of:`, `# same_zone_rtt_ms:`. The diagonal is the intra-region
//!   (cross-zone) RTT.
//!
//! ## Validation
//! Every problem is a [`CostError::Data`] naming the file, the 1-based line and the
//! field: unknown provider/kind/unit/region/continent, negative or malformed price,
//! missing column or empty required field, duplicate rows, malformed `as_of`, a
//! matrix that is not square (row labels must repeat the header in order), negative
//! or non-finite RTTs, and asymmetry beyond the tolerance
//! `|rtt(a,b) − rtt(b,a)| ≤ max(2 ms, 10 % · max(rtt(a,b), rtt(b,a)))`
//! ([`SYMMETRY_TOLERANCE_MS`], [`SYMMETRY_TOLERANCE_REL`]).
//!
//! ## Pricing a path
//! For two [`Placement`]s the path class is: different providers → internet egress
//! of the source provider (priced at the first **paid** tier, i.e. the marginal
//! price once the free allowance is used); same provider, different regions →
//! inter-region (most specific matching row: exact region beats `continent:` beats
//! `*`; the source side breaks ties, as clouds charge the source region); same region
//! and same zone → same-zone; same region, different or unknown zone → cross-zone
//! (unknown zones are priced conservatively as cross-zone).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CostError;
use crate::asof::{AsOfRange, DEFAULT_MAX_AGE_DAYS, Staleness};
use crate::money::Usd;
use crate::table::{Row, Table};

/// Absolute asymmetry tolerance for RTT matrices, in ms.
pub const SYMMETRY_TOLERANCE_MS: f64 = 2.0;
/// Relative asymmetry tolerance for RTT matrices (fraction of the larger value).
pub const SYMMETRY_TOLERANCE_REL: f64 = 0.10;

const PRICES_CSV: &str = include_str!("../data/prices.csv");
const REGIONS_CSV: &str = include_str!("../data/regions.csv");
const RTT_AWS_CSV: &str = include_str!("../data/rtt_aws.csv");
const RTT_AZURE_CSV: &str = include_str!("../data/rtt_azure.csv");
const RTT_GCP_CSV: &str = include_str!("../data/rtt_gcp.csv");

/// A cloud provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Google Cloud.
    Gcp,
    /// Microsoft Azure.
    Azure,
}

impl Provider {
    /// Parses `aws`, `gcp` or `azure` (case-insensitive).
    pub fn parse(s: &str) -> Option<Provider> {
        match s.to_ascii_lowercase().as_str() {
            "aws" => Some(Provider::Aws),
            "gcp" | "google" => Some(Provider::Gcp),
            "azure" => Some(Provider::Azure),
            _ => None,
        }
    }
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Azure => "azure",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a price row prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceKind {
    /// Within one availability zone.
    SameZone,
    /// Between zones of one region.
    CrossZone,
    /// Between regions of one provider.
    InterRegion,
    /// To the internet (also used for cross-provider traffic).
    InternetEgress,
    /// NAT gateway data processing.
    NatProcessing,
    /// Per-request price of a managed bus or store.
    Request,
    /// Object storage at rest, per GB-month (`to` names the storage class, e.g.
    /// `s3-standard`, `blob-hot-lrs`, `gcs-standard`).
    Storage,
    /// A virtual machine, per hour (`to` names the instance type, e.g. `D2s_v5`).
    Compute,
}

impl PriceKind {
    fn parse(s: &str) -> Option<PriceKind> {
        Some(match s {
            "same_zone" => PriceKind::SameZone,
            "cross_zone" => PriceKind::CrossZone,
            "inter_region" => PriceKind::InterRegion,
            "internet_egress" => PriceKind::InternetEgress,
            "nat_processing" => PriceKind::NatProcessing,
            "request" => PriceKind::Request,
            "storage" => PriceKind::Storage,
            "compute" => PriceKind::Compute,
            _ => return None,
        })
    }
    /// Snake-case name as in the data files.
    pub fn name(self) -> &'static str {
        match self {
            PriceKind::SameZone => "same_zone",
            PriceKind::CrossZone => "cross_zone",
            PriceKind::InterRegion => "inter_region",
            PriceKind::InternetEgress => "internet_egress",
            PriceKind::NatProcessing => "nat_processing",
            PriceKind::Request => "request",
            PriceKind::Storage => "storage",
            PriceKind::Compute => "compute",
        }
    }
}

/// The unit a price is quoted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PriceUnit {
    /// Per decimal gigabyte, 10⁹ bytes.
    #[serde(rename = "GB")]
    Gb,
    /// Per binary gibibyte, 2³⁰ = 1 073 741 824 bytes.
    #[serde(rename = "GiB")]
    Gib,
    /// Per million requests.
    #[serde(rename = "1M requests")]
    MillionRequests,
    /// Per decimal gigabyte (10⁹ bytes) stored for one month.
    #[serde(rename = "GB-month")]
    GbMonth,
    /// Per binary gibibyte (2³⁰ bytes) stored for one month.
    #[serde(rename = "GiB-month")]
    GibMonth,
    /// Per hour of a running machine.
    #[serde(rename = "hour")]
    Hour,
}

impl PriceUnit {
    fn parse(s: &str) -> Option<PriceUnit> {
        match s {
            "GB" => Some(PriceUnit::Gb),
            "GiB" => Some(PriceUnit::Gib),
            "1M requests" => Some(PriceUnit::MillionRequests),
            "GB-month" => Some(PriceUnit::GbMonth),
            "GiB-month" => Some(PriceUnit::GibMonth),
            "hour" => Some(PriceUnit::Hour),
            _ => None,
        }
    }
    /// Bytes (or requests, or hours) per unit: a GB-month counts 10⁹ bytes and a
    /// GiB-month 2³⁰ (for one month), an hour counts 1.
    pub fn size(self) -> u64 {
        match self {
            PriceUnit::Gb | PriceUnit::GbMonth => 1_000_000_000,
            PriceUnit::Gib | PriceUnit::GibMonth => 1 << 30,
            PriceUnit::MillionRequests => 1_000_000,
            PriceUnit::Hour => 1,
        }
    }

    /// The units a row of `kind` may use: bytes moved (GB, GiB) for the transfer
    /// kinds, `1M requests` for requests, GB-month/GiB-month for storage, hour for
    /// compute.
    pub fn fits(self, kind: PriceKind) -> bool {
        match kind {
            PriceKind::Request => self == PriceUnit::MillionRequests,
            PriceKind::Storage => matches!(self, PriceUnit::GbMonth | PriceUnit::GibMonth),
            PriceKind::Compute => self == PriceUnit::Hour,
            _ => matches!(self, PriceUnit::Gb | PriceUnit::Gib),
        }
    }
    /// Label as in the data files.
    pub fn label(self) -> &'static str {
        match self {
            PriceUnit::Gb => "GB",
            PriceUnit::Gib => "GiB",
            PriceUnit::MillionRequests => "1M requests",
            PriceUnit::GbMonth => "GB-month",
            PriceUnit::GibMonth => "GiB-month",
            PriceUnit::Hour => "hour",
        }
    }
}

/// Who is charged for a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// Charged once.
    OneSide,
    /// Charged on egress and on ingress (effective price ×2).
    BothSides,
}

/// One row of the price catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceRow {
    /// Provider.
    pub provider: Provider,
    /// What is priced.
    pub kind: PriceKind,
    /// Source selector: region, `continent:<name>` or `*`.
    pub from: String,
    /// Destination selector, `internet`, or a service name for requests.
    pub to: String,
    /// Listed price per unit.
    pub usd: Usd,
    /// Unit of `usd`.
    pub unit: PriceUnit,
    /// Billing side(s).
    pub billing: Billing,
    /// Monthly tier start in GB/GiB (internet egress).
    pub tier_start_gb: Option<u64>,
    /// Monthly tier end (exclusive), `None` = unbounded.
    pub tier_end_gb: Option<u64>,
    /// Request chunk size in bytes (requests).
    pub chunk_bytes: Option<u64>,
    /// Citation.
    pub source: String,
    /// Date of the price.
    pub as_of: String,
    /// Caveats.
    pub note: String,
    /// File the row came from.
    pub file: String,
    /// Line in that file.
    pub line: usize,
}

impl PriceRow {
    /// Cost of `bytes` on this path (including the both-sides factor), exact up to
    /// the 10⁻¹⁸ rounding of per-GiB prices.
    pub fn cost_of_bytes(&self, bytes: u64) -> Usd {
        let mult: i128 = match self.billing {
            Billing::OneSide => 1,
            Billing::BothSides => 2,
        };
        self.usd
            .mul_ratio(i128::from(bytes) * mult, i128::from(self.unit.size()))
    }

    /// Cost of one request of `bytes` payload: started chunks × price per request.
    pub fn cost_of_request(&self, bytes: u64) -> Usd {
        let chunk = self.chunk_bytes.unwrap_or(u64::MAX).max(1);
        let chunks = bytes.div_ceil(chunk).max(1);
        self.usd.mul_ratio(i128::from(chunks), 1_000_000)
    }

    /// Effective price per unit including the both-sides factor.
    pub fn effective_usd(&self) -> Usd {
        match self.billing {
            Billing::OneSide => self.usd,
            Billing::BothSides => self.usd.times(2),
        }
    }
}

/// Region metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionInfo {
    /// Provider.
    pub provider: Provider,
    /// Region code, e.g. `us-east-1`.
    pub region: String,
    /// Continent name, e.g. `north-america`.
    pub continent: String,
    /// Human location.
    pub location: String,
}

/// A square round-trip-time matrix for one provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RttMatrix {
    /// Provider.
    pub provider: Provider,
    /// Statistic of the entries (`median`, `p95`, …).
    pub statistic: String,
    /// Region codes, in row/column order.
    pub regions: Vec<String>,
    /// `rtt_ms[i][j]`: round trip between `regions[i]` and `regions[j]`, ms.
    pub rtt_ms: Vec<Vec<f64>>,
    /// Same-zone RTT in ms.
    pub same_zone_rtt_ms: f64,
    /// Citation.
    pub source: String,
    /// Date.
    pub as_of: String,
    /// Caveats.
    pub note: String,
    /// File label.
    pub file: String,
}

impl RttMatrix {
    fn index(&self, region: &str) -> Option<usize> {
        self.regions.iter().position(|r| r == region)
    }
    /// RTT between two regions (the diagonal is the cross-zone RTT).
    pub fn rtt(&self, a: &str, b: &str) -> Option<f64> {
        Some(self.rtt_ms[self.index(a)?][self.index(b)?])
    }
}

/// Where a node runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Placement {
    /// Provider.
    pub provider: Provider,
    /// Region code.
    pub region: String,
    /// Zone suffix (e.g. `a`), if known.
    pub zone: Option<String>,
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.region)?;
        if let Some(z) = &self.zone {
            write!(f, ":{z}")?;
        }
        Ok(())
    }
}

/// Path class of a message between two placements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathClass {
    /// Same zone.
    SameZone,
    /// Different zones of one region.
    CrossZone,
    /// Different regions of one provider.
    InterRegion,
    /// Different providers (over the internet).
    Internet,
}

impl PathClass {
    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            PathClass::SameZone => "same_zone",
            PathClass::CrossZone => "cross_zone",
            PathClass::InterRegion => "inter_region",
            PathClass::Internet => "internet",
        }
    }
}

/// The price of one directed path, with the row it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathPrice {
    /// Path class.
    pub class: PathClass,
    /// The catalog row used.
    pub row: PriceRow,
}

/// The whole shipped (or user-overridden) data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    /// Name of the price file (e.g. `builtin:prices.csv` or a user path).
    pub prices_file: String,
    /// Price rows.
    pub prices: Vec<PriceRow>,
    /// Region table.
    pub regions: Vec<RegionInfo>,
    /// Region table citation.
    pub regions_source: String,
    /// Region table date.
    pub regions_as_of: String,
    /// RTT matrices, one per provider.
    pub matrices: Vec<RttMatrix>,
}

/// Whether `v` is a calendar date `YYYY-MM` or `YYYY-MM-DD`: month 01–12 and
/// a day that month has (Gregorian leap years; issue 20 item 8: `2024-02-31`
/// was accepted).
fn is_date(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    let num = |p: &str| p.parse::<u32>().ok();
    if !((parts.len() == 2 || parts.len() == 3)
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..].iter().all(|p| p.len() == 2))
    {
        return false;
    }
    let (Some(year), Some(month)) = (num(parts[0]), num(parts[1])) else {
        return false;
    };
    if !(1..=12).contains(&month) {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    parts
        .get(2)
        .is_none_or(|d| num(d).is_some_and(|d| (1..=days).contains(&d)))
}

fn check_as_of(t: &Table, row: &Row, col: usize) -> Result<String, CostError> {
    let v = t.req(row, col)?;
    if !is_date(v) {
        return Err(t.err(
            row,
            col,
            format!("`{v}` is not a date YYYY-MM or YYYY-MM-DD"),
        ));
    }
    Ok(v.to_string())
}

/// The required `# as_of:` metadata comment, validated as a date.
fn meta_as_of(t: &Table) -> Result<String, CostError> {
    let v = t.meta_req("as_of")?;
    if !is_date(v) {
        return Err(t.meta_err(
            "as_of",
            format!("`{v}` is not a date YYYY-MM or YYYY-MM-DD"),
        ));
    }
    Ok(v.to_string())
}

fn parse_opt_u64(t: &Table, row: &Row, col: Option<usize>) -> Result<Option<u64>, CostError> {
    let Some(c) = col else { return Ok(None) };
    let v = row.fields[c].as_str();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<u64>()
        .map(Some)
        .map_err(|_| t.err(row, c, format!("`{v}` is not a non-negative integer")))
}

const CONTINENTS: [&str; 6] = [
    "north-america",
    "south-america",
    "europe",
    "asia",
    "oceania",
    "africa",
];

impl Catalog {
    /// The shipped data set (validated on load like any user file).
    pub fn try_builtin() -> Result<Catalog, CostError> {
        let (regions, regions_source, regions_as_of) =
            parse_regions("builtin:regions.csv", REGIONS_CSV)?;
        let prices = parse_prices("builtin:prices.csv", PRICES_CSV, &regions)?;
        let mut matrices = Vec::new();
        for (name, text) in [
            ("builtin:rtt_aws.csv", RTT_AWS_CSV),
            ("builtin:rtt_azure.csv", RTT_AZURE_CSV),
            ("builtin:rtt_gcp.csv", RTT_GCP_CSV),
        ] {
            matrices.push(parse_rtt_matrix(name, text, &regions)?);
        }
        Ok(Catalog {
            prices_file: "builtin:prices.csv".into(),
            prices,
            regions,
            regions_source,
            regions_as_of,
            matrices,
        })
    }

    /// Overrides part of the data with a user file, detected from its header:
    /// a price file (header starts `provider,kind`) replaces the price table; a
    /// region file (`provider,region`) replaces the region table (prices and
    /// matrices are re-validated against it); an RTT matrix (`from,...`) replaces
    /// the matrix of its provider.
    pub fn with_user_file(mut self, file: &str, text: &str) -> Result<Catalog, CostError> {
        let t = Table::parse(file, text)?;
        let h: Vec<&str> = t.header.iter().map(String::as_str).collect();
        match h.as_slice() {
            ["provider", "kind", ..] => {
                self.prices = parse_prices(file, text, &self.regions)?;
                self.prices_file = file.to_string();
            }
            ["provider", "region", ..] => {
                let (regions, src, as_of) = parse_regions(file, text)?;
                for p in &self.prices {
                    for (sel, is_to) in [(&p.from, false), (&p.to, true)] {
                        if is_region_selector(sel, p.kind, is_to)
                            && !regions
                                .iter()
                                .any(|r| r.provider == p.provider && &r.region == sel)
                        {
                            return Err(CostError::data(
                                file,
                                0,
                                "region",
                                format!("region `{sel}` used by {}:{} is missing", p.file, p.line),
                            ));
                        }
                    }
                }
                for m in &self.matrices {
                    for r in &m.regions {
                        if !regions
                            .iter()
                            .any(|x| x.provider == m.provider && &x.region == r)
                        {
                            return Err(CostError::data(
                                file,
                                0,
                                "region",
                                format!("region `{r}` used by {} is missing", m.file),
                            ));
                        }
                    }
                }
                self.regions = regions;
                self.regions_source = src;
                self.regions_as_of = as_of;
            }
            ["from", ..] => {
                let m = parse_rtt_matrix(file, text, &self.regions)?;
                self.matrices.retain(|x| x.provider != m.provider);
                self.matrices.push(m);
                self.matrices.sort_by_key(|m| m.provider);
            }
            _ => {
                return Err(CostError::data(
                    file,
                    t.header_line,
                    t.header.first().cloned().unwrap_or_default(),
                    "unrecognised file: expected a price file (provider,kind,...), a region \
                     file (provider,region,...) or an RTT matrix (from,<regions>...)",
                ));
            }
        }
        Ok(self)
    }

    /// Region metadata for a provider and region code.
    pub fn region(&self, provider: Provider, region: &str) -> Option<&RegionInfo> {
        self.regions
            .iter()
            .find(|r| r.provider == provider && r.region == region)
    }

    /// The RTT matrix of a provider.
    pub fn matrix(&self, provider: Provider) -> Option<&RttMatrix> {
        self.matrices.iter().find(|m| m.provider == provider)
    }

    /// Parses a placement `provider:region[:zone]` or a bare region code (whose
    /// provider is then inferred; codes are unique across providers). `param` names
    /// the parameter for error messages.
    pub fn placement(&self, param: &str, spec: &str) -> Result<Placement, CostError> {
        let parts: Vec<&str> = spec.trim().split(':').collect();
        let unknown = |hint: String| CostError::UnknownRegion {
            name: param.to_string(),
            region: spec.to_string(),
            hint,
        };
        let (provider, region, zone) = match parts.as_slice() {
            [r] => {
                let hits: Vec<&RegionInfo> =
                    self.regions.iter().filter(|x| x.region == *r).collect();
                match hits.as_slice() {
                    [one] => (one.provider, one.region.clone(), None),
                    [] => return Err(unknown(format!("; known regions: {}", self.region_list()))),
                    _ => {
                        return Err(unknown(
                            "; ambiguous, prefix it with the provider (aws:, gcp:, azure:)".into(),
                        ));
                    }
                }
            }
            [p, r] | [p, r, _] => {
                let provider = Provider::parse(p).ok_or_else(|| {
                    unknown(format!("; unknown provider `{p}` (aws, gcp, azure)"))
                })?;
                (provider, r.to_string(), parts.get(2).map(|z| z.to_string()))
            }
            _ => return Err(unknown("; expected provider:region[:zone]".into())),
        };
        if self.region(provider, &region).is_none() {
            return Err(unknown(format!("; known regions: {}", self.region_list())));
        }
        if zone.as_deref() == Some("") {
            return Err(unknown("; empty zone".into()));
        }
        Ok(Placement {
            provider,
            region,
            zone,
        })
    }

    fn region_list(&self) -> String {
        self.regions
            .iter()
            .map(|r| format!("{}:{}", r.provider, r.region))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn selector_score(&self, provider: Provider, sel: &str, region: &str) -> Option<u8> {
        if sel == "*" {
            return Some(0);
        }
        if let Some(c) = sel.strip_prefix("continent:") {
            let info = self.region(provider, region)?;
            return (info.continent == c).then_some(1);
        }
        (sel == region).then_some(2)
    }

    fn best_row(
        &self,
        provider: Provider,
        kind: PriceKind,
        from: &str,
        to: &str,
    ) -> Option<&PriceRow> {
        let mut best: Option<((u8, u8), &PriceRow)> = None;
        for r in self
            .prices
            .iter()
            .filter(|r| r.provider == provider && r.kind == kind)
        {
            let (Some(a), Some(b)) = (
                self.selector_score(provider, &r.from, from),
                self.selector_score(provider, &r.to, to),
            ) else {
                continue;
            };
            let key = (a + b, a);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, r));
            }
        }
        best.map(|(_, r)| r)
    }

    /// Classifies and prices the directed path `a → b`.
    pub fn path_price(&self, a: &Placement, b: &Placement) -> Result<PathPrice, CostError> {
        let no = |m: &str| CostError::NoPrice {
            from: a.to_string(),
            to: b.to_string(),
            message: m.to_string(),
        };
        if a.provider != b.provider {
            let row = self
                .prices
                .iter()
                .filter(|r| {
                    r.provider == a.provider
                        && r.kind == PriceKind::InternetEgress
                        && self
                            .selector_score(a.provider, &r.from, &a.region)
                            .is_some()
                        && r.usd > Usd::ZERO
                })
                .min_by_key(|r| (r.tier_start_gb.unwrap_or(0), r.line))
                .ok_or_else(|| no("no paid internet-egress tier for the source provider"))?;
            return Ok(PathPrice {
                class: PathClass::Internet,
                row: row.clone(),
            });
        }
        let (class, kind) = if a.region != b.region {
            (PathClass::InterRegion, PriceKind::InterRegion)
        } else if a.zone.is_some() && a.zone == b.zone {
            (PathClass::SameZone, PriceKind::SameZone)
        } else {
            (PathClass::CrossZone, PriceKind::CrossZone)
        };
        let row = self
            .best_row(a.provider, kind, &a.region, &b.region)
            .ok_or_else(|| no(&format!("no `{}` row for {}", kind.name(), a.provider)))?;
        Ok(PathPrice {
            class,
            row: row.clone(),
        })
    }

    /// Round-trip time between two placements, ms, with the statistic label.
    pub fn rtt_ms(&self, a: &Placement, b: &Placement) -> Result<(f64, String), CostError> {
        if a.provider != b.provider {
            return Err(CostError::invalid(
                "regions",
                format!("no RTT data between providers ({a} and {b}); pass --rtt-ms"),
            ));
        }
        let m = self.matrix(a.provider).ok_or_else(|| {
            CostError::invalid(
                "regions",
                format!("no RTT matrix for provider {}", a.provider),
            )
        })?;
        if a.region == b.region && a.zone.is_some() && a.zone == b.zone {
            return Ok((m.same_zone_rtt_ms, m.statistic.clone()));
        }
        let v = m
            .rtt(&a.region, &b.region)
            .ok_or_else(|| CostError::UnknownRegion {
                name: "regions".into(),
                region: format!("{a} / {b}"),
                hint: format!("; not in the RTT matrix {}", m.file),
            })?;
        Ok((v, m.statistic.clone()))
    }

    /// A per-request price row for a managed service (`sqs-standard`, `sns-publish`,
    /// `kinesis-put`, `dynamodb-write`, …).
    pub fn request_price(&self, service: &str) -> Option<&PriceRow> {
        self.prices
            .iter()
            .find(|r| r.kind == PriceKind::Request && r.to == service)
    }

    /// Monthly cost of `gb` units of internet egress from a region, integrating the
    /// tiers (`gb` is in the unit of the rows, GB or GiB).
    pub fn internet_egress_monthly(
        &self,
        provider: Provider,
        region: &str,
        gb: u64,
    ) -> Result<Usd, CostError> {
        let mut rows: Vec<&PriceRow> = self
            .prices
            .iter()
            .filter(|r| {
                r.provider == provider
                    && r.kind == PriceKind::InternetEgress
                    && self.selector_score(provider, &r.from, region).is_some()
            })
            .collect();
        if rows.is_empty() {
            return Err(CostError::NoPrice {
                from: format!("{provider}:{region}"),
                to: "internet".into(),
                message: "no internet egress rows".into(),
            });
        }
        rows.sort_by_key(|r| r.tier_start_gb.unwrap_or(0));
        if let Some(last) = rows.last()
            && let Some(end) = last.tier_end_gb
            && gb > end
        {
            return Err(CostError::NoPrice {
                from: format!("{provider}:{region}"),
                to: "internet".into(),
                message: format!(
                    "{gb} per month is beyond the last priced tier ({end}); see {}:{}",
                    last.file, last.line
                ),
            });
        }
        let mut total = Usd::ZERO;
        for r in rows {
            let lo = r.tier_start_gb.unwrap_or(0);
            let hi = r.tier_end_gb.unwrap_or(u64::MAX);
            if gb > lo {
                total += r.usd.times(gb.min(hi) - lo);
            }
        }
        Ok(total)
    }

    /// The storage (per GB-month) or compute (per hour) row of `provider` for
    /// `product` (a storage class or instance type, as in the row's `to`) in
    /// `region`: the most specific `from` (exact region, then `continent:`, then `*`);
    /// of a tiered row, the first tier (the list price before volume discounts).
    pub fn resource_price(
        &self,
        kind: PriceKind,
        provider: Provider,
        region: &str,
        product: &str,
    ) -> Option<&PriceRow> {
        self.prices
            .iter()
            .filter(|r| r.provider == provider && r.kind == kind && r.to == product)
            .filter_map(|r| {
                self.selector_score(provider, &r.from, region)
                    .map(|score| (score, r))
            })
            .max_by_key(|(score, r)| {
                (
                    *score,
                    std::cmp::Reverse(r.tier_start_gb.unwrap_or(0)),
                    std::cmp::Reverse(r.line),
                )
            })
            .map(|(_, r)| r)
    }

    /// Every `as_of` date of the catalog's price rows and RTT matrices.
    pub fn dates(&self) -> impl Iterator<Item = &str> {
        self.prices
            .iter()
            .map(|p| p.as_of.as_str())
            .chain(self.matrices.iter().map(|m| m.as_of.as_str()))
    }

    /// The listing shown by `cclab cost catalog`, with rows older than
    /// [`DEFAULT_MAX_AGE_DAYS`] before the catalog's newest date flagged.
    pub fn listing(&self) -> Result<CatalogListing, CostError> {
        self.listing_at(&Staleness::new(None, DEFAULT_MAX_AGE_DAYS, self.dates())?)
    }

    /// The listing with rows flagged by an explicit staleness rule.
    pub fn listing_at(&self, staleness: &Staleness) -> Result<CatalogListing, CostError> {
        let prices: Vec<ListedPrice> = self
            .prices
            .iter()
            .map(|p| ListedPrice {
                row: p.clone(),
                age_days: staleness.age_days(&p.as_of),
                stale: staleness.is_stale(&p.as_of),
            })
            .collect();
        let matrices: Vec<MatrixSummary> = self
            .matrices
            .iter()
            .map(|m| MatrixSummary {
                provider: m.provider,
                statistic: m.statistic.clone(),
                regions: m.regions.clone(),
                rtt_ms: m.rtt_ms.clone(),
                same_zone_rtt_ms: m.same_zone_rtt_ms,
                source: m.source.clone(),
                as_of: m.as_of.clone(),
                age_days: staleness.age_days(&m.as_of),
                stale: staleness.is_stale(&m.as_of),
                note: m.note.clone(),
                file: m.file.clone(),
            })
            .collect();
        let stale_rows =
            prices.iter().filter(|p| p.stale).count() + matrices.iter().filter(|m| m.stale).count();
        Ok(CatalogListing {
            prices_file: self.prices_file.clone(),
            as_of: AsOfRange::of(self.dates()),
            staleness: staleness.clone(),
            stale_rows,
            prices,
            regions_source: self.regions_source.clone(),
            regions_as_of: self.regions_as_of.clone(),
            region_count: self.regions.len(),
            matrices,
        })
    }
}

fn is_region_selector(sel: &str, kind: PriceKind, is_to: bool) -> bool {
    !(sel == "*"
        || sel.starts_with("continent:")
        || kind == PriceKind::Request
        || (is_to && kind.names_a_product_in_to())
        || (kind == PriceKind::InternetEgress && sel == "internet"))
}

impl PriceKind {
    /// Whether the `to` field names a product (a service, storage class or instance
    /// type) rather than a destination.
    pub fn names_a_product_in_to(self) -> bool {
        matches!(
            self,
            PriceKind::Request | PriceKind::Storage | PriceKind::Compute
        )
    }
}

fn parse_regions(file: &str, text: &str) -> Result<(Vec<RegionInfo>, String, String), CostError> {
    let t = Table::parse(file, text)?;
    let (cp, cr, cc, cl) = (
        t.col("provider")?,
        t.col("region")?,
        t.col("continent")?,
        t.col("location")?,
    );
    let source = t.meta_req("source")?.to_string();
    let as_of = meta_as_of(&t)?;
    let mut out: Vec<RegionInfo> = Vec::new();
    for row in &t.rows {
        let p = t.req(row, cp)?;
        let provider =
            Provider::parse(p).ok_or_else(|| t.err(row, cp, format!("unknown provider `{p}`")))?;
        let region = t.req(row, cr)?.to_string();
        let continent = t.req(row, cc)?.to_string();
        if !CONTINENTS.contains(&continent.as_str()) {
            return Err(t.err(
                row,
                cc,
                format!(
                    "unknown continent `{continent}` (known: {})",
                    CONTINENTS.join(", ")
                ),
            ));
        }
        if out.iter().any(|r| r.region == region) {
            return Err(t.err(row, cr, format!("duplicate region `{region}`")));
        }
        out.push(RegionInfo {
            provider,
            region,
            continent,
            location: row.fields[cl].clone(),
        });
    }
    Ok((out, source, as_of))
}

fn parse_prices(
    file: &str,
    text: &str,
    regions: &[RegionInfo],
) -> Result<Vec<PriceRow>, CostError> {
    let t = Table::parse(file, text)?;
    let c = |n: &str| t.col(n);
    let (cp, ck, cf, ct, cu, cun, cb, cs, ca) = (
        c("provider")?,
        c("kind")?,
        c("from")?,
        c("to")?,
        c("usd")?,
        c("unit")?,
        c("billing")?,
        c("source")?,
        c("as_of")?,
    );
    let (cts, cte, cch, cn) = (
        t.opt_col("tier_start_gb"),
        t.opt_col("tier_end_gb"),
        t.opt_col("chunk_bytes"),
        t.opt_col("note"),
    );
    let mut out: Vec<PriceRow> = Vec::new();
    let mut keys = BTreeSet::new();
    for row in &t.rows {
        let p = t.req(row, cp)?;
        let provider =
            Provider::parse(p).ok_or_else(|| t.err(row, cp, format!("unknown provider `{p}`")))?;
        let k = t.req(row, ck)?;
        let kind = PriceKind::parse(k).ok_or_else(|| {
            t.err(
                row,
                ck,
                format!(
                    "unknown kind `{k}` (same_zone, cross_zone, inter_region, internet_egress, \
                     nat_processing, request, storage, compute)"
                ),
            )
        })?;
        let mut sels = Vec::new();
        for col in [cf, ct] {
            let sel = t.req(row, col)?;
            if let Some(cont) = sel.strip_prefix("continent:") {
                if !CONTINENTS.contains(&cont) {
                    return Err(t.err(row, col, format!("unknown continent `{cont}`")));
                }
            } else if (col == cf
                || !kind.names_a_product_in_to() && kind != PriceKind::InternetEgress)
                && sel != "*"
                && !regions
                    .iter()
                    .any(|r| r.provider == provider && r.region == sel)
            {
                return Err(t.err(row, col, format!("unknown region `{sel}` for {provider}")));
            }
            sels.push(sel.to_string());
        }
        let uv = t.req(row, cu)?;
        let usd = Usd::parse_decimal(uv).map_err(|m| t.err(row, cu, m))?;
        if usd.is_negative() {
            return Err(t.err(row, cu, format!("negative price `{uv}`")));
        }
        let un = t.req(row, cun)?;
        let unit = PriceUnit::parse(un).ok_or_else(|| {
            t.err(
                row,
                cun,
                format!("unknown unit `{un}` (GB, GiB, 1M requests, GB-month, GiB-month, hour)"),
            )
        })?;
        if !unit.fits(kind) {
            return Err(t.err(
                row,
                cun,
                format!(
                    "unit `{un}` does not fit kind `{k}` (requests use `1M requests`, storage \
                     GB-month/GiB-month, compute `hour`, bytes moved GB/GiB)"
                ),
            ));
        }
        let bv = t.req(row, cb)?;
        let billing = match bv {
            "one_side" => Billing::OneSide,
            "both_sides" => Billing::BothSides,
            _ => {
                return Err(t.err(
                    row,
                    cb,
                    format!("unknown billing `{bv}` (one_side, both_sides)"),
                ));
            }
        };
        let tier_start_gb = parse_opt_u64(&t, row, cts)?;
        let tier_end_gb = parse_opt_u64(&t, row, cte)?;
        if let (Some(a), Some(b), Some(col)) = (tier_start_gb, tier_end_gb, cte)
            && b <= a
        {
            return Err(t.err(row, col, "tier end must exceed tier start"));
        }
        let chunk_bytes = parse_opt_u64(&t, row, cch)?;
        if chunk_bytes == Some(0)
            && let Some(col) = cch
        {
            return Err(t.err(row, col, "chunk size must be positive"));
        }
        let source = t.req(row, cs)?.to_string();
        let as_of = check_as_of(&t, row, ca)?;
        let key = (
            provider,
            kind,
            sels[0].clone(),
            sels[1].clone(),
            tier_start_gb,
        );
        if !keys.insert(key) {
            return Err(t.err(
                row,
                ck,
                "duplicate row (same provider, kind, from, to and tier)",
            ));
        }
        out.push(PriceRow {
            provider,
            kind,
            from: sels[0].clone(),
            to: sels[1].clone(),
            usd,
            unit,
            billing,
            tier_start_gb,
            tier_end_gb,
            chunk_bytes,
            source,
            as_of,
            note: cn.map(|c| row.fields[c].clone()).unwrap_or_default(),
            file: file.to_string(),
            line: row.line,
        });
    }
    Ok(out)
}

/// Parses and validates an RTT matrix file against a region table.
pub(crate) fn parse_rtt_matrix(
    file: &str,
    text: &str,
    regions: &[RegionInfo],
) -> Result<RttMatrix, CostError> {
    let t = Table::parse(file, text)?;
    if t.header[0] != "from" {
        return Err(CostError::data(
            file,
            t.header_line,
            &t.header[0],
            "first column must be `from`",
        ));
    }
    let p = t.meta_req("provider")?;
    let provider = Provider::parse(p).ok_or_else(|| {
        t.meta_err(
            "provider",
            format!("unknown provider `{p}` (aws, gcp, azure)"),
        )
    })?;
    let statistic = t.meta_req("statistic")?.to_string();
    let source = t.meta_req("source")?.to_string();
    let as_of = meta_as_of(&t)?;
    let szr = t.meta_req("same_zone_rtt_ms")?;
    let same_zone_rtt_ms: f64 = szr
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| {
            t.meta_err(
                "same_zone_rtt_ms",
                format!("`{szr}` is not a non-negative number"),
            )
        })?;
    let names: Vec<String> = t.header[1..].to_vec();
    for n in &names {
        if !regions
            .iter()
            .any(|r| r.provider == provider && &r.region == n)
        {
            return Err(CostError::data(
                file,
                t.header_line,
                n,
                format!("unknown region `{n}` for {provider}"),
            ));
        }
    }
    if t.rows.len() != names.len() {
        return Err(CostError::data(
            file,
            t.rows.last().map_or(t.header_line, |r| r.line),
            "from",
            format!(
                "matrix is not square: {} rows for {} columns",
                t.rows.len(),
                names.len()
            ),
        ));
    }
    let mut m = vec![vec![0.0; names.len()]; names.len()];
    for (i, row) in t.rows.iter().enumerate() {
        if row.fields[0] != names[i] {
            return Err(t.err(
                row,
                0,
                format!(
                    "row {} must be `{}` (rows repeat the header order), got `{}`",
                    i + 1,
                    names[i],
                    row.fields[0]
                ),
            ));
        }
        for (j, cell) in m[i].iter_mut().enumerate() {
            let v = t.req(row, j + 1)?;
            let x: f64 = v
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| {
                    t.err(row, j + 1, format!("`{v}` is not a non-negative RTT in ms"))
                })?;
            *cell = x;
        }
        for j in 0..i {
            let (a, b) = (m[i][j], m[j][i]);
            let tol = SYMMETRY_TOLERANCE_MS.max(SYMMETRY_TOLERANCE_REL * a.max(b));
            if (a - b).abs() > tol {
                return Err(t.err(
                    row,
                    j + 1,
                    format!(
                        "asymmetric: {}->{} = {a} ms but {}->{} = {b} ms (tolerance {tol:.1} ms)",
                        names[i], names[j], names[j], names[i]
                    ),
                ));
            }
        }
    }
    Ok(RttMatrix {
        provider,
        statistic,
        regions: names,
        rtt_ms: m,
        same_zone_rtt_ms,
        source,
        as_of,
        note: t.meta.get("note").cloned().unwrap_or_default(),
        file: file.to_string(),
    })
}

/// Summary of one RTT matrix in the catalog listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixSummary {
    /// Provider.
    pub provider: Provider,
    /// Statistic label.
    pub statistic: String,
    /// Regions covered, in row/column order of `rtt_ms`.
    pub regions: Vec<String>,
    /// The matrix values: `rtt_ms[i][j]` is the round trip between `regions[i]` and
    /// `regions[j]` in milliseconds, of the statistic named by `statistic` (the
    /// diagonal is the intra-region cross-zone RTT).
    pub rtt_ms: Vec<Vec<f64>>,
    /// Same-zone RTT, ms.
    pub same_zone_rtt_ms: f64,
    /// Citation.
    pub source: String,
    /// Date.
    pub as_of: String,
    /// Days from `as_of` to the staleness rule's today.
    pub age_days: Option<i64>,
    /// Older than the staleness rule allows.
    pub stale: bool,
    /// Caveats.
    pub note: String,
    /// File label.
    pub file: String,
}

/// A price row as listed: the row (its JSON keys flattened) with its age and flag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedPrice {
    /// The row.
    #[serde(flatten)]
    pub row: PriceRow,
    /// Days from the row's `as_of` to the staleness rule's today.
    pub age_days: Option<i64>,
    /// Older than the staleness rule allows.
    pub stale: bool,
}

/// Everything `cclab cost catalog` lists: every price row and matrix with its
/// source and date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogListing {
    /// Price file label.
    pub prices_file: String,
    /// Oldest and newest date over every price row and matrix.
    pub as_of: AsOfRange,
    /// The rule that flags stale rows.
    pub staleness: Staleness,
    /// How many price rows and matrices are flagged stale.
    pub stale_rows: usize,
    /// All price rows, with their age and flag.
    pub prices: Vec<ListedPrice>,
    /// Region table citation.
    pub regions_source: String,
    /// Region table date.
    pub regions_as_of: String,
    /// Number of regions.
    pub region_count: usize,
    /// RTT matrices.
    pub matrices: Vec<MatrixSummary>,
}

impl fmt::Display for CatalogListing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Price catalog ({}), list prices in USD; data as of {}:",
            self.prices_file, self.as_of
        )?;
        writeln!(
            f,
            "{:<6} {:<16} {:<24} {:<24} {:>10} {:<12} {:<10} {:<17} {:<10} age",
            "cloud", "kind", "from", "to", "usd", "per", "billing", "tier (per mo)", "as_of"
        )?;
        for l in &self.prices {
            let p = &l.row;
            let tier = match (p.tier_start_gb, p.tier_end_gb) {
                (None, None) => String::new(),
                (a, b) => format!(
                    "{}-{} {}",
                    a.unwrap_or(0),
                    b.map_or_else(|| "".to_string(), |x| x.to_string()),
                    p.unit.label()
                ),
            };
            writeln!(
                f,
                "{:<6} {:<16} {:<24} {:<24} {:>10} {:<12} {:<10} {:<17} {:<10} {}",
                p.provider.name(),
                p.kind.name(),
                p.from,
                p.to,
                p.usd.exact_string(),
                p.unit.label(),
                match p.billing {
                    Billing::OneSide => "one side",
                    Billing::BothSides => "both sides",
                },
                tier,
                p.as_of,
                age_label(l.age_days, l.stale)
            )?;
        }
        writeln!(
            f,
            "\nStale: {} of {} rows and matrices are {} (marked STALE).",
            self.stale_rows,
            self.prices.len() + self.matrices.len(),
            self.staleness
        )?;
        writeln!(f, "\nNotes:")?;
        for p in self
            .prices
            .iter()
            .map(|l| &l.row)
            .filter(|p| !p.note.is_empty())
        {
            writeln!(
                f,
                "  {}:{} {} {} {} -> {}: {}",
                p.file,
                p.line,
                p.provider.name(),
                p.kind.name(),
                p.from,
                p.to,
                p.note
            )?;
        }
        writeln!(f, "\nSources:")?;
        let mut seen = BTreeSet::new();
        for p in self.prices.iter().map(|l| &l.row) {
            if seen.insert(p.source.clone()) {
                writeln!(f, "  - {} (as of {})", p.source, p.as_of)?;
            }
        }
        writeln!(
            f,
            "\nRegions: {} ({}, as of {})",
            self.region_count, self.regions_source, self.regions_as_of
        )?;
        writeln!(f, "\nRound-trip latency matrices:")?;
        for m in &self.matrices {
            writeln!(
                f,
                "  {} — {} RTT over {} regions, same-zone {} ms; {} (as of {}, {}); file {}",
                m.provider,
                m.statistic,
                m.regions.len(),
                m.same_zone_rtt_ms,
                m.source,
                m.as_of,
                age_label(m.age_days, m.stale),
                m.file
            )?;
            writeln!(f, "    regions: {}", m.regions.join(", "))?;
            writeln!(f, "    {} RTT, ms (row -> column):", m.statistic)?;
            let w = m.regions.iter().map(String::len).max().unwrap_or(0);
            for (i, row) in m.regions.iter().zip(&m.rtt_ms) {
                let cells: Vec<String> = row.iter().map(|v| format!("{v:>5}")).collect();
                writeln!(f, "      {i:<w$} {}", cells.join(" "))?;
            }
            if !m.note.is_empty() {
                writeln!(f, "    note: {}", m.note)?;
            }
        }
        Ok(())
    }
}

/// `412 d STALE`, `30 d`, or `-` for an undated row.
fn age_label(age_days: Option<i64>, stale: bool) -> String {
    match (age_days, stale) {
        (Some(a), true) => format!("{a} d STALE"),
        (Some(a), false) => format!("{a} d"),
        (None, _) => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue20_item8_impossible_dates_are_refused() {
        for bad in [
            "2024-02-31",
            "2023-02-29",
            "2024-04-31",
            "2024-13",
            "2024-00-10",
            "2024-1-05",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        for good in [
            "2024-02-29",
            "2000-02-29",
            "2024-06",
            "2026-12-07",
            "2024-01-31",
        ] {
            assert!(is_date(good), "{good}");
        }
        assert!(!is_date("1900-02-29"), "1900 is not a leap year");
    }

    fn cat() -> Catalog {
        Catalog::try_builtin().unwrap()
    }

    #[test]
    fn builtin_loads_and_has_sources() {
        let c = cat();
        assert!(
            c.prices
                .iter()
                .all(|p| !p.source.is_empty() && !p.as_of.is_empty())
        );
        assert_eq!(c.matrices.len(), 3);
        assert!(c.matrix(Provider::Aws).unwrap().regions.len() >= 13);
        assert!(c.matrix(Provider::Azure).unwrap().regions.len() >= 12);
        assert!(c.matrix(Provider::Gcp).unwrap().regions.len() >= 9);
        let listing = c.listing().unwrap().to_string();
        // each matrix names its retrieved source
        assert!(listing.contains("skyplane-project/skyplane"));
        assert!(listing.contains("MicrosoftDocs/azure-docs"));
        assert!(listing.contains("ubc-cirrus-lab/caribou"));
        assert!(listing.contains("GiB"));
        // every price row cites a retrieved document with its retrieval date
        assert!(!listing.to_lowercase().contains("recalled"));
        assert!(
            c.prices
                .iter()
                .all(|p| p.source.contains("retrieved 2026-12-07"))
        );
    }

    #[test]
    fn aws_path_prices() {
        let c = cat();
        let p = |s: &str| c.placement("regions", s).unwrap();
        let use1a = p("aws:us-east-1:a");
        let use1b = p("aws:us-east-1:b");
        let pp = c.path_price(&use1a, &use1b).unwrap();
        assert_eq!(pp.class, PathClass::CrossZone);
        // 1 GB crossing AZs: $0.01 out + $0.01 in.
        assert_eq!(pp.row.cost_of_bytes(1_000_000_000), Usd::from_cents(2));
        assert_eq!(
            c.path_price(&use1a, &use1a)
                .unwrap()
                .row
                .cost_of_bytes(10_000_000_000),
            Usd::ZERO
        );
        let euw1 = p("eu-west-1");
        assert_eq!(
            c.path_price(&use1a, &euw1).unwrap().row.effective_usd(),
            Usd::from_cents(2)
        );
        let use2 = p("us-east-2");
        assert_eq!(
            c.path_price(&use1a, &use2).unwrap().row.effective_usd(),
            Usd::from_cents(1)
        );
        let tokyo = p("ap-northeast-1");
        assert_eq!(
            c.path_price(&tokyo, &use1a).unwrap().row.effective_usd(),
            Usd::from_cents(9)
        );
        // priced by source: the reverse direction is the US price
        assert_eq!(
            c.path_price(&use1a, &tokyo).unwrap().row.effective_usd(),
            Usd::from_cents(2)
        );
    }

    #[test]
    fn gcp_gib_and_continents() {
        let c = cat();
        let p = |s: &str| c.placement("regions", s).unwrap();
        let pp = c.path_price(&p("us-central1"), &p("europe-west1")).unwrap();
        assert_eq!(pp.row.unit, PriceUnit::Gib);
        assert_eq!(pp.row.usd, Usd::from_cents(8));
        // 2^30 bytes at $0.08/GiB = exactly $0.08; 10^9 bytes is less.
        assert_eq!(pp.row.cost_of_bytes(1 << 30), Usd::from_cents(8));
        assert!(pp.row.cost_of_bytes(1_000_000_000) < Usd::from_cents(8));
        let within = c.path_price(&p("us-central1"), &p("us-east4")).unwrap();
        assert_eq!(within.row.usd, Usd::from_cents(1));
        let syd = c
            .path_price(&p("us-central1"), &p("australia-southeast1"))
            .unwrap();
        assert_eq!(syd.row.usd, Usd::from_cents(15));
        let internet = c
            .path_price(&p("us-central1"), &p("aws:us-east-1"))
            .unwrap();
        assert_eq!(internet.class, PathClass::Internet);
        assert_eq!(internet.row.usd, Usd::from_cents(12));
    }

    #[test]
    fn egress_tiers_integrate() {
        let c = cat();
        // 1000 GB from AWS: 100 free + 900 × 0.09 = 81.
        assert_eq!(
            c.internet_egress_monthly(Provider::Aws, "us-east-1", 1000)
                .unwrap(),
            Usd::from_dollars(81)
        );
        // 20480 GB: 10140 × 0.09 + 10240 × 0.085 = 912.6 + 870.4 = 1783
        assert_eq!(
            c.internet_egress_monthly(Provider::Aws, "us-east-1", 20480)
                .unwrap(),
            Usd::from_dollars(1783)
        );
    }

    #[test]
    fn every_shipped_row_is_sourced_dated_and_in_a_labelled_unit() {
        let c = cat();
        for p in &c.prices {
            assert!(p.source.contains("https://"), "{}:{}", p.file, p.line);
            assert!(is_date(&p.as_of), "{}:{}", p.file, p.line);
        }
        for m in &c.matrices {
            assert!(m.source.contains("https://"), "{}", m.file);
            assert!(is_date(&m.as_of), "{}", m.file);
            // the statistic is named as published: P50 (median) for Azure and GCP, the
            // mean of a ping run for AWS (Skyplane's avg_rtt)
            let want = if m.provider == Provider::Aws {
                "mean"
            } else {
                "median"
            };
            assert_eq!(m.statistic, want, "{}", m.file);
            assert!(m.same_zone_rtt_ms > 0.0 && m.same_zone_rtt_ms < 1.0);
            // the diagonal (cross-zone) is below every inter-region RTT
            for i in 0..m.regions.len() {
                for j in 0..m.regions.len() {
                    if i != j {
                        assert!(m.rtt_ms[i][i] < m.rtt_ms[i][j], "{}", m.file);
                    }
                }
            }
        }
        // GCP is priced per GiB, AWS and Azure per GB; the listing says which
        let unit = |prov: Provider| {
            c.prices
                .iter()
                .filter(|p| {
                    p.provider == prov
                        && !matches!(
                            p.kind,
                            PriceKind::Request | PriceKind::Storage | PriceKind::Compute
                        )
                })
                .map(|p| p.unit.label())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(unit(Provider::Gcp), BTreeSet::from(["GiB"]));
        assert_eq!(unit(Provider::Aws), BTreeSet::from(["GB"]));
        assert_eq!(unit(Provider::Azure), BTreeSet::from(["GB"]));
        assert_eq!(PriceUnit::Gb.size(), 1_000_000_000);
        assert_eq!(PriceUnit::Gib.size(), 1_073_741_824);
        let listing = c.listing().unwrap().to_string();
        assert!(listing.contains(" GiB ") && listing.contains(" GB "));
        assert!(listing.contains("1-1024 GiB"), "{listing}");
        // every kind the issue names is present
        let kinds: BTreeSet<(Provider, PriceKind)> =
            c.prices.iter().map(|p| (p.provider, p.kind)).collect();
        for prov in [Provider::Aws, Provider::Gcp, Provider::Azure] {
            for k in [
                PriceKind::SameZone,
                PriceKind::CrossZone,
                PriceKind::InterRegion,
                PriceKind::InternetEgress,
            ] {
                assert!(kinds.contains(&(prov, k)), "{prov} {k:?}");
            }
        }
        assert!(kinds.contains(&(Provider::Aws, PriceKind::NatProcessing)));
        for bus in ["sqs-standard", "sqs-fifo", "sns-publish", "dynamodb-write"] {
            let r = c.request_price(bus).unwrap();
            assert_eq!(r.unit, PriceUnit::MillionRequests, "{bus}");
            assert!(r.usd > Usd::ZERO && r.chunk_bytes.is_some(), "{bus}");
        }
        // Kinesis PUT has no confirmed price, so it is not shipped
        assert!(c.request_price("kinesis-put").is_none());
    }

    #[test]
    fn issue15_storage_and_compute_rows_have_their_own_units() {
        let c = cat();
        let storage = |p: Provider, region: &str, class: &str| {
            c.resource_price(PriceKind::Storage, p, region, class)
                .map(|r| (r.usd.exact_string(), r.unit.label()))
        };
        // found only in repository files that could not be resolved to a citable
        // repository, path and commit, so not shipped
        assert_eq!(storage(Provider::Azure, "eastus2", "blob-hot-lrs"), None);
        assert_eq!(
            storage(Provider::Gcp, "us-central1", "gcs-standard"),
            Some(("0.02".into(), "GiB-month"))
        );
        // not retrieved, so not shipped
        assert_eq!(storage(Provider::Aws, "us-east-1", "s3-standard"), None);
        let vm = |p: Provider, region: &str, ty: &str| {
            c.resource_price(PriceKind::Compute, p, region, ty)
                .map(|r| (r.usd.exact_string(), r.unit.label()))
        };
        assert_eq!(vm(Provider::Azure, "eastus", "D2s_v5"), None);
        assert_eq!(
            vm(Provider::Aws, "us-east-1", "m7g.large"),
            Some(("0.0816".into(), "hour"))
        );
        assert_eq!(vm(Provider::Aws, "us-west-2", "m7g.large"), None);
        // storage and compute rows never price a network path
        let p = |s: &str| c.placement("p", s).unwrap();
        let pp = c
            .path_price(&p("azure:eastus"), &p("azure:eastus2"))
            .unwrap();
        assert_eq!(pp.row.kind, PriceKind::InterRegion);
        // a unit that does not fit its kind is refused, naming the field
        let head = "provider,kind,from,to,usd,unit,billing,source,as_of\n";
        for (row, field) in [
            (
                "aws,storage,us-east-1,s3-standard,0.02,GB,one_side,s,2024-01\n",
                "unit",
            ),
            (
                "aws,compute,us-east-1,m5.large,0.1,GB-month,one_side,s,2024-01\n",
                "unit",
            ),
            (
                "aws,inter_region,*,*,0.02,hour,one_side,s,2024-01\n",
                "unit",
            ),
            (
                "aws,compute,atlantis-1,m5.large,0.1,hour,one_side,s,2024-01\n",
                "from",
            ),
        ] {
            let e = cat()
                .with_user_file("u.csv", &format!("{head}{row}"))
                .unwrap_err();
            assert!(
                matches!(&e, CostError::Data { line: 2, field: f, .. } if f == field),
                "{row}: {e}"
            );
        }
    }

    #[test]
    fn issue15_listing_flags_rows_older_than_the_max_age() {
        let c = cat();
        let l = c.listing().unwrap();
        assert_eq!(
            l.staleness.today, "2026-12-07",
            "the newest date, not the clock"
        );
        assert_eq!(l.as_of.oldest.as_deref(), Some("2022-04-16"));
        assert_eq!(l.as_of.newest.as_deref(), Some("2026-12-07"));
        let skyplane = l
            .prices
            .iter()
            .find(|p| p.row.as_of == "2023-04-27")
            .unwrap();
        assert!(skyplane.stale);
        assert_eq!(skyplane.age_days, Some(1320));
        let fresh = l
            .prices
            .iter()
            .find(|p| p.row.as_of == "2026-06-17")
            .unwrap();
        assert!(!fresh.stale);
        assert_eq!(
            l.stale_rows,
            l.prices.iter().filter(|p| p.stale).count()
                + l.matrices.iter().filter(|m| m.stale).count()
        );
        let text = l.to_string();
        assert!(text.contains("1320 d STALE"), "{text}");
        assert!(
            text.contains("older than 365 days before 2026-12-07"),
            "{text}"
        );
        // an explicit date and age move the flags
        let s = Staleness::new(Some("2023-05-01"), 30, c.dates()).unwrap();
        let l = c.listing_at(&s).unwrap();
        assert!(
            !l.prices
                .iter()
                .find(|p| p.row.as_of == "2023-04-27")
                .unwrap()
                .stale
        );
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["staleness"]["today_from"], "given");
        assert_eq!(json["prices"][0]["stale"], serde_json::json!(false));
        assert!(
            json["prices"][0]["source"].is_string(),
            "row keys are flattened"
        );
    }

    #[test]
    fn azure_and_gcp_continent_pairs_and_tiers() {
        let c = cat();
        let p = |s: &str| c.placement("regions", s).unwrap();
        let usd = |a: &str, b: &str| c.path_price(&p(a), &p(b)).unwrap().row.usd;
        // Azure: within North America / Europe $0.02, between them $0.05, from Asia
        // $0.08, from South America $0.16; cross-zone free
        assert_eq!(usd("eastus", "westus2"), Usd::from_cents(2));
        assert_eq!(usd("northeurope", "westeurope"), Usd::from_cents(2));
        assert_eq!(usd("eastus", "westeurope"), Usd::from_cents(5));
        assert_eq!(usd("japaneast", "eastus"), Usd::from_cents(8));
        assert_eq!(usd("brazilsouth", "eastus"), Usd::from_cents(16));
        assert_eq!(
            c.path_price(&p("azure:eastus:1"), &p("azure:eastus:2"))
                .unwrap()
                .class,
            PathClass::CrossZone
        );
        // GCP: Asia–Asia $0.05, Asia–Europe $0.08, anything to or from Oceania $0.15
        assert_eq!(
            usd("asia-northeast1", "asia-southeast1"),
            Usd::from_cents(5)
        );
        assert_eq!(usd("asia-northeast1", "europe-west1"), Usd::from_cents(8));
        assert_eq!(usd("australia-southeast1", "us-east1"), Usd::from_cents(15));
        assert_eq!(
            usd("europe-west3", "australia-southeast1"),
            Usd::from_cents(15)
        );
        // GCP cross-zone is billed once: 2^30 B at $0.01/GiB = $0.01
        let z = c
            .path_price(&p("gcp:us-central1:a"), &p("gcp:us-central1:b"))
            .unwrap()
            .row;
        assert_eq!(z.cost_of_bytes(1 << 30), Usd::from_cents(1));
        // internet tiers integrate in the rows' own unit (GiB for GCP)
        // 1024 GiB: 1 GiB free + 1023 × 0.12 = 122.76; above 1024 GiB is unpriced
        assert_eq!(
            c.internet_egress_monthly(Provider::Gcp, "us-central1", 1024)
                .unwrap(),
            Usd::parse_decimal("122.76").unwrap()
        );
        assert!(
            c.internet_egress_monthly(Provider::Gcp, "us-central1", 2048)
                .is_err()
        );
        // Azure: 100 GB free, then 0.087: 1100 GB → $87
        assert_eq!(
            c.internet_egress_monthly(Provider::Azure, "eastus", 1100)
                .unwrap(),
            Usd::from_dollars(87)
        );
        // beyond Azure's last confirmed tier (10 TB) is an error naming the row
        let e = c
            .internet_egress_monthly(Provider::Azure, "eastus", 20_000)
            .unwrap_err();
        assert!(e.to_string().contains("builtin:prices.csv:"), "{e}");
        // AWS NAT processing: $0.045/GB on every byte through the gateway
        let nat = c
            .prices
            .iter()
            .find(|r| r.kind == PriceKind::NatProcessing)
            .unwrap();
        assert_eq!(
            nat.cost_of_bytes(1_000_000_000),
            Usd::parse_decimal("0.045").unwrap()
        );
    }

    #[test]
    fn request_prices() {
        let c = cat();
        let sqs = c.request_price("sqs-standard").unwrap();
        assert_eq!(
            sqs.cost_of_request(1000).times(1_000_000),
            Usd::from_cents(40)
        );
        // 100 KB = two 64 KB chunks
        assert_eq!(
            sqs.cost_of_request(100_000),
            Usd::from_cents(40).mul_ratio(2, 1_000_000)
        );
    }

    #[test]
    fn rtt_lookups() {
        let c = cat();
        let p = |s: &str| c.placement("regions", s).unwrap();
        let (v, stat) = c.rtt_ms(&p("us-east-1"), &p("eu-west-1")).unwrap();
        assert_eq!(stat, "mean");
        assert!(v > 50.0 && v < 100.0);
        let (v, _) = c
            .rtt_ms(&p("aws:us-east-1:a"), &p("aws:us-east-1:a"))
            .unwrap();
        assert!(v < 0.5);
        assert!(c.rtt_ms(&p("us-east-1"), &p("eastus")).is_err());
    }

    #[test]
    fn unknown_region_errors_name_parameter() {
        let c = cat();
        let e = c.placement("regions", "mars-1").unwrap_err();
        assert!(
            matches!(&e, CostError::UnknownRegion { name, region, .. } if name == "regions" && region == "mars-1")
        );
        assert!(c.placement("regions", "ibm:us-south").is_err());
    }

    const HDR: &str = "provider,kind,from,to,usd,unit,billing,source,as_of\n";

    #[test]
    fn user_price_file_validation() {
        let c = cat();
        let e = c
            .clone()
            .with_user_file(
                "my.csv",
                &format!("{HDR}aws,inter_region,*,*,-0.02,GB,one_side,x,2024-01\n"),
            )
            .unwrap_err();
        assert_eq!(
            e,
            CostError::data("my.csv", 2, "usd", "negative price `-0.02`")
        );
        let e = c
            .clone()
            .with_user_file(
                "my.csv",
                &format!("{HDR}aws,inter_region,mars-1,*,0.02,GB,one_side,x,2024-01\n"),
            )
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 2, field, .. } if field == "from"),
            "{e}"
        );
        let e = c
            .clone()
            .with_user_file("my.csv", "provider,kind,from,to,usd,unit,billing,source\n")
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 1, field, .. } if field == "as_of"),
            "{e}"
        );
        let e = c
            .clone()
            .with_user_file(
                "my.csv",
                &format!("{HDR}\n\naws,inter_region,*,*,0.02,GB,one_side,,2024-01\n"),
            )
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 4, field, .. } if field == "source"),
            "{e}"
        );
        let e = c
            .clone()
            .with_user_file(
                "my.csv",
                &format!("{HDR}aws,inter_region,*,*,0.02,GiB,one_side,x,June\n"),
            )
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { field, .. } if field == "as_of"),
            "{e}"
        );
        let e = c
            .clone()
            .with_user_file(
                "my.csv",
                &format!("{HDR}aws,inter_region,*,*,0.02,TB,one_side,x,2024-01\n"),
            )
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { field, .. } if field == "unit"),
            "{e}"
        );
        let ok = c
            .with_user_file(
                "my.csv",
                &format!("{HDR}aws,inter_region,*,*,0.03,GB,one_side,x,2024-01\n"),
            )
            .unwrap();
        assert_eq!(ok.prices.len(), 1);
        assert!(e.to_string().starts_with("my.csv:2:"));
    }

    fn matrix(body: &str) -> String {
        format!(
            "# provider: aws\n# statistic: p95\n# source: test\n# as_of: 2024-01\n# same_zone_rtt_ms: 0.1\nfrom,us-east-1,eu-west-1\n{body}"
        )
    }

    #[test]
    fn user_matrix_validation() {
        let c = cat();
        let ok = c
            .clone()
            .with_user_file("m.csv", &matrix("us-east-1,1,70\neu-west-1,71,1\n"))
            .unwrap();
        assert_eq!(ok.matrix(Provider::Aws).unwrap().statistic, "p95");
        // asymmetric beyond tolerance: 70 vs 90 (tolerance 9 ms)
        let e = c
            .clone()
            .with_user_file("m.csv", &matrix("us-east-1,1,70\neu-west-1,90,1\n"))
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 8, field, .. } if field == "us-east-1"),
            "{e}"
        );
        // non-square
        let e = c
            .clone()
            .with_user_file("m.csv", &matrix("us-east-1,1,70\n"))
            .unwrap_err();
        assert!(e.to_string().contains("not square"), "{e}");
        // unknown region in the header
        let e = c
            .clone()
            .with_user_file("m.csv", &matrix("").replace("eu-west-1", "eu-west-9"))
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 6, field, .. } if field == "eu-west-9"),
            "{e}"
        );
        // negative value
        let e = c
            .clone()
            .with_user_file("m.csv", &matrix("us-east-1,1,-70\neu-west-1,70,1\n"))
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { line: 7, field, .. } if field == "eu-west-1"),
            "{e}"
        );
        // missing metadata
        let e = c
            .with_user_file("m.csv", "from,us-east-1\nus-east-1,1\n")
            .unwrap_err();
        assert!(
            matches!(&e, CostError::Data { field, .. } if field == "provider"),
            "{e}"
        );
    }

    /// `(file, line, field)` of a data error; panics on any other error.
    fn where_(e: &CostError) -> (String, usize, String) {
        match e {
            CostError::Data {
                file, line, field, ..
            } => (file.clone(), *line, field.clone()),
            other => panic!("not a data error: {other}"),
        }
    }

    fn check(text: &str, file: &str, line: usize, field: &str, needle: &str) {
        let e = cat().with_user_file(file, text).unwrap_err();
        assert_eq!(
            where_(&e),
            (file.to_string(), line, field.to_string()),
            "{e}"
        );
        assert!(e.to_string().contains(needle), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("{file}:{line}: field `{field}`")),
            "{e}"
        );
    }

    #[test]
    fn price_file_errors_name_file_line_and_field() {
        let f = "my-prices.csv";
        let row = |r: &str| {
            format!(
                "{HDR}aws,cross_zone,*,*,0.01,GB,both_sides,x,2024-01
{r}
"
            )
        };
        // unknown region, on either side of an inter-region row
        check(
            &row("aws,inter_region,mars-1,*,0.02,GB,one_side,x,2024-01"),
            f,
            3,
            "from",
            "unknown region `mars-1`",
        );
        check(
            &row("aws,inter_region,us-east-1,eu-west-9,0.02,GB,one_side,x,2024-01"),
            f,
            3,
            "to",
            "unknown region `eu-west-9`",
        );
        // a region of another provider is unknown for this one
        check(
            &row("gcp,inter_region,us-east-1,*,0.02,GiB,one_side,x,2024-01"),
            f,
            3,
            "from",
            "for gcp",
        );
        // negative price
        check(
            &row("aws,inter_region,*,*,-0.02,GB,one_side,x,2024-01"),
            f,
            3,
            "usd",
            "negative price",
        );
        // missing field: empty value, short row, missing column
        check(
            &row("aws,inter_region,*,*,0.02,GB,one_side,,2024-01"),
            f,
            3,
            "source",
            "required field is empty",
        );
        check(
            &row("aws,inter_region,*,*,0.02,GB,one_side,x"),
            f,
            3,
            "as_of",
            "row has 8 fields",
        );
        check(
            "# comment\nprovider,kind,from,to,usd,unit,billing,as_of\n",
            f,
            2,
            "source",
            "missing required column",
        );
        // unknown provider / kind / unit, bad date, per-GB unit on a request row
        check(
            &row("ibm,inter_region,*,*,0.02,GB,one_side,x,2024-01"),
            f,
            3,
            "provider",
            "unknown provider",
        );
        check(
            &row("aws,teleport,*,*,0.02,GB,one_side,x,2024-01"),
            f,
            3,
            "kind",
            "unknown kind",
        );
        check(
            &row("aws,inter_region,*,*,0.02,GB,one_side,x,2024-13"),
            f,
            3,
            "as_of",
            "not a date",
        );
        check(
            &row("aws,request,*,sqs-standard,0.40,GB,one_side,x,2024-01"),
            f,
            3,
            "unit",
            "does not fit kind",
        );
        check(
            &row("aws,cross_zone,*,*,0.02,GB,both_sides,x,2024-01"),
            f,
            3,
            "kind",
            "duplicate row",
        );
    }

    #[test]
    fn matrix_file_errors_name_file_line_and_field() {
        let f = "rtt-mine.csv";
        // non-square: one row for two columns (reported on the last row)
        check(
            &matrix("us-east-1,1,70\n"),
            f,
            7,
            "from",
            "not square: 1 rows for 2 columns",
        );
        // non-square: three rows for two columns
        check(
            &matrix("us-east-1,1,70\neu-west-1,70,1\nus-east-2,1,1\n"),
            f,
            9,
            "from",
            "not square: 3 rows for 2 columns",
        );
        // rows out of header order
        check(
            &matrix("eu-west-1,70,1\nus-east-1,1,70\n"),
            f,
            7,
            "from",
            "rows repeat the header order",
        );
        // a missing cell
        check(
            &matrix("us-east-1,1\neu-west-1,70,1\n"),
            f,
            7,
            "eu-west-1",
            "row has 2 fields",
        );
        // asymmetric beyond max(2 ms, 10 %): 70 vs 90 (tolerance 9 ms) at row 8, column us-east-1
        check(
            &matrix("us-east-1,1,70\neu-west-1,90,1\n"),
            f,
            8,
            "us-east-1",
            "asymmetric",
        );
        // unknown region in the header
        check(
            &matrix("").replace("eu-west-1", "eu-west-9"),
            f,
            6,
            "eu-west-9",
            "unknown region `eu-west-9`",
        );
        // negative and malformed values
        check(
            &matrix("us-east-1,1,-70\neu-west-1,70,1\n"),
            f,
            7,
            "eu-west-1",
            "not a non-negative RTT",
        );
        check(
            &matrix("us-east-1,1,fast\neu-west-1,70,1\n"),
            f,
            7,
            "eu-west-1",
            "not a non-negative RTT",
        );
        // metadata: a missing comment is a whole-file problem (line 0); a bad value is
        // reported at its comment's line
        check(
            &matrix("us-east-1,1,70\neu-west-1,70,1\n").replace("# statistic: p95\n", ""),
            f,
            0,
            "statistic",
            "missing metadata comment",
        );
        check(
            &matrix("us-east-1,1,70\neu-west-1,70,1\n").replace("aws", "ibm"),
            f,
            1,
            "provider",
            "unknown provider `ibm`",
        );
        check(
            &matrix("us-east-1,1,70\neu-west-1,70,1\n").replace("2024-01", "last June"),
            f,
            4,
            "as_of",
            "not a date",
        );
        check(
            &matrix("us-east-1,1,70\neu-west-1,70,1\n").replace("0.1", "-1"),
            f,
            5,
            "same_zone_rtt_ms",
            "not a non-negative number",
        );
    }

    #[test]
    fn asymmetry_tolerance_is_max_of_2_ms_and_10_percent() {
        let c = cat();
        let ok = |a: &str, b: &str| {
            c.clone()
                .with_user_file(
                    "t.csv",
                    &matrix(&format!("us-east-1,1,{a}\neu-west-1,{b},1\n")),
                )
                .is_ok()
        };
        assert!(ok("70", "77")); // 7 ≤ 7.7
        assert!(!ok("70", "78")); // 8 > 7.8
        assert!(ok("5", "7")); // 2 ≤ max(2, 0.7)
        assert!(!ok("5", "7.5")); // 2.5 > 2
        assert_eq!(SYMMETRY_TOLERANCE_MS, 2.0);
        assert_eq!(SYMMETRY_TOLERANCE_REL, 0.10);
    }

    #[test]
    fn region_file_errors_name_file_line_and_field() {
        let f = "regions-mine.csv";
        let body = |extra: &str| {
            let mut t = REGIONS_CSV.to_string();
            t.push_str(extra);
            t
        };
        check(
            &body("aws,mars-1,mars,Olympus Mons\n"),
            f,
            40,
            "continent",
            "unknown continent `mars`",
        );
        check(
            &body("aws,us-east-1,north-america,again\n"),
            f,
            40,
            "region",
            "duplicate region",
        );
        check(
            &REGIONS_CSV.replace("2024-06", "mid-2024"),
            f,
            3,
            "as_of",
            "not a date",
        );
        // dropping a region that the shipped RTT matrix uses
        let without: String = REGIONS_CSV
            .lines()
            .filter(|l| !l.starts_with("aws,eu-north-1,"))
            .map(|l| format!("{l}\n"))
            .collect();
        check(&without, f, 0, "region", "`eu-north-1`");
        // and one that a price row uses
        let without: String = REGIONS_CSV
            .lines()
            .filter(|l| !l.starts_with("aws,sa-east-1,"))
            .map(|l| format!("{l}\n"))
            .collect();
        check(&without, f, 0, "region", "`sa-east-1`");
    }

    #[test]
    fn builtin_matrices_symmetric_and_plausible() {
        for m in &cat().matrices {
            for i in 0..m.regions.len() {
                for j in 0..m.regions.len() {
                    // published tables are direction-specific, so a pair may differ by
                    // up to the loader's tolerance, never more
                    let (x, y) = (m.rtt_ms[i][j], m.rtt_ms[j][i]);
                    assert!(
                        (x - y).abs()
                            <= SYMMETRY_TOLERANCE_MS.max(SYMMETRY_TOLERANCE_REL * x.max(y)),
                        "{} {}<->{}: {x} vs {y}",
                        m.file,
                        m.regions[i],
                        m.regions[j]
                    );
                    if i != j {
                        assert!(m.rtt_ms[i][j] >= 5.0 && m.rtt_ms[i][j] <= 400.0);
                    }
                }
            }
        }
    }
    #[test]
    fn catalog_listing_json_has_every_price_row_and_every_matrix_with_values() {
        let c = cat();
        let v = serde_json::to_value(c.listing().unwrap()).unwrap();
        // every shipped price row, each with its source and date
        let prices = v["prices"].as_array().unwrap();
        assert_eq!(prices.len(), c.prices.len());
        for p in prices {
            assert!(!p["source"].as_str().unwrap().is_empty(), "{p}");
            assert!(is_date(p["as_of"].as_str().unwrap()), "{p}");
        }
        let nat = prices
            .iter()
            .find(|p| p["provider"] == "aws" && p["kind"] == "nat_processing")
            .unwrap();
        assert_eq!(nat["usd"], "0.045");
        // every matrix, with statistic, regions, values, source and date
        let ms = v["matrices"].as_array().unwrap();
        assert_eq!(ms.len(), 3);
        for m in ms {
            let want = if m["provider"] == "aws" {
                "mean"
            } else {
                "median"
            };
            assert_eq!(m["statistic"], want, "{m}");
            assert!(!m["source"].as_str().unwrap().is_empty());
            assert!(is_date(m["as_of"].as_str().unwrap()));
            let n = m["regions"].as_array().unwrap().len();
            let rows = m["rtt_ms"].as_array().unwrap();
            assert_eq!(rows.len(), n, "{m}");
            assert!(rows.iter().all(|r| r.as_array().unwrap().len() == n));
        }
        let aws = ms.iter().find(|m| m["provider"] == "aws").unwrap();
        let idx = |r: &str| {
            aws["regions"]
                .as_array()
                .unwrap()
                .iter()
                .position(|x| x == r)
                .unwrap()
        };
        let (e1, w1) = (idx("us-east-1"), idx("eu-west-1"));
        // the published values, direction by direction (Skyplane avg_rtt)
        assert_eq!(aws["rtt_ms"][e1][w1], 84.936);
        assert_eq!(aws["rtt_ms"][w1][e1], 84.93);
        assert!(
            aws["source"]
                .as_str()
                .unwrap()
                .contains("skyplane-project/skyplane")
        );
        assert_eq!(aws["as_of"], "2022-04-16");
        let text = c.listing().unwrap().to_string();
        assert!(text.contains("median RTT, ms (row -> column):"), "{text}");
        // a user's p95 matrix replaces the AWS one and is listed with its label and values
        let user = c
            .with_user_file("m.csv", &matrix("us-east-1,1,70\neu-west-1,71,1\n"))
            .unwrap();
        let v = serde_json::to_value(user.listing().unwrap()).unwrap();
        let aws = v["matrices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["provider"] == "aws")
            .unwrap()
            .clone();
        assert_eq!(aws["statistic"], "p95");
        assert_eq!(aws["file"], "m.csv");
        assert_eq!(aws["as_of"], "2024-01");
        assert_eq!(aws["rtt_ms"], serde_json::json!([[1.0, 70.0], [71.0, 1.0]]));
    }
}
