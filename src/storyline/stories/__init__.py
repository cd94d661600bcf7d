"""Stories: a stream of articles grouped into stories in one SQLite file, each story's summary on demand.

Five rooms, each knowing one thing:

- ``index``: where an article goes (near-duplicates, placement in a story; the clustering constants);
- ``link``: the learned link, a calibrated probability that an article belongs to a story, from
  what ``index`` measures of the two (numbers only);
- ``revisit``: the second look at stories after a batch (which to merge, which to split), proposed
  as moves for ``db`` to make;
- ``db``: the SQLite file (rows, migrations, WAL mode, the summary cache's rows);
- ``service``: what the CLI and the web API call (ingest, list, summarize a story).

From Python::

    from storyline import Pipeline
    from storyline.stories import Store, ingest, summarize_story

    with Store("news.db") as store:
        counts = ingest(store, Pipeline(), articles)
        summary = summarize_story(store, Pipeline(), 1)
"""

from __future__ import annotations

from storyline.stories.db import Store, StoreError
from storyline.stories.service import (
    BATCH_SIZE,
    MAX_SUMMARY_ARTICLES,
    IngestCounts,
    cached_story_summary,
    ingest,
    story_articles,
    story_key,
    story_listing,
    summarize_story,
    summary_is_current,
)

__all__ = [
    "BATCH_SIZE",
    "MAX_SUMMARY_ARTICLES",
    "IngestCounts",
    "Store",
    "StoreError",
    "cached_story_summary",
    "ingest",
    "story_articles",
    "story_key",
    "story_listing",
    "summarize_story",
    "summary_is_current",
]
