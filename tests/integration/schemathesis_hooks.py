"""Schemathesis hooks for tests/integration/test_schemathesis.py (SCHEMATHESIS_HOOKS names
this module): what a fuzzer cannot guess, filled in as the page would, for part of the cases.

- A solved proof of work (field `altcha`) for two of three writes that need one: without it
  every booking, lookup and move ends at 403 challenge_failed and nothing behind it is tried.
- For every second booking (of the citizen or of the office) and move: a free slot of the
  stack and, for a booking, an address of its own (one active booking per address), so that
  bookings succeed and the stateful phase follows their links (show, calendar, confirm,
  reschedule, cancel; the office's check-in, no-show, resend, cancel).

The choice depends on the case's generated data only, so a run with the same seed is the
same run.
"""

import hashlib
import itertools
import json
import os
from typing import Any

import requests
import schemathesis

from tests.proof_of_work import solved

BASE_URL = os.environ.get("TERMINBUCHUNG_BASE_URL", "http://127.0.0.1:3000")
LOCATION, SERVICE = "oranienburg", "beratung"

_PROOF_OF_WORK = {
    ("POST", "/bookings"),
    ("POST", "/bookings/lookup"),
    ("POST", "/bookings/{reference}/reschedule"),
}
_BOOKINGS = {("POST", "/bookings"), ("POST", "/staff/bookings")}
_MOVES = {("POST", "/bookings/{reference}/reschedule")}
_addresses = itertools.count(1)


def _draw(body: dict[str, Any], salt: str) -> int:
    """A number from the generated body: the same body, the same number."""
    text = json.dumps(body, sort_keys=True, default=str) + salt
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4])


def _free_start(number: int) -> str | None:
    answer = requests.get(f"{BASE_URL}/locations/{LOCATION}/slots", timeout=30)
    slots = answer.json()["slots"] if answer.status_code == 200 else []
    return str(slots[number % len(slots)]["start"]) if slots else None


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    operation = (case.method.upper(), case.path)
    body = case.body
    if not isinstance(body, dict):
        return
    number = _draw(body, "slot")
    if operation in _BOOKINGS | _MOVES and number % 2 == 0 and (start := _free_start(number)):
        body["start"] = start
        if operation in _BOOKINGS:
            body.update(location=LOCATION, service=SERVICE)
            body["email"] = f"fuzz-{next(_addresses)}@example.de"
            for field in ("priority_for", "replaces_hold", "household_number"):
                body.pop(field, None)
    if operation in _PROOF_OF_WORK and _draw(body, "altcha") % 3 != 0:
        body["altcha"] = solved(BASE_URL)
