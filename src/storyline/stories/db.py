"""The story store: articles, their stories and cached summaries in one SQLite file.

Knows SQLite, not models, and not how an article finds its story (that is the index's, stories.index:
near-duplicates and placement). The schema is versioned: ``schema_version`` holds the number of the last
migration applied, and :data:`MIGRATIONS` are applied in order when a store is opened, each in
its own transaction. The file runs in WAL mode (readers never wait for a writer) with a busy
timeout; every write is one ``BEGIN IMMEDIATE`` transaction, so several processes can add
articles to one file at once: writers take turns, and each one first brings its in-memory view
(the story centroids and the near-duplicate index) up to date with what the others wrote.

What :meth:`Store.add` does with each article, in order:

- an id already stored: ``unchanged`` (so re-ingesting the same input changes nothing);
- the same words as a stored article (case, spacing and punctuation aside): ``duplicate``, not stored;
- else stored in the story :meth:`StoryIndex.place <storyline.stories.index.StoryIndex.place>` picks:
  the story of a stored article whose copy it is (marked a near-duplicate of it), the story it fits
  best, or a new one.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from storyline.config import CLUSTERINGS
from storyline.errors import ConfigError, StorylineError
from storyline.sources.check import NOTICE_SHARE, passages, recurring_share
from storyline.stories.index import (
    MEMBERS_KEPT,
    Member,
    Signal,
    StoryIndex,
    StoryState,
    minhash,
    signature_bytes,
    signature_from,
)
from storyline.stories.link import LinkModel, load_link_model
from storyline.stories.revisit import Move, merge_for, split_for
from storyline.text import fingerprint
from storyline.types import Article

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Added",
    "Outcome",
    "Store",
    "StoreError",
    "StoryRow",
    "remove_store",
]

log = logging.getLogger(__name__)


class StoreError(StorylineError):
    """The story database cannot be used (not a Storyline store, newer schema, locked too long)."""


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one (``executescript`` would commit the open migration transaction)."""
    for statement in script.split(";"):
        lines = [line.split("--", 1)[0] for line in statement.splitlines()]
        if "".join(lines).strip():
            connection.execute("\n".join(lines))


def _migration_1(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT,
            vector_sum BLOB NOT NULL,      -- float32 sum of the articles' vectors
            count INTEGER NOT NULL,
            entities TEXT NOT NULL,        -- JSON {entity: articles naming it}
            words TEXT NOT NULL DEFAULT '{}',  -- JSON {content word: articles using it}, the top ones
            first_day TEXT,                -- publication days known (for the time rule)
            last_day TEXT,
            first_seen TEXT NOT NULL,      -- published, else ingested: ISO text
            last_seen TEXT NOT NULL,
            seq INTEGER NOT NULL           -- clock value of the write that last changed it
        );
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            fingerprint TEXT NOT NULL UNIQUE,
            near_duplicate_of TEXT,
            source TEXT NOT NULL,
            title TEXT,
            published TEXT,
            url TEXT,
            text TEXT NOT NULL,
            origin TEXT,
            minhash BLOB NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_by_story ON articles(story_id);
        CREATE TABLE clock (value INTEGER NOT NULL);
        INSERT INTO clock VALUES (0);
        """,
    )


def _migration_2(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        CREATE TABLE summaries (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id),
            key TEXT NOT NULL,             -- the story's article set and settings it was made from
            body TEXT NOT NULL,            -- JSON (render.summary_to_dict)
            made_at TEXT NOT NULL
        );
        CREATE INDEX stories_by_last_seen ON stories(last_seen);
        """,
    )


def _migration_3(connection: sqlite3.Connection) -> None:
    # Each article's own vector and content words, for the closest-member scores of the
    # clustering (cluster v2). Articles stored before have NULL here; their stories are then
    # scored by centroid and word counts, as before, until members with vectors join.
    _run_script(
        connection,
        """
        ALTER TABLE articles ADD COLUMN vector BLOB;   -- float32, L2-normalised (cluster.Signal.vector)
        ALTER TABLE articles ADD COLUMN words TEXT      -- JSON [[content word, weight], ...] (Signal.words)
        """,
    )


