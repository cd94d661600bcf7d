"""Batch record parsing, error records and resume bookkeeping (batch.py), without models.

Every record here fails before it reaches the pipeline, or is already done, so no model is
loaded; tests/e2e/test_batch.py summarizes real clusters.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from storyline.batch import RecordResult, _documents, chunked, read_done, run_batch
from storyline.errors import ConfigError, InputError
from storyline.limits import LineTooLong, bounded_lines

GOOD_ID_NO_DOCS = json.dumps({"id": "c1", "documents": []})


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("line", "expected_id", "words"),
    [
        ("not json {", None, "line 1: not valid JSON"),
        (b'{"id": "caf\xe9"}', None, "line 1: not UTF-8"),
        ("[1, 2]", None, "got a list"),
        (json.dumps({"documents": ["text"]}), None, "record has no 'id'"),
        (json.dumps({"id": 7, "documents": ["text"]}), None, "'id' is a number"),
        (json.dumps({"id": "  ", "documents": ["text"]}), None, "'id' is an empty string"),
        (json.dumps({"id": "c1"}), "c1", "record 'c1' (line 1): record has no 'documents'"),
        (GOOD_ID_NO_DOCS, "c1", "'documents' is an empty list"),
        (json.dumps({"id": "c1", "documents": "one text"}), "c1", "'documents' is a string"),
        (json.dumps({"id": "c1", "documents": [5, {"title": "t"}]}), "c1", "no usable document (d1: expected text"),
    ],
    ids=[
        "not-json",
        "not-utf8",
        "not-object",
        "no-id",
        "number-id",
        "blank-id",
        "no-documents",
        "empty-documents",
        "documents-string",
        "no-usable-document",
    ],
)
def test_bad_record_gives_one_error_line(
    tmp_path: Path, line: str | bytes, expected_id: str | None, words: str
) -> None:
    out = tmp_path / "out.jsonl"
    seen: list[RecordResult] = []
    counts = run_batch([line], out, progress=seen.append)
    assert (counts.ok, counts.failed) == (0, 1)
    [record] = _lines(out)
    assert record == {"id": expected_id, "line": 1, "error": record["error"]}
    assert words in record["error"]
    assert "\n" not in record["error"] and ";" in record["error"], "one line, saying what to do"
    assert [result.status for result in seen] == ["failed"]


def test_line_numbers_count_blank_lines_and_records_keep_their_order(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    lines = ["\ufeff" + json.dumps({"id": "b", "documents": []}), "", "  ", "oops", json.dumps({"id": "a"})]
    counts = run_batch(lines, out)
    assert counts.failed == 3
    assert [(r["id"], r["line"]) for r in _lines(out)] == [("b", 1), (None, 4), ("a", 5)]


def test_second_record_with_the_same_id_fails(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_batch([GOOD_ID_NO_DOCS, GOOD_ID_NO_DOCS], out)
    second = _lines(out)[1]
    assert second["id"] == "c1" and "already used on line 1" in second["error"]


def test_parsed_records_are_accepted(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    run_batch([{"id": "c1", "documents": []}], out)
    assert _lines(out)[0]["id"] == "c1"


def test_documents_get_position_ids_and_unique_ids() -> None:
    usable, problems = _documents(
        ["first text", {"text": "second", "id": "d1", "title": "T", "url": None}, {"text": "third", "id": 9}]
    )
    assert [(d.id, d.text) for d in usable] == [("d1", "first text"), ("d1-2", "second"), ("9", "third")]
    assert usable[1].title == "T" and usable[1].url is None
    [note] = problems
    assert not note.skipped and "d1-2" in note.message


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (None, "got null"),
        (["text"], "got a list"),
        ({"title": "T"}, "no 'text'"),
        ({"text": 5}, "field 'text' must be a string"),
        ({"text": "t", "source": ["a"]}, "field 'source' must be a string"),
    ],
)
def test_unusable_documents_are_problems(document: object, words: str) -> None:
    usable, problems = _documents(["fine text", document])
    assert [d.id for d in usable] == ["d1"]
    [problem] = problems
    assert problem.skipped and problem.input == "d2" and words in problem.message


def test_read_done_missing_file_holds_nothing(tmp_path: Path) -> None:
    assert read_done(tmp_path / "none.jsonl") == (set(), set())


def test_read_done_cuts_off_a_partial_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    whole = '{"id": "a", "summary": "x"}\n{"id": null, "line": 4, "error": "e"}\n'
    out.write_text(whole + '{"id": "b", "summ', encoding="utf-8")
    assert read_done(out) == ({"a"}, {4})
    assert out.read_text(encoding="utf-8") == whole


def test_read_done_ends_a_whole_last_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\n{"id": "b", "summary": "x"}', encoding="utf-8")
    assert read_done(out) == ({"a", "b"}, set())
    assert out.read_text(encoding="utf-8") == '{"id": "a"}\n{"id": "b", "summary": "x"}\n'


@pytest.mark.parametrize(
    "content",
    ["# notes\n", '{"id": "a"}\n[1]\n{"id": "b"}\n', '{"id": "a"}\nmy notes', '{"id": "a"}\n[2]'],
    ids=["not-json", "no-id", "unended-text", "unended-list"],
)
def test_read_done_refuses_a_file_that_is_not_batch_output(tmp_path: Path, content: str) -> None:
    out = tmp_path / "notes.txt"
    out.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="not a batch output line"):
        read_done(out)
    assert out.read_text(encoding="utf-8") == content, "a file that is not ours is left alone"


def test_resume_skips_done_ids_and_id_less_failures(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    before = '{"id": "c1", "summary": "kept"}\n{"id": null, "line": 2, "error": "old"}\n'
    out.write_text(before, encoding="utf-8")
    seen: list[RecordResult] = []
    counts = run_batch([GOOD_ID_NO_DOCS, "oops", json.dumps({"id": "c2"})], out, resume=True, progress=seen.append)
    assert (counts.done, counts.failed, counts.ok) == (2, 1, 0)
    assert [result.status for result in seen] == ["done", "done", "failed"]
    assert out.read_text(encoding="utf-8").startswith(before)
    assert [r["id"] for r in _lines(out)] == ["c1", None, "c2"]


def test_workers_below_one_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="workers"):
        run_batch([], tmp_path / "out.jsonl", workers=0)


def test_chunks_close_at_their_size_or_their_characters() -> None:

    texts = ["a" * 10, "b" * 10, "c" * 40, "d" * 5, "e" * 5, "f" * 5, "g" * 5]
    chunks = list(chunked(texts, 3, 50, len))
    # 10+10+40 reaches 50 at the third; then three short ones fill the size; the last is left over.
    assert chunks == [texts[:3], texts[3:6], texts[6:]]
    assert list(chunked([], 3, 50, len)) == []
    assert list(chunked(["x" * 99], 3, 50, len)) == [["x" * 99]]


class _Recording(io.BytesIO):
    """A file that remembers the most it was asked to read at once."""

    largest = 0

    def readline(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size if size is not None and size >= 0 else len(self.getvalue()))
        return super().readline(size)


def test_issue_32_bounded_lines_never_holds_more_of_a_line_than_the_limit() -> None:
    handle = _Recording(b"short\n" + b"x" * 3_000_000 + b"\n" + b"y" * 9 + b"\n" + b"z" * 11)
    lines = list(bounded_lines(handle, limit=10))
    assert lines == [b"short\n", LineTooLong(3_000_001, 10), b"y" * 9 + b"\n", LineTooLong(11, 10)]
    assert handle.largest <= 1 << 20  # the 3 MB line was skipped in chunks, never read whole
    assert list(bounded_lines(io.StringIO("a\nbb\n"), limit=2)) == ["a\n", "bb\n"]  # text files too


def test_issue_32_an_overlong_batch_line_is_one_skipped_record_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storyline.limits.MAX_INPUT_BYTES", 1_000)  # not 50 MB of test data
    source = tmp_path / "in.jsonl"
    huge = json.dumps({"id": "huge", "documents": ["word " * 10_000]})
    source.write_text("\n".join([json.dumps({"id": "a"}), huge, json.dumps({"id": "b"})]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with source.open("rb") as handle:
        counts = run_batch(handle, out)
    assert counts.failed == 3
    records = _lines(out)
    assert [(record["id"], record["line"]) for record in records] == [("a", 1), (None, 2), ("b", 3)]
    size = len(huge) + 1
    assert records[1]["error"] == f"line 2: {size:,} bytes is over the limit of 1,000 for one line; split it"
    assert "record 'b' (line 3)" in records[2]["error"]  # the line after it is read as usual
