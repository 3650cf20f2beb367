"""GET /bookings/{reference}/calendar.ics: the booking page's calendar file is the e-mail's.

The page downloads the .ics from the API instead of making its own, so the confirmation
page and the e-mail put one event into the citizen's calendar (same UID, title, times),
and the cancellation e-mail removes it whichever way it got there. Through real HTTP API v2
events, next to the e-mail function on moto (tests/unit/mail).
"""

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event

from infra.local.http_events import http_api_event, http_response
from infra.template import ROOT
from terminbuchung import closures
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.mail.calendar_invite import event_uid
from terminbuchung.references import cancel_token
from tests.api_client import ApiClient
from tests.unit.mail.conftest import Mailroom, mail_env, mailroom  # noqa: F401  (fixtures)

TUESDAY_10 = "2026-12-01T10:00:00+01:00"


@dataclass(frozen=True)
class Download:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def error(self) -> dict[str, Any]:
        error: dict[str, Any] = json.loads(self.body)["error"]
        return error


def download(api: ApiClient, reference: str, token: str | None) -> Download:
    """The page's request: GET with the token in X-Booking-Token, as API Gateway passes it."""
    path = f"/bookings/{reference}/calendar.ics"
    (route,) = [r for r in api.routes if r.match("GET", path) is not None]
    event = http_api_event(
        route,
        route.match("GET", path) or {},
        method="GET",
        path=path,
        raw_query="",
        headers=[("accept", "text/calendar")]
        + ([("x-booking-token", token)] if token is not None else []),
        body=b"",
        source_ip="203.0.113.7",
    )
    status, headers, body = http_response(api.functions[route.function].invoke(event))
    return Download(status, dict(headers), body.decode("utf-8"))


@pytest.fixture
def room(request: pytest.FixtureRequest) -> Mailroom:
    """The e-mail side as tests/unit/mail sets it up: the API, the stream, SES on moto."""
    fixture: Mailroom = request.getfixturevalue("mailroom")
    return fixture


def book(api: ApiClient, start: str = TUESDAY_10) -> dict[str, str]:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": "erika.mustermann@example.de",
    }
    answer = api.post("/bookings", json_body=body)
    assert answer.status == 201, answer.body
    made: dict[str, str] = answer.body
    return made


def attachment_of(mail: dict[str, Any]) -> str:
    (attachment,) = mail["attachments"]
    content: str = attachment["content"]
    return content


def the_event(ics: str) -> Event:
    (event,) = Calendar.from_ical(ics).events
    return event


def lines(ics: str) -> list[str]:
    """The file's content lines, unfolded, but for DTSTAMP (the moment each was made)."""
    unfolded = ics.replace("\r\n", "\n").replace("\n ", "")
    return [line for line in unfolded.split("\n") if not line.startswith("DTSTAMP:")]


def assert_same_event(downloaded: str, attached: str) -> None:
    """Event for event, what a calendar goes by; and then the whole file, line for line."""
    mine, theirs = Calendar.from_ical(downloaded), Calendar.from_ical(attached)
    assert mine.method == theirs.method
    ours, sent = the_event(downloaded), the_event(attached)
    for name in ("UID", "SUMMARY", "SEQUENCE", "STATUS", "LOCATION", "DESCRIPTION", "ORGANIZER"):
        assert ours[name] == sent[name], name
    assert (ours.start, ours.end) == (sent.start, sent.end)
    # Local time with its zone, so the appointment stays at its hour in any calendar.
    for name, moment in (("DTSTART", ours.start), ("DTEND", ours.end)):
        line = f"{name};TZID=Europe/Berlin:{moment:%Y%m%dT%H%M%S}"
        assert line in lines(downloaded), line
        assert line in lines(attached), line
    assert lines(downloaded) == lines(attached)


def test_a_confirmed_booking_downloads_the_confirmation_s_invitation(
    api: ApiClient, room: Mailroom
) -> None:
    made = book(api)
    assert room.deliver_new() == {"batchItemFailures": []}
    (confirmation,) = room.outbox()

    answer = download(api, made["reference"], made["cancel_token"])

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="Termin-Jobcenter-{made["reference"]}.ics"'
    )
    assert answer.headers["Cache-Control"] == "no-store"
    assert_same_event(answer.body, attachment_of(confirmation))
    assert Calendar.from_ical(answer.body).method == "REQUEST"
    event = the_event(answer.body)
    assert event.uid == f"{made['reference']}@terminbuchung.oberhavel.de"
    assert event.sequence == 0
    assert event.start == datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    assert "DTSTART;TZID=Europe/Berlin:20261201T100000\r\n" in answer.body
    assert answer.body.startswith("BEGIN:VCALENDAR\r\n")
    assert answer.body.endswith("END:VCALENDAR\r\n")


