"""One person, however they spell themselves, holds one active booking (site-test.toml: 1).

What counts as the same person is written down in terminbuchung/people.py and README.md.
"""

import pytest

from terminbuchung.people import mailbox
from terminbuchung.table import BookingItem
from tests.api_client import ApiClient
from tests.unit.test_api import book

# The same household number in the scripts and forms a keyboard or a copy can produce.
HOUSEHOLD_SPELLINGS = {
    "ascii": "12345BG0012345",
    "spaced, lower case": "12345 bg 001-2345",
    "full-width": "１２３４５ＢＧ００１２３４５",
    "arabic-indic": "١٢٣٤٥BG٠٠١٢٣٤٥",
    "extended arabic-indic (persian)": "۱۲۳۴۵BG۰۰۱۲۳۴۵",
    "devanagari": "१२३४५BG००१२३४५",
    "mathematical bold": "𝟏𝟐𝟑𝟒𝟓BG𝟎𝟎𝟏𝟐𝟑𝟒𝟓",
    "mathematical monospace": "𝟷𝟸𝟹𝟺𝟻BG𝟶𝟶𝟷𝟸𝟹𝟺𝟻",
    "bengali": "১২৩৪৫BG০০১২৩৪৫",
}

# The same mailbox as people type it, and as providers deliver it.
EMAIL_SPELLINGS = {
    "as given": "erika.mustermann@gmail.com",
    "upper case": "Erika.Mustermann@GMAIL.COM",
    "full-width": "ｅｒｉｋａ．ｍｕｓｔｅｒｍａｎｎ＠ｇｍａｉｌ．ｃｏｍ",
    "sub-address": "erika.mustermann+jobcenter@gmail.com",
    "gmail without dots": "erikamustermann@gmail.com",
    "gmail, other dots": "e.r.i.k.a.mustermann@gmail.com",
    "googlemail": "erika.mustermann@googlemail.com",
}


def free_starts(api: ApiClient, count: int) -> list[str]:
    starts = [s["start"] for s in api.get("/locations/oranienburg/slots").body["slots"]]
    assert len(starts) >= count
    return starts[:count]


@pytest.mark.parametrize("spelling", HOUSEHOLD_SPELLINGS.values(), ids=HOUSEHOLD_SPELLINGS.keys())
def test_a_household_number_is_stored_in_one_spelling(api: ApiClient, spelling: str) -> None:
    answer = book(api, household_number=spelling)

    assert answer.status == 201, answer.body
    item = BookingItem.get(f"BOOKING#{answer.body['reference']}", "BOOKING")
    assert item.household_number == "12345BG0012345"


def test_every_spelling_of_a_household_number_is_one_household(api: ApiClient) -> None:
    spellings = list(HOUSEHOLD_SPELLINGS.values())
    starts = free_starts(api, len(spellings))

    answers = [
        book(api, start=start, email=f"person{n}@example.de", household_number=spelling)
        for n, (start, spelling) in enumerate(zip(starts, spellings, strict=True))
    ]

    assert [a.status for a in answers] == [201] + [409] * (len(spellings) - 1)
    assert {(a.error["code"], a.error["field"]) for a in answers[1:]} == {
        ("already_booked", "household_number")
    }


def test_every_spelling_of_an_e_mail_address_is_one_person(api: ApiClient) -> None:
    spellings = list(EMAIL_SPELLINGS.values())
    starts = free_starts(api, len(spellings))

    answers = [
        book(api, start=start, email=email) for start, email in zip(starts, spellings, strict=True)
    ]

    assert [a.status for a in answers] == [201] + [409] * (len(spellings) - 1)
    assert {(a.error["code"], a.error["field"]) for a in answers[1:]} == {
        ("already_booked", "email")
    }


def test_the_e_mail_goes_to_the_address_as_given_not_to_the_counted_mailbox(
    api: ApiClient,
) -> None:
    answer = book(api, email="Erika.Mustermann+Jobcenter@Example.de")
    item = BookingItem.get(f"BOOKING#{answer.body['reference']}", "BOOKING")
    assert item.email == "Erika.Mustermann+Jobcenter@example.de"


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("Erika@Example.de", "erika@example.de"),
        ("erika+a+b@example.de", "erika@example.de"),
        ("e.rika@example.de", "e.rika@example.de"),  # dots count outside Gmail
        ("e.rika+x@googlemail.com", "erika@gmail.com"),
        ("+tag@example.de", "+tag@example.de"),  # a local part that is all tag stays
    ],
)
def test_what_counts_as_one_mailbox(address: str, counted: str) -> None:
    assert mailbox(address) == counted


@pytest.mark.parametrize(
    "household_number",
    ["١٢٣٤٥BG٠٠١٢٣٤", "12345ВG0012345", "12345BG００１２３４５６", "½2345BG0012345"],
    ids=["too short", "cyrillic B", "too long", "a fraction"],
)
def test_look_alikes_that_are_not_a_household_number_are_refused(
    api: ApiClient, household_number: str
) -> None:
    answer = book(api, household_number=household_number)
    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == ("field_invalid", "household_number")


def test_a_local_part_over_64_characters_is_refused(api: ApiClient) -> None:
    assert book(api, email="a" * 64 + "@example.de").status == 201

    answer = book(api, email="b" * 65 + "@example.de")

    assert answer.status == 422
    assert (answer.error["code"], answer.error["field"]) == ("field_invalid", "email")
    assert "64" in answer.error["message"]
