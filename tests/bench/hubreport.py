#!/usr/bin/env python3
"""make bench-sync (and make bench), the province report part: writes
HUBREPORT_N dossiers (default 10,000,000: a year of a province of 700
offices) into a SQLite hub and into a PostgreSQL 15 hub (started by
tests/system/pglib.py) with build/bench_hubreport, builds the report's
daily counts the way the pushes do, and times the province report of the
year, of its last month, of one agency, and Biểu II.06a of the province,
through the calls the hub's routes make. Writes its section of
docs/benchmarks.md between the hubreport-bench markers.

Not a test: timings on a shared 2-core machine are noisy; the verdict is
the median against the issue's 2 s."""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
sys.path.insert(0, HERE)
import benchdoc  # noqa: E402
BEGIN, END = "<!-- hubreport-bench:begin -->", "<!-- hubreport-bench:end -->"
TARGET_MS = 2000
MEASURES = (("report_year", "Province report, the year (by agency and channel, to JSON text)"),
            ("report_month", "Province report, the last month"),
            ("report_agency_year", "One agency, the year"),
            ("form06a_year", "Biểu II.06a of the province (by field), the year"))


def run(build, backend, target, n, rounds):
    p = subprocess.run([os.path.join(build, "bench_hubreport"), backend, target, str(n), str(rounds)],
                       capture_output=True, text=True, timeout=7200)
    if p.returncode != 0:
        raise SystemExit(f"bench_hubreport {backend}: {p.stderr}")
    out = {}
    for line in p.stdout.splitlines():
        print(f"bench: {backend}: {line}")
        name, rest = line.split(" ", 1)
        out[name] = dict(kv.split("=", 1) for kv in rest.split())
    return out


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[:2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--n", type=int, default=int(os.environ.get("HUBREPORT_N", "10000000")))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    la = load()
    tmp = tempfile.mkdtemp(prefix="motcua-hubreport-")
    try:
        res = {"sqlite": run(args.build, "sqlite", os.path.join(tmp, "hub.db"), args.n, args.rounds)}
        import pglib
        pg = pglib.shared()
        res["postgresql"] = run(args.build, "postgresql", pg.dsn(pg.new_database("report")), args.n,
                                args.rounds)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    year = res["sqlite"]["year"]
    rows = [f"| {label} | " + " | ".join(
        f"{res[b][m]['median_ms']} ms (max {res[b][m]['max_ms']})" for b in ("sqlite", "postgresql"))
        + " |" for m, label in MEASURES]
    verdict = all(int(res[b]["report_year"]["median_ms"]) <= TARGET_MS and
                  int(res[b]["form06a_year"]["median_ms"]) <= TARGET_MS for b in res)
    text = f"""## Province report (latest run {datetime.date.today().isoformat()})

`make bench-sync` also runs `tests/bench/hubreport.py`: `build/bench_hubreport`
writes {args.n:,} dossiers of a year into a SQLite hub and into a PostgreSQL
15 hub (the test harness's server, fsync off) straight by SQL (700
agencies, 12 fields, three channels; {int(year['received']):,} received in the year,
{int(year['pending']):,} still open at its end, {int(year['late']):,} late; withdrawals,
returns by post and supplements among them), builds the report's daily
counts with `hubstore_rebuild_report` (the pushes' own rule), then times
each report {args.rounds} times in process, through the calls the hub's routes
make. Load average at the start: {la[0]} (1 min), {la[1]} (5 min) on the 2
cores.

| Measure (median of {args.rounds}) | SQLite hub | PostgreSQL hub |
|---|---:|---:|
""" + "\n".join(rows) + f"""
| Building the daily counts from every dossier (once; a migration or `hubstore_rebuild_report`) | {int(res['sqlite']['rebuild']['ms']):,} ms | {int(res['postgresql']['rebuild']['ms']):,} ms |

Target: the province report over {args.n:,} dossiers in at most 2 s:
{"met" if verdict else "NOT met"} on both backends. The year's report ({year['rows']} rows,
agency by channel) sums daily counts (`hub_report_days`, a row per agency
or field, channel and day, which each push adjusts in its own
transaction) and reads only the dossiers open at the year's end
({int(year['pending']):,} here), never the {args.n:,} dossiers (docs/sync.md, "The
province report").

"""
    benchdoc.write_section(BEGIN, END, text, "<!-- kiosk-bench:begin -->")
    print(f"bench: province report, year: sqlite {res['sqlite']['report_year']['median_ms']} ms, "
          f"postgresql {res['postgresql']['report_year']['median_ms']} ms (target {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
