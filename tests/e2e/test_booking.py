"""Booking in the browser: the whole flow, the lost race for a seat, errors at their field."""

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from terminbuchung.clock import BERLIN
from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    open_page,
    screenshot,
)
from tests.e2e.helpers import (
    REFERENCE,
    calendar_file,
    e_mail,
    event_lines,
    expect_step,
    field_error,
    fill_slot,
    german_day,
    german_time,
    german_when,
    manage_link,
    show_booking,
    status_text,
    try_booking,
    unique_email,
    unique_household_number,
)


@pytest.fixture(
    params=[(1280, 1), (360, 1), (320, 1), (640, 2)],
    ids=["1280px", "360px", "320px", "1280px-zoom-200"],
)
def sized_page(
    request: pytest.FixtureRequest, browser: Browser, browser_errors: BrowserErrors
) -> Iterator[Page]:
    """Desktop, a phone, 320 px (WCAG's reflow width) and a 1280 px window zoomed to 200 %.

    Zooming a 1280 px window to 200 % gives the page 640 CSS pixels at 2 device pixels each.
    The browser's clock runs in New York: the page must still show Berlin times.
    """
    width, scale = request.param
    with open_page(
        browser,
        browser_errors,
        width,
        device_scale_factor=scale,
        timezone_id="America/New_York",
    ) as page:
        yield page


def choose_day_and_time(page: Page, time_index: int) -> str:
    """Tomorrow (always open on the test site), the n-th free time; returns its start."""
    days = page.get_by_role("radio")
    days.nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    time = page.get_by_role("radio").nth(time_index)
    start = time.get_attribute("value")
    assert start is not None
    time.check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    return start


def fill_details(page: Page, name: str, email: str) -> None:
    page.get_by_label("Vor- und Nachname").fill(name)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ich bin einverstanden").check()


def test_whole_booking_flow(sized_page: Page, site_url: str) -> None:
    page = sized_page
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.goto(site_url)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    hint = page.get_by_role("region", name="Gut zu wissen")
    expect(hint).to_contain_text("persönliches Gespräch")
    expect(hint).to_contain_text("mit der Post oder per E-Mail")
    expect(hint).to_contain_text("eine Person pro Bedarfsgemeinschaft")
    expect(hint).to_contain_text("Kinder")

    # One service centre and one online service: the page starts with the day.
    day_heading = expect_step(page, "Tag wählen", focused=False)
    expect(day_heading).to_have_text("Schritt 1 von 3: Tag wählen")
    expect(page.get_by_text("Servicecenter Oranienburg, Adolf-Dechert-Straße 1")).to_be_visible()
    days = page.get_by_role("radio")
    first_day = days.nth(1).get_attribute("value")
    assert first_day is not None
    tomorrow = page.get_by_role("radio", name=german_day(f"{first_day}T12:00:00+01:00"), exact=True)
    expect(tomorrow).to_have_accessible_description(re.compile(r"^\d+ freie Uhrzeit(en)?$"))
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "1 Tag wählen")
    screenshot(page, "1-tag")

    days.nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    times = page.get_by_role("radio")
    expect(times.first).to_have_accessible_name(re.compile(r"^\d\d:\d\d Uhr$"))
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "2 Uhrzeit wählen")
    screenshot(page, "2-uhrzeit")

    time_index = {1280: 2, 360: 3, 320: 4, 640: 5}[width]
    start = times.nth(time_index).get_attribute("value")
    assert start is not None
    expect(times.nth(time_index)).to_have_accessible_name(german_time(start))
    times.nth(time_index).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    expect(page.get_by_text(german_when(start))).to_be_visible()
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "3 Ihre Angaben")
    screenshot(page, "3-angaben")

    email = unique_email(f"flow{width}")
    fill_details(page, "Erika Mustermann", email)
    page.get_by_label("Telefonnummer").fill("03301 123456")
    page.get_by_label("Nummer der Bedarfsgemeinschaft").fill(unique_household_number())
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    expect_step(page, "Ihr Termin ist gebucht")
    reference = page.locator("[data-tb-reference]").inner_text()
    assert REFERENCE.match(reference), reference
    confirmation = page.locator("[data-tb-view=confirmation]")
    expect(confirmation).to_contain_text(german_day(start))
    expect(confirmation).to_contain_text(f"{german_time(start)} bis ")
    expect(confirmation).to_contain_text("Adolf-Dechert-Straße 1, 16515 Oranienburg")
    expect(confirmation).to_contain_text(email)
    bring = page.get_by_role("heading", name="Bitte bringen Sie mit")
    expect(bring).to_be_visible()
    expect(confirmation.get_by_role("listitem")).to_contain_text(["Personalausweis oder Reisepass"])
    expect(status_text(page)).to_contain_text(f"Ihr Termin ist gebucht. Buchungsnummer {reference}")
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "4 Bestätigung")
    screenshot(page, "4-bestaetigung")

    # The calendar file comes from the API: the e-mail's invitation, at the booked local
    # time in Berlin (with its time zone), under the e-mail's title.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="In den Kalender eintragen").click()
    download = download_info.value
    assert download.suggested_filename == f"Termin-Jobcenter-{reference}.ics"
    ics = download.path().read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert ics.endswith("END:VCALENDAR\r\n")
    unfolded = ics.replace("\r\n ", "")
    assert f"DTSTART;TZID=Europe/Berlin:{start_in_berlin(start)}" in unfolded
    assert "METHOD:REQUEST" in unfolded
    assert f"UID:{reference}@terminbuchung.oberhavel.de" in unfolded
    assert "SUMMARY:Jobcenter Oberhavel: Persönliche Beratung" in unfolded
    assert "LOCATION:Servicecenter Oranienburg\\, Adolf-Dechert-Straße 1\\, 16515" in unfolded
    assert f"Buchungsnummer: {reference}" in unfolded
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))

    # The page's own link to the manage view carries the same secret as the e-mail's.
    href = page.get_by_role("link", name="Termin ansehen oder absagen").get_attribute("href")
    assert href is not None
    link_reference, token = manage_link(href)
    assert link_reference == reference
    stored = show_booking(site_url, reference, token)
    assert stored["status"] == "confirmed"
    assert stored["name"] == "Erika Mustermann"
    assert stored["start"] == start

    # The downloaded file is the API's, and the same event as the confirmation e-mail's.
    assert event_lines(ics) == event_lines(calendar_file(site_url, reference, token))
    (attachment,) = e_mail(site_url, email, "Ihr Termin im Jobcenter Oberhavel am ")["attachments"]
    assert event_lines(ics) == event_lines(attachment["content"])


