//! Communication matrices: bit-packed storage, duplicate removal, transpose,
//! complement and sub-rectangle views.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TheoryError};

/// Largest number of rows or columns accepted by any constructor.
pub const MAX_SIDE: usize = 1 << 16;
/// Largest number of cells (rows x columns) accepted by any constructor.
pub const MAX_CELLS: usize = 1 << 26;
/// Largest value a cell may hold (the output alphabet is `0..=MAX_VALUE`).
pub const MAX_VALUE: u8 = 255;

/// Checks the size limits shared by all constructors.
pub(crate) fn check_size(rows: usize, cols: usize) -> Result<()> {
    if rows == 0 || cols == 0 {
        return Err(TheoryError::EmptyMatrix);
    }
    if rows > MAX_SIDE || cols > MAX_SIDE || rows.saturating_mul(cols) > MAX_CELLS {
        return Err(TheoryError::TooLarge {
            rows,
            cols,
            limit: format!("at most {MAX_SIDE} rows, {MAX_SIDE} columns and {MAX_CELLS} cells"),
        });
    }
    Ok(())
}

/// A dense matrix over GF(2) with rows packed into `u64` words.
///
/// Bit `j` of row `i` is bit `j % 64` of word `i * words_per_row + j / 64`.
/// Bits beyond `cols` in the last word of each row are always zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BitMatrix {
    rows: usize,
    cols: usize,
    words_per_row: usize,
    data: Vec<u64>,
}

impl BitMatrix {
    /// An all-zero `rows x cols` matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        let words_per_row = cols.div_ceil(64).max(1);
        BitMatrix {
            rows,
            cols,
            words_per_row,
            data: vec![0; rows * words_per_row],
        }
    }

    /// Builds a matrix from a predicate on `(row, col)`.
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> bool) -> Self {
        let mut m = BitMatrix::zeros(rows, cols);
        for i in 0..rows {
            for j in 0..cols {
                if f(i, j) {
                    m.set(i, j, true);
                }
            }
        }
        m
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of `u64` words per row.
    pub(crate) fn words_per_row(&self) -> usize {
        self.words_per_row
    }

    /// Entry `(i, j)`; panics if out of range (internal indices only).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> bool {
        (self.data[i * self.words_per_row + j / 64] >> (j % 64)) & 1 == 1
    }

    /// Sets entry `(i, j)`.
    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: bool) {
        let w = &mut self.data[i * self.words_per_row + j / 64];
        if v {
            *w |= 1 << (j % 64);
        } else {
            *w &= !(1 << (j % 64));
        }
    }

    /// The packed words of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[u64] {
        &self.data[i * self.words_per_row..(i + 1) * self.words_per_row]
    }

    /// Mutable packed words of row `i`.
    #[inline]
    pub(crate) fn row_mut(&mut self, i: usize) -> &mut [u64] {
        &mut self.data[i * self.words_per_row..(i + 1) * self.words_per_row]
    }

    /// All packed words, row-major.
    pub(crate) fn words(&self) -> &[u64] {
        &self.data
    }

    /// Mask of the valid bits in the last word of a row.
    fn last_mask(&self) -> u64 {
        let r = self.cols % 64;
        if r == 0 { u64::MAX } else { (1u64 << r) - 1 }
    }

    /// The transpose.
    pub fn transpose(&self) -> BitMatrix {
        let mut t = BitMatrix::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            let row = self.row(i);
            for (wi, &w) in row.iter().enumerate() {
                let mut w = w;
                while w != 0 {
                    let b = w.trailing_zeros() as usize;
                    t.set(wi * 64 + b, i, true);
                    w &= w - 1;
                }
            }
        }
        t
    }

    /// The complement `J - M` (every bit flipped).
    pub fn complement(&self) -> BitMatrix {
        let mut c = self.clone();
        let mask = self.last_mask();
        let wpr = self.words_per_row;
        for i in 0..self.rows {
            let row = c.row_mut(i);
            for w in row.iter_mut() {
                *w = !*w;
            }
            row[wpr - 1] &= mask;
        }
        c
    }

    /// Number of ones.
    pub fn count_ones(&self) -> u64 {
        self.data.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// A communication matrix `M[x][y] = f(x, y)` with a small output alphabet.
///
/// Conventions (pinned throughout cclab): rows are Alice's inputs `x`, columns
/// are Bob's inputs `y`; for named functions on `n`-bit inputs, bit `i` of `x`
/// is `(x >> i) & 1`. Values are `u8` (alphabet `0..=255`); Boolean matrices
/// (all values 0/1) are the first-class case.
///
/// Storage is bit-packed: the matrix keeps one [`BitMatrix`] per bit of the
/// value (`planes[k]` holds bit `k` of every entry), so a Boolean matrix is a
/// single packed plane.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommMatrix {
    rows: usize,
    cols: usize,
    planes: Vec<BitMatrix>,
    max_value: u8,
}

