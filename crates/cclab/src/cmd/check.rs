//! `cclab check`: verify a certificate a student wrote — a protocol tree, a monochromatic
//! cover or partition, or a fooling set — and say exactly where it breaks; and the optimality
//! certificates `cclab bounds --json --certificates full` emits (rank factorisations, fooling
//! classes, refuted cover CNFs with their LRAT proofs, area bounds).

use std::path::PathBuf;
use std::process::ExitCode;

use cc_theory::{CommMatrix, CoverKind, Rectangle};
use clap::Args;
use serde::Serialize;

use super::bounds::MatrixSource;
use crate::error::{CliError, emit, print_json, read_file};

/// Arguments of `cclab check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cclab check --matrix gt2.txt --fooling fooling.txt\n  \
    cclab check --matrix gt2.txt --cover cover.txt --colour 1\n  \
    cclab check gt --bits 2 --protocol tree.txt\n  \
    cclab check ip --bits 4 --cnf cover_0.cnf --lrat cover_0.lrat\n\n\
    Every file format, with examples: docs/guide/check-your-work.md")]
#[command(group = clap::ArgGroup::new("certificate").required(true).args(["protocol", "cover", "partition", "fooling", "rank_factorisation", "fooling_upper", "cnf", "area_bound"]))]
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
    /// A rank upper bound, M = B C: `field Q` (or `field GF(2)`), `basis <rows>`, then one
    /// `row <i> : <coefficients>` line per other row (fractions `p/q` over Q, bits over GF(2)),
    /// or its JSON; proves rk_F(M) <= the number of basis rows. With --complement, of J - M.
    #[arg(long, value_name = "FILE")]
    rank_factorisation: Option<PathBuf>,
    /// With --rank-factorisation: the factorisation is of J - M (the `*_complement` ranks).
    #[arg(long, requires = "rank_factorisation")]
    complement: bool,
    /// A fooling-set upper bound: one class of cells per line as `row,col row,col ...` (an
    /// optional first line `colour b`), no two cells of a class a fooling pair, every b-cell in
    /// a class; or its JSON. Proves every b-fooling set has at most #classes cells.
    #[arg(long, value_name = "FILE")]
    fooling_upper: Option<PathBuf>,
    /// A cover/partition lower bound: the DIMACS CNF cclab wrote for "is there a cover with k
    /// rectangles?" (its `c cclab` lines state colour, kind, k, encoding, pins); cclab rebuilds
    /// it from the matrix and compares. Needs --lrat.
    #[arg(long, value_name = "FILE", requires = "lrat")]
    cnf: Option<PathBuf>,
    /// The LRAT refutation of --cnf (`id lits 0 hints 0` additions, `id d ids 0` deletions),
    /// checked by cclab's own LRAT checker; proves the number is at least k + 1.
    #[arg(long, value_name = "FILE", requires = "cnf")]
    lrat: Option<PathBuf>,
    /// An area bound, JSON `{"colour": b, "cells": N, "max_area": A}`: every b-rectangle has at
    /// most A cells (re-checked by brute force), so C^b >= ceil(N / A).
    #[arg(long, value_name = "FILE")]
    area_bound: Option<PathBuf>,
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
    } else if let Some(path) = &args.rank_factorisation {
        check_rank_factorisation(&m, path, args.complement)?
    } else if let Some(path) = &args.fooling_upper {
        check_fooling_upper(&m, path, args.colour)?
    } else if let (Some(cnf), Some(lrat)) = (&args.cnf, &args.lrat) {
        check_unsat(&m, cnf, lrat)?
    } else if let Some(path) = &args.area_bound {
        check_area(&m, path)?
    } else {
        return Err(CliError::input(
            "give one of --protocol, --cover, --partition, --fooling, --rank-factorisation, \
             --fooling-upper, --cnf with --lrat, --area-bound",
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
        "rank_factorisation" => "basis rows",
        "fooling_upper" => "classes",
        "area_bound" => "cells at most per rectangle",
        _ => "rectangles",
    }
}

/// A verdict from a checker's result and what a valid certificate proves.
fn verdict(
    kind: &'static str,
    colour: Option<u8>,
    size: usize,
    result: Result<String, String>,
) -> CheckReport {
    CheckReport {
        kind,
        valid: result.is_ok(),
        colour,
        size,
        depth: None,
        violation: result.as_ref().err().cloned(),
        proves: result.ok(),
    }
}

fn check_rank_factorisation(
    m: &CommMatrix,
    path: &std::path::Path,
    complement: bool,
) -> Result<CheckReport, CliError> {
    let text = read_file(path, "rank factorisation")?;
    let f = cc_theory::optimality::parse_rank_factorisation(&text)
        .map_err(parse_err("rank factorisation", path))?;
    let (target, name) = if complement {
        (m.complement().map_err(crate::error::input)?, "J - M")
    } else {
        (m.clone(), "M")
    };
    let field = match f.field {
        cc_theory::optimality::FactorField::Q => "Q",
        cc_theory::optimality::FactorField::Gf2 => "GF(2)",
    };
    let result = cc_theory::optimality::verify_rank_factorisation(&target, &f)
        .map(|r| format!("rk_{field}({name}) <= {r} ({name} = B C with inner dimension {r})"));
    Ok(verdict("rank_factorisation", None, f.basis.len(), result))
}

fn check_fooling_upper(
    m: &CommMatrix,
    path: &std::path::Path,
    colour: Option<u8>,
) -> Result<CheckReport, CliError> {
    let text = read_file(path, "fooling classes")?;
    let f = cc_theory::optimality::parse_fooling_classes(&text, colour.unwrap_or(1))
        .map_err(parse_err("fooling classes", path))?;
    let colour = colour.unwrap_or(f.colour);
    let f = cc_theory::optimality::FoolingClasses { colour, ..f };
    let result = cc_theory::optimality::verify_fooling_classes(m, &f).map(|k| {
        format!("every {colour}-fooling set has at most {k} cells (at most one per class)")
    });
    Ok(verdict(
        "fooling_upper",
        Some(colour),
        f.classes.len(),
        result,
    ))
}

fn check_unsat(
    m: &CommMatrix,
    cnf_path: &std::path::Path,
    lrat_path: &std::path::Path,
) -> Result<CheckReport, CliError> {
    let cnf = read_file(cnf_path, "CNF")?;
    let lrat = read_file(lrat_path, "LRAT proof")?;
    let result = cc_theory::cover_sat::verify_cover_lower_bound(m, &cnf, &lrat);
    if let Err(cc_theory::cover_sat::CoverProofViolation::Cnf(e)) = result {
        return Err(parse_err("CNF", cnf_path)(e));
    }
    if let Err(cc_theory::cover_sat::CoverProofViolation::Proof(
        cc_theory::lrat::LratViolation::Parse(e),
    )) = result
    {
        return Err(parse_err("LRAT proof", lrat_path)(e));
    }
    let colour = result.as_ref().ok().map(|b| b.colour);
    let size = result.as_ref().map_or(0, |b| b.lower);
    let result = result.map_err(|e| e.to_string()).map(|b| {
        let (what, c) = match b.kind {
            CoverKind::Cover => ("cover", "C"),
            CoverKind::Partition => ("partition", "chi"),
        };
        format!(
            "no {what} with {} rectangles exists (the CNF is cclab's encoding and the LRAT proof refutes it), so {c}^{}(f) >= {}",
            b.lower - 1,
            b.colour,
            b.lower
        )
    });
    Ok(verdict("cover_lower_bound", colour, size, result))
}

fn check_area(m: &CommMatrix, path: &std::path::Path) -> Result<CheckReport, CliError> {
    let text = read_file(path, "area bound")?;
    let a: cc_theory::cover_sat::AreaBound = serde_json::from_str(&text).map_err(|e| {
        parse_err("area bound", path)(cc_theory::TheoryError::Parse {
            line: e.line(),
            column: e.column(),
            message: format!("invalid JSON area bound: {e}"),
        })
    })?;
    let result = cc_theory::cover_sat::verify_area_bound(m, &a).map(|()| {
        format!(
            "every {c}-rectangle has at most {} cells, so C^{c}(f) >= ceil({} / {}) = {} (and chi_{c}(f) too)",
            a.max_area,
            a.cells,
            a.max_area,
            a.lower(),
            c = a.colour
        )
    });
    Ok(verdict("area_bound", Some(a.colour), a.max_area, result))
}
