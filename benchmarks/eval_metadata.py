"""Metadata quality: titles, publishers and dates against two expected-metadata sets.

* ``readability-testpages/<page>/source.html`` against ``expected-metadata.json``
  (``title``, ``siteName``, ``publishedTime``);
* ``newspaper4k-fixtures/html/<name>.html`` against ``metadata/<name>.json``
  (``title``, ``meta_site_name``, ``publish_date``).

Comparison. Titles and publishers are normalised: Unicode NFKC, curly quotes
made straight, case-folded, a leading "the" dropped, and every character that
is not a letter or digit removed. A title matches when the normalised strings
are equal, or when one is the other plus a trailing " | ..." / " - ..."
segment naming the site or author (pages differ on whether the site name is
part of the title). A publisher matches when one normalised name contains the
other (so "CNN" matches "CNNMoney"; a URL as site name is reduced to its
domain's first label). Dates match on YYYY-MM-DD. Publishers and dates are
scored only where the expected metadata has them.

    python3 benchmarks/eval_metadata.py [--corpora ../shared/corpora] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from citegraph.read.files import decode
from citegraph.read.htmlpage import parse_html

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
_QUOTES = str.maketrans("‘’‚‛“”„‟–—", "''''\"\"\"\"--")
_SEGMENT = re.compile(r"\s+[|\-–—:]\s+[^|]+$")


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\W_]+", "", text)


def title_match(expected: str, got: str) -> bool:
    a, b = norm(expected), norm(got)
    if a == b:
        return bool(a)
    return norm(_SEGMENT.sub("", expected)) == b or norm(_SEGMENT.sub("", got)) == a


def publisher_match(expected: str, got: str | None) -> bool:
    if expected.startswith("http"):
        expected = (urlsplit(expected).hostname or "").removeprefix("www.").split(".")[0]
    a, b = norm(expected), norm(got)
    return bool(a and b) and (a in b or b in a)


def cases(corpora: Path):
    """(name, html path, expected title, publisher, date) for every page with expectations."""
    for meta in sorted((corpora / "readability-testpages").glob("*/expected-metadata.json")):
        data = json.loads(meta.read_text("utf-8"))
        yield (f"readability/{meta.parent.name}", meta.parent / "source.html",
               data.get("title"), data.get("siteName"), data.get("publishedTime"))
    for meta in sorted((corpora / "newspaper4k-fixtures" / "metadata").glob("*.json")):
        data = json.loads(meta.read_text("utf-8"))
        html = corpora / "newspaper4k-fixtures" / "html" / f"{meta.stem}.html"
        yield (f"newspaper4k/{meta.stem}", html, data.get("title"), data.get("meta_site_name"),
               data.get("publish_date"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mismatch")
    args = parser.parse_args()
    score = {"title": [0, 0], "publisher": [0, 0], "date": [0, 0]}
    for name, html, title, publisher, date in cases(args.corpora):
        text, _ = decode(html.read_bytes(), html=True)
        article = parse_html(text)
        checks = {"title": (title, article.title, title_match)}
        if publisher:
            checks["publisher"] = (publisher, article.publisher, publisher_match)
        if date:
            checks["date"] = (date[:10], article.published, lambda a, b: a == b)
        for field, (want, got, same) in checks.items():
            ok = bool(want) and same(want, got)
            score[field][0] += ok
            score[field][1] += 1
            if args.verbose and not ok:
                print(f"MISS {field:<9} {name}: expected {want!r}, got {got!r}")
    for field, (hit, total) in score.items():
        print(f"{field:<10} {hit}/{total} = {hit / total:.1%}")


if __name__ == "__main__":
    main()
