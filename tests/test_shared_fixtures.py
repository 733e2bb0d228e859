"""A test file defines an `app` or `client` fixture only to configure it differently from the
shared ones in conftest.py (flaskr style): a copy of the shared fixture is a second place for
one concept, and drifts."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _fixtures(tree: ast.Module) -> dict[str, tuple[str, ast.FunctionDef]]:
    """Fixture functions by name, with their scope ("function" unless given)."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) != "pytest.fixture":
                continue
            scope = next((ast.literal_eval(k.value) for k in (call.keywords if call else [])
                          if k.arg == "scope"), "function")
            found[node.name] = (scope, node)
    return found


def _body(node: ast.FunctionDef) -> str:
    """The fixture's body without its docstring, normalised."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return "\n".join(ast.unparse(statement) for statement in body)


def _copies_of_shared(path: Path, shared: dict[str, tuple[str, ast.FunctionDef]]) -> list[str]:
    copies = []
    for name, (scope, node) in _fixtures(ast.parse(path.read_text(encoding="utf-8"))).items():
        if name not in ("app", "client", "runner") or name not in shared:
            continue
        shared_scope, shared_node = shared[name]
        body = _body(node).replace("\n", "; ")
        same_as_shared = scope == shared_scope and _body(node) == _body(shared_node)
        # make_app(store) with no settings of its own is the shared app, however it is spelled
        # (`make_app(store).test_client()`, or assigned first).
        unconfigured = "make_app(store)" in body and "make_app(store," not in body
        if same_as_shared or unconfigured:
            copies.append(f"{path.name}: {name}")
    return copies


def test_no_test_file_copies_a_shared_fixture() -> None:
    shared = _fixtures(ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8")))
    assert {"app", "client", "runner"} <= set(shared)
    copies = [copy for path in sorted(TESTS.glob("test_*.py"))
              for copy in _copies_of_shared(path, shared)]
    assert copies == [], "use the shared fixture of conftest.py instead"


def test_the_check_finds_a_copy(tmp_path: Path) -> None:
    shared = _fixtures(ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8")))
    copy = tmp_path / "test_copy.py"
    copy.write_text('import pytest\n\n\n@pytest.fixture(scope="module")\ndef client(store):\n'
                    '    return make_app(store).test_client()\n', encoding="utf-8")
    assert _copies_of_shared(copy, shared) == ["test_copy.py: client"]
