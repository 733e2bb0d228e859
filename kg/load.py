"""Parse RDF files; a syntax error names the file and line, and nothing is loaded."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.util import guess_format

from kg.namespaces import PREFIXES
from kg.store.oxigraph import to_rdflib

# Syntaxes that cannot name other documents: JSON-LD would fetch a remote @context and
# RDF/XML can declare external entities, so a data file could make the build call out.
SELF_CONTAINED = {"turtle", "trig", "nt", "nquads"}

# Characters XML 1.0 cannot carry (so RDF/XML exports could not round-trip them), CR (which
# XML turns into LF), and lone surrogates (no encoding can carry them): never in a literal.
UNEXPORTABLE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\([rbf])")
ECHARS = {"r": 0x0D, "b": 0x08, "f": 0x0C}
# What in a file's bytes could put an UNEXPORTABLE character in a literal: the raw characters
# (CR as well, so a CRLF file is read the careful way), U+FFFE and U+FFFF in UTF-8, and escapes
# (each checked). The raw control bytes are what `translate` leaves once it has deleted every
# other byte: 0.08 s of CPU for the 41 MB of the 1M data files, where a regular expression
# that tried a character class at each byte took 0.59 s.
_RAW_CONTROL = bytes(range(0x00, 0x09)) + bytes(range(0x0B, 0x20))
_NOT_RAW_CONTROL = bytes(b for b in range(256) if b not in _RAW_CONTROL)
_RAW_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_ESCAPE_BYTES = re.compile(ESCAPE.pattern.encode())


@dataclass(frozen=True)
class SyntaxProblem:
    """One file that did not parse."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class LoadError(Exception):
    """One or more files did not parse; nothing was loaded."""

    def __init__(self, problems: list[SyntaxProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound, for readable output."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    return graph


def _same(quad: ox.Quad) -> ox.Quad:
    return quad


# Triple syntaxes that pyoxigraph's streaming parser reads first (see _parse_fast).
FAST = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def parse_file(path: Path, into: Graph | None = None) -> Graph:
    """Parse one file into a graph; raises LoadError naming the file and line."""
    graph = into if into is not None else new_graph()
    fmt = guess_format(str(path)) or "turtle"
    if fmt not in SELF_CONTAINED:
        raise LoadError([SyntaxProblem(
            path, None, f"{fmt} input is not accepted: data files are Turtle (.ttl), TriG, "
                        "N-Triples or N-Quads, which cannot make the build fetch a URL")])
    if fmt in FAST and _parse_fast(path, FAST[fmt], graph):
        return graph
    try:
        # Parse into a scratch graph first so a failing file adds nothing to `into`.
        scratch = Graph()
        scratch.parse(path, format=fmt)
    except BadSyntax as exc:
        raise LoadError([SyntaxProblem(path, exc.lines + 1, f"bad syntax: {exc._why}")]) from exc
    except FileNotFoundError as exc:
        raise LoadError([SyntaxProblem(path, None, "no such file")]) from exc
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None) or getattr(exc, "lines", None)
        raise LoadError([SyntaxProblem(path, line, f"cannot parse as {fmt}: {exc}")]) from exc
    except Exception as exc:  # noqa: BLE001 - parsers raise their own types
        line = getattr(exc, "lineno", None) or getattr(exc, "getLineNumber", lambda: None)()
        raise LoadError([SyntaxProblem(path, line, f"cannot parse as {fmt}: {exc}")]) from exc
    _check_literals(path, scratch)
    graph += scratch
    return graph


def _parse_fast(path: Path, fmt: ox.RdfFormat, graph: Graph) -> bool:
    """Parse with pyoxigraph's parser, about ten times faster than rdflib's; False if it
    refuses the file, so that rdflib parses it again and the error reads as it always has
    (and a file only rdflib accepts still loads, as it did)."""
    try:
        # Fresh blank node ids per file, as rdflib gives: `_:x` in two files is two nodes.
        quads = list(ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                              rename_blank_nodes=True))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return False
    except FileNotFoundError as exc:
        raise LoadError([SyntaxProblem(path, None, "no such file")]) from exc
    for quad in quads:
        if isinstance(quad.object, ox.Literal) and (
                found := UNEXPORTABLE.search(quad.object.value)):
            raise _unexportable(path, ord(found.group()))
    graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph)
               for q in quads)
    return True


