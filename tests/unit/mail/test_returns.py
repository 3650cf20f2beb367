"""Bounces, complaints and rejects coming back from SES (issue 18, item 2), on moto.

The event is shaped as SES publishes it to EventBridge through the configuration set (an
"Email Bounced" event on the default bus, the SES event in `detail`, the message tags in
`detail.mail.tags`); the template's rule pattern must let it through, MailBouncesFunction
marks the booking, staff see it, and no further e-mail about that booking goes to SES.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from infra.local.event_filter import passes
from infra.local.lambda_runtime import LocalFunction
from infra.template import ROOT, Template
from terminbuchung import office
from terminbuchung.config import SiteConfig
from terminbuchung.mail.returns import EmailStatus, read_ses_event
from terminbuchung.staff_members import StaffMember
from terminbuchung.table import BookingItem
from tests.api_client import ApiClient
from tests.unit.mail.conftest import CONFIGURATION_SET, SENDER, Mailroom
from tests.unit.mail.test_send_email import ERIKA, book, cancel

MESSAGE_ID = "0102019a1b2c3d4e-5f6a7b8c-1234-4d5e-9f00-a1b2c3d4e5f6-000000"


def ses_event(reference: str | None, event_type: str = "Bounce", **detail: Any) -> dict[str, Any]:
    """An SES event as EventBridge delivers it (AWS's documented shape, our tags)."""
    tags = {
        "ses:configuration-set": [CONFIGURATION_SET],
        "ses:source-ip": ["192.0.2.10"],
        "ses:from-domain": ["oberhavel.de"],
        "ses:caller-identity": ["terminbuchung-test-SendEmailFunctionRole"],
        "ses:outgoing-ip": ["198.51.100.4"],
        "kind": ["confirmation"],
    }
    if reference:
        tags["reference"] = [reference]
    mail = {
        "timestamp": "2026-11-30T07:01:02.000Z",
        "source": f"Jobcenter Oberhavel <{SENDER}>",
        "sourceArn": f"arn:aws:ses:eu-central-1:123456789012:identity/{SENDER}",
        "sendingAccountId": "123456789012",
        "messageId": MESSAGE_ID,
        "destination": [ERIKA],
        "headersTruncated": False,
        "headers": [{"name": "To", "value": ERIKA}, {"name": "Subject", "value": "Ihr Termin"}],
        "commonHeaders": {"from": [SENDER], "to": [ERIKA], "subject": "Ihr Termin"},
        "tags": tags,
    }
    body: dict[str, Any] = {"eventType": event_type, "mail": mail, **detail}
    if event_type == "Bounce" and "bounce" not in detail:
        body["bounce"] = bounce("Permanent", "General")
    titles = {"Bounce": "Email Bounced", "Complaint": "Email Complaint Received"}
    return {
        "version": "0",
        "id": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "detail-type": titles.get(event_type, f"Email {event_type}"),
        "source": "aws.ses",
        "account": "123456789012",
        "time": "2026-11-30T07:01:05Z",
        "region": "eu-central-1",
        "resources": [
            f"arn:aws:ses:eu-central-1:123456789012:configuration-set/{CONFIGURATION_SET}"
        ],
        "detail": body,
    }


def bounce(kind: str, sub_kind: str) -> dict[str, Any]:
    return {
        "feedbackId": "0102019a-feedback-000000",
        "bounceType": kind,
        "bounceSubType": sub_kind,
        "bouncedRecipients": [
            {
                "emailAddress": ERIKA,
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": f"smtp; 550 5.1.1 <{ERIKA}>: Recipient address rejected",
            }
        ],
        "timestamp": "2026-11-30T07:01:04.000Z",
        "reportingMTA": "dns; a1-23.smtp-out.eu-central-1.amazonses.com",
    }


@pytest.fixture
def bounces() -> LocalFunction:
    return LocalFunction("MailBouncesFunction", ROOT / "functions/mail_bounces")


def the_rule_pattern() -> dict[str, Any]:
    """The template's EventBridge pattern for the function, this stack's set filled in."""
    template = Template(parameters={"MailConfigurationSet": CONFIGURATION_SET})
    event = template.document["Resources"]["MailBouncesFunction"]["Properties"]["Events"]
    pattern = json.loads(
        json.dumps(event["Returned"]["Properties"]["Pattern"]).replace(
            json.dumps({"Ref": "MailConfigurationSet"}), json.dumps(CONFIGURATION_SET)
        )
    )
    assert isinstance(pattern, dict)
    return pattern


def test_a_hard_bounce_marks_the_booking_staff_see_it_and_no_further_mail_goes_there(
    api: ApiClient,
    mailroom: Mailroom,
    bounces: LocalFunction,
    site: SiteConfig,
    log_lines: Callable[[], list[str]],
) -> None:
    made = book(api)
    mailroom.deliver_new()
    (sent,) = mailroom.ses_calls
    assert {"Name": "reference", "Value": made["reference"]} in sent["Tags"]
    event = ses_event(made["reference"])
    assert passes([the_rule_pattern()], event)

    assert bounces.invoke(event) == {"marked": True, "email_status": "bounced"}

    booking = BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING")
    assert booking.email_status == EmailStatus.BOUNCED
    admin = StaffMember("a.admin", frozenset({"admin"}))
    day = office.day_list(site, admin, "oranienburg", date(2026, 12, 1))
    (line,) = [a for a in day.appointments if a.reference == made["reference"]]
    assert line.email_status == "bounced"
    # The citizen cancels: the cancellation would go to the address that bounced. It does not.
    cancel(api, made)
    mailroom.deliver_new()
    assert len(mailroom.ses_calls) == 1
    # The event is delivered again (EventBridge: at least once): nothing changes, nothing counts.
    assert bounces.invoke(event) == {"marked": False, "email_status": "bounced"}
    logged = "\n".join(log_lines())
    assert "e-mail came back" in logged
    assert "erika" not in logged.lower()
    # The diagnostic repeats the address; none of it is logged (a bare "550" could be in any id).
    assert "Recipient address rejected" not in logged
    assert "550 5.1.1" not in logged


def test_a_complaint_marks_the_booking_too(
    api: ApiClient, mailroom: Mailroom, bounces: LocalFunction
) -> None:
    made = book(api)
    complaint = {
        "feedbackId": "0102019a-complaint-000000",
        "complainedRecipients": [{"emailAddress": ERIKA}],
        "timestamp": "2026-11-30T09:00:00.000Z",
        "userAgent": "Mozilla/5.0",
        "complaintFeedbackType": "abuse",
    }
    event = ses_event(made["reference"], "Complaint", complaint=complaint)
    assert passes([the_rule_pattern()], event)
    assert bounces.invoke(event) == {"marked": True, "email_status": "complained"}
    assert BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING").email_status == "complained"


@pytest.mark.parametrize(
    "event",
    [
        # A full mailbox: SES retries by itself; the booking is not marked.
        ses_event("K7MQ4X9P", bounce=bounce("Transient", "MailboxFull")),
        # A notice to a person (no booking reference): nothing to mark.
        ses_event(None),
        # Deliveries are not published to the rule; should one arrive, it marks nothing.
        ses_event("K7MQ4X9P", "Delivery", delivery={"recipients": [ERIKA]}),
    ],
    ids=["transient", "no-reference", "delivery"],
)
def test_what_marks_nothing(event: dict[str, Any]) -> None:
    assert read_ses_event(event["detail"]) is None


def test_the_rule_takes_this_stacks_returns_only() -> None:
    pattern = the_rule_pattern()
    other_stack = ses_event("K7MQ4X9P")
    other_stack["detail"]["mail"]["tags"]["ses:configuration-set"] = ["terminbuchung-dev"]
    assert not passes([pattern], other_stack)
    delivery = ses_event("K7MQ4X9P", "Delivery")
    assert not passes([pattern], delivery)
    assert passes([pattern], ses_event("K7MQ4X9P", "Reject", reject={"reason": "Bad content"}))
