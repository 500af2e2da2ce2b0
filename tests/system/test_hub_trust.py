#!/usr/bin/env python3
"""How far the hub trusts a terminal (docs/sync.md, docs/security.md): each
terminal writes only the agencies its tokens-file line gives it, every field
of a push and of the hub admin route is range-checked, token hashes are
unique, and nothing a terminal or the admin route can send makes another
terminal's pulls fail. A real hub motcuad on loopback, pushes by hand.

Ends with the line "N passed, N failed".
"""
import http.client
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from synclib import Node, cleanup, hub_dump, new_run_dir, write_secret  # noqa: E402

RESULTS = Tests()
test = RESULTS.add

A1, A2 = "000.00.19.H49", "000.00.20.H49"
TOK1, TOK2 = "t1-" + "a" * 40, "t2-" + "b" * 40
AT = 1767580320  # 2026-01-05
KEYS = iter(range(1, 1 << 30))


def key():
    return "%032x" % next(KEYS)


def new_item(code, agency=None, token_sha256=None, seq=1):
    d = {"agency_code": agency or code.split("-")[0], "procedure_code": "P",
         "owner_name": "Lê Văn Cường", "channel": 1, "delivery": 0, "received_at": AT}
    if token_sha256:
        d["token_sha256"] = token_sha256
    return {"key": key(), "kind": "dossier_new", "code": code, "seq": seq, "base": 0,
            "at": AT, "status": 2, "dossier": d}


def status_item(code, seq, status=4, base=0):
    return {"key": key(), "kind": "status", "code": code, "seq": seq, "base": base,
            "at": AT + 60, "status": status}


def hub_call(hub, method, path, token, body=None):
    c = http.client.HTTPConnection("127.0.0.1", hub.sync_port, timeout=15)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    c.request(method, path, body=None if body is None else json.dumps(body).encode(),
              headers=headers)
    r = c.getresponse()
    raw = r.read()
    c.close()
    return r.status, json.loads(raw or b"{}")


def push(hub, token, *items):
    s, r = hub_call(hub, "POST", "/sync/v1/push", token, {"items": list(items)})
    eq(s, 200, f"push answered: {r}")
    return r["results"]


@test
def terminal_writes_only_its_agencies(hub):
    # t1 takes the code t2 will hand out next: refused, and t2's intake
    # of that code then goes through
    code = f"{A2}-260105-0001"
    res = push(hub, TOK1, new_item(code))
    eq(res[0]["result"], "rejected", "another terminal's agency")
    ok("agency" in res[0]["reason"] and "not registered" in res[0]["reason"], res[0])
    # an own code with another agency's intake record: refused too
    res = push(hub, TOK1, new_item(f"{A1}-260105-0001", agency=A2))
    eq(res[0]["result"], "rejected", "record of another agency")
    ok("agency_code" in res[0]["reason"], res[0])
    res = push(hub, TOK2, new_item(code))
    eq(res[0]["result"], "ok", "t2's real intake is accepted")
    eq(hub_dump(hub)[code]["terminal"], "t2", "the dossier is t2's")


@test
def token_hashes_are_unique(hub):
    h = "ab" * 32
    res = push(hub, TOK1, new_item(f"{A1}-260105-0002", token_sha256=h))
    eq(res[0]["result"], "ok", "first dossier with the hash")
    res = push(hub, TOK2, new_item(f"{A2}-260105-0002", token_sha256=h))
    eq(res[0]["result"], "rejected", "a second dossier with the same hash")
    ok("token_sha256" in res[0]["reason"], res[0])
    res = push(hub, TOK1, new_item(f"{A1}-260105-0003", token_sha256=h))
    eq(res[0]["result"], "rejected", "even from the same terminal")


@test
def sequence_is_bounded_and_cannot_freeze(hub):
    code = f"{A1}-260105-0004"
    eq(push(hub, TOK1, new_item(code, seq=10))[0]["result"], "ok", "intake")
    res = push(hub, TOK1, status_item(code, (1 << 63) - 1, status=5))
    eq(res[0]["result"], "rejected", "seq INT64_MAX")
    ok("seq" in res[0]["reason"], res[0])
    res = push(hub, TOK1, status_item(code, 10 + (1 << 33), status=5))
    eq(res[0]["result"], "rejected", "a jump far past the last event")
    ok("seq" in res[0]["reason"], res[0])
    res = push(hub, TOK1, status_item(code, 11, status=4))
    eq((res[0]["result"], res[0].get("applied", True)), ("ok", True), "the next real event applies")
    eq(hub_dump(hub)[code]["status"], 4, "status moved on")
    res = push(hub, TOK1, new_item(f"{A1}-260105-0005", seq=(1 << 63) - 1))
    eq(res[0]["result"], "rejected", "a new dossier with seq INT64_MAX")


