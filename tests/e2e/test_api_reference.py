"""The local stack serves the API's contract at /openapi.json and a browsable reference at
/docs/api (Swagger UI from npm), under the page's strict Content-Security-Policy."""

import json

import requests
from playwright.sync_api import Page, expect

from infra.openapi import DOCUMENT
from infra.template import Template


def test_the_document_is_served_as_committed(site_url: str) -> None:
    answer = requests.get(f"{site_url}/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.json() == json.loads(DOCUMENT.read_text())

    reference = requests.get(f"{site_url}/docs/api", timeout=10)
    assert reference.status_code == 200
    assert reference.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in reference.headers["Content-Security-Policy"]
    # The viewer comes from the stack itself, never from a CDN.
    assert "https://" not in reference.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "reference.js"):
        assert requests.get(f"{site_url}/docs/api/{asset}", timeout=10).status_code == 200
    # Nothing else of node_modules or docs/ is served.
    for path in ("/docs/api/index.html", "/docs/api/swagger-ui-bundle.js.map", "/docs/api/x"):
        assert requests.get(f"{site_url}{path}", timeout=10).status_code == 404, path


def test_the_reference_shows_every_operation(site_url: str, page: Page) -> None:
    page.goto(f"{site_url}/docs/api")
    expect(page.get_by_role("heading", name="Terminbuchung API")).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations).to_have_count(len(Template().routes()))
    booking = page.locator("#operations-Termine-book")
    expect(booking).to_contain_text("/bookings")
    expect(booking).to_contain_text("Einen Termin buchen")
    booking.locator(".opblock-summary").click()
    expect(booking).to_contain_text("Idempotency-Key")
    expect(booking.locator(".response[data-code='409']")).to_contain_text("slot_full")
    # The staff routes show the sign-in they need.
    expect(page.locator("#operations-Personal-me .authorization__btn")).to_be_visible()
