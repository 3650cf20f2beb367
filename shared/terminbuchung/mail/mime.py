"""A letter as the raw MIME message SES sends.

multipart/mixed
├── multipart/alternative
│   ├── text/plain
│   └── text/html
└── text/calendar (termin.ics), where the calendar should change
"""

import base64
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, make_msgid

from terminbuchung.addresses import ascii_address
from terminbuchung.mail.letters import Letter

# An encoded-word is at most 75 characters (RFC 2047): "=?utf-8?b?" + 60 + "?=" is 72,
# and 60 characters of base64 carry 45 bytes of UTF-8.
_WORD_BYTES = 45


def _encoded_words(text: str) -> list[str]:
    """`text` as RFC 2047 encoded-words, each holding whole characters."""
    chunks = [""]
    for char in text:
        if len((chunks[-1] + char).encode()) > _WORD_BYTES:
            chunks.append("")
        chunks[-1] += char
    return [f"=?utf-8?b?{base64.b64encode(chunk.encode()).decode()}?=" for chunk in chunks]


@dataclass(frozen=True)
class _MailboxHeader:
    """An address header written exactly as built here, never re-folded by `email`.

    The display name is always sent as encoded-words, whatever it holds: `email`'s own
    folding drops the quotes around long names with a comma or colon (one name becomes
    two addresses, which SES refuses), and a name that itself looks like an encoded-word
    (`=?UTF-8?B?...?=`) would be decoded by the recipient's program into other addresses.
    Inside base64 a name is text and nothing else. `email`'s policies call `fold` on any
    header value that has a `name` (email.policy.EmailPolicy.fold).
    """

    name: str
    display_name: str
    address: str

    def fold(self, *, policy: Policy) -> str:
        words = [*_encoded_words(self.display_name), f"<{self.address}>"]
        return f"{self.name}: " + f"{policy.linesep} ".join(words) + policy.linesep

    def __str__(self) -> str:
        return f"{self.display_name} <{self.address}>"


def mime_message(
    letter: Letter,
    *,
    sender: str,
    sender_name: str,
    reply_to: str,
    now: datetime,
) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    sender_domain = sender.partition("@")[2]
    message["From"] = _MailboxHeader("From", sender_name, sender)
    message["To"] = _MailboxHeader("To", letter.to_name, ascii_address(letter.to))
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
    # The language the citizen booked in (BCP 47, e.g. de-x-ls); the office's line is German.
    # Set last: making the message multipart moves every Content-* header into its parts.
    message["Content-Language"] = letter.language
    return message.as_bytes()
