"""Numbers and amounts in text, and when two of them disagree (nlp/quantities.py)."""

from __future__ import annotations

import math

import pytest

from storyline.nlp.quantities import Quantity, comparable, compatible, find_quantities


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "unit"),
    [
        ("injuring four people", 4, 4, 4, ("person",)),
        ("more than 60 countries", 60, 60, math.inf, ("country",)),
        ("at least 12 people were killed", 12, 12, math.inf, ("person",)),
        ("nearly 300 gallons of diesel", 300, 225, 300, ("gallon",)),
        ("twenty-five people died", 25, 25, 25, ("person", "died")),
        ("at least the fourth time", 4, 4, math.inf, ("time",)),
        ("multiple times since 2009", 2, 2, math.inf, ("time",)),
        ("dozens of people", 13, 13, 199, ("person",)),
        ("Eight Israelis were killed", 8, 8, 8, ("israeli",)),  # people of a place, made singular
        ("two tennis courts", 2, 2, 2, ("tennis", "court")),  # a common word in -is keeps its s
        ('the three "types" of civilizations', 3, 3, 3, ("type",)),  # an opening quotation mark ends nothing
        ("the three “types” of civilizations", 3, 3, 3, ("type",)),
    ],
)
def test_values_ranges_and_units(text: str, value: float, low: float, high: float, unit: tuple[str, ...]) -> None:
    quantity = only(text)
    assert (quantity.value, quantity.low, quantity.high, quantity.unit) == (value, low, high, unit)


def test_money_and_percent() -> None:
    money = only("approved a $38 million contract")
    assert money.kind == "money" and money.value == 38e6 and money.unit[0] == "$"
    assert money.text == "$38 million"
    hyphened = only("estimated to be $4.77-billion by the magazine")  # one figure, however it is joined
    assert hyphened.value == 4.77e9 and hyphened.unit == ("$",)
    percent = only("prices rose 5% last year")
    assert percent.kind == "percent" and percent.low == 4.5 and percent.high == 5.5


def test_round_large_numbers_allow_their_rounding() -> None:
    rounded = only("about 52,000 vehicles a day")
    exact = only("52,300 vehicles a day")
    assert compatible(rounded, exact) and comparable(rounded, exact)


@pytest.mark.parametrize(
    "text",
    [
        "The collision happened at 4:40 a.m.",
        "It happened on 9/11 and in 1998.",
        "F-16 jets flew over.",
        "No one was killed.",
        "It is one of the busiest bridges.",
        "1. Anthony Rapp, an actor on Star Trek: Discovery, told BuzzFeed.",  # an item of a list
        "2) Another accuser spoke to Vulture.",
    ],
)
def test_times_years_names_and_pronoun_one_are_not_counts(text: str) -> None:
    assert find_quantities(text) == []


def test_spans_to_skip_are_skipped() -> None:
    text = "Four people were hurt on Nov. 24."
    skip = [(text.index("Nov. 24"), len(text) - 1)]
    assert [q.text for q in find_quantities(text, skip)] == ["Four"]


def test_different_counts_of_the_same_thing_conflict() -> None:
    four, six = only("Four people were injured"), only("Six people were injured")
    assert comparable(four, six) and not compatible(four, six)


def test_a_part_of_a_count_fits_the_whole() -> None:
    # "six world powers" = "the US and five other world powers": a paraphrase, not a contradiction.
    six, five_other = only("Iran and six world powers reach a deal"), only("the US and five other world powers")
    assert five_other.partial
    assert comparable(six, five_other) and compatible(six, five_other)


def test_hedged_counts_fit_the_exact_one() -> None:
    assert compatible(only("more than 60 countries"), only("62 countries"))
    assert not compatible(only("more than 60 countries"), only("40 countries"))


def test_different_things_are_not_compared() -> None:
    assert not comparable(only("four people"), only("four bridges"))
    assert not comparable(only("$4 million"), only("4 million people"))


def test_a_round_figure_with_a_multiplier_allows_its_rounding() -> None:
    assert compatible(only("valued at $4 billion"), only("valued at $4.2 billion"))
    assert not compatible(only("valued at $4.2 billion"), only("valued at $4.5 billion"))


def test_figures_hedged_the_same_way_must_be_about_the_same() -> None:
    # Their ranges meet, but two outlets giving "more than" figures this far apart disagree.
    assert not compatible(only("more than 200 people"), only("more than 400 people"))
    assert compatible(only("more than 200 people"), only("more than 210 people"))


def test_percentages_of_different_things_are_not_compared() -> None:
    assert not comparable(only("16 percent of children are malnourished"), only("65 percent are stunted"))
    assert comparable(only("16 percent of children"), only("20 percent of children"))


def test_a_hyphenated_count_keeps_its_unit() -> None:
    assert only("the 16-nation space station").unit[0] == "nation"


def test_a_number_opening_a_sentence_without_a_list_mark_is_a_count() -> None:
    assert only("12 people were hurt.").value == 12
    assert only("1.5 million people live there.").value == 1.5e6


def test_a_closing_quotation_mark_still_ends_the_unit() -> None:
    # The mark after the number closes a quotation: the next words are not what it counts.
    assert only('"I saw three" Reuters said').unit == ()
    assert only("“I saw three” he said").unit == ()
