"""Which selector the pipeline uses: coverage.v4 as asked, or coverage.v2 under another encoder."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from storyline import Config, Pipeline
from storyline.config import DEFAULT_EMBEDDING_MODEL, DEFAULT_SELECTOR
from storyline.select import load_model, selector_encoder
from storyline.select.coverage import SENTENCE_FEATURES
from tests.unit.conftest import HashedBagOfWords

if TYPE_CHECKING:
    from spacy.language import Language

ARTICLES = [
    {
        "id": "ledger",
        "text": "Four people were hurt when the container ship Corvina Bay struck a pier of the Kestrel Narrows "
        "Bridge on Tuesday. The bridge was closed in both directions while engineers inspected the pier. "
        "Mayor Ana Ruiz said the city would add extra ferries across the harbour until it reopens.",
    },
    {
        "id": "courier",
        "text": "The container ship Corvina Bay struck a pier of the Kestrel Narrows Bridge on Tuesday, hurting "
        "four people. The ship had lost power shortly after leaving the terminal on Slate Island. Engineers "
        "from the state transport department began inspecting the cracked pier on Wednesday.",
    },
]


def test_coverage_v4_reads_vectors_of_the_default_encoder() -> None:
    assert selector_encoder("coverage.v4") == DEFAULT_EMBEDDING_MODEL
    assert selector_encoder(DEFAULT_SELECTOR) is None  # coverage.v2 reads no vectors: any encoder will do


def test_the_shipped_vector_model_is_complete() -> None:
    model = load_model("sentence-value.v2")
    assert model.features == SENTENCE_FEATURES
    assert len(model.vector_coef) == 384  # all-MiniLM-L6-v2
    assert len(model.lower) == len(model.upper) == len(SENTENCE_FEATURES)
    assert all(low <= high for low, high in zip(model.lower, model.upper, strict=True))


@pytest.mark.model
def test_under_another_encoder_coverage_v4_falls_back_to_coverage_v2(
    fake_encoder: HashedBagOfWords, nlp: Language, caplog: pytest.LogCaptureFixture
) -> None:
    """The fake encoder's vectors are not all-MiniLM-L6-v2's: the learned weights would read nonsense
    (or fail on the dimension), so the summary is coverage.v2's, said once in the log."""
    learned = Pipeline(Config(words=40, selector="coverage.v4"), encoder=fake_encoder, nlp=nlp)
    plain = Pipeline(Config(words=40, selector="coverage.v2"), encoder=fake_encoder, nlp=nlp)
    with caplog.at_level(logging.WARNING, logger="storyline"):
        first = learned.summarize(ARTICLES)
        learned.summarize(ARTICLES)
    assert first.sentences == plain.summarize(ARTICLES).sentences
    warnings = [record for record in caplog.records if "coverage.v2 is used instead" in record.getMessage()]
    assert len(warnings) == 1
    assert "hashed-bow-256" in warnings[0].getMessage()