/// A borrowed view of the sub-rectangle `rows x cols` of a matrix.
#[derive(Debug, Clone)]
pub struct RectView<'a> {
    matrix: &'a CommMatrix,
    rows: Vec<usize>,
    cols: Vec<usize>,
}

impl RectView<'_> {
    /// Entry `(i, j)` of the view, i.e. `M[rows[i]][cols[j]]`.
    pub fn get(&self, i: usize, j: usize) -> u8 {
        self.matrix.get(self.rows[i], self.cols[j])
    }

    /// Row indices of the parent matrix.
    pub fn row_indices(&self) -> &[usize] {
        &self.rows
    }

    /// Column indices of the parent matrix.
    pub fn col_indices(&self) -> &[usize] {
        &self.cols
    }

    /// The single value of the rectangle if it is monochromatic (`None` if
    /// it is empty or has two different values).
    pub fn monochromatic_value(&self) -> Option<u8> {
        if self.rows.is_empty() || self.cols.is_empty() {
            return None;
        }
        let first = self.get(0, 0);
        for &r in &self.rows {
            for &c in &self.cols {
                if self.matrix.get(r, c) != first {
                    return None;
                }
            }
        }
        Some(first)
    }

    /// Copies the view into a new matrix.
    pub fn to_matrix(&self) -> Result<CommMatrix> {
        CommMatrix::from_fn(self.rows.len(), self.cols.len(), |i, j| self.get(i, j))
    }
}

/// Result of removing duplicate rows and columns.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// The matrix with pairwise distinct rows and pairwise distinct columns.
    pub matrix: CommMatrix,
    /// For each reduced row, the original index of its first occurrence.
    pub row_representative: Vec<usize>,
    /// For each reduced column, the original index of its first occurrence.
    pub col_representative: Vec<usize>,
    /// For each original row, the index of its reduced row.
    pub row_class: Vec<usize>,
    /// For each original column, the index of its reduced column.
    pub col_class: Vec<usize>,
}

/// Summary facts about a matrix, serializable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixSummary {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Largest value.
    pub max_value: u8,
}

impl CommMatrix {
    /// Builds a matrix from a function of `(row, col)`.
    ///
    /// Errors: [`TheoryError::EmptyMatrix`] for zero rows or columns,
    /// [`TheoryError::TooLarge`] beyond [`MAX_SIDE`] / [`MAX_CELLS`].
    pub fn from_fn(
        rows: usize,
        cols: usize,
        mut f: impl FnMut(usize, usize) -> u8,
    ) -> Result<Self> {
        check_size(rows, cols)?;
        let mut planes: Vec<BitMatrix> = Vec::new();
        let mut max_value = 0u8;
        for i in 0..rows {
            for j in 0..cols {
                let v = f(i, j);
                if v != 0 {
                    let needed = 8 - v.leading_zeros() as usize;
                    while planes.len() < needed {
                        planes.push(BitMatrix::zeros(rows, cols));
                    }
                    max_value = max_value.max(v);
                    let mut bits = v;
                    while bits != 0 {
                        let k = bits.trailing_zeros() as usize;
                        planes[k].set(i, j, true);
                        bits &= bits - 1;
                    }
                }
            }
        }
        if planes.is_empty() {
            planes.push(BitMatrix::zeros(rows, cols));
        }
        Ok(CommMatrix {
            rows,
            cols,
            planes,
            max_value,
        })
    }

