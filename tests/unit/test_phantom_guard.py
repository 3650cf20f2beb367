"""Issue 14, item 6: DynamoDB Local under load answers "timed out waiting for a lock" for
a transaction it then commits; the SDK sends it again (same items, same reference) and the
second try is refused on the guard the first one wrote. That must never answer
`already_booked`: a guard holding this very booking means the booking is made. A guard's
put refused while no guard is there is tried again. A guard that is there for another
booking still refuses the second booking of a person."""

from typing import Any

import boto3
import pytest
from pynamodb.exceptions import CancellationReason

from terminbuchung.table.transaction import Transaction, TransactionFailed
from tests.api_client import ApiClient

TUESDAY_10 = "2026-12-01T10:00:00+01:00"


def form(api: ApiClient, email: str = "erika@example.de") -> dict[str, Any]:
    return {
        "location": "oranienburg",
        "service": "beratung",
        "start": TUESDAY_10,
        "name": "Erika Mustermann",
        "email": email,
        "altcha": api.solved_challenge(),
    }


def test_a_guard_refused_with_no_guard_there_is_tried_again(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = Transaction.commit
    refused: list[int] = []

    def once_refused_without_a_guard(transaction: Transaction) -> None:
        if not refused:
            refused.append(1)
            phantom = CancellationReason(code="ConditionalCheckFailed", message="refused")
            raise TransactionFailed({"email": phantom})
        commit(transaction)

    monkeypatch.setattr(Transaction, "commit", once_refused_without_a_guard)
    answer = api.post("/bookings", json_body=form(api))
    assert refused == [1]
    assert answer.status == 201, answer.body


def test_a_retried_booking_refused_on_its_own_guard_is_made_once(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = Transaction.commit

    def went_through_but_answered_as_refused(transaction: Transaction) -> None:
        commit(transaction)  # written: then the SDK's retry is refused on the guard
        monkeypatch.setattr(Transaction, "commit", commit)
        guard = _items("GUARD#")[0]
        own = CancellationReason(code="ConditionalCheckFailed", message="held", raw_item=guard)
        raise TransactionFailed({"email": own})

    monkeypatch.setattr(Transaction, "commit", went_through_but_answered_as_refused)
    answer = api.post("/bookings", json_body=form(api))
    assert answer.status == 201, answer.body
    bookings = _items("BOOKING#")
    assert [b["reference"]["S"] for b in bookings] == [answer.body["reference"]]
    assert [g["reference"]["S"] for g in _items("GUARD#")] == [answer.body["reference"]]


def _items(prefix: str) -> list[dict[str, Any]]:
    table = boto3.client("dynamodb")
    name = table.list_tables()["TableNames"][0]
    items: list[dict[str, Any]] = table.scan(TableName=name)["Items"]
    return [item for item in items if item["pk"]["S"].startswith(prefix)]


def test_a_guard_that_is_there_still_refuses_the_second_booking(api: ApiClient) -> None:
    assert api.post("/bookings", json_body=form(api)).status == 201
    second = api.post("/bookings", json_body=form(api))
    assert second.status == 409
    assert second.body["error"]["code"] == "already_booked"
