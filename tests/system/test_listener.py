#!/usr/bin/env python3
"""The listeners under connection floods (issue: one client must not silence
a listener). Each test runs its own motcuad on loopback with the limits it
needs, and uses other loopback addresses (127.0.0.2, 127.0.1.x) as other
clients: Linux routes all of 127.0.0.0/8 to lo."""
import argparse
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import ROOT, Daemon, eq, ok  # noqa: E402

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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    passed = failed = 0
    for fn, conf in TESTS:
        tmp = tempfile.mkdtemp(prefix="motcua-listen-")
        d = Daemon(build, tmp)
        d.write_conf(extra=conf)
        try:
            d.start()
            fn(d)
            print("ok  ", fn.__name__)
            passed += 1
        except Exception as e:  # noqa: BLE001 - report and go on
            print("FAIL", fn.__name__ + ":", e)
            print("--- motcuad log ---")
            print(d.logtext()[-3000:])
            failed += 1
        finally:
            if d.proc and d.proc.poll() is None:
                d.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
