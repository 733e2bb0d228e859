"""Entity pages read well: short names in notes are links, nothing is said twice, a study's
size is said once, and a remedy without a warning says that this does not make it safe.

Templates and the page graph's wrapper, not the engine, decide these: they run once, on the
embedded store (`embedded_client`).
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kg.namespaces import CANONICAL, namespaces
from web import mentions
from web.view import PageGraph

ID = str(CANONICAL.ID)
RKG = CANONICAL.RKG


def _page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _article(page: str) -> str:
    """The entity's own part of the page (not the header, footer or the SPARQL link)."""
    return page[page.index("<article"):page.index('<footer class="entity-meta">')]


def _visible(page: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- 1. short names in free text


@pytest.mark.parametrize("path, short, href", [
    ("/id/source/nccih-massage", "warning:massage-bleeding-risk",
     "/id/warning/massage-bleeding-risk"),
    ("/id/source/nccih-massage", "source:erapid-lung-massage-advice",
     "/id/source/erapid-lung-massage-advice"),
    ("/id/warning/massage-bleeding-risk", "source:nccih-massage", "/id/source/nccih-massage"),
])
def test_a_short_name_in_a_note_is_a_link_with_its_label(embedded_client, path, short,
                                                         href) -> None:
    article = _article(_page(embedded_client, path))
    links = re.findall(rf'<a href="{re.escape(href)}" title="{re.escape(short)}">([^<]+)</a>',
                       article)
    assert links, f"{short} is not a link on {path}"
    assert all(label and label != short for label in links)  # its label, not the short name
    assert short not in _visible(article)


def test_no_entity_page_of_the_sources_prints_a_raw_short_name(embedded_client) -> None:
    """The pages the second reader named: NINDS, massage and GINA."""
    pattern = re.compile(r"(?<![\w/:.#-])(?:source|warning|study|ae|claim|outcome|remedy):[a-z]")
    for slug in ("ninds-restless-legs-syndrome", "nccih-massage", "gina-asthma-strategy"):
        article = _article(_page(embedded_client, f"/id/source/{slug}"))
        assert "Curation note" in article or "curation note" in article
        assert not pattern.search(_visible(article)), slug


def _graph_page(text: str, labels: dict[str, str]) -> tuple[PageGraph, list[list[URIRef]]]:
    this = URIRef(ID + "source/a")
    graph = Graph()
    graph.add((this, RKG.curationNote, Literal(text, lang="en")))
    asked: list[list[URIRef]] = []

    def labels_of(iris):
        asked.append(list(iris))
        found = Graph()
        for iri in iris:
            if str(iri) in labels:
                found.add((iri, RDFS.label, Literal(labels[str(iri)], lang="en")))
        return found

    vocabulary = {str(RKG.seenAt): ("seen at", "")}
    return PageGraph(graph, this, vocabulary, rkg=RKG, namespaces=CANONICAL,
                     labels_of=labels_of), asked


def test_short_names_of_nothing_stay_text_and_each_is_looked_up_once(
        embedded_client) -> None:
    text = ("See warning:known-one, source:not-in-graph and rkg:seenAt; not "
            "https://example.org/x:y nor ae:known-two.")
    page, asked = _graph_page(text, {ID + "warning/known-one": "Known one",
                                     ID + "adverse-event/known-two": "Known two"})
    with embedded_client.application.test_request_context("/"):  # links are local paths
        segments = page.segments(text)
        assert page.segments(text) == segments
    assert "".join(s.text for s in segments) == text  # nothing lost or added
    linked = {s.text: s.link.label for s in segments if s.link}
    assert linked == {"warning:known-one": "Known one", "ae:known-two": "Known two",
                      "rkg:seenAt": "seen at"}
    # One lookup for the text, of the names the page graph does not label (the ontology term
    # is known), and none again when the text is shown again.
    assert asked == [sorted([URIRef(ID + "adverse-event/known-two"),
                             URIRef(ID + "source/not-in-graph"),
                             URIRef(ID + "warning/known-one")])]


def test_rich_text_is_escaped_and_builds_its_links_in_the_template(embedded_client) -> None:
    app = embedded_client.application
    text = "<script>x</script> see warning:known-one."
    page, _ = _graph_page(text, {ID + "warning/known-one": "Known <one>"})
    with app.test_request_context("/"):
        html = app.jinja_env.from_string(
            '{% from "_records.html" import rich_text with context %}{{ rich_text(page, t) }}'
        ).render(page=page, t=text)
    assert html == ('&lt;script&gt;x&lt;/script&gt; see <a href="/id/warning/known-one" '
                    'title="warning:known-one">Known &lt;one&gt;</a>.')


def test_split_reads_prefixes_under_the_store_base() -> None:
    other = namespaces("https://example.org/kg/")
    [before, name, after] = mentions.split("(remedy-class:herbs).", other)
    assert (before.text, name.text, after.text) == ("(", "remedy-class:herbs", ").")
    assert name.iri == URIRef("https://example.org/kg/id/remedy-class/herbs")
    assert before.iri is None and after.iri is None


# -- 2. nothing said twice


def test_an_adverse_event_page_says_each_thing_once(embedded_client) -> None:
    article = _article(_page(embedded_client,
                             "/id/adverse-event/meditation-negative-experiences"))
    visible = _visible(article)
    assert visible.count("In a 2020 review of 83 studies") == 1  # the description
    assert visible.count("Frequency 'common' from the record") == 1  # the curation note
    assert "Editorial Note" not in visible
    linked = re.findall(r'<li><a href="(/id/claim/[^"]+)"', article.split('id="linked-from"')[1])
    assert sorted(linked) == ["/id/claim/mindfulness-meditation--breast-cancer",
                              "/id/claim/mindfulness-meditation--fibromyalgia"]


def test_a_source_page_lists_each_address_once(embedded_client) -> None:
    article = _article(_page(embedded_client, "/id/source/nccih-massage"))
    rows = re.findall(r"<tr><th>([^<]+)</th>", article)
    assert rows.count("seen at") == 2  # its two addresses, not again as "See Also"
    assert "See Also" not in rows and "Editorial Note" not in rows


def test_what_links_here_keeps_the_stated_property(embedded_client) -> None:
    """A sub-property's statement hides the super-property one inferred from it, and only in
    the listing of everything: asked for by name, the inferred links are still there."""
    this = URIRef(ID + "adverse-event/x")
    claim = URIRef(ID + "claim/y")
    sup = URIRef("http://schema.org/adverseOutcome")
    graph = Graph()
    graph.add((claim, RKG.adverseEvent, this))
    graph.add((claim, sup, this))
    page = PageGraph(graph, this, rkg=RKG, subproperties={RKG.adverseEvent: frozenset({sup})})
    assert page.incoming() == [(RKG.adverseEvent, claim)]
    assert page.incoming(sup) == [(sup, claim)]


def test_an_acupoint_gives_its_pinyin_once(embedded_client) -> None:
    """rkg:pinyin is a sub-property of skos:altLabel: shown as the pinyin, not also as "Also"."""
    article = _article(_page(embedded_client, "/id/acupoint/ST36"))
    assert "<th>Pinyin</th><td>Zusanli</td>" in article
    assert "Also: Zusanli" not in _visible(article)


# -- 3. a study's size


@pytest.mark.parametrize("slug, said", [
    ("weinstein-2013-braist-bracing-idiopathic-scoliosis",
     "242 participants (analysed: 116 randomised, 126 who chose bracing or observation)"),
    ("kellermann-2011-ginkgo-bleeding-meta-analysis", "1985 participants (18 RCTs)"),
])
def test_a_study_page_says_its_size_once(embedded_client, slug, said) -> None:
    article = _article(_page(embedded_client, f"/id/study/{slug}"))
    [row] = re.findall(r"<tr><th>Participants</th><td>(.*?)</td></tr>", article)
    assert _visible(row) == said


def test_participants_keep_the_words_that_add_to_the_count() -> None:
    study = URIRef(ID + "study/s")

    def size(n: int | None, note: str) -> tuple[str | None, str]:
        graph = Graph()
        if n is not None:
            graph.add((study, RKG.participants, Literal(n)))
        graph.add((study, RKG.participantsNote, Literal(note, lang="en")))
        return tuple(PageGraph(graph, study, rkg=RKG).participants(study))

    assert size(1170, "1170") == ("1170", "")
    assert size(46, "46 (23 per arm)") == ("46", "23 per arm")
    assert size(839, "13 studies (839 participants)") == ("839", "13 studies")
    assert size(1111, "17 RCTs (1111 patients); 14 pooled (920)") == \
        ("1111", "17 RCTs; 14 pooled (920)")
    assert size(24, "24 (12) and (12)") == ("24", "(12) and (12)")
    assert size(12, "2 trials (112 patients)") == ("12", "2 trials (112 patients)")
    assert size(12, "123 planned") == ("12", "123 planned")
    assert size(None, "124 planned") == (None, "124 planned")


# -- 4. a remedy without a warning


@pytest.mark.parametrize("slug, label", [("tai-chi", "Tai chi"),
                                         ("mindfulness-meditation", "Mindfulness meditation")])
def test_a_remedy_without_a_warning_says_it_is_not_shown_safe(embedded_client, slug,
                                                               label) -> None:
    visible = _visible(_article(_page(embedded_client, f"/id/remedy/{slug}")))
    assert (f"No warning or interaction is recorded in this graph for {label}. "
            "That does not make it safe.") in visible


def test_a_remedy_page_shows_the_adverse_events_of_its_claims(embedded_client) -> None:
    article = _article(_page(embedded_client, "/id/remedy/mindfulness-meditation"))
    section = article.split('<section id="adverse-events">')[1].split("</section>")[0]
    assert '<a href="/id/adverse-event/meditation-negative-experiences">' in section
    assert '<a href="/ontology#Common">common</a>' in section
    # Acupuncture's come from its claims too; a serious one says so.
    article = _article(_page(embedded_client, "/id/remedy/acupuncture"))
    section = article.split('<section id="adverse-events">')[1].split("</section>")[0]
    assert re.search(r'href="/id/adverse-event/pneumothorax">[^<]+</a>.*?\(serious\)', section)
    # A remedy with warnings does not say it has none.
    assert "That does not make it safe" not in _visible(article)


def test_a_claim_without_a_warning_says_it_is_not_shown_safe(embedded_client) -> None:
    visible = _visible(_article(_page(embedded_client,
                                      "/id/claim/mindfulness-meditation--fibromyalgia")))
    assert ("No warning or interaction is recorded in this graph for Mindfulness meditation "
            "for fibromyalgia pain. That does not make it safe.") in visible
    assert "Negative experiences with meditation" in visible  # its adverse event, still shown


def test_super_properties_are_followed_up_every_chain_and_a_cycle_ends() -> None:
    from rdflib import URIRef

    from web.entities import _ancestors

    a, b, c, d = (URIRef(f"urn:x-test:{n}") for n in "abcd")
    parents = {a: {b}, b: {c, d}, c: {a}}  # a -> b -> c -> a, and b -> d
    assert _ancestors(a, parents) == {a, b, c, d}
    assert _ancestors(d, parents) == set()
