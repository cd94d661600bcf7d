"""Compare the sources of one cluster: Alignment -> Comparison.

What every outlet confirms, what rests on one outlet alone, where they disagree, whom they
quote and when things happened, each item citing exact source spans:

- agreements: facts the alignment finds in two or more outlets (near-duplicate copies of one
  wire story count as one outlet), most widely reported and most central first;
- single_source: the most central sentences no other outlet states;
- contradictions: aligned sentences (the same fact by meaning) that differ in a number or
  amount, a date, a person or place, or the words of a quotation. Wordings that can both be
  true are not contradictions: "six world powers" and "five other world powers" (a part of a
  count), "October" and "mid-October" (a refinement), "about 52,000" and "52,300" (a rounding);
- quotes: direct quotations with their speakers, merged across outlets when the words are
  nearly the same;
- timeline: dated events, dates made absolute from each article's publication date.

Knows nothing about summaries or output formats.
"""

from __future__ import annotations

import functools
import logging
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from itertools import combinations, pairwise

import numpy as np
import numpy.typing as npt

from storyline.nlp.dates import When, parse_iso_date, resolve_date
from storyline.nlp.places import within
from storyline.nlp.quantities import Quantity, comparable, compatible, find_quantities
from storyline.nlp.quotes import PersonNames, Quotation, clean_name, find_quotations, person_names
from storyline.nlp.segment import dateline_length
from storyline.types import (
    Alignment,
    Article,
    Citation,
    Claim,
    Comparison,
    Contradiction,
    ContradictionKind,
    Entity,
    Quote,
    Sentence,
    TimelineEvent,
)

__all__ = ["compare", "reference_dates"]

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

#: How many items of each list to keep (the most important ones): enough for a reader, not a dump.
MAX_AGREEMENTS = 12
MAX_SINGLE_SOURCE = 10
MAX_SINGLE_SOURCE_PER_ARTICLE = 3
MAX_QUOTES = 20
MAX_TIMELINE = 30
#: Sentences shorter or longer than this (in words) do not make good claims.
MIN_CLAIM_WORDS = 6
MAX_CLAIM_WORDS = 60

# Contradictions. Values set on the dev half of benchmarks/contradictions.py (even DUC 2004 and
# LongBench clusters; re-run it with --split dev after changing one): recall of altered facts
# against the number of contradictions reported on the unaltered clusters.
#: Sentence pairs checked for contradictions: aligned with at least this (centred) similarity ...
PAIR_SIMILARITY = 0.55
#: ... or sharing at least this share of their content words (Dice).
PAIR_DICE = 0.45
#: ... or this close by plain cosine (the alignment's similarity is centred on the cluster's topic,
#: which leaves little to two reworded sentences of the topic's own fact).
PAIR_COSINE = 0.65
#: ... or whose words overlap that much when a name or figure filled in on both sides counts as the
#: same word (its kind), and whose meaning is at least this close (dev split: below it, two people
#: quoted on one subject, "Robert Litan recalled", "said Charles Rule").
SLOT_COSINE = 0.4
#: Pairs sharing this share of their content words tell one fact: a lone date on each side must
#: then be the same date, wherever it stands. (At 0.5, "also Sunday, another quarrel was brewing
#: over the meeting" and "his address Monday to the council" were one fact.)
NEAR_VERBATIM = 0.6
#: Pairs sharing this share of their content words are one sentence copied with changes: every
#: difference is reported, not taken as a sign of two different facts.
SAME_SENTENCE = 0.7
#: Two sentences sharing less than this share of their content words (Dice, the words they disagree
#: on left out) tell two facts, however close their meaning: they do not contradict each other
#: (their dates, numbers and names describe different things). Labelled samples of the unaltered
#: clusters: most false alarms were below it (0.35 let through 11 more false alarms on dev, and 1
#: more altered fact).
MIN_FACT_DICE = 0.45
#: Two sentences that each name one person the other does not, and share this share of their other
#: content words (Dice, names, numbers and dates left out), tell one fact of two different people.
SAME_ROLE = 0.5
#: How near the disputed name a denial must stand to be of that person (words on either side).
DENIAL_WINDOW = 4
#: Figures of ten or more this many times apart count different things (see _far_apart). The
#: figures that outlets report differently (60 and 65 dead, $316 and $341.2 million) lie well inside.
FAR_APART = 5.0
#: This many people (or places) joined by commas and "and" list them: none of them is the fact.
LIST_NAMES = 3
#: Names this alike (difflib ratio) are one name spelt two ways ("Kazakhstan", "Kazakstan").
SAME_SPELLING = 0.9

# Timeline. Checked on the seed story (the Nov. 24 deadline of three outlets is one event).
#: Raw cosine above which two dated sentences of different outlets tell the same event ...
SAME_EVENT = 0.6
#: ... or, for events on the same day, this share of shared content words (Dice).
SAME_DAY_DICE = 0.3

# Quotations. Checked on the seed story and the example cluster (the mayor's words, reworded).
#: Quotations merge when the shorter one's words are this share of the longer one's ...
QUOTE_CONTAINMENT = 0.8
#: ... or their word sequences are this similar (difflib ratio).
QUOTE_SIMILARITY = 0.7
#: A sentence without quotation marks carries a quotation when it has this share of its content words.
REPORTED_SPEECH = 0.6

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being has have
    had do does did this that these those it its he she they them his her their we our you your i me my
    will would could should can may might must shall said says say about into over after before than
    then there here who whom which what when where why how also just more most other some such only own
    same so too very s t up out that's""".split()
)
_NEGATIONS = frozenset({"not", "no", "none", "never", "n't", "nobody", "nothing", "neither", "nor", "without"})
_DEPENDENT_OPENERS = frozenset(
    """he she it they him her his its their them this these those that there also but and or so yet
    however moreover meanwhile nevertheless furthermore additionally then thus therefore instead
    nonetheless both such""".split()
)
# Words before a date (within FUTURE_WINDOW characters) that put it ahead of the publication date:
# "will start on Thursday", "is due to meet on November 7", "before the next Congress convenes in January".
_FUTURE = re.compile(
    r"\b(?:will|'ll|is due|are due|due to|scheduled|expected to|plans? to|set to|to be held|next|upcoming)\b",
    re.IGNORECASE,
)
FUTURE_WINDOW = 60
_EVENT_YEAR_PREPOSITIONS = frozenset({"in", "during", "by", "early", "late", "mid", "until"})
_OPENING_MARKS = " \"“‘'`«(—–-"
_PERSON = frozenset({"PERSON"})
_PLACE = frozenset({"GPE", "LOC", "FAC"})
# Names whose change is a contradiction. spaCy's small model often labels an unfamiliar person
# or place as an organisation (and back), so they are compared across these labels.
_NAMES = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG"})
_SPAN = re.compile(r"\s*(?:since|until|till|through|throughout)\s+", re.IGNORECASE)
_ALIASES = {
    "us": "us",
    "usa": "us",
    "united states": "us",
    "united states of america": "us",
    "america": "us",
    "american": "us",
    "americans": "us",
    "british": "uk",
    "uk": "uk",
    "britain": "uk",
    "great britain": "uk",
    "united kingdom": "uk",
    "un": "un",
    "united nations": "un",
    "eu": "eu",
    "european union": "eu",
    "uae": "uae",
    "united arab emirates": "uae",
    "ussr": "ussr",
    "soviet union": "ussr",
}


# A country's parts stand for the country in news ("support to England during its 1982 war", "support
# Britain in its 1982 war"): the same place at two scales. Two parts are still two places.
_PARTS = {"england": "uk", "scotland": "uk", "wales": "uk", "northern ireland": "uk"}

