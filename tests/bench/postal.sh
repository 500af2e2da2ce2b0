#!/bin/sh
# tests/bench/postal.sh BUILD: the postal part of `make bench` (called at
# the end of tests/bench/run; runs alone too). Replaces its own marked
# section of docs/benchmarks.md with bench_postal's output.
set -eu
build=${1:-build}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
load=$(cut -d' ' -f1-3 /proc/loadavg)
fs=$(df -T /tmp | awk 'NR == 2 { print $2 }') # tmpfs would not fsync
"$build/bench_postal" "${BENCH_POSTAL_N:-2000}" \
    "$(date -u +%Y-%m-%d), load $load, /tmp on $fs" >"$out"
cat "$out"
python3 - "$out" <<'PY'
import re, sys
sec = open(sys.argv[1]).read()
doc = open("docs/benchmarks.md").read()
pat = re.compile(r"<!-- bench:postal:begin -->.*?<!-- bench:postal:end -->\n", re.S)
doc = pat.sub(lambda m: sec, doc) if pat.search(doc) else doc.rstrip("\n") + "\n\n" + sec
open("docs/benchmarks.md", "w").write(doc)
PY