def load_into(store: ox.Store, path: Path, graph: ox.NamedNode,
              convert: Callable[[ox.Quad], ox.Quad] = _same,
              converts: Callable[[bytes], bool] | None = None) -> None:
    """Add one file's triples to a named graph of a pyoxigraph store, streamed, with no rdflib
    graph in between: the build's staging store. Raises LoadError naming the file and line;
    a file that fails adds nothing (`extend` and `load` are one transaction each).

    A file that `convert` cannot change (`converts(text)` is false, or there is no `convert`)
    and whose literals cannot hold an unexportable character is read by the engine's own
    loader: 4.7 s instead of 11-14 s for 1M triples, all of it spent in Python looking at each
    quad. Either way blank nodes get fresh names per file."""
    fmt = guess_format(str(path)) or "turtle"
    if fmt in FAST:
        try:
            text = path.read_bytes()
            if ((convert is _same or (converts is not None and not converts(text)))
                    and not _may_hold_unexportable(text)):
                store.load(text, format=FAST[fmt], base_iri=path.resolve().as_uri(),
                           to_graph=graph)
                return
            store.extend(convert(q) for q in _checked_quads(path, FAST[fmt], graph))
            return
        except (SyntaxError, ValueError, UnicodeDecodeError):
            pass  # rdflib parses it again, for the message it has always given (or accepts it)
        except FileNotFoundError as exc:
            raise LoadError([SyntaxProblem(path, None, "no such file")]) from exc
    parsed = parse_file(path)
    store.extend(convert(ox.Quad(q.subject, q.predicate, q.object, graph)) for q in ox.parse(
        parsed.serialize(format="nt11", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
        rename_blank_nodes=True))


def _may_hold_unexportable(text: bytes) -> bool:
    if text.translate(None, _NOT_RAW_CONTROL) or any(c in text for c in _RAW_NONCHARACTERS):
        return True
    for match in _ESCAPE_BYTES.finditer(text):
        code = (ECHARS[match.group(3).decode()] if match.group(3)
                else int(match.group(1) or match.group(2), 16))
        if code > 0x10FFFF or UNEXPORTABLE.match(chr(code)):
            return True
    return False


def _checked_quads(path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    # Fresh blank node ids per file, as rdflib gives: `_:x` in two files is two nodes.
    for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri(),
                         rename_blank_nodes=True):
        o = quad.object
        if isinstance(o, ox.Literal) and (found := UNEXPORTABLE.search(o.value)):
            raise _unexportable(path, ord(found.group()))
        yield ox.Quad(quad.subject, quad.predicate, o, graph)


def _check_literals(path: Path, graph: Graph) -> None:
    for literal in graph.objects():
        if isinstance(literal, Literal) and (found := UNEXPORTABLE.search(str(literal))):
            raise _unexportable(path, ord(found.group()))


def _unexportable(path: Path, code: int) -> LoadError:
    return LoadError([SyntaxProblem(
        path, _line_with(path, code),
        f"a literal holds the control character U+{code:04X}, which RDF/XML and other "
        "exports cannot carry (line breaks are LF, \\n)")])


def _line_with(path: Path, code: int) -> int | None:
    """The first line holding the character, raw or as a \\u escape."""
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                  .splitlines(keepends=True), start=1):
        if chr(code) in line.rstrip("\r\n") or any(
                _escaped(m) == code for m in ESCAPE.finditer(line)):
            return number
    return None


def _escaped(match: re.Match[str]) -> int:
    if match.group(3):
        return ECHARS[match.group(3)]
    return int(match.group(1) or match.group(2), 16)


def load_files(paths: Iterable[Path]) -> Graph:
    """Parse every file into one graph; if any fails, report all failures and load nothing."""
    graph = new_graph()
    problems: list[SyntaxProblem] = []
    for path in paths:
        try:
            parse_file(path, graph)
        except LoadError as exc:
            problems.extend(exc.problems)
    if problems:
        raise LoadError(problems)
    return graph
