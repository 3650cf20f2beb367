"""Issue 12, items 4 and 6 in the browser: the "Anmerkungen" field (counter, the API's error
at the field), the map link and entrance notes of the service centre, and the office's
cancellation notice whose link books a new appointment with priority, beyond the daily
quota. A stack of its own: the always-open test site with a daily quota, a map link and
notes. axe on every new state at 1280, 360 and 320 px."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, Request, expect

from tests.conftest import TEST_SITE
from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    open_page,
    screenshot,
)
from tests.e2e.helpers import expect_step, field_error, try_booking, unique_email
from tests.integration.test_staff_auth import sign_in
from tests.local_processes import local_stack

MAP = "https://www.openstreetmap.org/?mlat=52.75286&mlon=13.24107#map=18/52.75286/13.24107"
NOTES = "Eingang über den Hof, barrierefrei mit Aufzug."
QUOTA = 4  # of the test site's 39 half hours a day


@pytest.fixture(scope="module")
def quota_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    text = TEST_SITE.read_text(encoding="utf-8")
    address = 'address = "Adolf-Dechert-Straße 1, 16515 Oranienburg"\n'
    assert text.count(address) == 1
    text = text.replace(
        address,
        f'{address}map_url = "{MAP}"\naccess_notes = "{NOTES}"\ndaily_quota = {QUOTA}\n',
    )
    folder = tmp_path_factory.mktemp("priority")
    site = folder / "site-priority.toml"
    site.write_text(text, encoding="utf-8")
    with local_stack(Path(folder / "stack.log"), site_config=site) as url:
        yield url


@pytest.fixture(params=[1280, 360, 320], ids=lambda width: f"{width}px")
def page_three_widths(
    request: pytest.FixtureRequest, browser: Browser, browser_errors: BrowserErrors
) -> Iterator[Page]:
    with open_page(browser, browser_errors, request.param) as page:
        yield page


def check(page: Page, step: str) -> None:
    check_accessibility(page, step)
    assert_no_horizontal_scrolling(page)
    screenshot(page, step)


def walk_to_details(page: Page, *, time_index: int = 0) -> None:
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    page.get_by_role("radio").nth(time_index).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")


def sent_bookings(page: Page) -> list[dict[str, object]]:
    bodies: list[dict[str, object]] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/bookings"):
            bodies.append(json.loads(request.post_data or "{}"))

    page.on("request", seen)
    return bodies


def test_remarks_with_a_counter_and_the_way_in_on_the_details_and_confirmation(
    page_three_widths: Page, quota_url: str
) -> None:
    page = page_three_widths
    sent = sent_bookings(page)
    page.goto(quota_url)
    walk_to_details(page)

    # The service centre: how to get in and a plain link to the map, in this tab.
    map_link = page.get_by_role("link", name="Servicecenter Oranienburg auf der Karte ansehen")
    expect(map_link).to_have_attribute("href", MAP)
    expect(map_link).not_to_have_attribute("target", re.compile(".*"))
    expect(page.get_by_text(NOTES)).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)

    remarks = page.get_by_label("Anmerkungen (freiwillig)")
    expect(remarks).to_have_attribute("maxlength", "500")
    expect(page.get_by_text("Noch 500 von 500 Zeichen frei.")).to_be_visible()
    remarks.fill("Ich bringe eine Dolmetscherin mit.")
    expect(page.get_by_text("Noch 466 von 500 Zeichen frei.")).to_be_visible()
    check(page, "Angaben mit Anmerkungen")

    # A direction override: the API's German error at the field, nothing booked.
    remarks.fill("Dolmetscher\u202eniereb")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("remarks"))
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect(field_error(page, "remarks")).to_contain_text(
        "Bitte verwenden Sie nur Buchstaben, Ziffern und Satzzeichen."
    )
    check(page, "Anmerkungen mit Fehler")

    remarks.fill("Ich bringe eine Dolmetscherin mit.")
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Ihr Termin ist gebucht")
    assert sent[-1]["remarks"] == "Ich bringe eine Dolmetscherin mit."
    expect(
        page.get_by_role("link", name="Servicecenter Oranienburg auf der Karte ansehen")
    ).to_be_visible()
    expect(page.get_by_text(NOTES)).to_be_visible()
    check(page, "Bestätigung mit Anfahrt")

    # The manage view names the place the same way.
    page.get_by_role("link", name="Termin ansehen oder absagen").click()
    expect_step(page, "Ihr Termin")
    expect(page.get_by_role("link", name=re.compile("auf der Karte ansehen"))).to_have_attribute(
        "href", MAP
    )
    expect(page.get_by_text(NOTES)).to_be_visible()
    check(page, "Termin ansehen mit Anfahrt")


def office_cancels_a_booking(url: str) -> tuple[str, str]:
    """A citizen's booking the office cancelled; the notice's priority link (from the outbox)."""
    slots = requests.get(f"{url}/locations/oranienburg/slots", timeout=10).json()["slots"]
    email = unique_email("vorrang")
    made = try_booking(
        url,
        {"location": "oranienburg", "service": "beratung", "start": slots[-1]["start"],
         "name": "Erika Mustermann", "email": email},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    staff = requests.get(f"{url}/_dev/staff-users", timeout=10).json()
    token = sign_in(url, staff, "staff-oranienburg")["IdToken"]
    cancelled = requests.post(
        f"{url}/staff/bookings/{made.json()['reference']}/cancel",
        json={"reason": "Erkrankung"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert cancelled.status_code == 200, cancelled.text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        outbox = requests.get(f"{url}/_dev/outbox", timeout=10).json()
        notices = [m for m in outbox if email in m["to"] and "ausfallen" in m["subject"]]
        if notices:
            links = re.findall(r"https?://\S+#priority=\S+", notices[0]["text"])
            assert links, notices[0]["text"]
            return made.json()["reference"], links[0]
        time.sleep(0.2)
    raise AssertionError("no cancellation notice")


def test_the_notice_s_link_books_with_priority_beyond_the_quota_once(
    page_three_widths: Page, quota_url: str
) -> None:
    page = page_three_widths
    reference, link = office_cancels_a_booking(quota_url)
    sent = sent_bookings(page)
    # The notice's link points at the county's page; here the local stack serves it.
    page.goto(quota_url + "/" + link[link.index("#") :])

    expect_step(page, "Neuen Termin mit Vorrang buchen", focused=False)
    check(page, "Vorrang")
    page.get_by_role("button", name="Termin mit Vorrang auswählen").click()
    expect_step(page, "Tag wählen")
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    # Beyond the quota: more times than the release opened.
    expect(page.get_by_role("radio").first).to_be_visible()
    assert page.get_by_role("radio").count() > QUOTA  # each run opens one more seat
    page.get_by_role("radio").nth(0).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    expect(page.locator("[data-tb-priority]")).to_have_text(
        "Sie buchen diesen Termin mit Vorrang, weil wir Ihren bisherigen Termin absagen mussten."
    )
    page.reload()  # the priority survives a reload
    expect_step(page, "Ihre Angaben", focused=False)
    expect(page.locator("[data-tb-priority]")).to_be_visible()
    check(page, "Angaben mit Vorrang")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("vorrang-neu"))
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    expect_step(page, "Ihr Termin ist gebucht")
    assert sent[-1]["priority_for"] == {"reference": reference, "token": link.split("token=")[1]}
    assert sent[-1]["altcha"]  # proof of work still applies
    check(page, "Bestätigung mit Vorrang")
