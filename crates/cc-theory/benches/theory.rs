//! Speed targets of cc-theory (see the workspace's `bench/anchors/` for the reference
//! programs they are compared with).

#![allow(missing_docs)] // criterion_group! generates an undocumented pub fn
use std::hint::black_box;

use cc_theory::gf2::rank_gf2;
use cc_theory::matrix::BitMatrix;
use cc_theory::rank::{RankOptions, rank_q};
use cc_theory::{CommMatrix, named_matrix};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_bits(n: usize, seed: u64) -> BitMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    BitMatrix::from_fn(n, n, |_, _| rng.random::<bool>())
}

/// Rows a, b, a + b for random a, b with disjoint supports (no repeated rows).
fn deficient(n: usize, seed: u64) -> CommMatrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rows: Vec<Vec<u8>> = Vec::with_capacity(n);
    while rows.len() < n {
        let mut a = vec![0u8; n];
        let mut b = vec![0u8; n];
        for j in 0..n {
            match rng.random_range(0..3) {
                0 => a[j] = 1,
                1 => b[j] = 1,
                _ => {}
            }
        }
        let c: Vec<u8> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        for r in [a, b, c] {
            if rows.len() < n {
                rows.push(r);
            }
        }
    }
    CommMatrix::from_rows(&rows).expect("valid matrix")
}

/// Hard-ish 10 x 10 matrices for the exact `D(f)` search: found by a seeded hill climb
/// (random start, flip 1-3 cells, keep the change when the search needs at least as many
/// nodes) over uniformly random matrices, which the rank bound alone settles in microseconds.
/// Their D is 4 or 5 while the cheap lower bounds start lower, so the search must refute
/// every split at some depth.
const HARD_10X10: [[&str; 10]; 8] = [
    [
        "0001110111",
        "0001101101",
        "0010101001",
        "1110011000",
        "1010111000",
        "1111111110",
        "0001000001",
        "0110001001",
        "1001101100",
        "1001111100",
    ],
    [
        "0001000100",
        "0110101010",
        "1110111111",
        "0110001110",
        "1000101000",
        "1111100010",
        "1111001110",
        "1010000001",
        "1100011010",
        "0000110101",
    ],
    [
        "0011111101",
        "0000000100",
        "1111001110",
        "0101000100",
        "1100000110",
        "1010111100",
        "0111110001",
        "1000111001",
        "1110110011",
        "0010110001",
    ],
    [
        "0110011001",
        "0010101101",
        "0000011100",
        "0001000100",
        "0110011001",
        "1010100010",
        "0111000001",
        "0010101010",
        "1111010011",
        "0111011011",
    ],
    [
        "1010010101",
        "1100111111",
        "1110111000",
        "0001011001",
        "1010000000",
        "0100101010",
        "0101110100",
        "0101100110",
        "1111101010",
        "1110100110",
    ],
    [
        "1000011100",
        "1001100101",
        "0110011101",
        "0110011111",
        "1110110101",
        "0111011101",
        "1000101111",
        "0001001101",
        "1000100000",
        "0111011111",
    ],
    [
        "0001001110",
        "1100111000",
        "0111001000",
        "1100101101",
        "0001111001",
        "1000110101",
        "0011000101",
        "0111100101",
        "0001001110",
        "0111110000",
    ],
    [
        "0011100011",
        "1100101111",
        "0101000011",
        "1011100110",
        "1101000110",
        "1110101011",
        "1101000111",
        "1100101110",
        "1111000011",
        "0001100110",
    ],
];

fn parse_rows(rows: &[&str]) -> CommMatrix {
    let data: Vec<Vec<u8>> = rows
        .iter()
        .map(|r| r.bytes().map(|b| b - b'0').collect())
        .collect();
    CommMatrix::from_rows(&data).expect("valid matrix")
}

