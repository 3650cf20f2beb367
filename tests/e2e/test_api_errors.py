"""Answers the running API rarely gives: the browser is made to receive them instead.

Playwright answers POST /bookings in place of the API (everything else goes to the real
stack), so the page's handling of 503 busy, a lost connection, a location that closed
meanwhile and a failure without JSON is tested as the citizen would see it.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import BrowserErrors, check_accessibility
from tests.e2e.helpers import expect_step, unique_email


def answer_bookings_with(page: Page, site_url: str, answer: Callable[[Route], None]) -> None:
    def handle(route: Route) -> None:
        if route.request.method == "POST":
            answer(route)
        else:
            route.continue_()

    page.route(f"{site_url}/bookings", handle)


def error(
    status: int, code: str, message: str, field: str | None = None
) -> Callable[[Route], None]:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "field": field}}
    return lambda route: route.fulfill(
        status=status, content_type="application/json", body=json.dumps(body)
    )


def fill_and_submit(page: Page, site_url: str) -> None:
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    page.get_by_role("radio").nth(12).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("errors"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()


BUSY = "Gerade buchen sehr viele Menschen gleichzeitig. Bitte versuchen Sie es gleich noch einmal."
CONNECTION = "Die Verbindung zum Server ist gestört."
UNEXPECTED = "Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal"


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (error(503, "busy", BUSY), BUSY),
        (lambda route: route.abort("connectionreset"), CONNECTION),
        (
            lambda route: route.fulfill(status=502, content_type="text/html", body="<h1>502</h1>"),
            UNEXPECTED,
        ),
    ],
    ids=["busy", "connection-lost", "not-json"],
)
def test_a_failed_booking_says_why_and_can_be_sent_again(
    page: Page,
    browser_errors: BrowserErrors,
    site_url: str,
    answer: Callable[[Route], None],
    shown: str,
) -> None:
    browser_errors.provoked += ["status of 503", "status of 502", "net::ERR_CONNECTION_RESET"]
    answer_bookings_with(page, site_url, answer)
    fill_and_submit(page, site_url)
    # Busy, a lost connection, a failure of ours: not the citizen's entries, so not under
    # "Bitte prüfen Sie Ihre Angaben" (issue 12) but a notice of its own, focused.
    failure = page.locator("[data-tb-server-error]")
    expect(failure).to_be_focused()
    expect(failure).to_contain_text(shown)
    expect(page.locator("[data-tb-error-summary]")).to_have_count(0)
    check_accessibility(page, f"3 Ihre Angaben, Fehler ohne Feld ({shown[:20]}…)")

    # Sending again goes to the real API and books.
    page.unroute(f"{site_url}/bookings")
    page.get_by_role("button", name="Termin verbindlich buchen").click()
    expect_step(page, "Ihr Termin ist gebucht")


def test_a_location_closed_meanwhile_starts_over_with_the_reason(page: Page, site_url: str) -> None:
    closed = "Diesen Standort gibt es nicht oder er bietet noch keine Online-Termine an."
    answer_bookings_with(page, site_url, error(404, "location_not_found", closed, "location"))
    fill_and_submit(page, site_url)
    expect_step(page, "Tag wählen")
    expect(page.locator("[data-tb-notice=error]")).to_have_text(closed)
