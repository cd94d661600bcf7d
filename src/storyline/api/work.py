"""Model work off the event loop: one thread for the models, a bounded queue, and a clear "busy".

The models (spaCy, the encoder) are not used from two threads at once, so every piece of model
work (an ingest, a summary) runs on the one thread of :class:`ModelWork`. Requests that only read
(lists, stored stories, health) never come here, so they never wait for it. At most ``queue``
pieces of work wait; the next is refused with :class:`Busy` at once (the app answers 503 with
``Retry-After``) instead of piling up requests that would wait minutes.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from storyline.memory import trim_heap

__all__ = ["MAX_QUEUED", "RETRY_FAILED_SECONDS", "Busy", "ModelWork"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Pieces of model work waiting behind the running one before more are refused (503). A story
#: summary takes 5-7 s on 2 cores, so a full queue is about a minute of work.
MAX_QUEUED = 8
#: Seconds before background work that failed is tried again under the same key: a story whose
#: summary fails (an article the models cannot take) would otherwise be tried on every read.
RETRY_FAILED_SECONDS = 300.0
#: Failed keys remembered at most (the oldest are forgotten first).
MAX_FAILED_KEYS = 4096


class Busy(Exception):
    """The model queue is full; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy with other requests; try again in {retry_after} s")
        self.retry_after = retry_after


class ModelWork:
    """One model thread with a bounded queue.

    Args:
        queue: pieces of work that may wait behind the running one.
        retry_failed: seconds before background work that failed under a key is queued again.
        on_idle: called on the model thread whenever the queue empties, to give back the memory the
            work freed (the app passes ``Pipeline.release_memory``).
    """

    def __init__(
        self,
        queue: int = MAX_QUEUED,
        retry_failed: float = RETRY_FAILED_SECONDS,
        on_idle: Callable[[], object] = trim_heap,
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-models")
        self._capacity = queue + 1
        # Work a read asks for in passing (a story's new summary) takes at most half the places, so
        # the requests that wait for their answer (an ingest, a summary) are not crowded out by it.
        self._background_capacity = max(1, self._capacity // 2)
        self._lock = threading.Lock()
        self._taken = 0
        self._pending_keys: set[object] = set()
        self._retry_failed = retry_failed
        self._on_idle = on_idle
        self._failed: OrderedDict[object, float] = OrderedDict()  # key -> when its work last failed
        self._seconds = 5.0  # a running mean of how long one piece takes, for Retry-After

    @property
    def waiting(self) -> int:
        """Pieces of work queued or running."""
        return self._taken

    def _take(self) -> None:
        with self._lock:
            if self._taken >= self._capacity:
                raise Busy(max(1, round(self._seconds * self._taken)))
            self._taken += 1

    def _run(self, function: Callable[[], T], key: object = None) -> T:
        started = time.perf_counter()
        failed = False
        try:
            return function()
        except BaseException:
            failed = True
            raise
        finally:
            with self._lock:
                self._taken -= 1
                self._pending_keys.discard(key)
                self._seconds = 0.8 * self._seconds + 0.2 * (time.perf_counter() - started)
                if key is not None:
                    self._note_outcome(key, failed)
                idle = self._taken == 0
            if idle:
                self._on_idle()

    def _note_outcome(self, key: object, failed: bool) -> None:
        """Remember when background work under ``key`` failed (held back for a while), or forget it."""
        if not failed:
            self._failed.pop(key, None)
            return
        self._failed[key] = time.monotonic()
        self._failed.move_to_end(key)
        while len(self._failed) > MAX_FAILED_KEYS:
            self._failed.popitem(last=False)

    async def run(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the model thread and wait for it without holding up the event loop.

        Raises:
            Busy: the queue is full.
        """
        self._take()
        return await asyncio.wrap_future(self._executor.submit(self._run, function))

    def start(self, key: object, function: Callable[[], object]) -> bool:
        """Queue ``function`` without waiting for it, unless work under ``key`` is queued already, failed
        less than ``retry_failed`` seconds ago, or the queue is half full (it is then left for a later
        call); True when queued."""
        with self._lock:  # one check and one claim, so two reads at once never queue one story twice
            if key in self._pending_keys or self._taken >= self._background_capacity:
                return False
            failed = self._failed.get(key)
            if failed is not None and time.monotonic() - failed < self._retry_failed:
                return False
            self._taken += 1
            self._pending_keys.add(key)
        future = self._executor.submit(self._run, function, key)
        future.add_done_callback(self._done)
        return True

    def _done(self, future: Future[object]) -> None:
        error = None if future.cancelled() else future.exception()
        if error is not None:
            log.error("background model work failed (not tried again for %.0f s): %s", self._retry_failed, error)
            log.debug("the failure", exc_info=error)

    def close(self) -> None:
        """Stop taking work; what is queued is dropped, and what runs is waited for (so the store it
        writes to is not closed under it)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
