"""Every e-mail in the booking's language (issue 15): each kind in each language, sent as
MIME and parsed back, names the right date, time and booking number as that language
writes them (Berlin time always), carries one German line for the office's records at the
top unless it is German, marks Arabic right to left, and its calendar file speaks the
language too. Then over the handlers: booked in a language, mailed in it."""

import email
import html
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from icalendar import Calendar

from terminbuchung.config import site_config
from terminbuchung.languages import CODES, Language
from terminbuchung.mail.appointment import Appointment
from terminbuchung.mail.letters import Kind, Letter, Listed, compose, compose_notice
from terminbuchung.mail.mime import mime_message
from terminbuchung.mail.settings import MailSettings
from tests.api_client import ApiClient
from tests.unit.mail.conftest import Mailroom
from tests.unit.mail.test_send_email import book, cancel

REFERENCE = "9H6T-ZE6R"
SETTINGS = MailSettings("termine@oberhavel.de", None, "https://www.oberhavel.de/Termin")
# 23:30 in UTC is half past midnight in Berlin, a day later: the e-mails say Berlin's.
START = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
END = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
CONFIRM_BY = datetime(2026, 11, 30, 22, 45, tzinfo=UTC)  # 23:45 in Berlin

# As each language writes Tuesday, 1 December 2026 and 00:30 (CLDR), written out here.
DATE = {
    "de": "Dienstag, 1. Dezember 2026",
    "de-x-ls": "Dienstag, 1. Dezember 2026",
    "en": "Tuesday, 1 December 2026",
    "uk": "вівторок, 1 грудня 2026 р.",
    "ar": "الثلاثاء، 1 ديسمبر 2026",
}
TIME = {"de": "00:30 Uhr", "de-x-ls": "00:30 Uhr", "en": "00:30", "uk": "00:30", "ar": "12:30 ص"}
GREETING = {
    "de": "Guten Tag Erika Mustermann,",
    "de-x-ls": "Guten Tag Erika Mustermann,",
    "en": "Dear Erika Mustermann,",
    "uk": "Добрий день, Erika Mustermann!",
    "ar": "مرحبًا Erika Mustermann،",
}
REFERENCE_LABEL = {
    "de": "Buchungsnummer",
    "de-x-ls": "Buchungs-Nummer",
    "en": "Booking number",
    "uk": "Номер бронювання",
    "ar": "رقم الحجز",
}
IN_GERMAN = {
    "de-x-ls": "Leichte Sprache",
    "en": "Englisch",
    "uk": "Ukrainisch",
    "ar": "Arabisch",
}
BOOKING_KINDS = [
    Kind.CONFIRMATION,
    Kind.CONFIRM_REQUEST,
    Kind.CANCELLATION,
    Kind.OFFICE_CANCELLATION,
    Kind.REMINDER,
    Kind.RESCHEDULED,
    Kind.HOLD_EXPIRED,
]
NOTICE_KINDS = [Kind.LOOKUP, Kind.ALREADY_BOOKED]


def appointment(language: Language) -> Appointment:
    return Appointment(
        reference=REFERENCE,
        start=START,
        end=END,
        location_name="Servicecenter Oranienburg",
        address="Adolf-Dechert-Straße 1, 16515 Oranienburg",
        service_name="Persönliche Beratung",
        what_to_bring=("Personalausweis",),
        citizen_name="Erika Mustermann",
        email="erika@example.de",
        cancel_reason="Personalversammlung",
        confirm_by=CONFIRM_BY,
        language=language,
    )


def letter(kind: Kind, language: Language) -> Letter:
    site = site_config()
    if kind in NOTICE_KINDS:
        listed = [Listed(appointment(language), "https://www.oberhavel.de/Termin#x", False)]
        return compose_notice(kind, listed, site=site, settings=SETTINGS)
    now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    return compose(kind, appointment(language), site=site, settings=SETTINGS, token="T", now=now)


def sent(kind: Kind, language: Language) -> EmailMessage:
    """The letter as SES gets it, parsed back as a mail program would."""
    raw = mime_message(
        letter(kind, language),
        sender="termine@oberhavel.de",
        sender_name="Jobcenter Oberhavel",
        reply_to="jobcenter@oberhavel.de",
        now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    )
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def parts(message: EmailMessage) -> tuple[str, ...]:
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert rich is not None
    # As sent, lines end in CRLF (SMTP); read as a program shows them.
    return tuple(str(part.get_content()).replace("\r\n", "\n") for part in (plain, rich))


def flat(text: str) -> str:
    """Text with its line breaks as spaces (plain text is wrapped at 76 columns)."""
    return " ".join(html.unescape(text).split())


