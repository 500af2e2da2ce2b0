#!/usr/bin/env python3
"""System test: the kiosk's "print status slip" button reaches the receipt
printer's durable queue. The real motcuad runs with the printer on the file
backend; a dossier is looked up as a kiosk terminal does (token, then
the ticket the reply carries), the slip is asked for, and the job appears in the queue
and its ESC/POS bytes in the file, with nothing personal beyond the masked
name. Without a printer the button's route says so.

Ends with the line "N passed, N failed".
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

from runner import ROOT, free_port, main, wait_for


class Daemon:
    def __init__(self, build, tmp, printer):
        self.build, self.tmp, self.port = build, tmp, free_port()
        self.sock = os.path.join(tmp, "admin.sock")
        self.conf = os.path.join(tmp, "motcuad.conf")
        self.out = os.path.join(tmp, "printer.bin")
        extra = ""
        if printer:
            extra = (f"[printer]\nenabled = true\nbackend = file\ndevice = {self.out}\n"
                     f"data_dir = {ROOT}/data/printer\n")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""[server]
listen = 127.0.0.1:{self.port}
admin_socket = {self.sock}
admin_socket_mode = 0600
public_url = http://127.0.0.1:{self.port}
[store]
db_path = {tmp}/motcua.db
[office]
agency_code = 000.00.19.H49
agency_name = UBND tỉnh Quảng Ninh
[kiosk]
terminals = hall-1
{extra}""")
        self.log = open(os.path.join(tmp, "motcuad.log"), "a")
        self.proc = subprocess.Popen([os.path.join(build, "motcuad"), "-d", "-c", self.conf],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.req("GET", "/healthz", admin=False)[0] == 200, what="motcuad")

    def req(self, method, path, body=None, admin=True):
        if admin:
            c = http.client.HTTPConnection("localhost", timeout=30)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.sock)
            c.sock = s
        else:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None else None
        c.request(method, path, body=data)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            return r.status, json.loads(raw)
        except ValueError:
            return r.status, raw

    def cli(self, *args):
        env = dict(os.environ, MOTCUA_SOCKET=self.sock)
        return subprocess.run([os.path.join(self.build, "motcua"), "--actor", "slip.test", *args],
                              capture_output=True, text=True, env=env, timeout=60)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def dossier(d):
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": "1.003003.000.00.00.H49", "name": "Đăng ký khai sinh",
                            "field": "Hộ tịch", "days": 1}, ensure_ascii=False) + "\n")
    assert d.cli("catalogue", "import", cat).returncode == 0
    s, j = d.req("POST", "/api/v1/dossiers", {"procedure_code": "1.003003.000.00.00.H49",
                                              "owner_name": "Nguyễn Văn An",
                                              "owner_id_no": "031234567890",
                                              "phone": "0912345678"})
    assert s == 201, (s, j)
    return j


def test_slip_is_queued_and_printed(build):
    tmp = tempfile.mkdtemp(prefix="motcua-slip-")
    d = Daemon(build, tmp, printer=True)
    try:
        j = dossier(d)
        s, cfg = d.req("GET", "/api/v1/kiosk?terminal=hall-1", admin=False)
        assert s == 200 and cfg.get("printer", {}).get("configured") is not False, cfg
        s, v = d.req("GET", "/api/v1/kiosk/token/" + j["token"] + "?terminal=hall-1", admin=False)
        assert s == 200 and v.get("ticket"), (s, v)
        s, p = d.req("POST", "/api/v1/kiosk/print", {"ticket": v["ticket"]}, admin=False)
        assert s == 202, (s, p)
        wait_for(lambda: os.path.exists(d.out) and os.path.getsize(d.out) > 0,
                 what="the slip's bytes in the printer file")
        out = d.cli("printer", "jobs")
        assert out.returncode == 0 and "slip" in out.stdout, out.stdout + out.stderr
        raw = open(d.out, "rb").read()
        for secret in (b"031234567890", b"0912345678", "Nguyễn Văn An".encode()):
            assert secret not in raw, "the slip holds " + repr(secret)
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_no_printer_no_button(build):
    tmp = tempfile.mkdtemp(prefix="motcua-slip-")
    d = Daemon(build, tmp, printer=False)
    try:
        j = dossier(d)
        s, v = d.req("GET", "/api/v1/kiosk/token/" + j["token"] + "?terminal=hall-1", admin=False)
        assert s == 200, (s, v)
        s, p = d.req("POST", "/api/v1/kiosk/print", {"ticket": v["ticket"]}, admin=False)
        assert s == 404 and p["error"]["field"] == "printer", (s, p)
    finally:
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def session(args, run):
    for t in (test_slip_is_queued_and_printed, test_no_printer_no_button):
        run.case(t.__name__, t, args.build, why=repr)


if __name__ == "__main__":
    sys.exit(main(session, keep=False))
