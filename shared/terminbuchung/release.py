"""The daily release: put every missing slot in place, from today to the end of the horizon.

Idempotent and safe to run twice at once: a slot is created with a condition that it does
not exist yet, and the seats already booked are never touched. Raising the horizon or
enabling a location takes effect on the next run.
"""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime

from aws_lambda_powertools import Logger

from terminbuchung.booking_window import last_bookable_day
from terminbuchung.clock import in_berlin, iso
from terminbuchung.config import Location, SiteConfig
from terminbuchung.schedule import Closure, PlannedSlot, days_from, slots_on
from terminbuchung.table import slots

logger = Logger(child=True)


@dataclass
class ReleaseReport:
    """What a run changed: new slots per (location, day) and capacities adjusted."""

    created: Counter[tuple[str, date]] = field(default_factory=Counter)
    resized: int = 0
    # The run stopped at its deadline with slots still missing: the next run goes on
    # (nearest days first, so what stays missing is at the far end of the horizon).
    unfinished: bool = False

    @property
    def writes(self) -> int:
        return self.created.total() + self.resized

    def created_at(self, location: str) -> int:
        return sum(n for (loc, _), n in self.created.items() if loc == location)


# A first run puts ~3,000 slots per location in place (180 days): one conditional put after
# another that took over two minutes for ten locations. The puts wait on the network, so
# threads overlap them; each stays conditional, so nothing changes about idempotence.
PARALLEL_PUTS = 32
# Puts between two looks at the deadline.
PUTS_PER_ROUND = 512


def planned_slots(
    location: Location, first: date, last: date, closed: list[Closure] | None = None
) -> list[PlannedSlot]:
    """The slots the configuration asks for, less the closures ops entered (infra.ops)."""
    if closed is None:
        closed = slots.closures_between(location.id, first, last)
    return [slot for day in days_from(first, last) for slot in slots_on(location, day, closed)]


def release_slots(site: SiteConfig, now: datetime, deadline: float | None = None) -> ReleaseReport:
    """Put every missing slot in place. `deadline` (time.monotonic()): stop creating slots
    after it, so a run finishes inside the function's timeout whatever it finds missing (a
    first run for many locations and a long horizon); the next run goes on."""
    report = ReleaseReport()
    for location in site.open_locations:
        _release_location(location, now, report, deadline)
    return report


def _release_location(
    location: Location, now: datetime, report: ReleaseReport, deadline: float | None
) -> None:
    first, last = in_berlin(now).date(), last_bookable_day(location, now)
    if last < first:
        return
    # One Query for both (a run that finds everything in place costs nothing more).
    found, closed = slots.slots_and_closures_between(location.id, first, last)
    existing = {item.local_start: item for item in found}
    missing = []
    for planned in planned_slots(location, first, last, closed):
        item = existing.get(planned.local_start)
        if item is None:
            missing.append(planned)
        elif not item.closed_reason and item.capacity != max(planned.capacity, item.booked):
            # Follow the configured desks, but never below the seats already booked.
            slots.resize_slot(item, planned.capacity)
            report.resized += 1
            logger.info(
                "slot capacity changed",
                extra={"slot": iso(item.starts_at), "capacity": item.capacity},
            )
    _create(missing, now, location.id, report, deadline)


def _create(
    missing: list[PlannedSlot],
    now: datetime,
    location: str,
    report: ReleaseReport,
    deadline: float | None,
) -> None:
    def put(planned: PlannedSlot) -> bool:
        # False: a concurrent run was first; its slot stands.
        return slots.create_slot(planned, now)

    with ThreadPoolExecutor(max_workers=PARALLEL_PUTS) as pool:
        for begin in range(0, len(missing), PUTS_PER_ROUND):
            if deadline is not None and time.monotonic() > deadline:
                report.unfinished = True
                return
            batch = missing[begin : begin + PUTS_PER_ROUND]
            # The first put of a run alone: it makes the SDK client the others then share
            # (made by many threads at once, each would build its own).
            created = [put(batch[0])] if begin == 0 else []
            created += pool.map(put, batch[len(created) :])
            for planned, was_created in zip(batch, created, strict=True):
                if was_created:
                    report.created[(location, planned.start.date())] += 1
