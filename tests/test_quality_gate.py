"""Quality gate: extraction scored on the seed gold must stay above pinned floors.

Raise a floor when the extractor improves; never lower one.
"""

from __future__ import annotations

import pytest

from citegraph.evaluate import evaluate
from citegraph.pipeline import BuildOptions

from conftest import DATA

FLOORS = {
    "outlets_precision": 1.0,
    "outlets_recall": 1.0,
    "outlets_f1": 1.0,
    "documents_f1": 0.9,
    "via_accuracy": 1.0,
}


@pytest.fixture(scope="module")
def result(gold_file):
    return evaluate(gold_file, BuildOptions(inputs=(DATA,)))


def test_every_gold_article_was_read(result):
    assert [a.article for a in result.articles if a.missing_article] == []


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(result, metric):
    values = {
        "outlets_precision": result.outlets.precision,
        "outlets_recall": result.outlets.recall,
        "outlets_f1": result.outlets.f1,
        "documents_f1": result.documents.f1,
        "via_accuracy": result.via_accuracy,
    }
    assert values[metric] >= FLOORS[metric], f"{metric} fell to {values[metric]:.3f}"


def test_no_not_cited_name_reported_as_outlet(result):
    assert [(a.article, a.not_cited_predicted) for a in result.articles if a.not_cited_predicted] == []
