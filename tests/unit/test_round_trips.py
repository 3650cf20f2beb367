"""Round trips to DynamoDB per request, counted where the SDK sends them (every call a
botocore client makes), not timed: list 1, book 1 (both modes), show 1 (0 with a wrong
token), cancel at most 2, the staff's day at most 2, a release re-run 1 per location."""

from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from terminbuchung.config import SiteConfig
from terminbuchung.release import release_slots
from tests.api_client import ApiClient, staff_claims

TUESDAY_10 = "2026-12-01T10:00:00+01:00"


class DynamoDBCalls:
    """The DynamoDB operations sent since the last `reset()`, by name."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def reset(self) -> None:
        self.sent.clear()

    @property
    def total(self) -> int:
        return self.sent.total()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> DynamoDBCalls:
    import botocore.client

    counted = DynamoDBCalls()
    original = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            counted.sent[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    return counted


def booking_form(api: ApiClient, start: str = TUESDAY_10, email: str = "erika@example.de") -> Any:
    return {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": email,
        # Solved before counting: the puzzle is the page's business, not the booking's.
        "altcha": api.solved_challenge(),
    }


def test_listing_slots_is_one_query(api: ApiClient, calls: DynamoDBCalls) -> None:
    calls.reset()
    answer = api.get("/locations/oranienburg/slots")
    assert answer.status == 200
    assert answer.body["slots"]
    assert calls.sent == {"Query": 1}


def test_booking_is_one_transaction(api: ApiClient, calls: DynamoDBCalls) -> None:
    form = booking_form(api)
    calls.reset()
    answer = api.post("/bookings", json_body=form)
    assert answer.status == 201, answer.body
    assert calls.sent == {"TransactWriteItems": 1}


def test_booking_that_waits_for_confirmation_is_one_transaction(
    api: ApiClient, calls: DynamoDBCalls, confirming_site: SiteConfig, now: datetime
) -> None:
    form = booking_form(api)
    calls.reset()
    answer = api.post("/bookings", json_body=form)
    assert answer.status == 202, answer.body
    assert calls.sent == {"TransactWriteItems": 1}


def test_showing_a_booking_is_one_read_and_none_with_a_wrong_token(
    api: ApiClient, calls: DynamoDBCalls
) -> None:
    made = api.post("/bookings", json_body=booking_form(api)).body
    calls.reset()
    shown = api.get(
        f"/bookings/{made['reference']}", headers={"x-booking-token": made["cancel_token"]}
    )
    assert shown.status == 200
    assert calls.sent == {"GetItem": 1}

    calls.reset()
    wrong = api.get(f"/bookings/{made['reference']}", headers={"x-booking-token": "A" * 43})
    assert wrong.status == 404
    assert calls.total == 0


def test_cancelling_is_at_most_two(api: ApiClient, calls: DynamoDBCalls) -> None:
    made = api.post("/bookings", json_body=booking_form(api)).body
    calls.reset()
    answer = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )
    assert answer.status == 200
    assert calls.total <= 2, calls.sent
    assert calls.sent["TransactWriteItems"] == 1


def test_the_staff_s_day_is_at_most_two(api: ApiClient, calls: DynamoDBCalls) -> None:
    api.post("/bookings", json_body=booking_form(api))
    calls.reset()
    answer = api.get(
        "/staff/locations/oranienburg/days/2026-12-01",
        claims=staff_claims("anna", "oranienburg"),
    )
    assert answer.status == 200, answer.body
    assert answer.body["appointments"]
    assert calls.total <= 2, calls.sent


def test_a_release_run_again_is_one_query_per_location(
    api: ApiClient, calls: DynamoDBCalls, site: SiteConfig, now: datetime
) -> None:
    calls.reset()  # the fixture released the week already
    report = release_slots(site, now)
    assert report.created.total() == 0
    assert calls.sent == {"Query": len(site.open_locations)}
