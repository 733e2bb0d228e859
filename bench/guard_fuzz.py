"""The read-only guard against the engine: texts the guard lets through that Oxigraph runs with
a SERVICE call, a FROM / FROM NAMED dataset or a GRAPH pattern.

    .venv/bin/python bench/guard_fuzz.py [--seconds 120] [--seed 1] [--show 5]

Each candidate text is read twice. Oxigraph (pyoxigraph, in this process) runs it, under the
base BASE, on two stores that differ only by a quad in the graph kept apart (NAMED, as the
community graph is): once as written, and, when the guard lets it through, once as web.sparql
runs it (the guard's dataset, else the curated graph as the default graph). A SERVICE call is
seen by a listener on loopback that every candidate's SERVICE names (or an OSError from the
engine); a read of the graph kept apart by the two answers differing. The guard
(kg.query_guard) gives its verdict, and the screen (`_screened`) whether it would have read
the facts without a parse. A finding is a text the engine parses and that either

- calls out (SERVICE) while check_query lets it through,
- reads the named graph while check_query lets it through with no FROM, FROM NAMED or GRAPH,
- run as the app runs it, reads the graph kept apart while `can_read` says it cannot (the
  answer would be cached past that graph's next change),
- is screened while the engine calls out or reads a named graph, or
- makes the guard raise anything but its own refusals (a 500 at /sparql).

Candidates: the hand-written texts below (one class of lexical or grammatical difference each),
then a mutation fuzzer over them until `--seconds` run out (inserting pieces and whole tokens,
escaping characters, changing whitespace, comments and keyword case, deleting characters),
then for a quarter of that texts assembled at random from pieces around the screen. It
prints what it tried and found; it is not a test (the cases it finds become tests in
tests/test_query_guard.py).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.query_guard import CheckedQuery, QueryRefused, _screened, check_query  # noqa: E402
from kg.store import QuerySyntaxError  # noqa: E402

BASE = "https://example.org/kg/"
# The graph kept apart (the community graph): read only by a query that names it.
NAMED = f"{BASE}graph/apart"
CURATED = f"{BASE}graph/data"  # the default graph when a query names none
TRIPLE = "?s ?p ?o"


class Listener:
    """Counts the connections the engine makes to loopback: a SERVICE call, whatever it says."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}/"
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()


@dataclass(frozen=True)
class EngineReading:
    parses: bool
    calls_out: bool = False
    reads_named: bool = False  # run as written, on the store's own default graph
    app_reads_named: bool = False  # run as the app runs what the guard passed


class Engine:
    def __init__(self, listener: Listener):
        self.listener = listener
        self.plain, self.with_named = ox.Store(), ox.Store()
        s, p = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
        for store in (self.plain, self.with_named):
            store.add(ox.Quad(s, p, ox.Literal("d")))
            store.add(ox.Quad(s, p, ox.Literal("c"), ox.NamedNode(CURATED)))
        self.with_named.add(ox.Quad(s, p, ox.Literal("n"), ox.NamedNode(NAMED)))

    def read(self, text: str, checked: CheckedQuery | None) -> EngineReading:
        before = self.listener.accepted
        try:
            raw = self._differs(text, base_iri=BASE)
        except SyntaxError:
            return EngineReading(parses=False)
        except OSError:  # the SERVICE call failed: it was made
            return EngineReading(parses=True, calls_out=True)
        app = False
        if checked is not None:
            # As web.sparql runs it: the guard's dataset, else the curated graphs.
            options: dict[str, object] = {"default_graph": [
                ox.NamedNode(g) for g in checked.default_graph_uris or (CURATED,)]}
            if checked.named_graph_uris:
                options["named_graphs"] = [ox.NamedNode(g) for g in checked.named_graph_uris]
            with contextlib.suppress(SyntaxError, OSError):
                app = self._differs(text, base_iri=BASE, **options)
        return EngineReading(True, self.listener.accepted > before, raw, app)

    def _differs(self, text: str, **options: object) -> bool:
        """Whether the answer changes when the store holds the quad in the graph kept apart."""
        answers = []
        for store in (self.plain, self.with_named):
            try:
                answers.append(_answer(store.query(text, **options)))  # type: ignore[arg-type]
            except (SyntaxError, OSError):
                raise
            except Exception:  # noqa: BLE001 - evaluation errors: parsed, ran, failed
                answers.append(None)
        return answers[0] != answers[1]


