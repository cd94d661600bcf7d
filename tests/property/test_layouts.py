"""Layout is not content (issue 31): any generated article in any layout gives the same summary.

Articles are drawn as in ``test_invariants.py`` (sentences about one fictional event, random
paragraphs); each cluster is rendered in a drawn layout of ``benchmarks.layouts`` (hard-wrapped
with indented paragraphs, CRLF, wire copy with TeX quotes, Markdown, one sentence per line, double
spaced, one block, an HTML page) and summarized with the real spaCy model and the fake encoder.
The summary's sentences must be the as-given summary's, in order.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import layouts
from storyline.config import Config
from storyline.pipeline import Pipeline
from storyline.sources.read import read_bytes
from storyline.types import Article
from tests.property.test_invariants import clusters
from tests.unit.conftest import HashedBagOfWords

if TYPE_CHECKING:
    from spacy.language import Language

pytestmark = pytest.mark.model


def in_layout(layout: str, record: dict[str, Any], seed: str) -> Article:
    text = layouts.render(layout, record["text"], seed)
    if layout == "html-page":
        (article,) = read_bytes(text.encode(), name=f"{record['id']}.html", suffix=".html", stem=record["id"])
        return dataclasses.replace(article, source=record["source"], published=record["published"], title=None)
    return Article(id=record["id"], text=text, source=record["source"], published=record["published"])


# The same 20 clusters every run (as the schema test's requests): a run in CI found, once, a cluster
# whose summary changed with the layout that did not fail again when run alone (closing note of
# 2026-12-07). The summary's integer program had a wall-clock limit then, which a busy CI machine
# can reach: it is lifted here (solver_seconds=None), as in benchmarks.layouts, so that only the
# layout can change a summary (docs/layouts-and-outlets.md).
@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(records=clusters(), layout=st.sampled_from(layouts.LAYOUTS[1:]), seed=st.integers(0, 10**6))
def test_any_layout_gives_the_as_given_summary(
    fake_encoder: HashedBagOfWords, nlp: Language, records: list[dict[str, Any]], layout: str, seed: int
) -> None:
    pipeline = Pipeline(Config(words=120, solver_seconds=None), encoder=fake_encoder, nlp=nlp)
    given_articles = [in_layout("as-given", record, str(seed)) for record in records]
    laid_out = [in_layout(layout, record, f"{seed}:{index}") for index, record in enumerate(records)]
    expected = [sentence.text for sentence in pipeline.summarize(given_articles, on_error="skip").sentences]
    got = [sentence.text for sentence in pipeline.summarize(laid_out, on_error="skip").sentences]
    assert got == expected, f"{layout}:\n{laid_out[0].text[:600]}"
