#!/usr/bin/env python3
"""System test of the kiosk API (docs/kiosk.md, docs/api.md): the real
motcuad with kiosk terminals, driven over loopback HTTP, raw event-stream
sockets and the motcua CLI. Ends with "N passed, N failed".
"""
import http.client
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok, wait_for  # noqa: E402
from test_daemon import Daemon  # noqa: E402

KIOSK = """[kiosk]
terminals = hall-1, hall-2, slip-a, slip-b, pinned@127.0.0.9, gone
failure_burst = 4
failures_per_minute = 1
code_failures_per_hour = 3
max_stream_clients = 3
heartbeat_s = 1
test_endpoints = true
"""


class Stream:
    """A raw event-stream client: reads events with a deadline."""

    def __init__(self, d, terminal, source=None):
        self.s = socket.create_connection(("127.0.0.1", d.port), timeout=5,
                                          source_address=(source, 0) if source else None)
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
            chunk = self.s.recv(4096)
            if not chunk:
                raise AssertionError("event stream closed")
            self.buf += chunk
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def event(self, name, timeout=5.0):
        """The data of the next event called name (others are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            block = self._until(b"\n\n", deadline - time.monotonic())
            lines = [ln.split(b"\r\n")[-1] for ln in block.split(b"\n")]
            ev = [ln[7:].decode() for ln in lines if ln.startswith(b"event: ")]
            data = [ln[6:].decode() for ln in lines if ln.startswith(b"data: ")]
            if ev and ev[0] == name:
                return json.loads(data[0])
        raise AssertionError("no " + name + " event")

    def close(self):
        self.s.close()


RESULTS = Tests()
test = RESULTS.add


def setup(d):
    cat = os.path.join(d.tmp, "p.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": "1.001193.000.00.00.H49", "name": "Đăng ký khai sinh", "field": "Hộ tịch",
                            "days": 1, "documents": ["Tờ khai"], "counter": "Quầy số 3"}, ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    d.people = []
    for name, id_no, phone in (("Nguyễn Văn An", "001203004567", "0912345678"),
                               ("Trần Thị Bình", "001203009876", "0987000111"),
                               ("Lê Văn Cường", "001203001111", "0911222333")):
        p = d.cli("intake", "--procedure", "1.001193.000.00.00.H49", "--name", name,
                  "--id-no", id_no, "--phone", phone, "--json", check=0)
        d.people.append(json.loads(p.stdout))


def lookup(d, code, factor, terminal="hall-1"):
    body = {"code": code, "factor": factor}
    if terminal:
        body["terminal"] = terminal
    return d.request("POST", "/api/v1/lookup", body, admin=False)


@test
def code_and_factor(d):
    a = d.people[0]
    s, j, _ = lookup(d, a["code"].lower().replace("-", " - "), " 4567")
    eq(s, 200, "the right digits open the card")
    s2, view, _ = d.request("GET", "/api/v1/lookup/" + a["token"], admin=False)
    eq(s2, 200, "token view")
    eq({k: v for k, v in j.items() if k not in ("ticket", "rating")}, view, "the same view as the token lookup")
    ok(len(j["ticket"]) > 40 and a["code"] not in json.dumps(j), "an opaque ticket, no code in the reply")
    eq(j["rating"], None, "no rating before the result is returned")
    s, j, _ = lookup(d, "not a code", "4567")
    eq((s, j["error"]["field"]), (400, "code"), "a malformed code names the field")
    s, j, _ = lookup(d, a["code"], "45a7")
    eq((s, j["error"]["field"]), (400, "factor"), "malformed digits name the field")
    s, j, _ = d.request("POST", "/api/v1/lookup", "[1]", admin=False)
    eq(s, 400, "a body that is not an object")
    s, j, _ = lookup(d, a["code"], "4567", terminal="nope")
    eq((s, j["error"]["field"]), (400, "terminal"), "an unknown terminal")
    s, j, _ = lookup(d, a["code"], "4567", terminal="pinned")
    eq(s, 400, "a terminal pinned to another address")


@test
def wrong_digits_look_like_unknown_codes(d):
    b = d.people[1]
    wrong = lookup(d, b["code"], "0000", terminal="hall-2")
    unknown = lookup(d, "000.00.19.H49-250101-0999", "9876", terminal="hall-2")
    eq(wrong[0], 404, "wrong digits")
    eq((unknown[0], unknown[1]), (wrong[0], wrong[1]), "the same reply for an unknown code")
    phone = lookup(d, b["code"], "0111", terminal="hall-2")
    eq(phone[0], 404, "phone digits when the office asks for the ID")


@test
def rate_limits(d):
    c = d.people[2]
    for i in range(2):  # hall-2 has 2 failures from the test before
        eq(lookup(d, c["code"], "000%d" % i, terminal="hall-1")[0], 404, "wrong digits")
    eq(lookup(d, c["code"], "0009", terminal="hall-1")[0], 404, "third wrong")
    s, j, r = lookup(d, c["code"], "1111", terminal="hall-1")
    eq(s, 429, "the code is locked after 3 failures, even with the right digits")
    ok(int(r.getheader("Retry-After")) > 0, "Retry-After")
    # hall-1 made 3 of its 4: another dossier still opens from it
    eq(lookup(d, d.people[0]["code"], "4567", terminal="hall-1")[0], 200, "other codes go on")
    # hall-2: its 4th failure empties its bucket
    eq(lookup(d, "000.00.19.H49-250101-0998", "1234", terminal="hall-2")[0], 404, "hall-2 4th failure")
    s, _, _ = lookup(d, d.people[0]["code"], "4567", terminal="hall-2")
    eq(s, 429, "the terminal is locked after its burst")
    text = d.logtext()
    ok("rate limited" in text and c["code"] in text, "the limit is logged with the code")
    for secret in ("0000", "0001", "0009", "1234", "4567", "Lê Văn Cường", "001203001111"):
        ok(secret not in text.replace(c["code"], "").replace(d.people[0]["code"], "")
           .replace(d.people[1]["code"], ""), "digits or names in the log: " + secret)


@test
def event_streams(d):
    s1, s2 = Stream(d, "hall-1"), Stream(d, "hall-1")
    eq(s1.status, 200, "stream opens")
    ok("text/event-stream" in s1.head and "no-store" in s1.head, "SSE headers: " + s1.head)
    eq(s1.event("hello")["terminal"], "hall-1", "hello")
    s2.event("hello")
    s3 = Stream(d, "hall-2")
    eq(s3.status, 200, "third stream")
    s4 = Stream(d, "hall-2")
    eq(s4.status, 503, "a fourth stream is refused (max_stream_clients = 3)")
    ok("Retry-After" in s4.head, "with Retry-After")
    s4.close()
    eq(Stream(d, "pinned").status, 403, "a pinned terminal's stream from another address")
    eq(Stream(d, "nope").status, 404, "unknown terminal")
    a = d.people[0]
    for payload, kind, value in ((f"http://x/l/{a['token'].lower()}\r\n", "token", a["token"]),
                                 (a["code"].lower(), "code", a["code"]),
                                 ("<b>hi</b>\n\x00\xff", "unknown", "")):
        s, j, _ = d.request("POST", "/api/v1/test/terminals/hall-1/scan", payload.encode("latin-1"), admin=False)
        eq(s, 202, "scan injected")
        for st in (s1, s2):
            ev = st.event("scan")
            eq((ev["kind"], ev["value"]), (kind, value), "classified scan")
            ok(abs(ev["at_ms"] - time.time() * 1000) < 60000, "at_ms is the wall clock")
    s, _, _ = d.request("POST", "/api/v1/test/terminals/hall-1/scan", b"x" * 513, admin=False)
    eq(s, 413, "a huge scan is refused")
    eq(s3.event("ping", timeout=4)["at_ms"] > 0, True, "pings on a quiet stream")
    for st in (s1, s2, s3):
        st.close()
    # closed clients are found at the next ping, and their places free up
    wait_for(lambda: "motcua_kiosk_streams 0" in d.request("GET", "/metrics")[1],
             timeout=10, what="streams released")


@test
def streams_shared_fairly(d):
    """Issue 14 item 6: streams to unpinned terminals from other addresses
    took every slot (max_stream_clients = 3 here), and the pinned
    terminal's own stream got 503. Now a pinned terminal is outside the
    shared cap, and an address or a terminal holds at most 4 streams."""
    held = []
    try:
        for i in range(3):
            st = Stream(d, "hall-2", source=f"127.0.0.{20 + i}")
            eq(st.status, 200, f"stream {i + 1} from another address")
            held.append(st)
        extra = Stream(d, "hall-1", source="127.0.0.30")
        eq(extra.status, 503, "the shared streams are full")
        extra.close()
        for i in range(3):
            p = Stream(d, "pinned", source="127.0.0.9")
            eq(p.status, 200, f"the pinned terminal's own stream {i + 1} opens anyway")
            eq(p.event("hello")["terminal"], "pinned", "its hello")
            held.append(p)
        eq(Stream(d, "pinned", source="127.0.0.20").status, 403,
           "the pinned terminal from another address")
    finally:
        for st in held:
            st.close()
    wait_for(lambda: "motcua_kiosk_streams 0" in d.request("GET", "/metrics")[1],
             timeout=10, what="streams released")


@test
def slow_client_dropped(d):
    """A client that stops reading fills its bounded buffer and is dropped
    with one log line; the daemon and the other clients go on."""
    import http.client
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    slow.connect(("127.0.0.1", d.port))
    slow.sendall(b"GET /api/v1/terminals/hall-2/events HTTP/1.1\r\nHost: x\r\n\r\n")
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    dropped = False
    for i in range(60000):
        c.request("POST", "/api/v1/test/terminals/hall-2/scan", body=b"000.00.19.H49-261125-0003")
        c.getresponse().read()
        if i % 500 == 499 and "motcua_kiosk_stream_dropped_total 1" in d.request("GET", "/metrics")[1]:
            dropped = True
            break
    c.close()
    slow.close()
    ok(dropped, "the slow client was dropped")
    eq(d.logtext().count("event stream client too slow, dropped"), 1, "one log line")
    fresh = Stream(d, "hall-2")
    eq(fresh.status, 200, "a new client gets a stream")
    fresh.event("hello")
    fresh.close()


@test
def ratings(d):
    a = d.people[0]
    s, view, _ = lookup(d, a["code"], "4567", terminal="hall-1")
    eq(s, 200, "lookup")
    rate = lambda ticket, r="satisfied": d.request(  # noqa: E731
        "POST", "/api/v1/kiosk/rating", {"ticket": ticket, "rating": r, "terminal": "hall-1"}, admin=False)
    eq(rate(view["ticket"])[0], 409, "no rating before the result is returned")
    eq(rate(view["ticket"][:-2] + "AA")[0], 400, "a forged ticket")
    eq(rate(view["ticket"], "great")[0], 400, "an unknown rating")
    for st in ("processing", "result_ready", "returned"):
        d.cli("status", a["code"], st, "--reason", "test", check=0)
    s, view, _ = d.request("GET", "/api/v1/kiosk/token/" + a["token"], admin=False)
    eq(view["rating"], {"open": True, "given": None}, "a returned dossier may be rated")
    s, j, _ = rate(view["ticket"], "unsatisfied")
    eq((s, j), (201, {"rating": "unsatisfied"}), "rated")
    eq(rate(view["ticket"], "very_satisfied")[0], 409, "one rating per dossier")
    s, view, _ = d.request("GET", "/api/v1/kiosk/token/" + a["token"], admin=False)
    eq(view["rating"], {"open": False, "given": "unsatisfied"}, "the rating shows")
    full = json.loads(d.cli("show", a["code"], "--json", check=0).stdout)
    eq(full["rating_name"], "unsatisfied", "counted on the dossier (reports)")


@test
def catalogue_and_printer(d):
    s, j, _ = d.request("GET", "/api/v1/kiosk/procedures?q=DANG%20KY%20khai", admin=False)
    eq(s, 200, "catalogue")
    eq([p["name"] for p in j["procedures"]], ["Đăng ký khai sinh"], "accent-insensitive")
    eq(j["procedures"][0]["counter"], "Quầy số 3", "the counter")
    s, j, _ = d.request("GET", "/api/v1/kiosk?terminal=hall-1", admin=False)
    eq(j["printer"], {"configured": False, "available": False}, "no printer")
    s, view, _ = d.request("GET", "/api/v1/kiosk/token/" + d.people[1]["token"] + "?terminal=hall-1",
                           admin=False)
    eq(d.request("POST", "/api/v1/kiosk/print", {"ticket": view["ticket"]}, admin=False)[0], 404,
       "no printer configured")
    d.request("POST", "/api/v1/test/printer", {"configured": True, "available": False}, admin=False)
    s, _, r = d.request("POST", "/api/v1/kiosk/print", {"ticket": view["ticket"]}, admin=False)
    eq(s, 503, "printer down")
    d.request("POST", "/api/v1/test/printer", {"configured": True, "available": True}, admin=False)
    eq(d.request("POST", "/api/v1/kiosk/print", {"ticket": view["ticket"], "terminal": "hall-1"},
                 admin=False)[0], 202, "queued")
    d.request("POST", "/api/v1/test/printer", {"configured": False, "available": False}, admin=False)


def raw_request(d, method, path, body, source):
    """One request from a chosen loopback address (a pinned terminal's)."""
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30, source_address=(source, 0))
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None)
    r = c.getresponse()
    j = json.loads(r.read())
    c.close()
    return r.status, j


