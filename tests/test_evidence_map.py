"""Evidence maps (issue 14): claims by derived level, number of studies and direction, as a
server-rendered SVG whose marks link to the claims, with the same data in a table beside it.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from kg import evidence_map as maps
from kg.namespaces import BASE

PREFIX = "PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>\n"


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def _claims(store, condition: str | None = None) -> set[str]:
    where = f"; rkg:condition <{BASE}id/condition/{condition}>" if condition else ""
    rows = store.query(PREFIX + f"SELECT ?c WHERE {{ ?c a rkg:Claim {where} }}").dicts()
    return {"/id/claim/" + str(r["c"]).rsplit("/", 1)[-1] for r in rows}


def _svg(page: str) -> str:
    return re.search(r"<svg[^>]*role=\"group\".*?</svg>", page, re.S).group(0)


def test_site_map_has_one_linked_mark_and_one_row_per_claim(client, store) -> None:
    page = _page(client, "/evidence-map/")
    svg = _svg(page)
    assert "<script" not in page.split("<main>", 1)[1].split("</main>", 1)[0]
    marks = re.findall(r'<a href="([^"]+)" class="claim-mark">', svg)
    expected = _claims(store)
    assert len(marks) == len(expected) and set(marks) == expected
    table = page.split('id="evidence-map-data"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr><td><a href=\"/id/claim/", table)) == len(expected)
    for claim in list(expected)[:5]:
        assert client.get(claim).status_code == 200


def test_condition_map_holds_only_its_claims_with_their_counts(client, store) -> None:
    page = _page(client, "/evidence-map/restless-legs-syndrome")
    marks = set(re.findall(r'<a href="([^"]+)" class="claim-mark">', _svg(page)))
    assert marks == _claims(store, "restless-legs-syndrome")
    # The seed's claim: six supporting studies, none disputing, derived level low.
    row = re.search(r'<tr><td><a href="/id/claim/acupuncture--restless-legs-syndrome">.*?</tr>',
                    page, re.S).group(0)
    cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[1:5] == ["low", "6", "0", "7"]
    assert cells[5].startswith("Benefit")


def test_marks_sit_at_their_level_and_study_count(client, store) -> None:
    claims, _ = maps.evidence_map(store)
    from web.evidence_map import chart

    c = chart(claims)
    columns = dict((label, x) for x, label in c.columns)
    rows = {n: y for y, n in c.rows}
    for dot in c.dots:
        assert abs(dot.x - columns[dot.claim.level_label]) < c.column_width / 2
        assert abs(dot.y - rows[dot.claim.studies]) < (rows[0] - rows.get(1, 0)) / 2 + 1
    # Claims in one cell never share a position, so each keeps its own link.
    assert len({(round(d.x, 1), round(d.y, 1)) for d in c.dots}) == len(c.dots)


def test_directions_follow_supporting_and_disputing_studies(store) -> None:
    claims, _ = maps.evidence_map(store)
    for c in claims:
        if c.supporting and c.disputing:
            assert c.direction == "mixed"
        elif c.disputing:
            assert c.direction == "no-clear-benefit"
    assert {c.direction for c in claims} <= set(maps.DIRECTIONS)


def test_the_maps_query_is_linked_and_bound(client) -> None:
    page = _page(client, "/evidence-map/restless-legs-syndrome")
    url = htmllib.unescape(re.search(r'class="sparql-link" href="([^"]+)"', page).group(1))
    query = parse_qs(urlsplit(url).query)["query"][0]
    assert f"VALUES ?condition {{ <{BASE}id/condition/restless-legs-syndrome> }}" in query
    assert client.get(url, headers={"Accept": "text/html"}).status_code == 200


def test_unknown_condition_map_is_a_404(client) -> None:
    assert client.get("/evidence-map/no-such-condition").status_code == 404
    assert client.get("/evidence-map/acupuncture").status_code == 404
