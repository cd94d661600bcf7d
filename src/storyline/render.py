"""Summary (or Comparison) -> text in one of four formats: md, text, json, html. Pure; imports no NLP.

Citation numbers are the articles' positions in ``Summary.articles`` (1-based), so [2] is
always the second source in the list, whichever sentence cites it. A summary with a
comparison shows it under the summary (JSON: under "comparison"); a Comparison on its own
renders as the comparison and the sources.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any, Literal

from storyline.types import (
    Article,
    Citation,
    Claim,
    Comparison,
    Contradiction,
    Quote,
    Summary,
    SummarySentence,
    TimelineEvent,
)

__all__ = [
    "FORMATS",
    "Format",
    "comparison_from_dict",
    "comparison_to_dict",
    "render",
    "summary_from_dict",
    "summary_to_dict",
]

Format = Literal["md", "text", "json", "html"]


def _span(citation: Citation) -> dict[str, Any]:
    return {"article": citation.article, "start": citation.start, "end": citation.end}


def _article_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "published": article.published,
        "url": article.url,
        "text": article.text,
    }


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """The JSON object of a summary (the ``--format json`` schema); "comparison" only when it has one."""
    data: dict[str, Any] = {
        "summary": summary.text,
        "sentences": [
            {"text": sentence.text, "citations": [_span(c) for c in sentence.citations]}
            for sentence in summary.sentences
        ],
        "articles": [_article_dict(article) for article in summary.articles],
        "notes": list(summary.notes),
    }
    if summary.comparison is not None:
        data["comparison"] = comparison_to_dict(summary.comparison)
    return data


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON object of a comparison: agreements, single_source, contradictions, quotes, timeline.

    Every span is ``{"article", "start", "end"}``, offsets into the articles' texts (which are
    listed beside it, under "articles").
    """
    return {
        "agreements": [{"text": c.text, "support": [_span(s) for s in c.support]} for c in comparison.agreements],
        "single_source": [{"text": c.text, "support": [_span(s) for s in c.support]} for c in comparison.single_source],
        "contradictions": [
            {
                "kind": c.kind,
                "explanation": c.explanation,
                "confidence": c.confidence,
                "spans": [_span(s) for s in c.spans],
            }
            for c in comparison.contradictions
        ],
        "quotes": [
            {"speaker": q.speaker, "text": q.text, "support": [_span(s) for s in q.support]} for q in comparison.quotes
        ],
        "timeline": [
            {"date": e.date, "text": e.text, "support": [_span(s) for s in e.support]} for e in comparison.timeline
        ],
    }


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(item["article"], int(item["start"]), int(item["end"])) for item in items)


def comparison_from_dict(data: dict[str, Any], articles: tuple[Article, ...]) -> Comparison:
    """Rebuild a Comparison from its JSON object and the articles its spans point into."""
    return Comparison(
        articles=articles,
        agreements=tuple(Claim(item["text"], _citations(item["support"])) for item in data.get("agreements", ())),
        single_source=tuple(Claim(item["text"], _citations(item["support"])) for item in data.get("single_source", ())),
        contradictions=tuple(
            # A comparison stored before contradictions were judged holds only what the rules
            # reported, all of which was shown: read it as fully confident.
            Contradiction(
                item["kind"], item["explanation"], _citations(item["spans"]), float(item.get("confidence", 1.0))
            )
            for item in data.get("contradictions", ())
        ),
        quotes=tuple(
            Quote(item.get("speaker"), item["text"], _citations(item["support"])) for item in data.get("quotes", ())
        ),
        timeline=tuple(
            TimelineEvent(item["date"], item["text"], _citations(item["support"])) for item in data.get("timeline", ())
        ),
    )


def summary_from_dict(data: dict[str, Any]) -> Summary:
    """Rebuild a Summary from its JSON object (the inverse of :func:`summary_to_dict`)."""
    sentences = tuple(SummarySentence(item["text"], _citations(item["citations"])) for item in data["sentences"])
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
    comparison = comparison_from_dict(data["comparison"], articles) if data.get("comparison") is not None else None
    return Summary(sentences, articles, tuple(data.get("notes", ())), comparison)


