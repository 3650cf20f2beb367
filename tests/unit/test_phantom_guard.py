"""Issue 14, item 6: a guard's put refused as "condition failed" while no guard is there
(DynamoDB Local under overload, about once in 1,000 bookings) must never answer
`already_booked`: the booking is tried again and goes through. A guard that is there still
refuses the second booking of a person."""

from typing import Any

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


def test_a_guard_that_is_there_still_refuses_the_second_booking(api: ApiClient) -> None:
    assert api.post("/bookings", json_body=form(api)).status == 201
    second = api.post("/bookings", json_body=form(api))
    assert second.status == 409
    assert second.body["error"]["code"] == "already_booked"
