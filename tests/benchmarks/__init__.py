"""Tests of the benchmark scripts; ``load_benchmark`` imports one of them as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_benchmark(script: str, name: str) -> ModuleType:
    """Import ``benchmarks/<script>`` as the module ``name`` (benchmarks/ is not a package).

    The module is registered in ``sys.modules`` (dataclasses look their module up there), and
    benchmarks/ is put on the path for the scripts that import each other.
    """
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
