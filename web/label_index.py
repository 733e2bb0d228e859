"""The label index behind /api/search: read once per app, then every search costs its answer.

The search query (web/queries/search.rq) compares the search text with every label in the
graph on each request: 860 ms at a million triples. The served store does not change under a
running app (downloads rely on the same), so the texts are read once (web/queries/label-
index.rq) into a trigram index: a search of three or more characters looks only at the texts
holding its rarest trigram; a shorter one is answered once by a scan and then from a cache.
The ranking is search.rq's: matches at the start of a text before matches inside a word, then
shorter labels first, then by label.

The index is kept compact, because the server keeps it for its whole life and it grows with the
graph: every string lives in one UTF-8 blob per kind (IRIs, labels, searchable texts) with an
array of offsets, type labels are kept once each, and the trigram postings are one array cut by
a sorted array of trigram codes. A Python object per entity, text and trigram took 10-20 times
the bytes of the strings themselves. UTF-8 keeps the character semantics the search needs: a
valid UTF-8 needle occurs in UTF-8 text only at character boundaries, so `find` and
`startswith` on the bytes agree with `in` and `startswith` on the strings.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from flask import Flask

from kg import store_child
from kg.store import OxigraphStore, Store
from kg.store_child import ChildSource
from web.page_queries import page_query

INSIDE_WORD = 1000  # search.rq's penalty for a match that is not at the start of the text
SHORT_CACHE_SIZE = 4096
MATCH_CACHE_SIZE = 8192  # entities answered lately, as Match objects (about 300 bytes each)
MAX_RESULTS = 100  # the API's largest `limit`
_CHAR_BITS = 21  # every Unicode code point fits in 21 bits: a trigram fits in 63


class Match(NamedTuple):  # made per answer now: a tuple is made in a fifth of the time
    entity: str
    label: str
    type: str


class _Strings:
    """Strings appended one by one, kept as one UTF-8 blob and an array of offsets."""

    def __init__(self) -> None:
        self.parts: list[bytes] | None = []  # while building
        self.blob = b""
        self.at = array("Q", [0])

    def append(self, text: str) -> None:
        data = text.encode("utf-8")
        assert self.parts is not None
        self.parts.append(data)
        self.at.append(self.at[-1] + len(data))

    def freeze(self) -> None:
        self.blob, self.parts = b"".join(self.parts or ()), None

    def __len__(self) -> int:
        return len(self.at) - 1

    def __getitem__(self, i: int) -> str:
        return self.blob[self.at[i]:self.at[i + 1]].decode("utf-8")


def _code(gram: str) -> int:
    return (ord(gram[0]) << 2 * _CHAR_BITS) | (ord(gram[1]) << _CHAR_BITS) | ord(gram[2])


def _rows(store: Store) -> Iterator[tuple[str, str, str, str]]:
    """(entity, text, label, type label) per row of label-index.rq. The embedded store's own
    lazy answer, row by row: converting a million rows to rdflib terms at once took more
    memory than the index itself, and the heap kept it after."""
    text = page_query("label-index", store.namespaces)
    if isinstance(store, OxigraphStore):
        for s in store.evaluate(text):  # type: ignore[union-attr]
            kind = s["typeLabel"]
            yield s["entity"].value, s["text"].value, s["label"].value, \
                kind.value if kind is not None else ""
        return
    for row in store.query(text).dicts():
        yield (str(row["entity"]), str(row["text"]), str(row["label"]),
               str(row.get("typeLabel") or ""))


class LabelIndex:
    """Entities (IRI, label, type), their lowercased texts, and trigram -> text ids."""

    def __init__(self) -> None:
        self.iris = _Strings()
        self.labels = _Strings()
        self.kinds: list[str] = []  # the type labels, each once
        self.kind = array("I")  # per entity: its type label's index in `kinds`
        self.label_length = array("I")  # per entity: its shortest label, in characters
        self.texts = _Strings()  # lowercased
        self.owner = array("I")  # per text: its entity
        self.codes = array("Q")  # the trigrams, sorted (_code)
        self.starts = array("I")  # per trigram: where its text ids start in `postings`
        self.postings = array("I")
        self._short: OrderedDict[str, array] = OrderedDict()  # short search -> entity numbers
        self._matches: dict[int, Match] = {}  # entity number -> its Match, made once
        self._lock = threading.Lock()

    @classmethod
    def of(cls, store: Store) -> LabelIndex:
        return cls.from_rows(_rows(store))

    # Pickled by the child that reads the index (label_index): the arrays and blobs, not the
    # caches and the lock.
    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if k not in ("_short", "_matches", "_lock")}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self._short, self._matches, self._lock = OrderedDict(), {}, threading.Lock()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]]) -> LabelIndex:
        index = cls()
        numbers: dict[str, int] = {}
        kinds: dict[str, int] = {}
        seen: set[tuple[int, str]] = set()
        grams: dict[int, array] = {}
        for entity, text, label, kind in rows:
            number = numbers.get(entity)
            if number is None:
                number = numbers[entity] = len(index.label_length)
                index.iris.append(entity)
                index.labels.append(label)
                index.kind.append(kinds.setdefault(kind, len(kinds)))
                index.label_length.append(len(label))
            elif len(label) < index.label_length[number]:
                index.label_length[number] = len(label)
            text = text.lower()
            if (number, text) in seen:
                continue
            seen.add((number, text))
            text_id = len(index.texts)
            index.texts.append(text)
            index.owner.append(number)
            for code in {_code(text[i:i + 3]) for i in range(len(text) - 2)}:
                found = grams.get(code)
                if found is None:
                    found = grams[code] = array("I")
                found.append(text_id)
        index.kinds = list(kinds)
        for strings in (index.iris, index.labels, index.texts):
            strings.freeze()
        index.codes = array("Q", sorted(grams))
        for code in index.codes:
            index.starts.append(len(index.postings))
            index.postings.extend(grams.pop(code))
        index.starts.append(len(index.postings))
        return index

    def match(self, number: int) -> Match:
        # Making a Match from the blobs takes microseconds; a search answers 20 of them, and the
        # same entities come back across searches: keep those made, up to a bound.
        found = self._matches.get(number)
        if found is None:
            if len(self._matches) >= MATCH_CACHE_SIZE:
                self._matches.clear()
            found = self._matches[number] = Match(self.iris[number], self.labels[number],
                                                  self.kinds[self.kind[number]])
        return found

    def search(self, q: str, limit: int) -> list[Match]:
        """The best `limit` entities whose label, alternative label or notation holds q."""
        q = q.lower()
        if len(q) >= 3:
            return [self.match(n) for n in self._rank(q, self._candidates(q), limit)]
        with self._lock:
            found = self._short.get(q)
            if found is not None:
                self._short.move_to_end(q)
        if found is None:
            found = array("I", self._rank(q, self._all_holding(q), MAX_RESULTS))
            with self._lock:
                self._short[q] = found
                if len(self._short) > SHORT_CACHE_SIZE:
                    self._short.popitem(last=False)
        return [self.match(n) for n in found[:limit]]

    def _postings(self, gram: str) -> memoryview | None:
        code = _code(gram)
        i = bisect_left(self.codes, code)
        if i == len(self.codes) or self.codes[i] != code:
            return None
        return memoryview(self.postings)[self.starts[i]:self.starts[i + 1]]

    def _candidates(self, q: str) -> Iterable[int]:
        postings = [self._postings(q[i:i + 3]) for i in range(len(q) - 2)]
        if any(p is None for p in postings):
            return ()
        return min(postings, key=len)  # type: ignore[arg-type, return-value]

    def _all_holding(self, q: str) -> Iterator[int]:
        """Every text holding q: one pass of `find` over the blob, not a test per text."""
        needle, blob, at = q.encode("utf-8"), self.texts.blob, self.texts.at
        if not needle:
            yield from range(len(self.texts))
            return
        position = blob.find(needle)
        while position != -1:
            text_id = bisect_right(at, position) - 1
            end = at[text_id + 1]
            if position + len(needle) <= end:  # not across the end of the text
                yield text_id
                position = blob.find(needle, end)
            else:
                position = blob.find(needle, position + 1)

    def _rank(self, q: str, text_ids: Iterable[int], limit: int) -> list[int]:
        needle, at, owner, lengths = q.encode("utf-8"), self.texts.at, self.owner, \
            self.label_length
        find = self.texts.blob.find
        best: dict[int, int] = {}
        for text_id in text_ids:
            start = at[text_id]
            found = find(needle, start, at[text_id + 1])
            if found == -1:
                continue
            number = owner[text_id]
            score = (0 if found == start else INSIDE_WORD) + lengths[number]
            if score < best.get(number, score + 1):
                best[number] = score
        if not best:
            return []
        # Labels break ties: read only those of entities that can still make the cut.
        scores = sorted(best.values())
        cut = scores[min(limit, len(scores)) - 1]
        near = [n for n, score in best.items() if score <= cut]
        near.sort(key=lambda n: (best[n], self.match(n).label))
        return near[:limit]


_building = threading.Lock()


def label_index(app: Flask, store: Store) -> LabelIndex:
    """The app's index, read from the store on first use (one reader; others wait).

    An on-disk store's index is read by a child process (kg.store_child), which sends it back
    and exits: reading every label made RocksDB keep about 52 MB in the server for good at
    1M, beside the 22 MB index and the heap its building left. An engine's store is read
    here: the engine, not this process, holds what it read.
    """
    index = app.extensions.get("kg_label_index")
    if index is None:
        with _building:
            index = app.extensions.get("kg_label_index")
            if index is None:
                source = ChildSource.of(store, remote=False)
                index = LabelIndex.of(store) if source is None else \
                    store_child.run(source, _read_index, "kg-label-index")
                app.extensions["kg_label_index"] = index
    return index


def _read_index(store: Store) -> LabelIndex:
    """In the child: the index of its own store."""
    return LabelIndex.of(store)
