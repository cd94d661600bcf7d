"""Dated events, ordered, with dates made absolute from each article's publication date."""

from __future__ import annotations

import re
from itertools import combinations

from storyline.compare.claims import _representative
from storyline.compare.facts import _Context
from storyline.compare.text import _content_words, _dice
from storyline.groups import Groups
from storyline.nlp.dates import When
from storyline.types import Sentence, TimelineEvent

#: Dated events to keep on the timeline.
MAX_TIMELINE = 30

# Timeline. Checked on the seed story (the Nov. 24 deadline of three outlets is one event).
#: Raw cosine above which two dated sentences of different outlets tell the same event ...
SAME_EVENT = 0.6

#: ... or, for events on the same day, this share of shared content words (Dice).
SAME_DAY_DICE = 0.3


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
    groups_of = Groups(len(items))

    for i, j in combinations(range(len(items)), 2):
        (wi, si), (wj, sj) = items[i], items[j]
        if wi.iso != wj.iso or si.article_id == sj.article_id:
            continue
        same_day_words = wi.granularity == "day" and _dice(words[si.id], words[sj.id]) >= SAME_DAY_DICE
        if same_day_words or context.aligned(si.id, sj.id) or context.cosine(si.id, sj.id) >= SAME_EVENT:
            groups_of.join(j, i)
    events: dict[int, list[tuple[When, Sentence]]] = {}
    for index, item in enumerate(items):
        events.setdefault(groups_of.root(index), []).append(item)
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
