"""A citizen moves their appointment to another time, in one step.

The old appointment stays until the new one is theirs: one transaction takes a seat of
the new slot, frees the old one and changes the booking's times (table.moves). A lost race
for the new seat (slot_full) or a booking changed meanwhile (cancelled, moved, checked in)
leaves everything as it was. The person's guards are not touched, so a move is never
refused as "already booked", and the evaluation counts it as neither a cancellation nor a
new booking. The e-mail "Ihr Termin wurde verlegt" follows from the stream.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from terminbuchung import idempotency
from terminbuchung.booking_window import check_bookable
from terminbuchung.bookings import _booking
from terminbuchung.clock import iso
from terminbuchung.config import SiteConfig
from terminbuchung.errors import (
    Busy,
    ChallengeFailed,
    NotConfirmed,
    NotYetConfirmed,
    RescheduleLimit,
    SlotFull,
    SlotUnavailable,
    TooLate,
)
from terminbuchung.offers import open_location
from terminbuchung.proof_of_work import to_spend
from terminbuchung.references import TokenKeys
from terminbuchung.table import bookings as table
from terminbuchung.table import moves
from terminbuchung.table.challenges import AlreadySpent
from terminbuchung.table.items import BookingItem

logger = Logger(child=True)

OPERATION = "reschedule"


@dataclass(frozen=True)
class Moved:
    """The booking as it stands after the move (GET /bookings/{reference}, plus how many
    more moves it allows)."""

    reference: str
    status: str
    location: str
    service: str
    start: str
    end: str
    name: str
    reschedules_left: int


def reschedule(
    reference: str,
    token: str,
    start: datetime,
    *,
    site: SiteConfig,
    now: datetime,
    keys: TokenKeys,
    idempotency_key: str | None = None,
    proof: object = None,
    proof_key: bytes | None = None,
) -> Moved:
    """Move the holder's booking to `start`. Asking for the time it already has answers the
    booking as it is (a retry after a lost answer moves nothing twice)."""
    item = _booking(reference, token, keys)
    request = None
    if idempotency_key:
        content: dict[str, object] = {"reference": item.reference, "start": iso(start)}
        request = idempotency.keyed(idempotency_key, OPERATION, content, keys, now)
        if idempotency.earlier(request, content, keys, now):
            return _moved(table.load(item.reference) or item, site)
    # The page's proof of work (field altcha), spent with the move; POST .../reschedule
    # always passes the key.
    spent = to_spend(proof, proof_key, now)
    if item.status == _PENDING:
        raise NotYetConfirmed()
    if item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    if item.starts_at == start:
        return _moved(item, site)
    if item.starts_at <= now or item.checked_in_at or item.no_show_at:
        raise TooLate(key="error.too_late.reschedule")
    limit = site.booking.max_reschedules
    if int(item.reschedules or 0) >= limit:
        raise RescheduleLimit()
    end = start + _duration(item, site)
    location = open_location(site, item.location, field="start")
    check_bookable(location, start, now)
    to = moves.Move(
        start=start,
        end=end,
        expires_at=end + timedelta(days=site.booking.retention_days),
        limit=limit,
        at=now,
    )
    try:
        moves.move(item, to, request, spent)
    except moves.RequestSeen:
        # The same request, a moment earlier: its move is the answer.
        return reschedule(
            reference, token, start, site=site, now=now, keys=keys, idempotency_key=idempotency_key
        )
    except AlreadySpent:
        raise ChallengeFailed() from None
    except moves.SeatNotFree as taken:
        raise (SlotFull if taken.full else SlotUnavailable)(field="start") from None
    except moves.BookingChanged:
        return _changed_meanwhile(item.reference, start, site)
    except moves.Contended:
        raise Busy() from None
    logger.info(
        "booking rescheduled",
        extra={
            "reference": item.reference,
            "location_id": item.location,
            "from_slot": iso(item.starts_at),
            "slot": iso(start),
        },
    )
    moved = table.load(item.reference)
    return _moved(moved or item, site)


# The state of a booking whose holder has not yet confirmed it by e-mail (where the site
# asks for that): it holds its seat, but cannot be moved until it is confirmed.
_PENDING = "pending"


def _duration(item: BookingItem, site: SiteConfig) -> timedelta:
    service = site.service(item.service)
    # A service taken out of the configuration keeps the length it was booked with.
    if service is None:
        return item.ends_at - item.starts_at
    return timedelta(minutes=service.duration_minutes)


def _changed_meanwhile(reference: str, start: datetime, site: SiteConfig) -> Moved:
    """The booking changed between reading and moving: say why, as if read just now."""
    now_item = table.load(reference)
    if now_item is None or now_item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    if now_item.starts_at == start:
        return _moved(now_item, site)  # a copy of this request moved it first
    if now_item.checked_in_at or now_item.no_show_at:
        raise TooLate(key="error.too_late.reschedule")
    if int(now_item.reschedules or 0) >= site.booking.max_reschedules:
        raise RescheduleLimit()
    # Moved elsewhere by a concurrent request: this one asked about a time it no longer has.
    raise SlotUnavailable(field="start", key="error.slot_unavailable.changed")


def _moved(item: BookingItem, site: SiteConfig) -> Moved:
    return Moved(
        reference=item.reference,
        status=item.status,
        location=item.location,
        service=item.service,
        start=iso(item.starts_at),
        end=iso(item.ends_at),
        name=item.name,
        reschedules_left=max(0, site.booking.max_reschedules - int(item.reschedules or 0)),
    )
