"""Shared fixtures: repository paths, the third-party data folder, the golden-file switch."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLE = REPO / "examples" / "harbor-bridge"
BAD = REPO / "examples" / "bad"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*/expected.* from the current output"
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """../shared/seeds, or skip: the seed story is third-party text and lives outside the repo."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed story not found at {path}: put the shared folder beside the repository to run this test")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip with a message saying where it was looked for."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path}: put the shared folder beside the repository")
    return path


@pytest.fixture(scope="session")
def entry_point() -> str:
    """The installed ``storyline`` command of this environment, or skip."""
    found = shutil.which("storyline", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("the storyline entry point is not installed in this environment (run make setup)")
    return found
