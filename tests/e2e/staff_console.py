"""What the staff console's browser tests share: a local stack whose clock stands on a
Tuesday late morning, the browser's clock moved alike, citizens booking through the public
API, the staff API from outside (to compare with what the console shows), and the console's
sign-in."""

import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, expect

from terminbuchung.clock import BERLIN
from tests.conftest import TEST_SITE
from tests.e2e.conftest import BrowserErrors, new_context, watch, watch_csp
from tests.local_processes import _process, free_port
from tests.proof_of_work import solve

# The console's "today": Tuesday 1 December 2026, 11:10 in Oranienburg. The 11:00 slot has
# begun (a no-show can be marked, the office may still book it), the afternoon is ahead.
TODAY = "2026-12-01"
NOW = datetime(2026, 12, 1, 11, 10, tzinfo=BERLIN)
PASSWORDS = {"staff-oranienburg": "Oranienburg-Demo-2026", "staff-admin": "Admin-Demo-2026"}


@dataclass(frozen=True)
class Stack:
    url: str
    offset: timedelta  # the stack's clock minus the real one

    def now(self) -> datetime:
        return datetime.now(tz=BERLIN) + self.offset


@contextmanager
def moved_stack(log: Path, moment: datetime = NOW, site: Path = TEST_SITE) -> Iterator[Stack]:
    """`make dev` on the always-open test site (or `site`), its clock at `moment` and
    running on."""
    import os

    offset = moment - datetime.now(tz=BERLIN)
    port = free_port()
    env = {**os.environ, "SITE_CONFIG": str(site), "PYTHONUNBUFFERED": "1"}
    for name in ("TABLE_NAME", "TOKEN_KEY", "DYNAMODB_ENDPOINT"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "tests.e2e.staff_stack", "--offset", str(offset.total_seconds())]
    args += ["--port", str(port)]
    with _process(args, log, f"{url}/locations", env):
        released(url)
        yield Stack(url, offset)


def released(url: str, runs: int = 5) -> None:
    """Today's slots are in place. The release at start stops at its deadline when the
    machine is slow (a run that is cut short leaves the rest to the next run, as the hourly
    schedule does); run it again until today's slots are there."""
    for _ in range(runs):
        slots = requests.get(
            f"{url}/locations/oranienburg/slots", params={"from": TODAY, "to": TODAY}, timeout=30
        )
        if slots.status_code == 200 and slots.json()["slots"]:
            return
        requests.post(f"{url}/_dev/release", timeout=120)
    raise AssertionError(f"no slots on {TODAY} after {runs} releases")


def at(time_of_day: str) -> str:
    """Today's slot start as the API writes it, e.g. at("12:00")."""
    return f"{TODAY}T{time_of_day}:00+01:00"


# --- the API from outside ----------------------------------------------------------------


