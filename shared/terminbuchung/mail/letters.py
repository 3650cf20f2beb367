"""What each e-mail says: the kinds of message and their texts, rendered from templates/.

A letter is plain text and HTML with the same content, plus a calendar file where the
citizen's calendar should change (a new appointment, or one called off). The booking page
downloads that calendar file from the API (`booking_calendar`): made here, it is one event.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from terminbuchung.config import SiteConfig
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.calendar_invite import CalendarMethod, calendar_invite
from terminbuchung.mail.german import clock_time, date_and_time, long_date
from terminbuchung.mail.settings import MailSettings
from terminbuchung.table.items import BookingItem

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Kind(StrEnum):
    """The kinds of e-mail a citizen gets about one booking, each at most once."""

    CONFIRMATION = "confirmation"
    CANCELLATION = "cancellation"  # the citizen cancelled
    OFFICE_CANCELLATION = "office_cancellation"  # the office called the appointment off
    REMINDER = "reminder"  # the day before
    CONFIRM_REQUEST = "confirm_request"  # booked online: please confirm the address
    HOLD_EXPIRED = "hold_expired"  # not confirmed in time: the seat is free again
    # Notices (mail/notices.py): about all the bookings a person holds, asked for without
    # their token, so they go to the address of those bookings only.
    ALREADY_BOOKED = "already_booked"  # a second booking while holding one
    LOOKUP = "lookup"  # "Termin wiederfinden": the links to one's appointments
    RESCHEDULED = "rescheduled"  # the citizen moved it: "Ihr Termin wurde verlegt"


# Which kinds change the citizen's calendar, and how.
_CALENDAR: dict[Kind, CalendarMethod] = {
    Kind.CONFIRMATION: "REQUEST",
    Kind.RESCHEDULED: "REQUEST",  # the same UID, a higher SEQUENCE: calendars move the event
    Kind.CANCELLATION: "CANCEL",
    Kind.OFFICE_CANCELLATION: "CANCEL",
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    subtype: str  # of text/...
    params: tuple[tuple[str, str], ...]
    content: str


@dataclass(frozen=True)
class Letter:
    kind: Kind
    reference: str
    to_name: str
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a misspelt variable fails the tests, not a citizen
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, context: dict[str, Any]) -> str:
    return _templates().get_template(name).render(context)


def compose(
    kind: Kind,
    appointment: Appointment,
    *,
    site: SiteConfig,
    settings: MailSettings,
    token: str,
    now: datetime,
) -> Letter:
    context = {
        **_appointment_context(appointment, site),
        "manage_link": settings.manage_link(appointment.reference, token),
        "confirm_link": settings.confirm_link(appointment.reference, token),
        "book_again_link": settings.book_again_link,
        "priority_link": settings.priority_link(appointment.reference, token),
    }
    # A subject is one line, whatever the template's layout.
    subject = " ".join(_render(f"{kind}.subject.txt", context).split())
    attachments: tuple[Attachment, ...] = ()
    if method := _CALENDAR.get(kind):
        invite = calendar_file(appointment, method, site=site, organizer=settings.sender, now=now)
        attachments = (Attachment("termin.ics", "calendar", (("method", method),), invite),)
    return Letter(
        kind=kind,
        reference=appointment.reference,
        to_name=appointment.citizen_name,
        to=appointment.email,
        subject=subject,
        text=_render(f"{kind}.txt", context),
        html=_render(f"{kind}.html", context),
        attachments=attachments,
    )


@dataclass(frozen=True)
class Listed:
    """One appointment of a notice, with the link that lets its holder act on it."""

    appointment: Appointment
    link: str  # to confirm it while pending, else to see or cancel it
    pending: bool


def compose_notice(
    kind: Kind, listed: list[Listed], *, site: SiteConfig, settings: MailSettings
) -> Letter:
    """A notice about the appointments one address holds (already_booked, lookup)."""
    first = listed[0].appointment
    context = {
        "name": first.citizen_name,
        "jobcenter": site.jobcenter,
        "book_again_link": settings.book_again_link,
        "appointments": [
            {
                **_appointment_context(entry.appointment, site),
                "link": entry.link,
                "pending": entry.pending,
                "confirm_by_time": _confirm_by_time(entry.appointment),
            }
            for entry in listed
        ],
    }
    return Letter(
        kind=kind,
        reference=first.reference,
        to_name=first.citizen_name,
        to=first.email,
        subject=" ".join(_render(f"{kind}.subject.txt", context).split()),
        text=_render(f"{kind}.txt", context),
        html=_render(f"{kind}.html", context),
        attachments=(),
    )


def _confirm_by_time(appointment: Appointment) -> str | None:
    return clock_time(appointment.confirm_by) if appointment.confirm_by else None


def _appointment_context(appointment: Appointment, site: SiteConfig) -> dict[str, Any]:
    """What the texts may say of the appointment: the same in every e-mail and calendar file.

    No links here: the calendar file is also downloaded, and a token belongs in the e-mail.
    """
    return {
        "name": appointment.citizen_name,
        "when": date_and_time(appointment.start),
        "date": long_date(appointment.start.date()),
        "start_time": clock_time(appointment.start),
        "end_time": clock_time(appointment.end),
        "location_name": appointment.location_name,
        "address": appointment.address,
        "map_url": appointment.map_url,
        "access_notes": appointment.access_notes,
        "service_name": appointment.service_name,
        "reference": appointment.reference,
        "what_to_bring": appointment.what_to_bring,
        "reason": appointment.cancel_reason,
        "confirm_by_time": _confirm_by_time(appointment),
        "jobcenter": site.jobcenter,
    }


def calendar_file(
    appointment: Appointment,
    method: CalendarMethod,
    *,
    site: SiteConfig,
    organizer: str,
    now: datetime,
) -> str:
    """The .ics of an appointment: attached to its e-mails, downloaded by the booking page."""
    context = _appointment_context(appointment, site)
    return calendar_invite(
        appointment,
        method=method,
        summary=_render("calendar.summary.txt", context).strip(),
        description=_render("calendar.description.txt", context).strip(),
        organizer=organizer,
        organizer_name=site.jobcenter.name,
        now=now,
    )


def download_name(reference: str) -> str:
    """The name the booking page saves the calendar file under."""
    return f"Termin-Jobcenter-{reference}.ics"


def booking_calendar(
    booking: BookingItem, *, site: SiteConfig, organizer: str, now: datetime
) -> tuple[str, str]:
    """The calendar file of a booking as its last e-mail left it: (file name, content).

    Confirmed: the invitation (REQUEST), as in the confirmation. Called off, by the citizen
    or by the office: the cancellation (CANCEL, higher SEQUENCE), as in that e-mail, so a
    calendar that imports it drops the event instead of adding a dead appointment.
    """
    method: CalendarMethod = "REQUEST" if booking.status == BookingItem.CONFIRMED else "CANCEL"
    content = calendar_file(
        Appointment.of(booking, site), method, site=site, organizer=organizer, now=now
    )
    return download_name(booking.reference), content
