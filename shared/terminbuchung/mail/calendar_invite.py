"""The calendar file (.ics) that puts an appointment into the citizen's calendar or takes it out.

Every message about one booking carries the same UID, so calendars update one event:
METHOD:REQUEST adds it, METHOD:CANCEL with a higher SEQUENCE removes it (RFC 5546).
Times are local (TZID=Europe/Berlin) with a VTIMEZONE, so the appointment stays at 09:30
in any calendar, also across the days the clocks change.
"""

from datetime import UTC, date, datetime
from typing import Literal

from terminbuchung.clock import in_berlin
from terminbuchung.mail.appointment import Appointment
from terminbuchung.settings import read_settings

CalendarMethod = Literal["REQUEST", "CANCEL"]

# The event as first sent has sequence 0 and each move adds 1 (the same UID at a higher
# SEQUENCE replaces the event: RFC 5546); a cancellation must outrank the latest of them.
_SEQUENCE: dict[CalendarMethod, int] = {"REQUEST": 0, "CANCEL": 1}

# One UID per booking, also in the file the booking page downloads from the API
# (GET /bookings/{reference}/calendar.ics), so a cancellation removes the event however the
# citizen added it.
UID_DOMAIN = "terminbuchung.oberhavel.de"


def event_uid(reference: str) -> str:
    return f"{reference}@{UID_DOMAIN}"


def organizer_address() -> str:
    """Who invites: the address the e-mails come from (MAIL_SENDER).

    The booking page's download needs nothing else of the mail settings, so its function
    has only this variable (not BOOKING_PAGE_URL) and reads it alone.
    """
    return read_settings().required("mail_sender")


def calendar_invite(
    appointment: Appointment,
    *,
    method: CalendarMethod,
    summary: str,
    description: str,
    organizer: str,
    organizer_name: str,
    now: datetime,
) -> str:
    # Loaded on first use: the reminders never attach a calendar (cold starts, see
    # docs/ARCHITECTURE.md).
    from icalendar import Calendar, Event, vCalAddress

    calendar = Calendar()
    calendar.add("prodid", "-//Jobcenter Oberhavel//Terminbuchung//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", event_uid(appointment.reference))
    event.add("sequence", appointment.moves + _SEQUENCE[method])
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", in_berlin(appointment.start))
    event.add("dtend", in_berlin(appointment.end))
    event.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    event.add("summary", summary)
    where = [appointment.location_name, appointment.address]
    event.add("location", ", ".join(part for part in where if part))
    event.add("description", description)
    event.add("transp", "OPAQUE")

    jobcenter = vCalAddress(f"mailto:{organizer}")
    jobcenter.params["cn"] = organizer_name
    event.add("organizer", jobcenter)
    citizen = vCalAddress(f"mailto:{appointment.email}")
    citizen.params["cn"] = appointment.citizen_name
    citizen.params["role"] = "REQ-PARTICIPANT"
    # The citizen booked it themselves: nothing to accept, no reply to send.
    citizen.params["partstat"] = "ACCEPTED"
    citizen.params["rsvp"] = "FALSE"
    event.add("attendee", citizen)
    calendar.add_component(event)

    # A VTIMEZONE for the year of the appointment (and the next): complete, yet short.
    year = appointment.start.year
    calendar.add_missing_timezones(first_date=date(year, 1, 1), last_date=date(year + 1, 12, 31))
    ical: bytes = calendar.to_ical()
    return ical.decode()
