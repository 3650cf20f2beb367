"""The items of the one DynamoDB table (single-table design); keys in `table.keys`.

Bookings are also indexed by location and day (`by-location-day`) for staff lists and
reminders. Personal data sits on booking items only and expires by TTL. Moments of an
appointment are aware Berlin datetimes (`BerlinTimeAttribute`).
"""

from datetime import datetime
from typing import Any, ClassVar

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from terminbuchung.table.attributes import BerlinTimeAttribute
from terminbuchung.table.connection import TableMeta, target
from terminbuchung.table.keys import BOOKING_SORT_KEY, DAY_INDEX, SLOT_PREFIX


class SlotItem(Model):
    """A bookable time at a location, with as many seats as desks work in parallel."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    location = UnicodeAttribute()
    starts_at = BerlinTimeAttribute()
    ends_at = BerlinTimeAttribute()
    capacity = NumberAttribute()
    booked = NumberAttribute(default=0)
    closed_reason = UnicodeAttribute(null=True)
    released_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)
    # The evaluation's anonymous counters, changed in the same transactions as the bookings
    # they count: slots outlive the bookings' personal data (see table.statistics).
    booked_online = NumberAttribute(null=True)
    booked_by_phone = NumberAttribute(null=True)
    cancelled_by_citizens = NumberAttribute(null=True)
    cancelled_by_office = NumberAttribute(null=True)
    checked_in = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)
    # Online bookings whose address was never confirmed: their seat was held, then freed.
    holds_expired = NumberAttribute(null=True)
    # ... and those the citizen replaced by a booking with the address corrected.
    holds_replaced = NumberAttribute(null=True)
    lead_minutes = ListAttribute(of=NumberAttribute, null=True)  # booking to appointment
    last_booked_at = UTCDateTimeAttribute(null=True)
    # Bookings moved here from another slot and away to another one (a move is neither a
    # booking nor a cancellation: booked_online and cancelled_by_citizens stay as they were).
    moved_in = NumberAttribute(null=True)
    moved_away = NumberAttribute(null=True)

    @property
    def local_start(self) -> str:
        """Berlin's wall-clock time of the start, e.g. 2026-12-01T09:00 (the key's part)."""
        return self.sk.removeprefix(SLOT_PREFIX)

    @property
    def free_seats(self) -> int:
        return 0 if self.closed_reason else max(0, int(self.capacity) - int(self.booked))


class ClosureItem(Model):
    """The office closed a day, or part of it, at short notice (staff meeting, outage)."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    location = UnicodeAttribute()
    day = UnicodeAttribute()
    from_time = UnicodeAttribute()  # local HH:MM, inclusive
    until_time = UnicodeAttribute()  # local HH:MM, exclusive
    reason = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)


class BookingsByLocationDay(GlobalSecondaryIndex["BookingItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = DAY_INDEX
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True, attr_name="gsi1pk")
    day_order = UnicodeAttribute(range_key=True, attr_name="gsi1sk")


class HistoryEntry(MapAttribute[str, Any]):
    """Who did what to a booking, and when: the audit trail, gone with the booking (TTL)."""

    at = UTCDateTimeAttribute()
    by = UnicodeAttribute()  # a staff member's username, or "citizen"
    action = UnicodeAttribute()  # booked, cancelled, checked_in, no_show, ... and undo_*
    detail = UnicodeAttribute(null=True)  # a reason, for instance

    @classmethod
    def of(cls, at: datetime, by: str, action: str, detail: str | None = None) -> "HistoryEntry":
        return cls(at=at, by=by, action=action, detail=detail)


class BookingItem(Model):
    """A citizen's appointment. Holds the only personal data in the table, until TTL."""

    class Meta(TableMeta):
        pass

    # pending (the seat held until confirm_by, the address not yet confirmed) -> confirmed
    # -> cancelled | cancelled_by_office; pending -> expired (never confirmed, seat freed);
    # pending -> replaced (the citizen corrected the address: a new booking took over).
    PENDING: ClassVar[str] = "pending"
    CONFIRMED: ClassVar[str] = "confirmed"
    EXPIRED: ClassVar[str] = "expired"
    REPLACED: ClassVar[str] = "replaced"
    CANCELLED: ClassVar[str] = "cancelled"
    CANCELLED_BY_OFFICE: ClassVar[str] = "cancelled_by_office"
    ONLINE: ClassVar[str] = "online"
    PHONE: ClassVar[str] = "phone"
    CITIZEN: ClassVar[str] = "citizen"  # who, in the history, when not a staff member

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default=BOOKING_SORT_KEY)
    reference = UnicodeAttribute()
    location = UnicodeAttribute()
    service = UnicodeAttribute()
    slot = UnicodeAttribute()  # sort key of the slot item
    starts_at = BerlinTimeAttribute()
    ends_at = BerlinTimeAttribute()
    status = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # a caller booked by phone may give none
    phone = UnicodeAttribute(null=True)
    household_number = UnicodeAttribute(null=True)
    guards = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    cancelled_at = UTCDateTimeAttribute(null=True)
    confirm_by = UTCDateTimeAttribute(null=True)  # pending: the seat is held until then
    confirmed_at = UTCDateTimeAttribute(null=True)  # when the citizen confirmed the address
    cancel_reason = UnicodeAttribute(null=True)
    # Kinds of e-mail about this booking that could not be delivered: staff see them on
    # the day's list and call the citizen (terminbuchung.mail.delivery).
    undelivered_mail = UnicodeSetAttribute(null=True)
    # What SES reported back about the citizen's address (terminbuchung.mail.returns):
    # bounced, complained or rejected. Set, no further e-mail goes to it for this booking.
    email_status = UnicodeAttribute(null=True)
    booked_via = UnicodeAttribute(null=True)  # ONLINE or PHONE; None: online, before staff
    remarks = UnicodeAttribute(null=True)  # the office's note, e.g. "bringt Dolmetscher mit"
    # The language of its e-mails (terminbuchung.languages); None: German, booked before.
    language = UnicodeAttribute(null=True)
    checked_in_at = UTCDateTimeAttribute(null=True)
    no_show_at = UTCDateTimeAttribute(null=True)
    history = ListAttribute(of=HistoryEntry, null=True)
    resent = NumberAttribute(null=True)  # confirmations the office sent again (the stream)
    # How often the citizen moved the appointment (terminbuchung.reschedule); the calendar
    # file's SEQUENCE grows with it, so calendars move the event instead of adding one.
    reschedules = NumberAttribute(null=True)
    rescheduled_at = UTCDateTimeAttribute(null=True)
    day_key = UnicodeAttribute(attr_name="gsi1pk")
    day_order = UnicodeAttribute(attr_name="gsi1sk")
    expires_at = TTLAttribute()

    by_location_day = BookingsByLocationDay()


