#!/usr/bin/env bash
# cc-sim against its anchors, in one run: a vectorised numpy push-gossip loop (10^6 nodes) and
# SimPy's event loop. Not part of CI.
source "$(dirname "$0")/common.sh"
need_python numpy simpy
echo "== anchors"
"$PY" "$BENCH_DIR/anchors/push_numpy.py" 1000000 7
"$PY" "$BENCH_DIR/anchors/simpy_events.py"
"$PY" "$BENCH_DIR/anchors/push_simpy.py" 20000 5
echo "== cclab (criterion medians)"
cd "$ROOT"
cargo bench -p cc-sim 2>&1 | grep -E "time:" -B1 || cargo bench -p cc-sim
