""""Is it safe for me?" and the evidence map in a real browser (Debian's Chromium, driven by
Playwright): the form works with JavaScript off and on, and axe-core finds no violation.

axe-core is vendored from npm into tests/browser/vendor/ by scripts/vendor-axe.sh.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_live import server  # noqa: F401 - the live server fixture

pytestmark = pytest.mark.live

AXE = Path(__file__).parent / "browser" / "vendor" / "axe.min.js"


@pytest.fixture(autouse=True)
def embedded_only(engine) -> None:
    if engine is not None:
        pytest.skip("what the browser sees does not depend on the engine")


@pytest.fixture(params=[False, True], ids=["without-js", "with-js"])
def page(request, browser) -> Iterator[object]:
    # bypass_csp lets the test inject axe-core; the pages themselves are served with their CSP.
    context = browser.new_context(java_script_enabled=request.param, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.javascript = request.param
    yield page
    context.close()


def _axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A and AA violations of the page, as "rule: target" lines."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]


def test_the_form_answers_with_and_without_javascript(server: str, page) -> None:  # noqa: F811
    page.goto(server + "/safety")
    page.select_option("#condition", "restless-legs-syndrome")
    page.check("#situation-anticoagulated-patients")
    page.check("#situation-implanted-electrical-devices")
    page.check("#taking-warfarin")
    page.click("form.safety-form button[type=submit]")
    page.wait_for_selector("#answer")
    assert "situation=anticoagulated-patients" in page.url
    acupuncture = page.inner_text("#remedy-acupuncture")
    assert "Severe bleeding disorders or anticoagulants" in acupuncture
    assert "You ticked “People taking anticoagulants”" in acupuncture
    assert "Only when Acupuncture is given as electroacupuncture" in acupuncture
    assert "What this graph does not cover" in page.inner_text("#not-covered")
    assert "Talk to a clinician" in page.inner_text("#clinician")
    # The form keeps the answers it was given.
    assert page.is_checked("#situation-anticoagulated-patients")
    assert page.is_checked("#taking-warfarin")
    assert page.errors == []


def test_the_answer_links_its_query_into_the_query_ui(server: str, page) -> None:  # noqa: F811
    if not page.javascript:
        pytest.skip("the query UI is a JavaScript application")
    page.goto(server + "/safety?condition=colorectal-cancer&taking=warfarin")
    page.click("#query a.sparql-link")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table td", timeout=20000)
    assert "turmeric-warfarin" in page.inner_text(".yasr")


@pytest.mark.parametrize("path", [
    "/safety",
    "/safety?condition=restless-legs-syndrome&situation=anticoagulated-patients"
    "&situation=implanted-electrical-devices&taking=warfarin",
    "/safety?condition=colorectal-cancer&taking=warfarin&taking=st-johns-wort",
    "/safety?condition=no-such-condition",
    "/evidence-map/",
    "/evidence-map/restless-legs-syndrome",
])
def test_axe_finds_no_violation(server: str, page, path: str) -> None:  # noqa: F811
    if not page.javascript:
        pytest.skip("axe-core runs as JavaScript in the page")
    page.goto(server + path)
    assert _axe_violations(page) == []
