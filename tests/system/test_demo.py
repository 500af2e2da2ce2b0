#!/usr/bin/env python3
"""System test of the demo a new office starts with (README "Two commands"
and "A short tour", issue 15 item 21): the demo generator never receives a
dossier later than now, whatever the time of day it runs; `make run`'s
script takes its ports and directory from PORT, STAFF_PORT, METRICS_PORT
and VAR; and the README's tour, pasted as it stands (with that run's port
and directory), works on the code its own intake printed.

Ends with "N passed, N failed".
"""
import datetime as dt
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
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import ROOT, Tests, eq, free_port, main, ok, wait_for  # noqa: E402

FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
GEN = os.path.join(ROOT, "packaging", "demo", "gen-dossiers.py")
TZ = dt.timezone(dt.timedelta(hours=7))

RESULTS = Tests()
test = RESULTS.add


def generate(utc_now, *args):
    """The generator's lines, run with the wall clock at utc_now."""
    env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME="@" + utc_now, TZ="UTC")
    p = subprocess.run([sys.executable, GEN, *args], capture_output=True, text=True, env=env,
                       timeout=120)
    eq(p.returncode, 0, p.stderr)
    return [json.loads(line) for line in p.stdout.splitlines()]


def times(rec):
    out = [rec["received_at"]] + [rec[k] for k in ("finished_at", "returned_at") if k in rec]
    for s in rec.get("supplements", []):
        out += [s[k] for k in ("requested_at", "completed_at") if k in s]
    return [dt.datetime.fromisoformat(t) for t in out]


