"""PolNeAR check: does citegraph report the outlets that annotators marked as sources?

PolNeAR (../shared/corpora/polnear) annotates attribution relations in about
1,000 political news articles (brat standoff: ``T`` lines are Source / Cue /
Content spans with offsets into the raw .txt). For every annotated Source
span that names a gazetteer outlet, citegraph should report that outlet as
cited by the article. This script prints that recall per compartment and
overall, then lists outlet citations citegraph reports outside any annotated
Source span, for a reader to judge ("told CNN" is a citation even though CNN
is not the annotated source; a byline or a related headline is not).

Figures printed, per compartment:

- recall (strict, the issue's figure): every annotated Source span that names
  a gazetteer outlet unambiguously counts, and is found when the article's
  citations include that outlet (outlet sets are scored per article, as in
  the gold FORMAT.md);
- in-sent: found, and one of the citation's evidence sentences overlaps the
  span (title spans: title evidence) -- the same hit for the same reason;
- outlet / person: the strict figure split by what heads the span: the
  outlet, its product or a list of outlets ("A Reuters rolling poll"), or
  someone at an outlet ("CNN's Jake Tapper", "Lewandowski, a CNN
  commentator"), which is a citation of the outlet only when that person
  speaks as its journalist;
- spans that name an outlet only by a short or shared name ("the Post") are
  scored apart, when the article names an outlet that the name can stand for.

Span offsets index the raw .txt (checked: every span's text equals its slice);
the body starts at ``plain_body_offset`` (the reader drops the title line).
Only the outlet stage runs (``OutletFinder``), as ``Extractor`` runs it.

Usage: python benchmarks/polnear_check.py [--corpus PATH] [--sample N] [--misses N]

PolNeAR's README asks users not to look at dev/test while building models:
rules are developed on train and annotator-training; all four are reported.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from citegraph.extract.gazetteer import Gazetteer
from citegraph.extract.outlets import OutletFinder
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article
from citegraph.extract.sentences import sentences
from citegraph.read.textdump import plain_body_offset

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "polnear"
PARTS = ("train", "annotator-training", "dev", "test")


@dataclass(frozen=True)
class SourceSpan:
    start: int  # offsets into the raw .txt
    end: int
    text: str
    outlets: frozenset[str]
    vague: tuple[tuple[str, frozenset[str]], ...] = ()  # ("the Times", candidate outlets), when nothing else names one


def read_sources(ann_files: list[Path], gaz: Gazetteer) -> list[SourceSpan]:
    """Annotated Source spans (all annotators) that name a gazetteer outlet, or only an ambiguous name.

    Spans with ``outlets`` make the strict figure; spans with only ``vague``
    names ("the Post", "Times") are scored apart (``check``): such a span
    counts when the article names, unambiguously, an outlet the name can
    stand for ("The Washington Post" ... "the Post").
    """
    spans = {}
    for ann in ann_files:
        for line in ann.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) < 3 or not fields[0].startswith("T") or not fields[1].startswith("Source "):
                continue
            offsets = fields[1].split(" ", 1)[1].replace(";", " ").split()
            start, end = int(offsets[0]), int(offsets[-1])
            mentions = gaz.find_mentions(fields[2])
            outlets = frozenset(m.outlet.name for m in mentions if not m.ambiguous)
            vague = tuple((m.surface, frozenset(o.name for o in m.candidates)) for m in mentions) if not outlets else ()
            if outlets or vague:
                spans[(start, end)] = SourceSpan(start, end, fields[2], outlets, vague)
    return [spans[k] for k in sorted(spans)]


_PERSON_NOUNS = re.compile(
    r"(?i)\b(?:reporters?|correspondents?|journalists?|columnists?|editors?|anchors?|hosts?|moderators?|writers?"
    r"|commentators?|contributors?|analysts?|producers?|pollsters?|critics?|presenters?|executives?|chiefs?"
    r"|publishers?|bloggers?|employees?|representatives?|spokes(?:man|woman|person)|staff|chairman|president"
    r"|vice president|team|aides?|founder|owner)\b"
)
_NAME = r"[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][\w'’-]+"


def span_kind(span: SourceSpan, gaz: Gazetteer) -> str:
    """``person``: someone at an outlet ("CNN's Jake Tapper", "Lewandowski, a CNN commentator");
    ``outlet``: the outlet itself, its product or a list of outlets ("A Reuters rolling poll")."""
    text = span.text
    for mention in gaz.find_mentions(text):
        text = text.replace(mention.surface, " OUTLET ")
    if _PERSON_NOUNS.search(text):
        return "person"
    if re.search(rf"OUTLET\s*(?:'s|’s|'|’)?\s+{_NAME}|{_NAME},?\s+(?:of|from|at|for|with)\s+(?:the\s+)?OUTLET", text):
        return "person"
    if re.match(r"\s*(?:(?:Mr|Ms|Mrs|Dr)\.\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+)*,", text):
        return "person"  # "Ann Compton, who covered the White House for ABC News"
    return "outlet"


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
            shift = plain_body_offset(raw)
            by_name = {c.name: c for c in cited}
            named = {m.outlet.name for m in gaz.find_mentions(raw) if not m.ambiguous}
            for span in spans:
                if span.vague:
                    meant = {n for surface, cands in span.vague for n in named if n in cands or _short_form(surface, n)}
                    if meant:
                        totals[part].update({"vague": 1, "vague found": bool(meant & set(by_name))})
                    continue
                kind = span_kind(span, gaz)
                for outlet in sorted(span.outlets):
                    found = outlet in by_name
                    near = found and _covers(by_name[outlet], span, shift)
                    totals[part].update({"gold": 1, "found": found, "near": near, f"gold {kind}": 1, f"found {kind}": found})
                    if not found and part in ("train", "annotator-training"):
                        misses.append(f"{article.id}: {outlet} ({kind}) <- [{span.text}]")
            for citation in cited:
                totals[part]["reported"] += 1
                if not any(citation.name in s.outlets and _covers(citation, s, shift) for s in spans):
                    totals[part]["outside"] += 1
                    ev = citation.evidence[0]
                    outside.append(f"{part}/{article.id}: {citation.name} [{citation.cue}] {ev.field}: {ev.text[:160]}")
    _print(totals, misses, outside, sample, show_misses)
    return 0


def _short_form(surface: str, name: str) -> bool:
    """Does the ambiguous ``surface`` ("the Times", "Post") shorten the cited outlet ``name``?"""
    words = re.sub(r"^the\s+", "", surface, flags=re.IGNORECASE).casefold().split()
    return bool(words) and name.casefold().split()[-len(words) :] == words


def _covers(citation, span: SourceSpan, shift: int) -> bool:
    """Does one of the citation's evidence sentences overlap the span (title spans: title evidence)?"""
    if span.end <= shift:
        return any(e.field == "title" for e in citation.evidence)
    return any(e.field == "body" and span.start < e.end + shift and e.start + shift < span.end for e in citation.evidence)


