"""Print cclab's criterion medians next to the anchors measured in the same run.

    python3 compare.py ANCHORS_FILE TARGET_DIR PAIR [PAIR ...]

ANCHORS_FILE holds the `anchor <label> <value>` lines the anchor scripts print (seconds, or
a rate when the label ends in `_per_s`). Each PAIR is `criterion_id=anchor_label[=target]`:
for a time the table shows anchor / cclab (how many times faster cclab is); for a rate it
shows cclab's rate (criterion's element throughput) / the anchor's rate. `target` is the
ratio the issue asks for, printed next to the measured one. A pair whose side is missing is
listed as not measured, never silently dropped.
"""
import json
import os
import sys


def anchors(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "anchor":
                out[parts[1]] = float(parts[2])
    return out


def criterion(target, bench_id):
    base = os.path.join(target, "criterion", *bench_id.split("/"), "new")
    try:
        with open(os.path.join(base, "estimates.json")) as f:
            median_ns = json.load(f)["median"]["point_estimate"]
        with open(os.path.join(base, "benchmark.json")) as f:
            thr = json.load(f).get("throughput") or {}
    except FileNotFoundError:
        return None, None
    elements = thr.get("Elements") if isinstance(thr, dict) else None
    return median_ns / 1e9, elements


def fmt_s(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    anc = anchors(sys.argv[1])
    target = sys.argv[2]
    print("| cclab bench | cclab median | anchor | anchor value | ratio | target |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for pair in sys.argv[3:]:
        fields = pair.split("=")
        bench_id, label = fields[0], fields[1]
        goal = fields[2] if len(fields) > 2 else ""
        secs, elements = criterion(target, bench_id)
        a = anc.get(label)
        if secs is None or a is None:
            print(f"| {bench_id} | {fmt_s(secs) if secs else 'not measured'} | {label} | "
                  f"{a if a is not None else 'not measured'} | — | {goal} |")
            continue
        if label.endswith("_per_s"):
            rate = (elements or 0) / secs
            print(f"| {bench_id} | {rate / 1e6:.2f} M/s | {label} | {a / 1e6:.3f} M/s | "
                  f"{rate / a:.1f}× | {goal} |")
        else:
            print(f"| {bench_id} | {fmt_s(secs)} | {label} | {fmt_s(a)} | {a / secs:.1f}× | {goal} |")


if __name__ == "__main__":
    main()
