"""Article records -> Articles: the one place for a record's fields, its id and their checks.

A record is an object with ``text`` and, optionally, ``id``, ``title``, ``source``, ``url`` and
``published``; a plain string is a record of its text alone. Every way in turns records into
Articles here: a line of a ``.json``/``.jsonl`` file and a ``.txt`` or HTML page (sources), a
document of ``storyline batch``, a record given to the library (:func:`as_articles`) and an article
posted to the web API. So the checks, the id rules and the messages are the same everywhere:

- ``text`` must be a string holding more than white space; bidirectional controls and zero-width
  characters are removed from it and from the title and outlet (:func:`storyline.text.remove_invisible`);
- the optional fields must be strings (or numbers, taken as strings);
- ``url`` must be an http(s) address (:func:`web_url`, the one check of an address that reaches a page);
- an id is a short token: letters, digits and ``_ . : ~ -``; anything else in it becomes "-". A
  record without one gets the caller's default (by position, file name or text, see each caller);
- two articles with one id become ``x`` and ``x-2`` (:func:`unique_ids`), with a note;
- ``source`` is the outlet: the record's, else the one its page names or its URL's host
  (:func:`storyline.sources.outlet.find_outlet`), else its id;
- ``published`` must be a date, in any common form; it becomes an ISO date ("YYYY-MM-DD").

Knows no files, formats or models; imports only types, errors and the outlet rules (``sources.outlet``,
which imports nothing else of storyline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from storyline.errors import InputError
from storyline.sources.outlet import find_outlet
from storyline.text import remove_invisible
from storyline.types import Article, Problem

__all__ = [
    "FIELDS",
    "ArticleLike",
    "article_from_record",
    "as_articles",
    "is_url",
    "iso_date",
    "kind",
    "label",
    "problem_to_dict",
    "safe_id",
    "unique_ids",
    "web_url",
]

#: A record's optional fields besides ``text``.
FIELDS = ("id", "title", "source", "url", "published")

#: What the library takes as an article: an Article, a record, or a text.
ArticleLike = Article | str | Mapping[str, Any]
OnError = Literal["raise", "skip"]

_UNSAFE_ID = re.compile(r"[^\w.:~-]+")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y")


def article_from_record(record: object, *, where: str, default_id: str) -> Article:
    """The Article of one record (or text), with its fields checked.

    Args:
        record: a mapping with ``text`` and optional :data:`FIELDS`, or a plain string.
        where: where the record came from, for messages and ``Article.origin`` ("file.jsonl:3", "d2").
        default_id: the id when the record gives none.

    Raises:
        InputError: not a string or mapping, no text, or a field that is not a string.
    """
    if isinstance(record, str):
        record = {"text": record}
    if not isinstance(record, Mapping):
        raise InputError(
            f"{where}: expected text or an object with a 'text' field, got {kind(record)}; fix or remove it",
            input=where,
        )
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError(
            f"{where}: field 'text' must be a string, got {kind(text)}; give the article text", input=where
        )
    text = remove_invisible(text or "")
    if not text.strip():
        raise InputError(f"{where}: no 'text' field (or it is empty); add the article text", input=where)
    fields = {key: record.get(key) for key in FIELDS}
    for key, value in fields.items():
        if value is not None and (not isinstance(value, (str, int)) or isinstance(value, bool)):
            raise InputError(f"{where}: field '{key}' must be a string, got {kind(value)}; fix it", input=where)
    url = str(fields["url"]).strip() if fields["url"] else None
    if url is not None and web_url(url) is None:
        raise InputError(f"{where}: field 'url' is not an http(s) address; fix or remove it", input=where)
    published = iso_date(str(fields["published"])) if fields["published"] else None
    if fields["published"] and published is None:
        raise InputError(f"{where}: field 'published' is not a date; give it as YYYY-MM-DD (or remove it)", input=where)
    given = str(fields["id"]).strip() if fields["id"] is not None else ""
    identifier = safe_id(given or default_id)
    source = remove_invisible(str(fields["source"])).strip() if fields["source"] else ""
    title = remove_invisible(str(fields["title"])).strip() if fields["title"] else ""
    return Article(
        id=identifier,
        text=text,
        source=source or find_outlet(text, url=url) or identifier,
        title=title or None,
        published=published,
        url=url,
        origin=where,
    )


def is_url(value: str) -> bool:
    """Whether an input names a web address (http or https) rather than a file.

    Lives here rather than in ``sources.fetch`` so that reading local files never imports the HTTP
    client (httpx costs about a tenth of a second of every cold start).
    """
    return bool(re.match(r"(?i)https?://[^/\s]", value.strip()))


def web_url(value: object) -> str | None:
    """The address when it is an absolute http(s) URL with a host, else None: the one check of every
    address a page links to (records on their way in, and the renderers for articles stored before it).

    ``javascript:``, ``data:``, ``file:``, relative and scheme-relative addresses, and addresses with
    white space or control characters in them, are not web addresses.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced "[" in the host
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def as_articles(
    items: Iterable[ArticleLike], *, on_error: OnError = "raise", problems: list[Problem] | None = None
) -> list[Article]:
    """Articles of Articles (as they are), records and texts; a record or text without an id gets
    ``d1``, ``d2``, ... by its position.

    Args:
        items: what to turn into Articles.
        on_error: ``"raise"`` at the first bad record, or ``"skip"`` it into ``problems``.
        problems: receives a :class:`Problem` per skipped record.

    Raises:
        InputError: with ``on_error="raise"``, a record that is not an article (see :func:`article_from_record`).
    """
    articles: list[Article] = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, Article):
            articles.append(item)
            continue
        try:
            articles.append(article_from_record(item, where=label(item, f"d{position}"), default_id=f"d{position}"))
        except InputError as error:
            if on_error == "raise":
                raise
            if problems is not None:
                problems.append(Problem(error.input, "read", str(error)))
    return articles


