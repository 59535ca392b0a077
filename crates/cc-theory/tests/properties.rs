//! Property tests: theorems pinned on random matrices.

use cc_theory::CommMatrix;
use cc_theory::fooling::{max_fooling_set, verify_fooling_set};
use cc_theory::gf2::{rank_gf2, rank_gf2_plain};
use cc_theory::rank::{
    RankOptions, bareiss_rank, modulus, rank_gf2_of, rank_mod_p, rank_q, verify_rank,
};
use proptest::prelude::*;

fn boolean_matrix(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    (1..=max, 1..=max)
        .prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(0u8..2, c), r))
}

fn perm(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<_>>()).prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// rank_F(M) <= number of distinct rows (and columns), every rank certificate verifies,
    /// and Bareiss over Z agrees with the rank modulo a prime >= 2^20 on small 0/1 matrices.
    #[test]
    fn ranks_bounded_and_certified(rows in boolean_matrix(9)) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let red = m.reduce();
        let rq = rank_q(&m, &RankOptions::default());
        let r2 = rank_gf2_of(&m);
        prop_assert!(rq.upper_certified);
        prop_assert_eq!(rq.lower, rq.upper);
        prop_assert!(rq.upper <= red.matrix.rows().min(red.matrix.cols()));
        prop_assert!(r2.upper <= red.matrix.rows().min(red.matrix.cols()));
        prop_assert!(r2.upper <= rq.upper, "rank over GF(2) never exceeds rank over Q for integer matrices");
        verify_rank(&m, &rq).unwrap();
        verify_rank(&m, &r2).unwrap();
        let vals: Vec<u32> = rows.iter().flatten().map(|&v| u32::from(v)).collect();
        let iv: Vec<i64> = vals.iter().map(|&v| i64::from(v)).collect();
        let (b, ..) = bareiss_rank(&iv, m.rows(), m.cols()).unwrap();
        prop_assert_eq!(b, rank_mod_p(&vals, m.rows(), m.cols(), modulus(0)).rank);
        prop_assert_eq!(b, rq.lower);
        prop_assert_eq!(rank_gf2(m.to_bits().as_ref().unwrap()).rank, rank_gf2_plain(&m.to_bits().unwrap()));
    }

    /// Ranks are invariant under row/column permutation, duplication of a row, and transposition.
    #[test]
    fn rank_invariances(rows in boolean_matrix(8), seed in any::<u64>()) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let (r, c) = (m.rows(), m.cols());
        let pr: Vec<usize> = { let mut v: Vec<usize> = (0..r).collect(); let k = (seed as usize) % r; v.rotate_left(k); v.reverse(); v };
        let pc: Vec<usize> = { let mut v: Vec<usize> = (0..c).collect(); let k = (seed as usize / 7) % c; v.rotate_left(k); v };
        let permuted = CommMatrix::from_fn(r, c, |i, j| m.get(pr[i], pc[j])).unwrap();
        let dup = CommMatrix::from_fn(r + 1, c, |i, j| m.get(if i == r { (seed as usize) % r } else { i }, j)).unwrap();
        let t = m.transpose();
        let o = RankOptions::default();
        let base_q = rank_q(&m, &o).lower;
        let base_2 = rank_gf2_of(&m).lower;
        for other in [&permuted, &dup, &t] {
            prop_assert_eq!(rank_q(other, &o).lower, base_q);
            prop_assert_eq!(rank_gf2_of(other).lower, base_2);
        }
    }

    /// Every largest fooling set verifies, and (Dietzfelbinger-Hromkovic-Schnitger 1996)
    /// |S_1| <= rk_F(M)^2 and |S_0| <= rk_F(J - M)^2 for F = Q and GF(2);
    /// also |S_b| <= min(distinct rows, distinct columns).
    #[test]
    fn fooling_sets_verified_and_rank_bounded(rows in boolean_matrix(7)) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let j_m = m.complement().unwrap();
        let red = m.reduce();
        let o = RankOptions::default();
        for colour in [0u8, 1] {
            let f = max_fooling_set(&m, colour, u64::MAX, &[]);
            prop_assert_eq!(f.lower, f.upper);
            prop_assert_eq!(f.set.len(), f.lower);
            verify_fooling_set(&m, &f.set, colour).unwrap();
            let target = if colour == 1 { &m } else { &j_m };
            let rq = rank_q(target, &o).upper;
            let r2 = rank_gf2_of(target).upper;
            prop_assert!(f.lower <= rq * rq);
            prop_assert!(f.lower <= r2 * r2);
            prop_assert!(f.lower <= red.matrix.rows().min(red.matrix.cols()));
        }
    }

    /// Largest fooling sets are invariant under row/column permutation and transposition.
    #[test]
    fn fooling_invariances(rows in boolean_matrix(6), p in perm(6)) {
        let m = CommMatrix::from_rows(&rows).unwrap();
        let (r, c) = (m.rows(), m.cols());
        let pr: Vec<usize> = p.iter().copied().filter(|&i| i < r).collect();
        let permuted = CommMatrix::from_fn(r, c, |i, j| m.get(pr[i], j)).unwrap();
        for colour in [0u8, 1] {
            let a = max_fooling_set(&m, colour, u64::MAX, &[]).lower;
            prop_assert_eq!(max_fooling_set(&permuted, colour, u64::MAX, &[]).lower, a);
            prop_assert_eq!(max_fooling_set(&m.transpose(), colour, u64::MAX, &[]).lower, a);
        }
    }

    /// rank_Q(f o AND) = number of monomials of the multilinear polynomial of f
    /// (f on n <= 4 bits given by its truth table).
    #[test]
    fn rank_of_and_composition_counts_monomials(n in 1u32..=4, table in any::<u16>()) {
        let size = 1usize << n;
        let f = |z: usize| ((table >> z) & 1) as i64;
        // Moebius transform: coefficients of the multilinear polynomial
        let mut coef: Vec<i64> = (0..size).map(f).collect();
        for b in 0..n {
            for s in 0..size {
                if (s >> b) & 1 == 1 {
                    coef[s] -= coef[s ^ (1 << b)];
                }
            }
        }
        let monomials = coef.iter().filter(|&&c| c != 0).count();
        let m = CommMatrix::from_fn(size, size, |x, y| f(x & y) as u8).unwrap();
        prop_assert_eq!(rank_q(&m, &RankOptions::default()).lower, monomials);
    }
}

