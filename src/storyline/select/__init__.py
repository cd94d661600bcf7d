"""Choosing a summary's sentences: Alignment -> Summary, by a selector named in the registry.

:data:`SELECTORS` maps each selector's versioned name (``Config.selector``) to a factory; the
algorithm is in ``coverage`` (the budgeted concept coverage, greedy or by an integer program) and
the learned sentence values of coverage.v3 and v4 are set up here. Change behaviour by
registering a new version ("coverage.v2") rather than editing v1, so saved configs keep
reproducing their results. The output formats and the input formats have registries of their own
(render.FORMATS, sources.read.READERS).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from storyline.config import SOLVER_SECONDS
from storyline.errors import ConfigError
from storyline.select.coverage import SelectionWeights, load_model, select, word_count
from storyline.types import Alignment, Summary

__all__ = [
    "LEARNED_ARTICLE_WORDS",
    "LEARNED_WEIGHTS",
    "SELECTORS",
    "SelectionWeights",
    "Selector",
    "get_selector",
    "load_model",
    "select",
    "selector_encoder",
    "within_learned_range",
    "word_count",
]


class Selector(Protocol):
    """Chooses, orders and cites summary sentences."""

    def __call__(
        self,
        alignment: Alignment,
        vectors: npt.NDArray[np.float32],
        *,
        words: int,
        max_sentences: int | None,
        fill: bool = False,
        solver_seconds: float | None = SOLVER_SECONDS,
    ) -> Summary: ...


def _learned_ilp() -> Selector:
    """The integer program with each sentence's own value learned on Multi-News val.

    The value model (storyline/weights/sentence-value.v1.json, benchmarks/learn_value.py)
    replaces the hand-set mix of centrality, support and position; chosen on val clusters
    1000-1999 and checked on the first 600 (benchmarks/ablate.py ``ilp_value_only_1.0``).
    """
    weights = SelectionWeights(centrality=0.0, support=0.0, position=0.0, learned=1.0, ilp_sentence=1.0)
    return functools.partial(select, solver="ilp", weights=weights, value_model=load_model("sentence-value.v1"))


#: Selectors whose value model weighs sentence vectors, by name -> the model file (storyline/weights).
_VECTOR_MODELS = {"coverage.v4": "sentence-value.v2"}


#: The longest article the learned value of coverage.v4 was fitted on: Multi-News val clusters
#: 1200-2499 hold 3,611 articles of 149 words at the median, 99% under 393, none over 435 (the
#: dataset cuts its texts). Past that the value model guesses: it never saw a sentence so far from
#: the lead.
LEARNED_ARTICLE_WORDS = 435


#: How coverage.v4 mixes its learned value into the integer program: the value alone (no hand-set
#: centrality, support or position), standardised within the cluster to 1 + 0.75 z, with
#: ``ilp_sentence`` 0.35 (chosen on Multi-News val clusters 600-1199, docs/learned-selection.md).
LEARNED_WEIGHTS = SelectionWeights(
    centrality=0.0, support=0.0, position=0.0, learned=1.0, learned_spread=0.75, ilp_sentence=0.35
)


def within_learned_range(alignment: Alignment) -> bool:
    """Whether the cluster's articles are, on average, no longer than those the value was fitted on."""
    lengths = [sum(word_count(sentence.text) for sentence in document.sentences) for document in alignment.documents]
    return not lengths or sum(lengths) / len(lengths) <= LEARNED_ARTICLE_WORDS


def _learned_ilp_with_vectors() -> Selector:
    """The integer program with each sentence's own value learned on Multi-News val from its
    features and its vector (storyline/weights/sentence-value.v2.json, benchmarks/learn_value.py),
    standardised within the cluster so the sentence term keeps one scale beside the concept coverage
    on any input. The spread and the sentence weight were chosen on val clusters 600-1199
    (benchmarks/ablate.py ``value:sentence-value.v2:only:SPREAD:SENTENCE``), which the fit never saw.

    The value is used only for clusters of articles as long as those it was fitted on (see
    :data:`LEARNED_ARTICLE_WORDS`); longer ones, full newswire stories, get coverage.v2's hand-set
    value, which weighs closeness to the lead (on DUC 2004 the learned value lost 1.1 R-1 and 0.4 R-2,
    docs/learned-selection.md).
    """
    learned = functools.partial(
        select, solver="ilp", weights=LEARNED_WEIGHTS, value_model=load_model(_VECTOR_MODELS["coverage.v4"])
    )
    hand_set = functools.partial(select, solver="ilp")

    def choose(alignment: Alignment, vectors: npt.NDArray[np.float32], **options: Any) -> Summary:
        chosen = learned if within_learned_range(alignment) else hand_set
        return chosen(alignment, vectors, **options)

    return choose


SELECTORS: dict[str, Callable[[], Selector]] = {
    "coverage.v1": lambda: select,
    "coverage.v2": lambda: functools.partial(select, solver="ilp"),
    "coverage.v3": _learned_ilp,
    "coverage.v4": _learned_ilp_with_vectors,
}


def selector_encoder(name: str) -> str | None:
    """The embedding model whose vectors the selector's learned value reads (None: it reads none)."""
    model = _VECTOR_MODELS.get(name)
    return load_model(model).encoder if model else None


def get_selector(name: str) -> Selector:
    """Return the selector registered under ``name``.

    Raises:
        ConfigError: no selector has that name.
    """
    try:
        return SELECTORS[name]()
    except KeyError:
        raise ConfigError(f"unknown selector '{name}'; known: {', '.join(sorted(SELECTORS))}") from None
