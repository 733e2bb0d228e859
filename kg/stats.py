"""The data report: graph sizes, entities per class, claims per evidence level, curation."""

from __future__ import annotations

from dataclasses import dataclass

from kg.namespaces import Graphs
from kg.queries import sparql_files, title_of
from kg.results import QueryResult
from kg.store import Store


@dataclass
class Section:
    """One table of the report."""

    name: str
    title: str
    result: QueryResult
    text: str = ""  # the SPARQL that made the table


def report_queries() -> dict[str, str]:
    return sparql_files("reports")


def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph that a build writes."""
    return {name.rsplit("/", 1)[-1]: store.count(name) for name in Graphs.ALL}


def data_report(store: Store) -> list[Section]:
    """Every report query run on the store."""
    sections = []
    for name, text in report_queries().items():
        sections.append(Section(name, title_of(text, name), store.query(text), text))
    return sections
