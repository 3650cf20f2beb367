"""What each e-mail says: the kinds of message and their texts, rendered from templates/.

A letter is plain text and HTML with the same content, plus a calendar file where the
citizen's calendar should change (a new appointment, or one called off). The booking page
downloads that calendar file from the API (`booking_calendar`): made here, it is one event.
"""

import textwrap
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from terminbuchung import languages
from terminbuchung.clock import in_berlin
from terminbuchung.config import SiteConfig
from terminbuchung.languages import GERMAN, Language
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.calendar_invite import CalendarMethod, calendar_invite
from terminbuchung.mail.settings import MailSettings
from terminbuchung.table.items import BookingItem

if TYPE_CHECKING:
    from jinja2 import Environment

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
    language: Language = GERMAN


@cache
def _templates() -> "Environment":
    # Imported on the first letter, not at import: an hourly reminder run that has nothing
    # to send, and every other function, never pays jinja2's ~15 ms (issue 14).
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a misspelt variable fails the tests, not a citizen
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["wrap"] = _wrap
    environment.filters["pad"] = lambda text, width: str(text).ljust(width)
    return environment


# Plain text is wrapped as mail readers expect it; links and long words stay whole.
_LINE_WIDTH = 76


def _wrap(paragraph: str) -> str:
    return textwrap.fill(
        paragraph, width=_LINE_WIDTH, break_long_words=False, break_on_hyphens=False
    )


# For the office's records: one German line above every e-mail written in another
# language, so whoever reads a copy or a returned mail knows what was sent. Not in the
# catalogues: it is German in every e-mail (the subject comes from the German catalogue).
OFFICE_LINE = "{subject} – Buchungsnummer {reference} – Text in: {language}"


def _strong(value: object) -> Markup:
    return Markup("<strong>{}</strong>").format(value)


def _phone_link(phone: str) -> Markup:
    number = phone.replace(" ", "").replace("-", "")
    return Markup('<a href="tel:{}" style="color:#00508c;">{}</a>').format(number, phone)


def _email_link(address: str) -> Markup:
    return Markup('<a href="mailto:{}" style="color:#00508c;">{}</a>').format(address, address)


def _render(name: str, context: dict[str, Any], language: Language) -> str:
    """A template in `language`: `t(key, **values)` gives the catalogue's text, escaped
    with its values in HTML (a Markup value, e.g. a bold reference, kept as it is)."""
    if name.endswith(".html"):

        def t(key: str, **values: object) -> str:
            # Safe: the catalogue's text is escaped, and so is every value but Markup.
            template = escape(languages.message(language, key))
            return Markup(languages.fill(template, values, escape))  # noqa: S704

    else:

        def t(key: str, **values: object) -> str:
            return languages.text(language, key, **values)

    helpers = {"strong": _strong, "phone_link": _phone_link, "email_link": _email_link}
    return _templates().get_template(name).render({**context, **helpers, "t": t})


def _one_line(name: str, context: dict[str, Any], language: Language) -> str:
    # A subject is one line, whatever the template's layout.
    return " ".join(_render(name, context, language).split())


def _in_language(language: Language, reference: str, subject: str) -> dict[str, Any]:
    """What every letter's layout needs of its language: direction, the details' labels
    and, unless German, the German line for the office's records."""
    described = languages.info(language)
    labels = {
        part: languages.text(language, f"mail.details.{part}") + ":"
        for part in ("when", "where", "service", "reference")
    }
    office_line = None
    if language != languages.GERMAN:
        office_line = OFFICE_LINE.format(
            subject=subject, reference=reference, language=described.name_in_german
        )
    rtl = described.direction == "rtl"
    return {
        "language": described,
        "labels": labels,
        "label_width": max(len(label) for label in labels.values()) + 2,
        "start_side": "right" if rtl else "left",
        "end_side": "left" if rtl else "right",
        "office_line": office_line,
    }


def compose(
    kind: Kind,
    appointment: Appointment,
    *,
    site: SiteConfig,
    settings: MailSettings,
    token: str,
    now: datetime,
) -> Letter:
    language = appointment.language
    links = {
        "manage_link": settings.manage_link(appointment.reference, token),
        "confirm_link": settings.confirm_link(appointment.reference, token),
        "book_again_link": settings.book_again_link,
        "priority_link": settings.priority_link(appointment.reference, token),
    }
    german = _appointment_context(appointment, site, languages.GERMAN)
    context = {**_appointment_context(appointment, site, language), **links}
    subject = _one_line(f"{kind}.subject.txt", context, language)
    context |= _in_language(
        language,
        appointment.reference,
        _one_line(f"{kind}.subject.txt", german, languages.GERMAN),
    )
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
        text=_render(f"{kind}.txt", context, language),
        html=_render(f"{kind}.html", context, language),
        attachments=attachments,
        language=language,
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
    """A notice about the appointments one address holds (already_booked, lookup), in the
    language of the first of them."""
    first = listed[0].appointment
    language = first.language

    def in_language(code: Language) -> dict[str, Any]:
        return {
            "name": first.citizen_name,
            "jobcenter": site.jobcenter,
            "book_again_link": settings.book_again_link,
            "appointments": [
                {
                    **_appointment_context(entry.appointment, site, code),
                    "link": entry.link,
                    "pending": entry.pending,
                }
                for entry in listed
            ],
        }

    context = in_language(language)
    subject = _one_line(f"{kind}.subject.txt", context, language)
    german_subject = _one_line(f"{kind}.subject.txt", in_language(languages.GERMAN), "de")
    context |= _in_language(language, first.reference, german_subject)
    return Letter(
        kind=kind,
        reference=first.reference,
        to_name=first.citizen_name,
        to=first.email,
        subject=subject,
        text=_render(f"{kind}.txt", context, language),
        html=_render(f"{kind}.html", context, language),
        attachments=(),
        language=language,
    )


def _appointment_context(
    appointment: Appointment, site: SiteConfig, language: Language
) -> dict[str, Any]:
    """What the texts may say of the appointment: the same in every e-mail and calendar file.

    No links here: the calendar file is also downloaded, and a token belongs in the e-mail.
    """
    confirm_by = appointment.confirm_by
    return {
        "name": appointment.citizen_name,
        "when": languages.date_and_time(language, appointment.start),
        "date": languages.long_date(language, in_berlin(appointment.start).date()),
        "start_time": languages.clock_time(language, appointment.start),
        "end_time": languages.clock_time(language, appointment.end),
        "location_name": appointment.location_name,
        "address": appointment.address,
        "map_url": appointment.map_url,
        "access_notes": appointment.access_notes,
        "service_name": appointment.service_name,
        "reference": appointment.reference,
        "what_to_bring": appointment.what_to_bring,
        "reason": appointment.cancel_reason,
        "confirm_by_time": languages.clock_time(language, confirm_by) if confirm_by else None,
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
    """The .ics of an appointment: attached to its e-mails, downloaded by the booking page.
    Its title and description speak the booking's language."""
    language = appointment.language
    context = _appointment_context(appointment, site, language)
    return calendar_invite(
        appointment,
        method=method,
        summary=_render("calendar.summary.txt", context, language).strip(),
        description=_render("calendar.description.txt", context, language).strip(),
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
