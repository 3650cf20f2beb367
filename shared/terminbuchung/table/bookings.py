"""Booking items and the guards that count a person's active bookings.

`reserve` and `call_off` are one DynamoDB transaction each: a seat of the slot, the
booking and its guards change together or not at all. Contention on one slot makes
DynamoDB cancel concurrent transactions; they are retried here with jitter, so the last
seat goes to one of them and the others learn why they lost.
"""

import random
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from terminbuchung.clock import iso
from terminbuchung.references import new_reference
from terminbuchung.schedule import PlannedSlot
from terminbuchung.table import priorities, requests, statistics
from terminbuchung.table.challenges import Spent, raise_if_spent, spend_in
from terminbuchung.table.items import BookingItem, GuardItem, HistoryEntry, SlotItem
from terminbuchung.table.keys import (
    BOOKING_SORT_KEY,
    booking_key,
    day_key,
    day_order,
    guard_key,
    location_key,
    slot_key,
)
from terminbuchung.table.slots import SLOT_HISTORY
from terminbuchung.table.transaction import Transaction, TransactionFailed

ATTEMPTS = 12

logger = Logger(child=True)


@dataclass(frozen=True)
class NewBooking:
    """What a citizen booked, before it has a reference."""

    location: str
    service: str
    start: datetime
    end: datetime
    name: str
    email: str | None
    phone: str | None
    household_number: str | None
    created_at: datetime
    expires_at: datetime  # personal data is deleted then (TTL)
    via: str = BookingItem.ONLINE
    by: str = BookingItem.CITIZEN  # who booked: the citizen, or a staff member's username
    remarks: str | None = None
    # The language of the booking's e-mails (terminbuchung.languages).
    language: str = "de"
    # The proof of work it paid with: spent in the booking's transaction (single use).
    proof: Spent | None = None
    # Online bookings that wait for the citizen to confirm the e-mail address: the seat is
    # held until then (status pending), and it counts for the evaluation once confirmed.
    confirm_by: datetime | None = None
    # Sent with an Idempotency-Key: its record is written in the booking's transaction.
    request: requests.KeyedRequest | None = None
    # Booked with the priority of an office-cancelled booking: used in the transaction, and
    # it may open one seat of a slot the daily quota kept unreleased (table.priorities).
    priority: priorities.Priority | None = None
    # A correction of the address: the citizen's own pending booking this one replaces, in
    # the same transaction (terminbuchung.hold_handles names it).
    replaces: "HeldSeat | None" = None


@dataclass(frozen=True)
class HeldSeat:
    """A pending booking as its hold handle names it: what calling it off touches."""

    reference: str
    location: str
    slot: str  # sort key of its slot item
    guards: tuple[str, ...]  # "pk|sk" of each guard, as BookingItem.guards


@dataclass(frozen=True)
class Person:
    """One way of counting a person (their mailbox, say) as the table keys it: the hash new
    guards are made under, and after a key rotation the hash under the previous key, whose
    guards still hold the person's seats until they expire or are freed."""

    hash: str
    previous_hash: str | None = None


class SeatNotFree(Exception):
    """No seat of the slot: `full` if all are booked, else not released, closed or moved."""

    def __init__(self, *, full: bool) -> None:
        super().__init__("full" if full else "unavailable")
        self.full = full


class PersonHoldsAll(Exception):
    """The person, counted by `way` (e.g. "email"), holds as many bookings as allowed:
    `references` are those the transaction saw (their guards under the current key)."""

    def __init__(self, way: str, references: list[str]) -> None:
        super().__init__(way)
        self.way = way
        self.references = references


class Contended(Exception):
    """Still losing to concurrent transactions after every attempt."""


