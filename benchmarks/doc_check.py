"""Development check for document citations on real text (prints, never asserts).

    python benchmarks/doc_check.py [--sample N] [--quiet]

1. PolNeAR recall: every annotated Source span (brat ``.ann``) that names a
   document ("the memo", "a new report", "court documents") should lie in a
   sentence where citegraph reports a document of a matching type. Prints
   the recall and the spans it missed.
2. Speed: documents found per second over all PolNeAR texts (one core).
3. A sample of what is found on PolNeAR train, BBC and Wikinews texts, for
   reading by eye.

Reads ``../shared/corpora`` relative to the repository; texts are never copied.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

from citegraph.extract.documents import find_documents
from citegraph.extract.gazetteer import Gazetteer
from citegraph.records import Article, Citation
from citegraph.extract.sentences import sentences

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"

# Source spans that name a document, by head noun -> the doc types that count as found.
_SPAN_NOUNS = {
    "memo": {"memo"}, "memos": {"memo"}, "memorandum": {"memo"},
    "cable": {"cable"}, "cables": {"cable"},
    "letter": {"letter"}, "letters": {"letter"},
    "report": {"report"}, "reports": {"report", "other"},
    "resolution": {"resolution"},
    "statement": {"statement"}, "statements": {"statement"},
    "lawsuit": {"court_filing"}, "complaint": {"court_filing"}, "indictment": {"court_filing"},
    "affidavit": {"court_filing"}, "filing": {"court_filing", "other"}, "filings": {"court_filing", "other"},
    "tweet": {"social_post"}, "tweets": {"social_post"}, "post": {"social_post"},
    "email": {"other"}, "emails": {"other"}, "e-mail": {"other"}, "e-mails": {"other"},
    "records": {"other"}, "documents": {"other"}, "document": {"other"},
    "transcript": {"other"}, "recording": {"other"},
}
_SPAN_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _SPAN_NOUNS), key=len, reverse=True)) + r")\b")
# capitalised names that contain a document noun but are outlets or firms ("The Washington Post")
_COMPOUND_RE = re.compile(r"\s+(?:news|address|addresses|practices|server|networks?)\b", re.IGNORECASE)
_MEDIA_RE = re.compile(r"\b(?:news|media|press|newspaper)\s+reports?\b", re.IGNORECASE)
_NAME_RE = re.compile(r"\b[A-Z][\w.]*\s+(?:Post|Report|Record)\b")


def polnear_article(txt: Path) -> Article:
    """The raw PolNeAR text as an article body, so ``.ann`` offsets index it."""
    parts = txt.stem.split("_")
    published = parts[1] if len(parts) > 2 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[1]) else None
    body = txt.read_text(encoding="utf-8")
    return Article(id=txt.name, title=body.split("\n", 1)[0], body=body, published=published)


def document_sources(ann: Path, body: str, gaz: Gazetteer) -> list[tuple[int, int, str, set[str]]]:
    """Annotated Source spans that name a document: ``(start, end, text, types)``.

    Spans that name an outlet ("an NBC report", "media reports") are the
    outlet's journalism, counted by the outlet check, not here.
    """
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 3 or not cols[1].startswith("Source "):
            continue
        try:
            start, end = (int(x) for x in cols[1].split()[1:3])
        except ValueError:
            continue  # discontinuous span
        text = body[start:end]
        if _NAME_RE.search(text) and not _SPAN_RE.search(_NAME_RE.sub("", text)):
            continue
        if _MEDIA_RE.search(text) or any(not m.ambiguous for m in gaz.find_mentions(text)):
            continue
        found = [
            m.group(1)
            for m in _SPAN_RE.finditer(text)
            if not text[: m.start()].endswith("'s ") and not _COMPOUND_RE.match(text[m.end() :])
        ]
        if found and len(text.split()) <= 12:
            out.append((start, end, text, set().union(*(_SPAN_NOUNS[f] for f in found))))
    return out


def covered(span: tuple[int, int, str, set[str]], docs: list[Citation]) -> bool:
    start, end, _, types = span
    return any(
        c.doc_type.value in types and any(e.start <= start and end <= e.end for e in c.evidence) for c in docs
    )


def polnear_recall(gaz: Gazetteer, root: Path, quiet: bool) -> None:
    hit = total = 0
    misses: list[str] = []
    for ann in sorted((root / "train" / "attributions").glob("*.ann")):
        txt = root / "train" / "text" / (ann.stem.rsplit("_", 1)[0] + ".txt")
        if not txt.exists():
            continue
        article = polnear_article(txt)
        spans = document_sources(ann, article.body, gaz)
        if not spans:
            continue
        docs = find_documents(article, sentences(article.body), gaz)
        for span in spans:
            total += 1
            if covered(span, docs):
                hit += 1
            else:
                misses.append(f"{txt.name}: {span[2]!r}")
    print(f"PolNeAR train: document Source spans found {hit}/{total} = {hit / max(total, 1):.3f} recall")
    if not quiet:
        for miss in misses[:60]:
            print("  missed", miss)


def speed(gaz: Gazetteer, root: Path) -> None:
    articles = [polnear_article(p) for p in sorted(root.glob("*/text/*.txt"))]
    find_documents(articles[0], sentences(articles[0].body), gaz)  # load the vocabulary first
    t0 = time.process_time()
    split = [(a, sentences(a.body)) for a in articles]
    t1 = time.process_time()
    n = sum(len(find_documents(a, s, gaz)) for a, s in split)
    t2 = time.process_time()
    print(f"Speed: find_documents on {len(articles)} PolNeAR texts in {t2 - t1:.2f} CPU s = "
          f"{len(articles) / (t2 - t1):.0f} articles/s, {n} documents "
          f"(for scale, splitting them into sentences: {len(articles) / (t1 - t0):.0f} articles/s)")


def sample(gaz: Gazetteer, name: str, paths: list[Path], n: int) -> None:
    step = max(1, len(paths) // n)
    chosen = paths[::step][:n]
    kinds: Counter[str] = Counter()
    print(f"\n== {name}: {len(chosen)} of {len(paths)} texts")
    for path in chosen:
        article = polnear_article(path)
        for c in find_documents(article, sentences(article.body), gaz):
            kinds[c.doc_type.value] += 1
            extra = "".join(f" {k}={v!r}" for k, v in (("issuer", c.issuer), ("via", c.via), ("date", c.date)) if v)
            print(f"  {path.name[:40]:40} [{c.doc_type.value}] {c.name!r}{extra} cue={c.cue!r}")
            print(f"      {c.evidence[0].text[:150]!r}")
    print(f"  by type: {dict(sorted(kinds.items()))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=25, help="texts per corpus to print")
    parser.add_argument("--quiet", action="store_true", help="only the figures")
    args = parser.parse_args()
    if not CORPORA.exists():
        print(f"{CORPORA} is absent: put the shared corpora beside the repository", file=sys.stderr)
        return 1
    gaz = Gazetteer.load()
    polnear = CORPORA / "polnear"
    polnear_recall(gaz, polnear, args.quiet)
    speed(gaz, polnear)
    if args.quiet:
        return 0
    sample(gaz, "PolNeAR train", sorted((polnear / "train" / "text").glob("*.txt")), args.sample)
    sample(gaz, "BBC", sorted((CORPORA / "bbc-fulltext").glob("bbc/*/*.txt")), args.sample)
    sample(gaz, "Wikinews", sorted((CORPORA / "gum-wikinews" / "text").glob("*.txt")), args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
