"""Feeds added and removed over HTTP (issue 34): POST /feeds and DELETE /feeds/{id} on a real server
(uvicorn) over a real story database. A write like the others (the token when the server has one), the
address checked (http(s), length, public addresses only unless --allow-private), and the feed stored
where ``storyline watch`` reads its list (tests/e2e/test_watch.py: a running watch picks it up)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from storyline.api import create_app
from storyline.pipeline import Pipeline
from storyline.sources.fetch import FetchSettings
from storyline.stories.db import Store
from storyline.stories.feeds import FeedState
from tests.e2e.conftest import serving

TOKEN = "feeds-test-token"
#: A public address given as such, so that no DNS is needed (nothing is fetched from it here).
PUBLIC_FEED = "http://93.184.215.14/news/rss.xml"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()  # made once: the app's models load only when a request needs them (none here)


@pytest.fixture(scope="module")
def server(pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    db = tmp_path_factory.mktemp("feeds") / "stories.db"
    with (
        Store(db) as store,
        serving(create_app(store, pipeline=pipeline, token=TOKEN)) as base,
        httpx.Client(base_url=base) as client,
    ):
        yield client, db


def _with_token() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_a_feed_is_added_listed_and_removed_and_lands_where_watch_reads(server: tuple[httpx.Client, Path]) -> None:
    client, db = server
    refused = client.post("/feeds", json={"url": PUBLIC_FEED})
    assert refused.status_code == 401 and "Bearer" in refused.json()["detail"]
    added = client.post("/feeds", json={"url": PUBLIC_FEED}, headers=_with_token())
    assert added.status_code == 201
    feed = added.json()
    assert (feed["url"], feed["ok"], feed["failures"], feed["last_polled"]) == (PUBLIC_FEED, False, 0, None)
    again = client.post("/feeds", json={"url": f"  {PUBLIC_FEED} "}, headers=_with_token())
    assert again.status_code == 200 and again.json()["id"] == feed["id"]  # followed already: one row
    assert [row["url"] for row in client.get("/feeds").json()] == [PUBLIC_FEED]
    with Store(db) as store, FeedState(store) as state:
        assert [row.url for row in state.feeds()] == [PUBLIC_FEED]  # the list `storyline watch` polls
    assert client.delete(f"/feeds/{feed['id']}").status_code == 401
    assert client.delete(f"/feeds/{feed['id']}", headers=_with_token()).status_code == 204
    gone = client.delete(f"/feeds/{feed['id']}", headers=_with_token())
    assert gone.status_code == 404 and gone.json()["detail"] == f"no feed {feed['id']}; GET /feeds lists them"
    assert client.get("/feeds").json() == []


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://127.0.0.1:8080/feed.xml", r"127\.0\.0\.1 is a private or local address .*--allow-private"),
        ("http://169.254.169.254/latest/meta-data/", "private or local address"),
        ("http://10.0.0.7/rss", "private or local address"),
        ("http://localhost/rss", "private or local address"),
        ("ftp://news.example/rss", "body.url"),
        ("javascript:alert(1)", "body.url"),
        ("http://news.example/" + "a" * 2_000, "body.url"),
        ("http://no-such-host.invalid/rss", "does not resolve"),
    ],
)
def test_a_feed_address_that_is_not_public_http_is_refused_in_one_line(
    server: tuple[httpx.Client, Path], url: str, said: str
) -> None:
    client, _ = server
    answer = client.post("/feeds", json={"url": url}, headers=_with_token())
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "\n" not in detail and re.search(said, detail)
    assert client.get("/feeds").json() == []


def test_allow_private_lets_a_local_feed_in(pipeline: Pipeline, tmp_path: Path) -> None:
    with (
        Store(tmp_path / "s.db") as store,
        serving(create_app(store, pipeline=pipeline, fetch=FetchSettings(allow_private=True))) as base,
        httpx.Client(base_url=base) as client,
    ):
        answer = client.post("/feeds", json={"url": "http://127.0.0.1:8080/feed.xml"})
        assert answer.status_code == 201  # no token on this server: writes are open, as for articles
