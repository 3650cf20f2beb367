"""What SES sent, for a developer: the local stack's e-mails, read back from moto.

`GET /_dev/outbox` answers JSON, newest last:
    [{"to", "subject", "text", "html", "attachments": [{"filename", "content_type", "content"}]}]
`GET /_dev/outbox.html` shows the same for a person, newest first.
Text attachments (the .ics) come as text, others base64.
"""

import base64
import html
import os
from email import message_from_string, policy
from email.message import MIMEPart
from typing import Any


def _ses_backend() -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    region = os.environ.get("AWS_REGION", "eu-central-1")
    return ses_backends[DEFAULT_ACCOUNT_ID][region]


def prepare_ses(sender: str, configuration_set: str | None) -> None:
    """Verify the sender identity and create the configuration set in moto, as ops do in AWS."""
    import boto3

    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress=sender)
    if configuration_set:
        existing = ses.list_configuration_sets().get("ConfigurationSets", [])
        if configuration_set not in [c["Name"] for c in existing]:
            ses.create_configuration_set(ConfigurationSet={"Name": configuration_set})


def _text(part: MIMEPart | None) -> str | None:
    if part is None:
        return None
    content: str = part.get_content()
    return content.replace("\r\n", "\n")  # the wire's line ends, as a reader expects them


def parse_message(raw: str) -> dict[str, Any]:
    message = message_from_string(raw, policy=policy.default)
    attachments = []
    for part in message.iter_attachments():
        content = part.get_content()
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "content": content.replace("\r\n", "\n")
                if isinstance(content, str)
                else base64.b64encode(content).decode(),
            }
        )
    return {
        "to": str(message["To"]).strip(),
        # A long subject is folded right after "Subject:"; unfolding leaves a space.
        "subject": str(message["Subject"]).strip(),
        "text": _text(message.get_body(preferencelist=("plain",))),
        "html": _text(message.get_body(preferencelist=("html",))),
        "attachments": attachments,
    }


def sent_messages() -> list[dict[str, Any]]:
    """Every message SES took, the oldest first."""
    return [
        parse_message(sent.raw_data)
        for sent in _ses_backend().sent_messages
        if hasattr(sent, "raw_data")
    ]


def outbox_page(messages: list[dict[str, Any]]) -> str:
    parts = [
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>",
        "<title>Postausgang (lokal)</title><style>",
        "body{font-family:sans-serif;margin:2em;max-width:60em}",
        "article{border:1px solid #ccc;border-radius:4px;padding:1em;margin:1em 0}",
        "iframe{width:100%;height:32em;border:1px solid #eee}",
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}</style></head><body>",
        f"<h1>Postausgang (lokal): {len(messages)} E-Mail(s)</h1>",
        "<p>Was SES versandt hätte, die neueste zuerst. Als JSON: "
        "<a href='/_dev/outbox'>/_dev/outbox</a></p>",
    ]
    for message in reversed(messages):
        parts += [
            "<article>",
            f"<h2>{html.escape(message['subject'])}</h2>",
            f"<p>An: {html.escape(message['to'])}</p>",
        ]
        if message["html"]:
            parts.append(f"<iframe sandbox srcdoc='{html.escape(message['html'])}'></iframe>")
        parts.append(
            f"<details><summary>Text</summary><pre>{html.escape(message['text'] or '')}</pre>"
            "</details>"
        )
        for attachment in message["attachments"]:
            parts.append(
                f"<details><summary>Anhang {html.escape(attachment['filename'] or '')} "
                f"({html.escape(attachment['content_type'])})</summary>"
                f"<pre>{html.escape(attachment['content'])}</pre></details>"
            )
        parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts)
