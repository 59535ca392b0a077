//! The page registry: every topic page of the reference report set, in index order.

pub(crate) mod checked;
mod claims_ledger;
mod cost_audit;
mod sim_coordination;
mod sim_gossip;
pub(crate) mod sim_grid;
mod theory_bounds;
mod theory_census;
mod theory_claims;

use crate::markdown::{Table, page_header};
use crate::{ReportError, ReportFile, ReportOptions};

/// What a page computes into: its Markdown plus any figures or data files.
pub(crate) struct Rendered {
    /// The Markdown body (including the page header).
    pub(crate) markdown: String,
    /// Extra files (SVG figures, CSV data) with paths relative to the report directory.
    pub(crate) extra: Vec<ReportFile>,
}

/// A topic page: its file name, title, one-line summary and renderer.
pub(crate) struct Page {
    slug: &'static str,
    pub(crate) title: &'static str,
    summary: &'static str,
    render: fn(&Page, &ReportOptions) -> Result<Rendered, ReportError>,
}

/// Public description of one page of the report set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    /// File name of the page inside the report directory (e.g. `theory-bounds.md`).
    pub file: String,
    /// Page title.
    pub title: &'static str,
    /// One-line summary shown in the index.
    pub summary: &'static str,
}

const PAGES: &[Page] = &[
    Page {
        slug: "theory-bounds",
        title: "Lower bounds of the standard functions",
        summary: "exact ranks over Q and GF(2), largest fooling sets, D with optimal trees, one-way complexity, cover and partition numbers and discrepancy of EQ, NEQ, GT, GE, DISJ, INT, IP, MAJ, HAMEQ for n = 1..4 and beyond, every certificate re-verified",
        render: theory_bounds::render,
    },
    Page {
        slug: "theory-census",
        title: "A census of small matrices: how often each lower bound is tight",
        summary: "every Boolean matrix up to 4 × 4 (up to permutation and complement) and random 5 × 5 and 6 × 6 samples: exact D against each lower bound; matrices where D exceeds ⌈log2 χ⌉ with their optimal trees",
        render: theory_census::render,
    },
    Page {
        slug: "theory-claims",
        title: "The source texts' claims about communication, checked",
        summary: "Ω(n) for disjointness and equality, what Merkle trees and quantum fingerprints really beat, broadcast in 3 rounds, O(n log log n) trees — each stated precisely and checked",
        render: theory_claims::render,
    },
    Page {
        slug: "sim-gossip",
        title: "Dissemination protocols against the literature",
        summary: "push, pull and push-pull rounds vs Frieze–Grimmett/Pittel and Karp et al.; Demers et al. 1987 Tables 1–3; exact flooding counts; Plumtree vs eager push",
        render: sim_gossip::render,
    },
    Page {
        slug: "sim-coordination",
        title: "Coordination protocols: exact message counts and safety under faults",
        summary: "2PC, 3PC, Paxos, Multi-Paxos, Raft, Kafka-style ISR, Dynamo quorums, PBFT, commit wait, ring election and CRDT counters simulated; messages per decision against the formulas and the source text's pattern table; batching; latency under a region RTT matrix; Raft's election time vs timeout randomness; violations under each protocol's default fault mix",
        render: sim_coordination::render,
    },
    Page {
        slug: "sim-grid",
        title: "Broadcast protocols across network conditions, and what choosing per condition gains",
        summary: "push gossip, flooding, a tree and Plumtree over latency × loss × bandwidth × jitter: p99 latency, bytes and delivery per point, the best protocol per point, and the regret of the best single protocol and a hand-written rule against that oracle (the lecture text's benchmark grid and its 34% / 28% claim)",
        render: sim_grid::render,
    },
    Page {
        slug: "cost-audit",
        title: "Coordination cost models, reproduced and audited",
        summary: "the cost claims of the coordination-cost text (004) and the cost tables of the lecture text (000) recomputed from their own inputs, each with a verdict (debatable ones with their reasoning); the same scenarios priced with real prices and RTTs; a simulated run priced",
        render: cost_audit::render,
    },
    Page {
        slug: "claims-ledger",
        title: "Claims ledger: every item of both source texts, with a verdict",
        summary: "one row per system, algorithm, table, worked example and numeric claim of both texts, grouped by section, with what cclab computes for it, the command that reproduces it and a verdict (right, right in its model, arithmetic, unit or model error, impossible as stated, not checkable, not yet modelled); coverage summary at the top",
        render: claims_ledger::render,
    },
];

/// The Plumtree-versus-eager-push rows of the sim-gossip page (one function for
/// both pages that show them).
pub(crate) fn sim_gossip_plumtree(
    seed: u64,
) -> Result<Vec<sim_gossip::validation::PlumtreeRow>, ReportError> {
    sim_gossip::validation::plumtree_vs_eager(seed).map_err(|source| ReportError::Sim {
        page: "sim-gossip",
        source,
    })
}

/// The best proven lower bound on D of the named function at `bits`, certificates
/// verified (the theory pages' computation).
pub(crate) fn best_lower_bound(name: &str, bits: u32) -> Result<u64, ReportError> {
    let (_, r) = theory_bounds::analyze_verified(name, bits)?;
    Ok(r.bounds.iter().map(|b| b.value).max().unwrap_or(0))
}

/// Exact worst-case error of the public-coin GF(2) hash for EQ (theory-claims page).
pub(crate) fn public_coin_error(n: u32, k: u32) -> (u64, u64) {
    theory_claims::public_coin_hash_error(n, k)
}

