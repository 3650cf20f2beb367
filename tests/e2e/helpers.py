"""What the browser tests share: German dates as the page writes them, the API from outside."""

import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from playwright.sync_api import Locator, Page, expect

from terminbuchung.clock import BERLIN
from terminbuchung.mail.german import clock_time, date_and_time, long_date
from tests.proof_of_work import solved

REFERENCE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def _berlin(start: str) -> datetime:
    return datetime.fromisoformat(start).astimezone(BERLIN)


def german_day(start: str) -> str:
    """e.g. 'Dienstag, 1. Dezember 2026', in Berlin whatever the browser's time zone."""
    return long_date(_berlin(start).date())


def german_time(start: str) -> str:
    return clock_time(_berlin(start))


def german_when(start: str) -> str:
    return date_and_time(_berlin(start))


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@example.org"


def unique_household_number() -> str:
    """A well-formed Nummer der Bedarfsgemeinschaft no other test uses (one booking each)."""
    digits = f"{uuid.uuid4().int % 10**12:012d}"
    return f"{digits[:5]}BG{digits[5:]}"


# --- the API, as another citizen's browser would use it ---------------------------------


@dataclass
class Booking:
    reference: str
    token: str
    start: str


def book(site_url: str, start: str, email: str, name: str = "Max Mustermann") -> Booking:
    answer = requests.post(
        f"{site_url}/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": name,
            "email": email,
            "altcha": solved(site_url),
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return Booking(body["reference"], body["cancel_token"], body["start"])


def try_booking(site_url: str, payload: dict[str, Any]) -> requests.Response:
    # The page pays the proof of work; a request sent like it does too.
    payload = {"altcha": solved(site_url), **payload}
    return requests.post(f"{site_url}/bookings", json=payload, timeout=10)


def show_booking(site_url: str, reference: str, token: str) -> dict[str, Any]:
    answer = requests.get(
        f"{site_url}/bookings/{reference}", headers={"X-Booking-Token": token}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def free_slots(site_url: str) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{site_url}/locations/oranienburg/slots", params={"service": "beratung"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    slots: list[dict[str, Any]] = answer.json()["slots"]
    return slots


def fill_slot(site_url: str, start: str) -> int:
    """Book every seat left in the slot at `start`, as other citizens would; how many."""
    booked = 0
    while True:
        answer = try_booking(
            site_url,
            {
                "location": "oranienburg",
                "service": "beratung",
                "start": start,
                "name": "Andere Person",
                "email": unique_email("andere"),
            },
        )
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "slot_full"
            return booked
        assert answer.status_code == 201, answer.text
        booked += 1


def calendar_file(site_url: str, reference: str, token: str) -> str:
    """The booking's .ics as the API serves it to the page."""
    answer = requests.get(
        f"{site_url}/bookings/{reference}/calendar.ics",
        headers={"X-Booking-Token": token},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return answer.content.decode("utf-8")


def event_lines(ics: str) -> list[str]:
    """A calendar file's content lines, unfolded, but for DTSTAMP (when each copy was made):
    what two copies of one event share."""
    unfolded = ics.replace("\r\n", "\n").replace("\n ", "")
    return [line for line in unfolded.split("\n") if not line.startswith("DTSTAMP:")]


def e_mail(site_url: str, to: str, subject_starts: str, seconds: float = 20) -> dict[str, Any]:
    """The one e-mail to `to` whose subject starts so, once the stream has delivered it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outbox = requests.get(f"{site_url}/_dev/outbox", timeout=10).json()
        found = [m for m in outbox if to in m["to"] and m["subject"].startswith(subject_starts)]
        if found:
            (mail,) = found
            return dict(mail)
        time.sleep(0.2)
    raise AssertionError(f"no e-mail '{subject_starts}…' to {to}")


def manage_link(url: str) -> tuple[str, str]:
    """Reference and token from a link of the form <page>#reference=…&token=…."""
    fragment = parse_qs(urlsplit(url).fragment)
    return fragment["reference"][0], fragment["token"][0]


# --- the page ----------------------------------------------------------------------------


def step_heading(page: Page, title: str) -> Locator:
    """The h2 of the visible step; step headings read 'Schritt n von m: <title>'."""
    return page.locator("[data-tb-app] h2").filter(has_text=title)


def expect_step(page: Page, title: str, *, focused: bool = True) -> Locator:
    heading = step_heading(page, title)
    expect(heading).to_be_visible()
    if focused:
        expect(heading).to_be_focused()
    return heading


def status_text(page: Page) -> Locator:
    return page.locator("[data-tb-status]")


def field_error(page: Page, field: str) -> Locator:
    return page.locator(f"#tb-field-{field}-error")
