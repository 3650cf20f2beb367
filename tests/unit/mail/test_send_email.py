"""The e-mail function on the table's stream: content, links, once-only, failures, privacy."""

import email
import html
import re
from datetime import date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from icalendar import Calendar

from infra.local.dev_outbox import _ses_backend
from terminbuchung import clock, closures
from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.table import BookingItem, SentMailItem, SlotItem
from tests.api_client import ApiClient
from tests.unit.mail.conftest import CONFIGURATION_SET, PAGE, SENDER, Mailroom

TUESDAY_10 = "2026-12-01T10:00:00+01:00"
TUESDAY_11 = "2026-12-01T11:00:00+01:00"
ERIKA = "erika.mustermann@example.de"
MAX = "max.muster@example.de"
SUBJECT_DATE = "Dienstag, 1. Dezember 2026, 10:00 Uhr"


def book(api: ApiClient, email: str = ERIKA, start: str = TUESDAY_10, **extra: str) -> Any:
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": start,
        "name": extra.pop("name", "Erika Mustermann"),
        "email": email,
        **extra,
    }
    answer = api.post("/bookings", json_body=body)
    assert answer.status == 201, answer.body
    return answer.body


def cancel(api: ApiClient, made: dict[str, str]) -> None:
    answer = api.post(
        f"/bookings/{made['reference']}/cancel", json_body={"token": made["cancel_token"]}
    )
    assert answer.status == 200


def close_the_office(site: SiteConfig, day: date, start: time, end: time, reason: str) -> None:
    """Ops close part of a day at short notice (infra.ops close): bookings are called off."""
    closures.close(site, "oranienburg", day, reason=reason, now=clock.now(), start=start, end=end)


def calendar_of(mail: dict[str, Any]) -> Calendar:
    (attachment,) = mail["attachments"]
    assert (attachment["filename"], attachment["content_type"]) == ("termin.ics", "text/calendar")
    return Calendar.from_ical(attachment["content"])


def manage_link(text: str) -> tuple[str, str, str]:
    match = re.search(r"(https://\S+)#reference=([A-Z0-9-]+)&token=([A-Za-z0-9_-]+)", text)
    assert match, "no manage link in the e-mail"
    return match.group(1), match.group(2), match.group(3)


