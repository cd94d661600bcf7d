"""Article records (records.py): one set of checks and id rules for every way in (issue 33)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.api.app import ArticleIn
from storyline.batch import _documents
from storyline.errors import InputError
from storyline.records import article_from_record, as_articles, iso_date, safe_id, unique_ids
from storyline.sources.outlet import outlet_from_url
from storyline.sources.read import read
from storyline.types import Article, Problem

TEXT = "The harbour authority said the ship lost power before it struck the bridge pier on Tuesday."


def _fields(article: Article) -> tuple[str | None, ...]:
    return (article.id, article.text, article.source, article.title, article.published, article.url)


@pytest.mark.parametrize(
    ("record", "in_api"),
    [
        ({"id": "fpa-7", "text": TEXT, "source": "Fenmore Press Agency", "published": "March 10, 2026"}, False),
        ({"id": "wire 7/b", "text": TEXT, "url": "https://www.ledger.example/a"}, False),
        ({"id": "fpa:7", "text": TEXT, "url": "https://www.ledger.example/a", "published": "2026-03-10T15:42Z"}, True),
        ({"text": TEXT, "title": "Ship hits bridge"}, False),
        ({"id": "12", "text": TEXT, "title": "Ship hits bridge", "source": "Ledger"}, True),
    ],
    ids=["all-fields", "unsafe-id", "timestamp", "no-id", "title"],
)
def test_issue_33_every_way_in_makes_the_same_article(tmp_path: Path, record: dict[str, Any], in_api: bool) -> None:
    """A .jsonl file, a batch document and a record given to the library agree, and so does the web API
    on the records it accepts (its schema refuses ids with spaces or slashes and dates not in ISO form)."""
    path = tmp_path / "d1.jsonl"  # the file's stem names a record without id as the others do: d1-1 / d1
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [from_file] = read(path)
    [from_batch], problems = _documents([record])
    [from_library] = as_articles([record])
    assert problems == []
    if "id" in record:
        assert _fields(from_file) == _fields(from_batch) == _fields(from_library)
    else:  # the default id is the caller's (by file name or position); the rest follows the same rules
        assert (from_file.id, from_batch.id, from_library.id) == ("d1-1", "d1", "d1")
        assert all(article.source == article.id for article in (from_file, from_batch, from_library))
        assert _fields(from_file)[3:] == _fields(from_batch)[3:] == _fields(from_library)[3:]
    if in_api:
        assert _fields(ArticleIn(**record).to_article()) == _fields(from_file)


def test_record_fields_become_article_fields() -> None:
    article = article_from_record(
        {"id": " a b/c ", "text": TEXT, "url": "http://www.ledger.example/x", "published": "10 March 2026"},
        where="feed.jsonl:3",
        default_id="feed-1",
    )
    assert article.id == "a-b-c"
    assert article.source == "ledger.example"  # no source: the URL's host
    assert article.published == "2026-03-10"
    assert article.origin == "feed.jsonl:3"


def test_a_record_without_an_id_gets_the_default() -> None:
    assert article_from_record({"text": TEXT}, where="x", default_id="d3").id == "d3"
    assert article_from_record({"text": TEXT, "id": "  "}, where="x", default_id="d3").id == "d3"
    assert article_from_record(TEXT, where="x", default_id="d4").source == "d4"  # a plain text is a record


@pytest.mark.parametrize(
    ("record", "words"),
    [
        (None, "got null"),
        (["text"], "got a list"),
        ({"title": "T"}, "no 'text' field"),
        ({"text": "   "}, "no 'text' field (or it is empty)"),
        ({"text": 5}, "field 'text' must be a string, got a number"),
        ({"text": TEXT, "source": ["a"]}, "field 'source' must be a string, got a list"),
        ({"text": TEXT, "published": {"day": 1}}, "field 'published' must be a string, got an object"),
    ],
)
def test_bad_records_are_one_line_errors_naming_the_record(record: object, words: str) -> None:
    with pytest.raises(InputError, match=r"^feed\.jsonl:2: ") as caught:
        article_from_record(record, where="feed.jsonl:2", default_id="feed-2")
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert caught.value.input == "feed.jsonl:2"


def test_repeated_ids_are_numbered_with_a_note() -> None:
    ids = ("x", "x", "x-2", "y")
    articles = [Article(id=identifier, text=TEXT, source="s", origin=identifier) for identifier in ids]
    unique, notes = unique_ids(articles)
    assert [article.id for article in unique] == ["x", "x-2", "x-2-2", "y"]
    assert [article.origin for article in unique] == ["x", "x-2", "x-2-2", "y"]  # known by id only: renamed too
    assert [note.input for note in notes] == ["x", "x-2"]
    assert all(not note.skipped and "cited as" in note.message for note in notes)


def test_as_articles_skips_bad_records_into_problems() -> None:
    problems: list[Problem] = []
    records = [TEXT, {"id": "k", "text": ""}, {"id": "z", "text": TEXT}]
    articles = as_articles(records, on_error="skip", problems=problems)
    assert [article.id for article in articles] == ["d1", "z"]
    [problem] = problems
    assert problem.input == "k" and problem.skipped and "no 'text'" in problem.message
    with pytest.raises(InputError, match=r"^k: no 'text'"):
        as_articles([TEXT, {"id": "k", "text": ""}])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-03-10T15:42:00-05:00", "2026-03-10"), ("Mar. 10, 2026", "2026-03-10"), ("  last  week ", None)],
)
def test_iso_date(value: str, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_ids_and_outlets() -> None:
    assert safe_id("<script>") == "script"
    assert safe_id("a:b~c.d_e-f") == "a:b~c.d_e-f"  # what the web API accepts passes unchanged
    assert safe_id("///") == "article"
    assert outlet_from_url("https://www.calder.example:8080/path") == "calder.example"
    assert outlet_from_url("localhost/x") is None and outlet_from_url(None) is None
