#!/bin/sh
# run-demo.sh BUILD: `make run`. Seeds ./var/motcua.db with demo data on the
# first run (catalogue, holidays, dossiers of every status and channel, and
# two counter intakes), prints the URLs to open, then runs motcuad in the
# foreground on packaging/demo.conf until Ctrl-C.
set -eu
build=${1:-build}
conf=packaging/demo.conf
sock=./var/motcuad.sock
mkdir -p var
export MOTCUA_SOCKET=$sock
motcua() { "$build/motcua" --actor demo "$@"; }

wait_up() {
	i=0
	while ! curl -fsS --unix-socket "$sock" http://localhost/healthz \
	    >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "run-demo: motcuad did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
}

if [ ! -f var/demo-seeded ]; then
	echo "run-demo: seeding ./var/motcua.db with demo data"
	"$build/motcuad" -d -c "$conf" 2>var/seed.log &
	pid=$!
	trap 'kill $pid 2>/dev/null' EXIT
	wait_up
	python3 packaging/demo/gen-dossiers.py --procedures >var/procedures.jsonl
	python3 packaging/demo/gen-dossiers.py --count 80 --days 40 >var/demo.jsonl
	motcua catalogue import var/procedures.jsonl >/dev/null
	motcua holidays import data/holidays.csv >/dev/null
	motcua import var/demo.jsonl >/dev/null
	code=$(motcua intake --procedure 1.001612.000.00.00.H49 \
	    --name "Nguyễn Văn An" --phone 0912345678 --id-no 031234567890 \
	    --json | sed -n 's/.*"code": *"\([^"]*\)".*/\1/p')
	motcua status "$code" 4 --reason "Chuyển phòng chuyên môn" >/dev/null
	motcua intake --procedure 1.003003.000.00.00.H49 \
	    --name "Trần Thị Bình" --delivery post >/dev/null
	# demo staff accounts, one per role, with passwords the daemon's
	# rules accept (docs/security.md "Passwords"): 12 characters or more
	# without the user name, and a kiosk PIN of 6 digits that is no run
	for u in admin:admin:lotus-river-2026 clerk:postal_clerk:bamboo-lantern-7 \
	    staff:office_staff:mango-harbour-9 kiosk:kiosk:258036; do
		printf '%s\n' "${u##*:}" | motcua user add "${u%%:*}" \
		    --role "$(echo "$u" | cut -d: -f2)" --password-stdin >/dev/null
	done
	echo "$code" >var/demo-seeded
	kill $pid
	wait $pid || true
	trap - EXIT
fi

code=$(cat var/demo-seeded)
"$build/motcuad" -d -c "$conf" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid' INT TERM
wait_up
url=$(motcua token "$code" | sed -n 2p)
cat <<EOT

  motcuad is running on the demo config ($conf).
    Lookup page:        http://127.0.0.1:8080/
    Kiosk (terminal):   http://127.0.0.1:8080/?terminal=hall-1
                        (type $code, then 7890: the last 4 ID digits)
    A demo dossier:     $url   ($code)
    Health, metrics:    http://127.0.0.1:8080/healthz  http://127.0.0.1:9100/metrics
    Staff CLI:          MOTCUA_SOCKET=$sock $build/motcua show $code
    Staff pages:        http://127.0.0.1:8081/staff/login
                        admin/lotus-river-2026, clerk/bamboo-lantern-7,
                        staff/mango-harbour-9, kiosk/258036
  Ctrl-C stops it. rm -rf var/ starts over with fresh demo data.

EOT
wait $pid
