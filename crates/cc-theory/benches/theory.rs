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
    for name in ["eq", "gt", "ip", "disj", "maj", "hameq"] {
        let m = named_matrix(name, 4, None).expect("named");
        g.bench_function(format!("{name}_4"), |b| {
            b.iter(|| {
                black_box(
                    cc_theory::protocol::deterministic_complexity(&m, u64::MAX).map(|d| d.upper),
                )
            })
        });
    }
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let randoms: Vec<CommMatrix> = (0..10)
        .map(|_| CommMatrix::from_bool_fn(12, 12, |_, _| rng.random::<bool>()).expect("12x12"))
        .collect();
    g.bench_function("random_12x12_x10", |b| {
        b.iter(|| {
            for m in &randoms {
                black_box(
                    cc_theory::protocol::deterministic_complexity(m, u64::MAX).map(|d| d.upper),
                )
                .ok();
            }
        })
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
