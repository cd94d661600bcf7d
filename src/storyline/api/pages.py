"""The web pages: the list of stories and a story page, from the templates ``--format html`` uses too.

The story page shows the summary and its comparison as the summary page of ``--format html`` does
(render.html: citation marks that highlight the cited source sentence), laid out in two columns:
the summary and the comparison on the left, the sources beside them, each with its outlet, date and
link; contradictions are shown side by side. A story whose summary is not made yet shows its
articles and says that the summary is being prepared. Every text from an article or a client is
escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.render.html import page, view
from storyline.stories.db import StoryRow
from storyline.types import Article, Summary

__all__ = ["LIVE_EVERY", "render_index", "render_story"]


#: Seconds between two polls of a page that keeps itself current (static/live.js).
LIVE_EVERY = 15.0


def render_index(rows: Sequence[StoryRow], *, missing: int | None = None, live_every: float = LIVE_EVERY) -> str:
    """The list of stories, newest first, with their outlets and article counts; it polls for new ones."""
    return page(
        "index.html",
        served=True,
        title="Storyline: stories",
        stories=rows,
        missing=missing,
        live_every=int(live_every * 1000),
    )


def render_story(
    row: StoryRow,
    summary: Summary | Sequence[Article],
    *,
    updating: bool = False,
    live_every: float = LIVE_EVERY,
) -> str:
    """A story page: summary and comparison beside the sources; a citation highlights its sentence; it
    polls for the story's new articles. With ``updating``, a note says that the summary predates the
    story's latest articles and is being remade. Given articles instead of a summary (none was made
    yet), the page says that the summary is being prepared and shows the articles; its script loads
    the summary when it is ready."""
    return page(
        "story.html",
        served=True,
        title=f"Storyline: {row.title}",
        story=row,
        view=view(summary) if isinstance(summary, Summary) else view(None, articles=summary),
        preparing=not isinstance(summary, Summary),
        updating=updating,
        live_every=int(live_every * 1000),
    )
