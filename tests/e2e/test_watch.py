"""``storyline watch`` against a real local news site (pytest-httpserver) with RSS, Atom and JSON feeds, and
its faults: a malformed feed, a dead entry link, robots.txt disallowing a path, 503 then success, and a
watch killed mid-round and started again. Real models, real SQLite (issue 34)."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from storyline.cli import EXIT_OK, main
from storyline.pipeline import Pipeline
from storyline.sources.feeds import Polite, parse_feed
from storyline.sources.fetch import Fetcher, FetchError, FetchSettings
from storyline.stories.db import Store
from storyline.stories.feeds import FeedState
from storyline.stories.watch import watch_round
from tests.newssite import atom, harbor_stories, json_feed, news_page, observer_page, rss

pytestmark = pytest.mark.model

OUTLETS = {"Port Wendell Ledger", "Saltmarsh Courier", "Fenmore Press Agency", "Calder Coast Observer"}


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture
def polite() -> Iterator[Polite]:
    # A short spacing between requests to the one local host, so that the tests stay quick;
    # test_polite_spaces_requests_to_one_host checks the spacing itself.
    with Fetcher(FetchSettings(allow_private=True, read_timeout=3)) as fetcher:
        yield Polite(fetcher, interval=0.02, backoff=0.05)


def _conditional(
    body: str, content_type: str, *, etag: str | None = None, modified: str | None = None
) -> Callable[[Request], Response]:
    """A feed answering 304 to a request that names its ETag (or its Last-Modified)."""

    def handle(request: Request) -> Response:
        validators = {"ETag": etag} if etag else {"Last-Modified": modified or ""}
        if (etag and request.headers.get("If-None-Match") == etag) or (
            modified and request.headers.get("If-Modified-Since") == modified
        ):
            return Response(status=304, headers=validators)
        return Response(body, content_type=content_type, headers=validators)

    return handle


def _page(body: str, delay: float) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        time.sleep(delay)
        return Response(body, content_type="text/html")

    return handle


def _site(server: HTTPServer, *, robots: str = "", delay: float = 0.0) -> list[str]:
    """Four articles of four outlets on the server (each answered after ``delay`` seconds), and three feeds
    (RSS, Atom, JSON) listing them; the feeds' URLs."""
    stories = harbor_stories()
    for story in stories:
        server.expect_request(story.path).respond_with_handler(_page(news_page(story), delay))
    server.expect_request("/observer/recorder").respond_with_handler(_page(observer_page(), delay))
    server.expect_request("/robots.txt").respond_with_data(robots or "", status=200 if robots else 404)
    link = server.url_for
    items = [(s.title, link(s.path), s.published) for s in stories]
    server.expect_request("/rss.xml").respond_with_handler(
        _conditional(rss("Ledger and Courier", items[:2]), "application/rss+xml", etag='"r1"')
    )
    server.expect_request("/atom.xml").respond_with_handler(
        _conditional(atom("Wire", items[2:]), "application/atom+xml", modified="Tue, 10 Mar 2026 20:00:00 GMT")
    )
    observer = [("Recorder found", link("/observer/recorder"), "2026-03-12")]
    server.expect_request("/feed.json").respond_with_handler(
        _conditional(json_feed("Observer", observer), "application/feed+json", etag='"j1"')
    )
    return [link("/rss.xml"), link("/atom.xml"), link("/feed.json")]


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def _pages(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log if not request.path.endswith((".xml", ".json", ".txt"))]


