"""The label index behind /api/search: read once per app, then every search costs its answer.

The search query (web/queries/search.rq) compares the search text with every label in the
graph on each request: 860 ms at a million triples. The served store does not change under a
running app (downloads rely on the same), so the texts are read once (web/queries/label-
index.rq) into a trigram index: a search of three or more characters looks only at the texts
holding its rarest trigram; a shorter one is answered once by a scan and then from a cache.
The ranking is search.rq's: matches at the start of a text before matches inside a word, then
shorter labels first, then by label.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Flask

from kg.store import Store
from web.page_queries import page_query

INSIDE_WORD = 1000  # search.rq's penalty for a match that is not at the start of the text
SHORT_CACHE_SIZE = 4096
MAX_RESULTS = 100  # the API's largest `limit`


@dataclass(frozen=True)
class Match:
    entity: str
    label: str
    type: str


@dataclass
class LabelIndex:
    """Lowercased texts, the entity each belongs to, and a trigram -> text ids map."""

    entities: list[Match] = field(default_factory=list)
    label_length: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    owner: array = field(default_factory=lambda: array("I"))
    grams: dict[str, array] = field(default_factory=dict)
    _short: OrderedDict[str, list[Match]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, store: Store) -> LabelIndex:
        index = cls()
        numbers: dict[str, int] = {}
        seen: set[tuple[int, str]] = set()
        for row in store.query(page_query("label-index", store.namespaces)).dicts():
            entity, label = str(row["entity"]), str(row["label"])
            number = numbers.get(entity)
            if number is None:
                number = numbers[entity] = len(index.entities)
                index.entities.append(Match(entity, label, str(row.get("typeLabel") or "")))
                index.label_length.append(len(label))
            elif len(label) < index.label_length[number]:
                index.label_length[number] = len(label)
            text = str(row["text"]).lower()
            if (number, text) not in seen:
                seen.add((number, text))
                index._add(number, text)
        return index

    def _add(self, number: int, text: str) -> None:
        text_id = len(self.texts)
        self.texts.append(text)
        self.owner.append(number)
        for gram in {text[i:i + 3] for i in range(len(text) - 2)}:
            self.grams.setdefault(gram, array("I")).append(text_id)

    def search(self, q: str, limit: int) -> list[Match]:
        """The best `limit` entities whose label, alternative label or notation holds q."""
        q = q.lower()
        if len(q) >= 3:
            return self._rank(q, self._candidates(q))[:limit]
        with self._lock:
            found = self._short.get(q)
            if found is not None:
                self._short.move_to_end(q)
                return found[:limit]
        found = self._rank(q, range(len(self.texts)))[:MAX_RESULTS]
        with self._lock:
            self._short[q] = found
            if len(self._short) > SHORT_CACHE_SIZE:
                self._short.popitem(last=False)
        return found[:limit]

    def _candidates(self, q: str) -> array | list[int]:
        postings = [self.grams.get(q[i:i + 3]) for i in range(len(q) - 2)]
        if any(p is None for p in postings):
            return []
        return min(postings, key=len)  # type: ignore[arg-type, return-value]

    def _rank(self, q: str, text_ids: object) -> list[Match]:
        best: dict[int, int] = {}
        for text_id in text_ids:  # type: ignore[attr-defined]
            text = self.texts[text_id]
            if q not in text:
                continue
            number = self.owner[text_id]
            score = (0 if text.startswith(q) else INSIDE_WORD) + self.label_length[number]
            if score < best.get(number, score + 1):
                best[number] = score
        ordered = sorted(best, key=lambda n: (best[n], self.entities[n].label))
        return [self.entities[n] for n in ordered]


_building = threading.Lock()


def label_index(app: Flask, store: Store) -> LabelIndex:
    """The app's index, read from the store on first use (one reader; others wait)."""
    index = app.extensions.get("kg_label_index")
    if index is None:
        with _building:
            index = app.extensions.get("kg_label_index")
            if index is None:
                index = app.extensions["kg_label_index"] = LabelIndex.of(store)
    return index
