"""Layout normalization (issue 31): every plain-text layout of an article reads as its plain paragraphs."""

from __future__ import annotations

import textwrap

import pytest

from storyline.sources.check import check_article, clean_article
from storyline.sources.layout import normalize_layout
from storyline.types import Article

PARAGRAPHS = [
    "Rebels in eastern Congo said on Sunday that they had entered Kindu, the strategic town and air base "
    "that the government has used to halt their advance, after a day of heavy fighting.",
    '"We are in the town and the airport," a rebel spokesman, Etienne Ngangura, told reporters by telephone. '
    "He offered no details, and the report could not be confirmed independently.",
    "Military sources said the fighting went on inside the town, where the rebels were meeting stiff "
    "resistance from government troops and their allies from Zimbabwe and Angola.",
    "The rebels took up arms in August, accusing the president of mismanagement and corruption.",
]
PLAIN = "\n\n".join(PARAGRAPHS)


def wrap(paragraphs: list[str], width: int = 70, indent: str = "\t   ") -> str:
    return "\n".join(indent + textwrap.fill(paragraph, width) for paragraph in paragraphs)


def tex(text: str) -> str:
    """Straight double quotes as TeX pairs, as 1990s wire copy has them."""
    out, opening = [], True
    for character in text:
        if character == '"':
            out.append("``" if opening else "''")
            opening = not opening
        else:
            out.append(character)
    return "".join(out)


def test_plain_paragraphs_are_left_as_they_are() -> None:
    assert normalize_layout(PLAIN) == PLAIN


def test_normalizing_twice_changes_nothing() -> None:
    once = normalize_layout(wrap(PARAGRAPHS))
    assert normalize_layout(once) == once


@pytest.mark.parametrize("width", [60, 66, 70, 78])
@pytest.mark.parametrize("indent", ["\t   ", "    ", "  "])
def test_hard_wrapped_paragraphs_with_indented_first_lines_are_joined(width: int, indent: str) -> None:
    assert normalize_layout(wrap(PARAGRAPHS, width, indent)) == PLAIN


def test_hard_wrapped_paragraphs_between_blank_lines_are_joined() -> None:
    text = "\n\n".join(textwrap.fill(paragraph, 64) for paragraph in PARAGRAPHS)
    assert normalize_layout(text) == PLAIN


def test_a_sentence_ending_well_short_of_the_width_ends_its_paragraph() -> None:
    # No indentation, no blank lines: only the short last line of each paragraph tells them apart.
    text = "\n".join(textwrap.fill(paragraph, 72) for paragraph in PARAGRAPHS)
    assert normalize_layout(text) == PLAIN


def test_a_heading_between_wrapped_paragraphs_stays_a_line() -> None:
    text = "\n".join([textwrap.fill(PARAGRAPHS[0], 70), "Fighting in the town", textwrap.fill(PARAGRAPHS[2], 70)])
    assert normalize_layout(text).split("\n\n") == [PARAGRAPHS[0], "Fighting in the town", PARAGRAPHS[2]]


@pytest.mark.parametrize(
    "heading", ["# Rebels Say They Have Taken The Town Of", "Rebels Say They Have Taken The Town Of"]
)
def test_a_heading_ending_in_a_small_word_stays_apart(heading: str) -> None:
    text = f"{heading}\n\n{PARAGRAPHS[0]}"
    assert normalize_layout(text).split("\n\n") == ["Rebels Say They Have Taken The Town Of", PARAGRAPHS[0]]


@pytest.mark.parametrize("gap", ["\n", "  \n\n"])
def test_a_short_paragraph_wrapped_once(gap: str) -> None:
    lines = ["\t   I wish you the best of luck and I hope you'll work for ALL of the", "American people, he wrote."]
    assert (
        normalize_layout(gap.join(lines))
        == "I wish you the best of luck and I hope you'll work for ALL of the American people, he wrote."
    )
    lines = ["We all know the mayor has a great love of cars. Let's take a look at", "some of them."]
    assert normalize_layout(gap.join(lines)) == " ".join(lines)


