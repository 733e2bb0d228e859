"""A visitor in a real browser (Debian's Chromium, driven by Playwright) on the acupuncture–RLS
claim page: the seed's two discussions, votes, "did it help you?" and the statistics, with the
forms submitted as forms (the page's scripts play no part in them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_community_durability import serving
from tests.test_live import page  # noqa: F401 - the live page fixture

pytestmark = [pytest.mark.live, pytest.mark.parametrize("engine", ["embedded"], indirect=True)]
CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"


@pytest.fixture
def site(disk_store: Path, tmp_path: Path) -> Iterator[str]:
    with serving(disk_store, tmp_path / "community.jsonl") as (url, _):
        yield url


def test_a_visitor_votes_posts_and_reports_on_the_seed_claim(site: str, page) -> None:  # noqa: F811
    page.goto(site + CLAIM)
    assert page.inner_text("#votes .counts") == "Community votes: 0 up · 0 down"
    assert page.inner_text("#discussion h3") == "Discussion for Restless legs syndrome"
    remedy_thread = page.locator("#discussion a.remedy-thread")
    assert remedy_thread.inner_text().startswith(
        "Community Discussion — share results, tips, and questions about Acupuncture")
    assert "No one has posted yet" in page.inner_text("#discussion")
    assert "Remedy statistics: Acupuncture" in page.inner_text("#statistics h2")
    assert page.locator("#statistics svg.bar-chart").count() == 3
    assert "No products are curated" in page.inner_text("#recommended-products")

    page.click("#votes button[value=up]")
    page.wait_for_url("**" + CLAIM + "#votes")
    assert page.inner_text("#votes .counts") == "Community votes: 1 up · 0 down"
    assert "You voted up." in page.inner_text("#votes")

    page.fill("form.new-post input[name=name]", "<b>Ann</b>")
    page.fill("form.new-post textarea[name=text]",
              "<script>window.pwned = 1</script>It eased my legs at night.")
    page.click("form.new-post button")
    page.wait_for_url("**" + CLAIM + "#discussion")
    post = page.locator("#discussion .post").first
    assert "<b>Ann</b>" in post.inner_text()
    assert "<script>window.pwned = 1</script>It eased my legs at night." in post.inner_text()
    assert page.evaluate("window.pwned") is None

    page.check("#did-it-help input[value=helped-somewhat]")
    page.click("#did-it-help button")
    page.wait_for_url("**" + CLAIM + "#did-it-help")
    assert "Self-reported by 1 person" in page.inner_text("#did-it-help")

    remedy_thread = page.locator("#discussion a.remedy-thread")
    remedy_thread.click()
    page.wait_for_url("**/id/remedy/acupuncture#discussion")
    assert page.inner_text("#discussion h3") == (
        "Community Discussion — share results, tips, and questions about Acupuncture")
    assert page.errors == []
