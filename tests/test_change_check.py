"""kg.change_check and kg.change_workers: parsing an upload (nothing fetched, lines named), the
split between what a change causes and what was there, and the time limit."""

from __future__ import annotations

import json

import pytest

from kg.change_check import ChangeChecker, ChangeInputError, parse_change
from kg.change_workers import ChangeWorker, CheckTimeout, ShippedGraphs
from kg.load import load_files
from tests.conftest import FIXTURES

ONE_TRIPLE = b"<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n"


@pytest.mark.parametrize("context", [
    "https://example.org/context.jsonld",
    ["https://example.org/context.jsonld"],
    {"@import": "https://example.org/context.jsonld"},
])
def test_remote_contexts_are_refused_naming_them(context) -> None:
    document = [{"@id": "https://e.org/a", "https://e.org/p": {"@context": context, "x": 1}}]
    with pytest.raises(ChangeInputError, match="'https://example.org/context.jsonld'"):
        parse_change(json.dumps(document).encode(), "jsonld")


def test_syntax_errors_name_their_line() -> None:
    with pytest.raises(ChangeInputError) as turtle:
        parse_change(ONE_TRIPLE + b"<https://e.org/a> <https://e.org/p> .\n", "turtle")
    assert turtle.value.line == 2
    with pytest.raises(ChangeInputError) as jsonld:
        parse_change(b'{\n"@id": "https://e.org/a",\n"https://e.org/p": \n}', "jsonld")
    assert jsonld.value.line == 4
    with pytest.raises(ChangeInputError, match="no triples"):
        parse_change(b"# nothing\n", "turtle")
    with pytest.raises(ChangeInputError, match="not UTF-8"):
        parse_change(ONE_TRIPLE + b"\xff", "turtle")


def test_inline_json_ld_parses() -> None:
    document = {"@context": {"p": "https://e.org/p"}, "@id": "https://e.org/a", "p": "x"}
    assert len(parse_change(json.dumps(document).encode(), "jsonld")) == 1


@pytest.fixture(scope="module")
def small(project) -> ShippedGraphs:
    """The real ontology and shapes over a small data graph, so checks take well under a
    second."""
    def nt(paths) -> bytes:
        return load_files(paths).serialize(format="nt", encoding="utf-8")
    return ShippedGraphs(nt(project.ontology_files), nt(project.shapes_files),
                         nt([FIXTURES / "valid" / "minimal.ttl"]))


def test_a_change_that_breaks_an_existing_record_is_its_own(small) -> None:
    checker = ChangeChecker(small.sources())
    # A second label on an existing remedy: the focus is shipped, the cause is the change.
    change = parse_change(b'<https://w3id.org/remedy-kg/id/remedy/acupuncture> '
                          b'<http://www.w3.org/2000/01/rdf-schema#label> "Needling"@en .',
                          "turtle")
    report = checker.check(change)
    assert not report.conforms
    assert {v.describe_focus() for v in report.shacl.violations} == {"remedy:acupuncture"}
    assert report.shacl_existing.violations == []


def test_a_check_past_its_limit_is_stopped_and_the_next_one_runs(small) -> None:
    worker = ChangeWorker(small)
    try:
        with pytest.raises(CheckTimeout):
            worker.check(ONE_TRIPLE, "turtle", timeout=0.001)
        report = worker.check(ONE_TRIPLE, "turtle", timeout=60)
        assert report["conforms"] is True and report["triples"] == 1
    finally:
        worker.close()
