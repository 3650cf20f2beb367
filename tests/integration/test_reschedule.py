"""Moving appointments and retrying bookings over HTTP, on DynamoDB Local, with real races:
exactly one seat moves per move, a lost race leaves the booking as it was, and twenty copies
of one request (one Idempotency-Key) make one booking and twenty identical answers."""

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.integration.test_http import _handed_out, _lock, available, book, seats_booked
from tests.proof_of_work import solved


def claim_slots(base_url: str, count: int) -> list[str]:
    """`count` empty slots no other test uses."""
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    with _lock:
        free = [s["start"] for s in reversed(slots) if s["start"] not in _handed_out]
        free = [s for s in free if available(base_url, s) == 3][:count]
        assert len(free) == count, "the test site has run out of free slots"
        _handed_out.update(free)
    return free


def reschedule(base_url: str, made: dict[str, str], start: str, **headers: str) -> Any:
    return requests.post(
        f"{base_url}/bookings/{made['reference']}/reschedule",
        json={"token": made["cancel_token"], "start": start, "altcha": solved(base_url)},
        headers=headers,
        timeout=60,
    )


def shown(base_url: str, made: dict[str, str]) -> dict[str, Any]:
    answer = requests.get(
        f"{base_url}/bookings/{made['reference']}",
        headers={"X-Booking-Token": made["cancel_token"]},
        timeout=10,
    )
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def test_fifty_moves_into_a_slot_of_three_seats(base_url: str, table: Any) -> None:
    *origins, target = claim_slots(base_url, 18)
    made: list[dict[str, str]] = []
    for n in range(50):
        answer = book(base_url, origins[n // 3])
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    barrier = threading.Barrier(50)

    def move(booking: dict[str, str]) -> tuple[int, str]:
        barrier.wait()
        answer = reschedule(base_url, booking, target)
        code = "" if answer.status_code == 200 else answer.json()["error"]["code"]
        return answer.status_code, code

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(move, made))

    assert Counter(results) == {(200, ""): 3, (409, "slot_full"): 47}
    assert seats_booked(table, target) == 3
    # Every loser keeps its old appointment, and the seats add up to the bookings.
    for booking, (status, _) in zip(made, results, strict=True):
        expected = target if status == 200 else booking["start"]
        assert shown(base_url, booking)["start"] == expected
    assert sum(seats_booked(table, start) for start in origins) == 47


def test_a_move_racing_a_cancellation_never_loses_or_doubles_a_seat(
    base_url: str, table: Any
) -> None:
    rounds = 8
    slots = claim_slots(base_url, 2 * rounds)
    for n in range(rounds):
        origin, target = slots[2 * n], slots[2 * n + 1]
        made = book(base_url, origin).json()
        barrier = threading.Barrier(2)

        def move(made: dict[str, str] = made, target: str = target, barrier: Any = barrier) -> int:
            barrier.wait()
            return int(reschedule(base_url, made, target).status_code)

        def cancel(made: dict[str, str] = made, barrier: Any = barrier) -> Any:
            barrier.wait()
            return requests.post(
                f"{base_url}/bookings/{made['reference']}/cancel",
                json={"token": made["cancel_token"]},
                timeout=60,
            )

        with ThreadPoolExecutor(max_workers=2) as pool:
            moved, cancelled = pool.submit(move), pool.submit(cancel)
            move_status, cancel_answer = moved.result(), cancelled.result()

        # The citizen cancelled, so whichever came first the booking ends cancelled and
        # holds no seat anywhere.
        assert move_status in (200, 409)
        assert cancel_answer.status_code == 200
        assert cancel_answer.json()["status"] == "cancelled"
        assert shown(base_url, made)["status"] == "cancelled"
        assert seats_booked(table, origin) + seats_booked(table, target) == 0


def test_a_lost_move_leaves_the_booking_unchanged(base_url: str, table: Any) -> None:
    origin, target = claim_slots(base_url, 2)
    made = book(base_url, origin).json()
    for _ in range(3):
        assert book(base_url, target).status_code == 201
    before = shown(base_url, made)

    answer = reschedule(base_url, made, target)

    assert answer.status_code == 409
    assert answer.json()["error"] == {
        "code": "slot_full",
        "message": "Dieser Termin ist leider schon vergeben. Bitte wählen Sie eine andere Uhrzeit.",
        "field": "start",
    }
    assert shown(base_url, made) == before
    assert (seats_booked(table, origin), seats_booked(table, target)) == (1, 3)


def test_twenty_copies_of_one_request_make_one_booking_and_twenty_identical_answers(
    base_url: str, table: Any
) -> None:
    (start,) = claim_slots(base_url, 1)
    email = f"test-{uuid.uuid4().hex[:12]}@example.de"
    key = str(uuid.uuid4())
    # One attempt sent 20 times: the same body, its proof of work included.
    altcha = solved(base_url)
    barrier = threading.Barrier(20)

    def attempt(_: int) -> tuple[int, str]:
        barrier.wait()
        answer = requests.post(
            f"{base_url}/bookings",
            json={
                "location": "oranienburg",
                "service": "beratung",
                "start": start,
                "name": "Erika Mustermann",
                "email": email,
                "altcha": altcha,
            },
            headers={"Idempotency-Key": key},
            timeout=60,
        )
        return answer.status_code, answer.text

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(attempt, range(20)))

    assert len(set(answers)) == 1, Counter(status for status, _ in answers)
    assert answers[0][0] == 201
    assert seats_booked(table, start) == 1
