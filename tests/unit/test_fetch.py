"""sources.fetch against a real local web server (pytest-httpserver): pages in, Articles out, and every
fault answered with one line naming the URL and what to do, while the other inputs go on."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from storyline.sources.fetch import Fetcher, FetchError, FetchSettings, canonical_url, read_page
from storyline.sources.read import read
from storyline.types import Problem
from tests.newssite import harbor_stories, news_page, observer_page

LOCAL = FetchSettings(allow_private=True, connect_timeout=2, read_timeout=2, deadline=10)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(LOCAL) as client:
        yield client


def _serve_page(
    server: HTTPServer, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8"
) -> str:
    server.expect_request(path).respond_with_data(body, content_type=content_type)
    return server.url_for(path)


def test_a_page_becomes_an_article_with_its_outlet_date_and_canonical_url(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    url = _serve_page(httpserver, "/observer", observer_page())
    article = read_page(fetcher, url)
    assert article.source == "Calder Coast Observer"
    assert article.published == "2026-03-12"
    assert article.url == "https://www.caldercoastobserver.example/news/2026/03/12/kestrel-narrows-bridge-data-recorder"
    assert "voyage data recorder" in article.text
    assert "cookie" not in article.text.lower()  # the page around the article stays out


def test_a_page_without_a_site_name_is_named_after_its_domain(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    story = harbor_stories()[0]
    page = news_page(
        type(story)(
            story.path,
            None,
            story.title,
            story.published,
            # without the lines where the Ledger names itself (byline, photo credit, its own note)
            "\n\n".join(part for part in story.text.split("\n\n") if "Ledger" not in part),
            canonical="https://www.ledger.example/2026/bridge",
        )
    )
    article = read_page(fetcher, _serve_page(httpserver, story.path, page))
    assert article.source == "ledger.example"
    assert "Share on Facebook" not in article.text and "All rights reserved" not in article.text


def test_two_links_to_one_article_give_one_id(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    story = harbor_stories()[1]
    httpserver.expect_request("/courier/bridge").respond_with_data(news_page(story), content_type="text/html")
    plain = read_page(fetcher, httpserver.url_for("/courier/bridge"))
    tracked = read_page(fetcher, httpserver.url_for("/courier/bridge") + "?utm_source=feed&utm_medium=rss#comments")
    assert plain.id == tracked.id and plain.url == tracked.url
    assert "utm_" not in (tracked.url or "") and "#" not in (tracked.url or "")


def test_canonical_url_drops_tracking_and_fragment() -> None:
    assert canonical_url("https://News.Example/a?id=3&utm_source=x&fbclid=y#top") == "https://news.example/a?id=3"
    assert canonical_url("https://a.example/x?utm_campaign=z", page="/story/1") == "https://a.example/story/1"


def test_gzip_and_a_non_utf8_charset_are_read(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    story = harbor_stories()[0]
    page = news_page(story).replace("utf-8", "iso-8859-1").replace("officials", "officials at the café")
    body = gzip.compress(page.encode("iso-8859-1"))
    httpserver.expect_request("/latin").respond_with_data(
        body, headers={"Content-Encoding": "gzip"}, content_type="text/html; charset=ISO-8859-1"
    )
    article = read_page(fetcher, httpserver.url_for("/latin"))
    assert "café" in article.text


def test_a_charset_named_only_in_the_page_is_used(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    page = news_page(harbor_stories()[0]).replace('charset="utf-8"', 'charset="windows-1251"')
    page = page.replace("officials said", "officials said (Москва)")
    article = read_page(fetcher, _serve_page(httpserver, "/cyr", page.encode("windows-1251"), "text/html"))
    assert "Москва" in article.text


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "not found (404); check the link"), (410, "gone (410)"), (500, "answered 500; try again later")],
)
def test_an_error_status_is_one_line_naming_the_url(
    httpserver: HTTPServer, fetcher: Fetcher, status: int, words: str
) -> None:
    httpserver.expect_request("/bad").respond_with_data("no", status=status)
    url = httpserver.url_for("/bad")
    with pytest.raises(FetchError) as caught:
        read_page(fetcher, url)
    message = str(caught.value)
    assert message.startswith(url) and words in message and "\n" not in message
    assert caught.value.retry == (status == 500)


def test_a_response_slower_than_the_timeout_is_refused(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(news_page(harbor_stories()[0]), content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    url = httpserver.url_for("/slow")
    with Fetcher(FetchSettings(allow_private=True, read_timeout=0.5)) as quick:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"no answer in time.*try again later") as caught:
            read_page(quick, url)
    assert time.monotonic() - started < 1.4
    assert str(caught.value).startswith(url) and caught.value.retry


def test_a_50_mb_body_is_cut_off_at_the_cap_while_streaming(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    sent = []

    def huge(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b"<html><body><p>"
            for _ in range(50):
                sent.append(1)
                yield b"x" * 1_000_000

        return Response(chunks(), content_type="text/html")  # no Content-Length: only streaming can tell

    httpserver.expect_request("/huge").respond_with_handler(huge)
    url = httpserver.url_for("/huge")
    with pytest.raises(FetchError, match=r"larger than 10 MB; refused") as caught:
        read_page(fetcher, url)
    assert str(caught.value).startswith(url)
    assert len(sent) < 20  # the reader stopped, it did not take the 50 MB in


def test_a_declared_oversize_body_is_refused_before_reading(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"<p>" + b"y" * 3_000_000, content_type="text/html")
    with (
        Fetcher(FetchSettings(allow_private=True, max_bytes=1_000_000)) as small,
        pytest.raises(FetchError, match="larger than 1 MB"),
    ):
        read_page(small, httpserver.url_for("/big"))


def test_redirects_are_followed_up_to_five(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    for hop in range(5):
        httpserver.expect_request(f"/r{hop}").respond_with_data("", status=302, headers={"Location": f"/r{hop + 1}"})
    httpserver.expect_request("/r5").respond_with_data(observer_page(), content_type="text/html")
    assert read_page(fetcher, httpserver.url_for("/r0")).source == "Calder Coast Observer"
    for hop in range(6):
        httpserver.expect_request(f"/s{hop}").respond_with_data("", status=301, headers={"Location": f"/s{hop + 1}"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        read_page(fetcher, httpserver.url_for("/s0"))


def test_a_redirect_loop_is_refused(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/loop-a").respond_with_data("", status=302, headers={"Location": "/loop-b"})
    httpserver.expect_request("/loop-b").respond_with_data("", status=302, headers={"Location": "/loop-a"})
    url = httpserver.url_for("/loop-a")
    with pytest.raises(FetchError, match="redirects in a loop") as caught:
        read_page(fetcher, url)
    assert str(caught.value).startswith(url)


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:{port}/r", "http://10.1.2.3/"]
)
def test_a_redirect_to_a_private_address_is_refused(httpserver: HTTPServer, target: str) -> None:
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": target.format(port=httpserver.port)}
    )
    httpserver.expect_request("/r").respond_with_data(observer_page(), content_type="text/html")
    # The test server's own host is allowed, as an operator allows one known site; nothing else private is.
    only_this_site = FetchSettings(allowed_hosts=frozenset({httpserver.host}), connect_timeout=1)
    with (
        Fetcher(only_this_site) as client,
        pytest.raises(FetchError, match=r"private or local address .* --allow-private"),
    ):
        read_page(client, httpserver.url_for("/go"))


def test_a_private_address_is_refused_without_allow_private(httpserver: HTTPServer) -> None:
    url = _serve_page(httpserver, "/observer", observer_page())
    with Fetcher() as default, pytest.raises(FetchError, match=r"refused\. Run with --allow-private"):
        read_page(default, url)
    assert not httpserver.log  # refused before any request was made


def test_a_wrong_content_type_is_refused(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = _serve_page(httpserver, "/doc.pdf", b"%PDF-1.7 ...", "application/pdf")
    with pytest.raises(FetchError, match=r"not a web page but application/pdf; give the address of an article page"):
        read_page(fetcher, url)


def test_plain_text_is_read(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    text = harbor_stories()[1].text
    article = read_page(fetcher, _serve_page(httpserver, "/t.txt", text, "text/plain; charset=utf-8"))
    assert article.text.strip() == text.strip()


def test_the_user_agent_names_storyline(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    url = _serve_page(httpserver, "/observer", observer_page())
    read_page(fetcher, url)
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("Storyline/")


def test_read_skips_bad_urls_and_keeps_the_other_inputs(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    good = _serve_page(httpserver, "/observer", observer_page())
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    problems: list[Problem] = []
    articles = read(
        [good, httpserver.url_for("/gone"), "tests/../examples/harbor-bridge/saltmarsh-courier.txt"],
        on_error="skip",
        problems=problems,
        fetcher=fetcher,
    )
    # the text file's outlet is the one its text names (issue 31), as for a page
    assert [a.source for a in articles] == ["Calder Coast Observer", "Saltmarsh Courier"]
    assert [p.input for p in problems] == [httpserver.url_for("/gone")]


class RebindingDns:
    """A DNS server whose answer for one name changes: a public address the first time, this machine's
    after (DNS rebinding). Other names resolve to this machine (the test server's own address)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host == self.name and self.asked.count(host) == 1:
            return ["93.184.215.14"]  # public: passes the check (and is not reachable from here)
        return ["127.0.0.1"]


@pytest.fixture
def loopback_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_a_name_rebound_to_a_private_address_after_the_check_is_not_reached(loopback_server: HTTPServer) -> None:
    loopback_server.expect_request("/secret").respond_with_data(observer_page(), content_type="text/html")
    dns = RebindingDns("news.rebind.example")
    url = f"http://news.rebind.example:{loopback_server.port}/secret"
    with Fetcher(FetchSettings(connect_timeout=0.5), resolve=dns) as client, pytest.raises(FetchError) as caught:
        read_page(client, url)
    # The connection went to the address that was checked (public, unreachable here): the name was looked
    # up once, so the second answer (this machine) was never used, and the local server saw nothing.
    assert dns.asked == ["news.rebind.example"]
    assert not loopback_server.log
    assert str(caught.value).startswith(url)


def test_a_redirect_to_a_rebinding_name_is_not_reached_either(loopback_server: HTTPServer) -> None:
    port = loopback_server.port
    loopback_server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": f"http://news.rebind.example:{port}/secret"}
    )
    loopback_server.expect_request("/secret").respond_with_data(observer_page(), content_type="text/html")
    dns = RebindingDns("news.rebind.example")
    # The first site is one the operator allows (as a known local site); the name it redirects to is not.
    settings = FetchSettings(allowed_hosts=frozenset({f"127.0.0.1:{port}"}), connect_timeout=0.5)
    with Fetcher(settings, resolve=dns) as client, pytest.raises(FetchError):
        read_page(client, f"http://127.0.0.1:{port}/go")
    assert dns.asked == ["127.0.0.1", "news.rebind.example"]
    assert [request.path for request, _ in loopback_server.log] == ["/go"]


