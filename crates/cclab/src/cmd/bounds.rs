//! `cclab bounds`: every measure of a communication matrix, with certificates.

use std::path::PathBuf;
use std::process::ExitCode;

use cc_theory::{AnalysisOptions, Budget, CommMatrix};
use clap::Args;
use serde::Serialize;

use crate::cmd::views;
use crate::error::{CliError, emit, input, print_json, read_file};

/// Where the communication matrix comes from: a named function, a file, or an expression.
/// Shared by `cclab bounds` and `cclab check`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["function", "matrix", "expr"]))]
pub(crate) struct MatrixSource {
    /// A named function: eq, neq, gt, ge, lt, disj, int, ip, maj, hameq, hamdist (needs --param),
    /// index, kushilevitz-and.
    function: Option<String>,
    /// Input length n in bits (for a named function or --expr).
    #[arg(long)]
    bits: Option<u32>,
    /// Parameter of a named function that takes one (e.g. the threshold of hamdist).
    #[arg(long)]
    param: Option<u32>,
    /// A matrix file: rows of digits (`#` comments, blank lines allowed), CSV, or a JSON array of arrays.
    #[arg(long, value_name = "FILE")]
    matrix: Option<PathBuf>,
    /// An expression in x and y over n-bit integers, e.g. 'popcount(x & y) % 2' (needs --bits).
    #[arg(long, value_name = "EXPR")]
    expr: Option<String>,
}

impl MatrixSource {
    /// Builds the matrix from whichever source the user named.
    pub(crate) fn load(&self) -> Result<CommMatrix, CliError> {
        if let Some(path) = &self.matrix {
            let text = read_file(path, "matrix file")?;
            return cc_theory::parse_matrix(&text).map_err(|e| {
                CliError::Input(
                    anyhow::Error::new(e).context(format!("in matrix file `{}`", path.display())),
                )
            });
        }
        let bits = self.bits.ok_or_else(|| {
            CliError::input("--bits N is required with a named function or --expr")
        })?;
        if let Some(expr) = &self.expr {
            return cc_theory::matrix_from_expr(expr, bits).map_err(|e| {
                CliError::Input(anyhow::Error::new(e).context(format!("in expression `{expr}`")))
            });
        }
        let name = self.function.as_deref().ok_or_else(|| {
            CliError::input("name a function, or give --matrix FILE or --expr EXPR")
        })?;
        cc_theory::named_matrix(name, bits, self.param).map_err(crate::cmd::args::theory_error)
    }
}

/// Arguments of `cclab bounds`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cclab bounds eq --bits 3\n  \
    cclab bounds gt --bits 2 --explain\n  \
    cclab bounds --matrix my.txt --measures rank_q,fooling_1\n  \
    cclab bounds --expr 'popcount(x & y) % 2' --bits 3 --json --certificates full\n\n\
    Guide: docs/guide/explore-a-function.md (file formats: docs/guide/check-your-work.md)")]
pub(crate) struct BoundsArgs {
    #[command(flatten)]
    source: MatrixSource,
    /// Compute only these measures (comma-separated; what they need is added). `one_way_ab` and
    /// `one_way_ba` count the answer bit like `deterministic` (Alice sends one message, then Bob
    /// announces the answer unless Alice's row is constant), so D <= one_way; their JSON
    /// certificate says `"answer_bit": "counted"` and gives Alice's message alone as `message_bits`.
    #[arg(long, value_name = "LIST")]
    measures: Option<String>,
    /// Branch-and-bound node budget of each exponential search.
    #[arg(long, value_name = "NODES")]
    budget_nodes: Option<u64>,
    /// SAT conflict budget of the cover and partition searches (summed over k; counted in lines
    /// of the solver's LRAT proof; default 200000 up to 16 distinct rows and columns, 5000
    /// beyond; a value given here applies to every size).
    #[arg(long, value_name = "CONFLICTS")]
    budget_conflicts: Option<u64>,
    /// Which certificates the JSON carries: `basic` (each measure's own certificate) or `full`
    /// (also the other side of each interval, under `optimality`: rank factorisations
    /// `M = B C`, fooling classes, the CNF and LRAT proof refuting a cover with one rectangle
    /// fewer, area bounds, and what the rest rests on). Check them with `cclab check`.
    #[arg(long, value_enum, default_value_t = CertificatesArg::Basic)]
    certificates: CertificatesArg,
    /// With `--certificates full`: also write each optimality certificate to a file in DIR
    /// (which must not exist or be empty), named after its measure: `<measure>.cnf` and
    /// `<measure>.lrat`, `<measure>.factorisation.txt`, `<measure>.classes.txt`,
    /// `<measure>.area.json` — the inputs of `cclab check`.
    #[arg(long, value_name = "DIR")]
    certificates_dir: Option<PathBuf>,
    /// Verify a fooling set you wrote (one `row col` pair per line, 0-based, or JSON [[r, c], …]).
    #[arg(long, value_name = "FILE")]
    check_fooling: Option<PathBuf>,
    /// Colour of the fooling set to verify (default: the value of its first cell).
    #[arg(long, requires = "check_fooling")]
    colour: Option<u8>,
    /// Convention for D(f): `counted` (Kushilevitz-Nisan, the default: the answer bit is sent, so
    /// D(EQ_n) = n + 1) or `not-counted` (the last speaker need not announce the answer; one less
    /// for non-constant functions). The `deterministic`, `one_way_ab` and `one_way_ba` measures
    /// always use `counted`; `not-counted` adds `deterministic_answer_bit_not_counted` next to them.
    #[arg(long, value_enum, default_value_t = AnswerBitArg::Counted)]
    answer_bit: AnswerBitArg,
    /// Also print the optimal protocol tree (the certificate of D(f)) as an indented tree, each
    /// node annotated with the rectangle it reaches, and the certificates of every measure on
    /// the matrix drawn as a grid (up to 32 x 32; the plain table draws them up to 16 x 16).
    /// With --json: an `explain` object holds the same text by measure.
    #[arg(long)]
    explain: bool,
    /// Print JSON with stable keys instead of the table.
    #[arg(long)]
    json: bool,
}

