"""Unit tests of the page-clutter cleaner (storyline.sources.clean) on small made-up pages."""

from __future__ import annotations

import pytest

from storyline.sources.clean import Cleaned, LineKind, clean_page_text, clean_text, describe
from storyline.text import ENGLISH_FUNCTION_WORDS as STOPWORDS

HEADLINE = "Millbrook council votes to rebuild the flooded riverside library"

# The article: eight paragraphs, one of them a single short sentence.
ARTICLE = [
    "The Millbrook town council voted 7-2 on Monday night to rebuild the riverside library that was "
    "flooded in April, ending months of argument over whether the building should move to higher ground.",
    "The new library will stand on the same site, but its reading rooms will sit one floor higher and the "
    "ground floor will hold only the lobby and a parking area that can take on water without damage.",
    "Council member Irene Vasko, who voted against the plan, said the town was repeating a mistake. "
    '"We are building in the same place and hoping the river forgets," she told the meeting.',
    "Library director Tomas Brandt said about 11,000 books were lost in the flood, most of them from the "
    "children's section and the local history room on the ground floor.",
    "The library has operated from a former bank branch on Station Road since the flood.",
    "Construction is expected to start in the spring and to take about 18 months, according to the town's "
    "planning office, which put the cost at $6.4 million.",
    "Residents declined to comment.",
    "The council also agreed to ask the state for money to raise the river wall along the library's "
    "side of the park, a project the planning office said would protect the new building and the houses nearby.",
]

CLUTTER = {
    "menu": "Home | News | Sport | Weather | Opinion",
    "ad": "Advertisement",
    "share": "Share",
    "caption": "The flooded reading room of the Millbrook library in April.",
    "credit": "Photo: Anna Kowal / Millbrook Gazette",
    "newsletter": "Sign up for our newsletter and get the day's top stories delivered to your inbox.",
    "tags": "Read more on: millbrook | library | flooding | town council",
    "comments": "Comments",
    "policy": "We welcome your comments. Please keep them civil and on topic: comments are moderated "
    "and you agree to our community guidelines when you post.",
}


def _page() -> str:
    """A copied page: menu, headline, share button, article with an ad and a captioned photo, footer."""
    parts = [
        CLUTTER["menu"],
        HEADLINE,
        CLUTTER["share"],
        ARTICLE[0],
        ARTICLE[1],
        CLUTTER["caption"] + "\n" + CLUTTER["credit"],
        ARTICLE[2],
        CLUTTER["ad"],
        ARTICLE[3],
        ARTICLE[4],
        ARTICLE[5],
        ARTICLE[6],
        CLUTTER["newsletter"],
        ARTICLE[7],
        CLUTTER["tags"],
        CLUTTER["comments"],
        CLUTTER["policy"],
    ]
    return "\n\n".join(parts)


@pytest.fixture(scope="module")
def cleaned() -> Cleaned:
    return clean_page_text(_page())


def test_headline_becomes_the_title(cleaned: Cleaned) -> None:
    assert cleaned.title == HEADLINE
    assert HEADLINE not in cleaned.text


def test_every_article_paragraph_is_kept_in_order(cleaned: Cleaned) -> None:
    assert cleaned.text.split("\n\n") == ARTICLE


def test_short_one_sentence_paragraph_inside_the_article_is_kept(cleaned: Cleaned) -> None:
    assert "Residents declined to comment." in cleaned.text.split("\n\n")


def test_paragraph_after_an_inline_advertisement_is_kept(cleaned: Cleaned) -> None:
    paragraphs = cleaned.text.split("\n\n")
    assert ARTICLE[3] in paragraphs  # it comes right after "Advertisement"
    assert "Advertisement" not in paragraphs


@pytest.mark.parametrize("name", sorted(CLUTTER))
def test_page_furniture_is_dropped(cleaned: Cleaned, name: str) -> None:
    assert CLUTTER[name] not in cleaned.text.split("\n\n")
    assert CLUTTER[name] in cleaned.removed


def test_removed_lines_and_body_account_for_every_line(cleaned: Cleaned) -> None:
    kept = cleaned.text.split("\n\n")
    assert len(kept) + len(cleaned.removed) == len(_page().replace("\n\n", "\n").split("\n"))


