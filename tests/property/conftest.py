"""Property-test fixtures: session-scoped (hypothesis reuses them across examples)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from storyline.config import DEFAULT_SPACY_MODEL
from storyline.nlp.segment import load_spacy
from tests.unit.conftest import HashedBagOfWords

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.fixture(scope="session")
def fake_encoder() -> HashedBagOfWords:
    """The deterministic hashed bag-of-words encoder of the unit tests (no model, no network)."""
    return HashedBagOfWords()


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy pipeline (tests using it are marked ``model``)."""
    return load_spacy(DEFAULT_SPACY_MODEL)
