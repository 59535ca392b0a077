//! Automorphisms of a communication matrix, for symmetry pruning in the
//! exact searches (crate-internal).
//!
//! The matrix is read as an edge-coloured complete bipartite graph on the
//! `rows + cols` vertices `0..rows` (rows) and `rows..rows + cols` (columns):
//! a row and a column are joined by an edge of colour `M[x][y]`, two vertices
//! of the same side by no edge. An automorphism `g` of that graph either maps
//! rows to rows and columns to columns (`M[g x][g y] = M[x][y]`), or, for a
//! square matrix, swaps the sides (`M[g y][g x] = M[x][y]`, an isomorphism of
//! `M` onto its transpose). Either way it maps each cell `(x, y)` to a cell
//! of the same value ([`Automorphisms::map_cell`]) and maps fooling sets to
//! fooling sets: the two crossing cells of a pair go to the two crossing
//! cells of the image pair.
//!
//! The search is individualisation–refinement (McKay 1981; the "first path"
//! scheme of nauty, McKay–Piperno 2014): colour refinement to an equitable
//! ordered partition, individualise a vertex of the first non-singleton cell,
//! repeat to a discrete leaf; then, from the deepest level up, look for a
//! leaf equivalent to the first one below every other vertex of the target
//! cell that is not already in the orbit of the first choice. Every candidate
//! permutation is **verified** on all pairs of vertices before it is kept, so
//! the generators always generate a group of true automorphisms; if the work
//! budget runs out the search stops and the generators found so far (a
//! subgroup) are returned with `complete = false`. Using a subgroup for
//! pruning is sound, only weaker.

use std::collections::VecDeque;

use crate::matrix::CommMatrix;

/// Largest `rows + cols` for which automorphisms are searched (the search
/// keeps a `(rows + cols)^2` table of edge colours).
pub(crate) const MAX_VERTICES: usize = 512;

/// Verified automorphisms of a matrix, as permutations of `0..rows + cols`.
#[derive(Debug, Clone)]
pub(crate) struct Automorphisms {
    rows: usize,
    /// Generators; each `g[v]` is the image of vertex `v`.
    pub(crate) gens: Vec<Vec<u32>>,
    /// True if the generators generate the whole group fixing the given cells.
    pub(crate) complete: bool,
    /// Work units spent (pairs of vertices inspected).
    pub(crate) work: u64,
}

impl Automorphisms {
    /// Image of the cell `(x, y)` under the generator `g` (`None` if `g`
    /// does not map the row and the column to opposite sides).
    pub(crate) fn map_cell(&self, g: &[u32], (x, y): (usize, usize)) -> Option<(usize, usize)> {
        let a = *g.get(x)? as usize;
        let b = *g.get(self.rows + y)? as usize;
        match (a < self.rows, b < self.rows) {
            (true, false) => Some((a, b - self.rows)),
            (false, true) => Some((b, a - self.rows)),
            _ => None,
        }
    }
}

/// Ordered partition of the vertices: `lab` lists the vertices cell by cell,
/// a cell is named by the position of its first vertex in `lab`.
#[derive(Clone)]
struct Partition {
    lab: Vec<u32>,
    /// Cell (start position) of each vertex.
    cell: Vec<u32>,
    /// Size of the cell starting at each position (meaningful at starts only).
    size: Vec<u32>,
    cells: usize,
}

impl Partition {
    fn is_discrete(&self) -> bool {
        self.cells == self.lab.len()
    }

    fn first_nonsingleton(&self) -> Option<usize> {
        let mut s = 0;
        while s < self.lab.len() {
            let z = self.size[s] as usize;
            if z > 1 {
                return Some(s);
            }
            s += z;
        }
        None
    }

    fn same_shape(&self, other: &Partition) -> bool {
        self.cells == other.cells
            && (0..self.lab.len()).all(|k| {
                let a = self.cell[self.lab[k] as usize] as usize == k;
                let b = other.cell[other.lab[k] as usize] as usize == k;
                a == b && (!a || self.size[k] == other.size[k])
            })
    }
}

