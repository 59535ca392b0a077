//! Rank over GF(2) of bit-packed matrices.
//!
//! The algorithm is Gaussian elimination with the Method of Four Russians
//! (M4RI, Arlazarov–Dinic–Kronrod–Faradzev 1970; Albrecht–Bard–Hart 2010):
//! columns are processed in blocks of `4k = 32`; within a block up to `4k`
//! pivot rows are found and reduced among themselves, four tables of all
//! combinations of the pivot rows of each group of `k = 8` columns (at most
//! 256 entries each) are built (Gray-code order, one row XOR per entry), and
//! every remaining row is cleared on the block with four table lookups and a
//! single pass over the row (the multi-table variant of M4RI). Cost
//! `O(n m^2 / (64 k))` word operations.

use crate::matrix::BitMatrix;

/// Rank over GF(2) with a witness: `pivot_rows x pivot_cols` (original
/// indices) is a nonsingular `rank x rank` submatrix over GF(2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gf2Rank {
    /// The rank.
    pub rank: usize,
    /// Original indices of linearly independent rows, in pivot order.
    pub pivot_rows: Vec<usize>,
    /// The pivot columns (ascending).
    pub pivot_cols: Vec<usize>,
}

/// XORs `src` row into `dst` row from word `from` on.
#[inline]
fn xor_rows(a: &mut [u64], w: usize, dst: usize, src: usize, from: usize) {
    if dst == src {
        return;
    }
    if dst < src {
        let (lo, hi) = a.split_at_mut(src * w);
        let d = &mut lo[dst * w + from..dst * w + w];
        let s = &hi[from..w];
        for (x, y) in d.iter_mut().zip(s) {
            *x ^= *y;
        }
    } else {
        let (lo, hi) = a.split_at_mut(dst * w);
        let s = &lo[src * w + from..src * w + w];
        let d = &mut hi[from..w];
        for (x, y) in d.iter_mut().zip(s) {
            *x ^= *y;
        }
    }
}

#[inline]
fn swap_rows(a: &mut [u64], w: usize, i: usize, j: usize) {
    if i == j {
        return;
    }
    let (lo, hi) = (i.min(j), i.max(j));
    let (x, y) = a.split_at_mut(hi * w);
    x[lo * w..lo * w + w].swap_with_slice(&mut y[..w]);
}

