"""What each sentence of a cluster states that can disagree (numbers, dates, names), and the
context of the cluster that every part of the comparison reads."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from storyline.compare.names import _NAMES, _is_alias, _key_word, _side_by_side
from storyline.compare.text import _OPENING_MARKS, _WORD, _content_words, _lower_words
from storyline.nlp.dates import When, parse_iso_date, resolve_date
from storyline.nlp.quantities import Quantity, find_quantities
from storyline.nlp.quotes import PersonNames, clean_name, person_names
from storyline.nlp.segment import dateline_length
from storyline.types import Alignment, Article, Citation, Entity, Sentence

Matrix = npt.NDArray[np.float32]

# Words before a date (within FUTURE_WINDOW characters) that put it ahead of the publication date:
# "will start on Thursday", "is due to meet on November 7", "before the next Congress convenes in January".
_FUTURE = re.compile(
    r"\b(?:will|'ll|is due|are due|due to|scheduled|expected to|plans? to|set to|to be held|next|upcoming)\b",
    re.IGNORECASE,
)

FUTURE_WINDOW = 60

_EVENT_YEAR_PREPOSITIONS = frozenset({"in", "during", "by", "early", "late", "mid", "until"})

_SPAN = re.compile(r"\s*(?:since|until|till|through|throughout)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Reference:
    """The date an article's relative dates count from; ``exact`` when it is the article's own."""

    day: date | None
    exact: bool


@dataclass(slots=True)
class _Facts:
    """What one sentence states that can disagree: numbers, dates and names."""

    quantities: list[Quantity]
    dates: list[tuple[Entity, When | None]]
    events: set[int]  # positions in ``dates`` of the dates that date an event (for the timeline)
    names: list[Entity]


def reference_dates(articles: Sequence[Article], datelines: Mapping[str, date] | None = None) -> dict[str, _Reference]:
    """The date each article's relative dates ("Thursday", "Nov. 24") are resolved against.

    An article's own publication date (``Article.published``, else a dateline found in its page
    text) is exact. An article without one borrows the middle of the others' dates: close enough
    for the year of "Nov. 24", not for the day of "Thursday", so it is marked inexact.
    """
    own: dict[str, date] = {}
    for article in articles:
        day = parse_iso_date(article.published) or (datelines or {}).get(article.id)
        if day is not None:
            own[article.id] = day
    known = sorted(own.values())
    borrowed = known[len(known) // 2] if known else None
    return {
        article.id: _Reference(own[article.id], True) if article.id in own else _Reference(borrowed, False)
        for article in articles
    }


class _Context:
    """The cluster's sentences with what every part of the comparison needs, computed once."""

    def __init__(self, alignment: Alignment, vectors: Matrix, references: dict[str, _Reference]) -> None:
        self.alignment = alignment
        self.references = references
        self.sentences = [sentence for document in alignment.documents for sentence in document.sentences]
        if len(self.sentences) != len(vectors):
            raise ValueError(f"got {len(vectors)} vectors for {len(self.sentences)} sentences")
        self.position = {sentence.id: index for index, sentence in enumerate(self.sentences)}
        self.by_id = {sentence.id: sentence for sentence in self.sentences}
        self.articles = {document.article.id: document.article for document in alignment.documents}
        self.sentences_of = {document.article.id: document.sentences for document in alignment.documents}
        self.vectors = vectors
        if len(vectors):
            centre = vectors.mean(axis=0)
            norm = float(np.linalg.norm(centre))
            self.centrality = vectors @ (centre / norm if norm else centre)
        else:
            self.centrality = np.zeros(0, dtype=np.float32)
        self.groups = alignment.groups
        self.outlets = len(set(alignment.groups.values()))
        self.names = {document.article.id: person_names(document.sentences) for document in alignment.documents}
        self.people = _People(self.names.values())
        self._facts: dict[str, _Facts] = {}
        self._frames: dict[str, frozenset[str]] = {}
        self._together: dict[tuple[str, str], tuple[str, ...]] = {}
        self._mentioned: dict[str, frozenset[str]] = {}
        self._named_by: tuple[dict[str, set[str]], dict[str, set[str]]] | None = None
        self._words_in_order: list[str] = []
        self._lower_words: set[str] | None = None
        self._figures: dict[str, set[str]] = {}
        self._counts: dict[str, set[float]] | None = None

    def cite(self, sentence: Sentence) -> Citation:
        return Citation(sentence.article_id, sentence.start, sentence.end)

    def source(self, sentence_or_article: str) -> str:
        article_id = self.by_id[sentence_or_article].article_id if ":" in sentence_or_article else sentence_or_article
        article = self.articles.get(article_id)
        return article.source if article else article_id

    def cosine(self, first: str, second: str) -> float:
        return float(self.vectors[self.position[first]] @ self.vectors[self.position[second]])

    def similarity(self, first: str, second: str) -> float:
        """The alignment's (centred) similarity of two sentences; 0 when it kept none."""
        table = self.alignment.similarity
        return table.get((first, second), table.get((second, first), 0.0))

    def aligned(self, first: str, second: str) -> bool:
        support = self.alignment.support
        return second in support.get(first, ()) or first in support.get(second, ())

    def together(self, first: Entity, second: Entity, compared: tuple[Sentence, Sentence]) -> bool:
        """Some sentence of the cluster names both ("Laramie, Wyo.", "Exxon and Mobil"): they are two
        parts of the story (a town and its state, two companies, two people), not one fact's rivals.

        The two sentences being compared count only where they name the two side by side: "fought
        for the United States, while the U.S. government ..." against "... while the Iran government"
        names the United States in the words the two share, not as Iran's partner.
        """
        key = (first.text, second.text)
        naming = self._together.get(key)
        if naming is None:
            naming = self._together[key] = tuple(self.mentioned_in(first) & self.mentioned_in(second))
        compared_ids = (compared[0].id, compared[1].id)
        return any(s not in compared_ids or _side_by_side(self.by_id[s], first, second) for s in naming)

    def mentioned_in(self, name: Entity) -> frozenset[str]:
        """The ids of the sentences that name this person or place (see :func:`_mentions`)."""
        found = self._mentioned.get(name.text)
        if found is None:
            if self._named_by is None:  # where each name and each word stands, looked up by every name
                by_name: dict[str, set[str]] = {}
                by_word: dict[str, set[str]] = {}
                for sentence in self.sentences:
                    for entity in sentence.entities:
                        by_name.setdefault(entity.text, set()).add(sentence.id)
                    for word in _lower_words(sentence.text):
                        by_word.setdefault(word, set()).add(sentence.id)
                self._named_by = (by_name, by_word)
                self._words_in_order = sorted(by_word)
            by_name, by_word = self._named_by
            ids = set().union(*(where for text, where in by_name.items() if _is_alias(name.text, text)))
            ids.update(*(by_word[word] for word in self._key_words(_key_word(name.text), by_word)))
            found = self._mentioned[name.text] = frozenset(ids)
        return found

    def _key_words(self, key: str, by_word: Mapping[str, set[str]]) -> list[str]:
        """The cluster's lower-case words that say this key word (:func:`_says_key`): the word itself
        and, for a key of four letters or more, the words it begins, found by bisection."""
        if len(key) < 4:
            return [key] if key in by_word else []
        words = self._words_in_order
        found = []
        for index in range(bisect_left(words, key), len(words)):
            if not words[index].startswith(key):
                break
            found.append(words[index])
        return found

    def common_word(self, sentence: Sentence, start: int, word: str) -> bool:
        """A capitalised word that opens the sentence ("Officials say ...") and is written in lower
        case elsewhere in the cluster: a common word, capitalised only for its place, not a name."""
        if sentence.text[: start - sentence.start].strip(_OPENING_MARKS) or " " in word.strip():
            return False
        if self._lower_words is None:
            self._lower_words = {
                match.group(0) for s in self.sentences for match in _WORD.finditer(s.text) if match.group(0).islower()
            }
        return word.strip().lower() in self._lower_words

    def frame(self, sentence: Sentence) -> frozenset[str]:
        """The sentence's content words outside its names, numbers and dates (computed once)."""
        found = self._frames.get(sentence.id)
        if found is None:
            found = self._frames[sentence.id] = _frame_words(sentence)
        return found

    def knows(self, article_id: str, kind: str, key: str) -> bool:
        """Whether an article states this value anywhere: a name (``kind`` "entity"), a year used as
        a label (``kind`` "date") or a number with its unit (``kind`` "number", see :func:`_number_key`)."""
        if kind == "entity":
            return any(self.by_id[s].article_id == article_id for s in self.mentioned_in(Entity(key, "PERSON", 0, 0)))
        if kind == "date":  # a year used as a label
            return re.search(rf"(?<!\d){re.escape(key)}(?!\d)", self.articles[article_id].text) is not None
        figures = self._figures.get(article_id)
        if figures is None:
            figures = self._figures[article_id] = {
                _number_key(quantity)
                for sentence in self.sentences_of[article_id]
                for quantity in self.facts(sentence).quantities
            }
        return key in figures

    def counts_of(self, unit: str) -> frozenset[float]:
        """Every value the cluster's articles give a count of this thing ("condom": 2 and 12)."""
        if self._counts is None:
            self._counts = {}
            for sentence in self.sentences:
                for quantity in self.facts(sentence).quantities:
                    if quantity.unit:
                        self._counts.setdefault(quantity.unit[0], set()).add(quantity.value)
        return frozenset(self._counts.get(unit, ()))

    def facts(self, sentence: Sentence) -> _Facts:
        found = self._facts.get(sentence.id)
        if found is None:
            found = _sentence_facts(sentence, self.references[sentence.article_id])
            self._facts[sentence.id] = found
        return found


