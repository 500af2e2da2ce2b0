#!/usr/bin/env python3
"""make bench-sync (and make bench): drains a backlog of BENCH_SYNC_N
(default 100,000) outbox items from a real terminal to a real hub over
HTTPS on loopback, at several batch sizes, into a SQLite hub and then a
PostgreSQL 15 hub (tests/system/pglib.py starts the server) in the same
run; measures intake commit latency with and without sync running
(interleaved rounds, the same daemon binary); measures intake throughput
from concurrent clients on a terminal with sync off and on the same
terminal while a 20,000-item backlog drains to the hub (interleaved
rounds); and runs the province load (province_load.py: 700 simulated
terminals against two PostgreSQL hubs). Writes its section of
docs/benchmarks.md between the sync-bench markers.

--only-intake runs the two intake measures alone (no drains, no
PostgreSQL, no province load) and leaves docs/benchmarks.md alone: the
loop to iterate on the cost of sync to intakes.

Not a test: timings on a shared 2-core machine are noisy; the verdicts are
a rate against the issue's floor and a ratio measured in the same run."""
import argparse
import datetime
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
import synclib  # noqa: E402
from synclib import (ROOT, Node, bulk_backlog, cleanup, make_tls, new_run_dir,  # noqa: E402
                     terminal_sync_conf, wait_for, write_secret)
from runner import UnixHTTPConnection  # noqa: E402
from province_load import province_load  # noqa: E402
import benchdoc  # noqa: E402

TOKEN = "bench-" + "b" * 40
BEGIN, END = "<!-- sync-bench:begin -->", "<!-- sync-bench:end -->"
TP_ROUNDS_MAX = 20  # throughput rounds with sync on: one agency each


def setup_hub(build, tmp, backend="sqlite", name="hub", pg_db=None):
    ca, cert, key = make_tls(tmp)
    synclib.HUB_BACKEND = backend
    try:
        hub = Node(build, tmp, name, role="hub", pg_db=pg_db)
    finally:
        synclib.HUB_BACKEND = "sqlite"
    # one token for every bench terminal: the drain runs' agencies and the
    # latency pair's (docs/sync.md: a terminal writes only its agencies)
    agencies = ",".join([f"000.00.{40 + r:02d}.H49" for r in range(10)] +
                        ["000.00.60.H49", "000.00.61.H49"] +
                        [f"000.00.{70 + r:02d}.H49" for r in range(TP_ROUNDS_MAX)])
    write_secret(os.path.join(hub.dir, "hub-tokens"), f"bench {TOKEN} {agencies}\n")
    hub.configure(hub=f"tls_cert = {cert}\ntls_key = {key}")
    hub.start()
    return hub, ca


def drain(build, tmp, hub, ca, n, batch, run, backend="sqlite"):
    t = Node(build, tmp, f"drain{run}", agency=f"000.00.{40 + run:02d}.H49")
    tf = os.path.join(t.dir, "token")
    write_secret(tf, TOKEN + "\n")
    t.configure()  # no upstream while the backlog is written
    t.start()
    t.add_procedure()
    t.stop()
    bulk_backlog(os.path.join(t.dir, "motcua.db"), n, t.agency, int(time.time()) - 3600)
    t.configure(sync=terminal_sync_conf(f"https://127.0.0.1:{hub.sync_port}", tf, ca_file=ca,
                                        batch_size=batch, pull_interval_s=3600, timeout_ms=60000))
    t0 = time.monotonic()
    t.start()
    wait_for(lambda: t.sync_status()["pending"] == 0, 600, "the backlog to drain", every=0.1)
    dt = time.monotonic() - t0
    st = t.sync_status()
    t.stop()
    # every item acknowledged as stored, none refused: a real drain
    assert st["items_acked"] == n and st["parked_count"] == 0, st
    pushes = st["requests"] - 1  # one pull at start
    return {"backend": backend, "batch": batch, "n": n, "seconds": dt, "rate": n / dt, "requests": pushes,
            "req_per_item": pushes / n, "bytes_up": st["bytes_sent"] / n,
            "bytes_down": st["bytes_received"] / n}


