"""The other direction of docs/openapi.json: every answer the unit scenarios got from a
handler is documented for its operation (status, and the error code in that status's list).

`make unit` records the answers while it runs the unit tests (tests/unit/api_answers.py)
and then runs this file with API_ANSWERS_RECORDED naming the record; run alone, this file
runs the API's scenarios itself.
"""

import json

import pytest

from infra.openapi import DOCUMENT
from infra.template import DEFAULT_ROUTE_KEY, Template
from tests.unit.recording import record_of_the_scenarios

# Run by make unit after the record is complete (as test_table_access.py).
NOT_SCENARIOS = ["test_openapi_answers.py", "test_table_access.py"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, int, str | None]]:
    log = record_of_the_scenarios(
        "tests.unit.api_answers",
        "API_ANSWERS_LOG",
        "API_ANSWERS_RECORDED",
        NOT_SCENARIOS,
        tmp_path_factory.mktemp("api-answers"),
    )
    lines = log.read_text().splitlines()
    return {(route, status, code) for route, status, code in map(json.loads, lines)}


def test_every_answer_of_the_unit_scenarios_is_documented(
    recorded: set[tuple[str, int, str | None]],
) -> None:
    paths = json.loads(DOCUMENT.read_text())["paths"]
    undocumented = []
    for route_key, status, code in sorted(recorded, key=str):
        if route_key == DEFAULT_ROUTE_KEY:
            continue  # no route: the API's not_found, which no operation of the document has
        method, path = route_key.split(" ", 1)
        response = paths[path][method.lower()]["responses"].get(str(status))
        if response is None:
            undocumented.append(f"{route_key}: status {status} ({code})")
        elif code is not None:
            schema = response["content"]["application/json"]["schema"]
            if code not in schema["properties"]["error"]["properties"]["code"]["enum"]:
                undocumented.append(f"{route_key}: {status} {code}")
    assert undocumented == []


def test_the_scenarios_reach_every_route(recorded: set[tuple[str, int, str | None]]) -> None:
    reached = {route_key for route_key, _, _ in recorded}
    assert {route.route_key for route in Template().routes()} - reached == set()
