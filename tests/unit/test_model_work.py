"""The model thread's queue (issue 32): work a read asks for in passing is queued once a key, takes at
most half the places, and a full queue refuses work that would wait (Busy) at once."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from storyline.api.work import Busy, ModelWork
from storyline.memory import _malloc_trim


def test_issue_32_background_work_is_queued_once_a_key_and_leaves_room_for_requests() -> None:
    work = ModelWork(queue=8)  # 9 places, 4 of them for background work
    gate = threading.Event()
    ran: list[int] = []
    try:
        assert work.start(("story", 1), gate.wait)  # runs, and holds the thread until the gate opens
        assert work.start(("story", 2), lambda: ran.append(2))
        assert not work.start(("story", 2), lambda: ran.append(-2))  # queued already: not twice
        assert work.start(("story", 3), lambda: ran.append(3))
        assert work.start(("story", 4), lambda: ran.append(4))
        assert not work.start(("story", 5), lambda: ran.append(5))  # half the places taken: left for later
        assert work.waiting == 4

        async def request() -> str:
            return await work.run(lambda: "answered")

        async def requests() -> list[str]:
            # A request still finds room behind the background work, up to the queue's size.
            waiting = [asyncio.ensure_future(request()) for _ in range(5)]
            await asyncio.sleep(0)
            with pytest.raises(Busy):
                await request()
            gate.set()
            return list(await asyncio.gather(*waiting))

        assert asyncio.run(requests()) == ["answered"] * 5
    finally:
        gate.set()
        work.close()
    assert ran == [2, 3, 4] and work.waiting == 0


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(_malloc_trim() is None or not Path("/proc/self/status").exists(), reason="needs glibc and /proc")
def test_issue_32_memory_the_model_work_frees_goes_back_to_the_system() -> None:
    """A server's resident size must not stay at its largest piece of work: what the work freed is
    handed back once the queue is empty (without it, the 100 MB below stay resident)."""
    work = ModelWork()
    kept: list[bytes] = []

    def allocate() -> None:
        blocks = [bytes(2000) for _ in range(50_000)]  # about 100 MB in malloc'd blocks, on the model thread
        kept.append(blocks[-1])  # the last block stays, so the heap cannot simply shrink from its top
        del blocks

    try:
        before = _resident_mb()
        asyncio.run(work.run(allocate))
        assert work.waiting == 0
        assert _resident_mb() - before < 40
    finally:
        work.close()


def test_issue_32_background_work_that_failed_is_held_back_before_it_is_tried_again() -> None:
    """A story whose summary fails is not remade on every read of it, only once the wait is over."""
    work = ModelWork(retry_failed=0.5)
    calls: list[str] = []

    def fail() -> None:
        calls.append("failed")
        raise ValueError("an article the models cannot take")

    def settle() -> None:
        deadline = time.monotonic() + 10
        while work.waiting and time.monotonic() < deadline:
            time.sleep(0.01)

    try:
        assert work.start(("story", 7), fail)
        settle()
        assert not work.start(("story", 7), fail)  # failed a moment ago: held back
        assert work.start(("story", 8), lambda: calls.append("other"))  # other keys are not
        settle()
        time.sleep(0.6)
        assert work.start(("story", 7), lambda: calls.append("made"))  # the wait is over
        settle()
        assert work.start(("story", 7), lambda: calls.append("again"))  # and a success forgets the failure
        settle()
        assert calls == ["failed", "other", "made", "again"]
    finally:
        work.close()