@pytest.mark.parametrize("language", CODES)
@pytest.mark.parametrize("kind", BOOKING_KINDS + NOTICE_KINDS, ids=str)
def test_each_e_mail_in_each_language(kind: Kind, language: Language) -> None:
    message = sent(kind, language)
    text, rich = parts(message)

    assert message["Content-Language"] == language
    for body in (flat(text), flat(rich)):
        assert GREETING[language] in body
        assert f"{DATE[language]}" in body
        assert TIME[language] in body
        assert REFERENCE in body
        assert REFERENCE_LABEL[language] in body
        assert "Servicecenter Oranienburg" in body  # names and addresses as they are
        assert "03301 601-5500" in body
    assert f'<html lang="{language}"' in rich
    if kind in BOOKING_KINDS:
        assert DATE[language] in flat(str(message["Subject"]))
    if kind is Kind.CONFIRM_REQUEST:
        held = {"de": "23:45 Uhr", "de-x-ls": "23:45 Uhr", "en": "23:45", "uk": "23:45"}
        assert held.get(language, "11:45 م") in flat(text)


@pytest.mark.parametrize("language", [code for code in CODES if code != "de"])
@pytest.mark.parametrize("kind", BOOKING_KINDS + NOTICE_KINDS, ids=str)
def test_a_translated_e_mail_begins_with_one_german_line_for_the_office(
    kind: Kind, language: Language
) -> None:
    text, rich = parts(sent(kind, language))
    german_subject = flat(str(sent(kind, "de")["Subject"]))

    first = flat(text.split("\n---", 1)[0])
    assert first.startswith(german_subject)
    assert first.endswith(f"Buchungsnummer {REFERENCE} – Text in: {IN_GERMAN[language]}")
    # In HTML: above the letter, marked German and left to right whatever the letter is.
    line = '<td lang="de" dir="ltr" style="padding:8px 24px;font-size:13px;color:#555555;'
    assert line in rich
    assert rich.index(line) < rich.index(html.escape(GREETING[language], quote=False))


@pytest.mark.parametrize("kind", BOOKING_KINDS + NOTICE_KINDS, ids=str)
def test_a_german_e_mail_has_no_office_line(kind: Kind) -> None:
    text, rich = parts(sent(kind, "de"))

    assert text.startswith("Guten Tag Erika Mustermann,")
    assert "Text in:" not in text + rich


@pytest.mark.parametrize("kind", BOOKING_KINDS + NOTICE_KINDS, ids=str)
def test_arabic_e_mails_are_right_to_left_and_the_reference_left_to_right(kind: Kind) -> None:
    _, rich = parts(sent(kind, "ar"))

    assert '<html lang="ar" dir="rtl">' in rich
    assert 'lang="ar" dir="rtl" style="max-width:600px;' in rich  # the letter's own table
    assert f'dir="ltr">{REFERENCE}</td>' in rich
    assert "border-right:4px solid" in rich
    assert "border-left:4px" not in rich


@pytest.mark.parametrize("language", CODES)
def test_the_calendar_file_speaks_the_language(language: Language) -> None:
    (attachment,) = letter(Kind.CONFIRMATION, language).attachments
    (event,) = Calendar.from_ical(attachment.content).events

    assert str(event["SUMMARY"]) == "Jobcenter Oberhavel: Persönliche Beratung"
    description = str(event["DESCRIPTION"])
    assert description.startswith(f"{REFERENCE_LABEL[language]}: {REFERENCE}")
    assert "03301 601-5500" in description
    assert ("Absagen über den Link" in description) == (language == "de")
    start = event.start
    assert isinstance(start, datetime)
    assert start == START  # the same instant, written in Berlin's time zone
    assert str(start.tzinfo) == "Europe/Berlin"


# --- over the handlers: the booking's language is the e-mails' --------------------------


def outbox_in(mailroom: Mailroom) -> list[dict[str, Any]]:
    assert mailroom.deliver_new() == {"batchItemFailures": []}
    return mailroom.outbox()


def test_booked_in_ukrainian_confirmed_and_cancelled_in_ukrainian(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api, language="uk")
    cancel(api, made)

    confirmation, cancellation = outbox_in(mailroom)

    assert confirmation["subject"] == (
        "Ваш прийом у Jobcenter Oberhavel: вівторок, 1 грудня 2026 р., 10:00"
    )
    assert cancellation["subject"].startswith("Скасовано: Ваш прийом у Jobcenter Oberhavel")
    for mail in (confirmation, cancellation):
        assert "Добрий день, Erika Mustermann!" in mail["text"]
        assert made["reference"] in mail["text"]
        assert "Text in: Ukrainisch" in mail["text"].split("\n\n", 1)[0]


def test_booked_in_arabic_the_confirmation_is_arabic_right_to_left(
    api: ApiClient, mailroom: Mailroom
) -> None:
    made = book(api, language="ar")

    (mail,) = outbox_in(mailroom)

    assert mail["subject"].startswith("موعدكم في Jobcenter Oberhavel يوم الثلاثاء، 1 ديسمبر 2026")
    assert '<html lang="ar" dir="rtl">' in mail["html"]
    assert f"يرجى ذكر رقم حجزكم {made['reference']} عند مكتب الاستقبال." in flat(mail["text"])


def test_booked_without_a_language_the_e_mails_are_german_as_before(
    api: ApiClient, mailroom: Mailroom
) -> None:
    book(api)

    (mail,) = outbox_in(mailroom)

    assert (
        mail["subject"]
        == "Ihr Termin im Jobcenter Oberhavel am Dienstag, 1. Dezember 2026, 10:00 Uhr"
    )
    assert mail["text"].startswith("Guten Tag Erika Mustermann,")
