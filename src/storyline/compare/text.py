"""Word-level helpers the comparison shares: content words, Dice overlap, denials (on the rules of storyline.text)."""

from __future__ import annotations

import functools
import re

from storyline.text import CLAIM_STOPWORDS, WORD, plural_stem

# The shared text rules (storyline.text) under the names the comparison's modules use.
_WORD = WORD
_STOP = CLAIM_STOPWORDS
_stem = plural_stem

_NEGATIONS = frozenset({"not", "no", "none", "never", "n't", "nobody", "nothing", "neither", "nor", "without"})

_OPENING_MARKS = " \"“‘'`«(—–-"


def _claim_words(text: str) -> int:
    return len(_WORD.findall(text))


def _content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2)


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


_NEGATION = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(_NEGATIONS)) + r")(?![\w-])")


def _negations(text: str) -> int:
    """How many words deny something ("not only ... but also", "no-confidence" deny nothing)."""
    text = re.sub(r"\bnot only\b", " ", text.lower().replace("n't", " not"))
    return len(_NEGATION.findall(text))


@functools.lru_cache(maxsize=4096)
def _lower_words(text: str) -> tuple[str, ...]:
    """A sentence's words in lower case (asked for the same sentences once per name checked)."""
    return tuple(word.lower() for word in _WORD.findall(text))
