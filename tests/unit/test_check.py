"""Usability checks on cleaned articles (sources/check.py): English, prose, page notices, length cap, duplicates."""

from __future__ import annotations

import pytest

from storyline.config import Config
from storyline.errors import InputError, NotEnglishError
from storyline.pipeline import Pipeline
from storyline.sources.check import (
    MIN_ENGLISH_SHARE,
    check_article,
    clean_article,
    english_share,
    find_duplicates,
    page_notice,
)
from storyline.types import Article, Problem

ENGLISH = (
    "A container ship lost power early on Tuesday and drifted into a pier of the Kestrel Narrows Bridge, "
    "the harbour authority said. Four people were hurt, none of them seriously, and the bridge was closed "
    "in both directions while engineers checked the damage.\n\n"
    "Mayor Ana Ruiz said the crossing would stay shut for at least two weeks. Commuters from the eastern "
    "suburbs faced long delays on the detour through the Millrace Tunnel, and the city added extra ferries "
    "to carry them across the harbour."
)

GERMAN = (
    "Ein Containerschiff hat am frühen Dienstagmorgen einen Pfeiler der Kestrel-Narrows-Brücke gerammt. "
    "Nach Angaben der Hafenbehörde hatte das Schiff kurz nach dem Ablegen seinen Antrieb verloren und war "
    "seitlich gegen den Pfeiler getrieben. Vier Menschen wurden verletzt, keiner von ihnen lebensgefährlich. "
    "Die Brücke stürzte nicht ein, wurde aber in beiden Richtungen gesperrt. Die Bürgermeisterin sagte, die "
    "Sperrung werde mindestens zwei Wochen dauern."
)

LINKS = "\n".join(
    ["Home", "News", "Local", "Business", "Sports", "Opinion", "Weather", "Subscribe", "Log in"]
    + [f"https://www.portwendellledger.example/{section}/" for section in ("news", "local", "sports", "weather")]
    + ["About us", "Contact", "Privacy policy", "Terms of use"]
)

TABLE = "\n".join(
    ["hour | northbound | southbound | total | avg_speed_mph"]
    + [
        f"{hour:02d}:00 | {400 + 97 * hour} | {380 + 113 * hour} | {780 + 210 * hour} | {52.4 - hour:.1f}"
        for hour in range(5, 21)
    ]
)


def article(text: str, identifier: str = "a1") -> Article:
    return Article(id=identifier, text=text, source="Port Wendell Ledger", origin=f"{identifier}.txt")


def test_english_share_is_high_for_english_and_low_for_german() -> None:
    assert english_share(ENGLISH) > 0.3
    assert english_share(GERMAN) < MIN_ENGLISH_SHARE
    assert english_share(ENGLISH) > 3 * english_share(GERMAN)


def test_english_share_of_text_without_words_is_zero() -> None:
    assert english_share("12 34 -- !!") == 0.0


def test_check_article_passes_a_normal_article() -> None:
    check_article(article(ENGLISH))


def test_check_article_raises_not_english_for_german() -> None:
    with pytest.raises(NotEnglishError, match="English") as caught:
        check_article(article(GERMAN, "de"))
    assert caught.value.input == "de.txt"
    assert "de.txt" in str(caught.value)


@pytest.mark.parametrize("text", [LINKS, TABLE], ids=["list-of-links", "table"])
def test_check_article_raises_input_error_for_non_prose(text: str) -> None:
    # check_article takes a cleaned article (its documented contract), as the pipeline gives it.
    cleaned, _ = clean_article(article(text, "page"))
    with pytest.raises(InputError) as caught:
        check_article(cleaned)
    assert not isinstance(caught.value, NotEnglishError)
    assert "page.txt" in str(caught.value)
    assert "a list of links, a table" in str(caught.value)


def test_check_article_raises_input_error_for_uncleaned_table() -> None:
    with pytest.raises(InputError, match="does not look like a news article") as caught:
        check_article(article(TABLE, "page"))
    assert not isinstance(caught.value, NotEnglishError)