def latencies(node, count):
    out = []
    for i in range(count):
        t0 = time.perf_counter()
        s, j = node.intake(name=f"Đo độ trễ {i}")
        out.append(time.perf_counter() - t0)
        assert s == 201, (s, j)
    return out


def intake_latency(build, tmp, hub, ca, rounds, per_round):
    tf_dir = os.path.join(tmp, "lat")
    os.makedirs(tf_dir, exist_ok=True)
    tf = os.path.join(tf_dir, "token")
    write_secret(tf, TOKEN + "\n")
    off = Node(build, tmp, "lat_off", agency="000.00.60.H49")
    on = Node(build, tmp, "lat_on", agency="000.00.61.H49")
    off.configure()
    on.configure(sync=terminal_sync_conf(f"https://127.0.0.1:{hub.sync_port}", tf, ca_file=ca,
                                         pull_interval_s=30))
    res = {"off": [], "on": []}
    for n in (off, on):
        n.start()
        n.add_procedure()
        latencies(n, 50)  # warm up
    for _ in range(rounds):  # interleaved: drift hits both alike
        res["off"] += latencies(off, per_round)
        res["on"] += latencies(on, per_round)
    st = on.sync_status()
    off.stop()
    on.stop()
    return res, st


def intake_body(i):
    return json.dumps({"procedure_code": synclib.PROCEDURE, "owner_name": f"Đo thông lượng {i}",
                       "owner_id_no": "031234567890", "phone": "0912345678", "actor": "bench"})


def hammer(node, clients, seconds):
    """clients threads, each on its own kept-alive admin socket
    connection, send intakes one after another for seconds after a common
    start. Returns (intakes committed, seconds measured, latencies)."""
    start = threading.Barrier(clients + 1)
    counts, lats, errors = [0] * clients, [[] for _ in range(clients)], []
    deadline = [0.0]

    def run(k):
        c = UnixHTTPConnection(node.sock, 30)
        start.wait()
        i = 0
        while time.monotonic() < deadline[0]:
            t0 = time.perf_counter()
            c.request("POST", "/api/v1/dossiers", body=intake_body(f"{k}-{i}").encode())
            r = c.getresponse()
            r.read()
            if r.status != 201:
                errors.append(r.status)
                break
            lats[k].append(time.perf_counter() - t0)
            counts[k] += 1
            i += 1
        c.close()

    ts = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in ts:
        t.start()
    deadline[0] = time.monotonic() + seconds
    t0 = time.monotonic()
    start.wait()
    for t in ts:
        t.join()
    dt = time.monotonic() - t0
    assert not errors, f"intake answered {errors[:3]}"
    return sum(counts), dt, [x for v in lats for x in v]


def tp_terminal(build, tmp, hub, ca, name, agency, backlog, sync_on):
    """A terminal with backlog unsent outbox items written into its
    database (as drain() does), started with sync on (the hub) or off."""
    t = Node(build, tmp, name, agency=agency)
    tf = os.path.join(t.dir, "token")
    write_secret(tf, TOKEN + "\n")
    t.configure()
    t.start()
    t.add_procedure()
    t.stop()
    bulk_backlog(os.path.join(t.dir, "motcua.db"), backlog, agency, int(time.time()) - 3600)
    if sync_on:
        t.configure(sync=terminal_sync_conf(f"https://127.0.0.1:{hub.sync_port}", tf, ca_file=ca,
                                            pull_interval_s=3600, timeout_ms=60000))
    t.start()
    return t


