"""The local stack serves the page next to the API (`make dev`), and nothing else."""

import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import BrowserErrors, CountySite
from tests.e2e.helpers import expect_step

WEB = Path(__file__).resolve().parents[2] / "web"


def test_the_page_is_served_at_the_root(site_url: str) -> None:
    page = requests.get(f"{site_url}/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="de">' in page.text
    assert 'id="terminbuchung"' in page.text

    script = requests.get(f"{site_url}/terminbuchung.js", timeout=10)
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    style = requests.get(f"{site_url}/terminbuchung.css", timeout=10)
    assert style.headers["Content-Type"] == "text/css; charset=utf-8"
    # The modules the entry imports, from its folder, as JavaScript (browsers insist).
    for module in sorted((WEB / "terminbuchung").glob("*.js")):
        answer = requests.get(f"{site_url}/terminbuchung/{module.name}", timeout=10)
        assert answer.status_code == 200, module.name
        assert answer.headers["Content-Type"] == "text/javascript; charset=utf-8"

    head = requests.head(f"{site_url}/index.html", timeout=10)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) == len(page.content)


def test_api_routes_come_first_and_nothing_outside_web_is_served(site_url: str) -> None:
    locations = requests.get(f"{site_url}/locations", timeout=10)
    assert locations.headers["Content-Type"].startswith("application/json")
    assert locations.json()["locations"][0]["id"] == "oranienburg"

    for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fMakefile", "/.gitignore"):
        answer = requests.get(f"{site_url}{path}", timeout=10)
        assert answer.status_code == 404, path
        # The API's $default route answers: its error shape, as in AWS.
        assert answer.json()["error"]["code"] == "not_found"

    # Only GET and HEAD reach the files; other methods get the API's answer.
    assert requests.post(f"{site_url}/index.html", timeout=10).status_code == 404
    # The development endpoint still works.
    released = requests.post(f"{site_url}/_dev/release", timeout=10)
    assert released.status_code == 200
    assert "created" in released.json()


@pytest.mark.parametrize("path", ["/README.md", "/index.html/", "/favicon.ico"])
def test_files_next_to_the_page_are_not_served(site_url: str, path: str) -> None:
    answer = requests.get(f"{site_url}{path}", timeout=10)
    assert answer.status_code == 404, path
    # The API's answer for what it does not know, not the file.
    assert answer.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/", "/datenschutz.html"])
def test_the_pages_come_with_their_security_headers(site_url: str, path: str) -> None:
    headers = requests.get(f"{site_url}{path}", timeout=10).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Permissions-Policy" in headers


def test_the_page_cannot_be_framed(
    page: Page, site_url: str, county_site: CountySite, browser_errors: BrowserErrors
) -> None:
    """frame-ancestors: another site cannot show the page in a frame (clickjacking)."""
    (county_site.folder / "own.html").write_text("<p>Seite des Kreises</p>", encoding="utf-8")
    (county_site.folder / "frames.html").write_text(
        f"""<!doctype html><html lang="de"><head><title>Rahmen</title></head><body>
<iframe title="eigene Seite" src="/own.html"></iframe>
<iframe title="Terminbuchung" src="{site_url}/"></iframe>
</body></html>""",
        encoding="utf-8",
    )
    # Chromium logs the refusal as an error: that is what this test wants to see.
    browser_errors.provoked += ["frame-ancestors", "X-Frame-Options"]

    page.goto(f"{county_site.origin}/frames.html")

    # Framing as such works (the county's own page shows) ...
    own = page.frame_locator("iframe[title='eigene Seite']")
    expect(own.get_by_text("Seite des Kreises")).to_be_visible()
    # ... but the booking page's frame stays empty, whatever time it is given.
    booking = page.frame_locator("iframe[title=Terminbuchung]")
    time.sleep(1)
    expect(booking.locator("#terminbuchung")).to_have_count(0)
    expect(booking.get_by_text("Termin im Jobcenter buchen")).to_have_count(0)


def test_a_violation_of_the_policy_fails_the_test(
    page: Page, site_url: str, browser_errors: BrowserErrors
) -> None:
    """The watcher every browser test has: what the policy blocks is reported to the test."""
    page.goto(site_url)
    expect_step(page, "Tag wählen", focused=False)
    assert browser_errors.unexpected() == []

    page.evaluate(
        """() => {
          document.body.setAttribute("style", "color: red");
          const image = new Image();
          image.src = "http://localhost:3999/elsewhere.png";
          document.body.append(image);
        }"""
    )

    expected = [
        "csp violation: style-src-attr blocked inline",
        "csp violation: img-src blocked http://localhost:3999/elsewhere.png",
    ]

    def reported() -> list[bool]:
        return [any(m.startswith(e) for m in browser_errors.messages) for e in expected]

    # The events reach Python a moment after the page fired them.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(reported()):
        page.wait_for_timeout(100)
    assert reported() == [True, True], browser_errors.messages
    # Provoked here on purpose; anywhere else they fail the test.
    browser_errors.provoked += ["csp violation:", "Content Security Policy"]
