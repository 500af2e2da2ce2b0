#!/usr/bin/env python3
"""System test of the national-portal adapter path (sync.protocol = lgsp):
the real motcuad pushes to a small fake LGSP adapter written here, which
speaks the DVCQG convention of docs/domain.md ("The national portal"): a login that hands out a
session, then services DongBoHoSoMC and CapNhatTienDoHoSoMC with replies
{error_code, message}. Checks the field names and date format on the
wire, "00" and "0" success, "already exists" resent as an update and
counted as synced, a refused dossier parked with the adapter's message
without blocking the rest, and a re-login after 401.

Ends with the line "N passed, N failed".
"""
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from synclib import Node, cleanup, new_run_dir, wait_for, write_secret  # noqa: E402

DATE = re.compile(r"^20\d{12}$")


class FakeLgsp:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []          # (service, body)
        self.logins = 0
        self.sessions = set()
        self.stored = {}         # MaHoSo -> entry
        self.refuse = set()      # MaHoSo answered with an error
        self.exists_once = set() # MaHoSo answered "already exists" once
        self.expire_next = False
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def reply(self, code, obj):
                b = json.dumps(obj, ensure_ascii=False).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    if self.path == "/auth":
                        fake.logins += 1
                        ok = body == {"username": "motcua-xa", "password": "mat khau 1"}
                        s = f"S{fake.logins}"
                        if ok:
                            fake.sessions.add(s)
                        return self.reply(200, {"session": s, "error_code": 0} if ok else
                                          {"error_code": "1", "message": "sai"})
                    if fake.expire_next or body.get("session") not in fake.sessions:
                        fake.expire_next = False
                        fake.sessions.clear()
                        return self.reply(401, {"error_code": "401", "message": "session"})
                    fake.calls.append((body["service"], body))
                    entry = body["data"][0]
                    code = entry["MaHoSo"]
                    if code in fake.refuse:
                        return self.reply(200, {"error_code": "-1",
                                                "message": "MaTTHC không có trong danh mục"})
                    if code in fake.exists_once and body.get("isUpdating") == "False":
                        fake.exists_once.discard(code)
                        return self.reply(200, {"error_code": "-3", "message": "Hồ sơ đã tồn tại"})
                    fake.stored.setdefault(code, []).append((body["service"], entry,
                                                             body.get("isUpdating")))
                    return self.reply(200, {"error_code": "00" if len(fake.calls) % 2 else "0",
                                            "message": ""})

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.srv.shutdown()


RESULTS = Tests()
test = RESULTS.add


@test
def dossiers_reach_the_adapter_with_national_fields(w):
    t, fake = w
    s, j = t.intake(name="Nguyễn Văn An", summary="Đăng ký hộ kinh doanh tạp hóa")
    eq(s, 201, "intake")
    code = j["code"]
    wait_for(lambda: t.sync_status()["pending"] == 0, 15, "the adapter to take it")
    svc, entry, upd = fake.stored[code][0]
    eq(svc, "DongBoHoSoMC", "service")
    eq(upd, "False", "a new dossier")
    for k in ("MaHoSo", "MaTTHC", "KenhThucHien", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo",
              "ChuHoSo", "SoGiayToChuHoSo", "DanhSachHoSoBoSung", "HinhThuc"):
        ok(k in entry, f"{k} on the wire")
    eq(entry["KenhThucHien"], "1", "channel as a string")
    eq(entry["TrangThaiHoSo"], "2", "status as a string")
    ok(DATE.match(entry["NgayTiepNhan"]) and DATE.match(entry["NgayHenTra"]), entry["NgayTiepNhan"])
    _, d = t.dossier(code)
    # received_at is ISO with +07:00: the wire date is the same wall time
    iso = d["received_at"]
    eq(entry["NgayTiepNhan"], iso[0:4] + iso[5:7] + iso[8:10] + iso[11:13] + iso[14:16] + iso[17:19],
       "yyyyMMddHHmmss in UTC+7")
    eq(fake.calls[0][1]["madonvi"], t.agency, "madonvi is the agency code")


