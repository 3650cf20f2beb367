"""Reminders the day before: exactly tomorrow's confirmed bookings, once, from the set hour."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from pynamodb.connection.base import Connection

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from tests.api_client import ApiClient
from tests.unit.mail.conftest import Mailroom
from tests.unit.mail.test_send_email import book, cancel

MONDAY = "2026-11-30"
TUESDAY = "2026-12-01"
WEDNESDAY = "2026-12-02"


def at(hour: int, minute: int = 0, day: int = 30) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_to


@pytest.fixture
def no_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    def scan(*_: Any, **__: Any) -> None:
        raise AssertionError("reminders must query the location+day index, not scan")

    monkeypatch.setattr(Connection, "scan", scan)


def slot(api: ApiClient, day: str, index: int = 0) -> str:
    slots = api.get("/locations/oranienburg/slots").body["slots"]
    starts = [s["start"] for s in slots if s["start"].startswith(day)]
    return str(starts[index])


def reminded(mailroom: Mailroom) -> list[str]:
    return [m["to"] for m in mailroom.outbox() if m["subject"].startswith("Erinnerung")]


def test_reminders_go_to_tomorrow_s_confirmed_bookings_only(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None], no_scans: None
) -> None:
    book(api, "today@example.de", slot(api, MONDAY, -1), name="Heute")
    tomorrow = book(api, "tomorrow@example.de", slot(api, TUESDAY, 0), name="Morgen")
    book(api, "early@example.de", slot(api, TUESDAY, 1), name="Auch Morgen")
    cancelled = book(api, "cancelled@example.de", slot(api, TUESDAY, 2), name="Abgesagt")
    cancel(api, cancelled)
    book(api, "later@example.de", slot(api, WEDNESDAY, 0), name="Übermorgen")
    set_clock(at(16))

    run = mailroom.remind()

    assert run == {"day": TUESDAY, "due": True, "sent": 2, "already_sent": 0, "skipped": 0}
    assert sorted(reminded(mailroom)) == [
        "Auch Morgen <early@example.de>",
        "Morgen <tomorrow@example.de>",
    ]
    mail = next(m for m in mailroom.outbox() if "tomorrow@" in m["to"])
    start = datetime.fromisoformat(tomorrow["start"])
    assert mail["subject"] == (
        "Erinnerung: Ihr Termin im Jobcenter Oberhavel morgen, "
        f"Dienstag, 1. Dezember 2026, {start:%H:%M} Uhr"
    )
    assert "wir erinnern Sie an Ihren Termin" in mail["text"]
    assert "Personalausweis oder Reisepass" in mail["text"]
    assert f"#reference={tomorrow['reference']}&token={tomorrow['cancel_token']}" in mail["text"]
    assert mail["attachments"] == []


def test_nothing_before_the_reminder_time_and_nothing_twice_after_it(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None]
) -> None:
    book(api, "tomorrow@example.de", slot(api, TUESDAY), name="Morgen")

    set_clock(at(15, 59))
    assert mailroom.remind()["due"] is False
    assert reminded(mailroom) == []

    set_clock(at(16))
    assert mailroom.remind()["sent"] == 1
    for hour in (17, 18, 23):
        set_clock(at(hour))
        run = mailroom.remind()
        assert (run["sent"], run["already_sent"]) == (0, 1)
    assert len(reminded(mailroom)) == 1


def test_a_booking_made_after_the_reminders_went_out_gets_none(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None]
) -> None:
    set_clock(at(16, 30))
    book(api, "late@example.de", slot(api, TUESDAY), name="Spät")
    set_clock(at(17))

    run = mailroom.remind()

    # Its confirmation went out after 16:00 the day before: that is its reminder.
    assert (run["sent"], run["skipped"]) == (0, 1)
    assert reminded(mailroom) == []


def test_a_reminder_ses_refused_fails_the_run_and_goes_out_the_next_hour(
    api: ApiClient, mailroom: Mailroom, set_clock: Callable[[datetime], None]
) -> None:
    made = book(api, "tomorrow@example.de", slot(api, TUESDAY), name="Morgen")
    book(api, "other@example.de", slot(api, TUESDAY, 1), name="Andere")
    mailroom.refuse("tomorrow@example.de")
    set_clock(at(16))

    with pytest.raises(Exception, match=f"1 reminders not sent: {made['reference']}"):
        mailroom.remind()
    assert reminded(mailroom) == ["Andere <other@example.de>"]

    mailroom.accept_all()
    set_clock(at(17))
    run = mailroom.remind()
    assert (run["sent"], run["already_sent"]) == (1, 1)
    assert sorted(reminded(mailroom)) == [
        "Andere <other@example.de>",
        "Morgen <tomorrow@example.de>",
    ]
