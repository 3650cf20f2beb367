"""The daily release: put every missing slot in place, from today to the end of the horizon.

Idempotent and safe to run twice at once: a slot is created with a condition that it does
not exist yet, and the seats already booked are never touched. Raising the horizon or
enabling a location takes effect on the next run.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from aws_lambda_powertools import Logger

from terminbuchung.booking_window import last_bookable_day
from terminbuchung.clock import in_berlin, iso
from terminbuchung.config import Location, SiteConfig
from terminbuchung.schedule import PlannedSlot, days_from, slots_on
from terminbuchung.table import slots

logger = Logger(child=True)


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


def planned_slots(location: Location, first: date, last: date) -> list[PlannedSlot]:
    """The slots the configuration asks for, less the closures ops entered (infra.ops)."""
    closed = slots.closures_between(location.id, first, last)
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
    existing = {item.local_start: item for item in slots.slots_between(location.id, first, last)}
    for planned in planned_slots(location, first, last):
        item = existing.get(planned.local_start)
        if item is None:
            # False: a concurrent run was first; its slot stands.
            if slots.create_slot(planned, now):
                report.created[(location.id, planned.start.date())] += 1
        elif not item.closed_reason and item.capacity != max(planned.capacity, item.booked):
            # Follow the configured desks, but never below the seats already booked.
            slots.resize_slot(item, planned.capacity)
            report.resized += 1
            logger.info(
                "slot capacity changed",
                extra={"slot": iso(item.starts_at), "capacity": item.capacity},
            )
