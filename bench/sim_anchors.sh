#!/usr/bin/env bash
# cc-sim against its anchors, in one run, on the same task:
#   push gossip of one rumor to 10^6 nodes — a vectorised numpy round loop, the same
#   push gossip as a SimPy discrete-event simulation, and PeerSim's cycle-driven engine
#   (when a PeerSim jar is available, see peersim.sh); and SimPy's raw event loop against
#   cc-sim's discrete-event mode. Not part of CI: it installs packages and takes ~10 minutes.
#
#   bench/sim_anchors.sh            # everything
#   SIMPY_FULL=0 bench/sim_anchors.sh   # SimPy push at 10^5 only (its 10^6 run takes minutes)
source "$(dirname "$0")/common.sh"
need_python numpy simpy
ANCH="$OUT/sim_anchors.txt"
: >"$ANCH"
# Build the benches first, so that the anchors and criterion run back to back.
(cd "$ROOT" && cargo bench -p cc-sim --bench engine --no-run 2>&1 | tail -1)
echo "== $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"
echo "== anchors"
"$PY" "$BENCH_DIR/anchors/simpy_events.py" | tee -a "$ANCH"
"$PY" "$BENCH_DIR/anchors/push_simpy.py" 100000 3 | tee -a "$ANCH"
if [ "${SIMPY_FULL:-1}" = 1 ]; then
  "$PY" "$BENCH_DIR/anchors/push_simpy.py" 1000000 1 | tee -a "$ANCH"
fi
bash "$BENCH_DIR/peersim.sh" | tee -a "$ANCH" || echo "peersim: failed (see above)"
# numpy last, right before criterion: the headline ratio's two sides run minutes apart at most
"$PY" "$BENCH_DIR/anchors/push_numpy.py" 1000000 7 | tee -a "$ANCH"
echo "== cclab (criterion)"
cd "$ROOT"
cargo bench -p cc-sim --bench engine 2>&1 | grep -E "time:|thrpt:" -B1
echo "== $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"
echo "== ratios (same run)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
"$PY" "$BENCH_DIR/compare.py" "$ANCH" "$TARGET" \
  "round/push_1e6=numpy_push_1000000=≥3×" \
  "round/push_1e6=peersim_push_1000000=≥30×" \
  "round/push_1e6=simpy_push_1000000=≥1000×" \
  "round/push_1e5=simpy_push_100000=≥1000× (same n)" \
  "des/hold_1e4=simpy_events_per_s" \
  "des/flood_regular8_1e5=simpy_events_per_s"
