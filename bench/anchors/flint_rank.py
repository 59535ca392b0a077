"""Anchor: rank of a rank-deficient 2048 x 2048 0/1 matrix with python-flint.

Rows come in triples a, b, a + b where a and b have disjoint random supports, so no row
repeats and removing duplicates does not help. Times nmod_mat(...).rank() modulo a word-size
prime (the figure cclab must beat) and, with --exact, fmpz_mat.rank() (minutes).
"""
import random
import statistics
import sys
import time

import flint

N = 2048
rng = random.Random(12345)
rows = []
while len(rows) < N:
    cols = list(range(N))
    rng.shuffle(cols)
    a = [0] * N
    b = [0] * N
    for c in cols[: N // 3]:
        a[c] = 1
    for c in cols[N // 3 : 2 * N // 3]:
        b[c] = 1
    s = [x + y for x, y in zip(a, b)]
    rows.extend([a, b, s])
rows = rows[:N]
assert len({tuple(r) for r in rows}) == N, "rows must be distinct"

P = (1 << 61) - 1 if "--p61" in sys.argv else 2**31 - 1
times = []
rank = None
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 3):
    m = flint.nmod_mat(rows, P)
    t0 = time.perf_counter()
    rank = m.rank()
    times.append(time.perf_counter() - t0)
print(f"anchor flint_nmod_rank_{N} {statistics.median(times):.6f}")
print(f"flint nmod_mat rank n={N} p={P} rank={rank} median_s={statistics.median(times):.3f} runs={len(times)}")
if "--exact" in sys.argv:
    t0 = time.perf_counter()
    r = flint.fmpz_mat(rows).rank()
    print(f"flint fmpz_mat exact rank={r} s={time.perf_counter() - t0:.1f}")