struct Finder {
    n: usize,
    /// Edge colour code of each ordered pair (same side: `same`).
    code: Vec<u16>,
    codes: Vec<u16>,
    initial: Vec<u32>,
    work: u64,
    budget: u64,
    exhausted: bool,
    cnt: Vec<u32>,
}

impl Finder {
    /// Refines `p` to the coarsest equitable partition finer than it, using
    /// the cells starting at `queue` as the first splitters. Cells are split
    /// by their counts of each edge colour into a splitter, sub-cells ordered
    /// by count, so the result is isomorphism-invariant.
    fn refine(&mut self, p: &mut Partition, first: &[usize]) {
        let n = self.n;
        let mut queue: VecDeque<usize> = first.iter().copied().collect();
        let mut queued = vec![false; n];
        for &s in first {
            queued[s] = true;
        }
        let mut members: Vec<u32> = Vec::new();
        let mut keyed: Vec<(u32, u32)> = Vec::new();
        while let Some(s) = queue.pop_front() {
            queued[s] = false;
            if self.work > self.budget {
                self.exhausted = true;
                return;
            }
            members.clear();
            members.extend_from_slice(&p.lab[s..s + p.size[s] as usize]);
            for ci in 0..self.codes.len() {
                let c = self.codes[ci];
                self.cnt.iter_mut().for_each(|x| *x = 0);
                for &w in &members {
                    let row = &self.code[w as usize * n..(w as usize + 1) * n];
                    for (u, &k) in row.iter().enumerate() {
                        self.cnt[u] += u32::from(k == c);
                    }
                }
                self.work += (n * members.len()) as u64;
                let mut start = 0;
                while start < n {
                    let z = p.size[start] as usize;
                    if z > 1 {
                        let slice = &p.lab[start..start + z];
                        let c0 = self.cnt[slice[0] as usize];
                        if slice.iter().any(|&v| self.cnt[v as usize] != c0) {
                            keyed.clear();
                            keyed.extend(slice.iter().map(|&v| (self.cnt[v as usize], v)));
                            keyed.sort_unstable();
                            let was_queued = queued[start];
                            // sub-cells: (start, size)
                            let mut subs: Vec<(usize, usize)> = Vec::new();
                            let mut k = 0;
                            while k < z {
                                let mut e = k + 1;
                                while e < z && keyed[e].0 == keyed[k].0 {
                                    e += 1;
                                }
                                subs.push((start + k, e - k));
                                k = e;
                            }
                            for (i, &(_, v)) in keyed.iter().enumerate() {
                                p.lab[start + i] = v;
                            }
                            for &(b, sz) in &subs {
                                p.size[b] = sz as u32;
                                for i in b..b + sz {
                                    p.cell[p.lab[i] as usize] = b as u32;
                                }
                            }
                            p.cells += subs.len() - 1;
                            // Queue the new sub-cells; if the parent was not
                            // queued, one largest sub-cell may be skipped.
                            let skip = if was_queued {
                                None
                            } else {
                                let mut best = 0;
                                for (i, &(_, sz)) in subs.iter().enumerate() {
                                    if sz > subs[best].1 {
                                        best = i;
                                    }
                                }
                                Some(best)
                            };
                            for (i, &(b, _)) in subs.iter().enumerate() {
                                if Some(i) != skip && !queued[b] {
                                    queued[b] = true;
                                    queue.push_back(b);
                                }
                            }
                        }
                    }
                    start += z;
                }
                if p.is_discrete() {
                    return;
                }
            }
        }
    }

