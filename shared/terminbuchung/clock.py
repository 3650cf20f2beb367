"""Local time of the service centres.

Slots are wall-clock times in Europe/Berlin; the API speaks ISO 8601 with offset.
Use cases take `now` as an argument, so the rules are tested at any instant.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def now() -> datetime:
    return datetime.now(tz=BERLIN)


def local(day: date, at: time) -> datetime | None:
    """The instant `at` o'clock on `day` in Berlin, or None where the clocks skip or repeat it.

    On the last Sunday of March 02:00-03:00 does not exist, on the last Sunday of October it
    happens twice; an appointment there would be ambiguous, so no slot is placed there.
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=BERLIN, fold=0)
    second = wall.replace(tzinfo=BERLIN, fold=1)
    # In the gap and in the repeated hour alike, the two readings disagree on the offset.
    return first if first.utcoffset() == second.utcoffset() else None


def in_berlin(moment: datetime) -> datetime:
    """An aware instant as Berlin time; a naive one is taken to be Berlin time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BERLIN)
    return moment.astimezone(BERLIN)


def wall_clock(moment: datetime) -> str:
    """Berlin's local time to the minute, e.g. 2026-12-01T09:00: what a slot is keyed by."""
    return in_berlin(moment).strftime("%Y-%m-%dT%H:%M")


def iso(moment: datetime) -> str:
    """2026-12-01T09:00:00+01:00"""
    return in_berlin(moment).isoformat(timespec="seconds")