def _answer(result: object) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return sorted(tuple(str(row[name]) for name in names) for row in result)
    return sorted(str(triple) for triple in result)  # type: ignore[attr-defined]


def guard_verdict(text: str) -> tuple[str, object]:
    """("service", ...) / ("refused", message) / ("syntax", message) / ("passed", CheckedQuery)
    / ("crash", exception)."""
    try:
        checked = check_query(text, lambda: [CURATED, NAMED], base_iri=BASE)
    except QueryRefused as exc:
        return ("service" if "SERVICE" in str(exc) else "refused"), str(exc)
    except QuerySyntaxError as exc:
        return "syntax", str(exc)
    except Exception as exc:  # noqa: BLE001 - that is the finding
        return "crash", f"{type(exc).__name__}: {exc}"
    return "passed", checked


def findings_for(text: str, engine: Engine) -> tuple[EngineReading, str, list[str]]:
    verdict, detail = guard_verdict(text)
    checked = detail if isinstance(detail, CheckedQuery) else None
    reading = engine.read(text, checked)
    found = []
    if verdict == "crash":
        found.append(f"guard crashed ({str(detail).split(':')[0]})")
    if reading.parses and checked is not None:
        facts = checked.facts
        if reading.calls_out:
            found.append("SERVICE called, guard passed it")
        if reading.reads_named and not (facts.from_graphs or facts.from_named_graphs
                                        or facts.graph_terms):
            found.append("named graph read, guard saw no FROM/GRAPH")
        if reading.app_reads_named and not checked.can_read(NAMED):
            found.append("run as the app runs it, reads the graph the guard says it cannot")
    if reading.parses and (reading.calls_out or reading.reads_named) and _screened(text):
        found.append("screened, yet the engine calls out or reads a named graph")
    return reading, verdict, found


