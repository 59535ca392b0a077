//! `cclab check`: verify a certificate a student wrote — a protocol tree, a monochromatic
//! cover or partition, or a fooling set — and say exactly where it breaks.

use std::path::PathBuf;
use std::process::ExitCode;

use cc_theory::{CommMatrix, CoverKind, Rectangle};
use clap::Args;
use serde::Serialize;

use super::bounds::MatrixSource;
use crate::error::{CliError, emit, print_json, read_file};

/// Arguments of `cclab check`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("certificate").required(true).args(["protocol", "cover", "partition", "fooling"]))]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    source: MatrixSource,
    /// A protocol tree (indented text format or JSON; see the cc-theory docs).
    #[arg(long, value_name = "FILE")]
    protocol: Option<PathBuf>,
    /// A monochromatic cover: one rectangle per line as `rows 0 1 ; cols 2 3`, or JSON.
    #[arg(long, value_name = "FILE")]
    cover: Option<PathBuf>,
    /// A monochromatic partition of the cells of one colour (same format as --cover).
    #[arg(long, value_name = "FILE")]
    partition: Option<PathBuf>,
    /// A fooling set: one `row col` pair per line (0-based), or JSON [[r, c], …].
    #[arg(long, value_name = "FILE")]
    fooling: Option<PathBuf>,
    /// Colour of the cover, partition or fooling set (default: the value of its first cell).
    #[arg(long)]
    colour: Option<u8>,
    /// Print JSON with stable keys instead of text.
    #[arg(long)]
    json: bool,
}

/// The verdict on one certificate.
#[derive(Debug, Serialize)]
struct CheckReport {
    /// `protocol`, `cover`, `partition` or `fooling_set`.
    kind: &'static str,
    /// Whether the certificate is valid.
    valid: bool,
    /// Colour of a cover, partition or fooling set.
    colour: Option<u8>,
    /// Number of rectangles, cells, or leaves.
    size: usize,
    /// Depth of a valid protocol tree (bits, answer bit counted).
    depth: Option<u32>,
    /// The first counterexample and the rule it breaks.
    violation: Option<String>,
    /// What a valid certificate proves.
    proves: Option<String>,
}

fn parse_err(
    what: &str,
    path: &std::path::Path,
) -> impl FnOnce(cc_theory::TheoryError) -> CliError {
    let ctx = format!("in {what} file `{}`", path.display());
    move |e| CliError::Input(anyhow::Error::new(e).context(ctx))
}

fn first_colour(m: &CommMatrix, cell: Option<(usize, usize)>, given: Option<u8>) -> u8 {
    given
        .or_else(|| cell.and_then(|(r, c)| m.try_get(r, c)))
        .unwrap_or(1)
}

fn rect_first_cell(rects: &[Rectangle]) -> Option<(usize, usize)> {
    rects
        .first()
        .and_then(|r| Some((*r.rows.first()?, *r.cols.first()?)))
}

fn ceil_log2(x: usize) -> u32 {
    if x <= 1 {
        0
    } else {
        usize::BITS - (x - 1).leading_zeros()
    }
}

pub(crate) fn run(args: CheckArgs) -> Result<ExitCode, CliError> {
    let m = args.source.load()?;
    let report = if let Some(path) = &args.protocol {
        let text = read_file(path, "protocol")?;
        let tree = cc_theory::parse_protocol_tree(&text).map_err(parse_err("protocol", path))?;
        let result = cc_theory::verify_protocol_tree(&m, &tree);
        CheckReport {
            kind: "protocol",
            valid: result.is_ok(),
            colour: None,
            size: tree.depth() as usize,
            depth: result.as_ref().ok().copied(),
            violation: result.as_ref().err().map(ToString::to_string),
            proves: result.as_ref().ok().map(|d| {
                format!("D(f) <= {d} (answer bit counted: every input reaches a leaf announcing f(x, y))")
            }),
        }
    } else if let Some((path, kind)) = args
        .cover
        .as_ref()
        .map(|p| (p, CoverKind::Cover))
        .or_else(|| args.partition.as_ref().map(|p| (p, CoverKind::Partition)))
    {
        let what = if kind == CoverKind::Cover {
            "cover"
        } else {
            "partition"
        };
        let text = read_file(path, what)?;
        let rects = cc_theory::parse_rectangles(&text).map_err(parse_err(what, path))?;
        let colour = first_colour(&m, rect_first_cell(&rects), args.colour);
        let result = cc_theory::verify_cover(&m, &rects, colour, kind);
        let k = rects.len();
        CheckReport {
            kind: what,
            valid: result.is_ok(),
            colour: Some(colour),
            size: k,
            depth: None,
            violation: result.as_ref().err().map(ToString::to_string),
            proves: result.is_ok().then(|| {
                if kind == CoverKind::Cover {
                    format!(
                        "C^{colour}(f) <= {k}, so N^{colour}(f) <= ceil(log2 {k}) = {}",
                        ceil_log2(k)
                    )
                } else {
                    format!("chi_{colour}(f) <= {k}")
                }
            }),
        }
    } else if let Some(path) = &args.fooling {
        let text = read_file(path, "fooling set")?;
        let cells = cc_theory::parse_cells(&text).map_err(parse_err("fooling set", path))?;
        let colour = first_colour(&m, cells.first().copied(), args.colour);
        let result = cc_theory::verify_fooling_set(&m, &cells, colour);
        let k = cells.len();
        CheckReport {
            kind: "fooling_set",
            valid: result.is_ok(),
            colour: Some(colour),
            size: k,
            depth: None,
            violation: result.as_ref().err().map(ToString::to_string),
            proves: result
                .is_ok()
                .then(|| format!("C^{colour}(f) >= {k} and chi_{colour}(f) >= {k} (no two of these cells share a {colour}-monochromatic rectangle)")),
        }
    } else {
        return Err(CliError::input(
            "give one of --protocol, --cover, --partition, --fooling",
        ));
    };
    if args.json {
        print_json(&report)?;
    } else {
        let colour = report
            .colour
            .map(|c| format!(" of colour {c}"))
            .unwrap_or_default();
        let text = match (&report.violation, &report.proves) {
            (None, Some(p)) => format!(
                "valid {}{colour} ({} {}): {p}\n",
                report.kind,
                report.size,
                unit(report.kind)
            ),
            (Some(v), _) => format!("INVALID {}{colour}: {v}\n", report.kind),
            (None, None) => format!("valid {}\n", report.kind),
        };
        emit(&text)?;
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn unit(kind: &str) -> &'static str {
    match kind {
        "protocol" => "bits deep",
        "fooling_set" => "cells",
        _ => "rectangles",
    }
}