def citizen_books(
    stack: Stack, start: str, name: str, email: str, language: str | None = None
) -> str:
    """A booking through the public API, as the booking page makes it (proof of work
    included when the API asks for one), in `language` if given; its reference."""
    body: dict[str, Any] = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": name,
        "email": email,
    }
    if language:
        body["language"] = language
    puzzle = requests.get(f"{stack.url}/challenge", timeout=10)
    if puzzle.status_code == 200:
        body["altcha"] = solve(puzzle.json())
    answer = requests.post(f"{stack.url}/bookings", json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    reference: str = answer.json()["reference"]
    return reference


def cognito(stack: Stack, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """Cognito's JSON API of the local stack, as a browser calls it."""
    answer = requests.post(
        f"{stack.url}/_dev/cognito/",
        json=body,
        headers={
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def new_member(stack: Stack, username: str) -> str:
    """A new account of Oranienburg (`infra.ops staff add`); its temporary password."""
    added = requests.post(
        f"{stack.url}/_dev/staff",
        json={
            "argv": [
                "staff",
                "add",
                username,
                "--email",
                f"{username}@jobcenter.example",
                "--group",
                "oranienburg",
            ]
        },
        timeout=30,
    )
    assert added.status_code == 200, added.text
    temporary: str = added.json()["output"].split("temporary password: ")[1].split()[0]
    return temporary


def with_authenticator_app(stack: Stack, username: str, password: str) -> None:
    """A new member who chose a password and turned on an authenticator app (moto takes any
    six digits for its code)."""
    client = requests.get(f"{stack.url}/_dev/staff-users", timeout=10).json()["client_id"]
    challenge = cognito(
        stack,
        "InitiateAuth",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client,
            "AuthParameters": {"USERNAME": username, "PASSWORD": new_member(stack, username)},
        },
    )
    signed_in = cognito(
        stack,
        "RespondToAuthChallenge",
        {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ClientId": client,
            "Session": challenge["Session"],
            "ChallengeResponses": {"USERNAME": username, "NEW_PASSWORD": password},
        },
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    cognito(stack, "AssociateSoftwareToken", {"AccessToken": access})
    cognito(stack, "VerifySoftwareToken", {"AccessToken": access, "UserCode": "123456"})
    cognito(
        stack,
        "SetUserMFAPreference",
        {
            "AccessToken": access,
            "SoftwareTokenMfaSettings": {"Enabled": True, "PreferredMfa": True},
        },
    )


_TOKENS: dict[tuple[str, str], str] = {}


def token(stack: Stack, username: str) -> str:
    """An ID token of the demo member, signed in once per stack (tokens last 60 minutes)."""
    if (stack.url, username) in _TOKENS:
        return _TOKENS[(stack.url, username)]
    staff = requests.get(f"{stack.url}/_dev/staff-users", timeout=10).json()
    answer = requests.post(
        f"{stack.url}/_dev/cognito/",
        json={
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": staff["client_id"],
            "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORDS[username]},
        },
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
            "Content-Type": "application/x-amz-json-1.1",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    id_token: str = answer.json()["AuthenticationResult"]["IdToken"]
    _TOKENS[(stack.url, username)] = id_token
    return id_token


def staff_api(
    stack: Stack, method: str, path: str, username: str = "staff-oranienburg", **kwargs: Any
) -> requests.Response:
    headers = {"Authorization": f"Bearer {token(stack, username)}", **kwargs.pop("headers", {})}
    return requests.request(method, f"{stack.url}{path}", headers=headers, timeout=30, **kwargs)


def day_list(stack: Stack, day: str = TODAY) -> dict[str, Any]:
    answer = staff_api(stack, "GET", f"/staff/locations/oranienburg/days/{day}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def appointment(stack: Stack, reference: str) -> dict[str, Any]:
    (found,) = [a for a in day_list(stack)["appointments"] if a["reference"] == reference]
    return dict(found)


def outbox(stack: Stack) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = requests.get(f"{stack.url}/_dev/outbox", timeout=10).json()
    return messages


def mail_to(stack: Stack, address: str, subject_has: str, seconds: float = 20) -> dict[str, Any]:
    """The newest e-mail to `address` whose subject holds `subject_has`, once the stream
    has delivered it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in outbox(stack) if address in m["to"] and subject_has in m["subject"]]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no e-mail '…{subject_has}…' to {address}")


def unique_email(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.org"


# --- the console -------------------------------------------------------------------------


@contextmanager
def console(
    browser: Browser, errors: BrowserErrors, stack: Stack, width: int = 1280
) -> Iterator[Page]:
    """A fresh browser context on the console, its clock at the stack's moment and running."""
    context = new_context(browser, width)
    context.clock.install(time=stack.now())
    watch_csp(context, errors)
    page = context.new_page()
    watch(page, errors)
    try:
        page.goto(f"{stack.url}/staff/")
        yield page
    finally:
        context.close()
    assert errors.unexpected() == []


def sign_in(page: Page, username: str = "staff-oranienburg") -> None:
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORDS[username])
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text(f"Angemeldet als {username}")).to_be_visible()


def status(page: Page) -> Any:
    return expect(page.locator("[data-st-status]"))


def booking_item(page: Page, reference: str) -> Any:
    return page.locator(f'[data-st-reference="{reference}"]')


def stored_tokens(page: Page) -> dict[str, str]:
    """What the page keeps in sessionStorage and localStorage (the latter must be empty)."""
    found: dict[str, str] = page.evaluate(
        """() => ({session: JSON.stringify(Object.assign({}, sessionStorage)),
                   local: JSON.stringify(Object.assign({}, localStorage))})"""
    )
    return found


REFERENCE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")