def test_a_pickup_note_at_the_end_of_a_wrapped_line_keeps_the_paragraph_whole() -> None:
    wrapped = wrap([f"{PARAGRAPHS[0]} {PARAGRAPHS[2]} In Berlin, 7th graf pvs"], 66)
    assert normalize_layout(wrapped) == f"{PARAGRAPHS[0]} {PARAGRAPHS[2]}"


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_cr_and_crlf_line_ends(line_end: str) -> None:
    assert normalize_layout(wrap(PARAGRAPHS).replace("\n", line_end)) == PLAIN
    assert normalize_layout(PLAIN.replace("\n", line_end)) == PLAIN


def test_tabs_and_wide_spaces_are_spaces() -> None:
    text = "Rebels\tsaid on\u00a0Sunday\u2009that they had entered\u202fKindu.\u3000"
    assert normalize_layout(text) == "Rebels said on Sunday that they had entered Kindu."


def test_soft_hyphens_are_removed() -> None:
    assert normalize_layout("The inter\u00adnational community watched.") == "The international community watched."


def test_issue_32_zero_width_and_bidirectional_controls_are_removed() -> None:
    hidden = "".join(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
    bidi = "".join(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    text = f"{hidden}The mayor{bidi} said the bridge would reopen{hidden} on Monday."
    assert normalize_layout(text) == "The mayor said the bridge would reopen on Monday."


def test_a_word_broken_at_a_line_end_is_mended() -> None:
    text = "The decision to recognise the new government was welcomed by the inter-\nnational community on Monday."
    assert normalize_layout(text) == text.replace("inter-\n", "inter")


@pytest.mark.parametrize(
    ("broken", "kept"),
    [
        ("well-\nknown", "well-known"),
        ("teen-\nagers", "teen-agers"),
        ("U.S.-\nled", "U.S.-led"),
        ("12-\nand", "12- and"),
    ],
)
def test_a_compound_broken_at_its_hyphen_keeps_it(broken: str, kept: str) -> None:
    text = f"The names of the coalition's leaders were given out by the {broken} officials on Monday afternoon."
    assert normalize_layout(text) == text.replace(broken, kept)


def test_three_tex_apostrophes_close_two_quotations() -> None:
    text = "He said, ``It was called `Exorcist III." + "'" * 3 + " and left."
    assert normalize_layout(text) == "He said, \"It was called 'Exorcist III.'\" and left."


def test_tex_quotes_become_plain_quotes() -> None:
    assert (
        normalize_layout("``We are in the town,'' he said. It was `quiet'.")
        == "\"We are in the town,\" he said. It was 'quiet'."
    )


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("The rebels -- ethnic Tutsis -- took up arms.", "The rebels — ethnic Tutsis — took up arms."),
        ("The rebels--ethnic Tutsis--took up arms.", "The rebels—ethnic Tutsis—took up arms."),
        ('This "Wolfman"--which revives a legend--fails.', 'This "Wolfman"—which revives a legend—fails.'),
        ("The rebels _ ethnic Tutsis _ took up arms.", "The rebels — ethnic Tutsis — took up arms."),
        ("KINSHASA, Congo (AP) _ Rebels took the town.", "KINSHASA, Congo (AP) — Rebels took the town."),
    ],
)
def test_typed_dashes_become_dashes(typed: str, plain: str) -> None:
    assert normalize_layout(typed) == plain


def test_markdown_is_read_as_text() -> None:
    markdown = (
        "# Rebels enter Kindu\n\n"
        'Rebels in [eastern Congo](https://example.org/congo "Congo") said **on Sunday** that they had '
        "entered *Kindu*, the strategic town and _air base_.\n\n"
        "![A rebel fighter](https://example.org/photo.jpg)\n\n"
        "* The town lies on the Congo river.\n"
        "* Its air base is the largest in the east.\n\n"
        "---\n\n"
        "> A spokesman said the rebels held the airport.\n\n"
        "See [the timeline][1].\n\n"
        "[1]: https://example.org/timeline"
    )
    assert normalize_layout(markdown).split("\n\n") == [
        "Rebels enter Kindu",
        "Rebels in eastern Congo said on Sunday that they had entered Kindu, the strategic town and air base.",
        "The town lies on the Congo river.\nIts air base is the largest in the east.",
        "A spokesman said the rebels held the airport.",
        "See the timeline.",
    ]


