"""POST /bookings carries a solved puzzle (form field `altcha`): without one, with a wrong,
an expired or a used one it is refused with challenge_failed and takes no seat."""

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from terminbuchung.table import BookingItem, SlotItem
from tests.api_client import Answer, ApiClient
from tests.proof_of_work import payload, solve

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
TUESDAY_11 = "2026-12-01T11:00:00+01:00"


def booking(start: str = TUESDAY_10, email: str = "erika@example.de", **extra: Any) -> Any:
    return {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": email,
        **extra,
    }


def book(api: ApiClient, body: dict[str, Any]) -> Answer:
    return api.post("/bookings", json_body=body, proof_of_work=False)


def seats_booked(start: str) -> int:
    when = datetime.fromisoformat(start).astimezone(BERLIN)
    return int(SlotItem.get("LOC#oranienburg", f"SLOT#{when:%Y-%m-%dT%H:%M}").booked)


def bookings_in_the_table() -> int:
    items = boto3.client("dynamodb").scan(TableName=BookingItem.Meta.table_name)["Items"]
    return len([i for i in items if i["pk"]["S"].startswith("BOOKING#")])


def assert_refused(answer: Answer) -> None:
    assert answer.status == 403, answer.body
    assert answer.error["code"] == "challenge_failed"
    assert answer.error["field"] == "altcha"
    assert "Sicherheitsprüfung" in answer.error["message"]
    assert seats_booked(TUESDAY_10) == 0
    assert bookings_in_the_table() == 0


def puzzle(api: ApiClient) -> dict[str, Any]:
    answer = api.get("/challenge")
    assert answer.status == 200
    result: dict[str, Any] = answer.body
    return result


def test_a_booking_without_a_solution_is_refused(api: ApiClient) -> None:
    assert_refused(book(api, booking()))


@pytest.mark.parametrize("sent", [None, "", 17, {"number": 1}, "bm90IGpzb24="])
def test_a_booking_with_anything_but_a_solution_is_refused(api: ApiClient, sent: object) -> None:
    assert_refused(book(api, booking(altcha=sent)))


def test_a_booking_with_a_wrong_solution_is_refused(api: ApiClient) -> None:
    riddle = puzzle(api)
    right = json.loads(base64.b64decode(solve(riddle)))["number"]
    assert_refused(book(api, booking(altcha=payload(riddle, right + 1))))


def test_a_booking_with_an_expired_solution_is_refused(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, now: datetime
) -> None:
    solution = solve(puzzle(api))
    # Six minutes later (the shipped puzzles are good for five).
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(minutes=6))
    assert_refused(book(api, booking(altcha=solution)))


def test_a_solution_books_once(api: ApiClient) -> None:
    solution = solve(puzzle(api))

    first = book(api, booking(altcha=solution))
    again = book(api, booking(TUESDAY_11, "max@example.de", altcha=solution))

    assert first.status in (201, 202), first.body
    assert (again.status, again.error["code"], again.error["field"]) == (
        403,
        "challenge_failed",
        "altcha",
    )
    assert seats_booked(TUESDAY_10) == 1
    assert seats_booked(TUESDAY_11) == 0
    assert bookings_in_the_table() == 1


def test_a_refused_booking_leaves_its_solution_unspent(api: ApiClient) -> None:
    """A booking that fails for another reason (the slot, say) keeps the puzzle usable:
    its put was part of the transaction that did not happen."""
    solution = solve(puzzle(api))
    unreleased = booking("2026-12-01T10:15:00+01:00", altcha=solution)
    assert book(api, unreleased).error["code"] == "slot_unavailable"

    assert book(api, booking(altcha=solution)).status in (201, 202)


def test_the_used_solution_is_kept_only_until_the_puzzle_expires(api: ApiClient) -> None:
    riddle = puzzle(api)
    assert book(api, booking(altcha=solve(riddle))).status in (201, 202)

    items = boto3.client("dynamodb").scan(TableName=BookingItem.Meta.table_name)["Items"]
    (used,) = [i for i in items if i["pk"]["S"].startswith("CHALLENGE#")]
    assert used["pk"]["S"] == f"CHALLENGE#{riddle['challenge']}"
    assert int(used["expires_at"]["N"]) == riddle["expires"]


# --- the other requests that send e-mails or take a seat: moving and looking up -----------


def booked_for_caller(api: ApiClient) -> dict[str, Any]:
    """A confirmed booking (the office's need no confirmation) with its token."""
    from tests.api_client import staff_claims

    answer = api.post(
        "/staff/bookings",
        json_body=booking(),
        claims=staff_claims("staff-oranienburg", "oranienburg"),
    )
    assert answer.status == 201, answer.body
    made: dict[str, Any] = answer.body
    return made


def test_a_move_pays_with_its_own_solution_once(api: ApiClient) -> None:
    made = booked_for_caller(api)
    path = f"/bookings/{made['reference']}/reschedule"
    solution = solve(puzzle(api))

    def move(start: str, altcha: str | None) -> Answer:
        body = {"token": made["cancel_token"], "start": start}
        if altcha is not None:
            body["altcha"] = altcha
        return api.post(path, json_body=body, proof_of_work=False)

    without = move(TUESDAY_11, None)
    assert (without.status, without.error["code"]) == (403, "challenge_failed")
    assert move(TUESDAY_11, solution).status == 200
    again = move(TUESDAY_10, solution)
    assert (again.status, again.error["code"], again.error["field"]) == (
        403,
        "challenge_failed",
        "altcha",
    )
    assert (seats_booked(TUESDAY_10), seats_booked(TUESDAY_11)) == (0, 1)


def test_a_lookup_pays_with_its_own_solution_once(api: ApiClient) -> None:
    solution = solve(puzzle(api))

    def look_up(email: str, altcha: str | None) -> Answer:
        body = {"email": email} | ({"altcha": altcha} if altcha is not None else {})
        return api.post("/bookings/lookup", json_body=body, proof_of_work=False)

    without = look_up("erika@example.de", None)
    assert (without.status, without.error["code"]) == (403, "challenge_failed")
    assert look_up("erika@example.de", solution).status == 202
    # One solution, one e-mail: not a second address with the same work.
    again = look_up("max@example.de", solution)
    assert (again.status, again.error["code"]) == (403, "challenge_failed")
