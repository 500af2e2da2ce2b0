#!/usr/bin/env python3
"""System test of serial scanners (docs/scanners.md): the real motcuad reads
one end of socat pseudo-terminal pairs, the test writes the other end like a
scanner would. Checks classification and routing to a staff terminal's
event stream (admin socket) and to a kiosk terminal's stream, partial
frames, overlong lines, binary garbage, repeats within the window, unplug
and replug, and `motcua scanners --json`. Ends with "N passed, N failed".
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok, wait_for  # noqa: E402
from test_daemon import Daemon  # noqa: E402

MAX_LINE = 32


def s10(prefix, serial, country="VN"):
    """An S10 id with its right check digit (UPU S10, weights 8642 3597)."""
    w = (8, 6, 4, 2, 3, 5, 9, 7)
    c = 11 - sum(int(d) * k for d, k in zip(serial, w)) % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return f"{prefix}{serial}{c}{country}"


class Pty:
    """A socat pty pair: the daemon opens `dev`, the test writes `inp`."""

    def __init__(self, tmp, name):
        self.dev = os.path.join(tmp, name + ".dev")
        self.inp = os.path.join(tmp, name + ".in")
        self.proc = None
        self.fd = None

    def plug(self):
        for p in (self.dev, self.inp):
            if os.path.lexists(p):
                os.unlink(p)
        self.proc = subprocess.Popen(
            ["socat", "-d", "-d", f"pty,raw,echo=0,link={self.dev}",
             f"pty,raw,echo=0,link={self.inp}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(self.dev) and os.path.exists(self.inp),
                 timeout=5, what="socat's links")
        self.fd = os.open(self.inp, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)  # no CR -> LF, no echo, before any byte
        termios.tcflush(self.fd, termios.TCIOFLUSH)

    def unplug(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=5)
            self.proc = None

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        os.write(self.fd, data)


class Stream:
    """A raw event-stream client (admin Unix socket or public TCP)."""

    def __init__(self, d, terminal, admin=True):
        if admin:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.settimeout(5)
            self.s.connect(d.sock)
        else:
            self.s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        self.s.sendall(f"GET /api/v1/terminals/{terminal}/events HTTP/1.1\r\n"
                       f"Host: x\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n".encode())
        self.buf = b""
        self.head = self._until(b"\r\n\r\n").decode()
        self.status = int(self.head.split()[1])

    def _until(self, sep, timeout=5.0):
        deadline = time.monotonic() + timeout
        while sep not in self.buf:
            if time.monotonic() > deadline:
                raise AssertionError("no data on the event stream")
            self.s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.s.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                raise AssertionError("event stream closed")
            self.buf += chunk
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def event(self, name="scan", timeout=5.0):
        """The data of the next event called name (others are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            block = self._until(b"\n\n", deadline - time.monotonic())
            lines = [ln.split(b"\r\n")[-1] for ln in block.split(b"\n")]
            ev = [ln[7:].decode() for ln in lines if ln.startswith(b"event: ")]
            data = [ln[6:].decode() for ln in lines if ln.startswith(b"data: ")]
            if ev and ev[0] == name:
                self.last_raw = data[0]
                return json.loads(data[0])
        raise AssertionError("no " + name + " event")

    def close(self):
        self.s.close()


RESULTS = Tests()
test = RESULTS.add


def source(d, name):
    s, j, _ = d.request("GET", "/api/v1/scanners")
    eq(s, 200, "GET /api/v1/scanners")
    return next(x for x in j["scanners"] if x["name"] == name)


@test
def sources_open(d):
    wait_for(lambda: source(d, "clerk")["state"] == "open", timeout=5, what="clerk open")
    wait_for(lambda: source(d, "hall")["state"] == "open", timeout=5, what="hall open")
    c = source(d, "clerk")
    eq((c["type"], c["terminal"], c["last_scan_at"]), ("serial", "clerk1", None), "listed as configured")
    s, j, _ = d.request("GET", "/api/v1/scanners")
    eq([t["id"] for t in j["terminals"]], ["clerk1", "desk1"], "staff terminals listed")


@test
def hid_shell_registered(d):
    h = source(d, "desk-hid")
    eq((h["type"], h["state"]), ("hid", "waiting"), "a HID scanner not plugged in is waiting, not unsupported")


@test
def camera_shell_registered(d):
    # no camera here: the shell's thread finds none and says so, the
    # daemon goes on (the serial tests below still run)
    wait_for(lambda: "cannot open" in source(d, "desk-cam")["detail"], timeout=5,
             what="camera waiting")
    c = source(d, "desk-cam")
    eq((c["type"], c["state"]), ("camera", "waiting"), "a missing camera is waiting, not unsupported")


@test
def s10_valid_and_bad_check(d):
    good = s10("RR", "12345678")
    d.clerk.write(good + "\r\n")
    e = d.st.event()
    eq((e["kind"], e["value"], e["s10_verdict"], e["reason"], e["source"]),
       ("s10", good, "valid", None, "clerk"), "a valid S10")
    ok(isinstance(e["at"], int) and abs(e["at"] / 1000 - time.time()) < 60, "at is wall-clock ms")
    bad = good[:10] + str((int(good[10]) + 1) % 10) + "VN"
    d.clerk.write(bad + "\r")  # a CR alone ends a frame under crlf
    e = d.st.event()
    eq((e["kind"], e["value"], e["s10_verdict"]), ("s10", bad, "bad_check"), "a wrong check digit")
    ok(e["reason"], "with a reason")


@test
def code_manifest_unknown(d):
    d.clerk.write("000.00.19.H49-261125-0003\n")
    e = d.st.event()
    eq((e["kind"], e["value"], e["s10_verdict"]), ("code", "000.00.19.H49-261125-0003", None), "a dossier code")
    d.clerk.write("]C0BK20260105-0001\r\n")  # with an AIM prefix
    e = d.st.event()
    eq((e["kind"], e["value"]), ("manifest", "BK20260105-0001"), "a manifest id")
    d.clerk.write("secret-hello 0912345678\r\n")
    e = d.st.event()
    eq((e["kind"], e["value"], e["reason"]), ("unknown", "", "no known format"), "unknown, with a reason")
    ok("0912345678" not in d.st.last_raw and "secret" not in d.st.last_raw, "no raw bytes of an unknown scan")
    ok("0912345678" not in d.logtext(), "nor in the log")


@test
def partial_frames(d):
    item = s10("EE", "87654321")
    for part in (item[:3], item[3:7], item[7:12], item[12:] + "\r", "\n"):
        d.clerk.write(part)
        time.sleep(0.15)
    e = d.st.event()
    eq((e["kind"], e["value"], e["s10_verdict"]), ("s10", item, "valid"), "reassembled across writes")


@test
def overlong_line(d):
    before = source(d, "clerk")["errors"].get("overlong", 0)
    d.clerk.write("X" * (MAX_LINE + 20) + "\r\n")
    e = d.st.event()
    eq((e["kind"], e["value"], e["reason"]), ("unknown", "", "too long"), "cut and reported")
    d.clerk.write("BK20260106-0002\r\n")
    e = d.st.event()
    eq((e["kind"], e["value"]), ("manifest", "BK20260106-0002"), "resynced at the next suffix")
    eq(source(d, "clerk")["errors"].get("overlong", 0), before + 1, "counted")
    ok("overlong" in d.logtext(), "logged")


@test
def binary_garbage(d):
    before = source(d, "clerk")["errors"].get("garbage", 0)
    d.clerk.write(b"\x00\x01\xff\xfe\x1b[2J garbage\r\n")
    d.clerk.write(b"caf\xc3\r\n")
    d.clerk.write("BK20260107-0003\r\n")
    e = d.st.event()
    eq((e["kind"], e["value"]), ("manifest", "BK20260107-0003"), "nothing routed from garbage")
    eq(source(d, "clerk")["errors"].get("garbage", 0), before + 2, "both garbage lines counted")


@test
def duplicate_counted_once(d):
    before = source(d, "clerk")
    d.clerk.write("BK20260108-0004\r\nBK20260108-0004\r\n")
    time.sleep(0.1)
    d.clerk.write("BK20260108-0004\r\n")
    d.clerk.write("BK20260108-0005\r\n")
    e = d.st.event()
    eq(e["value"], "BK20260108-0004", "the first")
    e = d.st.event()
    eq(e["value"], "BK20260108-0005", "the repeats were not routed")
    after = source(d, "clerk")
    eq(after["duplicates"], before["duplicates"] + 2, "repeats counted")
    eq(after["scans"], before["scans"] + 2, "counted once")


@test
def kiosk_terminal(d):
    k = Stream(d, "hall-1", admin=False)
    eq(k.status, 200, "the kiosk's own stream")
    k.event("hello")
    d.hall.write("000.00.19.H49-261125-0009\r\n")
    e = k.event()
    eq((e["kind"], e["value"]), ("code", "000.00.19.H49-261125-0009"), "the kiosk flow gets the scan")
    k.close()


@test
def staff_streams_not_public(d):
    st = Stream(d, "clerk1", admin=False)
    eq(st.status, 404, "no staff stream on the public listener")
    st.close()
    s, _, _ = d.request("GET", "/api/v1/scanners", admin=False)
    eq(s, 404, "no scanner list on the public listener")
    st = Stream(d, "nobody")
    eq(st.status, 404, "an unknown terminal")
    st.close()


@test
def unplug_and_replug(d):
    d.clerk.unplug()
    wait_for(lambda: source(d, "clerk")["state"] == "waiting", timeout=5, what="state waiting")
    ok(source(d, "clerk")["detail"], "a reason")
    time.sleep(1.5)  # the backoff is at its cap by now
    d.clerk.plug()
    t0 = time.monotonic()
    wait_for(lambda: source(d, "clerk")["state"] == "open", timeout=2.0, what="reopened within 2 s")
    d.clerk.write("BK20260109-0006\r\n")
    e = d.st.event(timeout=2.0)
    eq((e["kind"], e["value"]), ("manifest", "BK20260109-0006"), "a scan after the replug")
    ok(time.monotonic() - t0 < 4.0, "replug to scan in time")


@test
def stream_count_bounded(d):
    extra = []
    try:
        for _ in range(31):  # with the test's own stream: 32, the bound
            st = Stream(d, "desk1")
            eq(st.status, 200, "a stream within the bound")
            extra.append(st)
        st = Stream(d, "desk1")
        eq(st.status, 503, "one more is refused")
        ok("retry-after" in st.head.lower(), "with Retry-After")
        st.close()
    finally:
        for st in extra:
            st.close()
    time.sleep(0.3)
    wait_for(lambda: Stream(d, "desk1").status == 200, timeout=20, what="closed streams to be noticed")


@test
def slow_client_dropped(d):
    """A client that never reads is dropped with a log line; one that reads
    gets everything."""
    d.st.close()
    slow = Stream(d, "clerk1")
    fast = Stream(d, "clerk1")
    fast.event("hello")
    n = 5000
    seen = []

    def reader():
        try:
            while True:
                e = fast.event(timeout=10)
                seen.append(e["value"])
                if e["value"] == f"BK20260111-{n:04d}":
                    return
        except AssertionError:
            return

    t = threading.Thread(target=reader)
    t.start()
    # bursts of 50 scans: far beyond any scanner, yet a pace a reading
    # client keeps up with
    for i in range(1, n + 1, 50):
        d.clerk.write("".join(f"BK20260111-{k:04d}\r\n" for k in range(i, min(i + 50, n + 1))))
        time.sleep(0.02)
    t.join(timeout=60)
    eq(len(seen), n, "the reading client got every scan")
    wait_for(lambda: "event stream client too slow, dropped" in d.logtext(), timeout=10, what="the drop log line")
    s, j, _ = d.request("GET", "/api/v1/scanners")
    ok(j["dropped_streams"] >= 1, "counted")
    slow.close()
    fast.close()
    d.st = Stream(d, "clerk1")
    d.st.event("hello")


@test
def sighup_keeps_scanners(d):
    with open(d.conf, encoding="utf-8") as f:
        good = f.read()
    bad = good.replace("max_line = 32", "max_line = 4")
    p = subprocess.run([os.path.join(d.build, "motcuad"), "-n", "-c", "/dev/stdin"], input=bad,
                       capture_output=True, text=True, timeout=30)
    eq(p.returncode, 1, "motcuad -n refuses a bad scanner key")
    ok("scanner.clerk.max_line: out of range 8..512: '4'" in p.stderr, "naming the key: " + p.stderr.strip())
    with open(d.conf, "w", encoding="utf-8") as f:
        f.write(good.replace("dedup_ms = 2000", "dedup_ms = 100"))
    mark = len(d.logtext())
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "takes effect at the next restart" in d.logtext()[mark:], timeout=5, what="restart notice")
    ok("scanner.dedup_ms" in d.logtext()[mark:], "names the key")
    with open(d.conf, "w", encoding="utf-8") as f:
        f.write(good)
    d.clerk.write("BK20260112-0007\r\n")
    e = d.st.event()
    eq(e["value"], "BK20260112-0007", "scanners keep working after a reload")
    eq(source(d, "clerk")["state"], "open", "still open")


