"""Golden output on the bundled example cluster. Regenerate with ``pytest --update-golden``
and review the diff like code."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import Config, Pipeline, read, render
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.model

GOLDEN = Path(__file__).parent / "harbor-bridge"


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_golden_example(fmt: str, update_golden: bool) -> None:
    summary = Pipeline(Config()).summarize(read(EXAMPLE))
    output = render(summary, fmt)  # type: ignore[arg-type]
    expected = GOLDEN / f"expected.{fmt}"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        expected.write_text(output, encoding="utf-8")
    assert expected.exists(), "no golden file yet: run pytest tests/golden --update-golden and review it"
    assert output == expected.read_text(encoding="utf-8")
