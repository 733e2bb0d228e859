"""Latency against graph size: one SVG from a bench/run.py result file.

    python bench/plot.py bench/results/DATE-HOST.json     # writes DATE-HOST.svg beside it

Each line is one request through the production server, its p50 (and p99 as a lighter line) at
every size the run measured, on log-log axes: a line that stays flat costs what its answer
costs, not what the graph costs. Needs matplotlib (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

# The requests worth a line: pages, a variant, search, the endpoint's own overhead and the
# slowest canned question (picked per run, by its p50 at the largest size).
SERIES = ("page claim html", "page claim.ttl", "page remedy html", "search word",
          "sparql ASK {}")


def _series(results: dict[str, Any]) -> dict[str, list[tuple[int, float, float]]]:
    sizes = [s for s in results["sizes"] if s.get("http")]
    if not sizes:
        return {}
    largest = sizes[-1]["http"]
    questions = [k for k in largest if k.startswith("sparql ") and k != "sparql ASK {}"]
    names = [*SERIES]
    if questions:
        names.append(max(questions, key=lambda k: largest[k]["p50"]))
    lines: dict[str, list[tuple[int, float, float]]] = {}
    for name in names:
        points = [(s["graph_triples"], s["http"][name]["p50"], s["http"][name]["p99"])
                  for s in sizes if name in s["http"]]
        if points:
            lines[name] = points
    return lines


def plot(results: dict[str, Any], out: Path) -> Path | None:
    """Write the plot; None when the run has no HTTP figures to draw."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    import matplotlib.pyplot as plt

    lines = _series(results)
    if not lines:
        return None
    figure, axes = plt.subplots(figsize=(8, 5))
    for name, points in lines.items():
        triples = [p[0] for p in points]
        (line,) = axes.plot(triples, [p[1] for p in points], marker="o", label=f"{name} p50")
        axes.plot(triples, [p[2] for p in points], color=line.get_color(), alpha=0.35,
                  linestyle="--")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("triples in the store")
    axes.set_ylabel("latency, ms (p50 solid, p99 dashed)")
    axes.set_title(f"Remedy KG, {results.get('date', '')}: latency against graph size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(out, format="svg")
    plt.close(figure)
    return out


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = Path(sys.argv[1])
    try:
        results = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"{path}: {exc}") from exc
    written = plot(results, path.with_suffix(".svg"))
    print(written or f"{path}: no HTTP figures to plot")


if __name__ == "__main__":
    main()