def _numbers(articles: tuple[Article, ...]) -> dict[str, int]:
    return {article.id: index for index, article in enumerate(articles, start=1)}


def _marks(citations: tuple[Citation, ...], numbers: dict[str, int]) -> list[int]:
    return sorted({numbers[citation.article] for citation in citations if citation.article in numbers})


def _mark_text(citations: tuple[Citation, ...], numbers: dict[str, int]) -> str:
    return "".join(f"[{n}]" for n in _marks(citations, numbers))


def _source_line(article: Article) -> str:
    parts = [article.source]
    if article.title:
        parts.append(f"“{article.title}”")
    if article.published:
        parts.append(article.published[:10])
    if article.url:
        parts.append(article.url)
    return ", ".join(parts)


#: Section titles of a comparison, in the order they are shown.
SECTIONS = (
    ("agreements", "Agreed by several sources"),
    ("single_source", "Reported by one source only"),
    ("contradictions", "Where the sources differ"),
    ("quotes", "Quotes"),
    ("timeline", "Timeline"),
)


def _item_lines(comparison: Comparison, section: str) -> list[tuple[str, tuple[Citation, ...]]]:
    """One section's items as (plain text, citations)."""
    if section == "agreements":
        return [(claim.text, claim.support) for claim in comparison.agreements]
    if section == "single_source":
        return [(claim.text, claim.support) for claim in comparison.single_source]
    if section == "contradictions":
        return [
            (f"{c.kind} (confidence {c.confidence:.2f}): {c.explanation}", c.spans) for c in comparison.contradictions
        ]
    if section == "quotes":
        return [(f"{q.speaker or 'unnamed'}: “{q.text}”", q.support) for q in comparison.quotes]
    return [(f"{event.date}: {event.text}", event.support) for event in comparison.timeline]


def _comparison_markdown(comparison: Comparison, numbers: dict[str, int], level: str) -> list[str]:
    lines: list[str] = []
    for section, title in SECTIONS:
        items = _item_lines(comparison, section)
        if not items and section != "contradictions":
            continue
        lines.extend([f"{level} {title}", ""])
        lines.extend(f"- {text} {_mark_text(citations, numbers)}".rstrip() for text, citations in items)
        if not items:
            lines.append("None found.")
        lines.append("")
    return lines


def render_markdown(summary: Summary) -> str:
    """Markdown: the summary with [n] citation marks, notes, the comparison if any, then the sources."""
    numbers = _numbers(summary.articles)
    lines = [
        " ".join(sentence.text + _mark_text(sentence.citations, numbers) for sentence in summary.sentences),
        "",
    ]
    for note in summary.notes:
        lines.append(f"> {note}")
    if summary.notes:
        lines.append("")
    if summary.comparison is not None:
        lines.extend(["## Comparison", ""])
        lines.extend(_comparison_markdown(summary.comparison, numbers, "###"))
    lines.append("## Sources")
    lines.append("")
    for article in summary.articles:
        lines.append(f"{numbers[article.id]}. {_source_line(article)}")
    return "\n".join(lines) + "\n"


def _comparison_text(comparison: Comparison, numbers: dict[str, int]) -> list[str]:
    lines: list[str] = []
    for section, title in SECTIONS:
        items = _item_lines(comparison, section)
        if not items and section != "contradictions":
            continue
        lines.append(f"{title}:")
        lines.extend(f"- {text} {_mark_text(citations, numbers)}".rstrip() for text, citations in items)
        if not items:
            lines.append("None found.")
        lines.append("")
    return lines


