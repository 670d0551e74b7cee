"""Quality gate: extraction scored on the seed gold and on the development gold must stay above pinned floors.

The development gold (``../shared/gold/dev.gold.jsonl``) labels 150 real
articles of ``../shared/corpora`` by hand. Raise a floor when the extractor
improves; never lower one.
"""

from __future__ import annotations

import pytest

from citegraph.evaluate import evaluate
from citegraph.extract.gazetteer import Gazetteer
from citegraph.extract.outlets import OutletFinder
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article
from citegraph.extract.sentences import sentences

from conftest import CORPORA, DATA, need_shared

FLOORS = {
    "outlets_precision": 1.0,
    "outlets_recall": 1.0,
    "outlets_f1": 1.0,
    "documents_f1": 1.0,
    "via_accuracy": 1.0,
}
DEV_FLOORS = {
    "outlets_precision": 0.94,
    "outlets_recall": 0.96,
    "outlets_f1": 0.95,
    "documents_precision": 0.89,
    "documents_recall": 0.82,
    "documents_f1": 0.855,
    "via_accuracy": 0.83,
}


@pytest.fixture(scope="module")
def result(gold_file):
    return evaluate(gold_file, (DATA,))


@pytest.fixture(scope="module")
def dev_result(corpora):
    return evaluate(need_shared(corpora.parent / "gold" / "dev.gold.jsonl"), (corpora,))


def _metrics(result) -> dict[str, float]:
    return {
        "outlets_precision": result.outlets.precision,
        "outlets_recall": result.outlets.recall,
        "outlets_f1": result.outlets.f1,
        "documents_precision": result.documents.precision,
        "documents_recall": result.documents.recall,
        "documents_f1": result.documents.f1,
        "via_accuracy": result.via_accuracy,
    }


@pytest.mark.parametrize("metric", sorted(DEV_FLOORS))
def test_dev_floor(dev_result, metric):
    value = _metrics(dev_result)[metric]
    assert value >= DEV_FLOORS[metric], f"dev {metric} fell to {value:.3f}"


def test_every_dev_article_was_read(dev_result):
    assert [a.article for a in dev_result.articles if a.missing_article] == []


def test_every_gold_article_was_read(result):
    assert [a.article for a in result.articles if a.missing_article] == []


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(result, metric):
    value = _metrics(result)[metric]
    assert value >= FLOORS[metric], f"{metric} fell to {value:.3f}"


def test_no_not_cited_name_reported_as_outlet(result):
    assert [(a.article, a.not_cited_predicted) for a in result.articles if a.not_cited_predicted] == []


# Outlet recall on PolNeAR (benchmarks/polnear_check.py prints it with a breakdown):
# annotated Source spans that name a gazetteer outlet, found among the article's citations.
# Re-pinned from 0.90 (measured 0.901) when the gazetteer grew from 913 to 3,579 outlets: the
# yardstick itself is the gazetteer (spans naming a known outlet), so it changed, not the extractor.
# 12 spans joined it (10 found; Publishers Weekly and Wyoming Public Radio are not cued), "ABC 7"
# left it (now a shared station brand, no longer ABC News) and one accidental hit went (CNN cued by
# the word "Headline" inside "CNN Headline News", now HLN): 0.898.
POLNEAR_RECALL_FLOOR = 0.895


def _polnear_recall(corpus) -> float:
    gaz = Gazetteer.load()
    finder = OutletFinder(gaz)
    gold = found = 0
    for text_dir in sorted(corpus.glob("*/text")):
        for article in iter_articles([text_dir], ReadOptions()):
            if not isinstance(article, Article):
                continue
            names = {c.name for c in finder.find(article, sentences(article.body))}
            spans = set()
            for ann in sorted((text_dir.parent / "attributions").glob(article.id[:-4] + "_*.ann")):
                for line in ann.read_text(encoding="utf-8").splitlines():
                    fields = line.split("\t")
                    if len(fields) == 3 and fields[1].startswith("Source "):
                        spans.add((fields[1], fields[2]))
            for _, text in spans:
                outlets = {m.outlet.name for m in gaz.find_mentions(text) if not m.ambiguous}
                gold += len(outlets)
                found += len(outlets & names)
    return found / gold


def test_polnear_outlet_recall():
    recall = _polnear_recall(need_shared(CORPORA / "polnear"))
    assert recall >= POLNEAR_RECALL_FLOOR, f"PolNeAR outlet recall fell to {recall:.3f}"
