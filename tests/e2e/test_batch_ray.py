"""``storyline batch --engine ray`` against a real Ray cluster started by the test (real models).

The cluster is the session's ``ray_address`` (tests/e2e/conftest.py, shared with the ingest
tests); the batch runs join it with ``--address``, in a
separate process like a user's, and their output is compared byte for byte with what
``--engine local`` writes for the same input.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from storyline.cli import EXIT_SKIPPED, EXIT_USAGE, main
from tests.conftest import BAD, EXAMPLE
from tests.e2e.conftest import BIN, RAY_ENV

pytestmark = [pytest.mark.model, pytest.mark.slow]

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray engine tests")

LEDGER = (EXAMPLE / "port-wendell-ledger.txt").read_text(encoding="utf-8")
COURIER = (EXAMPLE / "saltmarsh-courier.txt").read_text(encoding="utf-8")
FENMORE = json.loads((EXAMPLE / "fenmore-press-agency.json").read_text(encoding="utf-8"))
GERMAN = (BAD / "german.txt").read_text(encoding="utf-8")


def _write(path: Path, *records: object) -> Path:
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _clusters(count: int) -> list[object]:
    """Small clusters of the example articles, each a different mix so the summaries differ."""
    mixes = [[LEDGER, COURIER], [FENMORE, LEDGER], [COURIER, FENMORE], [LEDGER, COURIER, FENMORE]]
    return [{"id": f"c{number}", "documents": mixes[number % len(mixes)]} for number in range(count)]


def _local(capsys: pytest.CaptureFixture[str], source: Path, out: Path) -> int:
    code = main(["batch", str(source), "-o", str(out), "--words", "60", "--compare", "-q"])
    capsys.readouterr()
    return code


def _ray_command(source: Path, out: Path, address: str, *extra: str) -> list[str]:
    return [
        str(BIN / "storyline"),
        "batch",
        str(source),
        "-o",
        str(out),
        "--words",
        "60",
        "--compare",
        "--engine",
        "ray",
        "--address",
        address,
        *extra,
    ]


def test_ray_writes_what_local_writes_and_a_failing_record_does_not_stop_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ray_address: str
) -> None:
    records = _clusters(3)
    records[1:1] = ["{not json", {"id": "german", "documents": [GERMAN]}]
    source = _write(tmp_path / "in.jsonl", *records)
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert _local(capsys, source, local) == EXIT_SKIPPED
    run = subprocess.run(
        _ray_command(source, distributed, ray_address, "--workers", "2"),
        capture_output=True,
        text=True,
        timeout=300,
        env=RAY_ENV,
    )
    assert run.returncode == EXIT_SKIPPED, run.stderr
    assert "Traceback" not in run.stderr
    assert "3 summarized, 2 failed" in run.stderr
    assert distributed.read_bytes() == local.read_bytes()
    lines = [json.loads(line) for line in distributed.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["c0", None, "german", "c1", "c2"]
    assert "error" in lines[1] and "error" in lines[2] and "comparison" in lines[3]


def test_ray_resumes_after_a_killed_run(capsys: pytest.CaptureFixture[str], tmp_path: Path, ray_address: str) -> None:
    source = _write(tmp_path / "in.jsonl", *_clusters(8))
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert _local(capsys, source, local) == 0
    run = subprocess.Popen(
        _ray_command(source, distributed, ray_address, "--workers", "1", "--chunk", "2", "-q"),
        stderr=subprocess.PIPE,
        env=RAY_ENV,
    )
    deadline = time.monotonic() + 240
    while not (distributed.exists() and distributed.read_bytes().count(b"\n") >= 1):
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        assert time.monotonic() < deadline, "the first record was not written within 240 s"
        time.sleep(0.02)
    run.kill()
    run.wait()
    if run.stderr:
        run.stderr.close()
    written = distributed.read_bytes().count(b"\n")
    assert 1 <= written < 8, "the run was to be killed part way"
    resumed = subprocess.run(
        _ray_command(source, distributed, ray_address, "--workers", "2", "--resume"),
        capture_output=True,
        text=True,
        timeout=300,
        env=RAY_ENV,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{8 - written} summarized, 0 failed, {written} already done" in resumed.stderr
    assert distributed.read_bytes() == local.read_bytes()


def test_an_address_without_the_ray_engine_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", *_clusters(1))
    code = main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--address", "127.0.0.1:6379"])
    assert code == EXIT_USAGE
    assert "--engine ray" in capsys.readouterr().err
