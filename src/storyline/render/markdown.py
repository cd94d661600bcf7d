"""Summary (or Comparison) -> Markdown or plain text: the summary with [n] citation marks, then the sources.

Citation numbers are the articles' positions in ``Summary.articles`` (1-based), so [2] is
always the second source in the list, whichever sentence cites it. A summary with a
comparison shows it under the summary; a Comparison on its own renders as the comparison
and the sources. Pure; imports no NLP.
"""

from __future__ import annotations

from collections.abc import Callable

from storyline.types import Article, Citation, Comparison, Summary

__all__ = [
    "SECTIONS",
    "cited_numbers",
    "render_comparison_markdown",
    "render_comparison_text",
    "render_markdown",
    "render_text",
]


def _numbers(articles: tuple[Article, ...]) -> dict[str, int]:
    return {article.id: index for index, article in enumerate(articles, start=1)}


def cited_numbers(citations: tuple[Citation, ...], numbers: dict[str, int]) -> list[int]:
    """The numbers of the sources ``citations`` cite, in order, each once."""
    return sorted({numbers[citation.article] for citation in citations if citation.article in numbers})


def _mark_text(citations: tuple[Citation, ...], numbers: dict[str, int]) -> str:
    return "".join(f"[{n}]" for n in cited_numbers(citations, numbers))


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
        return [(f"{c.kind}: {c.explanation}", c.spans) for c in comparison.contradictions]
    if section == "quotes":
        return [(f"{q.speaker or 'unnamed'}: “{q.text}”", q.support) for q in comparison.quotes]
    return [(f"{event.date}: {event.text}", event.support) for event in comparison.timeline]


Heading = Callable[[str], list[str]]


def _comparison_lines(comparison: Comparison, numbers: dict[str, int], heading: Heading) -> list[str]:
    """The comparison's sections, each under ``heading(title)``; an empty one is left out, but for
    the contradictions, whose absence is said."""
    lines: list[str] = []
    for section, title in SECTIONS:
        items = _item_lines(comparison, section)
        if not items and section != "contradictions":
            continue
        lines.extend(heading(title))
        lines.extend(f"- {text} {_mark_text(citations, numbers)}".rstrip() for text, citations in items)
        if not items:
            lines.append("None found.")
        lines.append("")
    return lines


def _markdown_heading(level: str) -> Heading:
    return lambda title: [f"{level} {title}", ""]


def _text_heading(title: str) -> list[str]:
    return [f"{title}:"]


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
        lines.extend(_comparison_lines(summary.comparison, numbers, _markdown_heading("###")))
    lines.append("## Sources")
    lines.append("")
    for article in summary.articles:
        lines.append(f"{numbers[article.id]}. {_source_line(article)}")
    return "\n".join(lines) + "\n"


def render_text(summary: Summary) -> str:
    """Plain text: one sentence a line with its citation marks, the comparison if any, then the sources."""
    numbers = _numbers(summary.articles)
    lines = [sentence.text + " " + _mark_text(sentence.citations, numbers) for sentence in summary.sentences]
    lines.extend(["", *summary.notes] if summary.notes else [""])
    if summary.comparison is not None:
        lines.extend(_comparison_lines(summary.comparison, numbers, _text_heading))
    lines.append("Sources:")
    lines.extend(f"[{numbers[article.id]}] {_source_line(article)}" for article in summary.articles)
    return "\n".join(lines) + "\n"


def render_comparison_markdown(comparison: Comparison) -> str:
    """Markdown: the comparison's sections with [n] citation marks, then the numbered sources."""
    numbers = _numbers(comparison.articles)
    lines = _comparison_lines(comparison, numbers, _markdown_heading("##"))
    lines.extend(["## Sources", ""])
    lines.extend(f"{numbers[article.id]}. {_source_line(article)}" for article in comparison.articles)
    return "\n".join(lines) + "\n"


def render_comparison_text(comparison: Comparison) -> str:
    """Plain text: the comparison's sections with [n] citation marks, then the sources."""
    numbers = _numbers(comparison.articles)
    lines = _comparison_lines(comparison, numbers, _text_heading)
    lines.append("Sources:")
    lines.extend(f"[{numbers[article.id]}] {_source_line(article)}" for article in comparison.articles)
    return "\n".join(lines) + "\n"
