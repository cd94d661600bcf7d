"""The story store (issues 5, 36): migrations, idempotent adds, duplicates, moves, recurring page text, many processes.

Real SQLite files in a temporary folder; the article signals are made by hand (no model), so
what joins which story is known in advance.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from storyline.sources.check import RECURRING_TEXTS
from storyline.stories.db import MAX_IDLE_READERS, MIGRATIONS, SCHEMA_VERSION, Store, StoreError
from storyline.stories.index import Signal, minhash
from storyline.stories.link import LINK_FEATURES, LinkModel
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


def topic_words(topic: int) -> tuple[tuple[str, float], ...]:
    """The content words of a topic's articles (articles of one event share their words)."""
    return tuple((f"topic{topic}word{number}", 1.0) for number in range(20))


def signal(article_id: str, topic: int, day: str | None = None) -> Signal:
    """An article of one topic: the topic's vector, name and words."""
    from datetime import date

    day_of = date.fromisoformat(day) if day else None
    return Signal(article_id, topic_vector(topic), (f"entity{topic}",), day_of, topic_words(topic))


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


def old_story(connection: sqlite3.Connection, *, words: str | None = None) -> sqlite3.Connection:
    """Story 1 of topic 3 with its one article 'old' as an older schema wrote them (a vector and
    ``words`` from schema 3 on; no names or day before schema 4)."""
    connection.execute(
        "INSERT INTO stories (id, title, vector_sum, count, entities, words, first_day, last_day, first_seen, "
        "last_seen, seq) VALUES (1, 'old', ?, 1, '{\"entity3\": 1}', '{}', '2020-05-01', '2020-05-01', "
        "'2020-05-01', '2020-05-01', 0)",
        (topic_vector(3).tobytes(),),
    )
    columns, values = (
        "id, story_id, fingerprint, source, text, minhash, ingested_at",
        [minhash("some old text").hashvalues.astype(np.uint64).tobytes()],
    )
    if words is not None:
        columns += ", vector, words"
        values += [topic_vector(3).tobytes(), words]
    marks = ", ?" * (len(values) - 1)
    connection.execute(
        f"INSERT INTO articles ({columns}) "
        f"VALUES ('old', 1, 'fp-old', 'outlet', 'some old text', ?, '2020-05-01T00:00:00Z'{marks})",
        values,
    )
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
    old_story(old_schema(path, 2)).close()
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
    # story, two months later a new event (the earlier rule, closest.v2; the learned link's time
    # rule is in test_link.py).
    related = (0.8 * topic_vector(0) + 0.6 * topic_vector(1)).astype(np.float32)
    with Store(tmp_path / "s.db") as store:
        store.add([article("e1")], [signal("e1", 0, "1998-10-01")], clustering="closest.v2")
        same = store.add(
            [article("e2")], [Signal("e2", related, ("other",), date(1998, 10, 9))], clustering="closest.v2"
        )[0]
        elsewhere = (0.8 * topic_vector(0) + 0.6 * topic_vector(2)).astype(np.float32)
        later = store.add(
            [article("e3")], [Signal("e3", elsewhere, ("third",), date(1998, 12, 9))], clustering="closest.v2"
        )[0]
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
        (result,) = other.add([article("late")], [Signal("late", near_copy, (), date(2020, 5, 2), topic_words(1))])
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


# -- the second look after a batch (issue 36) -------------------------------------------------


def story_of(store: Store, article_id: str) -> int:
    return store.assignments()[article_id]


