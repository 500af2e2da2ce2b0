#!/usr/bin/env python3
"""System test of the counter desk's API (docs/counter.md) on the real
motcuad with its printer on a pty fake (fake_printer.py) and the staff
listener on: intake printing its receipts (two copies) in the intake's
transaction, a refusal at the counter, hand-offs, the result collected at
the desk by scanning the receipt, the tracking book (CSV, XLSX, HTML),
Idempotency-Key retries, roles and the audit log. Ends with
"N passed, N failed".
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import escpos  # noqa: E402
from fake_printer import FakePrinter  # noqa: E402
from runner import ROOT, Tests, UnixHTTPConnection, eq, main, ok, wait_for  # noqa: E402
from test_auth import AuthDaemon, Staff  # noqa: E402

PROC = "1.001612.000.00.00.H49"
PROC_NAME = "Đăng ký kinh doanh hộ kinh doanh"
OWNER = "Lê Thị Hồng Nhung"
ID_NO = "031299887766"
PHONE = "0987654321"
ADDRESS = "Số 5 phố Lê Lợi, phường Yết Kiêu, Hạ Long"
USERS = {"desk": ("office_staff", "counter-staff-7391"),
         "clerk": ("postal_clerk", "post-office-5528")}

TESTS = Tests()
test = TESTS.add


class Env:
    def __init__(self, build, tmp):
        self.tmp = tmp
        self.link = os.path.join(tmp, "printer.tty")
        self.fake = FakePrinter(self.link)
        self.d = AuthDaemon(build, tmp)
        extra = ("[printer]\nenabled = true\nbackend = tty\n"
                 f"device = {self.link}\nbaud = 115200\nflow = none\n"
                 "profile = epson80-tcvn3\n"
                 f"data_dir = {os.path.join(ROOT, 'data', 'printer')}\n"
                 "status_timeout_ms = 300\nqueue_max = 20\nreceipt_copies = 2\n")
        self.d.write_conf(miss_burst=5, extra=extra)

    def staff(self, user):
        s = Staff(self.d.staff_port)
        st, j, _ = s.request("POST", "/api/v1/session",
                             {"user": user, "password": USERS[user][1]})
        eq(st, 200, f"{user} signs in: {j}")
        s.csrf = j["csrf"]
        return s

    def dossier(self, code):
        s, j, _ = self.d.get(f"/api/v1/dossiers/{code}", admin=True)
        eq(s, 200, "dossier read")
        return j

    def audit(self):
        day = datetime.now(timezone(timedelta(hours=7))).strftime("%Y-%m-%d")
        s, j, _ = self.d.get(f"/api/v1/audit?from={day}&to={day}&limit=1000", admin=True)
        eq(s, 200, f"audit read: {j}")
        return j["entries"]

    def intake(self, **kw):
        body = {"procedure_code": PROC, "owner_name": OWNER, "owner_id_no": ID_NO,
                "phone": PHONE, "address": ADDRESS, "actor": "desk.test"}
        body.update(kw)
        s, j, _ = self.d.request("POST", "/api/v1/dossiers", body)
        eq(s, 201, "intake: " + json.dumps(j, ensure_ascii=False))
        return j

    def set_status(self, code, status, reason="xử lý"):
        s, j, _ = self.d.request("POST", f"/api/v1/dossiers/{code}/status",
                                 {"status": status, "reason": reason, "actor": "desk.test"})
        eq(s, 200, f"status {status}: {j}")


def flat(lines):
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def setup(e):
    cat = os.path.join(e.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": PROC_NAME, "field": "Hộ kinh doanh",
                            "days": 3, "documents": ["Giấy đề nghị"], "fee": 100000},
                           ensure_ascii=False) + "\n")
    e.d.cli("catalogue", "import", cat, check=0)
    for name, (role, pw) in USERS.items():
        e.d.cli("user", "add", name, "--role", role, "--password-stdin", input=pw + "\n", check=0)


@test
def intake_prints_both_copies(e):
    """printer.receipt_copies = 2: the office's copy (Liên 1: Lưu), then
    the applicant's (Liên 2: Giao khách hàng), queued by the intake
    itself; Code 128 is the code on both."""
    n = len(e.fake.jobs)
    res = intake = e.intake()
    ok(isinstance(intake["print_job"], int), f"the reply names the job: {intake}")
    jobs = e.fake.wait_jobs(n + 2)
    first, second = escpos.parse(jobs[n]), escpos.parse(jobs[n + 1])
    ok("Liên 1: Lưu" in flat(first.lines), flat(first.lines))
    ok("Liên 2: Giao khách hàng" in flat(second.lines), flat(second.lines))
    eq(first.barcodes, [res["code"]], "office copy: Code 128 is the code")
    eq(second.barcodes, [res["code"]], "applicant copy: Code 128 is the code")
    eq(second.qr, [res["lookup_url"]], "the QR is the lookup URL")
    prints = [a for a in e.audit() if a.get("action") == "print"]
    ok(len(prints) >= 2, f"both jobs audited: {prints}")


@test
def intake_print_false_queues_nothing(e):
    s, j, _ = e.d.get("/api/v1/print/jobs", admin=True)
    before = len(j["jobs"])
    res = e.intake(**{"print": False})
    eq(res["print_job"], None, "no job named")
    s, j, _ = e.d.get("/api/v1/print/jobs", admin=True)
    eq(len(j["jobs"]), before, "no job queued")
    s, j, _ = e.d.request("POST", "/api/v1/dossiers",
                          {"procedure_code": PROC, "owner_name": OWNER, "print": "no"})
    eq(s, 400, "print must be a boolean")
    eq(j["error"]["field"], "print", j)


@test
def refusal_at_the_counter(e):
    s, j, _ = e.d.request("POST", "/api/v1/refusals",
                          {"procedure_code": PROC, "owner_name": OWNER})
    eq(s, 400, "the reason is required")
    eq(j["error"]["field"], "reason", j)
    s, j, _ = e.d.request("POST", "/api/v1/refusals",
                          {"procedure_code": "9.999", "owner_name": OWNER, "reason": "x"})
    eq(s, 404, f"unknown procedure: {j}")
    eq(j["error"]["field"], "procedure_code", j)
    body = {"procedure_code": PROC, "owner_name": OWNER, "phone": PHONE,
            "reason": "Hồ sơ không thuộc thẩm quyền giải quyết", "actor": "desk.test"}
    hdr = {"Idempotency-Key": "refusal-key-0001"}
    s, j, r1 = e.d.request("POST", "/api/v1/refusals", body, headers=hdr)
    eq(s, 201, f"refused: {j}")
    eq(j["status"], 3, "status refused")
    s2, j2, _ = e.d.request("POST", "/api/v1/refusals", body, headers=hdr)
    eq((s2, j2), (s, j), "a retry with the key gets the first reply")
    d = e.dossier(j["code"])
    eq(d["status"], 3, "stored refused")
    eq(d["due_at"], None, "a refusal has no due date")
    eq(d["refusal_reason"], body["reason"], "the reason is kept")
    eq([ev["kind"] for ev in d["events"]], ["intake", "status"], "intake, then the refusal")
    e.refused = j["code"]
    log = e.d.logtext()
    ok(OWNER not in log and PHONE not in log, "no personal data in the log")


@test
def handoffs(e):
    res = e.intake(**{"print": False})
    code = res["code"]
    e.hcode = code
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs", {"to": "Phòng Tư pháp"})
    eq(s, 400, "from is required")
    eq(j["error"]["field"], "from", j)
    s, j, _ = e.d.request("POST", "/api/v1/dossiers/000.00.19.H49-991231-0001/handoffs",
                          {"from": "A", "to": "B"})
    eq(s, 404, f"unknown dossier: {j}")
    hdr = {"Idempotency-Key": "handoff-key-0001"}
    body = {"from": "Bộ phận Một cửa", "to": "Phòng Kinh tế", "note": "1 bộ", "actor": "desk.test"}
    s, a, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs", body, headers=hdr)
    eq(s, 201, f"hand-off: {a}")
    s, again, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs", body, headers=hdr)
    eq(again, a, "the retry is the first reply")
    s, b, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs",
                          {"from": "Phòng Kinh tế", "to": "Bộ phận Một cửa", "actor": "desk.test"})
    eq(s, 201, "the way back")
    d = e.dossier(code)
    eq([(h["from"], h["to"]) for h in d["handoffs"]],
       [("Bộ phận Một cửa", "Phòng Kinh tế"), ("Phòng Kinh tế", "Bộ phận Một cửa")],
       "two hand-offs, in order, the retry not a third")
    eq(d["handoffs"][0]["note"], "1 bộ", "the note")
    eq(sum(1 for x in e.audit() if x.get("action") == "handoff" and x.get("object") == code), 2,
       "each hand-off audited once")


@test
def return_at_the_desk(e):
    code = e.hcode
    token = e.dossier(code)["token"]
    url = f"http://127.0.0.1:{e.d.port}/l/{token}"
    body = {"scan": url, "collected_by": "Lê Văn Tâm", "id_checked": True, "actor": "desk.test"}
    s, j, _ = e.d.request("POST", "/api/v1/returns", body)
    eq(s, 409, f"not ready: {j}")
    eq(j["error"]["field"], "status", j)
    ok("not ready" in j["error"]["message"], j)
    e.set_status(code, 4)
    e.set_status(code, 9)
    s, j, _ = e.d.request("POST", "/api/v1/returns", dict(body, id_checked=False))
    eq(s, 400, "the ID must be checked")
    eq(j["error"]["field"], "id_checked", j)
    s, j, _ = e.d.request("POST", "/api/v1/returns", dict(body, scan="hello"))
    eq(s, 400, "not a scan")
    eq(j["error"]["field"], "scan", j)
    s, j, _ = e.d.request("POST", "/api/v1/returns", dict(body, scan="A" * 16))
    ok(s in (400, 404), f"an unknown token: {s} {j}")
    eq(j["error"]["field"], "scan", j)
    s, j, _ = e.d.request("POST", "/api/v1/returns", body)
    eq(s, 200, f"returned: {j}")
    eq((j["code"], j["status"], j["collected_by"]), (code, 10, "Lê Văn Tâm"), "the reply")
    d = e.dossier(code)
    eq(d["status"], 10, "stored returned")
    ok(d["returned_at"] is not None, "returned_at set")
    eq(d["collected_by"], "Lê Văn Tâm", "who collected it")
    s, j, _ = e.d.request("POST", "/api/v1/returns", dict(body, scan=code))
    eq(s, 409, "a second return by the code is refused")


def form_job(e, kind, code, n):
    """The bytes of the form job kind of code, printed after the fake
    printer's n-th job, parsed back (TCVN-3 profile: the text is text)."""
    def job():
        s, j, _ = e.d.get("/api/v1/print/jobs", admin=True)
        return [x for x in j["jobs"] if x["kind"] == kind and x["ref"] == code]
    wait_for(lambda: job() and job()[0]["state"] == "done", 20, f"{kind} job done")
    for raw in e.fake.wait_jobs(n + 1)[n:]:
        p = escpos.parse(raw)
        if p.barcodes == [code] and FORM_TITLES[kind] in flat(p.lines):
            return p
    raise AssertionError(f"no {kind} form of {code} among the printed jobs")


