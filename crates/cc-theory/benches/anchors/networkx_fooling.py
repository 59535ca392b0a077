"""Anchor for benches/theory.rs fooling/ip4_colour_{0,1}: largest fooling sets of IP_4
as maximum cliques of the fooling-compatibility graph, with networkx.
Run: python3 networkx_fooling.py   (pip install networkx)"""
import itertools
import statistics
import time

import networkx as nx

n = 4
N = 1 << n
M = [[bin(x & y).count("1") % 2 for y in range(N)] for x in range(N)]
for colour in (1, 0):
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        cells = [(x, y) for x in range(N) for y in range(N) if M[x][y] == colour]
        g = nx.Graph()
        g.add_nodes_from(range(len(cells)))
        for i, j in itertools.combinations(range(len(cells)), 2):
            (a, b), (c, d) = cells[i], cells[j]
            if a != c and b != d and (M[a][d] != colour or M[c][b] != colour):
                g.add_edge(i, j)
        clique, size = nx.max_weight_clique(g, weight=None)
        times.append(time.perf_counter() - t0)
    print(f"networkx IP_4 colour {colour}: largest fooling set {size}, median {statistics.median(times) * 1e3:.1f} ms")
