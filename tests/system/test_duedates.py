#!/usr/bin/env python3
"""System test: due dates and receipt times on the real motcuad, whose wall
clock libfaketime sets (issue 15 items 1, 5 and 6).

The daemon is restarted at each instant a step needs (a request on one
day, its completion on another), keeping its database, so every time it
records is its own clock's. Ends with the line "N passed, N failed".
"""
import datetime
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile

from runner import ROOT, Tests, eq, main, ok
from synclib import FAKETIME_LIB
from test_daemon import Daemon, intake

RESULTS = Tests()
test = RESULTS.add
VN = datetime.timezone(datetime.timedelta(hours=7))


class ClockedDaemon(Daemon):
    """A Daemon whose wall clock starts at a chosen local instant."""

    def at(self, y, m, d, hh, mm):
        if self.proc is not None and self.proc.poll() is None:
            self.stop()
        when = datetime.datetime(y, m, d, hh, mm, tzinfo=VN).astimezone(datetime.timezone.utc)
        self.env = {"LD_PRELOAD": FAKETIME_LIB, "TZ": "UTC",
                    "FAKETIME": when.strftime("@%Y-%m-%d %H:%M:%S"), "DONT_FAKE_MONOTONIC": "1",
                    # the sanitizer build: let libfaketime load before ASan
                    "ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") +
                                     ":verify_asan_link_order=0").lstrip(":")}
        self.start()

    def start(self):
        import subprocess
        from runner import wait_for
        self.logf = open(self.log, "a")
        env = dict(os.environ, **getattr(self, "env", {}))
        self.proc = subprocess.Popen(
            [os.path.join(self.build, "motcuad"), "-d", "-c", self.conf],
            stdout=self.logf, stderr=subprocess.STDOUT, env=env)
        wait_for(lambda: self.get("/healthz")[0] == 200, what="motcuad to listen")

    def dossier(self, code):
        s, j, _ = self.get("/api/v1/dossiers/" + code, admin=True)
        eq(s, 200, f"dossier {code}: {j}")
        return j

    def db(self, sql, *args):
        with sqlite3.connect(os.path.join(self.tmp, "motcua.db")) as c:
            return c.execute(sql, args).fetchall()