FORM_TITLES = {"supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
               "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
               "apology": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
               "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"}


@test
def forms_print(e):
    """Mẫu 02 on a supplement request, Mẫu 04 on an apology, Mẫu 05 on a
    hand-off, Mẫu 03 on a refusal: each printed with what it records and
    the code's Code 128; the A5 page's barcode and QR read by ZBar."""
    res = e.intake(**{"print": False})
    code = res["code"]
    e.fcode = code
    e.set_status(code, 4)
    n = len(e.fake.jobs)
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/supplement",
                          {"action": "request", "reason": "Thiếu bản sao hợp đồng",
                           "items": "Hợp đồng thuê địa điểm", "actor": "desk.test"})
    eq(s, 200, f"supplement: {j}")
    text = flat(form_job(e, "supplement", code, n).lines)
    for want in (OWNER, "Hợp đồng thuê địa điểm", "Lý do: Thiếu bản sao hợp đồng", PROC_NAME):
        ok(want in text, f"Mẫu 02 has {want!r}: {text!r}")
    ok(ID_NO not in text, "no ID number on the form")
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/supplement",
                          {"action": "complete", "actor": "desk.test"})
    eq(s, 200, "supplement received")
    n = len(e.fake.jobs)
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/apology",
                          {"reason": "Cần xác minh thực địa", "unit": "Phòng Kinh tế",
                           "new_due_at": "2030-01-15T16:30:00+07:00", "actor": "desk.test"})
    eq(s, 200, f"apology: {j}")
    text = flat(form_job(e, "apology", code, n).lines)
    for want in ("Cần xác minh thực địa", "Phòng Kinh tế", "16 giờ 30 phút, ngày 15/01/2030"):
        ok(want in text, f"Mẫu 04 has {want!r}: {text!r}")
    n = len(e.fake.jobs)
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs",
                          {"from": "Bộ phận Một cửa", "to": "Phòng Kinh tế", "actor": "desk.test"})
    eq(s, 201, "hand-off")
    text = flat(form_job(e, "control", code, n).lines)
    ok("Bộ phận Một cửa -> Phòng Kinh tế (-, trước hạn)" in text, f"Mẫu 05 lists the hand-off: {text!r}")
    n = len(e.fake.jobs)
    s, j, _ = e.d.request("POST", "/api/v1/refusals",
                          {"procedure_code": PROC, "owner_name": OWNER, "reason": "Không thuộc thẩm quyền",
                           "actor": "desk.test"})
    eq(s, 201, "refusal")
    text = flat(form_job(e, "refusal", j["code"], n).lines)
    ok("Không thuộc thẩm quyền" in text, f"Mẫu 03 has the reason: {text!r}")
    # "print": false prints nothing
    s, before, _ = e.d.get("/api/v1/print/jobs", admin=True)
    s, j, _ = e.d.request("POST", f"/api/v1/dossiers/{code}/handoffs",
                          {"from": "Phòng Kinh tế", "to": "Bộ phận Một cửa", "print": False, "actor": "desk.test"})
    eq(s, 201, "hand-off without printing")
    s, after, _ = e.d.get("/api/v1/print/jobs", admin=True)
    eq(len(after["jobs"]), len(before["jobs"]), "no job queued")
    # the forms render on demand too (docs/api.md, print/render), and
    # their barcodes read back with ZBar on the preview
    for kind in ("supplement", "apology", "control"):
        png = os.path.join(e.tmp, f"{kind}.png")
        s, raw, r = e.d.request("GET", f"/api/v1/print/render/{kind}/{code}?format=png&profile=epson80")
        eq(s, 200, f"{kind} preview")
        with open(png, "wb") as f:
            f.write(r_bytes(e, f"/api/v1/print/render/{kind}/{code}?format=png&profile=epson80"))
        p = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", png],
                           capture_output=True, text=True, timeout=60)
        ok(code in p.stdout.split(), f"{kind}: ZBar reads the code: {p.stdout!r} {p.stderr[-200:]!r}")


