"""The app's outer wall (an ASGI middleware): body limits on the bytes received, security headers, no 500 leaks.

- A request body is counted as it arrives, chunked or not: past ``max_bytes`` the request is
  answered 413 and the rest is never read (a ``Content-Length`` over the limit is refused before
  reading anything). A JSON body nested deeper than :data:`storyline.limits.MAX_JSON_DEPTH` is
  answered 422 before any parser sees it.
- Every answer carries ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
  ``X-Frame-Options: DENY`` and the pages' Content-Security-Policy (storyline.render.html.policy),
  which also forbids framing.
- An unexpected failure is a 500 for that request alone, logged, its details kept from the client.

Every error answer is ``{"detail": "..."}``, as the app's own (api.app.ErrorOut).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from storyline.limits import MAX_JSON_DEPTH, json_too_deep
from storyline.render.html import policy

__all__ = ["Guard"]

log = logging.getLogger(__name__)

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Message, Receive, Send], Awaitable[None]]


class Guard:
    """Wraps an ASGI app: see the module's docstring."""

    def __init__(self, app: App, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", policy(header=True).encode()),
        ]

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        async def answer(status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
            body = json.dumps({"detail": detail}).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *headers,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            if not declared.isdigit():
                await answer(400, "Content-Length is not a number")
            else:
                await answer(413, self._too_large(int(declared)))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await answer(413, self._too_large(size, at_least=True), ((b"connection", b"close"),))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"") and json_too_deep(body):
            await answer(422, f"request body: JSON nested more than {MAX_JSON_DEPTH} levels deep; send article objects")
            return
        given = False

        async def replay() -> Message:
            nonlocal given
            if not given:
                given = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay, send_with_headers)
        except Exception:
            log.exception("request %s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                await answer(500, "internal error while handling this request; see the server log")

    def _too_large(self, size: int, *, at_least: bool = False) -> str:
        given = "request body" if at_least else f"request body of {size:,} bytes"
        return f"{given} is over the limit of {self.max_bytes:,} bytes; send fewer or shorter articles per request"
