"""The e-mail cap: at most `max_per_address_per_day` e-mails to one mailbox a day.

Why: booking and cancelling in a loop would make the e-mail function write to any address
with any name, and every complaint costs the SES reputation all confirmations depend on.
"""

from datetime import timedelta

import pytest

from terminbuchung.config import SiteConfig
from terminbuchung.mail.delivery import MailNotSent, Outcome, Sending, deliver
from terminbuchung.mail.letters import Kind
from terminbuchung.mail.postbox import SesPostbox
from terminbuchung.mail.settings import mail_settings
from terminbuchung.references import token_keys
from terminbuchung.table import bookings
from terminbuchung.table.items import BookingItem
from tests.api_client import ApiClient, staff_claims
from tests.unit.mail.conftest import Mailroom

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
TUESDAY_11 = "2026-12-01T11:00:00+01:00"


def booked_for_caller(api: ApiClient, email: str, start: str = TUESDAY_10) -> BookingItem:
    answer = api.post(
        "/staff/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": start,
            "name": "Erika Mustermann",
            "email": email,
        },
        claims=staff_claims("staff-oranienburg", "oranienburg"),
    )
    assert answer.status == 201, answer.body
    item = bookings.load(answer.body["reference"])
    assert item is not None
    return item


def sending(site: SiteConfig, days_later: int = 0) -> Sending:
    from terminbuchung import clock

    now = clock.now() + timedelta(days=days_later)
    return Sending(
        site=site,
        settings=mail_settings(),
        postbox=SesPostbox(mail_settings()),
        keys=token_keys(),
        now=now,
        lease_until=now + timedelta(seconds=30),
    )


def test_the_sixth_e_mail_of_the_day_to_one_mailbox_is_not_sent(
    api: ApiClient, mailroom: Mailroom, site: SiteConfig
) -> None:
    assert site.mail.max_per_address_per_day == 5
    erika = booked_for_caller(api, "Erika+termin@example.de")

    outcomes = [
        deliver(Kind.CONFIRMATION, erika, sending(site), occasion=f"resend{n}") for n in range(7)
    ]

    assert outcomes == [Outcome.SENT] * 5 + [Outcome.UNDELIVERABLE] * 2
    assert len(mailroom.outbox()) == 5
    # Staff see that the citizen got no e-mail, and the same e-mail is not tried again.
    flagged = bookings.load(erika.reference)
    assert flagged is not None
    assert flagged.undelivered_mail
    again = deliver(Kind.CONFIRMATION, erika, sending(site), occasion="resend6")
    assert again == Outcome.GIVEN_UP_BEFORE


def test_other_mailboxes_and_the_next_day_are_not_held_back(
    api: ApiClient, mailroom: Mailroom, site: SiteConfig
) -> None:
    erika = booked_for_caller(api, "erika@example.de")
    max_ = booked_for_caller(api, "max@example.de", TUESDAY_11)
    for n in range(5):
        assert deliver(Kind.CONFIRMATION, erika, sending(site), occasion=f"r{n}") == Outcome.SENT
    assert deliver(Kind.CONFIRMATION, erika, sending(site), occasion="r5") != Outcome.SENT

    assert deliver(Kind.CONFIRMATION, max_, sending(site), occasion="r0") == Outcome.SENT
    tomorrow = deliver(Kind.CONFIRMATION, erika, sending(site, days_later=1), occasion="next")
    assert tomorrow == Outcome.SENT


def test_the_counter_holds_no_address(api: ApiClient, mailroom: Mailroom, site: SiteConfig) -> None:
    import boto3

    erika = booked_for_caller(api, "erika@example.de")
    deliver(Kind.CONFIRMATION, erika, sending(site), occasion="r0")

    table = BookingItem.Meta.table_name
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    (counter,) = [i for i in items if i["pk"]["S"].startswith("MAILTO#")]
    assert "erika" not in str(counter)
    assert counter["sk"]["S"] == "2026-11-30"
    assert counter["sent"]["N"] == "1"
    assert "expires_at" in counter


def test_attempts_ses_refused_do_not_count(
    api: ApiClient, mailroom: Mailroom, site: SiteConfig
) -> None:
    erika = booked_for_caller(api, "erika@example.de")
    mailroom.refuse("erika@example.de")  # throttled: an outage, retried later
    for _ in range(site.mail.max_per_address_per_day + 2):
        with pytest.raises(MailNotSent):
            deliver(Kind.CONFIRMATION, erika, sending(site), occasion="outage")
    mailroom.accept_all()

    assert deliver(Kind.CONFIRMATION, erika, sending(site), occasion="outage") == Outcome.SENT
