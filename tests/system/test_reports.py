#!/usr/bin/env python3
"""System test of the reports (docs/reports.md): the real motcuad and motcua
on a temporary directory, fed the hand-computed fixture
tests/system/fixtures/reports-2021-04.jsonl through `motcua import`.

Every expected number below was worked out by hand from the fixture; the
comments name the dossiers (by the last digits of their codes) behind it.
Ends with the line "N passed, N failed".
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import ROOT, Tests, UnixHTTPConnection, eq, main, ok  # noqa: E402
from test_daemon import Daemon  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests/system/fixtures/reports-2021-04.jsonl")
NO_DUE = "000.00.19.H49-210406-0001"  # stored without a due date
APRIL = {"from": "2021-04-01", "to": "2021-04-30"}

RESULTS = Tests()
test = RESULTS.add


def q(path, **args):
    return path + "?" + urllib.parse.urlencode(args)


def get_json(d, path, **args):
    st, j, _ = d.request("GET", q(path, **args))
    eq(st, 200, f"GET {path} {args}: {j}")
    return j


def get_raw(d, url):
    return d.request("GET", url)


def get_bytes(d, path, **args):
    """The raw body (request() decodes JSON; CSV and XLSX come back as
    text or bytes)."""
    c = UnixHTTPConnection(d.sock)
    c.request("GET", q(path, **args))
    r = c.getresponse()
    body = r.read()
    ctype = r.getheader("Content-Type")
    c.close()
    return r.status, ctype, body


def sums_to_100(part, msg):
    total = round(sum(part["pct"].values()) * 100)
    if part["total"] > 0:
        eq(total, 10000, msg + " shares sum")
    for v in part["pct"].values():
        ok(abs(v * 100 - round(v * 100)) < 1e-6, f"{msg}: {v} has 2 decimals")


# ---------------------------------------------------------------- setup

def load(d):
    p = d.cli("import", FIXTURE, check=0)
    ok("imported:  15" in p.stdout, p.stdout)
    # A legacy row with no due date: the report falls back on the
    # procedure's statutory 5 working days (imports always carry one).
    subprocess.run(["sqlite3", os.path.join(d.tmp, "motcua.db"),
                    f"UPDATE dossiers SET due_at = NULL WHERE code = '{NO_DUE}'"],
                   check=True, timeout=30)


# ---------------------------------------------------------------- tests

@test
def summary_april(d):
    j = get_json(d, "/api/v1/reports", **APRIL)
    eq(j["period"], {"from": "2021-04-01", "to": "2021-04-30"}, "period")
    # received in April, refused 210410-0001 left out: in person 0001,
    # 0402-0002, 0405-0002, 0406-0001, 0412-0001; online 0402-0001,
    # 0405-0001, 0420-0001, 0415-0001; postal 0401-0002 (accepted the day
    # after it was posted) and 0428-0001. Naive rounding of 5/11, 4/11,
    # 2/11 gives 45.45 + 36.36 + 18.18 = 99.99; the largest remainder
    # goes to in person.
    eq(j["received"], {"total": 11, "in_person": 5, "online": 4, "postal": 2,
                       "carried_over": 2,
                       "pct": {"in_person": 45.46, "online": 36.36, "postal": 18.18}},
       "received")
    # not received, apart: the refused 210410-0001; none still waiting
    eq((j["not_accepted"], j["refused"]), (0, 1), "not accepted, refused")
    # early: 0401-0001 (a day before its due day), 0325-0001 (carried
    # over, finished 1 April, due 2 April); on time: 0402-0001 (finished
    # exactly at its due time), 0405-0001 (late by the clock but on time
    # once its 3-day supplement is subtracted), 0412-0001 (withdrawn);
    # late: 0402-0002, 0405-0002 (two supplements), 0406-0001 (no due
    # date: later than 5 working days).
    eq(j["resolved"], {"total": 8, "early": 2, "on_time": 3, "late": 3,
                       "pct": {"early": 25.0, "on_time": 37.5, "late": 37.5}},
       "resolved")
    # pending at the end: overdue 0420-0001 (finished after the period,
    # so judged at its end), 0401-0002, 0322-0001 (carried over); within
    # due 0428-0001 and 0415-0001 (its first supplement stopped the clock
    # before the due date).
    eq(j["pending"]["total"], 5, "pending")
    eq(j["pending"]["within_due"], 2, "within due")
    eq(j["pending"]["overdue"], 3, "overdue")
    eq(j["returned_by_post"], 1, "returned by post: 0325-0001")
    # 1 / 1 / 1 rated: 33.33 * 3 = 99.99, the first remainder tie wins.
    eq(j["satisfaction"], {"total": 3, "very_satisfied": 1, "satisfied": 1,
                           "unsatisfied": 1,
                           "pct": {"very_satisfied": 33.34, "satisfied": 33.33,
                                   "unsatisfied": 33.33}}, "satisfaction")
    for k in ("received", "resolved", "pending", "satisfaction"):
        sums_to_100(j[k], k)
    ok("groups" not in j, "no groups without by")


@test
def summary_march(d):
    j = get_json(d, "/api/v1/reports", **{"from": "2021-03-01", "to": "2021-03-31"})
    # the postal dossier posted 31 March and accepted 1 April is not here
    eq(j["received"]["postal"], 0, "postal in March")
    eq(j["received"]["total"], 3, "received in March: 0301, 0322, 0325")
    eq(j["received"]["carried_over"], 0, "carried into March")
    eq(j["resolved"]["early"], 1, "0301-0001 early")
    eq(j["resolved"]["total"], 1, "resolved in March")
    # 0325-0001 due 2 April: within; 0322-0001 due 30 March: overdue
    eq(j["pending"], {"total": 2, "within_due": 1, "overdue": 1,
                      "pct": {"within_due": 50.0, "overdue": 50.0}}, "pending")
    eq(j["satisfaction"]["total"], 0, "no ratings")
    eq(j["satisfaction"]["pct"], {"very_satisfied": 0.0, "satisfied": 0.0,
                                  "unsatisfied": 0.0}, "empty shares are 0")


@test
def by_channel(d):
    j = get_json(d, "/api/v1/reports", by="channel", **APRIL)
    g = {row["key"]: row for row in j["groups"]}
    eq(sorted(g), ["in_person", "online", "postal"], "channel keys")
    eq(g["postal"]["received"]["total"], 2, "postal received")
    eq(g["postal"]["pending"]["overdue"], 1, "postal overdue: 0401-0002")
    eq(g["in_person"]["received"]["carried_over"], 2, "both carried are in person")
    eq(g["online"]["resolved"]["on_time"], 2, "online on time: 0402-0001, 0405-0001")
    for key in ("early", "on_time", "late"):
        eq(sum(r["resolved"][key] for r in j["groups"]), j["resolved"][key],
           "groups add up: " + key)


@test
def by_week_series(d):
    j = get_json(d, "/api/v1/reports", by="week", **APRIL)
    rows = j["groups"]
    eq([r["key"] for r in rows],
       ["2021-04-01", "2021-04-05", "2021-04-12", "2021-04-19", "2021-04-26"],
       "week keys: the first day of each week inside the period")
    # week 1 (1-4 April): received 0401-0001, 0402-0001, 0402-0002,
    # 0401-0002; resolved 0325-0001; at its end open: 0322, 0401-0001,
    # 0402-0001, 0402-0002, 0401-0002 (5), overdue only 0322-0001.
    eq(rows[0]["received"]["total"], 4, "week 1 received")
    eq(rows[0]["received"]["carried_over"], 2, "week 1 carried")
    eq(rows[0]["resolved"]["total"], 1, "week 1 resolved")
    eq(rows[0]["pending"]["total"], 5, "week 1 pending")
    eq(rows[0]["pending"]["overdue"], 1, "week 1 overdue")
    eq(rows[1]["received"]["carried_over"], 5, "week 2 carries week 1's pending")
    eq(rows[-1]["pending"]["total"], j["pending"]["total"], "last level = summary")
    eq(rows[-1]["pending"]["overdue"], j["pending"]["overdue"], "last overdue = summary")
    eq(sum(r["received"]["total"] for r in rows), 11, "series received")
    eq(sum(r["resolved"]["total"] for r in rows), 8, "series resolved")
    m = get_json(d, "/api/v1/reports", by="month", **{"from": "2021-03-01", "to": "2021-04-30"})
    eq([r["key"] for r in m["groups"]], ["2021-03", "2021-04"], "month keys")
    eq(m["groups"][1]["received"]["carried_over"], 2, "April carries March's pending")
    days = get_json(d, "/api/v1/reports", by="day", **APRIL)
    eq(len(days["groups"]), 30, "one row per day")
    eq(days["groups"][0]["resolved"]["early"], 1, "1 April: 0325-0001")


@test
def filters(d):
    j = get_json(d, "/api/v1/reports", field="Đất đai", **APRIL)
    eq(j["received"]["total"], 5, "land field received")
    eq(j["filters"]["field"], "Đất đai", "filter echoed")
    j = get_json(d, "/api/v1/reports", agency="000.00.19.H49",
                 procedure="1.000001.000.00.00.H49", **APRIL)
    eq(j["received"]["total"], 6, "birth registration received")
    eq(j["received"]["carried_over"], 2, "birth registration carried")


@test
def form_06a(d):
    st, ctype, body = get_bytes(d, "/api/v1/reports/06a", format="csv", **APRIL)
    eq(st, 200, "06a csv")
    ok(ctype.startswith("text/csv"), ctype)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    eq(len(rows[0]), 13, "13 columns")
    eq(rows[1], [f"({i})" for i in range(1, 14)], "column numbers")
    # Hộ tịch: new 6 (online 1; in person and postal 5), carried 2;
    # resolved 6 = 2 early, 2 on time, 2 late; pending 2, both overdue.
    eq(rows[2], ["1", "Hộ tịch", "8", "1", "5", "2", "6", "2", "2", "2", "2", "0", "2"], "Hộ tịch")
    eq(rows[3], ["2", "Đất đai", "5", "3", "2", "0", "2", "0", "1", "1", "3", "2", "1"], "Đất đai")
    eq(rows[4], ["", "Tổng cộng", "13", "4", "7", "2", "8", "2", "3", "3", "5", "2", "3"], "total")
    for r in rows[2:]:
        n = [int(x) for x in r[2:]]
        eq(n[0], n[1] + n[2] + n[3], "col 3 = 4 + 5 + 6")
        eq(n[0], n[4] + n[8], "col 3 = 7 + 11")
        eq(n[4], n[5] + n[6] + n[7], "col 7 = 8 + 9 + 10")
    # XLSX: read back with openpyxl and compare with the CSV rows
    st, ctype, xbody = get_bytes(d, "/api/v1/reports/06a", format="xlsx", **APRIL)
    eq(st, 200, "06a xlsx")
    ok(ctype.startswith("application/vnd.openxmlformats"), ctype)
    path = os.path.join(d.tmp, "06a.xlsx")
    with open(path, "wb") as f:
        f.write(xbody)
    got = xlsx_rows(path)
    start = next(i for i, r in enumerate(got) if r and r[0] == "(1)")
    eq(got[start], rows[1], "xlsx column numbers")
    eq(got[start - 1], rows[0], "xlsx column names")
    eq(got[start + 1:start + 4], rows[2:5], "xlsx rows equal the csv rows")
    ok(any("II.06a" in (c or "") for r in got[:3] for c in r), "form code in the heading")
    # A4 page
    st, ctype, html = get_bytes(d, "/api/v1/reports/06a", format="html", **APRIL)
    eq(st, 200, "06a html")
    text = html.decode()
    ok('href="/staff/reports/ui/f06a.css"' in text and "Biểu số II.06a" in text,
       "A4 page (its stylesheet) with the form code")
    eq(text.count("<td>(") , 13, "13 numbered columns")
    st, j, _ = get_raw(d, q("/api/v1/reports/06a", format="csv", by="week", **APRIL))
    eq(st, 400, "06a is by field only")
    eq(j["error"]["field"], "by", "names by")


def xlsx_rows(path):
    """Rows of the first sheet as lists of strings, via Debian's
    python3-openpyxl (run with /usr/bin/python3 so a pyenv python without
    it still works)."""
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    code = ("import json,sys,openpyxl\n"
            "ws=openpyxl.load_workbook(sys.argv[1]).active\n"
            "def s(v):\n"
            "    if v is None: return ''\n"
            "    if isinstance(v,float) and v.is_integer(): return str(int(v))\n"
            "    return str(v)\n"
            "print(json.dumps([[s(c) for c in r] for r in ws.iter_rows(values_only=True)]))\n")
    p = subprocess.run([py, "-c", code, path], capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, "openpyxl read: " + p.stderr)
    return json.loads(p.stdout)


@test
def report_xlsx_plain(d):
    st, _, body = get_bytes(d, "/api/v1/reports", format="csv", by="channel", **APRIL)
    eq(st, 200, "csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    eq(rows[-1][:4], ["total", "11", "5", "4"], "csv total row")
    eq(rows[-1][18:21], ["45.46", "36.36", "18.18"], "csv shares")
    st, _, xb = get_bytes(d, "/api/v1/reports", format="xlsx", by="channel", **APRIL)
    eq(st, 200, "xlsx")
    path = os.path.join(d.tmp, "r.xlsx")
    with open(path, "wb") as f:
        f.write(xb)
    got = xlsx_rows(path)
    eq(got[0], rows[0], "xlsx header = csv header")
    for g, c in zip(got[1:], rows[1:]):
        eq(g[:18], c[:18], "xlsx counts = csv counts")
        eq([f"{float(x):.2f}" for x in g[18:]], c[18:], "xlsx shares = csv shares")


@test
def bad_input(d):
    cases = [
        ({"from": "2021-4-1", "to": "2021-04-30"}, "from"),
        ({"from": "2021-02-30", "to": "2021-04-30"}, "from"),
        ({"to": "2021-04-30"}, "from"),
        ({"from": "2021-04-01", "to": "2021-03-31"}, "to"),
        ({"from": "2019-01-01", "to": "2021-04-30"}, "to"),  # > max_days
        ({"by": "year", **APRIL}, "by"),
        ({"format": "pdf", **APRIL}, "format"),
        ({"agency": "bad agency", **APRIL}, "agency"),
        ({"field": "", **APRIL}, "field"),
    ]
    for args, field in cases:
        st, j, _ = get_raw(d, q("/api/v1/reports", **args))
        eq(st, 400, f"{args}")
        eq(j["error"]["field"], field, f"{args}: {j}")
    for args, field in [({"agency": "000.00.19.H99", **APRIL}, "agency"),
                        ({"field": "Không có", **APRIL}, "field"),
                        ({"procedure": "9.9", **APRIL}, "procedure")]:
        st, j, _ = get_raw(d, q("/api/v1/reports", **args))
        eq(st, 404, f"{args}")
        eq(j["error"]["field"], field, f"{args}")
    st, j, _ = d.request("POST", q("/api/v1/reports", **APRIL), body="")
    eq(st, 405, "POST refused")
    ok(d.proc.poll() is None, "daemon alive")


@test
def drill_down(d):
    def codes(**args):
        j = get_json(d, "/api/v1/reports/dossiers", **APRIL, **args)
        eq(j["total"], len(j["codes"]), "total")
        eq(j["truncated"], False, "truncated")
        return [c.split("-", 1)[1] for c in j["codes"]]
    # every number above drills down to the dossiers behind it
    eq(codes(cell="late"), ["210402-0002", "210405-0002", "210406-0001"], "late")
    eq(codes(cell="early"), ["210325-0001", "210401-0001"], "early")
    eq(codes(cell="on_time"), ["210402-0001", "210405-0001", "210412-0001"], "on time")
    eq(codes(cell="overdue"), ["210322-0001", "210401-0002", "210420-0001"], "overdue")
    eq(codes(cell="within_due"), ["210415-0001", "210428-0001"], "within due")
    eq(codes(cell="carried_over"), ["210322-0001", "210325-0001"], "carried over")
    eq(codes(cell="received", channel="postal"), ["210401-0002", "210428-0001"], "postal")
    eq(codes(cell="returned_by_post"), ["210325-0001"], "returned by post")
    eq(len(codes(cell="received")), 11, "received")
    for args, field in [({}, "cell"), ({"cell": "bad"}, "cell"),
                        ({"cell": "late", "channel": "fax"}, "channel")]:
        st, j, _ = get_raw(d, q("/api/v1/reports/dossiers", **APRIL, **args))
        eq(st, 400, f"{args}")
        eq(j["error"]["field"], field, f"{args}")
    st, ctype, body = get_bytes(d, "/staff/reports/dossiers", cell="late", **APRIL)
    eq(st, 200, "html list")
    t = body.decode()
    ok("000.00.19.H49-210405-0002" in t and "Người" not in t, "codes only, no names")


@test
def public_listener_hides_reports(d):
    for path in ("/api/v1/reports", "/api/v1/reports/06a", "/staff/reports",
                 "/api/v1/reports/dossiers", "/staff/reports/dossiers"):
        st, _, _ = d.request("GET", q(path, format="csv", **APRIL), admin=False)
        eq(st, 404, "public " + path)


@test
def staff_page(d):
    st, ctype, body = get_bytes(d, "/staff/reports", **APRIL)
    eq(st, 200, "page")
    ok(ctype.startswith("text/html"), ctype)
    t = body.decode()
    for needle in ('id="chart-channel"', 'id="chart-result"', 'id="chart-pending"',
                   'id="recon-upstream"', 'id="recon-postal"', "No postal manifests yet",
                   'href="/api/v1/sync/verify?from=2021-04-01&amp;to=2021-04-30"',
                   'id="recon-local"', "cell=late",
                   'id="x-06a-xlsx"', 'type="date"'):
        ok(needle in t, "page has " + needle)
    ok("http://" not in t.replace('xmlns="http://www.w3.org/2000/svg"', ""),
       "no outside URL (no CDN)")
    # the daemon's CSP (default-src 'self') blocks inline styles and
    # scripts: every page's are files it serves (issue 15, item 12)
    pages = {"/staff/reports": t,
             "/staff/reports/dossiers": get_bytes(d, "/staff/reports/dossiers", cell="late",
                                                  **APRIL)[2].decode(),
             "/api/v1/reports/06a": get_bytes(d, "/api/v1/reports/06a", format="html",
                                              **APRIL)[2].decode()}
    for path, page in pages.items():
        for bad in ("<style", "<script>", " style=", "javascript:", " onclick="):
            ok(bad not in page, f"{path}: no inline {bad!r}")
    ok('href="/staff/reports/ui/reports.css"' in t and 'src="/staff/reports/ui/reports.js"' in t,
       "the page links its styles and script")
    ok('href="/staff/reports/ui/f06a.css"' in pages["/api/v1/reports/06a"], "the A4 form's styles")
    for f, kind in (("reports.css", "text/css"), ("f06a.css", "text/css"),
                    ("reports.js", "text/javascript")):
        st, ctype, body = get_bytes(d, "/staff/reports/ui/" + f)
        eq((st, ctype.split(";")[0]), (200, kind), f)
        ok(len(body) > 200, f + " has content")
    ok(b"size: A4 landscape" in get_bytes(d, "/staff/reports/ui/f06a.css")[2], "A4 landscape")
    eq(get_bytes(d, "/staff/reports/ui/nope.css")[0], 404, "no other file")
    # the reconciliation: local counts per channel for the period, the
    # upstream and difference columns for reports.js to fill from verify
    for needle in ('id="recon-upstream-table"', 'data-from="2021-04-01"', 'data-to="2021-04-30"',
                   'data-up="1"', 'data-diff="3"', 'id="recon-status"'):
        ok(needle in t, "page has " + needle)
    ok("n/a" not in t, "no column that always says n/a")
    st, _, _ = get_bytes(d, "/staff/reports", by="year", **APRIL)
    eq(st, 400, "bad by on the page")
    st, _, _ = get_bytes(d, "/staff/reports")
    eq(st, 200, "page without a period: this month")


@test
def cli(d):
    p = d.cli("report", "--from", "2021-04-01", "--to", "2021-04-30", check=0)
    ok("45.46%" in p.stdout and "carried over" in p.stdout, p.stdout)
    p = d.cli("report", "--from", "2021-04-01", "--to", "2021-04-30", "--format", "json", check=0)
    j = json.loads(p.stdout)
    eq(j["resolved"]["late"], 3, "cli json")
    p = d.cli("report", "--from", "2021-04-01", "--to", "2021-04-30", "--by", "channel",
              "--format", "csv", check=0)
    _, _, body = get_bytes(d, "/api/v1/reports", format="csv", by="channel", **APRIL)
    eq(p.stdout, body.decode(), "cli csv = api csv")
    out = os.path.join(d.tmp, "cli-06a.csv")
    d.cli("report", "06a", "--from", "2021-04-01", "--to", "2021-04-30",
          "--format", "csv", "--out", out, check=0)
    _, _, body = get_bytes(d, "/api/v1/reports/06a", format="csv", **APRIL)
    with open(out, "rb") as f:
        eq(f.read(), body, "06a file = api csv")
    xout = os.path.join(d.tmp, "cli-06a.xlsx")
    d.cli("report", "06a", "--from", "2021-04-01", "--to", "2021-04-30",
          "--format", "xlsx", "--out", xout, check=0)
    ok(xlsx_rows(xout)[-1][1] == "Tổng cộng", "cli xlsx has the total row")
    p = d.cli("report", "--from", "2021-04-31", "--to", "2021-05-01", check=2)
    ok("--from" in p.stderr, p.stderr)
    p = d.cli("report", "--from", "2021-04-01", "--to", "2021-04-30", "--by", "x", check=2)
    ok("--by" in p.stderr, p.stderr)
    p = d.cli("report", "--from", "2021-04-01", "--to", "2021-04-30", "--agency", "000.00.19.H98",
              check=1)
    ok("agency: no such agency" in p.stderr, p.stderr)
    p = d.cli("report", "06a", "--from", "2021-04-01", "--to", "2021-04-30", check=2)
    ok("--format" in p.stderr, p.stderr)
    bad = os.path.join(d.tmp, "never.csv")
    d.cli("report", "06a", "--from", "2021-04-01", "--to", "2021-03-01", "--format", "csv",
          "--out", bad, check=2)
    ok(not os.path.exists(bad) and not os.path.exists(bad + ".part"), "nothing half-written")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-rep-")
    d = Daemon(args.build, tmp)
    try:
        with run.guard("start"):
            d.start()
            load(d)
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
