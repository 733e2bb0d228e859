"""The label index of /api/search answers what the search query (search.rq) answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from rdflib import Literal

from kg.queries import bind
from kg.store import Store, StoreError
from kg.store_child import ChildSource
from tests.engines import skip_on_virtuoso
from web import label_index as label_index_module
from web.label_index import LabelIndex, label_index
from web.page_queries import bound


def by_query(store: Store, q: str) -> list[tuple[str, str, str]]:
    rows = store.query(bound("search", q=Literal(q))).dicts()
    return [(str(r["entity"]), str(r["name"]), str(r.get("type", ""))) for r in rows]


@pytest.mark.parametrize("q", ["ka", "Lo", "kalo", "syndrome", "ST1", "st", "pathway mod",
                               "zzqx", "a", "'", "r1"])
def test_the_index_ranks_as_the_query_does(synthetic_store: Store, q: str) -> None:
    index = LabelIndex.of(synthetic_store)
    expected = by_query(synthetic_store, q)[:100]
    found = [(m.entity, m.label, m.type) for m in index.search(q, 100)]
    assert found == expected
    # A short search is answered from the cache the second time, the same.
    assert [(m.entity, m.label, m.type) for m in index.search(q, 100)] == expected


def test_the_limit_cuts_the_best_first(synthetic_store: Store) -> None:
    index = LabelIndex.of(synthetic_store)
    assert index.search("ka", 3) == index.search("ka", 100)[:3]
    assert len(index.search("ka", 3)) == 3


SEARCH_BEFORE = Path(__file__).parent / "fixtures" / "page-queries-before-rewrite" / "search.rq"


@pytest.mark.parametrize("q", ["acupu", "leg", "st3", "zzqx"])
def test_the_search_query_gives_what_its_earlier_text_gave(store: Store, engine, q: str) -> None:
    """search.rq finds the texts in a subquery first (for speed at a million triples); its
    answer is the earlier text's: the same rows, in the same order of score and name."""
    # In full-suite runs on 2026-11-30 Virtuoso answered the earlier text with rows missing
    # once and stopped answering at all (0 % CPU, even ASK {}) twice. It is only this test's
    # reference, not served.
    skip_on_virtuoso(engine, "the earlier search text")
    earlier = store.query(bind(SEARCH_BEFORE.read_text(encoding="utf-8"), q=Literal(q))).rows
    now = store.query(bound("search", q=Literal(q))).rows
    assert sorted(map(repr, now)) == sorted(map(repr, earlier))
    assert [(r[3], r[1]) for r in now] == [(r[3], r[1]) for r in earlier]
    assert earlier or q == "zzqx"

ROWS = [  # (entity, text, label, type label), as label-index.rq gives them
    ("https://w3id.org/remedy-kg/id/a", "Zú Sān Lǐ", "Zú Sān Lǐ", "Acupoint"),
    ("https://w3id.org/remedy-kg/id/a", "ST36", "Zú Sān Lǐ", "Acupoint"),
    ("https://w3id.org/remedy-kg/id/b", "xab", "xab", ""),
    ("https://w3id.org/remedy-kg/id/c", "cde", "cde", "Herb"),
    ("https://w3id.org/remedy-kg/id/d", "Sānqī", "Sānqī", "Herb"),
    ("https://w3id.org/remedy-kg/id/d", "sanqi", "Sānqī", "Herb"),
]


def naive(q: str) -> list[tuple[str, str, str]]:
    """search.rq's ranking, spelled out over the rows."""
    best: dict[str, tuple[int, str, str]] = {}
    for entity, text, _label, _kind in ROWS:
        text, length = text.lower(), min(len(r[2]) for r in ROWS if r[0] == entity)
        if q.lower() in text:
            score = (0 if text.startswith(q.lower()) else 1000) + length
            first = next(r for r in ROWS if r[0] == entity)
            if entity not in best or score < best[entity][0]:
                best[entity] = (score, first[2], first[3])
    ordered = sorted(best, key=lambda e: (best[e][0], best[e][1]))
    return [(e, best[e][1], best[e][2]) for e in ordered]


@pytest.mark.parametrize("q", ["ǐ", "lǐ", "SĀN", "sān", "bc", "abc", "b", "c", "st3", "qī", ""])
def test_the_compact_index_keeps_character_semantics(q: str) -> None:
    # Non-ASCII labels, and no match across the end of one text into the next ("xab"+"cde").
    index = LabelIndex.from_rows(ROWS)
    found = [(m.entity, m.label, m.type) for m in index.search(q, 100)]
    assert found == naive(q)
    assert [(m.entity, m.label, m.type) for m in index.search(q, 100)] == naive(q)


def test_each_type_label_is_kept_once() -> None:
    index = LabelIndex.from_rows(ROWS)
    assert sorted(index.kinds) == ["", "Acupoint", "Herb"]
    assert index.search("zú", 1)[0].type == "Acupoint"


def test_an_on_disk_store_s_index_is_read_by_a_child(synthetic_store: Store,
                                                     synthetic_disk_store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    expected = LabelIndex.of(synthetic_store)

    def not_here(*args, **kwargs):
        raise AssertionError("the server read the labels itself")

    monkeypatch.setattr(synthetic_disk_store, "evaluate", not_here)
    monkeypatch.setattr(synthetic_disk_store, "query", not_here)
    app = Flask(__name__)
    index = label_index(app, synthetic_disk_store)
    for q in ("ka", "syndrome", "st", "zzqx"):
        assert index.search(q, 100) == expected.search(q, 100)
    assert label_index(app, synthetic_disk_store) is index


def test_a_child_that_cannot_read_the_index_is_a_store_error(
        synthetic_disk_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = ChildSource(path=str(tmp_path / "gone"), base=synthetic_disk_store.namespaces.base)
    monkeypatch.setattr(label_index_module.ChildSource, "of",
                        classmethod(lambda cls, store, remote=True: missing))
    app = Flask(__name__)
    with pytest.raises(StoreError, match="no store at"):
        label_index(app, synthetic_disk_store)
    assert "kg_label_index" not in app.extensions  # the next search tries again
