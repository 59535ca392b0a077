//! Page: a census of small Boolean matrices — how often each lower bound is tight.

use std::fmt::Write as _;

use cc_theory::reference::{Census, census_exhaustive, census_sample};

use super::{Page, Rendered};
use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportOptions};

const PAGE: &str = "theory-census";
/// Random matrices per sampled size.
const SAMPLES: u64 = 1000;

fn theory(source: cc_theory::TheoryError) -> ReportError {
    ReportError::Theory { page: PAGE, source }
}

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let seed = options.seed;
    let mut out = page_header(page.title, Some(seed));
    let _ = write!(
        out,
        "For every Boolean matrix of each size up to 4 × 4 — one representative per class under row \
         permutation, column permutation and complement — and for {SAMPLES} uniformly random 5 × 5 \
         and 6 × 6 matrices (a SplitMix64 stream seeded with {seed}), cclab computes D exactly with \
         an optimal protocol tree and every lower bound, and counts how often each bound equals D. \
         Bound names: `log_rank_*` ⌈log2 rk⌉, `rank_sum_*` ⌈log2(rk(M) + rk(J − M))⌉, `fooling_set` \
         ⌈log2(|S_0| + |S_1|)⌉, `partition` ⌈log2 χ⌉, `discrepancy` the randomized bound at ε = 1/3 \
         (Kushilevitz–Nisan; definitions in [math.md](math.md)).\n\n"
    );
    let mut censuses: Vec<Census> = Vec::new();
    for (r, c) in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4)] {
        censuses.push(census_exhaustive(r, c).map_err(theory)?);
    }
    for n in [5usize, 6] {
        censuses.push(census_sample(n, SAMPLES, seed).map_err(theory)?);
    }
    let mut names: Vec<String> = censuses
        .iter()
        .flat_map(|c| c.tight.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    let mut headers: Vec<String> = vec![
        "size".into(),
        "scope".into(),
        ">matrices".into(),
        "D histogram".into(),
    ];
    headers.extend(names.iter().map(|n| format!(">{n} = D")));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(&header_refs);
    for c in &censuses {
        let hist: Vec<String> = c
            .d_histogram
            .iter()
            .map(|(d, k)| format!("D={d}: {k}"))
            .collect();
        let mut row = vec![
            format!("{} × {}", c.rows, c.cols),
            c.scope.clone(),
            c.count.to_string(),
            hist.join(", "),
        ];
        for n in &names {
            let k = c.tight.get(n).copied().unwrap_or(0);
            row.push(format!(
                "{k} ({:.0} %)",
                100.0 * k as f64 / c.count.max(1) as f64
            ));
        }
        t.row(row);
    }
    out.push_str(&t.render());
    out.push_str(
        "\n`log_rank_*` is ⌈log2 rk(M)⌉, which ignores the leaf that announces the answer: under the \
         answer-bit convention it is almost never tight; `rank_sum_*` is the same argument counting both \
         colours of leaves, and it is tight for every matrix up to 4 × 4.\n",
    );

    out.push_str("\n## Where D exceeds ⌈log2 χ⌉\n\n");
    let gaps: Vec<(&Census, &cc_theory::reference::GapExample)> = censuses
        .iter()
        .flat_map(|c| c.d_exceeds_partition_bound.iter().map(move |g| (c, g)))
        .collect();
    if gaps.is_empty() {
        out.push_str("No matrix in the census has D > ⌈log2 χ⌉.\n");
    } else {
        out.push_str(
            "The partition bound ⌈log2 χ⌉ is not always D: the matrices below (the first found at each \
             size) need more bits than the logarithm of their partition number. Each optimal tree is \
             printed in cclab's protocol format; `cclab check --matrix M --protocol T` re-verifies it.\n\n",
        );
        let mut any_exhaustive = false;
        for (c, g) in gaps {
            any_exhaustive |= c.scope.starts_with("exhaustive");
            let verified = cc_theory::CommMatrix::from_rows(&g.matrix)
                .and_then(|m| Ok((m, cc_theory::protocol::parse_protocol_tree(&g.tree)?)))
                .ok()
                .and_then(|(m, tree)| cc_theory::protocol::verify_protocol_tree(&m, &tree).ok());
            if verified != Some(g.deterministic as u32) {
                return Err(ReportError::Verification {
                    page: PAGE,
                    what: "a census protocol tree".into(),
                    message: format!(
                        "tree of depth {verified:?} does not certify D = {}",
                        g.deterministic
                    ),
                });
            }
            let rows: Vec<String> = g
                .matrix
                .iter()
                .map(|r| r.iter().map(|v| char::from(b'0' + v)).collect())
                .collect();
            let _ = write!(
                out,
                "**{} × {} ({})**: D = {}, χ = {} (⌈log2 χ⌉ = {})\n\n```text\n{}\n```\n\noptimal tree:\n\n```text\n{}\n```\n\n",
                c.rows,
                c.cols,
                c.scope,
                g.deterministic,
                g.partition,
                cc_theory::analyze::ceil_log2(g.partition),
                rows.join("\n"),
                g.tree.trim_end()
            );
        }
        if !any_exhaustive {
            out.push_str("No such matrix exists up to 4 × 4: the smallest examples above are from the 5 × 5 sample.\n");
        }
    }
    Ok(Rendered {
        markdown: out,
        extra: Vec::new(),
    })
}
