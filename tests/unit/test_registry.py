"""coverage.v4 uses its learned value only on articles as long as those it was fitted on."""

from __future__ import annotations

import functools

import pytest

from storyline.align import align
from storyline.errors import ConfigError
from storyline.select import (
    LEARNED_ARTICLE_WORDS,
    SelectionWeights,
    get_selector,
    load_model,
    select,
    within_learned_range,
    word_count,
)
from storyline.types import Alignment, Document
from tests.unit.conftest import HashedBagOfWords, make_document

PLACES = ("pier", "tunnel", "ferry dock", "harbour gate", "rail yard", "fender", "toll plaza")


def article(article_id: str, sentences: int, offset: int = 0) -> Document:
    """An article of ``sentences`` distinct sentences of 16 words each."""
    return make_document(
        article_id,
        *(
            f"Crews from district {index + offset} inspected the {PLACES[index % len(PLACES)]} near the Kestrel "
            f"Narrows Bridge for {index + 2} hours on Tuesday."
            for index in range(sentences)
        ),
    )


def aligned(documents: list[Document]) -> tuple[Alignment, object]:
    encoder = HashedBagOfWords(384)  # the learned value weighs 384-d vectors (all-MiniLM-L6-v2's size)
    vectors = encoder.encode([sentence.text for document in documents for sentence in document.sentences])
    return align(documents, vectors), vectors


def test_the_range_is_the_mean_article_length() -> None:
    short = [article("a", 10), article("b", 12, offset=50)]
    long = [article("a", 40), article("b", 40, offset=50)]
    assert all(sum(word_count(s.text) for s in d.sentences) < LEARNED_ARTICLE_WORDS for d in short)
    assert all(sum(word_count(s.text) for s in d.sentences) > LEARNED_ARTICLE_WORDS for d in long)
    assert within_learned_range(align(short, HashedBagOfWords(384).encode(["x"] * 22)))
    assert not within_learned_range(aligned(long)[0])
    assert within_learned_range(Alignment((), {}, {}))


def test_on_long_articles_coverage_v4_is_coverage_v2() -> None:
    alignment, vectors = aligned([article("a", 40), article("b", 36, offset=50), article("c", 30, offset=90)])
    v4 = get_selector("coverage.v4")(alignment, vectors, words=60, max_sentences=None)  # type: ignore[arg-type]
    v2 = get_selector("coverage.v2")(alignment, vectors, words=60, max_sentences=None)  # type: ignore[arg-type]
    assert [s.text for s in v4.sentences] == [s.text for s in v2.sentences]


@pytest.mark.parametrize("fill", [False, True])
def test_on_short_articles_coverage_v4_weighs_the_learned_value(fill: bool) -> None:
    alignment, vectors = aligned([article("a", 9), article("b", 8, offset=50), article("c", 7, offset=90)])
    weights = SelectionWeights(
        centrality=0.0, support=0.0, position=0.0, learned=1.0, learned_spread=0.75, ilp_sentence=0.35
    )
    learned = functools.partial(select, solver="ilp", weights=weights, value_model=load_model("sentence-value.v2"))
    v4 = get_selector("coverage.v4")(alignment, vectors, words=60, max_sentences=None, fill=fill)  # type: ignore[arg-type]
    expected = learned(alignment, vectors, words=60, max_sentences=None, fill=fill)  # type: ignore[arg-type]
    assert [s.text for s in v4.sentences] == [s.text for s in expected.sentences]


def test_an_unknown_selector_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"coverage\.v4"):
        get_selector("coverage.v9")
