"""The story store (issue 5): migrations, idempotent adds, duplicates, and many processes on one file.

Real SQLite files in a temporary folder; the article signals are made by hand (no model), so
what joins which story is known in advance.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from storyline.stories.db import MIGRATIONS, SCHEMA_VERSION, Store, StoreError
from storyline.stories.index import Signal, minhash
from storyline.types import Article

DIMENSION = 32
# Letters only: the exact-duplicate fingerprint reads words of letters.
_VOCABULARY = ["".join(random.Random(index).choices("abcdefghijklmnopqrstuvwxyz", k=7)) for index in range(2_000)]


def topic_vector(topic: int) -> np.ndarray:
    """A unit vector per topic: topics are orthogonal, so articles of one topic join one story."""
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[topic % DIMENSION] = 1.0
    return vector


def article(article_id: str, *, words: int = 120, text: str | None = None) -> Article:
    """An article of random words seeded by its id (no two share enough words to be near-duplicates)."""
    generator = random.Random(article_id)
    body = text or " ".join(generator.choice(_VOCABULARY) for _ in range(words)) + "."
    return Article(id=article_id, text=body, source=f"outlet-{article_id[-1]}", origin=article_id)


def signal(article_id: str, topic: int, day: str | None = None) -> Signal:
    from datetime import date

    return Signal(article_id, topic_vector(topic), (f"entity{topic}",), date.fromisoformat(day) if day else None)


def test_new_store_is_at_the_latest_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "stories.db") as store:
        assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        assert store.stories() == []
    connection = sqlite3.connect(tmp_path / "stories.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()


def old_schema(path: Path, version: int) -> sqlite3.Connection:
    """A store file as Storyline left it at an older schema ``version`` (its first migrations only)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    connection.execute("INSERT INTO schema_version VALUES (?)", (version,))
    for migrate in MIGRATIONS[:version]:
        migrate(connection)
    return connection