def r_bytes(e, path):
    c = UnixHTTPConnection(e.d.sock)
    c.request("GET", path)
    r = c.getresponse()
    data = r.read()
    c.close()
    return data


@test
def tracking_book(e):
    s, j, _ = e.d.get("/api/v1/reports/book?from=2026-01-01", admin=True)
    eq(s, 400, "to is required")
    eq(j["error"]["field"], "to", j)
    s, j, r = e.d.request("GET", "/api/v1/reports/book?from=2020-01-01&to=2030-01-01&format=csv")
    eq(s, 400, "longer than report.max_days")
    today = datetime.now(timezone(timedelta(hours=7))).strftime("%Y-%m-%d")
    q = f"/api/v1/reports/book?from={today}&to={today}&actor=desk.test"
    s, j, r = e.d.request("GET", q + "&format=pdf")
    eq(s, 400, "unknown format")
    eq(j["error"]["field"], "format", j)
    s, csv, r = e.d.request("GET", q + "&format=csv")
    eq(s, 200, "csv")
    lines = csv.lstrip("\ufeff").strip().split("\r\n")
    ok(lines[0].startswith("STT,Mã hồ sơ,"), lines[0])
    ok(any(e.hcode in x for x in lines), "the returned dossier is in the book")
    ok(not any(e.refused in x for x in lines), "the refusal is not")
    ok(PHONE in csv and ADDRESS in csv, "address and phone in one column")
    s, raw, r = e.d.request("GET", q + "&format=xlsx")
    eq(s, 200, "xlsx")
    ok(r.getheader("Content-Type").startswith("application/vnd.openxmlformats"), "xlsx type")
    s, html, r = e.d.request("GET", q + "&format=html")
    eq(s, 200, "html")
    ok("SỔ THEO DÕI HỒ SƠ" in html and e.hcode in html, "html book")
    ok("<script" not in html and "style=" not in html, "nothing the CSP refuses")
    reads = [a for a in e.audit() if a.get("action") == "read" and a.get("object") == "book"]
    eq(len(reads), 3, f"each read audited: {reads}")
    ok(all("desk.test" in a["actor"] for a in reads), "with the actor")


