"""Scoring against gold (FORMAT.md) and the eval / extract commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from citegraph.cli import app
from citegraph.errors import GoldFileError
from citegraph.evaluate import load_gold, score_article
from citegraph.records import Citation, CitationKind, DocType, Evidence

from conftest import DATA

EV = (Evidence("x", 0, 1),)


def _outlet(name: str) -> Citation:
    return Citation("a.txt", CitationKind.OUTLET, name, "cue", EV)


def _doc(doc_type: DocType, label: str, via: str | None = None) -> Citation:
    return Citation("a.txt", CitationKind.DOCUMENT, label, "cue", EV, doc_type=doc_type, via=via)


@pytest.fixture
def gold_entry(tmp_path):
    entry = {
        "article": "a.txt",
        "outlets": [{"name": "The New York Times", "aliases": ["NYT"]}, {"name": "Axios"}],
        "optional_outlets": [{"name": "Al Mayadeen English", "aliases": ["Al Mayadeen"]}],
        "documents": [{"type": "memo", "keys": ["dissent memo"], "via": "Axios"}, {"type": "cable", "keys": ["Oman"], "via": "CNN"}],
        "optional_documents": [{"type": "memo", "keys": ["internal memos"]}],
        "not_cited": [{"name": "Associated Press", "aliases": ["AP"]}],
    }
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    return load_gold(path)[0]


@pytest.mark.parametrize(
    "predicted, tp, fp, fn, not_cited",
    [
        (["New York Times", "Axios"], 2, 0, 0, 0),  # "the" and case do not matter
        (["NYT", "Al Mayadeen"], 1, 0, 1, 0),  # alias counts; optional ignored
        (["the New York Times", "Axios", "Associated Press"], 2, 1, 0, 1),  # not_cited is a false alarm
        ([], 0, 0, 2, 0),
    ],
)
def test_outlet_scoring(gold_entry, predicted, tp, fp, fn, not_cited):
    result = score_article(gold_entry, [_outlet(n) for n in predicted])
    assert (result.outlets.tp, result.outlets.fp, result.outlets.fn) == (tp, fp, fn)
    assert len(result.not_cited_predicted) == not_cited


def test_document_scoring_and_via(gold_entry):
    predicted = [
        _doc(DocType.MEMO, "State Department dissent memo", via="Axios"),
        _doc(DocType.CABLE, "cable from the US Embassy in Oman", via=None),
        _doc(DocType.MEMO, "three internal memos"),  # optional: ignored
        _doc(DocType.LETTER, "a letter about Oman"),  # wrong type: false alarm
    ]
    result = score_article(gold_entry, predicted)
    assert (result.documents.tp, result.documents.fp, result.documents.fn) == (2, 1, 0)
    assert (result.via_checked, result.via_correct) == (2, 1)
    assert result.via_errors == ("cable [Oman]: via None, gold 'CNN'",)


@pytest.mark.parametrize(
    "content, message",
    [("{not json\n", "line 1 is not JSON"), ('{"outlets": []}\n', "line 1: missing or malformed field 'article'")],
)
def test_bad_gold_file(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFileError) as err:
        load_gold(path)
    assert message in str(err.value)


def test_eval_command_on_seeds(gold_file):
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold_file), str(DATA)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "                P      R     F1   TP   FP   FN"
    assert lines[1] == "outlets     1.000  1.000  1.000    6    0    0"
    assert lines[3] == "via accuracy 1.000 over 3 document(s)"
    assert lines[4] == "not_cited names predicted as outlets: 0"
    assert "000_d868355d3de1eb99.txt: ok" in lines


def test_eval_command_bad_gold(tmp_path):
    result = CliRunner().invoke(app, ["eval", "--gold", str(tmp_path / "none.jsonl"), str(DATA)])
    assert result.exit_code == 1
    assert "Error: cannot read gold file" in result.output
    assert "check the --gold path" in result.output


def test_extract_command_on_seed():
    result = CliRunner().invoke(app, ["extract", str(DATA / "001_6195e9e891bbb07e.txt")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "001_6195e9e891bbb07e.txt: Over 400 US officials sign letter against Biden's 'Israel' policy"
    assert '  outlet       Axios | cue="obtained by"' in lines
    assert '  outlet       CNN | cue="obtained by"' in lines
    assert '  outlet       The New York Times | cue="reviewed"' in lines


def test_extract_command_missing_file(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
