"""The judge of contradictions: how sure we are that two sentences state one fact two ways.

The rules (``values.py``, ``names.py``, ``contradictions.py``) propose every pair of sentences of
two outlets that give a different number, date, person or place (or different quoted words), with
what they read in it: how alike the two sentences are, where the disputed words stand, how far
apart the values are, and the verdict of each check against false alarms. The judge weighs that
evidence with a model trained on Multi-News val (gradient-boosted trees, stored as JSON beside this
module and rebuilt by ``benchmarks/train_judge.py`` with a fixed seed; see docs/contradictions.md for the
data, its terms and the measurements) and gives each candidate a confidence in [0, 1].

Contradictions at or above the artifact's threshold are shown by default; ``--all-differences``
shows every candidate with its confidence.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from storyline.errors import ModelLoadError
from storyline.types import Citation, ContradictionKind

__all__ = ["DEFAULT_JUDGE", "FEATURES", "Candidate", "Judge", "load_judge", "unread"]

#: The bundled judge (see docs/contradictions.md; rebuilt by ``python -m benchmarks.train_judge``).
DEFAULT_JUDGE = Path(__file__).with_name("judge.v1.json")

#: What the judge reads of each candidate, in the order of the model's columns (see
#: contradictions._evidence and quotes._quote_evidence; -1 where a reading does not apply). Nothing
#: of the cluster's size, the articles' dates or where the sentences stand in them: the judge learns
#: on short clusters and one-sentence pairs, and reads long dated ones.
FEATURES = (
    # what kind of value differs, and the note the rule that read it gave
    "kind_number",
    "kind_date",
    "kind_entity",
    "kind_quote",
    "note_office",
    "note_substitution",
    "note_list",
    "note_person",
    "note_place",
    "note_vague",
    # how alike the two sentences are
    "similarity",
    "cosine",
    "aligned",
    "dice",
    "frame_dice",
    "dice_besides",
    "dice_needed",
    "words_min",
    "words_ratio",
    # the other differences of the pair, and where the disputed words stand
    "findings",
    "entity_too",
    "negations_differ",
    "quoted",
    "same_slot",
    "same_neighbour",
    "substitution",
    "caption",
    # the checks that once dropped a finding outright, and their joint verdict
    "two_statements",
    "other_parties",
    "denied",
    "dates_disagree",
    "templated",
    "each_knows",
    "rules_keep",
    # the values themselves
    "value_ratio",
    "unit_values",
    "days_apart",
    "same_grain",
    "known_a",
    "known_b",
    # quotations only
    "quote_dice",
    "quote_words",
    "quote_digits",
    "same_speaker",
)

_Vector = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One disagreement the rules read between two sentences (or two versions of a quotation), with
    the evidence the judge weighs: what benchmarks/train_judge.py learns from and
    benchmarks/judge_precision.py labels."""

    kind: ContradictionKind
    spans: tuple[Citation, Citation]  # the two sentences (for a quotation: the quoted words)
    sides: tuple[str, str]  # the words that differ on each side ("four people", "six people")
    note: str
    evidence: Mapping[str, float]


def unread() -> dict[str, float]:
    """Evidence with every feature unread (-1): a reading that does not apply to a candidate."""
    return dict.fromkeys(FEATURES, -1.0)


@dataclass(frozen=True, slots=True)
class _Trees:
    """Gradient-boosted regression trees over FEATURES, flattened into arrays (one row per node;
    a leaf has feature -1). The log-odds are ``base`` plus the sum of the leaves reached."""

    base: float
    feature: npt.NDArray[np.int64]
    threshold: _Vector
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    value: _Vector
    roots: npt.NDArray[np.int64]
    depth: int


