"""The data report: graph sizes, entities per class, claims per evidence level, curation."""

from __future__ import annotations

from dataclasses import dataclass

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


def report_queries(store: Store) -> dict[str, str]:
    return sparql_files("reports", namespaces=store.namespaces)


def graph_sizes(store: Store) -> dict[str, int]:
    """Triples per named graph that a build writes."""
    return {name.rsplit("/", 1)[-1]: store.count(name) for name in store.namespaces.graphs.ALL}


def data_report(store: Store) -> list[Section]:
    """Every report query run on the store."""
    sections = []
    for name, text in report_queries(store).items():
        sections.append(Section(name, title_of(text, name), store.query(text), text))
    return sections