@test
def admin_route_checks_every_field(hub):
    code = f"{A1}-260105-0006"
    eq(push(hub, TOK1, new_item(code))[0]["result"], "ok", "intake")
    path = f"/api/v1/hub/dossiers/{code}/status"
    for body, field in (({"status": 4294967305}, "status"), ({"status": 0}, "status"),
                        ({"status": 4.0}, "status"), ({"status": 3, "due_at": -5}, "due_at"),
                        ({"status": 3, "due_at": 1 << 40}, "due_at"),
                        ({"status": 3, "reason": "x" * 600}, "reason"),
                        ({"status": 3, "extra": 1}, "body"), ([], "body")):
        s, r = hub.request("POST", path, body)
        eq(s, 400, f"{body!r} refused")
        eq(r["error"]["field"], field, f"{body!r} names the field")
    eq(hub_dump(hub)[code]["status"], 2, "nothing stored by the refused changes")
    s, r = hub.request("POST", path, {"status": 9, "due_at": AT + 86400, "reason": "trả kết quả"})
    eq(s, 200, f"a good change: {r}")
    eq(hub_dump(hub)[code]["status"], 9, "stored")
    # the terminal's pulls parse: every field in range
    s, r = hub_call(hub, "GET", "/sync/v1/pull", TOK1)
    eq(s, 200, "pull")
    ok(r["items"] and all(1 <= i["status"] <= 10 and 946684800 <= i.get("due_at", AT) <= 4102444800
                          for i in r["items"]), r["items"])
    p = hub.cli("audit", "--json", "--from", "2020-01-01", "--to", time.strftime("%Y-%m-%d"))
    ok("hub_status" in p.stdout and code in p.stdout, "the change is audited: " + p.stdout[-300:])


@test
def admin_dossiers_terminal_checked(hub):
    s, r = hub.request("GET", "/api/v1/hub/dossiers?terminal=" + "x" * 70)
    eq((s, r["error"]["field"]), (400, "terminal"), "an over-long terminal name")


BAD = iter(range(1, 100))


def refuses(hub, text, words):
    """A second hub with this tokens file does not start, and says why."""
    bad = Node(hub.build, os.path.dirname(hub.dir), f"bad{next(BAD)}", role="hub")
    write_secret(os.path.join(bad.dir, "hub-tokens"), text)
    try:
        p = subprocess.run([os.path.join(hub.build, "motcuad"), "-d", "-c", bad.conf],
                           capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"a hub started with {text!r}") from None
    ok(p.returncode != 0, f"refused: {text!r}")
    ok(all(w in p.stderr for w in words), f"{words} in: {p.stderr[-400:]}")


@test
def tokens_file_clashes_refused(hub):
    refuses(hub, f"t1 {TOK1}\n", ["names no agencies", "AGENCY"])
    refuses(hub, f"t1 {TOK1} {A1}\nt2 {TOK1} {A2}\n", ["token", "t1"])
    refuses(hub, f"t1 {TOK1} {A1}\nt2 {TOK2} {A1}\n", ["agency", A1])
    refuses(hub, f"t1 {TOK1} {A1}\nt1 {TOK2} {A2}\n", ["name t1"])
    refuses(hub, f"t1 {TOK1} nonsense\n", ["agency nonsense"])


def session(args, run):
    tmp = new_run_dir("motcua-hubtrust-")
    hub = Node(args.build, tmp, "hub", role="hub")
    write_secret(os.path.join(hub.dir, "hub-tokens"),
                 f"# name token agencies\nt1 {TOK1} {A1}\nt2 {TOK2} {A2},000.00.21.H49\n")
    try:
        with run.guard("start"):
            hub.start()
            run.each(RESULTS, hub)
    finally:
        if hub.alive():
            hub.stop()
        if run.failed:
            print(hub.logtext()[-3000:])
        cleanup(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main(session))
