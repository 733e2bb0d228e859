"""Queries the build rewrote for speed give what they gave before: each old form is kept here
as the reference and both run on the shipped data and on a synthetic graph, with the rows
they exist to find planted (so an empty answer on both sides cannot pass)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.inference import _as_insert, _drop_asserted, infer_in, rules
from kg.load import load_files
from kg.project import Project
from kg.queries import sparql_files
from kg.staging import ASSERTED, DATA, INFERRED, Staging

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ID = "https://w3id.org/remedy-kg/id/"

# kg/checks/undefined-entities-violation.rq before MINUS replaced FILTER NOT EXISTS.
UNDEFINED_ENTITIES_BEFORE = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?subject ?property ?entity
WHERE {
  ?subject ?property ?entity .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), "https://w3id.org/remedy-kg/id/"))
  FILTER NOT EXISTS { ?entity rdf:type ?anyType }
}
ORDER BY ?entity ?subject
"""


def _drop_asserted_before(store: ox.Store, into: ox.NamedNode) -> None:
    """kg.inference.infer_in's removal of asserted triples before it went predicate by
    predicate."""
    asserted = " ".join(f"<{graph.value}>" for graph in ASSERTED)
    store.update(f"""
        DELETE {{ GRAPH <{into.value}> {{ ?s ?p ?o }} }}
        WHERE {{ GRAPH <{into.value}> {{ ?s ?p ?o }} VALUES ?asserted {{ {asserted} }}
                GRAPH ?asserted {{ ?s ?p ?o }} }}""")


@pytest.fixture(scope="module", params=["shipped", "synthetic"])
def staged(request: pytest.FixtureRequest, project: Project,
           tmp_path_factory: pytest.TempPathFactory) -> Staging:
    """The shipped data, or a synthetic graph (`kg synth`, 3,000 triples), staged and
    validated, with links to undefined entities planted in the data graph."""
    if request.param == "synthetic":
        out = tmp_path_factory.mktemp("rewritten") / "project"
        result = CliRunner().invoke(main, ["synth", "--triples", "3000", "--out", str(out)])
        assert result.exit_code == 0, result.output
        project = Project(out)
    staging = Staging.load(project)
    assert staging.validate(load_files(project.shapes_files)).conforms
    subjects = sorted({q.subject for q in staging.store.quads_for_pattern(
        None, RDF_TYPE, None, DATA) if isinstance(q.subject, ox.NamedNode)},
        key=lambda s: s.value)[:3]
    for i, subject in enumerate(subjects):
        staging.store.add(ox.Quad(subject, ox.NamedNode(f"{ID}vocab/planted{i % 2}"),
                                  ox.NamedNode(f"{ID}remedy/undefined-{i}"), DATA))
    return staging


def _rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in solution)
            for solution in store.query(text, default_graph=list(ASSERTED))]


def test_undefined_entities_check_finds_the_same_rows(staged: Staging) -> None:
    now = sparql_files("checks")["undefined-entities-violation"]
    before = _rows(staged.store, UNDEFINED_ENTITIES_BEFORE)
    assert len(before) == 3  # the planted links, and nothing else
    assert _rows(staged.store, now) == before


def test_asserted_triples_leave_the_inferred_graph_as_before(staged: Staging) -> None:
    """The rules' output with some of it asserted too (planted in both asserted graphs):
    the per-predicate DELETE leaves the same inferred graph as the one DELETE did."""
    results = []
    for drop in (lambda store: _drop_asserted_before(store, INFERRED),
                 lambda store: _drop_asserted(store, ASSERTED, INFERRED)):
        store = ox.Store()
        store.extend(staged.store.quads_for_pattern(None, None, None, None))
        using = "".join(f"USING <{graph.value}>\n" for graph in ASSERTED)
        for text in rules().values():
            store.update(_as_insert(text, INFERRED, using))
        derived = sorted(store.quads_for_pattern(None, None, None, INFERRED), key=str)
        assert len(derived) > 100
        planted = derived[::7]
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ASSERTED[i % 2])
                     for i, q in enumerate(planted))
        drop(store)
        left = {str(q) for q in store.quads_for_pattern(None, None, None, INFERRED)}
        assert left == {str(q) for q in derived} - {str(q) for q in planted}
        results.append(left)
    assert results[0] == results[1]


def test_the_levels_validation_derived_are_the_rules_own(staged: Staging) -> None:
    """`Staging.infer` adds the evidence levels validation derived instead of running the
    evidence-level rule again: the inferred graph is the one every rule run gives."""
    assert staged._levels  # kept by validation (nothing aliased)
    rerun = ox.Store()
    rerun.extend(q for graph in ASSERTED
                 for q in staged.store.quads_for_pattern(None, None, None, graph))
    infer_in(rerun, ASSERTED, INFERRED)
    staged.store.clear_graph(INFERRED)
    staged.infer()
    assert ({str(q) for q in staged.store.quads_for_pattern(None, None, None, INFERRED)}
            == {str(q) for q in rerun.quads_for_pattern(None, None, None, INFERRED)})
    assert {str(q) for q in staged._levels} <= {
        str(q) for q in rerun.quads_for_pattern(None, None, None, INFERRED)}