    fn individualise(&mut self, p: &mut Partition, v: u32) {
        let s = p.cell[v as usize] as usize;
        let z = p.size[s] as usize;
        if z == 1 {
            return;
        }
        if let Some(i) = p.lab[s..s + z].iter().position(|&u| u == v) {
            p.lab.swap(s, s + i);
        }
        p.size[s] = 1;
        p.size[s + 1] = (z - 1) as u32;
        for i in s + 1..s + z {
            p.cell[p.lab[i] as usize] = (s + 1) as u32;
        }
        p.cell[v as usize] = s as u32;
        p.cells += 1;
        self.refine(p, &[s]);
    }

    /// Checks that `g` preserves every edge colour and the initial colouring.
    fn verify(&mut self, g: &[u32]) -> bool {
        let n = self.n;
        self.work += (n * n / 2) as u64;
        (0..n).all(|u| self.initial[g[u] as usize] == self.initial[u])
            && (0..n).all(|u| {
                let gu = g[u] as usize;
                (u + 1..n).all(|w| self.code[gu * n + g[w] as usize] == self.code[u * n + w])
            })
    }

    /// Depth-first search below `q` (a node at `depth` of the first path's
    /// shape) for a leaf whose correspondence with `leaf` is an automorphism.
    fn descend(
        &mut self,
        q: Partition,
        depth: usize,
        path: &[(Partition, usize)],
        leaf: &Partition,
    ) -> Option<Vec<u32>> {
        if self.exhausted {
            return None;
        }
        let Some((shape, target)) = path.get(depth) else {
            if !q.same_shape(leaf) {
                return None;
            }
            let mut g = vec![0u32; self.n];
            for (k, &v) in leaf.lab.iter().enumerate() {
                g[v as usize] = q.lab[k];
            }
            return self.verify(&g).then_some(g);
        };
        if !q.same_shape(shape) {
            return None;
        }
        let mut cands: Vec<u32> = q.lab[*target..*target + q.size[*target] as usize].to_vec();
        cands.sort_unstable();
        for u in cands {
            let mut r = q.clone();
            self.individualise(&mut r, u);
            if self.exhausted {
                return None;
            }
            if let Some(g) = self.descend(r, depth + 1, path, leaf) {
                return Some(g);
            }
        }
        None
    }
}

fn find(parent: &mut [u32], mut v: u32) -> u32 {
    while parent[v as usize] != v {
        let p = parent[v as usize];
        parent[v as usize] = parent[p as usize];
        v = p;
    }
    v
}

