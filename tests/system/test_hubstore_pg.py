#!/usr/bin/env python3
"""The hub storage's unit tests (tests/unit/test_hubstore.c) on a hub on
PostgreSQL 15: starts a throwaway server (tests/system/pglib.py, as an
unprivileged user) and runs the test binary with MOTCUA_TEST_PG_DSN, so
that every test of the interface (dedup, upstream authority, pull
paging, lookups, verify lists, a push whole or not at all, bounds, the
province report, offices, key pruning) runs on both backends. Each
cmocka test is reported as a test here.

Ends with the line "N passed, N failed".
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglib  # noqa: E402
from runner import Tests, eq, main, ok  # noqa: E402

RESULTS = Tests()
test = RESULTS.add


@test
def hubstore_unit_tests_on_postgresql(w):
    exe = os.path.join(w["build"], "tests", "test_hubstore")
    p = subprocess.run([exe], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, MOTCUA_TEST_PG_DSN=w["dsn"]))
    out = p.stdout + p.stderr
    for name in re.findall(r"^\[ +OK +\] (\w+)", p.stdout, re.M):
        print(f"  ok   {name} (postgresql)")
    failed = re.findall(r"^\[ +FAILED +\] (\w+)", p.stdout, re.M)
    last = re.findall(r"^(\d+) passed, (\d+) failed$", p.stdout, re.M)
    ok(last, "the binary's summary line:\n" + out[-3000:])
    eq(int(last[-1][1]), 0, f"cmocka failures {sorted(set(failed))}:\n" + out[-3000:])
    ok(int(last[-1][0]) >= 10, f"the interface's tests ran: {last[-1]}")
    eq(p.returncode, 0, out[-3000:])


def session(args, run):
    with run.guard("setup"):
        pg = pglib.shared()
        w = {"build": args.build, "dsn": pg.dsn(pg.new_database("hubstore"))}
        run.each(RESULTS, w, timed=True)


if __name__ == "__main__":
    sys.exit(main(session))
