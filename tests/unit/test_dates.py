"""Date expressions made absolute from a publication date, and datelines (nlp/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.nlp.dates import When, find_dateline, parse_iso_date, resolve_date

# Friday 7 November 2014: the News24 seed article's dateline.
PUBLISHED = date(2014, 11, 7)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Thursday", "2014-11-06"),  # the last Thursday before a Friday
        ("on Friday", "2014-11-07"),  # the day itself
        ("early Tuesday", "2014-11-04"),
        ("Tuesday morning", "2014-11-04"),
        ("last Friday", "2014-10-31"),
        ("next Tuesday", "2014-11-11"),
        ("yesterday", "2014-11-06"),
        ("two days ago", "2014-11-05"),
        ("last month", "2014-10"),
        ("last year", "2013"),
        ("Nov. 24", "2014-11-24"),
        ("November 4", "2014-11-04"),
        ("Sept. 3", "2014-09-03"),
        ("in August", "2014-08"),
        ("mid-October", "2014-10"),
        ("the end of October", "2014-10"),
        ("in 1979", "1979"),
        ("Oct. 16, 1998", "1998-10-16"),
        ("6 November 2014", "2014-11-06"),
        ("Wednesday, March 11, 2026", "2026-03-11"),
        ("2014-11-07", "2014-11-07"),
    ],
)
def test_resolve_date_against_the_publication_date(expression: str, expected: str) -> None:
    when = resolve_date(expression, PUBLISHED)
    assert when is not None
    assert when.iso == expected


def test_a_month_day_date_takes_the_year_nearest_the_publication_date() -> None:
    when = resolve_date("Jan. 3", date(2014, 12, 28))
    assert when is not None and when.iso == "2015-01-03"


@pytest.mark.parametrize(("expression", "expected"), [("Thursday", "2014-11-13"), ("January", "2015-01")])
def test_future_sentences_look_ahead(expression: str, expected: str) -> None:
    when = resolve_date(expression, PUBLISHED, future=True)
    assert when is not None and when.iso == expected


@pytest.mark.parametrize(
    "expression",
    [
        "less than three weeks",
        "at least two weeks",
        "more than a year",
        "since 2009",
        "the following month",
        "last fall",
    ],
)
def test_durations_spans_and_vague_dates_name_no_day(expression: str) -> None:
    assert resolve_date(expression, PUBLISHED) is None


def test_without_a_reference_only_dates_with_their_year_resolve() -> None:
    assert resolve_date("Nov. 24", None) is None
    assert resolve_date("Thursday", None) is None
    when = resolve_date("Nov. 24, 2014", None)
    assert when is not None and when.iso == "2014-11-24"


def test_a_borrowed_reference_places_month_days_but_not_weekdays() -> None:
    # relative=False: the reference is another article's date, a few days off at worst.
    assert resolve_date("Thursday", PUBLISHED, relative=False) is None
    assert resolve_date("last month", PUBLISHED, relative=False) is None
    when = resolve_date("Nov. 24", PUBLISHED, relative=False)
    assert when is not None and when.iso == "2014-11-24"


def test_a_refinement_overlaps_the_wider_date() -> None:
    october = resolve_date("in October", PUBLISHED)
    mid_october = resolve_date("mid-October", PUBLISHED)
    november = resolve_date("November", PUBLISHED)
    assert october is not None and mid_october is not None and november is not None
    assert october.overlaps(mid_october)
    assert not october.overlaps(november)


def test_when_iso_has_the_granularity_of_the_expression() -> None:
    assert When(date(2014, 11, 1), date(2014, 11, 30), "month").iso == "2014-11"
    assert When(date(2014, 1, 1), date(2014, 12, 31), "year").iso == "2014"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Obama writes rare letter\n\n2014-11-07 09:24\nFile: AP\n\nWashington - In a rare outreach...", "2014-11-07"),
        ("Bridge closed\n\nBy Mara Lindqvist, Ledger Staff Writer\nMarch 11, 2026\n\nShare", "2026-03-11"),
        ("Pilot radioed mayday\n\nWednesday, March 11, 2026 - 07:15\nSaltmarsh Courier staff", "2026-03-11"),
        ("Headline\n\nPublished: 7 Nov 2014 | Updated: 8 Nov 2014\n\nText.", "2014-11-07"),
        ("Headline\n\nThe report of November 6, 2014, said the letter was sent in October and more.", None),
        ("No date anywhere in this text at all.", None),
    ],
)
def test_find_dateline(text: str, expected: str | None) -> None:
    found = find_dateline(text)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2014-11-07T09:24:00Z", date(2014, 11, 7)), ("2014-11-07", date(2014, 11, 7)), ("Nov 7", None), (None, None)],
)
def test_parse_iso_date(value: str | None, expected: date | None) -> None:
    assert parse_iso_date(value) == expected