/// Automorphisms of `m` that fix each of the cells `fixed` (as cells: a
/// side-swapping automorphism may exchange the row and column of a fixed
/// cell). `budget` caps the work (vertex pairs inspected); beyond it the
/// generators found so far are returned with `complete = false`. Matrices
/// with more than [`MAX_VERTICES`] rows plus columns get no generators.
pub(crate) fn automorphisms(
    m: &CommMatrix,
    fixed: &[(usize, usize)],
    budget: u64,
) -> Automorphisms {
    let rows = m.rows();
    let n = rows + m.cols();
    let mut out = Automorphisms {
        rows,
        gens: Vec::new(),
        complete: false,
        work: 0,
    };
    if n > MAX_VERTICES || fixed.iter().any(|&(x, y)| x >= rows || y >= m.cols()) {
        return out;
    }
    const SAME: u16 = 256;
    let mut code = vec![SAME; n * n];
    let mut present = [false; 257];
    present[SAME as usize] = true;
    for x in 0..rows {
        for y in 0..m.cols() {
            let v = u16::from(m.get(x, y));
            present[v as usize] = true;
            code[x * n + rows + y] = v;
            code[(rows + y) * n + x] = v;
        }
    }
    let codes: Vec<u16> = (0..=SAME).filter(|&c| present[c as usize]).collect();
    // Initial colouring: 0 for free vertices, k + 1 for both ends of fixed
    // cell k; if two fixed cells share a line, every end gets its own class
    // (the pointwise stabiliser of the lines, a subgroup of the cells' one).
    let mut initial = vec![0u32; n];
    let mut ends: Vec<usize> = fixed.iter().flat_map(|&(x, y)| [x, rows + y]).collect();
    ends.sort_unstable();
    let shared = ends.windows(2).any(|w| w[0] == w[1]);
    for (k, &(x, y)) in fixed.iter().enumerate() {
        if shared {
            initial[x] = (x + 1) as u32;
            initial[rows + y] = (rows + y + 1) as u32;
        } else {
            initial[x] = (k + 1) as u32;
            initial[rows + y] = (k + 1) as u32;
        }
    }
    let mut f = Finder {
        n,
        code,
        codes,
        initial: initial.clone(),
        work: 0,
        budget,
        exhausted: false,
        cnt: vec![0; n],
    };
    // Initial ordered partition: classes in increasing order of their label.
    let mut lab: Vec<u32> = (0..n as u32).collect();
    lab.sort_by_key(|&v| (initial[v as usize], v));
    let mut p = Partition {
        lab,
        cell: vec![0; n],
        size: vec![0; n],
        cells: 0,
    };
    let mut starts = Vec::new();
    let mut s = 0;
    while s < n {
        let c = initial[p.lab[s] as usize];
        let mut e = s + 1;
        while e < n && initial[p.lab[e] as usize] == c {
            e += 1;
        }
        p.size[s] = (e - s) as u32;
        for i in s..e {
            p.cell[p.lab[i] as usize] = s as u32;
        }
        p.cells += 1;
        starts.push(s);
        s = e;
    }
    f.refine(&mut p, &starts);
    // First path.
    let mut path: Vec<(Partition, usize)> = Vec::new();
    while let Some(t) = p.first_nonsingleton() {
        if f.exhausted {
            out.work = f.work;
            return out;
        }
        path.push((p.clone(), t));
        let v = p.lab[t..t + p.size[t] as usize]
            .iter()
            .copied()
            .min()
            .unwrap_or(p.lab[t]);
        f.individualise(&mut p, v);
    }
    let leaf = p;
    let mut parent: Vec<u32> = (0..n as u32).collect();
    'levels: for level in (0..path.len()).rev() {
        let (node, t) = &path[level];
        let cell: Vec<u32> = node.lab[*t..*t + node.size[*t] as usize].to_vec();
        let v = cell.iter().copied().min().unwrap_or(cell[0]);
        let mut failed: Vec<u32> = Vec::new();
        let mut sorted = cell.clone();
        sorted.sort_unstable();
        for w in sorted {
            let rw = find(&mut parent, w);
            if rw == find(&mut parent, v) || failed.iter().any(|&x| find(&mut parent, x) == rw) {
                continue;
            }
            let mut q = node.clone();
            f.individualise(&mut q, w);
            let found = if f.exhausted {
                None
            } else {
                f.descend(q, level + 1, &path, &leaf)
            };
            if f.exhausted {
                break 'levels;
            }
            match found {
                Some(g) => {
                    for (u, &gu) in g.iter().enumerate() {
                        let a = find(&mut parent, u as u32);
                        let b = find(&mut parent, gu);
                        if a != b {
                            parent[a.max(b) as usize] = a.min(b);
                        }
                    }
                    out.gens.push(g);
                }
                None => failed.push(w),
            }
        }
    }
    out.complete = !f.exhausted;
    out.work = f.work;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::named_matrix;

    /// Order of the group generated by `gens` on `0..n` (by closure; tiny groups only).
    fn order(gens: &[Vec<u32>], n: usize) -> usize {
        let id: Vec<u32> = (0..n as u32).collect();
        let mut seen = std::collections::BTreeSet::new();
        seen.insert(id.clone());
        let mut stack = vec![id];
        while let Some(p) = stack.pop() {
            for g in gens {
                let q: Vec<u32> = p.iter().map(|&v| g[v as usize]).collect();
                if seen.insert(q.clone()) {
                    stack.push(q);
                }
            }
        }
        seen.len()
    }

    /// Brute-force order of the group of automorphisms of a tiny matrix
    /// (row/column permutations, plus side swaps if square) fixing `cell`.
    fn brute_order(m: &CommMatrix, cell: Option<(usize, usize)>) -> usize {
        fn perms(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![vec![]];
            }
            let mut out = Vec::new();
            for p in perms(n - 1) {
                for i in 0..=p.len() {
                    let mut q = p.clone();
                    q.insert(i, n - 1);
                    out.push(q);
                }
            }
            out
        }
        let (r, c) = (m.rows(), m.cols());
        let pr = perms(r);
        let pc = perms(c);
        let mut count = 0;
        for a in &pr {
            for b in &pc {
                // (x, y) -> (a[x], b[y])
                if (0..r).all(|x| (0..c).all(|y| m.get(a[x], b[y]) == m.get(x, y)))
                    && cell.is_none_or(|(x, y)| (a[x], b[y]) == (x, y))
                {
                    count += 1;
                }
                // (x, y) -> (a[y], b[x])
                if r == c
                    && (0..r).all(|x| (0..c).all(|y| m.get(a[y], b[x]) == m.get(x, y)))
                    && cell.is_none_or(|(x, y)| (a[y], b[x]) == (x, y))
                {
                    count += 1;
                }
            }
        }
        count
    }

    fn check(m: &CommMatrix) {
        let n = m.rows() + m.cols();
        let a = automorphisms(m, &[], u64::MAX);
        assert!(a.complete);
        assert_eq!(order(&a.gens, n), brute_order(m, None), "{m}");
        let cell = (m.rows() - 1, 0);
        let b = automorphisms(m, &[cell], u64::MAX);
        assert!(b.complete);
        for g in &b.gens {
            assert_eq!(b.map_cell(g, cell), Some(cell));
        }
        assert_eq!(
            order(&b.gens, n),
            brute_order(m, Some(cell)),
            "{m} fixing {cell:?}"
        );
    }

    #[test]
    fn group_orders_match_brute_force() {
        let mut seed = 11u64;
        for trial in 0..300 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let bits = seed >> 8;
            let h = |z: usize| {
                ((bits >> (z % 40)) & 1) as u8 + u8::from(trial % 7 == 0 && z.is_multiple_of(3))
            };
            let r = 1 + (seed >> 60) as usize % 5;
            let m = match trial % 4 {
                // random, often with accidental symmetry
                0 => {
                    let c = 1 + (seed >> 56) as usize % 4;
                    CommMatrix::from_fn(r.min(4), c, |i, j| h(i * 4 + j)).unwrap()
                }
                // circulant
                1 => CommMatrix::from_fn(r, r, |i, j| h((i + j) % r)).unwrap(),
                // XOR Cayley table on 4 points
                2 => CommMatrix::from_fn(4, 4, |i, j| h(i ^ j)).unwrap(),
                // difference table
                _ => CommMatrix::from_fn(r, r, |i, j| h((i + r - j) % r)).unwrap(),
            };
            check(&m);
        }
    }

    #[test]
    fn ip_and_eq_groups() {
        // IP_3: GL(3, 2) (order 168) times the transpose.
        let ip = named_matrix("ip", 3, None).unwrap();
        let a = automorphisms(&ip, &[], u64::MAX);
        assert!(a.complete);
        assert_eq!(order(&a.gens, 16), 336);
        // EQ_3: S_8 acting diagonally, times the transpose.
        let eq = named_matrix("eq", 3, None).unwrap();
        let a = automorphisms(&eq, &[], u64::MAX);
        assert!(a.complete);
        // Fixing a diagonal cell leaves S_7 x transpose.
        let b = automorphisms(&eq, &[(0, 0)], u64::MAX);
        for g in &b.gens {
            assert_eq!(b.map_cell(g, (0, 0)), Some((0, 0)));
        }
        assert!(b.complete);
        assert!(b.gens.len() < a.gens.len() + 2);
        let tiny = automorphisms(&eq, &[], 10);
        assert!(!tiny.complete);
    }
}
