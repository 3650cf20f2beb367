"""Book, show and cancel an appointment.

Booking is one DynamoDB transaction: a seat of the slot, the booking, and one guard per
person key (e-mail, household). Either all of it is written or none; a lost race is a
clean error, never an overbooked slot. Cancelling reverses it in one transaction.
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from terminbuchung.booking_window import check_bookable
from terminbuchung.clock import iso, wall_clock
from terminbuchung.config import SiteConfig
from terminbuchung.errors import (
    AlreadyBooked,
    BookingNotFound,
    Busy,
    SlotFull,
    SlotUnavailable,
    TooLate,
)
from terminbuchung.forms import BookingForm
from terminbuchung.models import (
    BookingItem,
    GuardItem,
    SlotItem,
    Transaction,
    TransactionFailed,
    booking_key,
    day_key,
    guard_key,
    location_key,
    slot_key,
)
from terminbuchung.offers import online_service, open_location
from terminbuchung.people import mailbox
from terminbuchung.references import (
    cancel_token,
    new_reference,
    normalize_reference,
    person_hash,
    token_matches,
)

logger = Logger(child=True)

# Contention on one slot makes DynamoDB cancel concurrent transactions; they are retried
# with jitter, so the last seat goes to one of them and the others learn it is full.
_ATTEMPTS = 12


@dataclass(frozen=True)
class Confirmation:
    reference: str
    location: str
    service: str
    start: str
    end: str
    cancel_token: str


@dataclass(frozen=True)
class BookingDetails:
    reference: str
    status: str
    location: str
    service: str
    start: str
    end: str
    name: str


@dataclass(frozen=True)
class Cancellation:
    reference: str
    status: str


def book(form: BookingForm, site: SiteConfig, now: datetime, key: bytes) -> Confirmation:
    location = open_location(site, form.location, field="location")
    service = online_service(site, location, form.service)
    start = form.start
    check_bookable(location, start, now)
    end = start + timedelta(minutes=service.duration_minutes)
    local_start = wall_clock(start)

    # One guard per way of counting a person; a seat number per guard lets a person hold
    # up to max_active_bookings_per_person appointments.
    people = {"email": person_hash("email", mailbox(form.email), key)}
    if form.household_number:
        people["household_number"] = person_hash("household", form.household_number, key)
    seats = dict.fromkeys(people, 0)

    for attempt in range(_ATTEMPTS):
        reference = new_reference()
        guards = {field: GuardItem(*guard_key(h, seats[field])) for field, h in people.items()}
        transaction = Transaction()
        transaction.update(
            "slot",
            SlotItem(location_key(location.id), slot_key(local_start)),
            [SlotItem.booked.add(1)],
            condition=SlotItem.pk.exists()
            & SlotItem.closed_reason.does_not_exist()
            & (SlotItem.booked < SlotItem.capacity)
            & (SlotItem.starts_at == iso(start)),
        )
        transaction.put(
            "booking",
            BookingItem(
                booking_key(reference),
                reference=reference,
                location=location.id,
                service=service.id,
                slot=slot_key(local_start),
                starts_at=iso(start),
                ends_at=iso(end),
                status=BookingItem.CONFIRMED,
                name=form.name,
                email=str(form.email),
                phone=form.phone,
                household_number=form.household_number,
                guards=[f"{g.pk}|{g.sk}" for g in guards.values()],
                created_at=now,
                day_key=day_key(location.id, start.date()),
                day_order=f"{local_start}#{reference}",
                expires_at=end + timedelta(days=site.booking.retention_days),
            ),
            condition=BookingItem.pk.does_not_exist(),
        )
        for field, guard in guards.items():
            guard.reference = reference
            guard.expires_at = end
            transaction.put(
                field, guard, condition=GuardItem.pk.does_not_exist() | (GuardItem.expires_at < now)
            )
        try:
            transaction.commit()
        except TransactionFailed as failed:
            taken = [field for field in people if failed.failed(field)]
            for field in taken:
                seats[field] += 1
                if seats[field] >= site.booking.max_active_bookings_per_person:
                    raise AlreadyBooked(field=field) from None
            if failed.failed("slot"):
                raise _why_not(failed.raw_item("slot"), iso(start)) from None
            if failed.conflict:
                _back_off(attempt)
            elif not taken and not failed.failed("booking"):
                raise
            continue
        logger.info(
            "booking created",
            extra={"reference": reference, "location_id": location.id, "slot": iso(start)},
        )
        return Confirmation(
            reference, location.id, service.id, iso(start), iso(end), cancel_token(reference, key)
        )
    raise Busy()


def _back_off(attempt: int) -> None:
    # Jitter spreads the retries of concurrent requests; it needs no cryptographic quality.
    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311


def _why_not(slot: dict[str, dict[str, str]] | None, start: str) -> SlotUnavailable | SlotFull:
    """Tell a full slot from one that was never released, is closed or starts otherwise."""
    if slot is None or "closed_reason" in slot or slot["starts_at"].get("S") != start:
        return SlotUnavailable(field="start")
    return SlotFull(field="start")


def _booking(reference: str, token: str, key: bytes) -> BookingItem:
    """The booking, if `token` belongs to it. Unknown and forbidden look the same."""
    canonical = normalize_reference(reference)
    # The token is checked before any read: a wrong one costs no I/O and tells nothing.
    if canonical is None or not token_matches(canonical, token, key):
        raise BookingNotFound()
    return _load(canonical)


def _load(reference: str) -> BookingItem:
    try:
        return BookingItem.get(booking_key(reference), "BOOKING", consistent_read=True)
    except BookingItem.DoesNotExist:
        raise BookingNotFound() from None


def show(reference: str, token: str, key: bytes) -> BookingDetails:
    item = _booking(reference, token, key)
    return BookingDetails(
        item.reference,
        item.status,
        item.location,
        item.service,
        item.starts_at,
        item.ends_at,
        item.name,
    )


def cancel(reference: str, token: str, now: datetime, key: bytes) -> Cancellation:
    """Cancel a confirmed booking; cancelling again answers the same. At most 2 round trips."""
    item = _booking(reference, token, key)
    if item.status != BookingItem.CONFIRMED:
        return Cancellation(item.reference, item.status)
    if datetime.fromisoformat(item.starts_at) <= now:
        raise TooLate()
    if not call_off(item, BookingItem.CANCELLED, "citizen", now):
        # Someone else (a second click, the office) changed it first.
        return Cancellation(item.reference, _load(item.reference).status)
    return Cancellation(item.reference, BookingItem.CANCELLED)


def call_off(item: BookingItem, status: str, reason: str, now: datetime) -> bool:
    """Cancel a confirmed booking, free its seat and its guards, in one transaction.

    False if the booking was no longer confirmed: someone else cancelled it first.
    """
    guards = [str(guard) for guard in item.guards]
    for attempt in range(_ATTEMPTS):
        transaction = Transaction()
        transaction.update(
            "booking",
            item,
            [
                BookingItem.status.set(status),
                BookingItem.cancelled_at.set(now),
                BookingItem.cancel_reason.set(reason),
            ],
            condition=BookingItem.status == BookingItem.CONFIRMED,
        )
        transaction.update(
            "slot",
            SlotItem(location_key(item.location), item.slot),
            [SlotItem.booked.add(-1)],
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
        by = "citizen" if status == BookingItem.CANCELLED else "office"
        logger.info("booking cancelled", extra={"reference": item.reference, "by": by})
        return True
    raise Busy()
