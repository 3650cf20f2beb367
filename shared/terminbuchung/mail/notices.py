"""Send a notice (table NoticeItem): one e-mail per address, listing the appointments it
holds, to the address the bookings were made with, never to one a stranger typed.

Sent once, like every e-mail (the markers of `delivery`, keyed by the first booking listed
and the notice's quiet period). A notice whose bookings are all gone, called off or over sends
nothing: the answer its request got was the same either way.
"""

from datetime import timedelta

from aws_lambda_powertools import Logger

from terminbuchung.addresses import ascii_address
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.delivery import MailNotSent, Outcome, Sending
from terminbuchung.mail.letters import Kind, Listed, compose_notice
from terminbuchung.mail.mime import mime_message
from terminbuchung.mail.postbox import SendFailed
from terminbuchung.notices import QUIET_PERIOD
from terminbuchung.references import cancel_token
from terminbuchung.table import bookings, mail_markers
from terminbuchung.table.items import BookingItem, NoticeItem, SentMailItem

logger = Logger(child=True)

# Markers of a notice outlive its replays by far, and no personal data is in them.
_MARKER_DAYS = 2


def deliver_notice(notice: NoticeItem, sending: Sending) -> list[Outcome]:
    """One e-mail per address among the notice's bookings. Raises MailNotSent (retried)."""
    by_address: dict[str, list[BookingItem]] = {}
    for reference in notice.references:
        booking = bookings.load(str(reference))
        if booking is None or not booking.email:
            continue
        if booking.status not in (BookingItem.PENDING, BookingItem.CONFIRMED):
            continue
        if booking.ends_at <= sending.now:
            continue
        by_address.setdefault(booking.email.casefold(), []).append(booking)
    if not by_address:
        logger.info("notice: nothing to tell", extra={"kind": notice.sk})
        return [Outcome.NOT_NEEDED]
    return [_send(Kind(notice.sk), notice, held, sending) for held in by_address.values()]


def _send(kind: Kind, notice: NoticeItem, held: list[BookingItem], sending: Sending) -> Outcome:
    first = held[0].reference
    # Once per booking, kind and quiet period: a person counted by address and by
    # household at the same time gets one e-mail, not two saying the same.
    window = int(notice.created_at.timestamp()) // int(QUIET_PERIOD.total_seconds())
    marked_as = f"{kind}#{window}"
    log = {"reference": first, "kind": marked_as}
    listed = [_listed(booking, sending) for booking in held]
    letter = compose_notice(kind, listed, site=sending.site, settings=sending.settings)
    raw = mime_message(
        letter,
        sender=sending.settings.sender,
        sender_name=sending.site.jobcenter.name,
        reply_to=sending.site.jobcenter.email,
        now=sending.now,
    )
    claimed = mail_markers.claim(
        first,
        marked_as,
        lease_until=sending.lease_until,
        now=sending.now,
        expires_at=sending.now + timedelta(days=_MARKER_DAYS),
    )
    if not isinstance(claimed, SentMailItem):
        if claimed in (mail_markers.SENT, mail_markers.UNDELIVERABLE):
            return Outcome.ALREADY_SENT
        raise MailNotSent(first, kind, "being_sent_by_another_invocation")
    try:
        message_id = sending.postbox.send(
            raw, to=ascii_address(letter.to), kind=str(kind), reference=first
        )
    except SendFailed as failed:
        mail_markers.release(claimed)
        logger.warning("SES did not send the notice", extra={**log, "error_code": failed.code})
        raise MailNotSent(first, kind, failed.code) from None
    except BaseException:
        mail_markers.release(claimed)
        raise
    mail_markers.mark_sent(claimed, message_id, sending.now)
    logger.info("notice sent", extra={**log, "message_id": message_id, "bookings": len(held)})
    return Outcome.SENT


def _listed(booking: BookingItem, sending: Sending) -> Listed:
    token = cancel_token(booking.reference, sending.keys.current)
    pending = booking.status == BookingItem.PENDING
    link = (
        sending.settings.confirm_link(booking.reference, token)
        if pending
        else sending.settings.manage_link(booking.reference, token)
    )
    return Listed(Appointment.of(booking, sending.site), link, pending)
