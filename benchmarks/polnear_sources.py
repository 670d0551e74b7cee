"""Human sources against PolNeAR's hand-annotated Source spans: precision, recall, speed.

Usage: python benchmarks/polnear_sources.py [--show N] [--corpus PATH]

Development figures come from PolNeAR ``train`` and ``annotator-training``;
``dev`` and ``test`` are printed once at the end and never used for tuning
(the corpus README asks for that). One annotation file per article (the first
annotator, sorted), so articles annotated twice are not counted twice.

A predicted source is right in a sentence when that sentence holds an
annotated Source span whose words agree with the name loosely (a shared
surname or head word, "official" ~ "officials"), or a pronoun ("he", "the
official") when the name itself is not in the sentence (a resolved reference).
Recall counts annotated Source spans of three kinds, classified from their
words: named person, anonymous, organisation. Pronoun, outlet and other spans
("the poll", "Democrats") are not counted.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from citegraph.records import Article, Citation  # noqa: E402
from citegraph.extract.sources import _POSSESSIVE, _name_like, _strip_possessive, default_lexicon, find_sources  # noqa: E402
from citegraph.extract.sentences import sentences  # noqa: E402

POLNEAR = REPO.parent / "shared" / "corpora" / "polnear"
DEVELOPMENT = ("train", "annotator-training")
HELD_OUT = ("dev", "test")
PRONOUNS = frozenset(
    "he she they it i we you his her their its him them who which that me us our my one "
    "the official the spokesman the spokeswoman the spokesperson the source the aide".split()
)
STOP = frozenset("the a an of and for to in on at mr mrs ms dr sen rep gov".split())
KINDS = ("person", "anonymous", "organization")


@dataclass(frozen=True)
class Span:
    start: int  # offset into the body
    end: int
    text: str
    kind: str  # person | anonymous | organization | pronoun | outlet | other


def outlet_names() -> frozenset[str]:
    """Every outlet name, alias and abbreviation of the gazetteer, when it is there."""
    try:
        from citegraph.extract.gazetteer import Gazetteer
    except ImportError:
        return frozenset()
    names = set()
    for outlet in Gazetteer.load().outlets:
        names.update((outlet.name, *outlet.aliases, *outlet.abbreviations))
    return frozenset(names)


@lru_cache(maxsize=2)
def _normalised(outlets: frozenset[str]) -> frozenset[str]:
    return frozenset(re.sub(r"[^0-9a-z]", "", o.lower().removeprefix("the ")) for o in outlets)


def span_kind(text: str, outlets: frozenset[str]) -> str:
    lex = default_lexicon()
    words = re.findall(r"[\w'’.-]+", text)
    low = text.lower().strip()
    if low in PRONOUNS or not words:
        return "pronoun"
    norm = _normalised(outlets)
    if re.sub(r"[^0-9a-z]", "", low.removeprefix("the ")) in norm or any(
        w in norm for w in (re.sub(r"[^0-9a-z]", "", x.lower()) for x in re.split(r"['’]s\b", text)[:1])
    ):
        return "outlet"
    lows = [w.lower() for w in words]
    if any(w in lex.doc_nouns for w in lows[-1:]):
        return "other"
    head = re.split(r",|\(| who | which ", text)[0].split()
    caps = [w for w in words if w[0].isupper() and w not in lex.stop_caps and w.lower() not in lex.titles]
    if any(w in lex.org_cues for w in lows if w[:1]) and any(w[0].isupper() for w in words if w.lower() in lex.org_cues):
        return "organization"
    if lows[-1] in lex.org_lower and len(words) > 1:
        return "organization"
    if lows[-1] in lex.anon_heads or any(w in lex.anon_heads for w in lows[:4]) and not caps:
        return "anonymous"
    if len(words) == 1 and re.fullmatch(r"[A-Z][A-Z0-9&]{1,7}", words[0]):
        return "organization"
    if head and _name_like(_strip_possessive(head[-1]).rstrip(".,"), lex) and not _POSSESSIVE.search(head[-1]):
        return "person"
    return "other"


def read_doc(txt: Path, ann: Path, outlets: frozenset[str]) -> tuple[Article, list[Span]]:
    raw = txt.read_text(encoding="utf-8")
    title, _, body = raw.partition("\n")
    shift = len(title) + 1
    spans: list[Span] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[1].startswith("Source "):
            continue
        offsets = [int(x) for x in re.findall(r"\d+", parts[1])]
        start, end = offsets[0] - shift, offsets[-1] - shift
        if start < 0:
            continue
        spans.append(Span(start, end, parts[2], span_kind(parts[2], outlets)))
    return Article(id=txt.name, title=title, body=body), spans


def documents(compartments: tuple[str, ...], root: Path) -> list[tuple[Path, Path]]:
    out = []
    for part in compartments:
        anns = sorted((root / part / "attributions").glob("*.ann"))
        first: dict[str, Path] = {}
        for ann in anns:
            stem = ann.stem.rsplit("_", 1)[0]
            first.setdefault(stem, ann)
        for stem, ann in sorted(first.items()):
            txt = root / part / "text" / f"{stem}.txt"
            if txt.exists():
                out.append((txt, ann))
    return out


def keywords(name: str) -> set[str]:
    words = {w.lower().rstrip("s") for w in re.findall(r"[\w'’-]+", name)}
    return {w for w in words if len(w) > 2 and w not in STOP}


def agrees(citation: Citation, span: Span, sentence: str) -> bool:
    if keywords(citation.name) & keywords(span.text):
        return True
    if span.kind == "pronoun" or span.text.lower().startswith("the "):
        surname = citation.name.split()[-1]
        return surname.lower() not in sentence.lower()
    return False


@dataclass
class Tally:
    pred: Counter
    right: Counter
    gold: Counter
    found: Counter
    false_alarms: list
    misses: list


def score(pairs: list[tuple[Path, Path]], outlets: frozenset[str]) -> tuple[Tally, int]:
    tally = Tally(Counter(), Counter(), Counter(), Counter(), [], [])
    for txt, ann in pairs:
        article, spans = read_doc(txt, ann, outlets)
        cites = find_sources(article, sentences(article.body), outlets)
        matched: set[Span] = set()
        for cite in cites:
            for ev in cite.evidence:
                inside = [s for s in spans if ev.start <= s.start and s.end <= ev.end]
                hits = [s for s in inside if agrees(cite, s, ev.text)]
                tally.pred[cite.kind.value] += 1
                if hits:
                    tally.right[cite.kind.value] += 1
                    matched.update(hits)
                else:
                    tally.false_alarms.append((txt.name, cite.kind.value, cite.name, ev.text))
        for span in spans:
            if span.kind in KINDS:
                tally.gold[span.kind] += 1
                if span in matched:
                    tally.found[span.kind] += 1
                else:
                    around = article.body[max(0, span.start - 80) : span.end + 80].replace("\n", " ")
                    tally.misses.append((txt.name, span.kind, f"{span.text!r} in …{around}…"))
    return tally, len(pairs)


def speed(pairs: list[tuple[Path, Path]], outlets: frozenset[str], repeats: int = 3) -> tuple[float, float]:
    """Articles per second of CPU time, best of ``repeats``: (sentences + find_sources, find_sources alone)."""
    articles = [read_doc(txt, ann, outlets)[0] for txt, ann in pairs]
    split = [sentences(a.body) for a in articles]
    both = alone = 0.0
    for _ in range(repeats):
        begin = time.process_time()
        for article in articles:
            find_sources(article, sentences(article.body), outlets)
        middle = time.process_time()
        for article, sents in zip(articles, split):
            find_sources(article, sents, outlets)
        end = time.process_time()
        both = max(both, len(articles) / (middle - begin))
        alone = max(alone, len(articles) / (end - middle))
    return both, alone


def report(label: str, tally: Tally, times: tuple[float, float], n: int) -> None:
    print(f"\n== {label}: {n} articles")
    print(f"{'kind':14s} {'predicted':>9s} {'precision':>9s} {'gold':>6s} {'recall':>7s}")
    for kind in KINDS:
        pred, right = tally.pred[kind], tally.right[kind]
        gold, found = tally.gold[kind], tally.found[kind]
        prec = right / pred if pred else 0.0
        rec = found / gold if gold else 0.0
        print(f"{kind:14s} {pred:9d} {prec:9.3f} {gold:6d} {rec:7.3f}")
    pred, right = sum(tally.pred.values()), sum(tally.right.values())
    gold, found = sum(tally.gold.values()), sum(tally.found.values())
    print(f"{'all':14s} {pred:9d} {right / max(pred, 1):9.3f} {gold:6d} {found / max(gold, 1):7.3f}")
    both, alone = times
    print(f"speed (CPU time, one core, best of 3): sentences + find_sources {both:,.0f} articles/s; find_sources alone {alone:,.0f} articles/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=POLNEAR)
    parser.add_argument("--show", type=int, default=0, help="print N false alarms and N misses (development only)")
    parser.add_argument("--development-only", action="store_true", help="skip the held-out figures (while tuning)")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"{args.corpus} is absent: PolNeAR is expected in ../shared/corpora/polnear", file=sys.stderr)
        return 2
    outlets = outlet_names()
    print(f"outlet names excluded: {len(outlets)}")
    default_lexicon()  # loaded once, outside the timing
    pairs = documents(DEVELOPMENT, args.corpus)
    tally, n = score(pairs, outlets)
    report("development (train + annotator-training)", tally, speed(pairs, outlets), n)
    for name, kind, cname, text in tally.false_alarms[: args.show]:
        print(f"FA {name[:40]:40s} {kind:12s} {cname!r}: {text[:160]}")
    for name, kind, text in tally.misses[: args.show]:
        print(f"MISS {name[:40]:40s} {kind:12s} {text}")
    if args.development_only:
        return 0
    pairs = documents(HELD_OUT, args.corpus)
    held, n = score(pairs, outlets)
    report("held out (dev + test, not used for tuning)", held, speed(pairs, outlets), n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