/// `n x n` Boolean products `[a_i & b_j != 0]` of random `k`-bit masks, `k` in 3..=5: low rank,
/// so the rank bound is weaker than on uniformly random matrices.
fn low_rank_boolean(n: usize, count: usize, seed: u64) -> Vec<CommMatrix> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let k = rng.random_range(3..=5u32);
            let a: Vec<u32> = (0..n)
                .map(|_| rng.random::<u32>() & ((1 << k) - 1))
                .collect();
            let b: Vec<u32> = (0..n)
                .map(|_| rng.random::<u32>() & ((1 << k) - 1))
                .collect();
            CommMatrix::from_bool_fn(n, n, |i, j| a[i] & b[j] != 0).expect("n x n")
        })
        .collect()
}

fn exact_d(m: &CommMatrix) -> u32 {
    let d = cc_theory::protocol::deterministic_complexity(m, u64::MAX).expect("exact D");
    assert_eq!(d.lower, d.upper);
    d.upper
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("rank_gf2");
    g.sample_size(20);
    for n in [2048, 4096] {
        let m = random_bits(n, 1);
        g.bench_function(format!("random_{n}"), |b| {
            b.iter(|| black_box(rank_gf2(black_box(&m)).rank))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("rank_q");
    g.sample_size(10);
    let m = deficient(2048, 2);
    let opts = RankOptions { max_work: 0 };
    g.bench_function("deficient_2048", |b| {
        b.iter(|| black_box(rank_q(black_box(&m), &opts).lower))
    });
    g.finish();
    let mut g = c.benchmark_group("fooling");
    g.sample_size(10);
    let ip4 = named_matrix("ip", 4, None).expect("ip_4");
    for colour in [1u8, 0] {
        g.bench_function(format!("ip4_colour_{colour}"), |b| {
            b.iter(|| {
                black_box(cc_theory::fooling::max_fooling_set(&ip4, colour, u64::MAX, &[]).lower)
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("deterministic");
    g.sample_size(10);
    // every named function at n = 4 (16 x 16; hamdist for each threshold; index with
    // k = 2 is 16 x 4 and with k = 4 is 65536 x 16, beyond the exact search's 64 rows)
    let mut named: Vec<(String, CommMatrix)> = Vec::new();
    for name in [
        "eq", "neq", "gt", "ge", "lt", "disj", "int", "ip", "maj", "hameq",
    ] {
        named.push((
            format!("{name}_4"),
            named_matrix(name, 4, None).expect("named"),
        ));
    }
    for t in 1..=3 {
        let m = named_matrix("hamdist", 4, Some(t)).expect("hamdist");
        named.push((format!("hamdist_4_t{t}"), m));
    }
    for k in [2, 4] {
        named.push((
            format!("index_{k}"),
            named_matrix("index", k, None).expect("index"),
        ));
    }
    for (id, m) in &named {
        g.bench_function(id.as_str(), |b| b.iter(|| black_box(exact_d(black_box(m)))));
    }
    let hard: Vec<CommMatrix> = HARD_10X10.iter().map(|r| parse_rows(r)).collect();
    g.bench_function("hard_10x10_x8", |b| {
        b.iter(|| hard.iter().map(exact_d).sum::<u32>())
    });
    let low = low_rank_boolean(12, 10, 4);
    g.bench_function("low_rank_12x12_x10", |b| {
        b.iter(|| low.iter().map(exact_d).sum::<u32>())
    });
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let randoms: Vec<CommMatrix> = (0..10)
        .map(|_| CommMatrix::from_bool_fn(12, 12, |_, _| rng.random::<bool>()).expect("12x12"))
        .collect();
    g.bench_function("random_12x12_x10", |b| {
        b.iter(|| randoms.iter().map(exact_d).sum::<u32>())
    });
    g.finish();
    let mut g = c.benchmark_group("cover");
    g.sample_size(10);
    let eq4 = named_matrix("eq", 4, None).expect("eq_4");
    g.bench_function("c0_eq4", |b| {
        b.iter(|| {
            black_box(
                cc_theory::cover::cover_number(
                    &eq4,
                    0,
                    cc_theory::cover::CoverKind::Cover,
                    u64::MAX,
                )
                .map(|c| c.lower),
            )
        })
    });
    g.finish();
}

criterion_group!(theory, benches);
criterion_main!(theory);
