#!/usr/bin/env bash
# Runs a cclab grid as a Slurm job array on a single-node Slurm on this machine (slurmctld and
# slurmd on localhost, Debian's slurm-wlm), merges the shards and checks that the merge is
# byte-identical to the unsharded run. Not run by CI: it installs Debian packages and starts
# daemons (root needed). Everything it configures lives in a temporary directory; the
# daemons are stopped on exit.
#
#   bash bench/slurm-grid.sh [GRID.toml] [N]     # defaults: a 96-point grid, 7 shards
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${2:-7}
WORK=$(mktemp -d /tmp/cclab-slurm.XXXXXX)
GRID=${1:-$WORK/grid.toml}
if [ -z "${1:-}" ]; then
  cat > "$GRID" <<'TOML'
protocols = ["push", "flood", "tree", "plumtree", "raft", "2pc"]
nodes = [100]
nodes_by_protocol = { raft = [5] }
latency_ms = [1, 50]
loss = [0, 0.01]
bandwidth_mbps = [1000, 10]
jitter_ms = [0, 10]
trials = 10
seed = 2026
TOML
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "==> installing slurm-wlm and munge (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
echo "==> $(slurmctld -V)"

echo "==> building cclab (release) and putting it on PATH"
cargo build --release -q -p cclab
export PATH="$ROOT/target/release:$PATH"

echo "==> munge key and daemon"
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- munged 2>/dev/null || munged --force

HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$WORK/spool/ctld" "$WORK/spool/d" "$WORK/out"
export SLURM_CONF="$WORK/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=cclab
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/spool/ctld
SlurmdSpoolDir=$WORK/spool/d
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
cleanup() {
  [ -f "$WORK/slurmd.pid" ] && kill "$(cat "$WORK/slurmd.pid")" 2>/dev/null || true
  [ -f "$WORK/slurmctld.pid" ] && kill "$(cat "$WORK/slurmctld.pid")" 2>/dev/null || true
}
trap cleanup EXIT
echo "==> slurmctld and slurmd on $HOST ($CPUS CPUs)"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed' && break; sleep 1; done
sinfo

echo "==> sbatch --array=0-$((N - 1)) docs/grid/slurm-array.sbatch"
cd "$WORK"
START=$(date +%s.%N)
sbatch --wait --array=0-$((N - 1)) --cpus-per-task=1 "$ROOT/docs/grid/slurm-array.sbatch" "$GRID" "$WORK/out" "$N"
END=$(date +%s.%N)
sacct -X -n -o JobID,State,Elapsed 2>/dev/null | tail -n "$N" || squeue
ls -l "$WORK/out"

echo "==> merge and compare with the unsharded run"
cclab merge "$WORK"/out/shard-*.json --out "$WORK/merged.json"
cclab grid "$GRID" --out "$WORK/whole.json" >/dev/null
cmp "$WORK/merged.json" "$WORK/whole.json"
echo "merged $N shards = unsharded run, byte for byte ($(wc -c < "$WORK/whole.json") bytes, $(grep -c '"index"' "$WORK/whole.json") points)"
printf 'array wall time: %.1f s\n' "$(echo "$END - $START" | bc)"
echo "work directory: $WORK"
