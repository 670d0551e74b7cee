"""Score extracted citations against hand-labelled gold, as ``../shared/gold/FORMAT.md`` describes.

* Outlets: predicted and gold outlets of an article are compared as sets of
  names, normalised (lower-case, no leading "the", letters and digits only);
  a gold outlet matches its name or any alias. Predictions matching an
  optional outlet are ignored.
* Documents: each gold document matches at most one prediction of the same
  type whose label, issuer and evidence together contain one of its keys
  (case-insensitive); unmatched predictions matching an optional document are
  ignored.
* Via: over matched documents with a gold ``via``, the share whose predicted
  ``via`` names the same outlet.

Precision, recall and F1 are micro-averaged over the articles of the gold
file. ``not_cited`` names predicted as outlets are counted separately (they
are also false positives).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import GoldFileError
from .extract import Extractor, Gazetteer
from .extract.names import outlet_key as normalise
from .read import ReadOptions, iter_articles
from .read.metadata import make_spec
from .records import Article, Citation, CitationKind


@dataclass(frozen=True)
class GoldOutlet:
    name: str
    keys: frozenset[str]  # normalised name and aliases

    def matches(self, name: str) -> bool:
        return normalise(name) in self.keys


@dataclass(frozen=True)
class GoldDocument:
    type: str
    keys: tuple[str, ...]
    via: str | None = None

    def matches(self, citation: Citation) -> bool:
        if citation.doc_type is None or citation.doc_type.value != self.type:
            return False
        text = " ".join([citation.name, citation.issuer or ""] + [e.text for e in citation.evidence]).casefold()
        return any(key.casefold() in text for key in self.keys)


@dataclass(frozen=True)
class GoldArticle:
    article: str
    outlets: tuple[GoldOutlet, ...] = ()
    optional_outlets: tuple[GoldOutlet, ...] = ()
    documents: tuple[GoldDocument, ...] = ()
    optional_documents: tuple[GoldDocument, ...] = ()
    not_cited: tuple[GoldOutlet, ...] = ()


@dataclass(frozen=True)
class Counts:
    """True positives, false positives, false negatives; with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class ArticleResult:
    """One article's score, with the names behind each miss and false alarm."""

    article: str
    outlets: Counts
    documents: Counts
    via_checked: int = 0
    via_correct: int = 0
    outlet_misses: tuple[str, ...] = ()
    outlet_false_alarms: tuple[str, ...] = ()
    document_misses: tuple[str, ...] = ()
    document_false_alarms: tuple[str, ...] = ()
    via_errors: tuple[str, ...] = ()
    not_cited_predicted: tuple[str, ...] = ()
    missing_article: bool = False


@dataclass(frozen=True)
class EvalResult:
    """Micro-averaged scores over every gold article, and the per-article detail."""

    articles: tuple[ArticleResult, ...] = field(default_factory=tuple)

    @property
    def outlets(self) -> Counts:
        return sum((a.outlets for a in self.articles), Counts())

    @property
    def documents(self) -> Counts:
        return sum((a.documents for a in self.articles), Counts())

    @property
    def via_checked(self) -> int:
        return sum(a.via_checked for a in self.articles)

    @property
    def via_accuracy(self) -> float:
        checked = self.via_checked
        return sum(a.via_correct for a in self.articles) / checked if checked else 1.0

    @property
    def not_cited_predicted(self) -> int:
        return sum(len(a.not_cited_predicted) for a in self.articles)


# ---------------------------------------------------------------- gold file