@test
def slips_only_at_kiosks(d):
    """Issue 15 item 10: the phone view of /l/TOKEN never prints; a kiosk
    ticket prints once; each terminal has its own slip rate, however hard
    it is hammered."""
    from concurrent.futures import ThreadPoolExecutor
    slips = lambda: d.request("POST", "/api/v1/test/printer",  # noqa: E731
                              {"configured": True, "available": True}, admin=False)[1]["slips"]
    printed = slips()
    token = d.people[0]["token"]

    def print_(body):
        # A connection the per-address limit turns away (streams of the
        # tests before may still count) is retried: it printed nothing.
        for _ in range(20):
            try:
                return d.request("POST", "/api/v1/kiosk/print", body, admin=False)
            except (ConnectionError, http.client.RemoteDisconnected):
                time.sleep(0.1)
        raise AssertionError("the daemon kept refusing connections")
    # a phone: no terminal, no printer offered, and a direct request refused
    s, cfg, _ = d.request("GET", "/api/v1/kiosk", admin=False)
    eq(cfg["printer"], {"configured": False, "available": False}, "no printer for a page without a terminal")
    s, cfg, _ = d.request("GET", "/api/v1/kiosk?terminal=slip-a", admin=False)
    eq(cfg["printer"], {"configured": True, "available": True}, "the kiosk is offered its printer")
    s, phone, _ = d.request("GET", "/api/v1/kiosk/token/" + token, admin=False)
    eq(s, 200, "the phone sees the card")
    s, j, _ = print_({"ticket": phone["ticket"]})
    eq((s, j["error"]["field"]), (403, "terminal"), "a phone's ticket prints nothing")
    s, j, _ = print_({"ticket": phone["ticket"], "terminal": "slip-a"})
    eq(s, 403, "naming a terminal does not make a phone's ticket a kiosk's")
    s, j, _ = lookup(d, d.people[0]["code"], "4567", terminal=None)
    s, j, _ = print_({"ticket": j["ticket"]})
    eq(s, 403, "a code lookup made at no terminal prints nothing")
    # one kiosk ticket, hammered from 4 threads (the per-address
    # connection limit is 16, and earlier streams may hold a few): one slip
    s, v, _ = d.request("GET", f"/api/v1/kiosk/token/{token}?terminal=slip-a", admin=False)
    eq(s, 200, "kiosk lookup")
    s, j, _ = print_({"ticket": v["ticket"], "terminal": "slip-b"})
    eq((s, j["error"]["field"]), (403, "terminal"), "another terminal's ticket")
    with ThreadPoolExecutor(4) as ex:
        codes = list(ex.map(lambda _: print_({"ticket": v["ticket"]})[0], range(40)))
    eq(sorted(set(codes)), [202, 409], "one slip, then 'printed already'")
    eq(codes.count(202), 1, "once per ticket: " + str(codes))
    eq(slips() - printed, 1, "one slip reached the printer")
    # fresh tickets, one lookup each, hammered: the terminal's slip rate
    t0 = time.monotonic()
    tickets = [d.request("GET", f"/api/v1/kiosk/token/{token}?terminal=slip-a", admin=False)[1]["ticket"]
               for _ in range(30)]
    with ThreadPoolExecutor(4) as ex:
        replies = list(ex.map(lambda t: print_({"ticket": t}), tickets))
    elapsed = time.monotonic() - t0
    codes = [r[0] for r in replies]
    ok(set(codes) <= {202, 429}, str(codes))
    # burst 3, one used above, 2 a minute after that
    ok(2 <= codes.count(202) <= 2 + int(elapsed / 30) + 1, f"{codes.count(202)} slips in {elapsed:.1f} s")
    limited = [r for r in replies if r[0] == 429][0]
    ok(int(limited[2].getheader("Retry-After") or 0) > 0, "429 says when")
    eq(limited[1]["error"]["field"], "terminal", "429 names the terminal")
    eq(slips() - printed, 1 + codes.count(202), "only the slips answered 202 were printed")
    # the other terminal's slips are its own
    s, v, _ = d.request("GET", f"/api/v1/kiosk/token/{token}?terminal=slip-b", admin=False)
    eq(print_({"ticket": v["ticket"]})[0], 202, "slip-b keeps its own rate")
    # a pinned terminal prints from its own address only
    s, v = raw_request(d, "GET", f"/api/v1/kiosk/token/{token}?terminal=pinned", None, "127.0.0.9")
    eq(s, 200, "the pinned kiosk looks up")
    eq(print_({"ticket": v["ticket"]})[0], 403, "its ticket from another address")
    eq(raw_request(d, "POST", "/api/v1/kiosk/print", {"ticket": v["ticket"]}, "127.0.0.9")[0], 202,
       "its ticket from its address")
    d.request("POST", "/api/v1/test/printer", {"configured": False, "available": False}, admin=False)
    _, metrics, _ = d.request("GET", "/metrics")
    ok('motcua_kiosk_slips_total{outcome="refused"}' in metrics, "slips counted in /metrics")


