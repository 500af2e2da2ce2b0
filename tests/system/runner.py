"""The one main() of the system tests, and the small helpers they all used
to copy: the repository root, a free loopback port, a poll-until-true wait,
an HTTP connection over the admin Unix socket, and the two assertions.

A test file registers its tests in order with a Tests list, then hands its
own set-up and tear-down to main() as a function of (args, run):

    RESULTS = Tests()
    test = RESULTS.add

    @test
    def something(d): ...

    def session(args, run):
        d = Daemon(args.build, tempfile.mkdtemp(prefix="motcua-x-"))
        try:
            with run.guard("start"):
                d.start()
                run.each(RESULTS, d)
        finally:
            d.stop()

    if __name__ == "__main__":
        sys.exit(main(session))

main() parses --build (made absolute against the repository root, so the
test runs the same from any directory) and --keep, and ends with the line
tests/run sums, "N passed, N failed", and exit status 1 if anything failed;
an exception that escapes the session (a tear-down that failed) is one more
failure, printed with its traceback, not a lost summary line.

Not a test file itself (tests/run picks up test_*.py only).
"""
import argparse
import contextlib
import http.client
import os
import socket
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def eq(a, b, msg=""):
    if a != b:
        raise AssertionError(f"{msg}: expected {b!r}, got {a!r}")


def ok(cond, msg):
    if not cond:
        raise AssertionError(msg)


class Tests(list):
    """A file's tests in the order they are defined: `test = RESULTS.add`
    is the decorator that registers one."""

    def add(self, fn):
        self.append(fn)
        return fn


class Run:
    """The tally of one test file. Each result prints one line, "ok   name"
    or "FAIL name: why", as it happens, so a hang shows where it is."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        print("ok  ", name)
        self.passed += 1

    def fail(self, name, *why):
        print("FAIL", name + ":", *why)
        self.failed += 1

    def case(self, name, fn, *args, timed=False, why=str):
        """Runs fn(*args) as the test `name`; a raised exception is its
        failure (report and go on). timed adds the seconds it took. Returns
        whether it passed."""
        t0 = time.monotonic()
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - report and go on
            self.fail(name, why(e))
            return False
        self.ok(f"{name} ({time.monotonic() - t0:.1f} s)" if timed else name)
        return True

    def each(self, tests, arg, timed=False, why=str):
        for fn in tests:
            self.case(fn.__name__, fn, arg, timed=timed, why=why)

    @contextlib.contextmanager
    def guard(self, what):
        """Counts an exception escaping the block (a daemon that did not
        start, a set-up that failed) as the one failure `what`."""
        try:
            yield
        except Exception as e:  # noqa: BLE001
            self.fail(what, e)

    def summary(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def main(session, options=None, keep=True):
    """Parses the arguments, calls session(args, run) and prints the summary
    line; returns the exit status. options(parser) adds a file's own
    arguments; keep=False for files that have nothing to keep."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    if keep:
        ap.add_argument("--keep", action="store_true", help="leave the run's directory")
    if options:
        options(ap)
    args = ap.parse_args()
    if not os.path.isabs(args.build):
        args.build = os.path.join(ROOT, args.build)
    run = Run()
    try:
        session(args, run)
    except Exception as e:  # noqa: BLE001 - a failed tear-down still sums up
        traceback.print_exc()
        run.fail("session", e)
    return run.summary()
