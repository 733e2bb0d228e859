"""Evidence maps: claims by derived evidence level, number of studies and direction of effect.

One query (kg/answers/evidence-map.rq) per map, of one condition or of the whole graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.namespaces import CANONICAL, Namespaces
from kg.queries import bind
from kg.safety import answer_query
from kg.store import Store

# The direction of a claim's evidence, from the studies that support or dispute it; the order
# is the legend's.
DIRECTIONS = {
    "benefit": "Benefit (supporting studies only)",
    "mixed": "Mixed (supporting and disputing studies)",
    "no-clear-benefit": "No clear benefit (disputing studies only)",
    "no-direction": "No direction yet (no supporting or disputing study)",
}


@dataclass(frozen=True)
class MapClaim:
    iri: str
    label: str
    condition: str
    condition_label: str
    remedy: str
    remedy_label: str
    outcome_label: str
    level: str | None
    level_label: str
    level_rank: int  # 0 when the rule derived none
    supporting: int
    disputing: int
    other: int

    @property
    def studies(self) -> int:
        return self.supporting + self.disputing + self.other

    @property
    def direction(self) -> str:
        if self.supporting and self.disputing:
            return "mixed"
        if self.supporting:
            return "benefit"
        if self.disputing:
            return "no-clear-benefit"
        return "no-direction"


def query_text(condition: str | None = None, namespaces: Namespaces = CANONICAL) -> str:
    """The map's query: one condition's claims, or every claim when `condition` is None."""
    text = answer_query("evidence-map", namespaces)
    # A list, so only the VALUES row is bound: ?condition is also grouped on.
    return bind(text, condition=[URIRef(condition)]) if condition else text


def evidence_map(store: Store, condition: str | None = None) -> tuple[list[MapClaim], str]:
    """The claims of the map and the query that found them."""
    text = query_text(condition, store.namespaces)
    claims = []
    for row in store.query(text).dicts():
        claims.append(MapClaim(
            str(row["claim"]), str(row["claimLabel"]), str(row["condition"]),
            str(row["conditionLabel"]), str(row["remedy"]), str(row["remedyLabel"]),
            str(row["outcomeLabel"]), str(row["level"]) if "level" in row else None,
            str(row.get("levelLabel", "not derived")),
            int(row["levelRank"]) if "levelRank" in row else 0,  # type: ignore[arg-type]
            int(row["supportingStudies"]), int(row["disputingStudies"]),  # type: ignore[arg-type]
            int(row["otherStudies"])))  # type: ignore[arg-type]
    return claims, text
