"""Numbers in text -> quantities: the value, the range its wording allows, and what it counts.

Knows strings only (no spaCy, no articles). ``find_quantities("at least 12 people were killed")``
gives one :class:`Quantity` with the value 12, the range [12, inf), the unit ("person",) and the
word before it. Two quantities *conflict* when they count the same thing (:func:`comparable`)
and their ranges do not meet (:func:`compatible`): "four people" and "five people" do, "more
than 60 countries" and "62 countries" do not, and "five other world powers" is only a part of
a count, so it fits "six world powers".

Dates and times are not quantities: callers pass their spans in ``skip`` (spaCy's DATE and
TIME entities), and bare years (1900-2099) are never taken as counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from storyline.text import UNIT_STOPWORDS

__all__ = ["Quantity", "comparable", "compatible", "find_quantities"]

Kind = Literal["count", "money", "percent", "ordinal", "vague"]

_TOKEN = re.compile(r"US\$|[$£€%]|\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?|[A-Za-z]+(?:[-'’][A-Za-z]+)*|[^\w\s]")

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "dozen": 12,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "twentieth": 20,
    "hundredth": 100,
}
_MULTIPLIERS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SHORT_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
#: Words that give an amount without a number, with the range of counts they allow.
_VAGUE = {
    "several": (2.0, 12.0),
    "multiple": (2.0, math.inf),
    "many": (3.0, math.inf),
    "numerous": (3.0, math.inf),
    "few": (2.0, 6.0),  # "a few"
    "couple": (2.0, 3.0),  # "a couple (of)"
    "dozens": (13.0, 199.0),
    "scores": (20.0, 999.0),
    "hundreds": (101.0, 1999.0),
    "thousands": (1001.0, 999_999.0),
    "millions": (1e6, 1e10),
}
_CURRENCY_SYMBOLS = {"$": "$", "US$": "$", "£": "£", "€": "€"}
_CURRENCY_WORDS = {
    "dollar": "$",
    "dollars": "$",
    "euro": "€",
    "euros": "€",
    "pound": "£",
    "pounds": "£",
    "yen": "¥",
    "yuan": "¥",
    "rupee": "₹",
    "rupees": "₹",
}
# Hedges before a number: how they widen the value v into a range (low factor, high factor).
_HEDGES: tuple[tuple[tuple[str, ...], float, float], ...] = (
    (("no", "more", "than"), 0.0, 1.0),
    (("no", "fewer", "than"), 1.0, math.inf),
    (("at", "least"), 1.0, math.inf),
    (("at", "most"), 0.0, 1.0),
    (("more", "than"), 1.0, math.inf),
    (("upwards", "of"), 1.0, math.inf),
    (("just", "over"), 1.0, 1.25),
    (("just", "under"), 0.8, 1.0),
    (("less", "than"), 0.0, 1.0),
    (("fewer", "than"), 0.0, 1.0),
    (("up", "to"), 0.0, 1.0),
    (("close", "to"), 0.8, 1.05),
    (("an", "estimated"), 0.75, 1.25),
    (("over",), 1.0, math.inf),
    (("above",), 1.0, math.inf),
    (("under",), 0.0, 1.0),
    (("below",), 0.0, 1.0),
    (("about",), 0.75, 1.25),
    (("around",), 0.75, 1.25),
    (("roughly",), 0.75, 1.25),
    (("approximately",), 0.75, 1.25),
    (("some",), 0.75, 1.25),
    (("estimated",), 0.75, 1.25),
    (("nearly",), 0.75, 1.0),
    (("almost",), 0.75, 1.0),
)
# After the number: a part of a larger count ("five other powers", "two more people").
_PARTIAL_AFTER = frozenset({"other", "more", "additional", "extra", "others"})
_PARTIAL_BEFORE = frozenset({"another", "further", "additional"})
# Words that end the unit phrase after a number.
_UNIT_STOP = UNIT_STOPWORDS
_UNIT_SKIP = frozenset({"other", "more", "additional", "extra", "of", "the", "percent"})
_SKIP_BEFORE = frozenset(
    {"the", "a", "an", "of", "all", "about", "some", "at", "least", "more", "than", "only", "just"}
)
_PERCENT_WORDS = ("percent", "per cent", "percentage points", "percentage point")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number or amount in a text, with the range its wording allows and what it counts."""

    text: str  # the words as written, hedge included: "at least 60"
    start: int  # offsets into the text that was searched
    end: int
    value: float  # the number stated (for a vague amount, the low end of its range)
    low: float
    high: float
    kind: Kind
    unit: tuple[str, ...] = ()  # up to two words after the number, singular, lower case: ("world", "power")
    before: str = ""  # the word before the number and its hedge, lower case ("killed")
    partial: bool = False  # "five other powers": part of a larger count
    hedge: str = ""  # how the wording widens the value: "", "lower", "upper", "about" or "vague"


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower().replace("’", "'")


