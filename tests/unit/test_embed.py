"""The real sentence encoder: repeated texts encoded once, bfloat16 weights close to float32's."""

from __future__ import annotations

import numpy as np
import pytest

from storyline.config import DEFAULT_EMBEDDING_MODEL, Config
from storyline.errors import ConfigError, ModelLoadError
from storyline.nlp.embed import load_encoder

pytestmark = pytest.mark.model

SENTENCES = [
    "The bridge reopened on Thursday after a six-week repair.",
    "Officials said the repair cost $4.2 million.",
    "The bridge reopened on Thursday after a six-week repair.",  # a wire copy in a second outlet
    "Traffic was light in the first hour.",
    "Officials said the repair cost $4.2 million.",
]


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_a_repeated_text_gets_the_same_row_as_its_first_copy(precision: str) -> None:
    encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, precision=precision)
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (5, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], vectors[4])
    alone = encoder.encode(["Traffic was light in the first hour."])
    np.testing.assert_allclose(alone[0], vectors[3], atol=2e-2 if precision == "bfloat16" else 1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_bfloat16_vectors_are_nearly_those_of_float32() -> None:
    exact = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="float32").encode(SENTENCES)
    rounded = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="bfloat16").encode(SENTENCES)
    cosines = np.sum(exact * rounded, axis=1)
    assert cosines.min() > 0.999
    # Nearly is not identical: the two loads really run in different number formats.
    assert not np.array_equal(exact, rounded)


def test_an_unknown_precision_is_refused_with_the_choices() -> None:
    with pytest.raises(ModelLoadError, match="float32, bfloat16"):
        load_encoder(DEFAULT_EMBEDDING_MODEL, precision="int4")
    with pytest.raises(ConfigError, match="embedding_precision"):
        Config(embedding_precision="half")


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_a_text_gets_the_same_vector_whatever_is_encoded_with_it(precision: str) -> None:
    # Padded to the longest text of its batch, a short sentence batched with a long one came out
    # different in the third decimal (bfloat16) from the same sentence alone; encoded among texts
    # of its own padded length (PAD_MULTIPLE) it comes out the same, so clusters can share the
    # encoder's batches. Without the grouping this fails in both precisions.
    encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, precision=precision)
    texts = [
        *dict.fromkeys(SENTENCES),
        "Harbour officials, who had warned for two years that the span's corroded bearings could fail "
        "under the weight of loaded container lorries, said on Thursday that the repair, paid for by the "
        "port authority and the county, had come in under budget and a week ahead of the schedule.",
        "Shares rose.",
        "The mayor, speaking at the reopening, thanked the crews who worked through the storm.",
    ]
    together = encoder.encode(texts)
    for index, text in enumerate(texts):
        np.testing.assert_array_equal(encoder.encode([text])[0], together[index])
    np.testing.assert_array_equal(encoder.encode(texts[1::2]), together[1::2])