def _migration_4(connection: sqlite3.Connection) -> None:
    # Stories revisited after each batch (issue 36): a story merged into another keeps its row,
    # pointing at the survivor, so its id is never reused and its URL can redirect; each move is
    # logged. Each article's names and day are kept so that a story can be summed up again from
    # its articles after a move. Page text seen across inputs is counted by passage (recurring
    # page furniture). Articles stored before have NULL names and day; their stories are left
    # as they are.
    _run_script(
        connection,
        """
        ALTER TABLE stories ADD COLUMN merged_into INTEGER REFERENCES stories(id);
        ALTER TABLE articles ADD COLUMN entities TEXT;  -- JSON [name, ...] (Signal.entities)
        ALTER TABLE articles ADD COLUMN day TEXT;       -- Signal.day, ISO
        ALTER TABLE articles ADD COLUMN undated INTEGER;  -- 1: day is the day it arrived, not its own
        CREATE TABLE story_moves (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,            -- 'merge' (every article of from_story went to to_story) or 'split'
            from_story INTEGER NOT NULL REFERENCES stories(id),
            to_story INTEGER NOT NULL REFERENCES stories(id),
            articles TEXT NOT NULL,        -- JSON [article id, ...] that moved
            probability REAL NOT NULL,     -- the link probability the move was decided on
            moved_at TEXT NOT NULL
        );
        CREATE INDEX story_moves_from ON story_moves(from_story);
        CREATE TABLE passages (
            hash TEXT PRIMARY KEY,         -- sha1 of a sentence's lower-cased words (check.passages)
            texts INTEGER NOT NULL         -- distinct input texts it was seen in
        )
        """,
    )


def _migration_feeds(connection: sqlite3.Connection) -> None:
    # The feeds `storyline watch` follows (issue 34), in tables of their own: stories.feeds reads and
    # writes them; nothing here or in the story tables depends on them.
    _run_script(
        connection,
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            added_at TEXT NOT NULL,
            etag TEXT,                     -- validators of the last full answer, for conditional requests
            last_modified TEXT,
            last_polled TEXT,
            last_success TEXT,
            last_error TEXT,               -- the one-line message of the last failure
            failures INTEGER NOT NULL DEFAULT 0,  -- failures in a row (0 after a success)
            next_poll TEXT,                -- not polled again before this (ISO), later after failures
            entries_seen INTEGER NOT NULL DEFAULT 0,
            articles_stored INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE feed_entries (
            feed_url TEXT NOT NULL REFERENCES feeds(url),
            key TEXT NOT NULL,             -- the entry's id, else its link
            link TEXT NOT NULL,
            outcome TEXT NOT NULL,         -- stored | duplicate | unchanged | failed
            article_id TEXT,
            story_id INTEGER,
            message TEXT,                  -- why it failed
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, key)
        )
        """,
    )


#: Ordered migrations: ``MIGRATIONS[n - 1]`` takes the schema from version n - 1 to n. Append, never edit.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_feeds,
)
SCHEMA_VERSION = len(MIGRATIONS)

Outcome = Literal["added", "near-duplicate", "duplicate", "unchanged", "furniture"]
#: The largest id SQLite stores (a signed 64-bit integer); a larger one names no story.
MAX_ID = 2**63 - 1
#: Read connections kept open between reads (more are opened while more reads run at once, and
#: closed after): about the threads of a web server that read at the same time.
MAX_IDLE_READERS = 16


@dataclass(frozen=True, slots=True)
class Added:
    """What became of one article given to :meth:`Store.add`."""

    article_id: str
    outcome: Outcome
    story: int | None  # the story it is in (None when it was not stored: page furniture)
    other: str | None = None  # the stored article it duplicates
    new_story: bool = False
    recurring: float = 0.0  # share of its words in passages other inputs had (check.recurring_share)


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story as listed: id, title, article ids (ingest order), sources and the dates seen."""

    id: int
    title: str
    articles: tuple[str, ...]
    sources: tuple[str, ...]
    first_seen: str
    last_seen: str
    near_duplicates: dict[str, str]  # article id -> the article it copies


