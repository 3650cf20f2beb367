"""A mistyped address corrected: the 202's hold handle, sent back as replaces_hold, lets
the corrected booking call off the first (pending) one in its own single transaction:
seat given back, guards freed or taken over, nothing told to the mistyped address.
Handlers through API Gateway events, the stream, SES and Scheduler on moto.
"""

import base64
from collections import Counter
from typing import Any

from terminbuchung import hold_handles
from terminbuchung.table import BookingItem, GuardItem
from terminbuchung.table.bookings import HeldSeat
from tests.api_client import ApiClient
from tests.unit.mail import test_confirmation
from tests.unit.mail.conftest import Mailroom
from tests.unit.mail.test_confirmation import (
    CONFIRM_BY,
    TUESDAY_10,
    TUESDAY_11,
    WEDNESDAY_10,
    alike,
    book,
    booking,
    confirm,
    deliver,
    expire_by_schedule,
    link_in,
    mails_to,
    slot,
)

# The fixtures of the confirmation tests, as shipped (confirmation within 30 minutes).
confirming = test_confirmation.confirming
scheduler = test_confirmation.scheduler
clock_at = test_confirmation.clock_at
dynamodb_calls = test_confirmation.dynamodb_calls

MISTYPED = "erika@gmial.com"
CORRECTED = "erika@gmail.com"
HOUSEHOLD = "12345BG0001234"


def pending_references() -> dict[str, str]:
    return {b.reference: b.status for b in BookingItem.scan(BookingItem.pk.startswith("BOOKING#"))}


def guard_holders() -> list[str]:
    return sorted(g.reference for g in GuardItem.scan(GuardItem.pk.startswith("GUARD#")))


def fresh(api: ApiClient) -> Any:
    """A fresh booking's answer by someone whose address masks alike (e…@gmail.com), at a
    time the test leaves alone: what every answer to a correction must equal."""
    return alike(book(api, "emil@gmail.com", start=WEDNESDAY_10, name="Emil M."))


def confirm_link(mailroom: Mailroom, address: str) -> tuple[str, str]:
    (request,) = [m for m in mails_to(mailroom, address) if "bestätigen" in m["subject"]]
    reference, token, _ = link_in(request)
    return reference, token


def test_a_corrected_address_with_a_household_number_replaces_the_first_hold_at_once(
    confirming: ApiClient, mailroom: Mailroom, scheduler: Any, clock_at: Any
) -> None:
    first = book(confirming, MISTYPED, household_number=HOUSEHOLD)
    assert first.status == 202
    deliver(mailroom)
    old, old_token = confirm_link(mailroom, MISTYPED)

    corrected = book(
        confirming,
        CORRECTED,
        start=TUESDAY_11,
        household_number=HOUSEHOLD,
        replaces_hold=first.body["hold"],
    )
    # The corrected booking holds its own seat; the first one's is free, in one go.
    assert int(slot(TUESDAY_10).booked) == 0
    assert int(slot(TUESDAY_10).holds_replaced) == 1
    assert slot(TUESDAY_10).holds_expired is None
    assert int(slot(TUESDAY_11).booked) == 1
    statuses = pending_references()
    (new,) = [r for r, status in statuses.items() if status == "pending"]
    assert statuses[old] == "replaced"
    # The household's guard now holds the new booking; the mistyped address's is gone.
    assert guard_holders() == [new, new]

    deliver(mailroom)
    new_reference, token = confirm_link(mailroom, CORRECTED)
    assert new_reference == new
    # Nothing more to the mistyped address: no "bereits", no "nicht bestätigt".
    assert len(mails_to(mailroom, MISTYPED)) == 1
    confirmed = confirm(confirming, new, token)
    assert (confirmed.status, confirmed.body["status"]) == (200, "confirmed")
    # The first e-mail's link (at the mistyped address) confirms nothing now.
    late = confirm(confirming, old, old_token)
    assert (late.status, late.error["code"]) == (409, "expired")
    assert alike(corrected) == fresh(confirming)  # the same answer as any booking
    # Its schedule fires at confirm_by on a replaced booking and does nothing.
    clock_at(CONFIRM_BY)
    assert expire_by_schedule(scheduler, old)["status"] == "replaced"
    assert booking(old).status == "replaced"
    assert int(slot(TUESDAY_10).booked) == 0
    assert slot(TUESDAY_10).holds_expired is None
    assert int(slot(TUESDAY_11).booked) == 1
    deliver(mailroom)
    assert len(mails_to(mailroom, MISTYPED)) == 1


