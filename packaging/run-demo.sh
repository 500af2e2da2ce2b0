#!/bin/sh
# run-demo.sh BUILD: `make run`. Seeds $VAR/motcua.db with demo data on the
# first run (catalogue, holidays, dossiers of every status and channel, and
# two counter intakes), prints the URLs to open, then runs motcuad in the
# foreground until Ctrl-C, on packaging/demo.conf with its ports and paths
# set from the environment (`make run PORT=... STAFF_PORT=... VAR=...`
# passes them):
#   PORT          public listener (kiosk, lookup page)   default 8080
#   STAFF_PORT    staff listener (staff pages)            default 8081
#   METRICS_PORT  /metrics for a scraper                  default 9100
#   VAR           the demo's database, socket and files   default ./var
set -eu
build=${1:-build}
PORT=${PORT:-8080}
STAFF_PORT=${STAFF_PORT:-8081}
METRICS_PORT=${METRICS_PORT:-9100}
VAR=${VAR:-./var}
for p in "PORT=$PORT" "STAFF_PORT=$STAFF_PORT" "METRICS_PORT=$METRICS_PORT"; do
	case ${p#*=} in
	'' | *[!0-9]* | 0*) bad=1 ;;
	*) [ "${p#*=}" -le 65535 ] && bad=0 || bad=1 ;;
	esac
	if [ $bad = 1 ]; then
		echo "run-demo: ${p%%=*}: expected a port number 1-65535, got '${p#*=}'" >&2
		exit 2
	fi
done
if [ "$PORT" = "$STAFF_PORT" ] || [ "$PORT" = "$METRICS_PORT" ] ||
    [ "$STAFF_PORT" = "$METRICS_PORT" ]; then
	echo "run-demo: PORT, STAFF_PORT and METRICS_PORT must differ" >&2
	exit 2
fi
# VAR goes into the config file and a sed expression: plain paths only
case $VAR in
'' | *[!A-Za-z0-9._/-]*)
	echo "run-demo: VAR: expected a directory path of letters, digits and ._/-, got '$VAR'" >&2
	exit 2
	;;
esac
mkdir -p "$VAR"
VAR=${VAR%/}
conf=$VAR/demo.conf
sock=$VAR/motcuad.sock
# The demo config with this run's ports and paths.
sed -e "s|127\.0\.0\.1:8080|127.0.0.1:$PORT|g" \
    -e "s|127\.0\.0\.1:8081|127.0.0.1:$STAFF_PORT|g" \
    -e "s|127\.0\.0\.1:9100|127.0.0.1:$METRICS_PORT|g" \
    -e "s|= \./var/|= $VAR/|" -e "s|= var/|= $VAR/|" \
    packaging/demo.conf >"$conf"
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

if [ ! -f "$VAR/demo-seeded" ]; then
	echo "run-demo: seeding $VAR/motcua.db with demo data"
	"$build/motcuad" -d -c "$conf" 2>"$VAR/seed.log" &
	pid=$!
	trap 'kill $pid 2>/dev/null' EXIT
	wait_up
	python3 packaging/demo/gen-dossiers.py --procedures >"$VAR/procedures.jsonl"
	python3 packaging/demo/gen-dossiers.py --count 80 --days 40 >"$VAR/demo.jsonl"
	motcua catalogue import "$VAR/procedures.jsonl" >/dev/null
	motcua holidays import data/holidays.csv >/dev/null
	motcua import "$VAR/demo.jsonl" >/dev/null
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
	echo "$code" >"$VAR/demo-seeded"
	kill $pid
	wait $pid || true
	trap - EXIT
fi

code=$(cat "$VAR/demo-seeded")
"$build/motcuad" -d -c "$conf" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid' INT TERM
wait_up
url=$(motcua token "$code" | sed -n 2p)
cat <<EOT

  motcuad is running on the demo config ($conf).
    Lookup page:        http://127.0.0.1:$PORT/
    Kiosk (terminal):   http://127.0.0.1:$PORT/?terminal=hall-1
                        (type $code, then 7890: the last 4 ID digits)
    A demo dossier:     $url   ($code)
    Health, metrics:    http://127.0.0.1:$PORT/healthz  http://127.0.0.1:$METRICS_PORT/metrics
    Staff CLI:          MOTCUA_SOCKET=$sock $build/motcua show $code
    Staff pages:        http://127.0.0.1:$STAFF_PORT/staff/login
                        admin/lotus-river-2026, clerk/bamboo-lantern-7,
                        staff/mango-harbour-9, kiosk/258036
  Ctrl-C stops it. rm -rf $VAR/ starts over with fresh demo data.

EOT
wait $pid
