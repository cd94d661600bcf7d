"""Direct quotations with their speakers, merged across outlets; quotations whose words differ."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from storyline.compare.facts import _Context
from storyline.compare.judge import unread
from storyline.compare.pair import _Finding
from storyline.compare.text import _STOP, _WORD, _negations
from storyline.groups import Groups
from storyline.nlp.quotes import Quotation, find_quotations
from storyline.types import Citation, Quote, Sentence

#: Quotes to keep (the most widely carried first): enough for a reader, not a dump.
MAX_QUOTES = 20

# Quotations. Checked on the seed story and the example cluster (the mayor's words, reworded).
#: Quotations merge when the shorter one's words are this share of the longer one's ...
QUOTE_CONTAINMENT = 0.8

#: ... or their word sequences are this similar (difflib ratio).
QUOTE_SIMILARITY = 0.7

#: A sentence without quotation marks carries a quotation when it has this share of its content words.
REPORTED_SPEECH = 0.6

#: A quotation of fewer words that does not read as a sentence of its own (it opens in lower case or
#: ends without a stop) is a phrase the article quotes ("to right-size and update", put in Obama's
#: mouth on the seed story), not a statement of its speaker: it is left out of the quotes.
MIN_STATEMENT_WORDS = 5


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


def _quotes(context: _Context) -> tuple[tuple[Quote, ...], list[_Finding]]:
    """The cluster's quotations, merged across outlets, and the candidate contradictions of the
    merged ones whose words differ in substance (for the judge, see contradictions._contradictions)."""
    items: list[_QuoteItem] = []
    for document in context.alignment.documents:
        names = context.names[document.article.id]
        for quotation in find_quotations(document, names):
            speaker = context.people.canonical(quotation.speaker)
            items.append(_QuoteItem(quotation, document.article.id, speaker, _quote_tokens(quotation.text)))
    groups_of = Groups(len(items))

    sets = [set(item.tokens) for item in items]
    for i, j in combinations(range(len(items)), 2):
        if len(sets[i] & sets[j]) < 3:
            continue
        if _same_quote(items[i], items[j]):
            groups_of.join(j, i)
    groups: dict[int, list[_QuoteItem]] = {}
    for index, item in enumerate(items):
        groups.setdefault(groups_of.root(index), []).append(item)

    ranked: list[tuple[tuple[int, int], Quote]] = []
    contradictions: list[_Finding] = []
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
        if not _fragment(main.quote.text):
            ranked.append(((-outlets, first_position), Quote(speaker, main.quote.text, tuple(dict.fromkeys(support)))))
        contradiction = _quote_conflict(context, members)
        if contradiction:
            contradictions.append(contradiction)
    ranked.sort(key=lambda item: item[0])
    return tuple(quote for _, quote in ranked[:MAX_QUOTES]), contradictions


def _fragment(text: str) -> bool:
    """A few quoted words that are no sentence: "to right-size and update", "an unusual step" (see
    MIN_STATEMENT_WORDS). "We will win." is a statement however short."""
    words = text.split()
    if len(words) >= MIN_STATEMENT_WORDS:
        return False
    opening = next((character for character in text if character.isalpha()), "")
    return not opening.isupper() or not text.rstrip(" \"'’”").endswith((".", "!", "?"))


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


def _quote_conflict(context: _Context, members: list[_QuoteItem]) -> _Finding | None:
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
            digits = any(token.isdigit() for token in changed)
            substantive = negations[0] != negations[1] or digits
            if tag == "replace" and not substantive:
                substantive = (
                    bool(_content(a.tokens[i1:i2]))
                    and bool(_content(b.tokens[j1:j2]))
                    and (i2 - i1 <= 3 and j2 - j1 <= 3 and _looks_numeric_or_named(a.tokens[i1:i2] + b.tokens[j1:j2]))
                )
            if not substantive:
                continue
            who = f" ({a.speaker or b.speaker})" if a.speaker or b.speaker else ""
            first, second = (context.by_id[item.quote.sentence_id] for item in (a, b))
            evidence = _quote_evidence(context, first, second, a, b)
            evidence.update(negations_differ=float(negations[0] != negations[1]), quote_digits=float(digits))
            return _Finding(
                "quote",
                sides={first.id: a.quote.text, second.id: b.quote.text},
                values={first.id: " ".join(a.tokens), second.id: " ".join(b.tokens)},
                note=f"the quoted words differ{who}",
                spans={
                    first.id: Citation(a.article_id, a.quote.start, a.quote.end),
                    second.id: Citation(b.article_id, b.quote.start, b.quote.end),
                },
                evidence=evidence,
            )
    return None


def _quote_evidence(
    context: _Context, first: Sentence, second: Sentence, a: _QuoteItem, b: _QuoteItem
) -> dict[str, float]:
    """What the judge reads of two versions of one quotation (the features of judge.FEATURES that
    apply to quotations; the others are -1)."""
    words_a, words_b = _content(a.tokens), _content(b.tokens)
    evidence = unread()
    evidence.update(
        kind_number=0.0,
        kind_date=0.0,
        kind_entity=0.0,
        kind_quote=1.0,
        note_office=0.0,
        note_substitution=0.0,
        note_list=0.0,
        note_person=0.0,
        note_place=0.0,
        note_vague=0.0,
        similarity=context.similarity(first.id, second.id),
        cosine=context.cosine(first.id, second.id),
        aligned=float(context.aligned(first.id, second.id)),
        quote_dice=2 * len(set(words_a) & set(words_b)) / max(1, len(set(words_a)) + len(set(words_b))),
        quote_words=float(min(len(a.tokens), len(b.tokens))),
        same_speaker=float(bool(a.speaker and b.speaker)),
        rules_keep=1.0,  # the rule above reported every such pair before the judge
    )
    return evidence


_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand "
    "million billion first second third fourth fifth".split()
)


def _looks_numeric_or_named(tokens: Sequence[str]) -> bool:
    return any(token in _NUMBER_WORDS or token.isdigit() for token in tokens)
