"""The check service (/validate, /api/validate): a proposed change is checked with the shipped
data, and the violations it causes are those `kg validate` finds in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.build import Sources
from kg.load import load_files
from kg.quality import run_checks
from kg.validate import validate
from tests.conftest import FIXTURES, make_app

INVALID = FIXTURES / "invalid"
# Three shapes of failure: two blank-node foci, and a shape plus a quality-check violation.
# (Checked with the shipped data: each takes a full pySHACL run, seconds, so only a few.)
CASES = [("level-override-shape--no-reason", "api"),
         ("range-shape--value-as-string", "form"),
         ("remedy-shape--general-mechanism-not-a-mechanism", "form-json")]

VALID_CHANGE = {
    "@context": {"rkg": "https://w3id.org/remedy-kg/ontology#",
                 "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                 "dcterms": "http://purl.org/dc/terms/"},
    "@id": "https://w3id.org/remedy-kg/id/remedy/check-service-test-remedy",
    "@type": "rkg:Drug",
    "rdfs:label": {"@value": "Check service test remedy", "@language": "en"},
    "rkg:curationStatus": {"@id": "rkg:CuratorAdded"},
    "dcterms:source": {"@id": "https://w3id.org/remedy-kg/id/source/seed-page"},
    "dcterms:description": {"@value": "A remedy that exists only in this test.",
                            "@language": "en"},
}


@pytest.fixture(scope="module")
def client(embedded_store):
    # The engine does not matter (the worker reads the graphs once); a generous limit, as
    # the test machine is shared.
    return make_app(embedded_store, VALIDATE_TIMEOUT=300).test_client()


def _token(client) -> str:
    html = client.get("/validate").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _kg_validate(path: Path, sources: Sources) -> set[tuple[str, ...]]:
    """What `kg validate FILE` reports as violations: the shapes', then the checks'."""
    data = load_files([path])
    report = validate(data, sources.shapes, sources.ontology)
    quality = run_checks(data, sources.ontology)
    return ({("shacl", str(v.shape).rsplit("#", 1)[-1], v.describe_focus(), v.message)
             for v in report.violations}
            | {("check", f.check.name, f.message) for f in quality.violations})


def _violations(report: dict) -> set[tuple[str, ...]]:
    return ({("shacl", r["shape"].removeprefix("rkgsh:"), r["focus"], r["message"])
             for r in report["change"]["shacl"] if r["severity"] == "Violation"}
            | {("check", f["check"], f["message"]) for f in report["change"]["checks"]
               if f["severity"] == "Violation"})


def test_a_valid_change_has_no_violations_and_keeps_what_was_there_apart(client) -> None:
    response = client.post("/api/validate", data=json.dumps(VALID_CHANGE),
                           content_type="application/ld+json")
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["conforms"] is True and report["change"]["violations"] == 0
    assert report["triples"] == 5
    # The new remedy has no claim yet: a warning caused by the change, named as such...
    caused = [f["message"] for f in report["change"]["checks"]]
    assert any("check-service-test-remedy has no claim" in m for m in caused), caused
    # ... while the shipped data's own warnings are listed apart, never as the change's.
    existing = [f["message"] for f in report["existing"]["checks"]]
    assert existing and not any("check-service-test-remedy" in m for m in existing)
    # The shipped data passes the shapes (as `kg build` requires), so nothing already there
    # is a violation.
    assert [r for r in report["existing"]["shacl"] if r["severity"] == "Violation"] == []


@pytest.mark.parametrize(("name", "how"), CASES, ids=[c[0] for c in CASES])
def test_a_failing_fixture_gives_the_violations_kg_validate_gives(client, sources, name,
                                                                  how) -> None:
    path = INVALID / f"{name}.ttl"
    expected = _kg_validate(path, sources)
    assert expected, f"{name} should fail kg validate"
    if how == "api":
        response = client.post("/api/validate", data=path.read_bytes(),
                               content_type="text/turtle")
    else:
        form = {"csrf_token": _token(client), "syntax": "auto",
                "data": path.read_text(encoding="utf-8")}
        accept = "application/json" if how == "form-json" else "text/html"
        response = client.post("/validate", data=form, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    if how == "form":
        html = response.get_data(as_text=True)
        assert f"The change causes {len(expected)} violation(s)" in html
        for item in expected:
            assert item[-1].replace('"', "&#34;").replace("'", "&#39;") in html, item
        return
    report = response.get_json()
    assert report["conforms"] is False
    assert _violations(report) == expected


def test_a_remote_json_ld_context_is_refused_naming_it(client) -> None:
    change = {"@context": ["https://schema.org/", {"rkg": "https://w3id.org/remedy-kg/ontology#"}],
              "@id": "https://w3id.org/remedy-kg/id/remedy/x", "name": "x"}
    response = client.post("/api/validate", data=json.dumps(change),
                           content_type="application/ld+json")
    assert response.status_code == 400
    assert "'https://schema.org/'" in response.get_json()["message"]


def test_too_large_is_413(client) -> None:
    body = b"# padding\n" * 7000  # 70,000 bytes, over the 65,536 of MAX_REQUEST_BYTES
    response = client.post("/api/validate", data=body, content_type="text/turtle")
    assert response.status_code == 413
    assert "65536" in response.get_json()["message"]


def test_a_syntax_error_is_400_naming_the_line(client) -> None:
    turtle = (b"@prefix rkg: <https://w3id.org/remedy-kg/ontology#> .\n"
              b"<https://w3id.org/remedy-kg/id/remedy/x> a rkg:Drug .\n"
              b"<https://w3id.org/remedy-kg/id/remedy/x> rkg:label \"unterminated .\n")
    response = client.post("/api/validate", data=turtle, content_type="text/turtle")
    assert response.status_code == 400
    body = response.get_json()
    assert body["line"] == 3 and body["message"].startswith("line 3: Turtle syntax error")
    form = {"csrf_token": _token(client), "data": turtle.decode(), "syntax": "turtle"}
    page = client.post("/validate", data=form)
    assert page.status_code == 400 and "line 3: Turtle syntax error" in page.get_data(
        as_text=True)


def test_the_form_needs_its_csrf_token_and_empty_input_is_400(client) -> None:
    response = client.post("/validate", data={"data": "<a:b> <a:c> <a:d> ."})
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    response = client.post("/api/validate", data={"data": "  "})
    assert response.status_code == 400 and "empty" in response.get_json()["message"]
    response = client.post("/api/validate", data=b"x", content_type="text/plain")
    assert response.status_code == 415
