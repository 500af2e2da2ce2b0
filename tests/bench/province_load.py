"""The province load of `make bench-sync` (tests/bench/sync_bench.py): N
simulated terminals (a load generator, not N daemons), each on its own
kept-alive connection, each pushing a batch of new dossiers every INTERVAL
seconds at its own phase, against two hub processes over one PostgreSQL
database, for SECONDS. Reports push latency (median, p99, max), errors,
and the CPU time of the hubs and of PostgreSQL per 1,000 items stored.

Not a test file (a module of the benchmark)."""
import asyncio
import json
import os
import random
import time

import pglib
import synclib
from synclib import Node, write_secret

AT = 1767580320


def _agency(i):
    return f"P{i:03d}.00.99.H49"


def _cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            total += int(parts[11]) + int(parts[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total


def _postgres_pids():
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm", encoding="ascii") as f:
                    if f.read().strip() == "postgres":
                        out.append(int(d))
            except OSError:
                pass
    return out


async def _terminal(i, port, token, interval, until, items_per_push, lat, errors, start_at):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    seq = 0
    await asyncio.sleep(start_at)
    next_at = time.monotonic()
    try:
        while time.monotonic() < until:
            items = []
            for _ in range(items_per_push):
                seq += 1
                items.append({"key": f"{i:08x}{seq:024x}", "kind": "dossier_new",
                              "code": f"{_agency(i)}-260105-{seq:04d}", "seq": 1, "base": 0,
                              "at": AT, "status": 2,
                              "dossier": {"agency_code": _agency(i), "procedure_code": "P",
                                          "owner_name": "Nguyễn Văn Tải", "channel": 1,
                                          "delivery": 0, "received_at": AT}})
            body = json.dumps({"items": items}).encode()
            req = (b"POST /sync/v1/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " +
                   token.encode() + b"\r\nContent-Type: application/json\r\nContent-Length: " +
                   str(len(body)).encode() + b"\r\n\r\n" + body)
            t0 = time.perf_counter()
            writer.write(req)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            n = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    n = int(v.strip())
            reply = await reader.readexactly(n)
            lat.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"HTTP {status}")
            else:
                res = json.loads(reply)["results"]
                bad = [r for r in res if r["result"] != "ok"]
                if bad:
                    errors.append(f"{bad[0]}")
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        writer.close()


def province_load(build, tmp, n_terms=700, seconds=120, interval=6.0, items_per_push=2):
    pg = pglib.shared()
    db = pg.new_database("province")
    tokens = {i: f"load{i:04d}-" + "%032x" % random.Random(i).getrandbits(128) for i in range(n_terms)}
    text = "".join(f"term{i} {tokens[i]} {_agency(i)}\n" for i in range(n_terms))
    hubs = []
    synclib.HUB_BACKEND = "postgresql"
    try:
        for k in (1, 2):
            h = Node(build, tmp, f"phub{k}", role="hub", pg_db=db)
            write_secret(os.path.join(h.dir, "hub-tokens"), text)
            h.configure(hub="connections = 8")
            hubs.append(h)
    finally:
        synclib.HUB_BACKEND = "sqlite"
    for h in hubs:
        h.start()
    lat, errors = [], []
    try:
        pids = [h.proc.pid for h in hubs]
        pg_pids = _postgres_pids()
        load0 = os.getloadavg()[0]
        cpu0, pg0 = _cpu_ticks(pids), _cpu_ticks(pg_pids)
        t0 = time.monotonic()

        async def run():
            until = time.monotonic() + seconds
            rnd = random.Random(7)
            await asyncio.gather(*(
                _terminal(i, hubs[i % 2].sync_port, tokens[i], interval, until, items_per_push,
                          lat, errors, rnd.uniform(0, interval))
                for i in range(n_terms)))
        asyncio.run(run())
        wall = time.monotonic() - t0
        tick = os.sysconf("SC_CLK_TCK")
        hub_cpu = (_cpu_ticks(pids) - cpu0) / tick
        pg_cpu = (_cpu_ticks(_postgres_pids()) - pg0) / tick
        load1 = os.getloadavg()[0]
    finally:
        for h in hubs:
            h.stop()
    items = len(lat) * items_per_push
    lat.sort()
    return {"terminals": n_terms, "seconds": wall, "pushes": len(lat), "items": items,
            "push_rate": len(lat) / wall, "errors": len(errors), "first_error": errors[:1],
            "p50_ms": lat[len(lat) // 2] * 1000 if lat else 0,
            "p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000 if lat else 0,
            "max_ms": lat[-1] * 1000 if lat else 0,
            "hub_cpu_per_1k": hub_cpu / items * 1000 if items else 0,
            "pg_cpu_per_1k": pg_cpu / items * 1000 if items else 0,
            "load": (load0, load1)}