def _sentence_facts(sentence: Sentence, reference: _Reference) -> _Facts:
    skip = [
        (e.start - sentence.start, e.end - sentence.start) for e in sentence.entities if e.label in ("DATE", "TIME")
    ]
    quantities = find_quantities(sentence.text, skip)
    dates: list[tuple[Entity, When | None]] = []
    events: set[int] = set()
    for entity in sentence.entities:
        if entity.label != "DATE":
            continue
        local = entity.start - sentence.start
        future = bool(_FUTURE.search(sentence.text[max(0, local - FUTURE_WINDOW) : local]))
        when = resolve_date(entity.text, reference.day, future=future, relative=reference.exact)
        event = when is not None
        if when is None and (span := _SPAN.match(entity.text)):
            # "since 1984" dates no event, but "since 1982" in another outlet still disagrees.
            when = resolve_date(entity.text[span.end() :], reference.day, future=future, relative=reference.exact)
        if when is None and not _names_a_day(entity.text):
            continue
        if event and when is not None and when.granularity == "year" and re.fullmatch(r"\d{4}", entity.text.strip()):
            # "2001 and 2002 congressional authorizations", "the 1989 protests": a year used as a label.
            event = _after_preposition(sentence.text[:local])
        if event:
            events.add(len(dates))
        dates.append((entity, when))
    # The place of a dateline ("WASHINGTON —") is where the story was filed, not a fact of it.
    opening = sentence.start + dateline_length(sentence.text, first=sentence.index == 0)
    # A "name" in lower case where the text is cased ("marijuana") is a common word spaCy took for one.
    cased = any(character.isupper() for character in sentence.text)
    names = [
        e
        for e in sentence.entities
        if e.label in _NAMES
        and e.start >= opening
        and not _in_compound(sentence, e)
        and (not cased or any(character.isupper() for character in e.text))
    ]
    if _CAPTION.search(sentence.text):
        dates = []  # when a photo was taken, not when the story's events happened
    return _Facts(quantities, dates, events, names)


