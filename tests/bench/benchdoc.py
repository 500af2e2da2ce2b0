"""One place that writes a benchmark's section of docs/benchmarks.md: the
text between its begin and end markers is replaced, or the section is
put before anchor the first time. Not a benchmark itself."""
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def write_section(begin, end, text, anchor):
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    section = begin + "\n" + text + end
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + section + doc[doc.index(end) + len(end):]
    else:
        doc = doc.replace(anchor, section + "\n\n" + anchor)
    with open(path, "w", encoding="utf-8") as f:
        f.write(doc)
