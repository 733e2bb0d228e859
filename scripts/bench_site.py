"""How long `kg site` takes to write the static copy of the built store, and how big it is.

Runs `kg site` N times into a temporary folder (each run replaces the last, as on a real host)
and prints the median wall and CPU seconds, the files, pages and bytes written, and the files
per second; the load average is printed too, as the machine may be shared.
Usage: .venv/bin/python scripts/bench_site.py [--rounds N] [--store var/store]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", default="var/store")
    args = parser.parse_args()
    kg = str(Path(sys.executable).with_name("kg"))
    walls, cpus, summary = [], [], ""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "copy"
        for _ in range(args.rounds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run([kg, "--store", args.store, "site", "--out", str(out)],
                                  capture_output=True, text=True, check=True)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            summary = done.stderr.strip()
    match = re.search(r"wrote (\d+) files \((\d+) pages.*?\), ([\d.]+) MB", summary)
    assert match, summary
    files, pages, megabytes = int(match[1]), int(match[2]), float(match[3])
    wall = statistics.median(walls)
    print(f"kg site over {args.store}, {args.rounds} runs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'median wall s':>14} {'median CPU s':>13} {'files':>6} {'pages':>6} {'MB':>6} "
          f"{'files/s':>8}")
    print(f"{wall:>14.1f} {statistics.median(cpus):>13.1f} {files:>6} {pages:>6} "
          f"{megabytes:>6.1f} {files / wall:>8.0f}")


if __name__ == "__main__":
    main()
