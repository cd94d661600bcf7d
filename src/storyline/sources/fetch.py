"""Reading articles from the web: a URL -> its page, fetched politely and safely -> an Article.

One :class:`Fetcher` (an httpx client) per run. Every fetch has connect and read timeouts and an
overall deadline, follows at most :data:`MAX_REDIRECTS` redirects itself (so that each hop's
address is checked), stops reading a body past ``max_bytes`` (counted on the decompressed bytes
as they stream in, so neither a huge page nor a gzip bomb is held in memory) and sends a
User-Agent that names Storyline and where to read about it.

Addresses: a host whose address (after DNS resolution) is private, loopback, link-local or
otherwise not public is refused, on the first request and on every redirect, unless the operator
allows it (``allow_private``; the tests' local server needs it). The check is made where the
connection is opened (:class:`_PinnedBackend`, httpx's network layer): the name is resolved once,
every address checked, and the socket connected to one of those very addresses, while the request
keeps the name for its Host header and for TLS (server name, certificate). So a name that answers
a public address to the check and a private one a moment later (DNS rebinding) cannot slip through:
there is no second lookup. Environment proxies are not used (``trust_env=False``), as a proxy
would make the checked address that of the proxy.

A page becomes an Article as a saved HTML file does (sources.html, trafilatura), then:
the outlet is the page's site name or else its domain, ``published`` the page's date, and the
page's identity its canonical URL (its canonical link, else the address it was fetched from,
without ``utm_*`` and other tracking parameters or a fragment: courlan), from which the article id
is made, so one article reached by two links is one article.

Every failure is a :class:`FetchError` (an InputError) whose one-line message names the URL, what
happened and what to do.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from email.message import Message
from typing import Protocol
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx

from storyline.errors import InputError
from storyline.limits import MAX_PAGE_BYTES
from storyline.records import is_url, safe_id
from storyline.sources import html
from storyline.sources.outlet import outlet_from_url
from storyline.types import Article, Problem

__all__ = [
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FetchError",
    "FetchSettings",
    "Fetcher",
    "Getter",
    "Resolver",
    "Response",
    "canonical_url",
    "check_address",
    "is_url",
    "read_page",
    "system_resolver",
]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
#: The User-Agent: Storyline, its version (filled in by the Fetcher) and what it is.
USER_AGENT = "Storyline/{version} (news summarizer; reads public news pages and feeds)"
#: The content types read as pages: HTML, XHTML and plain text.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(InputError):
    """A URL could not be fetched or read; ``retry`` says whether trying again later may help (a
    timeout, a 5xx, a 429, a dropped connection) or not (a 404, a refused address, a wrong type)."""

    def __init__(
        self,
        message: str,
        *,
        input: str,  # noqa: A002 - mirrors InputError.input
        retry: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message, input=input)
        self.retry = retry
        self.status = status


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How pages are fetched: timeouts (seconds), the size cap (bytes), and which addresses may be reached."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: The whole fetch, however slowly the bytes trickle in (a read timeout is per chunk).
    deadline: float = 60.0
    max_bytes: int = MAX_PAGE_BYTES
    allow_private: bool = False
    #: Hosts reached whatever their address ("127.0.0.1:8080", "localhost"): for a known local site
    #: while every other private address stays refused.
    allowed_hosts: frozenset[str] = frozenset()
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched resource: the URL it was finally read from, status, headers (lower-case names) and body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    #: The redirect chain's addresses before ``url``.
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case ("text/html")."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, or None."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        value = message.get_param("charset")
        return value.strip().lower() if isinstance(value, str) and value.strip() else None


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").lower()


#: What turns a host name and port into addresses to connect to ("93.184.215.14", "2606:2800::1"), in
#: the order to try them. The default asks the system (getaddrinfo); the tests give one of their own
#: to play a DNS server whose answers change.
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the system's resolver, in its order, each once.

    Raises:
        OSError: the name does not resolve (socket.gaierror).
        UnicodeError: the name cannot be encoded.
    """
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(address[0]) for *_, address in found))


class _Refused(Exception):
    """An address not to connect to (or a name with none); the message lacks the URL, added by the caller."""


def _allowed(host: str, port: int, settings: FetchSettings) -> bool:
    host = host.lower()
    return settings.allow_private or host in settings.allowed_hosts or f"{host}:{port}" in settings.allowed_hosts


def _checked_addresses(host: str, port: int, settings: FetchSettings, resolve: Resolver) -> list[str]:
    """The addresses of ``host`` to connect to, every one of them public unless the host is allowed.

    Raises:
        _Refused: the name does not resolve, or one of its addresses is not public (private, loopback,
            link-local, reserved, multicast): a name that answers with one such address is refused
            whole, as which address a later connection would use is not ours to say.
    """
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise _Refused(f"the host name does not resolve ({error}); check the address") from error
    if not addresses:
        raise _Refused("the host name has no address; check the address")
    if _allowed(host, port, settings):
        return addresses
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise _Refused(
                f"{host} is a private or local address ({ip}); refused. "
                "Run with --allow-private to fetch from your own network"
            )
    return addresses