def hand_written(url: str) -> dict[str, list[str]]:
    """Texts, one list per class of difference between rdflib's reading and Oxigraph's."""
    service = f"SERVICE <{url}> {{ {TRIPLE} }}"
    graph = f"GRAPH ?g {{ {TRIPLE} }}"
    hidden = [service, graph, f"SERVICE ?e {{ {TRIPLE} }} VALUES ?e {{ <{url}> }}"]
    cases: dict[str, list[str]] = {}
    cases["plain (must be refused or named)"] = [
        f"SELECT * WHERE {{ {service} }}", f"SELECT * WHERE {{ {graph} }}",
        f"SELECT * FROM <{NAMED}> WHERE {{ {TRIPLE} }}",
        f"SELECT * FROM NAMED <{NAMED}> WHERE {{ {graph} }}",
        f"ASK FROM <{NAMED}> {{ {TRIPLE} }}", f"DESCRIBE ?s FROM <{NAMED}> WHERE {{ {TRIPLE} }}",
        f"CONSTRUCT FROM <{NAMED}> WHERE {{ {TRIPLE} }}",
        f"CONSTRUCT {{ {TRIPLE} }} FROM <{NAMED}> WHERE {{ {TRIPLE} }}",
    ]
    escapes = []
    for pattern in hidden:
        for quote, other in (('"', "'"), ("'", '"')):
            code = f"\\u{ord(quote):04x}"
            for esc in (code, code.upper().replace("\\U", "\\u"), f"\\U{ord(quote):08x}",
                        f"\\u0000{ord(quote):04x}", f"\\U{ord(quote):04x}"):
                escapes.append(f"SELECT * WHERE {{ OPTIONAL {{ ?s ?p {quote}a{esc}, {other}"
                               f"{quote} }} {pattern} # {other} }}\n}}")
                escapes.append(f"SELECT * WHERE {{ ?s ?p {quote}a{esc}, {other}{quote} . "
                               f"{pattern} # {other}\n}}")
        escapes.append(f"SELECT * WHERE {{ BIND('''a\\u0027''' AS ?x) {pattern} "
                       f"BIND('''b''' AS ?y) }}")
        escapes.append(f"SELECT * WHERE {{ # a\\u000a{pattern}\n}}")
        escapes.append(f"SELECT * WHERE {{ # a\\u000d{pattern}\n}}")
        escapes.append(f"SELECT * WHERE {{ ?s ?p \"\\\\u0022, '\" . {pattern} # '\n}}")
    escapes.append(f"SELECT * FROM <urn:x\\u003e, '> WHERE {{ {TRIPLE} }} # '\n")
    escapes.append(f"SELECT * WHERE {{ ?s ?p <urn:a\\u003e, '> . {service} # '\n}}")
    escapes.append('SELECT * WHERE { ?s ?p "\\u00410042" }')
    escapes.append('SELECT * WHERE { ?s ?p "\\uD800" }')
    cases["unicode escapes"] = escapes
    lines = []
    for end in ("\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x00"):
        for pattern in hidden:
            lines.append(f"SELECT * WHERE {{ # note{end}{pattern}\n}}")
            lines.append(f"SELECT * WHERE {{ ?s ?p 'x' #{end}. {pattern} }}")
            lines.append(f"SELECT * WHERE {{{end}{pattern}{end}}}")
        lines.append(f"SELECT *{end}FROM <{NAMED}> WHERE {{ {TRIPLE} }}")
        lines.append(f"# x{end}SELECT * FROM <{NAMED}> WHERE {{ {TRIPLE} }}")
    cases["line ends and whitespace"] = lines
    # The screen drops lines that start with '#': a long string may end on one, code after.
    long_strings = []
    for pattern in hidden:
        for quote in ("'''", '"""'):
            for end in ("\n", "\r", "\r\n"):
                for mark in ("#", " #", "\t# x "):
                    long_strings += [
                        f"SELECT * WHERE {{ BIND({quote}x{end}{mark}{quote} AS ?y) {pattern} }}",
                        f"SELECT * WHERE {{ BIND({quote}x{end}{mark}{quote} AS ?y){end}"
                        f"{pattern} }}",
                        f"SELECT * WHERE {{ ?s ?p {quote}{end}{mark}{quote} . {pattern} }}",
                        f"SELECT * WHERE {{ ?s ?p {quote}{end}{mark}{end}{mark}{quote}, 1 . "
                        f"{pattern} }}"]
        long_strings.append(f"SELECT * FROM <{NAMED}> WHERE {{ ?s ?p '''x\n#''' }}")
    cases["long strings and comment lines"] = long_strings
    names = []
    for pattern in hidden:
        commented = pattern.replace(" ", "#x\n", 1)
        behind_less = pattern.replace(" ", "#>\n", 1)
        names += [f"PREFIX ex: <urn:ex:> SELECT * WHERE {{ ?s ?p ex:#\n{pattern} }}",
                  f"PREFIX ex: <urn:ex:> SELECT * WHERE {{ ?s ex:#\n{pattern} }}",
                  f"PREFIX ex: <urn:ex:> SELECT * WHERE {{ ?s ?p ex:a.{pattern} }}",
                  f"PREFIX ex: <urn:ex:> SELECT * WHERE {{ ?s ?p ex:a\\.{pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o.{pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p 1.{pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o . {pattern.replace(' ', '$', 1)} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o . {commented} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o . {pattern.lower()} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o . {pattern.title()} }}",
                  f"SELECT * WHERE {{ ?s a ?o . {pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p -#\n1 . {pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<?s){pattern} }}",
                  f"SELECT * WHERE {{ BIND(1 AS ?a) FILTER(?a<?b){behind_less} }}",
                  f"SELECT * WHERE {{ ?s ?p \"x\"@en.{pattern} }}",
                  f"SELECT * WHERE {{ ?s ?p \"x\"^^<urn:t>.{pattern} }}"]
    # Oxigraph reads a keyword glued to the name after it (SERVICEp:x is SERVICE p:x).
    glued = f"PREFIX p: <{url}> PREFIX SERVICEp: <urn:> PREFIX GRAPHp: <urn:> "
    names += [f"{glued}SELECT * WHERE {{ SERVICEp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ {TRIPLE} . SERVICEp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ {TRIPLE} SERVICEp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ ?s ?p SERVICEp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ FILTER SERVICEp:x(?o) {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ SERVICESILENTp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ GRAPHp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * WHERE {{ ?s ?p GRAPHp:x {{ {TRIPLE} }} }}",
              f"{glued}SELECT * FROMp:x WHERE {{ {TRIPLE} }}",
              f"SELECT * FROMNAMED<{NAMED}> WHERE {{ GRAPH ?g {{ {TRIPLE} }} }}",
              f"SELECT * FROM<{NAMED}>WHERE{{ {TRIPLE} }}",
              f"SELECT * WHERE {{ FILTER NOTEXISTS {{ SERVICE <{url}> {{ {TRIPLE} }} }} }}"]
    cases["names, keywords, numbers, operators"] = names
    nesting = []
    for pattern in hidden:
        for wrap in ("{{ {} }}", "OPTIONAL {{ {} }}", "MINUS {{ {} }}", "{{ }} UNION {{ {} }}",
                     "FILTER EXISTS {{ {} }}", "FILTER NOT EXISTS {{ {} }}",
                     "BIND(EXISTS {{ {} }} AS ?b)", "{{ SELECT * WHERE {{ {} }} }}",
                     "{{ SELECT (EXISTS {{ {} }} AS ?b) WHERE {{}} }}",
                     "FILTER(IF(EXISTS {{ {} }}, true, true))",
                     "FILTER(COALESCE(EXISTS {{ {} }}))", "FILTER(EXISTS {{ {} }} IN (true))"):
            nesting.append(f"SELECT * WHERE {{ {wrap.format(pattern)} }}")
        nesting += [f"SELECT (EXISTS {{ {pattern} }} AS ?b) WHERE {{}}",
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ {TRIPLE} }} GROUP BY ?s "
                    f"HAVING (EXISTS {{ {pattern} }})",
                    f"SELECT ?s WHERE {{ {TRIPLE} }} ORDER BY (EXISTS {{ {pattern} }})",
                    f"SELECT ?s WHERE {{ {TRIPLE} }} GROUP BY (EXISTS {{ {pattern} }})",
                    f"SELECT (SAMPLE(EXISTS {{ {pattern} }}) AS ?x) WHERE {{ {TRIPLE} }}",
                    f"CONSTRUCT WHERE {{ {pattern} }}",
                    f"DESCRIBE ?s WHERE {{ {pattern} }}",
                    f"ASK {{ {pattern} }}",
                    "SELECT * WHERE " + "{ " * 30 + pattern + " }" * 30]
    cases["nesting and expressions"] = nesting
    prologue = [f"BASE <urn:x> PREFIX : <{url}> SELECT * WHERE {{ SERVICE : {{ {TRIPLE} }} }}",
                f"PREFIX p:<{BASE}graph/>SELECT*FROM p:apart{{{TRIPLE}}}",
                f"select*from<{NAMED}>{{{TRIPLE}}}"]
    # Relative IRIs, resolved against the base the app passes, BASE, and PREFIX: each names
    # the graph kept apart in the engine's reading (RFC 3986).
    relative = ["graph/apart", "./graph/apart", "graph/x:y/../apart", "./x:y/../graph/apart",
                "graph/./apart", "graph/../graph/apart", "//example.org/kg/graph/apart",
                "/kg/graph/apart", "graph/apart?", ".//graph/apart", "graph/apart/.",
                "graph/apart#", "x/../graph/apart", "a:b/../graph/apart"]
    for rel in relative:
        prologue += [f"SELECT * WHERE {{ GRAPH <{rel}> {{ {TRIPLE} }} }}",
                     f"SELECT * FROM <{rel}> WHERE {{ {TRIPLE} }}",
                     f"SELECT * FROM NAMED <{rel}> WHERE {{ GRAPH ?g {{ {TRIPLE} }} }}",
                     f"PREFIX p: <{rel}> SELECT * WHERE {{ GRAPH p: {{ {TRIPLE} }} }}"]
    for base, rel in (("graph/", "apart"), ("graph/x:y/../", "apart"), ("./graph/", "./apart"),
                      ("x:y/../graph/", "apart"), ("graph", "graph/apart"),
                      ("urn:x", NAMED), ("graph/#", "apart"), ("?q", "graph/apart")):
        graph, via_prefix = f"GRAPH <{rel}> {{ {TRIPLE} }}", f"GRAPH p: {{ {TRIPLE} }}"
        prologue += [f"BASE <{base}> SELECT * WHERE {{ {graph} }}",
                     f"BASE <{base}> SELECT * FROM <{rel}> WHERE {{ {TRIPLE} }}",
                     f"BASE <{base}> PREFIX p: <{rel}> SELECT * WHERE {{ {via_prefix} }}",
                     f"BASE <{base}> BASE <{base}> SELECT * WHERE {{ {graph} }}",
                     f"PREFIX p: <{rel}> BASE <{base}> SELECT * WHERE {{ {via_prefix} }}"]
    # Prefixes declared twice, two prefixes for one namespace, rdflib's own bindings.
    graph_ns, other = f"<{BASE}graph/>", "<urn:x/>"
    for decls, pname in ((f"p: {other} PREFIX p: {graph_ns}", "p:apart"),
                         (f"p: {graph_ns} PREFIX p: {other}", "p:apart"),
                         (f"p: {graph_ns} PREFIX q: {graph_ns}", "q:apart"),
                         (f"p: {graph_ns} PREFIX q: {graph_ns}", "p:apart"),
                         (f"q: {graph_ns} PREFIX p: {graph_ns} PREFIX q: {other}", "p:apart"),
                         (f"rdf: {graph_ns}", "rdf:apart"), (f"xml: {graph_ns}", "xml:apart"),
                         (f"owl: {graph_ns}", "owl:apart"), (f"xsd: {graph_ns}", "xsd:apart"),
                         (f"schema: {graph_ns}", "schema:apart"), (f": {graph_ns}", ":apart"),
                         (f"rdfs: {graph_ns} PREFIX x: <{BASE}graph/apart>", "x:"),
                         (f"p: <{BASE}graph/apart#> PREFIX q: <{BASE}graph/>", "q:apart")):
        prologue += [f"PREFIX {decls} SELECT * WHERE {{ GRAPH {pname} {{ {TRIPLE} }} }}",
                     f"PREFIX {decls} SELECT * FROM {pname} WHERE {{ {TRIPLE} }}",
                     f"PREFIX {decls} SELECT * FROM NAMED {pname} WHERE "
                     f"{{ GRAPH ?g {{ {TRIPLE} }} }}"]
    for pname in ("p:apart", "p:x/../apart", "p:./apart", "p:%61part", "p:ap\\.art"):
        prologue += [f"PREFIX p: <graph/> SELECT * WHERE {{ GRAPH {pname} {{ {TRIPLE} }} }}",
                     f"PREFIX p: <graph/> SELECT * FROM {pname} WHERE {{ {TRIPLE} }}"]
    cases["prologue and names of graphs"] = prologue
    return cases


