"""Reading text dumps of whole web pages: body and title quality.

Each of the 181 aeb-html pages is turned into a text dump by several HTML to
text converters, as a user's own collection tool would, and each dump is read
by citegraph's ``.txt`` reader. Prints mean token precision, recall and F1 of
the body against the hand-checked ``articleBody`` per converter, before (the
plain-text shape: first line title, whole page as body) and after (the web
page dump shape, ``citegraph/pagetext.py``). Then title accuracy on the
readability-testpages dumps against ``expected-metadata.json``.

Converters (a missing one is skipped, and the script says so):

* ``w3m``: ``w3m -dump -T text/html -cols 3000`` (Debian package ``w3m``);
* ``inscriptis``: the PyPI package's ``get_text`` (a dev-only tool);
* ``html2text``: the PyPI package, links and images off, no wrapping (dev-only);
* ``lxml``: ``lxml_dump`` below, a browser-like dump with lxml (a project
  dependency; the tests use it too).

Nothing is downloaded; the converters run locally.

    python3 benchmarks/eval_pagetext.py [--corpora ../shared/corpora] [-v] [--only NAME]
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import lxml.html

from citegraph.read import textdump

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_body import token_prf  # noqa: E402  (the same token scores as the HTML body benchmark)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"

_BLOCKS = frozenset(
    "address article aside blockquote body dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul title".split()
)
_ITEM = "\x00"  # marks a list item until spaces are collapsed
_SKIP = frozenset("script style noscript template head svg iframe button select option".split())


def lxml_dump(html: str) -> str:
    """A browser-like text dump of ``html``: block elements on their own lines, list items "  • ".

    Like a browser's "save as text": scripts, styles and the ``<head>`` are
    left out, each block element starts a new line, runs of spaces collapse.
    """
    parser = lxml.html.HTMLParser(encoding="utf-8")
    root = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=parser)
    out: list[str] = []
    _walk(root, out)
    lines = [_dump_line(line) for line in "".join(out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _dump_line(line: str) -> str:
    """One output line: spaces collapsed, a list item's mark as "  • "."""
    text = re.sub(r"[ \t\r\f\v]+", " ", line.replace(_ITEM, " ")).strip()
    return f"  • {text}" if _ITEM in line and text else text


def _walk(node, out: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _SKIP or not tag:
        out.append(node.tail or "")
        return
    block = tag in _BLOCKS
    if block:
        out.append("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")
    if tag == "li":
        out.append(_ITEM)
    if tag == "br":
        out.append("\n")
    out.append((node.text or "").replace("\n", " "))
    for child in node:
        _walk(child, out)
    if block:
        out.append("\n")
    out.append((node.tail or "").replace("\n", " "))


def w3m_dump(html: str) -> str:
    result = subprocess.run(
        ["w3m", "-dump", "-T", "text/html", "-cols", "3000", "-O", "UTF-8", "-I", "UTF-8"],
        input=html.encode("utf-8", "replace"),
        capture_output=True,
        timeout=120,
        check=True,
    )
    return result.stdout.decode("utf-8", "replace")


def inscriptis_dump(html: str) -> str:
    from inscriptis import get_text

    return get_text(html)


def html2text_dump(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.body_width = 0
    return converter.handle(html)


def converters() -> dict[str, Callable[[str], str]]:
    """The converters available on this machine, by name; say which are missing."""
    found: dict[str, Callable[[str], str]] = {}
    if shutil.which("w3m"):
        found["w3m"] = w3m_dump
    else:
        print("w3m not installed (Debian package w3m): skipped", file=sys.stderr)
    for name, func in (("inscriptis", inscriptis_dump), ("html2text", html2text_dump)):
        try:
            __import__(name)
            found[name] = func
        except ImportError:
            print(f"{name} not installed (pip install {name}, a dev-only tool): skipped", file=sys.stderr)
    found["lxml"] = lxml_dump
    return found


def mean(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(sum(r[i] for r in rows) / len(rows) for i in range(len(rows[0])))


def plain_body(dump: str) -> str:
    """What the reader made of a page dump before ``pagetext``: the plain-text shape."""
    return textdump._parse_plain(dump.replace("\xa0", " "), "").body


def _norm_title(title: str) -> str:
    return " ".join(re.sub(r"[‘’'\"“”]", "'", title).casefold().split())


@dataclasses.dataclass
class Tally:
    before: list[tuple[float, float, float]] = dataclasses.field(default_factory=list)
    after: list[tuple[float, float, float]] = dataclasses.field(default_factory=list)


def eval_bodies(corpora: Path, convs: dict[str, Callable[[str], str]], verbose: bool) -> None:
    folder = corpora / "aeb-html"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    tallies = {name: Tally() for name in convs}
    for key in sorted(truth):
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        reference = truth[key]["articleBody"]
        for name, convert in convs.items():
            dump = convert(html)
            tally = tallies[name]
            tally.before.append(token_prf(reference, plain_body(dump)))
            tally.after.append(token_prf(reference, textdump.parse_text(dump, f"{key}.txt").body))
            if verbose:
                print(f"{name:<11}{key[:16]}  F1 before {tally.before[-1][2]:.3f}  after {tally.after[-1][2]:.3f}")
    print(f"aeb-html text dumps: {len(truth)} pages, token-level means of the body")
    print(f"{'converter':<12}{'shape':<8}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, tally in tallies.items():
        for shape, rows in (("before", tally.before), ("after", tally.after)):
            p, r, f = mean(rows)
            print(f"{name:<12}{shape:<8}{p:>10.4f}{r:>10.4f}{f:>10.4f}")


def eval_titles(corpora: Path, convs: dict[str, Callable[[str], str]], verbose: bool) -> None:
    folder = corpora / "readability-testpages"
    pages = sorted(p for p in folder.iterdir() if (p / "expected-metadata.json").exists())
    print(f"\nreadability-testpages text dumps: {len(pages)} pages, exact title (case and quotes folded)")
    for name, convert in convs.items():
        right = before = 0
        for page in pages:
            want = _norm_title(json.loads((page / "expected-metadata.json").read_text("utf-8"))["title"])
            dump = convert((page / "source.html").read_text("utf-8", "replace"))
            got = textdump.parse_text(dump, "source.txt").title
            right += _norm_title(got) == want
            before += _norm_title(dump.strip().split("\n", 1)[0]) == want
            if verbose and _norm_title(got) != want:
                print(f"  {name} {page.name}: got {got!r}, want {want!r}")
        print(f"{name:<12}before {before}/{len(pages)}  after {right}/{len(pages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--only", help="run one converter")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every page's figures")
    args = parser.parse_args()
    convs = converters()
    if args.only:
        convs = {args.only: convs[args.only]}
    eval_bodies(args.corpora, convs, args.verbose)
    eval_titles(args.corpora, convs, args.verbose)


if __name__ == "__main__":
    main()
