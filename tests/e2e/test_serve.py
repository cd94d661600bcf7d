"""The web API on a real uvicorn server on 127.0.0.1, and the story page in a real headless Chromium (issue 5).

One server for the module: a story database with the bundled example (examples/harbor-bridge)
ingested, the real models, requests over HTTP with httpx, and the page driven by Playwright on
the system's /usr/bin/chromium (the browser tests skip when it is absent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storyline.api import MAX_BODY_BYTES, create_app
from storyline.pipeline import Pipeline
from storyline.sources.read import read
from storyline.stories import ingest
from storyline.stories.db import Store
from tests.conftest import EXAMPLE
from tests.e2e.conftest import serving, summarized

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    """The base URL of a running server over a store holding the bundled example story, and that store."""
    store = Store(tmp_path_factory.mktemp("serve") / "stories.db")
    pipeline = Pipeline()
    ingest(store, pipeline, read(EXAMPLE))
    with serving(create_app(store, pipeline=pipeline)) as url:
        yield url, store
    store.close()


@pytest.fixture(scope="module")
def server(served: tuple[str, Store]) -> str:
    """The base URL of the running server."""
    return served[0]


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=120) as http:
        yield http


def _records() -> list[dict[str, Any]]:
    return [
        {"id": a.id, "text": a.text, "title": a.title, "source": a.source, "published": a.published, "url": a.url}
        for a in read(EXAMPLE)
    ]


def test_openapi_schema_lists_the_endpoints(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/articles", "/stories", "/stories/{story_id}", "/summarize"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/articles"] and "post" in schema["paths"]["/summarize"]


def test_stories_and_a_story_with_summary_comparison_and_sources(client: httpx.Client) -> None:
    (story,) = client.get("/stories").json()["stories"]
    assert set(story) == {"id", "title", "articles", "sources", "first_seen", "last_seen"}
    assert len(story["articles"]) == 4
    data = summarized(client, story["id"])
    assert data["summary"] and data["sentences"][0]["citations"]
    assert set(data["comparison"]) >= {"agreements", "single_source", "contradictions", "quotes", "timeline"}
    assert {source["source"] for source in data["sources"]} == set(story["sources"])
    missing = client.get("/stories/999")
    assert missing.status_code == 404 and "no story 999" in missing.json()["detail"]


def test_post_articles_one_or_many_and_again_changes_nothing(client: httpx.Client) -> None:
    records = _records()
    again = client.post("/articles", json=records)  # already ingested by the fixture
    assert again.status_code == 200, again.text
    assert [result["outcome"] for result in again.json()["results"]] == ["unchanged"] * 4
    before = client.get("/stories").json()["stories"]
    one = {"text": records[0]["text"].replace("Kestrel", "Kestrel Narrows"), "source": "Copy Desk"}
    first = client.post("/articles", json=one).json()
    assert first["results"][0]["outcome"] == "near-duplicate"
    assert first["results"][0]["story"] == before[0]["id"]
    wrapped = client.post("/articles", json={"articles": [one]}).json()
    assert wrapped["results"][0]["outcome"] == "unchanged"  # the same text gets the same id
    assert len(client.get("/stories").json()["stories"]) == 1


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"title": "no text"}, 422, "text"),
        ({"text": ""}, 422, "text"),
        ({"text": "x", "url": "javascript:alert(1)"}, 422, "url"),
        ({"text": "x", "colour": "red"}, 422, "colour"),
        ([], 422, "at least 1 item"),
        ({"articles": [{"text": "x"}] * 201}, 422, "articles"),
        ({"text": "Too short to be an article."}, 422, "not look like a news article"),
    ],
)
def test_bad_articles_get_a_4xx_that_says_what_is_wrong(
    client: httpx.Client, body: object, status: int, words: str
) -> None:
    answer = client.post("/articles", json=body)
    assert answer.status_code == status
    assert words in json.dumps(answer.json())


def test_bad_requests_never_take_the_server_down(client: httpx.Client) -> None:
    not_json = client.post("/articles", content=b"{not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 422
    huge = client.post("/articles", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"})
    assert huge.status_code == 413 and "limit" in huge.json()["detail"]
    assert client.get("/stories/not-a-number").status_code == 422
    assert client.post("/summarize", json={"articles": [{"text": "Only a line."}]}).status_code == 422
    assert client.get("/health").json()["ok"] is True


def test_summarize_is_one_shot_and_stores_nothing(client: httpx.Client) -> None:
    before = client.get("/health").json()["articles"]
    records = [{"text": record["text"], "source": record["source"]} for record in _records()[:2]]
    answer = client.post("/summarize", json={"articles": records, "words": 60})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["sentences"] and "comparison" in data
    assert client.get("/health").json()["articles"] == before


# -- the web page in a real browser ---------------------------------------------------------


def test_page_lists_stories_opens_one_and_a_citation_highlights_its_sentence(server: str, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto(server + "/", timeout=60_000)
        item = page.locator("li.story-item").first
        assert re.search(r"\b[45] articles · [45] outlets: Calder Coast Observer", item.inner_text())
        item.locator("a").click()
        # A story never summarized shows its articles first; the page reloads once the summary is made.
        page.wait_for_selector(".summary a.cite", timeout=180_000)
        assert page.locator(".sources .article").count() >= 4
        assert page.locator("mark.on").count() == 0
        citation = page.locator(".summary a.cite").first
        target = citation.get_attribute("data-spans").split(" ")[0]
        citation.click()
        highlighted = page.locator("mark.on")
        assert highlighted.count() >= 1
        assert page.locator(f"#{target}").get_attribute("class") == "on"
        sentence = page.locator(".summary span").first.inner_text()
        # The cited span is the source sentence; the summary may leave out a dateline before it.
        assert page.locator(f"#{target}").inner_text().strip().endswith(sentence.strip())
        assert page.locator(f"#{target}").is_visible()
    finally:
        page.close()


# -- a merged story's links (issue 36); last, as it merges the module's stories ------------------


def test_issue_36_a_merged_story_redirects_to_the_story_it_joined(served: tuple[str, Store], seeds_dir: Path) -> None:
    base, store = served
    with httpx.Client(base_url=base, timeout=120) as http:
        seeds = [
            {"text": path.read_text(encoding="utf-8"), "source": path.stem} for path in sorted(seeds_dir.glob("*.txt"))
        ]
        added = http.post("/articles", json=seeds).json()
        (seed_story,) = {result["story"] for result in added["results"]}
        bridge = next(story["id"] for story in http.get("/stories").json()["stories"] if story["id"] != seed_story)
        store.merge(seed_story, bridge)  # as the second look after a batch merges two stories
        answer = http.get(f"/stories/{seed_story}")
        assert answer.status_code == 308 and answer.headers["location"] == f"/stories/{bridge}"
        page = http.get(f"/story/{seed_story}")
        assert page.status_code == 308 and page.headers["location"] == f"/story/{bridge}"
        assert seed_story not in {story["id"] for story in http.get("/stories").json()["stories"]}
        assert http.get("/stories/999").status_code == 404
