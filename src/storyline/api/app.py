"""The FastAPI app: POST /articles, GET /stories, GET /stories/{id}, POST /summarize, and the web pages.

Every answer to a bad request is a 4xx whose ``detail`` says what is wrong and where; nothing a
client sends can stop the server (an unexpected failure is a 500 for that request alone).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from importlib import resources
from typing import Annotated, Any

from fastapi import Body, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from storyline import __version__
from storyline.api.pages import LIVE_EVERY, render_index, render_story
from storyline.codec import summary_to_dict
from storyline.config import Config
from storyline.errors import InputError, StorylineError
from storyline.pipeline import Pipeline
from storyline.records import article_from_record, problem_to_dict
from storyline.sources.fetch import Fetcher, FetchSettings, Getter, read_page
from storyline.stories import ingest, story_listing, summarize_story
from storyline.stories.db import Store, StoryRow
from storyline.stories.feeds import FeedState
from storyline.text import fingerprint
from storyline.types import Article, Problem

__all__ = ["MAX_ARTICLES_PER_REQUEST", "MAX_BODY_BYTES", "MAX_TEXT_CHARS", "create_app"]

log = logging.getLogger(__name__)

#: A request body larger than this is refused (413) before it is read.
MAX_BODY_BYTES = 10_000_000
#: Articles in one POST /articles or /summarize.
MAX_ARTICLES_PER_REQUEST = 200
#: Characters of one article's text (the pipeline's max_chars cuts longer texts anyway).
MAX_TEXT_CHARS = 400_000


class ArticleIn(BaseModel):
    """One article record: ``text`` is required; the rest is optional metadata."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Annotated[str | None, Field(max_length=200, pattern=r"^[\w.:~-]+$")] = None
    #: Without a text, the article is fetched from ``url`` (private addresses refused unless the
    #: server was started with --allow-private).
    text: Annotated[str | None, Field(min_length=1, max_length=MAX_TEXT_CHARS)] = None
    title: Annotated[str | None, Field(max_length=1_000)] = None
    source: Annotated[str | None, Field(max_length=200)] = None
    published: Annotated[str | None, Field(max_length=40, pattern=r"^\d{4}-\d{2}-\d{2}")] = None
    url: Annotated[str | None, Field(max_length=2_000, pattern=r"^https?://")] = None

    @model_validator(mode="after")
    def _text_or_url(self) -> ArticleIn:
        if not self.text and not self.url:
            raise ValueError("give the article's 'text', or its 'url' to fetch it from")
        return self

    def to_article(self, fetcher: Getter | None = None) -> Article:
        """The Article (storyline.records); without an id, one made from the text, so the same text posted
        twice is one article. Without a text, the page at ``url`` is fetched and read (sources.fetch) with
        ``fetcher`` (default: a Fetcher of the default settings).

        Raises:
            InputError: the record is not usable, or its page cannot be fetched or read.
        """
        if self.text is None:
            assert self.url is not None  # the validator saw to it
            if fetcher is None:
                with Fetcher() as client:  # the default settings: private addresses refused
                    fetched = read_page(client, self.url)
            else:
                fetched = read_page(fetcher, self.url)
            given = {key: value for key, value in self.model_dump().items() if value is not None and key != "url"}
            return replace(fetched, **given) if given else fetched
        default = f"a-{fingerprint(self.text)[:16]}"
        return article_from_record(self.model_dump(), where=self.id or default, default_id=default)


class ArticlesIn(BaseModel):
    """Many articles at once."""

    model_config = ConfigDict(extra="forbid")

    articles: Annotated[list[ArticleIn], Field(min_length=1, max_length=MAX_ARTICLES_PER_REQUEST)]


class SummarizeIn(BaseModel):
    """A one-shot summary of the articles given (nothing is stored)."""

    model_config = ConfigDict(extra="forbid")

    articles: Annotated[list[ArticleIn], Field(min_length=1, max_length=MAX_ARTICLES_PER_REQUEST)]
    words: Annotated[int | None, Field(ge=10, le=2_000)] = None
    compare: bool = True


def _articles(given: list[ArticleIn], fetcher: Getter, problems: list[Problem]) -> list[Article]:
    """The Articles of the records; one whose page cannot be fetched or read is skipped into ``problems``."""
    articles: list[Article] = []
    for item in given:
        try:
            articles.append(item.to_article(fetcher))
        except InputError as error:
            problems.append(Problem(error.input or item.url or "record", "read", str(error)))
    return articles