def s10(serial, ind="RR"):
    w = [8, 6, 4, 2, 3, 5, 9, 7]
    c = 11 - sum(int(ch) * w[i] for i, ch in enumerate(serial)) % 11
    c = 0 if c == 10 else 5 if c == 11 else c
    return f"{ind}{serial}{c}VN"


@test
def lost_postal_packet(d):
    """Issue 15 item 4: a packet the office resolved as lost has its own
    state, with the S10 id to give the post office; status 1 says how the
    dossier came in."""
    items = [s10("71000001"), s10("71000002")]
    regs = []
    for item in items:
        s, j, _ = d.request("POST", "/api/v1/postal/items", {
            "item_id": item,
            "applicant": {"name": "Phạm Thị Dung", "address": "Số 4 Lê Lợi, Hạ Long",
                          "phone": "0903333444", "id_number": "001203002222"},
            "procedure_code": "1.001193.000.00.00.H49",
            "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0, "checked": True}],
            "fees_vnd": 0, "service": "send", "seal_intact": True, "station": "HL-09"})
        eq(s, 201, str(j))
        regs.append(j)
    s, j, _ = d.request("POST", "/api/v1/postal/batches/close", {"station": "HL-09"})
    eq(s, 201, str(j))
    m = j["manifest_id"]
    s, j, _ = d.request("GET", "/api/v1/lookup/" + regs[0]["token"], admin=False)
    eq((s, j["postal_lost"], j["channel"]), (200, None, "postal"), "on its way: not lost")
    eq(j["status"]["label_en"], "Sent by post, not yet accepted", "status 1 by channel")
    ok("online" not in j["status"]["kiosk_en"], j["status"]["kiosk_en"])
    s, j, _ = d.request("POST", f"/api/v1/postal/manifests/{m}/resolve",
                        {"item_id": items[0], "resolution": "lost", "reason": "bưu điện báo thất lạc"})
    eq(s, 200, str(j))
    for path in ("/api/v1/lookup/" + regs[0]["token"],
                 "/api/v1/kiosk/token/" + regs[0]["token"] + "?terminal=hall-1"):
        s, j, _ = d.request("GET", path, admin=False)
        eq(s, 200, path)
        eq(j["postal_lost"], {"item_id": items[0]}, "the lost packet and its S10 id")
        eq((j["status"]["code"], j["status"]["name"]), (1, "submitted"), "the status stays the API's")
        ok("thất lạc" in j["status"]["kiosk_vi"] and "lost" in j["status"]["kiosk_en"], str(j["status"]))
        eq(j["due_at"], None, "no due date: never accepted")
    s, j = lookup(d, regs[0]["code"], "2222")[:2]
    eq((s, j["postal_lost"]), (200, {"item_id": items[0]}), "the code lookup says so too")
    s, j, _ = d.request("GET", "/api/v1/lookup/" + regs[1]["token"], admin=False)
    eq(j["postal_lost"], None, "the other packet of the manifest is not lost")
    # a counter dossier waiting for acceptance says so, not "online"
    s, j, _ = d.request("GET", "/api/v1/lookup/" + d.people[0]["token"], admin=False)
    eq((j["channel"], j["postal_lost"]), ("in_person", None), "a counter dossier")


