#!/usr/bin/env python3
"""Fault tests of upstream sync, each bounded in time and each ending with a
convergence check (the hub and the terminal agree on every dossier, each
dossier reached the hub exactly once). Real daemons on loopback: a hub and
terminals; most faults are injected by a small HTTP proxy (synclib.
FaultProxy) between a terminal and the hub, which speaks plain http on
loopback for that reason (sync.insecure_http_loopback, tests only: the TLS
path is covered by test_sync.py).

Random choices (when to kill -9) come from one seed, printed first;
`-s SEED` replays a run.  Ends with "N passed, N failed".
"""
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from synclib import (FAKETIME_LIB, FaultProxy, Node, bulk_backlog, check_convergence,  # noqa: E402
                     cleanup, hub_dump, new_run_dir, terminal_sync_conf, wait_for, write_secret)

RESULTS = Tests()
test = RESULTS.add
WHOLE_RUN_S = 900  # the whole file; each wait below has its own bound


def token(name):
    return f"{name}-" + "s" * 40


class World:
    def __init__(self, build, tmp, rnd):
        self.build, self.tmp, self.rnd = build, tmp, rnd
        self.hub = Node(build, tmp, "hub", role="hub")
        names = [f"t{i}" for i in range(1, 21)]
        write_secret(os.path.join(self.hub.dir, "hub-tokens"),
                     "".join(f"{n} {token(n)} 000.00.{i + 30:02d}.H49\n"
                             for i, n in enumerate(names, 1)))
        # plain http: listen is loopback. A machine loaded by parallel
        # builds may hold a commit for seconds: these tests need the hub's
        # answer to be the stored push's, not 503 at the usual deadline
        self.hub.configure(hub="db_timeout_ms = 20000")
        self.hub.start()
        self.next = 0
        self.terms = []

    def terminal(self, proxy=True, paths=("/sync/v1/push",), env=None, start=True, **kw):
        """A terminal with its own agency code and token, pushing through
        a new FaultProxy (or straight to the hub)."""
        self.next += 1
        name = f"t{self.next}"
        t = Node(self.build, self.tmp, name, agency=f"000.00.{self.next + 30:02d}.H49")
        tf = os.path.join(t.dir, "token")
        write_secret(tf, token(name) + "\n")
        t.proxy = FaultProxy(self.hub.sync_port, paths) if proxy else None
        port = t.proxy.port if proxy else self.hub.sync_port
        conf = dict(batch_size=25, timeout_ms=2000, low_speed_bytes=100, low_speed_s=1,
                    backoff_min_ms=50, backoff_max_ms=500)
        conf.update(kw)
        t.configure(sync=terminal_sync_conf(f"http://127.0.0.1:{port}", tf, http_ok=True, **conf))
        t.env = env
        self.terms.append(t)
        if start:
            t.start()
            t.add_procedure()
        return t

    def nodes(self):
        return [self.hub] + self.terms


def intakes(t, n, prefix="Nguyễn Thị"):
    codes = []
    for i in range(n):
        s, j = t.intake(name=f"{prefix} {i}")
        eq(s, 201, f"intake: {j}")
        codes.append(j["code"])
    return codes


def exactly_once(w, t, codes, events=1):
    dump = check_convergence(t, w.hub, codes, t.name, timeout=60)
    extra = [c for c in codes if dump[c]["events"] != events]
    ok(not extra, f"dossiers stored upstream more than once or with lost events: "
                  f"{[(c, dump[c]['events']) for c in extra[:5]]}")
    return dump


def hub_metric(w, name):
    """A hub counter, from the admin socket: the sync listener has no
    /metrics (docs/security.md)."""
    s, m = w.hub.request("GET", "/metrics")
    eq(s, 200, "the hub's /metrics on the admin socket")
    for line in m.splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    raise AssertionError(f"hub metric {name} missing")