def intake_throughput(build, tmp, hub, ca, rounds, clients, seconds, backlog):
    """Intakes per second from clients concurrent clients: a terminal with
    sync off against the same terminal (the same backlog written into its
    database) while that backlog drains to the hub, in interleaved rounds.
    Each "on" window must lie inside the drain: the backlog's rows go up
    in outbox order before any intake of the window, so items_acked below
    the backlog at the window's end means the drain ran the whole time."""
    assert rounds <= TP_ROUNDS_MAX
    res = {"off": [], "on": [], "drain_rate": [], "lat_off": [], "lat_on": []}
    for r in range(rounds):
        for side in ("off", "on"):
            t = tp_terminal(build, tmp, hub, ca, f"tp_{side}{r}", f"000.00.{70 + r:02d}.H49",
                            backlog, side == "on")
            try:
                a0 = t.sync_status()["items_acked"] if side == "on" else 0
                n, dt, lats = hammer(t, clients, seconds)
                if side == "on":
                    st = t.sync_status()
                    assert 0 < st["items_acked"] < backlog and st["parked_count"] == 0, \
                        f"the drain was not running during the whole window: {st}"
                    res["drain_rate"].append((st["items_acked"] - a0) / dt)
                res[side].append(n / dt)
                res["lat_" + side] += lats
                print(f"bench: throughput round {r} sync {side}: {n / dt:.0f} intakes/s"
                      + (f", drain {res['drain_rate'][-1]:.0f} items/s, ratio {res['on'][-1] / res['off'][-1]:.3f}"
                         if side == "on" else ""))
            finally:
                t.stop()
    return res


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))]


