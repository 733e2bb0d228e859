"""Every setting of the web app, declared once: name, default, help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.namespaces import BASE


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STORE", None,
            "Folder of the embedded store (default: $KG_STORE, else var/store of the project)."),
    Setting("ENDPOINT", None,
            "SPARQL query endpoint of a remote engine to serve from, instead of STORE "
            "(credentials: KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN)."),
    Setting("BASE_IRI", BASE,
            "The base of the dataset's IRIs; entity IRIs under it are served at the same path."),
    Setting("SITE_NAME", "Remedy KG", "The site's name in page titles and the header."),
    Setting("DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/",
            "The licence of the data, shown in the footer and the dataset description."),
    Setting("SEARCH_LIMIT", 20, "Most matches the label search returns."),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