    /// Builds a Boolean matrix from a predicate.
    pub fn from_bool_fn(
        rows: usize,
        cols: usize,
        mut f: impl FnMut(usize, usize) -> bool,
    ) -> Result<Self> {
        Self::from_fn(rows, cols, |i, j| u8::from(f(i, j)))
    }

    /// Builds a matrix from rows of values (all rows must have equal length).
    pub fn from_rows(data: &[Vec<u8>]) -> Result<Self> {
        let rows = data.len();
        let cols = data.first().map_or(0, Vec::len);
        if let Some((i, r)) = data.iter().enumerate().find(|(_, r)| r.len() != cols) {
            return Err(TheoryError::Parse {
                line: i + 1,
                column: 1,
                message: format!("row {} has {} entries but row 1 has {cols}", i + 1, r.len()),
            });
        }
        Self::from_fn(rows, cols, |i, j| data[i][j])
    }

    /// Wraps a Boolean [`BitMatrix`].
    pub fn from_bits(bits: BitMatrix) -> Result<Self> {
        check_size(bits.rows(), bits.cols())?;
        let max_value = u8::from(bits.count_ones() > 0);
        Ok(CommMatrix {
            rows: bits.rows(),
            cols: bits.cols(),
            planes: vec![bits],
            max_value,
        })
    }

    /// Number of rows (Alice's inputs).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (Bob's inputs).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Largest value in the matrix.
    pub fn max_value(&self) -> u8 {
        self.max_value
    }

    /// True if every entry is 0 or 1.
    pub fn is_boolean(&self) -> bool {
        self.max_value <= 1
    }

    /// Entry `(i, j)`; panics if out of range (use [`CommMatrix::try_get`] for user indices).
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> u8 {
        let mut v = 0u8;
        for (k, p) in self.planes.iter().enumerate() {
            if p.get(i, j) {
                v |= 1 << k;
            }
        }
        v
    }

    /// Entry `(i, j)` or `None` if out of range.
    pub fn try_get(&self, i: usize, j: usize) -> Option<u8> {
        (i < self.rows && j < self.cols).then(|| self.get(i, j))
    }

    /// The distinct values present, ascending.
    pub fn values(&self) -> Vec<u8> {
        let mut seen = [false; 256];
        for i in 0..self.rows {
            for j in 0..self.cols {
                seen[self.get(i, j) as usize] = true;
            }
        }
        (0..=255u8).filter(|&v| seen[v as usize]).collect()
    }

    /// The bit planes (plane `k` holds bit `k` of every entry).
    pub fn planes(&self) -> &[BitMatrix] {
        &self.planes
    }

    /// The indicator matrix of value `v`: bit `(i, j)` is set iff `M[i][j] == v`.
    pub fn indicator(&self, v: u8) -> BitMatrix {
        let mut out = BitMatrix::zeros(self.rows, self.cols);
        let wpr = out.words_per_row();
        let mask = out.last_mask();
        for i in 0..self.rows {
            let row = out.row_mut(i);
            for (w, slot) in row.iter_mut().enumerate() {
                let mut acc = u64::MAX;
                for k in 0..8 {
                    let plane_word = self.planes.get(k).map_or(0, |p| p.row(i)[w]);
                    if (v >> k) & 1 == 1 {
                        acc &= plane_word;
                    } else {
                        acc &= !plane_word;
                    }
                }
                *slot = acc;
            }
            row[wpr - 1] &= mask;
        }
        out
    }

