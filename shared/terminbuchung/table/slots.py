"""Slots and closures of a location: what the release writes, lists read, the office closes.

Every read is one Query on a key range of the location's partition.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition

from terminbuchung.schedule import Closure, PlannedSlot
from terminbuchung.table.items import ClosureItem, SlotItem
from terminbuchung.table.keys import (
    CLOSURE_PREFIX,
    SLOT_PREFIX,
    closure_key,
    location_key,
    slot_key,
)

# Slots and closures hold no personal data; a year of them lets the office evaluate the
# test phase.
SLOT_HISTORY = timedelta(days=400)


def _days(sort_key: UnicodeAttribute, prefix: str, first: date, last: date) -> Condition:
    # "~" sorts after every digit, "#" and ":": the range covers the whole of the last day.
    return sort_key.between(f"{prefix}{first.isoformat()}", f"{prefix}{last.isoformat()}~")


def slots_between(location: str, first: date, last: date) -> Iterator[SlotItem]:
    """The slots of `location` from `first` through `last`, ordered by start: one Query."""
    return SlotItem.query(location_key(location), _days(SlotItem.sk, SLOT_PREFIX, first, last))


# What a citizen's list of free slots needs; the evaluation's counters (a list per slot)
# would cost transfer and parsing on the busiest request for nothing.
_OFFER = ("pk", "sk", "starts_at", "ends_at", "capacity", "booked", "closed_reason")


def offered_slots(location: str, first: date, last: date) -> Iterator[SlotItem]:
    """As `slots_between`, with only the attributes the citizens' list needs."""
    condition = _days(SlotItem.sk, SLOT_PREFIX, first, last)
    return SlotItem.query(location_key(location), condition, attributes_to_get=list(_OFFER))


def create_slot(planned: PlannedSlot, now: datetime) -> bool:
    """Put a released slot in place; False if it exists already (a concurrent release)."""
    item = SlotItem(
        location_key(planned.location),
        slot_key(planned.start),
        location=planned.location,
        starts_at=planned.start,
        ends_at=planned.end,
        capacity=planned.capacity,
        booked=0,
        released_at=now,
        expires_at=planned.end + SLOT_HISTORY,
    )
    try:
        item.save(condition=SlotItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def resize_slot(item: SlotItem, capacity: int) -> None:
    """Set the seats to `capacity`, but never below the seats already booked."""
    try:
        item.update(
            actions=[SlotItem.capacity.set(capacity)],
            condition=SlotItem.booked <= capacity,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        item.update(actions=[SlotItem.capacity.set(SlotItem.booked)])


def withdraw_slot(item: SlotItem, reason: str) -> None:
    """No seat of it can be booked any more; the bookings in it are called off separately."""
    item.update(actions=[SlotItem.closed_reason.set(reason)])


def reopen_slot(item: SlotItem) -> None:
    item.update(actions=[SlotItem.closed_reason.remove()])


def save_closure(location: str, closure: Closure, now: datetime) -> None:
    ClosureItem(
        location_key(location),
        closure_key(closure.day, closure.start),
        location=location,
        day=closure.day.isoformat(),
        from_time=closure.start.isoformat(),
        until_time=closure.end.isoformat(),
        reason=closure.reason,
        created_at=now,
        expires_at=datetime.combine(closure.day, time.max, tzinfo=now.tzinfo) + SLOT_HISTORY,
    ).save()


def _closure_items(location: str, first: date, last: date) -> Iterator[ClosureItem]:
    condition = _days(ClosureItem.sk, CLOSURE_PREFIX, first, last)
    return ClosureItem.query(location_key(location), condition)


def closures_between(location: str, first: date, last: date) -> list[Closure]:
    """The closures ops entered for `location` from `first` through `last`: one Query."""
    return [
        Closure(
            date.fromisoformat(item.day),
            time.fromisoformat(item.from_time),
            time.fromisoformat(item.until_time),
            item.reason,
        )
        for item in _closure_items(location, first, last)
    ]


def delete_closures(location: str, day: date) -> None:
    for item in _closure_items(location, day, day):
        item.delete()
