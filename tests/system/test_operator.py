#!/usr/bin/env python3
"""System test of the operator's lifecycle commands (docs/operations.md):

- `motcua backup FILE` while intakes run: FILE is a sound SQLite database
  with FILE.sha256 beside it (sha256sum's form), a consistent snapshot
  (its codes are the live codes up to a point, none missing between), and
  the backup is in the audit log.
- `motcuad --restore FILE` into another directory (a new box): a daemon
  started there has the same dossier count and codes as the backup.
- The refusals: a checksum that does not match, a file that is not a
  database, a hub database given as the store, a newer schema, a restore
  while the daemon runs (its database untouched), a FILE that exists,
  --hub on a daemon that is not the hub, the backup from the staff side.
- `motcuad --version`/`--help`, `motcua --version` from the VERSION file;
  `motcua holidays list YEAR`, a year without a table provisional.

Ends with the line "N passed, N failed".
"""
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import ROOT, Tests, eq, main, ok  # noqa: E402
from test_daemon import Daemon, intake  # noqa: E402

RESULTS = Tests()
test = RESULTS.add

PROC = {"code": "1.001612.000.00.00.H49", "name": "Đăng ký kinh doanh hộ kinh doanh",
        "field": "Thành lập và hoạt động của hộ kinh doanh", "days": 3,
        "documents": ["Giấy đề nghị"], "fee": 0}


def version():
    with open(os.path.join(ROOT, "VERSION"), encoding="ascii") as f:
        return f.read().strip()


def motcuad(build, *args):
    return subprocess.run([os.path.join(build, "motcuad"), *args],
                          capture_output=True, text=True, timeout=120)


def setup(d):
    cat = os.path.join(d.tmp, "procedures.jsonl")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(json.dumps(PROC, ensure_ascii=False) + "\n")
    d.cli("catalogue", "import", cat, check=0)
    d.cli("holidays", "import", os.path.join(ROOT, "data", "holidays.csv"), check=0)


def codes_in(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in db.execute("SELECT code FROM dossiers ORDER BY id")]
    finally:
        db.close()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


class Intakes(threading.Thread):
    """Intakes one after another over the admin socket until stopped."""

    def __init__(self, d):
        super().__init__(daemon=True)
        self.d = d
        self.stop = threading.Event()
        self.codes = []
        self.errors = []

    def run(self):
        while not self.stop.is_set():
            try:
                s, j, _ = intake(self.d)
                if s == 201:
                    self.codes.append(j["code"])
                else:
                    self.errors.append((s, j))
            except Exception as e:  # noqa: BLE001 - reported by the test
                self.errors.append(e)


@test
def versions(build, tmp):
    v = version()
    p = motcuad(build, "--version")
    eq((p.returncode, p.stdout.strip()), (0, "motcuad " + v), "motcuad --version")
    p = motcuad(build, "--help")
    eq(p.returncode, 0, "motcuad --help")
    ok("--restore" in p.stdout and "/etc/motcua/motcuad.conf" in p.stdout,
       "--help names --restore and the default config: " + p.stdout)
    p = subprocess.run([os.path.join(build, "motcua"), "--version"],
                       capture_output=True, text=True, timeout=30)
    eq((p.returncode, p.stdout.strip()), (0, "motcua " + v), "motcua --version")


@test
def holidays_list(build, tmp):
    d = Daemon(build, tmp)
    d.start()
    try:
        setup(d)
        p = d.cli("holidays", "list", "2026", check=0)
        ok("2026-09-02" in p.stdout and "DATE" in p.stdout,
           "the 2026 table, National Day in it: " + p.stdout)
        ok("provisional" not in p.stdout, "2026 has a table: " + p.stdout)
        p = d.cli("holidays", "list", "2150", check=0)
        ok("2150: provisional" in p.stdout, "a year without a table: " + p.stdout)
        p = d.cli("holidays", "list", "20x6")
        eq(p.returncode, 2, "a bad year is a usage error")
        ok("YEAR" in p.stderr, "the error names YEAR: " + p.stderr)
    finally:
        eq(d.stop(), 0, "exit status")


