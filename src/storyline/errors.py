"""Errors raised by Storyline.

Hierarchy::

    StorylineError            base class; catch this to handle every Storyline failure
    ├── InputError            an input cannot be used (empty, binary, not an article, ...)
    │   └── NotEnglishError   the article is not in English (English only for now)
    ├── ConfigError           a setting has a wrong value
    └── ModelLoadError        a spaCy or embedding model cannot be loaded

Every message says what went wrong, where (file, line or record id) and what to do.
"""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "ModelLoadError", "NotEnglishError", "StorylineError"]


class StorylineError(Exception):
    """Base class of every error Storyline raises on purpose."""


class InputError(StorylineError):
    """An input (file, record, article) cannot be used."""

    def __init__(self, message: str, *, input: str = "") -> None:  # noqa: A002 - mirrors Problem.input
        super().__init__(message)
        self.input = input


class NotEnglishError(InputError):
    """An article is in a language Storyline does not handle yet."""


class ConfigError(StorylineError):
    """A configuration value is out of range or of the wrong type."""


class ModelLoadError(StorylineError):
    """A model could not be loaded; the message names the model and the fix."""
