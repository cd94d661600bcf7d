"""Read articles from files, directories or standard input, in any of the input formats (:data:`READERS`).

Knows files, encodings and line numbers; knows nothing about sentences. Each format is a reader:
plain text and JSON/JSON Lines records (here) and HTML pages (sources.html); a file is
read by the reader of its suffix, or by the one whose test its first bytes pass. A new format is a
module with a reader and one line in :data:`READERS`. The text of an :class:`Article` returned here
is the text as found (cleaning is the next stage), except for HTML, whose main text is extracted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from storyline.errors import InputError
from storyline.limits import MAX_INPUT_BYTES, load_json
from storyline.records import article_from_record, is_url, unique_ids
from storyline.sources import html
from storyline.sources.outlet import find_outlet
from storyline.types import Article, Problem

if TYPE_CHECKING:  # the HTTP client is imported only when a web address is read
    from storyline.sources.fetch import Fetcher

__all__ = [
    "FORMAT_NAMES",
    "READABLE_SUFFIXES",
    "READERS",
    "Reader",
    "decode",
    "read",
    "read_bytes",
    "read_records",
    "reader_for",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reader:
    """One input format: the suffixes it reads, a test of a file's first bytes, and how to read its text."""

    suffixes: frozenset[str]
    shown: tuple[str, ...]  # the suffixes messages name ("no .txt, .html, .json or .jsonl files")
    #: (text, name, stem, problems) -> the articles in it. Raises InputError for text it cannot use.
    read: Callable[..., list[Article]]
    #: Whether the start of a file (lower-cased, white space removed) is in this format; None for the
    #: fallback, plain text. Two readers' tests never both pass.
    looks_like: Callable[[bytes], bool] | None = None


def read_text(text: str, *, name: str, stem: str, problems: list[Problem] | None = None) -> list[Article]:
    """The article of a plain text file: its id is the file's name, and so is its source when the page
    names no outlet (:func:`storyline.sources.outlet.find_outlet`)."""
    return [article_from_record({"text": text, "source": find_outlet(text) or stem}, where=name, default_id=stem)]


def looks_like_json(head: bytes) -> bool:
    """Whether the start of a file (lower-cased, leading white space removed) is JSON: an object or a list."""
    return head.startswith((b"{", b"["))


def read_records(text: str, *, name: str, stem: str, problems: list[Problem] | None = None) -> list[Article]:
    """Read JSON (one object or a list of objects) or JSON Lines article records.

    A record needs ``text``; ``id``, ``title``, ``source``, ``url`` and ``published`` are optional.
    A bad record is reported in ``problems`` (when given) and the others are still read.

    Raises:
        InputError: the text is not JSON/JSONL at all, or no record is usable.
    """
    records: list[tuple[str, Any]] = []
    stripped = text.strip()
    try:
        whole = load_json(stripped, where=name)
        items = whole if isinstance(whole, list) else [whole]
        records = [
            (f"{name}:{index + 1}" if isinstance(whole, list) else name, item) for index, item in enumerate(items)
        ]
    except (json.JSONDecodeError, InputError) as whole_error:
        # JSON Lines, one record a line (or one line nested too deep among good ones).
        if isinstance(whole_error, InputError) and "\n" not in stripped:
            raise
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{name}:{line_no}"
            try:
                records.append((where, load_json(line, where=where)))
            except (json.JSONDecodeError, InputError) as error:
                message = (
                    str(error)
                    if isinstance(error, InputError)
                    else f"{where}: not valid JSON ({error.msg}); fix or remove this line"
                )
                if problems is None or (not records and line_no == 1 and not stripped.startswith("{")):
                    if isinstance(whole_error, InputError):  # a JSON document too deep, not JSON Lines
                        raise whole_error from None
                    raise InputError(message, input=where) from error
                log.info("%s", message)
                problems.append(Problem(where, "read", message))
    articles: list[Article] = []
    for where, record in records:
        try:
            articles.append(article_from_record(record, where=where, default_id=f"{stem}-{len(articles) + 1}"))
        except InputError as error:
            if problems is None:
                raise
            log.info("%s", error)
            problems.append(Problem(where, "read", str(error)))
    if not articles and not (problems and any(p.input.startswith(name) for p in problems)):
        raise InputError(f"{name}: no article records found; give objects with a 'text' field", input=name)
    return articles


#: The input formats. Plain text reads any file no other reader claims.
READERS: tuple[Reader, ...] = (
    Reader(frozenset({".txt", ".text", ".md", ""}), (".txt",), read_text),
    Reader(html.SUFFIXES, (".html",), html.read_html, html.looks_like),
    Reader(frozenset({".json", ".jsonl", ".ndjson"}), (".json", ".jsonl"), read_records, looks_like_json),
)
READABLE_SUFFIXES = frozenset(suffix for reader in READERS for suffix in reader.suffixes)
_SHOWN = [suffix for reader in READERS for suffix in reader.shown]
#: The readable files, as messages name them: ".txt, .html, .json or .jsonl".
FORMAT_NAMES = ", ".join(_SHOWN[:-1]) + " or " + _SHOWN[-1]

#: Files larger than this are refused outright (storyline.limits).
MAX_FILE_BYTES = MAX_INPUT_BYTES

OnError = Literal["raise", "skip"]


