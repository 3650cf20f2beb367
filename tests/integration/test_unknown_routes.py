"""Addresses the API has no route for, over HTTP through the local stack: the API's error shape.

The local stack takes the template's $default route for them, as API Gateway does, so what
is checked here is what the deployed API answers too.
"""

import pytest
import requests

ALLOWED_ORIGIN = "http://localhost:3000"  # in the local stack's AllowedOrigins
OTHER_ORIGIN = "https://elsewhere.example"

UNKNOWN = [
    ("GET", "/nothing"),
    ("GET", "/locations/oranienburg"),
    ("GET", "/.env"),
    ("POST", "/wp-login.php"),
    ("GET", "/_dev/nothing"),
    # A known path with another method answers like an unknown one (see test_api.py).
    ("GET", "/bookings"),
    ("DELETE", "/bookings"),
    ("PUT", "/bookings/K7QP-3XMA"),
    ("POST", "/locations"),
    ("POST", "/index.html"),  # the page's files answer GET and HEAD only
]


@pytest.mark.parametrize("origin", [None, ALLOWED_ORIGIN, OTHER_ORIGIN])
@pytest.mark.parametrize(("method", "path"), UNKNOWN)
def test_unknown_addresses_and_methods_answer_not_found_in_the_error_shape(
    base_url: str, method: str, path: str, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    answer = requests.request(method, f"{base_url}{path}", headers=headers, timeout=10)

    assert answer.status_code == 404, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json() == {
        "error": {"code": "not_found", "message": "Diese Adresse gibt es nicht.", "field": None}
    }
    if origin == ALLOWED_ORIGIN:
        assert answer.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    else:
        assert "Access-Control-Allow-Origin" not in answer.headers


@pytest.mark.parametrize("origin", [None, ALLOWED_ORIGIN])
@pytest.mark.parametrize("path", ["/nothing", "/bookings", "/locations"])
def test_head_of_an_address_without_a_route_is_a_bodiless_404(
    base_url: str, path: str, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    answer = requests.head(f"{base_url}{path}", headers=headers, timeout=10)

    assert answer.status_code == 404
    assert answer.content == b""
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Cache-Control"] == "no-store"  # the function's answer, not the gate's
    if origin:
        assert answer.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize("path", ["/bookings", "/nothing", "/bookings/K7QP-3XMA/cancel"])
def test_preflights_are_still_answered_by_the_cors_configuration(base_url: str, path: str) -> None:
    answer = requests.options(
        f"{base_url}{path}",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )

    assert answer.status_code == 204
    assert answer.content == b""
    assert answer.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]


def test_the_page_and_the_api_still_come_before_the_default_route(base_url: str) -> None:
    page = requests.get(f"{base_url}/index.html", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"

    locations = requests.get(f"{base_url}/locations", timeout=10)
    assert locations.status_code == 200
    assert locations.json()["locations"]
