"""Evidence maps as pages: a server-rendered SVG chart (no JavaScript) with its data table."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from rdflib import URIRef

from kg import evidence_map as maps
from web import entities
from web.store import store
from web.urls import entity_iri, local_path, sparql_ui_url

bp = Blueprint("evidence_map", __name__, url_prefix="/evidence-map")

# Chart geometry, in SVG user units.
WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 20, 56
DOT, GAP = 5, 12
LEVELS = [(1, "very low"), (2, "low"), (3, "moderate"), (4, "high")]


@dataclass(frozen=True)
class Dot:
    claim: maps.MapClaim
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    columns: list[tuple[float, str]]  # x centre, level label
    column_width: float
    rows: list[tuple[float, int]]  # y, number of studies
    band: float  # the height of one number of studies: marks of a cell stay inside it
    dots: list[Dot]
    plot: tuple[int, int, int, int]  # left, top, right, bottom


def chart(claims: list[maps.MapClaim]) -> Chart:
    """Place each claim in its level's column at its number of studies; claims that share a
    cell sit side by side (wrapping within the row's band), so each keeps its own link."""
    levels = list(LEVELS)
    if any(c.level_rank == 0 for c in claims):
        levels.insert(0, (0, "not derived"))
    column_width = (WIDTH - LEFT - RIGHT) / len(levels)
    top_count = max([c.studies for c in claims] + [1])
    band = (HEIGHT - TOP - BOTTOM) / (top_count + 1)

    def y_of(n: int) -> float:
        return HEIGHT - BOTTOM - band * (n + 0.5)

    centres = {rank: LEFT + column_width * (i + 0.5) for i, (rank, _) in enumerate(levels)}
    per_row = max(1, int((column_width - GAP) // GAP))
    cells: dict[tuple[int, int], list[maps.MapClaim]] = {}
    for c in sorted(claims, key=lambda c: (list(maps.DIRECTIONS).index(c.direction), c.label)):
        cells.setdefault((c.level_rank, c.studies), []).append(c)
    dots = []
    for (rank, n), group in cells.items():
        lines = (len(group) + per_row - 1) // per_row
        for i, c in enumerate(group):
            line, pos = divmod(i, per_row)
            in_line = min(per_row, len(group) - line * per_row)
            x = centres[rank] + (pos - (in_line - 1) / 2) * GAP
            y = y_of(n) + (line - (lines - 1) / 2) * min(GAP, band / max(lines, 1))
            dots.append(Dot(c, x, y))
    return Chart(WIDTH, HEIGHT, [(centres[r], label) for r, label in levels], column_width,
                 [(y_of(n), n) for n in range(top_count + 1)], band, dots,
                 (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM))


def _render(claims: list[maps.MapClaim], text: str, title: str, condition: str | None):
    return render_template("pages/evidence_map.html", claims=claims, chart=chart(claims),
                           directions=maps.DIRECTIONS, title=title, condition=condition,
                           sparql_url=sparql_ui_url(text), href=lambda i: local_path(URIRef(i)))


@bp.get("/")
def site() -> str:
    claims, text = maps.evidence_map(store)
    return _render(claims, text, "Evidence map: every claim", None)


@bp.get("/<slug>")
def condition(slug: str) -> str:
    iri = entity_iri("condition", slug)
    if iri is None or not entities.exists(store, iri):
        abort(404, description=f"There is no condition called {slug!r} in this dataset.")
    claims, text = maps.evidence_map(store, str(iri))
    label = claims[0].condition_label if claims else slug
    return _render(claims, text, f"Evidence map: {label}", str(iri))
