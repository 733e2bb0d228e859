from pathlib import Path

import pytest

from kg.load import LoadError, load_files, parse_file
from tests.conftest import write
from tests.random_texts import assert_screen_is_the_expression

GOOD = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n"
BAD = '@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n\nex:d ex:e "unterminated .\n'


def test_parse_file_reads_turtle(tmp_path: Path) -> None:
    assert len(parse_file(write(tmp_path / "good.ttl", GOOD))) == 1


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.ttl", BAD)
    with pytest.raises(LoadError) as caught:
        parse_file(bad)
    [problem] = caught.value.problems
    assert problem.path == bad
    assert problem.line == 4
    assert str(problem).startswith(f"{bad}:4: bad syntax")


def test_one_bad_file_loads_nothing_and_all_problems_are_listed(tmp_path: Path) -> None:
    files = [write(tmp_path / "a.ttl", GOOD), write(tmp_path / "b.ttl", BAD),
             write(tmp_path / "c.ttl", BAD.replace("ex:d", "ex:x ex:y ex:z .\nex:d"))]
    with pytest.raises(LoadError) as caught:
        load_files(files)
    assert [(p.path.name, p.line) for p in caught.value.problems] == [("b.ttl", 4), ("c.ttl", 5)]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_files([tmp_path / "absent.ttl"])


def test_every_project_file_parses(project) -> None:
    files = project.ontology_files + project.shapes_files + project.data_files
    assert files, "the project has no Turtle files"
    for f in files:
        assert len(parse_file(f)) > 0, f"{f} is empty"


@pytest.mark.parametrize(("text", "char"), [
    ('<a:x> <a:p> "bell\\u0007" .', "U+0007"),
    ('<a:x> <a:p> "cr\\r here" .', "U+000D"),
    ('<a:x> <a:p> """raw \x01 byte""" .', "U+0001"),
    ('<a:x> <a:p> "nul \\U00000000" .', "U+0000"),
])
def test_a_literal_no_export_can_carry_is_refused_with_file_and_line(
        tmp_path: Path, text: str, char: str) -> None:
    path = write(tmp_path / "data.ttl", f'<a:x> <a:q> "fine\\ttab\\nline" .\n\n{text}\n')
    with pytest.raises(LoadError) as caught:
        load_files([path])
    assert f"data.ttl:3: a literal holds the control character {char}" in str(caught.value)


@pytest.mark.parametrize("name", ["remote.jsonld", "entities.rdf", "notes.n3"])
def test_syntaxes_that_could_fetch_are_refused_by_name(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "{}")
    with pytest.raises(LoadError, match=f"{name}: .* is not accepted: data files are Turtle"):
        load_files([path])


def test_the_byte_screen_for_raw_unexportable_characters_is_the_regular_expression() -> None:
    # kg.load._may_hold_unexportable finds raw control bytes and U+FFFE/U+FFFF by `translate`
    # and substring search; it must answer as the expression it replaced, for any text (no
    # backslash here: the escapes are checked as before, by their own expression).
    import re

    from kg.load import _may_hold_unexportable

    raw = re.compile(rb"[\x00-\x08\x0b-\x1f]|\xef\xbf[\xbe\xbf]")
    pieces = [bytes([b]) for b in range(0x21)] + [
        b"a", b"\n", b'"', b"\x7f", b"\xef", b"\xbf", b"\xbe", b"\xef\xbf\xbd",
        b"\xef\xbf\xbe", b"\xef\xbf\xbf", "\u00e9".encode(), "\ufffd".encode()]
    assert_screen_is_the_expression(_may_hold_unexportable, raw, pieces, seed=13,
                                    rounds=20_000, most_pieces=4)
