"""When new bookable appointments next appear at a location: what the booking page says
when every slot is taken, instead of promising "every day at 06:00".

Each day at `release_time` the horizon grows by one day (booking_window.last_bookable_day):
the release on day D opens day D + horizon_days. That release brings new appointments only
if the day it opens has slots: not a weekend without opening hours, not a public holiday,
not a day the configuration closes. With a five-day horizon and closed weekends, the Monday
and Tuesday releases open a Saturday and a Sunday: nothing new until Wednesday.

Closures ops enter for single days (infra.ops close) are not counted here: at worst the page
names a release that then brings fewer appointments. Cancellations free appointments at any
time; the page says so beside this.
"""

from datetime import datetime, timedelta

from terminbuchung.clock import BERLIN, in_berlin, local
from terminbuchung.config import Location
from terminbuchung.schedule import slots_on

# How far ahead to look: a location closed for longer has no release to name.
LOOK_AHEAD_DAYS = 60


def next_release(location: Location, now: datetime) -> datetime | None:
    """The first release after `now` that opens a day with appointments (Berlin time), or
    None if there is none in LOOK_AHEAD_DAYS."""
    local_now = in_berlin(now)
    day = local_now.date()
    if local_now.time() >= location.release_time:
        day += timedelta(days=1)  # today's release is done
    for _ in range(LOOK_AHEAD_DAYS):
        opens = day + timedelta(days=location.horizon_days)
        if slots_on(location, opens):
            # A release time in the hour the clocks skip happens at the hour's end.
            return local(day, location.release_time) or datetime.combine(
                day, location.release_time, tzinfo=BERLIN
            )
        day += timedelta(days=1)
    return None
