"""How long /validate takes: pySHACL and the quality checks over the shipped data plus a change.

Not part of the tests (speed is measured here, never in timed tests):

    .venv/bin/python bench/validate_service.py [--rounds 9]

Reads the project's ontology, shapes and data files as the service's worker does, then times
the worker's start (parsing, the baseline report) and one check per failing fixture (a sample
of tests/fixtures/invalid/, `--rounds` of them), and prints medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from kg.change_check import ChangeChecker, parse_change
from kg.change_workers import ProjectFiles
from kg.project import Project

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "invalid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    start = time.perf_counter()
    sources = ProjectFiles(Project.locate().root).sources()
    loaded = time.perf_counter() - start
    checker = ChangeChecker(sources)
    start = time.perf_counter()
    checker.baseline()
    baseline = time.perf_counter() - start
    fixtures = sorted(FIXTURES.glob("*.ttl"))
    sample = fixtures[:: max(1, len(fixtures) // args.rounds)][: args.rounds]
    totals, shapes, checks = [], [], []
    for path in sample:
        start = time.perf_counter()
        report = checker.check(parse_change(path.read_bytes(), "turtle"))
        totals.append(time.perf_counter() - start)
        shapes.append(report.timings["shapes"])
        checks.append(report.timings["checks"])
        print(f"{path.stem:<60} {totals[-1]:6.2f} s  {len(report.shacl.violations)} violation(s)")
    print(f"\n{len(sources.data)} data triples; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"worker start: parse the files {loaded:.2f} s, baseline report "
          f"{baseline:.2f} s")
    print(f"per check (median of {len(totals)}): {statistics.median(totals):.2f} s "
          f"(shapes {statistics.median(shapes):.2f} s, quality checks "
          f"{statistics.median(checks):.2f} s)")


if __name__ == "__main__":
    main()