def load_gold(path: Path) -> list[GoldArticle]:
    """Read a gold JSONL file; raise ``GoldFileError`` naming the line and field that is wrong."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise GoldFileError(f"cannot read gold file {path} ({err.strerror}): check the --gold path") from None
    gold = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            gold.append(_gold_article(json.loads(line)))
        except json.JSONDecodeError as err:
            raise GoldFileError(f"{where} is not JSON ({err.msg}); each line must be one JSON object") from None
        except (KeyError, TypeError, AttributeError) as err:
            raise GoldFileError(f"{where}: missing or malformed field {err}; see gold/FORMAT.md") from None
    return gold


def _gold_outlet(entry: dict[str, Any]) -> GoldOutlet:
    names = [entry["name"], *entry.get("aliases", [])]
    return GoldOutlet(entry["name"], frozenset(normalise(n) for n in names if normalise(n)))


def _gold_document(entry: dict[str, Any]) -> GoldDocument:
    return GoldDocument(entry["type"], tuple(entry["keys"]), entry.get("via"))


def _gold_article(data: dict[str, Any]) -> GoldArticle:
    return GoldArticle(
        article=data["article"],
        outlets=tuple(_gold_outlet(e) for e in data.get("outlets", [])),
        optional_outlets=tuple(_gold_outlet(e) for e in data.get("optional_outlets", [])),
        documents=tuple(_gold_document(e) for e in data.get("documents", [])),
        optional_documents=tuple(_gold_document(e) for e in data.get("optional_documents", [])),
        not_cited=tuple(_gold_outlet(e) for e in data.get("not_cited", [])),
    )


# ---------------------------------------------------------------- scoring


def score(gold: Iterable[GoldArticle], citations: Iterable[Citation], articles_read: Iterable[str] | None = None) -> EvalResult:
    """Score ``citations`` against ``gold``; articles absent from ``articles_read`` are flagged."""
    by_article: dict[str, list[Citation]] = {}
    for citation in citations:
        by_article.setdefault(citation.article, []).append(citation)
    read = set(articles_read) if articles_read is not None else None
    results = []
    for entry in gold:
        result = score_article(entry, by_article.get(entry.article, []))
        if read is not None and entry.article not in read:
            result = _flag_missing(result)
        results.append(result)
    return EvalResult(tuple(results))


def _flag_missing(result: ArticleResult) -> ArticleResult:
    return replace(result, missing_article=True)


def score_article(gold: GoldArticle, citations: list[Citation]) -> ArticleResult:
    """Score one article's citations against its gold entry."""
    outlets = sorted({c.name for c in citations if c.kind is CitationKind.OUTLET})
    documents = [c for c in citations if c.kind is CitationKind.DOCUMENT]
    o_counts, o_misses, o_alarms = _score_outlets(gold, outlets)
    d_counts, d_misses, d_alarms, pairs = _score_documents(gold, documents)
    via_pairs = [(g, c) for g, c in pairs if g.via]
    via_errors = tuple(
        f"{g.type} [{g.keys[0]}]: via {c.via!r}, gold {g.via!r}"
        for g, c in via_pairs
        if not c.via or normalise(c.via) != normalise(g.via or "")
    )
    not_cited = tuple(n for n in outlets if any(g.matches(n) for g in gold.not_cited))
    return ArticleResult(
        article=gold.article,
        outlets=o_counts,
        documents=d_counts,
        via_checked=len(via_pairs),
        via_correct=len(via_pairs) - len(via_errors),
        outlet_misses=o_misses,
        outlet_false_alarms=o_alarms,
        document_misses=d_misses,
        document_false_alarms=d_alarms,
        via_errors=via_errors,
        not_cited_predicted=not_cited,
    )


def _score_outlets(gold: GoldArticle, predicted: list[str]) -> tuple[Counts, tuple[str, ...], tuple[str, ...]]:
    found = [g for g in gold.outlets if any(g.matches(p) for p in predicted)]
    alarms = tuple(
        p
        for p in predicted
        if not any(g.matches(p) for g in gold.outlets) and not any(o.matches(p) for o in gold.optional_outlets)
    )
    misses = tuple(g.name for g in gold.outlets if g not in found)
    return Counts(len(found), len(alarms), len(misses)), misses, alarms


def _score_documents(gold: GoldArticle, predicted: list[Citation]):
    """One-to-one matching (maximum bipartite); returns counts, misses, false alarms and matched pairs."""
    options = [[j for j, c in enumerate(predicted) if doc.matches(c)] for doc in gold.documents]
    owner: dict[int, int] = {}  # prediction index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(gold.documents)):
        augment(i, set())
    matched = {i: j for j, i in owner.items()}
    pairs = [(doc, predicted[matched[i]]) for i, doc in enumerate(gold.documents) if i in matched]
    misses = tuple(f"{doc.type} [{doc.keys[0]}]" for i, doc in enumerate(gold.documents) if i not in matched)
    alarms = tuple(
        f"{c.doc_type.value if c.doc_type else '?'}: {c.name}"
        for j, c in enumerate(predicted)
        if j not in owner and not any(o.matches(c) for o in gold.optional_documents)
    )
    return Counts(len(pairs), len(alarms), len(misses)), misses, alarms, pairs


def evaluate(gold_file: Path, inputs: Sequence[Path], outlets_file: Path | None = None,
             metadata_files: Sequence[Path] = (), publishers: Sequence[str] = ()) -> EvalResult:
    """Read and extract the articles of ``inputs``, then score them against ``gold_file``.

    The articles are read as a build reads them: with the sidecars found under
    ``inputs``, and ``--metadata`` files and ``--publisher`` rules if given.
    """
    gold = load_gold(gold_file)
    extractor = Extractor(Gazetteer.load(outlets_file))
    spec = make_spec(inputs, metadata_files, publishers)
    articles = [a for a in iter_articles(list(inputs), ReadOptions(metadata=spec)) if isinstance(a, Article)]
    citations = [c for a in articles for c in extractor.extract(a)]
    return score(gold, citations, [a.id for a in articles])
