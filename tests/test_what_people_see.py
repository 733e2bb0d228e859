"""Pages show words, not names from the data or the queries: outside terms without a label,
query variables as column headings, ranges split over two variables."""

from __future__ import annotations

import re

import pytest

from kg.queries import canned_queries
from web.columns import columns, words

CAMEL = re.compile(r"^[a-z]+[A-Z]\w*$")  # a query variable such as meridianLabel


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]


def _visible(html: str) -> str:
    main = html.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


def test_an_outside_term_without_a_label_reads_as_words(embedded_client) -> None:
    html = embedded_client.get("/id/remedy/acupuncture").get_data(as_text=True)
    assert "Traditional Chinese" in _visible(html)
    assert "TraditionalChinese" not in _visible(html)


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_question_pages_head_columns_in_words(embedded_client, name: str) -> None:
    html = embedded_client.get(f"/questions/{name}").get_data(as_text=True)
    headings = _headings(html)
    assert headings, name
    for heading in headings:
        assert not CAMEL.match(heading), (name, heading)
        assert not heading.endswith(("Label", "Min", "Max")), (name, heading)
        assert heading[:1].isupper(), (name, heading)


def test_a_range_shows_as_one_column(embedded_client) -> None:
    html = embedded_client.get("/questions/protocol-acupuncture-restless-legs") \
        .get_data(as_text=True)
    headings = _headings(html)
    assert "Sessions per week" in headings and "Kind" in headings
    assert headings.count("Sessions per week") == 1
    assert re.search(r"<td>\d+–\d+</td>", html)  # e.g. 1–2 sessions per week


def test_the_report_page_heads_columns_in_words(embedded_client) -> None:
    headings = _headings(embedded_client.get("/report").get_data(as_text=True))
    assert headings and not [h for h in headings if CAMEL.match(h)]


def test_words_and_columns() -> None:
    assert words("sessionsPerWeek") == "Sessions per week"
    assert words("TraditionalChinese", sentence_case=False) == "Traditional Chinese"
    assert words("ST36") == "ST36" and words("MONDO_0005090", sentence_case=False) == \
        "MONDO_0005090"
    shown = columns(["protocol", "kind", "kindLabel", "minutesMin", "minutesMax",
                     "meridianLabel"])
    assert [(c.variable, c.title, c.high) for c in shown] == [
        ("protocol", "Protocol", None), ("kind", "Kind", None),
        ("minutesMin", "Minutes", "minutesMax"), ("meridianLabel", "Meridian", None)]


def test_the_query_ui_is_told_which_iris_are_served_here(embedded_client) -> None:
    html = embedded_client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '"localBases": {"https://w3id.org/remedy-kg/id/": "/id/"' in html
