"""What a citizen can book: the open service centres, their services and free slots."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from terminbuchung.booking_window import earliest_start, is_bookable, last_bookable_day
from terminbuchung.clock import BERLIN, in_berlin, iso, wall_clock
from terminbuchung.config import Location, Service, SiteConfig
from terminbuchung.errors import InvalidInput, LocationNotFound, ServiceNotOffered, ServiceNotOnline
from terminbuchung.forms import SlotQuery
from terminbuchung.table.slots import open_slots


@dataclass(frozen=True)
class ServiceOffer:
    id: str
    name: str
    duration_minutes: int
    what_to_bring: list[str]


@dataclass(frozen=True)
class LocationOffer:
    id: str
    name: str
    address: str
    services: list[ServiceOffer]
    # So a page can say when new appointments appear when none are free.
    horizon_days: int
    release_time: str
    # When new bookable appointments next appear (releases.next_release), ISO 8601 with
    # offset; None if none is planned within the next 60 days.
    next_release: str | None = None
    # A plain link to the map (openstreetmap.org) and how to get in, if configured.
    map_url: str | None = None
    access_notes: str | None = None


@dataclass(frozen=True)
class Contact:
    """How to reach the Jobcenter without an appointment."""

    name: str
    phone: str
    phone_hours: str
    email: str


@dataclass(frozen=True)
class FreeSlot:
    start: str
    end: str
    available: int


def open_location(site: SiteConfig, location_id: str, field: str | None = None) -> Location:
    """An enabled location; a disabled one is as unknown to citizens as a typo."""
    location = site.location(location_id)
    if location is None or not location.enabled:
        raise LocationNotFound(field=field)
    return location


def online_service(site: SiteConfig, location: Location, service_id: str) -> Service:
    service = site.service(service_id)
    if service is None or service.id not in location.services:
        raise ServiceNotOffered(field="service")
    if not service.bookable_online:
        raise ServiceNotOnline(field="service")
    return service


def list_locations(site: SiteConfig, now: datetime | None = None) -> list[LocationOffer]:
    return [
        LocationOffer(
            id=location.id,
            name=location.name,
            address=location.address,
            services=[
                ServiceOffer(s.id, s.name, s.duration_minutes, list(s.what_to_bring))
                for s in site.online_services(location)
            ],
            horizon_days=location.horizon_days,
            release_time=f"{location.release_time:%H:%M}",
            next_release=_next_release(location, now),
            map_url=location.map_url,
            access_notes=location.access_notes,
        )
        for location in site.open_locations
    ]


def _next_release(location: Location, now: datetime | None) -> str | None:
    if now is None:
        return None
    # Loaded here: the schedule's holidays cost cold-start time only this answer needs.
    from terminbuchung.releases import next_release

    moment = next_release(location, now)
    return iso(moment) if moment else None


def contact(site: SiteConfig) -> Contact:
    jobcenter = site.jobcenter
    return Contact(jobcenter.name, jobcenter.phone, jobcenter.phone_hours, jobcenter.email)


def free_slots(
    site: SiteConfig, location_id: str, query: SlotQuery, now: datetime
) -> list[FreeSlot]:
    """Slots with a free seat that can still be booked, ordered by start. One Query."""
    location = open_location(site, location_id)
    length = location.slot_length
    if query.service is not None:
        length = timedelta(minutes=online_service(site, location, query.service).duration_minutes)
    if query.first_day and query.last_day and query.last_day < query.first_day:
        raise InvalidInput(field="to", code="field_invalid", key="error.dates_reversed")

    today = in_berlin(now).date()
    first = max(query.first_day or today, today)
    last = min(query.last_day or last_bookable_day(location, now), last_bookable_day(location, now))
    if last < first:
        return []
    # The window once, not per slot: the Query starts at the earliest bookable minute and
    # ends with the last bookable day, so only a slot in that very minute needs a look.
    earliest = max(earliest_start(location, now), datetime.combine(first, time(), BERLIN))
    first_minute = wall_clock(earliest)
    slots = []
    for slot in open_slots(location.id, earliest, last):
        if slot.local_start == first_minute and not is_bookable(
            location, datetime.fromisoformat(slot.start), now
        ):
            continue
        end = slot.end if length == location.slot_length else _end(slot.start, length)
        slots.append(FreeSlot(slot.start, end, slot.free_seats))
    return slots


def priority_slots(
    site: SiteConfig, location_id: str, query: SlotQuery, now: datetime
) -> list[FreeSlot]:
    """With ?priority=1: the times the daily quota kept back, one seat each, for a citizen
    whose appointment the office cancelled (terminbuchung.priority). Empty otherwise."""
    if not query.with_priority:
        return []
    # Loaded here: only this list reads the plan and the closures.
    from terminbuchung.priority import unreleased_slots

    location = open_location(site, location_id)
    length = location.slot_length
    if query.service is not None:
        length = timedelta(minutes=online_service(site, location, query.service).duration_minutes)
    today = in_berlin(now).date()
    first = max(query.first_day or today, today)
    last = min(query.last_day or last_bookable_day(location, now), last_bookable_day(location, now))
    return [
        FreeSlot(iso(slot.start), iso(slot.start + length), 1)
        for slot in unreleased_slots(location, first, last, now)
    ]


def _end(start: str, length: timedelta) -> str:
    return iso(datetime.fromisoformat(start) + length)
