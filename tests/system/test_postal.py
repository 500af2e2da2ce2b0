#!/usr/bin/env python3
"""System test of postal intake (docs/api.md "Postal", docs/cli.md,
docs/security.md) on the real motcuad with printing off (receipts print to
file), on a temporary directory, through the staff listener as real
accounts: two postal_clerk accounts register 50 items with session cookies
and X-CSRF-Token, duplicates and bad input are refused (nothing saved),
the batch is closed, an office_staff account accepts 48 at the office,
sees the 2 missing, resolves them and signs; the audit log names the two
clerks and the office user, the counts by channel count the postal
intakes, a result goes back by post (status 10), and kill -9 after an
acknowledged registration keeps it. Security: no postal route without a
session (401), no write without the CSRF token (403), the kiosk role reads
no postal route (403), each role only its own writes, no postal route on
the public listener (404), and a postal clerk's bearer token for the CLI
over TCP. Then, on a second daemon with the printer's "file" backend, the
receipt and manifest are print jobs written to that file. Ends with the
line "N passed, N failed".
"""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import ROOT, Tests, eq, main, ok  # noqa: E402
from test_daemon import Daemon  # noqa: E402
from test_auth import AuthDaemon, Staff  # noqa: E402

PROC = "1.001612.000.00.00.H49"
CLERKS = ["buudien.lan", "buudien.minh"]
OFFICE = "vanphong.hoa"
KIOSK = "kiosk.sanh"
ACCOUNTS = {CLERKS[0]: ("postal_clerk", "counter-one-pass"),
            CLERKS[1]: ("postal_clerk", "counter-two-pass"),
            OFFICE: ("office_staff", "back-office-pass"),
            KIOSK: ("kiosk", "582941")}
POST_OFFICE = "200000"  # Bưu cục Hạ Long's postal code
NAME = "Trần Thị Bích Ngọc"
PHONE = "0912345678"
ID_NO = "022190001234"
GIVER, RECEIVER = "Lê Văn Giao", "Phạm Thị Nhận"

RESULTS = Tests()
test = RESULTS.add
STATE = {}


def s10(serial, ind="RR"):
    w = [8, 6, 4, 2, 3, 5, 9, 7]
    s = sum(int(c) * w[i] for i, c in enumerate(serial))
    c = 11 - s % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return f"{ind}{serial}{c}VN"


def reg_body(item, **kw):
    b = {"item_id": item,
         "applicant": {"name": NAME, "address": "Số 12 đường Trần Phú, Hạ Long",
                       "phone": PHONE, "id_number": ID_NO},
         "procedure_code": PROC,
         "documents": [{"name": "Giấy đề nghị", "originals": 1, "copies": 0, "checked": True},
                       {"name": "Bản sao CCCD", "originals": 0, "copies": 1, "checked": True}],
         "fees_vnd": 100000, "fee_receipt_no": "BL-0001",
         "service": "both", "return_address": "Số 12 đường Trần Phú, Hạ Long",
         "seal_intact": True, "station": "HL-01"}
    b.update(kw)
    return b


def count(d, table):
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"), timeout=10)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


POSTAL_TABLES = ("dossiers", "dossier_events", "outbox", "lookup_tokens", "postal_items",
                 "postal_manifests", "postal_manifest_items", "postal_discrepancies",
                 "postal_returns", "print_jobs")


def snapshot(d):
    """Row counts of everything a postal write touches, plus its audit
    rows and the dossiers' statuses: equal before and after = nothing
    written."""
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"), timeout=10)
    try:
        out = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in POSTAL_TABLES}
        out["audit"] = db.execute("SELECT count(*) FROM audit_log WHERE action LIKE "
                                  "'postal%'").fetchone()[0]
        out["status"] = db.execute("SELECT group_concat(status) FROM (SELECT status FROM"
                                   " dossiers ORDER BY id)").fetchone()[0]
        out["manifests"] = db.execute("SELECT group_concat(coalesce(signed_at, '-')) FROM"
                                      " postal_manifests").fetchone()[0]
        return out
    finally:
        db.close()


