"""Helpers of the sync system tests: real motcuad daemons (terminals and a
hub) on loopback, a throwaway CA, and a fault-injecting HTTP proxy that sits
between a terminal and the hub.

Not a test file itself (tests/run picks up test_*.py only).
"""
import gzip
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time

from runner import ROOT, UnixHTTPConnection, free_port  # noqa: F401 - the tests import ROOT from here

# The hub's backend for every hub these tests start: sqlite (the default)
# or postgresql (the *_pg.py tests set it; pglib.py starts the server).
HUB_BACKEND = os.environ.get("MOTCUA_TEST_HUB_BACKEND", "sqlite")

AGENCY = "000.00.19.H49"
PROCEDURE = "1.001612.000.00.00.H49"
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def wait_for(cond, timeout=10.0, what="condition", every=0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = cond()
            if last:
                return last
        except (OSError, ValueError, KeyError, http.client.HTTPException):
            pass
        time.sleep(every)
    raise AssertionError("timed out waiting for " + what)


def make_tls(tmp):
    """A throwaway CA and a server certificate for 127.0.0.1, made with the
    openssl command. Returns (ca_pem, cert_pem, key_pem) paths."""
    ca_key, ca = os.path.join(tmp, "ca.key"), os.path.join(tmp, "ca.pem")
    key, csr, cert = (os.path.join(tmp, n) for n in ("hub.key", "hub.csr", "hub.pem"))
    ext = os.path.join(tmp, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)  # noqa: E731
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca_key, "-out", ca, "-days", "3", "-subj", "/CN=motcua test CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "3", "-extfile", ext)
    return ca, cert, key


class Node:
    """One motcuad: role "terminal" or "hub"."""

    def __init__(self, build, tmp, name, role="terminal", agency=AGENCY, pg_db=None, dsn=None):
        """A hub on PostgreSQL gets a database of its own, or pg_db (two
        hubs over one database); dsn overrides the connection (a proxy)."""
        self.build, self.name, self.role, self.agency = build, name, role, agency
        self.pg = None
        self.pg_db = pg_db
        self.dsn = dsn
        if role == "hub" and HUB_BACKEND == "postgresql":
            import pglib
            self.pg = pglib.shared()
            if self.pg_db is None:
                self.pg_db = self.pg.new_database()
            if self.dsn is None:
                self.dsn = self.pg.dsn(self.pg_db)
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.sync_port = free_port() if role == "hub" else None
        self.sock = os.path.join(self.dir, "admin.sock")
        self.conf = os.path.join(self.dir, "motcuad.conf")
        self.log = os.path.join(self.dir, "motcuad.log")
        self.proc = None
        self.logf = None
        self.env = None
        self.configure()

    def configure(self, sync="", hub="", extra="", server=""):
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""[server]
listen = 127.0.0.1:{self.port}
admin_socket = {self.sock}
admin_socket_mode = 0600
public_url = http://127.0.0.1:{self.port}
# every terminal, proxy and probe of these tests comes from 127.0.0.1: a
# test bed, not one client taking every slot
max_connections_per_address = 1000
{server}
[store]
db_path = {self.dir}/motcua.db
[office]
agency_code = {self.agency}
agency_name = UBND xã Thử nghiệm {self.name}
[lookup]
miss_burst = 1000
miss_per_minute = 1000
[sync]
role = {self.role}
{sync}
[hub]
db_path = {self.dir}/hub.db
tokens_file = {self.dir}/hub-tokens
listen = 127.0.0.1:{self.sync_port or free_port()}
{self.backend_conf()}
{hub}
[log]
verbose = true
{extra}""")

    def backend_conf(self):
        if self.pg is None:
            return ""
        return f"backend = postgresql\ndsn = {self.dsn}"

    def start(self, env=None, wait=True):
        self.logf = open(self.log, "a")
        e = dict(os.environ)
        e.update(env or self.env or {})
        self.proc = subprocess.Popen([os.path.join(self.build, "motcuad"), "-d", "-c", self.conf],
                                     stdout=self.logf, stderr=subprocess.STDOUT, env=e)
        if wait:
            wait_for(lambda: self.get("/healthz")[0] == 200, 15, f"{self.name} to listen")
            if self.role == "hub":  # its sync listener opens on its own
                wait_for(self._sync_port_open, 15, f"{self.name}'s sync listener")

    def _sync_port_open(self):
        try:
            socket.create_connection(("127.0.0.1", self.sync_port), 1).close()
            return True
        except OSError:
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if not self.alive():
            return None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            raise AssertionError(f"{self.name} did not stop on {sig}")
        finally:
            self.logf.close()
        if sig == signal.SIGTERM and rc != 0:
            # e.g. a sanitizer report at exit
            raise AssertionError(f"{self.name} exited {rc} on SIGTERM:\n" + self.logtext()[-3000:])
        return rc

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
            self.logf.close()

    def request(self, method, path, body=None, admin=True, timeout=30):
        c = UnixHTTPConnection(self.sock, timeout) if admin else \
            http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
        c.request(method, path, body=data)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            j = json.loads(raw)
        except ValueError:
            j = raw.decode("utf-8", "replace")
        return r.status, j

    def get(self, path, admin=False):
        return self.request("GET", path, None, admin)

    def cli(self, *args):
        env = dict(os.environ, MOTCUA_SOCKET=self.sock)
        return subprocess.run([os.path.join(self.build, "motcua"), "--actor", "test", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    def logtext(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # terminal helpers
    def add_procedure(self):
        line = json.dumps({"code": PROCEDURE, "name": "Đăng ký hộ kinh doanh", "field": "Hộ kinh doanh",
                           "days": 3, "documents": [], "fee": 0}, ensure_ascii=False)
        s, j = self.request("POST", "/api/v1/procedures", line + "\n")
        assert s == 200, (s, j)

    def intake(self, name="Nguyễn Văn An", timeout=30, **kw):
        body = {"procedure_code": PROCEDURE, "owner_name": name, "owner_id_no": "031234567890",
                "phone": "0912345678", "actor": "test"}
        body.update(kw)
        return self.request("POST", "/api/v1/dossiers", body, timeout=timeout)

    def sync_status(self):
        s, j = self.request("GET", "/api/v1/sync/status")
        assert s == 200, (s, j)
        return j

    def dossier(self, code):
        return self.request("GET", "/api/v1/dossiers/" + code)


def terminal_sync_conf(url, token_file, ca_file="", http_ok=False, **kw):
    conf = {"upstream_url": url, "token_file": token_file, "ca_file": ca_file,
            "insecure_http_loopback": "true" if http_ok else "false",
            "backoff_min_ms": 50, "backoff_max_ms": 1000, "pull_interval_s": 1,
            "timeout_ms": 5000, "connect_timeout_ms": 1000}
    conf.update(kw)
    return "\n".join(f"{k} = {v}" for k, v in conf.items())


def write_secret(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def hub_dump(hub, terminal=None):
    path = "/api/v1/hub/dossiers" + (f"?terminal={terminal}" if terminal else "")
    s, j = hub.request("GET", path)
    assert s == 200, (s, j)
    return j["dossiers"]


def converged(term, hub, codes, terminal_name):
    """Hub and terminal agree on every dossier in codes: the hub has each
    exactly once (its intake event once), with the terminal's status, and
    the terminal's outbox is empty."""
    st = term.sync_status()
    if st["pending"] != 0:
        return False
    dump = hub_dump(hub, terminal_name)
    for c in codes:
        if c not in dump:
            return False
        s, d = term.dossier(c)
        if s != 200 or d["status"] != dump[c]["status"] if isinstance(d.get("status"), int) else False:
            return False
    return True


def check_convergence(term, hub, codes, terminal_name, timeout=60):
    """Waits until the terminal's queue is empty, then asserts that the hub
    holds every code exactly once with the same status as the terminal."""
    wait_for(lambda: term.sync_status()["pending"] == 0, timeout, f"{term.name} to drain its outbox")
    dump = hub_dump(hub, terminal_name)
    missing = [c for c in codes if c not in dump]
    assert not missing, f"{len(missing)} code(s) never reached the hub, e.g. {missing[:3]}"
    # exactly once: the hub's event log holds one intake per dossier; more
    # events only from status changes, which the caller counts itself
    bad = []
    for c in codes:
        s, d = term.dossier(c)
        assert s == 200, (c, s, d)
        if status_code(d) != dump[c]["status"]:
            bad.append((c, status_code(d), dump[c]["status"]))
    assert not bad, f"status differs between terminal and hub: {bad[:5]}"
    return dump


def status_code(d):
    st = d["status"]
    if isinstance(st, dict):
        return st["code"]
    return st


class FaultProxy:
    """An HTTP/1.1 proxy on loopback between a terminal and the hub. Each
    request from the terminal is forwarded on a new connection to the hub
    (or not), and the reply is passed back, changed, or withheld, per the
    current fault:

      pass          forward and answer
      status:N      answer N (with Retry-After: 1) without forwarding
      drop_after    forward (the hub commits), then close without answering
      hold          forward nothing, answer nothing, until the client gives up
      trickle:N     forward, answer N bytes at a time every 20 ms
      truncate      forward, answer half of the body and close
      garbage       forward, answer a same-length body that is not JSON
      unknown_keys  forward, answer ok for keys that were never sent
      refuse        close the connection at once (hub down)

    `faults` is a list consumed one per request (then `after` applies), so a
    test says exactly how many requests fail. Every request is counted."""

    def __init__(self, upstream_port, paths=("/sync/v1/push",)):
        self.up = upstream_port
        self.paths = paths
        self.port = free_port()
        self.faults = []
        self.after = "pass"
        self.lock = threading.Lock()
        self.count = {}
        self.requests = 0
        # items of the pushes the hub stored but whose answer a fault
        # withheld (drop_after, trickle): each is retried as a duplicate
        self.committed_unseen = 0
        self.times = []  # (monotonic time, fault) of each request on paths
        self.stop_ev = threading.Event()
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", self.port))
        self.ls.listen(64)
        self.ls.settimeout(0.2)
        self.t = threading.Thread(target=self._accept, daemon=True)
        self.t.start()

    def set(self, faults, after="pass"):
        with self.lock:
            self.faults = list(faults)
            self.after = after

    def pending_faults(self):
        with self.lock:
            return len(self.faults)

    def close(self):
        self.stop_ev.set()
        self.t.join(timeout=5)
        self.ls.close()

    def _next_fault(self, path):
        with self.lock:
            self.requests += 1
            if not any(path.startswith(p) for p in self.paths):
                return "pass"
            f = self.faults.pop(0) if self.faults else self.after
            self.count[f] = self.count.get(f, 0) + 1
            self.times.append((time.monotonic(), f))
            return f

    def _accept(self):
        while not self.stop_ev.is_set():
            try:
                c, _ = self.ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    @staticmethod
    def _read_msg(sock, buf):
        """One HTTP message (headers + Content-Length body) from sock."""
        while b"\r\n\r\n" not in buf:
            d = sock.recv(65536)
            if not d:
                return None, buf
            buf += d
        head, rest = buf.split(b"\r\n\r\n", 1)
        n = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                n = int(v.strip())
        while len(rest) < n:
            d = sock.recv(65536)
            if not d:
                return None, buf
            rest += d
        return (head, rest[:n]), rest[n:]

    def _forward(self, head, body):
        u = socket.create_connection(("127.0.0.1", self.up), timeout=30)
        try:
            u.sendall(head + b"\r\n\r\n" + body)
            msg, _ = self._read_msg(u, b"")
            return msg
        finally:
            u.close()

    def _serve(self, c):
        c.settimeout(60)
        buf = b""
        try:
            while not self.stop_ev.is_set():
                msg, buf = self._read_msg(c, buf)
                if msg is None:
                    return
                head, body = msg
                path = head.split(b" ", 2)[1].decode()
                fault = self._next_fault(path)
                if fault == "refuse":
                    return
                if fault.startswith("status:"):
                    parts = fault.split(":")  # status:CODE[:RETRY_AFTER]
                    code, ra = int(parts[1]), int(parts[2]) if len(parts) > 2 else 1
                    b = b'{"error":{"field":"","message":"injected"}}'
                    c.sendall(b"HTTP/1.1 %d Injected\r\nContent-Type: application/json\r\n"
                              b"Retry-After: %d\r\nContent-Length: %d\r\n\r\n%s" % (code, ra, len(b), b))
                    continue
                if fault == "hold":
                    # never answer; wait until the client hangs up
                    c.settimeout(30)
                    while c.recv(65536):
                        pass
                    return
                try:
                    resp = self._forward(head, body)
                except OSError:
                    return  # hub down: the client sees a dropped connection
                if resp is None:
                    return
                rhead, rbody = resp
                if fault == "drop_after" or fault.startswith("trickle:"):
                    # the items the hub stored (it answered 200) whose
                    # answer the terminal will not get whole: their retry
                    # must come back duplicate
                    try:
                        if rhead.split(b" ", 2)[1] == b"200":
                            raw = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
                            with self.lock:
                                self.committed_unseen += len(json.loads(raw)["items"])
                    except (ValueError, KeyError, TypeError, OSError, IndexError):
                        pass
                if fault == "drop_after":
                    return
                if fault == "garbage":
                    rbody = bytes(random.Random(len(rbody)).choice(b"{[\"x:,}]") for _ in rbody)
                elif fault == "unknown_keys":
                    try:
                        j = json.loads(rbody)
                        for r in j.get("results", []):
                            r["key"] = "%032x" % random.getrandbits(128)
                            r["result"] = "ok"
                            r.pop("reason", None)
                        rbody = json.dumps(j).encode()
                    except ValueError:
                        pass
                lines = [l for l in rhead.split(b"\r\n") if not l.lower().startswith(b"content-length")]
                out = b"\r\n".join(lines) + b"\r\nContent-Length: %d\r\n\r\n" % len(rbody)
                if fault == "truncate":
                    c.sendall(out + rbody[:len(rbody) // 2])
                    return
                if fault.startswith("trickle:"):
                    step = int(fault.split(":")[1])
                    data = out + rbody
                    for i in range(0, len(data), step):
                        c.sendall(data[i:i + step])
                        time.sleep(0.02)
                    continue
                c.sendall(out + rbody)
        except OSError:
            return
        finally:
            try:
                c.close()
            except OSError:
                pass


def new_run_dir(prefix):
    import tempfile
    return tempfile.mkdtemp(prefix=prefix)


def cleanup(tmp, keep):
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)


def bulk_backlog(db, n, agency, created_at, first_day_back=1):
    """Writes n dossiers taken "earlier" straight into a stopped terminal's
    database, each with its intake event, token, audit and outbox row,
    exactly as an intake writes them: hours of backlog built in seconds.
    Codes go back day by day from first_day_back days ago, 9000 a day.
    Returns the codes."""
    import sqlite3
    rnd = random.Random(n)
    con = sqlite3.connect(db)
    cur = con.cursor()
    cur.execute("INSERT OR IGNORE INTO agencies(code, name) VALUES (?, ?)", (agency, ""))
    proc = cur.execute("SELECT code FROM procedures LIMIT 1").fetchone()[0]
    codes = []
    now = int(time.time())
    base_day = (now + 7 * 3600) // 86400 - first_day_back
    per_day = 9000
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    for i in range(n):
        day = base_day - i // per_day
        seq = i % per_day + 1
        t = day * 86400 - 7 * 3600 + 8 * 3600 + seq  # 08:00 local + seq s
        ymd = time.strftime("%y%m%d", time.gmtime(day * 86400))
        code = f"{agency}-{ymd}-{seq:04d}"
        name = f"Nguyen Van Backlog {i}"
        cur.execute("INSERT INTO dossiers(code, agency_code, procedure_code, channel, delivery, status,"
                    " owner_name, owner_fold, received_at, submitted_at, due_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, 1, 0, 2, ?, ?, ?, ?, ?, ?, ?)",
                    (code, agency, proc, name, name.lower(), t, t, t + 3 * 86400, created_at, created_at))
        did = cur.lastrowid
        cur.execute("INSERT INTO dossier_events(dossier_id, at, kind, new_status, due_after, actor)"
                    " VALUES (?, ?, 'intake', 2, ?, 'backlog')", (did, t, t + 3 * 86400))
        eid = cur.lastrowid
        cur.execute("INSERT INTO outbox(idempotency_key, dossier_id, event_id, kind, payload, created_at)"
                    " VALUES (?, ?, ?, 'dossier_new', '{\"status\":2,\"base\":0}', ?)",
                    (rnd.randbytes(16), did, eid, created_at))
        cur.execute("INSERT INTO lookup_tokens(token, dossier_id, created_at) VALUES (?, ?, ?)",
                    ("0000" + "".join(rnd.choice(alphabet) for _ in range(16)), did, created_at))
        cur.execute("INSERT INTO audit_log(at, actor, action, object) VALUES (?, 'backlog', 'intake', ?)",
                    (created_at, code))
        cur.execute("INSERT INTO code_counters(agency_code, day, last_seq) VALUES (?, ?, ?)"
                    " ON CONFLICT(agency_code, day) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                    (agency, day, seq))
        codes.append(code)
    con.commit()
    con.close()
    return codes
