#!/usr/bin/python3
"""tests/gen/barcodes.py [--build DIR]: makes the generated barcode images in
tests/data/barcodes and their rows of expected.tsv (docs/scanners.md,
"Test images"). Debian's python3-pil and python3-numpy, nothing from pip.

- generated-1: what the project prints, photographed badly. build/gen_docs
  renders receipts cut to their Code 128 (the dossier code) or their lookup
  QR, and postal labels (an S10 id as Code 128), through the printer's own
  template engine and renderer (the pixels the printer prints). Each of the
  36 documents is then put on thermal paper and spoiled in three of six
  ways: blur, rotation, low contrast, glare, crumpling, a skewed low-quality
  phone photo. The strength of each is drawn from a fixed range chosen
  before any decoder was run on the result, from a seeded generator, so the
  set is the same on every run.
- charset-1: QR codes whose text comes in another character set: with an
  ECI (Latin-1, ISO-8859-5, UTF-8; zxing-cpp's ZXingWriter makes them),
  Latin-1 without an ECI, Shift-JIS in Kanji mode (qrencode). Each must read
  as the right UTF-8.
- refuse-1: QR codes whose text no decoder can know for sure: bytes that
  are both Latin-1 and Shift-JIS text with no ECI, and binary bytes. Each
  must be refused (symbology NONE: nothing returned).
- long-1: the largest QR codes (version 40): 7,089 digits, 4,296
  alphanumerics, 2,953 bytes. Each must come back whole.

Run from anywhere; rewrites those folders and their rows, keeps the rest.
"""
import argparse
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image, ImageFilter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data", "barcodes")
FOLDERS = ("generated-1", "charset-1", "refuse-1", "long-1")


def esc(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02X" % c)
        else:
            out.append(ch)
    return "".join(out)


# --- spoiling a printed document -----------------------------------------

def on_paper(im, rng):
    """The printout on slightly grey thermal paper with a margin, the
    print a little grey too, at a phone's distance (scale 1.0-1.8)."""
    a = np.asarray(im, dtype=np.float32) / 255.0
    paper, ink = rng.uniform(215, 245), rng.uniform(20, 60)
    a = ink + (paper - ink) * a
    m = int(rng.uniform(30, 90))
    big = np.full((a.shape[0] + 2 * m, a.shape[1] + 2 * m), paper, np.float32)
    big[m:m + a.shape[0], m:m + a.shape[1]] = a
    out = Image.fromarray(np.clip(big, 0, 255).astype(np.uint8))
    s = rng.uniform(1.0, 1.8)
    return out.resize((int(out.width * s), int(out.height * s)), Image.BILINEAR), paper


def noise(a, rng, sigma):
    return a + np.random.default_rng(rng.randrange(1 << 30)).normal(0, sigma, a.shape)


def blur(im, rng, paper):
    return im.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 3.0)))


def rotate(im, rng, paper):
    ang = rng.uniform(8, 40) * rng.choice((-1, 1))
    return im.rotate(ang, Image.BICUBIC, expand=True, fillcolor=int(paper * 0.8))


def low_contrast(im, rng, paper):
    a = np.asarray(im, dtype=np.float32)
    lo, hi = rng.uniform(110, 150), rng.uniform(185, 215)
    a = lo + (hi - lo) * (a - a.min()) / max(1.0, a.max() - a.min())
    return Image.fromarray(np.clip(noise(a, rng, 2.5), 0, 255).astype(np.uint8))


def glare(im, rng, paper):
    a = np.asarray(im, dtype=np.float32)
    h, w = a.shape
    y, x = np.mgrid[0:h, 0:w]
    cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    r = rng.uniform(0.15, 0.35) * max(w, h)
    spot = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r)) * rng.uniform(0.55, 0.85)
    grad = (x / w) * rng.uniform(0, 0.25)
    a = a + (255 - a) * np.clip(spot + grad, 0, 1)
    return Image.fromarray(np.clip(noise(a, rng, 2), 0, 255).astype(np.uint8))


def crumple(im, rng, paper):
    """Thermal paper that was in a pocket: a smooth random displacement,
    and shading along a few creases."""
    a = np.asarray(im, dtype=np.float32)
    h, w = a.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for _ in range(4):
        fx, fy = rng.uniform(0.5, 3) / w, rng.uniform(0.5, 3) / h
        ph = rng.uniform(0, 2 * math.pi)
        amp = rng.uniform(1.5, 4.5)
        dx += amp * np.sin(2 * math.pi * (fx * x + fy * y) + ph)
        dy += amp * np.cos(2 * math.pi * (fy * x + fx * y) + ph)
    xs = np.clip(x + dx, 0, w - 1).astype(np.int32)
    ys = np.clip(y + dy, 0, h - 1).astype(np.int32)
    a = a[ys, xs]
    for _ in range(rng.randint(2, 4)):
        t = rng.uniform(0, math.pi)
        px, py = rng.uniform(0, w), rng.uniform(0, h)
        d = np.abs((x - px) * math.sin(t) - (y - py) * math.cos(t))
        a = a * (1 - rng.uniform(0.1, 0.3) * np.exp(-d / rng.uniform(4, 12)))
    return Image.fromarray(np.clip(noise(a, rng, 2), 0, 255).astype(np.uint8))


