"""The public API surface and configuration checks (storyline/__init__.py, config.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import Config, load_config
from storyline.errors import ConfigError

# Changing the public API is a decision: update this list in the same commit, on purpose.
PUBLIC_API = [
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


def test_public_api_is_pinned() -> None:
    assert sorted(storyline.__all__) == PUBLIC_API
    assert len(storyline.__all__) == len(set(storyline.__all__))


@pytest.mark.parametrize("name", PUBLIC_API)
def test_every_public_name_is_importable(name: str) -> None:
    assert getattr(storyline, name) is not None


def test_version_is_a_string() -> None:
    assert isinstance(storyline.__version__, str)
    assert storyline.__version__.count(".") >= 1


@pytest.mark.parametrize(
    ("error", "base"),
    [
        (storyline.NotEnglishError, storyline.InputError),
        (storyline.InputError, storyline.StorylineError),
        (storyline.ConfigError, storyline.StorylineError),
        (storyline.ModelLoadError, storyline.StorylineError),
    ],
)
def test_error_hierarchy(error: type[Exception], base: type[Exception]) -> None:
    assert issubclass(error, base)


@pytest.mark.parametrize(
    "values",
    [
        {"words": 0},
        {"words": -5},
        {"words": 2.5},
        {"sentences": 0},
        {"max_chars": 10},
        {"max_chars": "200000"},
        {"min_words": 0},
        {"min_words": "25"},
        {"solver_seconds": 0},
        {"solver_seconds": -1.0},
        {"solver_seconds": True},
        {"solver_seconds": "5"},
    ],
    ids=[
        "words-0",
        "words-negative",
        "words-float",
        "sentences-0",
        "max_chars-10",
        "max_chars-string",
        "min_words-0",
        "min_words-string",
        "solver_seconds-0",
        "solver_seconds-negative",
        "solver_seconds-bool",
        "solver_seconds-string",
    ],
)
def test_config_rejects_bad_values(values: dict[str, Any]) -> None:
    name = next(iter(values))
    with pytest.raises(ConfigError, match=name):
        Config(**values)


def test_config_defaults_are_valid() -> None:
    config = Config()
    assert config.words == 250
    assert config.sentences is None
    assert config.replace(words=80).words == 80


def test_load_config_reads_known_keys(tmp_path: Path) -> None:
    path = tmp_path / "storyline.toml"
    path.write_text("[storyline]\nwords = 120\nsentences = 4\nclean = false\n", encoding="utf-8")
    config = load_config(path)
    assert (config.words, config.sentences, config.clean) == (120, 4, False)


def test_load_config_names_an_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "storyline.toml"
    path.write_text("words = 120\nword_budget = 80\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="word_budget") as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_load_config_rejects_a_bad_value(tmp_path: Path) -> None:
    path = tmp_path / "storyline.toml"
    path.write_text("words = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="words"):
        load_config(path)


@pytest.mark.parametrize("content", ["words = = 3\n", None], ids=["not-toml", "missing"])
def test_load_config_reports_an_unreadable_file(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "storyline.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(path)
