"""The office closes a day, or part of it, at short notice, without a deploy.

A closure is stored, so the daily release never puts those slots back; the free seats
are withdrawn at once, and every booking in the closed time is cancelled by the office
(the e-mail function tells those citizens, with an apology and a link to book again).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from aws_lambda_powertools import Logger

from terminbuchung.bookings import call_off
from terminbuchung.clock import in_berlin
from terminbuchung.config import Location, SiteConfig
from terminbuchung.schedule import Closure
from terminbuchung.table.bookings import bookings_on
from terminbuchung.table.items import BookingItem, SlotItem
from terminbuchung.table.slots import (
    delete_closures,
    reopen_slot,
    save_closure,
    slots_between,
    withdraw_slot,
)

logger = Logger(child=True)


class ClosureRefused(ValueError):
    """The closure cannot be entered as given; the message says why, for ops, and `field`
    which part of it is at fault (day, until, reason, location), for the office's form."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ClosureReport:
    location: str
    day: date
    start: time
    end: time
    slots_closed: int
    bookings_cancelled: list[str]  # references, for the office's records


def configured_location(site: SiteConfig, location_id: str) -> Location:
    location = site.location(location_id)
    if location is None:
        known = ", ".join(loc.id for loc in site.locations)
        raise ClosureRefused(f"unknown location {location_id!r} (known: {known})", field="location")
    return location


def close(
    site: SiteConfig,
    location_id: str,
    day: date,
    *,
    reason: str,
    now: datetime,
    start: time = time.min,
    end: time = time.max,
    by: str = "ops",
) -> ClosureReport:
    """Close `day` from `start` until `end`; `by` names who did it in the bookings' history
    (a member of staff's username, or "ops" for the command line)."""
    location = configured_location(site, location_id)
    closure = Closure(day, start, end, reason.strip())
    _check(closure, now)
    save_closure(location.id, closure, now)

    slots = _covered_slots(location.id, closure)
    for item in slots:
        withdraw_slot(item, closure.reason)
    # Listed after the seats are withdrawn, so no booking made meanwhile escapes.
    cancelled = [
        booking.reference
        for booking in _bookings_due(location.id, closure, slots, now)
        if call_off(booking, BookingItem.CANCELLED_BY_OFFICE, closure.reason, now, by=by)
    ]
    report = ClosureReport(location.id, day, start, end, len(slots), cancelled)
    logger.info(
        "closure entered",
        extra={
            "location_id": location.id,
            "day": day.isoformat(),
            "slots_closed": report.slots_closed,
            "bookings_cancelled": len(report.bookings_cancelled),
        },
    )
    return report


def preview(
    site: SiteConfig,
    location_id: str,
    day: date,
    *,
    reason: str,
    now: datetime,
    start: time = time.min,
    end: time = time.max,
) -> ClosureReport:
    """What `close` would do, without doing it: the slots it would withdraw and the bookings
    it would call off, so the office sees how many citizens are affected before it acts.
    Refused exactly as `close` would be."""
    location = configured_location(site, location_id)
    closure = Closure(day, start, end, reason.strip())
    _check(closure, now)
    slots = _covered_slots(location.id, closure)
    due = _bookings_due(location.id, closure, slots, now)
    return ClosureReport(
        location.id, day, start, end, len(slots), [booking.reference for booking in due]
    )


def _covered_slots(location_id: str, closure: Closure) -> list[SlotItem]:
    return [
        item
        for item in slots_between(location_id, closure.day, closure.day)
        if closure.covers(item.starts_at, item.ends_at)
    ]


def _bookings_due(
    location_id: str, closure: Closure, slots: list[SlotItem], now: datetime
) -> list[BookingItem]:
    """The bookings a closure of these slots calls off (one rule for `close` and `preview`)."""
    closed = {item.starts_at for item in slots}
    # An appointment that has begun took place: only the ones still ahead are called off.
    return [
        booking
        for booking in bookings_on(location_id, closure.day)
        if booking.starts_at in closed
        and booking.status == BookingItem.CONFIRMED
        and booking.starts_at > now
    ]


def _check(closure: Closure, now: datetime) -> None:
    local_now = in_berlin(now)
    if closure.day < local_now.date():
        raise ClosureRefused(f"{closure.day} is in the past", field="day")
    if closure.end <= closure.start:
        raise ClosureRefused(
            f"the closure ends at {closure.end:%H:%M}, before it starts at {closure.start:%H:%M}",
            field="until",
        )
    if not closure.reason:
        raise ClosureRefused(
            "give a reason: the office's records and the e-mails name it", field="reason"
        )
    if len(closure.reason) > 200:
        raise ClosureRefused("keep the reason under 200 characters", field="reason")


def reopen(site: SiteConfig, location_id: str, day: date, *, now: datetime) -> int:
    """Undo the closures of a day: its slots become bookable again. Returns slots reopened.

    Bookings the closure cancelled stay cancelled: those citizens have been told.
    """
    location = configured_location(site, location_id)
    if day < in_berlin(now).date():
        raise ClosureRefused(f"{day} is in the past", field="day")
    delete_closures(location.id, day)
    reopened = 0
    for item in slots_between(location.id, day, day):
        if item.closed_reason:
            reopen_slot(item)
            reopened += 1
    return reopened