    /// The Boolean matrix as a [`BitMatrix`] (errors for non-Boolean matrices).
    pub fn to_bits(&self) -> Result<BitMatrix> {
        if !self.is_boolean() {
            return Err(TheoryError::NotBoolean {
                operation: "bit-matrix view".into(),
                max_value: self.max_value,
            });
        }
        Ok(self.planes[0].clone())
    }

    /// The transpose (Bob's view).
    pub fn transpose(&self) -> CommMatrix {
        CommMatrix {
            rows: self.cols,
            cols: self.rows,
            planes: self.planes.iter().map(BitMatrix::transpose).collect(),
            max_value: self.max_value,
        }
    }

    /// The complement `J - M` of a Boolean matrix.
    pub fn complement(&self) -> Result<CommMatrix> {
        let bits = self.to_bits()?;
        CommMatrix::from_bits(bits.complement())
    }

    /// A borrowed view of the sub-rectangle `rows x cols`.
    ///
    /// Errors with [`TheoryError::OutOfBounds`] if an index is out of range
    /// and [`TheoryError::EmptyMatrix`] if either index list is empty.
    pub fn view(&self, rows: &[usize], cols: &[usize]) -> Result<RectView<'_>> {
        if rows.is_empty() || cols.is_empty() {
            return Err(TheoryError::EmptyMatrix);
        }
        for &r in rows {
            if r >= self.rows {
                return Err(self.oob("row index", r, 0));
            }
        }
        for &c in cols {
            if c >= self.cols {
                return Err(self.oob("column index", 0, c));
            }
        }
        Ok(RectView {
            matrix: self,
            rows: rows.to_vec(),
            cols: cols.to_vec(),
        })
    }

    pub(crate) fn oob(&self, what: &str, row: usize, col: usize) -> TheoryError {
        TheoryError::OutOfBounds {
            what: what.into(),
            row,
            col,
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// Key of row `i` across all planes (used for duplicate detection).
    fn row_key(&self, i: usize) -> Vec<u64> {
        let mut key = Vec::with_capacity(self.planes.len() * self.planes[0].words_per_row());
        for p in &self.planes {
            key.extend_from_slice(p.row(i));
        }
        key
    }

    /// Indices of the first occurrence of each distinct row, and for each row its class.
    fn distinct_rows(&self) -> (Vec<usize>, Vec<usize>) {
        let mut seen: BTreeMap<Vec<u64>, usize> = BTreeMap::new();
        let mut reps = Vec::new();
        let mut class = Vec::with_capacity(self.rows);
        for i in 0..self.rows {
            let key = self.row_key(i);
            let next = reps.len();
            let c = *seen.entry(key).or_insert(next);
            if c == next {
                reps.push(i);
            }
            class.push(c);
        }
        (reps, class)
    }

    /// Number of distinct rows.
    pub fn distinct_row_count(&self) -> usize {
        self.distinct_rows().0.len()
    }

    /// Removes duplicate rows and columns (keeping first occurrences, in order).
    ///
    /// Every measure in this crate (rank, fooling sets, covers, partitions,
    /// deterministic complexity) is invariant under this reduction.
    pub fn reduce(&self) -> Reduced {
        let (row_rep, row_class) = self.distinct_rows();
        let t = self.transpose();
        let (col_rep, col_class) = t.distinct_rows();
        let planes = self
            .planes
            .iter()
            .map(|p| {
                BitMatrix::from_fn(row_rep.len(), col_rep.len(), |i, j| {
                    p.get(row_rep[i], col_rep[j])
                })
            })
            .collect();
        let matrix = CommMatrix {
            rows: row_rep.len(),
            cols: col_rep.len(),
            planes,
            max_value: self.max_value,
        };
        Reduced {
            matrix,
            row_representative: row_rep,
            col_representative: col_rep,
            row_class,
            col_class,
        }
    }

    /// Rows as vectors of values (for small matrices and printing).
    pub fn to_rows(&self) -> Vec<Vec<u8>> {
        (0..self.rows)
            .map(|i| (0..self.cols).map(|j| self.get(i, j)).collect())
            .collect()
    }

    /// Serializable summary.
    pub fn summary(&self) -> MatrixSummary {
        MatrixSummary {
            rows: self.rows,
            cols: self.cols,
            max_value: self.max_value,
        }
    }
}

impl std::fmt::Display for CommMatrix {
    /// Prints the matrix in the text input format (one row per line; digits
    /// separated by spaces when some value exceeds 9).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sep = if self.max_value > 9 { " " } else { "" };
        for i in 0..self.rows {
            let line: Vec<String> = (0..self.cols).map(|j| self.get(i, j).to_string()).collect();
            writeln!(f, "{}", line.join(sep))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_get_transpose_complement() {
        let m = CommMatrix::from_rows(&[vec![0, 1, 1], vec![1, 0, 1]]).unwrap();
        assert_eq!(m.rows(), 2);
        assert_eq!(m.cols(), 3);
        assert_eq!(m.get(0, 1), 1);
        let t = m.transpose();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.get(1, 0), 1);
        assert_eq!(t.get(2, 1), 1);
        let c = m.complement().unwrap();
        assert_eq!(c.to_rows(), vec![vec![1, 0, 0], vec![0, 1, 0]]);
        assert_eq!(c.complement().unwrap(), m);
    }

    #[test]
    fn non_boolean_values_and_indicator() {
        let m = CommMatrix::from_rows(&[vec![0, 2, 5], vec![5, 1, 0]]).unwrap();
        assert_eq!(m.max_value(), 5);
        assert!(!m.is_boolean());
        assert_eq!(m.values(), vec![0, 1, 2, 5]);
        let ind = m.indicator(5);
        assert!(ind.get(0, 2) && ind.get(1, 0) && !ind.get(0, 1));
        assert!(matches!(
            m.complement(),
            Err(TheoryError::NotBoolean { .. })
        ));
        assert_eq!(m.to_string(), "025\n510\n");
    }

    #[test]
    fn reduce_removes_duplicates() {
        let m = CommMatrix::from_rows(&[vec![0, 1, 0], vec![0, 1, 0], vec![1, 1, 1]]).unwrap();
        let r = m.reduce();
        assert_eq!(r.matrix.rows(), 2);
        assert_eq!(r.matrix.cols(), 2);
        assert_eq!(r.row_class, vec![0, 0, 1]);
        assert_eq!(r.col_class, vec![0, 1, 0]);
        assert_eq!(r.row_representative, vec![0, 2]);
    }

    #[test]
    fn empty_and_too_large() {
        assert_eq!(CommMatrix::from_rows(&[]), Err(TheoryError::EmptyMatrix));
        assert!(matches!(
            CommMatrix::from_fn(MAX_SIDE + 1, 1, |_, _| 0),
            Err(TheoryError::TooLarge { .. })
        ));
        assert!(matches!(
            CommMatrix::from_rows(&[vec![1, 0], vec![1]]),
            Err(TheoryError::Parse { line: 2, .. })
        ));
    }

    #[test]
    fn views() {
        let m = CommMatrix::from_rows(&[vec![0, 1, 1], vec![1, 1, 1]]).unwrap();
        let v = m.view(&[0, 1], &[1, 2]).unwrap();
        assert_eq!(v.monochromatic_value(), Some(1));
        assert_eq!(m.view(&[0, 1], &[0]).unwrap().monochromatic_value(), None);
        assert!(matches!(
            m.view(&[2], &[0]),
            Err(TheoryError::OutOfBounds { .. })
        ));
        assert_eq!(v.to_matrix().unwrap().rows(), 2);
    }

    #[test]
    fn wide_bitmatrix_roundtrip() {
        let b = BitMatrix::from_fn(70, 130, |i, j| (i * 7 + j * 3) % 5 == 0);
        let t = b.transpose();
        for i in 0..70 {
            for j in 0..130 {
                assert_eq!(b.get(i, j), t.get(j, i));
            }
        }
        assert_eq!(b.complement().count_ones() + b.count_ones(), 70 * 130);
    }
}
