"""The engine checks and the Ray connection errors (storyline.runners), without models or a cluster.

Each error must come at once, as one line that says what to do: Ray itself would retry a closed
port for minutes, and an uninstalled Ray must not be a traceback.
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

from storyline.cli import EXIT_USAGE, main
from storyline.errors import ConfigError
from storyline.runners import check_engine
from storyline.runners.ray import ray_cluster
from tests.conftest import EXAMPLE


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _join(address: str | None, workers: int | None) -> None:
    with ray_cluster(address, workers):
        pass


@pytest.mark.parametrize(
    ("engine", "address", "words"),
    [("spark", None, "unknown engine 'spark'"), ("local", "127.0.0.1:6379", "engine='ray'")],
    ids=["unknown-engine", "address-without-ray"],
)
def test_check_engine_refuses(engine: str, address: str | None, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        check_engine(engine, address=address)


def test_an_unreachable_address_is_said_at_once() -> None:
    pytest.importorskip("ray")
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"cannot reach a Ray cluster at 127\.0\.0\.1:") as caught:
        _join(f"127.0.0.1:{_closed_port()}", None)
    assert time.monotonic() - started < 10
    assert "--address" in str(caught.value)


@pytest.mark.parametrize("address", ["head-node", "head-node:port", ":6379"])
def test_an_address_that_is_not_host_and_port_is_refused(address: str) -> None:
    pytest.importorskip("ray")
    with pytest.raises(ConfigError, match="not a Ray cluster address; give HOST:PORT"):
        _join(address, None)


def test_ray_not_installed_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(ConfigError, match=r"pip install 'storyline\[ray\]'"):
        _join(None, 2)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--address", "127.0.0.1:6379"], "--address is for the Ray engine; add --engine ray"),
        (["--workers", "2"], "--workers is for the Ray engine; add --engine ray"),
        (["--engine", "ray", "--address", "CLOSED"], "cannot reach a Ray cluster"),
        (["--engine", "ray", "--address", "nowhere"], "not a Ray cluster address"),
    ],
    ids=["address-without-ray", "workers-without-ray", "unreachable", "not-an-address"],
)
def test_ingest_engine_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], words: str
) -> None:
    if "--engine" in extra:
        pytest.importorskip("ray")
    extra = [f"127.0.0.1:{_closed_port()}" if item == "CLOSED" else item for item in extra]
    code = main(["ingest", "--db", str(tmp_path / "stories.db"), str(EXAMPLE / "port-wendell-ledger.txt"), *extra])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert words in err and "Traceback" not in err
    assert all(line.startswith("storyline:") for line in err.strip().splitlines())
    assert not (tmp_path / "stories.db").exists()  # no empty database left behind


def test_ingest_without_ray_installed_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    code = main(["ingest", "--db", str(tmp_path / "s.db"), str(EXAMPLE / "port-wendell-ledger.txt"), "--engine", "ray"])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "the Ray engine needs Ray" in err and "pip install 'storyline[ray]'" in err and "Traceback" not in err
