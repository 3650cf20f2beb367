"""The language a citizen books in (issue 15): stored with the booking, given back where the
booking is shown, listed for staff (who arrange an interpreter by it), German by default."""

from typing import Any

import pytest

from terminbuchung.table import BookingItem
from tests.api_client import ApiClient
from tests.unit.test_api import TUESDAY_10, book
from tests.unit.test_office import ANNA, day, phone_booking


def shown(api: ApiClient, made: dict[str, Any]) -> dict[str, Any]:
    answer = api.get(
        f"/bookings/{made['reference']}", headers={"X-Booking-Token": made["cancel_token"]}
    )
    assert answer.status == 200, answer.body
    body: dict[str, Any] = answer.body
    return body


@pytest.mark.parametrize("language", ["de", "de-x-ls", "en", "uk", "ar"])
def test_the_booking_keeps_its_language_and_shows_it(api: ApiClient, language: str) -> None:
    made = book(api, start=TUESDAY_10, language=language).body

    assert BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING").language == language
    assert shown(api, made)["language"] == language


def test_without_a_language_the_booking_is_german(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body

    assert shown(api, made)["language"] == "de"


def test_a_booking_from_before_languages_is_shown_as_german(api: ApiClient) -> None:
    made = book(api, start=TUESDAY_10).body
    item = BookingItem.get(f"BOOKING#{made['reference']}", "BOOKING")
    item.update(actions=[BookingItem.language.remove()])

    assert shown(api, made)["language"] == "de"
    assert day(api).body["appointments"][0]["language"] == "de"


@pytest.mark.parametrize("wrong", ["fr", "DE", "de-DE", "", "arabic", 1, None, ["ar"]])
def test_a_language_we_do_not_offer_is_422_naming_the_field(api: ApiClient, wrong: Any) -> None:
    answer = api.post(
        "/bookings",
        json_body={
            "location": "oranienburg",
            "service": "beratung",
            "start": TUESDAY_10,
            "name": "Erika Mustermann",
            "email": "erika.mustermann@example.de",
            "language": wrong,
        },
    )

    assert answer.status == 422, answer.body
    assert answer.error["field"] == "language"
    assert answer.error["message"] == (
        "Diese Sprache bieten wir nicht an. Bitte wählen Sie de, de-x-ls, en, uk, ar."
    )
    assert (
        api.get("/staff/locations/oranienburg/days/2026-12-01", claims=ANNA).body["appointments"]
        == []
    )


def test_staff_see_each_appointment_s_language_in_the_day_list(api: ApiClient) -> None:
    book(api, start=TUESDAY_10, language="ar")
    phone_booking(api, start="2026-12-01T11:00:00+01:00", language="uk")
    # The console sends "" when nobody chose: German, as for a booking without a language.
    phone_booking(api, start=TUESDAY_10, name="Olaf Anrufer", phone="03301 7654", language="")

    answer = day(api)

    assert answer.status == 200, answer.body
    # Two at 10:00: ordered by reference, which is random; the pairs are what counts.
    assert sorted((a["start"][11:16], a["language"]) for a in answer.body["appointments"]) == [
        ("10:00", "ar"),
        ("10:00", "de"),
        ("11:00", "uk"),
    ]


def test_the_office_books_a_caller_in_a_language_we_offer_only(api: ApiClient) -> None:
    answer = phone_booking(api, language="fr")

    assert (answer.status, answer.error["field"]) == (422, "language")
