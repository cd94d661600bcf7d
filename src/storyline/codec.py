"""Summary and Comparison <-> JSON objects: the one schema of results, apart from any presentation.

The ``--format json`` output, every line of ``storyline batch``, the web API's answers and the
summaries cached in a story database all use these objects, and :func:`summary_from_dict` reads
them back (``summary_from_dict(summary_to_dict(s)) == s``). Imports only types.

A summary::

    {"summary": str,
     "sentences": [{"text": str, "citations": [SPAN, ...]}],
     "articles": [{"id", "source", "title", "published", "url", "text"}],
     "notes": [str],
     "comparison": {...}}            # only when the summary has one
    SPAN = {"article": id, "start": int, "end": int}
"""

from __future__ import annotations

from typing import Any

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
    "article_to_dict",
    "comparison_from_dict",
    "comparison_to_dict",
    "span_to_dict",
    "summary_from_dict",
    "summary_to_dict",
]


def span_to_dict(citation: Citation) -> dict[str, Any]:
    """A cited span: ``{"article", "start", "end"}``, offsets into the article's text."""
    return {"article": citation.article, "start": citation.start, "end": citation.end}


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article as listed beside a result (its cleaned text, which the spans point into)."""
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
            {"text": sentence.text, "citations": [span_to_dict(c) for c in sentence.citations]}
            for sentence in summary.sentences
        ],
        "articles": [article_to_dict(article) for article in summary.articles],
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
        "agreements": [_claim_to_dict(claim) for claim in comparison.agreements],
        "single_source": [_claim_to_dict(claim) for claim in comparison.single_source],
        "contradictions": [
            {"kind": c.kind, "explanation": c.explanation, "spans": [span_to_dict(s) for s in c.spans]}
            for c in comparison.contradictions
        ],
        "quotes": [
            {"speaker": q.speaker, "text": q.text, "support": [span_to_dict(s) for s in q.support]}
            for q in comparison.quotes
        ],
        "timeline": [
            {"date": e.date, "text": e.text, "support": [span_to_dict(s) for s in e.support]}
            for e in comparison.timeline
        ],
    }


def _claim_to_dict(claim: Claim) -> dict[str, Any]:
    return {"text": claim.text, "support": [span_to_dict(span) for span in claim.support]}


def _citations(items: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(item["article"], int(item["start"]), int(item["end"])) for item in items)


def comparison_from_dict(data: dict[str, Any], articles: tuple[Article, ...]) -> Comparison:
    """Rebuild a Comparison from its JSON object and the articles its spans point into."""
    return Comparison(
        articles=articles,
        agreements=tuple(Claim(item["text"], _citations(item["support"])) for item in data.get("agreements", ())),
        single_source=tuple(Claim(item["text"], _citations(item["support"])) for item in data.get("single_source", ())),
        contradictions=tuple(
            Contradiction(item["kind"], item["explanation"], _citations(item["spans"]))
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
