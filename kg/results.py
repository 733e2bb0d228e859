"""Backend-neutral query results and their serializations."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result
from rdflib.term import Node

from kg.formats import RdfSyntax, ResultsSyntax
from kg.namespaces import PREFIXES

QueryForm = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


@dataclass
class QueryResult:
    """What every store returns: rows for SELECT, a boolean for ASK, a graph otherwise."""

    form: QueryForm
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def dicts(self) -> Iterator[dict[str, Node]]:
        """Rows as {variable: term}, leaving out unbound variables."""
        for row in self.rows:
            yield {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}

    def column(self, variable: str) -> list[Node | None]:
        i = self.variables.index(variable)
        return [row[i] for row in self.rows]

    def serialize(self, syntax: ResultsSyntax | RdfSyntax) -> bytes:
        """Serialize in a results syntax (SELECT/ASK) or an RDF syntax (CONSTRUCT/DESCRIBE)."""
        if self.is_graph:
            if not isinstance(syntax, RdfSyntax):
                raise ValueError(f"a {self.form} result is a graph: use an RDF format")
            assert self.graph is not None
            return self.graph.serialize(format=syntax.rdflib, encoding="utf-8")
        if not isinstance(syntax, ResultsSyntax):
            raise ValueError(f"a {self.form} result is not a graph: use a results format")
        if syntax.name == "tsv":
            return self._tsv().encode("utf-8")
        if syntax.name == "csv" and self.form == "ASK":
            # SPARQL's CSV covers SELECT only; ASK as one column, as Jena writes it.
            return f"_askResult\r\n{'true' if self.boolean else 'false'}\r\n".encode()
        return self._rdflib_result().serialize(format=syntax.name) or b""

    def _rdflib_result(self) -> Result:
        result = Result(self.form)
        if self.form == "ASK":
            result.askAnswer = bool(self.boolean)
            return result
        result.vars = [Variable(v) for v in self.variables]
        result.bindings = [
            {Variable(v): t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]
        return result

    def _tsv(self) -> str:
        # SPARQL 1.1 TSV: a header of ?variables, then terms in their Turtle/N-Triples form.
        out = io.StringIO()
        if self.form == "ASK":
            out.write("?_askResult\n" + ("true" if self.boolean else "false") + "\n")
            return out.getvalue()
        out.write("\t".join("?" + v for v in self.variables) + "\n")
        for row in self.rows:
            out.write("\t".join("" if t is None else _tsv_term(t) for t in row) + "\n")
        return out.getvalue()


def _tsv_term(term: Node) -> str:
    text = term.n3()
    # Tabs and newlines would break the row structure; N-Triples escapes keep them readable.
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def short_form(term: Node | None, prefixes: dict[str, str] = PREFIXES) -> str:
    """A compact human form of a term for tables: prefixed names and plain literal text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        best = ""
        for prefix, ns in prefixes.items():
            if term.startswith(ns) and len(ns) > len(best):
                best, name = ns, f"{prefix}:{term[len(ns):]}"
        return name if best else f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term)
    return str(term)


def capped(result: QueryResult, max_rows: int) -> tuple[QueryResult, bool]:
    """At most `max_rows` rows (or triples, for a graph), and whether any were cut."""
    if result.is_graph:
        assert result.graph is not None
        if len(result.graph) <= max_rows:
            return result, False
        graph = Graph()
        for prefix, ns in result.graph.namespaces():
            graph.bind(prefix, ns)
        for i, triple in enumerate(result.graph):
            if i == max_rows:
                break
            graph.add(triple)
        return QueryResult(result.form, graph=graph), True
    if len(result.rows) <= max_rows:
        return result, False
    return QueryResult(result.form, variables=result.variables,
                       rows=result.rows[:max_rows]), True
