"""The Ray runner: batches of work on Ray actors (``engine="ray"``), for batch and ingest.

Join (or start) a cluster with errors that say what to do, and send batches of work to a pool of
actors, taking the results back in the order the batches were made: the contract of
:class:`storyline.runners.Runner`. Knows Ray, not what the work is: an actor is built from a plain
class with a ``work(batch)`` method (:class:`storyline.runners.PipelineWorker`), so the modules that
define the work import without Ray. Ray is an optional extra (``pip install storyline[ray]``) and
is imported only inside :func:`ray_cluster`.
"""

from __future__ import annotations

import logging
import socket
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import Any, TypeVar

from storyline.config import Config
from storyline.errors import ConfigError
from storyline.runners.base import InPlace, Job, PipelineWorker, Runner, raise_fatal

__all__ = [
    "BATCHES_PER_ACTOR",
    "PROBE_SECONDS",
    "WINDOW_PER_ACTOR",
    "RayRunner",
    "ordered_on_ray",
    "ray_cluster",
]

log = logging.getLogger(__name__)

#: Batches waiting at or running on each Ray actor. Two keep an actor busy while the driver
#: handles the previous batch's results and sends the next one.
BATCHES_PER_ACTOR = 2

#: Batches sent and not yet handed back, per actor: finished batches wait here for an earlier,
#: slower one, while the actors go on with the next (as the local engine's pool does).
WINDOW_PER_ACTOR = 4

#: How long to wait for a Ray cluster's port to answer before saying it cannot be reached.
PROBE_SECONDS = 5.0

BatchT = TypeVar("BatchT")
ResultT = TypeVar("ResultT")


@contextmanager
def ray_cluster(address: str | None, workers: int | None) -> Iterator[Any]:
    """Ray, connected to the cluster at ``address`` (or a local one started here, shut down after).

    Args:
        address: ``"auto"``, ``"HOST:PORT"``, ``"ray://HOST:PORT"``, or None for a local cluster
            (of ``workers`` CPUs when given).
        workers: the actors the caller will start (sizes a local cluster only).

    Yields:
        The ``ray`` module, initialised.

    Raises:
        ConfigError: Ray is not installed, or the cluster cannot be started or reached.
    """
    try:
        import ray
    except ImportError as error:
        raise ConfigError(
            f"the Ray engine needs Ray ({error}); install it with pip install 'storyline[ray]'"
        ) from error
    started_here = not ray.is_initialized()
    if started_here:
        if address is not None:
            _probe(address)
        options: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING}
        if address is None and workers is not None:
            options["num_cpus"] = workers  # a local cluster sized for the run
        try:
            ray.init(address=address, **options)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"at {address}" if address else "locally"
            raise ConfigError(
                f"cannot start or reach a Ray cluster {where} ({error}); check --address "
                "(the address 'ray start --head' printed) or leave it out for a local cluster"
            ) from error
    try:
        yield ray
    finally:
        if started_here:
            ray.shutdown()


def _probe(address: str) -> None:
    """Fail fast when nothing listens at ``address``: Ray itself retries a closed port for minutes.

    Raises:
        ConfigError: the address is not ``HOST:PORT`` (or ``ray://HOST:PORT``, ``auto``), or it
            cannot be reached within :data:`PROBE_SECONDS`.
    """
    if address == "auto":
        return  # Ray finds the cluster this machine runs and says so when there is none
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(
            f"'{address}' is not a Ray cluster address; give HOST:PORT (as 'ray start --head' printed), "
            "ray://HOST:PORT or auto"
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=PROBE_SECONDS).close()
    except OSError as error:
        raise ConfigError(
            f"cannot reach a Ray cluster at {address} ({error.strerror or error}); check --address "
            "(the address 'ray start --head' printed) and that the cluster is running, "
            "or leave it out for a local cluster"
        ) from error


