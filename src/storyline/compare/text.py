"""Word-level helpers the comparison shares: content words, Dice overlap, denials."""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have
    had do does did this that these those it its he she they them his her their we our you your i me my
    will would could should can may might must shall said says say about into over after before than
    then there here who whom which what when where why how also just more most other some such only own
    same so too very s t up out that's""".split()
)

_NEGATIONS = frozenset({"not", "no", "none", "never", "n't", "nobody", "nothing", "neither", "nor", "without"})

_OPENING_MARKS = " \"“‘'`«(—–-"


def _claim_words(text: str) -> int:
    return len(_WORD.findall(text))


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


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
