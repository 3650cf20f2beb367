"""Confirmed bookings over HTTP: the local stack with confirm_within_minutes = 30
(tests/site-test-confirming.toml) on its own DynamoDB Local, its stream, its scheduler of
one-time schedules and its clock, which these tests move (/_dev/clock).
"""

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from tests.proof_of_work import solved

# Headers that differ from one answer to the next whoever asks: the second of the answer.
# (The local stack sends no request id; API Gateway's apigw-requestid would be one more.)
PER_ANSWER_HEADERS = {"date"}


@pytest.fixture
def base(confirming: tuple[str, str]) -> Iterator[str]:
    url = confirming[0]
    yield url
    requests.post(f"{url}/_dev/clock", json={"reset": True}, timeout=10)


@pytest.fixture(scope="module")
def table(confirming: tuple[str, str]) -> Any:
    return boto3.resource("dynamodb", endpoint_url=confirming[1]).Table("terminbuchung-local")


_taken: set[str] = set()
_lock = threading.Lock()


def free_slots(base: str, count: int = 1) -> list[str]:
    """Starts no other test used, far from now (the clock moves by an hour at most)."""
    slots = requests.get(f"{base}/locations/oranienburg/slots", timeout=10).json()["slots"]
    chosen = []
    with _lock:
        for slot in reversed(slots):
            if slot["start"] not in _taken and slot["available"] == 3:
                _taken.add(slot["start"])
                chosen.append(slot["start"])
                if len(chosen) == count:
                    return chosen
    raise AssertionError("the confirming test site has run out of free slots")


def address(name: str = "test") -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.de"


def book(base: str, start: str, email: str, **extra: str) -> requests.Response:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": "Erika Mustermann",
        "email": email,
        "altcha": solved(base),
        **extra,
    }
    return requests.post(f"{base}/bookings", json=body, timeout=30)


def set_clock(base: str, **change: Any) -> dict[str, Any]:
    answer = requests.post(f"{base}/_dev/clock", json=change, timeout=10)
    assert answer.status_code == 200, answer.text
    state: dict[str, Any] = answer.json()
    return state


def outbox(base: str, to: str) -> list[dict[str, Any]]:
    mails = requests.get(f"{base}/_dev/outbox", timeout=10).json()
    return [m for m in mails if to in m["to"]]


def wait_for(check: Callable[[], Any], seconds: float = 45) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {check}")


