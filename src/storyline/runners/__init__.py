"""Where batches of work run: in this process, in a pool of local processes, or on Ray actors.

One contract for all three (:class:`Runner`): ``runner.map(job, batches)`` gives ``job(pipeline,
batch)`` for every batch, in the order of ``batches``, reading them only as fast as the workers
work; a worker that cannot load its models stops the run with :class:`ModelLoadError`; closing
the generator stops the workers. ``job`` is a module-level function (pickled by reference, so every
node needs storyline installed) and ``pipeline`` the worker's own :class:`Pipeline`, built once
per worker by :class:`PipelineWorker`, the one worker body.

:func:`make_runner` picks the runner from the engine ("local" or "ray") and the workers, after
:func:`check_engine`, the one check of engine, workers and address. Ray is an optional extra
(``pip install storyline[ray]``), imported only by the Ray runner.
"""

from __future__ import annotations

import os

from storyline.pipeline import Pipeline
from storyline.runners.base import (
    ENGINES,
    Engine,
    Fatal,
    InPlace,
    Job,
    PipelineWorker,
    Runner,
    check_engine,
    limit_threads,
    raise_fatal,
)
from storyline.runners.local import InProcess, ProcessPool
from storyline.runners.ray import RayRunner

__all__ = [
    "ENGINES",
    "Engine",
    "Fatal",
    "InPlace",
    "InProcess",
    "Job",
    "PipelineWorker",
    "ProcessPool",
    "RayRunner",
    "Runner",
    "check_engine",
    "limit_threads",
    "make_runner",
    "raise_fatal",
]


def make_runner(
    engine: str,
    pipeline: Pipeline,
    *,
    workers: int | None = None,
    address: str | None = None,
    pool: bool = True,
) -> Runner:
    """The runner for an engine, after :func:`check_engine`.

    Args:
        engine: "local" or "ray".
        pipeline: this process's pipeline: the local runner in this process uses it as it is
            (loaded models and all); the others build their workers' from its config.
        workers: local: 1 (the default) runs in this process, more start that many processes;
            Ray: the actors (default: one per CPU of the cluster).
        address: with Ray, the cluster to join (``"auto"``, ``"HOST:PORT"``, ``"ray://HOST:PORT"``);
            None starts a local one for the run.
        pool: as for :func:`check_engine`.

    Raises:
        ConfigError: as :func:`check_engine`.
    """
    check_engine(engine, workers=workers, address=address, pool=pool)
    if engine == "ray":
        return RayRunner(pipeline.config, workers=workers, address=address)
    if workers is None or workers == 1:
        return InProcess(pipeline)
    # Share the cores: each worker's torch would otherwise start one thread per core.
    return ProcessPool(pipeline.config, workers=workers, threads=max(1, (os.cpu_count() or 1) // workers))
