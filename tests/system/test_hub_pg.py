#!/usr/bin/env python3
"""A province's hubs on PostgreSQL 15 (docs/sync.md "A province on
PostgreSQL"): two hub processes over one database, a third reaching it
through a TCP relay the test cuts, terminals with a list of hub URLs. Covers
failover between hubs, the same retried push to both hubs at the same
moment, pull cursors under concurrent writers on both hubs, PostgreSQL
restarted mid-push, the database down (503 fast) and the link to it cut,
a hub killed with -9 mid-batch; after each: every item on the hub exactly
once, and `motcua sync verify` clean.

pglib.py starts the server (initdb/pg_ctl in a temporary directory, as an
unprivileged user) and stops it at the end.

Ends with the line "N passed, N failed".
"""
import datetime
import http.client
import json
import os
import re
import sys
import threading
import time

os.environ["MOTCUA_TEST_HUB_BACKEND"] = "postgresql"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pglib  # noqa: E402
from runner import Tests, eq, main, ok  # noqa: E402
from synclib import (Node, bulk_backlog, check_convergence, cleanup, hub_dump,  # noqa: E402
                     new_run_dir, terminal_sync_conf, wait_for, write_secret)

RESULTS = Tests()
test = RESULTS.add

A1, A2, A3 = "000.00.19.H49", "000.00.20.H49", "000.00.21.H49"
TOK1, TOK2, TOK3 = "t1-" + "p" * 40, "t2-" + "r" * 40, "t3-" + "s" * 40
AT = 1767580320  # 2026-01-05
KEYS = iter(range(1, 1 << 30))


def key():
    return "%032x" % (next(KEYS) + (os.getpid() << 40))


class World:
    def __init__(self, build, tmp):
        self.build, self.tmp = build, tmp
        self.pg = pglib.shared()
        self.db = self.pg.new_database("province")
        self.proxy = pglib.TcpProxy(self.pg.port)
        tokens = (f"t1 {TOK1} {A1}\nt2 {TOK2} {A2}\nt3 {TOK3} {A3}\n")
        self.hub1 = Node(build, tmp, "hub1", role="hub", pg_db=self.db)
        self.hub2 = Node(build, tmp, "hub2", role="hub", pg_db=self.db)
        self.hub3 = Node(build, tmp, "hub3", role="hub", pg_db=self.db,
                         dsn=self.pg.dsn(self.db, tcp_port=self.proxy.port))
        self.hubs = [self.hub1, self.hub2, self.hub3]
        for h in self.hubs:
            write_secret(os.path.join(h.dir, "hub-tokens"), tokens)
            h.configure()
        # the two hubs start at the same moment: the migrations' advisory
        # lock lets one create the schema while the other waits
        for h in self.hubs:
            h.start(wait=False)
        for h in self.hubs:
            wait_for(lambda: h.get("/healthz")[0] == 200, 20, f"{h.name} to listen")
            wait_for(h._sync_port_open, 20, f"{h.name}'s sync listener")
        self.url = {h.name: f"http://127.0.0.1:{h.sync_port}" for h in self.hubs}
        self.t1 = self.terminal("t1", TOK1, A1, f"{self.url['hub1']} {self.url['hub2']}")
        self.t3 = self.terminal("t3", TOK3, A3, self.url["hub3"])

    def terminal(self, name, token, agency, urls):
        t = Node(self.build, self.tmp, name, agency=agency)
        tf = os.path.join(t.dir, "token")
        write_secret(tf, token + "\n")
        t.configure(sync=terminal_sync_conf(urls, tf, http_ok=True, connect_timeout_ms=500,
                                            timeout_ms=4000, backoff_max_ms=500))
        t.start()
        t.add_procedure()
        return t

    def nodes(self):
        return self.hubs + [self.t1, self.t3]


def pg_schema_version():
    """The version this motcuad migrates a PostgreSQL hub to, read from the
    code: the last "/* N: ..." entry of hubstore_pg_schema.c's migrations
    array."""
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                            "daemon", "store", "hubstore_pg_schema.c"), encoding="utf-8").read()
    block = src[src.index("static const char *const migrations[]"):]
    block = block[:block.index("};")]
    return max(int(m) for m in re.findall(r"/\* (\d+): ", block))


