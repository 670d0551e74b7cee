"""PolNeAR check: does citegraph report the outlets that annotators marked as sources?

PolNeAR (../shared/corpora/polnear) annotates attribution relations in about
1,000 political news articles (brat standoff: ``T`` lines are Source / Cue /
Content spans with offsets into the raw .txt). For every annotated Source
span that names a gazetteer outlet, citegraph should report that outlet as
cited by the article. This script prints that recall per compartment and
overall, then lists outlet citations citegraph reports outside any annotated
Source span, for a reader to judge ("told CNN" is a citation even though CNN
is not the annotated source; a byline or a related headline is not).

Only the outlet stage runs (``OutletFinder``), as ``Extractor`` runs it.

Usage: python benchmarks/polnear_check.py [--corpus PATH] [--sample N] [--misses N]

PolNeAR's README asks users not to look at dev/test while building models:
rules are developed on train and annotator-training; all four are reported.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from citegraph.gazetteer import Gazetteer
from citegraph.outlets import OutletFinder
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article
from citegraph.text import sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "polnear"
PARTS = ("train", "annotator-training", "dev", "test")


@dataclass(frozen=True)
class SourceSpan:
    start: int  # offsets into the raw .txt
    end: int
    text: str
    outlets: frozenset[str]


def read_sources(ann_files: list[Path], gaz: Gazetteer) -> list[SourceSpan]:
    """Annotated Source spans (all annotators) that name at least one gazetteer outlet."""
    spans = {}
    for ann in ann_files:
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 3 or not fields[0].startswith("T") or not fields[1].startswith("Source "):
                continue
            offsets = fields[1].split(" ", 1)[1].replace(";", " ").split()
            start, end = int(offsets[0]), int(offsets[-1])
            outlets = frozenset(m.outlet.name for m in gaz.find_mentions(fields[2]) if not m.ambiguous)
            if outlets:
                spans[(start, end)] = SourceSpan(start, end, fields[2], outlets)
    return [spans[k] for k in sorted(spans)]


def body_offset(raw: str, article: Article) -> int:
    """Where the article body starts in the raw file (the reader drops the title line)."""
    probe = article.body[:80]
    found = raw.find(probe)
    return found if found >= 0 else 0


def check(corpus: Path, sample: int, show_misses: int) -> int:
    gaz = Gazetteer.load()
    finder = OutletFinder(gaz)
    totals: dict[str, Counter] = defaultdict(Counter)
    misses: list[str] = []
    outside: list[str] = []
    for part in PARTS:
        text_dir = corpus / part / "text"
        if not text_dir.is_dir():
            continue
        ann_dir = corpus / part / "attributions"
        for article in iter_articles([text_dir], ReadOptions()):
            if not isinstance(article, Article):
                continue
            raw = (text_dir / article.id).read_text(encoding="utf-8")
            stem = article.id[: -len(".txt")]
            spans = read_sources(sorted(ann_dir.glob(f"{stem}_*.ann")), gaz)
            cited = finder.find(article, sentences(article.body))
            names = {c.name for c in cited}
            for span in spans:
                for outlet in sorted(span.outlets):
                    totals[part]["gold"] += 1
                    if outlet in names:
                        totals[part]["found"] += 1
                    elif part in ("train", "annotator-training"):
                        misses.append(f"{article.id}: {outlet} <- [{span.text}]")
            shift = body_offset(raw, article)
            for citation in cited:
                body_ev = [e for e in citation.evidence if e.field == "body"]
                inside = any(
                    s.start < e.end + shift and e.start + shift < s.end and citation.name in s.outlets
                    for e in body_ev
                    for s in spans
                )
                totals[part]["reported"] += 1
                if not inside:
                    totals[part]["outside"] += 1
                    ev = citation.evidence[0]
                    outside.append(f"{part}/{article.id}: {citation.name} [{citation.cue}] {ev.field}: {ev.text[:160]}")
    _print(totals, misses, outside, sample, show_misses)
    return 0


def _print(totals, misses, outside, sample, show_misses) -> None:
    print("PolNeAR outlet check: annotated Source spans naming a gazetteer outlet")
    print(f"{'part':<20}{'spans->outlets':>15}{'found':>8}{'recall':>8}{'reported':>10}{'outside':>9}")
    grand = Counter()
    for part in PARTS:
        t = totals.get(part)
        if not t:
            continue
        grand.update(t)
        print(f"{part:<20}{t['gold']:>15}{t['found']:>8}{t['found'] / max(1, t['gold']):>8.3f}{t['reported']:>10}{t['outside']:>9}")
    print(f"{'all':<20}{grand['gold']:>15}{grand['found']:>8}{grand['found'] / max(1, grand['gold']):>8.3f}{grand['reported']:>10}{grand['outside']:>9}")
    print(f"\nMisses (train + annotator-training only, first {show_misses} of {len(misses)}):")
    for line in misses[:show_misses]:
        print("  " + line)
    rng = random.Random(0)
    chosen = sorted(rng.sample(outside, min(sample, len(outside))))
    print(f"\nReported outside any annotated Source span: {len(outside)}; a sample of {len(chosen)} to judge:")
    for line in chosen:
        print("  " + line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=40, help="how many outside citations to list")
    parser.add_argument("--misses", type=int, default=40, help="how many misses to list")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus} is absent: put the shared corpora beside this clone", file=sys.stderr)
        return 2
    return check(args.corpus, args.sample, args.misses)


if __name__ == "__main__":
    sys.exit(main())