@test
def backup_during_intakes_and_restore(build, tmp):
    os.makedirs(os.path.join(tmp, "office"))
    d = Daemon(build, os.path.join(tmp, "office"))
    d.start()
    bak = os.path.join(tmp, "motcua-backup.db")
    try:
        setup(d)
        for _ in range(20):
            eq(intake(d)[0], 201, "intake before the backup")
        writer = Intakes(d)
        writer.start()
        try:
            p = d.cli("backup", bak)
        finally:
            writer.stop.set()
            writer.join(timeout=30)
        eq(p.returncode, 0, "motcua backup: " + p.stderr)
        ok(not writer.errors, f"intakes kept working during the backup: {writer.errors[:3]}")
        ok(len(writer.codes) > 0, "intakes ran while the backup was made")
        with open(bak + ".sha256", encoding="ascii") as f:
            line = f.read()
        eq(line, f"{sha256(bak)}  motcua-backup.db\n", "FILE.sha256 in sha256sum's form")
        eq(oct(os.stat(bak).st_mode & 0o777), "0o600", "the backup holds personal data")
        ok(not os.path.exists(bak + ".partial"), "no partial file left")
        ok(not any(n.startswith("motcua.db.backup-") for n in os.listdir(d.tmp)),
           "no temporary copy left beside the store: " + str(os.listdir(d.tmp)))
        db = sqlite3.connect(bak)
        eq(db.execute("PRAGMA integrity_check").fetchone()[0], "ok", "integrity")
        eq(db.execute("PRAGMA journal_mode").fetchone()[0], "delete", "one self-contained file")
        db.close()
        live = codes_in(os.path.join(d.tmp, "motcua.db"))
        saved = codes_in(bak)
        ok(len(saved) >= 20, f"the backup has the intakes before it ({len(saved)})")
        eq(saved, live[:len(saved)], "a snapshot: the live codes up to a point, in order")

        today = datetime.date.today()
        s, j, _ = d.get(f"/api/v1/audit?from={today - datetime.timedelta(days=1)}"
                        f"&to={today + datetime.timedelta(days=1)}", admin=True)
        eq(s, 200, f"the audit log: {j}")
        ok(any(e["action"] == "backup" and e["object"] == "store" and "can.bo.test" in e["actor"]
               for e in j["entries"]), f"the backup is audited: {j['entries'][-3:]}")

        # refusals on the running daemon
        p = d.cli("backup", bak)
        eq(p.returncode, 2, "a FILE that exists is refused")
        p = d.cli("backup", "--hub", os.path.join(tmp, "hub.db"))
        eq(p.returncode, 1, "--hub on an office daemon")
        ok("hub role" in p.stderr, p.stderr)
        ok(not os.path.exists(os.path.join(tmp, "hub.db")), "nothing written on a refusal")
        p = motcuad(build, "-c", d.conf, "--restore", bak)
        eq(p.returncode, 1, "restore while the daemon runs")
        ok("stop motcuad" in p.stderr, "says to stop the daemon: " + p.stderr)
        eq(codes_in(os.path.join(d.tmp, "motcua.db"))[:len(live)], live, "the store untouched")
    finally:
        eq(d.stop(), 0, "exit status")

    # a new box: another directory, no database yet
    os.makedirs(os.path.join(tmp, "newbox"))
    d2 = Daemon(build, os.path.join(tmp, "newbox"))
    p = motcuad(build, "-c", d2.conf, "--restore", bak)
    eq(p.returncode, 0, "restore on a new box: " + p.stderr)
    ok("restored" in p.stdout, p.stdout)
    d2.start()
    try:
        # around today in any time zone (counts are the office's days)
        s, j, _ = d2.get(f"/api/v1/counts?from={today - datetime.timedelta(days=1)}"
                         f"&to={today + datetime.timedelta(days=1)}", admin=True)
        eq(s, 200, f"counts: {j}")
        eq(j["received"]["total"], len(saved), f"the daemon counts the backup's dossiers: {j}")
        restored = codes_in(os.path.join(d2.tmp, "motcua.db"))
        eq(restored, saved, "the same codes in the same order")
        for code in (saved[0], saved[-1]):
            s, jj, _ = d2.get(f"/api/v1/dossiers/{code}", admin=True)
            eq(s, 200, f"dossier {code} readable on the new box")
        s, _, _ = d2.get(f"/api/v1/dossiers/{live[-1]}", admin=True)
        if live[-1] not in saved:
            eq(s, 404, "a dossier made after the backup is not there")
    finally:
        eq(d2.stop(), 0, "exit status")
    # restore over an existing store keeps the old one beside it
    p = motcuad(build, "-c", d2.conf, "--restore", bak)
    eq(p.returncode, 0, "restore over a store: " + p.stderr)
    ok("kept as" in p.stdout, p.stdout)
    ok(any(".pre-restore-" in n for n in os.listdir(d2.tmp)), "the replaced database kept")


