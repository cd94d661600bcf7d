"""Unit-test fixtures: a deterministic fake encoder (no model, no network) and the real spaCy model."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pytest

from storyline.config import DEFAULT_SPACY_MODEL
from storyline.nlp.embed import Encoder
from storyline.nlp.segment import load_spacy
from storyline.types import Article, Document, Entity, Sentence

if TYPE_CHECKING:
    from spacy.language import Language

_TOKEN = re.compile(r"\w+")


class HashedBagOfWords:
    """A hashed bag-of-words encoder: lower-cased word tokens hashed (sha1) into ``dimension`` buckets.

    Deterministic across processes (hashlib, not Python's randomized ``hash``), L2-normalised
    float32 rows, so a dot product is a cosine, as with the real encoder. Sentences sharing
    many words get similar vectors; sentences sharing none are orthogonal (bar collisions).
    """

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    @property
    def name(self) -> str:
        return f"hashed-bow-{self.dimension}"

    def _bucket(self, token: str) -> int:
        digest = hashlib.sha1(token.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.dimension

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                vectors[row, self._bucket(token)] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        result: npt.NDArray[np.float32] = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return result


def make_document(
    article_id: str,
    *texts: str,
    source: str | None = None,
    published: str | None = None,
    entities: dict[int, tuple[Entity, ...]] | None = None,
) -> Document:
    """A Document built by hand: the sentences joined by spaces, with exact offsets and ids "id:sN".

    ``entities`` maps a sentence index to its entities (offsets relative to the sentence; they
    are moved to article offsets here).
    """
    sentences: list[Sentence] = []
    position = 0
    for index, text in enumerate(texts):
        moved = tuple(
            Entity(entity.text, entity.label, position + entity.start, position + entity.end)
            for entity in (entities or {}).get(index, ())
        )
        sentences.append(
            Sentence(f"{article_id}:s{index}", article_id, index, text, position, position + len(text), 0, moved)
        )
        position += len(text) + 1
    article = Article(id=article_id, text=" ".join(texts), source=source or article_id.upper(), published=published)
    return Document(article, tuple(sentences))


@pytest.fixture
def fake_encoder() -> HashedBagOfWords:
    encoder = HashedBagOfWords()
    assert isinstance(encoder, Encoder)
    return encoder


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real spaCy pipeline (tests using it are marked ``model``)."""
    return load_spacy(DEFAULT_SPACY_MODEL)