def test_a_cancelled_booking_downloads_the_cancellation_s_cancel(
    api: ApiClient, room: Mailroom
) -> None:
    """Imported after all, it removes the event instead of adding a dead appointment."""
    made = book(api)
    room.deliver_new()
    cancelled = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )
    assert cancelled.status == 200
    assert room.deliver_new() == {"batchItemFailures": []}
    confirmation, cancellation = room.outbox()

    answer = download(api, made["reference"], made["cancel_token"])

    assert answer.status == 200
    assert_same_event(answer.body, attachment_of(cancellation))
    assert Calendar.from_ical(answer.body).method == "CANCEL"
    event = the_event(answer.body)
    assert event.uid == the_event(attachment_of(confirmation)).uid
    assert (event.sequence, event.status) == (1, "CANCELLED")


def test_a_booking_the_office_called_off_downloads_the_notice_s_cancel(
    api: ApiClient, room: Mailroom, site: SiteConfig, now: datetime
) -> None:
    made = book(api)
    room.deliver_new()
    closures.close(
        site, "oranienburg", date(2026, 12, 1), reason="Personalversammlung", now=now,
        start=time(9, 0), end=time(12, 0),
    )  # fmt: skip
    assert room.deliver_new() == {"batchItemFailures": []}
    _, notice = room.outbox()

    answer = download(api, made["reference"], made["cancel_token"])

    assert answer.status == 200
    assert_same_event(answer.body, attachment_of(notice))
    assert Calendar.from_ical(answer.body).method == "CANCEL"


def test_the_booking_page_s_download_names_the_same_event(api: ApiClient, room: Mailroom) -> None:
    """A CANCEL from the e-mail must also remove the event the page let the citizen save.

    (Moved from tests/unit/mail/test_calendar_invite.py, which read the UID off the page's
    own .ics builder; the page has none now and downloads this route's file.)
    """
    page = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "web").rglob("*.js"))
    assert "/calendar.ics" in page, "the booking page no longer downloads the API's file"
    assert "UID:" not in page, "the booking page builds a calendar file of its own again"
    made = book(api)

    answer = download(api, made["reference"], made["cancel_token"])

    assert the_event(answer.body).uid == event_uid(made["reference"])


def test_the_reference_as_typed_on_the_phone_downloads_under_its_proper_name(
    api: ApiClient, room: Mailroom
) -> None:
    made = book(api)
    typed = made["reference"].replace("-", "").lower()

    answer = download(api, typed, made["cancel_token"])

    assert answer.status == 200
    assert (
        f'filename="Termin-Jobcenter-{made["reference"]}.ics"'
        in (answer.headers["Content-Disposition"])
    )
    assert the_event(answer.body).uid == f"{made['reference']}@terminbuchung.oberhavel.de"


def test_wrong_token_and_unknown_reference_look_the_same_as_for_the_booking(
    api: ApiClient, room: Mailroom
) -> None:
    made = book(api)
    unknown = "ZZZZ-ZZZZ"
    refused = [
        download(api, made["reference"], "wrong"),
        download(api, made["reference"], None),
        download(api, made["reference"], cancel_token(unknown, b"test-key")),
        download(api, unknown, cancel_token(unknown, b"test-key")),
        download(api, "not-a-reference", "x"),
    ]
    shown = api.get(f"/bookings/{made['reference']}", headers={"X-Booking-Token": "wrong"})

    assert {answer.status for answer in refused} == {404}
    assert {answer.body for answer in refused} == {json.dumps(shown.body, ensure_ascii=False)}
    assert refused[0].error["code"] == "booking_not_found"
    assert all(answer.headers["Content-Type"].startswith("application/json") for answer in refused)


def test_the_token_is_checked_before_any_read(api: ApiClient, room: Mailroom) -> None:
    """A wrong token costs no I/O: with the table gone it still gets the plain 404."""
    made = book(api)
    boto3.client("dynamodb").delete_table(TableName=os.environ["TABLE_NAME"])

    wrong = download(api, made["reference"], "wrong")
    right = download(api, made["reference"], made["cancel_token"])

    assert (wrong.status, wrong.error["code"]) == (404, "booking_not_found")
    assert (right.status, right.error["code"]) == (500, "internal_error")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reference=st.text(
        st.characters(exclude_characters="/?#%", codec="utf-8"), min_size=1, max_size=60
    ),
    token=st.text(st.characters(codec="utf-8"), max_size=300),
)
def test_any_reference_and_token_get_a_clean_404(
    api: ApiClient, room: Mailroom, reference: str, token: str
) -> None:
    answer = download(api, reference, token)
    assert answer.status == 404
    # not_found: a reference with characters no route takes (a quote, say).
    assert answer.error["code"] in {"booking_not_found", "not_found"}
