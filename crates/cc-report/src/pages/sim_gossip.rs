//! Page: dissemination protocols measured against the literature.

use std::fmt::Write as _;

mod validation;

use super::{Page, Rendered};
use crate::fmt::{fraction, num, stat};
use crate::markdown::{Table, page_header};
use crate::svg::{LineChart, Series};
use crate::{ReportError, ReportFile, ReportOptions};

const PAGE: &str = "sim-gossip";
const FIGURE: &str = "figures/gossip-rounds.svg";

fn sim(source: cc_sim::SimError) -> ReportError {
    ReportError::Sim { page: PAGE, source }
}

/// One section of the page: appends its Markdown, may add figures.
type Section = fn(&mut String, u64, &mut Vec<ReportFile>) -> Result<(), ReportError>;

/// The page's sections, in order.
const SECTIONS: &[Section] = &[definitions, rounds, demers, flooding, plumtree];

pub(crate) fn render(page: &Page, options: &ReportOptions) -> Result<Rendered, ReportError> {
    let mut out = page_header(page.title, Some(options.seed));
    let mut extra = Vec::new();
    for section in SECTIONS {
        section(&mut out, options.seed, &mut extra)?;
    }
    Ok(Rendered {
        markdown: out,
        extra,
    })
}

fn definitions(out: &mut String, _seed: u64, _: &mut Vec<ReportFile>) -> Result<(), ReportError> {
    out.push_str(
        "Every number below was simulated by `cc-sim` for this page: seeded Monte Carlo, trial `i` \
         on its own ChaCha stream derived from `(seed, i)`, results reduced in trial order. \
         Intervals are 95 % t-intervals of the mean (Wilson intervals for pooled fractions). \
         Round-mode protocols run the synchronous random phone call model: in each round every \
         live node calls one node chosen uniformly among the other n − 1.\n\n## Definitions\n\n",
    );
    let mut t = Table::new(&["term", "meaning"]);
    for (term, def) in validation::DEFINITIONS {
        t.row([format!("**{term}**"), (*def).to_string()]);
    }
    out.push_str(&t.render());
    Ok(())
}

/// Rounds of push, pull, push-pull against theory, with the figure.
fn rounds(out: &mut String, seed: u64, files: &mut Vec<ReportFile>) -> Result<(), ReportError> {
    let rows = validation::gossip_rounds_table(seed).map_err(sim)?;
    out.push_str(
        "\n## Rounds to inform everyone: push, pull, push-pull\n\n\
         Theory columns give the leading terms of the known asymptotics (the `O(1)` and \
         `O(log log n)` terms are not included, so a constant gap is expected; what must match is \
         the growth).\n\n",
    );
    let mut t = Table::new(&[
        "protocol",
        ">n",
        ">trials",
        ">rounds (mean [95% CI])",
        ">median",
        ">min–max",
        ">theory",
        "formula",
        ">transmissions per node",
        "pull: exactly n − 1 transmissions",
    ]);
    for r in &rows {
        t.row([
            r.protocol.clone(),
            num(r.n as f64),
            r.trials.to_string(),
            stat(&r.rounds),
            num(r.rounds.median),
            format!("{}–{}", num(r.rounds.min), num(r.rounds.max)),
            num(r.theory),
            r.theory_formula.clone(),
            num(r.transmissions.mean / r.n as f64),
            if r.protocol == "pull" {
                if r.transmissions_exactly_n_minus_1 {
                    "yes, every trial".into()
                } else {
                    "NO".into()
                }
            } else {
                "—".into()
            },
        ]);
    }
    out.push_str(&t.render());
    let _ = write!(out, "\n![rounds versus n]({FIGURE})\n");
    let mut series = Vec::new();
    for proto in ["push", "pull", "push-pull"] {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.protocol == proto)
            .map(|r| (r.n as f64, r.rounds.mean))
            .collect();
        let th: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.protocol == proto)
            .map(|r| (r.n as f64, r.theory))
            .collect();
        series.push(Series {
            label: format!("{proto} (measured)"),
            points: pts,
            markers: true,
        });
        series.push(Series {
            label: format!("{proto} (theory, leading terms)"),
            points: th,
            markers: false,
        });
    }
    let chart = LineChart {
        title: format!("Rounds to inform all n nodes (seed {seed})"),
        x_label: "n (log scale)".into(),
        y_label: "rounds".into(),
        log_x: true,
        series,
    };
    files.push(ReportFile::new(FIGURE, chart.render(PAGE, FIGURE)?));
    Ok(())
}

