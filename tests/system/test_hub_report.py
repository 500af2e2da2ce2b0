#!/usr/bin/env python3
"""System test of the province report on a real hub (role = hub) and two
real terminals of different agencies: the hub counts every office with
the office report's rules, so `motcua report --province` per agency and
Biểu II.06a of the province (`motcua report 06a --province`) equal what
the offices' own reports say, supplements, returns, withdrawals and a
back-entered dossier carried over included. test_hub_report_pg.py runs
it again on PostgreSQL.

Ends with the line "N passed, N failed".
"""
import csv
import datetime
import io
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from synclib import (Node, cleanup, make_tls, new_run_dir, terminal_sync_conf,  # noqa: E402
                     wait_for, write_secret)

TOK1, TOK2 = "t1-" + "r" * 40, "t2-" + "s" * 40
A1, A2 = "000.00.31.H49", "000.00.32.H49"
RESULTS = Tests()
test = RESULTS.add
COLS = ("received", "carried_over", "early", "on_time", "late", "within_due", "overdue",
        "returned_by_post", "not_accepted", "refused")


def local_today():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=7)).date()


def last_working_day():
    d = local_today() - datetime.timedelta(days=1)
    while d.weekday() >= 5:
        d -= datetime.timedelta(days=1)
    return d


class World:
    def __init__(self, build, tmp):
        self.build, self.tmp = build, tmp
        self.ca, cert, key = make_tls(tmp)
        self.hub = Node(build, tmp, "hub", role="hub")
        write_secret(os.path.join(self.hub.dir, "hub-tokens"), f"t1 {TOK1} {A1}\nt2 {TOK2} {A2}\n")
        self.hub.configure(hub=f"tls_cert = {cert}\ntls_key = {key}")
        self.hub.start()
        self.url = f"https://127.0.0.1:{self.hub.sync_port}"
        self.t1 = self.terminal("t1", TOK1, A1)
        self.t2 = self.terminal("t2", TOK2, A2)
        self.filled = False

    def terminal(self, name, token, agency):
        t = Node(self.build, self.tmp, name, agency=agency)
        tf = os.path.join(t.dir, "token")
        write_secret(tf, token + "\n")
        t.configure(sync=terminal_sync_conf(self.url, tf, ca_file=self.ca))
        t.start()
        t.add_procedure()
        return t

    def nodes(self):
        return [self.hub, self.t1, self.t2]


def move(node, code, *statuses):
    for st in statuses:
        s, j = node.request("POST", f"/api/v1/dossiers/{code}/status",
                            {"status": st, "reason": "kiểm thử báo cáo", "actor": "test"})
        eq(s, 200, f"{code} to {st}: {j}")


def intake(node, **kw):
    s, j = node.intake(**kw)
    eq(s, 201, j)
    return j["code"]


def fill(w):
    """Each office's day: resolved, resolved after a supplement, waiting on
    a supplement, open, withdrawn, returned, and one back-entered
    yesterday (carried over into today); then both drained to the hub."""
    if w.filled:
        return
    for t, n in ((w.t1, 7), (w.t2, 3)):
        codes = [intake(t, name=f"Phạm Thị Báo Cáo {i}") for i in range(n)]
        move(t, codes[0], 4, 9)
        move(t, codes[1], 4, 5, 4, 9)
        move(t, codes[2], 4, 5)
        if n > 3:
            move(t, codes[4], 7)
            move(t, codes[5], 4, 9, 10)
            move(t, codes[6], 4, 5, 4, 5)  # a second request
    back = last_working_day().isoformat() + "T09:00:00+07:00"
    intake(w.t1, received_at=back, back_entry_reason="Mất điện, nhập bù từ sổ")
    for t in (w.t1, w.t2):
        wait_for(lambda t=t: t.sync_status()["pending"] == 0, 60, f"{t.name} to drain")
    w.filled = True


def local_report(t, frm, to):
    p = t.cli("report", "--from", frm, "--to", to, "--format", "json")
    eq(p.returncode, 0, p.stderr)
    j = json.loads(p.stdout)
    return {"received": j["received"]["total"], "carried_over": j["received"]["carried_over"],
            "early": j["resolved"]["early"], "on_time": j["resolved"]["on_time"],
            "late": j["resolved"]["late"], "within_due": j["pending"]["within_due"],
            "overdue": j["pending"]["overdue"], "returned_by_post": j["returned_by_post"],
            "not_accepted": j["not_accepted"], "refused": j["refused"]}


def province(w, frm, to, *extra):
    p = w.hub.cli("report", "--province", "--from", frm, "--to", to, "--format", "json", *extra)
    eq(p.returncode, 0, p.stderr)
    return json.loads(p.stdout)


def agency_sum(rep, agency):
    out = {k: 0 for k in COLS}
    for r in rep["rows"]:
        if r["agency"] == agency:
            for k in COLS:
                out[k] += r[k]
    return out


