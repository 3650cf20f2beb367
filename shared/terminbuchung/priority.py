"""A new appointment with priority after the office cancelled one (issue 12, item 6).

The office's cancellation notice links to the booking page with the cancelled booking's
reference and token (the same HMAC as its manage link: nothing new is stored). A booking
that names them (form field `priority_for`) may, once, take a time of the location's plan
that the test phase's daily quota kept unreleased: the release opens only `daily_quota`
slots a day (schedule.spread_evenly), so "beyond the daily quota" means one seat of such a
slot. Never beyond a slot's capacity, never on a closed day or hour, never outside the
booking window: those rules stay where they are (booking_window, schedule, the slot's
conditions in table.bookings.reserve). Decided in docs/ARCHITECTURE.md.
"""

from dataclasses import replace
from datetime import date, datetime

from terminbuchung.booking_window import is_bookable
from terminbuchung.config import Location
from terminbuchung.errors import PriorityNotValid
from terminbuchung.forms import PriorityClaim
from terminbuchung.references import TokenKeys, normalize_reference, token_matches
from terminbuchung.schedule import PlannedSlot, days_from, slots_on
from terminbuchung.table import bookings as table
from terminbuchung.table.items import BookingItem
from terminbuchung.table.priorities import Priority
from terminbuchung.table.slots import closures_between, slots_between


def claimed(claim: PriorityClaim, location: Location, start: datetime, keys: TokenKeys) -> Priority:
    """The priority of an office-cancelled booking at `location`, if `claim`'s token belongs
    to it; PriorityNotValid otherwise (a wrong token, an unknown booking, one the citizen
    cancelled, or one of another location all look the same). Whether it was used already
    is decided by the booking's own transaction."""
    reference = normalize_reference(claim.reference)
    # The token is checked before any read: a wrong one costs no I/O and tells nothing.
    if reference is None or not token_matches(reference, claim.token, keys):
        raise PriorityNotValid()
    cancelled = table.load(reference)
    if (
        cancelled is None
        or cancelled.status != BookingItem.CANCELLED_BY_OFFICE
        or cancelled.location != location.id
    ):
        raise PriorityNotValid()
    return Priority(reference, cancelled.expires_at, _unreleased_seat(location, start))


def unreleased_slots(
    location: Location, first: date, last: date, now: datetime
) -> list[PlannedSlot]:
    """The times of the plan from `first` through `last` that the daily quota kept back and
    that are still bookable: what a citizen with priority may choose beyond the released
    slots (GET /locations/{location}/slots?priority=1). Two Queries; only this list pays."""
    if location.daily_quota is None or last < first:
        return []
    without_quota = replace(location, daily_quota=None)
    closed = closures_between(location.id, first, last)
    released = {item.local_start for item in slots_between(location.id, first, last)}
    return [
        slot
        for day in days_from(first, last)
        for slot in slots_on(without_quota, day, closed)
        if slot.local_start not in released and is_bookable(location, slot.start, now)
    ]


def _unreleased_seat(location: Location, start: datetime) -> PlannedSlot | None:
    """The slot of the location's plan at `start` without the daily quota (opening hours,
    holidays, the configured and the office's closures all count), or None."""
    day = start.date()
    without_quota = replace(location, daily_quota=None)
    planned = slots_on(without_quota, day, closures_between(location.id, day, day))
    return next((slot for slot in planned if slot.start == start), None)
