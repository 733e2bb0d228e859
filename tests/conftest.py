"""Shared fixtures: the project, a store built from it once per session, a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildResult, build
from kg.project import Project
from kg.store import OxigraphStore, Store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.locate()


@pytest.fixture(scope="session")
def built(project: Project) -> Iterator[tuple[Store, BuildResult]]:
    """The shipped data, built into an in-memory store (read-only use in tests)."""
    store = OxigraphStore(None)
    result = build(project, store)
    yield store, result
    store.close()


@pytest.fixture(scope="session")
def store(built: tuple[Store, BuildResult]) -> Store:
    return built[0]


@pytest.fixture(scope="session")
def disk_store(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built into an on-disk store, as `kg build` does; its folder."""
    path = tmp_path_factory.mktemp("store")
    with OxigraphStore(path) as store:
        build(project, store)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def copy_project(project: Project, dest: Path) -> Project:
    """A copy of the project's ontology, shapes and data that a test may break."""
    for folder in ("ontology", "shapes", "data"):
        for f in (project.root / folder).glob("*.ttl"):
            write(dest / folder / f.name, f.read_text(encoding="utf-8"))
    return Project(dest)


def make_app(store: Store, **config: object):
    """A test app over `store`; rate limits off unless a test sets them (it tests them)."""
    from web import create_app

    return create_app({"TESTING": True, "RATE_LIMIT": "", "SPARQL_RATE_LIMIT": "", **config},
                      store=store)
