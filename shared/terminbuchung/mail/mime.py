"""A letter as the raw MIME message SES sends.

multipart/mixed
├── multipart/alternative
│   ├── text/plain
│   └── text/html
└── text/calendar (termin.ics), where the calendar should change
"""

from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from terminbuchung.mail.letters import Letter


class AddressNotDeliverable(ValueError):
    """SES speaks no SMTPUTF8: a local part (before the @) must be plain ASCII."""


def ascii_address(address: str) -> str:
    """The address as SES takes it: an umlaut domain in its ASCII form (IDNA)."""
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        # The message names no address: it ends up in logs.
        raise AddressNotDeliverable("the part before the @ has characters SES cannot send to")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def mime_message(
    letter: Letter,
    *,
    sender: str,
    sender_name: str,
    reply_to: str,
    now: datetime,
) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    sender_local, _, sender_domain = sender.partition("@")
    message["From"] = Address(sender_name, sender_local, sender_domain)
    to_local, _, to_domain = ascii_address(letter.to).rpartition("@")
    message["To"] = Address(letter.to_name, to_local, to_domain)
    # Answers reach the Jobcenter's mailbox, not the sending-only address.
    message["Reply-To"] = reply_to
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender_domain)
    # Tells mail servers not to send out-of-office answers back (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps umlauts safe on any mail path and readable in the source.
    message.set_content(letter.text, subtype="plain", cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", cte="quoted-printable")
    for attachment in letter.attachments:
        message.add_attachment(
            attachment.content,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=dict(attachment.params),
            cte="base64",
        )
    return message.as_bytes()
