"""Answers written by the embedded engine's own serialisers, cut at the row cap.

The query workers (kg.query_workers) used to turn every pyoxigraph answer into rdflib terms,
write SPARQL JSON, and have the server parse it back and write the client's format: four
conversions, about 1 s on a 12,769-row answer at 1M triples. Here the worker writes the format
the client negotiated, once, with pyoxigraph's writers, and the server passes the bytes on.

The cap needs the rows counted before they are written, and pyoxigraph writes results only
from its own lazy iterator, so the first `max_rows + 1` solutions are read and written as
SPARQL TSV (each term in its N-Triples form, which is what TSV holds and what pyoxigraph's
`str()` of a term gives), then read back by pyoxigraph's TSV parser and written in the format
asked for. For TSV that text is the answer itself. Both steps run in Rust apart from the join;
the result is byte for byte what pyoxigraph writes for the same rows (tests/test_engine_answers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from kg.formats import RdfSyntax, ResultsSyntax
from kg.results import QueryResult

# Graph syntaxes pyoxigraph writes as we publish them. JSON-LD is left out: pyoxigraph writes
# it expanded, while our JSON-LD is compacted with a context of our prefixes (web.entities),
# so graphs asked for as JSON-LD keep the rdflib path.
ENGINE_GRAPH_SYNTAXES = frozenset({"turtle", "ntriples", "rdfxml"})


@dataclass(frozen=True)
class Written:
    """An answer in its final bytes: `form` is the query form, `truncated` whether the row
    cap cut it."""

    form: str
    data: bytes
    truncated: bool


def can_write(syntax: RdfSyntax | ResultsSyntax) -> bool:
    """Whether this module writes the syntax (every results syntax; most graph syntaxes)."""
    return isinstance(syntax, ResultsSyntax) or syntax.name in ENGINE_GRAPH_SYNTAXES


def write(answer: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
          syntax: RdfSyntax | ResultsSyntax, max_rows: int,
          prefixes: Mapping[str, str]) -> Written:
    """Write a pyoxigraph answer in `syntax`, at most `max_rows` rows (or distinct triples).

    Raises ValueError when the syntax does not fit the answer (a graph syntax for a SELECT).
    """
    if isinstance(answer, ox.QueryBoolean):
        return Written("ASK", _boolean(answer, _results(syntax, "ASK")), False)
    if isinstance(answer, ox.QuerySolutions):
        results = _results(syntax, "SELECT")
        variables = [v.value for v in answer.variables]
        rows = list(islice(answer, max_rows + 1))
        truncated = len(rows) > max_rows
        tsv = solutions_tsv(variables, rows[:max_rows])
        if results.name == "tsv":
            return Written("SELECT", tsv, truncated)
        solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        return Written("SELECT", solutions.serialize(format=results.oxigraph), truncated)
    if not isinstance(syntax, RdfSyntax) or syntax.name not in ENGINE_GRAPH_SYNTAXES:
        raise ValueError(f"a graph is not written here as {syntax.name}")
    triples, truncated = distinct_triples(answer, max_rows)
    data = ox.serialize(triples, format=syntax.oxigraph,
                        prefixes=dict(prefixes) if syntax.name == "turtle" else None)
    return Written("CONSTRUCT", data or b"", truncated)


def distinct_triples(triples: Iterable[ox.Triple], max_rows: int) -> tuple[list[ox.Triple], bool]:
    """At most `max_rows` distinct triples, and whether more were left: an engine may repeat a
    triple in a CONSTRUCT, and a graph (as the rdflib path had it) holds it once."""
    seen: dict[ox.Triple, None] = {}
    for triple in triples:
        if triple not in seen:
            if len(seen) == max_rows:
                return list(seen), True
            seen[triple] = None
    return list(seen), False


def solutions_tsv(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    """SPARQL 1.1 TSV: a header of ?variables, then each term in its N-Triples form (escaped
    by pyoxigraph: a tab or newline inside a literal never breaks a row)."""
    lines = ["\t".join("?" + v for v in variables)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _results(syntax: RdfSyntax | ResultsSyntax, form: str) -> ResultsSyntax:
    if not isinstance(syntax, ResultsSyntax):
        raise ValueError(f"a {form} result is not a graph: use a results format")
    return syntax


def _boolean(answer: ox.QueryBoolean, syntax: ResultsSyntax) -> bytes:
    if syntax.name in ("json", "xml"):
        return answer.serialize(format=syntax.oxigraph) or b""
    # pyoxigraph writes a bare "true" in CSV and TSV; ours names the column (kg.results).
    return QueryResult("ASK", boolean=bool(answer)).serialize(syntax)
