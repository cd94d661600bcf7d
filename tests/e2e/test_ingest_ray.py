"""``storyline ingest --engine ray`` against a real Ray cluster (real models; issue 6).

The cluster is the session's ``ray_address`` (tests/e2e/conftest.py), shared with the batch Ray
tests. The same input is ingested with ``--engine local`` and ``--engine ray`` into two story
databases, which must end up the same: the same stories, the same articles in each, the same
near-duplicates and the same skipped inputs.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.cli import EXIT_SKIPPED, main
from storyline.pipeline import Pipeline
from storyline.sources.read import read
from storyline.stories import ingest
from storyline.stories.db import Store
from storyline.types import Problem
from tests.conftest import BAD, EXAMPLE
from tests.e2e.conftest import BIN, RAY_ENV

pytestmark = [pytest.mark.model, pytest.mark.slow]

pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray engine tests")


def _inputs(tmp_path: Path, seeds_dir: Path) -> list[str]:
    """The example and the seeds, a German page (the checks skip it), and a JSON Lines file with
    a record without text (skipped when read) and a second copy of a seed under another id."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    copy = {"id": "seed-copy", "source": "Copier", "text": seeds[0].read_text(encoding="utf-8")}
    records = tmp_path / "more.jsonl"
    records.write_text(json.dumps({"id": "no-text", "title": "t"}) + "\n" + json.dumps(copy) + "\n", encoding="utf-8")
    return [str(EXAMPLE), *map(str, seeds), str(BAD / "german.txt"), str(records)]


def _stories(capsys: pytest.CaptureFixture[str], db: Path) -> Any:
    assert main(["stories", "--db", str(db), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _skipped(err: str) -> list[str]:
    return sorted(line for line in err.splitlines() if line.startswith("storyline: skipped:"))


def _rows(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[bytes]]:
    """What the store holds (bar the times of ingest), and the story vectors apart."""
    with sqlite3.connect(db) as connection:
        articles = connection.execute(
            "SELECT id, story_id, fingerprint, near_duplicate_of, source, title, published, url, text, origin, minhash "
            "FROM articles ORDER BY seq"
        ).fetchall()
        stories = connection.execute(
            "SELECT id, title, count, entities, words, first_day, last_day, first_seen, last_seen FROM stories "
            "ORDER BY id"
        ).fetchall()
        vectors = [row[0] for row in connection.execute("SELECT vector_sum FROM stories ORDER BY id")]
    return articles, stories, vectors


def test_ray_ingest_stores_what_local_stores_and_bad_inputs_are_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seeds_dir: Path, ray_address: str
) -> None:
    inputs = _inputs(tmp_path, seeds_dir)
    local, distributed = tmp_path / "local.db", tmp_path / "ray.db"
    assert main(["ingest", "--db", str(local), *inputs]) == EXIT_SKIPPED
    local_err = capsys.readouterr().err
    command = [str(BIN / "storyline"), "ingest", "--db", str(distributed), *inputs, "--engine", "ray"]
    command += ["--address", ray_address, "--workers", "2"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, env=RAY_ENV)
    assert run.returncode == EXIT_SKIPPED, run.stderr
    assert "Traceback" not in run.stderr
    assert "7 added" in run.stderr and "1 duplicates" in run.stderr and "1 skipped; 2 stories" in run.stderr
    assert _skipped(run.stderr) == _skipped(local_err)
    assert any("german.txt" in line for line in _skipped(run.stderr))
    assert any("more.jsonl:1" in line for line in _skipped(run.stderr))
    stories = _stories(capsys, distributed)
    assert stories == _stories(capsys, local)
    assert sorted(len(story["articles"]) for story in stories) == [3, 4]

    again = subprocess.run(command, capture_output=True, text=True, timeout=300, env=RAY_ENV)
    assert again.returncode == EXIT_SKIPPED, again.stderr
    assert "0 added" in again.stderr and "7 already stored" in again.stderr
    assert _stories(capsys, distributed) == stories


def test_ray_ingest_in_many_batches_on_two_actors_stores_the_same_rows(
    tmp_path: Path, seeds_dir: Path, ray_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of two, so the seven articles and the bad ones are spread over both actors and
    # come back out of order; the store must still see them in input order.
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    articles = read(_inputs(tmp_path, seeds_dir), on_error="skip", problems=[])
    pipeline = Pipeline()
    outcomes = {}
    for engine in ("local", "ray"):
        problems: list[Problem] = []
        with Store(tmp_path / f"{engine}.db") as store:
            counts = ingest(
                store,
                pipeline,
                articles,
                problems=problems,
                batch_size=2,
                engine=engine,
                address=ray_address if engine == "ray" else None,
                workers=2 if engine == "ray" else None,
            )
        outcomes[engine] = (counts, problems, _rows(tmp_path / f"{engine}.db"))
    (local, local_problems, local_rows), (distributed, ray_problems, ray_rows) = outcomes["local"], outcomes["ray"]
    assert distributed.results == local.results
    assert (distributed.added, distributed.duplicates, distributed.skipped) == (7, 1, 1)
    assert ray_problems == local_problems
    assert ray_rows[:2] == local_rows[:2]
    for ray_vector, local_vector in zip(ray_rows[2], local_rows[2], strict=True):
        # One torch thread per actor against two here: the vectors differ in the last bits (~1e-7).
        np.testing.assert_allclose(
            np.frombuffer(ray_vector, np.float32), np.frombuffer(local_vector, np.float32), rtol=0, atol=1e-6
        )
