# motcua: one non-recursive Makefile. See README.md for the targets.
# make SAN=1 ... builds everything with ASan+UBSan into build/san/.

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libuv libmicrohttpd jansson inih libsodium libutf8proc libcurl sqlite3 \
	xlsxwriter zlib libserialport libqrencode freetype2 libpng libevdev libudev \
	zbar libjpeg libwebp

WARN := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wcast-qual -Wwrite-strings -Wformat=2 -Wvla -Wimplicit-fallthrough
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE $(WARN) -g -Idaemon -Iscanner -Ipostal

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
ALL_CFLAGS = $(CFLAGS_BASE) $(OPT) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDSAN) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

# The library every program and test links: everything but the mains.
CORE_SRC := daemon/log.c daemon/dcode.c daemon/status.c daemon/calendar.c \
	daemon/textfold.c daemon/token.c daemon/importrec.c daemon/config.c \
	daemon/store.c daemon/ratelimit.c daemon/http.c daemon/api.c \
	daemon/jsonw.c daemon/importpipe.c daemon/report.c daemon/api_report.c \
	daemon/syncproto.c daemon/hubstore_sqlite.c daemon/hub.c daemon/sync.c \
	daemon/lgsp.c daemon/kiosk.c daemon/kiosk_api.c daemon/gz.c \
	daemon/reply.c daemon/code128.c daemon/vntext.c daemon/escstat.c daemon/perr.c \
	daemon/pprofile.c daemon/ptemplate.c daemon/escpos.c daemon/printdoc.c \
	daemon/printer.c daemon/api_print.c daemon/serialdev.c \
	postal/postid.c \
	scanner/hidkeys.c scanner/devid.c scanner/hotplug.c scanner/evdev.c \
	scanner/scan.c scanner/classify.c scanner/framer.c scanner/scanconf.c \
	scanner/serscan.c scanner/scanhub.c \
	scanner/imgload.c scanner/zdecode.c scanner/camscan.c \
	daemon/authhdr.c daemon/auth.c \
	postal/manifest.c daemon/postalreg.c daemon/api_postal.c \
	daemon/postal_pages.c daemon/sse.c
DAEMON_SRC := daemon/main.c
CLI_SRC := daemon/motcua.c daemon/cli_report.c daemon/cli_print.c \
	daemon/cli_scan.c daemon/cli_decode.c daemon/cli_user.c \
	daemon/cli_postal.c daemon/cli_http.c
UNIT_TESTS := dcode status calendar textfold token importrec config store \
	ratelimit jsonw report lgsp syncproto hubstore storesync kiosk gz \
	code128 escstat ptemplate escpos printq vntext postid \
	hidkeys hidshell evdev classify framer scanhub zdecode camscan auth \
	manifest storepostal serialdev sse
FUZZ_TARGETS := dcode importrec config holiday report syncreply syncpush \
	lgspreply kiosk gzip escstat ptemplate postid \
	hidkeys classify framer imgload zdecode authhdr postalreg

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/daemon/assets.o \
	$(BUILD)/obj/daemon/kiosk_assets.o $(BUILD)/obj/daemon/auth_assets.o \
	$(BUILD)/obj/daemon/postal_assets.o
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_TESTS:%=$(BUILD)/tests/test_%)
LIBCORE := $(BUILD)/libmotcua.a

.PHONY: all deps check unit-check system-check run fuzz bench bench-sync bench-decode clean format \
	format-check
all: $(BUILD)/motcuad $(BUILD)/motcua

deps:
	@sh packaging/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The kiosk page is embedded with .incbin: no files to install.
$(BUILD)/obj/daemon/assets.o: daemon/assets.S lookup-ui/index.html
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/assets.S

# The kiosk's scripts, styles and fonts, the same way. The fonts come from
# Debian's fonts-dejavu-core (full Vietnamese coverage), read at build time.
FONT_DIR ?= /usr/share/fonts/truetype/dejavu
KIOSK_ASSETS := lookup-ui/kiosk.js lookup-ui/kiosk.css \
	$(FONT_DIR)/DejaVuSans.ttf $(FONT_DIR)/DejaVuSans-Bold.ttf
$(BUILD)/obj/daemon/kiosk_assets.o: daemon/kiosk_assets.S $(KIOSK_ASSETS)
	@mkdir -p $(dir $@)
	$(CC) -c -Wa,-I$(FONT_DIR) -o $@ daemon/kiosk_assets.S

# The staff sign-in page (auth.c), the same way.
STAFF_ASSETS := lookup-ui/staff-login.html lookup-ui/staff-login.js \
	lookup-ui/staff-login.css
$(BUILD)/obj/daemon/auth_assets.o: daemon/auth_assets.S $(STAFF_ASSETS)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/auth_assets.S

# The postal staff pages (docs/postal.md), the same way.
POSTAL_UI := postal/ui/clerk.html postal/ui/office.html postal/ui/common.js \
	postal/ui/clerk.js postal/ui/office.js postal/ui/postal.css
$(BUILD)/obj/daemon/postal_assets.o: daemon/postal_assets.S $(POSTAL_UI)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ daemon/postal_assets.S

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/motcuad: $(DAEMON_OBJ) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/motcua: $(CLI_OBJ) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIBCORE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS) -lcmocka

# make check: every unit test binary, then the system test against the
# real daemon; tests/run prints the one summary line.
check: deps all $(UNIT_BIN)
	@sh tests/run $(BUILD)

run: deps all
	@sh packaging/run-demo.sh $(BUILD)

# Fuzzers are clang-only (libFuzzer). FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 20
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Idaemon -Iscanner -Ipostal \
	-fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
FUZZ_BIN := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(filter-out daemon/http.c daemon/api.c \
	    daemon/api_report.c daemon/hub.c daemon/sync.c daemon/kiosk_api.c \
	    daemon/api_print.c scanner/evdev.c scanner/serscan.c \
	    scanner/scanhub.c scanner/camscan.c daemon/auth.c \
	    daemon/api_postal.c daemon/postal_pages.c daemon/sse.c,$(CORE_SRC)) $(LIBS)
fuzz: deps $(FUZZ_BIN)
	@sh tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(BUILD)/bench_lookup: tests/bench/bench_lookup.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_report: tests/bench/bench_report.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_printer: tests/bench/bench_printer.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_decode: tests/bench/bench_decode.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

$(BUILD)/bench_postal: tests/bench/bench_postal.c $(LIBCORE)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBCORE) $(LIBS)

bench: deps all $(BUILD)/bench_lookup $(BUILD)/bench_report $(BUILD)/bench_printer \
	$(BUILD)/bench_decode $(BUILD)/bench_postal
	@python3 tests/bench/sync_bench.py --build $(BUILD)
	@sh tests/bench/run $(BUILD)
	@BUILD=$(BUILD) node tests/bench/kiosk.mjs

# The barcode part alone (docs/benchmarks.md, "Barcode decoding").
bench-decode: deps all $(BUILD)/bench_decode
	@python3 tests/bench/decode.py --build $(BUILD)

# The sync part alone (docs/benchmarks.md, "Upstream sync").
bench-sync: deps all
	@python3 tests/bench/sync_bench.py --build $(BUILD)

FORMAT_SRC = $(wildcard daemon/*.[ch] scanner/*.[ch] postal/*.[ch] \
	tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
