"""Bookings that count once the e-mail address is confirmed, in the browser: the page's
"Bitte bestätigen" view, the e-mail's confirm link, a hold that expired, a pending booking's
manage view, and "Link verloren?". A stack of its own with confirm_within_minutes = 30
(tests/site-test-confirming.toml), whose clock the expiry test moves. axe on every view, at
1280 and 360 px.
"""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.conftest import CONFIRMING_TEST_SITE
from tests.e2e.conftest import assert_no_horizontal_scrolling, check_accessibility, screenshot
from tests.e2e.helpers import (
    e_mail,
    expect_step,
    field_error,
    free_slots,
    german_time,
    manage_link,
    unique_email,
    unique_household_number,
)
from tests.local_processes import local_stack
from tests.proof_of_work import solved


@pytest.fixture(scope="module")
def confirming_url(logs: Path) -> Iterator[str]:
    with local_stack(logs / "stack-confirming.log", site_config=CONFIRMING_TEST_SITE) as url:
        yield url


@pytest.fixture
def url(confirming_url: str) -> Iterator[str]:
    yield confirming_url
    requests.post(f"{confirming_url}/_dev/clock", json={"reset": True}, timeout=10)


def width_of(page: Page) -> int:
    return page.viewport_size["width"] if page.viewport_size else 0


def request_booking(url: str, start: str, email: str) -> dict[str, Any]:
    answer = requests.post(
        f"{url}/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": email,
            "altcha": solved(url),
        },
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    return body


def confirm_link(url: str, email: str) -> str:
    mail = e_mail(url, email, "Bitte bestätigen")
    found = re.search(r"http://\S+#reference=\S+", mail["text"])
    assert found, mail["text"]
    link = found.group(0)
    assert link.startswith(f"{url}/#")
    assert link.endswith("&confirm=1")
    return link


def look(page: Page, name: str) -> None:
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, name)
    screenshot(page, name.replace(" ", "-"))


def test_booking_then_the_e_mail_link_confirms_it(page_both_widths: Page, url: str) -> None:
    page = page_both_widths
    width = width_of(page)
    page.goto(url)
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    time = page.get_by_role("radio").nth({1280: 6, 360: 7}[width])
    start = time.get_attribute("value")
    assert start is not None
    time.check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    email = unique_email(f"confirm{width}")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    expect_step(page, "Bitte bestätigen Sie Ihren Termin")
    pending = page.locator("[data-tb-view=pending]")
    expect(page.locator("[data-tb-masked-email]")).to_have_text("c…@example.org")
    expect(page.locator("[data-tb-confirm-by]")).to_have_text(re.compile(r"^\d\d:\d\d Uhr$"))
    expect(pending).to_contain_text("Wir halten den Termin bis")
    expect(pending).to_contain_text(german_time(start))
    expect(pending).not_to_contain_text(email)  # only masked on the screen
    look(page, "8 bitte bestaetigen")

    link = confirm_link(url, email)
    page.goto(link)
    expect_step(page, "Ihr Termin ist bestätigt", focused=False)
    reference = page.locator("[data-tb-reference]").inner_text()
    assert manage_link(link)[0] == reference
    expect(page.locator("[data-tb-view=confirmed]")).to_contain_text(german_time(start))
    # The link did its work: the address bar no longer asks to confirm.
    assert "confirm=1" not in page.url
    look(page, "9 bestaetigt")
    confirmation = e_mail(url, email, "Ihr Termin im Jobcenter Oberhavel am ")
    assert reference in confirmation["text"]
    assert [a["filename"] for a in confirmation["attachments"]] == ["termin.ics"]

    # The manage view from the confirmation's link shows a booking like any other.
    page.get_by_role("link", name="Termin ansehen oder absagen").click()
    expect_step(page, "Ihr Termin", focused=False)
    expect(page.get_by_role("button", name="Termin absagen", exact=True)).to_be_visible()


def seats_free(url: str, start: str) -> int:
    return sum(s["available"] for s in free_slots(url) if s["start"] == start)


def test_a_mistyped_address_is_corrected_and_the_first_hold_released(page: Page, url: str) -> None:
    page.goto(url)
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    time = page.get_by_role("radio").nth(8)
    start = time.get_attribute("value")
    assert start is not None
    time.check()
    before = seats_free(url, start)
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    mistyped = unique_email("erika").replace("@example.org", "@gmial.com")
    page.get_by_label("E-Mail-Adresse").fill(mistyped)
    # With the household's number: the first hold's guard must not refuse the correction.
    page.get_by_label("Nummer der Bedarfsgemeinschaft").fill(unique_household_number())
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Bitte bestätigen Sie Ihren Termin")
    expect(page.locator("[data-tb-masked-email]")).to_have_text("e…@gmial.com")
    expect(page.locator("[data-tb-view=pending]")).to_contain_text("sofort wieder frei")
    assert seats_free(url, start) == before - 1
    assert e_mail(url, mistyped, "Bitte bestätigen")

    page.get_by_role("button", name="E-Mail-Adresse korrigieren").click()
    expect_step(page, "Ihre Angaben")
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Erika Mustermann")
    look(page, "8b adresse korrigieren")
    email = unique_email("corrected")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Bitte bestätigen Sie Ihren Termin")
    expect(page.locator("[data-tb-masked-email]")).to_have_text("c…@example.org")
    look(page, "8c korrigiert bitte bestaetigen")
    # The corrected booking holds the one seat: the first one's was given back with it.
    assert seats_free(url, start) == before - 1

    page.goto(confirm_link(url, email))
    expect_step(page, "Ihr Termin ist bestätigt", focused=False)
    expect(page.locator("[data-tb-view=confirmed]")).to_contain_text(german_time(start))
    # One seat taken, the confirmed one's: the first hold's stayed free.
    assert seats_free(url, start) == before - 1
    outbox = requests.get(f"{url}/_dev/outbox", timeout=10).json()
    # The mistyped address got the first request and nothing after it.
    assert [m["subject"] for m in outbox if mistyped in m["to"]] == [
        e_mail(url, mistyped, "Bitte bestätigen")["subject"]
    ]


