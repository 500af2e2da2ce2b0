#!/usr/bin/env python3
"""Staff sign-in under a flood (docs/security.md, "Sign-in"): 40 addresses
send wrong passwords as fast as the daemon answers them, two at a time each,
while the real admin signs in from a clean address. Argon2 hashing is
rationed per address and clean addresses go first, so every real sign-in
must succeed. A real motcuad with a staff listener on loopback.

Ends with the line "N passed, N failed".
"""
import http.client
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_auth import AuthDaemon, Staff  # noqa: E402
from runner import Tests, eq, main, ok  # noqa: E402

ADMIN_PASSWORD = "sign-in-flood-admin-2026"
RESULTS = Tests()
test = RESULTS.add


def flood(d, source, stop, seen):
    n = 0
    while not stop.is_set():
        n += 1
        try:
            c = http.client.HTTPConnection("127.0.0.1", d.staff_port, timeout=120,
                                           source_address=(source, 0))
            c.request("POST", "/api/v1/session",
                      body=json.dumps({"user": f"guess{n % 997}", "password": "wrong-password"}),
                      headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            c.close()
            seen[r.status] = seen.get(r.status, 0) + 1
            if r.status in (429, 503):
                time.sleep(0.05)  # a refusal is instant: keep the pressure, not a busy loop
        except OSError:
            time.sleep(0.05)


@test
def real_sign_ins_get_through_a_flood(d):
    stop = threading.Event()
    seen = {}
    threads = [threading.Thread(target=flood, args=(d, f"127.0.4.{i}", stop, seen), daemon=True)
               for i in range(1, 41) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        # Until each flooding address has failed once it is as clean as the
        # admin's, and the first sign-ins of 40 addresses queue like any
        # other: wait for that (argon2 is slow under the sanitizers), then
        # time the admin's, which must now go ahead of the flood.
        deadline = time.monotonic() + 180
        while seen.get(401, 0) < 40 and time.monotonic() < deadline:
            time.sleep(0.2)
        ok(seen.get(401, 0) >= 40, f"every flooding address failed once: {seen}")
        results = []
        for _ in range(10):
            start = time.monotonic()
            s, _, _ = Staff(d.staff_port).login("boss", ADMIN_PASSWORD)
            results.append((s, round(time.monotonic() - start, 2)))
        eq([s for s, _ in results], [200] * 10, f"the admin's sign-ins (status, seconds): {results}")
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    ok(seen.get(503, 0) + seen.get(429, 0) > 0, f"the flood was refused in part: {seen}")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-flood-")
    d = AuthDaemon(args.build, tmp)
    try:
        with run.guard("start"):
            d.start()
            d.cli("user", "add", "boss", "--role", "admin", "--password-stdin",
                  input=ADMIN_PASSWORD + "\n", check=0)
            run.each(RESULTS, d)
    finally:
        if d.proc and d.proc.poll() is None:
            d.stop()
        if run.failed:
            print("--- motcuad log ---")
            print(d.logtext()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main(session, keep=False))
