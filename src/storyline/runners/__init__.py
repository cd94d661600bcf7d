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
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from storyline.config import Config
from storyline.errors import ConfigError, ModelLoadError
from storyline.pipeline import Pipeline

__all__ = [
    "ENGINES",
    "Engine",
    "Fatal",
    "InPlace",
    "Job",
    "PipelineWorker",
    "Runner",
    "check_engine",
    "limit_threads",
    "make_runner",
    "raise_fatal",
]

Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = ("local", "ray")

BatchT = TypeVar("BatchT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True, slots=True)
class Fatal:
    """A worker or actor could not load its models: sent back in place of a result, it stops the
    whole run (the runner raises ModelLoadError with the message)."""

    message: str


#: A job: a module-level function of a worker's pipeline and one batch (pickled by reference).
Job = Callable[[Pipeline, Any], Any]
#: A batch's result made in this process when it needs no worker, else None.
InPlace = Callable[[Any], Any]


class Runner(ABC):
    """Runs a job on batches of work and hands the results back in the order of the batches."""

    def map(
        self,
        job: Callable[[Pipeline, BatchT], ResultT],
        batches: Iterable[BatchT],
        *,
        in_place: Callable[[BatchT], ResultT | None] | None = None,
        label: str = "work",
    ) -> Generator[ResultT, None, None]:
        """``job(pipeline, batch)`` for every batch, in order.

        Args:
            job: a module-level function of a worker's pipeline and one batch.
            batches: the work, read lazily.
            in_place: returns a batch's result when it needs no worker (else None); such a batch
                stays in this process and keeps its place in the order.
            label: names the work in the log.

        Raises:
            ModelLoadError: a worker cannot load its models.
        """
        return self._map(job, batches, in_place or _needs_a_worker, label)

    @abstractmethod
    def _map(self, job: Job, batches: Iterable[Any], in_place: InPlace, label: str) -> Generator[Any, None, None]:
        """What :meth:`map` gives, with ``in_place`` always a function."""


def _needs_a_worker(batch: object) -> None:
    return None


def limit_threads(threads: int) -> None:
    """Let torch and the BLAS (spaCy's matrix products, see nlp/blas.py) in this worker or actor
    process use this many threads, so workers share the CPUs."""
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        pass
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")


class PipelineWorker:
    """The body of every worker, a pool process or a Ray actor: one Pipeline (models loaded on its
    first batch, so a worker with nothing to do loads none) and the job it runs on each batch.

    A model that cannot load comes back as :class:`Fatal` rather than raised: a process pool would
    restart a worker that fails, forever, and Ray would retry the task.
    """

    def __init__(self, config: Config, threads: int | None, job: Callable[[Pipeline, Any], Any]) -> None:
        if threads is not None:
            limit_threads(threads)
        self._pipeline = Pipeline(config)
        self._job = job

    def work(self, batch: Any) -> Any:
        """The job's result for one batch, or :class:`Fatal` when the models cannot load."""
        try:
            return self._job(self._pipeline, batch)
        except ModelLoadError as error:
            return Fatal(str(error))


def raise_fatal(result: ResultT | Fatal) -> ResultT:
    """A worker's result as it is; a :class:`Fatal` one raised as ModelLoadError.

    Raises:
        ModelLoadError: the worker could not load its models.
    """
    if isinstance(result, Fatal):
        raise ModelLoadError(result.message)
    return result


def check_engine(engine: str, *, workers: int | None = None, address: str | None = None, pool: bool = True) -> None:
    """Refuse an unknown engine, fewer than one worker, or Ray's options without Ray.

    Args:
        engine: "local" or "ray".
        workers: the workers asked for (None: the engine's default).
        address: the Ray cluster asked for (None: a local one).
        pool: whether the local engine can run several workers (batch: a process pool) or runs in
            this process only (ingest, whose stories are placed one after another anyway).

    Raises:
        ConfigError: any of those, saying what to do.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine '{engine}'; use 'local' or 'ray'")
    if workers is not None and workers < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    if engine != "ray":
        if address is not None:
            raise ConfigError("--address is for the Ray engine; add --engine ray (engine='ray' from Python)")
        if not pool and workers not in (None, 1):
            raise ConfigError("--workers is for the Ray engine; add --engine ray (engine='ray' from Python)")


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
        from storyline.runners.ray import RayRunner

        return RayRunner(pipeline.config, workers=workers, address=address)
    from storyline.runners.local import InProcess, ProcessPool

    if workers is None or workers == 1:
        return InProcess(pipeline)
    # Share the cores: each worker's torch would otherwise start one thread per core.
    return ProcessPool(pipeline.config, workers=workers, threads=max(1, (os.cpu_count() or 1) // workers))
