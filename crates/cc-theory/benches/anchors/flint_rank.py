"""Anchor for benches/theory.rs rank_q/deficient_2048: python-flint nmod_mat rank of a
2048 x 2048 0/1 matrix with rows a, b, a+b (a, b random with disjoint supports).
Run: python3 flint_rank.py   (pip install python-flint numpy)"""
import statistics
import time

import flint
import numpy as np

rng = np.random.default_rng(2)
n = 2048
rows = []
while len(rows) < n:
    choice = rng.integers(0, 3, n)
    a = (choice == 0).astype(int)
    b = (choice == 1).astype(int)
    for r in (a, b, a + b):
        if len(rows) < n:
            rows.append([int(v) for v in r])
p = 2097143  # the largest prime below 2^21, as in cc-theory
times = []
for _ in range(5):
    m = flint.nmod_mat(rows, p)
    t0 = time.perf_counter()
    r = m.rank()
    times.append(time.perf_counter() - t0)
print(f"flint nmod_mat rank={r} median={statistics.median(times):.3f} s")
