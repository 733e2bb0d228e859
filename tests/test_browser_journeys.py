"""What a visitor does, in a real browser: Debian's chromium driven by Playwright (never a
downloaded browser), against `kg serve` on the embedded store (the engine changes nothing a
browser sees; tests/test_live.py covers the engines).

Journeys through the pages and the query UI; no request to any host but the server's own;
axe-core (vendored by scripts/vendor-axe.sh) finds no serious or critical violation; no
page scrolls sideways at 390, 768 or 1,280 px. Screenshots go to $KG_TEST_OUTPUT (default
var/test-output/screenshots), which is not committed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kg.formats import RDF_FORMATS
from kg.store import OxigraphStore, Store
from tests.conftest import wait_until_serving
from tests.engines import free_port

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "browser" / "vendor" / "axe.min.js"
SHOTS = Path(os.environ.get("KG_TEST_OUTPUT", ROOT / "var" / "test-output")) / "screenshots"
WIDTHS = (390, 768, 1280)
CLAIM = "/id/claim/acupuncture--restless-legs-syndrome"
PAGES = {
    "home": "/",
    "claim": CLAIM,
    "remedy": "/id/remedy/acupuncture",
    "condition": "/id/condition/restless-legs-syndrome",
    "mechanism": "/id/mechanism/dopamine-modulation",
    "acupoint": "/id/acupoint/ST36",
    "study": "/id/study/cochrane-2008-acupuncture-rls",
    "population": "/id/population/anticoagulated-patients",
    "question": "/questions/protocol-acupuncture-restless-legs",
    "downloads": "/downloads",
    "search": "/search?q=restless",
    "query-ui": "/sparql",
}


@pytest.fixture(scope="module")
def server(embedded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser-store")
    buffer = io.BytesIO()
    embedded_store.dump(buffer, RDF_FORMATS["nquads"])
    copy = OxigraphStore(folder)
    copy.bulk_load(buffer.getvalue(), RDF_FORMATS["nquads"])
    copy.close()
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    # --store after the sub-command, as people type it.
    process = subprocess.Popen([str(kg), "serve", "--store", str(folder), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "KG_RATE_LIMIT": "", "KG_SPARQL_RATE_LIMIT": "",
                                    # a loaded CI machine must not cut the examples short
                                    "KG_QUERY_TIMEOUT": "60"})
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(process, url + "/", timeout=30)
    yield url
    process.terminate()
    process.wait(timeout=10)



@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    """A fresh page that records console errors and every host it asks for; the test fails
    if the page asked any host but the server's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    page.errors = []
    page.hosts = set()
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).netloc)
            if r.url.startswith("http") else None)
    yield page
    context.close()
    assert page.hosts <= {urlsplit(server).netloc}, page.hosts


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _run_query(page, what: str) -> None:
    """Press run and wait for the result table; on failure, say what the result pane shows."""
    try:
        with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql"
                                  and r.request.method == "POST", timeout=60000) as answer:
            page.click(".yasqe_queryButton")
        assert answer.value.status == 200, answer.value.text()[:300]
        page.wait_for_selector(".yasr table td", timeout=30000)
    except Exception:
        pytest.fail(f"{what}: no result table; the pane says: "
                    + page.inner_text(".yasr")[:500])


def _run_example(page, name: str) -> None:
    page.click(f"[data-example='{name}']")
    _run_query(page, name)


# -- journeys

def test_search_condition_claim_acupoint_and_back_to_the_remedy(server: str, page) -> None:
    page.goto(server + "/")
    page.fill("#home-search-q", "restless")
    page.wait_for_selector("form.search.big .suggestions a")
    page.click("form.search.big .suggestions a[href='/id/condition/restless-legs-syndrome']")
    page.wait_for_url("**/id/condition/restless-legs-syndrome")
    page.click(f"main a[href='{CLAIM}']")
    page.wait_for_url("**" + CLAIM)
    for section in ("Why it works", "How to use", "Scientific evidence", "Specific warnings",
                    "Sources"):
        heading = page.locator(f"h2:text-is('{section}')")
        assert heading.count() == 1, section
        heading.scroll_into_view_if_needed()
    page.click("main a[href='/id/acupoint/ST36']")
    page.wait_for_url("**/id/acupoint/ST36")
    assert "ST36" in page.inner_text("h1")
    page.go_back()
    page.wait_for_url("**" + CLAIM)
    page.click("main a[href='/id/remedy/acupuncture']")
    page.wait_for_url("**/id/remedy/acupuncture")
    assert page.inner_text("h1").strip() == "Acupuncture"
    assert page.errors == []


def test_enter_before_suggestions_opens_the_results_page(server: str, page) -> None:
    page.goto(server + "/id/remedy/acupuncture")
    page.fill("#site-search-q", "restless")
    page.press("#site-search-q", "Enter")  # at once: the suggestions are not there yet
    page.wait_for_url("**/search?q=restless")
    assert page.locator("h1").inner_text() == "Search"
    assert page.locator("main a[href='/id/condition/restless-legs-syndrome']").count() == 1
    assert '"results"' not in page.content()


