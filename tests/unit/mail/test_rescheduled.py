"""'Ihr Termin wurde verlegt': the e-mail after a move, its calendar file (the same event at a
higher SEQUENCE, so calendars move it), and the reminder that follows the new day."""

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from icalendar import Calendar

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from tests.api_client import ApiClient
from tests.unit.mail.conftest import PAGE, Mailroom
from tests.unit.mail.test_send_email import book, calendar_of, cancel
from tests.unit.test_reschedule import site  # noqa: F401  (bookings that count at once)

TUESDAY_10 = "2026-12-01T10:00:00+01:00"


def move(api: ApiClient, made: dict[str, str], start: str) -> Any:
    answer = api.post(
        f"/bookings/{made['reference']}/reschedule",
        json_body={"token": made["cancel_token"], "start": start},
    )
    assert answer.status == 200, answer.body
    return answer.body


def starts(api: ApiClient, day: str) -> list[str]:
    slots = api.get("/locations/oranienburg/slots").body["slots"]
    return [s["start"] for s in slots if s["start"].startswith(day)]


def event(mail: dict[str, Any]) -> Any:
    (only,) = calendar_of(mail).events
    return only


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_to


def test_a_move_is_told_with_the_same_calendar_event_at_a_higher_sequence(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()
    thursday = starts(api, "2026-12-03")[0]
    move(api, made, thursday)

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    confirmation, moved = mailroom.outbox()
    assert moved["subject"] == (
        "Ihr Termin wurde verlegt: Jobcenter Oberhavel am Donnerstag, 3. Dezember 2026, 08:30 Uhr"
    )
    for body in (moved["text"], html.unescape(moved["html"])):
        assert "Ihr Termin wurde verlegt" in body
        assert "Donnerstag, 3. Dezember 2026" in body
        assert made["reference"] in body
        assert f"{PAGE}#reference={made['reference']}&token={made['cancel_token']}" in body
    first, second = event(confirmation), event(moved)
    assert calendar_of(moved).get("method") == "REQUEST"
    assert second.uid == first.uid
    assert second.sequence > first.sequence
    assert second.start == datetime.fromisoformat(thursday).astimezone(BERLIN)
    assert second.get("status") == "CONFIRMED"


def test_every_move_raises_the_sequence_and_a_cancellation_outranks_them_all(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()
    for start in starts(api, "2026-12-03")[:2]:
        move(api, made, start)
        mailroom.deliver_new()
    cancel(api, made)
    mailroom.deliver_new()

    sequences = [event(mail).sequence for mail in mailroom.outbox()]

    assert sequences == [0, 1, 2, 3]
    uids = {event(mail).uid for mail in mailroom.outbox()}
    assert len(uids) == 1


def test_the_page_s_calendar_download_is_the_moved_event(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()
    move(api, made, starts(api, "2026-12-03")[0])
    mailroom.deliver_new()

    download = api.get(
        f"/bookings/{made['reference']}/calendar.ics",
        headers={"X-Booking-Token": made["cancel_token"]},
    )

    (downloaded,) = Calendar.from_ical(download.body).events
    moved = event(mailroom.outbox()[-1])
    assert (downloaded.uid, downloaded.sequence, downloaded.start) == (
        moved.uid,
        moved.sequence,
        moved.start,
    )


def test_a_move_told_once_however_often_its_record_comes(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()
    move(api, made, starts(api, "2026-12-03")[0])
    records = mailroom.booking_records()

    mailroom.deliver(records)
    mailroom.deliver(records)

    assert [m["subject"].split(":")[0] for m in mailroom.outbox()] == [
        "Ihr Termin im Jobcenter Oberhavel am Dienstag, 1. Dezember 2026, 10",
        "Ihr Termin wurde verlegt",
    ]


def test_the_reminder_follows_the_new_day(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None]
) -> None:
    made = book(api)  # Tuesday
    set_clock(datetime(2026, 11, 30, 16, 0, tzinfo=BERLIN))
    assert mailroom.remind()["sent"] == 1  # Monday 16:00: reminded of Tuesday
    set_clock(datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN))
    thursday = starts(api, "2026-12-03")[0]
    move(api, made, thursday)

    set_clock(datetime(2026, 12, 1, 16, 0, tzinfo=BERLIN))
    tuesday_run = mailroom.remind()  # Wednesday's appointments: none
    set_clock(datetime(2026, 12, 2, 16, 0, tzinfo=BERLIN))
    wednesday_run = mailroom.remind()  # Thursday's: the moved one, again

    assert (tuesday_run["sent"], wednesday_run["sent"]) == (0, 1)
    reminders = [m for m in mailroom.outbox() if m["subject"].startswith("Erinnerung")]
    assert len(reminders) == 2
    assert "Donnerstag, 3. Dezember 2026" in reminders[-1]["text"]


def test_no_reminder_for_a_day_the_booking_left_and_none_after_a_late_move_to_tomorrow(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None]
) -> None:
    leaving = book(api)  # Tuesday, moved to Thursday before the reminders
    arriving = book(api, "max@example.de", starts(api, "2026-12-02")[0])  # Wednesday
    move(api, leaving, starts(api, "2026-12-03")[0])
    set_clock(datetime(2026, 11, 30, 16, 0, tzinfo=BERLIN))
    assert mailroom.remind()["sent"] == 0  # nothing on Tuesday any more
    set_clock(datetime(2026, 11, 30, 16, 30, tzinfo=BERLIN))
    tuesday = next(s for s in starts(api, "2026-12-01") if s > "2026-12-01T09")
    move(api, arriving, tuesday)  # after the reminders went out: its e-mail is fresh

    set_clock(datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN))
    run = mailroom.remind()

    assert (run["sent"], run["skipped"]) == (0, 1)
