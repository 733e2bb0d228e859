"""The canned questions: named SPARQL files shared by pages, CLI and tests."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.namespaces import CANONICAL, Namespaces


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


def sparql_file(path: str, package: str = "kg", namespaces: Namespaces = CANONICAL) -> str:
    """One .rq file of a package, its IRIs under the namespaces' base: every SPARQL file the
    project runs is read here (they are written under the canonical base)."""
    return namespaces.rebase((resources.files(package) / path).read_text(encoding="utf-8"))


def sparql_files(folder: str, package: str = "kg",
                 namespaces: Namespaces = CANONICAL) -> dict[str, str]:
    """The .rq files of a package folder by name (without .rq), in name order."""
    root = resources.files(package) / folder
    return {
        f.name.removesuffix(".rq"): sparql_file(f"{folder}/{f.name}", package, namespaces)
        for f in sorted(root.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".rq")
    }


def header(text: str, key: str) -> str:
    """A `# key: value` header of a SPARQL file ("" if absent)."""
    return _header(text, key)


def title_of(text: str, default: str = "") -> str:
    """The `# title:` header of a SPARQL file."""
    return _header(text, "title") or default


def canned_queries(namespaces: Namespaces = CANONICAL) -> dict[str, CannedQuery]:
    """Every canned question by name (the file name without .rq), in name order."""
    return {
        name: CannedQuery(name, _header(text, "title"), _header(text, "description"), text)
        for name, text in sparql_files("queries", namespaces=namespaces).items()
    }


def canned_query(name: str, namespaces: Namespaces = CANONICAL) -> CannedQuery:
    """One canned question; KeyError names the ones there are."""
    queries = canned_queries(namespaces)
    if name not in queries:
        raise KeyError(f"no canned query {name!r}; there are: {', '.join(queries)}")
    return queries[name]


# Characters that may not appear in an IRI reference (RFC 3987 / SPARQL IRIREF).
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | {chr(c) for c in range(0x21)}


_KEPT = r'("(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*)'


def sparql_term(term: Node) -> str:
    """A term in its N-Triples form (rdflib's serializer escapes literals), for query or
    update text; an IRI that could break out of its brackets is refused."""
    if isinstance(term, URIRef) and any(ch in _IRI_FORBIDDEN for ch in str(term)):
        raise ValueError(f"not a valid IRI: {str(term)!r}")
    if not isinstance(term, URIRef | Literal):
        raise TypeError(f"can only write IRIs and literals, not {type(term).__name__}")
    return term.n3()


def bind(text: str, **values: Node | Sequence[Node]) -> str:
    """Bind `VALUES ?name { UNDEF }` placeholders to terms.

    A value is one term or a sequence of terms (one row each; an empty sequence gives no row,
    so the group that holds the placeholder matches nothing). Terms are written in their
    N-Triples form after checking them, so a value can never change the query's structure;
    an unknown placeholder is an error.

    A single term (not a sequence) is also written in place of the variable everywhere after the
    placeholder:
    an engine does not push a VALUES binding into the branches of a UNION, so at a million
    triples the entity page's query scanned every triple in each branch (4.8 s, against 3 ms
    with the IRI in the patterns). The VALUES line stays, so the variable is still bound where
    it is projected or used in a CONSTRUCT template, which come before the placeholder.
    """
    for name, value in values.items():
        placeholder = f"VALUES ?{name} {{ UNDEF }}"
        if placeholder not in text:
            raise KeyError(f"the query has no placeholder {placeholder!r}")
        terms = [value] if isinstance(value, Node) else list(value)
        rows = " ".join(sparql_term(term) for term in terms)
        head, *tails = text.split(placeholder)
        if isinstance(value, Node):
            # Strings and IRIs are matched first and kept, so "?q" inside a bound literal or
            # an IRI is never taken for the variable.
            written = sparql_term(value)
            variable = re.compile(_KEPT + rf"|[?$]{re.escape(name)}(?![\w\u00B7\u0300-\u036F])")
            tails = [variable.sub(lambda m, w=written: m.group(0) if m.group(1) else w, tail)
                     for tail in tails]
        # Every placeholder of the name is bound (a query may repeat one in several groups).
        text = head + "".join(f"VALUES ?{name} {{ {rows} }}{tail}" for tail in tails)
    return text
