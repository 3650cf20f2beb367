"""The one DynamoDB table and the items in it (single-table design).

| item    | pk                   | sk                        |
| ------- | -------------------- | ------------------------- |
| slot    | LOC#<location>       | SLOT#<local start>        |
| closure | LOC#<location>       | CLOSURE#<day>#<from>      |
| booking | BOOKING#<reference>  | BOOKING                   |
| guard   | GUARD#<person hash>  | ACTIVE#<n>                |
| e-mail  | SENT#<reference>     | <kind of message>         |
| failed  | SENT#<reference>     | <kind of message>#FAILED  |

Bookings are also indexed by location and day (`by-location-day`) for staff lists and
reminders. Personal data sits on booking items only and expires by TTL.
"""

import os
from collections.abc import Iterator, Sequence
from datetime import date, time
from functools import cache
from typing import Any, ClassVar

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import CancellationReason, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

DAY_INDEX = "by-location-day"


def _table_name() -> str:
    return os.environ.get("TABLE_NAME", "terminbuchung-local")


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"


class _Meta:
    table_name = _table_name()
    region = _region()
    # Only the local stack and the integration tests point elsewhere (DynamoDB Local).
    host = os.environ.get("DYNAMODB_ENDPOINT") or None
    # Throttles and transient faults get the SDK's retries; conflicts are handled by us.
    max_retry_attempts = 3


class SlotItem(Model):
    """A bookable time at a location, with as many seats as desks work in parallel."""

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    location = UnicodeAttribute()
    starts_at = UnicodeAttribute()  # ISO 8601 with offset
    ends_at = UnicodeAttribute()
    capacity = NumberAttribute()
    booked = NumberAttribute(default=0)
    closed_reason = UnicodeAttribute(null=True)
    released_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)

    @property
    def local_start(self) -> str:
        return self.sk.removeprefix("SLOT#")

    @property
    def free_seats(self) -> int:
        return 0 if self.closed_reason else max(0, int(self.capacity) - int(self.booked))


class ClosureItem(Model):
    """The office closed a day, or part of it, at short notice (staff meeting, outage)."""

    class Meta(_Meta):
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


class BookingItem(Model):
    """A citizen's appointment. Holds the only personal data in the table, until TTL."""

    class Meta(_Meta):
        pass

    CONFIRMED: ClassVar[str] = "confirmed"
    CANCELLED: ClassVar[str] = "cancelled"
    CANCELLED_BY_OFFICE: ClassVar[str] = "cancelled_by_office"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="BOOKING")
    reference = UnicodeAttribute()
    location = UnicodeAttribute()
    service = UnicodeAttribute()
    slot = UnicodeAttribute()  # sort key of the slot item
    starts_at = UnicodeAttribute()
    ends_at = UnicodeAttribute()
    status = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    household_number = UnicodeAttribute(null=True)
    guards = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    cancelled_at = UTCDateTimeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)
    # Kinds of e-mail about this booking that could not be delivered: staff see them on
    # the day's list and call the citizen (terminbuchung.mail.delivery).
    undelivered_mail = UnicodeSetAttribute(null=True)
    day_key = UnicodeAttribute(attr_name="gsi1pk")
    day_order = UnicodeAttribute(attr_name="gsi1sk")
    expires_at = TTLAttribute()

    by_location_day = BookingsByLocationDay()


class GuardItem(Model):
    """Holds one of a person's active bookings, so nobody hoards appointments.

    Its key is a keyed hash of the e-mail address or household number; it frees itself
    when the appointment is over (`expires_at`) or when the booking is cancelled.
    """

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    reference = UnicodeAttribute()
    expires_at = TTLAttribute()


class SentMailItem(Model):
    """Remembers that an e-mail about a booking went out, so a replayed event sends nothing.

    While a function sends, the item is `sending` until `lease_until` (the end of that
    invocation); after SES accepted the message it is `sent`. A failed send removes it.
    An e-mail given up on (SES refused it, or it failed too often) is `undeliverable`.
    """

    class Meta(_Meta):
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

    class Meta(_Meta):
        pass

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    attempts = NumberAttribute(default=0)
    expires_at = TTLAttribute()