def today_local():
    """The office's date (Asia/Ho_Chi_Minh, UTC+7): what from/to mean."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))


def audit(d):
    p = d.cli("audit", "--json", "--from", "2020-01-01", "--to", today_local(), check=0)
    return json.loads(p.stdout)["entries"]


def sessions():
    return STATE["s"]


def setup(d):
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": "Đăng ký kinh doanh hộ kinh doanh",
                            "field": "Hộ kinh doanh", "days": 3,
                            "documents": ["Giấy đề nghị", "Bản sao CCCD"], "fee": 100000},
                           ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    d.cli("holidays", "import", os.path.join(ROOT, "data", "holidays.csv"), check=0)


@test
def s10_cli_without_daemon(d):
    env_sock = "/nonexistent/admin.sock"
    p = subprocess.run([os.path.join(d.build, "motcua"), "s10", "check", "EE123456785VN",
                        "ee 123 456 785 vn"], capture_output=True, text=True,
                       env=dict(os.environ, MOTCUA_SOCKET=env_sock), timeout=30)
    eq(p.returncode, 0, "all valid: exit 0 " + p.stderr)
    ok(p.stdout.count("valid") == 2, p.stdout)
    p = subprocess.run([os.path.join(d.build, "motcua"), "s10", "check", "EE123456785VN",
                        "EE123456786VN", "JJ123456785VN"], capture_output=True, text=True,
                       env=dict(os.environ, MOTCUA_SOCKET=env_sock), timeout=30)
    eq(p.returncode, 1, "one invalid: exit 1")
    ok("bad_check" in p.stdout and "reserved" in p.stdout, p.stdout)


@test
def accounts_sign_in(d):
    """The people of the postal process, made with the CLI on the admin
    socket, each signed in on the staff listener."""
    STATE["s"] = {}
    for name, (role, pw) in ACCOUNTS.items():
        # the two clerks work at one post office (docs/security.md
        # "Postal scope"): each reads the other's registrations
        office = ["--post-office", POST_OFFICE] if role == "postal_clerk" else []
        p = d.cli("user", "add", name, "--role", role, *office, "--password-stdin",
                  input=pw + "\n", check=0)
        ok(role in p.stdout, p.stdout)
        st = Staff(d.staff_port)
        s, j, _ = st.login(name, pw)
        eq(s, 200, f"{name} signs in: {j}")
        eq((j["user"], j["role"]), (name, role), "who")
        ok(st.cookie and st.csrf, "a cookie and a CSRF token")
        STATE["s"][name] = st


@test
def s10_route_and_checklist(d):
    clerk = sessions()[CLERKS[0]]
    s, j, _ = clerk.request("GET", "/api/v1/postal/s10/EE123456786VN")
    eq(s, 200, str(j))
    eq(j["verdict"], "bad_check", "verdict")
    eq(j["expected_check"], 5, "expected check digit")
    ok(j["overridable"], "bad check is overridable")
    s, j, _ = clerk.request("GET", f"/api/v1/procedures/{PROC}/checklist")
    eq(s, 200, str(j))
    eq([x["name"] for x in j["documents"]], ["Giấy đề nghị", "Bản sao CCCD"], "checklist")
    s, j, _ = clerk.request("GET", "/api/v1/procedures/NOPE/checklist")
    eq(s, 404, "unknown procedure checklist")


@test
def register_fifty(d):
    items = []
    for i in range(50):
        item = s10(f"{10000000 + i}")
        # a body's or the query's "actor" poses as nobody on the staff
        # listener: the session says who (checked in the audit log below)
        body = reg_body(item, actor=OFFICE) if i == 7 else reg_body(item)
        path = "/api/v1/postal/items" + ("?actor=quantri" if i == 8 else "")
        s, j, _ = sessions()[CLERKS[i % 2]].write("POST", path, body)
        eq(s, 201, f"register {item} as {CLERKS[i % 2]}: {j}")
        ok(j["created"] and j["code"].startswith("000.00.19.H49-"), str(j))
        if i == 0:
            ok(j["receipt_file"] and os.path.exists(j["receipt_file"]),
               f"print to file names the file: {j}")
            eq(j["receipt_job"], None, "printing off: no job")
        items.append((item, j["code"]))
    STATE["items"] = items
    eq(count(d, "postal_items"), 50, "50 rows")
    for i in (0, 1):
        s, j, _ = sessions()[CLERKS[1]].request("GET", f"/api/v1/postal/items/{items[i][0]}")
        eq(s, 200, str(j))
        eq(j["state"], "registered", "state")
        eq(j["due_at"], None, "no due date before acceptance")
        eq(j["applicant"]["phone"], PHONE, "staff see the applicant")
        eq(j["clerk"], CLERKS[i], "the signed-in clerk recorded, by account name")
    s, j, _ = sessions()[OFFICE].request("GET", f"/api/v1/postal/items/{items[0][0]}")
    eq((s, j["applicant"]["name"]), (200, NAME), "office staff read the applicant")


@test
def duplicate_scan(d):
    item, code = STATE["items"][3]
    clerk = sessions()[CLERKS[0]]  # item 3 was registered by CLERKS[1]
    before = snapshot(d)
    s, j, _ = clerk.write("POST", "/api/v1/postal/items", reg_body(item))
    eq(s, 200, str(j))
    eq(j["created"], False, "not created")
    eq(j["code"], code, "the existing registration")
    # typed with spaces and lower case: the same item
    spaced = item[:2].lower() + " " + item[2:7] + " " + item[7:]
    s, j, _ = clerk.write("POST", "/api/v1/postal/items", reg_body(spaced))
    eq(s, 200, str(j))
    eq(j["code"], code, "normalised id finds the registration")
    eq(snapshot(d), before, "no duplicate dossier, nothing written")
    s, j, _ = clerk.request("GET", f"/api/v1/postal/items/{item}")
    eq(j["clerk"], CLERKS[1], "the first clerk stays recorded")


@test
def bad_input_rejected(d):
    clerk = sessions()[CLERKS[0]]
    before = (snapshot(d), count(d, "audit_log"))
    new = s10("77777777")
    bad_check = new[:-3] + ("9VN" if new[-3] != "9" else "8VN")
    cases = [
        (reg_body("RR12345"), "item_id", "S10"),
        (reg_body(bad_check), "override_reason", "check digit"),
        (reg_body(new, procedure_code="9.999999.000.00.00.H49"), "procedure_code", "unknown"),
        (reg_body(new, applicant={"address": "x"}), "applicant.name", "required"),
        (reg_body(new, fees_vnd="100k"), "fees_vnd", "whole number"),
        (reg_body(new, fees_vnd=-5), "fees_vnd", "0 or more"),
        (reg_body(new, service="fax"), "service", "send, return or both"),
        (reg_body(new, return_address=None), "return_address", "required"),
        (reg_body(new, documents=[{"name": "x", "originals": 1.5, "copies": 0, "checked": True}]),
         "documents[0].originals", "whole number"),
    ]
    for body, field, why in cases:
        s, j, _ = clerk.write("POST", "/api/v1/postal/items", body)
        eq(s, 422, f"{field}: {j}")
        eq(j["error"]["field"], field, f"field named: {j}")
        ok(why in j["error"]["message"], f"{field}: says why: {j}")
    s, j, _ = clerk.write("POST", "/api/v1/postal/items", "{not json")
    eq(s, 400, "malformed")
    eq(j["error"]["field"], "body", f"malformed: the one error shape: {j}")
    eq((snapshot(d), count(d, "audit_log")), before, "nothing saved on any error")
    # the CLI prints the field error exactly and exits 1
    p = d.cli("postal", "register", "--item", new, "--name", NAME, "--address", "x",
              "--procedure", PROC, "--service", "send", "--fees", "12.5")
    eq(p.returncode, 1, "cli bad fee")
    ok("fees_vnd:" in p.stderr, p.stderr)


@test
def bulk_register_from_file(d):
    """Scripted use: a JSON list in one file, one line per item; a bad
    entry is refused with its field and the rest go on."""
    items = [s10(f"{60000000 + i}") for i in range(3)]
    bodies = [reg_body(items[0], station="HL-03"),
              reg_body(items[1], fees_vnd="x", station="HL-03"),
              reg_body(items[2], station="HL-03")]
    path = os.path.join(d.tmp, "bulk.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bodies, f, ensure_ascii=False)
    p = d.cli("postal", "register", "--file", path)
    eq(p.returncode, 1, "one refused: exit 1")
    lines = p.stdout.strip().split("\n")
    eq(len(lines), 3, p.stdout)
    ok(lines[0].endswith("created\t" + lines[0].split("\t")[-1]) and "created" in lines[0], lines[0])
    ok(lines[1].startswith("2\tfees_vnd: "), lines[1])
    ok("created" in lines[2], lines[2])
    p = d.cli("postal", "register", "--file", path)
    ok("existing" in p.stdout.split("\n")[0], "a second run finds them: " + p.stdout)
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/items/batch", {"items": []})
    eq((s, j["error"]["field"]), (422, "items"), str(j))
    # each refused entry of a batch carries the same {"field", "message"}
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/items/batch", {"items": [
        reg_body(s10("62626262"), fees_vnd="x", station="HL-03"),
        reg_body(s10("62626263"), service="fax", station="HL-03")]})
    eq((s, j["refused"], j["created"]), (200, 2, 0), str(j))
    eq([(r["index"], r["error"]["field"]) for r in j["results"]],
       [(0, "fees_vnd"), (1, "service")], str(j))
    ok(all(set(r) == {"index", "error"} and set(r["error"]) == {"field", "message"}
           and r["error"]["message"] for r in j["results"]), str(j))
    # flags, as a clerk would script it
    flag_item = s10("61616161")
    p = d.cli("postal", "register", "--item", flag_item, "--name", NAME, "--address", "Số 3 Lê Lợi",
              "--phone", PHONE, "--procedure", PROC, "--service", "send", "--fees", "100000",
              "--doc", "Giấy đề nghị:1:0", "--doc", "Bản sao CCCD:0:1", "--station", "HL-03")
    eq(p.returncode, 0, p.stderr)
    j = json.loads(p.stdout)
    ok(j["created"] and j["item_id"] == flag_item, p.stdout)
    # issue 15 item 17: a short summary for a person, JSON with --json
    p = d.cli("postal", "item", flag_item, check=0)
    ok(re.search(r"^Item\s+%s \(registered\)$" % flag_item, p.stdout, re.M)
       and re.search(r"^Registered\s+.* at HL-03$", p.stdout, re.M) and "{" not in p.stdout,
       "postal item: a summary: " + p.stdout)
    p = d.cli("postal", "item", flag_item, "--json")
    j = json.loads(p.stdout)
    eq([(x["name"], x["originals"], x["copies"]) for x in j["documents"]],
       [("Giấy đề nghị", 1, 0), ("Bản sao CCCD", 0, 1)], "documents from --doc")
    # the CLI's reads name its --actor, as its writes do (docs/privacy.md)
    reads = [e["actor"] for e in audit(d)
             if e["action"] == "read" and e["object"] == f"/api/v1/postal/items/{flag_item}"]
    eq(reads, [f"can.bo.test (uid {os.getuid()})"] * 2, "the CLI's two reads, by its actor")
    STATE["bulk"] = [items[0], items[2], flag_item]


@test
def override_reason_audited(d):
    good = s10("55555555")
    bad = good[:10] + str((int(good[10]) + 1) % 10) + "VN"
    s, j, _ = sessions()[CLERKS[0]].write(
        "POST", "/api/v1/postal/items", reg_body(bad, override_reason="nhãn in mờ, đã đối chiếu"))
    eq(s, 201, str(j))
    s, j, _ = sessions()[CLERKS[0]].request("GET", f"/api/v1/postal/items/{bad}")
    ok(j["flagged"] and j["s10_verdict"] == "bad_check", str(j))
    rows = [e for e in audit(d) if e["action"] == "postal_s10_override"]
    eq(len(rows), 1, str(rows))
    eq(rows[0]["actor"], CLERKS[0], "the override under the signed-in clerk")
    ok("nhãn in mờ" in rows[0]["detail"], str(rows))
    STATE["override"] = bad
    # scanned again by the other clerk: the registration opens, no reason asked again
    s, j, _ = sessions()[CLERKS[1]].write("POST", "/api/v1/postal/items", reg_body(bad))
    eq(s, 200, str(j))
    eq(j["created"], False, "existing registration")


@test
def close_batch(d):
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/batches/close",
                                          {"station": "HL-01"})
    eq(s, 201, str(j))
    eq(j["count"], 51, "50 + the override item")
    STATE["manifest"] = j["manifest_id"]
    ok(j["manifest_id"].startswith("BK") and len(j["manifest_id"]) == 15, j["manifest_id"])
    eq(j["fees_vnd"], 51 * 100000, "fee total")
    # the station of the bulk file: its own manifest, received and signed
    # by the operator's CLI on the admin socket
    p = d.cli("postal", "close", "--station", "HL-03")
    eq(p.returncode, 0, p.stderr)
    m2 = json.loads(p.stdout)["manifest_id"]
    STATE["manifest2"] = m2
    p = d.cli("postal", "receive", m2, *STATE["bulk"])
    eq(p.returncode, 0, p.stderr)
    eq([x.split("\t")[1] for x in p.stdout.strip().split("\n")], ["accepted"] * 3, p.stdout)
    p = d.cli("postal", "sign", m2, "--giver", GIVER, "--receiver", RECEIVER, check=0)
    ok(p.stdout.startswith(f"{m2} signed: giver {GIVER}, receiver {RECEIVER}, ")
       and f"{m2}: reconciled; 3 of 3 arrived, 0 missing, 0 unexpected" in p.stdout,
       "postal sign: a summary, not the manifest: " + p.stdout)
    p = d.cli("postal", "manifests")
    ok(m2 in p.stdout and "reconciled" in p.stdout and "MANIFEST" in p.stdout, p.stdout)
    s, j, _ = sessions()[CLERKS[1]].write("POST", "/api/v1/postal/batches/close", {})
    eq(s, 409, "nothing left to close")
    # the manifest prints (here: rendered, as print to file would)
    s, body, r = sessions()[OFFICE].request(
        "GET", f"/api/v1/print/render/manifest/{STATE['manifest']}?format=png")
    eq(s, 200, f"manifest renders: {body if s != 200 else ''}")
    eq(r.getheader("Content-Type"), "image/png", "a PNG")
    p = d.cli("print", "manifest", STATE["manifest"], "--to", os.path.join(d.tmp, "bk.bin"))
    eq(p.returncode, 0, p.stderr)
    with open(os.path.join(d.tmp, "bk.bin"), "rb") as f:
        ok(len(f.read()) > 1000, "the manifest's ESC/POS bytes, printed to file")
    s, j, _ = sessions()[OFFICE].request("GET", f"/api/v1/postal/manifests/{STATE['manifest']}")
    eq(j["state"], "open", "open before receiving")
    eq(len(j["expected"]), 51, "expected")
    eq(j["closed_by"], CLERKS[0], "closed by the signed-in clerk")


@test
def receive_at_office(d):
    m = STATE["manifest"]
    items = STATE["items"]
    office = sessions()[OFFICE]
    path = f"/api/v1/postal/manifests/{m}/receive"
    for item, code in items[:48]:
        s, j, _ = office.write("POST", path, {"item_id": item, "actor": CLERKS[0]})
        eq(s, 200, str(j))
        eq(j["result"], "accepted", str(j))
        eq(j["code"], code, "the dossier of the item")
    # the override item arrives too
    s, j, _ = office.write("POST", path, {"item_id": STATE["override"]})
    eq((s, j["result"]), (200, "accepted"), str(j))
    # twice: no second effect
    before = snapshot(d)
    s, j, _ = office.write("POST", path, {"item_id": items[0][0]})
    eq(j["result"], "already", str(j))
    eq(snapshot(d), before, "no second event")
    # a packet not on this manifest
    stray = s10("99999999")
    s, j, _ = office.write("POST", path, {"item_id": stray})
    eq(j["result"], "unexpected", str(j))
    s, j, _ = office.write("POST", path, {"item_id": stray})
    eq(j["result"], "already", "an unexpected packet twice")
    s, j, _ = office.request("GET", f"/api/v1/postal/items/{items[0][0]}")
    eq(j["state"], "accepted", str(j))
    ok(j["due_at"] is not None, "due date set at acceptance")
    s, j, _ = office.request("GET", f"/api/v1/dossiers/{items[0][1]}")
    eq(j["status"], 2, "status 1 -> 2")
    ok(any(e.get("actor") == OFFICE for e in j["events"]),
       f"the acceptance event names the office user: {j['events']}")
    STATE["stray"] = stray


@test
def missing_and_resolution(d):
    m = STATE["manifest"]
    office = sessions()[OFFICE]
    s, j, _ = office.request("GET", f"/api/v1/postal/manifests/{m}")
    eq(len(j["arrived"]), 49, "arrived")
    eq(sorted(x["item_id"] for x in j["missing"]),
       sorted(i for i, _ in STATE["items"][48:]), "the 2 missing")
    eq(j["state"], "discrepancies", "an unresolved unexpected packet")
    s, j, _ = office.write("POST", f"/api/v1/postal/manifests/{m}/sign",
                           {"giver": GIVER, "receiver": RECEIVER})
    eq(s, 200, str(j))
    eq(j["signatories"]["by"], OFFICE, "signed by the office user")
    s, j, _ = office.request("GET", "/api/v1/postal/manifests")
    row = [x for x in j["manifests"] if x["id"] == m][0]
    eq((row["arrived"], row["missing"], row["unexpected"], row["state"]),
       (49, 2, 1, "discrepancies"), str(row))
    for item, _ in STATE["items"][48:]:
        s, j, _ = office.write("POST", f"/api/v1/postal/manifests/{m}/resolve",
                               {"item_id": item, "resolution": "arrived_late",
                                "reason": "đến chuyến sau"})
        eq(s, 200, str(j))
    # the stray packet from the CLI over TCP with the office user's token
    tok = d.cli("user", "token", OFFICE, "--label", "office-cli", check=0).stdout.strip()
    STATE["office_token"] = tok
    p = d.remote(tok, "postal", "resolve", m, STATE["stray"], "--as", "returned",
                 "--reason", "không thuộc bảng kê, trả bưu điện")
    eq(p.returncode, 0, p.stderr)
    ok(p.stdout.startswith(STATE["stray"] + ": returned\n" + m + ": ") and "{" not in p.stdout,
       "postal resolve: a summary: " + p.stdout)
    # the same resolution again: no effect; another: conflict
    before = snapshot(d)
    s, j, _ = office.write("POST", f"/api/v1/postal/manifests/{m}/resolve",
                           {"item_id": STATE["stray"], "resolution": "returned",
                            "reason": "không thuộc bảng kê, trả bưu điện"})
    eq(s, 200, str(j))
    p = d.remote(tok, "postal", "resolve", m, STATE["stray"], "--as", "lost", "--reason", "x")
    eq(p.returncode, 1, "a different resolution is refused")
    eq(snapshot(d), before, "neither changed anything")
    s, j, _ = office.request("GET", f"/api/v1/postal/manifests/{m}")
    eq(j["state"], "reconciled", str(j["state"]))
    eq(j["signatories"]["giver"], GIVER, "giver")
    ok(all(x["resolution"] for x in j["discrepancies"]), str(j["discrepancies"]))
    eq({x["by"] for x in j["discrepancies"]}, {OFFICE}, "resolved by the office user")
    # signing twice with the same names: no effect; other names: 409
    s, j, _ = office.write("POST", f"/api/v1/postal/manifests/{m}/sign",
                           {"giver": GIVER, "receiver": RECEIVER})
    eq(s, 200, str(j))
    s, j, _ = office.write("POST", f"/api/v1/postal/manifests/{m}/sign",
                           {"giver": "Ai Khác", "receiver": RECEIVER})
    eq(s, 409, str(j))


@test
def audit_and_counts(d):
    rows = audit(d)
    acts = {}
    for e in rows:
        if e["action"].startswith("postal"):
            acts[e["action"]] = acts.get(e["action"], 0) + 1
    eq(acts.get("postal_register"), 54, str(acts))
    eq(acts.get("postal_accept"), 54, str(acts))
    eq(acts.get("postal_close"), 2, str(acts))
    eq(acts.get("postal_sign"), 2, str(acts))
    eq(acts.get("postal_resolve"), 3, str(acts))
    eq(acts.get("postal_unexpected"), 1, str(acts))
    by = {(e["action"], e["object"]): e["actor"] for e in rows}
    # each of the 50 under the clerk who registered it, by account name
    for i, (item, code) in enumerate(STATE["items"]):
        eq(by.get(("postal_register", code)), CLERKS[i % 2], f"register of {item}")
    # the 48 + 2 late accepted under the office user, the bulk ones under
    # the operator on the admin socket
    for item, code in STATE["items"]:
        eq(by.get(("postal_accept", code)), OFFICE, f"acceptance of {item}")
    m, m2 = STATE["manifest"], STATE["manifest2"]
    eq(by.get(("postal_close", m)), CLERKS[0], "the close")
    eq(by.get(("postal_sign", m)), OFFICE, "the signature")
    eq(by.get(("postal_unexpected", m)), OFFICE, "the stray packet")
    eq({e["actor"] for e in rows if e["action"] == "postal_resolve"}, {OFFICE}, "resolutions")
    ok(by.get(("postal_close", m2), "").startswith("can.bo.test (uid "),
       f"the admin socket's actor as before: {by.get(('postal_close', m2))}")
    actors = {e["actor"] for e in rows if e["action"].startswith("postal")}
    ok({CLERKS[0], CLERKS[1], OFFICE} <= actors, f"the three in the audit log: {actors}")
    ok(KIOSK not in actors, "the kiosk did nothing")
    today = today_local()
    office = sessions()[OFFICE]
    s, j, _ = office.request("GET", f"/api/v1/reports?from={today}&to={today}")
    eq(s, 200, str(j))
    eq(j["received"]["postal"], 54, f"postal intakes in the report: {j['received']}")
    s, j, _ = office.request("GET", f"/api/v1/counts?from={today}&to={today}")
    eq(s, 200, str(j))
    eq(j["received"]["postal"], 54, str(j))
    s, j2, _ = d.request("GET", f"/api/v1/counts?from={today}&to={today}")
    eq(j2, j, "the same counts on the admin socket")
    s, page, _ = office.request("GET", f"/staff/reports?from={today}&to={today}")
    eq(s, 200, "reports page")
    ok(STATE["manifest"] in page and "reconciled" in page,
       "the reports page shows the manifest's reconciliation")
    s, _, _ = sessions()[CLERKS[0]].request("GET", f"/api/v1/counts?from={today}&to={today}")
    eq(s, 403, "counts are for office staff")


@test
def outbox_carries_postal(d):
    db = sqlite3.connect(os.path.join(d.tmp, "motcua.db"))
    n = db.execute("SELECT count(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id"
                   " WHERE d.channel = 3 AND o.kind = 'dossier_new'").fetchone()[0]
    det = db.execute("SELECT e.detail FROM dossier_events e JOIN dossiers d ON"
                     " d.id = e.dossier_id WHERE d.channel = 3 AND e.kind = 'intake'"
                     " LIMIT 1").fetchone()[0]
    db.close()
    eq(n, 54, "a dossier_new outbox row per registration (offline: queued)")
    ok("postal_item" in det and PHONE not in det, det)


@test
def return_by_post(d):
    item, code = STATE["items"][0]
    office = sessions()[OFFICE]
    for st in (4, 9):
        s, j, _ = office.write("POST", f"/api/v1/dossiers/{code}/status",
                               {"status": st, "reason": "xử lý"})
        eq(s, 200, str(j))
    out = s10("31313131", "RE")
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/returns",
                                          {"code": code, "item_id": out})
    eq(s, 403, "a postal clerk hands no result back")
    tok = STATE["office_token"]
    p = d.remote(tok, "postal", "return", code, out)
    eq(p.returncode, 0, p.stderr)
    s, j, _ = office.request("GET", f"/api/v1/dossiers/{code}")
    eq(j["status"], 9, "done_at = delivery: still 9 at handover")
    p = d.remote(tok, "postal", "delivered", out)
    eq(p.returncode, 0, p.stderr)
    s, j, _ = office.request("GET", f"/api/v1/dossiers/{code}")
    eq(j["status"], 10, "status 10 at delivery")
    today = today_local()
    p = d.cli("postal", "returns", "--from", today, "--to", today, "--csv")
    eq(p.returncode, 0, p.stderr)
    ok(code in p.stdout and out in p.stdout and p.stdout.startswith("code,item_id"), p.stdout)
    s, j, _ = office.request("GET", f"/api/v1/postal/returns?from={today}&to={today}")
    eq(len(j["returns"]), 1, str(j))
    eq(j["returns"][0]["handed_by"], OFFICE, "handed back by the office user")
    by = {(e["action"], e["object"]): e["actor"] for e in audit(d)}
    eq(by.get(("postal_return", code)), OFFICE, "the return in the audit log")
    eq(by.get(("postal_delivered", code)), OFFICE, "the delivery in the audit log")


@test
def kiosk_view_is_safe(d):
    item, code = STATE["items"][1]
    s, j, _ = sessions()[CLERKS[1]].request("GET", f"/api/v1/postal/items/{item}")
    s, k, _ = d.request("GET", f"/api/v1/lookup/{j['token']}", admin=False)
    eq(s, 200, str(k))
    text = json.dumps(k, ensure_ascii=False)
    ok(PHONE not in text and ID_NO not in text and "Trần Phú" not in text, text)
    # a registration not yet accepted: status 1, no due date yet
    fresh = s10("12121212")
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/items", reg_body(fresh))
    eq(s, 201, str(j))
    s, k, _ = d.request("GET", f"/api/v1/lookup/{j['token']}", admin=False)
    eq(s, 200, str(k))
    text = json.dumps(k, ensure_ascii=False)
    ok(PHONE not in text and ID_NO not in text and "Trần Phú" not in text, text)


# ------------------------------------------------------------ security

def write_routes():
    """Every postal write, with a body that would change something if it
    got through (docs/api.md "Postal")."""
    m = STATE["manifest"]
    code = STATE["items"][5][1]
    return [
        ("POST", "/api/v1/postal/items", reg_body(s10("70707070"), station="HL-SEC")),
        ("POST", "/api/v1/postal/items/batch",
         {"items": [reg_body(s10("71717171"), station="HL-SEC")]}),
        ("POST", "/api/v1/postal/batches/close", {"station": "HL-SEC"}),
        ("POST", f"/api/v1/postal/manifests/{m}/receive", {"item_id": s10("72727272")}),
        ("POST", f"/api/v1/postal/manifests/{m}/resolve",
         {"item_id": STATE["stray"], "resolution": "lost", "reason": "x"}),
        ("POST", f"/api/v1/postal/manifests/{m}/sign", {"giver": "Ai Khác", "receiver": "X"}),
        ("POST", "/api/v1/postal/returns", {"code": code, "item_id": s10("73737373", "RE")}),
        ("POST", f"/api/v1/postal/returns/{s10('31313131', 'RE')}/delivered", None),
    ]


def read_routes():
    m = STATE["manifest"]
    today = today_local()
    return [f"/api/v1/postal/items/{STATE['items'][0][0]}", "/api/v1/postal/manifests",
            f"/api/v1/postal/manifests/{m}", "/api/v1/postal/s10/EE123456785VN",
            f"/api/v1/postal/returns?from={today}&to={today}",
            f"/api/v1/procedures/{PROC}/checklist"]


# the clerk's and the office's pages (postal_pages.c): static, staff only
PAGES = ["/staff/postal/clerk", "/staff/postal/office", "/staff/postal/clerk.js"]


def role_refusal(j):
    """A 403 for the role in the daemon's one error shape,
    {"error":{"field":"role","message":"...role..."}}, whether the staff
    listener refused before the route (/api/v1/postal/...) or the postal
    route did (the checklist, which the kiosk role reaches as a catalogue
    read; a role's wrong write)."""
    e = j.get("error") if isinstance(j, dict) else None
    return isinstance(e, dict) and e.get("field") == "role" and \
        "role" in e.get("message", "") and set(e) == {"field", "message"}


def no_personal_data(body):
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return NAME not in text and PHONE not in text and ID_NO not in text and "Trần" not in text


@test
def postal_needs_a_session(d):
    """An item at a station of its own is waiting to be closed, so a
    close that got through would show."""
    s, j, _ = sessions()[CLERKS[0]].write("POST", "/api/v1/postal/items",
                                          reg_body(s10("74747474"), station="HL-SEC"))
    eq(s, 201, str(j))
    before = snapshot(d)
    anon = Staff(d.staff_port)
    forged = Staff(d.staff_port)
    forged.cookie = "motcua_session=" + "B" * 43
    ended = Staff(d.staff_port)
    eq(ended.login(CLERKS[0], ACCOUNTS[CLERKS[0]][1])[0], 200, "sign-in")
    old_cookie, old_csrf = ended.cookie, ended.csrf
    eq(ended.write("DELETE", "/api/v1/session")[0], 200, "sign-out")
    ended.cookie = old_cookie
    for method, path, body in write_routes():
        for who, st, hdr in (("no credentials", anon, {}),
                             ("an unknown cookie", forged, {}),
                             ("an unknown cookie with a CSRF token", forged,
                              {"X-CSRF-Token": sessions()[CLERKS[0]].csrf}),
                             ("a signed-out session with its CSRF token", ended,
                              {"X-CSRF-Token": old_csrf}),
                             ("a CSRF token alone", anon,
                              {"X-CSRF-Token": sessions()[CLERKS[0]].csrf}),
                             ("a made-up bearer", anon,
                              {"Authorization": "Bearer mct_" + "D" * 43}),
                             ("another scheme", anon, {"Authorization": "Basic Ym9zczp4"})):
            s, j, _ = st.request(method, path, body, headers=hdr)
            eq(s, 401, f"{method} {path} with {who}")
            ok(no_personal_data(j), f"{path}: {j}")
            if who == "no credentials":  # the staff listener's shape (docs/api.md)
                eq(j["error"]["field"], "session", f"{path}: {j}")
    for path in read_routes():
        for st in (anon, forged):
            s, j, _ = st.request("GET", path)
            eq(s, 401, f"GET {path} without a session")
            ok(no_personal_data(j), f"{path}: {j}")
    for page in PAGES:
        s, _, r = anon.request("GET", page)
        eq(s, 303, f"{page} without a session goes to the sign-in page")
        eq(r.getheader("Location"), "/staff/login?next=" + page, "with next")
    eq(snapshot(d), before, "nothing written without a session")


@test
def postal_writes_need_csrf(d):
    before = snapshot(d)
    clerk, office = sessions()[CLERKS[0]], sessions()[OFFICE]
    other = sessions()[CLERKS[1]]
    for method, path, body in write_routes():
        st = clerk if "/items" in path or "/batches/" in path else office
        for why, hdr in (("no X-CSRF-Token", {}),
                         ("an empty X-CSRF-Token", {"X-CSRF-Token": ""}),
                         ("a wrong X-CSRF-Token", {"X-CSRF-Token": "x" * 43}),
                         ("a truncated X-CSRF-Token", {"X-CSRF-Token": st.csrf[:-1]}),
                         ("another session's X-CSRF-Token", {"X-CSRF-Token": other.csrf})):
            s, j, _ = st.request(method, path, body, headers=hdr)
            eq(s, 403, f"{method} {path} with {why}")
            eq(j["error"]["field"], "X-CSRF-Token", f"{path}: {j}")
    eq(snapshot(d), before, "nothing written without the CSRF token")
    # the token is still good afterwards
    s, j, _ = clerk.request("GET", "/api/v1/session")
    eq((s, j["csrf"]), (200, clerk.csrf), "the session lives on")


@test
def kiosk_reads_no_postal_route(d):
    before = snapshot(d)
    k = sessions()[KIOSK]
    for path in read_routes():
        s, j, _ = k.request("GET", path)
        eq(s, 403, f"kiosk GET {path}")
        ok(role_refusal(j), f"{path}: says it is the role: {j}")
        ok(no_personal_data(j), f"no applicant data to a kiosk: {j}")
    for item, _ in STATE["items"][:3]:
        s, j, _ = k.request("GET", f"/api/v1/postal/items/{item}")
        eq(s, 403, "kiosk reads no registration")
        ok(no_personal_data(j), str(j))
    for method, path, body in write_routes():
        s, j, _ = k.write(method, path, body)
        eq(s, 403, f"kiosk {method} {path} with its CSRF token")
    for page in PAGES:
        eq(k.request("GET", page)[0], 403, f"kiosk GET {page}")
    for page in PAGES:
        eq(sessions()[CLERKS[0]].request("GET", page)[0], 200, f"clerk GET {page}")
    # its own bearer token over TCP: the same
    ktok = d.cli("user", "token", KIOSK, check=0).stdout.strip()
    p = d.remote(ktok, "postal", "item", STATE["items"][0][0])
    eq(p.returncode, 1, "kiosk token: refused")
    ok("motcua: role: " in p.stderr, "the listener's refusal as field: message: " + p.stderr)
    ok(no_personal_data(p.stdout + p.stderr), p.stdout + p.stderr)
    eq(snapshot(d), before, "the kiosk changed nothing")


@test
def each_role_its_own_writes(d):
    """Registration and batches: postal_clerk (or admin); receive,
    resolve, sign and returns: office_staff (or admin); reads: both."""
    before = snapshot(d)
    clerk, office = sessions()[CLERKS[0]], sessions()[OFFICE]
    for method, path, body in write_routes():
        clerks_route = "/items" in path or "/batches/" in path
        st = office if clerks_route else clerk
        s, j, _ = st.write(method, path, body)
        eq(s, 403, f"{'office_staff' if clerks_route else 'postal_clerk'} {method} {path}: {j}")
        ok(role_refusal(j), f"the one error shape, saying why: {j}")
    eq(snapshot(d), before, "no write of the wrong role")
    s, j, _ = clerk.request("GET", f"/api/v1/postal/returns?from={today_local()}"
                                   f"&to={today_local()}")
    eq(s, 403, "the returns list is the office's")
    for st in (clerk, office):
        for path in read_routes()[:4]:
            s, j, _ = st.request("GET", path)
            eq(s, 200, f"GET {path}")
    # an admin account on the staff listener may do both sides
    d.cli("user", "add", "quantri", "--role", "admin", "--password-stdin",
          input="admin-pass-1\n", check=0)
    a = Staff(d.staff_port)
    eq(a.login("quantri", "admin-pass-1")[0], 200, "admin sign-in")
    s, j, _ = a.write("POST", "/api/v1/postal/batches/close", {"station": "HL-SEC"})
    eq(s, 201, f"admin closes: {j}")
    eq(j["count"], 1, "the waiting item")
    s, j, _ = a.write("POST", f"/api/v1/postal/manifests/{j['manifest_id']}/receive",
                      {"item_id": s10("74747474")})
    eq((s, j["result"]), (200, "accepted"), f"admin receives: {j}")


@test
def public_listener_has_no_postal_routes(d):
    clerk = sessions()[CLERKS[0]]
    ctok = d.cli("user", "token", CLERKS[0], "--label", "public-probe", check=0).stdout.strip()
    before = snapshot(d)
    routes = [("GET", p, None) for p in read_routes()] + write_routes() + [
        ("GET", "/api/v1/postal/items", None), ("GET", "/api/v1/postal/", None)] + [
        ("GET", page, None) for page in PAGES]
    for method, path, body in routes:
        for h in ({}, {"Cookie": clerk.cookie, "X-CSRF-Token": clerk.csrf},
                  {"Authorization": "Bearer " + ctok}):
            c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
            data = json.dumps(body).encode() if body is not None else None
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            raw = r.read()
            c.close()
            eq(r.status, 404, f"public {method} {path} with {sorted(h)}")
            ok(no_personal_data(raw.decode("utf-8", "replace")), "no personal data in public")
    eq(snapshot(d), before, "nothing written through the public listener")
    d.cli("user", "revoke", CLERKS[0], "--label", "public-probe", check=0)


@test
def clerk_token_over_tcp(d):
    """MOTCUA_URL + MOTCUA_TOKEN: the CLI on the staff listener with a
    postal clerk's bearer token (no CSRF token needed: no cookie)."""
    tok = d.cli("user", "token", CLERKS[1], "--label", "quay-2", check=0).stdout.strip()
    ok(tok.startswith("mct_"), tok)
    item, code = STATE["items"][0]
    p = d.remote(tok, "postal", "item", item, "--json")
    eq(p.returncode, 0, p.stderr)
    j = json.loads(p.stdout)
    eq((j["item_id"], j["code"], j["applicant"]["phone"]), (item, code, PHONE), "the registration")
    new = s10("75757575")
    p = d.remote(tok, "postal", "register", "--item", new, "--name", NAME, "--address", "Số 3 Lê Lợi",
                 "--procedure", PROC, "--service", "send", "--fees", "0", "--station", "HL-TCP")
    eq(p.returncode, 0, p.stderr)
    ok(json.loads(p.stdout)["created"], p.stdout)
    p = d.remote(tok, "postal", "item", new, "--json")
    eq(json.loads(p.stdout)["clerk"], CLERKS[1], "registered under the token's owner")
    by = {(e["action"], e["object"]): e["actor"] for e in audit(d)}
    eq(by.get(("postal_register", json.loads(p.stdout)["code"])), CLERKS[1], "audited under it")
    before = snapshot(d)
    p = d.remote(tok, "postal", "receive", STATE["manifest"], s10("76767676"))
    ok(p.returncode != 0, "a clerk's token receives nothing at the office")
    ok("motcua: role: the postal_clerk role may not do this" in p.stderr,
       "the route's refusal as field: message: " + p.stderr)
    eq(snapshot(d), before, "nothing written")
    p = d.remote("mct_" + "Q" * 43, "postal", "item", item)
    eq(p.returncode, 1, "an unknown token")
    ok(no_personal_data(p.stdout + p.stderr), p.stdout)
    d.cli("user", "revoke", CLERKS[1], "--label", "quay-2", check=0)
    p = d.remote(tok, "postal", "item", item)
    eq(p.returncode, 1, "a revoked token")


@test
def kill9_keeps_registration(d):
    item = s10("42424242")
    clerk = sessions()[CLERKS[1]]
    s, j, _ = clerk.write("POST", "/api/v1/postal/items", reg_body(item))
    eq(s, 201, str(j))
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(timeout=10)
    d.logf.close()
    d.start()
    s, j2, _ = d.request("GET", f"/api/v1/postal/items/{item}")
    eq(s, 200, "kept after kill -9")
    eq(j2["code"], j["code"], "same code")
    eq(j2["clerk"], CLERKS[1], "and its clerk")
    s, j3, _ = clerk.request("GET", f"/api/v1/postal/items/{item}")
    eq((s, j3.get("code")), (200, j["code"]), "the stored session outlives the restart")
    # registered but not accepted: not counted as received
    today = today_local()
    s, j, _ = d.request("GET", f"/api/v1/counts?from={today}&to={today}")
    eq(j["received"]["postal"], 55, f"only accepted postal dossiers: {j}")


@test
def clerk_reads_only_own_post_office(d):
    """A post-office employee sees only the postal registrations of their
    own post office (one without a post office, only their own), never
    an office dossier, and searches none; the office reads all, and every
    read of an applicant is an audit row (docs/security.md "Postal
    scope", docs/privacy.md)."""
    item, code = STATE["items"][0]
    accounts = {"buucuc.cailan": (["--post-office", "201000"], "cai-lan-pass-1"),
                "buucuc.le": ([], "le-counter-pass-1")}
    st = {}
    for name, (office, pw) in accounts.items():
        p = d.cli("user", "add", name, "--role", "postal_clerk", *office, "--password-stdin",
                  input=pw + "\n", check=0)
        eq(p.returncode, 0, p.stderr)
        st[name] = Staff(d.staff_port)
        eq(st[name].login(name, pw)[0], 200, f"{name} signs in")
    cp, lone = st["buucuc.cailan"], st["buucuc.le"]
    for who, c in (("another post office", cp), ("no post office", lone)):
        s, j, _ = c.request("GET", f"/api/v1/postal/items/{item}")
        eq(s, 404, f"{who}: Hạ Long's item is not theirs: {j}")
        ok(no_personal_data(json.dumps(j, ensure_ascii=False)), f"{who}: nothing of it")
        before = snapshot(d)
        s, j, _ = c.write("POST", "/api/v1/postal/items", reg_body(item))
        eq((s, j.get("error", {}).get("field")), (409, "item_id"),
           f"{who}: a scan of it says it is another post office's: {j}")
        ok(no_personal_data(json.dumps(j, ensure_ascii=False)), f"{who}: and shows nothing")
        eq(snapshot(d), before, "nothing written")
        for path in (f"/api/v1/dossiers/{code}", "/api/v1/dossiers?name=tran"):
            s, j, _ = c.request("GET", path)
            eq(s, 403, f"{who}: GET {path}")
            ok(no_personal_data(json.dumps(j, ensure_ascii=False)), "no applicant")
    # each registers one: theirs to read, nobody else's but the office's
    mine = {}
    for n, (name, c) in enumerate((("buucuc.cailan", cp), ("buucuc.le", lone))):
        new = s10(f"{8080800 + n:08d}")
        s, j, _ = c.write("POST", "/api/v1/postal/items", reg_body(new, station="CP-01"))
        eq(s, 201, f"{name} registers: {j}")
        mine[name] = new
        s, j, _ = c.request("GET", f"/api/v1/postal/items/{new}")
        eq((s, j.get("clerk")), (200, name), f"{name} reads their own")
        s, j, _ = sessions()[OFFICE].request("GET", f"/api/v1/postal/items/{new}")
        eq((s, j["applicant"]["phone"]), (200, PHONE), "the office reads every registration")
    s, j, _ = cp.request("GET", f"/api/v1/postal/items/{mine['buucuc.cailan']}")
    eq(j["post_office"], "201000", "the registration carries the clerk's post office")
    for reader, name in ((CLERKS[0], "buucuc.cailan"), ("buucuc.le", "buucuc.cailan"),
                         ("buucuc.cailan", "buucuc.le")):
        c = sessions()[reader] if reader in sessions() else st[reader]
        s, j, _ = c.request("GET", f"/api/v1/postal/items/{mine[name]}")
        eq(s, 404, f"{reader} reads nothing of {name}'s registration")
    # a batch closes only the clerk's own scope, whatever else waits
    s, j, _ = cp.write("POST", "/api/v1/postal/batches/close", {})
    eq((s, j.get("items")), (201, [mine["buucuc.cailan"]]), f"Cái Lân's batch is its own: {j}")
    cp_manifest = j["manifest_id"]
    # manifests: a clerk sees those of their own scope only
    s, j, _ = cp.request("GET", "/api/v1/postal/manifests")
    eq((s, [m["id"] for m in j["manifests"]]), (200, [cp_manifest]), f"Cái Lân's list: {j}")
    s, j, _ = cp.request("GET", f"/api/v1/postal/manifests/{STATE['manifest']}")
    eq(s, 404, f"Hạ Long's manifest is not Cái Lân's: {j}")
    s, j, _ = sessions()[CLERKS[1]].request("GET", f"/api/v1/postal/manifests/{STATE['manifest']}")
    eq(s, 200, "but Hạ Long's other clerk sees it")
    s, j, _ = sessions()[CLERKS[1]].request("GET", f"/api/v1/postal/manifests/{cp_manifest}")
    eq(s, 404, "and not Cái Lân's")
    s, j, _ = sessions()[OFFICE].request("GET", "/api/v1/postal/manifests")
    ok({cp_manifest, STATE["manifest"]} <= {m["id"] for m in j["manifests"]}, "the office sees all")
    # moving a clerk holds at once, on the live session
    p = d.cli("user", "post-office", "buucuc.le", "--post-office", "201000")
    eq(p.returncode, 0, p.stderr)
    s, _, _ = lone.request("GET", f"/api/v1/postal/items/{mine['buucuc.cailan']}")
    eq(s, 200, "moved to Cái Lân: its registrations")
    s, _, _ = lone.request("GET", f"/api/v1/postal/items/{mine['buucuc.le']}")
    eq(s, 404, "and no longer the ones made without a post office")
    # every read of an applicant above is in the audit log, by its reader
    reads = [(e["actor"], e["object"]) for e in audit(d) if e["action"] == "read"]
    for name, new in mine.items():
        ok((OFFICE, f"/api/v1/postal/items/{new}") in reads, f"the office's read of {new}")
        ok((name, f"/api/v1/postal/items/{new}") in reads, f"{name}'s read of {new}")
    ok(not any(o == f"/api/v1/postal/items/{item}" and a in accounts for a, o in reads),
       "a refused read is no read")


def new_clerk(d, name, office, pw):
    """A postal_clerk account of post office office, signed in."""
    p = d.cli("user", "add", name, "--role", "postal_clerk", "--post-office", office,
              "--password-stdin", input=pw + "\n", check=0)
    eq(p.returncode, 0, p.stderr)
    st = Staff(d.staff_port)
    eq(st.login(name, pw)[0], 200, f"{name} signs in")
    return st


@test
def clerk_prints_only_own_scope(d):
    """Printing is scoped as reading is (docs/security.md "Postal scope"):
    a receipt or form names the applicant and their address, so a clerk
    previews, prints and takes the lookup token only of their own scope's
    registrations and manifests; a counter dossier, another post office's
    registration or manifest and a day's manifest answer 404 as if there
    were none, and the A5 pages are the office desk's (403)."""
    item, code = STATE["items"][0]  # Hạ Long's (POST_OFFICE)
    s, j, _ = d.request("POST", "/api/v1/dossiers",
                        {"procedure_code": PROC, "owner_name": NAME, "phone": PHONE,
                         "address": "Số 12 đường Trần Phú, Hạ Long", "actor": OFFICE,
                         "print": False})
    eq(s, 201, f"a counter dossier: {j}")
    counter = j["code"]
    manifest = STATE["manifest"]
    uongbi = new_clerk(d, "buucuc.uongbi", "202000", "uong-bi-pass-1")
    own, office = sessions()[CLERKS[0]], sessions()[OFFICE]
    day = today_local()

    def refused(c, who, codes, manifests):
        for cd in codes:
            for method, path in (("GET", f"/api/v1/print/render/receipt/{cd}?format=png"),
                                 ("GET", f"/api/v1/print/render/slip/{cd}"),
                                 ("GET", f"/api/v1/print/render/supplement/{cd}"),
                                 ("GET", f"/api/v1/dossiers/{cd}/token"),
                                 ("POST", f"/api/v1/print/receipt/{cd}"),
                                 ("POST", f"/api/v1/print/control/{cd}")):
                s, j, _ = c.write(method, path) if method == "POST" else c.request(method, path)
                eq((s, j.get("error", {}).get("message") if isinstance(j, dict) else j[:60]),
                   (404, "no such dossier"), f"{who}: {method} {path}")
        for m in manifests:
            for method, path in (("GET", f"/api/v1/print/render/manifest/{m}"),
                                 ("POST", f"/api/v1/print/manifest/{m}")):
                s, j, _ = c.write(method, path) if method == "POST" else c.request(method, path)
                eq(s, 404, f"{who}: {method} {path}: {j}")
                ok(no_personal_data(json.dumps(j, ensure_ascii=False)), "nothing of it")

    refused(uongbi, "another post office", [code, counter], [manifest, day])
    refused(own, "Hạ Long's clerk", [counter], [day])
    # their own scope: previewed, its token, and queued (here: printing off)
    for path in (f"/api/v1/print/render/receipt/{code}?format=png",
                 f"/api/v1/print/render/manifest/{manifest}?format=png"):
        s, body, r = own.request("GET", path)
        eq((s, r.getheader("Content-Type")), (200, "image/png"), f"own scope: {path}")
    s, j, _ = own.request("GET", f"/api/v1/dossiers/{code}/token")
    eq((s, j.get("code")), (200, code), f"own scope's token: {j}")
    s, j, _ = own.write("POST", f"/api/v1/print/receipt/{code}")
    eq((s, j["error"]["field"]), (409, "printer"), f"own scope: to the printer: {j}")
    # the A5 pages are the office desk's
    for c, who in ((own, "Hạ Long's clerk"), (uongbi, "another post office")):
        s, j, _ = c.request("GET", f"/api/v1/print/a5/receipt/{code}")
        eq((s, j["error"]["field"]), (403, "role"), f"{who}: A5")
        ok(no_personal_data(json.dumps(j, ensure_ascii=False)), "nothing of it")
    # the office: every dossier, both kinds
    for cd in (code, counter):
        s, page, _ = office.request("GET", f"/api/v1/print/a5/receipt/{cd}")
        ok(s == 200 and NAME in page, f"the office's A5 receipt of {cd}")
        s, _, r = office.request("GET", f"/api/v1/print/render/receipt/{cd}?format=png")
        eq(s, 200, f"the office previews {cd}")
        s, j, _ = office.request("GET", f"/api/v1/dossiers/{cd}/token")
        eq(s, 200, f"the office's token of {cd}")


@test
def no_personal_data_in_logs(d):
    log = d.logtext()
    for secret in (PHONE, ID_NO, NAME, "Trần Phú"):
        ok(secret not in log, f"{secret!r} in the log")
    for _, pw in ACCOUNTS.values():
        ok(pw not in log, "no password in the log")
    rows = audit(d)
    text = json.dumps(rows, ensure_ascii=False)
    ok(PHONE not in text and ID_NO not in text and NAME not in text,
       "audit log free of contact data")


def jobs_of_clerk_scope(d, others):
    """The print queue is scoped too (docs/security.md "Postal scope"): a
    clerk lists, reads and reprints only their scope's jobs; others are
    jobs of another clerk's registration and manifest."""
    a = new_clerk(d, "buucuc.a", "300000", "post-office-a-pass")
    b = new_clerk(d, "buucuc.b", "301000", "post-office-b-pass")
    s, j, _ = a.write("POST", "/api/v1/postal/items", reg_body(s10("80808081"), station="A"))
    eq(s, 201, f"a registers: {j}")
    mine = j["receipt_job"]
    ok(isinstance(mine, int), f"its receipt is a job: {j}")
    s, j, _ = a.request("GET", "/api/v1/print/jobs")
    eq((s, [x["id"] for x in j["jobs"]]), (200, [mine]), f"a lists its own scope's jobs: {j}")
    s, j, _ = b.request("GET", "/api/v1/print/jobs")
    eq((s, j["jobs"]), (200, []), f"b lists none of them: {j}")
    s, j, _ = d.request("GET", "/api/v1/print/jobs")
    ok({mine, *others} <= {x["id"] for x in j["jobs"]}, "the admin lists every job")
    for c, who, jobs in ((a, "a", others), (b, "b", [mine, *others])):
        for jid in jobs:
            s, j, _ = c.request("GET", f"/api/v1/print/jobs/{jid}")
            eq(s, 404, f"{who} reads no job {jid}: {j}")
            s, j, _ = c.write("POST", f"/api/v1/print/jobs/{jid}/reprint")
            eq(s, 404, f"{who} reprints no job {jid}: {j}")
            ok(no_personal_data(json.dumps(j, ensure_ascii=False)), "nothing of it")
    s, j, _ = a.request("GET", f"/api/v1/print/jobs/{mine}")
    eq((s, j["job"]["id"]), (200, mine), "a reads its own job")
    s, j, _ = a.write("POST", f"/api/v1/print/jobs/{mine}/reprint")
    eq((s, j["job"]["reprint_of"]), (202, mine), f"and reprints it: {j}")


def print_to_file_backend(build):
    """With the printer enabled on the "file" backend the receipt and the
    manifest are print jobs, and the reply names the printer's file."""
    tmp = tempfile.mkdtemp(prefix="motcua-postal-file-")
    d = AuthDaemon(build, tmp)
    dev = os.path.join(tmp, "printer.out")
    d.write_conf(extra=f"[printer]\nenabled = true\nbackend = file\ndevice = {dev}\n"
                       f"data_dir = {ROOT}/data/printer\n")
    try:
        d.start()
        setup(d)
        st, j, _ = d.request("POST", "/api/v1/postal/items",
                             reg_body(s10("80808080"), actor=CLERKS[0]))
        eq(st, 201, str(j))
        ok(isinstance(j["receipt_job"], int), str(j))
        eq(j["receipt_file"], dev, "the reply names the printer's file")
        st, m, _ = d.request("POST", "/api/v1/postal/batches/close", {"actor": CLERKS[0]})
        eq(st, 201, str(m))
        ok(isinstance(m["print_job"], int), str(m))
        deadline = time.time() + 20
        while time.time() < deadline:
            st, job, _ = d.request("GET", f"/api/v1/print/jobs/{m['print_job']}")
            if job.get("job", job).get("state") in ("done", "failed"):
                break
            time.sleep(0.2)
        eq(job.get("job", job).get("state"), "done", str(job))
        ok(os.path.getsize(dev) > 2000, "receipt and manifest bytes in the file")
        jobs_of_clerk_scope(d, [j["receipt_job"], m["print_job"]])
    finally:
        if d.proc and d.proc.poll() is None:
            d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def session(args, run):
    build = args.build
    tmp = tempfile.mkdtemp(prefix="motcua-postal-")
    d = AuthDaemon(build, tmp)
    d.write_conf(extra=f"[printer]\nenabled = false\ndata_dir = {ROOT}/data/printer\n")
    try:
        with run.guard("start"):
            d.start()
            setup(d)
            run.each(RESULTS, d)
    finally:
        if d.proc and d.proc.poll() is None:
            rc = d.stop()
            if rc != 0:
                run.fail("motcuad exit status", rc)
    try:
        run.case("print_to_file_backend", print_to_file_backend, build)
    finally:
        if run.failed:
            print("--- motcuad log ---")
            print(d.logtext()[-3000:])
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session))
