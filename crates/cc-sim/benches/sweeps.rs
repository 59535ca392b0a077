//! Criterion bench of the safety sweeps: `sweep/<protocol>` runs the
//! protocol's 10,000-schedule sweep ([`cc_sim::sweep::sweep`], seed 0,
//! default size) on every core rayon finds — the target is under a
//! minute each on 2 cores.
#![allow(missing_docs)]

use cc_sim::sweep::{sweep, sweepable};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn sweeps(c: &mut Criterion) {
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(5));
    for (p, _) in sweepable() {
        let name = p.name();
        g.bench_function(name, |b| {
            b.iter(|| {
                let r = sweep(name, None, 0, 10_000, None).expect("sweep runs");
                assert_eq!(r.findings.violating_runs, 0, "{name}");
                black_box(r.findings.runs)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sweeps);
criterion_main!(benches);
