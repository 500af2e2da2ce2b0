"""escpos.py: the tests' own ESC/POS parser, written apart from the daemon's
encoder so that a shared mistake cannot hide. It walks a job and recovers
its printed text (TCVN-3 decoded back to UTF-8 with its own tables), the
raster images, the Code 128 data (GS k 73, undoing {B/{C and {{) and QR
payloads (GS ( k fn 80), and counts the status queries (DLE EOT n).
"""

# TCVN-3 pages as escpos-printer-db data/encoding.yml lists them, rows from
# 0xA0 (a space is an unassigned byte).
_LOWER = ("        ăâêôơưđ "
          "     àảãáạ ằẳẵắ "
          "      ặầẩẫấậè ẻẽ"
          "éẹềểễếệìỉ   ĩíịò"
          " ỏõóọồổỗốộờởỡớợù"
          " ủũúụừửữứựỳỷỹýỵ ")
_UPPER = (" ĂÂ    Đ  ÊÔƠƯ  "
          "     ÀẢÃÁẠ ẰẲẴẮ "
          "      ẶẦẨẪẤẬÈ ẺẼ"
          "ÉẸỀỂỄẾỆÌỈ   ĨÍỊÒ"
          " ỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙ"
          " ỦŨÚỤỪỬỮỨỰỲỶỸÝỴ ")
assert len(_LOWER) == 96 and len(_UPPER) == 96


class Job:
    def __init__(self):
        self.lines = []        # printed text lines (raster lines as None)
        self.rasters = []      # (width_bytes, height, data)
        self.barcodes = []     # Code 128 data as scanned
        self.qr = []           # QR payloads
        self.status_queries = []  # n of each DLE EOT n
        self.resets = 0
        self.cuts = 0
        self.garbage = []      # bytes >= 0x80 with no code page chosen


def _code128(data):
    """GS k 73 data back to the text a scanner reads."""
    out, i, subset = [], 0, None
    while i < len(data):
        if data[i] == 0x7B and i + 1 < len(data):
            nxt = chr(data[i + 1])
            if nxt == "{":
                out.append("{")
            elif nxt in "ABC":
                subset = nxt
            else:
                raise ValueError("bad Code 128 escape {" + nxt)
            i += 2
            continue
        if subset == "C":
            out.append("%02d" % data[i])
        elif subset in ("A", "B"):
            out.append(chr(data[i]))
        else:
            raise ValueError("Code 128 data before {A/{B/{C")
        i += 1
    return "".join(out)


def parse(buf):
    """Parses a whole job; returns a Job. Raises ValueError on bytes that
    are no command this project's printer profiles use."""
    j = Job()
    page = None      # ESC t number in force
    cur = []
    i = 0
    n = len(buf)

    def flush():
        j.lines.append("".join(cur))
        cur.clear()

    while i < n:
        c = buf[i]
        if c == 0x0A:
            flush()
            i += 1
        elif c == 0x10 and i + 2 < n + 1 and buf[i + 1] == 0x04:
            j.status_queries.append(buf[i + 2])
            i += 3
        elif c == 0x1B:
            op = buf[i + 1]
            if op == 0x40:
                j.resets += 1
                page = None
                i += 2
            elif op == ord("t"):
                page = buf[i + 2]
                i += 3
            elif op in (ord("a"), ord("E"), ord("3"), ord("d"), ord("J")):
                i += 3
            else:
                raise ValueError("unknown ESC %02x at %d" % (op, i))
        elif c == 0x1D:
            op = buf[i + 1]
            if op == ord("v"):
                wb = buf[i + 4] | buf[i + 5] << 8
                h = buf[i + 6] | buf[i + 7] << 8
                j.rasters.append((wb, h, bytes(buf[i + 8:i + 8 + wb * h])))
                i += 8 + wb * h
            elif op == ord("k"):
                if buf[i + 2] != 73:
                    raise ValueError("barcode type %d" % buf[i + 2])
                ln = buf[i + 3]
                j.barcodes.append(_code128(buf[i + 4:i + 4 + ln]))
                i += 4 + ln
            elif op == ord("("):
                ln = buf[i + 3] | buf[i + 4] << 8
                body = buf[i + 5:i + 5 + ln]
                if buf[i + 2] == ord("k") and body[:3] == b"1P0":
                    j.qr.append(bytes(body[3:]).decode("ascii"))
                i += 5 + ln
            elif op == ord("V"):
                j.cuts += 1
                i += 4
            elif op in (ord("!"), ord("h"), ord("w"), ord("H")):
                i += 3
            else:
                raise ValueError("unknown GS %02x at %d" % (op, i))
        elif c >= 0x80:
            if page == 30 and _LOWER[c - 0xA0 if c >= 0xA0 else 0] != " " and c >= 0xA0:
                cur.append(_LOWER[c - 0xA0])
            elif page == 31 and c >= 0xA0 and _UPPER[c - 0xA0] != " ":
                cur.append(_UPPER[c - 0xA0])
            else:
                j.garbage.append(c)
                cur.append("\ufffd")
            i += 1
        elif c < 0x20:
            raise ValueError("control byte %02x at %d" % (c, i))
        else:
            cur.append(chr(c))
            i += 1
    if cur:
        flush()
    return j


if __name__ == "__main__":
    import sys
    job = parse(open(sys.argv[1], "rb").read())
    for line in job.lines:
        print(line)
    print("barcodes:", job.barcodes, "qr:", job.qr, "rasters:",
          len(job.rasters), "garbage:", len(job.garbage))
