"""Book, show and cancel an appointment: the rules, in the words of the office.

The table package does the DynamoDB work below these rules: one transaction per booking
and per cancellation, retries under contention, reasons decoded by item.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from aws_lambda_powertools import Logger

from terminbuchung import hold_handles, idempotency, languages, notices
from terminbuchung.addresses import masked_address
from terminbuchung.booking_window import check_bookable
from terminbuchung.clock import iso
from terminbuchung.config import Service, SiteConfig
from terminbuchung.errors import (
    AlreadyBooked,
    BookingNotFound,
    Busy,
    ChallengeFailed,
    HoldExpired,
    PriorityNotValid,
    SlotFull,
    SlotUnavailable,
    TooLate,
)
from terminbuchung.forms import Applicant, BookingForm, as_sent
from terminbuchung.holds import settle
from terminbuchung.offers import online_service, open_location
from terminbuchung.people import mailbox
from terminbuchung.proof_of_work import to_spend
from terminbuchung.references import (
    TokenKeys,
    cancel_token,
    normalize_reference,
    person_hashes,
    token_matches,
)
from terminbuchung.table import bookings as table
from terminbuchung.table.challenges import AlreadySpent, Spent
from terminbuchung.table.items import BookingItem
from terminbuchung.table.keys import slot_key
from terminbuchung.table.priorities import AlreadyUsed, Priority
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
class Pending:
    """The answer to an online booking that waits for the e-mail address to be confirmed.

    The same for a seat just held and for a person who holds their bookings already (they
    learn it by e-mail): nothing in it depends on anyone's bookings.
    """

    email: str  # masked: e…@gmx.de
    confirm_by: str
    # Sent back as replaces_hold by a corrected booking (terminbuchung.hold_handles): the
    # held seat's, or random bytes alike when no seat was taken.
    hold: str
    status: Literal["pending"] = "pending"


@dataclass(frozen=True)
class BookingDetails:
    reference: str
    status: str
    location: str
    service: str
    start: str
    end: str
    name: str
    # The language of the booking's e-mails: the page opened from one speaks it too.
    language: str


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
    *,
    proof_key: bytes | None = None,
) -> Confirmation | Pending:
    """A citizen books online: an enabled location, a service bookable online, a start
    within the booking window (minimum notice, horizon). A request sent again with the same
    Idempotency-Key answers the booking the first one made (terminbuchung.idempotency).

    With `confirm_within_minutes` configured the booking holds its seat as pending until the
    citizen confirms the address by the e-mail's link. A person who holds their bookings
    already gets the same answer, and an e-mail to the address of those bookings: whether an
    address or household has an appointment is told to its owner only. A full or closed
    slot is still said at once; it concerns the slot, not a person.
    """
    window = site.booking.confirm_within
    confirm_by = now + window if window else None
    request = None
    if idempotency_key:
        content = as_sent(form, leave_out=("altcha",))
        request = idempotency.keyed(idempotency_key, "book", content, keys, now)
        if replay := idempotency.earlier(request, content, keys, now):
            return _replayed(replay.reference, keys, form)
    # The page's proof of work (form field altcha), spent in the booking's transaction.
    # POST /bookings always passes the key; callers without it are tests of other rules.
    proof = to_spend(form.altcha, proof_key, now)
    location = open_location(site, form.location, field="location")
    service = online_service(site, location, form.service)
    check_bookable(location, form.start, now)
    # A corrected address: the first try's pending booking, called off in this booking's
    # transaction. Opened without I/O; a handle that opens nothing replaces nothing.
    replaces = hold_handles.opened(form.replaces_hold, keys) if confirm_by else None
    priority = None
    if form.priority_for:
        # Loaded here: only a booking with priority reads the plan and the closures.
        from terminbuchung.priority import claimed

        priority = claimed(form.priority_for, location, form.start, keys)
    guards: list[str] = []
    try:
        confirmation = place(
            form,
            location.id,
            service,
            site=site,
            now=now,
            keys=keys,
            via=BookingItem.ONLINE,
            by=BookingItem.CITIZEN,
            remarks=form.remarks,
            proof=proof,
            request=request,
            confirm_by=confirm_by,
            priority=priority,
            replaces=replaces,
            guards_taken=guards,
        )
    except AlreadyBooked as already:
        if confirm_by is None:
            raise
        notices.tell_the_holder(already.person, already.holders, now)
        return _pending(form, confirm_by, hold_handles.blank())
    if confirm_by is None:
        return confirmation
    if not guards:  # a copy of this request (Idempotency-Key) booked it: its guards
        return _replayed(confirmation.reference, keys, form)
    held = table.HeldSeat(confirmation.reference, location.id, slot_key(form.start), tuple(guards))
    return _pending(form, confirm_by, hold_handles.seal(held, keys.current))


def _pending(form: BookingForm, confirm_by: datetime, hold: str) -> Pending:
    return Pending(email=masked_address(form.email), confirm_by=iso(confirm_by), hold=hold)


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
    proof: Spent | None = None,
    request: KeyedRequest | None = None,
    confirm_by: datetime | None = None,
    priority: Priority | None = None,
    replaces: table.HeldSeat | None = None,
    guards_taken: list[str] | None = None,
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
        language=form.language,
        proof=proof,
        request=request,
        confirm_by=confirm_by,
        priority=priority,
        replaces=replaces,
    )
    people = {}
    if form.email:
        people["email"] = table.Person(*person_hashes("email", mailbox(form.email), keys))
    if form.household_number:
        household = person_hashes("household", form.household_number, keys)
        people["household_number"] = table.Person(*household)
    try:
        reference = table.reserve(
            booking,
            people,
            limit=site.booking.max_active_bookings_per_person,
            now=now,
            guards_taken=guards_taken,
        )
    except table.PersonHoldsAll as holds:
        already = AlreadyBooked(field=holds.way)
        already.person = people[holds.way].hash
        already.holders = tuple(holds.references)
        raise already from None
    except AlreadySpent:
        raise ChallengeFailed() from None
    except AlreadyUsed:
        raise PriorityNotValid() from None
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
            "pending": confirm_by is not None,
            "priority": priority is not None,
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


def _replayed(reference: str, keys: TokenKeys, form: BookingForm) -> Confirmation | Pending:
    """What the first request with this Idempotency-Key was answered, rebuilt from its
    booking: a booking made to be confirmed answers as it did then (the masked address, the
    same confirm_by), also once confirmed, expired or replaced: in that mode the token goes
    to the e-mail address only, never to whoever repeats a request. Any other booking
    answers as the confirmation with its token."""
    item = _load(reference)
    if item.confirm_by:
        guards = tuple(str(guard) for guard in item.guards)
        held = table.HeldSeat(item.reference, item.location, item.slot, guards)
        return _pending(form, item.confirm_by, hold_handles.seal(held, keys.current))
    return _answer_again(reference, keys)


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
    return _details(_booking(reference, token, keys))


def _details(item: BookingItem, status: str | None = None) -> BookingDetails:
    return BookingDetails(
        item.reference,
        status or item.status,
        item.location,
        item.service,
        iso(item.starts_at),
        iso(item.ends_at),
        item.name,
        languages.info(item.language).code,
    )


def confirm(reference: str, token: str, now: datetime, keys: TokenKeys) -> BookingDetails:
    """The citizen opened the e-mail's link: the booking counts from now on.

    Again: the same answer. Too late: HoldExpired, and the seat is freed now if the schedule
    has not done so yet. A GetItem and one transaction; one GetItem more if another request
    (a second click, the expiry) settled the booking first.
    """
    item = _booking(reference, token, keys)
    status = item.status
    if status == BookingItem.PENDING:
        status = settle(item, now)
    if status in (BookingItem.EXPIRED, BookingItem.REPLACED):
        # Replaced: the citizen corrected the address; the link of the first e-mail (which
        # went to the mistyped address) confirms nothing.
        raise HoldExpired()
    return _details(item, status)


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
