"""Agreements (facts two or more outlets report) and single-source claims."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.compare.facts import _Context
from storyline.compare.names import _PERSON, _PLACE
from storyline.compare.text import _WORD, _claim_words
from storyline.text import CLAIM_DEPENDENT_OPENERS
from storyline.types import Claim, Sentence

#: How many items of each list to keep (the most important ones): enough for a reader, not a dump.
MAX_AGREEMENTS = 12

MAX_SINGLE_SOURCE = 10

MAX_SINGLE_SOURCE_PER_ARTICLE = 3

#: Sentences shorter or longer than this (in words) do not make good claims.
MIN_CLAIM_WORDS = 6

MAX_CLAIM_WORDS = 60

_DEPENDENT_OPENERS = CLAIM_DEPENDENT_OPENERS


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