def setup(d):
    import json
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps({"code": "1.001612.000.00.00.H49", "name": "Đăng ký hộ kinh doanh",
                            "field": "Hộ kinh doanh", "days": 3, "documents": ["Giấy đề nghị"],
                            "fee": 100000}, ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    d.cli("holidays", "import", os.path.join(ROOT, "data", "holidays.csv"), check=0)


@test
def supplement_moves_due_across_a_weekend(d):
    d.at(2026, 3, 2, 9, 30)  # Monday
    setup(d)
    s, j, _ = intake(d)
    eq(s, 201, f"intake: {j}")
    code = d.code = j["code"]
    ok(j["due_at"].startswith("2026-03-05T09:3"), "due Thursday 5/3: " + j["due_at"])
    d.cli("status", code, "4", "--reason", "Chuyển phòng chuyên môn", check=0)
    d.at(2026, 3, 3, 10, 0)  # Tuesday
    d.cli("supplement", code, "--request", "--reason", "Thiếu bản sao", check=0)
    d.at(2026, 3, 6, 15, 0)  # Friday, a day after the old due date
    p = d.cli("supplement", code, "--complete", check=0)
    j = d.dossier(code)
    ok(j["due_at"].startswith("2026-03-10T09:3"), "3 working days waited: due Tuesday 10/3, " +
       j["due_at"] + " " + p.stdout)
    eq(j["overdue"], False, "not overdue")
    ev = [e for e in j["events"] if e["kind"] == "supplement_complete"][-1]
    ok(ev["due_before"].startswith("2026-03-05") and ev["due_after"].startswith("2026-03-10"),
       f"the event keeps both dates: {ev}")
    eq(ev["detail"], {"waited_days": 3}, "the days waited")
    n = d.db("SELECT count(*) FROM outbox o JOIN dossiers x ON x.id = o.dossier_id"
             " WHERE x.code = ? AND o.kind = 'status'", code)[0][0]
    ok(n >= 3, f"the change is in the outbox for upstream ({n} rows)")


@test
def supplement_moves_due_across_holidays(d):
    d.at(2026, 4, 22, 9, 0)  # Wednesday; Giỗ Tổ is Sunday 26/4, its day off Monday 27/4
    s, j, _ = intake(d, name="Trần Thị Bình")
    eq(s, 201, f"intake: {j}")
    code = j["code"]
    ok(j["due_at"].startswith("2026-04-28T09:0"), "23, 24, 28/4: due Tuesday 28/4, " + j["due_at"])
    d.cli("status", code, "4", "--reason", "Chuyển phòng chuyên môn", check=0)
    d.at(2026, 4, 23, 10, 0)
    d.cli("supplement", code, "--request", "--reason", "Thiếu bản sao", check=0)
    d.at(2026, 5, 4, 8, 0)  # after 30/4, 1/5 and a weekend
    d.cli("supplement", code, "--complete", check=0)
    j = d.dossier(code)
    # waited 24, 28, 29/4 and 4/5; 28/4 + 4 = 29/4, 4/5, 5/5, 6/5
    ok(j["due_at"].startswith("2026-05-06T09:0"), "due Wednesday 6/5: " + j["due_at"])
    eq(j["provisional"], False, "2026 has its table")


@test
def explicit_new_due_wins_and_must_be_a_working_day(d):
    code = d.code
    d.cli("supplement", code, "--request", "--reason", "Thiếu tờ khai", check=0)
    p = d.cli("supplement", code, "--complete", "--new-due", "2026-05-10")
    eq(p.returncode, 1, "a Sunday is refused")
    ok("2026-05-10 is not a working day (a Sunday); the next working day is 2026-05-11" in p.stderr,
       p.stderr)
    d.cli("supplement", code, "--complete", "--new-due", "2026-05-11", check=0)
    ok(d.dossier(code)["due_at"].startswith("2026-05-11T17:00"), "the explicit date wins")
    p = d.cli("apology", code, "--reason", "Cần xác minh", "--new-due", "2026-09-02")
    eq(p.returncode, 1, "Quốc khánh is refused")
    ok("2026-09-02 is not a working day (a holiday or day off)" in p.stderr, p.stderr)


@test
def due_dates_reaching_2027_tet_are_provisional(d):
    d.at(2027, 2, 3, 10, 0)  # Wednesday before Tết 2027
    s, j, _ = intake(d, name="Lê Văn Cường")
    eq(s, 201, f"intake: {j}")
    # 4/2, then 5-11/2 off (29 Chạp to mùng 4 and two days in lieu), 12/2, 15/2
    ok(j["due_at"].startswith("2027-02-15T10:0"), "Tết 2027 skipped: " + j["due_at"])
    eq(j["provisional"], True, "2027 has no official table: provisional")
    p = d.cli("show", j["code"], check=0)
    ok("provisional" in p.stdout, "the CLI says so: " + p.stdout)
    # a weekend is refused in 2027 too; a working day is taken and the
    # one-line reply says it is provisional
    p = d.cli("apology", j["code"], "--reason", "Cần xác minh", "--new-due", "2027-02-20")
    eq(p.returncode, 1, "a Saturday is refused: " + p.stderr)
    ok("2027-02-20 is not a working day (a Saturday); the next working day is 2027-02-22"
       in p.stderr, p.stderr)
    p = d.cli("apology", j["code"], "--reason", "Cần xác minh", "--new-due", "2027-02-16")
    eq(p.returncode, 0, "apology: " + p.stderr)
    ok(re.search(r"due 2027-02-16 17:00 \(provisional\)", p.stdout), "apology's reply: " + p.stdout)
    s, h, _ = d.get("/api/v1/holidays?year=2027", admin=True)
    eq((s, h["provisional"]), (200, True), "the holiday list says so")
    s, h, _ = d.get("/api/v1/holidays?year=2026", admin=True)
    eq(h["provisional"], False, "2026 is official")


@test
def intake_time_is_the_daemons_clock(d):
    d.at(2026, 12, 7, 10, 0)  # Monday
    s, j, _ = intake(d, received_at="2026-10-01T09:00:00+07:00")
    eq(s, 400, f"a back-dated receipt time alone is refused: {j}")
    eq(j["error"]["field"], "received_at", "names the field")
    s, j, _ = intake(d, received_at="2027-01-05T09:00:00+07:00", back_entry_reason="nhập bù")
    eq((s, j["error"]["field"]), (400, "received_at"), f"the future is refused: {j}")
    s, j, _ = intake(d, received_at="2026-11-25T09:00:00+07:00", back_entry_reason="nhập bù")
    eq(s, 400, f"8 working days back is refused: {j}")
    ok("at most 5" in j["error"]["message"], j["error"]["message"])
    s, j, _ = intake(d, back_entry_reason="nhập bù")
    eq((s, j["error"]["field"]), (400, "back_entry_reason"), f"a reason alone: {j}")
    s, j, _ = intake(d, received_at="2026-12-03T15:00:00+07:00",
                     back_entry_reason="Mất điện chiều 3/12, nhập bù từ sổ")
    eq(s, 201, f"an audited back-entry: {j}")
    ok("-261203-" in j["code"], "the code carries the day received: " + j["code"])
    rows = d.db("SELECT actor, detail FROM audit_log WHERE action = 'intake_back_entry'"
                " AND object = ?", j["code"])
    eq(len(rows), 1, "one audit row")
    ok("Mất điện" in rows[0][1] and "2026-12-03T15:00" in rows[0][1], f"reason and time: {rows}")
    s, j, _ = intake(d)
    eq(s, 201, "without received_at: now")
    ok("-261207-" in j["code"], "today's code: " + j["code"])
    # the same through the CLI: both options or neither, a time of day
    p = d.cli("intake", "--procedure", "1.001612.000.00.00.H49", "--name", "Trần Thị Bình",
              "--received-at", "2026-12-04T08:15")
    eq(p.returncode, 2, "--received-at alone: " + p.stderr)
    ok("--back-entry-reason" in p.stderr, p.stderr)
    p = d.cli("intake", "--procedure", "1.001612.000.00.00.H49", "--name", "Trần Thị Bình",
              "--received-at", "2026-12-04", "--back-entry-reason", "nhập bù")
    eq(p.returncode, 2, "a day without a time: " + p.stderr)
    p = d.cli("intake", "--procedure", "1.001612.000.00.00.H49", "--name", "Trần Thị Bình",
              "--received-at", "2027-01-05T08:15", "--back-entry-reason", "nhập bù")
    eq(p.returncode, 1, "the future, from the daemon: " + p.stderr)
    ok("received_at: in the future" in p.stderr, p.stderr)
    p = d.cli("intake", "--procedure", "1.001612.000.00.00.H49", "--name", "Trần Thị Bình",
              "--received-at", "2026-12-04T08:15", "--back-entry-reason", "Sổ tay ngày 4/12",
              "--json", check=0)
    code = json.loads(p.stdout)["code"]
    ok("-261204-" in code, "the CLI's back-entry: " + code)
    ok(d.dossier(code)["received_at"].startswith("2026-12-04T08:15"), "received at 08:15")
    eq(len(d.db("SELECT 1 FROM audit_log WHERE action = 'intake_back_entry' AND object = ?",
                code)), 1, "audited")


def session(args, run):
    if not os.path.exists(FAKETIME_LIB):
        raise AssertionError("libfaketime is missing: run make deps (packaging/deps.sh)")
    tmp = tempfile.mkdtemp(prefix="motcua-due-")
    d = ClockedDaemon(args.build, tmp)
    try:
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