def render_text(summary: Summary) -> str:
    """Plain text: one sentence a line with its citation marks, the comparison if any, then the sources."""
    numbers = _numbers(summary.articles)
    lines = [sentence.text + " " + _mark_text(sentence.citations, numbers) for sentence in summary.sentences]
    lines.extend(["", *summary.notes] if summary.notes else [""])
    if summary.comparison is not None:
        lines.extend(_comparison_text(summary.comparison, numbers))
    lines.append("Sources:")
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
h3{font:600 1em system-ui,sans-serif;margin-top:1.2em}.comparison li{margin:.3em 0}
.kind{font:600 .75em system-ui,sans-serif;text-transform:uppercase;color:#8a5a00}
.confidence{font:600 .75em system-ui,sans-serif;color:#555}
"""

_SCRIPT = """
document.querySelectorAll('a.cite').forEach(function(a){a.addEventListener('click',function(){
document.querySelectorAll('mark.on').forEach(function(m){m.classList.remove('on')});
(a.dataset.spans||'').split(' ').forEach(function(id){
var m=document.getElementById(id);if(m){m.classList.add('on')}});});});
"""


class _Marks:
    """The source spans an HTML page marks, each once, and the ids its links point at.

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
    for number in _marks(citations, numbers):
        article_id = next(a for a, n in numbers.items() if n == number)
        ids = [
            marks.add(citation, f"{prefix}-c{index}")
            for index, citation in enumerate(citations)
            if citation.article == article_id
        ]
        links.append((number, ids))
    return links


def _links_html(marks: _Marks, links: list[tuple[int, list[str]]]) -> str:
    parts = []
    for number, ids in links:
        targets = list(dict.fromkeys(marks.target(span_id) for span_id in ids))
        parts.append(f'<a class="cite" href="#{targets[0]}" data-spans="{" ".join(targets)}">[{number}]</a>')
    return "".join(parts)


def _comparison_items(
    comparison: Comparison, marks: _Marks, numbers: dict[str, int]
) -> list[tuple[str, str, list[tuple[str, list[tuple[int, list[str]]]]]]]:
    """Per section: its name, title and items (inner HTML, links), citations registered."""
    sections = []
    for position, (section, title) in enumerate(SECTIONS):
        items: list[tuple[str, list[tuple[int, list[str]]]]] = []
        entries: list[tuple[str, tuple[Citation, ...]]]
        if section in ("agreements", "single_source"):
            claims = comparison.agreements if section == "agreements" else comparison.single_source
            entries = [(html.escape(claim.text), claim.support) for claim in claims]
        elif section == "contradictions":
            entries = [
                (
                    f'<span class="kind">{html.escape(c.kind)}</span> '
                    f'<span class="confidence" title="the judge\'s confidence">confidence {c.confidence:.2f}</span> '
                    f"{html.escape(c.explanation)}",
                    c.spans,
                )
                for c in comparison.contradictions
            ]
        elif section == "quotes":
            entries = [
                (f"<b>{html.escape(q.speaker or 'unnamed')}</b>: “{html.escape(q.text)}”", q.support)
                for q in comparison.quotes
            ]
        else:
            entries = [
                (f"<time>{html.escape(e.date)}</time> {html.escape(e.text)}", e.support) for e in comparison.timeline
            ]
        for index, (inner, citations) in enumerate(entries):
            items.append((inner, _register(marks, citations, numbers, f"k{position}-{index}")))
        sections.append((section, title, items))
    return sections


def _comparison_html(
    sections: list[tuple[str, str, list[tuple[str, list[tuple[int, list[str]]]]]]], marks: _Marks, heading: str
) -> str:
    parts = []
    for section, title, items in sections:
        if not items and section != "contradictions":
            continue
        body = "".join(f"<li>{inner}{_links_html(marks, links)}</li>" for inner, links in items)
        parts.append(f"<{heading}>{html.escape(title)}</{heading}>")
        parts.append(f"<ul>{body}</ul>" if items else "<p>None found.</p>")
    return f'<div class="comparison">{"".join(parts)}</div>'


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{title}</title><style>{_STYLE}</style></head>'
        f"<body><h1>{title}</h1>{body}<script>{_SCRIPT}</script></body></html>\n"
    )


def render_html(summary: Summary) -> str:
    """One self-contained HTML page: the summary (and comparison), citations linked to highlighted spans."""
    numbers = _numbers(summary.articles)
    marks = _Marks(summary.articles)
    sentence_links = [
        _register(marks, sentence.citations, numbers, f"s{position}")
        for position, sentence in enumerate(summary.sentences)
    ]
    sections = _comparison_items(summary.comparison, marks, numbers) if summary.comparison is not None else []
    kept = marks.settle()
    paragraphs = [
        f"<span>{html.escape(sentence.text)}</span>{_links_html(marks, links)}"
        for sentence, links in zip(summary.sentences, sentence_links, strict=True)
    ]
    notes = "".join(f'<p class="note">{html.escape(note)}</p>' for note in summary.notes)
    comparison = f"<h2>Comparison</h2>{_comparison_html(sections, marks, 'h3')}" if sections else ""
    articles = "".join(_article_html(article, numbers[article.id], kept[article.id]) for article in summary.articles)
    title = html.escape(summary.articles[0].title or "Storyline summary") if summary.articles else "Storyline summary"
    return _page(
        title, f'<div class="summary"><p>{" ".join(paragraphs)}</p></div>{notes}{comparison}<h2>Sources</h2>{articles}'
    )


def render_comparison_html(comparison: Comparison) -> str:
    """One self-contained HTML page: the comparison, its citations linked to highlighted spans."""
    numbers = _numbers(comparison.articles)
    marks = _Marks(comparison.articles)
    sections = _comparison_items(comparison, marks, numbers)
    kept = marks.settle()
    articles = "".join(_article_html(article, numbers[article.id], kept[article.id]) for article in comparison.articles)
    first = comparison.articles[0].title if comparison.articles else None
    title = html.escape(f"How the sources compare: {first}" if first else "How the sources compare")
    return _page(title, f"{_comparison_html(sections, marks, 'h2')}<h2>Sources</h2>{articles}")


def _article_html(article: Article, number: int, spans: list[tuple[int, int, str]]) -> str:
    text = article.text
    pieces: list[str] = []
    position = 0
    for start, end, span_id in spans:  # settled: sorted, no overlaps
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


def render_comparison_markdown(comparison: Comparison) -> str:
    """Markdown: the comparison's sections with [n] citation marks, then the numbered sources."""
    numbers = _numbers(comparison.articles)
    lines = _comparison_markdown(comparison, numbers, "##")
    lines.extend(["## Sources", ""])
    lines.extend(f"{numbers[article.id]}. {_source_line(article)}" for article in comparison.articles)
    return "\n".join(lines) + "\n"


def render_comparison_text(comparison: Comparison) -> str:
    """Plain text: the comparison's sections with [n] citation marks, then the sources."""
    numbers = _numbers(comparison.articles)
    lines = _comparison_text(comparison, numbers)
    lines.append("Sources:")
    lines.extend(f"[{numbers[article.id]}] {_source_line(article)}" for article in comparison.articles)
    return "\n".join(lines) + "\n"


def render_comparison_json(comparison: Comparison) -> str:
    """JSON: {"comparison": {...}, "articles": [...]}, the same objects as in a summary's JSON."""
    data = {
        "comparison": comparison_to_dict(comparison),
        "articles": [_article_dict(article) for article in comparison.articles],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[Summary], str]] = {
    "md": render_markdown,
    "text": render_text,
    "json": render_json,
    "html": render_html,
}
COMPARISON_FORMATS: dict[str, Callable[[Comparison], str]] = {
    "md": render_comparison_markdown,
    "text": render_comparison_text,
    "json": render_comparison_json,
    "html": render_comparison_html,
}


def render(result: Summary | Comparison, format: Format = "md") -> str:  # noqa: A002 - the CLI flag's name
    """Render a summary (or a comparison on its own) as ``md``, ``text``, ``json`` or ``html``."""
    formats: dict[str, Callable[[Any], str]] = FORMATS if isinstance(result, Summary) else COMPARISON_FORMATS
    try:
        renderer = formats[format]
    except KeyError:
        raise ValueError(f"unknown format '{format}'; choose one of {', '.join(formats)}") from None
    return renderer(result)