def fault_run(w, faults, n=30, **kw):
    t = w.terminal(**kw)
    t.proxy.set(faults)
    codes = intakes(t, n)
    wait_for(lambda: t.proxy.pending_faults() == 0, 30, "every fault to be injected")
    exactly_once(w, t, codes)
    return t


@test
def replies_5xx_then_recovery(w):
    t = fault_run(w, ["status:503", "status:500", "status:502", "status:429"])
    ok(t.proxy.count.get("status:503") == 1 and t.proxy.count.get("status:429") == 1, t.proxy.count)
    ok("HTTP" in (t.sync_status()["last_error"] or ""), "the last error names the HTTP status")


@test
def retry_after_is_honoured(w):
    # backoff is capped at 500 ms here; upstream asks for 2 s
    t = fault_run(w, ["status:503:2"], n=5)
    (t1, f1), (t2, _) = t.proxy.times[0], t.proxy.times[1]
    eq(f1, "status:503:2", "the first push got the 503")
    ok(t2 - t1 >= 1.9, f"the retry waited for Retry-After: {t2 - t1:.2f} s")
    ok(t2 - t1 < 10, "and not much longer")


@test
def timeouts(w):
    t0 = time.monotonic()
    fault_run(w, ["hold", "hold"], timeout_ms=1000)
    ok(time.monotonic() - t0 < 60, "bounded")


@test
def slow_link_trickling(w):
    # above the low-speed limit: a slow reply still completes
    fault_run(w, ["trickle:8"] * 3)


@test
def stalled_link_below_low_speed(w):
    # 1 byte per 20 ms (50 B/s) is under low_speed_bytes = 100 for 1 s:
    # the transfer is abandoned and the batch retried; the hub had
    # committed it, so the retry is answered duplicate
    before = hub_metric(w, "motcua_hub_duplicates")
    t = fault_run(w, ["trickle:1"], low_speed_bytes=100, low_speed_s=1, timeout_ms=20000)
    ok(t.proxy.committed_unseen >= 1, "the hub stored the trickled push")
    ok(hub_metric(w, "motcua_hub_duplicates") - before >= t.proxy.committed_unseen,
       "the retry was deduplicated by key")


@test
def truncated_reply(w):
    fault_run(w, ["truncate", "truncate"])


@test
def garbage_reply_marks_nothing(w):
    t = w.terminal()
    t.proxy.set(["garbage"], after="garbage")
    codes = intakes(t, 10)
    wait_for(lambda: "bad reply" in (t.sync_status()["last_error"] or ""), 15, "a bad reply")
    time.sleep(0.5)
    eq(t.sync_status()["pending"], 10, "a garbage reply marks nothing sent")
    ok(all(c in hub_dump(w.hub, t.name) for c in codes), "(the hub did store them)")
    t.proxy.set([])
    exactly_once(w, t, codes)


@test
def success_claimed_for_unknown_keys(w):
    t = w.terminal()
    t.proxy.set(["unknown_keys"], after="unknown_keys")
    codes = intakes(t, 10)
    wait_for(lambda: "not a key that was sent" in (t.sync_status()["last_error"] or ""), 15,
             "the reply to be refused")
    eq(t.sync_status()["pending"], 10, "success for unknown keys marks nothing sent")
    t.proxy.set([])
    exactly_once(w, t, codes)


@test
def hub_commits_then_drops_connection(w):
    before = hub_metric(w, "motcua_hub_duplicates")
    t = fault_run(w, ["drop_after"] * 3, n=60)
    # every item of a dropped push was committed: its retry is a
    # duplicate (how many depends on how the intakes fell into batches)
    ok(t.proxy.committed_unseen >= 3, f"the drops hit pushes ({t.proxy.committed_unseen} items)")
    ok(hub_metric(w, "motcua_hub_duplicates") - before >= t.proxy.committed_unseen,
       "the retried batches were answered duplicate, not stored twice")
    eq(t.proxy.count.get("drop_after"), 3, "three drops injected")


