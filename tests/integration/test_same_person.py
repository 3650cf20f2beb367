"""One person under many spellings, all at once: DynamoDB Local lets exactly one booking in."""

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.integration.test_http import book, new_email

# Zero in each script's digits: the digit d is chr(zero + d).
DIGIT_ZEROS = {
    "ascii": ord("0"),
    "full-width": ord("０"),
    "arabic-indic": ord("٠"),
    "persian": ord("۰"),
    "devanagari": ord("०"),
    "bengali": ord("০"),
    "mathematical bold": ord("𝟎"),
    "mathematical monospace": ord("𝟶"),
}


def in_script(number: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in number)


def all_at_once(base_url: str, start: str, bodies: list[dict[str, str]]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        answers = list(pool.map(lambda body: book(base_url, start, **body), bodies))
    return [(a.status_code, a.json()) for a in answers]


def test_one_household_in_every_script_at_once_gets_one_booking(
    base_url: str, fresh_slot: str
) -> None:
    number = f"{random.randrange(10**5):05d}BG{random.randrange(10**7):07d}"  # noqa: S311
    bodies = [
        {"email": new_email(), "household_number": in_script(number, zero)}
        for zero in DIGIT_ZEROS.values()
    ]
    bodies.append({"email": new_email(), "household_number": number.lower().replace("bg", " bg ")})

    answers = all_at_once(base_url, fresh_slot, bodies)

    assert sorted(status for status, _ in answers) == [201] + [409] * (len(bodies) - 1)
    refused = [body["error"] for status, body in answers if status == 409]
    assert {(e["code"], e["field"]) for e in refused} == {("already_booked", "household_number")}


def test_one_mailbox_under_every_spelling_at_once_gets_one_booking(
    base_url: str, fresh_slot: str
) -> None:
    local = f"erika.{uuid.uuid4().hex[:10]}"
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in local)
    spellings = [
        f"{local}@gmail.com",
        f"{local.upper()}@GMAIL.com",
        f"{full_width}＠ｇｍａｉｌ．ｃｏｍ",
        f"{local}+termin@gmail.com",
        f"{local.replace('.', '')}@gmail.com",
        f"{'.'.join(local.replace('.', ''))}@gmail.com",
        f"{local}@googlemail.com",
    ]

    answers = all_at_once(base_url, fresh_slot, [{"email": email} for email in spellings])

    assert sorted(status for status, _ in answers) == [201] + [409] * (len(spellings) - 1)
    refused = [body["error"] for status, body in answers if status == 409]
    assert {(e["code"], e["field"]) for e in refused} == {("already_booked", "email")}
    booked = next(body for status, body in answers if status == 201)
    shown = requests.get(
        f"{base_url}/bookings/{booked['reference']}",
        headers={"X-Booking-Token": booked["cancel_token"]},
        timeout=10,
    )
    assert shown.json()["status"] == "confirmed"
