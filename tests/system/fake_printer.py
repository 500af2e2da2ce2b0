#!/usr/bin/env python3
"""fake_printer.py: an ESC/POS thermal printer on a pseudo-terminal, for
the system tests. The daemon opens the pty's slave through a symlink (like
/dev/ttyUSB0); this fake holds the master, walks the byte stream command
by command (escpos.py's grammar), answers DLE EOT 1/2/4 at command
boundaries as a real printer does, and collects each job (from ESC @ to
the next status query).

Modes: ok, paper_low, paper_out, cover_open, offline, garbage (answers
0xFF), silent (never answers). unplug() closes the pty and removes the
link, as pulling a USB-serial cable does; replug() makes a new one.
unplug_after = N pulls the cable once N bytes of a job have arrived.

Run alone: fake_printer.py LINK [MODE] prints each job's text.
"""
import os
import select
import sys
import threading
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import escpos  # noqa: E402

REPLIES = {  # mode -> (DLE EOT 1, DLE EOT 2, DLE EOT 4)
    "ok": (0x12, 0x12, 0x12),
    "paper_low": (0x12, 0x12, 0x1E),
    "paper_out": (0x1A, 0x12, 0x72),
    "cover_open": (0x1A, 0x16, 0x12),
    "offline": (0x1A, 0x12, 0x12),
    "garbage": (0xFF, 0xFF, 0xFF),
}


def command_length(b, i):
    """Length of the command at b[i], or None when it is not complete."""
    n = len(b) - i
    c = b[i]
    need = 1
    if c == 0x10:
        need = 3
    elif c == 0x1B:
        if n < 2:
            return None
        need = 2 if b[i + 1] == 0x40 else 3
    elif c == 0x1D:
        if n < 2:
            return None
        op = b[i + 1]
        if op == ord("v"):
            if n < 8:
                return None
            need = 8 + (b[i + 4] | b[i + 5] << 8) * (b[i + 6] | b[i + 7] << 8)
        elif op == ord("k"):
            if n < 4:
                return None
            need = 4 + b[i + 3]
        elif op == ord("("):
            if n < 5:
                return None
            need = 5 + (b[i + 3] | b[i + 4] << 8)
        elif op == ord("V"):
            need = 4
        else:
            need = 3
    return need if n >= need else None


class FakePrinter:
    def __init__(self, link, mode="ok"):
        self.link = link
        self.mode = mode
        self.jobs = []          # complete jobs (bytes)
        self.queries = []       # DLE EOT n seen
        self.unplug_after = None
        self.unplugs = 0
        self.lock = threading.Lock()
        self._buf = bytearray()
        self._job = None        # bytearray while a job is open
        self._stop = False
        self._open()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _open(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        tmp = self.link + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(os.ttyname(self.slave), tmp)
        os.replace(tmp, self.link)
        self.plugged = True

    def unplug(self):
        with self.lock:
            if not self.plugged:
                return
            self.plugged = False
            self.unplugs += 1
            if os.path.lexists(self.link):
                os.unlink(self.link)
            os.close(self.master)
            os.close(self.slave)
            self._buf.clear()
            self._job = None

    def replug(self):
        with self.lock:
            if not self.plugged:
                self._open()

    def close(self):
        self._stop = True
        self.unplug()
        self._thread.join(timeout=5)

    def _answer(self, n):
        self.queries.append(n)
        if self.mode == "silent":
            return
        r = REPLIES[self.mode]
        b = {1: r[0], 2: r[1], 4: r[2]}.get(n)
        if b is not None:
            os.write(self.master, bytes([b]))

    def _end_job(self):
        if self._job is not None and len(self._job) > 0:
            self.jobs.append(bytes(self._job))
        self._job = None

    def _feed(self, data):
        self._buf += data
        i = 0
        while i < len(self._buf):
            ln = command_length(self._buf, i)
            if ln is None:
                break
            cmd = bytes(self._buf[i:i + ln])
            if cmd[0] == 0x10 and cmd[1] == 0x04:
                self._end_job()
                self._answer(cmd[2])
            else:
                if cmd[:2] == b"\x1b@":
                    self._end_job()
                    self._job = bytearray()
                if self._job is not None:
                    self._job += cmd
                    if (self.unplug_after is not None
                            and len(self._job) >= self.unplug_after):
                        self.unplug_after = None
                        return "unplug"
            i += ln
        del self._buf[:i]
        return None

    def _run(self):
        while not self._stop:
            with self.lock:
                fd = self.master if self.plugged else None
            if fd is None:
                time.sleep(0.02)
                continue
            try:
                r, _, _ = select.select([fd], [], [], 0.05)
                if not r:
                    continue
                with self.lock:
                    if not self.plugged:
                        continue
                    data = os.read(fd, 65536)
                    action = self._feed(data)
            except OSError:
                time.sleep(0.02)
                continue
            if action == "unplug":
                self.unplug()

    def wait_jobs(self, n, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.jobs) >= n:
                    return list(self.jobs)
            time.sleep(0.05)
        raise AssertionError(f"the fake printer got {len(self.jobs)} jobs, not {n}")


if __name__ == "__main__":
    fp = FakePrinter(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "ok")
    seen = 0
    try:
        while True:
            time.sleep(0.2)
            while seen < len(fp.jobs):
                job = escpos.parse(fp.jobs[seen])
                print("\n".join(job.lines), flush=True)
                seen += 1
    except KeyboardInterrupt:
        fp.close()
