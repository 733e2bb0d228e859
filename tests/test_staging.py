"""The build's staging store (kg/staging.py): the files parsed once into named graphs, every
step run there, nothing of validation's own left in what is written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.inference import _as_insert, infer
from kg.load import LoadError, load_files, load_into
from kg.namespaces import CANONICAL, CANONICAL_BASE, namespaces
from kg.project import SOURCE_ROOT, Project
from kg.quality import run_checks
from kg.shacl_sparql import ALIAS, keep_datatype
from kg.staging import DATA, INFERRED, ONTOLOGY, Staging, _may_name_narrowed, _rebased
from kg.store.oxigraph import to_rdflib
from kg.validate import validate
from tests.conftest import FIXTURES
from tests.isomorphism import same_graph
from tests.random_texts import assert_screen_is_the_expression

XSD = "http://www.w3.org/2001/XMLSchema#"
FILES = sorted([*SOURCE_ROOT.glob("ontology/*.ttl"), *SOURCE_ROOT.glob("data/*.ttl"),
                *FIXTURES.glob("*/*.ttl")])


@pytest.fixture(scope="module")
def staged(project: Project) -> Staging:
    staging = Staging.load(project)
    staging.validate(load_files(project.shapes_files))
    return staging


def _copy(project: Project, tmp_path: Path, data: dict[str, str]) -> Project:
    """The project's ontology and shapes with only the given data files."""
    for folder in ("ontology", "shapes"):
        shutil.copytree(project.root / folder, tmp_path / folder)
    (tmp_path / "data").mkdir()
    for name, text in data.items():
        (tmp_path / "data" / name).write_text(text, encoding="utf-8")
    return Project(tmp_path)


