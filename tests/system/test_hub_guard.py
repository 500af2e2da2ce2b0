#!/usr/bin/env python3
"""The hub's listener against hostile clients (docs/security.md): bodies
refused before they are read when no terminal token is on the request, and
gzip bombs stopped at the inflate bounds. A real hub motcuad on loopback.

Ends with the line "N passed, N failed".
"""
import gzip
import json
import os
import socket
import sys
import time
import http.client

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok, wait_for  # noqa: E402
from synclib import Node, cleanup, new_run_dir, write_secret  # noqa: E402

TOKEN = "t1-" + "k" * 40
RESULTS = Tests()
test = RESULTS.add


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def push(hub, body, headers):
    c = http.client.HTTPConnection("127.0.0.1", hub.sync_port, timeout=30)
    c.request("POST", "/sync/v1/push", body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


@test
def unauthenticated_body_refused_before_read(hub):
    socks = []
    start = time.monotonic()
    for _ in range(12):  # the audit held 20 (the per-address limit is 16)
        s = socket.create_connection(("127.0.0.1", hub.sync_port), timeout=5)
        s.sendall(b"POST /sync/v1/push HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 8000000\r\n\r\n")
        s.sendall(b"[" * 1000)  # a start, then nothing: the rest never comes
        socks.append(s)
    for s in socks:
        head = s.recv(4096)
        ok(head.startswith(b"HTTP/1.1 413"), f"413 before the body, got {head[:40]!r}")
        s.close()
    ok(time.monotonic() - start < 5, "answered at once, not after the body")
    # with a terminal's token the same size is allowed to start
    s = socket.create_connection(("127.0.0.1", hub.sync_port), timeout=2)
    s.sendall(b"POST /sync/v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\n"
              b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n")
    s.settimeout(1)
    try:
        early = s.recv(4096)
    except socket.timeout:
        early = b""
    eq(early, b"", "a terminal's push is read, not refused early")
    s.close()


@test
def gzip_bomb_stops_at_the_bounds(hub):
    bomb = gzip.compress(b"[" + b"0," * (30 << 20) + b"0]", 9)  # 60 MiB of JSON
    ok(len(bomb) < 100 * 1024, f"a small bomb ({len(bomb)} bytes)")
    before = peak_rss_kib(hub.proc.pid)
    start = time.monotonic()
    status, data = push(hub, bomb, {"Content-Encoding": "gzip", "Content-Type": "application/json",
                                    "Authorization": "Bearer " + TOKEN})
    took = time.monotonic() - start
    eq(status, 400, "the bomb is refused")
    ok(b"inflated" in data, "the reason names the inflate bound")
    ok(took < 1.0, f"refused within a second (took {took:.2f} s)")
    grew = peak_rss_kib(hub.proc.pid) - before
    ok(grew < 64 * 1024, f"peak memory grew {grew} KiB, under 64 MiB")
    eq(hub.get("/healthz")[0], 200, "the hub still answers")
    # a real push, gzip'd, still goes through
    items = {"items": []}
    status, _ = push(hub, gzip.compress(json.dumps(items).encode()),
                     {"Content-Encoding": "gzip", "Content-Type": "application/json",
                      "Authorization": "Bearer " + TOKEN})
    ok(status in (200, 400), f"a small gzip push is parsed (status {status})")


@test
def hub_listener_has_its_own_limit(hub):
    """The office listeners' server.max_connections (16 here) does not cap
    the sync listener: a province's terminals keep hundreds of connections
    alive to it, and a load balancer brings them from one address."""
    conns = []
    try:
        for _ in range(120):
            c = http.client.HTTPConnection("127.0.0.1", hub.sync_port, timeout=10)
            c.connect()
            conns.append(c)
        time.sleep(0.3)
        codes = []
        for c in conns:  # each one still open, and served
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            codes.append(r.status)
        eq(codes.count(200), 120, "every kept-alive connection served")
    finally:
        for c in conns:
            c.close()


def session(args, run):
    tmp = new_run_dir("motcua-hubguard-")
    hub = Node(args.build, tmp, "hub", role="hub")
    write_secret(os.path.join(hub.dir, "hub-tokens"), f"t1 {TOKEN} 000.00.19.H49\n")
    hub.configure(server="max_connections = 16")
    try:
        with run.guard("start"):
            hub.start()
            wait_for(lambda: socket.create_connection(("127.0.0.1", hub.sync_port), 1).close()
                     or True, 10, "the hub's sync listener")
            run.each(RESULTS, hub)
    finally:
        hub.stop()
        if run.failed:
            print("--- hub log ---")
            print(hub.logtext()[-3000:])
        cleanup(tmp, args.keep)

if __name__ == "__main__":
    sys.exit(main(session))
