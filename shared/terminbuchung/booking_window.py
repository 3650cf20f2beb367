"""When a slot can be booked: not in the past, not too soon, not beyond the horizon.

The horizon grows by one day at the location's release time, when the daily release puts
the new day's slots in place; before that, the day at the end of the horizon is not open.
"""

from datetime import date, datetime, timedelta

from terminbuchung.clock import in_berlin
from terminbuchung.config import Location
from terminbuchung.errors import SlotUnavailable


def last_bookable_day(location: Location, now: datetime) -> date:
    local_now = in_berlin(now)
    released_today = local_now.time() >= location.release_time
    return local_now.date() + timedelta(days=location.horizon_days - (0 if released_today else 1))


def earliest_start(location: Location, now: datetime) -> datetime:
    return in_berlin(now) + location.minimum_notice


def check_bookable(location: Location, start: datetime, now: datetime) -> None:
    """Raise SlotUnavailable, saying why, unless `start` lies within the booking window."""
    if start <= now:
        raise SlotUnavailable(field="start", key="error.slot_unavailable.past")
    if start < earliest_start(location, now):
        hours = location.minimum_notice_minutes / 60
        if hours == 1:
            raise SlotUnavailable(field="start", key="error.slot_unavailable.notice_one_hour")
        raise SlotUnavailable(
            field="start", key="error.slot_unavailable.notice", values={"hours": f"{hours:g}"}
        )
    if in_berlin(start).date() > last_bookable_day(location, now):
        raise SlotUnavailable(
            field="start",
            key="error.slot_unavailable.horizon",
            values={"days": location.horizon_days},
        )


def is_bookable(location: Location, start: datetime, now: datetime) -> bool:
    try:
        check_bookable(location, start, now)
    except SlotUnavailable:
        return False
    return True
