"""Anchor: raw discrete-event throughput of SimPy (timeouts scheduled and processed per second)."""
import statistics
import time

import simpy

EVENTS = 200_000


def ticker(env, k):
    while True:
        yield env.timeout(1 + (k % 7))


times = []
for _ in range(3):
    env = simpy.Environment()
    for k in range(1000):
        env.process(ticker(env, k))
    t0 = time.perf_counter()
    # 1000 processes, each ~1 event per 4 time units on average: run until about EVENTS events.
    env.run(until=EVENTS * 4 // 1000)
    times.append(time.perf_counter() - t0)
med = statistics.median(times)
print(f"anchor simpy_events_per_s {EVENTS / med:.1f}")
print(f"simpy events~{EVENTS} median_s={med:.3f} events_per_s={EVENTS / med:,.0f}")
