"""The read-only guard: what a public query may do, decided on the parsed query.

Every engine we serve from runs `SERVICE` (an outbound HTTP call) and some fetch `FROM <url>`,
so the guard refuses SERVICE and any update before the query reaches a store, and hands the
store a dataset in which every graph it does not hold is swapped for an empty one. It reads the
query with rdflib's SPARQL parser, whatever the backend, never with a regex on the text, except
to tell that a text cannot hold SERVICE, a dataset or a GRAPH pattern at all (`_screened`): a
text that could is parsed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from pyparsing import ParseBaseException, ParseResults
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.parser import expandUnicodeEscapes_re, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Prologue

from kg.sparql_text import form_after_prologue
from kg.store import QuerySyntaxError

READ_ONLY = "This endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, " \
            "ADD, MOVE, COPY) are not accepted."


# rdflib's grammar is one shared pyparsing object, and pyparsing is not thread-safe: two
# threads parsing at once on a fresh grammar corrupt its parse actions for good (every later
# parse raises TypeError). The server is multi-threaded, so parses take turns.
PARSER_LOCK = threading.Lock()


class QueryRefused(ValueError):
    """The query parses but asks for something a public endpoint does not do."""


@dataclass(frozen=True)
class QueryFacts:
    """What the guard needs to know about a query, read once from its parse tree."""

    form: str
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    has_service: bool
    # What each GRAPH pattern names, anywhere (subqueries, EXISTS too): an IRI, or None for
    # a variable (any named graph of the dataset).
    graph_terms: tuple[str | None, ...] = ()


# A graph name no store holds: a graph the query names that the store lacks is swapped for it,
# so it reads as empty (as SPARQL has it) and no engine ever tries to fetch the name.
EMPTY_GRAPH = "urn:x-remedy-kg:empty"
# A scheme, then no character that RFC 3987 leaves out of an IRI.
ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|\\^`]*$')


@dataclass(frozen=True)
class CheckedQuery:
    """A query the guard let through, with the dataset to run it on.

    Empty graph lists mean the union of the store's graphs (the query names none); otherwise
    they are the dataset the query or the protocol names, to be passed as protocol parameters.
    """

    facts: QueryFacts
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    unheld: tuple[str, ...] = ()  # graphs named that the store does not hold, read as empty

    @property
    def form(self) -> str:
        return self.facts.form

    @property
    def reads_default_graph_only(self) -> bool:
        """No dataset named (FROM, FROM NAMED, protocol) and no GRAPH pattern anywhere: the
        query sees the default graph, the union of the served graphs, and no other."""
        return not (self.default_graph_uris or self.named_graph_uris or self.facts.graph_terms)

    def can_read(self, graph: str) -> bool:
        """Whether the query may see `graph`: named in its dataset, or reachable by a GRAPH
        pattern (a variable, or that graph's IRI) when the dataset leaves the named graphs open
        (every graph the store holds). The default graph a query names none for is the union
        of the curated graphs, which holds no graph APART (kg.namespaces), so it answers False
        there for those. A graph named but not held yet (read as empty) counts: a write may
        create it."""
        if graph in self.default_graph_uris or graph in self.named_graph_uris \
                or graph in self.unheld:
            return True
        if self.named_graph_uris:
            return False
        return any(term is None or term == graph for term in self.facts.graph_terms)


def check_query(
    text: str,
    graph_names: Callable[[], Collection[str]],
    default_graph_uris: Sequence[str] = (),
    named_graph_uris: Sequence[str] = (),
    base_iri: str | None = None,
    parse: Parse | None = None,
) -> CheckedQuery:
    """Refuse updates and SERVICE; read graphs the store does not hold as empty graphs.

    Raises QueryRefused for what is not allowed and QuerySyntaxError for what does not parse.
    `base_iri` resolves relative IRIs (in FROM clauses too). `graph_names` is asked only when
    the query names graphs: on a remote engine it is a round trip, which most queries need not
    pay. `parse` reads a text the screen cannot (query_facts).
    """
    facts = query_facts(text, base_iri, parse)
    if facts.has_service:
        raise QueryRefused("SERVICE is not allowed: this endpoint does not call other "
                           "endpoints (federated queries are refused in every form).")
    for how, iris in (("default-graph-uri", default_graph_uris),
                      ("named-graph-uri", named_graph_uris)):
        for iri in iris:
            if not ABSOLUTE_IRI.match(iri):
                raise QueryRefused(f"{how} {iri!r} is not an absolute IRI.")
    protocol = bool(default_graph_uris or named_graph_uris)
    if protocol:  # the protocol's dataset overrides the query's FROM clauses
        defaults, named = list(default_graph_uris), list(named_graph_uris)
    else:
        defaults, named = list(facts.from_graphs), list(facts.from_named_graphs)
    if not defaults and not named:
        return CheckedQuery(facts)
    held = set(graph_names())
    unheld = tuple(dict.fromkeys(iri for iri in defaults + named if iri not in held))
    # Hand the store the whole dataset, every unheld graph swapped for the empty one: as
    # protocol parameters it overrides the query's FROM, so no name reaches a loader (and
    # the embedded store, which otherwise answers over the union, honours FROM).
    swapped_defaults = _swap(defaults, held)
    swapped_named = _swap(named, held)
    if not protocol:
        # FROM without FROM NAMED means no named graphs, and the reverse an empty default
        # graph; an empty list here would mean "all graphs" to the store.
        swapped_defaults = swapped_defaults or (EMPTY_GRAPH,)
        swapped_named = swapped_named or (EMPTY_GRAPH,)
    return CheckedQuery(facts, swapped_defaults, swapped_named, unheld)


def _swap(iris: list[str], held: set[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(iri if iri in held else EMPTY_GRAPH for iri in iris))


# Deeper brackets than this are parsed, so that the parser's refusal of a query nested too deeply
# (rdflib gives up near 100) holds for screened texts too, and no engine sees one.
SCREENED_DEPTH = 32
_LINES = re.compile(r"\r\n|\r|\n")
_COMMENT_LINE = re.compile(r"[ \t]*#")
_NOT_BRACKETS = re.compile(r"[^(){}\[\]]+")
# Every keyword of the facts besides the form: SERVICE, FROM (NAMED), GRAPH.
_FACT_WORDS = ("service", "from", "graph")


Parse = Callable[[str, str | None], QueryFacts]
"""Reads the facts of a text the screen cannot: `parsed_facts`, here or in another process."""


def query_facts(text: str, base_iri: str | None = None, parse: Parse | None = None) -> QueryFacts:
    """Screened, or parsed by `parse` (in this process under PARSER_LOCK when None)."""
    return _facts(text, base_iri, parse or parsed_facts)


@lru_cache(maxsize=512)
def _facts(text: str, base_iri: str | None, parse: Parse) -> QueryFacts:
    # Once per distinct text: clients repeat queries.
    return _screened(text) or parse(text, base_iri)


def _screened(text: str) -> QueryFacts | None:
    """The facts of a query that cannot name SERVICE, a dataset or a GRAPH pattern, without
    parsing it (rdflib's parse took 13 ms on a canned question, the query itself 1 ms); None
    when the text might hold one, or its form is not plain from its prologue.

    Sound because it looks for the keywords as bare letters anywhere outside whole comment
    lines: in strings, IRIs, names and trailing comments too (those texts are parsed). A line
    whose first mark is '#' is a comment, as no IRI and no short string spans lines, in a
    text without long strings; one with them keeps its comment lines, as a long string may
    end on such a line with code after it (BIND('''x<LF># ''' AS ?y) SERVICE ... passed the
    screen, and Oxigraph called out). Escapes (\\u0053ERVICE is SERVICE: SPARQL unescapes before
    it parses) and letters outside ASCII (case folding) send the text to the parser. A screened
    text is not checked for syntax: the engine that runs it refuses what it cannot parse.
    """
    if not text.isascii() or "\\" in text:
        return None
    lines = _LINES.split(text)
    if "'''" not in text and '"""' not in text:
        lines = [line for line in lines if not _COMMENT_LINE.match(line)]
    code = "\n".join(lines)
    lowered = code.lower()
    if any(word in lowered for word in _FACT_WORDS) or _depth(code) > SCREENED_DEPTH \
            or _chain_marks(lowered) > MAX_CHAIN:
        return None
    form = form_after_prologue(code)
    if form is None:
        return None
    return QueryFacts(form=form, from_graphs=(), from_named_graphs=(), has_service=False)


# The engines nest one level of their recursion per link of a chain (a + b + c is (a + b) + c):
# 8,000 links of '+' (24 kB) overflowed Oxigraph's stack, which killed a query worker and an
# Oxigraph server. A chain of more links than this is refused; 6,500 did not crash.
MAX_CHAIN = 2_000
# The list of links in a chain's parse node; a group's parts nest too, but for its triples and
# filters, which the engines keep flat.
_CHAINS = {"AdditiveExpression": "other", "MultiplicativeExpression": "other",
           "ConditionalOrExpression": "other", "ConditionalAndExpression": "other",
           "GroupOrUnionGraphPattern": "graph", "PathSequence": "part", "PathAlternative": "part",
           "GroupGraphPatternSub": "part"}
_FLAT_PARTS = frozenset({"TriplesBlock", "Filter"})
# At least one of these marks every link of a chain: an operator, a '{' (a group, OPTIONAL,
# MINUS, UNION, GRAPH, SERVICE, VALUES), or BIND. More of them than MAX_CHAIN sends a screened
# text to the parser, which counts the links themselves.
_LINK_MARKS = re.compile(r"[-+*/|&{]|bind")


def _chain_marks(lowered: str) -> int:
    return sum(1 for _ in _LINK_MARKS.finditer(lowered))


def _refuse_long_chains(nodes: list[CompValue]) -> None:
    for node in nodes:
        key = _CHAINS.get(node.name)
        links = dict.get(node, key) if key else None
        if not links:
            continue
        if node.name == "GroupGraphPatternSub":
            links = [part for part in links if getattr(part, "name", None) not in _FLAT_PARTS]
        if len(links) > MAX_CHAIN:
            raise QueryRefused(f"The query chains {len(links):,} terms or patterns in a row; "
                               f"the most this endpoint takes is {MAX_CHAIN:,} (the engine "
                               "nests one level per link). Split it, or use VALUES.")


def _depth(code: str) -> int:
    """The deepest bracket nesting, counting every bracket (in strings too: an over-count only
    sends the text to the parser)."""
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", code):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    return deepest


def parsed_facts(text: str, base_iri: str | None = None) -> QueryFacts:
    """The facts read from rdflib's parse tree. The parse takes turns on PARSER_LOCK and costs
    about 50 us a byte (a 55 kB text of triple patterns: 2.7 s, 2,000 '+': 16 s on a busy
    machine), so the server runs it in a query worker (web.query_runner), where the time
    limit stops it and no other request waits for the lock."""
    # rdflib's comments run to LF alone, the engines' to CR or LF: a comment ended by a bare CR
    # hid what followed it (a SERVICE) from the guard, and Oxigraph ran it. Read as the
    # engines read it; line breaks change no fact (no IRI or short string holds one).
    text = _engine_escapes(_LINES.sub("\n", text))
    try:
        with PARSER_LOCK:
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
        resolved = _prologue(prologue, base_iri)
        graphs: dict[str, list[str]] = {"default": [], "named": []}
        # CompValue.get resolves values and is lax about missing keys; ask the dict itself.
        for clause in dict.get(query, "datasetClause") or ():
            for key, iris in graphs.items():
                if key in clause:
                    iris.append(_absolute(clause[key], resolved))
    except Exception as exc:  # rdflib raises bare Exception for an unknown prefix
        raise QuerySyntaxError(f"error in the dataset clause: {exc}") from None
    nodes = list(_nodes(query))
    _refuse_long_chains(nodes)
    try:
        graph_terms = tuple(_graph_term(node, resolved) for node in nodes
                            if node.name == "GraphGraphPattern")
    except Exception as exc:  # as above: an unknown prefix in GRAPH pfx:name
        raise QuerySyntaxError(f"error in a GRAPH pattern: {exc}") from None
    return QueryFacts(form=query.name.removesuffix("Query").upper(),
                      from_graphs=tuple(graphs["default"]),
                      from_named_graphs=tuple(graphs["named"]),
                      has_service=any(node.name == "ServiceGraphPattern" for node in nodes),
                      graph_terms=graph_terms)


# An escape as the engine reads it (\\u and four hex digits, \\U and eight), or an escaped
# backslash, after which no escape starts.
_ENGINE_ESCAPE = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What may end, open or escape a string, an IRI, a comment or a name.
_TOKEN_MARKS = frozenset("\"'\\<>{}|^`") | frozenset(map(chr, range(0x21)))


def _engine_escapes(text: str) -> str:
    """The text with its escapes written as the characters they stand for, so that rdflib,
    which would otherwise expand them over the whole text before it reads a token, reads the
    tokens the engine reads.

    Oxigraph reads an escape as one character of the IRI or string it is in (elsewhere it is a
    syntax error); rdflib expanded "a\\u0022, '" to "a", ' and a string opened there hid a
    SERVICE from the guard that Oxigraph then called. rdflib also takes \\u with eight hex
    digits, and \\U with four: the engine does not. So an escape standing for a mark that
    ends, opens or escapes a token is refused, and so is a text in which rdflib would still
    find an escape once the engine's are expanded ("\\\\u0041", a backslash then u0041).
    """
    def expand(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code is None:
            return match.group()  # an escaped backslash
        point = int(code, 16)
        if point > 0x10FFFF:
            raise QuerySyntaxError(f"{match.group()} is not a Unicode code point.")
        if chr(point) in _TOKEN_MARKS:
            raise QueryRefused(f"The escape {match.group()} stands for a quote, bracket, "
                               f"backslash, space or control character; write it as itself "
                               f"(in a string, as \\\", \\', \\\\, \\n, \\r or \\t).")
        return chr(point)

    expanded = _ENGINE_ESCAPE.sub(expand, text)
    if left := expandUnicodeEscapes_re.search(expanded):
        raise QueryRefused(f"The text holds {left.group()!r} once its escapes are read, which "
                           f"this endpoint's parser would read as one more escape; a backslash "
                           f"before u and hex digits is not accepted.")
    return expanded


def _graph_term(node: CompValue, resolved: Prologue) -> str | None:
    term = dict.get(node, "term")
    return None if isinstance(term, Variable) else _absolute(term, resolved)


def _prologue(items: ParseResults, base_iri: str | None) -> Prologue:
    """The base and prefixes a query declares, each IRI resolved as the engine resolves it.

    rdflib's own (translatePrologue) takes a relative BASE as it is and leaves any IRI with a
    ':' unresolved: GRAPH <graph/x:y/../community> or BASE <graph/> ... GRAPH <community> read
    the community graph in Oxigraph while the guard named another, so the answer was kept
    (web.sparql caches what cannot read that graph) and went stale when the graph changed."""
    prologue = Prologue()
    prologue.base = base_iri or ""
    for item in items:
        if item.name == "Base":
            prologue.base = _resolve(str(item.iri), prologue.base)
        elif item.name == "PrefixDecl":
            prologue.bind(item.prefix, URIRef(_resolve(str(item.iri), prologue.base)))
    return prologue


def _absolute(term: object, prologue: Prologue) -> str:
    if isinstance(term, CompValue):  # a prefixed name: its namespace is resolved already
        return str(prologue.absolutize(term))
    return _resolve(str(term), prologue.base)


def _resolve(reference: str, base: str) -> str:
    """The IRI the engine reads for `reference` under `base`, asked of the engine itself:
    Python's urljoin drops an empty query, folds '//' and skips schemes it does not know, and
    rdflib leaves any IRI with a ':' as it is. An absolute IRI stays as written, as there.
    (`reference` is an IRIREF token's text: no '>' or space can end the query early.)"""
    if not base:
        return reference
    try:
        (row,) = ox.Store().query(f"SELECT (<{reference}> AS ?iri) {{}}", base_iri=base)
    except (SyntaxError, ValueError):
        # The engine's message would point into the one-row query above, not the user's.
        raise QuerySyntaxError(f"<{reference}> is not an IRI that resolves against "
                               f"<{base}>.") from None
    return row["iri"].value  # type: ignore[index]


def _is_update(text: str) -> bool:
    try:
        with PARSER_LOCK:
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