def write_doc(text):
    benchdoc.write_section(BEGIN, END, text, "<!-- bench:begin -->")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--n", type=int, default=int(os.environ.get("BENCH_SYNC_N", "100000")))
    ap.add_argument("--batches", default=os.environ.get("BENCH_SYNC_BATCHES", "100,500,1000"))
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--per-round", type=int, default=200)
    ap.add_argument("--no-doc", action="store_true")
    ap.add_argument("--pg-batches", default=os.environ.get("BENCH_SYNC_PG_BATCHES", "500,1000"),
                    help="batch sizes of the drain into the PostgreSQL hub ('' : none)")
    ap.add_argument("--terminals", type=int, default=int(os.environ.get("BENCH_PROVINCE_TERMINALS", "700")))
    ap.add_argument("--province-seconds", type=int,
                    default=int(os.environ.get("BENCH_PROVINCE_S", "120")),
                    help="the province load's length (0: none)")
    ap.add_argument("--tp-rounds", type=int, default=9, help="throughput rounds per side")
    ap.add_argument("--tp-clients", type=int, default=6, help="concurrent intake clients")
    ap.add_argument("--tp-seconds", type=float, default=1.0,
                    help="one throughput window; it must end before the backlog has drained")
    ap.add_argument("--tp-backlog", type=int, default=20000)
    ap.add_argument("--only-intake", action="store_true",
                    help="the intake latency and throughput measures alone; docs/benchmarks.md untouched")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    load_at_start = os.getloadavg()
    tmp = new_run_dir("motcua-syncbench-")
    try:
        hub, ca = setup_hub(build, tmp)
        runs = []
        for i, b in enumerate(int(x) for x in ([] if args.only_intake else args.batches.split(","))):
            r = drain(build, tmp, hub, ca, args.n, b, i)
            print(f"bench: drain {r['n']} items, batch {b}: {r['seconds']:.1f} s, {r['rate']:.0f} items/s, "
                  f"{r['req_per_item']:.4f} requests/item, {r['bytes_up']:.0f} B up, "
                  f"{r['bytes_down']:.0f} B down per item")
            runs.append(r)
        lat, st = intake_latency(build, tmp, hub, ca, args.rounds, args.per_round)
        tp = intake_throughput(build, tmp, hub, ca, args.tp_rounds, args.tp_clients, args.tp_seconds,
                               args.tp_backlog)
        hub.stop()
        pg_runs = []
        if args.pg_batches and not args.only_intake:
            import pglib
            pghub, pgca = setup_hub(build, tmp, "postgresql", "pghub",
                                    pglib.shared().new_database("drain"))
            for i, b in enumerate(int(x) for x in args.pg_batches.split(",")):
                r = drain(build, tmp, pghub, pgca, args.n, b, 5 + i, "postgresql")
                print(f"bench: drain into PostgreSQL {r['n']} items, batch {b}: {r['seconds']:.1f} s, "
                      f"{r['rate']:.0f} items/s")
                pg_runs.append(r)
            pghub.stop()
        prov = None
        if args.province_seconds > 0 and not args.only_intake:
            prov = province_load(build, tmp, args.terminals, args.province_seconds)
            print(f"bench: province {prov['terminals']} terminals, {prov['seconds']:.0f} s: "
                  f"{prov['push_rate']:.1f} pushes/s, p50 {prov['p50_ms']:.1f} ms, p99 {prov['p99_ms']:.1f} ms, "
                  f"max {prov['max_ms']:.1f} ms, {prov['errors']} errors {prov['first_error']}, "
                  f"CPU per 1k items: hubs {prov['hub_cpu_per_1k']:.3f} s, PostgreSQL {prov['pg_cpu_per_1k']:.3f} s")
    finally:
        cleanup(tmp, False)
    off50, on50 = statistics.median(lat["off"]) * 1000, statistics.median(lat["on"]) * 1000
    offm, onm = statistics.mean(lat["off"]) * 1000, statistics.mean(lat["on"]) * 1000
    off99, on99 = pct(lat["off"], 99) * 1000, pct(lat["on"], 99) * 1000
    ratio = on50 / off50
    p99_ratio = on99 / off99
    print(f"bench: intake latency p50 {off50:.2f} ms without sync, {on50:.2f} ms with sync "
          f"(x{ratio:.3f}); mean {offm:.2f} / {onm:.2f}; p99 {off99:.2f} / {on99:.2f} (x{p99_ratio:.3f})")
    tp_off, tp_on = statistics.median(tp["off"]), statistics.median(tp["on"])
    # each round's pair ran back to back: the median of the pairs' ratios
    # is the least moved by other work on the machine between rounds
    tp_ratio = statistics.median(on / off for on, off in zip(tp["on"], tp["off"]))
    drain_rate = statistics.median(tp["drain_rate"])
    tl_off99, tl_on99 = pct(tp["lat_off"], 99) * 1000, pct(tp["lat_on"], 99) * 1000
    tl_off50 = statistics.median(tp["lat_off"]) * 1000
    tl_on50 = statistics.median(tp["lat_on"]) * 1000
    print(f"bench: intake throughput {tp_off:.0f}/s without sync, {tp_on:.0f}/s while a "
          f"{args.tp_backlog} backlog drains (x{tp_ratio:.3f}; the drain meanwhile {drain_rate:.0f} items/s); "
          f"latency under load p50 {tl_off50:.2f} / {tl_on50:.2f} ms, p99 {tl_off99:.2f} / {tl_on99:.2f} ms")
    p99_ok, tp_ok = p99_ratio <= 1.5, tp_ratio >= 0.90
    print(f"bench: targets: p99 ratio <= 1.5 {'met' if p99_ok else 'NOT met'}; "
          f"throughput ratio >= 0.90 {'met' if tp_ok else 'NOT met'}")
    if args.only_intake:
        return 0
    best = max(runs, key=lambda r: r["rate"])
    day = datetime.date.today().isoformat()
    rows = "\n".join(
        f"| {r['backend']} | {r['batch']} | {r['n']} | {r['seconds']:.1f} | {r['rate']:,.0f} | "
        f"{r['req_per_item']:.4f} | {r['bytes_up']:.0f} | {r['bytes_down']:.0f} |" for r in runs + pg_runs)
    pg_text = ""
    if pg_runs:
        pg_best = max(pg_runs, key=lambda r: r["rate"])
        pg_text = (f"PostgreSQL hub: best {pg_best['rate']:,.0f} items/s at batch {pg_best['batch']}, "
                   f"{pg_best['rate'] / best['rate']:.2f} of the SQLite hub's best in the same run "
                   f"(target at least 0.5: {'met' if pg_best['rate'] >= best['rate'] / 2 else 'NOT met'}).\n")
    prov_text = ""
    if prov is not None:
        prov_text = f"""
### Province load

{prov['terminals']} simulated terminals (`tests/bench/province_load.py`: one
asyncio load generator, each terminal on its own kept-alive connection,
plain http on loopback, a push of 2 new dossiers every 6 s at its own
phase) against two hub processes over one PostgreSQL 15 (fsync off, the
test harness's server) for {prov['seconds']:.0f} s, on the same 2 cores
(load average {prov['load'][0]:.1f} at the start, {prov['load'][1]:.1f} at the end):

| pushes | pushes/s | items | errors | p50 | p99 | max | hub CPU per 1k items | PostgreSQL CPU per 1k items |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| {prov['pushes']} | {prov['push_rate']:.1f} | {prov['items']} | {prov['errors']} | {prov['p50_ms']:.1f} ms | {prov['p99_ms']:.1f} ms | {prov['max_ms']:.1f} ms | {prov['hub_cpu_per_1k']:.3f} s | {prov['pg_cpu_per_1k']:.3f} s |

Target push p99 at most 100 ms and no error: {'met' if prov['p99_ms'] <= 100 and prov['errors'] == 0 else 'NOT met'}.
"""
    text = f"""## Upstream sync (latest run {day})

`make bench` also runs `tests/bench/sync_bench.py`: a real terminal drains
a backlog of {args.n:,} outbox items (written straight into its database,
each as an intake writes it) to a real hub (`role = hub`) over HTTPS with
a throwaway CA on loopback, once per batch size; then intake commit latency
(an intake over the admin socket, round trip, one at a time) on a terminal
without sync and one pushing to the hub, in {args.rounds} interleaved rounds
of {args.per_round}. Both daemons and the client share the 2 cores. Bytes
are HTTP bytes on the wire as libcurl sends and receives them (request and
reply headers and bodies, push bodies gzip-compressed, before TLS
framing); replies are JSON, one result per item. The backlog's records
are alike (one procedure, similar names), so they compress better than a
real office's would: expect more bytes per item there (uncompressed, a
new dossier's item is about 750 bytes).

Load average at the start of this run: {load_at_start[0]:.1f} (1 min),
{load_at_start[1]:.1f} (5 min) on the 2 cores, shared with other builds and
tests: compare rows of one run, not runs.

| hub | batch size | items | seconds | items/s | requests/item | bytes up/item | bytes down/item |
|---|---:|---:|---:|---:|---:|---:|---:|
{rows}

Drain target 10,000 items/s: best {best['rate']:,.0f} items/s at batch {best['batch']}
({'met' if best['rate'] >= 10000 else 'NOT met'}); the default batch size is 500.
{pg_text}
| intake commit latency | without sync | with sync | ratio |
|---|---:|---:|---:|
| median | {off50:.2f} ms | {on50:.2f} ms | {ratio:.3f} |
| mean | {offm:.2f} ms | {onm:.2f} ms | {onm / offm:.3f} |
| p99 | {off99:.2f} ms | {on99:.2f} ms | {p99_ratio:.3f} |

During the latency rounds the syncing terminal made {st['requests']} requests
for {st['items_acked']} items.

Intake throughput: {args.tp_clients} clients, each on its own kept-alive
admin socket connection, send intakes back to back for {args.tp_seconds:g} s;
a terminal with sync off against the same terminal (the same
{args.tp_backlog:,}-item backlog written into its database) while that
backlog drains to the hub with the default settings (batch 500,
`sync.busy_share_percent` 5: while staff write, the drain paces itself to
that share of the time, docs/sync.md "Intakes first"), {args.tp_rounds} interleaved rounds (intakes/s:
medians of the rounds; the ratio: the median of each round's pair, run
back to back; every "on" window ended with backlog items still unsent, so
the drain ran through all of it):

| intakes under load | without sync | while the backlog drains | ratio |
|---|---:|---:|---:|
| intakes/s | {tp_off:,.0f} | {tp_on:,.0f} | {tp_ratio:.3f} |
| latency p50 | {tl_off50:.2f} ms | {tl_on50:.2f} ms | {tl_on50 / tl_off50:.3f} |
| latency p99 | {tl_off99:.2f} ms | {tl_on99:.2f} ms | {tl_on99 / tl_off99:.3f} |

The drain meanwhile: {drain_rate:,.0f} items/s (median of the rounds).

Targets (issue 19): intake p99 with sync running at most 1.5x without:
{p99_ratio:.2f}x, {'met' if p99_ok else 'NOT met'}; intake throughput while a
20,000-item backlog drains at least 0.90 of sync off: {tp_ratio:.2f},
{'met' if tp_ok else 'NOT met'}.
{prov_text}
"""
    if not args.no_doc:
        write_doc(text)
        print("bench: docs/benchmarks.md sync section updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
