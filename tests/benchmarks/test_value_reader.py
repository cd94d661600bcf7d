"""Tests of the fine-tuned sentence reader's pieces (benchmarks/value_reader.py): the adapters,
the extra column, the training loop on the real all-MiniLM-L6-v2, the option checks. No data."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest

from storyline.select.coverage import LinearModel

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks.value_reader."""
    return importlib.import_module("benchmarks.value_reader")


def test_an_adapter_starts_as_its_base_and_then_adds_its_low_rank_update(bench: ModuleType) -> None:
    base = torch.nn.Linear(6, 4)
    adapted = bench.low_rank(base, 2)
    x = torch.randn(3, 6)
    assert torch.allclose(adapted(x), base(x))
    with torch.no_grad():
        adapted.B.fill_(0.5)
    expected = base(x) + (x @ adapted.A.T) @ adapted.B.T
    assert torch.allclose(adapted(x), expected)
    assert not torch.allclose(adapted(x), base(x))


def test_the_reader_score_is_the_last_column_the_value_weighs(bench: ModuleType) -> None:
    model = LinearModel(("lead",), (0.0,), (1.0,), (2.0,), 0.5, vector_coef=(1.0, 0.0, 3.0), encoder="x")
    cluster = SimpleNamespace()
    value = bench.WithReader(model, {id(cluster): np.array([1.0, -1.0])})
    value.see(cluster)
    matrix = np.array([[1.0], [0.0]])
    vectors = np.array([[1.0, 9.0], [0.0, 9.0]], dtype=np.float32)
    # 2 * lead + 0.5 + first component + 3 * reader score
    assert value.predict(matrix, vectors) == pytest.approx([2 + 0.5 + 1 + 3, 0.5 - 3])
    rows = bench.Rows(matrix, vectors.astype(np.float64), np.zeros(2), np.zeros(2, dtype=int), ["a", "b"])
    widened = bench.with_column(rows, np.array([1.0, -1.0]))
    assert widened.vectors.shape == (2, 3) and widened.texts == ["a", "b"]


def test_the_reader_learns_to_tell_captions_from_facts(bench: ModuleType) -> None:
    captions = [f"Photo {n}: Getty Images / staff photographer." for n in range(12)]
    facts = [f"The storm killed {n + 3} people and cut power to {n + 2},000 homes on Tuesday." for n in range(12)]
    reader = bench.Reader(rank=4, seed=0)
    adapted = [name for name, weight in reader.model.named_parameters() if weight.requires_grad]
    assert len(adapted) == 6 * 6 * 2 and all(name.endswith((".A", ".B")) for name in adapted)  # base frozen
    assert reader.score(captions[:2] + facts[:2]) == pytest.approx([0.0] * 4)  # the head starts at zero
    targets = np.array([-1.0] * len(captions) + [1.0] * len(facts))
    losses = reader.train(captions + facts, targets, epochs=6, batch=8, rate=5e-3)
    assert losses
    new_captions = ["Photo: Reuters / file picture.", "Image courtesy of the family."]
    new_facts = ["Officials said 40 people were injured when the bridge collapsed on Monday."]
    caption_scores, fact_scores = reader.score(new_captions), reader.score(new_facts)
    assert max(caption_scores) < min(fact_scores)


def test_options_are_checked(bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(tmp_path / "missing.jsonl.gz")]) == 2
    assert "data missing" in capsys.readouterr().err
    data = tmp_path / "val.jsonl.gz"
    data.write_bytes(b"")
    with pytest.raises(SystemExit) as stopped:
        bench.main(["--data", str(data), "--reader-clusters", "5000"])
    assert stopped.value.code == 2
    assert "--reader-clusters must leave clusters" in capsys.readouterr().err
