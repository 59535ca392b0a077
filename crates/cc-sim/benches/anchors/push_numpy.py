"""Anchor: vectorised numpy push gossip of one rumor (random phone call).

Same protocol as cc_sim::round Spread::Push with fanout 1: in each round
every node informed before the round pushes to a uniformly random other
node. Prints the median wall time over repetitions.

    python3 push_numpy.py [n=1000000] [reps=11]
"""
import sys
import time

import numpy as np


def push(n, rng):
    informed = np.zeros(n, dtype=bool)
    informed[0] = True
    count, rounds, msgs = 1, 0, 0
    while count < n:
        rounds += 1
        senders = np.flatnonzero(informed)
        targets = rng.integers(0, n - 1, size=senders.size)
        targets += targets >= senders  # uniform over the other n-1 nodes
        informed[targets] = True
        msgs += senders.size
        count = int(np.count_nonzero(informed))
    return rounds, msgs


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    times, cpu, rounds = [], [], []
    for seed in range(reps):
        rng = np.random.default_rng(seed)
        t0, c0 = time.perf_counter(), time.process_time()
        r, _ = push(n, rng)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        rounds.append(r)
    times.sort()
    cpu.sort()
    print(f"numpy push n={n}: median {times[len(times) // 2] * 1e3:.1f} ms wall "
          f"(min {times[0] * 1e3:.1f}, max {times[-1] * 1e3:.1f}), "
          f"median {cpu[len(cpu) // 2] * 1e3:.1f} ms cpu, "
          f"mean rounds {sum(rounds) / len(rounds):.2f}, reps {reps}")


if __name__ == "__main__":
    main()
