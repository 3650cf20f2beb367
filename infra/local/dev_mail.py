"""The e-mail side of the local stack: the table's stream drives the e-mail function, SES
is moto's, and what it sent can be read at /_dev/outbox.

    GET  /_dev/outbox        the sent e-mails as JSON, newest last
    GET  /_dev/outbox.html   the same for a person
    POST /_dev/reminders     what the hourly schedule does: invoke the reminder function
"""

import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

from infra.local.dev_outbox import outbox_page, prepare_ses, sent_messages
from infra.local.http_events import Answer, DevRoute, json_answer
from infra.local.lambda_runtime import LocalFunction
from infra.local.stream_poller import StreamPoller, StreamReader, stream_sources
from infra.template import Template

REMINDERS = "SendRemindersFunction"
_HTML = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]


class DevMail:
    def __init__(
        self,
        template: Template,
        functions: Mapping[str, LocalFunction],
        table_name: str,
        dynamodb_endpoint: str | None,
        gate: AbstractContextManager[Any],
    ) -> None:
        """`functions`: the stack's own, so each function has one pool of environments."""
        self.gate = gate
        region = os.environ.get("AWS_REGION", "eu-central-1")
        self.pollers = [
            StreamPoller(
                source,
                functions[source.function],
                StreamReader(table_name, dynamodb_endpoint, region),
                gate,
            )
            for source in stream_sources(template)
        ]
        self.reminders = functions[REMINDERS]

    def start(self) -> None:
        with self.gate:
            prepare_ses(os.environ["MAIL_SENDER"], os.environ.get("MAIL_CONFIGURATION_SET"))
        for poller in self.pollers:
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.stop()

    def routes(self) -> dict[tuple[str, str], DevRoute]:
        return {
            ("GET", "/_dev/outbox"): self._outbox_json,
            ("GET", "/_dev/outbox.html"): self._outbox_html,
            ("POST", "/_dev/reminders"): self._remind,
        }

    def _outbox_json(self, _: bytes) -> Answer:
        with self.gate:
            messages = sent_messages()
        return json_answer(200, messages)

    def _outbox_html(self, _: bytes) -> Answer:
        with self.gate:
            messages = sent_messages()
        return 200, _HTML, outbox_page(messages).encode()

    def _remind(self, _: bytes) -> Answer:
        with self.gate:
            try:
                result = self.reminders.invoke({"source": "terminbuchung.reminder-schedule"})
            except Exception as error:
                # The function's own log says which references failed.
                return json_answer(500, {"error": type(error).__name__})
        return json_answer(200, result)
