"""The sitemap: one file up to the protocol's 50,000 URLs, a sitemap index of parts above it
(the threshold is lowered here so the shipped data needs several parts)."""

from __future__ import annotations

import re

import pytest

from kg.store import Store
from tests.conftest import make_app
from web import downloads

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.fixture(scope="module")
def client(embedded_store: Store):
    return make_app(embedded_store).test_client()


def _locs(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    return response.get_data(as_text=True)


def test_below_the_limit_one_file_lists_every_entity_page(client) -> None:
    xml = _get(client, "/sitemap.xml")
    assert f'<urlset xmlns="{NS}">' in xml
    urls = _locs(xml)
    assert "http://localhost/id/acupoint/ST36" in urls
    assert urls == sorted(urls) and len(set(urls)) == len(urls)
    assert client.get("/sitemap-2.xml").status_code == 404


def test_above_the_limit_an_index_lists_parts_that_hold_every_url_once(client,
                                                                       monkeypatch) -> None:
    whole = _locs(_get(client, "/sitemap.xml"))
    limit = len(whole) // 3 + 1  # three parts, the last shorter
    monkeypatch.setattr(downloads, "SITEMAP_URLS", limit)
    index = _get(client, "/sitemap.xml")
    assert f'<sitemapindex xmlns="{NS}">' in index and "<urlset" not in index
    parts = _locs(index)
    assert parts == [f"http://localhost/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = []
    for part in parts:
        xml = _get(client, part.removeprefix("http://localhost"))
        assert f'<urlset xmlns="{NS}">' in xml
        urls = _locs(xml)
        assert 0 < len(urls) <= limit
        listed.extend(urls)
    assert listed == whole


@pytest.mark.parametrize("part", ["4", "0", "01", "x", "-1"])
def test_a_part_there_is_not_is_a_404(client, monkeypatch, part: str) -> None:
    urls = len(_locs(_get(client, "/sitemap.xml")))
    monkeypatch.setattr(downloads, "SITEMAP_URLS", urls // 3 + 1)
    response = client.get(f"/sitemap-{part}.xml")
    assert response.status_code == 404
    assert "There is no sitemap part" in response.get_data(as_text=True)
