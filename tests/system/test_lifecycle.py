#!/usr/bin/env python3
"""System test of motcuad's start-up, reload and stop (daemon/main.c):

- A reload that changes a restart-only key keeps its running value: with a
  printer enabled on the "file" backend, a SIGHUP with printer.enabled =
  false leaves postal registrations queueing their receipts, and the log
  says the key takes effect at the next restart.
- A SIGTERM during start-up ends the daemon cleanly (exit 0, the shutdown
  log line) instead of killing it with the default action. The daemon is
  held in start-up deterministically: its sync token file is a FIFO, and
  the daemon is blocked reading it while the signal is sent.

Ends with the line "N passed, N failed".
"""
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import ROOT, eq, free_port, main, ok, wait_for  # noqa: E402
from test_daemon import Daemon  # noqa: E402
from test_postal import CLERKS, reg_body, s10, setup  # noqa: E402

RESULTS = []


def test(fn):
    RESULTS.append(fn)
    return fn


def printer_conf(dev, enabled):
    return (f"[printer]\nenabled = {'true' if enabled else 'false'}\nbackend = file\n"
            f"device = {dev}\ndata_dir = {ROOT}/data/printer\n")


def reload(d):
    """SIGHUP, then wait for the reload's own log line (bounded)."""
    line = "configuration reloaded from"
    before = d.logtext().count(line)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: d.logtext().count(line) > before, what="the reload's log line")


@test
def reload_keeps_restart_only_keys(build, tmp):
    d = Daemon(build, tmp)
    dev = os.path.join(tmp, "printer.out")
    d.write_conf(extra=printer_conf(dev, True))
    try:
        d.start()
        setup(d)
        st, j, _ = d.request("POST", "/api/v1/postal/items",
                             reg_body(s10("70707070"), actor=CLERKS[0]))
        eq(st, 201, str(j))
        ok(isinstance(j["receipt_job"], int), "printer on: a receipt job " + str(j))

        d.write_conf(extra=printer_conf(dev, False))
        reload(d)
        log = d.logtext()
        ok("reload: printer.enabled changed; the change takes effect at the next restart"
           in log, "the log names the restart-only key: " + log[-1000:])

        st, j, _ = d.request("POST", "/api/v1/postal/items",
                             reg_body(s10("70707071"), actor=CLERKS[0]))
        eq(st, 201, str(j))
        ok(isinstance(j["receipt_job"], int),
           "after the reload the receipt is still queued: " + str(j))
        eq(j["receipt_file"], dev, "still the running printer's file")
    finally:
        if d.proc and d.proc.poll() is None:
            eq(d.stop(), 0, "exit status")


@test
def sigterm_during_startup(build, tmp):
    d = Daemon(build, tmp)
    fifo = os.path.join(tmp, "sync-token")
    os.mkfifo(fifo, 0o600)
    d.write_conf(extra=f"[sync]\nupstream_url = http://127.0.0.1:{free_port()}\n"
                       f"insecure_http_loopback = true\ntoken_file = {fifo}\n")
    logf = open(d.log, "a")
    d.proc = subprocess.Popen([os.path.join(build, "motcuad"), "-d", "-c", d.conf],
                              stdout=logf, stderr=subprocess.STDOUT)
    fd = -1
    try:
        # A non-blocking open for writing succeeds only once the daemon has
        # the FIFO open for reading: it is then in start-up (the sync step),
        # and it stays there, reading, until a line is written.
        deadline = time.monotonic() + 30
        while fd == -1:
            ok(d.proc.poll() is None, "motcuad exited early: " + d.logtext()[-1000:])
            ok(time.monotonic() < deadline, "motcuad never opened its token file")
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO:
                    raise
                time.sleep(0.02)
        ok("motcuad ready" not in d.logtext(), "still starting")
        d.proc.send_signal(signal.SIGTERM)
        os.write(fd, b"0123456789abcdef0123456789abcdef\n")
        os.close(fd)
        fd = -1
        rc = d.proc.wait(timeout=30)
        eq(rc, 0, "exit status after a SIGTERM during start-up")
        log = d.logtext()
        ok("Terminated: stopping" in log, "the stop is logged: " + log[-1000:])
        ok(log.rstrip().endswith("stopped"), "the shutdown log line: " + log[-1000:])
        ok(not os.path.exists(d.sock), "the admin socket is removed")
    finally:
        if fd != -1:
            os.close(fd)
        if d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
        logf.close()


def session(args, run):
    # each test starts its own daemon in its own directory
    for fn in RESULTS:
        tmp = tempfile.mkdtemp(prefix="motcua-life-")
        try:
            if not run.case(fn.__name__, fn, args.build, tmp):
                try:
                    with open(os.path.join(tmp, "motcuad.log"), encoding="utf-8",
                              errors="replace") as f:
                        print("--- motcuad log ---")
                        print(f.read()[-3000:])
                except OSError:
                    pass
        finally:
            if not args.keep:
                shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main(session))
