#!/usr/bin/env python3
"""System test of the kiosk's second factor when a dossier lacks the
office's number (issue 15, item 9; docs/privacy.md "Opening a dossier"):
on the real motcuad, with kiosk.second_factor = id_last4 (the default), a
dossier registered without an ID number opens by code with its phone's
last 4 digits, one with neither number opens by code with nothing, and
the counter's intake reply (and the dossier read) says which number opens
it ("kiosk_factor": "id" | "phone" | "none") so the counter page can warn
before printing. Ends with the line "N passed, N failed".
"""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from test_daemon import Daemon  # noqa: E402

PROC = "1.001193.000.00.00.H49"
RESULTS = Tests()
test = RESULTS.add
STATE = {}


def setup(d):
    cat = os.path.join(d.tmp, "p.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": "Đăng ký khai sinh", "field": "Hộ tịch",
                            "days": 1, "documents": ["Tờ khai"]}, ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)


def intake(d, **kw):
    body = {"procedure_code": PROC, "owner_name": "Lê Thị Hoa"}
    body.update(kw)
    s, j, _ = d.request("POST", "/api/v1/dossiers", body)
    eq(s, 201, f"intake {kw}: {j}")
    return j


def lookup(d, code, digits):
    return d.request("POST", "/api/v1/lookup", {"code": code, "factor": digits}, admin=False)


@test
def intake_says_which_number_opens_it(d):
    setup(d)
    both = intake(d, owner_id_no="031234567890", phone="0912345678")
    phone = intake(d, phone="0987 654 321")
    none = intake(d)
    eq(both["kiosk_factor"], "id", "the office's factor: the ID number")
    eq(phone["kiosk_factor"], "phone", "no ID number: the phone")
    eq(none["kiosk_factor"], "none", "neither: only the QR opens it")
    s, j, _ = d.request("GET", f"/api/v1/dossiers/{phone['code']}")
    eq((s, j.get("kiosk_factor")), (200, "phone"), "the dossier read says it too")
    STATE.update(both=both, phone=phone, none=none)


@test
def phone_opens_a_dossier_without_id(d):
    c = STATE["phone"]["code"]
    s, j, _ = lookup(d, c, "4321")
    eq(s, 200, f"the phone's last 4 open it whatever second_factor says: {j}")
    ok("0987" not in json.dumps(j) and "Lê Thị Hoa" not in json.dumps(j, ensure_ascii=False),
       "the kiosk view shows neither the phone nor the full name")
    s, _, _ = lookup(d, c, "0000")
    ok(s != 200, "other digits do not")
    # a dossier with an ID number still asks for the ID's digits
    b = STATE["both"]["code"]
    eq(lookup(d, b, "7890")[0], 200, "the ID's digits")
    ok(lookup(d, b, "5678")[0] != 200, "not the phone's, when the ID is there")


@test
def nothing_opens_a_dossier_with_neither(d):
    c = STATE["none"]["code"]
    for digits in ("0000", "4321", "7890"):
        ok(lookup(d, c, digits)[0] != 200, f"{digits} does not open it")
    s, j, _ = d.request("GET", f"/api/v1/lookup/{STATE['none']['token']}", admin=False)
    eq(s, 200, f"its QR (the token) does: {j}")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-factor-")
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
