"""Two sentences side by side: how their words line up, and one disagreement found between them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from storyline.compare.facts import _TIME_LABELS
from storyline.compare.names import _NAMES
from storyline.compare.text import _STOP, _WORD, _content_words, _dice, _stem
from storyline.types import Citation, ContradictionKind, Sentence

# Values set on the dev half of benchmarks/contradictions.py, like those of contradictions.py
# (re-run it with --split dev after changing one).
#: Pairs sharing this share of their content words are one sentence copied with changes: every
#: difference is reported, not taken as a sign of two different facts.
SAME_SENTENCE = 0.7


@dataclass(slots=True)
class _Finding:
    """One disagreement between two sentences (merged later with others about the same thing)."""

    kind: ContradictionKind
    sides: dict[str, str]  # sentence id -> the phrase that differs ("four people")
    values: dict[str, str]  # sentence id -> normalised value (to group sentences that say the same)
    note: str = ""
    spans: dict[str, Citation] = field(default_factory=dict)
    # sentence id -> what to look for in the other outlets' articles (see _each_knows_the_other):
    # a number with its unit, a name, or a year used as a label.
    keys: dict[str, str] = field(default_factory=dict)


_TOKEN = _WORD


@dataclass(slots=True)
class _Pair:
    """Two sentences and how their words line up (difflib opcodes over lower-cased words)."""

    first: Sentence
    second: Sentence
    tokens_a: list[tuple[int, int]] = field(default_factory=list)  # article offsets of each word
    tokens_b: list[tuple[int, int]] = field(default_factory=list)
    blocks: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    dice: float = 0.0  # content-word overlap of the two sentences

    def __post_init__(self) -> None:
        self.dice = _dice(_content_words(self.first.text), _content_words(self.second.text))
        words_a: list[str] = []
        words_b: list[str] = []
        for sentence, tokens, words in ((self.first, self.tokens_a, words_a), (self.second, self.tokens_b, words_b)):
            for match in _TOKEN.finditer(sentence.text):
                tokens.append((sentence.start + match.start(), sentence.start + match.end()))
                words.append(_stem(match.group(0)))
        matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
        self.blocks = [(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]

    def _block(self, tokens: list[tuple[int, int]], start: int, end: int, side: int) -> set[int]:
        inside = [index for index, (s, e) in enumerate(tokens) if s < end and start < e]
        found = set()
        for number, block in enumerate(self.blocks):
            low, high = (block[1], block[2]) if side == 0 else (block[3], block[4])
            if block[0] != "equal" and any(low <= index < high for index in inside):
                found.add(number)
        return found

    def same_slot(self, first: tuple[int, int], second: tuple[int, int]) -> bool:
        """The two spans (article offsets) stand in for each other: the same changed stretch of words."""
        return bool(self._block(self.tokens_a, *first, 0) & self._block(self.tokens_b, *second, 1))

    def counterparts(self, span: tuple[int, int], reverse: bool = False) -> list[tuple[int, int]]:
        """What the other sentence has in place of ``span`` when only it changed: the article offsets
        of the other side of a short changed stretch (at most the span's length plus two words)."""
        tokens, others = (self.tokens_b, self.tokens_a) if reverse else (self.tokens_a, self.tokens_b)
        inside = [index for index, (s, e) in enumerate(tokens) if s < span[1] and span[0] < e]
        found = []
        for tag, i1, i2, j1, j2 in self.blocks:
            low, high, other_low, other_high = (j1, j2, i1, i2) if reverse else (i1, i2, j1, j2)
            if tag != "replace" or not inside or not (low <= inside[0] and inside[-1] < high):
                continue
            if high - low <= len(inside) + 2 and 0 < other_high - other_low <= len(inside) + 2:
                found.append((others[other_low][0], others[other_high - 1][1]))
        return found

    def same_neighbour(self, first: tuple[int, int], second: tuple[int, int]) -> bool:
        """A content word right next to each span is the same ("in a Budapest court" and "A New
        Jersey court", "chairman Fabio Sementilli" and "Carl-Henric Svanberg, the chairman"): the
        same place in reordered sentences."""
        return bool((set(_neighbours(self.first, *first)) & set(_neighbours(self.second, *second))) - {""})

    def substitution(self, first: tuple[int, int], second: tuple[int, int]) -> bool:
        """One span was put for the other and little else changed around it ("Syria has accused Turkey"
        against "Lebanon has accused Turkey"): the changed stretch is the span give or take two words."""
        shared = self._block(self.tokens_a, *first, 0) & self._block(self.tokens_b, *second, 1)
        size_a = sum(1 for s, e in self.tokens_a if s < first[1] and first[0] < e)
        size_b = sum(1 for s, e in self.tokens_b if s < second[1] and second[0] < e)
        return any(
            self.blocks[n][2] - self.blocks[n][1] <= size_a + 2 and self.blocks[n][4] - self.blocks[n][3] <= size_b + 2
            for n in shared
        )


def _neighbours(sentence: Sentence, start: int, end: int) -> tuple[str, str]:
    """The nearest content words before and after a span of a sentence (article offsets), not
    counting words of other names or of dates ("Shell Chief Executive Fidel Castro" -> "executive";
    "a distribution center Thursday in Harford County" -> "center")."""
    names = [
        (e.start, e.end) for e in sentence.entities if e.label in _NAMES or e.label in _TIME_LABELS or e.label == "NORP"
    ]
    words = [
        (sentence.start + m.start(), _stem(m.group(0)))
        for m in _WORD.finditer(sentence.text)
        if m.group(0).lower() not in _STOP and len(m.group(0)) > 2
    ]
    words = [(at, word) for at, word in words if not any(s <= at < e for s, e in names)]
    before = [word for at, word in words if at < start]
    after = [word for at, word in words if at >= end]
    return (before[-1] if before else "", after[0] if after else "")


def _phrase(sentence: Sentence, start: int, end: int, words_after: int = 0) -> str:
    """The words of a sentence from ``start`` to ``end`` (article offsets) and a few words after."""
    text = sentence.text
    local_end = end - sentence.start
    if words_after:
        tail = re.match(rf"(?:\W*[^\W_]+(?:['’-][^\W_]+)*){{0,{words_after}}}", text[local_end:])
        local_end += tail.end() if tail else 0
    return text[start - sentence.start : local_end].strip(" ,;:")
