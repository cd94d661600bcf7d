"""The web API and pages over a story database: ``create_app(store)`` gives the ASGI app.

A thin layer like the CLI: request models (pydantic) at the edge, then the same calls
(:func:`storyline.stories.ingest`, :func:`storyline.stories.summarize_story`,
``Pipeline.summarize``) and the same JSON (``codec.summary_to_dict``). ``app``: the routes;
``guard``: body limits and security headers around them; ``work``: the model thread and its queue;
``pages``: the HTML pages.
"""

from __future__ import annotations

from storyline.api.app import (
    MAX_ARTICLES_PER_REQUEST,
    MAX_BODY_BYTES,
    MAX_SUMMARIZE_ARTICLES,
    MAX_SUMMARIZE_WORDS,
    MAX_TEXT_CHARS,
    create_app,
)

__all__ = [
    "MAX_ARTICLES_PER_REQUEST",
    "MAX_BODY_BYTES",
    "MAX_SUMMARIZE_ARTICLES",
    "MAX_SUMMARIZE_WORDS",
    "MAX_TEXT_CHARS",
    "create_app",
]
