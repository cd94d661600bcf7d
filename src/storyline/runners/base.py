"""The contract every runner keeps, the one worker body, and the one check of engine, workers and address.

See storyline.runners for what a runner does; runners.local and runners.ray implement it.
"""

from __future__ import annotations

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