def reserve(
    booking: NewBooking,
    people: Mapping[str, Person],
    *,
    limit: int,
    now: datetime,
    guards_taken: list[str] | None = None,
) -> str:
    """Write `booking` with a seat and one guard per way of counting the person.

    `people` maps each way of counting ("email", "household_number") to the person; each
    guard takes the first of the person's `limit` seats that is free or expired. After a
    key rotation a seat is free only if it is free under the previous hash too: a condition
    check in the same transaction, so a booking from before the rotation still counts.
    Returns the new reference; `guards_taken`, if given, receives the guards' keys.

    A booking that `replaces` the citizen's pending one (a corrected address) calls it off
    in the same transaction (_give_back): only while it is still pending, else it books as
    if it replaced nothing.
    """
    seats = dict.fromkeys(people, 0)
    holders: dict[str, list[str]] = {way: [] for way in people}
    # A booking waiting for its confirmation holds a seat but counts as booked only once
    # confirmed (confirm): the evaluation's counters never see a hold that expires.
    counted = (
        []
        if booking.confirm_by
        else statistics.booked(booking.via, booking.start, booking.created_at)
    )
    extra_seat = booking.priority.extra_seat if booking.priority else None
    opening = False  # True: the slot was not released; this booking opens one seat of it
    replacing = booking.replaces
    for attempt in range(ATTEMPTS):
        reference = new_reference()
        guards = {way: GuardItem(*guard_key(p.hash, seats[way])) for way, p in people.items()}
        transaction = Transaction()
        unreleased = extra_seat if opening else None
        same_slot = _seat_for(transaction, booking, counted, unreleased, replacing)
        transaction.put(
            "booking", _booking_item(booking, reference, guards), BookingItem.pk.does_not_exist()
        )
        _put_guards(
            transaction,
            booking,
            reference,
            guards,
            people=people,
            seats=seats,
            replacing=replacing,
            now=now,
        )
        if replacing:
            # A guard the new booking puts in the hold's place is taken over, not deleted.
            reused = {f"{g.pk}|{g.sk}" for g in guards.values()}
            _give_back(transaction, replacing, reused, now, same_slot=same_slot)
        spend_in(transaction, booking.proof)
        priorities.use_in(transaction, booking.priority, reference)
        if booking.request:
            requests.put(transaction, booking.request, reference, now)
        try:
            transaction.commit()
        except TransactionFailed as failed:
            # The guard holds this very booking: an attempt the SDK retried had gone through
            # after all (DynamoDB Local under load answers "timed out waiting for a lock" for
            # a write it then makes; issue 14), and a transaction is all or nothing.
            if any(_holder(failed.raw_item(way)) == reference for way in people):
                return reference
            if booking.request and failed.failed(requests.LABEL):
                raise requests.RequestSeen() from None
            raise_if_spent(failed)
            priorities.raise_if_used(failed)
            if replacing and any(failed.failed(label) for label in _REPLACING):
                # Confirmed, expired or replaced meanwhile: book as if nothing were replaced.
                replacing = None
                continue
            # A seat is taken when DynamoDB shows the guard holding it (the failed put returns
            # it). A refusal with no guard there cannot come from our condition; it was seen
            # once in ~1,000 bookings on an overloaded DynamoDB Local (issue 14, README): it
            # is retried like a conflict, so no phantom guard answers "already booked".
            phantom = [way for way in people if failed.failed(way) and not failed.raw_item(way)]
            taken = [
                way
                for way in people
                if (failed.failed(way) and way not in phantom)
                or failed.failed(_before_rotation(way))
            ]
            _next_seats(taken, failed, seats, holders, limit)
            if failed.failed("slot"):
                if extra_seat and (opening or not failed.raw_item("slot")):
                    # Not released (open one seat of it), or released meanwhile: try again
                    # the other way; the slot's own conditions still decide.
                    opening = not opening
                    continue
                raise _why_not(failed.raw_item("slot"), booking.start) from None
            if failed.conflict or phantom:
                _back_off(attempt)
            elif not taken and not failed.failed("booking"):
                raise
            continue  # a guard seat was taken, or the reference existed: try again
        return _reserved(reference, guards, replacing, guards_taken)
    raise Contended()


def _reserved(
    reference: str,
    guards: dict[str, GuardItem],
    replaced: HeldSeat | None,
    guards_taken: list[str] | None,
) -> str:
    if replaced:
        logger.info("hold replaced", extra={"reference": replaced.reference, "by": reference})
    if guards_taken is not None:
        guards_taken.extend(f"{g.pk}|{g.sk}" for g in guards.values())
    return reference


