"""One graph model builds and patches: a patched graph equals one built from scratch (nodes, edges, attributes, order)."""

from __future__ import annotations

import dataclasses
import json
import random

import pytest

from citegraph.graph import cache
from citegraph.graph.model import CitationGraph, build_graph
from citegraph.store.update import cached_gazetteer
from citegraph.pipeline import BuildOptions, extract_all, read_all
from conftest import CORPORA, DATA, need_shared


@pytest.fixture(scope="module")
def gazetteer():
    return cached_gazetteer(None)


@pytest.fixture(scope="module")
def records():
    """Real articles (BBC politics, Wikinews, the seeds) and their citations, by article id."""
    inputs = (need_shared(CORPORA / "bbc-fulltext" / "bbc" / "politics"), CORPORA / "gum-wikinews" / "text", DATA)
    options = BuildOptions(inputs=inputs)
    articles, _ = read_all(options)
    citations = extract_all(articles, options)
    by_article: dict[str, list] = {a.id: [] for a in articles}
    for c in citations:
        by_article[c.article].append(c)
    assert len(by_article) == len(articles)
    return {a.id: (a, by_article[a.id]) for a in articles}


def snapshot(G) -> tuple:
    """Everything an output can see: nodes and edges with attributes, in order, and adjacency order."""
    return (
        [(n, list(d.items())) for n, d in G.nodes(data=True)],
        [(u, v, list(d.items())) for u, v, d in G.edges(data=True)],
        [list(G.pred[n]) for n in G],
    )


def built(current: dict, gazetteer):
    articles = sorted((a for a, _ in current.values()), key=lambda a: a.id)
    citations = sorted((c for _, cs in current.values() for c in cs), key=lambda c: c.sort_key())
    return articles, citations, build_graph(articles, citations, gazetteer)


def state_of(current: dict, gazetteer) -> CitationGraph:
    articles, citations, _ = built(current, gazetteer)
    return CitationGraph.build(articles, citations, gazetteer)


def changed_version(article, citations, donor_citations, rng, publishers):
    """The article with another title and publisher, part of its citations and all of a donor's."""
    moved = [dataclasses.replace(c, article=article.id) for c in donor_citations]
    kept = list(citations[: rng.randint(0, len(citations))])
    new = dataclasses.replace(article, title=article.title + " (updated)", publisher=rng.choice(publishers))
    return new, sorted(kept + moved, key=lambda c: c.sort_key())


