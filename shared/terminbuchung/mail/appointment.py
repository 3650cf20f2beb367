"""A booking as the e-mails and the calendar file speak of it.

Its own module so that the letters and the calendar invite can both use it without
importing each other.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from terminbuchung.clock import in_berlin
from terminbuchung.config import SiteConfig
from terminbuchung.languages import GERMAN, Language, info
from terminbuchung.table.items import BookingItem


@dataclass(frozen=True)
class Appointment:
    """A booking as the letters speak of it: names instead of ids, local times."""

    reference: str
    start: datetime  # Europe/Berlin
    end: datetime
    location_name: str
    address: str | None
    service_name: str
    what_to_bring: tuple[str, ...]
    citizen_name: str
    email: str
    cancel_reason: str | None
    confirm_by: datetime | None = None  # pending: the seat is held until then (Berlin)
    moves: int = 0  # how often it was moved: the calendar file's SEQUENCE starts there
    map_url: str | None = None  # the location's map link (openstreetmap.org, checked)
    access_notes: str | None = None  # how to get in, e.g. step-free with a lift
    language: Language = GERMAN  # of the booking: its e-mails and calendar file speak it

    def __post_init__(self) -> None:
        # The name is text and nothing else in every header, part and calendar file,
        # whatever reached the table (the form refuses such names already).
        object.__setattr__(self, "citizen_name", plain_text(self.citizen_name))

    @classmethod
    def of(cls, booking: BookingItem, site: SiteConfig) -> "Appointment":
        # A location or service taken out of the configuration after the booking still
        # gets its e-mail; the id stands in for the name.
        location = site.location(booking.location)
        service = site.service(booking.service)
        return cls(
            reference=booking.reference,
            start=booking.starts_at,
            end=booking.ends_at,
            location_name=location.name if location else booking.location,
            address=location.address if location else None,
            service_name=service.name if service else booking.service,
            what_to_bring=tuple(service.what_to_bring) if service else (),
            citizen_name=booking.name,
            email=booking.email or "",  # delivery sends nothing without one
            cancel_reason=booking.cancel_reason,
            confirm_by=in_berlin(booking.confirm_by) if booking.confirm_by else None,
            moves=int(booking.reschedules or 0),
            map_url=location.map_url if location else None,
            access_notes=location.access_notes if location else None,
            language=info(booking.language).code,
        )


def plain_text(text: str) -> str:
    """One line of text: control and format characters dropped (line breaks, direction
    overrides), any run of white space one space."""
    kept = "".join(c for c in text if not unicodedata.category(c).startswith("C") or c.isspace())
    return " ".join(unicodedata.normalize("NFC", kept).split())
