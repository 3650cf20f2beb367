"""The daily release: put every missing slot in place, from today to the end of the horizon.

Idempotent and safe to run twice at once: a slot is created with a condition that it does
not exist yet, and the seats already booked are never touched. Raising the horizon or
enabling a location takes effect on the next run.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from aws_lambda_powertools import Logger
from pynamodb.exceptions import PutError, UpdateError

from terminbuchung.booking_window import last_bookable_day
from terminbuchung.clock import in_berlin, iso
from terminbuchung.config import Location, SiteConfig
from terminbuchung.models import SlotItem, closures_between, location_key, slot_key, slots_between
from terminbuchung.schedule import Closure, PlannedSlot, days_from, slots_on

logger = Logger(child=True)

# Slots hold no personal data; a year of them lets the office evaluate the test phase.
SLOT_HISTORY = timedelta(days=400)


@dataclass
class ReleaseReport:
    """What a run changed: new slots per (location, day) and capacities adjusted."""

    created: Counter[tuple[str, date]] = field(default_factory=Counter)
    resized: int = 0

    @property
    def writes(self) -> int:
        return self.created.total() + self.resized

    def created_at(self, location: str) -> int:
        return sum(n for (loc, _), n in self.created.items() if loc == location)


def closures(location: Location, first: date, last: date) -> list[Closure]:
    """Closures ops entered at run time (see infra.ops), from `first` through `last`."""
    return [
        Closure(
            date.fromisoformat(item.day),
            time.fromisoformat(item.from_time),
            time.fromisoformat(item.until_time),
            item.reason,
        )
        for item in closures_between(location.id, first, last)
    ]


def planned_slots(location: Location, first: date, last: date) -> list[PlannedSlot]:
    closed = closures(location, first, last)
    return [slot for day in days_from(first, last) for slot in slots_on(location, day, closed)]


def release_slots(site: SiteConfig, now: datetime) -> ReleaseReport:
    report = ReleaseReport()
    for location in site.open_locations:
        _release_location(location, now, report)
    return report


def _release_location(location: Location, now: datetime, report: ReleaseReport) -> None:
    first, last = in_berlin(now).date(), last_bookable_day(location, now)
    if last < first:
        return
    existing = {item.sk: item for item in slots_between(location.id, first, last)}
    for planned in planned_slots(location, first, last):
        item = existing.get(slot_key(planned.local_start))
        if item is None:
            if _create(planned, now):
                report.created[(location.id, planned.start.date())] += 1
        elif not item.closed_reason and item.capacity != max(planned.capacity, item.booked):
            _resize(item, planned.capacity)
            report.resized += 1


def _create(planned: PlannedSlot, now: datetime) -> bool:
    item = SlotItem(
        location_key(planned.location),
        slot_key(planned.local_start),
        location=planned.location,
        starts_at=iso(planned.start),
        ends_at=iso(planned.end),
        capacity=planned.capacity,
        booked=0,
        released_at=now,
        expires_at=planned.end + SLOT_HISTORY,
    )
    try:
        item.save(condition=SlotItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False  # a concurrent run was first; its slot stands
        raise
    return True


def _resize(item: SlotItem, capacity: int) -> None:
    """Follow the configured desks, but never below the seats already booked."""
    try:
        item.update(
            actions=[SlotItem.capacity.set(capacity)],
            condition=SlotItem.booked <= capacity,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        item.update(actions=[SlotItem.capacity.set(SlotItem.booked)])
    logger.info("slot capacity changed", extra={"slot": item.starts_at, "capacity": item.capacity})
