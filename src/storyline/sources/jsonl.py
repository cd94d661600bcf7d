"""Reading articles from JSON (one object, or a list of them) and JSON Lines files: one record each.

A record needs ``text``; ``id``, ``title``, ``source``, ``url`` and ``published`` are optional
(storyline.records checks them and makes the Article). A bad record or line is reported and the
others are still read.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from storyline.errors import InputError
from storyline.records import article_from_record
from storyline.types import Article, Problem

__all__ = ["SUFFIXES", "looks_like", "read_records"]

log = logging.getLogger(__name__)

SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})


def looks_like(head: bytes) -> bool:
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
            articles.append(article_from_record(record, where=where, default_id=f"{stem}-{len(articles) + 1}"))
        except InputError as error:
            if problems is None:
                raise
            log.info("%s", error)
            problems.append(Problem(where, "read", str(error)))
    if not articles and not (problems and any(p.input.startswith(name) for p in problems)):
        raise InputError(f"{name}: no article records found; give objects with a 'text' field", input=name)
    return articles