def start_in_berlin(start: str) -> str:
    return f"{datetime.fromisoformat(start).astimezone(BERLIN):%Y%m%dT%H%M%S}"


def test_seat_taken_between_choosing_and_submitting(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    start = choose_day_and_time(page, time_index=6)
    fill_details(page, "Erika Mustermann", unique_email("race"))

    # Meanwhile other citizens book every seat left in that slot.
    assert fill_slot(site_url, start) >= 1

    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Uhrzeit wählen")
    taken = "Dieser Termin ist leider schon vergeben. Bitte wählen Sie eine andere Uhrzeit."
    notice = page.locator("[data-tb-notice=error]")
    expect(notice).to_contain_text(taken)
    expect(notice).to_contain_text("Die Uhrzeiten unten sind jetzt noch frei.")
    expect(status_text(page)).to_contain_text(taken)
    # The times were loaded again: the lost one is gone, the others are offered.
    expect(page.locator(f'input[type=radio][value="{start}"]')).to_have_count(0)
    expect(page.get_by_role("radio").first).to_be_visible()
    check_accessibility(page, "Uhrzeit vergeben (409 slot_full)")
    screenshot(page, "2-uhrzeit-vergeben")

    # What the citizen typed is still there; another time books.
    page.get_by_role("radio").nth(6).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Erika Mustermann")
    expect(page.get_by_label("Ich bin einverstanden")).to_be_checked()
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Ihr Termin ist gebucht")


def test_errors_are_shown_at_their_field(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    start = choose_day_and_time(page, time_index=8)
    submit = page.get_by_role("button", name="Termin verbindlich buchen")

    # Nothing filled in: what the page can tell by itself, all at once, summary focused.
    submit.click()
    summary = page.locator("[data-tb-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(field_error(page, "name")).to_have_text("Fehler: Bitte geben Sie Ihren Namen an.")
    expect(field_error(page, "email")).to_contain_text("Bitte geben Sie Ihre E-Mail-Adresse an.")
    expect(field_error(page, "consent")).to_contain_text("einverstanden")
    expect(page.get_by_label("Vor- und Nachname")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Vor- und Nachname")).to_have_accessible_description(
        "Fehler: Bitte geben Sie Ihren Namen an."
    )
    check_accessibility(page, "3 Ihre Angaben mit Fehlern")
    screenshot(page, "3-angaben-fehler")

    # A malformed e-mail address: the API's German message, at the e-mail field.
    payload = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": "erika@",
    }
    api_message = try_booking(site_url, payload).json()["error"]
    assert api_message["field"] == "email"
    fill_details(page, "Erika Mustermann", "erika@")
    submit.click()
    expect(field_error(page, "email")).to_have_text(f"Fehler: {api_message['message']}")
    expect(field_error(page, "name")).to_be_hidden()
    expect(page.get_by_label("Vor- und Nachname")).not_to_have_attribute("aria-invalid", "true")
    email_input = page.get_by_label("E-Mail-Adresse")
    expect(email_input).to_have_attribute("aria-invalid", "true")
    expect(summary).to_be_focused()
    # The summary's link leads to the field.
    summary.get_by_role("link", name=api_message["message"]).click()
    expect(email_input).to_be_focused()

    # Phone and household number: the API names one field at a time, in form order.
    email_input.fill(unique_email("fields"))
    page.get_by_label("Telefonnummer").fill("ruf mich an")
    page.get_by_label("Nummer der Bedarfsgemeinschaft").fill("123")
    submit.click()
    expect(field_error(page, "phone")).to_contain_text(
        "Bitte geben Sie eine Telefonnummer nur mit Ziffern an"
    )
    expect(field_error(page, "email")).to_be_hidden()
    page.get_by_label("Telefonnummer").fill("")
    submit.click()
    expect(field_error(page, "household_number")).to_contain_text(
        "Die Nummer der Bedarfsgemeinschaft hat 5 Ziffern, dann BG, dann 7 Ziffern"
    )
    expect(field_error(page, "phone")).to_be_hidden()
    page.get_by_label("Nummer der Bedarfsgemeinschaft").fill("")

    # Someone with this e-mail address already holds an appointment: 409 at the e-mail field.
    taken_email = unique_email("already")
    details_step = page.locator("[data-tb-view=details]")
    assert try_booking(site_url, {**payload, "email": taken_email}).status_code == 201
    email_input.fill(taken_email)
    submit.click()
    expect(field_error(page, "email")).to_contain_text("Sie haben bereits einen Termin gebucht.")
    expect(details_step).to_be_visible()
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "3 Ihre Angaben, Fehler der API")
    screenshot(page, "3-angaben-fehler-der-api")