def test_issue_36_a_merged_story_keeps_article_ids_and_points_at_the_survivor(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.add([article("a1"), article("a2")], [signal("a1", 0), signal("a2", 0)])
        store.add([article("b1")], [signal("b1", 1)])
        first, second = story_of(store, "a1"), story_of(store, "b1")
        move = store.merge(second, first)
        assert (move.kind, move.story, move.into, move.articles) == ("merge", second, first, ("b1",))
        assert store.story(second) is None and store.merged_into(second) == first
        assert store.merged_into(first) is None
        row = store.story(first)
        assert row is not None and row.articles == ("a1", "a2", "b1")
        assert [listed.id for listed in store.stories()] == [first]
        assert [(m["kind"], m["from"], m["to"], m["articles"]) for m in store.moves(second)] == [
            ("merge", second, first, ["b1"])
        ]
        with pytest.raises(StoreError, match="no story"):
            store.merge(second, first)  # merged already: it is a pointer now, not a story
    with Store(path) as other:  # another process's view, read back from the file
        assert other.merged_into(second) == first
        assert other.assignments() == {"a1": first, "a2": first, "b1": first}
        (fresh,) = other.add([article("c1")], [signal("c1", 5)])
        assert fresh.new_story and fresh.story is not None and fresh.story > second  # ids are never reused


def test_issue_36_a_split_moves_some_articles_into_a_new_story(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add(
            [article(name) for name in ("a1", "a2", "a3")],
            [signal("a1", 0, "2020-05-01"), signal("a2", 0, "2020-05-03"), signal("a3", 0, "2020-05-09")],
        )
        story = story_of(store, "a1")
        move = store.split(story, ["a3"])
        assert (move.kind, move.story, move.articles) == ("split", story, ("a3",))
        assert move.into is not None and move.into != story
        kept, new = store.story(story), store.story(move.into)
        assert kept is not None and new is not None
        assert (kept.articles, new.articles) == (("a1", "a2"), ("a3",))
        assert (kept.first_seen, kept.last_seen, new.first_seen) == ("2020-05-01", "2020-05-03", "2020-05-09")
        for wrong in ([], ["a1", "a2"], ["nowhere"]):
            with pytest.raises(StoreError, match="some, not all"):
                store.split(story, wrong)


def closest_link(cosine: float) -> LinkModel:
    """A made-up link: an article belongs to a story when its closest member's cosine reaches ``cosine``."""
    coef = [0.0] * len(LINK_FEATURES)
    coef[LINK_FEATURES.index("closest")] = 10.0
    zeros, ones = (0.0,) * len(LINK_FEATURES), (1.0,) * len(LINK_FEATURES)
    return LinkModel("test", LINK_FEATURES, zeros, ones, tuple(coef), -10.0 * cosine, (-1.0, 1.0), (0.0, 1.0))


def test_issue_36_a_batch_that_links_two_stories_merges_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    monkeypatch.setattr("storyline.stories.db.load_link_model", lambda: closest_link(0.7))
    day = date(2020, 5, 1)
    first = np.zeros(DIMENSION, dtype=np.float32)
    first[0] = 1.0
    second = np.zeros(DIMENSION, dtype=np.float32)
    second[:2] = (0.6, 0.8)  # cosine 0.6 to the first: two stories
    between = np.zeros(DIMENSION, dtype=np.float32)
    between[:2] = (0.894, 0.447)  # cosine 0.89 to both
    between /= np.linalg.norm(between)
    with Store(tmp_path / "s.db") as store:
        store.add(
            [article("a1"), article("b1")],
            [Signal("a1", first, (), day), Signal("b1", second, (), day)],
            clustering="link.v1",
        )
        assert store.last_moves == ()
        a, b = story_of(store, "a1"), story_of(store, "b1")
        assert a != b
        (result,) = store.add([article("c1")], [Signal("c1", between, (), day)], clustering="link.v1")
        (move,) = store.last_moves
        assert (move.kind, move.story, move.into, move.articles) == ("merge", b, a, ("b1",))
        assert result.story == a  # the result says where the article is after the second look
        row = store.story(a)
        assert row is not None and sorted(row.articles) == ["a1", "b1", "c1"]
        assert store.merged_into(b) == a
        # The earlier rule has no second look.
        store.add([article("d1")], [Signal("d1", second, (), day)], clustering="closest.v2")
        assert store.last_moves == ()


def test_issue_36_migrates_a_version_3_file(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    old_schema(path, 3).close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.add([article("a1")], [signal("a1", 0)])
        assert store.merged_into(story_of(store, "a1")) is None


# -- page text that recurs across inputs (issue 36) ---------------------------------------------

NOTICE = (
    "Turn on alerts in our app to hear first when news breaks near you. "
    "Follow the live coverage of every other story on the new home screen today."
)


def test_issue_36_text_recurring_across_unrelated_inputs_is_page_furniture(tmp_path: Path) -> None:
    # Each input: the notice and a few words of its own (not a copy of one another: too few word
    # triples in common), so only recurrence can tell.
    inputs = [
        article(f"page{n}", text=f"{NOTICE} {' '.join(random.Random(n).sample(_VOCABULARY, 9))}")
        for n in range(RECURRING_TEXTS + 3)
    ]
    real = article("real", text=NOTICE + " " + " ".join(random.Random(99).choices(_VOCABULARY, k=200)) + ".")
    with Store(tmp_path / "s.db") as store:
        results = store.add(
            [*inputs, real],
            [signal(item.id, index) for index, item in enumerate([*inputs, real])],
            clustering="closest.v2",
        )
    outcomes = [result.outcome for result in results]
    assert outcomes[:RECURRING_TEXTS] == ["added"] * RECURRING_TEXTS
    assert outcomes[RECURRING_TEXTS:-1] == ["furniture"] * 3  # seen in enough other texts from here on
    assert all(result.story is None and result.recurring >= 0.75 for result in results[RECURRING_TEXTS:-1])
    assert outcomes[-1] == "added"  # an article with the notice in it is still an article


def wire_copy(original: Article, article_id: str, credit: str) -> Article:
    """Another outlet's run of a wire story: its own credit line, one word edited."""
    words = original.text.split()
    words[7] = "amended"
    return Article(id=article_id, text=f"{credit}. " + " ".join(words), source=credit, origin=article_id)


def test_issue_36_a_wire_copy_moves_with_its_original_and_later_copies_find_it_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    wire = article("wire", words=300)
    with Store(path) as store, Store(path) as elsewhere:
        store.add([article("a1"), article("a2")], [signal("a1", 0), signal("a2", 0)])
        results = store.add([wire, wire_copy(wire, "copy1", "Ledger")], [signal("wire", 1), signal("copy1", 7)])
        assert [result.outcome for result in results] == ["added", "near-duplicate"]
        elsewhere.add([article("z1")], [signal("z1", 9)])  # another process: its view now holds the wire's story
        first, second = story_of(store, "a1"), story_of(store, "wire")
        move = store.merge(second, first)
        assert set(move.articles) == {"wire", "copy1"}  # the copy goes where its original goes
        row = store.story(first)
        assert row is not None and row.near_duplicates == {"copy1": "wire"}
        # A copy arriving after the merge joins the story its original is in now, in this process
        # and in one that read the file before the merge.
        (there,) = elsewhere.add([wire_copy(wire, "copy2", "Gazette")], [signal("copy2", 6)])
        (here,) = store.add([wire_copy(wire, "copy3", "Courier")], [signal("copy3", 8)])
        for result in (there, here):
            assert (result.outcome, result.story) == ("near-duplicate", first)
        assert there.other in {"wire", "copy1"}
        assert store.merged_into(second) == first and store.story(second) is None


def test_issue_36_a_split_keeps_a_copy_with_its_original(tmp_path: Path) -> None:
    wire = article("wire", words=300)
    with Store(tmp_path / "s.db") as store:
        store.add(
            [article("a1"), article("a2"), wire, wire_copy(wire, "copy", "Ledger")],
            [signal("a1", 0), signal("a2", 0), signal("wire", 0), signal("copy", 0)],
        )
        story = story_of(store, "a1")
        move = store.split(story, ["wire"])
        assert move.into is not None and set(move.articles) == {"wire", "copy"}
        assert story_of(store, "copy") == move.into
        # A copy does not leave without its original, nor stay behind when its original leaves:
        # here either split would move none or all of the story's articles.
        for leaving in (["copy"], ["wire"]):
            with pytest.raises(StoreError, match="near-duplicates go with the articles they copy"):
                store.split(move.into, leaving)
        assert sorted(store_rows(store)) == [("a1", "a2"), ("wire", "copy")]


def test_issue_36_a_merged_id_leads_through_later_merges(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.add([article(name) for name in ("a1", "b1", "c1")], [signal("a1", 0), signal("b1", 1), signal("c1", 2)])
        a, b, c = (story_of(store, name) for name in ("a1", "b1", "c1"))
        store.merge(a, b)
        store.merge(b, c)
        assert (store.merged_into(a), store.merged_into(b), store.merged_into(c)) == (c, c, None)
        assert [m["kind"] for m in store.moves(b)] == ["merge", "merge"]  # into b, then out of it
        with pytest.raises(StoreError, match="into itself"):
            store.merge(c, c)
        with pytest.raises(StoreError, match="no story"):
            store.merge(c, 999)


def test_issue_36_stories_of_a_version_3_file_keep_their_articles_and_are_not_moved(tmp_path: Path) -> None:
    # Articles written at schema 3 have vectors and words but no names or day: after migration 4
    # their stories still take new articles, and neither the second look nor a move by hand takes
    # them apart (a story cannot be summed up again from articles it does not know in full).
    path = tmp_path / "v3.db"
    old_story(old_schema(path, 3), words='[["topic3word0", 1.0]]').close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.merged_into(1) is None and store.moves(1) == []
        (result,) = store.add([article("new")], [signal("new", 3, "2020-05-02")], clustering="closest.v2")
        assert (result.outcome, result.story) == ("added", 1)
        (other,) = store.add([article("b1")], [signal("b1", 4)], clustering="link.v1")  # and its second look
        assert other.story is not None and store.last_moves == ()
        with pytest.raises(StoreError, match="before schema 4"):
            store.merge(1, other.story)
        with pytest.raises(StoreError, match="before schema 4"):
            store.split(1, ["new"])
        assert store_rows(store)[-1] == ("old", "new")
    connection = sqlite3.connect(path)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"story_moves", "passages"} <= tables
    assert connection.execute("SELECT entities, day FROM articles WHERE id = 'old'").fetchone() == (None, None)
    connection.close()


def test_issue_36_a_wire_copy_is_no_recurring_page_text(tmp_path: Path) -> None:
    # Ten outlets running one wire story share all its sentences, but they are one story's copies,
    # not page furniture: none is skipped, and they do not make the wire's sentences recurring.
    wire = article("wire", words=300)
    outlets = ["Ledger", "Courier", "Gazette", "Herald", "Tribune", "Sentinel", "Observer", "Chronicle"]
    copies = [wire_copy(wire, f"copy{n}", outlet) for n, outlet in enumerate(outlets)]
    assert len(copies) > RECURRING_TEXTS
    with Store(tmp_path / "s.db") as store:
        results = store.add([wire, *copies], [signal(item.id, 0) for item in [wire, *copies]])
        assert [result.outcome for result in results] == ["added"] + ["near-duplicate"] * len(copies)
        assert all(result.recurring == 0.0 for result in results)


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


def _open_connections(path: Path) -> int:
    """Connections this process holds open on the SQLite file at ``path`` (its file descriptors)."""
    target = path.resolve()
    fds = Path("/proc/self/fd")
    found = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            found += fd.readlink() == target
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc (Linux)")
def test_issue_32_reads_from_threads_that_come_and_go_keep_a_bounded_number_of_connections(tmp_path: Path) -> None:
    # A web server's thread pool ends idle threads and starts new ones: a connection kept per thread
    # stayed open after its thread ended, one more for every thread the server ever ran.
    path = tmp_path / "stories.db"
    with Store(path) as store:
        store.add([article("a1")], [signal("a1", 0)])
        for _ in range(3 * MAX_IDLE_READERS):
            reader = threading.Thread(target=store.stories)
            reader.start()
            reader.join()
        assert _open_connections(path) <= 2  # one read connection, lent to each thread in turn, and the writer

        def burst() -> int:
            # Many reads at once open as many connections; the ones over the cap are closed after.
            with ThreadPoolExecutor(2 * MAX_IDLE_READERS) as many:
                barrier = threading.Barrier(2 * MAX_IDLE_READERS)

                def read_together() -> int:
                    barrier.wait()
                    return len(store.stories())

                assert list(many.map(lambda _: read_together(), range(2 * MAX_IDLE_READERS))) == [1] * (
                    2 * MAX_IDLE_READERS
                )
            return _open_connections(path)

        # SQLite's unix layer may keep a closed connection's file descriptor while other connections of
        # the process hold locks on the file, and reuses it for the next open: what must hold is that
        # bursts (each on new threads) do not add up, not that every closed descriptor is gone at once.
        for _ in range(3):
            assert burst() <= 2 * MAX_IDLE_READERS + 1
    assert _open_connections(path) == 0
