"""The FastAPI app: POST /articles, GET /stories, GET /stories/{id}, POST /summarize, the feeds that
``storyline watch`` follows (GET, POST, DELETE /feeds), and the web pages.

Every answer to a bad request is a 4xx ``{"detail": "..."}`` (:class:`ErrorOut`) that says what is
wrong and where, naming the field and never repeating what was sent; nothing a client sends can
stop the server (an unexpected failure is a 500 for that request alone).

The server never stalls: the models' work (ingesting, summarizing) runs on one model thread with a
bounded queue (api.work: 503 with ``Retry-After`` when full), and reads (the list of stories, a
story, health, the pages) run beside it on connections of their own and never wait for it. A story
is answered from what is stored: a stale summary (articles joined the story since) as it is, and a
story never summarized with its articles and no summary, both marked ``"updating": true`` while a
new summary is made in the background (queued once a story; when the queue is full, the next read
asks again). Writes require the server's token when it has one
(``storyline serve --token``). Body limits and security headers: api.guard.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.api.guard import Guard
from storyline.api.pages import LIVE_EVERY, render_index, render_story
from storyline.api.work import MAX_QUEUED, Busy, ModelWork
from storyline.codec import article_to_dict, summary_to_dict
from storyline.config import Config
from storyline.errors import InputError, StorylineError
from storyline.pipeline import Pipeline
from storyline.records import article_from_record, iso_date, problem_to_dict, web_url
from storyline.sources.fetch import Fetcher, FetchSettings, Getter, check_address, read_page
from storyline.stories import (
    cached_story_summary,
    ingest,
    story_articles,
    story_listing,
    summarize_story,
    summary_is_current,
)
from storyline.stories.db import MAX_ID, Store, StoryRow
from storyline.stories.feeds import FeedState
from storyline.text import fingerprint
from storyline.types import Article, Problem, Summary

__all__ = [
    "MAX_ARTICLES_PER_REQUEST",
    "MAX_BODY_BYTES",
    "MAX_SUMMARIZE_ARTICLES",
    "MAX_SUMMARIZE_WORDS",
    "MAX_TEXT_CHARS",
    "create_app",
]

log = logging.getLogger(__name__)

#: A request body larger than this is refused (413), counted on the bytes received.
MAX_BODY_BYTES = 10_000_000
#: Articles in one POST /articles.
MAX_ARTICLES_PER_REQUEST = 200
#: Articles and words (all texts together) in one POST /summarize, as the request holds the model
#: thread while it runs (issue 32: one of 200 articles held it 349 s). Not measured at the cap: a
#: story of 10 articles takes 5-7 s on 2 cores (stories.service), so 30,000 words, about five DUC
#: 2004 clusters, should take some 30 s; benchmarks.serve_load runs a summary at these caps.
MAX_SUMMARIZE_ARTICLES = 50
MAX_SUMMARIZE_WORDS = 30_000
#: Characters of one article's text (the pipeline's max_chars cuts longer texts anyway).
MAX_TEXT_CHARS = 400_000
#: Stories in one page of GET /stories, by default and at most.
STORIES_PAGE = 50
MAX_STORIES_PAGE = 500
#: Field errors listed in one 422 answer.
MAX_ERRORS = 20
#: Feeds one database follows at most through POST /feeds (a bound on what a writer can make watch poll).
MAX_FEEDS = 1_000
#: An http(s) address as the API takes it (and checks again with records.web_url).
WEB_URL = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$"


#: How a write carries the server's token (documented in the schema as the writes' security).
_BEARER = HTTPBearer(auto_error=False, description="required for writes when the server has a token")


def _date(value: str | None) -> str | None:
    if value is not None and iso_date(value) is None:
        raise ValueError("not a date; give it as YYYY-MM-DD")
    return value


def _web_address(value: str | None) -> str | None:
    if value is not None and web_url(value) is None:
        raise ValueError("not an http(s) address")
    return value


class ArticleIn(BaseModel):
    """One article record: ``text`` is required; the rest is optional metadata."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Annotated[str | None, Field(max_length=200, pattern=r"^[\w.:~-]+$")] = None
    #: Without a text, the article is fetched from ``url`` (private addresses refused unless the
    #: server was started with --allow-private).
    text: Annotated[str | None, Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")] = None
    title: Annotated[str | None, Field(max_length=1_000)] = None
    source: Annotated[str | None, Field(max_length=200)] = None
    published: Annotated[
        str | None,
        Field(
            max_length=40,
            description="the day it was published, YYYY-MM-DD (a date and time in ISO 8601, or "
            "'March 10, 2026', is taken too)",
            json_schema_extra={"format": "date"},
        ),
        AfterValidator(_date),
    ] = None
    url: Annotated[
        str | None,
        Field(max_length=2_000, pattern=WEB_URL),
        AfterValidator(_web_address),
    ] = None

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
        record = self.model_dump(mode="json")
        return article_from_record(record, where=self.id or default, default_id=default)


class ArticlesIn(BaseModel):
    """Many articles at once."""

    model_config = ConfigDict(extra="forbid")

    articles: Annotated[list[ArticleIn], Field(min_length=1, max_length=MAX_ARTICLES_PER_REQUEST)]


class SummarizeIn(BaseModel):
    """A one-shot summary of the articles given (nothing is stored)."""

    model_config = ConfigDict(extra="forbid")

    articles: Annotated[
        list[ArticleIn],
        Field(
            min_length=1,
            max_length=MAX_SUMMARIZE_ARTICLES,
            description=f"at most {MAX_SUMMARIZE_ARTICLES} articles of {MAX_SUMMARIZE_WORDS:,} words in all",
        ),
    ]
    words: Annotated[int | None, Field(ge=10, le=2_000)] = None
    compare: bool = True


class FeedIn(BaseModel):
    """A feed for ``storyline watch`` to follow: the address of an RSS 2.0, Atom or JSON feed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: Annotated[str, Field(max_length=2_000, pattern=WEB_URL), AfterValidator(_web_address)]


class FeedOut(BaseModel):
    """A followed feed and its health (stories.feeds.FeedRow); times in ISO 8601, UTC."""

    id: int
    url: str
    ok: bool
    last_polled: str | None
    last_success: str | None
    failures: int
    last_error: str | None
    next_poll: str | None
    entries_seen: int
    articles_stored: int


class FieldError(BaseModel):
    """One field of a request that is not as documented: where it is and what is wrong (never its value)."""

    loc: list[str | int]
    msg: str
    type: str


class ProblemOut(BaseModel):
    """An article skipped or changed (storyline.types.Problem)."""

    input: str
    stage: str
    message: str
    skipped: bool


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` in one line; field errors (422) and skipped articles where there are any."""

    detail: str
    errors: list[FieldError] = []
    problems: list[ProblemOut] = []


class StoryListing(BaseModel):
    """A story as listed."""

    id: int
    title: str
    articles: list[str]
    sources: list[str]
    first_seen: str
    last_seen: str


class StoriesOut(BaseModel):
    """One page of stories, the most recently seen first; ``next_cursor`` asks for the next page (null: no more)."""

    stories: list[StoryListing]
    next_cursor: str | None


class StoryOut(BaseModel):
    """One story, answered at once from what is stored: its listing, its summary (the ``--format json``
    object: summary, sentences, articles, notes, comparison), ``sources`` and ``outlets``.

    ``updating`` is true while a newer summary is made: the one given was made before the latest
    articles joined, or, with ``summary`` null, none was made yet (``sentences`` is then empty and
    ``articles`` holds the articles the summary will read). Ask again later for the new one."""

    model_config = ConfigDict(extra="allow")

    id: int
    title: str
    summary: Annotated[
        str | None, Field(description="the summary's text; null while the story's first summary is being made")
    ]
    updating: bool


class ApiError(Exception):
    """An error answer (:class:`ErrorOut`) with its status."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        problems: Sequence[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems
        self.headers = headers


def _answer(error: ApiError) -> JSONResponse:
    body = {"detail": error.detail, "problems": [problem_to_dict(problem) for problem in error.problems]}
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def _responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    said = {
        401: "the server has a token and the request does not carry it (Authorization: Bearer TOKEN)",
        404: "no such story (or feed)",
        409: f"the database follows {MAX_FEEDS:,} feeds already; remove some (DELETE /feeds/{{id}}) first",
        413: "the request is over a documented limit (body bytes, articles, words)",
        422: "a field is not as documented, or no article in the request is usable",
        503: "the server is busy with model work; try again after Retry-After seconds",
    }
    return {status: {"model": ErrorOut, "description": said[status]} for status in statuses}


def _field_errors(error: RequestValidationError, body: object) -> list[dict[str, Any]]:
    """The field errors of a request, without the values sent; for a body that may take several
    shapes (one article, a list, ``{"articles": [...]}``), only those of the shape it has."""
    shape = (
        "list["
        if isinstance(body, list)
        else "ArticlesIn"
        if isinstance(body, dict) and "articles" in body
        else "ArticleIn"
    )
    found: list[dict[str, Any]] = []
    for item in error.errors():
        loc = [part for part in item["loc"] if isinstance(part, (str, int))]
        branch = loc[1] if len(loc) > 1 and loc[0] == "body" and isinstance(loc[1], str) else ""
        if branch.startswith("function-after["):  # a shape with a model validator: "function-after[check, ArticleIn]"
            branch = branch.rsplit(", ", 1)[-1].rstrip("]")
        if branch.startswith("list[") or branch in ("ArticleIn", "ArticlesIn"):
            if not branch.startswith(shape):
                continue
            loc = ["body", *loc[2:]]
        if all(loc != other["loc"] for other in found):  # one error a field
            found.append({"loc": loc, "msg": str(item["msg"]), "type": str(item["type"])})
    if not found:  # no error of the body's own shape: say them all
        found = [
            {"loc": list(item["loc"]), "msg": str(item["msg"]), "type": str(item["type"])} for item in error.errors()
        ]
    return found[:MAX_ERRORS]


#: A page's cursor: the ``last_seen`` and id of the story before the page ("2026-03-10_42"). Any text
#: of this form is a position in the list, so every cursor the schema allows is answered.
CURSOR = r"^[0-9A-Za-z:.+-]{0,40}_[0-9]{1,19}$"


def _cursor(row: StoryRow) -> str:
    return f"{row.last_seen}_{row.id}"


def _after(cursor: str) -> tuple[str, int]:
    """The (last_seen, id) a cursor names (an id past SQLite's range is its largest)."""
    last_seen, story_id = cursor.rsplit("_", 1)
    return last_seen, min(int(story_id), MAX_ID)


def create_app(
    store: Store,
    *,
    config: Config | None = None,
    pipeline: Pipeline | None = None,
    token: str | None = None,
    queue: int = MAX_QUEUED,
    fetch: FetchSettings | None = None,
    live_every: float = LIVE_EVERY,
) -> Guard:
    """The web app over ``store``; the models load on the first request that needs them.

    Args:
        store: the story database.
        config: the pipeline's settings (when no ``pipeline`` is given).
        pipeline: the models to use (default: one made from ``config``).
        token: when given, every write (POST, DELETE) must carry ``Authorization: Bearer <token>``.
        queue: pieces of model work that may wait before requests are refused with 503.
        fetch: how records given only by ``url`` are fetched (default: private addresses refused).
        live_every: seconds the pages wait between two polls for new articles.

    Returns:
        The ASGI app (the FastAPI app inside :class:`~storyline.api.guard.Guard`, as ``.app``).
    """
    models = pipeline or Pipeline(config)
    work = ModelWork(queue, on_idle=models.release_memory)
    fetcher = Fetcher(fetch)
    feeds = FeedState(store)
    app = FastAPI(
        title="Storyline",
        version=__version__,
        description="News articles in, stories out: each story with one cited summary and how its sources compare. "
        f"Limits: {MAX_BODY_BYTES:,} bytes a request; POST /articles takes {MAX_ARTICLES_PER_REQUEST} articles, "
        f"POST /summarize {MAX_SUMMARIZE_ARTICLES} articles of {MAX_SUMMARIZE_WORDS:,} words in all.",
        # The interactive docs pages load their scripts from a CDN: off, so no request leaves the
        # machine and nothing runs that the pages' policy does not name. /openapi.json stays.
        docs_url=None,
        redoc_url=None,
    )
    app.router.on_shutdown.extend([work.close, fetcher.close, feeds.close])

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> None:
        if token is None:
            return
        given = credentials.credentials if credentials is not None else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(
                401,
                "this server takes writes only with its token: send Authorization: Bearer TOKEN",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return _answer(error)

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy) -> JSONResponse:
        return _answer(ApiError(503, str(error), headers={"Retry-After": str(error.retry_after)}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _field_errors(error, error.body)
        where = ", ".join(".".join(str(part) for part in item["loc"]) + ": " + item["msg"] for item in errors[:3])
        body = {"detail": f"request not as documented: {where or 'see errors'}", "errors": errors}
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400:  # FastAPI's answer to a body it cannot decode: one more field error
            return _answer(ApiError(422, "request body: not JSON in UTF-8; send article objects as JSON"))
        headers = dict(error.headers) if error.headers else None
        return _answer(ApiError(error.status_code, str(error.detail), headers=headers))

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> JSONResponse:
        return _answer(ApiError(422, str(error)))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, error: StorylineError) -> JSONResponse:
        return _answer(ApiError(503, str(error)))

    @app.post(
        "/articles",
        summary="Add one article or many; each joins a story or starts one",
        dependencies=[Depends(require_token)],
        responses=_responses(401, 413, 422, 503),
    )
    async def post_articles(
        payload: Annotated[
            ArticleIn
            | Annotated[list[ArticleIn], Field(min_length=1, max_length=MAX_ARTICLES_PER_REQUEST)]
            | ArticlesIn,
            Body(),
        ],
    ) -> dict[str, Any]:
        if isinstance(payload, ArticleIn):
            given = [payload]
        elif isinstance(payload, ArticlesIn):
            given = payload.articles
        else:
            given = payload
        problems: list[Problem] = []
        articles = await run_in_threadpool(_articles, given, fetcher, problems)  # pages given by url are fetched
        counts = await work.run(lambda: ingest(store, models, articles, problems=problems))
        if not counts.results:
            raise ApiError(422, "no usable article; see problems", problems=problems)
        body = {
            "added": counts.added,
            "near_duplicates": counts.near_duplicates,
            "duplicates": counts.duplicates,
            "unchanged": counts.unchanged,
            "skipped": counts.skipped,
            "new_stories": counts.new_stories,
            "merged": counts.merged,
            "split": counts.split,
            "results": [
                {"id": r.article_id, "outcome": r.outcome, "story": r.story, "duplicate_of": r.other}
                for r in counts.results
            ],
            "problems": [problem_to_dict(problem) for problem in problems],
        }
        if all(result.outcome == "furniture" for result in counts.results):
            raise ApiError(422, "no usable article; see problems", problems=problems)
        return body

    @app.get("/stories", summary="Stories, the most recently seen first, a page at a time", responses=_responses(422))
    def get_stories(
        limit: Annotated[int, Query(ge=1, le=MAX_STORIES_PAGE, description="stories in this page")] = STORIES_PAGE,
        cursor: Annotated[
            str | None, Query(pattern=CURSOR, description="next_cursor of the page before; none for the first")
        ] = None,
    ) -> StoriesOut:
        rows = store.stories(limit=limit + 1, after=_after(cursor) if cursor is not None else None)
        page = rows[:limit]
        return StoriesOut(
            stories=[StoryListing(**story_listing(row)) for row in page],
            next_cursor=_cursor(page[-1]) if len(rows) > limit else None,
        )

    def stored_story(story_id: int) -> tuple[StoryRow, Summary | Sequence[Article], bool] | None:
        """A story as stored, with no model work: its stored summary (and whether it is stale), or,
        when none was ever made, the articles its summary will read. None: no such story."""
        row = store.story(story_id)
        if row is None:
            return None
        cached = cached_story_summary(store, models.config, row)
        if cached is None:
            return row, story_articles(store, row), True
        summary, current = cached
        return row, summary, not current

    async def story_now(story_id: int) -> tuple[StoryRow, Summary | Sequence[Article], bool] | None:
        """:func:`stored_story`, off the event loop; when its summary is missing or stale, a new one
        is queued on the model thread (once a story; when the queue is full it is left for a later read)."""
        found = await run_in_threadpool(stored_story, story_id)
        if found is not None and found[2]:
            remake(story_id)
        return found

    def remake(story_id: int) -> None:
        """Queue a story's new summary on the model thread (once a story; dropped when the queue is half full)."""
        work.start(("story", story_id), lambda: summarize_story(store, models, story_id))

    async def merged_target(story_id: int) -> int | None:
        """The story a merged story's articles are in now, else None (Store.merged_into, off the event loop)."""
        return await run_in_threadpool(store.merged_into, story_id)

    @app.get(
        "/stories/{story_id}",
        summary="One story: its summary, comparison and sources",
        response_model=StoryOut,
        responses={
            **_responses(404, 422),
            308: {"description": "the story was merged into another one, named by the Location header"},
        },
    )
    async def get_story(story_id: int) -> StoryOut | RedirectResponse:
        found = await story_now(story_id)
        if found is None:
            target = await merged_target(story_id)
            if target is not None:
                return RedirectResponse(f"/stories/{target}", status_code=308)
            raise ApiError(404, f"no story {story_id}; GET /stories lists them")
        row, made, updating = found
        if isinstance(made, Summary):
            articles: Sequence[Article] = made.articles
            summary = summary_to_dict(made)
        else:  # no summary yet: the articles it will read, as a summary lists them
            articles = made
            summary = {"summary": None, "sentences": [], "articles": [article_to_dict(a) for a in made], "notes": []}
        sources = [
            {"id": a.id, "source": a.source, "title": a.title, "published": a.published, "url": a.url} for a in articles
        ]
        return StoryOut(
            **{**story_listing(row), **summary, "sources": sources, "outlets": list(row.sources)},
            updating=updating,
        )

    @app.post(
        "/summarize",
        summary="One cited summary (and comparison) of the articles given; stores nothing",
        description=f"At most {MAX_SUMMARIZE_ARTICLES} articles of {MAX_SUMMARIZE_WORDS:,} words in all (413 above).",
        dependencies=[Depends(require_token)],
        responses=_responses(401, 413, 422, 503),
    )
    async def post_summarize(payload: SummarizeIn) -> dict[str, Any]:
        problems: list[Problem] = []
        articles = await run_in_threadpool(_articles, payload.articles, fetcher, problems)  # url-only: fetched
        words = sum(len(article.text.split()) for article in articles)
        if words > MAX_SUMMARIZE_WORDS:
            raise ApiError(
                413,
                f"{words:,} words in all is over the limit of {MAX_SUMMARIZE_WORDS:,}; send fewer or shorter articles",
            )
        if not articles:
            raise ApiError(422, "no usable article; see problems", problems=problems)
        summary = await work.run(
            lambda: models.summarize(
                articles, words=payload.words, on_error="skip", problems=problems, compare=payload.compare
            )
        )
        return {**summary_to_dict(summary), "problems": [problem_to_dict(problem) for problem in problems]}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index_page() -> str:
        return render_index(store.stories(limit=MAX_STORIES_PAGE), live_every=live_every)

    @app.get("/story/{story_id}", response_class=HTMLResponse, response_model=None, include_in_schema=False)
    async def story_page(story_id: int) -> HTMLResponse | RedirectResponse:
        found = await story_now(story_id)
        if found is None:
            target = await merged_target(story_id)
            if target is not None:  # merged into another story: the link still leads to its articles
                return RedirectResponse(f"/story/{target}", status_code=308)
            rows = await run_in_threadpool(store.stories, limit=MAX_STORIES_PAGE)
            return HTMLResponse(render_index(rows, missing=story_id, live_every=live_every), status_code=404)
        row, made, updating = found
        return HTMLResponse(render_story(row, made, updating=updating, live_every=live_every))

    @app.get("/feeds", summary="The feeds storyline watch follows in this database, with their health")
    def get_feeds() -> list[FeedOut]:
        return [FeedOut(**row.as_dict()) for row in feeds.feeds()]

    @app.post(
        "/feeds",
        summary="Follow a feed: a storyline watch on this database polls it from its next round",
        description="The address must be http(s) and, unless the server runs with --allow-private, resolve to "
        "public addresses only. 201: followed from now; 200: it was followed already.",
        status_code=201,
        dependencies=[Depends(require_token)],
        responses={
            200: {"model": FeedOut, "description": "the feed was followed already"},
            **_responses(401, 409, 422),
        },
    )
    async def post_feed(payload: FeedIn, response: Response) -> FeedOut:
        # Refused here, before watch ever fetches it (watch checks every address it connects to anyway).
        await run_in_threadpool(check_address, payload.url, fetcher.settings)
        followed = await run_in_threadpool(feeds.follow, payload.url, limit=MAX_FEEDS)
        if followed is None:
            raise ApiError(409, f"the database follows {MAX_FEEDS:,} feeds already; remove some first")
        row, added = followed
        if not added:
            response.status_code = 200
        return FeedOut(**row.as_dict())

    @app.delete(
        "/feeds/{feed_id}",
        summary="Stop following a feed (its articles stay in their stories)",
        status_code=204,
        dependencies=[Depends(require_token)],
        responses=_responses(401, 404, 422),
    )
    def delete_feed(feed_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> Response:
        if not feeds.remove(feed_id):
            raise ApiError(404, f"no feed {feed_id}; GET /feeds lists them")
        return Response(status_code=204)

    @app.get("/live", summary="A small listing for pages that refresh themselves: every story's id, title and articles")
    def get_live() -> dict[str, Any]:
        return {"stories": [live_story(row) for row in store.stories(limit=LIVE_STORIES)]}

    @app.get(
        "/live/{story_id}",
        summary="One story's articles, for its page to show those that arrive",
        responses=_responses(404, 422),
    )
    def get_live_story(story_id: int) -> dict[str, Any]:
        row = store.story(story_id)
        if row is None:
            raise ApiError(404, f"no story {story_id}; GET /stories lists them")
        articles = [
            {"id": a.id, "source": a.source, "title": a.title, "published": a.published, "url": web_url(a.url)}
            for a in store.articles(story_id)
        ]
        ready = summary_is_current(store, models.config, row)
        if not ready:  # a page waits for it: ask again, as a read of the story does
            remake(story_id)
        return {**live_story(row), "articles": articles, "summary_ready": ready}

    @app.get("/static/live.js", include_in_schema=False)
    def live_script() -> Response:
        return Response(LIVE_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "articles": store.count(), "model_work": work.waiting, "version": __version__}

    return Guard(app, max_bytes=MAX_BODY_BYTES)


def _articles(given: Sequence[ArticleIn], fetcher: Getter, problems: list[Problem]) -> list[Article]:
    """The Articles of the records posted (a record with only a url: its page fetched and read); one that
    the record rules refuse, or whose page cannot be fetched or read, is a problem, not an error."""
    articles = []
    for item in given:
        try:
            articles.append(item.to_article(fetcher))
        except InputError as error:
            problems.append(Problem(error.input or item.url or "record", "read", str(error)))
    return articles


#: Stories listed by GET /live (the front page shows as many).
LIVE_STORIES = 200
#: The script of the pages that refresh themselves (a file of its own, so a CSP can forbid inline scripts).
LIVE_SCRIPT = (resources.files("storyline.render") / "templates" / "live.js").read_text(encoding="utf-8")


def live_story(row: StoryRow) -> dict[str, Any]:
    """A story as the pages' polling sees it: its listing with the number of its articles, not their ids."""
    listing = story_listing(row)
    outlets = listing.pop("sources")
    return {**listing, "articles": len(row.articles), "outlets": outlets}