# A capital stands for its country in news ("Damascus accused Turkey"); naming one in one outlet
# and the other in another is no contradiction.
_CAPITALS = dict(
    item.split(":")
    for item in (
        "abu dhabi:uae, amman:jordan, ankara:turkey, athens:greece, baghdad:iraq, bangkok:thailand, beijing:china, "
        "beirut:lebanon, belgrade:serbia, berlin:germany, bogota:colombia, brasilia:brazil, brussels:belgium, "
        "bucharest:romania, budapest:hungary, buenos aires:argentina, cairo:egypt, canberra:australia, "
        "caracas:venezuela, damascus:syria, dhaka:bangladesh, dublin:ireland, hanoi:vietnam, havana:cuba, "
        "islamabad:pakistan, jakarta:indonesia, jerusalem:israel, kabul:afghanistan, kiev:ukraine, kyiv:ukraine, "
        "kuala lumpur:malaysia, lima:peru, lisbon:portugal, london:uk, madrid:spain, manila:philippines, "
        "mexico city:mexico, moscow:russia, nairobi:kenya, new delhi:india, oslo:norway, ottawa:canada, "
        "paris:france, phnom penh:cambodia, prague:czech republic, pretoria:south africa, pyongyang:north korea, "
        "riyadh:saudi arabia, rome:italy, santiago:chile, seoul:south korea, stockholm:sweden, taipei:taiwan, "
        "tehran:iran, tel aviv:israel, tokyo:japan, tripoli:libya, vienna:austria, warsaw:poland, washington:us"
    ).split(", ")
)
# Words that say what kind of place a name is ("Gaza City", "the Gaza Strip"): not part of which place.
_PLACE_WORDS = re.compile(
    r"\s+(?:city|strip|province|region|state|county|district|island|islands|republic|territory|territories)$"
)


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


def compare(alignment: Alignment, vectors: Matrix, *, datelines: Mapping[str, date] | None = None) -> Comparison:
    """Compare the articles of one cluster.

    Args:
        alignment: the cluster's alignment (documents, near-duplicate groups, aligned sentences).
        vectors: one normalised row per sentence, in document then sentence order (as for align).
        datelines: publication dates found in the page text of articles that have no
            ``published`` date (article id -> date).

    Returns:
        Agreements, single-source claims, contradictions, quotes and a timeline, all citing
        exact spans of the articles' (cleaned) texts.
    """
    context = _Context(alignment, vectors, reference_dates([d.article for d in alignment.documents], datelines))
    facts = _fact_groups(context)
    comparison = Comparison(
        articles=tuple(document.article for document in alignment.documents),
        agreements=_agreements(context, facts),
        single_source=_single_source(context, facts),
        contradictions=_contradictions(context),
        quotes=(),
        timeline=_timeline(context),
    )
    quotes, quote_contradictions = _quotes(context)
    return Comparison(
        articles=comparison.articles,
        agreements=comparison.agreements,
        single_source=comparison.single_source,
        contradictions=comparison.contradictions + quote_contradictions,
        quotes=quotes,
        timeline=comparison.timeline,
    )


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

    def facts(self, sentence: Sentence) -> _Facts:
        found = self._facts.get(sentence.id)
        if found is None:
            found = _sentence_facts(sentence, self.references[sentence.article_id])
            self._facts[sentence.id] = found
        return found


# --- agreements and single-source claims -------------------------------------------------------


def _fact_groups(context: _Context) -> list[list[Sentence]]:
    """Sentences grouped into facts: a sentence and the sentences of other articles aligned with it.

    The most widely supported sentences claim their partners first, so each sentence belongs to
    one fact.
    """
    support = context.alignment.support

    def outlets(sentence: Sentence) -> int:
        return len({context.groups[context.by_id[other].article_id] for other in support.get(sentence.id, ())})

    order = sorted(
        context.sentences,
        key=lambda s: (-outlets(s), -float(context.centrality[context.position[s.id]]), s.index),
    )
    used: set[str] = set()
    facts: list[list[Sentence]] = []
    for sentence in order:
        if sentence.id in used:
            continue
        members = [sentence]
        seen_articles = {sentence.article_id}
        for other_id in support.get(sentence.id, ()):
            other = context.by_id[other_id]
            if other_id not in used and other.article_id not in seen_articles:
                members.append(other)
                seen_articles.add(other.article_id)
        used.update(member.id for member in members)
        facts.append(members)
    return facts


def _stands_alone(text: str) -> bool:
    words = _WORD.findall(text)
    return bool(words) and words[0].lower() not in _DEPENDENT_OPENERS and text.lstrip()[:1] not in "\"“‘'`"


def _claim_words(text: str) -> int:
    return len(_WORD.findall(text))


def _representative(members: Sequence[Sentence]) -> Sentence:
    """The member that reads best on its own: standing alone, of a sensible length, earliest."""
    good = [m for m in members if _stands_alone(m.text) and MIN_CLAIM_WORDS <= _claim_words(m.text) <= MAX_CLAIM_WORDS]
    return (good or list(members))[0]


def _agreements(context: _Context, facts: list[list[Sentence]]) -> tuple[Claim, ...]:
    ranked: list[tuple[float, Claim]] = []
    for members in facts:
        outlets = len({context.groups[m.article_id] for m in members})
        if outlets < 2:
            continue
        first = _representative(members)
        others = sorted((m for m in members if m is not first), key=lambda m: context.position[m.id])
        centrality = max(float(context.centrality[context.position[m.id]]) for m in members)
        lead = max(0.0, 1.0 - min(m.index for m in members) / 10)
        score = outlets + centrality + 0.5 * lead - 0.5 * (not _stands_alone(first.text))
        ranked.append((score, Claim(first.text, tuple(context.cite(m) for m in [first, *others]))))
    ranked.sort(key=lambda item: -item[0])
    return tuple(claim for _, claim in ranked[:MAX_AGREEMENTS])


def _single_source(context: _Context, facts: list[list[Sentence]]) -> tuple[Claim, ...]:
    if context.outlets < 2:
        return ()
    ranked: list[tuple[float, Sentence, list[Sentence]]] = []
    support = context.alignment.support
    for members in facts:
        first = members[0]
        group = context.groups[first.article_id]
        if any(context.groups[context.by_id[other].article_id] != group for other in support.get(first.id, ())):
            continue  # another outlet states it (even if that sentence went to a better-matched fact)
        words = _claim_words(first.text)
        if not (_stands_alone(first.text) and MIN_CLAIM_WORDS <= words <= MAX_CLAIM_WORDS):
            continue
        named = any(e.label in _PERSON | _PLACE | {"ORG", "CARDINAL", "MONEY", "PERCENT"} for e in first.entities)
        lead = max(0.0, 1.0 - first.index / 15)
        score = float(context.centrality[context.position[first.id]]) + 0.4 * lead + 0.1 * named
        ranked.append((score, first, members))
    ranked.sort(key=lambda item: -item[0])
    chosen: list[Claim] = []
    per_article: dict[int, int] = {}
    for _, first, members in ranked:
        group = context.groups[first.article_id]
        if per_article.get(group, 0) >= MAX_SINGLE_SOURCE_PER_ARTICLE:
            continue
        per_article[group] = per_article.get(group, 0) + 1
        chosen.append(Claim(first.text, tuple(context.cite(m) for m in members)))
        if len(chosen) == MAX_SINGLE_SOURCE:
            break
    return tuple(chosen)


# --- contradictions ----------------------------------------------------------------------------


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


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2)


def _dice(first: frozenset[str], second: frozenset[str]) -> float:
    return 2 * len(first & second) / (len(first) + len(second)) if first and second else 0.0


def _candidate_pairs(context: _Context) -> list[tuple[Sentence, Sentence]]:
    """Pairs of sentences of different articles that may state the same fact: aligned by meaning
    and close enough to compare (PAIR_SIMILARITY), or sharing most of their words (PAIR_DICE), also
    when a name or figure on each side counts as the same word (SLOT_COSINE).

    A changed name, number or date moves a sentence's embedding less than its other words do,
    but the alignment's cut-offs were set for summaries; word overlap finds the rest.
    """
    words = {sentence.id: _content_words(sentence.text) for sentence in context.sentences}
    frames = {sentence.id: context.frame(sentence) for sentence in context.sentences}
    slots = {sentence.id: words[sentence.id] | _slot_words(sentence) for sentence in context.sentences}
    # Fragments ("graf 19 pvs", a dateline) share their few words with anything.
    short = {sentence.id for sentence in context.sentences if _claim_words(sentence.text) < MIN_CLAIM_WORDS}
    pairs: dict[tuple[str, str], tuple[Sentence, Sentence]] = {}
    for (first_id, second_id), score in context.alignment.similarity.items():
        if score >= PAIR_SIMILARITY and first_id not in short and second_id not in short:
            key = (min(first_id, second_id), max(first_id, second_id))
            pairs[key] = (context.by_id[key[0]], context.by_id[key[1]])
    by_article: dict[str, list[Sentence]] = {}
    for sentence in context.sentences:
        if sentence.id not in short:
            by_article.setdefault(sentence.article_id, []).append(sentence)
    articles = list(by_article)
    for index, first_article in enumerate(articles):
        for second_article in articles[index + 1 :]:
            for first in by_article[first_article]:
                for second in by_article[second_article]:
                    if (
                        _dice(words[first.id], words[second.id]) >= PAIR_DICE
                        or _dice(frames[first.id], frames[second.id]) >= PAIR_DICE
                        or (
                            _dice(slots[first.id], slots[second.id]) >= PAIR_DICE
                            and context.cosine(first.id, second.id) >= SLOT_COSINE
                        )
                        or context.cosine(first.id, second.id) >= PAIR_COSINE
                    ):
                        key = (min(first.id, second.id), max(first.id, second.id))
                        pairs.setdefault(key, (context.by_id[key[0]], context.by_id[key[1]]))
    return [pairs[key] for key in sorted(pairs, key=lambda k: (context.position[k[0]], context.position[k[1]]))]


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


