"""A throwaway PostgreSQL 15 server for the hub tests: initdb and pg_ctl in
a temporary directory, a Unix socket there and a TCP port on 127.0.0.1
(for the tests that cut the link with a proxy), trust authentication for
the one role `motcua`, fsync off (a test bed, not a store of record).

PostgreSQL refuses to run as root: when the tests run as root the server's
commands run as `nobody` (setpriv), in a directory `nobody` owns. The
server is stopped and its directory removed when the test process exits.

Only the tests that ask for PostgreSQL start one (synclib.py with
MOTCUA_TEST_HUB_BACKEND=postgresql, the *_pg.py tests); the others never
need it installed.

Not a test file itself (tests/run picks up test_*.py only).
"""
import atexit
import os
import pwd
import shutil
import subprocess
import tempfile

from runner import free_port

PG_BIN = "/usr/lib/postgresql/15/bin"
ROLE = "motcua"


class PgServer:
    def __init__(self, base=None):
        """base: a directory to keep the server in (make run-province's
        var/province/pg); None: a temporary one, removed at exit."""
        if not os.path.exists(os.path.join(PG_BIN, "pg_ctl")):
            raise AssertionError(f"PostgreSQL 15 is not installed ({PG_BIN}); "
                                 "packaging/deps.sh installs postgresql-15")
        self.keep = base is not None
        if base is not None:
            os.makedirs(base, exist_ok=True)
        self.dir = os.path.abspath(base) if base is not None else tempfile.mkdtemp(prefix="motcua-pg-")
        self.data = os.path.join(self.dir, "data")
        self.sock = self.dir
        self.port = free_port()
        self.log = os.path.join(self.dir, "postgresql.log")
        self.as_user = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                            "--clear-groups"]
        os.chmod(self.dir, 0o755)
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            self._run("initdb", "-D", self.data, "-U", ROLE, "-A", "trust", "-E", "UTF8",
                      "--locale=C", "--no-sync")
        self.started = False
        self.start()
        atexit.register(self.destroy)
        self.ndb = 0

    def _run(self, tool, *args, check=True):
        env = dict(os.environ, LC_ALL="C")
        env.pop("PGDATA", None)
        r = subprocess.run(self.as_user + [os.path.join(PG_BIN, tool), *args], cwd=self.dir,
                           capture_output=True, text=True, env=env, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"{tool} failed ({r.returncode}): {r.stdout}{r.stderr}\n"
                                 + self.logtail())
        return r

    def logtail(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def start(self):
        opts = (f"-k {self.sock} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", self.data, "-o", opts, "-l", self.log, "-w", "-t", "60", "start")
        self.started = True

    def stop(self, mode="fast"):
        if self.started:
            self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)
            self.started = False

    def restart(self, mode="fast"):
        """pg_ctl restart: every connection is cut, as when a server restarts."""
        self.stop(mode)
        self.start()

    def destroy(self):
        self.stop("fast" if self.keep else "immediate")
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def dsn(self, db, tcp_port=None):
        """A libpq connection string for db: on the Unix socket, or over TCP
        to 127.0.0.1:tcp_port (a proxy in front of this server)."""
        if tcp_port is not None:
            return f"host=127.0.0.1 port={tcp_port} dbname={db} user={ROLE}"
        return f"host={self.sock} port={self.port} dbname={db} user={ROLE}"

    def psql(self, sql, db="postgres"):
        """Runs sql with psql (as the client, any user); returns its output
        rows as lists of strings."""
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", self.sock, "-p", str(self.port),
                            "-U", ROLE, "-d", db, "-X", "-A", "-t", "-F", "\t",
                            "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"psql: {r.stderr}")
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def new_database(self, prefix="hub", name=None):
        """A new database; name given: that one, made if missing."""
        if name is not None:
            if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
                self.psql(f"CREATE DATABASE {name}")
            return name
        self.ndb += 1
        name = f"{prefix}_{os.getpid()}_{self.ndb}"
        self.psql(f"CREATE DATABASE {name}")
        return name


_SHARED = None


def shared():
    """The test process's one server, started on first use."""
    global _SHARED
    if _SHARED is None:
        _SHARED = PgServer()
    return _SHARED


class TcpProxy:
    """A TCP relay on 127.0.0.1 between a hub and the database, that the
    tests cut (every connection closed, new ones refused) and heal: the
    link between a hub and PostgreSQL going away without either of them
    stopping."""

    def __init__(self, upstream_port):
        import socket
        import threading
        self.up = upstream_port
        self.port = free_port()
        self.cut_ev = threading.Event()
        self.stop_ev = threading.Event()
        self.lock = threading.Lock()
        self.socks = []
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", self.port))
        self.ls.listen(64)
        self.ls.settimeout(0.2)
        self.t = threading.Thread(target=self._accept, daemon=True)
        self.t.start()

    def _accept(self):
        import socket
        import threading
        while not self.stop_ev.is_set():
            try:
                c, _ = self.ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if self.cut_ev.is_set():
                c.close()
                continue
            try:
                u = socket.create_connection(("127.0.0.1", self.up), timeout=5)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.socks += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(2)
            except OSError:
                pass

    def cut(self):
        import socket
        self.cut_ev.set()
        with self.lock:
            socks, self.socks = self.socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def heal(self):
        self.cut_ev.clear()

    def close(self):
        self.stop_ev.set()
        self.cut()
        self.t.join(timeout=5)
        self.ls.close()
