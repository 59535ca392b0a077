# Shared set-up of the anchor scripts: a private Python venv and Debian packages.
# Sourced, not run. Installs only what is missing.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT="$BENCH_DIR/out"
mkdir -p "$OUT"

need_python() {
  if [ ! -x "$BENCH_DIR/.venv/bin/python" ]; then
    python3 -m venv "$BENCH_DIR/.venv"
  fi
  "$BENCH_DIR/.venv/bin/pip" install --quiet "$@"
}
PY="$BENCH_DIR/.venv/bin/python"

need_debian() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}
