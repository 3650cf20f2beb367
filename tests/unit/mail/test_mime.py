"""The headers of an e-mail name exactly one recipient, whatever the citizen's name holds.

A name is text, never structure: not two addresses because of a comma in a folded line,
not another recipient because it looks like an RFC 2047 encoded-word.
"""

import base64
import email
import string
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terminbuchung.mail.letters import Kind, Letter
from terminbuchung.mail.mime import mime_message

CITIZEN = "erika.mustermann@example.de"
SENDER = "termine@oberhavel.de"


def _encoded_word(text: str) -> str:
    return f"=?UTF-8?B?{base64.b64encode(text.encode()).decode()}?="


NAMES = {
    "comma, long": "Schulze-Wendland, Karl Friedrich Wilhelm Maximilian Alexander Georg Heinrich",
    "latin 200": ("Müller-Lüdenscheidt, Dr. h.c. Hans: Jürgen. " * 5)[:200],
    "cyrillic 200": ("Шевченко, Олександра Володимирівна: " * 6)[:200],
    "arabic 200": ("عبد الرحمن، محمد بن سلمان: " * 8)[:200],
    "every ascii punctuation": (string.punctuation * 7)[:200],
    "quotes and brackets": '"Evil" <evil@example.com>, other@example.com; group: x@y.z;',
    "encoded-word look-alike": _encoded_word("Evil <evil@example.com>"),
    "two encoded words": _encoded_word("a@b.de") + ", " + _encoded_word("c@d.de"),
    "han and emoji": "王小明 🙂 (Gast), Familie",
    "backslashes": '\\\\ \\" \\, name\\',
    "one letter": "E",
}


def message_for(name: str, address: str = CITIZEN) -> bytes:
    letter = Letter(
        kind=Kind.CONFIRMATION,
        reference="K7QP-3XMA",
        to_name=name,
        to=address,
        subject="Ihr Termin im Jobcenter Oberhavel am Dienstag, 1. Dezember 2026, 10:00 Uhr",
        text="Guten Tag,\n",
        html="<p>Guten Tag,</p>\n",
        attachments=(),
    )
    return mime_message(
        letter,
        sender=SENDER,
        sender_name="Jobcenter Oberhavel",
        reply_to="Jobcenter.ALG2@oberhavel.de",
        now=datetime(2026, 11, 30, 6, 0, tzinfo=UTC),
    )


def assert_one_recipient(raw: bytes, name: str, address: str = CITIZEN) -> None:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    (recipient,) = parsed["To"].addresses
    assert recipient.addr_spec == address
    assert len(parsed.get_all("To") or []) == 1
    # The name comes back as the citizen typed it (RFC 2047 decoding, as mail programs do).
    unparsed = email.message_from_bytes(raw, policy=policy.compat32)["To"]
    assert str(make_header(decode_header(unparsed))) == f"{name} <{address}>"
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Jobcenter Oberhavel", SENDER)
    # Every header line within RFC 5322's 78 characters, nothing for SES to refuse.
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    assert head.isascii()


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_any_name_gives_exactly_one_recipient_the_citizen(name: str) -> None:
    assert_one_recipient(message_for(name), name)


def test_a_name_that_looks_like_an_encoded_word_stays_text() -> None:
    name = _encoded_word("Evil <evil@example.com>")
    raw = message_for(name)

    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert "evil@example.com" not in str(parsed["To"])
    assert [a.addr_spec for a in parsed["To"].addresses] == [CITIZEN]


def test_an_umlaut_domain_is_addressed_in_its_ascii_form() -> None:
    assert_one_recipient(message_for("Jörg Müller", "joerg@münchen.de"), "Jörg Müller",
                         "joerg@xn--mnchen-3ya.de")  # fmt: skip


# Names as the form lets them through: no control characters, at most a few hundred long.
printable_names = st.text(
    alphabet=st.characters(exclude_categories=["C"]), min_size=1, max_size=250
).filter(lambda name: name.strip() == name and name.strip())


@settings(max_examples=300, deadline=None)
@given(name=printable_names)
def test_every_printable_name_gives_one_recipient(name: str) -> None:
    assert_one_recipient(message_for(name), name)