@test
def roles(e):
    clerk = e.staff("clerk")
    for path, body in (("/api/v1/returns", {"scan": "x", "collected_by": "y", "id_checked": True}),
                       ("/api/v1/refusals", {"procedure_code": PROC, "owner_name": "A", "reason": "r"}),
                       (f"/api/v1/dossiers/{e.hcode}/handoffs", {"from": "a", "to": "b"})):
        s, j, _ = clerk.write("POST", path, body)
        eq(s, 403, f"a postal clerk may not {path}: {j}")
    s, j, _ = clerk.request("GET", "/api/v1/reports/book?from=2026-01-01&to=2026-01-02")
    eq(s, 403, "nor read the book")
    desk = e.staff("desk")
    s, j, _ = desk.write("POST", "/api/v1/refusals",
                         {"procedure_code": PROC, "owner_name": "Phạm Văn Đức", "reason": "thiếu giấy tờ"})
    eq(s, 201, f"office staff refuses over the staff listener: {j}")
    ok(any(a.get("actor") == "desk" and a.get("object") == j["code"] for a in e.audit()),
       "audited with the signed-in account")
    s, j, _ = desk.write("POST", "/api/v1/refusals",
                         {"procedure_code": PROC, "owner_name": "A", "reason": "r"}, csrf=False)
    eq(s, 403, "no CSRF token, no write")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-counter-")
    e = Env(args.build, tmp)
    try:
        with run.guard("start"):
            e.d.start()
            setup(e)
            wait_for(lambda: e.d.get("/api/v1/printer", admin=True)[1].get("state") == "ok", 15,
                     "printer ok")
            run.each(TESTS, e)
    finally:
        if e.d.proc and e.d.proc.poll() is None:
            e.d.stop()
        e.fake.close()
        if run.failed:
            print("--- motcuad log ---")
            print(e.d.logtext()[-6000:])
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session))
