"""The CI quality gates: the pinned ROUGE-2 floor on 100 Multi-News val clusters and the cleaner's
gate on all 181 extraction-benchmark pages. Both run the real benchmark scripts as a user would,
and skip with a message when ../shared/data is absent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT = REPO_ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.model


def run(module: str, *arguments: str, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *arguments, "--out", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO_ROOT,
    )  # fmt: skip


def test_rouge_gate_holds_the_pinned_floor(tmp_path: Path) -> None:
    if not (DATA_ROOT / "multi_news_plus" / "val.jsonl.gz").is_file():
        pytest.skip(f"Multi-News val not found under {DATA_ROOT}: the ROUGE gate needs ../shared/data")
    done = run("benchmarks.rouge", "multinews-val", "--gate", "--systems", "storyline", out=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "gate passed" in done.stdout


def test_cleaning_gate_passes_on_every_page(tmp_path: Path) -> None:
    if not (DATA_ROOT / "article_extraction_benchmark" / "ground-truth.json").is_file():
        pytest.skip(f"article extraction benchmark not found under {DATA_ROOT}: the cleaning gate needs it")
    done = run("benchmarks.cleaning", "--gate", out=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
