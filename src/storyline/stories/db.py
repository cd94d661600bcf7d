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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from storyline.errors import StorylineError
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
    _migration_feeds,
)
SCHEMA_VERSION = len(MIGRATIONS)

Outcome = Literal["added", "near-duplicate", "duplicate", "unchanged"]


@dataclass(frozen=True, slots=True)
class Added:
    """What became of one article given to :meth:`Store.add`."""

    article_id: str
    outcome: Outcome
    story: int | None  # the story it is in (None for a duplicate that was not stored)
    other: str | None = None  # the stored article it duplicates
    new_story: bool = False


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

    Thread-safe: one connection guarded by a lock, so a web server can share one Store. Several
    processes may open the same file at once.

    Raises:
        StoreError: the file is not a Storyline store, has a newer schema, or cannot be opened.
    """

    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
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
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the writer's view of the stories -------------------------------------------------------

    def _reset_view(self) -> None:
        self._index = StoryIndex()
        self._clock = -1
        self._article_seq = 0

    def _refresh(self) -> None:
        """Bring the stories and the near-duplicate index up to what is in the file (inside a transaction)."""
        clock = int(self._db.execute("SELECT value FROM clock").fetchone()[0])
        if clock != self._clock:
            rows = self._db.execute(
                "SELECT id, vector_sum, count, entities, first_day, last_day, words FROM stories WHERE seq > ?",
                (self._clock,),
            )
            for story_id, blob, count, entities, first_day, last_day, words in rows.fetchall():
                members = self._db.execute(
                    "SELECT vector, words FROM articles WHERE story_id = ? AND vector IS NOT NULL "
                    "ORDER BY seq DESC LIMIT ?",
                    (story_id, MEMBERS_KEPT),
                ).fetchall()
                self._index.put(
                    StoryState(
                        int(story_id),
                        np.frombuffer(blob, dtype=np.float32).copy(),
                        int(count),
                        Counter(json.loads(entities)),
                        date.fromisoformat(first_day) if first_day else None,
                        date.fromisoformat(last_day) if last_day else None,
                        Counter(json.loads(words)),
                        [
                            Member(
                                np.frombuffer(vector, dtype=np.float32).copy(),
                                tuple((str(word), float(weight)) for word, weight in json.loads(member_words)),
                            )
                            for vector, member_words in reversed(members)
                        ],
                    )
                )
            self._clock = clock
        rows = self._db.execute("SELECT seq, id, minhash, story_id FROM articles WHERE seq > ?", (self._article_seq,))
        for seq, article_id, blob, story_id in rows:
            self._index.remember(article_id, signature_from(blob), int(story_id))
            self._article_seq = max(self._article_seq, int(seq))

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

    def add(self, articles: Sequence[Article], signals: Sequence[Signal]) -> list[Added]:
        """Store articles (cleaned) with their signals in one transaction; each goes to a story.

        Returns:
            One :class:`Added` per article, in order.

        Raises:
            StoreError: the database stayed locked past the timeout or cannot be written.
        """
        if len(articles) != len(signals):
            raise ValueError("one signal per article")
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(f"{self.path}: cannot write ({error}); try again") from error
            try:
                self._refresh()
                clock = self._clock + 1
                results = [
                    self._add_one(article, signal, clock) for article, signal in zip(articles, signals, strict=True)
                ]
                self._db.execute("UPDATE clock SET value = ?", (clock,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._reset_view()  # the in-memory view took changes that are not in the file
                raise
            self._clock = clock
            self._article_seq = int(self._db.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])
            return results

    def _add_one(self, article: Article, signal: Signal, clock: int) -> Added:
        db = self._db
        if db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
            story = db.execute("SELECT story_id FROM articles WHERE id = ?", (article.id,)).fetchone()[0]
            return Added(article.id, "unchanged", int(story))
        key = fingerprint(article.text)
        row = db.execute("SELECT id, story_id FROM articles WHERE fingerprint = ?", (key,)).fetchone()
        if row:
            return Added(article.id, "duplicate", int(row[1]), other=str(row[0]))
        signature = minhash(article.text)
        placement = self._index.place(signal, signature)
        near = placement.copy_of
        story_id = placement.story
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
        state = self._index.add(signal, story_id)
        db.execute(
            "UPDATE stories SET vector_sum = ?, count = ?, entities = ?, words = ?, first_day = ?, last_day = ?, "
            "first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), seq = ?, "
            "title = coalesce(title, ?) WHERE id = ?",
            (
                state.vector_sum.astype(np.float32).tobytes(),
                state.count,
                json.dumps(dict(state.entities), ensure_ascii=False),
                json.dumps(dict(state.words), ensure_ascii=False),
                state.first_day.isoformat() if state.first_day else None,
                state.last_day.isoformat() if state.last_day else None,
                seen,
                seen,
                clock,
                _title_of(article),
                story_id,
            ),
        )
        db.execute(
            "INSERT INTO articles (id, story_id, fingerprint, near_duplicate_of, source, title, published, url, text, "
            "origin, minhash, ingested_at, vector, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        self._index.remember(article.id, signature, story_id)
        outcome: Outcome = "near-duplicate" if near else "added"
        return Added(article.id, outcome, story_id, other=near, new_story=new_story)

    # -- reading ----------------------------------------------------------------------------

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same state of the file."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    def stories(self, *, limit: int | None = None) -> list[StoryRow]:
        """Every story, the most recently seen first (ties: the newest story first)."""
        with self._snapshot() as db:
            rows = db.execute(
                "SELECT id, title, first_seen, last_seen FROM stories ORDER BY last_seen DESC, id DESC LIMIT ?",
                (limit if limit is not None else -1,),
            ).fetchall()
            members: dict[int, list[tuple[str, str, str | None]]] = {}
            for story_id, article_id, source, near in db.execute(
                "SELECT story_id, id, source, near_duplicate_of FROM articles ORDER BY seq"
            ):
                members.setdefault(int(story_id), []).append((article_id, source, near))
        return [self._row(row, members.get(int(row[0]), [])) for row in rows]

    def story(self, story_id: int) -> StoryRow | None:
        """One story, or None when there is no story with that id."""
        with self._snapshot() as db:
            row = db.execute(
                "SELECT id, title, first_seen, last_seen FROM stories WHERE id = ?", (story_id,)
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

    def articles(self, story_id: int) -> list[Article]:
        """The stored (cleaned) articles of a story, in ingest order."""
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
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # -- cached summaries ---------------------------------------------------------------------

    def cached_summary(self, story_id: int, key: str) -> str | None:
        """The cached summary JSON of a story when it was made from the same articles and settings."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM summaries WHERE story_id = ? AND key = ?", (story_id, key)
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