def _seat_for(
    transaction: Transaction,
    booking: NewBooking,
    counted: list[Action],
    unreleased: PlannedSlot | None,
    replacing: HeldSeat | None,
) -> bool:
    """The booking's seat; True if it is the seat of the hold it replaces (the same slot:
    one update with the net change, none, as a transaction touches an item once)."""
    same_slot = (
        replacing is not None
        and unreleased is None
        and (replacing.location, replacing.slot) == (booking.location, slot_key(booking.start))
    )
    if same_slot:
        _keep_seat(transaction, booking, counted)
    else:
        _take_seat(transaction, booking, counted, unreleased)
    return same_slot


def _put_guards(
    transaction: Transaction,
    booking: NewBooking,
    reference: str,
    guards: dict[str, GuardItem],
    *,
    people: Mapping[str, Person],
    seats: dict[str, int],
    replacing: HeldSeat | None,
    now: datetime,
) -> None:
    """One guard per way of counting the person, each on a free seat (or the replaced
    hold's, while it is replaced); after a key rotation the seat under the previous key is
    checked too, unless it is the replaced hold's own guard, which the transaction deletes
    (_give_back)."""
    for way, guard in guards.items():
        guard.reference = reference
        guard.expires_at = booking.end
        transaction.put(way, guard, condition=_seat_free(now, replacing))
        if previous := people[way].previous_hash:
            seat = guard_key(previous, seats[way])
            if not (replacing and "|".join(seat) in replacing.guards):
                check = _seat_free(now, replacing)
                transaction.check(_before_rotation(way), GuardItem, seat, check)


# The labels of a replacement's items: if one fails, the hold is no longer what it was.
_REPLACING = ("replaced", "replaced slot", "replaced guard")


def _keep_seat(transaction: Transaction, booking: NewBooking, counted: list[Action]) -> None:
    """The seat of the replaced hold, in the same slot, goes to the new booking: the slot's
    booked count stays, the slot must still be open."""
    transaction.update(
        "slot",
        SlotItem(location_key(booking.location), slot_key(booking.start)),
        [statistics.hold_replaced(), *counted],
        condition=SlotItem.pk.exists()
        & SlotItem.closed_reason.does_not_exist()
        & (SlotItem.starts_at == booking.start),
    )


def _give_back(
    transaction: Transaction, held: HeldSeat, reused: set[str], now: datetime, *, same_slot: bool
) -> None:
    """Call off the replaced hold (only while pending): status replaced, its seat given back
    (unless the new booking keeps it), its guards the new booking does not take deleted."""
    transaction.update(
        "replaced",
        BookingItem(booking_key(held.reference), BOOKING_SORT_KEY),
        [
            BookingItem.status.set(BookingItem.REPLACED),
            BookingItem.cancelled_at.set(now),
            _append_history(HistoryEntry.of(now, BookingItem.CITIZEN, BookingItem.REPLACED)),
        ],
        condition=(BookingItem.status == BookingItem.PENDING)
        & (BookingItem.location == held.location)
        & (BookingItem.slot == held.slot),
    )
    if not same_slot:
        transaction.update(
            "replaced slot",
            SlotItem(location_key(held.location), held.slot),
            [SlotItem.booked.add(-1), statistics.hold_replaced()],
            condition=SlotItem.booked > 0,
        )
    for guard in held.guards:
        if guard not in reused:
            pk, sk = guard.split("|")
            transaction.delete(
                "replaced guard", GuardItem(pk, sk), GuardItem.reference == held.reference
            )


def _take_seat(
    transaction: Transaction,
    booking: NewBooking,
    counted: list[Action],
    unreleased: PlannedSlot | None,
) -> None:
    """A seat of the booking's slot: of a released slot with a free seat, or (priority)
    the one seat that opens an `unreleased` slot."""
    if unreleased:
        _open_one_seat(transaction, unreleased, counted, booking.created_at)
        return
    transaction.update(
        "slot",
        SlotItem(location_key(booking.location), slot_key(booking.start)),
        [SlotItem.booked.add(1), *counted],
        condition=SlotItem.pk.exists()
        & SlotItem.closed_reason.does_not_exist()
        & (SlotItem.booked < SlotItem.capacity)
        & (SlotItem.starts_at == booking.start),
    )


