"""Issue 12, item 4: the confirmation and the reminder say how to get in (the location's
entrance notes) and link its map (OpenStreetMap), in text and HTML."""

import html
from datetime import datetime

import pytest

from terminbuchung import clock
from terminbuchung.clock import BERLIN
from tests.api_client import ApiClient
from tests.unit.mail.conftest import Mailroom
from tests.unit.test_api import book
from tests.unit.test_remarks_and_directions import ORANIENBURG_MAP


def test_confirmation_and_reminder_say_how_to_get_in_with_the_map_link(
    api: ApiClient, mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = book(api)
    assert made.status == 201
    mailroom.deliver_new()
    (confirmation,) = mailroom.outbox()

    notes = "Eingang über den Hof, barrierefrei mit Aufzug"
    assert f"So finden Sie zu uns: {notes}" in confirmation["text"]
    assert f"So finden Sie zu uns:</strong> {notes}" in html.unescape(confirmation["html"])
    for body in (confirmation["text"], html.unescape(confirmation["html"])):
        assert ORANIENBURG_MAP in body
    assert "Servicecenter Oranienburg auf der Karte (OpenStreetMap)</a>" in confirmation["html"]

    # Monday 16:00, the day before: the reminder says it again.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 30, 16, 0, tzinfo=BERLIN))
    assert mailroom.remind()["sent"] == 1
    reminder = mailroom.outbox()[-1]
    assert reminder["subject"].startswith("Erinnerung")
    for body in (reminder["text"], html.unescape(reminder["html"])):
        assert "barrierefrei mit Aufzug" in body
        assert ORANIENBURG_MAP in body
