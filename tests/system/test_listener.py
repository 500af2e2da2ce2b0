#!/usr/bin/env python3
"""The listeners under connection floods (issue: one client must not silence
a listener). Each test runs its own motcuad on loopback with the limits it
needs, and uses other loopback addresses (127.0.0.2, 127.0.1.x) as other
clients: Linux routes all of 127.0.0.0/8 to lo."""
import hashlib
import http.client
import json
import os
import signal
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import eq, main, ok  # noqa: E402
from test_daemon import Daemon  # noqa: E402

PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"  # no blank line: unfinished


def connect(d, source="127.0.0.1", timeout=3.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", d.port))
    return s


def probe(d, source="127.0.0.1", path="/healthz", timeout=3.0):
    """The status of one whole GET from source, or None when the listener
    refused, cut or did not answer in time."""
    try:
        s = connect(d, source, timeout)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        return int(data.split()[1]) if data.startswith(b"HTTP/") else None
    except OSError:
        return None


def closed_by_server(s, within):
    """True when the server ends the connection within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if s.recv(4096) == b"":
                return True
        except socket.timeout:
            return False
        except OSError:
            return True
    return False


def open_partials(d, count, source="127.0.0.1"):
    socks = []
    for _ in range(count):
        try:
            s = connect(d, source)
            s.sendall(PARTIAL)
            socks.append(s)
        except OSError:
            pass
    return socks


def server_conf(**keys):
    return "[server]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())


TESTS = []


def test(conf):
    def wrap(fn):
        TESTS.append((fn, conf))
        return fn
    return wrap


@test(server_conf(max_connections=16, max_connections_per_address=10000,
                  header_timeout_s=600))
def flood_then_close_leaves_listener_alive(d):
    # The critical defect: at its connection limit MHD drops the listening
    # socket from its epoll set; when the run that closed every connection
    # left none, nothing woke the loop to put it back.
    for attempt in range(7):
        socks = open_partials(d, 40)
        time.sleep(0.3)  # let the daemon take the first 16
        for s in socks:
            s.close()
        deadline = time.monotonic() + 3
        status = None
        while status != 200 and time.monotonic() < deadline:
            status = probe(d, timeout=1.0)
        eq(status, 200, f"listener answers after flood {attempt + 1} of 7")
    eq(d.get("/healthz", admin=True)[0], 200, "the admin socket too")


@test(server_conf(max_connections=64, max_connections_per_address=8,
                  header_timeout_s=600))
def one_address_cannot_take_every_slot(d):
    socks = open_partials(d, 30)  # one address: only 8 are kept
    time.sleep(0.3)
    kept = [s for s in socks if not closed_by_server(s, 0.2)]
    eq(len(kept), 8, "connections kept from one address")
    eq(probe(d, source="127.0.0.2"), 200, "another address is served")
    for s in socks:
        s.close()


@test(server_conf(max_connections=32, max_connections_per_address=4,
                  header_timeout_s=600) +
      "[kiosk]\nterminals = hall-1@127.0.0.3\nreserved_connections = 8\n")
def kiosk_terminal_keeps_its_share(d):
    socks = []
    for i in range(1, 11):  # ten addresses, four each: 24 fit, the rest not
        socks += open_partials(d, 4, source=f"127.0.1.{i}")
    time.sleep(0.3)
    eq(probe(d, source="127.0.0.9", timeout=1.0), None,
       "a stranger is refused once the unreserved share is full")
    eq(probe(d, source="127.0.0.3"), 200, "the pinned kiosk is served")
    for s in socks:
        s.close()


@test(server_conf(header_timeout_s=2, connection_timeout_s=30))
def slow_headers_are_cut(d):
    s = connect(d)
    s.sendall(b"GET /healthz HTTP/1.1\r\n")
    start = time.monotonic()
    cut = False
    while time.monotonic() - start < 6:
        try:
            s.sendall(b"X-Slow: 1\r\n")  # a byte now and then: never idle
        except OSError:
            cut = True
            break
        if closed_by_server(s, 0.5):
            cut = True
            break
    ok(cut, "a client trickling its headers is cut")
    ok(time.monotonic() - start < 5, "within the header deadline")
    s.close()
    # a kept-alive client that is merely idle is not cut at the deadline
    s = connect(d)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    ok(s.recv(4096).startswith(b"HTTP/1.1 200"), "first request answered")
    time.sleep(3)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    ok(s.recv(4096).startswith(b"HTTP/1.1 200"), "idle keep-alive still served")
    s.close()


KIOSK_LIMITS = """[kiosk]
terminals = hall-1
failure_burst = 4
failures_per_minute = 1
code_failures_per_hour = 3
"""


def lookup_from(d, source, code, factor, terminal=None):
    body = {"code": code, "factor": factor}
    if terminal:
        body["terminal"] = terminal
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10, source_address=(source, 0))
    c.request("POST", "/api/v1/lookup", body=json.dumps(body))
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def old_set(code, nsets=1024):
    """The set the old limiter put a code in: FNV-1a over BLAKE2b-128 of the
    code, 4,096 slots in sets of 4. An attacker could compute it."""
    h = 1469598103934665603
    for b in hashlib.blake2b(code.encode(), digest_size=16).digest():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h % nsets


@test(KIOSK_LIMITS)
def locked_code_cannot_be_flushed(d):
    cat = os.path.join(d.tmp, "p.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": "1.001193.000.00.00.H49", "name": "Đăng ký khai sinh",
                            "field": "Hộ tịch", "days": 1}, ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    p = d.cli("intake", "--procedure", "1.001193.000.00.00.H49", "--name", "Nguyễn Văn An",
              "--id-no", "001203004567", "--json", check=0)
    victim = json.loads(p.stdout)["code"]
    addr = iter(f"127.0.{i // 250 + 2}.{i % 250 + 1}" for i in range(20000))
    for _ in range(3):  # code_failures_per_hour: each from a fresh address
        eq(lookup_from(d, next(addr), victim, "0000"), 404, "a wrong guess")
    eq(lookup_from(d, next(addr), victim, "4567"), 429, "the code is locked")
    # the flush: codes chosen to share the victim's set, each refused by
    # its address's limit first, then charged from fresh addresses
    target = old_set(victim)
    prefix = victim[:-4]
    chosen = [c for c in (f"{prefix}{n:04d}" for n in range(10000))
              if c != victim and old_set(c) == target][:8]
    ok(len(chosen) >= 4, "found colliding codes")
    spent = next(addr)
    others = [f"{prefix}{n:04d}" for n in range(9000, 9010)
              if f"{prefix}{n:04d}" not in chosen and f"{prefix}{n:04d}" != victim]
    for c in others[:4]:  # failure_burst misses on other codes
        lookup_from(d, spent, c, "0000")
    for c in chosen:
        eq(lookup_from(d, spent, c, "0000"), 429, "refused by the address limit")
        for _ in range(3):
            lookup_from(d, next(addr), c, "0000")
    eq(lookup_from(d, next(addr), victim, "4567"), 429, "still locked after the flush")
    # SIGHUP must not reset the limits: the code and a locked terminal
    for _ in range(6):
        lookup_from(d, "127.0.0.1", "000.00.19.H49-261125-9999", "0000", terminal="hall-1")
    eq(lookup_from(d, "127.0.0.1", victim, "4567", terminal="hall-1"), 429, "terminal locked")
    mark = len(d.logtext())
    d.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "configuration reloaded" not in d.logtext()[mark:]:
        ok(time.monotonic() < deadline, "the reload is logged")
        time.sleep(0.05)
    eq(lookup_from(d, "127.0.0.1", victim, "4567", terminal="hall-1"), 429,
       "the terminal is still locked after SIGHUP")
    eq(lookup_from(d, next(addr), victim, "4567"), 429, "the code is still locked after SIGHUP")
    text = d.logtext()
    ok(text.count("no match") == 1 and text.count("rate limited") == 1,
       "dozens of refusals: the first of each kind is logged, the rest summarised")


def session(args, run):
    # each test runs its own daemon with the limits it needs
    for fn, conf in TESTS:
        tmp = tempfile.mkdtemp(prefix="motcua-listen-")
        d = Daemon(args.build, tmp)
        d.write_conf(extra=conf)
        try:
            with run.guard(fn.__name__ + " (start)"):
                d.start()
                if not run.case(fn.__name__, fn, d):
                    print("--- motcuad log ---")
                    print(d.logtext()[-3000:])
        finally:
            if d.proc and d.proc.poll() is None:
                d.stop()
            shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main(session, keep=False))
