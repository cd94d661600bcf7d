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
from hypothesis import HealthCheck, settings

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


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same requests every run
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_issue_32_the_api_keeps_its_schema(case: Any) -> None:
    case.call_and_validate(timeout=120)