def test_uncleaned_link_list_is_reported_as_not_an_article_rather_than_not_english() -> None:
    with pytest.raises(InputError) as caught:
        check_article(article(LINKS, "page"))
    assert not isinstance(caught.value, NotEnglishError)


def test_check_article_raises_for_empty_text() -> None:
    with pytest.raises(InputError, match="no article text"):
        check_article(article("   \n\n  "))


@pytest.mark.parametrize("clean", [True, False], ids=["cleaned", "raw"])
def test_clean_article_cuts_text_to_max_chars_with_a_note(clean: bool) -> None:
    # Distinct paragraphs: the cleaner takes a paragraph a page shows twice for a teaser.
    days = [
        f"On day {day} of the closure, {300 + 40 * day} commuters took the extra ferries across the harbour, "
        f"and engineers finished checking pier number {day % 7 + 1} of the Kestrel Narrows Bridge."
        for day in range(1, 120)
    ]
    long = article("\n\n".join([ENGLISH, *days]))
    cut, note = clean_article(long, clean=clean, max_chars=5000)
    assert 2500 < len(cut.text) <= 5000
    assert cut.text.startswith(ENGLISH.split("\n\n")[0])
    assert note is not None
    assert "a1.txt" in note and "max_chars" in note


def test_clean_article_leaves_short_text_without_a_note() -> None:
    cleaned, note = clean_article(article(ENGLISH), clean=False, max_chars=5000)
    assert note is None
    assert cleaned.text == ENGLISH


@pytest.mark.parametrize(
    "copy",
    [
        ENGLISH,
        ENGLISH.upper(),
        "  " + ENGLISH.replace(" ", "   ").replace("\n\n", "\n") + "\n\n",
    ],
    ids=["same", "case", "spacing"],
)
def test_find_duplicates_finds_exact_copies_regardless_of_spacing_and_case(copy: str) -> None:
    articles = [article(ENGLISH, "a1"), article(GERMAN, "a2"), article(copy, "a3")]
    assert find_duplicates(articles) == {"a3": "a1"}


def test_find_duplicates_keeps_different_texts() -> None:
    changed = ENGLISH.replace("Four people", "Five people")
    assert find_duplicates([article(ENGLISH, "a1"), article(changed, "a2")]) == {}


# Page furniture that reads like prose (issue 5): written for these tests in the manner of the
# notices that repeat across Multi-News clusters, not copied from them.
NOTICES = {
    "location": (
        "Post with a location. You can add location information to your posts, such as your town or exact "
        "position, from the website or from apps made by others. You can always delete your location history. "
        "Find out more",
        "adding a location to posts",
    ),
    "archive": (
        "These web crawls were run to save pages as they appear and the pages they link to, so that a reader "
        "can still see the version that was live when a page was written. The crawl data is added to the "
        "collection after an embargo period. This collection is not publicly accessible.",
        "web archive",
    ),
    "cookies": (
        "We use cookies to give you a better experience and to measure how our website is used. Please enable "
        "JavaScript in your browser settings to see this page as it should be. By continuing to browse the "
        "site you agree to our use of cookies and to our privacy policy.",
        "cookie or JavaScript",
    ),
    "unavailable": (
        "Sorry, the page you were looking for could not be found. It may have been moved or deleted. "
        "This video is not available right now. Please try again later.",
        "not available",
    ),
    "not-found": (
        "We are sorry, but the page you asked for was not found. Please check the URL for typing mistakes. "
        "If you are having trouble finding a story on our site, try visiting our home page, where the latest "
        "news is listed. You may also find what you want by searching below.",
        "not available",
    ),
    "paywall": (
        "Thank you for reading. You have reached the limit of free articles this month. Log in to your "
        "subscriber account to continue reading, or create an account and choose the plan that suits you.",
        "sign-in or subscription",
    ),
    "reprint": (
        "This copy is for your personal, non-commercial use only. To order copies for your colleagues or "
        "clients, use the order reprints tool at the foot of any article. All rights reserved.",
        "reprint or copyright",
    ),
    "reprint-terms": (
        "This copy is for your personal, non-commercial use only. Use and distribution of copies are "
        "governed by the subscriber agreement and by copyright law. For non-personal use of this text, "
        "please contact the publisher's licensing desk, whose address is given on every page of the site.",
        "reprint or copyright",
    ),
}