def test_a_link_opened_too_late_says_the_time_is_up(page_both_widths: Page, url: str) -> None:
    page = page_both_widths
    slots = free_slots(url)
    email = unique_email(f"late{width_of(page)}")
    request_booking(url, slots[-2 if width_of(page) == 1280 else -3]["start"], email)
    link = confirm_link(url, email)

    # Half an hour and a second later the one-time schedule frees the seat.
    moved = requests.post(f"{url}/_dev/clock", json={"advance_seconds": 1801}, timeout=10)
    assert moved.status_code == 200
    requests.post(f"{url}/_dev/scheduler/run", timeout=30)
    e_mail(url, email, "Nicht bestätigt")

    page.goto(link)
    expect_step(page, "Die Zeit zum Bestätigen ist abgelaufen", focused=False)
    expect(page.locator("[data-tb-view=confirm-expired]")).to_contain_text("wieder freigegeben")
    expect(page.get_by_role("link", name="Neuen Termin buchen")).to_be_visible()
    look(page, "10 bestaetigen abgelaufen")

    # The manage link of the same booking says so too.
    reference, token = manage_link(link)
    page.goto("about:blank")  # the address bar holds that link already: load it afresh
    page.goto(f"{url}/#reference={reference}&token={token}")
    expect_step(page, "Dieser Termin ist nicht mehr gültig", focused=False)
    look(page, "11 verwalten abgelaufen")


def test_a_pending_booking_s_manage_view_confirms_it(page_both_widths: Page, url: str) -> None:
    page = page_both_widths
    slots = free_slots(url)
    email = unique_email(f"manage{width_of(page)}")
    request_booking(url, slots[-4 if width_of(page) == 1280 else -5]["start"], email)
    reference, token = manage_link(confirm_link(url, email))

    page.goto(f"{url}/#reference={reference}&token={token}")
    expect_step(page, "Ihr Termin ist noch nicht bestätigt", focused=False)
    look(page, "12 verwalten unbestaetigt")
    page.get_by_role("button", name="Termin jetzt bestätigen").click()
    expect_step(page, "Ihr Termin ist bestätigt", focused=False)
    e_mail(url, email, "Ihr Termin im Jobcenter Oberhavel am ")


def test_link_lost_sends_the_links_and_says_the_same_for_any_address(
    page_both_widths: Page, url: str
) -> None:
    page = page_both_widths
    slots = free_slots(url)
    email = unique_email(f"lookup{width_of(page)}")
    request_booking(url, slots[-6 if width_of(page) == 1280 else -7]["start"], email)
    reference, _ = manage_link(confirm_link(url, email))

    def ask_for(address: str) -> str:
        page.goto(url)
        expect_step(page, "Tag wählen", focused=False)
        page.get_by_role("button", name="Link zu meinem Termin zuschicken").click()
        expect_step(page, "Link zu Ihrem Termin verloren?")
        page.get_by_label("E-Mail-Adresse").fill(address)
        page.get_by_role("button", name="Link zuschicken").click()
        expect_step(page, "Bitte sehen Sie in Ihr E-Mail-Postfach")
        return page.locator("[data-tb-view=lookup-sent]").inner_text()

    page.goto(url)
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("button", name="Link zu meinem Termin zuschicken").click()
    expect_step(page, "Link zu Ihrem Termin verloren?")
    look(page, "13 link verloren")
    page.get_by_role("button", name="Link zuschicken").click()
    expect(field_error(page, "email")).to_contain_text("E-Mail-Adresse")
    look(page, "13 link verloren fehler")

    known = ask_for(email)
    look(page, "14 link verschickt")
    unknown = ask_for(unique_email(f"lookup{width_of(page)}"))  # masked alike: l…@example.org
    assert known == unknown
    found = e_mail(url, email, "Ihre Termine")
    assert reference in found["text"]

    # A link that finds no booking offers the same.
    page.goto(f"{url}/#reference=ZZZZ-ZZZZ&token=AAAAAAAAAAAAAAAAAAAAAAAA")
    expect_step(page, "Buchung nicht gefunden", focused=False)
    view = page.locator("[data-tb-view=manage-not-found]")
    expect(view.get_by_role("button", name="Link zu meinem Termin zuschicken")).to_be_visible()
