"""``runners.ray.ordered_on_ray`` on the session's real Ray cluster: order kept, no actor left idle.

The driver is a separate Python process (a script run with the cluster's address), as a user's
``storyline batch --engine ray`` is; its actor class lives in that script, so Ray ships it by
value and the actors need nothing of the tests installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storyline.runners.ray import BATCHES_PER_ACTOR
from tests.e2e.conftest import RAY_ENV

pytestmark = [pytest.mark.slow]

pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run the Ray engine tests")

# Batch 0 takes SLOW seconds, every other one FAST; two actors. Each result says when it ended.
DRIVER = textwrap.dedent(
    """
    import json, sys, time
    import ray
    from storyline.runners.ray import ordered_on_ray

    SLOW, FAST = 4.0, 0.2

    class Sleeper:
        def work(self, batch):
            time.sleep(SLOW if batch == 0 else FAST)
            return {"batch": batch, "ended": time.time()}

    ray.init(address=sys.argv[1], include_dashboard=False, logging_level="ERROR")
    results = list(ordered_on_ray(ray, Sleeper, (), iter(range(12)), workers=2, label="test"))
    ray.shutdown()
    print(json.dumps(results))
    """
)


def test_a_slow_batch_keeps_its_place_and_does_not_hold_up_the_other_actor(tmp_path: Path, ray_address: str) -> None:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), ray_address], capture_output=True, text=True, timeout=180, env=RAY_ENV
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert [result["batch"] for result in results] == list(range(12))
    slow_end = results[0]["ended"]
    finished_meanwhile = sum(1 for result in results[1:] if result["ended"] < slow_end)
    # While batch 0 runs, the other actor goes on with the batches after it (about 4.0 / 0.2 of
    # them, up to the window), not only the BATCHES_PER_ACTOR it was given before the wait.
    assert finished_meanwhile > 2 * BATCHES_PER_ACTOR, finished_meanwhile
