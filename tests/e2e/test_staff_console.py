"""The staff console (web/staff/) in Debian's Chromium against one local stack whose clock
stands on Tuesday 1 December 2026, 11:10 (tests/e2e/staff_stack.py; the browser's clock is
moved alike): sign-in, the day list from bookings made through the public API, check-in,
no-show, cancelling with a reason, booking for a caller, closing an afternoon, the
evaluation with its charts and CSV, who may see which location, sign-out and idle sign-out,
the keyboard alone, the print view; axe-core on every view at 1280 and 360 px, screenshots
of every view to test-artifacts/screenshots/staff-*.png.

Each test books its own citizens at a time of its own, so the tests share the stack (one
per module) and still do not depend on each other's order.
"""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    screenshot,
)
from tests.e2e.staff_console import (
    REFERENCE,
    TODAY,
    Stack,
    appointment,
    at,
    booking_item,
    citizen_books,
    console,
    day_list,
    mail_to,
    moved_stack,
    new_member,
    outbox,
    sign_in,
    staff_api,
    status,
    stored_tokens,
    unique_email,
    with_authenticator_app,
)

FOCUS_RING = "rgb(255, 191, 0)"


def axe_clean(page: Page, step: str) -> None:
    """axe-core finds nothing on the view, of any impact (conftest fails on serious and
    critical ones only)."""
    record = check_accessibility(page, step)
    assert sum(record.counts.values()) == 0, record.rules


def starts(text: str) -> re.Pattern[str]:
    """A name from its start: "Erschienen: …" is also the end of "Nicht erschienen: …"."""
    return re.compile("^" + re.escape(text))


@pytest.fixture(scope="module")
def stack(logs: Path) -> Iterator[Stack]:
    with moved_stack(logs / "stack-staff-console.log") as running:
        yield running


def open_day(page: Page) -> None:
    expect(page).to_have_url(re.compile(rf"#/tag/oranienburg/{TODAY}$"))
    expect(page.locator("[data-st-summary]")).to_be_visible()


def seats_line(slot: dict[str, int]) -> str:
    free = slot["capacity"] - slot["booked"]
    return f"{slot['capacity']} Plätze · {slot['booked']} gebucht · {free} frei"


# --- the day list ---------------------------------------------------------------------------


def test_the_day_list_shows_todays_bookings_from_the_public_api(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    erika = citizen_books(stack, at("12:00"), "Erika Mustermann", unique_email("erika"))
    max_ = citizen_books(stack, at("12:30"), "Max Muster", unique_email("max"))

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)

        expect(page.locator("[data-st-day-title]")).to_have_text("Dienstag, 1. Dezember 2026")
        for reference, name in ((erika, "Erika Mustermann"), (max_, "Max Muster")):
            item = booking_item(page, reference)
            expect(item.get_by_role("heading", name=name)).to_be_visible()
            expect(item).to_contain_text(reference)
            expect(item).to_contain_text("Persönliche Beratung")
            expect(item).to_contain_text("online")
            expect(item.get_by_role("button", name=starts(f"Erschienen: {name}"))).to_be_visible()
        # Seats, bookings and free seats per slot as the staff API counts them.
        slots = {s["start"]: s for s in day_list(stack)["slots"]}
        for start in (at("12:00"), at("12:30")):
            block = page.locator(f'[data-st-slot="{start}"]')
            expect(block.locator(".st-seats")).to_have_text(seats_line(slots[start]))


