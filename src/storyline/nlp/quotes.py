"""Direct quotations in one article, each with its speaker ("he said" resolved to the named person).

Document -> quotations. Never sees other articles: the speaker is named as this article names
them ("Earnest" or "Josh Earnest"); matching names across articles is the comparison's job.

Quotations are found by their marks (“…”, "…", ``…'' and ‘…’) inside a paragraph. The speaker
is the person, pronoun or organisation next to a verb of saying outside the marks in the same
sentence ("…," White House spokesperson Josh Earnest said); a pronoun ("he said") is the
person the article last spoke of; a quotation with no attribution that follows another one
("We won't share intelligence with them.") goes on with the same speaker.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.text import WORD_CHARACTERS
from storyline.types import Document, Entity, Sentence

__all__ = ["PersonNames", "Quotation", "clean_name", "find_quotations", "person_names"]

#: Quotations shorter than this many words are scare quotes ("outrageous"), not statements.
MIN_QUOTE_WORDS = 3
#: A speaker must sit within this many characters of the verb of saying.
MAX_VERB_DISTANCE = 60

_QUOTE = re.compile(r"“([^“”\n]+)”|``(.+?)''|\"([^\"\n]+)\"|‘([^‘’\n]+)’(?![A-Za-z])")
_WORD = WORD_CHARACTERS
_TITLE_WORDS = frozenset({"of", "the", "and", "a", "an", "in", "on", "for", "to", "at", "s"})
_SAY = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|noted|notes|stated|states|wrote|writes|declared|declares|"
    r"warned|warns|insisted|insists|explained|explains|asked|asks|replied|replies|recalled|continued|"
    r"argued|argues|acknowledged|announced|announces|tweeted|posted|according to|quoted|quoting|"
    r"called|calls|described|urged|urges|remarked|observed|conceded|admitted|added that|said that)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(he|she|they)\b", re.IGNORECASE)
_GROUP = re.compile(
    r"\b(?:the\s+)?(?:two|three|both)\s+(?:senators|men|women|leaders|lawmakers|officials|ministers|presidents)\b",
    re.IGNORECASE,
)
_TITLES = re.compile(
    r"^(?:(?:u\.s\.|us|former|then|vice|deputy|acting|the|late|white house|house|senate|press|"
    r"president|presidents|prime minister|minister|secretary|spokesman|spokeswoman|spokesperson|"
    r"sen\.|senator|rep\.|representative|gov\.|governor|mayor|gen\.|general|col\.|lt\.|capt\.|captain|"
    r"dr\.|mr\.|mrs\.|ms\.|sir|lord|king|queen|prince|princess|pope|ayatollah|sheikh|judge|justice|"
    r"chief|chairman|chairwoman|director|ambassador|speaker|leader|supreme leader)\s+)+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quotation:
    """One direct quotation: its words (inside the marks) and who said them."""

    text: str
    start: int  # offsets of the quoted words in Article.text
    end: int
    sentence_id: str  # the sentence the quotation starts in
    speaker: str | None  # the name as this article gives it, or None when no one is named


def clean_name(name: str) -> str:
    """A person's name without titles and possessive: "President Barack Obama's" -> "Barack Obama"."""
    name = re.sub(r"\s+", " ", name.strip().replace("’", "'"))
    name = re.sub(r"'s?$", "", name).strip(" ,.")
    previous = None
    while previous != name:
        previous = name
        name = _TITLES.sub("", name).strip()
    return name


@dataclass(frozen=True, slots=True)
class PersonNames:
    """The people one article names: full names and the surnames that stand for them."""

    full: tuple[str, ...]  # longest form of each person's name, as written
    by_surname: dict[str, str]  # surname -> full name

    def find(self, text: str, offset: int = 0) -> list[tuple[int, int, str]]:
        """Every mention of a known person in ``text``: (start, end, full name), offsets + ``offset``."""
        found: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        for name in sorted({*self.full, *self.by_surname}, key=len, reverse=True):
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append((match.start(), match.end()))
                full = self.by_surname.get(name, name)
                found.append((match.start() + offset, match.end() + offset, full))
        return sorted(found)


def person_names(sentences: Sequence[Sentence]) -> PersonNames:
    """The person names of some sentences (spaCy PERSON entities), with their surnames."""
    full: dict[str, int] = {}
    for sentence in sentences:
        for entity in sentence.entities:
            if entity.label == "PERSON":
                name = clean_name(entity.text)
                if len(name) >= 3 and name[0].isupper():
                    full[name] = full.get(name, 0) + 1
    by_surname: dict[str, str] = {}
    for name in sorted(full, key=lambda n: (-len(n.split()), -full[n])):
        parts = name.split()
        if len(parts) > 1 and len(parts[-1]) >= 3:
            by_surname.setdefault(parts[-1], name)
    # A one-word name ("Earnest") stands for the full name that ends with it ("Josh Earnest").
    longest = tuple(name for name in full if not (len(name.split()) == 1 and name in by_surname))
    return PersonNames(longest, by_surname)


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    text: str


