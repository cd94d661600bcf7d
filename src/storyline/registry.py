"""Versioned names -> factories. Every registration lives in this one file.

Change behaviour by registering a new version ("coverage.v2") rather than editing v1, so
saved configs keep reproducing their results.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

import numpy as np
import numpy.typing as npt

from storyline.errors import ConfigError
from storyline.select import select
from storyline.types import Alignment, Summary

__all__ = ["SELECTORS", "Selector", "get_selector"]


class Selector(Protocol):
    """Chooses, orders and cites summary sentences."""

    def __call__(
        self, alignment: Alignment, vectors: npt.NDArray[np.float32], *, words: int, max_sentences: int | None
    ) -> Summary: ...


SELECTORS: dict[str, Callable[[], Selector]] = {
    "coverage.v1": lambda: select,
    "coverage.v2": lambda: functools.partial(select, solver="ilp"),
}


def get_selector(name: str) -> Selector:
    """Return the selector registered under ``name``.

    Raises:
        ConfigError: no selector has that name.
    """
    try:
        return SELECTORS[name]()
    except KeyError:
        raise ConfigError(f"unknown selector '{name}'; known: {', '.join(sorted(SELECTORS))}") from None
