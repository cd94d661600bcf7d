"""The key a story's cached summary is stored under (issue 33): every setting that changes a summary,
and the tuned constants, change it; nothing else does."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import storyline.align
import storyline.nlp.export_onnx
import storyline.select.coverage
import storyline.text
from storyline.config import BACKENDS, CLUSTERINGS, PRECISIONS, Config
from storyline.pipeline import constants_version
from storyline.stories import Store
from storyline.stories.index import Signal
from storyline.stories.service import NOT_IN_KEY, story_key
from storyline.types import Article

IDS = ("ledger", "courier", "wire")


def _another(config: Config, name: str) -> object:
    """A valid value of the field ``name`` other than the config's."""
    value = getattr(config, name)
    closed = {"embedding_precision": PRECISIONS, "embedding_backend": BACKENDS, "clustering": CLUSTERINGS}
    if name in closed:
        return next(choice for choice in closed[name] if choice != value)
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2
    if isinstance(value, str):
        return value + "-other"
    return {"sentences": 3, "device": "cpu", "judge": "another-judge.json"}[name]  # the fields that default to None


def test_what_stays_out_of_the_key_is_only_what_cannot_change_a_summary() -> None:
    # A new Config field is in the key unless it is added here, with its reason, on purpose.
    assert frozenset({"local_files_only", "compare", "clustering"}) == NOT_IN_KEY
    assert {field.name for field in dataclasses.fields(Config)} >= NOT_IN_KEY


@pytest.mark.parametrize("name", sorted(field.name for field in dataclasses.fields(Config)))
def test_issue_33_every_setting_that_changes_a_summary_changes_the_key(name: str) -> None:
    base = Config()
    changed = base.replace(**{name: _another(base, name)})
    if name in NOT_IN_KEY:
        assert story_key(IDS, changed) == story_key(IDS, base)
    else:
        assert story_key(IDS, changed) != story_key(IDS, base), name


def test_the_article_set_is_in_the_key_and_its_order_is_not() -> None:
    assert story_key(IDS, Config()) == story_key(reversed(IDS), Config())
    assert story_key(IDS, Config()) != story_key(IDS[:2], Config())


@pytest.mark.parametrize(
    ("module", "name", "value"),
    [
        (storyline.align, "SAME_FACT", 0.56),  # a threshold
        (storyline.select.coverage, "_PRONOUN_ATTRIBUTION", storyline.select.coverage.re.compile("x")),  # a rule
        (storyline.text, "CONCEPT_STOPWORDS", frozenset({"a"})),  # a word list
        (storyline.nlp.export_onnx, "EXPORT_VERSION", 2),  # the encoder's ONNX export (issue 37)
    ],
)
def test_a_changed_tuned_constant_changes_the_key(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, value: object
) -> None:
    before = story_key(IDS, Config())
    monkeypatch.setattr(module, name, value)
    constants_version.cache_clear()
    try:
        assert story_key(IDS, Config()) != before
    finally:
        monkeypatch.undo()
        constants_version.cache_clear()
    assert story_key(IDS, Config()) == before


def test_issue_36_the_story_link_model_is_not_in_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The link decides a story's articles (they are in the key), not what its summary says of them."""
    weights = Path(storyline.text.__file__).parent / "weights"
    names = sorted(entry.name for entry in weights.iterdir())
    assert any(name.startswith("story-link.") for name in names)
    before = constants_version()
    real_read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        data = real_read(path)
        return data + b" " if path.name.startswith("story-link.") else data

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    constants_version.cache_clear()
    try:
        assert constants_version() == before
    finally:
        monkeypatch.undo()
        constants_version.cache_clear()


def test_the_key_is_the_same_in_every_process() -> None:
    """Word lists are sets, whose order changes with the hash seed: the key must not."""
    script = (
        "from storyline.config import Config; from storyline.stories.service import story_key; "
        "print(story_key(['a', 'b'], Config()))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


def test_a_summary_cached_under_other_settings_is_not_served(tmp_path: Path) -> None:
    article = Article(id="a1", text="A ship struck the bridge pier on Tuesday morning.", source="Ledger", origin="a1")
    with Store(tmp_path / "stories.db") as store:
        [added] = store.add([article], [Signal("a1", np.ones(4, dtype=np.float32) / 2)])
        assert added.story is not None
        store.save_summary(added.story, story_key(["a1"], Config()), "{}")
        assert store.cached_summary(added.story, story_key(["a1"], Config())) == "{}"
        other_model = Config(embedding_model="another/encoder")
        assert store.cached_summary(added.story, story_key(["a1"], other_model)) is None