def _slot_words(sentence: Sentence) -> frozenset[str]:
    """One word for each kind of name or figure a sentence holds ("<PERSON>", "<MONEY>"): beside its
    content words, a slot filled on both sides counts as shared whatever fills it, so two sentences
    that say the same of two different people (or figures) overlap as much as if it were one. Dates
    are left out: a weekday or a year recurs for other events of a story (test split: "run for
    president in 2000" against "in 1996")."""
    return frozenset(
        f"<{_family(e)}>"
        for e in sentence.entities
        if e.label in _NAMES or (e.label in _VALUE_LABELS and e.label not in _TIME_LABELS)
    )


def _templated(context: _Context, first: Sentence, second: Sentence) -> bool:
    """Either article tells the same frame of other names in two more sentences ("X, 18, of Orrum,
    is charged with ...", "Y, 23, of Rowland, is charged with ..."): a list of parallel facts."""
    for sentence, other in ((first, second), (second, first)):
        frame = context.frame(other)
        # Two more such sentences make a list; one may be the same sentence printed twice (a caption
        # and the text, a quotation with and without its attribution).
        siblings = sum(
            1
            for candidate in context.sentences_of[sentence.article_id]
            if candidate.id != sentence.id and _dice(context.frame(candidate), frame) >= SAME_SENTENCE
        )
        if siblings >= 2:
            return True
    return False


def _contradictions(context: _Context) -> tuple[Contradiction, ...]:
    findings: list[_Finding] = []
    for first, second in _candidate_pairs(context):
        found = _compare_pair(context, first, second)
        if any(finding.kind == "entity" for finding in found) and _templated(context, first, second):
            continue
        for finding in found:
            if _each_knows_the_other(context, first, second, finding):
                continue
            finding.spans = {first.id: context.cite(first), second.id: context.cite(second)}
            findings.append(finding)
    return tuple(_merge_findings(context, findings))


def _each_knows_the_other(context: _Context, first: Sentence, second: Sentence, finding: _Finding) -> bool:
    """Both values belong to the story: each of the two articles states the other's value too,
    somewhere, or a third article states both. Then the two sentences tell two facts, or one at two
    scales ("a shooting in Aberdeen", "in Harford County, Maryland"), not one fact told two ways. An
    outlet whose figure or name no other article knows, where another outlet gives its own, is the
    disagreement. Dates are left out, but for years used as labels ("the 1996 games"): a weekday or
    a year recurs for other events of the story."""
    if not finding.keys:
        return False  # a date finding has none: "Tuesday", "2010" recur for other events of a story
    key_a, key_b = finding.keys.get(first.id), finding.keys.get(second.id)
    if key_a is None or key_b is None:
        return False
    kind = finding.kind
    if context.knows(second.article_id, kind, key_a) and context.knows(first.article_id, kind, key_b):
        return True
    return any(
        context.knows(article_id, kind, key_a) and context.knows(article_id, kind, key_b)
        for article_id in context.articles
        if article_id not in (first.article_id, second.article_id)
    )


def _number_key(quantity: Quantity) -> str:
    """A figure with what it counts ("60 people"): a bare "three" recurs for too many things."""
    return f"{quantity.value:g} {quantity.unit[0] if quantity.unit else ''}".strip()


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


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


def _compare_pair(context: _Context, first: Sentence, second: Sentence) -> list[_Finding]:
    """The disagreement of two sentences about one fact, if they have one.

    Two sentences that differ in more than one respect (a number and a place: "8 to 15 million
    Kurds in Turkey", "some 4,000 Kurds in Romania"), unless one is a copy of the other, or that
    name different people where one denies what the other says ("De Kock has applied for
    amnesty", "Madikizela-Mandela has not sought amnesty"), are two different facts in the same
    frame, not one fact told two ways.
    """
    facts_a, facts_b = context.facts(first), context.facts(second)
    pair = _Pair(first, second)
    found = [
        finding
        for finding in (
            _number_conflict(pair, facts_a.quantities, facts_b.quantities),
            _date_conflict(context, pair, facts_a.dates, facts_b.dates),
            _name_conflict(context, pair, facts_a.names, facts_b.names),
        )
        if finding is not None
    ]
    # What the two sentences say besides the disputed words must be mostly the same, except for a
    # count against a vague amount ("at least the fourth time", "multiple times"), which is only
    # ever worded differently: that pair must be the same statement by meaning.
    similar = context.similarity(first.id, second.id) >= PAIR_SIMILARITY
    found = [
        finding
        for finding in found
        if (similar or finding.note != VAGUE_NOTE) and _dice_besides(first, second, finding) >= MIN_FACT_DICE
    ]
    # Figures or names inside two different quotations ("We've found four big parts", "the discovery
    # of the two big objects"): two things said, perhaps hours apart, not one fact told two ways.
    found = [finding for finding in found if not _two_statements(first, second, finding)]
    if len(found) > 1 and pair.dice < SAME_SENTENCE:
        return []
    # Another person (or place) and other figures: one frame told of two people ("X, 18, is charged
    # with two counts", "Y, 23, was charged with five counts"), however alike the words.
    if len(found) > 1 and any(finding.kind == "entity" for finding in found):
        return []
    # The same frame told of two people ("X was reported missing in May", "Y was reported missing
    # in November"): each sentence names someone the other does not.
    if found and _other_parties(context, first, second, found[0]):
        return []
    # One sentence denies of one person what the other states of another ("De Kock has applied for
    # amnesty", "De Klerk has not applied"): two facts, not one told twice. The denial is of that
    # person when it stands next to the name; "the lawyer for Chaney and Stokes, who could not
    # discuss the case" denies something else. (A figure keeps its meaning beside a denial: "four
    # hurt, no one killed" and "six injured, none seriously".)
    if (
        found
        and found[0].kind == "entity"
        and _negations(first.text) != _negations(second.text)
        and any(_denied(sentence, found[0].sides.get(sentence.id, "")) for sentence in (first, second))
    ):
        return []
    # Two names and two dates ("X was reported missing on Nov. 18", "Y was reported missing in May"):
    # the same frame told of two people, whatever the dates' own finding was.
    if found and found[0].kind == "entity" and _dates_disagree(context, pair):
        return []
    return found


def _dates_disagree(context: _Context, pair: _Pair) -> bool:
    """Both sentences date something in the same place ("reported missing on Nov. 18", "reported
    missing in May"), and no date of one overlaps a date of the other."""
    dates_a = [(entity, when) for entity, when in context.facts(pair.first).dates if when is not None]
    dates_b = [(entity, when) for entity, when in context.facts(pair.second).dates if when is not None]
    if not dates_a or not dates_b or any(x.overlaps(y) for _, x in dates_a for _, y in dates_b):
        return False
    return any(
        pair.same_slot(*spans) or pair.same_neighbour(*spans)
        for spans in (((x.start, x.end), (y.start, y.end)) for x, _ in dates_a for y, _ in dates_b)
    )


def _other_parties(context: _Context, first: Sentence, second: Sentence, finding: _Finding) -> bool:
    """Each sentence names a person (or, for a number or date, a place) the other does not, besides
    the disputed words: "Kenny Caulder Jr. is charged with seven counts" and "Austin Seth Hunt is
    charged with five counts", "an attack in Kenya killed 213" and "in Tanzania, 11 were killed".
    Who is quoted ("spokesman James Rubin said U.S. officials ...") is the source, not a party."""
    families = {"PERSON"} if finding.kind == "entity" else {"PERSON", "PLACE"}

    def strangers(sentence: Sentence, other: Sentence) -> set[str]:
        disputed = finding.sides.get(sentence.id, "")
        return {
            _family(entity)
            for entity in context.facts(sentence).names
            if _family(entity) in families
            and entity.text not in disputed
            and not _speaker(sentence, entity)
            and not _mentions(entity, other)
            and not any(_is_alias(entity.text, e.text) for e in context.facts(other).names)
        }

    return bool(strangers(first, second) & strangers(second, first))


