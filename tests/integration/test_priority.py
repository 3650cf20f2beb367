"""A new appointment with priority after an office cancellation (issue 12, item 6), over HTTP
on DynamoDB Local, AWS's own engine: many requests with one priority book once, and
priorities racing for a slot's last seats never overbook it. Remarks travel with the
booking to the staff day list."""

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from terminbuchung import bookings, forms, office
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.errors import BookingError
from terminbuchung.forms import BookingForm
from terminbuchung.references import TokenKeys
from terminbuchung.release import release_slots
from terminbuchung.table import SlotItem, use_table
from tests.conftest import create_table
from tests.integration.test_office import ANNA, call
from tests.integration.test_staff_auth import sign_in
from tests.proof_of_work import solved


@pytest.fixture(scope="module")
def office_token(base_url: str) -> str:
    """A member of staff at Oranienburg, signed in with the local stack's real tokens."""
    staff = requests.get(f"{base_url}/_dev/staff-users", timeout=10).json()
    return str(sign_in(base_url, staff, "staff-oranienburg")["IdToken"])


def _booking(start: str, **extra: Any) -> dict[str, Any]:
    return {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": f"vorrang-{uuid.uuid4().hex[:10]}@example.de",
        **extra,
    }


def book(base_url: str, start: str, **extra: Any) -> requests.Response:
    body = {**_booking(start, **extra), "altcha": solved(base_url)}
    return requests.post(f"{base_url}/bookings", json=body, timeout=60)


def free_starts(base_url: str, day: str) -> list[tuple[str, int]]:
    slots = requests.get(f"{base_url}/locations/oranienburg/slots", timeout=30).json()["slots"]
    return [(s["start"], s["available"]) for s in slots if s["start"].startswith(day)]


def cancelled_by_office(base_url: str, token: str, start: str) -> dict[str, str]:
    made = book(base_url, start)
    assert made.status_code == 201, made.text
    body = made.json()
    done = call(
        base_url, "POST", f"/staff/bookings/{body['reference']}/cancel", token,
        {"reason": "Erkrankung"},
    )  # fmt: skip
    assert done.json()["status"] == "cancelled_by_office", done.text
    return {"reference": body["reference"], "token": body["cancel_token"]}


def _the_day_after_tomorrow() -> str:
    return (datetime.now(BERLIN) + timedelta(days=2)).date().isoformat()


def test_twenty_requests_with_one_priority_book_once(base_url: str, office_token: str) -> None:
    day = _the_day_after_tomorrow()
    starts = [start for start, available in free_starts(base_url, day) if available == 3]
    claim = cancelled_by_office(base_url, office_token, starts[0])
    targets = starts[1:21]

    def attempt(start: str) -> requests.Response:
        return book(base_url, start, priority_for=claim)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(attempt, targets))

    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1, [a.text for a in answers]
    refused = [a.json()["error"] for a in answers if a.status_code != 201]
    assert {(e["code"], e["field"]) for e in refused} == {("priority_invalid", "priority_for")}


def test_priorities_racing_for_the_last_seats_never_overbook(
    base_url: str, office_token: str
) -> None:
    day = _the_day_after_tomorrow()
    starts = [start for start, available in free_starts(base_url, day) if available == 3]
    target, others = starts[-1], starts[-13:-1]
    claims = [cancelled_by_office(base_url, office_token, start) for start in others]
    assert book(base_url, target).status_code == 201  # one of its 3 seats taken

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda claim: book(base_url, target, priority_for=claim), claims))

    won = [a for a in answers if a.status_code == 201]
    assert len(won) == 2, [a.text for a in answers]
    assert {a.json()["error"]["code"] for a in answers if a.status_code != 201} == {"slot_full"}
    assert dict(free_starts(base_url, day)).get(target) is None  # full: not listed
    # A loser's priority is still unused: it books elsewhere.
    losers = [c for c, a in zip(claims, answers, strict=True) if a.status_code != 201]
    free = [start for start, _ in free_starts(base_url, day)]
    assert book(base_url, free[0], priority_for=losers[0]).status_code == 201


def test_remarks_reach_the_staff_day_list(base_url: str, office_token: str) -> None:
    day = _the_day_after_tomorrow()
    start = free_starts(base_url, day)[0][0]
    made = book(base_url, start, remarks="Bringe Dolmetscherin mit, brauche Aufzug")
    assert made.status_code == 201, made.text

    listed = call(base_url, "GET", f"/staff/locations/oranienburg/days/{day}", office_token)
    mine = {a["reference"]: a for a in listed.json()["appointments"]}
    assert mine[made.json()["reference"]]["remarks"] == "Bringe Dolmetscherin mit, brauche Aufzug"

    hostile = book(base_url, start, remarks="Dolmetscher\u202e")
    assert hostile.status_code == 422
    assert hostile.json()["error"]["field"] == "remarks"


# --- the shipped daily quota on AWS's engine: a table of its own, the use cases at fixed times


MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)
UNRELEASED = ["2026-12-01T08:00:00+01:00", "2026-12-01T09:00:00+01:00",
              "2026-12-01T09:30:00+01:00", "2026-12-01T13:00:00+01:00"]  # fmt: skip
KEY = TokenKeys(b"test-key")


@pytest.fixture
def quota_table(dynamodb_endpoint: str, site: SiteConfig) -> Iterator[str]:
    """The shipped Oranienburg (6 of Tuesday's 16 half hours released) on DynamoDB Local."""
    name = f"priority-{uuid.uuid4().hex[:8]}"
    create_table(name, dynamodb_endpoint)
    use_table(name, dynamodb_endpoint)
    release_slots(site, MONDAY)
    yield name
    use_table("terminbuchung-test")


def _book_directly(site: SiteConfig, start: str, **extra: Any) -> bookings.Confirmation:
    form = forms.parse(BookingForm, _booking(start, **extra))
    made = bookings.book(form, site, MONDAY, KEY)
    assert isinstance(made, bookings.Confirmation)
    return made


def _office_cancelled(site: SiteConfig, start: str = "2026-12-01T10:00:00+01:00") -> dict[str, str]:
    made = _book_directly(site, start)
    office.cancel(ANNA, made.reference, "Erkrankung", MONDAY)
    return {"reference": made.reference, "token": made.cancel_token}


def test_ten_priorities_racing_for_one_unreleased_time_open_one_seat(
    quota_table: str, site: SiteConfig
) -> None:
    claims = [_office_cancelled(site) for _ in range(10)]
    barrier = threading.Barrier(10)

    def attempt(claim: dict[str, str]) -> str:
        barrier.wait()
        try:
            _book_directly(site, UNRELEASED[0], priority_for=claim)
        except BookingError as refused:
            return refused.code
        return "booked"

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = sorted(pool.map(attempt, claims))

    assert outcomes == ["booked"] + ["slot_full"] * 9
    opened = SlotItem.get("LOC#oranienburg", "SLOT#2026-12-01T08:00")
    assert (opened.capacity, opened.booked) == (1, 1)


def test_one_priority_sent_four_times_at_once_books_once(
    quota_table: str, site: SiteConfig
) -> None:
    claim = _office_cancelled(site)
    barrier = threading.Barrier(4)

    def attempt(start: str) -> str:
        barrier.wait()
        try:
            _book_directly(site, start, priority_for=claim)
        except BookingError as refused:
            return refused.code
        return "booked"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, UNRELEASED))

    assert outcomes == ["booked"] + ["priority_invalid"] * 3
    opened = [s for s in SlotItem.query("LOC#oranienburg") if s.capacity == 1]
    assert len(opened) == 1
