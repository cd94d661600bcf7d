"""``storyline batch`` on small clusters built from the example articles (real models).

Most cases call ``main()`` in process so the models load once; the two-worker case spawns
processes that load their own.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from storyline.cli import EXIT_NOTHING_USABLE, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main
from tests.conftest import BAD, EXAMPLE

pytestmark = pytest.mark.model

LEDGER = (EXAMPLE / "port-wendell-ledger.txt").read_text(encoding="utf-8")
COURIER = (EXAMPLE / "saltmarsh-courier.txt").read_text(encoding="utf-8")
FENMORE: dict[str, Any] = json.loads((EXAMPLE / "fenmore-press-agency.json").read_text(encoding="utf-8"))
GERMAN = (BAD / "german.txt").read_text(encoding="utf-8")


def record(identifier: str, *documents: str | dict[str, Any]) -> str:
    return json.dumps({"id": identifier, "documents": list(documents)})


def write_input(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def read_output(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["batch", *argv, "--words", "60"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.out == ""
    return code, captured.err


def test_batch_keeps_input_order_and_numbers_plain_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_input(tmp_path, record("zulu", LEDGER, COURIER), record("alpha", FENMORE, LEDGER))
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, str(source), "-o", str(out))
    assert code == EXIT_OK, err
    zulu, alpha = read_output(out)
    assert [zulu["id"], alpha["id"]] == ["zulu", "alpha"]
    assert list(zulu) == ["id", "summary", "sentences", "articles", "notes", "problems"]
    assert [a["id"] for a in zulu["articles"]] == ["d1", "d2"]
    assert [a["id"] for a in alpha["articles"]] == [FENMORE["id"], "d2"]
    assert alpha["articles"][0]["source"] == "Fenmore Press Agency"
    for summary in (zulu, alpha):
        assert summary["sentences"] and summary["problems"] == []
        texts = {a["id"]: a["text"] for a in summary["articles"]}
        for sentence in summary["sentences"]:
            first = sentence["citations"][0]
            assert texts[first["article"]][first["start"] : first["end"]] == sentence["text"]
    assert "2 summarized, 0 failed" in err


def test_batch_failing_records_do_not_stop_the_others(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_input(
        tmp_path,
        record("first", LEDGER, COURIER),
        "{not json",
        json.dumps({"id": "empty", "documents": []}),
        record("clutter", (BAD / "links.txt").read_text(encoding="utf-8")),
        record("last", FENMORE, COURIER),
    )
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, str(source), "-o", str(out))
    assert code == EXIT_SKIPPED
    records = read_output(out)
    assert [r["id"] for r in records] == ["first", None, "empty", "clutter", "last"]
    assert [set(r) for r in records[1:4]] == [{"id", "line", "error"}] * 3
    assert "sentences" in records[0] and "sentences" in records[4]
    assert records[3]["error"].startswith("record 'clutter' (line 4): no usable document (d1: ")
    failures = [line for line in err.splitlines() if line.startswith("storyline: failed: ")]
    assert len(failures) == 3 and "line 2" in failures[0] and "'empty'" in failures[1]


def test_batch_reports_skipped_documents_inside_a_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_input(tmp_path, record("mixed", LEDGER, GERMAN, {"title": "no text here"}, COURIER))
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, str(source), "-o", str(out))
    assert code == EXIT_OK, "a skipped document is reported in its record, not as a failure"
    [summary] = read_output(out)
    assert [a["id"] for a in summary["articles"]] == ["d1", "d4"]
    problems = {p["input"]: p for p in summary["problems"]}
    assert set(problems) == {"d2", "d3"}
    assert "English" in problems["d2"]["message"] and problems["d2"]["skipped"]
    assert "2 document(s) skipped" in err


def test_batch_nothing_usable_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_input(tmp_path, record("short", "Too short to be an article."), "[]")
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, str(source), "-o", str(out))
    assert code == EXIT_NOTHING_USABLE
    assert [r["id"] for r in read_output(out)] == ["short", None]
    assert "no record could be summarized" in err


def test_batch_resume_skips_done_ids_and_drops_a_cut_off_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = write_input(tmp_path, record("a", LEDGER, COURIER), record("b", FENMORE, LEDGER), record("c", COURIER))
    out = tmp_path / "out.jsonl"
    done = json.dumps({"id": "a", "summary": "computed earlier"}) + "\n"
    out.write_text(done + '{"id": "b", "summary": "The container sh', encoding="utf-8")
    code, err = run(capsys, str(source), "-o", str(out), "--resume")
    assert code == EXIT_OK, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(done), "the done record is kept, not computed again"
    assert [r["id"] for r in read_output(out)] == ["a", "b", "c"]
    assert "2 summarized, 0 failed, 1 already done" in err

    code, err = run(capsys, str(source), "-o", str(out), "--resume")
    assert code == EXIT_OK
    assert out.read_text(encoding="utf-8") == text, "a finished batch is left as it is"


def test_batch_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = (record("piped", LEDGER, FENMORE) + "\n").encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = tmp_path / "out.jsonl"
    code, err = run(capsys, "-", "-o", str(out))
    assert code == EXIT_OK, err
    assert [r["id"] for r in read_output(out)] == ["piped"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["{tmp}/missing.jsonl", "-o", "{tmp}/out.jsonl"], "no such file"),
        (["{tmp}", "-o", "{tmp}/out.jsonl"], "is a directory"),
        (["{tmp}/in.jsonl", "-o", "{tmp}/no-dir/out.jsonl"], "check the path"),
        (["{tmp}/in.jsonl", "-o", "{tmp}/in.jsonl"], "is the input too"),
        (["{tmp}/in.jsonl", "-o", "{tmp}/notes.txt", "--resume"], "not a batch output line"),
    ],
    ids=["missing-input", "directory-input", "unwritable-output", "output-is-input", "resume-foreign-output"],
)
def test_batch_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], words: str
) -> None:
    write_input(tmp_path, record("a", LEDGER))
    (tmp_path / "notes.txt").write_text("my notes\n", encoding="utf-8")
    code, err = run(capsys, *(arg.format(tmp=tmp_path) for arg in argv))
    assert code == EXIT_USAGE
    assert words in err and len(err.strip().splitlines()) == 1, err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("argv", [["in.jsonl"], ["in.jsonl", "-o", "out.jsonl", "--workers", "0"]])
def test_batch_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["batch", *argv])
    assert raised.value.code == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_batch_two_workers_write_what_one_worker_writes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = write_input(
        tmp_path,
        record("one", LEDGER, COURIER),
        "bad line",
        record("two", FENMORE, COURIER),
        record("three", LEDGER, FENMORE),
    )
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"
    assert run(capsys, str(source), "-o", str(serial))[0] == EXIT_SKIPPED
    code, err = run(capsys, str(source), "-o", str(parallel), "--workers", "2")
    assert code == EXIT_SKIPPED, err
    assert parallel.read_bytes() == serial.read_bytes()
    assert [r["id"] for r in read_output(parallel)] == ["one", None, "two", "three"]


def test_the_output_is_the_same_whatever_the_chunk(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Records of a chunk share one spaCy stream and one encoder call; a bad record inside a chunk
    # fails alone, and each summary is the one its record gives on its own.
    source = write_input(
        tmp_path,
        record("a", LEDGER, COURIER),
        record("german", GERMAN),
        record("b", FENMORE, LEDGER, COURIER),
        record("c", COURIER, FENMORE),
    )
    outputs = []
    for chunk in ("1", "3", "16"):
        out = tmp_path / f"out-{chunk}.jsonl"
        code, err = run(capsys, str(source), "-o", str(out), "--chunk", chunk)
        assert code == EXIT_SKIPPED, err
        assert "3 summarized, 1 failed" in err
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    lines = read_output(tmp_path / "out-16.jsonl")
    assert [line["id"] for line in lines] == ["a", "german", "b", "c"]
    assert "error" in lines[1] and all("summary" in lines[i] for i in (0, 2, 3))


def test_the_summary_does_not_depend_on_the_process_hash_seed(
    shared_data: Path, entry_point: str, tmp_path: Path
) -> None:
    # DUC 2004 d31022t: agency copies of one wire sentence in several articles, equally good to
    # quote. Which copy the summary took followed the order Python iterated the concept sets in,
    # which changes with each process's hash seed; it changed between two runs of one command.
    source = shared_data / "duc2004_task2" / "duc2004_task2.jsonl"
    if not source.is_file():
        pytest.skip(f"DUC 2004 not found at {source}")
    with source.open(encoding="utf-8") as lines:
        cluster = next(json.loads(line) for line in lines if '"d31022t"' in line)
    documents = [{"id": document["docno"], "text": document["text"]} for document in cluster["documents"]]
    path = write_input(tmp_path, record("d31022t", *documents))
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.jsonl"
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        argv = [entry_point, "batch", str(path), "-o", str(out), "--words", "100", "--compare", "--quiet"]
        subprocess.run(argv, env=environment, check=True, capture_output=True, timeout=300)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