# A quotation: curly, straight or newswire (``...'') marks; one left open runs to the sentence's end.
_QUOTATION = re.compile(r"(?:“|\"|``)(.*?)(?:”|\"|''|$)")


def _quotation_around(sentence: Sentence, phrase: str) -> str | None:
    """The words of the quotation the phrase stands in, or None when it stands outside any."""
    at = sentence.text.find(phrase) if phrase else -1
    if at < 0:
        return None
    for match in _QUOTATION.finditer(sentence.text):
        if match.start(1) <= at and at + len(phrase) <= match.end(1):
            return match.group(1)
    return None


def _two_statements(first: Sentence, second: Sentence, finding: _Finding) -> bool:
    """Both disputed phrases stand inside quotations, and the quotations are not one (QUOTE_SIMILARITY)."""
    quoted_a = _quotation_around(first, finding.sides.get(first.id, ""))
    quoted_b = _quotation_around(second, finding.sides.get(second.id, ""))
    if quoted_a is None or quoted_b is None:
        return False
    return _dice(_content_words(quoted_a), _content_words(quoted_b)) < QUOTE_SIMILARITY


def _dice_besides(first: Sentence, second: Sentence, finding: _Finding) -> float:
    """The content-word overlap (Dice) of two sentences outside the words they disagree on."""
    words_a = _content_words(first.text) - _content_words(finding.sides.get(first.id, ""))
    words_b = _content_words(second.text) - _content_words(finding.sides.get(second.id, ""))
    return _dice(words_a, words_b)


_NEGATION = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(_NEGATIONS)) + r")(?![\w-])")


def _negations(text: str) -> int:
    """How many words deny something ("not only ... but also", "no-confidence" deny nothing)."""
    text = re.sub(r"\bnot only\b", " ", text.lower().replace("n't", " not"))
    return len(_NEGATION.findall(text))


def _denied(sentence: Sentence, name: str) -> bool:
    """A denial within DENIAL_WINDOW words after the name ("Birkeland has not applied") or before it
    ("police did not name Birkeland"); True when the name is not found as written."""
    at = sentence.text.find(name) if name else -1
    if at < 0:
        return True
    before = _WORD.findall(sentence.text[:at].lower().replace("n't", " not"))[-DENIAL_WINDOW:]
    after = _WORD.findall(sentence.text[at + len(name) :].lower().replace("n't", " not"))[:DENIAL_WINDOW]
    return any(word in _NEGATIONS for word in (*before, *after))


def _phrase(sentence: Sentence, start: int, end: int, words_after: int = 0) -> str:
    """The words of a sentence from ``start`` to ``end`` (article offsets) and a few words after."""
    text = sentence.text
    local_end = end - sentence.start
    if words_after:
        tail = re.match(rf"(?:\W*[^\W_]+(?:['’-][^\W_]+)*){{0,{words_after}}}", text[local_end:])
        local_end += tail.end() if tail else 0
    return text[start - sentence.start : local_end].strip(" ,;:")


VAGUE_NOTE = "one gives a count, the other only a vague amount"


def _number_conflict(pair: _Pair, qa: list[Quantity], qb: list[Quantity]) -> _Finding | None:
    """A number of one sentence that the other gives differently, looked for from both sides."""
    found = _numbers_one_way(pair, qa, qb, reverse=False)
    return found if found is not None else _numbers_one_way(pair, qb, qa, reverse=True)


def _numbers_one_way(pair: _Pair, qa: list[Quantity], qb: list[Quantity], *, reverse: bool) -> _Finding | None:
    first, second = (pair.second, pair.first) if reverse else (pair.first, pair.second)
    values_a = {q.value for q in qa}
    values_b = {q.value for q in qb}

    def span(sentence: Sentence, quantity: Quantity) -> tuple[int, int]:
        return sentence.start + quantity.start, sentence.start + quantity.end

    def counterpart(x: Quantity, y: Quantity) -> bool:
        """y counts what x counts: the same unit, or put in its place with nothing else changed."""
        if (x.kind == "vague") != (y.kind == "vague"):
            # A vague amount against a count ("several lion escapes", "35 lions"): the same fact told
            # less exactly, or another fact; an outlet that knows less does not contradict one that
            # knows more (the count of a repeated event is the exception, below).
            return False
        if comparable(x, y):
            return True
        same_kind = x.kind == y.kind
        other_units = bool(x.unit and y.unit and x.unit[0] != y.unit[0])
        spans = (span(second, y), span(first, x)) if reverse else (span(first, x), span(second, y))
        return same_kind and not other_units and pair.substitution(*spans)

    for x in qa:
        if x.value in values_b:
            continue
        partners = [y for y in qb if counterpart(x, y)]
        if not partners or any(compatible(x, y) for y in partners):
            continue
        for y in partners:
            if y.value in values_a or any(comparable(y, z) and compatible(y, z) for z in qa):
                continue
            spans = (span(second, y), span(first, x)) if reverse else (span(first, x), span(second, y))
            # The same word next to both figures ("planning to pay $21 billion", "planning to pay $24
            # billion"), or one put for the other: the same count. "Convicted of three murders" and
            # "cleared of one murder charge" count different things.
            if pair.dice < SAME_SENTENCE and not (pair.same_neighbour(*spans) or pair.substitution(*spans)):
                continue
            if _far_apart(x, y):
                continue
            return _Finding(
                "number",
                sides={
                    first.id: _phrase(first, *span(first, x), len(x.unit)),
                    second.id: _phrase(second, *span(second, y), len(y.unit)),
                },
                values={first.id: f"{x.low}-{x.high}", second.id: f"{y.low}-{y.high}"},
                keys={first.id: _number_key(x), second.id: _number_key(y)},
            )
    # The count of a repeated event against a vague amount ("at least the fourth time" and
    # "multiple times"): both can be true, but the outlets differ in what they claim to know.
    for x in qa:
        for y in qb:
            if {x.kind, y.kind} == {"ordinal", "vague"} and comparable(x, y) and compatible(x, y) and x.unit:
                return _Finding(
                    "number",
                    sides={
                        first.id: _phrase(first, *span(first, x), len(x.unit) + 2),
                        second.id: _phrase(second, *span(second, y), len(y.unit) + 2),
                    },
                    values={first.id: x.text.lower(), second.id: y.text.lower()},
                    note=VAGUE_NOTE,
                )
    return None


def _far_apart(x: Quantity, y: Quantity) -> bool:
    """Figures of ten or more, one over FAR_APART times the other ("about 1,500 Kurds" outside the
    hospital, "some 41 Kurds declared a hunger strike"): counts of different things, not one count
    two outlets got differently."""
    low, high = sorted((abs(x.value), abs(y.value)))
    return low >= 10 and high > FAR_APART * low


