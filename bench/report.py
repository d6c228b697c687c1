#!/usr/bin/env python3
"""bench/run's bookkeeping: parses wrk output, records runs (JSON lines), prints the tables, writes results JSON."""
import json
import re
import statistics
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
CONFIGS = [("off", "(1) telemetry off"), ("sinks100noemf", "(2) without EMF metrics"), ("sinks100", "(2) all sinks, 100%"), ("sinksrule", "(3) all sinks, orig. rule"),
           ("otlp100", "OTLP only, 100%"), ("xray100", "X-Ray only, 100%"), ("cloudwatch100", "CloudWatch only"),
           ("rollbar100", "Rollbar only")]


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(path):
    text = open(path).read()
    out = {"requests": 0, "rps": 0.0, "non2xx": 0, "socket_errors": 0}
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", text, re.M):
        out[f"p{pct}_ms"] = ms(value)
    if m := re.search(r"^\s+(\d+) requests in", text, re.M):
        out["requests"] = int(m.group(1))
    if m := re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M):
        out["rps"] = float(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        out["non2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        out["socket_errors"] = sum(int(g) for g in m.groups())
    return out


def record(pairs):
    row = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        if key == "wrk":
            row.update(parse_wrk(value))
        elif key in ("fake", "before", "after"):
            row[key] = json.load(open(value))
        else:
            try:
                row[key] = float(value) if "." in value else int(value)
            except ValueError:
                row[key] = value
    print(json.dumps(row))


def load(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def mean(xs):
    return statistics.fmean(xs) if xs else float("nan")


def bench(runs_path, out_path, nproc, connections, threads, duration, rounds, fake_stats):
    runs = load(runs_path)
    present = {r["config"] for r in runs if r["kind"] == "max"}
    configs = [(k, label) for k, label in CONFIGS if k in present]
    summary = {}
    for key, _ in configs:
        s = {}
        for endpoint in ("home", "user"):
            rows = [r for r in runs if r["kind"] == "max" and r["config"] == key and r["endpoint"] == endpoint]
            s[endpoint] = {"rps": mean([r["rps"] for r in rows]), "p50_ms": mean([r["p50_ms"] for r in rows]),
                           "p99_ms": mean([r["p99_ms"] for r in rows]),
                           "failed": sum(r["non2xx"] + r["socket_errors"] for r in rows), "rounds": len(rows)}
        half = [r for r in runs if r["kind"] == "half" and r["config"] == key]
        s["half"] = {"offered_rps": mean([r["target_rps"] for r in half]), "rps": mean([r["rps"] for r in half]),
                     "p99_ms": mean([r["p99_ms"] for r in half])} if half else None
        rss = [r for r in runs if r["kind"] == "rss" and r["config"] == key]
        s["silo_hwm_mb"] = max((r["silo_hwm_kb"] for r in rss), default=0) / 1024
        s["gateway_hwm_mb"] = max((r["gateway_hwm_kb"] for r in rss), default=0) / 1024
        for who in ("fake", "silo", "gateway"):
            s[f"{who}_cpu_s"] = mean([r[f"{who}_cpu_s"] for r in rss if f"{who}_cpu_s" in r]) if rss else float("nan")
        summary[key] = s
    # What the fake received while each configuration ran: its cumulative /stats after the run minus before.
    fakes = [r for r in runs if r["kind"] == "fake"]
    previous = {}
    received = {}
    for r in fakes:
        counters = r["fake"].get("counters", {})
        delta = {k: v - previous.get(k, 0) for k, v in counters.items() if v - previous.get(k, 0)}
        previous = counters
        agg = received.setdefault(r["config"], {})
        for k, v in delta.items():
            agg[k] = agg.get(k, 0) + v
    for key, _ in configs:
        summary[key]["fake_received"] = received.get(key, {})
    base = summary.get("off") or summary[configs[0][0]]
    for key, _ in configs:
        for endpoint in ("home", "user"):
            summary[key][endpoint]["ratio"] = summary[key][endpoint]["rps"] / base[endpoint]["rps"] if base[endpoint]["rps"] else None

    print(f"\nnproc {nproc} · wrk -t{threads} -c{connections} · {duration}s per run · {rounds} round(s), interleaved A B C · means over rounds")
    head = f"{'configuration':<28}{'endpoint':<15}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}"
    print(head)
    print("-" * len(head))
    for key, label in configs:
        for endpoint in ("home", "user"):
            e = summary[key][endpoint]
            print(f"{label:<28}{'/home' if endpoint == 'home' else '/@andrewbrown':<15}{e['rps']:>10.0f}{e['ratio']:>8.2f}"
                  f"{e['p50_ms']:>9.2f}{e['p99_ms']:>9.2f}{e['failed']:>8}")
    print()
    head = (f"{'configuration':<28}{'half load: offered→got req/s':>30}{'p99 ms':>9}{'silo HWM MB':>13}{'gateway HWM MB':>16}"
            f"{'CPU s silo/gw/fake':>21}")
    print(head)
    print("-" * len(head))
    for key, label in configs:
        s, h = summary[key], summary[key]["half"]
        half = f"{h['offered_rps']:.0f}→{h['rps']:.0f}" if h else "-"
        p99 = f"{h['p99_ms']:.2f}" if h else "-"
        cpu = f"{s['silo_cpu_s']:.0f}/{s['gateway_cpu_s']:.0f}/{s['fake_cpu_s']:.0f}"
        print(f"{label:<28}{half:>30}{p99:>9}{s['silo_hwm_mb']:>13.0f}{s['gateway_hwm_mb']:>16.0f}{cpu:>21}")
    memory = next((r for r in runs if r["kind"] == "memory"), None)
    if memory:
        chunks = [r for r in runs if r["kind"] == "memory_chunk"]
        print(f"\nmemory, (2) all sinks at 100% after {memory['requests']} requests ({len(chunks)} × 30 s, both endpoints, "
              f"{sum(r['non2xx'] + r['socket_errors'] for r in chunks)} failed): peak RSS silo {memory['silo_hwm_kb'] / 1024:.0f} MB, "
              f"gateway {memory['gateway_hwm_kb'] / 1024:.0f} MB; RSS at the end silo {memory['silo_rss_kb'] / 1024:.0f} MB, "
              f"gateway {memory['gateway_rss_kb'] / 1024:.0f} MB")
        summary["memory"] = {"requests": memory["requests"], "silo_hwm_mb": memory["silo_hwm_kb"] / 1024,
                             "gateway_hwm_mb": memory["gateway_hwm_kb"] / 1024,
                             "rss_mb_by_chunk": [(r["served"], r["silo_rss_kb"] / 1024, r["gateway_rss_kb"] / 1024) for r in chunks]}
    print("\ntargets: (2) ≥ 0.85× and (3) ≥ 0.95× of (1) req/s; p99 ≤ 5 ms at half load; every process ≤ 250 MB after 1 M requests")
    fake = json.load(open(fake_stats)) if fake_stats else {}
    print("fake sinks received, per configuration (all rounds):")
    keys = ("xray.datagrams", "cloudwatch.events", "cloudwatch.PutLogEvents", "otlp.traces", "otlp.logs", "otlp.metrics", "rollbar.items")
    for key, label in configs:
        got = summary[key]["fake_received"]
        print(f"  {label:<28}" + "  ".join(f"{k} {got.get(k, 0)}" for k in keys))
    json.dump({"nproc": int(nproc), "connections": int(connections), "threads": int(threads), "duration_s": int(duration),
               "rounds": int(rounds), "summary": summary, "fake_sinks": fake, "runs": runs}, open(out_path, "w"), indent=2)
    print(f"results: {out_path}")


def sink_totals(fake, sink):
    """Latest cumulative value per (service, metric, reason) summed over services, for one sink."""
    totals = {}
    for p in fake.get("sinkMetrics", []):
        if p["sink"] != sink:
            continue
        name = p["metric"].removeprefix("cruddur.telemetry.")
        label = f"{name}[{p['reason']}]" if p["reason"] else name
        totals[label] = totals.get(label, 0) + p["value"]
    return totals


def soak(runs_path, out_path, nproc, rate, duration):
    rows = [r for r in load(runs_path) if r["kind"] == "soak"]
    healthy = next((r for r in rows if r["scenario"] == "healthy"), None)
    print(f"\nnproc {nproc} · soak: {rate} req/s offered, {duration}s per scenario, all sinks on (100% sampling)")
    head = (f"{'scenario':<22}{'requests':>9}{'failed':>8}{'p99 ms':>8}{'vs healthy':>11}{'silo RSS MB':>15}"
            f"{'gw RSS MB':>15}{'stop s':>8}  sink counters (from the services' OTLP metrics)")
    print(head)
    print("-" * len(head))
    for r in rows:
        sink = r["scenario"].split(":")[0]
        ratio = f"{r['p99_ms'] / healthy['p99_ms']:.2f}×" if healthy and healthy.get("p99_ms") else "-"
        counters = sink_totals(r["fake"], sink) if sink != "healthy" else {}
        if sink == "healthy":
            counters = {s: sink_totals(r["fake"], s) for s in ("xray", "cloudwatch", "rollbar") if sink_totals(r["fake"], s)}
        r["failed"] = r["non2xx"] + r["socket_errors"]
        r["sink_counters"] = counters
        silo = f"{r['rss_start_silo_kb'] / 1024:.0f}→{r['rss_end_silo_kb'] / 1024:.0f}"
        gw = f"{r['rss_start_gateway_kb'] / 1024:.0f}→{r['rss_end_gateway_kb'] / 1024:.0f}"
        stop = f"{r['stop_gateway_s']}/{r['stop_silo_s']}"
        print(f"{r['scenario']:<22}{r['requests']:>9}{r['failed']:>8}{r['p99_ms']:>8.2f}{ratio:>11}{silo:>15}{gw:>15}{stop:>8}  "
              f"{json.dumps(counters) if counters else 'none (sink absent from this build, or nothing counted)'}")
    print("\nmust hold: failed = 0 in every scenario; RSS bounded; the sick sink's dropped counter accounts for the loss")
    print("fake sinks received (per scenario):")
    for r in rows:
        print(f"  {r['scenario']:<22}{json.dumps(r['fake'].get('counters', {}))}")
    json.dump({"nproc": int(nproc), "rate": int(rate), "duration_s": int(duration), "scenarios": rows}, open(out_path, "w"), indent=2)
    print(f"results: {out_path}")


# List prices for the cost table (us-east-1, read 2026-12-02). X-Ray: $5.00 per million traces recorded
# (https://aws.amazon.com/xray/pricing/). CloudWatch Logs: $0.50 per GB ingested, Standard class
# (https://aws.amazon.com/cloudwatch/pricing/). Honeycomb sells plans of events per month (one event per span and per
# log record, https://docs.honeycomb.io/get-started/manage-costs/how-honeycomb-calculates-usage/), not a per-event
# list price: the rate below is an assumption, BENCH_HONEYCOMB_USD_PER_MILLION_EVENTS sets your own.
XRAY_USD_PER_TRACE = 5.00 / 1e6
CLOUDWATCH_USD_PER_GB = 0.50
HONEYCOMB_USD_PER_EVENT = float(__import__("os").environ.get("BENCH_HONEYCOMB_USD_PER_MILLION_EVENTS", "1.30")) / 1e6


def median_rps(runs_path, config):
    xs = [r["rps"] for r in load(runs_path) if r.get("kind") == "max" and r.get("config") == config]
    return statistics.median(xs) if xs else 0.0


SIDE = [("ceiling", "plain Kestrel, same bytes from memory (ceiling)"), ("flask", "Flask, the original's stack (gunicorn -w 2)"),
        ("off", "Cruddur, no sink configured"), ("sinks100", "Cruddur, all four sinks, 100% sampling"),
        ("sinksrule", "Cruddur, all four sinks, the original's rule (5/s + 10%)"),
        ("sinks100noemf", "Cruddur, all four sinks, 100%, without EMF metrics")]


def side(runs_path, out_path, nproc, connections, threads, duration, rounds, load_avg):
    runs = load(runs_path)
    med = {c: median_rps(runs_path, c) for c, _ in SIDE}
    off, ceiling = med.get("off") or float("nan"), med.get("ceiling") or float("nan")
    print(f"\nside by side, {nproc} cores, load {load_avg}, wrk -t{threads} -c{connections} -d{duration}s, median of {rounds} interleaved rounds, GET /api/activities/home")
    print(f"{'configuration':<58}{'req/s':>9}{'÷ off':>8}{'÷ ceiling':>11}{'p99 ½ load':>12}")
    table = []
    for c, label in SIDE:
        if not med.get(c):
            continue
        half = next((r for r in runs if r.get("kind") == "half" and r.get("config") == c), {})
        rounds_rps = [round(r["rps"]) for r in runs if r.get("kind") == "max" and r.get("config") == c]
        row = {"config": c, "label": label, "median_rps": med[c], "rounds_rps": rounds_rps,
               "vs_off": med[c] / off, "vs_ceiling": med[c] / ceiling, "half_p99_ms": half.get("p99_ms"),
               "half_rps": half.get("rps")}
        table.append(row)
        p99 = f"{half['p99_ms']:.2f} ms" if half.get("p99_ms") is not None else "-"
        print(f"{label:<58}{med[c]:>9.0f}{row['vs_off']:>8.2f}{row['vs_ceiling']:>11.2f}{p99:>12}   rounds {rounds_rps}")
    # What each sink received per million requests, and its list price.
    costs = []
    served = {c: sum(r["requests"] for r in runs if r.get("kind") == "max" and r.get("config") == c) for c, _ in SIDE}
    print("\nper million requests (rounds only), what the sinks received and its list price:")
    print(f"{'configuration':<28}{'X-Ray traces':>13}{'datagrams':>10}{'CW MB':>8}{'OTLP spans':>12}{'OTLP logs':>11}{'Rollbar':>9}{'X-Ray $':>9}{'CW $':>8}{'HC $':>8}{'total $':>9}")
    costs.append({"config": "off", "usd": 0.0})
    print(f"{'off':<28}{0:>13}{0:>10}{0:>8}{0:>12}{0:>11}{0:>9}{0:>9.2f}{0:>8.2f}{0:>8.2f}{0:>9.2f}")
    for r in runs:
        if r.get("kind") != "cost":
            continue
        c = r["config"]
        before, after = r["before"].get("counters", {}), r["after"].get("counters", {})
        d = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
        per = 1e6 / max(1, served.get(c, 0))
        traces, segments = d.get("xray.traces", 0) * per, d.get("xray.datagrams", 0) * per
        cw_bytes = d.get("cloudwatch.bytes", 0) * per
        spans, logs = d.get("otlp.traces_items", 0) * per, d.get("otlp.logs_items", 0) * per
        rollbar = d.get("rollbar.items", 0) * per
        xray_usd, cw_usd = traces * XRAY_USD_PER_TRACE, cw_bytes / 1e9 * CLOUDWATCH_USD_PER_GB
        hc_usd = (spans + logs) * HONEYCOMB_USD_PER_EVENT
        total = xray_usd + cw_usd + hc_usd
        costs.append({"config": c, "requests": served.get(c, 0), "xray_traces": traces, "xray_datagrams": segments,
                      "cloudwatch_bytes": cw_bytes, "otlp_spans": spans, "otlp_logs": logs, "rollbar_items": rollbar,
                      "xray_usd": xray_usd, "cloudwatch_usd": cw_usd, "honeycomb_usd": hc_usd, "usd": total})
        print(f"{c:<28}{traces:>13.0f}{segments:>10.0f}{cw_bytes / 1e6:>8.0f}{spans:>12.0f}{logs:>11.0f}{rollbar:>9.0f}"
              f"{xray_usd:>9.2f}{cw_usd:>8.2f}{hc_usd:>8.2f}{total:>9.2f}")
    mem = next((r for r in runs if r.get("kind") == "memory"), None)
    if mem:
        print(f"\nafter {mem['requests']} requests (all sinks, 100%): silo RSS {mem['silo_rss_kb'] / 1024:.0f} MB (peak {mem['silo_hwm_kb'] / 1024:.0f}),"
              f" gateway RSS {mem['gateway_rss_kb'] / 1024:.0f} MB (peak {mem['gateway_hwm_kb'] / 1024:.0f})")
    json.dump({"nproc": int(nproc), "load": load_avg, "connections": int(connections), "threads": int(threads),
               "duration_s": int(duration), "rounds": int(rounds), "table": table, "costs": costs, "memory": mem},
              open(out_path, "w"), indent=2)
    print(f"results: {out_path}")


def ab(runs_path, nproc, connections, threads, duration, rounds, load_avg):
    """bench/run --ab: per ref and configuration, the median req/s of the rounds and the median CPU per request."""
    runs = [r for r in load(runs_path) if r.get("kind") == "ab"]
    print(f"\nbefore/after, {nproc} cores, load {load_avg}, wrk -t{threads} -c{connections} -d{duration}s, "
          f"median of {rounds} alternating rounds, GET /api/activities/home")
    print(f"{'ref:configuration':<40}{'req/s':>9}{'µs CPU/request':>16}   rounds")
    for target in dict.fromkeys(r["target"] for r in runs):
        mine = [r for r in runs if r["target"] == target]
        rps = [r["rps"] for r in mine]
        cpu = [1e6 * r["cpu_s"] / r["requests"] for r in mine if r["requests"]]
        failed = sum(r.get("non2xx", 0) + r.get("socket_errors", 0) for r in mine)
        note = f"   {failed} failed requests: not a valid measurement" if failed else ""
        print(f"{target:<40}{statistics.median(rps):>9.0f}{statistics.median(cpu) if cpu else float('nan'):>16.0f}"
              f"   {[round(x) for x in rps]}{note}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "record":
        record(args)
    elif cmd == "rps":
        print(parse_wrk(args[0])["rps"])
    elif cmd == "median-rps":
        print(median_rps(*args))
    elif cmd == "side":
        side(*args)
    elif cmd == "bench":
        bench(*args)
    elif cmd == "soak":
        soak(*args)
    elif cmd == "ab":
        ab(*args)
