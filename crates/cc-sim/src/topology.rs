//! Overlay topologies as compact undirected graphs.
//!
//! | name | `--overlay` spelling | edges |
//! |---|---|---|
//! | complete graph | `complete` | `n(n-1)/2` |
//! | random `k`-regular | `regular:K` | `nk/2` (Steger–Wormald pairing) |
//! | Erdős–Rényi `G(n, p)` | `er:P` | `≈ p·n(n-1)/2` (geometric skipping) |
//! | ring | `ring` | `n` |
//! | grid | `grid` | `⌈√n⌉` columns, 4-neighbourhood |
//! | `k`-ary tree | `tree:K` | `n - 1` (parent of `i` is `(i-1)/k`) |
//! | HyParView-like | `hyparview:C` | active views of at most `C` peers |
//!
//! All graphs are simple (no loops, no parallel edges) and stored in
//! compressed sparse row form with sorted neighbour lists.

use crate::SimError;
use crate::rng::{ChaCha8Rng, below, unit};
use serde::Serialize;

/// An undirected simple graph in compressed sparse row form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    offsets: Vec<u32>,
    adj: Vec<u32>,
}

impl Graph {
    /// Build from per-node neighbour lists (made symmetric, sorted and deduplicated;
    /// self-loops dropped).
    pub fn from_lists(mut lists: Vec<Vec<u32>>) -> Graph {
        let n = lists.len();
        let mut sym: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (v, l) in lists.iter_mut().enumerate() {
            for &u in l.iter() {
                if u as usize != v && (u as usize) < n {
                    sym[v].push(u);
                    sym[u as usize].push(v as u32);
                }
            }
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut adj = Vec::new();
        offsets.push(0);
        for mut l in sym {
            l.sort_unstable();
            l.dedup();
            adj.extend_from_slice(&l);
            offsets.push(adj.len() as u32);
        }
        Graph { offsets, adj }
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Sorted neighbours of `v`.
    pub fn neighbors(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.adj[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// Degree of `v`.
    pub fn degree(&self, v: u32) -> usize {
        self.neighbors(v).len()
    }

    /// Number of undirected edges `|E|`.
    pub fn edge_count(&self) -> usize {
        self.adj.len() / 2
    }

    /// Whether `u` and `v` are adjacent.
    pub fn has_edge(&self, u: u32, v: u32) -> bool {
        self.neighbors(u).binary_search(&v).is_ok()
    }

    /// Breadth-first hop distances from `src` (`u32::MAX` = unreachable).
    pub fn bfs(&self, src: u32) -> Vec<u32> {
        let mut dist = vec![u32::MAX; self.n()];
        let mut queue = std::collections::VecDeque::new();
        dist[src as usize] = 0;
        queue.push_back(src);
        while let Some(v) = queue.pop_front() {
            let d = dist[v as usize];
            for &u in self.neighbors(v) {
                if dist[u as usize] == u32::MAX {
                    dist[u as usize] = d + 1;
                    queue.push_back(u);
                }
            }
        }
        dist
    }

    /// Whether the graph is connected (true for `n <= 1`).
    pub fn is_connected(&self) -> bool {
        self.n() <= 1 || self.bfs(0).iter().all(|&d| d != u32::MAX)
    }
}

/// A topology family; [`Topology::build`] draws a concrete [`Graph`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Topology {
    /// Every pair of nodes adjacent.
    Complete,
    /// Uniformly random simple `k`-regular graph (requires `k < n`, `n·k` even).
    RandomRegular {
        /// Degree.
        k: usize,
    },
    /// Erdős–Rényi `G(n, p)`.
    ErdosRenyi {
        /// Edge probability.
        p: f64,
    },
    /// Cycle `0-1-…-(n-1)-0`.
    Ring,
    /// Grid with `⌈√n⌉` columns, filled row by row.
    Grid,
    /// `k`-ary tree rooted at node 0.
    KaryTree {
        /// Branching factor.
        k: usize,
    },
    /// HyParView-like overlay: symmetric active views of at most `active` peers,
    /// built by sequential joins with forward-join random walks.
    HyParView {
        /// Maximum active-view size.
        active: usize,
    },
}

/// Largest number of directed adjacency entries a built graph may hold.
pub const MAX_ADJACENCY: usize = 50_000_000;

impl Topology {
    /// Parse an `--overlay` spelling (see the module table).
    pub fn parse(s: &str) -> Result<Topology, SimError> {
        let bad = || {
            SimError::param(
                "overlay",
                format!(
                    "unknown overlay `{s}`; valid: complete, regular:K, er:P, ring, grid, tree:K, hyparview:C"
                ),
            )
        };
        let (name, arg) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let int_arg = |default: usize| -> Result<usize, SimError> {
            match arg {
                None => Ok(default),
                Some(a) => a.parse::<usize>().map_err(|_| {
                    SimError::param("overlay", format!("`{s}`: `{a}` is not a positive integer"))
                }),
            }
        };
        match name {
            "complete" => Ok(Topology::Complete),
            "regular" | "random-regular" => Ok(Topology::RandomRegular { k: int_arg(6)? }),
            "er" | "erdos-renyi" => {
                let p = match arg {
                    None => 0.01,
                    Some(a) => a.parse::<f64>().map_err(|_| {
                        SimError::param("overlay", format!("`{s}`: `{a}` is not a probability"))
                    })?,
                };
                Ok(Topology::ErdosRenyi { p })
            }
            "ring" => Ok(Topology::Ring),
            "grid" => Ok(Topology::Grid),
            "tree" => Ok(Topology::KaryTree { k: int_arg(2)? }),
            "hyparview" => Ok(Topology::HyParView {
                active: int_arg(5)?,
            }),
            _ => Err(bad()),
        }
    }

    /// Short name, e.g. `regular:6`.
    pub fn name(&self) -> String {
        match self {
            Topology::Complete => "complete".into(),
            Topology::RandomRegular { k } => format!("regular:{k}"),
            Topology::ErdosRenyi { p } => format!("er:{p}"),
            Topology::Ring => "ring".into(),
            Topology::Grid => "grid".into(),
            Topology::KaryTree { k } => format!("tree:{k}"),
            Topology::HyParView { active } => format!("hyparview:{active}"),
        }
    }

    /// Expected number of directed adjacency entries (2|E|) of the graph on
    /// `n` nodes, for memory estimates before a run.
    pub fn expected_adjacency(&self, n: usize) -> u64 {
        let n = n as u64;
        match *self {
            Topology::Complete => n * n.saturating_sub(1),
            Topology::RandomRegular { k } => n * k as u64,
            Topology::ErdosRenyi { p } => {
                (p.clamp(0.0, 1.0) * (n * n.saturating_sub(1)) as f64) as u64
            }
            Topology::Ring => 2 * n,
            Topology::Grid => 4 * n,
            Topology::KaryTree { .. } => 2 * n.saturating_sub(1),
            Topology::HyParView { active } => n * active as u64,
        }
    }

    /// Draw a graph on `n` nodes.
    pub fn build(&self, n: usize, rng: &mut ChaCha8Rng) -> Result<Graph, SimError> {
        if n < 2 {
            return Err(SimError::param("nodes", format!("must be >= 2, got {n}")));
        }
        if n > u32::MAX as usize / 2 {
            return Err(SimError::param(
                "nodes",
                format!("must be <= {}, got {n}", u32::MAX / 2),
            ));
        }
        let topo_err = |m: String| SimError::Topology {
            topology: self.name(),
            message: m,
        };
        let n32 = n as u32;
        match *self {
            Topology::Complete => {
                if n.saturating_mul(n - 1) > MAX_ADJACENCY {
                    return Err(SimError::param(
                        "nodes",
                        format!(
                            "complete overlay needs n(n-1) <= {MAX_ADJACENCY} adjacency entries; use n <= 7071, got {n}"
                        ),
                    ));
                }
                let lists = (0..n32)
                    .map(|v| (0..n32).filter(|&u| u != v).collect())
                    .collect();
                Ok(Graph::from_lists(lists))
            }
            Topology::Ring => Ok(Graph::from_lists(
                (0..n32).map(|v| vec![(v + 1) % n32]).collect(),
            )),
            Topology::Grid => {
                let cols = (n as f64).sqrt().ceil() as u32;
                let lists = (0..n32)
                    .map(|v| {
                        let mut l = Vec::with_capacity(2);
                        if (v + 1) % cols != 0 && v + 1 < n32 {
                            l.push(v + 1);
                        }
                        if v + cols < n32 {
                            l.push(v + cols);
                        }
                        l
                    })
                    .collect();
                Ok(Graph::from_lists(lists))
            }
            Topology::KaryTree { k } => {
                if k < 1 {
                    // the spelling is `--overlay tree:K`: name the flag the user typed
                    // (issue 20 item 8: this blamed a parameter `k`)
                    return Err(SimError::param(
                        "overlay",
                        format!("tree:K needs an arity K >= 1, got tree:{k}"),
                    ));
                }
                let lists = (0..n32)
                    .map(|v| {
                        if v == 0 {
                            vec![]
                        } else {
                            vec![(v - 1) / k as u32]
                        }
                    })
                    .collect();
                Ok(Graph::from_lists(lists))
            }
            Topology::ErdosRenyi { p } => {
                crate::error::check_prob("overlay", p)?;
                if p * (n as f64) * (n as f64) > MAX_ADJACENCY as f64 {
                    return Err(SimError::param(
                        "overlay",
                        format!(
                            "er:{p} on {n} nodes would exceed {MAX_ADJACENCY} adjacency entries"
                        ),
                    ));
                }
                Ok(erdos_renyi(n32, p, rng))
            }
            Topology::RandomRegular { k } => {
                if k == 0 || k >= n || (n * k) % 2 == 1 {
                    return Err(SimError::param(
                        "overlay",
                        format!(
                            "regular:K needs 1 <= K <= n-1 = {} and n·K even, got K = {k}",
                            n - 1
                        ),
                    ));
                }
                if n.saturating_mul(k) > MAX_ADJACENCY {
                    return Err(SimError::param("overlay", "regular:K: n·K too large"));
                }
                random_regular(n32, k, rng).ok_or_else(|| {
                    topo_err("pairing failed 100 times; try a smaller degree".into())
                })
            }
            Topology::HyParView { active } => {
                if active < 2 || active >= n {
                    return Err(SimError::param(
                        "overlay",
                        format!("hyparview:C needs 2 <= C <= n-1 = {}, got {active}", n - 1),
                    ));
                }
                for _ in 0..20 {
                    let g = hyparview(n32, active, rng);
                    if g.is_connected() {
                        return Ok(g);
                    }
                }
                Err(topo_err(
                    "could not draw a connected overlay in 20 attempts".into(),
                ))
            }
        }
    }
}

fn erdos_renyi(n: u32, p: f64, rng: &mut ChaCha8Rng) -> Graph {
    let mut lists = vec![Vec::new(); n as usize];
    if p <= 0.0 {
        return Graph::from_lists(lists);
    }
    if p >= 1.0 {
        for v in 0..n {
            lists[v as usize] = (v + 1..n).collect();
        }
        return Graph::from_lists(lists);
    }
    // Batagelj–Brandes geometric skipping over the pairs (w, v), w < v.
    let lq = (1.0 - p).ln();
    if lq >= 0.0 {
        // p below the f64 resolution of 1 − p (found by the parser fuzz test:
        // `er:1e-300` looped for ever): no edge is drawn
        return Graph::from_lists(lists);
    }
    let (mut v, mut w): (i64, i64) = (1, -1);
    let n = i64::from(n);
    while v < n {
        let r = 1.0 - unit(rng);
        // a tiny p makes the skip exceed i64 (found by the parser fuzz test:
        // `er:1e-300` overflowed); saturate, the loop below then ends at n
        let skip = ((r.ln() / lq).floor() as i64).max(0);
        w = w.saturating_add(1).saturating_add(skip);
        while w >= v && v < n {
            w -= v;
            v += 1;
        }
        if v < n {
            lists[v as usize].push(w as u32);
        }
    }
    Graph::from_lists(lists)
}

fn random_regular(n: u32, k: usize, rng: &mut ChaCha8Rng) -> Option<Graph> {
    'attempt: for _ in 0..100 {
        let mut points: Vec<u32> = (0..n).flat_map(|v| std::iter::repeat_n(v, k)).collect();
        let mut lists: Vec<Vec<u32>> = vec![Vec::with_capacity(k); n as usize];
        let mut failures = 0usize;
        while !points.is_empty() {
            let len = points.len() as u32;
            let i = below(rng, len);
            let j = below(rng, len);
            let (a, b) = (points[i as usize], points[j as usize]);
            if i == j || a == b || lists[a as usize].contains(&b) {
                failures += 1;
                if failures > 50 * points.len() + 1000 {
                    continue 'attempt;
                }
                continue;
            }
            lists[a as usize].push(b);
            lists[b as usize].push(a);
            let (hi, lo) = if i > j { (i, j) } else { (j, i) };
            points.swap_remove(hi as usize);
            points.swap_remove(lo as usize);
        }
        // Lists were built symmetric already; keep one direction for from_lists.
        return Some(Graph::from_lists(lists));
    }
    None
}

fn hyparview(n: u32, active: usize, rng: &mut ChaCha8Rng) -> Graph {
    // Active views, kept symmetric. Joins: node v contacts a random member c,
    // links to c, and c starts a forward-join random walk of length ARWL = 6
    // whose end links to v as well; further walks fill v's view to `active`/2.
    // A full view evicts a random peer (disconnecting both directions).
    const ARWL: usize = 6;
    let mut views: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
    fn link(views: &mut [Vec<u32>], a: u32, b: u32, active: usize, rng: &mut ChaCha8Rng) {
        if a == b || views[a as usize].contains(&b) {
            return;
        }
        for x in [a, b] {
            if views[x as usize].len() >= active {
                let i = below(rng, views[x as usize].len() as u32) as usize;
                let dropped = views[x as usize].swap_remove(i);
                views[dropped as usize].retain(|&y| y != x);
            }
        }
        views[a as usize].push(b);
        views[b as usize].push(a);
    }
    for v in 1..n {
        let contact = below(rng, v);
        link(&mut views, v, contact, active, rng);
        let walks = (active / 2).max(1);
        for _ in 0..walks {
            let mut cur = contact;
            for _ in 0..ARWL {
                let view = &views[cur as usize];
                let candidates: Vec<u32> = view.iter().copied().filter(|&x| x != v).collect();
                if candidates.is_empty() {
                    break;
                }
                cur = candidates[below(rng, candidates.len() as u32) as usize];
            }
            link(&mut views, v, cur, active, rng);
        }
    }
    // Nodes that lost peers to evictions refill their view up to C/2 from
    // random nodes with free slots (HyParView's passive-view promotion).
    let min = (active / 2).max(2);
    for v in 0..n {
        let mut tries = 0;
        while views[v as usize].len() < min && tries < 200 {
            tries += 1;
            let y = below(rng, n);
            if y != v && views[y as usize].len() < active && !views[v as usize].contains(&y) {
                views[v as usize].push(y);
                views[y as usize].push(v);
            }
        }
    }
    Graph::from_lists(views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue20_item8_tree_zero_blames_the_overlay() {
        let e = Topology::parse("tree:0")
            .unwrap()
            .build(10, &mut crate::rng::trial_rng(1, 0))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`overlay`") && e.contains("tree:0"), "{e}");
    }
    use crate::rng::trial_rng;

    #[test]
    fn simple_families() {
        let mut r = trial_rng(1, 0);
        let ring = Topology::Ring.build(10, &mut r).unwrap();
        assert_eq!(ring.edge_count(), 10);
        assert!((0..10).all(|v| ring.degree(v) == 2));
        let tree = Topology::KaryTree { k: 3 }.build(40, &mut r).unwrap();
        assert_eq!(tree.edge_count(), 39);
        assert!(tree.is_connected());
        let grid = Topology::Grid.build(12, &mut r).unwrap();
        // 4 columns, 3 rows: 3*3 horizontal + 2*4 vertical = 17
        assert_eq!(grid.edge_count(), 17);
        let k = Topology::Complete.build(6, &mut r).unwrap();
        assert_eq!(k.edge_count(), 15);
    }

    #[test]
    fn regular_is_regular_and_simple() {
        let mut r = trial_rng(2, 0);
        let g = Topology::RandomRegular { k: 5 }
            .build(1000, &mut r)
            .unwrap();
        assert!((0..1000).all(|v| g.degree(v) == 5));
        assert_eq!(g.edge_count(), 2500);
        assert!(Topology::RandomRegular { k: 3 }.build(5, &mut r).is_err());
        assert!(Topology::RandomRegular { k: 5 }.build(5, &mut r).is_err());
    }

    #[test]
    fn er_density() {
        let mut r = trial_rng(3, 0);
        let g = Topology::ErdosRenyi { p: 0.05 }
            .build(1000, &mut r)
            .unwrap();
        let expected = 0.05 * 1000.0 * 999.0 / 2.0;
        let e = g.edge_count() as f64;
        assert!(
            (e - expected).abs() < 5.0 * expected.sqrt(),
            "{e} vs {expected}"
        );
    }

    #[test]
    fn hyparview_bounded_connected() {
        let mut r = trial_rng(4, 0);
        let g = Topology::HyParView { active: 5 }
            .build(2000, &mut r)
            .unwrap();
        assert!(g.is_connected());
        assert!((0..2000).all(|v| g.degree(v) <= 5 && g.degree(v) >= 2));
    }

    #[test]
    fn parse_and_errors() {
        assert_eq!(
            Topology::parse("regular:4").unwrap(),
            Topology::RandomRegular { k: 4 }
        );
        assert_eq!(
            Topology::parse("tree").unwrap(),
            Topology::KaryTree { k: 2 }
        );
        let e = Topology::parse("torus").unwrap_err().to_string();
        assert!(e.contains("overlay"), "{e}");
        assert!(Topology::parse("regular:x").is_err());
        let mut r = trial_rng(5, 0);
        assert!(Topology::Ring.build(1, &mut r).is_err());
        assert!(Topology::ErdosRenyi { p: 1.5 }.build(10, &mut r).is_err());
    }
}