@test
def status_changes_survive_faults_in_order(w):
    t = w.terminal()
    codes = intakes(t, 5)
    t.proxy.set(["drop_after", "status:503", "truncate", "garbage"])
    for c in codes:
        for st in (4, 9, 10):
            s, j = t.request("POST", f"/api/v1/dossiers/{c}/status", {"status": st, "reason": "r"})
            eq(s, 200, f"status {st}: {j}")
    dump = exactly_once(w, t, codes, events=4)
    ok(all(dump[c]["status"] == 10 for c in codes), "the last status wins upstream: order kept")


@test
def hub_killed_and_restarted_mid_batch(w):
    rnd = w.rnd
    t = w.terminal(proxy=False, batch_size=50, start=False)
    t.start()
    t.add_procedure()
    t.stop()
    codes = bulk_backlog(os.path.join(t.dir, "motcua.db"), 3000, t.agency, int(time.time()))
    w.hub.stop()
    t.start()
    w.hub.start()
    # kill -9 the hub while batches are being stored, twice
    for _ in range(2):
        wait_for(lambda: t.sync_status()["items_acked"] > 0, 30, "pushes to begin")
        time.sleep(rnd.uniform(0.0, 0.3))
        left = t.sync_status()["pending"]
        w.hub.kill9()
        print(f"  hub killed with {left} items left")
        time.sleep(rnd.uniform(0.1, 0.5))
        w.hub.start()
    exactly_once(w, t, codes)


@test
def terminal_kill9_during_burst(w):
    """Every intake acknowledged to a client survives kill -9 and reaches
    the hub exactly once."""
    rnd = w.rnd
    t = w.terminal(batch_size=10)
    acked, lock = [], threading.Lock()
    stop = threading.Event()

    def burst():
        i = 0
        while not stop.is_set():
            try:
                s, j = t.intake(name=f"Khách {i}", timeout=5)
                if s == 201:
                    with lock:
                        acked.append(j["code"])
            except (OSError, ValueError, Exception):  # noqa: BLE001 - the daemon is being killed
                time.sleep(0.02)
            i += 1

    th = threading.Thread(target=burst, daemon=True)
    th.start()
    t.proxy.set([], after="pass")
    for k in range(4):
        time.sleep(rnd.uniform(0.2, 1.2))
        t.kill9()
        with lock:
            n = len(acked)
        print(f"  kill -9 #{k + 1} after {n} acknowledged intakes")
        time.sleep(rnd.uniform(0.0, 0.3))
        t.start()
    time.sleep(rnd.uniform(0.2, 0.8))
    stop.set()
    th.join(timeout=10)
    ok(len(acked) > 20, f"a real burst: {len(acked)} intakes")
    for c in acked:
        s, _ = t.dossier(c)
        eq(s, 200, f"acknowledged intake {c} survived kill -9")
    exactly_once(w, t, acked)