@test
def restore_refusals(build, tmp):
    d = Daemon(build, tmp)
    d.start()
    bak = os.path.join(tmp, "b.db")
    try:
        setup(d)
        eq(intake(d)[0], 201, "intake")
        d.cli("backup", bak, check=0)
    finally:
        eq(d.stop(), 0, "exit status")
    target = os.path.join(tmp, "target")
    os.makedirs(target)
    conf = os.path.join(target, "motcuad.conf")
    with open(d.conf, encoding="utf-8") as f:
        text = f.read().replace(f"db_path = {tmp}/motcua.db", f"db_path = {target}/motcua.db")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(text)

    def refused(path, why, what):
        p = motcuad(build, "-c", conf, "--restore", path)
        eq(p.returncode, 1, what + ": " + p.stdout + p.stderr)
        ok(why in p.stderr, f"{what}: says {why!r}: {p.stderr}")
        ok(not os.path.exists(os.path.join(target, "motcua.db")), what + ": nothing placed")
        ok(not [n for n in os.listdir(target) if n != "motcuad.conf"],
           what + ": nothing left: " + str(os.listdir(target)))

    damaged = os.path.join(tmp, "damaged.db")
    shutil.copy(bak, damaged)
    with open(damaged + ".sha256", "w", encoding="ascii") as f:
        f.write("0" * 64 + "  damaged.db\n")
    refused(damaged, "SHA-256", "a checksum that does not match")

    junk = os.path.join(tmp, "junk.db")
    with open(junk, "wb") as f:
        f.write(b"not a database at all\n" * 100)
    refused(junk, "junk.db", "not a database")

    hub = os.path.join(tmp, "hub.db")
    h = sqlite3.connect(hub)
    h.execute("CREATE TABLE hub_dossiers (code TEXT)")
    h.commit()
    h.close()
    refused(hub, "no dossiers table", "a hub database as the store")

    newer = os.path.join(tmp, "newer.db")
    shutil.copy(bak, newer)
    n = sqlite3.connect(newer)
    v = n.execute("PRAGMA user_version").fetchone()[0]
    n.execute(f"PRAGMA user_version = {v + 1}")
    n.commit()
    n.close()
    refused(newer, "newer than this motcuad", "a newer schema")

    p = motcuad(build, "-c", conf, "--restore", bak, "-n")
    eq(p.returncode, 2, "--restore with -n is a usage error")
    p = motcuad(build, "-c", conf, "--restore-hub", bak)
    eq(p.returncode, 1, "--restore-hub on an office")
    ok("sync.role" in p.stderr, p.stderr)


def schema8_db(path):
    """A store made by schema 8 (tests/system/fixtures/store-schema8.sql)."""
    with open(os.path.join(ROOT, "tests", "system", "fixtures", "store-schema8.sql"),
              encoding="utf-8") as f:
        sql = f.read()
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.commit()
    db.close()


@test
def restore_migrates_an_older_schema(build, tmp):
    old = os.path.join(tmp, "old.db")
    schema8_db(old)
    os.makedirs(os.path.join(tmp, "box"))
    d = Daemon(build, os.path.join(tmp, "box"))
    p = motcuad(build, "-c", d.conf, "--restore", old)
    eq(p.returncode, 0, "restore of a schema 8 store: " + p.stderr)
    ok("migrated" in p.stdout, p.stdout)
    store = os.path.join(d.tmp, "motcua.db")
    db = sqlite3.connect(store)
    try:
        ok(db.execute("PRAGMA user_version").fetchone()[0] > 8, "the schema brought up to date")
        rows = db.execute("SELECT created_at, expires_at FROM api_tokens").fetchall()
        eq([e - c for c, e in rows], [90 * 86400], "migration 9 gave the token its lifetime")
        ok(db.execute("SELECT count(*) FROM audit_log WHERE action = 'restore'").fetchone()[0] == 1,
           "the restore is in the store's audit log")
    finally:
        db.close()
    d.start()
    try:
        for n in (1, 2, 3):
            code = f"000.00.19.H49-261207-{n:04d}"
            s, j, _ = d.get(f"/api/v1/dossiers/{code}", admin=True)
            eq(s, 200, f"{code} after the upgrade: {j}")
        eq(intake(d)[0], 201, "a new intake on the upgraded store")
    finally:
        eq(d.stop(), 0, "exit status")