def test_mechanism_to_remedies_and_population_to_warnings(server: str, page) -> None:
    page.goto(server + CLAIM)
    page.click("main a[href='/id/mechanism/dopamine-modulation']")
    page.wait_for_url("**/id/mechanism/dopamine-modulation")
    remedies = page.locator("main a[href^='/id/remedy/']")
    assert remedies.count() >= 1
    href = remedies.first.get_attribute("href")
    remedies.first.click()
    page.wait_for_url("**" + href)
    page.goto(server + "/id/population/anticoagulated-patients")
    warnings = page.locator("main a[href^='/id/warning/']")
    assert warnings.count() >= 1
    href = warnings.first.get_attribute("href")
    warnings.first.click()
    page.wait_for_url("**" + href)
    assert page.errors == []


def test_query_ui_runs_every_example_and_links_results_here(server: str, page) -> None:
    page.goto(server + "/sparql")
    names = page.eval_on_selector_all("#query-examples [data-example]",
                                      "els => els.map(e => e.dataset.example)")
    assert len(names) >= 10
    for name in names:
        _run_example(page, name)
        assert page.locator(".yasr table tbody tr").count() >= 1, name
    assert "query=" in page.url  # the permalink of the last one
    permalink = page.url
    # Another result view, then a download of the results.
    page.click(".yasr .select_response")
    page.wait_for_selector(".yasr .CodeMirror", timeout=10000)
    page.click(".yasr .select_table")
    with page.expect_download() as download:
        page.click(".yasr .yasr_downloadIcon")
    assert download.value.suggested_filename
    # The permalink opens the query again; a result link leads to this server's own page.
    page.goto(permalink)
    _run_query(page, "the permalink")
    local = page.locator(".yasr a[href^='/id/']")
    assert local.count() >= 1
    assert page.locator(".yasr a[href^='https://w3id.org/']").count() == 0
    href = local.first.get_attribute("href")
    assert local.first.get_attribute("target") is None  # opens here, not in a new window
    # (Yasr's cell ellipsis sits over the link and swallows a synthetic click: open its href.)
    response = page.goto(server + href)
    assert response is not None and response.status == 200
    # Autocomplete from our own VoID: after a claim, a claim's properties (not an acupoint's).
    page.goto(server + "/sparql")
    page.evaluate("""t => { const y = window.remedyKgQueryUi.yasgui.getTab().getYasqe();
        y.setValue(t); y.focus(); y.getDoc().setCursor(y.getDoc().lineCount() - 1, 1e6); }""",
                  "PREFIX rkg: <https://w3id.org/remedy-kg/ontology#>\n"
                  "SELECT * WHERE {\n  ?c a rkg:Claim ;\n     rkg:")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li", timeout=10000)
    hints = page.eval_on_selector_all(".CodeMirror-hints li", "els => els.map(e => e.textContent)")
    assert "rkg:remedy" in hints and "rkg:pinyin" not in hints, hints
    assert page.errors == []


def test_the_sparql_behind_an_entity_page_runs(server: str, page) -> None:
    page.goto(server + "/id/acupoint/ST36")
    page.click("a.sparql-link")
    page.wait_for_url("**/sparql?query=*")
    _run_query(page, "the SPARQL behind the ST36 page")
    assert page.locator(".yasr table tbody tr").count() > 5
    assert page.errors == []


# -- accessibility and layout

def _open(page, server: str, path: str) -> None:
    page.goto(server + path)
    if path == "/sparql":
        _run_example(page, "protocol-acupuncture-restless-legs")


@pytest.mark.parametrize("name", PAGES)
def test_accessible_and_no_sideways_scrolling(server: str, page, name: str) -> None:
    """axe-core finds no serious or critical violation; at every width the page fits."""
    assert AXE.is_file(), "axe-core is not vendored: run scripts/vendor-axe.sh"
    _open(page, server, PAGES[name])
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target).join(' ')}`))")
    assert violations == [], violations
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # a relayout
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        _shot(page, f"{name}-{width}")
        assert scroll_width <= width, f"{PAGES[name]} is {scroll_width} px wide at {width} px"


def test_pages_read_fully_without_javascript(browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + CLAIM)
    for section in ("Why it works", "How to use", "Scientific evidence", "Specific warnings"):
        assert page.locator(f"h2:text-is('{section}')").count() == 1
    # The search box still works: the form submits to the results page.
    page.goto(server + "/")
    page.fill("#home-search-q", "zusanli")
    page.press("#home-search-q", "Enter")
    page.wait_for_url("**/search?q=zusanli")
    assert page.locator("main a[href='/id/acupoint/ST36']").count() == 1
    context.close()


def test_a_claim_page_prints(browser, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + CLAIM)
    page.emulate_media(media="print")
    assert page.locator("header.site form.search").is_hidden()
    pdf = page.pdf(format="A4")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "claim-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    context.close()
