"""The API's error messages in the citizen's language (issue 15): every error the domain
raises has its text in every catalogue, the Accept-Language header picks the language
(RFC 9110 weights, RFC 4647 lookup), and the handlers answer in it, German by default."""

import pytest

from terminbuchung import errors, idempotency, languages, staff_members
from terminbuchung.errors import AlreadyBooked, BookingError, SlotUnavailable
from tests.api_client import ApiClient
from tests.unit.test_api import TUESDAY_10


def every_error_class() -> list[type[BookingError]]:
    found: list[type[BookingError]] = []
    todo: list[type[BookingError]] = [BookingError]
    while todo:
        known = todo.pop()
        found.append(known)
        todo.extend(known.__subclasses__())
    return found


def test_the_modules_with_errors_of_their_own_are_loaded() -> None:
    names = {known.__name__ for known in every_error_class()}
    assert {"KeyReused", "Unauthorized", "Forbidden"} <= names
    assert idempotency.KeyReused.code == "idempotency_key_reused"
    assert staff_members.Forbidden.code == "forbidden"


@pytest.mark.parametrize("language", languages.CODES)
def test_every_error_says_its_default_message_in_every_language(language: str) -> None:
    for known in every_error_class():
        assert f"error.{known.code}" in languages.catalogue(language), known.__name__


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "de"),
        ("", "de"),
        ("*", "de"),
        ("fr", "de"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("de-x-ls", "de-x-ls"),
        ("de-x-ls-anything", "de-x-ls"),
        ("en-GB", "en"),
        ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"),
        ("ar-SY", "ar"),
        ("fr, ar;q=0.3, en;q=0.7", "en"),
        ("en;q=0, uk;q=0.1", "uk"),
        ("en;q=nonsense, ar", "ar"),
        ("x-ls", "de"),
    ],
)
def test_accept_language_chooses_one_of_ours(header: str | None, language: str) -> None:
    assert languages.preferred(header) == language


def test_an_error_keeps_its_values_in_every_language() -> None:
    error = SlotUnavailable(
        field="start", key="error.slot_unavailable.horizon", values={"days": 28}
    )

    assert error.message == "Termine können höchstens 28 Tage im Voraus gebucht werden."
    assert error.in_language("en") == "Appointments can be booked at most 28 days in advance."
    assert "28" in error.in_language("ar")
    household = AlreadyBooked(field="household_number")
    assert household.in_language("de-x-ls").startswith("Ihre Bedarfs-Gemeinschaft")


def test_a_message_given_as_text_stays_german_in_every_language() -> None:
    """The staff console's messages: German, whatever the header."""
    error = errors.TooLate("Das lässt sich nur am selben Tag zurücknehmen.")

    assert error.in_language("ar") == "Das lässt sich nur am selben Tag zurücknehmen."


def test_the_handlers_answer_in_the_language_asked_for(api: ApiClient) -> None:
    body = {"location": "oranienburg", "service": "beratung", "start": TUESDAY_10}

    english = api.post("/bookings", json_body=body, headers={"Accept-Language": "en"})
    german = api.post("/bookings", json_body=body)
    own = api.post(
        "/bookings", json_body={**body, "language": "ar"}, headers={"Accept-Language": "en"}
    )

    assert english.error == {
        "code": "field_missing",
        "message": "Please enter your name.",
        "field": "name",
    }
    assert english.headers["Content-Language"] == "en"
    assert german.error["message"] == "Bitte geben Sie Ihren Namen an."
    assert own.error["message"] == "يرجى إدخال اسمكم."
    assert own.headers["Content-Language"] == "ar"
