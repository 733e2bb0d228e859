"""The canned questions: named SPARQL files shared by pages, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class CannedQuery:
    """A SPARQL file with a title and a description read from its header comments."""

    name: str
    title: str
    description: str
    text: str


def _header(text: str, key: str) -> str:
    for line in text.splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return ""


def canned_queries() -> dict[str, CannedQuery]:
    """Every canned question by name (the file name without .rq), in name order."""
    folder = resources.files("kg") / "queries"
    found: dict[str, CannedQuery] = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if not f.name.endswith(".rq"):
            continue
        text = f.read_text(encoding="utf-8")
        name = f.name.removesuffix(".rq")
        found[name] = CannedQuery(name, _header(text, "title"), _header(text, "description"), text)
    return found


def canned_query(name: str) -> CannedQuery:
    """One canned question; KeyError names the ones there are."""
    queries = canned_queries()
    if name not in queries:
        raise KeyError(f"no canned query {name!r}; there are: {', '.join(queries)}")
    return queries[name]
