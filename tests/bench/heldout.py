#!/usr/bin/python3
"""tests/bench/heldout.py --samples DIR --out DIR: builds the held-out
evaluation set of docs/benchmarks.md ("Barcode decoding") OUTSIDE the
repository, from zxing-cpp's test samples (a checkout's test/samples; the
images are Apache-2.0 and are not committed here).

Takes the folders of the formats motcua reads (Code 128, QR, EAN-13, ITF,
Code 39) and the photos without a barcode, skips every image already in
tests/data/barcodes and every one whose expected content is binary (.bin),
converts the rest to PNG (JPEG stays JPEG) and writes expected.tsv in the
format of tests/data/barcodes. One expected text is corrected:
ean13-2/23 shows 9784872348880 printed under its bars, which every
decoder reads; zxing-cpp's file says 9780804816632. Then:

    python3 tests/bench/decode.py --build build --heldout DIR
"""
import argparse
import os
import sys

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDERS = ["code128-1", "code128-2", "code128-3", "code39-1", "code39-2", "code39-3",
           "ean13-1", "ean13-2", "ean13-3", "ean13-4", "itf-1", "itf-2", "qrcode-1",
           "qrcode-2", "qrcode-3", "qrcode-4", "qrcode-5", "qrcode-6", "qrcode-7",
           "falsepositives-1", "falsepositives-2"]
SYM = {"code128": "CODE128", "code39": "CODE39", "ean13": "EAN13", "itf": "ITF",
       "qrcode": "QRCODE", "falsepositives": "NONE"}
FIXES = {"ean13-2/23.png": "9784872348880"}


def esc(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[ch])
        elif c < 0x20 or c == 0x7f:
            out.append("\\x%02X" % c)
        else:
            out.append(ch)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", required=True, help="zxing-cpp's test/samples")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if out.startswith(ROOT + os.sep):
        sys.exit("heldout: --out must be outside the repository")
    corpus = set()
    with open(os.path.join(ROOT, "tests", "data", "barcodes", "expected.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.split("\t")[0]
            corpus.add((p.split("/")[0], os.path.splitext(p.split("/")[1])[0]))
    rows, skipped = [], 0
    for d in FOLDERS:
        src = os.path.join(args.samples, d)
        if not os.path.isdir(src):
            continue
        sym = SYM[d.rsplit("-", 1)[0]]
        for f in sorted(os.listdir(src)):
            stem, ext = os.path.splitext(f)
            if ext not in (".png", ".jpg", ".webp") or (d, stem) in corpus:
                continue
            exp = ""
            if sym != "NONE":
                txt = os.path.join(src, stem + ".txt")
                try:
                    with open(txt, encoding="utf-8") as t:
                        exp = t.read()
                except (OSError, UnicodeDecodeError):
                    skipped += 1  # binary content (.bin): not text
                    continue
            os.makedirs(os.path.join(out, d), exist_ok=True)
            im = Image.open(os.path.join(src, f))
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                im = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
            im = im.convert("RGB")
            name = stem.replace("#", "n")
            rel = f"{d}/{name}.jpg" if ext == ".jpg" else f"{d}/{name}.png"
            if ext == ".jpg":
                im.save(os.path.join(out, rel), quality=92)
            else:
                im.save(os.path.join(out, rel))
            rows.append((rel, sym, esc(FIXES.get(rel, exp))))
    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("path\tsymbology\texpected\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"heldout: {len(rows)} images in {out} ({skipped} with binary content skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
