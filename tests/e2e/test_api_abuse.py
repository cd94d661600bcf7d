"""Issue 32: the web API as an attacker and a crowd would use it, on a real uvicorn server with the real models.

Each test replays a row of the issue's table and checks the answer the issue asks for: body limits
on the bytes received (chunked too), 422s that name the field and never echo the body, ids past
SQLite's range and false dates refused, the interactive docs off, writes behind the server's token,
pages with a strict policy, model work that never holds up reads (503 with Retry-After when its
queue is full), a stale story served marked "being updated" while it is remade, and the CLI's
usage errors on one line.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storyline.api import MAX_BODY_BYTES, MAX_SUMMARIZE_WORDS, create_app
from storyline.cli import EXIT_USAGE
from storyline.pipeline import Pipeline
from storyline.sources.read import read
from storyline.stories import ingest
from storyline.stories.db import Store
from tests.conftest import EXAMPLE
from tests.e2e.conftest import serving, summarized

pytestmark = pytest.mark.model

TOKEN = "correct-horse-battery"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET = "PLEASE-DO-NOT-ECHO-ME"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("abuse") / "stories.db") as opened:
        ingest(opened, pipeline, read(EXAMPLE))
        yield opened


@pytest.fixture(scope="module")
def client(store: Store, pipeline: Pipeline) -> Iterator[httpx.Client]:
    with (
        serving(create_app(store, pipeline=pipeline, token=TOKEN)) as url,
        httpx.Client(base_url=url, timeout=300) as http,
    ):
        yield http


def _records() -> list[dict[str, Any]]:
    return [{"id": a.id, "text": a.text, "source": a.source} for a in read(EXAMPLE)]


def test_issue_32_every_answer_carries_the_security_headers(client: httpx.Client) -> None:
    for path in ("/", "/stories", "/stories/1", "/story/1", "/nowhere"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


def test_issue_32_chunked_body_over_the_limit_is_refused_on_the_bytes_received(client: httpx.Client) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(31):  # 31 MB, without a Content-Length
            sent += 1
            yield b"[" + b" " * 999_998 + b"]"

    answer = client.post("/articles", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert answer.status_code == 413
    assert f"limit of {MAX_BODY_BYTES:,} bytes" in answer.json()["detail"]
    assert len(answer.content) < 500


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": SECRET * 100, "colour": SECRET}, "colour"),
        ({"text": 12345}, "text"),
        ({"articles": [{"text": SECRET, "url": "javascript:alert(1)"}]}, "url"),
        ([{"text": SECRET, "published": "9999-99-99T99:99"}], "published"),
    ],
)
def test_issue_32_a_422_names_the_field_and_never_echoes_the_body(
    client: httpx.Client, body: object, field: str
) -> None:
    answer = client.post("/articles", json=body, headers=AUTH)
    assert answer.status_code == 422
    data = answer.json()
    assert field in data["detail"] and any(field in item["loc"] for item in data["errors"])
    assert SECRET not in answer.text and "javascript" not in answer.text and "12345" not in answer.text
    assert len(answer.content) < 2_000
    # One error per field of the shape sent, not one per shape the body could have had.
    assert len(data["errors"]) == 1


def test_issue_32_text_given_as_a_number_is_named_so(client: httpx.Client) -> None:
    answer = client.post("/articles", json={"text": 12345}, headers=AUTH)
    assert answer.json()["errors"] == [
        {"loc": ["body", "text"], "msg": "Input should be a valid string", "type": "string_type"}
    ]


@pytest.mark.parametrize(
    "path", ["/stories/99999999999999999999999999", "/stories/-1", "/story/99999999999999999999999999"]
)
def test_issue_32_ids_past_sqlite_are_no_story(client: httpx.Client, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404


def test_issue_32_docs_pages_are_off_and_the_schema_is_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    schema = client.get("/openapi.json").json()
    assert "cdn" not in json.dumps(schema).lower()
    listing = schema["paths"]["/stories"]["get"]
    assert {parameter["name"] for parameter in listing["parameters"]} == {"limit", "cursor"}
    assert {"401", "413", "422", "503"} <= set(schema["paths"]["/articles"]["post"]["responses"])


def test_issue_32_writes_need_the_token_reads_do_not(client: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        answer = client.post("/articles", json={"text": "x"}, headers=headers)
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert client.post("/summarize", json={"articles": [{"text": "x"}]}, headers=headers).status_code == 401
    assert client.get("/stories").status_code == 200


def test_issue_32_stories_are_paginated(client: httpx.Client) -> None:
    first = client.get("/stories", params={"limit": 1}).json()
    assert len(first["stories"]) == 1 and first["next_cursor"] is None  # the example is one story
    assert client.get("/stories", params={"limit": 0}).status_code == 422
    bad = client.get("/stories", params={"cursor": "not a cursor"})
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]
    past = client.get("/stories", params={"cursor": "9999_9999999999999999999"}).json()  # an id past SQLite
    assert len(past["stories"]) == 1  # every story was seen before year 9999


def test_issue_32_summarize_has_a_documented_cap_on_words(client: httpx.Client) -> None:
    text = "Ferries ran every twenty minutes while the bridge stayed shut. " * (MAX_SUMMARIZE_WORDS // 10 + 1)
    answer = client.post("/summarize", json={"articles": [{"text": text}]}, headers=AUTH)
    assert answer.status_code == 413 and f"{MAX_SUMMARIZE_WORDS:,}" in answer.json()["detail"]
    assert text[:40] not in answer.text


def test_issue_32_a_stale_story_is_served_marked_updating_while_it_is_remade(
    client: httpx.Client, store: Store
) -> None:
    (story,) = client.get("/stories").json()["stories"]
    made = summarized(client, story["id"])
    # As if made before the latest articles joined: cached under another key (articles, settings).
    old = {**{key: made[key] for key in ("summary", "articles", "notes")}, "sentences": made["sentences"][:1]}
    store.save_summary(story["id"], "made-before-the-latest-articles", json.dumps(old))
    stale = client.get(f"/stories/{story['id']}").json()
    assert len(made["sentences"]) > 1
    assert stale["updating"] is True and stale["sentences"] == made["sentences"][:1]
    assert "Being updated" in client.get(f"/story/{story['id']}").text  # the page says so too
    assert summarized(client, story["id"])["sentences"] == made["sentences"]


def _summary_running(
    http: httpx.Client, records: list[dict[str, Any]]
) -> tuple[threading.Thread, dict[str, httpx.Response]]:
    """POST /summarize in a thread of its own, returned once the server's model thread is on it; its
    answer is put in the dict under "first" when it comes."""
    outcome: dict[str, httpx.Response] = {}
    thread = threading.Thread(
        target=lambda: outcome.setdefault("first", http.post("/summarize", json={"articles": records}))
    )
    thread.start()
    deadline = time.monotonic() + 60
    while http.get("/health").json()["model_work"] == 0:
        assert time.monotonic() < deadline, "the summary never started"
        time.sleep(0.01)
    return thread, outcome


def test_issue_32_a_story_never_summarized_is_answered_at_once_even_with_the_model_queue_full(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    records = _records()
    with Store(tmp_path / "new.db") as fresh:
        ingest(fresh, pipeline, read(EXAMPLE))  # a story, and no summary of it stored yet
        (story_id,) = (row.id for row in fresh.stories())
        with (
            serving(create_app(fresh, pipeline=pipeline, queue=0)) as url,
            httpx.Client(base_url=url, timeout=300) as http,
        ):
            thread, outcome = _summary_running(http, records)
            # The model thread is busy and its queue full (queue=0): the story is answered now, from
            # what is stored, and its summary is left for a later read (no 503, no wait).
            first = http.get(f"/stories/{story_id}")
            page = http.get(f"/story/{story_id}")
            live = http.get(f"/live/{story_id}")
            assert "first" not in outcome and http.get("/health").json()["model_work"] == 1
            assert first.status_code == 200 and page.status_code == 200 and live.status_code == 200
            data = first.json()
            assert data["updating"] is True and data["summary"] is None and data["sentences"] == []
            assert {article["id"] for article in data["articles"]} == {record["id"] for record in records}
            assert {source["source"] for source in data["sources"]} == {record["source"] for record in records}
            assert "The summary is being prepared" in page.text and 'data-summary="preparing"' in page.text
            assert live.json()["summary_ready"] is False
            thread.join()
            assert outcome["first"].status_code == 200
            # The queue has room again: a later read asks for the summary, and it appears.
            made = summarized(http, story_id)
            assert made["summary"] and made["sentences"][0]["citations"]
            assert http.get(f"/live/{story_id}").json()["summary_ready"] is True
            assert "being prepared" not in http.get(f"/story/{story_id}").text


def test_issue_32_reads_go_on_during_model_work_and_a_full_queue_is_a_503(store: Store, pipeline: Pipeline) -> None:
    records = _records()
    with serving(create_app(store, pipeline=pipeline, queue=0)) as url, httpx.Client(base_url=url, timeout=300) as http:
        thread, outcome = _summary_running(http, records)
        # The model thread is busy: reads are answered now, and more model work is refused at once.
        assert http.get("/health").json()["model_work"] == 1
        assert http.get("/stories").status_code == 200
        busy = http.post("/summarize", json={"articles": records})
        assert http.get("/health").json()["model_work"] == 1  # all of that while the summary ran
        assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
        assert "busy" in busy.json()["detail"]
        thread.join()
        assert outcome["first"].status_code == 200


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["serve", "--port", "99999"], "a port is a number from 1 to 65535"),
        (["serve", "--host", "0.0.0.0"], "give --token"),
        (["story", "99999999999999999999999999"], "no story 99999999999999999999999999"),
    ],
)
def test_issue_32_cli_usage_errors_are_one_line_exit_2(
    entry_point: str, tmp_path: Path, store: Store, argv: list[str], words: str
) -> None:
    run = subprocess.run(
        [entry_point, *argv, "--db", str(store.path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == EXIT_USAGE
    errors = [line for line in run.stderr.splitlines() if line.startswith("storyline: error")]
    assert len(errors) == 1 and words in errors[0] and "Traceback" not in run.stderr
