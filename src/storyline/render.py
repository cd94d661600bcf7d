"""Summary -> text in one of four formats: md, text, json, html. Pure; imports no NLP.

Citation numbers are the articles' positions in ``Summary.articles`` (1-based), so [2] is
always the second source in the list, whichever sentence cites it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any, Literal

from storyline.types import Article, Citation, Summary, SummarySentence

__all__ = ["FORMATS", "Format", "render", "summary_from_dict", "summary_to_dict"]

Format = Literal["md", "text", "json", "html"]


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """The JSON object of a summary (the ``--format json`` schema)."""
    return {
        "summary": summary.text,
        "sentences": [
            {
                "text": sentence.text,
                "citations": [{"article": c.article, "start": c.start, "end": c.end} for c in sentence.citations],
            }
            for sentence in summary.sentences
        ],
        "articles": [
            {
                "id": article.id,
                "source": article.source,
                "title": article.title,
                "published": article.published,
                "url": article.url,
                "text": article.text,
            }
            for article in summary.articles
        ],
        "notes": list(summary.notes),
    }


def summary_from_dict(data: dict[str, Any]) -> Summary:
    """Rebuild a Summary from its JSON object (the inverse of :func:`summary_to_dict`)."""
    sentences = tuple(
        SummarySentence(
            item["text"], tuple(Citation(c["article"], int(c["start"]), int(c["end"])) for c in item["citations"])
        )
        for item in data["sentences"]
    )
    articles = tuple(
        Article(
            id=item["id"],
            text=item["text"],
            source=item["source"],
            title=item.get("title"),
            published=item.get("published"),
            url=item.get("url"),
            origin=item["id"],
        )
        for item in data["articles"]
    )
    return Summary(sentences, articles, tuple(data.get("notes", ())))


def _numbers(summary: Summary) -> dict[str, int]:
    return {article.id: index for index, article in enumerate(summary.articles, start=1)}


def _marks(sentence: SummarySentence, numbers: dict[str, int]) -> list[int]:
    return sorted({numbers[citation.article] for citation in sentence.citations})


def _source_line(article: Article) -> str:
    parts = [article.source]
    if article.title:
        parts.append(f"“{article.title}”")
    if article.published:
        parts.append(article.published[:10])
    if article.url:
        parts.append(article.url)
    return ", ".join(parts)


def render_markdown(summary: Summary) -> str:
    """Markdown: the summary with [n] citation marks, notes, then the numbered source list."""
    numbers = _numbers(summary)
    lines = [
        " ".join(
            sentence.text + "".join(f"[{n}]" for n in _marks(sentence, numbers)) for sentence in summary.sentences
        ),
        "",
    ]
    for note in summary.notes:
        lines.append(f"> {note}")
    if summary.notes:
        lines.append("")
    lines.append("## Sources")
    lines.append("")
    for article in summary.articles:
        lines.append(f"{numbers[article.id]}. {_source_line(article)}")
    return "\n".join(lines) + "\n"


def render_text(summary: Summary) -> str:
    """Plain text: one sentence a line with its citation marks, then the sources."""
    numbers = _numbers(summary)
    lines = [
        sentence.text + " " + "".join(f"[{n}]" for n in _marks(sentence, numbers)) for sentence in summary.sentences
    ]
    lines.extend(["", *summary.notes, "Sources:"] if summary.notes else ["", "Sources:"])
    lines.extend(f"[{numbers[article.id]}] {_source_line(article)}" for article in summary.articles)
    return "\n".join(lines) + "\n"


def render_json(summary: Summary) -> str:
    """JSON, indented, UTF-8 characters kept as they are."""
    return json.dumps(summary_to_dict(summary), ensure_ascii=False, indent=2) + "\n"


_STYLE = """
body{font:17px/1.55 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
h1{font:600 1.4em system-ui,sans-serif}h2{font:600 1.1em system-ui,sans-serif;margin-top:2em}
.summary p{margin:.4em 0}
.cite{font:600 .7em system-ui,sans-serif;vertical-align:super;text-decoration:none;margin-left:1px}
.note{background:#fff7dd;padding:.4em .8em;border-left:3px solid #e0b400}
.article{border-top:1px solid #ddd;padding-top:.5em}.article p{white-space:pre-wrap}
mark{background:#e8f0fe}mark:target,mark.on{background:#ffd54f}
.meta{color:#666;font:.85em system-ui,sans-serif}
"""

_SCRIPT = """
document.querySelectorAll('a.cite').forEach(function(a){a.addEventListener('click',function(){
document.querySelectorAll('mark.on').forEach(function(m){m.classList.remove('on')});
(a.dataset.spans||'').split(' ').forEach(function(id){
var m=document.getElementById(id);if(m){m.classList.add('on')}});});});
"""


def render_html(summary: Summary) -> str:
    """One self-contained HTML page: the summary, its citations linked to highlighted source spans."""
    numbers = _numbers(summary)
    spans: dict[str, list[tuple[int, int, str]]] = {article.id: [] for article in summary.articles}
    # A source span cited by several summary sentences is marked once; every link to it uses
    # that one mark's id (a second id would name no element: a dead link).
    span_ids: dict[tuple[str, int, int], str] = {}
    paragraphs = []
    for position, sentence in enumerate(summary.sentences):
        links = []
        for number in _marks(sentence, numbers):
            article_id = summary.articles[number - 1].id
            ids = []
            for index, citation in enumerate(sentence.citations):
                if citation.article == article_id:
                    key = (article_id, citation.start, citation.end)
                    if key not in span_ids:
                        span_ids[key] = f"s{position}-c{index}"
                        spans[article_id].append((citation.start, citation.end, span_ids[key]))
                    ids.append(span_ids[key])
            links.append(f'<a class="cite" href="#{ids[0]}" data-spans="{" ".join(ids)}">[{number}]</a>')
        paragraphs.append(f"<span>{html.escape(sentence.text)}</span>{''.join(links)}")
    notes = "".join(f'<p class="note">{html.escape(note)}</p>' for note in summary.notes)
    articles = "".join(_article_html(article, numbers[article.id], spans[article.id]) for article in summary.articles)
    title = html.escape(summary.articles[0].title or "Storyline summary") if summary.articles else "Storyline summary"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}</title><style>{_STYLE}</style></head>'
        f'<body><h1>{title}</h1><div class="summary"><p>{" ".join(paragraphs)}</p></div>{notes}'
        f"<h2>Sources</h2>{articles}<script>{_SCRIPT}</script></body></html>\n"
    )


def _article_html(article: Article, number: int, spans: list[tuple[int, int, str]]) -> str:
    text = article.text
    pieces: list[str] = []
    position = 0
    # Identical spans arrive once (render_html reuses their id); a span that only partly
    # overlaps an earlier one is left unmarked, since marks cannot nest across each other.
    for start, end, span_id in sorted(spans):
        if start < position:
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<mark id="{span_id}">{html.escape(text[start:end])}</mark>')
        position = end
    pieces.append(html.escape(text[position:]))
    meta = html.escape(", ".join(part for part in (article.published, article.url) if part))
    link = f' <a href="{html.escape(article.url)}">link</a>' if article.url else ""
    return (
        f'<div class="article" id="article-{number}"><h3>[{number}] {html.escape(article.source)}'
        f"{': ' + html.escape(article.title) if article.title else ''}</h3>"
        f'<div class="meta">{meta}{link}</div><p>{"".join(pieces)}</p></div>'
    )


FORMATS: dict[str, Callable[[Summary], str]] = {
    "md": render_markdown,
    "text": render_text,
    "json": render_json,
    "html": render_html,
}


def render(summary: Summary, format: Format = "md") -> str:  # noqa: A002 - the CLI flag's name
    """Render a summary as ``md``, ``text``, ``json`` or ``html``."""
    try:
        return FORMATS[format](summary)
    except KeyError:
        raise ValueError(f"unknown format '{format}'; choose one of {', '.join(FORMATS)}") from None
