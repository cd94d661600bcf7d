"""Storyline: many news articles about one event in, one faithful cited summary out.

Quick use::

    import storyline
    articles = storyline.read(["a.html", "b.txt"])
    summary = storyline.summarize(articles, words=150)
    print(storyline.render(summary, "md"))
    comparison = storyline.Pipeline().compare(articles)  # agreements, contradictions, quotes, timeline
    print(storyline.render(comparison, "md"))
"""

from __future__ import annotations

import logging

from storyline.codec import summary_from_dict, summary_to_dict
from storyline.config import Config, load_config
from storyline.errors import ConfigError, InputError, ModelLoadError, NotEnglishError, StorylineError
from storyline.pipeline import Pipeline, summarize
from storyline.render import render
from storyline.sources.read import read
from storyline.types import (
    Article,
    Citation,
    Claim,
    Comparison,
    Contradiction,
    Document,
    Entity,
    Problem,
    Quote,
    Sentence,
    Summary,
    SummarySentence,
    TimelineEvent,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Citation",
    "Claim",
    "Comparison",
    "Config",
    "ConfigError",
    "Contradiction",
    "Document",
    "Entity",
    "InputError",
    "ModelLoadError",
    "NotEnglishError",
    "Pipeline",
    "Problem",
    "Quote",
    "Sentence",
    "StorylineError",
    "Summary",
    "SummarySentence",
    "TimelineEvent",
    "__version__",
    "load_config",
    "read",
    "render",
    "summarize",
    "summary_from_dict",
    "summary_to_dict",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