def mail_about(base: str, to: str, subject_start: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = wait_for(
        lambda: [m for m in outbox(base, to) if m["subject"].startswith(subject_start)]
    )
    return found[-1]


def link_in(mail: dict[str, Any]) -> tuple[str, str, dict[str, list[str]]]:
    link = re.search(r"http://127\.0\.0\.1:\d+/#reference=\S+", mail["text"])
    assert link, mail["text"]
    fragment = parse_qs(urlsplit(link.group(0)).fragment)
    return fragment["reference"][0], fragment["token"][0], fragment


def requested(base: str, start: str, email: str) -> tuple[str, str]:
    """Book, and read reference and token from the e-mail that asks to confirm."""
    answer = book(base, start, email)
    assert answer.status_code == 202, answer.text
    reference, token, fragment = link_in(mail_about(base, email, "Bitte bestätigen"))
    assert fragment["confirm"] == ["1"]
    return reference, token


def scheduled(base: str) -> list[str]:
    return [
        s["name"] for s in requests.get(f"{base}/_dev/scheduler", timeout=10).json()["schedules"]
    ]


def confirm(base: str, reference: str, token: str) -> requests.Response:
    return requests.post(f"{base}/bookings/{reference}/confirm", json={"token": token}, timeout=30)


def slot_item(table: Any, start: str) -> dict[str, Any]:
    local = datetime.fromisoformat(start).strftime("%Y-%m-%dT%H:%M")
    item: dict[str, Any] = table.get_item(
        Key={"pk": "LOC#oranienburg", "sk": f"SLOT#{local}"}, ConsistentRead=True
    )["Item"]
    return item


def status_of(table: Any, reference: str) -> str:
    item = table.get_item(Key={"pk": f"BOOKING#{reference}", "sk": "BOOKING"}, ConsistentRead=True)
    return str(item["Item"]["status"])


def guards_of(table: Any, reference: str) -> list[str]:
    items = table.scan(
        FilterExpression="begins_with(pk, :g) AND #r = :ref",
        ExpressionAttributeNames={"#r": "reference"},
        ExpressionAttributeValues={":g": "GUARD#", ":ref": reference},
        ConsistentRead=True,
    )["Items"]
    return [i["pk"] for i in items]


def raw(answer: requests.Response) -> tuple[int, dict[str, str], bytes]:
    """Everything a caller sees of an answer but its Date, the hold handle reduced to its
    form: random bytes in every 202, of one length and alphabet (terminbuchung.hold_handles)."""
    headers = {
        k.lower(): v for k, v in answer.headers.items() if k.lower() not in PER_ANSWER_HEADERS
    }
    content, handles = re.subn(rb'"hold": "[A-Za-z0-9_-]{448}"', b'"hold": "*"', answer.content)
    assert handles == answer.content.count(b'"hold"'), answer.content
    return answer.status_code, headers, content


def test_confirmed_in_time_the_booking_counts_and_the_confirmation_follows(
    base: str, table: Any
) -> None:
    (start,) = free_slots(base)
    email = address("erika")
    answer = book(base, start, email)
    assert answer.status_code == 202
    body = answer.json()
    assert set(body) == {"status", "email", "confirm_by", "hold"}  # no token, no reference
    assert body["status"] == "pending"
    assert body["email"] == "e…@example.de"
    reference, token, _ = link_in(mail_about(base, email, "Bitte bestätigen"))
    assert f"hold-{reference}" in wait_for(lambda: scheduled(base))
    assert status_of(table, reference) == "pending"
    assert int(slot_item(table, start)["booked"]) == 1
    assert "booked_online" not in slot_item(table, start)

    confirmed = confirm(base, reference, token)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    again = confirm(base, reference, token)
    assert (again.status_code, again.json()) == (200, confirmed.json())

    confirmation = mail_about(base, email, "Ihr Termin im Jobcenter Oberhavel am")
    assert "termin.ics" in json.dumps(confirmation)
    counted = slot_item(table, start)
    assert (int(counted["booked"]), int(counted["booked_online"])) == (1, 1)
    shown = requests.get(
        f"{base}/bookings/{reference}", headers={"X-Booking-Token": token}, timeout=10
    )
    assert shown.json()["status"] == "confirmed"


def test_without_confirmation_seat_and_guard_are_free_at_confirm_by_exactly_once(
    base: str, table: Any
) -> None:
    (start,) = free_slots(base)
    email = address("lisa")
    reference, token = requested(base, start, email)
    wait_for(lambda: f"hold-{reference}" in scheduled(base))
    assert guards_of(table, reference)

    # Half an hour later the schedule is due; the sweep runs at the same moment.
    set_clock(base, advance_seconds=30 * 60 + 1)
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = [
            pool.submit(requests.post, f"{base}/_dev/scheduler/run", timeout=30),
            pool.submit(requests.post, f"{base}/_dev/reminders", timeout=60),
            pool.submit(requests.post, f"{base}/_dev/scheduler/run", timeout=30),
        ]
        assert all(run.result().status_code == 200 for run in runs)

    assert status_of(table, reference) == "expired"
    freed = slot_item(table, start)
    assert int(freed["booked"]) == 0
    assert int(freed["holds_expired"]) == 1
    assert "booked_online" not in freed
    assert guards_of(table, reference) == []
    assert f"hold-{reference}" not in scheduled(base)  # deleted after it ran
    mail_about(base, email, "Nicht bestätigt")
    time.sleep(1.5)  # a second e-mail would have come by now
    assert len([m for m in outbox(base, email) if m["subject"].startswith("Nicht")]) == 1
    late = confirm(base, reference, token)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "expired")
    # The address may book again at once.
    (other,) = free_slots(base)
    assert book(base, other, email).status_code == 202
    assert int(slot_item(table, other)["booked"]) == 1


def test_twenty_confirmations_racing_the_expiry_end_in_one_outcome(base: str, table: Any) -> None:
    (start,) = free_slots(base)
    email = address("race")
    reference, token = requested(base, start, email)
    wait_for(lambda: f"hold-{reference}" in scheduled(base))
    item = table.get_item(Key={"pk": f"BOOKING#{reference}", "sk": "BOOKING"})["Item"]
    confirm_by = datetime.fromisoformat(str(item["confirm_by"]).replace("Z", "+00:00"))
    # The clock runs on from a moment just before the deadline: some requests come before
    # it, some after, the schedule at it.
    set_clock(base, now=(confirm_by - timedelta(milliseconds=150)).isoformat())
    barrier = threading.Barrier(21)

    def click(_: int) -> int:
        barrier.wait()
        return confirm(base, reference, token).status_code

    def schedule() -> int:
        barrier.wait()
        time.sleep(0.15)
        return requests.post(f"{base}/_dev/scheduler/run", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=21) as pool:
        fired = pool.submit(schedule)
        answers = list(pool.map(click, range(20)))
        assert fired.result() == 200
    requests.post(f"{base}/_dev/scheduler/run", timeout=30)  # whatever was not due yet

    final = status_of(table, reference)
    assert final in ("confirmed", "expired")
    expected = 200 if final == "confirmed" else 409
    assert answers == [expected] * 20, answers
    counted = slot_item(table, start)
    confirmed_count = int(counted.get("booked_online", 0))
    expired_count = int(counted.get("holds_expired", 0))
    assert (confirmed_count, expired_count) == ((1, 0) if final == "confirmed" else (0, 1))
    assert int(counted["booked"]) == confirmed_count
    assert bool(guards_of(table, reference)) == (final == "confirmed")
    subject = "Ihr Termin im Jobcenter Oberhavel am" if final == "confirmed" else "Nicht bestätigt"
    mail_about(base, email, subject)
    time.sleep(1.5)
    settled = [m for m in outbox(base, email) if not m["subject"].startswith("Bitte")]
    assert len(settled) == 1, [m["subject"] for m in settled]


