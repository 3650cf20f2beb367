"""The booking page pays the proof of work by itself: solved in a Web Worker while the
citizen types, sent as `altcha` with the booking, by pointer and by keyboard alike, with
nothing to see or press for it (axe finds nothing), and a spent or expired puzzle retried
once with a fresh one."""

import base64
import json
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from tests.e2e.conftest import check_accessibility
from tests.e2e.helpers import expect_step, unique_email

FIELDS = {"algorithm", "challenge", "number", "salt", "signature"}


def to_details(page: Page, site_url: str) -> None:
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    page.get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Uhrzeit wählen")
    page.get_by_role("radio").nth(2).check()
    page.get_by_role("button", name="Weiter").click()
    expect_step(page, "Ihre Angaben")


def bookings_sent(page: Page) -> list[dict[str, Any]]:
    """Every POST /bookings body the page sends, as it sends it."""
    sent: list[dict[str, Any]] = []

    def remember(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/bookings"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", remember)
    return sent


def assert_a_solution(body: dict[str, Any]) -> None:
    solution = json.loads(base64.b64decode(body["altcha"]))
    assert set(solution) == FIELDS
    assert solution["algorithm"] == "SHA-256"


def booked(page: Page) -> None:
    # Booked (or, with confirmation by e-mail, held until confirmed): the step after details.
    expect(page.locator("[data-tb-view=details]")).to_have_count(0, timeout=20000)
    expect(page.locator("[data-tb-field-error], .tb-field-error")).to_have_count(0)


def test_the_page_books_with_proof_of_work_by_pointer(page: Page, site_url: str) -> None:
    sent = bookings_sent(page)
    # The puzzle is fetched as soon as the form opens, before anything is typed.
    with page.expect_request("**/challenge"):
        to_details(page, site_url)
    check_accessibility(page, "Angaben mit Proof of Work")

    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("pow-pointer"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    booked(page)
    (body,) = sent
    assert_a_solution(body)
    check_accessibility(page, "nach der Buchung mit Proof of Work")


def test_the_page_books_with_proof_of_work_by_keyboard(page: Page, site_url: str) -> None:
    sent = bookings_sent(page)
    to_details(page, site_url)

    page.get_by_label("Vor- und Nachname").focus()
    page.keyboard.type("Max Mustermann")
    page.keyboard.press("Tab")
    page.keyboard.type(unique_email("pow-keyboard"))
    consent = page.get_by_label("Ich bin einverstanden")
    for _ in range(10):
        if consent.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Termin verbindlich buchen")).to_be_focused()
    page.keyboard.press("Enter")

    booked(page)
    (body,) = sent
    assert_a_solution(body)


def test_a_refused_solution_is_retried_once_with_a_fresh_puzzle(page: Page, site_url: str) -> None:
    """The first puzzle the page gets is forged (as if it had expired or been spent): the
    server refuses it, the page fetches a new one and books without the citizen noticing."""
    sent = bookings_sent(page)
    forged = {"done": False}

    def forge(route: Route) -> None:
        if forged["done"]:
            route.continue_()
            return
        forged["done"] = True
        answer = route.fetch()
        puzzle = answer.json()
        puzzle["signature"] = "0" * 64
        route.fulfill(response=answer, json=puzzle)

    page.route("**/challenge", forge)
    to_details(page, site_url)
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(unique_email("pow-retry"))
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Termin verbindlich buchen").click()

    booked(page)
    first, second = sent
    assert first["altcha"] != second["altcha"]
    assert_a_solution(second)