# -- the mutation fuzzer

PIECES = ["\\u0022", "\\u0027", "\\u000a", "\\u000d", "\\u0023", "\\u003c", "\\u003e",
          "\\u005c", "\\U00000022", "\\u00000027", "#", "# '", '# "', "\n", "\r", "\r\n", "\t",
          "'", '"', "'''", '"""', "<", ">", "\\", ".", ";", ",", "(", ")", "{", "}", "[", "]",
          "ex:", "ex:#\n", "a", "$", "?", "-", "+", "^^", "@en", " ", "\x00", "\x0b", "\x0c",
          "\u2028", "\x85", "\\.", "%41", "_:b", "<<", ">>", "{|", "|}", "~"]
# Whole tokens, inserted between tokens: grammar rather than lexis.
TOKENS = ["OPTIONAL {", "UNION {", "MINUS {", "FILTER(", "FILTER EXISTS {", "BIND(", "AS ?z)",
          "VALUES ?z {", "SELECT * WHERE {", "{", "}", "(", ")", ".", ";", ",", "a", "?z",
          "<urn:z>", "ex:z", "_:z", "[]", "()", "1", "-1", "1.5", "1e1", "true", "'z'", '"z"',
          "'" * 3 + "z" + "'" * 3, '"z"@en', "'z'^^<urn:t>", "<<", ">>", "<<(", ")>>", "{|",
          "|}", "~", "SILENT", "NAMED", "GRAPH", "SERVICE", "FROM", "DISTINCT", "LIMIT 1",
          "ORDER BY", "GROUP BY", "HAVING(", "*", "/", "|", "^", "!", "?", "+", "<", ">", "<=",
          "=", "&&"]
