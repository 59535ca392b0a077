#!/usr/bin/env bash
# cc-theory against its anchors, in one run: M4RI (GF(2) rank), python-flint (rank mod p),
# networkx (maximum clique = largest fooling set). Not part of CI.
source "$(dirname "$0")/common.sh"
need_debian libm4ri-dev pkg-config gcc
need_python numpy python-flint networkx

cc -O2 "$BENCH_DIR/anchors/m4ri_rank.c" -o "$OUT/m4ri_rank" $(pkg-config --cflags --libs m4ri)
echo "== anchors"
"$OUT/m4ri_rank" 2048 21
"$OUT/m4ri_rank" 4096 11
"$PY" "$BENCH_DIR/anchors/flint_rank.py" 3
"$PY" "$BENCH_DIR/anchors/clique_ip4.py"
echo "== cclab (criterion medians)"
cd "$ROOT"
cargo bench -p cc-theory 2>&1 | grep -E "^[a-zA-Z0-9_/ -]+time:|^[a-z].*\s+time:" || cargo bench -p cc-theory