@test
def status_and_supplement_use_their_services(w):
    t, fake = w
    _, j = t.intake(name="Trần Thị Bình")
    code = j["code"]
    t.request("POST", f"/api/v1/dossiers/{code}/status", {"status": 4, "reason": "thụ lý"})
    s, r = t.request("POST", f"/api/v1/dossiers/{code}/supplement",
                     {"action": "request", "reason": "Thiếu giấy", "items": "Bản sao CCCD"})
    eq(s, 200, f"supplement request: {r}")
    wait_for(lambda: t.sync_status()["pending"] == 0, 15, "all three to be sent")
    kinds = [c[0] for c in fake.stored[code]]
    eq(kinds, ["DongBoHoSoMC", "CapNhatTienDoHoSoMC", "DongBoHoSoMC"], "services in order")
    eq(fake.stored[code][1][1]["TrangThai"], "4", "progress status")
    bs = fake.stored[code][2][1]["DanhSachHoSoBoSung"][0]
    ok(DATE.match(bs["NgayHenTraTruoc"]) and DATE.match(bs["NgayHenTraMoi"]), bs)
    eq(fake.stored[code][2][2], "True", "a supplement is an update")


@test
def already_exists_is_resent_as_update(w):
    t, fake = w
    # the next code: the adapter says it exists on the first send
    _, j = t.intake(name="Lê Văn Cường")
    code = j["code"]
    nxt = code[:-4] + "%04d" % (int(code[-4:]) + 1)
    fake.exists_once.add(nxt)
    _, j = t.intake(name="Phạm Thị Dung")
    eq(j["code"], nxt, "the expected next code")
    wait_for(lambda: t.sync_status()["pending"] == 0, 15, "sent")
    eq([x[2] for x in fake.stored[nxt]], ["True"], "resent with isUpdating True and counted as synced")
    eq(t.sync_status()["parked_count"], 0, "nothing parked")


@test
def refused_dossier_is_parked_and_the_rest_flows(w):
    t, fake = w
    _, j = t.intake(name="Hoàng Văn Em")
    base = int(j["code"][-4:])
    bad = j["code"][:-4] + "%04d" % (base + 1)
    fake.refuse.add(bad)
    codes = [t.intake(name=f"Khách {i}")[1]["code"] for i in range(4)]
    ok(bad in codes, "the refused code is among them")
    wait_for(lambda: t.sync_status()["pending"] == 0, 15, "the rest to be sent")
    st = t.sync_status()
    eq(st["parked_count"], 1, "one parked")
    eq(st["parked"][0]["code"], bad, "the refused one")
    ok("MaTTHC" in st["parked"][0]["reason"] and "-1" in st["parked"][0]["reason"], st["parked"][0])
    ok(all(c in fake.stored for c in codes if c != bad), "the others reached the adapter")


@test
def session_expiry_logs_in_again(w):
    t, fake = w
    before = fake.logins
    fake.expire_next = True
    _, j = t.intake(name="Vũ Thị Giang")
    wait_for(lambda: j["code"] in fake.stored, 20, "the push after a new login")
    ok(fake.logins > before, "logged in again")


@test
def verify_and_lookup_say_not_available(w):
    t, _ = w
    p = t.cli("sync", "verify", "--from", "2026-01-01", "--to", "2026-01-02")
    eq(p.returncode, 1, p.stdout + p.stderr)
    ok("motcua" in p.stderr + p.stdout, p.stderr)
    s, _ = t.request("GET", "/api/v1/lookup/0000ABCDEFGHJKMNPQRS", admin=False)
    eq(s, 404, "no live fallback with lgsp")


def session(args, run):
    tmp = new_run_dir("motcua-lgsp-")
    fake = FakeLgsp()
    t = Node(args.build, tmp, "t1")
    pw = os.path.join(t.dir, "lgsp-password")
    write_secret(pw, "mat khau 1\n")
    t.configure(sync=f"""protocol = lgsp
upstream_url = http://127.0.0.1:{fake.port}/service
lgsp_auth_url = http://127.0.0.1:{fake.port}/auth
lgsp_username = motcua-xa
lgsp_password_file = {pw}
insecure_http_loopback = true
backoff_min_ms = 50
backoff_max_ms = 500
timeout_ms = 5000""")
    try:
        with run.guard("setup"):
            t.start()
            t.add_procedure()
            run.each(RESULTS, (t, fake), timed=True)
    finally:
        if t.alive():
            t.stop()
        fake.close()
        if run.failed:
            print(t.logtext()[-3000:])
        cleanup(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main(session))
