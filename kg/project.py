"""Where the project's files are: ontology, shapes, data and the default store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The checkout this package was installed from (editable installs and tests run from it).
SOURCE_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Project:
    """The folders a build reads; each holds Turtle files, read in name order."""

    root: Path

    @classmethod
    def locate(cls, root: str | Path | None = None) -> Project:
        """The given root, else $KG_PROJECT, else the checkout this package came from."""
        return cls(Path(root or os.environ.get("KG_PROJECT") or SOURCE_ROOT).resolve())

    @property
    def ontology_files(self) -> list[Path]:
        return sorted((self.root / "ontology").glob("*.ttl"))

    @property
    def shapes_files(self) -> list[Path]:
        return sorted((self.root / "shapes").glob("*.ttl"))

    @property
    def data_files(self) -> list[Path]:
        return sorted((self.root / "data").glob("*.ttl"))

    @property
    def default_store(self) -> Path:
        """The embedded store's folder: $KG_STORE, else var/store in the project."""
        return Path(os.environ.get("KG_STORE") or self.root / "var" / "store")