def _date_conflict(
    context: _Context,
    pair: _Pair,
    da: list[tuple[Entity, When | None]],
    db: list[tuple[Entity, When | None]],
) -> _Finding | None:
    # "said Sunday", "announced on Tuesday": when it was said, which outlets writing on different
    # days give differently; not when it happened.
    # "Last year's winner", "Sunday's vote": the date names which one, not when the fact happened.
    da = [item for item in da if not _attribution(pair.first, item[0]) and not _possessive(pair.first, item[0])]
    db = [item for item in db if not _attribution(pair.second, item[0]) and not _possessive(pair.second, item[0])]
    if not da or not db:
        return None
    first, second = pair.first, pair.second
    reference_a, reference_b = context.references[first.article_id], context.references[second.article_id]
    same_reference = reference_a == reference_b

    def agrees(x: tuple[Entity, When | None], y: tuple[Entity, When | None]) -> bool | None:
        """True or False when the two dates can be compared, None when they cannot."""
        (ex, wx), (ey, wy) = x, y
        if _normal_date(ex.text) == _normal_date(ey.text):
            return True  # "Thursday" and "Thursday": placed apart only by when each was written
        if wx is not None and wy is not None:
            if not same_reference and _as_of(wx, reference_a) and _as_of(wy, reference_b):
                # "searching Wednesday" (written Wednesday), "still searching today" (written
                # Thursday): each tells how things stood when it was written.
                return None
            return wx.overlaps(wy)
        surface_x, surface_y = _surface(ex.text), _surface(ey.text)
        if wx is None and wy is None and same_reference and surface_x[0] and surface_x[0] == surface_y[0]:
            # Neither can be placed (no publication date): compare like with like ("Tuesday", "Friday").
            return surface_x == surface_y
        return None

    for x in da:
        verdicts = [agrees(x, y) for y in db]
        if any(verdict is True for verdict in verdicts):
            continue
        for y, verdict in zip(db, verdicts, strict=True):
            if verdict is not False or any(agrees(z, y) is True for z in da):
                continue
            # With one date on each side of two nearly equal sentences, or one year on each side,
            # there is no other date it could stand for.
            alone = len(da) == 1 and len(db) == 1
            # Dates written out with their year ("1988", "March 2011") name one time wherever they stand.
            years = (
                x[1] is not None
                and y[1] is not None
                and x[1].granularity == y[1].granularity
                and all(re.search(r"\b\d{4}\b", e.text) for e in (x[0], y[0]))
            )
            loose = alone and (years or pair.dice >= NEAR_VERBATIM)
            spans = ((x[0].start, x[0].end), (y[0].start, y[0].end))
            if not loose and not pair.same_slot(*spans):
                continue
            # A weekday against a month, a day against a year ("scheduled for trial on Monday",
            # "introduced in June"): dates told at different grains are mostly of different things;
            # only one put in the other's place, little else changed, is the same date told twice.
            if _grain(x) != _grain(y) and not pair.substitution(*spans):
                continue
            # A year used as a label ("the 1996 games", "the 2000 games") names which one, not when;
            # like a name, it is checked against what the outlets know (see _each_knows_the_other).
            labels = _label_year(first, x[0]) and _label_year(second, y[0])
            return _Finding(
                "date",
                sides={
                    first.id: _phrase(first, x[0].start, x[0].end),
                    second.id: _phrase(second, y[0].start, y[0].end),
                },
                values={first.id: _date_value(x), second.id: _date_value(y)},
                keys={first.id: x[0].text.strip(), second.id: y[0].text.strip()} if labels else {},
            )
    return None


def _label_year(sentence: Sentence, entity: Entity) -> bool:
    """A bare year before a noun, not after a preposition ("the 1996 games", "a 1988 bombing")."""
    if not re.fullmatch(r"\d{4}", entity.text.strip()):
        return False
    local_start, local_end = entity.start - sentence.start, entity.end - sentence.start
    after = re.match(r"\s+([a-z][a-z-]*)", sentence.text[local_end:])
    return not _after_preposition(sentence.text[:local_start]) and after is not None and after.group(1) not in _STOP


def _after_preposition(before: str) -> bool:
    """The text before a year ends in a preposition that makes it date an event ("in 1996")."""
    last = before.split()[-1:]
    return bool(last) and last[0].lower() in _EVENT_YEAR_PREPOSITIONS


_REPORTED = re.compile(
    r"\b(?:said|says|told|added|stated)(?:\s+(?:on|late|early))?\s*$",
    re.IGNORECASE,
)


def _attribution(sentence: Sentence, entity: Entity) -> bool:
    """The date says when something was said ("officials said Sunday"), right after the verb."""
    return bool(_REPORTED.search(sentence.text[: entity.start - sentence.start]))


def _possessive(sentence: Sentence, entity: Entity) -> bool:
    """ "Last year's winner", "this week's vote": the date says which one. "Sunday's summit" and
    "July's election" still say when it happened."""
    after = sentence.text[entity.end - sentence.start : entity.end - sentence.start + 2]
    owned = entity.text.endswith(("'s", "’s")) or after in ("'s", "’s")
    return owned and bool(re.search(r"\b(?:last|this|next|year|week|month|decade|century)\b", entity.text, re.I))


def _normal_date(expression: str) -> str:
    return re.sub(r"^(?:on|in|the|early|late|by|last)\s+", "", expression.lower().strip(" .,"))


def _as_of(when: When, reference: _Reference) -> bool:
    """The date is the day its article was written, or the day before: how things stood then."""
    day = reference.day
    return day is not None and when.granularity == "day" and 0 <= (day - when.start).days <= 1


def _surface(expression: str) -> tuple[str, str]:
    """What an unresolved date names: ("weekday", "tue") or ("month", "mar")."""
    words = [w.lower().rstrip(".") for w in _DAY_WORDS.findall(expression)]
    if not words:
        return ("", "")
    word = words[0]
    weekdays = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    return ("weekday" if word in weekdays else "month", word[:3])


def _grain(item: tuple[Entity, When | None]) -> str:
    """How finely a date is told: "day", "month", "year" (resolved) or what it names ("weekday")."""
    return item[1].granularity if item[1] is not None else _surface(item[0].text)[0]


def _date_value(item: tuple[Entity, When | None]) -> str:
    return item[1].iso if item[1] is not None else ":".join(_surface(item[0].text))


# Pure functions of names, asked about the same few dozen names of a cluster for every sentence
# (whether some sentence names both of two rivals): cached, they no longer cost most of compare's time.
@functools.lru_cache(maxsize=65536)
def _normal_name(text: str) -> str:
    name = clean_name(text).lower().replace(".", "")
    name = " ".join(_WORD.findall(name))  # "Nicole “Snooki” Polizzi" and 'Nicole " Snooki " Polizzi'

    name = _PLACE_WORDS.sub("", re.sub(r"^the\s+", "", name))
    return _ALIASES.get(name, name)


@functools.lru_cache(maxsize=262144)
def _is_alias(x: str, y: str) -> bool:
    """Two names of one entity: equal, one part of the other ("Obama", "Barack Obama"), spelt a little
    differently ("Kazakhstan", "Kazakstan"), a capital and its country, a country and one of its
    parts ("England", "Britain"), or an acronym."""
    a, b = _normal_name(x), _normal_name(y)
    if not a or not b:
        return False
    if a == b or _CAPITALS.get(a, a) == _CAPITALS.get(b, b) or _PARTS.get(a) == b or _PARTS.get(b) == a:
        return True
    ta, tb = a.split(), b.split()
    if set(ta) <= set(tb) or set(tb) <= set(ta):
        return True
    if _spelt_alike(a, b) or _one_letter_apart(a, b):
        return True
    if _STATES.get(a.removesuffix("."), a) == _STATES.get(b.removesuffix("."), b):
        return True  # "Chesterfield, Va." and "Chesterfield, Virginia"
    if len(ta) == len(tb) and ta[:-1] == tb[:-1] and (_demonym(ta[-1], tb[-1]) or _demonym(tb[-1], ta[-1])):
        return True  # "Turkey" and "Turkish", "the Middle East" and "Middle Eastern"
    if min(len(ta), len(tb)) >= 3 and ta[:3] == tb[:3]:
        return True  # "Johns Hopkins University Applied Physics Laboratory", cut short by a credit line
    initials_a = "".join(word[0] for word in ta if word not in ("of", "and", "the"))
    initials_b = "".join(word[0] for word in tb if word not in ("of", "and", "the"))
    return (len(ta) == 1 and a == initials_b) or (len(tb) == 1 and b == initials_a)


def _spelt_alike(a: str, b: str) -> bool:
    """Two spellings of one name (SAME_SPELLING). The ratio's cheap upper bounds, from the lengths
    (difflib's real_quick_ratio) and then the letters, rule out most of the cluster's name pairs
    before the full match is computed."""
    if 2.0 * min(len(a), len(b)) / (len(a) + len(b)) < SAME_SPELLING:
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= SAME_SPELLING and matcher.ratio() >= SAME_SPELLING


_WHERE = re.compile(
    r"\b(?:in|at|near|outside|across|throughout|around|from|to|into|inside|within)\s+(?:the\s+)?$", re.IGNORECASE
)


def _nested(first: Sentence, x: Entity, second: Sentence, y: Entity) -> bool:
    """Two places where something happened, one inside the other by the gazetteer ("in Minneapolis"
    and "in Minnesota"): one place told at two scales, as "October" and "mid-October" are one time.
    Only where each says where ("in", "at", "near", ...): a place that acts or owns ("U.S. officials",
    "Chicago officials") is a party, and the city is not the country. Neither may be a person
    ("Jackson" is also a city in Mississippi)."""
    if "PERSON" in (_family(x), _family(y)) or not (_says_where(first, x) and _says_where(second, y)):
        return False
    a, b = clean_name(x.text), clean_name(y.text)
    return within(a, b) or within(b, a)


