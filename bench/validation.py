"""SHACL validation: the engine (shapes compiled to SPARQL) against pySHACL; and one `kg build`.

Not a test: it prints figures and writes them under bench/results/.

    .venv/bin/python bench/validation.py                    # shipped data and 100k, 3 rounds
    .venv/bin/python bench/validation.py --sizes shipped --rounds 5
    .venv/bin/python bench/validation.py --sizes none --build 1000000   # one kg build at 1M

For each size it parses the project once (the same graphs the build validates), then times
`kg.validate.validate` with each engine, rounds interleaved, and prints the medians. Each
validation runs in a child process so one engine's memory does not weigh on the other; the
child reports its time (perf_counter around the call only) and its peak RSS (which includes
the parsed graphs). `--build N` then runs `kg build` once on N synthetic triples plus the
shipped data (a child process: wall time per step from its own report, peak memory from its
rusage), with the load average beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import kg_build, machine, make_project  # noqa: E402

from kg.build import load_project  # noqa: E402
from kg.project import Project  # noqa: E402
from kg.validate import ENGINES, validate  # noqa: E402

SIZES = {"shipped": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def _child(root: str, engine: str, conn: Any) -> None:
    sources = load_project(Project.locate(root))
    start = time.perf_counter()
    report = validate(sources.data, sources.shapes, sources.ontology, engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    conn.send({"seconds": seconds, "results": len(report.results),
               "triples": len(sources.data),
               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def one_run(root: Path, engine: str, timeout: float) -> dict[str, Any]:
    parent, child = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(target=_child, args=(str(root), engine, child))
    process.start()
    if parent.poll(timeout):
        out = parent.recv()
        process.join()
        return out
    process.kill()
    process.join()
    return {"seconds": None, "timed_out": timeout}


def measure(label: str, root: Path, rounds: int, timeout: float) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in ENGINES}
    for i in range(rounds):
        for engine in ENGINES:  # interleaved, so a busy spell falls on both
            run = one_run(root, engine, timeout)
            runs[engine].append(run)
            print(f"[{label}] round {i + 1} {engine}: {run}", flush=True)
    out: dict[str, Any] = {"label": label, "load_average": os.getloadavg(), "engines": {}}
    for engine, done in runs.items():
        seconds = [r["seconds"] for r in done if r.get("seconds") is not None]
        out["engines"][engine] = {
            "median_s": statistics.median(seconds) if seconds else None,
            "runs_s": seconds,
            "results": sorted({r["results"] for r in done if "results" in r}),
            "triples": next((r["triples"] for r in done if "triples" in r), None),
            "peak_mb": max((r["peak_mb"] for r in done if "peak_mb" in r), default=None),
        }
    return out


def project_for(size: str, work: Path) -> Path:
    if size == "shipped":
        return ROOT
    folder = work / size
    make_project(folder, SIZES[size], shipped=True)
    shutil.copytree(ROOT / "ontology", folder / "ontology", dirs_exist_ok=True)
    shutil.copytree(ROOT / "shapes", folder / "shapes", dirs_exist_ok=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="shipped,100k",
                        help="comma-separated: shipped, 10k, 100k, 1m; 'none' for no comparison")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900, help="per validation, seconds")
    parser.add_argument("--build", type=int, default=0,
                        help="also run `kg build` once on this many synthetic triples")
    parser.add_argument("--build-timeout", type=float, default=1800)
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "sizes": [], "build": None}
    with tempfile.TemporaryDirectory(prefix="kg-bench-validation-") as tmp:
        work = Path(tmp)
        for size in [s for s in args.sizes.split(",") if s and s != "none"]:
            results["sizes"].append(measure(size, project_for(size, work), args.rounds,
                                            args.timeout))
        if args.build:
            folder = work / f"build-{args.build}"
            make_project(folder, args.build, shipped=True)
            shutil.copytree(ROOT / "ontology", folder / "ontology", dirs_exist_ok=True)
            shutil.copytree(ROOT / "shapes", folder / "shapes", dirs_exist_ok=True)
            before = os.getloadavg()
            build = kg_build(folder, folder / "store", args.build_timeout)
            results["build"] = {"synthetic_triples": args.build, "load_average_before": before,
                                "load_average_after": os.getloadavg(), **build}
            print(f"[build {args.build}] {build['status']} wall {build['wall']:.1f} s, "
                  f"peak {build['peak_mb']:.0f} MB, steps {build['steps']}, "
                  f"load average {before} -> {os.getloadavg()}", flush=True)
    print(table(results))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    (out / f"validation-{stamp}.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote bench/results/validation-{stamp}.json")


def table(results: dict[str, Any]) -> str:
    lines = ["| data | triples | engine (SPARQL) median s | pySHACL median s | ratio | "
             "results (engine / pySHACL) | peak MB (engine / pySHACL) | load average |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for size in results["sizes"]:
        e, p = size["engines"]["oxigraph"], size["engines"]["pyshacl"]
        ratio = (f"{p['median_s'] / e['median_s']:.0f}x" if e["median_s"] and p["median_s"]
                 else "-")
        lines.append(
            f"| {size['label']} | {e['triples']} | {_s(e['median_s'])} | {_s(p['median_s'])} "
            f"| {ratio} | {e['results']} / {p['results']} | {_s(e['peak_mb'], 0)} / "
            f"{_s(p['peak_mb'], 0)} | {', '.join(f'{x:.1f}' for x in size['load_average'])} |")
    return "\n".join(lines)


def _s(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


if __name__ == "__main__":
    main()
