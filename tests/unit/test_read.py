"""Reading articles from .txt, .html, .json and .jsonl files and directories (sources/read.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.sources.read import read
from storyline.types import Problem

BODY = (
    "A container ship lost power and struck a pier of the Kestrel Narrows Bridge early on Tuesday.\n\n"
    "Four people were hurt, and the bridge was closed in both directions.\n"
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ship strikes Kestrel Narrows Bridge | Calder Coast Observer</title>
<meta property="og:site_name" content="Calder Coast Observer">
<meta property="og:title" content="Ship strikes Kestrel Narrows Bridge">
<meta property="article:published_time" content="2026-03-10T08:15:00Z">
<link rel="canonical" href="https://www.caldercoastobserver.example/news/ship-strikes-bridge">
</head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sports">Sports</a> <a href="/login">Log in</a></nav>
<article>
<h1>Ship strikes Kestrel Narrows Bridge</h1>
<p>A container ship lost power and struck a pier of the Kestrel Narrows Bridge in Port Wendell early on
Tuesday, injuring four people and closing the crossing in both directions.</p>
<p>The harbour authority said the Corvina Bay had just left the container terminal on Slate Island when its
engines failed and the current pushed it sideways into the pier.</p>
<p>Mayor Ana Ruiz said engineers would inspect the bridge before any traffic was allowed back, and that the
closure could last several weeks.</p>
</article>
<footer><p>Copyright 2026 Calder Coast Observer. All rights reserved.</p></footer>
</body>
</html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def record(**fields: str) -> str:
    return json.dumps({"text": BODY, **fields})


def test_txt_file_id_and_source_are_the_stem_and_text_is_as_found(tmp_path: Path) -> None:
    path = write(tmp_path / "port-wendell-ledger.txt", BODY)
    [article] = read(path)
    assert article.id == "port-wendell-ledger"
    assert article.source == "port-wendell-ledger"
    assert article.text == BODY
    assert article.origin == str(path)
    assert article.title is None and article.published is None and article.url is None


def test_html_page_gives_metadata_and_main_text(tmp_path: Path) -> None:
    [article] = read(write(tmp_path / "observer.html", PAGE))
    assert article.id == "observer"
    assert article.source == "Calder Coast Observer"
    assert article.published == "2026-03-10"
    assert article.title is not None and "Ship strikes Kestrel Narrows Bridge" in article.title
    assert article.url == "https://www.caldercoastobserver.example/news/ship-strikes-bridge"
    assert "the current pushed it sideways into the pier" in article.text
    assert "closure could last several weeks" in article.text
    assert "Log in" not in article.text
    assert "All rights reserved" not in article.text


def test_json_object_is_one_article_with_its_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wire.json",
        record(
            id="fpa-0102",
            source="Fenmore Press Agency",
            title="Bridge closed",
            url="https://fpa.example/0102",
            published="March 11, 2026",
        ),
    )
    [article] = read(path)
    assert article.id == "fpa-0102"
    assert article.text == BODY
    assert article.source == "Fenmore Press Agency"
    assert article.title == "Bridge closed"
    assert article.url == "https://fpa.example/0102"
    assert article.published == "2026-03-11"
    assert article.origin == str(path)


def test_json_list_gives_one_article_per_object_with_its_position(tmp_path: Path) -> None:
    data = [{"id": "first", "text": BODY}, {"id": "second", "text": BODY + "More.\n"}]
    path = write(tmp_path / "wire.json", json.dumps(data))
    articles = read(path)
    assert [article.id for article in articles] == ["first", "second"]
    assert [article.origin for article in articles] == [f"{path}:1", f"{path}:2"]


def test_jsonl_record_without_text_is_skipped_and_named_by_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "file.jsonl", record(id="good") + "\n" + json.dumps({"id": "bad", "title": "No body"}) + "\n"
    )
    problems: list[Problem] = []
    articles = read(path, on_error="skip", problems=problems)
    assert [article.id for article in articles] == ["good"]
    assert articles[0].origin == f"{path}:1"
    [problem] = problems
    assert problem.input == f"{path}:2"
    assert "file.jsonl:2" in problem.message
    assert "'text'" in problem.message
    assert problem.stage == "read"
    assert problem.skipped


def test_jsonl_record_without_text_raises_when_on_error_is_raise(tmp_path: Path) -> None:
    path = write(tmp_path / "file.jsonl", record(id="good") + "\n" + json.dumps({"id": "bad"}) + "\n")
    with pytest.raises(InputError, match=r"file\.jsonl:2"):
        read(path, on_error="raise")


def test_json_fields_default_id_from_stem_and_source_from_url_host(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.json", json.dumps({"text": BODY, "url": "https://www.harbornews.example/a/b?c=1"}))
    [article] = read(path)
    assert article.id.startswith("wire")
    assert article.source == "harbornews.example"
    assert article.url == "https://www.harbornews.example/a/b?c=1"
    assert article.title is None


def test_json_source_defaults_to_id_without_url(tmp_path: Path) -> None:
    [article] = read(write(tmp_path / "wire.json", json.dumps({"id": "fpa-7", "text": BODY})))
    assert article.source == "fpa-7"


def test_directory_is_read_sorted_without_unreadable_extensions(tmp_path: Path) -> None:
    folder = tmp_path / "cluster"
    write(folder / "b.txt", BODY)
    write(folder / "a.txt", BODY + "Extra line.\n")
    write(folder / "c.json", json.dumps({"id": "c", "text": BODY}))
    write(folder / "d.html", PAGE)
    write(folder / "notes.csv", "a,b\n1,2\n")
    write(folder / "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(folder / ".hidden.txt", BODY)
    articles = read(folder)
    assert [article.id for article in articles] == ["a", "b", "c", "d"]


def test_directory_without_readable_files_raises(tmp_path: Path) -> None:
    write(tmp_path / "folder" / "notes.csv", "a,b\n")
    with pytest.raises(InputError, match=r"no \.txt, \.html"):
        read(tmp_path / "folder")


def test_duplicate_ids_are_made_unique(tmp_path: Path) -> None:
    first = write(tmp_path / "one" / "story.txt", BODY)
    second = write(tmp_path / "two" / "story.txt", BODY + "Another line.\n")
    third = write(tmp_path / "story.json", json.dumps({"id": "story", "text": BODY + "Third.\n"}))
    articles = read([first, second, third])
    ids = [article.id for article in articles]
    assert ids[0] == "story"
    assert len(set(ids)) == 3
    assert all(identifier.startswith("story") for identifier in ids)


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"], ids=["empty", "whitespace"])
def test_empty_file_raises_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "blank-page.txt", content)
    with pytest.raises(InputError, match="empty") as caught:
        read(path)
    assert str(path) in str(caught.value)
    assert caught.value.input == str(path)


def test_binary_file_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "article.txt", b"\x00\x01\x02\x03\x04binary\x05\x06\x07" * 20)
    with pytest.raises(InputError, match="binary") as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_windows_1252_bytes_are_decoded_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.txt", b"The caf\xe9 on Harbor Avenue \x93stayed open\x94 all night.\n")
    problems: list[Problem] = []
    [article] = read(path, problems=problems)
    assert article.text == "The café on Harbor Avenue “stayed open” all night.\n"
    [problem] = problems
    assert not problem.skipped
    assert problem.input == str(path)
    assert "Windows-1252" in problem.message


def test_utf8_with_bom_is_read_without_the_bom(tmp_path: Path) -> None:
    [article] = read(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + BODY.encode("utf-8")))
    assert article.text == BODY


def test_missing_path_raises(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(InputError, match="no such file") as caught:
        read(missing)
    assert str(missing) in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.txt", None), ("empty.txt", b""), ("binary.txt", b"\x00\x01\x02\x03" * 10)],
    ids=["missing", "empty", "binary"],
)
def test_on_error_raise_stops_at_a_bad_input(tmp_path: Path, name: str, content: bytes | None) -> None:
    good = write(tmp_path / "good.txt", BODY)
    bad = tmp_path / name if content is None else write(tmp_path / name, content)
    with pytest.raises(InputError) as caught:
        read([good, bad], on_error="raise")
    assert caught.value.input == str(bad)


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.txt", None), ("empty.txt", b""), ("binary.txt", b"\x00\x01\x02\x03" * 10)],
    ids=["missing", "empty", "binary"],
)
def test_on_error_skip_records_a_problem_and_reads_the_rest(tmp_path: Path, name: str, content: bytes | None) -> None:
    good = write(tmp_path / "good.txt", BODY)
    later = write(tmp_path / "later.txt", BODY + "Later.\n")
    bad = tmp_path / name if content is None else write(tmp_path / name, content)
    problems: list[Problem] = []
    articles = read([good, bad, later], on_error="skip", problems=problems)
    assert [article.id for article in articles] == ["good", "later"]
    [problem] = problems
    assert problem.input == str(bad)
    assert problem.stage == "read"
    assert problem.skipped


def test_reading_local_files_leaves_the_http_client_unloaded(tmp_path: Path) -> None:
    """Local inputs must not pay for the fetching code at start-up (issue 37's cold start)."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    script = (
        "import sys\n"
        "from storyline.sources.read import read\n"
        f"articles = read([{str(tmp_path / 'a.txt')!r}])\n"
        "print(len(articles), 'storyline.sources.fetch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["1", "False"]
