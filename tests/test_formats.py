import pytest

from kg.formats import RDF_FORMATS, RESULTS_FORMATS, UnknownFormat, rdf_format, results_format


def test_names_media_types_and_extensions_are_unique() -> None:
    formats = [*RDF_FORMATS.values(), *RESULTS_FORMATS.values()]
    for attribute in ("name", "media_type", "extension"):
        values = [getattr(f, attribute) for f in formats]
        assert len(values) == len(set(values)), attribute


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownFormat) as caught:
        rdf_format("yaml")
    assert "turtle" in str(caught.value) and "jsonld" in str(caught.value)
    with pytest.raises(UnknownFormat, match="tsv"):
        results_format("html")


def test_triple_only_lookup_refuses_quad_formats() -> None:
    assert rdf_format("turtle", quads=False).name == "turtle"
    with pytest.raises(UnknownFormat):
        rdf_format("nquads", quads=False)
