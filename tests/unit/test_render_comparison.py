"""Rendering a comparison: under a summary (md, text, json, html) and on its own (storyline.render)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from storyline.codec import comparison_from_dict, summary_from_dict, summary_to_dict
from storyline.render import Format, render
from storyline.types import Citation, Claim, Comparison, Contradiction, Quote, Summary, TimelineEvent
from tests.unit.test_render import COURIER, LEDGER, SUMMARY, WIRE

ARTICLES = (LEDGER, COURIER, WIRE)
COMPARISON = Comparison(
    articles=ARTICLES,
    agreements=(Claim("Four people were hurt.", (Citation("ledger", 34, 56), Citation("courier", 0, 63))),),
    single_source=(Claim("Ferries will run every twenty minutes.", (Citation("wire", 0, 38),)),),
    contradictions=(
        Contradiction(
            "number",
            'Port Wendell Ledger: "Four people"; Fenmore Press Agency: "twenty minutes"',
            (Citation("ledger", 34, 56), Citation("wire", 0, 38)),
        ),
    ),
    # The quoted words sit inside a sentence that is cited too (nested spans).
    quotes=(Quote(None, "four people were hurt", (Citation("courier", 41, 62),)),),
    timeline=(TimelineEvent("2026-03-10", "The bridge was closed on Tuesday.", (Citation("ledger", 0, 33),)),),
)
WITH_COMPARISON = replace(SUMMARY, comparison=COMPARISON)


def test_fixture_spans_are_the_texts() -> None:
    assert COURIER.text[41:62] == "four people were hurt"
    assert LEDGER.text[34:56] == "Four people were hurt."


def test_summary_json_has_no_comparison_unless_asked() -> None:
    assert "comparison" not in summary_to_dict(SUMMARY)
    data = summary_to_dict(WITH_COMPARISON)
    assert set(data) == {"summary", "sentences", "articles", "notes", "comparison"}
    assert {key: value for key, value in data.items() if key != "comparison"} == summary_to_dict(SUMMARY)


def test_comparison_json_matches_the_schema() -> None:
    comparison = json.loads(render(WITH_COMPARISON, "json"))["comparison"]
    assert list(comparison) == ["agreements", "single_source", "contradictions", "quotes", "timeline"]
    span_keys = {"article", "start", "end"}
    for item in comparison["agreements"] + comparison["single_source"]:
        assert set(item) == {"text", "support"} and all(set(span) == span_keys for span in item["support"])
    for item in comparison["contradictions"]:
        assert set(item) == {"kind", "explanation", "spans"} and item["kind"] == "number"
    for item in comparison["quotes"]:
        assert set(item) == {"speaker", "text", "support"} and item["speaker"] is None
    for item in comparison["timeline"]:
        assert set(item) == {"date", "text", "support"} and re.fullmatch(r"\d{4}(-\d\d){0,2}", item["date"])


def test_json_round_trips_with_the_comparison() -> None:
    assert summary_from_dict(json.loads(render(WITH_COMPARISON, "json"))) == WITH_COMPARISON
    own = json.loads(render(COMPARISON, "json"))
    assert set(own) == {"comparison", "articles"}
    assert comparison_from_dict(own["comparison"], ARTICLES) == COMPARISON


def test_markdown_shows_the_comparison_under_the_summary() -> None:
    page = render(WITH_COMPARISON, "md")
    order = [page.index(heading) for heading in ("## Comparison", "### Agreed", "### Where", "### Timeline")]
    assert page.index("[1][2]") < order[0] and order == sorted(order) and order[-1] < page.index("## Sources")
    assert "- Four people were hurt. [1][2]" in page
    assert "- 2026-03-10: The bridge was closed on Tuesday. [1]" in page
    assert "- unnamed: “four people were hurt” [2]" in page
    assert render(SUMMARY, "md").count("##") == 1  # no comparison: only the sources heading


def test_no_contradictions_is_said() -> None:
    page = render(replace(COMPARISON, contradictions=()), "md")
    assert "## Where the sources differ\n\nNone found." in page


@pytest.mark.parametrize("fmt", ["md", "text"])
def test_a_comparison_on_its_own_lists_its_sources(fmt: Format) -> None:
    page = render(COMPARISON, fmt)
    assert "Agreed by several sources" in page and "Timeline" in page
    assert "Port Wendell Ledger" in page and "Fenmore Press Agency" in page


@pytest.mark.parametrize("fmt", ["md", "text", "json", "html"])
def test_empty_comparison_renders_in_every_format(fmt: Format) -> None:
    assert render(Comparison(articles=()), fmt)
    assert render(Summary((), (), comparison=Comparison(articles=())), fmt)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("result", [WITH_COMPARISON, COMPARISON], ids=["summary", "comparison"])
def test_html_links_all_point_at_marks(result: Summary | Comparison) -> None:
    page = render(result, "html")
    parser = _Collector()
    parser.feed(page)
    ids = {attrs.get("id") for tag, attrs in parser.tags if tag == "mark"}
    links = [attrs for tag, attrs in parser.tags if tag == "a" and attrs.get("class") == "cite"]
    assert links
    for attrs in links:
        assert (attrs.get("href") or "").removeprefix("#") in ids
        assert set((attrs.get("data-spans") or "").split()) <= ids
    assert "Where the sources differ" in page and "<time>2026-03-10</time>" in page
    assert "<script>alert(1)</script>" not in page
