"""``storyline watch`` on a stream of news published as feeds of a local site (issue 34).

The DUC 2004 task 2 documents with the three seed articles (503 articles; as benchmarks.clustering)
are shuffled, put into a news-page template (navigation, share buttons, a footer: tests/newssite.py)
and published as ``--feeds`` feeds (RSS 2.0, Atom and JSON Feed in turn), each on a host of its own
(127.0.0.2, 127.0.0.3, ...: one local server per loopback address) that answers every request after
``--latency`` (default 50-300 ms, drawn at random). Then, through the code path of ``storyline watch``
(stories.watch.watch_round, a polite fetcher: robots.txt, one request per host per second, at most
8 in flight):

- round 1 into a fresh story database: seconds until every article is stored, articles per second,
  CPU seconds, and the requests the site saw against the minimum needed (one robots.txt per host,
  one per feed, one per page);
- round 2: the requests it costs (one conditional request per feed is the minimum) and the pages
  it fetches (none should be);
- the stories: B-cubed F1 against the gold clusters (as benchmarks.clustering scores them); against
  the stories ``ingest`` makes of the very articles watch read (the same pages read by the same code
  without the network, given in the order watch met them: 1.0 and ``same_stories_as_ingest`` = watch
  groups exactly as ingest does); and against ``ingest`` of the DUC documents themselves in that
  order (what the page round trip changes: the page's heading joins the text).

DUC 2004 holds 26 exact copies (a document in two clusters, a wire sent twice): watch, as ingest,
stores the first and records the copy as a duplicate of it, so "dealt with" is stored + duplicates.

    python -m benchmarks.watch [--feeds 20] [--latency 0.05 0.3] [--seed 0] [--interval 1.0]

Writes results/watch.json. Exit codes: 0 done; 2 the data is missing (one line names it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.newssite import Story, atom, json_feed, news_page, rss

from benchmarks.clustering import bcubed, load_duc, missing_data
from benchmarks.common import RESULTS, SHARED, Stopwatch, code_version
from storyline.pipeline import Pipeline
from storyline.sources.feeds import Polite
from storyline.sources.fetch import Fetcher, FetchSettings, Response, article_id, canonical_url, read_page
from storyline.stories import ingest
from storyline.stories.db import Store
from storyline.stories.feeds import FeedState
from storyline.stories.watch import watch_round
from storyline.types import Article


class Site:
    """The local news site: one threading HTTP server per host, each serving its feed and its pages,
    counting the requests by kind and answering after a random latency."""

    def __init__(
        self,
        hosts: list[str],
        port: int,
        resources: dict[tuple[str, str], tuple[str, str]],
        latency: tuple[float, float],
        seed: int,
    ) -> None:
        self.resources = resources  # (host:port, path) -> (content type, body)
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._servers = [ThreadingHTTPServer((host, port), self._handler()) for host in hosts]
        self.latency = latency
        for server in self._servers:
            server.daemon_threads = True

    def count(self, kind: str) -> None:
        with self._lock:
            self.requests[kind] = self.requests.get(kind, 0) + 1

    def pause(self) -> float:
        with self._lock:
            return self._random.uniform(*self.latency)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(site.pause())
                host = self.headers.get("Host", "")
                found = site.resources.get((host, self.path))
                kind = "robots" if self.path == "/robots.txt" else "feed" if self.path.startswith("/feed") else "page"
                site.count(kind)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                content_type, body = found
                etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.count("not-modified")
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                return

        return Handler

    @contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in self._servers]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            for server in self._servers:
                server.shutdown()
                server.server_close()


class Pages:
    """The site's pages without the network (the same bytes the site serves), so that ``ingest`` can be
    given the very Articles watch read, by read_page itself."""

    def __init__(self, resources: dict[tuple[str, str], tuple[str, str]]) -> None:
        self.resources = resources

    def get(self, url: str, *, headers: dict[str, str] | None = None, accept: str | None = None) -> Response:
        parts = urlsplit(url)
        content_type, body = self.resources[(parts.netloc, parts.path)]
        return Response(url, 200, {"content-type": content_type}, body.encode("utf-8"))


def _members(rows: Any) -> dict[str, object]:
    return {member: row.id for row in rows for member in row.articles}


def _partition(assigned: dict[str, object]) -> set[frozenset[str]]:
    groups: dict[object, set[str]] = {}
    for item, group in assigned.items():
        groups.setdefault(group, set()).add(item)
    return {frozenset(group) for group in groups.values()}


def publish(
    stream: list[Article], feeds: int, port: int
) -> tuple[list[str], dict[str, str], list[str], dict[tuple[str, str], tuple[str, str]]]:
    """The articles as pages of ``feeds`` hosts, entry i in feed i mod ``feeds``: the feeds' URLs, each
    page's URL -> its article id, the hosts and the site's resources."""
    hosts = [f"127.0.0.{index + 2}" for index in range(feeds)]
    resources: dict[tuple[str, str], tuple[str, str]] = {}
    page_of: dict[str, str] = {}
    items: dict[int, list[tuple[str, str, str]]] = {index: [] for index in range(feeds)}
    for position, article in enumerate(stream):
        index = position % feeds
        host = f"{hosts[index]}:{port}"
        path = f"/news/{article.id}"
        title = article.title or article.text.split(". ", 1)[0][:90]
        day = article.published or "2026-03-10"
        story = Story(path, article.source, title, day, article.text)
        resources[(host, path)] = ("text/html; charset=utf-8", news_page(story))
        url = f"http://{host}{path}"
        page_of[url] = article.id
        items[index].append((title, url, day))
    urls = []
    for index, host in enumerate(hosts):
        name = f"Outlet {index + 1}"
        kind = index % 3
        body = (rss, atom, json_feed)[kind](name, items[index])
        content_type = ("application/rss+xml", "application/atom+xml", "application/feed+json")[kind]
        resources[(f"{host}:{port}", "/feed")] = (content_type, body)
        urls.append(f"http://{host}:{port}/feed")
    return urls, page_of, hosts, resources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED / "data", help="the folder of the evaluation data")
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds", help="the seed articles (*.txt)")
    parser.add_argument("--feeds", type=int, default=20, help="feeds, each on a host of its own (default 20)")
    parser.add_argument("--latency", type=float, nargs=2, default=[0.05, 0.3], metavar=("MIN", "MAX"))
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between requests to one host")
    parser.add_argument("--seed", type=int, default=0, help="shuffle and latency seed")
    parser.add_argument("--port", type=int, default=18734, help="the port every host listens on")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles of the stream (a quick check)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    missing = missing_data(args.data, args.seeds, ["duc2004"], "test")
    if missing:
        print(f"watch: data missing ({', '.join(missing)}); pass --data / --seeds", file=sys.stderr)
        return 2
    articles, gold = load_duc(args.data, args.seeds)
    stream = list(articles)
    random.Random(args.seed).shuffle(stream)
    if args.limit:
        stream = stream[: args.limit]
    urls, page_of, hosts, resources = publish(stream, args.feeds, args.port)
    site = Site(hosts, args.port, resources, (args.latency[0], args.latency[1]), args.seed)
    pipeline = Pipeline()
    pipeline.encoder.encode(["warm up"])  # the models load before the clock starts
    _ = pipeline.nlp
    result: dict[str, Any] = {
        "articles": len(stream),
        "feeds": args.feeds,
        "latency_seconds": args.latency,
        "host_interval_seconds": args.interval,
    }
    settings = FetchSettings(allow_private=True)
    with tempfile.TemporaryDirectory() as folder, site.running(), Fetcher(settings) as fetcher:
        store = Store(Path(folder) / "watch.db")
        state = FeedState(store)
        polite = Polite(fetcher, interval=args.interval)
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if done % 50 == 0:
                print(f"watch: {done}/{len(stream)} articles, {clock.seconds:.0f} s", file=sys.stderr)

        clock = Stopwatch()
        cpu = time.process_time()
        first = watch_round(store, state, pipeline, polite, urls, progress=progress)
        seconds, cpu = clock.seconds, time.process_time() - cpu
        requests_first = dict(site.requests)
        site.requests.clear()
        clock = Stopwatch()
        second = watch_round(store, state, pipeline, polite, urls)
        second_seconds = clock.seconds
        requests_second = dict(site.requests)
        rows = store.stories()
        state.close()
        store.close()
        watched = _members(rows)
    # ingest of the very articles watch read, in the order it met them: in turn across the feeds, which
    # is the stream's order (entry i of the stream is entry i // feeds of feed i % feeds).
    in_order = list(page_of)
    same_pages = [read_page(Pages(resources), url) for url in in_order]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "pages.db") as direct:
        clock = Stopwatch()
        pages_counts = ingest(direct, pipeline, same_pages)
        pages_seconds = clock.seconds
        from_pages = _members(direct.stories())
    page_ids = [article.id for article in same_pages]
    for key in page_ids:
        watched.setdefault(key, f"alone:{key}")
        from_pages.setdefault(key, f"alone:{key}")
    _, _, same_pages_agreement = bcubed(watched, from_pages)
    same_stories = _partition({key: watched[key] for key in page_ids}) == _partition(
        {key: from_pages[key] for key in page_ids}
    )
    # The watch's article ids come from the pages' canonical URLs; map them back to DUC ids.
    duc_of = {article_id(canonical_url(url)): duc for url, duc in page_of.items()}
    predicted = {duc_of[key]: story for key, story in watched.items() if not str(story).startswith("alone:")}
    # ingest of the DUC documents in the order the round stored them (the stream's).
    in_watch_order = stream
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "ingest.db") as direct:
        clock = Stopwatch()
        ingest_cpu = time.process_time()
        duc_counts = ingest(direct, pipeline, in_watch_order)
        ingest_seconds, ingest_cpu = clock.seconds, time.process_time() - ingest_cpu
        reference: dict[str, object] = {}
        for row in direct.stories():
            for member in row.articles:
                reference[member] = row.id
    scored_gold = {article.id: gold[article.id] for article in stream}
    for key in scored_gold:
        predicted.setdefault(key, f"alone:{key}")
        reference.setdefault(key, f"alone:{key}")
    precision, recall, f1 = bcubed(predicted, scored_gold)
    _, _, ingest_f1 = bcubed(reference, scored_gold)
    _, _, agreement = bcubed(predicted, reference)
    minimum_first = len(urls) * 2 + len(stream)
    made_first = sum(count for kind, count in requests_first.items() if kind != "not-modified")
    result.update(
        {
            "articles": len(stream),
            "stored": first.added,
            "duplicates": first.known,
            "dealt_with": first.added + first.known + first.failed_entries,
            "failed_entries": first.failed_entries,
            "failed_feeds": first.failed_feeds,
            "stories": len(rows),
            "seconds_until_all_stored": round(seconds, 1),
            "articles_per_second": round(first.added / seconds, 2),
            "cpu_seconds": round(cpu, 1),
            "requests_round_1": requests_first,
            "requests_round_1_total": made_first,
            "requests_round_1_minimum": minimum_first,
            "round_2_requests": requests_second,
            "round_2_pages_fetched": requests_second.get("page", 0),
            "round_2_unchanged_feeds": second.unchanged,
            "round_2_seconds": round(second_seconds, 2),
            "bcubed_precision": round(precision, 4),
            "bcubed_recall": round(recall, 4),
            "bcubed_f1": round(f1, 4),
            "ingest_same_order_bcubed_f1": round(ingest_f1, 4),
            "ingest_same_order_seconds": round(ingest_seconds, 1),
            "ingest_same_order_cpu_seconds": round(ingest_cpu, 1),
            "ingest_same_pages_stored": pages_counts.added,
            "ingest_same_pages_duplicates": pages_counts.duplicates,
            "ingest_same_pages_seconds": round(pages_seconds, 1),
            "agreement_with_ingest_same_pages_bcubed_f1": round(same_pages_agreement, 4),
            "same_stories_as_ingest": same_stories,
            "ingest_duc_texts_stored": duc_counts.added,
            "ingest_duc_texts_duplicates": duc_counts.duplicates,
            "agreement_with_ingest_of_duc_texts_bcubed_f1": round(agreement, 4),
            "code_version": code_version(),
            "shuffle_seed": args.seed,
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / ("watch.json" if not args.limit else f"watch-limit{args.limit}.json")).write_text(
        json.dumps(result, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
