"""E-mail tests: the table's stream, the e-mail function and SES, all on moto.

The stream records are moto's own, read through the local stack's reader and shaped the
way Lambda hands them over; the handler is the one in functions/send_email.
"""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from infra.local.dev_outbox import prepare_ses, sent_messages
from infra.local.lambda_runtime import LocalFunction
from infra.local.stream_poller import StreamReader
from infra.template import ROOT
from terminbuchung.config import site_config
from terminbuchung.mail import postbox, settings
from terminbuchung.table import BookingItem
from tests.api_client import ApiClient

SENDER = "termine@oberhavel.de"
CONFIGURATION_SET = "terminbuchung-test"
PAGE = "https://www.oberhavel.de/Arbeitsuchende/Terminbuchung"


@pytest.fixture
def mail_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MAIL_SENDER", SENDER)
    monkeypatch.setenv("MAIL_CONFIGURATION_SET", CONFIGURATION_SET)
    monkeypatch.setenv("BOOKING_PAGE_URL", PAGE)
    settings.mail_settings.cache_clear()
    postbox.forget_ses_client()
    yield
    settings.mail_settings.cache_clear()
    postbox.forget_ses_client()
    site_config.cache_clear()


class Mailroom:
    """The e-mail side of the system, driven step by step by a test."""

    def __init__(self) -> None:
        self.reader = StreamReader(BookingItem.Meta.table_name, None, "eu-central-1")
        (self.shard,) = self.reader.shards()
        self.send_email = LocalFunction("SendEmailFunction", ROOT / "functions/send_email")
        self.send_reminders = LocalFunction(
            "SendRemindersFunction", ROOT / "functions/send_reminders"
        )
        self.ses_calls: list[dict[str, Any]] = []
        self._refuse: dict[str, tuple[str, str]] = {}
        postbox.ses_client().meta.events.register(
            "provide-client-params.ses.SendRawEmail", self._ses_hook
        )

    def _ses_hook(self, params: dict[str, Any], **_: Any) -> None:
        self.ses_calls.append(params)
        for address in params.get("Destinations", []):
            if address in self._refuse:
                code, message = self._refuse[address]
                raise ClientError({"Error": {"Code": code, "Message": message}}, "SendRawEmail")

    def refuse(self, address: str, code: str = "Throttling", message: str | None = None) -> None:
        """From now on SES fails for this recipient, as AWS would answer."""
        self._refuse[address] = (code, message or "Maximum sending rate exceeded.")

    def accept_all(self) -> None:
        self._refuse.clear()

    def new_records(self) -> list[dict[str, Any]]:
        """The stream records since the last call, Lambda-shaped, and moves past them."""
        records = self.reader.read(self.shard, limit=1000)
        if records:
            self.reader.advance(self.shard, records[-1]["dynamodb"]["SequenceNumber"])
        return records

    def booking_records(self) -> list[dict[str, Any]]:
        """New stream records of booking items (what the template's filter lets through)."""
        return [
            r
            for r in self.new_records()
            if r["dynamodb"]["Keys"]["pk"]["S"].startswith("BOOKING#")
            and r["eventName"] in ("INSERT", "MODIFY")
        ]

    def deliver(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = self.send_email.invoke({"Records": records})
        return result

    def deliver_new(self) -> dict[str, Any]:
        return self.deliver(self.booking_records())

    def remind(self) -> Any:
        return self.send_reminders.invoke({"source": "terminbuchung.reminder-schedule"})

    @staticmethod
    def outbox() -> list[dict[str, Any]]:
        return sent_messages()


@pytest.fixture
def mailroom(api: ApiClient, mail_env: None) -> Mailroom:
    """The HTTP API and the e-mail function at Monday morning, SES ready to send."""
    prepare_ses(SENDER, CONFIGURATION_SET)
    return Mailroom()


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """Every line the functions log, formatted exactly as Lambda would print it."""
    lines: list[str] = []
    # Powertools' handler must come first: its Logger treats handlers[0] as its own.
    Logger()
    service = logging.getLogger("terminbuchung")

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            # Powertools' JSON formatter, which a function sets up at its cold start.
            powertools = next(h for h in service.handlers if h is not self)
            lines.append(powertools.format(record))

    capture = Capture()
    service.addHandler(capture)
    try:
        yield lambda: list(lines)
    finally:
        service.removeHandler(capture)


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)
