"""The web API and pages over a story database: ``create_app(store)`` gives the FastAPI app.

A thin layer like the CLI: request models (pydantic) at the edge, then the same calls
(:func:`storyline.stories.ingest`, :func:`storyline.stories.summarize_story`,
``Pipeline.summarize``) and the same JSON (``codec.summary_to_dict``).
"""

from __future__ import annotations

from storyline.api.app import MAX_ARTICLES_PER_REQUEST, MAX_BODY_BYTES, MAX_TEXT_CHARS, create_app

__all__ = ["MAX_ARTICLES_PER_REQUEST", "MAX_BODY_BYTES", "MAX_TEXT_CHARS", "create_app"]