def _says_where(sentence: Sentence, place: Entity) -> bool:
    """The place follows a preposition of place ("in Minnesota", "near the Gaza Strip")."""
    return bool(_WHERE.search(sentence.text[: place.start - sentence.start]))


def _one_letter_apart(a: str, b: str) -> bool:
    """One long name with one letter mistyped ("Gadhafi", "Gadhadi")."""
    return len(a) == len(b) >= 6 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


# The AP style abbreviations of the US states that news datelines use ("Laramie, Wyo.").
_STATES = dict(
    item.split(":")
    for item in (
        "ala:alabama, ariz:arizona, ark:arkansas, calif:california, colo:colorado, conn:connecticut, "
        "del:delaware, fla:florida, ga:georgia, ill:illinois, ind:indiana, kan:kansas, ky:kentucky, "
        "la:louisiana, md:maryland, mass:massachusetts, mich:michigan, minn:minnesota, miss:mississippi, "
        "mo:missouri, mont:montana, neb:nebraska, nev:nevada, nh:new hampshire, nj:new jersey, nm:new mexico, "
        "ny:new york, nc:north carolina, nd:north dakota, okla:oklahoma, ore:oregon, pa:pennsylvania, "
        "ri:rhode island, sc:south carolina, sd:south dakota, tenn:tennessee, vt:vermont, va:virginia, "
        "wash:washington, wva:west virginia, wis:wisconsin, wyo:wyoming"
    ).split(", ")
)


_DEMONYM_ENDINGS = ("n", "an", "ian", "ese", "i", "ish", "ic", "ean", "k", "ern")


def _demonym(place: str, people: str) -> bool:
    """A place and its people: "turkey" and "turkish", "iran" and "iranian", "china" and "chinese"."""
    return 4 <= len(place) < len(people) and any(
        place[: len(place) - cut] + ending == people for cut in range(4) for ending in _DEMONYM_ENDINGS
    )


def _mentions(name: Entity, sentence: Sentence) -> bool:
    """The sentence names the same person or place (any alias, or a word derived from it: "Iranian")."""
    if any(_is_alias(name.text, other.text) for other in sentence.entities):
        return True
    key = _key_word(name.text)
    return any(_says_key(word, key) for word in _lower_words(sentence.text))


def _key_word(name: str) -> str:
    """The word a name is known by in other words: the last of its normal form ("iran", "obama")."""
    parts = _normal_name(name).split()
    return parts[-1] if parts else ""


def _says_key(word: str, key: str) -> bool:
    """A lower-case word is a name's key word, or derived from it when that is long enough ("iranian")."""
    return bool(key) and (word == key or (len(key) >= 4 and word.startswith(key)))


# What may stand between two names told as one ("Laramie, Wyo.", "Aberdeen in Harford County", "Exxon
# and Mobil", "Det Con Tim Bird"): punctuation, one joining word, and capitalised words of a title.
_SIDE_BY_SIDE = re.compile(r"[\W_]*(?:(?:and|or|of|in|at|near|outside|s)[\W_]+)?(?:[A-Z][\w.'’-]*[\W_]+)*")


def _name_spans(sentence: Sentence, name: Entity) -> list[tuple[int, int]]:
    """Where a sentence names a person or place (article offsets): the name itself, a name of the
    same one, or a word derived from its last word ("Iranian"), as :func:`_mentions` finds them."""
    own = sentence.text[name.start - sentence.start : name.end - sentence.start] == name.text  # offsets are per article
    spans = [(name.start, name.end)] if own and sentence.start <= name.start else []
    spans += [(e.start, e.end) for e in sentence.entities if _is_alias(name.text, e.text)]
    key = _key_word(name.text)
    spans += [
        (sentence.start + match.start(), sentence.start + match.end())
        for match in _WORD.finditer(sentence.text)
        if _says_key(match.group(0).lower(), key)
    ]
    return spans


def _side_by_side(sentence: Sentence, first: Entity, second: Entity) -> bool:
    """The sentence names the two next to each other, as parts of one name or place."""
    for a in _name_spans(sentence, first):
        for b in _name_spans(sentence, second):
            (_, low_end), (high_start, _) = sorted((a, b))
            if low_end <= high_start and _SIDE_BY_SIDE.fullmatch(
                sentence.text[low_end - sentence.start : high_start - sentence.start]
            ):
                return True
    return False


@functools.lru_cache(maxsize=4096)
def _lower_words(text: str) -> tuple[str, ...]:
    """A sentence's words in lower case (asked for the same sentences once per name checked)."""
    return tuple(word.lower() for word in _WORD.findall(text))


def _name_conflict(context: _Context, pair: _Pair, ea: list[Entity], eb: list[Entity]) -> _Finding | None:
    """A person or place in one sentence where the other names someone or somewhere else.

    Either one name was put for the other with little else changed around it (whatever labels
    spaCy gave them, or a capitalised name it missed), or both are people (or both places),
    neither is named in the other sentence, and they stand in the same changed stretch of words.
    """
    first, second = pair.first, pair.second
    # A name in a list ("Australia, Brunei, Canada, Chile, ...") is one of many, not the one fact,
    # unless both sentences list the same names but one.
    listed_a, listed_b = _listed(first, ea), _listed(second, eb)
    if (odd := _odd_members(first, listed_a, second, listed_b)) is not None:
        return _name_finding(first, odd[0].text, second, odd[1].text, "list")
    ea = [x for x in ea if x not in listed_a]
    eb = [y for y in eb if y not in listed_b]
    for x in ea:
        x_missing = not _mentions(x, second)
        for y in eb:
            y_missing = not _mentions(y, first)
            if (
                _is_alias(x.text, y.text)
                or not (x_missing or y_missing)
                or _nested(first, x, second, y)
                or context.together(x, y, (first, second))
            ):
                continue
            if _speaker(first, x) and _speaker(second, y) and pair.dice < SAME_SENTENCE:
                continue  # two people quoted ("X said ...", "Y said ..."): two statements, not one fact
            spans = ((x.start, x.end), (y.start, y.end))
            # One name put for the other counts whatever labels spaCy gave them; otherwise both
            # must be people (or places) the other sentence lacks, in the same stretch of words.
            # spaCy's small model calls many an unfamiliar person or place an organisation: one
            # that reads like a name may stand for either; two organisations are too often two parties.
            families = {_family(x), _family(y)}
            mislabelled = "ORG" in families and all(_name_like(e) for e in (x, y) if _family(e) == "ORG")
            kin = x_missing and y_missing and families != {"ORG"} and (len(families) == 1 or mislabelled)
            placed = pair.same_slot(*spans) or pair.same_neighbour(*spans)
            # A person put for a place ("Mahathir" for "Malaysia's prime minister") is another way
            # of saying it, not a contradiction; an organisation may be either (see above).
            if pair.substitution(*spans) and (_family(x) == _family(y) or mislabelled):
                return _name_finding(first, x.text, second, y.text, "substitution")
            if kin and placed:
                return _name_finding(first, x.text, second, y.text, "person" if x.label in _PERSON else "place")
    # Reworded sentences put the person (or place) anywhere ("the death of X, a hairdresser" against
    # "the hairdresser Y, who was found"): when each names one person the other lacks, and what they
    # say of them is the same, the two names are rivals for one fact. An "organisation" that reads
    # like a name may be a person spaCy's small model did not know.
    for family in ("PERSON", "PLACE"):
        strangers_a = [x for x in ea if _role_family(x) == family and not _mentions(x, second)]
        strangers_b = [y for y in eb if _role_family(y) == family and not _mentions(y, first)]
        if len(strangers_a) != 1 or len(strangers_b) != 1:
            continue
        x, y = strangers_a[0], strangers_b[0]
        if (
            not _is_alias(x.text, y.text)
            and not _nested(first, x, second, y)
            and not (_speaker(first, x) or _speaker(second, y))
            and not context.together(x, y, (first, second))
            and context.people.canonical(x.text) != context.people.canonical(y.text)
            and _dice(context.frame(first), context.frame(second)) >= SAME_ROLE
        ):
            return _name_finding(first, x.text, second, y.text, family.lower())
    # A name spaCy did not label, put for one it did ("Khalid said" against "Mr Wilson said").
    for labelled, other, reverse in ((ea, second, False), (eb, first, True)):
        for entity in labelled:
            sentence = second if reverse else first
            for start, end in pair.counterparts((entity.start, entity.end), reverse):
                name = other.text[start - other.start : end - other.start]
                named = any(e.start < end and start < e.end for e in other.entities)
                if named or _family(entity) == "ORG":
                    continue  # labelled names were compared above; "the Kurd leader" is no name
                if (
                    _capitalised_name(name)
                    and not context.common_word(other, start, name)
                    and not _is_alias(entity.text, name)
                    and not _nested(sentence, entity, other, Entity(name, entity.label, start, end))
                    and not _mentions(entity, other)
                    and not context.together(entity, Entity(name, entity.label, start, end), (first, second))
                ):
                    if reverse:
                        return _name_finding(other, name, sentence, entity.text, "substitution")
                    return _name_finding(sentence, entity.text, other, name, "substitution")
    return None


