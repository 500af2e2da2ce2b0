# motcua: one non-recursive Makefile. See README.md for the targets.
# make SAN=1 ... builds everything with ASan+UBSan into build/san/.

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libuv libmicrohttpd jansson inih libsodium libutf8proc libcurl sqlite3 libpq \
	xlsxwriter zlib libserialport libqrencode freetype2 libpng libevdev libudev \
	zbar libjpeg libwebp

WARN := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wcast-qual -Wwrite-strings -Wformat=2 -Wvla -Wimplicit-fallthrough
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE $(WARN) -g -Idaemon -I.

ifeq ($(SAN),1)
BUILD := build/san
OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDSAN := -fsanitize=address,undefined
else
BUILD := build
OPT := -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
LDSAN :=
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS_BASE) $(OPT) $(PKG_CFLAGS) $(VERSION_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDSAN) $(LDFLAGS)
LIBS = $(PKG_LIBS) $(ZX_LIBS) -lpthread -lm

# The one C++ file, scanner/zxdecode.cpp (zxing-cpp behind a C interface):
# the system C++ compiler, zxing-cpp's headers for it alone (its folder
# holds names like Error.h that no C file should see), and libstdc++ for
# the programs that link it.
CXX ?= c++
ZX_CFLAGS = $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags zxing 2>/dev/null))
ZX_LIBS = $(shell $(PKG_CONFIG) --libs zxing 2>/dev/null) -lstdc++
ALL_CXXFLAGS = -std=c++17 -DZX_USE_UTF8 -Wall -Wextra -Werror -Wshadow -g \
	-Idaemon -I. $(OPT) $(ZX_CFLAGS) $(CXXFLAGS)

