"""Rendering a Summary as md, text, json and html (storyline.render)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from storyline.codec import summary_from_dict, summary_to_dict
from storyline.render import Format, render
from storyline.types import Article, Citation, Summary, SummarySentence

LEDGER = Article(
    id="ledger",
    text="The bridge was closed on Tuesday. Four people were hurt.",
    source="Port Wendell Ledger",
    title="Ship strikes bridge",
    published="2026-03-10T08:15:00Z",
    url="https://ledger.example/ship",
    origin="ledger",
)
COURIER = Article(
    id="courier",
    text="Officials said <script>alert(1)</script> four people were hurt. The bridge stays shut.",
    source="Saltmarsh Courier",
    origin="courier",
)
WIRE = Article(id="wire", text="Ferries will run every twenty minutes.", source="Fenmore Press Agency", origin="wire")

SUMMARY = Summary(
    sentences=(
        SummarySentence("The bridge was closed on Tuesday.", (Citation("ledger", 0, 33),)),
        SummarySentence(
            "Four people were hurt.",
            (Citation("ledger", 34, 56), Citation("courier", 0, 63)),
        ),
        SummarySentence("Ferries will run every twenty minutes.", (Citation("wire", 0, 38), Citation("ledger", 0, 33))),
    ),
    articles=(LEDGER, COURIER, WIRE),
    notes=("Same story text (counted once): Saltmarsh Courier, Fenmore Press Agency.",),
)


def test_fixture_citations_are_exact_spans() -> None:
    texts = {article.id: article.text for article in SUMMARY.articles}
    for sentence in SUMMARY.sentences:
        first = sentence.citations[0]
        assert texts[first.article][first.start : first.end] == sentence.text


def test_markdown_has_citation_marks_and_sources_in_article_order() -> None:
    out = render(SUMMARY, "md")
    summary_line = out.splitlines()[0]
    assert summary_line == (
        "The bridge was closed on Tuesday.[1] Four people were hurt.[1][2] Ferries will run every twenty minutes.[1][3]"
    )
    assert "## Sources" in out
    sources = out.split("## Sources", 1)[1].strip().splitlines()
    assert sources == [
        "1. Port Wendell Ledger, “Ship strikes bridge”, 2026-03-10, https://ledger.example/ship",
        "2. Saltmarsh Courier",
        "3. Fenmore Press Agency",
    ]
    assert "> Same story text (counted once)" in out


def test_markdown_is_the_default_format() -> None:
    assert render(SUMMARY) == render(SUMMARY, "md")


def test_text_has_one_sentence_a_line_and_numbered_sources() -> None:
    lines = render(SUMMARY, "text").splitlines()
    assert lines[:3] == [
        "The bridge was closed on Tuesday. [1]",
        "Four people were hurt. [1][2]",
        "Ferries will run every twenty minutes. [1][3]",
    ]
    assert "Sources:" in lines
    assert lines[-3:] == [
        "[1] Port Wendell Ledger, “Ship strikes bridge”, 2026-03-10, https://ledger.example/ship",
        "[2] Saltmarsh Courier",
        "[3] Fenmore Press Agency",
    ]
    assert "#" not in render(SUMMARY, "text")


def test_json_matches_the_schema() -> None:
    data = json.loads(render(SUMMARY, "json"))
    assert {"summary", "sentences", "articles"} <= set(data)
    assert data["summary"] == SUMMARY.text
    assert isinstance(data["sentences"], list) and len(data["sentences"]) == 3
    for sentence in data["sentences"]:
        assert set(sentence) == {"text", "citations"}
        assert isinstance(sentence["text"], str)
        for citation in sentence["citations"]:
            assert set(citation) == {"article", "start", "end"}
            assert isinstance(citation["article"], str)
            assert isinstance(citation["start"], int) and isinstance(citation["end"], int)
    assert [article["id"] for article in data["articles"]] == ["ledger", "courier", "wire"]
    for article in data["articles"]:
        assert set(article) == {"id", "source", "title", "published", "url", "text"}
    assert data["articles"][1]["title"] is None


def test_json_round_trips_to_the_same_summary() -> None:
    assert summary_from_dict(json.loads(render(SUMMARY, "json"))) == SUMMARY
    assert summary_from_dict(summary_to_dict(SUMMARY)) == SUMMARY


def test_json_round_trip_keeps_articles_read_from_files() -> None:
    from_file = replace(SUMMARY, articles=(replace(LEDGER, origin="examples/ledger.txt"), COURIER, WIRE))
    assert summary_from_dict(json.loads(render(from_file, "json"))) == from_file


def test_json_keeps_non_ascii_characters() -> None:
    assert "“Ship" not in render(SUMMARY, "json")  # titles are not quoted in JSON
    summary = Summary((), (Article(id="c", text="Le café ferme.", source="Café"),))
    assert "Le café ferme." in render(summary, "json")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(page)
    return parser.tags


def test_html_is_one_self_contained_page() -> None:
    page = render(SUMMARY, "html")
    assert page.startswith("<!doctype html>")
    tags = _tags(page)
    assert not [attrs for tag, attrs in tags if tag in {"script", "img", "iframe"} and attrs.get("src")]
    assert not [attrs for tag, attrs in tags if tag == "link"]
    assert not [attrs for tag, attrs in tags if tag == "style" and attrs.get("src")]
    for tag, attrs in tags:
        if tag == "a":
            href = attrs.get("href") or ""
            assert href.startswith("#") or href == LEDGER.url


def test_html_escapes_article_text() -> None:
    page = render(SUMMARY, "html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert [tag for tag, _ in _tags(page)].count("script") == 1  # only the page's own inline script


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "file:///etc"]
)
def test_issue_33_only_web_addresses_become_links(url: str) -> None:
    """A record's url is untrusted: shown as text, linked only when it is http(s)."""
    page = render(replace(SUMMARY, articles=(replace(LEDGER, url=url), COURIER, WIRE)), "html")
    assert all((attrs.get("href") or "").startswith("#") for tag, attrs in _tags(page) if tag == "a")
    assert str(escape(url)) in page  # still shown, as text
    web = replace(LEDGER, url="HTTPS://ledger.example/ship")
    assert '<a href="HTTPS://ledger.example/ship">link</a>' in render(
        replace(SUMMARY, articles=(web, COURIER, WIRE)), "html"
    )


