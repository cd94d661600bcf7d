"""Which selector the pipeline uses (coverage.v4 as asked, or coverage.v2 under another encoder), and how it
runs spaCy and the encoder side by side."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pytest

from storyline import Article, Config, Pipeline
from storyline.config import DEFAULT_EMBEDDING_MODEL, DEFAULT_SELECTOR
from storyline.nlp.embed import Encoder, load_encoder
from storyline.select import load_model, selector_encoder
from storyline.select.coverage import SENTENCE_FEATURES
from tests.conftest import EXAMPLE
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


class _OneCall:
    """An encoder that takes all texts at once (no encode_stream): the pipeline then runs spaCy
    and the encoder one after the other."""

    def __init__(self, encoder: Encoder) -> None:
        self.inner = encoder

    @property
    def name(self) -> str:
        return self.inner.name

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.inner.encode(texts)


def _cluster() -> list[Article]:
    from storyline.sources.read import read

    return read([str(EXAMPLE)], on_error="skip")


@pytest.mark.model
def test_spacy_and_the_encoder_side_by_side_give_what_one_after_the_other_gives(nlp: Language) -> None:
    # The onnxruntime encoder takes each paragraph's sentences while spaCy goes on (issue 37);
    # the summary and the comparison are those of spaCy first, then one encoder call.
    encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, backend="onnx")
    assert hasattr(encoder, "encode_stream")
    side_by_side = Pipeline(Config(compare=True), encoder=encoder, nlp=nlp)
    one_after_the_other = Pipeline(Config(compare=True), encoder=_OneCall(encoder), nlp=nlp)
    articles = _cluster()
    assert side_by_side.summarize(articles) == one_after_the_other.summarize(articles)
    many = side_by_side.summarize_many([articles[:2], articles[1:]])
    assert many == one_after_the_other.summarize_many([articles[:2], articles[1:]])
    assert {"segment", "embed", "align", "select", "compare"} <= set(side_by_side.timings)


class _Broken(HashedBagOfWords):
    def encode_stream(self, chunks: Iterable[Sequence[str]]) -> npt.NDArray[np.float32]:
        next(iter(chunks))
        raise RuntimeError("the encoder broke")


@pytest.mark.model
def test_an_encoder_failing_beside_spacy_fails_the_call(nlp: Language) -> None:
    with pytest.raises(RuntimeError, match="the encoder broke"):
        Pipeline(Config(), encoder=_Broken(), nlp=nlp).summarize(_cluster())


@pytest.mark.model
def test_the_status_hears_of_the_models_loading_once(fake_encoder: HashedBagOfWords) -> None:
    told: list[str | None] = []
    pipeline = Pipeline(Config(), encoder=fake_encoder, status=told.append)
    pipeline.summarize(_cluster())
    pipeline.summarize(_cluster())
    assert told == ["loading the language models", None]
