"""The outlet's own name (issue 31): read from what the page shows, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.records import as_articles
from storyline.sources.outlet import find_outlet, outlet_from_html, outlet_from_url, same_outlet
from storyline.sources.read import read, read_bytes, read_records

ARTICLE = (
    "The city council voted on Tuesday to close the old harbor bridge for repairs that are expected "
    "to take at least two weeks, officials said."
)


def test_seeds_name_their_outlets_and_the_page_that_names_none_keeps_its_file_name(seeds_dir: Path) -> None:
    sources = {path.name: article.source for path in sorted(seeds_dir.glob("*.txt")) for article in read(path)}
    assert sources == {
        "000_a103b259c6db5514.txt": "RFE/RL",
        "002_6a5fa8e32392a08b.txt": "002_6a5fa8e32392a08b",
        "004_85e21476b82cfa0b.txt": "News24",
    }


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("© 2014 Los Angeles Times", "Los Angeles Times"),
        ("Copyright © 2019 The Paradigm. All Rights Reserved", "The Paradigm"),
        ("© Phys.org 2003 - 2019 powered by Science X Network", "Phys.org"),
        ("© 2014-2019 Нормы ГТО и знаний", "Нормы ГТО и знаний"),
    ],
)
def test_a_copyright_line_names_the_outlet(line: str, outlet: str) -> None:
    assert find_outlet(f"{ARTICLE}\n\nShare\n\n{line}") == outlet


@pytest.mark.parametrize(
    "line",
    [
        "© 2019 Vox Media, LLC. All Rights Reserved",  # the owner of The Verge, not its name
        "© 2019 Hearst Communications, Inc.",
        "© Reuters / David Mercado",  # a photo credit
        "Sports data © STATS 2018",
        "Copyright © 2002-2019 - Designed by Gray Digital Media",
    ],
)
def test_owners_and_credits_are_not_taken_for_the_outlet(line: str) -> None:
    assert find_outlet(f"{ARTICLE}\n\n{line}") is None


def test_an_owner_counts_when_another_signal_names_the_same_outlet() -> None:
    text = f"{ARTICLE}\n\nJoin the Harbor Gazette community\n\n© 2024 Harbor Gazette Company"
    assert find_outlet(text) == "Harbor Gazette"


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("RFE/RL journalists report the news in 27 languages in 23 countries.", "RFE/RL"),
        ("Join the News24 Community to be involved in breaking the news.", "News24"),
        ("The Port Wendell Ledger has covered the city since 1884.", "The Port Wendell Ledger"),
        ("The views expressed do not necessarily reflect those of Sputnik.", "Sputnik"),
    ],
)
def test_the_page_talking_about_itself_names_the_outlet(line: str, outlet: str) -> None:
    assert find_outlet(f"{ARTICLE}\n\n{line}") == outlet


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        (f"HANOI, Vietnam (AP) — {ARTICLE}", "AP"),
        (f"LONDON (Reuters) - {ARTICLE}", "Reuters"),
        (f"By Jane Doe, Reuters\n\n{ARTICLE}", "Reuters"),
        (f"By JOHN SMITH, Associated Press Writer\n\n{ARTICLE}", "Associated Press"),
    ],
)
def test_an_agency_in_the_dateline_or_byline(text: str, outlet: str) -> None:
    assert find_outlet(text) == outlet


@pytest.mark.parametrize("byline", ["By Jane Doe, Staff Writer", "By Jane Doe | Senior Correspondent"])
def test_a_byline_role_is_no_outlet(byline: str) -> None:
    assert find_outlet(f"{byline}\n\n{ARTICLE}") is None


def test_the_page_s_own_name_comes_before_the_agency_it_carries() -> None:
    text = f"WASHINGTON (AP) — {ARTICLE}\n\n© 2019 Harbor Gazette. All rights reserved."
    assert find_outlet(text) == "Harbor Gazette"


def test_two_names_as_strongly_named_are_no_answer() -> None:
    text = f"{ARTICLE}\n\n© 2019 Harbor Gazette. All rights reserved.\n\n© 2019 Valley Herald. All rights reserved."
    assert find_outlet(text) is None


def test_the_url_s_host_when_nothing_else_names_the_outlet() -> None:
    assert find_outlet(ARTICLE, url="https://www.example-news.org/2024/05/bridge") == "example-news.org"
    assert outlet_from_url("not a url") is None
    assert outlet_from_url(None) is None


def test_names_compare_as_a_reader_would() -> None:
    assert same_outlet("The Guardian", "the Guardian")
    assert same_outlet("NJ.com", "nj")
    assert same_outlet("blog.comwrap.com", "comwrap")
    assert not same_outlet("Fox News", "Fox Business")


PAGE = """<!doctype html><html><head><title>Bridge closed for repairs | Harbor Gazette</title>
<meta property="og:site_name" content="{site}"><link rel="canonical" href="https://www.harborgazette.example/bridge">
</head><body><nav><a href="/">Home</a></nav><article><h1>Bridge closed for repairs</h1><p>{text}</p><p>{text}</p>
</article><footer><p>&copy; 2024 Harbor Gazette Media Group, LLC. All rights reserved.</p></footer></body></html>"""


def test_an_html_page_names_its_site() -> None:
    html = PAGE.format(site="Harbor Gazette", text=ARTICLE)
    assert outlet_from_html(html, site_name="Harbor Gazette") == "Harbor Gazette"
    (article,) = read_bytes(html.encode(), name="page.html", suffix=".html", stem="page")
    assert article.source == "Harbor Gazette"


def test_a_site_name_that_is_a_section_loses_to_the_title_and_the_domain() -> None:
    html = PAGE.format(site="U.S.", text=ARTICLE)
    assert outlet_from_html(html, site_name="U.S.", url="https://www.harborgazette.example/bridge") == "Harbor Gazette"


def test_every_reader_names_an_article_without_a_source(tmp_path: Path) -> None:
    text = f"{ARTICLE}\n\n© 2024 Harbor Gazette. All rights reserved."
    page = tmp_path / "bridge.txt"
    page.write_text(text, encoding="utf-8")
    assert read(page)[0].source == "Harbor Gazette"
    (record,) = read_records(json.dumps({"id": "x", "text": ARTICLE}), name="r.json", stem="r")
    assert record.source == "x"
    (given,) = read_records(json.dumps({"text": text, "source": "Valley Herald"}), name="r.json", stem="r")
    assert given.source == "Valley Herald"
    assert [article.source for article in as_articles([text, {"text": text}, {"text": ARTICLE}])] == [
        "Harbor Gazette",
        "Harbor Gazette",
        "d3",
    ]
