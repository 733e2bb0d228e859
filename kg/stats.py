"""The data report: graph sizes, entities per class, claims per evidence level, curation."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from kg.namespaces import Graphs
from kg.results import QueryResult
from kg.store import Store


@dataclass
class Section:
    """One table of the report."""

    name: str
    title: str
    result: QueryResult


def report_queries() -> dict[str, str]:
    folder = resources.files("kg") / "reports"
    return {
        f.name.removesuffix(".rq"): f.read_text(encoding="utf-8")
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".rq")
    }


def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph that a build writes."""
    return {name.rsplit("/", 1)[-1]: store.count(name) for name in Graphs.ALL}


def data_report(store: Store) -> list[Section]:
    """Every report query run on the store."""
    sections = []
    for name, text in report_queries().items():
        title = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                      if line.startswith("# title:")), name)
        sections.append(Section(name, title, store.query(text)))
    return sections
