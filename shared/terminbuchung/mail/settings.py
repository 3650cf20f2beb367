"""Where the e-mails come from and where their links lead: set per deployment.

The template passes these as environment variables (parameters MailSender,
MailConfigurationSet and BookingPageUrl); they are read once per cold start.
"""

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urlsplit

from terminbuchung.settings import SettingsError, read_settings


class MailSettingsError(Exception):
    """The deployment's e-mail settings are missing or malformed."""


@dataclass(frozen=True)
class MailSettings:
    sender: str  # the verified SES identity the function may send from
    configuration_set: str | None  # SES configuration set (event publishing, suppression)
    booking_page_url: str  # the county's booking page

    def __post_init__(self) -> None:
        local, _, domain = self.sender.partition("@")
        if not local or "." not in domain:
            raise MailSettingsError(f"MAIL_SENDER is not an e-mail address: {self.sender!r}")
        url = urlsplit(self.booking_page_url)
        if url.scheme not in ("https", "http") or not url.netloc:
            raise MailSettingsError(f"BOOKING_PAGE_URL is not a web address: {url.geturl()!r}")

    @property
    def book_again_link(self) -> str:
        return self.booking_page_url.split("#", 1)[0]

    def manage_link(self, reference: str, token: str) -> str:
        """The link to view or cancel a booking.

        Reference and token travel in the fragment: browsers never send it to a server, so
        neither shows up in the web server's or a proxy's access logs.
        """
        return (
            f"{self.book_again_link}#reference={quote(reference, safe='-')}"
            f"&token={quote(token, safe='-_')}"
        )

    def priority_link(self, reference: str, token: str) -> str:
        """The office cancelled the booking: the link to a new appointment with priority
        (terminbuchung.priority), carrying the cancelled booking's reference and token in
        the fragment as the manage link does."""
        return (
            f"{self.book_again_link}#priority={quote(reference, safe='-')}"
            f"&token={quote(token, safe='-_')}"
        )

    def confirm_link(self, reference: str, token: str) -> str:
        """The link that confirms a pending booking: the manage link, asking the page to
        confirm (the same token; the page sends it with POST, never as a link's GET)."""
        return f"{self.manage_link(reference, token)}&confirm=1"


def read_mail_settings() -> MailSettings:
    settings = read_settings()
    try:
        return MailSettings(
            sender=settings.required("mail_sender"),
            configuration_set=settings.mail_configuration_set,
            booking_page_url=settings.required("booking_page_url"),
        )
    except SettingsError as missing:
        raise MailSettingsError(str(missing)) from None


@cache
def mail_settings() -> MailSettings:
    """The deployment's settings, read once per cold start."""
    return read_mail_settings()
