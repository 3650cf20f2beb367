"""The .ics file: local times with a VTIMEZONE, also on the days the clocks change."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from terminbuchung.config import load_site_config, site_config
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.calendar_invite import calendar_invite
from terminbuchung.release import release_slots
from tests.api_client import ApiClient
from tests.conftest import TEST_SITE
from tests.unit.mail.conftest import Mailroom


def appointment(start: datetime, minutes: int = 30) -> Appointment:
    return Appointment(
        reference="K7QP-3XMA",
        start=start,
        end=start + timedelta(minutes=minutes),
        location_name="Servicecenter Oranienburg",
        address="Adolf-Dechert-Straße 1, 16515 Oranienburg",
        service_name="Persönliche Beratung",
        what_to_bring=(),
        citizen_name="Erika Mustermann",
        email="erika@example.de",
        cancel_reason=None,
    )


def invite(start: datetime, method: str = "REQUEST") -> str:
    return calendar_invite(
        appointment(start),
        method="REQUEST" if method == "REQUEST" else "CANCEL",
        summary="Jobcenter Oberhavel: Persönliche Beratung",
        description="Buchungsnummer: K7QP-3XMA",
        organizer="termine@oberhavel.de",
        organizer_name="Jobcenter Oberhavel",
        now=datetime(2026, 3, 1, 12, 0, tzinfo=BERLIN),
    )


def offset_by_the_calendar_s_own_timezone(ics: str, wall: datetime) -> timedelta | None:
    """The UTC offset a calendar without a time zone database derives from the VTIMEZONE."""
    (timezone,) = Calendar.from_ical(ics).timezones
    return wall.replace(tzinfo=timezone.to_tz(lookup_tzid=False)).utcoffset()


@pytest.mark.parametrize(
    ("wall", "offset"),
    [
        (datetime(2026, 3, 28, 10, 0), timedelta(hours=1)),  # Saturday before: winter time
        (datetime(2026, 3, 29, 10, 0), timedelta(hours=2)),  # clocks went forward at 02:00
        (datetime(2026, 3, 30, 8, 0), timedelta(hours=2)),
        (datetime(2026, 10, 24, 10, 0), timedelta(hours=2)),
        (datetime(2026, 10, 25, 10, 0), timedelta(hours=1)),  # clocks went back at 03:00
        (datetime(2026, 12, 1, 9, 30), timedelta(hours=1)),
    ],
)
def test_the_appointment_keeps_its_wall_clock_time_around_the_clock_changes(
    wall: datetime, offset: timedelta
) -> None:
    start = wall.replace(tzinfo=BERLIN)

    ics = invite(start)

    (event,) = Calendar.from_ical(ics).events
    assert f"DTSTART;TZID=Europe/Berlin:{wall:%Y%m%dT%H%M%S}" in ics
    assert isinstance(event.start, datetime)
    assert event.start == start
    assert event.start.utcoffset() == offset
    assert offset_by_the_calendar_s_own_timezone(ics, wall) == offset


def test_request_and_cancel_name_the_same_event_and_the_cancel_outranks_it() -> None:
    start = datetime(2026, 12, 1, 9, 30, tzinfo=BERLIN)
    requested = Calendar.from_ical(invite(start, "REQUEST"))
    cancelled = Calendar.from_ical(invite(start, "CANCEL"))

    assert (requested.method, cancelled.method) == ("REQUEST", "CANCEL")
    (first,) = requested.events
    (second,) = cancelled.events
    assert first.uid == second.uid == "K7QP-3XMA@terminbuchung.oberhavel.de"
    assert (first.sequence, second.sequence) == (0, 1)
    assert (first.status, second.status) == ("CONFIRMED", "CANCELLED")
    assert str(first.organizer) == "mailto:termine@oberhavel.de"
    assert first.attendees[0].params["RSVP"] == "FALSE"


def test_a_booking_on_the_night_the_clocks_go_back_is_invited_at_its_local_time(
    api: ApiClient, mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The test site is open on Sundays; Sunday 25 October 2026 has 25 hours.
    saturday = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    monkeypatch.setattr(clock, "now", lambda: saturday)
    monkeypatch.setenv("SITE_CONFIG", str(TEST_SITE))
    site_config.cache_clear()
    release_slots(load_site_config(TEST_SITE), saturday)
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": "2026-10-25T09:30:00+01:00",
        "name": "Erika Mustermann",
        "email": "erika@example.de",
    }
    assert api.post("/bookings", json_body=body).status == 201

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    (mail,) = mailroom.outbox()
    assert mail["subject"].endswith("am Sonntag, 25. Oktober 2026, 09:30 Uhr")
    ics = mail["attachments"][0]["content"]
    (event,) = Calendar.from_ical(ics).events
    assert "DTSTART;TZID=Europe/Berlin:20261025T093000" in ics
    assert event.start == datetime(2026, 10, 25, 9, 30, tzinfo=BERLIN)
    assert event.start == datetime(2026, 10, 25, 8, 30, tzinfo=UTC)  # not 07:30 UTC
    wall = datetime(2026, 10, 25, 9, 30)
    assert offset_by_the_calendar_s_own_timezone(ics, wall) == timedelta(hours=1)
    assert event.end == datetime(2026, 10, 25, 10, 0, tzinfo=BERLIN)
