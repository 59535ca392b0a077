#!/usr/bin/env bash
# cc-theory against its anchors, in one run: M4RI (GF(2) rank), python-flint (rank mod p),
# networkx (maximum clique = largest fooling set). Not part of CI.
source "$(dirname "$0")/common.sh"
need_debian libm4ri-dev pkg-config gcc
need_python numpy python-flint networkx
ANCH="$OUT/theory_anchors.txt"
: >"$ANCH"

cc -O2 "$BENCH_DIR/anchors/m4ri_rank.c" -o "$OUT/m4ri_rank" $(pkg-config --cflags --libs m4ri)
echo "== anchors"
"$OUT/m4ri_rank" 2048 21 | tee -a "$ANCH"
"$OUT/m4ri_rank" 4096 11 | tee -a "$ANCH"
"$PY" "$BENCH_DIR/anchors/flint_rank.py" 3 | tee -a "$ANCH"
"$PY" "$BENCH_DIR/anchors/clique_ip4.py" | tee -a "$ANCH"
echo "== cclab (criterion)"
cd "$ROOT"
cargo bench -p cc-theory 2>&1 | grep -E "time:" -B1
echo "== ratios (same run)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
"$PY" "$BENCH_DIR/compare.py" "$ANCH" "$TARGET" \
  "rank_gf2/random_2048=m4ri_rank_2048=≥0.5× (within 2× of M4RI)" \
  "rank_gf2/random_4096=m4ri_rank_4096=≥0.5× (within 2× of M4RI)" \
  "rank_q/deficient_2048=flint_nmod_rank_2048=>1×" \
  "fooling/ip4_colour_1=networkx_ip4_colour1" \
  "fooling/ip4_colour_0=networkx_ip4_colour0"
