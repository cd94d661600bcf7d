"""thinc operations whose matrix products run on numpy's BLAS instead of blis.

spaCy's CPU models multiply matrices through thinc's ``NumpyOps.gemm``, which calls the blis
library. On the development machine's AMD EPYC (Zen 4) blis 1.3 ran those products at a third to
a half of the speed numpy's bundled OpenBLAS reached on one thread (tok2vec and ner shapes, e.g.
4000 x 96 times 96 x 288: 25 against 49 GFLOP/s), and they were almost half of the spaCy stage.
The products are the same; only the order of the additions inside them may differ, which left
every sentence boundary and entity of 548 Multi-News paragraphs as it was.

Imported only when a spaCy pipeline is loaded (it needs thinc, which comes with spaCy).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from thinc.api import NumpyOps

__all__ = ["BlasOps"]


class BlasOps(NumpyOps):  # type: ignore[misc]  # thinc's Cython class is Any to mypy
    """``NumpyOps`` with ``gemm`` done by ``numpy.matmul``; everything else as thinc does it."""

    name = "storyline-blas"

    def gemm(
        self,
        x: Any,
        y: Any,
        out: Any = None,
        trans1: bool = False,
        trans2: bool = False,
    ) -> Any:
        """``x @ y`` (either transposed first when asked), into ``out`` when given."""
        first = x.T if trans1 else x
        second = y.T if trans2 else y
        if out is None:
            return np.matmul(first, second)
        np.matmul(first, second, out=out)
        return out