# Sources by folder (docs/architecture.md). The daemon library is every
# folder but the CLI; the CLI links only what it uses.
LIB_SRC := $(wildcard daemon/lib/*.c)
CORE_SRC := $(wildcard daemon/core/*.c)
STORE_SRC := $(wildcard daemon/store/*.c)
HTTP_SRC := $(wildcard daemon/http/*.c)
FEATURE_SRC := $(wildcard daemon/api/*.c daemon/auth/*.c daemon/kiosk/*.c \
	daemon/sync/*.c daemon/report/*.c daemon/printer/*.c daemon/counter/*.c)
SCANNER_SRC := $(wildcard scanner/*.c)
SCANNER_CXX_SRC := $(wildcard scanner/*.cpp)
POSTAL_SRC := $(wildcard postal/*.c)
DAEMON_LIB_SRC := $(LIB_SRC) $(CORE_SRC) $(STORE_SRC) $(HTTP_SRC) \
	$(FEATURE_SRC) $(SCANNER_SRC) $(POSTAL_SRC) daemon/config.c \
	daemon/config_keys.c daemon/routes.c
DAEMON_SRC := daemon/main.c
CLI_SRC := $(wildcard daemon/cli/*.c)
UNIT_TESTS := dcode status calendar textfold token importrec config store \
	ratelimit jsonw report lgsp syncproto hubstore hubq storesync syncbuild kiosk gz \
	code128 escstat ptemplate escpos printq vntext postid \
	hidkeys hidshell evdev classify framer scanhub zdecode camscan auth \
	manifest storepostal serialdev sse routes buf csvcell backup storecounter \
	formhtml qrtext reportrule
FUZZ_TARGETS := dcode importrec config holiday report syncreply syncpush \
	lgspreply kiosk gzip escstat ptemplate postid \
	hidkeys classify framer imgload zdecode authhdr postalreg qrtext
# The targets that link the whole library (the fuzz archive below) with
# tests/fuzz/fakehttp.c in place of http/http.c: request dispatch without
# a socket, and parsers that live beside loop code.
FUZZ_LINKED := routes hub syncstatus pprofile devid textfold importpipe \
	sse clireply
FUZZ_TARGETS += $(FUZZ_LINKED)

ASSET_OBJ := $(BUILD)/obj/daemon/kiosk/assets.o \
	$(BUILD)/obj/daemon/kiosk/kiosk_assets.o $(BUILD)/obj/daemon/auth/auth_assets.o \
	$(BUILD)/obj/postal/postal_assets.o \
	$(BUILD)/obj/daemon/report/report_assets.o \
	$(BUILD)/obj/daemon/counter/counter_assets.o \
	$(BUILD)/obj/daemon/sync/hub_assets.o
CXX_OBJ := $(SCANNER_CXX_SRC:%.cpp=$(BUILD)/obj/%.o)
CORE_OBJ := $(DAEMON_LIB_SRC:%.c=$(BUILD)/obj/%.o) $(CXX_OBJ) $(ASSET_OBJ)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_TESTS:%=$(BUILD)/tests/test_%)
REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
LIBCORE := $(BUILD)/libmotcua.a

.PHONY: deb check-deb version all deps check unit-check system-check run run-province fuzz bench bench-sync bench-decode clean format \
	format-check
all: $(BUILD)/motcuad $(BUILD)/motcua

deps:
	@sh packaging/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c -o $@ $<

# The kiosk page is embedded with .incbin: no files to install.
$(BUILD)/obj/daemon/kiosk/assets.o: daemon/kiosk/assets.S lookup-ui/index.html
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/kiosk/assets.S

# The kiosk's scripts, styles and fonts, the same way. The fonts come from
# Debian's fonts-dejavu-core (full Vietnamese coverage), read at build time.
FONT_DIR ?= /usr/share/fonts/truetype/dejavu
KIOSK_ASSETS := lookup-ui/kiosk.js lookup-ui/kiosk.css \
	$(FONT_DIR)/DejaVuSans.ttf $(FONT_DIR)/DejaVuSans-Bold.ttf
$(BUILD)/obj/daemon/kiosk/kiosk_assets.o: daemon/kiosk/kiosk_assets.S $(KIOSK_ASSETS)
	@mkdir -p $(dir $@)
	$(CC) -c -Wa,-I$(FONT_DIR) -o $@ daemon/kiosk/kiosk_assets.S

# The staff sign-in page (auth.c), the same way.
STAFF_ASSETS := lookup-ui/staff-login.html lookup-ui/staff-login.js \
	lookup-ui/staff-login.css
$(BUILD)/obj/daemon/auth/auth_assets.o: daemon/auth/auth_assets.S $(STAFF_ASSETS)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/auth/auth_assets.S

# The postal staff pages (docs/postal.md), the same way.
POSTAL_UI := postal/ui/clerk.html postal/ui/office.html postal/ui/common.js \
	postal/ui/clerk.js postal/ui/office.js postal/ui/postal.css
$(BUILD)/obj/postal/postal_assets.o: postal/postal_assets.S $(POSTAL_UI)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ postal/postal_assets.S

# The staff report pages' styles and script (docs/reports.md), the same way.
REPORT_UI := daemon/report/ui/reports.css daemon/report/ui/f06a.css \
	daemon/report/ui/reports.js
$(BUILD)/obj/daemon/report/report_assets.o: daemon/report/report_assets.S $(REPORT_UI)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/report/report_assets.S

# The one version (VERSION): both programs' --version and the package's.
VERSION := $(shell cat VERSION)
VERSION_OBJ := $(BUILD)/obj/daemon/main.o $(BUILD)/obj/daemon/cli/main.o
$(VERSION_OBJ): VERSION
$(VERSION_OBJ): VERSION_CFLAGS = -DMOTCUA_VERSION='"$(VERSION)"'

# The hub's offices page (docs/sync.md), the same way.
HUB_UI := daemon/sync/ui/hub.html daemon/sync/ui/hub.js daemon/sync/ui/hub.css
$(BUILD)/obj/daemon/sync/hub_assets.o: daemon/sync/hub_assets.S $(HUB_UI)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/sync/hub_assets.S

# The counter desk's page (docs/counter.md), the same way.
COUNTER_UI := daemon/counter/ui/counter.html daemon/counter/ui/counter.js \
	daemon/counter/ui/counter.css
$(BUILD)/obj/daemon/counter/counter_assets.o: daemon/counter/counter_assets.S \
	    $(COUNTER_UI)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/counter/counter_assets.S

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/motcuad: $(DAEMON_OBJ) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The CLI is its own program: its objects and the pure modules it uses
# (the bounded buffer, dossier codes, dates, statuses, text checks, report
# arguments, S10 ids, the image decoder of `motcua decode`), never
# libmotcua.a, so it links no SQLite, store, HTTP server or libmicrohttpd;
# and only their libraries.
CLI_PURE_SRC := daemon/lib/buf.c daemon/lib/clock.c daemon/core/calendar.c daemon/core/dcode.c \
	daemon/core/status.c daemon/core/textfold.c daemon/core/reportargs.c \
	postal/postid.c scanner/scan.c scanner/imgload.c scanner/zdecode.c \
	scanner/zbdecode.c scanner/qrtext.c
CLI_PKGS := libcurl jansson libsodium libutf8proc zbar libpng libjpeg libwebp
CLI_LIBS = $(shell $(PKG_CONFIG) --libs $(CLI_PKGS) 2>/dev/null) $(ZX_LIBS) -lm
$(BUILD)/motcua: $(CLI_OBJ) $(CLI_PURE_SRC:%.c=$(BUILD)/obj/%.o) $(CXX_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CLI_LIBS)

# The unit tests' shared store fixture (tests/unit/fixture.h), an archive so
# that only the tests that use it link it and the store.
UNIT_FIXTURE := $(BUILD)/obj/tests/unit/libfixture.a
$(UNIT_FIXTURE): $(BUILD)/obj/tests/unit/fixture.o
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/test_%: tests/unit/test_%.c $(UNIT_FIXTURE) $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(UNIT_FIXTURE) $(LIBCORE) \
	    $(LIBS) -lcmocka

# Each fuzz target with a plain main() (tests/fuzz/replay.c), built by the
# normal compiler: make check replays its seed corpus (tests/fuzz/corpus/T)
# as a regression test, and every target keeps compiling without clang.
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIBCORE) \
	    $(LIBS)

# The FUZZ_LINKED targets' replays: the library less http.o (fakehttp.c
# stands in) plus the CLI's transport, whose reply parsing one of them
# replays.
LIBFUZZREPLAY := $(BUILD)/libmotcua-fuzz.a
$(LIBFUZZREPLAY): $(filter-out %/daemon/http/http.o,$(CORE_OBJ)) \
	    $(BUILD)/obj/daemon/cli/cli_http.o
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_LINKED:%=$(BUILD)/tests/replay_%): $(BUILD)/tests/replay_%: \
	    tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fakehttp.c \
	    tests/fuzz/rawserver.c $(LIBFUZZREPLAY)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	    tests/fuzz/fakehttp.c tests/fuzz/rawserver.c $(LIBFUZZREPLAY) \
	    $(LIBS)

# make check: every unit test binary, every fuzz corpus replay, then the
# system tests against the real daemon; tests/run prints the one summary line.
check: deps all $(UNIT_BIN) $(REPLAY_BIN)
	@sh tests/run $(BUILD)

# make run [PORT=8080] [STAFF_PORT=8081] [METRICS_PORT=9100] [VAR=./var], or
# the same names in the environment: the demo's ports and its directory.
run: deps all
	@PORT="$(PORT)" STAFF_PORT="$(STAFF_PORT)" METRICS_PORT="$(METRICS_PORT)" \
	    VAR="$(VAR)" sh packaging/run-demo.sh $(BUILD)

# The Debian package (debian/, docs/operations.md), built out of tree: the
# tree's files (tracked and new, less what git ignores) are copied to
# build/deb/src, debian/changelog is written
# there from VERSION, and dpkg-buildpackage leaves
# build/deb/motcua_VERSION_amd64.deb beside it; lintian must find no error.
DEB := build/deb/motcua_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
version:
	@echo $(VERSION)
deb:
	@sh packaging/deps.sh deb
	rm -rf build/deb
	mkdir -p build/deb/src
	git ls-files -z --cached --others --exclude-standard | \
	    grep -zv '^tests/browser/node_modules/' | \
	    tar --null -T - -cf - | tar -xf - -C build/deb/src
	sed -e 's/@VERSION@/$(VERSION)/' \
	    -e "s/@DATE@/$$(date -R -d @$$(git log -1 --format=%ct 2>/dev/null || date +%s))/" \
	    debian/changelog.in >build/deb/src/debian/changelog
	cd build/deb/src && DEB_BUILD_OPTIONS=parallel=2 \
	    dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
	    { tail -n 40 ../build.log; exit 1; }
	lintian --fail-on error --info $(DEB)
	@echo "built $(DEB)"

# The package on a clean Debian 12 (packaging/check-deb.sh): install,
# start as motcuad, /healthz, upgrade over itself keeping an edited
# conffile, a database of the previous schema migrated, purge.
check-deb: deb
	sh packaging/check-deb.sh $(DEB)

# A province on this machine: PostgreSQL in var/province, two hubs, two
# terminals (docs/sync.md "A province on PostgreSQL"). Ctrl-C stops all.
run-province: deps all
	@python3 packaging/run-province.py --build $(BUILD)

# Fuzzers are clang-only (libFuzzer). FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Idaemon -I. \
	-fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
FUZZ_BIN := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
# Fuzz targets link the pure parsers: the library less the loop shells.
FUZZ_EXCLUDE := daemon/http/http.c $(wildcard daemon/api/api_*.c) \
	daemon/http/request.c daemon/routes.c daemon/report/api_report.c \
	daemon/sync/hub.c daemon/sync/sync.c daemon/kiosk/kiosk_api.c \
	daemon/printer/api_print.c scanner/evdev.c scanner/serscan.c \
	scanner/scanhub.c scanner/camscan.c daemon/auth/auth.c \
	postal/api_postal.c postal/postal_pages.c daemon/http/sse.c \
	daemon/api/scanners.c daemon/api/terminals.c daemon/api/backup.c \
	daemon/counter/api_counter.c daemon/counter/counter_pages.c \
	daemon/report/book.c daemon/sync/api_sync.c daemon/kiosk/lookup.c
FUZZ_SRC := $(filter-out $(FUZZ_EXCLUDE),$(DAEMON_LIB_SRC))
FUZZ_CXX_OBJ := $(SCANNER_CXX_SRC:%.cpp=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	clang++ -std=c++17 -DZX_USE_UTF8 -g -O1 -Idaemon -I. $(ZX_CFLAGS) \
	    -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRC) $(FUZZ_CXX_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC) $(FUZZ_CXX_OBJ) $(LIBS)
# The FUZZ_LINKED targets link one instrumented archive of the library
# (built once, not per target), http.c left out for fakehttp.c.
comma := ,
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(filter-out \
	daemon/http/http.c,$(DAEMON_LIB_SRC)) daemon/cli/cli_http.c)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(subst =fuzzer$(comma),=fuzzer-no-link$(comma),$(FUZZ_CFLAGS)) -MMD -MP -c -o $@ $<
build/fuzz/libfuzz.a: $(FUZZ_OBJ) $(FUZZ_CXX_OBJ) $(ASSET_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_LINKED:%=build/fuzz/fuzz_%): build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c \
	    tests/fuzz/fakehttp.c tests/fuzz/rawserver.c build/fuzz/libfuzz.a
	clang $(FUZZ_CFLAGS) -o $@ $< tests/fuzz/fakehttp.c \
	    tests/fuzz/rawserver.c build/fuzz/libfuzz.a $(LIBS)
-include $(FUZZ_OBJ:.o=.d)
fuzz: deps $(FUZZ_BIN)
	@sh tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(BUILD)/bench_lookup: tests/bench/bench_lookup.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_report: tests/bench/bench_report.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_hubreport: tests/bench/bench_hubreport.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_printer: tests/bench/bench_printer.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_decode: tests/bench/bench_decode.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_postal: tests/bench/bench_postal.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

bench: deps all $(BUILD)/bench_lookup $(BUILD)/bench_report $(BUILD)/bench_printer \
	$(BUILD)/bench_decode $(BUILD)/bench_postal $(BUILD)/bench_hubreport
	@python3 tests/bench/sync_bench.py --build $(BUILD)
	@python3 tests/bench/hubreport.py --build $(BUILD)
	@sh tests/bench/run $(BUILD)
	@BUILD=$(BUILD) node tests/bench/kiosk.mjs

# The barcode part alone (docs/benchmarks.md, "Barcode decoding").
# HELDOUT=DIR adds the held-out set of tests/bench/heldout.py.
bench-decode: deps all $(BUILD)/bench_decode
	@python3 tests/bench/decode.py --build $(BUILD) $(if $(HELDOUT),--heldout $(HELDOUT))

# The sync part alone (docs/benchmarks.md, "Upstream sync").
bench-sync: deps all $(BUILD)/bench_hubreport
	@python3 tests/bench/sync_bench.py --build $(BUILD)
	@python3 tests/bench/hubreport.py --build $(BUILD)

FORMAT_SRC = $(wildcard daemon/*.[ch] daemon/*/*.[ch] scanner/*.[ch] scanner/*.cpp postal/*.[ch] \
	tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(CLI_OBJ:.o=.d) \
	$(BUILD)/obj/tests/unit/fixture.d

# The printer's documents as images, for tests/gen/barcodes.py.
$(BUILD)/gen_docs: tests/gen/gen_docs.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)
