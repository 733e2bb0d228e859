"""The canned questions: named SPARQL files shared by pages, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from rdflib import Literal, URIRef
from rdflib.term import Node


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


def sparql_files(folder: str, package: str = "kg") -> dict[str, str]:
    """The .rq files of a package folder by name (without .rq), in name order."""
    root = resources.files(package) / folder
    return {
        f.name.removesuffix(".rq"): f.read_text(encoding="utf-8")
        for f in sorted(root.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".rq")
    }


def header(text: str, key: str) -> str:
    """A `# key: value` header of a SPARQL file ("" if absent)."""
    return _header(text, key)


def title_of(text: str, default: str = "") -> str:
    """The `# title:` header of a SPARQL file."""
    return _header(text, "title") or default


def canned_queries() -> dict[str, CannedQuery]:
    """Every canned question by name (the file name without .rq), in name order."""
    return {
        name: CannedQuery(name, _header(text, "title"), _header(text, "description"), text)
        for name, text in sparql_files("queries").items()
    }


def canned_query(name: str) -> CannedQuery:
    """One canned question; KeyError names the ones there are."""
    queries = canned_queries()
    if name not in queries:
        raise KeyError(f"no canned query {name!r}; there are: {', '.join(queries)}")
    return queries[name]


# Characters that may not appear in an IRI reference (RFC 3987 / SPARQL IRIREF).
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\') | {chr(c) for c in range(0x21)}


def sparql_term(term: Node) -> str:
    """A term in its N-Triples form (rdflib's serializer escapes literals), for query or
    update text; an IRI that could break out of its brackets is refused."""
    if isinstance(term, URIRef) and any(ch in _IRI_FORBIDDEN for ch in str(term)):
        raise ValueError(f"not a valid IRI: {str(term)!r}")
    if not isinstance(term, URIRef | Literal):
        raise TypeError(f"can only write IRIs and literals, not {type(term).__name__}")
    return term.n3()


def bind(text: str, **values: Node) -> str:
    """Bind `VALUES ?name { UNDEF }` placeholders to terms.

    Terms are written in their N-Triples form after checking them, so a value can
    never change the query's structure; an unknown placeholder is an error.
    """
    for name, term in values.items():
        placeholder = f"VALUES ?{name} {{ UNDEF }}"
        if placeholder not in text:
            raise KeyError(f"the query has no placeholder {placeholder!r}")
        text = text.replace(placeholder, f"VALUES ?{name} {{ {sparql_term(term)} }}")
    return text