def test_the_staged_graphs_are_the_files_as_parsed(project: Project, staged: Staging) -> None:
    # Validation derives evidence levels into the store: none may stay in the data graph.
    assert same_graph(staged.graph(DATA, CANONICAL), load_files(project.data_files))
    assert same_graph(staged.graph(ONTOLOGY, CANONICAL), load_files(project.ontology_files))
    assert not list(staged.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_the_report_and_the_checks_are_those_of_the_graphs(project: Project,
                                                           staged: Staging) -> None:
    data, ontology = load_files(project.data_files), load_files(project.ontology_files)
    shapes = load_files(project.shapes_files)
    fresh = Staging.load(project)
    assert fresh.validate(shapes).text() == validate(data, shapes, ontology).text()
    assert staged.check_quality().text() == run_checks(data, ontology).text()


def test_the_rules_derive_what_infer_derives(project: Project, staged: Staging) -> None:
    staged.store.clear_graph(INFERRED)
    added = staged.infer()
    expected = infer(load_files(project.ontology_files), load_files(project.data_files))
    assert added == len(expected) > 0
    assert same_graph(staged.graph(INFERRED, CANONICAL), expected)


def test_the_integer_subtype_alias_never_leaves_validation(project: Project,
                                                           tmp_path: Path) -> None:
    copy = _copy(project, tmp_path, {"counts.ttl": (
        f"<{CANONICAL_BASE}id/thing> <https://example.org/count> "
        f'"62"^^<{XSD}positiveInteger> .\n')})
    staging = Staging.load(copy)
    aliased = ox.Literal("62", datatype=ox.NamedNode(f"{ALIAS}{XSD}positiveInteger"))
    assert list(staging.store.quads_for_pattern(None, None, aliased, DATA))  # while validating
    staging.validate(load_files(copy.shapes_files))
    assert not any(ALIAS in q.object.datatype.value for q in staging.store
                   if isinstance(q.object, ox.Literal))
    (value,) = staging.graph(DATA, CANONICAL).objects()
    assert value == Literal("62", datatype=URIRef(f"{XSD}integer"))  # as any load stores it


def test_the_loader_file_and_the_rest_make_the_graph_before_or_after_validation(
        project: Project, tmp_path: Path) -> None:
    # The build bulk-loads a file of the triples without blank nodes while validation runs,
    # and one of the triples with blank nodes after it: together, the validated graph.
    copy = _copy(project, tmp_path, {"counts.ttl": (
        f"@prefix ex: <https://example.org/> .\n<{CANONICAL_BASE}id/thing> ex:count "
        f'"62"^^<{XSD}positiveInteger> ; ex:part [ ex:count 3 ] .\n')})
    staging = Staging.load(copy)
    during = tmp_path / "during.nt"
    staging.write_unshared(DATA, during)  # the alias not yet restored
    staging.validate(load_files(copy.shapes_files))
    after = tmp_path / "after.nt"
    staging.write_unshared(DATA, after)
    shared = tmp_path / "shared.nq"
    staging.write_shared((DATA,), shared)
    validated = set(staging.store.quads_for_pattern(None, None, None, DATA))
    with_blank = set(ox.parse(path=str(shared), format=ox.RdfFormat.N_QUADS))
    assert len(with_blank) == 2 and with_blank < validated  # the staged nodes, as named
    for written in (during, after):
        unshared = {ox.Quad(t.subject, t.predicate, t.object, DATA)
                    for t in ox.parse(path=str(written), format=ox.RdfFormat.N_TRIPLES)}
        assert unshared == validated - with_blank
        assert ALIAS not in written.read_text()


def test_every_bad_file_is_named_with_its_line(project: Project, tmp_path: Path) -> None:
    copy = _copy(project, tmp_path, {
        "a.ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n",
        "b.ttl": '@prefix ex: <http://example.org/> .\n\nex:a ex:b "bell\\u0007" .\n',
        "c.ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"})
    with pytest.raises(LoadError) as raised:
        Staging.load(copy)
    messages = str(raised.value).splitlines()
    assert messages[0].startswith(f"{tmp_path / 'data' / 'a.ttl'}:3: bad syntax")
    assert messages[1].startswith(f"{tmp_path / 'data' / 'b.ttl'}:3: a literal holds the "
                                  "control character U+0007")
    assert len(messages) == 2


def test_blank_nodes_of_two_files_stay_two(project: Project, tmp_path: Path) -> None:
    same = "@prefix ex: <http://example.org/> .\n_:x ex:b ex:c .\n"
    staging = Staging.load(_copy(project, tmp_path, {"a.ttl": same, "b.ttl": same}))
    assert len(list(staging.store.quads_for_pattern(None, None, None, DATA))) == 2


def test_quads_are_rebased_as_rdflib_terms_are() -> None:
    other = namespaces("https://kg.example.org/remedies/")
    iri = f"{CANONICAL_BASE}id/remedy/acupuncture"
    see_also = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    quads = [ox.Quad(ox.NamedNode(iri), see_also,
                     ox.Literal(iri, datatype=ox.NamedNode(f"{CANONICAL_BASE}ontology#Code"))),
             ox.Quad(ox.NamedNode(iri), ox.NamedNode(f"{CANONICAL_BASE}ontology#summary"),
                     ox.Literal(f"see {iri}", language="en"))]
    graph = ox.NamedNode("https://kg.example.org/remedies/graph/data")
    rebased = list(_rebased(quads, other, graph))
    assert rebased[0].subject.value == "https://kg.example.org/remedies/id/remedy/acupuncture"
    assert rebased[0].object.datatype.value == "https://kg.example.org/remedies/ontology#Code"
    assert rebased[1].object.language == "en"
    assert all(q.graph_name == graph for q in rebased)
    for before, after in zip(quads, rebased, strict=True):
        for term in ("subject", "predicate", "object"):
            rdflib_term = other.rebase_term(to_rdflib(getattr(before, term)))
            assert to_rdflib(getattr(after, term)) == rdflib_term


def test_an_unvalidated_staging_is_not_written(project: Project) -> None:
    with pytest.raises(RuntimeError):
        Staging.load(project).source(DATA, CANONICAL)


# The invalid fixtures give the same report through the staging store as through the graphs.
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))[:3]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_an_invalid_fixture_reads_the_same(path: Path, project: Project,
                                           tmp_path: Path) -> None:
    copy = _copy(project, tmp_path, {path.name: path.read_text(encoding="utf-8")})
    shapes = load_files(copy.shapes_files)
    staged = Staging.load(copy).validate(shapes)
    direct = validate(load_files([path]), shapes, load_files(copy.ontology_files))
    assert not staged.conforms
    assert _readable(staged.text()) == _readable(direct.text())