def _split_web_url(url: str) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: not an http(s) address; give a web page's URL", input=url)
    return parts


def check_address(url: str, settings: FetchSettings, resolve: Resolver = system_resolver) -> None:
    """Refuse a URL whose host resolves to an address that is not public (unless allowed), before
    anything is fetched from it (a feed added over HTTP). The fetch itself checks again where it
    connects, and connects to the address it checked.

    Raises:
        FetchError: not http(s), no host, the name does not resolve, or an address is private,
            loopback, link-local, reserved or multicast.
    """
    parts = _split_web_url(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        _checked_addresses(parts.hostname or "", port, settings, resolve)
    except ValueError as error:  # a port out of range
        raise FetchError(f"{url}: not a valid address ({error}); check the port", input=url) from error
    except _Refused as error:
        raise FetchError(f"{url}: {error}", input=url) from error


class _PinnedBackend(httpcore.NetworkBackend):
    """httpx's network layer with the address check inside: each new connection resolves its host once,
    checks the addresses (_checked_addresses) and connects to one of them, never to the name. TLS still
    names the host (httpcore passes the URL's host as the server name), so certificates are checked
    against the name asked for."""

    def __init__(self, settings: FetchSettings, resolve: Resolver) -> None:
        self._settings = settings
        self._resolve = resolve
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in _checked_addresses(host, port, self._settings, self._resolve):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:  # the next address, as a browser would
                failure = error
        assert failure is not None  # _checked_addresses returns at least one address
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        raise _Refused("not a network address")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose network layer is a :class:`_PinnedBackend`."""

    def __init__(self, backend: _PinnedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its pool without a way to name the network layer: the same pool, with ours. A
        # change of httpx that drops _pool fails the DNS rebinding tests (tests/unit/test_fetch.py).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def _version() -> str:
    from storyline import __version__  # here: storyline imports this module while it starts

    return __version__


class Fetcher:
    """An HTTP client for pages and feeds (one per run; close it, or use it as a context manager)."""

    def __init__(self, settings: FetchSettings | None = None, *, resolve: Resolver = system_resolver) -> None:
        """``resolve`` turns host names into addresses (the system's resolver unless a test plays DNS)."""
        self.settings = settings or FetchSettings()
        timeout = httpx.Timeout(
            self.settings.read_timeout, connect=self.settings.connect_timeout, pool=self.settings.deadline
        )
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
        self._client = httpx.Client(
            transport=_PinnedTransport(_PinnedBackend(self.settings, resolve), limits),
            trust_env=False,  # no proxy from the environment: the address checked must be the one reached
            timeout=timeout,
            follow_redirects=False,  # followed here, so that every hop's address is checked
            headers={
                "User-Agent": self.settings.user_agent.format(version=_version()),
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, headers: dict[str, str] | None = None, accept: str | None = None) -> Response:
        """GET a URL, following redirects (each checked); a 304 is returned as it is, with no body.

        Args:
            url: the address.
            headers: extra request headers (If-None-Match, If-Modified-Since, ...).
            accept: the Accept header.

        Raises:
            FetchError: refused address, timeout, connection failure, too many redirects, a body over
                the size cap, or a status other than 2xx/304.
        """
        sent = dict(headers or {})
        if accept:
            sent["Accept"] = accept
        started = time.monotonic()
        chain: list[str] = []
        current = url
        while True:
            _split_web_url(current)  # the address itself is checked where the connection opens (_PinnedBackend)
            try:
                with self._client.stream("GET", current, headers=sent) as answer:
                    if answer.status_code in _REDIRECTS and "location" in answer.headers:
                        target = urljoin(current, answer.headers["location"])
                        chain.append(current)
                        if len(chain) > MAX_REDIRECTS:
                            raise FetchError(
                                f"{url}: more than {MAX_REDIRECTS} redirects (a redirect loop?); "
                                "give the page's final address",
                                input=url,
                            )
                        if target in chain:
                            raise FetchError(
                                f"{url}: redirects in a loop (back to {target}); give the page's final address",
                                input=url,
                            )
                        current = target
                        continue
                    found = {name.lower(): value for name, value in answer.headers.items()}
                    if answer.status_code == 304:
                        return Response(str(answer.url), 304, found, b"", tuple(chain))
                    if not 200 <= answer.status_code < 300:
                        raise _status_error(url, answer.status_code)
                    body = self._read_body(url, answer, started)
                    return Response(str(answer.url), answer.status_code, found, body, tuple(chain))
            except _Refused as error:
                raise FetchError(f"{current}: {error}", input=url) from error
            except httpx.TimeoutException as error:
                raise FetchError(
                    f"{url}: no answer in time ({type(error).__name__}); try again later", input=url, retry=True
                ) from error
            except httpx.HTTPError as error:
                raise FetchError(
                    f"{url}: cannot fetch ({type(error).__name__}: {error}); check the address or try again later",
                    input=url,
                    retry=True,
                ) from error

    def _read_body(self, url: str, answer: httpx.Response, started: float) -> bytes:
        settings = self.settings
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_bytes:
            raise _too_large(url, settings.max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > settings.max_bytes:
                raise _too_large(url, settings.max_bytes)
            if time.monotonic() - started > settings.deadline:
                raise FetchError(
                    f"{url}: the page took more than {settings.deadline:.0f} s to arrive; try again later",
                    input=url,
                    retry=True,
                )
            chunks.append(chunk)
        return b"".join(chunks)


def _too_large(url: str, limit: int) -> FetchError:
    return FetchError(
        f"{url}: the page is larger than {limit / 1e6:g} MB; refused (raise --max-page-mb if it is an article)",
        input=url,
    )


def _status_error(url: str, status: int) -> FetchError:
    if status in (404, 410):
        gone = "not found (404)" if status == 404 else "gone (410)"
        return FetchError(f"{url}: {gone}; check the link", input=url, status=status)
    if status in (401, 403):
        return FetchError(
            f"{url}: access refused ({status}); the page needs a login or blocks us", input=url, status=status
        )
    if status == 429 or status >= 500:
        return FetchError(f"{url}: the server answered {status}; try again later", input=url, retry=True, status=status)
    return FetchError(f"{url}: the server answered {status}; check the link", input=url, status=status)


def decode_page(response: Response, *, name: str, problems: list[Problem] | None = None) -> str:
    """The text of a page: in the charset of its header, else of its ``<meta charset>``, else UTF-8
    (Windows-1252 when that fails, as for files, with a note)."""
    from storyline.sources.read import decode

    charset = response.charset
    if charset is None:
        head = response.body[:4096].decode("ascii", errors="replace")
        match = re.search(r"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", head, re.IGNORECASE)
        charset = match.group(1).lower() if match else None
    if charset and charset not in ("utf-8", "utf8"):
        try:
            return response.body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.info("%s: not valid %s; read as UTF-8", name, charset)
    return decode(response.body, name=name, problems=problems)


def canonical_url(url: str, *, page: str | None = None) -> str:
    """A page's identity: its canonical link (``page``, made absolute) else ``url``, without tracking
    parameters (``utm_*``, ``fbclid``, ...) or a fragment, with the host in lower case (courlan)."""
    from courlan import normalize_url

    chosen = urljoin(url, page) if page and re.match(r"(?i)(https?://|/)", page.strip()) else url
    try:
        return str(normalize_url(chosen, strict=True))
    except ValueError:
        return chosen.split("#", 1)[0]


def article_id(url: str) -> str:
    """An article id from its canonical URL: host and path as a token, with a short hash of the whole URL
    (so two pages whose paths read alike stay apart)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/").rsplit("/", 1)[-1] or "index"
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return safe_id(f"{host}-{path[:60]}-{digest}")


class Getter(Protocol):
    """What fetches a page: a :class:`Fetcher`, or a polite one (sources.feeds.Polite)."""

    def get(self, url: str, *, headers: dict[str, str] | None = None, accept: str | None = None) -> Response: ...


def read_page(fetcher: Getter, url: str, *, problems: list[Problem] | None = None) -> Article:
    """The article at a URL: fetched, its type checked, decoded and extracted like a saved HTML page.

    Raises:
        FetchError: the page cannot be fetched or is not HTML, XHTML or plain text.
        InputError: it holds no article text.
    """
    response = fetcher.get(url, accept="text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8")
    kind = response.content_type
    if kind and kind not in PAGE_TYPES:
        raise FetchError(
            f"{url}: not a web page but {kind}; give the address of an article page (HTML or text)", input=url
        )
    text = decode_page(response, name=url, problems=problems)
    if kind == "text/plain":
        identity = canonical_url(response.url)
        return Article(
            id=article_id(identity),
            text=text,
            source=outlet_from_url(identity) or identity,
            url=identity,
            origin=url,
        )
    extracted = html.read_html(text, name=url, stem=url)[0]
    # trafilatura's url is the page's canonical link (else its og:url).
    identity = canonical_url(response.url, page=extracted.url)
    named = extracted.source not in (extracted.id, outlet_from_url(extracted.url))
    return replace(
        extracted,
        id=article_id(identity),
        url=identity,
        source=extracted.source if named else (outlet_from_url(identity) or identity),
        origin=url,
    )
