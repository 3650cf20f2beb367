"""Which slots a location offers on a day: pure rules, no I/O.

Opening hours per weekday, slot length, desks in parallel, Brandenburg's public holidays,
closures from the configuration and from ops, and the test phase's daily quota.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from terminbuchung.clock import local, wall_clock
from terminbuchung.config import Location

if TYPE_CHECKING:
    from holidays import HolidayBase


@dataclass(frozen=True)
class Closure:
    """The office is closed on `day` from `start` until `end` (local times)."""

    day: date
    start: time = time.min
    end: time = time.max
    reason: str = ""

    def covers(self, start: datetime, end: datetime) -> bool:
        # Slots never span midnight: opening hours are windows within one day.
        return start.date() == self.day and start.time() < self.end and self.start < end.time()


@dataclass(frozen=True)
class PlannedSlot:
    location: str
    start: datetime
    end: datetime
    capacity: int

    @property
    def local_start(self) -> str:
        """The slot's key: local wall-clock time, e.g. 2026-12-01T09:00."""
        return wall_clock(self.start)


@cache
def _brandenburg_holidays(year: int) -> "HolidayBase":
    # Imported on first use: only the release and the staff's day need holidays; the
    # package costs listing and booking ~20 ms of every cold start.
    import holidays

    return holidays.country_holidays("DE", subdiv="BB", years=year)


def public_holiday(day: date) -> str | None:
    """The name of the public holiday in Brandenburg on `day`, if any."""
    name: str | None = _brandenburg_holidays(day.year).get(day)
    return name


def _start_times(location: Location, day: date) -> list[time]:
    times = []
    for window in location.opening_hours.on(day):
        start = datetime.combine(day, window.start)
        while start + location.slot_length <= datetime.combine(day, window.end):
            times.append(start.time())
            start += location.slot_length
    return times


def spread_evenly[T](items: list[T], quota: int | None) -> list[T]:
    """At most `quota` of `items`, spread over the whole list rather than the first ones."""
    if quota is None or quota >= len(items):
        return list(items)
    return [items[(2 * i + 1) * len(items) // (2 * quota)] for i in range(quota)]


def slots_on(location: Location, day: date, closures: Iterable[Closure] = ()) -> list[PlannedSlot]:
    """Every slot `location` offers on `day`, in order."""
    if public_holiday(day) or location.is_closed_by_config(day):
        return []
    planned = []
    for at in _start_times(location, day):
        start = local(day, at)
        end = local(day, (datetime.combine(day, at) + location.slot_length).time())
        # Not in or across the hour the clocks skip or repeat: its length would be wrong.
        if start and end and start.utcoffset() == end.utcoffset():
            planned.append(PlannedSlot(location.id, start, end, location.desks))
    closures = [c for c in closures if c.day == day]
    return [
        slot
        for slot in spread_evenly(planned, location.daily_quota)
        if not any(c.covers(slot.start, slot.end) for c in closures)
    ]


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
