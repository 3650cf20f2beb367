"""Idempotency-Key on POST /bookings and on reschedule (moto): a retry after a lost answer
gets the first answer, never a second booking or an "already booked"."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from terminbuchung import clock
from terminbuchung.table import requests as request_records
from terminbuchung.table.items import BookingItem
from tests.api_client import Answer, ApiClient
from tests.unit.test_api import table_items
from tests.unit.test_reschedule import free_starts, reschedule, site  # noqa: F401

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
KEY = "3f0c2a4e-6b1d-4c8e-9a7f-2d5b8e1c0a93"  # what crypto.randomUUID() gives the page


def booking(**changes: str) -> dict[str, str]:
    return {
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_10,
        "name": "Erika Mustermann",
        "email": "erika@example.de",
        **changes,
    }


def book(api: ApiClient, body: dict[str, Any], key: str | None = KEY) -> Answer:
    return api.post("/bookings", json_body=body, headers={"Idempotency-Key": key} if key else None)


def bookings_in_table() -> list[dict[str, Any]]:
    return [i for i in table_items() if i["pk"]["S"].startswith("BOOKING#")]


def test_a_retry_with_the_same_key_gets_the_first_answer_and_books_nothing(
    api: ApiClient,
) -> None:
    first = book(api, booking())

    retries = [book(api, booking()) for _ in range(3)]

    assert first.status == 201
    assert all((r.status, r.body) == (first.status, first.body) for r in retries)
    assert len(bookings_in_table()) == 1


def test_without_a_key_the_retry_is_refused_as_already_booked(api: ApiClient) -> None:
    assert book(api, booking(), key=None).status == 201

    again = book(api, booking(), key=None)

    assert (again.status, again.error["code"]) == (409, "already_booked")


def test_the_same_key_with_another_request_is_refused(api: ApiClient) -> None:
    assert book(api, booking()).status == 201

    other = book(api, booking(start=free_starts(api, "2026-12-02")[0]))

    assert other.status == 422
    assert (other.error["code"], other.error["field"]) == (
        "idempotency_key_reused",
        "Idempotency-Key",
    )
    assert len(bookings_in_table()) == 1


def test_a_copy_that_commits_between_the_check_and_the_transaction_is_answered_from_it(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race of two copies, staged: the second looked for the record before the first
    committed (so it found none), then the first committed; the second's transaction fails
    on the record and answers with the first one's booking."""
    first = book(api, booking())
    read = request_records.earlier
    looked: list[str] = []

    def earlier(key_hash: str, now: datetime) -> Any:
        if not looked:
            looked.append(key_hash)
            return None  # read before the first copy committed
        return read(key_hash, now)

    monkeypatch.setattr(request_records, "earlier", earlier)

    second = book(api, booking())

    assert looked  # the check did run, and found nothing
    assert first.status == 201
    assert (second.status, second.body) == (201, first.body)
    assert len(bookings_in_table()) == 1


def test_the_record_holds_no_token_and_nothing_personal(api: ApiClient) -> None:
    made = book(api, booking(phone="03301 12345")).body

    (record,) = [i for i in table_items() if i["pk"]["S"].startswith("REQUEST#")]

    text = json.dumps(record)
    for secret in (made["cancel_token"], KEY, "Erika", "erika@example.de", "12345"):
        assert secret not in text
    assert record["reference"]["S"] == made["reference"]
    ttl = datetime.fromtimestamp(int(record["expires_at"]["N"]), clock.now().tzinfo)
    assert ttl == clock.now() + timedelta(hours=24)


def test_after_24_hours_the_key_answers_no_more(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert book(api, booking()).status == 201
    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)

    again = book(api, booking(start=free_starts(api, "2026-12-03")[0]))

    # A new request under an old key: judged as any booking (the person holds one).
    assert (again.status, again.error["code"]) == (409, "already_booked")


@pytest.mark.parametrize("key", ["short", "x" * 129, "mit leerzeichen drin 12345", "ä" * 20])
def test_a_malformed_key_names_the_header(api: ApiClient, key: str) -> None:
    answer = book(api, booking(), key=key)

    assert (answer.status, answer.error["field"]) == (422, "Idempotency-Key")
    assert bookings_in_table() == []


def test_a_retried_move_with_its_key_moves_once_and_answers_alike(api: ApiClient) -> None:
    made = book(api, booking()).body
    thursday = free_starts(api, "2026-12-03")[:2]
    move_key = "7d1e9a40-0b7c-4f5e-8c3a-61f2a9d4e0b5"

    first = reschedule(api, made, thursday[0], key=move_key)
    retry = reschedule(api, made, thursday[0], key=move_key)
    other = reschedule(api, made, thursday[1], key=move_key)

    assert (first.status, retry.status) == (200, 200)
    assert retry.body == first.body
    assert first.body["reschedules_left"] == 2
    assert (other.status, other.error["code"]) == (422, "idempotency_key_reused")


def test_a_retry_of_a_booking_waiting_for_confirmation_gets_the_same_202(
    api: ApiClient, confirming_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = book(api, booking())
    later = clock.now() + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)

    retry = book(api, booking())

    assert first.status == 202, first.body
    # The same answer: the masked address and the hold's own confirm_by, not the retry's.
    assert (retry.status, retry.body) == (202, first.body)
    assert len(bookings_in_table()) == 1


@pytest.mark.parametrize("then", ["confirmed", "expired"])
def test_a_retry_after_the_confirmation_or_expiry_still_gets_the_202_and_never_the_token(
    api: ApiClient, confirming_site: Any, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    first = book(api, booking())
    assert first.status == 202, first.body
    [item] = [BookingItem.get(i["pk"]["S"], "BOOKING") for i in bookings_in_table()]
    item.update(actions=[BookingItem.status.set(then)])
    later = clock.now() + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)

    retry = book(api, booking())

    # In this mode the token is sent to the e-mail address only: a repeated request (its
    # Idempotency-Key is all it needs) learns nothing more than the first answer said.
    assert (retry.status, retry.body["email"], retry.body["confirm_by"]) == (
        202,
        first.body["email"],
        first.body["confirm_by"],
    )
    assert "cancel_token" not in retry.body
    assert "reference" not in retry.body
    assert len(bookings_in_table()) == 1