def hub_call(hub, method, path, token, body=None, timeout=15):
    c = http.client.HTTPConnection("127.0.0.1", hub.sync_port, timeout=timeout)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    c.request(method, path, body=None if body is None else json.dumps(body).encode(),
              headers=headers)
    r = c.getresponse()
    raw = r.read()
    c.close()
    return r.status, json.loads(raw or b"{}"), dict(r.getheaders())


def new_item(code, seq=1):
    d = {"agency_code": code.split("-")[0], "procedure_code": "P", "owner_name": "Phạm Thị Dung",
         "channel": 1, "delivery": 0, "received_at": AT}
    return {"key": key(), "kind": "dossier_new", "code": code, "seq": seq, "base": 0,
            "at": AT, "status": 2, "dossier": d}


def intakes(t, n):
    codes = []
    for i in range(n):
        s, j = t.intake(name=f"Võ Thị Hạnh {i}")
        eq(s, 201, "intake")
        codes.append(j["code"])
    return codes


def exactly_once(w, t, codes, hub=None):
    dump = check_convergence(t, hub or w.hub1, codes, t.name, timeout=90)
    extra = [c for c in codes if dump[c]["events"] != 1]
    ok(not extra, f"stored more than once or events lost: {[(c, dump[c]['events']) for c in extra[:5]]}")
    return dump


def verify_clean(t):
    d = (datetime.datetime.utcnow() + datetime.timedelta(hours=7)).strftime("%Y-%m-%d")
    p = t.cli("sync", "verify", "--from", d, "--to", d)
    eq(p.returncode, 0, f"{t.name}: motcua sync verify:\n{p.stdout}{p.stderr}")


@test
def two_hubs_serve_one_database(w):
    codes = intakes(w.t1, 10)
    exactly_once(w, w.t1, codes)
    other = hub_dump(w.hub2, "t1")
    ok(all(c in other for c in codes), "the second hub reads what the first stored")
    eq(w.pg.psql("SELECT count(*), max(version) FROM hub_schema", w.db)[0],
       ["1", str(pg_schema_version())], "the schema migrated once, under the advisory lock")
    verify_clean(w.t1)