def test_watch_stores_each_article_once_and_a_second_round_costs_one_conditional_request_per_feed(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    feeds = _site(httpserver)
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        first = watch_round(store, state, pipeline, polite, feeds)
        assert (first.polled, first.added, first.failed_feeds, first.failed_entries) == (3, 4, 0, 0), first.messages
        assert store.count() == 4
        stories = store.stories()
        assert len(stories) == 1 and set(stories[0].sources) == OUTLETS
        assert "round 1: 3 feeds polled (0 unchanged, 0 failed), 4 new articles, 1 stories touched" in first.line(1)
        httpserver.clear_log()
        second = watch_round(store, state, pipeline, polite, feeds)
        assert (second.unchanged, second.added) == (3, 0)
        requests = [request for request, _ in httpserver.log]
        assert sorted(request.path for request in requests) == ["/atom.xml", "/feed.json", "/rss.xml"]
        assert all(
            request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since") for request in requests
        )
        assert second.requests == {"feed": 3}
        health = {row.url: row for row in state.feeds()}
        assert all(row.failures == 0 and row.last_success for row in health.values())
        assert health[feeds[0]].articles_stored == 2


def test_a_malformed_feed_fails_in_one_line_is_slowed_and_the_others_go_on(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    feeds = _site(httpserver)
    httpserver.expect_request("/broken.xml").respond_with_data(
        "<html><body>Moved</body></html>", content_type="text/html"
    )
    broken = httpserver.url_for("/broken.xml")
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        report = watch_round(store, state, pipeline, polite, [broken, feeds[0]])
        assert (report.failed_feeds, report.added) == (1, 2)
        assert len(report.messages) == 1
        assert re.fullmatch(
            rf"{re.escape(broken)}: not an RSS, Atom or JSON feed \(.*\); check the feed address", report.messages[0]
        )
        row = state.feed(broken)
        assert row is not None and row.failures == 1 and row.last_error == report.messages[0]
        first_wait = row.next_poll
        watch_round(store, state, pipeline, polite, [broken])
        again = state.feed(broken)
        assert again is not None and again.failures == 2 and again.next_poll is not None
        assert first_wait is not None and again.next_poll > first_wait  # slowed down, still followed
        assert broken in [feed.url for feed in state.feeds()]


def test_a_dead_entry_link_is_one_line_and_not_fetched_again(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    _site(httpserver)
    story = harbor_stories()[0]
    dead = httpserver.url_for("/gone/article")
    httpserver.expect_request("/gone/article").respond_with_data("", status=404)
    items = [("Gone", dead, "2026-03-11"), (story.title, httpserver.url_for(story.path), story.published)]
    httpserver.expect_request("/mixed.xml").respond_with_data(rss("Mixed", items), content_type="application/rss+xml")
    feed = httpserver.url_for("/mixed.xml")
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        report = watch_round(store, state, pipeline, polite, [feed])
        assert (report.added, report.failed_entries) == (1, 1)
        assert report.messages == [f"{dead}: not found (404); check the link (entry of {feed})"]
        httpserver.clear_log()
        again = watch_round(store, state, pipeline, polite, [feed])
        assert again.failed_entries == 0 and _pages(httpserver) == []


def test_robots_txt_disallowing_a_path_is_obeyed(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    feeds = _site(httpserver, robots="User-agent: *\nDisallow: /observer/\n")
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        report = watch_round(store, state, pipeline, polite, feeds)
        assert report.added == 3 and report.failed_entries == 1
        assert "robots.txt" in report.messages[0] and "/observer/recorder" in report.messages[0]
        assert "/observer/recorder" not in _pages(httpserver)


def test_503_then_success_is_retried_with_backoff(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    _site(httpserver)
    story = harbor_stories()[1]
    answers = iter([503, 503, 200])

    def flaky(request: Request) -> Response:
        status = next(answers, 200)
        return Response(news_page(story) if status == 200 else "busy", status=status, content_type="text/html")

    httpserver.expect_request("/flaky").respond_with_handler(flaky)
    httpserver.expect_request("/f.xml").respond_with_data(
        rss("F", [(story.title, httpserver.url_for("/flaky"), story.published)]), content_type="application/rss+xml"
    )
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        report = watch_round(store, state, pipeline, polite, [httpserver.url_for("/f.xml")])
        assert report.added == 1 and report.failed_entries == 0
        assert _pages(httpserver).count("/flaky") == 3


def test_a_feed_retried_past_its_limit_is_reported_and_tried_again_next_round(
    httpserver: HTTPServer, pipeline: Pipeline, polite: Polite, tmp_path: Path
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/down.xml").respond_with_data("down", status=503)
    down = httpserver.url_for("/down.xml")
    with Store(tmp_path / "w.db") as store, FeedState(store) as state:
        report = watch_round(store, state, pipeline, polite, [down])
        assert report.messages == [f"{down}: the server answered 503; try again later"]
        assert report.requests == {"robots": 1, "feed": 3}  # the first try and two retries


def test_polite_spaces_requests_to_one_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/p").respond_with_data("ok", content_type="text/plain")
    with Fetcher(FetchSettings(allow_private=True)) as fetcher:
        polite = Polite(fetcher, interval=0.3)
        started = time.monotonic()
        for _ in range(3):
            polite.get(httpserver.url_for("/p"))
        # robots.txt and three pages: four requests, three gaps of at least 0.3 s.
        assert time.monotonic() - started >= 0.9


def test_parse_feed_reads_rss_atom_and_json_and_refuses_other_things() -> None:
    items = [("A", "https://a.example/1", "2026-03-10"), ("B", "/2", "2026-03-11")]
    for body in (rss("x", items), atom("x", items), json_feed("x", items)):
        entries = parse_feed("https://a.example/feed", body.encode())
        assert [(e.link, e.published) for e in entries] == [
            ("https://a.example/1", "2026-03-10"),
            ("https://a.example/2", "2026-03-11"),
        ]
    for bad in (b"<rss version='2.0'><channel><item><link>", b'{"items": []}', b"[1, 2]", b"{" * 100_000):
        with pytest.raises(FetchError, match="check the feed address"):
            parse_feed("https://a.example/feed", bad)


def _stored(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM articles")]
    except sqlite3.OperationalError:
        return []
    finally:
        connection.close()


@pytest.mark.slow
def test_a_killed_watch_goes_on_where_it_stopped(
    httpserver: HTTPServer, tmp_path: Path, entry_point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = _site(httpserver, delay=0.8)  # so that the kill comes while pages are still arriving
    db = tmp_path / "w.db"
    command = [entry_point, "watch", "--db", str(db), *feeds, "--once", "--allow-private"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not _stored(db) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    at_kill = _stored(db)
    assert 1 <= len(at_kill) < 4, "the watch was to be killed mid-round"
    code = main(["watch", "--db", str(db), "--once", "--allow-private"])  # the feeds the database follows
    assert code == EXIT_OK
    (line,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(
        r"storyline: round 1: 3 feeds polled \(0 unchanged, 0 failed\), \d new articles, "
        r"1 stories touched, 0 entries failed; \d+ requests",
        line,
    )
    stored = _stored(db)
    assert len(stored) == len(set(stored)) == 4 and set(at_kill) <= set(stored)
    with Store(db) as store:
        assert len(store.stories()) == 1


@pytest.mark.slow
def test_a_running_watch_picks_up_a_feed_added_over_http_and_drops_a_removed_one(
    httpserver: HTTPServer, tmp_path: Path, entry_point: str, pipeline: Pipeline
) -> None:
    import httpx

    from storyline.api import create_app
    from tests.e2e.conftest import serving

    ledger_courier, wire, _ = _site(httpserver)
    db = tmp_path / "w.db"
    # A watch polling every 1.2 s, started with one feed; the other is added over HTTP while it runs.
    command = [entry_point, "watch", "--db", str(db), ledger_courier, "--every", "0.02", "--allow-private", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 480  # the models load in the watch process first
        while len(_stored(db)) < 2:
            assert process.poll() is None and time.monotonic() < deadline, "watch stored nothing"
            time.sleep(0.1)
        with (
            Store(db) as store,
            serving(create_app(store, pipeline=pipeline, fetch=FetchSettings(allow_private=True))) as base,
            httpx.Client(base_url=base) as client,
        ):
            added = client.post("/feeds", json={"url": wire})
            assert added.status_code == 201
            while len(_stored(db)) < 3:  # and the Atom feed's one
                assert process.poll() is None and time.monotonic() < deadline, f"not polled: {_paths(httpserver)}"
                time.sleep(0.1)
            while not client.get("/feeds").json()[1]["ok"]:  # its poll recorded once its entries are in
                assert time.monotonic() < deadline
                time.sleep(0.1)
            first, second = client.get("/feeds").json()
            assert (second["url"], second["articles_stored"]) == (wire, 1)
            assert client.delete(f"/feeds/{first['id']}").status_code == 204
            polls = sum(request.path == "/rss.xml" for request, _ in httpserver.log)
            time.sleep(4)  # three rounds or more
            assert sum(request.path == "/rss.xml" for request, _ in httpserver.log) <= polls + 1  # one in flight
            assert sum(request.path == "/atom.xml" for request, _ in httpserver.log) >= 3  # the other goes on
            assert [feed["url"] for feed in client.get("/feeds").json()] == [wire]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert len(set(_stored(db))) == 3  # the JSON feed was never followed