def create_app(
    store: Store,
    *,
    config: Config | None = None,
    pipeline: Pipeline | None = None,
    fetch: FetchSettings | None = None,
    live_every: float = LIVE_EVERY,
) -> FastAPI:
    """The web app over ``store``; the models load on the first request that needs them.

    ``fetch`` sets how records given only by ``url`` are fetched (default: private addresses refused);
    ``live_every`` how many seconds the pages wait between two polls for new articles.
    """
    models = pipeline or Pipeline(config)
    fetcher = Fetcher(fetch)
    feeds = FeedState(store)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        fetcher.close()
        feeds.close()

    # spaCy and torch calls are not made from two threads at once (the server runs handlers in a pool).
    model_lock = threading.Lock()
    app = FastAPI(
        title="Storyline",
        version=__version__,
        description="News articles in, stories out: each story with one cited summary and how its sources compare.",
        lifespan=lifespan,
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return JSONResponse({"detail": "Content-Length is not a number"}, status_code=400)
            if int(length) > MAX_BODY_BYTES:
                return JSONResponse(
                    {
                        "detail": f"request body of {int(length):,} bytes is over the limit of {MAX_BODY_BYTES:,}; "
                        "send fewer or shorter articles per request"
                    },
                    status_code=413,
                )
        try:
            return await call_next(request)
        except Exception:
            log.exception("request %s %s failed", request.method, request.url.path)
            return JSONResponse({"detail": "internal error while handling this request; see the server log"}, 500)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, error: StorylineError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    @app.post("/articles", summary="Add one article or many; each joins a story or starts one")
    def post_articles(
        payload: Annotated[ArticleIn | list[ArticleIn] | ArticlesIn, Body()],
    ) -> dict[str, Any]:
        if isinstance(payload, ArticleIn):
            given = [payload]
        elif isinstance(payload, ArticlesIn):
            given = payload.articles
        else:
            given = payload
        if not given:
            raise HTTPException(422, 'no articles: send one article object, a list of them or {"articles": [...]}')
        if len(given) > MAX_ARTICLES_PER_REQUEST:
            raise HTTPException(413, f"{len(given)} articles in one request; send at most {MAX_ARTICLES_PER_REQUEST}")
        problems: list[Problem] = []
        articles = _articles(given, fetcher, problems)
        with model_lock:
            counts = ingest(store, models, articles, problems=problems)
        body = {
            "added": counts.added,
            "near_duplicates": counts.near_duplicates,
            "duplicates": counts.duplicates,
            "unchanged": counts.unchanged,
            "skipped": counts.skipped,
            "new_stories": counts.new_stories,
            "results": [
                {"id": r.article_id, "outcome": r.outcome, "story": r.story, "duplicate_of": r.other}
                for r in counts.results
            ],
            "problems": [problem_to_dict(problem) for problem in problems],
        }
        if not counts.results:
            raise HTTPException(422, {"message": "no usable article; see problems", "problems": body["problems"]})
        return body

    @app.get("/stories", summary="Every story, the most recently seen first")
    def get_stories() -> list[dict[str, Any]]:
        return [story_listing(row) for row in store.stories()]

    @app.get("/stories/{story_id}", summary="One story: its summary, comparison and sources")
    def get_story(story_id: int) -> dict[str, Any]:
        row = store.story(story_id)
        if row is None:
            raise HTTPException(404, f"no story {story_id}; GET /stories lists them")
        with model_lock:
            summary = summarize_story(store, models, story_id)
        assert summary is not None  # the row exists, so the story does
        data = summary_to_dict(summary)
        sources = [
            {"id": a.id, "source": a.source, "title": a.title, "published": a.published, "url": a.url}
            for a in summary.articles
        ]
        return {**story_listing(row), **data, "sources": sources, "outlets": list(row.sources)}

    @app.post("/summarize", summary="One cited summary (and comparison) of the articles given; stores nothing")
    def post_summarize(payload: SummarizeIn) -> dict[str, Any]:
        problems: list[Problem] = []
        articles = _articles(payload.articles, fetcher, problems)
        if not articles:
            raise HTTPException(
                422, {"message": "no usable article; see problems", "problems": [problem_to_dict(p) for p in problems]}
            )
        with model_lock:
            summary = models.summarize(
                articles,
                words=payload.words,
                on_error="skip",
                problems=problems,
                compare=payload.compare,
            )
        return {**summary_to_dict(summary), "problems": [problem_to_dict(problem) for problem in problems]}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page() -> str:
        return render_index(store.stories(), live_every=live_every)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: int) -> HTMLResponse:
        row = store.story(story_id)
        if row is None:
            return HTMLResponse(render_index(store.stories(), missing=story_id, live_every=live_every), status_code=404)
        with model_lock:
            summary = summarize_story(store, models, story_id)
        assert summary is not None
        return HTMLResponse(render_story(row, summary, live_every=live_every))

    @app.get("/feeds", summary="The feeds storyline watch follows in this database, with their health")
    def get_feeds() -> list[dict[str, Any]]:
        return [row.as_dict() for row in feeds.feeds()]

    @app.get("/live", summary="A small listing for pages that refresh themselves: every story's id, title and articles")
    def get_live() -> dict[str, Any]:
        return {"stories": [live_story(row) for row in store.stories(limit=LIVE_STORIES)]}

    @app.get("/live/{story_id}", summary="One story's articles, for its page to show those that arrive")
    def get_live_story(story_id: int) -> dict[str, Any]:
        row = store.story(story_id)
        if row is None:
            raise HTTPException(404, f"no story {story_id}; GET /stories lists them")
        articles = [
            {"id": a.id, "source": a.source, "title": a.title, "published": a.published, "url": web_address(a.url)}
            for a in store.articles(story_id)
        ]
        return {**live_story(row), "articles": articles}

    @app.get("/static/live.js", include_in_schema=False)
    def live_script() -> Response:
        return Response(LIVE_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "articles": store.count(), "version": __version__}

    return app


#: Stories listed by GET /live (the front page shows as many).
LIVE_STORIES = 200
#: The script of the pages that refresh themselves (a file of its own, so a CSP can forbid inline scripts).
LIVE_SCRIPT = (resources.files("storyline.render") / "templates" / "live.js").read_text(encoding="utf-8")


def live_story(row: StoryRow) -> dict[str, Any]:
    """A story as the pages' polling sees it: its listing with the number of its articles, not their ids."""
    listing = story_listing(row)
    outlets = listing.pop("sources")
    return {**listing, "articles": len(row.articles), "outlets": outlets}


def web_address(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None (a page links nothing else)."""
    return url if url and re.match(r"(?i)https?://", url) else None