def ordered_on_ray(
    ray: Any,
    body: Callable[..., Any],
    arguments: tuple[Any, ...],
    batches: Iterable[BatchT],
    *,
    workers: int | None,
    in_place: Callable[[BatchT], ResultT | None] | None = None,
    label: str = "work",
) -> Generator[ResultT, None, None]:
    """The result of ``body(*arguments).work(batch)`` for every batch, in the order of ``batches``.

    One actor per worker (one CPU each) is built from ``body``; each batch goes to the actor with
    the fewest unfinished batches as soon as one has fewer than :data:`BATCHES_PER_ACTOR`, and
    the results are handed back in the order the batches were made, however the actors are
    spread over the cluster. A finished batch waits for an earlier, slower one while the actors
    go on, up to :data:`WINDOW_PER_ACTOR` batches per actor not handed back; so ``batches`` is
    read only as fast as the actors work and a big input is never held in memory at once. The
    actors are killed when the generator ends (or is closed).

    Args:
        ray: the module, as :func:`ray_cluster` yields it.
        body: a plain class with a ``work(batch)`` method; Ray pickles it by reference, so
            every node needs storyline installed.
        arguments: what each actor is built with.
        batches: the work, read lazily.
        workers: actors to start (default: one per CPU of the cluster).
        in_place: returns a batch's result when it needs no actor (else None); such a batch
            stays in this process, and still keeps its place in the order.
        label: names the work in the log.

    Raises:
        ray.exceptions.RayError: an actor died twice, or ``work`` raised.
    """
    actors: list[Any] = []
    try:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        # One CPU each: the actors share the cores (each keeps to one torch thread).
        remote = ray.remote(num_cpus=1, max_restarts=1, max_task_retries=1)(body)
        actors = [remote.remote(*arguments) for _ in range(count)]
        log.info("%s: %d Ray actors", label, count)
        running: dict[Any, int] = {}  # ObjectRef of an unfinished batch -> its actor
        pending: deque[tuple[bool, Any]] = deque()  # (True, ObjectRef) or (False, the result), in order

        def unfinished() -> list[int]:
            """Batches each actor has been sent and not finished."""
            counts = [0] * count
            for owner in running.values():
                counts[owner] += 1
            return counts

        def settle(block: bool) -> None:
            """Forget the batches that have finished (waiting for one at least when ``block``)."""
            if not running:
                return
            if block:
                ray.wait(list(running), num_returns=1)
            done, _ = ray.wait(list(running), num_returns=len(running), timeout=0)
            for handle in done:
                del running[handle]

        def ready() -> bool:
            remote_result, handle = pending[0]
            return not remote_result or handle not in running

        def take() -> ResultT:
            remote_result, handle = pending.popleft()
            if not remote_result:
                return handle  # type: ignore[no-any-return]
            running.pop(handle, None)
            return ray.get(handle)  # type: ignore[no-any-return]

        for batch in batches:
            result = in_place(batch) if in_place is not None else None
            if result is not None:
                pending.append((False, result))
            else:
                while min(load := unfinished()) >= BATCHES_PER_ACTOR:
                    settle(block=True)
                index = min(range(count), key=load.__getitem__)
                handle = actors[index].work.remote(batch)
                running[handle] = index
                pending.append((True, handle))
            settle(block=False)
            while pending and (len(pending) > WINDOW_PER_ACTOR * count or ready()):
                yield take()
        while pending:
            yield take()
    finally:
        for actor in actors:
            ray.kill(actor)


class RayRunner(Runner):
    """Batches on Ray actors, one per worker (one CPU and one torch thread each), each a
    :class:`PipelineWorker` built from ``config``; on the cluster at ``address``, or on a local
    one started for the run and shut down after it."""

    def __init__(self, config: Config, *, workers: int | None, address: str | None) -> None:
        self.config = config
        self.workers = workers
        self.address = address

    def _map(self, job: Job, batches: Iterable[Any], in_place: InPlace, label: str) -> Generator[Any, None, None]:
        with ray_cluster(self.address, self.workers) as ray:
            outcomes = ordered_on_ray(
                ray,
                PipelineWorker,
                (self.config, 1, job),
                batches,
                workers=self.workers,
                in_place=in_place,
                label=label,
            )
            with closing(outcomes):
                for outcome in outcomes:
                    yield raise_fatal(outcome)