def _singular(word: str) -> str:
    if word[:1].isupper() and word.endswith("is") and len(word) > 4:
        return word[:-1].lower()  # people of a place: "Israelis", "Iraqis", "Saudis"
    word = word.lower().replace("’", "'")
    if word in ("people", "persons", "person"):
        return "person"
    if word in ("children", "men", "women", "police", "news", "series", "species"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _number_word(tokens: list[_Token], index: int) -> tuple[float, int] | None:
    """A number written in words starting at ``index`` ("twenty-five", "a dozen"): value, tokens used."""
    word = tokens[index].lower
    if word in ("a", "an") and index + 1 < len(tokens) and tokens[index + 1].lower in ("dozen", *_MULTIPLIERS):
        value = 12.0 if tokens[index + 1].lower == "dozen" else _MULTIPLIERS[tokens[index + 1].lower]
        return value, 2
    if "-" in word:
        first, _, second = word.partition("-")
        if first in _TENS and second in _UNITS and _UNITS[second] < 10:
            return float(_TENS[first] + _UNITS[second]), 1
    if word in _UNITS:
        return float(_UNITS[word]), 1
    if word in _TENS:
        return float(_TENS[word]), 1
    return None


def _granularity(value: float, digits: str) -> float:
    """Half the place value of the last significant digit of a large round number (52,000 -> 500)."""
    if value < 1000 or "." in digits:
        return 0.0
    place = 1.0
    while value % (place * 10) == 0 and place * 10 <= value / 10:
        place *= 10
    return place / 2


def find_quantities(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Every number, ordinal and vague amount in ``text`` with its range and unit.

    Args:
        text: a sentence (or any text).
        skip: character spans to ignore (dates and times), as offsets into ``text``.

    Returns:
        The quantities in text order.
    """
    tokens = [_Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[Quantity] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if any(start <= token.start < end for start, end in skip):
            index += 1
            continue
        parsed = _parse_at(text, tokens, index)
        if parsed is None:
            index += 1
            continue
        quantity, after = parsed
        found.append(quantity)
        index = max(after, index + 1)
    return found


def _parse_at(text: str, tokens: list[_Token], index: int) -> tuple[Quantity, int] | None:
    token = tokens[index]
    word = token.lower
    kind: Kind = "count"
    currency = ""
    first = index
    digits = ""
    value: float
    used: int
    low_factor, high_factor = 1.0, 1.0
    vague: tuple[float, float] | None = None
    if token.text in _CURRENCY_SYMBOLS and index + 1 < len(tokens) and tokens[index + 1].text[:1].isdigit():
        currency = _CURRENCY_SYMBOLS[token.text]
        index += 1
        token = tokens[index]
        word = token.lower
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", token.text):
        digits = token.text
        if _is_not_a_count(text, tokens, index, currency):
            return None
        value = float(digits.replace(",", ""))
        used = 1
    elif re.fullmatch(r"\d+(?:st|nd|rd|th)", word):
        kind = "ordinal"
        value = float(word[:-2])
        used = 1
    elif word in _ORDINALS and not (word == "second" and _next_word(tokens, index) in ("half", "hand")):
        if word == "first" and _next_word(tokens, index) not in ("time", "letter", "case", "death", "victim"):
            return None  # "first" is mostly "earliest", not a count
        kind = "ordinal"
        value = float(_ORDINALS[word])
        used = 1
    elif word in _VAGUE or (word in ("few", "couple") and index > 0 and tokens[index - 1].lower == "a"):
        if word in ("few", "couple") and (index == 0 or tokens[index - 1].lower != "a"):
            return None
        if word in ("thousands", "hundreds", "millions") and index > 0 and _number_word(tokens, index - 1):
            return None
        kind = "vague"
        vague = _VAGUE[word]
        value = vague[0]
        used = 1
        if word in ("few", "couple"):
            first = index - 1
    else:
        number = _number_word(tokens, index)
        if number is None:
            return None
        value, used = number
        following = _next_word(tokens, index + used - 1)
        if word == "one" and (following in ("of", "another", "day", "") or following in _UNIT_STOP):
            return None  # "one of", "no one", "one day": not a count
    end_index = index + used
    # Multipliers: "38 million", "$1.2bn", "two hundred". "$4 billion" is a round figure: it
    # allows half a billion either way, "$4.2 billion" a twentieth.
    multiplier = 1.0
    while end_index < len(tokens):
        nxt = tokens[end_index]
        if (
            nxt.text == "-"
            and end_index + 1 < len(tokens)
            and nxt.start == tokens[end_index - 1].end
            and tokens[end_index + 1].start == nxt.end
            and tokens[end_index + 1].lower in _MULTIPLIERS
        ):
            end_index += 1  # "$4.77-billion": the hyphen joins the number to its multiplier
            continue
        if nxt.lower in _MULTIPLIERS:
            multiplier *= _MULTIPLIERS[nxt.lower]
            digits = digits or "x"
            end_index += 1
        elif nxt.lower in _SHORT_MULTIPLIERS and nxt.start == tokens[end_index - 1].end and digits:
            multiplier *= _SHORT_MULTIPLIERS[nxt.lower]
            end_index += 1
        else:
            break
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    rounding = 0.5 * multiplier * 10.0**-decimals if multiplier >= 1000 else 0.0
    value *= multiplier
    # Percent and currency words after the number.
    rest = text[tokens[end_index - 1].end :].lower()
    if end_index < len(tokens) and tokens[end_index].text == "%":
        kind = "percent"
        end_index += 1
    else:
        for phrase in _PERCENT_WORDS:
            if re.match(rf"\s+{phrase}\b", rest):
                kind = "percent"
                end_index += len(phrase.split())
                break
    if end_index < len(tokens) and tokens[end_index].lower in _CURRENCY_WORDS and kind == "count":
        currency = _CURRENCY_WORDS[tokens[end_index].lower]
        end_index += 1
    if currency:
        kind = "money"
    if vague is not None and kind == "vague" and end_index < len(tokens) and tokens[end_index].lower == "of":
        end_index += 1
    # Hedge and partial markers before the number.
    partial = False
    hedge_start = first
    for words, low, high in _HEDGES:
        size = len(words)
        if hedge_start - size >= 0 and tuple(t.lower for t in tokens[hedge_start - size : hedge_start]) == words:
            low_factor, high_factor = low, high
            hedge_start -= size
            break
    hedge = "lower" if high_factor == math.inf else "upper" if low_factor == 0.0 else ""
    if not hedge and (low_factor, high_factor) != (1.0, 1.0):
        hedge = "about"
    words_before = tuple(t.lower for t in tokens[max(0, hedge_start - 3) : hedge_start])
    if kind == "ordinal" and words_before == ("at", "least", "the"):  # "at least the fourth time"
        low_factor, high_factor = 1.0, math.inf
        hedge_start -= 3
        hedge = "lower"
    if vague is not None:
        hedge = "vague"
    if hedge_start > 0 and tokens[hedge_start - 1].lower in _PARTIAL_BEFORE:
        partial = True
    unit = _unit(tokens, end_index)
    if unit and unit[0] in _PARTIAL_AFTER:
        partial = True
        unit = unit[1:]
    if end_index < len(tokens) and tokens[end_index].lower in _PARTIAL_AFTER:
        partial = True
    if kind == "money":
        unit = (currency, *unit)
    elif kind == "percent":
        unit = ("%", *unit)  # "16 percent of children": what it is a share of
    if vague is not None:
        low, high = vague
    else:
        tolerance = max(rounding, _granularity(value, digits)) if kind in ("count", "money") else 0.0
        if kind == "percent" and value == int(value):
            tolerance = 0.5
        low = value * low_factor - (tolerance if low_factor == 1.0 else 0.0)
        high = value * high_factor + (tolerance if high_factor == 1.0 else 0.0)
    if partial:
        high = math.inf
    start_token = tokens[max(hedge_start, 0)]
    last = tokens[end_index - 1]
    before = _word_before(tokens, hedge_start)
    quantity = Quantity(
        text=text[start_token.start : last.end],
        start=start_token.start,
        end=last.end,
        value=value,
        low=low,
        high=high,
        kind=kind,
        unit=unit,
        before=before,
        partial=partial,
        hedge=hedge,
    )
    return quantity, end_index


def _next_word(tokens: list[_Token], index: int) -> str:
    return tokens[index + 1].lower if index + 1 < len(tokens) else ""


def _word_before(tokens: list[_Token], index: int) -> str:
    """The nearest word before a number that says what it is ("valued at roughly $4 billion" -> "valued")."""
    position = index - 1
    while position >= 0 and (
        tokens[position].lower in _SKIP_BEFORE
        or tokens[position].lower in _UNIT_STOP
        or not tokens[position].text[0].isalnum()
    ):
        position -= 1
    return tokens[position].lower if position >= 0 else ""


def _is_not_a_count(text: str, tokens: list[_Token], index: int, currency: str) -> bool:
    """Digits that are a year, a time, a date, part of a name ("F-16", "G20", "5G") or a label."""
    token = tokens[index]
    if _YEAR.fullmatch(token.text) and not currency:
        return True
    before = text[token.start - 1] if token.start > 0 else " "
    after = text[token.end] if token.end < len(text) else " "
    if before in ":/#-" or before.isalpha() or after in ":/":
        return True
    if after.isalpha() and not re.match(r"(?:k|m|mn|bn|b|tn)\b", text[token.end :], re.IGNORECASE):
        return True
    if index == 0 and not currency and re.match(r"[.)]\s", text[token.end : token.end + 2]):
        return True  # "1. Anthony Rapp, an actor ...": the number of an item in a list
    return index > 0 and tokens[index - 1].lower in ("no", "number", "route", "flight", "page", "article", "section")


def _unit(tokens: list[_Token], index: int) -> tuple[str, ...]:
    """Up to two words after a number, singular, stopping at a function word or punctuation."""
    words: list[str] = []
    position = index
    if (
        position + 1 < len(tokens)
        and tokens[position].text == "-"
        and tokens[position].start == tokens[position - 1].end
    ):
        position += 1  # "16-nation", "52-year-old"
    while position < len(tokens) and len(words) < 2:
        token = tokens[position]
        lower = token.lower
        if (
            token.text in _OPENING_QUOTES
            and position == index
            and position + 1 < len(tokens)
            and token.start > tokens[position - 1].end  # a space before it, none after: it opens
            and tokens[position + 1].start == token.end
        ):
            position += 1  # three "types" of civilisation: an opening quotation mark ends nothing
            continue
        if not token.text[0].isalpha():
            break
        if lower in _UNIT_SKIP and not words:
            if lower in _PARTIAL_AFTER:
                words.append(lower)
            position += 1
            continue
        if lower in _UNIT_STOP or (token.text[0].isupper() and words):
            break
        words.append(_singular(token.text))
        position += 1
    return tuple(words)


_OPENING_QUOTES = frozenset({'"', "“", "‘"})

#: Words that make another unit of the same name: nautical and statute miles, square and plain metres.
_UNIT_MODIFIERS = frozenset({"nautical", "square", "cubic", "metric", "light", "statute", "imperial"})


def comparable(first: Quantity, second: Quantity) -> bool:
    """True when two quantities count the same kind of thing (so their values must agree)."""
    money = {first.kind == "money", second.kind == "money"}
    percent = {first.kind == "percent", second.kind == "percent"}
    if len(money) == 2 or len(percent) == 2:
        return False
    if first.kind in ("money", "percent"):
        # The same currency (or a percentage) of the same thing: "$38 million contract" and "$40
        # million contract"; with nothing named after either, the same word before ("paid").
        if first.unit[:1] != second.unit[:1]:
            return False
        if first.unit[1:] and second.unit[1:]:
            return bool(set(first.unit[1:]) & set(second.unit[1:]))
        return not first.unit[1:] and not second.unit[1:] and bool(first.before) and first.before == second.before
    if (first.kind == "ordinal") != (second.kind == "ordinal") and "vague" not in (first.kind, second.kind):
        return False
    if first.unit and second.unit:
        if bool(_UNIT_MODIFIERS & set(first.unit)) != bool(_UNIT_MODIFIERS & set(second.unit)):
            return False  # "19 nautical miles" and "22 miles" are one distance in two units
        return first.unit[0] == second.unit[0] or first.unit[-1] == second.unit[-1]
    if not first.unit and not second.unit:
        return bool(first.before) and first.before == second.before
    return False


#: Two figures hedged the same way ("more than 200", "more than 400") that differ by more than
#: this share are different figures, though their ranges meet.
HEDGED_DIFFERENCE = 0.1


def compatible(first: Quantity, second: Quantity) -> bool:
    """True when both wordings can be true of the same count: the ranges meet, and two figures
    hedged the same way ("more than 200" and "more than 400", "about 7,000" and "about 9,000")
    are about the same figure."""
    if not (first.low <= second.high and second.low <= first.high):
        return False
    if first.hedge and first.hedge == second.hedge and first.hedge != "vague" and not (first.partial or second.partial):
        larger = max(abs(first.value), abs(second.value))
        return larger == 0 or abs(first.value - second.value) <= HEDGED_DIFFERENCE * larger
    return True