def remove_store(path: str | Path) -> None:
    """Delete a story database file with the write-ahead log and shared-memory files SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _title_of(article: Article) -> str:
    if article.title:
        return article.title
    first = article.text.strip().split("\n", 1)[0]
    if len(first) <= 90:
        return first
    cut = first.rfind(" ", 0, 90)
    return first[: cut if cut > 40 else 90] + "…"


class Store:
    """A story database in one SQLite file (created and migrated when opened).

    Thread-safe, so a web server can share one Store: writes go through one connection guarded by a
    lock; each read borrows a read connection of its own (a few are kept between reads), so in WAL
    mode a read never waits for a write (nor for the lock a long ingest holds between its
    transactions). Several processes may open the same file at once.

    Raises:
        StoreError: the file is not a Storyline store, has a newer schema, or cannot be opened.
    """

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._lock = threading.RLock()
        # Read connections are lent out one a read and given back, not kept one a thread: a server's
        # thread pool ends idle threads and starts new ones, so connections kept per thread would
        # pile up (each with its page cache) for as long as the server runs.
        self._idle_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()  # not the writer's lock: a first read never waits for a write
        self._closed = False
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(
                f"{self.path}: cannot open as a story database ({error}); give another --db path"
            ) from error
        self._reset_view()

    # -- schema -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE name != 'schema_version'")
                if tables.fetchone()[0]:
                    raise StoreError(f"{self.path}: an SQLite file of another program; give another --db path")
                self._db.execute("INSERT INTO schema_version VALUES (0)")
                version = 0
            else:
                version = int(row[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: made by a newer Storyline (schema {version}, this one knows {SCHEMA_VERSION}); "
                    "upgrade Storyline"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](self._db)
                self._db.execute("UPDATE schema_version SET version = ?", (number,))
                log.info("%s: schema migrated to version %d", self.path, number)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        """The schema version of the file."""
        with self._lock:
            return int(self._db.execute("SELECT version FROM schema_version").fetchone()[0])

    def close(self) -> None:
        """Close the connections."""
        with self._lock:
            self._db.close()
        with self._readers_lock:
            self._closed = True
            for reader in self._idle_readers:
                reader.close()
            self._idle_readers.clear()

    def _borrow_reader(self) -> sqlite3.Connection:
        """An idle read connection, or a new one when none is idle."""
        with self._readers_lock:
            if self._idle_readers:
                return self._idle_readers.pop()
        reader = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        reader.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        reader.execute("PRAGMA query_only = ON")
        return reader

    def _return_reader(self, reader: sqlite3.Connection) -> None:
        """Keep a read connection for the next read, or close it when enough are idle (or the store is closed)."""
        with self._readers_lock:
            if not self._closed and len(self._idle_readers) < MAX_IDLE_READERS:
                self._idle_readers.append(reader)
                return
        reader.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the writer's view of the stories -------------------------------------------------------

    def _reset_view(self) -> None:
        self._index = StoryIndex()
        self._clock = -1
        self._article_seq = 0
        self.last_moves: tuple[Move, ...] = ()

    def _refresh(self) -> None:
        """Bring the stories and the near-duplicate index up to what is in the file (inside a transaction)."""
        clock = int(self._db.execute("SELECT value FROM clock").fetchone()[0])
        if clock != self._clock:
            rows = self._db.execute(
                "SELECT id, vector_sum, count, entities, first_day, last_day, words, merged_into FROM stories "
                "WHERE seq > ?",
                (self._clock,),
            )
            for row in rows.fetchall():
                if row[7] is not None:
                    self._index.remove(int(row[0]))
                else:
                    self._index.put(self._state(row))
            self._clock = clock
        rows = self._db.execute("SELECT seq, id, minhash, story_id FROM articles WHERE seq > ?", (self._article_seq,))
        for seq, article_id, blob, story_id in rows:
            self._index.remember(article_id, signature_from(blob), int(story_id))
            self._article_seq = max(self._article_seq, int(seq))

    def _state(self, row: Sequence[object]) -> StoryState:
        """A story's state as stored: ``row`` is (id, vector_sum, count, entities, first_day, last_day, words)."""
        story_id, blob, count, entities, first_day, last_day, words = row[:7]
        members = self._db.execute(
            "SELECT vector, words, entities, id, day, undated FROM articles WHERE story_id = ? AND vector IS NOT NULL "
            "ORDER BY seq DESC LIMIT ?",
            (story_id, MEMBERS_KEPT),
        ).fetchall()
        return StoryState(
            int(str(story_id)),
            np.frombuffer(bytes(blob), dtype=np.float32).copy(),  # type: ignore[call-overload]
            int(str(count)),
            Counter(json.loads(str(entities))),
            date.fromisoformat(str(first_day)) if first_day else None,
            date.fromisoformat(str(last_day)) if last_day else None,
            Counter(json.loads(str(words))),
            [
                Member(
                    np.frombuffer(vector, dtype=np.float32).copy(),
                    tuple((str(word), float(weight)) for word, weight in json.loads(member_words)),
                    tuple(str(name) for name in json.loads(names)) if names else (),
                    # No id for an article stored before schema 4 (no names, no day): the second look
                    # moves only articles it knows in full, so such a story is left as it is.
                    str(article_id) if names is not None else "",
                    date.fromisoformat(day) if day else None,
                    bool(undated),
                )
                for vector, member_words, names, article_id, day, undated in reversed(members)
            ],
        )

    # -- writing ----------------------------------------------------------------------------

    def known(self, articles: Sequence[Article]) -> dict[str, Added]:
        """Those articles already stored, by id (``unchanged``) or by identical words (``duplicate``).

        They need no signal: :meth:`add` would leave them out anyway.
        """
        found: dict[str, Added] = {}
        with self._lock:
            for article in articles:
                row = self._db.execute("SELECT story_id FROM articles WHERE id = ?", (article.id,)).fetchone()
                if row:
                    found[article.id] = Added(article.id, "unchanged", int(row[0]))
                    continue
                row = self._db.execute(
                    "SELECT id, story_id FROM articles WHERE fingerprint = ?", (fingerprint(article.text),)
                ).fetchone()
                if row:
                    found[article.id] = Added(article.id, "duplicate", int(row[1]), other=str(row[0]))
        return found

    def stored_ids(self, article_ids: Iterable[str]) -> set[str]:
        """Those of ``article_ids`` that are stored already (whatever their text)."""
        with self._lock:
            return {
                article_id
                for article_id in dict.fromkeys(article_ids)
                if self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            }

    def add(
        self, articles: Sequence[Article], signals: Sequence[Signal], *, clustering: str = CLUSTERINGS[0]
    ) -> list[Added]:
        """Store articles (cleaned) with their signals in one transaction; each goes to a story.

        With ``clustering="link.v1"`` each article joins the story the learned link finds most
        probable (:meth:`StoryIndex.place_linked`), and then the stories the batch touched are
        looked at again (:mod:`storyline.stories.revisit`): merged or split, in the same
        transaction; :attr:`last_moves` tells what moved. ``"closest.v2"`` (the default) is the
        closest-member rule, without the second look.

        Returns:
            One :class:`Added` per article, in order, with the story it is in after the batch.

        Raises:
            StoreError: the database stayed locked past the timeout or cannot be written.
            ConfigError: an unknown ``clustering``, or the link model cannot be loaded.
        """
        if len(articles) != len(signals):
            raise ValueError("one signal per article")
        if clustering not in CLUSTERINGS:
            raise ConfigError(f"clustering must be one of {', '.join(CLUSTERINGS)}, got {clustering!r}")
        model = load_link_model() if clustering == "link.v1" else None
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"{self.path}: cannot write ({error}); try again") from error
            try:
                self._refresh()
                clock = self._clock + 1
                results = [
                    self._add_one(article, signal, clock, model)
                    for article, signal in zip(articles, signals, strict=True)
                ]
                moves: list[Move] = []
                if model is not None:
                    touched = {result.story for result in results if result.outcome in ("added", "near-duplicate")}
                    moves = self._revisit({story for story in touched if story is not None}, clock, model)
                if moves:
                    results = self._where_now(results)
                self._db.execute("UPDATE clock SET value = ?", (clock,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._reset_view()  # the in-memory view took changes that are not in the file
                raise
            self._clock = clock
            self._article_seq = int(self._db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])
            self.last_moves = tuple(moves)
            return results

    def merge(self, story_id: int, into: int) -> Move:
        """Merge one story into another by hand, as the second look does when the link says they are one.

        Every article keeps its id; ``story_id`` then points at ``into`` (its links redirect there).

        Raises:
            StoreError: either story does not exist (or was merged), they are the same story, or one
                of ``story_id``'s articles is not known in full (stored before schema 4).
        """
        if story_id == into:
            raise StoreError(f"{self.path}: story {story_id} cannot be merged into itself")
        return self._by_hand(story_id, into, None)

    def split(self, story_id: int, article_ids: Iterable[str]) -> Move:
        """Move some articles of a story into a new story by hand, as the second look's split does.

        Raises:
            StoreError: no such story, an article that is not in it, none or all of its articles
                given, or one of its articles not known in full (stored before schema 4).
        """
        return self._by_hand(story_id, None, tuple(dict.fromkeys(article_ids)))

    def _by_hand(self, story_id: int, into: int | None, leaving: tuple[str, ...] | None) -> Move:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._refresh()
                for number in (story_id, into):
                    if number is not None and number not in self._index:
                        raise StoreError(f"{self.path}: no story {number}; see storyline stories")
                source = self._index.get(story_id)
                members = [member.article_id for member in source.members]
                if source.count != len(members) or not all(members):
                    raise StoreError(f"{self.path}: story {story_id} has articles stored before schema 4; not moved")
                if leaving is not None and (not leaving or set(leaving) - set(members) or set(leaving) >= set(members)):
                    raise StoreError(
                        f"{self.path}: give some, not all, of the articles of story {story_id} to split off"
                    )
                clock = self._clock + 1
                wanted = Move("merge", story_id, into, tuple(members), 1.0)
                if leaving is not None:
                    wanted = Move("split", story_id, None, leaving, 1.0)
                move = self._move(wanted, clock)
                if move is None:
                    raise StoreError(
                        f"{self.path}: near-duplicates go with the articles they copy, so that split would move "
                        f"none or all of story {story_id}'s articles; name their originals, or fewer"
                    )
                self._db.execute("UPDATE clock SET value = ?", (clock,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._reset_view()
                raise
            self._clock = clock
            return move

    def _add_one(self, article: Article, signal: Signal, clock: int, model: LinkModel | None) -> Added:
        db = self._db
        if db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
            story = db.execute("SELECT story_id FROM articles WHERE id = ?", (article.id,)).fetchone()[0]
            return Added(article.id, "unchanged", int(story))
        key = fingerprint(article.text)
        row = db.execute("SELECT id, story_id FROM articles WHERE fingerprint = ?", (key,)).fetchone()
        if row:
            return Added(article.id, "duplicate", int(row[1]), other=str(row[0]))
        signature = minhash(article.text)
        placement = self._index.place(signal, signature, model)
        near = placement.copy_of
        story_id = placement.story
        if near is not None:
            # Where the copied article is now: the file knows, also after another process moved it.
            story_id = int(db.execute("SELECT story_id FROM articles WHERE id = ?", (near,)).fetchone()[0])
        else:
            # Not a copy of a stored article: its passages count as seen in one more text, and
            # if most of its words are passages many other texts had, it is page furniture.
            found = passages(article.text)
            recurring = recurring_share(article.text, self._passage_counts(found))
            db.executemany(
                "INSERT INTO passages (hash, texts) VALUES (?, 1) ON CONFLICT(hash) DO UPDATE SET texts = texts + 1",
                [(key,) for key in found],
            )
            if recurring >= NOTICE_SHARE:
                return Added(article.id, "furniture", None, recurring=recurring)
        new_story = False
        ingested = _now()
        seen = article.published or (signal.day.isoformat() if signal.day else ingested)
        if story_id is None:
            cursor = db.execute(
                "INSERT INTO stories (title, vector_sum, count, entities, first_seen, last_seen, seq) "
                "VALUES (?, x'', 0, '{}', ?, ?, ?)",
                (_title_of(article), seen, seen, clock),
            )
            story_id = int(cursor.lastrowid or 0)
            new_story = True
        self._write_state(self._index.add(signal, story_id), clock)
        db.execute(
            "UPDATE stories SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), "
            "title = coalesce(title, ?) WHERE id = ?",
            (seen, seen, _title_of(article), story_id),
        )
        db.execute(
            "INSERT INTO articles (id, story_id, fingerprint, near_duplicate_of, source, title, published, url, text, "
            "origin, minhash, ingested_at, vector, words, entities, day, undated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                story_id,
                key,
                near,
                article.source,
                article.title,
                article.published,
                article.url,
                article.text,
                article.origin,
                signature_bytes(signature),
                ingested,
                np.asarray(signal.vector, dtype=np.float32).tobytes(),
                json.dumps([[word, weight] for word, weight in signal.words], ensure_ascii=False),
                json.dumps(list(signal.entities), ensure_ascii=False),
                signal.day.isoformat() if signal.day else None,
                int(signal.undated),
            ),
        )
        self._index.remember(article.id, signature, story_id)
        outcome: Outcome = "near-duplicate" if near else "added"
        return Added(article.id, outcome, story_id, other=near, new_story=new_story)

    def _passage_counts(self, found: dict[str, int]) -> dict[str, int]:
        """How many input texts had each of these passages before."""
        counts: dict[str, int] = {}
        keys = list(found)
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            counts.update(
                self._db.execute(f"SELECT hash, texts FROM passages WHERE hash IN ({marks})", part).fetchall()
            )
        return counts

    def _write_state(self, state: StoryState, clock: int) -> None:
        """Write a story's running numbers (as the index holds them) into its row."""
        self._db.execute(
            "UPDATE stories SET vector_sum = ?, count = ?, entities = ?, words = ?, first_day = ?, last_day = ?, "
            "seq = ? WHERE id = ?",
            (
                state.vector_sum.astype(np.float32).tobytes(),
                state.count,
                json.dumps(dict(state.entities), ensure_ascii=False),
                json.dumps(dict(state.words), ensure_ascii=False),
                state.first_day.isoformat() if state.first_day else None,
                state.last_day.isoformat() if state.last_day else None,
                clock,
                state.id,
            ),
        )

    # -- the second look at stories (revisit) ------------------------------------------------------

    def _revisit(self, touched: set[int], clock: int, model: LinkModel) -> list[Move]:
        """Split, then merge, the stories a batch touched (and those split off); returns the moves made."""
        moves: list[Move] = []
        for story_id in sorted(touched):
            if story_id in self._index:
                split = split_for(self._index, story_id, model)
                if split is not None:
                    done = self._move(split, clock)
                    moves.extend([done] if done else [])
        looked = touched | {move.into for move in moves if move.into is not None}
        for story_id in sorted(looked):
            if story_id in self._index:
                merge = merge_for(self._index, story_id, model)
                if merge is not None:
                    done = self._move(merge, clock)
                    moves.extend([done] if done else [])
        return moves

    def _move(self, move: Move, clock: int) -> Move | None:
        """Move the articles of ``move`` (a new story for a split) and sum the stories up again.

        Returns:
            The move made, or None for a split that would move none or all of the story's articles
            once its near-duplicates go with the articles they copy (nothing is changed then).
        """
        db = self._db
        leaving = set(move.articles)
        # A near-duplicate goes where the article it copies goes, and stays where it stays.
        for article_id, original in db.execute(
            "SELECT id, near_duplicate_of FROM articles WHERE story_id = ? AND near_duplicate_of IS NOT NULL",
            (move.story,),
        ).fetchall():
            if original in leaving:
                leaving.add(article_id)
            elif move.kind == "split":
                leaving.discard(article_id)
        rows = db.execute(
            "SELECT id, title, text, coalesce(published, day, ingested_at) FROM articles WHERE story_id = ? "
            "ORDER BY seq",
            (move.story,),
        ).fetchall()
        moving = [row for row in rows if row[0] in leaving]
        if not moving or (move.kind == "split" and len(moving) == len(rows)):
            return None
        into = move.into
        if into is None:
            first = moving[0]
            into = int(
                db.execute(
                    "INSERT INTO stories (title, vector_sum, count, entities, first_seen, last_seen, seq) "
                    "VALUES (?, x'', 0, '{}', ?, ?, ?)",
                    (
                        _title_of(Article(id=first[0], text=first[2], source="", title=first[1])),
                        first[3],
                        first[3],
                        clock,
                    ),
                ).lastrowid
                or 0
            )
        db.executemany("UPDATE articles SET story_id = ? WHERE id = ?", [(into, row[0]) for row in moving])
        self._index.relocate([row[0] for row in moving], into)  # so that their copies find them where they are
        source = self._index.get(move.story)
        arriving = [member for member in source.members if member.article_id in leaving]
        for member in arriving:
            self._write_state(self._index.add(member.signal, into), clock)
        if move.kind == "merge":
            db.execute("UPDATE stories SET merged_into = ?, count = 0, seq = ? WHERE id = ?", (into, clock, move.story))
            db.execute("DELETE FROM summaries WHERE story_id = ?", (move.story,))
            self._index.remove(move.story)
        else:
            staying = StoryState(move.story, np.zeros_like(source.vector_sum), 0)
            for member in source.members:
                if member.article_id not in leaving:
                    staying.absorb(member.signal)
            self._index.put(staying)
            self._write_state(staying, clock)
        for story_id in {into, move.story} - ({move.story} if move.kind == "merge" else set()):
            db.execute(
                "UPDATE stories SET first_seen = (SELECT min(coalesce(published, day, ingested_at)) FROM articles "
                "WHERE story_id = :id), last_seen = (SELECT max(coalesce(published, day, ingested_at)) FROM articles "
                "WHERE story_id = :id) WHERE id = :id",
                {"id": story_id},
            )
        done = Move(move.kind, move.story, into, tuple(row[0] for row in moving), move.probability)
        db.execute(
            "INSERT INTO story_moves (kind, from_story, to_story, articles, probability, moved_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (done.kind, done.story, into, json.dumps(list(done.articles)), done.probability, _now()),
        )
        log.info(
            "%s: story %d -> %d, %d articles (link %.2f)", done.kind, done.story, into, len(moving), done.probability
        )
        return done

    def _where_now(self, results: list[Added]) -> list[Added]:
        """The results with each stored article's story as it is after the second look."""
        now = []
        for result in results:
            if result.outcome in ("added", "near-duplicate"):
                row = self._db.execute("SELECT story_id FROM articles WHERE id = ?", (result.article_id,)).fetchone()
                result = replace(result, story=int(row[0]))
            now.append(result)
        return now

    # -- reading ----------------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on a read connection of its own: every query inside sees the same state."""
        db = self._borrow_reader()
        try:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")
        finally:
            self._return_reader(db)

    def stories(self, *, limit: int | None = None, after: tuple[str, int] | None = None) -> list[StoryRow]:
        """Stories, the most recently seen first (ties: the newest story first).

        Args:
            limit: at most this many.
            after: the (``last_seen``, ``id``) of the story before the first wanted (a page's cursor).
        """
        where, values = (
            ("", ())
            if after is None
            else ("AND (last_seen < ? OR (last_seen = ? AND id < ?))", (after[0], after[0], after[1]))
        )
        with self._snapshot() as db:
            rows = db.execute(
                f"SELECT id, title, first_seen, last_seen FROM stories WHERE merged_into IS NULL {where} "
                "ORDER BY last_seen DESC, id DESC LIMIT ?",
                (*values, limit if limit is not None else -1),
            ).fetchall()
            members: dict[int, list[tuple[str, str, str | None]]] = {}
            wanted = [int(row[0]) for row in rows]
            for start in range(0, len(wanted), 500):  # SQLite takes a bounded number of parameters
                part = wanted[start : start + 500]
                for story_id, article_id, source, near in db.execute(
                    "SELECT story_id, id, source, near_duplicate_of FROM articles "
                    f"WHERE story_id IN ({', '.join('?' * len(part))}) ORDER BY seq",
                    part,
                ):
                    members.setdefault(int(story_id), []).append((article_id, source, near))
        return [self._row(row, members.get(int(row[0]), [])) for row in rows]

    def story(self, story_id: int) -> StoryRow | None:
        """One story, or None when there is no story with that id (or it was merged: see :meth:`merged_into`;
        any int: one past SQLite's range is none)."""
        if not 0 < story_id <= MAX_ID:
            return None
        with self._snapshot() as db:
            row = db.execute(
                "SELECT id, title, first_seen, last_seen FROM stories WHERE id = ? AND merged_into IS NULL", (story_id,)
            ).fetchone()
            if row is None:
                return None
            members = db.execute(
                "SELECT id, source, near_duplicate_of FROM articles WHERE story_id = ? ORDER BY seq", (story_id,)
            ).fetchall()
        return self._row(row, members)

    @staticmethod
    def _row(row: tuple[object, ...], members: Sequence[tuple[str, str, str | None]]) -> StoryRow:
        return StoryRow(
            id=int(str(row[0])),
            title=str(row[1] or ""),
            articles=tuple(article_id for article_id, _, _ in members),
            sources=tuple(dict.fromkeys(source for _, source, _ in members)),
            first_seen=str(row[2]),
            last_seen=str(row[3]),
            near_duplicates={article_id: near for article_id, _, near in members if near},
        )

    def merged_into(self, story_id: int) -> int | None:
        """The story a merged story's articles are in now (following later merges), else None.

        A story merged into another keeps its id as a pointer, so links to it stay valid. Any int:
        one past SQLite's range names no story.
        """
        if not 0 < story_id <= MAX_ID:
            return None
        with self._snapshot() as db:
            seen = {story_id}
            target = None
            current: int | None = story_id
            while current is not None:
                row = db.execute("SELECT merged_into FROM stories WHERE id = ?", (current,)).fetchone()
                current = int(row[0]) if row and row[0] is not None else None
                if current is not None:
                    if current in seen:  # never made so; a loop would be a broken file
                        break
                    seen.add(current)
                    target = current
            return target

    def moves(self, story_id: int) -> list[dict[str, object]]:
        """What the second look moved out of or into a story, oldest first: kind, from, to, articles, when."""
        with self._snapshot() as db:
            rows = db.execute(
                "SELECT kind, from_story, to_story, articles, probability, moved_at FROM story_moves "
                "WHERE from_story = ? OR to_story = ? ORDER BY id",
                (story_id, story_id),
            ).fetchall()
        return [
            {
                "kind": kind,
                "from": int(source),
                "to": int(target),
                "articles": json.loads(articles),
                "probability": round(float(probability), 3),
                "at": moved_at,
            }
            for kind, source, target, articles, probability, moved_at in rows
        ]

    def articles(self, story_id: int) -> list[Article]:
        """The stored (cleaned) articles of a story, in ingest order."""
        if not 0 < story_id <= MAX_ID:
            return []
        with self._snapshot() as db:
            rows = db.execute(
                "SELECT id, text, source, title, published, url, origin FROM articles WHERE story_id = ? ORDER BY seq",
                (story_id,),
            ).fetchall()
        return [
            Article(id=r[0], text=r[1], source=r[2], title=r[3], published=r[4], url=r[5], origin=r[6] or r[0])
            for r in rows
        ]

    def assignments(self) -> dict[str, int]:
        """Every stored article id with its story id."""
        with self._snapshot() as db:
            return {str(a): int(s) for a, s in db.execute("SELECT id, story_id FROM articles")}

    def count(self) -> int:
        """Number of stored articles."""
        with self._snapshot() as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- cached summaries ---------------------------------------------------------------------

    def cached_summary(self, story_id: int, key: str | None = None) -> str | None:
        """The cached summary JSON of a story when it was made from the same articles and settings
        (``key``); with no key, whatever summary is cached (it may be stale)."""
        if not 0 < story_id <= MAX_ID:
            return None
        with self._snapshot() as db:
            row = db.execute(
                "SELECT body FROM summaries WHERE story_id = ? AND key = coalesce(?, key)", (story_id, key)
            ).fetchone()
        return str(row[0]) if row else None

    def save_summary(self, story_id: int, key: str, body: str) -> None:
        """Cache a story's summary JSON under the key of its article set (replacing an older one)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO summaries (story_id, key, body, made_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(story_id) DO UPDATE SET key = excluded.key, body = excluded.body, "
                    "made_at = excluded.made_at",
                    (story_id, key, body, _now()),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
