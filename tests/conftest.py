"""Shared fixtures: the project, a store built from it once per session, a CLI runner.

The built store is parametrised over backends (the embedded store, an Oxigraph server and
Virtuoso), so every test that uses `store`, `built` or `disk_store` runs against each one.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import BuildResult, Sources, build, load_project
from kg.project import Project
from kg.store import OxigraphStore, Store
from tests.engines import ENGINES, Engine, EngineUnavailable

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

FIXTURES = Path(__file__).parent / "fixtures"
BACKENDS = ["embedded", *ENGINES]


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.locate()


def start_engine(name: str, folder: Path) -> Engine:
    """Start an engine; when it cannot start, fail in CI and skip (saying why) elsewhere."""
    try:
        return ENGINES[name](folder).start()
    except EngineUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{name} did not start: {exc}")
        pytest.skip(f"{name} did not start: {exc}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the engine matrix where the engine matters: a test marked
    `remote_engines_once(name=...)` runs every case on the embedded store and only the named
    case on each remote engine (the others differ in our serialisers, not in the engine)."""
    kept, dropped = [], []
    for item in items:
        (dropped if _covered_elsewhere(item) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _covered_elsewhere(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("remote_engines_once")
    params = getattr(getattr(item, "callspec", None), "params", {})
    if marker is None or params.get("engine", "embedded") == "embedded":
        return False
    return any(params.get(key) != value for key, value in marker.kwargs.items())


@pytest.fixture(scope="session")
def sources(project: Project) -> Sources:
    """The project's ontology, shapes and data as parsed graphs (copy before changing them)."""
    return load_project(project)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine | None]:
    """The backend under test: None for the embedded store, else a running engine."""
    if request.param == "embedded":
        yield None
        return
    running = start_engine(request.param, tmp_path_factory.mktemp(request.param))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def embedded_built(project: Project) -> Iterator[tuple[Store, BuildResult]]:
    """The shipped data in an in-memory embedded store, for tests where the engine does not
    matter (the `embedded` run of `built` shares it)."""
    store = OxigraphStore(None)
    result = build(project, store)
    yield store, result
    store.close()


@pytest.fixture(scope="session")
def built(request: pytest.FixtureRequest,
          engine: Engine | None) -> Iterator[tuple[Store, BuildResult]]:
    """The shipped data, built once into the backend under test (read-only use in tests)."""
    if engine is None:
        yield request.getfixturevalue("embedded_built")
        return
    store = engine.store()
    result = build(request.getfixturevalue("project"), store)
    yield store, result
    store.close()


@pytest.fixture(scope="session")
def store(built: tuple[Store, BuildResult]) -> Store:
    return built[0]


@pytest.fixture(scope="session")
def disk_store(project: Project, engine: Engine | None, built: tuple[Store, BuildResult],
               tmp_path_factory: pytest.TempPathFactory) -> Path | str:
    """Where `kg --store` finds the built data: a folder, as `kg build` writes it, or the
    engine's query endpoint (built by `built`)."""
    if engine is not None:
        return engine.endpoints.query
    path = tmp_path_factory.mktemp("store")
    with OxigraphStore(path) as store:
        build(project, store)
    return path


@pytest.fixture(scope="session")
def embedded_store(embedded_built: tuple[Store, BuildResult]) -> Store:
    return embedded_built[0]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def app(store: Store):
    """The app over the store under test (every engine); a test file may override it."""
    return make_app(store)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def embedded_client(embedded_store: Store):
    """A client of an app over the embedded store: for what no engine changes (negotiation,
    templates, protocol parsing), run once rather than once per engine."""
    return make_app(embedded_store).test_client()


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


def wait_until_serving(process: subprocess.Popen, url: str, timeout: float = 30) -> None:
    """Poll `url` until the server started as `process` answers; if it exits or the time runs
    out, kill it and raise with the end of its stderr."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("kg serve did not start: "
                                   + process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A synthetic graph (`kg synth`, 3,000 triples) built once into an in-memory store, for
    tests that need more than the shipped data but only read it."""
    from kg.cli import main

    out = tmp_path_factory.mktemp("synth") / "project"
    result = CliRunner().invoke(main, ["synth", "--triples", "3000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    store = OxigraphStore(None)
    build(Project(out), store)
    return store


@pytest.fixture(scope="session")
def synthetic_disk_store(synthetic_store: Store,
                         tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The synthetic graph copied into an on-disk store, opened read-only as `kg serve` opens
    it: for what only an on-disk store does (work done by a child process, kg.store_child)."""
    from kg.formats import RDF_FORMATS
    from kg.store import open_store

    path = tmp_path_factory.mktemp("synth-disk") / "store"
    nquads = io.BytesIO()
    synthetic_store.dump(nquads, RDF_FORMATS["nquads"])
    base = synthetic_store.namespaces.base
    with open_store(path, base=base) as writer:
        writer.bulk_load(nquads.getvalue(), RDF_FORMATS["nquads"])
    return open_store(path, read_only=True, base=base)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright (never a browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run scripts/install-system-deps.sh")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield instance
        instance.close()
