"""Anchor: the same push gossip as a SimPy discrete-event simulation.

Each informed node is a SimPy process that, once per round (timeout 1),
pushes to a uniformly random other node; a push is an event delivered
after 0.5 time units. Prints the median wall time and the event rate.

    python3 push_simpy.py [n=20000] [reps=5]
"""
import random
import sys
import time

import simpy


def run(n, seed):
    rnd = random.Random(seed)
    env = simpy.Environment()
    informed = [False] * n
    state = {"count": 1, "events": 0}
    done = env.event()

    def node(v):
        while not done.triggered:
            yield env.timeout(1)
            u = rnd.randrange(n - 1)
            if u >= v:
                u += 1
            env.process(deliver(u))

    def deliver(u):
        yield env.timeout(0.5)
        state["events"] += 1
        if not informed[u]:
            informed[u] = True
            state["count"] += 1
            env.process(node(u))
            if state["count"] == n and not done.triggered:
                done.succeed()

    informed[0] = True
    env.process(node(0))
    env.run(until=done)
    return env.now, state["events"]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    times, events = [], 0
    for seed in range(reps):
        t0 = time.perf_counter()
        _, ev = run(n, seed)
        times.append(time.perf_counter() - t0)
        events += ev
    times.sort()
    med = times[len(times) // 2]
    print(f"anchor simpy_push_{n} {med:.6f}")
    print(f"simpy push n={n}: median {med * 1e3:.1f} ms, "
          f"{events / reps / med / 1e6:.3f} M deliveries/s, reps {reps}")


if __name__ == "__main__":
    main()
