"""Send one e-mail about one booking, once.

Events reach the e-mail function at least once (stream retries, replays, the hourly
reminder runs), so each (booking, kind) is claimed in the table before it is sent:

1. claim: a conditional put of `SENT#<reference>/<kind>` in state `sending`, leased until
   the invocation's own deadline. A marker in state `sent` means: done already, skip.
2. send through SES.
3. on success the marker becomes `sent`; on failure it is deleted, so the retry sends.
   An e-mail SES refused MAX_ATTEMPTS times becomes `undeliverable` instead, and its
   booking carries `undelivered_mail` for staff.

A marker left `sending` by a crashed invocation expires with its lease, which ends when
that invocation's time is up: the retry, which comes later, takes it over. Only a crash
between SES accepting a message and step 3 can still send one twice; nothing is lost.
"""

import traceback
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from aws_lambda_powertools import Logger

from terminbuchung.addresses import ascii_address
from terminbuchung.clock import in_berlin
from terminbuchung.config import SiteConfig
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.letters import Kind, compose
from terminbuchung.mail.mime import mime_message
from terminbuchung.mail.postbox import Postbox, SendFailed
from terminbuchung.mail.settings import MailSettings
from terminbuchung.references import TokenKeys, cancel_token
from terminbuchung.table import bookings, mail_markers
from terminbuchung.table.items import BookingItem, SentMailItem

logger = Logger(child=True)


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_NEEDED = "not_needed"  # the appointment is over: nobody needs this e-mail now
    UNDELIVERABLE = "undeliverable"  # given up on now; staff see it on the booking
    GIVEN_UP_BEFORE = "given_up_before"
    # The address bounced, complained or was rejected before (mail.returns): no further
    # e-mail goes there for this booking; staff see it on the day list and call.
    ADDRESS_RETURNED = "address_returned"


# A failing e-mail holds back the stream's later records (their order matters): one that
# SES refuses is given up on after this many attempts, so it holds them back for seconds.
MAX_ATTEMPTS = 3


class MailNotSent(Exception):
    """The e-mail did not go out; retrying later may help. Says nothing personal."""

    def __init__(self, reference: str, kind: str, code: str) -> None:
        super().__init__(f"{kind} for {reference} not sent: {code}")
        self.reference = reference
        self.kind = kind
        self.code = code


@dataclass(frozen=True)
class Sending:
    """What every delivery needs besides the booking: settings, clock, lease, keys."""

    site: SiteConfig
    settings: MailSettings
    postbox: Postbox
    keys: TokenKeys
    now: datetime
    lease_until: datetime  # when this invocation's time is up


def sending_for(remaining_milliseconds: int) -> Sending:
    """What an invocation sends with: the deployment's configuration, SES and the key; its
    claims on e-mails are leased until the invocation's time is up."""
    from terminbuchung import clock
    from terminbuchung.config import site_config
    from terminbuchung.mail.postbox import SesPostbox
    from terminbuchung.mail.settings import mail_settings
    from terminbuchung.references import token_keys

    return Sending(
        site=site_config(),
        settings=mail_settings(),
        postbox=SesPostbox(mail_settings()),
        keys=token_keys(),
        now=(now := clock.now()),
        lease_until=now + timedelta(milliseconds=remaining_milliseconds),
    )


# Which e-mail a change of status calls for, by (before, after); None before: a new
# booking. A new one counts at once (booked by phone, or online without confirmation) or is
# pending until the citizen confirms the address; then the confirmation with its calendar
# file goes out, or the notice that it expired unconfirmed.
_LETTERS: dict[tuple[str | None, str], Kind] = {
    (None, BookingItem.CONFIRMED): Kind.CONFIRMATION,
    (None, BookingItem.PENDING): Kind.CONFIRM_REQUEST,
    (BookingItem.PENDING, BookingItem.CONFIRMED): Kind.CONFIRMATION,
    (BookingItem.PENDING, BookingItem.EXPIRED): Kind.HOLD_EXPIRED,
    (BookingItem.CONFIRMED, BookingItem.CANCELLED): Kind.CANCELLATION,
    (BookingItem.CONFIRMED, BookingItem.CANCELLED_BY_OFFICE): Kind.OFFICE_CANCELLATION,
}


