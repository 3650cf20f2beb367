"""Book, show and cancel an appointment: the rules, in the words of the office.

The table package does the DynamoDB work below these rules: one transaction per booking
and per cancellation, retries under contention, reasons decoded by item.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from terminbuchung import idempotency
from terminbuchung.booking_window import check_bookable
from terminbuchung.clock import iso
from terminbuchung.config import Service, SiteConfig
from terminbuchung.errors import (
    AlreadyBooked,
    BookingNotFound,
    Busy,
    SlotFull,
    SlotUnavailable,
    TooLate,
)
from terminbuchung.forms import Applicant, BookingForm
from terminbuchung.offers import online_service, open_location
from terminbuchung.people import mailbox
from terminbuchung.references import (
    TokenKeys,
    cancel_token,
    normalize_reference,
    person_hashes,
    token_matches,
)
from terminbuchung.table import bookings as table
from terminbuchung.table.items import BookingItem
from terminbuchung.table.requests import KeyedRequest, RequestSeen

logger = Logger(child=True)


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


def book(
    form: BookingForm,
    site: SiteConfig,
    now: datetime,
    keys: TokenKeys,
    idempotency_key: str | None = None,
) -> Confirmation:
    """A citizen books online: an enabled location, a service bookable online, a start
    within the booking window (minimum notice, horizon). A request sent again with the same
    Idempotency-Key answers the booking the first one made (terminbuchung.idempotency)."""
    request = None
    if idempotency_key:
        content = form.model_dump(mode="json", exclude={"altcha"})
        request = idempotency.keyed(idempotency_key, "book", content, keys, now)
        if replay := idempotency.earlier(request, content, keys, now):
            return _answer_again(replay.reference, keys)
    location = open_location(site, form.location, field="location")
    service = online_service(site, location, form.service)
    check_bookable(location, form.start, now)
    return place(
        form,
        location.id,
        service,
        site=site,
        now=now,
        keys=keys,
        via=BookingItem.ONLINE,
        by=BookingItem.CITIZEN,
        request=request,
    )


def place(
    form: Applicant,
    location_id: str,
    service: Service,
    *,
    site: SiteConfig,
    now: datetime,
    keys: TokenKeys,
    via: str,
    by: str,
    remarks: str | None = None,
    request: KeyedRequest | None = None,
) -> Confirmation:
    """A seat of the slot, the booking, and one guard per way of counting a person, all at
    once or not at all. A person holds at most `max_active_bookings_per_person` bookings,
    counted by e-mail mailbox and by household number; a lost race for the last seat is
    slot_full, never an overbooked slot. The person's bookings from before a key rotation
    count too: their guards are checked under the previous key."""
    end = form.start + timedelta(minutes=service.duration_minutes)
    booking = table.NewBooking(
        location=location_id,
        service=service.id,
        start=form.start,
        end=end,
        name=form.name,
        email=form.email,
        phone=form.phone,
        household_number=form.household_number,
        created_at=now,
        expires_at=end + timedelta(days=site.booking.retention_days),
        via=via,
        by=by,
        remarks=remarks,
        request=request,
    )
    people = {}
    if form.email:
        people["email"] = table.Person(*person_hashes("email", mailbox(form.email), keys))
    if form.household_number:
        household = person_hashes("household", form.household_number, keys)
        people["household_number"] = table.Person(*household)
    try:
        reference = table.reserve(
            booking, people, limit=site.booking.max_active_bookings_per_person, now=now
        )
    except table.PersonHoldsAll as holds:
        raise AlreadyBooked(field=holds.way) from None
    except table.SeatNotFree as taken:
        raise (SlotFull if taken.full else SlotUnavailable)(field="start") from None
    except table.Contended:
        raise Busy() from None
    except RequestSeen:
        # A copy of this request (same Idempotency-Key) booked a moment earlier.
        return _answer_again(idempotency.written_for(request, now), keys)
    logger.info(
        "booking created",
        extra={
            "reference": reference,
            "location_id": location_id,
            "slot": iso(form.start),
            "via": via,
        },
    )
    return Confirmation(
        reference,
        location_id,
        service.id,
        iso(form.start),
        iso(end),
        cancel_token(reference, keys.current),
    )


def _answer_again(reference: str, keys: TokenKeys) -> Confirmation:
    """The answer the first request with an Idempotency-Key got, rebuilt from its booking
    (the token derived again: no answer or token is stored)."""
    item = _load(reference)
    return Confirmation(
        item.reference,
        item.location,
        item.service,
        iso(item.starts_at),
        iso(item.ends_at),
        cancel_token(item.reference, keys.current),
    )


def _booking(reference: str, token: str, keys: TokenKeys) -> BookingItem:
    """The booking, if `token` belongs to it (under the current key or the previous one).
    Unknown and forbidden look the same."""
    canonical = normalize_reference(reference)
    # The token is checked before any read: a wrong one costs no I/O and tells nothing.
    if canonical is None or not token_matches(canonical, token, keys):
        raise BookingNotFound()
    return _load(canonical)


def _load(reference: str) -> BookingItem:
    item = table.load(reference)
    if item is None:
        raise BookingNotFound()
    return item


def show(reference: str, token: str, keys: TokenKeys) -> BookingDetails:
    item = _booking(reference, token, keys)
    return BookingDetails(
        item.reference,
        item.status,
        item.location,
        item.service,
        iso(item.starts_at),
        iso(item.ends_at),
        item.name,
    )


def cancel(reference: str, token: str, now: datetime, keys: TokenKeys) -> Cancellation:
    """Cancel a confirmed booking; cancelling again answers the same. At most 2 round trips."""
    item = _booking(reference, token, keys)
    if item.status != BookingItem.CONFIRMED:
        return Cancellation(item.reference, item.status)
    if item.starts_at <= now or item.checked_in_at or item.no_show_at:
        raise TooLate()
    if not call_off(item, BookingItem.CANCELLED, "citizen", now):
        # Someone else (a second click, the office, a move) changed it first.
        current = _load(item.reference)
        if current.status == BookingItem.CONFIRMED and current.slot != item.slot:
            # Moved meanwhile (the citizen's other tab): cancel it where it is now.
            return cancel(reference, token, now, keys)
        return Cancellation(item.reference, current.status)
    return Cancellation(item.reference, BookingItem.CANCELLED)


def call_off(
    item: BookingItem, status: str, reason: str, now: datetime, *, by: str = BookingItem.CITIZEN
) -> bool:
    """A confirmed booking is cancelled (by the citizen or the office): its seat is free
    again and the person may book anew, all at once. False if it was no longer confirmed:
    someone else cancelled it first."""
    try:
        called_off = table.call_off(item, status, reason, now, by=by)
    except table.Contended:
        raise Busy() from None
    if called_off:
        by = "citizen" if status == BookingItem.CANCELLED else "office"
        logger.info("booking cancelled", extra={"reference": item.reference, "by": by})
    return called_off


def calendar(
    reference: str, token: str, keys: TokenKeys, *, site: SiteConfig, organizer: str, now: datetime
) -> tuple[str, str]:
    """The booking's calendar file, (file name, content), for the holder of its token.

    Made by the code that attaches it to the booking's e-mails: the same event (UID, title,
    times). Unknown and forbidden look the same, as in `show`.
    """
    item = _booking(reference, token, keys)
    # Loaded here: the templates and icalendar cost cold-start time the other routes of
    # this layer need not pay.
    from terminbuchung.mail.letters import booking_calendar

    return booking_calendar(item, site=site, organizer=organizer, now=now)
