#!/usr/bin/env python3
"""System test of printing: the real motcuad with its printer on a pty fake
(fake_printer.py), driven through the real motcua CLI and the HTTP API.

Checks the bytes the printer gets (parsed back by escpos.py, TCVN-3 back
to UTF-8), the preview PNG decoded by ZBar (zbarimg), status faults,
the durable queue across a restart and a printer unplugged mid-job, and
template errors at reload. Ends with "N passed, N failed".
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import escpos  # noqa: E402
from fake_printer import FakePrinter  # noqa: E402
from runner import ROOT, Tests, eq, free_port, main, ok, wait_for  # noqa: E402
from test_daemon import Daemon  # noqa: E402

OWNER = "Trần Thị Ngọc Ánh"
ID_NO = "031234567890"
PHONE = "0912345678"
ADDRESS = "Số 12 đường Trần Hưng Đạo, phường Hồng Gai, thành phố Hạ Long"
PROC = "1.001612.000.00.00.H49"
PROC_NAME = "Đăng ký kinh doanh hộ kinh doanh"
DOCS = ["Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao Căn cước công dân",
        "Hợp đồng thuê địa điểm kinh doanh"]

TESTS = Tests()
test = TESTS.add


class Env:
    """The daemon, its fake printer and a copy of the printer data."""

    def __init__(self, build, tmp):
        self.tmp = tmp
        self.data = os.path.join(tmp, "printer-data")
        shutil.copytree(os.path.join(ROOT, "data", "printer"), self.data)
        self.link = os.path.join(tmp, "printer.tty")
        self.fake = FakePrinter(self.link)
        self.d = Daemon(build, tmp)
        self.profile = "epson80-tcvn3"
        self.conf()

    def conf(self, **kw):
        opts = {"enabled": "true", "backend": "tty", "device": self.link,
                "baud": "115200", "flow": "none", "profile": self.profile,
                "data_dir": self.data, "status_timeout_ms": "300",
                "write_timeout_ms": "5000", "queue_max": "20"}
        opts.update(kw)
        extra = "[printer]\n" + "".join(f"{k} = {v}\n" for k, v in opts.items())
        self.d.write_conf(miss_burst=5, extra=extra)

    def status(self):
        s, j, _ = self.d.get("/api/v1/printer", admin=True)
        eq(s, 200, "printer status")
        return j

    def wait_state(self, state, timeout=15):
        wait_for(lambda: self.status()["state"] == state, timeout,
                 "printer state " + state)

    def job(self, jid):
        s, j, _ = self.d.get(f"/api/v1/print/jobs/{jid}", admin=True)
        eq(s, 200, "job read")
        return j["job"]

    def wait_job(self, jid, state="done", timeout=20):
        wait_for(lambda: self.job(jid)["state"] == state, timeout,
                 f"job {jid} {state}")
        return self.job(jid)

    def queue(self, *args, check=0):
        p = self.d.cli("print", *args, check=check)
        m = re.match(r"job (\d+) queued", p.stdout)
        ok(m, "job number printed: " + p.stdout)
        self.last = p
        return int(m.group(1))


def flat(lines):
    """The text of parsed lines with wrapping undone: one space between
    words, as the input had."""
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def setup_catalogue(e):
    cat = os.path.join(e.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": PROC, "name": PROC_NAME, "field": "Hộ kinh doanh",
                            "days": 3, "documents": DOCS, "fee": 100000},
                           ensure_ascii=False) + "\n")
    e.d.cli("catalogue", "import", cat, check=0)


def intake(e):
    body = {"procedure_code": PROC, "owner_name": OWNER, "owner_id_no": ID_NO,
            "phone": PHONE, "address": ADDRESS, "actor": "can.bo.test",
            "delivery": "post", "print": False}  # the tests queue their own
    s, j, _ = e.d.request("POST", "/api/v1/dossiers", body)
    eq(s, 201, "intake: " + json.dumps(j, ensure_ascii=False))
    return j


@test
def receipt_prints_and_parses_back(e):
    """The receipt on the TCVN-3 profile: the parser recovers the input
    text exactly; Code 128 is the code; the QR is the lookup URL with the
    token and nothing personal."""
    e.wait_state("ok")
    res = intake(e)
    e.res = res
    n = len(e.fake.jobs)
    jid = e.queue("receipt", res["code"])
    e.wait_job(jid)
    job = escpos.parse(e.fake.wait_jobs(n + 1)[n])
    eq(job.garbage, [], "no byte outside the selected code page")
    text = flat(job.lines)
    for want in [OWNER, ADDRESS, PROC_NAME, *DOCS, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nhận kết quả: Qua dịch vụ bưu chính công ích"]:
        ok(want in text, f"{want!r} printed back exactly; got {text!r}")
    eq(job.barcodes, [res["code"]], "Code 128 carries the dossier code")
    eq(job.qr, [res["lookup_url"]], "QR carries the lookup URL")
    ok(res["token"] in job.qr[0], "QR has the opaque token")
    for secret in (ID_NO, PHONE):
        ok(secret not in job.qr[0] and secret not in text, "no ID or phone number printed in the QR or text")
    ok(job.cuts == 1 and job.resets == 1, "one ESC @ and one cut")
    log = e.d.logtext()
    ok(OWNER not in log and ID_NO not in log and PHONE not in log, "no personal data in the log")


@test
def print_to_file_is_the_printed_bytes(e):
    out = os.path.join(e.tmp, "receipt.bin")
    e.d.cli("print", "receipt", e.res["code"], "--to", out, check=0)
    with open(out, "rb") as f:
        data = f.read()
    first = [j for j in e.fake.jobs if e.res["code"].encode() in j][0]
    eq(data, first, "--to FILE holds exactly the bytes the printer got")


@test
def preview_round_trip_zbar(e):
    """The PNG preview, per profile, decoded by ZBar: the code printed is
    the code scanned, the QR is the lookup URL."""
    for profile in ("epson80", "epson80-tcvn3", "clone58"):
        png = os.path.join(e.tmp, f"preview-{profile}.png")
        e.d.cli("print", "preview", e.res["code"], "--png", png, "--profile", profile, check=0)
        p = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable",
                            "-Sqrcode.enable", png], capture_output=True, text=True, timeout=60)
        got = set(p.stdout.split())
        ok(e.res["code"] in got, f"{profile}: ZBar reads the Code 128: {p.stdout!r} {p.stderr[-200:]!r}")
        ok(e.res["lookup_url"] in got, f"{profile}: ZBar reads the QR: {p.stdout!r}")


@test
def status_faults(e):
    """Each fault shows in `motcua printer status`, /metrics and the public
    state; a job waits and prints when the printer comes back."""
    for mode, state in (("paper_out", "no_paper"), ("cover_open", "cover_open"),
                        ("offline", "offline"), ("paper_low", "paper_low")):
        e.fake.mode = mode
        e.wait_state(state)
        p = e.d.cli("printer", "status")
        ok(("state:      " + state) in p.stdout, "status shows " + state + ": " + p.stdout)
        eq(p.returncode, 0 if state == "paper_low" else 1, "exit status tells whether it can print")
        s, j, _ = e.d.get("/api/v1/printer/state")
        eq(j, {"available": state == "paper_low", "state": state}, "public state")
        s, m, _ = e.d.get("/metrics", admin=True)
        ok(f'motcua_printer_state{{state="{state}"}} 1' in m, "metrics show " + state)
    e.fake.mode = "paper_out"
    e.wait_state("no_paper")
    # issue 15 item 16: a receipt queued on a printer without paper is not
    # "queued" and exit 0; the change of state is in the log
    wait_for(lambda: "printer: no_paper (was " in e.d.logtext(), 10, "paper out logged")
    n = len(e.fake.jobs)
    jid = e.queue("test", check=1)
    ok("the printer cannot print now: out of paper" in e.last.stderr,
       "the CLI says why: " + e.last.stderr)
    wait_for(lambda: e.job(jid)["outcome"] == "waiting: printer no_paper", 10, "job waits")
    eq(len(e.fake.jobs), n, "nothing sent to a printer without paper")
    e.fake.mode = "ok"
    e.wait_job(jid)
    e.fake.wait_jobs(n + 1)
    wait_for(lambda: "printer: ok (was no_paper)" in e.d.logtext(), 10, "the way back logged")


@test
def garbage_and_silence_are_unknown(e):
    e.fake.mode = "garbage"
    e.wait_state("unknown")
    wait_for(lambda: "is not a status byte" in e.d.logtext(), 10, "a log line about garbage")
    e.fake.mode = "silent"
    e.wait_state("unknown")
    s, _, _ = e.d.get("/healthz")
    eq(s, 200, "the daemon answers while the printer is silent")
    e.fake.mode = "ok"
    e.wait_state("ok")


@test
def unplugged_mid_job_reprints_whole(e):
    n = len(e.fake.jobs)
    e.fake.unplug_after = 300
    jid = e.queue("receipt", e.res["code"])
    wait_for(lambda: not e.fake.plugged, 20, "the cable pulled mid-job")
    e.wait_state("disconnected")
    e.fake.replug()
    job = e.wait_job(jid, timeout=30)
    ok(job["reprint"], "the job is marked as a reprint")
    jobs = e.fake.wait_jobs(n + 1)
    again = escpos.parse(jobs[-1])
    eq(again.lines[0], "*** BẢN IN LẠI ***", "the reprint carries the banner")
    ok(OWNER in flat(again.lines), "the whole receipt is printed again")


@test
def reprint_by_id_and_jobs_list(e):
    s, j, _ = e.d.get("/api/v1/print/jobs?limit=1", admin=True)
    last = j["jobs"][0]["id"]
    n = len(e.fake.jobs)
    p = e.d.cli("print", "reprint", str(last), check=0)
    nid = int(re.match(r"job (\d+) queued", p.stdout).group(1))
    e.wait_job(nid)
    eq(escpos.parse(e.fake.wait_jobs(n + 1)[n]).lines[0], "*** BẢN IN LẠI ***", "banner")
    p = e.d.cli("printer", "jobs", check=0)
    ok(re.search(rf"^{nid} +receipt .* done .*\[reprint\]", p.stdout, re.M), "jobs list: " + p.stdout)
    eq(e.job(nid)["reprint_of"], last, "reprint_of recorded")


@test
def manifest_prints(e):
    """Postal dossiers of a day (imported, as the post office's come) on
    one manifest: an entry each, counts, fee total, the barcode."""
    codes = ["000.00.19.H49-261120-0101", "000.00.19.H49-261120-0102"]
    path = os.path.join(e.tmp, "postal.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, code in enumerate(codes):
            f.write(json.dumps({"code": code, "procedure_code": PROC, "procedure_name": PROC_NAME,
                                "field": "Hộ kinh doanh", "agency_code": "000.00.19.H49",
                                "applicant_name": "Lê Văn Bưu " + str(i), "channel": "postal",
                                "delivery": "post" if i == 0 else "counter",
                                "received_at": "2026-11-20T09:0%d:00+07:00" % i,
                                "due_at": "2026-11-25T09:00:00+07:00", "status": 2},
                               ensure_ascii=False) + "\n")
    e.d.cli("import", path, check=0)
    n = len(e.fake.jobs)
    jid = e.queue("manifest", "2026-11-20")
    e.wait_job(jid)
    job = escpos.parse(e.fake.wait_jobs(n + 1)[n])
    text = flat(job.lines)
    ok(all(c in text for c in codes), "one entry per item: " + text)
    ok("Tổng số hồ sơ: 2" in text, "count: " + text)
    ok("Trả kết quả qua bưu điện: 1" in text, "by-post count")
    ok("Tổng lệ phí: 200.000 đ" in text, "fee total")
    eq(job.barcodes, ["BK20261120"], "manifest barcode")
    p = e.d.cli("print", "manifest", "2026-02-30")
    eq(p.returncode, 1, "a bad day is refused")
    ok("id: not a manifest day" in p.stderr, p.stderr)


@test
def bad_requests(e):
    p = e.d.cli("print", "receipt", "000.00.19.H49-260101-9999")
    eq(p.returncode, 1, "unknown dossier refused")
    ok("no such dossier" in p.stderr, p.stderr)
    p = e.d.cli("print", "receipt", "nonsense")
    eq(p.returncode, 2, "a bad code is a usage error")
    p = e.d.cli("print", "preview", e.res["code"], "--png", os.path.join(e.tmp, "x.png"),
                "--profile", "nosuch")
    eq(p.returncode, 1, "unknown profile refused")
    ok("profile" in p.stderr, p.stderr)
    s, j, _ = e.d.request("POST", "/api/v1/print/bogus/x")
    eq(s, 404, "unknown document kind")
    s, j, _ = e.d.request("POST", "/api/v1/print/receipt/x", admin=False)
    eq(s, 404, "printing is not on the public listener")


@test
def template_error_at_reload_and_start(e):
    tpl = os.path.join(e.data, "templates", "receipt.tpl")
    with open(tpl, encoding="utf-8") as f:
        good = f.read()
    with open(tpl, "w", encoding="utf-8") as f:
        f.write(good.replace("text | {book}", "text | {boook}"))
    line = good.splitlines().index("text | {book}") + 1
    e.d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: f"receipt.tpl:{line}: {{boook}}: no such field" in e.d.logtext(), 10,
             "the template error names file and line")
    n = len(e.fake.jobs)
    jid = e.queue("receipt", e.res["code"])
    e.wait_job(jid)
    ok("Quyển số" in flat(escpos.parse(e.fake.wait_jobs(n + 1)[n]).lines), "old template still used")
    # a second daemon on its own port, socket and store, same data
    other = os.path.join(e.tmp, "other")
    os.mkdir(other)
    with open(e.d.conf, encoding="utf-8") as f:
        conf = f.read()
    conf = re.sub(r"listen = .*", f"listen = 127.0.0.1:{free_port()}", conf)
    conf = conf.replace(e.d.sock, os.path.join(other, "admin.sock"))
    conf = conf.replace(f"{e.tmp}/motcua.db", f"{other}/motcua.db")
    with open(os.path.join(other, "c.conf"), "w", encoding="utf-8") as f:
        f.write(conf)
    try:
        p = subprocess.run([os.path.join(e.d.build, "motcuad"), "-d", "-c",
                            os.path.join(other, "c.conf")],
                           capture_output=True, text=True, timeout=30)
    finally:
        with open(tpl, "w", encoding="utf-8") as f:
            f.write(good)
        e.d.proc.send_signal(signal.SIGHUP)
    eq(p.returncode, 1, "a daemon refuses to start on the bad template")
    ok(f"receipt.tpl:{line}: {{boook}}" in p.stderr, p.stderr[-500:])


@test
def queue_survives_restart(e):
    """A job queued while the printer is unplugged survives kill -9."""
    e.fake.unplug()
    e.wait_state("disconnected")
    jid = e.queue("slip", e.res["code"], check=1)
    ok("not connected (unplugged" in e.last.stderr, "the CLI says it is unplugged: " + e.last.stderr)
    e.d.stop(signal.SIGKILL)
    e.d.start()
    eq(e.job(jid)["state"], "queued", "the job is still queued after kill -9")
    n = len(e.fake.jobs)
    e.fake.replug()
    e.wait_job(jid, timeout=30)
    job = escpos.parse(e.fake.wait_jobs(n + 1)[n])
    text = flat(job.lines)
    ok("PHIẾU TRA CỨU HỒ SƠ" in text, "the slip printed")
    ok(OWNER not in text and ADDRESS not in text, "the slip shows no full name or address")
    ok("T*** T** N*** Á**" in text, "masked name on the slip: " + text)


@test
def serial_backend_reports_a_missing_port(e):
    """The libserialport backend on a port that is not there: the state
    is "disconnected" with the device named, and the daemon keeps
    serving (a real serial port cannot be faked on a pty: Debian's
    libserialport refuses pseudo-terminals)."""
    os.mkdir(os.path.join(e.tmp, "serial"))
    other = Daemon(e.d.build, os.path.join(e.tmp, "serial"))
    missing = os.path.join(other.tmp, "ttyUSB9")
    other.write_conf(extra=f"[printer]\nenabled = true\nbackend = serial\n"
                           f"device = {missing}\ndata_dir = {e.data}\n")
    other.start()
    try:
        wait_for(lambda: other.get("/api/v1/printer", admin=True)[1]["state"] == "disconnected",
                 10, "disconnected")
        p = other.cli("printer", "status")
        eq(p.returncode, 1, "cannot print")
        ok(missing in p.stdout and "last error" in p.stdout, p.stdout)
        s, j, _ = other.get("/api/v1/printer/state")
        eq(j, {"available": False, "state": "disconnected"}, "public state")
    finally:
        other.stop()


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-prn-")
    e = Env(args.build, tmp)
    try:
        with run.guard("start"):
            e.d.start()
            setup_catalogue(e)
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
