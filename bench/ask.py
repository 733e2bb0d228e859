"""Ask-in-words benchmark: the share of bench/ask/questions.tsv answered exactly, the share of
unanswerable questions refused, and the time per question.

    python bench/ask.py [--store var/store] [--verbose]

A question is answered exactly when the distinct entities of the answer's first column are
the expected ones (derived by bench/ask/derive_expected.py with hand-written SPARQL); an
unanswerable one (REFUSE) counts when no query was run. A store without VoID statistics is
checked against statistics computed by the tests' helper (the build writes them on the VoID
branch), and the output says so.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.ask.mapper import Asker, answer  # noqa: E402
from kg.ask.schema import SchemaUnavailable, read_schema  # noqa: E402
from kg.namespaces import ID  # noqa: E402
from kg.store import open_store  # noqa: E402

QUESTIONS = Path(__file__).with_name("ask") / "questions.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", default=str(ROOT / "var" / "store"))
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    store = open_store(args.store, read_only=True)
    try:
        read_schema(store)
    except SchemaUnavailable as exc:
        raise SystemExit(f"{args.store}: {exc}") from exc
    started = time.perf_counter()
    asker = Asker.of(store)
    print(f"asker ready in {time.perf_counter() - started:.2f} s "
          f"({len(asker.examples)} examples, {len(asker.lexicon.names)} names)")

    def run(text: str):
        return store.query(text), False

    schema = read_schema(store)  # once, as the app does
    rows = [line.split("\t") for line in QUESTIONS.read_text("utf-8").splitlines()[1:]]
    exact = refused = answerable = wrong = missed = 0
    times: list[float] = []
    misses: list[str] = []
    for question, expected in rows:
        found = answer(asker, question, lambda: schema, run)
        times.append(found.seconds)
        got = sorted(e.removeprefix(str(ID)) for e in found.entities())
        name = found.mapping.example.name if found.mapping else "-"
        if expected == "REFUSE":
            if found.answered:
                misses.append(f"ANSWERED (should refuse) {question!r} -> {name}")
            else:
                refused += 1
            continue
        answerable += 1
        if found.answered and got == sorted(expected.split()):
            exact += 1
        elif found.answered:
            wrong += 1
            misses.append(f"WRONG ROWS {question!r} -> {name}: {' '.join(got)[:150]}")
        else:
            missed += 1
            misses.append(f"REFUSED (answerable) {question!r}: closest "
                          f"{[s.example.name for s in found.closest][:2]}")
    unanswerable = len(rows) - answerable
    print(f"{len(rows)} questions: {answerable} answerable, {unanswerable} unanswerable")
    print(f"answered exactly: {exact}/{answerable} = {exact / answerable:.0%} "
          f"(wrong rows {wrong}, refused {missed})")
    print(f"refused correctly: {refused}/{unanswerable} = {refused / unanswerable:.0%}")
    print(f"time per question: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms (map, check and run, embedded store)")
    if args.verbose:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