def test_migrates_a_version_1_file_and_keeps_its_stories(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_schema(path, 1).close()
    with Store(path) as store:  # a version-1 file takes the later migrations on opening
        assert store.schema_version == SCHEMA_VERSION
        store.add([article("a1")], [signal("a1", 0)])
        store.save_summary(1, "key", "{}")  # the table migration 2 adds
        assert store.cached_summary(1, "key") == "{}"
    with Store(path) as store:
        assert [row.articles for row in store.stories()] == [("a1",)]


def test_migrates_a_version_2_file_whose_articles_have_no_vectors(tmp_path: Path) -> None:
    # A story written by schema 2 (no per-article vectors): after migration 3 it is scored by
    # its centroid, so an article of its topic still joins it, and a new one is stored with its vector.
    path = tmp_path / "v2.db"
    connection = old_schema(path, 2)
    connection.execute(
        "INSERT INTO stories (id, title, vector_sum, count, entities, words, first_day, last_day, first_seen, "
        "last_seen, seq) VALUES (1, 'old', ?, 1, '{}', '{}', '2020-05-01', '2020-05-01', '2020-05-01', "
        "'2020-05-01', 0)",
        (topic_vector(3).tobytes(),),
    )
    connection.execute(
        "INSERT INTO articles (id, story_id, fingerprint, source, text, minhash, ingested_at) "
        "VALUES ('old', 1, 'fp-old', 'outlet', 'some old text', ?, '2020-05-01T00:00:00Z')",
        (minhash("some old text").hashvalues.astype(np.uint64).tobytes(),),
    )
    connection.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (result,) = store.add([article("new")], [signal("new", 3, "2020-05-02")])
        assert (result.outcome, result.story, result.new_story) == ("added", 1, False)
        assert store_rows(store) == [("old", "new")]
    connection = sqlite3.connect(path)
    vectors = dict(connection.execute("SELECT id, vector FROM articles").fetchall())
    connection.close()
    assert vectors["old"] is None
    assert np.allclose(np.frombuffer(vectors["new"], dtype=np.float32), topic_vector(3))


def test_refuses_a_newer_schema_and_other_files(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    connection.close()
    with pytest.raises(StoreError, match="newer Storyline"):
        Store(path)
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="another program"):
        Store(other)
    text = tmp_path / "text.db"
    text.write_text("not a database at all, just some words " * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(text)


def test_adding_again_changes_nothing(tmp_path: Path) -> None:
    articles = [article(f"a{index}") for index in range(6)]
    signals = [signal(f"a{index}", index % 2) for index in range(6)]
    with Store(tmp_path / "s.db") as store:
        first = store.add(articles, signals)
        assert [result.outcome for result in first] == ["added"] * 6
        assert sum(result.new_story for result in first) == 2
        before = store.stories()
        again = store.add(articles, signals)
        assert [result.outcome for result in again] == ["unchanged"] * 6
        assert [result.story for result in again] == [result.story for result in first]
        assert store.stories() == before
        assert store.count() == 6


def test_exact_duplicates_are_skipped_and_near_duplicates_marked(tmp_path: Path) -> None:
    original = article("wire-1", words=300)
    copy = Article(id="copy", text=original.text.upper().replace(".", "!"), source="other", origin="copy")
    words = original.text.split()
    words[10] = "changed"
    words[200] = "edited"
    near = Article(id="near", text="By Our Staff. " + " ".join(words), source="third", origin="near")
    with Store(tmp_path / "s.db") as store:
        # Orthogonal signals: only the text can put the near copy into the original's story.
        results = store.add([original, copy, near], [signal("wire-1", 0), signal("copy", 1), signal("near", 5)])
        assert [result.outcome for result in results] == ["added", "duplicate", "near-duplicate"]
        assert results[1].other == "wire-1" and results[2].other == "wire-1"
        assert results[2].story == results[0].story
        (row,) = store.stories()
        assert row.articles == ("wire-1", "near")
        assert row.near_duplicates == {"near": "wire-1"}
        assert set(store.known([copy, original])) == {"copy", "wire-1"}


def test_stories_newest_first_with_dates_and_sources(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add(
            [article("old1"), article("new2"), article("old3")],
            [signal("old1", 0, "1998-10-01"), signal("new2", 1, "1998-12-01"), signal("old3", 0, "1998-10-04")],
        )
        rows = store.stories()
        assert [row.articles for row in rows] == [("new2",), ("old1", "old3")]
        assert (rows[1].first_seen, rows[1].last_seen) == ("1998-10-01", "1998-10-04")
        assert rows[1].sources == ("outlet-1", "outlet-3")
        assert store.story(999) is None


def test_a_new_event_weeks_later_is_a_new_story(tmp_path: Path) -> None:
    from datetime import date

    # The same topic (cosine 0.8 to the story), no names in common: close in time it is the same
    # story, two months later a new event.
    related = (0.8 * topic_vector(0) + 0.6 * topic_vector(1)).astype(np.float32)
    with Store(tmp_path / "s.db") as store:
        store.add([article("e1")], [signal("e1", 0, "1998-10-01")])
        same = store.add([article("e2")], [Signal("e2", related, ("other",), date(1998, 10, 9))])[0]
        elsewhere = (0.8 * topic_vector(0) + 0.6 * topic_vector(2)).astype(np.float32)
        later = store.add([article("e3")], [Signal("e3", elsewhere, ("third",), date(1998, 12, 9))])[0]
        assert same.new_story is False
        assert later.new_story is True


def test_a_reopened_store_scores_by_the_members_it_read_back(tmp_path: Path) -> None:
    from datetime import date

    # A story of two members far apart: the original (topic 0) and its near copy (topic 1, put
    # there by its words, whatever its vector). Another process's view, rebuilt from the file,
    # must see both members: an article close to the copy (cosine 0.9) joins, though its cosine
    # to the story's centroid is only 0.64.
    original = article("wire-1", words=300)
    words = original.text.split()
    words[10] = "changed"
    copy = Article(id="copy", text=" ".join(words), source="other", origin="copy")
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.add([original, copy], [signal("wire-1", 0, "2020-05-01"), signal("copy", 1, "2020-05-01")])
    near_copy = (0.9 * topic_vector(1) + np.sqrt(1 - 0.81) * topic_vector(2)).astype(np.float32)
    with Store(path) as other:
        (result,) = other.add([article("late")], [Signal("late", near_copy, (), date(2020, 5, 2))])
        assert result.outcome == "added" and result.new_story is False
        assert store_rows(other) == [("wire-1", "copy", "late")]


def store_rows(store: Store) -> list[tuple[str, ...]]:
    return [row.articles for row in store.stories()]


# -- many processes on one file --------------------------------------------------------------

WRITERS, PER_WRITER, TOPICS, BATCH = 4, 30, 5, 5


def _write(path: str, writer: int) -> None:
    ids = [f"w{writer}-{index}" for index in range(PER_WRITER)]
    with Store(path) as store:
        for start in range(0, PER_WRITER, BATCH):
            chunk = ids[start : start + BATCH]
            store.add([article(i) for i in chunk], [signal(i, int(i.rsplit("-", 1)[1]) % TOPICS) for i in chunk])
        # Every writer also re-adds one of another writer's articles: never a second copy.
        other = f"w{(writer + 1) % WRITERS}-0"
        store.add([article(other)], [signal(other, 0)])


def _read(path: str, rounds: int, queue: multiprocessing.Queue[int]) -> None:
    seen = 0
    with Store(path) as store:
        for _ in range(rounds):
            rows = store.stories()
            listed = [article_id for row in rows for article_id in row.articles]
            assert len(listed) == len(set(listed))  # a reader never sees an article twice
            seen = max(seen, len(listed))
    queue.put(seen)


def test_issue_5_four_writer_processes_and_readers_on_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[int] = context.Queue()
    writers = [context.Process(target=_write, args=(path, writer)) for writer in range(WRITERS)]
    readers = [context.Process(target=_read, args=(path, 40, queue)) for _ in range(2)]
    for process in writers + readers:
        process.start()
    for process in writers + readers:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert all(queue.get(timeout=5) <= WRITERS * PER_WRITER for _ in readers)
    with Store(path) as store:
        assignments = store.assignments()
        rows = store.stories()
    expected = {f"w{writer}-{index}" for writer in range(WRITERS) for index in range(PER_WRITER)}
    assert set(assignments) == expected  # nothing lost, nothing extra
    listed = [article_id for row in rows for article_id in row.articles]
    assert sorted(listed) == sorted(expected)  # each article in exactly one story
    # The writers saw each other's stories: one story per topic, not one per writer and topic.
    assert len(rows) == TOPICS
    for row in rows:
        assert len({int(article_id.rsplit("-", 1)[1]) % TOPICS for article_id in row.articles}) == 1


def test_issue_32_stories_a_page_at_a_time_and_ids_past_sqlite_name_none(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        days = ["2026-03-01", "2026-03-03", "2026-03-03", "2026-03-02", "2026-03-05"]
        for topic, day in enumerate(days):
            store.add([article(f"a{topic}")], [signal(f"a{topic}", topic, day)])
        everything = store.stories()
        assert len(everything) == 5
        pages, after = [], None
        while True:
            page = store.stories(limit=2, after=after)
            if not page:
                break
            pages.append([row.id for row in page])
            after = (page[-1].last_seen, page[-1].id)
        assert [story_id for page in pages for story_id in page] == [row.id for row in everything]
        assert [len(page) for page in pages] == [2, 2, 1]
        assert store.story(10**30) is None and store.story(-1) is None and store.articles(10**30) == []
        assert store.cached_summary(10**30) is None