/// How many certificates `--json` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CertificatesArg {
    /// The certificate of each measure.
    Basic,
    /// Also the optimality certificates (the other side of every interval).
    Full,
}

/// The two conventions for counting the answer bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum AnswerBitArg {
    /// Kushilevitz-Nisan: the leaves announce the answer.
    Counted,
    /// The answer need not be sent.
    NotCounted,
}

/// `--json` output with the other answer-bit convention added.
#[derive(Serialize)]
struct WithConvention<'a> {
    #[serde(flatten)]
    report: &'a cc_theory::BoundsReport,
    deterministic_answer_bit_not_counted: Option<Interval>,
}

#[derive(Serialize)]
struct Interval {
    lower: u64,
    upper: u64,
}

/// D(f) without the answer bit: one less for a non-constant function (D > 0).
fn not_counted(report: &cc_theory::BoundsReport) -> Option<Interval> {
    report.measures.get("deterministic").map(|d| Interval {
        lower: d.lower.saturating_sub(1),
        upper: d.upper.saturating_sub(1),
    })
}

#[derive(Serialize)]
struct FoolingCheck {
    colour: u8,
    cells: usize,
    valid: bool,
    violation: Option<String>,
}

pub(crate) fn run(args: BoundsArgs) -> Result<ExitCode, CliError> {
    let m = args.source.load()?;

    if let Some(path) = &args.check_fooling {
        let text = read_file(path, "fooling set file")?;
        let cells = cc_theory::parse_cells(&text).map_err(|e| {
            CliError::Input(
                anyhow::Error::new(e).context(format!("in fooling set file `{}`", path.display())),
            )
        })?;
        let colour = match (args.colour, cells.first()) {
            (Some(c), _) => c,
            (None, Some(&(r, c))) => m.try_get(r, c).unwrap_or(1),
            (None, None) => 1,
        };
        let result = cc_theory::verify_fooling_set(&m, &cells, colour);
        let check = FoolingCheck {
            colour,
            cells: cells.len(),
            valid: result.is_ok(),
            violation: result.as_ref().err().map(ToString::to_string),
        };
        if args.json {
            print_json(&check)?;
        } else {
            emit(&match &check.violation {
                None => format!(
                    "valid: {} cells form a {colour}-fooling set, so C^{colour}(f) >= {} and D(f) >= ceil(log2 {}) (fooling-set bound, Kushilevitz-Nisan §1.3)\n",
                    check.cells, check.cells, check.cells
                ),
                Some(v) => format!("invalid {colour}-fooling set: {v}\n"),
            })?;
        }
        return Ok(if check.valid {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        });
    }

    let measures = args
        .measures
        .as_deref()
        .map(cc_theory::parse_measures)
        .transpose()
        .map_err(crate::cmd::args::theory_error)?;
    let mut budget = Budget::default();
    if let Some(nodes) = args.budget_nodes {
        budget.nodes = nodes;
    }
    if let Some(conflicts) = args.budget_conflicts {
        budget.conflicts = conflicts;
        budget.conflicts_large = conflicts;
    }
    // Exact searches can take a while on large matrices: a spinner with the elapsed time on
    // a terminal (never with --json or a redirected stderr).
    let spinner = crate::cmd::progress::spinner(
        args.json,
        format!(
            "computing the measures of a {} x {} matrix",
            m.rows(),
            m.cols()
        ),
    );
    let report = cc_theory::analyze(&m, &AnalysisOptions { measures, budget });
    spinner.finish_and_clear();
    let mut report = report.map_err(crate::cmd::args::theory_error)?;
    if args.certificates == CertificatesArg::Full || args.certificates_dir.is_some() {
        cc_theory::add_optimality_certificates(&m, &mut report).map_err(input)?;
        if let Some(dir) = &args.certificates_dir {
            write_certificates(dir, &report)?;
        }
    }
    if args.certificates == CertificatesArg::Basic {
        report.optimality.clear();
    }
    let other = if args.answer_bit == AnswerBitArg::NotCounted {
        not_counted(&report)
    } else {
        None
    };
    if args.json {
        let with_convention = WithConvention {
            report: &report,
            deterministic_answer_bit_not_counted: other,
        };
        let not_counted = args.answer_bit == AnswerBitArg::NotCounted;
        if args.explain {
            // The report's own keys in their order, then `explain`.
            #[derive(serde::Serialize)]
            struct WithExplain<'a, T: serde::Serialize> {
                #[serde(flatten)]
                report: &'a T,
                explain: std::collections::BTreeMap<String, String>,
            }
            let mut views = views::certificate_views(&m, &report, views::Style::Plain);
            views.insert("deterministic".into(), explain(&m, &report));
            if not_counted {
                print_json(&WithExplain {
                    report: &with_convention,
                    explain: views,
                })?;
            } else {
                print_json(&WithExplain {
                    report: &report,
                    explain: views,
                })?;
            }
        } else if not_counted {
            print_json(&with_convention)?;
        } else {
            print_json(&report)?;
        }
    } else {
        emit(&report.to_string())?;
        // Certificates a reader can check by eye: small matrices always, up to 32 x 32
        // with --explain.
        let small = m.rows().max(m.cols()) <= 16;
        if small || args.explain {
            let views = views::certificate_views(&m, &report, views::Style::detect());
            emit(&views::certificates_section(&views))?;
        }
        if let Some(d) = &other {
            let value = if d.lower == d.upper {
                d.lower.to_string()
            } else {
                format!("[{}, {}]", d.lower, d.upper)
            };
            emit(&format!(
                "\nD(f) without the answer bit (the last speaker need not announce it): {value}\n"
            ))?;
        }
        if args.explain {
            emit(&explain(&m, &report))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The `--explain` view of the certificate of D(f).
fn explain(m: &CommMatrix, report: &cc_theory::BoundsReport) -> String {
    match report.measures.get("deterministic") {
        Some(d) => match &d.certificate {
            cc_theory::Certificate::ProtocolTree { tree } => {
                let what = if d.exact { "an optimal" } else { "the best" };
                format!(
                    "\n{what} protocol tree (depth {}, answer bit counted; `alice S`: Alice's inputs in S send 0, \
                     the 0-branch is listed first):\n{}\n",
                    d.upper,
                    tree.explain(m).trim_end()
                )
            }
            _ => {
                "\nno protocol tree: the deterministic measure carries another certificate\n".into()
            }
        },
        None => "\nno protocol tree was computed\n".into(),
    }
}

/// Writes each optimality certificate of `report` into `dir` (created; it
/// must not exist or be empty, so no file of the user's is replaced).
fn write_certificates(
    dir: &std::path::Path,
    report: &cc_theory::BoundsReport,
) -> Result<(), CliError> {
    use cc_theory::optimality::{Optimality, fooling_classes_text, rank_factorisation_text};
    let io =
        |e: std::io::Error| CliError::input(format!("--certificates-dir `{}`: {e}", dir.display()));
    if dir.exists() && std::fs::read_dir(dir).map_err(io)?.next().is_some() {
        return Err(CliError::input(format!(
            "--certificates-dir `{}` is not empty; give a new or empty directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, o) in &report.optimality {
        let files: Vec<(String, String)> = match o {
            Optimality::RankFactorisation(f) => {
                vec![(
                    format!("{name}.factorisation.txt"),
                    rank_factorisation_text(f),
                )]
            }
            Optimality::FoolingClasses(f) => {
                vec![(format!("{name}.classes.txt"), fooling_classes_text(f))]
            }
            Optimality::UnsatProof(u) => vec![
                (format!("{name}.cnf"), u.cnf.clone()),
                (format!("{name}.lrat"), u.lrat.clone()),
            ],
            Optimality::AreaBound(a) => vec![(
                format!("{name}.area.json"),
                serde_json::to_string(a).map_err(|e| CliError::Internal(e.into()))?,
            )],
            _ => Vec::new(),
        };
        for (file, text) in files {
            std::fs::write(dir.join(file), text).map_err(io)?;
        }
    }
    Ok(())
}