@test
def backup_not_from_the_staff_side(build, tmp):
    d = Daemon(build, tmp)
    d.start()
    try:
        p = subprocess.run([os.path.join(build, "motcua"), "backup", os.path.join(tmp, "x.db")],
                           capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, MOTCUA_URL="http://127.0.0.1:1",
                                    MOTCUA_TOKEN="x" * 40))
        eq(p.returncode, 2, "backup over MOTCUA_URL is a usage error: " + p.stderr)
        ok("admin socket" in p.stderr, p.stderr)
        s, j, _ = d.request("POST", "/api/v1/backup?db=nope")
        eq((s, j["error"]["field"]), (400, "db"), "a bad db names the field")
    finally:
        eq(d.stop(), 0, "exit status")


@test
def nightly_script_keeps_the_newest(build, tmp):
    """packaging/motcua-backup (motcua-backup.service): a new backup, then
    all but the newest MOTCUA_BACKUP_KEEP removed; an office is no hub."""
    d = Daemon(build, tmp)
    d.start()
    out = os.path.join(tmp, "backups")
    os.makedirs(out)
    try:
        old = ["motcua-20250101T023000Z.db", "motcua-20250102T023000Z.db"]
        for n in old:
            for f in (n, n + ".sha256"):
                open(os.path.join(out, f), "w").close()
        env = dict(os.environ, MOTCUA_SOCKET=d.sock, MOTCUA_BACKUP_DIR=out,
                   MOTCUA_BACKUP_KEEP="2", PATH=build + os.pathsep + os.environ["PATH"])
        p = subprocess.run(["sh", os.path.join(ROOT, "packaging", "motcua-backup")],
                           capture_output=True, text=True, env=env, timeout=120)
        eq(p.returncode, 0, "motcua-backup: " + p.stdout + p.stderr)
        left = sorted(os.listdir(out))
        eq(len(left), 4, f"two backups and their checksums kept: {left}")
        ok(old[1] in left and old[0] not in left and old[0] + ".sha256" not in left,
           f"the oldest removed with its checksum: {left}")
        new = [n for n in left if n.endswith(".db") and n not in old]
        eq(len(new), 1, f"one new backup: {left}")
        ok(not any(n.startswith("hub-") for n in left), "an office daemon has no hub backup")
        env["MOTCUA_BACKUP_KEEP"] = "0"
        p = subprocess.run(["sh", os.path.join(ROOT, "packaging", "motcua-backup")],
                           capture_output=True, text=True, env=env, timeout=120)
        eq(p.returncode, 2, "KEEP=0 is refused")
        ok("MOTCUA_BACKUP_KEEP" in p.stderr, p.stderr)
    finally:
        eq(d.stop(), 0, "exit status")


@test
def hub_backup_and_restore(build, tmp):
    """The hub role: `motcua backup --hub` copies the hub's database, and
    --restore-hub puts it back; the store's restore refuses it."""
    from synclib import Node, make_tls, write_secret  # noqa: E402
    _, cert, key = make_tls(tmp)
    hub = Node(build, tmp, "hub", role="hub")
    write_secret(os.path.join(hub.dir, "hub-tokens"),
                 "# name token agencies\nt1 " + "a" * 40 + " 000.00.19.H49\n")
    hub.configure(hub=f"tls_cert = {cert}\ntls_key = {key}")
    hub.start()
    bak = os.path.join(tmp, "hub-backup.db")
    try:
        env = dict(os.environ, MOTCUA_SOCKET=hub.sock)
        p = subprocess.run([os.path.join(build, "motcua"), "backup", "--hub", bak],
                           capture_output=True, text=True, env=env, timeout=120)
        eq(p.returncode, 0, "motcua backup --hub: " + p.stderr)
        db = sqlite3.connect(bak)
        ok(db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'hub_dossiers'")
           .fetchone()[0] == 1, "the hub's database")
        db.close()
        p = motcuad(build, "-c", hub.conf, "--restore-hub", bak)
        eq(p.returncode, 1, "--restore-hub while the hub runs")
    finally:
        hub.stop()
    p = motcuad(build, "-c", hub.conf, "--restore", bak)
    eq(p.returncode, 1, "a hub's database is not a store")
    ok("no dossiers table" in p.stderr, p.stderr)
    p = motcuad(build, "-c", hub.conf, "--restore-hub", bak)
    eq(p.returncode, 0, "--restore-hub: " + p.stderr)
    ok("kept as" in p.stdout, p.stdout)


def session(args, run):
    for fn in RESULTS:
        tmp = tempfile.mkdtemp(prefix="motcua-operator-")
        try:
            run.case(fn.__name__, fn, args.build, tmp)
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session))