def letter_for_change(before: str | None, after: str | None) -> Kind | None:
    """Which e-mail a change of a booking's status calls for (None: no e-mail)."""
    if after is None:
        return None  # deleted (TTL): the citizen was told everything already
    return _LETTERS.get((before, after))


def resend_requested(before: BookingItem | None, after: BookingItem | None) -> str | None:
    """The occasion of a confirmation the office asked to send again (see office.resend),
    e.g. "resend2": its own marker, so it goes out once however often the record comes."""
    if before is None or after is None or after.status != BookingItem.CONFIRMED:
        return None
    if int(after.resent or 0) > int(before.resent or 0):
        return f"resend{int(after.resent or 0)}"
    return None


def moved(before: BookingItem | None, after: BookingItem | None) -> str | None:
    """The occasion of "Ihr Termin wurde verlegt" when the citizen moved a confirmed booking,
    e.g. "move2": its own marker per move, so each move is told once, however often the
    record comes."""
    if before is None or after is None or after.status != BookingItem.CONFIRMED:
        return None
    if int(after.reschedules or 0) > int(before.reschedules or 0):
        return f"move{int(after.reschedules or 0)}"
    return None


def deliver(
    kind: Kind, booking: BookingItem, sending: Sending, occasion: str | None = None
) -> Outcome:
    """Send `kind` about `booking` unless it went out already. Raises MailNotSent.

    An e-mail that cannot go out (it cannot be written, or SES refused it MAX_ATTEMPTS
    times, e.g. for its address) is given up on: the booking says so for staff, and the
    outcome UNDELIVERABLE lets the stream move on instead of holding back everyone else's.
    Failures of SES itself (throttling, an outage) hold every e-mail alike and are retried.
    """
    reference = booking.reference
    # The markers count per occasion: a confirmation sent again is another e-mail.
    marked_as = f"{kind}#{occasion}" if occasion else str(kind)
    log = {"reference": reference, "kind": marked_as}
    if (no_address := _no_address_to_write_to(booking, log)) is not None:
        return no_address
    try:
        appointment = Appointment.of(booking, sending.site)
        if sending.now >= appointment.end:
            logger.info("e-mail not needed, the appointment is over", extra=log)
            return Outcome.NOT_NEEDED
        raw, to = _message(kind, appointment, sending)
    except Exception as error:
        # What cannot be written now cannot be written on a retry either.
        _log_error("e-mail could not be written", error, log)
        return _give_up(kind, marked_as, booking, type(error).__name__)
    try:
        marker = _claim_within_cap(kind, marked_as, booking, sending)
        if isinstance(marker, Outcome):
            return marker
        try:
            message_id = sending.postbox.send(raw, to=to, kind=str(kind), reference=reference)
        except BaseException:
            mail_markers.release(marker)
            _give_back_to_cap(booking, sending)  # what did not go out does not count
            raise
    except MailNotSent:
        raise
    except SendFailed as failed:
        # Logged by reference: SES's own message would name the address.
        logger.warning("SES did not send the e-mail", extra={**log, "error_code": failed.code})
        if (
            failed.about_this_message
            and mail_markers.count_failure(reference, marked_as, booking.expires_at) >= MAX_ATTEMPTS
        ):
            return _give_up(kind, marked_as, booking, failed.code)
        raise MailNotSent(reference, kind, failed.code) from None
    except Exception as error:
        _log_error("e-mail failed", error, log)
        raise MailNotSent(reference, kind, type(error).__name__) from None
    _mark_sent(marker, message_id, sending.now)
    logger.info("e-mail sent", extra={**log, "message_id": message_id})
    return Outcome.SENT


def _no_address_to_write_to(booking: BookingItem, log: dict[str, str]) -> Outcome | None:
    """Why this booking gets no e-mail at all, if it gets none."""
    if not booking.email:
        logger.info("no e-mail address: booked by phone without one", extra=log)
        return Outcome.NOT_NEEDED
    if booking.email_status:
        # SES reported the address bounced, complained or rejected (mail.returns).
        logger.info(
            "e-mail not sent: the address came back before",
            extra={**log, "email_status": booking.email_status},
        )
        return Outcome.ADDRESS_RETURNED
    return None


