#!/usr/bin/env python3
"""System test of what the daemon tells about itself (docs/security.md,
"Metrics and health") and of the CSV cells of its exports ("CSV
exports"), on the real motcuad:

- /metrics: 404 on the public listener; the admin socket, office staff
  and admins on the staff listener, and server.metrics_listen (GET /metrics
  alone) serve it; a postal clerk gets 403;
- /healthz: 200 "ok" while the store can be written; 503 naming the store
  while another process holds the database's write lock; 200 again after;
- the postal returns CSV: an actor name that a spreadsheet would run as a
  formula comes out neutralised.

Ends with the line "N passed, N failed" like every test binary.
"""
import csv
import http.client
import io
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, free_port, main, ok, wait_for  # noqa: E402
from test_auth import AuthDaemon, Staff  # noqa: E402

PROC = "1.001612.000.00.00.H49"
# long enough for any password rule of the staff roles
ACCOUNTS = {"quantri": ("admin", "quan-tri-mat-khau-2026"),
            "canbo": ("office_staff", "can-bo-mat-khau-2026"),
            "buudien": ("postal_clerk", "buu-dien-mat-khau-2026")}
FORMULA = '=HYPERLINK("http://evil.example/","bấm")'

RESULTS = Tests()
test = RESULTS.add
STATE = {}


def s10(serial, ind="RE"):
    w = [8, 6, 4, 2, 3, 5, 9, 7]
    s = sum(int(c) * w[i] for i, c in enumerate(serial))
    c = 11 - s % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return f"{ind}{serial}{c}VN"


def today_local():
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))


class HealthDaemon(AuthDaemon):
    """The staff listener of test_auth, and the metrics listener."""

    def __init__(self, build, tmp):
        self.metrics_port = free_port()
        super().__init__(build, tmp)

    def write_conf(self, miss_burst=5, extra=""):
        super().write_conf(miss_burst, extra)
        with open(self.conf, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("[store]",
                            f"metrics_listen = 127.0.0.1:{self.metrics_port}\n[store]", 1)
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(text)

    def metrics_get(self, method, path):
        c = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=30)
        c.request(method, path)
        r = c.getresponse()
        raw = r.read()
        c.close()
        return r.status, raw.decode("utf-8", "replace"), r


def setup(d):
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": "Đăng ký hộ kinh doanh", "field": "Kinh doanh",
                            "days": 3, "documents": ["Giấy đề nghị"], "fee": 0},
                           ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    STATE["s"] = {}
    for name, (role, pw) in ACCOUNTS.items():
        d.cli("user", "add", name, "--role", role, "--password-stdin", input=pw + "\n", check=0)
        st = Staff(d.staff_port)
        s, j, _ = st.login(name, pw)
        eq(s, 200, f"{name} signs in: {j}")
        STATE["s"][name] = st


# ---------------------------------------------------------------- tests

@test
def metrics_not_public(d):
    s, j, _ = d.request("GET", "/metrics", admin=False)
    eq(s, 404, "the public listener does not serve /metrics")
    eq(j["error"]["message"], "no such resource", "the same 404 as an unknown path")
    s, _, _ = d.request("HEAD", "/metrics", admin=False)
    eq(s, 404, "nor HEAD")


@test
def metrics_admin_socket(d):
    s, text, r = d.request("GET", "/metrics")
    eq(s, 200, "the admin socket serves /metrics")
    ok("motcua_http_requests_total" in text, text[:200])
    ok(r.getheader("Content-Type").startswith("text/plain"), "Prometheus text format")


@test
def metrics_staff_roles(d):
    for name, want in (("quantri", 200), ("canbo", 200), ("buudien", 403)):
        s, body, _ = STATE["s"][name].request("GET", "/metrics")
        eq(s, want, f"/metrics for {ACCOUNTS[name][0]}")
        if want == 200:
            ok("motcua_http_requests_total" in body, "the counters")
        else:
            eq(body["error"]["field"], "role", "refused for its role")
    s, _, _ = Staff(d.staff_port).request("GET", "/metrics")
    ok(s in (303, 401), f"not without signing in: {s}")


