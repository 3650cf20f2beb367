"""The staff console's sign-in by SRP, setting up an authenticator app (MFA_SETUP), the
e-mail returns SES reported, and bookings still waiting for the citizen's confirmation: in
Debian's Chromium against a local stack of their own, on the test site with
confirm_within_minutes = 30 (tests/site-test-confirming.toml), whose clock stands on
Tuesday 1 December 2026, 11:10 as for test_staff_console.py.

The stack's test pages (tests/e2e/staff_stack.py) set the pool's MfaConfiguration (StaffMfa
ON, for one test, then back) and hand an SES event to MailBouncesFunction.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Request, expect

from tests.conftest import CONFIRMING_TEST_SITE
from tests.e2e.conftest import (
    BrowserErrors,
    assert_no_horizontal_scrolling,
    check_accessibility,
    screenshot,
)
from tests.e2e.staff_console import (
    PASSWORDS,
    Stack,
    at,
    booking_item,
    console,
    day_list,
    moved_stack,
    new_member,
    sign_in,
    staff_api,
    unique_email,
)
from tests.proof_of_work import solve


@pytest.fixture(scope="module")
def stack(logs: Path) -> Iterator[Stack]:
    with moved_stack(logs / "stack-staff-signin.log", site=CONFIRMING_TEST_SITE) as running:
        yield running


def axe_clean(page: Page, step: str) -> None:
    record = check_accessibility(page, step)
    assert sum(record.counts.values()) == 0, record.rules


def cognito_calls(page: Page) -> list[dict[str, Any]]:
    """Every call the page makes to Cognito's JSON API: the action and the body sent."""
    calls: list[dict[str, Any]] = []

    def seen(request: Request) -> None:
        if "/_dev/cognito" in request.url:
            target = request.headers.get("x-amz-target", "")
            calls.append(
                {
                    "action": target.removeprefix("AWSCognitoIdentityProviderService."),
                    "raw": request.post_data or "",
                    "body": json.loads(request.post_data or "{}"),
                }
            )

    page.on("request", seen)
    return calls


# --- SRP ---------------------------------------------------------------------------------------


def test_the_console_signs_in_by_srp_and_the_password_never_leaves_the_browser(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    with console(browser, browser_errors, stack) as page:
        calls = cognito_calls(page)
        sign_in(page)
        expect(page.locator("[data-st-summary]")).to_be_visible()

        assert [c["action"] for c in calls] == ["InitiateAuth", "RespondToAuthChallenge"]
        start, answer = (c["body"] for c in calls)
        assert start["AuthFlow"] == "USER_SRP_AUTH"
        assert set(start["AuthParameters"]) == {"USERNAME", "SRP_A"}
        assert re.fullmatch(r"[0-9a-f]{700,768}", start["AuthParameters"]["SRP_A"])
        assert answer["ChallengeName"] == "PASSWORD_VERIFIER"
        responses = answer["ChallengeResponses"]
        assert set(responses) == {
            "USERNAME",
            "PASSWORD_CLAIM_SECRET_BLOCK",
            "PASSWORD_CLAIM_SIGNATURE",
            "TIMESTAMP",
        }
        # Cognito's format, the day of the month without a leading zero: the browser's clock
        # stands on Tuesday 1 December 2026, 10:10 UTC.
        assert re.fullmatch(r"Tue Dec 1 10:1\d:\d\d UTC 2026", responses["TIMESTAMP"])
        assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", responses["PASSWORD_CLAIM_SIGNATURE"])
        password = PASSWORDS["staff-oranienburg"]
        assert all(password not in c["raw"] for c in calls)


# --- MFA_SETUP ---------------------------------------------------------------------------------


@pytest.fixture
def app_required(stack: Stack) -> Iterator[None]:
    """The pool requires an authenticator app (StaffMfa ON) for this test only."""

    def mfa(value: str) -> None:
        answer = requests.post(f"{stack.url}/_dev/staff-mfa", json={"mfa": value}, timeout=10)
        assert answer.status_code == 200, answer.text

    mfa("ON")
    try:
        yield
    finally:
        mfa("OPTIONAL")


def keyboard_sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label("Benutzername").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort", exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_a_member_sets_up_the_authenticator_app_by_keyboard_when_the_pool_requires_one(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack, app_required: None
) -> None:
    username = "kollegin-neu-app"
    temporary = new_member(stack, username)
    chosen = "Kollegin-App-2026!"
    with console(browser, browser_errors, stack) as page:
        calls = cognito_calls(page)
        keyboard_sign_in(page, username, temporary)
        # The first login: a new password, then the app.
        expect(page.get_by_role("heading", name="Neues Passwort festlegen")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Neues Passwort", exact=True)).to_be_focused()
        page.keyboard.type(chosen)
        page.keyboard.press("Tab")
        page.keyboard.type(chosen)
        page.keyboard.press("Enter")

        title = page.get_by_role("heading", name="Authenticator-App einrichten")
        expect(title).to_be_focused()
        (associate,) = [c for c in calls if c["action"] == "AssociateSoftwareToken"]
        assert set(associate["body"]) == {"Session"}  # the challenge's session, no token
        secret = page.locator("[data-st-secret]")
        expect(secret).to_have_text(re.compile(r"^[A-Za-z0-9]{1,4}( [A-Za-z0-9]{1,4})*$"))
        link = page.locator("[data-st-otpauth]")
        href = link.get_attribute("href") or ""
        key = secret.inner_text().replace(" ", "")
        assert href == (
            f"otpauth://totp/Terminverwaltung%3A{username}?secret={key}&issuer=Terminverwaltung"
        )
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            assert_no_horizontal_scrolling(page)
            axe_clean(page, f"staff-app-setup-{width}")
            screenshot(page, f"staff-app-setup-{width}")
        page.set_viewport_size({"width": 1280, "height": 900})

        # By keyboard: from the heading through the link to the code field.
        page.keyboard.press("Tab")
        expect(link).to_be_focused()
        page.keyboard.press("Tab")
        code = page.get_by_label("Code aus der Authenticator-App")
        expect(code).to_be_focused()
        page.keyboard.type("12345")
        page.keyboard.press("Enter")
        expect(page.locator("form [role=alert]")).to_have_text(
            "Bitte geben Sie die sechs Ziffern ein."
        )
        expect(code).to_be_focused()
        page.keyboard.press("Control+A")  # what was typed stays, to be corrected
        page.keyboard.type("123456")  # moto takes any six digits
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Angemeldet als {username}")).to_be_visible()

        actions = [c["action"] for c in calls]
        assert actions[-3:] == [
            "AssociateSoftwareToken",
            "VerifySoftwareToken",
            "RespondToAuthChallenge",
        ]
        verify, finish = calls[-2]["body"], calls[-1]["body"]
        assert verify["UserCode"] == "123456"
        assert verify["Session"]
        assert "AccessToken" not in verify
        assert finish["ChallengeName"] == "MFA_SETUP"
        assert finish["ChallengeResponses"] == {"USERNAME": username}

        # From now on the app's code is asked after the password.
        page.get_by_role("button", name="Abmelden").click()
        keyboard_sign_in(page, username, chosen)
        expect(page.get_by_role("heading", name="Anmeldung bestätigen")).to_be_visible()
        page.get_by_label("Code aus der Authenticator-App").fill("654321")
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Angemeldet als {username}")).to_be_visible()


# --- the day list: returned e-mail, bookings awaiting confirmation -----------------------------


def phone_booking(stack: Stack, start: str, name: str, email: str) -> str:
    answer = staff_api(
        stack,
        "POST",
        "/staff/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": name,
            "email": email,
            "phone": "03301 123456",
        },
    )
    assert answer.status_code == 201, answer.text
    reference: str = answer.json()["reference"]
    return reference


