"""The cheap gate of benchmarks/watch.py: a few DUC 2004 articles through the whole benchmark (a local site
of two hosts, two rounds, the stories scored), checking what must hold at any size (issue 34)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from benchmarks import watch

pytestmark = pytest.mark.model


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_small_watch_run_stores_everything_with_the_fewest_requests(shared_data: Path, tmp_path: Path) -> None:
    argv = ["--limit", "6", "--feeds", "2", "--interval", "0.05", "--latency", "0.01", "0.02"]
    code = watch.main([*argv, "--port", str(_free_port()), "--out", str(tmp_path), "--data", str(shared_data)])
    assert code == 0
    result = json.loads((tmp_path / "watch-limit6.json").read_text())
    assert result["stored"] == result["articles"] == 6
    assert result["requests_round_1_total"] == result["requests_round_1_minimum"] == 2 + 2 + 6
    assert result["round_2_requests"] == {"feed": 2, "not-modified": 2}
    assert result["round_2_pages_fetched"] == 0
    assert 0 < result["bcubed_f1"] <= 1 and 0 < result["agreement_with_ingest_of_duc_texts_bcubed_f1"] <= 1
    # watch groups the articles it read exactly as ingest groups the same articles
    assert result["same_stories_as_ingest"] is True
    assert result["agreement_with_ingest_same_pages_bcubed_f1"] == 1.0
    assert result["ingest_same_pages_stored"] == result["stored"]
