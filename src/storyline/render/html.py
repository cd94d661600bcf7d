"""HTML pages from Jinja2 templates (render/templates), autoescaped: every text stays text.

One set of templates serves ``--format html`` (a self-contained page of a summary or a comparison)
and the web app's pages (the list of stories and a story page). Python works out what the
templates cannot: which source spans to mark (each once, none overlapping) and where each citation
links (:class:`View`); the templates only lay it out. Links go to http(s) addresses only
(:func:`storyline.records.web_url`). Every page carries a Content-Security-Policy (:func:`policy`)
that lets only its own style sheets and scripts (:data:`ASSETS`, inlined, allowed by their hashes) run.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from storyline.records import web_url
from storyline.render.markdown import SECTIONS, cited_numbers
from storyline.types import Article, Citation, Claim, Comparison, Contradiction, Quote, Summary, TimelineEvent

__all__ = ["ASSETS", "Links", "View", "page", "policy", "render_comparison_html", "render_html", "view"]

Item = Claim | Contradiction | Quote | TimelineEvent

#: The pages' own style sheets and scripts (render/templates), inlined into the pages that use them.
ASSETS = ("pages.css", "summary.css", "summary.js", "pages.js")


#: A citation mark per cited source: its number, and the ids of the marks it highlights (the first is its anchor).
Links = tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class View:
    """What a page shows of a summary or a comparison, with every citation resolved to its marks.

    ``sentences``: (text, links) per summary sentence; ``sections``: (name as in the JSON, title,
    items) per comparison section, each item (the Claim, Contradiction, Quote or TimelineEvent,
    links); ``sources``: (number, article, its text cut into (text, mark id or None) pieces);
    ``contradictions``: each with its first two sides as (outlet, sentence), for the story page.
    """

    sentences: tuple[tuple[str, Links], ...]
    notes: tuple[str, ...]
    sections: tuple[tuple[str, str, tuple[tuple[Item, Links], ...]], ...]  # empty without a comparison
    sources: tuple[tuple[int, Article, tuple[tuple[str, str | None], ...]], ...]
    contradictions: tuple[tuple[Contradiction, tuple[tuple[str, str], ...]], ...]


class _Marks:
    """The source spans a page marks, each once, and the ids its links point at.

    A span cited twice is marked once and both links use that mark's id. A span that overlaps
    an earlier mark (a quotation inside a cited sentence) cannot be marked too, since marks do
    not nest across each other: links to it point at the mark that holds it, so none is dead.
    """

    def __init__(self, articles: tuple[Article, ...]) -> None:
        self.spans: dict[str, list[tuple[int, int, str]]] = {article.id: [] for article in articles}
        self.ids: dict[tuple[str, int, int], str] = {}
        self.alias: dict[str, str] = {}

    def add(self, citation: Citation, proposed: str) -> str:
        key = (citation.article, citation.start, citation.end)
        if key not in self.ids and citation.article in self.spans:
            self.ids[key] = proposed
            self.spans[citation.article].append((citation.start, citation.end, proposed))
        return self.ids.get(key, proposed)

    def settle(self) -> dict[str, list[tuple[int, int, str]]]:
        """The marks of every article (no overlaps); records where skipped spans' links go."""
        kept: dict[str, list[tuple[int, int, str]]] = {}
        for article_id, spans in self.spans.items():
            marks: list[tuple[int, int, str]] = []
            position = 0
            for start, end, span_id in sorted(spans):
                if start < position:
                    holder = next((m for m in marks if m[0] < end and start < m[1]), marks[-1])
                    self.alias[span_id] = holder[2]
                    continue
                marks.append((start, end, span_id))
                position = end
            kept[article_id] = marks
        return kept

    def target(self, span_id: str) -> str:
        return self.alias.get(span_id, span_id)


def _register(
    marks: _Marks, citations: tuple[Citation, ...], numbers: dict[str, int], prefix: str
) -> list[tuple[int, list[str]]]:
    """Register an item's citations; returns, per cited source number, the span ids to link."""
    links = []
    for number in cited_numbers(citations, numbers):
        article_id = next(a for a, n in numbers.items() if n == number)
        ids = [
            marks.add(citation, f"{prefix}-c{index}")
            for index, citation in enumerate(citations)
            if citation.article == article_id
        ]
        links.append((number, ids))
    return links


def _links(marks: _Marks, registered: list[tuple[int, list[str]]]) -> Links:
    """The registered citations as links, once the marks are settled (skipped spans point at their holder)."""
    return tuple((number, tuple(dict.fromkeys(marks.target(span_id) for span_id in ids))) for number, ids in registered)


def _entries(comparison: Comparison, section: str) -> list[tuple[Item, tuple[Citation, ...]]]:
    """A comparison section's items with the citations each carries."""
    if section == "agreements":
        return [(claim, claim.support) for claim in comparison.agreements]
    if section == "single_source":
        return [(claim, claim.support) for claim in comparison.single_source]
    if section == "contradictions":
        return [(contradiction, contradiction.spans) for contradiction in comparison.contradictions]
    if section == "quotes":
        return [(quote, quote.support) for quote in comparison.quotes]
    return [(event, event.support) for event in comparison.timeline]