def test_a_correction_in_the_same_full_slot_keeps_the_seat(
    confirming: ApiClient, mailroom: Mailroom
) -> None:
    first = book(confirming, MISTYPED)
    assert book(confirming, "egon@example.de", name="Egon M.").status == 202  # 2 of 2 desks
    corrected = book(confirming, CORRECTED, replaces_hold=first.body["hold"])
    assert corrected.status == 202
    full = slot(TUESDAY_10)
    assert (int(full.booked), int(full.capacity)) == (2, 2)
    assert int(full.holds_replaced) == 1
    assert sorted(pending_references().values()) == ["pending", "pending", "replaced"]
    # Without a handle the full slot says so at once, as ever.
    refused = book(confirming, "emil@example.de", name="Emil M.")
    assert (refused.status, refused.error["code"]) == (409, "slot_full")


def test_handles_that_open_nothing_book_as_if_none_was_given(
    confirming: ApiClient, mailroom: Mailroom
) -> None:
    first = book(confirming, MISTYPED, household_number=HOUSEHOLD)
    hold = first.body["hold"]
    (old,) = pending_references()
    raw = bytearray(base64.urlsafe_b64decode(hold))
    raw[40] ^= 1  # one bit of the sealed content changed
    forged = base64.urlsafe_b64encode(bytes(raw)).decode()
    # Someone else's booking named without the key: sealed under another key.
    guessed = hold_handles.seal(
        HeldSeat(old, "oranienburg", "SLOT#2026-12-01T10:00", ()), b"not the token key"
    )
    answers = [
        book(confirming, CORRECTED, start=TUESDAY_11, household_number=HOUSEHOLD, **extra)
        for extra in (
            {"replaces_hold": forged},
            {"replaces_hold": guessed},
            {"replaces_hold": hold_handles.blank()},
            {"replaces_hold": "kurz"},
            {},
        )
    ]
    # The household holds the first booking: each is told by e-mail, no seat is taken, and
    # every answer is the same as the first booking's.
    assert pending_references() == {old: "pending"}
    assert int(slot(TUESDAY_10).booked) == 1
    assert slot(TUESDAY_10).holds_replaced is None
    assert int(slot(TUESDAY_11).booked) == 0
    # The blank handle an already-booked answer carries replaces nothing either.
    blank = book(confirming, CORRECTED, household_number=HOUSEHOLD, start=TUESDAY_11)
    again = book(confirming, "eva@example.de", start=TUESDAY_11, replaces_hold=blank.body["hold"])
    assert again.status == 202
    assert pending_references()[old] == "pending"
    for answer in answers:
        assert alike(answer) == fresh(confirming)


def test_a_hold_confirmed_before_the_correction_is_not_replaced(
    confirming: ApiClient, mailroom: Mailroom
) -> None:
    first = book(confirming, MISTYPED, household_number=HOUSEHOLD)
    deliver(mailroom)
    old, token = confirm_link(mailroom, MISTYPED)
    assert confirm(confirming, old, token).status == 200
    corrected = book(
        confirming,
        CORRECTED,
        start=TUESDAY_11,
        household_number=HOUSEHOLD,
        replaces_hold=first.body["hold"],
    )
    # As if no handle was given: the household holds a booking (told by e-mail).
    assert pending_references() == {old: "confirmed"}
    assert int(slot(TUESDAY_10).booked) == 1
    assert guard_holders() == [old, old]
    assert alike(corrected) == fresh(confirming)


def test_a_correction_is_one_transaction_and_the_handle_is_one_use(
    confirming: ApiClient, mailroom: Mailroom, dynamodb_calls: Counter[str]
) -> None:
    first = book(confirming, MISTYPED)
    dynamodb_calls.clear()
    assert book(confirming, CORRECTED, replaces_hold=first.body["hold"]).status == 202
    assert dynamodb_calls == {"TransactWriteItems": 1}
    # The same handle again (a second correction from an old copy of the page): the first
    # hold is replaced already, so this books anew and replaces nothing.
    assert book(confirming, "eva@example.de", replaces_hold=first.body["hold"]).status == 202
    assert sorted(pending_references().values()) == ["pending", "pending", "replaced"]
    assert int(slot(TUESDAY_10).holds_replaced) == 1
