//! Monotone priority queue for the event engine: a radix heap whose lowest
//! bucket is sorted into a *bottom run*.
//!
//! Keys are `u64` event times; elements with equal keys come out in
//! insertion order (FIFO), so the order is exactly "earliest time first,
//! ties by insertion sequence" — the order of a binary heap on
//! `(time, sequence)` — without storing a sequence number. A discrete-event
//! simulation only inserts keys ≥ the last popped key, which is what a radix
//! heap needs.
//!
//! **Structure.** A key `k` that differs from the last popped key `L` lives
//! in bucket `(l, d)`, `l` the highest byte in which `k` and `L` differ and
//! `d` = byte `l` of `k`; the lowest non-empty bucket holds the smallest
//! keys. When the bottom run is exhausted, the lowest bucket is taken:
//!
//! * at level 0 (all keys equal), or with at most [`INSERTION_SORT_AT_MOST`]
//!   elements, it is insertion-sorted into the bottom run;
//! * at level 1 or 2 with at most [`RADIX_SORT_AT_MOST`] elements, it is
//!   sorted by a stable LSD radix sort on its one or two free bytes (indices
//!   only, then one in-place permutation);
//! * otherwise it is redistributed around its minimum, each element to a
//!   strictly lower level, as in a classic radix heap.
//!
//! The bottom run is kept in descending order, so a pop is `Vec::pop`. Its
//! key range is the bucket's range; a later push into that range goes to a
//! small sorted *overflow* run, and a pop takes the smaller of the two ends
//! (the bottom run on equal keys: its elements were all pushed earlier).
//! Every other push appends to its bucket. Typically an element is written
//! twice (its bucket, then the bottom run).
//!
//! **Why ties stay in insertion order.** The bucket of a key depends only on
//! the key and `L`, and stays valid when `L` advances (it always advances to
//! the minimum of the lowest bucket, which agrees with every other key above
//! that bucket's byte). So all elements with one key are always in the same
//! bucket; a push appends at the end of its bucket, a redistribution moves a
//! bucket's elements in order, both sorts are stable, and a push into the
//! overflow run goes after every element there with a key not larger than
//! its own — the relative order of equal keys never changes. A property test
//! checks the pop order against a `BTreeSet` of `(key, sequence)`.

/// Largest lowest bucket sorted by insertion sort into the bottom run.
pub const INSERTION_SORT_AT_MOST: usize = 24;
/// Largest lowest bucket of level 1 or 2 sorted by a stable LSD radix sort
/// into the bottom run rather than redistributed.
pub const RADIX_SORT_AT_MOST: usize = 8192;

/// A monotone priority queue over `u64` keys with values `T`, FIFO among
/// equal keys (see the module docs).
#[derive(Debug, Clone)]
pub struct RadixQueue<T> {
    last: u64,
    len: usize,
    /// Sorted run, descending; equal keys in reverse insertion order (the
    /// next to pop is at the end).
    bottom: Vec<(u64, T)>,
    /// Elements pushed into the bottom run's range after it was filled, in
    /// the same order as `bottom`; on equal keys `bottom` goes first.
    overflow: Vec<(u64, T)>,
    /// Every key below this bound belongs in `bottom` or `overflow`.
    bottom_hi: u64,
    buckets: Vec<Vec<(u64, T)>>,
    digits: [[u64; 4]; 8],
    levels: u32,
    /// Scratch for the radix sort.
    order: Vec<u32>,
    tmp: Vec<u32>,
}

impl<T> Default for RadixQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> RadixQueue<T> {
    /// Empty queue.
    pub fn new() -> Self {
        RadixQueue {
            last: 0,
            len: 0,
            bottom: Vec::new(),
            overflow: Vec::new(),
            bottom_hi: 0,
            buckets: (0..8 * 256).map(|_| Vec::new()).collect(),
            digits: [[0; 4]; 8],
            levels: 0,
            order: Vec::new(),
            tmp: Vec::new(),
        }
    }