def test_clean_text_is_the_body_of_clean_page_text() -> None:
    assert clean_text(_page()) == clean_page_text(_page()).text


def test_hard_wrapped_paragraphs_are_unwrapped() -> None:
    wrapped = []
    for paragraph in ARTICLE:
        words, line, rows = paragraph.split(), "", []
        for word in words:
            if len(line) + len(word) + 1 > 72:
                rows.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        rows.append(line)
        wrapped.append("\n".join(rows))
    text = clean_text("\n\n".join([HEADLINE, *wrapped]))
    assert text.split("\n\n") == ARTICLE


def test_windows_line_ends_are_handled() -> None:
    assert clean_text(_page().replace("\n", "\r\n")).split("\n\n") == ARTICLE


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\r\n\t\r\n"])
def test_empty_input_gives_an_empty_result(text: str) -> None:
    result = clean_page_text(text)
    assert result == Cleaned(None, "", ())
    assert clean_text(text) == ""


def test_a_page_of_links_has_no_article() -> None:
    menu = "\n".join(["Home", "News", "Local", "Sport", "Weather", "Subscribe", "Log in", "Contact us"])
    assert clean_text(menu) == ""


def test_teasers_of_other_stories_after_the_article_are_dropped() -> None:
    teasers = [
        "Most Popular",
        "Five things to know before the Harvest Fair opens",
        "High school band wins the state marching title",
        "Eastfield bakery closes after 60 years on Main Street",
    ]
    text = clean_text("\n\n".join([HEADLINE, *ARTICLE, *teasers]))
    assert text.split("\n\n") == ARTICLE


def test_outlet_blurb_after_the_article_is_dropped() -> None:
    blurb = (
        "The Millbrook Gazette has served the valley since 1921. Independent local journalism depends on "
        "readers like you. Subscribe today."
    )
    text = clean_text("\n\n".join([HEADLINE, *ARTICLE, "Comments", blurb]))
    assert text.split("\n\n") == ARTICLE


def test_caption_right_above_a_photo_credit_is_dropped_even_when_it_is_a_sentence() -> None:
    caption = "Volunteers carry boxes of wet books out of the library on the morning after the flood."
    page = "\n\n".join([HEADLINE, *ARTICLE[:3], caption + "\nPhoto: Anna Kowal / Millbrook Gazette", *ARTICLE[3:]])
    assert clean_text(page).split("\n\n") == ARTICLE


def test_a_table_that_continues_the_article_is_kept() -> None:
    rows = [
        "Monday: Station Road branch, 9 a.m. to 5 p.m.",
        "Tuesday: Station Road branch, 9 a.m. to 8 p.m.",
        "Wednesday: mobile library at the school, 1 p.m. to 4 p.m.",
        "Thursday: Station Road branch, 9 a.m. to 8 p.m.",
        "Friday: Station Road branch, 9 a.m. to 5 p.m.",
    ]
    page = "\n\n".join([HEADLINE, *ARTICLE, "Opening hours until the new library opens:", *rows, "Share"])
    paragraphs = clean_text(page).split("\n\n")
    assert paragraphs[: len(ARTICLE)] == ARTICLE
    assert all(row in paragraphs for row in rows)
    assert "Share" not in paragraphs


def test_japanese_prose_is_measured_in_characters() -> None:
    sentence = "町議会は月曜日の夜、四月の洪水で浸水した川沿いの図書館を同じ場所に建て直すことを賛成多数で決めました。"
    kind = describe(sentence)
    assert kind.words >= 20  # not one "word" per clause
    assert kind.sentence
    assert kind.prose > kind.furniture + 0.25
    page = "\n\n".join(["ホーム", "ニュース", sentence, sentence.replace("月曜日", "火曜日"), "© 2024 町報"])
    assert sentence in clean_text(page)


def test_describe_tells_prose_from_furniture() -> None:
    prose = describe(ARTICLE[0])
    assert isinstance(prose, LineKind)
    assert prose.sentence and prose.words > 30
    assert prose.prose > 0.9 and prose.furniture < 0.15
    for furniture in ["Share", "Advertisement", CLUTTER["tags"], "© 2024 Millbrook Gazette. All rights reserved."]:
        kind = describe(furniture)
        assert kind.furniture >= 0.8, furniture
    policy = describe(CLUTTER["policy"])
    assert policy.address > 0  # it talks to the reader
    assert policy.furniture > prose.furniture


