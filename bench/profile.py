#!/usr/bin/env python3
"""bench/run --profile's report: CPU samples per 1,000 requests by process and .NET namespace, each configuration
against the first. Each sample is attributed to the innermost managed frame on its stack (kernel time under a
managed call counts for the caller); stacks with no managed frame are shown by their innermost native symbol."""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"\[([A-Za-z0-9_.]+)\] ([A-Za-z0-9_.`+<>]+)::")
DEPTH = 5  # namespace + type, e.g. Cruddur.Telemetry.XRay.XRaySegmentWriter


def samples(run_dir):
    pids = dict(pair.split("=") for pair in open(f"{run_dir}/pids").read().split())
    names = {v: k for k, v in pids.items()}
    out = subprocess.run(["perf", "script", "-i", f"{run_dir}/perf.data", "-F", "pid,ip,sym"], capture_output=True, text=True).stdout
    counts = collections.Counter()
    for block in out.split("\n\n"):
        lines = [line for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        process = names.get(lines[0].split()[0], "?")
        key = None
        for line in lines[1:]:
            if m := FRAME.search(line):
                key = ".".join(m.group(2).split(".")[:DEPTH])
                break
        if key is None:
            parts = lines[1].split() if len(lines) > 1 else ["", "?"]
            key = "native " + (parts[1] if len(parts) > 1 else "?")[:40]
        counts[(process, key)] += 1
    return counts


def requests(run_dir):
    m = re.search(r"^\s+(\d+) requests in", open(f"{run_dir}/wrk.txt").read(), re.M)
    return int(m.group(1)) if m else 0


def main(dirs):
    base_dir, others = dirs[0], dirs[1:]
    base, base_n = samples(base_dir), requests(base_dir)
    name = lambda d: d.rstrip("/").rsplit("/", 1)[-1]
    for other in others:
        cur, n = samples(other), requests(other)
        print(f"\n{name(other)} against {name(base_dir)}: samples per 1,000 requests (perf -F 499; shares, not times)")
        for process in ("gateway", "silo"):
            b = {k: v * 1000 / base_n for (p, k), v in base.items() if p == process}
            c = {k: v * 1000 / n for (p, k), v in cur.items() if p == process}
            tb, tc = sum(b.values()), sum(c.values())
            print(f"  {process}: {tb:.1f} → {tc:.1f} (+{tc - tb:.1f}, {100 * (tc - tb) / tb:+.0f}%); largest increases:")
            rows = sorted(((c.get(k, 0) - b.get(k, 0), k) for k in set(b) | set(c)), reverse=True)[:15]
            for delta, key in rows:
                print(f"    {delta:+7.2f}  {b.get(key, 0):7.2f} → {c.get(key, 0):7.2f}  {key}")


if __name__ == "__main__":
    main(sys.argv[1:])
