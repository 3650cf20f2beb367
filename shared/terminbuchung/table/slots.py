"""Slots and closures of a location: what the release writes, lists read, the office closes.

Every read is one Query on a key range of the location's partition.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.projection import create_projection_expression

from terminbuchung.schedule import Closure, PlannedSlot
from terminbuchung.table.connection import connection, target
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
_OFFER = ("sk", "starts_at", "ends_at", "capacity", "booked", "closed_reason")


@dataclass(frozen=True)
class OpenSlot:
    """A slot with a free seat, as the citizens' list shows it. `start` and `end` are the
    stored text, which is the API's form already (ISO 8601 with offset,
    table/attributes.py): the busiest request parses no time."""

    local_start: str  # Berlin wall-clock time to the minute, the slot's key
    start: str
    end: str
    free_seats: int


def open_slots(location: str, first_start: datetime, last: date) -> list[OpenSlot]:
    """The slots of `location` with a free seat that start in the minute of `first_start`
    or later, through the day `last`, in order: one Query, read without building items
    (at 250 slots PynamoDB's items cost more than the Query itself)."""
    key = (SlotItem.pk == location_key(location)) & SlotItem.sk.between(
        slot_key(first_start), f"{SLOT_PREFIX}{last.isoformat()}~"
    )
    found: list[OpenSlot] = []
    for raw in _query(key, _OFFER):
        free = 0 if "closed_reason" in raw else int(raw["capacity"]["N"]) - int(raw["booked"]["N"])
        if free > 0:
            found.append(
                OpenSlot(
                    raw["sk"]["S"].removeprefix(SLOT_PREFIX),
                    raw["starts_at"]["S"],
                    raw["ends_at"]["S"],
                    free,
                )
            )
    return found


def _query(key: Condition, attributes: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The raw items of one Query (all its pages), projected to `attributes`."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    request: dict[str, Any] = {
        "TableName": target().name,
        "KeyConditionExpression": key.serialize(names, values),
        "ProjectionExpression": create_projection_expression(list(attributes), names),
    }
    request["ExpressionAttributeNames"] = {placeholder: n for n, placeholder in names.items()}
    request["ExpressionAttributeValues"] = values
    while True:
        answer = connection().dispatch("Query", request)
        yield from answer.get("Items", [])
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


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
    return [_closure(item) for item in _closure_items(location, first, last)]


def _closure(item: ClosureItem) -> Closure:
    return Closure(
        date.fromisoformat(item.day),
        time.fromisoformat(item.from_time),
        time.fromisoformat(item.until_time),
        item.reason,
    )


# What the release compares and the closures it honours: a sixth of a slot item's size, so
# even 180 days of a location fit in one page of a Query (1 MB).
_RELEASE = (
    "pk", "sk", "starts_at", "capacity", "booked", "closed_reason",
    "day", "from_time", "until_time", "reason",
)  # fmt: skip


def slots_and_closures_between(
    location: str, first: date, last: date
) -> tuple[list[SlotItem], list[Closure]]:
    """The slots and the closures of `location` from `first` through `last`: one Query.

    In the location's partition closures (CLOSURE#<day>#<from>) sort before slots
    (SLOT#<start>), so one key range from the first day's closures to the last day's slots
    holds both; the closures after `last` in it are few (ops enter them) and left out here.
    """
    key = (SlotItem.pk == location_key(location)) & SlotItem.sk.between(
        f"{CLOSURE_PREFIX}{first.isoformat()}", f"{SLOT_PREFIX}{last.isoformat()}~"
    )
    found_slots: list[SlotItem] = []
    closures: list[Closure] = []
    # The two kinds of item in one answer: PynamoDB's Model.query reads one kind.
    for raw in _query(key, _RELEASE):
        sort_key = raw["sk"]["S"]
        if sort_key.startswith(SLOT_PREFIX):
            found_slots.append(SlotItem.from_raw_data(raw))
        elif sort_key.startswith(CLOSURE_PREFIX):
            closure = ClosureItem.from_raw_data(raw)
            if date.fromisoformat(closure.day) <= last:
                closures.append(_closure(closure))
    return found_slots, closures


def delete_closures(location: str, day: date) -> None:
    for item in _closure_items(location, day, day):
        item.delete()
