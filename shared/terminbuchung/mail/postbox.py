"""Amazon SES: hands a raw MIME message over for delivery to one citizen.

Errors come back as `SendFailed` with SES's error code only: SES's messages can quote the
recipient's address, and nothing personal may reach a log.
"""

from functools import cache
from typing import Any, Protocol

from terminbuchung.mail.settings import MailSettings

# Failures of SES or of the account, not of one message: every e-mail fails alike until
# they pass, so each is retried in order however long it takes (then the dead-letter alarm).
_NOT_THE_MESSAGE = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ServiceUnavailable",
        "InternalFailure",
        "RequestTimeout",
        "AccountSendingPausedException",
        "ConfigurationSetSendingPausedException",
        "ConfigurationSetDoesNotExist",
        "MailFromDomainNotVerifiedException",
    }
)


class SendFailed(Exception):
    """SES did not take the message; `code` says why (Throttling, MessageRejected, ...)."""

    def __init__(self, code: str, *, connection: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.connection = connection

    @property
    def about_this_message(self) -> bool:
        """True where SES refused this message (its address, its content), not every one."""
        return not self.connection and self.code not in _NOT_THE_MESSAGE


class Postbox(Protocol):
    def send(self, raw: bytes, *, to: str, kind: str, reference: str | None = None) -> str:
        """Send; returns the message id. Raises SendFailed. `reference`: the booking the
        e-mail is about, so SES's bounce and complaint events name it (mail.returns)."""
        ...


@cache
def _ses_client() -> Any:
    # Loaded on first use: the booking functions never pay for it (docs/ARCHITECTURE.md).
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3},  # throttles get backoff first
        connect_timeout=3,
        read_timeout=5,
    )
    return boto3.client("ses", config=config)


class SesPostbox:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    def send(self, raw: bytes, *, to: str, kind: str, reference: str | None = None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        request: dict[str, Any] = {
            "Source": self.settings.sender,
            "Destinations": [to],
            "RawMessage": {"Data": raw},
            # Lets the configuration set's event destinations count messages per kind.
            "Tags": [{"Name": "kind", "Value": kind}],
        }
        if reference:
            # SES repeats the tags in its bounce and complaint events: the booking is found
            # by its reference, never by the address (terminbuchung.mail.returns).
            request["Tags"].append({"Name": "reference", "Value": reference})
        if self.settings.configuration_set:
            request["ConfigurationSetName"] = self.settings.configuration_set
        try:
            answer = _ses_client().send_raw_email(**request)
        except ClientError as error:
            raise SendFailed(str(error.response.get("Error", {}).get("Code", "Unknown"))) from None
        except BotoCoreError as error:
            raise SendFailed(type(error).__name__, connection=True) from None
        return str(answer["MessageId"])


def ses_client() -> Any:
    """The client SesPostbox sends with (tests hook into its events)."""
    return _ses_client()


def forget_ses_client() -> None:
    _ses_client.cache_clear()
