"""Issue 14, items 3 and 12, on the real daemon.

Item 3: an import that already holds today's first codes must not stop
counter intake and postal registration for the day (they got 500 "UNIQUE
constraint failed" all day); an operator reads and moves a counter with
GET/POST /api/v1/counters and `motcua counter show|set`, audited.

Item 12: a create retried with the same Idempotency-Key returns the first
reply and creates nothing, also after a restart; the same key with another
body is 422; a malformed key is 400 naming the header.
"""
import datetime
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runner import Tests, eq, main, ok  # noqa: E402
from test_daemon import AGENCY, Daemon  # noqa: E402
from test_postal import reg_body, s10  # noqa: E402

PROC = "1.001612.000.00.00.H49"
RESULTS = Tests()
test = RESULTS.add

# the office's local day (the daemon's codes are in Vietnam's time)
NOW = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7)))
TODAY = NOW.strftime("%Y-%m-%d")
YYMMDD = NOW.strftime("%y%m%d")


def code(n):
    return f"{AGENCY}-{YYMMDD}-{n:04d}"


def db_count(d, sql, *args):
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"), timeout=10)
    try:
        return db.execute(sql, args).fetchone()[0]
    finally:
        db.close()


def intake_body(name="Nguyễn Văn An"):
    return {"procedure_code": PROC, "owner_name": name, "phone": "0912345678",
            "actor": "can.bo.test"}


@test
def catalogue(d):
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": "Đăng ký kinh doanh hộ kinh doanh",
                            "field": "Hộ kinh doanh", "days": 3,
                            "documents": ["Giấy đề nghị", "Bản sao CCCD"], "fee": 100000},
                           ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)