@test
def page_headers(d):
    for path in ("/", "/l/7K3M9Q2X1B4R8T6V", "/kiosk.js", "/kiosk.css", "/fonts/DejaVuSans-Bold.ttf"):
        s, _, r = d.request("GET", path, admin=False)
        eq(s, 200, path)
        eq(r.getheader("Cache-Control"), "no-store", path + " no-store")
    _, _, r = d.request("GET", "/", admin=False)
    ok("default-src 'self'" in (r.getheader("Content-Security-Policy") or ""), "CSP on the page")


@test
def reload_terminals(d):
    st = Stream(d, "gone")
    st.event("hello")
    with open(d.conf, encoding="utf-8") as f:
        conf = f.read()
    with open(d.conf, "w", encoding="utf-8") as f:
        f.write(conf.replace("pinned@127.0.0.9, gone", "pinned@127.0.0.9, lobby"))
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: Stream(d, "lobby").status == 200, what="the new terminal")
    try:
        st.event("never", timeout=3)
        raise AssertionError("the removed terminal's stream stayed open")
    except AssertionError as e:
        ok("closed" in str(e), "the removed terminal's stream ends: " + str(e))
    with open(d.conf, "w", encoding="utf-8") as f:
        f.write(conf.replace("terminals = ", "terminals = Bad Id, "))
    # The reload's own log line says it is over: a config with errors ends
    # it with "config has errors, not reloading" instead of "configuration
    # reloaded from"; count both, so an earlier reload's line is no answer.
    done = ("configuration reloaded from", "config has errors, not reloading")
    before = sum(d.logtext().count(x) for x in done)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: sum(d.logtext().count(x) for x in done) > before,
             what="the reload's log line")
    ok("config has errors, not reloading" in d.logtext(), "the bad list is refused")
    eq(Stream(d, "lobby").status, 200, "a bad list is not applied")