/// Closed forms on named functions.
#[test]
fn closed_forms() {
    let o = RankOptions::default();
    for n in 1..=6u32 {
        let ip = cc_theory::named_matrix("ip", n, None).unwrap();
        assert_eq!(rank_gf2_of(&ip).lower, n as usize, "rank_GF2(IP_n) = n");
        let rq = rank_q(&ip, &o);
        assert_eq!(
            (rq.lower, rq.upper_certified),
            ((1 << n) - 1, true),
            "rank_Q(IP_n) = 2^n - 1"
        );
        let eq = cc_theory::named_matrix("eq", n, None).unwrap();
        assert_eq!(rank_q(&eq, &o).lower, 1 << n);
        assert_eq!(rank_gf2_of(&eq).lower, 1 << n);
        let d = cc_theory::named_matrix("disj", n, None).unwrap();
        assert_eq!(
            rank_q(&d, &o).lower,
            1 << n,
            "DISJ = NOR o AND has all 2^n monomials"
        );
    }
    // Kushilevitz's function has 6 + 15 + 10 = 31 monomials
    let k = cc_theory::named_matrix("kushilevitz-and", 6, None).unwrap();
    let rk = rank_q(&k, &o);
    assert_eq!(rk.lower, 31);
    assert!(rk.upper_certified);
    verify_rank(&k, &rk).unwrap();
}

/// Largest 0-fooling set of EQ_n is 3 for n >= 2 (verified exhaustively by the
/// branch and bound, and by brute force for n = 2 in the unit tests).
#[test]
fn eq_zero_fooling_is_three() {
    for n in 2..=5u32 {
        let eq = cc_theory::named_matrix("eq", n, None).unwrap();
        let f = max_fooling_set(&eq, 0, u64::MAX, &[]);
        assert_eq!((f.lower, f.upper), (3, 3), "n = {n}");
        verify_fooling_set(&eq, &f.set, 0).unwrap();
    }
    let eq1 = cc_theory::named_matrix("eq", 1, None).unwrap();
    assert_eq!(max_fooling_set(&eq1, 0, u64::MAX, &[]).lower, 2);
}

mod issue4 {
    use cc_theory::CommMatrix;
    use cc_theory::analyze::ceil_log2;
    use cc_theory::cover::{CoverKind, cover_number, verify_cover};
    use cc_theory::discrepancy::{discrepancy_uniform, rectangle_bias};
    use cc_theory::fooling::max_fooling_set;
    use cc_theory::protocol::{
        deterministic_complexity, one_way, parse_protocol_tree, verify_protocol_tree,
    };
    use cc_theory::rank::{RankOptions, rank_gf2_of, rank_q};
    use proptest::prelude::*;

    fn boolean_matrix(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
        (1..=max, 1..=max).prop_flat_map(|(r, c)| {
            proptest::collection::vec(proptest::collection::vec(0u8..2, c), r)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// D(f) is exact, its tree verifies and round-trips through the text format,
        /// and the chain log2 rk <= log2 chi <= D <= min one-way holds,
        /// together with fool_b <= C^b <= chi_b and rk_F(M) <= chi_1.
        #[test]
        fn deterministic_and_relations(rows in boolean_matrix(6)) {
            let m = CommMatrix::from_rows(&rows).unwrap();
            let d = deterministic_complexity(&m, u64::MAX).unwrap();
            prop_assert_eq!(d.lower, d.upper);
            prop_assert_eq!(verify_protocol_tree(&m, &d.tree), Ok(d.upper));
            prop_assert_eq!(parse_protocol_tree(&d.tree.to_text()).unwrap(), d.tree.clone());
            let (ab, ba) = one_way(&m);
            prop_assert!(d.upper <= ab.min(ba));
            let mut chi = 0;
            for colour in [0u8, 1] {
                let f = max_fooling_set(&m, colour, u64::MAX, &[]).lower;
                let c = cover_number(&m, colour, CoverKind::Cover, u64::MAX).unwrap();
                let p = cover_number(&m, colour, CoverKind::Partition, u64::MAX).unwrap();
                prop_assert_eq!(c.lower, c.upper);
                prop_assert_eq!(p.lower, p.upper);
                verify_cover(&m, &c.rectangles, colour, CoverKind::Cover).unwrap();
                verify_cover(&m, &p.rectangles, colour, CoverKind::Partition).unwrap();
                prop_assert!(f <= c.upper && c.upper <= p.upper);
                if colour == 1 {
                    prop_assert!(rank_q(&m, &RankOptions::default()).lower <= p.upper);
                    prop_assert!(rank_gf2_of(&m).lower <= p.upper);
                }
                chi += p.upper;
            }
            prop_assert!(ceil_log2(chi as u64) <= u64::from(d.upper));
            let disc = discrepancy_uniform(&m).unwrap();
            prop_assert_eq!(rectangle_bias(&m, &disc.rows, &disc.cols), Some(disc.bias));
            prop_assert!(disc.randomized_lower_bound <= d.upper);
        }
    }
}