def test_a_second_attempt_answers_byte_for_byte_like_a_fresh_booking(base: str, table: Any) -> None:
    first, second, third, fourth = free_slots(base, 4)
    erika, egon = address("erika"), address("egon")
    household = f"12345BG{uuid.uuid4().int % 10**7:07d}"
    set_clock(base, frozen=True)  # confirm_by alike in every answer

    fresh = book(base, first, erika, household_number=household)
    reference, _, _ = link_in(mail_about(base, erika, "Bitte bestätigen"))
    by_address = book(base, second, erika)
    by_household = book(base, third, egon, household_number=household)
    egon_fresh = book(base, fourth, egon)

    assert raw(by_address) == raw(fresh)
    assert raw(by_household) == raw(egon_fresh)
    assert fresh.status_code == 202
    for start, seats in ((first, 1), (second, 0), (third, 0), (fourth, 1)):
        assert int(slot_item(table, start).get("booked", 0)) == seats
    # The owner learns it by e-mail, with the link to what she holds; Egon learns nothing
    # about Erika's booking.
    notice = mail_about(base, erika, "Sie haben bereits einen Termin")
    assert reference in notice["text"]
    time.sleep(1.5)
    assert all(reference not in m["text"] for m in outbox(base, egon))


def test_lookup_answers_alike_and_mails_an_address_once_in_ten_minutes(base: str) -> None:
    (start,) = free_slots(base)
    known = address("emma")
    reference, token = requested(base, start, known)
    assert confirm(base, reference, token).status_code == 200
    mail_about(base, known, "Ihr Termin im Jobcenter")
    unknown = address("emil")

    def lookup(email: str) -> requests.Response:
        body = {"email": email, "altcha": solved(base)}
        return requests.post(f"{base}/bookings/lookup", json=body, timeout=30)

    answers = [lookup(known), lookup(unknown)]
    assert answers[0].status_code == 202
    assert raw(answers[0]) == raw(answers[1])
    found = mail_about(base, known, "Ihre Termine")
    assert link_in(found)[:2] == (reference, token)

    assert raw(lookup(known)) == raw(answers[0])  # again: the same answer, no e-mail
    time.sleep(1.5)
    assert len(outbox(base, known)) == 3  # request, confirmation, one lookup
    assert outbox(base, unknown) == []
    set_clock(base, advance_seconds=10 * 60)
    lookup(known)
    wait_for(lambda: len(outbox(base, known)) == 4)


def test_the_local_clock_moves_and_comes_back(base: str) -> None:
    before = datetime.fromisoformat(set_clock(base, reset=True)["now"])
    moved = datetime.fromisoformat(set_clock(base, advance_seconds=3600)["now"])
    assert timedelta(minutes=59) < moved - before < timedelta(minutes=61)
    frozen = set_clock(base, frozen=True)
    time.sleep(1.1)
    assert requests.get(f"{base}/_dev/clock", timeout=10).json()["now"] == frozen["now"]
    assert (
        requests.post(f"{base}/_dev/clock", json={"now": "tomorrow"}, timeout=10).status_code == 400
    )
    back = datetime.fromisoformat(set_clock(base, reset=True)["now"])
    assert abs((back - before).total_seconds()) < 30


def test_a_corrected_address_with_the_household_number_replaces_the_first_hold(
    base: str, table: Any
) -> None:
    first, other = free_slots(base, 2)
    household = f"12345BG{uuid.uuid4().int % 10**7:07d}"
    mistyped, corrected = address("erika").replace("example.de", "gmial.com"), address("erika")
    set_clock(base, frozen=True)
    held = book(base, first, mistyped, household_number=household)
    assert held.status_code == 202, held.text
    old, old_token, _ = link_in(mail_about(base, mistyped, "Bitte bestätigen"))

    again = book(
        base, other, corrected, household_number=household, replaces_hold=held.json()["hold"]
    )
    reference, token, _ = link_in(mail_about(base, corrected, "Bitte bestätigen"))
    # The answer is any booking's; the first hold is replaced, its seat and guards free.
    fresh = book(base, free_slots(base)[0], address("emil"))
    assert raw(again) == raw(fresh)
    assert status_of(table, old) == "replaced"
    assert int(slot_item(table, first)["booked"]) == 0
    assert int(slot_item(table, first)["holds_replaced"]) == 1
    assert guards_of(table, old) == []
    assert len(guards_of(table, reference)) == 2  # the address and the household
    assert int(slot_item(table, other)["booked"]) == 1

    assert confirm(base, reference, token).status_code == 200
    late = confirm(base, old, old_token)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "expired")
    # The first hold's schedule runs at its time and finds nothing to do.
    set_clock(base, advance_seconds=30 * 60 + 1)
    assert requests.post(f"{base}/_dev/scheduler/run", timeout=30).status_code == 200
    assert status_of(table, old) == "replaced"
    assert "holds_expired" not in slot_item(table, first)
    time.sleep(1.5)  # an e-mail to the mistyped address would have come by now
    assert [m["subject"] for m in outbox(base, mistyped)] == [
        mail_about(base, mistyped, "Bitte bestätigen")["subject"]
    ]
