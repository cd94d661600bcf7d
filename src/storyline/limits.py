"""The limits every reader keeps, whoever sends the input: how deep JSON may nest and how large one
input may be, with the one JSON parser that keeps them (:func:`load_json`).

A file, a batch line and a web request are all untrusted: without a depth limit, JSON nested a
thousand levels deep stops the parser with a ``RecursionError`` (a traceback, and in a batch every
other record lost); without a size limit one input can take all the memory. Knows strings and
bytes only; imports only errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, AnyStr

from storyline.errors import InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_PAGE_BYTES",
    "LineTooLong",
    "bounded_lines",
    "json_too_deep",
    "load_json",
]

#: How deeply JSON may nest. The deepest record Storyline reads is a batch record
#: ``{"documents": [{"text": ...}]}`` (3 levels); 32 leaves room for any metadata a record carries.
MAX_JSON_DEPTH = 32
#: One input file, one batch line: nothing sensible is 50 MB of one article or one cluster.
MAX_INPUT_BYTES = 50_000_000
#: A fetched web page larger than this (decompressed) is refused: no article is 10 MB of HTML.
MAX_PAGE_BYTES = 10_000_000

#: How much of an overlong line is read at a time while it is skipped.
_SKIP_CHUNK = 1 << 20

# A JSON string (its escapes included), unrolled so that the scan is linear; then any bracket.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(rb"[\[\]{}]")


def json_too_deep(data: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests objects and lists more than ``limit`` deep (brackets inside strings aside).

    Not a parser: text that is not JSON at all may pass, and the parser then says what is wrong with it.
    """
    raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def load_json(text: str | bytes, *, where: str) -> Any:
    """Parse JSON, refusing text nested more than :data:`MAX_JSON_DEPTH` deep.

    Raises:
        InputError: the JSON nests too deep (naming ``where`` and what to do).
        json.JSONDecodeError: the text is not JSON (callers word their own message: a line, a file).
    """
    message = (
        f"{where}: JSON nested more than {MAX_JSON_DEPTH} levels deep; an article record is an object "
        "of strings: fix or remove it"
    )
    if json_too_deep(text):
        raise InputError(message, input=where)
    try:
        return json.loads(text)
    except RecursionError as error:  # not reached after the check above; kept so no input can crash a reader
        raise InputError(message, input=where) from error


@dataclass(frozen=True, slots=True)
class LineTooLong:
    """A line of a JSON Lines input longer than ``limit``, skipped without being held: its ``size``."""

    size: int
    limit: int

    def message(self, where: str) -> str:
        """The one-line message that names it (``where``: "line 3") and says what to do."""
        return f"{where}: {self.size:,} bytes is over the limit of {self.limit:,} for one line; split it"


def bounded_lines(handle: IO[AnyStr], limit: int | None = None) -> Iterator[AnyStr | LineTooLong]:
    """The lines of an open file (with their newline), reading no more than ``limit`` (default:
    :data:`MAX_INPUT_BYTES`) characters of one line: a longer line is read on in chunks, dropped as
    it goes, and given as a :class:`LineTooLong`, so one huge line costs no memory and the lines
    after it are still read.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line[-1:] in ("\n", b"\n"):
            yield line
            continue
        size = len(line)
        while line and line[-1:] not in ("\n", b"\n"):
            line = handle.readline(_SKIP_CHUNK)
            size += len(line)
        yield LineTooLong(size, limit)
