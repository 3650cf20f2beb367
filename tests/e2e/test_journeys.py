"""Journeys around a booking in the browser: Back, Forward and reload at every step (also on
the confirmation), moving an appointment from the manage view, what the county announced,
and a failure of ours told as such."""

import json

from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    open_page,
    screenshot,
)
from tests.e2e.helpers import (
    book,
    e_mail,
    expect_step,
    fill_slot,
    free_slots,
    german_day,
    german_when,
    show_booking,
    unique_email,
)


def choose(page: Page, index: int) -> str:
    radio = page.get_by_role("radio").nth(index)
    value = radio.get_attribute("value")
    assert value is not None
    radio.check()
    page.get_by_role("button", name="Weiter").click()
    return value


def test_back_forward_and_reload_at_every_step(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)

    day = choose(page, 1)
    expect_step(page, "Uhrzeit wählen")
    page.go_back()
    expect_step(page, "Tag wählen")
    expect(page.locator(f"input[value='{day}']")).to_be_checked()
    page.go_forward()
    expect_step(page, "Uhrzeit wählen")
    page.reload()
    expect_step(page, "Uhrzeit wählen", focused=False)

    start = choose(page, 2)
    expect_step(page, "Ihre Angaben")
    email = unique_email("journey")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.reload()
    expect_step(page, "Ihre Angaben", focused=False)
    expect(page.get_by_text(german_when(start))).to_be_visible()
    expect(page.get_by_label("Vor- und Nachname")).to_have_value("Erika Mustermann")
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(email)
    page.go_back()
    expect_step(page, "Uhrzeit wählen")
    expect(page.locator(f"input[value='{start}']")).to_be_checked()
    page.go_forward()
    expect_step(page, "Ihre Angaben")
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(email)

    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Ihr Termin ist gebucht")
    reference = page.locator("[data-tb-reference]").inner_text()

    page.reload()
    expect_step(page, "Ihr Termin ist gebucht", focused=False)
    expect(page.locator("[data-tb-reference]")).to_have_text(reference)
    expect(page.locator("[data-tb-view=confirmation]")).to_contain_text(german_day(start))
    # Back after booking shows the booking made, never its form again.
    page.go_back()
    expect_step(page, "Ihr Termin ist gebucht")
    expect(page.get_by_label("Vor- und Nachname")).to_have_count(0)
    # What the citizen typed is gone from the tab; only the confirmation is kept.
    kept = page.evaluate("() => sessionStorage.getItem('terminbuchung')")
    assert "Erika" not in kept
    assert json.loads(kept)["confirmation"]["reference"] == reference
    assert page.url.startswith(site_url)