def _open_one_seat(
    transaction: Transaction, planned: PlannedSlot, counted: list[Action], now: datetime
) -> None:
    """A slot of the plan that the daily quota kept unreleased, put in place holding the
    priority booking's seat: capacity 1 and booked 1, so it opens no seat for anyone else
    and never more than the desks. Only if it does not exist: a slot the release or another
    booking put there meanwhile is booked the ordinary way (its capacity decides)."""
    transaction.update(
        "slot",
        SlotItem(location_key(planned.location), slot_key(planned.start)),
        [
            SlotItem.location.set(planned.location),
            SlotItem.starts_at.set(planned.start),
            SlotItem.ends_at.set(planned.end),
            SlotItem.capacity.set(1),
            SlotItem.booked.add(1),
            SlotItem.released_at.set(now),
            SlotItem.expires_at.set(planned.end + SLOT_HISTORY),
            *counted,
        ],
        condition=SlotItem.pk.does_not_exist(),
    )


def _next_seats(
    ways: list[str],
    failed: TransactionFailed,
    seats: dict[str, int],
    holders: dict[str, list[str]],
    limit: int,
) -> None:
    """Each way whose seat was taken tries its next seat; none left: the person holds all."""
    for way in ways:
        seats[way] += 1
        if holder := _holder(failed.raw_item(way)):
            holders[way].append(holder)
        if seats[way] >= limit:
            raise PersonHoldsAll(way, holders[way]) from None


def _holder(guard: dict[str, dict[str, str]] | None) -> str | None:
    """The reference of the booking that holds a guard's seat (from the failed put)."""
    return guard["reference"]["S"] if guard and "reference" in guard else None


def _seat_free(now: datetime, replacing: HeldSeat | None = None) -> Condition:
    """A guard's seat is free if nobody holds it, or the appointment holding it is over, or
    it is the replaced hold's (called off in the same transaction)."""
    free: Condition = GuardItem.pk.does_not_exist() | (GuardItem.expires_at < now)
    if replacing:
        free = free | (GuardItem.reference == replacing.reference)
    return free


def _before_rotation(way: str) -> str:
    """The label of the check on a person's seat under the previous key."""
    return f"{way} under the previous key"


def _booking_item(booking: NewBooking, reference: str, guards: dict[str, GuardItem]) -> BookingItem:
    return BookingItem(
        booking_key(reference),
        reference=reference,
        location=booking.location,
        service=booking.service,
        slot=slot_key(booking.start),
        starts_at=booking.start,
        ends_at=booking.end,
        status=BookingItem.PENDING if booking.confirm_by else BookingItem.CONFIRMED,
        confirm_by=booking.confirm_by,
        name=booking.name,
        email=booking.email,
        phone=booking.phone,
        household_number=booking.household_number,
        guards=[f"{g.pk}|{g.sk}" for g in guards.values()],
        created_at=booking.created_at,
        booked_via=booking.via,
        remarks=booking.remarks,
        language=booking.language,
        history=[HistoryEntry.of(booking.created_at, booking.by, "booked")],
        day_key=day_key(booking.location, booking.start.date()),
        day_order=day_order(booking.start, reference),
        expires_at=booking.expires_at,
    )


def _back_off(attempt: int) -> None:
    # Jitter spreads the retries of concurrent requests; it needs no cryptographic quality.
    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311


def _why_not(slot: dict[str, dict[str, str]] | None, start: datetime) -> SeatNotFree:
    """Tell a full slot from one that was never released, is closed or starts otherwise."""
    if slot is None or "closed_reason" in slot or slot["starts_at"].get("S") != iso(start):
        return SeatNotFree(full=False)
    return SeatNotFree(full=True)


def call_off(
    item: BookingItem, status: str, reason: str, now: datetime, *, by: str = BookingItem.CITIZEN
) -> bool:
    """Set a confirmed booking's status, free its seat and its guards, in one transaction.

    False if the booking was no longer confirmed: someone else cancelled it first.
    """
    entry = HistoryEntry.of(now, by, status, reason)
    return _free_seat(
        item,
        [
            BookingItem.status.set(status),
            BookingItem.cancelled_at.set(now),
            BookingItem.cancel_reason.set(reason),
            _append_history(entry),
        ],
        # Whoever came (or was marked absent) had the appointment: it stays counted so.
        # Still at the slot it was read at: a booking moved meanwhile (table.moves) frees
        # its new seat on the caller's next try, never the old one it no longer holds.
        condition=(BookingItem.status == BookingItem.CONFIRMED)
        & BookingItem.checked_in_at.does_not_exist()
        & BookingItem.no_show_at.does_not_exist()
        & (BookingItem.slot == item.slot),
        counter=statistics.cancelled(status),
    )


