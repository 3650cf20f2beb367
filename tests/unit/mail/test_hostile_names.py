"""A citizen's name is plain text in every e-mail: whatever it holds, the headers, the HTML
and the calendar file keep their structure (issue 13: book-cancel loops with a chosen name
must not let anyone write e-mails in our name).

Two layers: the form (what the API accepts as a name) and the e-mail itself, which is
tested with names the form would never let through, as if a stored name were hostile.
"""

import email
from datetime import datetime, timedelta
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from icalendar import Calendar

from terminbuchung.clock import BERLIN
from terminbuchung.config import SiteConfig
from terminbuchung.mail.appointment import Appointment, plain_text
from terminbuchung.mail.letters import Kind, compose
from terminbuchung.mail.mime import mime_message
from terminbuchung.mail.settings import MailSettings
from tests.api_client import ApiClient

CITIZEN = "erika.mustermann@example.de"
SENDER = "termine@oberhavel.de"
START = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
SETTINGS = MailSettings(SENDER, None, "https://www.oberhavel.de/Arbeitsuchende/Terminbuchung")

HOSTILE = {
    "header injection": "Erika\r\nBcc: everyone@example.com\r\nSubject: Gewinn",
    "bare line feeds": "Erika\nContent-Type: text/html\n\n<h1>Gewinn</h1>",
    "script": "<script>alert(document.cookie)</script>",
    "markup and a link": '<a href="https://evil.example/">Hier klicken</a><img src=x onerror=1>',
    "calendar injection": "Erika\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Gewinn\r\nEND:VEVENT",
    "calendar in one line": "END:VEVENT BEGIN:VEVENT SUMMARY:Gewinn; CN=x:mailto:a@b.de",
    "500 combining marks": "E" + "\u0301" * 500,
    "quotes and semicolons": '"Evil"; ROLE=CHAIR; CN="x":mailto:evil@example.com',
}


def appointment(name: str) -> Appointment:
    return Appointment(
        reference="K7QP-3XMA",
        start=START,
        end=START + timedelta(minutes=30),
        location_name="Servicecenter Oranienburg",
        address="Adolf-Dechert-Straße 1, 16515 Oranienburg",
        service_name="Persönliche Beratung",
        what_to_bring=("Personalausweis oder Reisepass",),
        citizen_name=name,
        email=CITIZEN,
        cancel_reason=None,
    )


def confirmation(name: str, site: SiteConfig) -> EmailMessage:
    parsed = email.message_from_bytes(raw_confirmation(name, site), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def raw_confirmation(name: str, site: SiteConfig) -> bytes:
    now = datetime(2026, 11, 30, 7, 0, tzinfo=BERLIN)
    letter = compose(
        Kind.CONFIRMATION, appointment(name), site=site, settings=SETTINGS, token="t0k3n", now=now
    )
    return mime_message(
        letter,
        sender=SENDER,
        sender_name=site.jobcenter.name,
        reply_to=site.jobcenter.email,
        now=now,
    )


class Elements(HTMLParser):
    """Every element and the text of an HTML part, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def part(message: EmailMessage, content_type: str) -> EmailMessage:
    (found,) = [p for p in message.walk() if p.get_content_type() == content_type]
    assert isinstance(found, EmailMessage)
    return found


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_headers_name_one_recipient_and_nothing_else(name: str, site: SiteConfig) -> None:
    message = confirmation(name, site)
    plain = confirmation("Erika Mustermann", site)

    assert [k.lower() for k in message] == [k.lower() for k in plain]
    (recipient,) = message["To"].addresses
    assert recipient.addr_spec == CITIZEN
    # The name as mail programs show it (RFC 2047 decoding): the text, on one line.
    raw = raw_confirmation(name, site)
    unparsed = email.message_from_bytes(raw, policy=policy.compat32)["To"]
    assert str(make_header(decode_header(unparsed))) == f"{plain_text(name)} <{CITIZEN}>"
    assert message["Subject"] == plain["Subject"]
    assert message["Bcc"] is None
    assert message["Cc"] is None


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_html_part_shows_the_name_as_text_only(name: str, site: SiteConfig) -> None:
    html_part = part(confirmation(name, site), "text/html")
    plain_part = part(confirmation("Erika Mustermann", site), "text/html")

    hostile, plain = Elements(), Elements()
    hostile.feed(html_part.get_content())
    plain.feed(plain_part.get_content())
    # The same elements with the same attributes as for a harmless name: no script, no
    # link, no image, not one attribute more.
    assert hostile.tags == plain.tags
    assert plain_text(name) in " ".join("".join(hostile.text).split())
    # The text part carries no second MIME part or header either.
    assert len(list(confirmation(name, site).walk())) == len(
        list(confirmation("Erika Mustermann", site).walk())
    )


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_calendar_file_holds_one_event_with_the_name_as_its_attendee(
    name: str, site: SiteConfig
) -> None:
    ics = part(confirmation(name, site), "text/calendar").get_payload(decode=True)
    assert isinstance(ics, bytes)
    calendar = Calendar.from_ical(ics)

    (event,) = calendar.walk("VEVENT")
    plain_ics = part(confirmation("Erika Mustermann", site), "text/calendar").get_payload(
        decode=True
    )
    assert isinstance(plain_ics, bytes)
    (plain_event,) = Calendar.from_ical(plain_ics).walk("VEVENT")
    assert event["SUMMARY"] == plain_event["SUMMARY"]
    assert event["DESCRIPTION"] == plain_event["DESCRIPTION"]
    assert sorted(event) == sorted(plain_event)
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{CITIZEN}"
    assert attendee.params["CN"] == plain_text(name)
    assert set(attendee.params) == set(plain_event["ATTENDEE"].params)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("E" + "\u0301" * 500, "field_too_long"),
        ("Erika\u202eMustermann", "field_invalid"),  # a control character turns text around
        ("Erika\x00", "field_invalid"),
    ],
)
def test_the_form_refuses_what_is_no_name(api: ApiClient, name: str, code: str) -> None:
    answer = api.post(
        "/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": "2026-12-01T10:00:00+01:00",
            "name": name,
            "email": CITIZEN,
        },
    )
    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == (code, "name")
