"""Over HTTP through the local stack (issue 15): the API's error messages in the language
the request asks for by Accept-Language, or in the booking's own `language` field; German
by default. The booking keeps its language and shows it."""

import pytest
import requests

from tests.integration.test_http import book, new_email

UNKNOWN = "Wir konnten diese Buchung nicht finden. Bitte prüfen Sie den Link aus Ihrer E-Mail."
NOT_FOUND = {
    "de": UNKNOWN,
    "de-x-ls": "Wir finden diesen Termin nicht. Bitte prüfen Sie den Link aus Ihrer E-Mail.",
    "en": "We could not find this booking. Please check the link in your e-mail.",
    "uk": "Ми не змогли знайти цей запис. Будь ласка, перевірте посилання з Вашого листа.",
    "ar": "لم نتمكن من العثور على هذا الحجز. يرجى التحقق من الرابط في رسالتكم الإلكترونية.",
}


def unknown_booking(base_url: str, accept_language: str | None) -> requests.Response:
    headers = {"X-Booking-Token": "x" * 32}
    if accept_language is not None:
        headers["Accept-Language"] = accept_language
    return requests.get(f"{base_url}/bookings/K7QP-3XMA", headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        (None, "de"),
        ("de-DE,de;q=0.9", "de"),
        ("de-x-ls", "de-x-ls"),
        ("en-GB,en;q=0.8", "en"),
        ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"),
        ("ar-SY", "ar"),
        ("fr-FR, ar;q=0.5, en;q=0.4", "ar"),
        ("fr", "de"),
        ("en;q=0, uk", "uk"),
    ],
)
def test_an_error_speaks_the_language_the_request_asks_for(
    base_url: str, accept_language: str | None, language: str
) -> None:
    answer = unknown_booking(base_url, accept_language)

    assert answer.status_code == 404
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("booking_not_found", None)
    assert error["message"] == NOT_FOUND[language]
    assert answer.headers["Content-Language"] == language
    assert "Accept-Language" in answer.headers["Vary"]


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        ("en", "Please enter your name."),
        ("uk", "Будь ласка, вкажіть Ваше ім’я."),
        ("ar", "يرجى إدخال اسمكم."),
        ("de-x-ls", "Bitte schreiben Sie Ihren Namen auf."),
        (None, "Bitte geben Sie Ihren Namen an."),
    ],
)
def test_a_field_error_names_the_field_in_the_language(
    base_url: str, fresh_slot: str, accept_language: str | None, message: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": fresh_slot,
        "name": "",
        "email": new_email(),
    }
    answer = requests.post(f"{base_url}/bookings", json=body, headers=headers, timeout=30)

    assert answer.status_code == 422
    assert answer.json()["error"] == {"code": "field_missing", "message": message, "field": "name"}


def test_the_booking_s_language_field_chooses_the_error_s_language(
    base_url: str, fresh_slot: str
) -> None:
    answer = requests.post(
        f"{base_url}/bookings",
        json={
            "location": "oranienburg",
            "service": "beratung",
            "start": fresh_slot,
            "name": "Olena Shevchenko",
            "email": "olena@",
            "language": "uk",
        },
        headers={"Accept-Language": "en"},
        timeout=30,
    )

    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "email"
    assert answer.json()["error"]["message"].startswith("Будь ласка, вкажіть дійсну адресу")
    assert answer.headers["Content-Language"] == "uk"


def test_an_invalid_language_is_422_in_german(base_url: str, fresh_slot: str) -> None:
    answer = book(base_url, fresh_slot, language="fr")

    assert answer.status_code == 422
    assert answer.json()["error"] == {
        "code": "field_invalid",
        "message": "Diese Sprache bieten wir nicht an. Bitte wählen Sie de, de-x-ls, en, uk, ar.",
        "field": "language",
    }


def test_a_booking_in_arabic_keeps_its_language(base_url: str, fresh_slot: str) -> None:
    made = book(base_url, fresh_slot, language="ar")
    assert made.status_code == 201, made.text
    booking = made.json()

    shown = requests.get(
        f"{base_url}/bookings/{booking['reference']}",
        headers={"X-Booking-Token": booking["cancel_token"]},
        timeout=10,
    )

    assert shown.status_code == 200
    assert shown.json()["language"] == "ar"
