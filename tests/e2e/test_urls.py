"""URLs as inputs (issue 34): ``summarize``, ``compare`` and ``ingest`` read pages of a real local news
site (pytest-httpserver), and a URL that fails is one line while the other inputs go on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pytest_httpserver import HTTPServer

from storyline.api import create_app
from storyline.cli import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main
from storyline.sources.fetch import FetchSettings
from storyline.stories.db import Store
from tests.newssite import harbor_stories, news_page, observer_page

pytestmark = pytest.mark.model

OUTLETS = ["Port Wendell Ledger", "Saltmarsh Courier", "Fenmore Press Agency"]


def _site(server: HTTPServer) -> list[str]:
    """The three harbor-bridge pages of three outlets on the local server; their URLs."""
    urls = []
    for story in harbor_stories():
        server.expect_request(story.path).respond_with_data(news_page(story), content_type="text/html; charset=utf-8")
        urls.append(server.url_for(story.path))
    return urls


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_summarize_three_urls_prints_a_cited_summary_naming_each_outlet(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "summarize", *_site(httpserver), "--allow-private")
    assert code == EXIT_OK, err
    summary, sources = out.split("## Sources", 1)
    assert re.search(r"\[\d\]", summary)  # cited
    for outlet in OUTLETS:
        assert outlet in sources
    assert "Share on Facebook" not in out and "All rights reserved" not in out


def test_without_allow_private_a_local_url_is_refused_in_one_line(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _site(httpserver)
    code, _out, err = run(capsys, "summarize", urls[0], "examples/harbor-bridge/saltmarsh-courier.txt")
    assert code == EXIT_SKIPPED
    lines = [line for line in err.splitlines() if urls[0] in line]
    assert len(lines) == 1 and "--allow-private" in lines[0]
    assert not httpserver.log


def test_compare_and_ingest_take_urls_and_one_article_by_two_links_is_stored_once(
    httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    urls = _site(httpserver)
    code, out, err = run(capsys, "compare", *urls, "--allow-private", "--format", "json")
    assert code == EXIT_OK, err
    assert {article["source"] for article in json.loads(out)["articles"]} == set(OUTLETS)
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    gone = httpserver.url_for("/gone")
    db = tmp_path / "news.db"
    tracked = urls[0] + "?utm_source=rss&utm_medium=feed#top"
    code, _out, err = run(capsys, "ingest", "--db", str(db), *urls, tracked, gone, "--allow-private")
    assert code == EXIT_SKIPPED
    assert [line for line in err.splitlines() if gone in line] == [
        f"storyline: skipped: {gone}: gone (410); check the link"
    ]
    with Store(db) as store:
        assert store.count() == 3
        stories = store.stories()
        assert len(stories) == 1 and set(stories[0].sources) == set(OUTLETS)


def test_max_page_mb_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "summarize", "http://example.com/a", "--max-page-mb", "0")
    assert code == EXIT_USAGE and "--max-page-mb" in err


def test_the_api_fetches_a_record_with_only_a_url(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/observer").respond_with_data(observer_page(), content_type="text/html")
    url = httpserver.url_for("/observer")
    with Store(tmp_path / "a.db") as store:
        refusing = TestClient(create_app(store))
        answer = refusing.post("/articles", json={"url": url})
        assert answer.status_code == 422
        assert "--allow-private" in json.dumps(answer.json())
        assert not httpserver.log  # the server never reached a private address on a client's behalf
        client = TestClient(create_app(store, fetch=FetchSettings(allow_private=True)))
        answer = client.post("/articles", json={"url": url})
        assert answer.status_code == 200, answer.text
        assert answer.json()["added"] == 1
        assert client.post("/articles", json={}).status_code == 422