/// Rank over GF(2) with a nonsingular-minor witness (M4RI elimination).
///
/// `rank_GF(2)(M)` is the largest `r` such that some `r x r` submatrix has
/// determinant 1 mod 2; the returned pivot rows/columns are such a submatrix.
///
/// Columns are taken 32 at a time: up to 32 pivot rows are found and fully
/// reduced on each other's pivot columns, then four tables of 256 entries
/// (combinations of the pivots of each group of 8 columns, as M4RI's
/// multi-table variant) clear the block in every remaining row with four
/// lookups and a single pass over the row.
pub fn rank_gf2(m: &BitMatrix) -> Gf2Rank {
    const K: usize = 8;
    const TABLES: usize = 4;
    const BLOCK: usize = TABLES * K;
    let n = m.rows();
    let cols = m.cols();
    let w = m.words_per_row();
    let mut a = m.words().to_vec();
    let mut perm: Vec<usize> = (0..n).collect();
    let mut pivot_cols = Vec::new();
    let mut tables: [Vec<u64>; TABLES] = std::array::from_fn(|_| vec![0u64; (1 << K) * w]);
    let mut luts = [[0usize; 1 << K]; TABLES];
    let mut r = 0;
    let mut c = 0;
    while c < cols && r < n {
        let kk = BLOCK.min(cols - c);
        let word = c / 64;
        let shift = c % 64;
        let mut block_pivots: Vec<usize> = Vec::with_capacity(kk);
        for j in c..c + kk {
            let start = r + block_pivots.len();
            let mut found = None;
            for i in start..n {
                for (pi, &pc) in block_pivots.iter().enumerate() {
                    if (a[i * w + pc / 64] >> (pc % 64)) & 1 == 1 {
                        xor_rows(&mut a, w, i, r + pi, word);
                    }
                }
                if (a[i * w + j / 64] >> (j % 64)) & 1 == 1 {
                    found = Some(i);
                    break;
                }
            }
            if let Some(i) = found {
                swap_rows(&mut a, w, i, start);
                perm.swap(i, start);
                for pi in 0..block_pivots.len() {
                    if (a[(r + pi) * w + j / 64] >> (j % 64)) & 1 == 1 {
                        xor_rows(&mut a, w, r + pi, start, word);
                    }
                }
                block_pivots.push(j);
            }
        }
        let p = block_pivots.len();
        if p > 0 {
            // pivots come in column order: group g holds those in columns c+8g..c+8g+8
            let span = w - word;
            let mut first = 0;
            for (g, (table, lut)) in tables.iter_mut().zip(luts.iter_mut()).enumerate() {
                let offset = g * K;
                let count = block_pivots[first..]
                    .iter()
                    .take_while(|&&pc| pc < c + offset + K)
                    .count();
                table[..span].fill(0);
                for idx in 1..(1usize << count) {
                    let bit = idx.trailing_zeros() as usize;
                    let prev = idx & (idx - 1);
                    let src = (r + first + bit) * w + word;
                    for t in 0..span {
                        table[idx * span + t] = table[prev * span + t] ^ a[src + t];
                    }
                }
                let width = kk.saturating_sub(offset).min(K);
                for (v, slot) in lut.iter_mut().enumerate() {
                    let mut idx = 0;
                    if v < 1 << width {
                        for (pi, &pc) in block_pivots[first..first + count].iter().enumerate() {
                            if (v >> (pc - c - offset)) & 1 == 1 {
                                idx |= 1 << pi;
                            }
                        }
                    }
                    *slot = idx;
                }
                first += count;
            }
            // The pivot rows are reduced on every pivot column of the block, so
            // all lookups read the row's bits before any table is added; entry 0
            // of every table is zero.
            let bmask = if kk >= 64 { u64::MAX } else { (1u64 << kk) - 1 };
            let [t0, t1, t2, t3] = &tables;
            for i in r + p..n {
                let v = ((a[i * w + word] >> shift) & bmask) as usize;
                let ix = [
                    luts[0][v & 0xFF],
                    luts[1][(v >> K) & 0xFF],
                    luts[2][(v >> (2 * K)) & 0xFF],
                    luts[3][(v >> (3 * K)) & 0xFF],
                ];
                if ix == [0; TABLES] {
                    continue;
                }
                let row = &mut a[i * w + word..(i + 1) * w];
                let x0 = &t0[ix[0] * span..(ix[0] + 1) * span];
                let x1 = &t1[ix[1] * span..(ix[1] + 1) * span];
                let x2 = &t2[ix[2] * span..(ix[2] + 1) * span];
                let x3 = &t3[ix[3] * span..(ix[3] + 1) * span];
                for (k, d) in row.iter_mut().enumerate() {
                    *d ^= x0[k] ^ x1[k] ^ x2[k] ^ x3[k];
                }
            }
        }
        pivot_cols.extend_from_slice(&block_pivots);
        r += p;
        c += kk;
    }
    Gf2Rank {
        rank: r,
        pivot_rows: perm[..r].to_vec(),
        pivot_cols,
    }
}

/// Plain (textbook) Gaussian elimination over GF(2); used by checkers and
/// as an independent cross-check of [`rank_gf2`].
pub fn rank_gf2_plain(m: &BitMatrix) -> usize {
    let n = m.rows();
    let w = m.words_per_row();
    let mut a = m.words().to_vec();
    let mut r = 0;
    for c in 0..m.cols() {
        if r == n {
            break;
        }
        let Some(i) = (r..n).find(|&i| (a[i * w + c / 64] >> (c % 64)) & 1 == 1) else {
            continue;
        };
        swap_rows(&mut a, w, i, r);
        for k in r + 1..n {
            if (a[k * w + c / 64] >> (c % 64)) & 1 == 1 {
                xor_rows(&mut a, w, k, r, c / 64);
            }
        }
        r += 1;
    }
    r
}

