"""Where two sentences about one fact give a different number, date, person or place."""

from __future__ import annotations

import re

from storyline.compare.facts import _DAY_WORDS, _after_preposition, _Context, _number_key, _Reference
from storyline.compare.names import (
    _PERSON,
    _capitalised_name,
    _family,
    _is_alias,
    _listed,
    _mentions,
    _name_like,
    _nested,
    _normal_name,
    _odd_members,
    _one_holder,
    _role_family,
    _speaker,
)
from storyline.compare.pair import SAME_SENTENCE, _Finding, _Pair, _phrase
from storyline.compare.text import _STOP, _dice
from storyline.nlp.dates import When
from storyline.nlp.quantities import Quantity, comparable, compatible
from storyline.types import Entity, Sentence

# Values set on the dev half of benchmarks/contradictions.py, like those of contradictions.py
# (re-run it with --split dev after changing one).
#: Pairs sharing this share of their content words tell one fact: a lone date on each side must
#: then be the same date, wherever it stands. (At 0.5, "also Sunday, another quarrel was brewing
#: over the meeting" and "his address Monday to the council" were one fact.)
NEAR_VERBATIM = 0.6

#: Two sentences that each name one person the other does not, and share this share of their other
#: content words (Dice, names, numbers and dates left out), tell one fact of two different people.
SAME_ROLE = 0.5

#: Figures of ten or more this many times apart count different things (see _far_apart). The
#: figures that outlets report differently (60 and 65 dead, $316 and $341.2 million) lie well inside.
FAR_APART = 5.0

#: Two sentences sharing this share of their content words, each with one figure of a kind (one sum
#: of money, one count), give that figure two ways even where the words around it differ ("the
#: record jackpot of $656 million, won March 2012" against "the U.S. record, a $656 million Mega
#: Millions prize, shared ... in March 2012"). Dev split: 2 more altered figures found, no more
#: contradictions on the unaltered clusters. (Figures in the same place of two lists of figures
#: that agree but for them found none more and added one false alarm.)
SOLE_FIGURE_DICE = 0.5

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

    def alone(x: Quantity, y: Quantity) -> bool:
        """x and y are each the only figure of their kind in their sentence, and the sentences share
        most of their words: there is no other figure either could stand for."""
        return (
            x.kind == y.kind != "vague"
            and sum(1 for q in qa if q.kind == x.kind) == 1
            and sum(1 for q in qb if q.kind == y.kind) == 1
            and pair.dice >= SOLE_FIGURE_DICE
        )

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
        return same_kind and not other_units and (pair.substitution(*spans) or alone(x, y))

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
            if pair.dice < SAME_SENTENCE and not (
                pair.same_neighbour(*spans) or pair.substitution(*spans) or alone(x, y)
            ):
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
            # One office given to two people ("Kurdish rebel leader X", "the Kurdish rebel leader, Y"):
            # one outlet names the wrong one, even where both are quoted.
            if (
                _role_family(x) == _role_family(y) == "PERSON"
                and (x_missing and y_missing)
                and _one_holder(first, x, second, y)
            ):
                return _name_finding(first, x.text, second, y.text, "office")
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


def _name_finding(first: Sentence, x: str, second: Sentence, y: str, note: str) -> _Finding:
    return _Finding(
        "entity",
        sides={first.id: x, second.id: y},
        values={first.id: _normal_name(x), second.id: _normal_name(y)},
        note=note,
        keys={first.id: x, second.id: y},
    )