class GuardItem(Model):
    """Holds one of a person's active bookings, so nobody hoards appointments.

    Its key is a keyed hash of the e-mail address or household number; it frees itself
    when the appointment is over (`expires_at`) or when the booking is cancelled.
    """

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    reference = UnicodeAttribute()
    expires_at = TTLAttribute()


class NoticeItem(Model):
    """An e-mail to a person about the bookings they hold, asked for without their token:
    "you have an appointment already" after a second booking, or the links a citizen asked
    for ("Termin wiederfinden"). One per person and kind at a time: a second one is not
    written until `expires_at`, so nobody can flood a mailbox. The stream sends it."""

    class Meta(TableMeta):
        pass

    ALREADY_BOOKED: ClassVar[str] = "already_booked"
    LOOKUP: ClassVar[str] = "lookup"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # the kind
    references = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class SentMailItem(Model):
    """Remembers that an e-mail about a booking went out, so a replayed event sends nothing.

    While a function sends, the item is `sending` until `lease_until` (the end of that
    invocation); after SES accepted the message it is `sent`. A failed send removes it.
    An e-mail given up on (SES refused it, or it failed too often) is `undeliverable`.
    """

    class Meta(TableMeta):
        pass

    SENDING: ClassVar[str] = "sending"
    SENT: ClassVar[str] = "sent"
    UNDELIVERABLE: ClassVar[str] = "undeliverable"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    state = UnicodeAttribute()
    claim = UnicodeAttribute(null=True)  # which invocation holds the lease
    lease_until = NumberAttribute(null=True)  # epoch seconds
    message_id = UnicodeAttribute(null=True)  # SES's id, to trace a message with AWS
    sent_at = UTCDateTimeAttribute(null=True)
    error_code = UnicodeAttribute(null=True)  # why it was given up on
    expires_at = TTLAttribute()


class FailedMailItem(Model):
    """Counts the failed attempts at one e-mail, so a failing one is given up on in time."""

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    attempts = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class RequestItem(Model):
    """The first request sent with one Idempotency-Key, for 24 hours (table.requests).

    No personal data and no token: a hash of the key, a keyed fingerprint of the request,
    the reference of the booking it wrote.
    """

    class Meta(TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    operation = UnicodeAttribute()  # "book" or "reschedule": a key answers for one only
    fingerprint = UnicodeAttribute()
    reference = UnicodeAttribute()
    expires_at = TTLAttribute()


# PynamoDB asks each Meta for its region and host while it creates the classes above, at
# import; the table is to be read from the settings on first use, so that answer is dropped.
target.cache_clear()

ITEMS: tuple[type[Model], ...] = (
    SlotItem,
    ClosureItem,
    BookingItem,
    GuardItem,
    NoticeItem,
    SentMailItem,
    FailedMailItem,
    RequestItem,
)
