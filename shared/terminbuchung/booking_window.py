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
        raise SlotUnavailable("Dieser Termin liegt in der Vergangenheit.", field="start")
    if start < earliest_start(location, now):
        hours = location.minimum_notice_minutes / 60
        notice = f"{hours:g} Stunden" if hours != 1 else "eine Stunde"
        raise SlotUnavailable(
            f"Termine können nur bis {notice} vor Beginn online gebucht werden.", field="start"
        )
    if in_berlin(start).date() > last_bookable_day(location, now):
        raise SlotUnavailable(
            f"Termine können höchstens {location.horizon_days} Tage im Voraus gebucht werden.",
            field="start",
        )


def is_bookable(location: Location, start: datetime, now: datetime) -> bool:
    try:
        check_bookable(location, start, now)
    except SlotUnavailable:
        return False
    return True
