#!/usr/bin/env bash
# Anchor: push gossip of one rumor to n nodes in PeerSim's cycle-driven engine
# (CDSimulator + FullNextCycle), the same process as cclab's round mode and
# anchors/push_numpy.py. The protocol, the stopping control and the config are ours:
# anchors/peersim/{PushGossip.java,PushObserver.java,push.cfg}.
#
# PeerSim itself (GPL/LGPL, http://peersim.sourceforge.net/) is NOT part of cclab and this
# script neither downloads nor builds it: point PEERSIM_JAR at a PeerSim 1.0.x jar
# (default /work/peersim-build/peersim.jar). Without one it prints "skipped" and exits 0.
#
#   bench/peersim.sh                       # n = 10^6 five times, n = 10^5 once
#   PEERSIM_JAR=/path/peersim-1.0.5.jar REPS=3 bench/peersim.sh
#
# Prints, per n: the median wall time of the simulation proper (measured inside the
# control, from the start of cycle 0 to the cycle at which all n nodes are informed; JVM
# start-up, config parsing and building the n nodes excluded), the median JVM start-to-end
# time, and the cycles taken (≈ log2 n + ln n, about 34 for 10^6). The `anchor` lines are
# read by compare.py (sim_anchors.sh).
set -euo pipefail
source "$(dirname "$0")/common.sh"

JAR="${PEERSIM_JAR:-/work/peersim-build/peersim.jar}"
REPS="${REPS:-5}"
if [ ! -f "$JAR" ]; then
  echo "peersim: no PeerSim jar at $JAR (set PEERSIM_JAR)."
  echo "peersim: PeerSim must be obtained from http://peersim.sourceforge.net/ (1.0.x);"
  echo "peersim: this script does not download or build it."
  echo "peersim: skipped"
  exit 0
fi
if ! command -v javac >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "peersim: java/javac (JDK) not found"
  echo "peersim: skipped"
  exit 0
fi

SRC="$BENCH_DIR/anchors/peersim"
PS_OUT="$OUT/peersim"
rm -rf "$PS_OUT"
mkdir -p "$PS_OUT/classes"
javac -nowarn -cp "$JAR" -d "$PS_OUT/classes" "$SRC/PushGossip.java" "$SRC/PushObserver.java"
CP="$JAR:$PS_OUT/classes"

echo "peersim: jar $JAR"
echo "peersim: $(java -version 2>&1 | head -n 2 | tr '\n' ' ')"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# run_n N REPS: runs the config REPS times at N nodes (seed 1000+rep), prints the summary
run_n() {
  local n="$1" reps="$2" rep line t0 t1
  : >"$PS_OUT/runs_$n.txt"
  for rep in $(seq 1 "$reps"); do
    t0=$(date +%s%N)
    java -Xmx8g -cp "$CP" peersim.Simulator "$SRC/push.cfg" \
      "network.size $n" "random.seed $((1000 + rep))" \
      >"$PS_OUT/run_${n}_$rep.out" 2>"$PS_OUT/run_${n}_$rep.err"
    t1=$(date +%s%N)
    line=$(grep '^peersim_push ' "$PS_OUT/run_${n}_$rep.out" || true)
    if [ -z "$line" ]; then
      echo "peersim: run n=$n rep=$rep did not finish (see $PS_OUT/run_${n}_$rep.err)" >&2
      return 1
    fi
    echo "$line jvm_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')" \
      | tee -a "$PS_OUT/runs_$n.txt"
  done
  local sim jvm cyc
  sim=$(field sim_s <"$PS_OUT/runs_$n.txt" | median)
  jvm=$(field jvm_s <"$PS_OUT/runs_$n.txt" | median)
  cyc=$(field cycles <"$PS_OUT/runs_$n.txt" | median)
  echo "anchor peersim_push_$n $sim"
  echo "peersim push n=$n median_sim_s=$sim median_jvm_s=$jvm cycles_median=$cyc reps=$reps"
}

run_n 1000000 "$REPS"
run_n 100000 1
