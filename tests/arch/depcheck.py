#!/usr/bin/env python3
"""depcheck.py: the architecture rules of docs/architecture.md, checked.

Reads the "Dependency rules" table of docs/architecture.md (component, its
files, the components it may include), then every C source and header of
the project, and fails on:
  - a file that belongs to no component;
  - an #include "..." of a component the table does not allow;
  - an #include "..." that names no file of the project;
  - a loop of includes between modules (x.c, x.h and a private x_int.h are
    one module), which is also how one module calls another;
  - a .c file over MAX_LINES lines;
  - with --cli BINARY: a SQLite, store or HTTP-server symbol in the CLI.
The table is the one source: the doc says what the check enforces.
Prints one line per problem and ends with "N passed, N failed".
"""
import fnmatch
import os
import re
import sys

MAX_LINES = 1500
DOC = "docs/architecture.md"
SOURCE_DIRS = ("daemon", "scanner", "postal")
INCLUDE_ROOTS = ("daemon", ".")  # -Idaemon -I.


def read_rules(path):
    """[(component, [patterns], {allowed})] from the doc's table."""
    rules = []
    in_table = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                in_table = "Dependency rules" in line
                continue
            if not in_table or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or cells[0] in ("Component", "") or \
                    set(cells[0]) <= set("-: "):
                continue
            name = cells[0].strip("`*")
            pats = re.findall(r"`([^`]+)`", cells[1])
            allowed = {a.strip("`* ") for a in cells[2].split(",")
                       if a.strip("`* ") and a.strip() != "nothing else"}
            rules.append((name, pats, allowed | {name}))
    return rules


def component_of(path, rules):
    """The component whose most specific pattern matches path."""
    best, best_len = None, -1
    for name, pats, _ in rules:
        for p in pats:
            hit = path.startswith(p) if p.endswith("/") else \
                fnmatch.fnmatchcase(path, p)
            if hit and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def sources():
    for top in SOURCE_DIRS:
        for dirpath, _, files in os.walk(top):
            for fn in sorted(files):
                if fn.endswith((".c", ".h", ".cc", ".cpp")):
                    yield os.path.join(dirpath, fn)


def includes(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                out.append((n, m.group(1)))
    return out


def resolve(path, inc):
    for root in (os.path.dirname(path),) + INCLUDE_ROOTS:
        cand = os.path.normpath(os.path.join(root, inc))
        if os.path.isfile(cand):
            return cand
    return None


def module(path):
    """x.c, x.h and x's private x_int.h are one module."""
    base = os.path.splitext(path)[0]
    return base[:-4] if base.endswith("_int") else base


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def cli_symbols(binary):
    """The symbols the CLI binary needs or defines that belong to the
    daemon's server side: it must link no SQLite, store or HTTP server."""
    import subprocess
    out = subprocess.run(["nm", binary], capture_output=True, text=True,
                         check=True).stdout
    bad = []
    for line in out.splitlines():
        name = line.split()[-1]
        if name.startswith(("sqlite3_", "store_", "MHD_", "http_", "routes_")):
            bad.append(name)
    return bad


def main():
    cli = None
    if len(sys.argv) == 3 and sys.argv[1] == "--cli":
        cli = os.path.abspath(sys.argv[2])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    os.chdir(root)
    rules = read_rules(DOC)
    if not rules:
        print(f"{DOC}: no \"Dependency rules\" table")
        print("0 passed, 1 failed")
        return 1
    allowed = {name: allow for name, _, allow in rules}
    passed, failed = 0, 0
    graph = {}

    def fail(msg):
        nonlocal failed
        failed += 1
        print(msg)

    for path in sources():
        comp = component_of(path, rules)
        if comp is None:
            fail(f"{path}: in no component of {DOC}")
            continue
        ok = True
        for line, inc in includes(path):
            target = resolve(path, inc)
            if target is None:
                fail(f"{path}:{line}: includes \"{inc}\": no such file")
                ok = False
                continue
            tcomp = component_of(target, rules)
            if tcomp not in allowed[comp]:
                fail(f"{path}:{line}: {comp} may not include {tcomp} "
                     f"(\"{inc}\")")
                ok = False
            if module(target) != module(path):
                graph.setdefault(module(path), set()).add(module(target))
        if path.endswith(".c"):
            with open(path, encoding="utf-8", errors="replace") as f:
                n = sum(1 for _ in f)
            if n > MAX_LINES:
                fail(f"{path}: {n} lines, over {MAX_LINES}")
                ok = False
        if ok:
            passed += 1
    loops = cycles(graph)
    for comp in loops:
        fail("include loop: " + " -> ".join(comp))
    if not loops:
        passed += 1
    if cli is not None:
        bad = cli_symbols(cli)
        if bad:
            fail(f"{cli}: server-side symbols: {' '.join(sorted(bad)[:20])}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