@test
def cli_scanners(d):
    p = d.cli("scanners", "--json", check=0)
    j = json.loads(p.stdout)
    c = next(x for x in j["scanners"] if x["name"] == "clerk")
    eq(c["state"], "open", "state")
    ok(c["errors"]["overlong"] >= 1 and c["errors"]["garbage"] >= 2, "error counters")
    ok(c["duplicates"] >= 2 and c["scans"] >= 10, "scan counters")
    ok(isinstance(c["last_scan_at"], int), "last scan time")
    p = d.cli("scanners", check=0)
    ok("clerk" in p.stdout and "overlong=" in p.stdout and "hall" in p.stdout, "the table")
    # issue 15 item 18: the last scan in the office's time (+07:00), as
    # every other time the CLI shows, not the host's zone
    local = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(c["last_scan_at"] // 1000 + 7 * 3600))
    ok(local in p.stdout, f"last scan at {local} (+07:00): {p.stdout}")
    eq(d.cli("scanners", "--bogus").returncode, 2, "usage error")
    s, m, _ = d.get("/metrics", admin=True)
    ok('motcua_scans_total{source="clerk"}' in m and
       'motcua_scan_errors_total{source="clerk",class="garbage"} 2' in m, "scanner counters in /metrics")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-scan-")
    d = Daemon(args.build, tmp)
    d.clerk, d.hall = Pty(tmp, "clerk"), Pty(tmp, "hall")
    d.write_conf(extra=f"""[kiosk]
terminals = hall-1
[scanner]
terminals = clerk1, desk1
dedup_ms = 2000
[scanner.clerk]
type = serial
device = {d.clerk.dev}
terminal = clerk1
baud = 9600
suffix = crlf
max_line = {MAX_LINE}
[scanner.hall]
type = serial
device = {d.hall.dev}
terminal = hall-1
[scanner.desk-hid]
type = hid
device = /dev/input/by-id/usb-Nobody_Scanner-event-kbd
terminal = desk1
[scanner.desk-cam]
type = camera
device = /dev/v4l/by-id/usb-Nobody_Camera-video-index0
terminal = desk1
inverted = true
""")
    try:
        with run.guard("start"):
            d.clerk.plug()
            d.hall.plug()
            d.start()
            d.st = Stream(d, "clerk1")
            eq(d.st.status, 200, "the clerk stream")
            d.st.event("hello")
            run.each(RESULTS, d)
            d.st.close()
            rc = d.stop()
            if rc == 0:
                run.ok("clean_stop")
            else:
                run.fail("clean_stop", "exit", rc)
    finally:
        if d.proc and d.proc.poll() is None:
            d.stop()
        d.clerk.unplug()
        d.hall.unplug()
        if run.failed:
            print("--- motcuad log ---")
            print(d.logtext()[-4000:])
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session, keep=False))