WHITESPACE = [" ", "\t", "\n", "\r", "\r\n", "  ", "#c\n", "#c\r", "\x0b", "\x0c", "\x00",
              "\u00a0", "\u2028"]


def mutate(text: str, rng: random.Random) -> str:
    choice = rng.randrange(7)
    position = rng.randrange(len(text) + 1)
    if choice == 0:  # insert a piece
        return text[:position] + rng.choice(PIECES) + text[position:]
    if choice == 1 and position < len(text):  # escape one character, some way
        char = text[position]
        code = ord(char)
        escape = rng.choice([f"\\u{code:04x}", f"\\u{code:04X}", f"\\U{code:08x}",
                             f"\\u0000{code:04x}", f"\\U{code:04x}"])
        return text[:position] + escape + text[position + 1:]
    if choice == 2:  # one whitespace run replaced by another
        spaces = [i for i, c in enumerate(text) if c == " "]
        if spaces:
            i = rng.choice(spaces)
            return text[:i] + rng.choice(WHITESPACE) + text[i + 1:]
    if choice == 3:  # a keyword's case
        for word in ("SERVICE", "GRAPH", "FROM", "NAMED", "SELECT", "WHERE"):
            if word in text:
                spelled = "".join(c.lower() if rng.random() < 0.5 else c for c in word)
                return text.replace(word, spelled, 1)
    if choice == 5:  # a token between two others
        spaces = [i for i, c in enumerate(text) if c == " "]
        if spaces:
            i = rng.choice(spaces)
            return f"{text[:i]} {rng.choice(TOKENS)} {text[i + 1:]}"
    if choice == 4 and position < len(text):  # delete a character
        return text[:position] + text[position + 1:]
    # a comment ended some way, with a piece inside
    end = rng.choice(["\n", "\r", "\r\n", "\\u000a", "\\u000d"])
    return text[:position] + "#" + rng.choice(PIECES) + end + text[position:]