def _pieces(text: str, spans: list[tuple[int, int, str]]) -> tuple[tuple[str, str | None], ...]:
    """The text cut at its marks (settled: sorted, no overlaps): (text, mark id or None) pieces."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for start, end, span_id in spans:
        pieces.append((text[position:start], None))
        pieces.append((text[start:end], span_id))
        position = end
    pieces.append((text[position:], None))
    return tuple(pieces)


def view(summary: Summary | None, comparison: Comparison | None = None, *, articles: Sequence[Article] = ()) -> View:
    """What a page shows of a summary (with its comparison, if any), of a comparison on its own, or,
    with neither, of ``articles`` alone (a story whose summary is being made)."""
    if summary is not None:
        comparison = summary.comparison
    if summary is not None:
        articles = summary.articles
    elif comparison is not None:
        articles = comparison.articles
    articles = tuple(articles)
    numbers = {article.id: index for index, article in enumerate(articles, start=1)}
    marks = _Marks(articles)
    sentences = summary.sentences if summary is not None else ()
    sentence_links = [
        _register(marks, sentence.citations, numbers, f"s{position}") for position, sentence in enumerate(sentences)
    ]
    sections: list[tuple[str, str, list[tuple[Any, list[tuple[int, list[str]]]]]]] = []
    if comparison is not None:
        for position, (name, title) in enumerate(SECTIONS):
            items = [
                (entry, _register(marks, citations, numbers, f"k{position}-{index}"))
                for index, (entry, citations) in enumerate(_entries(comparison, name))
            ]
            sections.append((name, title, items))
    kept = marks.settle()
    texts = {article.id: article for article in articles}
    contradictions = comparison.contradictions if comparison is not None and summary is not None else ()
    return View(
        sentences=tuple(
            (sentence.text, _links(marks, registered))
            for sentence, registered in zip(sentences, sentence_links, strict=True)
        ),
        notes=summary.notes if summary is not None else (),
        sections=tuple(
            (name, title, tuple((entry, _links(marks, registered)) for entry, registered in items))
            for name, title, items in sections
        ),
        sources=tuple((numbers[article.id], article, _pieces(article.text, kept[article.id])) for article in articles),
        contradictions=tuple(
            (
                contradiction,
                tuple(
                    (texts[span.article].source, texts[span.article].text[span.start : span.end])
                    if span.article in texts
                    else (span.article, "")
                    for span in contradiction.spans[:2]
                ),
            )
            for contradiction in contradictions
        ),
    )


def _day_range(story: Any) -> str:
    """A story's first and last day ("2026-03-10", or "2026-03-10 – 2026-03-12")."""
    first, last = str(story.first_seen)[:10], str(story.last_seen)[:10]
    return first if first == last else f"{first} – {last}"


def _is_web_address(url: object) -> bool:
    return web_url(url) is not None


@functools.cache
def _asset(name: str) -> str:
    """One of :data:`ASSETS`, as a page holds it (so its hash in the policy is the hash of what runs)."""
    loader = _environment().loader
    assert loader is not None
    return loader.get_source(_environment(), name)[0]


def _inline(name: str) -> Markup:
    if name not in ASSETS:
        raise ValueError(f"{name} is not one of the pages' assets {ASSETS}")
    return Markup(_asset(name))


@functools.cache
def policy(*, header: bool = False, served: bool = False) -> str:
    """The Content-Security-Policy of every page: nothing loads from anywhere, and only the pages' own
    inline style sheets and scripts run, named by their SHA-256 hashes.

    Args:
        header: the policy as an HTTP header (the web app's), which adds ``frame-ancestors 'none'``: no
            other site may frame a page. Browsers ignore that directive in a page's ``<meta>`` policy,
            the only kind a saved ``--format html`` file can carry. A header is always ``served``.
        served: the policy of a page the web app serves, which may also run the app's own script file
            (/static/live.js) and ask the app, and only the app, for new articles (``'self'``).
    """
    served = served or header

    def hashes(suffix: str) -> str:
        return " ".join(
            f"'sha256-{base64.b64encode(hashlib.sha256(_asset(name).encode()).digest()).decode()}'"
            for name in ASSETS
            if name.endswith(suffix)
        )

    directives = [
        "default-src 'none'",
        f"script-src {hashes('.js')}" + (" 'self'" if served else ""),
        f"style-src {hashes('.css')}",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if served:
        directives.append("connect-src 'self'")
    if header:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("storyline.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["day_range"] = _day_range
    environment.tests["web_address"] = _is_web_address
    environment.globals["inline"] = _inline
    return environment


def page(template: str, *, served: bool = False, **context: Any) -> str:
    """A page from one of the templates (render/templates/*.html), its values escaped; ``served``: a page
    of the web app (its policy lets it run the app's script file and poll the app, see :func:`policy`)."""
    return _environment().get_template(template).render(policy=policy(served=served), **context)


def render_html(summary: Summary) -> str:
    """One self-contained HTML page: the summary (and comparison), citations linked to highlighted spans."""
    title = summary.articles[0].title if summary.articles else None
    return page("summary.html", title=title or "Storyline summary", view=view(summary))


def render_comparison_html(comparison: Comparison) -> str:
    """One self-contained HTML page: the comparison, its citations linked to highlighted spans."""
    first = comparison.articles[0].title if comparison.articles else None
    title = f"How the sources compare: {first}" if first else "How the sources compare"
    return page("comparison.html", title=title, view=view(None, comparison))
