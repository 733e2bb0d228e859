"""Long lists a page at a time: a canned question's answer and a type's list (web.paging,
web.whole_answers), on the shipped data with a small page size."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kg.namespaces import CANONICAL
from kg.queries import bind, canned_queries, sparql_file
from kg.store import Store
from tests.conftest import make_app
from web import whole_answers
from web.paging import Pager
from web.whole_answers import WholeAnswer

QUESTION = "/questions/studies-with-null-or-negative-results"
SIZE = 4


@pytest.fixture(scope="module")
def paged(embedded_store: Store):
    return make_app(embedded_store, PAGE_SIZE=SIZE)


@pytest.fixture
def client(paged):
    return paged.test_client()


def _ok(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.data[:300])
    return response.get_data(as_text=True)


def _links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"#]+)"', html)


def _table(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _rel(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_question_is_shown_a_page_at_a_time_in_its_own_order(client, embedded_store) -> None:
    whole = embedded_store.query(canned_queries()["studies-with-null-or-negative-results"].text)
    total = len(whole.rows)
    assert total > 2 * SIZE  # three pages at least, or the test shows nothing
    pages, path = [], QUESTION
    while path:
        pages.append(_ok(client, path))
        path = _rel(pages[-1], "next")
    assert len(pages) == -(-total // SIZE)
    assert _table(pages[0]) != _table(pages[1])
    # Every study of the answer once, in the question's ORDER BY, across the pages.
    shown = [link for html in pages for link in _links(_table(html), "/id/study/")]
    expected = [f"/id/study/{str(s).rsplit('/', 1)[1]}" for s in whole.column("study")]
    assert shown == expected
    assert f"Rows 1–{SIZE} of {total} (page 1 of {len(pages)})" in pages[0]
    last = total - (len(pages) - 1) * SIZE
    assert f"Rows {total - last + 1}–{total} of {total}" in pages[-1]
    # Page 2 goes back to the list's own URL; the last page has no "Next".
    assert _rel(pages[1], "prev") == QUESTION
    assert _rel(pages[-1], "next") is None and _rel(pages[0], "prev") is None
    assert f'href="{QUESTION}?page={len(pages)}">Last</a>' in pages[0]


def test_the_whole_answer_is_linked_as_json_and_csv(client) -> None:
    html = _ok(client, QUESTION)
    links = [a.replace("&amp;", "&") for a in re.findall(r'href="(/sparql\?[^"]+)"', html)]
    formats = {parse_qs(urlsplit(a).query).get("format", [""])[0]: a for a in links}
    assert {"json", "csv"} <= set(formats)
    answer = client.get(formats["json"]).get_json()
    shown = re.search(r"of (\d+) \(page", html)
    assert shown and len(answer["results"]["bindings"]) == int(shown.group(1))


@pytest.mark.parametrize("page, message", [
    ("x", "must be a whole number from 1, not 'x'"),
    ("1.5", "whole number"), ("-1", "whole number"), ("", "whole number"),
    ("٣", "whole number"),  # a digit, but not 0-9
    ("0", "no page 0"),
    ("99", "There is no page 99: this list has"),
])
@pytest.mark.parametrize("path", [QUESTION, "/browse/Study"])
def test_a_bad_page_number_is_a_400_that_says_why(client, path: str, page: str,
                                                  message: str) -> None:
    response = client.get(path, query_string={"page": page})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


def test_two_page_numbers_are_a_400(client) -> None:
    response = client.get(f"{QUESTION}?page=1&page=2")
    assert response.status_code == 400 and "one page number" in response.get_data(as_text=True)


def test_a_type_is_browsed_a_page_at_a_time_by_label(client, embedded_store) -> None:
    browse = bind(sparql_file("queries/browse.rq", "web"), **{"class": CANONICAL.RKG.Study})
    rows = list(embedded_store.query(browse).dicts())
    pages, path = [], "/browse/Study"
    while path:
        pages.append(_ok(client, path))
        path = _rel(pages[-1], "next")
    assert len(pages) == -(-len(rows) // SIZE) > 2
    shown = [link for html in pages for link in _links(html.split('<ul class="browse">')[1]
                                                       .split("</ul>")[0], "/id/study/")]
    assert shown == [f"/id/study/{str(r['entity']).rsplit('/', 1)[1]}" for r in rows]
    labels = [str(r["label"]).lower() for r in rows]
    assert labels == sorted(labels)
    assert f"Study records 1–{SIZE} of {len(rows)}" in pages[0]


def test_each_page_has_its_own_etag_and_304(client) -> None:
    first, second = client.get(QUESTION), client.get(f"{QUESTION}?page=2")
    assert first.headers["ETag"] != second.headers["ETag"]
    assert client.get(f"{QUESTION}?page=2",
                      headers={"If-None-Match": second.headers["ETag"]}).status_code == 304
    assert client.get(f"{QUESTION}?page=2",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_the_whole_answer_is_computed_once_for_every_page(embedded_store, monkeypatch) -> None:
    runs = []
    real = whole_answers._tsv
    monkeypatch.setattr(whole_answers, "_tsv", lambda text: runs.append(text) or real(text))
    client = make_app(embedded_store, PAGE_SIZE=SIZE).test_client()
    for page in ("1", "2", "3"):
        assert client.get(QUESTION, query_string={"page": page}).status_code == 200
    assert len(runs) == 1


def test_a_list_within_one_page_says_how_many_rows(embedded_store) -> None:
    html = _ok(make_app(embedded_store).test_client(), QUESTION)
    assert re.search(r'<p class="count">\d+ rows</p>', html) and 'rel="next"' not in html


def test_a_static_copy_keeps_each_list_on_one_page(embedded_store) -> None:
    client = make_app(embedded_store, PAGE_SIZE=SIZE, STATIC_COPY=True).test_client()
    html = _ok(client, "/browse/Study")
    assert 'rel="next"' not in html and len(_links(html, "/id/study/")) > SIZE
    assert client.get("/browse/Study?page=2").status_code == 400


def test_the_pages_of_a_list_on_every_engine(store: Store) -> None:
    """The whole answer comes back through TSV: the engine's own, or rdflib's for a remote
    engine; both give the rows the store gives."""
    app = make_app(store, PAGE_SIZE=SIZE)
    text = canned_queries(store.namespaces)["studies-with-null-or-negative-results"].text
    whole = store.query(text)
    with app.test_request_context("/"):
        answer = whole_answers.whole_answer(text)
        rows = [row for offset in range(0, answer.total, SIZE)
                for row in answer.page(offset, SIZE).rows]
    assert answer.total == len(whole.rows) and rows == whole.rows


def test_pager_arithmetic() -> None:
    assert (Pager(1, 10, 0).pages, Pager(1, 10, 0).first, Pager(1, 10, 0).last) == (1, 0, 0)
    assert (Pager(3, 10, 25).first, Pager(3, 10, 25).last, Pager(3, 10, 25).pages) == (21, 25, 3)
    assert Pager(2, 10, 20).offset == 10 and Pager(2, 10, 20).pages == 2


def test_a_whole_answer_cuts_tsv_into_rows() -> None:
    tsv = b'?a\t?b\n<http://x/1>\t"one\\ntwo"\n\t"3"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
    answer = WholeAnswer.of_tsv(tsv)
    assert answer.total == 2
    assert [str(t) if t is not None else None for t in answer.page(0, 1).rows[0]] == \
        ["http://x/1", "one\ntwo"]
    second = answer.page(1, 5)
    assert second.variables == ["a", "b"] and second.rows[0][0] is None
    assert int(second.rows[0][1]) == 3
    empty = WholeAnswer.of_tsv(b"?a\n")
    assert empty.total == 0 and empty.page(0, 10).rows == []


@pytest.mark.parametrize("size", [0, "100", 2.5])
def test_a_bad_page_size_stops_the_app_at_startup(size: object) -> None:
    from kg.store import OxigraphStore

    with pytest.raises(ValueError, match="PAGE_SIZE must be a whole number"):
        make_app(OxigraphStore(None), PAGE_SIZE=size)