def _message(kind: Kind, appointment: Appointment, sending: Sending) -> tuple[bytes, str]:
    """The raw message and the address SES delivers it to."""
    letter = compose(
        kind,
        appointment,
        site=sending.site,
        settings=sending.settings,
        token=cancel_token(appointment.reference, sending.keys.current),
        now=sending.now,
    )
    raw = mime_message(
        letter,
        sender=sending.settings.sender,
        sender_name=sending.site.jobcenter.name,
        reply_to=sending.site.jobcenter.email,
        now=sending.now,
    )
    return raw, ascii_address(letter.to)


def _claim_within_cap(
    kind: Kind, marked_as: str, booking: BookingItem, sending: Sending
) -> SentMailItem | Outcome:
    """The claimed marker, counted against its mailbox's cap of the day (site
    configuration). Once the cap is reached the e-mail is given up on: staff see it on the
    booking, and the alarm tells ops (book-and-cancel loops, issue 13)."""
    from terminbuchung.table import mail_quota

    marker = _claim(booking.reference, marked_as, booking, sending)
    if isinstance(marker, Outcome):
        return marker
    cap = sending.site.mail.max_per_address_per_day
    if not mail_quota.take(_mailbox_hash(booking, sending), _today(sending), cap):
        return _give_up(kind, marked_as, booking, "daily_cap")
    return marker


def _give_back_to_cap(booking: BookingItem, sending: Sending) -> None:
    from terminbuchung.table import mail_quota

    mail_quota.give_back(_mailbox_hash(booking, sending), _today(sending))


def _mailbox_hash(booking: BookingItem, sending: Sending) -> str:
    from terminbuchung.people import mailbox
    from terminbuchung.references import person_hash

    return person_hash("email", mailbox(booking.email or ""), sending.keys.current)


def _today(sending: Sending) -> date:
    return in_berlin(sending.now).date()


def _log_error(message: str, error: Exception, log: dict[str, str]) -> None:
    # Exception messages may quote data (an address, a name): the type and the place are
    # logged, the message is not.
    logger.error(message, extra={**log, "error_type": type(error).__name__, "where": _where(error)})


def _give_up(kind: Kind, marked_as: str, booking: BookingItem, code: str) -> Outcome:
    """Stop trying: the marker keeps replays from trying again, the booking tells staff."""
    mail_markers.mark_undeliverable(booking.reference, marked_as, code, booking.expires_at)
    bookings.flag_undelivered(booking, str(kind))
    logger.warning(
        "e-mail undeliverable, given up",
        extra={"reference": booking.reference, "kind": marked_as, "error_code": code},
    )
    return Outcome.UNDELIVERABLE


def _claim(
    reference: str, kind: str, booking: BookingItem, sending: Sending
) -> SentMailItem | Outcome:
    """The marker, now ours to send with; or the outcome of an earlier invocation."""
    claimed = mail_markers.claim(
        reference,
        kind,
        lease_until=sending.lease_until,
        now=sending.now,
        expires_at=booking.expires_at,
    )
    if isinstance(claimed, SentMailItem):
        return claimed
    if claimed == mail_markers.SENT:
        logger.info("e-mail sent before, not again", extra={"reference": reference, "kind": kind})
        return Outcome.ALREADY_SENT
    if claimed == mail_markers.UNDELIVERABLE:
        return Outcome.GIVEN_UP_BEFORE
    logger.info("e-mail is being sent right now", extra={"reference": reference, "kind": kind})
    raise MailNotSent(reference, kind, "being_sent_by_another_invocation")


def _mark_sent(marker: SentMailItem, message_id: str, now: datetime) -> None:
    if not mail_markers.mark_sent(marker, message_id, now):
        # The e-mail is out; an unmarked send only risks a second copy on a replay.
        logger.warning("e-mail sent but not marked", extra={"marker": marker.pk, "kind": marker.sk})


def undelivered(location_id: str, first: date, last: date) -> list[BookingItem]:
    """Bookings from `first` to `last` whose citizen did not get an e-mail: staff call them."""
    return [
        booking
        for day in range((last - first).days + 1)
        for booking in bookings.with_undelivered_mail(location_id, first + timedelta(days=day))
    ]


def _where(error: BaseException) -> list[str]:
    frames = traceback.extract_tb(error.__traceback__)[-5:]
    return [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in frames]
