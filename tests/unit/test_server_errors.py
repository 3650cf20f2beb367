"""A failure of ours says so, with an error number a citizen can read out on the phone and
support finds in the log."""

import re
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import JsonLogs

READABLE = re.compile(r"^[2-9A-HJKMNP-Z]{8}$")  # no 0/O, 1/I/L: safe to read aloud


def test_a_server_failure_has_a_short_error_number_that_is_also_in_the_log(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, json_logs: JsonLogs
) -> None:
    from terminbuchung import offers

    def broken(*_: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(offers, "free_slots", broken)

    answer = api.get("/locations/oranienburg/slots")

    assert answer.status == 500
    number = answer.error["error_number"]
    assert READABLE.match(number), number
    assert number in answer.error["message"]
    assert "unser Fehler" in answer.error["message"]
    assert answer.error["field"] is None
    (logged,) = [r for r in json_logs.records() if r["message"] == "unexpected error"]
    assert logged["error_number"] == number
    assert "database on fire" in logged["exception"]


def test_each_failure_gets_its_own_number(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from terminbuchung import offers

    def broken(*_: Any) -> None:
        raise RuntimeError("again")

    monkeypatch.setattr(offers, "free_slots", broken)

    numbers = {api.get("/locations/oranienburg/slots").error["error_number"] for _ in range(5)}

    assert len(numbers) == 5
