from pathlib import Path

import pytest

from kg.load import LoadError, load_files, parse_file
from tests.conftest import write

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
