"""Reading news feeds: RSS 2.0, Atom and JSON Feed bytes -> their entries (feedparser), and fetching
politely: robots.txt obeyed (protego), one request per host per second, retries with backoff.

Knows feeds and HTTP manners, not stories: ``storyline.stories.watch`` decides what to fetch and
stores what it reads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from storyline.records import iso_date
from storyline.sources.fetch import Fetcher, FetchError, Response

__all__ = ["FEED_TYPES", "Entry", "Polite", "parse_feed"]

log = logging.getLogger(__name__)

FEED_TYPES = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
#: The product token matched against robots.txt groups.
ROBOTS_AGENT = "Storyline"
#: Seconds between two requests to one host, at least (a robots.txt Crawl-delay may ask for more,
#: honoured up to MAX_CRAWL_DELAY).
HOST_INTERVAL = 1.0
MAX_CRAWL_DELAY = 60.0
#: robots.txt is read again after this many seconds.
ROBOTS_TTL = 3600.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry: its key (the entry's id, else its link), the page's address, title and date."""

    key: str
    link: str
    title: str | None = None
    published: str | None = None  # ISO date when the feed gives one


def parse_feed(url: str, body: bytes, *, content_type: str = "") -> list[Entry]:
    """The entries of an RSS, Atom or JSON feed, in feed order; entries without a link are left out.

    Raises:
        FetchError: the body is not a feed feedparser can read (or holds no entries and says why).
    """
    import feedparser

    if body.lstrip()[:1] == b"{":
        return _json_feed(url, body)
    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    entries = list(parsed.get("entries") or [])
    found: list[Entry] = []
    for entry in entries:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            continue
        link = urljoin(url, link.strip())
        key = entry.get("id") if isinstance(entry.get("id"), str) and entry.get("id") else link
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%d", stamp) if stamp else None
        if published is None and isinstance(entry.get("published"), str):
            published = iso_date(entry["published"])
        found.append(Entry(str(key), link, entry.get("title") or None, published))
    if not found and parsed.get("bozo"):  # broken, and nothing of use in it: a broken feed is ok with entries
        reason = parsed.get("bozo_exception")
        raise FetchError(
            f"{url}: not an RSS, Atom or JSON feed ({type(reason).__name__}: {str(reason)[:80]}); "
            "check the feed address",
            input=url,
        )
    if not found and not parsed.get("version"):
        raise FetchError(f"{url}: not an RSS, Atom or JSON feed; check the feed address", input=url)
    return found


def _json_feed(url: str, body: bytes) -> list[Entry]:
    """The entries of a JSON Feed (jsonfeed.org, versions 1 and 1.1), which feedparser 6 does not read."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, RecursionError) as error:
        raise FetchError(
            f"{url}: not a valid JSON Feed ({str(error)[:80]}); check the feed address", input=url
        ) from error
    items = data.get("items") if isinstance(data, dict) else None
    if not str(data.get("version", "") if isinstance(data, dict) else "").startswith(
        "https://jsonfeed.org/version/"
    ) or (not isinstance(items, list)):
        raise FetchError(f"{url}: JSON but not a JSON Feed (no version or items); check the feed address", input=url)
    found: list[Entry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        link = urljoin(url, link.strip())
        key = item.get("id")
        stamp = item.get("date_published") or item.get("date_modified")
        title = item.get("title")
        found.append(
            Entry(
                str(key) if isinstance(key, (str, int)) and str(key) else link,
                link,
                title if isinstance(title, str) and title else None,
                iso_date(stamp) if isinstance(stamp, str) else None,
            )
        )
    return found


class Polite:
    """Fetches as a polite crawler does: obeys each host's robots.txt, spaces requests to one host by
    at least :data:`HOST_INTERVAL` seconds (or its Crawl-delay), and retries a timeout, 429 or 5xx
    ``retries`` times after ``backoff``, 2 x ``backoff``, ... seconds. Thread-safe: several threads
    may fetch at once, each host still getting its requests one interval apart.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        interval: float = HOST_INTERVAL,
        retries: int = 2,
        backoff: float = 2.0,
    ) -> None:
        self.fetcher = fetcher
        self.interval = interval
        self.retries = retries
        self.backoff = backoff
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # host -> the earliest time of its next request
        self._delay: dict[str, float] = {}  # host -> its spacing (Crawl-delay)
        self._robots: dict[str, tuple[float, object | None]] = {}  # site -> (read at, Protego or None: all allowed)
        self._robots_locks: dict[str, threading.Lock] = {}
        #: Requests made, by kind ("robots", "feed", "page"...): for the round's report and benchmarks.
        self.requests: dict[str, int] = {}

    def get(
        self, url: str, *, headers: dict[str, str] | None = None, accept: str | None = None, kind: str = "page"
    ) -> Response:
        """GET ``url`` if robots.txt allows it, in the host's turn, retrying what may pass.

        Raises:
            FetchError: robots.txt disallows it, or the fetch failed (after the retries when retryable).
        """
        if not self.allowed(url):
            raise FetchError(f"{url}: robots.txt of {urlsplit(url).netloc} disallows it; left alone", input=url)
        return self._get(url, kind=kind, headers=headers, accept=accept)

    def _get(
        self, url: str, *, kind: str, headers: dict[str, str] | None = None, accept: str | None = None
    ) -> Response:
        attempt = 0
        while True:
            self._wait_turn(url)
            with self._lock:
                self.requests[kind] = self.requests.get(kind, 0) + 1
            try:
                return self.fetcher.get(url, headers=headers, accept=accept)
            except FetchError as error:
                if not error.retry or attempt >= self.retries:
                    raise
                pause = self.backoff * 2**attempt
                log.info("%s; retrying in %.1f s", error, pause)
                time.sleep(pause)
                attempt += 1

    def _wait_turn(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self._delay.get(host, self.interval)
        if slot > now:
            time.sleep(slot - now)

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets Storyline fetch ``url`` (read once per :data:`ROBOTS_TTL`).

        Raises:
            FetchError: robots.txt cannot be read for now (a timeout, a 5xx): try later.
        """
        from protego import Protego

        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(site, threading.Lock())
        with lock:  # one reading of a site's robots.txt, however many threads ask
            cached = self._robots.get(site)
            if cached is None or time.monotonic() - cached[0] > ROBOTS_TTL:
                rules: object | None = None
                try:
                    answer = self._get(f"{site}/robots.txt", kind="robots", accept="text/plain")
                    rules = Protego.parse(answer.body.decode("utf-8", errors="replace"))
                except FetchError as error:
                    if error.retry:  # the site is down: do not take that as leave to crawl it
                        raise
                    # No robots.txt (404, 410, 403): everything is allowed, as for any crawler.
                cached = (time.monotonic(), rules)
                self._robots[site] = cached
                delay = rules.crawl_delay(ROBOTS_AGENT) if rules is not None else None  # type: ignore[attr-defined]
                if delay:
                    with self._lock:
                        self._delay[(parts.hostname or "").lower()] = max(
                            self.interval, min(float(delay), MAX_CRAWL_DELAY)
                        )
        rules = cached[1]
        return rules is None or bool(rules.can_fetch(url, ROBOTS_AGENT))  # type: ignore[attr-defined]
