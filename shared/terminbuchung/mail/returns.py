"""What SES reports back about an e-mail after it left: a bounce, a complaint, a rejection.

The configuration set publishes these events to EventBridge (template.yaml,
MailReturnsToEventBridge); MailBouncesFunction hands each one here. The booking is found by
the `reference` tag every e-mail about it carries (mail.postbox), never by the address:
the events name the recipient, and that address must not reach a log or a metric.

A permanent bounce, a complaint or a rejection marks the booking's `email_status`. From
then on no e-mail goes to that address for that booking (mail.delivery), staff see the mark
on the day list and call the citizen. Transient bounces (a full mailbox, a server down for
a while) are left to SES, which retries them itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aws_lambda_powertools import Logger

from terminbuchung.table import email_status

logger = Logger(child=True)


class EmailStatus(StrEnum):
    BOUNCED = "bounced"  # the mail server refused the address for good
    COMPLAINED = "complained"  # the citizen marked the e-mail as spam
    REJECTED = "rejected"  # SES did not send it (a virus found in it)


@dataclass(frozen=True)
class MailReturn:
    """One SES event about an e-mail of a booking. Holds no address."""

    reference: str
    status: EmailStatus
    kind: str | None  # which e-mail (confirmation, reminder, ...)
    why: str  # SES's classification, e.g. "Permanent/NoEmail"; never the diagnostic text


def _tag(tags: Mapping[str, Any], name: str) -> str | None:
    values = tags.get(name)
    if isinstance(values, list) and values and isinstance(values[0], str):
        return values[0]
    return None


def read_ses_event(event: Mapping[str, Any]) -> MailReturn | None:
    """The return an SES event reports, or None when there is nothing to mark: a transient
    bounce, another event type, or an e-mail about no booking (a notice to a person)."""
    mail = event.get("mail") or {}
    tags = mail.get("tags") or {}
    reference = _tag(tags, "reference")
    if not reference:
        return None
    kind = _tag(tags, "kind")
    event_type = event.get("eventType") or event.get("notificationType")
    if event_type == "Bounce":
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return None
        why = f"Permanent/{bounce.get('bounceSubType', 'General')}"
        return MailReturn(reference, EmailStatus.BOUNCED, kind, why)
    if event_type == "Complaint":
        complaint = event.get("complaint") or {}
        why = str(complaint.get("complaintFeedbackType") or "complaint")
        return MailReturn(reference, EmailStatus.COMPLAINED, kind, why)
    if event_type == "Reject":
        return MailReturn(reference, EmailStatus.REJECTED, kind, "rejected")
    return None


def record(returned: MailReturn) -> bool:
    """Marks the booking; False if nothing changed: it was marked so already (EventBridge
    delivers at least once, a repeat is harmless) or it is gone (TTL)."""
    marked = email_status.mark(returned.reference, str(returned.status))
    logger.info(
        "e-mail came back" if marked else "e-mail came back, booking marked before or gone",
        extra={
            "reference": returned.reference,
            "kind": returned.kind,
            "email_status": str(returned.status),
            "why": returned.why,
        },
    )
    return marked