@test
def metrics_listener(d):
    s, text, r = d.metrics_get("GET", "/metrics")
    eq(s, 200, "server.metrics_listen serves /metrics")
    ok("motcua_http_requests_total" in text and "motcua_dossiers" in text, text[:200])
    ok(r.getheader("Content-Type").startswith("text/plain"), "Prometheus text format")
    eq(d.metrics_get("HEAD", "/metrics")[0], 200, "HEAD too")
    for path in ("/", "/healthz", "/api/v1/dossiers", "/metrics/", "/api/v1/kiosk"):
        eq(d.metrics_get("GET", path)[0], 404, f"nothing but /metrics: {path}")
    eq(d.metrics_get("POST", "/metrics")[0], 405, "a POST is refused")


@test
def healthz_ok(d):
    s, j, _ = d.get("/healthz")
    eq(s, 200, "healthy")
    eq(j["status"], "ok", str(j))
    eq(j["store"], "ok", str(j))
    eq(j["printer"], "off", "printing is off")
    eq(j["sync"], "off", "no upstream")
    eq(j["failing"], [], str(j))


@test
def healthz_store_unwritable(d):
    """Another process holds the write lock: nothing can be written, and
    /healthz says so (as root, chmod does not stop writes: a lock does)."""
    mark = len(d.logtext())
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"), timeout=10, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        got = {}

        def failing():
            got["r"] = d.get("/healthz")
            return got["r"][0] == 503

        wait_for(failing, timeout=10, what="/healthz to report the store")
        s, j, r = got["r"]
        eq(j["status"], "failing", str(j))
        eq(j["store"], "unwritable", str(j))
        eq(j["failing"], ["store"], "the store is the part failing")
        ok("locked" in j["store_error"], j["store_error"])
        ok(r.getheader("Retry-After") is not None, "Retry-After")
        t0 = time.monotonic()
        for _ in range(20):
            d.get("/healthz")
        ok(time.monotonic() - t0 < 5, "polling /healthz does not wait on the lock each time")
        s, j, _ = d.request("GET", "/healthz", admin=True)
        eq(s, 503, "on the admin socket too")
    finally:
        db.execute("ROLLBACK")
        db.close()
    wait_for(lambda: d.get("/healthz")[0] == 200, timeout=10, what="/healthz to recover")
    log = d.logtext()[mark:]
    eq(log.count("the store cannot be written"), 1, "logged once, not per probe")
    ok("can be written again" in log, "the recovery is logged")


@test
def returns_csv_neutralises_formulas(d):
    s, j, _ = d.request("POST", "/api/v1/dossiers",
                        {"procedure_code": PROC, "owner_name": "Trần Thị Bình",
                         "owner_id_no": "031234567890", "phone": "0912345678",
                         "delivery": "post"})
    eq(s, 201, f"intake on the admin socket: {j}")
    code = j["code"]
    for st in (4, 9):
        s, j, _ = d.request("POST", f"/api/v1/dossiers/{code}/status",
                            {"status": st, "reason": "xử lý"})
        eq(s, 200, str(j))
    s, j, _ = d.request("POST", "/api/v1/postal/returns",
                        {"code": code, "item_id": s10("41414141"), "actor": FORMULA})
    eq(s, 201, f"returned by post: {j}")
    today = today_local()
    s, text, _ = d.request("GET", f"/api/v1/postal/returns?from={today}&to={today}&format=csv")
    eq(s, 200, "the returns as CSV")
    rows = list(csv.reader(io.StringIO(text)))
    eq(rows[0][5], "handed_by", str(rows[0]))
    row = [r for r in rows[1:] if r and r[0] == code]
    eq(len(row), 1, text)
    ok(row[0][5].startswith("'" + FORMULA), f"the formula is neutralised: {row[0][5]!r}")
    for cell in (c for r in rows for c in r):
        ok(cell[:1] not in ("=", "+", "-", "@"), f"no cell starts a formula: {cell!r}")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-health-")
    d = HealthDaemon(args.build, tmp)
    try:
        with run.guard("start"):
            d.start()
            setup(d)
            run.each(RESULTS, d)
    finally:
        if d.proc and d.proc.poll() is None:
            d.stop()
        if run.failed:
            print("--- motcuad log ---")
            print(d.logtext()[-4000:])
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session))
