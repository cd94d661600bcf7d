"""The command line on the example cluster and on every kind of bad input (issue 2, item 6).

Runs the real pipeline (real spaCy and embedding models). Most cases call ``main()`` in
process so the models load once; two run the installed ``storyline`` entry point.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from storyline.cli import EXIT_NOTHING_USABLE, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main
from storyline.select import word_count
from tests.conftest import BAD, EXAMPLE

pytestmark = pytest.mark.model

EXAMPLE_FILES = sorted(str(path) for path in EXAMPLE.iterdir())
LEDGER = EXAMPLE / "port-wendell-ledger.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_summarize_example_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summarize", *EXAMPLE_FILES)
    assert code == EXIT_OK, err
    assert "## Sources" in out
    assert "[1]" in out and "[4]" in out
    assert "Advertisement" not in out


@pytest.mark.parametrize("fmt", ["md", "text", "json", "html"])
def test_every_format_writes_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"out.{fmt}"
    code, out, _ = run(capsys, "summarize", str(EXAMPLE), "--words", "120", "--format", fmt, "-o", str(target))
    assert code == EXIT_OK
    assert out == ""
    written = target.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(written)
        assert set(data) >= {"summary", "sentences", "articles"}
        assert sum(len(s["text"].split()) for s in data["sentences"]) <= 120
        texts = {a["id"]: a["text"] for a in data["articles"]}
        for sentence in data["sentences"]:
            first = sentence["citations"][0]
            assert texts[first["article"]][first["start"] : first["end"]] == sentence["text"]
    elif fmt == "html":
        assert written.startswith("<!doctype html>") and "<mark" in written


def test_sentences_cap(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summarize", str(EXAMPLE), "--sentences", "2", "--format", "json")
    assert code == EXIT_OK
    assert len(json.loads(out)["sentences"]) == 2


def test_fill_runs_one_last_sentence_past_the_budget(capsys: pytest.CaptureFixture[str]) -> None:
    words = 23  # the example's sentences fill 19 of 23 words, no more
    code, out, _ = run(capsys, "summarize", str(EXAMPLE), "--words", str(words), "--format", "json")
    assert code == EXIT_OK
    within = json.loads(out)["sentences"]
    code, out, _ = run(capsys, "summarize", str(EXAMPLE), "--words", str(words), "--fill", "--format", "json")
    assert code == EXIT_OK
    filled = json.loads(out)["sentences"]
    assert sum(word_count(s["text"]) for s in within) < words
    assert filled[:-1] == within
    assert words < sum(word_count(s["text"]) for s in filled)


def _expect_skip(capsys: pytest.CaptureFixture[str], bad: Path, words: str) -> str:
    """Summarize the example plus one bad input: exit 1, one line naming the bad input."""
    code, out, err = run(capsys, "summarize", *EXAMPLE_FILES, str(bad), "--format", "json")
    assert code == EXIT_SKIPPED, err
    assert len(json.loads(out)["articles"]) == 4, "the good inputs are still summarized"
    lines = [line for line in err.splitlines() if bad.name in line]
    assert len(lines) == 1, err
    assert words.lower() in lines[0].lower()
    return lines[0]


def test_issue_2_empty_file(capsys: pytest.CaptureFixture[str]) -> None:
    _expect_skip(capsys, BAD / "empty.txt", "empty")


def test_issue_2_binary_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    _expect_skip(capsys, binary, "binary")


def test_issue_2_record_without_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summarize", *EXAMPLE_FILES, str(BAD / "norecord.jsonl"), "--format", "json")
    assert code == EXIT_SKIPPED
    assert "norecord.jsonl:2" in err and "'text'" in err
    assert len(json.loads(out)["articles"]) == 5  # the record that has text is used


@pytest.mark.parametrize("name", ["links.txt", "table.txt"])
def test_issue_2_not_an_article(capsys: pytest.CaptureFixture[str], name: str) -> None:
    _expect_skip(capsys, BAD / name, "article")


def test_issue_2_not_english(capsys: pytest.CaptureFixture[str]) -> None:
    _expect_skip(capsys, BAD / "german.txt", "English")


def test_issue_2_same_article_twice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    copy = tmp_path / "ledger-copy.txt"
    shutil.copy(LEDGER, copy)
    _expect_skip(capsys, copy, "same text")


def test_issue_2_undecodable_bytes_are_read_with_a_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(
        LEDGER.read_text(encoding="utf-8").replace("’", "'").encode("utf-8") + b"\nCaf\xe9 owners said \x81 so.\n"
    )
    code, out, err = run(capsys, "summarize", str(legacy), *EXAMPLE_FILES[:2], "--format", "json")
    assert code == EXIT_OK
    assert "legacy.txt" in err and "UTF-8" in err
    assert len(json.loads(out)["articles"]) == 3


def test_issue_2_five_megabyte_file_is_cut_with_a_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    # Article paragraphs only (no page furniture), varied so no two are the same text.
    paragraphs = [line for line in LEDGER.read_text(encoding="utf-8").splitlines() if len(line.split()) > 15]
    block = "\n\n".join(paragraphs) + "\n\n"
    with big.open("w", encoding="utf-8") as handle:
        for number in range(5_000_000 // len(block) + 1):
            handle.write(block.replace("Kestrel", f"Kestrel{number}"))
    assert big.stat().st_size >= 5_000_000
    code, out, err = run(capsys, "summarize", str(big), *EXAMPLE_FILES[1:], "--format", "json")
    assert code == EXIT_OK
    assert "big.txt" in err and "characters" in err
    assert len(json.loads(out)["articles"]) == 4


def test_issue_2_single_article_says_single_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summarize", str(LEDGER), "--format", "json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["sentences"] and any("Single source" in note for note in data["notes"])
    assert "Single source" in err


def test_issue_2_nothing_usable_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summarize", str(BAD / "empty.txt"), str(BAD / "links.txt"))
    assert code == EXIT_NOTHING_USABLE
    assert out == ""
    assert "empty.txt" in err and "links.txt" in err


def test_missing_file_is_skipped(capsys: pytest.CaptureFixture[str]) -> None:
    _expect_skip(capsys, EXAMPLE / "no-such-file.txt", "no such file")


def test_float32_and_bfloat16_encoders_pick_the_same_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    """Either number format of the encoder picks the same sentences from the example (vectors within 1e-4)."""
    picked = []
    for precision in ("float32", "bfloat16"):
        code, out, _ = run(capsys, "summarize", str(EXAMPLE), "--embedding-precision", precision, "--format", "json")
        assert code == EXIT_OK
        picked.append([sentence["text"] for sentence in json.loads(out)["sentences"]])
    assert picked[0] == picked[1]


def test_onnx_and_torch_backends_pick_the_same_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    """Either encoder backend picks the same sentences from the example (vectors within 3e-7, issue 37)."""
    picked = []
    for backend in ("onnx", "torch"):
        argv = ["summarize", str(EXAMPLE), "--embedding-backend", backend, "--embedding-precision", "float32"]
        code, out, _ = run(capsys, *argv, "--format", "json", "--compare")
        assert code == EXIT_OK
        picked.append(json.loads(out))
    assert picked[0] == picked[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["summarize"],
        ["summarize", "x.txt", "--words", "0"],
        ["summarize", "x.txt", "--format", "pdf"],
        ["summarize", "x.txt", "--embedding-precision", "int8"],
        ["summarize", "x.txt", "--embedding-backend", "tensorflow"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_entry_point_reads_stdin(entry_point: str) -> None:
    result = subprocess.run(
        [entry_point, "summarize", "-", "--format", "text", "--words", "60"],
        input=LEDGER.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr
    assert "Traceback" not in result.stderr
    assert "[1]" in result.stdout
    assert "loading" not in result.stderr  # the status line is for a terminal only


@pytest.mark.slow
def test_entry_point_says_on_a_terminal_that_the_models_load(entry_point: str, tmp_path: Path) -> None:
    # Issue 37: a status line while the models load, erased when they are loaded, on a terminal only.
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [entry_point, "summarize", str(EXAMPLE), "-o", str(tmp_path / "out.md")],
            stderr=follower,
            stdout=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once everything written is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert result.returncode == EXIT_OK
    assert b"storyline: loading the language models ..." in shown
    assert shown.endswith(b"\r\x1b[K")  # erased, and nothing after it


@pytest.mark.slow
def test_entry_point_bad_input_has_no_traceback(tmp_path: Path, entry_point: str) -> None:
    binary = tmp_path / "blob.html"
    binary.write_bytes(b"\x00\xff" * 100)
    result = subprocess.run(
        [entry_point, "summarize", str(binary)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == EXIT_NOTHING_USABLE
    assert "Traceback" not in result.stderr
    assert "blob.html" in result.stderr and "binary" in result.stderr


# --- issue 31: a wire story saved as it is distributed ---

WIRE_STORY = [
    "Harbor officials in Port Wendell said on Tuesday that the Kestrel Narrows Bridge would stay closed for at "
    "least two weeks while engineers inspect a pier struck by a container ship, the city's busiest crossing.",
    '"We will not reopen the bridge until every inspection is complete," Mayor Annika Brandvold told reporters '
    "outside City Hall. She said the city would add buses on the detour through the Millrace Tunnel.",
    "The container ship Corvina Bay lost power shortly after leaving the Slate Island terminal and drifted into "
    "the bridge's third pier at about 4:40 a.m. Four people were hurt, none of them seriously.",
    "The harbor authority said the ship's owner had agreed to pay for the inspection, and that the pilot "
    "had radioed a mayday about 90 seconds before the impact.",
]


def wire_copy(paragraphs: list[str]) -> str:
    """The layout of issue 31: each paragraph filled at 70 columns, indented by a tab and three spaces,
    with ``TeX-style'' quotes."""
    copied = []
    for paragraph in paragraphs:
        quotes = iter(["``", "''"] * paragraph.count('"'))
        tex = "".join(next(quotes) if character == '"' else character for character in paragraph)
        copied.append("\t   " + textwrap.fill(tex, 70))
    return "\n".join(copied)


def test_issue_31_wire_story_is_summarized_not_rejected(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    wire = tmp_path / "wire.txt"
    wire.write_text(wire_copy(WIRE_STORY), encoding="utf-8")
    code, out, err = run(capsys, "summarize", str(wire), "--format", "json")
    assert code == EXIT_OK, err
    assert "does not look like a news article" not in err
    data = json.loads(out)
    assert data["sentences"]
    assert data["articles"][0]["text"] == "\n\n".join(WIRE_STORY)  # the text citations point into


def test_issue_31_duc_article_as_wire_copy_prints_a_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shared_data: Path
) -> None:
    """The issue's reproduction on a DUC 2004 article (already in TeX quotes), in Markdown output."""
    with (shared_data / "duc2004_task2" / "duc2004_task2.jsonl").open(encoding="utf-8") as lines:
        article = json.loads(next(lines))["documents"][0]["text"]
    wire = tmp_path / "wire.txt"
    wire.write_text(wire_copy([article]), encoding="utf-8")
    code, out, err = run(capsys, "summarize", str(wire))
    assert code == EXIT_OK, err
    assert "skipped" not in err
    assert "Hun Sen" in out and "## Sources" in out