def test_check_in_and_undo_are_announced_and_kept(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    clara = citizen_books(stack, at("13:00"), "Clara Check", unique_email("clara"))

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        item = booking_item(page, clara)
        item.get_by_role("button", name=starts("Erschienen: Clara Check")).click()

        status(page).to_have_text("Clara Check ist als erschienen eingetragen.")
        expect(item).to_contain_text("Erschienen um 11:")
        assert appointment(stack, clara)["checked_in_at"] is not None
        undo = item.get_by_role("button", name=starts("Erschienen zurücknehmen: Clara Check"))
        expect(undo).to_be_focused()  # the focus stays with this citizen
        screenshot(page, "staff-day-checked-in")

        undo.click()
        status(page).to_have_text("Clara Check: Erscheinen zurückgenommen.")
        expect(item.get_by_role("button", name=starts("Erschienen: Clara Check"))).to_be_visible()
        assert appointment(stack, clara)["checked_in_at"] is None

        item.get_by_role("button", name=starts("Erschienen: Clara Check")).click()
        status(page).to_have_text("Clara Check ist als erschienen eingetragen.")
        assert appointment(stack, clara)["checked_in_at"] is not None


def test_a_no_show_from_the_start_of_the_appointment_on(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    # 11:00 has begun ten minutes ago: the office may still book it, and mark a no-show.
    begun = staff_api(
        stack,
        "POST",
        "/staff/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": at("11:00"),
            "name": "Nora Nichtda",
            "phone": "03301 555000",
        },
    )
    assert begun.status_code == 201, begun.text
    nora = begun.json()["reference"]
    later = citizen_books(stack, at("20:00"), "Lena Später", unique_email("lena"))
    browser_errors.provoked.append("status of 409")  # too early, on purpose

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        booking_item(page, nora).get_by_role(
            "button", name=starts("Nicht erschienen: Nora Nichtda")
        ).click()

        status(page).to_have_text("Nora Nichtda ist als nicht erschienen eingetragen.")
        expect(booking_item(page, nora)).to_contain_text("Nicht erschienen")
        assert appointment(stack, nora)["no_show"] is True

        # An appointment still ahead cannot be missed yet: the error is said (role=alert).
        booking_item(page, later).get_by_role(
            "button", name=starts("Nicht erschienen: Lena Später")
        ).click()
        alert = page.locator("[data-st-error]")
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("erst ab Beginn des Termins")
        assert appointment(stack, later)["no_show"] is False


def test_cancel_with_a_reason_sends_the_office_notice_and_resend_sends_again(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    carl_email = unique_email("carl")
    carl = citizen_books(stack, at("13:30"), "Carl Absage", carl_email)
    rita_email = unique_email("rita")
    rita = citizen_books(stack, at("21:00"), "Rita Nochmal", rita_email)
    mail_to(stack, rita_email, "Ihr Termin im")  # the first confirmation is out

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        item = booking_item(page, carl)
        item.get_by_role("button", name=starts("Absagen: Carl Absage")).click()
        reason = item.get_by_label("Grund der Absage")
        expect(reason).to_be_focused()
        item.get_by_role("button", name="Termin absagen").click()
        expect(reason).to_have_attribute("aria-invalid", "true")
        expect(item).to_contain_text("Bitte geben Sie den Grund an.")
        screenshot(page, "staff-day-cancel-form")

        reason.fill("Die Sachbearbeiterin ist erkrankt")
        item.get_by_role("button", name="Termin absagen").click()

        status(page).to_contain_text("Der Termin von Carl Absage ist abgesagt.")
        expect(item).to_contain_text("abgesagt vom Jobcenter")
        assert appointment(stack, carl)["status"] == "cancelled_by_office"
        notice = mail_to(stack, carl_email, "muss leider ausfallen")
        assert "Die Sachbearbeiterin ist erkrankt" in notice["text"]

        booking_item(page, rita).get_by_role(
            "button", name=starts("Bestätigung erneut senden: Rita Nochmal")
        ).click()
        status(page).to_have_text("Die Bestätigung an Rita Nochmal wird erneut gesendet.")
        confirmations = []
        for _ in range(100):
            confirmations = [
                m
                for m in outbox(stack)
                if rita_email in m["to"] and "ausfallen" not in m["subject"]
            ]
            if len(confirmations) == 2:
                break
            page.wait_for_timeout(200)
        assert len(confirmations) == 2


def test_the_list_updates_without_reloading_the_page(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)
        page.evaluate("window.__notReloaded = true")
        newcomer = citizen_books(stack, at("22:00"), "Nina Neu", unique_email("nina"))
        page.clock.run_for(31_000)  # the list asks again every 30 seconds
        expect(booking_item(page, newcomer)).to_be_visible()
        assert page.evaluate("window.__notReloaded") is True


def test_previous_next_and_the_date_picker(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        page.get_by_role("link", name="Nächster Tag →").click()
        expect(page.locator("[data-st-day-title]")).to_have_text("Mittwoch, 2. Dezember 2026")
        page.get_by_role("link", name="← Vorheriger Tag").click()
        page.get_by_role("link", name="← Vorheriger Tag").click()
        expect(page.locator("[data-st-day-title]")).to_have_text("Montag, 30. November 2026")
        page.get_by_label("Datum").fill("2026-12-04")
        page.get_by_role("button", name="Anzeigen").click()
        expect(page.locator("[data-st-day-title]")).to_have_text("Freitag, 4. Dezember 2026")
        page.get_by_role("link", name="Heute").click()
        expect(page.locator("[data-st-day-title]")).to_have_text("Dienstag, 1. Dezember 2026")


def test_the_print_view_gives_one_a4_page_per_half_day(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    citizen_books(stack, at("11:30"), "Paula Papier", unique_email("paula"))
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)
        page.emulate_media(media="print")
        expect(page.get_by_role("button", name="Drucken")).to_be_hidden()
        expect(page.locator("table.st-print-table").first).to_be_visible()
        screenshot(page, "staff-day-print")
        pdf = page.pdf(format="A4")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 2  # morning and afternoon, one page each


# --- booking for a caller -------------------------------------------------------------------


def test_booking_for_a_caller_without_an_e_mail_address(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        page.get_by_role("link", name="Termin für Anrufende").click()
        # Every service of the location, also the one citizens cannot book online.
        expect(page.get_by_label("Anliegen").locator("option")).to_have_text(
            ["Persönliche Beratung", "Abgabe von Unterlagen"]
        )
        # Today at short notice: the slot that began at 11:00 is still offered.
        expect(page.get_by_label(re.compile(r"^11:00 Uhr"))).to_be_visible()
        page.get_by_label(re.compile(r"^11:30 Uhr")).check()
        page.get_by_label("Name").fill("Paul Anrufer")
        page.get_by_label("Telefon").fill("03301 987654")
        page.get_by_role("button", name="Termin buchen").click()

        large = page.locator("[data-st-reference-large]")
        expect(large).to_be_visible()
        reference = large.inner_text().strip()
        assert REFERENCE.fullmatch(reference)
        box = page.locator("[data-st-booked]")
        expect(box).to_contain_text("Es geht keine E-Mail hinaus")
        rows = box.locator("tbody tr")
        expect(rows).to_have_count(9)  # four, the dash, four
        expect(rows.nth(4)).to_contain_text("Bindestrich")
        status(page).to_contain_text(f"Gebucht: {reference}")
        booked = appointment(stack, reference)
        assert (booked["booked_via"], booked["email"], booked["phone"]) == (
            "phone",
            None,
            "03301 987654",
        )
        assert not [m for m in outbox(stack) if reference in m["text"]]

        page.get_by_role("link", name="Tagesliste").click()
        expect(booking_item(page, reference)).to_contain_text("telefonisch")


# --- the citizen's language (issue 15) --------------------------------------------------------


def test_staff_see_each_citizen_s_language_in_the_day_list_and_in_print(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    # 19:00 and 19:30: outside the afternoon another test closes (14:00-17:00).
    arabic = citizen_books(stack, at("19:00"), "Amal Haddad", unique_email("amal"), "ar")
    german = citizen_books(stack, at("19:00"), "Gerd Gruber", unique_email("gerd"))

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)

        # Another language stands out, so staff can arrange an interpreter.
        expect(booking_item(page, arabic).locator("strong[data-st-language='ar']")).to_have_text(
            "Arabisch – E-Mails in dieser Sprache"
        )
        expect(booking_item(page, german).locator("[data-st-language='de']")).to_have_text(
            "Deutsch"
        )
        axe_clean(page, "staff-day-languages")
        page.emulate_media(media="print")
        row = page.locator("table.st-print-table tbody tr", has_text=arabic)
        expect(row.locator("td").nth(7)).to_have_text("Arabisch")
        expect(page.locator("table.st-print-table th").nth(7)).to_have_text("Sprache")
        screenshot(page, "staff-day-print-languages")


def test_booking_for_a_caller_in_ukrainian_mails_in_ukrainian(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    address = unique_email("oksana")
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        page.get_by_role("link", name="Termin für Anrufende").click()
        expect(page.get_by_label("Sprache")).to_have_value("de")
        expect(page.get_by_label("Sprache").locator("option")).to_have_text(
            ["Deutsch", "Leichte Sprache", "Englisch", "Ukrainisch", "Arabisch"]
        )
        page.get_by_label(re.compile(r"^19:30 Uhr")).check()
        page.get_by_label("Name").fill("Oksana Koval")
        page.get_by_label("Telefon").fill("03301 456789")
        page.get_by_label("E-Mail-Adresse").fill(address)
        page.get_by_label("Sprache").select_option("uk")
        axe_clean(page, "staff-caller-language")
        page.get_by_role("button", name="Termin buchen").click()

        large = page.locator("[data-st-reference-large]")
        expect(large).to_be_visible()
        reference = large.inner_text().strip()
        assert appointment(stack, reference)["language"] == "uk"
        mail = mail_to(stack, address, "Ваш прийом")
        assert "Добрий день, Oksana Koval!" in mail["text"]
        assert f"Buchungsnummer {reference} – Text in: Ukrainisch" in " ".join(mail["text"].split())

        page.get_by_role("link", name="Tagesliste").click()
        expect(booking_item(page, reference)).to_contain_text("Ukrainisch")


# --- closures --------------------------------------------------------------------------------


def test_closing_an_afternoon_asks_first_and_reopening_it(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    fritz_email = unique_email("fritz")
    fritz = citizen_books(stack, at("15:00"), "Fritz Frei", fritz_email)

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        page.get_by_role("link", name="Schließungen").click()
        page.get_by_label("Von (Uhrzeit)").fill("14:00")
        page.get_by_label("Bis (Uhrzeit)").fill("17:00")
        page.get_by_label("Grund", exact=True).fill("Betriebsversammlung")

        # Asked first, with the count; cancelling the question changes nothing.
        page.get_by_role("button", name="Schließung prüfen").click()
        preview = page.locator("[data-st-preview]")
        expect(preview).to_contain_text("6 Zeitfenster werden geschlossen, 1 Buchung wird abgesagt")
        page.get_by_role("button", name="Abbrechen").click()
        assert appointment(stack, fritz)["status"] == "confirmed"
        assert not [s for s in day_list(stack)["slots"] if s["closed_reason"]]

        page.get_by_role("button", name="Schließung prüfen").click()
        screenshot(page, "staff-closure-confirm")
        page.get_by_role("button", name="Ja, schließen und 1 Termin absagen").click()

        status(page).to_contain_text("Geschlossen: Dienstag, 1. Dezember 2026, 14:00–17:00 Uhr.")
        expect(page.locator("[data-st-closed]")).to_contain_text(
            "14:00–17:00 Uhr: Betriebsversammlung"
        )
        closed = [s["start"] for s in day_list(stack)["slots"] if s["closed_reason"]]
        assert closed == [at(f"{h}:{m}") for h in (14, 15, 16) for m in ("00", "30")]
        assert appointment(stack, fritz)["status"] == "cancelled_by_office"
        assert "Betriebsversammlung" in mail_to(stack, fritz_email, "ausfallen")["text"]

        page.get_by_role("button", name="Diesen Tag wieder öffnen").click()
        status(page).to_contain_text("wieder geöffnet (6 Zeitfenster)")
        expect(page.locator("[data-st-closed]")).to_contain_text("nichts geschlossen")
        assert not [s for s in day_list(stack)["slots"] if s["closed_reason"]]


# --- evaluation ------------------------------------------------------------------------------


def test_the_admin_sees_the_evaluation_with_both_charts_and_downloads_its_csv(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    citizen_books(stack, at("18:00"), "Eva Auswertung", unique_email("eva"))

    with console(browser, browser_errors, stack) as page:
        sign_in(page, "staff-admin")
        page.get_by_role("link", name="Auswertung").click()
        page.get_by_label("Standort", exact=True).select_option(label="Servicecenter Oranienburg")
        page.get_by_role("button", name="Anzeigen").click()
        status(page).to_contain_text("Auswertung")

        query = {"from": "2026-11-02", "to": TODAY, "location": "oranienburg"}
        api = staff_api(stack, "GET", "/staff/reports/evaluation", "staff-admin", params=query)
        assert api.status_code == 200, api.text
        report = api.json()
        days = report["days"]

        for chart, title in (("days", "Buchungen pro Tag"), ("heat", "Auslastung nach Wochentag")):
            image = page.locator(f'[data-st-chart="{chart}"] svg[role="img"]')
            expect(image).to_be_visible()
            expect(image.locator("title")).to_contain_text(title)
            expect(image.locator("desc")).not_to_be_empty()
        # The tables beside the charts hold the API's figures.
        per_day = page.locator('[data-st-table="days"] tbody tr')
        expect(per_day).to_have_count(len({d["day"] for d in days}))
        (today_row,) = [d for d in days if d["day"] == TODAY]
        booked_today = today_row["booked_online"] + today_row["booked_by_phone"]
        expect(per_day.last.locator("td").last).to_have_text(str(booked_today))
        heat = page.locator('[data-st-table="heat"] tbody tr')
        expect(heat).to_have_count(len(report["by_weekday_hour"]))
        released = sum(d["seats_released"] for d in days)
        expect(page.locator("[data-st-figures]")).to_contain_text(f"Plätze freigegeben{released}")

        with page.expect_download() as waiting:
            page.get_by_role("button", name="Als CSV herunterladen").click()
        download = waiting.value
        assert download.suggested_filename == f"Auswertung-2026-11-02-{TODAY}.csv"
        content = Path(download.path()).read_bytes()
        as_csv = staff_api(
            stack,
            "GET",
            "/staff/reports/evaluation",
            "staff-admin",
            params=query,
            headers={"Accept": "text/csv"},
        )
        assert content == as_csv.content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) == len(days) + 1
        (csv_today,) = [row for row in rows[1:] if row[0] == TODAY]
        assert int(csv_today[3]) + int(csv_today[4]) == booked_today


# --- who may see what, sign-out -----------------------------------------------------------------


def test_staff_of_one_location_cannot_open_another_locations_day(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    browser_errors.provoked.append("status of 403")
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)
        page.evaluate(f"window.location.hash = '#/tag/gransee/{TODAY}'")
        expect(page.locator("[data-st-forbidden]")).to_be_visible()
        expect(page.locator("[data-st-error]")).to_contain_text("Kein Zugriff")
        expect(page.locator(".st-appointment")).to_have_count(0)
        screenshot(page, "staff-day-forbidden")
    answer = staff_api(stack, "GET", f"/staff/locations/gransee/days/{TODAY}")
    assert answer.status_code == 403


def test_signing_out_forgets_the_tokens(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        kept = stored_tokens(page)
        assert "idToken" in kept["session"]
        assert kept["local"] == "{}"  # never localStorage

        page.get_by_role("button", name="Abmelden").click()

        expect(page.get_by_text("Sie haben sich abgemeldet.")).to_be_visible()
        expect(page.get_by_role("heading", name="Anmeldung Terminverwaltung")).to_be_visible()
        assert "idToken" not in stored_tokens(page)["session"]
        page.reload()
        expect(page.get_by_label("Benutzername")).to_be_visible()
        expect(page.locator("[data-st-day]")).to_have_count(0)


def test_idle_sign_out_after_the_configured_time_but_not_while_working(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)
        page.clock.fast_forward("10:00")
        page.keyboard.press("Tab")  # working: the idle time starts again
        page.clock.fast_forward("10:00")
        expect(page.get_by_text("Angemeldet als staff-oranienburg")).to_be_visible()

        page.clock.fast_forward("15:30")  # configured: 15 minutes (config.json)

        expect(page.get_by_text("wegen Inaktivität abgemeldet")).to_be_visible()
        expect(page.get_by_label("Benutzername")).to_be_visible()
        assert "idToken" not in stored_tokens(page)["session"]
        screenshot(page, "staff-signed-out-idle")


def test_tokens_are_refreshed_before_they_expire(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        open_day(page)
        # As if the ID token had one minute left (it lasts 60).
        page.evaluate(
            """() => {
              const key = "terminbuchung.staff.session";
              const session = JSON.parse(sessionStorage.getItem(key));
              session.expiresAt = Date.now() + 60000;
              sessionStorage.setItem(key, JSON.stringify(session));
            }"""
        )
        with page.expect_request(
            lambda r: (
                r.url.endswith("/_dev/cognito/") and "REFRESH_TOKEN_AUTH" in (r.post_data or "")
            )
        ):
            page.get_by_role("link", name="Nächster Tag →").click()
        expect(page.locator("[data-st-day-title]")).to_have_text("Mittwoch, 2. Dezember 2026")
        expect(page.locator("[data-st-summary]")).to_be_visible()  # loaded with the new token
        left = page.evaluate(
            """() => JSON.parse(sessionStorage.getItem("terminbuchung.staff.session"))
                       .expiresAt - Date.now()"""
        )
        assert left > 50 * 60 * 1000


@pytest.mark.parametrize("width", [1280, 360], ids=lambda w: f"{w}px")
def test_the_first_sign_in_sets_a_new_password(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack, width: int
) -> None:
    username = f"neue.kollegin{width}"
    temporary = new_member(stack, username)

    with console(browser, browser_errors, stack, width) as page:
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort", exact=True).fill(temporary)
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_focused()
        axe_clean(page, "staff-new-password")
        screenshot(page, "staff-new-password")
        page.get_by_label("Neues Passwort", exact=True).fill("Kollegin-Neu-2026!")
        page.get_by_label("Neues Passwort wiederholen").fill("Kollegin-Neu-2026?")
        page.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(page.get_by_text("Die beiden Passwörter stimmen nicht überein.")).to_be_visible()
        page.get_by_label("Neues Passwort wiederholen").fill("Kollegin-Neu-2026!")
        page.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(page.get_by_text(f"Angemeldet als {username}")).to_be_visible()
        open_day(page)


@pytest.mark.parametrize("width", [1280, 360], ids=lambda w: f"{w}px")
def test_a_member_with_an_authenticator_app_gives_its_code(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack, width: int
) -> None:
    username = f"app.kollege{width}"
    with_authenticator_app(stack, username, "Kollege-App-2026!")

    with console(browser, browser_errors, stack, width) as page:
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort", exact=True).fill("Kollege-App-2026!")
        page.get_by_role("button", name="Anmelden").click()
        code = page.get_by_label("Code aus der Authenticator-App")
        expect(code).to_be_focused()
        axe_clean(page, "staff-authenticator-code")
        screenshot(page, "staff-authenticator-code")
        code.fill("12345")
        page.get_by_role("button", name="Bestätigen").click()
        expect(page.get_by_role("alert").filter(has_text="sechs Ziffern")).to_be_visible()
        code.fill("123456")
        page.get_by_role("button", name="Bestätigen").click()
        expect(page.get_by_text(f"Angemeldet als {username}")).to_be_visible()
        open_day(page)


# --- keyboard alone ----------------------------------------------------------------------------


def tab_to(page: Page, name: str, limit: int = 400) -> None:
    """Tab until the focused element's accessible text starts with `name`; every control on
    the way shows the focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement;
              const style = getComputedStyle(e);
              return {text: (e.getAttribute('aria-label') || e.innerText || e.value || '').trim(),
                      ring: style.boxShadow + ' ' + style.outlineStyle, tag: e.tagName};
            }"""
        )
        if focused["tag"] in ("A", "BUTTON", "INPUT", "SELECT", "TEXTAREA"):
            assert FOCUS_RING in focused["ring"], focused
        if focused["text"].replace("\n", "").startswith(name):
            return
    raise AssertionError(f"no control {name!r} reached by Tab")


def test_the_day_view_by_keyboard_alone(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    karla = citizen_books(stack, at("17:30"), "Karla Tastatur", unique_email("karla"))
    kurt = citizen_books(stack, at("17:30"), "Kurt Tastatur", unique_email("kurt"))

    with console(browser, browser_errors, stack) as page:
        expect(page.get_by_label("Benutzername")).to_be_focused()
        page.keyboard.type("staff-oranienburg")
        page.keyboard.press("Tab")
        page.keyboard.type("Oranienburg-Demo-2026")
        page.keyboard.press("Enter")
        open_day(page)

        tab_to(page, "Nächster Tag")
        page.keyboard.press("Enter")
        expect(page.locator("[data-st-day-title]")).to_have_text("Mittwoch, 2. Dezember 2026")
        tab_to(page, "← Vorheriger Tag")
        page.keyboard.press("Enter")
        expect(page.locator("[data-st-day-title]")).to_have_text("Dienstag, 1. Dezember 2026")

        tab_to(page, "Erschienen: Karla Tastatur")
        page.keyboard.press("Enter")
        status(page).to_have_text("Karla Tastatur ist als erschienen eingetragen.")
        expect(
            booking_item(page, karla).get_by_role("button", name=starts("Erschienen zurücknehmen"))
        ).to_be_focused()
        assert appointment(stack, karla)["checked_in_at"] is not None

        tab_to(page, "Absagen: Kurt Tastatur")
        page.keyboard.press("Enter")
        expect(booking_item(page, kurt).get_by_label("Grund der Absage")).to_be_focused()
        page.keyboard.type("Terminverschiebung auf Wunsch")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        status(page).to_contain_text("Der Termin von Kurt Tastatur ist abgesagt.")
        assert appointment(stack, kurt)["status"] == "cancelled_by_office"
        screenshot(page, "staff-day-keyboard")


# --- axe-core and screenshots of every view ------------------------------------------------


@pytest.mark.parametrize("width", [1280, 360], ids=lambda w: f"{w}px")
def test_every_view_passes_axe_and_is_photographed(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack, width: int
) -> None:
    citizen_books(
        stack, at("19:00" if width == 1280 else "19:30"), "Axel Prüfung", unique_email("axel")
    )
    with console(browser, browser_errors, stack, width) as page:
        expect(page.get_by_label("Benutzername")).to_be_visible()
        axe_clean(page, "staff-sign-in")
        screenshot(page, "staff-sign-in")
        sign_in(page, "staff-admin")
        open_day(page)
        for step, link in (
            ("staff-day", None),
            ("staff-caller", "Termin für Anrufende"),
            ("staff-closures", "Schließungen"),
            ("staff-evaluation", "Auswertung"),
        ):
            if link:
                page.get_by_role("link", name=link).click()
            expect(page.locator("h1")).to_be_focused()
            if step == "staff-evaluation":
                expect(page.locator('[data-st-chart="heat"] svg')).to_be_visible()
            if step == "staff-caller":
                expect(page.get_by_label(re.compile(r"^23:00 Uhr"))).to_be_visible()
            axe_clean(page, step)
            assert_no_horizontal_scrolling(page)
            screenshot(page, step)

        # The caller's reference, and the closure's question.
        page.get_by_role("link", name="Termin für Anrufende").click()
        page.get_by_label(re.compile(r"^23:00 Uhr")).check()
        page.get_by_label("Name").fill("Anna Anrufer")
        page.get_by_label("Telefon").fill("03301 111222")
        page.get_by_role("button", name="Termin buchen").click()
        expect(page.locator("[data-st-reference-large]")).to_be_visible()
        axe_clean(page, "staff-caller-booked")
        assert_no_horizontal_scrolling(page)
        screenshot(page, "staff-caller-booked")

        page.get_by_role("link", name="Schließungen").click()
        page.get_by_label("Von (Uhrzeit)").fill("22:00")
        page.get_by_label("Grund", exact=True).fill("Prüfung")
        page.get_by_role("button", name="Schließung prüfen").click()
        expect(page.locator("[data-st-preview]")).to_be_visible()
        axe_clean(page, "staff-closure-confirm")
        assert_no_horizontal_scrolling(page)
        screenshot(page, "staff-closure-confirm")
        page.get_by_role("button", name="Abbrechen").click()


# --- how the local stack serves the console ---------------------------------------------------


def test_the_console_is_served_with_the_pages_headers_and_its_configuration(stack: Stack) -> None:
    page = requests.get(f"{stack.url}/staff/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    module = requests.get(f"{stack.url}/staff/console/session.js", timeout=10)
    assert module.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "sessionStorage.setItem" in module.text
    # Tokens live in sessionStorage only: no module of the console touches localStorage.
    web_staff = Path(__file__).resolve().parents[2] / "web" / "staff"
    for script in web_staff.rglob("*.js"):
        assert not re.search(r"localStorage\s*[.\[]", script.read_text()), script

    moved = requests.get(f"{stack.url}/staff", allow_redirects=False, timeout=10)
    assert (moved.status_code, moved.headers["Location"]) == (308, "/staff/")

    config = requests.get(f"{stack.url}/staff/config.json", timeout=10)
    staff = requests.get(f"{stack.url}/_dev/staff-users", timeout=10).json()
    assert config.json() == {
        "api_base": "",
        "cognito_endpoint": "/_dev/cognito/",
        "client_id": staff["client_id"],
        "user_pool_id": staff["user_pool_id"],
        "idle_minutes": 15,
    }
    assert config.headers["Cache-Control"] == "no-store"
    # The console's folder publishes its page, style and modules only.
    assert requests.get(f"{stack.url}/staff/README.md", timeout=10).status_code == 404
