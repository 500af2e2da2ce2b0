#!/usr/bin/env python3
"""make run-province: a province on one machine, for trying it by hand
(docs/sync.md "A province on PostgreSQL"). Starts a PostgreSQL 15 server
kept in var/province/pg (as `nobody` when run as root: PostgreSQL refuses
root), two hub processes over its database `motcua`, and two terminals of
two agencies whose sync.upstream_url lists both hubs; seeds each terminal
with the demo catalogue and a few intakes on the first run; prints the
URLs; stops them all on Ctrl-C.

Everything is plain http on loopback (the hubs allow it there, the
terminals with sync.insecure_http_loopback): a demonstration, never a
deployment.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import pglib  # noqa: E402
from synclib import Node, terminal_sync_conf, wait_for, write_secret  # noqa: E402

# two offices of Bình Định (H49): a ward and a commune
OFFICES = [("phuong-a", "000.00.19.H49", "t-phuong-a-" + "1" * 32),
           ("xa-b", "000.00.20.H49", "t-xa-b-" + "2" * 36)]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


def seed(t):
    """The demo catalogue and five intakes, once."""
    mark = os.path.join(t.dir, "seeded")
    if os.path.exists(mark):
        return
    procs = subprocess.run([sys.executable, os.path.join(ROOT, "packaging", "demo", "gen-dossiers.py"),
                            "--procedures"], capture_output=True, text=True, check=True).stdout
    path = os.path.join(t.dir, "procedures.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(procs)
    p = t.cli("catalogue", "import", path)
    if p.returncode != 0:
        raise SystemExit(f"run-province: catalogue import on {t.name}: {p.stderr}")
    t.add_procedure()
    for n in NAMES:
        s, j = t.intake(name=n)
        if s != 201:
            raise SystemExit(f"run-province: intake on {t.name}: {s} {j}")
    with open(mark, "w") as f:
        f.write("ok\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    base = os.path.join(ROOT, "var", "province")
    os.makedirs(base, exist_ok=True)
    os.environ["MOTCUA_TEST_HUB_BACKEND"] = "postgresql"
    print("run-province: starting PostgreSQL 15 in var/province/pg")
    pg = pglib.PgServer(os.path.join(base, "pg"))
    db = pg.new_database(name="motcua")
    tokens = "".join(f"{name} {tok} {agency}\n" for name, agency, tok in OFFICES)
    nodes = []
    try:
        hubs = []
        for i in (1, 2):
            h = Node(build, base, f"hub{i}", role="hub", pg_db=db, dsn=pg.dsn(db))
            write_secret(os.path.join(h.dir, "hub-tokens"), tokens)
            h.configure()
            h.start()
            hubs.append(h)
            nodes.append(h)
        urls = " ".join(f"http://127.0.0.1:{h.sync_port}" for h in hubs)
        terms = []
        for name, agency, tok in OFFICES:
            t = Node(build, base, name, agency=agency)
            tf = os.path.join(t.dir, "token")
            write_secret(tf, tok + "\n")
            t.configure(sync=terminal_sync_conf(urls, tf, http_ok=True, pull_interval_s=5))
            t.start()
            nodes.append(t)
            seed(t)
            terms.append(t)
        for t in terms:
            wait_for(lambda: t.sync_status()["pending"] == 0, 30, f"{t.name} to sync")
        print("\nrun-province: a province on this machine (Ctrl-C stops it all)\n")
        print(f"  PostgreSQL   {pg.dsn(db)}")
        print(f"               psql -h {pg.sock} -p {pg.port} -U {pglib.ROLE} {db}")
        for h in hubs:
            print(f"  {h.name:<12} sync  http://127.0.0.1:{h.sync_port}  (metrics: /metrics)")
            print(f"  {'':<12} admin MOTCUA_SOCKET={h.sock} {build}/motcua ...")
            print(f"  {'':<12}       curl --unix-socket {h.sock} http://localhost/api/v1/hub/dossiers")
        for t in terms:
            print(f"  {t.name:<12} kiosk http://127.0.0.1:{t.port}/  upstream {urls}")
            print(f"  {'':<12} admin MOTCUA_SOCKET={t.sock} {build}/motcua sync status")
        print("\n  Try: kill one hub (kill -9 its pid) and make an intake; the terminal moves to the other.")
        for h in hubs:
            print(f"  {h.name} pid {h.proc.pid}")
        stop = []
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        while not stop:
            time.sleep(0.5)
        print("\nrun-province: stopping")
    finally:
        for n in reversed(nodes):
            if n.alive():
                try:
                    n.stop()
                except AssertionError as e:
                    print(f"run-province: {e}")
        pg.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
