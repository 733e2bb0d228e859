"""The reference works of data/sources-reference-works.ttl: a work read for the project says
where it was read and what was checked there, in one note that names every address."""

from __future__ import annotations

from rdflib import RDF, URIRef

from kg.build import Sources
from kg.namespaces import RKG


def _read_works(sources: Sources) -> dict[URIRef, set[str]]:
    works: dict[URIRef, set[str]] = {}
    for work in sources.data.subjects(RDF.type, RKG.Source):
        addresses = {str(a) for a in sources.data.objects(work, RKG.seenAt)}
        if addresses:
            works[work] = addresses
    return works


def test_some_reference_works_have_been_read(sources: Sources) -> None:
    works = _read_works(sources)
    assert len(works) >= 10, sorted(works)
    assert all(a.startswith(("http://", "https://")) for addrs in works.values() for a in addrs)


def test_a_read_work_has_one_dated_note_naming_every_address(sources: Sources) -> None:
    for work, addresses in _read_works(sources).items():
        notes = [str(n) for n in sources.data.objects(work, RKG.curationNote)]
        assert len(notes) == 1, f"{work}: {len(notes)} curation notes"
        note = notes[0]
        assert note.startswith("Read on 2026-11-30 at "), f"{work}: {note[:60]}"
        missing = {a for a in addresses if a not in note}
        assert not missing, f"{work}: note does not name {missing}"
