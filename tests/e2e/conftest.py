"""Shared by the end-to-end tests: one real Ray cluster for every test that needs one, and a real
uvicorn server for an app (:func:`serving`).

The cluster is a head node on 127.0.0.1 at a free port (``ray start --head --block``, ended by its
process id when the session is done), started on first use, so a run that needs no Ray starts none
and the batch and ingest Ray tests share one (starting a cluster takes several seconds).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
# A throwaway cluster on the loopback interface: no token to share between head and drivers.
RAY_ENV = {**os.environ, "RAY_AUTH_MODE": "disabled"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 at a free port, in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def summarized(client: Any, story_id: int, *, timeout: float = 240) -> dict[str, Any]:
    """GET /stories/{story_id} until its summary is made and current (``updating`` false), with an
    httpx client of a served app; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = client.get(f"/stories/{story_id}")
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        if not data["updating"]:
            return data
        assert time.monotonic() < deadline, f"story {story_id}: no current summary after {timeout} s"
        time.sleep(0.2)


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    """A one-node Ray cluster on 127.0.0.1 with two CPUs, for the session's tests."""
    pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray engine tests")
    port = _free_port()
    # Ray's socket paths must stay short, so not under pytest's deep tmp_path.
    temp_dir = tempfile.mkdtemp(prefix="slray", dir="/tmp")
    command = [
        str(BIN / "ray"),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        "--num-cpus=2",
        "--include-dashboard=false",
        f"--temp-dir={temp_dir}",
        "--disable-usage-stats",
    ]
    log_path = Path(temp_dir) / "head.log"
    with log_path.open("wb") as log:
        head = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=RAY_ENV, start_new_session=True)
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if head.poll() is not None:
                error = log_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"ray start --head exited with {head.returncode}: {error[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the Ray head did not open its port within 60 s")
                time.sleep(0.2)
        yield address
    finally:
        # --block keeps the head's processes under this one: ending it ends them.
        head.send_signal(signal.SIGTERM)
        try:
            head.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
