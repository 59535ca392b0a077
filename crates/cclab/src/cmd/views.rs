//! Certificates drawn for a reader: the cells of a fooling set, the rectangles of a cover
//! or partition and the minor behind a rank, each listed and marked on the matrix drawn as
//! a grid (bold and coloured on a terminal that takes colour, brackets otherwise).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cc_theory::{BoundsReport, Certificate, CommMatrix};

/// How marked cells are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `[1]` around a marked cell; rectangles by letter.
    Plain,
    /// ANSI bold and colour (a terminal without `NO_COLOR`).
    Colour,
}

impl Style {
    /// Colour when standard output is a terminal and `NO_COLOR` is unset
    /// (<https://no-color.org>), plain otherwise.
    pub(crate) fn detect() -> Style {
        use std::io::IsTerminal as _;
        if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Style::Colour
        } else {
            Style::Plain
        }
    }
}

/// Largest matrix (rows or columns) drawn as a grid.
pub(crate) const MAX_GRID: usize = 32;

/// The measures whose certificates are drawn, in order.
const SHOWN: [&str; 8] = [
    "rank_q",
    "rank_gf2",
    "fooling_1",
    "fooling_0",
    "cover_1",
    "cover_0",
    "partition_1",
    "partition_0",
];

/// Rectangle labels: a–z, then A–Z.
fn label(i: usize) -> Option<char> {
    const L: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    L.get(i).map(|b| char::from(*b))
}

/// The matrix as a grid, each cell drawn by `cell(r, c, value)`: a 3-character string.
fn grid(m: &CommMatrix, cell: &dyn Fn(usize, usize, u8) -> String) -> String {
    let mut out = String::from("      ");
    for c in 0..m.cols() {
        let _ = write!(out, "{:>3}", c);
    }
    out.push('\n');
    for r in 0..m.rows() {
        let _ = write!(out, "  {r:>3} ");
        let mut line = String::new();
        for c in 0..m.cols() {
            line.push_str(&cell(r, c, m.get(r, c)));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn marked(v: u8, style: Style) -> String {
    match style {
        Style::Plain => format!("[{v}]"),
        Style::Colour => format!(" \x1b[1;31m{v}\x1b[0m "),
    }
}

fn cells_view(m: &CommMatrix, cells: &[(usize, usize)], style: Style) -> String {
    grid(m, &|r, c, v| {
        if cells.contains(&(r, c)) {
            marked(v, style)
        } else {
            format!(" {v} ")
        }
    })
}

fn rectangles_view(
    m: &CommMatrix,
    colour: u8,
    rects: &[cc_theory::Rectangle],
    style: Style,
) -> String {
    let mut out = String::new();
    for (i, r) in rects.iter().enumerate() {
        let _ = writeln!(
            out,
            "    {}: rows {:?} x cols {:?}",
            label(i).map_or(i.to_string(), String::from),
            r.rows,
            r.cols
        );
    }
    if rects.len() > 52 {
        return out;
    }
    let first = |row: usize, col: usize| {
        rects
            .iter()
            .position(|x| x.rows.contains(&row) && x.cols.contains(&col))
    };
    out.push_str(&grid(m, &|r, c, v| match (first(r, c), v == colour) {
        (Some(i), _) => {
            let l = label(i).unwrap_or('?');
            match style {
                Style::Plain => format!(" {l} "),
                Style::Colour => format!(" \x1b[1;3{}m{l}\x1b[0m ", 1 + i % 6),
            }
        }
        (None, true) => " ? ".to_string(),
        (None, false) => " . ".to_string(),
    }));
    out
}

/// The readable view of each certificate of `report`, by measure, for a matrix of at most
/// [`MAX_GRID`] rows and columns (empty for larger ones).
pub(crate) fn certificate_views(
    m: &CommMatrix,
    report: &BoundsReport,
    style: Style,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if m.rows() > MAX_GRID || m.cols() > MAX_GRID {
        return out;
    }
    for name in SHOWN {
        let Some(res) = report.measures.get(name) else {
            continue;
        };
        let text = match &res.certificate {
            Certificate::FoolingSet { colour, cells } => format!(
                "  {name} = {}: a {colour}-fooling set of {} cells, no two in one \
                 {colour}-monochromatic rectangle: {}\n{}",
                res.lower,
                cells.len(),
                cells
                    .iter()
                    .map(|(r, c)| format!("({r}, {c})"))
                    .collect::<Vec<_>>()
                    .join(" "),
                cells_view(m, cells, style)
            ),
            Certificate::Rank(rc) => {
                let cells: Vec<(usize, usize)> = rc
                    .pivot_rows
                    .iter()
                    .flat_map(|&r| rc.pivot_cols.iter().map(move |&c| (r, c)))
                    .collect();
                format!(
                    "  {name} = {}: rows {:?} x cols {:?} form a minor that is nonsingular over \
                     {} (nonzero mod {}), so the rank is at least {}\n{}",
                    res.lower,
                    rc.pivot_rows,
                    rc.pivot_cols,
                    rc.field,
                    rc.witness_modulus,
                    rc.pivot_rows.len(),
                    cells_view(m, &cells, style)
                )
            }
            Certificate::Rectangles {
                colour,
                cover_kind,
                rectangles,
            } => format!(
                "  {name} {} {}: a {} of the {colour}-cells by {} monochromatic rectangles \
                 (letters; `.` other colour)\n{}",
                if res.exact { "=" } else { "<=" },
                res.upper,
                match cover_kind {
                    cc_theory::CoverKind::Cover => "cover",
                    cc_theory::CoverKind::Partition => "partition",
                },
                rectangles.len(),
                rectangles_view(m, *colour, rectangles, style)
            ),
            Certificate::DeCaenGregoryPullman {
                colour, rectangles, ..
            } => format!(
                "  {name} {} {}: a cover of the {colour}-cells of a crown by {} rectangles \
                 (letters; `.` other colour)\n{}",
                if res.exact { "=" } else { "<=" },
                res.upper,
                rectangles.len(),
                rectangles_view(m, *colour, rectangles, style)
            ),
            _ => continue,
        };
        out.insert(name.to_string(), text);
    }
    out
}

/// All views in [`SHOWN`] order, as one text section.
pub(crate) fn certificates_section(views: &BTreeMap<String, String>) -> String {
    if views.is_empty() {
        return String::new();
    }
    let mut out = String::from("\ncertificates (re-verified before printing):\n");
    for name in SHOWN {
        if let Some(v) = views.get(name) {
            out.push_str(v);
        }
    }
    out
}
