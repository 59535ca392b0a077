"""Anchor: push gossip of one rumor to n nodes, random phone call model, vectorised numpy.

Each round every informed node calls one node chosen uniformly among the other n - 1 and
informs it. Prints the median wall time of the whole spread and its round count.
"""
import statistics
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 7
times, rounds_seen = [], []
for rep in range(reps):
    rng = np.random.default_rng(rep)
    t0 = time.perf_counter()
    informed = np.zeros(n, dtype=bool)
    informed[0] = True
    rounds = 0
    count = 1
    while count < n:
        callers = np.flatnonzero(informed)
        targets = rng.integers(0, n - 1, size=callers.size)
        targets += targets >= callers  # uniform over the other n - 1 nodes
        informed[targets] = True
        count = int(informed.sum())
        rounds += 1
    times.append(time.perf_counter() - t0)
    rounds_seen.append(rounds)
print(f"anchor numpy_push_{n} {statistics.median(times):.6f}")
print(f"numpy push n={n} median_s={statistics.median(times):.4f} rounds_median={statistics.median(rounds_seen)} reps={reps}")
