#!/bin/sh
# check-deb.sh DEB: the package on a clean Debian 12 (make check-deb).
#
# A minimal bookworm made by mmdebstrap and cached as a tarball
# (CHECK_DEB_CACHE, default /var/cache/motcua-check-deb; remade when a
# week old) is unpacked into a temporary root, and there:
#   1. apt installs DEB, resolving every dependency from the mirror;
#   2. the users, groups, directories and the config's mode are checked;
#      `motcuad -n` passes on the shipped config;
#   3. the daemon starts as motcuad from the installed paths (in a network
#      namespace of its own, so its default port meets no other test),
#      answers /healthz, and a member of the motcua group (only) uses
#      the CLI over the socket but cannot read the store;
#   4. the nightly backup script makes a backup;
#   5. the unit's systemd-analyze security exposure is 1.5 or less;
#   6. a store of schema 8 (tests/system/fixtures/store-schema8.sql) is
#      put in place, the config edited, and DEB installed over itself:
#      the edit is kept, the store migrates, its data is there;
#   7. purge removes the files, /etc/motcua and /var/lib/motcuad.
# Needs root (chroot, mounts, unshare). Prints "N passed, N failed".
set -eu
deb=$(realpath "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${CHECK_DEB_CACHE:-/var/cache/motcua-check-deb}
tarball=$cache/bookworm.tar
mirror=${CHECK_DEB_MIRROR:-http://deb.debian.org/debian}
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { # name, command...: its output shown only when it fails
	name=$1
	shift
	if "$@" >"$cache/last.out" 2>&1; then
		ok "$name"
	else
		fail "$name"
		tail -n 30 "$cache/last.out"
	fi
}

[ "$(id -u)" = 0 ] || { echo "check-deb: needs root (chroot)" >&2; exit 1; }
[ -f "$deb" ] || { echo "check-deb: no package at $1" >&2; exit 1; }

mkdir -p "$cache"
if [ ! -f "$tarball" ] || [ -n "$(find "$tarball" -mtime +7)" ]; then
	echo "check-deb: making the bookworm root (mmdebstrap, about a minute)"
	rm -f "$tarball.tmp"
	# curl for /healthz; the rest comes from the package's dependencies
	mmdebstrap --quiet --variant=apt --include=ca-certificates,curl,sqlite3 \
	    --format=tar bookworm "$tarball.tmp" \
	    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
	    "deb http://deb.debian.org/debian-security bookworm-security main"
	mv "$tarball.tmp" "$tarball"
fi

# Everything below runs in a mount namespace of its own: the root's /proc
# and /dev vanish with it, and nothing of the host's /dev is ever bound
# into the root (a recursive delete there would reach the host's nodes).
if [ "${CHECK_DEB_NS:-}" != 1 ]; then
	CHECK_DEB_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi

work=$(mktemp -d /tmp/motcua-check-deb.XXXXXX)
root=$work/root
mkdir "$root"
cleanup() {
	umount "$root/proc" 2>/dev/null || true
	umount "$root/dev/pts" 2>/dev/null || true
	umount "$root/dev" 2>/dev/null || true
	# never delete through a mount point
	if grep -q " $work/" /proc/self/mountinfo; then
		echo "check-deb: $work still has mounts; left in place" >&2
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT INT TERM
tar -xf "$tarball" -C "$root"
mount -t proc proc "$root/proc"
# the root's own /dev: a tmpfs with the few nodes apt and the daemon use
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
	set -- $n
	mknod -m 0666 "$root/dev/$1" c "$2" "$3"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/motcua.deb"
cp "$here/tests/system/fixtures/store-schema8.sql" "$root/tmp/"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
# the daemon's world: no network but loopback, as the motcuad user
in_netns() { unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$@"; }

# 1. install
t0=$(date +%s)
in_root apt-get update -qq >"$work/apt.log" 2>&1
if in_root apt-get install -y -qq --no-install-recommends /tmp/motcua.deb >>"$work/apt.log" 2>&1; then
	ok "apt install ./motcua.deb resolves every dependency ($(($(date +%s) - t0)) s)"
else
	fail "apt install"
	tail -n 30 "$work/apt.log"
	echo "$passed passed, $failed failed"
	exit 1
fi

# 2. what the package made
check "the motcuad user" in_root id motcuad
check "the motcua group" in_root getent group motcua
check "the config root:motcuad 0640" \
    sh -c "[ \"\$(chroot '$root' stat -c '%U:%G %a' /etc/motcua/motcuad.conf)\" = 'root:motcuad 640' ]"
check "/run/motcuad motcuad:motcua setgid" \
    sh -c "[ \"\$(chroot '$root' stat -c '%U:%G %a' /run/motcuad)\" = 'motcuad:motcua 2750' ]"
check "/var/lib/motcuad motcuad:motcuad 0750" \
    sh -c "[ \"\$(chroot '$root' stat -c '%U:%G %a' /var/lib/motcuad)\" = 'motcuad:motcuad 750' ]"
check "motcuad -n on the shipped config" in_root runuser -u motcuad -- /usr/sbin/motcuad -n
check "the data in /usr/share/motcua" \
    test -f "$root/usr/share/motcua/holidays.csv" -a -d "$root/usr/share/motcua/printer/profiles"
check "the man pages" test -f "$root/usr/share/man/man8/motcuad.8.gz" -a -f "$root/usr/share/man/man1/motcua.1.gz"
check "one version" sh -c "[ \"\$(chroot '$root' motcuad --version)\" = \"motcuad \$(dpkg-deb -f '$deb' Version)\" ]"

# 3. the daemon as motcuad, the CLI as a member of motcua
in_root useradd -m -G motcua clerk
cat >"$work/run.sh" <<'EOF'
set -u
setpriv --reuid=motcuad --regid=motcuad --init-groups /usr/sbin/motcuad -d >/tmp/motcuad.log 2>&1 &
pid=$!
i=0
until curl -fsS http://127.0.0.1:8080/healthz >/tmp/healthz 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || break
	sleep 0.1
done
rc=0
grep -q '"status"' /tmp/healthz || { echo "no /healthz"; rc=1; }
[ "$(stat -c %G /run/motcuad/admin.sock)" = motcua ] || { echo "socket group"; rc=1; }
runuser -u clerk -- motcua holidays import /usr/share/motcua/holidays.csv >/dev/null ||
    { echo "clerk: holidays import"; rc=1; }
runuser -u clerk -- motcua holidays list 2026 | grep -q 2026-09-02 || { echo "clerk: list"; rc=1; }
runuser -u clerk -- test -r /var/lib/motcuad/motcua.db && { echo "clerk reads the store"; rc=1; }
runuser -u clerk -- test -r /etc/motcua/motcuad.conf && { echo "clerk reads the config"; rc=1; }
runuser -u motcuad -- env MOTCUA_BACKUP_KEEP=3 /usr/libexec/motcua/motcua-backup >/dev/null ||
    { echo "the nightly backup"; rc=1; }
ls /var/lib/motcuad/backups/motcua-*.db.sha256 >/dev/null 2>&1 || { echo "no backup made"; rc=1; }
kill -TERM $pid
wait $pid || { echo "motcuad exit status $?"; rc=1; }
[ $rc = 0 ] || tail -n 20 /tmp/motcuad.log
exit $rc
EOF
cp "$work/run.sh" "$root/tmp/run.sh"
check "starts as motcuad, /healthz, CLI for motcua members only, nightly backup" \
    in_netns chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LC_ALL=C.UTF-8 sh /tmp/run.sh

# 5. the sandbox's rating (offline: no systemd runs in the root)
score=$(systemd-analyze security --offline=yes --no-pager \
    "$root/lib/systemd/system/motcuad.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for motcuad.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security: $score (at most 1.5)" \
    awk -v s="${score:-9}" 'BEGIN { exit !(s <= 1.5) }'

# 6. upgrade over itself: an edited conffile, a schema 8 store
in_root sh -c 'rm -f /var/lib/motcuad/motcua.db* &&
	sqlite3 /var/lib/motcuad/motcua.db </tmp/store-schema8.sql &&
	chown motcuad:motcuad /var/lib/motcuad/motcua.db &&
	sed -i "s/^#max_connections = .*/max_connections = 77/" /etc/motcua/motcuad.conf'
check "the conffile edited" grep -q '^max_connections = 77' "$root/etc/motcua/motcuad.conf"
if in_root apt-get install -y -qq --no-install-recommends --reinstall -o Dpkg::Options::=--force-confold \
    /tmp/motcua.deb >>"$work/apt.log" 2>&1; then
	ok "upgrade over itself"
else
	fail "upgrade over itself"
	tail -n 20 "$work/apt.log"
fi
check "the edited conffile kept" grep -q '^max_connections = 77' "$root/etc/motcua/motcuad.conf"
cat >"$root/tmp/upgraded.sh" <<'EOF'
set -u
setpriv --reuid=motcuad --regid=motcuad --init-groups /usr/sbin/motcuad -d >/tmp/motcuad.log 2>&1 &
pid=$!
i=0
until curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || break
	sleep 0.1
done
rc=0
v=$(sqlite3 /var/lib/motcuad/motcua.db 'PRAGMA user_version')
[ "$v" -gt 8 ] || { echo "schema still $v"; rc=1; }
[ "$(sqlite3 /var/lib/motcuad/motcua.db 'SELECT count(*) FROM dossiers')" = 3 ] ||
    { echo "dossiers lost"; rc=1; }
[ "$(sqlite3 /var/lib/motcuad/motcua.db 'SELECT expires_at - created_at FROM api_tokens')" = 7776000 ] ||
    { echo "the token's lifetime not migrated"; rc=1; }
motcua --socket /run/motcuad/admin.sock show 000.00.19.H49-261207-0002 >/dev/null ||
    { echo "a dossier unreadable"; rc=1; }
kill -TERM $pid
wait $pid || { echo "motcuad exit status $?"; rc=1; }
[ $rc = 0 ] || tail -n 20 /tmp/motcuad.log
exit $rc
EOF
check "the schema 8 store migrated, its data there" \
    in_netns chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LC_ALL=C.UTF-8 sh /tmp/upgraded.sh

# 7. purge
if in_root apt-get purge -y -qq motcua >>"$work/apt.log" 2>&1; then
	ok "purge"
else
	fail "purge"
	tail -n 20 "$work/apt.log"
fi
check "purge removed the programs" test ! -e "$root/usr/sbin/motcuad" -a ! -e "$root/usr/bin/motcua"
check "purge removed /etc/motcua" test ! -e "$root/etc/motcua"
check "purge removed /var/lib/motcuad" test ! -e "$root/var/lib/motcuad"
check "purge removed /usr/share/motcua" test ! -e "$root/usr/share/motcua"
check "no statoverride left" sh -c "! chroot '$root' dpkg-statoverride --list | grep -q motcua"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