def expire(item: BookingItem, now: datetime) -> bool:
    """A booking never confirmed in time: expired, its seat and guards free, at once.

    Only while it is still pending and its time is up: the schedule, the hourly sweep and a
    late confirmation may all try; one transaction wins, the others find it done (False).
    """
    return _free_seat(
        item,
        [
            BookingItem.status.set(BookingItem.EXPIRED),
            _append_history(HistoryEntry.of(now, BookingItem.CITIZEN, BookingItem.EXPIRED)),
        ],
        condition=(BookingItem.status == BookingItem.PENDING) & (BookingItem.confirm_by <= now),
        counter=statistics.hold_expired(),
    )


def confirm(item: BookingItem, now: datetime) -> bool:
    """The citizen confirmed the address in time: the booking counts from now on (status and
    the slot's counters in one transaction). False if it is no longer pending or its time is
    up: the expiry, or another click, came first. SeatNotFree if the office closed the slot
    meanwhile (the booking stays pending and expires on time)."""
    for attempt in range(ATTEMPTS):
        transaction = Transaction()
        transaction.update(
            "booking",
            item,
            [
                BookingItem.status.set(BookingItem.CONFIRMED),
                BookingItem.confirmed_at.set(now),
                _append_history(HistoryEntry.of(now, BookingItem.CITIZEN, "confirmed")),
            ],
            condition=(BookingItem.status == BookingItem.PENDING) & (BookingItem.confirm_by > now),
        )
        via = item.booked_via or BookingItem.ONLINE
        transaction.update(
            "slot",
            SlotItem(location_key(item.location), item.slot),
            statistics.booked(via, item.starts_at, now),
            # Closed by the office meanwhile: the hold is not confirmed; it expires on time.
            condition=SlotItem.pk.exists() & SlotItem.closed_reason.does_not_exist(),
        )
        try:
            transaction.commit()
        except TransactionFailed as failed:
            if failed.failed("booking"):
                return False
            if failed.failed("slot"):
                raise SeatNotFree(full=False) from None
            if not failed.conflict:
                raise
            _back_off(attempt)
            continue
        return True
    raise Contended()


def _free_seat(
    item: BookingItem, actions: list[Action], *, condition: Any, counter: Action
) -> bool:
    """Change the booking as `actions` say if `condition` holds, and free its seat and its
    guards in the same transaction. False if the condition did not hold."""
    guards = [str(guard) for guard in item.guards]
    for attempt in range(ATTEMPTS):
        transaction = Transaction()
        # Still at the slot it was read at: a booking moved meanwhile (table.moves) frees
        # its new seat on the caller's next try, never the old one it no longer holds.
        still_there = BookingItem.slot == item.slot
        transaction.update("booking", item, actions, condition=condition & still_there)
        transaction.update(
            "slot",
            SlotItem(location_key(item.location), item.slot),
            [SlotItem.booked.add(-1), counter],
            condition=SlotItem.booked > 0,
        )
        for number, guard in enumerate(guards):
            pk, sk = guard.split("|")
            transaction.delete(
                f"guard{number}", GuardItem(pk, sk), condition=GuardItem.reference == item.reference
            )
        try:
            transaction.commit()
        except TransactionFailed as failed:
            if failed.failed("booking"):
                return False
            # A guard that is gone (expired, or freed already) has nothing left to free.
            left = [g for n, g in enumerate(guards) if not failed.failed(f"guard{n}")]
            if failed.conflict:
                _back_off(attempt)
            elif left == guards:
                raise
            guards = left
            continue
        return True
    raise Contended()


def _append_history(entry: HistoryEntry) -> Action:
    return BookingItem.history.set((BookingItem.history | []).append([entry]))