def sequence_number(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


# --- what the e-mails say -------------------------------------------------------------


def test_a_booking_is_confirmed_in_german_with_everything_a_citizen_needs(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api, household_number="12345BG0099999")

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    (mail,) = mailroom.outbox()
    assert mail["to"] == f"Erika Mustermann <{ERIKA}>"
    assert mail["subject"] == f"Ihr Termin im Jobcenter Oberhavel am {SUBJECT_DATE}"
    for body in (mail["text"], html.unescape(mail["html"])):
        assert "Guten Tag Erika Mustermann," in body
        assert "Dienstag, 1. Dezember 2026, 10:00 Uhr bis 10:30 Uhr" in body
        assert "Servicecenter Oranienburg" in body
        assert "Adolf-Dechert-Straße 1, 16515 Oranienburg" in body
        assert "Persönliche Beratung" in body
        assert made["reference"] in body
        for thing in (
            "Personalausweis oder Reisepass",
            "Ihre Nummer der Bedarfsgemeinschaft, falls vorhanden",
            "Schreiben des Jobcenters, um die es im Gespräch gehen soll",
        ):
            assert thing in body
        assert "eine Person aus Ihrer Bedarfsgemeinschaft" in " ".join(body.split())
        assert "Ihre Kinder können Sie selbstverständlich mitbringen" in " ".join(body.split())
        assert "03301 601-5500" in body
        assert "Mo 9–15 Uhr, Di 9–16 Uhr, Mi 9–15 Uhr, Do 9–16 Uhr, Fr 9–12 Uhr" in body
        assert "Jobcenter.ALG2@oberhavel.de" in body
        assert f"{PAGE}#reference={made['reference']}&token={made['cancel_token']}" in body
    assert '<html lang="de">' in mail["html"]


def test_the_link_in_the_e_mail_opens_the_booking_in_the_api(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()

    (mail,) = mailroom.outbox()
    page, reference, token = manage_link(mail["text"])

    assert (page, reference) == (PAGE, made["reference"])
    shown = api.get(f"/bookings/{reference}", headers={"X-Booking-Token": token})
    assert shown.status == 200
    assert shown.body["status"] == "confirmed"
    assert api.post(f"/bookings/{reference}/cancel", json_body={"token": token}).status == 200


def test_confirmation_is_text_and_html_with_the_calendar_attached_sent_as_configured(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()

    (call,) = mailroom.ses_calls
    assert call["Source"] == SENDER
    assert call["Destinations"] == [ERIKA]
    assert call["ConfigurationSetName"] == CONFIGURATION_SET
    # The reference: SES's bounce and complaint events name the booking by it (mail.returns).
    assert call["Tags"] == [
        {"Name": "kind", "Value": "confirmation"},
        {"Name": "reference", "Value": made["reference"]},
    ]
    (sent,) = _ses_backend().sent_messages
    message = email.message_from_string(sent.raw_data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/mixed"
    alternative, invite = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_filename() == "termin.ics"
    assert str(message["From"]) == f"Jobcenter Oberhavel <{SENDER}>"
    assert str(message["Reply-To"]) == "Jobcenter.ALG2@oberhavel.de"
    assert str(message["Auto-Submitted"]) == "auto-generated"


def test_the_calendar_invite_requests_the_appointment_at_its_local_time(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()

    (mail,) = mailroom.outbox()
    calendar = calendar_of(mail)
    assert calendar.method == "REQUEST"
    (event,) = calendar.events
    assert event.uid == f"{made['reference']}@terminbuchung.oberhavel.de"
    assert event.sequence == 0
    assert event.status == "CONFIRMED"
    assert event.start == datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    assert event.end == datetime(2026, 12, 1, 10, 30, tzinfo=BERLIN)
    assert "DTSTART;TZID=Europe/Berlin:20261201T100000" in mail["attachments"][0]["content"]
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    assert event.location == "Servicecenter Oranienburg, Adolf-Dechert-Straße 1, 16515 Oranienburg"


def test_a_citizen_s_cancellation_is_confirmed_and_cancels_the_same_calendar_event(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    mailroom.deliver_new()
    cancel(api, made)

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    confirmation, cancellation = mailroom.outbox()
    assert (
        cancellation["subject"] == f"Abgesagt: Ihr Termin im Jobcenter Oberhavel am {SUBJECT_DATE}"
    )
    assert "Sie haben Ihren Termin im Jobcenter Oberhavel abgesagt" in cancellation["text"]
    assert made["reference"] in cancellation["text"]
    # A new appointment is booked on the page itself; the old token has nothing left to do.
    assert f"{PAGE}\n" in cancellation["text"]
    assert made["cancel_token"] not in cancellation["text"]
    (requested,) = calendar_of(confirmation).events
    calendar = calendar_of(cancellation)
    assert calendar.method == "CANCEL"
    (cancelled,) = calendar.events
    assert cancelled.uid == requested.uid
    assert cancelled.sequence > requested.sequence
    assert cancelled.status == "CANCELLED"
    assert cancelled.start == requested.start


def test_an_office_cancellation_apologises_gives_the_reason_and_a_link_to_book_again(
    api: ApiClient, mailroom: Mailroom, site: SiteConfig
) -> None:
    made = book(api)
    mailroom.deliver_new()
    close_the_office(site, date(2026, 12, 1), time(9, 0), time(12, 0), "Personalversammlung")

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    _, notice = mailroom.outbox()
    assert notice["subject"] == (
        f"Ihr Termin im Jobcenter Oberhavel am {SUBJECT_DATE} muss leider ausfallen"
    )
    for body in (notice["text"], html.unescape(notice["html"])):
        assert "leider müssen wir Ihren Termin im Jobcenter Oberhavel absagen" in body
        assert "Der Grund: Personalversammlung" in body
        assert "Bitte entschuldigen Sie" in body
        assert made["reference"] in body
        assert "03301 601-5500" in body
        # A new appointment with priority (issue 12, item 6): the cancelled booking's
        # reference and token, in the fragment, never the manage link.
        link = f"{PAGE}#priority={made['reference']}&token={made['cancel_token']}"
        assert link in body
        assert "#reference=" not in body
    assert "Neuen Termin mit Vorrang buchen" in notice["html"]
    calendar = calendar_of(notice)
    assert calendar.method == "CANCEL"
    (event,) = calendar.events
    assert event.sequence == 1


def test_only_new_and_cancelled_bookings_make_e_mails(api: ApiClient, mailroom: Mailroom) -> None:
    made = book(api)
    # Slots, guards, the spent proof of work and the e-mail's own markers are in the stream
    # too; the template's filter keeps them away, and the function would ignore them anyway.
    everything = mailroom.new_records()
    assert {r["dynamodb"]["Keys"]["pk"]["S"].split("#")[0] for r in everything} == {
        "LOC",
        "BOOKING",
        "GUARD",
        "CHALLENGE",
    }
    assert mailroom.deliver(everything) == {"batchItemFailures": []}
    markers = [
        r
        for r in mailroom.new_records()
        if r["dynamodb"]["Keys"]["pk"]["S"] == f"SENT#{made['reference']}"
    ]
    assert markers
    assert mailroom.deliver(markers) == {"batchItemFailures": []}
    # A change that is not a cancellation (here: a cancelled booking touched again).
    cancel(api, made)
    mailroom.deliver_new()
    item = BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING")
    item.update(actions=[BookingItem.cancel_reason.set("citizen, by phone")])
    assert mailroom.deliver_new() == {"batchItemFailures": []}

    assert [m["subject"] for m in mailroom.outbox()] == [
        f"Ihr Termin im Jobcenter Oberhavel am {SUBJECT_DATE}",
        f"Abgesagt: Ihr Termin im Jobcenter Oberhavel am {SUBJECT_DATE}",
    ]


def test_no_e_mail_about_an_appointment_that_is_over(
    api: ApiClient, mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    book(api)
    records = mailroom.booking_records()
    # A replay of the stream days later (e.g. from the dead-letter queue).
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 3, 9, 0, tzinfo=BERLIN))

    assert mailroom.deliver(records) == {"batchItemFailures": []}
    assert mailroom.outbox() == []


# --- once, and only once ----------------------------------------------------------------


def test_a_record_delivered_twice_sends_one_e_mail(api: ApiClient, mailroom: Mailroom) -> None:
    book(api)
    records = mailroom.booking_records()

    assert mailroom.deliver(records) == {"batchItemFailures": []}
    assert mailroom.deliver(records) == {"batchItemFailures": []}  # a retry, a replay
    assert mailroom.deliver(records + records) == {"batchItemFailures": []}

    assert len(mailroom.outbox()) == 1
    assert len(mailroom.ses_calls) == 1


def test_an_ses_failure_fails_only_its_record_and_the_retry_sends_it_once(
    api: ApiClient, mailroom: Mailroom
) -> None:
    erika = book(api)
    max_ = book(api, MAX, TUESDAY_11, name="Max Muster")
    records = mailroom.booking_records()
    _, maxs = records
    mailroom.refuse(MAX, "Throttling")

    result = mailroom.deliver(records)

    assert result == {"batchItemFailures": [{"itemIdentifier": sequence_number(maxs)}]}
    assert [m["to"] for m in mailroom.outbox()] == [f"Erika Mustermann <{ERIKA}>"]
    # The booking stands: e-mail is a consequence of a booking, never a condition of it.
    shown = api.get(
        f"/bookings/{max_['reference']}", headers={"X-Booking-Token": max_["cancel_token"]}
    )
    assert shown.body["status"] == "confirmed"
    assert SlotItem.get("LOC#oranienburg", "SLOT#2026-12-01T11:00").booked == 1
    # The failed attempt left no marker that would swallow the retry.
    with pytest.raises(SentMailItem.DoesNotExist):
        SentMailItem.get(f"SENT#{max_['reference']}", "confirmation")

    mailroom.accept_all()
    # Lambda retries from the failed record on; here the whole batch comes again.
    assert mailroom.deliver(records) == {"batchItemFailures": []}

    assert sorted(m["to"] for m in mailroom.outbox()) == [
        f"Erika Mustermann <{ERIKA}>",
        f"Max Muster <{MAX}>",
    ]
    assert SentMailItem.get(f"SENT#{erika['reference']}", "confirmation").state == "sent"


def test_a_booking_s_e_mails_keep_their_order_when_one_fails(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    cancel(api, made)
    confirmed, cancelled = mailroom.booking_records()
    mailroom.refuse(ERIKA)

    result = mailroom.deliver([confirmed, cancelled])

    # The cancellation is not sent ahead of the confirmation that failed.
    assert result == {
        "batchItemFailures": [
            {"itemIdentifier": sequence_number(confirmed)},
            {"itemIdentifier": sequence_number(cancelled)},
        ]
    }
    assert len(mailroom.ses_calls) == 1
    mailroom.accept_all()
    assert mailroom.deliver([confirmed, cancelled]) == {"batchItemFailures": []}
    assert [m["subject"].startswith("Abgesagt") for m in mailroom.outbox()] == [False, True]


def test_an_e_mail_being_sent_elsewhere_is_not_sent_twice_but_a_dead_lease_is_taken_over(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api)
    records = mailroom.booking_records()
    marker = SentMailItem(
        f"SENT#{made['reference']}",
        "confirmation",
        state="sending",
        claim="another-invocation",
        lease_until=int((clock.now() + timedelta(seconds=20)).timestamp()),
        expires_at=clock.now() + timedelta(days=40),
    )
    marker.save()

    assert mailroom.deliver(records) == {
        "batchItemFailures": [{"itemIdentifier": sequence_number(records[0])}]
    }
    assert mailroom.outbox() == []

    # The other invocation died; its lease ran out with its time.
    marker.update(actions=[SentMailItem.lease_until.set(int(clock.now().timestamp()) - 1)])
    assert mailroom.deliver(records) == {"batchItemFailures": []}
    assert len(mailroom.outbox()) == 1


# --- privacy ----------------------------------------------------------------------------


def test_a_rejected_address_is_logged_by_reference_only(
    api: ApiClient, mailroom: Mailroom, log_lines: Any
) -> None:
    made = book(api, MAX, name="Max Muster")
    mailroom.refuse(
        MAX,
        "MessageRejected",
        f"Email address is not verified. The following identities failed the check: {MAX}",
    )

    result = mailroom.deliver_new()

    assert len(result["batchItemFailures"]) == 1
    rejected = [line for line in log_lines() if "MessageRejected" in line]
    assert rejected
    assert all(made["reference"] in line for line in rejected)
    assert not any(MAX in line or "Max Muster" in line for line in log_lines())


def test_no_address_name_phone_household_or_token_in_any_log_line(
    api: ApiClient, mailroom: Mailroom, log_lines: Any
) -> None:
    name, address = "Zacharias Quellenberg", "zacharias.q@example.de"
    made = book(
        api,
        address,
        name=name,
        phone="03301 987654",
        household_number="12345BG0099999",
    )
    mailroom.deliver_new()
    cancel(api, made)
    mailroom.refuse(address, "MessageRejected", f"Address blacklisted: {address}")
    cancellation = mailroom.booking_records()
    assert mailroom.deliver(cancellation)["batchItemFailures"]  # fails, and is logged
    mailroom.accept_all()
    assert mailroom.deliver(cancellation) == {"batchItemFailures": []}

    lines = log_lines()
    log = "\n".join(lines)
    assert made["reference"] in log  # captured, and names bookings by reference
    assert "e-mail sent" in log
    assert "SES did not send the e-mail" in log
    for secret in (
        name,
        "Quellenberg",
        address,
        "zacharias",
        "987654",
        "12345BG0099999",
        made["cancel_token"],
    ):
        assert secret not in log


# --- names, and e-mails that cannot go out ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Schulze-Wendland, Karl Friedrich Wilhelm Maximilian Alexander Georg Heinrich",
        ("Müller-Lüdenscheidt, Dr. Hans: Jürgen. " * 3)[:100].strip(),
        ("Шевченко, Олександра Володимирівна: " * 3)[:100].strip(),
        ("عبد الرحمن، محمد بن سلمان: " * 4)[:100].strip(),
        "=?UTF-8?B?RXZpbCA8ZXZpbEBleGFtcGxlLmNvbT4=?=",
        '"Evil" <evil@example.com>, x@y.z',
    ],
    ids=["comma", "latin", "cyrillic", "arabic", "encoded-word", "quotes"],
)
def test_a_confirmation_reaches_the_citizen_whatever_the_name(
    api: ApiClient, mailroom: Mailroom, name: str
) -> None:
    book(api, name=name)

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    (call,) = mailroom.ses_calls
    assert call["Destinations"] == [ERIKA]
    raw = call["RawMessage"]["Data"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert [a.addr_spec for a in message["To"].addresses] == [ERIKA]
    (mail,) = mailroom.outbox()
    assert f"Guten Tag {html.escape(name)}" in mail["html"] or name in mail["text"]


def test_an_e_mail_ses_keeps_refusing_is_given_up_on_and_shown_on_the_booking(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from terminbuchung.mail.delivery import MAX_ATTEMPTS

    typo = book(api, "erika@gmial.com")
    book(api, MAX, TUESDAY_11, name="Max Muster")
    records = mailroom.booking_records()
    mailroom.refuse("erika@gmial.com", "MessageRejected", "Address blacklisted.")

    # Lambda retries from the failed record; the e-mails behind it wait, but not for long.
    for _ in range(MAX_ATTEMPTS - 1):
        assert mailroom.deliver(records)["batchItemFailures"] == [
            {"itemIdentifier": sequence_number(records[0])}
        ]
    assert mailroom.deliver(records) == {"batchItemFailures": []}

    assert [m["to"] for m in mailroom.outbox()] == [f"Max Muster <{MAX}>"]
    booking = BookingItem.get(f"BOOKING#{typo['reference']}", "BOOKING")
    assert booking.undelivered_mail == {"confirmation"}
    assert booking.status == "confirmed"  # the booking stands; staff call the citizen
    marker = SentMailItem.get(f"SENT#{typo['reference']}", "confirmation")
    assert (marker.state, marker.error_code) == ("undeliverable", "MessageRejected")
    calls = len(mailroom.ses_calls)
    assert mailroom.deliver(records) == {"batchItemFailures": []}  # a replay
    assert len(mailroom.ses_calls) == calls  # tries nothing again


def test_an_ses_outage_is_never_given_up_on(api: ApiClient, mailroom: Mailroom) -> None:
    from terminbuchung.mail.delivery import MAX_ATTEMPTS

    made = book(api)
    records = mailroom.booking_records()
    mailroom.refuse(ERIKA, "Throttling")

    for _ in range(MAX_ATTEMPTS + 2):
        assert len(mailroom.deliver(records)["batchItemFailures"]) == 1
    booking = BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING")
    assert booking.undelivered_mail is None

    mailroom.accept_all()
    assert mailroom.deliver(records) == {"batchItemFailures": []}
    assert len(mailroom.outbox()) == 1


def test_an_e_mail_that_cannot_be_written_is_given_up_on_at_once(
    api: ApiClient, mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    from terminbuchung.mail import delivery

    def broken(*_: Any, **__: Any) -> None:
        raise KeyError("a template variable")

    made = book(api)
    monkeypatch.setattr(delivery, "compose", broken)

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    assert mailroom.ses_calls == []
    booking = BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING")
    assert booking.undelivered_mail == {"confirmation"}


def test_ops_list_the_bookings_whose_e_mail_did_not_reach_the_citizen(
    api: ApiClient, mailroom: Mailroom, site: SiteConfig
) -> None:
    from infra.ops import cli as ops
    from terminbuchung.mail.delivery import MAX_ATTEMPTS

    typo = book(api, "erika@gmial.com")
    book(api, MAX, TUESDAY_11, name="Max Muster")
    records = mailroom.booking_records()
    mailroom.refuse("erika@gmial.com", "MessageRejected", "Address blacklisted.")
    for _ in range(MAX_ATTEMPTS):
        mailroom.deliver(records)

    shown = ops.execute(ops.parser().parse_args(["undelivered", "oranienburg", "--days", "3"]))

    assert shown.splitlines() == [
        "oranienburg: Servicecenter Oranienburg",
        f"  Tue 2026-12-01 10:00  {typo['reference']}  confirmed  not delivered: confirmation",
    ]
    assert "gmial" not in shown


def test_a_caller_booked_without_an_e_mail_address_gets_none_and_blocks_nothing(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from tests.api_client import staff_claims

    made = api.post(
        "/staff/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": TUESDAY_10,
            "name": "Karl Anrufer",
            "phone": "03301 123456",
        },
        claims=staff_claims("anna", "oranienburg"),
    )
    assert made.status == 201
    book(api, MAX, TUESDAY_11, name="Max Muster")

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    assert [m["to"] for m in mailroom.outbox()] == [f"Max Muster <{MAX}>"]


def test_the_office_s_cancellation_reaches_the_citizen_with_the_reason(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from tests.api_client import staff_claims

    made = book(api)
    mailroom.deliver_new()
    answer = api.post(
        f"/staff/bookings/{made['reference']}/cancel",
        json_body={"reason": "Krankheit der Beraterin"},
        claims=staff_claims("anna", "oranienburg"),
    )
    assert answer.status == 200

    assert mailroom.deliver_new() == {"batchItemFailures": []}

    notice = mailroom.outbox()[-1]
    assert "muss leider ausfallen" in notice["subject"]
    assert "Krankheit der Beraterin" in notice["text"]


def test_the_office_sends_the_confirmation_again_once_per_request(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from tests.api_client import staff_claims

    anna = staff_claims("anna", "oranienburg")
    made = book(api)
    assert mailroom.deliver_new() == {"batchItemFailures": []}

    again = api.post(f"/staff/bookings/{made['reference']}/resend", claims=anna)

    assert again.status == 200, again.body
    resent = mailroom.booking_records()
    assert mailroom.deliver(resent) == {"batchItemFailures": []}
    assert mailroom.deliver(resent) == {"batchItemFailures": []}  # a replay sends nothing
    first, second = mailroom.outbox()
    assert (first["subject"], first["to"]) == (second["subject"], second["to"])
    history = api.get(f"/staff/bookings/{made['reference']}", claims=anna).body["history"]
    assert (history[-1]["by"], history[-1]["action"]) == ("anna", "resend")


def test_a_confirmation_given_up_on_is_sent_again_when_the_office_asks(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from terminbuchung.mail.delivery import MAX_ATTEMPTS
    from tests.api_client import staff_claims

    anna = staff_claims("anna", "oranienburg")
    made = book(api)
    records = mailroom.booking_records()
    mailroom.refuse(ERIKA, "MessageRejected", "Mailbox full.")
    for _ in range(MAX_ATTEMPTS):
        mailroom.deliver(records)
    listed = api.get("/staff/locations/oranienburg/days/2026-12-01", claims=anna).body
    assert listed["appointments"][0]["undelivered_mail"] == ["confirmation"]
    mailroom.accept_all()

    assert api.post(f"/staff/bookings/{made['reference']}/resend", claims=anna).status == 200
    assert mailroom.deliver_new() == {"batchItemFailures": []}

    assert [m["to"] for m in mailroom.outbox()] == [f"Erika Mustermann <{ERIKA}>"]
    listed = api.get("/staff/locations/oranienburg/days/2026-12-01", claims=anna).body
    assert listed["appointments"][0]["undelivered_mail"] == []


def test_without_an_address_or_once_cancelled_nothing_is_sent_again(
    api: ApiClient, mailroom: Mailroom
) -> None:
    from tests.api_client import staff_claims

    anna = staff_claims("anna", "oranienburg")
    by_phone = api.post(
        "/staff/bookings",
        json_body={"location": "oranienburg", "service": "beratung", "start": TUESDAY_11,
                   "name": "Karl Anrufer"},
        claims=anna,
    ).body  # fmt: skip
    made = book(api)
    cancel(api, made)

    no_address = api.post(f"/staff/bookings/{by_phone['reference']}/resend", claims=anna)
    cancelled = api.post(f"/staff/bookings/{made['reference']}/resend", claims=anna)

    assert (no_address.status, no_address.error["code"]) == (409, "no_address")
    assert (cancelled.status, cancelled.error["code"]) == (409, "not_confirmed")
