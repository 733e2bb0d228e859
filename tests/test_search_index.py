"""The label index of /api/search answers what the search query (search.rq) answers."""

from __future__ import annotations

import pytest
from rdflib import Literal

from kg.store import Store
from web.label_index import LabelIndex
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
