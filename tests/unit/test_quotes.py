"""Direct quotations and their speakers in one article (nlp/quotes.py), with the real spaCy model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from storyline.nlp.quotes import clean_name, find_quotations
from storyline.nlp.segment import segment
from storyline.types import Article

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model


def quotes_of(text: str, nlp: Language) -> list[tuple[str | None, str]]:
    document = segment(Article(id="a", text=text, source="A"), nlp)
    found = find_quotations(document)
    for quote in found:
        assert text[quote.start : quote.end] == quote.text  # exact spans
    return [(quote.speaker, quote.text) for quote in found]


def test_attribution_after_the_quote_names_the_speaker(nlp: Language) -> None:
    text = (
        '"The United States will not co-operate militarily with Iran in that effort," White House spokesperson '
        'Josh Earnest said. "We won\'t share intelligence with them."'
    )
    assert quotes_of(text, nlp) == [
        ("Josh Earnest", "The United States will not co-operate militarily with Iran in that effort"),
        ("Josh Earnest", "We won't share intelligence with them."),  # goes on from the quotation before
    ]


def test_he_said_is_the_person_named_before(nlp: Language) -> None:
    text = (
        "White House Press Secretary Josh Earnest declined to comment on the report on Thursday.\n\n"
        "Earnest added that the U.S. will not cooperate militarily with Iran.\n\n"
        'He said: "We have also discussed on the sidelines of those talks the ongoing campaign."'
    )
    assert quotes_of(text, nlp) == [
        ("Josh Earnest", "We have also discussed on the sidelines of those talks the ongoing campaign.")
    ]


def test_said_he_is_the_subject_of_the_same_sentence(nlp: Language) -> None:
    text = (
        "President Barack Obama met congressional leaders on Friday.\n\n"
        "Josh Earnest, the White House press secretary, while not denying the report, said he could not comment "
        "on “any correspondence between President Obama and any world leader.”"
    )
    assert quotes_of(text, nlp) == [
        ("Josh Earnest", "any correspondence between President Obama and any world leader.")
    ]


def test_the_two_senators_are_the_pair_named_before(nlp: Language) -> None:
    text = (
        "Republican Senators John McCain and Lindsey Graham called the plan a mistake on Friday.\n\n"
        '"The consequences of this ill-conceived bargain would be grave," the two senators said in a joint statement.'
    )
    assert quotes_of(text, nlp) == [
        ("John McCain and Lindsey Graham", "The consequences of this ill-conceived bargain would be grave")
    ]


def test_titles_and_scare_quotes_are_not_quotations(nlp: Language) -> None:
    text = (
        'A report in "The Wall Street Journal" newspaper says the senators called the plan "outrageous" and '
        'an "open question" on Thursday, according to officials.'
    )
    assert quotes_of(text, nlp) == []


def test_unattributed_quotation_has_no_speaker(nlp: Language) -> None:
    text = 'The sign at the gate read "No trespassing after dark, by order of the harbor board" for many years.'
    assert quotes_of(text, nlp) == [(None, "No trespassing after dark, by order of the harbor board")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("President Barack Obama's", "Barack Obama"), ("Sen. John McCain", "John McCain"), ("Earnest", "Earnest")],
)
def test_clean_name(name: str, expected: str) -> None:
    assert clean_name(name) == expected
