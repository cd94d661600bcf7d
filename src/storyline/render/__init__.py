"""Summary (or Comparison) -> text in one of the output formats: the format registry and ``render``.

Each format is a room: ``markdown`` (md and plain text), ``html`` (Jinja2 templates, shared with the
web pages) and JSON (the codec's objects, storyline.codec, indented). A new format is a module
here and one line in :data:`FORMATS` (and :data:`COMPARISON_FORMATS`); the CLI's ``--format``
choices come from them. Pure; imports no NLP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from storyline.codec import article_to_dict, comparison_to_dict, summary_to_dict
from storyline.render.markdown import (
    render_comparison_markdown,
    render_comparison_text,
    render_markdown,
    render_text,
)
from storyline.types import Comparison, Summary

__all__ = ["COMPARISON_FORMATS", "FORMATS", "Format", "render"]

Format = Literal["md", "text", "json", "html"]


def render_json(summary: Summary) -> str:
    """JSON, indented, UTF-8 characters kept as they are (storyline.codec's object)."""
    return json.dumps(summary_to_dict(summary), ensure_ascii=False, indent=2) + "\n"


def render_comparison_json(comparison: Comparison) -> str:
    """JSON: {"comparison": {...}, "articles": [...]}, the same objects as in a summary's JSON."""
    data = {
        "comparison": comparison_to_dict(comparison),
        "articles": [article_to_dict(article) for article in comparison.articles],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_html(summary: Summary) -> str:
    """One self-contained HTML page of the summary (render.html; Jinja2 is imported on first use)."""
    from storyline.render.html import render_html as page

    return page(summary)


def render_comparison_html(comparison: Comparison) -> str:
    """One self-contained HTML page of the comparison (render.html)."""
    from storyline.render.html import render_comparison_html as page

    return page(comparison)


#: Output formats of a summary, by the name ``--format`` takes.
FORMATS: dict[str, Callable[[Summary], str]] = {
    "md": render_markdown,
    "text": render_text,
    "json": render_json,
    "html": render_html,
}
#: Output formats of a comparison on its own (``storyline compare``), by the same names.
COMPARISON_FORMATS: dict[str, Callable[[Comparison], str]] = {
    "md": render_comparison_markdown,
    "text": render_comparison_text,
    "json": render_comparison_json,
    "html": render_comparison_html,
}


def render(result: Summary | Comparison, format: Format = "md") -> str:  # noqa: A002 - the CLI flag's name
    """Render a summary (or a comparison on its own) as ``md``, ``text``, ``json`` or ``html``.

    Raises:
        ValueError: an unknown format.
    """
    formats: dict[str, Callable[[Any], str]] = FORMATS if isinstance(result, Summary) else COMPARISON_FORMATS
    try:
        renderer = formats[format]
    except KeyError:
        raise ValueError(f"unknown format '{format}'; choose one of {', '.join(formats)}") from None
    return renderer(result)