# Real short articles that mention such things, or carry a notice beside the story.
REAL = {
    "about-locations": (
        # Most of it is about posts with a location; it reports ("said"): news, not the notice.
        "Users can now post with a location, the social network said on Tuesday, from its app or its "
        "website. The company said people could delete their location history at any time. Privacy groups "
        "welcomed the change."
    ),
    "about-an-archive": (
        "The Internet Archive has saved more than 400 billion web pages since it began its crawls, its "
        "director told reporters on Monday. The library in San Francisco is asking the public for money to "
        "pay for new storage after a flood damaged one of its data centres last winter."
    ),
    "prompt-above": "Sign up for our daily newsletter and get the top stories delivered to your inbox.\n\n" + ENGLISH,
    "copyright-below": (
        ENGLISH + "\n\nCopyright 2026 The Port Wendell Ledger. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed."
    ),
}


@pytest.mark.parametrize(("text", "kind"), NOTICES.values(), ids=NOTICES.keys())
def test_issue_5_page_notice_is_rejected_with_its_kind(text: str, kind: str) -> None:
    cleaned, _ = clean_article(article(text, "notice"))
    assert cleaned.text, "the cleaner keeps the notice: it is prose-shaped"
    with pytest.raises(InputError) as caught:
        check_article(cleaned)
    assert not isinstance(caught.value, NotEnglishError)
    message = str(caught.value)
    assert message.startswith("notice.txt: this is page furniture, not a news article")
    assert kind in message
    assert caught.value.input == "notice.txt"


@pytest.mark.parametrize("text", [ENGLISH, *REAL.values()], ids=["plain", *REAL.keys()])
def test_issue_5_real_article_mentioning_such_things_is_kept(text: str) -> None:
    cleaned, _ = clean_article(article(text))
    assert page_notice(cleaned.text) is None
    check_article(cleaned)


def test_page_notice_needs_little_else_left_for_a_partial_notice() -> None:
    # Half notice, half something no phrase names: furniture while the rest is short, an
    # article (with a notice in it) once the rest is a paragraph of news.
    notice = NOTICES["archive"][0]
    assert page_notice(notice + " It has been a while since we last did this.") is not None
    assert page_notice(notice + " " + ENGLISH) is None


def test_issue_5_prepare_skips_a_notice_and_keeps_the_rest() -> None:
    problems: list[Problem] = []
    usable = Pipeline(Config()).prepare(
        [article(NOTICES["location"][0], "tweet"), article(ENGLISH, "a1")], on_error="skip", problems=problems
    )
    assert [kept.id for kept in usable] == ["a1"]
    assert [(problem.input, problem.stage, problem.skipped) for problem in problems] == [("tweet.txt", "check", True)]
    assert "page furniture" in problems[0].message


def test_a_wire_brief_ending_in_a_pickup_note_is_an_article() -> None:
    brief = Article(
        id="APW1",
        source="AP",
        text=(
            "The radical Islamic group Hamas on Monday denounced the president's upcoming visit to the Gaza Strip "
            "but carefully avoided making any threats against him. Hamas is, 2nd graf pvs"
        ),
    )
    cleaned, note = clean_article(brief)
    assert note is None and cleaned.text.endswith("threats against him.")
    check_article(cleaned)  # before the pickup note was cut, this was refused as "no paragraphs of sentences"