def label(record: object, default: str) -> str:
    """How messages name a record: its id when it has a usable one, else ``default``."""
    given = record.get("id") if isinstance(record, Mapping) else None
    return safe_id(str(given)) if isinstance(given, (str, int)) and str(given).strip() else default


def unique_ids(articles: Iterable[Article]) -> tuple[list[Article], list[Problem]]:
    """The articles with unique ids (a repeated ``x`` becomes ``x-2``, ``x-3``, ...), and a note for each renamed one.

    A renamed article known only by its id (``origin`` is the id) is named by its new id from then on.
    """
    seen: set[str] = set()
    unique: list[Article] = []
    notes: list[Problem] = []
    for article in articles:
        identifier, count = article.id, 1
        while identifier in seen:
            count += 1
            identifier = f"{article.id}-{count}"
        seen.add(identifier)
        if identifier != article.id:
            where = article.origin or article.id
            message = (
                f"{where}: another article has the id '{article.id}'; cited as '{identifier}'; "
                "give each article its own id"
            )
            notes.append(Problem(where, "read", message, skipped=False))
            origin = identifier if article.origin == article.id else article.origin
            article = replace(article, id=identifier, origin=origin)
        unique.append(article)
    return unique, notes


def safe_id(value: str) -> str:
    """An id as a short token: characters other than letters, digits and ``_ . : ~ -`` become "-"."""
    return _UNSAFE_ID.sub("-", value.strip()).strip("-") or "article"


def iso_date(value: str) -> str | None:
    """A publication date as ISO "YYYY-MM-DD" ("March 10, 2026", "2026-03-10T15:42"), or None when it is
    not a date ("last week", "9999-99-99": a stored date orders the stories, so a false one must not in)."""
    stripped = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", stripped):
        try:  # an ISO date or date and time, with or without a zone
            return datetime.fromisoformat(stripped.replace("z", "Z")).date().isoformat()
        except ValueError:
            return None
    cleaned = re.sub(r"\s+", " ", value.strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """A skipped or changed input as JSON: ``{"input", "stage", "message", "skipped"}`` (batch output, web API)."""
    return {"input": problem.input, "stage": problem.stage, "message": problem.message, "skipped": problem.skipped}


def kind(value: object, *, empty: bool = False) -> str:
    """What a JSON value is, in words ("a list"); with ``empty``, empty or blank ones say so."""
    if empty and isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str) else value):
        return {str: "an empty string", list: "an empty list", dict: "an empty object"}[type(value)]
    names = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
