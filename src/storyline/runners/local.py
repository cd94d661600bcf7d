"""The local runners: in this process, or an ordered pool of worker processes on this machine.

Both keep the contract of :class:`storyline.runners.Runner`, as the Ray runner does: results in
the order of the batches, the input read only as fast as the workers work, a model that cannot
load raised as ModelLoadError.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable
from multiprocessing.pool import AsyncResult
from typing import Any

from storyline.config import Config
from storyline.pipeline import Pipeline
from storyline.runners.base import InPlace, Job, PipelineWorker, Runner, raise_fatal

__all__ = ["WINDOW_PER_WORKER", "InProcess", "ProcessPool"]

#: Batches sent to the pool and not yet handed back, per worker: enough to keep every worker busy
#: while the caller writes results, few enough that a big input is never read into memory at once.
WINDOW_PER_WORKER = 4


class InProcess(Runner):
    """Every batch in this process, one after another, with the caller's pipeline (its loaded models)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def _map(self, job: Job, batches: Iterable[Any], in_place: InPlace, label: str) -> Generator[Any, None, None]:
        for batch in batches:
            result = in_place(batch)
            yield result if result is not None else job(self.pipeline, batch)


class ProcessPool(Runner):
    """A pool of spawned worker processes, each with its own Pipeline; results in the order of the batches.

    Each batch goes to the next free worker; a finished batch waits for an earlier, slower one while
    the workers go on, up to :data:`WINDOW_PER_WORKER` batches a worker not handed back. The workers
    are spawned, not forked (forking a process that holds torch threads is unsafe): they import the
    main module, so a script runs under ``if __name__ == "__main__":``.
    """

    def __init__(self, config: Config, *, workers: int, threads: int) -> None:
        self.config = config
        self.workers = workers
        self.threads = threads

    def _map(self, job: Job, batches: Iterable[Any], in_place: InPlace, label: str) -> Generator[Any, None, None]:
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(self.workers, initializer=_start, initargs=(self.config, self.threads, job))
        pending: deque[Any] = deque()  # in order: a worker's AsyncResult to come, or a result made here
        try:
            for batch in batches:
                result = in_place(batch)
                pending.append(result if result is not None else pool.apply_async(_work, (batch,)))
                while pending and (len(pending) > WINDOW_PER_WORKER * self.workers or _ready(pending[0])):
                    yield _take(pending)
            while pending:
                yield _take(pending)
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()  # let the workers exit on their own: killed ones leave semaphores behind
        finally:
            pool.join()


def _ready(item: object) -> bool:
    return not isinstance(item, AsyncResult) or item.ready()


def _take(pending: deque[Any]) -> Any:
    item = pending.popleft()
    return raise_fatal(item.get()) if isinstance(item, AsyncResult) else item


# A worker process's body: built by the pool's initializer, used for every batch it gets.
_worker: PipelineWorker | None = None


def _start(config: Config, threads: int, job: Callable[[Pipeline, Any], Any]) -> None:
    global _worker
    # The parent stops the pool on Ctrl-C; workers that caught it too would print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = PipelineWorker(config, threads, job)


def _work(batch: Any) -> Any:
    assert _worker is not None, "the pool's initializer builds the worker"
    return _worker.work(batch)
