"""The read-only guard: what a public query may do, decided on the parsed query.

Every engine we serve from runs `SERVICE` (an outbound HTTP call) and some fetch `FROM <url>`,
so the guard refuses both, and any update, before the query reaches a store. It reads the
query with rdflib's SPARQL parser, whatever the backend, never with a regex on the text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.store import QuerySyntaxError

READ_ONLY = "This endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, " \
            "ADD, MOVE, COPY) are not accepted."


# rdflib's grammar is one shared pyparsing object, and pyparsing is not thread-safe: two
# threads parsing at once on a fresh grammar corrupt its parse actions for good (every later
# parse raises TypeError). The server is multi-threaded, so parses take turns.
_PARSER = threading.Lock()


class QueryRefused(ValueError):
    """The query parses but asks for something a public endpoint does not do."""


@dataclass(frozen=True)
class QueryFacts:
    """What the guard needs to know about a query, read once from its parse tree."""

    form: str
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    has_service: bool


def check_query(
    text: str,
    graph_names: Callable[[], Collection[str]],
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
) -> QueryFacts:
    """Refuse updates, SERVICE and datasets naming graphs the store does not hold.

    Raises QueryRefused for what is not allowed and QuerySyntaxError for what does not parse.
    `graph_names` is asked only when the query names graphs: on a remote engine it is a
    round trip, which most queries need not pay.
    """
    facts = query_facts(text)
    if facts.has_service:
        raise QueryRefused("SERVICE is not allowed: this endpoint does not call other "
                           "endpoints (federated queries are refused in every form).")
    dataset = [("FROM", iri) for iri in facts.from_graphs] + \
              [("FROM NAMED", iri) for iri in facts.from_named_graphs] + \
              [("default-graph-uri", iri) for iri in default_graph_uris] + \
              [("named-graph-uri", iri) for iri in named_graph_uris]
    if not dataset:
        return facts
    held = graph_names()
    unknown = [(how, iri) for how, iri in dataset if iri not in held]
    if unknown:
        named = ", ".join(f"{how} <{iri}>" for how, iri in unknown)
        raise QueryRefused(f"{named}: only this store's graphs can be named ("
                           + ", ".join(sorted(held)) + "); nothing is fetched.")
    return facts


@lru_cache(maxsize=512)
def query_facts(text: str) -> QueryFacts:
    """Parse once per distinct text: rdflib's parser is slow, and clients repeat queries."""
    try:
        with _PARSER:
            parsed = parseQuery(text)
    except RecursionError:
        raise QueryRefused("The query is nested too deeply to be parsed; "
                           "flatten its groups or expressions.") from None
    except ParseBaseException as exc:
        if _is_update(text):
            raise QueryRefused(READ_ONLY) from None
        raise QuerySyntaxError(f"error at {exc.lineno}:{exc.col}: {exc.msg}, "
                               f"found {_found(exc)}") from None
    prologue, query = parsed[0], parsed[1]
    try:
        resolved = translatePrologue(prologue, None)
        graphs: dict[str, list[str]] = {"default": [], "named": []}
        # CompValue.get resolves values and is lax about missing keys; ask the dict itself.
        for clause in dict.get(query, "datasetClause") or ():
            for key, iris in graphs.items():
                if key in clause:
                    iris.append(str(resolved.absolutize(clause[key])))
    except Exception as exc:  # rdflib raises bare Exception for an unknown prefix
        raise QuerySyntaxError(f"error in the dataset clause: {exc}") from None
    return QueryFacts(form=query.name.removesuffix("Query").upper(),
                      from_graphs=tuple(graphs["default"]),
                      from_named_graphs=tuple(graphs["named"]),
                      has_service=any(node.name == "ServiceGraphPattern"
                                      for node in _nodes(query)))


def _is_update(text: str) -> bool:
    try:
        with _PARSER:
            parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _found(exc: ParseBaseException) -> str:
    rest = exc.line[exc.col - 1:exc.col + 19] if exc.line else ""
    return repr(rest) if rest else "the end of the query"


def _nodes(tree: object) -> Iterator[CompValue]:
    """Every grammar node of a parse tree, walked without recursion (trees can be deep)."""
    stack, seen = [tree], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # pyparsing lists a named token twice: by position and by name
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, ParseResults):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
