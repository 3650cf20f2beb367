"""The proof of work over HTTP on DynamoDB Local: one solution, many requests at once, one
booking. Its single use is a conditional put inside the booking's own transaction."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.integration.test_http import new_email, seats_booked
from tests.proof_of_work import solve


def post(base_url: str, start: str, altcha: str | None) -> requests.Response:
    body: dict[str, Any] = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": new_email(),
    }
    if altcha is not None:
        body["altcha"] = altcha
    return requests.post(f"{base_url}/bookings", json=body, timeout=30)


def solution(base_url: str) -> str:
    return solve(requests.get(f"{base_url}/challenge", timeout=10).json())


def test_two_requests_with_one_solution_at_once_book_once(
    base_url: str, table: Any, fresh_slot: str
) -> None:
    altcha = solution(base_url)
    barrier = threading.Barrier(2)

    def attempt(_: int) -> requests.Response:
        barrier.wait()
        return post(base_url, fresh_slot, altcha)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(attempt, range(2)))

    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] in (201, 202), [a.text for a in answers]
    assert statuses[1] == 403
    (refused,) = [a.json()["error"] for a in answers if a.status_code == 403]
    assert (refused["code"], refused["field"]) == ("challenge_failed", "altcha")
    assert seats_booked(table, fresh_slot) == 1


def test_ten_requests_with_one_solution_for_ten_citizens_book_once(
    base_url: str, table: Any, fresh_slot: str
) -> None:
    altcha = solution(base_url)
    barrier = threading.Barrier(10)

    def attempt(_: int) -> int:
        barrier.wait()
        return post(base_url, fresh_slot, altcha).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(attempt, range(10)))

    assert len([s for s in statuses if s in (201, 202)]) == 1, statuses
    assert statuses.count(403) == 9
    assert seats_booked(table, fresh_slot) == 1


def test_without_a_solution_nothing_is_booked(base_url: str, table: Any, fresh_slot: str) -> None:
    answer = post(base_url, fresh_slot, None)

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "challenge_failed"
    assert seats_booked(table, fresh_slot) == 0
