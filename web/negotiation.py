"""Choosing a representation: ?format= wins over a suffix, which wins over Accept."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request
from werkzeug.datastructures import MIMEAccept

from kg.formats import RDF_FORMATS, RdfSyntax

HTML = "text/html"

# The RDF syntaxes an entity is offered in (quad syntaxes describe datasets, not entities).
ENTITY_SYNTAXES: dict[str, RdfSyntax] = {n: f for n, f in RDF_FORMATS.items() if not f.quads}
BY_EXTENSION = {f.extension: f for f in ENTITY_SYNTAXES.values()}


class NotAcceptable(Exception):
    """No offered type satisfies the client; carries what is offered."""

    def __init__(self, offered: list[str]):
        super().__init__("none of the offered types is acceptable: " + ", ".join(offered))
        self.offered = offered


class BadFormat(ValueError):
    """An unknown ?format= or suffix; the message lists the valid ones."""


@dataclass(frozen=True)
class Choice:
    syntax: RdfSyntax | None  # None means HTML

    @property
    def media_type(self) -> str:
        return self.syntax.media_type if self.syntax else HTML


def offered_types() -> list[str]:
    return [HTML, *(f.media_type for f in ENTITY_SYNTAXES.values())]


def choose(request: Request, suffix: str | None = None) -> Choice:
    """Pick HTML or an RDF syntax for an entity request."""
    name = request.args.get("format")
    if name is not None:
        if name == "html":
            return Choice(None)
        if name not in ENTITY_SYNTAXES:
            raise BadFormat(f"unknown format {name!r}; choose one of: html, "
                            + ", ".join(ENTITY_SYNTAXES))
        return Choice(ENTITY_SYNTAXES[name])
    if suffix is not None:
        if suffix not in BY_EXTENSION:
            raise BadFormat(f"unknown suffix .{suffix}; choose one of: "
                            + ", ".join("." + e for e in BY_EXTENSION))
        return Choice(BY_EXTENSION[suffix])
    return from_accept(request.accept_mimetypes)


def from_accept(accept: MIMEAccept) -> Choice:
    if not accept:  # no Accept header: a browser-like default
        return Choice(None)
    offers = offered_types() + [a for f in ENTITY_SYNTAXES.values() for a in f.aliases]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable(offered_types())
    if best == HTML:
        return Choice(None)
    for syntax in ENTITY_SYNTAXES.values():
        if best == syntax.media_type or best in syntax.aliases:
            return Choice(syntax)
    raise NotAcceptable(offered_types())  # pragma: no cover - offers all map to a syntax
