"""The real sentence encoder: repeated texts encoded once, bfloat16 weights close to float32's, and the
onnxruntime backend giving torch's vectors without importing torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from storyline.config import DEFAULT_EMBEDDING_MODEL, Config
from storyline.errors import ConfigError, ModelLoadError
from storyline.memory import trim_heap
from storyline.nlp.embed import OnnxEncoder, SentenceTransformerEncoder, load_encoder, resolve_model
from storyline.nlp.export_onnx import ExportError, onnx_path, read_spec

pytestmark = pytest.mark.model

SENTENCES = [
    "The bridge reopened on Thursday after a six-week repair.",
    "Officials said the repair cost $4.2 million.",
    "The bridge reopened on Thursday after a six-week repair.",  # a wire copy in a second outlet
    "Traffic was light in the first hour.",
    "Officials said the repair cost $4.2 million.",
]


@pytest.mark.parametrize(("backend", "precision"), [("torch", "float32"), ("torch", "bfloat16"), ("onnx", "float32")])
def test_a_repeated_text_gets_the_same_row_as_its_first_copy(backend: str, precision: str) -> None:
    encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, precision=precision, backend=backend)
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (5, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[1], vectors[4])
    alone = encoder.encode(["Traffic was light in the first hour."])
    np.testing.assert_allclose(alone[0], vectors[3], atol=2e-2 if precision == "bfloat16" else 1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_bfloat16_vectors_are_nearly_those_of_float32() -> None:
    exact = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="float32", backend="torch").encode(SENTENCES)
    rounded = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="bfloat16", backend="torch").encode(SENTENCES)
    cosines = np.sum(exact * rounded, axis=1)
    assert cosines.min() > 0.999
    # Nearly is not identical: the two loads really run in different number formats.
    assert not np.array_equal(exact, rounded)


def test_an_unknown_precision_is_refused_with_the_choices() -> None:
    with pytest.raises(ModelLoadError, match="float32, bfloat16"):
        load_encoder(DEFAULT_EMBEDDING_MODEL, precision="int4")
    with pytest.raises(ConfigError, match="embedding_precision"):
        Config(embedding_precision="half")


@pytest.mark.parametrize(("backend", "precision"), [("torch", "float32"), ("torch", "bfloat16"), ("onnx", "float32")])
def test_a_text_gets_the_same_vector_whatever_is_encoded_with_it(backend: str, precision: str) -> None:
    # Padded to the longest text of its batch, a short sentence batched with a long one came out
    # different in the third decimal (bfloat16) from the same sentence alone; encoded among texts
    # of its own padded length (PAD_MULTIPLE) it comes out the same, so clusters can share the
    # encoder's batches. Without the grouping this fails in both precisions. onnxruntime runs each
    # text among texts of its own token count, unpadded, and fills no batch.
    encoder = load_encoder(DEFAULT_EMBEDDING_MODEL, precision=precision, backend=backend)
    texts = [
        *dict.fromkeys(SENTENCES),
        "Harbour officials, who had warned for two years that the span's corroded bearings could fail "
        "under the weight of loaded container lorries, said on Thursday that the repair, paid for by the "
        "port authority and the county, had come in under budget and a week ahead of the schedule.",
        "Shares rose.",
        "The mayor, speaking at the reopening, thanked the crews who worked through the storm.",
    ]
    together = encoder.encode(texts)
    for index, text in enumerate(texts):
        np.testing.assert_array_equal(encoder.encode([text])[0], together[index])
    np.testing.assert_array_equal(encoder.encode(texts[1::2]), together[1::2])


# --- the onnxruntime backend (issue 37) --------------------------------------------------------

#: Sentences of one token count each, differing in one word: onnxruntime batches them together.
SAME_LENGTH = [
    f"The {word} council voted on the harbour budget late on Thursday."
    for word in ("city", "county", "port", "state", "town", "school", "water", "health", "police", "fire")
] * 2 + [f"Officials said the {word} would reopen in May." for word in ("bridge", "road", "park", "mall", "pier")]


def _onnx(threads: int | None = None) -> OnnxEncoder:
    """A fresh onnxruntime encoder of the bundled model with this many threads."""
    from storyline.nlp.export_onnx import onnx_path, read_spec

    load_encoder(DEFAULT_EMBEDDING_MODEL, backend="onnx")  # makes the export if the cache has none
    spec = read_spec(Path(resolve_model(DEFAULT_EMBEDDING_MODEL)))
    return OnnxEncoder.from_file(onnx_path(spec, DEFAULT_EMBEDDING_MODEL), spec, name="m", threads=threads)


def test_onnx_vectors_are_torchs_within_1e_4_cosine() -> None:
    texts = [*dict.fromkeys(SENTENCES), *SAME_LENGTH[:10], "Shares rose.", "A" * 3000]  # the last is cut at 256
    onnx = load_encoder(DEFAULT_EMBEDDING_MODEL, backend="onnx").encode(texts)
    torch = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="float32", backend="torch").encode(texts)
    cosines = np.sum(onnx * torch, axis=1)
    assert cosines.min() > 1 - 1e-4
    assert cosines.min() > 1 - 1e-6  # each component within 3e-7 on 1,976 DUC and Multi-News sentences (docs/timing.md)
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("threads", [1, 2])
def test_onnx_vectors_do_not_depend_on_the_batch_or_the_threads(threads: int) -> None:
    # The property the torch path gets by filling every batch to 16 rows: bit for bit, a text's
    # vector is the same alone, in a full batch, in a partly full one, in chunks, on 1 or 2 threads.
    encoder = _onnx(threads)
    together = encoder.encode(SAME_LENGTH)
    alone = np.vstack([encoder.encode([text]) for text in SAME_LENGTH])
    np.testing.assert_array_equal(alone, together)
    chunks = [SAME_LENGTH[:3], [], SAME_LENGTH[3:20], SAME_LENGTH[20:]]
    np.testing.assert_array_equal(encoder.encode_stream(chunks), together)
    np.testing.assert_array_equal(_onnx(1).encode(SAME_LENGTH[::3]), together[::3])


def test_the_auto_backend_is_onnx_and_bfloat16_takes_torch() -> None:
    assert isinstance(load_encoder(DEFAULT_EMBEDDING_MODEL), OnnxEncoder)
    assert isinstance(load_encoder(DEFAULT_EMBEDDING_MODEL, precision="bfloat16"), SentenceTransformerEncoder)
    with pytest.raises(ModelLoadError, match=r"bfloat16.*--embedding-backend torch"):
        load_encoder(DEFAULT_EMBEDDING_MODEL, precision="bfloat16", backend="onnx")
    with pytest.raises(ModelLoadError, match="auto, onnx, torch"):
        load_encoder(DEFAULT_EMBEDDING_MODEL, backend="tensorflow")
    with pytest.raises(ConfigError, match="embedding_backend"):
        Config(embedding_backend="tensorflow")


def test_the_onnx_path_imports_no_torch() -> None:
    code = (
        "import sys\n"
        "from storyline.config import Config\n"
        "from storyline.pipeline import Pipeline\n"
        "summary = Pipeline(Config()).summarize(['The harbour bridge reopened on Thursday after a six-week repair "
        "that cost the county $4.2 million, officials said, and traffic was light in the first hour.'])\n"
        "assert summary.sentences, summary\n"
        "print('torch' in sys.modules, type(Pipeline(Config()).encoder).__name__)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert found.stdout.split() == ["False", "OnnxEncoder"], found.stderr


def test_the_bundled_model_is_read_as_mean_pooled_and_normalised() -> None:
    spec = read_spec(Path(resolve_model(DEFAULT_EMBEDDING_MODEL)))
    assert (spec.pooling, spec.normalize, spec.max_length) == ("mean", True, 256)
    assert spec.tokenizer_file.is_file()


def _model_folder(folder: Path, pooling: str = "pooling_mode_mean_tokens") -> Path:
    """A sentence-transformers folder of small files (no weights): enough for read_spec and the key."""
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text(
        '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},'
        ' {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]',
        encoding="utf-8",
    )
    (folder / "1_Pooling" / "config.json").write_text(f'{{"word_embedding_dimension": 8, "{pooling}": true}}', "utf-8")
    (folder / "sentence_bert_config.json").write_text('{"max_seq_length": 128, "do_lower_case": false}', "utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def test_the_cache_file_is_keyed_by_the_models_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path / "cache"))
    spec = read_spec(_model_folder(tmp_path / "model"))
    assert (spec.pooling, spec.normalize, spec.max_length) == ("mean", False, 128)
    first = onnx_path(spec, "my/model")
    assert first.parent == tmp_path / "cache" / "onnx" and first.name.startswith("my-model-")
    assert onnx_path(spec, "my/model") == first
    (tmp_path / "model" / "model.safetensors").write_bytes(b"other weights")
    assert onnx_path(spec, "my/model") != first


def test_a_model_the_exporter_does_not_know_is_said(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="only the mean or the CLS token"):
        read_spec(_model_folder(tmp_path / "max", pooling="pooling_mode_max_tokens"))
    with pytest.raises(ExportError, match="not a sentence-transformers model directory"):
        read_spec(tmp_path)


def test_a_failed_export_falls_back_to_torch_once_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import storyline.nlp.export_onnx as export_onnx

    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path))
    calls: list[Path] = []

    def fail(spec: object, path: Path) -> Path:
        calls.append(path)
        raise ExportError("no exporter here")

    monkeypatch.setattr(export_onnx, "export", fail)
    load_encoder.cache_clear()
    try:
        with caplog.at_level("INFO", logger="storyline"):
            assert isinstance(load_encoder(DEFAULT_EMBEDDING_MODEL), SentenceTransformerEncoder)
        assert len(calls) == 1 and "no exporter here" in caplog.text
        assert calls[0].with_suffix(".failed").is_file()
        load_encoder.cache_clear()
        with pytest.raises(ModelLoadError, match="its export failed before: no exporter here"):
            load_encoder(DEFAULT_EMBEDDING_MODEL, backend="onnx")
        assert len(calls) == 1  # not tried on every start
    finally:
        load_encoder.cache_clear()


@pytest.mark.slow
def test_the_export_script_makes_a_file_that_gives_torchs_vectors(tmp_path: Path) -> None:
    # The committed script, from nothing: torch exports, the check against sentence-transformers passes.
    environment = {**os.environ, "STORYLINE_CACHE_DIR": str(tmp_path)}
    made = subprocess.run(
        [sys.executable, "-m", "storyline.nlp.export_onnx"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=600,
    )
    path = Path(made.stdout.strip())
    assert path.parent == tmp_path / "onnx" and path.is_file() and path.stat().st_size > 50_000_000
    spec = read_spec(Path(resolve_model(DEFAULT_EMBEDDING_MODEL)))
    vectors = OnnxEncoder.from_file(path, spec, name="m").encode(SENTENCES)
    torch = load_encoder(DEFAULT_EMBEDDING_MODEL, precision="float32", backend="torch").encode(SENTENCES)
    assert np.sum(vectors * torch, axis=1).min() > 1 - 1e-6
    again = subprocess.run(
        [sys.executable, "-m", "storyline.nlp.export_onnx"], capture_output=True, text=True, env=environment, check=True
    )
    assert again.stdout.strip() == str(path) and "exporting" not in again.stderr  # found, not made again


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_issue_32_the_onnx_encoder_gives_back_what_its_largest_batch_took() -> None:
    """onnxruntime's arena grows to the largest batch and keeps it: a server would hold 170 MB more
    after one batch of long sentences. release_memory gives it back, and the vectors stay the same."""
    encoder = _onnx(1)
    words = ("the committee said on tuesday that the new rules would take effect next year " * 20).split()
    long = [" ".join([str(row), *words[:190]]) for row in range(16)]  # 16 rows near the 256-token limit
    short = ["The committee said the rules would take effect next year."]
    before = encoder.encode(short)
    baseline = _resident_mb()
    encoder.encode(long)
    grown = _resident_mb()
    encoder.release_memory()
    trim_heap()
    released = _resident_mb()
    assert grown - baseline > 60
    assert released - baseline < (grown - baseline) / 3
    np.testing.assert_array_equal(encoder.encode(short), before)
