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
from typing import Any

from storyline.errors import InputError

__all__ = ["MAX_INPUT_BYTES", "MAX_JSON_DEPTH", "MAX_PAGE_BYTES", "json_too_deep", "load_json"]

#: How deeply JSON may nest. The deepest record Storyline reads is a batch record
#: ``{"documents": [{"text": ...}]}`` (3 levels); 32 leaves room for any metadata a record carries.
MAX_JSON_DEPTH = 32
#: One input file, one batch line: nothing sensible is 50 MB of one article or one cluster.
MAX_INPUT_BYTES = 50_000_000
#: A fetched web page larger than this (decompressed) is refused: no article is 10 MB of HTML.
MAX_PAGE_BYTES = 10_000_000

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
