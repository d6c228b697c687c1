#!/usr/bin/env python3
"""bench/timeline's client side: creates authors and followers through the API, fills a reader's home timeline,
posts in a closed loop for the memory phase, and prints the table / writes the JSON. Standard library only."""
import http.client
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (bench/report.py: wrk parsing, JSON-lines records)


def log(msg):
    print(f"[timeline {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Client:
    """One keep-alive connection (one per thread)."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, user=None, body=None, timeout=30):
        headers = {}
        if user:
            headers["X-Cruddur-User"] = user
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                return resp.status, payload
            except (OSError, http.client.HTTPException):
                self.conn = None
                if attempt == 2:
                    raise


_local = threading.local()


def client(port):
    if getattr(_local, "client", None) is None or _local.client.port != port:
        _local.client = Client(port)
    return _local.client


def expect(status, payload, wanted, what):
    if status != wanted:
        raise SystemExit(f"{what}: HTTP {status} (wanted {wanted}): {payload[:300]!r}")


def setup(port, fans, workers=16):
    """author_F posts once (a first post creates a person), then f_F_1..f_F_F follow author_F, concurrently."""
    c = Client(port)
    for f in fans:
        s, p = c.call("POST", "/api/activities", f"author_{f}", {"message": f"hello from author_{f}", "ttl": "1-day"})
        expect(s, p, 200, f"create author_{f}")
    jobs = [(f, i) for f in fans for i in range(1, f + 1)]
    failures = []
    started = time.monotonic()

    def follow(job):
        f, i = job
        s, p = client(port).call("POST", f"/api/users/@author_{f}/follow", f"f_{f}_{i}")
        if s != 204:
            failures.append((f"f_{f}_{i}", s, p[:200]))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(follow, jobs))
    if failures:
        raise SystemExit(f"{len(failures)} follows failed, e.g. {failures[:3]}")
    for f in fans:
        s, p = c.call("GET", f"/api/users/@author_{f}")
        expect(s, p, 200, f"profile author_{f}")
        got = json.loads(p)["followers_count"]
        if got != f:
            raise SystemExit(f"author_{f} has {got} followers, wanted {f}")
    log(f"{len(jobs)} follows in {time.monotonic() - started:.1f}s; followers_count checked for {', '.join(f'author_{f}' for f in fans)}")


def fill(port, reader, capacity=200):
    """reader follows feed_author, who then posts until the reader's home timeline holds `capacity` entries."""
    c = Client(port)
    author = f"feed_for_{reader}"[:32]
    s, p = c.call("POST", "/api/activities", author, {"message": "first", "ttl": "1-day"})
    expect(s, p, 200, f"create {author}")
    s, p = c.call("POST", f"/api/users/@{author}/follow", reader)
    expect(s, p, 204, f"{reader} follows {author}")
    for n in range(capacity + 10):
        s, p = c.call("POST", "/api/activities", author, {"message": f"home filler {n} " + "x" * 60, "ttl": "1-day"})
        expect(s, p, 200, f"post as {author}")
    s, p = c.call("GET", "/api/activities/home", reader)
    expect(s, p, 200, f"home of {reader}")
    items = json.loads(p)
    if len(items) != capacity:
        raise SystemExit(f"home of {reader} holds {len(items)} entries, wanted {capacity}")
    print(json.dumps({"entries": len(items), "bytes": len(p)}))


def body_info(port, user):
    s, p = Client(port).call("GET", "/api/activities/home", user)
    expect(s, p, 200, "home")
    print(json.dumps({"entries": len(json.loads(p)), "bytes": len(p)}))


def kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def posts(port, user, count, concurrency, pids):
    """Closed loop: `concurrency` connections post as `user` until `count` posts have been answered.
    Prints one JSON record: rate, latency percentiles, failures, and RSS samples of the given processes."""
    lock = threading.Lock()
    state = {"issued": 0, "ok": 0, "non2xx": 0, "errors": 0}
    latencies = []
    samples = []
    done = threading.Event()
    statuses = {}

    def worker(w):
        c = Client(port)
        while True:
            with lock:
                # until `count` posts have succeeded (each failure is replaced, up to `count` of them)
                if state["ok"] + (state["issued"] - state["ok"] - state["non2xx"] - state["errors"]) >= count \
                        or state["non2xx"] + state["errors"] >= count:
                    return
                state["issued"] += 1
                n = state["issued"]
            t0 = time.perf_counter()
            try:
                s, p = c.call("POST", "/api/activities", user, {"message": f"memory post {n}", "ttl": "1-day"}, timeout=60)
            except (OSError, http.client.HTTPException):
                with lock:
                    state["errors"] += 1
                continue
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(dt)
                if 200 <= s < 300:
                    state["ok"] += 1
                else:
                    state["non2xx"] += 1
                    statuses[s] = statuses.get(s, 0) + 1

    def sampler():
        while not done.wait(30):
            row = {"t": round(time.monotonic() - started, 1), "posts": state["ok"]}
            for name, pid in pids:
                row[name + "_rss_kb"] = kb(pid, "VmRSS")
            samples.append(row)
            rate = state["ok"] / row["t"] if row["t"] else 0
            eta = f", ~{(count - state['ok']) / rate / 60:.0f} min to go" if rate else ""
            log(f"memory: {state['ok']}/{count} posts ({rate:.2f}/s{eta}), {state['non2xx'] + state['errors']} failed; RSS "
                + " ".join(f"{k[:-7]} {v // 1024} MB" for k, v in row.items() if k.endswith("_rss_kb")))

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    elapsed = time.monotonic() - started
    lat = sorted(latencies)

    def pct(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None

    print(json.dumps({"posts": state["ok"], "non2xx": state["non2xx"], "statuses": statuses, "socket_errors": state["errors"],
                      "seconds": round(elapsed, 1), "rps": state["ok"] / elapsed if elapsed else 0,
                      "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": lat[-1] if lat else None, "samples": samples}))


# --- report ------------------------------------------------------------------------------------------------------------

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")


def summarize(runs_path, out_path, meta_path):
    runs = report.load(runs_path)
    meta = json.load(open(meta_path))
    out = {"meta": meta, "posts": {}, "home": {}, "memory": {}, "processes": {}, "targets": {}}

    for r in runs:
        if r["kind"] == "post":
            out["posts"][str(r["followers"])] = {k: r.get(k) for k in ("rps", "p50_ms", "p99_ms", "requests", "non2xx", "socket_errors")}
    for side in ("current", "baseline"):
        rows = [r for r in runs if r["kind"] == "home" and r["side"] == side]
        out["home"][side] = {"rps": med([r["rps"] for r in rows]), "p50_ms": med([r["p50_ms"] for r in rows]),
                             "p99_ms": med([r["p99_ms"] for r in rows]), "rounds": [r["rps"] for r in rows],
                             "failed": sum(r["non2xx"] + r["socket_errors"] for r in rows)}
    mem = next((r for r in runs if r["kind"] == "memory"), None)
    if mem:
        out["memory"] = mem
    for r in runs:
        if r["kind"] == "proc":
            out["processes"][f"{r['side']} {r['role']}"] = {"when": r["when"], "hwm_kb": r["hwm_kb"], "rss_kb": r["rss_kb"]}

    hc, hb = out["home"]["current"], out["home"]["baseline"]
    ratio = hc["rps"] / hb["rps"] if hb["rps"] else float("nan")
    p1000 = out["posts"].get("1000", {})
    failed_posts = sum((p.get("non2xx") or 0) + (p.get("socket_errors") or 0) for p in out["posts"].values())
    failed_mem = (mem or {}).get("non2xx", 0) + (mem or {}).get("socket_errors", 0)
    failed = failed_posts + failed_mem + hc["failed"] + hb["failed"]
    after = {k: v for k, v in out["processes"].items() if v["when"] == "after-memory"}
    worst_rss = max((v["rss_kb"] for v in after.values()), default=0) / 1024
    worst_hwm = max((v["hwm_kb"] for v in after.values()), default=0) / 1024
    out["targets"] = {
        "home_ratio": {"target": ">= 0.9", "measured": ratio, "met": ratio >= 0.9},
        "post_1000_p99_ms": {"target": "<= 100", "measured": p1000.get("p99_ms"), "met": (p1000.get("p99_ms") or 1e9) <= 100},
        "errors": {"target": "0", "measured": failed, "met": failed == 0},
        "rss_mb_after_memory": {"target": "<= 250 per process", "measured": worst_rss, "peak_hwm_mb": worst_hwm, "met": worst_rss <= 250},
    }

    def ok(flag):
        return "met" if flag else "**missed**"

    def f(x, d=0):
        return "-" if x is None or x != x else f"{x:,.{d}f}"

    print()
    print(f"nproc {meta['nproc']} · current {meta['current']} vs baseline {meta['baseline']} · {meta['when']} · "
          f"load average {meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end")
    print(f"posts: wrk -t{meta['post_threads']} -c{meta['post_connections']} -d{meta['post_duration']}s (bench/wrk/post.lua) · "
          f"home: wrk -t2 -c{meta['home_connections']} -d{meta['home_duration']}s --latency, warm-up {meta['warmup']}s each, "
          f"{meta['rounds']} interleaved rounds, medians · both pairs of processes up during the home rounds, measured one at a time")
    print()
    print("| measure | req/s (posts/s) | p50 ms | p99 ms | failed | target | verdict |")
    print("|---|---:|---:|---:|---:|---|---|")
    for fans, p in sorted(out["posts"].items(), key=lambda kv: int(kv[0])):
        tgt, verdict = ("p99 ≤ 100 ms", ok((p.get("p99_ms") or 1e9) <= 100)) if fans == "1000" else ("", "")
        print(f"| POST /api/activities, {fans} follower(s) | {f(p['rps'])} | {f(p['p50_ms'], 2)} | {f(p['p99_ms'], 2)} | "
              f"{p['non2xx'] + p['socket_errors']} | {tgt} | {verdict} |")
    print(f"| GET /home real ({meta['home_current_entries']} entries, {meta['home_current_bytes']:,} B) | {f(hc['rps'])} | "
          f"{f(hc['p50_ms'], 2)} | {f(hc['p99_ms'], 2)} | {hc['failed']} | ≥ 0.9× mock | {ok(ratio >= 0.9)} ({ratio:.2f}×) |")
    print(f"| GET /home mock, baseline ({meta['home_baseline_entries']} entries, {meta['home_baseline_bytes']:,} B) | {f(hb['rps'])} | "
          f"{f(hb['p50_ms'], 2)} | {f(hb['p99_ms'], 2)} | {hb['failed']} | | |")
    print()
    print("home req/s per round: current " + " ".join(f(x) for x in hc["rounds"]) + " · baseline " + " ".join(f(x) for x in hb["rounds"]))
    if mem:
        print()
        print(f"memory phase: {mem['posts']} posts as author_1000 = {mem['deliveries']:,} deliveries in {mem['seconds']} s "
              f"({f(mem['rps'], 1)} posts/s, p50 {f(mem['p50_ms'], 1)} ms, p99 {f(mem['p99_ms'], 1)} ms, "
              f"{mem['non2xx'] + mem['socket_errors']} failed; {mem['total_deliveries']:,} deliveries since the silo started, "
              f"from its CreateActivity log lines)")
    print()
    print("| process | when | VmHWM MB | VmRSS MB | target | verdict |")
    print("|---|---|---:|---:|---|---|")
    for name, v in out["processes"].items():
        tgt, verdict = ("RSS ≤ 250 MB", ok(v["rss_kb"] / 1024 <= 250)) if v["when"] == "after-memory" else ("", "")
        print(f"| {name} | {v['when']} | {v['hwm_kb'] / 1024:.0f} | {v['rss_kb'] / 1024:.0f} | {tgt} | {verdict} |")
    print()
    print(f"errors (non-2xx + socket errors, all phases): {failed} → {ok(failed == 0)}")
    json.dump(out, open(out_path, "w"), indent=2)
    print(f"\nresults: {out_path}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "setup":
        setup(int(args[0]), [int(x) for x in args[1].split(",")])
    elif cmd == "fill":
        fill(int(args[0]), args[1])
    elif cmd == "body":
        body_info(int(args[0]), args[1])
    elif cmd == "posts":
        pids = [tuple(x.split("=")) for x in args[4:]]
        posts(int(args[0]), args[1], int(args[2]), int(args[3]), [(n, int(p)) for n, p in pids])
    elif cmd == "report":
        summarize(*args)
    else:
        raise SystemExit(f"unknown command {cmd}")
