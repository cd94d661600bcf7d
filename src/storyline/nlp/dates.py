"""Date expressions -> calendar intervals, made absolute from a reference (publication) date.

Knows strings and dates only: no spaCy, no articles. ``resolve_date("Thursday", reference)``
turns the words of a date entity into the interval of days it names; ``find_dateline`` finds
the publication date printed near the top of a page's text (a dateline such as
"2014-11-07 09:24" or "Wednesday, March 11, 2026 - 07:15").

Expressions that need a day-exact reference ("Thursday", "last month", "two days ago") are
resolved only when ``relative=True``; month-day dates without a year ("Nov. 24") only need the
year, which a reference a few days off still gives right.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["When", "find_dateline", "parse_iso_date", "resolve_date"]

Granularity = Literal["day", "month", "year"]

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9
_WEEKDAYS = {calendar.day_name[number].lower(): number for number in range(7)}
_WEEKDAYS.update({calendar.day_abbr[number].lower(): number for number in range(7)})
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_SMALL_NUMBERS = {
    "a": 1,
    "an": 1,
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
}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_ISO = re.compile(r"(?P<year>(?:1[89]|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_MONTH_DAY = re.compile(rf"{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?")
_DAY_MONTH = re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?")
_MONTH_YEAR = re.compile(rf"{_MONTH}(?:\s+of)?,?\s+{_YEAR}\b")
_MONTH_ONLY = re.compile(rf"{_MONTH}$")
_YEAR_ONLY = re.compile(rf"(?:the\s+year\s+)?{_YEAR}$")
_WEEKDAY = re.compile(
    r"(?P<which>last|next|this|this past|this coming|past|coming)?\s*"
    r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?"
    r"(?:\s+(?:morning|afternoon|evening|night|noon))?$"
)
_NAMED_DAY = re.compile(r"(?P<word>today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening)|last night)$")
_RELATIVE_PERIOD = re.compile(r"(?P<which>last|next|this|past|coming)\s+(?P<unit>month|year)$")
_AGO = re.compile(
    r"(?P<count>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+ago$"
)
# Words around a date that refine it ("early", "mid-") or say nothing about which day it is.
_LEADING = re.compile(
    r"^(?:(?:on|in|of|at|by|from|during|since|until|till|before|after|as of|late|early|mid|the middle of|"
    r"the end of|the beginning of|the start of|sometime|around|about|last|next)\b[-\s]*)+"
)
_LEADING_KEEP = ("last", "next")  # kept: they change which day a weekday names
_TRAILING = re.compile(r"(?:[\s,]+(?:morning|afternoon|evening|night|noon|at dawn|local time|et|gmt|utc))+$")
_DURATION = re.compile(r"\b(?:days|weeks|months|years|decades|hours|minutes)\b(?!\s+ago)|\bfor\b|\bwithin\b")

_DATELINE_DATE = re.compile(
    r"(?:1[89]|20)\d\d-[01]\d-[0-3]\d\b"
    r"|[a-z]{3,9}\.?\s+[0-3]?\d(?:st|nd|rd|th)?,?\s+(?:1[89]|20)\d\d\b"
    r"|[0-3]?\d(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+(?:1[89]|20)\d\d\b",
    re.IGNORECASE,
)
_DATELINE_NOISE = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|[a-z]{2,4}t|gmt|utc|edt|est|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\d{1,2}:\d{2}(?::\d{2})?|[-–—|,:·•/()]",
    re.IGNORECASE,
)
#: A dateline is one of the first lines of a page; further down a date line is something else.
DATELINE_MAX_LINE = 25


@dataclass(frozen=True, slots=True)
class When:
    """The days a date expression names: ``start`` to ``end`` inclusive, at a granularity."""

    start: date
    end: date
    granularity: Granularity

    @property
    def iso(self) -> str:
        """ "YYYY-MM-DD", "YYYY-MM" or "YYYY" (the timeline's format)."""
        if self.granularity == "day":
            return self.start.isoformat()
        if self.granularity == "month":
            return self.start.isoformat()[:7]
        return str(self.start.year)

    def overlaps(self, other: When) -> bool:
        """True when the two intervals share a day ("October" and "mid-October" do)."""
        return self.start <= other.end and other.start <= self.end


def _day(year: int, month: int, day: int) -> When | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return When(value, value, "day")


def _month(year: int, month: int) -> When:
    last = calendar.monthrange(year, month)[1]
    return When(date(year, month, 1), date(year, month, last), "month")


def _year(year: int) -> When:
    return When(date(year, 1, 1), date(year, 12, 31), "year")


def _nearest_year(month: int, day: int, reference: date) -> int:
    """The year that puts month/day closest to the reference (news dates are near it)."""
    best = reference.year
    distance = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            gap = abs((date(year, month, min(day, 28 if month == 2 else day)) - reference).days)
        except ValueError:
            continue
        if distance is None or gap < distance:
            best, distance = year, gap
    return best


def parse_iso_date(value: str | None) -> date | None:
    """The date at the start of an ISO string ("2014-11-07T09:24:00Z" -> 2014-11-07), else None."""
    if not value:
        return None
    match = _ISO.match(value.strip())
    if not match:
        return None
    when = _day(int(match["year"]), int(match["month"]), int(match["day"]))
    return when.start if when else None


def resolve_date(
    expression: str, reference: date | None, *, future: bool = False, relative: bool = True
) -> When | None:
    """The interval of days a date expression names, or None when it names none (or cannot be placed).

    Args:
        expression: the words of a date ("Nov. 24", "in August", "last month", "early Tuesday").
            Durations ("three weeks", "more than a year") and spans ("since 2009") give None.
        reference: the publication date the expression is relative to (None: only dates that
            carry their year can be resolved).
        future: the sentence speaks of the future ("will meet on Friday"): a weekday or a bare
            month is the next one rather than the last one.
        relative: resolve expressions that need a day-exact reference ("Thursday", "last month",
            "yesterday"). Turn off when the reference is only a guess from other articles.

    Returns:
        The interval, or None.
    """
    text = re.sub(r"\s+", " ", expression.strip().lower().replace("’", "'"))
    text = text.removesuffix("'s").strip(" ,.;:")
    if not text or re.match(r"^(?:since|until|till|through|throughout)\b", text):
        return None
    if _DURATION.search(text):
        return None
    anchor_ok = reference is not None and relative
    match = _ISO.match(text)
    if match:
        return _day(int(match["year"]), int(match["month"]), int(match["day"]))
    stripped = _strip(text)
    stripped = _TRAILING.sub("", stripped).strip(" ,.")
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.fullmatch(stripped) or pattern.fullmatch(_drop_weekday(stripped))
        if match:
            month = _month_number(match["month"])
            day = int(match["day"])
            if match["year"]:
                return _day(int(match["year"]), month, day)
            if reference is None:
                return None
            return _day(_nearest_year(month, day, reference), month, day)
    match = _MONTH_YEAR.fullmatch(stripped)
    if match:
        return _month(int(match["year"]), _month_number(match["month"]))
    match = _MONTH_ONLY.fullmatch(stripped)
    if match:
        if reference is None:
            return None
        month = _month_number(match["month"])
        year = reference.year
        if future and month < reference.month:
            year += 1
        elif not future and month > reference.month:
            year -= 1
        return _month(year, month)
    match = _YEAR_ONLY.fullmatch(stripped)
    if match:
        return _year(int(match["year"]))
    if not anchor_ok:
        return None
    assert reference is not None
    return _relative(text, stripped, reference, future)


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return _MONTHS["sept"] if name.startswith("sept") else _MONTHS[name[:3]]


def _strip(text: str) -> str:
    """Drop leading prepositions and refiners ("in mid-October" -> "october"), keeping last/next."""
    match = _LEADING.match(text)
    if not match:
        return text
    kept = [word for word in re.split(r"[-\s]+", match.group(0)) if word in _LEADING_KEEP]
    rest = text[match.end() :].strip()
    return " ".join([*kept[-1:], rest]) if kept else rest


def _drop_weekday(text: str) -> str:
    """ "wednesday, march 11" -> "march 11"."""
    return re.sub(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+", "", text)


def _relative(text: str, stripped: str, reference: date, future: bool) -> When | None:
    match = _NAMED_DAY.fullmatch(stripped) or _NAMED_DAY.fullmatch(text)
    if match:
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(match["word"], 0)
        day = reference + timedelta(days=offset)
        return When(day, day, "day")
    match = _WEEKDAY.fullmatch(stripped) or _WEEKDAY.fullmatch(text)
    if match:
        weekday = _WEEKDAYS[match["weekday"].rstrip(".")]
        which = (match["which"] or "").strip()
        back = (reference.weekday() - weekday) % 7
        ahead = (weekday - reference.weekday()) % 7
        if which in ("next", "coming", "this coming") or (future and which not in ("last", "past", "this past")):
            day = reference + timedelta(days=ahead or (7 if which == "next" else 0))
        else:
            day = reference - timedelta(days=back or (7 if which in ("last", "past") else 0))
        return When(day, day, "day")
    match = _RELATIVE_PERIOD.fullmatch(stripped) or _RELATIVE_PERIOD.fullmatch(text)
    if match:
        step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(match["which"], 0)
        if match["unit"] == "year":
            return _year(reference.year + step)
        month_index = reference.year * 12 + reference.month - 1 + step
        return _month(month_index // 12, month_index % 12 + 1)
    match = _AGO.fullmatch(stripped) or _AGO.fullmatch(text)
    if match:
        count = int(match["count"]) if match["count"].isdigit() else _SMALL_NUMBERS[match["count"]]
        unit = match["unit"]
        if unit in ("day", "week"):
            day = reference - timedelta(days=count * (7 if unit == "week" else 1))
            return When(day, day, "day")
        if unit == "month":
            month_index = reference.year * 12 + reference.month - 1 - count
            return _month(month_index // 12, month_index % 12 + 1)
        return _year(reference.year - count)
    return None


def find_dateline(text: str) -> date | None:
    """The publication date printed on a line of its own near the top of a page's text, else None.

    A dateline is a short line that is (almost) only a full date with its year, perhaps with a
    weekday, a time and "Published"/"Updated": "2014-11-07 09:24", "March 11, 2026",
    "Wednesday, March 11, 2026 - 07:15", "Published: 7 Nov 2014". A "Published" date wins over
    an "Updated" one.
    """
    found: list[tuple[int, date]] = []
    for line in text.splitlines()[:DATELINE_MAX_LINE]:
        line = line.strip()
        if not line or len(line) > 80:
            continue
        match = _DATELINE_DATE.search(line)
        if not match:
            continue
        rest = _DATELINE_NOISE.sub(" ", _DATELINE_DATE.sub(" ", line))
        if len(rest.split()) > 1:
            continue
        when = resolve_date(match.group(0), None)
        if when is None or when.granularity != "day":
            continue
        rank = 1 if re.search(r"updated|modified", line, re.IGNORECASE) else 0
        found.append((rank, when.start))
    return min(found, key=lambda item: item[0])[1] if found else None
