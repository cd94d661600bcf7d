"""A local news site for the tests of fetching and feeds: articles put into a news-page template (navigation,
share buttons, a footer), and their feeds as RSS 2.0, Atom and JSON Feed.

The articles are the project's own example story (examples/harbor-bridge), so nothing third-party is
served; benchmarks/watch.py builds its site from DUC 2004 the same way.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from tests.conftest import EXAMPLE


@dataclass(frozen=True, slots=True)
class Story:
    """One article of the site: where it is served, its outlet and its words."""

    path: str  # "/ledger/kestrel-bridge"
    outlet: str | None  # og:site_name; None leaves the page without one (outlet from the domain)
    title: str
    published: str  # ISO date
    text: str
    canonical: str | None = None  # the canonical link, when the page has one


def news_page(story: Story) -> str:
    """The article as a news site's page: masthead, navigation, share buttons, the article, related links, footer."""
    paragraphs = "\n".join(f"      <p>{html.escape(p.strip())}</p>" for p in story.text.split("\n\n") if p.strip())
    site = f'<meta property="og:site_name" content="{html.escape(story.outlet)}">' if story.outlet else ""
    canonical = f'<link rel="canonical" href="{html.escape(story.canonical)}">' if story.canonical else ""
    # A page of no outlet names none anywhere (title, masthead, copyright line): then only its address can.
    name = html.escape(story.outlet) if story.outlet else ""
    title = f"{html.escape(story.title)} | {name}" if name else html.escape(story.title)
    rights = f"© 2026 {name}." if name else "© 2026."
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  {site}
  <meta property="og:title" content="{html.escape(story.title)}">
  <meta property="article:published_time" content="{story.published}T08:00:00Z">
  {canonical}
</head>
<body>
  <header><a href="/">{name or "Home"}</a>
    <nav><ul><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
  </header>
  <main>
    <article>
      <h1>{html.escape(story.title)}</h1>
      <div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
      <time datetime="{story.published}">{story.published}</time>
{paragraphs}
    </article>
    <aside><h2>Most read</h2><ul><li><a href="/a">Council approves budget</a></li>
    <li><a href="/b">Weekend weather: rain</a></li></ul></aside>
  </main>
  <footer><p>{rights} All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body>
</html>
"""


def harbor_stories() -> list[Story]:
    """The three harbor-bridge articles that are text or records, as pages of three outlets."""
    ledger = (EXAMPLE / "port-wendell-ledger.txt").read_text(encoding="utf-8")
    courier = (EXAMPLE / "saltmarsh-courier.txt").read_text(encoding="utf-8")
    wire = json.loads((EXAMPLE / "fenmore-press-agency.json").read_text(encoding="utf-8"))
    return [
        Story("/ledger/bridge-closed", "Port Wendell Ledger", ledger.split("\n", 1)[0], "2026-03-11", _body(ledger)),
        Story("/courier/bridge", "Saltmarsh Courier", courier.split("\n", 1)[0], "2026-03-11", _body(courier)),
        Story("/wire/ship-hits-bridge", "Fenmore Press Agency", wire["title"], "2026-03-10", wire["text"]),
    ]


def _body(text: str) -> str:
    """A text file's article without its headline line."""
    return text.split("\n", 1)[1].strip()


def observer_page() -> str:
    """The example story's saved web page as it is (its own site name, canonical link and date)."""
    return (EXAMPLE / "calder-coast-observer.html").read_text(encoding="utf-8")


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, ISO date) items."""
    entries = "\n".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(link)}</link><guid>{html.escape(link)}</guid>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(day + 'T08:00:00+00:00'))}</pubDate></item>"
        for t, link, day in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>'
        f"<link>http://example.invalid/</link><description>news</description>{entries}</channel></rss>"
    )


def atom(title: str, items: list[tuple[str, str, str]]) -> str:
    """An Atom feed of (title, link, ISO date) items."""
    entries = "\n".join(
        f'<entry><title>{html.escape(t)}</title><link href="{html.escape(link)}"/><id>{html.escape(link)}</id>'
        f"<updated>{day}T08:00:00Z</updated></entry>"
        for t, link, day in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(title)}</title><id>urn:feed:{html.escape(title)}</id>"
        f"<updated>2026-03-12T00:00:00Z</updated>{entries}</feed>"
    )


def json_feed(title: str, items: list[tuple[str, str, str]]) -> str:
    """A JSON Feed (version 1.1) of (title, link, ISO date) items."""
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {"id": link, "url": link, "title": t, "date_published": f"{day}T08:00:00Z"} for t, link, day in items
            ],
        }
    )


__all__ = ["Story", "atom", "harbor_stories", "json_feed", "news_page", "observer_page", "rss"]
