//! Page: the claims ledger — every item of both source texts with a verdict.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Page, Rendered};
use crate::ledger::{self, KINDS, PARTS, Row};
use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportOptions};

/// The coverage of a set of rows: items and verdicts by kind (in [`KINDS`] order).
fn coverage(rows: &[&Row]) -> (usize, Vec<usize>) {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *by.entry(r.verdict.kind()).or_default() += 1;
    }
    (
        rows.len(),
        KINDS
            .iter()
            .map(|k| by.get(k).copied().unwrap_or(0))
            .collect(),
    )
}

fn summary_table(rows: &[Row]) -> String {
    let mut head = vec!["text", "part", ">items"];
    let kind_heads: Vec<String> = KINDS.iter().map(|k| format!(">{k}")).collect();
    head.extend(kind_heads.iter().map(String::as_str));
    let mut t = Table::new(&head);
    let mut push = |label: [String; 2], sel: Vec<&Row>| {
        let (n, kinds) = coverage(&sel);
        let mut cells = vec![label[0].clone(), label[1].clone(), n.to_string()];
        cells.extend(kinds.iter().map(usize::to_string));
        t.row(cells);
    };
    for (text, part) in PARTS {
        let sel: Vec<&Row> = rows
            .iter()
            .filter(|r| r.text == *text && r.part == *part)
            .collect();
        push(
            [
                (*text).to_string(),
                format!("[{part}](#{})", part_anchor(text, part)),
            ],
            sel,
        );
    }
    for text in ["000", "004"] {
        let sel: Vec<&Row> = rows.iter().filter(|r| r.text == text).collect();
        push([format!("**{text}**"), "**all**".into()], sel);
    }
    push(["**both**".into(), "**all**".into()], rows.iter().collect());
    t.render()
}

fn part_anchor(text: &str, part: &str) -> String {
    let slug: String = part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("part-{text}-{slug}")
}

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let mut out = page_header(page.title, Some(options.seed));
    out.push_str(
        "One row per item of the two source texts — the lecture text (`000`) and the \
         coordination-cost text (`004`): every system, algorithm, table, worked example and \
         numeric claim. Each row gives a short quote, the claim, what cclab computes or measures \
         for it (from `cc-cost`'s models — the lecture text's worked examples are small \
         documented models in `cc_cost::examples` — `cc-theory`, or a seeded `cc-sim` run), \
         the command that reproduces it, and a verdict: **right**; **right in its model** (the \
         reading under which it holds is named); **arithmetic error** (factor = text ÷ \
         recomputed); **unit error**; **model error**; **impossible as stated**; **not \
         checkable** (a production anecdote or a claim without inputs — reported as such, not \
         repeated as fact); ***not yet modelled*** (needs a capability cclab does not have yet; \
         the row keeps its id for when it does). The audited cost claims are rows of the \
         [cost audit](cost-audit.md), linked from here rather than repeated. Pages other than \
         this one print `cclab report` figures; a command `cclab report --out cclab-report` \
         means the figure is computed only for the pages.\n\n",
    );
    out.push_str(crate::convention::COUNTING_CONVENTION);
    let _ = write!(
        out,
        "\n\nAssumption of this ledger: the highest bitrate of one video stream is taken as {} \
         Mbit/s (row `000-p3-peak-served`).\n\n## Coverage\n\n",
        crate::fmt::num(ledger::ASSUMED_MAX_STREAM_BPS / 1e6)
    );
    let rows = ledger::rows(options.seed)?;
    out.push_str(&summary_table(&rows));
    let nym: Vec<String> = rows
        .iter()
        .filter(|r| r.verdict.kind() == "not yet modelled")
        .map(|r| format!("[`{}`](#{})", r.id, ledger::ledger_anchor(&r.id)))
        .collect();
    let _ = write!(
        out,
        "\n**Not yet modelled ({}):** {}.\n",
        nym.len(),
        nym.join(", ")
    );
    for (text, part) in PARTS {
        let sel: Vec<&Row> = rows
            .iter()
            .filter(|r| r.text == *text && r.part == *part)
            .collect();
        if sel.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n<a id=\"{}\"></a>\n\n## {text} · {part}\n\n",
            part_anchor(text, part)
        );
        let mut t = Table::new(&[
            "id",
            "section",
            "quote",
            "claim",
            "cclab computes",
            "verdict",
            "reproduce",
            "see",
        ]);
        for r in sel {
            t.row([
                format!("<a id=\"{}\"></a>`{}`", ledger::ledger_anchor(&r.id), r.id),
                r.section.clone(),
                format!("“{}”", r.quote),
                r.claim.clone(),
                r.computed.clone(),
                r.verdict.render(),
                if r.command.is_empty() {
                    "—".into()
                } else {
                    format!("`{}`", r.command)
                },
                r.links.join("; "),
            ]);
        }
        out.push_str(&t.render());
    }
    Ok(Rendered {
        markdown: out,
        extra: Vec::new(),
    })
}
