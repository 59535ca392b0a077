"""Anchor: largest 1- and 0-fooling sets of IP_4 (16 x 16) by networkx maximum clique.

Cells (x, y) with f(x, y) = b are vertices; two cells (x1, y1), (x2, y2) are compatible when
f(x1, y2) != b or f(x2, y1) != b. A fooling set for colour b is a clique of this graph.
"""
import statistics
import time

import networkx as nx


def ip(x, y):
    return bin(x & y).count("1") % 2


def fooling_graph(n, b):
    size = 1 << n
    cells = [(x, y) for x in range(size) for y in range(size) if ip(x, y) == b]
    g = nx.Graph()
    g.add_nodes_from(range(len(cells)))
    for i, (x1, y1) in enumerate(cells):
        for j in range(i + 1, len(cells)):
            x2, y2 = cells[j]
            if x1 != x2 and y1 != y2 and (ip(x1, y2) != b or ip(x2, y1) != b):
                g.add_edge(i, j)
    return g


for b in (1, 0):
    g = fooling_graph(4, b)
    times = []
    size = None
    for _ in range(3):
        t0 = time.perf_counter()
        clique, size = nx.max_weight_clique(g, weight=None)
        times.append(time.perf_counter() - t0)
    print(f"anchor networkx_ip4_colour{b} {statistics.median(times):.6f}")
    print(f"networkx max clique IP_4 colour={b} size={size} median_s={statistics.median(times):.3f}")
