#!/usr/bin/env python3
"""Bodies before authentication on the staff listener (docs/security.md,
"Request bodies"): the session or token and the role of the route's row are
checked from the headers, and a request that will be refused is answered at
once with its body unread; every row has its own body limit (imports large,
everything else small), enforced from Content-Length before reading and
while reading. A real motcuad; the clients send the headers and a little of
the body, then wait for the answer.

Ends with the line "N passed, N failed".
"""
import os
import socket
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import Tests, eq, main, ok  # noqa: E402
from test_auth import PASSWORDS, ROLES, AuthDaemon, Staff  # noqa: E402

RESULTS = Tests()
test = RESULTS.add
SESSIONS = {}
BIG = 15 * 1024 * 1024


def raw_post(port, path, length, headers=(), sent=4096, wait=5.0, unix=None):
    """POSTs headers declaring `length` bytes, sends only `sent` of them and
    returns the status line's code, or None when nothing came in `wait` s."""
    if unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(unix)
    else:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json",
            f"Content-Length: {length}", *headers]
    s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    try:
        s.sendall(b"x" * min(sent, length))
    except OSError:
        pass  # refused and closed already
    s.settimeout(wait)
    try:
        reply = s.recv(4096)
    except socket.timeout:
        reply = b""
    finally:
        s.close()
    if not reply:
        return None
    return int(reply.split(b" ", 2)[1])


def signed_in(d, user):
    st = SESSIONS.get(user)
    if st is None:
        st = Staff(d.staff_port)
        s, j, _ = st.login(user)
        eq(s, 200, f"{user} signs in: {j}")
        SESSIONS[user] = st
    return [f"Cookie: {st.cookie}", f"X-CSRF-Token: {st.csrf}"]


@test
def kiosk_account_large_post_to_admin_route_refused_unread(d):
    code = raw_post(d.staff_port, "/api/v1/import", BIG, signed_in(d, "kiosk1"))
    eq(code, 403, "a signed-in kiosk account: 403 at once, the 15 MiB never read")
    code = raw_post(d.staff_port, "/api/v1/users", BIG, signed_in(d, "lan"))
    eq(code, 403, "office staff on an admin route: 403 at once")


@test
def anonymous_large_post_refused_unread(d):
    for path in ("/api/v1/import", "/api/v1/dossiers", "/api/v1/no/such/route"):
        code = raw_post(d.staff_port, path, BIG)
        eq(code, 401, f"nobody signed in, {path}: 401 at once")
    code = raw_post(d.staff_port, "/api/v1/import", BIG, ["Authorization: Bearer nonsense"])
    eq(code, 401, "a bad bearer token: 401 at once")
    signed_in(d, "boss")
    code = raw_post(d.staff_port, "/api/v1/import", BIG, [f"Cookie: {SESSIONS['boss'].cookie}"])
    eq(code, 403, "a session without its CSRF token: 403 at once")


@test
def wrong_path_or_method_answered_unread(d):
    h = signed_in(d, "boss")
    eq(raw_post(d.staff_port, "/api/v1/no/such/route", BIG, h), 404, "404 at once")
    eq(raw_post(d.staff_port, "/api/v1/counts", BIG, h), 404, "a GET row: 404 at once")
    eq(raw_post(d.staff_port, "/api/v1/audit", BIG, h), 405, "a 405 row: 405 at once")


@test
def small_row_refuses_oversized_body_at_once(d):
    h = signed_in(d, "boss")
    eq(raw_post(d.staff_port, "/api/v1/dossiers", 1024 * 1024, h), 413,
       "1 MiB for an intake: 413 at once")
    eq(raw_post(d.staff_port, "/api/v1/users/lan/disable", 200 * 1024, h), 413,
       "200 KiB for a small admin route: 413 at once")
    # the admin socket bounds each row the same way
    eq(raw_post(0, "/api/v1/dossiers", 1024 * 1024, unix=d.sock), 413,
       "the admin socket: 413 at once for a small row")


@test
def import_row_still_takes_a_large_body(d):
    h = signed_in(d, "boss")
    eq(raw_post(d.staff_port, "/api/v1/import", BIG, h, wait=1.0), None,
       "an admin's 15 MiB import is read, not refused early")


@test
def chunked_body_bounded_while_read(d):
    h = signed_in(d, "boss")
    s = socket.create_connection(("127.0.0.1", d.staff_port), timeout=10)
    head = ["POST /api/v1/dossiers HTTP/1.1", "Host: x", "Content-Type: application/json",
            "Transfer-Encoding: chunked", *h]
    s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    chunk = b"x" * 16384
    try:
        for _ in range(8):  # 128 KiB > the row's 64 KiB
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    s.settimeout(10)
    reply = s.recv(4096)
    s.close()
    ok(reply.startswith(b"HTTP/1.1 413"), f"413 for a chunked body past the row's limit: {reply[:40]!r}")


@test
def normal_requests_still_work(d):
    st = SESSIONS["lan"]
    s, j, _ = st.write("POST", "/api/v1/dossiers",
                       {"procedure_code": "1.001612.000.00.00.H49", "owner_name": "Trần Văn Bình"})
    ok(s in (201, 404), f"an intake reaches its handler: {s} {j}")
    s, _, _ = SESSIONS["kiosk1"].request("GET", "/api/v1/procedures")
    eq(s, 200, "the kiosk role reads the catalogue")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-staffbodies-")
    d = AuthDaemon(args.build, tmp)
    try:
        with run.guard("start"):
            d.start()
            for name in ("boss", "lan", "kiosk1"):
                d.cli("user", "add", name, "--role", ROLES[name], "--password-stdin",
                      input=PASSWORDS[name] + "\n", check=0)
            run.each(RESULTS, d)
    finally:
        d.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session))