def check_patch(state: CitationGraph, current: dict, removed: set, added: list, gazetteer) -> None:
    before_nodes = {n: list(d.items()) for n, d in state.G.nodes(data=True)}
    before_edges = {(u, v): list(d.items()) for u, v, d in state.G.edges(data=True)}
    change = state.patch(removed, added)
    *_, reference = built(current, gazetteer)
    assert snapshot(state.G) == snapshot(reference)
    # Every node and edge that is new or differs is reported; nothing reported is gone.
    for n, d in state.G.nodes(data=True):
        if before_nodes.get(n) != list(d.items()):
            assert n in change.nodes, n
    for u, v, d in state.G.edges(data=True):
        if before_edges.get((u, v)) != list(d.items()):
            assert (u, v) in change.edges, (u, v)
    assert change.nodes <= set(state.G) and all(state.G.has_edge(*e) for e in change.edges)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patches_equal_clean_builds_through_deletes_adds_and_changes(records, gazetteer, seed):
    rng = random.Random(seed)
    ids = sorted(records)
    publishers = sorted({a.publisher for a, _ in records.values() if a.publisher}) + [None, "", "Riverside Ledger"]
    current = {i: records[i] for i in rng.sample(ids, len(ids) // 2)}
    state = state_of(current, gazetteer)
    for _ in range(12):
        removed: set[str] = set()
        added = []
        for aid in rng.sample(sorted(current), rng.randint(0, 4)):
            removed.add(aid)
            del current[aid]
        for aid in rng.sample([i for i in ids if i not in current and i not in removed], rng.randint(0, 4)):
            current[aid] = records[aid]
            added.append(records[aid])
        fresh = {a.id for a, _ in added}
        for aid in rng.sample(sorted(set(current) - fresh), rng.randint(0, 4)):
            donor = records[rng.choice(ids)][1]
            current[aid] = changed_version(*current[aid], donor, rng, publishers)
            removed.add(aid)
            added.append(current[aid])
        check_patch(state, current, removed, added, gazetteer)


def test_a_respelt_outlet_is_renamed_with_its_edges(records, gazetteer):
    """When most spellings of an outlet change, its node takes the new name and keeps every edge."""
    documents = [(a, cs) for a, cs in records.values() if any(c.kind.value == "document" for c in cs)]
    plain = [(a, cs) for a, cs in records.values() if cs and (a, cs) not in documents][:6]
    assert len(documents) >= 2 and len(plain) == 6
    name, respelt = "Riverside Ledger", "RIVERSIDE LEDGER"

    def with_publisher(item, publisher):
        article, citations = item
        return dataclasses.replace(article, publisher=publisher), citations

    def with_via(item, via):
        """The first document citation names ``via`` (one spelling), the others none."""
        article, citations = item
        first = next(i for i, c in enumerate(citations) if c.kind.value == "document")
        return article, [dataclasses.replace(c, via=via if i == first else None) if c.kind.value == "document" else c
                         for i, c in enumerate(citations)]

    current = {item[0].id: with_publisher(item, name) for item in plain[:3]}
    for item in documents[:2]:
        current[item[0].id] = with_via(item, name)
    state = state_of(current, gazetteer)
    assert f"outlet:{name}" in state.G
    # Spellings: 3 publishers and 2 vias of ``name``; then one publisher and one via change, three more come.
    added = [with_publisher(item, respelt) for item in plain[3:6]]
    added += [with_publisher(plain[0], respelt), with_via(documents[0], respelt)]
    removed = {plain[0][0].id, documents[0][0].id}
    for a, cs in added:
        current[a.id] = (a, cs)
    check_patch(state, current, removed, added, gazetteer)  # 5 to 3
    assert f"outlet:{respelt}" in state.G and f"outlet:{name}" not in state.G
    vias = [u for u, _, d in state.G.in_edges(f"outlet:{respelt}", data=True) if d["relation"] == "via"]
    assert len(vias) == 2  # the unchanged document's edge moved to the new name


def test_a_saved_model_patches_like_the_original(records, gazetteer):
    """The graph cache's JSON round trip keeps everything a patch needs."""
    ids = sorted(records)
    current = {i: records[i] for i in ids[:40]}
    state = cache._model_of(json.loads(json.dumps(cache._model_data(state_of(current, gazetteer)))), gazetteer)
    removed = set(ids[:5])
    for aid in removed:
        del current[aid]
    added = [records[i] for i in ids[40:45]]
    current.update((a.id, (a, cs)) for a, cs in added)
    check_patch(state, current, removed, added, gazetteer)


def test_patched_tables_equal_freshly_built_ones(records, gazetteer):
    ids = sorted(records)
    current = {i: records[i] for i in ids[::2]}
    state = state_of(current, gazetteer)
    removed = set(ids[::6])
    for aid in removed:
        del current[aid]
    added = [records[i] for i in ids[1:30:2]]
    current.update((a.id, (a, cs)) for a, cs in added)
    state.patch(removed, added)
    fresh = state_of(current, gazetteer)
    for table in ("notes", "spell", "hits", "discovered", "names", "docs"):
        assert getattr(state, table) == getattr(fresh, table), table


def test_a_repeated_article_id_is_one_article(records, gazetteer):
    article, citations = next(iter(records.values()))
    once = CitationGraph.build([article], citations, gazetteer)
    twice = CitationGraph.build([article, article], citations, gazetteer)
    assert snapshot(twice.G) == snapshot(once.G)


def test_removing_an_unknown_article_is_refused(records, gazetteer):
    ids = sorted(records)
    state = state_of({i: records[i] for i in ids[:5]}, gazetteer)
    with pytest.raises(ValueError, match="not in the graph"):
        state.patch({ids[6]}, [])


# ---- a collection read whole: its graph built from what the update stored, not read back ----


def _build_spying(monkeypatch, inputs, out, read_back: bool = False) -> int:
    """Build ``inputs`` into ``out``; how many times the graph read the citations back from the store.
    ``read_back``: the graph is made to read them back (the path every other build takes)."""
    from citegraph import pipeline
    from citegraph.store.db import Store

    reads = []
    real_citations, real_graph_for = Store.citations, cache.graph_for

    def citations(self):
        reads.append(1)
        return real_citations(self)

    def graph_for(*args):
        return real_graph_for(*args[:5], None) if read_back else real_graph_for(*args)

    with monkeypatch.context() as patched:
        patched.setattr(Store, "citations", citations)
        patched.setattr(pipeline.graph_cache, "graph_for", graph_for)
        pipeline.build(BuildOptions(inputs=tuple(inputs), out=out, jobs=1))
    return len(reads)


def test_a_collection_read_whole_gets_the_graph_of_its_stored_rows(tmp_path, monkeypatch):
    from conftest import copy_seeds, output_bytes
    import shutil

    corpus = copy_seeds(tmp_path / "in")
    for path in sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))[:12]:
        shutil.copy2(path, corpus / path.name)
    assert _build_spying(monkeypatch, [corpus], tmp_path / "kept") == 0
    assert _build_spying(monkeypatch, [corpus], tmp_path / "stored", read_back=True) == 1
    assert output_bytes(tmp_path / "kept") == output_bytes(tmp_path / "stored")
    assert (tmp_path / "kept" / "graph.html").stat().st_size > 100_000

    # Two folders of one name, one file in both: two articles (the second id is "in-2/..."), kept.
    twin = tmp_path / "b" / "in"
    twin.mkdir(parents=True)
    shutil.copy2(next(corpus.glob("GUM_*.txt")), twin)
    assert _build_spying(monkeypatch, [corpus, twin], tmp_path / "twins") == 0
    assert _build_spying(monkeypatch, [corpus, twin], tmp_path / "twins-stored", read_back=True) == 1
    assert output_bytes(tmp_path / "twins") == output_bytes(tmp_path / "twins-stored")

    # A store that held articles before: the update stored only some of them; the rest are read back.
    for path in sorted((CORPORA / "gum-wikinews" / "text").glob("*.txt"))[12:20]:
        shutil.copy2(path, corpus / path.name)
    shutil.rmtree(tmp_path / "kept" / cache.CACHE_DIR)  # no last graph to patch: built anew
    assert _build_spying(monkeypatch, [corpus], tmp_path / "kept") == 1  # of 25 articles 8 new: read back
    assert _build_spying(monkeypatch, [corpus], tmp_path / "fresh") == 0
    assert output_bytes(tmp_path / "kept") == output_bytes(tmp_path / "fresh")
