"""The local runners (storyline.runners.local) keep the contract of the Ray one (issue 33).

A real spawned process pool; the jobs sleep or fail instead of summarizing, so no model is loaded
(each worker's Pipeline loads its models on first use, and these jobs never use them).
"""

from __future__ import annotations

import time

import pytest

from storyline.config import Config
from storyline.errors import ConfigError, ModelLoadError
from storyline.pipeline import Pipeline
from storyline.runners import check_engine, make_runner
from storyline.runners.local import WINDOW_PER_WORKER, InProcess, ProcessPool

pytestmark = [pytest.mark.slow]

SLOW, FAST = 3.0, 0.1


def sleep_job(pipeline: Pipeline, batch: int) -> dict[str, float]:
    """Batch 0 is slow, the others fast; says when it ended (a module-level function: the pool pickles it by name)."""
    time.sleep(SLOW if batch == 0 else FAST)
    return {"batch": batch, "ended": time.time()}


def failing_job(pipeline: Pipeline, batch: int) -> int:
    if batch == 2:
        raise ModelLoadError("model 'nowhere' cannot be loaded; install it")
    return batch


def test_the_pool_keeps_the_order_and_a_slow_batch_holds_no_other_worker() -> None:
    runner = ProcessPool(Config(), workers=2, threads=1)
    results = list(runner.map(sleep_job, iter(range(10))))
    assert [result["batch"] for result in results] == list(range(10))
    slow_end = results[0]["ended"]
    # While batch 0 runs, the other worker goes on with the batches after it.
    assert sum(1 for result in results[1:] if result["ended"] < slow_end) >= 5


def test_batches_made_in_place_keep_their_place() -> None:
    def in_place(batch: int) -> dict[str, float] | None:
        return {"batch": batch, "ended": 0.0} if batch % 3 == 0 else None

    for runner in (InProcess(Pipeline(Config())), ProcessPool(Config(), workers=2, threads=1)):
        results = list(runner.map(sleep_job, iter(range(1, 8)), in_place=in_place))
        assert [result["batch"] for result in results] == list(range(1, 8))
        assert [result["ended"] == 0.0 for result in results] == [batch % 3 == 0 for batch in range(1, 8)]


def test_a_model_that_cannot_load_stops_the_run_in_every_local_runner() -> None:
    for runner in (InProcess(Pipeline(Config())), ProcessPool(Config(), workers=2, threads=1)):
        done = []
        with pytest.raises(ModelLoadError, match="cannot be loaded"):
            for result in runner.map(failing_job, iter(range(6))):
                done.append(result)
        assert done == [0, 1]


def test_the_pool_reads_its_input_only_as_fast_as_it_works() -> None:
    taken: list[int] = []

    def batches() -> object:
        for batch in range(1, 40):
            taken.append(batch)
            yield batch

    runner = ProcessPool(Config(), workers=2, threads=1)
    outcomes = runner.map(sleep_job, batches())  # type: ignore[arg-type]
    next(outcomes)
    outcomes.close()  # the workers are stopped
    assert len(taken) <= WINDOW_PER_WORKER * 2 + 2


@pytest.mark.parametrize(
    ("engine", "options", "words"),
    [
        ("spark", {}, "unknown engine 'spark'"),
        ("local", {"workers": 0}, "workers must be at least 1"),
        ("local", {"address": "head:6379"}, "--address is for the Ray engine"),
        ("local", {"workers": 2, "pool": False}, "--workers is for the Ray engine"),
    ],
)
def test_one_check_of_engine_workers_and_address(engine: str, options: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        check_engine(engine, **options)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=words):
        make_runner(engine, Pipeline(Config()), **options)  # type: ignore[arg-type]


def test_the_engine_and_workers_pick_the_runner() -> None:
    pipeline = Pipeline(Config())
    assert isinstance(make_runner("local", pipeline), InProcess)
    assert make_runner("local", pipeline).pipeline is pipeline  # type: ignore[attr-defined]
    assert isinstance(make_runner("local", pipeline, workers=2), ProcessPool)
    check_engine("local", workers=1, pool=False)  # one worker in this process is what ingest does