def test_move_an_appointment_from_the_manage_view(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    width = page.viewport_size["width"] if page.viewport_size else 0
    slots = free_slots(site_url)
    email = unique_email(f"move{width}")
    booking = book(site_url, slots[20]["start"], email, "Erika Mustermann")
    page.goto(f"{site_url}/#reference={booking.reference}&token={booking.token}")
    expect_step(page, "Ihr Termin", focused=False)

    page.get_by_role("button", name="Termin verschieben").click()
    expect_step(page, "neuen Tag wählen")
    view = page.locator("[data-tb-view=reschedule-day]")
    expect(view).to_contain_text(f"Ihr bisheriger Termin am {german_when(booking.start)}")
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verschieben: neuer Tag")
    screenshot(page, "8-verschieben-tag")

    day = choose(page, 2)
    expect_step(page, "neue Uhrzeit wählen")
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verschieben: neue Uhrzeit")
    screenshot(page, "9-verschieben-uhrzeit")
    page.go_back()
    expect_step(page, "neuen Tag wählen")
    expect(page.locator(f"input[value='{day}']")).to_be_checked()
    page.go_forward()
    expect_step(page, "neue Uhrzeit wählen")
    page.reload()
    expect_step(page, "neue Uhrzeit wählen", focused=False)

    new_start = choose(page, 1)
    expect_step(page, "Termin verschieben?")
    question = page.locator("[data-tb-view=reschedule-confirm]")
    expect(question).to_contain_text(german_when(booking.start))
    expect(question).to_contain_text(german_when(new_start))
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verschieben: bestätigen")
    screenshot(page, "10-verschieben-frage")
    page.reload()
    expect_step(page, "Termin verschieben?", focused=False)
    # Until confirmed, the old appointment is the citizen's.
    assert show_booking(site_url, booking.reference, booking.token)["start"] == booking.start

    page.get_by_role("button", name="Ja, Termin verschieben").click()
    expect_step(page, "Ihr Termin wurde verlegt")
    expect(page.locator("[data-tb-view=rescheduled]")).to_contain_text(german_when(new_start))
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verschieben: verlegt")
    screenshot(page, "11-verlegt")
    shown = show_booking(site_url, booking.reference, booking.token)
    assert (shown["start"], shown["status"]) == (new_start, "confirmed")
    mail = e_mail(site_url, email, "Ihr Termin wurde verlegt")
    assert booking.reference in mail["text"]

    # Back does not offer the move made again: the booking as it is now.
    page.go_back()
    expect_step(page, "Ihr Termin", focused=False)
    expect(page.locator("[data-tb-view=manage]")).to_contain_text(german_day(new_start))
    page.reload()
    expect(page.locator("[data-tb-view=manage]")).to_contain_text(german_day(new_start))


def test_moving_at_320_px_reflows_and_passes_axe(
    browser: Browser, browser_errors: BrowserErrors, site_url: str
) -> None:
    slots = free_slots(site_url)
    booking = book(site_url, slots[30]["start"], unique_email("move320"), "Erika Mustermann")
    with open_page(browser, browser_errors, 320) as page:
        page.goto(f"{site_url}/#reference={booking.reference}&token={booking.token}")
        page.get_by_role("button", name="Termin verschieben").click()
        for step, title in [
            ("Verschieben: neuer Tag", "neuen Tag wählen"),
            ("Verschieben: neue Uhrzeit", "neue Uhrzeit wählen"),
            ("Verschieben: bestätigen", "Termin verschieben?"),
        ]:
            expect_step(page, title)
            assert_no_horizontal_scrolling(page)
            check_accessibility(page, step)
            if title != "Termin verschieben?":
                choose(page, 1)
        page.get_by_role("button", name="Ja, Termin verschieben").click()
        expect_step(page, "Ihr Termin wurde verlegt")
        assert_no_horizontal_scrolling(page)
        check_accessibility(page, "Verschieben: verlegt")
        screenshot(page, "11-verlegt")


def test_a_new_time_taken_meanwhile_keeps_the_old_appointment(page: Page, site_url: str) -> None:
    slots = free_slots(site_url)
    booking = book(site_url, slots[25]["start"], unique_email("lost"), "Erika Mustermann")
    page.goto(f"{site_url}/#reference={booking.reference}&token={booking.token}")
    page.get_by_role("button", name="Termin verschieben").click()
    choose(page, 3)
    new_start = choose(page, 0)
    expect_step(page, "Termin verschieben?")
    fill_slot(site_url, new_start)  # others are faster

    page.get_by_role("button", name="Ja, Termin verschieben").click()

    expect_step(page, "neue Uhrzeit wählen")
    notice = page.locator("[data-tb-view=reschedule-time] [data-tb-notice=error]")
    expect(notice).to_contain_text("schon vergeben")
    expect(notice).to_contain_text("Ihr bisheriger Termin bleibt bestehen")
    expect(page.locator(f"input[value='{new_start}']")).to_have_count(0)
    assert show_booking(site_url, booking.reference, booking.token)["start"] == booking.start
    check_accessibility(page, "Verschieben: Uhrzeit vergeben")


def test_what_the_county_announced_is_on_the_page(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    page.goto(site_url)
    hint = page.get_by_role("region", name="Gut zu wissen")
    expect(hint).to_contain_text("keinen festen Wohnsitz")
    expect(hint).to_contain_text("gilt das bisherige Verfahren")
    expect(hint).to_contain_text("Servicecenter Gransee")
    expect(hint).to_contain_text("nach der Testphase")
    expect(hint).to_contain_text(
        "Montag 9 bis 15 Uhr, Dienstag 9 bis 16 Uhr, Mittwoch 9 bis 15 Uhr, "
        "Donnerstag 9 bis 16 Uhr, Freitag 9 bis 12 Uhr"
    )
    expect(hint.get_by_role("link", name="03301 601-5500")).to_be_visible()
    expect_step(page, "Tag wählen", focused=False)
    check_accessibility(page, "Hinweise der Kreisverwaltung")


def test_a_failure_of_ours_is_not_the_citizen_s_mistake(
    page: Page, site_url: str, browser_errors: BrowserErrors
) -> None:
    browser_errors.provoked.append("status of 500")

    def fail(route: Route) -> None:
        route.fulfill(
            status=500,
            content_type="application/json",
            body=json.dumps(
                {
                    "error": {
                        "code": "internal_error",
                        "message": "Das ist unser Fehler, nicht Ihrer: Ihre Anfrage konnte "
                        "gerade nicht bearbeitet werden. Bitte versuchen Sie es später noch "
                        "einmal oder rufen Sie uns an und nennen Sie die Fehlernummer K7QP3XMA.",
                        "field": None,
                        "error_number": "K7QP3XMA",
                        "request_id": "7f1c0a52-3c1e-4d55-9a3e-0c5a6d1f2b9e",
                    }
                }
            ),
        )

    page.goto(site_url)
    choose(page, 1)
    choose(page, 2)
    page.route("**/bookings", fail)
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("ours"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    box = page.locator("[data-tb-server-error]")
    expect(box).to_be_focused()
    expect(box).to_contain_text("unser Fehler")
    expect(box).to_contain_text("K7QP3XMA")
    expect(box).not_to_contain_text("7f1c0a52")
    expect(page.get_by_text("Bitte prüfen Sie Ihre Angaben")).to_have_count(0)
    check_accessibility(page, "Fehler auf unserer Seite")
