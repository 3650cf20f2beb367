"""Already booked, said as it is: a household (Bedarfsgemeinschaft) has an appointment, maybe
booked by another of its members, so the message speaks of the household, not of "Sie"."""

from tests.api_client import ApiClient
from tests.unit.test_api import book

HOUSEHOLD = "12345BG0099999"


def test_a_household_with_an_appointment_is_told_as_a_household(api: ApiClient) -> None:
    assert book(api, household_number=HOUSEHOLD).status == 201

    other_member = book(
        api,
        email="max.mustermann@example.de",
        household_number=HOUSEHOLD,
        start="2026-12-02T09:00:00+01:00",
    )

    assert other_member.status == 409
    assert (other_member.error["code"], other_member.error["field"]) == (
        "already_booked",
        "household_number",
    )
    assert other_member.error["message"].startswith(
        "Für diese Bedarfsgemeinschaft ist bereits ein Termin gebucht."
    )


def test_the_same_address_is_still_told_to_the_person(api: ApiClient) -> None:
    assert book(api).status == 201

    again = book(api, start="2026-12-02T09:00:00+01:00")

    assert (again.status, again.error["field"]) == (409, "email")
    assert again.error["message"].startswith("Sie haben bereits einen Termin gebucht.")
