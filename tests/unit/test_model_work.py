"""The model thread's queue (issue 32): work a read asks for in passing is queued once a key, takes at
most half the places, and a full queue refuses work that would wait (Busy) at once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from storyline.api.work import Busy, ModelWork


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
