"""Differential checks of a fast byte screen against the regular expression it replaced."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence


def assert_screen_is_the_expression(screen: Callable[[bytes], bool], expression: re.Pattern[bytes],
                                    pieces: Sequence[bytes], *, seed: int, rounds: int,
                                    most_pieces: int) -> None:
    """On `rounds` random texts of up to `most_pieces` pieces, the screen answers True exactly
    where the expression finds a match; both answers must come up, or the texts test nothing."""
    rng = random.Random(seed)
    answers = set()
    for _ in range(rounds):
        text = b"".join(rng.choices(pieces, k=rng.randint(0, most_pieces)))
        expected = expression.search(text) is not None
        assert screen(text) is expected, text
        answers.add(expected)
    assert answers == {True, False}