def mail_returned(stack: Stack, reference: str, event: str) -> None:
    answer = requests.post(
        f"{stack.url}/_dev/mail-returned", json={"reference": reference, "event": event}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["marked"] is True


def test_returned_e_mail_is_shown_and_resending_is_not_offered(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    bounced = phone_booking(stack, at("14:00"), "Berta Bounce", unique_email("berta"))
    complained = phone_booking(stack, at("14:30"), "Konrad Klage", unique_email("konrad"))
    fine = phone_booking(stack, at("15:00"), "Frieda Fein", unique_email("frieda"))
    mail_returned(stack, bounced, "Bounce")
    mail_returned(stack, complained, "Complaint")
    listed = {a["reference"]: a for a in day_list(stack)["appointments"]}
    assert listed[bounced]["email_status"] == "bounced"
    assert listed[complained]["email_status"] == "complained"
    assert listed[fine]["email_status"] is None

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        item = booking_item(page, bounced)
        expect(item.locator('[data-st-email-status="bounced"]')).to_have_text(
            "E-Mail nicht zustellbar: Die Adresse ist unbekannt oder nimmt keine Post an."
            " Bitte rufen Sie an."
        )
        expect(
            item.get_by_role("button", name=re.compile("^Bestätigung erneut senden"))
        ).to_have_count(0)
        expect(item.locator("[data-st-no-resend]")).to_have_text(
            "Keine erneute Bestätigung per E-Mail: An diese Adresse geht keine E-Mail mehr."
        )
        # The other actions stay.
        expect(
            item.get_by_role("button", name=re.compile("^Erschienen: Berta Bounce"))
        ).to_be_visible()

        other = booking_item(page, complained)
        expect(other.locator('[data-st-email-status="complained"]')).to_contain_text(
            "E-Mail als unerwünscht gemeldet"
        )
        expect(
            other.get_by_role("button", name=re.compile("^Bestätigung erneut senden"))
        ).to_have_count(0)

        unmarked = booking_item(page, fine)
        expect(unmarked.locator("[data-st-email-status]")).to_have_count(0)
        expect(
            unmarked.get_by_role("button", name="Bestätigung erneut senden: Frieda Fein, 15:00 Uhr")
        ).to_be_visible()
        item.scroll_into_view_if_needed()
        axe_clean(page, "staff-day-mail-returned")
        screenshot(page, "staff-day-mail-returned")


def test_a_booking_awaiting_confirmation_is_shown_without_actions(
    browser: Browser, browser_errors: BrowserErrors, stack: Stack
) -> None:
    body: dict[str, Any] = {
        "location": "oranienburg",
        "service": "beratung",
        "start": at("16:00"),
        "name": "Paula Pending",
        "email": unique_email("paula"),
    }
    puzzle = requests.get(f"{stack.url}/challenge", timeout=10)
    if puzzle.status_code == 200:
        body["altcha"] = solve(puzzle.json())
    asked = requests.post(f"{stack.url}/bookings", json=body, timeout=30)
    assert asked.status_code == 202, asked.text
    assert asked.json()["status"] == "pending"
    (pending,) = [a for a in day_list(stack)["appointments"] if a["name"] == "Paula Pending"]
    assert pending["status"] == "pending"

    with console(browser, browser_errors, stack) as page:
        sign_in(page)
        item = booking_item(page, pending["reference"])
        expect(item.get_by_role("heading", name="Paula Pending")).to_be_visible()
        expect(item).to_contain_text("noch nicht bestätigt")
        expect(item.get_by_role("button")).to_have_count(0)
        axe_clean(page, "staff-day-pending")
        screenshot(page, "staff-day-pending")
