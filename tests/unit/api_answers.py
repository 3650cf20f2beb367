"""Every answer the unit scenarios get from the API: a pytest plugin that records them.

Loaded with `-p tests.unit.api_answers` (make unit; tests/unit/test_openapi_answers.py runs
the scenarios so when run alone), it wraps every Lambda invocation of
infra.local.lambda_runtime and writes (route key, status, error code) of each HTTP answer,
one JSON array a line, to the file named by API_ANSWERS_LOG. test_openapi_answers.py then
holds the record against docs/openapi.json: every status an operation answered is
documented for it, every error code in that status's list.
"""

import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.lambda_runtime import LocalFunction

Seen = tuple[str, int, str | None]  # route key, status, error code

_lock = threading.Lock()


def answer_of(event: dict[str, Any], result: Any) -> Seen | None:
    """What an HTTP API invocation answered; None for other events (streams, schedules)."""
    route_key = event.get("routeKey") if isinstance(event, dict) else None
    if not isinstance(route_key, str) or not isinstance(result, dict):
        return None
    status = int(result.get("statusCode", 200))
    code = None
    if status >= 400:
        try:
            code = json.loads(result.get("body") or "{}")["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
    return route_key, status, code


@pytest.fixture(autouse=True, scope="session")
def _record_api_answers() -> Iterator[None]:
    path = os.environ["API_ANSWERS_LOG"]
    seen: set[Seen] = set()
    original_invoke = LocalFunction.invoke

    def invoke(self: LocalFunction, event: dict[str, Any]) -> Any:
        result = original_invoke(self, event)
        answer = answer_of(event, result)
        if answer is not None:
            with _lock:
                if answer not in seen:
                    seen.add(answer)
                    with open(path, "a") as log:
                        log.write(json.dumps(answer) + "\n")
        return result

    LocalFunction.invoke = invoke  # type: ignore[method-assign]
    try:
        yield
    finally:
        LocalFunction.invoke = original_invoke  # type: ignore[method-assign]