@test
def same_retried_push_to_both_hubs_at_once(w):
    """Two hubs receive the same push at the same moment: the primary key
    of hub_keys makes one store it and the other answer duplicate."""
    for rnd in range(6):
        items = [new_item(f"{A2}-26011{rnd}-{i + 1:04d}") for i in range(40)]
        body = {"items": items}
        gate = threading.Barrier(2)
        out = {}

        def send(h):
            gate.wait()
            out[h.name] = hub_call(h, "POST", "/sync/v1/push", TOK2, body)

        th = [threading.Thread(target=send, args=(h,)) for h in (w.hub1, w.hub2)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        for name, (s, r, _) in out.items():
            eq(s, 200, f"{name} answered {r}")
        for i, it in enumerate(items):
            got = sorted(out[h][1]["results"][i]["result"] for h in ("hub1", "hub2"))
            eq(got, ["duplicate", "ok"], f"round {rnd} item {i}: stored once, the other duplicate")
    dump = hub_dump(w.hub1, "t2")
    eq(len([c for c in dump if c.startswith(A2 + "-26011")]), 240, "every dossier stored")
    ok(all(d["events"] == 1 for c, d in dump.items() if c.startswith(A2 + "-26011")),
       "each intake event once")


@test
def serialization_failures_are_retried(w):
    """The database refuses a push's transaction with serialization_failure
    (SQLSTATE 40001, raised by a trigger the first two times: a sequence's
    value survives the rollback) and then deadlock_detected (40P01): the
    hub retries the whole transaction, stores the push once and answers
    200; a push refused more often than the hub retries gets 503 and
    stores nothing."""
    w.pg.psql("CREATE SEQUENCE fault_seq; CREATE FUNCTION fault_once() RETURNS trigger"
              " LANGUAGE plpgsql AS $$ BEGIN"
              " IF nextval('fault_seq') <= 1 THEN RAISE EXCEPTION 'injected'"
              " USING ERRCODE = '40001'; END IF;"
              " IF currval('fault_seq') <= 2 THEN RAISE EXCEPTION 'injected'"
              " USING ERRCODE = '40P01'; END IF; RETURN NEW; END $$;"
              " CREATE TRIGGER fault_once BEFORE INSERT ON hub_keys"
              " FOR EACH ROW EXECUTE FUNCTION fault_once()", w.db)
    try:
        items = [new_item(f"{A2}-251230-{i + 1:04d}") for i in range(3)]
        s, r, _ = hub_call(w.hub1, "POST", "/sync/v1/push", TOK2, {"items": items})
        eq(s, 200, f"retried and stored: {r}")
        eq([x["result"] for x in r["results"]], ["ok"] * 3, "every item stored")
        # one value per row inserted: two refused attempts, then the
        # three rows of the one that held
        eq(w.pg.psql("SELECT last_value FROM fault_seq", w.db)[0][0], "5",
           "two refused attempts, then the one that held")
        s, r, _ = hub_call(w.hub2, "POST", "/sync/v1/push", TOK2, {"items": items})
        eq([x["result"] for x in r["results"]], ["duplicate"] * 3, "stored once")
        # always refused: the hub gives up after its retries, whole
        w.pg.psql("ALTER SEQUENCE fault_seq RESTART WITH -1000000 MINVALUE -1000000", w.db)
        more = [new_item(f"{A2}-251231-0001")]
        s, r, hdr = hub_call(w.hub1, "POST", "/sync/v1/push", TOK2, {"items": more})
        eq(s, 503, f"given up: {r}")
        ok("Retry-After" in hdr, f"with Retry-After: {hdr}")
    finally:
        w.pg.psql("DROP TRIGGER fault_once ON hub_keys; DROP FUNCTION fault_once();"
                  " DROP SEQUENCE fault_seq", w.db)
    dump = hub_dump(w.hub1, "t2")
    eq(sum(1 for c in dump if c.startswith(A2 + "-251230")), 3, "three dossiers")
    ok(all(dump[c]["events"] == 1 for c in dump if c.startswith(A2 + "-251230")),
       "each intake event once")
    ok(f"{A2}-251231-0001" not in dump, "the refused push stored nothing")


@test
def pull_cursor_never_skips_under_concurrent_writers(w):
    """Status changes written at once through both hubs' staff routes while
    a terminal pulls page by page from both: every change is pulled, once,
    although the transactions commit out of order."""
    codes = [f"{A2}-260120-{i + 1:04d}" for i in range(12)]
    s, r, _ = hub_call(w.hub1, "POST", "/sync/v1/push", TOK2, {"items": [new_item(c) for c in codes]})
    eq(s, 200, r)
    # the cursor now: earlier tests' changes are not this test's
    s, page, _ = hub_call(w.hub1, "GET", "/sync/v1/pull?limit=500", TOK2)
    cursor = page["cursor"]
    while page["more"]:
        s, page, _ = hub_call(w.hub1, "GET", f"/sync/v1/pull?cursor={cursor}&limit=500", TOK2)
        cursor = page["cursor"]
    written, lock, done = [], threading.Lock(), threading.Event()
    pulled = []

    def writer(n):
        hub = (w.hub1, w.hub2)[n % 2]
        for i in range(30):
            c = codes[(n * 7 + i) % len(codes)]
            s, j = hub.request("POST", f"/api/v1/hub/dossiers/{c}/status",
                               {"status": 3 + (i % 6), "reason": f"w{n}"})
            if s == 200:
                with lock:
                    written.append(c)

    def puller():
        cur = cursor
        n = 0
        idle_after_done = 0
        while idle_after_done < 3:
            hub = (w.hub1, w.hub2)[n % 2]
            n += 1
            s, page, _ = hub_call(hub, "GET", f"/sync/v1/pull?cursor={cur}&limit=7", TOK2)
            if s != 200:
                continue
            pulled.extend((it["code"], it["rev"]) for it in page["items"])
            cur = page["cursor"]
            if done.is_set() and not page["items"]:
                idle_after_done += 1
                time.sleep(0.05)

    ws = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    p = threading.Thread(target=puller)
    p.start()
    for t in ws:
        t.start()
    for t in ws:
        t.join()
    done.set()
    p.join(timeout=60)
    eq(len(written), 180, "every status change stored")
    eq(len(pulled), len(set(pulled)), "no change pulled twice")
    want = {}
    for c in written:
        want[c] = want.get(c, 0) + 1
    expect = {(c, rev) for c, n in want.items() for rev in range(1, n + 1)}
    missing = expect - set(pulled)
    ok(not missing, f"{len(missing)} change(s) skipped by the cursor, e.g. {sorted(missing)[:3]}")


@test
def database_restarted_mid_push(w):
    box = {}

    def burst():
        box["codes"] = intakes(w.t1, 40)

    th = threading.Thread(target=burst)
    th.start()
    time.sleep(0.3)
    w.pg.restart()
    th.join()
    exactly_once(w, w.t1, box["codes"])
    verify_clean(w.t1)


@test
def database_down_answers_503_fast(w):
    w.pg.stop()
    try:
        t0 = time.monotonic()
        s, r, hdrs = hub_call(w.hub1, "POST", "/sync/v1/push", TOK2,
                              {"items": [new_item(f"{A2}-260121-0001")]})
        took = time.monotonic() - t0
        eq(s, 503, f"a push with the database down: {r}")
        eq(hdrs.get("Retry-After"), "1", "with Retry-After")
        ok(took < 6.0, f"answered in {took:.1f} s (db_timeout_ms 3000)")
        t0 = time.monotonic()
        eq(w.hub1.get("/healthz")[0], 200, "the listeners stay up")
        ok(time.monotonic() - t0 < 1.0, "and answer at once")
    finally:
        w.pg.start()
    s, r, _ = hub_call(w.hub1, "POST", "/sync/v1/push", TOK2,
                       {"items": [new_item(f"{A2}-260121-0001")]}, timeout=30)
    eq(s, 200, f"after the database came back: {r}")
    eq(r["results"][0]["result"], "ok", "stored")


@test
def link_to_database_cut_then_healed(w):
    first = intakes(w.t3, 5)
    exactly_once(w, w.t3, first, hub=w.hub3)
    w.proxy.cut()
    more = intakes(w.t3, 10)
    wait_for(lambda: "503" in (w.t3.sync_status().get("last_error") or ""), 30,
             "pushes refused while the link is cut")
    eq(w.t3.sync_status()["pending"] > 0, True, "nothing acknowledged without the database")
    w.proxy.heal()
    exactly_once(w, w.t3, first + more, hub=w.hub3)
    verify_clean(w.t3)


@test
def hub_killed_mid_batch_terminal_fails_over(w):
    t = w.t1
    t.stop()
    codes = bulk_backlog(os.path.join(t.dir, "motcua.db"), 4000, A1, int(time.time()))
    t.start()
    wait_for(lambda: t.sync_status()["pending"] < 3900, 60, "the backlog to start draining")
    w.hub1.kill9()
    wait_for(lambda: t.sync_status()["pending"] == 0, 120, "the backlog to drain through hub2")
    dump = hub_dump(w.hub2, "t1")
    missing = [c for c in codes if c not in dump]
    ok(not missing, f"{len(missing)} never reached the hub")
    twice = [c for c in codes if c in dump and dump[c]["events"] != 1]
    ok(not twice, f"stored twice: {twice[:3]}")
    st = t.sync_status()
    eq(st["upstream"], w.url["hub2"], "the terminal moved to the second hub")
    eq(st["upstreams"], [w.url["hub1"], w.url["hub2"]], "the list as configured")
    w.hub1.start()
    s, j = t.intake(name="Sau khi chuyển")
    eq(s, 201, "intake")
    exactly_once(w, t, [j["code"]], hub=w.hub1)
    verify_clean(t)


@test
def old_idempotency_keys_are_pruned(w):
    """Keys past hub.key_retention_days (400) go, soon after a start and
    hourly, in batches; younger ones stay."""
    w.pg.psql("INSERT INTO hub_keys(key, terminal, at) SELECT 'old' || g, 't1', 1000000000"
              " FROM generate_series(1, 12000) g", w.db)
    young = int(w.pg.psql("SELECT count(*) FROM hub_keys WHERE at > 1000000000", w.db)[0][0])
    ok(young > 0, "keys of this run's pushes")
    w.hub2.stop()
    w.hub2.start()
    wait_for(lambda: w.pg.psql("SELECT count(*) FROM hub_keys WHERE at = 1000000000",
                               w.db)[0][0] == "0", 30, "the old keys to go")
    eq(int(w.pg.psql("SELECT count(*) FROM hub_keys WHERE at > 1000000000", w.db)[0][0]), young,
       "the young keys stay")
    def pruned():  # any of the hubs may have done it: they share the table
        n = 0
        for h in w.hubs:
            s, m = h.request("GET", "/metrics")
            eq(s, 200, "a hub's /metrics on its admin socket")
            for line in m.splitlines():
                if line.startswith("motcua_hub_keys_pruned "):
                    n += int(line.split()[1])
        return n
    wait_for(lambda: pruned() == 12000, 10, "motcua_hub_keys_pruned to count them")


@test
def migration_from_before_the_report_counts(w):
    """A province database from before the report's facts and daily counts
    (schema 3) is migrated by the first hub to start: the facts come from
    the events the hub kept (a supplement's among them), the counts are
    rebuilt, and the province report is what it was."""
    t = w.t1
    for h in w.hubs:
        if not h.alive():
            h.start()
    codes = intakes(t, 3)
    for st in (4, 5, 4, 9):
        s, j = t.request("POST", f"/api/v1/dossiers/{codes[0]}/status",
                         {"status": st, "reason": "bổ sung", "actor": "test"})
        eq(s, 200, j)
    for st in (4, 5):
        s, j = t.request("POST", f"/api/v1/dossiers/{codes[1]}/status",
                         {"status": st, "reason": "bổ sung", "actor": "test"})
        eq(s, 200, j)
    check_convergence(t, w.hub1, codes, "t1", timeout=90)
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=7)).strftime("%Y-%m-%d")
    path = f"/api/v1/hub/report?from=2026-01-01&to={today}"
    s, before = w.hub1.request("GET", path)
    eq(s, 200, before)
    ok(before["total"]["received"] >= 3 and before["total"]["resolved"] >= 1, before["total"])
    for h in w.hubs:
        h.stop()
    w.pg.psql("DROP TABLE hub_supp, hub_report_days;"
              " DROP INDEX hub_dossiers_open, hub_dossiers_ended;"
              " ALTER TABLE hub_dossiers DROP COLUMN agency, DROP COLUMN field,"
              " DROP COLUMN finished_at, DROP COLUMN returned_at, DROP COLUMN ended_at,"
              " DROP COLUMN supp_req, DROP COLUMN supp_comp, DROP COLUMN supp_net,"
              " DROP COLUMN supp_last, DROP COLUMN due0;"
              " DELETE FROM hub_schema; INSERT INTO hub_schema VALUES (3)", w.db)
    for h in w.hubs:
        h.start()
    eq(w.pg.psql("SELECT max(version) FROM hub_schema", w.db)[0][0], str(pg_schema_version()),
       "migrated")
    eq(w.pg.psql(f"SELECT supp_req, supp_comp FROM hub_dossiers WHERE code = '{codes[0]}'",
                 w.db)[0], ["1", "1"], "the supplement from the event log")
    s, after = w.hub2.request("GET", path)
    eq(s, 200, after)
    eq(after, before, "the same report after the migration")


def session(args, run):
    tmp = new_run_dir("motcua-hubpg-")
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
            w.proxy.close()
            if run.failed:
                for n in w.nodes():
                    print(f"--- {n.name} log ---")
                    print(n.logtext()[-3000:])
                print("--- postgresql log ---")
                print(w.pg.logtail())
        cleanup(tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main(session))