def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(loopback_server: HTTPServer) -> None:
    loopback_server.expect_request("/page").respond_with_data(observer_page(), content_type="text/html")
    dns = RebindingDns("other.example")  # every other name: this machine
    url = f"http://intranet.example:{loopback_server.port}/page"
    with (
        Fetcher(FetchSettings(), resolve=dns) as client,
        pytest.raises(FetchError, match=r"intranet\.example is a private or local address \(127\.0\.0\.1\)"),
    ):
        read_page(client, url)
    assert not loopback_server.log


def test_the_connection_goes_to_the_address_resolved_while_the_request_keeps_the_name(
    loopback_server: HTTPServer,
) -> None:
    loopback_server.expect_request("/page").respond_with_data(observer_page(), content_type="text/html")
    dns = RebindingDns("other.example")  # news.pinned.example: this machine
    settings = FetchSettings(allowed_hosts=frozenset({"news.pinned.example"}), connect_timeout=2)
    with Fetcher(settings, resolve=dns) as client:
        article = read_page(client, f"http://news.pinned.example:{loopback_server.port}/page")
    assert article.source == "Calder Coast Observer"
    assert dns.asked == ["news.pinned.example"]  # looked up once, by the resolver given, not by the system
    ((request, _),) = loopback_server.log
    assert request.headers["Host"] == f"news.pinned.example:{loopback_server.port}"