def _print(totals, misses, outside, sample, show_misses) -> None:
    print("PolNeAR outlet check: annotated Source spans naming a gazetteer outlet")
    print("recall: the article's citations include the outlet (strict: every such span counts);")
    print("in-sentence: ... and one of its evidence sentences overlaps the span;")
    print("outlet / person: spans headed by the outlet or its product vs. spans about someone at an outlet")
    head = f"{'part':<20}{'spans->outlets':>15}{'found':>7}{'recall':>8}{'in-sent':>8}{'outlet':>13}{'person':>13}{'reported':>10}{'outside':>9}"
    print(head)
    grand = Counter()
    for part in PARTS + ("all",):
        t = grand if part == "all" else totals.get(part)
        if not t:
            continue
        if part != "all":
            grand.update(t)
        kinds = "".join(f"{_ratio(t[f'found {k}'], t[f'gold {k}']):>13}" for k in ("outlet", "person"))
        print(
            f"{part:<20}{t['gold']:>15}{t['found']:>7}{t['found'] / max(1, t['gold']):>8.3f}"
            f"{t['near'] / max(1, t['gold']):>8.3f}{kinds}{t['reported']:>10}{t['outside']:>9}"
        )
    print(
        f"\nSpans naming an outlet only by a short or shared name that an outlet named in the article explains "
        f"('the Post'), not in the figures above: {grand['vague']}, found {grand['vague found']} "
        f"({grand['vague found'] / max(1, grand['vague']):.3f})"
    )
    print(f"\nMisses (train + annotator-training only, first {show_misses} of {len(misses)}):")
    for line in misses[:show_misses]:
        print("  " + line)
    rng = random.Random(0)
    chosen = sorted(rng.sample(outside, min(sample, len(outside))))
    print(f"\nReported outside any annotated Source span: {len(outside)}; a sample of {len(chosen)} to judge:")
    for line in chosen:
        print("  " + line)


def _ratio(found: int, gold: int) -> str:
    return f"{found}/{gold} {found / max(1, gold):.2f}"


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
