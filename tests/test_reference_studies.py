"""Tests for kg.reference_studies: study records from ../shared/reference/studies.tsv."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal
from rdflib.namespace import DCTERMS

from kg import reference_studies
from kg.namespaces import RKG
from kg.reference_studies import (
    REQUIRED,
    StudyListError,
    add_studies,
    design_class,
    participants,
    study_iri,
)

LIST = Path("studies.tsv")


def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(REQUIRED, "")
    row.update(key="x-2020-trial", title="A trial", venue="A Journal", year="2020",
               design="RCT", direction="benefit", finding="It helped.")
    row.update(values)
    return row


def _graph(*rows: dict[str, str]) -> Graph:
    return add_studies(Graph(), [(i + 2, r) for i, r in enumerate(rows)], LIST)


@pytest.mark.parametrize(("design", "cls"), [
    ("systematic review / meta-analysis (Cochrane)", RKG.MetaAnalysis),
    ("network meta-analysis", RKG.MetaAnalysis),
    ("systematic review (case reports)", RKG.SystematicReview),
    ("pilot RCT (single-blind)", RKG.RandomizedControlledTrial),
    ("interaction study (open-label, non-randomized, sequential)", RKG.ClinicalTrial),
    ("single-arm pilot trial (feasibility)", RKG.ClinicalTrial),
    ("nested case-control", RKG.ObservationalStudy),
    ("guideline (consensus statement)", RKG.Guideline),
    ("drug safety communication", RKG.RegulatoryCommunication),
    ("trial protocol (randomized crossover)", RKG.TrialProtocol),
    ("case series (uncontrolled)", RKG.CaseSeries),
])
def test_designs_map_to_classes(design: str, cls) -> None:
    assert design_class(design) == cls


def test_participants_only_when_the_row_says_one_number() -> None:
    assert participants("2 trials (170 patients)") == 170
    assert participants("38 RCTs; 7365") == 7365
    assert participants("46 (23 per arm)") == 46
    assert participants("112 planned") is None
    assert participants("18 studies") is None


def test_a_row_becomes_a_record_with_its_direction_and_addresses() -> None:
    graph = _graph(_row(pmid="123", seen_at="https://a.example/1 ; https://b.example/2"))
    study = study_iri("x-2020-trial")
    assert (study, RDF.type, RKG.RandomizedControlledTrial) in graph
    assert graph.value(study, RKG.direction) == RKG.Benefit
    assert graph.value(study, RKG.pmid) == Literal("123")
    assert len(set(graph.objects(study, RKG.seenAt))) == 2


def test_gaps_and_untitled_secondary_summaries_are_not_records() -> None:
    graph = _graph(_row(key="gap-nothing-found", design="", direction=""),
                   _row(key="summary-only", title=""))
    assert len(graph) == 0


def test_an_empty_direction_is_recorded_as_not_seen() -> None:
    graph = _graph(_row(direction=""))
    assert graph.value(study_iri("x-2020-trial"), RKG.direction) == RKG.ResultNotSeen


@pytest.mark.parametrize(("row", "words"), [
    (_row(design="expert musings"), "unknown design"),
    (_row(direction="sort of"), "unknown direction"),
    (_row(key=""), "the key is required"),
])
def test_bad_rows_name_file_and_line(row: dict[str, str], words: str) -> None:
    with pytest.raises(StudyListError, match=rf"studies\.tsv:2: .*{words}"):
        _graph(row)


def test_a_curator_read_study_is_curator_added_and_cites_its_journal(monkeypatch) -> None:
    listed = _graph(_row())
    venue = next(listed.objects(study_iri("x-2020-trial"), RKG.publishedIn))
    monkeypatch.setattr(reference_studies, "CURATOR_ROWS", [_row(key="y-2021-trial")])
    graph = reference_studies.add_curator_studies(listed)
    study = study_iri("y-2021-trial")
    assert (study, RKG.curationStatus, RKG.CuratorAdded) in graph
    assert set(graph.objects(study, DCTERMS.source)) == {venue}
    assert (study_iri("x-2020-trial"), RKG.curationStatus, RKG.FromReference) in graph


@pytest.mark.parametrize(("row", "message"), [
    ({"key": "x-2020-trial"}, "already a row of the list"),
    ({"key": "z-2022-trial", "venue": "Another Journal"}, "venue the list does not hold"),
])
def test_a_curator_row_the_list_cannot_hold_is_refused(monkeypatch, row, message) -> None:
    monkeypatch.setattr(reference_studies, "CURATOR_ROWS", [_row(**row)])
    with pytest.raises(StudyListError, match=message):
        reference_studies.add_curator_studies(_graph(_row()))


def test_a_venue_only_a_correction_names_comes_from_the_corrected_study(monkeypatch) -> None:
    monkeypatch.setattr(reference_studies, "CORRECTIONS",
                        {"x-2020-trial": {"venue": "Arch Intern Med"}})
    graph = _graph(_row(venue=""))
    venue = next(graph.objects(study_iri("x-2020-trial"), RKG.publishedIn))
    assert (venue, RKG.curationStatus, RKG.CuratorAdded) in graph
    assert set(graph.objects(venue, DCTERMS.source)) == {study_iri("x-2020-trial")}


def test_a_venue_the_list_also_names_stays_the_lists(monkeypatch) -> None:
    monkeypatch.setattr(reference_studies, "CORRECTIONS",
                        {"x-2020-trial": {"venue": "A Journal"}})
    for rows in ([_row(venue=""), _row(key="y-2021-trial")],
                 [_row(key="y-2021-trial"), _row(venue="")]):
        graph = _graph(*rows)
        venue = next(graph.objects(study_iri("y-2021-trial"), RKG.publishedIn))
        assert set(graph.objects(venue, RKG.curationStatus)) == {RKG.FromReference}
        assert set(graph.objects(venue, DCTERMS.source)) == {reference_studies.LIST_SOURCE}