@test
def generator_never_receives_later_than_now(ctx):
    if not os.path.exists(FAKETIME_LIB):
        raise AssertionError("libfaketime is missing: run make deps (packaging/deps.sh)")
    # Monday 08:05, Monday 06:30 (before opening), Sunday noon, a Friday
    # afternoon, all office time (UTC+7)
    for utc in ("2026-12-07 01:05:00", "2026-12-06 23:30:00", "2026-12-06 05:00:00",
                "2026-12-04 09:59:00"):
        now = dt.datetime.strptime(utc, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
        recs = generate(utc, "--count", "200", "--days", "40")
        eq(len(recs), 200, "every dossier generated at " + utc)
        late = [(r["code"], t.isoformat()) for r in recs for t in times(r) if t > now]
        eq(late, [], f"nothing later than now ({now.astimezone(TZ).isoformat()})")
        ok(all(r["code"].split("-")[1] == dt.datetime.fromisoformat(r["received_at"]).strftime("%y%m%d")
               for r in recs), "each code carries its receiving day")
    # today's intake so far is part of the demo on a working day
    recs = generate("2026-12-07 03:00:00", "--count", "200", "--days", "5")
    ok(any(r["received_at"].startswith("2026-12-07") for r in recs), "today's intake up to 10:00")
    # --now as a minute, and a clear error for anything else
    recs = [json.loads(x) for x in subprocess.run(
        [sys.executable, GEN, "--count", "50", "--days", "3", "--now", "2026-12-07T07:20"],
        capture_output=True, text=True, check=True).stdout.splitlines()]
    ok(max(times(r)[0] for r in recs) <= dt.datetime(2026, 12, 7, 7, 20, tzinfo=TZ), "--now as a minute")
    p = subprocess.run([sys.executable, GEN, "--now", "7/12"], capture_output=True, text=True)
    ok(p.returncode == 2 and "--now: expected" in p.stderr, p.stderr)


class Demo:
    """packaging/run-demo.sh on its own ports and directory."""

    def __init__(self, build, var):
        self.var = var
        self.port, self.staff, self.metrics = free_port(), free_port(), free_port()
        env = dict(os.environ, PORT=str(self.port), STAFF_PORT=str(self.staff),
                   METRICS_PORT=str(self.metrics), VAR=var)
        env.pop("MOTCUA_SOCKET", None)
        self.out = open(var + ".out", "w")
        # its own session, so the test ends the script and its daemon alone
        self.proc = subprocess.Popen(["sh", "packaging/run-demo.sh", build], cwd=ROOT, env=env,
                                     stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self):
        with open(self.var + ".out", encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        self.out.close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@test
def make_run_ports_and_directory(ctx):
    d = ctx["demo"]
    wait_for(lambda: "motcuad is running" in d.text(), timeout=240, what="the demo to start")
    out = d.text()
    for port in (d.port, d.staff, d.metrics):
        ok(f"127.0.0.1:{port}/" in out, f"the URLs name port {port}: {out}")
    ok("8080" not in out and "8081" not in out and "9100" not in out, "no default port left: " + out)
    eq(get(f"http://127.0.0.1:{d.port}/healthz")[0], 200, "public listener on PORT")
    eq(get(f"http://127.0.0.1:{d.staff}/staff/login")[0], 200, "staff listener on STAFF_PORT")
    eq(get(f"http://127.0.0.1:{d.metrics}/metrics")[0], 200, "metrics on METRICS_PORT")
    for f in ("motcua.db", "motcuad.sock", "demo.conf", "demo-seeded"):
        ok(os.path.exists(os.path.join(d.var, f)), f + " in VAR")
    m = re.search(r"A demo dossier: +(\S+)", out)
    ok(m and m.group(1).startswith(f"http://127.0.0.1:{d.port}/l/"), "the lookup URL uses PORT")
    # the seeded dossiers: none received later than now
    db = sqlite3.connect(f"file:{os.path.join(d.var, 'motcua.db')}?mode=ro", uri=True)
    rows = db.execute("SELECT code, received_at FROM dossiers").fetchall()
    db.close()
    ok(len(rows) >= 80, f"the demo's dossiers: {len(rows)}")
    now = time.time()
    eq([c for c, at in rows if at > now], [], "no demo dossier received later than now")
    # bad values are refused with the name of the variable
    for var, val in (("PORT", "80a"), ("VAR", "/tmp/a b")):
        env = dict(os.environ, **{var: val})
        p = subprocess.run(["sh", "packaging/run-demo.sh", ctx["build"]], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=30)
        ok(p.returncode == 2 and var + ":" in p.stderr, f"{var}={val!r}: {p.stderr}")


def tour_block():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    part = readme.split("## A short tour", 1)[1]
    return re.search(r"```sh\n(.*?)```", part, re.S).group(1)


@test
def readme_tour_runs_on_its_own_code(ctx):
    d = ctx["demo"]
    wait_for(lambda: "motcuad is running" in d.text(), timeout=240, what="the demo to start")
    work = tempfile.mkdtemp(prefix="motcua-tour-")
    # what the tour says to change for another port and directory
    script = tour_block().replace("./var", d.var).replace("8080", str(d.port))
    script = script.replace("build/motcua", os.path.join(ctx["build"], "motcua"))
    script = script.replace("data/holidays.csv", os.path.join(ROOT, "data", "holidays.csv"))
    with open(os.path.join(work, "dossiers.jsonl"), "w", encoding="utf-8") as f:
        f.write(subprocess.run([sys.executable, GEN, "--count", "3", "--seed", "9"], capture_output=True,
                               text=True, check=True).stdout)
    # a status line after every complete command
    out_lines = []
    for line in script.splitlines():
        out_lines.append(line)
        if line.strip() and not line.lstrip().startswith("#") and not line.endswith("\\"):
            out_lines.append('echo "STEP $?" >&2')
    p = subprocess.run(["bash", "-c", "\n".join(out_lines)], cwd=work, capture_output=True, text=True,
                       timeout=300)
    statuses = re.findall(r"^STEP (\d+)$", p.stderr, re.M)
    cmds = [ln for ln in script.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
            and not ln.endswith("\\")]
    failed = [(c, s) for c, s in zip(cmds, statuses) if s != "0"]
    eq(failed, [], "every command of the tour succeeds:\n" + p.stderr[-3000:])
    eq(len(statuses), len(cmds), "every command ran")
    code = re.search(r"^code: +(\S+)", p.stderr, re.M)
    ok(code is not None, "the intake printed its code: " + p.stderr[:500])
    ok(f"Dossier     {code.group(1)}" in p.stdout or code.group(1) in p.stdout,
       "show printed the tour's own dossier")
    ok('"procedure"' in p.stdout, "the kiosk view of its token: " + p.stdout[-500:])
    ok(os.path.getsize(os.path.join(work, "receipt.png")) > 1000, "the receipt preview")
    shutil.rmtree(work, ignore_errors=True)


def session(args, run):
    var = tempfile.mkdtemp(prefix="motcua-demo-")
    ctx = {"build": args.build, "demo": None}
    try:
        run.each(RESULTS[:1], ctx)
        ctx["demo"] = Demo(args.build, os.path.join(var, "var"))
        run.each(RESULTS[1:], ctx)
    finally:
        if ctx["demo"] is not None:
            ctx["demo"].stop()
            if run.failed:
                print("--- run-demo output ---")
                print(ctx["demo"].text()[-3000:])
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session, keep=False))