/// Rank over GF(2) of a small matrix given as row masks (`cols <= 64`).
pub(crate) fn rank_gf2_masks(rows: &[u64]) -> usize {
    let mut basis = [0u64; 64];
    let mut r = 0;
    for &row in rows {
        let mut v = row;
        while v != 0 {
            let b = 63 - v.leading_zeros() as usize;
            if basis[b] == 0 {
                basis[b] = v;
                r += 1;
                break;
            }
            v ^= basis[b];
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn m4ri_agrees_with_plain_and_witness_is_nonsingular() {
        let mut seed = 7u64;
        for trial in 0..60 {
            let n = 1 + (lcg(&mut seed) % 150) as usize;
            let m = 1 + (lcg(&mut seed) % 150) as usize;
            let density = lcg(&mut seed) % 4;
            let mut b = BitMatrix::from_fn(n, m, |_, _| lcg(&mut seed) % 4 <= density);
            // make some rows dependent
            if trial % 2 == 0 && n > 3 {
                for i in (2..n).step_by(3) {
                    let (r0, r1): (Vec<u64>, Vec<u64>) =
                        (b.row(i - 2).to_vec(), b.row(i - 1).to_vec());
                    for (k, x) in b.row_mut(i).iter_mut().enumerate() {
                        *x = r0[k] ^ r1[k];
                    }
                }
            }
            let res = rank_gf2(&b);
            assert_eq!(res.rank, rank_gf2_plain(&b), "trial {trial} {n}x{m}");
            let sub = BitMatrix::from_fn(res.rank, res.rank, |i, j| {
                b.get(res.pivot_rows[i], res.pivot_cols[j])
            });
            assert_eq!(rank_gf2_plain(&sub), res.rank);
            if m <= 64 {
                let masks: Vec<u64> = (0..n).map(|i| b.row(i)[0]).collect();
                assert_eq!(rank_gf2_masks(&masks), res.rank);
            }
        }
    }

    /// Sparse and low-rank matrices leave columns of a block without a pivot and
    /// put the pivots of one block in only some groups: all tables must still agree
    /// with plain elimination, across word boundaries.
    #[test]
    fn sparse_and_low_rank_blocks() {
        let mut seed = 21u64;
        for trial in 0..40 {
            let n = 20 + (lcg(&mut seed) % 300) as usize;
            let m = 20 + (lcg(&mut seed) % 300) as usize;
            let b = if trial % 2 == 0 {
                let per_mille = 5 + lcg(&mut seed) % 60;
                BitMatrix::from_fn(n, m, |_, _| lcg(&mut seed) % 1000 < per_mille)
            } else {
                // GF(2) product of n x k and k x m: rank <= k
                let k = 1 + (lcg(&mut seed) % 40) as usize;
                let left: Vec<u64> = (0..n)
                    .map(|_| lcg(&mut seed) << 20 ^ lcg(&mut seed))
                    .collect();
                let right: Vec<u64> = (0..m)
                    .map(|_| lcg(&mut seed) << 20 ^ lcg(&mut seed))
                    .collect();
                let mask = (1u64 << k) - 1;
                BitMatrix::from_fn(n, m, |i, j| {
                    (left[i] & right[j] & mask).count_ones() % 2 == 1
                })
            };
            let res = rank_gf2(&b);
            assert_eq!(res.rank, rank_gf2_plain(&b), "trial {trial} {n}x{m}");
            let sub = BitMatrix::from_fn(res.rank, res.rank, |i, j| {
                b.get(res.pivot_rows[i], res.pivot_cols[j])
            });
            assert_eq!(rank_gf2_plain(&sub), res.rank);
        }
    }

    #[test]
    fn identity_and_zero() {
        let id = BitMatrix::from_fn(300, 300, |i, j| i == j);
        assert_eq!(rank_gf2(&id).rank, 300);
        let z = BitMatrix::zeros(10, 10);
        assert_eq!(rank_gf2(&z).rank, 0);
    }
}