# A photo caption copied with the article ("FILE - In this Sept. 30, 2003, file photo, ...").
_CAPTION = re.compile(
    r"^\W*FILE\b\s*[-–—]|\bfile (?:photo|image|picture)\b|\bin this (?:\w+\s+){0,6}(?:photo|image|picture)\b",
    re.IGNORECASE,
)


def _in_compound(sentence: Sentence, entity: Entity) -> bool:
    """The name is part of a hyphenated word ("the Chicago-area woman", "Mar" cut from "Mar-a-Lago"):
    a modifier or a fragment, not who or where the fact is about."""
    text, start, end = sentence.text, entity.start - sentence.start, entity.end - sentence.start
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "-" and after[1].isalpha()) or (
        len(before) == 2 and before[1] == "-" and before[0].isalpha()
    )


_DAY_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    re.IGNORECASE,
)


def _names_a_day(expression: str) -> bool:
    """An unresolved date that still names a weekday or month ("Thursday" without a reference)."""
    return bool(_DAY_WORDS.search(expression)) and not re.search(r"\b(?:days|weeks|months|years)\b", expression)


def _frame_words(sentence: Sentence) -> frozenset[str]:
    """The content words of a sentence outside its names, numbers and dates: what it says of them.
    A name or figure put for another leaves them as they were."""
    text = sentence.text
    for entity in sorted(sentence.entities, key=lambda e: -e.start):
        if entity.label in _NAMES or entity.label in _VALUE_LABELS:
            text = text[: entity.start - sentence.start] + " " + text[entity.end - sentence.start :]
    return _content_words(text)


_VALUE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})

_TIME_LABELS = frozenset({"DATE", "TIME"})


def _number_key(quantity: Quantity) -> str:
    """A figure with what it counts ("60 people"): a bare "three" recurs for too many things."""
    return f"{quantity.value:g} {quantity.unit[0] if quantity.unit else ''}".strip()


def _after_preposition(before: str) -> bool:
    """The text before a year ends in a preposition that makes it date an event ("in 1996")."""
    last = before.split()[-1:]
    return bool(last) and last[0].lower() in _EVENT_YEAR_PREPOSITIONS


class _People:
    """Every person the cluster names, so "Earnest" in one outlet is "Josh Earnest" in all."""

    def __init__(self, names: Iterable[PersonNames]) -> None:
        counts: dict[str, int] = {}
        for found in names:
            for name in (*found.full, *found.by_surname.values()):
                counts[name] = counts.get(name, 0) + 1
        self.full = sorted(counts, key=lambda n: (-len(n.split()), -counts[n], n))

    def canonical(self, name: str | None) -> str | None:
        if not name:
            return None
        if " and " in name:
            parts = [self.canonical(part) or part for part in name.split(" and ")]
            return " and ".join(parts)
        clean = clean_name(name)
        words = clean.split()
        if not words:
            return None
        for full in self.full:
            full_words = full.split()
            if full_words[-1] == words[-1] and set(words) <= set(full_words):
                return full
        return clean  # a first name alone stays as it is: "Pinochet's son, Augusto" is not Augusto Pinochet
