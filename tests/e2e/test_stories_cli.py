"""storyline ingest / stories / story on the bundled example and the seed story (issue 5).

Real models and a real SQLite file; ``main()`` runs in process so the models load once.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from storyline.cli import EXIT_NOTHING_USABLE, EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main
from storyline.stories.db import Store
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.model


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_ingest_groups_two_events_and_again_changes_nothing(
    tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "stories.db")
    seeds = sorted(str(path) for path in seeds_dir.glob("*.txt"))
    code, _, err = run(capsys, "ingest", "--db", db, str(EXAMPLE), *seeds)
    assert code == EXIT_OK, err
    assert "7 added" in err and "2 stories" in err
    code, out, _ = run(capsys, "stories", "--db", db, "--format", "json")
    assert code == EXIT_OK
    stories = json.loads(out)
    assert sorted(len(story["articles"]) for story in stories) == [3, 4]
    assert set(stories[0]) == {"id", "title", "articles", "sources", "first_seen", "last_seen"}
    bridge = next(story for story in stories if len(story["articles"]) == 4)
    assert "Calder Coast Observer" in bridge["sources"]
    assert (bridge["first_seen"], bridge["last_seen"]) == ("2026-03-10", "2026-03-12")

    code, _, err = run(capsys, "ingest", "--db", db, str(EXAMPLE), *seeds)
    assert code == EXIT_OK
    assert "0 added" in err and "7 already stored" in err
    assert json.loads(run(capsys, "stories", "--db", db, "--format", "json")[1]) == stories

    code, out, _ = run(capsys, "stories", "--db", db)
    assert code == EXIT_OK and len(out.splitlines()) == 2

    code, out, err = run(capsys, "story", "--db", db, str(bridge["id"]), "--format", "json")
    assert code == EXIT_OK, err
    data = json.loads(out)
    assert {article["id"] for article in data["articles"]} == set(bridge["articles"])
    assert data["sentences"] and "comparison" in data
    code, markdown, _ = run(capsys, "story", "--db", db, str(bridge["id"]))  # cached now
    assert code == EXIT_OK and "## Comparison" in markdown and "## Sources" in markdown


def test_story_database_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "none.db")
    code, _, err = run(capsys, "stories", "--db", missing)
    assert code == EXIT_USAGE and "no such story database" in err
    code, _, err = run(capsys, "ingest", "--db", str(tmp_path), str(EXAMPLE))
    assert code == EXIT_USAGE and "is a directory" in err
    code, _, err = run(capsys, "ingest", "--db", str(tmp_path / "no" / "such.db"), str(EXAMPLE))
    assert code == EXIT_USAGE and "no such directory" in err
    other = tmp_path / "notes.txt"
    other.write_text("just some notes, not a database\n" * 50)
    code, _, err = run(capsys, "stories", "--db", str(other))
    assert code == EXIT_USAGE and "cannot open as a story database" in err
    code, _, err = run(capsys, "ingest", "--db", str(tmp_path / "s.db"), str(tmp_path / "missing.txt"))
    assert code == EXIT_NOTHING_USABLE and "missing.txt" in err
    Store(tmp_path / "empty.db").close()
    code, _, err = run(capsys, "story", "--db", str(tmp_path / "empty.db"), "99")
    assert code == EXIT_USAGE and "no story 99" in err
    for line in err.strip().splitlines():
        assert line.startswith("storyline:")


@pytest.mark.slow
def test_ingest_reads_jsonl_from_standard_input(tmp_path: Path, entry_point: str) -> None:
    # The installed command, fed JSON Lines on stdin: two reports of the bridge story and a
    # cookie notice (page furniture, issue 5) that is skipped with its line while the others go on.
    db = tmp_path / "stories.db"
    wire = json.loads((EXAMPLE / "fenmore-press-agency.json").read_text(encoding="utf-8"))
    courier = {
        "id": "courier",
        "source": "Saltmarsh Courier",
        "text": (EXAMPLE / "saltmarsh-courier.txt").read_text(encoding="utf-8"),
    }
    notice = {
        "id": "cookies",
        "text": "We use cookies to give you a better experience on our website. Please enable JavaScript in your "
        "browser settings to continue. By continuing to browse the site you agree to our use of cookies.",
    }
    lines = "".join(json.dumps(record) + "\n" for record in (wire, courier, notice))

    def storyline(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [entry_point, *argv], input=stdin, capture_output=True, text=True, timeout=300, check=False
        )
        assert "Traceback" not in result.stderr
        return result

    ingested = storyline("ingest", "--db", str(db), "-", stdin=lines)
    assert ingested.returncode == EXIT_SKIPPED, ingested.stderr
    assert "2 added" in ingested.stderr and "1 skipped" in ingested.stderr
    assert "<stdin>:3: this is page furniture, not a news article: a cookie or JavaScript notice" in ingested.stderr

    with Store(db) as store:
        stored = {article.id for row in store.stories() for article in store.articles(row.id)}
    assert stored == {wire["id"], "courier"}

    listed = storyline("stories", "--db", str(db), "--format", "json")
    assert listed.returncode == EXIT_OK, listed.stderr
    stories = json.loads(listed.stdout)
    assert [sorted(story["articles"]) for story in stories] == [sorted([wire["id"], "courier"])]
    assert sorted(stories[0]["sources"]) == ["Fenmore Press Agency", "Saltmarsh Courier"]

    table = storyline("stories", "--db", str(db))
    assert table.returncode == EXIT_OK and len(table.stdout.splitlines()) == 1
    assert "2 articles" in table.stdout
