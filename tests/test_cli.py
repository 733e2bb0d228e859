"""The `kg` command through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import main
from tests.conftest import FIXTURES, write
from web.store import get_store_of


def _run(runner, *args: str, input: str | None = None):
    return runner.invoke(main, list(args), input=input)


def test_validate_project_data_is_clean(runner) -> None:
    result = _run(runner, "validate")
    assert result.exit_code == 0, result.output
    assert "0 violations" in result.output


def test_validate_failing_file_exits_non_zero_and_names_the_focus(runner) -> None:
    fixture = next((FIXTURES / "invalid").glob("claim-shape*.ttl"))
    result = _run(runner, "validate", str(fixture))
    assert result.exit_code == 1
    assert "rkgsh:ClaimShape" in result.output
    assert "claim:" in result.output


def test_validate_syntax_error_names_file_and_line(runner, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.ttl", "@prefix ex: <http://e/> .\n\nex:a ex:b ;\n")
    result = _run(runner, "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3" in result.output or f"{bad}:4" in result.output


def test_build_then_stats(runner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    result = _run(runner, "--store", store, "build")
    assert result.exit_code == 0, result.output
    assert "graph/data" in result.output
    stats = _run(runner, "--store", store, "stats")
    assert stats.exit_code == 0, stats.output
    assert "Entities per class" in stats.output
    assert "Claim" in stats.output
    for title in ("Claims per evidence level", "Claims per curation status",
                  "Records per curation status", "Remedies and claims per kind of remedy",
                  "Claims per condition", "Sources per claim"):
        assert title in stats.output, title
    assert "rkg:FromSeed" in stats.output and "rkg:CuratorAdded" in stats.output


def test_query_by_name_file_stdin_and_text(runner, disk_store: Path, tmp_path: Path) -> None:
    store = ["--store", str(disk_store)]
    by_name = _run(runner, *store, "query", "acupoints-for-restless-legs")
    assert by_name.exit_code == 0, by_name.output
    assert "ST36" in by_name.output and "(4 rows)" in by_name.output
    rq = write(tmp_path / "q.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert "(1 rows)" in _run(runner, *store, "query", str(rq)).output
    piped = _run(runner, *store, "query", "-", "--format", "json",
                 input="ASK { ?s a <https://w3id.org/remedy-kg/ontology#Claim> }")
    assert json.loads(piped.output)["boolean"] is True
    text = _run(runner, *store, "query", "SELECT ?s WHERE { ?s a ?c } LIMIT 3", "--format", "csv")
    assert list(csv.reader(io.StringIO(text.output)))[0] == ["s"]


def test_query_graph_results_as_turtle_and_jsonld(runner, disk_store: Path) -> None:
    q = "DESCRIBE <https://w3id.org/remedy-kg/id/remedy/acupuncture>"
    for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
        result = _run(runner, "--store", str(disk_store), "query", q, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert len(Graph().parse(data=result.output, format=parser)) > 10


def test_query_syntax_error_is_a_clear_message(runner, disk_store: Path) -> None:
    result = _run(runner, "--store", str(disk_store), "query", "SELECT ?s WHERE { ?s }")
    assert result.exit_code == 1
    assert "does not parse" in result.output
    assert "Traceback" not in result.output


def test_query_result_form_and_format_mismatch(runner, disk_store: Path) -> None:
    result = _run(runner, "--store", str(disk_store), "query", "SELECT ?s WHERE { ?s ?p ?o }",
                  "--format", "turtle")
    assert result.exit_code == 1
    assert "no turtle form" in result.output


def test_commands_on_an_unbuilt_store_say_to_build(runner, tmp_path: Path) -> None:
    result = _run(runner, "--store", str(tmp_path / "none"), "stats")
    assert result.exit_code == 1
    assert "kg build" in result.output


def test_store_is_accepted_after_the_sub_command(runner, monkeypatch, tmp_path: Path) -> None:
    served = {}

    def fake_serve(make_app, host, port, threads, server) -> None:  # a server would block
        served.update(port=port, server=server, store=get_store_of(make_app()))

    monkeypatch.setattr("web.serving.serve", fake_serve)
    monkeypatch.setattr("kg.query_workers.start_fork_server", lambda: None)
    result = runner.invoke(main, ["serve", "--store", ":memory:", "--port", "5099"],
                           env={"KG_SERVER": None})
    assert result.exit_code == 0, result.output
    assert "serving :memory: on http://127.0.0.1:5099/ with granian" in result.output
    assert served["port"] == 5099 and served["store"].count() == 0
    assert served["server"] == "granian"  # the default; KG_SERVER picks the other
    result = runner.invoke(main, ["serve", "--store", ":memory:"], env={"KG_SERVER": "waitress"})
    assert result.exit_code == 0 and served["server"] == "waitress", result.output
    # After the sub-command it wins over the group's (or $KG_STORE's) choice.
    missing = tmp_path / "no-store-here"
    result = _run(runner, "--store", str(missing), "query", "--store", ":memory:",
                  "ASK { ?s ?p ?o }")
    assert result.exit_code == 0 and result.output.strip() == "false", result.output


@pytest.mark.parametrize(("server", "started"), [("waitress", True), ("granian", False)])
def test_serve_starts_the_fork_server_beside_waitress_only(
        runner, monkeypatch, server: str, started: bool) -> None:
    """So that the first dump, search or query does not wait for it (0.35-1.2 s at 1M).
    granian's worker, which runs the app, starts its own (tests/test_serving.py)."""
    import threading

    ran = threading.Event()
    monkeypatch.setattr("kg.query_workers.start_fork_server", ran.set)
    monkeypatch.setattr("web.serving.serve", lambda *args, **kwargs: None)
    result = _run(runner, "serve", "--store", ":memory:", "--server", server)
    assert result.exit_code == 0, result.output
    assert ran.wait(5 if started else 0.2) is started