@test
def intake_after_import_of_todays_codes(d):
    path = os.path.join(d.tmp, "import.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for n in (1, 2, 3):
            f.write(json.dumps({
                "code": code(n), "procedure_code": PROC,
                "procedure_name": "Đăng ký kinh doanh hộ kinh doanh", "field": "Hộ kinh doanh",
                "agency_code": AGENCY, "agency_name": "UBND tỉnh Quảng Ninh",
                "applicant_name": "Lê Văn Cường", "channel": "online",
                "received_at": NOW.replace(microsecond=0).isoformat(),
                "due_at": (NOW + datetime.timedelta(days=7)).replace(microsecond=0).isoformat(),
                "status": 2}, ensure_ascii=False) + "\n")
    d.cli("import", path, check=0)
    s, j, _ = d.request("POST", "/api/v1/dossiers", intake_body())
    eq(s, 201, f"intake after the import: {j}")
    eq(j["code"], code(4), "intake skips the imported numbers")
    s, j, _ = d.request("POST", "/api/v1/postal/items",
                        dict(reg_body(s10("20000001")), actor="buudien.lan"))
    eq(s, 201, f"postal registration after the import: {j}")
    eq(j["code"], code(5), "postal registration takes the next free number")
    s, j, _ = d.request("POST", "/api/v1/dossiers", intake_body("Trần Thị Bình"))
    eq(s, 201, f"a later intake: {j}")
    eq(j["code"], code(6), "and the one after")


@test
def counter_show_and_set(d):
    s, j, _ = d.get("/api/v1/counters", admin=True)
    eq(s, 200, f"GET /api/v1/counters: {j}")
    eq((j["agency_code"], j["day"], j["last_seq"], j["next_seq"], j["next_code"]),
       (AGENCY, TODAY, 6, 7, code(7)), "today's counter of the office's agency")
    p = d.cli("counter", "show", check=0)
    ok(code(7) in p.stdout and "6" in p.stdout, "counter show: " + p.stdout)
    p = d.cli("counter", "show", "--format", "json", check=0)
    eq(json.loads(p.stdout)["next_seq"], 7, "counter show --format json")
    p = d.cli("counter", "set", "120", check=0)
    ok(code(120) in p.stdout, "counter set prints the next code: " + p.stdout)
    s, j, _ = d.request("POST", "/api/v1/dossiers", intake_body())
    eq(j["code"], code(120), "intake after counter set")
    eq(db_count(d, "SELECT count(*) FROM audit_log WHERE action = 'counter_set'"
                " AND object = ? AND actor LIKE 'can.bo.test%' AND detail LIKE ?",
                AGENCY, TODAY + " last_seq=119"), 1, "counter set is audited with its actor")
    # moved back below taken numbers: intake still skips them
    d.cli("counter", "set", "2", "--day", TODAY, "--agency", AGENCY, check=0)
    s, j, _ = d.request("POST", "/api/v1/dossiers", intake_body())
    eq(j["code"], code(7), "a counter moved back skips numbers taken")
    # clear errors naming the field
    for body, field in (({"day": TODAY, "next": 0}, "next"),
                        ({"day": TODAY, "next": 10000}, "next"),
                        ({"day": TODAY}, "next"),
                        ({"day": "2026-02-30", "next": 5}, "day"),
                        ({"next": 5}, "day"),
                        ({"day": TODAY, "next": 5, "agency_code": "bad code"}, "agency_code")):
        s, j, _ = d.request("POST", "/api/v1/counters", body)
        eq(s, 400, f"POST /api/v1/counters {body}: {j}")
        eq(j["error"]["field"], field, f"the field named for {body}")
    s, j, _ = d.get("/api/v1/counters?day=tomorrow", admin=True)
    eq((s, j["error"]["field"]), (400, "day"), "a bad day in the query")
    s, j, _ = d.get("/api/v1/counters?agency=x%20y", admin=True)
    eq((s, j["error"]["field"]), (400, "agency"), "a bad agency in the query")
    p = d.cli("counter", "set", "0")
    eq(p.returncode, 2, "counter set 0 is a usage error")
    p = d.cli("counter", "frob")
    eq(p.returncode, 2, "an unknown verb is a usage error")
    s, j, _ = d.get("/api/v1/counters")
    eq(s, 404, "the counters are not on the public listener")


def keyed(d, path, body, key, admin=True):
    return d.request("POST", path, body, admin=admin, headers={"Idempotency-Key": key})


@test
def idempotent_intake(d):
    before = db_count(d, "SELECT count(*) FROM dossiers")
    body = intake_body("Phạm Thị Dung")
    s1, j1, r1 = keyed(d, "/api/v1/dossiers", body, "k-intake-1")
    eq(s1, 201, f"first intake with a key: {j1}")
    s2, j2, _ = keyed(d, "/api/v1/dossiers", body, "k-intake-1")
    eq((s2, j2), (s1, j1), "the same key answers the first reply")
    eq(db_count(d, "SELECT count(*) FROM dossiers"), before + 1, "one dossier made")
    eq(db_count(d, "SELECT count(*) FROM audit_log WHERE action = 'intake' AND object = ?",
                j1["code"]), 1, "one audit row")
    d.idem_first = j1
    # the same key with another body (or another route) is refused
    s, j, _ = keyed(d, "/api/v1/dossiers", intake_body("Phạm Thị Dung Khác"), "k-intake-1")
    eq(s, 422, f"same key, other body: {j}")
    eq(j["error"]["field"], "Idempotency-Key", "the header is named")
    eq(db_count(d, "SELECT count(*) FROM dossiers"), before + 1, "nothing made by a 422")
    # malformed keys
    for bad in ("x" * 129, "tiếng"):
        s, j, _ = d.request("POST", "/api/v1/dossiers", body,
                            headers={"Idempotency-Key": bad.encode("utf-8").decode("latin-1")})
        eq(s, 400, f"key {bad[:10]!r}: {j}")
        eq(j["error"]["field"], "Idempotency-Key", "a bad key names the header")
    s, j, _ = keyed(d, "/api/v1/dossiers", body, "k" * 128)
    eq(s, 201, "a 128-byte key is accepted")
    # without a key, a second submit is a second dossier, as before
    n = db_count(d, "SELECT count(*) FROM dossiers")
    d.request("POST", "/api/v1/dossiers", body)
    d.request("POST", "/api/v1/dossiers", body)
    eq(db_count(d, "SELECT count(*) FROM dossiers"), n + 2, "no key: no replay")


@test
def idempotent_postal(d):
    body = dict(reg_body(s10("20000002")), actor="buudien.lan")
    s1, j1, _ = keyed(d, "/api/v1/postal/items", body, "k-postal-1")
    eq(s1, 201, f"registration with a key: {j1}")
    s2, j2, _ = keyed(d, "/api/v1/postal/items", body, "k-postal-1")
    eq((s2, j2), (s1, j1), "the retry gets the first reply (201, created)")
    s, j, _ = keyed(d, "/api/v1/postal/items", dict(body, fees_vnd=5), "k-postal-1")
    eq((s, j["error"]["field"]), (422, "Idempotency-Key"), "same key, other registration")
    s, j, _ = keyed(d, "/api/v1/dossiers", intake_body(), "k-postal-1")
    eq((s, j["error"]["field"]), (422, "Idempotency-Key"), "same key on another route")
    batch = {"items": [reg_body(s10("20000003")), reg_body(s10("20000004")),
                       reg_body("not an id")], "actor": "buudien.lan"}
    n = db_count(d, "SELECT count(*) FROM postal_items")
    s1, j1, _ = keyed(d, "/api/v1/postal/items/batch", batch, "k-batch-1")
    eq((s1, j1["created"], j1["refused"]), (200, 2, 1), f"batch with a key: {j1}")
    s2, j2, _ = keyed(d, "/api/v1/postal/items/batch", batch, "k-batch-1")
    eq((s2, j2), (s1, j1), "the batch's retry gets the first reply")
    eq(db_count(d, "SELECT count(*) FROM postal_items"), n + 2, "two registrations made")


@test
def cli_sends_a_key(d):
    n = db_count(d, "SELECT count(*) FROM idempotency")
    p = d.cli("intake", "--procedure", PROC, "--name", "Đỗ Văn Giang", "--json", check=0)
    ok(json.loads(p.stdout)["code"].startswith(AGENCY), "CLI intake")
    eq(db_count(d, "SELECT count(*) FROM idempotency"), n + 1, "the CLI's intake carried a key")
    # no daemon there: the CLI asks again (same key), then says why
    p = d.cli("--socket", os.path.join(d.tmp, "nobody.sock"), "intake", "--procedure", PROC,
              "--name", "Đỗ Văn Giang")
    eq(p.returncode, 3, "no daemon: exit 3")
    eq(p.stderr.count("asking again with the same Idempotency-Key"), 2,
       "two retries with the same key: " + p.stderr)


@test
def key_survives_restart(d):
    d.stop()
    d.start()
    body = intake_body("Phạm Thị Dung")
    s, j, _ = keyed(d, "/api/v1/dossiers", body, "k-intake-1")
    eq((s, j), (201, d.idem_first), "after a restart the key still answers the first reply")
    # a key older than a day is forgotten (and pruned by the next keyed create)
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"), timeout=10)
    try:
        db.execute("UPDATE idempotency SET created_at = created_at - 86401 WHERE key = 'k-intake-1'")
        db.commit()
    finally:
        db.close()
    s, j, _ = keyed(d, "/api/v1/dossiers", body, "k-intake-1")
    ok(s == 201 and j["code"] != d.idem_first["code"], f"an expired key is a new create: {s} {j}")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-intake-")
    d = Daemon(args.build, tmp)
    try:
        with run.guard("start"):
            d.start()
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
