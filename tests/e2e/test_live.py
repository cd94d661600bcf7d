"""The web app stays current while articles arrive (issue 34): GET /feeds, the small JSON listings the
pages poll, the pages' script as a file of its own, and in a real headless Chromium the story list and a
story page showing new articles without a reload and marking what is new since the last visit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storyline.api import create_app
from storyline.pipeline import Pipeline
from storyline.sources.read import read
from storyline.stories import ingest
from storyline.stories.db import Store
from storyline.stories.feeds import FeedState
from tests.conftest import EXAMPLE
from tests.e2e.conftest import serving

pytestmark = pytest.mark.model

LEDGER, COURIER, WIRE, OBSERVER = (
    EXAMPLE / "port-wendell-ledger.txt",
    EXAMPLE / "saltmarsh-courier.txt",
    EXAMPLE / "fenmore-press-agency.json",
    EXAMPLE / "calder-coast-observer.html",
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def test_feeds_live_listings_and_the_script_file(pipeline: Pipeline, tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        ingest(store, pipeline, read([LEDGER, COURIER]))
        with FeedState(store) as state:
            state.add(["https://news.example/rss", "https://down.example/feed"])
            state.unchanged("https://news.example/rss", every=timedelta(minutes=15))
            state.failed(
                "https://down.example/feed", "https://down.example/feed: gone (410)", every=timedelta(minutes=15)
            )
        client = TestClient(create_app(store, pipeline=pipeline))
        feeds = {feed["url"]: feed for feed in client.get("/feeds").json()}
        assert feeds["https://news.example/rss"]["ok"] is True
        down = feeds["https://down.example/feed"]
        assert (down["ok"], down["failures"], down["last_error"]) == (False, 1, "https://down.example/feed: gone (410)")
        (story,) = client.get("/live").json()["stories"]
        assert story["articles"] == 2 and set(story["outlets"]) == {"The Port Wendell Ledger", "Saltmarsh Courier"}
        detail = client.get(f"/live/{story['id']}").json()
        assert [article["source"] for article in detail["articles"]] == ["The Port Wendell Ledger", "Saltmarsh Courier"]
        assert "text" not in detail["articles"][0]  # small: the pages poll it
        assert client.get("/live/999").status_code == 404
        script = client.get("/static/live.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
        index = client.get("/").text
        assert '<script src="/static/live.js" defer></script>' in index
        assert "<script>" not in index  # the front page has no inline script at all
        assert "textContent" in script.text and "innerHTML" not in script.text  # server text stays text


@pytest.fixture(scope="module")
def live_server(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    store = Store(tmp_path_factory.mktemp("live") / "stories.db")
    ingest(store, pipeline, read([LEDGER, COURIER]))
    with serving(create_app(store, pipeline=pipeline, live_every=0.3)) as base:
        yield base, store
    store.close()


def test_pages_show_new_articles_without_a_reload_and_mark_what_is_new_since_the_last_visit(
    live_server: tuple[str, Store], browser: Any, pipeline: Pipeline
) -> None:
    from playwright.sync_api import expect

    base, store = live_server
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + "/", timeout=60_000)
        item = page.locator("li.story-item").first
        assert "2 articles" in item.inner_text()
        assert page.locator(".new").count() == 0  # a first visit: nothing is "new" yet
        ingest(store, pipeline, read([WIRE]))
        # (waited for from outside the page: the page's policy lets no string be run as a script there)
        expect(page.locator("li.story-item .meta").first).to_have_text(re.compile(r"^3 articles"), timeout=30_000)
        story_id = item.get_attribute("data-id")
        page.goto(f"{base}/story/{story_id}", timeout=180_000)  # leaving saves what was seen
        assert page.locator("#live-new").is_hidden()
        ingest(store, pipeline, read([OBSERVER]))
        page.wait_for_selector("#live-new li", timeout=30_000)
        assert "Calder Coast Observer" in page.locator("#live-new").inner_text()
        assert page.locator("#story-count").inner_text() == "4 articles"
        page.goto(base + "/", timeout=60_000)
        page.wait_for_selector("li.story-item .new", timeout=30_000)
        assert re.fullmatch(r"\+1 new", page.locator("li.story-item .new").first.inner_text().strip())
    finally:
        context.close()


def test_issue_32_a_story_page_served_before_its_summary_shows_the_articles_then_the_summary(
    pipeline: Pipeline, browser: Any, tmp_path: Path
) -> None:
    with Store(tmp_path / "s.db") as store:
        ingest(store, pipeline, read([LEDGER, COURIER]))  # no summary made yet
        (story_id,) = (row.id for row in store.stories())
        with serving(create_app(store, pipeline=pipeline, live_every=0.3)) as base:
            page = browser.new_context().new_page()
            try:
                page.goto(f"{base}/story/{story_id}", timeout=60_000)  # answered at once, not after the summary
                assert "The summary is being prepared" in page.locator("#summary-state").inner_text()
                assert page.locator(".sources .article").count() == 2 and page.locator(".summary").count() == 0
                # Its script sees the summary made in the background and brings it in.
                page.wait_for_selector(".summary a.cite", timeout=180_000)
                assert page.locator("#summary-state").count() == 0
            finally:
                page.context.close()
