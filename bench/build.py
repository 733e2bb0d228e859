"""`kg build` before and after a change, side by side in one run: wall time per step, peak memory.

Not a test: it prints figures and writes them under bench/results/.

    .venv/bin/python bench/build.py --before main                     # shipped data, 3 rounds
    .venv/bin/python bench/build.py --before main --triples 1000000 --rounds 1

The "before" code is the git ref exported to a temporary folder and run by this virtualenv's
Python (its dependencies); "after" is this tree, or another ref exported likewise with
`--after REF` (so the tree can change while a long run measures a commit). Each build is a
child process into a fresh store folder (wall time per step from the build's own report, peak
RSS from its rusage, CPU as user + sys of the build and its children); the two are
interleaved round by round so a busy machine weighs on both alike, and the load average is
printed beside them (before and after each build). `--triples N` adds N synthetic triples
(`kg synth`, seed 1) to the shipped data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import kg_build, machine, make_project  # noqa: E402

# -P: no current folder on the path, so PYTHONPATH alone says which tree runs.
CLI = [sys.executable, "-P", "-c", "from kg.cli import main; main()"]


def export(ref: str, folder: Path) -> None:
    """The tree of a git ref, as files (no worktree, no checkout)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def _children_cpu() -> float:
    """User + sys seconds of every child this process has waited for (kg_build waits for the
    build, and the build for its own children), so a difference brackets one build."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def project_of(work: Path, triples: int) -> Path:
    if not triples:
        return ROOT
    folder = work / f"project-{triples}"
    make_project(folder, triples, shipped=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git ref of the code to compare with")
    parser.add_argument("--after", default=None,
                        help="git ref of the code to measure (default: this tree as it is)")
    parser.add_argument("--triples", type=int, default=0, help="synthetic triples to add")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    try:
        export(args.before, work / "before")
        after = "this tree"
        if args.after:
            after = args.after
            export(args.after, work / "after")
        project = project_of(work, args.triples)
        trees: dict[str, tuple[list[str], dict[str, str]]] = {
            args.before: (CLI, {"PYTHONPATH": str(work / "before")}),
            after: (CLI, {"PYTHONPATH": str(work / "after" if args.after else ROOT)}),
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for round_ in range(args.rounds):
            for name, (kg, env) in trees.items():
                store = work / "store"
                shutil.rmtree(store, ignore_errors=True)
                load = os.getloadavg()[0]
                before = _children_cpu()
                run = kg_build(project, store, args.timeout, kg, env)
                run["cpu"] = _children_cpu() - before
                run["load_average_before"] = load
                run["load_average_after"] = os.getloadavg()[0]
                runs[name].append(run)
                print(f"[round {round_ + 1}] {name}: {run['status']} wall {run['wall']:.1f} s, "
                      f"CPU {run['cpu']:.1f} s, peak {run['peak_mb']:.0f} MB, "
                      f"load {load:.2f}-{run['load_average_after']:.2f}, steps "
                      + " ".join(f"{k} {v:.1f}" for k, v in run["steps"].items()), flush=True)
                if run["status"] != "ok":
                    print(run["error"], file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nkg build, {args.triples} synthetic triples + shipped data, "
          f"median of {args.rounds}:")
    summary = {}
    for name, done in runs.items():
        steps = {step: statistics.median(r["steps"].get(step, 0.0) for r in done)
                 for step in done[0]["steps"]}
        summary[name] = {"wall": statistics.median(r["wall"] for r in done),
                         "cpu": statistics.median(r["cpu"] for r in done),
                         "peak_mb": statistics.median(r["peak_mb"] for r in done),
                         "steps": steps}
        print(f"  {name:>12}: wall {summary[name]['wall']:7.2f} s  CPU "
              f"{summary[name]['cpu']:7.2f} s  peak "
              f"{summary[name]['peak_mb']:6.0f} MB  "
              + "  ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    out = ROOT / "bench" / "results" / f"build-{args.triples}-{stamp}.json"
    out.write_text(json.dumps({"machine": machine(), "before": args.before, "after": after,
                               "triples": args.triples, "rounds": args.rounds,
                               "summary": summary, "runs": runs}, indent=1, default=str))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