class Judge:
    """A trained model over the candidates' evidence, with the threshold output is shown at."""

    def __init__(self, artifact: Mapping[str, Any], *, origin: str = "judge") -> None:
        try:
            features = tuple(artifact["features"])
            self.threshold = float(artifact["threshold"])
            self.version = str(artifact["version"])
            self._trees = _read_trees(artifact["model"])
        except (KeyError, TypeError, ValueError) as error:
            raise ModelLoadError(
                f"{origin}: not a contradiction judge ({error}); rebuild it with benchmarks/train_judge.py"
            ) from error
        if features != FEATURES:
            raise ModelLoadError(
                f"{origin}: the judge reads other evidence than this version gives "
                f"({len(features)} features, {len(FEATURES)} expected); rebuild it with benchmarks/train_judge.py"
            )
        if not 0.0 <= self.threshold <= 1.0:
            raise ModelLoadError(f"{origin}: threshold {self.threshold} is not in [0, 1]")

    def confidences(self, evidence: Sequence[Mapping[str, float]]) -> list[float]:
        """The confidence, in [0, 1], that each candidate states one fact two ways."""
        if not evidence:
            return []
        matrix = np.array([[row[name] for name in FEATURES] for row in evidence], dtype=np.float64)
        return [float(value) for value in _sigmoid(self.log_odds(matrix))]

    def log_odds(self, matrix: _Vector) -> _Vector:
        """The model's log-odds for each row of a (candidates x FEATURES) matrix."""
        trees = self._trees
        rows = np.arange(len(matrix))
        nodes = np.repeat(trees.roots[None, :], len(matrix), axis=0)  # one walker per row and tree
        for _ in range(trees.depth):
            feature = trees.feature[nodes]
            leaf = feature < 0
            values = matrix[rows[:, None], np.where(leaf, 0, feature)]
            step = np.where(values <= trees.threshold[nodes], trees.left[nodes], trees.right[nodes])
            nodes = np.where(leaf, nodes, step)
        return np.asarray(trees.base + trees.value[nodes].sum(axis=1), dtype=np.float64)


def _sigmoid(values: _Vector) -> _Vector:
    return np.asarray(1.0 / (1.0 + np.exp(-values)), dtype=np.float64)


def _read_trees(model: Mapping[str, Any]) -> _Trees:
    if model["kind"] != "trees":
        raise ValueError(f"unknown model kind {model['kind']!r}")
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0
    for tree in model["trees"]:
        offset = len(feature)
        roots.append(offset)
        nodes = len(tree["feature"])
        for name in ("threshold", "left", "right", "value"):
            if len(tree[name]) != nodes:
                raise ValueError(f"a tree's {name} has {len(tree[name])} entries for {nodes} nodes")
        feature.extend(int(f) for f in tree["feature"])
        threshold.extend(float(t) for t in tree["threshold"])
        left.extend(offset + int(n) if int(n) >= 0 else -1 for n in tree["left"])
        right.extend(offset + int(n) if int(n) >= 0 else -1 for n in tree["right"])
        value.extend(float(v) for v in tree["value"])
        depth = max(depth, int(tree["depth"]))
    nodes = len(feature)
    if any(f >= len(FEATURES) for f in feature) or any(
        f >= 0 and not (0 <= lo < nodes and 0 <= hi < nodes) for f, lo, hi in zip(feature, left, right, strict=True)
    ):
        raise ValueError("a tree refers to a feature or node that does not exist")
    base = float(model["base"])
    if not math.isfinite(base):
        raise ValueError("the base log-odds is not a number")
    return _Trees(
        base=base,
        feature=np.array(feature, dtype=np.int64),
        threshold=np.array(threshold, dtype=np.float64),
        left=np.array(left, dtype=np.int64),
        right=np.array(right, dtype=np.int64),
        value=np.array(value, dtype=np.float64),
        roots=np.array(roots, dtype=np.int64),
        depth=depth,
    )


@functools.lru_cache(maxsize=4)
def load_judge(path: str | None = None) -> Judge:
    """The judge stored at ``path`` (a JSON artifact of benchmarks/train_judge.py), or the bundled one.

    Raises:
        ModelLoadError: the file is missing, unreadable, or not a judge of this version's evidence.
    """
    where = Path(path) if path else DEFAULT_JUDGE
    try:
        artifact = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(
            f"{where}: cannot read the contradiction judge ({error}); set 'judge' in the config "
            "(or STORYLINE_JUDGE) to another, or rebuild it with benchmarks/train_judge.py"
        ) from error
    if not isinstance(artifact, dict):
        raise ModelLoadError(f"{where}: not a contradiction judge; rebuild it with benchmarks/train_judge.py")
    return Judge(artifact, origin=str(where))