@test
def clock_skew_one_day(w):
    if not os.path.exists(FAKETIME_LIB):
        raise AssertionError("libfaketime is missing: run make deps (packaging/deps.sh)")
    for skew in ("+1d", "-1d"):
        env = {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": skew, "DONT_FAKE_MONOTONIC": "1",
               # the sanitizer build: let libfaketime load before ASan
               "ASAN_OPTIONS": (os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")}
        t = w.terminal(env=env)
        codes = intakes(t, 10)
        # the terminal's day is not the hub's: codes carry the terminal's
        real = time.strftime("%y%m%d", time.gmtime(time.time() + 7 * 3600))
        ok(codes[0].split("-")[1] != real, f"{skew}: the terminal's clock is skewed ({codes[0]})")
        check_convergence(t, w.hub, codes, t.name)
        s, r = w.hub.request("POST", f"/api/v1/hub/dossiers/{codes[0]}/status", {"status": 4})
        eq(s, 200, f"upstream change: {r}")
        wait_for(lambda: t.dossier(codes[0])[1]["status"] == 4, 20, "the pull despite the skew")
        s, _ = t.request("POST", f"/api/v1/dossiers/{codes[1]}/status", {"status": 4, "reason": "x"})
        eq(s, 200, "a local change")
        exactly_once(w, t, codes[2:])
        dump = check_convergence(t, w.hub, codes, t.name)
        eq(dump[codes[0]]["status"], 4, f"{skew}: upstream change kept")
        eq(dump[codes[1]]["status"], 4, f"{skew}: local change arrived")
        day = codes[0].split("-")[1]
        d = f"20{day[:2]}-{day[2:4]}-{day[4:]}"
        p = t.cli("sync", "verify", "--from", d, "--to", d)
        eq(p.returncode, 0, f"{skew}: verify on the terminal's day agrees:\n{p.stdout}{p.stderr}")


@test
def long_outage_backlog_drains(w):
    t = w.terminal(start=False, batch_size=500, stall_warn_s=3600)
    t.start()
    t.add_procedure()
    t.stop()
    three_hours_ago = int(time.time()) - 3 * 3600
    codes = bulk_backlog(os.path.join(t.dir, "motcua.db"), 6000, t.agency, three_hours_ago)
    t.proxy.set([], after="refuse")  # upstream down
    t.start()
    live = intakes(t, 20, prefix="Trong lúc mất mạng")
    wait_for(lambda: "STALLED" in t.logtext(), 15, "the stall warning for a 3 h old backlog")
    st = t.sync_status()
    ok(st["stalled"] and st["pending"] == 6020, st)
    ok(st["failures"] >= 1 and st["next_attempt_in_ms"] <= 500, "backoff stays within its cap")
    t0 = time.monotonic()
    t.proxy.set([], after="pass")  # recovery
    exactly_once(w, t, codes + live)
    print(f"  6020 items drained in {time.monotonic() - t0:.1f} s after recovery")
    ok(not t.sync_status()["stalled"], "no longer stalled")


@test
def lookup_fallback_times_out(w):
    t = w.terminal(paths=("/sync/v1/lookup",), lookup_timeout_ms=700)
    t.proxy.set([], after="hold")
    t0 = time.monotonic()
    s, _ = t.request("GET", "/api/v1/lookup/0000ABCDEFGHJKMNPQRS", admin=False)
    dt = time.monotonic() - t0
    eq(s, 404, "a held upstream gives a miss")
    ok(0.5 < dt < 3.0, f"answered after about the lookup timeout: {dt:.2f} s")
    t.proxy.set([], after="garbage")
    s, _ = t.request("GET", "/api/v1/lookup/0000ABCDEFGHJKMNPQRS", admin=False)
    eq(s, 404, "a garbage lookup reply gives a miss")


def options(ap):
    ap.add_argument("-s", "--seed", type=int, default=None)
    ap.add_argument("-k", "--only", default=None, help="run tests whose name contains this")


def session(args, run):
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    print(f"seed {seed} (replay: python3 tests/system/test_sync_faults.py -s {seed})")
    random.seed(seed)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("whole run too long")))
    signal.alarm(WHOLE_RUN_S)
    tmp = new_run_dir("motcua-faults-")
    w = None
    try:
        with run.guard("setup"):
            w = World(args.build, tmp, random.Random(seed))
            for fn in RESULTS:
                if args.only and args.only not in fn.__name__:
                    continue
                try:
                    if not run.case(fn.__name__, fn, w, timed=True):
                        for n in w.nodes()[-1:] + [w.hub]:
                            print(f"--- {n.name} log (tail) ---")
                            print("\n".join(l for l in n.logtext().splitlines()[-40:] if "debug" not in l))
                finally:
                    for t in w.terms:
                        if t.alive():
                            t.stop()
                        if t.proxy:
                            t.proxy.close()
                            t.proxy = None
                    if not w.hub.alive():
                        w.hub.start()
    finally:
        signal.alarm(0)
        if w is not None:
            for n in w.nodes():
                if n.alive():
                    n.stop()
        cleanup(tmp, args.keep)
    print(f"seed {seed}")


if __name__ == "__main__":
    sys.exit(main(session, options))