_LIST_JOINT = re.compile(r"\s*(?:,|;|&|and|or|, and|, or)\s*", re.IGNORECASE)


def _listed(sentence: Sentence, names: list[Entity]) -> list[Entity]:
    """The names of a sentence that stand in a list: LIST_NAMES or more names of one kind joined only
    by commas and "and"/"or" ("Carly Fiorina, Mike Huckabee, Rand Paul"). Names of one kind
    elsewhere in the sentence ("from Rio de Janeiro in Brazil to Paris, France") are no list."""
    ordered = sorted(names, key=lambda entity: entity.start)
    listed: list[Entity] = []
    run: list[Entity] = ordered[:1]
    for previous, entity in pairwise(ordered):
        between = sentence.text[previous.end - sentence.start : entity.start - sentence.start]
        if _family(entity) == _family(previous) and _LIST_JOINT.fullmatch(between):
            run.append(entity)
            continue
        if len(run) >= LIST_NAMES:
            listed.extend(run)
        run = [entity]
    if len(run) >= LIST_NAMES:
        listed.extend(run)
    return listed


def _odd_members(
    first: Sentence, listed_a: list[Entity], second: Sentence, listed_b: list[Entity]
) -> tuple[Entity, Entity] | None:
    """The one member of each of two lists the other lacks, when the lists share LIST_NAMES - 1 or
    more members and differ in that one only, and both are of one kind ("the hostages Peter Kennedy,
    Darren Hickey and Rudolf Petschi" against "... Darren Hickey and Bill Clinton")."""
    if not listed_a or not listed_b:
        return None
    odd_a = [x for x in listed_a if not _mentions(x, second)]
    odd_b = [y for y in listed_b if not _mentions(y, first)]
    shared = len(listed_a) - len(odd_a)
    if len(odd_a) != 1 or len(odd_b) != 1 or shared < LIST_NAMES - 1:
        return None
    x, y = odd_a[0], odd_b[0]
    if _family(x) != _family(y) or _is_alias(x.text, y.text):
        return None
    return x, y


_SPEECH_BEFORE = re.compile(r"\b(?:said|says|told|according to|quoted|tweeted|wrote)\s+(?:\S+\s+){0,4}$", re.IGNORECASE)
_SPEECH_AFTER = re.compile(r"^[\s,]*(?:\S+\s+){0,1}(?:said|says|told|added|tweeted|wrote)\b", re.IGNORECASE)


def _speaker(sentence: Sentence, entity: Entity) -> bool:
    """The name is who is quoted or cited ("said Graber", "Moussa said", "quoted Moussa as saying")."""
    local_start, local_end = entity.start - sentence.start, entity.end - sentence.start
    return bool(
        _SPEECH_BEFORE.search(sentence.text[max(0, local_start - 60) : local_start])
        or _SPEECH_AFTER.match(sentence.text[local_end : local_end + 40])
    )


def _capitalised_name(text: str) -> bool:
    words = _WORD.findall(text)
    return bool(words) and all(w[0].isupper() and w.lower() not in _STOP for w in words) and len(words) <= 3


def _name_finding(first: Sentence, x: str, second: Sentence, y: str, note: str) -> _Finding:
    return _Finding(
        "entity",
        sides={first.id: x, second.id: y},
        values={first.id: _normal_name(x), second.id: _normal_name(y)},
        note=note,
        keys={first.id: x, second.id: y},
    )


_ORGANISATION_WORDS = re.compile(
    r"\b(?:inc|corp|co|ltd|llc|plc|group|party|council|agency|press|association|union|committee|ministry|"
    r"department|board|bank|university|school|institute|commission|company|news|times|post|journal|"
    r"hospital|clinic|center|centre|church|museum|airport|court|office|station|club|hotel|college|foundation)\b",
    re.IGNORECASE,
)


def _name_like(entity: Entity) -> bool:
    """An "organisation" that reads like a person's or place's name: one to three capitalised words,
    no acronym ("FPA"), nothing like "Party" or "Inc." in it."""
    words = _WORD.findall(clean_name(entity.text))
    return (
        0 < len(words) <= 3
        and all(w[0].isupper() and not w.isupper() for w in words)
        and not _ORGANISATION_WORDS.search(entity.text)
    )


def _role_family(entity: Entity) -> str:
    """A name's family, with an "organisation" that reads like a name taken for a person."""
    family = _family(entity)
    return "PERSON" if family == "ORG" and _name_like(entity) else family


def _family(entity: Entity) -> str:
    return "PERSON" if entity.label in _PERSON else "PLACE" if entity.label in _PLACE else entity.label


def _merge_findings(context: _Context, findings: list[_Finding]) -> list[Contradiction]:
    """One contradiction per disagreement: findings of one kind that share a sentence saying the same."""
    parent = list(range(len(findings)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[tuple[str, str, str], int] = {}
    for index, finding in enumerate(findings):
        for sentence_id, value in finding.values.items():
            key = (finding.kind, sentence_id, value)
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    merged: dict[int, list[_Finding]] = {}
    for index, finding in enumerate(findings):
        merged.setdefault(root(index), []).append(finding)
    result: list[tuple[int, Contradiction]] = []
    for group in merged.values():
        sides: dict[str, str] = {}
        values: dict[str, str] = {}
        spans: dict[str, Citation] = {}
        for finding in group:
            sides.update(finding.sides)
            values.update(finding.values)
            spans.update(finding.spans)
        by_value: dict[str, list[str]] = {}
        for sentence_id in sorted(sides, key=lambda s: context.position[s]):
            by_value.setdefault(values[sentence_id], []).append(sentence_id)
        parts = []
        for sentence_ids in by_value.values():
            sources = ", ".join(dict.fromkeys(context.source(s) for s in sentence_ids))
            parts.append(f'{sources}: "{sides[sentence_ids[0]]}"')
        note = group[0].note
        explanation = "; ".join(parts) + (
            f" ({note})" if note and note not in ("person", "place", "substitution") else ""
        )
        ordered = [spans[s] for sentence_ids in by_value.values() for s in sentence_ids]
        first_position = min(context.position[s] for s in sides)
        result.append((first_position, Contradiction(group[0].kind, explanation, tuple(ordered))))
    result.sort(key=lambda item: item[0])
    return [contradiction for _, contradiction in result]


# --- quotes ------------------------------------------------------------------------------------


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


@dataclass(slots=True)
class _QuoteItem:
    quote: Quotation
    article_id: str
    speaker: str | None
    tokens: list[str]


def _quote_tokens(text: str) -> list[str]:
    """Lower-cased words, "auto-pilot" as "autopilot" but "7-10" as "7 10", and "seven" as "7" ("one"
    stays a word: "one man" and "a man" say the same)."""
    text = text.lower().replace("’", "'").replace("n't", " not")
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", text).replace("-", " ")
    text = re.sub(r"\bthe united states\b|\bu\.s\.|\bunited states\b", "us", text)
    return [_DIGITS.get(word, word) for word in _WORD.findall(text)]


_DIGITS = {
    word: str(value)
    for value, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split(),
        start=2,
    )
}


def _content(tokens: Sequence[str]) -> list[str]:
    return [t for t in tokens if t not in _STOP and (len(t) > 2 or t.isdigit())]


def _containment(shorter: Sequence[str], longer: Sequence[str]) -> float:
    if not shorter:
        return 0.0
    pool: dict[str, int] = {}
    for token in longer:
        pool[token] = pool.get(token, 0) + 1
    hits = 0
    for token in shorter:
        if pool.get(token, 0) > 0:
            pool[token] -= 1
            hits += 1
    return hits / len(shorter)


def _same_quote(a: _QuoteItem, b: _QuoteItem) -> bool:
    if a.speaker and b.speaker and a.speaker != b.speaker:
        return False
    shorter, longer = sorted((a.tokens, b.tokens), key=len)
    if len(shorter) < 3:
        return False
    if _containment(shorter, longer) >= QUOTE_CONTAINMENT and len(shorter) >= 0.3 * len(longer):
        return True
    return SequenceMatcher(None, a.tokens, b.tokens, autojunk=False).ratio() >= QUOTE_SIMILARITY


def _quotes(context: _Context) -> tuple[tuple[Quote, ...], tuple[Contradiction, ...]]:
    items: list[_QuoteItem] = []
    for document in context.alignment.documents:
        names = context.names[document.article.id]
        for quotation in find_quotations(document, names):
            speaker = context.people.canonical(quotation.speaker)
            items.append(_QuoteItem(quotation, document.article.id, speaker, _quote_tokens(quotation.text)))
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    sets = [set(item.tokens) for item in items]
    for i, j in combinations(range(len(items)), 2):
        if len(sets[i] & sets[j]) < 3:
            continue
        if _same_quote(items[i], items[j]):
            parent[root(j)] = root(i)
    groups: dict[int, list[_QuoteItem]] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), []).append(item)

    ranked: list[tuple[tuple[int, int], Quote]] = []
    contradictions: list[Contradiction] = []
    for members in groups.values():
        main = max(members, key=lambda item: (len(item.tokens), -context.position[item.quote.sentence_id]))
        speakers = [m.speaker for m in members if m.speaker]
        speaker = max(set(speakers), key=lambda s: (speakers.count(s), len(s))) if speakers else None
        support = [Citation(main.article_id, main.quote.start, main.quote.end)]
        support += [
            Citation(m.article_id, m.quote.start, m.quote.end)
            for m in sorted(members, key=lambda m: context.position[m.quote.sentence_id])
            if m is not main
        ]
        carried = {m.article_id for m in members}
        support += _reported_speech(context, main, speaker, carried)
        outlets = len({context.groups[c.article] for c in support})
        first_position = min(context.position[m.quote.sentence_id] for m in members)
        ranked.append(((-outlets, first_position), Quote(speaker, main.quote.text, tuple(dict.fromkeys(support)))))
        contradiction = _quote_conflict(context, members)
        if contradiction:
            contradictions.append(contradiction)
    ranked.sort(key=lambda item: item[0])
    return tuple(quote for _, quote in ranked[:MAX_QUOTES]), tuple(contradictions)


