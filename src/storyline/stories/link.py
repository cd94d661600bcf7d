"""The learned link: how likely an article is to belong to a story, as a calibrated probability.

Knows numbers, not articles: :meth:`storyline.stories.index.StoryIndex.link_features` measures an
article against a story (its closest members' vectors and words, the story's words and names, its
size); a :class:`LinkModel` turns those measures into the probability that the article reports the
story's event. The model is a logistic regression over the standardised measures, and its raw
score is then calibrated (isotonic regression on held-out pairs), so that among pairs scored 0.7
about seven in ten belong together. It was fitted by ``benchmarks/learn_link.py`` on pairs of
Multi-News *validation* clusters (never test), and ships as ``storyline/weights/<name>.json``
with what it was trained on.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from storyline.errors import ConfigError

__all__ = ["LINK_FEATURES", "LINK_MODEL", "VECTOR_FEATURES", "LinkModel", "load_link_model"]

#: What the link reads of an article and a story, in the order of ``StoryIndex.link_features``.
LINK_FEATURES = (
    "closest",  # highest cosine of the article's lead vector to a member's
    "second",  # the second highest (a story that agrees with itself)
    "mean",  # mean cosine to the members
    "centroid",  # cosine to the story's centroid
    "words_closest",  # highest cosine of rarity-weighted content words to one of the nearest members
    "words_story",  # cosine of those words to the story's word counts
    "names_story",  # share of the article's (rarity-weighted) names the story has
    "names_closest",  # the highest such share held by one of the nearest members
    "size",  # log(1 + articles in the story)
    "article_words",  # content words the article has (of the 120 kept), as a share
    "article_names",  # log(1 + names the article has)
)
#: The features that are cosines of the article's lead vector (the time rule lowers them all alike).
VECTOR_FEATURES = ("closest", "second", "mean", "centroid")
#: The model shipped with the package (``storyline/weights/story-link.v1.json``).
LINK_MODEL = "story-link.v1"

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LinkModel:
    """A logistic regression over standardised link features, then an isotonic calibration.

    ``knots``/``probabilities`` are the calibration: a raw score (log-odds) is mapped to a
    probability by linear interpolation between them (flat beyond the ends).
    """

    name: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    knots: tuple[float, ...]
    probabilities: tuple[float, ...]
    products: tuple[tuple[int, int], ...] = ()  # pairs of features whose product is a further input

    def raw(self, rows: npt.ArrayLike) -> Matrix:
        """The raw score (log-odds before calibration) of each row of features."""
        values = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        if self.products:
            values = np.hstack([values, np.stack([values[:, a] * values[:, b] for a, b in self.products], axis=1)])
        standard = (values - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(standard @ np.asarray(self.coef) + self.intercept, dtype=np.float64)

    def calibrate(self, raw: npt.ArrayLike) -> Matrix:
        """The probability of each raw score."""
        return np.asarray(np.interp(np.asarray(raw, dtype=np.float64), self.knots, self.probabilities))

    def probability(self, rows: npt.ArrayLike) -> Matrix:
        """The calibrated probability that each row's article and story belong together."""
        return self.calibrate(self.raw(rows))

    def per_unit(self, feature: str) -> float:
        """How much the raw score moves per unit of one feature (alone, outside any product)."""
        index = self.features.index(feature)
        return self.coef[index] / self.scale[index]


def load_link_model(name: str = LINK_MODEL) -> LinkModel:
    """Load a link model shipped in the package (``storyline/weights/NAME.json``).

    Raises:
        ConfigError: no such model, or its file does not describe one for these features.
    """
    return _load(name)


@functools.lru_cache(maxsize=4)
def _load(name: str) -> LinkModel:
    resource = resources.files("storyline") / "weights" / f"{name}.json"
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
        features = tuple(str(feature) for feature in data["features"])
        if features != LINK_FEATURES:
            raise ValueError(f"features {list(features)} are not this version's {list(LINK_FEATURES)}")
        products = tuple((int(a), int(b)) for a, b in data.get("products", ()))
        width = len(features) + len(products)
        model = LinkModel(
            name,
            features,
            tuple(float(value) for value in data["mean"]),
            tuple(float(value) for value in data["scale"]),
            tuple(float(value) for value in data["coef"]),
            float(data["intercept"]),
            tuple(float(value) for value in data["calibration"]["knots"]),
            tuple(float(value) for value in data["calibration"]["probabilities"]),
            products,
        )
        if not (len(model.mean) == len(model.scale) == len(model.coef) == width):
            raise ValueError("mean, scale and coef must have one value per input")
        if len(model.knots) != len(model.probabilities) or len(model.knots) < 2:
            raise ValueError("the calibration needs as many probabilities as knots, at least two")
        if any(b < a for a, b in zip(model.knots, model.knots[1:], strict=False)):
            raise ValueError("calibration knots must not decrease")
        if not all(math.isfinite(value) and value > 0 for value in model.scale):
            raise ValueError("scales must be positive")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"link model {name!r} cannot be loaded from storyline/weights ({error}); reinstall Storyline"
        ) from error
    return model
