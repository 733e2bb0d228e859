"""Evidence you can check (issue 10): claim, study, condition, outcome, remedy and warning pages
show where a level comes from, which studies support or dispute a claim, and every source.

Assertions are on the shipped data; where a test needs "some claim with X" it asks the store.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest

CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"
CONDITION = "/id/condition/restless-legs-syndrome"
PREFIX = ("PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
# Names of classes outside our ontology that a page must never show as a design.
RAW_NAMES = ("MedicalStudy", "MedicalTrial", "MedicalObservationalStudy", "MedicalGuideline",
             "SEPIO_")


def _html(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.data[:500])
    return response.get_data(as_text=True)


def _section(html: str, ident: str, tag: str = "section") -> str:
    """The element with this id (sections and study groups do not nest in themselves)."""
    match = re.search(rf'<{tag}[^>]* id="{ident}".*?</{tag}>', html, re.S)
    assert match, f"no <{tag} id={ident!r}>"
    return match.group(0)


def _claim_facts(html: str) -> str:
    """The table under a claim's title: remedy, role, outcome, condition, level."""
    return html.split('class="facts claim-of"', 1)[1].split("</table>", 1)[0]


def _visible(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _path(iri: object) -> str:
    return "/id/" + str(iri).split("/id/", 1)[1]


def _rows(store, query: str) -> list[dict]:
    return list(store.query(PREFIX + query).dicts())


# -- the claim page


def test_claim_page_title_role_and_outcome(client, store) -> None:
    row = _rows(store, f"""
        SELECT ?label ?roleLabel ?outcome ?outcomeLabel WHERE {{
          <https://w3id.org/remedy-kg{CLAIM}> rdfs:label ?label ;
              rkg:role/rdfs:label ?roleLabel ; rkg:outcome ?outcome .
          ?outcome rdfs:label ?outcomeLabel }}""")[0]
    html = _html(client, CLAIM)
    assert f"<h1>{htmllib.escape(str(row['label']), quote=False)}</h1>" in html
    facts = _visible(_claim_facts(html))
    assert "Role" in facts and str(row["roleLabel"]) in facts
    assert "Outcome" in facts and str(row["outcomeLabel"]) in facts


def test_adjunct_claims_name_the_remedy_they_are_added_to(client, store) -> None:
    rows = _rows(store, """
        SELECT ?claim ?otherLabel WHERE {
          ?claim rkg:role rkg:AdjunctRole ; rkg:adjunctTo/rdfs:label ?otherLabel } LIMIT 1""")
    if not rows:
        pytest.skip("no adjunct claim in the data")
    facts = _claim_facts(_html(client, _path(rows[0]["claim"])))
    assert "added to" in facts and str(rows[0]["otherLabel"]) in _visible(facts)


def test_rls_claim_says_why_this_level(client, store) -> None:
    html = _html(client, CLAIM)
    why = _section(html, "why-this-level")
    assert ">Why this level<" in why
    text = _visible(why)
    levels = _rows(store, f"""
        SELECT ?startLabel ?derivedLabel WHERE {{
          <https://w3id.org/remedy-kg{CLAIM}>
              rkg:startingEvidenceLevel/rdfs:label ?startLabel ;
              rkg:derivedEvidenceLevel/rdfs:label ?derivedLabel }}""")
    assert levels, "the build derives the claim's levels"
    assert f"Start: {levels[0]['startLabel']}" in text
    assert f"Result: {levels[0]['derivedLabel']}" in text
    # Every adjustment: its GRADE domain, direction and steps, justification and source.
    adjustments = _rows(store, f"""
        SELECT ?domainLabel ?steps ?justification WHERE {{
          <https://w3id.org/remedy-kg{CLAIM}> rkg:certaintyAdjustment ?a .
          ?a rkg:gradeDomain/rdfs:label ?domainLabel ; rkg:steps ?steps ;
             rkg:justification ?justification }}""")
    for a in adjustments:
        assert str(a["domainLabel"]) in text and str(a["justification"]) in text
        assert re.search(rf"(down|up) {int(a['steps'])} step", text)
    assert why.count('class="source"') >= len(adjustments)
    # The studies that set the start are named with their design.
    if _rows(store, f"SELECT ?s WHERE {{ <https://w3id.org/remedy-kg{CLAIM}> "
                    "rkg:supportingStudy ?s }"):
        assert "The best design among the supporting studies sets it" in text


def test_rls_claim_lists_supporting_studies_with_pubmed_links(client, store) -> None:
    html = _html(client, CLAIM)
    supporting = _section(html, "supporting-studies", "div")
    assert ">Supporting <" in supporting
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/' in supporting
    expected = _rows(store, f"""
        SELECT ?study WHERE {{ <https://w3id.org/remedy-kg{CLAIM}> rkg:supportingStudy ?study }}""")
    for row in expected:
        assert f'href="{_path(row["study"])}"' in supporting
    # Each study: design label, and the record it was seen at.
    assert "record seen at" in supporting


def test_studies_are_grouped_supporting_disputing_other(client, store) -> None:
    html = _html(client, CLAIM)
    evidence = _section(html, "evidence")
    groups = {"supporting": "rkg:supportingStudy", "disputing": "rkg:disputingStudy"}
    shown = {}
    for key in ("supporting", "disputing", "other"):
        found = re.search(rf'id="{key}-studies".*?</div>', evidence, re.S)
        shown[key] = set(re.findall(r'<strong><a href="(/id/study/[^"]+)"', found.group(0))) \
            if found else set()
    for key, prop in groups.items():
        rows = _rows(store, f"SELECT ?s WHERE {{ <https://w3id.org/remedy-kg{CLAIM}> {prop} ?s }}")
        assert shown[key] == {_path(r["s"]) for r in rows}, key
    assert not (shown["other"] & (shown["supporting"] | shown["disputing"]))


@pytest.mark.parametrize("path", [
    CLAIM, CONDITION, "/id/outcome/rls-symptom-severity", "/id/remedy/ginkgo",
    "/id/study/cochrane-2008-acupuncture-rls", "/id/study/acupuncture-gabapentin-single-blind-rct",
    "/id/study/winkelman-2024-aasm-rls-guideline",
])
def test_no_raw_class_names_or_iris(client, path: str) -> None:
    body = _html(client, path).split("<main>", 1)[1].split('<footer class="entity-meta">', 1)[0]
    text = _visible(body)
    for name in RAW_NAMES:
        assert name not in text, name
    assert "https://w3id.org/remedy-kg/" not in text


def test_every_claim_section_names_its_source(client) -> None:
    html = _html(client, CLAIM)
    for ident in ("why-it-works", "how-to-use", "evidence", "warnings"):
        assert 'class="source"' in _section(html, ident), ident
    # Each protocol, combination, study, warning and adverse event carries its own line.
    how = _section(html, "how-to-use")
    assert how.count('class="source"') >= how.count('class="protocol"') + \
        how.count('class="combination"')
    warnings = _section(html, "warnings")
    assert warnings.count('class="source"') >= warnings.count("<li")
    evidence = _section(html, "evidence")
    assert evidence.count('class="source"') >= evidence.count('class="study"')


def test_seed_attribution_shows_both_venues_and_the_note(client, store) -> None:
    rows = _rows(store, """
        SELECT ?study ?seedLabel ?venueLabel ?note WHERE {
          ?study rkg:seedAttribution ?seed ; rkg:publishedIn ?venue ; rkg:attributionNote ?note .
          ?seed rdfs:label ?seedLabel . ?venue rdfs:label ?venueLabel .
          FILTER(?seed != ?venue && STR(?seedLabel) != STR(?venueLabel)) } LIMIT 1""")
    assert rows, "the seed credits at least one study to another venue"
    text = _visible(_html(client, _path(rows[0]["study"])))
    for value in ("seedLabel", "venueLabel", "note"):
        assert str(rows[0][value]) in text, value


def test_guideline_recommendations_are_apart_from_certainty(client, store) -> None:
    rows = _rows(store, """
        SELECT ?claim ?statement ?strengthLabel WHERE {
          ?claim rkg:recommendation ?r . ?r rkg:statement ?statement ;
              rkg:strength/rdfs:label ?strengthLabel } LIMIT 1""")
    if not rows:
        pytest.skip("no guideline recommendation in the data")
    html = _html(client, _path(rows[0]["claim"]))
    recommendations = _section(html, "recommendations")
    assert ">Guideline recommendations<" in recommendations
    assert "separate judgement from the certainty" in recommendations
    text = _visible(recommendations)
    assert str(rows[0]["statement"]) in text and str(rows[0]["strengthLabel"]) in text
    assert str(rows[0]["statement"]) not in _visible(_section(html, "why-this-level"))


def test_a_recommendation_says_what_was_read_for_it(client, store) -> None:
    rows = _rows(store, """
        SELECT ?claim ?note WHERE {
          ?claim rkg:recommendation ?r . ?r rkg:curationNote ?note } LIMIT 1""")
    if not rows:
        pytest.skip("no recommendation with a curation note in the data")
    recommendations = _section(_html(client, _path(rows[0]["claim"])), "recommendations")
    read = re.findall(r'<details class="read">.*?</details>', recommendations, re.S)
    assert read and all("What was read" in block for block in read)
    assert str(rows[0]["note"]) in _visible("".join(read))


def test_level_override_is_shown_with_its_reason(client, store) -> None:
    rows = _rows(store, """
        SELECT ?claim ?why WHERE { ?claim rkg:levelOverride/rkg:justification ?why } LIMIT 1""")
    if not rows:
        pytest.skip("no level override in the data")
    why = _visible(_section(_html(client, _path(rows[0]["claim"])), "why-this-level"))
    assert "Level override" in why and str(rows[0]["why"]) in why


# -- warnings and interactions


def test_interactions_show_both_sides_and_two_axes(client, store) -> None:
    rows = _rows(store, """
        SELECT ?w ?claim ?precipitantLabel ?objectLabel ?seriousLabel ?documentedLabel WHERE {
          ?w a rkg:Interaction ; rkg:precipitant/rdfs:label ?precipitantLabel ;
             rkg:object/rdfs:label ?objectLabel ;
             rkg:seriousness/rdfs:label ?seriousLabel ;
             rkg:documentation/rdfs:label ?documentedLabel .
          ?claim rkg:warning ?w } LIMIT 1""")
    assert rows, "interactions are recorded with both sides"
    row = rows[0]
    for path in (_path(row["w"]), _path(row["claim"])):
        text = _visible(_html(client, path))
        assert "Seriousness (what to do)" in text and "Documentation (how well established)" in text
        for value in ("precipitantLabel", "objectLabel", "seriousLabel", "documentedLabel"):
            assert str(row[value]) in text, (path, value)


def test_warnings_say_what_they_concern_and_whom_they_apply_to(client, store) -> None:
    rows = _rows(store, """
        SELECT ?w ?remedy ?whoLabel WHERE {
          ?w rkg:concerns ?remedy ; rkg:appliesTo/rdfs:label ?whoLabel .
          ?remedy a rkg:Remedy . FILTER NOT EXISTS { ?w a rkg:Interaction } } LIMIT 1""")
    assert rows
    html = _html(client, _path(rows[0]["remedy"]))
    warnings = _section(html, "warnings")
    assert f'href="{_path(rows[0]["w"])}"' in warnings
    text = _visible(warnings)
    assert "Concerns" in text and "Applies to" in text and str(rows[0]["whoLabel"]) in text


# -- condition, outcome and study pages


def test_condition_page_groups_claims_by_outcome(client, store) -> None:
    rows = _rows(store, f"""
        SELECT DISTINCT ?outcomeLabel WHERE {{
          ?claim rkg:condition <https://w3id.org/remedy-kg{CONDITION}> ;
                 rkg:outcome/rdfs:label ?outcomeLabel }}""")
    assert rows
    remedies = _section(_html(client, CONDITION), "remedies")
    headings = [_visible(h).strip() for h in re.findall(r"<h3>(.*?)</h3>", remedies, re.S)]
    assert sorted(headings) == sorted(str(r["outcomeLabel"]) for r in rows)
    assert "Evidence:" in remedies


def test_outcome_page_lists_claims_across_conditions(client, store) -> None:
    rows = _rows(store, """
        SELECT ?outcome (COUNT(DISTINCT ?condition) AS ?n) WHERE {
          ?claim rkg:outcome ?outcome ; rkg:condition ?condition }
        GROUP BY ?outcome ORDER BY DESC(?n) ?outcome LIMIT 1""")
    assert rows
    outcome = rows[0]["outcome"]
    html = _html(client, _path(outcome))
    claims = _rows(store, f"SELECT ?claim WHERE {{ ?claim rkg:outcome <{outcome}> }}")
    section = _section(html, "claims")
    for row in claims:
        assert f'href="{_path(row["claim"])}"' in section
    assert section.count("<h3>") == int(rows[0]["n"])


def test_study_page_shows_identifiers_and_the_claims_it_supports(client, store) -> None:
    rows = _rows(store, """
        SELECT ?study ?pmid ?claim WHERE {
          ?claim rkg:supportingStudy ?study . ?study rkg:pmid ?pmid ; rkg:doi ?doi }
        ORDER BY ?study LIMIT 1""")
    assert rows
    study = _path(rows[0]["study"])
    html = _html(client, study)
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{rows[0]["pmid"]}/"' in html
    assert 'href="https://doi.org/' in html and "record seen at" in html
    claims = _section(html, "claims")
    assert ">Supports<" in claims
    supported = _rows(store, f"SELECT ?c WHERE {{ ?c rkg:supportingStudy <{rows[0]['study']}> }}")
    for row in supported:
        assert f'href="{_path(row["c"])}"' in claims.split(">Supports<", 1)[1].split("<h3>", 1)[0]


def test_cochrane_review_page_is_the_full_record(client) -> None:
    html = _html(client, "/id/study/cochrane-2008-acupuncture-rls")
    for href in ("https://doi.org/10.1002/14651858.CD006457.pub2",
                 "https://pubmed.ncbi.nlm.nih.gov/18843716/",
                 "https://pmc.ncbi.nlm.nih.gov/articles/PMC11270639/"):
        assert f'href="{href}"' in html, href
    text = _visible(html)
    for label in ("Design", "Systematic review", "Authors", "Comparator", "Outcomes measured",
                  "Direction of effect", "What it found", "Claims it bears on"):
        assert label in text, label