def test_snake_case_and_arithmetic_are_no_emphasis() -> None:
    text = "The file rebel_positions_final was shared; 2 * 3 * 4 is 24."
    assert normalize_layout(text) == text


def test_email_quoting_is_removed_and_the_quoted_text_unwrapped() -> None:
    quoted = "\n".join("> " + line for line in textwrap.fill(PARAGRAPHS[0], 68).split("\n"))
    assert normalize_layout(f"{quoted}\n>\n> > {PARAGRAPHS[3]}") == f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[3]}"


def test_one_sentence_per_line_is_joined_into_paragraphs() -> None:
    sentences = [
        ['"We are in the town and the airport," a rebel spokesman told reporters.', "He offered no details."],
        ["Military sources said the fighting went on.", "The rebels took up arms in August."],
    ]
    text = "\n\n".join("\n".join(paragraph) for paragraph in sentences)
    assert normalize_layout(text).split("\n\n") == [" ".join(paragraph) for paragraph in sentences]


def test_one_sentence_per_line_without_blank_lines_is_one_paragraph() -> None:
    lines = ["Rebels entered Kindu on Sunday.", "They took the air base.", "Nobody was hurt, officials said."]
    assert normalize_layout("\n".join(lines)) == " ".join(lines)


def test_indented_one_sentence_paragraphs_stay_apart() -> None:
    # Newswire copy writes paragraphs of one sentence each, one a line, each indented: those stay apart.
    lines = ["Rebels entered Kindu on Sunday.", "They took the air base.", "Nobody was hurt, officials said."]
    assert normalize_layout("\n".join(f"   {line}" for line in lines)) == "\n".join(lines)


def test_double_spacing_and_trailing_spaces() -> None:
    lines = []
    for paragraph in PARAGRAPHS:
        lines.extend(textwrap.wrap(paragraph, 66, initial_indent="     "))
    assert normalize_layout("".join(f"{line}  \n\n" for line in lines)) == PLAIN


@pytest.mark.parametrize(
    ("coded", "plain"),
    [
        ("AT&amp;T and Procter &AMP; Gamble said profits rose.", "AT&T and Procter & Gamble said profits rose."),
        ("The price rose 5&#37; to &pound;12 &mdash; a record.", "The price rose 5% to £12 — a record."),
        ("&QL;The minister resigned on Monday.", "The minister resigned on Monday."),
        ("Q&A: what the vote means &nbsp;for you", "Q&A: what the vote means for you"),
    ],
)
def test_entities_are_decoded_and_wire_codes_removed(coded: str, plain: str) -> None:
    assert normalize_layout(coded) == plain


def test_wire_furniture_is_removed() -> None:
    body = wrap(PARAGRAPHS, 69, "   ")
    text = f"BC-Congo-Rebels 10-18 0412\n{body}\n   (MORE)\nENDIT\n-30-"
    assert normalize_layout(text) == PLAIN


def test_a_more_trailer_after_the_last_sentence_is_removed() -> None:
    assert normalize_layout(f"{PARAGRAPHS[3]} (MORE)") == PARAGRAPHS[3]


def test_page_text_lines_are_not_joined() -> None:
    page = "\n".join(
        [
            "Home",
            "World",
            "Politics and government news from around the country",
            "Business and markets news from the financial centres",
            "Sports results and league tables from the weekend",
            "Photo: Jonah Threlkeld / Port Wendell Ledger",
        ]
    )
    assert normalize_layout(page) == page


def test_issue_31_wire_story_is_accepted_after_normalizing() -> None:
    """The issue's reproduction at unit level: wrapped at 70, tab and three spaces, TeX quotes."""
    wire = wrap([tex(paragraph) for paragraph in PARAGRAPHS], 70)
    cleaned, _ = clean_article(Article(id="wire", text=wire, source="wire", origin="wire.txt"))
    check_article(cleaned)  # raised "this does not look like a news article" before
    assert cleaned.text == PLAIN
