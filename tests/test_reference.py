"""Tests for kg.reference: the acupoint and meridian import from ../shared/reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal
from rdflib.namespace import DCTERMS

from kg.reference import (
    ACUPOINT,
    CURATOR_PINYIN,
    DEFAULT_DATA_DIR,
    DEFAULT_REFERENCE_DIR,
    MERIDIAN,
    RKG,
    WHO_STANDARD_SOURCE,
    ReferenceError,
    acupoints_graph,
    meridians_graph,
    write_reference_data,
)

# The shared reference lists live beside the repository, not in it; a bare clone skips the
# tests that read them and still runs the ones over small lists written here.
needs_reference = pytest.mark.skipif(
    not (DEFAULT_REFERENCE_DIR / "acupoints.tsv").is_file(),
    reason=f"reference lists not found at {DEFAULT_REFERENCE_DIR}",
)

MERIDIANS_HEADER = "meridian\twho_code\tother_abbreviations\tassociated_organ_uberon\tkind\n"
ACUPOINTS_HEADER = "code\tvariant\tpinyin\tenglish_name\tmeridian\twho_2008_page\n"


def _write_lists(directory: Path, meridians: str, acupoints: str) -> Path:
    (directory / "meridians.tsv").write_text(MERIDIANS_HEADER + meridians, encoding="utf-8")
    (directory / "acupoints.tsv").write_text(ACUPOINTS_HEADER + acupoints, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def meridians() -> Graph:
    return meridians_graph(DEFAULT_REFERENCE_DIR)


@pytest.fixture(scope="module")
def acupoints() -> Graph:
    return acupoints_graph(DEFAULT_REFERENCE_DIR)


@needs_reference
def test_fourteen_meridians(meridians: Graph) -> None:
    assert len(set(meridians.subjects(RDF.type, RKG.Meridian))) == 14
    kinds = list(meridians.objects(None, RKG.meridianKind))
    assert kinds.count(RKG.PrimaryMeridian) == 12
    assert kinds.count(RKG.ExtraordinaryVessel) == 2


@needs_reference
def test_meridian_abbreviations_and_organs(meridians: Graph) -> None:
    assert set(meridians.objects(MERIDIAN.TE, SKOS.altLabel)) == {
        Literal("TW"),
        Literal("SJ"),
        Literal("TB"),
    }
    organ = meridians.value(MERIDIAN.LU, RKG.associatedOrgan)
    assert str(organ) == "http://purl.obolibrary.org/obo/UBERON_0002048"
    # The vessels have no organ in the list, so none may be invented.
    assert meridians.value(MERIDIAN.GV, RKG.associatedOrgan) is None


@needs_reference
def test_361_acupoints_one_per_code(acupoints: Graph) -> None:
    points = set(acupoints.subjects(RDF.type, RKG.Acupoint))
    assert len(points) == 361
    # CV1 has male and female rows in the list; it must still be a single record.
    assert len(list(acupoints.objects(ACUPOINT.CV1, RDFS.label))) == 1


@needs_reference
def test_st36(acupoints: Graph) -> None:
    assert acupoints.value(ACUPOINT.ST36, RKG.pinyin) == Literal("Zusanli")
    assert acupoints.value(ACUPOINT.ST36, RKG.meridian) == MERIDIAN.ST
    assert acupoints.value(ACUPOINT.ST36, RDFS.label) == Literal("ST36 Zusanli", lang="en")
    assert acupoints.value(ACUPOINT.ST36, SKOS.notation) == Literal("ST36")
    assert acupoints.value(ACUPOINT.ST36, RKG.whoPage).toPython() == 64


@needs_reference
def test_every_acupoint_meridian_exists(meridians: Graph, acupoints: Graph) -> None:
    known = set(meridians.subjects(RDF.type, RKG.Meridian))
    dangling = {
        (point, meridian)
        for point, meridian in acupoints.subject_objects(RKG.meridian)
        if meridian not in known
    }
    assert not dangling


@needs_reference
def test_no_location_text(acupoints: Graph) -> None:
    # The WHO location sentences are copyright text; only names and codes may be imported.
    predicates = set(acupoints.predicates())
    assert predicates <= {
        RDF.type,
        RDFS.label,
        SKOS.notation,
        SKOS.altLabel,
        RKG.pinyin,
        RKG.meridian,
        RKG.whoPage,
        RKG.curationStatus,
        DCTERMS.source,
    }


@needs_reference
def test_rerun_is_byte_identical(tmp_path: Path) -> None:
    first = write_reference_data(DEFAULT_REFERENCE_DIR, tmp_path / "a")
    second = write_reference_data(DEFAULT_REFERENCE_DIR, tmp_path / "b")
    assert [p.name for p in first] == ["meridians.ttl", "acupoints.ttl", "studies-reference.ttl"]
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


@needs_reference
def test_committed_files_are_current(tmp_path: Path) -> None:
    for generated in write_reference_data(DEFAULT_REFERENCE_DIR, tmp_path):
        committed = DEFAULT_DATA_DIR / generated.name
        assert committed.read_bytes() == generated.read_bytes(), (
            f"data/{generated.name} is stale or hand-edited; run `python -m kg.reference`"
        )


def test_variants_collapse_into_one_point(tmp_path: Path) -> None:
    reference = _write_lists(
        tmp_path,
        "Conception Vessel (Ren)\tCV\tRN\t\textraordinary vessel\n",
        "CV1\t\tHuiyin\t\tConception Vessel (Ren)\t220\n"
        "CV1\tM\tHuiyin\t\tConception Vessel (Ren)\t220\n"
        "CV1\tF\tHuiyin\t\tConception Vessel (Ren)\t220\n",
    )
    graph = acupoints_graph(reference)
    assert set(graph.subjects(RDF.type, RKG.Acupoint)) == {ACUPOINT.CV1}
    assert graph.value(ACUPOINT.CV1, RDFS.label) == Literal("CV1 Huiyin", lang="en")


@needs_reference
def test_gap_in_the_list_is_filled_and_marked(acupoints: Graph) -> None:
    # GV4 has no pinyin in the reference list; the curator's name must be visible as such.
    assert acupoints.value(ACUPOINT.GV4, RKG.pinyin) == Literal("Mingmen")
    assert acupoints.value(ACUPOINT.GV4, RKG.curationStatus) == RKG.CuratorAdded
    assert WHO_STANDARD_SOURCE in set(acupoints.objects(ACUPOINT.GV4, DCTERMS.source))
    assert acupoints.value(ACUPOINT.ST36, RKG.curationStatus) == RKG.FromReference
    # Every other point has its name from the list, so no other point is curator-added.
    added = set(acupoints.subjects(RKG.curationStatus, RKG.CuratorAdded))
    assert added == {ACUPOINT[code] for code in CURATOR_PINYIN}


@pytest.mark.parametrize(
    ("meridian_rows", "acupoint_rows", "message"),
    [
        (
            "Lung Meridian\tLU\t\t\tprimary meridian\n",
            "LU1\t\tZhongfu\t\tHeart Meridian\t26\n",
            "acupoints.tsv:2: meridian 'Heart Meridian' is not in meridians.tsv",
        ),
        (
            "Lung Meridian\tLU\t\t\tprimary meridian\n",
            "LU1\t\t\t\tLung Meridian\t26\n",
            "acupoints.tsv:2: LU1 has no pinyin name",
        ),
        (
            "Lung Meridian\tLU\t\t\tprimary meridian\n",
            "LU1\t\tZhongfu\t\tLung Meridian\tp26\n",
            "acupoints.tsv:2: WHO page 'p26' is not a positive integer",
        ),
        (
            "Lung Meridian\tLU\t\t\tprimary meridian\n",
            "LU1\tM\tZhongfu\t\tLung Meridian\t26\nLU1\tF\tZhongfu\t\tLung Meridian\t27\n",
            "acupoints.tsv:3: LU1 disagrees with its other variant on line 2",
        ),
    ],
)
def test_bad_acupoint_rows_name_file_and_line(
    tmp_path: Path, meridian_rows: str, acupoint_rows: str, message: str
) -> None:
    reference = _write_lists(tmp_path, meridian_rows, acupoint_rows)
    with pytest.raises(ReferenceError, match=message):
        acupoints_graph(reference)


@pytest.mark.parametrize(
    ("meridian_rows", "message"),
    [
        ("Lung Meridian\tLU\t\t\tminor meridian\n", "meridians.tsv:2: unknown meridian kind"),
        ("Lung Meridian\tLU\t\tFMA:7195\tprimary meridian\n", "is not a UBERON CURIE"),
        ("Lung Meridian\t\t\t\tprimary meridian\n", "meridian name and WHO code are required"),
    ],
)
def test_bad_meridian_rows_name_file_and_line(
    tmp_path: Path, meridian_rows: str, message: str
) -> None:
    reference = _write_lists(tmp_path, meridian_rows, "")
    with pytest.raises(ReferenceError, match=message):
        meridians_graph(reference)


def test_bad_list_leaves_existing_files_alone(tmp_path: Path) -> None:
    reference = _write_lists(
        tmp_path, "Lung Meridian\tLU\t\t\tprimary meridian\n", "LU1\t\tZhongfu\t\tNope\t26\n"
    )
    data = tmp_path / "data"
    data.mkdir()
    (data / "meridians.ttl").write_text("old", encoding="utf-8")
    with pytest.raises(ReferenceError):
        write_reference_data(reference, data)
    assert (data / "meridians.ttl").read_text(encoding="utf-8") == "old"


def test_missing_column_is_reported(tmp_path: Path) -> None:
    (tmp_path / "meridians.tsv").write_text("meridian\tcode\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match="missing column"):
        meridians_graph(tmp_path)