    /// Number of queued elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn place(&mut self, key: u64, value: T) {
        let x = key ^ self.last;
        let l = if x == 0 {
            0
        } else {
            ((63 - x.leading_zeros()) >> 3) as usize
        };
        let d = ((key >> (8 * l)) & 255) as usize;
        let bucket = &mut self.buckets[l * 256 + d];
        if bucket.is_empty() {
            self.digits[l][d >> 6] |= 1 << (d & 63);
            self.levels |= 1 << l;
        }
        bucket.push((key, value));
    }

    /// Insert; `key` must not be smaller than the last popped key.
    /// Returns `false` (and inserts nothing) if it is.
    #[inline]
    pub fn push(&mut self, key: u64, value: T) -> bool {
        if key < self.last {
            return false;
        }
        self.len += 1;
        if key < self.bottom_hi {
            // after (nearer the end than) every element with a key <= `key`
            let i = self.overflow.partition_point(|e| e.0 > key);
            self.overflow.insert(i, (key, value));
        } else {
            self.place(key, value);
        }
        true
    }

    /// Remove and return the element with the smallest key (the earliest
    /// inserted among equal keys).
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, T)> {
        let from_overflow = match (self.bottom.last(), self.overflow.last()) {
            (Some(b), Some(o)) => o.0 < b.0,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => return self.refill(),
        };
        self.len -= 1;
        if from_overflow {
            self.overflow.pop()
        } else {
            self.bottom.pop()
        }
    }

    /// The bottom run and the overflow are empty: take the lowest bucket.
    #[inline(never)]
    fn refill(&mut self) -> Option<(u64, T)> {
        loop {
            if self.levels == 0 {
                return None;
            }
            let l = self.levels.trailing_zeros() as usize;
            let dl = &mut self.digits[l];
            let w = if dl[0] != 0 {
                0
            } else if dl[1] != 0 {
                1
            } else if dl[2] != 0 {
                2
            } else {
                3
            };
            let d = w * 64 + dl[w].trailing_zeros() as usize;
            let word = dl[w] & (dl[w] - 1);
            dl[w] = word;
            // Scalar checks, skipping the word just stored (a wide load over
            // it right after the narrow store would stall on store-to-load
            // forwarding).
            if word == 0 && (w + 1..4).all(|j| dl[j] == 0) {
                self.levels &= !(1 << l);
            }
            let idx = l * 256 + d;
            let n = self.buckets[idx].len();
            let sortable =
                l == 0 || n <= INSERTION_SORT_AT_MOST || (l <= 2 && n <= RADIX_SORT_AT_MOST);
            if sortable {
                // The bottom run is empty: the bucket becomes it (allocations swap).
                std::mem::swap(&mut self.bottom, &mut self.buckets[idx]);
                if l > 0 && n > INSERTION_SORT_AT_MOST {
                    self.radix_sort_bottom_desc(l);
                } else {
                    if l > 0 {
                        insertion_sort(&mut self.bottom);
                    }
                    self.bottom.reverse();
                }
                let min = self.bottom[n - 1].0;
                self.last = min;
                // the bucket's key range: byte `l` fixed, lower bytes free
                // (level 0: the single key `min`)
                self.bottom_hi = if l == 0 {
                    min.saturating_add(1)
                } else {
                    ((min >> (8 * l)) << (8 * l)).saturating_add(1 << (8 * l))
                };
                let e = self.bottom.pop()?;
                self.len -= 1;
                return Some(e);
            }
            let mut items = std::mem::take(&mut self.buckets[idx]);
            self.last = items.iter().map(|e| e.0).min()?;
            for (k, v) in items.drain(..) {
                self.place(k, v);
            }
            self.buckets[idx] = items;
        }
    }

    /// Stable LSD radix sort of `bottom` by its low `bytes` (1 or 2) bytes
    /// (the higher bytes are equal), leaving it in *descending* order with
    /// equal keys in reverse insertion order: counting sorts of indices (both
    /// histograms in one pass), then one in-place permutation of the elements.
    fn radix_sort_bottom_desc(&mut self, bytes: usize) {
        let n = self.bottom.len();
        let mut count = [[0u32; 257]; 2];
        for e in &self.bottom {
            count[0][(e.0 & 255) as usize + 1] += 1;
            count[1][((e.0 >> 8) & 255) as usize + 1] += 1;
        }
        self.order.clear();
        self.order.extend(0..n as u32);
        for (b, c) in count.iter_mut().enumerate().take(bytes) {
            for j in 1..257 {
                c[j] += c[j - 1];
            }
            self.tmp.clear();
            self.tmp.resize(n, 0);
            for &i in &self.order {
                let slot = &mut c[((self.bottom[i as usize].0 >> (8 * b)) & 255) as usize];
                self.tmp[*slot as usize] = i;
                *slot += 1;
            }
            std::mem::swap(&mut self.order, &mut self.tmp);
        }
        // rank[i] = final (descending) position of the element now at i; walk
        // each cycle, every swap putting one element in its final place.
        self.tmp.clear();
        self.tmp.resize(n, 0);
        for (k, &i) in self.order.iter().enumerate() {
            self.tmp[i as usize] = (n - 1 - k) as u32;
        }
        for i in 0..n {
            loop {
                let r = self.tmp[i] as usize;
                if r == i {
                    break;
                }
                self.bottom.swap(i, r);
                self.tmp.swap(i, r);
            }
        }
    }
}

