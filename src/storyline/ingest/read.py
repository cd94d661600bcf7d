"""Read articles from files, directories, JSON/JSONL records or standard input.

Knows file formats, encodings and line numbers; knows nothing about sentences. The text of
an :class:`Article` returned here is the text as found (cleaning is the next stage), except
for HTML, whose main text is extracted by trafilatura.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from storyline.errors import InputError
from storyline.ingest.outlet import find_outlet, outlet_from_html
from storyline.types import Article, Problem

__all__ = ["READABLE_SUFFIXES", "decode", "read", "read_bytes", "read_records"]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

#: Files larger than this are refused outright (nothing sensible is 50 MB of one article).
MAX_FILE_BYTES = 50_000_000
_RECORD_FIELDS = ("id", "title", "source", "url", "published")
_SAFE_ID = re.compile(r"[^\w.-]+")

OnError = Literal["raise", "skip"]


def read(
    paths: str | Path | Iterable[str | Path],
    *,
    on_error: OnError = "raise",
    problems: list[Problem] | None = None,
) -> list[Article]:
    """Read articles from paths: files (.txt, .html, .json, .jsonl), directories, or ``-`` (stdin).

    Args:
        paths: one path or many. A directory contributes every readable file in it, sorted.
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
    for path in paths:
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
    return _unique_ids(articles)


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
            log.info("%s: not a .txt, .html, .json or .jsonl file; left out", other)
        if not readable:
            error = InputError(f"{given}: no .txt, .html, .json or .jsonl files in this directory", input=given)
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
    if path is None:
        data = sys.stdin.buffer.read()
        suffix = _sniff_suffix(data)
    else:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{name}: {size / 1e6:.0f} MB is too large to be an article (limit {MAX_FILE_BYTES / 1e6:.0f} MB); "
                "split it into one file per article",
                input=name,
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"{name}: cannot read ({error.strerror}); check permissions", input=name) from error
        suffix = path.suffix.lower()
        if suffix not in READABLE_SUFFIXES:
            suffix = _sniff_suffix(data)
    return read_bytes(data, name=name, suffix=suffix, stem=path.stem if path else "stdin", problems=problems)


def _sniff_suffix(data: bytes) -> str:
    head = data[:2000].lstrip().lower()
    if head.startswith((b"{", b"[")):
        return ".jsonl"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head or b"<p>" in head:
        return ".html"
    return ".txt"


def read_bytes(
    data: bytes, *, name: str, suffix: str, stem: str, problems: list[Problem] | None = None
) -> list[Article]:
    """Read the articles in one file's bytes (``suffix`` picks the format).

    Raises:
        InputError: the bytes are empty, binary, or not in the format ``suffix`` names.
    """
    text = decode(data, name=name, problems=problems)
    if suffix in JSON_SUFFIXES:
        return read_records(text, name=name, stem=stem, problems=problems)
    if suffix in HTML_SUFFIXES:
        return [_read_html(text, name=name, stem=stem)]
    return [Article(id=_safe_id(stem), text=text, source=find_outlet(text) or stem, origin=name)]


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
        whole = json.loads(stripped)
        items = whole if isinstance(whole, list) else [whole]
        records = [
            (f"{name}:{index + 1}" if isinstance(whole, list) else name, item) for index, item in enumerate(items)
        ]
    except json.JSONDecodeError:
        for line_no, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"{name}:{line_no}", json.loads(line)))
            except json.JSONDecodeError as error:
                message = f"{name}:{line_no}: not valid JSON ({error.msg}); fix or remove this line"
                if problems is None or (not records and line_no == 1 and not stripped.startswith("{")):
                    raise InputError(message, input=f"{name}:{line_no}") from error
                log.info("%s", message)
                problems.append(Problem(f"{name}:{line_no}", "read", message))
    articles: list[Article] = []
    for where, record in records:
        try:
            articles.append(_record_to_article(record, where=where, default_id=f"{stem}-{len(articles) + 1}"))
        except InputError as error:
            if problems is None:
                raise
            log.info("%s", error)
            problems.append(Problem(where, "read", str(error)))
    if not articles and not (problems and any(p.input.startswith(name) for p in problems)):
        raise InputError(f"{name}: no article records found; give objects with a 'text' field", input=name)
    return articles


def _record_to_article(record: Any, *, where: str, default_id: str) -> Article:
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected an object with a 'text' field, got {type(record).__name__}", input=where)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: record has no 'text' field (or it is empty); add the article text", input=where)
    fields = {key: record.get(key) for key in _RECORD_FIELDS}
    for key, value in fields.items():
        if value is not None and not isinstance(value, (str, int)):
            raise InputError(f"{where}: field '{key}' must be a string", input=where)
    identifier = _safe_id(str(fields["id"])) if fields["id"] not in (None, "") else default_id
    source = str(fields["source"]) if fields["source"] else find_outlet(text, url=fields["url"]) or identifier
    return Article(
        id=identifier,
        text=text,
        source=source,
        title=str(fields["title"]) if fields["title"] else None,
        published=_iso_date(str(fields["published"])) if fields["published"] else None,
        url=str(fields["url"]) if fields["url"] else None,
        origin=where,
    )


def _read_html(html: str, *, name: str, stem: str) -> Article:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        extracted = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, config=_trafilatura_config()
        )
    except Exception as error:
        raise InputError(
            f"{name}: cannot parse this HTML ({error}); save the page again or give its text", input=name
        ) from error
    data = extracted.as_dict() if extracted is not None and hasattr(extracted, "as_dict") else (extracted or {})
    # trafilatura puts one paragraph per line; Storyline separates paragraphs by a blank line.
    text = "\n\n".join(line.strip() for line in (data.get("text") or "").splitlines() if line.strip())
    if not text:
        raise InputError(
            f"{name}: no article text found in this HTML page; give the article's text instead", input=name
        )
    source = outlet_from_html(html, site_name=data.get("sitename"), url=data.get("url")) or stem
    return Article(
        id=_safe_id(stem),
        text=text,
        source=str(source),
        title=data.get("title") or None,
        published=_iso_date(data["date"]) if data.get("date") else None,
        url=data.get("url") or None,
        origin=name,
    )


@functools.cache
def _trafilatura_config() -> Any:
    """trafilatura's settings, with a smaller size below which its extraction counts as failed.

    By default an article body under 250 characters sends trafilatura to its fallbacks, and the
    last of them returns every text of the page on one line (menus, share buttons and all): a
    news brief of one or two sentences came back as one line of furniture and article. At 100
    characters such briefs are read right, and the 181 pages of the cleaning benchmark read as
    well as before (token F1 0.956 either way: layouts benchmark, issue 31).
    """
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
    return config


_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y")


def _iso_date(value: str) -> str:
    """Normalise a publication date to ISO "YYYY-MM-DD" when it is one; keep other strings."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        return "-".join(match.groups())
    cleaned = re.sub(r"\s+", " ", value.strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return cleaned


def _safe_id(value: str) -> str:
    return _SAFE_ID.sub("-", value.strip()).strip("-") or "article"


def _unique_ids(articles: list[Article]) -> list[Article]:
    seen: dict[str, int] = {}
    unique: list[Article] = []
    for article in articles:
        count = seen.get(article.id, 0)
        seen[article.id] = count + 1
        if count:
            new_id = f"{article.id}-{count + 1}"
            while new_id in seen:
                count += 1
                new_id = f"{article.id}-{count + 1}"
            seen[new_id] = 1
            article = replace(article, id=new_id)
        unique.append(article)
    return unique
