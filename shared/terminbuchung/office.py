"""The office's side: the day's list, booking for a caller, who came and who did not,
calling an appointment off, and the history of a booking.

Every use case takes the signed-in member of staff and acts only at the locations their
groups allow (`staff_members.require_location`). Each change is recorded on the booking's
history (who, when) and counted on its slot for the evaluation, in the same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from terminbuchung import bookings, closures, languages
from terminbuchung.clock import in_berlin, iso
from terminbuchung.config import Location, SiteConfig
from terminbuchung.errors import (
    AlreadyMarked,
    BookingNotFound,
    Busy,
    InvalidInput,
    LocationNotFound,
    NoAddress,
    NotConfirmed,
    ServiceNotOffered,
    SlotUnavailable,
    TooEarly,
    TooLate,
)
from terminbuchung.forms import ClosureForm, PhoneBookingForm
from terminbuchung.references import TokenKeys, normalize_reference
from terminbuchung.staff_members import StaffMember, require_location
from terminbuchung.table import bookings as table
from terminbuchung.table.items import BookingItem
from terminbuchung.table.slots import slots_between

CHECKED_IN = "checked_in"
NO_SHOW = "no_show"


@dataclass(frozen=True)
class SlotLine:
    start: str
    end: str
    capacity: int
    booked: int
    closed_reason: str | None


@dataclass(frozen=True)
class AppointmentLine:
    reference: str
    start: str
    end: str
    service: str
    status: str
    name: str
    email: str | None
    phone: str | None
    household_number: str | None
    remarks: str | None
    # The language of the booking's e-mails: staff arrange an interpreter by it.
    language: str
    booked_via: str
    checked_in_at: str | None
    no_show: bool
    undelivered_mail: list[str]
    # bounced, complained or rejected (SES), or None: staff call instead of e-mailing.
    email_status: str | None = None


@dataclass(frozen=True)
class DayList:
    location: str
    day: str
    slots: list[SlotLine]
    appointments: list[AppointmentLine]


@dataclass(frozen=True)
class HistoryLine:
    at: str
    by: str
    action: str
    detail: str | None


@dataclass(frozen=True)
class BookingRecord:
    appointment: AppointmentLine
    location: str
    history: list[HistoryLine]


def _location(site: SiteConfig, member: StaffMember, location_id: str) -> Location:
    """A configured location the member works at; enabled or not, its staff plan ahead."""
    require_location(member, location_id)
    location = site.location(location_id)
    if location is None:
        raise LocationNotFound()
    return location


def _line(item: BookingItem) -> AppointmentLine:
    return AppointmentLine(
        reference=item.reference,
        start=iso(item.starts_at),
        end=iso(item.ends_at),
        service=item.service,
        status=item.status,
        name=item.name,
        email=item.email,
        phone=item.phone,
        household_number=item.household_number,
        remarks=item.remarks,
        language=languages.info(item.language).code,
        booked_via=item.booked_via or BookingItem.ONLINE,
        checked_in_at=iso(item.checked_in_at) if item.checked_in_at else None,
        no_show=item.no_show_at is not None,
        undelivered_mail=sorted(item.undelivered_mail or ()),
        email_status=item.email_status,
    )


def day_list(site: SiteConfig, member: StaffMember, location_id: str, day: date) -> DayList:
    """Who is coming on `day`: the slots with their seats and the appointments by time.
    Two Queries: the location's slots of the day, and the day's bookings."""
    location = _location(site, member, location_id)
    slots = [
        SlotLine(
            iso(item.starts_at),
            iso(item.ends_at),
            int(item.capacity),
            int(item.booked),
            item.closed_reason,
        )
        for item in slots_between(location.id, day, day)
    ]
    appointments = [_line(item) for item in table.bookings_on(location.id, day)]
    return DayList(location.id, day.isoformat(), slots, appointments)


def _booking(member: StaffMember, reference: str) -> BookingItem:
    canonical = normalize_reference(reference)
    item = table.load(canonical) if canonical else None
    if item is None:
        raise BookingNotFound("Diese Buchungsnummer gibt es nicht.")
    require_location(member, item.location)
    return item


def booking_record(member: StaffMember, reference: str) -> BookingRecord:
    """One booking with its history, for a caller who reads out the reference."""
    item = _booking(member, reference)
    history = [
        HistoryLine(iso(entry.at), entry.by, entry.action, entry.detail)
        for entry in item.history or ()
    ]
    return BookingRecord(_line(item), item.location, history)


def book_for_caller(
    form: PhoneBookingForm,
    site: SiteConfig,
    member: StaffMember,
    now: datetime,
    keys: TokenKeys,
) -> bookings.Confirmation:
    """The same seat, rules and transaction as online, with three differences: any service
    of the location, no minimum notice (a walk-in slot today, while it has not ended), and
    an e-mail address only if the caller gives one (without it, no e-mail is sent)."""
    location = _location(site, member, form.location)
    service = site.service(form.service)
    if service is None or service.id not in location.services:
        raise ServiceNotOffered(field="service")
    if form.start + location.slot_length <= now:
        raise SlotUnavailable("Dieser Termin ist schon vorbei.", field="start")
    return bookings.place(
        form,
        location.id,
        service,
        site=site,
        now=now,
        keys=keys,
        via=BookingItem.PHONE,
        by=member.username,
        remarks=form.remarks,
    )


def mark(member: StaffMember, reference: str, attendance: str, now: datetime) -> AppointmentLine:
    """The citizen came (check-in, from the day of the appointment on) or did not
    (no-show, from its start on)."""
    item = _booking(member, reference)
    local_now = in_berlin(now)
    if item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    if attendance == NO_SHOW and now < item.starts_at:
        raise TooEarly()
    if attendance == CHECKED_IN and local_now.date() < item.starts_at.date():
        raise TooEarly("Einchecken geht erst am Tag des Termins.")
    try:
        table.mark_attendance(item, attendance, by=member.username, now=now)
    except table.AttendanceRefused:
        raise AlreadyMarked() from None
    except table.Contended:
        raise Busy() from None
    return _line(_booking(member, reference))


def unmark(member: StaffMember, reference: str, attendance: str, now: datetime) -> AppointmentLine:
    """Undo a check-in or a no-show, on the same day only: the evaluation counts it."""
    item = _booking(member, reference)
    if item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    marked_at = item.checked_in_at if attendance == CHECKED_IN else item.no_show_at
    if marked_at is None:
        raise AlreadyMarked("Hier ist nichts zurückzunehmen.")
    if in_berlin(marked_at).date() != in_berlin(now).date():
        raise TooLate("Das lässt sich nur am selben Tag zurücknehmen.")
    try:
        table.undo_attendance(item, attendance, by=member.username, now=now)
    except table.AttendanceRefused:
        raise AlreadyMarked("Hier ist nichts zurückzunehmen.") from None
    except table.Contended:
        raise Busy() from None
    return _line(_booking(member, reference))


def resend(member: StaffMember, reference: str, now: datetime) -> AppointmentLine:
    """The confirmation again, to the stored address (the e-mail function sends it)."""
    item = _booking(member, reference)
    if item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    if not item.email:
        raise NoAddress()
    if not table.request_resend(item, by=member.username, now=now):
        raise NotConfirmed()
    return _line(_booking(member, reference))


def cancel(member: StaffMember, reference: str, reason: str, now: datetime) -> AppointmentLine:
    """The office calls an appointment off; the citizen gets the notice with the reason."""
    item = _booking(member, reference)
    if item.status != BookingItem.CONFIRMED:
        raise NotConfirmed()
    if item.starts_at <= now or item.checked_in_at or item.no_show_at:
        raise TooLate("Dieser Termin hat bereits begonnen oder ist schon vermerkt.")
    bookings.call_off(item, BookingItem.CANCELLED_BY_OFFICE, reason, now, by=member.username)
    return _line(_booking(member, reference))


@dataclass(frozen=True)
class ClosureDone:
    location: str
    day: str
    start: str
    end: str
    slots_closed: int
    bookings_cancelled: list[str]  # with dry_run: the bookings it would cancel
    dry_run: bool = False


def close(
    site: SiteConfig,
    member: StaffMember,
    location_id: str,
    form: ClosureForm,
    now: datetime,
    *,
    dry_run: bool = False,
) -> ClosureDone:
    """The same closure as `python -m infra.ops close`: seats withdrawn, bookings in that
    time called off with the reason (the citizens get the office's notice). A dry run
    changes nothing and answers what the closure would do, so the console can say how many
    bookings it would cancel before the clerk confirms."""
    location = _location(site, member, location_id)
    try:
        if dry_run:
            report = closures.preview(
                site,
                location.id,
                form.day,
                reason=form.reason,
                now=now,
                start=form.start or time.min,
                end=form.end or time.max,
            )
        else:
            report = closures.close(
                site,
                location.id,
                form.day,
                reason=form.reason,
                now=now,
                start=form.start or time.min,
                end=form.end or time.max,
                by=member.username,
            )
    except closures.ClosureRefused as refused:
        raise _closure_error(refused) from None
    until = "24:00" if report.end == time.max else f"{report.end:%H:%M}"
    return ClosureDone(
        report.location,
        report.day.isoformat(),
        f"{report.start:%H:%M}",
        until,
        report.slots_closed,
        report.bookings_cancelled,
        dry_run,
    )


def reopen(
    site: SiteConfig, member: StaffMember, location_id: str, day: date, now: datetime
) -> int:
    """Undo a day's closures; the bookings they called off stay cancelled."""
    location = _location(site, member, location_id)
    try:
        return closures.reopen(site, location.id, day, now=now)
    except closures.ClosureRefused as refused:
        raise _closure_error(refused) from None


# What the office reads for each part of a closure at fault (closures.py speaks to ops).
_CLOSURE_MESSAGES = {
    "day": "Dieser Tag liegt in der Vergangenheit.",
    "until": "Das Ende liegt vor dem Beginn.",
    "reason": "Bitte geben Sie einen Grund mit höchstens 200 Zeichen an.",
}


def _closure_error(refused: closures.ClosureRefused) -> InvalidInput:
    message = _CLOSURE_MESSAGES.get(refused.field, "Diese Schließung ist nicht möglich.")
    return InvalidInput(message, field=refused.field, code="field_invalid")