/// Rumor mongering against Demers et al. 1987, Tables 1–3.
fn demers(out: &mut String, seed: u64, _: &mut Vec<ReportFile>) -> Result<(), ReportError> {
    let demers = validation::demers_tables(seed).map_err(sim)?;
    out.push_str(
        "\n## Rumor mongering: Demers et al. 1987, Tables 1–3 (n = 1000)\n\n\
         `s` residue, `m` traffic, `t_ave` / `t_last` delivery cycles. \"paper\" is the value printed \
         in the paper; a value marked † could not be verified against the original table by the \
         authors of this page and is shown only for orientation. The last column is the least root \
         of `s = e^{−c(1−s)}` (c = k + 1 with feedback and coin, c = k blind), the mean-field \
         prediction of the residue.\n\n",
    );
    let mut t = Table::new(&[
        "table",
        "variant",
        ">k",
        ">trials",
        ">s paper",
        ">s measured",
        ">m paper",
        ">m measured",
        ">t_ave paper",
        ">t_ave measured",
        ">t_last paper",
        ">t_last measured",
        ">s fixed point",
    ]);
    for r in &demers {
        let mark = if r.paper_verified { "" } else { " †" };
        let p = |f: fn(&validation::PaperValues) -> f64| {
            r.paper
                .as_ref()
                .map_or_else(|| "—".to_string(), |v| format!("{}{mark}", num(f(v))))
        };
        t.row([
            if r.table == 0 {
                "extra".to_string()
            } else {
                r.table.to_string()
            },
            r.variant.clone(),
            r.k.to_string(),
            r.trials.to_string(),
            p(|v| v.s),
            fraction(&r.residue_pooled),
            p(|v| v.m),
            stat(&r.traffic),
            p(|v| v.t_ave),
            stat(&r.t_ave),
            p(|v| v.t_last),
            stat(&r.t_last),
            num(r.fixed_point),
        ]);
    }
    out.push_str(&t.render());
    Ok(())
}

/// Exact message counts of flooding and tree broadcast.
fn flooding(out: &mut String, seed: u64, _: &mut Vec<ReportFile>) -> Result<(), ReportError> {
    let flood = validation::flooding_counts(seed).map_err(sim)?;
    out.push_str(
        "\n## Flooding and tree broadcast: exact message counts\n\n\
         Flooding on a connected graph: the origin sends on each of its edges, every other node \
         forwards on every edge but the one it first heard from, so exactly `2|E| − (n − 1)` \
         payloads cross the network. A spanning-tree broadcast sends exactly `n − 1`.\n\n",
    );
    let mut t = Table::new(&[
        "topology",
        ">n",
        ">trials",
        "formula",
        ">expected",
        ">measured (mean)",
        "exact in every trial",
        ">last delivery hop",
    ]);
    for r in &flood {
        t.row([
            r.topology.clone(),
            num(r.n as f64),
            r.trials.to_string(),
            r.formula.clone(),
            num(r.expected),
            num(r.measured.mean),
            if r.exact { "yes".into() } else { "NO".into() },
            stat(&r.last_delivery_hop),
        ]);
    }
    out.push_str(&t.render());
    Ok(())
}

/// Plumtree against eager push, with and without crashes.
fn plumtree(out: &mut String, seed: u64, _: &mut Vec<ReportFile>) -> Result<(), ReportError> {
    let plum = validation::plumtree_vs_eager(seed).map_err(sim)?;
    out.push_str(
        "\n## Plumtree versus eager push (Leitão, Pereira, Rodrigues 2007)\n\n\
         Same overlay, same broadcasts; with a crash, the crashed fraction fails after the first \
         broadcast and Plumtree must repair its tree (GRAFT on a missing IHAVE'd message).\n\n",
    );
    let mut t = Table::new(&[
        "protocol",
        "overlay",
        ">n",
        ">crash",
        ">broadcasts",
        ">trials",
        ">RMR",
        ">LDH",
        ">reliability",
        ">last delivery (ms)",
    ]);
    for r in &plum {
        t.row([
            r.protocol.clone(),
            r.overlay.clone(),
            num(r.n as f64),
            num(r.crash),
            r.broadcasts.to_string(),
            r.trials.to_string(),
            stat(&r.rmr),
            stat(&r.ldh),
            stat(&r.reliability),
            stat(&r.last_delivery_ms),
        ]);
    }
    out.push_str(&t.render());
    Ok(())
}