def read(
    paths: str | Path | Iterable[str | Path],
    *,
    on_error: OnError = "raise",
    problems: list[Problem] | None = None,
    fetcher: Fetcher | None = None,
) -> list[Article]:
    """Read articles from paths: files (.txt, .html, .json, .jsonl), directories, ``-`` (stdin) or web
    addresses (http/https, fetched by sources.fetch).

    Args:
        paths: one path or many. A directory contributes every readable file in it, sorted.
        fetcher: fetches the web addresses among ``paths`` (default: one with the default settings,
            which refuse private addresses).
        on_error: ``"raise"`` stops at the first bad input; ``"skip"`` records it in
            ``problems`` (and the log) and goes on with the others.
        problems: a list that receives a :class:`Problem` per skipped or altered input.

    Returns:
        The articles in input order, each with a unique ``id``.

    Raises:
        InputError: a path is missing or unreadable, or (with ``on_error="raise"``) any input
            cannot be used.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[Problem] = problems if problems is not None else []
    articles: list[Article] = []
    with contextlib.ExitStack() as stack:
        for path in paths:
            if isinstance(path, str) and is_url(path):
                from storyline.sources.fetch import Fetcher, read_page

                if fetcher is None:
                    fetcher = stack.enter_context(Fetcher())
                try:
                    articles.append(read_page(fetcher, path, problems=found))
                except InputError as error:
                    if on_error == "raise":
                        raise
                    _skip(found, error.input or path, "read", str(error))
                continue
            articles.extend(_read_path(path, found, on_error))
    unique, notes = unique_ids(articles)
    found.extend(notes)
    return unique


def _read_path(path: str | Path, found: list[Problem], on_error: OnError) -> list[Article]:
    """The articles of one file, directory or ``-``."""
    articles: list[Article] = []
    for item in _expand(Path(path) if str(path) != "-" else None, str(path), found, on_error):
        item_problems: list[Problem] = []
        try:
            item_articles = _read_one(item, item_problems)
        except InputError as error:
            found.extend(item_problems)
            if on_error == "raise":
                raise
            _skip(found, error.input or _name(item), "read", str(error))
            continue
        found.extend(item_problems)
        # read_records skips a bad JSON record or line when given a problems list; with
        # on_error="raise" that record must stop the read like any other bad input.
        first_skipped = next((problem for problem in item_problems if problem.skipped), None)
        if on_error == "raise" and first_skipped is not None:
            raise InputError(first_skipped.message, input=first_skipped.input)
        articles.extend(item_articles)
    return articles


def _name(path: Path | None) -> str:
    return "<stdin>" if path is None else str(path)


def _skip(problems: list[Problem], name: str, stage: Literal["read"], message: str) -> None:
    log.info("skipped %s: %s", name, message)
    problems.append(Problem(name, stage, message))


def _expand(path: Path | None, given: str, problems: list[Problem], on_error: OnError) -> Iterator[Path | None]:
    if path is None:
        yield None
        return
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        readable = [p for p in files if p.suffix.lower() in READABLE_SUFFIXES]
        for other in sorted(set(files) - set(readable)):
            log.info("%s: not a %s file; left out", other, FORMAT_NAMES)
        if not readable:
            error = InputError(f"{given}: no {FORMAT_NAMES} files in this directory", input=given)
            if on_error == "raise":
                raise error
            _skip(problems, given, "read", str(error))
        yield from readable
        return
    if not path.exists():
        error = InputError(f"{given}: no such file or directory; check the path", input=given)
        if on_error == "raise":
            raise error
        _skip(problems, given, "read", str(error))
        return
    yield path


def _read_one(path: Path | None, problems: list[Problem]) -> list[Article]:
    name = _name(path)

    def too_large() -> InputError:
        return InputError(
            f"{name}: over {MAX_FILE_BYTES / 1e6:.0f} MB is too large to be an article; "
            "split it into one file per article",
            input=name,
        )

    if path is None:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)  # no more than the limit held
        if len(data) > MAX_FILE_BYTES:
            raise too_large()
        suffix = None
    else:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise too_large()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{name}: cannot read ({error.strerror}); check permissions", input=name) from error
        suffix = path.suffix.lower()
    return read_bytes(data, name=name, suffix=suffix, stem=path.stem if path else "stdin", problems=problems)


def reader_for(suffix: str | None, data: bytes) -> Reader:
    """The reader of a file: the one of its suffix (None for standard input), else the one whose test
    its first bytes pass, else plain text."""
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader
    head = data[:2000].lstrip().lower()
    for reader in READERS:
        if reader.looks_like is not None and reader.looks_like(head):
            return reader
    return READERS[0]


def read_bytes(
    data: bytes, *, name: str, suffix: str | None, stem: str, problems: list[Problem] | None = None
) -> list[Article]:
    """Read the articles in one file's bytes (``suffix`` picks the format, see :func:`reader_for`).

    Raises:
        InputError: the bytes are empty, binary, or not in the format ``suffix`` names.
    """
    reader = reader_for(suffix, data)
    return reader.read(decode(data, name=name, problems=problems), name=name, stem=stem, problems=problems)


def decode(data: bytes, *, name: str, problems: list[Problem] | None = None) -> str:
    """Decode file bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Raises:
        InputError: the data is empty or binary.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a file with the article's text", input=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:8192]
    controls = sum(byte < 9 or 13 < byte < 32 for byte in head)
    if b"\x00" in head or controls > len(head) * 0.05:
        raise InputError(f"{name}: this is a binary file, not text, HTML or JSON; give the article as text", input=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        position = error.start
    try:
        text = data.decode("cp1252")
        message = (
            f"{name}: not valid UTF-8 (first bad byte at offset {position}); read as Windows-1252. "
            "Re-save the file as UTF-8 if characters look wrong"
        )
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        message = (
            f"{name}: undecodable bytes (first at offset {position}) were replaced with '\ufffd'; "
            "re-save the file as UTF-8"
        )
    log.info("%s", message)
    if problems is not None:
        problems.append(Problem(name, "read", message, skipped=False))
    return text
