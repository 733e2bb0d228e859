"""Long lists shown a page at a time: `?page=N`, which rows that page holds, links to the others.

A canned question's answer and the entities of a type grow with the graph (7,749 rows for one
question, 26,063 studies at a million triples): one page showing them all took seconds to render
and megabytes to send. A list is shown PAGE_SIZE rows at a time, in the list's own order; page 1
is the list's URL without `?page`. A page number that is not a whole number from 1, or that is
past the last page, is a 400 that says which pages there are.

A static copy (`kg site`) keeps each list on one page: a static server answers `/x?page=2` with
the file of `/x`, so the copy could not hold the other pages (web/site.py refuses such links).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, abort, current_app, request

from web.urls import page_url


def init_app(app: Flask) -> None:
    """Refuse a page size that is not a whole number from 1 at startup, not on a page."""
    size = app.config["PAGE_SIZE"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"PAGE_SIZE must be a whole number of rows from 1, not {size!r}")


@dataclass(frozen=True)
class Pager:
    """Page `number` (from 1) of a list of `total` rows, `size` rows a page."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The first row shown, counted from 1 (0 for an empty list)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    def url(self, number: int) -> str:
        return page_url(number)


def requested_page() -> int:
    """The page the request asks for (1 without `?page`); a 400 for anything but a whole
    number from 1. Read before the list is computed, so a bad number costs no query."""
    values = request.args.getlist("page")
    if not values:
        return 1
    if len(values) > 1:
        abort(400, description=f"Give one page number, not {len(values)}.")
    text = values[0]
    if not (text.isascii() and text.isdigit()):
        abort(400, description=f"The page number must be a whole number from 1, not {text!r}.")
    number = int(text)
    if number < 1:
        abort(400, description="Pages are numbered from 1; there is no page 0.")
    return number


def pager(number: int, total: int) -> Pager:
    """The page `number` of a list of `total` rows; a 400 when it is past the last page."""
    size = max(total, 1) if current_app.config["STATIC_COPY"] else current_app.config["PAGE_SIZE"]
    shown = Pager(number, size, total)
    if number > shown.pages:
        abort(400, description=f"There is no page {number}: this list has {total:,} "
                               f"row{'' if total == 1 else 's'}, {shown.pages:,} "
                               f"page{'' if shown.pages == 1 else 's'} of {size:,}.")
    return shown
