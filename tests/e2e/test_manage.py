"""The manage view, opened from the e-mail's link: show the booking, cancel after asking."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    screenshot,
)
from tests.e2e.helpers import (
    Booking,
    book,
    calendar_file,
    event_lines,
    expect_step,
    free_slots,
    german_day,
    german_when,
    show_booking,
    status_text,
    unique_email,
)


def booked_by_api(site_url: str, index: int, name: str = "Erika Mustermann") -> Booking:
    slots = free_slots(site_url)
    return book(site_url, slots[min(index, len(slots) - 1)]["start"], unique_email("manage"), name)


def e_mail_link(site_url: str, booking: Booking) -> str:
    """The link exactly as the confirmation e-mail writes it."""
    return f"{site_url}/#reference={booking.reference}&token={booking.token}"


def test_cancel_through_the_link_in_the_e_mail(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    booking = booked_by_api(site_url, 12)
    page.goto(e_mail_link(site_url, booking))

    view = page.locator("[data-tb-view=manage]")
    expect_step(page, "Ihr Termin", focused=False)
    expect(view).to_contain_text(german_day(booking.start))
    expect(view).to_contain_text("Servicecenter Oranienburg, Adolf-Dechert-Straße 1")
    expect(view).to_contain_text("Persönliche Beratung")
    expect(view).to_contain_text("Erika Mustermann")
    expect(view).to_contain_text(booking.reference)
    expect(page.get_by_role("heading", name="Bitte bringen Sie mit")).to_be_visible()
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verwalten: Termin ansehen")
    screenshot(page, "5-verwalten")

    # First the question; "no" keeps the appointment and returns to the button.
    cancel = page.get_by_role("button", name="Termin absagen", exact=True)
    cancel.click()
    question = page.get_by_role("heading", name="Möchten Sie diesen Termin wirklich absagen?")
    expect(question).to_be_focused()
    expect(page.locator("[data-tb-confirm]")).to_contain_text(german_when(booking.start))
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verwalten: Absage bestätigen")
    screenshot(page, "6-absage-frage")
    page.get_by_role("button", name="Nein, Termin behalten").click()
    expect(question).to_have_count(0)
    expect(cancel).to_be_focused()
    assert show_booking(site_url, booking.reference, booking.token)["status"] == "confirmed"

    cancel.click()
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect_step(page, "Ihr Termin ist abgesagt")
    expect(page.locator("[data-tb-view=cancelled]")).to_contain_text(german_when(booking.start))
    expect(status_text(page)).to_have_text("Ihr Termin ist abgesagt.")
    assert show_booking(site_url, booking.reference, booking.token)["status"] == "cancelled"
    assert_no_horizontal_scrolling(page)
    check_accessibility(page, "Verwalten: abgesagt")
    screenshot(page, "7-abgesagt")

    # The link still works and tells the truth; the seat is free again.
    page.reload()
    expect_step(page, "Dieser Termin ist abgesagt", focused=False)
    expect(page.get_by_role("button", name="Termin absagen")).to_have_count(0)
    expect(page.get_by_text("Sie haben diesen Termin abgesagt.")).to_be_visible()

    # From there a new booking starts without the token in the address bar.
    page.get_by_role("link", name="Neuen Termin buchen").click()
    expect_step(page, "Tag wählen")
    assert "token" not in page.url


def test_a_wrong_token_finds_no_booking(page_both_widths: Page, site_url: str) -> None:
    page = page_both_widths
    booking = booked_by_api(site_url, 14)
    page.goto(f"{site_url}/#reference={booking.reference}&token=nicht-der-richtige")
    expect_step(page, "Buchung nicht gefunden", focused=False)
    expect(page.locator("[data-tb-notice=error]")).to_have_text(
        "Wir konnten diese Buchung nicht finden. Bitte prüfen Sie den Link aus Ihrer E-Mail."
    )
    view = page.locator("[data-tb-view=manage-not-found]")
    expect(view.get_by_role("link", name="03301 601-5500")).to_have_attribute(
        "href", "tel:033016015500"
    )
    check_accessibility(page, "Verwalten: Buchung nicht gefunden")
    screenshot(page, "5-verwalten-nicht-gefunden")
    assert show_booking(site_url, booking.reference, booking.token)["status"] == "confirmed"


def test_the_link_opens_the_manage_view_on_a_page_already_open(page: Page, site_url: str) -> None:
    """A citizen who has the page open and follows the link: the fragment alone changes."""
    booking = booked_by_api(site_url, 16)
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    page.evaluate(
        "([reference, token]) => { location.hash = `reference=${reference}&token=${token}`; }",
        [booking.reference, booking.token],
    )
    expect_step(page, "Ihr Termin")
    expect(page.locator("[data-tb-view=manage]")).to_contain_text(booking.reference)


def test_the_manage_view_downloads_the_api_s_calendar_file(page: Page, site_url: str) -> None:
    booking = booked_by_api(site_url, 18)
    page.goto(e_mail_link(site_url, booking))
    expect_step(page, "Ihr Termin", focused=False)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="In den Kalender eintragen").click()

    download = download_info.value
    assert download.suggested_filename == f"Termin-Jobcenter-{booking.reference}.ics"
    ics = download.path().read_bytes().decode("utf-8")
    assert "METHOD:REQUEST\r\n" in ics
    assert event_lines(ics) == event_lines(
        calendar_file(site_url, booking.reference, booking.token)
    )


def test_a_calendar_file_that_cannot_be_fetched_says_so_and_can_be_fetched_again(
    page: Page, site_url: str, browser_errors: BrowserErrors
) -> None:
    browser_errors.provoked += ["net::ERR_CONNECTION_RESET"]
    booking = booked_by_api(site_url, 20)
    page.goto(e_mail_link(site_url, booking))
    expect_step(page, "Ihr Termin", focused=False)
    calendar = f"{site_url}/bookings/{booking.reference}/calendar.ics"
    page.route(calendar, lambda route: route.abort("connectionreset"))
    link = page.get_by_role("link", name="In den Kalender eintragen")

    link.click()

    problem = page.locator("[data-tb-calendar-error] [data-tb-notice=error]")
    expect(problem).to_contain_text("Die Verbindung zum Server ist gestört.")
    expect(status_text(page)).to_contain_text("Die Verbindung zum Server ist gestört.")
    check_accessibility(page, "Verwalten: Kalenderdatei nicht geladen")

    page.unroute(calendar)
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == f"Termin-Jobcenter-{booking.reference}.ics"
    expect(problem).to_have_count(0)