MODELS: tuple[type[Model], ...] = (
    SlotItem,
    ClosureItem,
    BookingItem,
    GuardItem,
    SentMailItem,
    FailedMailItem,
)


def location_key(location: str) -> str:
    return f"LOC#{location}"


def slot_key(local_start: str) -> str:
    return f"SLOT#{local_start}"


def booking_key(reference: str) -> str:
    return f"BOOKING#{reference}"


def day_key(location: str, day: date) -> str:
    return f"DAY#{location}#{day.isoformat()}"


def guard_key(person_hash: str, seat: int) -> tuple[str, str]:
    return f"GUARD#{person_hash}", f"ACTIVE#{seat}"


def closure_key(day: date, start: time) -> str:
    return f"CLOSURE#{day.isoformat()}#{start:%H:%M}"


def slots_between(location: str, first: date, last: date) -> Iterator[SlotItem]:
    """The slots of `location` from `first` through `last`, ordered by start: one Query."""
    return SlotItem.query(location_key(location), _days(SlotItem.sk, "SLOT#", first, last))


def closures_between(location: str, first: date, last: date) -> Iterator[ClosureItem]:
    """The closures ops entered for `location` from `first` through `last`: one Query."""
    return ClosureItem.query(location_key(location), _days(ClosureItem.sk, "CLOSURE#", first, last))


def _days(sort_key: UnicodeAttribute, prefix: str, first: date, last: date) -> Condition:
    # "~" sorts after every digit, "#" and ":": the range covers the whole of the last day.
    return sort_key.between(f"{prefix}{first.isoformat()}", f"{prefix}{last.isoformat()}~")


def sent_mail_key(reference: str, kind: str) -> tuple[str, str]:
    return f"SENT#{reference}", kind


def failed_mail_key(reference: str, kind: str) -> tuple[str, str]:
    return f"SENT#{reference}", f"{kind}#FAILED"


def use_table(name: str, host: str | None = None, region: str | None = None) -> None:
    """Point every model at a table (tests, the local stack); drops cached connections."""
    for model in MODELS:
        model.Meta.table_name = name
        model.Meta.host = host
        model.Meta.region = region or _region()
        model._connection = None
    _connection.cache_clear()


@cache
def _connection() -> Connection:
    meta = SlotItem.Meta
    return Connection(region=meta.region, host=meta.host, max_retry_attempts=3)


class TransactionFailed(Exception):
    """Some conditions of a transaction did not hold; `reasons` by the label of each item."""

    def __init__(self, reasons: dict[str, CancellationReason]) -> None:
        super().__init__(", ".join(f"{label}: {r.code}" for label, r in reasons.items()))
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        reason = self.reasons.get(label)
        return reason is not None and reason.code == "ConditionalCheckFailed"

    def raw_item(self, label: str) -> dict[str, Any] | None:
        reason = self.reasons.get(label)
        return reason.raw_item if reason else None

    @property
    def conflict(self) -> bool:
        """Another transaction held an item: worth a retry, unlike a failed condition."""
        return any(
            r is not None and r.code in ("TransactionConflict", "ThrottlingError")
            for r in self.reasons.values()
        )


class Transaction:
    """A TransactWrite whose cancellation reasons come back by name, not by position."""

    # PynamoDB sends condition checks, deletes, puts and updates in this order.
    _ORDER = ("check", "delete", "put", "update")

    def __init__(self) -> None:
        self._write = TransactWrite(connection=_connection())
        self._labels: dict[str, list[str]] = {kind: [] for kind in self._ORDER}

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._write.save(item, condition=condition, return_values="ALL_OLD")
        self._labels["put"].append(label)

    def update(
        self, label: str, item: Model, actions: Sequence[Action], condition: Condition | None
    ) -> None:
        self._write.update(item, list(actions), condition=condition, return_values="ALL_OLD")
        self._labels["update"].append(label)

    def delete(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._write.delete(item, condition=condition)
        self._labels["delete"].append(label)

    def commit(self) -> None:
        try:
            self._write._commit()
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            labels = [label for kind in self._ORDER for label in self._labels[kind]]
            reasons = {
                label: reason
                for label, reason in zip(labels, error.cancellation_reasons, strict=False)
                if reason is not None and reason.code != "None"
            }
            raise TransactionFailed(reasons) from None
