"""The test phase's evaluation: per day and location, what was released, booked, cancelled
and attended, how far ahead people booked and how soon a day was fully booked.

It reads slot items only, never a booking: the counters on the slots are anonymous, kept
for a year (`table.slots.SLOT_HISTORY`) and changed in the same transactions as the
bookings they count (`table.statistics`), while bookings and their personal data expire
`retention_days` after the appointment. So the figures of a day stay the same after its
bookings are gone. One Query per location covers the whole period.
"""

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import cast

from terminbuchung.config import SiteConfig
from terminbuchung.errors import InvalidInput, LocationNotFound
from terminbuchung.forms import parse_day
from terminbuchung.staff_members import Forbidden, StaffMember, require_location
from terminbuchung.table.items import SlotItem
from terminbuchung.table.slots import slots_between

# A year and a leap day: a whole test phase, and no more than the slots are kept.
MAX_DAYS = 366
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    location: str | None  # None: every location the member of staff may see


@dataclass(frozen=True)
class DayFigures:
    day: date
    location: str
    seats_released: int  # seats of the slots not closed
    booked_online: int
    booked_by_phone: int
    cancelled_by_citizens: int
    cancelled_by_office: int
    checked_in: int
    no_shows: int
    utilisation: float | None  # seats booked now / seats released; None: none released
    median_lead_time_hours: float | None  # booking to appointment; None: no bookings
    fully_booked_after_hours: float | None  # from the day's release; None: never


def period(params: Mapping[str, str], today: date) -> Period:
    """The query string `from`, `to` and `location`; by default the 30 days up to today."""
    text = {name: (params.get(name) or "").strip() for name in ("from", "to", "location")}
    last = parse_day(text["to"], field="to") if text["to"] else today
    if text["from"]:
        first = parse_day(text["from"], field="from")
    else:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    _check_range(first, last)
    return Period(first, last, text["location"] or None)


