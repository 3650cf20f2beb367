"""Rotating the token key: links keep working and a person still books once, through the API.

The functions read the keys once per cold start; here a rotation is the environment the
local stack and the tests read (TOKEN_KEY, TOKEN_KEY_PREVIOUS) and a cleared cache, as a
cold start after `infra.ops token-key rotate` reads the secret anew.
"""

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime

import boto3
import pytest

from terminbuchung import bookings, forms
from terminbuchung.config import SiteConfig
from terminbuchung.errors import AlreadyBooked
from terminbuchung.forms import BookingForm
from terminbuchung.references import TokenKeys, cancel_token, parse_token_keys, token_keys
from terminbuchung.settings import SettingsError
from tests.api_client import Answer, ApiClient, staff_claims
from tests.unit.test_api import TUESDAY_10, book

OLD, NEW, OTHER = "key-before-the-rotation", "key-after-the-rotation", "some-other-key"
WEDNESDAY_10 = "2026-12-02T10:00:00+01:00"

UseKeys = Callable[..., None]


@pytest.fixture
def use_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseKeys]:
    """Give the functions these keys from their next cold start on."""

    def use(current: str, previous: str | None = None) -> None:
        monkeypatch.setenv("TOKEN_KEY", current)
        if previous:
            monkeypatch.setenv("TOKEN_KEY_PREVIOUS", previous)
        else:
            monkeypatch.delenv("TOKEN_KEY_PREVIOUS", raising=False)
        token_keys.cache_clear()

    yield use
    token_keys.cache_clear()


def show(api: ApiClient, reference: str, token: str) -> Answer:
    return api.get(f"/bookings/{reference}", headers={"X-Booking-Token": token})


def cancel(api: ApiClient, reference: str, token: str) -> Answer:
    return api.post(f"/bookings/{reference}/cancel", json_body={"token": token})


