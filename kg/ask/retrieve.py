"""Which example a question is most like: TF-IDF over character n-grams (scikit-learn).

Character n-grams within words match "interacts" with "interact" and survive a typo
("interract"); the score is a cosine similarity in [0, 1], so one threshold says when no
example is close enough. Entity names are taken out of the question first and stand as a slot
word per class they could fill, so that "warfarin" and "ginkgo" ask the same question shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.ask.examples import SUBCLASS, Example

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# Words every question has; they say nothing about its shape.
STOP_WORDS = frozenset("""
    a an the of for to in on at by is are be was were do doe does did can could would should
    i me my we you your it its this that these those there their them what which who whom how
    why when where any some all about with and or please tell show list give find
""".split())  # noqa: SIM905 - a word list reads better as words


def slot_word(relation: str, cls: str) -> str:
    """The word that stands for a mention of an entity that can fill a slot (relation, cls)."""
    kind = "kind" if relation == SUBCLASS else ""
    return "slot" + kind + cls.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()


@dataclass(frozen=True)
class Scored:
    example: Example
    score: float


class Retriever:
    """`abstract` turns a text into the words compared (entity names as slot words); the
    examples' texts go through it as the questions do, so "Which herbs interact with
    warfarin?" reads as the question shape it is."""

    def __init__(self, examples: Sequence[Example], abstract: Callable[[str], str]):
        # Imported on first use: scikit-learn, SciPy and NumPy add 91 MB to the server's RSS,
        # which a server nobody asks in words never needs (bench/memory.py).
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.examples = list(examples)
        self.abstract = abstract
        documents = [
            # The title and keywords are written in the words people ask with; a description
            # is longer and says much the same of every example ("with its evidence level"),
            # which drowns the words that set examples apart.
            " ".join([abstract(e.title), abstract(", ".join(e.keywords)),
                      *(slot_word(*s.constraint) for s in e.slots)])
            for e in self.examples]
        self._vectorizer: TfidfVectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                           sublinear_tf=True)
        self._matrix = self._vectorizer.fit_transform(documents)

    def rank(self, question: str) -> list[Scored]:
        """Every example, most similar first."""
        from sklearn.metrics.pairwise import linear_kernel

        vector = self._vectorizer.transform([self.abstract(question)])
        scores = linear_kernel(vector, self._matrix)[0]  # rows are L2-normalised: cosine
        order = sorted(range(len(self.examples)), key=lambda i: -scores[i])
        return [Scored(self.examples[i], float(scores[i])) for i in order]