def test_reader_address_ignores_quotes_and_the_country() -> None:
    assert describe('"We will rebuild," the mayor said of the library on Monday.').address == 0
    assert describe("The US and Canada signed the river treaty in 1909.").address == 0
    assert describe("We hope you enjoyed this story and will share it with your friends.").address > 0


def test_describe_handles_a_line_without_words() -> None:
    kind = describe("• • •")
    assert kind.words == 0 and kind.furniture == 1.0


def test_stopwords_are_english_function_words() -> None:
    assert {"the", "and", "of", "said"} <= STOPWORDS
    assert "der" not in STOPWORDS and "library" not in STOPWORDS


def test_comments_after_a_wall_of_page_furniture_are_dropped_even_when_on_topic() -> None:
    after = [
        "Share this article: Facebook | X | Email | Copy link",
        "Tags: millbrook | library | flooding | council",
        "3 Comments",
        "Sign in to comment",
        "Mary Ellis, 2 hours ago",
        "The library was the best thing about this town and the council should have moved it years ago.",
        "Tom R., 1 hour ago",
        "Raising the reading rooms one floor is a sensible compromise, and I am glad the council finally voted.",
    ]
    assert clean_text("\n\n".join([HEADLINE, *ARTICLE, *after])).split("\n\n") == ARTICLE


def test_teaser_cards_of_other_stories_are_furniture() -> None:
    card = "Harvest Fair Opens With Record CrowdsThousands of visitors came to the fairground on Saturday."
    assert describe(card).furniture >= 0.9
    # A name written with an inner capital is no glued card.
    assert describe("Council member Ann McDonald said the library would reopen in the spring.").furniture < 0.3


def test_a_text_pasted_twice_keeps_its_article() -> None:
    once = "\n\n".join([HEADLINE, *ARTICLE])
    paragraphs = clean_text(f"{once}\n\n{once}").split("\n\n")
    assert paragraphs[: len(ARTICLE)] == ARTICLE


def test_a_page_without_an_article_run_falls_back_to_its_sentences() -> None:
    chatty = [
        "Please subscribe to our newsletter to get the latest news about the library.",
        "Share",
        "Follow us on Facebook and Twitter for more stories like this one.",
    ]
    assert clean_text("\n\n".join(chatty)).split("\n\n") == [chatty[0], chatty[2]]


WIRE_BRIEF = (
    "At least 231 people have been confirmed dead in Honduras from the storm, bringing its death toll in the "
    "region to 357, the National Emergency Commission said Saturday. Mitch _ once, 2nd graf pvs"
)


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        (" The Communist, 6th graf prv", ""),
        (" The men, pickup 9th pvs", ""),
        (" ``No member, 5th graf, 1st Ld-Writethru", ""),
        (" Jamal Fawz, graf 19 pvs", ""),
        (" MORE", ""),
        (" Shares rose for the 3rd time, 5th in a row.", " Shares rose for the 3rd time, 5th in a row."),
    ],
)
def test_newswire_pickup_notes_are_cut_from_the_end_of_a_paragraph(tail: str, kept: str) -> None:
    paragraph = "The coalition has depended on the Communists in the Chamber."
    assert clean_text(paragraph + tail) == paragraph + kept


def test_newswire_trim_notes_are_cut_inside_a_paragraph() -> None:
    text = "The citation said so. (OPTIONAL TRIM CAN BEGIN HERE) It did not name the technician."
    assert clean_text(text) == "The citation said so. It did not name the technician."


def test_a_wire_brief_with_a_pickup_note_is_kept_as_one_sentence() -> None:
    assert clean_text(WIRE_BRIEF) == WIRE_BRIEF.removesuffix(" Mitch _ once, 2nd graf pvs")
    assert clean_text("They met on Monday, the 21st, in Rome; MORE talks are due.") == (
        "They met on Monday, the 21st, in Rome; MORE talks are due."
    )