def fuzzed(seeds: list[str], rng: random.Random) -> Iterator[str]:
    while True:
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            text = mutate(text, rng)
        yield text


def assembled(url: str, rng: random.Random) -> Iterator[str]:
    """Texts put together from pieces around the screen's reading: comment lines, long and
    short strings, line ends, with the words it looks for inside and outside them."""
    pieces = ["\n#", "\r#", "\r\n#", "\n  #", "\n", "\r", " # ", "'''", '"""', "'", '"', "<",
              ">", f"SERVICE <{url}> {{ {TRIPLE} }}", f"GRAPH ?g {{ {TRIPLE} }}", "BIND(",
              " AS ?y)", "?s ?p ", ".", ",", "x", "{", "}", "(", ")", f"FROM <{NAMED}>"]
    while True:
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 9)))
        if rng.random() < 0.5:
            yield f"SELECT * WHERE {{ {body} }}"
        else:
            yield f"SELECT * {body} WHERE {{ {TRIPLE} }}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5, help="findings shown per kind")
    args = parser.parse_args()
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # its warnings on odd IRIs
    listener = Listener()
    engine = Engine(listener)
    tally: Counter[str] = Counter()
    found: dict[str, list[str]] = {}

    def run(text: str, source: str) -> None:
        reading, verdict, kinds = findings_for(text, engine)
        tally[f"{source}: tried"] += 1
        if reading.parses:
            tally[f"{source}: engine parses"] += 1
            tally[f"{source}: guard {verdict}"] += 1
            if reading.calls_out:
                tally[f"{source}: engine calls out"] += 1
            if reading.reads_named:
                tally[f"{source}: engine reads the named graph"] += 1
            if _screened(text):
                tally[f"{source}: screened"] += 1
        for kind in kinds:
            found.setdefault(kind, []).append(text)

    for name, texts in hand_written(listener.url).items():
        before = sum(len(v) for v in found.values())
        for text in texts:
            run(text, "hand")
        after = sum(len(v) for v in found.values())
        print(f"hand-written, {name}: {len(texts)} texts, {after - before} findings")
    seeds = [t for texts in hand_written(listener.url).values() for t in texts]
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.seconds
    for text in fuzzed(seeds, rng):
        if time.monotonic() > deadline:
            break
        run(text, "fuzz")
    deadline = time.monotonic() + args.seconds / 4
    for text in assembled(listener.url, rng):
        if time.monotonic() > deadline:
            break
        run(text, "assembled")
    print()
    for key in sorted(tally):
        print(f"{key}: {tally[key]}")
    print()
    if not found:
        print("no findings")
    for kind, texts in sorted(found.items()):
        unique = list(dict.fromkeys(texts))
        print(f"FINDING {kind}: {len(unique)} texts; the shortest:")
        for text in sorted(unique, key=len)[:args.show]:
            print(f"  {text!r}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
