"""Over HTTP, through the local stack, against DynamoDB Local: the flow, races and logs."""

import json
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from terminbuchung.clock import BERLIN
from tests.proof_of_work import solved

_handed_out: set[str] = set()
_lock = threading.Lock()


@pytest.fixture
def fresh_slot(base_url: str) -> str:
    """A slot start no other test has used: every test starts from an empty slot."""
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    with _lock:
        for slot in reversed(slots):  # late slots: far from the minimum notice
            if slot["start"] not in _handed_out and slot["available"] == 3:
                _handed_out.add(slot["start"])
                return str(slot["start"])
    raise AssertionError("the test site has run out of free slots")


def new_email() -> str:
    return f"test-{uuid.uuid4().hex[:12]}@example.de"


def book(base_url: str, start: str, email: str | None = None, **extra: str) -> requests.Response:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": email or new_email(),
        "altcha": solved(base_url),
        **extra,
    }
    return requests.post(f"{base_url}/bookings", json=body, timeout=30)


def seats_booked(table: Any, start: str) -> int:
    local = datetime.fromisoformat(start).astimezone(BERLIN)
    item = table.get_item(
        Key={"pk": "LOC#oranienburg", "sk": f"SLOT#{local:%Y-%m-%dT%H:%M}"}, ConsistentRead=True
    )["Item"]
    return int(item["booked"])


def available(base_url: str, start: str) -> int:
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    return next((s["available"] for s in slots if s["start"] == start), 0)


def test_book_read_cancel_as_a_citizen_would(base_url: str, fresh_slot: str, table: Any) -> None:
    email = new_email()
    made = book(base_url, fresh_slot, email)
    assert made.status_code == 201, made.text
    booking = made.json()
    assert available(base_url, fresh_slot) == 2

    again = book(base_url, fresh_slot, email.upper())
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_booked"

    shown = requests.get(
        f"{base_url}/bookings/{booking['reference']}",
        headers={"X-Booking-Token": booking["cancel_token"]},
        timeout=10,
    )
    assert shown.status_code == 200
    assert shown.json()["status"] == "confirmed"
    assert shown.json()["start"] == fresh_slot

    cancelled = requests.post(
        f"{base_url}/bookings/{booking['reference']}/cancel",
        json={"token": booking["cancel_token"]},
        timeout=10,
    )
    assert cancelled.status_code == 200
    assert cancelled.json() == {"reference": booking["reference"], "status": "cancelled"}
    assert available(base_url, fresh_slot) == 3
    assert seats_booked(table, fresh_slot) == 0


def test_fifty_citizens_race_for_three_seats(base_url: str, fresh_slot: str, table: Any) -> None:
    barrier = threading.Barrier(50)

    def attempt(_: int) -> tuple[int, str]:
        email = new_email()
        barrier.wait()
        answer = book(base_url, fresh_slot, email)
        code = answer.json().get("error", {}).get("code", "") if answer.status_code != 201 else ""
        return answer.status_code, code

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(attempt, range(50)))

    assert Counter(results) == {(201, ""): 3, (409, "slot_full"): 47}
    assert seats_booked(table, fresh_slot) == 3
    assert available(base_url, fresh_slot) == 0


def test_same_email_booking_two_slots_at_once_wins_once(base_url: str, table: Any) -> None:
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    with _lock:
        first, second = [s["start"] for s in slots if s["start"] not in _handed_out][:2]
        _handed_out.update({first, second})
    email = new_email()
    barrier = threading.Barrier(2)

    def attempt(start: str) -> int:
        barrier.wait()
        return book(base_url, start, email).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(attempt, [first, second]))

    assert statuses == [201, 409]
    assert seats_booked(table, first) + seats_booked(table, second) == 1


def test_cors_allows_configured_origins_only(base_url: str) -> None:
    preflight = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = requests.options(f"{base_url}/bookings", headers=preflight, timeout=10)
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]

    foreign = requests.options(
        f"{base_url}/bookings", headers={**preflight, "Origin": "https://evil.example"}, timeout=10
    )
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_logs_of_a_booking_and_cancellation_hold_no_personal_data(
    base_url: str, fresh_slot: str, stack_log: Path
) -> None:
    name, email, phone = "Zacharias Quellenberg", new_email(), "03301 987654"
    made = book(base_url, fresh_slot, email, phone=phone, household_number="12345BG0099999")
    assert made.status_code == 201
    booking = made.json()
    reference, token = booking["reference"], booking["cancel_token"]
    requests.get(f"{base_url}/bookings/{reference}", headers={"X-Booking-Token": token}, timeout=10)
    requests.post(f"{base_url}/bookings/{reference}/cancel", json={"token": token}, timeout=10)

    log = stack_log.read_text()
    assert reference in log  # the log is captured, and names bookings by reference
    for secret in (name, "Quellenberg", email, phone, "987654", "12345BG0099999", token):
        assert secret not in log
    # Every line the handlers log is structured JSON.
    handler_lines = [line for line in log.splitlines() if line.startswith("{")]
    assert handler_lines
    assert all(json.loads(line)["service"] == "terminbuchung" for line in handler_lines)
