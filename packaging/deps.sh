#!/bin/sh
# deps.sh: install the Debian 12 packages that building, running and testing
# motcua need, when they are missing. Called by `make run` and `make check`;
# `make deb` calls it as `deps.sh deb` for the packaging tools too.
set -eu
pkgs="build-essential pkg-config clang libclang-rt-14-dev clang-format
libuv1-dev libmicrohttpd-dev libjansson-dev libinih-dev libsodium-dev
libutf8proc-dev libcurl4-openssl-dev zlib1g-dev libsqlite3-dev sqlite3 libcmocka-dev
libpq-dev postgresql-15
python3 python3-openpyxl libxlsxwriter-dev curl socat wrk nginx tzdata chromium
fonts-dejavu-core openssl faketime libserialport-dev libqrencode-dev
libfreetype-dev libpng-dev zbar-tools libevdev-dev libudev-dev
libzbar-dev libjpeg-dev libwebp-dev zxing-cpp-tools libzxing-dev g++
qrencode python3-pil python3-numpy"
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
# `make deb` and `make check-deb` (sh deps.sh deb): the package's tools
[ "${1:-}" = deb ] && pkgs="$pkgs debhelper dpkg-dev fakeroot lintian mmdebstrap man-db"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
npm_deps() { # the browser tests' playwright-core, pinned by package-lock.json
	[ -d tests/browser/node_modules/playwright-core ] && return 0
	echo "deps: npm ci in tests/browser"
	(cd tests/browser && npm ci --no-audit --no-fund >/dev/null)
}
if [ -z "$missing" ]; then
	npm_deps
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root, or install these packages first:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
npm_deps