/// The pages of the report set, in index order (the index itself not included).
pub fn page_list() -> Vec<PageInfo> {
    PAGES
        .iter()
        .map(|p| PageInfo {
            file: format!("{}.md", p.slug),
            title: p.title,
            summary: p.summary,
        })
        .collect()
}

fn index(options: &ReportOptions) -> String {
    let mut out = page_header("cclab reference reports", Some(options.seed));
    out.push_str(
        "These pages are computed by cclab from embedded defaults. Every figure names what was \
         computed or simulated, with which parameters and seed; where a claim of the source texts \
         and a computation differ, both are shown with a verdict. What the source texts are and \
         how their claims are treated: [sources.md](sources.md); the definitions and theorems \
         behind every measure: [math.md](math.md).\n\n",
    );
    let mut t = Table::new(&["page", "what it shows"]);
    for p in page_list() {
        t.row([format!("[{}]({})", p.title, p.file), p.summary.to_string()]);
    }
    out.push_str(&t.render());
    out
}

/// The mathematics every page refers to, shipped with the reports so that the folder is
/// self-contained (the same text as the repository's `docs/math.md`).
const MATH: &str = include_str!("../../../../docs/math.md");

/// What the source texts are and how the pages treat their claims.
fn sources() -> String {
    let mut out = page_header("Where the audited claims come from", None);
    out.push_str(
        "cclab was conceived from two texts, cited on every page by number:\n\n\
         - **`000`** — a long lecture text, *Communication Complexity: Production Systems Deep \
         Dive*: complexity classes of broadcast patterns (gossip, flooding, tree broadcast), \
         epidemic broadcast trees, fooling-set lower bounds, commit protocols with clock \
         uncertainty, leader-based replication with an in-sync replica set, watch fan-out, a \
         benchmarking grid, CDN and matching examples with message counts, replication and \
         compression cost tables, quantum and Byzantine agreement claims, network coding and \
         erasure-coded storage, adaptive protocol selection.\n\
         - **`004`** — *Coordination Cost Models*: two-phase commit, Paxos/Raft, consensus \
         scaling, gossip, leader, quorum and Byzantine patterns, data-transfer dollar costs, \
         batching, hierarchy, regional affinity, coordination elimination, hidden coordination \
         costs, a cost dashboard and exercises.\n\n\
         Neither is an authority. Their numbers are treated as claims: each is recomputed from \
         the model it names (or the one it must mean), and the pages show the text's figure, \
         cclab's figure and a verdict side by side. Several are wrong, some by factors of a \
         thousand or more; some formulas do not match the protocol they name. Company anecdotes \
         and \"production results\" in the texts come without sources; the pages mark them \
         *not checkable* rather than repeat them as fact. Their code is illustrative \
         pseudo-code and is not what cclab runs: cclab implements the protocols and models \
         themselves.\n\n\
         Every item of both texts has a row in the [claims ledger](claims-ledger.md); the \
         worked cost examples are recomputed on the [cost audit](cost-audit.md) page and the \
         statements about communication on [theory claims](theory-claims.md). The texts \
         themselves are not reproduced here; short quotes identify the claims.\n",
    );
    out
}

/// Every page of the report set, in order, telling `progress` each page's name before it
/// is computed.
pub(crate) fn generate_all(
    options: &ReportOptions,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<Vec<ReportFile>, ReportError> {
    let mut files = vec![
        ReportFile::new("index.md", index(options)),
        ReportFile::new("sources.md", sources()),
        ReportFile::new("math.md", MATH),
    ];
    for (i, page) in PAGES.iter().enumerate() {
        progress(page.slug, i, PAGES.len());
        let rendered = (page.render)(page, options)?;
        files.push(ReportFile::new(
            format!("{}.md", page.slug),
            rendered.markdown,
        ));
        files.extend(rendered.extra);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(slug: &str) -> String {
        let page = PAGES.iter().find(|p| p.slug == slug).unwrap();
        (page.render)(page, &ReportOptions::default())
            .unwrap()
            .markdown
    }

    /// The cells of the first table row of `md` after `heading` whose first cell is `first`.
    fn row_after<'a>(md: &'a str, heading: &str, first: &str) -> Vec<&'a str> {
        let start = md.find(heading).unwrap_or_else(|| panic!("{heading}"));
        md[start..]
            .lines()
            .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
            .find(|cells| cells.len() > 2 && cells[1] == first)
            .unwrap_or_else(|| panic!("row {first} after {heading}"))
    }

    /// Issue 13 item 5: a figure shown on two pages is the same figure.
    #[test]
    fn cost_audit_and_sim_coordination_agree() {
        let audit = render("cost-audit");
        let sim = render("sim-coordination");
        // gossip: messages per node at N = 1000
        let g = row_after(&sim, "### Gossip", &crate::fmt::num(1000.0));
        let per_node = g[5];
        assert!(
            audit.contains(&format!("{per_node} messages per node")),
            "sim-coordination says {per_node} messages per node; cost-audit's gossip row does not"
        );
        // quorum: 2N messages per operation, measured exactly at N = 3
        let q = row_after(
            &sim,
            "## Messages per decision",
            "Dynamo-style quorum (one write + one read, R = W = majority)",
        );
        assert_eq!(q[2], "3");
        assert_eq!(q[6], "yes, every trial");
        assert!(
            audit.contains(&format!("2N = {} per operation", q[5])),
            "sim-coordination measures {} per quorum operation at N = 3",
            q[5]
        );
    }
}