@test
def streams_per_address(d):
    """One address: 4 streams at most, even with room in the set; one
    unpinned terminal: 4 at most, whatever the addresses."""
    with open(d.conf, encoding="utf-8") as f:
        conf = f.read()
    with open(d.conf, "w", encoding="utf-8") as f:
        f.write(conf.replace("max_stream_clients = 3", "max_stream_clients = 16")
                .replace("terminals = Bad Id, ", "terminals = "))
    done = ("configuration reloaded from", "config has errors, not reloading")
    before = sum(d.logtext().count(x) for x in done)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: sum(d.logtext().count(x) for x in done) > before,
             what="the reload's log line")
    wait_for(lambda: "motcua_kiosk_streams 0" in d.request("GET", "/metrics")[1],
             timeout=10, what="earlier streams released")
    held = []
    try:
        for i in range(4):
            st = Stream(d, ("hall-1", "hall-2")[i % 2], source="127.0.0.40")
            eq(st.status, 200, f"stream {i + 1} of one address")
            held.append(st)
        st = Stream(d, "hall-1", source="127.0.0.40")
        eq(st.status, 503, "a fifth from one address")
        ok(b"from this address" in st.buf or b"from this address" in st.s.recv(4096), "says why")
        st.close()
        for i in range(3):
            st = Stream(d, "hall-1", source=f"127.0.0.{41 + i}")
            eq(st.status, 200 if i < 2 else 503, f"hall-1 stream {3 + i}")
            held.append(st)
    finally:
        for st in held:
            st.close()


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-kiosk-")
    d = Daemon(args.build, tmp)
    d.write_conf(extra=KIOSK)
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
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session, keep=False))