/// Stable insertion sort by key (the runs are at most
/// [`INSERTION_SORT_AT_MOST`] long).
#[inline]
fn insertion_sort<T>(v: &mut [(u64, T)]) {
    for i in 1..v.len() {
        let k = v[i].0;
        let mut j = i;
        while j > 0 && v[j - 1].0 > k {
            j -= 1;
        }
        if j < i {
            v[j..=i].rotate_right(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Interleaved monotone pushes and pops come out in (key, insertion)
        /// order, like a binary heap on (time, sequence) — with many equal
        /// keys, keys inside the bottom run's range, and wide spreads.
        #[test]
        fn matches_time_then_sequence_order(
            ops in proptest::collection::vec((0u64..1000, 0u8..4, any::<bool>()), 1..600)
        ) {
            let mut q = RadixQueue::new();
            let mut reference = std::collections::BTreeSet::new();
            let mut now = 0u64;
            let mut seq = 0u64;
            for (delay, scale, pop) in ops {
                if pop {
                    let a = q.pop();
                    let b = reference.pop_first();
                    prop_assert_eq!(a, b);
                    if let Some((k, _)) = a { now = k; }
                } else {
                    seq += 1;
                    let key = now + match scale {
                        0 => delay % 3,          // ties
                        1 => delay,              // within a byte or two
                        2 => delay << 12,        // a few hundred per bucket
                        _ => delay << 30,        // wide spread
                    };
                    prop_assert!(q.push(key, seq));
                    reference.insert((key, seq));
                }
                prop_assert_eq!(q.len(), reference.len());
            }
            while let Some(b) = reference.pop_first() {
                prop_assert_eq!(q.pop(), Some(b));
            }
            prop_assert!(q.pop().is_none());
        }
    }

    #[test]
    fn radix_sorted_buckets_match_a_stable_sort() {
        // Buckets of level 1 and 2 with up to thousands of elements, many ties.
        let mut rng = crate::rng::trial_rng(5, 0);
        for (n, span) in [(30usize, 256u64), (500, 256), (3000, 65_536), (8000, 4096)] {
            let mut q = RadixQueue::new();
            let mut reference = Vec::new();
            let base = 1u64 << 30;
            for seq in 0..n as u64 {
                let k = base + u64::from(crate::rng::below(&mut rng, span as u32));
                q.push(k, seq);
                reference.push((k, seq));
            }
            reference.sort_by_key(|e| e.0);
            let got: Vec<(u64, u64)> = std::iter::from_fn(|| q.pop()).collect();
            assert_eq!(got, reference, "n={n} span={span}");
        }
    }

    #[test]
    fn refuses_keys_in_the_past() {
        let mut q = RadixQueue::new();
        assert!(q.push(10, 'a'));
        assert_eq!(q.pop(), Some((10, 'a')));
        assert!(!q.push(9, 'b'));
        assert!(q.is_empty());
    }

    #[test]
    fn equal_keys_are_fifo_across_redistributions_and_the_bottom_run() {
        let mut q = RadixQueue::new();
        for i in 0..40u32 {
            q.push(1 << 40, i);
            q.push(3 + u64::from(i % 2), 100 + i);
        }
        let mut order = Vec::new();
        // pop the first, then push more equal and in-range keys mid-run
        order.push(q.pop().unwrap().1);
        q.push(3, 200);
        q.push(4, 201);
        q.push(1 << 40, 40);
        order.extend(std::iter::from_fn(|| q.pop().map(|e| e.1)));
        let evens: Vec<u32> = (0..40).filter(|i| i % 2 == 0).map(|i| 100 + i).collect();
        let odds: Vec<u32> = (0..40).filter(|i| i % 2 == 1).map(|i| 100 + i).collect();
        let mut want = evens;
        want.push(200);
        want.extend(odds);
        want.push(201);
        want.extend(0..41);
        assert_eq!(order, want);
    }
}