def _readable(report: str) -> str:
    # Blank node labels are the parser's: only their place in the report can be compared.
    return re.sub(r"_:[A-Za-z0-9]+", "_:b", report)


@pytest.mark.parametrize("text, careful", [
    ('ex:a ex:n "1"^^xsd:int .', True),
    (f'ex:a ex:n "1"^^<{XSD}positiveInteger> .', True),
    ('@prefix x: <http://www.w3.org/2001/XMLSchema#pos> . ex:a ex:n "1"^^x:itiveInteger .', True),
    ('ex:a ex:n "1"^^<http://www.w3.org/2001/XMLSchema\\u0023int> .', True),
    ('ex:a ex:interaction "1"^^xsd:integer .', False),
])
def test_a_file_that_may_name_an_aliased_datatype_is_read_the_careful_way(
        tmp_path: Path, text: str, careful: bool) -> None:
    """Only files that cannot name one are read by the engine's own loader, which would store
    the datatype as xsd:integer before validation sees it."""
    path = tmp_path / "a.ttl"
    path.write_text(f"@prefix ex: <http://example.org/> .\n@prefix xsd: <{XSD}> .\n{text}\n")
    store = ox.Store()
    load_into(store, path, DATA, keep_datatype, _may_name_narrowed)
    (quad,) = store.quads_for_pattern(None, None, None, DATA)
    assert (ALIAS in quad.object.datatype.value) == careful  # type: ignore[union-attr]


def _read(path: Path, converts: bool) -> ox.Dataset:
    store = ox.Store()
    try:  # a converter that changes nothing, said to change every file or none
        load_into(store, path, DATA, lambda q: q, lambda _: converts)
    except LoadError:
        return ox.Dataset()
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".ttl"], ids=str)
def test_the_engines_loader_reads_a_file_as_the_checked_stream_does(path: Path) -> None:
    assert _read(path, converts=False) == _read(path, converts=True)


def test_the_engines_loader_resolves_and_names_as_the_stream_does(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\n<relative> ex:b _:x .\n'
                    '_:x ex:c "caf\u00e9"@fr, """two\nlines""", 1.5 ; ex:d [ ex:e <#f> ] .\n')
    fast = _read(path, converts=False)
    assert len(fast) == 6 and fast == _read(path, converts=True)
    assert any(q.subject == ox.NamedNode(path.with_name("relative").as_uri()) for q in fast)


def test_a_rule_the_engine_cannot_insert_from_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="not CONSTRUCT"):
        _as_insert("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", INFERRED, "")


def test_the_screen_for_aliased_datatype_names_is_the_regular_expression() -> None:
    # kg.staging._may_name_narrowed searches plain substrings before any expression; for any
    # text it must answer as the one expression it replaced.
    from kg.shacl_sparql import COLLAPSED

    names = "|".join(sorted(str(d).rsplit("#", 1)[1] for d in COLLAPSED))
    expression = re.compile(rf"[:#](?:{names})\b|XMLSchema(?!#>)|\\[uU]".encode())
    pieces = [b":", b"#", b"int", b"long", b"short", b"byte", b"Integer", b"positiveInteger",
              b"unsignedInt", b"unsigned", b"eger", b"er", b"XMLSchema", b"XMLSchema#>", b"#>",
              b">", b"\\", b"u", b"U", b"a", b"_", b"7", b" ", b"\n", b"-", b"\xc3\xa9"]
    assert_screen_is_the_expression(_may_name_narrowed, expression, pieces, seed=22,
                                    rounds=30_000, most_pieces=5)
