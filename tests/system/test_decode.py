#!/usr/bin/env python3
"""System test of `motcua decode`: the built CLI on images from
tests/data/barcodes, a corrupt file, a file that is not an image, a
missing file and a false positive. Checks the text and JSON output, the
longest QR codes printed whole, refusals said on stderr with the reason,
and the exit codes (0 found, 1 nothing found, 2 usage). No daemon needed.
Ends with "N passed, N failed".
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from runner import ROOT, Tests, main, ok

DATA = os.path.join(ROOT, "tests", "data", "barcodes")
QR13 = "http://google.com/gwt/n?u=bluenile.com"
TESTS = Tests()
test = TESTS.add


def eq(a, b, msg=""):
    if a != b:
        raise AssertionError(f"{msg}: {a!r} != {b!r}")


class Env:
    def __init__(self, build, tmp):
        self.cli = os.path.join(build, "motcua")
        self.tmp = tmp

    def run(self, *args):
        p = subprocess.run([self.cli, "decode", *args], capture_output=True,
                           timeout=60, cwd=DATA)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


@test
def text_output(e):
    rc, out, err = e.run("qrcode-1/13.png", "code128-1/1.png", "qrcode-1/17.png")
    eq(rc, 0, "exit")
    lines = out.splitlines()
    eq(lines[0], "qrcode-1/13.png: qr: " + QR13, "qr line")
    eq(lines[1], "code128-1/1.png: code128: 168901", "code128 line")
    # CR LF escaped: one symbol is one line
    eq(lines[2], "qrcode-1/17.png: qr: Sean Owen\\r\\nsrowen@google.com\\r\\n"
       "917-364-2918\\r\\nhttp://awesome-thoughts.com", "escaped line")
    eq(len(lines), 3, "line count")
    eq(err, "", "stderr")


@test
def json_output(e):
    # options may come after the files, like every motcua command
    rc, out, _ = e.run("qrcode-1/17.png", "code128-1/2.png", "--json")
    eq(rc, 0, "exit")
    objs = [json.loads(line) for line in out.splitlines()]
    eq(len(objs), 2, "objects")
    eq(objs[0]["file"], "qrcode-1/17.png", "file")
    eq(objs[0]["symbology"], "qr", "symbology")
    eq(objs[0]["data"], "Sean Owen\r\nsrowen@google.com\r\n917-364-2918\r\n"
       "http://awesome-thoughts.com", "data")
    eq(objs[1]["data"], "Code 128", "code128 data")
    eq(objs[1]["step"], "plain", "step")


@test
def falsepositive_finds_nothing(e):
    rc, out, _ = e.run("--json", "falsepositives-1/01.jpg",
                       "falsepositives-1/MQR-falsepositive.jpg")
    eq(rc, 1, "exit when nothing is found")
    eq(out, "", "no output")


@test
def bad_files_are_skipped(e):
    corrupt = e.file("corrupt.png", open(os.path.join(DATA, "qrcode-1/13.png"),
                                         "rb").read()[:300])
    notimg = e.file("notes.png", b"just some text, not an image\n")
    empty = e.file("empty.jpg", b"")
    missing = os.path.join(e.tmp, "missing.webp")
    rc, out, err = e.run(corrupt, notimg, empty, missing, "qrcode-1/13.png")
    eq(rc, 0, "exit: the good file was read")
    eq(out, "qrcode-1/13.png: qr: " + QR13 + "\n", "output")
    lines = err.splitlines()
    eq(len(lines), 4, "one error line per bad file: " + err)
    ok(corrupt in lines[0] and "corrupt PNG" in lines[0], lines[0])
    ok(notimg in lines[1] and "not a PNG, JPEG or WebP" in lines[1], lines[1])
    ok(empty in lines[2] and "empty file" in lines[2], lines[2])
    ok(missing in lines[3] and "No such file" in lines[3], lines[3])
    rc, out, err = e.run(corrupt)
    eq(rc, 1, "exit when only bad files")


@test
def huge_file_refused(e):
    big = os.path.join(e.tmp, "huge.jpg")
    with open(big, "wb") as f:  # sparse: 65 MiB without the disk
        f.write(b"\xff\xd8\xff")
        f.truncate(65 << 20)
    rc, out, err = e.run(big)
    eq(rc, 1, "exit")
    ok("over the" in err and "byte limit" in err, err)


@test
def usage_errors(e):
    for args in ((), ("--frobnicate", "x.png"), ("--symbologies", "pdf417", "x.png"),
                 ("--steps", "magic", "x.png"), ("--engines", "quagga", "x.png")):
        rc, out, err = e.run(*args)
        eq(rc, 2, f"exit for {args}")
        ok(err.startswith("motcua: decode: "), err)
    rc, out, _ = e.run("--help")
    eq(rc, 0, "--help")
    ok(out.startswith("Usage: motcua decode"), out)


@test
def symbology_option(e):
    rc, out, _ = e.run("--symbologies", "qr", "code128-1/1.png")
    eq(rc, 1, "code 128 off")
    rc, out, _ = e.run("--symbologies", "ean13", "ean13-1/4.png")
    eq((rc, out), (0, "ean13-1/4.png: ean13: 5449000039231\n"), "ean13 on")


@test
def long_qr_whole(e):
    rc, out, err = e.run("long-1/numeric-7089.png", "--json")
    eq(rc, 0, "exit")
    o = json.loads(out)
    eq(len(o["data"]), 7089, "digits")
    ok(o["data"].isdigit(), "digits only")
    eq(err, "", "stderr")


@test
def refusals_said(e):
    # bytes both Latin-1 and Shift-JIS text, no ECI: refused, with why
    rc, out, err = e.run("refuse-1/ambiguous.png")
    eq((rc, out), (1, ""), "nothing printed")
    ok("motcua: decode: refuse-1/ambiguous.png: qr refused (zxing): "
       "character set unknown" in err, err)
    rc, out, err = e.run("--json", "charset-1/kanji.png", "charset-1/eci-cyrillic.png")
    eq(rc, 0, "exit")
    objs = [json.loads(line) for line in out.splitlines()]
    eq([(x["data"], x["charset"], x["engine"]) for x in objs],
       [("漢字モード", "shift-jis", "zxing"), ("Привет, мир", "eci", "zxing")], "charsets")


@test
def engines_option(e):
    # ZBar alone cannot read FNC4 and refuses the 7-bit rest; zxing-cpp reads it
    rc, out, _ = e.run("--engines", "zbar", "code128-1/6.png")
    eq((rc, out), (1, ""), "zbar alone")
    rc, out, _ = e.run("--engines", "zxing", "--json", "code128-1/6.png")
    eq(json.loads(out)["data"], "óóóó1234óóabózz", "zxing alone")


def session(args, run):
    tmp = tempfile.mkdtemp(prefix="motcua-decode-")
    e = Env(args.build, tmp)
    try:
        run.each(TESTS, e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(session, keep=False))
