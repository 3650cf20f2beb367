"""E-mail over HTTP as a new user meets it: `make dev`'s stack on DynamoDB Local, the
stream polled into the e-mail function, SES in moto, the result at /_dev/outbox."""

import re
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from icalendar import Calendar

from tests.integration.test_http import book, fresh_slot, new_email

__all__ = ["fresh_slot"]  # the fixture, shared with the HTTP tests

Mail = dict[str, Any]


def outbox(base_url: str) -> list[Mail]:
    answer = requests.get(f"{base_url}/_dev/outbox", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    messages: list[Mail] = answer.json()
    return messages


def wait_for(base_url: str, wanted: Callable[[Mail], bool], seconds: float = 20) -> Mail:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in outbox(base_url) if wanted(m)]
        if found:
            (mail,) = found
            return mail
        time.sleep(0.2)
    raise AssertionError("no such e-mail in the outbox")


def invite(mail: Mail) -> Any:
    (attachment,) = mail["attachments"]
    assert attachment["filename"] == "termin.ics"
    return Calendar.from_ical(attachment["content"])


def test_booking_and_cancelling_over_http_each_send_an_e_mail(
    base_url: str, fresh_slot: str, table: Any, stack_log: Path
) -> None:
    email = new_email()
    made = book(base_url, fresh_slot, email, name="Zacharias Quellenberg").json()
    reference, token = made["reference"], made["cancel_token"]

    confirmation = wait_for(base_url, lambda m: email in m["to"])

    assert confirmation["subject"].startswith("Ihr Termin im Jobcenter Oberhavel am ")
    assert f"{datetime.fromisoformat(fresh_slot):%H:%M} Uhr" in confirmation["subject"]
    assert reference in confirmation["text"]
    link = re.search(r"(http://\S+)#reference=(\S+)&token=(\S+)", confirmation["text"])
    assert link
    assert link.group(1) == f"{base_url}/"
    shown = requests.get(
        f"{base_url}/bookings/{link.group(2)}",
        headers={"X-Booking-Token": link.group(3)},
        timeout=10,
    )
    assert shown.status_code == 200
    assert shown.json()["start"] == fresh_slot
    requested = invite(confirmation)
    assert requested.method == "REQUEST"
    (event,) = requested.events
    assert event.start == datetime.fromisoformat(fresh_slot)
    # The booking is in DynamoDB Local: moto, which plays SES, let its endpoint through.
    item = table.get_item(Key={"pk": f"BOOKING#{reference}", "sk": "BOOKING"})["Item"]
    assert item["status"] == "confirmed"

    cancelled = requests.post(
        f"{base_url}/bookings/{reference}/cancel", json={"token": token}, timeout=10
    )
    assert cancelled.status_code == 200

    cancellation = wait_for(base_url, lambda m: email in m["to"] and "Abgesagt" in m["subject"])
    assert reference in cancellation["text"]
    withdrawn = invite(cancellation)
    assert withdrawn.method == "CANCEL"
    (cancelled_event,) = withdrawn.events
    assert cancelled_event.uid == event.uid
    assert cancelled_event.sequence > event.sequence
    # Each e-mail once, though the stream is polled again and again.
    time.sleep(1)
    assert len([m for m in outbox(base_url) if email in m["to"]]) == 2
    log = stack_log.read_text()
    assert f'"reference":"{reference}","kind":"cancellation"' in log
    for secret in (email, "Quellenberg", token):
        assert secret not in log


def test_the_outbox_has_a_page_for_a_person(base_url: str, fresh_slot: str) -> None:
    email = new_email()
    assert book(base_url, fresh_slot, email).status_code == 201
    wait_for(base_url, lambda m: email in m["to"])

    page = requests.get(f"{base_url}/_dev/outbox.html", timeout=10)

    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Postausgang" in page.text
    assert email in page.text
    assert "termin.ics" in page.text


def test_a_closure_by_the_office_sends_the_notice_with_the_reason(
    base_url: str, fresh_slot: str
) -> None:
    email = new_email()
    made = book(base_url, fresh_slot, email).json()
    wait_for(base_url, lambda m: email in m["to"])
    start = datetime.fromisoformat(fresh_slot)
    end = datetime.fromisoformat(made["end"])
    argv = ["close", "oranienburg", f"{start:%Y-%m-%d}", "--reason", "Personalversammlung"]
    argv += ["--from", f"{start:%H:%M}", "--until", f"{end:%H:%M}"]

    closed = requests.post(f"{base_url}/_dev/ops", json={"argv": argv}, timeout=10)

    assert closed.status_code == 200, closed.text
    notice = wait_for(base_url, lambda m: email in m["to"] and "ausfallen" in m["subject"])
    assert "Der Grund: Personalversammlung" in notice["text"]
    assert made["reference"] in notice["text"]
    # Book again with priority: the page's link names the cancelled booking and its token.
    priority = f"{base_url}/#priority={made['reference']}&token={made['cancel_token']}"
    assert priority in notice["text"]
    assert invite(notice).method == "CANCEL"