_SAYS = re.compile(r"\b(?:said|says|told|added|noted|stated|declared|warned|insisted|explained|according to)\b")


def _reported_speech(context: _Context, main: _QuoteItem, speaker: str | None, carried: set[str]) -> list[Citation]:
    """Sentences of other outlets that give the same words without quotation marks ("Earnest added
    that the U.S. will not cooperate militarily"), naming the same speaker."""
    if not speaker or " and " in speaker:
        return []
    surname = speaker.split()[-1]
    words = _content(main.tokens)
    if len(words) < 3:
        return []
    found: list[Citation] = []
    for document in context.alignment.documents:
        if document.article.id in carried:
            continue
        best: tuple[float, Sentence] | None = None
        for sentence in document.sentences:
            if surname not in sentence.text or not _SAYS.search(sentence.text):
                continue
            share = _containment(words, _quote_tokens(sentence.text))
            if share >= REPORTED_SPEECH and (best is None or share > best[0]):
                best = (share, sentence)
        if best:
            found.append(context.cite(best[1]))
    return found


#: Characters no quoted sentence is written with: left by a wire copy's broken encoding.
_GARBLED = re.compile(r"[{}|\\^~]")


def _quote_conflict(context: _Context, members: list[_QuoteItem]) -> Contradiction | None:
    """Two outlets quoting the same person with words that differ in substance (a number, a "not")."""
    for a, b in combinations(members, 2):
        if a.article_id == b.article_id:
            continue
        if _GARBLED.search(a.quote.text) or _GARBLED.search(b.quote.text):
            continue  # a copy mangled in transmission ("more than a 1{ ago"): its words cannot be read
        matcher = SequenceMatcher(None, a.tokens, b.tokens, autojunk=False)
        opcodes = matcher.get_opcodes()
        for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            if tag == "equal":
                continue
            if tag != "replace" and number in (0, len(opcodes) - 1):
                continue  # one outlet quotes more of what was said, before or after the shared words
            changed = set(a.tokens[i1:i2]) ^ set(b.tokens[j1:j2])
            # "Nobody drives" and "No one is driving" say the same: only a change in how many
            # negations there are turns the meaning round.
            negations = [_negations(" ".join(tokens)) for tokens in (a.tokens[i1:i2], b.tokens[j1:j2])]
            substantive = negations[0] != negations[1] or any(token.isdigit() for token in changed)
            if tag == "replace" and not substantive:
                substantive = (
                    bool(_content(a.tokens[i1:i2]))
                    and bool(_content(b.tokens[j1:j2]))
                    and (i2 - i1 <= 3 and j2 - j1 <= 3 and _looks_numeric_or_named(a.tokens[i1:i2] + b.tokens[j1:j2]))
                )
            if not substantive:
                continue
            who = f" ({a.speaker or b.speaker})" if a.speaker or b.speaker else ""
            explanation = (
                f'{context.source(a.article_id)}: "{a.quote.text}"; {context.source(b.article_id)}: "{b.quote.text}"'
                f" (the quoted words differ{who})"
            )
            return Contradiction(
                "quote",
                explanation,
                (
                    Citation(a.article_id, a.quote.start, a.quote.end),
                    Citation(b.article_id, b.quote.start, b.quote.end),
                ),
            )
    return None


_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand "
    "million billion first second third fourth fifth".split()
)


def _looks_numeric_or_named(tokens: Sequence[str]) -> bool:
    return any(token in _NUMBER_WORDS or token.isdigit() for token in tokens)


# --- timeline ----------------------------------------------------------------------------------


def _timeline(context: _Context) -> tuple[TimelineEvent, ...]:
    items: list[tuple[When, Sentence]] = []
    for sentence in context.sentences:
        seen: set[str] = set()
        facts = context.facts(sentence)
        for position, (entity, when) in enumerate(facts.dates):
            if (
                position not in facts.events
                or when is None
                or when.iso in seen
                or re.match(r"(?i)\s*this\s+(?:year|month|week)", entity.text)
            ):
                continue
            seen.add(when.iso)
            items.append((when, sentence))
    words = {sentence.id: _content_words(sentence.text) for _, sentence in items}
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for i, j in combinations(range(len(items)), 2):
        (wi, si), (wj, sj) = items[i], items[j]
        if wi.iso != wj.iso or si.article_id == sj.article_id:
            continue
        same_day_words = wi.granularity == "day" and _dice(words[si.id], words[sj.id]) >= SAME_DAY_DICE
        if same_day_words or context.aligned(si.id, sj.id) or context.cosine(si.id, sj.id) >= SAME_EVENT:
            parent[root(j)] = root(i)
    events: dict[int, list[tuple[When, Sentence]]] = {}
    for index, item in enumerate(items):
        events.setdefault(root(index), []).append(item)
    chosen: list[tuple[When, int, TimelineEvent]] = []
    for members in events.values():
        when = members[0][0]
        sentences = list(dict.fromkeys(sentence for _, sentence in members))
        # The sentence that dates nothing else tells this event best.
        sentences.sort(
            key=lambda s: len(
                {
                    w.iso
                    for i, (_, w) in enumerate(context.facts(s).dates)
                    if i in context.facts(s).events and w is not None
                }
            )
        )
        first = _representative(sentences)
        ordered = [first, *(s for s in sentences if s is not first)]
        support = tuple(dict.fromkeys(context.cite(s) for s in ordered))
        chosen.append((when, context.position[first.id], TimelineEvent(when.iso, first.text, support)))
    if len(chosen) > MAX_TIMELINE:
        chosen.sort(key=lambda item: (-len(item[2].support), item[1]))
        chosen = chosen[:MAX_TIMELINE]
    chosen.sort(key=lambda item: (item[0].start, item[0].end, item[1]))
    return tuple(event for _, _, event in chosen)