def test_html_marks_every_cited_span() -> None:
    page = render(SUMMARY, "html")
    marks = re.findall(r'<mark id="([^"]+)">(.*?)</mark>', page)
    marked_text = {text for _, text in marks}
    assert "The bridge was closed on Tuesday." in marked_text
    assert "Four people were hurt." in marked_text
    assert "Ferries will run every twenty minutes." in marked_text
    assert "Officials said &lt;script&gt;alert(1)&lt;/script&gt; four people were hurt." in marked_text
    assert len(marks) == len(set(marks)) == 4


def test_html_link_to_a_span_cited_by_two_sentences_points_at_its_mark() -> None:
    # Sentences 1 and 3 both cite ledger[0:33]; the span is marked once, and the second
    # sentence's [1] link used to point at an id no element had.
    page = render(SUMMARY, "html")
    ids = {attrs.get("id") for tag, attrs in _tags(page) if tag == "mark"}
    links = [attrs for tag, attrs in _tags(page) if tag == "a" and attrs.get("class") == "cite"]
    assert len(links) == 5
    for attrs in links:
        assert (attrs.get("href") or "").removeprefix("#") in ids
        assert set((attrs.get("data-spans") or "").split()) <= ids


@pytest.mark.parametrize("fmt", ["md", "text", "json", "html"])
def test_empty_summary_renders_in_every_format(fmt: Format) -> None:
    assert render(Summary((), ()), fmt)


def test_unknown_format_raises_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(SUMMARY, "pdf")  # type: ignore[arg-type]