def _check_range(first: date, last: date) -> None:
    if first > last:
        raise InvalidInput(
            "Das letzte Datum darf nicht vor dem ersten liegen.", field="to", code="field_invalid"
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(
            f"Der Zeitraum darf höchstens {MAX_DAYS} Tage umfassen.",
            field="to",
            code="field_invalid",
        )


def _locations(site: SiteConfig, member: StaffMember, location_id: str | None) -> list[str]:
    """The locations to report on: the one asked for, if the member may see it; otherwise
    all of theirs (admin: every configured location)."""
    if location_id is not None:
        require_location(member, location_id)
        if site.location(location_id) is None:
            raise LocationNotFound(field="location")
        return [location_id]
    locations = member.locations(site)
    if not locations:
        raise Forbidden()
    return locations


@dataclass(frozen=True)
class HourFigures:
    """Seats and bookings of one hour of one weekday over the whole period, for the heat map
    of utilisation (open slots only, as `DayFigures.utilisation`)."""

    weekday: int  # 1 Monday … 7 Sunday (ISO 8601)
    hour: int  # the hour the slots start in, Berlin time
    seats_released: int
    booked: int
    utilisation: float | None


@dataclass(frozen=True)
class Report:
    days: list[DayFigures]
    hours: list[HourFigures]  # by weekday, then hour; only those with slots


def evaluation(
    site: SiteConfig, member: StaffMember, first: date, last: date, location_id: str | None
) -> list[DayFigures]:
    """The figures of every day from `first` through `last` that has slots, by day and then
    location (in the configuration's order). Admin: any or all locations; staff: their own."""
    return report(site, member, first, last, location_id).days


def report(
    site: SiteConfig, member: StaffMember, first: date, last: date, location_id: str | None
) -> Report:
    """The days' figures and the utilisation by weekday and hour, from one read of the
    slots (one Query per location)."""
    locations = _locations(site, member, location_id)
    _check_range(first, last)
    figures = []
    every_slot: list[SlotItem] = []
    for location in locations:
        days: dict[str, list[SlotItem]] = defaultdict(list)
        for item in slots_between(location, first, last):
            days[item.local_start[:10]].append(item)
            every_slot.append(item)
        figures += [
            _figures(date.fromisoformat(day), location, items) for day, items in days.items()
        ]
    order = {location: index for index, location in enumerate(locations)}
    return Report(
        sorted(figures, key=lambda f: (f.day, order[f.location])), _by_weekday_and_hour(every_slot)
    )


def _by_weekday_and_hour(items: list[SlotItem]) -> list[HourFigures]:
    cells: dict[tuple[int, int], list[SlotItem]] = defaultdict(list)
    for item in items:
        if not item.closed_reason:
            start = datetime.fromisoformat(item.local_start)
            cells[(start.isoweekday(), start.hour)].append(item)
    hours = []
    for (weekday, hour), open_slots in sorted(cells.items()):
        released = _count(open_slots, "capacity")
        booked = _count(open_slots, "booked")
        utilisation = round(booked / released, 4) if released else None
        hours.append(HourFigures(weekday, hour, released, booked, utilisation))
    return hours


def _count(items: Iterable[SlotItem], name: str) -> int:
    return sum(int(getattr(item, name) or 0) for item in items)


def _lead_minutes(item: SlotItem) -> list[float]:
    # One entry per booking of the slot, kept when it was cancelled: the lead of a booking.
    return [float(minutes) for minutes in cast("list[float]", item.lead_minutes or [])]


def _figures(day: date, location: str, items: list[SlotItem]) -> DayFigures:
    # Bookings in a slot the office closed later still count as booked and cancelled; its
    # seats were withdrawn, so they count as neither released nor free.
    open_slots = [item for item in items if not item.closed_reason]
    released = _count(open_slots, "capacity")
    booked_now = _count(open_slots, "booked")
    leads = [minutes for item in items for minutes in _lead_minutes(item)]
    return DayFigures(
        day=day,
        location=location,
        seats_released=released,
        booked_online=_count(items, "booked_online"),
        booked_by_phone=_count(items, "booked_by_phone"),
        cancelled_by_citizens=_count(items, "cancelled_by_citizens"),
        cancelled_by_office=_count(items, "cancelled_by_office"),
        checked_in=_count(items, "checked_in"),
        no_shows=_count(items, "no_shows"),
        utilisation=round(booked_now / released, 4) if released else None,
        median_lead_time_hours=round(statistics.median(leads) / 60, 2) if leads else None,
        fully_booked_after_hours=_fully_booked_after(items, open_slots),
    )


def _fully_booked_after(items: list[SlotItem], open_slots: list[SlotItem]) -> float | None:
    """Hours from the day's release (its earliest slot's) to the last booking, if every open
    slot is full now; None if a seat is still free (or was freed again), or none was open."""
    if not open_slots or any(int(item.booked) < int(item.capacity) for item in open_slots):
        return None
    booked_at = [item.last_booked_at for item in open_slots if item.last_booked_at is not None]
    if not booked_at:
        return None
    released: datetime = min(item.released_at for item in items)
    hours = (max(booked_at) - released).total_seconds() / 3600
    return round(max(hours, 0.0), 2)


# --- the answers --------------------------------------------------------------------------

COLUMNS = {
    "day": "Datum",
    "location": "Standort",
    "seats_released": "Plätze freigegeben",
    "booked_online": "Online gebucht",
    "booked_by_phone": "Telefonisch gebucht",
    "cancelled_by_citizens": "Abgesagt (Bürger)",
    "cancelled_by_office": "Abgesagt (Jobcenter)",
    "checked_in": "Erschienen",
    "no_shows": "Nicht erschienen",
    "utilisation": "Auslastung",
    "median_lead_time_hours": "Vorlaufzeit Median (Stunden)",
    "fully_booked_after_hours": "Ausgebucht nach (Stunden)",
}


def _row(figures: DayFigures) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(figures, name) for name in COLUMNS}
    row["day"] = figures.day.isoformat()
    return row


def as_json(
    first: date, last: date, days: list[DayFigures], hours: list[HourFigures] | None = None
) -> dict[str, object]:
    answer: dict[str, object] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": [_row(f) for f in days],
    }
    if hours is not None:
        answer["by_weekday_hour"] = [asdict(cell) for cell in hours]
    return answer


def _cell(value: object) -> str:
    """German spreadsheet conventions: decimal comma; an empty cell for none (never)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)


# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"


def as_csv(days: list[DayFigures]) -> str:
    """`;`-separated with German column names and a decimal comma, as German Excel expects."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    for figures in days:
        writer.writerow(_cell(value) for value in _row(figures).values())
    return BOM + out.getvalue()


def csv_filename(first: date, last: date) -> str:
    return f"Auswertung-{first.isoformat()}-{last.isoformat()}.csv"