def phone(im, rng, paper):
    """A skewed, small, low-quality phone photo."""
    w, h = im.size
    k = rng.uniform(0.06, 0.15) * w
    quad = (rng.uniform(0, k), rng.uniform(0, k), rng.uniform(0, k), h - rng.uniform(0, k),
            w - rng.uniform(0, k), h - rng.uniform(0, k), w - rng.uniform(0, k), rng.uniform(0, k))
    im = im.transform((w, h), Image.QUAD, quad, Image.BILINEAR, fillcolor=int(paper * 0.7))
    s = rng.uniform(0.45, 0.7)
    im = im.resize((max(1, int(w * s)), max(1, int(h * s))), Image.BILINEAR)
    return im


CONDITIONS = [("blur", blur), ("rotate", rotate), ("lowcontrast", low_contrast),
              ("glare", glare), ("crumpled", crumple), ("phone", phone)]


def generated(build, out, rows):
    tmp = tempfile.mkdtemp()
    try:
        listing = subprocess.run([os.path.join(build, "gen_docs"), tmp], cwd=ROOT,
                                 check=True, capture_output=True, text=True).stdout
        rng = random.Random(1717)
        for i, line in enumerate(listing.splitlines()):
            name, sym, text = line.split("\t")
            clean = Image.open(os.path.join(tmp, name)).convert("L")
            for c in (i % 6, (i + 2) % 6, (i + 4) % 6):
                cname, fn = CONDITIONS[c]
                im, paper = on_paper(clean, rng)
                im = fn(im, rng, paper)
                q = 60 if cname == "phone" else 75
                fname = name.replace(".png", f"-{cname}.jpg")
                im.convert("L").save(os.path.join(out, fname), quality=q)
                rows.append((f"generated-1/{fname}", sym, text))
    finally:
        shutil.rmtree(tmp)


# --- character sets and the longest codes ----------------------------------

def zxing_writer(text, encoding, path):
    subprocess.run(["ZXingWriter", "-margin", "4", "-encoding", encoding, "QRCode", text, path],
                   check=True, capture_output=True)


def qrencode(data, path, *opts):
    subprocess.run(["qrencode", "-s", "4", "-m", "4", *opts, "-o", path], input=data,
                   check=True, capture_output=True)


def charsets(rows):
    d = os.path.join(DATA, "charset-1")
    for name, text, enc in (("eci-latin1", "Café déjà vu, À bientôt", "ISO-8859-1"),
                            ("eci-cyrillic", "Привет, мир", "ISO-8859-5"),
                            ("eci-utf8", "Tiếng Việt: Trung tâm Phục vụ hành chính công", "UTF-8")):
        zxing_writer(text, enc, os.path.join(d, name + ".png"))
        rows.append((f"charset-1/{name}.png", "QRCODE", text))
    # no ECI: bytes only one of the three character sets reads
    text = "Café crème"  # 0xE9 then a space: no Shift-JIS trail byte
    qrencode(text.encode("latin-1"), os.path.join(d, "latin1-no-eci.png"), "-8")
    rows.append(("charset-1/latin1-no-eci.png", "QRCODE", text))
    text = "漢字モード"  # Kanji mode: Shift-JIS by the standard
    qrencode(text.encode("shift_jis"), os.path.join(d, "kanji.png"), "-k")
    rows.append(("charset-1/kanji.png", "QRCODE", text))
    text = "東京都千代田区"  # lead bytes 0x93-0x9F: C1 controls in Latin-1
    qrencode(text.encode("shift_jis"), os.path.join(d, "sjis-no-eci.png"), "-8")
    rows.append(("charset-1/sjis-no-eci.png", "QRCODE", text))

    d = os.path.join(DATA, "refuse-1")
    # half-width katakana: Latin-1 reads these bytes as "ÃÞ»Þ²Ý" just as well
    qrencode("ﾃﾞｻﾞｲﾝ".encode("shift_jis"), os.path.join(d, "ambiguous.png"), "-8")
    rows.append(("refuse-1/ambiguous.png", "NONE", ""))
    qrencode(bytes(random.Random(7).randrange(256) for _ in range(64)),
             os.path.join(d, "binary.png"), "-8")
    rows.append(("refuse-1/binary.png", "NONE", ""))


def longest(rows):
    d = os.path.join(DATA, "long-1")
    rng = random.Random(40)
    digits = "".join(rng.choice("0123456789") for _ in range(7089))
    alnum = "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") for _ in range(4296))
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 .,/-") for _ in range(2953))
    for name, payload, opts in (("numeric-7089", digits, ()), ("alnum-4296", alnum, ()),
                                ("bytes-2953", text, ("-8",))):
        qrencode(payload.encode(), os.path.join(d, name + ".png"), "-l", "L", "-s", "3", *opts)
        rows.append((f"long-1/{name}.png", "QRCODE", payload))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    args = ap.parse_args()
    build = args.build if os.path.isabs(args.build) else os.path.join(ROOT, args.build)
    for f in FOLDERS:
        shutil.rmtree(os.path.join(DATA, f), ignore_errors=True)
        os.makedirs(os.path.join(DATA, f))
    rows = []
    generated(build, os.path.join(DATA, "generated-1"), rows)
    charsets(rows)
    longest(rows)
    tsv = os.path.join(DATA, "expected.tsv")
    with open(tsv, encoding="utf-8") as f:
        lines = f.read().splitlines()
    keep = [l for l in lines if l.split("/")[0] not in FOLDERS]
    with open(tsv, "w", encoding="utf-8") as f:
        for l in keep:
            f.write(l + "\n")
        for p, s, t in rows:
            f.write(f"{p}\t{s}\t{esc(t)}\n")
    print(f"gen: {len(rows)} images in {', '.join(FOLDERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
