"""Issue 32: schemathesis, a client that knows only the OpenAPI schema, against the live server.

It generates requests from /openapi.json (a fixed seed, a bounded number per operation, so the run
is the same every time and short) and checks every answer: no 5xx, every status code documented,
every body and header valid against the schema, schema-valid requests accepted and invalid ones
refused. The server is real (uvicorn, the real models) over a store holding the example story.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from storyline.api import create_app
from storyline.pipeline import Pipeline
from storyline.sources.read import read
from storyline.stories import ingest
from storyline.stories.db import Store
from tests.conftest import EXAMPLE
from tests.e2e.conftest import serving

pytestmark = pytest.mark.model

#: Requests generated per operation: enough to reach every documented answer of these small schemas
#: (each POST of a usable article runs the models, so more would make the suite slow).
EXAMPLES = 25


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pipeline = Pipeline()
    with Store(tmp_path_factory.mktemp("schema") / "stories.db") as store:
        ingest(store, pipeline, read(EXAMPLE))
        with serving(create_app(store, pipeline=pipeline)) as url:
            yield schemathesis.openapi.from_url(f"{url}/openapi.json")


#: Checks left out, by operation: whether a text is an English news article is more than a schema can
#: say, so a schema-valid article such as {"text": "0"} is refused (422, documented) by the article checks.
EXCLUDED = {
    "POST /articles": [positive_data_acceptance],
    "POST /summarize": [positive_data_acceptance],
    # A schema-valid feed address may not resolve (no DNS here) or be private: refused (422, documented).
    "POST /feeds": [positive_data_acceptance],
}

#: Every operation of the schema (a test below checks that this is all of them).
OPERATIONS = [
    "POST /articles",
    "GET /stories",
    "GET /stories/{story_id}",
    "POST /summarize",
    "GET /feeds",
    "POST /feeds",
    "DELETE /feeds/{feed_id}",
    "GET /live",
    "GET /live/{story_id}",
]


def test_every_operation_is_checked(api_schema: Any) -> None:
    assert sorted(result.ok().label for result in api_schema.get_all_operations()) == sorted(OPERATIONS)


#: Operations that take no input at all: no request to them can be invalid, so they are sent valid ones only.
NO_INPUT = {"GET /feeds", "GET /live"}


@pytest.mark.parametrize(
    ("label", "mode"),
    [
        pytest.param(label, mode, id=f"{label}-{name}")
        for label in OPERATIONS
        for mode, name in [(GenerationMode.POSITIVE, "valid"), (GenerationMode.NEGATIVE, "invalid")]
        if not (label in NO_INPUT and mode is GenerationMode.NEGATIVE)
    ],
)
def test_issue_32_the_api_keeps_its_schema(api_schema: Any, label: str, mode: GenerationMode) -> None:
    operation = api_schema.find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests every run
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        case.call_and_validate(timeout=120, excluded_checks=EXCLUDED.get(label, []))

    check()