class AttendanceRefused(Exception):
    """The booking is not confirmed, or its attendance was marked otherwise meanwhile."""


def mark_attendance(item: BookingItem, mark: str, *, by: str, now: datetime) -> None:
    """Note that the citizen came (`checked_in`) or did not (`no_show`), counted on the slot."""
    field = BookingItem.checked_in_at if mark == "checked_in" else BookingItem.no_show_at
    _attendance(
        item,
        [field.set(now), _append_history(HistoryEntry.of(now, by, mark))],
        condition=(BookingItem.status == BookingItem.CONFIRMED)
        & BookingItem.checked_in_at.does_not_exist()
        & BookingItem.no_show_at.does_not_exist(),
        counter=statistics.attendance(mark, +1),
    )


def undo_attendance(item: BookingItem, mark: str, *, by: str, now: datetime) -> None:
    field = BookingItem.checked_in_at if mark == "checked_in" else BookingItem.no_show_at
    entry = HistoryEntry.of(now, by, f"undo_{mark}")
    _attendance(
        item,
        [field.remove(), _append_history(entry)],
        condition=field.exists() & (BookingItem.status == BookingItem.CONFIRMED),
        counter=statistics.attendance(mark, -1),
    )


def _attendance(item: BookingItem, actions: list[Action], condition: Any, counter: Action) -> None:
    for attempt in range(ATTEMPTS):
        transaction = Transaction()
        transaction.update("booking", item, actions, condition=condition)
        transaction.update(
            "slot", SlotItem(location_key(item.location), item.slot), [counter], None
        )
        try:
            transaction.commit()
        except TransactionFailed as failed:
            if failed.failed("booking"):
                raise AttendanceRefused() from None
            if not failed.conflict:
                raise
            _back_off(attempt)
            continue
        return
    raise Contended()


def request_resend(item: BookingItem, *, by: str, now: datetime) -> bool:
    """Count one more confirmation to send; the e-mail function sees the change on the
    stream and sends it. Clears the undelivered flag: a failure flags it anew.
    False if the booking is no longer confirmed or has no address."""
    try:
        item.update(
            actions=[
                BookingItem.resent.add(1),
                BookingItem.undelivered_mail.remove(),
                _append_history(HistoryEntry.of(now, by, "resend")),
            ],
            condition=(BookingItem.status == BookingItem.CONFIRMED) & BookingItem.email.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def load(reference: str) -> BookingItem | None:
    try:
        return BookingItem.get(booking_key(reference), BOOKING_SORT_KEY, consistent_read=True)
    except BookingItem.DoesNotExist:
        return None


def bookings_on(location: str, day: date, *, confirmed_only: bool = False) -> Iterator[BookingItem]:
    """A location's bookings of one day, by time: one Query of the day index."""
    condition = BookingItem.status == BookingItem.CONFIRMED if confirmed_only else None
    return BookingItem.by_location_day.query(day_key(location, day), filter_condition=condition)


def pending_on(location: str, day: date, now: datetime) -> Iterator[BookingItem]:
    """A location's bookings of one day still waiting for confirmation past their time:
    one Query of the day index (the hourly sweep, should a schedule have failed)."""
    condition = (BookingItem.status == BookingItem.PENDING) & (BookingItem.confirm_by <= now)
    return BookingItem.by_location_day.query(day_key(location, day), filter_condition=condition)


def held_by(person_hash: str, now: datetime) -> list[str]:
    """The references a person's guards hold (one Query of the guard's partition)."""
    pk, _ = guard_key(person_hash, 0)
    return [
        guard.reference
        for guard in GuardItem.query(pk, consistent_read=True)
        if guard.expires_at > now
    ]


def with_undelivered_mail(location: str, day: date) -> Iterator[BookingItem]:
    return BookingItem.by_location_day.query(
        day_key(location, day), filter_condition=BookingItem.undelivered_mail.exists()
    )


def flag_undelivered(item: BookingItem, kind: str) -> None:
    """Note on the booking that an e-mail of `kind` did not reach the citizen."""
    with suppress(UpdateError):  # the booking is gone (TTL): nobody is left to tell
        item.update(
            actions=[BookingItem.undelivered_mail.add({kind})],
            condition=BookingItem.pk.exists(),
        )