@test
def province_report_equals_each_offices_report(w):
    """For two periods (from the back-entry day, and today alone), the
    hub's rows of each agency sum to exactly what that office's own
    `motcua report` counts: received, carried over, early / on time /
    late, within due / overdue, returned by post, not accepted, refused."""
    fill(w)
    today = local_today().isoformat()
    for frm in (last_working_day().isoformat(), today):
        rep = province(w, frm, today)
        for t, a in ((w.t1, A1), (w.t2, A2)):
            eq(agency_sum(rep, a), local_report(t, frm, today), f"{a} from {frm}")
        eq(rep["total"]["received"], sum(r["received"] for r in rep["rows"]), "the total sums the rows")
    rep = province(w, today, today)
    ok(rep["total"]["carried_over"] >= 1 and rep["total"]["late"] >= 0, rep["total"])
    t1 = agency_sum(rep, A1)
    ok(t1["early"] + t1["on_time"] >= 3 and t1["within_due"] >= 2, f"the day's work is counted: {t1}")
    one = province(w, today, today, "--agency", A2)
    eq({r["agency"] for r in one["rows"]}, {A2}, "one agency's rows")


@test
def province_06a_equals_the_offices_06a(w):
    """Biểu II.06a of the province (by field) is the sum of the offices'
    own 06a, in JSON; its CSV, HTML and XLSX render."""
    fill(w)
    today, frm = local_today().isoformat(), last_working_day().isoformat()
    s, hub = w.hub.request("GET", f"/api/v1/hub/report/06a?from={frm}&to={today}&format=json")
    eq(s, 200, hub)
    offices = []
    for t in (w.t1, w.t2):
        s, j = t.request("GET", f"/api/v1/reports/06a?from={frm}&to={today}&format=json")
        eq(s, 200, j)
        offices.append(j)

    def nums(j):
        return (j["received"]["total"], j["received"]["in_person"], j["received"]["online"],
                j["received"]["postal"], j["received"]["carried_over"], j["resolved"]["early"],
                j["resolved"]["on_time"], j["resolved"]["late"], j["pending"]["within_due"],
                j["pending"]["overdue"], j["returned_by_post"], j["not_accepted"], j["refused"])
    eq(nums(hub), tuple(a + b for a, b in zip(nums(offices[0]), nums(offices[1]))), "totals")
    eq([g["key"] for g in hub["groups"]], ["Hộ kinh doanh"], "one row per field")
    p = w.hub.cli("report", "06a", "--province", "--from", frm, "--to", today, "--format", "csv")
    eq(p.returncode, 0, p.stderr)
    rows = list(csv.reader(io.StringIO(p.stdout)))
    ok(len(rows) >= 3 and any("Hộ kinh doanh" in c for r in rows for c in r), p.stdout[:400])
    s, html = w.hub.request("GET", f"/api/v1/hub/report/06a?from={frm}&to={today}&format=html")
    eq(s, 200, html)
    ok("II.06a" in html and "Hộ kinh doanh" in html, html[:300])
    out = os.path.join(w.tmp, "06a.xlsx")
    p = w.hub.cli("report", "06a", "--province", "--from", frm, "--to", today, "--format", "xlsx",
                  "--out", out)
    eq(p.returncode, 0, p.stderr)
    with open(out, "rb") as f:
        eq(f.read(2), b"PK", "an XLSX (zip) file")


@test
def province_06a_arguments(w):
    """A filter the province's form does not take is refused, naming it;
    a terminal has no such route; the CLI table prints."""
    today = local_today().isoformat()
    s, j = w.hub.request("GET", f"/api/v1/hub/report/06a?from={today}&to={today}&agency={A1}")
    eq((s, j["error"]["field"]), (400, "agency"), j)
    s, j = w.hub.request("GET", f"/api/v1/hub/report/06a?from={today}&to=2020-01-01")
    eq(s, 400, j)
    s, j = w.t1.request("GET", f"/api/v1/hub/report/06a?from={today}&to={today}")
    eq(s, 404, j)
    p = w.hub.cli("report", "06a", "--province", "--from", today, "--to", today, "--format", "csv",
                  "--agency", A1)
    eq(p.returncode, 2, p.stderr)
    ok("--agency" in p.stderr, p.stderr)
    fill(w)
    p = w.hub.cli("report", "--province", "--from", today, "--to", today)
    eq(p.returncode, 0, p.stderr)
    ok(p.stdout.startswith("Province report") and A1 in p.stdout and "carried" in p.stdout, p.stdout)


def session(args, run):
    tmp = new_run_dir("motcua-hubreport-")
    w = None
    try:
        with run.guard("setup"):
            w = World(args.build, tmp)
            run.each(RESULTS, w, timed=True)
    finally:
        if w is not None:
            for n in w.nodes():
                if n.alive():
                    n.stop()
            if run.failed:
                for n in w.nodes():
                    print(f"--- {n.name} log ---")
                    print(n.logtext()[-3000:])
        cleanup(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main(session))