def _quotes_in(text: str) -> list[_Found]:
    found: list[_Found] = []
    for match in _QUOTE.finditer(text):
        group = next(index for index in range(1, 5) if match.group(index) is not None)
        inner_start, inner_end = match.start(group), match.end(group)
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        while inner_end > inner_start and (text[inner_end - 1].isspace() or text[inner_end - 1] in ",;:"):
            inner_end -= 1
        words = _WORD.findall(text[inner_start:inner_end])
        # A name or title in quotation marks ("The Wall Street Journal") is not a statement.
        title = all(word[0].isupper() or word in _TITLE_WORDS for word in words)
        if len(words) >= MIN_QUOTE_WORDS and not title:
            found.append(_Found(inner_start, inner_end, text[inner_start:inner_end]))
    return found


def find_quotations(document: Document, names: PersonNames | None = None) -> list[Quotation]:
    """The direct quotations of one article, with their speakers.

    Args:
        document: the segmented article (its sentences carry spaCy's entities).
        names: the people the article names (default: from its own PERSON entities).

    Returns:
        The quotations in text order.
    """
    text = document.article.text
    names = names or person_names(document.sentences)
    sentences = document.sentences
    if not sentences:
        return []
    starts = [sentence.start for sentence in sentences]
    found = [quote for quote in _quotes_in(text) if sentences[0].start <= quote.start < sentences[-1].end]
    ending: dict[int, list[_Found]] = {}
    for quote in found:
        ending.setdefault(max(0, bisect.bisect_right(starts, quote.end - 1) - 1), []).append(quote)
    quotes: list[Quotation] = []
    focus: str | None = None  # the person the article last spoke of
    group_focus: str | None = None  # the last two people named together
    last: tuple[int, str | None] | None = None  # sentence index and speaker of the last quotation
    for position, sentence in enumerate(sentences):
        masked = _mask(text, sentence.start, sentence.end, found)
        mentions = names.find(masked, sentence.start)
        for quote in ending.get(position, []):
            first = max(0, bisect.bisect_right(starts, quote.start) - 1)
            region_start = sentences[first].start
            region = _mask(text, region_start, sentence.end, found)
            region_mentions = names.find(region, region_start)
            entities = [e for s in sentences[first : position + 1] for e in s.entities]
            speaker = _speaker(region, region_start, entities, found, region_mentions, focus, group_focus)
            if speaker is None and not _SAY.search(region) and last is not None and last[0] >= first - 1:
                speaker = last[1]  # an unattributed quotation goes on from the one before
            quotes.append(Quotation(quote.text, quote.start, quote.end, sentences[first].id, speaker))
            last = (position, speaker)
        people = list(dict.fromkeys(name for _, _, name in mentions))
        for (_, end, one), (start, _, other) in itertools.pairwise(mentions):
            if one != other and re.fullmatch(r",?\s+and\s+", text[end:start]):
                group_focus = f"{one} and {other}"  # "John McCain and Lindsey Graham"
        if ending.get(position) and quotes[-1].speaker and " and " not in quotes[-1].speaker:
            focus = quotes[-1].speaker
        elif people:
            focus = people[0]
    return sorted(quotes, key=lambda quote: quote.start)


def _mask(text: str, start: int, end: int, found: Sequence[_Found]) -> str:
    """``text[start:end]`` with quoted words blanked out (same length, so offsets still hold)."""
    chars = list(text[start:end])
    for quote in found:
        for index in range(max(quote.start, start), min(quote.end, end)):
            chars[index - start] = " "
    return "".join(chars)


def _speaker(
    region: str,
    offset: int,
    entities: Sequence[Entity],
    found: Sequence[_Found],
    mentions: Sequence[tuple[int, int, str]],
    focus: str | None,
    group_focus: str | None,
) -> str | None:
    """The speaker of a quotation from the words outside the marks around it (``region``, masked)."""
    verbs = [offset + m.start() for m in _SAY.finditer(region)]
    if not verbs:
        return None
    candidates: list[tuple[int, int, str]] = list(mentions)
    for match in _GROUP.finditer(region):
        if group_focus:
            candidates.append((offset + match.start(), offset + match.end(), group_focus))
    for match in _PRONOUN.finditer(region):
        # "Josh Earnest ... said he could not comment": the person named before the pronoun in the
        # same sentence comes first, then the one the article last spoke of.
        earlier = [name for start, _, name in mentions if start < offset + match.start()]
        singular = earlier[-1] if earlier else focus
        resolved = group_focus if match.group(1).lower() == "they" else singular
        if resolved:
            candidates.append((offset + match.start(), offset + match.end(), resolved))
    if not candidates:
        for entity in entities:
            inside = any(quote.start <= entity.start < quote.end for quote in found)
            if entity.label == "ORG" and not inside:
                candidates.append((entity.start, entity.end, re.sub(r"^the ", "", entity.text, flags=re.IGNORECASE)))
    best: tuple[int, str] | None = None
    for start, end, name in candidates:
        distance = min(min(abs(verb - end), abs(start - verb)) for verb in verbs)
        if distance <= MAX_VERB_DISTANCE and (best is None or distance < best[0]):
            best = (distance, name)
    return best[1] if best else None