def test_a_link_from_before_a_rotation_still_shows_and_cancels_the_booking(
    api: ApiClient, use_keys: UseKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_SENDER", "termine@oberhavel.de")  # the calendar's organizer
    use_keys(OLD)
    made = book(api, start=TUESDAY_10).body
    assert made["cancel_token"] == cancel_token(made["reference"], OLD.encode())

    use_keys(NEW, OLD)
    shown = show(api, made["reference"], made["cancel_token"])
    assert shown.status == 200
    assert shown.body["status"] == "confirmed"
    calendar = api.get(
        f"/bookings/{made['reference']}/calendar.ics",
        headers={"X-Booking-Token": made["cancel_token"]},
    )
    assert calendar.status == 200
    cancelled = cancel(api, made["reference"], made["cancel_token"])
    assert cancelled.status == 200
    assert cancelled.body == {"reference": made["reference"], "status": "cancelled"}


def test_new_links_are_made_with_the_current_key_and_work_too(
    api: ApiClient, use_keys: UseKeys
) -> None:
    use_keys(NEW, OLD)
    made = book(api, start=TUESDAY_10).body

    assert made["cancel_token"] == cancel_token(made["reference"], NEW.encode())
    assert show(api, made["reference"], made["cancel_token"]).status == 200


def test_a_wrong_token_is_still_404_after_a_rotation(api: ApiClient, use_keys: UseKeys) -> None:
    use_keys(OLD)
    made = book(api, start=TUESDAY_10).body
    other = book(api, start=TUESDAY_10, email="b@example.de").body
    use_keys(NEW, OLD)

    reference = made["reference"]
    wrong = [
        cancel_token(reference, OTHER.encode()),  # a key never used
        other["cancel_token"],  # another booking's token under the previous key
        cancel_token(other["reference"], NEW.encode()),  # ... and under the current one
        made["cancel_token"][:-1],
    ]
    for token in wrong:
        for answer in (show(api, reference, token), cancel(api, reference, token)):
            assert answer.status == 404
            assert answer.error["code"] == "booking_not_found"
    assert show(api, reference, made["cancel_token"]).body["status"] == "confirmed"


@pytest.mark.parametrize(
    ("again", "field"),
    [
        ({"email": "Erika.Mustermann+neu@example.de", "household_number": None}, "email"),
        ({"email": "jemand.anderes@example.de", "household_number": "12345 bg 0012345"},
         "household_number"),
    ],
)  # fmt: skip
def test_a_person_who_booked_before_a_rotation_cannot_book_again_after_it(
    api: ApiClient, use_keys: UseKeys, again: dict[str, str | None], field: str
) -> None:
    use_keys(OLD)
    first = book(api, start=TUESDAY_10, household_number="12345BG0012345")
    assert first.status == 201

    use_keys(NEW, OLD)
    answer = book(api, start=WEDNESDAY_10, **again)

    assert answer.status == 409
    assert answer.error["code"] == "already_booked"
    assert answer.error["field"] == field


def test_a_booking_from_before_a_rotation_cancelled_after_it_frees_the_person(
    api: ApiClient, use_keys: UseKeys
) -> None:
    use_keys(OLD)
    made = book(api, start=TUESDAY_10, household_number="12345BG0012345").body
    use_keys(NEW, OLD)

    assert cancel(api, made["reference"], made["cancel_token"]).status == 200
    again = book(api, start=WEDNESDAY_10, household_number="12345BG0012345")
    assert again.status == 201
    # ... and that booking, under the new key, counts as before.
    third = book(api, start=TUESDAY_10, household_number="12345BG0012345")
    assert third.error["code"] == "already_booked"


def test_after_the_previous_key_is_dropped_old_links_stop_working(
    api: ApiClient, use_keys: UseKeys
) -> None:
    use_keys(OLD)
    before = book(api, start=TUESDAY_10).body
    use_keys(NEW, OLD)
    after = book(api, start=TUESDAY_10, email="b@example.de").body

    use_keys(NEW)  # the end of the grace period
    for answer in (
        show(api, before["reference"], before["cancel_token"]),
        cancel(api, before["reference"], before["cancel_token"]),
    ):
        assert answer.status == 404
        assert answer.error["code"] == "booking_not_found"
    assert show(api, after["reference"], after["cancel_token"]).status == 200


def test_the_guard_holds_across_a_rotation_for_a_person_allowed_several_bookings(
    aws: None, site: SiteConfig, now: datetime, api: ApiClient
) -> None:
    """Seats are counted under both keys: two bookings allowed, one before, one after, no
    third."""
    rules = dataclasses.replace(site.booking, max_active_bookings_per_person=2)
    site = dataclasses.replace(site, booking=rules)
    old, rotated = TokenKeys(OLD.encode()), TokenKeys(NEW.encode(), OLD.encode())

    def form(start: str) -> BookingForm:
        return forms.parse(
            BookingForm,
            {
                "location": "oranienburg",
                "service": "beratung",
                "start": start,
                "name": "Erika Mustermann",
                "email": "erika@example.de",
            },
        )

    bookings.book(form(TUESDAY_10), site, now, old)
    bookings.book(form(WEDNESDAY_10), site, now, rotated)
    with pytest.raises(AlreadyBooked):
        bookings.book(form("2026-12-03T10:00:00+01:00"), site, now, rotated)


# --- the keys as the functions read them ---------------------------------------------


def test_the_secret_holds_a_bare_key_or_current_and_previous() -> None:
    assert parse_token_keys("abc123") == TokenKeys(b"abc123")
    assert parse_token_keys('{"current": "new"}') == TokenKeys(b"new")
    assert parse_token_keys(
        '{"current": "new", "previous": "old", "rotated_at": "2026-11-30T07:00:00+01:00"}'
    ) == TokenKeys(b"new", b"old")
    for broken in ('{"previous": "old"}', '{"current": ""}', '{"current": "a", "previous": 1}'):
        with pytest.raises(SettingsError):
            parse_token_keys(broken)


def test_the_keys_are_read_from_secrets_manager_once_per_cold_start(
    aws: None, monkeypatch: pytest.MonkeyPatch, use_keys: UseKeys
) -> None:
    secrets = boto3.client("secretsmanager")
    arn = secrets.create_secret(Name="token-key", SecretString="generated-by-cloudformation")["ARN"]
    monkeypatch.delenv("TOKEN_KEY")
    monkeypatch.setenv("TOKEN_KEY_SECRET_ARN", arn)
    token_keys.cache_clear()

    assert token_keys() == TokenKeys(b"generated-by-cloudformation")
    secrets.put_secret_value(
        SecretId=arn,
        SecretString='{"current": "new", "previous": "generated-by-cloudformation"}',
    )
    assert token_keys() == TokenKeys(b"generated-by-cloudformation")  # cached: no new read
    token_keys.cache_clear()  # the next cold start
    assert token_keys() == TokenKeys(b"new", b"generated-by-cloudformation")


def test_the_office_cannot_book_a_household_again_after_a_rotation_either(
    api: ApiClient, use_keys: UseKeys
) -> None:
    """The office's bookings for callers check the guards under the previous key too (the
    staff function's ConditionCheckItem on GUARD# in template.yaml)."""
    use_keys(OLD)
    assert book(api, start=TUESDAY_10, household_number="12345BG0012345").status == 201

    use_keys(NEW, OLD)
    body = {
        "location": "oranienburg",
        "service": "beratung",
        "start": WEDNESDAY_10,
        "name": "Karl Anrufer",
        "phone": "03301 123456",
        "household_number": "12345 bg 0012345",
    }
    answer = api.post("/staff/bookings", json_body=body, claims=staff_claims("anna", "oranienburg"))

    assert answer.status == 409, answer.body
    assert answer.error["code"] == "already_booked"
