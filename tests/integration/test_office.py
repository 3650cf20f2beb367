"""The office's side on DynamoDB Local, AWS's own engine: over HTTP with real tokens from the
local stack's Cognito, and the use cases at fixed times on a table of their own (check-in
and no-show depend on the clock), including a race of clicks on one check-in."""

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import requests

from terminbuchung import bookings, forms, office
from terminbuchung.clock import BERLIN, iso
from terminbuchung.config import SiteConfig
from terminbuchung.errors import AlreadyMarked
from terminbuchung.forms import BookingForm, ClosureForm, PhoneBookingForm
from terminbuchung.references import TokenKeys
from terminbuchung.release import release_slots
from terminbuchung.staff_members import StaffMember
from terminbuchung.table import SlotItem, use_table
from tests.conftest import create_table
from tests.integration.test_staff_auth import sign_in
from tests.proof_of_work import solved

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)
TUESDAY_10 = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
ANNA = StaffMember("anna", frozenset({"oranienburg"}))
KEY = TokenKeys(b"test-key")


# --- over HTTP, as a member of staff would, with the local stack's real tokens -------------


@pytest.fixture(scope="module")
def anna_token(base_url: str) -> str:
    staff = requests.get(f"{base_url}/_dev/staff-users", timeout=10).json()
    return sign_in(base_url, staff, "staff-oranienburg")["IdToken"]


def call(
    base_url: str, method: str, path: str, token: str | None, body: Any = None
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{base_url}{path}", json=body, headers=headers, timeout=30)


def test_a_day_of_the_office_over_http(base_url: str, anna_token: str) -> None:
    tomorrow = (datetime.now(BERLIN) + timedelta(days=1)).date().isoformat()
    listed = call(base_url, "GET", f"/staff/locations/oranienburg/days/{tomorrow}", anna_token)
    assert listed.status_code == 200, listed.text
    free = [
        s for s in listed.json()["slots"] if s["booked"] < s["capacity"] and not s["closed_reason"]
    ]
    start = free[-1]["start"]

    # A caller without e-mail, then a citizen online, in the same slot.
    by_phone = call(
        base_url,
        "POST",
        "/staff/bookings",
        anna_token,
        {"location": "oranienburg", "service": "beratung", "start": start, "name": "Karl Anrufer",
         "phone": "03301 123456"},
    )  # fmt: skip
    assert by_phone.status_code == 201, by_phone.text
    online = requests.post(
        f"{base_url}/bookings",
        json={"location": "oranienburg", "service": "beratung", "start": start,
              "name": "Erika Mustermann", "email": f"erika-{uuid.uuid4().hex[:8]}@example.de",
              "altcha": solved(base_url)},
        timeout=30,
    )  # fmt: skip
    assert online.status_code == 201, online.text

    day = call(base_url, "GET", f"/staff/locations/oranienburg/days/{tomorrow}", anna_token).json()
    mine = {a["reference"]: a for a in day["appointments"]}
    assert mine[by_phone.json()["reference"]]["booked_via"] == "phone"
    assert mine[online.json()["reference"]]["booked_via"] == "online"

    too_early = call(
        base_url, "POST", f"/staff/bookings/{online.json()['reference']}/no-show", anna_token
    )
    assert (too_early.status_code, too_early.json()["error"]["code"]) == (409, "too_early")

    reference = online.json()["reference"]
    cancelled = call(
        base_url, "POST", f"/staff/bookings/{reference}/cancel", anna_token,
        {"reason": "Krankheit der Beraterin"},
    )  # fmt: skip
    assert cancelled.json()["status"] == "cancelled_by_office"

    forbidden = call(base_url, "GET", f"/staff/locations/gransee/days/{tomorrow}", anna_token)
    assert (forbidden.status_code, forbidden.json()["error"]["code"]) == (403, "forbidden")
    assert call(base_url, "GET", f"/staff/bookings/{reference}", None).status_code == 401
    history = call(base_url, "GET", f"/staff/bookings/{reference}", anna_token).json()["history"]
    assert [(h["by"], h["action"]) for h in history] == [
        ("citizen", "booked"),
        ("staff-oranienburg", "cancelled_by_office"),
    ]


# --- the use cases at fixed times, on a table of their own ----------------------------------


@pytest.fixture
def office_table(dynamodb_endpoint: str, site: SiteConfig) -> Iterator[str]:
    name = f"office-{uuid.uuid4().hex[:8]}"
    create_table(name, dynamodb_endpoint)
    use_table(name, dynamodb_endpoint)
    release_slots(site, MONDAY)
    yield name
    use_table("terminbuchung-test")


def slot_at(start: datetime) -> SlotItem:
    return SlotItem.get("LOC#oranienburg", f"SLOT#{start:%Y-%m-%dT%H:%M}")


def online_booking(site: SiteConfig, email: str) -> str:
    form = forms.parse(BookingForm,
        {"location": "oranienburg", "service": "beratung", "start": iso(TUESDAY_10),
         "name": "Erika Mustermann", "email": email}
    )  # fmt: skip
    made = bookings.book(form, site, MONDAY, KEY)
    assert isinstance(made, bookings.Confirmation)  # site-test.toml: bookings count at once
    return made.reference


def test_attendance_counts_once_however_many_clicks_arrive_at_once(
    office_table: str, site: SiteConfig
) -> None:
    reference = online_booking(site, "erika@example.de")
    on_the_day = TUESDAY_10 - timedelta(minutes=5)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def click() -> None:
        barrier.wait()
        try:
            office.mark(ANNA, reference, office.CHECKED_IN, on_the_day)
            outcomes.append("checked_in")
        except AlreadyMarked:
            outcomes.append("already_marked")

    with ThreadPoolExecutor(max_workers=10) as pool:
        for _ in range(10):
            pool.submit(click)

    assert sorted(outcomes) == ["already_marked"] * 9 + ["checked_in"]
    assert slot_at(TUESDAY_10).checked_in == 1
    office.unmark(ANNA, reference, office.CHECKED_IN, on_the_day)
    assert slot_at(TUESDAY_10).checked_in == 0
    office.mark(ANNA, reference, office.NO_SHOW, TUESDAY_10 + timedelta(minutes=15))
    assert slot_at(TUESDAY_10).no_shows == 1


def test_phone_bookings_closures_and_resends_on_aws_s_engine(
    office_table: str, site: SiteConfig
) -> None:
    phone = forms.parse(PhoneBookingForm,
        {"location": "oranienburg", "service": "beratung", "start": iso(TUESDAY_10),
         "name": "Karl Anrufer", "remarks": "Dolmetscher"}
    )  # fmt: skip
    by_phone = office.book_for_caller(phone, site, ANNA, MONDAY, KEY).reference
    online = online_booking(site, "erika@example.de")
    resent = office.resend(ANNA, online, MONDAY)
    assert resent.reference == online

    closure = forms.parse(
        ClosureForm,
        {"day": "2026-12-01", "from": "09:00", "until": "12:00", "reason": "Fortbildung"},
    )
    done = office.close(site, ANNA, "oranienburg", closure, MONDAY)

    assert sorted(done.bookings_cancelled) == sorted([by_phone, online])
    counted = slot_at(TUESDAY_10)
    assert (counted.booked_online, counted.booked_by_phone, counted.cancelled_by_office) == (
        1,
        1,
        2,
    )
    listed = office.day_list(site, ANNA, "oranienburg", date(2026, 12, 1))
    assert {a.status for a in listed.appointments} == {"cancelled_by_office"}
    assert office.reopen(site, ANNA, "oranienburg", date(2026, 12, 1), MONDAY) == done.slots_closed
