"""Stories: a stream of articles grouped into stories in one SQLite file, each story's summary on demand.

``service`` is what the CLI and the web API call (ingest, list, summarize a story).
"""

from __future__ import annotations

from storyline.stories.service import (
    BATCH_SIZE,
    MAX_SUMMARY_ARTICLES,
    IngestCounts,
    ingest,
    story_key,
    story_listing,
    summarize_story,
)

__all__ = [
    "BATCH_SIZE",
    "MAX_SUMMARY_ARTICLES",
    "IngestCounts",
    "ingest",
    "story_key",
    "story_listing",
    "summarize_story",
]
